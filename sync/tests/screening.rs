//! Tenant screening (spec 4.2) on the server: an application submitted, listed without its date
//! of birth or SSN, scored by the spec's rules (every factor named) and approved; another denied
//! with a reason, its adverse action notice queued to the applicant; documents attached; bad
//! input answered 400, another manager's application 404; the public intake form answers with
//! the id and status only and is rate limited per client address.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

const BOUNDARY: &str = "uc-screening-boundary-7f3a";
const SSN: &str = "6789";
const DOB: &str = "1990-04-12";

async fn send(app: &Router, uri: &str, token: Option<&str>, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::HOST, "api.test")
        .header(header::CONTENT_TYPE, content_type);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let resp = app.clone().oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn multipart(kind: &str, file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\n{kind}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(bytes);
    out.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    out
}

/// An application for `unit` earning `income` a month, employed since 2019 (no deduction),
/// with a previous landlord of two years (no deduction).
fn application(unit: &str, first: &str, email: &str, income: Decimal) -> Value {
    json!({
        "unit_id": unit,
        "first_name": first,
        "last_name": "Applicant",
        "email": email,
        "phone": "555-0100",
        "date_of_birth": DOB,
        "ssn_last_four": SSN,
        "employer_name": "Acme Logistics",
        "job_title": "Dispatcher",
        "monthly_income": income.to_string(),
        "employment_start_date": "2019-03-01",
        "income_verification_type": "pay_stubs",
        "previous_address": "12 Elm St",
        "previous_landlord_name": "Pat Landlord",
        "previous_landlord_phone": "555-0199",
        "previous_lease_duration_months": 24,
        "num_occupants": 2
    })
}

