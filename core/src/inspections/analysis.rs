//! Condition analysis of a photo (spec 4.4's condition analysis), behind a small trait so the
//! AI gateway can plug in a vision provider. Photos are queued when they are added; an
//! analyzer that is unavailable (no network, no key) leaves them queued; every result says
//! which provider produced it.
//!
//! `OfflineAnalyzer` is the honest fallback: it cannot see scratches, so it reports what it
//! measured, rates nothing, and marks the result `needs_review` for the inspector.

use serde::{Deserialize, Serialize};

use super::quality::{self, PhotoMeasurements};
use super::{AnalysisStatus, ConditionRating, PreExistingIssue};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalyzedItem {
    pub item_type: String,
    pub item_label: String,
    pub condition_rating: ConditionRating,
    pub description: String,
    pub pre_existing_issues: Vec<PreExistingIssue>,
    pub confidence: f64,
}

/// An analyzer's answer for one photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
}
