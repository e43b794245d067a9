-- Tenant onboarding (spec 4.6): one checklist per tenant lease with its dated tasks, the
-- messages sent along the way, key handoffs, and each property's knowledge base (what the FAQ
-- bot answers from). Every row carries its property so it syncs by property.
CREATE TABLE onboarding_checklist (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_lease_id TEXT NOT NULL UNIQUE REFERENCES tenant_lease(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    tenant_name TEXT NOT NULL,
    tenant_email TEXT NOT NULL DEFAULT '',
    move_in_date TEXT NOT NULL,
    signed_date TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'in_progress', 'move_in_day', 'first_week', 'completed', 'stalled')),
    total_tasks INTEGER NOT NULL DEFAULT 0,
    completed_tasks INTEGER NOT NULL DEFAULT 0,
    completion_pct INTEGER NOT NULL DEFAULT 0,
    last_activity_at TEXT,
    stalled_since TEXT,
    stall_alert_sent INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX onboarding_checklist_status_idx ON onboarding_checklist(status, move_in_date);

CREATE TABLE onboarding_task (
    id TEXT PRIMARY KEY NOT NULL,
    checklist_id TEXT NOT NULL REFERENCES onboarding_checklist(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    task_type TEXT NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    trigger TEXT NOT NULL CHECK (trigger IN ('on_lease_sign', 'pre_move_in_7d', 'pre_move_in_3d',
        'on_move_in', 'post_move_in_1d', 'post_move_in_3d', 'post_move_in_7d', 'post_move_in_30d')),
    due_date TEXT NOT NULL,
    assigned_to TEXT NOT NULL CHECK (assigned_to IN ('system', 'tenant', 'manager')),
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'scheduled', 'sent', 'completed', 'skipped')),
    document_type TEXT NOT NULL DEFAULT '',
    document_url TEXT NOT NULL DEFAULT '',
    document_verified INTEGER NOT NULL DEFAULT 0,
    verification TEXT NOT NULL DEFAULT '{}',
    is_required INTEGER NOT NULL DEFAULT 1,
    is_blocking INTEGER NOT NULL DEFAULT 0,
    sort_order INTEGER NOT NULL DEFAULT 0,
    completed_at TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX onboarding_task_checklist_idx ON onboarding_task(checklist_id, sort_order);
CREATE INDEX onboarding_task_due_idx ON onboarding_task(status, due_date);

CREATE TABLE onboarding_message (
    id TEXT PRIMARY KEY NOT NULL,
    checklist_id TEXT NOT NULL REFERENCES onboarding_checklist(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    message_type TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'push', 'in_app')),
    subject TEXT NOT NULL DEFAULT '',
    content_html TEXT NOT NULL,
    sent_at TEXT,
    opened_at TEXT,
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'sent', 'delivered', 'opened', 'bounced')),
    provider TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX onboarding_message_checklist_idx ON onboarding_message(checklist_id, created_at);

CREATE TABLE key_handoff (
    id TEXT PRIMARY KEY NOT NULL,
    checklist_id TEXT REFERENCES onboarding_checklist(id) ON DELETE SET NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    tenant_name TEXT NOT NULL,
    key_type TEXT NOT NULL CHECK (key_type IN ('physical_unit_key', 'mailbox_key', 'fob',
        'garage_remote', 'digital_smart_lock', 'gate_code')),
    key_identifier TEXT NOT NULL DEFAULT '',
    access_code TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL DEFAULT 1,
    issued_at TEXT,
    returned_at TEXT,
    returned_condition TEXT NOT NULL DEFAULT '',
    tenant_acknowledged INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'issued', 'active', 'returned', 'lost')),
    handled_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX key_handoff_unit_idx ON key_handoff(unit_id, status);

CREATE TABLE property_knowledge_base (
    id TEXT PRIMARY KEY NOT NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    category TEXT NOT NULL CHECK (category IN ('parking', 'amenities', 'maintenance', 'policies',
        'utilities', 'neighborhood', 'safety', 'emergency', 'faq')),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    keywords TEXT NOT NULL DEFAULT '[]',
    is_active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX property_knowledge_base_property_idx ON property_knowledge_base(property_id, category);
