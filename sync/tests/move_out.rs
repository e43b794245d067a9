//! Move-out photo inspection (spec 3.1) and the move-in comparison end to end on the server:
//! notice → turnover case → inspection → photos (multipart) → offline analysis (needs_review,
//! nothing guessed) → compare with the move-in → a person keeps one photo as damage → the
//! letter states the deposit, the item and the refund → finalize puts the deduction on the case.
//! Then the same inspection done offline on a replica reaches the server with its photos.

mod common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use unitcycle_core::blobs::BlobStore;
use unitcycle_core::inspections::move_out::workflow::{self as mw, MoveOutAction};
use unitcycle_core::inspections::move_out::{DamageCategory, DamageItem, DamageSeverity, PhotoClassification};
use unitcycle_core::inspections::quality::test_images;
use unitcycle_core::inspections::workflow::PhotoFile;
use unitcycle_core::store::Store;
use unitcycle_sync::client::{self, Client};

const BOUNDARY: &str = "uc-move-out-boundary";

async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    token: &str,
    body: Option<(&str, Vec<u8>)>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "api.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"));
    let mut req = match body {
        Some((ct, bytes)) => req.header(header::CONTENT_TYPE, ct).body(Body::from(bytes)).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    req.extensions_mut().insert(axum::extract::ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 9))));
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn json_body(v: Value) -> Option<(&'static str, Vec<u8>)> {
    Some(("application/json", serde_json::to_vec(&v).unwrap()))
}

