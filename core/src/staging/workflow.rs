//! One workflow per staging action, over [`StagingPort`]: a project made for a unit in one of
//! the five styles, empty-room photos uploaded (room and order), every pending photo run
//! through the [`StagingProvider`] (a failure marks that photo and the others go on), the
//! listing text written (LISTING_PROMPT, or offline from the record), and the finished photos
//! published to the unit's listing. The server and a replica's screens both call these.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::listing::{ListingCopy, ListingInput, ListingTask};
use super::model::{blob_hash, listing_photo, StagingPhoto, StagingProject, LABEL_STAGED, STYLES};
use super::port::{ListingPhotos, StagingPort, StagingWrite};
use super::provider::StagingProvider;
use crate::port::in_scope;
use crate::store::{Result, StoreError};

/// The largest photo accepted (a full-size phone or camera JPEG).
pub const MAX_PHOTO_BYTES: usize = 25 * 1024 * 1024;
/// The most photos one project holds.
pub const MAX_PHOTOS: usize = 40;

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// A project with its photos in order (the spec's detail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ProjectDetail {
    #[serde(flatten)]
    pub project: StagingProject,
    pub photos: Vec<StagingPhoto>,
    pub unit_number: String,
    pub property_name: String,
}

pub fn detail<P: StagingPort>(port: &P, id: Uuid) -> Result<ProjectDetail> {
    let project = port.staging_project(id)?;
    in_scope(port, project.property_id, "Staging project", id)?;
    let unit = port.unit(project.unit_id)?;
    let property = port.property(project.property_id)?;
    Ok(ProjectDetail {
        photos: port.staging_photos(id)?,
        project,
        unit_number: unit.unit_number,
        property_name: property.name,
    })
}

/// A style as given (`Modern`, ` scandinavian `), checked against the five.
pub fn parse_style(style: &str) -> Result<String> {
    let s = style.trim().to_lowercase();
    if STYLES.contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(refused(format!("style is one of {}, not '{}'.", STYLES.join(", "), style.trim())))
    }
}

/// A new project (the spec's create body).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewProject {
    pub unit_id: Uuid,
    /// One of modern, traditional, minimalist, industrial, scandinavian (default modern).
    #[serde(default = "default_style")]
    pub style: String,
}

fn default_style() -> String {
    "modern".into()
}

/// A draft project for unit `n.unit_id` (the unit must exist and be in scope).
pub fn create_project<P: StagingPort>(
    port: &mut P,
    id: Uuid,
    n: &NewProject,
    now: DateTime<Utc>,
) -> Result<ProjectDetail> {
    let style = parse_style(&n.style)?;
    let unit = port.unit(n.unit_id)?;
    in_scope(port, unit.property_id, "Unit", n.unit_id)?;
    if unit.archived_at.is_some() {
        return Err(refused(format!("Unit {} is archived.", unit.unit_number)));
    }
    let project = StagingProject {
        id,
        unit_id: unit.id,
        property_id: unit.property_id,
        style,
        status: "draft".into(),
        listing_description: String::new(),
        listing_headline: String::new(),
        listing_features: Vec::new(),
        listing_provider: String::new(),
        listing_needs_review: false,
        listing_id: None,
        published_at: None,
        created_at: now,
        updated_at: now,
    };
    port.write_staging(&StagingWrite { projects: vec![project], ..Default::default() }, now)?;
    detail(port, id)
}

/// A vacant unit a staging project or a listing can be made for.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct VacantUnit {
    pub id: Uuid,
    pub unit_number: String,
    pub property_name: String,
}

/// The vacant units of every open property on a replica, by property name then unit number:
/// the choice a new staging project or listing starts from.
pub fn vacant_units(store: &crate::store::Store) -> Result<Vec<VacantUnit>> {
    let mut properties = store.properties()?;
    properties.retain(|p| p.archived_at.is_none());
    properties.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    let mut out = Vec::new();
    for p in properties {
        let mut units = store.units(p.id)?;
        units.retain(|u| u.status == crate::model::UnitStatus::Vacant && u.archived_at.is_none());
        units.sort_by(|a, b| a.unit_number.cmp(&b.unit_number));
        out.extend(units.into_iter().map(|u| VacantUnit {
            id: u.id,
            unit_number: u.unit_number,
            property_name: p.name.clone(),
        }));
    }
    Ok(out)
}

