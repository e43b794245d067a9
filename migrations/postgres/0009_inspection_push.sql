-- Pushing move-in inspections from a replica (issue 9). Same tables and columns as
-- migrations/sqlite/0009_inspection_push.sql; the server uses the column, replicas the tables.

-- Which record a sync mutation was about (the lease of a lifecycle action, the inspection of
-- an inspection push), so the server can say what a client id changed.
ALTER TABLE sync_mutation ADD COLUMN entity_id UUID;

-- Replica side: how far each move-in inspection has been pushed (see the SQLite file).
CREATE TABLE sync_inspection_push (
    inspection_id UUID PRIMARY KEY,
    pushed_updated_at TEXT,
    pending_client_id UUID,
    pending_updated_at TEXT
);

-- Replica side: blobs the server is known to hold.
CREATE TABLE sync_blob_known (
    sha256 VARCHAR(64) PRIMARY KEY
);
