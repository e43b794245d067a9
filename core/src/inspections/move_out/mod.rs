//! Move-out photo inspection (spec 3.1): the `move_out_inspection` and `inspection_photo`
//! records, the vision prompt, the classifications, and the repair cost table every estimate is
//! checked against before it can become a deduction.
//!
//! A model's estimate outside the table's range for its category and severity is brought to the
//! nearest bound (and said so): a tenant is never charged more than the table allows, and a
//! figure the table does not cover (`other`) is left for a person to price.
//!
//! Nothing is charged by accident: an item becomes a deduction only when a person reviewed its
//! photo and kept it as damage ([`charged_items`]); a photo the model was unsure of, or that no
//! model saw (offline), is `needs_review` until a person classifies it.

pub mod analysis;
pub mod comparison;
pub mod port;
#[cfg(test)]
mod tests;
pub mod workflow;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::string_enum;
use crate::turnover::{DeductionCategory, TurnoverDeduction};

/// The spec's system prompt for move-out photos, word for word.
pub const MOVE_OUT_SYSTEM_PROMPT: &str = r#"You are a property inspection AI. Analyze this photo from a
move-out inspection. Classify each issue as:
- "normal_wear": Expected wear and tear for the tenancy duration
- "damage": Tenant-caused damage beyond normal wear
For each damage item found, provide:
1. Description of the damage
2. Severity: minor, moderate, severe
3. Estimated repair cost in USD
4. Category: wall_damage, floor_damage, fixture_damage, appliance_damage,
cleaning_needed, other
Return JSON format:
{
"classification": "damage" | "normal_wear" | "clean",
"confidence": 0.0-1.0,
"description": "Overall description of photo",
"damage_items": [
{
"item": "Description",
"severity": "minor|moderate|severe",
"estimated_cost": 0.00,
"category": "category_name"
}
]
}"#;

/// The user turn sent with each photo.
pub const MOVE_OUT_USER_PROMPT: &str = "Analyze this move-out inspection photo.";

string_enum! {
    /// `inspection_photo.ai_classification` (and `human_classification`).
    PhotoClassification {
        Pending => "pending", "Pending";
        NormalWear => "normal_wear", "Normal wear";
        Damage => "damage", "Damage";
        Clean => "clean", "Clean";
        NeedsReview => "needs_review", "Needs review";
    }
}

string_enum! {
    /// A damage item's severity.
    DamageSeverity {
        Minor => "minor", "Minor";
        Moderate => "moderate", "Moderate";
        Severe => "severe", "Severe";
    }
}

string_enum! {
    /// A damage item's category.
    DamageCategory {
        WallDamage => "wall_damage", "Wall damage";
        FloorDamage => "floor_damage", "Floor damage";
        FixtureDamage => "fixture_damage", "Fixture damage";
        ApplianceDamage => "appliance_damage", "Appliance damage";
        CleaningNeeded => "cleaning_needed", "Cleaning";
        Other => "other", "Other";
    }
}

/// The spec's repair cost table: (category, [(min, max) for minor, moderate, severe]) in dollars.
pub const REPAIR_COSTS: [(DamageCategory, [(i64, i64); 3]); 5] = [
    (DamageCategory::WallDamage, [(25, 75), (75, 200), (200, 500)]),
    (DamageCategory::FloorDamage, [(50, 150), (150, 400), (400, 1200)]),
    (DamageCategory::FixtureDamage, [(30, 100), (100, 300), (300, 800)]),
    (DamageCategory::ApplianceDamage, [(50, 150), (150, 500), (500, 2000)]),
    (DamageCategory::CleaningNeeded, [(100, 200), (200, 400), (400, 800)]),
];

/// The table's range for a category and severity; None for `other` (a person prices it).
pub fn cost_range(category: DamageCategory, severity: DamageSeverity) -> Option<(Decimal, Decimal)> {
    let column = match severity {
        DamageSeverity::Minor => 0,
        DamageSeverity::Moderate => 1,
        DamageSeverity::Severe => 2,
    };
    REPAIR_COSTS.iter().find(|(c, _)| *c == category).map(|(_, ranges)| {
        (
            crate::turnover::cents(Decimal::from(ranges[column].0)),
            crate::turnover::cents(Decimal::from(ranges[column].1)),
        )
    })
}

