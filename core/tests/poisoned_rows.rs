//! A replica holding rows an older build let in (a year-10000 lease end, an unparsable date, an
//! amount beyond a money column) still runs every job: each job skips the bad rows with a
//! warning in its report, and `doctor::scan` lists every one of them.

use chrono::{DateTime, NaiveDate, Utc};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::doctor;
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::store::Store;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn id_of(store: &Store, sql: &str) -> String {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A demo replica with three poisoned rows written by raw SQL; returns their ids.
fn poisoned(today: &str) -> (Store, [String; 3]) {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 120, seed: 7, today: d(today) }).unwrap();
    let far = id_of(&store, "SELECT id FROM tenant_lease WHERE lease_status = 'active' ORDER BY id LIMIT 1");
    let garbled = id_of(&store, "SELECT id FROM tenant_lease WHERE lease_status = 'active' ORDER BY id DESC LIMIT 1");
    let huge = id_of(&store, "SELECT id FROM tenant_ledger_entry WHERE trans_type = 'Charge' ORDER BY id LIMIT 1");
    let c = store.conn();
    c.execute("UPDATE tenant_lease SET lease_end_date = '+10000-01-01' WHERE id = ?1", [&far]).unwrap();
    c.execute("UPDATE tenant_lease SET lease_end_date = '2026-02-30' WHERE id = ?1", [&garbled]).unwrap();
    c.execute("UPDATE tenant_ledger_entry SET amount = '1000000000000' WHERE id = ?1", [&huge]).unwrap();
    (store, [far, garbled, huge])
}

#[test]
fn doctor_lists_each_bad_row_with_its_table_field_and_reason() {
    let (store, [far, garbled, huge]) = poisoned("2026-12-03");
    let bad = doctor::scan(&store).unwrap();
    let find = |id: &str, field: &str| {
        bad.iter()
            .find(|b| b.id == id && b.field == field)
            .unwrap_or_else(|| panic!("{id}.{field} is reported: {bad:#?}"))
    };
    let b = find(&far, "lease_end_date");
    assert_eq!((b.table.as_str(), b.value.as_str()), ("tenant_lease", "+10000-01-01"));
    assert!(b.why.contains("outside the dates UnitCycle keeps"), "{}", b.why);
    let b = find(&garbled, "lease_end_date");
    assert!(b.why.contains("not a date"), "{}", b.why);
    let b = find(&huge, "amount");
    assert_eq!((b.table.as_str(), b.value.as_str()), ("tenant_ledger_entry", "1000000000000"));
    assert!(b.why.contains("more than UnitCycle stores"), "{}", b.why);
    assert_eq!(bad.len(), 3, "only the poisoned rows: {bad:#?}");
}

#[test]
fn a_replica_holding_poisoned_rows_still_runs_every_job() {
    let (mut store, [far, garbled, _]) = poisoned("2026-12-03");
    let gateway = unitcycle_core::ai::Gateway::offline("tests draft offline".into());
    let now = at("2026-12-03T12:00:00Z");
    let mut skipped_somewhere = false;
    for job in Job::all() {
        let report = jobs::run_with(&mut store, job, d("2026-12-03"), now, &gateway)
            .unwrap_or_else(|e| panic!("{} fails the whole portfolio: {e}", job.name()));
        if let Some(n) = report.counts.get("skipped_rows").and_then(|v| v.as_u64()) {
            skipped_somewhere = true;
            assert!(n > 0);
            assert!(report.summary.contains("skipped"), "{}: {}", job.name(), report.summary);
        }
    }
    assert!(skipped_somewhere, "some job met a poisoned row and said so");
    // The classification left the bad leases as they were (it could not read them).
    for id in [far, garbled] {
        let status: String =
            store.conn().query_row("SELECT lease_status FROM tenant_lease WHERE id = ?1", [&id], |r| r.get(0)).unwrap();
        assert_eq!(status, "active");
    }
}
