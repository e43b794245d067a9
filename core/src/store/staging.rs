//! `StagingPort` on the replica: the two staging tables through their column lists, photos in
//! the replica's blob store, and a publish writing the unit's listing (spec 5.1's `listing`
//! table, when this database has it) in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::OptionalExtension;
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::staging::model::{StagingPhoto, StagingProject};
use crate::staging::port::{StagingPort, StagingWrite, UnitListing, NO_LISTINGS, PHOTO_COLUMNS, PROJECT_COLUMNS};

fn has_listings(conn: &rusqlite::Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'listing'", [], |r| {
        r.get::<_, i64>(0)
    })? > 0)
}

fn not_found(what: &'static str, id: Uuid) -> StoreError {
    StoreError::NotFound { what, id: id.to_string() }
}

impl StagingPort for Store {
    fn staging_projects(&self) -> Result<Vec<StagingProject>> {
        json_rows::select(self.conn(), "staging_project", PROJECT_COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn staging_project(&self, id: Uuid) -> Result<StagingProject> {
        json_rows::select(self.conn(), "staging_project", PROJECT_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Staging project", id))
    }

    fn staging_photos(&self, project_id: Uuid) -> Result<Vec<StagingPhoto>> {
        json_rows::select(
            self.conn(),
            "staging_photo",
            PHOTO_COLUMNS,
            "WHERE r.project_id = ?1 ORDER BY r.photo_order, r.created_at, r.id",
            [project_id.to_string()],
        )
    }

    fn staging_photo(&self, id: Uuid) -> Result<StagingPhoto> {
        json_rows::select(self.conn(), "staging_photo", PHOTO_COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| not_found("Staging photo", id))
    }

    fn staging_blob(&self, hash: &str) -> Result<Option<Vec<u8>>> {
        Ok(crate::documents::load_attachment(self, hash))
    }

    fn unit_listing(&self, unit_id: Uuid) -> Result<Option<UnitListing>> {
        if !has_listings(self.conn())? {
            return Err(StoreError::Rejected(NO_LISTINGS.into()));
        }
        Ok(self
            .conn()
            .query_row(
                "SELECT id, status, title FROM listing WHERE unit_id = ?1 AND status IN ('active', 'draft') \
                 ORDER BY CASE status WHEN 'active' THEN 0 ELSE 1 END, created_at DESC, id LIMIT 1",
                [unit_id.to_string()],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)),
            )
            .optional()?
            .and_then(|(id, status, title)| Some(UnitListing { id: Uuid::parse_str(&id).ok()?, status, title })))
    }

    fn write_staging(&mut self, w: &StagingWrite, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            json_rows::upsert(tx, "staging_project", PROJECT_COLUMNS, &w.projects)?;
            json_rows::upsert(tx, "staging_photo", PHOTO_COLUMNS, &w.photos)?;
            if let Some(l) = &w.listing {
                if !has_listings(tx)? {
                    return Err(StoreError::Rejected(NO_LISTINGS.into()));
                }
                tx.execute(
                    "UPDATE listing SET photos = ?1, staging_project_id = ?2, updated_at = ?3 WHERE id = ?4",
                    rusqlite::params![
                        l.photos.to_string(),
                        l.staging_project_id.to_string(),
                        now,
                        l.listing_id.to_string()
                    ],
                )?;
            }
            Ok(())
        })
    }
}
