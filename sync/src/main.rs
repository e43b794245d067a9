//! `unitcycle-server`: the central API over PostgreSQL.

use std::net::SocketAddr;

use anyhow::{Context, Result};
use chrono::Utc;
use clap::{Parser, Subcommand};
use unitcycle_core::delivery::Providers;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::store::Store;
use unitcycle_sync::auth::{self, Role};
use unitcycle_sync::outbox::{api as api_outbox, delivery};
use unitcycle_sync::server::{self, AppState, Clock};
use unitcycle_sync::{bench, pg, scheduler, verify};

const DEFAULT_DB: &str = "host=127.0.0.1 port=5432 user=postgres dbname=unitcycle";

#[derive(Debug, Parser)]
#[command(name = "unitcycle-server", version, about = "UnitCycle central API server (PostgreSQL)")]
struct Cli {
    /// PostgreSQL connection (libpq key=value or postgres:// URL)
    #[arg(long, global = true, env = "DATABASE_URL", default_value = DEFAULT_DB)]
    database_url: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Apply migrations and serve the API (and the 02:00 UTC schedule)
    Serve {
        #[arg(long, env = "UNITCYCLE_BIND", default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
        /// Seed an empty database with the demo portfolio and a demo user
        #[arg(long)]
        demo: bool,
        #[arg(long, default_value_t = DemoConfig::DEFAULT_UNITS)]
        demo_units: u32,
        /// Do not run scheduled jobs or deliver the outbox in this process
        #[arg(long)]
        no_scheduler: bool,
    },
    /// Apply migrations and exit
    Migrate,
    /// Create a user, or reset its password and role, and grant it properties
    CreateUser {
        #[arg(long)]
        email: String,
        /// manager, staff or read_only
        #[arg(long, default_value = "manager")]
        role: String,
        #[arg(long, env = "UNITCYCLE_PASSWORD", hide_env_values = true)]
        password: String,
        /// Grant every property
        #[arg(long)]
        all_properties: bool,
        /// Grant this property (repeatable)
        #[arg(long = "property")]
        properties: Vec<uuid::Uuid>,
    },
    /// Withdraw a user's access to properties (effective on its next request)
    RevokeGrant {
        #[arg(long)]
        email: String,
        /// Withdraw every property
        #[arg(long)]
        all_properties: bool,
        /// Withdraw this property (repeatable)
        #[arg(long = "property")]
        properties: Vec<uuid::Uuid>,
    },
    /// Sign a user out everywhere: revoke every token it holds
    RevokeTokens {
        #[arg(long)]
        email: String,
    },
    /// List the rows an older build let in that the boundary refuses today (dates outside
    /// 1900-01-01..2199-12-31, numbers beyond their column, terms out of order); jobs skip them
    /// with a warning. Exits 1 when there is any.
    Verify {
        /// Print the rows as JSON
        #[arg(long)]
        json: bool,
    },
    /// Benchmark: a whole day of the schedule (every run of every job) over a generated
    /// portfolio in a throw-away database; prints each job's time as a markdown table
    BenchNightly {
        #[arg(long, default_value_t = 100_000)]
        units: u32,
        /// Where to create the throw-away benchmark database
        #[arg(long, default_value = "host=127.0.0.1 port=5432 user=postgres dbname=postgres")]
        admin_url: String,
    },
    /// Benchmark: concurrent clients on the main list endpoints of a generated portfolio;
    /// prints latency per endpoint as a markdown table
    BenchLoad {
        #[arg(long, default_value_t = 100_000)]
        units: u32,
        #[arg(long, default_value_t = 50)]
        clients: usize,
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Where to create the throw-away benchmark database
        #[arg(long, default_value = "host=127.0.0.1 port=5432 user=postgres dbname=postgres")]
        admin_url: String,
    },
    /// Benchmark: initial sync of a generated portfolio, then 100 incremental changes
    BenchSync {
        /// Print a markdown table instead of JSON
        #[arg(long)]
        markdown: bool,
        #[arg(long, default_value_t = 100_000)]
        units: u32,
        /// Where to create the throw-away benchmark database
        #[arg(long, default_value = "host=127.0.0.1 port=5432 user=postgres dbname=postgres")]
        admin_url: String,
    },
}

