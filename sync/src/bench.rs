//! `unitcycle-server bench-sync`: the initial sync of a generated portfolio into an empty
//! replica, then an incremental sync of 100 changes, against a throw-away database.

use std::time::Instant;

use chrono::Utc;
use serde::Serialize;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::Store;

use crate::client::{self, Client};
use crate::pg::{self, PgError};
use crate::server::{self, AppState, Clock};
use crate::wire::{LeaseWire, Page};

#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub units: u32,
    pub seed_rows: u64,
    pub seed_seconds: f64,
    pub initial_rows: usize,
    pub initial_seconds: f64,
    pub incremental_changes: usize,
    pub incremental_rows: usize,
    pub incremental_seconds: f64,
}

/// Runs the benchmark; `progress` gets one line per phase.
pub async fn bench_sync(admin_url: &str, units: u32, progress: &mut dyn FnMut(String)) -> anyhow::Result<BenchReport> {
    let name = format!("uc_bench_{}", std::process::id());
    let cfg = pg::create_database(admin_url, &name).await?;
    let result = run(cfg, units, progress).await;
    pg::drop_database(admin_url, &name).await?;
    result
}

async fn run(cfg: tokio_postgres::Config, units: u32, progress: &mut dyn FnMut(String)) -> anyhow::Result<BenchReport> {
    let pool = pg::pool_from_config(cfg, 8)?;
    pg::migrate(&pool).await?;
    let today = Utc::now().date_naive();

    let started = Instant::now();
    let mut source = Store::in_memory()?;
    let summary = demo::generate(&mut source, &DemoConfig { units, seed: DemoConfig::DEFAULT_SEED, today })?;
    progress(format!("generated {} units in {:.1}s", summary.units, started.elapsed().as_secs_f64()));
    let started = Instant::now();
    let seed_rows = pg::seed_from_replica(&pool, source.conn(), 5000).await?;
    let seed_seconds = started.elapsed().as_secs_f64();
    drop(source);
    progress(format!("seeded PostgreSQL with {seed_rows} rows in {seed_seconds:.1}s"));

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

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let app = server::router(AppState {
        pool: pool.clone(),
        clock: Clock::system(),
        gateway: std::sync::Arc::new(unitcycle_core::ai::Gateway::offline("benchmark: offline provider".into())),
        callback_secret: None,
    });
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    let url = format!("http://{addr}");
    let token = Client::new(&url, None)?.login("bench@unitcycle.example", "bench").await?.token;
    let api = Client::new(&url, Some(token))?;

    let dir = tempfile_dir()?;
    let replica = Store::create(&dir.join("bench.db"))?;
    client::set_server(&replica, &url, "bench@unitcycle.example")?;
    let started = Instant::now();
    let initial = client::pull(&api, &replica, &url, 5000, &mut |_| {}).await?;
    let initial_seconds = started.elapsed().as_secs_f64();
    progress(format!("initial sync: {} rows in {initial_seconds:.1}s", initial.rows));

    // 100 changes on the server: convert 100 active leases to month-to-month.
    let page: Page<LeaseWire> = api.get("/api/v1/tenants/leases/?lease_status=active&page_size=100").await?;
    let mut changed = 0;
    for lease in &page.results {
        let _: LeaseWire =
            api.post(&format!("/api/v1/tenants/leases/{}/convert-mtm/", lease.id), &serde_json::json!({})).await?;
        changed += 1;
    }
    let started = Instant::now();
    let incremental = client::pull(&api, &replica, &url, 5000, &mut |_| {}).await?;
    let incremental_seconds = started.elapsed().as_secs_f64();
    progress(format!("incremental sync of {changed} changes: {} rows in {incremental_seconds:.3}s", incremental.rows));
    serving.abort();
    drop(replica);
    std::fs::remove_dir_all(&dir).ok();
    pool.close();
    Ok(BenchReport {
        units: summary.units,
        seed_rows,
        seed_seconds,
        initial_rows: initial.rows,
        initial_seconds,
        incremental_changes: changed,
        incremental_rows: incremental.rows,
        incremental_seconds,
    })
}

fn tempfile_dir() -> Result<std::path::PathBuf, PgError> {
    let dir = std::env::temp_dir().join(format!("unitcycle-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| PgError::Setup(format!("cannot create {}: {e}", dir.display())))?;
    Ok(dir)
}
