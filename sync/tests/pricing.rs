//! Dynamic pricing (spec 2.2) on the server: the engine run by hand, the latest snapshot per unit
//! with its filters, a unit's 90-day history, and the revenue opportunity in the spec's shape.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_engine_prices_the_portfolio_and_the_gap_is_reported_as_the_spec_shows() {
    let db = TestDb::new("pricing", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let call = |m: Method, path: String, v: Option<Value>| {
        let (app, token) = (app.clone(), token.clone());
        async move { call(&app, m, &path, Some(&token), v.and_then(body)).await }
    };

    let (s, report) = call(Method::POST, "/api/v1/pricing/run-engine/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{report}");
    assert!(report["written"].as_u64().unwrap() > 0, "{report}");
    let (_, again) = call(Method::POST, "/api/v1/pricing/run-engine/".into(), None).await;
    assert_eq!((again["written"].as_u64(), again["market_rents_updated"].as_u64()), (Some(0), Some(0)), "{again}");
    let bad = json!({"property": uuid::Uuid::new_v4()});
    let (s, _) = call(Method::POST, "/api/v1/pricing/run-engine/".into(), Some(bad)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, page) = call(Method::GET, "/api/v1/pricing/snapshots/?page_size=500".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{page}");
    let all = page["results"].as_array().unwrap().clone();
    assert_eq!(page["count"].as_u64(), Some(all.len() as u64));
    let first = &all[0];
    for field in [
        "market_rent",
        "recommended_rent",
        "rent_gap_amount",
        "rent_gap_pct",
        "seasonal_factor",
        "demand_score",
        "comp_count",
        "confidence_score",
        "pricing_strategy",
        "days_vacant",
        "basis",
        "reason",
    ] {
        assert!(!first[field].is_null(), "{field} in {first}");
    }
    let (_, vacant) = call(Method::GET, "/api/v1/pricing/snapshots/?is_vacant=true&page_size=500".into(), None).await;
    assert!(vacant["results"].as_array().unwrap().iter().all(|s| s["current_rent"].is_null()));
    let (_, twos) = call(Method::GET, "/api/v1/pricing/snapshots/?bedrooms=2&page_size=500".into(), None).await;
    assert!(twos["count"].as_u64().unwrap() < all.len() as u64);

    let unit = first["unit_id"].as_str().unwrap();
    let (s, history) = call(Method::GET, format!("/api/v1/pricing/units/{unit}/history/"), None).await;
    assert_eq!(s, StatusCode::OK, "{history}");
    assert_eq!(history.as_array().unwrap().len(), 1);
    let (s, _) = call(Method::GET, format!("/api/v1/pricing/units/{}/history/", uuid::Uuid::new_v4()), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    let (s, r) = call(Method::GET, "/api/v1/pricing/revenue-opportunity/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{r}");
    let n = |k: &str| r[k].as_u64().unwrap();
    assert_eq!(n("units_below_market") + n("units_at_market") + n("units_above_market"), n("total_units_analyzed"));
    let monthly = r["total_monthly_gap"].as_f64().expect("a number, as the spec's example");
    assert!((r["annual_revenue_opportunity"].as_f64().unwrap() - monthly * 12.0).abs() < 0.01);
    let by = r["by_property"].as_array().unwrap();
    assert!(by.iter().all(|p| p["property_name"].is_string() && p["monthly_gap"].is_number()), "{r}");

    // Comps from public listings or the manager's own data: all rows or none; twice adds nothing.
    let property = first["property_id"].as_str().unwrap();
    let csv = "address,beds,baths,sqft,rent,date,source\n9 Bay Rd,2,1,900,1500,2026-06-01,public listing\n";
    let post = |body: &'static str, property: String| {
        let (app, token) = (app.clone(), token.clone());
        async move {
            let req = axum::http::Request::builder()
                .method(Method::POST)
                .uri(format!("/api/v1/pricing/comps/import/?property={property}"))
                .header("host", "api.test")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "text/csv")
                .body(axum::body::Body::from(body))
                .unwrap();
            let resp = tower::ServiceExt::oneshot(app, req).await.unwrap();
            let status = resp.status();
            let bytes = http_body_util::BodyExt::collect(resp.into_body()).await.unwrap().to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null))
        }
    };
    let (s, v) = post(csv, property.to_string()).await;
    assert_eq!((s, v["added"].as_u64()), (StatusCode::OK, Some(1)), "{v}");
    let (_, v) = post(csv, property.to_string()).await;
    assert_eq!(v["added"].as_u64(), Some(0));
    let (s, v) =
        post("address,beds,baths,sqft,rent,date,source\n9 Bay Rd,two,1,900,1500,2026-06-01,x\n", property.to_string())
            .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["detail"].as_str().unwrap().contains("row 2: beds 'two'"), "{v}");
    let (s, _) = post(csv, uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    db.finish().await;
}
