//! The outbox port over PostgreSQL (`unitcycle_core::delivery::OutboxPort`): due messages are
//! claimed with `FOR UPDATE SKIP LOCKED` in one short transaction (so two servers never take
//! the same message), sent by the core's workflow outside any transaction, and their outcome
//! written under the claim. Attachments come from the `blob` table.

use chrono::{DateTime, Utc};
use unitcycle_core::delivery::{Attempt, OutboxPort, CLAIM_LEASE};
use unitcycle_core::outbox::OutboxMessage;
use unitcycle_core::store::StoreError;

use crate::adapter::{parse, store_error, PgPort};
use crate::pg::PgError;

type StoreResult<T> = std::result::Result<T, StoreError>;

const COLS: &str = "id, idempotency_key, channel, recipient_name, recipient, subject, body, attachment_sha256::text, \
    attachment_name, related_type, related_id, status, attempts, last_error, provider, provider_ref, scheduled_for, \
    next_attempt_at, created_at, sent_at";

pub(crate) fn message(r: &tokio_postgres::Row) -> Result<OutboxMessage, PgError> {
    Ok(OutboxMessage {
        id: r.get(0),
        idempotency_key: r.get(1),
        channel: parse(r, 2, "outbox_message.channel")?,
        recipient_name: r.get(3),
        recipient: r.get(4),
        subject: r.get(5),
        body: r.get(6),
        attachment_sha256: r.get(7),
        attachment_name: r.get(8),
        related_type: r.get(9),
        related_id: r.get(10),
        status: parse(r, 11, "outbox_message.status")?,
        attempts: r.get(12),
        last_error: r.get(13),
        provider: r.get(14),
        provider_ref: r.get(15),
        scheduled_for: r.get(16),
        next_attempt_at: r.get(17),
        created_at: r.get(18),
        sent_at: r.get(19),
    })
}

impl OutboxPort for PgPort {
    fn claim_due(&mut self, now: DateTime<Utc>, limit: usize) -> StoreResult<Vec<OutboxMessage>> {
        let rt = self.rt.clone();
        rt.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| store_error(e.into()))?;
            let rows = tx
                .query(
                    &format!(
                        "WITH due AS (
                             SELECT id FROM outbox_message
                             WHERE status = 'pending' AND next_attempt_at <= $1 AND scheduled_for <= $1
                             ORDER BY created_at, id LIMIT $2 FOR UPDATE SKIP LOCKED)
                         UPDATE outbox_message o SET attempts = o.attempts + 1, next_attempt_at = $3
                         FROM due WHERE o.id = due.id RETURNING {}",
                        COLS.split(", ").map(|c| format!("o.{c}")).collect::<Vec<_>>().join(", ")
                    ),
                    &[&now, &(limit as i64), &(now + CLAIM_LEASE)],
                )
                .await
                .map_err(|e| store_error(e.into()))?;
            tx.commit().await.map_err(|e| store_error(e.into()))?;
            let mut claimed = rows.iter().map(message).collect::<Result<Vec<_>, _>>().map_err(store_error)?;
            claimed.sort_by_key(|m| (m.created_at, m.id));
            Ok(claimed)
        })
    }

    fn attachment(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
        self.block(crate::adapter::inspections::blobs(self.client(), &[sha256.to_string()]))
            .map(|mut b| b.remove(sha256))
    }

    fn record_attempt(&mut self, msg: &OutboxMessage, attempt: &Attempt, now: DateTime<Utc>) -> StoreResult<bool> {
        let (id, claim) = (msg.id, msg.attempts);
        let c = self.client();
        let n = self.block(async {
            Ok(match attempt {
                Attempt::Sent { provider, provider_ref } => {
                    c.execute(
                        "UPDATE outbox_message SET status = 'sent', sent_at = $3, provider = $4, provider_ref = $5,
                         last_error = '' WHERE id = $1 AND attempts = $2 AND status = 'pending'",
                        &[&id, &claim, &now, provider, provider_ref],
                    )
                    .await?
                }
                Attempt::Retry { provider, error, next_attempt_at } => {
                    c.execute(
                        "UPDATE outbox_message SET last_error = $3, next_attempt_at = $4, provider = $5
                         WHERE id = $1 AND attempts = $2 AND status = 'pending'",
                        &[&id, &claim, error, next_attempt_at, provider],
                    )
                    .await?
                }
                Attempt::GaveUp { provider, error } => {
                    c.execute(
                        "UPDATE outbox_message SET status = 'failed', last_error = $3, provider = $4
                         WHERE id = $1 AND attempts = $2 AND status = 'pending'",
                        &[&id, &claim, error, provider],
                    )
                    .await?
                }
            })
        })?;
        Ok(n == 1)
    }
}
