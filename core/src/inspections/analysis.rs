//! Condition analysis of a photo (spec 4.4's condition analysis), behind a small trait so the
//! AI gateway can plug in a vision provider. Photos are queued when they are added; an
//! analyzer that is unavailable (no network, no key) leaves them queued; every result says
//! which provider produced it.
//!
//! `OfflineAnalyzer` is the honest fallback: it cannot see scratches, so it reports what it
//! measured, rates nothing, and marks the result `needs_review` for the inspector.
//!
//! `GatewayAnalyzer` sends the photo through the AI gateway with the spec's
//! CONDITION_ANALYSIS_PROMPT (task `condition_analysis`, every call logged in `ai_run`):
//! - with Claude configured, the answer is validated (ratings and severities from the spec's
//!   enums, confidence in 0..1; one repair request) and becomes a `ConditionAnalysis` labelled
//!   `claude`, status `done` — or `needs_review` when any item's confidence is below
//!   [`REVIEW_BELOW_CONFIDENCE`] or the photo showed no item to rate;
//! - no network, a timeout or a server still failing after retries, a rejected API key:
//!   `Unavailable`, so the photo stays queued; after the first such failure the rest of the run
//!   is left queued without another attempt (one timeout per run, not one per photo);
//! - an answer that is still invalid after the repair, or a request refused for this photo:
//!   `Failed`;
//! - with the gateway offline it is exactly `OfflineAnalyzer` (provider `offline`), logged too.
//!
//! Items the model reports twice (two walls) are merged into one per `item_type`: the worse
//! rating, both descriptions, all issues, the lower confidence — the room's checklist has one
//! row per type and a condition report must not hide the worse of the two.

use std::borrow::Cow;
use std::sync::OnceLock;
use std::time::Instant;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::quality::{self, PhotoMeasurements};
use super::{AnalysisStatus, ConditionRating, IssueSeverity, PreExistingIssue};
use crate::ai::offline::OFFLINE_MODEL;
use crate::ai::prompts::ConditionAnalysis as ConditionAnalysisTask;
use crate::ai::{AiError, AiRun, AiRunLog, Gateway, ProviderKind, RunOutcome, Task};

/// An item rated with less confidence than this sends the photo's result to review.
pub const REVIEW_BELOW_CONFIDENCE: f64 = 0.6;
/// Photos are sent at most this long on their long side (Claude's recommended size; larger
/// images are scaled down by the API anyway and camera originals exceed its 5 MB limit).
pub const VISION_MAX_SIDE: u32 = 1568;
/// Files up to this size within `VISION_MAX_SIDE` are sent as they are (5 MB once base64-encoded).
pub const VISION_MAX_BYTES: usize = 3_750_000;

/// What an analyzer is asked about one photo.
#[derive(Debug, Clone)]
pub struct AnalysisRequest<'a> {
    pub room_name: &'a str,
    pub room_type: &'a str,
    /// `(item_type, item_label)` of the items to rate in the room.
    pub items: Vec<(&'a str, &'a str)>,
    pub photo: &'a [u8],
}

/// One item an analyzer found (spec's `items[]` of the condition analysis prompt).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AnalyzedItem {
    pub item_type: String,
    pub item_label: String,
    pub condition_rating: ConditionRating,
    pub description: String,
    pub pre_existing_issues: Vec<PreExistingIssue>,
    pub confidence: f64,
}

/// An analyzer's answer for one photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ConditionAnalysis {
    pub provider: String,
    /// `done` when the provider is confident, `needs_review` when a person must look.
    pub status: AnalysisStatus,
    pub room_summary: String,
    pub overall_condition: Option<ConditionRating>,
    pub items: Vec<AnalyzedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnalysisError {
    /// The provider cannot be reached now; the photo stays queued.
    #[error("{0} is not available; the photo stays queued for analysis")]
    Unavailable(String),
    /// The provider answered but the answer is unusable; the photo is marked failed.
    #[error("analysis failed: {0}")]
    Failed(String),
}

/// A source of condition analyses.
pub trait ConditionAnalyzer {
    /// The name recorded with every result (`offline`, `claude`, ...).
    fn provider(&self) -> &str;
    fn analyze(&self, request: &AnalysisRequest<'_>) -> Result<ConditionAnalysis, AnalysisError>;
}

/// The result of running an analyzer over an inspection's queued photos.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AnalysisRun {
    pub provider: String,
    pub analysed: i64,
    pub needs_review: i64,
    pub failed: i64,
    pub still_queued: i64,
    /// Why photos stayed queued, when they did.
    pub message: String,
}

impl AnalysisRun {
    pub fn new(provider: &str) -> AnalysisRun {
        AnalysisRun { provider: provider.to_string(), ..AnalysisRun::default() }
    }

