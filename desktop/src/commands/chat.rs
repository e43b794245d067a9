//! Portfolio chat from the desktop (spec 3.3), the terminal's chat in a window: the user's recent
//! conversations, one conversation's questions and answers, a question asked (the conversation is
//! started by its first question) through the app's gateway, the confirm of what an answer
//! proposed (a work order, reminder or follow-up, created only then, on the replica), and the
//! day's digest. Core's refusals are the error's detail, word for word.

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;

use super::ops::id;
use super::portfolio::actor;
use crate::{AppState, CmdResult};
use unitcycle_core::portfolio_chat::action::{self, ConfirmedAction, ProposedAction};
use unitcycle_core::portfolio_chat::port::ChatPort;
use unitcycle_core::portfolio_chat::record::{ChatConversation, ChatMessage, DailyDigest};
use unitcycle_core::portfolio_chat::workflow as wf;
use unitcycle_core::portfolio_chat::ToolAnswer;

/// What an answer proposed and is not created yet.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct PendingProposal {
    pub proposal: ProposedAction,
    /// What confirming it creates, in one sentence (unit and property by name, when it is emailed).
    pub summary: String,
    /// `Work order`, `Reminder` or `Follow-up`.
    pub kind: String,
    /// The unit and property by name, when it is for a unit.
    pub unit_label: Option<String>,
    /// When a reminder or follow-up is emailed, or what a work order does.
    pub when: String,
}

/// One question and its reply, as the chat view shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ChatTurn {
    pub conversation_id: Uuid,
    /// The reply's id (what a confirm names).
    pub message_id: Uuid,
    pub question: String,
    pub text: String,
    pub model: String,
    /// `offline` when the rules answered, else `claude`.
    pub provider: String,
    /// The table of the query tool it used, if any.
    pub table: Option<ToolAnswer>,
    /// The tool calls as "name {input}".
    pub calls: Vec<String>,
    pub pending: Option<PendingProposal>,
    /// What a confirmed proposal created, in one sentence.
    pub created: Option<String>,
}

/// The model name the offline rules answer with.
const OFFLINE_MODEL: &str = "offline-chat-rules-v1";

/// The place in a proposal's summary (" for unit 101 at Harbor View"), as "101 at Harbor View".
fn unit_label(summary: &str) -> Option<String> {
    let rest = summary.split_once(" for unit ")?.1;
    let end = [",", " ("].iter().filter_map(|m| rest.find(m)).min().unwrap_or(rest.len());
    Some(rest[..end].trim().to_string()).filter(|s| !s.is_empty())
}

impl ChatTurn {
    pub fn of(conversation_id: Uuid, question: String, reply: &ChatMessage) -> ChatTurn {
        let results = reply.tool_results.as_array().cloned().unwrap_or_default();
        let wf::ReplyView { table, calls, created } = wf::reply_view(reply);
        let pending = wf::pending_proposal(reply).map(|(i, proposal)| {
            let summary = results
                .get(i)
                .and_then(|r| r["summary"].as_str())
                .map_or_else(|| format!("{} '{}'", proposal.kind_label(), proposal.title), str::to_string);
            PendingProposal {
                kind: proposal.kind_label().to_string(),
                unit_label: proposal.unit_id.and(unit_label(&summary)),
                when: proposal.when().to_string(),
                summary,
                proposal,
            }
        });
        let provider = if reply.model.starts_with("offline") { "offline" } else { "claude" };
        ChatTurn {
            conversation_id,
            message_id: reply.id,
            question,
            text: reply.content.clone(),
            model: if reply.model.is_empty() { OFFLINE_MODEL.into() } else { reply.model.clone() },
            provider: provider.into(),
            table,
            calls,
            pending,
            created,
        }
    }
}

/// The turns of a conversation's messages: each reply with the question before it.
pub fn turns(conversation_id: Uuid, messages: &[ChatMessage]) -> Vec<ChatTurn> {
    let mut out = Vec::new();
    let mut question = String::new();
    for m in messages {
        match m.role.as_str() {
            "user" => question = m.content.clone(),
            "assistant" => out.push(ChatTurn::of(conversation_id, std::mem::take(&mut question), m)),
            _ => {}
        }
    }
    out
}

/// This user's conversations, most recently used first.
pub fn chat_conversations(s: &AppState) -> CmdResult<Vec<ChatConversation>> {
    Ok(s.store()?.conversations(&actor())?)
}

/// One of this user's conversations, question by question.
pub fn chat_messages(s: &AppState, conversation_id: String) -> CmdResult<Vec<ChatTurn>> {
    let conversation = id(&conversation_id)?;
    let messages = wf::messages(&*s.store()?, conversation, &actor())?;
    Ok(turns(conversation, &messages))
}

