-- Lease generation and e-signing (spec 4.5). The clause library and the jurisdiction rules are
-- shipped in assets/lease_generation/ and written here by every store when it opens (stable ids,
-- the same on every device); templates, generated leases, their signatures and addenda are
-- records, synced by property.
CREATE TABLE lease_clause (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    jurisdiction_required TEXT NOT NULL DEFAULT '[]',
    jurisdiction_prohibited TEXT NOT NULL DEFAULT '[]',
    risk_score INTEGER NOT NULL DEFAULT 0 CHECK (risk_score BETWEEN 0 AND 100),
    dispute_count INTEGER NOT NULL DEFAULT 0,
    required_variables TEXT NOT NULL DEFAULT '[]',
    is_standard INTEGER NOT NULL DEFAULT 1,
    version INTEGER NOT NULL DEFAULT 1,
    effective_date TEXT NOT NULL
);
CREATE INDEX lease_clause_category_idx ON lease_clause(category);

CREATE TABLE jurisdiction_rule (
    id TEXT PRIMARY KEY NOT NULL,
    state TEXT NOT NULL,
    city TEXT NOT NULL DEFAULT '',
    rule_type TEXT NOT NULL
        CHECK (rule_type IN ('security_deposit_limit', 'late_fee_limit', 'notice_period', 'required_disclosure', 'rent_control')),
    rule_details TEXT NOT NULL DEFAULT '{}',
    statute_reference TEXT NOT NULL,
    effective_date TEXT NOT NULL
);
CREATE INDEX jurisdiction_rule_state_idx ON jurisdiction_rule(state, city, rule_type);

CREATE TABLE lease_template (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    property_type TEXT NOT NULL DEFAULT 'residential'
        CHECK (property_type IN ('residential', 'commercial', 'mixed')),
    jurisdiction_state TEXT NOT NULL,
    jurisdiction_city TEXT NOT NULL DEFAULT '',
    base_clause_ids TEXT NOT NULL DEFAULT '[]',
    version INTEGER NOT NULL DEFAULT 1,
    is_active INTEGER NOT NULL DEFAULT 1,
    property_id TEXT REFERENCES properties(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX lease_template_state_idx ON lease_template(jurisdiction_state, property_type);

CREATE TABLE generated_lease (
    id TEXT PRIMARY KEY NOT NULL,
    template_id TEXT REFERENCES lease_template(id) ON DELETE SET NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_lease_id TEXT REFERENCES tenant_lease(id) ON DELETE SET NULL,
    screening_application_id TEXT REFERENCES screening_application(id) ON DELETE SET NULL,
    lease_terms TEXT NOT NULL DEFAULT '{}',
    clause_ids TEXT NOT NULL DEFAULT '[]',
    ai_risk_assessment TEXT NOT NULL DEFAULT '{}',
    jurisdiction_warnings TEXT NOT NULL DEFAULT '[]',
    document_url TEXT NOT NULL DEFAULT '',
    document_html TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'draft'
        CHECK (status IN ('draft', 'review', 'sent_for_signing', 'partially_signed', 'fully_signed', 'voided')),
    is_renewal INTEGER NOT NULL DEFAULT 0,
    previous_lease_id TEXT REFERENCES generated_lease(id) ON DELETE SET NULL,
    renewal_changes TEXT NOT NULL DEFAULT '[]',
    translations TEXT NOT NULL DEFAULT '{}',
    signed_document_sha256 TEXT NOT NULL DEFAULT '',
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX generated_lease_unit_idx ON generated_lease(unit_id, status);
CREATE INDEX generated_lease_property_idx ON generated_lease(property_id, created_at DESC);

CREATE TABLE lease_signature (
    id TEXT PRIMARY KEY NOT NULL,
    lease_id TEXT NOT NULL REFERENCES generated_lease(id) ON DELETE CASCADE,
    signer_role TEXT NOT NULL CHECK (signer_role IN ('tenant', 'co_tenant', 'guarantor', 'property_manager')),
    signer_name TEXT NOT NULL,
    signer_email TEXT NOT NULL,
    signing_token TEXT NOT NULL UNIQUE,
    signed_at TEXT,
    ip_address TEXT,
    user_agent TEXT NOT NULL DEFAULT '',
    pages_viewed TEXT NOT NULL DEFAULT '[]',
    time_spent_seconds INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'viewed', 'signed', 'declined')),
    reminder_count INTEGER NOT NULL DEFAULT 0,
    expires_at TEXT NOT NULL,
    signature_kind TEXT NOT NULL DEFAULT '',
    signature_data TEXT NOT NULL DEFAULT '',
    consent_at TEXT,
    viewed_at TEXT,
    last_reminded_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX lease_signature_lease_idx ON lease_signature(lease_id);
CREATE INDEX lease_signature_status_idx ON lease_signature(status, expires_at);

CREATE TABLE lease_addendum (
    id TEXT PRIMARY KEY NOT NULL,
    lease_id TEXT NOT NULL REFERENCES generated_lease(id) ON DELETE CASCADE,
    addendum_type TEXT NOT NULL CHECK (addendum_type IN ('pet', 'parking', 'storage', 'military', 'lead_paint', 'custom')),
    title TEXT NOT NULL,
    terms TEXT NOT NULL DEFAULT '{}',
    document_html TEXT NOT NULL DEFAULT '',
    requires_signature INTEGER NOT NULL DEFAULT 1,
    signed INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX lease_addendum_lease_idx ON lease_addendum(lease_id);
