//! Virtual staging from the desktop (spec 4.1): every project with its unit and how far its
//! photos got, a project made for a vacant unit in one of the five styles, empty-room photos
//! uploaded (a file's bytes or a path on this computer), generated through the provider the
//! environment names (a staging service, else enhancement labelled "enhanced, not staged") with
//! progress the window polls, and the publish plan (each photo with its label) then the publish
//! into the unit's listing, all through the core's staging workflow. Photos travel by their
//! sha256 (the `media` scheme serves them); core's refusals are the error's detail, word for word.
//! A connected replica refuses changes as the terminal does: the server keeps staging photos.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::Utc;
use serde::Serialize;
use uuid::Uuid;

use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::staging::model::{blob_hash, caption_room, StagingPhoto, StagingProject, STYLES};
use unitcycle_core::staging::port::StagingPort;
use unitcycle_core::staging::provider;
use unitcycle_core::staging::workflow::{self as wf, NewProject, PhotoUpload, ProjectDetail, PublishPlan};
use unitcycle_core::store::Store;

/// Why a connected replica does not change staging projects itself.
pub const STAGED_ON_SERVER: &str = "This replica syncs with a server, which keeps the staging photos: make, upload, \
generate and publish projects there, then sync to see them here.";

/// A project in the list with where it is and how far its photos got.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StagingRow {
    pub project: StagingProject,
    pub unit_number: String,
    pub property_name: String,
    pub photos: u32,
    pub done: u32,
    pub failed: u32,
}

use unitcycle_core::staging::workflow::VacantUnit;

/// A style of the picker: its value and its name.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StyleOption {
    pub value: String,
    pub label: String,
}

/// The staging page: the projects, what a new one can be made for, and who generates.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StagingView {
    pub projects: Vec<StagingRow>,
    pub units: Vec<VacantUnit>,
    pub styles: Vec<StyleOption>,
    /// The service generation goes through (`enhance-only`, or the staging service's host).
    pub provider: String,
    /// Set on a connected replica: why projects cannot be changed here.
    pub read_only: Option<String>,
}

/// One photo as the project page shows it: its label as core words it and its images by sha256.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StagingPhotoView {
    pub photo: StagingPhoto,
    /// `virtually staged`, `enhanced, not staged`, or the photo's status.
    pub label: String,
    /// `Living room`.
    pub room: String,
    pub original_sha256: Option<String>,
    pub staged_sha256: Option<String>,
}

/// A project with its photos, and what publishing would do (or why it cannot yet).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct StagingPage {
    pub detail: ProjectDetail,
    pub photos: Vec<StagingPhotoView>,
    pub plan: Option<PublishPlan>,
    /// Why the project cannot be published now (core's words), when it cannot.
    pub plan_blocked: Option<String>,
    /// One line per photo of the plan: `1. Living room — virtually staged`.
    pub plan_lines: Vec<String>,
    pub read_only: Option<String>,
}

/// The style's name as the picker shows it (`scandinavian` → `Scandinavian`).
pub fn style_label(style: &str) -> String {
    caption_room(style)
}

fn read_only(store: &Store) -> CmdResult<Option<String>> {
    Ok(unitcycle_core::sync_actions::connected(store)?.then(|| STAGED_ON_SERVER.to_string()))
}

fn writable(store: &Store) -> CmdResult<()> {
    match read_only(store)? {
        Some(why) => Err(CommandError::new("connected", why)),
        None => Ok(()),
    }
}

pub fn staging_view(s: &AppState) -> CmdResult<StagingView> {
    let store = s.store()?;
    let mut projects = Vec::new();
    for project in wf::projects(&*store, None, None)? {
        let photos = store.staging_photos(project.id)?;
        let count = |status: &str| photos.iter().filter(|p| p.processing_status == status).count() as u32;
        projects.push(StagingRow {
            unit_number: store.unit(project.unit_id)?.unit_number,
            property_name: store.property(project.property_id)?.name,
            photos: photos.len() as u32,
            done: count("completed"),
            failed: count("failed"),
            project,
        });
    }
    Ok(StagingView {
        projects,
        units: unitcycle_core::staging::workflow::vacant_units(&store)?,
        styles: STYLES.iter().map(|v| StyleOption { value: v.to_string(), label: style_label(v) }).collect(),
        provider: provider::from_env().name(),
        read_only: read_only(&store)?,
    })
}

fn page(store: &Store, project_id: Uuid) -> CmdResult<StagingPage> {
    let detail = wf::detail(store, project_id)?;
    let photos = detail
        .photos
        .iter()
        .map(|p| StagingPhotoView {
            label: wf::label(p),
            room: caption_room(&p.room),
            original_sha256: blob_hash(&p.original_url).map(str::to_string),
            staged_sha256: blob_hash(&p.staged_url).map(str::to_string),
            photo: p.clone(),
        })
        .collect();
    let (plan, plan_blocked) = match wf::publish_plan(store, project_id) {
        Ok(plan) => (Some(plan), None),
        Err(e) => (None, Some(CommandError::from(e).detail)),
    };
    Ok(StagingPage {
        plan_lines: plan.as_ref().map(PublishPlan::lines).unwrap_or_default(),
        plan,
        plan_blocked,
        photos,
        detail,
        read_only: read_only(store)?,
    })
}

