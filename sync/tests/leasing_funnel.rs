//! Filling a vacant unit, end to end over HTTP (issue 25): the vacant unit gets a listing, the
//! listing is published, a lead arrives and is scored, the lead books a tour, the tour is
//! completed and the prospect leaves feedback, the prospect applies (screening), and the funnel,
//! the lead and the prospect all show the application started.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_vacant_unit_goes_from_listing_to_lead_tour_feedback_and_application() {
    let db = TestDb::new("funnel", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let property = db.properties[0];
    let go = |m: Method, path: String, v: Option<Value>| {
        let (app, a) = (app.clone(), a.clone());
        async move { call(&app, m, &path, Some(&a), v.and_then(body)).await }
    };

    // The vacant unit: no active or month-to-month lease, with a market rent.
    let unit: Uuid = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one(
            "SELECT u.id FROM units_unit u WHERE u.property_id = $1 AND u.archived_at IS NULL AND u.market_rent > 0
             AND NOT EXISTS (SELECT 1 FROM tenant_lease l WHERE l.unit_id = u.id
                 AND l.lease_status IN ('active', 'month_to_month', 'notice'))
             ORDER BY u.id LIMIT 1",
            &[&property],
        )
        .await
        .unwrap()
        .get(0);

    // Listing: drafted from the unit record, then published.
    let (s, listing) = go(Method::POST, "/api/v1/listings/".into(), Some(json!({"unit_id": unit}))).await;
    assert_eq!(s, StatusCode::CREATED, "{listing}");
    let listing_id = listing["id"].as_str().unwrap().to_string();
    let (s, p) =
        go(Method::POST, format!("/api/v1/listings/{listing_id}/publish/"), Some(json!({"platforms": ["zillow"]})))
            .await;
    assert_eq!((s, p["status"].as_str()), (StatusCode::OK, Some("active")), "{p}");

    // Lead: scored with its factors.
    let email = "rosa.m@example.com";
    let (s, lead) = go(
        Method::POST,
        "/api/v1/listings/leads/".into(),
        Some(json!({"listing_id": listing_id, "source_platform": "zillow", "prospect_name": "Rosa Martinez",
            "email": email, "phone": "555-010-4455",
            "message": "Hi! I'm a software engineer relocating for work and need a place by the 1st. Is parking included?",
            "move_in_date": (today() + chrono::Duration::days(14)).to_string()})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{lead}");
    assert!(lead["lead_score"].as_i64().unwrap() > 0 && lead["qualification_factors"].is_object(), "{lead}");
    let lead_id = lead["id"].as_str().unwrap().to_string();

    // Tour: booked from the lead at the first open slot tomorrow.
    let tomorrow = today() + chrono::Duration::days(1);
    let (s, day) = go(Method::GET, format!("/api/v1/showings/slots/?property={property}&date={tomorrow}"), None).await;
    assert_eq!(s, StatusCode::OK, "{day}");
    let slot = day["slots"][0]["start"].as_str().unwrap().to_string();
    let (s, showing) = go(
        Method::POST,
        format!("/api/v1/listings/leads/{lead_id}/schedule-tour/"),
        Some(json!({"showing_type": "guided", "scheduled_at": slot})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{showing}");
    let showing_id = showing["id"].as_str().unwrap().to_string();
    let prospect_id = showing["prospect_id"].as_str().unwrap().to_string();
    let (s, leads) = go(Method::GET, format!("/api/v1/listings/leads/?listing={listing_id}"), None).await;
    assert_eq!(s, StatusCode::OK, "{leads}");
    assert!(leads.to_string().contains("\"touring\""), "{leads}");

    // The tour happens: confirmed, completed after its hour, feedback left.
    let (s, c) = go(Method::POST, format!("/api/v1/showings/{showing_id}/confirm/"), None).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let later: chrono::DateTime<chrono::Utc> =
        slot.parse::<chrono::DateTime<chrono::Utc>>().unwrap() + chrono::Duration::hours(2);
    let app2 = db.router_at(later);
    let a2 = db.token_at(MANAGER_A, later).await;
    let (s, done) =
        call(&app2, Method::POST, &format!("/api/v1/showings/{showing_id}/complete/"), Some(&a2), None).await;
    assert_eq!((s, done["status"].as_str()), (StatusCode::OK, Some("completed")), "{done}");
    let (s, fb) = call(
        &app2,
        Method::POST,
        &format!("/api/v1/showings/{showing_id}/feedback/"),
        Some(&a2),
        body(json!({"overall_rating": 5, "liked": ["kitchen"], "disliked": [], "comments": "Loved it.",
            "would_apply": true, "price_perception": "fair"})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{fb}");

    // The application starts: the public screening form with the prospect's email.
    let (s, applied) = call(
        &app2,
        Method::POST,
        "/api/v1/screening/apply/",
        None,
        body(json!({
            "unit_id": unit, "first_name": "Rosa", "last_name": "Martinez", "email": email, "phone": "555-010-4455",
            "date_of_birth": "1990-04-02", "ssn_last_four": "4321", "employer_name": "Northwind Software",
            "job_title": "Engineer", "monthly_income": "9000.00", "employment_start_date": "2021-01-04",
            "income_verification_type": "pay_stubs", "previous_lease_duration_months": 24,
            "previous_landlord_name": "Pat Landlord", "num_occupants": 1
        })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{applied}");
    let application_id = applied["id"].as_str().unwrap().to_string();

    // The prospect, the lead and the tour all show the application.
    let c = db.pool.get().await.unwrap();
    let row = c
        .query_one(
            "SELECT p.nurture_stage, p.converted_to_application::text, l.status, s.conversion_outcome
             FROM prospect p, listing_lead l, showing s WHERE p.id = $1 AND l.id = $2 AND s.id = $3",
            &[
                &prospect_id.parse::<Uuid>().unwrap(),
                &lead_id.parse::<Uuid>().unwrap(),
                &showing_id.parse::<Uuid>().unwrap(),
            ],
        )
        .await
        .unwrap();
    let got: (String, Option<String>, String, String) = (row.get(0), row.get(1), row.get(2), row.get(3));
    assert_eq!(got, ("applied".into(), Some(application_id), "applied".into(), "applied".into()));

    // The funnel counts the whole path: one lead, one tour completed with feedback, one application.
    let (s, f) = call(&app2, Method::GET, "/api/v1/showings/funnel/", Some(&a2), None).await;
    assert_eq!(s, StatusCode::OK, "{f}");
    let counts: Vec<i64> = ["leads", "tours_scheduled", "tours_completed", "feedback_submitted", "applications"]
        .iter()
        .map(|k| f[k].as_i64().unwrap_or(-1))
        .collect();
    assert_eq!(counts, [1, 1, 1, 1, 1], "{f}");
    db.finish().await;
}
