//! Lease generation (spec 4.5) on the server: the jurisdiction rules for a state and the
//! compliance check of a lease's terms, each violation naming its statute; and a lease from
//! template to signatures over HTTP — generated, previewed, sent, read and signed on the public
//! page (consent, every page, a used or expired link refused), the signed PDF's hash on its
//! certificate, the unit Active, a renewal drafted, translation refused offline.

mod common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use axum::Router;
use common::*;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rules_of_a_state_and_a_lease_checked_against_them() {
    let db = TestDb::new("jurisdiction", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;

    let (s, rules) = call(&app, Method::GET, "/api/v1/jurisdiction-rules/?state=ny", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{rules}");
    let rules = rules.as_array().unwrap();
    assert!(rules.iter().any(|r| r["rule_type"] == "security_deposit_limit" && r["rule_details"]["max_months"] == 1));
    assert!(rules.iter().all(|r| r["statute_reference"].as_str().is_some_and(|s| !s.is_empty())));
    let (_, late) =
        call(&app, Method::GET, "/api/v1/jurisdiction-rules/?state=NY&rule_type=late_fee_limit", Some(&a), None).await;
    assert_eq!(late.as_array().unwrap().len(), 1);
    for bad in ["/api/v1/jurisdiction-rules/?state=New%20York", "/api/v1/jurisdiction-rules/?state=NY&rule_type=x"] {
        assert_eq!(call(&app, Method::GET, bad, Some(&a), None).await.0, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(
        call(&app, Method::GET, "/api/v1/jurisdiction-rules/?state=NY", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );

    let lease = |state: &str, deposit: &str, fee: &str| {
        json!({"state": state, "monthly_rent": "2000.00", "security_deposit": deposit, "late_fee": fee,
               "grace_days": 5, "units_in_structure": 12, "year_built": 1995,
               "disclosures": ["bed_bugs", "megans_law", "sprinkler"]})
    };
    let path = "/api/v1/jurisdiction-rules/check-compliance/";
    let (s, r) = call(&app, Method::POST, path, Some(&a), body(lease("CA", "3000.00", "0"))).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["compliant"], false);
    assert!(r["violations"][0]["statute_reference"].as_str().unwrap().contains("1950.5"), "{r}");
    let (_, r) = call(&app, Method::POST, path, Some(&a), body(lease("NY", "2000.00", "50.00"))).await;
    assert_eq!(r["compliant"], true, "{r}");
    let (_, r) = call(&app, Method::POST, path, Some(&a), body(lease("NV", "2000.00", "50.00"))).await;
    assert_eq!((r["compliant"].as_bool(), r["violations"][0]["severity"].as_str()), (Some(true), Some("warning")));
    assert!(r["violations"][0]["message"].as_str().unwrap().contains("No rules are recorded for NV"));
    let (s, _) = call(&app, Method::POST, path, Some(&a), body(lease("NY", "-1", "0"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = call(&app, Method::POST, path, Some(&a), body(json!({"state": "NY"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    let (s, all) = call(&app, Method::GET, "/api/v1/lease-clauses/", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(all.as_array().unwrap().len() >= 20);
    let (_, risky) = call(&app, Method::GET, "/api/v1/lease-clauses/?is_standard=false", Some(&a), None).await;
    assert!(risky.as_array().unwrap().iter().all(|c| c["is_standard"] == false && c["risk_score"].as_i64() > Some(70)));
    let (_, deposit) =
        call(&app, Method::GET, "/api/v1/lease-clauses/?category=security_deposit", Some(&a), None).await;
    assert_eq!(deposit.as_array().unwrap().len(), 2);
    let (_, ca) = call(&app, Method::GET, "/api/v1/lease-clauses/required/?state=CA", Some(&a), None).await;
    let titles: Vec<&str> = ca.as_array().unwrap().iter().map(|c| c["category"].as_str().unwrap()).collect();
    assert_eq!(titles, ["bed_bugs", "megans_law"]);
    let (s, _) = call(&app, Method::GET, "/api/v1/lease-clauses/?is_standard=maybe", Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    db.finish().await;
}

/// A public request (no login) with the headers a browser sends.
async fn browser(app: &Router, method: Method, uri: &str, accept: &str, body: Option<Value>) -> (StatusCode, Vec<u8>) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header(header::HOST, "api.test")
        .header(header::ACCEPT, accept)
        .header(header::USER_AGENT, "Mozilla/5.0 (test browser)")
        .header(header::CONTENT_TYPE, "application/json");
    let req = req.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).unwrap();
    let resp = app.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    (status, resp.into_body().collect().await.unwrap().to_bytes().to_vec())
}

fn token_of(link: &Value) -> String {
    link["url"].as_str().unwrap().trim_end_matches('/').rsplit('/').next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lease_from_template_to_both_signatures_turns_the_unit_active() {
    let db = TestDb::new("leasesign", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let client = db.pool.get().await.unwrap();
    let row = client
        .query_one(
            "SELECT u.id, p.state FROM units_unit u JOIN properties p ON p.id = u.property_id \
             WHERE u.property_id = $1 AND u.status = 'vacant' AND u.archived_at IS NULL ORDER BY u.unit_number LIMIT 1",
            &[&db.properties[0]],
        )
        .await
        .unwrap();
    let (unit, state): (Uuid, String) = (row.get(0), row.get(1));

    let (s, t) = call(
        &app,
        Method::POST,
        "/api/v1/lease-templates/",
        Some(&a),
        body(json!({"name": "Standard", "jurisdiction_state": state})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let (_, list) = call(&app, Method::GET, &format!("/api/v1/lease-templates/?state={state}"), Some(&a), None).await;
    assert_eq!(list.as_array().unwrap().len(), 1);

    let terms = json!({"tenant_name": "Dana Okafor", "tenant_email": "dana@example.com",
        "start_date": "2027-01-01", "end_date": "2027-12-31", "monthly_rent": "1800.00",
        "security_deposit": "1800.00", "late_fee": "50.00", "grace_days": 5,
        "variables": {"landlord_paid_utilities": "water", "floodplain_status": "is not",
                      "flood_damage_status": "is not", "sprinkler_status": "has",
                      "smoking_policy": "not permitted"}});
    let (s, lease) = call(
        &app,
        Method::POST,
        "/api/v1/generated-leases/",
        Some(&a),
        body(json!({"unit_id": unit, "template_id": t["id"], "lease_terms": terms,
                    "addenda": [{"addendum_type": "parking", "terms": {"space": "P-14", "monthly_fee": "75.00"}}]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{lease}");
    assert_eq!((lease["status"].as_str(), lease["sendable"].as_bool()), (Some("draft"), Some(true)), "{lease}");
    assert!(lease["ai_risk_assessment"]["overall_score"].is_number());
    let id = lease["id"].as_str().unwrap().to_string();
    let (s, html) =
        call_raw(&app, Method::GET, &format!("/api/v1/generated-leases/{id}/preview/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8_lossy(&html).contains("<h2>1. Parties</h2>"));
    let (s, _) =
        call(&app, Method::POST, &format!("/api/v1/generated-leases/{id}/risk-assessment/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = call(
        &app,
        Method::POST,
        &format!("/api/v1/generated-leases/{id}/translate/"),
        Some(&a),
        body(json!({"language": "Spanish"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(e.to_string().contains("No machine translation offline"), "{e}");

    let signers = json!({"signers": [
        {"signer_role": "tenant", "signer_name": "Dana Okafor", "signer_email": "dana@example.com"},
        {"signer_role": "property_manager", "signer_name": "Alex Manager", "signer_email": "a@example.com"}]});
    let (s, sent) = call(
        &app,
        Method::POST,
        &format!("/api/v1/generated-leases/{id}/send-for-signing/"),
        Some(&a),
        body(signers.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    let links = sent["signing_links"].as_array().unwrap();
    assert_eq!(links.len(), 2);
    let (tenant, manager) = (token_of(&links[0]), token_of(&links[1]));
    let (s, _) =
        call(&app, Method::POST, &format!("/api/v1/generated-leases/{id}/send-for-signing/"), Some(&a), body(signers))
            .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "sent once");
    let queued: i64 = client
        .query_one("SELECT COUNT(*) FROM outbox_message WHERE related_id = $1", &[&Uuid::parse_str(&id).unwrap()])
        .await
        .unwrap()
        .get(0);
    assert_eq!(queued, 2, "one link emailed per signer");

    // The public page: JSON for a program, the page for a browser; no login either way.
    let page = format!("/api/v1/lease-signatures/{tenant}/");
    let (s, req) = browser(&app, Method::GET, &page, "application/json", None).await;
    assert_eq!(s, StatusCode::OK);
    let req: Value = serde_json::from_slice(&req).unwrap();
    let pages = req["page_count"].as_i64().unwrap();
    assert!(pages >= 3, "{req}");
    let (s, html) = browser(&app, Method::GET, &page, "text/html", None).await;
    assert_eq!(s, StatusCode::OK);
    let html = String::from_utf8_lossy(&html);
    assert!(html.contains("id=\"sign-button\"") && html.contains("id=\"page-1\""), "{html}");

    let sign = |pages_viewed: Vec<i64>, consent: bool, name: &str| {
        json!({"signature_kind": "typed", "signature_data": name, "consent": consent,
               "pages_viewed": pages_viewed, "time_spent_seconds": 185})
    };
    let all: Vec<i64> = (1..=pages).collect();
    let at = |t: &str| format!("/api/v1/lease-signatures/{t}/sign/");
    let (s, e) =
        browser(&app, Method::POST, &at(&tenant), "application/json", Some(sign(vec![1], true, "Dana Okafor"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(String::from_utf8_lossy(&e).contains("not viewed yet"));
    let (s, _) =
        browser(&app, Method::POST, &at(&tenant), "application/json", Some(sign(all.clone(), false, "Dana Okafor")))
            .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "no consent");
    let (s, out) =
        browser(&app, Method::POST, &at(&tenant), "application/json", Some(sign(all.clone(), true, "Dana Okafor")))
            .await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&out));
    let out: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(out["lease_status"], "partially_signed");
    let (s, e) =
        browser(&app, Method::POST, &at(&tenant), "application/json", Some(sign(all.clone(), true, "Dana Okafor")))
            .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a used link");
    assert!(String::from_utf8_lossy(&e).contains("has been used"));
    // Fifteen days on, the manager's link has expired.
    let later = db.router_at(now() + chrono::Duration::days(15));
    let (s, e) = browser(&later, Method::GET, &format!("/api/v1/lease-signatures/{manager}/"), "text/html", None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let e = String::from_utf8_lossy(&e);
    assert!(e.contains("id=\"link-refused\"") && e.contains("expired"), "a page for a browser: {e}");
    let (s, e) =
        browser(&app, Method::GET, &format!("/api/v1/lease-signatures/{}/", Uuid::new_v4()), "text/html", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "{}", String::from_utf8_lossy(&e));

    let (s, out) =
        browser(&app, Method::POST, &at(&manager), "application/json", Some(sign(all, true, "Alex Manager"))).await;
    assert_eq!(s, StatusCode::OK, "{}", String::from_utf8_lossy(&out));
    let out: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(out["lease_status"], "fully_signed");
    assert!(out["tenant_lease_id"].is_string(), "{out}");

    // The signed lease is stored as hashed; the final PDF's certificate names that hash.
    let hash = out["signed_document_sha256"].as_str().unwrap().to_string();
    let (s, signed) = call_raw(&app, Method::GET, &format!("/api/v1/blobs/{hash}"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(unitcycle_core::lease_generation::document::sha256_hex(&signed), hash);
    let (s, pdf) =
        call_raw(&app, Method::GET, &format!("/api/v1/generated-leases/{id}/document/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    let texts = unitcycle_core::pdf::page_texts(&pdf).unwrap();
    let last = texts.last().unwrap();
    assert!(last.contains("Certificate of Completion") && last.contains(&hash), "{last}");

    let status: String =
        client.query_one("SELECT status FROM units_unit WHERE id = $1", &[&unit]).await.unwrap().get(0);
    assert_eq!(status, "occupied");
    let (_, detail) = call(&app, Method::GET, &format!("/api/v1/generated-leases/{id}/"), Some(&a), None).await;
    assert!(detail["signatures"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["status"] == "signed" && s["user_agent"] == "Mozilla/5.0 (test browser)"));
    assert!(detail["addenda"][0]["signed"].as_bool().unwrap());
    assert!(!detail.to_string().contains(&tenant), "no token in the detail");

    let (s, renewal) = call(
        &app,
        Method::POST,
        &format!("/api/v1/generated-leases/{id}/create-renewal/"),
        Some(&a),
        body(json!({"rent_increase_pct": "3"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{renewal}");
    assert_eq!(renewal["is_renewal"], true);
    assert_eq!(renewal["lease_terms"]["start_date"], "2028-01-01");
    assert_eq!(renewal["lease_terms"]["monthly_rent"], "1854.00");
    assert!(renewal["renewal_analysis"].is_null(), "the rent was given");
    // Without a rent, the analysis from the record sets it (offline: by rules, within 5%).
    let (s, advised) =
        call(&app, Method::POST, &format!("/api/v1/generated-leases/{id}/create-renewal/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::CREATED, "{advised}");
    let analysis = &advised["renewal_analysis"];
    assert_eq!(analysis["provider"], "offline", "{advised}");
    assert!(analysis["reasoning"].as_str().unwrap().contains("needs_review"));
    let rent: rust_decimal::Decimal = advised["lease_terms"]["monthly_rent"].as_str().unwrap().parse().unwrap();
    assert!((rust_decimal::Decimal::from(1800)..=rust_decimal::Decimal::from(1890)).contains(&rent), "{rent}");
    let b = db.token(MANAGER_B).await;
    let (s, _) = call(&app, Method::GET, &format!("/api/v1/generated-leases/{id}/"), Some(&b), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another manager's lease");
    drop(client);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_template_is_revised_to_its_next_version_and_retired() {
    let db = TestDb::new("leasetemplates", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let (s, t) = call(
        &app,
        Method::POST,
        "/api/v1/lease-templates/",
        Some(&a),
        body(json!({"name": "Standard", "jurisdiction_state": "WA"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    let uri = format!("/api/v1/lease-templates/{}/", t["id"].as_str().unwrap());

    // The next version keeps the template's id and first date.
    let (s, v2) = call(
        &app,
        Method::PUT,
        &uri,
        Some(&a),
        body(json!({"name": "Standard 2027", "jurisdiction_state": "WA", "jurisdiction_city": "Seattle"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v2}");
    assert_eq!(
        (v2["id"].clone(), v2["version"].as_i64(), v2["name"].as_str()),
        (t["id"].clone(), Some(2), Some("Standard 2027"))
    );
    assert_eq!(v2["created_at"], t["created_at"]);
    let (s, bad) = call(&app, Method::PUT, &uri, Some(&a), body(json!({"name": "", "jurisdiction_state": "WA"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");

    // Retired: gone from the list, refused for a new lease, and retired only once.
    let (s, r) = call(&app, Method::POST, &format!("{uri}retire/"), Some(&a), None).await;
    assert_eq!((s, r["is_active"].as_bool()), (StatusCode::OK, Some(false)), "{r}");
    let (_, list) = call(&app, Method::GET, "/api/v1/lease-templates/?state=WA", Some(&a), None).await;
    assert!(list.as_array().unwrap().iter().all(|x| x["id"] != t["id"]), "{list}");
    let (s, again) = call(&app, Method::POST, &format!("{uri}retire/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{again}");
    assert!(again.to_string().contains("retired"), "{again}");
    let (s, _) =
        call(&app, Method::PUT, &uri, Some(&a), body(json!({"name": "Back", "jurisdiction_state": "WA"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) =
        call(&app, Method::POST, &format!("/api/v1/lease-templates/{}/retire/", Uuid::new_v4()), Some(&a), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_draft_lease_is_edited_in_place_and_a_voided_one_is_not() {
    let db = TestDb::new("leaseedit", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let client = db.pool.get().await.unwrap();
    let unit: Uuid = client
        .query_one(
            "SELECT id FROM units_unit WHERE property_id = $1 AND archived_at IS NULL ORDER BY unit_number LIMIT 1",
            &[&db.properties[0]],
        )
        .await
        .unwrap()
        .get(0);
    drop(client);
    let terms = |rent: &str| {
        json!({"tenant_name": "Dana Okafor", "tenant_email": "dana@example.com",
            "start_date": "2027-01-01", "end_date": "2027-12-31", "monthly_rent": rent,
            "security_deposit": rent, "late_fee": "50.00", "grace_days": 5,
            "variables": {"landlord_paid_utilities": "water", "floodplain_status": "is not",
                          "flood_damage_status": "is not", "sprinkler_status": "has",
                      "smoking_policy": "not permitted"}})
    };
    let generate = || body(json!({"unit_id": unit, "lease_terms": terms("1800.00")}));
    let (s, draft) = call(&app, Method::POST, "/api/v1/generated-leases/", Some(&a), generate()).await;
    assert_eq!(s, StatusCode::CREATED, "{draft}");
    let uri = format!("/api/v1/generated-leases/{}/", draft["id"].as_str().unwrap());

    // The rent changed: the same lease, its figures and text follow, the change listed.
    let (s, edited) = call(&app, Method::PATCH, &uri, Some(&a), body(json!({"lease_terms": terms("1950.00")}))).await;
    assert_eq!(s, StatusCode::OK, "{edited}");
    assert_eq!(
        (edited["id"].clone(), edited["created_at"].clone()),
        (draft["id"].clone(), draft["created_at"].clone())
    );
    assert_eq!(edited["lease_terms"]["monthly_rent"], "1950.00");
    assert_eq!(edited["lease_terms"]["security_deposit"], "1950.00");
    assert_eq!((edited["status"].as_str(), edited["sendable"].as_bool()), (Some("draft"), Some(true)), "{edited}");
    let rent = edited["clauses"].as_array().unwrap().iter().find(|c| c["clause"]["slug"] == "rent").unwrap();
    assert!(rent["text"].as_str().unwrap().contains("$1,950.00"), "{rent}");
    let change = &edited["renewal_changes"][0];
    assert_eq!((change["field"].as_str(), change["new_value"].as_str()), (Some("monthly_rent"), Some("$1,950.00")));
    let (_, read) = call(&app, Method::GET, &uri, Some(&a), None).await;
    assert_eq!(read["lease_terms"]["monthly_rent"], "1950.00");
    let (s, bad) = call(&app, Method::PATCH, &uri, Some(&a), body(json!({"lease_terms": terms("-5")}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");
    let (s, _) = call(&app, Method::PATCH, &uri, Some(&a), body(json!({"clause_ids": []}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "the terms are required");

    // Sending still works, with the new figures; a sent lease is no longer a draft.
    let (s, sent) = call(&app, Method::POST, &format!("{uri}send-for-signing/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{sent}");
    assert_eq!(sent["lease"]["status"], "sent_for_signing");
    assert_eq!(sent["lease"]["lease_terms"]["monthly_rent"], "1950.00");
    let (s, e) = call(&app, Method::PATCH, &uri, Some(&a), body(json!({"lease_terms": terms("1700.00")}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("only a draft not yet sent"), "{e}");

    // A voided draft: refused, by name.
    let (_, other) = call(&app, Method::POST, "/api/v1/generated-leases/", Some(&a), generate()).await;
    let other = format!("/api/v1/generated-leases/{}/", other["id"].as_str().unwrap());
    let (s, _) = call(&app, Method::POST, &format!("{other}void/"), Some(&a), body(json!({"reason": "x"}))).await;
    assert_eq!(s, StatusCode::OK);
    let (s, e) = call(&app, Method::PATCH, &other, Some(&a), body(json!({"lease_terms": terms("1700.00")}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("The lease is voided"), "{e}");
    let unknown = format!("/api/v1/generated-leases/{}/", Uuid::new_v4());
    let (s, _) = call(&app, Method::PATCH, &unknown, Some(&a), body(json!({"lease_terms": terms("1700.00")}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let b = db.token(MANAGER_B).await;
    let (s, _) = call(&app, Method::PATCH, &uri, Some(&b), body(json!({"lease_terms": terms("1700.00")}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND, "another manager's lease");
    db.finish().await;
}