/// A checked estimate: the cost that may be deducted and why it differs from the estimate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct CheckedCost {
    pub amount: Option<Decimal>,
    /// Why the amount is not the estimate (empty when it is).
    pub note: String,
}

/// The estimate brought within the table's range (None when the table has no range: a person
/// prices it; a missing estimate takes the range's lower bound, never more).
pub fn check_cost(category: DamageCategory, severity: DamageSeverity, estimated: Option<Decimal>) -> CheckedCost {
    let Some((lo, hi)) = cost_range(category, severity) else {
        return CheckedCost {
            amount: None,
            note: format!("{} is not in the repair cost table: price it.", category.label()),
        };
    };
    let money = crate::format::money;
    match estimated {
        None => {
            CheckedCost { amount: Some(lo), note: format!("No estimate given: the table's lowest, {}.", money(lo)) }
        }
        Some(e) if e < lo => CheckedCost {
            amount: Some(lo),
            note: format!("Estimate {} is below the table's {}–{}: {}.", money(e), money(lo), money(hi), money(lo)),
        },
        Some(e) if e > hi => CheckedCost {
            amount: Some(hi),
            note: format!(
                "Estimate {} is above the table's {}–{}: capped at {}.",
                money(e),
                money(lo),
                money(hi),
                money(hi)
            ),
        },
        Some(e) => CheckedCost { amount: Some(crate::turnover::cents(e.round_dp(2))), note: String::new() },
    }
}

/// The deposit deduction category a damage category is charged under (spec 2.1's list).
pub fn deduction_category(category: DamageCategory) -> DeductionCategory {
    match category {
        DamageCategory::WallDamage => DeductionCategory::WallDamage,
        DamageCategory::FloorDamage => DeductionCategory::Carpet,
        DamageCategory::ApplianceDamage => DeductionCategory::ApplianceRepair,
        DamageCategory::CleaningNeeded => DeductionCategory::Cleaning,
        DamageCategory::FixtureDamage | DamageCategory::Other => DeductionCategory::Other,
    }
}

string_enum! {
    /// `move_out_inspection.status`.
    MoveOutStatus {
        InProgress => "in_progress", "In progress";
        AiProcessing => "ai_processing", "AI processing";
        Review => "review", "Review";
        Finalized => "finalized", "Finalized";
    }
}

/// The spec's rooms, in walking order (a room is any such slug: `bedroom_3` is one too).
pub const ROOMS: [&str; 8] =
    ["living_room", "kitchen", "bedroom_1", "bedroom_2", "bathroom_1", "bathroom_2", "hallway", "exterior"];

/// A photo's classification below this confidence goes to a person (`needs_review`).
pub const REVIEW_BELOW_CONFIDENCE: f64 = 0.6;

/// `move_out_inspection`: one walk through the empty unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct MoveOutInspection {
    pub id: Uuid,
    /// The lease's turnover case, when it has one.
    pub turnover_case_id: Option<Uuid>,
    pub unit_id: Uuid,
    pub lease_id: Uuid,
    /// The unit's property (scopes the record like every other).
    pub property_id: Uuid,
    pub inspector_name: String,
    pub inspection_date: NaiveDate,
    #[schema(value_type = String, example = "review")]
    pub status: MoveOutStatus,
    #[schema(value_type = String, example = "275.00")]
    pub total_damage_cost: Decimal,
    pub total_wear_items: i32,
    pub total_damage_items: i32,
    pub deduction_letter: String,
    pub deduction_letter_generated_at: Option<DateTime<Utc>>,
    pub ai_processing_started_at: Option<DateTime<Utc>>,
    pub ai_processing_completed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One damage item on a photo (the spec's `ai_damage_items[]`), its cost checked against the table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DamageItem {
    pub item: String,
    #[schema(value_type = String, example = "moderate")]
    pub severity: DamageSeverity,
    /// What may be charged (the estimate brought within the table); null: a person prices it.
    #[serde(default, with = "crate::format::wire::opt_money")]
    #[schema(value_type = Option<String>, example = "75.00")]
    #[specta(type = Option<Decimal>)]
    pub estimated_cost: Option<Decimal>,
    #[schema(value_type = String, example = "wall_damage")]
    pub category: DamageCategory,
    /// Why the cost is not the estimate given ("" when it is).
    #[serde(default)]
    pub cost_note: String,
}

