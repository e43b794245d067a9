//! Move-out inspection rows on the replica (spec 3.1) and the replica's side of [`MoveOutPort`].

use chrono::{DateTime, Utc};
use rusqlite::{params, Row, Transaction};
use uuid::Uuid;

use super::turnover::{apply_turnover_writes, insert_sql};
use super::{found, get_dec, get_opt_uuid, get_uuid, opt_uuid, Queueing, Result, Store, StoreError};
use crate::inspections::move_out::port::{MoveOutPort, MoveOutWrite};
use crate::inspections::move_out::{DamageItem, InspectionPhoto, MoveOutDetail, MoveOutInspection};
use crate::inspections::port::InspectionsPort;

const INSPECTION_COLS: &str = "id, turnover_case_id, unit_id, lease_id, property_id, inspector_name, inspection_date, \
    status, total_damage_cost, total_wear_items, total_damage_items, deduction_letter, deduction_letter_generated_at, \
    ai_processing_started_at, ai_processing_completed_at, created_at, updated_at";
const PHOTO_COLS: &str = "id, inspection_id, room, photo_url, thumbnail_url, photo_order, ai_analyzed, \
    ai_classification, ai_confidence, ai_description, ai_damage_items, human_classification, human_override, \
    reviewed_by, reviewed_at, created_at, ai_provider, human_damage_items";

fn inspection_from_row(r: &Row<'_>) -> rusqlite::Result<MoveOutInspection> {
    Ok(MoveOutInspection {
        id: get_uuid(r, 0)?,
        turnover_case_id: get_opt_uuid(r, 1)?,
        unit_id: get_uuid(r, 2)?,
        lease_id: get_uuid(r, 3)?,
        property_id: get_uuid(r, 4)?,
        inspector_name: r.get(5)?,
        inspection_date: r.get(6)?,
        status: r.get(7)?,
        total_damage_cost: get_dec(r, 8)?,
        total_wear_items: r.get(9)?,
        total_damage_items: r.get(10)?,
        deduction_letter: r.get(11)?,
        deduction_letter_generated_at: r.get(12)?,
        ai_processing_started_at: r.get(13)?,
        ai_processing_completed_at: r.get(14)?,
        created_at: r.get(15)?,
        updated_at: r.get(16)?,
    })
}