    /// Counts one photo's outcome.
    pub fn count(&mut self, outcome: &Result<ConditionAnalysis, AnalysisError>) {
        match outcome {
            Ok(a) if a.status == AnalysisStatus::NeedsReview => self.needs_review += 1,
            Ok(_) => self.analysed += 1,
            Err(AnalysisError::Unavailable(why)) => {
                self.still_queued += 1;
                self.message = format!("{} is not available ({why}); photos stay queued", self.provider);
            }
            Err(AnalysisError::Failed(_)) => self.failed += 1,
        }
    }
}

/// What the `condition_analysis` prompt is filled from: the room and its checklist as hints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ConditionAnalysisInput {
    pub room_name: String,
    pub room_type: String,
    pub items: Vec<ItemHint>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ItemHint {
    pub item_type: String,
    pub item_label: String,
}

/// The model's answer, in the spec prompt's shape. Unknown ratings or severities do not
/// deserialize, which is what triggers the repair request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ConditionAnswer {
    pub items: Vec<AnswerItem>,
    #[serde(default)]
    pub room_summary: String,
    #[serde(default)]
    pub overall_condition: Option<ConditionRating>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AnswerItem {
    pub item_type: String,
    #[serde(default)]
    pub item_label: String,
    pub condition_rating: ConditionRating,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub pre_existing_issues: Vec<AnswerIssue>,
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct AnswerIssue {
    pub severity: IssueSeverity,
    pub description: String,
    #[serde(default)]
    pub dimensions: String,
    #[serde(default)]
    pub location: String,
}

/// The offline analyzer: measurements only, never invented ratings.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfflineAnalyzer;

impl ConditionAnalyzer for OfflineAnalyzer {
    fn provider(&self) -> &str {
        "offline"
    }

    fn analyze(&self, request: &AnalysisRequest<'_>) -> Result<ConditionAnalysis, AnalysisError> {
        let q = quality::assess(request.photo).map_err(|e| AnalysisError::Failed(e.to_string()))?;
        Ok(ConditionAnalysis {
            provider: self.provider().to_string(),
            status: AnalysisStatus::NeedsReview,
            room_summary: offline_summary(request.room_name, &q.measurements, &q.verdict),
            overall_condition: None,
            items: Vec::new(),
        })
    }
}

fn offline_summary(room: &str, m: &PhotoMeasurements, verdict: &str) -> String {
    format!(
        "Offline check of this {room} photo: {}×{} px, sharpness {:.0}, brightness {:.0}/255 — {verdict}. \
         No vision model was used, so no condition was assessed: rate each item by eye.",
        m.width, m.height, m.sharpness, m.mean_luminance
    )
}

/// Condition analysis through the AI gateway (see the module documentation). Build one per
/// analysis run: `now` stamps its `ai_run` rows.
pub struct GatewayAnalyzer<'a> {
    gateway: &'a Gateway,
    log: &'a dyn AiRunLog,
    now: DateTime<Utc>,
    /// Set by the first transport failure; later photos of the run stay queued without a call.
    down: OnceLock<String>,
}

impl<'a> GatewayAnalyzer<'a> {
    pub fn new(gateway: &'a Gateway, log: &'a dyn AiRunLog, now: DateTime<Utc>) -> GatewayAnalyzer<'a> {
        GatewayAnalyzer { gateway, log, now, down: OnceLock::new() }
    }

    fn offline(&self, request: &AnalysisRequest<'_>) -> Result<ConditionAnalysis, AnalysisError> {
        let started = Instant::now();
        let result = OfflineAnalyzer.analyze(request);
        let (outcome, error) = match &result {
            Ok(_) => (RunOutcome::Succeeded, String::new()),
            Err(e) => (RunOutcome::Failed, e.to_string()),
        };
        let run = AiRun {
            id: Uuid::new_v4(),
            task: ConditionAnalysisTask::NAME.to_string(),
            provider: ProviderKind::Offline,
            model: OFFLINE_MODEL.to_string(),
            input_tokens: 0,
            output_tokens: 0,
            latency_ms: started.elapsed().as_millis() as u64,
            outcome,
            error,
            created_at: self.now,
        };
        self.log.record(&run).map_err(|e| AnalysisError::Unavailable(format!("cannot record the AI run: {e}")))?;
        result
    }
}

