//! Smart showings (spec 5.2) over HTTP: a prospect made, the day's slots, a showing booked (its
//! no-show risk with the factors), a clashing booking refused (409) and one outside the hours
//! (422), the self-guided access code refused before identity verification and then issued
//! (8 characters, 60 minutes), confirm, complete, feedback and its themes, the funnel, the
//! calendar, cancel, a tour booked from a listing lead, bad input refused and another manager
//! seeing none of it.

mod common;

use axum::http::{Method, StatusCode};
use axum::Router;
use chrono::{DateTime, Utc};
use common::*;
use serde_json::{json, Value};
use uuid::Uuid;

async fn multipart(app: &Router, uri: &str, token: &str, parts: &[(&str, &[u8])]) -> (StatusCode, Value) {
    let boundary = "XshowingsX";
    let mut bytes = Vec::new();
    for (name, data) in parts {
        bytes.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{name}.png\"\r\n\
                 Content-Type: image/png\r\n\r\n"
            )
            .as_bytes(),
        );
        bytes.extend_from_slice(data);
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    post_bytes(app, uri, token, bytes, &format!("multipart/form-data; boundary={boundary}")).await
}

/// A PNG's first bytes (enough for the upload to be recognised as an image).
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89";

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

/// A 5.1 listing of the property's first unit, inserted as the syndication feature stores it.
async fn listing(db: &TestDb, property: Uuid) -> Uuid {
    let c = db.pool.get().await.unwrap();
    let unit: Uuid = c
        .query_one("SELECT id FROM units_unit WHERE property_id = $1 ORDER BY unit_number, id LIMIT 1", &[&property])
        .await
        .unwrap()
        .get(0);
    let id = Uuid::new_v4();
    c.execute(
        "INSERT INTO listing (id, unit_id, property_id, status, asking_rent, title, description, created_at, updated_at) \
         VALUES ($1, $2, $3, 'active', 1850.00, 'Sunny 2BR near the park', 'A bright unit.', $4, $4)",
        &[&id, &unit, &property, &now()],
    )
    .await
    .unwrap();
    id
}

