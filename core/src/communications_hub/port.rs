//! What the hub reads and writes: one port both stores implement. A conversation belongs to its
//! tenant's property; the replies it sends (an auto-response, a page to the on-call contact, a
//! staff reply) are queued in the transaction of its rows.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::broadcast::{BroadcastMessage, BroadcastRecipient};
use super::model::{SentimentLog, TenantConversation, TenantMessage};
use crate::model::Tenant;
use crate::outbox::NewMessage;
use crate::store::json_rows::Kind::{self, B, I, J, R, S, T};
use crate::store::Result;

/// The rows one step writes, in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HubWrite {
    pub conversations: Vec<TenantConversation>,
    pub messages: Vec<TenantMessage>,
    pub outbox: Vec<NewMessage>,
    pub sentiment: Vec<SentimentLog>,
    pub broadcasts: Vec<BroadcastMessage>,
    /// Broadcast deliveries (one per broadcast, tenant and channel).
    pub recipients: Vec<BroadcastRecipient>,
}

pub trait CommunicationsPort:
    crate::work_orders::port::MaintenancePort + crate::records::port::RecordsPort + crate::renewals::port::RenewalsPort
{
    /// Every conversation in scope, the latest message first.
    fn conversations(&self) -> Result<Vec<TenantConversation>>;
    fn conversation(&self, id: Uuid) -> Result<TenantConversation>;
    fn conversation_messages(&self, conversation_id: Uuid) -> Result<Vec<TenantMessage>>;
    /// The tenant (not archived) whose email is `address` (any case) or whose phone has the same
    /// last ten digits.
    fn tenant_by_contact(&self, address: &str) -> Result<Option<Tenant>>;
    /// Every sentiment log row in scope, the latest day first.
    fn sentiment_logs(&self) -> Result<Vec<SentimentLog>>;
    /// A property's knowledge base (spec 4.6), which suggests replies to general questions.
    fn property_knowledge(&self, property_id: Uuid) -> Result<Vec<crate::onboarding::model::KnowledgeEntry>>;
    /// Every broadcast in scope (a portfolio-wide one too), the newest first.
    fn broadcasts(&self) -> Result<Vec<BroadcastMessage>>;
    fn broadcast(&self, id: Uuid) -> Result<BroadcastMessage>;
    /// A broadcast's deliveries in scope, by tenant and channel.
    fn broadcast_recipients(&self, broadcast_id: Uuid) -> Result<Vec<BroadcastRecipient>>;
    fn write_hub(&mut self, w: &HubWrite, now: DateTime<Utc>) -> Result<()>;
}

/// `tenant_conversation`'s columns (the sync registry names the same).
pub const CONVERSATION_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("tenant_id", S),
    ("unit_id", S),
    ("property_id", S),
    ("channel", S),
    ("status", S),
    ("category", S),
    ("urgency", S),
    ("sentiment_score", R),
    ("ai_auto_responded", B),
    ("assigned_to", S),
    ("escalated", B),
    ("escalation_reason", S),
    ("last_message_at", T),
    ("created_at", T),
    ("updated_at", T),
];

/// `tenant_message`'s columns.
pub const MESSAGE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("conversation_id", S),
    ("direction", S),
    ("channel", S),
    ("content", S),
    ("is_ai_generated", B),
    ("is_auto_sent", B),
    ("ai_classification", J),
    ("sentiment", R),
    ("suggested_response", S),
    ("sent_by", S),
    ("read_at", T),
    ("created_at", T),
];

/// The last ten digits of a phone number (how an SMS sender is matched to a tenant).
pub fn phone_key(phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    digits[digits.len().saturating_sub(10)..].to_string()
}

/// `tenant_sentiment_log`'s columns.
pub const SENTIMENT_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("tenant_id", S),
    ("property_id", S),
    ("date", S),
    ("sentiment_score", R),
    ("message_count", I),
    ("risk_level", S),
    ("contributing_factors", J),
    ("churn_probability", R),
];

/// `communication_template`'s columns (shipped rows, written when a store opens).
pub const TEMPLATE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("name", S),
    ("category", S),
    ("channel", S),
    ("content", S),
    ("variables", J),
    ("auto_send", B),
    ("trigger_intent", S),
    ("created_at", T),
];

/// `broadcast_message`'s columns.
pub const BROADCAST_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("property_id", S),
    ("title", S),
    ("content", S),
    ("channels", J),
    ("recipient_filter", J),
    ("recipient_count", I),
    ("sent_count", I),
    ("read_count", I),
    ("status", S),
    ("sent_at", T),
    ("created_by", S),
    ("created_at", T),
    ("updated_at", T),
];

/// `broadcast_recipient`'s columns.
pub const RECIPIENT_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("broadcast_id", S),
    ("tenant_id", S),
    ("property_id", S),
    ("unit_id", S),
    ("channel", S),
    ("address", S),
    ("status", S),
    ("content", S),
    ("outbox_message_key", S),
    ("error", S),
    ("sent_at", T),
    ("created_at", T),
    ("updated_at", T),
];
