//! The server delivers its outbox: `unitcycle_core::delivery::deliver_due` over the PostgreSQL
//! port every 30 seconds (started beside the scheduler). Any number of servers may run it: each
//! claims its messages with `FOR UPDATE SKIP LOCKED`, so none is taken twice. Providers' delivery
//! reports come back through the callback endpoints (`outbox::api`), recorded here.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use unitcycle_core::delivery::{self, DeliveryEvent, Providers};
use unitcycle_core::outbox::{DeliveryReport, OutboxMessage, OutboxStatus};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter;
use crate::pg::Result;
use crate::server::Clock;
use crate::tables;

/// How often the server looks for due messages.
pub const EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// One delivery pass: every due message, sent once.
pub async fn deliver_once(
    pool: &Pool,
    providers: Arc<Providers>,
    now: DateTime<Utc>,
) -> std::result::Result<DeliveryReport, StoreError> {
    adapter::run(pool, Some(Vec::new()), move |port| delivery::deliver_due(port, &providers, now)).await
}

/// The delivery loop (`unitcycle-server serve`).
pub async fn run_forever(pool: Pool, clock: Clock, providers: Arc<Providers>) {
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match deliver_once(&pool, providers.clone(), clock.now()).await {
            Ok(r) if r == DeliveryReport::default() => {}
            Ok(r) => tracing::info!(sent = r.sent, retrying = r.retrying, failed = r.failed, "outbox delivered"),
            Err(e) => tracing::error!(error = %e, "outbox delivery failed"),
        }
    }
}

/// What a callback changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    pub message: OutboxMessage,
    /// The collection step's timeline row that was marked, if the message belongs to one.
    pub collection_action: Option<Uuid>,
}

/// How a callback names its message.
pub enum MessageKey<'a> {
    /// The provider's reference (`MessageSid`, the Message-ID).
    ProviderRef(&'a str),
    IdempotencyKey(&'a str),
}

/// Records a provider's delivery report: `delivered_at` / `opened_at` on the message, and the
/// spec's `collection_action.delivered` / `opened` on the step that sent it (entered in the change
/// log, so replicas see it), in one transaction. `None`: no sent message has that key.
pub async fn record_event(
    pool: &Pool,
    key: MessageKey<'_>,
    channel: &str,
    event: DeliveryEvent,
    now: DateTime<Utc>,
) -> Result<Option<Recorded>> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let (column, value) = match key {
        MessageKey::ProviderRef(r) => ("provider_ref", r),
        MessageKey::IdempotencyKey(k) => ("idempotency_key", k),
    };
    let stamp = match event {
        DeliveryEvent::Delivered => "delivered_at = COALESCE(delivered_at, $3)",
        DeliveryEvent::Opened => "delivered_at = COALESCE(delivered_at, $3), opened_at = COALESCE(opened_at, $3)",
    };
    let cols = "id, idempotency_key, channel, recipient_name, recipient, subject, body, attachment_sha256::text, \
        attachment_name, related_type, related_id, status, attempts, last_error, provider, provider_ref, scheduled_for, \
        next_attempt_at, created_at, sent_at";
    let row = tx
        .query_opt(
            &format!(
                "UPDATE outbox_message SET {stamp} WHERE id = (SELECT id FROM outbox_message WHERE {column} = $1
                 AND channel = $2 AND status = 'sent' AND {column} <> '' ORDER BY created_at LIMIT 1) RETURNING {cols}"
            ),
            &[&value, &channel, &now],
        )
        .await?;
    let Some(row) = row else { return Ok(None) };
    let message = adapter::outbox::message(&row)?;
    debug_assert_eq!(message.status, OutboxStatus::Sent);
    let mut collection_action = None;
    if message.related_type == "collection_case" {
        if let Some(case_id) = message.related_id {
            // The step's timeline row is written with its messages, in the same transaction.
            let set = match event {
                DeliveryEvent::Delivered => "delivered = TRUE",
                DeliveryEvent::Opened => "delivered = TRUE, opened = TRUE",
            };
            collection_action = tx
                .query_opt(
                    &format!(
                        "UPDATE collection_action SET {set} WHERE id = (
                             SELECT id FROM collection_action WHERE case_id = $1 AND created_at = $2
                             ORDER BY (channel = $3) DESC, id LIMIT 1)
                         RETURNING id"
                    ),
                    &[&case_id, &message.created_at, &channel],
                )
                .await?
                .map(|r| r.get::<_, Uuid>(0));
            if let Some(id) = collection_action {
                crate::pg::bump(&tx, tables::table("collection_action").expect("collection_action is synced"), &[id])
                    .await?;
            }
        }
    }
    tx.commit().await?;
    Ok(Some(Recorded { message, collection_action }))
}

/// A provider's report that it could not deliver a message it accepted (Twilio's `failed` or
/// `undelivered`), with its error code and message when it gave them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFailure<'a> {
    pub status: &'a str,
    pub error_code: Option<&'a str>,
    pub error_message: Option<&'a str>,
}

impl ProviderFailure<'_> {
    /// What `last_error` keeps, e.g. `undelivered (error 30003: Unreachable destination handset)`.
    pub fn describe(&self) -> String {
        match (self.error_code, self.error_message) {
            (Some(code), Some(text)) => format!("{} (error {code}: {text})", self.status),
            (Some(code), None) => format!("{} (error {code})", self.status),
            (None, Some(text)) => format!("{} ({text})", self.status),
            (None, None) => self.status.to_string(),
        }
    }
}

/// Records that a sent message was not delivered: it becomes `failed` (never claimed again) with
/// the provider's status and error in `last_error`. A later report for the same message replaces
/// the error. `None`: no sent or failed message has that provider reference.
pub async fn record_failure(
    pool: &Pool,
    provider_ref: &str,
    channel: &str,
    failure: &ProviderFailure<'_>,
) -> Result<Option<Uuid>> {
    let client = pool.get().await?;
    let row = client
        .query_opt(
            "UPDATE outbox_message SET status = 'failed', last_error = $3 WHERE id = (
                 SELECT id FROM outbox_message WHERE provider_ref = $1 AND channel = $2
                 AND status IN ('sent', 'failed') AND provider_ref <> '' ORDER BY created_at LIMIT 1)
             RETURNING id",
            &[&provider_ref, &channel, &failure.describe()],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}
