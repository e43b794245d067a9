//! Move-in inspections on the central server (spec 4.4): create from a lease, list and filter,
//! nested detail, photo upload with the quality check, offline condition analysis,
//! completeness, human overrides, two signatures with time and IP, finalize (then every edit
//! is refused), and the PDF condition report. Every change reaches replicas through the
//! change feed.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use base64::Engine;
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use unitcycle_core::inspections::quality::test_images;
use unitcycle_core::store::Store;
use unitcycle_sync::adapter::inspections as pg_inspections;
use unitcycle_sync::client::{self, Client};
use uuid::Uuid;

const BASE: &str = "/api/v1/move-in-inspections";
const BOUNDARY: &str = "uc-test-boundary-7f3a";

/// A request with extra headers and, optionally, the peer address the server saw.
async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<(&str, Vec<u8>)>,
    headers: &[(&str, &str)],
    peer: Option<SocketAddr>,
) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "api.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let mut req = match body {
        Some((content_type, bytes)) => req.header(header::CONTENT_TYPE, content_type).body(Body::from(bytes)).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    if let Some(addr) = peer {
        req.extensions_mut().insert(ConnectInfo(addr));
    }
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let v = serde_json::from_slice(&bytes).unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&bytes)));
    (status, v)
}

/// A multipart/form-data body: text fields, then files (field name, file name, bytes).
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        out.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend(b"\r\n");
    }
    out.extend(format!("--{BOUNDARY}--\r\n").bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), out)
}

/// A PNG with a drawn line (`ink`) or a blank one.
fn signature(ink: bool) -> Vec<u8> {
    let mut img = image::RgbaImage::from_pixel(300, 100, image::Rgba([255, 255, 255, 0]));
    if ink {
        for x in 20..250 {
            img.put_pixel(x, 40 + (x % 20), image::Rgba([15, 23, 42, 255]));
        }
    }
    let mut png = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png).unwrap();
    png
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A lease of manager A's property.
async fn lease_of(app: &Router, token: &str, property: Uuid) -> Value {
    let (s, page) =
        call(app, Method::GET, &format!("/api/v1/tenants/leases/?property={property}&page_size=1"), Some(token), None)
            .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["results"][0].clone()
}

async fn max_seq(db: &TestDb) -> i64 {
    let client = db.pool.get().await.unwrap();
    client.query_one("SELECT COALESCE(MAX(change_seq), 0) FROM sync_row_version", &[]).await.unwrap().get(0)
}

/// (entity, id) of the changes after `since` the caller receives.
async fn changes(app: &Router, token: &str, since: i64) -> Vec<Value> {
    let (s, page) =
        call(app, Method::GET, &format!("/api/v1/sync/changes?since={since}&limit=5000"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    assert_eq!(page["has_more"], false);
    page["changes"].as_array().unwrap().clone()
}

fn of_entity<'a>(changes: &'a [Value], entity: &str) -> Vec<&'a Value> {
    changes.iter().filter(|c| c["entity"] == entity).collect()
}

