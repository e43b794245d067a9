//! The worker's staging requests (spec 4.1): every project with its unit, property and photo
//! counts, a project's detail, the vacant units a project can be made for, and a person's step
//! through the core (create, generate with progress, the listing text, the publish plan and the
//! publish itself).

use chrono::{DateTime, Utc};
use unitcycle_core::ai::Gateway;
use unitcycle_core::staging::model::StagingProject;
use unitcycle_core::staging::port::StagingPort;
use unitcycle_core::staging::workflow::{self as wf, NewProject, ProjectDetail, PublishPlan};
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

/// A project with where it is and how far its photos got.
#[derive(Debug, Clone)]
pub struct Row {
    pub project: StagingProject,
    pub unit_number: String,
    pub property_name: String,
    pub photos: usize,
    pub done: usize,
    pub failed: usize,
}

pub use unitcycle_core::staging::workflow::{vacant_units, VacantUnit as UnitChoice};

#[derive(Debug, Clone)]
pub enum StagingRequest {
    List,
    Detail(Uuid),
    VacantUnits,
    Upload { id: Uuid, path: std::path::PathBuf, room: String, now: DateTime<Utc> },
    Create { unit_id: Uuid, style: String, now: DateTime<Utc> },
    Generate { id: Uuid, now: DateTime<Utc> },
    Listing { id: Uuid, now: DateTime<Utc> },
    Plan(Uuid),
    Publish { id: Uuid, now: DateTime<Utc> },
}

#[derive(Debug, Clone)]
pub enum StagingData {
    List(Vec<Row>),
    Detail(Box<ProjectDetail>),
    Units(Vec<UnitChoice>),
    /// Photos generated so far (a progress report, not an answer).
    Progress {
        done: usize,
        total: usize,
    },
    Plan(Box<PublishPlan>),
    Done {
        detail: Box<ProjectDetail>,
        summary: String,
    },
}

fn list(store: &Store) -> Result<Vec<Row>, StoreError> {
    let mut rows = Vec::new();
    for project in store.staging_projects()? {
        let photos = store.staging_photos(project.id)?;
        rows.push(Row {
            unit_number: store.unit(project.unit_id)?.unit_number,
            property_name: store.property(project.property_id)?.name,
            photos: photos.len(),
            done: photos.iter().filter(|p| p.processing_status == "completed").count(),
            failed: photos.iter().filter(|p| p.processing_status == "failed").count(),
            project,
        });
    }
    Ok(rows)
}

fn counts(d: &ProjectDetail) -> (usize, usize) {
    let done = d.photos.iter().filter(|p| p.processing_status == "completed").count();
    let failed = d.photos.iter().filter(|p| p.processing_status == "failed").count();
    (done, failed)
}

/// Why a connected replica does not change staging projects itself.
pub const STAGED_ON_SERVER: &str = "This replica syncs with a server, which keeps the staging photos: make, upload, \
generate and publish projects there (POST /api/v1/staging/projects/…), then sync to see them here.";

pub fn answer(
    store: &mut Store,
    gateway: &Gateway,
    req: StagingRequest,
    progress: &mut dyn FnMut(StagingData),
) -> Result<StagingData, StoreError> {
    let changes = !matches!(req, StagingRequest::List | StagingRequest::Detail(_) | StagingRequest::Plan(_));
    if changes && unitcycle_core::sync_actions::connected(store)? {
        return Err(StoreError::Rejected(STAGED_ON_SERVER.into()));
    }
    Ok(match req {
        StagingRequest::List => StagingData::List(list(store)?),
        StagingRequest::Detail(id) => StagingData::Detail(Box::new(wf::detail(&*store, id)?)),
        StagingRequest::VacantUnits => StagingData::Units(vacant_units(store)?),
        StagingRequest::Upload { id, path, room, now } => {
            let too_big = wf::MAX_PHOTO_BYTES as u64;
            let meta = std::fs::metadata(&path)
                .map_err(|e| StoreError::Rejected(format!("Cannot read {}: {e}", path.display())))?;
            if meta.len() > too_big {
                return Err(StoreError::Rejected(format!("{} is over {} MB.", path.display(), too_big >> 20)));
            }
            let bytes = std::fs::read(&path)
                .map_err(|e| StoreError::Rejected(format!("Cannot read {}: {e}", path.display())))?;
            let up = wf::PhotoUpload { room, photo_order: None };
            let photo = wf::upload_photo(store, id, Uuid::new_v4(), &up, &bytes, now)?;
            let summary = format!("{} photo added ({}): g generates it", photo.room, path.display());
            StagingData::Done { detail: Box::new(wf::detail(&*store, id)?), summary }
        }
        StagingRequest::Create { unit_id, style, now } => {
            let d = wf::create_project(store, Uuid::new_v4(), &NewProject { unit_id, style }, now)?;
            let summary = format!("Project made for unit {} ({} style)", d.unit_number, d.project.style);
            StagingData::Done { detail: Box::new(d), summary }
        }
        StagingRequest::Generate { id, now } => {
            let provider = unitcycle_core::staging::provider::from_env();
            let d = wf::generate_with_progress(store, provider.as_ref(), id, now, &mut |done, total| {
                progress(StagingData::Progress { done, total })
            })?;
            let (done, failed) = counts(&d);
            let summary = format!(
                "{done} photo{} generated by {}{}",
                if done == 1 { "" } else { "s" },
                provider.name(),
                if failed > 0 { format!(" · {failed} failed (see the photo's error)") } else { String::new() }
            );
            StagingData::Done { detail: Box::new(d), summary }
        }
        StagingRequest::Listing { id, now } => {
            let d = wf::generate_listing(store, gateway, id, now)?;
            let summary = if d.project.listing_needs_review {
                format!("Listing text written ({}): review it before publishing", d.project.listing_provider)
            } else {
                format!("Listing text written ({})", d.project.listing_provider)
            };
            StagingData::Done { detail: Box::new(d), summary }
        }
        StagingRequest::Plan(id) => StagingData::Plan(Box::new(wf::publish_plan(&*store, id)?)),
        StagingRequest::Publish { id, now } => {
            let d = wf::publish(store, id, now)?;
            let (done, _) = counts(&d);
            let summary = format!(
                "{done} photo{} published to unit {}'s listing",
                if done == 1 { "" } else { "s" },
                d.unit_number
            );
            StagingData::Done { detail: Box::new(d), summary }
        }
    })
}
