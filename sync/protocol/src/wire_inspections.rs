//! Wire structs of the move-in inspection endpoints (spec 4.4), converted explicitly from the
//! `unitcycle_core::inspections` domain so the domain can change without breaking clients.
//! Foreign keys are named as in the spec's models (`unit`, `lease`, `property`, `room`, ...);
//! an unset rating is "" as in the spec's `CharField`s.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use unitcycle_core::inspections::analysis::AnalysisRun;
use unitcycle_core::inspections::{
    self as insp, Completeness, InspectionDetail, ItemRef, MoveInInspection, MoveInItem, MoveInPhoto, PhotoQuality,
    PreExistingIssue, RoomDetail, RoomRef,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// Where a blob is downloaded (`GET /api/v1/blobs/{sha256}`), for a `blob:<sha256>` URL.
pub fn download_url(blob_url: &str) -> Option<String> {
    insp::blob_hash(blob_url).map(|h| format!("/api/v1/blobs/{h}"))
}

/// `move_in_inspection` without its rooms.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InspectionWire {
    pub id: Uuid,
    pub unit: Uuid,
    pub lease: Uuid,
    pub property: Uuid,
    pub inspector_name: String,
    pub inspection_date: NaiveDate,
    pub status: String,
    pub status_display: String,
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
    pub tenant_signed_ip: String,
    pub manager_signature_url: String,
    pub manager_signed_at: Option<DateTime<Utc>>,
    pub manager_signer_name: String,
    pub manager_signed_ip: String,
    pub condition_report_url: String,
    pub location_lat: Option<f64>,
    pub location_lng: Option<f64>,
    pub location_verified: bool,
    pub finalized_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<&MoveInInspection> for InspectionWire {
    fn from(i: &MoveInInspection) -> Self {
        InspectionWire {
            id: i.id,
            unit: i.unit_id,
            lease: i.lease_id,
            property: i.property_id,
            inspector_name: i.inspector_name.clone(),
            inspection_date: i.inspection_date,
            status: i.status.as_str().into(),
            status_display: i.status.label().into(),
            rooms_required: i.rooms_required.clone(),
            rooms_completed: i.rooms_completed.clone(),
            completeness_pct: i.completeness_pct,
            total_items_documented: i.total_items_documented,
            items_excellent: i.items_excellent,
            items_good: i.items_good,
            items_fair: i.items_fair,
            items_poor: i.items_poor,
            items_damaged: i.items_damaged,
            overall_condition_score: i.overall_condition_score,
            tenant_signature_url: i.tenant_signature_url.clone(),
            tenant_signed_at: i.tenant_signed_at,
            tenant_signer_name: i.tenant_signer_name.clone(),
            tenant_signed_ip: i.tenant_signed_ip.clone(),
            manager_signature_url: i.manager_signature_url.clone(),
            manager_signed_at: i.manager_signed_at,
            manager_signer_name: i.manager_signer_name.clone(),
            manager_signed_ip: i.manager_signed_ip.clone(),
            condition_report_url: i.condition_report_url.clone(),
            location_lat: i.location_lat,
            location_lng: i.location_lng,
            location_verified: i.location_verified,
            finalized_at: i.finalized_at,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

/// A row of the list: the inspection and the names beside it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InspectionListWire {
    #[serde(flatten)]
    pub inspection: InspectionWire,
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
}

/// An inspection in a list, with the names people recognise.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub inspection: MoveInInspection,
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
}

impl From<&ListRow> for InspectionListWire {
    fn from(r: &ListRow) -> Self {
        InspectionListWire {
            inspection: InspectionWire::from(&r.inspection),
            lease_number: r.lease_number.clone(),
            tenant_name: r.tenant_name.clone(),
            unit_number: r.unit_number.clone(),
            property_name: r.property_name.clone(),
        }
    }
}

/// A pre-existing issue on an item.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct IssueWire {
    pub severity: String,
    pub description: String,
    pub dimensions: String,
    pub location: String,
    pub source: String,
}

impl From<&PreExistingIssue> for IssueWire {
    fn from(i: &PreExistingIssue) -> Self {
        IssueWire {
            severity: i.severity.as_str().into(),
            description: i.description.clone(),
            dimensions: i.dimensions.clone(),
            location: i.location.clone(),
            source: i.source.clone(),
        }
    }
}

/// `move_in_item`, with the rating that counts and who gave it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemWire {
    pub id: Uuid,
    pub room: Uuid,
    pub item_order: i64,
    pub item_type: String,
    pub item_label: String,
    pub condition_rating: String,
    pub ai_description: String,
    pub ai_pre_existing_issues: Vec<IssueWire>,
    pub ai_confidence: Option<f64>,
    pub ai_provider: String,
    pub photo: Option<Uuid>,
    pub human_override: String,
    pub human_notes: String,
    /// The human override when set, else the analyzer's rating ("" when unrated).
    pub rating: String,
    /// `human`, the analyzer's provider, or "" when unrated.
    pub rated_by: String,
}

