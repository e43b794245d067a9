//! The server's schedule: the job registry's cron times (`unitcycle_core::jobs::JOBS`), the
//! 02:00 lifecycle classification and then the AI action queue, the 03:00 renewal scan, the 08:00
//! collections scan, the escalation engine every 4 hours at :30 and the rent job every hour (each
//! property's rent falls due at its local midnight). Any number of servers may
//! share one database; each daily run happens exactly once per day: the first server to take
//! the job's advisory lock runs it and records the run in `job_run` (a partial unique index on
//! (job_name, run_date) backs this up); the others see the recorded run and skip. A server
//! started late catches up every job due earlier that day.

use std::sync::Arc;
use unitcycle_core::turnover::workflow as turnover;

use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::Pool;
use unitcycle_core::ai::Gateway;
use unitcycle_core::jobs::{self, Job, JobReport};
use unitcycle_core::lifecycle::classify;

use crate::pg::{PgError, Result};
use crate::server::Clock;
use crate::{adapter, pgdomain};
use unitcycle_core::collections::escalation::{self, EscalationReport};
use unitcycle_core::collections::scan as collections_scan;
use unitcycle_core::command_center::queue::{self, QueueReport};
use unitcycle_core::renewals::scan::{self as renewal_scan, ScanReport};
use unitcycle_core::rent::{self, RentReport};

pub fn lock_id(job: &str) -> i64 {
    // A stable 63-bit id per job name (FNV-1a).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in job.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

/// Records a failed run (the transaction of the run itself was rolled back).
async fn record_failure(pool: &Pool, job: Job, today: NaiveDate, now: DateTime<Utc>, error: &str) -> Result<()> {
    pgdomain::record_run(pool, job.name(), today, (now, now), false, error, &serde_json::json!({})).await
}

/// Runs `run` unless another server holds `job`'s session advisory lock, which is held while it
/// runs (the job writes in its own short transactions, so no transaction stays open across its
/// AI calls). `None`: another server has it.
async fn exclusively<T, Fut>(pool: &Pool, job: Job, run: impl FnOnce() -> Fut) -> Result<Option<T>>
where
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let client = pool.get().await?;
    let lock = lock_id(job.name());
    if !client.query_one("SELECT pg_try_advisory_lock($1)", &[&lock]).await?.get::<_, bool>(0) {
        return Ok(None);
    }
    let outcome = run().await;
    client.query_one("SELECT pg_advisory_unlock($1)", &[&lock]).await?;
    outcome
}

/// The command that lists the rows a job read past (`PgPort::sane_rows`).
const VERIFY: &str = "unitcycle-server verify";

/// Runs `f` over every property and adds the rows it read past to its report.
async fn with_port<T, F>(pool: &Pool, f: F) -> Result<(T, JobReport)>
where
    T: Send + 'static,
    F: FnOnce(&mut adapter::PgPort) -> std::result::Result<(T, JobReport), unitcycle_core::store::StoreError>
        + Send
        + 'static,
{
    adapter::run(pool, None, move |port| {
        let (out, report) = f(port)?;
        Ok((out, jobs::report_skipped(report, port.take_skipped(), VERIFY)))
    })
    .await
    .map_err(|e| PgError::Setup(e.to_string()))
}

/// Runs `job` for `today` through the storage port unless another server holds it or it already
/// succeeded that day; the run is recorded in `job_run`, with the rows it read past.
pub async fn once_a_day<T, F>(
    pool: &Pool,
    job: Job,
    today: NaiveDate,
    now: DateTime<Utc>,
    f: F,
) -> Result<Option<(T, JobReport)>>
where
    T: Send + 'static,
    F: FnOnce(&mut adapter::PgPort) -> std::result::Result<(T, JobReport), unitcycle_core::store::StoreError>
        + Send
        + 'static,
{
    exclusively(pool, job, || async move {
        let client = pool.get().await?;
        if pgdomain::ran_on(&**client, job.name(), today).await? {
            return Ok(None);
        }
        drop(client);
        let (out, report) = with_port(pool, f).await?;
        let finished = Utc::now().max(now);
        pgdomain::record_run(pool, job.name(), today, (now, finished), true, &report.summary, &report.counts).await?;
        Ok(Some((out, report)))
    })
    .await
}

