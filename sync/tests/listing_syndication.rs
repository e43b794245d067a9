//! Listing syndication (spec 5.1) over HTTP: a listing created from a vacant unit, published
//! (pending through the feed, no URL until the platform confirms), a lead added and scored with
//! its five factors beside the score, answered (the exact text queued), the stats and the
//! price check in the spec's shapes, the MITS feed carrying only active listings, delisting
//! everywhere; bad input answered 400, another manager's listing 404.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};
use uuid::Uuid;

/// A unit of `property` without an active lease and with a market rent.
async fn free_unit(db: &TestDb, property: Uuid) -> Uuid {
    db.pool
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT u.id FROM units_unit u WHERE u.property_id = $1 AND u.archived_at IS NULL AND u.market_rent > 0
             AND NOT EXISTS (SELECT 1 FROM tenant_lease l WHERE l.unit_id = u.id
                 AND l.lease_status IN ('active', 'month_to_month'))
             ORDER BY u.id LIMIT 1",
            &[&property],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_listing_goes_from_draft_to_published_leads_answered_and_delisted() {
    let db = TestDb::new("listings", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let unit = free_unit(&db, db.properties[0]).await;
    let go = |t: &str, m: Method, path: String, v: Option<Value>| {
        let (app, t) = (app.clone(), t.to_string());
        async move { call(&app, m, &path, Some(&t), v.and_then(body)).await }
    };

    // Create: a draft drafted from the unit record.
    let (s, l) = go(
        &a,
        Method::POST,
        "/api/v1/listings/".into(),
        Some(json!({"unit_id": unit, "amenities": ["in_unit_laundry", "dishwasher"], "pet_policy": "Cats allowed",
            "photos": [{"url": "https://img.test/1.jpg", "caption": "Living room", "order": 0, "virtually_staged": true}]})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    assert_eq!((l["status"].as_str(), l["platforms"].as_array().map(Vec::len)), (Some("draft"), Some(0)));
    assert_eq!(l["unit_id"].as_str(), Some(unit.to_string().as_str()));
    let id = l["id"].as_str().unwrap().to_string();

    // Bad input: 400 with the field named; malformed JSON 400; unknown unit 404.
    for (v, field) in [
        (json!({"unit_id": unit, "asking_rent": "-5"}), "asking_rent"),
        (json!({"unit_id": unit, "photos": [{"caption": "no url"}]}), "photos[0]"),
    ] {
        let (s, e) = go(&a, Method::POST, "/api/v1/listings/".into(), Some(v)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
        assert!(e["detail"].as_str().unwrap().contains(field), "{e}");
    }
    let (s, _) = call(&app, Method::POST, "/api/v1/listings/", Some(&a), Some(b"{".to_vec())).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = go(&a, Method::POST, "/api/v1/listings/".into(), Some(json!({"unit_id": Uuid::new_v4()}))).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The feed has no draft.
    let (s, xml) = call_raw(&app, Method::GET, "/api/v1/listings/feed.xml", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(!String::from_utf8(xml).unwrap().contains(&id));

    // Publish: the feed default is pending with no URL.
    let (s, e) =
        go(&a, Method::POST, format!("/api/v1/listings/{id}/publish/"), Some(json!({"platforms": ["myspace"]}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, e) = go(&a, Method::POST, format!("/api/v1/listings/{id}/publish/"), Some(json!({"platforms": []}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, p) = go(
        &a,
        Method::POST,
        format!("/api/v1/listings/{id}/publish/"),
        Some(json!({"platforms": ["zillow", "apartments_com", "zumper", "facebook"]})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!((p["id"].as_str(), p["status"].as_str()), (Some(id.as_str()), Some("active")));
    assert!(p["published_at"].is_string());
    let platforms = p["platforms"].as_array().unwrap();
    assert_eq!(platforms.len(), 4);
    for pl in platforms {
        assert_eq!(pl["syndication_status"], "pending", "{pl}");
        assert!(pl["platform_listing_url"].is_null(), "{pl}");
    }
    let (s, xml) = call_raw(&app, Method::GET, "/api/v1/listings/feed.xml", Some(&a), None).await;
    let xml = String::from_utf8(xml).unwrap();
    assert_eq!(s, StatusCode::OK);
    assert!(xml.contains(&format!("<ILS_Unit IDValue=\"{id}\">")), "{xml}");
    assert!(xml.contains("<Caption>Virtually staged – Living room</Caption>"));
    assert_eq!(xml.matches("<ILS_Unit ").count(), 1);

    // Detail and list.
    let (s, d) = go(&a, Method::GET, format!("/api/v1/listings/{id}/"), None).await;
    assert_eq!((s, d["platforms"].as_array().map(Vec::len)), (StatusCode::OK, Some(4)), "{d}");
    let (s, list) = go(&a, Method::GET, "/api/v1/listings/?status=active".into(), None).await;
    assert_eq!((s, list["count"].as_u64()), (StatusCode::OK, Some(1)), "{list}");
    let (s, _) = go(&a, Method::GET, "/api/v1/listings/?status=spicy".into(), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, list) = go(&a, Method::GET, "/api/v1/listings/?days_on_market=5".into(), None).await;
    assert_eq!((s, list["count"].as_u64()), (StatusCode::OK, Some(0)), "{list}");
    // Another manager sees none of it.
    let (s, _) = go(&b, Method::GET, format!("/api/v1/listings/{id}/"), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // A lead: scored, the five factors beside the score.
    let (s, lead) = go(
        &a,
        Method::POST,
        "/api/v1/listings/leads/".into(),
        Some(json!({"listing_id": id, "source_platform": "zillow", "prospect_name": "Maya Chen",
            "email": "maya@example.com", "phone": "555-010-2030",
            "message": "Hello, I work as a nurse and need to move asap. Is parking included?",
            "move_in_date": (today() + chrono::Duration::days(10)).to_string()})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{lead}");
    let f = &lead["qualification_factors"];
    for k in ["income_signal", "urgency", "message_quality", "timeline_fit", "completeness"] {
        assert!(f[k].is_number(), "{k}: {lead}");
    }
    let weighted = 0.30 * f["income_signal"].as_f64().unwrap()
        + 0.25 * f["urgency"].as_f64().unwrap()
        + 0.20 * f["message_quality"].as_f64().unwrap()
        + 0.15 * f["timeline_fit"].as_f64().unwrap()
        + 0.10 * f["completeness"].as_f64().unwrap();
    assert_eq!(lead["lead_score"].as_i64(), Some((weighted * 100.0).round() as i64), "{lead}");
    assert_eq!(lead["status"], "new");
    let lead_id = lead["id"].as_str().unwrap().to_string();
    let (s, e) = go(
        &a,
        Method::POST,
        "/api/v1/listings/leads/".into(),
        Some(json!({"listing_id": id, "source_platform": "zillow", "prospect_name": "No Contact"})),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let (s, inbox) = go(&a, Method::GET, "/api/v1/listings/leads/?grade=Z".into(), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{inbox}");
    let (s, inbox) = go(&a, Method::GET, format!("/api/v1/listings/leads/?listing={id}&status=new"), None).await;
    assert_eq!((s, inbox["count"].as_u64()), (StatusCode::OK, Some(1)), "{inbox}");

    // Respond: the exact text is queued; the lead is contacted.
    let (s, r) = go(
        &a,
        Method::POST,
        format!("/api/v1/listings/leads/{lead_id}/respond/"),
        Some(json!({"channel": "email", "message": "Hi Maya, tours run Saturdays at 10. Would that work?"})),
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!((r["lead"]["status"].as_str(), r["channel"].as_str()), (Some("contacted"), Some("email")));
    let queued: String = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT body FROM outbox_message WHERE related_id = $1", &[&Uuid::parse_str(&lead_id).unwrap()])
        .await
        .unwrap()
        .get(0);
    assert_eq!(queued, "Hi Maya, tours run Saturdays at 10. Would that work?");
    let (s, _) =
        go(&a, Method::POST, format!("/api/v1/listings/leads/{lead_id}/respond/"), Some(json!({"channel": "fax"})))
            .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Analytics, competitors, price check and stats in the spec's shapes.
    let (s, row) = go(
        &a,
        Method::POST,
        format!("/api/v1/listings/{id}/analytics/"),
        Some(json!({"platform_name": "zillow", "date": today().to_string(), "views": 200, "inquiries": 5})),
    )
    .await;
    assert_eq!((s, row["conversion_rate"].as_f64()), (StatusCode::CREATED, Some(0.025)), "{row}");
    let (s, an) = go(&a, Method::GET, format!("/api/v1/listings/{id}/analytics/"), None).await;
    assert_eq!((s, an["total_views"].as_i64()), (StatusCode::OK, Some(200)), "{an}");
    for rent in ["1500", "1600", "1700"] {
        let (s, c) = go(
            &a,
            Method::POST,
            format!("/api/v1/listings/{id}/competitors/"),
            Some(json!({"competitor_address": "9 Elm St", "competitor_rent": rent, "competitor_bedrooms": 1})),
        )
        .await;
        assert_eq!(s, StatusCode::CREATED, "{c}");
    }
    let (s, comps) = go(&a, Method::GET, format!("/api/v1/listings/{id}/competitors/"), None).await;
    assert_eq!((s, comps.as_array().map(Vec::len)), (StatusCode::OK, Some(3)), "{comps}");
    let (s, pc) = go(&a, Method::POST, format!("/api/v1/listings/{id}/price-check/"), None).await;
    assert_eq!(s, StatusCode::OK, "{pc}");
    for k in [
        "current_rent",
        "recommended_rent",
        "confidence",
        "reasoning",
        "comparables_count",
        "market_median",
        "days_on_market",
        "view_percentile",
    ] {
        assert!(!pc[k].is_null(), "{k}: {pc}");
    }
    assert_eq!(pc["comparables_count"], 3);
    assert!(pc["current_rent"].is_number());
    let (s, st) = go(&a, Method::GET, "/api/v1/listings/stats/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{st}");
    assert_eq!(st["active_listings"], 1);
    assert_eq!(st["top_platform"], "zillow");
    assert_eq!(st["leads_by_grade"].as_object().unwrap().len(), 4);
    for k in [
        "total_leads_this_month",
        "avg_days_on_market",
        "overall_conversion_rate",
        "top_platform_leads",
        "stale_listings",
    ] {
        assert!(st[k].is_number(), "{k}: {st}");
    }

    // Optimize: each platform within its limits.
    let (s, o) = go(&a, Method::POST, format!("/api/v1/listings/{id}/optimize/"), None).await;
    assert_eq!(s, StatusCode::OK, "{o}");
    for pl in o["platforms"].as_array().unwrap() {
        let limit = pl["title_char_limit"].as_u64().unwrap() as usize;
        assert!(pl["optimized_title"].as_str().unwrap().chars().count() <= limit, "{pl}");
        assert!(pl["keywords_used"].as_array().unwrap().iter().any(|k| k == "in-unit laundry"), "{pl}");
    }

    // Delist: every platform, and out of the feed.
    let (s, dl) = go(&a, Method::POST, format!("/api/v1/listings/{id}/delist/"), None).await;
    assert_eq!((s, dl["status"].as_str()), (StatusCode::OK, Some("delisted")), "{dl}");
    assert!(dl["platforms"].as_array().unwrap().iter().all(|p| p["syndication_status"] == "delisted"));
    let (s, _) = go(&a, Method::POST, format!("/api/v1/listings/{id}/delist/"), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (_, xml) = call_raw(&app, Method::GET, "/api/v1/listings/feed.xml", Some(&a), None).await;
    assert!(!String::from_utf8(xml).unwrap().contains(&id));
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replicas_pushed_listing_actions_are_applied_once() {
    let db = TestDb::new("listingspush", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let unit = free_unit(&db, db.properties[0]).await;
    let (s, l) = call(&app, Method::POST, "/api/v1/listings/", Some(&a), body(json!({"unit_id": unit}))).await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let id = l["id"].as_str().unwrap().to_string();
    let push = |client_id: Uuid, action: Value| {
        let (app, a, id) = (app.clone(), a.clone(), id.clone());
        async move {
            let req =
                json!({"actions": [{"client_id": client_id, "entity": "listing", "entity_id": id, "action": action}]});
            let (s, v) = call(&app, Method::POST, "/api/v1/sync/push", Some(&a), body(req)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v["results"][0].clone()
        }
    };
    let publish = json!({"type": "publish", "platforms": ["zillow", "hotpads"]});
    let first = Uuid::new_v4();
    let r = push(first, publish.clone()).await;
    assert_eq!((r["outcome"].as_str(), r["duplicate"].as_bool()), (Some("applied"), Some(false)), "{r}");
    let r = push(first, publish).await;
    assert_eq!((r["outcome"].as_str(), r["duplicate"].as_bool()), (Some("applied"), Some(true)), "{r}");
    let r = push(Uuid::new_v4(), json!({"type": "publish", "platforms": ["myspace"]})).await;
    assert_eq!(r["outcome"], "rejected", "{r}");
    let r = push(Uuid::new_v4(), json!({"type": "shred"})).await;
    assert_eq!(r["outcome"], "rejected", "{r}");
    let (_, d) = call(&app, Method::GET, &format!("/api/v1/listings/{id}/"), Some(&a), None).await;
    assert_eq!((d["status"].as_str(), d["platforms"].as_array().map(Vec::len)), (Some("active"), Some(2)), "{d}");
    let r = push(Uuid::new_v4(), json!({"type": "delist"})).await;
    assert_eq!(r["outcome"], "applied", "{r}");
    let (_, d) = call(&app, Method::GET, &format!("/api/v1/listings/{id}/"), Some(&a), None).await;
    assert_eq!(d["status"], "delisted", "{d}");
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replicas_pushed_edit_reorders_the_photos_and_never_invents_or_restages_one() {
    let db = TestDb::new("listingsedit", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let unit = free_unit(&db, db.properties[0]).await;
    let photos = json!([
        {"url": "https://img.test/1.jpg", "caption": "Living room (virtually staged)", "order": 0, "virtually_staged": true},
        {"url": "https://img.test/2.jpg", "caption": "Kitchen", "order": 1},
    ]);
    let (s, l) =
        call(&app, Method::POST, "/api/v1/listings/", Some(&a), body(json!({"unit_id": unit, "photos": photos}))).await;
    assert_eq!(s, StatusCode::CREATED, "{l}");
    let id = l["id"].as_str().unwrap().to_string();
    let push = |action: Value| {
        let (app, a, id) = (app.clone(), a.clone(), id.clone());
        async move {
            let req = json!({"actions": [{"client_id": Uuid::new_v4(), "entity": "listing", "entity_id": id, "action": action}]});
            let (s, v) = call(&app, Method::POST, "/api/v1/sync/push", Some(&a), body(req)).await;
            assert_eq!(s, StatusCode::OK, "{v}");
            v["results"][0].clone()
        }
    };
    let edit = json!({"type": "edit", "title": "Sunny corner home", "description": "Quiet street.", "photos": [
        {"url": "https://img.test/2.jpg", "caption": "Open kitchen"},
        {"url": "https://img.test/1.jpg", "caption": "Living room"},
    ]});
    let r = push(edit).await;
    assert_eq!(r["outcome"], "applied", "{r}");
    let (_, d) = call(&app, Method::GET, &format!("/api/v1/listings/{id}/"), Some(&a), None).await;
    assert_eq!(d["title"], "Sunny corner home", "{d}");
    assert_eq!(
        d["photos"],
        json!([
            {"url": "https://img.test/2.jpg", "caption": "Open kitchen", "order": 0},
            {"url": "https://img.test/1.jpg", "caption": "Living room (virtually staged)", "order": 1, "virtually_staged": true},
        ])
    );
    let invented = json!({"type": "edit", "title": "T", "description": "D", "photos": [
        {"url": "https://img.test/9.jpg", "caption": ""}, {"url": "https://img.test/1.jpg", "caption": ""},
    ]});
    let r = push(invented).await;
    assert_eq!(r["outcome"], "rejected", "{r}");
    let restaged = json!({"type": "edit", "title": "T", "description": "D", "photos": [
        {"url": "https://img.test/2.jpg", "caption": "", "virtually_staged": true}, {"url": "https://img.test/1.jpg", "caption": ""},
    ]});
    let r = push(restaged).await;
    assert_eq!(r["outcome"], "rejected", "{r}");
    let (_, after) = call(&app, Method::GET, &format!("/api/v1/listings/{id}/"), Some(&a), None).await;
    assert_eq!((&after["title"], &after["photos"]), (&d["title"], &d["photos"]), "nothing changed by a refused edit");
    db.finish().await;
}
