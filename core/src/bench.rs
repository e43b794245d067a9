//! What the benchmarks share: a day of the schedule run job by job, the process's peak memory,
//! and figures laid out as one markdown table (`scripts/bench` collects them into a report).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};

use crate::jobs::{Job, JOBS};

/// A whole day of the schedule: every scheduled job at each of its times on `day` (UTC), in
/// time order and, at the same minute, registry order, exactly as the scheduler would run them.
pub fn day_schedule(day: NaiveDate) -> Vec<(DateTime<Utc>, Job)> {
    let mut runs: Vec<(DateTime<Utc>, usize, Job)> = JOBS
        .iter()
        .enumerate()
        .flat_map(|(i, d)| d.job.times_of_day().into_iter().map(move |t| (day.and_time(t).and_utc(), i, d.job)))
        .collect();
    runs.sort_by_key(|(at, i, _)| (*at, *i));
    runs.into_iter().map(|(at, _, job)| (at, job)).collect()
}

/// One job's share of a night: how many times it ran, how long it took in all, the highest
/// resident memory while one of its runs went on, and what its last run reported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobTime {
    pub job: &'static str,
    pub runs: u32,
    pub total: Duration,
    pub peak_mib: Option<f64>,
    pub summary: String,
}

/// Adds one run of `job` to `times` (grouped by job, in first-run order); `peak_mib` is the
/// process's peak during that run (see [`memory::run_measured`]).
pub fn add_run(times: &mut Vec<JobTime>, job: Job, took: Duration, peak_mib: Option<f64>, summary: String) {
    match times.iter_mut().find(|t| t.job == job.name()) {
        Some(t) => {
            t.runs += 1;
            t.total += took;
            t.peak_mib = [t.peak_mib, peak_mib].into_iter().flatten().reduce(f64::max);
            t.summary = summary;
        }
        None => times.push(JobTime { job: job.name(), runs: 1, total: took, peak_mib, summary }),
    }
}

/// The night as a markdown table with a total line; the process's peak is the highest of the
/// jobs' peaks (each run's peak is measured from the memory held when it started).
pub fn nightly_table(title: &str, times: &[JobTime]) -> String {
    let mib = |m: Option<f64>| m.map_or_else(|| "n/a".to_string(), |m| format!("{m:.0} MiB"));
    let mut out = format!("### {title}\n\n| job | runs | time | peak memory | last run |\n|---|---:|---:|---:|---|\n");
    for t in times {
        out.push_str(&format!(
            "| {} | {} | {:.2} s | {} | {} |\n",
            t.job,
            t.runs,
            t.total.as_secs_f64(),
            mib(t.peak_mib),
            t.summary.replace('|', "/")
        ));
    }
    let peak_mib = times.iter().filter_map(|t| t.peak_mib).reduce(f64::max);
    let total: Duration = times.iter().map(|t| t.total).sum();
    out.push_str(&format!(
        "| **whole day** | {} | **{:.2} s** | {} | |\n",
        times.iter().map(|t| t.runs).sum::<u32>(),
        total.as_secs_f64(),
        mib(peak_mib)
    ));
    if let Some(mib) = peak_mib {
        out.push_str(&format!("\nPeak memory of the process while the jobs ran: {mib:.0} MiB\n"));
    }
    out
}

