//! `MoveOutPort` over PostgreSQL. Rows are read and written through their canonical JSON
//! (`pgdomain::rows`, `pg::upsert_rows`), so the column list is the sync registry's, once.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::inspections::move_out::port::{MoveOutPort, MoveOutWrite};
use unitcycle_core::inspections::move_out::{MoveOutDetail, MoveOutInspection};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::pg::{self, Result};
use crate::pgdomain;

async fn upsert<T: serde::Serialize>(tx: &Transaction<'_>, table: &str, rows: &[T]) -> Result<()> {
    let t = pg::synced(table)?;
    let ids = pg::upsert_rows(tx, t, rows).await?;
    pg::bump(tx, t, &ids).await
}

/// The stored inspection's `updated_at`, locked for the rest of the transaction.
async fn stored_at(tx: &Transaction<'_>, id: Uuid) -> Result<Option<DateTime<Utc>>> {
    let sql = "SELECT updated_at FROM move_out_inspection WHERE id = $1 FOR UPDATE";
    Ok(tx.query_opt(sql, &[&id]).await?.map(|r| r.get(0)))
}

impl RowWrite for MoveOutWrite {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let refusal = match self {
            MoveOutWrite::Turnover(t) => return t.apply(tx, now).await,
            MoveOutWrite::Create(i) => {
                let exists = tx
                    .query_opt(
                        "SELECT 1 FROM move_out_inspection WHERE id = $1 OR lease_id = $2",
                        &[&i.id, &i.lease_id],
                    )
                    .await
                    .map_err(|e| store_error(e.into()))?;
                if exists.is_some() {
                    Some(StoreError::Conflict { what: "move-out inspection", now: "this lease has one already".into() })
                } else {
                    upsert(tx, "move_out_inspection", std::slice::from_ref(i)).await.map_err(store_error)?;
                    None
                }
            }
            MoveOutWrite::Update { inspection, read_at } => match stored_at(tx, inspection.id)
                .await
                .map_err(store_error)?
            {
                None => Some(StoreError::NotFound { what: "Move-out inspection", id: inspection.id.to_string() }),
                Some(at) if at != *read_at => {
                    Some(StoreError::Conflict { what: "move-out inspection", now: "someone else changed it".into() })
                }
                Some(_) => {
                    upsert(tx, "move_out_inspection", std::slice::from_ref(inspection)).await.map_err(store_error)?;
                    None
                }
            },
            MoveOutWrite::Photo(p) => {
                upsert(tx, "inspection_photo", std::slice::from_ref(p)).await.map_err(store_error)?;
                None
            }
        };
        match refusal {
            Some(r) => Err(r),
            None => Ok(()),
        }
    }
}

impl MoveOutPort for PgPort {
    fn move_outs(&self) -> StoreResult<Vec<MoveOutInspection>> {
        self.block(pgdomain::rows(
            self.client(),
            "move_out_inspection",
            "r.property_id = ANY($1) ORDER BY r.created_at DESC, r.id",
            &[&self.scope],
        ))
    }

    fn move_out(&self, id: Uuid) -> StoreResult<MoveOutDetail> {
        let inspection: MoveOutInspection = self
            .block(pgdomain::rows(
                self.client(),
                "move_out_inspection",
                "r.id = $1 AND r.property_id = ANY($2)",
                &[&id, &self.scope],
            ))?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Move-out inspection", id: id.to_string() })?;
        // Ordered as SQLite orders text (bytewise), so both stores list photos alike.
        let photos = self.block(pgdomain::rows(
            self.client(),
            "inspection_photo",
            "r.inspection_id = $1 ORDER BY r.room COLLATE \"C\", r.photo_order, r.id",
            &[&id],
        ))?;
        Ok(MoveOutDetail { inspection, photos })
    }

    fn move_out_of_photo(&self, photo_id: Uuid) -> StoreResult<Uuid> {
        let sql = "SELECT p.inspection_id FROM inspection_photo p JOIN move_out_inspection i ON i.id = p.inspection_id
                   WHERE p.id = $1 AND i.property_id = ANY($2)";
        let row =
            self.block(async { Ok::<_, pg::PgError>(self.client().query_opt(sql, &[&photo_id, &self.scope]).await?) })?;
        row.map(|r| r.get(0)).ok_or_else(|| StoreError::NotFound { what: "Photo", id: photo_id.to_string() })
    }

    fn photo_bytes(&self, sha256: &str) -> StoreResult<Option<Vec<u8>>> {
        unitcycle_core::inspections::port::InspectionsPort::blob(self, sha256)
    }

    fn write_move_out(&mut self, writes: &[MoveOutWrite], now: DateTime<Utc>) -> StoreResult<()> {
        self.write_all(writes, now)
    }
}
