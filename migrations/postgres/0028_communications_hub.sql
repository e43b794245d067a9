-- Tenant communications hub (spec 5.3): conversations with tenants across channels, their
-- messages with each one's classification, reply templates, broadcasts and the daily sentiment
-- log. A conversation carries its property (its tenant's lease's) so it syncs by property.
CREATE TABLE tenant_conversation (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    unit_id UUID REFERENCES units_unit(id) ON DELETE SET NULL,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    channel VARCHAR(15) NOT NULL CHECK (channel IN ('sms', 'email', 'whatsapp', 'in_app')),
    status VARCHAR(20) NOT NULL DEFAULT 'active'
        CHECK (status IN ('active', 'waiting_staff', 'waiting_tenant', 'resolved', 'archived')),
    category VARCHAR(20) NOT NULL DEFAULT 'general'
        CHECK (category IN ('maintenance', 'billing', 'lease', 'complaint', 'emergency', 'general')),
    urgency VARCHAR(10) NOT NULL DEFAULT 'normal' CHECK (urgency IN ('critical', 'high', 'normal', 'low')),
    sentiment_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    ai_auto_responded BOOLEAN NOT NULL DEFAULT FALSE,
    assigned_to VARCHAR(100) NOT NULL DEFAULT '',
    escalated BOOLEAN NOT NULL DEFAULT FALSE,
    escalation_reason VARCHAR(200) NOT NULL DEFAULT '',
    last_message_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenant_conversation_tenant_idx ON tenant_conversation(tenant_id, last_message_at DESC);
CREATE INDEX tenant_conversation_status_idx ON tenant_conversation(status, category);
CREATE INDEX tenant_conversation_urgency_idx ON tenant_conversation(urgency, last_message_at DESC);

CREATE TABLE tenant_message (
    id UUID PRIMARY KEY,
    conversation_id UUID NOT NULL REFERENCES tenant_conversation(id) ON DELETE CASCADE,
    direction VARCHAR(10) NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    channel VARCHAR(15) NOT NULL,
    content TEXT NOT NULL,
    is_ai_generated BOOLEAN NOT NULL DEFAULT FALSE,
    is_auto_sent BOOLEAN NOT NULL DEFAULT FALSE,
    ai_classification JSONB NOT NULL DEFAULT '{}',
    sentiment DOUBLE PRECISION NOT NULL DEFAULT 0,
    suggested_response TEXT NOT NULL DEFAULT '',
    sent_by VARCHAR(254) NOT NULL DEFAULT '',
    read_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX tenant_message_conversation_idx ON tenant_message(conversation_id, created_at);

-- The daily rolling sentiment of each tenant who wrote in the last 30 days, with the churn
-- prediction and its factors (one row per tenant and day).
CREATE TABLE tenant_sentiment_log (
    id UUID PRIMARY KEY,
    tenant_id UUID NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    date DATE NOT NULL,
    sentiment_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    message_count INTEGER NOT NULL DEFAULT 0,
    risk_level VARCHAR(10) NOT NULL DEFAULT 'low' CHECK (risk_level IN ('low', 'medium', 'high', 'critical')),
    contributing_factors JSONB NOT NULL DEFAULT '{}',
    churn_probability DOUBLE PRECISION NOT NULL DEFAULT 0,
    UNIQUE (tenant_id, date)
);
CREATE INDEX tenant_sentiment_log_date_idx ON tenant_sentiment_log(date, risk_level);
