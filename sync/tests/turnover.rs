//! Turnover (spec 2.1) end to end on the server, and the same workflow on a replica: a tenant
//! gives notice → the case opens in the same transaction → stages one at a time → deductions,
//! one approved → the letter states the deposit, the deduction and the refund → the case syncs
//! to a replica → the daily job marks it leased when the unit's next lease starts.

mod common;

use axum::http::{Method, StatusCode};
use common::*;
use serde_json::{json, Value};
use unitcycle_core::lifecycle::LifecycleAction;
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::Store;
use unitcycle_core::turnover::port::TurnoverPort;
use unitcycle_core::turnover::workflow;
use unitcycle_core::turnover::Stage;
use unitcycle_sync::scheduler;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notice_opens_a_case_that_moves_through_the_pipeline_to_a_letter() {
    let db = TestDb::new("turnover", 450).await;
    let app = db.router();
    let token = db.token(MANAGER_A).await;
    let call = |m: Method, path: String, v: Option<Value>| {
        let (app, token) = (app.clone(), token.clone());
        async move { call(&app, m, &path, Some(&token), v.and_then(body)).await }
    };

    let (s, leases) = call(Method::GET, "/api/v1/tenants/leases/?lease_status=active&page_size=5".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{leases}");
    let lease = leases["results"][0].clone();
    let lease_id = lease["id"].as_str().unwrap().to_string();
    let (s, before) = call(Method::GET, "/api/v1/turnover/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{before}");

    // Notice: the case opens with the lease's transition.
    let notice = json!({"notice_date": "2026-06-15", "notice_move_out_date": "2026-07-15"});
    let (s, v) = call(Method::POST, format!("/api/v1/tenants/leases/{lease_id}/give-notice/"), Some(notice)).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    let (_, list) = call(Method::GET, "/api/v1/turnover/?stage=notice".into(), None).await;
    let case = list["results"].as_array().unwrap().iter().find(|c| c["lease_id"] == lease_id.as_str()).cloned();
    let case = case.unwrap_or_else(|| panic!("no case for {lease_id}: {list}"));
    assert_eq!(list["count"].as_u64().unwrap(), before["count"].as_u64().unwrap() + 1);
    assert_eq!((case["stage"].as_str(), case["expected_move_out"].as_str()), (Some("notice"), Some("2026-07-15")));
    let id = case["id"].as_str().unwrap().to_string();
    let (s, detail) = call(Method::GET, format!("/api/v1/turnover/{id}/"), None).await;
    assert_eq!(s, StatusCode::OK, "{detail}");
    assert_eq!(detail["checklist_items"].as_array().unwrap().len(), 8);
    assert_eq!(detail["make_ready_estimated_cost"], "1310.00");
    assert_eq!(detail["letter_deadline"], "2026-08-14");
    let deposit: rust_decimal::Decimal = detail["security_deposit"].as_str().unwrap().parse().unwrap();

    // The board and the figures.
    let (s, board) = call(Method::GET, "/api/v1/turnover/kanban/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{board}");
    assert!(board["notice"]["cases"].as_array().unwrap().iter().any(|c| c["id"] == id.as_str()), "{board}");
    assert_eq!(board.as_object().unwrap().len(), 5, "every stage is a column");
    let (s, stats) = call(Method::GET, "/api/v1/turnover/dashboard-stats/".into(), None).await;
    assert_eq!(s, StatusCode::OK, "{stats}");
    assert!(stats["count_per_stage"][0]["count"].as_u64().unwrap() >= 1, "{stats}");

    // Stages one at a time: skipping is a 400 naming the next stage.
    let advance = |stage: &str| json!({ "stage": stage });
    let (s, v) = call(Method::POST, format!("/api/v1/turnover/{id}/advance-stage/"), Some(advance("make_ready"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    assert!(v["detail"].as_str().unwrap().contains("Pre-Inspection"), "{v}");
    let (s, v) = call(Method::POST, format!("/api/v1/turnover/{id}/advance-stage/"), Some(advance("inspect"))).await;
    assert_eq!((s, v["stage"].as_str()), (StatusCode::OK, Some("inspect")), "{v}");
    let (s, v) = call(Method::POST, format!("/api/v1/turnover/{id}/advance-stage/"), Some(advance("sold"))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");

    // Deductions: bad input refused; one approved, one not.
    for bad in [
        json!({"category": "roof", "description": "x", "amount": 10}),
        json!({"category": "paint", "description": "", "amount": 10}),
        json!({"category": "paint", "description": "Wall", "amount": -5}),
        json!({"category": "paint", "description": "Wall", "amount": "ten"}),
    ] {
        let (s, v) = call(Method::POST, format!("/api/v1/turnover/{id}/deductions/"), Some(bad)).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{v}");
    }
    let paint = json!({"category": "paint", "description": "Repaint scuffed bedroom wall", "amount": 150});
    let (s, d) = call(Method::POST, format!("/api/v1/turnover/{id}/deductions/"), Some(paint)).await;
    assert_eq!((s, d["approved"].as_bool()), (StatusCode::CREATED, Some(false)), "{d}");
    let carpet = json!({"category": "carpet", "description": "Replace stained carpet", "amount": "400.00"});
    let (s, _) = call(Method::POST, format!("/api/v1/turnover/{id}/deductions/"), Some(carpet)).await;
    assert_eq!(s, StatusCode::CREATED);
    let did = d["id"].as_str().unwrap();
    let (s, v) = call(Method::POST, format!("/api/v1/turnover/{id}/deductions/{did}/approve/"), None).await;
    assert_eq!(s, StatusCode::OK, "{v}");
    assert_eq!(v["total_deductions"], "150.00");
    let refund = deposit - rust_decimal::Decimal::from(150);
    assert_eq!(v["refund_amount"].as_str().unwrap().parse::<rust_decimal::Decimal>().unwrap(), refund);

    // A make-ready item done at its actual cost.
    let item = v["checklist_items"][0]["id"].as_str().unwrap().to_string();
    let (s, v) = call(
        Method::POST,
        format!("/api/v1/turnover/{id}/checklist/{item}/complete/"),
        Some(json!({"actual_cost": "240.00"})),
    )
    .await;
    assert_eq!((s, v["make_ready_actual_cost"].as_str()), (StatusCode::OK, Some("240.00")), "{v}");

    // The letter states the record's figures, and only the approved deduction.
    let (s, letter) = call(Method::POST, format!("/api/v1/turnover/{id}/generate-deduction-letter/"), None).await;
    assert_eq!(s, StatusCode::OK, "{letter}");
    let text = letter["letter_text"].as_str().unwrap();
    let money = |d: rust_decimal::Decimal| unitcycle_core::format::money(d);
    for figure in [money(deposit), "$150.00".to_string(), money(refund)] {
        assert!(text.contains(&figure), "{figure} in {text}");
    }
    assert!(!text.contains("$400.00"), "{text}");
    assert_eq!(
        (letter["within_deadline"].as_bool(), letter["case"]["deduction_letter_generated"].as_bool()),
        (Some(true), Some(true))
    );
    assert!(letter["document"].as_str().is_some_and(|s| s.len() == 64), "{letter}");

    // A reader may look but not act; a case outside the caller's properties is not found.
    let reader = db.token(READER).await;
    let (s, _) =
        call_raw(&app, Method::POST, &format!("/api/v1/turnover/{id}/advance-stage/"), Some(&reader), None).await;
    assert!(s == StatusCode::FORBIDDEN || s == StatusCode::NOT_FOUND, "{s}");
    let other = db.token(MANAGER_B).await;
    let (s, _) = common::call(&app, Method::GET, &format!("/api/v1/turnover/{id}/"), Some(&other), None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);

    // The daily job: idempotent (a second run writes nothing).
    let gateway = std::sync::Arc::new(unitcycle_core::ai::Gateway::offline("test".into()));
    let at = now() + chrono::Duration::days(1);
    scheduler::run_job_report(&db.pool, &gateway, unitcycle_core::jobs::Job::TurnoverDaily, at).await.unwrap();

    // The case and its rows reach a replica.
    let url = db.serve().await;
    let (store, _) = replica(&url, &token).await;
    let on_replica = TurnoverPort::turnover_case(&store, id.parse().unwrap()).unwrap();
    assert_eq!((on_replica.stage, on_replica.total_deductions.to_string()), (Stage::Inspect, "150.00".into()));
    assert_eq!(store.turnover_deductions(on_replica.id).unwrap().len(), 2);
    assert_eq!(store.turnover_checklist(on_replica.id).unwrap().iter().filter(|i| i.completed).count(), 1);
    db.finish().await;
}

/// The same pipeline on a standalone replica, through the same workflow functions.
#[test]
fn on_a_replica_notice_opens_the_case_and_the_next_lease_closes_it() {
    let mut store = Store::in_memory().unwrap();
    let day = today();
    unitcycle_core::demo::generate(&mut store, &unitcycle_core::demo::DemoConfig { units: 60, seed: 3, today: day })
        .unwrap();
    let lease = store.leases_in(&[LeaseStatus::Active]).unwrap().remove(0);
    let give = LifecycleAction::GiveNotice {
        notice_date: day,
        notice_move_out_date: day + chrono::Duration::days(20),
        reason: String::new(),
    };
    store.apply_lifecycle_action(lease.id, &give, "user:test", now()).unwrap();
    let case = store.turnover_cases().unwrap().into_iter().find(|c| c.lease_id == lease.id).unwrap();
    assert_eq!(store.turnover_checklist(case.id).unwrap().len(), 8);
    // Notice again on the same lease (after a refusal) never opens a second case.
    assert!(store.apply_lifecycle_action(lease.id, &give, "user:test", now()).is_err());
    assert_eq!(store.turnover_cases().unwrap().iter().filter(|c| c.lease_id == lease.id).count(), 1);

    let err = workflow::advance_stage(&mut store, case.id, Stage::Listed, now()).unwrap_err();
    assert!(err.to_string().contains("Pre-Inspection"), "{err}");
    for stage in [Stage::Inspect, Stage::MakeReady, Stage::Listed] {
        workflow::advance_stage(&mut store, case.id, stage, now()).unwrap();
    }
    let err = workflow::advance_stage(&mut store, case.id, Stage::Leased, now()).unwrap_err();
    assert!(err.to_string().contains("next lease"), "{err}");

    // The daily job twice on the same day: the second run changes nothing.
    let first = workflow::daily(&mut store, day, now()).unwrap();
    let second = workflow::daily(&mut store, day, now()).unwrap();
    assert_eq!((second.opened, second.updated), (0, 0), "{first:?} then {second:?}");
}