fn detail_text(v: &Value) -> &str {
    v["detail"].as_str().unwrap_or_else(|| panic!("no detail: {v}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_in_inspection_from_start_to_signed_report() {
    let db = TestDb::new("insp", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let reader = db.token(READER).await;
    let lease = lease_of(&app, &a, db.properties[0]).await;
    let lease_id = lease["id"].as_str().unwrap().to_string();

    // --- create: bad input gets a clear 4xx, then the inspection with the unit's rooms.
    let create = |body: Value| body_of(body);
    for (body, status, says) in [
        (json!({"inspector_name": "Dana"}), StatusCode::BAD_REQUEST, "lease: required"),
        (json!({"lease": "nope", "inspector_name": "Dana"}), StatusCode::BAD_REQUEST, "'nope' is not a valid UUID"),
        (json!({"lease": lease_id, "inspector_name": " "}), StatusCode::BAD_REQUEST, "Enter the inspector's name"),
        (json!({"lease": lease_id, "inspector": "Dana"}), StatusCode::BAD_REQUEST, "Malformed JSON"),
        (
            json!({"lease": lease_id, "inspector_name": "Dana", "inspection_date": "15/06/2026"}),
            StatusCode::BAD_REQUEST,
            "not a date",
        ),
    ] {
        let (s, v) = call(&app, Method::POST, &format!("{BASE}/"), Some(&a), create(body)).await;
        assert_eq!(s, status, "{v}");
        assert!(detail_text(&v).contains(says), "{v}");
    }
    let good = json!({"lease": lease_id, "inspector_name": "Dana Inspector", "inspection_date": "2026-06-14"});
    let (s, v) = call(&app, Method::POST, &format!("{BASE}/"), Some(&b), create(good.clone())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "another manager's lease: {v}");
    let (s, _) = call(&app, Method::POST, &format!("{BASE}/"), Some(&reader), create(good.clone())).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(&app, Method::POST, &format!("{BASE}/"), None, create(good.clone())).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, created) = call(&app, Method::POST, &format!("{BASE}/"), Some(&a), create(good)).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["lease"], lease["id"]);
    assert_eq!(created["unit"], lease["unit"]);
    assert_eq!(created["status"], "in_progress");
    assert_eq!(created["inspection_date"], "2026-06-14");
    let rooms = created["rooms"].as_array().unwrap().clone();
    assert!(rooms.len() >= 3 && rooms[0]["room_type"] == "living_room" && rooms[1]["room_type"] == "kitchen");
    assert_eq!(created["rooms_required"].as_array().unwrap().len(), rooms.len());
    let items: usize = rooms.iter().map(|r| r["items"].as_array().unwrap().len()).sum();
    assert!(rooms.iter().all(|r| !r["items"].as_array().unwrap().is_empty()));

    // --- list and filters, scoped to the caller's properties.
    let list = |q: String| {
        let app = app.clone();
        let a = a.clone();
        async move { call(&app, Method::GET, &format!("{BASE}/{q}"), Some(&a), None).await }
    };
    let (s, page) = list(format!("?property={}", db.properties[0])).await;
    assert_eq!((s, page["count"].as_u64()), (StatusCode::OK, Some(1)), "{page}");
    let row = &page["results"][0];
    assert_eq!(row["id"], created["id"]);
    assert_eq!(row["lease_number"], lease["lease_number"]);
    assert!(!row["tenant_name"].as_str().unwrap().is_empty() && row.get("rooms").is_none());
    assert_eq!(list(format!("?unit={}&status=in_progress", lease["unit"].as_str().unwrap())).await.1["count"], 1);
    assert_eq!(list("?status=finalized,review".into()).await.1["count"], 0);
    let (s, v) = list("?status=done".into()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(detail_text(&v).contains("unknown inspection status 'done'"), "{v}");
    assert_eq!(list("?unit=12".into()).await.0, StatusCode::BAD_REQUEST);
    let (_, theirs) = call(&app, Method::GET, &format!("{BASE}/"), Some(&b), None).await;
    assert_eq!(theirs["count"], 0, "manager B does not see property A's inspections");

    // --- detail.
    let (s, d) = call(&app, Method::GET, &format!("{BASE}/{id}/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(d, created, "what was returned is what is stored");
    assert_eq!(call(&app, Method::GET, &format!("{BASE}/{id}/"), Some(&b), None).await.0, StatusCode::NOT_FOUND);
    assert_eq!(call(&app, Method::GET, &format!("{BASE}/xyz/"), Some(&a), None).await.0, StatusCode::NOT_FOUND);

    // --- photos: a sharp photo is stored, a file that is not a photo is refused, nothing lost.
    let room0 = rooms[0]["id"].as_str().unwrap();
    let sharp = test_images::sharp();
    let upload = format!("{BASE}/{id}/upload-photos/");
    let (ct, body) =
        multipart(&[("room_id", room0)], &[("photos", "living.jpg", &sharp), ("photos", "notes.txt", b"hi")]);
    let (s, up) = send(&app, Method::POST, &upload, &a, Some((&ct, body)), &[], None).await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    assert_eq!((up["stored"].as_u64(), up["refused"].as_u64()), (Some(1), Some(1)));
    let stored = &up["files"][0];
    assert_eq!(stored["quality"]["is_acceptable"], true);
    assert_eq!(stored["photo"]["analysis_status"], "queued");
    assert_eq!(stored["photo"]["width"], 800);
    let refused = &up["files"][1];
    assert_eq!(refused["stored"], false);
    assert_eq!(refused["detail"], "notes.txt: the file is not an image UnitCycle can read (use JPEG or PNG)");
    let photo_url = stored["photo"]["photo_url"].as_str().unwrap();
    let (s, blob) =
        call_raw(&app, Method::GET, stored["photo"]["download_url"].as_str().unwrap(), Some(&a), None).await;
    assert_eq!((s, blob == sharp), (StatusCode::OK, true), "the photo is a blob named by its sha256");
    assert_eq!(photo_url, format!("blob:{}", unitcycle_core::blobs::sha256_hex(&sharp)));

    let (ct, body) = multipart(&[("room_id", room0)], &[("photos", "empty.jpg", b"")]);
    let (s, v) = send(&app, Method::POST, &upload, &a, Some((&ct, body)), &[], None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(detail_text(&v), "No photo was stored. empty.jpg: the file is empty");
    let (ct, body) = multipart(&[], &[("photos", "a.jpg", &sharp)]);
    let (s, v) = send(&app, Method::POST, &upload, &a, Some((&ct, body)), &[], None).await;
    assert_eq!((s, detail_text(&v)), (StatusCode::BAD_REQUEST, "room_id: required."));
    let (ct, body) = multipart(&[("room_id", &Uuid::new_v4().to_string())], &[("photos", "a.jpg", &sharp)]);
    assert_eq!(send(&app, Method::POST, &upload, &a, Some((&ct, body)), &[], None).await.0, StatusCode::NOT_FOUND);
    let (s, v) = send(&app, Method::POST, &upload, &a, Some(("application/json", b"{}".to_vec())), &[], None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(detail_text(&v).contains("multipart/form-data"), "{v}");
    let (ct, body) = multipart(&[("room_id", room0)], &[("photos", "a.jpg", &sharp)]);
    assert_eq!(send(&app, Method::POST, &upload, &reader, Some((&ct, body)), &[], None).await.0, StatusCode::FORBIDDEN);
    let (_, d) = call(&app, Method::GET, &format!("{BASE}/{id}/"), Some(&a), None).await;
    assert_eq!(d["rooms"][0]["photo_count"], 1, "refused files changed nothing");

    // --- analysis: offline, so measurements only and every photo needs review.
    let (s, run) = call(&app, Method::POST, &format!("{BASE}/{id}/analyze/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{run}");
    assert_eq!((run["provider"].as_str(), run["needs_review"].as_i64()), (Some("offline"), Some(1)));
    assert_eq!(
        (run["analysed"].as_i64(), run["failed"].as_i64(), run["still_queued"].as_i64()),
        (Some(0), Some(0), Some(0))
    );
    let (_, d) = call(&app, Method::GET, &format!("{BASE}/{id}/"), Some(&a), None).await;
    let photo = &d["rooms"][0]["photos"][0];
    assert_eq!(
        (photo["analysis_status"].as_str(), photo["analysis_provider"].as_str()),
        (Some("needs_review"), Some("offline"))
    );
    assert!(photo["ai_condition_summary"].as_str().unwrap().contains("rate each item by eye"), "{photo}");
    assert!(d["rooms"][0]["items"].as_array().unwrap().iter().all(|i| i["rating"] == ""), "nothing invented");
    let (_, again) = call(&app, Method::POST, &format!("{BASE}/{id}/analyze/"), Some(&a), None).await;
    assert_eq!(
        (again["needs_review"].as_i64(), again["message"].as_str()),
        (Some(0), Some("No photos are waiting for analysis."))
    );

    // --- completeness.
    let (s, c) = call(&app, Method::GET, &format!("{BASE}/{id}/completeness/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(c["rooms_without_photos"].as_array().unwrap().len(), rooms.len() - 1);
    assert_eq!(c["items_without_ratings"].as_array().unwrap().len(), items);
    assert_eq!(c["signatures_missing"], json!(["tenant", "manager"]));
    assert_eq!(c["is_complete"], false);

    // --- human override.
    let item0 = rooms[0]["items"][0]["id"].as_str().unwrap();
    let item_uri = format!("{BASE}/{id}/items/{item0}/");
    let patch = |body: Value| {
        let (app, a, uri) = (app.clone(), a.clone(), item_uri.clone());
        async move { call(&app, Method::PATCH, &uri, Some(&a), body_of(body)).await }
    };
    let (s, it) = patch(json!({"human_override": "fair", "human_notes": "scuffs by the door"})).await;
    assert_eq!(s, StatusCode::OK, "{it}");
    assert_eq!(
        (it["rating"].as_str(), it["rated_by"].as_str(), it["human_notes"].as_str()),
        (Some("fair"), Some("human"), Some("scuffs by the door"))
    );
    let (s, v) = patch(json!({"human_override": "superb"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(detail_text(&v).contains("unknown condition rating 'superb'"), "{v}");
    assert_eq!(patch(json!({})).await.0, StatusCode::BAD_REQUEST);
    assert_eq!(patch(json!({"human_override": 3})).await.0, StatusCode::BAD_REQUEST);
    let (_, it) = patch(json!({"human_override": null})).await;
    assert_eq!(
        (it["rating"].as_str(), it["human_notes"].as_str()),
        (Some(""), Some("scuffs by the door")),
        "cleared, notes kept"
    );
    let (_, it) = patch(json!({"human_override": "good"})).await;
    assert_eq!(it["human_override"], "good");
    let other = format!("{BASE}/{id}/items/{}/", Uuid::new_v4());
    assert_eq!(
        call(&app, Method::PATCH, &other, Some(&a), body_of(json!({"human_override": "good"}))).await.0,
        StatusCode::NOT_FOUND
    );
    let (_, d) = call(&app, Method::GET, &format!("{BASE}/{id}/"), Some(&a), None).await;
    assert_eq!((d["items_good"].as_i64(), d["overall_condition_score"].as_f64()), (Some(1), Some(80.0)));

    // --- signing needs 100 % completeness: refused until every room has a photo and every item
    // a rating, with what is missing; then the other rooms are photographed and rated.
    let ink = b64(&signature(true));
    let body = json!({"role": "tenant", "signer_name": "Terry Tenant", "signature": ink});
    let (s, v) = call(&app, Method::POST, &format!("{BASE}/{id}/sign/"), Some(&a), body_of(body)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(detail_text(&v).contains("Missing: an acceptable photo of"), "{v}");
    for (n, room) in rooms.iter().enumerate().skip(1) {
        let photo = test_images::sharp_nth(n);
        let (ct, body) = multipart(&[("room_id", room["id"].as_str().unwrap())], &[("photos", "room.jpg", &photo)]);
        let (s, v) = send(&app, Method::POST, &upload, &a, Some((&ct, body)), &[], None).await;
        assert_eq!(s, StatusCode::CREATED, "{v}");
        for item in room["items"].as_array().unwrap() {
            let uri = format!("{BASE}/{id}/items/{}/", item["id"].as_str().unwrap());
            let (s, v) = call(&app, Method::PATCH, &uri, Some(&a), body_of(json!({"human_override": "good"}))).await;
            assert_eq!(s, StatusCode::OK, "{v}");
        }
    }
    for item in rooms[0]["items"].as_array().unwrap().iter().skip(1) {
        let uri = format!("{BASE}/{id}/items/{}/", item["id"].as_str().unwrap());
        call(&app, Method::PATCH, &uri, Some(&a), body_of(json!({"human_override": "good"}))).await;
    }

    // --- signatures: time and IP recorded; bad signatures refused with a reason.
    let sign_uri = format!("{BASE}/{id}/sign/");
    let sign = |body: Value, headers: &'static [(&'static str, &'static str)], peer: Option<SocketAddr>| {
        let (app, a, uri) = (app.clone(), a.clone(), sign_uri.clone());
        async move {
            send(
                &app,
                Method::POST,
                &uri,
                &a,
                Some(("application/json", serde_json::to_vec(&body).unwrap())),
                headers,
                peer,
            )
            .await
        }
    };
    let ink = b64(&signature(true));
    for (body, says) in [
        (json!({"role": "tenant", "signer_name": "Terry Tenant", "signature": ""}), "The signature image is empty"),
        (
            json!({"role": "tenant", "signer_name": "Terry Tenant", "signature": b64(&signature(false))}),
            "The signature image is empty",
        ),
        (
            json!({"role": "landlord", "signer_name": "Terry Tenant", "signature": ink}),
            "unknown signer role 'landlord'",
        ),
        (json!({"role": "tenant", "signer_name": "", "signature": ink}), "Enter the tenant's name before signing"),
        (json!({"role": "tenant", "signer_name": "T", "signature": "%%%"}), "signature: not base64"),
    ] {
        let (s, v) = sign(body, &[], None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
        assert!(detail_text(&v).contains(says), "{v}");
    }
    let (s, v) = call(&app, Method::POST, &format!("{BASE}/{id}/finalize/"), Some(&a), None).await;
    assert_eq!(
        (s, detail_text(&v)),
        (StatusCode::BAD_REQUEST, "Finalizing needs both signatures; missing: tenant and manager.")
    );
    let data_url = format!("data:image/png;base64,{ink}");
    let (s, d) = sign(
        json!({"role": "tenant", "signer_name": "Terry Tenant", "signature": data_url}),
        &[("x-forwarded-for", "203.0.113.9, 10.0.0.2")],
        Some("10.0.0.2:5555".parse().unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(
        (d["tenant_signer_name"].as_str(), d["tenant_signed_ip"].as_str()),
        (Some("Terry Tenant"), Some("203.0.113.9"))
    );
    assert_eq!(d["tenant_signed_at"], "2026-06-15T12:00:00Z");
    assert_eq!(d["status"], "pending_signatures");
    let (s, v) = call(&app, Method::POST, &format!("{BASE}/{id}/finalize/"), Some(&a), None).await;
    assert_eq!((s, detail_text(&v)), (StatusCode::BAD_REQUEST, "Finalizing needs both signatures; missing: manager."));
    let (s, d) = sign(
        json!({"role": "manager", "signer_name": "Morgan Manager", "signature": ink}),
        &[],
        Some("198.51.100.4:40000".parse().unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!(d["manager_signed_ip"], "198.51.100.4", "the peer address when no proxy header");
    let sig = d["manager_signature_url"].as_str().unwrap().strip_prefix("blob:").unwrap().to_string();
    assert_eq!(call_raw(&app, Method::GET, &format!("/api/v1/blobs/{sig}"), Some(&a), None).await.1, signature(true));

    // --- finalize; afterwards every edit is refused with the core's message.
    let (s, d) = call(&app, Method::POST, &format!("{BASE}/{id}/finalize/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!((d["status"].as_str(), d["finalized_at"].as_str()), (Some("finalized"), Some("2026-06-15T12:00:00Z")));
    let locked = "This inspection was finalized on 2026-06-15 12:00 UTC and can no longer be changed.";
    let (s, v) = patch(json!({"human_override": "poor"})).await;
    assert_eq!((s, detail_text(&v)), (StatusCode::CONFLICT, locked));
    let (ct, body) = multipart(&[("room_id", room0)], &[("photos", "late.jpg", &sharp)]);
    let (s, v) = send(&app, Method::POST, &upload, &a, Some((&ct, body)), &[], None).await;
    assert_eq!((s, detail_text(&v)), (StatusCode::CONFLICT, locked));
    let (s, _) = sign(json!({"role": "tenant", "signer_name": "Terry Tenant", "signature": ink}), &[], None).await;
    assert_eq!(s, StatusCode::CONFLICT);
    for action in ["analyze", "finalize"] {
        let (s, v) = call(&app, Method::POST, &format!("{BASE}/{id}/{action}/"), Some(&a), None).await;
        assert_eq!((s, detail_text(&v)), (StatusCode::CONFLICT, locked), "{action}");
    }
    let (_, after) = call(&app, Method::GET, &format!("{BASE}/{id}/"), Some(&a), None).await;
    assert_eq!(after, d, "nothing changed");

    // --- the condition report, after finalizing.
    assert_eq!(
        call(&app, Method::POST, &format!("{BASE}/{id}/generate-report/"), Some(&reader), None).await.0,
        StatusCode::FORBIDDEN
    );
    let (s, report) = call(&app, Method::POST, &format!("{BASE}/{id}/generate-report/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    let pages = report["pages"].as_u64().unwrap() as usize;
    assert_eq!(pages, 1 + rooms.len() + 1, "cover, one page per room, closing");
    assert_eq!(report["finalized"], true);
    let sha = report["sha256"].as_str().unwrap();
    assert_eq!(report["condition_report_url"], format!("blob:{sha}"));
    let (s, pdf) = call_raw(&app, Method::GET, report["download_url"].as_str().unwrap(), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(report["size_bytes"].as_u64(), Some(pdf.len() as u64));
    let text = unitcycle_core::pdf::page_texts(&pdf).unwrap();
    assert_eq!(text.len(), pages);
    assert!(text[0].contains("MOVE-IN CONDITION REPORT") && text[0].contains("FINALIZED"), "{}", text[0]);
    assert!(text[0].contains("Dana Inspector") && text[0].contains(lease["lease_number"].as_str().unwrap()));
    assert!(text[1].contains("scuffs by the door"), "{}", text[1]);
    let closing = text.last().unwrap();
    assert!(closing.contains("Terry Tenant") && closing.contains("Morgan Manager"), "{closing}");
    assert!(closing.contains("Finalized and locked on 2026-06-15 06:00 MDT"), "{closing}");
    let (_, d) = call(&app, Method::GET, &format!("{BASE}/{id}/"), Some(&a), None).await;
    assert_eq!(d["condition_report_url"], report["condition_report_url"]);
    db.finish().await;
}

fn body_of(v: Value) -> Option<Vec<u8>> {
    body(v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspection_made_through_the_api_reaches_replicas_through_the_change_feed() {
    let db = TestDb::new("inspfeed", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let lease = lease_of(&app, &a, db.properties[0]).await;
    let since = max_seq(&db).await;
    let (s, created) = call(
        &app,
        Method::POST,
        &format!("{BASE}/"),
        Some(&a),
        body(json!({"lease": lease["id"], "inspector_name": "Dana Inspector"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let rooms = created["rooms"].as_array().unwrap();
    let items: usize = rooms.iter().map(|r| r["items"].as_array().unwrap().len()).sum();

    let feed = changes(&app, &a, since).await;
    let inspections = of_entity(&feed, "move_in_inspection");
    assert_eq!(inspections.len(), 1);
    assert_eq!(inspections[0]["id"], id.as_str());
    assert_eq!(inspections[0]["row"]["status"], "in_progress");
    assert_eq!(of_entity(&feed, "move_in_room").len(), rooms.len());
    assert_eq!(of_entity(&feed, "move_in_item").len(), items);
    assert!(changes(&app, &b, since).await.is_empty(), "another manager's replica receives nothing");

    // A change bumps only the rows it touched.
    let since = max_seq(&db).await;
    let item = rooms[1]["items"][0]["id"].as_str().unwrap();
    let (s, _) = call(
        &app,
        Method::PATCH,
        &format!("{BASE}/{id}/items/{item}/"),
        Some(&a),
        body(json!({"human_override": "excellent"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    let feed = changes(&app, &a, since).await;
    let mut touched: Vec<(String, String)> =
        feed.iter().map(|c| (c["entity"].as_str().unwrap().into(), c["id"].as_str().unwrap().into())).collect();
    touched.sort();
    let mut expected = vec![
        ("move_in_inspection".to_string(), id.clone()),
        ("move_in_item".to_string(), item.to_string()),
        ("move_in_room".to_string(), rooms[1]["id"].as_str().unwrap().to_string()),
    ];
    expected.sort();
    assert_eq!(touched, expected, "the item, its room's condition and the inspection's counts");

    // A replica pulls the same inspection, row for row.
    let url = db.serve().await;
    let store = Store::in_memory().unwrap();
    client::set_server(&store, &url, MANAGER_A).unwrap();
    let api = Client::new(&url, Some(a.clone())).unwrap();
    client::pull(&api, &store, &url, 500, &mut |_| {}).await.unwrap();
    let id = Uuid::parse_str(&id).unwrap();
    let on_server =
        pg_inspections::load(&**db.pool.get().await.unwrap(), id, &db.properties, false).await.unwrap().unwrap();
    assert_eq!(store.move_in_detail(id).unwrap(), on_server);
    assert_eq!(on_server.inspection.items_excellent, 1);
    db.finish().await;
}
