//! The move-in inspection edits (spec 4.4), written once over [`InspectionsPort`]: each one
//! reads the inspection, applies a rule of `crate::inspections` to a copy and hands the port
//! both copies, which it writes in one transaction (refusing if someone changed it meanwhile).

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::analysis::{
    AnalysisError, AnalysisRequest, AnalysisRun, ConditionAnalysis, ConditionAnalyzer, GatewayAnalyzer,
};
use super::port::InspectionsPort;
use super::{self as insp, AnalysisStatus, ConditionRating, InspectionDetail, MoveInItem, MoveInPhoto, PhotoQuality};
use super::{InspectionError, SignerRole};
use crate::ai::Gateway;
use crate::pdf::{self, ReportInput};
use crate::store::{Result, StoreError};

/// Starts an inspection of `lease_id`: rooms and items come from the unit.
pub fn create<P: InspectionsPort + ?Sized>(
    port: &mut P,
    lease_id: Uuid,
    inspector_name: &str,
    inspection_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<InspectionDetail> {
    let lease = port.lease(lease_id)?;
    let unit = port.unit(lease.unit_id)?;
    let d = insp::new_inspection(&lease, &unit, inspector_name, inspection_date, now)?;
    port.write_inspection(None, &d, now)?;
    Ok(d)
}

/// One change to an editable inspection: `change` (a core rule) is applied to a copy, then
/// the copy is written. Returns the inspection as written and what `change` returned.
pub fn edit<P: InspectionsPort + ?Sized, T>(
    port: &mut P,
    id: Uuid,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut InspectionDetail) -> Result<T>,
) -> Result<(InspectionDetail, T)> {
    let before = port.inspection(id)?;
    insp::ensure_editable(&before.inspection)?;
    let mut after = before.clone();
    let out = change(&mut after)?;
    port.write_inspection(Some(&before), &after, now)?;
    Ok((after, out))
}

/// One file offered as a photo.
#[derive(Debug, Clone)]
pub struct PhotoFile {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// Adds photos to a room: each file is checked (a refused file changes nothing), its bytes
/// stored as a blob, and the photo queued for analysis. Nothing is written when every file
/// was refused. Returns the inspection and each file's outcome, in order.
#[allow(clippy::type_complexity)]
pub fn add_photos<P: InspectionsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    room_id: Uuid,
    files: &[PhotoFile],
    now: DateTime<Utc>,
) -> Result<(InspectionDetail, Vec<std::result::Result<(MoveInPhoto, PhotoQuality), InspectionError>>)> {
    let before = port.inspection(id)?;
    insp::ensure_editable(&before.inspection)?;
    if !before.rooms.iter().any(|r| r.room.id == room_id) {
        return Err(StoreError::NotFound { what: "Room", id: room_id.to_string() });
    }
    let mut after = before.clone();
    let mut outcomes = Vec::with_capacity(files.len());
    for f in files {
        let added = insp::add_photo(&mut after, room_id, &f.file_name, &f.bytes, None, now);
        if let Ok((_, q)) = &added {
            let content_type = if f.content_type.starts_with("image/") {
                f.content_type.clone()
            } else {
                format!("image/{}", q.format)
            };
            // Stored before the row that names it, so no replica sees a photo it cannot fetch.
            port.put_document(&f.bytes, &content_type, now)?;
        }
        outcomes.push(added);
    }
    if outcomes.iter().any(|o| o.is_ok()) {
        port.write_inspection(Some(&before), &after, now)?;
    }
    Ok((after, outcomes))
}

/// Sets (or clears, `Some(None)`) an item's human rating and/or replaces its notes.
pub fn override_item<P: InspectionsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    item_id: Uuid,
    rating: Option<Option<ConditionRating>>,
    notes: Option<&str>,
    now: DateTime<Utc>,
) -> Result<MoveInItem> {
    let (_, item) = edit(port, id, now, |after| {
        let item = after
            .rooms
            .iter_mut()
            .flat_map(|r| r.items.iter_mut())
            .find(|i| i.id == item_id)
            .ok_or_else(|| StoreError::NotFound { what: "Item", id: item_id.to_string() })?;
        let rating = rating.unwrap_or(item.human_override);
        insp::apply_override(item, rating, notes);
        let item = item.clone();
        insp::recompute(after, now);
        Ok(item)
    })?;
    Ok(item)
}

/// Records a signature (a PNG); `ip` is where it came from ("" on a device).
pub fn sign<P: InspectionsPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    role: SignerRole,
    signer_name: &str,
    png: &[u8],
    ip: &str,
    now: DateTime<Utc>,
) -> Result<InspectionDetail> {
    insp::check_signature(png)?;
    // The image is stored before the row that names it, so no replica sees a signature it
    // cannot fetch; if signing is then refused, the blob is an unreferenced content-addressed copy.
    port.put_document(png, "image/png", now)?;
    let (after, _) = edit(port, id, now, |after| Ok(insp::sign(after, role, signer_name, png, ip, now)?))?;
    Ok(after)
}

