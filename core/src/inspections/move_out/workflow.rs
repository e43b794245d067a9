//! The move-out inspection's actions (spec 3.1), written once over [`MoveOutPort`]: each reads
//! the inspection, applies a rule of `move_out` to a copy and writes the rows that changed in
//! one transaction (refused when someone changed the inspection meanwhile).
//!
//! Every change is a [`MoveOutAction`], so a connected replica queues exactly what it did and
//! the server replays it with this code. Photo bytes and AI calls stay outside actions: photos
//! are stored as blobs first ([`store_photos`], the action names them), and an analysis run
//! ([`analyze`]) yields the results the action records.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::analysis::MoveOutAnalyzer;
use super::port::{MoveOutPort, MoveOutWrite};
use super::{self as mo, DamageItem, MoveOutDetail, MoveOutError, PhotoAnalysis, PhotoClassification};
use crate::ai::Gateway;
use crate::inspections::analysis::{AnalysisError, AnalysisRun};
use crate::inspections::quality::{self, PhotoQuality};
use crate::inspections::workflow::PhotoFile;
use crate::port::Records;
use crate::store::{Result, StoreError};
use crate::turnover::port::TurnoverWrite;
use crate::turnover::{self, DeductionLetter, TurnoverCase};

/// The table move-out actions are about, as named in `sync_action.entity`.
pub const ENTITY: &str = "move_out_inspection";

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

impl From<MoveOutError> for StoreError {
    fn from(e: MoveOutError) -> StoreError {
        refused(e)
    }
}

/// A photo already stored as a blob, to attach to a room.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewPhoto {
    pub id: Uuid,
    /// `blob:<sha256>`.
    pub photo_url: String,
}

/// A person's change to a move-out inspection, as it travels from a replica to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum MoveOutAction {
    Create { lease_id: Uuid, inspector_name: String, inspection_date: NaiveDate },
    AddPhotos { room: String, photos: Vec<NewPhoto> },
    RecordAnalyses { analyses: Vec<PhotoAnalysis>, started_at: DateTime<Utc> },
    ReviewPhoto { photo_id: Uuid, classification: PhotoClassification, damage_items: Option<Vec<DamageItem>> },
    GenerateLetter,
    Finalize,
}

impl MoveOutAction {
    pub fn to_json(&self) -> Result<serde_json::Value> {
        serde_json::to_value(self).map_err(refused)
    }
}

/// The inspection with its photos.
pub fn detail<P: MoveOutPort + ?Sized>(port: &P, id: Uuid) -> Result<MoveOutDetail> {
    port.move_out(id)
}

/// One file's outcome when photos are added: the photo stored (with its quality) or why not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PhotoUpload {
    pub file_name: String,
    /// The new photo's id; null when the file was refused.
    pub photo_id: Option<Uuid>,
    pub photo_url: String,
    #[schema(value_type = Option<Object>)]
    pub quality: Option<PhotoQuality>,
    pub error: String,
}

/// Checks each file on the device (a photo that cannot be read is refused; a poor one is kept
/// with its quality verdict) and stores the readable ones as blobs. Returns the action that
/// attaches them to `room` (None when every file was refused) and each file's outcome.
pub fn store_photos<R: Records + ?Sized>(
    records: &R,
    room: &str,
    files: &[PhotoFile],
    now: DateTime<Utc>,
) -> Result<(Option<MoveOutAction>, Vec<PhotoUpload>)> {
    let room = mo::check_room(room)?;
    let mut photos = Vec::new();
    let mut outcomes = Vec::with_capacity(files.len());
    for f in files {
        match quality::assess(&f.bytes) {
            Err(e) => outcomes.push(PhotoUpload {
                file_name: f.file_name.clone(),
                photo_id: None,
                photo_url: String::new(),
                quality: None,
                error: e.to_string(),
            }),
            Ok(q) => {
                let content_type = if f.content_type.starts_with("image/") {
                    f.content_type.clone()
                } else {
                    format!("image/{}", q.format)
                };
                let sha = records
                    .put_document(&f.bytes, &content_type, now)?
                    .ok_or_else(|| refused("this store keeps no photos"))?;
                let p = NewPhoto { id: Uuid::new_v4(), photo_url: format!("blob:{sha}") };
                outcomes.push(PhotoUpload {
                    file_name: f.file_name.clone(),
                    photo_id: Some(p.id),
                    photo_url: p.photo_url.clone(),
                    quality: Some(q),
                    error: String::new(),
                });
                photos.push(p);
            }
        }
    }
    Ok(((!photos.is_empty()).then_some(MoveOutAction::AddPhotos { room, photos }), outcomes))
}