pub fn staging_project(s: &AppState, project_id: String) -> CmdResult<StagingPage> {
    page(&*s.store()?, id(&project_id)?)
}

/// A draft project for a unit in `style` (one of the five).
pub fn staging_create(s: &AppState, unit_id: String, style: String) -> CmdResult<StagingPage> {
    let unit_id = id(&unit_id)?;
    let mut store = s.store()?;
    writable(&store)?;
    let d = wf::create_project(&mut *store, Uuid::new_v4(), &NewProject { unit_id, style }, Utc::now())?;
    page(&store, d.project.id)
}

/// Adds an empty-room photo of `room` (a JPEG or PNG) to the project.
pub fn staging_upload_bytes(s: &AppState, project_id: String, room: String, bytes: Vec<u8>) -> CmdResult<StagingPage> {
    let project_id = id(&project_id)?;
    if bytes.len() > wf::MAX_PHOTO_BYTES {
        return Err(CommandError::invalid(format!("The photo is over {} MB.", wf::MAX_PHOTO_BYTES >> 20)));
    }
    let mut store = s.store()?;
    writable(&store)?;
    let up = PhotoUpload { room, photo_order: None };
    wf::upload_photo(&mut *store, project_id, Uuid::new_v4(), &up, &bytes, Utc::now())?;
    page(&store, project_id)
}

/// [`staging_upload_bytes`] of the file at `path` on this computer.
pub fn staging_upload_path(s: &AppState, project_id: String, room: String, path: String) -> CmdResult<StagingPage> {
    let file = std::path::PathBuf::from(path.trim());
    let meta =
        std::fs::metadata(&file).map_err(|e| CommandError::invalid(format!("Cannot read {}: {e}", file.display())))?;
    if !meta.is_file() {
        return Err(CommandError::invalid(format!("{} is not a file.", file.display())));
    }
    if meta.len() > wf::MAX_PHOTO_BYTES as u64 {
        return Err(CommandError::invalid(format!("{} is over {} MB.", file.display(), wf::MAX_PHOTO_BYTES >> 20)));
    }
    let bytes =
        std::fs::read(&file).map_err(|e| CommandError::invalid(format!("Cannot read {}: {e}", file.display())))?;
    staging_upload_bytes(s, project_id, room, bytes)
}

/// How far each running generation is: (photos done, photos in all), by project id.
static PROGRESS: Mutex<BTreeMap<Uuid, (u32, u32)>> = Mutex::new(BTreeMap::new());

fn set_progress(project: Uuid, value: Option<(u32, u32)>) {
    if let Ok(mut p) = PROGRESS.lock() {
        match value {
            Some(v) => p.insert(project, v),
            None => p.remove(&project),
        };
    }
}

/// Every pending or failed photo through the provider; [`staging_progress`] reports how far it is
/// meanwhile. A photo that fails is marked with its reason and the others go on.
pub fn staging_generate(s: &AppState, project_id: String) -> CmdResult<StagingPage> {
    let project_id = id(&project_id)?;
    let mut store = s.store()?;
    writable(&store)?;
    let provider = provider::from_env();
    set_progress(project_id, Some((0, 0)));
    let done = wf::generate_with_progress(&mut *store, provider.as_ref(), project_id, Utc::now(), &mut |d, t| {
        set_progress(project_id, Some((d as u32, t as u32)))
    });
    set_progress(project_id, None);
    done?;
    page(&store, project_id)
}

/// (photos done, photos in all) of the project's running generation; none when none runs.
pub fn staging_progress(_s: &AppState, project_id: String) -> CmdResult<Option<(u32, u32)>> {
    let project_id = id(&project_id)?;
    Ok(PROGRESS.lock().ok().and_then(|p| p.get(&project_id).copied()))
}