/// Manager A's unit with the highest market rent, and that rent.
async fn unit_of(db: &TestDb, property: Uuid) -> (String, Decimal) {
    let client = db.pool.get().await.unwrap();
    let row = client
        .query_one(
            "SELECT id, market_rent::text FROM units_unit WHERE property_id = $1 AND archived_at IS NULL
             AND market_rent > 0 ORDER BY market_rent DESC, id LIMIT 1",
            &[&property],
        )
        .await
        .unwrap();
    (row.get::<_, Uuid>(0).to_string(), row.get::<_, String>(1).parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn applications_are_submitted_listed_scored_approved_and_denied() {
    let db = TestDb::new("screening", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let token_b = db.token(MANAGER_B).await;
    let reader = db.token(READER).await;
    let call_as = |t: String, m: Method, path: String, v: Option<Value>| {
        let app = app.clone();
        async move { call(&app, m, &path, Some(&t), v.and_then(body)).await }
    };
    let a = |m: Method, path: String, v: Option<Value>| call_as(token.clone(), m, path, v);
    let (unit, rent) = unit_of(&db, db.properties[0]).await;
    // Half again the rent: the ratio is below 2x.
    let income = (rent * Decimal::new(15, 1)).round_dp(2);

    // Submit: 201 with the detail, the date of birth and SSN redacted.
    let (s, first) = a(
        Method::POST,
        "/api/v1/screening/applications/".into(),
        Some(application(&unit, "Ann", "ann@example.com", income)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let id = first["id"].as_str().unwrap().to_string();
    assert_eq!(first["status"], "submitted");
    assert_eq!(first["property_id"].as_str(), Some(db.properties[0].to_string().as_str()));
    assert_eq!((first["ssn_last_four"].as_str(), first["date_of_birth"].as_str()), (Some("****"), Some("on file")));
    assert!(!first.to_string().contains(SSN) && !first.to_string().contains(DOB), "{first}");

    // The list: no date of birth or SSN key, and neither value.
    let (s, list) = a(Method::GET, "/api/v1/screening/applications/".into(), None).await;
    assert_eq!((s, list["count"].as_u64()), (StatusCode::OK, Some(1)), "{list}");
    let row = &list["results"][0];
    assert_eq!(row["id"].as_str(), Some(id.as_str()));
    assert!(row.get("date_of_birth").is_none() && row.get("ssn_last_four").is_none(), "{row}");
    let text = list.to_string();
    assert!(!text.contains(SSN) && !text.contains(DOB) && !text.contains("ssn"), "{text}");
    // Filters.
    for (q, n) in [
        ("status=submitted".to_string(), 1),
        ("status=denied".into(), 0),
        (format!("unit={unit}"), 1),
        (format!("property={}", db.properties[0]), 1),
        (format!("property={}", db.properties[1]), 0),
    ] {
        let (s, l) = a(Method::GET, format!("/api/v1/screening/applications/?{q}"), None).await;
        assert_eq!((s, l["count"].as_u64()), (StatusCode::OK, Some(n)), "{q}: {l}");
    }
    for q in ["status=spicy", "property=nope", "unit=12", "page=0"] {
        let (s, l) = a(Method::GET, format!("/api/v1/screening/applications/?{q}"), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{q}: {l}");
    }

    // The detail.
    let (s, d) = a(Method::GET, format!("/api/v1/screening/applications/{id}/"), None).await;
    assert_eq!((s, d["email"].as_str()), (StatusCode::OK, Some("ann@example.com")), "{d}");
    assert_eq!(d["ssn_last_four"], "****");
    assert!(!d.to_string().contains(SSN) && !d.to_string().contains(DOB), "{d}");

    // Score: 100 - 35 for the income ratio below 2x; employment and rental history deduct nothing.
    let (s, scored) = a(Method::POST, format!("/api/v1/screening/applications/{id}/score/"), None).await;
    assert_eq!(s, StatusCode::OK, "{scored}");
    let ratio = (income / rent).to_string().parse::<f64>().unwrap();
    let score = &scored["score"];
    assert_eq!(score["score"], 65, "{score}");
    assert_eq!(score["recommendation"], "conditional_approve");
    assert_eq!(score["income_score"], 20.0);
    assert_eq!(
        (score["employment_score"].as_f64(), score["rental_history_score"].as_f64()),
        (Some(100.0), Some(100.0))
    );
    assert_eq!(
        score["risk_factors"],
        json!([{"factor": format!("Income ratio below 2x ({ratio:.1}x)"), "severity": "high", "score_impact": -35}])
    );
    assert_eq!(crate_money(&score["unit_rent"]), rent);
    assert_eq!(scored["application"]["status"], "scored");
    assert_eq!(scored["application"]["ai_score"], 65.0);
    assert_eq!(scored["application"]["ai_risk_factors"], score["risk_factors"]);
    assert_eq!(scored["application"]["ssn_last_four"], "****");
    assert!(scored["notice_url"].is_null());

    // Manager B sees none of it; a reader may not decide.
    for (m, path) in [
        (Method::GET, format!("/api/v1/screening/applications/{id}/")),
        (Method::POST, format!("/api/v1/screening/applications/{id}/score/")),
        (Method::POST, format!("/api/v1/screening/applications/{id}/approve/")),
        (Method::POST, format!("/api/v1/screening/applications/{id}/deny/")),
        (Method::GET, "/api/v1/screening/applications/not-an-id/".to_string()),
    ] {
        let v = (m == Method::POST && path.ends_with("deny/")).then(|| json!({"reason": "no"}));
        let (s, e) = call_as(token_b.clone(), m.clone(), path.clone(), v).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{m} {path}: {e}");
    }
    let (s, lb) = call_as(token_b.clone(), Method::GET, "/api/v1/screening/applications/".into(), None).await;
    assert_eq!((s, lb["count"].as_u64()), (StatusCode::OK, Some(0)), "{lb}");
    let (s, _) = call_as(
        token_b.clone(),
        Method::POST,
        "/api/v1/screening/applications/".into(),
        Some(application(&unit, "Bo", "bo@example.com", income)),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "B's submission for A's unit");
    let (s, _) =
        call_as(reader.clone(), Method::POST, format!("/api/v1/screening/applications/{id}/approve/"), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    // Approve (unconditionally, by choice): the actor is the manager.
    let (s, ok) = a(
        Method::POST,
        format!("/api/v1/screening/applications/{id}/approve/"),
        Some(json!({"notes": "Guarantor on file", "conditional": false})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{ok}");
    assert_eq!(ok["application"]["status"], "approved");
    assert_eq!(ok["application"]["reviewed_by"], MANAGER_A);
    assert_eq!(ok["application"]["decision_notes"], "Guarantor on file");
    // Decided once.
    let (s, e) =
        a(Method::POST, format!("/api/v1/screening/applications/{id}/deny/"), Some(json!({"reason": "late"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("approved already"), "{e}");

    // A second application: denied without a reason is a 400; with one, the notice is queued.
    let (s, second) = a(
        Method::POST,
        "/api/v1/screening/applications/".into(),
        Some(application(&unit, "Cy", "cy@example.com", income)),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{second}");
    let id2 = second["id"].as_str().unwrap().to_string();
    for v in [None, Some(json!({})), Some(json!({"reason": "   "}))] {
        let (s, e) = a(Method::POST, format!("/api/v1/screening/applications/{id2}/deny/"), v.clone()).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v:?}: {e}");
        assert!(e["detail"].as_str().unwrap().contains("reason"), "{e}");
    }
    let (s, denied) = a(
        Method::POST,
        format!("/api/v1/screening/applications/{id2}/deny/"),
        Some(json!({"decision_notes": "Income below the required ratio"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{denied}");
    assert_eq!(denied["application"]["status"], "denied");
    assert_eq!(denied["application"]["decision_notes"], "Income below the required ratio");
    let notice = denied["notice_url"].as_str().unwrap();
    assert!(notice.starts_with("blob:"), "{denied}");
    let docs = denied["application"]["documents"].as_array().unwrap();
    assert!(docs.iter().any(|d| d["type"] == "adverse_action_notice" && d["url"] == notice), "{docs:?}");
    let client = db.pool.get().await.unwrap();
    let id2_uuid = Uuid::parse_str(&id2).unwrap();
    let rows = client
        .query(
            "SELECT recipient, related_type, attachment_sha256 FROM outbox_message WHERE related_id = $1",
            &[&id2_uuid],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, String>(0), "cy@example.com");
    assert_eq!(rows[0].get::<_, String>(1), "screening_application");
    assert_eq!(Some(rows[0].get::<_, Option<String>>(2).unwrap().as_str()), notice.strip_prefix("blob:"));
    let (_, l) = a(Method::GET, "/api/v1/screening/applications/?status=denied".into(), None).await;
    assert_eq!(l["count"].as_u64(), Some(1), "{l}");

    db.finish().await;
}

fn crate_money(v: &Value) -> Decimal {
    v.as_str().map_or_else(|| v.to_string(), str::to_string).parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_a_400_with_the_reason() {
    let db = TestDb::new("screeningbad", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let (unit, _) = unit_of(&db, db.properties[0]).await;
    let post = |v: Vec<u8>| {
        let (app, token) = (app.clone(), token.clone());
        async move { call(&app, Method::POST, "/api/v1/screening/applications/", Some(&token), Some(v)).await }
    };
    let good = application(&unit, "Di", "di@example.com", Decimal::from(5000));
    let with = |k: &str, v: Value| {
        let mut a = good.clone();
        a[k] = v;
        serde_json::to_vec(&a).unwrap()
    };
    for (what, b, says) in [
        ("not JSON", b"{nope".to_vec(), "Malformed JSON"),
        ("no body", Vec::new(), "Malformed JSON"),
        ("a bad date", with("employment_start_date", json!("2020-13-45")), "Malformed JSON"),
        ("a bad DOB", with("date_of_birth", json!("yesterday")), "Malformed JSON"),
        ("a bad unit id", with("unit_id", json!("12")), "Malformed JSON"),
        ("a negative income", with("monthly_income", json!("-5")), "cannot be negative"),
        ("an income as words", with("monthly_income", json!("lots")), "Malformed JSON"),
        ("employment in the future", with("employment_start_date", json!("2027-01-01")), "after today"),
        ("a minor", with("date_of_birth", json!("2015-01-01")), "at least 18"),
        ("a DOB in the future", with("date_of_birth", json!("2030-01-01")), "not in the past"),
        ("an SSN of letters", with("ssn_last_four", json!("12a4")), "four digits"),
        ("an email", with("email", json!("not-an-email")), "not an email"),
        ("no name", with("first_name", json!("  ")), "First name"),
        ("no occupants", with("num_occupants", json!(0)), "household size"),
        ("a verification", with("income_verification_type", json!("vibes")), "Income verification"),
    ] {
        let (s, e) = post(b).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{what}: {e}");
        assert!(e["detail"].as_str().unwrap().contains(says), "{what}: {e}");
    }
    let (s, e) = post(with("unit_id", json!(Uuid::new_v4()))).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "an unknown unit: {e}");
    let (s, list) = call(&app, Method::GET, "/api/v1/screening/applications/", Some(&token), None).await;
    assert_eq!((s, list["count"].as_u64()), (StatusCode::OK, Some(0)), "nothing stored: {list}");
    let (s, _) = call(&app, Method::GET, "/api/v1/screening/applications/", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_attached_as_blobs() {
    let db = TestDb::new("screeningdocs", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let token_b = db.token(MANAGER_B).await;
    let (unit, _) = unit_of(&db, db.properties[0]).await;
    let (s, created) = call(
        &app,
        Method::POST,
        "/api/v1/screening/applications/",
        Some(&token),
        body(application(&unit, "Ed", "ed@example.com", Decimal::from(9000))),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let uri = format!("/api/v1/screening/applications/{id}/upload-document/");
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n".to_vec();

    let (s, d) = send(&app, &uri, Some(&token), &ct, multipart("pay_stub", "stub-may.pdf", &pdf)).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let docs = d["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 1, "{d}");
    assert_eq!((docs[0]["type"].as_str(), docs[0]["name"].as_str()), (Some("pay_stub"), Some("stub-may.pdf")));
    let hash = docs[0]["url"].as_str().unwrap().strip_prefix("blob:").unwrap().to_string();
    let client = db.pool.get().await.unwrap();
    let stored = client.query_one("SELECT content_type, data FROM blob WHERE sha256 = $1", &[&hash]).await.unwrap();
    assert_eq!((stored.get::<_, String>(0), stored.get::<_, Vec<u8>>(1)), ("application/pdf".to_string(), pdf.clone()));
    assert_eq!(d["ssn_last_four"], "****");

    // A PNG as the raw body with ?type=.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let (s, d) = send(&app, &format!("{uri}?type=photo_id"), Some(&token), "image/png", png).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    let (_, d) = call(&app, Method::GET, &format!("/api/v1/screening/applications/{id}/"), Some(&token), None).await;
    let kinds: Vec<&str> = d["documents"].as_array().unwrap().iter().map(|d| d["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["pay_stub", "photo_id"], "{d}");
    // A JPEG without a type is "other".
    let (s, d) = send(&app, &uri, Some(&token), &ct, multipart("", "id.jpg", b"\xFF\xD8\xFF\xE0 jfif")).await;
    assert_eq!((s, d["documents"][2]["type"].as_str()), (StatusCode::OK, Some("other")), "{d}");

    let blobs_before: i64 = client.query_one("SELECT COUNT(*) FROM blob", &[]).await.unwrap().get(0);
    for (what, ct, b, status) in [
        ("text", ct.clone(), multipart("pay_stub", "notes.txt", b"hello"), StatusCode::BAD_REQUEST),
        ("an unknown type", ct.clone(), multipart("selfie", "a.pdf", &pdf), StatusCode::BAD_REQUEST),
        (
            "no file",
            ct.clone(),
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"type\"\r\n\r\nother\r\n--{BOUNDARY}--\r\n")
                .into_bytes(),
            StatusCode::BAD_REQUEST,
        ),
        ("an empty body", "application/pdf".to_string(), Vec::new(), StatusCode::BAD_REQUEST),
        (
            "21 MB",
            "application/pdf".to_string(),
            [b"%PDF-1.4\n".to_vec(), vec![b' '; 21 << 20]].concat(),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (
            "21 MB in a form",
            ct.clone(),
            multipart("other", "big.pdf", &[b"%PDF-1.4\n".to_vec(), vec![b' '; 21 << 20]].concat()),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
    ] {
        let (s, e) = send(&app, &uri, Some(&token), &ct, b).await;
        assert_eq!(s, status, "{what}: {e}");
        assert!(e["detail"].is_string(), "{what}: {e}");
    }
    // Another manager's application: 404, nothing stored.
    let (s, e) = send(&app, &uri, Some(&token_b), &ct, multipart("pay_stub", "x.pdf", b"%PDF-1.4 other")).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    let blobs_after: i64 = client.query_one("SELECT COUNT(*) FROM blob", &[]).await.unwrap().get(0);
    assert_eq!(blobs_before, blobs_after);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_form_answers_only_the_id_and_is_rate_limited() {
    let db = TestDb::new("screeningpublic", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let (unit, _) = unit_of(&db, db.properties[0]).await;
    let public = |v: Vec<u8>| {
        let app = app.clone();
        async move { send(&app, "/api/v1/screening/apply/", None, "application/json", v).await }
    };
    let good = |n: usize| {
        serde_json::to_vec(&application(&unit, "Flo", &format!("flo{n}@example.com"), Decimal::from(7000))).unwrap()
    };

    // An unknown unit and bad input are refused (and counted).
    let mut unknown = application(&unit, "Flo", "flo@example.com", Decimal::from(7000));
    unknown["unit_id"] = json!(Uuid::new_v4());
    let (s, e) = public(serde_json::to_vec(&unknown).unwrap()).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{e}");
    let (s, e) = public(b"{\"unit_id\": 3".to_vec()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let mut ids = Vec::new();
    for n in 0..8 {
        let (s, r) = public(good(n)).await;
        assert_eq!(s, StatusCode::CREATED, "{n}: {r}");
        let keys: Vec<&String> = r.as_object().unwrap().keys().collect();
        assert_eq!(keys, ["id", "status"], "{r}");
        assert_eq!(r["status"], "submitted");
        ids.push(r["id"].as_str().unwrap().to_string());
    }
    let (s, e) = public(good(99)).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("try again"), "{e}");

    // The manager sees them, for the unit's property.
    let (s, list) = call(&app, Method::GET, "/api/v1/screening/applications/?page_size=100", Some(&token), None).await;
    assert_eq!((s, list["count"].as_u64()), (StatusCode::OK, Some(8)), "{list}");
    let (_, d) =
        call(&app, Method::GET, &format!("/api/v1/screening/applications/{}/", ids[0]), Some(&token), None).await;
    assert_eq!(
        (d["status"].as_str(), d["property_id"].as_str()),
        (Some("submitted"), Some(db.properties[0].to_string().as_str()))
    );
    // The limit is per address and lifts after the window.
    let limit = unitcycle_sync::screening::api::IntakeLimit::default();
    for _ in 0..unitcycle_sync::screening::api::INTAKE_PER_WINDOW {
        assert!(limit.take("10.0.0.1", now()).is_ok());
    }
    assert_eq!(limit.take("10.0.0.1", now()), Err(now() + unitcycle_sync::screening::api::INTAKE_WINDOW));
    assert!(limit.take("10.0.0.2", now()).is_ok());
    assert!(limit.take("10.0.0.1", now() + chrono::Duration::minutes(61)).is_ok());
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replicas_pushed_screening_actions_are_applied_once_as_the_pushing_user() {
    let db = TestDb::new("screeningpush", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let (unit, _) = unit_of(&db, db.properties[0]).await;
    let id = Uuid::new_v4();
    let push = |client_id: Uuid, action: Value| {
        let (app, token) = (app.clone(), token.clone());
        async move {
            let req = json!({"actions": [
                {"client_id": client_id, "entity": "screening_application", "entity_id": id, "action": action}
            ]});
            let (s, v) = call(&app, Method::POST, "/api/v1/sync/push", Some(&token), body(req)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v["results"][0].clone()
        }
    };
    let mut submit = application(&unit, "Gus", "gus@example.com", Decimal::from(8000));
    submit["action"] = json!("submit");
    let submit_id = Uuid::new_v4();
    let r = push(submit_id, submit.clone()).await;
    assert_eq!((r["outcome"].as_str(), r["duplicate"].as_bool()), (Some("applied"), Some(false)), "{r}");
    let r = push(submit_id, submit).await;
    assert_eq!((r["outcome"].as_str(), r["duplicate"].as_bool()), (Some("applied"), Some(true)), "{r}");
    let r = push(Uuid::new_v4(), json!({"action": "deny", "reason": "", "actor": "x"})).await;
    assert_eq!(r["outcome"], "rejected", "{r}");
    assert!(r["detail"].as_str().unwrap().contains("reason"), "{r}");
    let r = push(Uuid::new_v4(), json!({"action": "shred"})).await;
    assert_eq!(r["outcome"], "rejected", "{r}");
    let r =
        push(Uuid::new_v4(), json!({"action": "deny", "reason": "Unverifiable income", "actor": "someone else"})).await;
    assert_eq!(r["outcome"], "applied", "{r}");
    let (s, d) = call(&app, Method::GET, &format!("/api/v1/screening/applications/{id}/"), Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{d}");
    assert_eq!((d["status"].as_str(), d["reviewed_by"].as_str()), (Some("denied"), Some(MANAGER_A)), "{d}");
    let queued: i64 = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT COUNT(*) FROM outbox_message WHERE related_id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(queued, 1);
    db.finish().await;
}
