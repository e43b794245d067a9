//! What virtual staging reads and writes: one port both stores implement. Every row belongs to
//! its property; a publish also writes the unit's listing (spec 5.1) in the same transaction.

use chrono::{DateTime, Utc};
use serde_json::Value;
use uuid::Uuid;

use super::model::{StagingPhoto, StagingProject};
use crate::store::json_rows::Kind::{self, B, I, J, S, T};
use crate::store::Result;

/// The listing a publish writes: its `photos` list and the project it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ListingPhotos {
    pub listing_id: Uuid,
    pub staging_project_id: Uuid,
    pub photos: Value,
}

/// A unit's listing as staging sees it (the draft or active one).
#[derive(Debug, Clone, PartialEq)]
pub struct UnitListing {
    pub id: Uuid,
    pub status: String,
    pub title: String,
}

/// The rows one step writes, all in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StagingWrite {
    pub projects: Vec<StagingProject>,
    pub photos: Vec<StagingPhoto>,
    pub listing: Option<ListingPhotos>,
}

impl StagingWrite {
    pub fn is_empty(&self) -> bool {
        self == &StagingWrite::default()
    }
}

pub trait StagingPort: crate::port::Records {
    /// Every project in scope, the latest first.
    fn staging_projects(&self) -> Result<Vec<StagingProject>>;
    fn staging_project(&self, id: Uuid) -> Result<StagingProject>;
    /// A project's photos in their order.
    fn staging_photos(&self, project_id: Uuid) -> Result<Vec<StagingPhoto>>;
    fn staging_photo(&self, id: Uuid) -> Result<StagingPhoto>;
    /// The bytes of a stored blob (`None` when this store does not hold it).
    fn staging_blob(&self, hash: &str) -> Result<Option<Vec<u8>>>;
    /// The unit's draft or active listing; `Err(Rejected)` when this build has no listings.
    fn unit_listing(&self, unit_id: Uuid) -> Result<Option<UnitListing>>;
    fn write_staging(&mut self, w: &StagingWrite, now: DateTime<Utc>) -> Result<()>;
}

/// The refusal when the listings table (spec 5.1) is not in this database.
pub const NO_LISTINGS: &str =
    "Listings (spec 5.1) are not set up in this database yet, so there is no listing to publish the photos to.";

/// `staging_project`'s columns (the sync registry names the same).
pub const PROJECT_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("unit_id", S),
    ("property_id", S),
    ("style", S),
    ("status", S),
    ("listing_description", S),
    ("listing_headline", S),
    ("listing_features", J),
    ("listing_provider", S),
    ("listing_needs_review", B),
    ("listing_id", S),
    ("published_at", T),
    ("created_at", T),
    ("updated_at", T),
];

/// `staging_photo`'s columns.
pub const PHOTO_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("project_id", S),
    ("property_id", S),
    ("room", S),
    ("original_url", S),
    ("staged_url", S),
    ("thumbnail_original", S),
    ("thumbnail_staged", S),
    ("processing_status", S),
    ("processing_error", S),
    ("ai_description", S),
    ("photo_order", I),
    ("virtually_staged", B),
    ("staging_label", S),
    ("provider", S),
    ("created_at", T),
    ("updated_at", T),
];