fn rating_text(r: Option<insp::ConditionRating>) -> String {
    r.map_or_else(String::new, |r| r.as_str().to_string())
}

impl From<&MoveInItem> for ItemWire {
    fn from(i: &MoveInItem) -> Self {
        ItemWire {
            id: i.id,
            room: i.room_id,
            item_order: i.item_order,
            item_type: i.item_type.clone(),
            item_label: i.item_label.clone(),
            condition_rating: rating_text(i.condition_rating),
            ai_description: i.ai_description.clone(),
            ai_pre_existing_issues: i.ai_pre_existing_issues.iter().map(IssueWire::from).collect(),
            ai_confidence: i.ai_confidence,
            ai_provider: i.ai_provider.clone(),
            photo: i.photo_id,
            human_override: rating_text(i.human_override),
            human_notes: i.human_notes.clone(),
            rating: rating_text(i.rating()),
            rated_by: i.rated_by().to_string(),
        }
    }
}

/// `move_in_photo`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PhotoWire {
    pub id: Uuid,
    pub inspection: Uuid,
    pub room: Uuid,
    pub photo_url: String,
    /// Where to download the photo.
    pub download_url: Option<String>,
    pub photo_order: i64,
    pub captured_at: Option<DateTime<Utc>>,
    pub gps_lat: Option<f64>,
    pub gps_lng: Option<f64>,
    pub ai_quality_score: Option<f64>,
    pub ai_quality_issues: Vec<String>,
    pub is_acceptable: bool,
    pub ai_analyzed: bool,
    pub ai_condition_summary: String,
    pub ai_items_found: Value,
    pub file_name: String,
    pub width: i64,
    pub height: i64,
    pub byte_size: i64,
    pub quality_suggestion: String,
    pub analysis_status: String,
    pub analysis_provider: String,
    pub created_at: DateTime<Utc>,
}

impl From<&MoveInPhoto> for PhotoWire {
    fn from(p: &MoveInPhoto) -> Self {
        PhotoWire {
            id: p.id,
            inspection: p.inspection_id,
            room: p.room_id,
            photo_url: p.photo_url.clone(),
            download_url: download_url(&p.photo_url),
            photo_order: p.photo_order,
            captured_at: p.captured_at,
            gps_lat: p.gps_lat,
            gps_lng: p.gps_lng,
            ai_quality_score: p.ai_quality_score,
            ai_quality_issues: p.ai_quality_issues.iter().map(|i| i.as_str().to_string()).collect(),
            is_acceptable: p.is_acceptable,
            ai_analyzed: p.ai_analyzed,
            ai_condition_summary: p.ai_condition_summary.clone(),
            ai_items_found: p.ai_items_found.clone(),
            file_name: p.file_name.clone(),
            width: p.width,
            height: p.height,
            byte_size: p.byte_size,
            quality_suggestion: p.quality_suggestion.clone(),
            analysis_status: p.analysis_status.as_str().into(),
            analysis_provider: p.analysis_provider.clone(),
            created_at: p.created_at,
        }
    }
}

/// `move_in_room` with its items and photos.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoomWire {
    pub id: Uuid,
    pub inspection: Uuid,
    pub room_type: String,
    pub room_name: String,
    pub room_order: i64,
    pub overall_condition: String,
    pub notes: String,
    pub photo_count: i64,
    pub is_complete: bool,
    pub items: Vec<ItemWire>,
    pub photos: Vec<PhotoWire>,
}

impl From<&RoomDetail> for RoomWire {
    fn from(rd: &RoomDetail) -> Self {
        let r = &rd.room;
        RoomWire {
            id: r.id,
            inspection: r.inspection_id,
            room_type: r.room_type.clone(),
            room_name: r.room_name.clone(),
            room_order: r.room_order,
            overall_condition: r.overall_condition.as_str().into(),
            notes: r.notes.clone(),
            photo_count: r.photo_count,
            is_complete: r.is_complete,
            items: rd.items.iter().map(ItemWire::from).collect(),
            photos: rd.photos.iter().map(PhotoWire::from).collect(),
        }
    }
}

/// The full inspection (spec: "full detail with nested rooms, items, and photos").
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InspectionDetailWire {
    #[serde(flatten)]
    pub inspection: InspectionWire,
    pub rooms: Vec<RoomWire>,
}

impl From<&InspectionDetail> for InspectionDetailWire {
    fn from(d: &InspectionDetail) -> Self {
        InspectionDetailWire {
            inspection: InspectionWire::from(&d.inspection),
            rooms: d.rooms.iter().map(RoomWire::from).collect(),
        }
    }
}

/// `POST /api/v1/move-in-inspections/`. Fields are read as text so each gets its own message.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInspectionRequest {
    pub lease: Option<String>,
    pub inspector_name: Option<String>,
    pub inspection_date: Option<String>,
}

