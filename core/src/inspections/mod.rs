//! Move-In Inspection (spec 4.4): the domain types of `move_in_inspection`, `move_in_room`,
//! `move_in_item` and `move_in_photo`, and the pure rules around them — the room list made from
//! the unit's bedrooms and bathrooms, completeness, the overall condition score, the status
//! the inspection is in, human override of AI ratings, signing and finalizing.
//!
//! Photo quality (`quality`) is measured on the device from the pixels; condition analysis
//! (`analysis`) sits behind a small trait so the AI gateway can plug in; `camera` picks the
//! photos to import from a camera folder. Everything here is pure — no I/O, no clock (callers
//! pass `now`) — except `camera::scan_folder`, which lists a folder, and `GatewayAnalyzer`,
//! which calls the AI gateway it is given.

pub mod analysis;
pub mod camera;
pub mod compare;
pub mod eligibility;
pub mod move_out;
pub mod port;
pub mod quality;
pub mod workflow;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::string_enum;
pub use quality::{PhotoError, PhotoMeasurements, PhotoQuality, QualityIssue};

string_enum! {
    /// `move_in_inspection.status`.
    InspectionStatus {
        InProgress => "in_progress", "In Progress";
        AiProcessing => "ai_processing", "AI Processing";
        Review => "review", "Under Review";
        PendingSignatures => "pending_signatures", "Pending Signatures";
        Finalized => "finalized", "Finalized";
    }
}

string_enum! {
    /// The condition of one item (`move_in_item.condition_rating` / `human_override`).
    ConditionRating {
        Excellent => "excellent", "Excellent";
        Good => "good", "Good";
        Fair => "fair", "Fair";
        Poor => "poor", "Poor";
        Damaged => "damaged", "Damaged";
    }
}

string_enum! {
    /// `move_in_room.overall_condition`: an item rating, or not inspected yet.
    RoomCondition {
        Excellent => "excellent", "Excellent";
        Good => "good", "Good";
        Fair => "fair", "Fair";
        Poor => "poor", "Poor";
        Damaged => "damaged", "Damaged";
        NotInspected => "not_inspected", "Not Inspected";
    }
}

string_enum! {
    /// Where a photo's condition analysis stands (`move_in_photo.analysis_status`).
    /// Photos are queued when added and analysed when an analyzer is available.
    AnalysisStatus {
        Queued => "queued", "Queued";
        Done => "done", "Analysed";
        NeedsReview => "needs_review", "Needs Review";
        Failed => "failed", "Failed";
    }
}

string_enum! {
    /// Severity of a pre-existing issue (spec's condition analysis prompt).
    IssueSeverity {
        Cosmetic => "cosmetic", "Cosmetic";
        Minor => "minor", "Minor";
        Moderate => "moderate", "Moderate";
        Major => "major", "Major";
    }
}

string_enum! {
    /// Who signs the inspection.
    SignerRole {
        Tenant => "tenant", "Tenant";
        Manager => "manager", "Manager";
    }
}

impl ConditionRating {
    /// Points toward `overall_condition_score` (0–100).
    pub fn points(self) -> f64 {
        match self {
            ConditionRating::Excellent => 100.0,
            ConditionRating::Good => 80.0,
            ConditionRating::Fair => 60.0,
            ConditionRating::Poor => 35.0,
            ConditionRating::Damaged => 10.0,
        }
    }

    /// The rating whose points are nearest to `score` (ties go to the worse rating).
    pub fn nearest(score: f64) -> ConditionRating {
        let mut best = ConditionRating::Damaged;
        for r in ConditionRating::ALL.iter().rev() {
            if (r.points() - score).abs() < (best.points() - score).abs() {
                best = *r;
            }
        }
        best
    }
}

impl From<ConditionRating> for RoomCondition {
    fn from(r: ConditionRating) -> Self {
        match r {
            ConditionRating::Excellent => RoomCondition::Excellent,
            ConditionRating::Good => RoomCondition::Good,
            ConditionRating::Fair => RoomCondition::Fair,
            ConditionRating::Poor => RoomCondition::Poor,
            ConditionRating::Damaged => RoomCondition::Damaged,
        }
    }
}

/// Rules an inspection enforces, each with the message a person sees.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InspectionError {
    #[error("this inspection was finalized on {0} and can no longer be changed")]
    Finalized(String),
    #[error("finalizing needs both signatures; missing: {0}")]
    MissingSignatures(String),
    #[error("{0}")]
    Photo(#[from] PhotoError),
    #[error("the signature image is empty; sign in the box before saving")]
    EmptySignature,
    #[error("{0}")]
    Invalid(String),
}

