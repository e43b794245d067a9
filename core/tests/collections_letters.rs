//! Collections letters say what is true at the moment they are sent: they speak of earlier
//! notices only when the case's timeline holds some, and a tenant who has moved out gets the
//! former-tenant wording at their forwarding address, never an eviction threat at the empty unit.

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::workflow as cj;
use unitcycle_core::collections::CollectionCase;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::store::{CaseFilter, Store};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn at(s: &str, hour: u32) -> DateTime<Utc> {
    d(s).and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

fn offline() -> Gateway {
    Gateway::offline("tests use the offline provider".into())
}

/// A demo replica and one open case at level 0 with nothing on its timeline.
fn fresh_case() -> (Store, CollectionCase) {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 4, today: d("2026-11-25") }).unwrap();
    jobs::run(&mut store, Job::CollectionsScan, d("2026-11-25"), at("2026-11-25", 8)).unwrap();
    let cases = store.collection_cases(&CaseFilter::default()).unwrap();
    let case = cases
        .into_iter()
        .find(|c| c.escalation_level == 0 && store.collection_actions(c.id).unwrap().is_empty())
        .expect("a fresh case");
    (store, case)
}

/// The case's tenant moved out at the end of July, leaving `forwarding` as their address.
fn moved_out(store: &Store, case: &CollectionCase, forwarding: &str) {
    let c = store.conn();
    c.execute(
        "UPDATE tenant_lease SET lease_status = 'vacant', actual_move_out_date = '2026-07-31' WHERE id = ?1",
        [case.lease_id.to_string()],
    )
    .unwrap();
    c.execute("UPDATE tenants SET forwarding_address = ?2 WHERE id = ?1", (case.tenant_id.to_string(), forwarding))
        .unwrap();
}

/// The bodies and recipients of the messages queued for a case.
fn sent(store: &Store, case: &CollectionCase) -> Vec<(String, String, String)> {
    let mut stmt = store
        .conn()
        .prepare("SELECT channel, recipient, body FROM outbox_message WHERE related_id = ?1 ORDER BY channel")
        .unwrap();
    stmt.query_map([case.id.to_string()], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_legal_letter_on_a_case_with_no_earlier_notice_does_not_claim_one() {
    let (mut store, case) = fresh_case();
    cj::escalate(&mut store, &offline(), case.id, "user:pm", at("2026-11-25", 10)).unwrap();
    let messages = sent(&store, &case);
    assert!(!messages.is_empty());
    for (channel, _, body) in &messages {
        let lower = body.to_lowercase();
        assert!(!lower.contains("despite") && !lower.contains("earlier notice"), "{channel}: {body}");
    }
}

#[test]
fn a_former_tenant_is_written_to_as_one_and_never_threatened_with_eviction() {
    let (mut store, case) = fresh_case();
    // The tenant moved out in the summer and left no forwarding address.
    moved_out(&store, &case, "");
    cj::escalate(&mut store, &offline(), case.id, "user:pm", at("2026-11-25", 10)).unwrap();
    let messages = sent(&store, &case);
    assert!(!messages.is_empty());
    for (channel, recipient, body) in &messages {
        assert!(!body.to_lowercase().contains("evict"), "{body}");
        assert!(body.contains("your former residence"), "{body}");
        // No letter goes to the empty unit: without a forwarding address it goes by email.
        assert_eq!(channel, "email", "{recipient}");
    }

    // With a forwarding address on file, the certified letter goes there.
    let (mut store, case) = fresh_case();
    moved_out(&store, &case, "9 Elm Rd, Dallas, TX 75201");
    cj::escalate(&mut store, &offline(), case.id, "user:pm", at("2026-11-25", 10)).unwrap();
    let messages = sent(&store, &case);
    let letter = messages.iter().find(|m| m.0 == "letter").expect("a letter");
    assert_eq!(letter.1, "9 Elm Rd, Dallas, TX 75201");
    assert!(letter.2.contains("9 Elm Rd, Dallas, TX 75201"), "{}", letter.2);
    assert!(!letter.2.to_lowercase().contains("evict"), "{}", letter.2);
}
