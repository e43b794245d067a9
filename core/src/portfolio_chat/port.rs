//! What the chat reads and writes: the portfolio through the ports its tools read, and its own
//! rows. Both stores implement it.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::record::{ChatConversation, ChatMessage, DailyDigest};
use crate::collections::port::CollectionsPort;
use crate::command_center::port::CommandCenterPort;
use crate::store::Result;
use crate::work_orders::port::MaintenancePort;

/// Rows one chat action writes, in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChatWrites {
    pub conversations: Vec<ChatConversation>,
    pub messages: Vec<ChatMessage>,
    pub digests: Vec<DailyDigest>,
}

pub trait ChatPort: CommandCenterPort + MaintenancePort + CollectionsPort {
    /// A user's conversations, most recently used first.
    fn conversations(&self, user_email: &str) -> Result<Vec<ChatConversation>>;
    fn conversation(&self, id: Uuid) -> Result<Option<ChatConversation>>;
    /// A conversation's messages, oldest first.
    fn chat_messages(&self, conversation_id: Uuid) -> Result<Vec<ChatMessage>>;
    fn digest(&self, day: NaiveDate) -> Result<Option<DailyDigest>>;
    fn write_chat(&mut self, w: &ChatWrites, now: DateTime<Utc>) -> Result<()>;
}
