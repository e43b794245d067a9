//! Invoice extraction (spec 3.2) on the server: a PDF uploaded (multipart, or as the body) is
//! read, matched by its work order reference and queued; approved with a correction; matched by
//! hand; every bad upload answered 400/413 with nothing stored.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use unitcycle_core::document_ai::samples::{demo_invoice, invoice_pdf, Layout};

const BOUNDARY: &str = "uc-invoice-boundary-2b9c";

async fn post(app: &Router, uri: &str, token: &str, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(Method::POST)
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

fn multipart(file_name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
         Content-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    out.extend_from_slice(bytes);
    out.extend(format!("\r\n--{BOUNDARY}--\r\n").bytes());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invoice_pdf_is_uploaded_read_matched_reviewed_and_approved() {
    let db = TestDb::new("invoices", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let call = |m: Method, path: String, v: Option<Value>| {
        let (app, token) = (app.clone(), token.clone());
        async move { call(&app, m, &path, Some(&token), v.and_then(body)).await }
    };

    // A work order of manager A's, in progress with a vendor: the invoice will name it.
    let (_, scores) = call(Method::POST, "/api/v1/predictive-maintenance/risk-scores/compute/".into(), None).await;
    assert!(scores["units"].as_u64().unwrap() > 0, "{scores}");
    let (_, page) = call(Method::GET, "/api/v1/predictive-maintenance/risk-scores/?page_size=1".into(), None).await;
    let unit_id = page["results"][0]["unit_id"].as_str().unwrap().to_string();
    let (_, vendors) = call(Method::GET, "/api/v1/vendors/?page_size=100".into(), None).await;
    let vendor = vendors["results"].as_array().unwrap().iter().find(|v| v["is_active"] == true).unwrap().clone();
    let order = json!({"unit_id": unit_id, "title": "Kitchen faucet leaking", "category": "plumbing",
        "priority": "medium", "requested_date": today().to_string()});
    let (s, made) = call(Method::POST, "/api/v1/maintenance/work-orders/new/".into(), Some(order)).await;
    assert_eq!(s, StatusCode::OK, "{made}");
    let wo = made["work_order_id"].as_str().unwrap().to_string();
    let assign = json!({"vendor_id": vendor["id"]});
    let (s, r) = call(Method::POST, format!("/api/v1/maintenance/work-orders/{wo}/assign/"), Some(assign)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let (s, r) = call(Method::POST, format!("/api/v1/maintenance/work-orders/{wo}/start/"), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");

    let mut sample = demo_invoice(2);
    sample.vendor_name = vendor["name"].as_str().unwrap().to_string();
    sample.invoice_date = today();
    sample.due_date = None;
    sample.work_order_reference = Some(format!("WO-{}", &wo.replace('-', "")[..8]));
    let pdf = invoice_pdf(&sample, Layout::UsClassic);

    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    let (s, up) = post(&app, "/api/v1/invoices/upload/", &token, &ct, multipart("bill.pdf", &pdf)).await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    let id = up["invoice_id"].as_str().unwrap().to_string();
    assert_eq!(up["id"], up["invoice_id"]);
    assert_eq!(up["status"], "extracted");

    let (s, x) = call(Method::GET, format!("/api/v1/invoices/{id}/extraction/"), None).await;
    assert_eq!(s, StatusCode::OK, "{x}");
    assert_eq!(x["extracted_invoice_number"], sample.invoice_number.as_str());
    assert_eq!(
        x["extracted_total"].as_str().map(|t| t.parse::<f64>().unwrap()),
        Some(sample.total().try_into().unwrap())
    );
    assert_eq!(x["matched_work_order_id"].as_str(), Some(wo.as_str()), "{x}");
    assert_eq!(x["wo_match_confidence"], 0.95);
    assert_eq!(x["suggested_gl_code"], "6110");
    assert_eq!(x["provider"], "offline");
    for f in [
        "extracted_vendor_name",
        "extracted_date",
        "extracted_line_items",
        "gl_confidence",
        "price_validated",
        "price_anomaly_detected",
        "price_anomaly_details",
        "extraction_confidence",
        "extraction_model",
        "processing_time_ms",
        "raw_response",
        "created_at",
        "field_sources",
        "review_notes",
    ] {
        assert!(x.get(f).is_some(), "{f} in {x}");
    }
    assert_eq!(x["field_sources"]["total"]["location"]["page"], 1, "{x}");
    let (s, doc) = call_raw(&app, Method::GET, &format!("/api/v1/invoices/{id}/document/"), Some(&token), None).await;
    assert_eq!((s, doc.len()), (StatusCode::OK, pdf.len()));

    let (s, queue) = call(Method::GET, "/api/v1/invoices/processing-queue/?status=extracted".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{queue}");
    assert_eq!(queue["count"], 1);
    assert_eq!(queue["results"][0]["invoice_id"].as_str(), Some(id.as_str()));
    let (s, _) = call(Method::GET, "/api/v1/invoices/processing-queue/?status=spicy".into(), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Approve with a corrected due date; a total that is not money is refused first.
    let (s, bad) =
        call(Method::POST, format!("/api/v1/invoices/{id}/approve-extraction/"), Some(json!({"total": "lots"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    let fix = json!({"overrides": {"due_date": "2027-01-15"}});
    let (s, done) = call(Method::POST, format!("/api/v1/invoices/{id}/approve-extraction/"), Some(fix)).await;
    assert_eq!(s, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "approved");
    let (s, again) = call(Method::POST, format!("/api/v1/invoices/{id}/approve-extraction/"), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{again}");
    let (s, r) =
        call(Method::POST, format!("/api/v1/invoices/{id}/match-work-order/"), Some(json!({"work_order_id": wo})))
            .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "an approved invoice keeps its work order: {r}");

    // The PDF as the body; no reference this time, so it is matched by hand.
    sample.work_order_reference = None;
    sample.invoice_number = "INV-77".into();
    let (s, up) =
        post(&app, "/api/v1/invoices/upload/", &token, "application/pdf", invoice_pdf(&sample, Layout::IsoCompact))
            .await;
    assert_eq!(s, StatusCode::CREATED, "{up}");
    let second = up["invoice_id"].as_str().unwrap().to_string();
    let (s, m) =
        call(Method::POST, format!("/api/v1/invoices/{second}/match-work-order/"), Some(json!({"work_order_id": wo})))
            .await;
    assert_eq!(s, StatusCode::OK, "{m}");
    assert_eq!(
        (m["matched_work_order_id"].as_str(), m["wo_match_confidence"].as_f64()),
        (Some(wo.as_str()), Some(1.0))
    );
    let (s, _) = call(
        Method::POST,
        format!("/api/v1/invoices/{second}/match-work-order/"),
        Some(json!({"work_order_id": "nope"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Bad uploads: each a clear 400, nothing stored.
    let (s, e) = post(&app, "/api/v1/invoices/upload/", &token, &ct, multipart("notes.txt", b"hello")).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["detail"].as_str().unwrap().contains("not a PDF"), "{e}");
    let (s, e) = post(&app, "/api/v1/invoices/upload/", &token, "application/json", b"{}".to_vec()).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let truncated = pdf[..pdf.len() / 3].to_vec();
    let (s, e) = post(&app, "/api/v1/invoices/upload/", &token, "application/pdf", truncated).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, queue) = call(Method::GET, "/api/v1/invoices/processing-queue/".into(), None).await;
    assert_eq!((s, queue["count"].as_u64()), (StatusCode::OK, Some(2)));
    let (s, _) = call(Method::GET, "/api/v1/invoices/not-an-id/extraction/".into(), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    db.finish().await;
}
