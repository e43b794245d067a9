//! `/api/v2/communications/…` (spec 5.3): the inbound webhook, the inbox (conversations with
//! filters, a conversation with its messages, inbox figures), a staff reply, the sentiment views,
//! the reply templates (filled in from one tenant's record) and broadcasts (create, preview, send
//! once per tenant and channel across retries). Thin handlers over
//! `unitcycle_core::communications_hub::{inbound, templates, broadcast}`.
//!
//! The webhook takes a provider's signed request (`X-UnitCycle-Signature`, HMAC-SHA256 over the
//! timestamp and body under `UNITCYCLE_INBOUND_SECRET`; a bad, missing or replayed signature is
//! refused and nothing is stored), Twilio's form post of an SMS (`X-Twilio-Signature`, keyed with
//! `TWILIO_AUTH_TOKEN`), or a signed-in staff member's (the simulation of a message).

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use unitcycle_core::communications_hub::broadcast::{
    self, BroadcastInput, BroadcastMessage, BroadcastPreview, BroadcastRecipient, NewBroadcast, SendOutcome,
};
use unitcycle_core::communications_hub::inbound::{self, InboundMessage, InboundOutcome, InboxStats};
use unitcycle_core::communications_hub::model::SentimentLog;
use unitcycle_core::communications_hub::model::{TenantConversation, TenantMessage, STATUSES};
use unitcycle_core::communications_hub::port::CommunicationsPort;
use unitcycle_core::communications_hub::sentiment::{self, AtRisk};
use unitcycle_core::communications_hub::templates::{self, CommunicationTemplate, RenderedTemplate};
use unitcycle_core::communications_hub::webhook;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{self, Principal};
use crate::maintenance::api::page;
use crate::query::{self, Paging, Query};
use crate::server::{act, read, ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(receive))
        .routes(routes!(conversations))
        .routes(routes!(stats))
        .routes(routes!(conversation))
        .routes(routes!(reply))
        .routes(routes!(at_risk))
        .routes(routes!(simulate))
        .routes(routes!(tenant_sentiment))
        .routes(routes!(list_templates))
        .routes(routes!(conversation_templates))
        .routes(routes!(broadcasts, create_broadcast))
        .routes(routes!(broadcast_detail))
        .routes(routes!(broadcast_preview))
        .routes(routes!(send_broadcast))
}

fn conversation_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found("Conversation"))
}

/// The signed-in staff member a request carries, if any.
async fn staff(st: &AppState, headers: &HeaderMap) -> ApiResult<Option<Principal>> {
    let Some(value) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) else { return Ok(None) };
    let token = value.strip_prefix("Bearer ").or_else(|| value.strip_prefix("Token ")).unwrap_or(value).trim();
    auth::authenticate(&st.pool, token, st.clock.now())
        .await?
        .map(Some)
        .ok_or_else(|| ApiError::new(StatusCode::UNAUTHORIZED, "Invalid, expired or revoked token."))
}

#[utoipa::path(post, path = "/api/v2/communications/inbound/", operation_id = "communications_inbound",
    summary = "Webhook for an inbound SMS, WhatsApp or email (signed by the provider, or sent by signed-in staff): matched to its tenant, threaded, classified (emergency keywords critical, the on-call paged), answered automatically only for routine questions from the tenant's own record, a maintenance report opened as a work order",
    security(()), request_body = InboundMessage,
    responses((status = 200, description = "The message, its classification and any auto-response", body = InboundOutcome),
        (status = 400, description = "Bad input, or a sender who is no tenant (nothing stored)", body = ErrorBody),
        (status = 403, description = "A missing, forged or replayed signature (nothing stored)", body = ErrorBody)))]
