//! Delivery: the outbox's due messages handed to a provider, written once over a small port
//! ([`OutboxPort`]) that the replica (`Store`, SQLite) and the server (`PgPort`, PostgreSQL)
//! implement.
//!
//! A message is sent at most once per claim: [`OutboxPort::claim_due`] takes the due messages in
//! one short transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`), bumping `attempts` and moving
//! `next_attempt_at` past [`CLAIM_LEASE`], so no other deliverer sees them; the provider is
//! called outside any transaction; then [`OutboxPort::record_attempt`] writes the outcome only
//! if the message still carries that claim (`status = 'pending' AND attempts = claim`). A
//! message marked `sent` is never claimed again. A deliverer that dies mid-send leaves the
//! message to be claimed again once the lease has passed (the SMTP Message-ID, derived from the
//! idempotency key, lets the receiving side drop the duplicate).
//!
//! Providers are chosen per channel ([`Providers`]): SMTP email ([`smtp::SmtpSender`]), SMS over
//! Twilio's Messages API ([`sms::TwilioSender`]), and otherwise the file provider
//! ([`crate::outbox::FileSender`]), which says that it only writes files.

pub mod sms;
pub mod smtp;

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::outbox::{backoff, DeliveryChannel, DeliveryReport, FileSender, OutboxMessage, Sender, MAX_ATTEMPTS};
use crate::store::Result;

/// How long a claim keeps a message from other deliverers. Providers time out well before it
/// (`PROVIDER_TIMEOUT`).
pub const CLAIM_LEASE: Duration = Duration::minutes(10);
/// The longest a provider call may take.
pub const PROVIDER_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
/// Messages claimed at once.
pub const BATCH: usize = 50;

/// What one send attempt came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// The provider accepted it: `status = 'sent'`, its reference kept.
    Sent { provider: String, provider_ref: String },
    /// It failed; tried again at `next_attempt_at`.
    Retry { provider: String, error: String, next_attempt_at: DateTime<Utc> },
    /// It failed `MAX_ATTEMPTS` times: `status = 'failed'`, for a person to look at.
    GaveUp { provider: String, error: String },
}

/// What delivery reads and writes.
pub trait OutboxPort {
    /// In one short transaction: the due messages (pending, `next_attempt_at` and
    /// `scheduled_for` reached), oldest first, at most `limit`, not claimed by anyone else;
    /// each gets `attempts + 1` (its claim) and `next_attempt_at = now + CLAIM_LEASE`. Returns
    /// them as claimed.
    fn claim_due(&mut self, now: DateTime<Utc>, limit: usize) -> Result<Vec<OutboxMessage>>;
    /// The bytes of a stored document, if this store holds it.
    fn attachment(&self, sha256: &str) -> Result<Option<Vec<u8>>>;
    /// Writes the outcome of the claim `msg.attempts` (false: the claim was lost meanwhile and
    /// nothing was written).
    fn record_attempt(&mut self, msg: &OutboxMessage, attempt: &Attempt, now: DateTime<Utc>) -> Result<bool>;
}

