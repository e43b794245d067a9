-- Smart collections (spec 1.3).
CREATE TABLE collection_case (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    lease_id TEXT NOT NULL REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    original_amount_due TEXT NOT NULL,
    current_balance TEXT NOT NULL,
    late_fee_total TEXT NOT NULL DEFAULT '0',
    days_overdue INTEGER NOT NULL DEFAULT 0,
    due_date TEXT NOT NULL,
    escalation_level INTEGER NOT NULL DEFAULT 0 CHECK (escalation_level BETWEEN 0 AND 5),
    tenant_risk_profile TEXT NOT NULL DEFAULT 'standard'
        CHECK (tenant_risk_profile IN ('good_history', 'standard', 'repeat_offender', 'chronic')),
    tone TEXT NOT NULL DEFAULT 'friendly' CHECK (tone IN ('friendly', 'firm', 'formal', 'legal')),
    status TEXT NOT NULL DEFAULT 'open'
        CHECK (status IN ('open', 'payment_plan', 'paid', 'escalated', 'written_off')),
    resolved_at TEXT,
    assigned_to TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX collection_case_status_idx ON collection_case(status, escalation_level);
CREATE INDEX collection_case_tenant_idx ON collection_case(tenant_id, status);
CREATE INDEX collection_case_property_idx ON collection_case(property_id, status);

CREATE TABLE collection_action (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES collection_case(id) ON DELETE CASCADE,
    action_type TEXT NOT NULL CHECK (action_type IN
        ('sms', 'email', 'formal_letter', 'payment_plan', 'escalation', 'call', 'payment_received', 'note')),
    escalation_level INTEGER NOT NULL,
    channel TEXT NOT NULL DEFAULT 'system',
    message_text TEXT NOT NULL,
    tone_used TEXT NOT NULL DEFAULT '',
    ai_generated INTEGER NOT NULL DEFAULT 1,
    ai_provider TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    delivered INTEGER NOT NULL DEFAULT 0,
    opened INTEGER NOT NULL DEFAULT 0,
    response_received INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX collection_action_case_idx ON collection_action(case_id, created_at);
-- One message per case and step: the engine can run any number of times.
CREATE UNIQUE INDEX collection_action_step_once ON collection_action(case_id, escalation_level, action_type)
    WHERE action_type IN ('sms', 'email', 'formal_letter', 'payment_plan', 'escalation');

CREATE TABLE collection_payment_plan (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL UNIQUE REFERENCES collection_case(id) ON DELETE CASCADE,
    total_amount TEXT NOT NULL,
    num_installments INTEGER NOT NULL,
    installment_amount TEXT NOT NULL,
    start_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'proposed'
        CHECK (status IN ('proposed', 'accepted', 'active', 'completed', 'defaulted')),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE collection_plan_installment (
    id TEXT PRIMARY KEY NOT NULL,
    plan_id TEXT NOT NULL REFERENCES collection_payment_plan(id) ON DELETE CASCADE,
    installment_number INTEGER NOT NULL,
    amount TEXT NOT NULL,
    due_date TEXT NOT NULL,
    paid_date TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'paid', 'overdue', 'partial')),
    UNIQUE (plan_id, installment_number)
);