async fn receive(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    body: Body,
) -> ApiResult<Json<InboundOutcome>> {
    let now = st.clock.now();
    // Twilio posts an SMS as a form (From, Body) signed with X-Twilio-Signature.
    let form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if form {
        let token = st.sms_auth_token.as_deref().ok_or_else(|| {
            ApiError::new(StatusCode::FORBIDDEN, "Twilio posts are refused: TWILIO_AUTH_TOKEN is not set.")
        })?;
        crate::outbox::api::check_signature(&st, token, &headers, &uri, &body.0)?;
        let fields: std::collections::HashMap<String, String> = form_urlencoded::parse(&body.0).into_owned().collect();
        let msg = InboundMessage {
            channel: if fields.get("From").is_some_and(|f| f.starts_with("whatsapp:")) { "whatsapp" } else { "sms" }
                .into(),
            from_number: fields.get("From").map(|f| f.trim_start_matches("whatsapp:").to_string()),
            from: None,
            content: fields.get("Body").cloned().unwrap_or_default(),
            timestamp: None,
        };
        let id = Uuid::new_v5(&Uuid::NAMESPACE_OID, fields.get("MessageSid").cloned().unwrap_or_default().as_bytes());
        let gateway = st.gateway.clone();
        return Ok(Json(
            crate::adapter::run(&st.pool, None, move |port| inbound::receive(port, &gateway, id, &msg, now)).await?,
        ));
    }
    let scope = match staff(&st, &headers).await? {
        Some(p) => {
            crate::server::writer(&p)?;
            Some(p.properties)
        }
        None => {
            let secret = std::env::var("UNITCYCLE_INBOUND_SECRET").unwrap_or_default();
            if secret.trim().is_empty() {
                return Err(ApiError::new(
                    StatusCode::FORBIDDEN,
                    "The inbound webhook takes signed requests only, and UNITCYCLE_INBOUND_SECRET is not set.",
                ));
            }
            let given = headers.get(webhook::SIGNATURE_HEADER).and_then(|v| v.to_str().ok());
            webhook::verify(secret.trim(), given, &body.0, now)
                .map_err(|e| ApiError::new(StatusCode::FORBIDDEN, format!("Refused: {e}.")))?;
            None
        }
    };
    let msg: InboundMessage = body.json()?;
    let gateway = st.gateway.clone();
    // The message's id comes from its content, sender and time, so a provider's retry is one message.
    let key = format!("{}|{:?}|{:?}|{}|{:?}", msg.channel, msg.from_number, msg.from, msg.content, msg.timestamp);
    let id = Uuid::new_v5(&Uuid::NAMESPACE_OID, key.as_bytes());
    let out = crate::adapter::run(&st.pool, scope, move |port| inbound::receive(port, &gateway, id, &msg, now)).await?;
    Ok(Json(out))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConversationFilter {
    pub status: Option<String>,
    pub category: Option<String>,
    pub urgency: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub tenant: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    /// `sms`, `email`, `whatsapp` or `in_app`.
    pub channel: Option<String>,
}

fn one_of(name: &str, v: &Option<String>, allowed: &[&str]) -> ApiResult<Option<String>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) if !allowed.contains(&s) => {
            Err(ApiError::bad(format!("{name}: '{s}' is not one of: {}.", allowed.join(", "))))
        }
        other => Ok(other.map(str::to_string)),
    }
}

#[utoipa::path(get, path = "/api/v2/communications/conversations/", operation_id = "communications_conversations",
    summary = "Conversations, the latest message first; filters status, category, urgency, channel, tenant, property",
    params(ConversationFilter, Paging),
    responses((status = 200, description = "One page of conversations", body = Page<TenantConversation>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn conversations(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<ConversationFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<TenantConversation>>> {
    use unitcycle_core::communications_hub::classify::{CATEGORIES, URGENCIES};
    let status = one_of("status", &q.status, STATUSES)?;
    let category = one_of("category", &q.category, CATEGORIES)?;
    let urgency = one_of("urgency", &q.urgency, URGENCIES)?;
    let channel = one_of("channel", &q.channel, unitcycle_core::communications_hub::model::CHANNELS)?;
    let all = read(&st, &p, |port| port.conversations()).await?;
    let rows = all
        .into_iter()
        .filter(|c| status.as_ref().is_none_or(|s| c.status == *s))
        .filter(|c| category.as_ref().is_none_or(|s| c.category == *s))
        .filter(|c| urgency.as_ref().is_none_or(|s| c.urgency == *s))
        .filter(|c| channel.as_ref().is_none_or(|s| c.channel == *s))
        .filter(|c| q.tenant.is_none_or(|t| c.tenant_id == t))
        .filter(|c| q.property.is_none_or(|t| c.property_id == t))
        .collect();
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(get, path = "/api/v2/communications/conversations/stats/", operation_id = "communications_stats",
    summary = "Inbox figures: open, waiting on staff, waiting on the tenant, resolved, critical open, average hours to a reply",
    responses((status = 200, description = "The figures", body = InboxStats)))]
async fn stats(State(st): State<AppState>, p: Principal) -> ApiResult<Json<InboxStats>> {
    Ok(Json(read(&st, &p, |port| inbound::stats(port)).await?))
}

/// A conversation with every message, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationDetail {
    #[serde(flatten)]
    pub conversation: TenantConversation,
    pub messages: Vec<TenantMessage>,
}

#[utoipa::path(get, path = "/api/v2/communications/conversations/{id}/", operation_id = "communications_conversation",
    summary = "A conversation with all its messages (each inbound one with its classification)",
    params(("id" = String, Path, description = "The conversation's id")),
    responses((status = 200, description = "The conversation", body = ConversationDetail),
        (status = 404, description = "No such conversation", body = ErrorBody)))]
