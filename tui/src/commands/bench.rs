//! `unitcycle bench lifecycle`: generate and classify a large portfolio, print timings.

use std::time::Instant;

use anyhow::Result;
use chrono::NaiveDate;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::{LeaseFilter, Store};
use unitcycle_core::{bench, jobs};

use crate::cli::BenchCommand;

pub fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Lifecycle { units } => lifecycle(units),
        BenchCommand::Tui { units, leases, replica } => crate::app::bench::run(units, leases, replica.as_deref()),
        BenchCommand::Nightly { units, replica } => nightly(units, replica.as_deref()),
        BenchCommand::Risk { units, work_orders, replica } => risk(units, work_orders, replica.as_deref()),
        BenchCommand::Documents { documents } => {
            let b = unitcycle_core::document_ai::bench::offline_extraction(documents);
            println!("| documents | pages | seconds | pages/s |\n|---:|---:|---:|---:|");
            println!("| {} | {} | {:.3} | {:.1} |", b.documents, b.pages, b.seconds, b.pages_per_second);
            Ok(())
        }
        BenchCommand::Photos { pairs, width, height, threads } => {
            let threads = threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()));
            println!("{}", bench::photo_pairs(pairs, width, height, threads).table());
            Ok(())
        }
    }
}

/// A replica to measure on, in a temporary directory: a copy of `replica` or a generated one.
fn bench_replica(
    dir: &tempfile::TempDir,
    units: u32,
    replica: Option<&std::path::Path>,
    today: NaiveDate,
) -> Result<std::path::PathBuf> {
    let path = dir.path().join("bench.db");
    match replica {
        Some(from) => {
            // Through SQLite, not a file copy: the source may still have pages in its WAL.
            let source = Store::open(from)?;
            source.conn().execute("VACUUM INTO ?1", [path.to_string_lossy()])?;
        }
        None => {
            // In a child process (`unitcycle demo --no-jobs`), so the memory the generator
            // used is not still held by this one's allocator when the benchmark measures.
            let t = Instant::now();
            let status = std::process::Command::new(std::env::current_exe()?)
                .arg("--db")
                .arg(&path)
                .args(["demo", "--no-jobs", "--seed", "42", "--units", &units.to_string(), "--today"])
                .arg(today.to_string())
                .stderr(std::process::Stdio::null())
                .status()?;
            anyhow::ensure!(status.success(), "generating the {units}-unit portfolio failed ({status})");
            eprintln!("generated {units} units in {:.1} s", t.elapsed().as_secs_f64());
        }
    }
    Ok(path)
}

/// The weekly risk scoring over `units` units and `work_orders` work orders.
fn risk(units: u32, work_orders: usize, replica: Option<&std::path::Path>) -> Result<()> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("valid date");
    let now = today.and_hms_opt(5, 0, 0).expect("valid time").and_utc();
    let dir = tempfile::tempdir()?;
    let path = bench_replica(&dir, units, replica, today)?;
    let mut store = Store::open(&path)?;
    let r = bench::risk_scoring(&mut store, work_orders, today, now)?;
    eprintln!("topped up to {} work orders in {:.1} s", r.work_orders, r.added.as_secs_f64());
    println!("{}", r.table());
    Ok(())
}

/// The day's whole schedule on a replica, through the same `jobs::run_with` the app runs.
fn nightly(units: u32, replica: Option<&std::path::Path>) -> Result<()> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date");
    let dir = tempfile::tempdir()?;
    let path = bench_replica(&dir, units, replica, today)?;
    // A fresh process view of the replica: the peak counts the jobs, not the generating.
    let mut store = Store::open(&path)?;
    let leases = store.count_leases(&LeaseFilter::default())?;
    let gateway = unitcycle_core::ai::Gateway::offline("benchmark: offline provider".into());
    let mut times = Vec::new();
    let started = Instant::now();
    for (at, job) in bench::day_schedule(today) {
        let t = Instant::now();
        let (report, peak) = bench::memory::run_measured(|| jobs::run_with(&mut store, job, today, at, &gateway));
        bench::add_run(&mut times, job, t.elapsed(), peak, report?.summary);
    }
    eprintln!("ran the day's schedule in {:.1} s", started.elapsed().as_secs_f64());
    let title = format!("Nightly schedule on a replica: {leases} leases, day {today}");
    println!("{}", bench::nightly_table(&title, &times));
    Ok(())
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