impl DamageItem {
    /// A damage item with its cost checked against the repair cost table.
    pub fn new(
        item: &str,
        severity: DamageSeverity,
        category: DamageCategory,
        estimated: Option<Decimal>,
    ) -> Result<DamageItem, String> {
        let item = crate::format::check_text("A damage item's description", item, 200, true)?;
        if estimated.is_some_and(|e| e < Decimal::ZERO || !crate::format::fits_money(e)) {
            return Err(format!(
                "A repair estimate is an amount of zero or more (got {}).",
                estimated.unwrap_or_default()
            ));
        }
        let checked = check_cost(category, severity, estimated);
        Ok(DamageItem { item, severity, estimated_cost: checked.amount, category, cost_note: checked.note })
    }
}

/// `inspection_photo`: one photo and what was concluded about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct InspectionPhoto {
    pub id: Uuid,
    pub inspection_id: Uuid,
    pub room: String,
    /// `blob:<sha256>`: the bytes are in the blob store (`GET /api/v1/blobs/{sha256}`).
    pub photo_url: String,
    pub thumbnail_url: String,
    pub photo_order: i32,
    pub ai_analyzed: bool,
    #[schema(value_type = String, example = "damage")]
    pub ai_classification: PhotoClassification,
    pub ai_confidence: Option<f64>,
    pub ai_description: String,
    pub ai_damage_items: Vec<DamageItem>,
    /// "" until a person classifies the photo.
    pub human_classification: String,
    pub human_override: bool,
    pub reviewed_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// Who classified it: `claude`, `offline` ("" before analysis).
    pub ai_provider: String,
    /// The damage items as the reviewer priced them (empty: the AI's items stand).
    pub human_damage_items: Vec<DamageItem>,
}

impl InspectionPhoto {
    /// The classification that counts: the reviewer's, else the AI's.
    pub fn classification(&self) -> PhotoClassification {
        PhotoClassification::parse(&self.human_classification)
            .filter(|_| self.human_override)
            .unwrap_or(self.ai_classification)
    }

    /// The damage items that count: the reviewer's when given, else the AI's.
    pub fn damage_items(&self) -> &[DamageItem] {
        if self.human_override && !self.human_damage_items.is_empty() {
            &self.human_damage_items
        } else {
            &self.ai_damage_items
        }
    }

    pub fn blob_hash(&self) -> Option<&str> {
        blob_hash_of(&self.photo_url)
    }
}

/// The sha256 a `blob:<sha256>` URL names.
pub fn blob_hash_of(url: &str) -> Option<&str> {
    super::blob_hash(url)
}

/// An inspection with its photos (by room, then order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct MoveOutDetail {
    #[serde(flatten)]
    pub inspection: MoveOutInspection,
    pub photos: Vec<InspectionPhoto>,
}

/// Why a move-out inspection change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveOutError {
    #[error("{0}")]
    Invalid(String),
    #[error("This inspection is finalized; it no longer changes.")]
    Finalized,
    #[error("{0}")]
    NotReady(String),
}

/// The id of `lease_id`'s move-out inspection (one per lease, the same on every device).
pub fn inspection_id(lease_id: Uuid) -> Uuid {
    const NS: Uuid = Uuid::from_u128(0x3f7e_9b21_c4d0_4a6e_8f15_b2c9_d7e0_a1f4);
    Uuid::new_v5(&NS, format!("move-out:{lease_id}").as_bytes())
}

/// The id of the deduction made from item `index` of `photo_id` (finalizing twice adds nothing).
pub fn deduction_id(photo_id: Uuid, index: usize) -> Uuid {
    const NS: Uuid = Uuid::from_u128(0x3f7e_9b21_c4d0_4a6e_8f15_b2c9_d7e0_a1f5);
    Uuid::new_v5(&NS, format!("deduction:{photo_id}:{index}").as_bytes())
}

/// A room name: a lower-case slug (`kitchen`, `bedroom_1`) of at most 50 characters.
pub fn check_room(room: &str) -> Result<String, MoveOutError> {
    let r = room.trim().to_lowercase().replace([' ', '-'], "_");
    let ok =
        !r.is_empty() && r.len() <= 50 && r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(r)
    } else {
        Err(MoveOutError::Invalid(format!(
            "'{room}' is not a room: use a name like {} (letters, digits and _).",
            ROOMS.join(", ")
        )))
    }
}

