//! Move-in inspections (spec 4.4) in the replica: create from a lease, photos (stored as
//! content-addressed blobs), ratings and overrides, analysis queue, signatures, finalize.
//!
//! Every change is its own transaction and ends by recomputing the derived columns (room
//! condition, photo counts, completeness, rating counts, score, status) with the pure rules in
//! `crate::inspections`, so what is on disk is always consistent and nothing is lost when the
//! app closes mid-inspection.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{found, get_json, get_opt_uuid, get_uuid, optional, Result, Store, StoreError};
use crate::blobs::BlobStore;
pub use crate::inspections::analysis::AnalysisRun;
use crate::inspections::analysis::{AnalysisError, AnalysisRequest, ConditionAnalyzer};
use crate::inspections::eligibility::InspectableLease;
use crate::inspections::{
    self as insp, AnalysisStatus, Completeness, ConditionRating, InspectionDetail, InspectionError, InspectionStatus,
    MoveInInspection, MoveInItem, MoveInPhoto, MoveInRoom, PhotoQuality, PreExistingIssue, RoomDetail, SignerRole,
};

const INSPECTION_COLS: &str = "id, unit_id, lease_id, property_id, inspector_name, inspection_date, status, \
    rooms_required, rooms_completed, completeness_pct, total_items_documented, items_excellent, items_good, \
    items_fair, items_poor, items_damaged, overall_condition_score, tenant_signature_url, tenant_signed_at, \
    tenant_signer_name, manager_signature_url, manager_signed_at, manager_signer_name, condition_report_url, \
    location_lat, location_lng, location_verified, finalized_at, created_at, updated_at, tenant_signed_ip, \
    manager_signed_ip";
const ROOM_COLS: &str =
    "id, inspection_id, room_type, room_name, room_order, overall_condition, notes, photo_count, is_complete";
const ITEM_COLS: &str = "id, room_id, item_order, item_type, item_label, condition_rating, ai_description, \
    ai_pre_existing_issues, ai_confidence, ai_provider, photo_id, human_override, human_notes";
const PHOTO_COLS: &str = "id, inspection_id, room_id, photo_url, photo_order, captured_at, gps_lat, gps_lng, \
    ai_quality_score, ai_quality_issues, is_acceptable, ai_analyzed, ai_condition_summary, ai_items_found, \
    file_name, width, height, byte_size, quality_metrics, quality_suggestion, analysis_status, analysis_provider, \
    created_at";

fn json_col<T: serde::de::DeserializeOwned>(r: &Row<'_>, idx: usize) -> rusqlite::Result<T> {
    serde_json::from_value(get_json(r, idx)?)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, rusqlite::types::Type::Text, Box::new(e)))
}

fn opt_rating(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<ConditionRating>> {
    let text: String = r.get(idx)?;
    if text.is_empty() {
        return Ok(None);
    }
    ConditionRating::parse(&text).map(Some).ok_or_else(|| {
        rusqlite::Error::FromSqlConversionFailure(
            idx,
            rusqlite::types::Type::Text,
            format!("unknown condition rating '{text}'").into(),
        )
    })
}

fn rating_text(r: Option<ConditionRating>) -> &'static str {
    r.map_or("", ConditionRating::as_str)
}

fn to_json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "null".to_string())
}

fn inspection_from_row(r: &Row<'_>) -> rusqlite::Result<MoveInInspection> {
    Ok(MoveInInspection {
        id: get_uuid(r, 0)?,
        unit_id: get_uuid(r, 1)?,
        lease_id: get_uuid(r, 2)?,
        property_id: get_uuid(r, 3)?,
        inspector_name: r.get(4)?,
        inspection_date: r.get(5)?,
        status: r.get(6)?,
        rooms_required: json_col(r, 7)?,
        rooms_completed: json_col(r, 8)?,
        completeness_pct: r.get(9)?,
        total_items_documented: r.get(10)?,
        items_excellent: r.get(11)?,
        items_good: r.get(12)?,
        items_fair: r.get(13)?,
        items_poor: r.get(14)?,
        items_damaged: r.get(15)?,
        overall_condition_score: r.get(16)?,
        tenant_signature_url: r.get(17)?,
        tenant_signed_at: r.get(18)?,
        tenant_signer_name: r.get(19)?,
        manager_signature_url: r.get(20)?,
        manager_signed_at: r.get(21)?,
        manager_signer_name: r.get(22)?,
        condition_report_url: r.get(23)?,
        location_lat: r.get(24)?,
        location_lng: r.get(25)?,
        location_verified: r.get(26)?,
        finalized_at: r.get(27)?,
        created_at: r.get(28)?,
        updated_at: r.get(29)?,
        tenant_signed_ip: r.get(30)?,
        manager_signed_ip: r.get(31)?,
    })
}

