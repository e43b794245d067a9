//! The server's side of the storage ports (`unitcycle_core::port`): every feature's port over
//! PostgreSQL. The core's jobs and workflows are synchronous, so they run on a blocking thread
//! ([`run`]) and this adapter drives its async queries with the runtime's handle. Reads hold no
//! transaction; each feature's `write_*` applies its rows in one short transaction, bumping the
//! change sequence of every synced row it touches.

pub use crate::collections::adapter as collections;
pub use crate::command_center::adapter as command_center;
pub use crate::import::adapter as import;
pub use crate::inspections::adapter as inspections;
pub use crate::lifecycle::adapter as lifecycle;
pub use crate::outbox::adapter as outbox;
pub use crate::records::adapter as records;
pub use crate::renewals::adapter as renewals;

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use tokio::runtime::Handle;
use tokio_postgres::types::ToSql;
use unitcycle_core::ai::{AiRun, AiRunLog};
use unitcycle_core::doctor::{self, BadRow, Sane};
use unitcycle_core::model::{Lease, Property, Tenant, Unit};
use unitcycle_core::port::Records;
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::pg::{self, PgError};
use crate::pgdomain;
use crate::tables;

pub(crate) type StoreResult<T> = std::result::Result<T, StoreError>;

/// A pooled connection scoped to some properties, used from a blocking thread.
pub struct PgPort {
    pub(crate) client: deadpool_postgres::Object,
    pub(crate) rt: Handle,
    /// The properties this port reads and writes (a caller's grants, or every property for the
    /// schedule).
    pub(crate) scope: Vec<Uuid>,
    /// A replica's pushed action being applied: recorded in `sync_mutation` in the transaction
    /// of its rows, so it is applied once.
    pub(crate) mutation: Option<MutationRecord>,
    /// The user an import's properties are granted to, in the import's transaction.
    pub(crate) grantee: Option<Uuid>,
    /// Rows the lists jobs iterate read past ([`PgPort::sane_rows`]) since the last
    /// [`PgPort::take_skipped`].
    pub(crate) skipped: std::sync::Mutex<Vec<BadRow>>,
}

/// The `sync_mutation` row of a pushed action.
#[derive(Debug, Clone)]
pub struct MutationRecord {
    pub client_id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub entity_id: Uuid,
}

/// How a PostgreSQL failure reaches the core: as a database error (the API's 503).
/// A database error as the core's error: a value the column cannot hold (SQLSTATE class 22) is
/// the caller's input, refused (400); a broken constraint (class 23) is a conflict with what is
/// stored (409); anything else is the database failing (503).
pub fn store_error(e: PgError) -> StoreError {
    let PgError::Db(db) = &e else { return StoreError::Database(e.to_string()) };
    let Some(state) = db.code() else { return StoreError::Database(e.to_string()) };
    let detail = db.as_db_error().map(|d| d.message().to_string()).unwrap_or_default();
    match &state.code()[..2] {
        "22" => StoreError::Rejected(format!("A value does not fit: {detail}.")),
        "23" => StoreError::Conflict { what: "record", now: format!("the database refused it: {detail}") },
        _ => StoreError::Database(e.to_string()),
    }
}

impl PgPort {
    /// Rows of a synced `table` (row alias `r`) in the properties the caller may see (`$1`);
    /// `filter` goes on after the scope (`AND r.id = $2 …`, `ORDER BY …`) with `params` from `$2`.
    pub(crate) fn scoped_rows<T: DeserializeOwned>(
        &self,
        table: &str,
        filter: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> StoreResult<Vec<T>> {
        let mut all: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&self.scope];
        all.extend_from_slice(params);
        self.block(crate::pgdomain::rows(self.client(), table, &format!("r.property_id = ANY($1) {filter}"), &all))
    }
}

impl PgPort {
    pub(crate) fn block<T>(&self, f: impl std::future::Future<Output = Result<T, PgError>>) -> StoreResult<T> {
        self.rt.block_on(f).map_err(store_error)
    }

    /// Records `m` with the next write (see [`MutationRecord`]).
    pub fn record_mutation(&mut self, m: MutationRecord) {
        self.mutation = Some(m);
    }

