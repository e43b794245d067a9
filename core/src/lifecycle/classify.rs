//! The 02:00 classification (spec `tenants.classify_lease_statuses`) and the one-time
//! reclassification, written once over [`LifecyclePort`].

use chrono::{DateTime, NaiveDate, Utc};

use super::port::LifecyclePort;
use super::Transition;
use crate::jobs::{Job, JobReport};
use crate::model::LeaseStatus;
use crate::store::Result;

fn counts(transitions: &[Transition]) -> serde_json::Value {
    let to = |s: LeaseStatus| transitions.iter().filter(|t| t.to == s).count();
    serde_json::json!({
        "to_month_to_month": to(LeaseStatus::MonthToMonth),
        "to_vacant": to(LeaseStatus::Vacant),
    })
}

/// Moves expired active leases to month-to-month and notices past their move-out to vacant,
/// each lease on its property's local date at `now` (`crate::time::Days`; `today` is the run's
/// UTC date).
pub fn classify_lease_statuses<P: LifecyclePort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<JobReport> {
    let days = crate::time::Days::of_port(port, today, now)?;
    let leases = port.leases_in_states(&[LeaseStatus::Active, LeaseStatus::Notice])?;
    let transitions: Vec<Transition> =
        leases.iter().filter_map(|l| super::classify(l, days.of(l.property_id))).collect();
    port.write_transitions(&transitions, now)?;
    Ok(JobReport {
        job: Job::ClassifyLeaseStatuses.name(),
        run_date: today,
        summary: super::classify_summary(&transitions),
        counts: counts(&transitions),
        skipped: false,
    })
}

/// Reclassifies expired leases still marked active (the one-time job; the runner makes sure it
/// runs once).
pub fn initial_reclassification<P: LifecyclePort + ?Sized>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<JobReport> {
    let days = crate::time::Days::of_port(port, today, now)?;
    let leases = port.leases_in_states(&[LeaseStatus::Active])?;
    let transitions: Vec<Transition> =
        leases.iter().filter_map(|l| super::initial_reclassify(l, days.of(l.property_id))).collect();
    port.write_transitions(&transitions, now)?;
    Ok(JobReport {
        job: Job::InitialReclassification.name(),
        run_date: today,
        summary: format!("Reclassified {} expired active leases to month-to-month.", transitions.len()),
        counts: counts(&transitions),
        skipped: false,
    })
}
