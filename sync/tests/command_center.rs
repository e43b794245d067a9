//! The portfolio command center on the central server (spec 1.4): filters, sorting, the
//! summary and pages at page size, page size + 1 and zero rows.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::Value;
use unitcycle_core::command_center::queue;
use unitcycle_sync::{adapter, scheduler};

const URL: &str = "/api/v1/portfolio/command-center/";

async fn get(app: &axum::Router, token: &str, query: &str) -> Value {
    let (s, v) = call(app, Method::GET, &format!("{URL}{query}"), Some(token), None).await;
    assert_eq!(s, StatusCode::OK, "{query}: {v}");
    v
}

fn units(v: &Value) -> &Vec<Value> {
    v["units"].as_array().unwrap()
}

fn rent(u: &Value) -> f64 {
    u["rent"].as_str().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_sorting_summary_and_pages() {
    let db = TestDb::new("cc", 400).await;
    scheduler::scheduled_collections_scan(&db.pool, today(), now()).await.unwrap().unwrap();
    let app = db.router();
    let a = db.token(MANAGER_A).await;

    let (s, _) = call(&app, Method::GET, URL, None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    let unit_count: i64 = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT COUNT(*) FROM units_unit WHERE property_id = $1", &[&db.properties[0]])
        .await
        .unwrap()
        .get(0);
    let n = unit_count as u64;
    assert!(n > 2);

    // The default page: 50 units, every unit of the granted property counted in the summary.
    let all = get(&app, &a, "").await;
    let mut keys: Vec<&str> = all.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["page", "pages", "summary", "total", "units"]);
    assert_eq!((all["total"].as_u64(), all["page"].as_u64()), (Some(n), Some(1)));
    assert_eq!(all["pages"].as_u64(), Some(n.div_ceil(50)));
    assert_eq!(units(&all).len() as u64, n.min(50));
    let summary = &all["summary"];
    let summed: u64 = ["active_count", "mtm_count", "notice_count", "vacant_count"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum();
    assert_eq!(summed, n);
    assert!(units(&all).iter().all(|u| u["property_id"] == serde_json::json!(db.properties[0])));
    // Default sort: days to event, soonest first, units without an event last.
    let days: Vec<Option<i64>> = units(&all).iter().map(|u| u["days_to_event"].as_i64()).collect();
    let firsts: Vec<i64> = days.iter().map_while(|d| *d).collect();
    assert!(firsts.windows(2).all(|w| w[0] <= w[1]));
    assert!(days[firsts.len()..].iter().all(Option::is_none));

    // Pages at exactly the page size, page size + 1 and zero rows.
    let exact = get(&app, &a, &format!("?page_size={n}")).await;
    assert_eq!((exact["pages"].as_u64(), units(&exact).len() as u64), (Some(1), n));
    let (s, _) = call(&app, Method::GET, &format!("{URL}?page_size={n}&page=2"), Some(&a), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let one_over = get(&app, &a, &format!("?page_size={}&page=2", n - 1)).await;
    assert_eq!((one_over["pages"].as_u64(), units(&one_over).len()), (Some(2), 1));
    let none = get(&app, &a, "?min_rent=999999").await;
    assert_eq!((none["total"].as_u64(), none["pages"].as_u64(), units(&none).len()), (Some(0), Some(1), 0));
    assert_eq!(none["summary"]["active_count"], 0);
    let (s, _) = call(&app, Method::GET, &format!("{URL}?min_rent=999999&page=2"), Some(&a), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // Lifecycle states (multi), rent range, sort, property scope, risk level.
    let some = get(&app, &a, &format!("?lifecycle_state=active,notice&page_size={n}")).await;
    assert!(units(&some).iter().all(|u| u["lifecycle_state"] == "active" || u["lifecycle_state"] == "notice"));
    assert_eq!((some["summary"]["mtm_count"].as_u64(), some["summary"]["vacant_count"].as_u64()), (Some(0), Some(0)));
    assert_eq!(
        some["total"].as_u64().unwrap(),
        summary["active_count"].as_u64().unwrap() + summary["notice_count"].as_u64().unwrap()
    );
    let by_rent = get(&app, &a, &format!("?sort_by=rent&min_rent=1000&max_rent=2000&page_size={n}")).await;
    let rents: Vec<f64> = units(&by_rent).iter().map(rent).collect();
    assert!(!rents.is_empty() && rents.iter().all(|r| (1000.0..=2000.0).contains(r)));
    assert!(rents.windows(2).all(|w| w[0] <= w[1]));
    let desc = get(&app, &a, "?sort_by=-rent").await;
    assert!(units(&desc).windows(2).all(|w| rent(&w[0]) >= rent(&w[1])));
    let other = get(&app, &a, &format!("?property_id={}", db.properties[1])).await;
    assert_eq!(other["total"], 0);
    let risky = get(&app, &a, &format!("?risk_level=standard&page_size={n}")).await;
    assert!(units(&risky).iter().all(|u| u["risk_level"] == "standard"));
    for bad in ["?lifecycle_state=gone", "?sort_by=height", "?min_rent=lots", "?property_id=x", "?page=0"] {
        let (s, v) = call(&app, Method::GET, &format!("{URL}{bad}"), Some(&a), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}: {v}");
        assert!(v["detail"].is_string());
    }
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_bulk_action_executes_nothing_twice() {
    let db = TestDb::new("ccbulk", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let reader = db.token(READER).await;
    let post = |token: String, body_json: Value| {
        let app = app.clone();
        async move {
            call(&app, Method::POST, "/api/v1/portfolio/command-center/actions/", Some(&token), body(body_json)).await
        }
    };
    let ids = |v: &Value, n: usize| -> Vec<String> {
        units(v).iter().take(n).map(|u| u["id"].as_str().unwrap().to_string()).collect()
    };
    let outbox = || async {
        let c = db.pool.get().await.unwrap();
        c.query_one("SELECT COUNT(*) FROM outbox_message", &[]).await.unwrap().get::<_, i64>(0)
    };

    let notice = get(&app, &a, "?lifecycle_state=notice").await;
    let chosen = ids(&notice, 3);
    assert!(!chosen.is_empty());
    let n = chosen.len();
    let req = serde_json::json!({
        "request_id": "req-inspections-1", "action_type": "move_out_inspection",
        "unit_ids": chosen, "method": "both"
    });
    let (s, first) = post(a.clone(), req.clone()).await;
    assert_eq!(s, StatusCode::OK, "{first}");
    assert_eq!((first["executed"].as_u64(), first["messages_queued"].as_u64()), (Some(n as u64), Some(2 * n as u64)));
    let queued = outbox().await;
    assert_eq!(queued, 2 * n as i64);
    // The same request again (a retry after a timeout): nothing runs twice.
    let (s, again) = post(a.clone(), req).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(again["batch_id"], first["batch_id"]);
    assert_eq!((again["executed"].as_u64(), again["already_done"].as_u64()), (Some(0), Some(n as u64)));
    assert_eq!(again["messages_queued"], 0);
    assert_eq!(outbox().await, queued);

    // Renewal offers create sent recommendations; a second request for the same units skips them.
    let mtm = get(&app, &a, "?lifecycle_state=month_to_month").await;
    let chosen = ids(&mtm, 2);
    let (s, v) = post(
        a.clone(),
        serde_json::json!({"request_id": "req-renew-1", "action_type": "renewal_offer", "unit_ids": chosen, "method": "email"}),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["executed"].as_u64(), Some(chosen.len() as u64));
    let sent: i64 = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT COUNT(*) FROM renewal_recommendation WHERE status = 'sent'", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sent, chosen.len() as i64);
    let (_, v) = post(
        a.clone(),
        serde_json::json!({"request_id": "req-renew-2", "action_type": "renewal_offer", "unit_ids": chosen, "method": "email"}),
    )
    .await;
    assert_eq!(v["executed"], 0);
    assert_eq!(v["skipped"][0]["reason"], "a renewal offer is already open for this lease");

    // Units of another property are not touched.
    let b_unit: uuid::Uuid = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT id FROM units_unit WHERE property_id = $1 LIMIT 1", &[&db.properties[1]])
        .await
        .unwrap()
        .get(0);
    let (_, v) = post(
        a.clone(),
        serde_json::json!({"request_id": "req-x", "action_type": "listing_prep", "unit_ids": [b_unit], "method": "manual"}),
    )
    .await;
    assert_eq!((v["executed"].as_u64(), v["skipped"][0]["reason"].as_str()), (Some(0), Some("unit not found")));
    // A body exactly as the spec writes it (no request_id, method defaulting to email) is accepted.
    let (s, v) = post(a.clone(), serde_json::json!({"action_type": "listing_prep", "unit_ids": [b_unit]})).await;
    assert_eq!(s, StatusCode::OK, "{v}");

    // Refusals.
    let (s, v) = post(
        a.clone(),
        serde_json::json!({"request_id": "r", "action_type": "move_out_inspection", "unit_ids": [], "method": "email"}),
    )
    .await;
    assert_eq!((s, v["detail"].as_str()), (StatusCode::BAD_REQUEST, Some("Select at least one unit.")));
    let (s, v) = post(
        a.clone(),
        serde_json::json!({"request_id": "", "action_type": "move_out_inspection", "unit_ids": [b_unit], "method": "email"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    let (s, _) = post(
        a.clone(),
        serde_json::json!({"request_id": "r", "action_type": "teleport", "unit_ids": [b_unit], "method": "email"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        a.clone(),
        serde_json::json!({"request_id": "r", "action_type": "listing_prep", "unit_ids": [b_unit], "method": "pigeon"}),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        reader,
        serde_json::json!({"request_id": "r", "action_type": "listing_prep", "unit_ids": [b_unit], "method": "manual"}),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _) = call(&app, Method::POST, "/api/v1/portfolio/command-center/actions/", None, body(Value::Null)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_nightly_ai_queue_runs_once_and_feeds_the_table() {
    let db = TestDb::new("ccqueue", 400).await;
    let gw = std::sync::Arc::new(unitcycle_core::ai::Gateway::offline("tests".into()));
    let first = scheduler::scheduled_ai_action_queue(&db.pool, &gw, today(), now()).await.unwrap().unwrap();
    assert!(first.queued > 0, "{first:?}");
    assert_eq!(scheduler::scheduled_ai_action_queue(&db.pool, &gw, today(), now()).await.unwrap(), None);
    let count = || async {
        let c = db.pool.get().await.unwrap();
        c.query_one("SELECT COUNT(*) FROM ai_action_queue", &[]).await.unwrap().get::<_, i64>(0)
    };
    assert_eq!(count().await, first.queued as i64);
    // Re-running the same day refreshes the same rows: nothing new.
    let again = gw.clone();
    adapter::run(&db.pool, None, move |port| queue::ai_action_queue(port, &again, today(), now())).await.unwrap();
    assert_eq!(count().await, first.queued as i64);

    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let (s, items) = call(&app, Method::GET, "/api/v1/portfolio/command-center/ai-queue/", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{items}");
    let items = items.as_array().unwrap().clone();
    assert!(!items.is_empty());
    assert!(items.iter().all(|i| i["property_id"] == serde_json::json!(db.properties[0])));
    assert!(items.iter().all(|i| i["confidence_score"].as_f64().unwrap() >= 0.6));
    let kind = items[0]["action_type"].as_str().unwrap();
    let (_, some) = call(
        &app,
        Method::GET,
        &format!("/api/v1/portfolio/command-center/ai-queue/?action_type={kind}"),
        Some(&a),
        None,
    )
    .await;
    assert!(some.as_array().unwrap().iter().all(|i| i["action_type"] == kind));
    let (s, _) =
        call(&app, Method::GET, "/api/v1/portfolio/command-center/ai-queue/?action_type=nap", Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    // The table shows each unit's top action.
    let table = get(&app, &a, "?with_ai_action=true&page_size=1000").await;
    assert!(!units(&table).is_empty());
    assert!(units(&table).iter().all(|u| u["ai_action"]["action_type"].is_string()));
    // The spec's fields of the top action travel with it.
    for u in units(&table) {
        let action = &u["ai_action"];
        assert_eq!(action["unit_id"], u["id"], "{action}");
        assert!(action["description"].as_str().is_some_and(|d| !d.is_empty()), "{action}");
        assert!(["low", "medium", "high", "urgent"].contains(&action["priority"].as_str().unwrap()), "{action}");
        assert!(action["suggested_payload"].is_object() && action["generation_reason"].is_string(), "{action}");
    }
    db.finish().await;
}
