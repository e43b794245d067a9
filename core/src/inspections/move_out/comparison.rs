//! Move-in vs move-out comparison (spec 4.4's compare, used with 3.1): the move-out photos are
//! paired with the same room's move-in photos, and each pair is compared.
//!
//! What the move-in recorded — an item rated poor or damaged, a pre-existing issue — is listed
//! as `pre_existing` on the room's first pair and is never chargeable. The pair itself:
//! - with Claude, the two photos go side by side in one image with the spec's COMPARISON_PROMPT,
//!   and each difference comes back classified (`pre_existing` / `new_damage` / `normal_wear` /
//!   `improved`); only `new_damage` may be charged to the tenant;
//! - offline, the photos are aligned and compared pixel by pixel (`compare::compare`): where they
//!   differ is reported as regions to highlight, the pair is `needs_review`, and no difference
//!   is classified — that takes eyes (a person) or a vision model.

use chrono::NaiveDate;
use image::DynamicImage;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::port::MoveOutPort;
use super::room_label;
use crate::ai::prompts::Task;
use crate::ai::Gateway;
use crate::inspections::compare::{self, PhotoDiff};
use crate::inspections::port::InspectionsPort;
use crate::inspections::{quality, ConditionRating, InspectionDetail, RoomDetail};
use crate::store::Result;

/// The spec's comparison prompt, word for word.
pub const COMPARISON_PROMPT: &str = r#"Compare these two photos of the same {item_type} in {room_name}.
Photo 1: Move-in ({move_in_date})
Photo 2: Move-out ({move_out_date})
For each difference found, classify as:
- "pre_existing": Visible in move-in photo → NO charge to tenant
- "new_damage": NOT in move-in photo → Tenant responsibility
- "normal_wear": Expected deterioration for {lease_duration} tenancy
- "improved": Better condition than move-in
Return:
{
"differences": [{
"classification": "pre_existing|new_damage|normal_wear|improved",
"description": "New 6-inch crack in tile near dishwasher",
"estimated_repair_cost": 150.00,
"charge_to_tenant": true/false,
"reasoning": "Not visible in move-in photo. Consistent with impact damage."
}],
"summary": "1 pre-existing issue (no charge), 2 new damages ($350 total)"
}"#;

/// One difference between the move-in and the move-out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Difference {
    /// `pre_existing`, `new_damage`, `normal_wear` or `improved`.
    pub classification: String,
    pub description: String,
    #[serde(default, with = "crate::format::wire::opt_money")]
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<Decimal>)]
    pub estimated_repair_cost: Option<Decimal>,
    pub charge_to_tenant: bool,
    pub reasoning: String,
}

/// One move-out photo and the move-in photo of the same room it is compared with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ComparedPair {
    pub room: String,
    /// The move-in room it was paired with ("" when the move-in has no such room).
    pub move_in_room_name: String,
    pub move_in_photo_id: Option<Uuid>,
    pub move_in_photo_url: String,
    pub move_out_photo_id: Uuid,
    pub move_out_photo_url: String,
    /// `claude`, `offline`.
    pub provider: String,
    /// `changed` (classified by a model), `unchanged`, `needs_review` (a person must look) or
    /// `no_move_in_photo`.
    pub status: String,
    /// The offline pixel comparison (where the photos differ); null when it could not be made.
    pub diff: Option<PhotoDiff>,
    pub differences: Vec<Difference>,
    pub summary: String,
}

/// `GET /api/v1/move-in-inspections/{id}/compare/{moveOutId}/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Comparison {
    pub move_in_id: Uuid,
    pub move_out_id: Uuid,
    pub move_in_date: NaiveDate,
    pub move_out_date: NaiveDate,
    pub lease_duration: String,
    pub provider: String,
    pub pairs: Vec<ComparedPair>,
    /// Pairs a person must look at.
    pub needs_review: usize,
    /// What may be charged per the comparison (new damage only).
    #[schema(value_type = String)]
    pub chargeable_total: Decimal,
    pub summary: String,
}