/// Asks `question` in conversation `conversation_id`, or in a new one started by it.
pub fn chat_ask(s: &AppState, conversation_id: Option<String>, question: String) -> CmdResult<ChatTurn> {
    let user = actor();
    let now = Utc::now();
    let existing = conversation_id.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(id).transpose()?;
    let mut store = s.store()?;
    let conversation = match existing {
        Some(c) => wf::conversation(&*store, c, &user)?.id,
        None => {
            // Refuse an empty question before a conversation is started for it.
            unitcycle_core::format::check_text("Message", &question, 4000, true)
                .map_err(crate::CommandError::invalid)?;
            wf::create_conversation(&mut *store, Uuid::new_v4(), &user, "", now)?.id
        }
    };
    let (asked, reply) = wf::send_message(&mut *store, &s.gateway, conversation, &user, &question, now, &mut |_| {})?;
    Ok(ChatTurn::of(conversation, asked.content, &reply))
}

/// Creates what reply `message_id` proposed (once: a second confirm is refused).
pub fn chat_confirm(s: &AppState, conversation_id: String, message_id: String) -> CmdResult<ConfirmedAction> {
    let conversation = id(&conversation_id)?;
    let message = id(&message_id)?;
    let mut store = s.store()?;
    Ok(wf::confirm_action(&mut *store, conversation, message, &actor(), None, Utc::now(), action::act_on_replica)?)
}

/// Today's digest (built and stored when the morning job has not run yet).
pub fn chat_digest(s: &AppState) -> CmdResult<DailyDigest> {
    let now = Utc::now();
    Ok(wf::daily_digest(&mut *s.store()?, now.date_naive(), now)?)
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;

    #[test]
    fn a_question_starts_a_conversation_and_its_answer_has_the_table() {
        let (s, _dir) = demo();
        assert!(ops::chat_conversations(&s).unwrap().is_empty());
        let t = ops::chat_ask(&s, None, "open work orders".into()).unwrap();
        assert_eq!((t.question.as_str(), t.provider.as_str()), ("open work orders", "offline"));
        let table = t.table.clone().expect("a table");
        assert_eq!(table.tool, "query_maintenance");
        assert!(!table.rows.is_empty() && table.rows.len() == table.row_ids.len());
        assert!(table.matched >= table.rows.len());
        assert!(t.calls[0].starts_with("query_maintenance {"), "{:?}", t.calls);
        assert!(t.pending.is_none() && t.created.is_none());

        let list = ops::chat_conversations(&s).unwrap();
        assert_eq!((list.len(), list[0].id, list[0].title.as_str()), (1, t.conversation_id, "open work orders"));
        let again = ops::chat_ask(&s, Some(t.conversation_id.to_string()), "vacant units".into()).unwrap();
        assert_eq!(again.conversation_id, t.conversation_id);
        let turns = ops::chat_messages(&s, t.conversation_id.to_string()).unwrap();
        assert_eq!(turns.len(), 2);
        assert_eq!(turns[0], t);
        assert_eq!(turns[1].question, "vacant units");

        assert_eq!(ops::chat_ask(&s, None, "  ".into()).unwrap_err().code, "invalid_input");
        assert_eq!(ops::chat_conversations(&s).unwrap().len(), 1, "no conversation for an empty question");
        assert_eq!(ops::chat_messages(&s, Uuid::new_v4().to_string()).unwrap_err().code, "not_found");
        let d = ops::chat_digest(&s).unwrap();
        assert!(d.highlights.as_array().is_some_and(|h| !h.is_empty()), "{}", d.highlights);
    }

    #[test]
    fn a_reminder_is_proposed_then_created_once_on_confirm() {
        // The desktop's user ("user:…@desktop") is not an address: the reminder goes to the
        // manager's (each test is its own process under nextest).
        std::env::set_var(unitcycle_core::delivery::env::MANAGER_EMAIL, "manager@example.com");
        let (s, _dir) = demo();
        let t = ops::chat_ask(&s, None, "remind me to call the roofer".into()).unwrap();
        let p = t.pending.clone().expect("a proposal");
        assert_eq!((p.kind.as_str(), p.proposal.action_type.as_str()), ("Reminder", "reminder"));
        assert!(p.proposal.title.to_lowercase().contains("call the roofer"), "{}", p.proposal.title);
        assert!(p.summary.contains("emailed to you"), "{}", p.summary);
        assert!(p.when.contains("8:00"), "{}", p.when);
        let c = t.conversation_id.to_string();
        let m = t.message_id.to_string();

        let done = ops::chat_confirm(&s, c.clone(), m.clone()).unwrap();
        assert_eq!(done.action_type, "reminder");
        assert!(done.scheduled_for.is_some() && done.summary.contains("manager@example.com"), "{}", done.summary);
        let e = ops::chat_confirm(&s, c.clone(), m).unwrap_err();
        assert!(e.detail.contains("created already"), "{}", e.detail);

        let turns = ops::chat_messages(&s, c).unwrap();
        assert!(turns[0].pending.is_none());
        assert_eq!(turns[0].created.as_deref(), Some(done.summary.as_str()));
    }

    #[test]
    fn the_unit_of_a_summary_is_named() {
        assert_eq!(
            unit_label("Work order 'Fix' for unit 101 at Harbor View, high priority").as_deref(),
            Some("101 at Harbor View")
        );
        assert_eq!(
            unit_label("Reminder 'x' for unit 2B at Elm (emailed to you tomorrow morning)").as_deref(),
            Some("2B at Elm")
        );
        assert_eq!(unit_label("Reminder 'x' (emailed to you tomorrow morning)"), None);
    }
}
