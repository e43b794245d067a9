//! Valid data only (issue 15): fuzzed amounts and dates given to `unitcycle collections pay`
//! are refused with the message the API and sync push give (`sync/tests/valid_data.rs` holds the
//! same table) and write nothing; a replica poisoned by an older build still runs every job and
//! `unitcycle doctor` lists the bad rows.

mod common;

use std::path::Path;

use common::unitcycle;
use unitcycle_core::store::Store;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn count(db: &Path, sql: &str) -> i64 {
    Store::open(db).unwrap().conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

const TODAY: &str = "2026-11-25";

/// (amount, date paid, the one message every boundary gives). Dates are checked first.
pub const PAYMENTS: &[(&str, &str, &str)] = &[
    ("10.00", "0000-01-01", "Payment date 0000-01-01 is outside the dates UnitCycle keeps (1900-01-01 to 2199-12-31)."),
    ("10.00", "1899-12-31", "Payment date 1899-12-31 is outside the dates UnitCycle keeps (1900-01-01 to 2199-12-31)."),
    ("10.00", "2201-01-01", "Payment date 2201-01-01 is in the future."),
    ("10.00", "+10000-01-01", "Payment date +10000-01-01 is in the future."),
    ("10.00", "2026-02-30", "invalid date '2026-02-30': expected YYYY-MM-DD, e.g. 2026-03-15"),
    ("-1", TODAY, "Payment amount must be greater than zero."),
    ("0", TODAY, "Payment amount must be greater than zero."),
    ("1e20", TODAY, "Payment amount 100000000000000000000 is more than UnitCycle stores ($99,999,999.99)."),
    ("NaN", TODAY, "invalid amount 'NaN': expected dollars and cents, e.g. 1850.00"),
    ("100000000000", TODAY, "Payment amount 100000000000 is more than UnitCycle stores ($99,999,999.99)."),
    ("1.005", TODAY, "Payment amount has more than two decimals (got 1.005)."),
];

#[test]
fn fuzzed_payments_are_refused_with_one_message_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replica.db");
    assert!(unitcycle(&db, &["demo", "--units", "300", "--today", TODAY]).status.success());
    let o = unitcycle(&db, &["collections", "list", "--json"]);
    let cases: serde_json::Value = serde_json::from_str(&text(&o.stdout)).unwrap();
    let case = cases.as_array().unwrap().iter().find(|c| c["status"] == "open").unwrap();
    let id = case["id"].as_str().unwrap();
    let ledger = "SELECT COUNT(*) FROM tenant_ledger_entry";
    let before = count(&db, ledger);
    for (amount, on, message) in PAYMENTS {
        let o = unitcycle(&db, &["collections", "pay", "--on", on, "--today", TODAY, "--", id, amount]);
        let err = text(&o.stderr);
        assert!(!o.status.success(), "{amount} on {on} was taken");
        assert!(err.contains(message), "{amount} on {on}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert_eq!(count(&db, ledger), before, "nothing was written");
    let o = unitcycle(&db, &["collections", "pay", id, "10.00", "--on", TODAY, "--today", TODAY]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(count(&db, ledger), before + 1);
}

#[test]
fn a_poisoned_replica_runs_every_job_and_doctor_lists_the_bad_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("replica.db");
    assert!(unitcycle(&db, &["demo", "--units", "300", "--today", TODAY]).status.success());
    let o = unitcycle(&db, &["doctor"]);
    assert!(o.status.success(), "a fresh demo is clean: {}{}", text(&o.stdout), text(&o.stderr));
    {
        let store = Store::open(&db).unwrap();
        let c = store.conn();
        c.execute_batch(
            "UPDATE tenant_lease SET lease_end_date = '+10000-01-01'
               WHERE id = (SELECT id FROM tenant_lease WHERE lease_status = 'active' ORDER BY id LIMIT 1);
             UPDATE tenant_lease SET lease_end_date = 'soon'
               WHERE id = (SELECT id FROM tenant_lease WHERE lease_status = 'active' ORDER BY id DESC LIMIT 1);
             UPDATE tenant_ledger_entry SET amount = '1000000000000'
               WHERE id = (SELECT id FROM tenant_ledger_entry ORDER BY id LIMIT 1);
             UPDATE tenants SET first_name = 'Ann' || char(0) || 'x'
               WHERE id = (SELECT id FROM tenants ORDER BY id LIMIT 1);",
        )
        .unwrap();
    }
    let o = unitcycle(&db, &["doctor"]);
    let out = text(&o.stdout);
    assert!(!o.status.success());
    assert!(text(&o.stderr).contains("4 bad row(s)"), "{}", text(&o.stderr));
    for needle in ["+10000-01-01", "'soon' is not a date", "1000000000000", "first_name has a NUL character"] {
        assert!(out.contains(needle), "{needle}: {out}");
    }
    for job in [
        "lifecycle-classify",
        "ai-action-queue",
        "renewal-scan",
        "post-rent",
        "collections-scan",
        "collections-escalation",
    ] {
        let o = unitcycle(&db, &["jobs", "run", job, "--today", TODAY]);
        assert!(o.status.success(), "{job}: {}", text(&o.stderr));
    }
}
