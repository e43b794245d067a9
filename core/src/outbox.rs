//! The outbox: everything sent to a person (email, SMS, letter) is written here in the same
//! transaction as the change that caused it, then delivered once by a `Sender`, with retries.
//!
//! `enqueue` is idempotent on `idempotency_key`, so a retried request or a job run twice never
//! queues a second message. Delivery marks a message sent only after the sender accepted it;
//! a failure is recorded and retried with backoff until `MAX_ATTEMPTS`.

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use rusqlite::{params, Row, Transaction};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::delivery::{Attempt, OutboxPort, Providers, CLAIM_LEASE};
use crate::model::string_enum;
use crate::store::{get_opt_uuid, get_uuid, Result, Store};

string_enum! {
    /// How a message reaches the tenant.
    DeliveryChannel {
        Sms => "sms", "SMS";
        Email => "email", "Email";
        Letter => "letter", "Letter";
    }
}

string_enum! {
    /// `outbox_message.status`.
    OutboxStatus {
        Pending => "pending", "Pending";
        Sent => "sent", "Sent";
        Failed => "failed", "Failed";
        Cancelled => "cancelled", "Cancelled";
    }
}

/// Attempts before a message is marked failed for a person to look at.
pub const MAX_ATTEMPTS: i32 = 5;

/// A message to send.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct NewMessage {
    /// Same key, same message: enqueueing it again does nothing.
    pub idempotency_key: String,
    pub channel: DeliveryChannel,
    pub recipient_name: String,
    /// Email address, phone number or postal address.
    pub recipient: String,
    pub subject: String,
    pub body: String,
    /// A stored document (content hash) to attach, e.g. a letter PDF.
    pub attachment_sha256: Option<String>,
    pub attachment_name: Option<String>,
    /// What caused it ('renewal_recommendation', 'collection_action', …) and its id.
    pub related_type: String,
    pub related_id: Option<Uuid>,
    /// Not before this time (send now = now).
    pub scheduled_for: DateTime<Utc>,
}

/// A queued message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct OutboxMessage {
    pub id: Uuid,
    pub idempotency_key: String,
    pub channel: DeliveryChannel,
    pub recipient_name: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub attachment_sha256: Option<String>,
    pub attachment_name: Option<String>,
    pub related_type: String,
    pub related_id: Option<Uuid>,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: String,
    pub provider: String,
    pub provider_ref: String,
    pub scheduled_for: DateTime<Utc>,
    pub next_attempt_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
}

const COLS: &str = "id, idempotency_key, channel, recipient_name, recipient, subject, body, attachment_sha256, \
    attachment_name, related_type, related_id, status, attempts, last_error, provider, provider_ref, scheduled_for, \
    next_attempt_at, created_at, sent_at";

fn from_row(r: &Row<'_>) -> rusqlite::Result<OutboxMessage> {
    Ok(OutboxMessage {
        id: get_uuid(r, 0)?,
        idempotency_key: r.get(1)?,
        channel: r.get(2)?,
        recipient_name: r.get(3)?,
        recipient: r.get(4)?,
        subject: r.get(5)?,
        body: r.get(6)?,
        attachment_sha256: r.get(7)?,
        attachment_name: r.get(8)?,
        related_type: r.get(9)?,
        related_id: get_opt_uuid(r, 10)?,
        status: r.get(11)?,
        attempts: r.get(12)?,
        last_error: r.get(13)?,
        provider: r.get(14)?,
        provider_ref: r.get(15)?,
        scheduled_for: r.get(16)?,
        next_attempt_at: r.get(17)?,
        created_at: r.get(18)?,
        sent_at: r.get(19)?,
    })
}

/// Queues a message inside the caller's transaction. Returns false when a message with the
/// same idempotency key already exists (nothing is queued twice).
pub fn enqueue(tx: &Transaction<'_>, msg: &NewMessage, now: DateTime<Utc>) -> Result<bool> {
    let n = tx
        .prepare_cached(&format!(
            "INSERT INTO outbox_message ({COLS}) VALUES
             (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'pending', 0, '', '', '', ?12, ?12, ?13, NULL)
             ON CONFLICT (idempotency_key) DO NOTHING"
        ))?
        .execute(params![
            Uuid::new_v4().to_string(),
            msg.idempotency_key,
            msg.channel,
            msg.recipient_name,
            msg.recipient,
            msg.subject,
            msg.body,
            msg.attachment_sha256,
            msg.attachment_name,
            msg.related_type,
            msg.related_id.map(|u| u.to_string()),
            msg.scheduled_for,
            now,
        ])?;
    Ok(n == 1)
}