async fn conversation(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<ConversationDetail>> {
    let id = conversation_id(&id)?;
    let (conversation, messages) =
        read(&st, &p, move |port| Ok((port.conversation(id)?, port.conversation_messages(id)?))).await?;
    Ok(Json(ConversationDetail { conversation, messages }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplyBody {
    pub content: String,
    /// Default: the conversation's channel.
    #[serde(default)]
    pub channel: Option<String>,
}

#[utoipa::path(post, path = "/api/v2/communications/conversations/{id}/reply/", operation_id = "communications_reply",
    summary = "A staff reply, queued to the tenant on the conversation's channel (or the one given)",
    params(("id" = String, Path, description = "The conversation's id")), request_body = ReplyBody,
    responses((status = 201, description = "The reply", body = TenantMessage),
        (status = 400, description = "No content, a bad channel, or no address for it", body = ErrorBody),
        (status = 404, description = "No such conversation", body = ErrorBody)))]
async fn reply(State(st): State<AppState>, p: Principal, Path(id): Path<String>, body: Body) -> ApiResult<Response> {
    let id = conversation_id(&id)?;
    let b: ReplyBody = body.json()?;
    let (now, actor) = (st.clock.now(), p.email.clone());
    let m = act(&st, &p, move |port| {
        inbound::reply(port, id, Uuid::new_v4(), &b.content, b.channel.as_deref(), &actor, now)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(m)).into_response())
}

#[utoipa::path(get, path = "/api/v2/communications/sentiment/at-risk/", operation_id = "communications_at_risk",
    summary = "Tenants whose latest sentiment log is high or critical churn risk, by churn probability, with the factors and a recommended action",
    responses((status = 200, description = "The at-risk tenants", body = AtRisk)))]
async fn at_risk(State(st): State<AppState>, p: Principal) -> ApiResult<Json<AtRisk>> {
    Ok(Json(read(&st, &p, |port| sentiment::at_risk(port)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    /// 30, 60 or 90 (default 90).
    pub days: Option<i64>,
}

/// A tenant's sentiment over a window, oldest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct SentimentHistory {
    pub tenant_id: Uuid,
    pub days: i64,
    pub history: Vec<SentimentLog>,
}

#[utoipa::path(get, path = "/api/v2/communications/sentiment/{tenant_id}/", operation_id = "communications_sentiment",
    summary = "A tenant's daily sentiment and churn prediction over the last 30, 60 or 90 days",
    params(("tenant_id" = String, Path, description = "The tenant's id"), TrendQuery),
    responses((status = 200, description = "The history, oldest first", body = SentimentHistory),
        (status = 400, description = "A window other than 30, 60 or 90", body = ErrorBody),
        (status = 404, description = "No such tenant", body = ErrorBody)))]
async fn tenant_sentiment(
    State(st): State<AppState>,
    p: Principal,
    Path(tenant): Path<String>,
    Query(q): Query<TrendQuery>,
) -> ApiResult<Json<SentimentHistory>> {
    let tenant = Uuid::parse_str(tenant.trim()).map_err(|_| ApiError::not_found("Tenant"))?;
    let days = q.days.unwrap_or(90);
    if ![30, 60, 90].contains(&days) {
        return Err(ApiError::bad(format!("days: {days} is not 30, 60 or 90.")));
    }
    let since = st.clock.now().date_naive() - chrono::Duration::days(days);
    let mut history = read(&st, &p, move |port| {
        unitcycle_core::port::Records::tenant(port, tenant)?;
        port.sentiment_logs()
    })
    .await?;
    history.retain(|l| l.tenant_id == tenant && l.date >= since);
    history.reverse();
    Ok(Json(SentimentHistory { tenant_id: tenant, days, history }))
}