fn room_from_row(r: &Row<'_>) -> rusqlite::Result<MoveInRoom> {
    Ok(MoveInRoom {
        id: get_uuid(r, 0)?,
        inspection_id: get_uuid(r, 1)?,
        room_type: r.get(2)?,
        room_name: r.get(3)?,
        room_order: r.get(4)?,
        overall_condition: r.get(5)?,
        notes: r.get(6)?,
        photo_count: r.get(7)?,
        is_complete: r.get(8)?,
    })
}

fn item_from_row(r: &Row<'_>) -> rusqlite::Result<MoveInItem> {
    Ok(MoveInItem {
        id: get_uuid(r, 0)?,
        room_id: get_uuid(r, 1)?,
        item_order: r.get(2)?,
        item_type: r.get(3)?,
        item_label: r.get(4)?,
        condition_rating: opt_rating(r, 5)?,
        ai_description: r.get(6)?,
        ai_pre_existing_issues: json_col(r, 7)?,
        ai_confidence: r.get(8)?,
        ai_provider: r.get(9)?,
        photo_id: get_opt_uuid(r, 10)?,
        human_override: opt_rating(r, 11)?,
        human_notes: r.get(12)?,
    })
}

fn photo_from_row(r: &Row<'_>) -> rusqlite::Result<MoveInPhoto> {
    Ok(MoveInPhoto {
        id: get_uuid(r, 0)?,
        inspection_id: get_uuid(r, 1)?,
        room_id: get_uuid(r, 2)?,
        photo_url: r.get(3)?,
        photo_order: r.get(4)?,
        captured_at: r.get(5)?,
        gps_lat: r.get(6)?,
        gps_lng: r.get(7)?,
        ai_quality_score: r.get(8)?,
        ai_quality_issues: json_col(r, 9)?,
        is_acceptable: r.get(10)?,
        ai_analyzed: r.get(11)?,
        ai_condition_summary: r.get(12)?,
        ai_items_found: get_json(r, 13)?,
        file_name: r.get(14)?,
        width: r.get(15)?,
        height: r.get(16)?,
        byte_size: r.get(17)?,
        quality_metrics: json_col(r, 18)?,
        quality_suggestion: r.get(19)?,
        analysis_status: r.get(20)?,
        analysis_provider: r.get(21)?,
        created_at: r.get(22)?,
    })
}

// --- loaders over any connection (a transaction derefs to one) ----------------------------

fn load_inspection(c: &Connection, id: Uuid) -> Result<MoveInInspection> {
    let r = c.query_row(
        &format!("SELECT {INSPECTION_COLS} FROM move_in_inspection WHERE id = ?1"),
        [id.to_string()],
        inspection_from_row,
    );
    found(optional(r)?, "Move-in inspection", id)
}

fn load_detail(c: &Connection, id: Uuid) -> Result<InspectionDetail> {
    let inspection = load_inspection(c, id)?;
    let mut stmt = c.prepare(&format!(
        "SELECT {ROOM_COLS} FROM move_in_room WHERE inspection_id = ?1 ORDER BY room_order, room_type"
    ))?;
    let rooms: Vec<MoveInRoom> = stmt.query_map([id.to_string()], room_from_row)?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = c.prepare(&format!(
        "SELECT {ITEM_COLS} FROM move_in_item WHERE room_id IN \
         (SELECT id FROM move_in_room WHERE inspection_id = ?1) ORDER BY item_order"
    ))?;
    let items: Vec<MoveInItem> = stmt.query_map([id.to_string()], item_from_row)?.collect::<rusqlite::Result<_>>()?;
    let mut stmt = c.prepare(&format!(
        "SELECT {PHOTO_COLS} FROM move_in_photo WHERE inspection_id = ?1 ORDER BY photo_order, created_at"
    ))?;
    let photos: Vec<MoveInPhoto> =
        stmt.query_map([id.to_string()], photo_from_row)?.collect::<rusqlite::Result<_>>()?;
    let rooms = rooms
        .into_iter()
        .map(|room| RoomDetail {
            items: items.iter().filter(|i| i.room_id == room.id).cloned().collect(),
            photos: photos.iter().filter(|p| p.room_id == room.id).cloned().collect(),
            room,
        })
        .collect();
    Ok(InspectionDetail { inspection, rooms })
}

