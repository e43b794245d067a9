//! Predictive maintenance (spec 2.3) and vendor intelligence (spec 5.4) on the server: scores
//! and the heatmap, a suggestion approved into a work order, a work order from request to
//! dispatch (warranty first) to completion, scorecards, benchmarks, price analysis, alerts and
//! the dashboard's figures, each in the spec's shape; bad input answered 400, never 5xx.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn from_risk_to_a_dispatched_work_order_and_the_vendor_scorecards() {
    let db = TestDb::new("maintenance", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let call = |m: Method, path: String, v: Option<Value>| {
        let (app, token) = (app.clone(), token.clone());
        async move { call(&app, m, &path, Some(&token), v.and_then(body)).await }
    };

    // 2.3: score now, then the latest score per unit with its five factors beside it.
    let (s, report) = call(Method::POST, "/api/v1/predictive-maintenance/risk-scores/compute/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert!(report["units"].as_u64().unwrap() > 0, "{report}");
    let (s, page) = call(Method::GET, "/api/v1/predictive-maintenance/risk-scores/?page_size=500".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let scores = page["results"].as_array().unwrap().clone();
    let top = &scores[0];
    for field in [
        "risk_score",
        "risk_level",
        "wo_frequency_score",
        "wo_cost_score",
        "equipment_age_score",
        "repeat_issue_score",
        "seasonal_score",
        "predicted_next_wo_type",
        "predicted_cost_30_days",
        "predicted_cost_90_days",
        "wo_count_12_months",
        "total_cost_12_months",
        "avg_days_between_wo",
    ] {
        assert!(!top[field].is_null(), "{field} in {top}");
    }
    let sum: f64 =
        ["wo_frequency_score", "wo_cost_score", "equipment_age_score", "repeat_issue_score", "seasonal_score"]
            .iter()
            .map(|f| top[f].as_f64().unwrap())
            .sum();
    assert!((sum - top["risk_score"].as_f64().unwrap()).abs() < 0.1, "the factors add up: {top}");
    let (_, high) =
        call(Method::GET, "/api/v1/predictive-maintenance/risk-scores/?risk_level=critical&page_size=500".into(), None)
            .await;
    assert!(high["results"].as_array().unwrap().iter().all(|s| s["risk_level"] == "critical"));
    let (s, bad) = call(Method::GET, "/api/v1/predictive-maintenance/risk-scores/?risk_level=spicy".into(), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{bad}");

    let (s, heatmap) = call(Method::GET, "/api/v1/predictive-maintenance/risk-heatmap/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{heatmap}");
    let property = &heatmap[0];
    let unit = &property["buildings"][0]["floors"][0]["units"][0];
    assert!(unit["unit_number"].is_string() && unit["risk_level"].is_string(), "{property}");

    // A suggestion approved becomes a real work order; approving twice is refused.
    let (s, suggestions) = call(Method::GET, "/api/v1/predictive-maintenance/suggestions/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{suggestions}");
    if let Some(first) = suggestions["results"].as_array().unwrap().first() {
        let id = first["id"].as_str().unwrap();
        let (s, made) =
            call(Method::POST, format!("/api/v1/predictive-maintenance/suggestions/{id}/approve/"), None).await;
        assert_eq!(s, StatusCode::OK, "{made}");
        let wo = made["work_order_id"].as_str().unwrap();
        let (s, order) = call(Method::GET, format!("/api/v1/maintenance/work-orders/{wo}/"), None).await;
        assert_eq!(s, StatusCode::OK, "{order}");
        let (s, _) =
            call(Method::POST, format!("/api/v1/predictive-maintenance/suggestions/{id}/approve/"), None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
    }

    // A work order, dispatched: rank 1 is the warranty holder when the item is covered.
    let unit_id = top["unit_id"].as_str().unwrap();
    let (_, vendors) = call(Method::GET, "/api/v1/vendors/?page_size=100".into(), None).await;
    let holder = vendors["results"][0]["id"].as_str().unwrap().to_string();
    let warranty = json!({
        "unit_id": unit_id, "item_type": "Dishwasher", "brand": "Whirlpool", "installed_date": "2025-06-01",
        "warranty_end_date": "2027-06-01", "warranty_vendor_id": holder, "warranty_provider": "Whirlpool",
        "coverage_type": "full", "contact": "1-800-253-1301"
    });
    let (s, w) = call(Method::POST, "/api/v2/vendor-intelligence/warranties/".into(), Some(warranty)).await;
    assert_eq!(s, StatusCode::OK, "{w}");
    let (s, check) = call(
        Method::GET,
        format!("/api/v2/vendor-intelligence/warranties/check/?unit={unit_id}&item=dishwasher"),
        None,
    )
    .await;
    assert_eq!((s, check["brand"].as_str()), (StatusCode::OK, Some("Whirlpool")), "{check}");
    let order = json!({"unit_id": unit_id, "title": "Dishwasher not draining", "category": "appliance",
        "priority": "medium", "requested_date": today().to_string()});
    let (s, made) = call(Method::POST, "/api/v1/maintenance/work-orders/new/".into(), Some(order)).await;
    assert_eq!(s, StatusCode::OK, "{made}");
    let wo = made["work_order_id"].as_str().unwrap().to_string();
    let (s, view) = call(Method::GET, format!("/api/v2/vendor-intelligence/dispatch/{wo}/"), None).await;
    assert_eq!(s, StatusCode::OK, "{view}");
    assert_eq!(view["warranty_check"]["has_warranty"], true, "{view}");
    assert_eq!(view["recommendations"][0]["vendor_id"].as_str(), Some(holder.as_str()), "{view}");
    for f in ["specialty_match", "performance", "workload", "cost_history"] {
        assert!(view["recommendations"][0]["reasoning"][f].is_string(), "{f}: {view}");
    }
    assert!(view["repeat_visit_warning"]["is_repeat"].is_boolean());
    let (s, accepted) = call(Method::POST, format!("/api/v2/vendor-intelligence/dispatch/{wo}/accept/"), None).await;
    assert_eq!(s, StatusCode::OK, "{accepted}");
    let (_, order) = call(Method::GET, format!("/api/v1/maintenance/work-orders/{wo}/"), None).await;
    assert_eq!(order["assigned_vendor_id"].as_str(), Some(holder.as_str()), "{order}");
    let done = json!({"completed_date": today().to_string(), "cost": "185.50", "tenant_rating": 5});
    let (s, r) = call(Method::POST, format!("/api/v1/maintenance/work-orders/{wo}/complete/"), Some(done)).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let again = json!({"completed_date": today().to_string(), "cost": "1"});
    let (s, _) = call(Method::POST, format!("/api/v1/maintenance/work-orders/{wo}/complete/"), Some(again)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a completed work order takes no further steps");
    let (s, _) = call(Method::POST, format!("/api/v1/maintenance/work-orders/{wo}/fly/"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // 5.4: scorecards, benchmarks, a price analysis, the dashboard.
    let (s, cards) = call(Method::POST, "/api/v2/vendor-intelligence/scorecards/calculate/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{cards}");
    let (s, list) = call(Method::GET, "/api/v2/vendor-intelligence/scorecards/?page_size=100".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{list}");
    let card = &list["results"][0];
    for f in [
        "response_time_score",
        "first_visit_score",
        "cost_accuracy_score",
        "sla_compliance_score",
        "tenant_satisfaction_score",
        "documentation_score",
        "overall_score",
        "metrics",
    ] {
        assert!(!card[f].is_null(), "{f}: {card}");
    }
    let vendor = card["vendor_id"].as_str().unwrap();
    let (s, detail) = call(Method::GET, format!("/api/v2/vendor-intelligence/scorecards/{vendor}/"), None).await;
    assert_eq!((s, detail["breakdown"].as_array().map(Vec::len)), (StatusCode::OK, Some(6)), "{detail}");
    let (s, cmp) =
        call(Method::GET, format!("/api/v2/vendor-intelligence/compare/?vendor_ids={vendor},{holder}"), None).await;
    assert_eq!((s, cmp.as_array().map(Vec::len)), (StatusCode::OK, Some(2)), "{cmp}");
    let (s, _) = call(Method::GET, "/api/v2/vendor-intelligence/compare/?vendor_ids=nope".into(), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, b) = call(Method::GET, "/api/v2/vendor-intelligence/benchmarks/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let (_, invoices) = call(Method::GET, "/api/v2/vendor-intelligence/repeat-alerts/".into(), None).await;
    assert!(invoices["count"].is_u64());
    let (s, stats) = call(Method::GET, "/api/v2/vendor-intelligence/stats/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    for f in [
        "avg_vendor_score",
        "total_vendors",
        "active_warranties",
        "expiring_contracts",
        "open_repeat_alerts",
        "total_saved_warranty_ytd",
        "price_anomalies_this_month",
    ] {
        assert!(stats[f].is_number(), "{f}: {stats}");
    }
    assert!(stats["active_warranties"].as_u64().unwrap() >= 1);
    let (s, expiring) = call(Method::GET, "/api/v2/vendor-intelligence/contracts/expiring/".into(), None).await;
    assert_eq!((s, expiring.is_array()), (StatusCode::OK, true));
    db.finish().await;
}
