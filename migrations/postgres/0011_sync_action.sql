-- Actions a person took on feature records (approve a renewal, record a payment, …) on a
-- connected replica, queued until the server has applied or refused them (issue 13). Same table
-- as migrations/sqlite/0011_sync_action.sql; replicas use it, the server does not.
CREATE TABLE sync_action (
    client_id UUID PRIMARY KEY,
    entity VARCHAR(60) NOT NULL,
    entity_id UUID NOT NULL,
    action JSONB NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);
