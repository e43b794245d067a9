//! Delivery callbacks (`/api/v1/outbox/callbacks/`): the providers report that a message was
//! delivered or opened, which sets the spec's `collection_action.delivered` / `opened` on the
//! collection step that sent it. No bearer token (a provider has none): the caller proves itself
//! with the shared secret `UNITCYCLE_CALLBACK_SECRET`, in the `X-UnitCycle-Callback-Secret`
//! header or the `secret` query parameter (Twilio can only call a URL). Without a configured
//! secret the callbacks are refused. When the SMS provider's auth token is configured
//! (`UNITCYCLE_SMS_AUTH_TOKEN`), an SMS callback is proved by Twilio's `X-Twilio-Signature`
//! instead, over the URL it called (under `UNITCYCLE_PUBLIC_URL`) and its form: a missing or
//! wrong signature is a 403, whatever secret it carries.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::Json;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use unitcycle_core::delivery::DeliveryEvent;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::outbox::delivery::{self, MessageKey, ProviderFailure};
use crate::outbox::twilio;
use crate::query::Query;
use crate::server::{ApiError, ApiResult, AppState, Body};
use crate::wire::{CallbackResult, EmailCallback, ErrorBody, SmsCallback};

/// The environment variable holding the shared secret.
pub const SECRET_ENV: &str = "UNITCYCLE_CALLBACK_SECRET";
/// The header that may carry it.
pub const SECRET_HEADER: &str = "x-unitcycle-callback-secret";

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sms_callback)).routes(routes!(email_callback))
}

/// The shared secret, when not sent in the header.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackSecret {
    /// The shared secret (`UNITCYCLE_CALLBACK_SECRET`), or send it in `X-UnitCycle-Callback-Secret`.
    pub secret: Option<String>,
}

fn digest(s: &str) -> [u8; 32] {
    Sha256::digest(s.as_bytes()).into()
}

/// The caller's secret must be the server's (compared as digests, so the time taken says nothing
/// about how much of it matched).
fn check_secret(st: &AppState, headers: &HeaderMap, q: &CallbackSecret) -> ApiResult<()> {
    let forbidden = |d: &str| ApiError::new(StatusCode::FORBIDDEN, d);
    let Some(expected) = st.callback_secret.as_deref() else {
        return Err(forbidden("Delivery callbacks are off: the server has no UNITCYCLE_CALLBACK_SECRET."));
    };
    let given = headers.get(SECRET_HEADER).and_then(|v| v.to_str().ok()).or(q.secret.as_deref());
    match given {
        Some(g) if digest(g) == digest(expected) => Ok(()),
        Some(_) => Err(forbidden("The callback secret is wrong.")),
        None => Err(forbidden("The callback secret is missing (X-UnitCycle-Callback-Secret or ?secret=).")),
    }
}

/// The URL Twilio called, as it signed it: the public base (`UNITCYCLE_PUBLIC_URL`, else the
/// request's Host when it names this machine), the path and the query string as sent.
fn called_url(st: &AppState, headers: &HeaderMap, uri: &Uri) -> String {
    let base = match st.public_url.as_deref() {
        Some(base) => base.to_string(),
        None => crate::server::link_base(headers.get(header::HOST).and_then(|h| h.to_str().ok()), None),
    };
    let path_and_query = uri.path_and_query().map_or(uri.path(), |pq| pq.as_str());
    format!("{base}{path_and_query}")
}

/// The callback must carry Twilio's signature of the URL and the form, keyed with the auth token.
pub(crate) fn check_signature(
    st: &AppState,
    token: &str,
    headers: &HeaderMap,
    uri: &Uri,
    form: &[u8],
) -> ApiResult<()> {
    let forbidden = |d: &str| ApiError::new(StatusCode::FORBIDDEN, d);
    let Some(given) = headers.get(twilio::SIGNATURE_HEADER).and_then(|v| v.to_str().ok()) else {
        return Err(forbidden("The X-Twilio-Signature header is missing."));
    };
    let params: Vec<(String, String)> = form_urlencoded::parse(form).into_owned().collect();
    if twilio::verify(token, &called_url(st, headers, uri), &params, given) {
        Ok(())
    } else {
        Err(forbidden("The X-Twilio-Signature does not match this request (check UNITCYCLE_PUBLIC_URL)."))
    }
}