async fn lead(db: &TestDb, listing: Uuid, property: Uuid, email: &str) -> Uuid {
    let id = Uuid::new_v4();
    db.pool
        .get()
        .await
        .unwrap()
        .execute(
            "INSERT INTO listing_lead (id, listing_id, property_id, source_platform, prospect_name, email, lead_score, \
             lead_grade, status, created_at, updated_at) VALUES ($1, $2, $3, 'zillow', 'Lee Park', $4, 82, 'A', 'new', $5, $5)",
            &[&id, &listing, &property, &email, &(now() - chrono::Duration::hours(3))],
        )
        .await
        .unwrap();
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prospect_tours_from_booking_through_access_feedback_and_the_funnel() {
    let db = TestDb::new("showings", 400).await;
    let app = db.router();
    let a = db.token(MANAGER_A).await;
    let b = db.token(MANAGER_B).await;
    let property = db.properties[0];
    let listing = listing(&db, property).await;

    // A prospect with pre-screening; bad input is a 400.
    let new = json!({"listing_id": listing, "name": "Dana Reyes", "email": "dana@example.com", "phone": "555-0142",
        "pre_screening": {"income_range": "75k-100k", "move_in_date": "2026-07-01", "pets": true, "occupants": 2}});
    let (s, dana) = call(&app, Method::POST, "/api/v1/prospects/", Some(&a), body(new)).await;
    assert_eq!(s, StatusCode::CREATED, "{dana}");
    assert_eq!((dana["nurture_stage"].as_str(), dana["identity_verified"].as_bool()), (Some("new"), Some(false)));
    assert_eq!(dana["property_id"], json!(property));
    for bad in [
        json!({"listing_id": listing, "name": "X", "email": "not-an-email"}),
        json!({"name": "X", "email": "x@example.com"}),
        json!({"listing_id": listing, "name": "", "email": "x@example.com"}),
    ] {
        let (s, e) = call(&app, Method::POST, "/api/v1/prospects/", Some(&a), body(bad)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    }
    let dana_id = dana["id"].as_str().unwrap().to_string();

    // Tuesday's slots (default hours: 09:00-18:00 at the property).
    let (s, day) = call(
        &app,
        Method::GET,
        &format!("/api/v1/showings/slots/?property={property}&date=2026-06-16"),
        Some(&a),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK, "{day}");
    let slots = day["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 9, "{day}");
    assert_eq!((day["max_per_day"].as_i64(), day["remaining_today"].as_i64()), (Some(8), Some(8)));
    let (first, second) =
        (slots[0]["start"].as_str().unwrap().to_string(), slots[1]["start"].as_str().unwrap().to_string());
    let (s, _) = call(&app, Method::GET, &format!("/api/v1/showings/slots/?property={property}"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // A guided showing at the first slot: scored with its five factors.
    let book = |prospect: &str, t: &str, when: &str| {
        body(json!({"listing_id": listing, "prospect_id": prospect, "showing_type": t, "scheduled_at": when}))
    };
    let (s, guided) = call(&app, Method::POST, "/api/v1/showings/", Some(&a), book(&dana_id, "guided", &first)).await;
    assert_eq!(s, StatusCode::CREATED, "{guided}");
    assert_eq!(guided["status"], "scheduled");
    assert_eq!(guided["no_show_risk_factors"].as_array().unwrap().len(), 5, "{guided}");
    assert!(["low", "medium", "high"].contains(&guided["no_show_risk_level"].as_str().unwrap()));
    assert_eq!(guided["no_show_risk_factors"][0]["factor"], "historical_attendance");
    assert_eq!(guided["no_show_risk_factors"][0]["weight"], 0.3);
    let guided_id = guided["id"].as_str().unwrap().to_string();

    // Another prospect at an overlapping time of the same listing: 409; at night: 422; bad type: 400.
    let (_, lee) = call(
        &app,
        Method::POST,
        "/api/v1/prospects/",
        Some(&a),
        body(json!({"listing_id": listing, "name": "Lee Park", "email": "lee@example.com"})),
    )
    .await;
    let lee_id = lee["id"].as_str().unwrap().to_string();
    let (s, e) = call(&app, Method::POST, "/api/v1/showings/", Some(&a), book(&lee_id, "guided", &first)).await;
    assert_eq!(s, StatusCode::CONFLICT, "{e}");
    let night = (at(&first) - chrono::Duration::hours(6)).to_rfc3339();
    let (s, e) = call(&app, Method::POST, "/api/v1/showings/", Some(&a), book(&lee_id, "guided", &night)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let (s, e) = call(&app, Method::POST, "/api/v1/showings/", Some(&a), book(&lee_id, "drive_by", &second)).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");

    // Self-guided: no code until the prospect's identity is verified.
    let (s, selfg) =
        call(&app, Method::POST, "/api/v1/showings/", Some(&a), book(&lee_id, "self_guided", &second)).await;
    assert_eq!(s, StatusCode::CREATED, "{selfg}");
    let selfg_id = selfg["id"].as_str().unwrap().to_string();
    let code_uri = format!("/api/v1/showings/{selfg_id}/access-code/");
    let (s, e) = call(&app, Method::POST, &code_uri, Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    assert!(e.to_string().contains("verified their identity"), "{e}");
    let verify = format!("/api/v1/prospects/{lee_id}/verify-identity/");
    let (s, p) = multipart(&app, &verify, &a, &[("id_document", PNG), ("selfie", PNG)]).await;
    assert_eq!(s, StatusCode::OK, "{p}");
    assert_eq!(
        (p["identity_verified"].as_bool(), p["verification_method"].as_str()),
        (Some(true), Some("documents_on_file"))
    );
    // The JSON form: where the documents are kept (an address that is not https is refused).
    let dana_verify = format!("/api/v1/prospects/{dana_id}/verify-identity/");
    let (s, e) = call(&app, Method::POST, &dana_verify, Some(&a), body(json!({"id_document_url": "ftp://x"}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{e}");
    let urls = json!({"id_document_url": "https://files.example.com/id.jpg", "selfie_url": "https://files.example.com/me.jpg"});
    let (s, d) = call(&app, Method::POST, &dana_verify, Some(&a), body(urls)).await;
    assert_eq!((s, d["identity_verified"].as_bool()), (StatusCode::OK, Some(true)), "{d}");
    let (s, code) = call(&app, Method::POST, &code_uri, Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{code}");
    let keys: Vec<&str> = code.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        ["access_code", "duration_minutes", "expires_at", "identity_verified", "instructions", "showing_id"]
    );
    assert_eq!(code["access_code"].as_str().unwrap().len(), 8);
    assert_eq!(code["duration_minutes"], 60);
    assert_eq!(at(code["expires_at"].as_str().unwrap()), at(&second) + chrono::Duration::minutes(60));
    assert!(code["instructions"]
        .as_str()
        .unwrap()
        .starts_with("Enter code on the smart lock keypad. Code is valid from "));
    // The guided showing gets no code.
    let (s, _) = call(&app, Method::POST, &format!("/api/v1/showings/{guided_id}/access-code/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Confirm; another manager sees none of it.
    let (s, c) = call(&app, Method::POST, &format!("/api/v1/showings/{guided_id}/confirm/"), Some(&a), None).await;
    assert_eq!((s, c["status"].as_str()), (StatusCode::OK, Some("confirmed")), "{c}");
    let (s, _) = call(&app, Method::POST, &format!("/api/v1/showings/{guided_id}/confirm/"), Some(&b), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, theirs) = call(&app, Method::GET, "/api/v1/showings/", Some(&b), None).await;
    assert_eq!(theirs, json!([]));
    let (s, list) =
        call(&app, Method::GET, &format!("/api/v1/showings/?listing={listing}&showing_type=guided"), Some(&a), None)
            .await;
    assert_eq!((s, list.as_array().unwrap().len()), (StatusCode::OK, 1), "{list}");
    let (s, _) = call(&app, Method::GET, "/api/v1/showings/?status=gone", Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // Not started yet: not completed. After the tour (the API's clock the next evening): completed.
    let (s, _) = call(&app, Method::POST, &format!("/api/v1/showings/{guided_id}/complete/"), Some(&a), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let later = at("2026-06-16T23:00:00Z");
    let app2 = db.router_at(later);
    let a2 = db.token_at(MANAGER_A, later).await;
    let (s, done) =
        call(&app2, Method::POST, &format!("/api/v1/showings/{guided_id}/complete/"), Some(&a2), None).await;
    assert_eq!((s, done["status"].as_str()), (StatusCode::OK, Some("completed")), "{done}");

    // Feedback: a rating out of range is refused; a good one is analysed; a second is a conflict.
    let fb = format!("/api/v1/showings/{guided_id}/feedback/");
    let (s, _) = call(&app2, Method::POST, &fb, Some(&a2), body(json!({"overall_rating": 9}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let feedback = json!({"overall_rating": 4, "liked": ["kitchen", "natural_light"], "disliked": ["parking"],
        "comments": "Loved the kitchen, parking looks hard.", "would_apply": true, "price_perception": "fair"});
    let (s, f) = call(&app2, Method::POST, &fb, Some(&a2), body(feedback.clone())).await;
    assert_eq!(s, StatusCode::CREATED, "{f}");
    assert!(f["key_themes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["theme"] == "kitchen" && t["sentiment"] == "positive"));
    let score = f["sentiment_score"].as_f64().unwrap();
    assert!((-1.0..=1.0).contains(&score), "{f}");
    let (s, _) = call(&app2, Method::POST, &fb, Some(&a2), body(feedback)).await;
    assert_eq!(s, StatusCode::CONFLICT);
    let (s, themes) =
        call(&app2, Method::GET, &format!("/api/v1/showings/feedback/themes/?listing={listing}"), Some(&a2), None)
            .await;
    assert_eq!(s, StatusCode::OK, "{themes}");
    assert_eq!(themes["feedback_count"], 1);
    assert_eq!(themes["themes"][0]["theme"], "kitchen", "{themes}");

    // Cancel the self-guided one (idempotent); a cancelled showing is not completed.
    let cancel = format!("/api/v1/showings/{selfg_id}/cancel/");
    let (s, c) = call(&app, Method::POST, &cancel, Some(&a), body(json!({"reason": "Prospect rescheduling"}))).await;
    assert_eq!(
        (s, c["status"].as_str(), c["access_code"].as_str()),
        (StatusCode::OK, Some("cancelled"), Some("")),
        "{c}"
    );
    let (s, _) = call(&app, Method::POST, &cancel, Some(&a), None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _) = call(&app2, Method::POST, &format!("/api/v1/showings/{selfg_id}/complete/"), Some(&a2), None).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);

    // A lead's tour: the prospect made from the lead, the lead moved to touring.
    let lead_id = lead(&db, listing, property, "sam@example.com").await;
    let third = slots[3]["start"].as_str().unwrap().to_string();
    let (s, t) = call(
        &app,
        Method::POST,
        &format!("/api/v1/listings/leads/{lead_id}/schedule-tour/"),
        Some(&a),
        body(json!({"showing_type": "virtual", "scheduled_at": third})),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{t}");
    assert_eq!(t["prospect_name"], "Lee Park");
    let status: String = db
        .pool
        .get()
        .await
        .unwrap()
        .query_one("SELECT status FROM listing_lead WHERE id = $1", &[&lead_id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "touring");
    let (s, _) = call(
        &app,
        Method::POST,
        &format!("/api/v1/listings/leads/{}/schedule-tour/", Uuid::new_v4()),
        Some(&a),
        body(json!({"showing_type": "virtual", "scheduled_at": third})),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The calendar of the week and the funnel of the last 30 days.
    let (s, cal) =
        call(&app, Method::GET, "/api/v1/showings/calendar/?start=2026-06-15&end=2026-06-21", Some(&a), None).await;
    assert_eq!(s, StatusCode::OK, "{cal}");
    let booked: usize = cal["days"].as_array().unwrap().iter().map(|d| d["showings"].as_array().unwrap().len()).sum();
    assert_eq!(booked, 3, "{cal}");
    let (s, funnel) = call(&app2, Method::GET, "/api/v1/showings/funnel/", Some(&a2), None).await;
    assert_eq!(s, StatusCode::OK, "{funnel}");
    let keys: Vec<&str> = funnel.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "applications",
            "avg_no_show_risk_score",
            "by_type",
            "feedback_submitted",
            "lead_to_tour_rate",
            "leads",
            "no_show_rate",
            "no_shows",
            "overall_conversion_rate",
            "period",
            "tour_to_apply_rate",
            "tours_completed",
            "tours_scheduled"
        ]
    );
    assert_eq!(funnel["period"], "last_30_days");
    assert_eq!((funnel["leads"].as_i64(), funnel["tours_scheduled"].as_i64()), (Some(1), Some(2)), "{funnel}");
    assert_eq!((funnel["tours_completed"].as_i64(), funnel["feedback_submitted"].as_i64()), (Some(1), Some(1)));
    assert_eq!(funnel["by_type"]["guided"], json!({"scheduled": 1, "completed": 1, "no_show": 0, "applied": 0}));
    db.finish().await;
}
