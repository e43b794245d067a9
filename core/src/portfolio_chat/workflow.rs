//! One workflow per chat action (spec 3.3), over [`ChatPort`]: start a conversation, send a
//! message (Claude's streaming tool loop when configured, the offline rules otherwise), read the
//! history, and the day's digest. A message and its reply are written together at the end, so a
//! client that drops mid-answer leaves no half-written message.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

use super::action::{self, ChatAction, ConfirmedAction, ProposedAction};
use super::data::{load, PortfolioData};
use super::port::{ChatPort, ChatWrites};
use super::record::{ChatConversation, ChatMessage, DailyDigest};
use super::{offline, tool_definitions, tools};
use crate::ai::provider::{Message, ToolSpec};
use crate::ai::{ChatEvent, ChatRequest, Gateway, ProviderKind};
use crate::format::check_text;
use crate::rent::RentPort;
use crate::store::{Result, StoreError};
use crate::time::Days;

/// The registry name of a chat call (`ai_run.task`).
pub const TASK: &str = "portfolio_chat";

/// What the model is told: answer from the tools, cite their figures, never invent one.
pub const SYSTEM_PROMPT: &str = "You are the portfolio assistant of a residential property manager. Answer questions \
about leases, vacancy, maintenance and money only from the results of the tools you are given; quote their figures \
exactly and never estimate or invent a number. If the tools cannot answer, say what you can answer instead. Keep \
answers short: one or two sentences, then the rows that matter. create_action only proposes an action; it is \
created after the manager confirms it.";

/// History sent to the model: the latest messages within this many characters (about a
/// quarter of as many tokens).
pub const HISTORY_BUDGET_CHARS: usize = 24_000;

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// The snapshot the tools answer from, on the properties' own dates.
pub fn snapshot<P: ChatPort>(port: &P, now: DateTime<Utc>) -> Result<PortfolioData> {
    let today = now.date_naive();
    let days = Days::of_port(port, today, now)?;
    load(port, &days, today, today - Duration::days(400))
}

pub fn create_conversation<P: ChatPort>(
    port: &mut P,
    id: Uuid,
    user: &str,
    title: &str,
    now: DateTime<Utc>,
) -> Result<ChatConversation> {
    let title = check_text("Title", title, 200, false).map_err(refused)?;
    if port.conversation(id)?.is_some() {
        return Err(refused(format!("Conversation {id} already exists.")));
    }
    let c = ChatConversation { id, user_email: user.to_string(), title, created_at: now, updated_at: now };
    port.write_chat(&ChatWrites { conversations: vec![c.clone()], ..Default::default() }, now)?;
    Ok(c)
}

/// The user's conversation `id` (another user's does not exist for them).
pub fn conversation<P: ChatPort + ?Sized>(port: &P, id: Uuid, user: &str) -> Result<ChatConversation> {
    port.conversation(id)?
        .filter(|c| c.user_email == user)
        .ok_or_else(|| StoreError::NotFound { what: "Conversation", id: id.to_string() })
}

pub fn messages<P: ChatPort + ?Sized>(port: &P, id: Uuid, user: &str) -> Result<Vec<ChatMessage>> {
    conversation(port, id, user)?;
    port.chat_messages(id)
}

/// A tool's answer for the model: the query tools' rows and sentence; `create_action` is a
/// proposal only (the manager confirms it in the app).
fn run_tool(data: &PortfolioData, name: &str, input: &Value) -> std::result::Result<Value, String> {
    if name == "create_action" {
        return action::propose(data, input);
    }
    tools::run(data, name, input).and_then(|a| serde_json::to_value(a).map_err(|e| e.to_string()))
}

/// The reply to one message and what it did.
struct Reply {
    text: String,
    calls: Vec<Value>,
    results: Vec<Value>,
    tokens: i32,
    model: String,
}

