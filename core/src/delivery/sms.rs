//! SMS over Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{sid}/Messages.json` with the
//! form fields `To`, `From`, `Body`, basic auth `sid:token`; the answer's `sid` is kept as the
//! message's `provider_ref` (Twilio's status callbacks name it as `MessageSid`). Twilio has no
//! idempotency header: a message marked sent is never claimed again, which is what keeps it
//! from being sent twice.

use serde::Deserialize;

use crate::outbox::{OutboxMessage, SendError, Sender};

#[derive(Clone)]
pub struct TwilioSender {
    client: reqwest::blocking::Client,
    base: String,
    account_sid: String,
    auth_token: String,
    from: String,
}

impl std::fmt::Debug for TwilioSender {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TwilioSender").field("base", &self.base).field("account_sid", &self.account_sid).finish()
    }
}

#[derive(Deserialize)]
struct Answer {
    sid: Option<String>,
    message: Option<String>,
}

impl TwilioSender {
    pub fn new(base: &str, account_sid: &str, auth_token: &str, from: &str) -> Result<TwilioSender, String> {
        let base = base.trim_end_matches('/').to_string();
        reqwest::Url::parse(&base).map_err(|e| format!("{}: '{base}': {e}", super::env::SMS_URL))?;
        let client = reqwest::blocking::Client::builder()
            .timeout(super::PROVIDER_TIMEOUT)
            .build()
            .map_err(|e| format!("cannot start the HTTP client: {e}"))?;
        Ok(TwilioSender {
            client,
            base,
            account_sid: account_sid.trim().into(),
            auth_token: auth_token.trim().into(),
            from: from.trim().into(),
        })
    }

    fn url(&self) -> String {
        format!("{}/2010-04-01/Accounts/{}/Messages.json", self.base, self.account_sid)
    }
}

impl Sender for TwilioSender {
    fn name(&self) -> &str {
        "twilio"
    }

    fn describe(&self) -> String {
        format!("SMS via {} (account {}) from {}", self.base, self.account_sid, self.from)
    }

    fn send(&self, msg: &OutboxMessage, _attachment: Option<&[u8]>) -> Result<String, SendError> {
        let form = [("To", msg.recipient.trim()), ("From", self.from.as_str()), ("Body", msg.body.as_str())];
        let resp = self
            .client
            .post(self.url())
            .basic_auth(&self.account_sid, Some(&self.auth_token))
            .form(&form)
            .send()
            .map_err(|e| SendError(format!("SMS: {e}")))?;
        let status = resp.status();
        let text = resp.text().unwrap_or_default();
        let answer: Option<Answer> = serde_json::from_str(&text).ok();
        if !status.is_success() {
            let why = answer.and_then(|a| a.message).unwrap_or_else(|| text.chars().take(200).collect());
            return Err(SendError(format!("SMS: {status}: {why}")));
        }
        answer
            .and_then(|a| a.sid)
            .filter(|s| !s.is_empty())
            .ok_or_else(|| SendError(format!("SMS: {status} without a message sid")))
    }
}