/// Sends every due message once with `providers`; a failure is retried after `backoff`, and
/// after `MAX_ATTEMPTS` the message is `failed`. `now` is the caller's clock (tests advance it).
pub fn deliver_due<P: OutboxPort + ?Sized>(
    port: &mut P,
    providers: &Providers,
    now: DateTime<Utc>,
) -> Result<DeliveryReport> {
    let mut report = DeliveryReport::default();
    loop {
        let claimed = port.claim_due(now, BATCH)?;
        if claimed.is_empty() {
            return Ok(report);
        }
        for msg in claimed {
            let sender = providers.sender(msg.channel);
            let bytes = match msg.attachment_sha256.as_deref() {
                Some(sha) => port.attachment(sha)?,
                None => None,
            };
            let outcome = if msg.attachment_sha256.is_some() && bytes.is_none() {
                Err(crate::outbox::SendError("attachment missing from the blob store".into()))
            } else {
                sender.send(&msg, bytes.as_deref())
            };
            let provider = sender.name().to_string();
            let attempt = match outcome {
                Ok(provider_ref) => Attempt::Sent { provider, provider_ref },
                Err(e) if msg.attempts >= MAX_ATTEMPTS => Attempt::GaveUp { provider, error: e.0 },
                Err(e) => Attempt::Retry { provider, error: e.0, next_attempt_at: now + backoff(msg.attempts) },
            };
            if !port.record_attempt(&msg, &attempt, now)? {
                continue;
            }
            match attempt {
                Attempt::Sent { .. } => report.sent += 1,
                Attempt::Retry { .. } => report.retrying += 1,
                Attempt::GaveUp { .. } => report.failed += 1,
            }
        }
    }
}

/// The environment variables that configure delivery (see the README).
pub mod env {
    /// `smtp://user:password@host:587?tls=required` (STARTTLS), `smtps://user:password@host:465`
    /// (TLS from the start), or `smtp://host:25` (a local relay: no TLS, no login).
    pub const SMTP_URL: &str = "UNITCYCLE_SMTP_URL";
    /// The sender address, e.g. `UnitCycle <noreply@example.com>`.
    pub const SMTP_FROM: &str = "UNITCYCLE_SMTP_FROM";
    /// Base URL of the Twilio-compatible Messages API (default `https://api.twilio.com`).
    pub const SMS_URL: &str = "UNITCYCLE_SMS_URL";
    pub const SMS_ACCOUNT_SID: &str = "UNITCYCLE_SMS_ACCOUNT_SID";
    pub const SMS_AUTH_TOKEN: &str = "UNITCYCLE_SMS_AUTH_TOKEN";
    /// The sending phone number, e.g. `+15550100`.
    pub const SMS_FROM: &str = "UNITCYCLE_SMS_FROM";
    /// Where the file provider writes (the server's default: `./outbox`; a replica's: beside it).
    pub const OUTBOX_DIR: &str = "UNITCYCLE_OUTBOX_DIR";
    /// The property manager's e-mail address, for the jobs' notices to the office (expiring
    /// vendor documents, repeat visits). Unset: the notices stay in the job reports.
    pub const MANAGER_EMAIL: &str = "UNITCYCLE_MANAGER_EMAIL";
}

/// The manager's address from `UNITCYCLE_MANAGER_EMAIL`, when it is set and looks like one.
pub fn manager_from_env() -> Option<String> {
    manager_from(std::env::var(env::MANAGER_EMAIL).ok())
}

/// `value` as a manager address: trimmed, one `@` with text on both sides; otherwise none.
pub fn manager_from(value: Option<String>) -> Option<String> {
    let v = value?.trim().to_string();
    let (local, domain) = v.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !domain.contains('@') && !v.contains(char::is_whitespace))
        .then_some(v)
}

/// The default Messages API base URL.
pub const TWILIO_BASE: &str = "https://api.twilio.com";

/// One provider per channel.
pub struct Providers {
    pub email: Box<dyn Sender + Send + Sync>,
    pub sms: Box<dyn Sender + Send + Sync>,
    pub letter: Box<dyn Sender + Send + Sync>,
}

/// What `outbox status` shows for a channel (never a secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct ProviderInfo {
    pub channel: DeliveryChannel,
    pub provider: String,
    pub description: String,
}

impl Providers {
    /// The same provider for every channel (tests).
    pub fn all(sender: impl Sender + Clone + Send + Sync + 'static) -> Providers {
        Providers { email: Box::new(sender.clone()), sms: Box::new(sender.clone()), letter: Box::new(sender) }
    }

    /// Only the file provider, writing under `dir`.
    pub fn files(dir: &Path) -> Providers {
        Providers::from_lookup(dir, |_| None).expect("no configuration cannot be wrong")
    }