fn reply_offline(data: &PortfolioData, text: &str, on_event: &mut dyn FnMut(ChatEvent)) -> Reply {
    let r = offline::answer(data, text);
    let mut calls = Vec::new();
    let mut results = Vec::new();
    if let (Some(tool), Some(input)) = (&r.tool, &r.input) {
        on_event(ChatEvent::ToolCall { name: tool.clone(), input: input.clone() });
        let content = match (tool.as_str(), &r.answer) {
            ("create_action", _) => run_tool(data, tool, input).unwrap_or_else(|e| json!({"error": e})),
            (_, Some(a)) => json!(a),
            (_, None) => json!({"error": r.text}),
        };
        let is_error = content.get("error").is_some();
        on_event(ChatEvent::ToolResult { name: tool.clone(), content: content.to_string(), is_error });
        calls.push(json!({"name": tool, "input": input}));
        results.push(content);
    }
    let text = format!("{} (offline: answered by rules from the records, no AI model)", r.text);
    on_event(ChatEvent::TextDelta(text.clone()));
    Reply { text, calls, results, tokens: 0, model: "offline-chat-rules-v1".into() }
}

fn history(previous: &[ChatMessage], question: &str) -> Vec<Message> {
    let mut kept = Vec::new();
    let mut used = question.len();
    for m in previous.iter().rev().filter(|m| m.role == "user" || m.role == "assistant") {
        used += m.content.len();
        if used > HISTORY_BUDGET_CHARS {
            break;
        }
        kept.push(if m.role == "user" {
            Message::user(m.content.clone())
        } else {
            Message::assistant(m.content.clone())
        });
    }
    kept.reverse();
    // The model's turns must alternate and start with the user.
    while kept.first().is_some_and(|m| m.role != crate::ai::provider::Role::User) {
        kept.remove(0);
    }
    kept.push(Message::user(question));
    kept
}

/// Sends `text` in conversation `id` and answers it, streaming through `on_event`. Both
/// messages are written at the end, in one transaction.
pub fn send_message<P: ChatPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    user: &str,
    text: &str,
    now: DateTime<Utc>,
    on_event: &mut dyn FnMut(ChatEvent),
) -> Result<(ChatMessage, ChatMessage)> {
    let mut conv = conversation(port, id, user)?;
    let text = check_text("Message", text, 4000, true).map_err(refused)?;
    let data = snapshot(port, now)?;
    let previous = port.chat_messages(id)?;
    let reply = if gateway.status().provider == ProviderKind::Offline {
        reply_offline(&data, &text, on_event)
    } else {
        let request = ChatRequest {
            task: TASK.into(),
            system: SYSTEM_PROMPT.into(),
            messages: history(&previous, &text),
            tools: tool_definitions()
                .into_iter()
                .map(|t| ToolSpec {
                    name: t["name"].as_str().unwrap_or_default().into(),
                    description: t["description"].as_str().unwrap_or_default().into(),
                    input_schema: t["input_schema"].clone(),
                })
                .collect(),
            max_tokens: Some(2048),
            max_turns: 6,
        };
        let mut results = Vec::new();
        let mut executor = |name: &str, input: &Value| {
            let r = run_tool(&data, name, input);
            results.push(r.clone().unwrap_or_else(|e| json!({"error": e})));
            r
        };
        match gateway.chat(&request, &mut executor, on_event, port, now) {
            Ok(r) => Reply {
                calls: r.tool_calls.iter().map(|c| json!({"name": c.name, "input": c.input})).collect(),
                results,
                text: r.text,
                tokens: (r.usage.input_tokens + r.usage.output_tokens).min(i32::MAX as u64) as i32,
                model: r.model,
            },
            Err(e) => {
                let mut r = reply_offline(&data, &text, on_event);
                r.text = format!("The AI model could not answer ({e}). {}", r.text);
                r
            }
        }
    };
    // Messages keep their order even when two arrive within one clock tick.
    let asked_at = previous.last().map_or(now, |m| now.max(m.created_at + Duration::milliseconds(1)));
    let question = ChatMessage {
        id: Uuid::new_v4(),
        conversation_id: id,
        role: "user".into(),
        content: text.clone(),
        tool_calls: json!([]),
        tool_results: json!([]),
        tokens_used: 0,
        model: String::new(),
        created_at: asked_at,
    };
    let answer = ChatMessage {
        id: Uuid::new_v4(),
        conversation_id: id,
        role: "assistant".into(),
        content: reply.text,
        tool_calls: json!(reply.calls),
        tool_results: json!(reply.results),
        tokens_used: reply.tokens,
        model: reply.model,
        created_at: asked_at + Duration::milliseconds(1),
    };
    if conv.title.is_empty() {
        conv.title = text.chars().take(60).collect();
    }
    conv.updated_at = now;
    let w = ChatWrites {
        conversations: vec![conv],
        messages: vec![question.clone(), answer.clone()],
        ..Default::default()
    };
    port.write_chat(&w, now)?;
    Ok((question, answer))
}

