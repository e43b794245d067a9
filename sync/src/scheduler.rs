//! The server's schedule (spec `CELERY_BEAT_SCHEDULE`): the 02:00 UTC lifecycle
//! classification and then the AI action queue, the 03:00 renewal scan, the 08:00 collections scan and the collections
//! escalation engine every 4 hours at :30. Any number of servers may share one database; each scheduled run happens
//! exactly once per day: the first server to take the job's advisory lock runs it and records
//! the run in `job_run` (a partial unique index on (job_name, run_date) backs this up); the
//! others see the recorded run and skip.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use deadpool_postgres::Pool;
use serde_json::json;
use unitcycle_core::ai::Gateway;
use unitcycle_core::jobs::Job;
use unitcycle_core::lifecycle;
use uuid::Uuid;

use crate::pg::{self, ApplyError, PgError, Result};
use crate::server::Clock;
use crate::tables;
use crate::{pg_collections, pg_command_center, pg_renewals};

/// What one call to `run_daily_classification` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// This process ran the job.
    Ran { to_month_to_month: usize, to_vacant: usize, summary: String },
    /// Another process holds the job or already ran it for this day.
    Skipped,
}

/// The next 02:00 UTC strictly after `now`.
pub fn next_run_after(now: DateTime<Utc>) -> DateTime<Utc> {
    let two = NaiveTime::from_hms_opt(2, 0, 0).unwrap_or_default();
    let today = now.date_naive().and_time(two).and_utc();
    if today > now {
        today
    } else {
        today + Duration::days(1)
    }
}

pub fn lock_id(job: &str) -> i64 {
    // A stable 63-bit id per job name (FNV-1a).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in job.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h >> 1) as i64
}

/// Runs the lifecycle classification for `today` unless another process is running it or
/// has already run it for that day. The classification itself is `unitcycle_core::lifecycle::classify`.
pub async fn run_daily_classification(pool: &Pool, today: NaiveDate, now: DateTime<Utc>) -> Result<RunOutcome> {
    let job = Job::ClassifyLeaseStatuses.name();
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let locked: bool = tx.query_one("SELECT pg_try_advisory_xact_lock($1)", &[&lock_id(job)]).await?.get(0);
    if !locked {
        return Ok(RunOutcome::Skipped);
    }
    let done = tx
        .query_opt(
            "SELECT 1 FROM job_run WHERE job_name = $1 AND run_date = $2 AND outcome = 'succeeded'",
            &[&job, &today],
        )
        .await?;
    if done.is_some() {
        return Ok(RunOutcome::Skipped);
    }
    let run_id = Uuid::new_v4();
    let t = tables::table("tenant_lease").ok_or_else(|| PgError::Setup("tenant_lease not described".into()))?;
    let sql = format!(
        "SELECT {} FROM tenant_lease r
         WHERE (r.lease_status = 'active' AND r.lease_end_date < $1)
            OR (r.lease_status = 'notice' AND r.notice_move_out_date < $1 AND r.actual_move_out_date IS NULL)
         ORDER BY r.id FOR UPDATE",
        tables::pg_json_expr(t)
    );
    let mut transitions = Vec::new();
    for row in tx.query(&sql, &[&today]).await? {
        let lease = pg::lease_from_json(row.get(0))?;
        if let Some(t) = lifecycle::classify(&lease, today) {
            transitions.push(t);
        }
    }
    match pg::apply_transitions(&tx, &transitions, now).await {
        Ok(()) => {}
        Err(ApplyError::Pg(e)) => return Err(e),
        Err(ApplyError::Conflict(s)) => {
            return Err(PgError::Setup(format!("lease changed during classification ({s})")))
        }
    }
    let summary = lifecycle::classify_summary(&transitions);
    let to_mtm = transitions.iter().filter(|t| t.to == unitcycle_core::model::LeaseStatus::MonthToMonth).count();
    let to_vacant = transitions.len() - to_mtm;
    tx.execute(
        "INSERT INTO job_run (id, job_name, run_date, started_at, finished_at, outcome, summary, counts)
         VALUES ($1, $2, $3, $4, $5, 'succeeded', $6, $7)",
        &[
            &run_id,
            &job,
            &today,
            &now,
            &Utc::now().max(now),
            &summary,
            &json!({"to_month_to_month": to_mtm, "to_vacant": to_vacant}),
        ],
    )
    .await?;
    tx.commit().await?;
    Ok(RunOutcome::Ran { to_month_to_month: to_mtm, to_vacant, summary })
}

