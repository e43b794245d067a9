//! The lifecycle jobs and actions against a real SQLite replica.

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::lifecycle::LifecycleAction;
use unitcycle_core::model::{LeaseStatus, UnitStatus};
use unitcycle_core::store::{LeaseFilter, Store, StoreError};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str, hour: u32) -> DateTime<Utc> {
    d(s).and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

fn demo_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 400, seed: 11, today: d("2026-11-25") }).unwrap();
    store
}

fn log_rows(store: &Store) -> i64 {
    store.conn().query_row("SELECT COUNT(*) FROM lease_status_log", [], |r| r.get(0)).unwrap()
}

#[test]
fn daily_job_twice_changes_nothing_the_second_time() {
    let mut store = demo_store();
    // The demo is classified for its own day (2026-11-25); a month on, leases have expired
    // and notices have reached their move-out.
    let today = d("2026-12-26");
    let first = jobs::run(&mut store, Job::ClassifyLeaseStatuses, today, at("2026-12-26", 2)).unwrap();
    let logs_after_first = log_rows(&store);
    let stats_after_first = store.lifecycle_stats(&LeaseFilter::default(), today).unwrap();
    assert!(first.summary.starts_with("Transitioned "), "{}", first.summary);
    assert_ne!(first.summary, "Transitioned 0 to MTM, 0 to vacant.");

    let second = jobs::run(&mut store, Job::ClassifyLeaseStatuses, today, at("2026-12-26", 3)).unwrap();
    assert_eq!(second.summary, "Transitioned 0 to MTM, 0 to vacant.");
    assert_eq!(log_rows(&store), logs_after_first, "no duplicate log rows");
    assert_eq!(store.lifecycle_stats(&LeaseFilter::default(), today).unwrap(), stats_after_first);

    // Both runs are recorded.
    let runs = store.job_runs(10).unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r.outcome == "succeeded" && r.finished_at.is_some()));
}

#[test]
fn daily_job_leaves_no_expired_active_lease_and_vacates_units() {
    let mut store = demo_store();
    let today = d("2026-11-25");
    let notices_due: Vec<_> = store
        .leases_in(&[LeaseStatus::Notice])
        .unwrap()
        .into_iter()
        .filter(|l| l.notice_move_out_date.unwrap() < today)
        .collect();
    assert!(!notices_due.is_empty(), "the demo has notices past move-out");
    // At noon UTC every demo property (US zones) is on the 25th; at 02:00 UTC they are still on
    // the 24th, when a lease ending that day is rightly still active.
    jobs::run(&mut store, Job::ClassifyLeaseStatuses, today, at("2026-11-25", 12)).unwrap();

    for l in store.leases_in(&[LeaseStatus::Active]).unwrap() {
        assert!(l.lease_end_date.unwrap() >= today, "{} still active after its end", l.lease_number);
    }
    for before in notices_due {
        let after = store.lease(before.id).unwrap();
        assert_eq!(after.lease_status, LeaseStatus::Vacant);
        assert_eq!(after.actual_move_out_date, before.notice_move_out_date);
        assert_eq!(after.lease_status_changed_by, "system:daily_classify");
        assert_eq!(store.unit(after.unit_id).unwrap().status, UnitStatus::Vacant);
        let log = store.status_log(after.id).unwrap();
        assert_eq!(log[0].previous_status, LeaseStatus::Notice);
        assert_eq!(log[0].new_status, LeaseStatus::Vacant);
        assert_eq!(log[0].reason, "Move-out date passed");
    }
}

#[test]
fn initial_reclassification_runs_once() {
    let mut store = demo_store();
    // Run a month after the demo's day, when some active leases have expired.
    let today = d("2026-12-26");
    let first = jobs::run(&mut store, Job::InitialReclassification, today, at("2026-12-26", 1)).unwrap();
    assert!(!first.skipped);
    assert!(first.counts["to_month_to_month"].as_u64().unwrap() > 0);
    let logs = log_rows(&store);
    let second = jobs::run(&mut store, Job::InitialReclassification, today, at("2026-12-26", 4)).unwrap();
    assert!(second.skipped);
    assert!(second.summary.starts_with("Already done on 2026-12-26"), "{}", second.summary);
    assert_eq!(log_rows(&store), logs);
}