/// The digest of `day`: the stored one, else built from today's records and stored (a past day
/// that was never built is not made up from today's figures).
pub fn daily_digest<P: ChatPort + RentPort>(port: &mut P, day: NaiveDate, now: DateTime<Utc>) -> Result<DailyDigest> {
    if let Some(d) = port.digest(day)? {
        return Ok(d);
    }
    if day != now.date_naive() {
        return Err(StoreError::NotFound { what: "Daily digest", id: day.to_string() });
    }
    let d = build_digest(port, day, now)?;
    port.write_chat(&ChatWrites { digests: vec![d.clone()], ..Default::default() }, now)?;
    Ok(d)
}

/// The hour the digest is ready in each property's time zone.
pub const DIGEST_HOUR: u32 = 6;

/// Which digest is due at `now`: the latest local date on which some property has passed
/// 06:00, and the last such 06:00 (UTC) on that date. A digest written before that instant is
/// rewritten, so each property's morning figures are in by its own 06:00.
pub fn digest_due(zones: &[chrono_tz::Tz], now: DateTime<Utc>) -> Option<(NaiveDate, DateTime<Utc>)> {
    use chrono::TimeZone;
    let zones: Vec<chrono_tz::Tz> = if zones.is_empty() { vec![chrono_tz::UTC] } else { zones.to_vec() };
    let mut due: Option<(NaiveDate, DateTime<Utc>)> = None;
    for tz in zones {
        let day = crate::time::local_date(tz, now);
        // Today's 06:00 if it has passed here, else yesterday's.
        for d in [day, day - Duration::days(1)] {
            let six = d.and_hms_opt(DIGEST_HOUR, 0, 0).and_then(|t| tz.from_local_datetime(&t).earliest());
            let Some(six) = six.map(|t| t.with_timezone(&Utc)).filter(|t| *t <= now) else { continue };
            due = match due {
                Some((bd, bt)) if bd > d || (bd == d && bt >= six) => Some((bd, bt)),
                _ => Some((d, six)),
            };
            break;
        }
    }
    due
}

/// The digest job (hourly, so every time zone's 06:00 is covered): writes the due day's digest
/// when it is missing or older than the latest property's 06:00 on that day; otherwise nothing.
/// The digest of `day` from the records as they are at `now` (the snapshot's reads; see
/// [`super::data::digest`]).
fn build_digest<P: ChatPort + RentPort>(port: &P, day: NaiveDate, now: DateTime<Utc>) -> Result<DailyDigest> {
    let today = now.date_naive();
    let days = Days::of_port(port, today, now)?;
    super::data::digest(port, &days, day, today - Duration::days(400), now)
}

