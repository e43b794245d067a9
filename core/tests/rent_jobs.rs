//! The rent job and property time zones against a demo replica.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use unitcycle_core::collections::scan::collections_scan;
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::rent::{self, post_rent_charges};
use unitcycle_core::store::{CaseFilter, Store};
use uuid::Uuid;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// A demo replica of two properties (one per 200 units), every property in UTC: each test moves
/// the ones it needs to another zone (the demo's own are US zones).
fn demo_store(today: &str) -> Store {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 450, seed: 5, today: d(today) }).unwrap();
    store.conn().execute("UPDATE properties SET time_zone = 'UTC'", []).unwrap();
    store
}

/// The first property by id, moved to `zone`.
fn zone_first_property(store: &Store, zone: &str) -> Uuid {
    let id: String = store.conn().query_row("SELECT id FROM properties ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    store.conn().execute("UPDATE properties SET time_zone = ?2 WHERE id = ?1", (&id, zone)).unwrap();
    id.parse().unwrap()
}

#[test]
fn los_angeles_counts_days_overdue_as_of_its_own_date() {
    // The demo is the same for a seed: a first run finds a property with cases.
    let mut probe = demo_store("2026-12-03");
    collections_scan(&mut probe, d("2026-12-03"), at("2026-12-03T12:00:00Z")).unwrap();
    let la = probe.collection_cases(&CaseFilter::default()).unwrap()[0].property_id;
    let mut store = demo_store("2026-12-03");
    store
        .conn()
        .execute("UPDATE properties SET time_zone = 'America/Los_Angeles' WHERE id = ?1", [la.to_string()])
        .unwrap();
    // 06:00 UTC on 3 December is 22:00 on 2 December in Los Angeles.
    collections_scan(&mut store, d("2026-12-03"), at("2026-12-03T06:00:00Z")).unwrap();
    let cases = store.collection_cases(&CaseFilter::default()).unwrap();
    assert!(cases.iter().any(|c| c.property_id == la), "the LA property has a case");
    assert!(cases.iter().any(|c| c.property_id != la), "and so do others");
    for c in &cases {
        let today = if c.property_id == la { d("2026-12-02") } else { d("2026-12-03") };
        assert_eq!(c.days_overdue, (today - c.due_date).num_days(), "{}", c.property_id);
    }
}

#[test]
fn a_bad_time_zone_is_refused_by_the_job_with_the_reason() {
    let mut store = demo_store("2026-12-03");
    zone_first_property(&store, "Pacific/Atlantis");
    let err = post_rent_charges(&mut store, d("2026-12-03"), at("2026-12-03T06:00:00Z")).unwrap_err().to_string();
    assert!(err.contains("Unknown time zone 'Pacific/Atlantis'"), "{err}");
}

#[test]
fn rent_is_posted_on_each_due_day_once_and_late_fees_once() {
    let mut store = demo_store("2026-11-25");
    // The demo posted rent up to 25 November; the job catches up the late fees the demo's unpaid
    // charges owe, and the collections scan after it finds none left to charge.
    let first = jobs::run(&mut store, Job::PostRent, d("2026-11-25"), at("2026-11-25T10:00:00Z")).unwrap();
    assert!(first.counts["late_fees"].as_u64().unwrap() > 0, "{}", first.summary);
    let scan = jobs::run(&mut store, Job::CollectionsScan, d("2026-11-25"), at("2026-11-25T10:05:00Z")).unwrap();
    assert_eq!(scan.counts["late_fees"], 0, "{}", scan.summary);
    assert!(scan.counts["opened"].as_u64().unwrap() > 0, "{}", scan.summary);

    // 1 December: every billed lease due on the 1st gets December's rent, once.
    let due_first = count(
        &store,
        "SELECT COUNT(*) FROM tenant_lease WHERE rent_due_day = 1 AND lease_status IN ('active', 'month_to_month', 'notice')
         AND lease_begin_date <= '2026-12-01'
         AND (actual_move_out_date IS NULL OR actual_move_out_date >= '2026-12-01')
         AND (lease_status != 'active' OR lease_end_date IS NULL OR lease_end_date >= '2026-12-01')
         AND (lease_status != 'notice' OR notice_move_out_date IS NULL OR notice_move_out_date >= '2026-12-01')",
    );
    assert!(due_first > 0);
    let dec1 = jobs::run(&mut store, Job::PostRent, d("2026-12-01"), at("2026-12-01T00:00:00Z")).unwrap();
    assert_eq!(dec1.counts["rent_charges"].as_i64().unwrap(), due_first, "{}", dec1.summary);
    let rows = count(&store, "SELECT COUNT(*) FROM tenant_ledger_entry");
    let again = jobs::run(&mut store, Job::PostRent, d("2026-12-01"), at("2026-12-01T01:00:00Z")).unwrap();
    assert_eq!(again.summary, "Posted 0 rent charges (0 prorated) and 0 late fees, $0.00 in all.");
    assert_eq!(count(&store, "SELECT COUNT(*) FROM tenant_ledger_entry"), rows);
    // Each charge's id is derived from its lease and month.
    let (lease, amount): (String, String) = store
        .conn()
        .query_row(
            "SELECT lease_id, amount FROM tenant_ledger_entry WHERE category = 'rent' AND due_date = '2026-12-01' LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let id: String = store
        .conn()
        .query_row(
            "SELECT id FROM tenant_ledger_entry WHERE lease_id = ?1 AND category = 'rent' AND due_date = '2026-12-01'",
            [&lease],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(id, rent::entry_id(&format!("rent:{lease}:2026-12")).to_string());
    assert!(amount.parse::<Decimal>().unwrap() > Decimal::ZERO);

    // 7 December, after the five days' grace: the unpaid December rent gets its fee once.
    let fees = jobs::run(&mut store, Job::PostRent, d("2026-12-07"), at("2026-12-07T00:00:00Z")).unwrap();
    assert!(fees.counts["late_fees"].as_u64().unwrap() > 0, "{}", fees.summary);
    let again = jobs::run(&mut store, Job::PostRent, d("2026-12-07"), at("2026-12-07T05:00:00Z")).unwrap();
    assert_eq!(again.counts["late_fees"], 0);
    assert_eq!(
        count(
            &store,
            "SELECT COUNT(*) FROM (SELECT lease_id, trans_date FROM tenant_ledger_entry WHERE category = 'late_fee'
             GROUP BY lease_id, trans_date HAVING COUNT(*) > 1)"
        ),
        0,
        "no lease has two late fees on one day"
    );
}

#[test]
fn rent_due_on_the_third_waits_for_the_third_in_los_angeles() {
    let mut store = demo_store("2026-11-25");
    let la = zone_first_property(&store, "America/Los_Angeles");
    store.conn().execute("UPDATE tenant_lease SET rent_due_day = 3 WHERE property_id = ?1", [la.to_string()]).unwrap();
    store.conn().execute("UPDATE tenant_lease SET rent_due_day = 1 WHERE property_id != ?1", [la.to_string()]).unwrap();
    let posted = |store: &Store| {
        count(
            store,
            &format!(
                "SELECT COUNT(*) FROM tenant_ledger_entry WHERE category = 'rent' AND due_date = '2026-12-03'
                 AND property_id = '{la}'"
            ),
        )
    };
    // 06:00 UTC on the 3rd is still the 2nd in Los Angeles: nothing due there yet.
    let early = post_rent_charges(&mut store, d("2026-12-03"), at("2026-12-03T06:00:00Z")).unwrap();
    assert!(early.rent_charges > 0, "the UTC properties' rent (due the 1st) is posted");
    assert_eq!(posted(&store), 0);
    // 08:00 UTC is midnight in Los Angeles: the 3rd has come.
    let midnight = post_rent_charges(&mut store, d("2026-12-03"), at("2026-12-03T08:00:00Z")).unwrap();
    assert!(posted(&store) > 0);
    assert_eq!(i64::from(midnight.rent_charges), posted(&store), "only the LA leases are new");
}

#[test]
fn a_lease_ending_on_the_second_is_still_active_on_the_second_in_los_angeles() {
    use unitcycle_core::lifecycle::classify::classify_lease_statuses;
    let mut store = demo_store("2026-11-25");
    let la = zone_first_property(&store, "America/Los_Angeles");
    let pick = |store: &Store, same: bool| -> String {
        let op = if same { "=" } else { "!=" };
        store
            .conn()
            .query_row(
                &format!(
                    "SELECT id FROM tenant_lease WHERE lease_status = 'active' AND property_id {op} ?1 ORDER BY id LIMIT 1"
                ),
                [la.to_string()],
                |r| r.get(0),
            )
            .unwrap()
    };
    let (in_la, in_utc) = (pick(&store, true), pick(&store, false));
    for id in [&in_la, &in_utc] {
        store.conn().execute("UPDATE tenant_lease SET lease_end_date = '2026-12-02' WHERE id = ?1", [id]).unwrap();
    }
    let status = |store: &Store, id: &str| -> String {
        store.conn().query_row("SELECT lease_status FROM tenant_lease WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    };
    classify_lease_statuses(&mut store, d("2026-12-03"), at("2026-12-03T06:00:00Z")).unwrap();
    assert_eq!(status(&store, &in_utc), "month_to_month");
    assert_eq!(status(&store, &in_la), "active", "still 2 December in Los Angeles");
    classify_lease_statuses(&mut store, d("2026-12-03"), at("2026-12-03T08:00:00Z")).unwrap();
    assert_eq!(status(&store, &in_la), "month_to_month");
}

/// The store's screen for late fees never leaves out a lease that owes one: day by day through
/// December, every lease whose ledger gives a late fee (the one rule, `rent::late_fee_entries`)
/// is among those `fees_pending` names, and most leases with a charge open are not re-read.
#[test]
fn the_stores_late_fee_screen_names_every_lease_that_owes_a_fee() {
    use unitcycle_core::collections::port::CollectionsPort;
    use unitcycle_core::collections::scan::sort_ledger;
    use unitcycle_core::rent::RentPort;
    let mut store = demo_store("2026-11-25");
    let leases = store.collection_leases().unwrap();
    let ids: Vec<Uuid> = leases.iter().map(|l| l.id).collect();
    let mut skipped = 0;
    for day in 1..=12 {
        let today = NaiveDate::from_ymd_opt(2026, 12, day).unwrap();
        let now = today.and_hms_opt(0, 30, 0).unwrap().and_utc();
        // Before the job runs, and after it (when the fees it posted are on the ledgers).
        for _ in 0..2 {
            let screened = store.fees_pending(&ids, today).unwrap();
            let mut ledgers = store.lease_ledgers().unwrap();
            for l in &leases {
                let mut entries = ledgers.remove(&l.id).unwrap_or_default();
                sort_ledger(&mut entries);
                let owes = !rent::late_fee_entries(l, &entries, today, now).is_empty();
                assert!(!owes || screened.contains(&l.id), "{} owes a fee on {today}", l.lease_number);
                skipped += usize::from(!screened.contains(&l.id));
            }
            post_rent_charges(&mut store, today, now).unwrap();
        }
    }
    assert!(skipped > 0);
}