/// Locks the inspection; needs both signatures.
pub fn finalize<P: InspectionsPort + ?Sized>(port: &mut P, id: Uuid, now: DateTime<Utc>) -> Result<InspectionDetail> {
    let (after, ()) = edit(port, id, now, |after| Ok(insp::finalize(after, now)?))?;
    Ok(after)
}

/// Runs the condition analyzer (the AI gateway's, each run logged through the port) over the
/// queued photos with no transaction open, then writes the results; a photo removed or
/// analysed meanwhile is left alone.
pub fn analyze<P: InspectionsPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(AnalysisRun, InspectionDetail)> {
    let d = port.inspection(id)?;
    insp::ensure_editable(&d.inspection)?;
    let (provider, outcomes) = {
        let analyzer = GatewayAnalyzer::new(gateway, &*port, now);
        let mut outcomes: Vec<(Uuid, std::result::Result<ConditionAnalysis, AnalysisError>)> = Vec::new();
        for rd in &d.rooms {
            for ph in rd.photos.iter().filter(|p| p.analysis_status == AnalysisStatus::Queued) {
                let bytes = match ph.blob_hash() {
                    Some(h) => port.blob(h)?,
                    None => None,
                };
                let outcome = match &bytes {
                    Some(photo) => analyzer.analyze(&AnalysisRequest {
                        room_name: &rd.room.room_name,
                        room_type: &rd.room.room_type,
                        items: rd.items.iter().map(|i| (i.item_type.as_str(), i.item_label.as_str())).collect(),
                        photo,
                    }),
                    None => Err(AnalysisError::Failed("the photo's blob is missing".into())),
                };
                outcomes.push((ph.id, outcome));
            }
        }
        (analyzer.provider().to_string(), outcomes)
    };
    let before = port.inspection(id)?;
    insp::ensure_editable(&before.inspection)?;
    let mut after = before.clone();
    let mut run = AnalysisRun::new(&provider);
    for (photo_id, outcome) in &outcomes {
        let still_queued = after
            .rooms
            .iter()
            .flat_map(|r| &r.photos)
            .any(|ph| ph.id == *photo_id && ph.analysis_status == AnalysisStatus::Queued);
        if !still_queued {
            continue;
        }
        run.count(outcome);
        match outcome {
            Ok(a) => {
                insp::apply_analysis(&mut after, *photo_id, a, now)?;
            }
            Err(AnalysisError::Failed(why)) => {
                insp::apply_analysis_failure(&mut after, *photo_id, &provider, why, now)?;
            }
            Err(AnalysisError::Unavailable(_)) => {}
        }
    }
    if outcomes.is_empty() {
        run.message = "No photos are waiting for analysis.".into();
    }
    port.write_inspection(Some(&before), &after, now)?;
    Ok((run, after))
}

/// A generated condition report.
#[derive(Debug, Clone)]
pub struct Report {
    pub inspection: InspectionDetail,
    pub sha256: String,
    pub size_bytes: usize,
    pub pages: usize,
}

/// Builds the condition report from the inspection as it is now (allowed after finalizing:
/// the report describes the inspection, it does not change it), stores it as a blob and
/// records it on the inspection.
pub fn generate_report<P: InspectionsPort + ?Sized>(port: &mut P, id: Uuid, now: DateTime<Utc>) -> Result<Report> {
    let d = port.inspection(id)?;
    let i = &d.inspection;
    let property = port.property(i.property_id)?;
    let unit = port.unit(i.unit_id)?;
    let lease = port.lease(i.lease_id)?;
    let tenant = port.tenant(lease.tenant_id)?;
    let mut photos: HashMap<Uuid, Vec<u8>> = HashMap::new();
    for ph in d.rooms.iter().flat_map(|r| &r.photos) {
        if let Some(bytes) = ph.blob_hash().map(|h| port.blob(h)).transpose()?.flatten() {
            photos.insert(ph.id, bytes);
        }
    }
    let sig = |url: &str| insp::blob_hash(url).map(|h| port.blob(h)).transpose().map(Option::flatten);
    let (tenant_sig, manager_sig) = (sig(&i.tenant_signature_url)?, sig(&i.manager_signature_url)?);
    let tenant_name = format!("{} {}", tenant.first_name, tenant.last_name);
    let cannot = |e: pdf::PdfError| StoreError::Rejected(format!("Cannot build the report: {e}"));
    let bytes = pdf::condition_report(&ReportInput {
        detail: &d,
        property: &property,
        unit: &unit,
        tenant_name: &tenant_name,
        lease_number: &lease.lease_number,
        photos: &photos,
        tenant_signature: tenant_sig.as_deref(),
        manager_signature: manager_sig.as_deref(),
        generated_at: now,
    })
    .map_err(cannot)?;
    let pages = pdf::page_texts(&bytes).map_err(cannot)?.len();
    let sha256 = port
        .put_document(&bytes, "application/pdf", now)?
        .ok_or_else(|| StoreError::Rejected("this store keeps no documents".into()))?;
    let before = port.inspection(id)?;
    let mut after = before.clone();
    insp::set_report(&mut after.inspection, &sha256, now);
    port.write_inspection(Some(&before), &after, now)?;
    Ok(Report { inspection: after, sha256, size_bytes: bytes.len(), pages })
}