/// Records a failed run (the transaction of the run itself was rolled back).
async fn record_failure(pool: &Pool, job: Job, today: NaiveDate, now: DateTime<Utc>, error: &str) -> Result<()> {
    pool.get()
        .await?
        .execute(
            "INSERT INTO job_run (id, job_name, run_date, started_at, finished_at, outcome, summary)
             VALUES ($1, $2, $3, $4, $4, 'failed', $5)",
            &[&Uuid::new_v4(), &job.name(), &today, &now, &error],
        )
        .await?;
    Ok(())
}

/// A scheduled job of the server (spec `CELERY_BEAT_SCHEDULE`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// 02:00 UTC: the lifecycle classification.
    Lifecycle,
    /// 02:00 UTC, right after the classification: the command center's AI action queue.
    AiActionQueue,
    /// 03:00 UTC: the renewal scan.
    RenewalScan,
    /// 08:00 UTC: the collections scan.
    CollectionsScan,
    /// Every 4 hours at :30 (00:30, 04:30, …): the collections escalation engine.
    Escalation,
}

impl Slot {
    pub const ALL: [Slot; 5] =
        [Slot::Lifecycle, Slot::AiActionQueue, Slot::RenewalScan, Slot::CollectionsScan, Slot::Escalation];

    /// The times of day a slot runs.
    pub fn times(self) -> Vec<NaiveTime> {
        let at = |h: u32, m: u32| NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default();
        match self {
            Slot::Lifecycle | Slot::AiActionQueue => vec![at(2, 0)],
            Slot::RenewalScan => vec![at(3, 0)],
            Slot::CollectionsScan => vec![at(8, 0)],
            Slot::Escalation => (0..24).step_by(4).map(|h| at(h, 30)).collect(),
        }
    }

    /// Daily jobs run once per day (and catch up at start-up); the escalation engine repeats.
    pub fn is_daily(self) -> bool {
        self != Slot::Escalation
    }
}

/// The next slot time strictly after `now` and the slots due then.
pub fn next_slots_after(now: DateTime<Utc>) -> (DateTime<Utc>, Vec<Slot>) {
    let mut best: Option<(DateTime<Utc>, Vec<Slot>)> = None;
    for day in [now.date_naive(), now.date_naive() + Duration::days(1)] {
        for slot in Slot::ALL {
            for time in slot.times() {
                let at = day.and_time(time).and_utc();
                if at <= now {
                    continue;
                }
                match &mut best {
                    Some((t, slots)) if *t == at => slots.push(slot),
                    Some((t, _)) if *t < at => {}
                    _ => best = Some((at, vec![slot])),
                }
            }
        }
    }
    best.unwrap_or((now + Duration::days(1), Vec::new()))
}