/// A pre-existing issue on an item, from an analyzer or typed by the inspector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PreExistingIssue {
    pub severity: IssueSeverity,
    pub description: String,
    #[serde(default)]
    pub dimensions: String,
    #[serde(default)]
    pub location: String,
    /// `human` or the analyzer's provider name.
    #[serde(default = "human")]
    pub source: String,
}

fn human() -> String {
    "human".to_string()
}

/// `move_in_inspection`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MoveInInspection {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub lease_id: Uuid,
    pub property_id: Uuid,
    pub inspector_name: String,
    pub inspection_date: NaiveDate,
    pub status: InspectionStatus,
    pub rooms_required: Vec<String>,
    pub rooms_completed: Vec<String>,
    pub completeness_pct: i64,
    pub total_items_documented: i64,
    pub items_excellent: i64,
    pub items_good: i64,
    pub items_fair: i64,
    pub items_poor: i64,
    pub items_damaged: i64,
    pub overall_condition_score: Option<f64>,
    pub tenant_signature_url: String,
    pub tenant_signed_at: Option<DateTime<Utc>>,
    pub tenant_signer_name: String,
    pub manager_signature_url: String,
    pub manager_signed_at: Option<DateTime<Utc>>,
    pub manager_signer_name: String,
    pub condition_report_url: String,
    pub location_lat: Option<f64>,
    pub location_lng: Option<f64>,
    pub location_verified: bool,
    pub finalized_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Where each signature came from (spec: "Records IP + timestamp"); "" when signed on a
    /// device rather than through the API.
    #[serde(default)]
    pub tenant_signed_ip: String,
    #[serde(default)]
    pub manager_signed_ip: String,
}

impl MoveInInspection {
    /// A new inspection in progress with nothing documented yet; `(unit, lease, property)`
    /// are the ids it belongs to.
    pub fn started(
        id: Uuid,
        (unit_id, lease_id, property_id): (Uuid, Uuid, Uuid),
        inspector_name: &str,
        inspection_date: NaiveDate,
        now: DateTime<Utc>,
    ) -> MoveInInspection {
        MoveInInspection {
            id,
            unit_id,
            lease_id,
            property_id,
            inspector_name: inspector_name.to_string(),
            inspection_date,
            status: InspectionStatus::InProgress,
            rooms_required: Vec::new(),
            rooms_completed: Vec::new(),
            completeness_pct: 0,
            total_items_documented: 0,
            items_excellent: 0,
            items_good: 0,
            items_fair: 0,
            items_poor: 0,
            items_damaged: 0,
            overall_condition_score: None,
            tenant_signature_url: String::new(),
            tenant_signed_at: None,
            tenant_signer_name: String::new(),
            manager_signature_url: String::new(),
            manager_signed_at: None,
            manager_signer_name: String::new(),
            condition_report_url: String::new(),
            location_lat: None,
            location_lng: None,
            location_verified: false,
            finalized_at: None,
            created_at: now,
            updated_at: now,
            tenant_signed_ip: String::new(),
            manager_signed_ip: String::new(),
        }
    }
}

/// `move_in_room`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MoveInRoom {
    pub id: Uuid,
    pub inspection_id: Uuid,
    pub room_type: String,
    pub room_name: String,
    pub room_order: i64,
    pub overall_condition: RoomCondition,
    pub notes: String,
    pub photo_count: i64,
    pub is_complete: bool,
}

/// `move_in_item`. `condition_rating` is the analyzer's; `human_override` wins when set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MoveInItem {
    pub id: Uuid,
    pub room_id: Uuid,
    pub item_order: i64,
    pub item_type: String,
    pub item_label: String,
    pub condition_rating: Option<ConditionRating>,
    pub ai_description: String,
    pub ai_pre_existing_issues: Vec<PreExistingIssue>,
    pub ai_confidence: Option<f64>,
    pub ai_provider: String,
    pub photo_id: Option<Uuid>,
    pub human_override: Option<ConditionRating>,
    pub human_notes: String,
}

impl MoveInItem {
    /// The rating that counts: the human's when given, else the analyzer's.
    pub fn rating(&self) -> Option<ConditionRating> {
        self.human_override.or(self.condition_rating)
    }

    /// Who the counting rating came from (`human`, a provider name, or "" when unrated).
    pub fn rated_by(&self) -> &str {
        match (self.human_override, self.condition_rating) {
            (Some(_), _) => "human",
            (None, Some(_)) => &self.ai_provider,
            (None, None) => "",
        }
    }
}

