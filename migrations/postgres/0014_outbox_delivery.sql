-- Delivery reports from the providers' callbacks (POST /api/v1/outbox/callbacks/...): when the
-- message reached the recipient and when it was opened. Claims need no column: a claim bumps
-- `attempts` and moves `next_attempt_at` past the lease (core::delivery).
ALTER TABLE outbox_message ADD COLUMN delivered_at TIMESTAMPTZ;
ALTER TABLE outbox_message ADD COLUMN opened_at TIMESTAMPTZ;
-- Callbacks find a message by its provider reference (Twilio's MessageSid, the Message-ID).
CREATE INDEX outbox_message_provider_ref_idx ON outbox_message(provider_ref);