fn items(r: &Row<'_>, idx: usize) -> rusqlite::Result<Vec<DamageItem>> {
    let text: String = r.get(idx)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

fn photo_from_row(r: &Row<'_>) -> rusqlite::Result<InspectionPhoto> {
    Ok(InspectionPhoto {
        id: get_uuid(r, 0)?,
        inspection_id: get_uuid(r, 1)?,
        room: r.get(2)?,
        photo_url: r.get(3)?,
        thumbnail_url: r.get(4)?,
        photo_order: r.get(5)?,
        ai_analyzed: r.get(6)?,
        ai_classification: r.get(7)?,
        ai_confidence: r.get(8)?,
        ai_description: r.get(9)?,
        ai_damage_items: items(r, 10)?,
        human_classification: r.get(11)?,
        human_override: r.get(12)?,
        reviewed_by: r.get(13)?,
        reviewed_at: r.get(14)?,
        created_at: r.get(15)?,
        ai_provider: r.get(16)?,
        human_damage_items: items(r, 17)?,
    })
}

fn put_inspection(tx: &Transaction<'_>, i: &MoveOutInspection, upsert: bool) -> rusqlite::Result<usize> {
    tx.prepare_cached(&insert_sql("move_out_inspection", INSPECTION_COLS, upsert))?.execute(params![
        i.id.to_string(),
        opt_uuid(i.turnover_case_id),
        i.unit_id.to_string(),
        i.lease_id.to_string(),
        i.property_id.to_string(),
        i.inspector_name,
        i.inspection_date,
        i.status,
        i.total_damage_cost.to_string(),
        i.total_wear_items,
        i.total_damage_items,
        i.deduction_letter,
        i.deduction_letter_generated_at,
        i.ai_processing_started_at,
        i.ai_processing_completed_at,
        i.created_at,
        i.updated_at,
    ])
}

fn json(items: &[DamageItem]) -> String {
    serde_json::to_string(items).unwrap_or_else(|_| "[]".into())
}

fn put_photo(tx: &Transaction<'_>, p: &InspectionPhoto) -> rusqlite::Result<usize> {
    tx.prepare_cached(&insert_sql("inspection_photo", PHOTO_COLS, true))?.execute(params![
        p.id.to_string(),
        p.inspection_id.to_string(),
        p.room,
        p.photo_url,
        p.thumbnail_url,
        p.photo_order,
        p.ai_analyzed,
        p.ai_classification,
        p.ai_confidence,
        p.ai_description,
        json(&p.ai_damage_items),
        p.human_classification,
        p.human_override,
        p.reviewed_by,
        p.reviewed_at,
        p.created_at,
        p.ai_provider,
        json(&p.human_damage_items),
    ])
}

/// Applies move-out writes inside `tx`.
fn apply_writes(tx: &Transaction<'_>, writes: &[MoveOutWrite]) -> Result<()> {
    for w in writes {
        match w {
            MoveOutWrite::Create(i) => {
                if put_inspection(tx, i, false)? == 0 {
                    return Err(StoreError::Conflict {
                        what: "move-out inspection",
                        now: "this lease has one already".into(),
                    });
                }
            }
            MoveOutWrite::Update { inspection, read_at } => {
                let stored: Option<DateTime<Utc>> = super::optional(tx.query_row(
                    "SELECT updated_at FROM move_out_inspection WHERE id = ?1",
                    [inspection.id.to_string()],
                    |r| r.get(0),
                ))?;
                match stored {
                    None => {
                        return Err(StoreError::NotFound { what: "Move-out inspection", id: inspection.id.to_string() })
                    }
                    Some(at) if at != *read_at => {
                        return Err(StoreError::Conflict {
                            what: "move-out inspection",
                            now: "someone else changed it".into(),
                        })
                    }
                    Some(_) => put_inspection(tx, inspection, true)?,
                };
            }
            MoveOutWrite::Photo(p) => {
                put_photo(tx, p)?;
            }
            MoveOutWrite::Turnover(t) => apply_turnover_writes(tx, std::slice::from_ref(t))?,
        }
    }
    Ok(())
}

impl MoveOutPort for Store {
    fn move_outs(&self) -> Result<Vec<MoveOutInspection>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {INSPECTION_COLS} FROM move_out_inspection ORDER BY created_at DESC, id"
        ))?;
        let rows = stmt.query_map([], inspection_from_row)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn move_out(&self, id: Uuid) -> Result<MoveOutDetail> {
        let key = id.to_string();
        let mut stmt =
            self.conn().prepare_cached(&format!("SELECT {INSPECTION_COLS} FROM move_out_inspection WHERE id = ?1"))?;
        let inspection =
            found(stmt.query_map([&key], inspection_from_row)?.next().transpose()?, "Move-out inspection", id)?;
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {PHOTO_COLS} FROM inspection_photo WHERE inspection_id = ?1 ORDER BY room, photo_order, id"
        ))?;
        let photos = stmt.query_map([&key], photo_from_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(MoveOutDetail { inspection, photos })
    }

    fn move_out_of_photo(&self, photo_id: Uuid) -> Result<Uuid> {
        let id: Option<String> = super::optional(self.conn().query_row(
            "SELECT inspection_id FROM inspection_photo WHERE id = ?1",
            [photo_id.to_string()],
            |r| r.get(0),
        ))?;
        found(id.and_then(|s| Uuid::parse_str(&s).ok()), "Photo", photo_id)
    }

    fn photo_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        InspectionsPort::blob(self, sha256)
    }

    fn write_move_out(&mut self, writes: &[MoveOutWrite], _now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| apply_writes(tx, writes))
    }
}

impl MoveOutPort for Queueing<'_> {
    fn move_outs(&self) -> Result<Vec<MoveOutInspection>> {
        self.store.move_outs()
    }

    fn move_out(&self, id: Uuid) -> Result<MoveOutDetail> {
        self.store.move_out(id)
    }

    fn move_out_of_photo(&self, photo_id: Uuid) -> Result<Uuid> {
        self.store.move_out_of_photo(photo_id)
    }

    fn photo_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
        self.store.photo_bytes(sha256)
    }

    fn write_move_out(&mut self, writes: &[MoveOutWrite], now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_move_out(writes, now) };
        self.store.transaction(|tx| {
            apply_writes(tx, writes)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
