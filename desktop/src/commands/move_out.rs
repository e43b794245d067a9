//! The move-out photo inspection from the desktop (spec 3.1) and its comparison with the
//! move-in (4.4 compare): the list, the leases an inspection can start for, the inspection page
//! (photos by room, what the AI and the reviewer concluded, the repair cost table, what finalizing
//! would put on the turnover case), photos added from files or a camera folder, the analysis
//! run, a person's review of a photo, the deduction letter (previewed, then generated as a PDF)
//! and finalizing. Every change is a core `MoveOutAction` applied through
//! `move_out::workflow::act_on_replica`, so a connected replica queues exactly what it did.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ops::{id, write_document};
use super::portfolio::{actor, Names};
use super::turnover::{refund_text, Figure, TurnoverChoice};
use super::ReportResult;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::ai::ProviderKind;
use unitcycle_core::blobs::sha256_hex;
use unitcycle_core::format::{date, parse_amount};
use unitcycle_core::inspections::camera::CameraFile;
use unitcycle_core::inspections::move_out::comparison::{self, Comparison};
use unitcycle_core::inspections::move_out::port::MoveOutPort;
use unitcycle_core::inspections::move_out::workflow::{self as mw, MoveOutAction, PhotoUpload};
use unitcycle_core::inspections::move_out::{
    self as mo, DamageCategory, DamageItem, DamageSeverity, InspectionPhoto, MoveOutDetail, MoveOutInspection,
    MoveOutStatus, PhotoClassification, REPAIR_COSTS,
};
use unitcycle_core::inspections::quality::{self, PhotoError};
use unitcycle_core::inspections::workflow::PhotoFile;
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::{InspectionFilter, LeaseFilter, LeaseSort, Queueing, RefusedFile, Store, StoreError};
use unitcycle_core::turnover::port::TurnoverPort;
use unitcycle_core::turnover::workflow as tw;
use unitcycle_core::turnover::{self, Stage, TurnoverCase};

/// Which leases "New move-out inspection" offers, in words for the dialog.
pub const RULE: &str = "Leases under notice, and vacated leases whose turnover case is open, that have no \
                        move-out inspection yet.";

/// One line of the move-out inspection list.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutRow {
    pub inspection: MoveOutInspection,
    pub names: Names,
    pub status_label: &'static str,
    pub photos: usize,
    /// Photos still waiting for analysis or a person's classification.
    pub to_review: usize,
}

/// A lease "New move-out inspection" offers.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutLease {
    pub lease_id: Uuid,
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
    pub lease_status: LeaseStatus,
    pub status_label: &'static str,
    /// The actual move-out, else the one the notice gave.
    pub move_out_date: Option<NaiveDate>,
    pub security_deposit: Decimal,
    /// Whether the lease's turnover case exists (for a lease under notice without one, a
    /// standalone replica opens it on create).
    pub has_case: bool,
}

/// The leases offered, with the rule that chose them.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutLeases {
    pub rule: &'static str,
    pub leases: Vec<MoveOutLease>,
}

/// A room the inspection can hold photos of.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RoomChoice {
    pub value: String,
    pub label: String,
}

/// The turnover case's deposit accounting.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CaseFigures {
    pub case_id: Uuid,
    pub stage_label: &'static str,
    pub security_deposit: Decimal,
    pub total_deductions: Decimal,
    /// Negative: what the tenant owes.
    pub refund_amount: Decimal,
    /// "Refund $1,200.00" or "Tenant owes $75.00".
    pub refund_text: String,
}

impl CaseFigures {
    fn of(case: &TurnoverCase) -> CaseFigures {
        CaseFigures {
            case_id: case.id,
            stage_label: case.stage.label(),
            security_deposit: case.security_deposit,
            total_deductions: case.total_deductions,
            refund_amount: case.refund_amount,
            refund_text: refund_text(case.refund_amount),
        }
    }
}

/// One item that will be charged: a reviewed damage photo's priced item.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct ChargeLine {
    pub photo_id: Uuid,
    pub room_label: String,
    pub item: String,
    pub category_label: &'static str,
    pub severity_label: &'static str,
    pub amount: Decimal,
}

/// One cell of the spec's repair cost table.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct RepairCost {
    pub category: DamageCategory,
    pub severity: DamageSeverity,
    pub min: Decimal,
    pub max: Decimal,
}

/// A photo as the page shows it: what the AI concluded, the review, and what counts (the
/// core's `classification()` and `damage_items()`).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PhotoView {
    pub id: Uuid,
    pub room: String,
    /// `blob:<sha256>` (served by the `media:` scheme).
    pub photo_url: String,
    pub photo_order: i32,
    pub ai_analyzed: bool,
    pub ai_classification: PhotoClassification,
    pub ai_confidence: Option<f64>,
    pub ai_description: String,
    pub ai_damage_items: Vec<DamageItem>,
    /// `claude`, `offline` ("" before analysis).
    pub ai_provider: String,
    pub human_override: bool,
    pub reviewed_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    /// The classification that counts: the reviewer's, else the AI's.
    pub classification: PhotoClassification,
    /// The damage items that count: the reviewer's when given, else the AI's.
    pub damage_items: Vec<DamageItem>,
}

