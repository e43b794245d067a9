//! Virtual staging (spec 4.1) over HTTP: a project for a vacant unit, two empty-room photos
//! uploaded, generated offline (enhanced and labelled "enhanced, not staged", never called
//! staged), the listing text written from the unit record, and the photos published to the
//! unit's listing; a bad style and an unknown unit refused; a photo the provider cannot read
//! failing alone; the before and after bytes served; another manager seeing none of it.

mod common;

use axum::http::{Method, StatusCode};
use axum::Router;
use common::*;
use serde_json::{json, Value};
use uuid::Uuid;

fn png(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, _| image::Rgb([shade, shade.saturating_add(x as u8 * 3), shade]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A multipart body: each (room, file) as a `room` field followed by its `file`.
fn multipart(photos: &[(&str, Vec<u8>)]) -> (String, Vec<u8>) {
    let boundary = "staging-test-boundary";
    let mut out = Vec::new();
    for (i, (room, bytes)) in photos.iter().enumerate() {
        out.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"room\"\r\n\r\n{room}\r\n").as_bytes(),
        );
        out.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p{i}.png\"\r\n\
                 Content-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), out)
}

async fn upload(app: &Router, uri: &str, token: &str, photos: &[(&str, Vec<u8>)]) -> (StatusCode, Value) {
    let (content_type, bytes) = multipart(photos);
    post_bytes(app, uri, token, bytes, &content_type).await
}

/// A vacant unit of manager A's property (the first unit when none is vacant).
async fn unit_of(db: &TestDb, property: Uuid) -> (Uuid, i32, String) {
    let row = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT id, bedrooms, unit_number FROM units_unit WHERE property_id = $1 \
             ORDER BY (status = 'vacant') DESC, unit_number LIMIT 1",
            &[&property],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1), row.get(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vacant_unit_is_photographed_enhanced_described_and_published_to_its_listing() {
    let db = TestDb::new("staging", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let (unit, bedrooms, _) = unit_of(&db, db.properties[0]).await;

    let (s, e) = call(
        &app,
        Method::POST,
        "/api/v1/staging/projects/",
        Some(&a),
        body(json!({"unit_id": unit, "style": "baroque"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("modern, traditional, minimalist, industrial, scandinavian"), "{e}");
    let (s, e) = call(
        &app,
        Method::POST,
        "/api/v1/staging/projects/",
        Some(&a),
        body(json!({"unit_id": Uuid::new_v4(), "style": "modern"})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");

    let (s, d) = call(
        &app,
        Method::POST,
        "/api/v1/staging/projects/",
        Some(&a),
        body(json!({"unit_id": unit, "style": "modern"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    assert_eq!((d["status"].as_str(), d["style"].as_str()), (Some("draft"), Some("modern")));
    assert_eq!(d["unit_id"], unit.to_string());
    let id = d["id"].as_str().unwrap().to_string();
    let project = format!("/api/v1/staging/projects/{id}/");

    let (s, d) = upload(
        &app,
        &format!("{project}upload-photos/"),
        &a,
        &[("living room", png(48, 32, 20)), ("kitchen", png(48, 32, 40))],
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let photos = d["photos"].as_array().unwrap();
    assert_eq!(photos.len(), 2);
    assert_eq!((photos[0]["room"].as_str(), photos[0]["photo_order"].as_i64()), (Some("living room"), Some(0)));
    assert_eq!(
        (photos[1]["room"].as_str(), photos[1]["processing_status"].as_str()),
        (Some("kitchen"), Some("pending"))
    );

    let (s, d) = call(&app, Method::POST, &format!("{project}generate/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["status"], "completed");
    for p in d["photos"].as_array().unwrap() {
        assert_eq!(p["processing_status"], "completed", "{p}");
        assert_eq!(p["staging_label"], "enhanced, not staged");
        assert_eq!(p["virtually_staged"], false);
        assert!(p["staged_url"].as_str().unwrap().starts_with("blob:"));
        assert!(p["thumbnail_staged"].as_str().unwrap().starts_with("blob:"));
    }
    let photo = d["photos"][0]["id"].as_str().unwrap().to_string();
    let (s, before) =
        call_raw(&app, Method::GET, &format!("/api/v1/staging/photos/{photo}/original"), Some(&a), None).await;
    assert_eq!((s, &before[..4]), (StatusCode::OK, &b"\x89PNG"[..]));
    let (s, after) =
        call_raw(&app, Method::GET, &format!("/api/v1/staging/photos/{photo}/staged"), Some(&a), None).await;
    assert_eq!((s, &after[..3]), (StatusCode::OK, &[0xFF, 0xD8, 0xFF][..]), "the enhanced photo is a JPEG");

    let (s, d) = call(&app, Method::POST, &format!("{project}generate-listing/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let headline = d["listing_headline"].as_str().unwrap();
    assert!(headline.starts_with(&format!("{bedrooms}BR/")) && headline.chars().count() <= 80, "{headline}");
    assert!(d["listing_description"].as_str().unwrap().contains("The photos show the living room and kitchen."), "{d}");
    assert_eq!((d["listing_provider"].as_str(), d["listing_needs_review"].as_bool()), (Some("offline"), Some(true)));

    // Another manager sees none of it.
    let (s, _) = call(&app, Method::GET, &project, Some(&b), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call_raw(&app, Method::GET, &format!("/api/v1/staging/photos/{photo}/original"), Some(&b), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = call(&app, Method::GET, "/api/v1/staging/projects/", Some(&b), None).await;
    assert_eq!(list, json!([]));

    // Publishing needs the unit's listing; then it carries the photos, none called staged.
    let (s, e) = call(&app, Method::POST, &format!("{project}publish/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("no draft or active listing"), "{e}");
    let listing = Uuid::new_v4();
    db.pool
        .get()
        .await
        .unwrap()
        .execute(
            "INSERT INTO listing (id, unit_id, property_id, status, asking_rent, title, description, created_at, updated_at) \
             VALUES ($1, $2, $3, 'draft', 1450, 'Bright two-bedroom', '', now(), now())",
            &[&listing, &unit, &db.properties[0]],
        )
        .await
        .unwrap();
    let (s, d) = call(&app, Method::POST, &format!("{project}publish/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (d["status"].as_str(), d["listing_id"].as_str()),
        (Some("published"), Some(listing.to_string().as_str()))
    );
    let row = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT photos, staging_project_id FROM listing WHERE id = $1", &[&listing])
        .await
        .unwrap();
    let (photos, staging): (Value, Option<Uuid>) = (row.get(0), row.get(1));
    assert_eq!(staging.map(|u| u.to_string()), Some(id.clone()));
    assert_eq!(photos.as_array().unwrap().len(), 2);
    assert_eq!((photos[0]["caption"].as_str(), photos[0]["order"].as_i64()), (Some("Living room"), Some(0)));
    assert!(photos[0].get("virtually_staged").is_none(), "an enhanced photo is never called staged: {photos}");
    let (s, list) = call(&app, Method::GET, "/api/v1/staging/projects/?status=published", Some(&a), None).await;
    assert_eq!((s, list[0]["id"].as_str()), (StatusCode::OK, Some(id.as_str())));
    assert_eq!(s, StatusCode::OK);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_that_cannot_be_processed_fails_alone() {
    let db = TestDb::new("staging_fail", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let (unit, _, _) = unit_of(&db, db.properties[0]).await;
    let (_, d) = call(
        &app,
        Method::POST,
        "/api/v1/staging/projects/",
        Some(&a),
        body(json!({"unit_id": unit, "style": "scandinavian"})),
    )
    .await;
    let project = format!("/api/v1/staging/projects/{}/", d["id"].as_str().unwrap());
    // A PNG cut off after its header: accepted as a PNG, but the image cannot be read.
    let broken = png(48, 32, 90)[..40].to_vec();
    let (s, d) =
        upload(&app, &format!("{project}upload-photos/"), &a, &[("bathroom", broken), ("bedroom", png(48, 32, 60))])
            .await;
    assert_eq!(s, StatusCode::CREATED, "{d}");
    let (s, e) = upload(&app, &format!("{project}upload-photos/"), &a, &[("den", b"GIF89a....".to_vec())]).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, d) = call(&app, Method::POST, &format!("{project}generate/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["status"], "completed");
    let (bath, bed) = (&d["photos"][0], &d["photos"][1]);
    assert_eq!(bath["processing_status"], "failed");
    assert!(bath["processing_error"].as_str().unwrap().contains("could not be read as an image"), "{bath}");
    assert_eq!(bed["processing_status"], "completed");
    let (s, _) = call_raw(
        &app,
        Method::GET,
        &format!("/api/v1/staging/photos/{}/staged", bath["id"].as_str().unwrap()),
        Some(&a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a failed photo has no staged version");
    db.finish().await;
}
