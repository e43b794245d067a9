//! The spec's 4.6 rows as stored and synced: `onboarding_checklist` (one per tenant lease),
//! `onboarding_task`, `onboarding_message`, `key_handoff` and `property_knowledge_base`. Each
//! carries its property so it syncs by property; a task and a message also carry their checklist.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `onboarding_checklist.status`.
pub const CHECKLIST_STATUSES: &[&str] =
    &["pending", "in_progress", "move_in_day", "first_week", "completed", "stalled"];

/// `onboarding_task.task_type`.
pub const TASK_TYPES: &[&str] = &[
    "welcome_email",
    "portal_setup",
    "insurance_collection",
    "utility_setup_guide",
    "parking_registration",
    "pet_registration",
    "key_handoff",
    "move_in_inspection",
    "autopay_enrollment",
    "emergency_contacts",
    "maintenance_walkthrough",
    "community_info",
    "satisfaction_checkin",
    "document_collection",
    "custom",
];

/// `onboarding_task.trigger`, with its offset in days from the move-in date (`on_lease_sign` is
/// the signing date itself).
pub const TRIGGERS: &[(&str, i64)] = &[
    ("on_lease_sign", 0),
    ("pre_move_in_7d", -7),
    ("pre_move_in_3d", -3),
    ("on_move_in", 0),
    ("post_move_in_1d", 1),
    ("post_move_in_3d", 3),
    ("post_move_in_7d", 7),
    ("post_move_in_30d", 30),
];

/// `onboarding_task.assigned_to`.
pub const ASSIGNEES: &[&str] = &["system", "tenant", "manager"];

/// `onboarding_task.status`.
pub const TASK_STATUSES: &[&str] = &["pending", "scheduled", "sent", "completed", "skipped"];

/// `onboarding_message.channel`.
pub const MESSAGE_CHANNELS: &[&str] = &["email", "sms", "push", "in_app"];

/// `onboarding_message.status`.
pub const MESSAGE_STATUSES: &[&str] = &["queued", "sent", "delivered", "opened", "bounced"];

/// `key_handoff.key_type`.
pub const KEY_TYPES: &[&str] =
    &["physical_unit_key", "mailbox_key", "fob", "garage_remote", "digital_smart_lock", "gate_code"];

/// `key_handoff.status`.
pub const KEY_STATUSES: &[&str] = &["pending", "issued", "active", "returned", "lost"];

/// `property_knowledge_base.category`.
pub const KB_CATEGORIES: &[&str] =
    &["parking", "amenities", "maintenance", "policies", "utilities", "neighborhood", "safety", "emergency", "faq"];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OnboardingChecklist {
    pub id: Uuid,
    /// The tenant lease (`leases.id`) this checklist onboards: one checklist per lease.
    pub tenant_lease_id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub tenant_id: Uuid,
    pub tenant_name: String,
    pub tenant_email: String,
    pub move_in_date: NaiveDate,
    /// The day the lease was signed (the `on_lease_sign` trigger's date).
    pub signed_date: NaiveDate,
    pub status: String,
    pub total_tasks: i32,
    pub completed_tasks: i32,
    pub completion_pct: i32,
    pub last_activity_at: Option<DateTime<Utc>>,
    pub stalled_since: Option<DateTime<Utc>>,
    pub stall_alert_sent: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OnboardingTask {
    pub id: Uuid,
    pub checklist_id: Uuid,
    pub property_id: Uuid,
    pub task_type: String,
    pub title: String,
    pub description: String,
    pub trigger: String,
    /// The day the trigger falls on (from the move-in or signing date).
    pub due_date: NaiveDate,
    pub assigned_to: String,
    pub status: String,
    pub document_type: String,
    /// Where the uploaded document is kept (a blob key on this device's store).
    pub document_url: String,
    pub document_verified: bool,
    /// The last verification's findings (the spec's document-verification answer).
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub verification: Value,
    pub is_required: bool,
    pub is_blocking: bool,
    pub sort_order: i32,
    pub completed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OnboardingMessage {
    pub id: Uuid,
    pub checklist_id: Uuid,
    pub property_id: Uuid,
    pub message_type: String,
    pub channel: String,
    pub subject: String,
    pub content_html: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    pub status: String,
    /// Who wrote it: `system`, `offline` (the rules) or a model, or a person's login.
    pub provider: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct KeyHandoff {
    pub id: Uuid,
    pub checklist_id: Option<Uuid>,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub tenant_name: String,
    pub key_type: String,
    pub key_identifier: String,
    pub access_code: String,
    pub quantity: i32,
    pub issued_at: Option<DateTime<Utc>>,
    pub returned_at: Option<DateTime<Utc>>,
    pub returned_condition: String,
    pub tenant_acknowledged: bool,
    pub status: String,
    /// Who handed the keys over (or took them back).
    pub handled_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One `property_knowledge_base` entry: a question a tenant asks and the property's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct KnowledgeEntry {
    pub id: Uuid,
    pub property_id: Uuid,
    pub category: String,
    pub question: String,
    pub answer: String,
    pub keywords: Vec<String>,
    pub is_active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