#[tokio::main]
async fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info,tower_http=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    if let Err(e) = run(Cli::parse()).await {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::BenchNightly { units, admin_url } => {
            println!("{}", bench::bench_nightly(&admin_url, units, &mut |line| eprintln!("{line}")).await?);
            Ok(())
        }
        Command::BenchLoad { units, clients, seconds, admin_url } => {
            let table = bench::bench_load(&admin_url, units, clients, seconds, &mut |line| eprintln!("{line}")).await?;
            println!("{table}");
            Ok(())
        }
        Command::BenchSync { markdown, units, admin_url } => {
            let report = bench::bench_sync(&admin_url, units, &mut |line| eprintln!("{line}")).await?;
            if markdown {
                println!("{}", report.markdown());
            } else {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
            Ok(())
        }
        Command::Verify { json } => {
            let pool = pg::pool(&cli.database_url, 2)?;
            let client = pool.get().await?;
            let bad = verify::scan(&**client).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&bad)?);
            } else if bad.is_empty() {
                println!("No bad rows.");
            }
            for b in bad.iter().filter(|_| !json) {
                println!("{b}");
            }
            if !bad.is_empty() {
                anyhow::bail!("{} bad row(s): jobs skip them with a warning until they are fixed", bad.len());
            }
            Ok(())
        }
        Command::Migrate => {
            let pool = pg::pool(&cli.database_url, 2)?;
            let applied = pg::migrate(&pool).await.context("cannot migrate")?;
            println!("applied {} migration(s): {}", applied.len(), applied.join(", "));
            Ok(())
        }
        Command::CreateUser { email, role, password, all_properties, properties } => {
            let role =
                Role::parse(&role).with_context(|| format!("unknown role '{role}' (manager, staff, read_only)"))?;
            let pool = pg::pool(&cli.database_url, 2)?;
            pg::migrate(&pool).await?;
            let client = pool.get().await?;
            let user = auth::upsert_user(&**client, &email, &password, role, Utc::now()).await?;
            let grants = if all_properties { pg::property_ids(&**client).await? } else { properties };
            auth::grant(&**client, user, &grants).await?;
            println!(
                "user {email} ({}) may see {} properties; any earlier tokens are revoked",
                role.as_str(),
                grants.len()
            );
            Ok(())
        }
        Command::RevokeGrant { email, all_properties, properties } => {
            let pool = pg::pool(&cli.database_url, 2)?;
            let client = pool.get().await?;
            let user = auth::user_id(&**client, &email).await?.with_context(|| format!("no user {email}"))?;
            let which = if all_properties { pg::property_ids(&**client).await? } else { properties };
            if which.is_empty() {
                anyhow::bail!("name the properties to withdraw (--property ID, repeatable) or --all-properties");
            }
            let gone = auth::revoke_grants(&**client, user, &which).await?;
            println!("user {email} lost {gone} grant(s)");
            Ok(())
        }
        Command::RevokeTokens { email } => {
            let pool = pg::pool(&cli.database_url, 2)?;
            let client = pool.get().await?;
            let user = auth::user_id(&**client, &email).await?.with_context(|| format!("no user {email}"))?;
            let gone = auth::revoke_all(&**client, user, Utc::now()).await?;
            println!("user {email}: {gone} token(s) revoked");
            Ok(())
        }
        Command::Serve { bind, demo, demo_units, no_scheduler } => {
            let pool = pg::pool(&cli.database_url, 16)?;
            let applied = pg::migrate(&pool).await.with_context(|| format!("cannot prepare {}", cli.database_url))?;
            tracing::info!(applied = applied.len(), "migrations up to date");
            if demo {
                seed_demo(&pool, demo_units).await?;
            }
            let clock = Clock::system();
            let gateway = std::sync::Arc::new(unitcycle_core::ai::Gateway::from_env());
            tracing::info!(provider = %gateway.status().note, "AI gateway");
            let providers =
                std::sync::Arc::new(Providers::from_env(std::path::Path::new("outbox")).map_err(anyhow::Error::msg)?);
            for p in providers.describe() {
                tracing::info!(channel = p.channel.as_str(), provider = %p.description, "delivery");
            }
            let callback_secret = std::env::var(api_outbox::SECRET_ENV).ok().filter(|s| !s.trim().is_empty());
            if callback_secret.is_none() {
                tracing::info!("delivery callbacks are off ({} is not set)", api_outbox::SECRET_ENV);
            }
            if !no_scheduler {
                tokio::spawn(scheduler::run_forever(pool.clone(), clock.clone(), gateway.clone()));
                // The outbox is delivered beside the schedule; other servers skip what this one claimed.
                tokio::spawn(delivery::run_forever(pool.clone(), clock.clone(), providers));
            }
            let listener =
                tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
            tracing::info!(%bind, "serving the UnitCycle API");
            // With the peer address, so signatures record where they came from.
            // With the SMS provider's auth token, SMS callbacks must carry Twilio's signature.
            let sms_token = std::env::var(unitcycle_core::delivery::env::SMS_AUTH_TOKEN).ok();
            let state = AppState::new(pool, clock, gateway)
                .with_callback_secret(callback_secret)
                .with_sms_signature(sms_token, server::public_url().map(str::to_string));
            let app = server::router(state).into_make_service_with_connect_info::<SocketAddr>();
            axum::serve(listener, app).with_graceful_shutdown(shutdown()).await?;
            tracing::info!("stopped");
            Ok(())
        }
    }
}

/// Seeds the demo portfolio into an empty database and runs the day's jobs on it through the
/// offline provider, as `unitcycle demo` does on a replica, so the queues have work in them.
async fn seed_demo(pool: &deadpool_postgres::Pool, units: u32) -> Result<()> {
    let client = pool.get().await?;
    let existing: i64 = client.query_one("SELECT COUNT(*) FROM properties", &[]).await?.get(0);
    if existing == 0 {
        let mut store = Store::in_memory()?;
        let now = Utc::now();
        let cfg = DemoConfig { units, seed: DemoConfig::DEFAULT_SEED, today: now.date_naive() };
        let summary = demo::generate(&mut store, &cfg)?;
        let gateway = unitcycle_core::ai::Gateway::offline("demo history is drafted by the offline provider".into());
        // The cases' past steps, one paced step per run, as on a replica's demo.
        demo::collections_history(&mut store, &gateway, cfg.today)?;
        let rows = pg::seed_from_replica(pool, store.conn(), 5000).await?;
        tracing::info!(units = summary.units, rows, "seeded the demo portfolio");
        let gateway = std::sync::Arc::new(gateway);
        for job in demo::DEMO_JOBS {
            let ran = scheduler::run_job(pool, &gateway, job, now).await?;
            tracing::info!(job = job.name(), summary = ran.as_deref().unwrap_or("already ran"), "demo job");
        }
    }
    let user = auth::upsert_user(&**client, "demo@unitcycle.example", "demo", Role::Manager, Utc::now()).await?;
    auth::grant(&**client, user, &pg::property_ids(&**client).await?).await?;
    tracing::info!("demo user: demo@unitcycle.example / demo (manager, every property)");
    Ok(())
}

async fn shutdown() {
    let ctrl_c = async {
        tokio::signal::ctrl_c().await.ok();
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
