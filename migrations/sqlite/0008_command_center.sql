-- Portfolio command center (spec 1.4).
CREATE TABLE ai_action_queue (
    id TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    lease_id TEXT REFERENCES tenant_lease(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    action_type TEXT NOT NULL,
    description TEXT NOT NULL,
    suggested_payload TEXT NOT NULL DEFAULT '{}',
    generated_content TEXT,
    confidence_score TEXT NOT NULL DEFAULT '0.50',
    priority TEXT NOT NULL DEFAULT 'medium' CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    lifecycle_state TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'approved', 'executed', 'dismissed', 'superseded')),
    executed_at TEXT,
    executed_by TEXT NOT NULL DEFAULT '',
    execution_method TEXT NOT NULL DEFAULT '',
    bulk_batch_id TEXT,
    generation_reason TEXT NOT NULL DEFAULT '',
    ai_provider TEXT NOT NULL DEFAULT '',
    generated_on TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ai_action_queue_status_idx ON ai_action_queue(status, priority, confidence_score DESC);
CREATE INDEX ai_action_queue_unit_idx ON ai_action_queue(unit_id, action_type, generated_at DESC);
CREATE INDEX ai_action_queue_property_idx ON ai_action_queue(property_id, lifecycle_state, status);
CREATE INDEX ai_action_queue_type_idx ON ai_action_queue(action_type, status);
-- One recommendation per unit, action type and day: the nightly job can run twice.
CREATE UNIQUE INDEX ai_action_queue_daily ON ai_action_queue(unit_id, action_type, generated_on);

CREATE TABLE bulk_action_batch (
    id TEXT PRIMARY KEY NOT NULL,
    request_id TEXT NOT NULL UNIQUE,
    action_type TEXT NOT NULL,
    unit_count INTEGER NOT NULL,
    suggested_payload TEXT NOT NULL DEFAULT '{}',
    executed_by TEXT NOT NULL,
    execution_method TEXT NOT NULL DEFAULT 'email',
    scheduled_for TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    result_summary TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- Each unit of a batch is executed once, however often the request is retried.
CREATE TABLE bulk_action_item (
    id TEXT PRIMARY KEY NOT NULL,
    batch_id TEXT NOT NULL REFERENCES bulk_action_batch(id) ON DELETE CASCADE,
    unit_id TEXT NOT NULL REFERENCES units_unit(id) ON DELETE CASCADE,
    outcome TEXT NOT NULL CHECK (outcome IN ('executed', 'skipped', 'failed')),
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (batch_id, unit_id)
);