/// A new inspection of `lease` (`lease_unit` / `property_id` are the lease's).
pub fn new_inspection(
    lease: &crate::model::Lease,
    turnover_case_id: Option<Uuid>,
    inspector_name: &str,
    inspection_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<MoveOutInspection, MoveOutError> {
    let inspector_name =
        crate::format::check_text("Inspector name", inspector_name, 100, true).map_err(MoveOutError::Invalid)?;
    Ok(MoveOutInspection {
        id: inspection_id(lease.id),
        turnover_case_id,
        unit_id: lease.unit_id,
        lease_id: lease.id,
        property_id: lease.property_id,
        inspector_name,
        inspection_date,
        status: MoveOutStatus::InProgress,
        total_damage_cost: crate::turnover::cents(Decimal::ZERO),
        total_wear_items: 0,
        total_damage_items: 0,
        deduction_letter: String::new(),
        deduction_letter_generated_at: None,
        ai_processing_started_at: None,
        ai_processing_completed_at: None,
        created_at: now,
        updated_at: now,
    })
}

pub fn ensure_editable(i: &MoveOutInspection) -> Result<(), MoveOutError> {
    if i.status == MoveOutStatus::Finalized {
        Err(MoveOutError::Finalized)
    } else {
        Ok(())
    }
}

/// A new photo of `room`, waiting for analysis, after the room's last.
pub fn new_photo(d: &MoveOutDetail, id: Uuid, room: &str, sha256: &str, now: DateTime<Utc>) -> InspectionPhoto {
    let photo_order = d.photos.iter().filter(|p| p.room == room).map(|p| p.photo_order + 1).max().unwrap_or(0);
    InspectionPhoto {
        id,
        inspection_id: d.inspection.id,
        room: room.to_string(),
        photo_url: format!("blob:{sha256}"),
        thumbnail_url: String::new(),
        photo_order,
        ai_analyzed: false,
        ai_classification: PhotoClassification::Pending,
        ai_confidence: None,
        ai_description: String::new(),
        ai_damage_items: Vec::new(),
        human_classification: String::new(),
        human_override: false,
        reviewed_by: String::new(),
        reviewed_at: None,
        created_at: now,
        ai_provider: String::new(),
        human_damage_items: Vec::new(),
    }
}

/// One photo's analysis (the model's answer checked, or the offline measurement).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PhotoAnalysis {
    pub photo_id: Uuid,
    pub provider: String,
    #[schema(value_type = String, example = "damage")]
    pub classification: PhotoClassification,
    pub confidence: Option<f64>,
    pub description: String,
    pub damage_items: Vec<DamageItem>,
}

/// Records an analysis on its photo (a photo already analysed or reviewed is left alone).
pub fn apply_analysis(d: &mut MoveOutDetail, a: &PhotoAnalysis) -> bool {
    let Some(p) = d.photos.iter_mut().find(|p| p.id == a.photo_id) else { return false };
    if p.ai_analyzed || p.human_override {
        return false;
    }
    p.ai_analyzed = true;
    p.ai_provider = a.provider.clone();
    p.ai_classification = a.classification;
    p.ai_confidence = a.confidence;
    p.ai_description = a.description.clone();
    p.ai_damage_items = a.damage_items.clone();
    true
}

/// A person's classification of a photo (and, optionally, the damage items as they price them).
pub fn review_photo(
    p: &mut InspectionPhoto,
    classification: PhotoClassification,
    damage_items: Option<Vec<DamageItem>>,
    reviewer: &str,
    now: DateTime<Utc>,
) -> Result<(), MoveOutError> {
    if matches!(classification, PhotoClassification::Pending | PhotoClassification::NeedsReview) {
        return Err(MoveOutError::Invalid("A review classifies the photo as damage, normal_wear or clean.".into()));
    }
    let reviewer = crate::format::check_text("Reviewer", reviewer, 100, true).map_err(MoveOutError::Invalid)?;
    if let Some(items) = damage_items {
        p.human_damage_items = items;
    }
    if classification == PhotoClassification::Damage && p.human_damage_items.is_empty() && p.ai_damage_items.is_empty()
    {
        return Err(MoveOutError::Invalid(
            "Damage needs at least one item with its category and severity, so it can be priced.".into(),
        ));
    }
    p.human_classification = classification.as_str().to_string();
    p.human_override = true;
    p.reviewed_by = reviewer;
    p.reviewed_at = Some(now);
    Ok(())
}

