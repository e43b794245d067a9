//! `StagingPort` over PostgreSQL: the two staging tables through their canonical JSON, photos
//! as blobs in the `blob` table, and a publish writing the unit's listing (spec 5.1's `listing`,
//! when the database has it) in the same transaction, entered in the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::staging::model::{StagingPhoto, StagingProject};
use unitcycle_core::staging::port::{StagingPort, StagingWrite, UnitListing, NO_LISTINGS};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::pg;

async fn has_listings(c: &impl tokio_postgres::GenericClient) -> Result<bool, pg::PgError> {
    Ok(c.query_one("SELECT to_regclass('listing') IS NOT NULL", &[]).await?.get(0))
}

struct Rows<'a>(&'a StagingWrite);

impl RowWrite for Rows<'_> {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        let w = self.0;
        let applied = async {
            pg::upsert_synced(tx, "staging_project", &w.projects).await?;
            pg::upsert_synced(tx, "staging_photo", &w.photos).await?;
            if let Some(l) = &w.listing {
                if !has_listings(tx).await? {
                    return Ok(Err(StoreError::Rejected(NO_LISTINGS.into())));
                }
                tx.execute(
                    "UPDATE listing SET photos = $1, staging_project_id = $2, updated_at = $3 WHERE id = $4",
                    &[&l.photos, &l.staging_project_id, &now, &l.listing_id],
                )
                .await?;
                if let Some(t) = crate::tables::table("listing") {
                    pg::bump(tx, t, &[l.listing_id]).await?;
                }
            }
            Ok::<_, pg::PgError>(Ok(()))
        };
        applied.await.map_err(store_error)?
    }
}

impl StagingPort for PgPort {
    fn staging_projects(&self) -> StoreResult<Vec<StagingProject>> {
        self.scoped_rows("staging_project", "ORDER BY r.created_at DESC, r.id", &[])
    }

    fn staging_project(&self, id: Uuid) -> StoreResult<StagingProject> {
        self.scoped_rows::<StagingProject>("staging_project", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Staging project", id: id.to_string() })
    }

    fn staging_photos(&self, project_id: Uuid) -> StoreResult<Vec<StagingPhoto>> {
        self.scoped_rows(
            "staging_photo",
            "AND r.project_id = $2 ORDER BY r.photo_order, r.created_at, r.id",
            &[&project_id],
        )
    }

    fn staging_photo(&self, id: Uuid) -> StoreResult<StagingPhoto> {
        self.scoped_rows::<StagingPhoto>("staging_photo", "AND r.id = $2", &[&id])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Staging photo", id: id.to_string() })
    }

    fn staging_blob(&self, hash: &str) -> StoreResult<Option<Vec<u8>>> {
        let hash = hash.to_string();
        Ok(self.block(crate::inspections::adapter::blobs(self.client(), std::slice::from_ref(&hash)))?.remove(&hash))
    }

    fn unit_listing(&self, unit_id: Uuid) -> StoreResult<Option<UnitListing>> {
        let rows = self.block(async {
            if !has_listings(self.client()).await? {
                return Ok(None);
            }
            let rows = self
                .client()
                .query(
                    "SELECT id, status::text, title::text FROM listing WHERE unit_id = $1 AND property_id = ANY($2) \
                     AND status IN ('active', 'draft') \
                     ORDER BY CASE status WHEN 'active' THEN 0 ELSE 1 END, created_at DESC, id LIMIT 1",
                    &[&unit_id, &self.scope],
                )
                .await?;
            Ok(Some(rows))
        })?;
        let Some(rows) = rows else { return Err(StoreError::Rejected(NO_LISTINGS.into())) };
        Ok(rows.first().map(|r| UnitListing { id: r.get(0), status: r.get(1), title: r.get(2) }))
    }

    fn write_staging(&mut self, w: &StagingWrite, now: DateTime<Utc>) -> StoreResult<()> {
        if w.is_empty() && self.mutation.is_none() {
            return Ok(());
        }
        self.write_all(&[Rows(w)], now)
    }
}