/// Runs one slot's job, logging the outcome (each job runs once per day across servers).
async fn run_slot(pool: &Pool, gateway: &Arc<Gateway>, slot: Slot, now: DateTime<Utc>) {
    let today = now.date_naive();
    match slot {
        Slot::Lifecycle => match run_daily_classification(pool, today, now).await {
            Ok(RunOutcome::Ran { summary, .. }) => tracing::info!(%today, %summary, "lifecycle classification ran"),
            Ok(RunOutcome::Skipped) => tracing::debug!(%today, "lifecycle classification already handled"),
            Err(e) => {
                tracing::error!(%today, error = %e, "lifecycle classification failed");
                if let Err(e) = record_failure(pool, Job::ClassifyLeaseStatuses, today, now, &e.to_string()).await {
                    tracing::error!(error = %e, "cannot record the failed run");
                }
            }
        },
        Slot::AiActionQueue => match pg_command_center::scheduled_queue(pool, gateway, today, now).await {
            Ok(Some(r)) => tracing::info!(%today, queued = r.queued, superseded = r.superseded, "AI action queue ran"),
            Ok(None) => tracing::debug!(%today, "AI action queue already handled"),
            Err(e) => {
                tracing::error!(%today, error = %e, "AI action queue failed");
                if let Err(e) = record_failure(pool, Job::AiActionQueue, today, now, &e.to_string()).await {
                    tracing::error!(error = %e, "cannot record the failed run");
                }
            }
        },
        Slot::RenewalScan => match pg_renewals::scheduled_scan(pool, gateway, today, now).await {
            Ok(Some(r)) => tracing::info!(%today, summary = %r.summary(), "renewal scan ran"),
            Ok(None) => tracing::debug!(%today, "renewal scan already handled"),
            Err(e) => {
                tracing::error!(%today, error = %e, "renewal scan failed");
                if let Err(e) = record_failure(pool, Job::RenewalScan, today, now, &e.to_string()).await {
                    tracing::error!(error = %e, "cannot record the failed run");
                }
            }
        },
        Slot::CollectionsScan => match pg_collections::scheduled_scan(pool, today, now).await {
            Ok(Some(r)) => tracing::info!(%today, summary = %r.summary(), "collections scan ran"),
            Ok(None) => tracing::debug!(%today, "collections scan already handled"),
            Err(e) => {
                tracing::error!(%today, error = %e, "collections scan failed");
                if let Err(e) = record_failure(pool, Job::CollectionsScan, today, now, &e.to_string()).await {
                    tracing::error!(error = %e, "cannot record the failed run");
                }
            }
        },
        Slot::Escalation => match pg_collections::escalation_engine(pool, gateway, today, now).await {
            Ok(Some(r)) => tracing::info!(sent = r.sent, paused = r.paused, "escalation engine ran"),
            Ok(None) => tracing::debug!("escalation engine running elsewhere"),
            Err(e) => tracing::error!(error = %e, "escalation engine failed"),
        },
    }
}

/// The scheduler loop: sleeps until the next slot, runs its jobs, repeats. At start-up it runs
/// every daily job whose time has passed today (a server that was down catches up; a job that
/// already ran today is skipped).
pub async fn run_forever(pool: Pool, clock: Clock, gateway: Arc<Gateway>) {
    let start = clock.now();
    for slot in Slot::ALL.into_iter().filter(|s| s.is_daily()) {
        if slot.times().iter().any(|t| start.date_naive().and_time(*t).and_utc() <= start) {
            run_slot(&pool, &gateway, slot, start).await;
        }
    }
    loop {
        let (due, slots) = next_slots_after(clock.now());
        tokio::time::sleep((due - clock.now()).to_std().unwrap_or_default()).await;
        let now = clock.now();
        for slot in slots {
            run_slot(&pool, &gateway, slot, now).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn the_next_run_is_the_coming_two_oclock_utc() {
        for (now, next) in [
            ("2026-03-28T01:59:59Z", "2026-03-28T02:00:00Z"),
            ("2026-03-28T02:00:00Z", "2026-03-29T02:00:00Z"),
            ("2026-03-28T23:00:00Z", "2026-03-29T02:00:00Z"),
        ] {
            assert_eq!(next_run_after(at(now)), at(next), "{now}");
        }
    }

    #[test]
    fn the_renewal_scan_runs_at_three_after_the_classification_at_two() {
        assert_eq!(
            next_slots_after(at("2026-03-28T01:00:00Z")),
            (at("2026-03-28T02:00:00Z"), vec![Slot::Lifecycle, Slot::AiActionQueue])
        );
        assert_eq!(next_slots_after(at("2026-03-28T02:00:00Z")), (at("2026-03-28T03:00:00Z"), vec![Slot::RenewalScan]));
        assert_eq!(next_slots_after(at("2026-03-28T03:00:00Z")), (at("2026-03-28T04:30:00Z"), vec![Slot::Escalation]));
        assert_eq!(
            next_slots_after(at("2026-03-28T07:00:00Z")),
            (at("2026-03-28T08:00:00Z"), vec![Slot::CollectionsScan])
        );
        assert_eq!(next_slots_after(at("2026-03-28T08:00:00Z")).0, at("2026-03-28T08:30:00Z"));
        assert_eq!(next_slots_after(at("2026-03-28T20:30:00Z")).0, at("2026-03-29T00:30:00Z"));
    }
}