/// One change to an editable inspection: `change` is applied to a copy, the totals and status
/// follow, and the inspection row and the photos that changed are written.
fn edit<P: MoveOutPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    now: DateTime<Utc>,
    change: impl FnOnce(&mut MoveOutDetail) -> Result<Vec<TurnoverWrite>>,
) -> Result<MoveOutDetail> {
    let before = port.move_out(id)?;
    mo::ensure_editable(&before.inspection)?;
    let mut after = before.clone();
    let turnover = change(&mut after)?;
    mo::recompute(&mut after, now);
    let mut writes =
        vec![MoveOutWrite::Update { inspection: after.inspection.clone(), read_at: before.inspection.updated_at }];
    writes.extend(after.photos.iter().filter(|p| !before.photos.contains(p)).cloned().map(MoveOutWrite::Photo));
    writes.extend(turnover.into_iter().map(MoveOutWrite::Turnover));
    port.write_move_out(&writes, now)?;
    port.move_out(id)
}

/// Applies an action (the server's side of a pushed action, and the replica's own).
pub fn apply_action<P: MoveOutPort>(
    port: &mut P,
    id: Uuid,
    action: &MoveOutAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<MoveOutDetail> {
    match action {
        MoveOutAction::Create { lease_id, inspector_name, inspection_date } => {
            if mo::inspection_id(*lease_id) != id {
                return Err(refused("A lease's move-out inspection has the id derived from the lease."));
            }
            create(port, *lease_id, inspector_name, *inspection_date, now)
        }
        MoveOutAction::AddPhotos { room, photos } => {
            let room = mo::check_room(room)?;
            for p in photos {
                let stored = match mo::blob_hash_of(&p.photo_url) {
                    Some(h) => port.photo_bytes(h)?.is_some(),
                    None => false,
                };
                if !stored {
                    return Err(refused(format!("The photo {} is not stored here; upload it first.", p.photo_url)));
                }
            }
            edit(port, id, now, |d| {
                for p in photos {
                    if d.photos.iter().any(|x| x.id == p.id) {
                        continue;
                    }
                    let sha = mo::blob_hash_of(&p.photo_url).unwrap_or_default();
                    let photo = mo::new_photo(d, p.id, &room, sha, now);
                    d.photos.push(photo);
                }
                Ok(Vec::new())
            })
        }
        MoveOutAction::RecordAnalyses { analyses, started_at } => edit(port, id, now, |d| {
            for a in analyses {
                mo::apply_analysis(d, a);
            }
            d.inspection.ai_processing_started_at.get_or_insert(*started_at);
            d.inspection.ai_processing_completed_at = Some(now);
            Ok(Vec::new())
        }),
        MoveOutAction::ReviewPhoto { photo_id, classification, damage_items } => edit(port, id, now, |d| {
            let p = d
                .photos
                .iter_mut()
                .find(|p| p.id == *photo_id)
                .ok_or_else(|| StoreError::NotFound { what: "Photo", id: photo_id.to_string() })?;
            mo::review_photo(p, *classification, damage_items.clone(), actor, now)?;
            Ok(Vec::new())
        }),
        MoveOutAction::GenerateLetter => generate_letter(port, id, now).map(|g| g.detail),
        MoveOutAction::Finalize => finalize(port, id, now),
    }
}

/// A person's action on a replica: applied at once, and queued for the server when connected.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &MoveOutAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<MoveOutDetail> {
    let json = action.to_json()?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, actor, now)
}

