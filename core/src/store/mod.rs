//! The SQLite replica: one file per device, WAL, foreign keys on, migrations applied on open.
//!
//! Typed queries live in submodules by domain (`leases`, `entities`, `job_runs`). Money is kept
//! as decimal text so nothing is ever rounded through a float.

mod abstraction;
mod chat;
mod collections;
mod command_center;
mod communications;
mod entities;
mod import;
mod inspections;
mod job_runs;
pub mod json_rows;
mod lease_generation;
mod leases;
mod listing_syndication;
mod maintenance;
mod move_out;
mod onboarding;
mod port;
mod pricing;
mod records;
mod renewals;
mod screening;
mod showings;
mod staging;
mod turnover;
mod views;

use std::path::{Path, PathBuf};
use std::str::FromStr;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Row};
use rust_decimal::Decimal;
use uuid::Uuid;

pub use collections::{insert_action, insert_case, insert_plan, update_case, update_plan, CaseFilter};
pub use command_center::{mark_executed, supersede, upsert_queue_item, QueueItem, Worded};
pub use entities::{
    insert_building, insert_equipment, insert_invoice, insert_ledger_entry, insert_property, insert_tenant,
    insert_unit, insert_vendor, insert_work_order,
};
pub use import::CONNECTED_REFUSAL;
pub use inspections::{AnalysisRun, CameraImport, ImportedPhoto, InspectionFilter, InspectionListRow, RefusedFile};
pub use leases::{apply_transition, insert_lease, LeaseFilter, LeaseListRow, LeaseSort};
pub use port::Queueing;
pub use renewals::{insert_renewal, update_renewal_status, RenewalFilter};
pub use views::{PortfolioKpis, PropertyGrid, PropertyKpi, UnitGridRow};

use crate::lifecycle::LifecycleError;
use crate::migrations::{self, VERSION_TABLE};

/// `Renewal recommendation` → `renewal recommendation`, for the middle of a sentence (`AI
/// action` stays as it is).
fn lower_first(what: &str) -> String {
    let mut c = what.chars();
    match (c.next(), c.clone().next()) {
        (Some(first), Some(second)) if second.is_lowercase() => first.to_lowercase().chain(c).collect(),
        _ => what.to_string(),
    }
}