pub fn digest_job<P: ChatPort + RentPort>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let zones =
        port.property_zones()?.values().map(|z| crate::time::zone(z).map_err(refused)).collect::<Result<Vec<_>>>()?;
    let report = |summary: String, counts: Value, skipped| crate::jobs::JobReport {
        job: crate::jobs::Job::DailyDigest.name(),
        run_date: today,
        summary,
        counts,
        skipped,
    };
    let Some((day, since)) = digest_due(&zones, now) else {
        return Ok(report("No property has reached 06:00 yet.".into(), json!({}), true));
    };
    if let Some(d) = port.digest(day)?.filter(|d| d.generated_at >= since) {
        return Ok(report(format!("The digest of {day} is current (written {}).", d.generated_at), json!({}), true));
    }
    let d = build_digest(port, day, now)?;
    port.write_chat(&ChatWrites { digests: vec![d.clone()], ..Default::default() }, now)?;
    Ok(report(d.content.clone(), d.metrics.clone(), false))
}

/// What a stored reply shows on a screen: the table of the query tool it used, each tool call
/// as "name {input}", and what a confirmed proposal created.
#[derive(Debug, Clone, PartialEq)]
pub struct ReplyView {
    pub table: Option<super::ToolAnswer>,
    pub calls: Vec<String>,
    pub created: Option<String>,
}

pub fn reply_view(reply: &ChatMessage) -> ReplyView {
    let results = reply.tool_results.as_array().map_or(&[][..], Vec::as_slice);
    ReplyView {
        table: results.iter().find_map(|v| serde_json::from_value(v.clone()).ok()),
        calls: reply
            .tool_calls
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| format!("{} {}", c["name"].as_str().unwrap_or_default(), c["input"]))
            .collect(),
        created: results.iter().find_map(|v| v["confirmed"]["summary"].as_str().map(str::to_string)),
    }
}

/// The first proposal in `message` not yet confirmed: its index among the message's tool
/// calls, and the proposal.
pub fn pending_proposal(message: &ChatMessage) -> Option<(usize, ProposedAction)> {
    let calls = message.tool_calls.as_array()?;
    calls.iter().enumerate().find_map(|(i, c)| {
        let result = message.tool_results.get(i)?;
        (c["name"] == "create_action" && result["created"] == json!(false))
            .then(|| serde_json::from_value(result["proposed"].clone()).ok())
            .flatten()
            .map(|p| (i, p))
    })
}

/// The id a confirmed proposal's record takes: the same for the same proposal, so confirming
/// twice (or a retried push) creates one work order or one reminder.
pub fn action_id(message: Uuid, index: usize) -> Uuid {
    Uuid::new_v5(&message, format!("create_action:{index}").as_bytes())
}

/// Confirms the pending proposal of `message` in `user`'s conversation `id`: `apply` creates it
/// (the work order, or the reminder in the outbox; on a replica, queued for the server), then
/// the message records what was created, so it is not offered again.
pub fn confirm_action<P: ChatPort>(
    port: &mut P,
    id: Uuid,
    message_id: Uuid,
    user: &str,
    due_date: Option<NaiveDate>,
    now: DateTime<Utc>,
    apply: impl FnOnce(&mut P, Uuid, &ChatAction, DateTime<Utc>) -> Result<ConfirmedAction>,
) -> Result<ConfirmedAction> {
    let mut message = messages(port, id, user)?
        .into_iter()
        .find(|m| m.id == message_id)
        .ok_or_else(|| StoreError::NotFound { what: "Chat message", id: message_id.to_string() })?;
    let (index, proposal) = pending_proposal(&message)
        .ok_or_else(|| refused("This message proposes nothing to create, or it was created already."))?;
    // The reminder goes to the user's own address; a replica's user ("user:pat@cli") is not one,
    // so there it goes to the manager's address (`UNITCYCLE_MANAGER_EMAIL`).
    let notify = crate::delivery::manager_from(Some(user.to_string()))
        .or_else(crate::delivery::manager_from_env)
        .unwrap_or_else(|| user.to_string());
    let action = ChatAction::Confirm { proposal, notify, due_date };
    let done = apply(port, action_id(message_id, index), &action, now)?;
    if let Some(slot) = message.tool_results.get_mut(index) {
        slot["created"] = json!(true);
        slot["confirmed"] = json!(done);
    }
    port.write_chat(&ChatWrites { messages: vec![message], ..Default::default() }, now)?;
    Ok(done)
}