impl From<&InspectionPhoto> for PhotoView {
    fn from(p: &InspectionPhoto) -> PhotoView {
        PhotoView {
            id: p.id,
            room: p.room.clone(),
            photo_url: p.photo_url.clone(),
            photo_order: p.photo_order,
            ai_analyzed: p.ai_analyzed,
            ai_classification: p.ai_classification,
            ai_confidence: p.ai_confidence,
            ai_description: p.ai_description.clone(),
            ai_damage_items: p.ai_damage_items.clone(),
            ai_provider: p.ai_provider.clone(),
            human_override: p.human_override,
            reviewed_by: p.reviewed_by.clone(),
            reviewed_at: p.reviewed_at,
            classification: p.classification(),
            damage_items: p.damage_items().to_vec(),
        }
    }
}

/// The inspection page, in one round trip.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutPage {
    pub inspection: MoveOutInspection,
    /// By room, then order.
    pub photos: Vec<PhotoView>,
    pub names: Names,
    pub status_label: &'static str,
    /// The property's IANA time zone (review and letter times are shown in it).
    pub time_zone: String,
    /// The spec's rooms in walking order, then any other room the photos are of.
    pub rooms: Vec<RoomChoice>,
    /// Why finalizing is refused now (the core's words), None when it can be finalized.
    pub blockers: Option<String>,
    /// The lease's turnover case as it stands (None: the lease has no case).
    pub case: Option<CaseFigures>,
    /// The deductions finalizing puts on the turnover case (approved: a person reviewed each).
    pub on_finalize: Vec<ChargeLine>,
    /// The case's figures after finalizing (None once finalized, or without a case).
    pub after_finalize: Option<CaseFigures>,
    pub repair_costs: Vec<RepairCost>,
    /// What a review may classify a photo as.
    pub classifications: Vec<TurnoverChoice>,
    pub severities: Vec<TurnoverChoice>,
    pub categories: Vec<TurnoverChoice>,
    /// The move-in inspection of this lease (else the unit's latest), to compare with.
    pub move_in_id: Option<Uuid>,
    /// `claude` or `offline`: who "Analyze" asks.
    pub provider: &'static str,
    pub provider_label: &'static str,
    /// The generated letter's PDF beside the replica, when it is there.
    pub letter_path: Option<String>,
    /// Whether changes are also queued for the server.
    pub connected: bool,
}

/// What one analysis run did, and the page after it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutAnalyzed {
    pub run: unitcycle_core::store::AnalysisRun,
    pub provider_label: &'static str,
    pub page: MoveOutPage,
}

/// What a camera-folder import did with each file.
#[derive(Debug, Clone, Default, Serialize, specta::Type)]
pub struct MoveOutImport {
    pub imported: Vec<PhotoUpload>,
    /// Files whose content is already a photo of this inspection (or earlier in this import).
    pub duplicates: Vec<String>,
    pub refused: Vec<RefusedFile>,
}

/// A damage item as the review form sends it: the cost as typed (empty: the table's lowest,
/// or none for `other`, which a person must price).
#[derive(Debug, Clone, PartialEq, Deserialize, specta::Type)]
pub struct DamageItemInput {
    pub item: String,
    pub severity: String,
    pub category: String,
    #[serde(default)]
    pub estimated_cost: String,
}

impl DamageItemInput {
    fn checked(&self) -> CmdResult<DamageItem> {
        let severity = self.severity.parse::<DamageSeverity>().map_err(CommandError::invalid)?;
        let category = self.category.parse::<DamageCategory>().map_err(CommandError::invalid)?;
        let cost = self.estimated_cost.trim();
        let estimated = if cost.is_empty() { None } else { Some(parse_amount(cost).map_err(CommandError::invalid)?) };
        DamageItem::new(&self.item, severity, category, estimated).map_err(CommandError::invalid)
    }
}

/// The deduction letter as generating it now would draft it (nothing written).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutLetter {
    pub subject: String,
    pub body: String,
    pub figures: Vec<Figure>,
    pub deductions: Vec<ChargeLine>,
    pub security_deposit: Decimal,
    pub total_deductions: Decimal,
    pub refund_amount: Decimal,
    pub refund_text: String,
    /// Where the PDF goes and what generating records.
    pub note: String,
}

/// A generated letter: its PDF beside the replica and exactly what it states.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutLetterSaved {
    pub report: ReportResult,
    pub subject: String,
    pub body: String,
    pub figures: Vec<Figure>,
}

/// The inspection finalized, and the turnover case's figures after it.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct MoveOutFinalized {
    pub case: Option<CaseFigures>,
    pub page: MoveOutPage,
}

/// How analysis results are labelled by provider (the review decides on offline results).
pub fn provider_label(provider: ProviderKind) -> &'static str {
    match provider {
        ProviderKind::Claude => "Analysed by Claude",
        ProviderKind::Offline => "Offline check — classify by eye",
    }
}

