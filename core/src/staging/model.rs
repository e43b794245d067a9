//! The spec's 4.1 rows as stored and synced: `staging_project` (one per unit and style) and
//! `staging_photo` (an empty-room original with its staged or enhanced version). Both carry their
//! property so they sync by property.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `staging_project.style`.
pub const STYLES: &[&str] = &["modern", "traditional", "minimalist", "industrial", "scandinavian"];

/// `staging_project.status`.
pub const PROJECT_STATUSES: &[&str] = &["draft", "processing", "completed", "published"];

/// `staging_photo.processing_status`.
pub const PHOTO_STATUSES: &[&str] = &["pending", "processing", "completed", "failed"];

/// The label of a photo a staging service furnished.
pub const LABEL_STAGED: &str = "virtually staged";
/// The label of a photo only enhanced (exposure, colour, straightening, sharpness): no
/// furniture was added.
pub const LABEL_ENHANCED: &str = "enhanced, not staged";

/// `staging_project`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct StagingProject {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    /// One of [`STYLES`].
    pub style: String,
    /// One of [`PROJECT_STATUSES`].
    pub status: String,
    pub listing_description: String,
    /// At most 80 characters (the spec's headline limit; the column holds 200).
    pub listing_headline: String,
    /// The listing's key features as bullet points (from the record offline).
    #[serde(default)]
    pub listing_features: Vec<String>,
    /// Who wrote the listing text: `claude`, `offline`, or empty before it is generated.
    #[serde(default)]
    pub listing_provider: String,
    /// Set when the text needs a person's review before it is published (always offline).
    #[serde(default)]
    pub listing_needs_review: bool,
    /// The listing the photos were published to.
    #[serde(default)]
    pub listing_id: Option<Uuid>,
    #[serde(default)]
    pub published_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `staging_photo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct StagingPhoto {
    pub id: Uuid,
    pub project_id: Uuid,
    pub property_id: Uuid,
    /// The room photographed (`living room`, `kitchen`, …).
    pub room: String,
    /// `blob:<sha256>` of the uploaded photo.
    pub original_url: String,
    /// `blob:<sha256>` of the staged (or enhanced) JPEG; empty until generated.
    pub staged_url: String,
    pub thumbnail_original: String,
    pub thumbnail_staged: String,
    /// One of [`PHOTO_STATUSES`].
    pub processing_status: String,
    pub processing_error: String,
    pub ai_description: String,
    pub photo_order: i32,
    /// True only when a staging service furnished the room.
    #[serde(default)]
    pub virtually_staged: bool,
    /// [`LABEL_STAGED`] or [`LABEL_ENHANCED`] once generated; empty before.
    #[serde(default)]
    pub staging_label: String,
    /// The service that produced the staged version (`enhance-only`, or the staging service's host).
    #[serde(default)]
    pub provider: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The hash in a `blob:<sha256>` reference.
pub fn blob_hash(url: &str) -> Option<&str> {
    url.strip_prefix("blob:").filter(|h| h.len() == 64)
}

/// A photo as it goes into a listing's `photos` list.
pub fn listing_photo(p: &StagingPhoto) -> Value {
    let url = if p.staged_url.is_empty() { &p.original_url } else { &p.staged_url };
    let mut v = serde_json::json!({
        "url": url,
        "caption": caption(p),
        "order": p.photo_order,
        "staging_photo_id": p.id,
        "original_url": p.original_url,
    });
    if p.virtually_staged {
        v["virtually_staged"] = Value::Bool(true);
    }
    v
}

/// A room's name with a capital first letter (`Living room`).
pub fn caption_room(room: &str) -> String {
    let room = room.trim();
    let mut chars = room.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `Living room (virtually staged)` or `Kitchen`: a staged photo says so in its caption.
pub fn caption(p: &StagingPhoto) -> String {
    let room = caption_room(&p.room);
    if p.virtually_staged {
        format!("{room} (virtually staged)")
    } else {
        room
    }
}
