//! The collections scan against a demo replica.

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::collections::{CaseStatus, PlanTerms};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::store::{CaseFilter, Store};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str, hour: u32) -> DateTime<Utc> {
    d(s).and_hms_opt(hour, 0, 0).unwrap().and_utc()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_scan_opens_cases_once_and_charges_each_late_fee_once() {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 400, seed: 5, today: d("2026-11-25") }).unwrap();
    let first = jobs::run(&mut store, Job::CollectionsScan, d("2026-11-25"), at("2026-11-25", 8)).unwrap();
    let cases = store.collection_cases(&CaseFilter::default()).unwrap();
    assert!(!cases.is_empty(), "{}", first.summary);
    assert!(first.counts["late_fees"].as_u64().unwrap() > 0, "{}", first.summary);
    for c in &cases {
        assert_eq!(c.status, CaseStatus::Open);
        assert!(c.current_balance > rust_decimal::Decimal::ZERO);
        assert_eq!(c.days_overdue, (d("2026-11-25") - c.due_date).num_days());
        assert_eq!(c.escalation_level, 0);
    }
    // Sorted most overdue first.
    assert!(cases.windows(2).all(|w| w[0].days_overdue >= w[1].days_overdue));

    let ledger_rows = count(&store, "SELECT COUNT(*) FROM tenant_ledger_entry");
    let second = jobs::run(&mut store, Job::CollectionsScan, d("2026-11-25"), at("2026-11-25", 9)).unwrap();
    assert_eq!(second.summary, "Opened 0 cases, updated 0, closed 0 as paid; charged 0 late fees.");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM tenant_ledger_entry"), ledger_rows);
    assert_eq!(store.collection_cases(&CaseFilter::default()).unwrap().len(), cases.len());

    // The next day, every open case is a day more overdue.
    let third = jobs::run(&mut store, Job::CollectionsScan, d("2026-11-26"), at("2026-11-26", 8)).unwrap();
    assert!(third.counts["updated"].as_u64().unwrap() as usize >= cases.len() - 1, "{}", third.summary);
}

use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::escalation::escalation_engine;
use unitcycle_core::collections::workflow as cj;
use unitcycle_core::collections::{CollectionCase, PlanStatus};

fn offline() -> Gateway {
    Gateway::offline("tests use the offline provider".into())
}

/// A demo replica with one fresh case due on `due`, balance `balance`, level 0.
fn one_case(due: &str, balance: Decimal) -> (Store, CollectionCase) {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 200, seed: 9, today: d("2026-11-25") }).unwrap();
    jobs::run(&mut store, Job::CollectionsScan, d("2026-11-25"), at("2026-11-25", 8)).unwrap();
    let mut case = store.collection_cases(&CaseFilter::default()).unwrap().remove(0);
    case.due_date = d(due);
    case.current_balance = balance;
    case.escalation_level = 0;
    store.transaction(|tx| unitcycle_core::store::update_case(tx, &case)).unwrap();
    store
        .conn()
        .execute("UPDATE collection_case SET due_date = ?2 WHERE id = ?1", (case.id.to_string(), d(due)))
        .unwrap();
    // A tenant still at the unit (a former tenant's letters go elsewhere; see collections_letters).
    store
        .conn()
        .execute(
            "UPDATE tenant_lease SET lease_status = 'active', actual_move_out_date = NULL WHERE id = ?1",
            [case.lease_id.to_string()],
        )
        .unwrap();
    (store, case)
}

fn outbox_rows(store: &Store) -> i64 {
    count(store, "SELECT COUNT(*) FROM outbox_message")
}

#[test]
fn the_engine_walks_the_five_steps_on_their_days_and_sends_each_once() {
    let (mut store, case) = one_case("2026-12-01", dec!(1450));
    // No grace period, so the schedule's days are days past the due date.
    store
        .conn()
        .execute("UPDATE tenant_lease SET grace_period_days = 0 WHERE id = ?1", [case.lease_id.to_string()])
        .unwrap();
    let drafter = offline();
    let mut expected = Vec::new();
    for (day, level, channels) in [
        ("2026-12-01", 0u8, 0i64),
        ("2026-12-02", 1, 1),
        ("2026-12-03", 1, 0),
        ("2026-12-04", 2, 1),
        ("2026-12-06", 3, 2),
        ("2026-12-08", 3, 0),
        ("2026-12-09", 4, 1),
        ("2026-12-13", 5, 1),
        ("2026-12-30", 5, 0),
    ] {
        let before = outbox_rows(&store);
        for hour in [0, 4, 8] {
            escalation_engine(&mut store, &drafter, d(day), at(day, hour)).unwrap();
        }
        let c = store.collection_case(case.id).unwrap();
        assert_eq!(c.escalation_level, level, "{day}");
        let mine = count(&store, &format!("SELECT COUNT(*) FROM outbox_message WHERE related_id = '{}'", case.id));
        expected.push(mine);
        assert!(outbox_rows(&store) - before >= channels, "{day}");
    }
    let actions = store.collection_actions(case.id).unwrap();
    let levels: Vec<u8> = actions.iter().map(|a| a.escalation_level).collect();
    assert_eq!(levels, [1, 2, 3, 4, 5]);
    assert_eq!(actions[0].channel.as_str(), "sms");
    assert!(actions[0].message_text.len() <= 160, "{}", actions[0].message_text);
    // SMS, email, email + letter, email, certified letter = 6 messages for this case.
    assert_eq!(*expected.last().unwrap(), 6);
}

