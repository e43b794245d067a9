//! `/api/v1/chat/…` (spec 3.3): conversations, messages (the reply streamed as Server-Sent
//! Events: `tool_call`, `tool_result`, `token`, then `message` with the stored reply, or
//! `error`), history, and the daily digest. Thin handlers over
//! `unitcycle_core::portfolio_chat::workflow`.

use std::convert::Infallible;

use axum::body::{Body as HttpBody, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::json;
use unitcycle_core::ai::ChatEvent;
use unitcycle_core::format::check_text;
use unitcycle_core::portfolio_chat::action::{self, ConfirmedAction};
use unitcycle_core::portfolio_chat::record::{ChatConversation, ChatMessage, DailyDigest};
use unitcycle_core::portfolio_chat::workflow as wf;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::maintenance::api::page;
use crate::query::{Paging, Query};
use crate::server::{act, read, ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_conversation, conversations))
        .routes(routes!(send_message, history))
        .routes(routes!(confirm_action))
        .routes(routes!(daily_digest))
}

fn conversation_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found("Conversation"))
}

#[derive(Deserialize, Default, ToSchema)]
pub struct NewConversation {
    #[serde(default)]
    pub title: String,
}

#[utoipa::path(post, path = "/api/v1/chat/conversations/", operation_id = "chat_create_conversation",
    summary = "Start a conversation", request_body = NewConversation,
    responses((status = 201, description = "The conversation", body = ChatConversation),
        (status = 400, description = "Bad input", body = ErrorBody)))]
