//! The worker's chat requests (spec 3.3): ask a question in a conversation (started on the first
//! question) through the core workflow, on the replica.

use chrono::{DateTime, Utc};
use unitcycle_core::ai::Gateway;
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

/// The reply: its text, the table of the tool it used, the tool call as "name {input}".
#[derive(Debug, Clone)]
pub struct Answered {
    pub conversation: Uuid,
    pub question: String,
    pub text: String,
    pub table: Option<ToolAnswer>,
    pub calls: Vec<String>,
}

pub fn answer(store: &mut Store, gateway: &Gateway, ask: Ask) -> Result<Answered, StoreError> {
    let conversation = match ask.conversation {
        Some(c) => c,
        None => wf::create_conversation(store, Uuid::new_v4(), &ask.user, "", ask.now)?.id,
    };
    let (_, reply) = wf::send_message(store, gateway, conversation, &ask.user, &ask.question, ask.now, &mut |_| {})?;
    let table = reply.tool_results.get(0).and_then(|v| serde_json::from_value::<ToolAnswer>(v.clone()).ok());
    let calls = reply
        .tool_calls
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| format!("{} {}", c["name"].as_str().unwrap_or_default(), c["input"]))
        .collect();
    Ok(Answered { conversation, question: ask.question, text: reply.content, table, calls })
}
