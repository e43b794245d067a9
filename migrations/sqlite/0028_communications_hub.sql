-- Tenant communications hub (spec 5.3): conversations with tenants across channels, their
-- messages with each one's classification, reply templates, broadcasts and the daily sentiment
-- log. A conversation carries its property (its tenant's lease's) so it syncs by property.
CREATE TABLE tenant_conversation (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unit_id TEXT REFERENCES units_unit(id) ON DELETE SET NULL,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email', 'whatsapp', 'in_app')),
    status TEXT NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'waiting_staff', 'waiting_tenant', 'resolved', 'archived')),
    category TEXT NOT NULL DEFAULT 'general'
        CHECK (category IN ('maintenance', 'billing', 'lease', 'complaint', 'emergency', 'general')),
    urgency TEXT NOT NULL DEFAULT 'normal' CHECK (urgency IN ('critical', 'high', 'normal', 'low')),
    sentiment_score REAL NOT NULL DEFAULT 0,
    ai_auto_responded INTEGER NOT NULL DEFAULT 0,
    assigned_to TEXT NOT NULL DEFAULT '',
    escalated INTEGER NOT NULL DEFAULT 0,
    escalation_reason TEXT NOT NULL DEFAULT '',
    last_message_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX tenant_conversation_tenant_idx ON tenant_conversation(tenant_id, last_message_at DESC);
CREATE INDEX tenant_conversation_status_idx ON tenant_conversation(status, category);
CREATE INDEX tenant_conversation_urgency_idx ON tenant_conversation(urgency, last_message_at DESC);

CREATE TABLE tenant_message (
    id TEXT PRIMARY KEY NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES tenant_conversation(id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    channel TEXT NOT NULL,
    content TEXT NOT NULL,
    is_ai_generated INTEGER NOT NULL DEFAULT 0,
    is_auto_sent INTEGER NOT NULL DEFAULT 0,
    ai_classification TEXT NOT NULL DEFAULT '{}',
    sentiment REAL NOT NULL DEFAULT 0,
    suggested_response TEXT NOT NULL DEFAULT '',
    sent_by TEXT NOT NULL DEFAULT '',
    read_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX tenant_message_conversation_idx ON tenant_message(conversation_id, created_at);

-- The daily rolling sentiment of each tenant who wrote in the last 30 days, with the churn
-- prediction and its factors (one row per tenant and day).
CREATE TABLE tenant_sentiment_log (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    date TEXT NOT NULL,
    sentiment_score REAL NOT NULL DEFAULT 0,
    message_count INTEGER NOT NULL DEFAULT 0,
    risk_level TEXT NOT NULL DEFAULT 'low' CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    contributing_factors TEXT NOT NULL DEFAULT '{}',
    churn_probability REAL NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, date)
);
CREATE INDEX tenant_sentiment_log_date_idx ON tenant_sentiment_log(date, risk_level);