/// Everything that can go wrong with a replica, each with a message a person can act on.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no database at {0} (run `unitcycle demo` to create the demo replica, or pass --db)")]
    Missing(PathBuf),
    #[error("{path} is not a UnitCycle database ({detail})")]
    NotADatabase { path: PathBuf, detail: String },
    #[error(
        "{path} was written by a newer UnitCycle (schema version {found}, this build knows {known}); upgrade UnitCycle"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    /// Named for what was asked for ("No renewal recommendation with id …"), not for a row
    /// read on the way.
    #[error("No {} with id {id}.", lower_first(what))]
    NotFound { what: &'static str, id: String },
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Inspection(#[from] crate::inspections::InspectionError),
    #[error(transparent)]
    Blob(#[from] crate::blobs::BlobError),
    /// Someone changed the record between this action's read and its write.
    #[error("the {what} changed while this action was being applied ({now}); reload and try again")]
    Conflict { what: &'static str, now: String },
    /// A domain rule refused the change; the message is the API's `detail`.
    #[error("{0}")]
    Rejected(String),
    #[error("stored data is unreadable: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A failure of another store behind a port (the server's PostgreSQL).
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    /// Errors from SQLite that mean the file is not a usable database.
    fn from_open(path: &Path, err: rusqlite::Error) -> StoreError {
        let detail = err.to_string();
        if detail.contains("not a database") || detail.contains("malformed") || detail.contains("file is encrypted") {
            StoreError::NotADatabase { path: path.to_path_buf(), detail }
        } else {
            StoreError::Sqlite(err)
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A connection to one replica.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    /// Rows the lists jobs iterate read past since the last [`Store::take_skipped`].
    skipped: std::sync::Mutex<Vec<crate::doctor::BadRow>>,
}

impl Store {
    /// Opens an existing replica; a missing file is an error, never silently created.
    pub fn open(path: &Path) -> Result<Store> {
        if !path.exists() {
            return Err(StoreError::Missing(path.to_path_buf()));
        }
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE)
            .map_err(|e| StoreError::from_open(path, e))?;
        Store::init(conn, Some(path.to_path_buf()))
    }

    /// Creates a new replica at `path` (the parent directory is created too).
    pub fn create(path: &Path) -> Result<Store> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() {
                std::fs::create_dir_all(parent).map_err(|e| StoreError::NotADatabase {
                    path: path.to_path_buf(),
                    detail: format!("cannot create {}: {e}", parent.display()),
                })?;
            }
        }
        let conn = Connection::open(path).map_err(|e| StoreError::from_open(path, e))?;
        Store::init(conn, Some(path.to_path_buf()))
    }

    /// A private in-memory replica, for tests and benchmarks.
    pub fn in_memory() -> Result<Store> {
        Store::init(Connection::open_in_memory()?, None)
    }

    fn init(conn: Connection, path: Option<PathBuf>) -> Result<Store> {
        let label = path.clone().unwrap_or_else(|| PathBuf::from(":memory:"));
        let setup = || -> rusqlite::Result<()> {
            conn.busy_timeout(std::time::Duration::from_secs(5))?;
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "foreign_keys", "ON")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
            Ok(())
        };
        setup().map_err(|e| StoreError::from_open(&label, e))?;
        let mut store = Store { conn, path, skipped: Default::default() };
        store.migrate().map_err(|e| match e {
            StoreError::Sqlite(inner) => StoreError::from_open(&label, inner),
            other => other,
        })?;
        Ok(store)
    }

    /// Bulk-load mode for generating a fresh replica: no rollback journal and no fsync while
    /// on, a large page cache; off returns to WAL with normal durability. Only for files that can
    /// be regenerated (a crash mid-load leaves a file to delete, never a half-synced replica).
    pub fn set_bulk_load(&self, on: bool) -> Result<()> {
        if self.path.is_none() {
            return Ok(());
        }
        let (journal, sync, cache) = if on { ("OFF", "OFF", -262_144) } else { ("WAL", "NORMAL", -16_384) };
        self.conn.pragma_update(None, "journal_mode", journal)?;
        self.conn.pragma_update(None, "synchronous", sync)?;
        self.conn.pragma_update(None, "cache_size", cache)?;
        Ok(())
    }

    /// The rows read past (see [`Store::read_sane`]) since the last call; a job's report names them.
    pub fn take_skipped(&self) -> Vec<crate::doctor::BadRow> {
        std::mem::take(&mut *self.skipped.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Maps each row of `stmt` with `map`, keeping the rows that read back and pass
    /// [`crate::doctor::Sane`]. A row an older build let in (an unparsable or out-of-range date,
    /// an amount beyond its column) is skipped, logged and kept for [`Store::take_skipped`], so a
    /// job over a whole portfolio is not failed by one row. The first column must be the id.
    pub(crate) fn read_sane<T: crate::doctor::Sane>(
        &self,
        table: &str,
        stmt: &mut rusqlite::Statement<'_>,
        params: impl rusqlite::Params,
        map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        let mut rows = stmt.query(params)?;
        while let Some(r) = rows.next()? {
            let bad = match map(r) {
                Ok(v) => match v.problem() {
                    None => {
                        out.push(v);
                        continue;
                    }
                    Some((field, value, why)) => (field.to_string(), value, why),
                },
                Err(e) => {
                    let idx = match &e {
                        rusqlite::Error::FromSqlConversionFailure(i, _, _)
                        | rusqlite::Error::InvalidColumnType(i, _, _)
                        | rusqlite::Error::IntegralValueOutOfRange(i, _) => Some(*i),
                        _ => None,
                    };
                    let Some(idx) = idx else { return Err(e.into()) };
                    let field = r.as_ref().column_name(idx).unwrap_or("?").to_string();
                    let value = match r.get_ref(idx) {
                        Ok(rusqlite::types::ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
                        Ok(v) => format!("{v:?}"),
                        Err(_) => String::new(),
                    };
                    (field, value, format!("unreadable: {e}"))
                }
            };
            let id = match r.get_ref(0) {
                Ok(rusqlite::types::ValueRef::Text(t)) => String::from_utf8_lossy(t).into_owned(),
                _ => String::new(),
            };
            let row = crate::doctor::BadRow { table: table.to_string(), id, field: bad.0, value: bad.1, why: bad.2 };
            tracing::warn!("skipping a bad row: {row}");
            self.skipped.lock().unwrap_or_else(|e| e.into_inner()).push(row);
        }
        Ok(out)
    }

    /// Path of the replica file (None for in-memory stores).
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The schema version the replica is at.
    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row(&format!("SELECT COALESCE(MAX(version), 0) FROM {VERSION_TABLE}"), [], |r| r.get(0))?)
    }

    /// Applies every migration the replica has not had, each in its own transaction.
    fn migrate(&mut self) -> Result<()> {
        self.conn.execute_batch(&format!(
            "CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
                version INTEGER PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
            )"
        ))?;
        // Apply by set membership, not "greater than the latest": branches number their files
        // up front, so a lower number can land after a higher one.
        let applied: Vec<i64> = {
            let mut stmt = self.conn.prepare(&format!("SELECT version FROM {VERSION_TABLE}"))?;
            let rows = stmt.query_map([], |r| r.get(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let known = migrations::SQLITE.last().map_or(0, |m| m.version);
        if let Some(&unknown) = applied.iter().find(|v| !migrations::SQLITE.iter().any(|m| m.version == **v)) {
            return Err(StoreError::TooNew { path: self.path.clone().unwrap_or_default(), found: unknown, known });
        }
        for m in migrations::SQLITE.iter().filter(|m| !applied.contains(&m.version)) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(m.sql)?;
            tx.execute(
                &format!("INSERT INTO {VERSION_TABLE} (version, name) VALUES (?1, ?2)"),
                rusqlite::params![m.version, m.name],
            )?;
            tx.commit()?;
        }
        // The shipped clause library and jurisdiction rules, written when they are new or changed
        // in number (an ordinary open writes nothing).
        let shipped =
            crate::lease_generation::clauses::library().len() + crate::lease_generation::model::rule_rows().len();
        let held: i64 = self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM lease_clause) + (SELECT COUNT(*) FROM jurisdiction_rule)",
            [],
            |r| r.get(0),
        )?;
        if usize::try_from(held).ok() != Some(shipped) {
            self.transaction(lease_generation::seed_reference)?;
        }
        // The shipped reply templates, likewise.
        let held: i64 = self.conn.query_row("SELECT COUNT(*) FROM communication_template", [], |r| r.get(0))?;
        if usize::try_from(held).ok() != Some(crate::communications_hub::templates::library().len()) {
            self.transaction(communications::seed_templates)?;
        }
        Ok(())
    }

    /// Runs `f` inside one transaction: all of it is written, or none of it.
    pub fn transaction<T>(&mut self, f: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>) -> Result<T> {
        let tx = self.conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// Raw connection, for the jobs and bulk loaders in this crate.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Row counts of the main tables, for `unitcycle demo` and `sync verify`.
    pub fn table_counts(&self) -> Result<Vec<(&'static str, i64)>> {
        const TABLES: &[&str] = &[
            "properties",
            "buildings",
            "units_unit",
            "tenants",
            "tenant_lease",
            "lease_status_log",
            "tenant_ledger_entry",
            "vendors",
            "units_maintenance",
            "invoices",
            "invoice_line_items",
            "equipment",
        ];
        TABLES
            .iter()
            .map(|t| {
                let n = self.conn.query_row(&format!("SELECT COUNT(*) FROM {t}"), [], |r| r.get(0))?;
                Ok((*t, n))
            })
            .collect()
    }
}

// --- column helpers ---------------------------------------------------------------------

pub fn get_uuid(row: &Row<'_>, idx: usize) -> rusqlite::Result<Uuid> {
    let text: String = row.get(idx)?;
    Uuid::parse_str(&text).map_err(|e| conversion(idx, e))
}

pub fn get_opt_uuid(row: &Row<'_>, idx: usize) -> rusqlite::Result<Option<Uuid>> {
    let text: Option<String> = row.get(idx)?;
    text.map(|t| Uuid::parse_str(&t).map_err(|e| conversion(idx, e))).transpose()
}

pub fn get_dec(row: &Row<'_>, idx: usize) -> rusqlite::Result<Decimal> {
    let text: String = row.get(idx)?;
    Decimal::from_str(&text).map_err(|e| conversion(idx, e))
}

pub fn get_json(row: &Row<'_>, idx: usize) -> rusqlite::Result<serde_json::Value> {
    let text: String = row.get(idx)?;
    serde_json::from_str(&text).map_err(|e| conversion(idx, e))
}

fn conversion(idx: usize, e: impl std::error::Error + Send + Sync + 'static) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e))
}

pub(crate) fn opt_uuid(id: Option<Uuid>) -> Option<String> {
    id.map(|u| u.to_string())
}

/// Turns "no row" into a typed not-found error.
pub(crate) fn found<T>(value: Option<T>, what: &'static str, id: impl ToString) -> Result<T> {
    value.ok_or_else(|| StoreError::NotFound { what, id: id.to_string() })
}

pub(crate) fn optional<T>(r: rusqlite::Result<T>) -> Result<Option<T>> {
    Ok(r.optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_a_clear_error_and_is_not_created() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nope.db");
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().starts_with("no database at"), "{err}");
        assert!(!path.exists());
    }

    #[test]
    fn a_corrupt_file_is_reported_as_not_a_database() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("junk.db");
        std::fs::write(&path, b"this is not sqlite, just some bytes that pretend to be one").unwrap();
        let err = Store::open(&path).err().unwrap();
        assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
        assert!(err.to_string().contains("is not a UnitCycle database"), "{err}");
    }

    #[test]
    fn migrations_apply_once_and_reopen_cleanly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let known = migrations::SQLITE.last().unwrap().version;
        assert_eq!(Store::create(&path).unwrap().schema_version().unwrap(), known);
        let store = Store::open(&path).unwrap();
        assert_eq!(store.schema_version().unwrap(), known);
        let journal: String = store.conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(journal, "wal");
        let fk: i64 = store.conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0)).unwrap();
        assert_eq!(fk, 1);
    }

    #[test]
    fn a_replica_from_a_newer_build_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.db");
        let store = Store::create(&path).unwrap();
        store.conn.execute("INSERT INTO schema_migrations (version, name) VALUES (999, 'future')", []).unwrap();
        drop(store);
        let err = Store::open(&path).err().unwrap();
        assert!(matches!(err, StoreError::TooNew { found: 999, .. }), "{err:?}");
    }
}
