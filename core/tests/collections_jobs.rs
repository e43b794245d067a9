//! The collections scan against a demo replica.

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::collections::CaseStatus;
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
