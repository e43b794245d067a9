//! How long the desktop's back-office views take over a demo replica, as the window calls them:
//!
//! ```sh
//! cargo run --release -p unitcycle-desktop --example views_bench -- --units 20000
//! ```
//!
//! Builds the demo (with the day's jobs) in a temporary folder, then times each command a few
//! times and prints the mean and the slowest run.

use std::time::{Duration, Instant};

use chrono::Utc;
use unitcycle_core::ai::Gateway;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::Store;
use unitcycle_desktop::commands::ops;
use unitcycle_desktop::AppState;

const RUNS: u32 = 5;

fn time<T>(label: &str, mut f: impl FnMut() -> T) -> T {
    let mut worst = Duration::ZERO;
    let mut total = Duration::ZERO;
    let mut out = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        out = Some(f());
        let took = started.elapsed();
        total += took;
        worst = worst.max(took);
    }
    println!("{label:<34} mean {:>8.1} ms   max {:>8.1} ms", ms(total / RUNS), ms(worst));
    out.expect("RUNS > 0")
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut units = 5_000;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--units" => units = args.next().ok_or("--units needs a number")?.parse()?,
            other => return Err(format!("unknown argument {other}; usage: views_bench [--units N]").into()),
        }
    }
    if units == 0 {
        return Err("--units must be at least 1".into());
    }
    let dir = tempfile::tempdir()?;
    let path = dir.path().join("replica.db");
    let now = Utc::now();
    let started = Instant::now();
    {
        let mut store = Store::create(&path)?;
        demo::generate(&mut store, &DemoConfig { units, ..DemoConfig::new(now.date_naive()) })?;
        demo::run_demo_jobs(&mut store, now.date_naive(), now, |_| ())?;
    }
    println!("demo of {units} units with today's jobs: {:.1} s", started.elapsed().as_secs_f64());
    let s = AppState::open_with(path, Gateway::offline("benchmark".into())).map_err(|e| e.detail)?;

    let dash = time("dashboard", || ops::dashboard(&s)).map_err(|e| e.detail)?;
    let renewals = time("list_renewals (all)", || ops::list_renewals(&s, None)).map_err(|e| e.detail)?;
    let cases = time("list_collections (open)", || ops::list_collections(&s, false)).map_err(|e| e.detail)?;
    println!(
        "  {} units, {} renewals ({} listed), {} open cases ({} listed)",
        dash.kpis.units,
        renewals.total,
        renewals.rows.len(),
        cases.total,
        cases.rows.len()
    );
    if let Some(case) = cases.rows.first() {
        time("collection_case (most overdue)", || ops::collection_case(&s, case.case.id.to_string()))
            .map_err(|e| e.detail)?;
    }
    if let Some(r) = renewals.rows.first() {
        time("renewal_letter_pdf", || ops::renewal_letter_pdf(&s, r.renewal.id.to_string())).map_err(|e| e.detail)?;
    }
    Ok(())
}