/// Deserializes a field that may be `null`, telling "absent" (None) from "null" (Some(Null)).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(d).map(Some)
}

/// `PATCH .../items/{itemId}/`: `human_override` a rating, or null / "" to clear it.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemOverrideRequest {
    #[serde(default, deserialize_with = "present")]
    pub human_override: Option<Value>,
    pub human_notes: Option<String>,
}

/// `POST .../sign/`: the signature is a base64 PNG, a `data:image/png;base64,` prefix allowed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    pub role: Option<String>,
    pub signer_name: Option<String>,
    pub signature: Option<String>,
}

/// The quality check of one photo (spec's quality check JSON, measured on the server).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct QualityWire {
    pub quality_score: f64,
    pub is_acceptable: bool,
    pub issues: Vec<String>,
    pub suggestion: String,
    pub verdict: String,
    pub width: u32,
    pub height: u32,
    pub sharpness: f64,
    pub mean_luminance: f64,
    pub format: String,
}

impl From<&PhotoQuality> for QualityWire {
    fn from(q: &PhotoQuality) -> Self {
        QualityWire {
            quality_score: q.quality_score,
            is_acceptable: q.is_acceptable,
            issues: q.issues.iter().map(|i| i.as_str().to_string()).collect(),
            suggestion: q.suggestion.clone(),
            verdict: q.verdict.clone(),
            width: q.measurements.width,
            height: q.measurements.height,
            sharpness: q.measurements.sharpness,
            mean_luminance: q.measurements.mean_luminance,
            format: q.format.clone(),
        }
    }
}

/// One uploaded file: stored with its quality check, or refused with the reason.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadedFileWire {
    pub file_name: String,
    pub stored: bool,
    pub photo: Option<PhotoWire>,
    pub quality: Option<QualityWire>,
    /// Why the file was refused ("" when stored).
    pub detail: String,
}

/// `POST .../upload-photos/`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct UploadWire {
    pub room: Uuid,
    pub stored: usize,
    pub refused: usize,
    pub files: Vec<UploadedFileWire>,
    pub completeness_pct: i64,
    pub status: String,
}

/// `POST .../analyze/`: what the run did, labelled with the provider that did it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AnalysisRunWire {
    pub provider: String,
    pub analysed: i64,
    pub needs_review: i64,
    pub failed: i64,
    pub still_queued: i64,
    pub message: String,
    pub status: String,
    pub completeness_pct: i64,
}

impl AnalysisRunWire {
    pub fn new(run: &AnalysisRun, inspection: &MoveInInspection) -> AnalysisRunWire {
        AnalysisRunWire {
            provider: run.provider.clone(),
            analysed: run.analysed,
            needs_review: run.needs_review,
            failed: run.failed,
            still_queued: run.still_queued,
            message: run.message.clone(),
            status: inspection.status.as_str().into(),
            completeness_pct: inspection.completeness_pct,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct RoomRefWire {
    pub room: Uuid,
    pub room_type: String,
    pub room_name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ItemRefWire {
    pub item: Uuid,
    pub room: Uuid,
    pub room_name: String,
    pub item_type: String,
    pub item_label: String,
}

/// `GET .../completeness/`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CompletenessWire {
    pub completeness_pct: i64,
    pub is_complete: bool,
    pub rooms_required: Vec<String>,
    pub rooms_completed: Vec<String>,
    pub rooms_without_photos: Vec<RoomRefWire>,
    pub items_without_ratings: Vec<ItemRefWire>,
    pub photos_to_retake: Vec<Uuid>,
    pub photos_awaiting_analysis: i64,
    pub signatures_missing: Vec<String>,
}

impl From<&Completeness> for CompletenessWire {
    fn from(c: &Completeness) -> Self {
        let room = |r: &RoomRef| RoomRefWire {
            room: r.room_id,
            room_type: r.room_type.clone(),
            room_name: r.room_name.clone(),
        };
        let item = |i: &ItemRef| ItemRefWire {
            item: i.item_id,
            room: i.room_id,
            room_name: i.room_name.clone(),
            item_type: i.item_type.clone(),
            item_label: i.item_label.clone(),
        };
        CompletenessWire {
            completeness_pct: c.completeness_pct,
            is_complete: c.is_complete,
            rooms_required: c.rooms_required.clone(),
            rooms_completed: c.rooms_completed.clone(),
            rooms_without_photos: c.rooms_without_photos.iter().map(room).collect(),
            items_without_ratings: c.items_without_ratings.iter().map(item).collect(),
            photos_to_retake: c.photos_to_retake.clone(),
            photos_awaiting_analysis: c.photos_awaiting_analysis,
            signatures_missing: c.signatures_missing.iter().map(|r| r.as_str().to_string()).collect(),
        }
    }
}

/// `POST .../generate-report/`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ReportWire {
    pub condition_report_url: String,
    pub sha256: String,
    pub download_url: String,
    pub size_bytes: i64,
    pub pages: usize,
    pub finalized: bool,
}
