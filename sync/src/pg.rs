//! The central store on PostgreSQL: pool, migrations, the change log, lifecycle writes and
//! the demo seed. Rows cross into Rust as canonical JSON (see `tables`) and from there into
//! the `unitcycle_core` domain structs.

use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use serde_json::Value;
use tokio_postgres::{GenericClient, NoTls, Transaction};
use unitcycle_core::lifecycle::{self, Transition};
use unitcycle_core::migrations::{POSTGRES, VERSION_TABLE};
use unitcycle_core::model::{Lease, LeaseStatusLog, UnitStatus};
use uuid::Uuid;

use crate::tables::{self, RowError, Table};

/// Advisory lock ids (any constant unique to this application).
const MIGRATE_LOCK: i64 = 0x5543_0001;
/// Held while change sequences are handed out, so sequences become visible in order.
const SEQ_LOCK: i64 = 0x5543_0002;

#[derive(Debug, thiserror::Error)]
pub enum PgError {
    #[error("database error: {0}")]
    Db(#[from] tokio_postgres::Error),
    #[error("database pool: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("stored row is unreadable: {0}")]
    Row(#[from] RowError),
    #[error("stored row is unreadable: {0}")]
    Json(#[from] serde_json::Error),
    #[error("{0}")]
    Setup(String),
}

pub type Result<T, E = PgError> = std::result::Result<T, E>;

/// A connection pool for `url` (a libpq-style string or a `postgres://` URL).
pub fn pool(url: &str, max_size: usize) -> Result<Pool> {
    let cfg: tokio_postgres::Config =
        url.parse().map_err(|e| PgError::Setup(format!("bad database URL '{url}': {e}")))?;
    pool_from_config(cfg, max_size)
}

/// Applies every migration from `unitcycle_core::migrations::POSTGRES` the database has not
/// had, recording each in `schema_migrations`. Safe to run from several servers at once.
pub async fn migrate(pool: &Pool) -> Result<Vec<&'static str>> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATE_LOCK]).await?;
    tx.batch_execute(&format!(
        "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
            version BIGINT PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL DEFAULT now())"
    ))
    .await?;
    // Applied by set membership: branches number their files up front, so a lower number can
    // land after a higher one.
    let applied_versions: Vec<i64> =
        tx.query(&format!("SELECT version FROM {VERSION_TABLE}"), &[]).await?.iter().map(|r| r.get(0)).collect();
    if let Some(unknown) = applied_versions.iter().find(|v| !POSTGRES.iter().any(|m| m.version == **v)) {
        return Err(PgError::Setup(format!(
            "the database has schema version {unknown}, which this server does not know; upgrade the server"
        )));
    }
    let mut applied = Vec::new();
    for m in POSTGRES.iter().filter(|m| !applied_versions.contains(&m.version)) {
        tx.batch_execute(m.sql).await.map_err(|e| PgError::Setup(format!("migration {}: {e}", m.name)))?;
        tx.execute(&format!("INSERT INTO {VERSION_TABLE} (version, name) VALUES ($1, $2)"), &[&m.version, &m.name])
            .await?;
        applied.push(m.name);
    }
    seed_reference(&tx).await?;
    tx.commit().await?;
    Ok(applied)
}

/// Writes the shipped clause library, jurisdiction rules and reply templates (the same rows and
/// ids as every replica's), so a changed asset reaches the database with the server that ships it.
async fn seed_reference(tx: &Transaction<'_>) -> Result<()> {
    use unitcycle_core::lease_generation::{clauses, model};
    for t in tables::REFERENCE_TABLES {
        match t.name {
            "lease_clause" => upsert_rows(tx, t, &clauses::library()).await?,
            "communication_template" => {
                upsert_rows(tx, t, &unitcycle_core::communications_hub::templates::library()).await?
            }
            _ => upsert_rows(tx, t, &model::rule_rows()).await?,
        };
    }
    Ok(())
}

/// Gives the rows `ids` of `t` the next change sequence numbers (the change log). Call it
/// last in a write transaction, after every row lock is taken.
pub async fn bump(tx: &Transaction<'_>, t: &Table, ids: &[Uuid]) -> Result<()> {
    if ids.is_empty() {
        return Ok(());
    }
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SEQ_LOCK]).await?;
    let sql = format!(
        "INSERT INTO sync_row_version (entity, row_id, property_id)
         SELECT '{name}', r.id, {prop} FROM {name} r WHERE r.id = ANY($1) ORDER BY r.id
         ON CONFLICT (entity, row_id) DO UPDATE
         SET change_seq = nextval(pg_get_serial_sequence('sync_row_version', 'change_seq')),
             property_id = EXCLUDED.property_id",
        name = t.name,
        prop = t.property_sql
    );
    tx.execute(&sql, &[&ids]).await?;
    Ok(())
}