/// `move_in_photo`. The bytes are the blob named in `photo_url` (`blob:<sha256>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct MoveInPhoto {
    pub id: Uuid,
    pub inspection_id: Uuid,
    pub room_id: Uuid,
    pub photo_url: String,
    pub photo_order: i64,
    pub captured_at: Option<DateTime<Utc>>,
    pub gps_lat: Option<f64>,
    pub gps_lng: Option<f64>,
    pub ai_quality_score: Option<f64>,
    pub ai_quality_issues: Vec<QualityIssue>,
    pub is_acceptable: bool,
    pub ai_analyzed: bool,
    pub ai_condition_summary: String,
    pub ai_items_found: serde_json::Value,
    pub file_name: String,
    pub width: i64,
    pub height: i64,
    pub byte_size: i64,
    pub quality_metrics: Option<PhotoMeasurements>,
    pub quality_suggestion: String,
    pub analysis_status: AnalysisStatus,
    pub analysis_provider: String,
    pub created_at: DateTime<Utc>,
}

impl MoveInPhoto {
    /// The sha256 of the photo's blob.
    pub fn blob_hash(&self) -> Option<&str> {
        blob_hash(&self.photo_url)
    }
}

/// The sha256 inside a `blob:<sha256>` reference.
pub fn blob_hash(url: &str) -> Option<&str> {
    url.strip_prefix("blob:").filter(|h| !h.is_empty())
}

/// A room with its items and photos, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RoomDetail {
    pub room: MoveInRoom,
    pub items: Vec<MoveInItem>,
    pub photos: Vec<MoveInPhoto>,
}

/// The full inspection (spec: "full detail with nested rooms, items, and photos").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct InspectionDetail {
    pub inspection: MoveInInspection,
    pub rooms: Vec<RoomDetail>,
}

// --- room generation ---------------------------------------------------------------------

/// One room to create, with the items to rate in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoomPlan {
    pub room_type: String,
    pub room_name: String,
    pub items: Vec<(&'static str, &'static str)>,
}

const LIVING_ITEMS: &[(&str, &str)] = &[
    ("walls", "Walls"),
    ("ceiling", "Ceiling"),
    ("floor_carpet", "Floor"),
    ("windows", "Windows & blinds"),
    ("doors", "Entry door & locks"),
    ("light_fixtures", "Light fixtures & switches"),
    ("hvac_vents", "HVAC vents & thermostat"),
    ("smoke_detector", "Smoke detector"),
];
const KITCHEN_ITEMS: &[(&str, &str)] = &[
    ("walls", "Walls"),
    ("ceiling", "Ceiling"),
    ("floor_tile", "Floor"),
    ("countertops", "Countertops"),
    ("cabinets", "Cabinets & drawers"),
    ("sink", "Sink & faucet"),
    ("appliance_stove", "Stove & oven"),
    ("appliance_refrigerator", "Refrigerator"),
    ("light_fixtures", "Light fixtures & switches"),
];
const BEDROOM_ITEMS: &[(&str, &str)] = &[
    ("walls", "Walls"),
    ("ceiling", "Ceiling"),
    ("floor_carpet", "Floor"),
    ("windows", "Windows & blinds"),
    ("doors", "Door & hardware"),
    ("closet", "Closet"),
    ("light_fixtures", "Light fixtures & switches"),
    ("smoke_detector", "Smoke detector"),
];
const BATHROOM_ITEMS: &[(&str, &str)] = &[
    ("walls", "Walls"),
    ("ceiling", "Ceiling"),
    ("floor_tile", "Floor"),
    ("sink", "Sink & vanity"),
    ("toilet", "Toilet"),
    ("tub_shower", "Tub / shower"),
    ("mirror", "Mirror & medicine cabinet"),
    ("exhaust_fan", "Exhaust fan"),
];
const HALF_BATH_ITEMS: &[(&str, &str)] = &[
    ("walls", "Walls"),
    ("floor_tile", "Floor"),
    ("sink", "Sink & vanity"),
    ("toilet", "Toilet"),
    ("mirror", "Mirror"),
];

