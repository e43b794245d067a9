//! The worker's chat requests (spec 3.3): ask a question in a conversation (started on the first
//! question) through the core workflow, on the replica; confirm what a reply proposed; the
//! user's recent conversations and one of them again; the day's digest.

use chrono::{DateTime, Utc};
use unitcycle_core::ai::{ChatEvent, Gateway};
use unitcycle_core::portfolio_chat::action::{self, ConfirmedAction, ProposedAction};
use unitcycle_core::portfolio_chat::port::ChatPort;
use unitcycle_core::portfolio_chat::record::{ChatConversation, ChatMessage, DailyDigest};
use unitcycle_core::portfolio_chat::workflow as wf;
use unitcycle_core::portfolio_chat::ToolAnswer;
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

#[derive(Debug, Clone)]
pub struct Ask {
    pub conversation: Option<Uuid>,
    pub user: String,
    pub question: String,
    pub now: DateTime<Utc>,
}

/// One question and its reply: the text, the table of the tool it used, the tool calls as
/// "name {input}", and a proposed action still waiting for the manager's confirm.
#[derive(Debug, Clone)]
pub struct Answered {
    pub conversation: Uuid,
    pub message_id: Uuid,
    pub question: String,
    pub text: String,
    pub table: Option<ToolAnswer>,
    pub calls: Vec<String>,
    pub proposal: Option<ProposedAction>,
    /// What a confirmed proposal created.
    pub created: Option<String>,
}

impl Answered {
    fn of(conversation: Uuid, question: String, reply: &ChatMessage) -> Answered {
        let view = wf::reply_view(reply);
        Answered {
            conversation,
            message_id: reply.id,
            question,
            text: reply.content.clone(),
            table: view.table,
            calls: view.calls,
            proposal: wf::pending_proposal(reply).map(|(_, p)| p),
            created: view.created,
        }
    }
}

/// Asks; `stream` gets the reply as it comes (the text so far, or the tool being called).
pub fn answer(
    store: &mut Store,
    gateway: &Gateway,
    ask: Ask,
    stream: &mut dyn FnMut(String),
) -> Result<Answered, StoreError> {
    let conversation = match ask.conversation {
        Some(c) => c,
        None => wf::create_conversation(store, Uuid::new_v4(), &ask.user, "", ask.now)?.id,
    };
    let mut so_far = String::new();
    let mut on_event = |e: ChatEvent| match e {
        ChatEvent::TextDelta(t) => {
            so_far.push_str(&t);
            stream(so_far.clone());
        }
        ChatEvent::ToolCall { name, input } => stream(format!("{so_far}\n(tool: {name} {input})")),
        ChatEvent::ToolResult { .. } => {}
    };
    let (_, reply) = wf::send_message(store, gateway, conversation, &ask.user, &ask.question, ask.now, &mut on_event)?;
    Ok(Answered::of(conversation, ask.question, &reply))
}

/// The chat's other requests.
#[derive(Debug, Clone)]
pub enum ChatRequest {
    /// Create what reply `message` proposed (queued for the server on a connected replica).
    Confirm { conversation: Uuid, message: Uuid, user: String, now: DateTime<Utc> },
    /// The user's conversations, most recent first.
    Recent { user: String },
    /// A conversation's questions and replies, to carry on with it.
    Resume { conversation: Uuid, user: String },
    /// Today's digest (built and stored if the 06:00 job has not run yet).
    Digest { now: DateTime<Utc> },
}

#[derive(Debug, Clone)]
pub enum ChatData {
    Confirmed { message: Uuid, done: ConfirmedAction },
    Recent(Vec<ChatConversation>),
    Resumed { conversation: Uuid, answers: Vec<Answered> },
    Digest(Box<DailyDigest>),
}

pub fn run(store: &mut Store, req: ChatRequest) -> Result<ChatData, StoreError> {
    Ok(match req {
        ChatRequest::Confirm { conversation, message, user, now } => {
            let done = wf::confirm_action(store, conversation, message, &user, None, now, action::act_on_replica)?;
            ChatData::Confirmed { message, done }
        }
        ChatRequest::Recent { user } => ChatData::Recent(store.conversations(&user)?),
        ChatRequest::Resume { conversation, user } => {
            let messages = wf::messages(store, conversation, &user)?;
            let mut answers = Vec::new();
            let mut question = String::new();
            for m in &messages {
                if m.role == "user" {
                    question = m.content.clone();
                } else {
                    answers.push(Answered::of(conversation, std::mem::take(&mut question), m));
                }
            }
            ChatData::Resumed { conversation, answers }
        }
        ChatRequest::Digest { now } => {
            let today = now.date_naive();
            ChatData::Digest(Box::new(wf::daily_digest(store, today, now)?))
        }
    })
}
