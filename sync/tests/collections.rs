//! Smart collections on the central server (spec 1.3): the daily scan, the escalation engine
//! (each step sent once), the case endpoints and the dashboard statistics.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::scan::collections_scan;
use unitcycle_sync::{adapter, scheduler};

fn gateway() -> std::sync::Arc<Gateway> {
    std::sync::Arc::new(Gateway::offline("tests".into()))
}

async fn count(db: &TestDb, sql: &str) -> i64 {
    db.pool.get().await.unwrap().query_one(sql, &[]).await.unwrap().get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scan_opens_cases_once_and_escalation_sends_each_step_once() {
    let db = TestDb::new("coll", 400).await;
    let gw = gateway();
    let first = scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    assert!(first.opened > 0, "{first:?}");
    assert_eq!(scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap(), None);
    // Scanning again the same day changes nothing.
    let again = adapter::run(&db.pool, None, |port| collections_scan(port, today(), now())).await.unwrap();
    assert_eq!((again.opened, again.updated, again.closed, again.late_fees), (0, 0, 0, 0), "{again:?}");
    let cases = count(&db, "SELECT COUNT(*) FROM collection_case").await;
    assert_eq!(cases, i64::from(first.opened));

    let sent = scheduler::escalation_engine(&db.pool, &gw, today(), now()).await.unwrap().unwrap();
    assert!(sent.sent > 0);
    let messages = count(&db, "SELECT COUNT(*) FROM outbox_message WHERE related_type = 'collection_case'").await;
    let actions = count(&db, "SELECT COUNT(*) FROM collection_action").await;
    assert!(messages >= i64::from(sent.sent));
    assert_eq!(actions, i64::from(sent.sent));
    // Four hours later nothing new is due: nothing is sent twice.
    let later = now() + chrono::Duration::hours(4);
    let again = scheduler::escalation_engine(&db.pool, &gw, today(), later).await.unwrap().unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM outbox_message").await, messages);
    // Every message carries the replica's key.
    let keys = count(
        &db,
        "SELECT COUNT(*) FROM outbox_message m JOIN collection_case c ON m.related_id = c.id
         WHERE m.idempotency_key = 'collections:' || c.id || ':' || c.escalation_level || ':' || m.channel",
    )
    .await;
    assert_eq!(keys, messages);
    assert!(count(&db, "SELECT COUNT(*) FROM ai_run").await >= messages);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_endpoints_follow_the_core_rules() {
    let db = TestDb::new("collapi", 400).await;
    scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let reader = db.token(READER).await;

    let (s, _) = call(&app, Method::GET, "/api/v1/collections/", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, page) = call(&app, Method::GET, "/api/v1/collections/?status=open", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let total = page["count"].as_u64().unwrap();
    assert!(total > 0);
    let cases = page["results"].as_array().unwrap();
    assert!(cases.iter().all(|c| c["property"] == json!(db.properties[0]) && c["status"] == "open"));
    assert!(cases.windows(2).all(|w| w[0]["days_overdue"].as_i64() >= w[1]["days_overdue"].as_i64()));
    let days = cases[0]["days_overdue"].as_i64().unwrap();
    let (_, v) =
        call(&app, Method::GET, &format!("/api/v1/collections/?days_overdue__gte={days}"), Some(&a), None).await;
    assert!(v["results"].as_array().unwrap().iter().all(|c| c["days_overdue"].as_i64().unwrap() >= days));
    let (_, v) = call(&app, Method::GET, "/api/v1/collections/?escalation_level=0", Some(&a), None).await;
    assert_eq!(v["count"].as_u64(), Some(total));
    let (s, _) = call(&app, Method::GET, "/api/v1/collections/?escalation_level=9", Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let tenant = cases[0]["tenant"].as_str().unwrap();
    let (_, v) = call(&app, Method::GET, &format!("/api/v1/collections/?tenant={tenant}"), Some(&a), None).await;
    assert!(v["count"].as_u64().unwrap() >= 1);

    let id = cases[0]["id"].as_str().unwrap().to_string();
    let url = |step: &str| format!("/api/v1/collections/{id}/{step}");
    let (s, _) = call(&app, Method::GET, &url(""), Some(&b), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call(&app, Method::GET, &url(""), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!((v["actions"].as_array().map(Vec::len), &v["payment_plan"]), (Some(0), &Value::Null));

    // send-reminder: the next step now, recorded on the timeline and queued once.
    let (s, _) = call(&app, Method::POST, &url("send-reminder/"), Some(&reader), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(&app, Method::POST, &url("send-reminder/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["escalation_level"], 1);
    assert_eq!(v["actions"][0]["action_type"], "sms");
    let (_, acts) = call(&app, Method::GET, &url("actions/"), Some(&a), None).await;
    assert_eq!(acts.as_array().unwrap().len(), 1);
    let key = format!("collections:{id}:1:sms");
    let queued: i64 = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT COUNT(*) FROM outbox_message WHERE idempotency_key = $1", &[&key])
        .await
        .unwrap()
        .get(0);
    assert_eq!(queued, 1);

    // offer-plan: the installments are checked by the core.
    let start = (today() + chrono::Duration::days(7)).to_string();
    let (s, v) =
        call(&app, Method::POST, &url("offer-plan/"), Some(&a), body(json!({"installments": 1, "start_date": start})))
            .await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("Installments must be between 2 and 12 (got 1)."))
    );
    // Agreed installments that do not sum to the balance are refused with terms that fit.
    let (s, v) = call(
        &app,
        Method::POST,
        &url("offer-plan/"),
        Some(&a),
        body(json!({"installments": 3, "start_date": start, "installment_amount": "1.00"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("3 installments of $1.00 come to $3.00, ") && detail.contains(" short of the balance of $"),
        "{detail}"
    );
    // An amount beyond what a money column holds is refused (400), never an overflow.
    let huge = json!({"installments": 3, "start_date": start, "installment_amount": "79228162514264337593543950"});
    let (s, v) = call(&app, Method::POST, &url("offer-plan/"), Some(&a), body(huge)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("more than UnitCycle stores ($99,999,999.99)"), "{v}");
    let (s, v) =
        call(&app, Method::POST, &url("offer-plan/"), Some(&a), body(json!({"installments": 3, "start_date": start})))
            .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["escalation_level"].as_u64()), (Some("payment_plan"), Some(4)));
    assert_eq!(v["payment_plan"]["installments"].as_array().unwrap().len(), 3);
    let (s, v) =
        call(&app, Method::POST, &url("offer-plan/"), Some(&a), body(json!({"installments": 3, "start_date": start})))
            .await;
    assert_eq!(
        (s, v["detail"].as_str()),
        (StatusCode::BAD_REQUEST, Some("A payment plan is already in place for this case."))
    );
    let (s, _) = call(&app, Method::POST, &url("offer-plan/"), Some(&a), body(json!({"installments": 3}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // record-payment: posts to the ledger and lowers the balance.
    let (s, v) = call(&app, Method::POST, &url("record-payment/"), Some(&a), body(json!({"amount": "0"}))).await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::BAD_REQUEST, Some("Payment amount must be greater than zero.")));
    let (s, v) = call(&app, Method::POST, &url("record-payment/"), Some(&a), body(json!({"amount": 1000000000}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().starts_with("Payment amount 1000000000 is more than"), "{v}");
    let future = (today() + chrono::Duration::days(3)).to_string();
    let (s, _) = call(
        &app,
        Method::POST,
        &url("record-payment/"),
        Some(&a),
        body(json!({"amount": "10.00", "paid_on": future})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let before: f64 = cases[0]["current_balance"].as_str().unwrap().parse().unwrap();
    let (s, v) = call(&app, Method::POST, &url("record-payment/"), Some(&a), body(json!({"amount": "10.00"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["new_balance"].as_str().unwrap().parse::<f64>().unwrap(), before - 10.0);
    assert_eq!(v["paid_in_full"], false);
    let payments = count(&db, "SELECT COUNT(*) FROM tenant_ledger_entry WHERE category = 'collections_payment'").await;
    assert_eq!(payments, 1);

    // escalate: the legal step goes once, then the case is closed to further action.
    let (s, v) = call(&app, Method::POST, &url("escalate/"), Some(&a), None).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("escalated")), "{v}");
    assert_eq!(v["escalation_level"], 5);
    let (s, v) = call(&app, Method::POST, &url("escalate/"), Some(&a), None).await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::BAD_REQUEST, Some("Case is closed (Escalated to Legal).")));
    let (s, _) = call(&app, Method::POST, "/api/v1/collections/not-a-uuid/escalate/", Some(&a), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The dashboard statistics.
    let (s, st) = call(&app, Method::GET, "/api/v1/collections/dashboard-stats/", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    let mut keys: Vec<&str> = st.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "avg_days_overdue",
            "by_escalation_level",
            "by_risk_profile",
            "collected_last_30_days",
            "escalated",
            "on_payment_plan",
            "open_cases",
            "paid_last_30_days",
            "total_outstanding"
        ]
    );
    assert_eq!((st["escalated"].as_u64(), st["collected_last_30_days"].as_f64()), (Some(1), Some(10.0)));
    assert_eq!(st["open_cases"].as_u64(), Some(total - 1));
    assert!(st["total_outstanding"].is_number());
    db.finish().await;
}

/// "Today" for a case is its property's local date: at 2026-12-03T06:00Z a property in
/// America/Los_Angeles is still on 2026-12-02 and one in New York is on 2026-12-03, for the scan
/// (the core function over the server's port), the case listing and detail, and a payment
/// recorded without a date.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn days_overdue_and_payment_dates_are_counted_on_the_property_local_date() {
    let at: chrono::DateTime<chrono::Utc> = "2026-12-03T06:00:00Z".parse().unwrap();
    let utc_day = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let la_day = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    let db = TestDb::new_at("collzone", 400, utc_day, at).await;
    let (la, ny) = (db.properties[0], db.properties[1]);
    let client = db.pool.get().await.unwrap();
    for (id, zone) in [(la, "America/Los_Angeles"), (ny, "America/New_York")] {
        client.execute("UPDATE properties SET time_zone = $2 WHERE id = $1", &[&id, &zone]).await.unwrap();
    }
    let scan = adapter::run(&db.pool, None, move |port| collections_scan(port, utc_day, at)).await.unwrap();
    assert!(scan.opened > 0, "{scan:?}");

    let app = db.router_at(at);
    let (a, b) = (db.token_at(MANAGER_A, at).await, db.token_at(MANAGER_B, at).await);
    let cases = |v: &Value| v["results"].as_array().unwrap().clone();
    let due = |c: &Value| c["due_date"].as_str().unwrap().parse::<chrono::NaiveDate>().unwrap();
    let (s, page) = call(&app, Method::GET, "/api/v1/collections/?page_size=100", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let la_cases = cases(&page);
    assert!(!la_cases.is_empty());
    for c in &la_cases {
        assert_eq!(c["days_overdue"].as_i64(), Some((la_day - due(c)).num_days()), "{c}");
    }
    let (_, page) = call(&app, Method::GET, "/api/v1/collections/?page_size=100", Some(&b), None).await;
    for c in &cases(&page) {
        assert_eq!(c["days_overdue"].as_i64(), Some((utc_day - due(c)).num_days()), "{c}");
    }
    let id = la_cases[0]["id"].as_str().unwrap().to_string();
    let (s, detail) = call(&app, Method::GET, &format!("/api/v1/collections/{id}/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(detail["days_overdue"].as_i64(), Some((la_day - due(&la_cases[0])).num_days()), "{detail}");

    // In Los Angeles 2026-12-03 has not begun: a payment dated then is in the future, and one
    // recorded without a date is paid on 2026-12-02.
    let pay = format!("/api/v1/collections/{id}/record-payment/");
    let (s, v) =
        call(&app, Method::POST, &pay, Some(&a), body(json!({"amount": "1.00", "paid_on": "2026-12-03"}))).await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::BAD_REQUEST, Some("Payment date 2026-12-03 is in the future.")));
    let (s, v) = call(&app, Method::POST, &pay, Some(&a), body(json!({"amount": "1.00"}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let paid_on: chrono::NaiveDate = client
        .query_one(
            "SELECT e.trans_date FROM tenant_ledger_entry e JOIN collection_case c ON c.lease_id = e.lease_id
             WHERE c.id = $1::text::uuid AND e.category = 'collections_payment'",
            &[&id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(paid_on, la_day);
    drop(client);
    db.finish().await;
}