fn multipart(room_field: &str, room: &str, files: &[(&str, &[u8])]) -> Option<(&'static str, Vec<u8>)> {
    let mut out = Vec::new();
    out.extend(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{room_field}\"\r\n\r\n{room}\r\n").bytes(),
    );
    for (file_name, bytes) in files {
        out.extend(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{file_name}\"\r\n\
                 Content-Type: image/jpeg\r\n\r\n"
            )
            .bytes(),
        );
        out.extend_from_slice(bytes);
        out.extend(b"\r\n");
    }
    out.extend(format!("--{BOUNDARY}--\r\n").bytes());
    Some(("multipart/form-data; boundary=uc-move-out-boundary", out))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_move_out_inspection_goes_from_photos_to_deductions_on_the_case() {
    let db = TestDb::new("moveout", 450).await;
    let app = db.router();
    let t = db.token(MANAGER_A).await;

    let (_, leases) =
        send(&app, Method::GET, "/api/v1/tenants/leases/?lease_status=active&page_size=1", &t, None).await;
    let lease = leases["results"][0].clone();
    let lease_id = lease["id"].as_str().unwrap().to_string();

    // A move-in inspection of the lease with a kitchen photo, to compare with.
    let body = json!({"lease": lease_id, "inspector_name": "Dana Inspector", "inspection_date": "2026-01-10"});
    let (s, move_in) = send(&app, Method::POST, "/api/v1/move-in-inspections/", &t, json_body(body)).await;
    assert_eq!(s, StatusCode::CREATED, "{move_in}");
    let move_in_id = move_in["id"].as_str().unwrap().to_string();
    let kitchen = move_in["rooms"].as_array().unwrap().iter().find(|r| r["room_name"] == "Kitchen").unwrap().clone();
    let scene = test_images::sharp_nth(3);
    let path = format!("/api/v1/move-in-inspections/{move_in_id}/upload-photos/");
    let (s, v) = send(
        &app,
        Method::POST,
        &path,
        &t,
        multipart("room_id", kitchen["id"].as_str().unwrap(), &[("k.jpg", &scene)]),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");

    // Notice opens the turnover case; the inspection links to it.
    let notice = json!({"notice_date": today().to_string(), "notice_move_out_date": (today() + chrono::Duration::days(1)).to_string()});
    let (s, v) =
        send(&app, Method::POST, &format!("/api/v1/tenants/leases/{lease_id}/give-notice/"), &t, json_body(notice))
            .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let body = json!({"lease": lease_id, "inspector_name": "Dana Inspector"});
    let (s, created) = send(&app, Method::POST, "/api/v1/inspections/", &t, json_body(body.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!((created["lease"].as_str(), created["status"].as_str()), (Some(lease_id.as_str()), Some("in_progress")));
    let case_id = created["turnover_case"].as_str().expect("linked to the turnover case").to_string();
    let (_, case) = send(&app, Method::GET, &format!("/api/v1/turnover/{case_id}/"), &t, None).await;
    let deposit = case["security_deposit"].as_str().unwrap().to_string();
    let (s, _) = send(&app, Method::POST, "/api/v1/inspections/", &t, json_body(body)).await;
    assert_eq!(s, StatusCode::CONFLICT, "one inspection per lease");
    let (s, v) = send(
        &app,
        Method::POST,
        "/api/v1/inspections/",
        &t,
        json_body(json!({"lease": lease_id, "inspector_name": ""})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // Photos: a readable one is stored, a broken one refused, each said so.
    let path = format!("/api/v1/inspections/{id}/upload-photos/");
    let files: [(&str, &[u8]); 2] = [("kitchen.jpg", &scene), ("notes.jpg", b"not a photo")];
    let (s, up) = send(&app, Method::POST, &path, &t, multipart("room", "kitchen", &files)).await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    assert_eq!(up["photo_ids"].as_array().unwrap().len(), 1);
    assert!(up["photos"][1]["error"].as_str().unwrap().len() > 3, "{up}");
    let other = test_images::sharp_nth(4);
    let (s, _) = send(&app, Method::POST, &path, &t, multipart("room", "bedroom_1", &[("b.jpg", &other)])).await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, v) = send(&app, Method::POST, &path, &t, multipart("room", "kitchen; drop", &[("b.jpg", &other)])).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // Offline analysis: every photo needs a person; nothing is priced.
    let (s, a) = send(&app, Method::POST, &format!("/api/v1/inspections/{id}/analyze/"), &t, None).await;
    assert_eq!(s, StatusCode::OK, "{a}");
    assert_eq!((a["run"]["provider"].as_str(), a["run"]["needs_review"].as_i64()), (Some("offline"), Some(2)));
    let photos = a["inspection"]["photos"].as_array().unwrap().clone();
    assert!(photos.iter().all(|p| p["ai_classification"] == "needs_review" && p["ai_damage_items"] == json!([])));
    assert_eq!(a["inspection"]["status"], "review");

    // Compare with the move-in: the kitchen pairs with the move-in's kitchen photo.
    let path = format!("/api/v1/move-in-inspections/{move_in_id}/compare/{id}/");
    let (s, cmp) = send(&app, Method::GET, &path, &t, None).await;
    assert_eq!(s, StatusCode::OK, "{cmp}");
    let pairs = cmp["pairs"].as_array().unwrap();
    let k = pairs.iter().find(|p| p["room"] == "kitchen").unwrap();
    assert_eq!((k["move_in_room_name"].as_str(), k["status"].as_str()), (Some("Kitchen"), Some("unchanged")), "{k}");
    assert_eq!(cmp["provider"], "offline");

    // Finalizing before every photo is classified is refused.
    let (s, v) = send(&app, Method::POST, &format!("/api/v1/inspections/{id}/finalize/"), &t, None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // A person classifies: kitchen damage priced over the table (capped), bedroom clean.
    let kitchen_photo = photos.iter().find(|p| p["room"] == "kitchen").unwrap()["id"].as_str().unwrap().to_string();
    let bedroom_photo = photos.iter().find(|p| p["room"] == "bedroom_1").unwrap()["id"].as_str().unwrap().to_string();
    let review = json!({"human_classification": "damage", "damage_items": [
        {"item": "Hole by the fridge", "severity": "moderate", "category": "wall_damage", "estimated_cost": "350.00"}]});
    let (s, p) =
        send(&app, Method::PATCH, &format!("/api/v1/inspections/photos/{kitchen_photo}/"), &t, json_body(review)).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        (p["human_override"].as_bool(), p["human_damage_items"][0]["estimated_cost"].as_str()),
        (Some(true), Some("200.00"))
    );
    let (s, v) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/inspections/photos/{bedroom_photo}/"),
        &t,
        json_body(json!({"human_classification": "pending"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/inspections/photos/{bedroom_photo}/"),
        &t,
        json_body(json!({"human_classification": "clean"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK);

    // The letter: the deposit, the item, the refund — from the record.
    let (s, letter) = send(&app, Method::POST, &format!("/api/v1/inspections/{id}/generate-letter/"), &t, None).await;
    assert_eq!(s, StatusCode::OK, "{letter}");
    let text = letter["letter_text"].as_str().unwrap();
    let deposit: rust_decimal::Decimal = deposit.parse().unwrap();
    let money = unitcycle_core::format::money;
    for figure in [money(deposit), "$200.00".to_string(), money((deposit - rust_decimal::Decimal::from(200)).abs())] {
        assert!(text.contains(&figure), "{figure} in {text}");
    }
    assert!(letter["document"].as_str().is_some_and(|h| h.len() == 64));

    // Finalize: locked, and the deduction is on the case, approved, the refund following.
    let (s, fin) = send(&app, Method::POST, &format!("/api/v1/inspections/{id}/finalize/"), &t, None).await;
    assert_eq!(s, StatusCode::OK, "{fin}");
    assert_eq!(fin["inspection"]["status"], "finalized");
    assert_eq!(fin["inspection"]["total_damage_cost"], "200.00");
    let (_, case) = send(&app, Method::GET, &format!("/api/v1/turnover/{case_id}/"), &t, None).await;
    let d = &case["deductions"].as_array().unwrap()[0];
    assert_eq!(
        (d["amount"].as_str(), d["approved"].as_bool(), d["category"].as_str()),
        (Some("200.00"), Some(true), Some("wall_damage")),
        "{case}"
    );
    assert_eq!(case["total_deductions"], "200.00");
    let (s, _) = send(
        &app,
        Method::PATCH,
        &format!("/api/v1/inspections/photos/{bedroom_photo}/"),
        &t,
        json_body(json!({"human_classification": "damage"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a finalized inspection no longer changes");
    let (s, _) = send(&app, Method::GET, &format!("/api/v1/inspections/{}/", uuid::Uuid::new_v4()), &t, None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inspection_done_offline_reaches_the_server_with_its_photos() {
    let db = TestDb::new("moveoutsync", 450).await;
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let api = Client::new(&url, Some(token.clone())).unwrap();
    let app = db.router();

    // Notice on the server; the replica pulls the case, then works offline.
    let (_, leases) =
        send(&app, Method::GET, "/api/v1/tenants/leases/?lease_status=active&page_size=1", &token, None).await;
    let lease_id: uuid::Uuid = leases["results"][0]["id"].as_str().unwrap().parse().unwrap();
    let notice = json!({"notice_date": today().to_string(), "notice_move_out_date": (today() + chrono::Duration::days(1)).to_string()});
    let (s, _) =
        send(&app, Method::POST, &format!("/api/v1/tenants/leases/{lease_id}/give-notice/"), &token, json_body(notice))
            .await;
    assert_eq!(s, StatusCode::OK);
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
    let blobs = BlobStore::beside(&dir.path().join("replica.db"));
    client::set_server(&store, &url, MANAGER_A).unwrap();
    client::sync(&api, &store, &blobs, &url, &mut |_| {}).await.unwrap();

    let id = unitcycle_core::inspections::move_out::inspection_id(lease_id);
    let create = MoveOutAction::Create { lease_id, inspector_name: "Dana Inspector".into(), inspection_date: today() };
    mw::act_on_replica(&mut store, id, &create, "user:dana", now()).unwrap();
    let file =
        PhotoFile { file_name: "k.jpg".into(), content_type: "image/jpeg".into(), bytes: test_images::sharp_nth(5) };
    let (add, _) = mw::store_photos(&store, "kitchen", &[file], now()).unwrap();
    let d = mw::act_on_replica(&mut store, id, &add.unwrap(), "user:dana", now()).unwrap();
    let photo = d.photos[0].clone();
    let hole = DamageItem::new(
        "Hole",
        DamageSeverity::Minor,
        DamageCategory::WallDamage,
        Some(rust_decimal::Decimal::from(60)),
    )
    .unwrap();
    let review = MoveOutAction::ReviewPhoto {
        photo_id: photo.id,
        classification: PhotoClassification::Damage,
        damage_items: Some(vec![hole]),
    };
    mw::act_on_replica(&mut store, id, &review, "user:dana", now()).unwrap();

    let (push, _) = client::sync(&api, &store, &blobs, &url, &mut |_| {}).await.unwrap();
    assert_eq!((push.actions_applied, push.actions_rejected.len()), (3, 0), "{push:?}");
    assert_eq!(push.blobs_uploaded, 1, "the photo went up before the action naming it");
    let (s, on_server) = send(&app, Method::GET, &format!("/api/v1/inspections/{id}/"), &token, None).await;
    assert_eq!(s, StatusCode::OK, "{on_server}");
    assert_eq!(on_server["photos"][0]["photo_url"], photo.photo_url.as_str());
    assert_eq!(on_server["photos"][0]["human_classification"], "damage");
    assert_eq!(on_server["total_damage_cost"], "60.00");
    let hash = photo.photo_url.trim_start_matches("blob:");
    let (s, _) = call_raw(&app, Method::GET, &format!("/api/v1/blobs/{hash}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "the photo's bytes are on the server");
    db.finish().await;
}