/// Linux process memory: the peak resident set (`VmHWM`) and a way to reset it, so a benchmark
/// reports the peak of the work it measures, not of building its data set.
pub mod memory {
    /// Peak resident memory of this process so far, in MiB (`None` off Linux).
    pub fn peak_mib() -> Option<f64> {
        let status = std::fs::read_to_string("/proc/self/status").ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    /// Starts the peak over from the current resident set (Linux: `5` to `clear_refs`).
    /// Returns whether it could.
    pub fn reset_peak() -> bool {
        std::fs::write("/proc/self/clear_refs", "5").is_ok()
    }

    /// Runs `work` and returns its result with the process's peak while it ran (counted from
    /// the memory held when it started).
    pub fn run_measured<T>(work: impl FnOnce() -> T) -> (T, Option<f64>) {
        reset_peak();
        let out = work();
        (out, peak_mib())
    }
}

/// What the photo benchmark measured: the on-device quality check of every photo and the offline
/// move-in/move-out comparison of every pair.
#[derive(Debug, Clone)]
pub struct PhotoBench {
    pub pairs: usize,
    pub width: u32,
    pub height: u32,
    pub threads: usize,
    pub wall: Duration,
    /// Sum over photos of decoding plus the quality check.
    pub quality: Duration,
    /// Sum over pairs of the comparison (decoded photos in).
    pub compare: Duration,
    pub changed: usize,
    pub peak_mib: Option<f64>,
}

impl PhotoBench {
    pub fn table(&self) -> String {
        let per = |d: Duration, n: usize| d.as_secs_f64() * 1000.0 / n.max(1) as f64;
        format!(
            "### Photos: quality check and offline comparison, {} pairs of {}×{} JPEGs ({:.1} MP) on {} threads\n\n\
             | step | per photo or pair | total CPU |\n|---|---:|---:|\n\
             | decode + quality check | {:.1} ms per photo | {:.2} s |\n\
             | compare (align, diff, regions) | {:.1} ms per pair | {:.2} s |\n\
             | **whole run (wall clock)** | {:.1} ms per pair | **{:.2} s** |\n\n\
             {} of {} pairs changed (the ones with a drawn hole). Peak memory: {}\n",
            self.pairs,
            self.width,
            self.height,
            f64::from(self.width) * f64::from(self.height) / 1e6,
            self.threads,
            per(self.quality, self.pairs * 2),
            self.quality.as_secs_f64(),
            per(self.compare, self.pairs),
            self.compare.as_secs_f64(),
            per(self.wall, self.pairs),
            self.wall.as_secs_f64(),
            self.changed,
            self.pairs,
            self.peak_mib.map_or("n/a".to_string(), |m| format!("{m:.0} MiB")),
        )
    }
}

/// Checks and compares `pairs` photo pairs of `width`×`height` JPEGs on `threads` threads, as the
/// desktop does after an inspection: every photo decoded and quality-checked, every pair
/// compared. Four distinct pairs (two with a hole) are encoded once and reused.
pub fn photo_pairs(pairs: usize, width: u32, height: u32, threads: usize) -> PhotoBench {
    use crate::inspections::compare::{compare, samples};
    use crate::inspections::quality;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Instant;

    let jpeg = |img: &image::RgbImage| {
        let mut out = Vec::new();
        let _ = img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg);
        out
    };
    let base = samples::scene(width, height, 1);
    let sets: Vec<(Vec<u8>, Vec<u8>)> = (0..4u32)
        .map(|i| {
            let after = samples::scene(width, height, 10 + i);
            let after = if i % 2 == 0 { samples::with_hole(&after, 0.3 + 0.1 * i as f32, 0.5, 0.03) } else { after };
            (jpeg(&base), jpeg(&after))
        })
        .collect();
    memory::reset_peak();
    let next = AtomicUsize::new(0);
    let totals = Mutex::new((Duration::ZERO, Duration::ZERO, 0usize));
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= pairs {
                    break;
                }
                let (before, after) = &sets[i % sets.len()];
                let t = Instant::now();
                let (Ok(a), Ok(b)) = (quality::decode(before), quality::decode(after)) else { continue };
                let _ = (quality::judge(quality::measure(&a)), quality::judge(quality::measure(&b)));
                let checked = t.elapsed();
                let t = Instant::now();
                let diff = compare(&a, &b);
                let compared = t.elapsed();
                let mut tot = totals.lock().unwrap_or_else(|e| e.into_inner());
                tot.0 += checked;
                tot.1 += compared;
                tot.2 += usize::from(diff.changed);
            });
        }
    });
    let wall = start.elapsed();
    let (quality, compare, changed) = *totals.lock().unwrap_or_else(|e| e.into_inner());
    PhotoBench { pairs, width, height, threads, wall, quality, compare, changed, peak_mib: memory::peak_mib() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_runs_every_scheduled_job_at_each_of_its_times_in_order() {
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let runs = day_schedule(day);
        let count = |job: Job| runs.iter().filter(|(_, j)| *j == job).count();
        assert_eq!(count(Job::PostRent), 24, "hourly");
        assert_eq!(count(Job::DailyDigest), 24, "hourly, so each time zone's 06:00 is covered");
        assert_eq!(count(Job::EscalationEngine), 6, "every four hours");
        assert_eq!(count(Job::ShowingReminders), 96, "every 15 minutes");
        assert_eq!(count(Job::ShowingNoShows), 48, "every 30 minutes");
        assert_eq!(count(Job::ListingAutoDelist), 48, "every 30 minutes");
        assert_eq!(count(Job::ListingAnalytics), 4, "every 6 hours");
        assert_eq!(count(Job::ListingStale), 1);
        assert_eq!(count(Job::FeedbackSurveys), 48, "every 30 minutes");
        assert_eq!(count(Job::CompetitorScan), 1, "weekly, measured as if it were its day");
        assert_eq!(count(Job::ClassifyLeaseStatuses), 1);
        assert_eq!(count(Job::InitialReclassification), 0, "one-time, not scheduled");
        assert!(runs.windows(2).all(|w| w[0].0 <= w[1].0));
        let two = day.and_hms_opt(2, 0, 0).unwrap().and_utc();
        let at_two: Vec<Job> = runs.iter().filter(|(at, _)| *at == two).map(|(_, j)| *j).collect();
        assert_eq!(
            at_two,
            [
                Job::ClassifyLeaseStatuses,
                Job::AiActionQueue,
                Job::PostRent,
                Job::DailyDigest,
                Job::OnboardingTasks,
                Job::ShowingReminders,
                Job::ShowingNoShows,
                Job::FeedbackSurveys,
                Job::ListingAutoDelist
            ],
            "registry order"
        );
    }

    #[test]
    fn the_table_adds_up_runs_by_job() {
        let mut times = Vec::new();
        add_run(&mut times, Job::PostRent, Duration::from_millis(10), Some(12.0), "a".into());
        add_run(&mut times, Job::PostRent, Duration::from_millis(30), Some(9.0), "b".into());
        add_run(&mut times, Job::CollectionsScan, Duration::from_millis(60), Some(20.4), "c | d".into());
        let table = nightly_table("replica", &times);
        assert!(table.contains("| post-rent | 2 | 0.04 s | 12 MiB | b |"), "the higher of its runs: {table}");
        assert!(table.contains("| **whole day** | 3 | **0.10 s** | 20 MiB | |"), "the highest job: {table}");
        assert!(table.contains("c / d"));
        let ((), peak) = memory::run_measured(|| ());
        assert!(peak.is_some_and(|m| m > 0.0));
    }

    #[test]
    fn the_photo_benchmark_checks_and_compares_every_pair() {
        let b = photo_pairs(4, 320, 240, 2);
        assert_eq!((b.pairs, b.changed), (4, 2), "the two pairs with a hole");
        assert!(b.table().contains("4 pairs of 320×240 JPEGs"), "{}", b.table());
    }
}