/// Starts the move-out inspection of `lease_id` (one per lease), linked to its turnover case,
/// whose inspection date it sets.
pub fn create<P: MoveOutPort + ?Sized>(
    port: &mut P,
    lease_id: Uuid,
    inspector_name: &str,
    inspection_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<MoveOutDetail> {
    let lease = port.lease(lease_id)?;
    let case = port.turnover_case(turnover::case_id(lease_id)).ok();
    let inspection = mo::new_inspection(&lease, case.as_ref().map(|c| c.id), inspector_name, inspection_date, now)?;
    let id = inspection.id;
    let mut writes = vec![MoveOutWrite::Create(inspection)];
    if let Some(c) = case.filter(|c| c.inspection_date.is_none()) {
        let dated = TurnoverCase { inspection_date: Some(inspection_date), updated_at: now, ..c.clone() };
        writes.push(MoveOutWrite::Turnover(TurnoverWrite::update(&c, dated)));
    }
    port.write_move_out(&writes, now)?;
    port.move_out(id)
}

/// Runs the analyzer over the photos waiting for it, with nothing written: the action that
/// records the results, and what happened (photos stay pending while the provider is unreachable).
pub fn analyze<P: MoveOutPort>(
    port: &P,
    gateway: &Gateway,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(AnalysisRun, MoveOutAction)> {
    let d = port.move_out(id)?;
    mo::ensure_editable(&d.inspection)?;
    let mut analyzer = MoveOutAnalyzer::new(gateway, port, now);
    let mut run = AnalysisRun::new(analyzer.provider());
    let mut analyses = Vec::new();
    for p in d.photos.iter().filter(|p| !p.ai_analyzed && !p.human_override) {
        let bytes = match p.blob_hash() {
            Some(h) => port.photo_bytes(h)?,
            None => None,
        };
        let outcome = match &bytes {
            Some(b) => analyzer.analyze(p.id, &p.room, b),
            None => Err(AnalysisError::Failed("the photo's file is missing on this device".into())),
        };
        match outcome {
            Ok(a) => {
                if a.classification == PhotoClassification::NeedsReview {
                    run.needs_review += 1;
                } else {
                    run.analysed += 1;
                }
                analyses.push(a);
            }
            Err(AnalysisError::Failed(why)) => {
                run.failed += 1;
                analyses.push(PhotoAnalysis {
                    photo_id: p.id,
                    provider: run.provider.clone(),
                    classification: PhotoClassification::NeedsReview,
                    confidence: None,
                    description: format!("Analysis failed ({why}): classify this photo by eye."),
                    damage_items: Vec::new(),
                });
            }
            Err(AnalysisError::Unavailable(why)) => {
                run.still_queued += 1;
                run.message = format!("{} is not available ({why}); photos stay pending", run.provider);
            }
        }
    }
    if d.photos.iter().all(|p| p.ai_analyzed || p.human_override) {
        run.message = "No photos are waiting for analysis.".into();
    }
    Ok((run, MoveOutAction::RecordAnalyses { analyses, started_at: now }))
}

/// The deduction letter drafted from the inspection (nothing written): the turnover case with
/// the lease's deposit and the inspection's charged items as its deductions, and the letter.
pub struct MoveOutLetterDraft {
    pub case: TurnoverCase,
    pub deductions: Vec<turnover::TurnoverDeduction>,
    pub letter: DeductionLetter,
}

/// Drafts the letter from the current record: the lease's deposit and the items a person
/// reviewed and kept as damage (approved items only), figures checked against the record.
pub fn draft_letter<P: MoveOutPort + ?Sized>(port: &P, id: Uuid, now: DateTime<Utc>) -> Result<MoveOutLetterDraft> {
    let d = port.move_out(id)?;
    let case_id = d
        .inspection
        .turnover_case_id
        .ok_or_else(|| refused("This lease has no turnover case, so there is no deposit accounting to write to."))?;
    let case = port.turnover_case(case_id)?;
    let lease = port.lease(d.inspection.lease_id)?;
    let deductions = mo::deductions(case.id, &mo::charged_items(&d), &d.photos, now);
    let current = turnover::with_totals(
        &TurnoverCase { security_deposit: turnover::cents(lease.security_deposit), ..case },
        &deductions,
    );
    let tenant = port.tenant(lease.tenant_id)?;
    let unit = port.unit(current.unit_id)?;
    let property = port.property(current.property_id)?;
    let letter = turnover::deduction_letter(
        &current,
        &deductions,
        &format!("{} {}", tenant.first_name, tenant.last_name),
        &format!("unit {} at {}", unit.unit_number, property.name),
    );
    turnover::workflow::check_letter(&letter, &current, &deductions)?;
    Ok(MoveOutLetterDraft { case: current, deductions, letter })
}

/// A generated letter: the inspection as written, the letter, its PDF and the PDF's blob.
pub struct GeneratedMoveOutLetter {
    pub detail: MoveOutDetail,
    pub letter: DeductionLetter,
    pub pdf: Vec<u8>,
    pub document: Option<String>,
}

/// Generates the deduction letter (text on the inspection, PDF as a blob).
pub fn generate_letter<P: MoveOutPort + ?Sized>(
    port: &mut P,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<GeneratedMoveOutLetter> {
    let draft = draft_letter(&*port, id, now)?;
    let today = crate::time::today_at(&*port, draft.case.property_id, now)?;
    let pdf = turnover::workflow::letter_pdf(&*port, &draft.case, &draft.letter, today, now)?;
    let document = port.put_document(&pdf, "application/pdf", now)?;
    let text = format!("{}\n\n{}", draft.letter.subject, draft.letter.body);
    let detail = edit(port, id, now, |d| {
        d.inspection.deduction_letter = text;
        d.inspection.deduction_letter_generated_at = Some(now);
        Ok(Vec::new())
    })?;
    Ok(GeneratedMoveOutLetter { detail, letter: draft.letter, pdf, document })
}

/// Locks the inspection and puts its charged items on the turnover case as approved deductions
/// (in the same transaction; finalizing is refused while a photo awaits a classification).
pub fn finalize<P: MoveOutPort + ?Sized>(port: &mut P, id: Uuid, now: DateTime<Utc>) -> Result<MoveOutDetail> {
    let d = port.move_out(id)?;
    mo::ensure_editable(&d.inspection)?;
    if let Some(why) = mo::finalize_blockers(&d) {
        return Err(MoveOutError::NotReady(why).into());
    }
    let case = match d.inspection.turnover_case_id {
        Some(c) => Some(port.turnover_case(c)?),
        None => None,
    };
    let mut turnover_writes = Vec::new();
    if let Some(case) = case {
        let ours = mo::deductions(case.id, &mo::charged_items(&d), &d.photos, now);
        let mut all: Vec<_> =
            port.turnover_deductions(case.id)?.into_iter().filter(|x| !ours.iter().any(|o| o.id == x.id)).collect();
        all.extend(ours.iter().cloned());
        let updated = TurnoverCase {
            inspection_date: case.inspection_date.or(Some(d.inspection.inspection_date)),
            ..turnover::workflow::after_deductions(&case, &all, now)
        };
        turnover_writes.push(TurnoverWrite::update(&case, updated));
        turnover_writes.extend(ours.into_iter().map(TurnoverWrite::Deduction));
    }
    edit(port, id, now, move |d| {
        d.inspection.status = mo::MoveOutStatus::Finalized;
        Ok(turnover_writes)
    })
}
