//! What onboarding reads and writes: one port both stores implement. Every row belongs to its
//! property; the emails and texts a step sends are queued in the transaction of its rows.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{KeyHandoff, KnowledgeEntry, OnboardingChecklist, OnboardingMessage, OnboardingTask};
use crate::outbox::NewMessage;
use crate::store::json_rows::Kind::{self, B, I, J, S, T};
use crate::store::Result;

/// The rows one step writes, all in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OnboardingWrite {
    pub checklists: Vec<OnboardingChecklist>,
    pub tasks: Vec<OnboardingTask>,
    pub messages: Vec<OnboardingMessage>,
    pub keys: Vec<KeyHandoff>,
    pub knowledge: Vec<KnowledgeEntry>,
    pub outbox: Vec<NewMessage>,
}

impl OnboardingWrite {
    pub fn is_empty(&self) -> bool {
        self == &OnboardingWrite::default()
    }
}

pub trait OnboardingPort:
    crate::communications_hub::port::CommunicationsPort + crate::lease_generation::port::LeaseGenerationPort
{
    /// Every checklist in scope, the nearest move-in first.
    fn checklists(&self) -> Result<Vec<OnboardingChecklist>>;
    fn checklist(&self, id: Uuid) -> Result<OnboardingChecklist>;
    fn checklist_for_lease(&self, tenant_lease_id: Uuid) -> Result<Option<OnboardingChecklist>>;
    /// A checklist's tasks in their order.
    fn onboarding_tasks(&self, checklist_id: Uuid) -> Result<Vec<OnboardingTask>>;
    fn onboarding_messages(&self, checklist_id: Uuid) -> Result<Vec<OnboardingMessage>>;
    /// Every key handoff in scope, the latest first.
    fn key_handoffs(&self) -> Result<Vec<KeyHandoff>>;
    fn key_handoff(&self, id: Uuid) -> Result<KeyHandoff>;
    /// A property's knowledge base (retired entries too), by category and question.
    fn knowledge_base(&self, property_id: Uuid) -> Result<Vec<KnowledgeEntry>>;
    fn write_onboarding(&mut self, w: &OnboardingWrite, now: DateTime<Utc>) -> Result<()>;
}

/// `onboarding_checklist`'s columns (the sync registry names the same).
pub const CHECKLIST_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("tenant_lease_id", S),
    ("unit_id", S),
    ("property_id", S),
    ("tenant_id", S),
    ("tenant_name", S),
    ("tenant_email", S),
    ("move_in_date", S),
    ("signed_date", S),
    ("status", S),
    ("total_tasks", I),
    ("completed_tasks", I),
    ("completion_pct", I),
    ("last_activity_at", T),
    ("stalled_since", T),
    ("stall_alert_sent", B),
    ("created_at", T),
    ("updated_at", T),
];

/// `onboarding_task`'s columns.
pub const TASK_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("checklist_id", S),
    ("property_id", S),
    ("task_type", S),
    ("title", S),
    ("description", S),
    ("trigger", S),
    ("due_date", S),
    ("assigned_to", S),
    ("status", S),
    ("document_type", S),
    ("document_url", S),
    ("document_verified", B),
    ("verification", J),
    ("is_required", B),
    ("is_blocking", B),
    ("sort_order", I),
    ("completed_at", T),
    ("updated_at", T),
];

/// `onboarding_message`'s columns.
pub const MESSAGE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("checklist_id", S),
    ("property_id", S),
    ("message_type", S),
    ("channel", S),
    ("subject", S),
    ("content_html", S),
    ("sent_at", T),
    ("opened_at", T),
    ("status", S),
    ("provider", S),
    ("created_at", T),
];

/// `key_handoff`'s columns.
pub const KEY_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("checklist_id", S),
    ("unit_id", S),
    ("property_id", S),
    ("tenant_name", S),
    ("key_type", S),
    ("key_identifier", S),
    ("access_code", S),
    ("quantity", I),
    ("issued_at", T),
    ("returned_at", T),
    ("returned_condition", S),
    ("tenant_acknowledged", B),
    ("status", S),
    ("handled_by", S),
    ("created_at", T),
    ("updated_at", T),
];

/// `property_knowledge_base`'s columns.
pub const KNOWLEDGE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("property_id", S),
    ("category", S),
    ("question", S),
    ("answer", S),
    ("keywords", J),
    ("is_active", B),
    ("created_at", T),
    ("updated_at", T),
];
