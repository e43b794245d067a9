//! What screening reads and writes: one port both stores implement. An application belongs to
//! its unit's property; a message to the applicant (the adverse action notice) is queued in the
//! transaction of the decision.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::ScreeningApplication;
use crate::outbox::NewMessage;
use crate::port::Records;
use crate::store::json_rows::Kind::{self, B, I, J, R, S, T};
use crate::store::Result;

pub trait ScreeningPort: Records {
    /// Every application in scope, newest first.
    fn applications(&self) -> Result<Vec<ScreeningApplication>>;
    fn application(&self, id: Uuid) -> Result<ScreeningApplication>;
    /// Writes the applications and queues the messages, in one transaction.
    fn write_applications(
        &mut self,
        apps: &[ScreeningApplication],
        messages: &[NewMessage],
        now: DateTime<Utc>,
    ) -> Result<()>;
}

/// The replica's column list of `screening_application` (the sync registry names the same).
pub const COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("unit_id", S),
    ("property_id", S),
    ("first_name", S),
    ("last_name", S),
    ("email", S),
    ("phone", S),
    ("date_of_birth", S),
    ("ssn_last_four", S),
    ("employer_name", S),
    ("employer_phone", S),
    ("job_title", S),
    ("monthly_income", S),
    ("employment_start_date", S),
    ("income_verification_type", S),
    ("previous_address", S),
    ("previous_landlord_name", S),
    ("previous_landlord_phone", S),
    ("previous_rent", S),
    ("previous_lease_duration_months", I),
    ("reason_for_leaving", S),
    ("eviction_history", B),
    ("num_occupants", I),
    ("has_pets", B),
    ("pet_details", S),
    ("ai_score", R),
    ("ai_recommendation", S),
    ("ai_reasoning", S),
    ("ai_risk_factors", J),
    ("income_score", R),
    ("employment_score", R),
    ("rental_history_score", R),
    ("credit_score_band", S),
    ("status", S),
    ("reviewed_by", S),
    ("reviewed_at", T),
    ("decision_notes", S),
    ("documents", J),
    ("created_at", T),
    ("updated_at", T),
];
