-- Everything sent to a person goes through the outbox: written in the same transaction as the
-- change that caused it, delivered once (idempotency_key is unique), retried on failure.
CREATE TABLE outbox_message (
    id UUID PRIMARY KEY,
    idempotency_key VARCHAR(200) NOT NULL UNIQUE,
    channel VARCHAR(10) NOT NULL CHECK (channel IN ('email', 'sms', 'letter')),
    recipient_name VARCHAR(200) NOT NULL DEFAULT '',
    recipient VARCHAR(300) NOT NULL,
    subject VARCHAR(300) NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    attachment_sha256 CHAR(64),
    attachment_name VARCHAR(200),
    related_type VARCHAR(50) NOT NULL DEFAULT '',
    related_id UUID,
    status VARCHAR(20) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    provider VARCHAR(50) NOT NULL DEFAULT '',
    provider_ref VARCHAR(200) NOT NULL DEFAULT '',
    scheduled_for TIMESTAMPTZ NOT NULL,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    sent_at TIMESTAMPTZ
);
CREATE INDEX outbox_message_due_idx ON outbox_message(status, next_attempt_at);
CREATE INDEX outbox_message_related_idx ON outbox_message(related_type, related_id);
