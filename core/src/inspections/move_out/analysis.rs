//! Move-out photo analysis (spec 3.1) through the AI gateway, with the spec's system prompt word
//! for word (task `move_out_photo_analysis`, every call logged in `ai_run`).
//!
//! - Claude: the answer is validated (classification, severities and categories from the
//!   spec's lists, confidence 0..1; one repair request), each estimate is checked against the
//!   repair cost table, and a classification below [`super::REVIEW_BELOW_CONFIDENCE`] goes to a
//!   person as `needs_review`.
//! - Offline: no vision model can tell a hole from a shadow, so the photo is measured (size,
//!   sharpness, exposure), classified `needs_review` and described as such — never guessed.
//! - The provider unreachable (network, key): `Unavailable`, the photo stays `pending`.

use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::{
    DamageCategory, DamageItem, DamageSeverity, PhotoAnalysis, PhotoClassification, MOVE_OUT_SYSTEM_PROMPT,
    MOVE_OUT_USER_PROMPT, REVIEW_BELOW_CONFIDENCE,
};
use crate::ai::offline::OFFLINE_MODEL;
use crate::ai::prompts::Task;
use crate::ai::{AiError, AiRun, AiRunLog, Gateway, ProviderKind, RunOutcome};
use crate::inspections::analysis::{vision_image, AnalysisError};
use crate::inspections::quality;

/// The input of one photo's analysis: the room it shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveOutPhotoInput {
    pub room: String,
}

/// The spec's answer shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MoveOutAnswer {
    pub classification: String,
    pub confidence: f64,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub damage_items: Vec<AnswerDamage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnswerDamage {
    pub item: String,
    pub severity: String,
    #[serde(default)]
    pub estimated_cost: Option<f64>,
    pub category: String,
}

/// Spec 3.1: Claude Vision on one move-out photo. Vision only: no offline answer (see module doc).
pub struct MoveOutPhotoAnalysis;

impl Task for MoveOutPhotoAnalysis {
    const NAME: &'static str = "move_out_photo_analysis";
    const DESCRIPTION: &'static str = "Move-out photo: damage vs normal wear, repair costs (3.1, vision)";
    type Input = MoveOutPhotoInput;
    type Output = MoveOutAnswer;

    fn system() -> String {
        MOVE_OUT_SYSTEM_PROMPT.to_string()
    }

    fn prompt(_input: &MoveOutPhotoInput) -> String {
        MOVE_OUT_USER_PROMPT.to_string()
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "required": ["classification", "confidence", "description", "damage_items"],
            "properties": {
                "classification": {"type": "string", "enum": ["damage", "normal_wear", "clean"]},
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "description": {"type": "string"},
                "damage_items": {"type": "array", "items": {
                    "type": "object",
                    "required": ["item", "severity", "estimated_cost", "category"],
                    "properties": {
                        "item": {"type": "string"},
                        "severity": {"type": "string", "enum": ["minor", "moderate", "severe"]},
                        "estimated_cost": {"type": "number", "minimum": 0},
                        "category": {"type": "string", "enum": DamageCategory::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>()}
                    }
                }}
            }
        })
    }

    fn check(_input: &MoveOutPhotoInput, a: &MoveOutAnswer) -> Result<(), String> {
        if !matches!(a.classification.as_str(), "damage" | "normal_wear" | "clean") {
            return Err(format!("classification '{}' is not damage, normal_wear or clean", a.classification));
        }
        if !(0.0..=1.0).contains(&a.confidence) {
            return Err(format!("confidence {} is not within 0..1", a.confidence));
        }
        for (n, d) in a.damage_items.iter().enumerate() {
            DamageSeverity::parse(&d.severity).ok_or_else(|| format!("damage_items[{n}].severity '{}'", d.severity))?;
            DamageCategory::parse(&d.category).ok_or_else(|| format!("damage_items[{n}].category '{}'", d.category))?;
            if d.item.trim().is_empty() {
                return Err(format!("damage_items[{n}].item is empty"));
            }
        }
        Ok(())
    }

    fn offline(_input: &MoveOutPhotoInput) -> Option<MoveOutAnswer> {
        None
    }
}

