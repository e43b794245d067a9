-- Central API and local-first sync (issue 3). Same tables and columns as
-- migrations/sqlite/0002_sync.sql; the server uses the first six, replicas the last two.

-- People who may sign in to the central API.
CREATE TABLE app_user (
    id UUID PRIMARY KEY,
    email VARCHAR(254) NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role VARCHAR(20) NOT NULL CHECK (role IN ('manager', 'staff', 'read_only')),
    created_at TIMESTAMPTZ NOT NULL
);

-- Bearer tokens: only the sha256 of the token is kept. Revoked or expired tokens are refused.
CREATE TABLE api_token (
    id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    token_hash VARCHAR(64) NOT NULL UNIQUE,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);

-- Which properties a user may see and change.
CREATE TABLE property_grant (
    user_id UUID NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    property_id UUID NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, property_id)
);

-- The change log as row versions: every row the server writes gets the next change_seq.
-- Pulling "changes since N" is the rows whose version is above N, in version order.
CREATE TABLE sync_row_version (
    entity VARCHAR(40) NOT NULL,
    row_id UUID NOT NULL,
    property_id UUID,
    change_seq BIGSERIAL NOT NULL UNIQUE,
    PRIMARY KEY (entity, row_id)
);

-- Client mutations the server has seen, so a retried push is answered, never applied twice.
CREATE TABLE sync_mutation (
    client_id UUID PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    kind VARCHAR(40) NOT NULL,
    outcome VARCHAR(20) NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    detail TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);

-- Content-addressed blobs (photos, documents), keyed by the sha256 of their bytes.
CREATE TABLE blob (
    sha256 VARCHAR(64) PRIMARY KEY,
    content_type VARCHAR(100) NOT NULL DEFAULT 'application/octet-stream',
    size_bytes BIGINT NOT NULL,
    data BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

-- Replica side: one row per server this replica syncs with (cursor and device id).
CREATE TABLE sync_state (
    server_url TEXT PRIMARY KEY,
    device_id UUID NOT NULL,
    email VARCHAR(254) NOT NULL DEFAULT '',
    cursor BIGINT NOT NULL DEFAULT 0,
    last_pull_at TIMESTAMPTZ,
    last_push_at TIMESTAMPTZ
);

-- Replica side: mutations applied locally and waiting to be pushed.
CREATE TABLE sync_outbox (
    client_id UUID PRIMARY KEY,
    kind VARCHAR(40) NOT NULL,
    lease_id UUID NOT NULL,
    payload JSONB NOT NULL,
    local_log_id UUID,
    created_at TIMESTAMPTZ NOT NULL
);

-- The scheduler records one run per job and day; this makes "exactly once" a constraint.
CREATE UNIQUE INDEX job_run_scheduled_once ON job_run(job_name, run_date) WHERE outcome <> 'failed';
