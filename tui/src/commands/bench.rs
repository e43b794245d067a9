//! `unitcycle bench lifecycle`: generate and classify a large portfolio, print timings.

use std::time::Instant;

use anyhow::Result;
use chrono::NaiveDate;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs;
use unitcycle_core::store::{LeaseFilter, Store};

use crate::cli::BenchCommand;

pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Lifecycle { units } => lifecycle(units),
        BenchCommand::Tui { units, leases, replica } => crate::app::bench::run(units, leases, replica.as_deref()),
    }
}

fn lifecycle(units: u32) -> Result<()> {
    // A fixed day keeps the figures comparable between runs.
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date");
    let now = today.and_hms_opt(2, 0, 0).expect("valid time").and_utc();
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("bench.db");
    let mut store = Store::create(&path)?;

    let t = Instant::now();
    let s = demo::generate(&mut store, &DemoConfig { units, seed: 42, today })?;
    let generate = t.elapsed();

    let t = Instant::now();
    let initial = jobs::run(&mut store, jobs::Job::InitialReclassification, today, now)?;
    let reclassify = t.elapsed();

    let t = Instant::now();
    let daily = jobs::run(&mut store, jobs::Job::ClassifyLeaseStatuses, today, now)?;
    let classify = t.elapsed();

    let t = Instant::now();
    let again = jobs::run(&mut store, jobs::Job::ClassifyLeaseStatuses, today, now)?;
    let classify_again = t.elapsed();

    let t = Instant::now();
    let stats = store.lifecycle_stats(&LeaseFilter::default(), today)?;
    let stats_time = t.elapsed();

    let size = std::fs::metadata(&path)?.len();
    println!("lifecycle benchmark, {units} units (seed 42, today {today})");
    println!(
        "  generate portfolio     {:>9.2} s   ({} leases, {} ledger entries, {} work orders, {:.0} MiB)",
        generate.as_secs_f64(),
        s.leases,
        s.ledger_entries,
        s.work_orders,
        size as f64 / 1048576.0
    );
    println!("  initial reclassify     {:>9.1} ms  ({})", reclassify.as_secs_f64() * 1e3, initial.summary);
    println!("  daily classify         {:>9.1} ms  ({})", classify.as_secs_f64() * 1e3, daily.summary);
    println!("  daily classify again   {:>9.1} ms  ({})", classify_again.as_secs_f64() * 1e3, again.summary);
    println!("  lifecycle stats        {:>9.1} ms  ({} leases)", stats_time.as_secs_f64() * 1e3, stats.total_leases);
    Ok(())
}