/// Inserts (or updates, by id) domain rows of synced table `t` through their canonical JSON, in
/// one statement; returns their ids. The caller enters them in the change log (`bump`).
pub async fn upsert_rows<T: serde::Serialize>(tx: &Transaction<'_>, t: &Table, rows: &[T]) -> Result<Vec<Uuid>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let mut json = Vec::with_capacity(rows.len());
    let mut ids = Vec::with_capacity(rows.len());
    for r in rows {
        let v = tables::canonicalize(t, serde_json::to_value(r)?)?;
        ids.extend(v["id"].as_str().and_then(|s| s.parse::<Uuid>().ok()));
        json.push(v);
    }
    tx.execute(&tables::pg_upsert_sql(t), &[&Value::Array(json)]).await?;
    Ok(ids)
}

/// Writes domain rows of synced table `table` and enters them in the change log (`upsert_rows`
/// then `bump`), for adapters that write a table's rows as they are.
pub async fn upsert_synced<T: serde::Serialize>(tx: &Transaction<'_>, table: &str, rows: &[T]) -> Result<()> {
    let t = synced(table)?;
    let ids = upsert_rows(tx, t, rows).await?;
    bump(tx, t, &ids).await
}

/// The canonical JSON of rows `ids` of `t`.
pub async fn rows_by_id(c: &impl GenericClient, t: &Table, ids: &[Uuid]) -> Result<Vec<Value>> {
    let sql = format!("SELECT {} FROM {} r WHERE r.id = ANY($1)", tables::pg_json_expr(t), t.name);
    c.query(&sql, &[&ids]).await?.iter().map(|r| Ok(tables::canonicalize(t, r.get::<_, Value>(0))?)).collect()
}

fn table(name: &str) -> &'static Table {
    tables::table(name).expect("synced table")
}

/// The synced table `name`, or a setup error naming it (a table left out of the registry).
pub fn synced(name: &str) -> Result<&'static Table> {
    tables::table(name).ok_or_else(|| PgError::Setup(format!("{name} is not a synced table")))
}

/// A lease with the names lists show beside it.
pub struct LeaseView {
    pub lease: Lease,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
    /// The property's IANA time zone: "today" for the lease is its local date.
    pub time_zone: String,
}

impl LeaseView {
    /// "Today" for the lease at `now`: its property's local date.
    pub fn today(&self, now: DateTime<Utc>) -> Result<chrono::NaiveDate> {
        unitcycle_core::time::today_in(&self.time_zone, now).map_err(PgError::Setup)
    }
}

/// Each of `properties`' "today" at `now` (its local date), for listings that span properties.
pub async fn days(
    c: &impl GenericClient,
    properties: &[Uuid],
    now: DateTime<Utc>,
) -> Result<unitcycle_core::time::Days> {
    let rows = c.query("SELECT id, time_zone::text FROM properties WHERE id = ANY($1)", &[&properties]).await?;
    let zones = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    unitcycle_core::time::Days::at(&zones, now.date_naive(), now).map_err(|e| PgError::Setup(e.to_string()))
}

/// Loads a lease if it belongs to one of `properties`; `for_update` locks it.
pub async fn lease_view(
    c: &impl GenericClient,
    id: Uuid,
    properties: &[Uuid],
    for_update: bool,
) -> Result<Option<LeaseView>> {
    let sql = format!(
        "SELECT {json}, t.first_name || ' ' || t.last_name, u.unit_number::text, p.name::text, p.time_zone::text
         FROM tenant_lease r JOIN tenants t ON t.id = r.tenant_id JOIN units_unit u ON u.id = r.unit_id
         JOIN properties p ON p.id = r.property_id
         WHERE r.id = $1 AND r.property_id = ANY($2) {lock}",
        json = tables::pg_json_expr(table("tenant_lease")),
        lock = if for_update { "FOR UPDATE OF r" } else { "" }
    );
    let Some(row) = c.query_opt(&sql, &[&id, &properties]).await? else { return Ok(None) };
    Ok(Some(LeaseView {
        lease: lease_from_json(row.get(0))?,
        tenant_name: row.get(1),
        unit_number: row.get(2),
        property_name: row.get(3),
        time_zone: row.get(4),
    }))
}

pub fn lease_from_json(v: Value) -> Result<Lease> {
    Ok(serde_json::from_value(tables::canonicalize(table("tenant_lease"), v)?)?)
}