async fn record(st: &AppState, key: MessageKey<'_>, channel: &str, event: DeliveryEvent) -> ApiResult<CallbackResult> {
    let recorded = delivery::record_event(&st.pool, key, channel, event, st.clock.now())
        .await?
        .ok_or_else(|| ApiError::not_found("Sent message"))?;
    Ok(CallbackResult {
        recorded: true,
        message: Some(recorded.message.id),
        collection_action: recorded.collection_action,
        event: serde_json::to_value(event).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
    })
}

/// Twilio message statuses that mark nothing (acknowledged with `recorded: false`).
const SMS_OTHER_STATUSES: &[&str] =
    &["accepted", "scheduled", "queued", "sending", "sent", "canceled", "receiving", "received", "partially_delivered"];

#[utoipa::path(post, path = "/api/v1/outbox/callbacks/sms/", operation_id = "outbox_sms_callback",
    summary = "Twilio status callback: delivered/read mark the SMS (and its collection step), failed/undelivered mark it failed",
    security(()), params(CallbackSecret),
    request_body(content = SmsCallback, content_type = "application/x-www-form-urlencoded"),
    responses((status = 200, description = "What was recorded", body = CallbackResult),
        (status = 403, description = "The Twilio signature or the shared secret is missing or wrong", body = ErrorBody)))]
async fn sms_callback(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<CallbackSecret>,
    body: Body,
) -> ApiResult<Json<CallbackResult>> {
    match st.sms_auth_token.as_deref() {
        Some(token) => check_signature(&st, token, &headers, &uri, &body.0)?,
        None => check_secret(&st, &headers, &q)?,
    }
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&body.0));
    let cb: SmsCallback = serde_path_to_error::deserialize(de)
        .map_err(|e| ApiError::bad(format!("Malformed status callback form: {e}")))?;
    let sid = cb.message_sid.trim();
    if sid.is_empty() {
        return Err(ApiError::bad("MessageSid: may not be blank."));
    }
    let status = cb.message_status.trim().to_ascii_lowercase();
    let event = match status.as_str() {
        "delivered" => DeliveryEvent::Delivered,
        "read" => DeliveryEvent::Opened,
        "failed" | "undelivered" => {
            let given = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
            let (code, text) = (given(&cb.error_code), given(&cb.error_message));
            let failure =
                ProviderFailure { status: &status, error_code: code.as_deref(), error_message: text.as_deref() };
            let id = delivery::record_failure(&st.pool, sid, "sms", &failure)
                .await?
                .ok_or_else(|| ApiError::not_found("Sent message"))?;
            return Ok(Json(CallbackResult {
                recorded: true,
                message: Some(id),
                collection_action: None,
                event: status,
            }));
        }
        s if SMS_OTHER_STATUSES.contains(&s) => {
            return Ok(Json(CallbackResult { recorded: false, message: None, collection_action: None, event: status }))
        }
        other => return Err(ApiError::bad(format!("MessageStatus: '{other}' is not a Twilio message status."))),
    };
    Ok(Json(record(&st, MessageKey::ProviderRef(sid), "sms", event).await?))
}

#[utoipa::path(post, path = "/api/v1/outbox/callbacks/email/", operation_id = "outbox_email_callback",
    summary = "Email event: delivered or opened, by Message-ID or idempotency key; marks the collection step",
    security(()), params(CallbackSecret), request_body = EmailCallback,
    responses((status = 200, description = "What was recorded", body = CallbackResult),
        (status = 403, description = "The shared secret is missing or wrong", body = ErrorBody)))]
async fn email_callback(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CallbackSecret>,
    body: Body,
) -> ApiResult<Json<CallbackResult>> {
    check_secret(&st, &headers, &q)?;
    let cb: EmailCallback = body.json()?;
    let event = DeliveryEvent::parse(&cb.event)
        .ok_or_else(|| ApiError::bad(format!("event: '{}' is not 'delivered' or 'opened'.", cb.event)))?;
    let message_id = cb.message_id.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(|id| {
        let bare = id.trim_start_matches('<').trim_end_matches('>');
        format!("<{bare}>")
    });
    let key = match (&message_id, cb.idempotency_key.as_deref().map(str::trim).filter(|s| !s.is_empty())) {
        (Some(id), _) => MessageKey::ProviderRef(id),
        (None, Some(k)) => MessageKey::IdempotencyKey(k),
        (None, None) => return Err(ApiError::bad("Name the message: message_id or idempotency_key.")),
    };
    Ok(Json(record(&st, key, "email", event).await?))
}