/// The rooms of a unit "from its floorplan": living room and kitchen, one room per bedroom
/// (none for a studio, whose living room is the studio), one per full bathroom and one for a
/// half bathroom (`bathrooms` = 1.5 → a bathroom and a half bath). At least one bathroom.
pub fn plan_rooms(bedrooms: i32, bathrooms: Decimal) -> Vec<RoomPlan> {
    let mut rooms = Vec::new();
    let room = |t: String, n: String, items: &[(&'static str, &'static str)]| RoomPlan {
        room_type: t,
        room_name: n,
        items: items.to_vec(),
    };
    let living = if bedrooms <= 0 { "Studio Living Area" } else { "Living Room" };
    rooms.push(room("living_room".into(), living.into(), LIVING_ITEMS));
    rooms.push(room("kitchen".into(), "Kitchen".into(), KITCHEN_ITEMS));
    let beds = bedrooms.clamp(0, 12);
    for i in 1..=beds {
        let name = match (i, beds) {
            (1, 1) => "Bedroom".to_string(),
            (1, _) => "Primary Bedroom".to_string(),
            _ => format!("Bedroom {i}"),
        };
        rooms.push(room(format!("bedroom_{i}"), name, BEDROOM_ITEMS));
    }
    let baths = bathrooms.to_f64().unwrap_or(1.0).clamp(0.0, 12.0);
    let (full, half) = match baths.floor() as i32 {
        0 => (1, false),
        n => (n, baths.fract() >= 0.5),
    };
    for i in 1..=full {
        let name = match (i, full) {
            (1, 1) => "Bathroom".to_string(),
            (1, _) => "Primary Bathroom".to_string(),
            _ => format!("Bathroom {i}"),
        };
        rooms.push(room(format!("bathroom_{i}"), name, BATHROOM_ITEMS));
    }
    if half {
        rooms.push(room("half_bath".into(), "Half Bath".into(), HALF_BATH_ITEMS));
    }
    rooms
}

// --- completeness and summary -------------------------------------------------------------

/// A room that still needs something, for the completeness panel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RoomRef {
    pub room_id: Uuid,
    pub room_type: String,
    pub room_name: String,
}

/// An item without a rating.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ItemRef {
    pub item_id: Uuid,
    pub room_id: Uuid,
    pub room_name: String,
    pub item_type: String,
    pub item_label: String,
}

/// The coverage check (spec: "rooms without photos, items without ratings").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Completeness {
    pub completeness_pct: i64,
    pub is_complete: bool,
    pub rooms_required: Vec<String>,
    pub rooms_completed: Vec<String>,
    pub rooms_without_photos: Vec<RoomRef>,
    pub items_without_ratings: Vec<ItemRef>,
    /// Photos kept but flagged for retake (too dark, blurry, ...): they do not count as coverage.
    pub photos_to_retake: Vec<Uuid>,
    pub photos_awaiting_analysis: i64,
    pub signatures_missing: Vec<SignerRole>,
}

/// Completeness of an inspection. Every room needs at least one acceptable photo and every item
/// a rating; `completeness_pct` is the share of those checks that are done, rounded down, so
/// 100 means nothing is missing.
pub fn completeness(detail: &InspectionDetail) -> Completeness {
    let mut checks = 0i64;
    let mut done = 0i64;
    let mut rooms_completed = Vec::new();
    let mut rooms_without_photos = Vec::new();
    let mut items_without_ratings = Vec::new();
    let mut photos_to_retake = Vec::new();
    let mut awaiting = 0;
    for rd in &detail.rooms {
        let r = &rd.room;
        let good_photos = rd.photos.iter().filter(|p| p.is_acceptable).count();
        photos_to_retake.extend(rd.photos.iter().filter(|p| !p.is_acceptable).map(|p| p.id));
        awaiting += rd.photos.iter().filter(|p| p.analysis_status == AnalysisStatus::Queued).count() as i64;
        checks += 1;
        if good_photos > 0 {
            done += 1;
        } else {
            rooms_without_photos.push(RoomRef {
                room_id: r.id,
                room_type: r.room_type.clone(),
                room_name: r.room_name.clone(),
            });
        }
        let mut room_done = good_photos > 0;
        for it in &rd.items {
            checks += 1;
            if it.rating().is_some() {
                done += 1;
            } else {
                room_done = false;
                items_without_ratings.push(ItemRef {
                    item_id: it.id,
                    room_id: r.id,
                    room_name: r.room_name.clone(),
                    item_type: it.item_type.clone(),
                    item_label: it.item_label.clone(),
                });
            }
        }
        if room_done {
            rooms_completed.push(r.room_type.clone());
        }
    }
    let pct = if checks == 0 { 0 } else { done * 100 / checks };
    let i = &detail.inspection;
    let mut signatures_missing = Vec::new();
    if i.tenant_signed_at.is_none() {
        signatures_missing.push(SignerRole::Tenant);
    }
    if i.manager_signed_at.is_none() {
        signatures_missing.push(SignerRole::Manager);
    }
    Completeness {
        completeness_pct: pct,
        is_complete: checks > 0 && done == checks,
        rooms_required: detail.rooms.iter().map(|r| r.room.room_type.clone()).collect(),
        rooms_completed,
        rooms_without_photos,
        items_without_ratings,
        photos_to_retake,
        photos_awaiting_analysis: awaiting,
        signatures_missing,
    }
}