fn inspection_of_room(c: &Connection, room_id: Uuid) -> Result<Uuid> {
    let r =
        c.query_row("SELECT inspection_id FROM move_in_room WHERE id = ?1", [room_id.to_string()], |r| get_uuid(r, 0));
    found(optional(r)?, "Room", room_id)
}

fn load_item(c: &Connection, item_id: Uuid) -> Result<(MoveInItem, Uuid)> {
    let r = c.query_row(
        &format!(
            "SELECT {ITEM_COLS}, (SELECT inspection_id FROM move_in_room WHERE move_in_room.id = move_in_item.room_id) \
             FROM move_in_item WHERE id = ?1"
        ),
        [item_id.to_string()],
        |r| Ok((item_from_row(r)?, get_uuid(r, 13)?)),
    );
    found(optional(r)?, "Item", item_id)
}

/// Loads the inspection and refuses if it is finalized.
fn editable(c: &Connection, id: Uuid) -> Result<MoveInInspection> {
    let i = load_inspection(c, id)?;
    insp::ensure_editable(&i)?;
    Ok(i)
}

/// Recomputes every derived column of an inspection and its rooms (`inspections::recompute`)
/// and writes them.
fn refresh(c: &Connection, id: Uuid, now: DateTime<Utc>) -> Result<InspectionDetail> {
    let mut detail = load_detail(c, id)?;
    insp::recompute(&mut detail, now);
    write_derived(c, &detail)?;
    Ok(detail)
}

/// Writes the rooms' derived columns and every column of the inspection but its keys.
fn write_derived(c: &Connection, detail: &InspectionDetail) -> Result<()> {
    for rd in &detail.rooms {
        let r = &rd.room;
        c.execute(
            "UPDATE move_in_room SET overall_condition = ?2, photo_count = ?3, is_complete = ?4 WHERE id = ?1",
            params![r.id.to_string(), r.overall_condition, r.photo_count, r.is_complete],
        )?;
    }
    port::put_inspection(c, &detail.inspection)
}

/// Writes what an analysis changed: the photo's analysis columns and the analysed items.
fn write_analysis(c: &Connection, detail: &InspectionDetail, photo_id: Uuid, items: &[Uuid]) -> Result<()> {
    for rd in &detail.rooms {
        for p in rd.photos.iter().filter(|p| p.id == photo_id) {
            c.execute(
                "UPDATE move_in_photo SET ai_analyzed = ?2, ai_condition_summary = ?3, ai_items_found = ?4, \
                 analysis_status = ?5, analysis_provider = ?6 WHERE id = ?1",
                params![
                    p.id.to_string(),
                    p.ai_analyzed,
                    p.ai_condition_summary,
                    to_json(&p.ai_items_found),
                    p.analysis_status,
                    p.analysis_provider
                ],
            )?;
        }
        for it in rd.items.iter().filter(|i| items.contains(&i.id)) {
            c.execute(
                "UPDATE move_in_item SET condition_rating = ?2, ai_description = ?3, ai_pre_existing_issues = ?4, \
                 ai_confidence = ?5, ai_provider = ?6, photo_id = ?7 WHERE id = ?1",
                params![
                    it.id.to_string(),
                    rating_text(it.condition_rating),
                    it.ai_description,
                    to_json(&it.ai_pre_existing_issues),
                    it.ai_confidence,
                    it.ai_provider,
                    it.photo_id.map(|p| p.to_string()),
                ],
            )?;
        }
    }
    write_derived(c, detail)
}

/// An inspection in a list, with the names people recognise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct InspectionListRow {
    pub inspection: MoveInInspection,
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
}

/// Filters of the list (spec: `?unit=`, `?property=`, `?status=`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct InspectionFilter {
    pub unit: Option<Uuid>,
    pub property: Option<Uuid>,
    pub lease: Option<Uuid>,
    pub status: Option<InspectionStatus>,
}

