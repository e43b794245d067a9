//! Renewal intelligence on the central server (spec 1.2): the scan, the review workflow, the
//! outbox and the dashboard statistics, against a fresh PostgreSQL database per test.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use rust_decimal::Decimal;
use serde_json::{json, Value};
use unitcycle_core::ai::Gateway;
use unitcycle_sync::scheduler::scheduled_renewal_scan;

fn gateway() -> std::sync::Arc<Gateway> {
    std::sync::Arc::new(Gateway::offline("tests".into()))
}

async fn list(app: &axum::Router, token: &str, query: &str) -> Value {
    let (s, v) = call(app, Method::GET, &format!("/api/v1/renewals/{query}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scan_creates_recommendations_once_and_the_workflow_follows_the_core() {
    let db = TestDb::new("renew", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let reader = db.token(READER).await;

    // Without a token: 401 with a detail.
    let (s, v) = call(&app, Method::GET, "/api/v1/renewals/", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(v["detail"].is_string());

    // The scan covers the caller's properties; a second run finds every candidate covered.
    let (s, first) = call(&app, Method::POST, "/api/v1/renewals/run-scan/", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    let created = first["created"].as_u64().unwrap();
    assert!(created > 0, "{first}");
    let (_, second) = call(&app, Method::POST, "/api/v1/renewals/run-scan/", Some(&a), None).await;
    assert_eq!(second["created"], 0, "{second}");
    // Each manual run ran as a background job recorded in job_run, from running to its outcome.
    assert_eq!(first["status"], "succeeded");
    let runs = db
        .pool
        .get()
        .await
        .unwrap()
        .query(
            "SELECT outcome, counts->>'created' FROM job_run WHERE job_name = 'renewal-scan:manual'
             ORDER BY started_at",
            &[],
        )
        .await
        .unwrap();
    let runs: Vec<(String, Option<String>)> = runs.iter().map(|r| (r.get(0), r.get(1))).collect();
    assert_eq!(runs, [("succeeded".into(), Some(created.to_string())), ("succeeded".into(), Some("0".into()))]);
    let (s, _) = call(&app, Method::POST, "/api/v1/renewals/run-scan/", Some(&reader), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    let page = list(&app, &a, "?status=pending").await;
    assert_eq!(page["count"], created);
    let recs = page["results"].as_array().unwrap().clone();
    assert!(recs.iter().all(|r| r["property"] == json!(db.properties[0])));
    assert!(recs.windows(2).all(|w| w[0]["churn_score"].as_f64() >= w[1]["churn_score"].as_f64()));
    assert!(recs[0]["renewal_letter_text"].as_str().unwrap().len() > 50);
    assert_eq!(recs[0]["letter_provider"], "offline");
    // Manager B sees none of A's recommendations.
    assert_eq!(list(&app, &b, "").await["count"], 0);
    let id = recs[0]["id"].as_str().unwrap().to_string();
    let (s, _) = call(&app, Method::GET, &format!("/api/v1/renewals/{id}/"), Some(&b), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, v) = call(&app, Method::GET, "/api/v1/renewals/not-a-uuid/", Some(&a), None).await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::NOT_FOUND, Some("Renewal recommendation not found.")));
    let (s, v) = call(&app, Method::GET, "/api/v1/renewals/?status=maybe", Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, v) = call(&app, Method::GET, &format!("/api/v1/renewals/{id}/"), Some(&a), None).await;
    assert_eq!((s, &v["id"]), (StatusCode::OK, &json!(id)));
    let lease = v["lease"].as_str().unwrap().to_string();
    assert_eq!(list(&app, &a, &format!("?lease={lease}")).await["count"], 1);

    // Approve: the rent is checked by the core; a reader may not act.
    let current: Decimal = v["current_rent"].as_str().unwrap().parse().unwrap();
    let url = |step: &str| format!("/api/v1/renewals/{id}/{step}/");
    let (s, _) = call(&app, Method::POST, &url("approve"), Some(&reader), None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, v) = call(&app, Method::POST, &url("send"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().starts_with("Approve the recommendation before sending it"), "{v}");
    let (s, v) =
        call(&app, Method::POST, &url("approve"), Some(&a), body(json!({"recommended_rent": current * Decimal::TWO})))
            .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("more than 25% above the current rent"), "{v}");
    let offer = format!("{:.2}", current + Decimal::TEN);
    let (s, v) =
        call(&app, Method::POST, &url("approve"), Some(&a), body(json!({"recommended_rent": offer.clone()}))).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!((v["status"].as_str(), v["recommended_rent"].as_str()), (Some("approved"), Some(offer.as_str())));
    assert_eq!(v["reviewed_by"], format!("user:{MANAGER_A}"));
    let (s, v) = call(&app, Method::POST, &url("approve"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["detail"], "Only a pending recommendation can be approved (this one is Approved).");

    // Send queues the letter once in the outbox, in the same transaction.
    let (s, v) = call(&app, Method::POST, &url("send"), Some(&a), None).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("sent")));
    let (s, _) = call(&app, Method::POST, &url("send"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let client = db.pool.get().await.unwrap();
    let queued: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM outbox_message WHERE idempotency_key = $1 AND channel = 'email' AND status = 'pending'",
            &[&format!("renewal:{id}:send")],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(queued, 1);

    // Accept renews the lease at the offered rent.
    let (s, v) = call(&app, Method::POST, &url("accept"), Some(&a), None).await;
    assert_eq!((s, v["status"].as_str()), (StatusCode::OK, Some("accepted")), "{v}");
    let (_, l) = call(&app, Method::GET, &format!("/api/v1/tenants/leases/{lease}/"), Some(&a), None).await;
    assert_eq!(l["monthly_rent_amount"].as_str().map(|r| r.parse::<Decimal>().unwrap()), Some(current + Decimal::TEN));
    assert_eq!(l["lease_status"], "active");
    assert_eq!(l["lease_end_date"], v["recommended_lease_end"]);

    // Decline is only for sent offers.
    let other = recs[1]["id"].as_str().unwrap();
    let (s, v) = call(&app, Method::POST, &format!("/api/v1/renewals/{other}/decline/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(v["detail"], "Only a sent offer can be accepted or declined (this one is Pending Review).");

    // Regenerating a letter goes through the AI gateway, logged in ai_run.
    let runs_before: i64 = client.query_one("SELECT COUNT(*) FROM ai_run", &[]).await.unwrap().get(0);
    assert!(runs_before >= created as i64);
    let (s, v) = call(&app, Method::POST, &format!("/api/v1/renewals/{other}/generate-letter/"), Some(&a), None).await;
    assert_eq!((s, v["letter_provider"].as_str()), (StatusCode::OK, Some("offline")), "{v}");
    let runs_after: i64 = client.query_one("SELECT COUNT(*) FROM ai_run", &[]).await.unwrap().get(0);
    assert_eq!(runs_after, runs_before + 1);

    // The dashboard statistics: the spec's keys, numbers as numbers.
    let (s, st) = call(&app, Method::GET, "/api/v1/renewals/dashboard-stats/", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    let keys: Vec<&str> = st.as_object().unwrap().keys().map(String::as_str).collect();
    let mut want = vec![
        "total_pending",
        "total_approved",
        "total_sent",
        "total_accepted",
        "total_declined",
        "acceptance_rate",
        "avg_churn_score",
        "projected_annual_revenue_increase",
        "avg_rent_increase_pct",
        "by_risk_level",
    ];
    want.sort_unstable();
    let mut keys = keys;
    keys.sort_unstable();
    assert_eq!(keys, want);
    assert_eq!(st["total_pending"], created - 1);
    assert_eq!((st["total_accepted"].as_u64(), st["acceptance_rate"].as_f64()), (Some(1), Some(1.0)));
    assert!(st["projected_annual_revenue_increase"].is_number(), "{st}");
    let by_risk = st["by_risk_level"].as_object().unwrap();
    assert_eq!(by_risk.len(), 4);
    assert_eq!(by_risk.values().map(|v| v.as_u64().unwrap()).sum::<u64>(), created);
    let (_, st_b) = call(&app, Method::GET, "/api/v1/renewals/dashboard-stats/", Some(&b), None).await;
    assert_eq!(st_b["total_pending"], 0);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduled_scan_runs_once_a_day_over_every_property() {
    let db = TestDb::new("renewsched", 400).await;
    let gw = gateway();
    let first = scheduled_renewal_scan(&db.pool, &gw, today(), now()).await.unwrap().unwrap();
    assert!(first.created > 0);
    assert_eq!(scheduled_renewal_scan(&db.pool, &gw, today(), now()).await.unwrap(), None);
    let client = db.pool.get().await.unwrap();
    let (recs, props): (i64, i64) = client
        .query_one("SELECT COUNT(*), COUNT(DISTINCT property_id) FROM renewal_recommendation", &[])
        .await
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(recs as usize, first.created);
    assert!(props >= 2);
    // The next day's run finds every candidate covered: only leases entering the window that
    // day are new, and no lease gets a second recommendation.
    let tomorrow = today().succ_opt().unwrap();
    let next =
        scheduled_renewal_scan(&db.pool, &gw, tomorrow, now() + chrono::Duration::days(1)).await.unwrap().unwrap();
    let (all, leases): (i64, i64) = client
        .query_one("SELECT COUNT(*), COUNT(DISTINCT lease_id) FROM renewal_recommendation", &[])
        .await
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert_eq!(all as usize, first.created + next.created);
    assert_eq!(all, leases, "no lease is recommended twice");
    let runs: i64 = client
        .query_one("SELECT COUNT(*) FROM job_run WHERE job_name = 'renewal-scan' AND outcome = 'succeeded'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(runs, 2);
    db.finish().await;
}