/// The generated photos written into the unit's listing; the project becomes published.
pub fn staging_publish(s: &AppState, project_id: String) -> CmdResult<StagingPage> {
    let project_id = id(&project_id)?;
    let mut store = s.store()?;
    writable(&store)?;
    wf::publish(&mut *store, project_id, Utc::now())?;
    page(&store, project_id)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;

    /// A small PNG of a room: a gradient, so enhancement has something to work on.
    pub(crate) fn room_png(shade: u8) -> Vec<u8> {
        let img = image::RgbImage::from_fn(320, 240, |x, y| image::Rgb([shade, (x % 256) as u8, (y % 256) as u8]));
        let mut out = Vec::new();
        img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png).unwrap();
        out
    }

    /// A project made, two photos uploaded, generated and published into the listing of one of
    /// the demo's listed units: (project page after publishing, listing id).
    pub(crate) fn published(s: &AppState) -> (StagingPage, Uuid) {
        use unitcycle_core::listing_syndication::port::ListingPort;
        let listing = s.store().unwrap().listings().unwrap().remove(0);
        let made = ops::staging_create(s, listing.unit_id.to_string(), " Scandinavian ".into()).unwrap();
        let pid = made.detail.project.id.to_string();
        ops::staging_upload_bytes(s, pid.clone(), "living room".into(), room_png(60)).unwrap();
        ops::staging_upload_bytes(s, pid.clone(), "kitchen".into(), room_png(140)).unwrap();
        ops::staging_generate(s, pid.clone()).unwrap();
        (ops::staging_publish(s, pid).unwrap(), listing.id)
    }

    #[test]
    fn a_project_is_made_uploaded_generated_labelled_and_published_through_core() {
        let (s, _dir) = demo();
        let view = ops::staging_view(&s).unwrap();
        assert_eq!(
            view.styles.iter().map(|o| o.label.as_str()).collect::<Vec<_>>(),
            ["Modern", "Traditional", "Minimalist", "Industrial", "Scandinavian"]
        );
        assert!(view.projects.is_empty() && !view.units.is_empty() && view.read_only.is_none());

        let (done, listing_id) = published(&s);
        assert_eq!(
            (done.detail.project.style.as_str(), done.detail.project.status.as_str()),
            ("scandinavian", "published")
        );
        // Offline the photos are enhanced, and labelled exactly as core labels them.
        assert_eq!(
            done.photos.iter().map(|p| (p.room.as_str(), p.label.as_str())).collect::<Vec<_>>(),
            [("Living room", "enhanced, not staged"), ("Kitchen", "enhanced, not staged")]
        );
        for p in &done.photos {
            let (original, staged) = (p.original_sha256.as_deref().unwrap(), p.staged_sha256.as_deref().unwrap());
            assert_ne!(original, staged);
            assert!(
                s.blobs.get(original).is_ok() && s.blobs.get(staged).is_ok(),
                "served by sha256 from the blob store"
            );
        }
        assert_eq!(done.plan_blocked.as_deref(), Some("This project is already published."));
        use unitcycle_core::listing_syndication::port::ListingPort;
        let listing = s.store().unwrap().listing(listing_id).unwrap();
        assert_eq!(listing.photos.as_array().map(Vec::len), Some(2));
        assert_eq!(listing.staging_project_id, Some(done.detail.project.id));

        let row = &ops::staging_view(&s).unwrap().projects[0];
        assert_eq!((row.photos, row.done, row.failed), (2, 2, 0));
        assert_eq!(ops::staging_progress(&s, row.project.id.to_string()).unwrap(), None);
    }

    #[test]
    fn the_plan_lists_each_photo_before_publishing_and_refusals_are_cores() {
        let (s, _dir) = demo();
        let unit = ops::staging_view(&s).unwrap().units[0].id.to_string();
        let e = ops::staging_create(&s, unit.clone(), "baroque".into()).unwrap_err();
        assert_eq!(
            (e.code, e.detail.as_str()),
            (
                "invalid_input",
                "style is one of modern, traditional, minimalist, industrial, scandinavian, not 'baroque'."
            )
        );
        let made = ops::staging_create(&s, unit, "modern".into()).unwrap();
        let pid = made.detail.project.id.to_string();
        assert_eq!(
            made.plan_blocked.as_deref(),
            Some("No photo is generated yet: generate the photos before publishing.")
        );
        let e = ops::staging_generate(&s, pid.clone()).unwrap_err();
        assert_eq!(e.detail, "Upload at least one photo before generating.");
        let e = ops::staging_upload_bytes(&s, pid.clone(), "den".into(), b"GIF89a".to_vec()).unwrap_err();
        assert_eq!(e.detail, "The photo must be a JPEG or PNG image.");
        let e = ops::staging_upload_path(&s, pid.clone(), "den".into(), "/no/such/photo.jpg".into()).unwrap_err();
        assert!(e.detail.starts_with("Cannot read /no/such/photo.jpg"), "{}", e.detail);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bedroom.png");
        std::fs::write(&path, room_png(90)).unwrap();
        ops::staging_upload_path(&s, pid.clone(), "bedroom".into(), path.display().to_string()).unwrap();
        let page = ops::staging_generate(&s, pid).unwrap();
        assert_eq!(page.photos[0].label, "enhanced, not staged");
        // A vacant unit the demo did not list: no listing to publish to, in core's words.
        if let Some(why) = page.plan_blocked {
            assert!(why.contains("has no draft or active listing"), "{why}");
        } else {
            assert_eq!(page.plan_lines, ["1. Bedroom — enhanced, not staged"]);
        }
    }

    #[test]
    fn a_connected_replica_changes_no_project() {
        let (s, _dir) = demo();
        let unit = ops::staging_view(&s).unwrap().units[0].id.to_string();
        s.store()
            .unwrap()
            .conn()
            .execute("INSERT INTO sync_state (server_url, device_id) VALUES ('https://uc.example.test', 'd1')", [])
            .unwrap();
        assert_eq!(ops::staging_view(&s).unwrap().read_only.as_deref(), Some(STAGED_ON_SERVER));
        let e = ops::staging_create(&s, unit, "modern".into()).unwrap_err();
        assert_eq!((e.code, e.detail.as_str()), ("connected", STAGED_ON_SERVER));
    }
}