impl ConditionAnalyzer for GatewayAnalyzer<'_> {
    fn provider(&self) -> &str {
        self.gateway.provider().kind().as_str()
    }

    fn analyze(&self, request: &AnalysisRequest<'_>) -> Result<ConditionAnalysis, AnalysisError> {
        if self.gateway.provider().kind() == ProviderKind::Offline {
            return self.offline(request);
        }
        if let Some(why) = self.down.get() {
            return Err(AnalysisError::Unavailable(why.clone()));
        }
        let (media_type, image) = vision_image(request.photo)?;
        let input = ConditionAnalysisInput {
            room_name: request.room_name.to_string(),
            room_type: request.room_type.to_string(),
            items: request
                .items
                .iter()
                .map(|(t, l)| ItemHint { item_type: t.to_string(), item_label: l.to_string() })
                .collect(),
        };
        match self.gateway.vision_task::<ConditionAnalysisTask>(&input, media_type, &image, self.log, self.now) {
            Ok(out) => Ok(to_analysis(out.provider.as_str(), out.value)),
            Err(e) => {
                let err = classify(&e);
                if let AnalysisError::Unavailable(why) = &err {
                    let _ = self.down.set(why.clone());
                }
                Err(err)
            }
        }
    }
}

/// Which failures leave the photo queued (the provider could not be used now) and which mark
/// it failed (the provider was used and this photo's answer is unusable).
fn classify(e: &AiError) -> AnalysisError {
    match e {
        _ if e.is_transport() => AnalysisError::Unavailable(e.to_string()),
        // A rejected key, a forbidden or unknown model: fix the configuration, then re-run.
        AiError::Api { status: 401 | 403 | 404, .. } | AiError::Config(_) | AiError::Log(_) | AiError::Protocol(_) => {
            AnalysisError::Unavailable(e.to_string())
        }
        _ => AnalysisError::Failed(e.to_string()),
    }
}

/// The bytes to send and their media type, read from the bytes (not the file name): the
/// original when it is small enough, else a JPEG scaled to `VISION_MAX_SIDE`.
pub fn vision_image(photo: &[u8]) -> Result<(&'static str, Cow<'_, [u8]>), AnalysisError> {
    let failed = |e: quality::PhotoError| AnalysisError::Failed(e.to_string());
    let (format, width, height) = quality::probe(photo).map_err(failed)?;
    let media_type = match format {
        image::ImageFormat::Png => "image/png",
        _ => "image/jpeg",
    };
    if width.max(height) <= VISION_MAX_SIDE && photo.len() <= VISION_MAX_BYTES {
        return Ok((media_type, Cow::Borrowed(photo)));
    }
    let img = quality::decode(photo).map_err(failed)?;
    let small = img.resize(VISION_MAX_SIDE, VISION_MAX_SIDE, image::imageops::FilterType::Triangle).to_rgb8();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85)
        .encode_image(&small)
        .map_err(|e| AnalysisError::Failed(format!("cannot prepare the photo for analysis: {e}")))?;
    Ok(("image/jpeg", Cow::Owned(out)))
}

fn item_key(item_type: &str) -> String {
    item_type.trim().to_lowercase().replace([' ', '-'], "_")
}