    /// Inside a write's transaction: records the pending pushed action, refusing a client id
    /// that another request recorded meanwhile.
    pub(crate) async fn record_pending_mutation(
        mutation: Option<MutationRecord>,
        tx: &tokio_postgres::Transaction<'_>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let Some(m) = mutation else { return Ok(()) };
        let fresh = tx
            .execute(
                "INSERT INTO sync_mutation (client_id, user_id, kind, outcome, created_at, entity_id)
                 VALUES ($1, $2, $3, 'applied', $4, $5) ON CONFLICT (client_id) DO NOTHING",
                &[&m.client_id, &m.user_id, &m.kind, &now, &m.entity_id],
            )
            .await
            .map_err(|e| store_error(e.into()))?;
        if fresh == 0 {
            return Err(StoreError::Conflict {
                what: "record",
                now: "another push already applied this action".into(),
            });
        }
        Ok(())
    }

    pub(crate) fn client(&self) -> &tokio_postgres::Client {
        &self.client
    }

    /// A domain row of synced table `table` by id, within the port's scope where the table has a
    /// `property_id`.
    pub(crate) fn must<T: serde::de::DeserializeOwned>(
        &self,
        table: &str,
        what: &'static str,
        id: Uuid,
    ) -> StoreResult<T> {
        self.block(pgdomain::row(self.client(), table, id))?
            .ok_or_else(|| StoreError::NotFound { what, id: id.to_string() })
    }
}

impl PgPort {
    /// The rows read past (see [`PgPort::sane_rows`]) since the last call; a job's report names
    /// them.
    pub fn take_skipped(&self) -> Vec<BadRow> {
        std::mem::take(&mut *self.skipped.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Keeps `row` for the job's report and logs it: a row an older build let in is read past.
    pub(crate) fn skip(&self, row: BadRow) {
        tracing::warn!("skipping a bad row: {row}");
        self.skipped.lock().unwrap_or_else(|e| e.into_inner()).push(row);
    }

    /// Like [`pgdomain::rows`], for the lists jobs iterate: each row is mapped on its own, and one
    /// that does not read back or fails [`Sane`] (a year-10000 date, an amount beyond its column)
    /// is skipped with a warning and kept for [`PgPort::take_skipped`], so one row an older build
    /// let in does not fail a whole portfolio's job (`unitcycle-server verify` lists them).
    pub(crate) fn sane_rows<T: DeserializeOwned + Sane>(
        &self,
        table: &str,
        where_sql: &str,
        args: &[&(dyn ToSql + Sync)],
    ) -> StoreResult<Vec<T>> {
        let t = pg::synced(table).map_err(store_error)?;
        let raw = self.block(pgdomain::json_rows(self.client(), t, where_sql, args))?;
        let mut out = Vec::with_capacity(raw.len());
        for json in raw {
            let read = tables::canonicalize(t, json.clone())
                .map_err(|e| e.to_string())
                .and_then(|v| serde_json::from_value::<T>(v).map_err(|e| e.to_string()));
            let (field, value, why) = match read {
                Ok(v) => match v.problem() {
                    None => {
                        out.push(v);
                        continue;
                    }
                    Some((field, value, why)) => (field.to_string(), value, why),
                },
                Err(e) => unreadable(table, &json, &e),
            };
            let id = json.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
            self.skip(BadRow { table: table.to_string(), id, field, value, why });
        }
        Ok(out)
    }
}

/// What is wrong with a row that did not read back: its first checked column
/// ([`doctor::COLUMNS`]) that breaks a rule, else the mapping's error.
fn unreadable(table: &str, json: &serde_json::Value, error: &str) -> (String, String, String) {
    for &(t, column, kind) in doctor::COLUMNS {
        let text = match json.get(column) {
            Some(serde_json::Value::String(s)) if t == table => s.clone(),
            Some(n @ serde_json::Value::Number(_)) if t == table => n.to_string(),
            _ => continue,
        };
        let why = match kind {
            doctor::Kind::Date => doctor::date_problem(column, &text),
            doctor::Kind::Numeric(p, s) => doctor::numeric_problem(column, &text, p, s),
        };
        if let Some(why) = why {
            return (column.to_string(), text, why);
        }
    }
    ("row".into(), String::new(), format!("unreadable: {error}"))
}

/// A text column parsed into its domain type (an enum, money); `what` names it in the error.
pub(crate) fn parse<T: std::str::FromStr>(r: &tokio_postgres::Row, i: usize, what: &str) -> Result<T, PgError> {
    let text: String = r.get(i);
    text.parse().map_err(|_| PgError::Setup(format!("{what}: unreadable value '{text}'")))
}

/// One feature's row change, applied inside the transaction of [`PgPort::write_all`].
pub(crate) trait RowWrite: Sync {
    async fn apply(&self, tx: &tokio_postgres::Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()>;
}

impl PgPort {
    /// Applies `writes` in order in one transaction (all or none), after recording the pushed
    /// action being applied, if any.
    pub(crate) fn write_all<W: RowWrite>(&mut self, writes: &[W], now: DateTime<Utc>) -> StoreResult<()> {
        let rt = self.rt.clone();
        let mutation = self.mutation.take();
        rt.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| store_error(e.into()))?;
            Self::record_pending_mutation(mutation, &tx, now).await?;
            for w in writes {
                w.apply(&tx, now).await?;
            }
            tx.commit().await.map_err(|e| store_error(e.into()))
        })
    }
}