async fn renewal_scan_report(
    pool: &Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<(ScanReport, JobReport)>> {
    let gateway = gateway.clone();
    once_a_day(pool, Job::RenewalScan, today, now, move |port| {
        let r = renewal_scan::renewal_scan(port, &gateway, today, now)?;
        let report = r.job_report(today);
        Ok((r, report))
    })
    .await
}

/// The 03:00 renewal scan over every property: `unitcycle_core::renewals::scan`, once a day.
pub async fn scheduled_renewal_scan(
    pool: &Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<ScanReport>> {
    Ok(renewal_scan_report(pool, gateway, today, now).await?.map(|(r, _)| r))
}

async fn ai_action_queue_report(
    pool: &Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<(QueueReport, JobReport)>> {
    let gateway = gateway.clone();
    once_a_day(pool, Job::AiActionQueue, today, now, move |port| {
        let r = queue::ai_action_queue(port, &gateway, today, now)?;
        let report = r.job_report(today);
        Ok((r, report))
    })
    .await
}

/// The AI action queue over every property (02:00, after the lifecycle classification):
/// `unitcycle_core::command_center::queue`, once a day.
pub async fn scheduled_ai_action_queue(
    pool: &Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<QueueReport>> {
    Ok(ai_action_queue_report(pool, gateway, today, now).await?.map(|(r, _)| r))
}

async fn classification_report(pool: &Pool, today: NaiveDate, now: DateTime<Utc>) -> Result<Option<JobReport>> {
    let ran = once_a_day(pool, Job::ClassifyLeaseStatuses, today, now, move |port| {
        classify::classify_lease_statuses(port, today, now).map(|r| ((), r))
    })
    .await?;
    Ok(ran.map(|((), r)| r))
}

/// The 02:00 lifecycle classification over every property: `unitcycle_core::lifecycle::classify`,
/// once a day.
pub async fn scheduled_classification(pool: &Pool, today: NaiveDate, now: DateTime<Utc>) -> Result<Option<JobReport>> {
    classification_report(pool, today, now).await
}

async fn collections_scan_report(
    pool: &Pool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<(collections_scan::ScanReport, JobReport)>> {
    once_a_day(pool, Job::CollectionsScan, today, now, move |port| {
        let r = collections_scan::collections_scan(port, today, now)?;
        Ok((r, r.job_report(today)))
    })
    .await
}

/// The 08:00 collections scan over every property: `unitcycle_core::collections::scan`, once a
/// day.
pub async fn scheduled_collections_scan(
    pool: &Pool,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<collections_scan::ScanReport>> {
    Ok(collections_scan_report(pool, today, now).await?.map(|(r, _)| r))
}

async fn escalation_report(
    pool: &Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<(EscalationReport, JobReport)>> {
    let gateway = gateway.clone();
    exclusively(pool, Job::EscalationEngine, || async move {
        let ran = with_port(pool, move |port| {
            let r = escalation::escalation_engine(port, &gateway, today, now)?;
            let report = r.job_report(today);
            Ok((r, report))
        })
        .await?;
        Ok(Some(ran))
    })
    .await
}

/// The escalation engine over every property: `unitcycle_core::collections::escalation`. It runs
/// every 4 hours, so it is not once a day: the lock alone keeps two servers from running it at
/// once (each step is sent once anyway: the action's unique index and the outbox keys).
pub async fn escalation_engine(
    pool: &Pool,
    gateway: &Arc<Gateway>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<EscalationReport>> {
    Ok(escalation_report(pool, gateway, today, now).await?.map(|(r, _)| r))
}

async fn rent_report(pool: &Pool, today: NaiveDate, now: DateTime<Utc>) -> Result<Option<(RentReport, JobReport)>> {
    exclusively(pool, Job::PostRent, || async move {
        let ran = with_port(pool, move |port| {
            let r = rent::post_rent_charges(port, today, now)?;
            let report = r.job_report(today);
            Ok((r, report))
        })
        .await?;
        Ok(Some(ran))
    })
    .await
}

/// The hourly rent job over every property: `unitcycle_core::rent::post_rent_charges`, each
/// property on its local date. Like the escalation engine it is not once a day: the lock keeps
/// two servers from running it at once, and its writes are idempotent (a charge's id is derived
/// from the lease and the month, a late fee's from its rent charge; inserts skip stored ids), so
/// each hour's run posts only what became due.
pub async fn post_rent(pool: &Pool, today: NaiveDate, now: DateTime<Utc>) -> Result<Option<RentReport>> {
    Ok(rent_report(pool, today, now).await?.map(|(r, _)| r))
}

/// Runs one scheduled job for `now`'s day (`None`: another server has it, or it already ran);
/// the report counts the rows it read past (`skipped_rows`, `bad_rows`).
/// Moves the read cache's generation when dropped (after the job, whatever its outcome).
struct MovesGeneration;

impl Drop for MovesGeneration {
    fn drop(&mut self) {
        crate::read_cache::bump();
    }
}

pub async fn run_job_report(
    pool: &Pool,
    gateway: &Arc<Gateway>,
    job: Job,
    now: DateTime<Utc>,
) -> Result<Option<JobReport>> {
    let today = now.date_naive();
    // Whatever the job writes, cached counts are worked out again.
    let _moved = MovesGeneration;
    Ok(match job {
        Job::ClassifyLeaseStatuses => classification_report(pool, today, now).await?,
        Job::RenewalScan => renewal_scan_report(pool, gateway, today, now).await?.map(|(_, r)| r),
        Job::AiActionQueue => ai_action_queue_report(pool, gateway, today, now).await?.map(|(_, r)| r),
        Job::PostRent => rent_report(pool, today, now).await?.map(|(_, r)| r),
        Job::CollectionsScan => collections_scan_report(pool, today, now).await?.map(|(_, r)| r),
        Job::EscalationEngine => escalation_report(pool, gateway, today, now).await?.map(|(_, r)| r),
        Job::TurnoverDaily => once_a_day(pool, Job::TurnoverDaily, today, now, move |port| {
            let r = turnover::daily(port, today, now)?;
            Ok((r, r.job_report(today)))
        })
        .await?
        .map(|(_, r)| r),
        Job::PricingEngine => once_a_day(pool, Job::PricingEngine, today, now, move |port| {
            let r = unitcycle_core::pricing::workflow::daily(port, today, now)?;
            Ok((r, r.job_report(today)))
        })
        .await?
        .map(|(_, r)| r),
        Job::RiskScoring => once_a_day(pool, job, today, now, move |port| {
            let r = unitcycle_core::predictive_maintenance::workflow::weekly(port, today, now)?;
            Ok((r, r.job_report(today)))
        })
        .await?
        .map(|(_, r)| r),
        Job::VendorScorecards | Job::PriceBenchmarks | Job::RepeatVisits | Job::ContractExpiry => {
            once_a_day(pool, job, today, now, move |port| {
                use unitcycle_core::vendor_intelligence::workflow as vi;
                let manager = unitcycle_core::delivery::manager_from_env();
                let r = match job {
                    Job::VendorScorecards => vi::monthly(port, today, now)?,
                    Job::PriceBenchmarks => vi::update_benchmarks(port, today, now)?,
                    Job::RepeatVisits => vi::detect_repeat_visits(port, today, now, manager.as_deref())?,
                    _ => vi::contract_expiry(port, today, now, manager.as_deref())?,
                };
                Ok(((), r))
            })
            .await?
            .map(|(_, r)| r)
        }
        // Hourly, so each time zone's 06:00 is covered; the job itself writes only when a
        // property's morning has come since the stored digest (the lock keeps two servers apart).
        Job::DailyDigest => exclusively(pool, job, || async move {
            let ran = with_port(pool, move |port| {
                Ok(((), unitcycle_core::portfolio_chat::workflow::digest_job(port, today, now)?))
            })
            .await?;
            Ok(Some(ran))
        })
        .await?
        .map(|(_, r)| r),
        Job::ScreeningPurge => once_a_day(pool, job, today, now, move |port| {
            Ok(((), unitcycle_core::screening::workflow::purge_job(port, today, now)?))
        })
        .await?
        .map(|(_, r)| r),
        Job::LeaseSigningReminders => once_a_day(pool, job, today, now, move |port| {
            Ok(((), unitcycle_core::lease_generation::workflow::reminder_job(port, today, now)?))
        })
        .await?
        .map(|(_, r)| r),
        Job::LeaseSigningExpiry => once_a_day(pool, job, today, now, move |port| {
            Ok(((), unitcycle_core::lease_generation::workflow::expiry_job(port, today, now)?))
        })
        .await?
        .map(|(_, r)| r),
        Job::JurisdictionMonitor => once_a_day(pool, job, today, now, move |port| {
            let manager = unitcycle_core::delivery::manager_from_env();
            Ok(((), unitcycle_core::lease_generation::monitor::monitor_job(port, manager.as_deref(), today, now)?))
        })
        .await?
        .map(|(_, r)| r),
        Job::DailySentiment => once_a_day(pool, job, today, now, move |port| {
            Ok(((), unitcycle_core::communications_hub::sentiment::job(port, today, now)?))
        })
        .await?
        .map(|(_, r)| r),
        // Hourly, so each property's date is covered; sending is idempotent per task.
        Job::OnboardingTasks => {
            let gateway = gateway.clone();
            exclusively(pool, job, || async move {
                let ran = with_port(pool, move |port| {
                    Ok(((), unitcycle_core::onboarding::workflow::process_job(port, &gateway, today, now)?))
                })
                .await?;
                Ok(Some(ran))
            })
            .await?
            .map(|(_, r)| r)
        }
        Job::OnboardingStalled => once_a_day(pool, job, today, now, move |port| {
            Ok(((), unitcycle_core::onboarding::workflow::stalled_job(port, today, now)?))
        })
        .await?
        .map(|(_, r)| r),
        // Every 15 and 30 minutes: each reminder, no-show and survey is written once (its flag
        // or status).
        Job::ShowingReminders | Job::ShowingNoShows | Job::FeedbackSurveys => exclusively(pool, job, || async move {
            let ran = with_port(pool, move |port| {
                let r = match job {
                    Job::ShowingReminders => unitcycle_core::showings::workflow::reminders_job(port, today, now)?,
                    Job::ShowingNoShows => unitcycle_core::showings::workflow::no_show_job(port, today, now)?,
                    _ => unitcycle_core::showings::surveys::survey_job(port, today, now)?,
                };
                Ok(((), r))
            })
            .await?;
            Ok(Some(ran))
        })
        .await?
        .map(|(_, r)| r),
        Job::ShowingNurture => {
            let gateway = gateway.clone();
            once_a_day(pool, job, today, now, move |port| {
                Ok(((), unitcycle_core::showings::workflow::nurture_job(port, &gateway, today, now)?))
            })
            .await?
            .map(|(_, r)| r)
        }
        // Every 6 hours and every 30 minutes: each run recomputes (analytics) or delists what
        // is leased, so running again changes nothing.
        Job::ListingAnalytics | Job::ListingAutoDelist => exclusively(pool, job, || async move {
            let ran = with_port(pool, move |port| {
                let r = if job == Job::ListingAnalytics {
                    unitcycle_core::listing_syndication::workflow::analytics_job(port, today, now)?
                } else {
                    let publisher = unitcycle_core::listing_syndication::publisher::from_env();
                    unitcycle_core::listing_syndication::workflow::auto_delist_job(port, &*publisher, today, now)?
                };
                Ok(((), r))
            })
            .await?;
            Ok(Some(ran))
        })
        .await?
        .map(|(_, r)| r),
        Job::ListingStale => once_a_day(pool, job, today, now, move |port| {
            Ok(((), unitcycle_core::listing_syndication::workflow::stale_job(port, today, now)?))
        })
        .await?
        .map(|(_, r)| r),
        Job::CompetitorScan => {
            let gateway = gateway.clone();
            once_a_day(pool, job, today, now, move |port| {
                use unitcycle_core::listing_syndication::competitor_scan::competitor_scan_job;
                Ok(((), competitor_scan_job(port, &gateway, today, now)?))
            })
            .await?
            .map(|(_, r)| r)
        }
        Job::InitialReclassification => None,
    })
}

/// Runs one scheduled job for `now`'s day (`None`: another server has it, or it already ran).
pub async fn run_job(pool: &Pool, gateway: &Arc<Gateway>, job: Job, now: DateTime<Utc>) -> Result<Option<String>> {
    Ok(run_job_report(pool, gateway, job, now).await?.map(|r| r.summary))
}

/// Runs a job and logs what happened; a failed daily job is recorded in `job_run`.
async fn run_logged(pool: &Pool, gateway: &Arc<Gateway>, job: Job, now: DateTime<Utc>) {
    let today = now.date_naive();
    match run_job(pool, gateway, job, now).await {
        Ok(Some(summary)) => tracing::info!(%today, job = job.name(), %summary, "job ran"),
        Ok(None) => tracing::debug!(%today, job = job.name(), "job already handled"),
        Err(e) => {
            tracing::error!(%today, job = job.name(), error = %e, "job failed");
            // Jobs that run several times a day are not recorded in `job_run` (its once-a-day
            // index); their next run retries.
            if job.times_of_day().len() <= 1 {
                if let Err(e) = record_failure(pool, job, today, now, &e.to_string()).await {
                    tracing::error!(error = %e, "cannot record the failed run");
                }
            }
        }
    }
}

/// The scheduler loop. At start-up it catches up every job due earlier today (a server that was
/// down, or started at 10:50, runs the 02:00, 03:00 and 08:00 jobs now; a job that already ran
/// today skips itself); then it sleeps until the next due time, runs those jobs in registry
/// order, and repeats.
pub async fn run_forever(pool: Pool, clock: Clock, gateway: Arc<Gateway>) {
    let start = clock.now();
    for job in jobs::due_today_by(start) {
        run_logged(&pool, &gateway, job, start).await;
    }
    loop {
        let (due, jobs) = jobs::next_due_after(clock.now());
        tokio::time::sleep((due - clock.now()).to_std().unwrap_or_default()).await;
        let now = clock.now();
        for job in jobs {
            run_logged(&pool, &gateway, job, now).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_job_has_its_own_lock() {
        let ids: std::collections::HashSet<i64> = Job::all().map(|j| lock_id(j.name())).collect();
        assert_eq!(ids.len(), Job::all().count());
        assert!(ids.iter().all(|id| *id >= 0));
    }
}
