//! The staging workflow on a replica: a project for a unit, photos uploaded and generated (a
//! failing photo does not stop the others), the listing text written offline from the record,
//! and the photos published to the unit's listing.

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::model::StagingPhoto;
use super::port::StagingPort;
use super::provider::{StagedImage, StagingError, StagingProvider};
use super::workflow::{self as wf, NewProject, PhotoUpload};
use crate::store::{Store, StoreError};

fn now() -> DateTime<Utc> {
    "2026-12-03T15:00:00Z".parse().unwrap()
}

/// A replica (with a blob store) holding a small demo portfolio, and its first unit.
fn fixture() -> (tempfile::TempDir, Store, crate::model::Unit) {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    crate::demo::generate(&mut store, &crate::demo::DemoConfig { units: 6, seed: 3, today }).unwrap();
    let property = store.properties().unwrap().remove(0);
    let unit = store.units(property.id).unwrap().remove(0);
    (dir, store, unit)
}

fn png(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([shade, shade.saturating_add(x as u8), shade]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

fn upload(store: &mut Store, project: Uuid, room: &str, bytes: &[u8]) -> StagingPhoto {
    let up = PhotoUpload { room: room.into(), photo_order: None };
    wf::upload_photo(store, project, Uuid::new_v4(), &up, bytes, now()).unwrap()
}

/// A staging service that furnishes every room but the bathroom.
struct Furnisher;

impl StagingProvider for Furnisher {
    fn name(&self) -> String {
        "staging-service:test".into()
    }

    fn stage(&self, image: &[u8], room: &str, style: &str) -> Result<StagedImage, StagingError> {
        if room == "bathroom" {
            return Err(StagingError::Service { status: 500, detail: "model overloaded".into() });
        }
        Ok(StagedImage {
            bytes: image.to_vec(),
            staged: true,
            label: "virtually staged".into(),
            description: format!("A {style} sofa in the {room}."),
        })
    }
}

/// Adds a listing for the unit (spec 5.1's table; made here when this build has none yet).
fn add_listing(store: &Store, unit: &crate::model::Unit, status: &str) -> Uuid {
    let id = Uuid::new_v4();
    let conn = store.conn();
    let exists: i64 = conn
        .query_row("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'listing'", [], |r| r.get(0))
        .unwrap();
    if exists == 0 {
        conn.execute_batch(
            "CREATE TABLE listing (id TEXT PRIMARY KEY, unit_id TEXT NOT NULL, property_id TEXT NOT NULL, \
             staging_project_id TEXT, status TEXT NOT NULL DEFAULT 'draft', asking_rent TEXT NOT NULL DEFAULT '0', \
             title TEXT NOT NULL, description TEXT NOT NULL DEFAULT '', photos TEXT NOT NULL DEFAULT '[]', \
             created_at TEXT NOT NULL, updated_at TEXT NOT NULL)",
        )
        .unwrap();
    }
    conn.execute(
        "INSERT INTO listing (id, unit_id, property_id, status, asking_rent, title, description, photos, created_at, updated_at) \
         VALUES (?1, ?2, ?3, ?4, '1450.00', 'Bright two-bedroom', '', '[]', ?5, ?5)",
        rusqlite::params![id.to_string(), unit.id.to_string(), unit.property_id.to_string(), status, now()],
    )
    .unwrap();
    id
}

#[test]
fn a_project_needs_a_known_unit_and_one_of_the_five_styles() {
    let (_dir, mut store, unit) = fixture();
    let d = wf::create_project(
        &mut store,
        Uuid::new_v4(),
        &NewProject { unit_id: unit.id, style: " Scandinavian".into() },
        now(),
    )
    .unwrap();
    assert_eq!((d.project.style.as_str(), d.project.status.as_str()), ("scandinavian", "draft"));
    assert_eq!((d.unit_number.as_str(), d.project.property_id), (unit.unit_number.as_str(), unit.property_id));
    let bad = wf::create_project(
        &mut store,
        Uuid::new_v4(),
        &NewProject { unit_id: unit.id, style: "baroque".into() },
        now(),
    );
    assert_eq!(
        bad.unwrap_err().to_string(),
        "style is one of modern, traditional, minimalist, industrial, scandinavian, not 'baroque'."
    );
    let missing = wf::create_project(
        &mut store,
        Uuid::new_v4(),
        &NewProject { unit_id: Uuid::new_v4(), style: "modern".into() },
        now(),
    );
    assert!(matches!(missing, Err(StoreError::NotFound { what: "Unit", .. })));
}

#[test]
fn offline_every_photo_is_enhanced_and_labelled_not_staged_and_the_listing_comes_from_the_record() {
    let (_dir, mut store, unit) = fixture();
    let id = Uuid::new_v4();
    wf::create_project(&mut store, id, &NewProject { unit_id: unit.id, style: "modern".into() }, now()).unwrap();
    let living = upload(&mut store, id, "living room", &png(32, 24, 20));
    let kitchen = upload(&mut store, id, "kitchen", &png(32, 24, 40));
    assert_eq!((living.photo_order, kitchen.photo_order), (0, 1));
    assert!(living.thumbnail_original.starts_with("blob:"));
    assert!(wf::upload_photo(
        &mut store,
        id,
        Uuid::new_v4(),
        &PhotoUpload { room: "den".into(), photo_order: None },
        b"GIF89a",
        now()
    )
    .unwrap_err()
    .to_string()
    .contains("JPEG or PNG"));

    let d = wf::generate(&mut store, &super::enhance::EnhanceOnly, id, now()).unwrap();
    assert_eq!(d.project.status, "completed");
    for p in &d.photos {
        assert_eq!((p.processing_status.as_str(), p.staging_label.as_str()), ("completed", "enhanced, not staged"));
        assert!(!p.virtually_staged);
        let staged = store.staging_blob(super::model::blob_hash(&p.staged_url).unwrap()).unwrap().unwrap();
        assert_eq!(&staged[..2], &[0xFF, 0xD8], "the enhanced photo is a JPEG");
        assert!(p.ai_description.contains("No furniture was added."));
    }

    let gateway = crate::ai::Gateway::offline("tests".into());
    let d = wf::generate_listing(&mut store, &gateway, id, now()).unwrap();
    assert_eq!(d.project.listing_provider, "offline");
    assert!(d.project.listing_needs_review);
    assert!(d.project.listing_headline.chars().count() <= 80);
    assert!(d.project.listing_headline.starts_with(&format!("{}BR/", unit.bedrooms)), "{}", d.project.listing_headline);
    assert!(d.project.listing_description.contains("The photos show the living room and kitchen."));
    assert!(d.project.listing_description.contains("Drafted offline"));
    assert!(!d.project.listing_description.contains("virtually staged"), "nothing was staged");
}

#[test]
fn a_photo_the_provider_fails_is_marked_failed_and_the_others_go_on() {
    let (_dir, mut store, unit) = fixture();
    let id = Uuid::new_v4();
    wf::create_project(&mut store, id, &NewProject { unit_id: unit.id, style: "industrial".into() }, now()).unwrap();
    upload(&mut store, id, "bathroom", &png(8, 8, 90));
    upload(&mut store, id, "bedroom", &png(8, 8, 60));
    let mut seen = Vec::new();
    let d = wf::generate_with_progress(&mut store, &Furnisher, id, now(), &mut |done, total| seen.push((done, total)))
        .unwrap();
    assert_eq!(seen, [(1, 2), (2, 2)]);
    assert_eq!(d.project.status, "completed");
    let bath = &d.photos[0];
    assert_eq!(bath.processing_status, "failed");
    assert_eq!(bath.processing_error, "the staging service answered 500: model overloaded");
    let bed = &d.photos[1];
    assert_eq!((bed.processing_status.as_str(), bed.virtually_staged), ("completed", true));
    assert_eq!(bed.ai_description, "A industrial sofa in the bedroom.");
}

#[test]
fn publishing_writes_the_generated_photos_into_the_units_listing() {
    let (_dir, mut store, unit) = fixture();
    let id = Uuid::new_v4();
    wf::create_project(&mut store, id, &NewProject { unit_id: unit.id, style: "modern".into() }, now()).unwrap();
    upload(&mut store, id, "bathroom", &png(8, 8, 90));
    upload(&mut store, id, "living room", &png(8, 8, 60));
    wf::generate(&mut store, &Furnisher, id, now()).unwrap();
    let listing = add_listing(&store, &unit, "draft");
    let plan = wf::publish_plan(&store, id).unwrap();
    assert_eq!(plan.listing_id, listing);
    assert_eq!(plan.lines(), ["1. Living room — virtually staged"], "the failed bathroom stays out");
    let d = wf::publish(&mut store, id, now()).unwrap();
    assert_eq!((d.project.status.as_str(), d.project.listing_id), ("published", Some(listing)));
    let (photos, project): (String, String) = store
        .conn()
        .query_row("SELECT photos, staging_project_id FROM listing WHERE id = ?1", [listing.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(project, id.to_string());
    let photos: serde_json::Value = serde_json::from_str(&photos).unwrap();
    assert_eq!(photos.as_array().unwrap().len(), 1);
    assert_eq!(photos[0]["caption"], "Living room (virtually staged)");
    assert_eq!(photos[0]["virtually_staged"], true);
    assert_eq!(photos[0]["order"], 1);
    assert!(photos[0]["url"].as_str().unwrap().starts_with("blob:"));
    assert!(wf::publish(&mut store, id, now()).unwrap_err().to_string().contains("already published"));
}

#[test]
fn an_enhanced_photo_is_published_without_the_staged_flag_and_a_unit_without_a_listing_is_refused() {
    let (_dir, mut store, unit) = fixture();
    let id = Uuid::new_v4();
    wf::create_project(&mut store, id, &NewProject { unit_id: unit.id, style: "modern".into() }, now()).unwrap();
    upload(&mut store, id, "kitchen", &png(16, 12, 30));
    assert!(wf::publish(&mut store, id, now()).unwrap_err().to_string().contains("generate the photos"));
    wf::generate(&mut store, &super::enhance::EnhanceOnly, id, now()).unwrap();
    let refused = wf::publish(&mut store, id, now()).unwrap_err().to_string();
    assert!(refused.contains("no draft or active listing") || refused.contains("Listings (spec 5.1)"), "{refused}");
    let listing = add_listing(&store, &unit, "active");
    wf::publish(&mut store, id, now()).unwrap();
    let photos: String = store
        .conn()
        .query_row("SELECT photos FROM listing WHERE id = ?1", [listing.to_string()], |r| r.get(0))
        .unwrap();
    let photos: serde_json::Value = serde_json::from_str(&photos).unwrap();
    assert_eq!(photos[0]["caption"], "Kitchen");
    assert!(photos[0].get("virtually_staged").is_none(), "an enhanced photo is not called staged");
}