/// The demo simulation's messages: a routine question, a repair, a complaint and an emergency.
const SIMULATED: [(&str, &str); 4] = [
    ("email", "Hi, when is my rent due this month? And how much is it?"),
    ("sms", "The kitchen sink is clogged and leaking under the cabinet"),
    ("email", "The noise from upstairs is unacceptable, this is the third night in a row!!"),
    ("sms", "There is smoke coming from the hallway outlet"),
];

/// What the simulation sent and what the pipeline did with each message.
#[derive(Debug, Serialize, ToSchema)]
pub struct Simulation {
    pub sent: usize,
    pub results: Vec<InboundOutcome>,
}

#[utoipa::path(post, path = "/api/v2/communications/simulate/", operation_id = "communications_simulate",
    summary = "Demo simulation: four mock inbound messages (a rent question, a repair, a complaint, an emergency) from tenants of the caller's properties, each through the whole pipeline",
    responses((status = 200, description = "The pipeline's answer to each message", body = Simulation),
        (status = 400, description = "No tenant with a live lease and an address to write from", body = ErrorBody)))]
async fn simulate(State(st): State<AppState>, p: Principal) -> ApiResult<Json<Simulation>> {
    crate::server::writer(&p)?;
    let rows = st
        .pool
        .get()
        .await?
        .query(
            "SELECT t.email, t.phone FROM tenants t JOIN tenant_lease l ON l.tenant_id = t.id \
             WHERE l.property_id = ANY($1) AND l.lease_status IN ('active', 'month_to_month') \
             AND t.archived_at IS NULL AND t.email <> '' AND t.phone <> '' ORDER BY t.id LIMIT 4",
            &[&p.properties],
        )
        .await?;
    if rows.is_empty() {
        return Err(ApiError::bad(
            "No tenant of your properties has a live lease, an email and a phone to write from.",
        ));
    }
    let senders: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    let results = act(&st, &p, move |port| {
        let mut out = Vec::new();
        for (i, (channel, content)) in SIMULATED.iter().enumerate() {
            let (email, phone) = &senders[i % senders.len()];
            let msg = InboundMessage {
                channel: (*channel).into(),
                from_number: (*channel == "sms").then(|| phone.clone()),
                from: (*channel != "sms").then(|| email.clone()),
                content: (*content).into(),
                timestamp: None,
            };
            out.push(inbound::receive(port, &gateway, Uuid::new_v4(), &msg, now)?);
        }
        Ok(out)
    })
    .await?;
    Ok(Json(Simulation { sent: results.len(), results }))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateFilter {
    /// `billing`, `maintenance`, `lease`, `emergency`, `general`, …
    pub category: Option<String>,
    /// `sms` or `email`.
    pub channel: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/communications/templates/", operation_id = "communications_templates",
    summary = "The reply templates: each with its {{variables}} (filled in only from one tenant's own record), the intent it answers and whether it is sent automatically",
    params(TemplateFilter),
    responses((status = 200, description = "The templates", body = Vec<CommunicationTemplate>)))]
async fn list_templates(_p: Principal, Query(q): Query<TemplateFilter>) -> ApiResult<Json<Vec<CommunicationTemplate>>> {
    let pick = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
    let (category, channel) = (pick(&q.category), pick(&q.channel));
    Ok(Json(
        templates::library()
            .into_iter()
            .filter(|t| category.as_ref().is_none_or(|c| t.category == *c))
            .filter(|t| channel.as_ref().is_none_or(|c| t.channel == *c))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v2/communications/conversations/{id}/templates/",
    operation_id = "communications_conversation_templates",
    summary = "Every template filled in from the record of the conversation's tenant, or why it cannot be (a variable without a value: never sent blank)",
    params(("id" = String, Path, description = "The conversation's id")),
    responses((status = 200, description = "The templates for this tenant", body = Vec<RenderedTemplate>),
        (status = 404, description = "No such conversation", body = ErrorBody)))]
async fn conversation_templates(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<RenderedTemplate>>> {
    let id = conversation_id(&id)?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| templates::for_conversation(port, id, now)).await?))
}

