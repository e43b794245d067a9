//! Lease abstraction (spec 4.3) on the server: a lease PDF uploaded for one of the manager's
//! leases is read into the schema's terms with flags and missing terms, corrected (PATCH), its
//! diff shown (dry run) and one confirmed term applied to the lease; bad input is a 400.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use tower::ServiceExt;
use unitcycle_core::document_ai::samples::{lease_pdf, SampleLease};

const BOUNDARY: &str = "uc-lease-boundary-5d1e";

/// Money as the API writes it (a decimal string, or a number).
fn money(v: &Value) -> Decimal {
    v.as_str().map_or_else(|| v.to_string(), str::to_string).parse().unwrap()
}

async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    token: &str,
    content_type: &str,
    body: Vec<u8>,
) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "api.test")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn multipart(lease_id: &str, pdf: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"lease_id\"\r\n\r\n{lease_id}\r\n\
         --{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"lease.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(pdf);
    out.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_pdf_is_abstracted_corrected_and_applied_to_its_lease() {
    let db = TestDb::new("abstractions", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let json_call = |m: Method, path: String, v: Option<Value>| {
        let (app, token) = (app.clone(), token.clone());
        async move { call(&app, m, &path, Some(&token), v.and_then(body)).await }
    };
    let (_, leases) = json_call(Method::GET, "/api/v1/tenants/leases/?page_size=1".into(), None).await;
    let lease = leases["results"][0].clone();
    let lease_id = lease["id"].as_str().unwrap().to_string();
    let rent = money(&lease["monthly_rent_amount"]);

    let mut sample = SampleLease::demo();
    sample.monthly_rent = rent + Decimal::from(40);
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    let (s, a) =
        send(&app, Method::POST, "/api/v1/abstractions/", &token, &ct, multipart(&lease_id, &lease_pdf(&sample))).await;
    assert_eq!(s, StatusCode::CREATED, "{a}");
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!(a["status"], "extracted");
    assert_eq!(a["lease_id"].as_str(), Some(lease_id.as_str()));
    for f in [
        "document_url",
        "document_name",
        "page_count",
        "extracted_terms",
        "non_standard_clauses",
        "missing_terms",
        "extraction_confidence",
        "model_used",
        "processing_time_ms",
        "reviewed_by",
        "reviewed_at",
        "applied_to_lease",
        "applied_at",
        "created_at",
        "updated_at",
    ] {
        assert!(a.get(f).is_some(), "{f} in {a}");
    }
    assert_eq!(a["extracted_terms"]["tenant_name"], "Maria Santos");
    assert!(a["extracted_terms"]["guarantor_name"].is_null());
    assert!(a["missing_terms"].as_array().unwrap().iter().any(|m| m == "governing_law_state"));

    let (s, list) = json_call(Method::GET, "/api/v1/abstractions/?status=extracted".into(), None).await;
    assert_eq!((s, list["count"].as_u64()), (StatusCode::OK, Some(1)), "{list}");
    let (s, _) = json_call(Method::GET, "/api/v1/abstractions/?status=spicy".into(), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, got) = json_call(Method::GET, format!("/api/v1/abstractions/{id}/"), None).await;
    assert_eq!((s, got["id"].as_str()), (StatusCode::OK, Some(id.as_str())));

    let patch = |v: Value| {
        let (app, token, id) = (app.clone(), token.clone(), id.clone());
        async move {
            send(
                &app,
                Method::PATCH,
                &format!("/api/v1/abstractions/{id}/terms/"),
                &token,
                "application/json",
                serde_json::to_vec(&v).unwrap(),
            )
            .await
        }
    };
    let (s, e) = patch(json!({"rent_due_day": "soon"})).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, r) = patch(json!({"extracted_terms": {"governing_law_state": "Texas"}})).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["status"].as_str(), r["extracted_terms"]["governing_law_state"].as_str()),
        (Some("reviewed"), Some("Texas"))
    );
    assert_eq!(r["reviewed_by"], format!("user:{MANAGER_A}"));

    let (s, dry) =
        json_call(Method::POST, format!("/api/v1/abstractions/{id}/apply/"), Some(json!({"dry_run": true}))).await;
    assert_eq!(s, StatusCode::OK, "{dry}");
    assert_eq!(dry["applied"], false);
    let rent_line = dry["diff"].as_array().unwrap().iter().find(|d| d["term"] == "monthly_rent").unwrap().clone();
    assert_eq!(rent_line["changes"], true, "{rent_line}");
    let (s, e) = json_call(
        Method::POST,
        format!("/api/v1/abstractions/{id}/apply/"),
        Some(json!({"fields": ["wifi_password"]})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, done) =
        json_call(Method::POST, format!("/api/v1/abstractions/{id}/apply/"), Some(json!({"fields": ["monthly_rent"]})))
            .await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(
        (done["applied"].as_bool(), done["abstraction"]["applied_to_lease"].as_bool()),
        (Some(true), Some(true))
    );
    let (_, after) = json_call(Method::GET, format!("/api/v1/tenants/leases/{lease_id}/"), None).await;
    assert_eq!(money(&after["monthly_rent_amount"]), rent + Decimal::from(40), "{after}");

    let (s, e) =
        send(&app, Method::POST, "/api/v1/abstractions/", &token, "application/pdf", b"not a pdf".to_vec()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, _) = json_call(Method::GET, "/api/v1/abstractions/nope/".into(), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    db.finish().await;
}