/// The validated answer as a `ConditionAnalysis` (items merged per type, issues labelled).
pub fn to_analysis(provider: &str, answer: ConditionAnswer) -> ConditionAnalysis {
    // (merged item, the (label, description) of each report of it)
    let mut merged: Vec<(AnalyzedItem, Vec<(String, String)>)> = Vec::new();
    for a in answer.items {
        let issues = a.pre_existing_issues.into_iter().map(|x| PreExistingIssue {
            severity: x.severity,
            description: x.description.trim().to_string(),
            dimensions: x.dimensions.trim().to_string(),
            location: x.location.trim().to_string(),
            source: provider.to_string(),
        });
        let key = item_key(&a.item_type);
        let said = (a.item_label.trim().to_string(), a.description.trim().to_string());
        match merged.iter_mut().find(|(i, _)| i.item_type == key) {
            Some((seen, reports)) => {
                seen.condition_rating = seen.condition_rating.max(a.condition_rating);
                seen.confidence = seen.confidence.min(a.confidence);
                seen.pre_existing_issues.extend(issues);
                reports.push(said);
            }
            None => merged.push((
                AnalyzedItem {
                    item_type: key,
                    item_label: said.0.clone(),
                    condition_rating: a.condition_rating,
                    description: String::new(),
                    pre_existing_issues: issues.collect(),
                    confidence: a.confidence,
                },
                vec![said],
            )),
        }
    }
    let items: Vec<AnalyzedItem> = merged
        .into_iter()
        .map(|(mut item, reports)| {
            item.description = match reports.as_slice() {
                [(_, only)] => only.clone(),
                many => many
                    .iter()
                    .filter(|(_, d)| !d.is_empty())
                    .map(|(l, d)| if l.is_empty() { d.clone() } else { format!("{l}: {d}") })
                    .collect::<Vec<_>>()
                    .join("; "),
            };
            item
        })
        .collect();
    let unsure = items.is_empty() || items.iter().any(|i| i.confidence < REVIEW_BELOW_CONFIDENCE);
    ConditionAnalysis {
        provider: provider.to_string(),
        status: if unsure { AnalysisStatus::NeedsReview } else { AnalysisStatus::Done },
        room_summary: answer.room_summary.trim().to_string(),
        overall_condition: answer.overall_condition,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspections::quality::test_images;

    #[test]
    fn the_offline_analyzer_measures_and_asks_for_review_without_inventing_ratings() {
        let photo = test_images::sharp();
        let req = AnalysisRequest {
            room_name: "Kitchen",
            room_type: "kitchen",
            items: vec![("walls", "Walls")],
            photo: &photo,
        };
        let a = OfflineAnalyzer.analyze(&req).unwrap();
        assert_eq!(a.provider, "offline");
        assert_eq!(a.status, AnalysisStatus::NeedsReview);
        assert!(a.items.is_empty());
        assert_eq!(a.overall_condition, None);
        assert!(a.room_summary.starts_with("Offline check of this Kitchen photo: 800×600 px"), "{}", a.room_summary);
        assert!(a.room_summary.contains("rate each item by eye"));
    }

    #[test]
    fn an_unreadable_photo_fails_analysis_with_the_reason() {
        let req = AnalysisRequest { room_name: "Kitchen", room_type: "kitchen", items: vec![], photo: b"nope" };
        let err = OfflineAnalyzer.analyze(&req).unwrap_err();
        assert!(matches!(err, AnalysisError::Failed(_)));
    }

    fn answer(items: serde_json::Value) -> ConditionAnswer {
        serde_json::from_value(serde_json::json!({
            "items": items, "room_summary": " Clean kitchen. ", "overall_condition": "good"
        }))
        .unwrap()
    }

    #[test]
    fn a_confident_answer_is_done_and_a_shaky_one_goes_to_review() {
        let item = |t: &str, c: f64| {
            serde_json::json!({"item_type": t, "item_label": "L", "condition_rating": "good",
                "description": "ok", "pre_existing_issues": [], "confidence": c})
        };
        let cases = [
            (vec![item("walls", 0.9), item("sink", 0.6)], AnalysisStatus::Done),
            (vec![item("walls", 0.9), item("sink", 0.59)], AnalysisStatus::NeedsReview),
            (vec![], AnalysisStatus::NeedsReview),
        ];
        for (items, status) in cases {
            let a = to_analysis("claude", answer(serde_json::Value::Array(items.clone())));
            assert_eq!(a.status, status, "{items:?}");
            assert_eq!((a.provider.as_str(), a.room_summary.as_str()), ("claude", "Clean kitchen."));
        }
    }

    #[test]
    fn two_reports_of_one_item_type_keep_the_worse_rating_and_every_issue() {
        let a = to_analysis(
            "claude",
            answer(serde_json::json!([
                {"item_type": "walls", "item_label": "North wall", "condition_rating": "good",
                 "description": "Clean paint", "pre_existing_issues": [], "confidence": 0.9},
                {"item_type": "Walls", "item_label": "South wall", "condition_rating": "fair",
                 "description": "Scuffed", "confidence": 0.7,
                 "pre_existing_issues": [{"severity": "minor", "description": "scuff", "location": "by the door"}]}
            ])),
        );
        assert_eq!(a.items.len(), 1);
        let w = &a.items[0];
        assert_eq!((w.item_type.as_str(), w.condition_rating, w.confidence), ("walls", ConditionRating::Fair, 0.7));
        assert_eq!(w.description, "North wall: Clean paint; South wall: Scuffed");
        assert_eq!(w.pre_existing_issues.len(), 1);
        assert_eq!(
            (w.pre_existing_issues[0].source.as_str(), w.pre_existing_issues[0].location.as_str()),
            ("claude", "by the door")
        );
    }

    #[test]
    fn the_media_type_comes_from_the_bytes_and_big_photos_are_scaled_down() {
        let jpeg = test_images::sharp();
        let (mt, bytes) = vision_image(&jpeg).unwrap();
        assert_eq!((mt, bytes.as_ref()), ("image/jpeg", jpeg.as_slice()), "small photos go as they are");
        let png = test_images::png(&test_images::checkerboard(800, 600, 16, 40, 220));
        assert_eq!(vision_image(&png).unwrap().0, "image/png");

        let big = test_images::png(&test_images::checkerboard(2000, 1500, 16, 40, 220));
        let (mt, bytes) = vision_image(&big).unwrap();
        assert_eq!(mt, "image/jpeg");
        let (format, w, h) = quality::probe(&bytes).unwrap();
        assert_eq!((format, w, h), (image::ImageFormat::Jpeg, 1568, 1176));
        assert!(matches!(vision_image(b"not a photo"), Err(AnalysisError::Failed(_))));
    }
}
