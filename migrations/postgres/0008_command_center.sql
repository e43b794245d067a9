-- Portfolio command center (spec 1.4).
CREATE TABLE ai_action_queue (
    id UUID PRIMARY KEY,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    lease_id UUID REFERENCES tenant_lease(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    action_type VARCHAR(50) NOT NULL,
    description TEXT NOT NULL,
    suggested_payload JSONB NOT NULL DEFAULT '{}',
    generated_content TEXT,
    confidence_score NUMERIC(3, 2) NOT NULL DEFAULT 0.50,
    priority VARCHAR(10) NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    lifecycle_state VARCHAR(20) NOT NULL,
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'executed', 'dismissed', 'superseded')),
    executed_at TIMESTAMPTZ,
    executed_by VARCHAR(100) NOT NULL DEFAULT '',
    execution_method VARCHAR(20) NOT NULL DEFAULT '',
    bulk_batch_id UUID,
    generation_reason TEXT NOT NULL DEFAULT '',
    ai_provider VARCHAR(30) NOT NULL DEFAULT '',
    generated_on DATE NOT NULL,
    generated_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX ai_action_queue_status_idx ON ai_action_queue(status, priority, confidence_score DESC);
CREATE INDEX ai_action_queue_unit_idx ON ai_action_queue(unit_id, action_type, generated_at DESC);
CREATE INDEX ai_action_queue_property_idx ON ai_action_queue(property_id, lifecycle_state, status);
CREATE INDEX ai_action_queue_type_idx ON ai_action_queue(action_type, status);
-- One recommendation per unit, action type and day: the nightly job can run twice.
CREATE UNIQUE INDEX ai_action_queue_daily ON ai_action_queue(unit_id, action_type, generated_on);

CREATE TABLE bulk_action_batch (
    id UUID PRIMARY KEY,
    request_id VARCHAR(100) NOT NULL UNIQUE,
    action_type VARCHAR(50) NOT NULL,
    unit_count INTEGER NOT NULL,
    suggested_payload JSONB NOT NULL DEFAULT '{}',
    executed_by VARCHAR(100) NOT NULL,
    execution_method VARCHAR(20) NOT NULL DEFAULT 'email',
    scheduled_for TIMESTAMPTZ,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    result_summary TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- Each unit of a batch is executed once, however often the request is retried.
CREATE TABLE bulk_action_item (
    id UUID PRIMARY KEY,
    batch_id UUID NOT NULL REFERENCES bulk_action_batch(id) ON DELETE CASCADE,
    unit_id UUID NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    outcome VARCHAR(20) NOT NULL CHECK (outcome IN ('executed', 'skipped', 'failed')),
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    UNIQUE (batch_id, unit_id)
);
