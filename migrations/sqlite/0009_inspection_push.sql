-- Pushing move-in inspections from a replica (issue 9). Same tables and columns as
-- migrations/postgres/0009_inspection_push.sql.

-- Which record a sync mutation was about (the lease of a lifecycle action, the inspection of
-- an inspection push), so the server can say what a client id changed.
ALTER TABLE sync_mutation ADD COLUMN entity_id TEXT;

-- Replica side: how far each move-in inspection has been pushed. An inspection whose
-- updated_at differs from pushed_updated_at has local changes to send; rows pulled from the
-- server set the marker too, so they are not pushed straight back. A push sent without an
-- answer keeps its client id here, so the retry is the same mutation.
CREATE TABLE sync_inspection_push (
    inspection_id TEXT PRIMARY KEY NOT NULL,
    pushed_updated_at TEXT,
    pending_client_id TEXT,
    pending_updated_at TEXT
);

-- Replica side: blobs the server is known to hold (uploaded from here, or referenced by rows
-- the server sent), so a push uploads only what the server lacks.
CREATE TABLE sync_blob_known (
    sha256 TEXT PRIMARY KEY NOT NULL
);