async fn create_conversation(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let new: NewConversation = body.json_or_default()?;
    let (now, user) = (st.clock.now(), p.email.clone());
    let c = act(&st, &p, move |port| wf::create_conversation(port, Uuid::new_v4(), &user, &new.title, now)).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[utoipa::path(get, path = "/api/v1/chat/conversations/", operation_id = "chat_conversations",
    summary = "The caller's conversations, most recent first", params(Paging),
    responses((status = 200, description = "One page of conversations", body = Page<ChatConversation>)))]
async fn conversations(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<ChatConversation>>> {
    let user = p.email.clone();
    let rows =
        read(&st, &p, move |port| unitcycle_core::portfolio_chat::port::ChatPort::conversations(port, &user)).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(get, path = "/api/v1/chat/conversations/{id}/messages/", operation_id = "chat_history",
    summary = "A conversation's messages, oldest first, with each reply's tool calls and results",
    params(("id" = String, Path, description = "The conversation's id")),
    responses((status = 200, description = "The messages", body = Vec<ChatMessage>),
        (status = 404, description = "No such conversation of the caller's", body = ErrorBody)))]
async fn history(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<ChatMessage>>> {
    let id = conversation_id(&id)?;
    let user = p.email.clone();
    Ok(Json(read(&st, &p, move |port| wf::messages(port, id, &user)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct SendMessage {
    /// The question (also read as `message` or `text`).
    #[serde(alias = "message", alias = "text")]
    pub content: String,
}

/// One Server-Sent Event.
fn event(name: &str, data: serde_json::Value) -> Bytes {
    Bytes::from(format!("event: {name}\ndata: {data}\n\n"))
}

#[derive(Serialize, ToSchema)]
pub struct StreamDoc {
    /// `tool_call`, `tool_result`, `token`, `message` (the stored reply) or `error`.
    pub event: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

#[utoipa::path(post, path = "/api/v1/chat/conversations/{id}/messages/", operation_id = "chat_send_message",
    summary = "Send a message; the reply streams as Server-Sent Events (tool_call, tool_result, token, then message or error)",
    params(("id" = String, Path, description = "The conversation's id")), request_body = SendMessage,
    responses((status = 200, description = "text/event-stream of the reply", content_type = "text/event-stream", body = StreamDoc),
        (status = 400, description = "An empty or too long message", body = ErrorBody),
        (status = 404, description = "No such conversation of the caller's", body = ErrorBody)))]
async fn send_message(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    let id = conversation_id(&id)?;
    let msg: SendMessage = body.json()?;
    let content = check_text("content", &msg.content, 4000, true).map_err(ApiError::bad)?;
    let user = p.email.clone();
    // Refused before the stream starts: a 404 or 400, not an event.
    let u = user.clone();
    read(&st, &p, move |port| wf::conversation(port, id, &u)).await?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<Result<Bytes, Infallible>>();
    let (pool, scope, gateway, now) = (st.pool.clone(), Some(p.properties.clone()), st.gateway.clone(), st.clock.now());
    // The answer runs to the end and is stored even if the client goes away.
    tokio::spawn(async move {
        let events = tx.clone();
        let done = crate::adapter::run(&pool, scope, move |port| {
            let mut on_event = |e: ChatEvent| {
                let bytes = match e {
                    ChatEvent::TextDelta(t) => event("token", json!({"text": t})),
                    ChatEvent::ToolCall { name, input } => event("tool_call", json!({"name": name, "input": input})),
                    ChatEvent::ToolResult { name, content, is_error } => {
                        event("tool_result", json!({"name": name, "content": content, "is_error": is_error}))
                    }
                };
                let _ = events.send(Ok(bytes));
            };
            wf::send_message(port, &gateway, id, &user, &content, now, &mut on_event)
        })
        .await;
        let last = match done {
            Ok((_, reply)) => event("message", json!(reply)),
            Err(e) => event("error", json!({"detail": e.to_string()})),
        };
        let _ = tx.send(Ok(last));
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|item| (item, rx)) });
    Ok((
        [(header::CONTENT_TYPE, "text/event-stream"), (header::CACHE_CONTROL, "no-cache")],
        HttpBody::from_stream(stream),
    )
        .into_response())
}

#[derive(Deserialize, Default, ToSchema)]
pub struct ConfirmBody {
    /// A reminder's or follow-up's day (YYYY-MM-DD); by default the next morning (a follow-up:
    /// in three days).
    #[serde(default)]
    pub due_date: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/chat/conversations/{id}/messages/{message_id}/confirm-action/",
    operation_id = "chat_confirm_action",
    summary = "Create what a reply's create_action proposed: the work order, or the reminder emailed to the caller",
    params(("id" = String, Path, description = "The conversation's id"),
        ("message_id" = String, Path, description = "The reply that proposed the action")),
    request_body = ConfirmBody,
    responses((status = 201, description = "What was created", body = ConfirmedAction),
        (status = 400, description = "Nothing to confirm, or a bad due date", body = ErrorBody),
        (status = 404, description = "No such conversation or message of the caller's", body = ErrorBody)))]
async fn confirm_action(
    State(st): State<AppState>,
    p: Principal,
    Path((id, message_id)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Response> {
    let id = conversation_id(&id)?;
    let message_id = Uuid::parse_str(message_id.trim()).map_err(|_| ApiError::not_found("Chat message"))?;
    let b: ConfirmBody = body.json_or_default()?;
    let due = match b.due_date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => Some(unitcycle_core::format::parse_date(d).map_err(|e| ApiError::bad(format!("due_date: {e}")))?),
        None => None,
    };
    let (now, user) = (st.clock.now(), p.email.clone());
    let done = act(&st, &p, move |port| {
        wf::confirm_action(port, id, message_id, &user, due, now, |port, id, a, now| {
            action::apply_action(port, id, a, now)
        })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(done)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DigestQuery {
    /// YYYY-MM-DD (default today).
    pub date: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/chat/daily-digest/", operation_id = "chat_daily_digest",
    summary = "Today's digest (or a specific date's): alert, info and success items with the figures", params(DigestQuery),
    responses((status = 200, description = "The digest", body = DailyDigest),
        (status = 400, description = "Not a date", body = ErrorBody),
        (status = 404, description = "No digest for that day", body = ErrorBody)))]
async fn daily_digest(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<DigestQuery>,
) -> ApiResult<Json<DailyDigest>> {
    let now = st.clock.now();
    let day = match q.date.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => unitcycle_core::format::parse_date(d).map_err(|e| ApiError::bad(format!("date: {e}")))?,
        None => now.date_naive(),
    };
    Ok(Json(read(&st, &p, move |port| wf::daily_digest(port, day, now)).await?))
}