impl Store {
    /// Starts a move-in inspection for a lease: rooms (and the items to rate in each) come
    /// from the unit's bedrooms and bathrooms.
    pub fn create_move_in_inspection(
        &mut self,
        lease_id: Uuid,
        inspector_name: &str,
        inspection_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<InspectionDetail> {
        let lease = self.lease(lease_id)?;
        let unit = self.unit(lease.unit_id)?;
        let detail = insp::new_inspection(&lease, &unit, inspector_name, inspection_date, now)?;
        self.transaction(|tx| {
            port::write_rows(tx, None, &detail)?;
            load_detail(tx, detail.inspection.id)
        })
    }

    /// The leases a move-in inspection makes sense for at `now`, each judged on its property's
    /// local date (`inspections::eligibility`), soonest move-in first; `search` matches the
    /// tenant name, unit or lease number as the lease list does.
    pub fn inspectable_leases(&self, search: Option<&str>, now: DateTime<Utc>) -> Result<Vec<InspectableLease>> {
        use crate::inspections::eligibility;
        use crate::model::LeaseStatus;
        let filter = super::LeaseFilter {
            lease_status: vec![LeaseStatus::Active, LeaseStatus::MonthToMonth, LeaseStatus::Notice],
            search: search.map(str::trim).filter(|q| !q.is_empty()).map(str::to_string),
            ..super::LeaseFilter::default()
        };
        let leases = self.lease_rows(&filter, super::LeaseSort::default(), 0, None)?;
        let zones = self.property_zones()?;
        let mut finalized = std::collections::HashSet::new();
        let mut open = std::collections::HashMap::new();
        let mut stmt =
            self.conn.prepare("SELECT lease_id, id, status FROM move_in_inspection ORDER BY created_at, id")?;
        let rows = stmt.query_map([], |r| Ok((get_uuid(r, 0)?, get_uuid(r, 1)?, r.get::<_, InspectionStatus>(2)?)))?;
        for row in rows {
            let (lease, id, status) = row?;
            if status == InspectionStatus::Finalized {
                finalized.insert(lease);
            } else {
                open.insert(lease, id);
            }
        }
        let mut out = Vec::new();
        for r in leases {
            let zone = zones.get(&r.lease.property_id).cloned().unwrap_or_else(|| crate::time::DEFAULT_ZONE.into());
            let today = crate::time::today_in(&zone, now)
                .map_err(|e| StoreError::Rejected(format!("Property {}: {e}", r.lease.property_id)))?;
            if eligibility::inspectable(&r.lease, finalized.contains(&r.lease.id), today).is_err() {
                continue;
            }
            out.push(InspectableLease {
                lease_id: r.lease.id,
                lease_number: r.lease.lease_number,
                tenant_name: r.tenant_name,
                unit_number: r.unit_number,
                property_name: r.property_name,
                property_time_zone: zone,
                lease_status: r.lease.lease_status,
                lease_begin_date: r.lease.lease_begin_date,
                today,
                open_inspection: open.get(&r.lease.id).copied(),
            });
        }
        out.sort_by(|a, b| {
            let dist = |l: &InspectableLease| (l.lease_begin_date - l.today).num_days().abs();
            dist(a).cmp(&dist(b)).then_with(|| a.lease_number.cmp(&b.lease_number))
        });
        Ok(out)
    }

    pub fn move_in_inspection(&self, id: Uuid) -> Result<MoveInInspection> {
        load_inspection(&self.conn, id)
    }

    /// The full inspection with rooms, items and photos.
    pub fn move_in_detail(&self, id: Uuid) -> Result<InspectionDetail> {
        load_detail(&self.conn, id)
    }

    /// Inspections, newest first.
    pub fn move_in_inspections(&self, filter: &InspectionFilter) -> Result<Vec<InspectionListRow>> {
        let mut clauses = Vec::new();
        let mut args: Vec<String> = Vec::new();
        let mut add = |col: &str, v: String| {
            args.push(v);
            clauses.push(format!("i.{col} = ?{}", args.len()));
        };
        if let Some(u) = filter.unit {
            add("unit_id", u.to_string());
        }
        if let Some(p) = filter.property {
            add("property_id", p.to_string());
        }
        if let Some(l) = filter.lease {
            add("lease_id", l.to_string());
        }
        if let Some(s) = filter.status {
            add("status", s.as_str().to_string());
        }
        let clause = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        let cols = INSPECTION_COLS.split(", ").map(|c| format!("i.{}", c.trim())).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {cols}, l.lease_number, t.first_name || ' ' || t.last_name, u.unit_number, p.name \
             FROM move_in_inspection i JOIN tenant_lease l ON l.id = i.lease_id JOIN tenants t ON t.id = l.tenant_id \
             JOIN units_unit u ON u.id = i.unit_id JOIN properties p ON p.id = i.property_id \
             {clause} ORDER BY i.created_at DESC, i.id"
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| {
            Ok(InspectionListRow {
                inspection: inspection_from_row(r)?,
                lease_number: r.get(32)?,
                tenant_name: r.get(33)?,
                unit_number: r.get(34)?,
                property_name: r.get(35)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The coverage check: rooms without photos, items without ratings, signatures missing.
    pub fn move_in_completeness(&self, id: Uuid) -> Result<Completeness> {
        Ok(insp::completeness(&self.move_in_detail(id)?))
    }

    /// Adds a photo to a room: the file is quality-checked first (a bad file is refused and
    /// nothing changes), stored as a blob, recorded, and queued for condition analysis. A
    /// photo that fails the quality check is kept with its verdict and a retake suggestion.
    pub fn add_move_in_photo(
        &mut self,
        blobs: &BlobStore,
        room_id: Uuid,
        file_name: &str,
        bytes: &[u8],
        captured_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(MoveInPhoto, PhotoQuality)> {
        let inspection_id = inspection_of_room(&self.conn, room_id)?;
        let mut detail = load_detail(&self.conn, inspection_id)?;
        let (photo, q) = insp::add_photo(&mut detail, room_id, file_name, bytes, captured_at, now)?;
        blobs.put(bytes)?;
        self.transaction(|tx| {
            editable(tx, inspection_id)?;
            port::put_photo(tx, &photo)?;
            refresh(tx, inspection_id, now)?;
            Ok(())
        })?;
        let photo = self.move_in_photo(photo.id)?;
        Ok((photo, q))
    }

    pub fn move_in_photo(&self, id: Uuid) -> Result<MoveInPhoto> {
        let r = self.conn.query_row(
            &format!("SELECT {PHOTO_COLS} FROM move_in_photo WHERE id = ?1"),
            [id.to_string()],
            photo_from_row,
        );
        found(optional(r)?, "Photo", id)
    }

    /// Removes a photo from the inspection (its blob stays: blobs are immutable and shared).
    pub fn delete_move_in_photo(&mut self, photo_id: Uuid, now: DateTime<Utc>) -> Result<InspectionDetail> {
        let photo = self.move_in_photo(photo_id)?;
        self.transaction(|tx| {
            editable(tx, photo.inspection_id)?;
            tx.execute("DELETE FROM move_in_photo WHERE id = ?1", [photo_id.to_string()])?;
            refresh(tx, photo.inspection_id, now)
        })
    }

    /// A person rates an item (the human override; `None` clears it) and may replace the notes.
    pub fn rate_move_in_item(
        &mut self,
        item_id: Uuid,
        rating: Option<ConditionRating>,
        notes: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<MoveInItem> {
        let (_, inspection_id) = load_item(&self.conn, item_id)?;
        crate::inspections::workflow::override_item(self, inspection_id, item_id, Some(rating), notes, now)
    }

    /// Records a pre-existing issue on an item.
    pub fn add_move_in_item_issue(
        &mut self,
        item_id: Uuid,
        issue: PreExistingIssue,
        now: DateTime<Utc>,
    ) -> Result<MoveInItem> {
        self.update_issues(item_id, now, |issues| {
            issues.push(issue);
            Ok(())
        })
    }

    /// Removes the pre-existing issue at `index` (as listed on the item).
    pub fn remove_move_in_item_issue(&mut self, item_id: Uuid, index: usize, now: DateTime<Utc>) -> Result<MoveInItem> {
        self.update_issues(item_id, now, |issues| {
            if index >= issues.len() {
                return Err(InspectionError::Invalid(format!("the item has no issue number {}", index + 1)).into());
            }
            issues.remove(index);
            Ok(())
        })
    }

    fn update_issues(
        &mut self,
        item_id: Uuid,
        now: DateTime<Utc>,
        change: impl FnOnce(&mut Vec<PreExistingIssue>) -> Result<()>,
    ) -> Result<MoveInItem> {
        self.transaction(|tx| {
            let (mut item, inspection_id) = load_item(tx, item_id)?;
            editable(tx, inspection_id)?;
            change(&mut item.ai_pre_existing_issues)?;
            tx.execute(
                "UPDATE move_in_item SET ai_pre_existing_issues = ?2 WHERE id = ?1",
                params![item_id.to_string(), to_json(&item.ai_pre_existing_issues)],
            )?;
            refresh(tx, inspection_id, now)?;
            Ok(item)
        })
    }

    pub fn set_move_in_room_notes(&mut self, room_id: Uuid, notes: &str, now: DateTime<Utc>) -> Result<MoveInRoom> {
        self.transaction(|tx| {
            let inspection_id = inspection_of_room(tx, room_id)?;
            editable(tx, inspection_id)?;
            tx.execute("UPDATE move_in_room SET notes = ?2 WHERE id = ?1", params![room_id.to_string(), notes.trim()])?;
            let detail = refresh(tx, inspection_id, now)?;
            let room = detail.rooms.into_iter().map(|r| r.room).find(|r| r.id == room_id);
            found(room, "Room", room_id)
        })
    }

    /// Runs `analyzer` over the inspection's queued photos. Each result is saved as it comes
    /// (labelled with its provider); items the analyzer rated get its rating, description and
    /// issues, never touching a human override. An unavailable analyzer leaves photos queued.
    pub fn analyze_move_in_photos(
        &mut self,
        blobs: &BlobStore,
        inspection_id: Uuid,
        analyzer: &dyn ConditionAnalyzer,
        now: DateTime<Utc>,
    ) -> Result<AnalysisRun> {
        let detail = self.move_in_detail(inspection_id)?;
        insp::ensure_editable(&detail.inspection)?;
        let mut run = AnalysisRun::new(analyzer.provider());
        for rd in &detail.rooms {
            for photo in rd.photos.iter().filter(|p| p.analysis_status == AnalysisStatus::Queued) {
                let outcome = match photo.blob_hash().map(|h| blobs.get(h)) {
                    Some(Ok(bytes)) => analyzer.analyze(&AnalysisRequest {
                        room_name: &rd.room.room_name,
                        room_type: &rd.room.room_type,
                        items: rd.items.iter().map(|i| (i.item_type.as_str(), i.item_label.as_str())).collect(),
                        photo: &bytes,
                    }),
                    Some(Err(e)) => Err(AnalysisError::Failed(e.to_string())),
                    None => Err(AnalysisError::Failed("no blob".into())),
                };
                run.count(&outcome);
                // Each result is saved as it comes, so a slow provider loses nothing on a crash.
                match outcome {
                    Ok(a) => self.transaction(|tx| {
                        let mut d = load_detail(tx, inspection_id)?;
                        let items = insp::apply_analysis(&mut d, photo.id, &a, now)?;
                        write_analysis(tx, &d, photo.id, &items)
                    })?,
                    Err(AnalysisError::Unavailable(_)) => {}
                    Err(AnalysisError::Failed(why)) => self.transaction(|tx| {
                        let mut d = load_detail(tx, inspection_id)?;
                        insp::apply_analysis_failure(&mut d, photo.id, analyzer.provider(), &why, now)?;
                        write_analysis(tx, &d, photo.id, &[])
                    })?,
                }
            }
        }
        Ok(run)
    }

    /// Records a signature (a PNG drawn on screen) with its time; signing again replaces it.
    pub fn sign_move_in(
        &mut self,
        blobs: &BlobStore,
        inspection_id: Uuid,
        role: SignerRole,
        signer_name: &str,
        png: &[u8],
        now: DateTime<Utc>,
    ) -> Result<MoveInInspection> {
        self.transaction(|tx| {
            let mut d = load_detail(tx, inspection_id)?;
            insp::sign(&mut d, role, signer_name, png, "", now)?;
            blobs.put(png)?;
            write_derived(tx, &d)?;
            Ok(d.inspection)
        })
    }

    /// Locks the inspection; needs both signatures. Nothing can change afterwards.
    pub fn finalize_move_in(&mut self, inspection_id: Uuid, now: DateTime<Utc>) -> Result<MoveInInspection> {
        Ok(crate::inspections::workflow::finalize(self, inspection_id, now)?.inspection)
    }

    /// Records the generated condition report (a PDF blob). Allowed after finalizing: the
    /// report describes the inspection, it does not change it.
    pub fn set_move_in_report(&mut self, inspection_id: Uuid, hash: &str, now: DateTime<Utc>) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE move_in_inspection SET condition_report_url = ?2, updated_at = ?3 WHERE id = ?1",
            params![inspection_id.to_string(), format!("blob:{hash}"), now],
        )?;
        if n == 0 {
            return Err(StoreError::NotFound { what: "Move-in inspection", id: inspection_id.to_string() });
        }
        Ok(())
    }
}

mod camera;
mod port;
pub use camera::{CameraImport, ImportedPhoto, RefusedFile};

#[cfg(test)]
mod tests;
