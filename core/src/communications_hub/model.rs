//! The spec's 5.3 rows as stored and synced: `tenant_conversation` (a thread with a tenant on one
//! channel, carrying its property so it syncs by property) and `tenant_message`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `tenant_conversation.channel`.
pub const CHANNELS: &[&str] = &["sms", "email", "whatsapp", "in_app"];

/// `tenant_conversation.status`.
pub const STATUSES: &[&str] = &["active", "waiting_staff", "waiting_tenant", "resolved", "archived"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TenantConversation {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub property_id: Uuid,
    pub channel: String,
    pub status: String,
    pub category: String,
    pub urgency: String,
    pub sentiment_score: f64,
    pub ai_auto_responded: bool,
    pub assigned_to: String,
    pub escalated: bool,
    pub escalation_reason: String,
    pub last_message_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TenantMessage {
    pub id: Uuid,
    pub conversation_id: Uuid,
    /// `inbound` or `outbound`.
    pub direction: String,
    pub channel: String,
    pub content: String,
    pub is_ai_generated: bool,
    pub is_auto_sent: bool,
    /// `{category, urgency, intent, confidence, sentiment, is_emergency, …}`.
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub ai_classification: Value,
    pub sentiment: f64,
    pub suggested_response: String,
    /// Who wrote an outbound message (a person's login, or `auto-response`).
    pub sent_by: String,
    pub read_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// One `tenant_sentiment_log` row: a tenant's rolling 30-day sentiment on `date`, with the churn
/// prediction and every factor behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SentimentLog {
    pub id: Uuid,
    pub tenant_id: Uuid,
    pub property_id: Uuid,
    pub date: chrono::NaiveDate,
    pub sentiment_score: f64,
    pub message_count: i32,
    pub risk_level: String,
    /// The signals counted and the churn factors (`negative_billing_msgs`, `unresolved_maintenance`, …).
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub contributing_factors: Value,
    pub churn_probability: f64,
}
