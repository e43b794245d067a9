//! Lease generation (spec 4.5) on the server, first increment: the jurisdiction rules for a
//! state and the compliance check of a lease's terms, each violation naming its statute.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;

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
    let (_, r) = call(&app, Method::POST, path, Some(&a), body(lease("OR", "2000.00", "50.00"))).await;
    assert_eq!((r["compliant"].as_bool(), r["violations"][0]["severity"].as_str()), (Some(true), Some("warning")));
    assert!(r["violations"][0]["message"].as_str().unwrap().contains("No rules are recorded for OR"));
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