#[test]
fn manual_actions_apply_atomically_with_a_log_row() {
    let mut store = demo_store();
    let lease = store
        .leases_in(&[LeaseStatus::Active])
        .unwrap()
        .into_iter()
        .find(|l| l.lease_end_date.unwrap() > d("2026-12-31"))
        .unwrap();
    let now = at("2026-11-25", 14);
    let action = LifecycleAction::GiveNotice {
        notice_date: d("2026-11-25"),
        notice_move_out_date: d("2026-12-31"),
        reason: "Tenant relocating for work".into(),
    };
    let (after, t) = store.apply_lifecycle_action(lease.id, &action, "user:admin@unitcycle.com", now).unwrap();
    assert_eq!(after.lease_status, LeaseStatus::Notice);
    assert_eq!(after.notice_move_out_date, Some(d("2026-12-31")));
    assert_eq!(after.lease_status_changed_by, "user:admin@unitcycle.com");
    assert_eq!(after.lease_status_changed_at, Some(now));
    assert_eq!(t.from, LeaseStatus::Active);
    let log = store.status_log(lease.id).unwrap();
    assert_eq!(log[0].reason, "Tenant relocating for work");
    assert_eq!(log[0].metadata["notice_move_out_date"], "2026-12-31");

    // A refused action writes nothing.
    let logs = log_rows(&store);
    let err = store.apply_lifecycle_action(lease.id, &LifecycleAction::ConvertMtm, "user:x", now).unwrap_err();
    assert_eq!(err.to_string(), "Cannot convert a lease with notice given to month-to-month.");
    assert_eq!(log_rows(&store), logs);
    assert_eq!(store.lease(lease.id).unwrap(), after);
}

#[test]
fn unknown_lease_ids_are_not_found() {
    let mut store = demo_store();
    let id = uuid::Uuid::from_u128(7);
    let err = store.apply_lifecycle_action(id, &LifecycleAction::ConvertMtm, "u", at("2026-11-25", 1)).unwrap_err();
    assert!(matches!(err, StoreError::NotFound { what: "Lease", .. }), "{err:?}");
    assert_eq!(err.to_string(), format!("No lease with id {id}."));
    assert!(store.find_lease("L-999999").is_err());
    assert!(store.find_lease("l-000001").is_ok(), "lease numbers match case-insensitively");
}

#[test]
fn a_stale_plan_is_refused_as_a_conflict() {
    let mut store = demo_store();
    let lease = store.leases_in(&[LeaseStatus::Active]).unwrap().remove(0);
    let plan =
        unitcycle_core::lifecycle::plan_action(&lease, &LifecycleAction::ConvertMtm, "u", d("2026-11-25")).unwrap();
    store.apply_lifecycle_action(lease.id, &LifecycleAction::ConvertMtm, "other", at("2026-11-25", 1)).unwrap();
    let err =
        store.transaction(|tx| unitcycle_core::store::apply_transition(tx, &plan, at("2026-11-25", 2))).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
}

#[test]
fn lease_lists_filter_and_count_alike() {
    let store = demo_store();
    let today = d("2026-11-25");
    let filter = LeaseFilter {
        lease_status: vec![LeaseStatus::Active],
        lease_end_date_gte: Some(today),
        lease_end_date_lte: Some(d("2026-12-25")),
        ..Default::default()
    };
    let rows = store.lease_rows(&filter, Default::default(), 0, None).unwrap();
    assert_eq!(rows.len() as u64, store.count_leases(&filter).unwrap());
    assert_eq!(rows.len() as u64, store.lifecycle_stats(&LeaseFilter::default(), today).unwrap().expiring_30_days);
    assert!(rows.windows(2).all(|w| w[0].lease.lease_end_date <= w[1].lease.lease_end_date));
    // Paging: two pages make the whole list.
    let all = store.lease_rows(&LeaseFilter::default(), Default::default(), 0, None).unwrap();
    let p1 = store.lease_rows(&LeaseFilter::default(), Default::default(), 0, Some(100)).unwrap();
    let p2 = store.lease_rows(&LeaseFilter::default(), Default::default(), 100, None).unwrap();
    assert_eq!(p1.len() + p2.len(), all.len());
    assert_eq!(p2[0].lease.id, all[100].lease.id);
}
