//! The renewal scan and workflow against a demo replica.

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::renewals::workflow::renewal_step;
use unitcycle_core::renewals::{RenewalAction, RenewalStatus};
use unitcycle_core::store::{RenewalFilter, Store};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str, hour: u32) -> DateTime<Utc> {
    d(s).and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

fn demo_store() -> Store {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 400, seed: 3, today: d("2026-11-25") }).unwrap();
    jobs::run(&mut store, Job::ClassifyLeaseStatuses, d("2026-11-25"), at("2026-11-25", 2)).unwrap();
    store
}

#[test]
fn the_scan_covers_each_candidate_once() {
    let mut store = demo_store();
    let first = jobs::run(&mut store, Job::RenewalScan, d("2026-11-25"), at("2026-11-25", 3)).unwrap();
    let recs = store.renewals(&RenewalFilter::default()).unwrap();
    assert!(recs.len() > 50, "{}", first.summary);
    for r in &recs {
        let lease = store.lease(r.lease_id).unwrap();
        assert!(matches!(lease.lease_status, LeaseStatus::Active | LeaseStatus::MonthToMonth));
        assert!(r.plan.recommended_rent >= r.plan.current_rent);
        assert!(!r.renewal_letter_text.is_empty());
        assert_eq!(r.status, RenewalStatus::Pending);
    }
    assert!(recs.windows(2).all(|w| w[0].plan.churn_score >= w[1].plan.churn_score));
    let second = jobs::run(&mut store, Job::RenewalScan, d("2026-11-25"), at("2026-11-25", 4)).unwrap();
    assert_eq!(second.summary, "Created 0 renewal recommendations; 0 offers expired.");
}

#[test]
fn accepting_a_month_to_month_renewal_returns_the_lease_to_active() {
    let mut store = demo_store();
    jobs::run(&mut store, Job::RenewalScan, d("2026-11-25"), at("2026-11-25", 3)).unwrap();
    let rec = store
        .renewals(&RenewalFilter::default())
        .unwrap()
        .into_iter()
        .find(|r| store.lease(r.lease_id).unwrap().lease_status == LeaseStatus::MonthToMonth)
        .unwrap();
    let now = at("2026-11-25", 10);
    let refused = renewal_step(&mut store, rec.id, &RenewalAction::Send, "user:pm", now).unwrap_err();
    assert_eq!(refused.to_string(), "Approve the recommendation before sending it (it is Pending Review).");
    let approved_rent = rec.plan.current_rent + rust_decimal::Decimal::from(10);
    let r = renewal_step(
        &mut store,
        rec.id,
        &RenewalAction::Approve { recommended_rent: Some(approved_rent) },
        "user:pm",
        now,
    )
    .unwrap();
    assert_eq!(
        (r.status, r.plan.recommended_rent, r.reviewed_by.as_str()),
        (RenewalStatus::Approved, approved_rent, "user:pm")
    );
    renewal_step(&mut store, rec.id, &RenewalAction::Send, "user:pm", now).unwrap();
    assert_eq!(store.outbox_messages(Some(rec.id), 5).unwrap().len(), 1);
    let r = renewal_step(&mut store, rec.id, &RenewalAction::Accept, "user:pm", now).unwrap();
    assert_eq!(r.status, RenewalStatus::Accepted);
    let lease = store.lease(rec.lease_id).unwrap();
    assert_eq!(lease.lease_status, LeaseStatus::Active);
    assert_eq!(lease.monthly_rent_amount, approved_rent);
    assert_eq!(lease.lease_end_date, Some(r.plan.recommended_lease_end));
    assert_eq!(lease.holdover_start_date, None);
    let log = store.status_log(lease.id).unwrap();
    assert_eq!((log[0].previous_status, log[0].new_status), (LeaseStatus::MonthToMonth, LeaseStatus::Active));
    assert_eq!(store.unit(lease.unit_id).unwrap().current_rent, approved_rent);
}

