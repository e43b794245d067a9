-- Smart collections (spec 1.3).
CREATE TABLE collection_case (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lease_id UUID NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    original_amount_due NUMERIC(10, 2) NOT NULL,
    current_balance NUMERIC(10, 2) NOT NULL,
    late_fee_total NUMERIC(10, 2) NOT NULL DEFAULT 0,
    days_overdue INTEGER NOT NULL DEFAULT 0,
    due_date DATE NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 5),
    tenant_risk_profile VARCHAR(20) NOT NULL DEFAULT 'standard'
        CHECK (tenant_risk_profile IN ('good_history', 'standard', 'repeat_offender', 'chronic')),
    tone VARCHAR(20) NOT NULL DEFAULT 'friendly' CHECK (tone IN ('friendly', 'firm', 'formal', 'legal')),
    status VARCHAR(20) NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'payment_plan', 'paid', 'escalated', 'written_off')),
    resolved_at TIMESTAMPTZ,
    assigned_to VARCHAR(100) NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX collection_case_status_idx ON collection_case(status, escalation_level);
CREATE INDEX collection_case_tenant_idx ON collection_case(tenant_id, status);
CREATE INDEX collection_case_property_idx ON collection_case(property_id, status);

CREATE TABLE collection_action (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL REFERENCES collection_case(id) ON DELETE CASCADE,
    action_type VARCHAR(20) NOT NULL CHECK (action_type IN
        ('sms', 'email', 'formal_letter', 'payment_plan', 'escalation', 'call', 'payment_received', 'note')),
    escalation_level INTEGER NOT NULL,
    channel VARCHAR(20) NOT NULL DEFAULT 'system',
    message_text TEXT NOT NULL,
    tone_used VARCHAR(20) NOT NULL DEFAULT '',
    ai_generated BOOLEAN NOT NULL DEFAULT TRUE,
    ai_provider VARCHAR(30) NOT NULL DEFAULT '',
    sent_at TIMESTAMPTZ,
    delivered BOOLEAN NOT NULL DEFAULT FALSE,
    opened BOOLEAN NOT NULL DEFAULT FALSE,
    response_received BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX collection_action_case_idx ON collection_action(case_id, created_at);
-- One message per case and step: the engine can run any number of times.
CREATE UNIQUE INDEX collection_action_step_once ON collection_action(case_id, escalation_level, action_type)
    WHERE action_type IN ('sms', 'email', 'formal_letter', 'payment_plan', 'escalation');

CREATE TABLE collection_payment_plan (
    id UUID PRIMARY KEY,
    case_id UUID NOT NULL UNIQUE REFERENCES collection_case(id) ON DELETE CASCADE,
    total_amount NUMERIC(10, 2) NOT NULL,
    num_installments INTEGER NOT NULL,
    installment_amount NUMERIC(10, 2) NOT NULL,
    start_date DATE NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'accepted', 'active', 'completed', 'defaulted')),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE collection_plan_installment (
    id UUID PRIMARY KEY,
    plan_id UUID NOT NULL REFERENCES collection_payment_plan(id) ON DELETE CASCADE,
    installment_number INTEGER NOT NULL,
    amount NUMERIC(10, 2) NOT NULL,
    due_date DATE NOT NULL,
    paid_date DATE,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'overdue', 'partial')),
    UNIQUE (plan_id, installment_number)
);