#[test]
fn payments_reduce_close_and_credit() {
    let (mut store, case) = one_case("2026-11-20", dec!(1000));
    let now = at("2026-11-25", 12);
    let (c, o) = cj::record_payment(&mut store, case.id, dec!(400), d("2026-11-25"), "user:pm", now).unwrap();
    assert_eq!((c.current_balance, o.paid_in_full), (dec!(600), false));
    let err = cj::record_payment(&mut store, case.id, dec!(0), d("2026-11-25"), "user:pm", now).unwrap_err();
    assert_eq!(err.to_string(), "Payment amount must be greater than zero.");
    let err = cj::record_payment(&mut store, case.id, dec!(10), d("2026-11-26"), "user:pm", now).unwrap_err();
    assert_eq!(err.to_string(), "Payment date 2026-11-26 is in the future.");
    let (c, o) = cj::record_payment(&mut store, case.id, dec!(650), d("2026-11-25"), "user:pm", now).unwrap();
    assert_eq!((c.current_balance, c.status, o.overpayment), (dec!(0), CaseStatus::Paid, dec!(50)));
    // Paid: the sequence stops and further payments on the case are refused.
    escalation_engine(&mut store, &offline(), d("2026-12-20"), at("2026-12-20", 0)).unwrap();
    assert_eq!(store.collection_case(case.id).unwrap().escalation_level, 0);
    assert!(cj::record_payment(&mut store, case.id, dec!(1), d("2026-11-25"), "user:pm", now).is_err());
    let timeline = store.collection_actions(case.id).unwrap();
    assert!(timeline[1].message_text.contains("$50.00 credited"), "{}", timeline[1].message_text);
}

#[test]
fn a_kept_plan_pauses_escalation_and_a_missed_installment_resumes_it() {
    let (mut store, case) = one_case("2026-11-20", dec!(900));
    let drafter = offline();
    let mut offer = |terms| cj::offer_plan(&mut store, &drafter, case.id, terms, d("2026-12-01"), at("2026-11-25", 9));
    // An agreed amount that misses the balance is refused and leaves the case as it was.
    let short = offer(PlanTerms { installments: 3, installment_amount: Some(dec!(250)) }).unwrap_err().to_string();
    assert!(short.starts_with("3 installments of $250.00 come to $750.00, $150.00 short of"), "{short}");
    let (c, plan) = offer(PlanTerms::even(3)).unwrap();
    assert_eq!(c.status, CaseStatus::PaymentPlan);
    assert_eq!(plan.installments.iter().map(|i| i.amount).sum::<Decimal>(), dec!(900));
    let again = offer(PlanTerms::even(3));
    assert_eq!(again.unwrap_err().to_string(), "A payment plan is already in place for this case.");
    // The offer is on the timeline as what it is: a payment-plan action, not a note.
    let timeline = store.collection_actions(case.id).unwrap();
    assert_eq!(timeline.last().map(|a| a.action_type.as_str()), Some("payment_plan"));
    // First installment paid on time: nothing sent on Dec 20 although 30 days overdue.
    cj::record_payment(&mut store, case.id, dec!(300), d("2026-12-01"), "user:pm", at("2026-12-01", 10)).unwrap();
    // The engine runs at noon UTC, when every demo property (US zones) is on that date.
    escalation_engine(&mut store, &drafter, d("2026-12-20"), at("2026-12-20", 12)).unwrap();
    assert_eq!(store.collection_case(case.id).unwrap().escalation_level, 4);
    // The second installment (Jan 1) is missed: escalation resumes with the legal step.
    escalation_engine(&mut store, &drafter, d("2027-01-02"), at("2027-01-02", 12)).unwrap();
    assert_eq!(store.collection_case(case.id).unwrap().escalation_level, 5);
    let p = store.payment_plan(case.id).unwrap().unwrap();
    assert_eq!(p.status, PlanStatus::Active);
    assert_eq!(p.installments[0].paid_date, Some(d("2026-12-01")));
}

