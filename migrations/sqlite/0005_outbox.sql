-- Everything sent to a person goes through the outbox: written in the same transaction as the
-- change that caused it, delivered once (idempotency_key is unique), retried on failure.
CREATE TABLE outbox_message (
    id TEXT PRIMARY KEY NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
    recipient_name TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    attachment_sha256 TEXT,
    attachment_name TEXT,
    related_type TEXT NOT NULL DEFAULT '',
    related_id TEXT,
    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL DEFAULT '',
    provider_ref TEXT NOT NULL DEFAULT '',
    scheduled_for TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX outbox_message_due_idx ON outbox_message(status, next_attempt_at);
CREATE INDEX outbox_message_related_idx ON outbox_message(related_type, related_id);
