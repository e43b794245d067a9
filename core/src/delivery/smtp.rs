//! Email over SMTP (lettre): the message's body as text, its document (a letter PDF) attached,
//! and a Message-ID derived from its idempotency key.

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{Message, SmtpTransport, Transport};

use crate::outbox::{OutboxMessage, SendError, Sender};

/// An SMTP relay configured by URL (`smtp://user:pass@host:port`, `smtps://…`).
#[derive(Clone)]
pub struct SmtpSender {
    transport: SmtpTransport,
    from: Mailbox,
    /// The URL without its login, for `outbox status`.
    shown: String,
}

impl std::fmt::Debug for SmtpSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSender").field("relay", &self.shown).field("from", &self.from.to_string()).finish()
    }
}

/// `url` without user name and password.
fn without_login(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        Err(_) => "(unreadable URL)".into(),
    }
}

impl SmtpSender {
    pub fn new(url: &str, from: &str) -> Result<SmtpSender, String> {
        let shown = without_login(url);
        let transport = SmtpTransport::from_url(url)
            .map_err(|e| format!("{}: cannot use {shown}: {e}", super::env::SMTP_URL))?
            .timeout(Some(super::PROVIDER_TIMEOUT))
            .build();
        let from: Mailbox = from.parse().map_err(|e| format!("{}: '{from}': {e}", super::env::SMTP_FROM))?;
        Ok(SmtpSender { transport, from, shown })
    }

    /// The email for `msg`, with `attachment` attached under its name.
    pub fn email(&self, msg: &OutboxMessage, attachment: Option<&[u8]>) -> Result<Message, SendError> {
        let to = Mailbox::new(
            (!msg.recipient_name.is_empty()).then(|| msg.recipient_name.clone()),
            msg.recipient.trim().parse().map_err(|e| SendError(format!("recipient '{}': {e}", msg.recipient)))?,
        );
        let builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(msg.subject.clone())
            .message_id(Some(super::message_id(&msg.idempotency_key)));
        let text = SinglePart::plain(msg.body.clone());
        let built = match attachment {
            Some(bytes) => {
                let name = msg.attachment_name.clone().unwrap_or_else(|| "attachment.pdf".into());
                let kind = if name.to_ascii_lowercase().ends_with(".pdf") {
                    "application/pdf"
                } else {
                    "application/octet-stream"
                };
                let kind = ContentType::parse(kind).map_err(|e| SendError(e.to_string()))?;
                builder.multipart(
                    MultiPart::mixed().singlepart(text).singlepart(Attachment::new(name).body(bytes.to_vec(), kind)),
                )
            }
            None => builder.singlepart(text),
        };
        built.map_err(|e| SendError(format!("cannot build the email: {e}")))
    }
}

impl Sender for SmtpSender {
    fn name(&self) -> &str {
        "smtp"
    }

    fn describe(&self) -> String {
        format!("SMTP via {} from {}", self.shown, self.from)
    }

    /// Returns the Message-ID (the callback's key).
    fn send(&self, msg: &OutboxMessage, attachment: Option<&[u8]>) -> Result<String, SendError> {
        let email = self.email(msg, attachment)?;
        self.transport.send(&email).map_err(|e| SendError(format!("SMTP: {e}")))?;
        Ok(super::message_id(&msg.idempotency_key))
    }
}