#[test]
fn escalate_and_notes() {
    let (mut store, case) = one_case("2026-11-20", dec!(900));
    let c =
        cj::add_note(&mut store, case.id, "Called, tenant promised Friday", "user:pm", at("2026-11-25", 9)).unwrap();
    assert!(c.notes.ends_with("user:pm: Called, tenant promised Friday"), "{}", c.notes);
    assert!(cj::add_note(&mut store, case.id, "  ", "user:pm", at("2026-11-25", 9)).is_err());
    let c = cj::escalate(&mut store, &offline(), case.id, "user:pm", at("2026-11-25", 10)).unwrap();
    assert_eq!((c.status, c.escalation_level), (CaseStatus::Escalated, 5));
    let err = cj::send_next_step(&mut store, &offline(), case.id, false, "user:pm", at("2026-11-25", 11)).unwrap_err();
    assert_eq!(err.to_string(), "Case is closed (Escalated to Legal).");
}

#[test]
fn letters_go_out_with_a_pdf_from_the_blob_store() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replica.db");
    let mut store = Store::create(&path).unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 9, today: d("2026-11-25") }).unwrap();
    jobs::run_with(&mut store, Job::CollectionsScan, d("2026-11-25"), at("2026-11-25", 8), &offline()).unwrap();
    // One step a day at most: by the fifth day the formal notices (email and letter) are out.
    for k in 0..6 {
        let day = d("2026-11-25") + chrono::Duration::days(k);
        escalation_engine(&mut store, &offline(), day, day.and_hms_opt(9, 0, 0).unwrap().and_utc()).unwrap();
    }
    let (sha, name): (String, String) = store
        .conn()
        .query_row(
            "SELECT attachment_sha256, attachment_name FROM outbox_message WHERE channel = 'letter' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(name.ends_with(".pdf"), "{name}");
    let bytes = unitcycle_core::documents::load_attachment(&store, &sha).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let text = unitcycle_core::pdf::page_texts(&bytes).unwrap().join("\n");
    assert!(text.contains("Balance due"), "{text}");
}

#[test]
fn a_case_changed_since_it_was_read_is_not_overwritten() {
    use unitcycle_core::collections::plan::system_action;
    use unitcycle_core::collections::port::{CollectionWrite, CollectionsPort};
    use unitcycle_core::collections::ActionType;
    use unitcycle_core::store::StoreError;

    let (mut store, case) = one_case("2026-11-20", dec!(900));
    let noted = cj::add_note(&mut store, case.id, "Called", "user:pm", at("2026-11-25", 9)).unwrap();
    // A payment planned from the case as read before the note: refused, and nothing of it written.
    let mut paid = case.clone();
    paid.current_balance = dec!(0);
    let late = at("2026-11-25", 10);
    let writes = [
        CollectionWrite::update(&case, paid),
        CollectionWrite::Action(system_action(&case, ActionType::PaymentReceived, "Paid", late)),
    ];
    let err = store.write_collections(&writes, late).unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }), "{err:?}");
    assert_eq!(store.collection_case(case.id).unwrap(), noted);
    assert_eq!(store.collection_actions(case.id).unwrap().len(), 1);
}

/// "Today" for a case is its property's local date: at 2026-12-03T06:00Z a property in
/// America/Los_Angeles is still on 2026-12-02 (days overdue, and a payment's date), one in New
/// York already on 2026-12-03.
#[test]
fn days_overdue_and_payment_dates_are_counted_on_the_property_local_date() {
    use unitcycle_core::collections::workflow as cj;
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 400, seed: 5, today: d("2026-12-03") }).unwrap();
    let properties: Vec<String> = store
        .conn()
        .prepare("SELECT id FROM properties ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let zone = |i: usize| if i % 2 == 0 { "America/Los_Angeles" } else { "America/New_York" };
    for (i, id) in properties.iter().enumerate() {
        store.conn().execute("UPDATE properties SET time_zone = ?2 WHERE id = ?1", [id, zone(i)]).unwrap();
    }
    let now: DateTime<Utc> = "2026-12-03T06:00:00Z".parse().unwrap();
    jobs::run(&mut store, Job::CollectionsScan, d("2026-12-03"), now).unwrap();
    let cases = store.collection_cases(&CaseFilter::default()).unwrap();
    let la = |c: &unitcycle_core::collections::CollectionCase| {
        properties.iter().position(|p| *p == c.property_id.to_string()).is_some_and(|i| i % 2 == 0)
    };
    let (west, east): (Vec<_>, Vec<_>) = cases.iter().partition(|c| la(c));
    assert!(!west.is_empty() && !east.is_empty());
    for c in &west {
        assert_eq!(c.days_overdue, (d("2026-12-02") - c.due_date).num_days(), "{c:?}");
    }
    for c in &east {
        assert_eq!(c.days_overdue, (d("2026-12-03") - c.due_date).num_days(), "{c:?}");
    }
    let err = cj::record_payment(&mut store, west[0].id, dec!(1), d("2026-12-03"), "user:pm", now).unwrap_err();
    assert!(err.to_string().contains("Payment date 2026-12-03 is in the future."), "{err}");
    cj::record_payment(&mut store, west[0].id, dec!(1), d("2026-12-02"), "user:pm", now).unwrap();
    cj::record_payment(&mut store, east[0].id, dec!(1), d("2026-12-03"), "user:pm", now).unwrap();
}
