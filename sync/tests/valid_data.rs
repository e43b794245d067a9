//! Valid data only (issue 15): the fuzzed payments `tui/tests/valid_data.rs` gives the CLI are
//! refused by the API and by a pushed case action with the same message, and nothing is written.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::json;
use unitcycle_sync::scheduler;
use unitcycle_sync::wire::{FeatureAction, PushRequest};

/// (amount, date paid, the one message every boundary gives); today is 2026-06-15.
const PAYMENTS: &[(&str, &str, &str)] = &[
    ("10.00", "0000-01-01", "Payment date 0000-01-01 is outside the dates UnitCycle keeps (1900-01-01 to 2199-12-31)."),
    ("10.00", "1899-12-31", "Payment date 1899-12-31 is outside the dates UnitCycle keeps (1900-01-01 to 2199-12-31)."),
    ("10.00", "2201-01-01", "Payment date 2201-01-01 is in the future."),
    ("10.00", "+10000-01-01", "Payment date +10000-01-01 is in the future."),
    ("10.00", "2026-02-30", "invalid date '2026-02-30': expected YYYY-MM-DD, e.g. 2026-03-15"),
    ("-1", "2026-06-15", "Payment amount must be greater than zero."),
    ("0", "2026-06-15", "Payment amount must be greater than zero."),
    ("1e20", "2026-06-15", "Payment amount 100000000000000000000 is more than UnitCycle stores ($99,999,999.99)."),
    ("NaN", "2026-06-15", "invalid amount 'NaN': expected dollars and cents, e.g. 1850.00"),
    ("100000000000", "2026-06-15", "Payment amount 100000000000 is more than UnitCycle stores ($99,999,999.99)."),
    ("1.005", "2026-06-15", "Payment amount has more than two decimals (got 1.005)."),
];

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.pool.get().await.unwrap().query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fuzzed_payments_are_refused_alike_by_the_api_and_sync_push() {
    let db = TestDb::new("valid_data", 400).await;
    scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let (_, page) = call(&app, Method::GET, "/api/v1/collections/?status=open", Some(&a), None).await;
    let id = page["results"][0]["id"].as_str().unwrap().to_string();
    let ledger = "SELECT COUNT(*) FROM tenant_ledger_entry";
    let before = count(&db, ledger).await;
    for (amount, on, message) in PAYMENTS {
        let url = format!("/api/v1/collections/{id}/record-payment/");
        let (s, v) = call(&app, Method::POST, &url, Some(&a), body(json!({"amount": amount, "paid_on": on}))).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{amount} on {on}: {v}");
        assert!(v["detail"].as_str().unwrap().contains(message), "API, {amount} on {on}: {v}");

        let action = FeatureAction {
            client_id: uuid::Uuid::new_v4(),
            entity: "collection_case".into(),
            entity_id: id.parse().unwrap(),
            action: json!({"action": "record_payment", "amount": amount, "paid_on": on}),
        };
        let push = serde_json::to_vec(&PushRequest { actions: vec![action], ..Default::default() }).unwrap();
        let (s, v) = call(&app, Method::POST, "/api/v1/sync/push", Some(&a), Some(push)).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        let answer = &v["results"][0];
        assert_eq!(answer["outcome"], "rejected", "push, {amount} on {on}: {v}");
        assert!(answer["detail"].as_str().unwrap().contains(message), "push, {amount} on {on}: {v}");
    }
    assert_eq!(count(&db, ledger).await, before, "nothing was written");
    db.finish().await;
}