/// Rating counts and the score, as stored on `move_in_inspection`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RatingSummary {
    pub total_items_documented: i64,
    pub items_excellent: i64,
    pub items_good: i64,
    pub items_fair: i64,
    pub items_poor: i64,
    pub items_damaged: i64,
    /// Mean of the rated items' points (excellent 100, good 80, fair 60, poor 35, damaged 10).
    pub overall_condition_score: Option<f64>,
}

pub fn rating_summary<'a>(items: impl IntoIterator<Item = &'a MoveInItem>) -> RatingSummary {
    let mut s = RatingSummary::default();
    let mut points = 0.0;
    for r in items.into_iter().filter_map(MoveInItem::rating) {
        s.total_items_documented += 1;
        points += r.points();
        match r {
            ConditionRating::Excellent => s.items_excellent += 1,
            ConditionRating::Good => s.items_good += 1,
            ConditionRating::Fair => s.items_fair += 1,
            ConditionRating::Poor => s.items_poor += 1,
            ConditionRating::Damaged => s.items_damaged += 1,
        }
    }
    if s.total_items_documented > 0 {
        s.overall_condition_score = Some((points / s.total_items_documented as f64 * 10.0).round() / 10.0);
    }
    s
}

/// A room's overall condition: not inspected until an item is rated; then the rating nearest
/// the mean of its rated items, but never better than one step above its worst item (one
/// damaged item makes a room at best poor).
pub fn room_condition(items: &[MoveInItem]) -> RoomCondition {
    let ratings: Vec<ConditionRating> = items.iter().filter_map(MoveInItem::rating).collect();
    if ratings.is_empty() {
        return RoomCondition::NotInspected;
    }
    let mean = ratings.iter().map(|r| r.points()).sum::<f64>() / ratings.len() as f64;
    let nearest = ConditionRating::nearest(mean);
    let worst = *ratings.iter().max().unwrap_or(&nearest);
    // ALL is ordered best → worst; the cap is one step better than the worst.
    let worst_idx = ConditionRating::ALL.iter().position(|r| *r == worst).unwrap_or(0);
    let cap = ConditionRating::ALL[worst_idx.saturating_sub(1)];
    RoomCondition::from(nearest.max(cap))
}

/// The status an open inspection is in, derived from what has been done: finalized stays
/// finalized; once anyone has signed it waits for signatures; a complete one is under review.
pub fn derive_status(inspection: &MoveInInspection, c: &Completeness) -> InspectionStatus {
    if inspection.status == InspectionStatus::Finalized {
        InspectionStatus::Finalized
    } else if inspection.tenant_signed_at.is_some() || inspection.manager_signed_at.is_some() {
        InspectionStatus::PendingSignatures
    } else if c.is_complete {
        InspectionStatus::Review
    } else {
        InspectionStatus::InProgress
    }
}

/// Any change to a finalized inspection is refused.
pub fn ensure_editable(inspection: &MoveInInspection) -> Result<(), InspectionError> {
    match (inspection.status, inspection.finalized_at) {
        (InspectionStatus::Finalized, at) => Err(InspectionError::Finalized(
            at.map_or_else(|| "an earlier date".to_string(), |t| t.format("%Y-%m-%d %H:%M UTC").to_string()),
        )),
        _ => Ok(()),
    }
}

/// Finalize needs both signatures (spec: "Lock inspection. Requires both signatures.").
pub fn check_finalize(inspection: &MoveInInspection) -> Result<(), InspectionError> {
    ensure_editable(inspection)?;
    let mut missing = Vec::new();
    if inspection.tenant_signed_at.is_none() || inspection.tenant_signature_url.is_empty() {
        missing.push("tenant");
    }
    if inspection.manager_signed_at.is_none() || inspection.manager_signature_url.is_empty() {
        missing.push("manager");
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(InspectionError::MissingSignatures(missing.join(" and ")))
    }
}

/// Signing needs a complete inspection: 100 % as [`completeness`] counts it — every room
/// with at least one acceptable photo (a photo flagged for retake does not count) and every
/// item rated. A report of a half-documented unit signed by both sides protects nobody.
pub const SIGNING_RULE: &str =
    "Signing needs a complete inspection (100%): an acceptable photo of every room and a rating for every item.";