/// The model's answer for one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonAnswer {
    pub differences: Vec<AnswerDifference>,
    #[serde(default)]
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerDifference {
    pub classification: String,
    pub description: String,
    #[serde(default)]
    pub estimated_repair_cost: Option<f64>,
    #[serde(default)]
    pub charge_to_tenant: bool,
    #[serde(default)]
    pub reasoning: String,
}

/// What the comparison prompt is filled from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonInput {
    pub item_type: String,
    pub room_name: String,
    pub move_in_date: NaiveDate,
    pub move_out_date: NaiveDate,
    pub lease_duration: String,
}

const CLASSES: [&str; 4] = ["pre_existing", "new_damage", "normal_wear", "improved"];

/// Spec 4.4's comparison on one pair (vision: the two photos side by side, move-in on the left).
pub struct PhotoComparison;

impl Task for PhotoComparison {
    const NAME: &'static str = "photo_comparison";
    const DESCRIPTION: &'static str = "Move-in vs move-out photo comparison (4.4 compare, vision)";
    type Input = ComparisonInput;
    type Output = ComparisonAnswer;

    fn system() -> String {
        "You compare move-in and move-out photos of a rental unit for a security deposit decision. The image \
         shows Photo 1 (move-in) on the left and Photo 2 (move-out) on the right. Report only differences you can \
         see; when unsure, say so in the reasoning. Respond with one JSON object and nothing else."
            .to_string()
    }

    fn prompt(i: &ComparisonInput) -> String {
        COMPARISON_PROMPT
            .replace("{item_type}", &i.item_type)
            .replace("{room_name}", &i.room_name)
            .replace("{move_in_date}", &i.move_in_date.to_string())
            .replace("{move_out_date}", &i.move_out_date.to_string())
            .replace("{lease_duration}", &i.lease_duration)
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "required": ["differences", "summary"],
            "properties": {
                "differences": {"type": "array", "items": {
                    "type": "object",
                    "required": ["classification", "description", "charge_to_tenant", "reasoning"],
                    "properties": {
                        "classification": {"type": "string", "enum": CLASSES},
                        "description": {"type": "string"},
                        "estimated_repair_cost": {"type": "number", "minimum": 0},
                        "charge_to_tenant": {"type": "boolean"},
                        "reasoning": {"type": "string"}
                    }
                }},
                "summary": {"type": "string"}
            }
        })
    }

    fn check(_i: &ComparisonInput, a: &ComparisonAnswer) -> Result<(), String> {
        for (n, d) in a.differences.iter().enumerate() {
            if !CLASSES.contains(&d.classification.as_str()) {
                return Err(format!("differences[{n}].classification '{}'", d.classification));
            }
        }
        Ok(())
    }

    fn offline(_i: &ComparisonInput) -> Option<ComparisonAnswer> {
        None
    }
}

/// A model's difference as recorded: only new damage may be charged, whatever the model said.
pub fn to_difference(d: &AnswerDifference) -> Difference {
    Difference {
        classification: d.classification.clone(),
        description: d.description.trim().to_string(),
        estimated_repair_cost: d.estimated_repair_cost.and_then(|c| Decimal::try_from(c).ok()).map(|c| c.round_dp(2)),
        charge_to_tenant: d.charge_to_tenant && d.classification == "new_damage",
        reasoning: d.reasoning.trim().to_string(),
    }
}

/// "2 years 3 months", from the lease's dates.
pub fn lease_duration(begin: NaiveDate, end: NaiveDate) -> String {
    use chrono::Datelike;
    let months = ((end.year() - begin.year()) * 12 + end.month() as i32
        - begin.month() as i32
        - i32::from(end.day() < begin.day()))
    .max(0);
    match (months / 12, months % 12) {
        (0, m) => format!("{m} month{}", if m == 1 { "" } else { "s" }),
        (y, 0) => format!("{y} year{}", if y == 1 { "" } else { "s" }),
        (y, m) => format!("{y} year{} {m} month{}", if y == 1 { "" } else { "s" }, if m == 1 { "" } else { "s" }),
    }
}