/// The status log of a lease, newest first.
pub async fn status_log(c: &impl GenericClient, lease_id: Uuid) -> Result<Vec<LeaseStatusLog>> {
    let t = table("lease_status_log");
    let sql = format!(
        "SELECT {} FROM lease_status_log r
         LEFT JOIN sync_row_version v ON v.entity = 'lease_status_log' AND v.row_id = r.id
         WHERE r.lease_id = $1 ORDER BY r.created_at DESC, v.change_seq DESC NULLS LAST, r.id",
        tables::pg_json_expr(t)
    );
    c.query(&sql, &[&lease_id])
        .await?
        .iter()
        .map(|r| Ok(serde_json::from_value(tables::canonicalize(t, r.get::<_, Value>(0))?)?))
        .collect()
}

/// Why a planned transition was not written.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error("the lease changed while this action was being applied (it is now {0}); reload and try again")]
    Conflict(String),
    #[error(transparent)]
    Pg(#[from] PgError),
}

impl From<tokio_postgres::Error> for ApplyError {
    fn from(e: tokio_postgres::Error) -> Self {
        ApplyError::Pg(e.into())
    }
}

/// Writes one transition planned by `unitcycle_core::lifecycle` (the same SQL as the
/// replica's `store::apply_transition`): lease fields, unit status and the log row `log_id`,
/// then records the changes in the change log.
pub async fn apply_transition(
    tx: &Transaction<'_>,
    t: &Transition,
    log_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApplyError> {
    write_transition(tx, t, log_id, now).await?;
    bump(tx, table("tenant_lease"), &[t.lease_id]).await?;
    if t.vacates_unit || t.occupies_unit {
        bump(tx, table("units_unit"), &[t.unit_id]).await?;
    }
    bump(tx, table("lease_status_log"), &[log_id]).await?;
    Ok(())
}

async fn write_transition(
    tx: &Transaction<'_>,
    t: &Transition,
    log_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), ApplyError> {
    let c = &t.changes;
    let changed = tx
        .execute(
            "UPDATE tenant_lease SET
                lease_status = $3,
                lease_status_changed_at = $4,
                lease_status_changed_by = $5,
                holdover_start_date = CASE WHEN $6 THEN NULL ELSE COALESCE($7, holdover_start_date) END,
                notice_date = COALESCE($8, notice_date),
                notice_move_out_date = COALESCE($9, notice_move_out_date),
                actual_move_out_date = COALESCE($10, actual_move_out_date),
                lease_begin_date = COALESCE($11, lease_begin_date),
                lease_end_date = COALESCE($12, lease_end_date),
                updated_at = $4
             WHERE id = $1 AND lease_status = $2",
            &[
                &t.lease_id,
                &t.from.as_str(),
                &t.to.as_str(),
                &now,
                &lifecycle::truncate(&t.changed_by, 50),
                &c.clear_holdover,
                &c.holdover_start_date,
                &c.notice_date,
                &c.notice_move_out_date,
                &c.actual_move_out_date,
                &c.lease_begin_date,
                &c.lease_end_date,
            ],
        )
        .await?;
    if changed == 0 {
        let now_status = tx
            .query_opt("SELECT lease_status::text FROM tenant_lease WHERE id = $1", &[&t.lease_id])
            .await?
            .map(|r| r.get::<_, String>(0))
            .unwrap_or_else(|| "deleted".into());
        return Err(ApplyError::Conflict(now_status));
    }
    let unit_status = if t.vacates_unit {
        Some(UnitStatus::Vacant)
    } else if t.occupies_unit {
        Some(UnitStatus::Occupied)
    } else {
        None
    };
    if let Some(status) = unit_status {
        tx.execute(
            "UPDATE units_unit SET status = $2, updated_at = $3 WHERE id = $1",
            &[&t.unit_id, &status.as_str(), &now],
        )
        .await?;
    }
    tx.execute(
        "INSERT INTO lease_status_log (id, lease_id, previous_status, new_status, reason, changed_by, metadata, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[
            &log_id,
            &t.lease_id,
            &t.from.as_str(),
            &t.to.as_str(),
            &lifecycle::truncate(&t.reason, lifecycle::MAX_REASON_CHARS),
            &lifecycle::truncate(&t.changed_by, 100),
            &t.metadata,
            &now,
        ],
    )
    .await?;
    // Spec 2.1: notice opens the unit's turnover, in this same transaction.
    if t.to == unitcycle_core::model::LeaseStatus::Notice {
        crate::turnover::adapter::open_on_notice(tx, t.lease_id, now).await?;
    }
    Ok(())
}