/// The checked answer as a photo's analysis.
pub fn to_analysis(photo_id: Uuid, provider: &str, a: &MoveOutAnswer) -> PhotoAnalysis {
    let items: Vec<DamageItem> = a
        .damage_items
        .iter()
        .filter_map(|d| {
            let severity = DamageSeverity::parse(&d.severity)?;
            let category = DamageCategory::parse(&d.category).unwrap_or(DamageCategory::Other);
            let estimate =
                d.estimated_cost.and_then(|c| rust_decimal::Decimal::try_from(c).ok()).map(|c| c.round_dp(2));
            DamageItem::new(&d.item, severity, category, estimate).ok()
        })
        .collect();
    let said = PhotoClassification::parse(&a.classification).unwrap_or(PhotoClassification::NeedsReview);
    // Damage with nothing to price, or an unsure answer, is a person's call.
    let unsure = a.confidence < REVIEW_BELOW_CONFIDENCE || (said == PhotoClassification::Damage && items.is_empty());
    PhotoAnalysis {
        photo_id,
        provider: provider.to_string(),
        classification: if unsure { PhotoClassification::NeedsReview } else { said },
        confidence: Some(a.confidence),
        description: a.description.trim().to_string(),
        damage_items: items,
    }
}

/// What the offline provider says about a photo: what it measured, and that a person decides.
pub fn offline_analysis(photo_id: Uuid, room: &str, photo: &[u8]) -> Result<PhotoAnalysis, AnalysisError> {
    let q = quality::assess(photo).map_err(|e| AnalysisError::Failed(e.to_string()))?;
    let m = &q.measurements;
    Ok(PhotoAnalysis {
        photo_id,
        provider: "offline".into(),
        classification: PhotoClassification::NeedsReview,
        confidence: None,
        description: format!(
            "Offline check of this {} photo: {}×{} px, sharpness {:.0}, brightness {:.0}/255 — {}. No vision model \
             was used, so damage was not judged: classify this photo by eye (compare it with the move-in photo).",
            super::room_label(room).to_lowercase(),
            m.width,
            m.height,
            m.sharpness,
            m.mean_luminance,
            q.verdict
        ),
        damage_items: Vec::new(),
    })
}

/// Analyses photos through a gateway. Build one per run: `now` stamps its `ai_run` rows.
pub struct MoveOutAnalyzer<'a> {
    gateway: &'a Gateway,
    log: &'a dyn AiRunLog,
    now: DateTime<Utc>,
    down: Option<String>,
}

impl<'a> MoveOutAnalyzer<'a> {
    pub fn new(gateway: &'a Gateway, log: &'a dyn AiRunLog, now: DateTime<Utc>) -> MoveOutAnalyzer<'a> {
        MoveOutAnalyzer { gateway, log, now, down: None }
    }

    pub fn provider(&self) -> &str {
        self.gateway.provider().kind().as_str()
    }

    /// One photo's analysis; after the provider is found unreachable, the rest of the run stays
    /// pending without another attempt.
    pub fn analyze(&mut self, photo_id: Uuid, room: &str, photo: &[u8]) -> Result<PhotoAnalysis, AnalysisError> {
        if self.gateway.provider().kind() == ProviderKind::Offline {
            let started = Instant::now();
            let result = offline_analysis(photo_id, room, photo);
            let run = AiRun {
                id: Uuid::new_v4(),
                task: MoveOutPhotoAnalysis::NAME.to_string(),
                provider: ProviderKind::Offline,
                model: OFFLINE_MODEL.to_string(),
                input_tokens: 0,
                output_tokens: 0,
                latency_ms: started.elapsed().as_millis() as u64,
                outcome: if result.is_ok() { RunOutcome::Succeeded } else { RunOutcome::Failed },
                error: result.as_ref().err().map(|e| e.to_string()).unwrap_or_default(),
                created_at: self.now,
            };
            self.log.record(&run).map_err(|e| AnalysisError::Unavailable(format!("cannot record the AI run: {e}")))?;
            return result;
        }
        if let Some(why) = &self.down {
            return Err(AnalysisError::Unavailable(why.clone()));
        }
        let (media_type, image) = vision_image(photo)?;
        let input = MoveOutPhotoInput { room: room.to_string() };
        match self.gateway.vision_task::<MoveOutPhotoAnalysis>(&input, media_type, &image, self.log, self.now) {
            Ok(out) => Ok(to_analysis(photo_id, out.provider.as_str(), &out.value)),
            Err(e)
                if e.is_transport()
                    || matches!(e, AiError::Api { status: 401 | 403 | 404, .. } | AiError::Config(_)) =>
            {
                self.down = Some(e.to_string());
                Err(AnalysisError::Unavailable(e.to_string()))
            }
            Err(e) => Err(AnalysisError::Failed(e.to_string())),
        }
    }
}
