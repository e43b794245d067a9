//! The spec's 5.2 rows as stored and synced: `prospect`, `showing`, `showing_feedback`,
//! `showing_slot_config` and `nurture_message`. Every row carries its property so it syncs by
//! property; a showing also carries the listing's unit.

use chrono::{DateTime, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `showing.showing_type`.
pub const SHOWING_TYPES: &[&str] = &["guided", "self_guided", "virtual"];

/// `showing.status`.
pub const SHOWING_STATUSES: &[&str] = &["scheduled", "confirmed", "in_progress", "completed", "no_show", "cancelled"];

/// The statuses of a showing that still holds its slot.
pub const ACTIVE_STATUSES: &[&str] = &["scheduled", "confirmed", "in_progress"];

/// `prospect.nurture_stage`.
pub const NURTURE_STAGES: &[&str] = &["new", "engaged", "touring", "applied", "lost"];

/// `showing.conversion_outcome` (empty until known).
pub const CONVERSION_OUTCOMES: &[&str] = &["applied", "not_interested", "still_considering", "no_response"];

/// `showing_feedback.price_perception` (empty when not given).
pub const PRICE_PERCEPTIONS: &[&str] = &["great_value", "fair", "too_high"];

/// `nurture_message.message_type`.
pub const MESSAGE_TYPES: &[&str] = &["interest_followup", "urgency", "price_drop", "similar_unit"];

/// `nurture_message.channel`.
pub const CHANNELS: &[&str] = &["email", "sms"];

/// `SHOWING_MAX_PER_DAY`: the default of `showing_slot_config.max_per_day`.
pub const SHOWING_MAX_PER_DAY: i32 = 8;

/// `SHOWING_ACCESS_CODE_DURATION_MINUTES`: how long a self-guided access code works.
pub const SHOWING_ACCESS_CODE_DURATION_MINUTES: i64 = 60;

/// A prospective tenant who has expressed interest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Prospect {
    pub id: Uuid,
    /// `listing.id` (5.1) the prospect asked about, if any.
    pub listing_id: Option<Uuid>,
    pub property_id: Uuid,
    /// The `listing_lead` the prospect was made from, if any.
    pub listing_lead_id: Option<Uuid>,
    pub name: String,
    pub email: String,
    pub phone: String,
    /// `{"income_range", "move_in_date", "pets", "occupants", "employment"}` as given.
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub pre_screening: Value,
    pub identity_verified: bool,
    /// The uploaded government ID (`blob:<sha256>`).
    pub id_document_url: String,
    /// The uploaded selfie (`blob:<sha256>`).
    pub selfie_url: String,
    /// How identity was verified: `documents_on_file` (an ID and a selfie uploaded, to be
    /// matched by a person or a provider) or the reviewer's note; empty until verified.
    pub verification_method: String,
    /// 0-100, copied from the lead (5.1) when made from one.
    pub lead_score: i32,
    /// A-D from the lead (5.1), empty when unknown.
    pub lead_grade: String,
    pub nurture_stage: String,
    /// `screening_application.id` once the prospect applied.
    pub converted_to_application: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A scheduled tour of a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Showing {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub prospect_id: Uuid,
    pub property_id: Uuid,
    pub unit_id: Option<Uuid>,
    pub showing_type: String,
    pub scheduled_at: DateTime<Utc>,
    pub duration_minutes: i32,
    pub access_code: String,
    pub access_code_expires_at: Option<DateTime<Utc>>,
    pub status: String,
    /// 0.0-1.0, from `NO_SHOW_PREDICTION_FACTORS`.
    pub no_show_risk_score: f64,
    /// The factors behind the score (each with its weight, value and how it was derived).
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<super::risk::RiskFactor>)]
    pub no_show_risk_factors: Value,
    pub reminder_24h_sent: bool,
    pub reminder_2h_sent: bool,
    pub reminder_30m_sent: bool,
    pub conversion_outcome: String,
    pub confirmed_at: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When the post-tour feedback survey was sent (once per showing).
    #[serde(default)]
    pub feedback_survey_sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Showing {
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.scheduled_at + chrono::Duration::minutes(i64::from(self.duration_minutes))
    }

    pub fn is_active(&self) -> bool {
        ACTIVE_STATUSES.contains(&self.status.as_str())
    }
}

/// One theme of a piece of feedback.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Theme {
    pub theme: String,
    /// `positive`, `negative` or `neutral`.
    pub sentiment: String,
    pub count: i32,
    #[serde(default)]
    pub detail: String,
}

/// Post-tour feedback from a prospect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ShowingFeedback {
    pub id: Uuid,
    pub showing_id: Uuid,
    pub listing_id: Uuid,
    pub property_id: Uuid,
    /// 1-5.
    pub overall_rating: i32,
    pub liked: Vec<String>,
    pub disliked: Vec<String>,
    pub comments: String,
    /// -1.0 to 1.0.
    pub sentiment_score: f64,
    pub key_themes: Vec<Theme>,
    pub would_apply: Option<bool>,
    pub price_perception: String,
    /// The analysis beside the themes: improvements, apply likelihood, follow-up approach and
    /// who wrote it (`offline` or `claude`).
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub analysis: Value,
    pub created_at: DateTime<Utc>,
}

/// Configurable time slots per property and day of week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ShowingSlotConfig {
    pub id: Uuid,
    pub property_id: Uuid,
    /// 0 = Monday … 6 = Sunday.
    pub day_of_week: i32,
    /// Local time at the property.
    #[schema(value_type = String, example = "09:00:00")]
    pub start_time: NaiveTime,
    #[schema(value_type = String, example = "18:00:00")]
    pub end_time: NaiveTime,
    pub max_per_day: i32,
    pub slot_duration_minutes: i32,
    pub is_self_guided_allowed: bool,
    pub updated_at: DateTime<Utc>,
}

/// An automated follow-up message to a prospect.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NurtureMessage {
    pub id: Uuid,
    pub prospect_id: Uuid,
    pub property_id: Uuid,
    /// The completed showing it follows.
    pub showing_id: Option<Uuid>,
    pub message_type: String,
    pub subject: String,
    pub content: String,
    pub channel: String,
    /// `offline` or the model that wrote it.
    pub provider: String,
    /// When it was queued in the outbox.
    pub sent_at: Option<DateTime<Utc>>,
    pub opened_at: Option<DateTime<Utc>>,
    pub clicked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// What showings read of a 5.1 `listing`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ListingRef {
    pub id: Uuid,
    pub unit_id: Option<Uuid>,
    pub property_id: Uuid,
    pub title: String,
    pub status: String,
    #[schema(value_type = Option<String>)]
    pub asking_rent: Option<rust_decimal::Decimal>,
}

/// What showings read of a 5.1 `listing_lead`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeadRef {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub property_id: Uuid,
    pub prospect_name: String,
    pub email: String,
    pub phone: String,
    pub lead_score: i32,
    pub lead_grade: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}