/// The projects in scope, the latest first; `status` and `unit` narrow them.
pub fn projects<P: StagingPort>(port: &P, status: Option<&str>, unit: Option<Uuid>) -> Result<Vec<StagingProject>> {
    Ok(port
        .staging_projects()?
        .into_iter()
        .filter(|p| status.is_none_or(|s| p.status == s))
        .filter(|p| unit.is_none_or(|u| p.unit_id == u))
        .collect())
}

/// What one uploaded photo is of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PhotoUpload {
    /// The room photographed (`living room`, `kitchen`, …).
    pub room: String,
    /// Its place in the listing; after the last photo when not given.
    #[serde(default)]
    pub photo_order: Option<i32>,
}

/// The image type of a photo by its first bytes (JPEG, PNG, WebP are not accepted: the image
/// library here reads JPEG and PNG).
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else {
        None
    }
}

fn editable(project: &StagingProject) -> Result<()> {
    match project.status.as_str() {
        "published" => Err(refused("This project is published; start a new project to stage more photos.")),
        "processing" => Err(refused("This project's photos are being generated; wait for it to finish.")),
        _ => Ok(()),
    }
}

/// Keeps an empty-room photo (a JPEG or PNG) for the project as `pending`.
pub fn upload_photo<P: StagingPort>(
    port: &mut P,
    project_id: Uuid,
    id: Uuid,
    up: &PhotoUpload,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<StagingPhoto> {
    let room = up.room.trim().to_string();
    if room.is_empty() {
        return Err(refused("room is required (e.g. living room, kitchen, bedroom)."));
    }
    if room.chars().count() > 50 {
        return Err(refused("room is at most 50 characters."));
    }
    if bytes.is_empty() {
        return Err(refused("The photo is empty."));
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(refused(format!("The photo is over {} MB.", MAX_PHOTO_BYTES / (1024 * 1024))));
    }
    let Some(content_type) = sniff_image(bytes) else {
        return Err(refused("The photo must be a JPEG or PNG image."));
    };
    let mut project = port.staging_project(project_id)?;
    in_scope(port, project.property_id, "Staging project", project_id)?;
    editable(&project)?;
    let photos = port.staging_photos(project_id)?;
    if photos.len() >= MAX_PHOTOS {
        return Err(refused(format!("A project holds at most {MAX_PHOTOS} photos.")));
    }
    let order = match up.photo_order {
        Some(o) if o < 0 => return Err(refused("photo_order is 0 or more.")),
        Some(o) => o,
        None => photos.iter().map(|p| p.photo_order + 1).max().unwrap_or(0),
    };
    let hash = port.put_document(bytes, content_type, now)?.unwrap_or_else(|| crate::blobs::sha256_hex(bytes));
    // The thumbnail is a convenience: a photo too damaged to shrink still waits for generation,
    // which reports the problem on the photo.
    let thumbnail = match super::enhance::thumbnail(bytes) {
        Ok(t) => port.put_document(&t, "image/jpeg", now)?.map(|h| format!("blob:{h}")).unwrap_or_default(),
        Err(_) => String::new(),
    };
    let photo = StagingPhoto {
        id,
        project_id,
        property_id: project.property_id,
        room,
        original_url: format!("blob:{hash}"),
        staged_url: String::new(),
        thumbnail_original: thumbnail,
        thumbnail_staged: String::new(),
        processing_status: "pending".into(),
        processing_error: String::new(),
        ai_description: String::new(),
        photo_order: order,
        virtually_staged: false,
        staging_label: String::new(),
        provider: String::new(),
        created_at: now,
        updated_at: now,
    };
    let mut w = StagingWrite { photos: vec![photo.clone()], ..Default::default() };
    if project.status == "completed" {
        project.status = "draft".into();
        project.updated_at = now;
        w.projects.push(project);
    }
    port.write_staging(&w, now)?;
    Ok(photo)
}

/// Runs one photo through the provider: the staged photo and its thumbnail stored, or the
/// photo marked failed with the reason.
fn stage_one<P: StagingPort>(
    port: &P,
    provider: &dyn StagingProvider,
    style: &str,
    mut photo: StagingPhoto,
    now: DateTime<Utc>,
) -> Result<StagingPhoto> {
    photo.provider = provider.name();
    photo.updated_at = now;
    let original = match blob_hash(&photo.original_url) {
        Some(h) => port.staging_blob(h)?,
        None => None,
    };
    let outcome = match original {
        None => Err("The original photo is not stored on this device; upload it again.".to_string()),
        Some(bytes) => provider.stage(&bytes, &photo.room, style).map_err(|e| e.to_string()),
    };
    match outcome {
        Ok(staged) => {
            let hash = port
                .put_document(&staged.bytes, "image/jpeg", now)?
                .unwrap_or_else(|| crate::blobs::sha256_hex(&staged.bytes));
            photo.staged_url = format!("blob:{hash}");
            photo.thumbnail_staged = match super::enhance::thumbnail(&staged.bytes) {
                Ok(t) => port.put_document(&t, "image/jpeg", now)?.map(|h| format!("blob:{h}")).unwrap_or_default(),
                Err(_) => String::new(),
            };
            photo.processing_status = "completed".into();
            photo.processing_error = String::new();
            photo.ai_description = staged.description;
            photo.virtually_staged = staged.staged;
            photo.staging_label = staged.label;
        }
        Err(e) => {
            photo.processing_status = "failed".into();
            photo.processing_error = e;
        }
    }
    Ok(photo)
}

/// Every pending (or failed) photo through `provider`; see [`generate_with_progress`].
pub fn generate<P: StagingPort>(
    port: &mut P,
    provider: &dyn StagingProvider,
    project_id: Uuid,
    now: DateTime<Utc>,
) -> Result<ProjectDetail> {
    generate_with_progress(port, provider, project_id, now, &mut |_, _| {})
}

/// Every pending (or failed, to retry) photo through `provider`, each written as it finishes
/// (`progress(done, total)` after each). A photo that fails is marked failed with its reason
/// and the others go on. The project is `completed` when any photo is, else back to `draft`.
pub fn generate_with_progress<P: StagingPort>(
    port: &mut P,
    provider: &dyn StagingProvider,
    project_id: Uuid,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<ProjectDetail> {
    let mut project = port.staging_project(project_id)?;
    in_scope(port, project.property_id, "Staging project", project_id)?;
    if project.status == "published" {
        return Err(refused("This project is published; start a new project to stage more photos."));
    }
    let photos = port.staging_photos(project_id)?;
    if photos.is_empty() {
        return Err(refused("Upload at least one photo before generating."));
    }
    let todo: Vec<StagingPhoto> = photos
        .iter()
        .filter(|p| matches!(p.processing_status.as_str(), "pending" | "failed" | "processing"))
        .cloned()
        .collect();
    if !todo.is_empty() {
        project.status = "processing".into();
        project.updated_at = now;
        port.write_staging(&StagingWrite { projects: vec![project.clone()], ..Default::default() }, now)?;
    }
    let total = todo.len();
    for (i, photo) in todo.into_iter().enumerate() {
        let done = stage_one(port, provider, &project.style, photo, now);
        let done = match done {
            Ok(p) => p,
            Err(e) => {
                // The store failed, not the photo: leave the project where it can be retried.
                project.status = "draft".into();
                let _ = port.write_staging(&StagingWrite { projects: vec![project], ..Default::default() }, now);
                return Err(e);
            }
        };
        port.write_staging(&StagingWrite { photos: vec![done], ..Default::default() }, now)?;
        progress(i + 1, total);
    }
    let any_done = port.staging_photos(project_id)?.iter().any(|p| p.processing_status == "completed");
    project.status = if any_done { "completed" } else { "draft" }.into();
    project.updated_at = now;
    port.write_staging(&StagingWrite { projects: vec![project], ..Default::default() }, now)?;
    detail(port, project_id)
}

/// What the listing is written from: the unit and property record and the photos.
pub fn listing_input<P: StagingPort>(
    port: &P,
    project: &StagingProject,
    photos: &[StagingPhoto],
) -> Result<ListingInput> {
    let unit = port.unit(project.unit_id)?;
    let property = port.property(project.property_id)?;
    let address = [property.address.trim(), property.city.trim(), property.state.trim()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    let rent = if unit.market_rent > rust_decimal::Decimal::ZERO { unit.market_rent } else { unit.current_rent };
    Ok(ListingInput {
        bedrooms: unit.bedrooms,
        bathrooms: unit.bathrooms,
        sqft: unit.square_feet,
        property_name: property.name,
        unit_number: unit.unit_number,
        address,
        rent,
        style: project.style.clone(),
        // The rooms the listing will show: the generated photos (all of them before generation).
        rooms: photos
            .iter()
            .filter(|p| {
                p.processing_status == "completed" || !photos.iter().any(|q| q.processing_status == "completed")
            })
            .map(|p| p.room.clone())
            .collect(),
        photo_notes: photos
            .iter()
            .filter(|p| p.processing_status == "completed" && p.virtually_staged && !p.ai_description.is_empty())
            .map(|p| format!("{}: {}", p.room, p.ai_description))
            .collect(),
        virtually_staged: photos.iter().any(|p| p.processing_status == "completed" && p.virtually_staged),
    })
}

/// The listing headline and description (LISTING_PROMPT through the gateway; offline, from the
/// record and marked for review).
pub fn generate_listing<P: StagingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    project_id: Uuid,
    now: DateTime<Utc>,
) -> Result<ProjectDetail> {
    let mut project = port.staging_project(project_id)?;
    in_scope(port, project.property_id, "Staging project", project_id)?;
    let photos = port.staging_photos(project_id)?;
    let input = listing_input(port, &project, &photos)?;
    let out = gateway
        .run::<ListingTask>(&input, port, now)
        .map_err(|e| refused(format!("The listing could not be written: {e}")))?;
    let provider = out.provider.as_str().to_string();
    let ListingCopy { headline, description, key_features, neighborhood_highlights: _, needs_review } = out.value;
    project.listing_headline = headline.trim().chars().take(super::listing::MAX_HEADLINE).collect();
    project.listing_description = description.trim().to_string();
    project.listing_features = key_features;
    project.listing_needs_review = needs_review || provider == "offline";
    project.listing_provider = provider;
    project.updated_at = now;
    port.write_staging(&StagingWrite { projects: vec![project], ..Default::default() }, now)?;
    detail(port, project_id)
}

/// Exactly what a publish will do: which photos go to which listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PublishPlan {
    pub project_id: Uuid,
    pub listing_id: Uuid,
    pub listing_title: String,
    pub listing_status: String,
    /// The photos in listing order (the failed and unprocessed ones stay out).
    pub photos: Vec<StagingPhoto>,
}

impl PublishPlan {
    /// One line per photo: `1. Living room — virtually staged`.
    pub fn lines(&self) -> Vec<String> {
        self.photos
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{}. {} — {}", i + 1, super::model::caption_room(&p.room), p.staging_label))
            .collect()
    }
}

/// What [`publish`] would write, or why it cannot.
pub fn publish_plan<P: StagingPort>(port: &P, project_id: Uuid) -> Result<PublishPlan> {
    let project = port.staging_project(project_id)?;
    in_scope(port, project.property_id, "Staging project", project_id)?;
    if project.status == "published" {
        return Err(refused("This project is already published."));
    }
    let photos: Vec<StagingPhoto> =
        port.staging_photos(project_id)?.into_iter().filter(|p| p.processing_status == "completed").collect();
    if photos.is_empty() {
        return Err(refused("No photo is generated yet: generate the photos before publishing."));
    }
    let unit = port.unit(project.unit_id)?;
    let Some(listing) = port.unit_listing(project.unit_id)? else {
        return Err(refused(format!(
            "Unit {} has no draft or active listing to publish to; create its listing first.",
            unit.unit_number
        )));
    };
    Ok(PublishPlan {
        project_id,
        listing_id: listing.id,
        listing_title: listing.title,
        listing_status: listing.status,
        photos,
    })
}

/// The generated photos written into the unit's listing (its `photos` list, with
/// `"virtually_staged": true` only on photos a staging service furnished, and its
/// `staging_project_id`); the project becomes `published`.
pub fn publish<P: StagingPort>(port: &mut P, project_id: Uuid, now: DateTime<Utc>) -> Result<ProjectDetail> {
    let plan = publish_plan(port, project_id)?;
    let mut project = port.staging_project(project_id)?;
    let photos: Vec<serde_json::Value> = plan.photos.iter().map(listing_photo).collect();
    project.status = "published".into();
    project.listing_id = Some(plan.listing_id);
    project.published_at = Some(now);
    project.updated_at = now;
    port.write_staging(
        &StagingWrite {
            projects: vec![project],
            photos: Vec::new(),
            listing: Some(ListingPhotos {
                listing_id: plan.listing_id,
                staging_project_id: project_id,
                photos: serde_json::Value::Array(photos),
            }),
        },
        now,
    )?;
    detail(port, project_id)
}

/// The label a photo shows: `virtually staged`, `enhanced, not staged`, or its status.
pub fn label(p: &StagingPhoto) -> String {
    match p.processing_status.as_str() {
        "completed" if p.virtually_staged => LABEL_STAGED.into(),
        "completed" if !p.staging_label.is_empty() => p.staging_label.clone(),
        "completed" => super::model::LABEL_ENHANCED.into(),
        other => other.to_string(),
    }
}
