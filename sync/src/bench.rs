//! `unitcycle-server bench-sync`: the initial sync of a generated portfolio into an empty
//! replica, then an incremental sync of 100 changes, against a throw-away database.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::Serialize;
use unitcycle_core::bench;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::Store;

use crate::client::{self, Client};
use crate::pg::{self, PgError};
use crate::scheduler;
use crate::server::{self, AppState, Clock};
use crate::wire::{LeaseWire, Page};

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub units: u32,
    pub seed_rows: u64,
    pub seed_seconds: f64,
    pub initial_rows: usize,
    pub initial_seconds: f64,
    /// Response bytes on the wire (bodies as sent, uncompressed).
    pub initial_bytes: u64,
    pub incremental_changes: usize,
    pub incremental_rows: usize,
    pub incremental_seconds: f64,
    pub incremental_bytes: u64,
}

impl BenchReport {
    pub fn markdown(&self) -> String {
        let rate = |rows: usize, s: f64| if s > 0.0 { rows as f64 / s } else { 0.0 };
        let mut out = format!(
            "### Sync: {} units (server seeded with {} rows in {:.1} s)\n\n",
            self.units, self.seed_rows, self.seed_seconds
        );
        out.push_str("| sync | rows | time | rows/s | bytes on the wire |\n|---|---:|---:|---:|---:|\n");
        out.push_str(&format!(
            "| initial (empty replica) | {} | {:.2} s | {:.0} | {:.1} MiB |\n",
            self.initial_rows,
            self.initial_seconds,
            rate(self.initial_rows, self.initial_seconds),
            self.initial_bytes as f64 / 1048576.0
        ));
        out.push_str(&format!(
            "| incremental ({} changes) | {} | {:.0} ms | {:.0} | {:.1} KiB |\n",
            self.incremental_changes,
            self.incremental_rows,
            self.incremental_seconds * 1e3,
            rate(self.incremental_rows, self.incremental_seconds),
            self.incremental_bytes as f64 / 1024.0
        ));
        out
    }
}

/// The API server in this process over `pool`, with a signed-in manager of every property and
/// a count of the response bytes it sends.
struct Served {
    url: String,
    api: Client,
    serving: tokio::task::JoinHandle<std::io::Result<()>>,
    sent: Arc<AtomicU64>,
}

impl Served {
    fn bytes(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }
}