/// What still stands between the inspection and signing, in a person's words; `None` when it
/// can be signed. Lists each room without an acceptable photo and each unrated item (the
/// first ten by name, then how many more).
pub fn signing_blockers(c: &Completeness) -> Option<String> {
    if c.is_complete {
        return None;
    }
    let mut parts = Vec::new();
    if !c.rooms_without_photos.is_empty() {
        let rooms: Vec<&str> = c.rooms_without_photos.iter().map(|r| r.room_name.as_str()).collect();
        parts.push(format!("an acceptable photo of {}", rooms.join(", ")));
    }
    if !c.items_without_ratings.is_empty() {
        const SHOWN: usize = 10;
        let mut items: Vec<String> =
            c.items_without_ratings.iter().take(SHOWN).map(|i| format!("{} — {}", i.room_name, i.item_label)).collect();
        let n = c.items_without_ratings.len();
        if n > SHOWN {
            items.push(format!("and {} more", n - SHOWN));
        }
        let noun = if n == 1 { "item" } else { "items" };
        parts.push(format!("a rating for {n} {noun} ({})", items.join(", ")));
    }
    if parts.is_empty() {
        parts.push("at least one room to inspect".to_string());
    }
    Some(format!(
        "signing needs a complete inspection (100%); it is {}% complete. Missing: {}",
        c.completeness_pct,
        parts.join("; ")
    ))
}

/// Refuses signing below [`SIGNING_RULE`], with what is missing.
pub fn check_sign_ready(detail: &InspectionDetail) -> Result<(), InspectionError> {
    match signing_blockers(&completeness(detail)) {
        None => Ok(()),
        Some(why) => Err(InspectionError::Invalid(why)),
    }
}

/// A signature must be a PNG with at least one drawn (non-transparent, non-white) pixel.
pub fn check_signature(png: &[u8]) -> Result<(), InspectionError> {
    let img = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .map_err(|e| InspectionError::Invalid(format!("the signature is not a PNG image ({e})")))?;
    if img.width() > 4000 || img.height() > 4000 {
        return Err(InspectionError::Invalid("the signature image is larger than 4000×4000 pixels".into()));
    }
    let inked = img.to_rgba8().pixels().any(|p| p[3] > 16 && (p[0] < 200 || p[1] < 200 || p[2] < 200));
    if inked {
        Ok(())
    } else {
        Err(InspectionError::EmptySignature)
    }
}

/// Applies a human rating (the override) to an item; `None` clears the override so the
/// analyzer's rating counts again. Notes are replaced when given.
pub fn apply_override(item: &mut MoveInItem, rating: Option<ConditionRating>, notes: Option<&str>) {
    item.human_override = rating;
    if let Some(n) = notes {
        item.human_notes = n.trim().to_string();
    }
}

/// Validates an issue typed by the inspector.
pub fn human_issue(
    severity: IssueSeverity,
    description: &str,
    dimensions: &str,
    location: &str,
) -> Result<PreExistingIssue, InspectionError> {
    let description = description.trim();
    if description.is_empty() {
        return Err(InspectionError::Invalid("describe the issue (for example \"3-inch scratch on drywall\")".into()));
    }
    Ok(PreExistingIssue {
        severity,
        description: description.to_string(),
        dimensions: dimensions.trim().to_string(),
        location: location.trim().to_string(),
        source: human(),
    })
}

// --- changes to an inspection, shared by the replica and the central server -------------------
//
// Each takes the inspection as loaded, changes it in memory and leaves every derived column
// up to date; the caller writes the rows that changed (and stores any blob under the hash
// given). Neither store decides anything itself.

/// Brings every derived column up to date: each room's overall condition, photo count and
/// completeness, then the inspection's rooms required and completed, completeness, rating
/// counts, score and status. Returns the completeness it computed.
pub fn recompute(detail: &mut InspectionDetail, now: DateTime<Utc>) -> Completeness {
    for rd in &mut detail.rooms {
        rd.room.overall_condition = room_condition(&rd.items);
        rd.room.photo_count = rd.photos.len() as i64;
        rd.room.is_complete =
            rd.photos.iter().any(|p| p.is_acceptable) && rd.items.iter().all(|i| i.rating().is_some());
    }
    let comp = completeness(detail);
    let summary = rating_summary(detail.rooms.iter().flat_map(|r| &r.items));
    let i = &mut detail.inspection;
    i.rooms_required = comp.rooms_required.clone();
    i.rooms_completed = comp.rooms_completed.clone();
    i.completeness_pct = comp.completeness_pct;
    i.total_items_documented = summary.total_items_documented;
    i.items_excellent = summary.items_excellent;
    i.items_good = summary.items_good;
    i.items_fair = summary.items_fair;
    i.items_poor = summary.items_poor;
    i.items_damaged = summary.items_damaged;
    i.overall_condition_score = summary.overall_condition_score;
    i.status = derive_status(i, &comp);
    i.updated_at = now;
    comp
}