fn choices<T: Copy>(all: &[T], value: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<TurnoverChoice> {
    all.iter().map(|&v| TurnoverChoice { value: value(v), label: label(v) }).collect()
}

fn charge_lines(d: &MoveOutDetail) -> Vec<ChargeLine> {
    mo::charged_items(d)
        .into_iter()
        .map(|c| ChargeLine {
            photo_id: c.photo_id,
            room_label: mo::room_label(&c.room),
            item: c.item.item,
            category_label: c.item.category.label(),
            severity_label: c.item.severity.label(),
            amount: c.amount,
        })
        .collect()
}

/// The turnover case's figures once this inspection's charges are on it, composed as
/// `workflow::finalize` composes them (its deductions replace earlier ones of the same photos).
fn after_finalize(store: &Store, d: &MoveOutDetail, case: &TurnoverCase, now: DateTime<Utc>) -> CmdResult<CaseFigures> {
    let ours = mo::deductions(case.id, &mo::charged_items(d), &d.photos, now);
    let mut all: Vec<_> =
        store.turnover_deductions(case.id)?.into_iter().filter(|x| !ours.iter().any(|o| o.id == x.id)).collect();
    all.extend(ours);
    Ok(CaseFigures::of(&turnover::with_totals(case, &all)))
}

/// The move-in inspection to compare with: this lease's, else the unit's latest.
fn move_in_of(store: &Store, i: &MoveOutInspection) -> CmdResult<Option<Uuid>> {
    let rows = store.move_in_inspections(&InspectionFilter { unit: Some(i.unit_id), ..InspectionFilter::default() })?;
    let same_lease = rows.iter().find(|r| r.inspection.lease_id == i.lease_id);
    let latest = rows.iter().max_by_key(|r| (r.inspection.inspection_date, r.inspection.created_at));
    Ok(same_lease.or(latest).map(|r| r.inspection.id))
}

/// The file name the letter of `names` is saved under in `letters/`.
fn letter_name(names: &Names) -> String {
    format!("move-out-deductions-{}-unit-{}.pdf", names.property_name, names.unit_number)
}

fn page(s: &AppState, store: &Store, d: MoveOutDetail, now: DateTime<Utc>) -> CmdResult<MoveOutPage> {
    let i = &d.inspection;
    let names: Names = store.lease_row(i.lease_id)?.into();
    let property = store.property(i.property_id)?;
    let case = match i.turnover_case_id {
        Some(c) => Some(TurnoverPort::turnover_case(store, c)?),
        None => None,
    };
    let after = match &case {
        Some(c) if i.status != MoveOutStatus::Finalized => Some(after_finalize(store, &d, c, now)?),
        _ => None,
    };
    let mut rooms: Vec<RoomChoice> =
        mo::ROOMS.iter().map(|r| RoomChoice { value: r.to_string(), label: mo::room_label(r) }).collect();
    for p in &d.photos {
        if !rooms.iter().any(|r| r.value == p.room) {
            rooms.push(RoomChoice { value: p.room.clone(), label: mo::room_label(&p.room) });
        }
    }
    let repair_costs = REPAIR_COSTS
        .iter()
        .flat_map(|(category, ranges)| {
            DamageSeverity::ALL.iter().zip(ranges).map(|(&severity, &(min, max))| RepairCost {
                category: *category,
                severity,
                min: Decimal::from(min),
                max: Decimal::from(max),
            })
        })
        .collect();
    let letter_path = i.deduction_letter_generated_at.and_then(|_| {
        let path = s.db_path.parent()?.join("letters").join(super::ops::safe_name(&letter_name(&names)));
        path.is_file().then(|| path.display().to_string())
    });
    let provider = s.gateway.status().provider;
    Ok(MoveOutPage {
        names,
        status_label: i.status.label(),
        time_zone: property.time_zone,
        rooms,
        blockers: mo::finalize_blockers(&d),
        case: case.as_ref().map(CaseFigures::of),
        on_finalize: charge_lines(&d),
        after_finalize: after,
        repair_costs,
        classifications: choices(
            &[PhotoClassification::Damage, PhotoClassification::NormalWear, PhotoClassification::Clean],
            PhotoClassification::as_str,
            PhotoClassification::label,
        ),
        severities: choices(DamageSeverity::ALL, DamageSeverity::as_str, DamageSeverity::label),
        categories: choices(DamageCategory::ALL, DamageCategory::as_str, DamageCategory::label),
        move_in_id: move_in_of(store, i)?,
        provider: provider.as_str(),
        provider_label: provider_label(provider),
        letter_path,
        connected: unitcycle_core::sync_actions::connected(store)?,
        photos: d.photos.iter().map(PhotoView::from).collect(),
        inspection: d.inspection,
    })
}

/// Applies one action on the replica (queued when connected) and returns the page after it.
fn act(s: &AppState, id: Uuid, action: &MoveOutAction) -> CmdResult<MoveOutPage> {
    let now = Utc::now();
    let mut store = s.store()?;
    let d = mw::act_on_replica(&mut store, id, action, &actor(), now)?;
    page(s, &store, d, now)
}

/// Makes the thumbnails of newly stored photos in the background, so the grid opens on them.
fn prewarm(s: &AppState, uploads: &[PhotoUpload]) {
    if let Some(server) = &s.media {
        for sha in uploads.iter().filter_map(|u| mo::blob_hash_of(&u.photo_url)) {
            server.prewarm(sha.to_string());
        }
    }
}

/// Every move-out inspection, newest first, with its names and photo counts.
pub fn move_out_list(s: &AppState) -> CmdResult<Vec<MoveOutRow>> {
    let store = s.store()?;
    let mut rows = Vec::new();
    for i in store.move_outs()? {
        let d = store.move_out(i.id)?;
        let to_review = d
            .photos
            .iter()
            .filter(|p| matches!(p.classification(), PhotoClassification::Pending | PhotoClassification::NeedsReview))
            .count();
        rows.push(MoveOutRow {
            names: store.lease_row(i.lease_id)?.into(),
            status_label: i.status.label(),
            photos: d.photos.len(),
            to_review,
            inspection: i,
        });
    }
    Ok(rows)
}

/// The leases a move-out inspection can start for (see [`RULE`]), matching `search` (tenant,
/// unit or lease number).
pub fn move_out_leases(s: &AppState, search: Option<String>) -> CmdResult<MoveOutLeases> {
    let store = s.store()?;
    let filter = LeaseFilter {
        lease_status: vec![LeaseStatus::Notice, LeaseStatus::Vacant],
        search: search.map(|q| q.trim().to_string()).filter(|q| !q.is_empty()),
        ..LeaseFilter::default()
    };
    let inspected: HashSet<Uuid> = store.move_outs()?.into_iter().map(|i| i.lease_id).collect();
    let mut leases = Vec::new();
    for r in store.lease_rows(&filter, LeaseSort::default(), 0, None)? {
        let case = TurnoverPort::turnover_case(&*store, turnover::case_id(r.lease.id)).ok();
        let open = case.as_ref().is_some_and(|c| c.stage != Stage::Leased);
        if inspected.contains(&r.lease.id) || (r.lease.lease_status == LeaseStatus::Vacant && !open) {
            continue;
        }
        leases.push(MoveOutLease {
            lease_id: r.lease.id,
            lease_number: r.lease.lease_number,
            tenant_name: r.tenant_name,
            unit_number: r.unit_number,
            property_name: r.property_name,
            lease_status: r.lease.lease_status,
            status_label: r.lease.lease_status.label(),
            move_out_date: r.lease.actual_move_out_date.or(r.lease.notice_move_out_date),
            security_deposit: turnover::cents(r.lease.security_deposit),
            has_case: case.is_some(),
        });
    }
    Ok(MoveOutLeases { rule: RULE, leases })
}

/// Starts the lease's move-out inspection, dated on the property's local date. Giving notice
/// opens the lease's turnover case; a lease that came under notice another way (imported)
/// gets its case from the 01:00 job, whose opening pass a standalone replica runs first (as the
/// board does), so the inspection is linked to the deposit accounting from the start. A
/// connected replica leaves that to the server's job.
pub fn move_out_create(s: &AppState, lease_id: String, inspector_name: String) -> CmdResult<MoveOutPage> {
    let lease_id = id(&lease_id)?;
    let now = Utc::now();
    let mut store = s.store()?;
    let lease = store.lease(lease_id)?;
    let no_case = TurnoverPort::turnover_case(&*store, turnover::case_id(lease_id)).is_err();
    if lease.lease_status == LeaseStatus::Notice && no_case && !unitcycle_core::sync_actions::connected(&store)? {
        tw::daily(&mut *store, now.date_naive(), now)?;
    }
    let inspection_date = unitcycle_core::time::today_at(&*store, lease.property_id, now)?;
    let action = MoveOutAction::Create { lease_id, inspector_name, inspection_date };
    let d = mw::act_on_replica(&mut store, mo::inspection_id(lease_id), &action, &actor(), now)?;
    page(s, &store, d, now)
}

/// The inspection page.
pub fn move_out_page(s: &AppState, id_text: String) -> CmdResult<MoveOutPage> {
    let store = s.store()?;
    let d = store.move_out(id(&id_text)?)?;
    page(s, &store, d, Utc::now())
}

/// Adds one photo to a room from its bytes (the raw-body upload). A file that is not a
/// readable photo is refused with the reason; a poor one is kept with its quality verdict.
pub fn add_move_out_photo(
    s: &AppState,
    id_text: String,
    room: String,
    file_name: String,
    bytes: &[u8],
) -> CmdResult<PhotoUpload> {
    let id = id(&id_text)?;
    let now = Utc::now();
    let mut store = s.store()?;
    // Refused before the bytes are stored, so a finalized inspection keeps no stray file.
    mo::ensure_editable(&store.move_out(id)?.inspection).map_err(StoreError::from)?;
    let files = [PhotoFile { file_name, content_type: String::new(), bytes: bytes.to_vec() }];
    let (action, mut uploads) = mw::store_photos(&*store, &room, &files, now)?;
    let upload = uploads.remove(0);
    let Some(action) = action else { return Err(CommandError::new("invalid_image", upload.error)) };
    mw::act_on_replica(&mut store, id, &action, &actor(), now)?;
    prewarm(s, std::slice::from_ref(&upload));
    Ok(upload)
}

/// Imports camera files into a room: a file whose content is already in the inspection is
/// skipped, one that is not a usable photo is refused with its reason, and the rest are added
/// in one action. The front end sends a scan's files a few at a time to show progress.
pub fn move_out_import_camera_files(
    s: &AppState,
    id_text: String,
    room: String,
    files: Vec<CameraFile>,
) -> CmdResult<MoveOutImport> {
    let id = id(&id_text)?;
    let now = Utc::now();
    let mut store = s.store()?;
    let d = store.move_out(id)?;
    mo::ensure_editable(&d.inspection).map_err(StoreError::from)?;
    let mut seen: HashSet<String> = d.photos.iter().filter_map(|p| p.blob_hash().map(str::to_string)).collect();
    let mut out = MoveOutImport::default();
    let mut batch = Vec::new();
    for f in &files {
        // Checked before reading, so a huge file with a photo's name is not loaded.
        if f.byte_size > quality::MAX_BYTES as u64 {
            let reason = PhotoError::TooLarge(f.byte_size.div_ceil(1 << 20) as usize).to_string();
            out.refused.push(RefusedFile { name: f.name.clone(), reason });
            continue;
        }
        let bytes = match std::fs::read(&f.path) {
            Ok(b) => b,
            Err(e) => {
                out.refused.push(RefusedFile { name: f.name.clone(), reason: format!("cannot read the file: {e}") });
                continue;
            }
        };
        if !seen.insert(sha256_hex(&bytes)) {
            out.duplicates.push(f.name.clone());
            continue;
        }
        batch.push(PhotoFile { file_name: f.name.clone(), content_type: String::new(), bytes });
    }
    let (action, uploads) = mw::store_photos(&*store, &room, &batch, now)?;
    if let Some(action) = action {
        mw::act_on_replica(&mut store, id, &action, &actor(), now)?;
    }
    prewarm(s, &uploads);
    for u in uploads {
        if u.photo_id.is_some() {
            out.imported.push(u);
        } else {
            out.refused.push(RefusedFile { name: u.file_name, reason: u.error });
        }
    }
    Ok(out)
}

/// Analyses the photos waiting for it through the AI gateway: Claude when configured (photos
/// stay pending while it cannot be reached), else the offline check, which measures each photo
/// and leaves it `needs_review` for a person. The results are recorded as one action.
pub fn move_out_analyze(s: &AppState, id_text: String) -> CmdResult<MoveOutAnalyzed> {
    let id = id(&id_text)?;
    let now = Utc::now();
    let mut store = s.store()?;
    let (run, action) = mw::analyze(&*store, &s.gateway, id, now)?;
    let d = match &action {
        MoveOutAction::RecordAnalyses { analyses, .. } if !analyses.is_empty() => {
            mw::act_on_replica(&mut store, id, &action, &actor(), now)?
        }
        // Nothing concluded (nothing waiting, or the provider unreachable): nothing to record.
        _ => store.move_out(id)?,
    };
    let label = provider_label(s.gateway.status().provider);
    Ok(MoveOutAnalyzed { run, provider_label: label, page: page(s, &store, d, now)? })
}

/// A person's classification of a photo, with the damage items as they price them (None keeps
/// the AI's items). Damage needs at least one item; each cost is checked against the table.
pub fn move_out_review(
    s: &AppState,
    photo_id: String,
    classification: String,
    damage_items: Option<Vec<DamageItemInput>>,
) -> CmdResult<MoveOutPage> {
    let photo_id = id(&photo_id)?;
    let classification = classification.trim().parse::<PhotoClassification>().map_err(CommandError::invalid)?;
    let damage_items = damage_items.map(|items| items.iter().map(DamageItemInput::checked).collect()).transpose()?;
    let inspection = s.store()?.move_out_of_photo(photo_id)?;
    act(s, inspection, &MoveOutAction::ReviewPhoto { photo_id, classification, damage_items })
}

/// The deduction letter drafted from the current record exactly as generating it would draft it
/// (the lease's deposit, the items a person reviewed and kept as damage); nothing is written.
pub fn move_out_letter_preview(s: &AppState, id_text: String) -> CmdResult<MoveOutLetter> {
    let id = id(&id_text)?;
    let now = Utc::now();
    let store = s.store()?;
    let draft = mw::draft_letter(&*store, id, now)?;
    let today = unitcycle_core::time::today_at(&*store, draft.case.property_id, now)?;
    let connected = unitcycle_core::sync_actions::connected(&store)?;
    let c = &draft.case;
    Ok(MoveOutLetter {
        deductions: charge_lines(&store.move_out(id)?),
        figures: draft.letter.figures.into_iter().map(|(label, value)| Figure { label, value }).collect(),
        subject: draft.letter.subject,
        body: draft.letter.body,
        security_deposit: c.security_deposit,
        total_deductions: c.total_deductions,
        refund_amount: c.refund_amount,
        refund_text: refund_text(c.refund_amount),
        note: format!(
            "Generating renders this letter as a PDF in the replica's letters folder and records its text on the \
             inspection on {}{}.",
            date(today),
            if connected { "; the change is queued for the server" } else { "" }
        ),
    })
}

/// Generates the deduction letter through the core workflow (its figures checked against the
/// record, its text kept on the inspection) and saves its PDF beside the replica.
pub fn move_out_letter_pdf(s: &AppState, id_text: String) -> CmdResult<MoveOutLetterSaved> {
    let id = id(&id_text)?;
    let now = Utc::now();
    let (generated, names) = {
        let mut store = s.store()?;
        let action = MoveOutAction::GenerateLetter;
        let generated = {
            let mut port = Queueing::on_replica(&mut store, mw::ENTITY, id, action.to_json()?)?;
            mw::generate_letter(&mut port, id, now)?
        };
        let names: Names = store.lease_row(generated.detail.inspection.lease_id)?.into();
        (generated, names)
    };
    let report = write_document(s, "letters", &letter_name(&names), &generated.pdf)?;
    let letter = generated.letter;
    Ok(MoveOutLetterSaved {
        report,
        subject: letter.subject,
        body: letter.body,
        figures: letter.figures.into_iter().map(|(label, value)| Figure { label, value }).collect(),
    })
}

/// Locks the inspection and puts its charged items on the turnover case as approved deductions
/// (refused, with what is missing, while a photo awaits a classification or a price).
pub fn move_out_finalize(s: &AppState, id_text: String) -> CmdResult<MoveOutFinalized> {
    let page = act(s, id(&id_text)?, &MoveOutAction::Finalize)?;
    Ok(MoveOutFinalized { case: page.case.clone(), page })
}

/// Compares a move-out inspection with a move-in of the same unit, pair by pair (nothing is
/// written): offline, where the photos differ is highlighted and each pair is left to a person.
pub fn move_out_compare(s: &AppState, move_in_id: String, move_out_id: String) -> CmdResult<Comparison> {
    let (move_in, move_out) = (id(&move_in_id)?, id(&move_out_id)?);
    let store = s.store()?;
    Ok(comparison::compare_inspections(&*store, &s.gateway, move_in, move_out, Utc::now())?)
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::DamageItemInput;
    use crate::AppState;
    use rust_decimal::Decimal;
    use unitcycle_core::format::money as shown;
    use unitcycle_core::inspections::move_out::MoveOutStatus;
    use unitcycle_core::lifecycle::LifecycleAction;

    fn jpeg(lo: u8, hi: u8, patch: bool) -> Vec<u8> {
        let img = image::RgbImage::from_fn(800, 600, |x, y| {
            if patch && (300..420).contains(&x) && (200..320).contains(&y) {
                return image::Rgb([200, 30, 30]);
            }
            let v = if ((x / 16) + (y / 16)) % 2 == 0 { lo } else { hi };
            image::Rgb([v, v, v])
        });
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Jpeg).unwrap();
        out
    }

    /// An active demo lease given notice today: its id.
    fn under_notice(s: &AppState) -> uuid::Uuid {
        let lease = ops::lease_rows(s, None, Some("active".into())).unwrap().remove(0);
        let now = chrono::Utc::now();
        // The notice is given on the property's own date (ahead of it is refused).
        let store = s.store().unwrap();
        let property = store.lease(lease.id).unwrap().property_id;
        let today = unitcycle_core::time::today_at(&*store, property, now).unwrap();
        drop(store);
        let action = LifecycleAction::GiveNotice {
            notice_date: today,
            notice_move_out_date: today + chrono::Days::new(30),
            reason: "Moving".into(),
        };
        s.store().unwrap().apply_lifecycle_action(lease.id, &action, "test", now).unwrap();
        lease.id
    }

    fn damage(item: &str, cost: &str) -> DamageItemInput {
        DamageItemInput {
            item: item.into(),
            severity: "moderate".into(),
            category: "wall_damage".into(),
            estimated_cost: cost.into(),
        }
    }

    #[test]
    fn an_inspection_goes_from_create_to_finalized_with_its_deductions_on_the_case() {
        let (s, _dir) = demo();
        let lease = under_notice(&s);
        let offered = ops::move_out_leases(&s, None).unwrap();
        assert!(offered.leases.iter().any(|l| l.lease_id == lease && l.has_case), "giving notice opened its case");

        let p = ops::move_out_create(&s, lease.to_string(), "Dana Inspector".into()).unwrap();
        let id = p.inspection.id.to_string();
        let case = p.case.clone().expect("linked to the lease's turnover case");
        assert_eq!(
            (p.status_label, p.blockers.as_deref()),
            ("In progress", Some("No photos yet: photograph each room first."))
        );
        assert_eq!(p.repair_costs.len(), 15);
        assert!(!ops::move_out_leases(&s, None).unwrap().leases.iter().any(|l| l.lease_id == lease), "one per lease");
        assert_eq!(ops::move_out_list(&s).unwrap()[0].names.lease_number, p.names.lease_number);
        let e = ops::move_out_create(&s, lease.to_string(), "Dana Inspector".into()).unwrap_err();
        assert_eq!(e.code, "invalid_input", "{}", e.detail);

        // Photos: one by hand, a second room from a camera folder (a duplicate and a non-photo refused).
        let up = ops::add_move_out_photo(&s, id.clone(), "living_room".into(), "wall.jpg".into(), &jpeg(40, 220, true))
            .unwrap();
        assert!(up.photo_id.is_some() && up.quality.is_some());
        let e = ops::add_move_out_photo(&s, id.clone(), "kitchen".into(), "notes.txt".into(), b"hello").unwrap_err();
        assert_eq!(e.code, "invalid_image");
        let e = ops::add_move_out_photo(&s, id.clone(), "Bad/Room".into(), "x.jpg".into(), &jpeg(40, 220, false))
            .unwrap_err();
        assert!(e.detail.contains("is not a room"), "{}", e.detail);
        let card = tempfile::tempdir().unwrap();
        std::fs::write(card.path().join("IMG_0001.JPG"), jpeg(30, 230, false)).unwrap();
        std::fs::write(card.path().join("IMG_0002.JPG"), jpeg(40, 220, true)).unwrap();
        std::fs::write(card.path().join("IMG_0003.JPG"), b"not a photo").unwrap();
        let files = ops::scan_camera_folder(&s, card.path().display().to_string()).unwrap().files;
        let import = ops::move_out_import_camera_files(&s, id.clone(), "kitchen".into(), files).unwrap();
        assert_eq!(import.imported.len(), 1);
        assert_eq!(import.duplicates, ["IMG_0002.JPG"]);
        assert_eq!(import.refused.len(), 1);
        let p = ops::move_out_page(&s, id.clone()).unwrap();
        assert_eq!(p.photos.len(), 2);
        assert!(p.blockers.unwrap().starts_with("2 photo(s) still need a classification"));

        // Offline: each photo is measured and left to a person.
        let done = ops::move_out_analyze(&s, id.clone()).unwrap();
        assert_eq!((done.run.provider.as_str(), done.run.needs_review), ("offline", 2));
        assert_eq!(done.provider_label, "Offline check — classify by eye");
        assert!(done.page.photos.iter().all(|p| p.ai_provider == "offline" && p.ai_analyzed));
        assert_eq!(done.page.status_label, "Review");

        // Compare is offered when the unit has a move-in; without one it is not.
        assert_eq!(done.page.move_in_id, None);

        // Review: damage needs an item; a typed estimate above the table is capped.
        let wall = up.photo_id.unwrap().to_string();
        let e = ops::move_out_review(&s, wall.clone(), "damage".into(), None).unwrap_err();
        assert!(e.detail.starts_with("Damage needs at least one item"), "{}", e.detail);
        let e = ops::move_out_review(&s, wall.clone(), "damage".into(), Some(vec![damage("Hole", "ten")])).unwrap_err();
        assert!(e.detail.starts_with("invalid amount 'ten'"), "{}", e.detail);
        let e = ops::move_out_review(&s, wall.clone(), "needs_review".into(), None).unwrap_err();
        assert_eq!(e.code, "invalid_input");
        let p = ops::move_out_review(&s, wall.clone(), "damage".into(), Some(vec![damage("Hole in wall", "$250")]))
            .unwrap();
        assert_eq!(p.on_finalize.len(), 1);
        assert_eq!(p.on_finalize[0].amount, Decimal::from(200), "capped at the table's moderate wall maximum");
        let kitchen = p.photos.iter().find(|p| p.room == "kitchen").unwrap().id.to_string();
        let p = ops::move_out_review(&s, kitchen, "normal_wear".into(), None).unwrap();
        assert_eq!(p.blockers, None);
        let after = p.after_finalize.clone().unwrap();
        assert_eq!(after.total_deductions, case.total_deductions + Decimal::from(200));

        // The letter states the deposit, the item and the refund; the PDF is saved beside the replica.
        let preview = ops::move_out_letter_preview(&s, id.clone()).unwrap();
        for figure in [shown(preview.security_deposit), shown(Decimal::from(200)), shown(preview.refund_amount.abs())] {
            assert!(preview.body.contains(&figure), "{figure} missing from {}", preview.body);
        }
        assert!(preview.body.contains("Living room: Hole in wall"), "{}", preview.body);
        let saved = ops::move_out_letter_pdf(&s, id.clone()).unwrap();
        assert!(saved.report.path.contains("letters") && saved.report.path.ends_with(".pdf"), "{}", saved.report.path);
        let text = unitcycle_core::pdf::page_texts(&std::fs::read(&saved.report.path).unwrap()).unwrap().join("\n");
        assert!(text.contains("$200.00"), "{text}");
        assert_eq!(saved.body, preview.body);
        let p = ops::move_out_page(&s, id.clone()).unwrap();
        assert_eq!(p.letter_path.as_deref(), Some(saved.report.path.as_str()));
        assert!(p.inspection.deduction_letter.contains("Hole in wall"));

        // Finalize: the deduction lands on the case, approved, and the inspection is locked.
        let fin = ops::move_out_finalize(&s, id.clone()).unwrap();
        assert_eq!(fin.page.inspection.status, MoveOutStatus::Finalized);
        let figures = fin.case.unwrap();
        assert_eq!((figures.total_deductions, figures.refund_amount), (after.total_deductions, after.refund_amount));
        let t = ops::turnover_case(&s, case.case_id.to_string()).unwrap();
        let d = t.deductions.iter().find(|d| d.description == "Living room: Hole in wall").unwrap();
        assert!(d.approved && d.amount == Decimal::from(200));
        assert_eq!(t.case.refund_amount, figures.refund_amount);
        let e = ops::move_out_analyze(&s, id.clone()).unwrap_err();
        assert_eq!(e.detail, "This inspection is finalized; it no longer changes.");
        let e =
            ops::add_move_out_photo(&s, id, "kitchen".into(), "late.jpg".into(), &jpeg(40, 220, false)).unwrap_err();
        assert_eq!(e.code, "invalid_input");
    }

    #[test]
    fn the_move_out_is_compared_with_the_units_move_in_pair_by_pair() {
        let (s, _dir) = demo();
        let lease = under_notice(&s);
        let move_in = ops::start_inspection(&s, lease.to_string(), "Dana Inspector".into()).unwrap();
        let living = move_in.rooms.iter().find(|r| r.room.room_type == "living_room").unwrap();
        ops::add_photo(&s, living.room.id.to_string(), "before.jpg".into(), &jpeg(40, 220, false)).unwrap();
        let item = living.items[0].id.to_string();
        ops::rate_item(&s, item, Some("poor".into()), Some("scuffed at move-in".into())).unwrap();

        let p = ops::move_out_create(&s, lease.to_string(), "Dana Inspector".into()).unwrap();
        let id = p.inspection.id.to_string();
        assert_eq!(p.move_in_id, Some(move_in.inspection.id));
        ops::add_move_out_photo(&s, id.clone(), "living_room".into(), "after.jpg".into(), &jpeg(40, 220, true))
            .unwrap();
        ops::add_move_out_photo(&s, id.clone(), "exterior".into(), "porch.jpg".into(), &jpeg(30, 230, false)).unwrap();

        let c = ops::move_out_compare(&s, move_in.inspection.id.to_string(), id.clone()).unwrap();
        assert_eq!((c.provider.as_str(), c.pairs.len(), c.needs_review), ("offline", 2, 1));
        let pair = c.pairs.iter().find(|p| p.room == "living_room").unwrap();
        assert_eq!(pair.status, "needs_review");
        let diff = pair.diff.as_ref().unwrap();
        assert!(diff.changed && !diff.regions.is_empty());
        assert!(pair.differences.iter().any(|d| d.classification == "pre_existing" && !d.charge_to_tenant));
        let porch = c.pairs.iter().find(|p| p.room == "exterior").unwrap();
        assert_eq!((porch.status.as_str(), porch.move_in_photo_id), ("no_move_in_photo", None));
        let e = ops::move_out_compare(&s, uuid::Uuid::nil().to_string(), id).unwrap_err();
        assert_eq!(e.code, "not_found");
    }

    #[test]
    fn a_lease_under_notice_without_a_case_gets_one_when_its_inspection_starts() {
        let (s, _dir) = demo();
        // Under notice without passing through "give notice" (as an import leaves it): no case yet.
        let lease = ops::lease_rows(&s, None, Some("active".into())).unwrap().remove(0);
        let today = chrono::Utc::now().date_naive();
        s.store()
            .unwrap()
            .conn()
            .execute(
                "UPDATE tenant_lease SET lease_status = 'notice', notice_date = ?2, notice_move_out_date = ?2 WHERE id = ?1",
                [lease.id.to_string(), today.to_string()],
            )
            .unwrap();
        let offered = ops::move_out_leases(&s, Some(lease.lease_number.clone())).unwrap().leases;
        assert_eq!(offered.iter().map(|l| (l.lease_id, l.has_case)).collect::<Vec<_>>(), [(lease.id, false)]);
        let p = ops::move_out_create(&s, lease.id.to_string(), "Dana Inspector".into()).unwrap();
        let case = p.case.expect("the case was opened first");
        assert_eq!(case.case_id, unitcycle_core::turnover::case_id(lease.id));
        assert_eq!(
            ops::turnover_case(&s, case.case_id.to_string()).unwrap().case.inspection_date,
            Some(p.inspection.inspection_date)
        );
    }
}
