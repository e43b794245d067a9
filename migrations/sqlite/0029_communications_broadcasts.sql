-- Tenant communications hub (spec 5.3), second half: the reply templates and the broadcasts.
-- `communication_template` holds the shipped templates (written by every store from the same
-- rows with the same ids when it opens, like `lease_clause`, so never synced).
-- `broadcast_message` is a mass message; it carries the property of its recipient filter (NULL
-- for a portfolio-wide broadcast, which every user's replica receives). `broadcast_recipient`
-- is one delivery: a tenant on one channel, written once per broadcast, tenant and channel, so a
-- retried send queues nothing twice; it carries its tenant's property and syncs by it.
CREATE TABLE communication_template (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    channel TEXT NOT NULL,
    content TEXT NOT NULL,
    variables TEXT NOT NULL DEFAULT '[]',
    auto_send INTEGER NOT NULL DEFAULT 0,
    trigger_intent TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE TABLE broadcast_message (
    id TEXT PRIMARY KEY NOT NULL,
    property_id TEXT REFERENCES properties(id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    content TEXT NOT NULL,
    channels TEXT NOT NULL DEFAULT '[]',
    recipient_filter TEXT NOT NULL DEFAULT '{}',
    recipient_count INTEGER NOT NULL DEFAULT 0,
    sent_count INTEGER NOT NULL DEFAULT 0,
    read_count INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'sent')),
    sent_at TEXT,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX broadcast_message_created_idx ON broadcast_message(created_at DESC);

CREATE TABLE broadcast_recipient (
    id TEXT PRIMARY KEY NOT NULL,
    broadcast_id TEXT NOT NULL REFERENCES broadcast_message(id) ON DELETE CASCADE,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    unit_id TEXT REFERENCES units_unit(id) ON DELETE SET NULL,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'in_app')),
    address TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed', 'skipped')),
    content TEXT NOT NULL DEFAULT '',
    outbox_message_key TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT '',
    sent_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (broadcast_id, tenant_id, channel)
);
CREATE INDEX broadcast_recipient_tenant_idx ON broadcast_recipient(tenant_id);
