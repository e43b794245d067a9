//! The conversion funnel (spec 5.2 `GET /api/v1/showings/funnel/`) over the last 30 days: leads
//! (5.1 `listing_lead` rows received), tours booked (showings made in the period, cancelled
//! ones left out), completed, no-shows, feedback, applications (showings whose outcome is
//! `applied`), the rates between them, and the same per showing type.
//! `no_show_rate` = no-shows / tours booked; `lead_to_tour_rate` = tours booked / leads;
//! `tour_to_apply_rate` = applications / tours completed; `overall_conversion_rate` =
//! applications / leads; a rate over nothing is 0.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::model::{LeadRef, Showing, ShowingFeedback, SHOWING_TYPES};

/// One showing type's counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TypeCounts {
    pub scheduled: i64,
    pub completed: i64,
    pub no_show: i64,
    pub applied: i64,
}

/// The spec's funnel answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Funnel {
    pub period: String,
    pub leads: i64,
    pub tours_scheduled: i64,
    pub tours_completed: i64,
    pub no_shows: i64,
    pub no_show_rate: f64,
    pub feedback_submitted: i64,
    pub applications: i64,
    pub lead_to_tour_rate: f64,
    pub tour_to_apply_rate: f64,
    pub overall_conversion_rate: f64,
    pub avg_no_show_risk_score: f64,
    /// `guided`, `self_guided`, `virtual`.
    pub by_type: BTreeMap<String, TypeCounts>,
}

fn rate(a: i64, b: i64) -> f64 {
    if b == 0 {
        0.0
    } else {
        ((a as f64 / b as f64) * 1000.0).round() / 1000.0
    }
}

/// The funnel at `now` over `leads`, `showings` and `feedback` (already filtered to the
/// caller's listings or properties).
pub fn funnel(leads: &[LeadRef], showings: &[Showing], feedback: &[ShowingFeedback], now: DateTime<Utc>) -> Funnel {
    let since = now - Duration::days(30);
    let leads = leads.iter().filter(|l| l.created_at >= since && l.created_at <= now).count() as i64;
    let tours: Vec<&Showing> =
        showings.iter().filter(|s| s.created_at >= since && s.created_at <= now && s.status != "cancelled").collect();
    let mut by_type: BTreeMap<String, TypeCounts> =
        SHOWING_TYPES.iter().map(|t| ((*t).to_string(), TypeCounts::default())).collect();
    for s in &tours {
        let c = by_type.entry(s.showing_type.clone()).or_default();
        c.scheduled += 1;
        c.completed += i64::from(s.status == "completed");
        c.no_show += i64::from(s.status == "no_show");
        c.applied += i64::from(s.conversion_outcome == "applied");
    }
    let sum = |f: fn(&TypeCounts) -> i64| by_type.values().map(f).sum::<i64>();
    let (scheduled, completed, no_shows, applications) =
        (tours.len() as i64, sum(|c| c.completed), sum(|c| c.no_show), sum(|c| c.applied));
    let feedback_submitted = feedback.iter().filter(|f| tours.iter().any(|s| s.id == f.showing_id)).count() as i64;
    let avg_risk = if tours.is_empty() {
        0.0
    } else {
        ((tours.iter().map(|s| s.no_show_risk_score).sum::<f64>() / tours.len() as f64) * 1000.0).round() / 1000.0
    };
    Funnel {
        period: "last_30_days".into(),
        leads,
        tours_scheduled: scheduled,
        tours_completed: completed,
        no_shows,
        no_show_rate: rate(no_shows, scheduled),
        feedback_submitted,
        applications,
        lead_to_tour_rate: rate(scheduled, leads),
        tour_to_apply_rate: rate(applications, completed),
        overall_conversion_rate: rate(applications, leads),
        avg_no_show_risk_score: avg_risk,
        by_type,
    }
}
