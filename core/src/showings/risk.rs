//! No-show risk (spec 5.2 `NO_SHOW_PREDICTION_FACTORS`): `risk = Σ weight × factor`, each
//! factor 0.0 (no risk) to 1.0, and the level from the spec's thresholds (low < 0.2, medium
//! < 0.5, high ≥ 0.5: consider overbooking the slot). Each factor comes only from the record:
//!
//! - `historical_attendance` (0.30): the prospect's earlier showings that ended, no-shows over
//!   (completed + no-shows); with none, 0.5 (no history either way).
//! - `engagement_signals` (0.25): 1.0 less 0.6 when the showing is confirmed, 0.2 when the
//!   prospect verified their identity, 0.2 when they opened or clicked a nurture message.
//! - `distance_estimate` (0.15): `pre_screening.distance_miles` over 50 (capped at 1.0) when
//!   given; the record holds no prospect address otherwise, so 0.5 (unknown, neutral).
//! - `response_speed` (0.15): the time from the inquiry (the lead's, else the prospect's
//!   creation) to the booking: 24 hours or less 0.0, 7 days or more 1.0, linear between.
//! - `lead_quality` (0.15): the 5.1 lead grade A 0.0, B 0.33, C 0.67, D 1.0; without a grade,
//!   1 − lead_score/100 when a score is on record, else 0.5.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The spec's weights, in its order.
pub const NO_SHOW_PREDICTION_FACTORS: [(&str, f64); 5] = [
    ("historical_attendance", 0.30),
    ("engagement_signals", 0.25),
    ("distance_estimate", 0.15),
    ("response_speed", 0.15),
    ("lead_quality", 0.15),
];

/// What the factors are read from.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RiskInput {
    /// Earlier showings of the prospect that were completed.
    pub past_completed: u32,
    /// Earlier showings of the prospect that were no-shows.
    pub past_no_shows: u32,
    pub confirmed: bool,
    pub identity_verified: bool,
    pub opened_nurture: bool,
    pub distance_miles: Option<f64>,
    /// When the prospect first asked (the lead's time, else the prospect's).
    pub inquiry_at: Option<DateTime<Utc>>,
    /// When the showing was booked.
    pub booked_at: Option<DateTime<Utc>>,
    pub lead_grade: String,
    pub lead_score: i32,
}

/// One factor with its weight, value (0.0-1.0), weighted contribution and how it was derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RiskFactor {
    pub factor: String,
    pub weight: f64,
    pub value: f64,
    pub contribution: f64,
    pub detail: String,
}

/// The score with its factors and level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Risk {
    pub score: f64,
    /// `low`, `medium` or `high`.
    pub level: String,
    pub factors: Vec<RiskFactor>,
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// `low` below 0.2, `medium` below 0.5, `high` from 0.5.
pub fn level(score: f64) -> &'static str {
    if score < 0.2 {
        "low"
    } else if score < 0.5 {
        "medium"
    } else {
        "high"
    }
}

/// What a level suggests for the slot.
pub fn advice(level: &str) -> &'static str {
    match level {
        "high" => "High risk: confirm again and consider overbooking the slot",
        "medium" => "Medium risk: make sure the reminders reach them",
        _ => "Low risk",
    }
}

fn historical(i: &RiskInput) -> (f64, String) {
    let ended = i.past_completed + i.past_no_shows;
    if ended == 0 {
        return (0.5, "No earlier showings: neutral 0.5".into());
    }
    (
        f64::from(i.past_no_shows) / f64::from(ended),
        format!("{} no-show(s) in {ended} earlier showing(s)", i.past_no_shows),
    )
}

fn engagement(i: &RiskInput) -> (f64, String) {
    let mut v: f64 = 1.0;
    let mut seen = Vec::new();
    if i.confirmed {
        v -= 0.6;
        seen.push("confirmed");
    }
    if i.identity_verified {
        v -= 0.2;
        seen.push("identity verified");
    }
    if i.opened_nurture {
        v -= 0.2;
        seen.push("opened a follow-up");
    }
    let detail = if seen.is_empty() { "Not confirmed, no other engagement on record".into() } else { seen.join(", ") };
    (v.clamp(0.0, 1.0), detail)
}

fn distance(i: &RiskInput) -> (f64, String) {
    match i.distance_miles {
        Some(m) if m.is_finite() && m >= 0.0 => ((m / 50.0).min(1.0), format!("{m:.0} miles away (given)")),
        _ => (0.5, "Distance unknown (no prospect address on record): neutral 0.5".into()),
    }
}

fn speed(i: &RiskInput) -> (f64, String) {
    let (Some(asked), Some(booked)) = (i.inquiry_at, i.booked_at) else {
        return (0.5, "Inquiry time unknown: neutral 0.5".into());
    };
    let hours = (booked - asked).num_minutes().max(0) as f64 / 60.0;
    let v = ((hours - 24.0) / (24.0 * 6.0)).clamp(0.0, 1.0);
    (v, format!("Booked {hours:.0} h after the inquiry"))
}

fn quality(i: &RiskInput) -> (f64, String) {
    match i.lead_grade.trim().to_uppercase().as_str() {
        "A" => (0.0, "Lead grade A".into()),
        "B" => (0.33, "Lead grade B".into()),
        "C" => (0.67, "Lead grade C".into()),
        "D" => (1.0, "Lead grade D".into()),
        _ if i.lead_score > 0 => {
            (1.0 - f64::from(i.lead_score.min(100)) / 100.0, format!("Lead score {} (no grade)", i.lead_score))
        }
        _ => (0.5, "No lead grade or score: neutral 0.5".into()),
    }
}

/// The no-show risk of a showing.
pub fn no_show_risk(i: &RiskInput) -> Risk {
    let values = [historical(i), engagement(i), distance(i), speed(i), quality(i)];
    let factors: Vec<RiskFactor> = NO_SHOW_PREDICTION_FACTORS
        .iter()
        .zip(values)
        .map(|((name, weight), (value, detail))| RiskFactor {
            factor: (*name).into(),
            weight: *weight,
            value: round3(value),
            contribution: round3(weight * value),
            detail,
        })
        .collect();
    let score = round3(factors.iter().map(|f| f.weight * f.value).sum::<f64>().clamp(0.0, 1.0));
    Risk { score, level: level(score).into(), factors }
}
