//! The replica's side of [`InspectionsPort`]: the inspection aggregate over SQLite.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, ToSql};
use uuid::Uuid;

use super::{load_detail, load_inspection, rating_text, to_json, INSPECTION_COLS, ITEM_COLS, PHOTO_COLS, ROOM_COLS};
use crate::inspections::port::InspectionsPort;
use crate::inspections::{InspectionDetail, MoveInInspection, MoveInItem, MoveInPhoto, MoveInRoom};
use crate::store::{Result, Store, StoreError};

/// Inserts a row, or replaces every column of the row with its id (never a DELETE, which
/// would cascade to the rows under it).
fn upsert(c: &Connection, table: &str, cols: &str, values: &[&dyn ToSql]) -> Result<()> {
    let names: Vec<&str> = cols.split(',').map(str::trim).collect();
    let slots: Vec<String> = (1..=names.len()).map(|n| format!("?{n}")).collect();
    let set: Vec<String> = names.iter().skip(1).map(|c| format!("{c} = excluded.{c}")).collect();
    c.execute(
        &format!(
            "INSERT INTO {table} ({cols}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
            slots.join(", "),
            set.join(", ")
        ),
        values,
    )?;
    Ok(())
}

/// Writes every column of an inspection row (inserted, or replacing the row with its id).
pub(super) fn put_inspection(c: &Connection, i: &MoveInInspection) -> Result<()> {
    upsert(
        c,
        "move_in_inspection",
        INSPECTION_COLS,
        params![
            i.id.to_string(),
            i.unit_id.to_string(),
            i.lease_id.to_string(),
            i.property_id.to_string(),
            i.inspector_name,
            i.inspection_date,
            i.status,
            to_json(&i.rooms_required),
            to_json(&i.rooms_completed),
            i.completeness_pct,
            i.total_items_documented,
            i.items_excellent,
            i.items_good,
            i.items_fair,
            i.items_poor,
            i.items_damaged,
            i.overall_condition_score,
            i.tenant_signature_url,
            i.tenant_signed_at,
            i.tenant_signer_name,
            i.manager_signature_url,
            i.manager_signed_at,
            i.manager_signer_name,
            i.condition_report_url,
            i.location_lat,
            i.location_lng,
            i.location_verified,
            i.finalized_at,
            i.created_at,
            i.updated_at,
            i.tenant_signed_ip,
            i.manager_signed_ip,
        ],
    )
}

/// Writes every column of a room row.
pub(super) fn put_room(c: &Connection, r: &MoveInRoom) -> Result<()> {
    upsert(
        c,
        "move_in_room",
        ROOM_COLS,
        params![
            r.id.to_string(),
            r.inspection_id.to_string(),
            r.room_type,
            r.room_name,
            r.room_order,
            r.overall_condition,
            r.notes,
            r.photo_count,
            r.is_complete
        ],
    )
}

/// Writes every column of a photo row.
pub(super) fn put_photo(c: &Connection, p: &MoveInPhoto) -> Result<()> {
    upsert(
        c,
        "move_in_photo",
        PHOTO_COLS,
        params![
            p.id.to_string(),
            p.inspection_id.to_string(),
            p.room_id.to_string(),
            p.photo_url,
            p.photo_order,
            p.captured_at,
            p.gps_lat,
            p.gps_lng,
            p.ai_quality_score,
            to_json(&p.ai_quality_issues),
            p.is_acceptable,
            p.ai_analyzed,
            p.ai_condition_summary,
            to_json(&p.ai_items_found),
            p.file_name,
            p.width,
            p.height,
            p.byte_size,
            to_json(&p.quality_metrics),
            p.quality_suggestion,
            p.analysis_status,
            p.analysis_provider,
            p.created_at,
        ],
    )
}

/// Writes every column of an item row.
pub(super) fn put_item(c: &Connection, it: &MoveInItem) -> Result<()> {
    upsert(
        c,
        "move_in_item",
        ITEM_COLS,
        params![
            it.id.to_string(),
            it.room_id.to_string(),
            it.item_order,
            it.item_type,
            it.item_label,
            rating_text(it.condition_rating),
            it.ai_description,
            to_json(&it.ai_pre_existing_issues),
            it.ai_confidence,
            it.ai_provider,
            it.photo_id.map(|p| p.to_string()),
            rating_text(it.human_override),
            it.human_notes,
        ],
    )
}

/// Writes the rows of `after` that differ from `before` (all of them when `before` is `None`),
/// parents first (an item may name a photo).
pub(super) fn write_rows(c: &Connection, before: Option<&InspectionDetail>, after: &InspectionDetail) -> Result<()> {
    let i = &after.inspection;
    if before.map(|b| &b.inspection) != Some(i) {
        put_inspection(c, i)?;
    }
    let old_rooms = before.map(|b| b.rooms.as_slice()).unwrap_or_default();
    let old_room = |id: Uuid| old_rooms.iter().find(|r| r.room.id == id);
    for rd in &after.rooms {
        if old_room(rd.room.id).map(|o| &o.room) != Some(&rd.room) {
            put_room(c, &rd.room)?;
        }
    }
    for rd in &after.rooms {
        let old = old_room(rd.room.id);
        for p in rd.photos.iter().filter(|p| old.and_then(|o| o.photos.iter().find(|x| x.id == p.id)) != Some(*p)) {
            put_photo(c, p)?;
        }
    }
    for rd in &after.rooms {
        let old = old_room(rd.room.id);
        for it in rd.items.iter().filter(|it| old.and_then(|o| o.items.iter().find(|x| x.id == it.id)) != Some(*it)) {
            put_item(c, it)?;
        }
    }
    Ok(())
}

impl InspectionsPort for Store {
    fn inspection(&self, id: Uuid) -> Result<InspectionDetail> {
        load_detail(&self.conn, id)
    }

    fn write_inspection(
        &mut self,
        before: Option<&InspectionDetail>,
        after: &InspectionDetail,
        _now: DateTime<Utc>,
    ) -> Result<()> {
        self.transaction(|tx| {
            let stored = match load_inspection(tx, after.inspection.id) {
                Ok(i) => Some(i),
                Err(StoreError::NotFound { .. }) => None,
                Err(e) => return Err(e),
            };
            let unchanged = match (before, &stored) {
                (None, None) => true,
                (Some(b), Some(s)) => b.inspection.updated_at == s.updated_at,
                _ => false,
            };
            if !unchanged {
                return Err(StoreError::Conflict { what: "inspection", now: "someone else changed it".into() });
            }
            write_rows(tx, before, after)
        })
    }

    fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        let Some(blobs) = crate::documents::blob_store(self) else { return Ok(None) };
        match blobs.get(sha256) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(crate::blobs::BlobError::Missing(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }
}