/// Writes many transitions (the daily classification) and logs them in the change log.
pub async fn apply_transitions(tx: &Transaction<'_>, ts: &[Transition], now: DateTime<Utc>) -> Result<(), ApplyError> {
    let mut leases = Vec::with_capacity(ts.len());
    let mut units = Vec::new();
    let mut logs = Vec::with_capacity(ts.len());
    for t in ts {
        let log_id = Uuid::new_v4();
        write_transition(tx, t, log_id, now).await?;
        leases.push(t.lease_id);
        if t.vacates_unit || t.occupies_unit {
            units.push(t.unit_id);
        }
        logs.push(log_id);
    }
    bump(tx, table("tenant_lease"), &leases).await?;
    bump(tx, table("units_unit"), &units).await?;
    bump(tx, table("lease_status_log"), &logs).await?;
    Ok(())
}

/// Copies every synced table of a replica (e.g. the generated demo portfolio) into the
/// server in batches, then enters every row in the change log, parents first.
pub async fn seed_from_replica(pool: &Pool, conn: &rusqlite::Connection, batch: usize) -> Result<u64> {
    let mut client = pool.get().await?;
    let tx = client.transaction().await?;
    let mut total = 0u64;
    for t in tables::TABLES {
        let sql = tables::pg_upsert_sql(t);
        let stmt = tx.prepare(&sql).await?;
        let mut after = String::new();
        loop {
            let rows = tables::sqlite_rows(conn, t, &format!("WHERE id > ?1 ORDER BY id LIMIT {batch}"), &[&after])?;
            let Some(last) = rows.last() else { break };
            after = last["id"].as_str().unwrap_or_default().to_string();
            let n = rows.len();
            tx.execute(&stmt, &[&Value::Array(rows)]).await?;
            total += n as u64;
            if n < batch {
                break;
            }
        }
    }
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SEQ_LOCK]).await?;
    for t in tables::TABLES {
        tx.execute(
            &format!(
                "INSERT INTO sync_row_version (entity, row_id, property_id)
                 SELECT '{name}', r.id, {prop} FROM {name} r ORDER BY r.id
                 ON CONFLICT (entity, row_id) DO UPDATE
                 SET change_seq = nextval(pg_get_serial_sequence('sync_row_version', 'change_seq'))",
                name = t.name,
                prop = t.property_sql
            ),
            &[],
        )
        .await?;
    }
    tx.commit().await?;
    // Fresh statistics, so the change feed walks the sequence index instead of sorting.
    client.batch_execute("ANALYZE").await?;
    Ok(total)
}

/// Every property id (for granting a demo user the whole portfolio).
pub async fn property_ids(c: &impl GenericClient) -> Result<Vec<Uuid>> {
    Ok(c.query("SELECT id FROM properties ORDER BY name, id", &[]).await?.iter().map(|r| r.get(0)).collect())
}

/// A pool over an already parsed configuration.
pub fn pool_from_config(cfg: tokio_postgres::Config, max_size: usize) -> Result<Pool> {
    let mgr = Manager::from_config(cfg, NoTls, ManagerConfig { recycling_method: RecyclingMethod::Fast });
    Pool::builder(mgr).max_size(max_size).build().map_err(|e| PgError::Setup(e.to_string()))
}

async fn admin(admin_url: &str) -> Result<tokio_postgres::Client> {
    let (client, conn) = tokio_postgres::connect(admin_url, NoTls).await?;
    tokio::spawn(async move {
        if let Err(e) = conn.await {
            tracing::warn!(error = %e, "admin connection closed");
        }
    });
    Ok(client)
}

/// Creates a fresh, empty database `name` (dropping a leftover of the same name) and returns
/// the configuration to reach it. `name` must be a plain identifier.
pub async fn create_database(admin_url: &str, name: &str) -> Result<tokio_postgres::Config> {
    if !name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
        return Err(PgError::Setup(format!("'{name}' is not a plain database name")));
    }
    let client = admin(admin_url).await?;
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    client.batch_execute(&format!("CREATE DATABASE {name}")).await?;
    let mut cfg: tokio_postgres::Config =
        admin_url.parse().map_err(|e| PgError::Setup(format!("bad database URL '{admin_url}': {e}")))?;
    cfg.dbname(name);
    Ok(cfg)
}

/// Drops database `name` (closing any connection still open to it).
pub async fn drop_database(admin_url: &str, name: &str) -> Result<()> {
    admin(admin_url).await?.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    Ok(())
}
