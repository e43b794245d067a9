//! The stored rows of the chat (spec 3.3): `chat_conversation`, `chat_message` (tool calls and
//! results kept with the reply) and `daily_digest`. Conversations belong to their user and stay
//! on the device or server that holds them (they are not synced: they quote other properties'
//! figures to whoever asked).

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::store::json_rows::Kind::{self, I, J, S, T};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChatConversation {
    pub id: Uuid,
    pub user_email: String,
    pub title: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChatMessage {
    pub id: Uuid,
    pub conversation_id: Uuid,
    /// `user`, `assistant` or `system`.
    pub role: String,
    pub content: String,
    /// `[{"name", "input"}]`.
    #[schema(value_type = Vec<Object>)]
    pub tool_calls: serde_json::Value,
    /// The tools' answers (rows, totals, sentence) or errors, in call order.
    #[schema(value_type = Vec<Object>)]
    pub tool_results: serde_json::Value,
    pub tokens_used: i32,
    pub model: String,
    pub created_at: DateTime<Utc>,
}

/// `highlights`: `[{"type": "alert|info|success", "text": "…"}]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DailyDigest {
    pub id: Uuid,
    pub digest_date: NaiveDate,
    pub content: String,
    #[schema(value_type = Vec<Object>)]
    pub highlights: serde_json::Value,
    #[schema(value_type = Object)]
    pub metrics: serde_json::Value,
    pub generated_at: DateTime<Utc>,
}

/// A digest's id, derived from its date (one per day).
pub fn digest_id(day: NaiveDate) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("daily_digest:{day}").as_bytes())
}

/// The replica's column lists.
pub fn columns(table: &str) -> Option<&'static [(&'static str, Kind)]> {
    Some(match table {
        "chat_conversation" => &[("id", S), ("user_email", S), ("title", S), ("created_at", T), ("updated_at", T)],
        "chat_message" => &[
            ("id", S),
            ("conversation_id", S),
            ("role", S),
            ("content", S),
            ("tool_calls", J),
            ("tool_results", J),
            ("tokens_used", I),
            ("model", S),
            ("created_at", T),
        ],
        "daily_digest" => {
            &[("id", S), ("digest_date", S), ("content", S), ("highlights", J), ("metrics", J), ("generated_at", T)]
        }
        _ => return None,
    })
}