/// One item that will be charged: a reviewed damage photo's priced item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChargedItem {
    pub photo_id: Uuid,
    pub index: usize,
    pub room: String,
    pub item: DamageItem,
    #[schema(value_type = String, example = "75.00")]
    pub amount: Decimal,
}

/// The items that may be charged: on photos a person reviewed and kept as damage, with a price.
pub fn charged_items(d: &MoveOutDetail) -> Vec<ChargedItem> {
    let mut out = Vec::new();
    for p in d.photos.iter().filter(|p| p.human_override && p.classification() == PhotoClassification::Damage) {
        for (index, item) in p.damage_items().iter().enumerate() {
            if let Some(amount) = item.estimated_cost.filter(|a| *a > Decimal::ZERO) {
                out.push(ChargedItem {
                    photo_id: p.id,
                    index,
                    room: p.room.clone(),
                    item: item.clone(),
                    amount: crate::turnover::cents(amount),
                });
            }
        }
    }
    out
}

/// The room as words: `bedroom_1` → "Bedroom 1".
pub fn room_label(room: &str) -> String {
    let words = room.replace('_', " ");
    let mut c = words.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Brings the totals and the status up to date with the photos.
pub fn recompute(d: &mut MoveOutDetail, now: DateTime<Utc>) {
    let charged = charged_items(d);
    let i = &mut d.inspection;
    i.total_damage_cost = crate::turnover::cents(charged.iter().map(|c| c.amount).sum());
    i.total_damage_items = charged.len() as i32;
    i.total_wear_items =
        d.photos.iter().filter(|p| p.classification() == PhotoClassification::NormalWear).count() as i32;
    if i.status != MoveOutStatus::Finalized {
        let analysed = !d.photos.is_empty() && d.photos.iter().all(|p| p.ai_analyzed || p.human_override);
        i.status = if analysed { MoveOutStatus::Review } else { MoveOutStatus::InProgress };
    }
    i.updated_at = now;
}

/// What stops finalizing, if anything: photos to analyse or review, unpriced damage.
pub fn finalize_blockers(d: &MoveOutDetail) -> Option<String> {
    if d.photos.is_empty() {
        return Some("No photos yet: photograph each room first.".into());
    }
    let open: Vec<String> = d
        .photos
        .iter()
        .filter(|p| matches!(p.classification(), PhotoClassification::Pending | PhotoClassification::NeedsReview))
        .map(|p| format!("{} #{}", room_label(&p.room), p.photo_order + 1))
        .collect();
    if !open.is_empty() {
        return Some(format!("{} photo(s) still need a classification: {}.", open.len(), open.join(", ")));
    }
    let unpriced: Vec<String> = d
        .photos
        .iter()
        .filter(|p| p.classification() == PhotoClassification::Damage)
        .flat_map(|p| p.damage_items().iter().filter(|i| i.estimated_cost.is_none()).map(|i| i.item.clone()))
        .collect();
    if !unpriced.is_empty() {
        return Some(format!("Price these items first: {}.", unpriced.join("; ")));
    }
    let unreviewed =
        d.photos.iter().filter(|p| !p.human_override && p.classification() == PhotoClassification::Damage).count();
    if unreviewed > 0 {
        return Some(format!(
            "{unreviewed} photo(s) the AI marked as damage are not reviewed: confirm or change each."
        ));
    }
    None
}

/// The deductions `charged` makes on the turnover case (approved: a person reviewed each).
pub fn deductions(
    case_id: Uuid,
    charged: &[ChargedItem],
    photos: &[InspectionPhoto],
    now: DateTime<Utc>,
) -> Vec<TurnoverDeduction> {
    charged
        .iter()
        .map(|c| {
            let ai_detected = photos.iter().find(|p| p.id == c.photo_id).is_some_and(|p| {
                p.human_damage_items.is_empty() && p.ai_provider != "offline" && !p.ai_provider.is_empty()
            });
            TurnoverDeduction {
                id: deduction_id(c.photo_id, c.index),
                case_id,
                category: deduction_category(c.item.category),
                description: format!("{}: {}", room_label(&c.room), c.item.item).chars().take(200).collect(),
                amount: c.amount,
                photo_url: photos.iter().find(|p| p.id == c.photo_id).map(|p| p.photo_url.clone()).unwrap_or_default(),
                ai_detected,
                approved: true,
                created_at: now,
            }
        })
        .collect()
}