/// `Bedroom 1` → `bedroom_1`.
fn slug(name: &str) -> String {
    name.trim().to_lowercase().replace([' ', '-'], "_")
}

/// The move-in room a move-out room is: same name, else the only room of that type.
pub fn matching_room<'a>(move_in: &'a InspectionDetail, room: &str) -> Option<&'a RoomDetail> {
    move_in.rooms.iter().find(|r| slug(&r.room.room_name) == room).or_else(|| {
        let of_type: Vec<&RoomDetail> = move_in.rooms.iter().filter(|r| slug(&r.room.room_type) == room).collect();
        (of_type.len() == 1).then(|| of_type[0])
    })
}

/// What the move-in recorded in a room: items rated poor or damaged, and every pre-existing issue.
pub fn recorded_at_move_in(room: &RoomDetail, move_in_date: NaiveDate) -> Vec<Difference> {
    let mut out = Vec::new();
    for item in &room.items {
        let noted = |description: String| Difference {
            classification: "pre_existing".into(),
            description,
            estimated_repair_cost: None,
            charge_to_tenant: false,
            reasoning: format!("Recorded at move-in ({move_in_date}): never charged to the tenant."),
        };
        if let Some(r @ (ConditionRating::Poor | ConditionRating::Damaged)) = item.rating() {
            out.push(noted(format!("{} rated {} at move-in", item.item_label, r.label().to_lowercase())));
        }
        for issue in &item.ai_pre_existing_issues {
            out.push(noted(format!("{}: {}", item.item_label, issue.description)));
        }
        if !item.human_notes.trim().is_empty() {
            out.push(noted(format!("{}: {}", item.item_label, item.human_notes.trim())));
        }
    }
    out
}

/// The offline pixel comparison of one pair, as the pair's status and summary.
pub fn offline_pair(before: &DynamicImage, after: &DynamicImage) -> (String, PhotoDiff, String) {
    let diff = compare::compare(before, after);
    if diff.changed {
        let summary = format!(
            "The photos differ in {} area(s) ({:.1}% of the picture), highlighted. No vision model was used, so \
             whether that is damage, wear or an improvement was not judged: look at the pair.",
            diff.regions.len(),
            diff.changed_share * 100.0
        );
        ("needs_review".into(), diff, summary)
    } else {
        ("unchanged".into(), diff, "No difference beyond light and framing.".into())
    }
}

/// The two photos side by side (move-in left), for a vision model.
fn side_by_side(before: &DynamicImage, after: &DynamicImage) -> Vec<u8> {
    let side = crate::inspections::analysis::VISION_MAX_SIDE / 2;
    let (a, b) = (
        before.resize(side, side, image::imageops::FilterType::Triangle),
        after.resize(side, side, image::imageops::FilterType::Triangle),
    );
    let mut canvas =
        image::RgbImage::from_pixel(a.width() + b.width() + 8, a.height().max(b.height()), image::Rgb([255, 255, 255]));
    image::imageops::overlay(&mut canvas, &a.to_rgb8(), 0, 0);
    image::imageops::overlay(&mut canvas, &b.to_rgb8(), i64::from(a.width() + 8), 0);
    let mut out = Vec::new();
    let _ = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&canvas);
    out
}