/// Why a send failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SendError(pub String);

/// A delivery provider (SMTP, Twilio, the file provider …). Returns the provider's reference.
pub trait Sender {
    /// Short, stored in `outbox_message.provider` (`smtp`, `twilio`, `file`).
    fn name(&self) -> &str;
    /// Where messages go, for `outbox status` (never a secret).
    fn describe(&self) -> String {
        self.name().to_string()
    }
    fn send(&self, msg: &OutboxMessage, attachment: Option<&[u8]>) -> std::result::Result<String, SendError>;
}

/// The default provider: writes each message as a file in a folder (one per channel), so a
/// property manager without SMTP or an SMS provider can print, forward or audit every message.
/// It sends nothing, and says so: `note` is why it is used ("no SMTP configured").
#[derive(Debug, Clone)]
pub struct FileSender {
    pub dir: PathBuf,
    pub note: String,
}

impl Sender for FileSender {
    fn name(&self) -> &str {
        "file"
    }

    fn describe(&self) -> String {
        if self.note.is_empty() {
            format!("file: written to {}", self.dir.display())
        } else {
            format!("file ({}): written to {}", self.note, self.dir.display())
        }
    }

    fn send(&self, msg: &OutboxMessage, attachment: Option<&[u8]>) -> std::result::Result<String, SendError> {
        let dir = self.dir.join(msg.channel.as_str());
        std::fs::create_dir_all(&dir).map_err(|e| SendError(format!("cannot create {}: {e}", dir.display())))?;
        let stem = format!("{}-{}", msg.created_at.format("%Y%m%dT%H%M%S"), msg.id.simple());
        let path = dir.join(format!("{stem}.txt"));
        let text = format!(
            "To: {} <{}>\nChannel: {}\nSubject: {}\nKey: {}\n\n{}\n",
            msg.recipient_name,
            msg.recipient,
            msg.channel.label(),
            msg.subject,
            msg.idempotency_key,
            msg.body
        );
        std::fs::write(&path, text).map_err(|e| SendError(format!("cannot write {}: {e}", path.display())))?;
        if let (Some(bytes), Some(name)) = (attachment, msg.attachment_name.as_deref()) {
            let safe: String =
                name.chars().map(|c| if c.is_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect();
            let att = dir.join(format!("{stem}-{safe}"));
            std::fs::write(&att, bytes).map_err(|e| SendError(format!("cannot write {}: {e}", att.display())))?;
        }
        Ok(path.display().to_string())
    }
}

/// What one delivery pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, specta::Type)]
pub struct DeliveryReport {
    pub sent: u32,
    pub retrying: u32,
    pub failed: u32,
}

/// Backoff before the next attempt: 1, 5, 25, 125 minutes.
pub fn backoff(attempts: i32) -> Duration {
    Duration::minutes(5i64.pow(attempts.clamp(1, 5) as u32 - 1))
}

impl Store {
    /// Messages due for delivery on `now`, oldest first.
    pub fn outbox_due(&self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLS} FROM outbox_message WHERE status = 'pending' AND next_attempt_at <= ?1
             AND scheduled_for <= ?1 ORDER BY created_at, id LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![now, limit as i64], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Recent messages, newest first, optionally for one related record.
    pub fn outbox_messages(&self, related_id: Option<Uuid>, limit: usize) -> Result<Vec<OutboxMessage>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {COLS} FROM outbox_message WHERE (?1 IS NULL OR related_id = ?1)
             ORDER BY created_at DESC, rowid DESC LIMIT ?2"
        ))?;
        let rows = stmt.query_map(params![related_id.map(|u| u.to_string()), limit as i64], from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// How many messages have each status (`pending`, `sent`, `failed`, `cancelled`).
    pub fn outbox_counts(&self) -> Result<Vec<(OutboxStatus, i64)>> {
        let mut stmt = self.conn().prepare_cached("SELECT status, COUNT(*) FROM outbox_message GROUP BY status")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, OutboxStatus>(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Sends every due message once with `providers` (`delivery::deliver_due` over this store).
    pub fn deliver_outbox(&mut self, providers: &Providers, now: DateTime<Utc>) -> Result<DeliveryReport> {
        crate::delivery::deliver_due(self, providers, now)
    }
}

/// The replica's side of delivery. A standalone replica delivers its own outbox (`unitcycle
/// outbox deliver`); a connected one never does (the server sends).
impl OutboxPort for Store {
    /// One statement, so it takes SQLite's write lock at once: two processes on one replica
    /// (the terminal app and `unitcycle outbox deliver`) never claim the same message.
    fn claim_due(&mut self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "UPDATE outbox_message SET attempts = attempts + 1, next_attempt_at = ?3
             WHERE id IN (SELECT id FROM outbox_message WHERE status = 'pending' AND next_attempt_at <= ?1
                          AND scheduled_for <= ?1 ORDER BY created_at, id LIMIT ?2)
             RETURNING {COLS}"
        ))?;
        let rows = stmt.query_map(params![now, limit as i64, now + CLAIM_LEASE], from_row)?;
        let mut claimed: Vec<OutboxMessage> = rows.collect::<rusqlite::Result<_>>()?;
        claimed.sort_by_key(|m| (m.created_at, m.id));
        Ok(claimed)
    }

    fn attachment(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        Ok(crate::documents::load_attachment(self, sha256))
    }

    fn record_attempt(&mut self, msg: &OutboxMessage, attempt: &Attempt, now: DateTime<Utc>) -> Result<bool> {
        let (id, claim) = (msg.id.to_string(), msg.attempts);
        let n = match attempt {
            Attempt::Sent { provider, provider_ref } => self.conn().execute(
                "UPDATE outbox_message SET status = 'sent', sent_at = ?3, provider = ?4, provider_ref = ?5,
                 last_error = '' WHERE id = ?1 AND attempts = ?2 AND status = 'pending'",
                params![id, claim, now, provider, provider_ref],
            )?,
            Attempt::Retry { provider, error, next_attempt_at } => self.conn().execute(
                "UPDATE outbox_message SET last_error = ?3, next_attempt_at = ?4, provider = ?5
                 WHERE id = ?1 AND attempts = ?2 AND status = 'pending'",
                params![id, claim, error, next_attempt_at, provider],
            )?,
            Attempt::GaveUp { provider, error } => self.conn().execute(
                "UPDATE outbox_message SET status = 'failed', last_error = ?3, provider = ?4
                 WHERE id = ?1 AND attempts = ?2 AND status = 'pending'",
                params![id, claim, error, provider],
            )?,
        };
        Ok(n == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn now() -> DateTime<Utc> {
        chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap().and_hms_opt(9, 0, 0).unwrap().and_utc()
    }

    fn message(key: &str) -> NewMessage {
        NewMessage {
            idempotency_key: key.into(),
            channel: DeliveryChannel::Email,
            recipient_name: "Maria Santos".into(),
            recipient: "maria@example.com".into(),
            subject: "Your renewal offer".into(),
            body: "Dear Maria, ...".into(),
            attachment_sha256: None,
            attachment_name: None,
            related_type: "renewal_recommendation".into(),
            related_id: Some(Uuid::from_u128(9)),
            scheduled_for: now(),
        }
    }

    /// Records sends; fails the first `fail_first` attempts.
    #[derive(Clone, Default)]
    struct Recorder {
        sent: Arc<Mutex<Vec<String>>>,
        fail_first: Arc<Mutex<u32>>,
    }

    impl Sender for Recorder {
        fn name(&self) -> &str {
            "recorder"
        }
        fn send(&self, msg: &OutboxMessage, _: Option<&[u8]>) -> std::result::Result<String, SendError> {
            let mut fail = self.fail_first.lock().unwrap();
            if *fail > 0 {
                *fail -= 1;
                return Err(SendError("503 from provider".into()));
            }
            self.sent.lock().unwrap().push(msg.idempotency_key.clone());
            Ok(format!("ref-{}", msg.idempotency_key))
        }
    }

    fn recorder(fail_first: u32) -> (Recorder, Providers) {
        let r = Recorder { sent: Default::default(), fail_first: Arc::new(Mutex::new(fail_first)) };
        (r.clone(), Providers::all(r))
    }

    #[test]
    fn the_same_key_is_queued_and_sent_once() {
        let mut store = Store::in_memory().unwrap();
        let queued = store
            .transaction(|tx| {
                Ok((enqueue(tx, &message("renewal:1:send"), now())?, enqueue(tx, &message("renewal:1:send"), now())?))
            })
            .unwrap();
        assert_eq!(queued, (true, false));
        let (r, p) = recorder(0);
        assert_eq!(store.deliver_outbox(&p, now()).unwrap().sent, 1);
        assert_eq!(store.deliver_outbox(&p, now()).unwrap(), DeliveryReport::default());
        assert_eq!(r.sent.lock().unwrap().as_slice(), ["renewal:1:send"]);
        let m = &store.outbox_messages(None, 10).unwrap()[0];
        assert_eq!(
            (m.status, m.provider_ref.as_str(), m.sent_at),
            (OutboxStatus::Sent, "ref-renewal:1:send", Some(now()))
        );
    }

    #[test]
    fn failures_retry_with_backoff_then_give_up() {
        let mut store = Store::in_memory().unwrap();
        store.transaction(|tx| enqueue(tx, &message("k"), now())).unwrap();
        let (_, p) = recorder(1);
        assert_eq!(store.deliver_outbox(&p, now()).unwrap().retrying, 1);
        // Not due again until the backoff has passed.
        assert_eq!(store.deliver_outbox(&p, now()).unwrap(), DeliveryReport::default());
        assert_eq!(store.deliver_outbox(&p, now() + Duration::minutes(1)).unwrap().sent, 1);
        let m = &store.outbox_messages(None, 1).unwrap()[0];
        assert_eq!((m.attempts, m.status), (2, OutboxStatus::Sent));

        store.transaction(|tx| enqueue(tx, &message("doomed"), now())).unwrap();
        let (_, always) = recorder(u32::MAX);
        let mut t = now();
        for _ in 0..MAX_ATTEMPTS {
            store.deliver_outbox(&always, t).unwrap();
            t += Duration::hours(3);
        }
        let m = store.outbox_messages(None, 10).unwrap().into_iter().find(|m| m.idempotency_key == "doomed").unwrap();
        assert_eq!(
            (m.status, m.attempts, m.last_error.as_str()),
            (OutboxStatus::Failed, MAX_ATTEMPTS, "503 from provider")
        );
    }

    #[test]
    fn scheduled_messages_wait_and_a_rolled_back_change_queues_nothing() {
        let mut store = Store::in_memory().unwrap();
        let later = NewMessage { scheduled_for: now() + Duration::days(1), ..message("later") };
        store.transaction(|tx| enqueue(tx, &later, now())).unwrap();
        assert!(store.outbox_due(now(), 10).unwrap().is_empty());
        assert_eq!(store.outbox_due(now() + Duration::days(1), 10).unwrap().len(), 1);

        let failed: Result<()> = store.transaction(|tx| {
            enqueue(tx, &message("rolled-back"), now())?;
            Err(crate::store::StoreError::Corrupt("the change failed".into()))
        });
        assert!(failed.is_err());
        assert!(store.outbox_messages(None, 10).unwrap().iter().all(|m| m.idempotency_key != "rolled-back"));
    }

    #[test]
    fn the_file_sender_writes_a_readable_message_and_its_attachment() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
        let sha = crate::documents::blob_store(&store).unwrap().put(b"%PDF-1.7").unwrap();
        let msg = NewMessage {
            attachment_sha256: Some(sha),
            attachment_name: Some("Renewal letter.pdf".into()),
            ..message("with-pdf")
        };
        store.transaction(|tx| enqueue(tx, &msg, now())).unwrap();
        let out = dir.path().join("outbox");
        let providers = Providers::files(&out);
        assert_eq!(
            providers.describe()[0].description,
            format!("file (no SMTP configured): written to {}", out.display())
        );
        let report = store.deliver_outbox(&providers, now()).unwrap();
        assert_eq!(report.sent, 1);
        assert_eq!(store.outbox_messages(None, 1).unwrap()[0].provider, "file");
        let files: Vec<_> = std::fs::read_dir(out.join("email")).unwrap().map(|e| e.unwrap().path()).collect();
        assert_eq!(files.len(), 2);
        let txt = files.iter().find(|p| p.extension().unwrap() == "txt").unwrap();
        let text = std::fs::read_to_string(txt).unwrap();
        assert!(
            text.starts_with("To: Maria Santos <maria@example.com>\nChannel: Email\nSubject: Your renewal offer"),
            "{text}"
        );
        assert!(files.iter().any(|p| p.to_string_lossy().ends_with("Renewal_letter.pdf")));
    }

    #[test]
    fn a_missing_attachment_is_a_retryable_failure() {
        let mut store = Store::in_memory().unwrap();
        let msg = NewMessage {
            attachment_sha256: Some("gone".into()),
            attachment_name: Some("x.pdf".into()),
            ..message("a")
        };
        store.transaction(|tx| enqueue(tx, &msg, now())).unwrap();
        let report = store.deliver_outbox(&recorder(0).1, now()).unwrap();
        assert_eq!(report.retrying, 1);
        assert_eq!(store.outbox_messages(None, 1).unwrap()[0].last_error, "attachment missing from the blob store");
    }
}
