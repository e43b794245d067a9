//! Command-center rows and rules over a demo replica.

use chrono::NaiveDate;
use unitcycle_core::command_center::{self, Filter};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::Store;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn one_row_per_unit_and_rules_fire_on_the_demo() {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 300, seed: 4, today: d("2026-11-25") }).unwrap();
    let rows = store.command_center_rows(&unitcycle_core::time::Days::uniform(d("2026-11-25"))).unwrap();
    assert_eq!(rows.len(), 300);
    let s = command_center::summary(rows.iter());
    let stats = store.lifecycle_stats(&Default::default(), d("2026-11-25")).unwrap();
    assert_eq!(
        (s.active_count, s.mtm_count, s.notice_count, s.vacant_count),
        (stats.active, stats.month_to_month, stats.notice, stats.vacant)
    );
    assert!(rows.iter().filter(|r| r.lifecycle_state == LeaseStatus::Vacant).all(|r| r.tenant_name.is_none()));
    let shown =
        command_center::view(&rows, &Filter { lifecycle_states: vec![LeaseStatus::Notice], ..Default::default() });
    assert_eq!(shown.len() as u64, stats.notice);

    let snaps = store.unit_snapshots().unwrap();
    assert_eq!(snaps.len(), 300);
    let candidates: usize = snaps.iter().map(|s| command_center::generate(s, d("2026-11-25")).len()).sum();
    assert!(candidates > 30, "{candidates}");
}

use chrono::{DateTime, Utc};
use unitcycle_core::ai::Gateway;
use unitcycle_core::command_center::bulk::{self as ccj, BulkRequest, Method};
use unitcycle_core::command_center::ActionType;
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::renewals::RenewalStatus;
use unitcycle_core::store::RenewalFilter;

fn at(s: &str, hour: u32) -> DateTime<Utc> {
    d(s).and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

fn offline() -> Gateway {
    Gateway::offline("tests use the offline provider".into())
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn queued_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 300, seed: 4, today: d("2026-11-25") }).unwrap();
    jobs::run_with(&mut store, Job::ClassifyLeaseStatuses, d("2026-11-25"), at("2026-11-25", 2), &offline()).unwrap();
    jobs::run_with(&mut store, Job::AiActionQueue, d("2026-11-25"), at("2026-11-25", 2), &offline()).unwrap();
    store
}

#[test]
fn the_queue_is_idempotent_and_supersedes_yesterday() {
    let mut store = queued_store();
    let first = count(&store, "SELECT COUNT(*) FROM ai_action_queue WHERE status = 'pending'");
    assert!(first > 30, "{first}");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM ai_action_queue WHERE CAST(confidence_score AS REAL) < 0.60"), 0);
    let again =
        jobs::run_with(&mut store, Job::AiActionQueue, d("2026-11-25"), at("2026-11-25", 3), &offline()).unwrap();
    assert_eq!(again.counts["superseded"], 0);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM ai_action_queue"), first);
    // Tomorrow: yesterday's pending items are superseded by fresh ones.
    let next =
        jobs::run_with(&mut store, Job::AiActionQueue, d("2026-11-26"), at("2026-11-26", 2), &offline()).unwrap();
    assert_eq!(next.counts["superseded"].as_i64().unwrap(), first);
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM ai_action_queue WHERE status = 'pending' AND generated_on = '2026-11-25'"),
        0
    );
    // The command center shows each unit's top pending action.
    let rows = store.command_center_rows(&unitcycle_core::time::Days::uniform(d("2026-11-26"))).unwrap();
    assert!(rows.iter().filter(|r| r.ai_action.is_some()).count() > 20);
}

#[test]
fn a_retried_bulk_request_sends_nothing_twice() {
    let mut store = queued_store();
    let units: Vec<_> =
        store.ai_queue(None, Some(ActionType::RenewalOffer)).unwrap().into_iter().map(|q| q.unit_id).take(5).collect();
    assert_eq!(units.len(), 5);
    let req = BulkRequest {
        request_id: "req-7f3a".into(),
        action_type: ActionType::RenewalOffer,
        unit_ids: units.clone(),
        method: Method::Both,
        scheduled_for: None,
        suggested_payload: serde_json::json!({}),
    };
    let now = at("2026-11-25", 10);
    let first = ccj::execute_bulk(&mut store, &offline(), &req, "user:pm", now).unwrap();
    assert_eq!((first.executed, first.messages_queued), (5, 10));
    let outbox = count(&store, "SELECT COUNT(*) FROM outbox_message");
    let retry = ccj::execute_bulk(&mut store, &offline(), &req, "user:pm", now).unwrap();
    assert_eq!((retry.executed, retry.already_done, retry.messages_queued), (0, 5, 0));
    assert_eq!(retry.batch_id, first.batch_id);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM outbox_message"), outbox);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM bulk_action_batch"), 1);
    // The offers exist as sent renewal recommendations and the queue items are executed.
    let sent = store.renewals(&RenewalFilter { status: vec![RenewalStatus::Sent], ..Default::default() }).unwrap();
    assert_eq!(sent.len(), 5);
    assert_eq!(count(&store, "SELECT COUNT(*) FROM ai_action_queue WHERE status = 'executed'"), 5);
    // A new request for the same units is refused per unit: the offers are already open.
    let other = ccj::execute_bulk(
        &mut store,
        &offline(),
        &BulkRequest { request_id: "req-2".into(), ..req.clone() },
        "user:pm",
        now,
    )
    .unwrap();
    assert_eq!(other.executed, 0);
    assert_eq!(other.skipped.len(), 5);
    assert!(ccj::execute_bulk(&mut store, &offline(), &BulkRequest { request_id: " ".into(), ..req }, "user:pm", now)
        .is_err());
}

/// The queue offers no renewal the bulk action would refuse: a lease with a renewal offer open
/// (from the 03:00 scan) gets no renewal offer or nudge the next night.
#[test]
fn the_queue_does_not_offer_a_second_renewal() {
    let mut store = queued_store();
    jobs::run_with(&mut store, Job::RenewalScan, d("2026-11-25"), at("2026-11-25", 3), &offline()).unwrap();
    jobs::run_with(&mut store, Job::AiActionQueue, d("2026-11-26"), at("2026-11-26", 2), &offline()).unwrap();
    let offered_twice = count(
        &store,
        "SELECT COUNT(*) FROM ai_action_queue q WHERE q.status = 'pending'
           AND q.action_type IN ('renewal_offer', 'early_renewal_nudge')
           AND EXISTS (SELECT 1 FROM renewal_recommendation r WHERE r.lease_id = q.lease_id
                       AND r.status IN ('pending', 'approved', 'sent'))",
    );
    assert_eq!(offered_twice, 0);
}