/// A new inspection of `lease` (on `unit`): rooms, and the items to rate in each, come from
/// the unit's bedrooms and bathrooms (`plan_rooms`).
pub fn new_inspection(
    lease: &crate::model::Lease,
    unit: &crate::model::Unit,
    inspector_name: &str,
    inspection_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<InspectionDetail, InspectionError> {
    let inspector = inspector_name.trim();
    if inspector.is_empty() {
        return Err(InspectionError::Invalid("enter the inspector's name".into()));
    }
    if inspector.chars().count() > 150 {
        return Err(InspectionError::Invalid("the inspector's name is longer than 150 characters".into()));
    }
    if lease.unit_id != unit.id {
        return Err(InspectionError::Invalid(format!(
            "lease {} is not on unit {}",
            lease.lease_number, unit.unit_number
        )));
    }
    let id = Uuid::new_v4();
    let rooms = plan_rooms(unit.bedrooms, unit.bathrooms)
        .into_iter()
        .enumerate()
        .map(|(ri, plan)| {
            let room_id = Uuid::new_v4();
            RoomDetail {
                room: MoveInRoom {
                    id: room_id,
                    inspection_id: id,
                    room_type: plan.room_type,
                    room_name: plan.room_name,
                    room_order: ri as i64,
                    overall_condition: RoomCondition::NotInspected,
                    notes: String::new(),
                    photo_count: 0,
                    is_complete: false,
                },
                items: plan
                    .items
                    .iter()
                    .enumerate()
                    .map(|(ii, (item_type, label))| MoveInItem {
                        id: Uuid::new_v4(),
                        room_id,
                        item_order: ii as i64,
                        item_type: (*item_type).to_string(),
                        item_label: (*label).to_string(),
                        condition_rating: None,
                        ai_description: String::new(),
                        ai_pre_existing_issues: Vec::new(),
                        ai_confidence: None,
                        ai_provider: String::new(),
                        photo_id: None,
                        human_override: None,
                        human_notes: String::new(),
                    })
                    .collect(),
                photos: Vec::new(),
            }
        })
        .collect();
    let mut detail = InspectionDetail {
        inspection: MoveInInspection::started(
            id,
            (unit.id, lease.id, lease.property_id),
            inspector,
            inspection_date,
            now,
        ),
        rooms,
    };
    recompute(&mut detail, now);
    Ok(detail)
}

/// Adds a photo to a room: the file is quality-checked first (a file that cannot be a usable
/// photo is refused and nothing changes); a photo that fails the check is kept with its
/// verdict and a retake suggestion. The photo is queued for condition analysis; its bytes
/// belong in the blob store under `blob_hash(&photo.photo_url)`.
pub fn add_photo(
    detail: &mut InspectionDetail,
    room_id: Uuid,
    file_name: &str,
    bytes: &[u8],
    captured_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<(MoveInPhoto, PhotoQuality), InspectionError> {
    ensure_editable(&detail.inspection)?;
    let inspection_id = detail.inspection.id;
    let Some(rd) = detail.rooms.iter_mut().find(|r| r.room.id == room_id) else {
        return Err(InspectionError::Invalid(format!("room {room_id} is not part of this inspection")));
    };
    let q = quality::assess(bytes)?;
    let photo = MoveInPhoto {
        id: Uuid::new_v4(),
        inspection_id,
        room_id,
        photo_url: format!("blob:{}", crate::blobs::sha256_hex(bytes)),
        photo_order: rd.photos.iter().map(|p| p.photo_order + 1).max().unwrap_or(0),
        captured_at,
        gps_lat: None,
        gps_lng: None,
        ai_quality_score: Some(q.quality_score),
        ai_quality_issues: q.issues.clone(),
        is_acceptable: q.is_acceptable,
        ai_analyzed: false,
        ai_condition_summary: String::new(),
        ai_items_found: serde_json::Value::Array(Vec::new()),
        file_name: file_name.trim().chars().take(255).collect(),
        width: i64::from(q.measurements.width),
        height: i64::from(q.measurements.height),
        byte_size: bytes.len() as i64,
        quality_metrics: Some(q.measurements),
        quality_suggestion: q.suggestion.clone(),
        analysis_status: AnalysisStatus::Queued,
        analysis_provider: String::new(),
        created_at: now,
    };
    rd.photos.push(photo.clone());
    recompute(detail, now);
    Ok((photo, q))
}

/// Records an analyzer's answer for photo `photo_id`: the photo gets the room summary, the
/// items found, the status and the provider; every item of the room whose type the analyzer
/// rated gets its rating, description, issues and confidence, labelled with the provider and
/// linked to the photo. Human overrides and notes are never touched, so a person's rating
/// keeps counting. Returns the ids of the items changed.
pub fn apply_analysis(
    detail: &mut InspectionDetail,
    photo_id: Uuid,
    a: &analysis::ConditionAnalysis,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, InspectionError> {
    ensure_editable(&detail.inspection)?;
    let rd = room_of_photo(detail, photo_id)?;
    if let Some(p) = rd.photos.iter_mut().find(|p| p.id == photo_id) {
        p.ai_analyzed = true;
        p.ai_condition_summary = a.room_summary.clone();
        p.ai_items_found = serde_json::to_value(&a.items).unwrap_or_default();
        p.analysis_status = a.status;
        p.analysis_provider = a.provider.clone();
    }
    let mut changed = Vec::new();
    for found in &a.items {
        for item in rd.items.iter_mut().filter(|i| i.item_type == found.item_type) {
            item.condition_rating = Some(found.condition_rating);
            item.ai_description = found.description.clone();
            item.ai_pre_existing_issues = found.pre_existing_issues.clone();
            item.ai_confidence = Some(found.confidence);
            item.ai_provider = a.provider.clone();
            item.photo_id = Some(photo_id);
            if !changed.contains(&item.id) {
                changed.push(item.id);
            }
        }
    }
    recompute(detail, now);
    Ok(changed)
}

/// Records that analysing photo `photo_id` failed (the answer was unusable or the photo's
/// bytes are missing): the photo leaves the queue marked failed, with the reason.
pub fn apply_analysis_failure(
    detail: &mut InspectionDetail,
    photo_id: Uuid,
    provider: &str,
    why: &str,
    now: DateTime<Utc>,
) -> Result<(), InspectionError> {
    ensure_editable(&detail.inspection)?;
    let rd = room_of_photo(detail, photo_id)?;
    if let Some(p) = rd.photos.iter_mut().find(|p| p.id == photo_id) {
        p.analysis_status = AnalysisStatus::Failed;
        p.analysis_provider = provider.to_string();
        p.ai_condition_summary = format!("Analysis failed: {why}");
    }
    recompute(detail, now);
    Ok(())
}

fn room_of_photo(detail: &mut InspectionDetail, photo_id: Uuid) -> Result<&mut RoomDetail, InspectionError> {
    detail
        .rooms
        .iter_mut()
        .find(|r| r.photos.iter().any(|p| p.id == photo_id))
        .ok_or_else(|| InspectionError::Invalid(format!("photo {photo_id} is not part of this inspection")))
}

/// Records a signature (a PNG drawn on screen) with its time and where it came from (`ip`,
/// "" on a device); signing again replaces it. Returns the sha256 under which the caller
/// stores the PNG (the signature URL is `blob:<sha256>`).
pub fn sign(
    detail: &mut InspectionDetail,
    role: SignerRole,
    signer_name: &str,
    png: &[u8],
    ip: &str,
    now: DateTime<Utc>,
) -> Result<String, InspectionError> {
    ensure_editable(&detail.inspection)?;
    let signer = signer_name.trim();
    if signer.is_empty() {
        return Err(InspectionError::Invalid(format!("enter the {}'s name before signing", role.as_str())));
    }
    if signer.chars().count() > 150 {
        return Err(InspectionError::Invalid(format!("the {}'s name is longer than 150 characters", role.as_str())));
    }
    check_sign_ready(detail)?;
    if png.is_empty() {
        return Err(InspectionError::EmptySignature);
    }
    check_signature(png)?;
    let hash = crate::blobs::sha256_hex(png);
    let i = &mut detail.inspection;
    let (url, at, name, from) = match role {
        SignerRole::Tenant => {
            (&mut i.tenant_signature_url, &mut i.tenant_signed_at, &mut i.tenant_signer_name, &mut i.tenant_signed_ip)
        }
        SignerRole::Manager => (
            &mut i.manager_signature_url,
            &mut i.manager_signed_at,
            &mut i.manager_signer_name,
            &mut i.manager_signed_ip,
        ),
    };
    *url = format!("blob:{hash}");
    *at = Some(now);
    *name = signer.to_string();
    *from = ip.trim().chars().take(64).collect();
    recompute(detail, now);
    Ok(hash)
}

/// Locks the inspection; needs both signatures. Nothing can change afterwards.
pub fn finalize(detail: &mut InspectionDetail, now: DateTime<Utc>) -> Result<(), InspectionError> {
    check_finalize(&detail.inspection)?;
    recompute(detail, now);
    let i = &mut detail.inspection;
    i.status = InspectionStatus::Finalized;
    i.finalized_at = Some(now);
    i.updated_at = now;
    Ok(())
}

/// Records the generated condition report (a PDF blob). Allowed after finalizing: the report
/// describes the inspection, it does not change it.
pub fn set_report(inspection: &mut MoveInInspection, hash: &str, now: DateTime<Utc>) {
    inspection.condition_report_url = format!("blob:{hash}");
    inspection.updated_at = now;
}

#[cfg(test)]
mod tests;
