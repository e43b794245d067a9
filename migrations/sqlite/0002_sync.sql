-- Central API and local-first sync (issue 3). Same tables and columns as
-- migrations/postgres/0002_sync.sql; replicas use sync_state and sync_outbox.

-- People who may sign in to the central API.
CREATE TABLE app_user (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('manager', 'staff', 'read_only')),
    created_at TEXT NOT NULL
);

-- Bearer tokens: only the sha256 of the token is kept. Revoked or expired tokens are refused.
CREATE TABLE api_token (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked_at TEXT
);

-- Which properties a user may see and change.
CREATE TABLE property_grant (
    user_id TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    property_id TEXT NOT NULL REFERENCES properties(id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, property_id)
);

-- The change log as row versions: every row the server writes gets the next change_seq.
-- Pulling "changes since N" is the rows whose version is above N, in version order.
CREATE TABLE sync_row_version (
    entity TEXT NOT NULL,
    row_id TEXT NOT NULL,
    property_id TEXT,
    change_seq INTEGER NOT NULL UNIQUE,
    PRIMARY KEY (entity, row_id)
);

-- Client mutations the server has seen, so a retried push is answered, never applied twice.
CREATE TABLE sync_mutation (
    client_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES app_user(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('applied', 'rejected')),
    detail TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

-- Content-addressed blobs (photos, documents), keyed by the sha256 of their bytes.
CREATE TABLE blob (
    sha256 TEXT PRIMARY KEY,
    content_type TEXT NOT NULL DEFAULT 'application/octet-stream',
    size_bytes INTEGER NOT NULL,
    data BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Replica side: one row per server this replica syncs with (cursor and device id).
CREATE TABLE sync_state (
    server_url TEXT PRIMARY KEY,
    device_id TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    cursor INTEGER NOT NULL DEFAULT 0,
    last_pull_at TEXT,
    last_push_at TEXT
);

-- Replica side: mutations applied locally and waiting to be pushed.
CREATE TABLE sync_outbox (
    client_id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    lease_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    local_log_id TEXT,
    created_at TEXT NOT NULL
);