/// Compares move-out inspection `move_out_id` with move-in inspection `move_in_id` of the same
/// unit. Nothing is written.
pub fn compare_inspections<P: MoveOutPort + InspectionsPort>(
    port: &P,
    gateway: &Gateway,
    move_in_id: Uuid,
    move_out_id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Comparison> {
    let move_in = InspectionsPort::inspection(port, move_in_id)?;
    let move_out = port.move_out(move_out_id)?;
    if move_in.inspection.unit_id != move_out.inspection.unit_id {
        return Err(crate::store::StoreError::Rejected(
            "These inspections are of different units; compare a unit's move-in with its own move-out.".into(),
        ));
    }
    let lease = port.lease(move_out.inspection.lease_id)?;
    let duration = lease_duration(lease.lease_begin_date, move_out.inspection.inspection_date);
    let online = gateway.provider().kind() != crate::ai::ProviderKind::Offline;
    let load = |url: &str| -> Result<Option<DynamicImage>> {
        let Some(h) = crate::inspections::blob_hash(url) else { return Ok(None) };
        Ok(port.photo_bytes(h)?.and_then(|b| quality::decode(&b).ok()))
    };
    let mut pairs = Vec::new();
    let mut noted_rooms: Vec<String> = Vec::new();
    for p in &move_out.photos {
        let room = matching_room(&move_in, &p.room);
        let mut differences = Vec::new();
        if let Some(r) = room {
            if !noted_rooms.contains(&p.room) {
                noted_rooms.push(p.room.clone());
                differences.extend(recorded_at_move_in(r, move_in.inspection.inspection_date));
            }
        }
        let partner = room.and_then(|r| {
            let nth = p.photo_order.max(0) as usize;
            r.photos.get(nth.min(r.photos.len().saturating_sub(1)))
        });
        let mut pair = ComparedPair {
            room: p.room.clone(),
            move_in_room_name: room.map(|r| r.room.room_name.clone()).unwrap_or_default(),
            move_in_photo_id: partner.map(|m| m.id),
            move_in_photo_url: partner.map(|m| m.photo_url.clone()).unwrap_or_default(),
            move_out_photo_id: p.id,
            move_out_photo_url: p.photo_url.clone(),
            provider: "offline".into(),
            status: "no_move_in_photo".into(),
            diff: None,
            differences,
            summary: format!(
                "The move-in has no photo of the {}: nothing to compare with.",
                room_label(&p.room).to_lowercase()
            ),
        };
        if let (Some(m), Some(after)) = (partner, load(&p.photo_url)?) {
            if let Some(before) = load(&m.photo_url)? {
                let (status, diff, summary) = offline_pair(&before, &after);
                (pair.status, pair.summary) = (status, summary);
                let changed = diff.changed;
                pair.diff = Some(diff);
                if online && changed {
                    let input = ComparisonInput {
                        item_type: "room".into(),
                        room_name: room.map(|r| r.room.room_name.clone()).unwrap_or_else(|| room_label(&p.room)),
                        move_in_date: move_in.inspection.inspection_date,
                        move_out_date: move_out.inspection.inspection_date,
                        lease_duration: duration.clone(),
                    };
                    let image = side_by_side(&before, &after);
                    if let Ok(out) = gateway.vision_task::<PhotoComparison>(&input, "image/jpeg", &image, port, now) {
                        pair.provider = out.provider.as_str().to_string();
                        pair.status = "changed".into();
                        pair.differences.extend(out.value.differences.iter().map(to_difference));
                        pair.summary = out.value.summary.trim().to_string();
                    }
                }
            }
        }
        pairs.push(pair);
    }
    let needs_review = pairs.iter().filter(|p| p.status == "needs_review").count();
    let chargeable_total = pairs
        .iter()
        .flat_map(|p| &p.differences)
        .filter(|d| d.charge_to_tenant)
        .filter_map(|d| d.estimated_repair_cost)
        .sum::<Decimal>();
    let pre_existing = pairs.iter().flat_map(|p| &p.differences).filter(|d| d.classification == "pre_existing").count();
    let provider =
        if pairs.iter().any(|p| p.provider != "offline") { gateway.provider().kind().as_str() } else { "offline" };
    let summary = format!(
        "{} photo pair(s): {} to review by eye, {} pre-existing issue(s) from the move-in (no charge){}.",
        pairs.len(),
        needs_review,
        pre_existing,
        if chargeable_total > Decimal::ZERO {
            format!(", new damage {}", crate::format::money(chargeable_total))
        } else {
            String::new()
        }
    );
    Ok(Comparison {
        move_in_id,
        move_out_id,
        move_in_date: move_in.inspection.inspection_date,
        move_out_date: move_out.inspection.inspection_date,
        lease_duration: duration,
        provider: provider.to_string(),
        pairs,
        needs_review,
        chargeable_total,
        summary,
    })
}