async fn serve(pool: &deadpool_postgres::Pool) -> anyhow::Result<Served> {
    let client_db = pool.get().await?;
    let user = crate::auth::upsert_user(
        &**client_db,
        "bench@unitcycle.example",
        "bench",
        crate::auth::Role::Manager,
        Utc::now(),
    )
    .await?;
    crate::auth::grant(&**client_db, user, &pg::property_ids(&**client_db).await?).await?;
    drop(client_db);

    let sent = Arc::new(AtomicU64::new(0));
    let counter = sent.clone();
    let app = server::router(AppState::new(
        pool.clone(),
        Clock::system(),
        Arc::new(unitcycle_core::ai::Gateway::offline("benchmark: offline provider".into())),
    ))
    .layer(axum::middleware::from_fn(move |req: axum::extract::Request, next: axum::middleware::Next| {
        let counter = counter.clone();
        async move {
            let (parts, body) = next.run(req).await.into_parts();
            let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
            counter.fetch_add(bytes.len() as u64, Ordering::Relaxed);
            axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
        }
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    let token = Client::new(&url, None)?.login("bench@unitcycle.example", "bench").await?.token;
    let api = Client::new(&url, Some(token))?;
    Ok(Served { url, api, serving, sent })
}

/// The list endpoints a busy office hits, for `bench-load`.
const LOAD_PATHS: &[&str] = &[
    "/api/v1/tenants/leases/?page_size=50",
    "/api/v1/tenants/leases/?lease_status=notice&page_size=50",
    "/api/v1/units/?page_size=50",
    "/api/v1/tenants/?page_size=50",
    "/api/v1/renewals/?page_size=50",
    "/api/v1/collections/?page_size=50",
    "/api/v1/tenants/leases/lifecycle-stats/",
];

/// `unitcycle-server bench-load`: `clients` concurrent clients, each requesting the list
/// endpoints in turn for `seconds`, against a generated portfolio; latency per endpoint.
pub async fn bench_load(
    admin_url: &str,
    units: u32,
    clients: usize,
    seconds: u64,
    progress: &mut dyn FnMut(String),
) -> anyhow::Result<String> {
    let name = format!("uc_bench_load_{}", std::process::id());
    let cfg = pg::create_database(admin_url, &name).await?;
    let result = load(cfg, units, clients, seconds, progress).await;
    pg::drop_database(admin_url, &name).await?;
    result
}

async fn load(
    cfg: tokio_postgres::Config,
    units: u32,
    clients: usize,
    seconds: u64,
    progress: &mut dyn FnMut(String),
) -> anyhow::Result<String> {
    let (pool, summary, _, _) = seeded(cfg, units, Utc::now().date_naive(), progress).await?;
    let served = serve(&pool).await?;
    // Each endpoint once before the clock starts, as the day's first users do: it fills the
    // read cache's counts (a cold count is measured by the first request only).
    let warm = Instant::now();
    for path in LOAD_PATHS {
        served.api.get::<serde_json::Value>(path).await?;
    }
    let warm = warm.elapsed();
    let until = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for c in 0..clients {
        let api = served.api.clone();
        tasks.push(tokio::spawn(async move {
            let mut times: Vec<(usize, Duration)> = Vec::new();
            let mut errors = 0u64;
            let mut i = c;
            while Instant::now() < until {
                let k = i % LOAD_PATHS.len();
                let t = Instant::now();
                match api.get::<serde_json::Value>(LOAD_PATHS[k]).await {
                    Ok(_) => times.push((k, t.elapsed())),
                    Err(_) => errors += 1,
                }
                i += 1;
            }
            (times, errors)
        }));
    }
    let mut per_path: Vec<Vec<Duration>> = vec![Vec::new(); LOAD_PATHS.len()];
    let mut errors = 0;
    for t in tasks {
        let (times, e) = t.await?;
        errors += e;
        for (k, d) in times {
            per_path[k].push(d);
        }
    }
    served.serving.abort();
    pool.close();
    let mut out =
        format!("### Server under load: {clients} concurrent clients for {seconds} s, {} units\n\n", summary.units);
    out.push_str("| endpoint | requests | req/s | p50 | p99 | max |\n|---|---:|---:|---:|---:|---:|\n");
    let mut all = Vec::new();
    for (path, times) in LOAD_PATHS.iter().zip(per_path.iter_mut()) {
        all.extend(times.iter().copied());
        out.push_str(&latency_row(&format!("`{path}`"), times, seconds));
    }
    out.push_str(&latency_row("**all**", &mut all, seconds));
    out.push_str(&format!(
        "\nFailed requests: {errors}. Before the clock: each endpoint once, cold, in {:.0} ms together.\n",
        warm.as_secs_f64() * 1e3
    ));
    Ok(out)
}

/// `| name | requests | req/s | p50 | p99 | max |` over these latencies.
fn latency_row(name: &str, times: &mut [Duration], seconds: u64) -> String {
    if times.is_empty() {
        return format!("| {name} | 0 | | | | |\n");
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "| {name} | {} | {:.0} | {:.1} ms | {:.1} ms | {:.1} ms |\n",
        times.len(),
        times.len() as f64 / seconds.max(1) as f64,
        ms(times[times.len() / 2]),
        ms(times[times.len() * 99 / 100]),
        ms(times[times.len() - 1])
    )
}

/// Runs the benchmark; `progress` gets one line per phase.
pub async fn bench_sync(admin_url: &str, units: u32, progress: &mut dyn FnMut(String)) -> anyhow::Result<BenchReport> {
    let name = format!("uc_bench_{}", std::process::id());
    let cfg = pg::create_database(admin_url, &name).await?;
    let result = run(cfg, units, progress).await;
    pg::drop_database(admin_url, &name).await?;
    result
}

/// A throw-away database holding a generated portfolio of `units` units as of `today`.
async fn seeded(
    cfg: tokio_postgres::Config,
    units: u32,
    today: chrono::NaiveDate,
    progress: &mut dyn FnMut(String),
) -> anyhow::Result<(deadpool_postgres::Pool, demo::DemoSummary, u64, f64)> {
    let pool = pg::pool_from_config(cfg, 8)?;
    pg::migrate(&pool).await?;
    let started = Instant::now();
    let mut source = Store::in_memory()?;
    let summary = demo::generate(&mut source, &DemoConfig { units, seed: DemoConfig::DEFAULT_SEED, today })?;
    progress(format!("generated {} units in {:.1}s", summary.units, started.elapsed().as_secs_f64()));
    let started = Instant::now();
    let seed_rows = pg::seed_from_replica(&pool, source.conn(), 5000).await?;
    let seed_seconds = started.elapsed().as_secs_f64();
    drop(source);
    progress(format!("seeded PostgreSQL with {seed_rows} rows in {seed_seconds:.1}s"));
    Ok((pool, summary, seed_rows, seed_seconds))
}

/// `unitcycle-server bench-nightly`: the day's whole schedule over a generated portfolio in a
/// throw-away database, through the scheduler's own `run_job_report`; a markdown table.
pub async fn bench_nightly(admin_url: &str, units: u32, progress: &mut dyn FnMut(String)) -> anyhow::Result<String> {
    let name = format!("uc_bench_nightly_{}", std::process::id());
    let cfg = pg::create_database(admin_url, &name).await?;
    let result = nightly(cfg, units, progress).await;
    pg::drop_database(admin_url, &name).await?;
    result
}

async fn nightly(cfg: tokio_postgres::Config, units: u32, progress: &mut dyn FnMut(String)) -> anyhow::Result<String> {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("valid date");
    let (pool, summary, _, _) = seeded(cfg, units, today, progress).await?;
    let gateway = Arc::new(unitcycle_core::ai::Gateway::offline("benchmark: offline provider".into()));
    let mut times = Vec::new();
    let started = Instant::now();
    for (at, job) in bench::day_schedule(today) {
        let t = Instant::now();
        bench::memory::reset_peak();
        let report = scheduler::run_job_report(&pool, &gateway, job, at).await?;
        let summary = report.map_or_else(|| "already handled".to_string(), |r| r.summary);
        bench::add_run(&mut times, job, t.elapsed(), bench::memory::peak_mib(), summary);
    }
    progress(format!("ran the day's schedule in {:.1}s", started.elapsed().as_secs_f64()));
    pool.close();
    let title = format!("Nightly schedule on the server (PostgreSQL): {} leases, day {today}", summary.leases);
    Ok(bench::nightly_table(&title, &times))
}

async fn run(cfg: tokio_postgres::Config, units: u32, progress: &mut dyn FnMut(String)) -> anyhow::Result<BenchReport> {
    let today = Utc::now().date_naive();
    let (pool, summary, seed_rows, seed_seconds) = seeded(cfg, units, today, progress).await?;

    let served = serve(&pool).await?;
    let (api, url) = (&served.api, served.url.clone());

    let dir = tempfile_dir()?;
    let replica = Store::create(&dir.join("bench.db"))?;
    client::set_server(&replica, &url, "bench@unitcycle.example")?;
    let started = Instant::now();
    let before = served.bytes();
    let initial = client::pull(api, &replica, &url, 5000, &mut |_| {}).await?;
    let initial_seconds = started.elapsed().as_secs_f64();
    let initial_bytes = served.bytes() - before;
    progress(format!("initial sync: {} rows, {initial_bytes} bytes in {initial_seconds:.1}s", initial.rows));

    // 100 changes on the server: convert 100 active leases to month-to-month.
    let page: Page<LeaseWire> = api.get("/api/v1/tenants/leases/?lease_status=active&page_size=100").await?;
    let mut changed = 0;
    for lease in &page.results {
        let _: LeaseWire =
            api.post(&format!("/api/v1/tenants/leases/{}/convert-mtm/", lease.id), &serde_json::json!({})).await?;
        changed += 1;
    }
    let started = Instant::now();
    let before = served.bytes();
    let incremental = client::pull(api, &replica, &url, 5000, &mut |_| {}).await?;
    let incremental_seconds = started.elapsed().as_secs_f64();
    let incremental_bytes = served.bytes() - before;
    progress(format!("incremental sync of {changed} changes: {} rows in {incremental_seconds:.3}s", incremental.rows));
    served.serving.abort();
    drop(replica);
    std::fs::remove_dir_all(&dir).ok();
    pool.close();
    Ok(BenchReport {
        units: summary.units,
        seed_rows,
        seed_seconds,
        initial_rows: initial.rows,
        initial_seconds,
        initial_bytes,
        incremental_changes: changed,
        incremental_rows: incremental.rows,
        incremental_seconds,
        incremental_bytes,
    })
}

fn tempfile_dir() -> Result<std::path::PathBuf, PgError> {
    let dir = std::env::temp_dir().join(format!("unitcycle-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| PgError::Setup(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}
