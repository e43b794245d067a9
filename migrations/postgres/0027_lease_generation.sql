-- Lease generation and e-signing (spec 4.5). The clause library and the jurisdiction rules are
-- shipped in assets/lease_generation/ and written here by every store when it opens (stable ids,
-- the same on every device); templates, generated leases, their signatures and addenda are
-- records, synced by property.
CREATE TABLE lease_clause (
    id UUID PRIMARY KEY,
    slug VARCHAR(100) NOT NULL UNIQUE,
    category VARCHAR(50) NOT NULL,
    title VARCHAR(200) NOT NULL,
    text TEXT NOT NULL,
    jurisdiction_required JSONB NOT NULL DEFAULT '[]',
    jurisdiction_prohibited JSONB NOT NULL DEFAULT '[]',
    risk_score INTEGER NOT NULL DEFAULT 0 CHECK (risk_score BETWEEN 0 AND 100),
    dispute_count INTEGER NOT NULL DEFAULT 0,
    required_variables JSONB NOT NULL DEFAULT '[]',
    is_standard BOOLEAN NOT NULL DEFAULT TRUE,
    version INTEGER NOT NULL DEFAULT 1,
    effective_date DATE NOT NULL
);
CREATE INDEX lease_clause_category_idx ON lease_clause(category);

CREATE TABLE jurisdiction_rule (
    id UUID PRIMARY KEY,
    state VARCHAR(2) NOT NULL,
    city VARCHAR(100) NOT NULL DEFAULT '',
    rule_type VARCHAR(30) NOT NULL
        CHECK (rule_type IN ('security_deposit_limit', 'late_fee_limit', 'notice_period', 'required_disclosure', 'rent_control')),
    rule_details JSONB NOT NULL DEFAULT '{}',
    statute_reference VARCHAR(200) NOT NULL,
    effective_date DATE NOT NULL
);
CREATE INDEX jurisdiction_rule_state_idx ON jurisdiction_rule(state, city, rule_type);

CREATE TABLE lease_template (
    id UUID PRIMARY KEY,
    name VARCHAR(200) NOT NULL,
    property_type VARCHAR(30) NOT NULL DEFAULT 'residential'
        CHECK (property_type IN ('residential', 'commercial', 'mixed')),
    jurisdiction_state VARCHAR(2) NOT NULL,
    jurisdiction_city VARCHAR(100) NOT NULL DEFAULT '',
    base_clause_ids JSONB NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    property_id UUID REFERENCES properties(id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX lease_template_state_idx ON lease_template(jurisdiction_state, property_type);

CREATE TABLE generated_lease (
    id UUID PRIMARY KEY,
    template_id UUID REFERENCES lease_template(id) ON DELETE SET NULL,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_lease_id UUID REFERENCES tenant_lease(id) ON DELETE SET NULL,
    screening_application_id UUID REFERENCES screening_application(id) ON DELETE SET NULL,
    lease_terms JSONB NOT NULL DEFAULT '{}',
    clause_ids JSONB NOT NULL DEFAULT '[]',
    ai_risk_assessment JSONB NOT NULL DEFAULT '{}',
    jurisdiction_warnings JSONB NOT NULL DEFAULT '[]',
    document_url TEXT NOT NULL DEFAULT '',
    document_html TEXT NOT NULL DEFAULT '',
    status VARCHAR(20) NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'review', 'sent_for_signing', 'partially_signed', 'fully_signed', 'voided')),
    is_renewal BOOLEAN NOT NULL DEFAULT FALSE,
    previous_lease_id UUID REFERENCES generated_lease(id) ON DELETE SET NULL,
    renewal_changes JSONB NOT NULL DEFAULT '[]',
    translations JSONB NOT NULL DEFAULT '{}',
    signed_document_sha256 TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX generated_lease_unit_idx ON generated_lease(unit_id, status);
CREATE INDEX generated_lease_property_idx ON generated_lease(property_id, created_at DESC);

CREATE TABLE lease_signature (
    id UUID PRIMARY KEY,
    lease_id UUID NOT NULL REFERENCES generated_lease(id) ON DELETE CASCADE,
    signer_role VARCHAR(20) NOT NULL CHECK (signer_role IN ('tenant', 'co_tenant', 'guarantor', 'property_manager')),
    signer_name VARCHAR(200) NOT NULL,
    signer_email VARCHAR(254) NOT NULL,
    signing_token UUID NOT NULL UNIQUE,
    signed_at TIMESTAMPTZ,
    ip_address VARCHAR(45),
    user_agent TEXT NOT NULL DEFAULT '',
    pages_viewed JSONB NOT NULL DEFAULT '[]',
    time_spent_seconds INTEGER NOT NULL DEFAULT 0,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'viewed', 'signed', 'declined')),
    reminder_count INTEGER NOT NULL DEFAULT 0,
    expires_at TIMESTAMPTZ NOT NULL,
    signature_kind TEXT NOT NULL DEFAULT '',
    signature_data TEXT NOT NULL DEFAULT '',
    consent_at TIMESTAMPTZ,
    viewed_at TIMESTAMPTZ,
    last_reminded_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX lease_signature_lease_idx ON lease_signature(lease_id);
CREATE INDEX lease_signature_status_idx ON lease_signature(status, expires_at);

CREATE TABLE lease_addendum (
    id UUID PRIMARY KEY,
    lease_id UUID NOT NULL REFERENCES generated_lease(id) ON DELETE CASCADE,
    addendum_type VARCHAR(20) NOT NULL CHECK (addendum_type IN ('pet', 'parking', 'storage', 'military', 'lead_paint', 'custom')),
    title VARCHAR(200) NOT NULL,
    terms JSONB NOT NULL DEFAULT '{}',
    document_html TEXT NOT NULL DEFAULT '',
    requires_signature BOOLEAN NOT NULL DEFAULT TRUE,
    signed BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX lease_addendum_lease_idx ON lease_addendum(lease_id);
