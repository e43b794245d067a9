-- Tenant onboarding (spec 4.6): one checklist per tenant lease with its dated tasks, the
-- messages sent along the way, key handoffs, and each property's knowledge base (what the FAQ
-- bot answers from). Every row carries its property so it syncs by property.
CREATE TABLE onboarding_checklist (
    id UUID PRIMARY KEY,
    tenant_lease_id UUID NOT NULL UNIQUE REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    tenant_name VARCHAR(200) NOT NULL,
    tenant_email VARCHAR(254) NOT NULL DEFAULT '',
    move_in_date DATE NOT NULL,
    signed_date DATE NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'in_progress', 'move_in_day', 'first_week', 'completed', 'stalled')),
    total_tasks INTEGER NOT NULL DEFAULT 0,
    completed_tasks INTEGER NOT NULL DEFAULT 0,
    completion_pct INTEGER NOT NULL DEFAULT 0,
    last_activity_at TIMESTAMPTZ,
    stalled_since TIMESTAMPTZ,
    stall_alert_sent BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX onboarding_checklist_status_idx ON onboarding_checklist(status, move_in_date);

CREATE TABLE onboarding_task (
    id UUID PRIMARY KEY,
    checklist_id UUID NOT NULL REFERENCES onboarding_checklist(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    task_type VARCHAR(50) NOT NULL,
    title VARCHAR(200) NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    trigger VARCHAR(30) NOT NULL CHECK (trigger IN ('on_lease_sign', 'pre_move_in_7d', 'pre_move_in_3d',
        'on_move_in', 'post_move_in_1d', 'post_move_in_3d', 'post_move_in_7d', 'post_move_in_30d')),
    due_date DATE NOT NULL,
    assigned_to VARCHAR(20) NOT NULL CHECK (assigned_to IN ('system', 'tenant', 'manager')),
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'scheduled', 'sent', 'completed', 'skipped')),
    document_type VARCHAR(50) NOT NULL DEFAULT '',
    document_url VARCHAR(500) NOT NULL DEFAULT '',
    document_verified BOOLEAN NOT NULL DEFAULT FALSE,
    verification JSONB NOT NULL DEFAULT '{}',
    is_required BOOLEAN NOT NULL DEFAULT TRUE,
    is_blocking BOOLEAN NOT NULL DEFAULT FALSE,
    sort_order INTEGER NOT NULL DEFAULT 0,
    completed_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX onboarding_task_checklist_idx ON onboarding_task(checklist_id, sort_order);
CREATE INDEX onboarding_task_due_idx ON onboarding_task(status, due_date);

CREATE TABLE onboarding_message (
    id UUID PRIMARY KEY,
    checklist_id UUID NOT NULL REFERENCES onboarding_checklist(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    message_type VARCHAR(50) NOT NULL,
    channel VARCHAR(10) NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'in_app')),
    subject VARCHAR(200) NOT NULL DEFAULT '',
    content_html TEXT NOT NULL,
    sent_at TIMESTAMPTZ,
    opened_at TIMESTAMPTZ,
    status VARCHAR(20) NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sent', 'delivered', 'opened', 'bounced')),
    provider VARCHAR(100) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX onboarding_message_checklist_idx ON onboarding_message(checklist_id, created_at);

CREATE TABLE key_handoff (
    id UUID PRIMARY KEY,
    checklist_id UUID REFERENCES onboarding_checklist(id) ON DELETE SET NULL,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_name VARCHAR(200) NOT NULL,
    key_type VARCHAR(20) NOT NULL CHECK (key_type IN ('physical_unit_key', 'mailbox_key', 'fob',
        'garage_remote', 'digital_smart_lock', 'gate_code')),
    key_identifier VARCHAR(50) NOT NULL DEFAULT '',
    access_code VARCHAR(20) NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL DEFAULT 1,
    issued_at TIMESTAMPTZ,
    returned_at TIMESTAMPTZ,
    returned_condition VARCHAR(20) NOT NULL DEFAULT '',
    tenant_acknowledged BOOLEAN NOT NULL DEFAULT FALSE,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'issued', 'active', 'returned', 'lost')),
    handled_by VARCHAR(100) NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX key_handoff_unit_idx ON key_handoff(unit_id, status);

CREATE TABLE property_knowledge_base (
    id UUID PRIMARY KEY,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    category VARCHAR(30) NOT NULL CHECK (category IN ('parking', 'amenities', 'maintenance', 'policies',
        'utilities', 'neighborhood', 'safety', 'emergency', 'faq')),
    question VARCHAR(500) NOT NULL,
    answer TEXT NOT NULL,
    keywords JSONB NOT NULL DEFAULT '[]',
    is_active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX property_knowledge_base_property_idx ON property_knowledge_base(property_id, category);
