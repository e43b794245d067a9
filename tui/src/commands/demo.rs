//! `unitcycle demo` and the no-argument default.

use std::path::Path;
use std::time::Instant;

use anyhow::{Context, Result};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs;
use unitcycle_core::store::Store;

use super::{now_on, today};
use crate::cli::DemoArgs;

/// Removes a replica and its WAL side files.
fn remove_replica(db: &Path) -> Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let mut p = db.as_os_str().to_owned();
        p.push(suffix);
        let p = std::path::PathBuf::from(p);
        if p.exists() {
            std::fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
        }
    }
    Ok(())
}

/// Creates the demo replica at `db`, replacing any file there, and runs the day's AI jobs
/// unless `run_jobs` is false.
pub fn create(db: &Path, cfg: &DemoConfig, run_jobs: bool) -> Result<()> {
    remove_replica(db)?;
    let started = Instant::now();
    let mut store = Store::create(db).with_context(|| format!("cannot create replica {}", db.display()))?;
    let s = demo::generate(&mut store, cfg)?;
    eprintln!(
        "Demo replica {} ({} properties, {} buildings, {} units, {} leases, {} ledger entries, {} work orders, {} vendors) in {:.1}s",
        db.display(),
        s.properties,
        s.buildings,
        s.units,
        s.leases,
        s.ledger_entries,
        s.work_orders,
        s.vendors,
        started.elapsed().as_secs_f64()
    );
    if run_jobs {
        eprintln!("Running today's jobs on it (offline provider):");
        let mut started = Instant::now();
        demo::run_demo_jobs(&mut store, cfg.today, now_on(cfg.today), |report| {
            eprintln!("  {}: {} ({:.1}s)", report.job, report.summary, started.elapsed().as_secs_f64());
            started = Instant::now();
        })?;
    }
    Ok(())
}

pub fn run(db: &Path, args: &DemoArgs) -> Result<()> {
    if args.units == 0 {
        anyhow::bail!("--units must be at least 1");
    }
    let cfg = DemoConfig { units: args.units, seed: args.seed, today: today(args.today) };
    create(db, &cfg, !args.no_jobs)
}

/// `unitcycle` with no arguments: make sure a replica exists, then open the terminal app on it.
pub fn open_default(db: &Path, today_arg: Option<chrono::NaiveDate>) -> Result<()> {
    if !db.exists() {
        create(db, &DemoConfig::new(today(today_arg)), true)?;
    }
    catch_up(db, today_arg)?;
    crate::app::run(db, today_arg)
}

/// A standalone replica runs the schedule itself when the app opens: the jobs due earlier today
/// that have not run since (`jobs::catch_up`), each reported as it goes. A connected replica
/// leaves them to the server.
fn catch_up(db: &Path, today_arg: Option<chrono::NaiveDate>) -> Result<()> {
    let mut store = super::open(db)?;
    let day = today(today_arg);
    let gateway = unitcycle_core::ai::Gateway::from_env();
    let mut started = Instant::now();
    let ran = jobs::catch_up(&mut store, day, now_on(day), &gateway, |job, done| match done {
        None => {
            eprint!("Running today's {} (due, not yet run on this replica)… ", job.name());
            started = Instant::now();
        }
        Some(Ok(report)) => eprintln!("{} ({:.1}s)", report.summary, started.elapsed().as_secs_f64()),
        Some(Err(e)) => eprintln!("failed: {e}"),
    })?;
    if ran.iter().any(Result::is_err) {
        eprintln!("Some jobs failed; `unitcycle jobs runs` lists them. Opening the app.");
    }
    Ok(())
}
