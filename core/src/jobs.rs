//! Jobs: load inputs from a store, call the pure functions, write the results in one
//! transaction and record the run. Every job is idempotent for a given `today`.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::lifecycle::{self, Transition};
use crate::model::LeaseStatus;
use crate::store::{self, Result, Store};

/// The jobs this build knows, with the spec's schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// `tenants.classify_lease_statuses`, daily at 02:00 UTC.
    ClassifyLeaseStatuses,
    /// `tenants.initial_lease_reclassification`, one-time.
    InitialReclassification,
    /// `portfolio.generate_ai_action_queue`, daily at 02:00 UTC after the classification.
    AiActionQueue,
    /// `renewals.nightly_renewal_scan`, daily at 03:00 UTC.
    RenewalScan,
    /// `collections.daily_collections_scan`, daily at 08:00 UTC.
    CollectionsScan,
    /// `collections.escalation_engine`, every 4 hours at :30.
    EscalationEngine,
}

impl Job {
    pub const ALL: &'static [Job] = &[
        Job::ClassifyLeaseStatuses,
        Job::InitialReclassification,
        Job::AiActionQueue,
        Job::RenewalScan,
        Job::CollectionsScan,
        Job::EscalationEngine,
    ];

    /// The name used by `unitcycle jobs run <name>` and in `job_run.job_name`.
    pub fn name(self) -> &'static str {
        match self {
            Job::ClassifyLeaseStatuses => "lifecycle-classify",
            Job::InitialReclassification => "initial-reclassification",
            Job::AiActionQueue => "ai-action-queue",
            Job::RenewalScan => "renewal-scan",
            Job::CollectionsScan => "collections-scan",
            Job::EscalationEngine => "collections-escalation",
        }
    }

    /// The spec's task name, accepted as an alias.
    pub fn spec_name(self) -> &'static str {
        match self {
            Job::ClassifyLeaseStatuses => "tenants.classify_lease_statuses",
            Job::InitialReclassification => "tenants.initial_lease_reclassification",
            Job::AiActionQueue => "portfolio.generate_ai_action_queue",
            Job::RenewalScan => "renewals.nightly_renewal_scan",
            Job::CollectionsScan => "collections.daily_collections_scan",
            Job::EscalationEngine => "collections.escalation_engine",
        }
    }

    /// When the central server runs it (UTC), `None` for one-time jobs.
    pub fn schedule(self) -> Option<&'static str> {
        match self {
            Job::ClassifyLeaseStatuses => Some("daily 02:00"),
            Job::InitialReclassification => None,
            Job::AiActionQueue => Some("daily 02:00, after lifecycle-classify"),
            Job::RenewalScan => Some("daily 03:00"),
            Job::CollectionsScan => Some("daily 08:00"),
            Job::EscalationEngine => Some("every 4 hours at :30"),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Job::ClassifyLeaseStatuses => {
                "Move expired active leases to month-to-month and past-move-out notices to vacant"
            }
            Job::InitialReclassification => "One-time: reclassify expired leases still marked active",
            Job::AiActionQueue => "Generate the command center's AI action recommendations per unit",
            Job::RenewalScan => {
                "Score churn and recommend renewal rent and letters for leases ending in 30-120 days or MTM"
            }
            Job::CollectionsScan => {
                "Charge late fees, open collection cases for overdue balances, refresh and close cases"
            }
            Job::EscalationEngine => "Advance open collection cases to the step their days overdue call for",
        }
    }

    pub fn parse(name: &str) -> Option<Job> {
        let name = name.trim();
        Job::ALL
            .iter()
            .copied()
            .find(|j| j.name() == name || j.spec_name() == name || j.spec_name().ends_with(&format!(".{name}")))
    }
}

/// What a job run did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct JobReport {
    pub job: &'static str,
    pub run_date: NaiveDate,
    pub summary: String,
    pub counts: serde_json::Value,
    /// True when the job had already done its work and changed nothing.
    pub skipped: bool,
}

/// Runs a job with the AI gateway configured from the environment (Claude when
/// `ANTHROPIC_API_KEY` is set, the offline provider otherwise).
pub fn run(store: &mut Store, job: Job, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    run_with(store, job, today, now, &crate::ai::Gateway::from_env())
}

/// Runs a job against a replica for `today`, recording the run in `job_run`.
pub fn run_with(
    store: &mut Store,
    job: Job,
    today: NaiveDate,
    now: DateTime<Utc>,
    gateway: &crate::ai::Gateway,
) -> Result<JobReport> {
    let run_id = store.start_job_run(job.name(), today, now)?;
    let outcome = match job {
        Job::ClassifyLeaseStatuses => classify_lease_statuses(store, today, now),
        Job::InitialReclassification => initial_reclassification(store, today, now),
        Job::AiActionQueue => crate::command_center_jobs::ai_action_queue(store, gateway, today, now),
        Job::RenewalScan => crate::renewals_jobs::renewal_scan(store, gateway, today, now),
        Job::CollectionsScan => crate::collections_jobs::collections_scan(store, today, now),
        Job::EscalationEngine => crate::collections_jobs::escalation_engine(store, gateway, today, now),
    };
    match &outcome {
        Ok(report) => store.finish_job_run(run_id, true, &report.summary, &report.counts, now)?,
        Err(e) => store.finish_job_run(run_id, false, &e.to_string(), &serde_json::json!({}), now)?,
    }
    outcome
}

fn apply_all(store: &mut Store, transitions: &[Transition], now: DateTime<Utc>) -> Result<()> {
    store.transaction(|tx| {
        for t in transitions {
            store::apply_transition(tx, t, now)?;
        }
        Ok(())
    })
}

fn counts(transitions: &[Transition]) -> serde_json::Value {
    let to = |s: LeaseStatus| transitions.iter().filter(|t| t.to == s).count();
    serde_json::json!({
        "to_month_to_month": to(LeaseStatus::MonthToMonth),
        "to_vacant": to(LeaseStatus::Vacant),
    })
}

/// The daily 02:00 classification (spec `classify_lease_statuses`).
pub fn classify_lease_statuses(store: &mut Store, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    let leases = store.leases_in(&[LeaseStatus::Active, LeaseStatus::Notice])?;
    let transitions: Vec<Transition> = leases.iter().filter_map(|l| lifecycle::classify(l, today)).collect();
    apply_all(store, &transitions, now)?;
    Ok(JobReport {
        job: Job::ClassifyLeaseStatuses.name(),
        run_date: today,
        summary: lifecycle::classify_summary(&transitions),
        counts: counts(&transitions),
        skipped: false,
    })
}

/// The one-time reclassification: runs once per replica; later runs report the first.
pub fn initial_reclassification(store: &mut Store, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    let job = Job::InitialReclassification;
    if let Some(done) = store.last_successful_run(job.name())? {
        return Ok(JobReport {
            job: job.name(),
            run_date: today,
            summary: format!("Already done on {}: {}", done.run_date, done.summary),
            counts: serde_json::json!({"to_month_to_month": 0}),
            skipped: true,
        });
    }
    let leases = store.leases_in(&[LeaseStatus::Active])?;
    let transitions: Vec<Transition> = leases.iter().filter_map(|l| lifecycle::initial_reclassify(l, today)).collect();
    apply_all(store, &transitions, now)?;
    Ok(JobReport {
        job: job.name(),
        run_date: today,
        summary: format!("Reclassified {} expired active leases to month-to-month.", transitions.len()),
        counts: counts(&transitions),
        skipped: false,
    })
}