/// What the risk-scoring benchmark measured: the weekly job over a replica topped up to a
/// number of work orders.
#[derive(Debug, Clone)]
pub struct RiskBench {
    pub units: usize,
    pub work_orders: usize,
    pub added: Duration,
    pub first: Duration,
    pub second: Duration,
    pub report: String,
    pub peak_mib: Option<f64>,
}

impl RiskBench {
    pub fn table(&self) -> String {
        format!(
            "### Predictive maintenance: risk scores for {} units with {} work orders\n\n\
             | step | time |\n|---|---:|\n\
             | weekly scoring (every unit, suggestions written) | **{:.2} s** |\n\
             | the same day again (same rows rewritten) | {:.2} s |\n\n\
             {}\n\nPeak memory while scoring: {}\n",
            self.units,
            self.work_orders,
            self.first.as_secs_f64(),
            self.second.as_secs_f64(),
            self.report,
            self.peak_mib.map_or("n/a".to_string(), |m| format!("{m:.0} MiB")),
        )
    }
}

/// Tops the replica's work orders up to `work_orders` (spread over its units and the last 18
/// months, titles that recur), then runs the weekly risk scoring twice on `today`.
pub fn risk_scoring(
    store: &mut crate::store::Store,
    work_orders: usize,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> crate::store::Result<RiskBench> {
    use crate::model::{WorkOrder, WorkOrderPriority, WorkOrderStatus};
    use crate::work_orders::port::MaintenancePort;
    use rust_decimal::Decimal;
    const TITLES: [(&str, &str); 6] = [
        ("plumbing", "Leaking kitchen faucet"),
        ("plumbing", "Clogged bathroom drain"),
        ("hvac", "HVAC not cooling"),
        ("electrical", "Outlet not working"),
        ("appliance", "Dishwasher not draining"),
        ("general", "Sticking front door"),
    ];
    let started = std::time::Instant::now();
    let units = store.maintenance_units()?;
    let have: usize =
        store.conn().query_row("SELECT COUNT(*) FROM units_maintenance", [], |r| r.get::<_, i64>(0))? as usize;
    if !units.is_empty() && have < work_orders {
        store.transaction(|tx| {
            for i in have..work_orders {
                let u = &units[i % units.len()];
                let (category, title) = TITLES[(i / units.len() + i) % TITLES.len()];
                let requested = today - chrono::Duration::days((i * 37 % 540) as i64);
                let done = requested < today - chrono::Duration::days(14);
                let w = WorkOrder {
                    id: uuid::Uuid::new_v5(&u.id, format!("bench-wo:{i}").as_bytes()),
                    unit_id: u.id,
                    property_id: u.property_id,
                    tenant_id: None,
                    title: title.into(),
                    description: String::new(),
                    category: category.into(),
                    priority: WorkOrderPriority::Medium,
                    status: if done { WorkOrderStatus::Completed } else { WorkOrderStatus::Open },
                    requested_date: requested,
                    completed_date: done.then_some(requested + chrono::Duration::days(3)),
                    cost: Decimal::new(8_500 + (i as i64 * 131) % 60_000, 2),
                    assigned_vendor_id: None,
                    created_at: now,
                    scheduled_date: None,
                    tenant_rating: None,
                };
                crate::store::insert_work_order(tx, &w)?;
            }
            Ok(())
        })?;
    }
    let added = started.elapsed();
    memory::reset_peak();
    let t = std::time::Instant::now();
    let report = crate::predictive_maintenance::workflow::weekly(store, today, now)?;
    let first = t.elapsed();
    let t = std::time::Instant::now();
    crate::predictive_maintenance::workflow::weekly(store, today, now)?;
    let second = t.elapsed();
    Ok(RiskBench {
        units: units.len(),
        work_orders: work_orders.max(have),
        added,
        first,
        second,
        report: report.summary(),
        peak_mib: memory::peak_mib(),
    })
}