    /// From the process environment (`env`); `default_dir` is where the file provider writes
    /// unless `UNITCYCLE_OUTBOX_DIR` says otherwise. A half-done configuration is an error
    /// naming what is missing.
    pub fn from_env(default_dir: &Path) -> std::result::Result<Providers, String> {
        Providers::from_lookup(default_dir, |k| std::env::var(k).ok().filter(|v| !v.trim().is_empty()))
    }

    /// Like `from_env`, reading variables through `var`.
    pub fn from_lookup(
        default_dir: &Path,
        var: impl Fn(&str) -> Option<String>,
    ) -> std::result::Result<Providers, String> {
        let dir: PathBuf = var(env::OUTBOX_DIR).map(PathBuf::from).unwrap_or_else(|| default_dir.to_path_buf());
        let file = |why: &str| FileSender { dir: dir.clone(), note: why.to_string() };
        let email: Box<dyn Sender + Send + Sync> = match (var(env::SMTP_URL), var(env::SMTP_FROM)) {
            (Some(url), Some(from)) => Box::new(smtp::SmtpSender::new(&url, &from)?),
            (None, None) => Box::new(file("no SMTP configured")),
            (Some(_), None) => return Err(format!("{} is set but {} is not", env::SMTP_URL, env::SMTP_FROM)),
            (None, Some(_)) => return Err(format!("{} is set but {} is not", env::SMTP_FROM, env::SMTP_URL)),
        };
        let sms_vars = [env::SMS_ACCOUNT_SID, env::SMS_AUTH_TOKEN, env::SMS_FROM];
        let sms: Box<dyn Sender + Send + Sync> = match sms_vars.map(&var) {
            [Some(sid), Some(token), Some(from)] => Box::new(sms::TwilioSender::new(
                &var(env::SMS_URL).unwrap_or_else(|| TWILIO_BASE.into()),
                &sid,
                &token,
                &from,
            )?),
            [None, None, None] => Box::new(file("no SMS provider configured")),
            set => {
                let missing: Vec<&str> =
                    sms_vars.iter().zip(&set).filter(|(_, v)| v.is_none()).map(|(k, _)| *k).collect();
                return Err(format!("SMS delivery needs {} too", missing.join(", ")));
            }
        };
        Ok(Providers { email, sms, letter: Box::new(file("letters are printed and mailed by hand")) })
    }

    /// The provider for `channel`.
    pub fn sender(&self, channel: DeliveryChannel) -> &dyn Sender {
        match channel {
            DeliveryChannel::Email => &*self.email,
            DeliveryChannel::Sms => &*self.sms,
            DeliveryChannel::Letter => &*self.letter,
        }
    }

    /// Each channel's provider, described without secrets.
    pub fn describe(&self) -> Vec<ProviderInfo> {
        [DeliveryChannel::Email, DeliveryChannel::Sms, DeliveryChannel::Letter]
            .into_iter()
            .map(|channel| {
                let s = self.sender(channel);
                ProviderInfo { channel, provider: s.name().to_string(), description: s.describe() }
            })
            .collect()
    }
}

/// A stable Message-ID for a message's idempotency key: the same message always carries the
/// same one, so a resend after a lost answer is recognisable as a duplicate.
pub fn message_id(idempotency_key: &str) -> String {
    let hex = crate::blobs::sha256_hex(idempotency_key.as_bytes());
    format!("<{}@unitcycle.outbox>", &hex[..32])
}

/// What a provider's callback reports about a sent message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryEvent {
    Delivered,
    Opened,
}

impl DeliveryEvent {
    pub fn parse(s: &str) -> Option<DeliveryEvent> {
        match s.trim().to_ascii_lowercase().as_str() {
            "delivered" => Some(DeliveryEvent::Delivered),
            "opened" | "open" | "read" => Some(DeliveryEvent::Opened),
            _ => None,
        }
    }
}
