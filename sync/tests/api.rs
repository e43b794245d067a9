//! The central API, in process (`tower::ServiceExt::oneshot`) against a fresh PostgreSQL
//! database per test: auth and scoping, the 1.1 lease endpoints, bad input, paging, blobs,
//! the change feed and the once-a-day scheduler.

mod common;

use axum::http::{Method, StatusCode};
use axum::Router;
use common::*;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use unitcycle_sync::scheduler;
use uuid::Uuid;

/// A lease of `property` in `status`, from the API itself.
async fn some_lease(app: &Router, token: &str, property: Uuid, status: &str) -> Value {
    let (s, page) = call(
        app,
        Method::GET,
        &format!("/api/v1/tenants/leases/?lease_status={status}&property={property}"),
        Some(token),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{page}");
    page["results"][0].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auth_tokens_roles_and_property_scoping() {
    let db = TestDb::new("auth", 400).await;
    let app = db.router();

    let (s, v) = call(&app, Method::GET, "/healthz", None, None).await;
    assert_eq!((s, v), (StatusCode::OK, json!({"status": "ok"})));

    // No token, a malformed header, an unknown token: 401 with a detail.
    let (s, v) = call(&app, Method::GET, "/api/v1/tenants/leases/", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["detail"], "Authentication credentials were not provided.");
    let (s, _) = call(&app, Method::GET, "/api/v1/tenants/leases/", Some("nope"), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // Login: wrong password refused, right one gives a token.
    let (s, v) =
        call(&app, Method::POST, "/api/v1/auth/login/", None, body(json!({"email": MANAGER_A, "password": "x"}))).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(v["detail"], "Unable to log in with provided credentials.");
    let (s, v) = call(
        &app,
        Method::POST,
        "/api/v1/auth/login/",
        None,
        body(json!({"email": "A@Example.com", "password": PASSWORD})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["role"], "manager");
    let token_a = v["token"].as_str().unwrap().to_string();

    // A sees only property 0; B's lease and property are "not found" to A.
    let (s, v) = call(&app, Method::GET, "/api/v1/properties/", Some(&token_a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(v["count"], 1);
    assert_eq!(v["results"][0]["id"], db.properties[0].to_string());
    let token_b = db.token(MANAGER_B).await;
    let b_lease = some_lease(&app, &token_b, db.properties[1], "active").await;
    let (s, v) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tenants/leases/{}/", b_lease["id"].as_str().unwrap()),
        Some(&token_a),
        None,
    )
    .await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::NOT_FOUND, Some("Lease not found.")));
    let (s, v) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tenants/leases/{}/convert-mtm/", b_lease["id"].as_str().unwrap()),
        Some(&token_a),
        None,
    )
    .await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::NOT_FOUND, Some("Lease not found.")));
    let (s, _) =
        call(&app, Method::GET, &format!("/api/v1/properties/{}/", db.properties[1]), Some(&token_a), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call(
        &app,
        Method::GET,
        &format!("/api/v1/tenants/leases/?property={}", db.properties[1]),
        Some(&token_a),
        None,
    )
    .await;
    assert_eq!((s, v["count"].as_u64()), (StatusCode::OK, Some(0)));

    // Read-only users read but cannot change.
    let reader = db.token(READER).await;
    let a_lease = some_lease(&app, &reader, db.properties[0], "active").await;
    let (s, v) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tenants/leases/{}/convert-mtm/", a_lease["id"].as_str().unwrap()),
        Some(&reader),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{v}");

    // Logout revokes the token; an expired token is refused too.
    let (s, _) = call(&app, Method::POST, "/api/v1/auth/logout/", Some(&token_a), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, v) = call(&app, Method::GET, "/api/v1/properties/", Some(&token_a), None).await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::UNAUTHORIZED, Some("Invalid, expired or revoked token.")));
    db.pool
        .get()
        .await
        .unwrap()
        .execute("UPDATE api_token SET expires_at = '2000-01-01T00:00:00Z'", &[])
        .await
        .unwrap();
    let (s, _) = call(&app, Method::GET, "/api/v1/properties/", Some(&token_b), None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lease_lifecycle_endpoints_follow_the_core_state_machine() {
    let db = TestDb::new("lease", 400).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let p0 = db.properties[0];

    // convert-mtm: 200 with the spec's fields, then 400 with the core's message.
    let lease = some_lease(&app, &token, p0, "active").await;
    let id = lease["id"].as_str().unwrap().to_string();
    let (s, v) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tenants/leases/{id}/convert-mtm/"),
        Some(&token),
        Some(b"{}".to_vec()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["lease_status"], "month_to_month");
    assert_eq!(v["lease_status_changed_by"], format!("user:{MANAGER_A}"));
    assert!(v["holdover_start_date"].is_string());
    let (s, v) =
        call(&app, Method::POST, &format!("/api/v1/tenants/leases/{id}/convert-mtm/"), Some(&token), None).await;
    assert_eq!((s, v), (StatusCode::BAD_REQUEST, json!({"detail": "Lease is already month-to-month."})));

    // give-notice then mark-vacant; the history lists both, newest first.
    let notice =
        json!({"notice_date": "2026-06-10", "notice_move_out_date": "2026-07-15", "reason": "Relocating for work"});
    let (s, v) = call(
        &app,
        Method::POST,
        &format!("/api/v1/tenants/leases/{id}/give-notice/"),
        Some(&token),
        body(notice.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["lease_status"].as_str(), v["days_until_move_out"].as_i64()), (Some("notice"), Some(30)));
    let (s, v) =
        call(&app, Method::POST, &format!("/api/v1/tenants/leases/{id}/give-notice/"), Some(&token), body(notice))
            .await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Notice has already been given for this lease."))
    );
    let (s, v) =
        call(&app, Method::POST, &format!("/api/v1/tenants/leases/{id}/mark-vacant/"), Some(&token), None).await;
    assert_eq!((s, v["lease_status"].as_str()), (StatusCode::OK, Some("vacant")));
    let (s, v) =
        call(&app, Method::GET, &format!("/api/v1/tenants/leases/{id}/status-history/"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    let steps: Vec<(&str, &str)> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["previous_status"].as_str().unwrap(), l["new_status"].as_str().unwrap()))
        .collect();
    assert_eq!(steps[..3], [("notice", "vacant"), ("month_to_month", "notice"), ("active", "month_to_month")]);
    let (s, unit) =
        call(&app, Method::GET, &format!("/api/v1/units/{}/", lease["unit"].as_str().unwrap()), Some(&token), None)
            .await;
    assert_eq!((s, unit["status"].as_str()), (StatusCode::OK, Some("vacant")));

    // Filters, and stats that agree with the list.
    let (_, all) = call(&app, Method::GET, "/api/v1/tenants/leases/?page_size=1", Some(&token), None).await;
    let (s, stats) = call(&app, Method::GET, "/api/v1/tenants/leases/lifecycle-stats/", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(stats["total_leases"], all["count"]);
    let by_status: u64 =
        ["active", "month_to_month", "notice", "vacant"].iter().map(|k| stats[k].as_u64().unwrap()).sum();
    assert_eq!(by_status, stats["total_leases"].as_u64().unwrap());
    let (_, window) = call(
        &app,
        Method::GET,
        "/api/v1/tenants/leases/?lease_status=active&lease_end_date__gte=2026-06-15&lease_end_date__lte=2026-07-15",
        Some(&token),
        None,
    )
    .await;
    assert_eq!(window["count"], stats["expiring_30_days"]);
    for l in window["results"].as_array().unwrap() {
        let end = l["lease_end_date"].as_str().unwrap();
        assert!(("2026-06-15"..="2026-07-15").contains(&end) && l["lease_status"] == "active", "{l}");
    }
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_4xx_with_a_detail_never_a_5xx() {
    let db = TestDb::new("input", 400).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let lease = some_lease(&app, &token, db.properties[0], "active").await;
    let notice = format!("/api/v1/tenants/leases/{}/give-notice/", lease["id"].as_str().unwrap());
    type Case = (Method, String, Option<Vec<u8>>, StatusCode, &'static str);
    let cases: Vec<Case> = vec![
        (Method::POST, notice.clone(), Some(b"{not json".to_vec()), StatusCode::BAD_REQUEST, "Malformed JSON"),
        (
            Method::POST,
            notice.clone(),
            body(json!({"notice_date": 5, "notice_move_out_date": "2026-07-01"})),
            StatusCode::BAD_REQUEST,
            "Malformed JSON: invalid type",
        ),
        (Method::POST, notice.clone(), None, StatusCode::BAD_REQUEST, "Malformed JSON"),
        (
            Method::POST,
            notice.clone(),
            body(json!({"notice_date": "2026-13-01", "notice_move_out_date": "2026-07-01"})),
            StatusCode::BAD_REQUEST,
            // The CLI's words for the same input (`format::parse_date`).
            "Malformed JSON: invalid date '2026-13-01': expected YYYY-MM-DD, e.g. 2026-03-15",
        ),
        (
            Method::POST,
            notice.clone(),
            body(json!({"notice_date": "2026-07-01", "notice_move_out_date": "2026-07-01"})),
            StatusCode::BAD_REQUEST,
            "Notice date (2026-07-01) cannot be in the future",
        ),
        (
            Method::POST,
            notice.clone(),
            body(json!({"notice_date": "2026-05-01", "notice_move_out_date": "+10000-01-01"})),
            StatusCode::BAD_REQUEST,
            "Move-out date +10000-01-01 is outside the dates UnitCycle keeps",
        ),
        (
            Method::POST,
            notice.clone(),
            Some(vec![b' '; 2 * 1024 * 1024]),
            StatusCode::PAYLOAD_TOO_LARGE,
            "Request body is too large.",
        ),
        (
            Method::POST,
            format!("/api/v1/tenants/leases/{}/give-notice/", Uuid::new_v4()),
            body(json!({"notice_date": "2026-06-01", "notice_move_out_date": "2026-07-01"})),
            StatusCode::NOT_FOUND,
            "Lease not found.",
        ),
        (Method::GET, "/api/v1/tenants/leases/not-a-uuid/".into(), None, StatusCode::NOT_FOUND, "Lease not found."),
        (
            Method::GET,
            "/api/v1/tenants/leases/?lease_status=expired".into(),
            None,
            StatusCode::BAD_REQUEST,
            "lease_status: unknown lease status 'expired'",
        ),
        (
            Method::GET,
            "/api/v1/tenants/leases/?property=42".into(),
            None,
            StatusCode::BAD_REQUEST,
            "property: '42' is not a valid UUID.",
        ),
        (
            Method::GET,
            "/api/v1/tenants/leases/?lease_end_date__lte=soon".into(),
            None,
            StatusCode::BAD_REQUEST,
            "lease_end_date__lte: 'soon' is not a date",
        ),
        (
            Method::GET,
            "/api/v1/tenants/leases/?page=0".into(),
            None,
            StatusCode::BAD_REQUEST,
            "page: '0' must be a whole number",
        ),
        (Method::GET, "/api/v1/tenants/leases/?page=999".into(), None, StatusCode::NOT_FOUND, "Page not found."),
        (Method::GET, "/api/v1/units/?page_size=-1".into(), None, StatusCode::BAD_REQUEST, "page_size"),
        (Method::GET, "/api/v1/sync/changes?since=-5".into(), None, StatusCode::BAD_REQUEST, "since"),
        (
            Method::POST,
            "/api/v1/sync/push".into(),
            body(json!({"mutations": [{"client_id": "x"}]})),
            StatusCode::BAD_REQUEST,
            "Malformed JSON",
        ),
        (Method::GET, "/api/v1/nowhere".into(), None, StatusCode::NOT_FOUND, "Not found."),
    ];
    for (method, uri, b, status, detail) in cases {
        let (s, v) = call(&app, method.clone(), &uri, Some(&token), b).await;
        assert_eq!(s, status, "{method} {uri}: {v}");
        let text = v["detail"].as_str().unwrap_or_else(|| panic!("{uri}: no detail in {v}"));
        assert!(text.starts_with(detail), "{method} {uri}: {text}");
    }
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_at_page_size_page_size_plus_one_and_zero() {
    let db = TestDb::new("paging", 400).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let units = format!("/api/v1/units/?property={}", db.properties[0]);
    let (_, all) = call(&app, Method::GET, &format!("{units}&page_size=1000"), Some(&token), None).await;
    let n = all["count"].as_u64().unwrap();
    assert!(n > 2);
    assert_eq!(all["results"].as_array().unwrap().len() as u64, n);

    // Exactly one page: no next, no previous.
    let (_, p) = call(&app, Method::GET, &format!("{units}&page_size={n}"), Some(&token), None).await;
    assert_eq!(
        (p["results"].as_array().unwrap().len() as u64, &p["next"], &p["previous"]),
        (n, &Value::Null, &Value::Null)
    );
    // One more row than a page: a second page with exactly one row, linked both ways.
    let (_, p1) = call(&app, Method::GET, &format!("{units}&page_size={}", n - 1), Some(&token), None).await;
    let next = p1["next"].as_str().unwrap();
    // The request said `Host: api.test`, which is not this machine: links never echo it.
    assert!(next.starts_with("http://localhost/api/v1/units/?") && next.contains("page=2"), "{next}");
    let path = next.trim_start_matches("http://localhost");
    let (_, p2) = call(&app, Method::GET, path, Some(&token), None).await;
    assert_eq!(p2["results"].as_array().unwrap().len(), 1);
    assert_eq!(p2["next"], Value::Null);
    assert!(p2["previous"].as_str().unwrap().contains("page=1"));
    let ids: std::collections::HashSet<&str> = p1["results"]
        .as_array()
        .unwrap()
        .iter()
        .chain(p2["results"].as_array().unwrap())
        .map(|u| u["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len() as u64, n, "no row lost or repeated across pages");
    // Zero rows: an empty first page.
    let (s, p) = call(&app, Method::GET, &format!("{units}&status=nothing"), Some(&token), None).await;
    assert_eq!((s, p), (StatusCode::OK, json!({"count": 0, "next": null, "previous": null, "results": []})));

    // The change feed pages the same way: exactly the remaining rows, one fewer, none.
    let mut seqs: Vec<i64> = Vec::new();
    let mut all: Vec<Value> = Vec::new();
    let mut since = 0;
    loop {
        let (_, page) =
            call(&app, Method::GET, &format!("/api/v1/sync/changes?since={since}&limit=5000"), Some(&token), None)
                .await;
        for c in page["changes"].as_array().unwrap() {
            seqs.push(c["seq"].as_i64().unwrap());
            all.push(c.clone());
        }
        since = page["next_since"].as_i64().unwrap();
        if !page["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "sequences only increase");
    let last = *seqs.last().unwrap();
    assert_eq!(since, last);
    let k = 10;
    let from = seqs[seqs.len() - k - 1];
    let feed = |since: i64, limit: usize| format!("/api/v1/sync/changes?since={since}&limit={limit}");
    let (_, exact) = call(&app, Method::GET, &feed(from, k), Some(&token), None).await;
    assert_eq!((exact["changes"].as_array().unwrap().len(), exact["has_more"].as_bool()), (k, Some(false)));
    assert_eq!(exact["next_since"].as_i64(), Some(last));
    let (_, short) = call(&app, Method::GET, &feed(from, k - 1), Some(&token), None).await;
    assert_eq!((short["changes"].as_array().unwrap().len(), short["has_more"].as_bool()), (k - 1, Some(true)));
    let (_, rest) = call(&app, Method::GET, &feed(short["next_since"].as_i64().unwrap(), k), Some(&token), None).await;
    assert_eq!((rest["changes"].as_array().unwrap().len(), rest["has_more"].as_bool()), (1, Some(false)));
    let (_, none) = call(&app, Method::GET, &format!("/api/v1/sync/changes?since={last}"), Some(&token), None).await;
    assert_eq!(none, json!({"changes": [], "next_since": last, "has_more": false}));
    // Only the caller's properties (and shared vendors) are in the feed.
    for c in &all {
        let row = &c["row"];
        if let Some(p) = row.get("property_id").and_then(Value::as_str) {
            assert_eq!(p, db.properties[0].to_string(), "{c}");
        }
    }
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blobs_are_content_addressed_and_the_openapi_document_lists_the_routes() {
    let db = TestDb::new("blobs", 400).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let data = b"\x89PNG not really a photo".to_vec();
    let key = hex::encode(Sha256::digest(&data));
    let (s, v) = call(&app, Method::PUT, &format!("/api/v1/blobs/{key}"), Some(&token), Some(b"other".to_vec())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("not the"), "{v}");
    let (s, v) = call(&app, Method::PUT, &format!("/api/v1/blobs/{key}"), Some(&token), Some(data.clone())).await;
    assert_eq!((s, v["created"].as_bool()), (StatusCode::CREATED, Some(true)));
    let (s, v) = call(&app, Method::PUT, &format!("/api/v1/blobs/{key}"), Some(&token), Some(data.clone())).await;
    assert_eq!((s, v["created"].as_bool()), (StatusCode::OK, Some(false)));
    let (s, bytes) = call_raw(&app, Method::GET, &format!("/api/v1/blobs/{key}"), Some(&token), None).await;
    assert_eq!((s, bytes), (StatusCode::OK, data));
    let resp = tower::ServiceExt::oneshot(
        app.clone(),
        axum::http::Request::get(format!("/api/v1/blobs/{key}"))
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await
    .unwrap();
    // Stored without a photo or PDF type: served only as a download, never sniffed.
    assert_eq!(resp.headers()["content-type"], "application/octet-stream");
    assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
    assert_eq!(resp.headers()["content-disposition"], "attachment");
    // Once a letter in a property the caller is not granted points at it, it is not theirs to read.
    let client = db.pool.get().await.unwrap();
    let other_lease: uuid::Uuid = client
        .query_one("SELECT id FROM tenant_lease WHERE property_id <> $1 LIMIT 1", &[&db.properties[0]])
        .await
        .unwrap()
        .get(0);
    client
        .execute(
            "INSERT INTO outbox_message (id, idempotency_key, channel, recipient, body, attachment_sha256,
                 related_type, related_id, scheduled_for, next_attempt_at, created_at)
             VALUES ($1, 'k-blob', 'email', 'x@example.com', 'b', $2, 'tenant_lease', $3, now(), now(), now())",
            &[&uuid::Uuid::new_v4(), &key, &other_lease],
        )
        .await
        .unwrap();
    let (s, _) = call(&app, Method::GET, &format!("/api/v1/blobs/{key}"), Some(&token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&app, Method::GET, &format!("/api/v1/blobs/{}", "0".repeat(64)), Some(&token), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = call(&app, Method::GET, "/api/v1/blobs/xyz", Some(&token), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = call(&app, Method::GET, &format!("/api/v1/blobs/{key}"), None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let (s, doc) = call(&app, Method::GET, "/api/v1/openapi.json", None, None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc, unitcycle_sync::openapi::document());
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            // Every documented route is served: without a token it is 401 when the document
            // asks for one, and something else (but never 404 or 405) when it does not.
            let uri = path
                .replace("{id}", &Uuid::nil().to_string())
                .replace("{itemId}", &Uuid::nil().to_string())
                .replace("{sha256}", &"0".repeat(64));
            let m = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let (s, body) = call_raw(&app, m, &uri, None, None).await;
            // A public link's unknown token is the one 404 that is an answer, not a missing route.
            let unknown_link = path.contains("{token}") && String::from_utf8_lossy(&body).contains("Signing link");
            assert!(s != StatusCode::NOT_FOUND || unknown_link, "{method} {path}");
            assert_ne!(s, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
            let public = op["security"] == json!([]);
            assert_eq!(s == StatusCode::UNAUTHORIZED, !public, "{method} {path}: {s}");
            checked += 1;
        }
    }
    assert!(checked > 50, "{checked}");
    // A route that is not documented is not served.
    let (s, v) = call(&app, Method::GET, "/api/v1/not-a-route/", Some(&token), None).await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::NOT_FOUND, Some("Not found.")));
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_daily_classification_runs_once_across_processes() {
    let db = TestDb::new("sched", 400).await;
    let client = db.pool.get().await.unwrap();
    let due: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM tenant_lease WHERE (lease_status = 'active' AND lease_end_date < $1)
             OR (lease_status = 'notice' AND notice_move_out_date < $1 AND actual_move_out_date IS NULL)",
            &[&today()],
        )
        .await
        .unwrap()
        .get(0);
    // Two "servers" race for the same day: one runs, the other skips.
    let (a, b) = tokio::join!(
        scheduler::scheduled_classification(&db.pool, today(), now()),
        scheduler::scheduled_classification(&db.pool, today(), now())
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    let ran: Vec<_> = outcomes.iter().flatten().collect();
    assert_eq!(ran.len(), 1, "{outcomes:?}");
    let to_month_to_month = ran[0].counts["to_month_to_month"].as_i64().unwrap();
    let to_vacant = ran[0].counts["to_vacant"].as_i64().unwrap();
    assert_eq!(to_month_to_month + to_vacant, due);
    assert_eq!(ran[0].summary, format!("Transitioned {to_month_to_month} to MTM, {to_vacant} to vacant."));
    // A later tick the same day changes nothing; the run is recorded once.
    assert_eq!(scheduler::scheduled_classification(&db.pool, today(), now()).await.unwrap(), None);
    let runs: i64 =
        client.query_one("SELECT COUNT(*) FROM job_run WHERE outcome = 'succeeded'", &[]).await.unwrap().get(0);
    assert_eq!(runs, 1);
    let logged: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM lease_status_log WHERE changed_by = 'system:daily_classify' AND created_at = $1",
            &[&now()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(logged, due);
    drop(client);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_lease_on_a_vacant_unit_goes_active_and_reaches_the_replicas() {
    let db = TestDb::new("newlease", 400).await;
    let app = db.router();
    let url = db.serve().await;
    let token = db.token(MANAGER_A).await;
    let client = db.pool.get().await.unwrap();
    // A unit of A's property whose every lease is vacant, and one of A's tenants.
    let row = client
        .query_one(
            "SELECT l.unit_id, (SELECT t.tenant_id FROM tenant_lease t WHERE t.property_id = $1 LIMIT 1)
             FROM tenant_lease l WHERE l.property_id = $1 GROUP BY l.unit_id
             HAVING bool_and(l.lease_status = 'vacant') LIMIT 1",
            &[&db.properties[0]],
        )
        .await
        .unwrap();
    let unit: Uuid = row.get(0);
    // A new tenant first: checked where it is made, one per email.
    let ann = json!({"first_name": "Ann", "last_name": "Lee", "email": "Ann.Lee@Example.com", "phone": "555-0100"});
    let (s, v) = call(&app, Method::POST, "/api/v1/tenants/", Some(&token), body(ann.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!(v["email"], "ann.lee@example.com");
    let tenant = Uuid::parse_str(v["id"].as_str().unwrap()).unwrap();
    let (s, v) = call(&app, Method::POST, "/api/v1/tenants/", Some(&token), body(ann)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("already on record"), "{v}");
    let bad = json!({"first_name": "Bo", "last_name": "Ng", "email": "not-an-email"});
    let (s, v) = call(&app, Method::POST, "/api/v1/tenants/", Some(&token), body(bad)).await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("email 'not-an-email' is not an email address."))
    );
    let body = |rent: &str| {
        json!({"unit": unit, "tenant": tenant, "lease_begin_date": "2026-07-01", "lease_end_date": "2027-06-30",
               "monthly_rent_amount": rent, "security_deposit": "1500.00"})
    };
    let (s, v) = call(
        &app,
        Method::POST,
        "/api/v1/tenants/leases/",
        Some(&token),
        Some(serde_json::to_vec(&body("0")).unwrap()),
    )
    .await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("monthly_rent_amount must be greater than zero."))
    );
    let (s, v) = call(
        &app,
        Method::POST,
        "/api/v1/tenants/leases/",
        Some(&token),
        Some(serde_json::to_vec(&body("1725.00")).unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    assert_eq!((v["lease_status"].as_str(), v["monthly_rent_amount"].as_str()), (Some("active"), Some("1725.00")));
    let id = v["id"].as_str().unwrap().to_string();
    let (_, log) =
        call(&app, Method::GET, &format!("/api/v1/tenants/leases/{id}/status-history/"), Some(&token), None).await;
    assert_eq!((log[0]["previous_status"].as_str(), log[0]["new_status"].as_str()), (Some("vacant"), Some("active")));
    // The unit is held now; and another manager cannot lease A's unit at all.
    let (s, _) = call(
        &app,
        Method::POST,
        "/api/v1/tenants/leases/",
        Some(&token),
        Some(serde_json::to_vec(&body("1725.00")).unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let b = db.token(MANAGER_B).await;
    let (s, _) = call(
        &app,
        Method::POST,
        "/api/v1/tenants/leases/",
        Some(&b),
        Some(serde_json::to_vec(&body("1725.00")).unwrap()),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A replica pulls the lease, its log row and the occupied unit.
    let (store, _) = replica(&url, &token).await;
    let lease = store.lease(Uuid::parse_str(&id).unwrap()).unwrap();
    assert_eq!(lease.lease_status, unitcycle_core::model::LeaseStatus::Active);
    assert_eq!(store.status_log(lease.id).unwrap().len(), 1);
    drop(client);
    db.finish().await;
}