fn broadcast_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found("Broadcast"))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BroadcastFilter {
    /// `draft`, `sending` or `sent`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/communications/broadcasts/", operation_id = "communications_broadcasts",
    summary = "Broadcasts, the newest first (a portfolio-wide one too); filter status",
    params(BroadcastFilter, Paging),
    responses((status = 200, description = "One page of broadcasts", body = Page<BroadcastMessage>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn broadcasts(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<BroadcastFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<BroadcastMessage>>> {
    let status = one_of("status", &q.status, broadcast::STATUSES)?;
    let mut rows = read(&st, &p, |port| port.broadcasts()).await?;
    rows.retain(|b| status.as_ref().is_none_or(|s| b.status == *s));
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(post, path = "/api/v2/communications/broadcasts/", operation_id = "communications_create_broadcast",
    summary = "Creates a broadcast as a draft (nothing is sent until /send/): title (at most 200 characters), content (its {{variables}} filled in per tenant), channels (email, sms, in_app) and recipient_filter (property_id, building, unit_range \"100-199\", lease_status, min_balance, has_balance)",
    request_body = BroadcastInput,
    responses((status = 201, description = "The draft", body = BroadcastMessage),
        (status = 400, description = "A missing or too long title, no content, an unknown channel, variable or filter key", body = ErrorBody)))]
async fn create_broadcast(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    crate::server::writer(&p)?;
    let input: BroadcastInput = body.json()?;
    let new = NewBroadcast::checked(&input).map_err(ApiError::bad)?;
    let (now, actor) = (st.clock.now(), p.email.clone());
    let b = act(&st, &p, move |port| broadcast::create(port, Uuid::new_v4(), &new, &actor, now)).await?;
    Ok((StatusCode::CREATED, Json(b)).into_response())
}

/// A broadcast with each delivery (a tenant on a channel) and its status.
#[derive(Debug, Serialize, ToSchema)]
pub struct BroadcastDetail {
    #[serde(flatten)]
    pub broadcast: BroadcastMessage,
    pub recipients: Vec<BroadcastRecipient>,
}

#[utoipa::path(get, path = "/api/v2/communications/broadcasts/{id}/", operation_id = "communications_broadcast",
    summary = "A broadcast with its deliveries: each tenant and channel, queued, sent, failed or skipped (with why)",
    params(("id" = String, Path, description = "The broadcast's id")),
    responses((status = 200, description = "The broadcast", body = BroadcastDetail),
        (status = 404, description = "No such broadcast", body = ErrorBody)))]
async fn broadcast_detail(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<BroadcastDetail>> {
    let id = broadcast_id(&id)?;
    let (broadcast, recipients) =
        read(&st, &p, move |port| Ok((broadcast::get(port, id)?, port.broadcast_recipients(id)?))).await?;
    Ok(Json(BroadcastDetail { broadcast, recipients }))
}

#[utoipa::path(get, path = "/api/v2/communications/broadcasts/{id}/preview/",
    operation_id = "communications_broadcast_preview",
    summary = "What sending the broadcast would do now: how many tenants, the messages per channel, and exactly what each tenant is sent (or why not)",
    params(("id" = String, Path, description = "The broadcast's id")),
    responses((status = 200, description = "The preview", body = BroadcastPreview),
        (status = 404, description = "No such broadcast", body = ErrorBody)))]
async fn broadcast_preview(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<BroadcastPreview>> {
    let id = broadcast_id(&id)?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| broadcast::preview(port, id, now)).await?))
}

#[utoipa::path(post, path = "/api/v2/communications/broadcasts/{id}/send/", operation_id = "communications_send_broadcast",
    summary = "Sends the broadcast to its filtered recipients: one message per tenant and channel through the outbox; sending again queues only what was not sent (nothing twice)",
    params(("id" = String, Path, description = "The broadcast's id")),
    responses((status = 200, description = "What was queued, and every delivery's status", body = SendOutcome),
        (status = 400, description = "No tenant matches the filter", body = ErrorBody),
        (status = 404, description = "No such broadcast", body = ErrorBody)))]
async fn send_broadcast(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<SendOutcome>> {
    let id = broadcast_id(&id)?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| broadcast::send(port, id, now)).await?))
}
