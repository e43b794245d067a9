//! What showings read and write: one port both stores implement. Every row belongs to its
//! property; the reminders and nurture messages a step sends are queued in the transaction of
//! its rows. The 5.1 `listing` and `listing_lead` rows are read (and a lead's status set) by SQL
//! on their tables.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{LeadRef, ListingRef, NurtureMessage, Prospect, Showing, ShowingFeedback, ShowingSlotConfig};
use crate::outbox::NewMessage;
use crate::port::Records;
use crate::store::json_rows::Kind::{self, B, I, J, R, S, T};
use crate::store::Result;

/// The rows one step writes, all in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShowingsWrite {
    pub prospects: Vec<Prospect>,
    pub showings: Vec<Showing>,
    pub feedback: Vec<ShowingFeedback>,
    pub slots: Vec<ShowingSlotConfig>,
    pub nurture: Vec<NurtureMessage>,
    /// `listing_lead` ids with their new status (`touring`, `applied`).
    pub lead_statuses: Vec<(Uuid, String)>,
    pub outbox: Vec<NewMessage>,
}

impl ShowingsWrite {
    pub fn is_empty(&self) -> bool {
        self == &ShowingsWrite::default()
    }
}

pub trait ShowingsPort: Records {
    /// Every prospect in scope, the highest lead score first.
    fn prospects(&self) -> Result<Vec<Prospect>>;
    fn prospect(&self, id: Uuid) -> Result<Prospect>;
    /// Every showing in scope, by time.
    fn showings(&self) -> Result<Vec<Showing>>;
    fn showing(&self, id: Uuid) -> Result<Showing>;
    fn showing_feedback(&self) -> Result<Vec<ShowingFeedback>>;
    /// Every slot configuration in scope, by property and day.
    fn slot_configs(&self) -> Result<Vec<ShowingSlotConfig>>;
    /// Every nurture message in scope, the newest first.
    fn nurture_messages(&self) -> Result<Vec<NurtureMessage>>;
    /// A 5.1 listing in scope.
    fn listing_ref(&self, id: Uuid) -> Result<ListingRef>;
    /// Every 5.1 lead in scope.
    fn lead_refs(&self) -> Result<Vec<LeadRef>>;
    fn write_showings(&mut self, w: &ShowingsWrite, now: DateTime<Utc>) -> Result<()>;
}

/// `prospect`'s columns (the sync registry names the same).
pub const PROSPECT_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("listing_id", S),
    ("property_id", S),
    ("listing_lead_id", S),
    ("name", S),
    ("email", S),
    ("phone", S),
    ("pre_screening", J),
    ("identity_verified", B),
    ("id_document_url", S),
    ("selfie_url", S),
    ("verification_method", S),
    ("lead_score", I),
    ("lead_grade", S),
    ("nurture_stage", S),
    ("converted_to_application", S),
    ("created_at", T),
    ("updated_at", T),
];

/// `showing`'s columns.
pub const SHOWING_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("listing_id", S),
    ("prospect_id", S),
    ("property_id", S),
    ("unit_id", S),
    ("showing_type", S),
    ("scheduled_at", T),
    ("duration_minutes", I),
    ("access_code", S),
    ("access_code_expires_at", T),
    ("status", S),
    ("no_show_risk_score", R),
    ("no_show_risk_factors", J),
    ("reminder_24h_sent", B),
    ("reminder_2h_sent", B),
    ("reminder_30m_sent", B),
    ("conversion_outcome", S),
    ("confirmed_at", T),
    ("completed_at", T),
    ("cancelled_at", T),
    ("created_at", T),
    ("updated_at", T),
    ("feedback_survey_sent_at", T),
];

/// `showing_feedback`'s columns.
pub const FEEDBACK_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("showing_id", S),
    ("listing_id", S),
    ("property_id", S),
    ("overall_rating", I),
    ("liked", J),
    ("disliked", J),
    ("comments", S),
    ("sentiment_score", R),
    ("key_themes", J),
    ("would_apply", B),
    ("price_perception", S),
    ("analysis", J),
    ("created_at", T),
];

/// `showing_slot_config`'s columns.
pub const SLOT_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("property_id", S),
    ("day_of_week", I),
    ("start_time", S),
    ("end_time", S),
    ("max_per_day", I),
    ("slot_duration_minutes", I),
    ("is_self_guided_allowed", B),
    ("updated_at", T),
];

/// `nurture_message`'s columns.
pub const NURTURE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("prospect_id", S),
    ("property_id", S),
    ("showing_id", S),
    ("message_type", S),
    ("subject", S),
    ("content", S),
    ("channel", S),
    ("provider", S),
    ("sent_at", T),
    ("opened_at", T),
    ("clicked_at", T),
    ("created_at", T),
];
