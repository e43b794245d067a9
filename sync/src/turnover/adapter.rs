//! `TurnoverPort` over PostgreSQL. Rows are read and written through their canonical JSON
//! (`pgdomain::rows`, `pg::upsert_rows`), so the column list is the sync registry's, once.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::model::Lease;
use unitcycle_core::store::StoreError;
use unitcycle_core::turnover::port::{TurnoverPort, TurnoverWrite};
use unitcycle_core::turnover::{self, ChecklistItem, TurnoverCase, TurnoverDeduction};
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::pg::{self, Result};
use crate::pgdomain;

async fn upsert<T: serde::Serialize>(tx: &Transaction<'_>, table: &str, rows: &[T]) -> Result<()> {
    let t = pg::synced(table)?;
    let ids = pg::upsert_rows(tx, t, rows).await?;
    pg::bump(tx, t, &ids).await
}

/// Opens a case with its checklist unless the lease has one, entering the rows in the change log.
async fn open(tx: &Transaction<'_>, case: &TurnoverCase, checklist: &[ChecklistItem]) -> Result<()> {
    if tx.query_opt("SELECT 1 FROM turnover_case WHERE lease_id = $1", &[&case.lease_id]).await?.is_some() {
        return Ok(());
    }
    upsert(tx, "turnover_case", std::slice::from_ref(case)).await?;
    upsert(tx, "turnover_checklist", checklist).await
}

/// Opens the turnover case of a lease just moved to notice, inside the transition's transaction
/// (the server's side of the replica's `open_on_notice`).
pub async fn open_on_notice(tx: &Transaction<'_>, lease_id: Uuid, now: DateTime<Utc>) -> Result<()> {
    let Some(lease) = pgdomain::row::<Lease>(tx, "tenant_lease", lease_id).await? else { return Ok(()) };
    let today = lease.notice_date.unwrap_or(now.date_naive());
    if let Ok((case, checklist)) = turnover::open_case(&lease, today, now) {
        open(tx, &case, &checklist).await?;
    }
    Ok(())
}

impl RowWrite for TurnoverWrite {
    async fn apply(&self, tx: &Transaction<'_>, _now: DateTime<Utc>) -> StoreResult<()> {
        let applied = async {
            match self {
                TurnoverWrite::Open { case, checklist } => open(tx, case, checklist).await?,
                TurnoverWrite::Update { case, read_at } => {
                    let stored = tx
                        .query_opt("SELECT updated_at FROM turnover_case WHERE id = $1 FOR UPDATE", &[&case.id])
                        .await?
                        .map(|r| r.get::<_, DateTime<Utc>>(0));
                    match stored {
                        None => {
                            return Ok(Some(StoreError::NotFound { what: "Turnover case", id: case.id.to_string() }))
                        }
                        Some(at) if at != *read_at => {
                            return Ok(Some(StoreError::Conflict {
                                what: "turnover case",
                                now: "someone else changed it".into(),
                            }))
                        }
                        Some(_) => upsert(tx, "turnover_case", std::slice::from_ref(case)).await?,
                    }
                }
                TurnoverWrite::Deduction(d) => upsert(tx, "turnover_deduction", std::slice::from_ref(d)).await?,
                TurnoverWrite::Item(i) => upsert(tx, "turnover_checklist", std::slice::from_ref(i)).await?,
            }
            Ok::<_, pg::PgError>(None)
        };
        match applied.await.map_err(store_error)? {
            Some(refusal) => Err(refusal),
            None => Ok(()),
        }
    }
}

impl TurnoverPort for PgPort {
    fn turnover_cases(&self) -> StoreResult<Vec<TurnoverCase>> {
        self.block(pgdomain::rows(
            self.client(),
            "turnover_case",
            "r.property_id = ANY($1) ORDER BY r.created_at DESC, r.id",
            &[&self.scope],
        ))
    }

    fn turnover_case(&self, id: Uuid) -> StoreResult<TurnoverCase> {
        self.block(pgdomain::rows(
            self.client(),
            "turnover_case",
            "r.id = $1 AND r.property_id = ANY($2)",
            &[&id, &self.scope],
        ))?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Turnover case", id: id.to_string() })
    }

    fn turnover_deductions(&self, case_id: Uuid) -> StoreResult<Vec<TurnoverDeduction>> {
        self.block(pgdomain::rows(
            self.client(),
            "turnover_deduction",
            "r.case_id = $1 ORDER BY r.created_at, r.id",
            &[&case_id],
        ))
    }

    fn turnover_checklist(&self, case_id: Uuid) -> StoreResult<Vec<ChecklistItem>> {
        // Ordered as SQLite orders text (bytewise), so both stores list items alike.
        self.block(pgdomain::rows(
            self.client(),
            "turnover_checklist",
            "r.case_id = $1 ORDER BY r.category COLLATE \"C\", r.item COLLATE \"C\", r.id",
            &[&case_id],
        ))
    }

    fn notice_leases_without_case(&self) -> StoreResult<Vec<Lease>> {
        self.sane_rows(
            "tenant_lease",
            "r.lease_status = 'notice' AND r.property_id = ANY($1)
             AND NOT EXISTS (SELECT 1 FROM turnover_case c WHERE c.lease_id = r.id) ORDER BY r.id",
            &[&self.scope],
        )
    }

    fn leases_of_unit(&self, unit_id: Uuid) -> StoreResult<Vec<Lease>> {
        self.sane_rows("tenant_lease", "r.unit_id = $1 ORDER BY r.lease_begin_date, r.id", &[&unit_id])
    }

    fn write_turnover(&mut self, writes: &[TurnoverWrite], now: DateTime<Utc>) -> StoreResult<()> {
        self.write_all(writes, now)
    }
}
