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

/// One job's share of a night: how many times it ran, how long it took in all, and what its
/// last run reported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JobTime {
    pub job: &'static str,
    pub runs: u32,
    pub total: Duration,
    pub summary: String,
}

/// Adds one run of `job` to `times` (grouped by job, in first-run order).
pub fn add_run(times: &mut Vec<JobTime>, job: Job, took: Duration, summary: String) {
    match times.iter_mut().find(|t| t.job == job.name()) {
        Some(t) => {
            t.runs += 1;
            t.total += took;
            t.summary = summary;
        }
        None => times.push(JobTime { job: job.name(), runs: 1, total: took, summary }),
    }
}

/// The night as a markdown table with a total line.
pub fn nightly_table(title: &str, times: &[JobTime], peak_mib: Option<f64>) -> String {
    let mut out = format!("### {title}\n\n| job | runs | time | last run |\n|---|---:|---:|---|\n");
    for t in times {
        out.push_str(&format!(
            "| {} | {} | {:.2} s | {} |\n",
            t.job,
            t.runs,
            t.total.as_secs_f64(),
            t.summary.replace('|', "/")
        ));
    }
    let total: Duration = times.iter().map(|t| t.total).sum();
    out.push_str(&format!(
        "| **whole day** | {} | **{:.2} s** | |\n",
        times.iter().map(|t| t.runs).sum::<u32>(),
        total.as_secs_f64()
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
        assert_eq!(count(Job::EscalationEngine), 6, "every four hours");
        assert_eq!(count(Job::ClassifyLeaseStatuses), 1);
        assert_eq!(count(Job::InitialReclassification), 0, "one-time, not scheduled");
        assert!(runs.windows(2).all(|w| w[0].0 <= w[1].0));
        let two = day.and_hms_opt(2, 0, 0).unwrap().and_utc();
        let at_two: Vec<Job> = runs.iter().filter(|(at, _)| *at == two).map(|(_, j)| *j).collect();
        assert_eq!(at_two, [Job::ClassifyLeaseStatuses, Job::AiActionQueue, Job::PostRent], "registry order");
    }

    #[test]
    fn the_table_adds_up_runs_by_job() {
        let mut times = Vec::new();
        add_run(&mut times, Job::PostRent, Duration::from_millis(10), "a".into());
        add_run(&mut times, Job::PostRent, Duration::from_millis(30), "b".into());
        add_run(&mut times, Job::CollectionsScan, Duration::from_millis(60), "c | d".into());
        let table = nightly_table("replica", &times, Some(12.0));
        assert!(table.contains("| post-rent | 2 | 0.04 s | b |"), "{table}");
        assert!(table.contains("| **whole day** | 3 | **0.10 s** | |"), "{table}");
        assert!(table.contains("c / d") && table.contains("12 MiB"));
        assert!(memory::peak_mib().is_some_and(|m| m > 0.0));
    }
}