/// Runs `f` with a port over `pool` on a blocking thread. `scope`: the properties it may touch
/// (`None`: every property, for the schedule).
pub async fn run<T, F>(pool: &deadpool_postgres::Pool, scope: Option<Vec<Uuid>>, f: F) -> StoreResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut PgPort) -> StoreResult<T> + Send + 'static,
{
    let client = pool.get().await.map_err(|e| store_error(e.into()))?;
    let scope = match scope {
        Some(s) => s,
        None => pg::property_ids(&**client).await.map_err(store_error)?,
    };
    let rt = Handle::current();
    tokio::task::spawn_blocking(move || {
        f(&mut PgPort { client, rt, scope, mutation: None, grantee: None, skipped: Default::default() })
    })
    .await
    .map_err(|e| StoreError::Database(format!("the job stopped: {e}")))?
}

impl AiRunLog for PgPort {
    fn record(&self, run: &AiRun) -> Result<(), String> {
        let log = pgdomain::PgRunLog::default();
        log.record(run)?;
        self.rt.block_on(log.flush(self.client())).map_err(|e| e.to_string())
    }
}

impl Records for PgPort {
    fn lease(&self, id: Uuid) -> StoreResult<Lease> {
        self.must("tenant_lease", "Lease", id)
    }

    fn tenant(&self, id: Uuid) -> StoreResult<Tenant> {
        self.must("tenants", "Tenant", id)
    }

    fn unit(&self, id: Uuid) -> StoreResult<Unit> {
        self.must("units_unit", "Unit", id)
    }

    fn property(&self, id: Uuid) -> StoreResult<Property> {
        self.must("properties", "Property", id)
    }

    fn tenant_names(&self) -> StoreResult<std::collections::HashMap<Uuid, String>> {
        self.block(async {
            let rows = self
                .client()
                .query(
                    "SELECT t.id, t.first_name || ' ' || t.last_name FROM tenants t
                     WHERE EXISTS (SELECT 1 FROM tenant_lease l WHERE l.tenant_id = t.id AND l.property_id = ANY($1))",
                    &[&self.scope],
                )
                .await?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }

    fn property_zones(&self) -> StoreResult<std::collections::HashMap<Uuid, String>> {
        self.block(async {
            let rows =
                self.client().query("SELECT id, time_zone FROM properties WHERE id = ANY($1)", &[&self.scope]).await?;
            Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
        })
    }

    fn put_document(&self, bytes: &[u8], content_type: &str, now: DateTime<Utc>) -> StoreResult<Option<String>> {
        self.block(crate::adapter::inspections::put_blob(self.client(), bytes, content_type, now)).map(Some)
    }
}