#[test]
fn sending_attaches_the_letter_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let mut store = Store::create(&dir.path().join("replica.db")).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 150, seed: 3, today: d("2026-11-25") }).unwrap();
    jobs::run(&mut store, Job::RenewalScan, d("2026-11-25"), at("2026-11-25", 3)).unwrap();
    let rec = store.renewals(&RenewalFilter::default()).unwrap().remove(0);
    let now = at("2026-11-25", 10);
    renewal_step(&mut store, rec.id, &RenewalAction::Approve { recommended_rent: None }, "user:pm", now).unwrap();
    renewal_step(&mut store, rec.id, &RenewalAction::Send, "user:pm", now).unwrap();
    let msg = store.outbox_messages(Some(rec.id), 5).unwrap().remove(0);
    let pdf = unitcycle_core::documents::load_attachment(&store, msg.attachment_sha256.as_deref().unwrap()).unwrap();
    let text = unitcycle_core::pdf::page_texts(&pdf).unwrap().join("\n");
    assert!(text.contains("Renewal rent"), "{text}");
    assert!(msg.attachment_name.unwrap().starts_with("Renewal offer"));
}

/// Approving at another rent redrafts the letter from the approved plan: the letter sent states
/// the approved rent, never the rent it was first drafted with; a letter whose figures are not
/// the record's is refused at send.
#[test]
fn a_letter_approved_at_another_rent_states_that_rent() {
    let mut store = demo_store();
    jobs::run(&mut store, Job::RenewalScan, d("2026-11-25"), at("2026-11-25", 3)).unwrap();
    let rec = store.renewals(&RenewalFilter::default()).unwrap().remove(0);
    let now = at("2026-11-25", 10);
    let approved = rec.plan.recommended_rent + rust_decimal::Decimal::from(75);
    let r =
        renewal_step(&mut store, rec.id, &RenewalAction::Approve { recommended_rent: Some(approved) }, "user:pm", now)
            .unwrap();
    let said = unitcycle_core::format::money(approved);
    assert!(r.renewal_letter_text.contains(&said), "{}", r.renewal_letter_text);
    assert!(!r.renewal_letter_text.contains("no change"), "{}", r.renewal_letter_text);
    renewal_step(&mut store, rec.id, &RenewalAction::Send, "user:pm", now).unwrap();
    let msg = store.outbox_messages(Some(rec.id), 5).unwrap().remove(0);
    assert!(msg.body.contains(&said), "{}", msg.body);

    // A letter edited to a figure the plan does not hold is not sent.
    let other = store.renewals(&RenewalFilter::default()).unwrap().remove(1);
    renewal_step(&mut store, other.id, &RenewalAction::Approve { recommended_rent: None }, "user:pm", now).unwrap();
    let forged =
        other.renewal_letter_text.replace(&unitcycle_core::format::money(other.plan.recommended_rent), "$9.99");
    store
        .conn()
        .execute(
            "UPDATE renewal_recommendation SET renewal_letter_text = ?1 WHERE id = ?2",
            (forged, other.id.to_string()),
        )
        .unwrap();
    let e = renewal_step(&mut store, other.id, &RenewalAction::Send, "user:pm", now).unwrap_err().to_string();
    assert!(e.starts_with("The renewal letter states $9.99, which is not a figure of the record"), "{e}");
    assert!(store.outbox_messages(Some(other.id), 5).unwrap().is_empty());
}

/// A tenant in legal collections is not offered a renewal: the scan passes over a lease whose
/// case has reached the legal step.
#[test]
fn no_renewal_is_offered_to_a_tenant_in_legal_collections() {
    let mut store = demo_store();
    let gateway = unitcycle_core::ai::Gateway::offline("test".into());
    jobs::run_with(&mut store, Job::CollectionsScan, d("2026-11-25"), at("2026-11-25", 8), &gateway).unwrap();
    // One open case on a lease the scan would otherwise consider, taken to legal.
    let case: String = store
        .conn()
        .query_row(
            "SELECT c.id FROM collection_case c JOIN tenant_lease l ON l.id = c.lease_id
             WHERE c.status = 'open' AND l.lease_status IN ('active', 'month_to_month') LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let case = case.parse().unwrap();
    unitcycle_core::collections::workflow::escalate(&mut store, &gateway, case, "user:pm", at("2026-11-25", 9))
        .unwrap();
    jobs::run_with(&mut store, Job::RenewalScan, d("2026-11-26"), at("2026-11-26", 3), &gateway).unwrap();
    let offered_in_legal: i64 = store
        .conn()
        .query_row(
            &format!(
                "SELECT COUNT(*) FROM renewal_recommendation r WHERE EXISTS
                 (SELECT 1 FROM collection_case c WHERE c.lease_id = r.lease_id AND {})",
                unitcycle_core::renewals::IN_LEGAL
            ),
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(offered_in_legal, 0);
    assert!(store.renewals(&RenewalFilter::default()).unwrap().len() > 10, "the scan still offers to the others");
}
