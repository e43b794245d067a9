//! The rent-roll import on a replica: the three fixtures of `tests/fixtures`, re-imports, bad
//! rows, the day's jobs on what was imported, and the export read back.

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::store::Store;

pub const APPFOLIO: &str = include_str!("../../../tests/fixtures/rent_roll_appfolio.csv");
pub const BUILDIUM: &str = include_str!("../../../tests/fixtures/rent_roll_buildium.csv");
pub const YARDI: &str = include_str!("../../../tests/fixtures/rent_roll_yardi.csv");
/// The Yardi export names its resident code `Resident` and its bed/bath `Unit Type`.
pub const YARDI_MAP: &[&str] = &["Resident=ignore", "Unit Type=bedrooms"];

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 15).unwrap()
}

fn now() -> DateTime<Utc> {
    today().and_hms_opt(9, 0, 0).unwrap().and_utc()
}

fn import(store: &mut Store, csv: &str, map: &[&str], dry_run: bool) -> ImportReport {
    let overrides = parse_overrides(map.iter().copied()).unwrap();
    let req = ImportRequest { csv, overrides: &overrides, dry_run, actor: IMPORT_ACTOR };
    import_rent_roll(store, &req, today(), now()).unwrap()
}

fn created(r: &ImportReport) -> Vec<(String, u32)> {
    r.counts.iter().map(|(k, c)| (k.clone(), c.created)).collect()
}

fn count(store: &Store, table: &str) -> i64 {
    store.conn().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn kinds(r: &ImportReport, kind: &str) -> KindCount {
    r.counts[kind]
}

#[test]
fn each_fixture_imports_into_an_empty_replica_and_a_second_import_creates_nothing() {
    for (name, csv, map, props, units, leases, balances) in [
        ("appfolio", APPFOLIO, &[][..], 2, 14, 12, 5),
        ("buildium", BUILDIUM, &[][..], 2, 12, 11, 4),
        ("yardi", YARDI, YARDI_MAP, 1, 12, 11, 4),
    ] {
        let mut store = Store::in_memory().unwrap();
        let r = import(&mut store, csv, map, false);
        assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
        assert!(r.applied, "{name}");
        assert_eq!(kinds(&r, "properties").created, props, "{name}");
        assert_eq!(kinds(&r, "buildings").created, props, "{name}");
        assert_eq!(kinds(&r, "units").created, units, "{name}");
        assert_eq!(kinds(&r, "tenants").created, leases, "{name}");
        assert_eq!(kinds(&r, "leases").created, leases, "{name}");
        assert_eq!(kinds(&r, "opening_balances").created, balances, "{name}");
        assert_eq!(count(&store, "units_unit"), units as i64, "{name}");
        assert_eq!(count(&store, "tenant_lease"), leases as i64, "{name}");
        assert_eq!(count(&store, "tenant_ledger_entry"), balances as i64, "{name}");
        assert!(count(&store, "lease_status_log") >= leases as i64, "{name}");
        let total: i64 = store.conn().query_row("SELECT SUM(total_units) FROM properties", [], |r| r.get(0)).unwrap();
        assert_eq!(total, units as i64, "{name}");

        let again = import(&mut store, csv, map, false);
        assert!(again.errors.is_empty(), "{name}: {:?}", again.errors);
        assert!(!again.applied, "{name}");
        assert!(created(&again).iter().all(|(_, n)| *n == 0), "{name}: {:?}", again.counts);
        assert_eq!(kinds(&again, "units").matched, units, "{name}");
        assert_eq!(kinds(&again, "leases").matched, leases, "{name}");
        assert_eq!(count(&store, "tenant_lease"), leases as i64, "{name}");
        assert_eq!(count(&store, "tenant_ledger_entry"), balances as i64, "{name}");
    }
}

#[test]
fn the_mapping_is_detected_per_system_and_lease_states_follow_the_dates() {
    let mut store = Store::in_memory().unwrap();
    let r = import(&mut store, YARDI, YARDI_MAP, false);
    let field = |col: &str| r.mapping.iter().find(|m| m.column == col).unwrap().field;
    assert_eq!(field("Name"), Some(Field::TenantName));
    assert_eq!(field("Resident"), None);
    assert_eq!(field("Move In"), Some(Field::LeaseStart));
    assert_eq!(field("Lease Expiration"), Some(Field::LeaseEnd));
    assert_eq!(field("Actual Rent"), Some(Field::MonthlyRent));
    assert_eq!(field("Unit Type"), Some(Field::Bedrooms));
    assert!(r.text().contains("Unit Type"), "{}", r.text());
    // Q-105 ended 2/28/26: month-to-month since 3/1, logged as the daily job would.
    let lease = store.find_lease_by_unit_number("Q-105");
    assert_eq!(lease.lease_status, LeaseStatus::MonthToMonth);
    assert_eq!(lease.holdover_start_date, NaiveDate::from_ymd_opt(2026, 3, 1));
    let log = store.status_log(lease.id).unwrap();
    assert_eq!(log.len(), 2);
    let q101 = store.find_lease_by_unit_number("Q-101");
    assert_eq!(q101.lease_status, LeaseStatus::Active);
    assert_eq!(q101.monthly_rent_amount, Decimal::new(126000, 2));
    // A credit is a payment, a past-due balance an overdue charge.
    assert_eq!(store.lease_balance(store.find_lease_by_unit_number("Q-107").id).unwrap(), Decimal::new(-7500, 2));
    assert_eq!(store.lease_balance(store.find_lease_by_unit_number("Q-102").id).unwrap(), Decimal::new(86500, 2));
}

#[test]
fn a_file_with_one_bad_row_imports_nothing_and_the_dry_run_names_every_bad_line() {
    let csv = "Property,Address,Unit,Tenant,Lease Start,Lease End,Rent,Balance,Email\n\
        Alder Yard,1 Elm St,1,\"Doe, Jan\",01/01/2026,12/31/2026,\"$1,200.00\",0,jan@example.test\n\
        Alder Yard,1 Elm St,2,\"Roe, Kit\",13/01/2026,12/31/2026,1200,0,kit@example.test\n\
        Alder Yard,1 Elm St,3,\"Poe, Lu\",01/01/2026,12/31/2026,12.345,0,lu@example.test\n\
        Alder Yard,1 Elm St,,\"Moe, Al\",01/01/2026,12/31/2026,1200,0,al@example.test\n\
        \n\
        Alder Yard,1 Elm St,5,\"Noe, Bo\",01/01/2026,12/31/2025,1200,0,bo@example.test\n\
        Alder Yard,1 Elm St,6,\"Coe, Cy\",01/01/2026,12/31/2026,1200,(1000000000),cy@example.test\n\
        Alder Yard,1 Elm St,1,\"Zoe, Di\",01/01/2026,12/31/2026,1200,0,di@example.test\n\
        Alder Yard,1 Elm St,8,\"Loe, Ed\",01/01/2026,12/31/2026,1200,0,ed@\n\
        Alder Yard,1 Elm St,9,\"Hoe, Fi\",,12/31/2026,1200,0,fi@example.test\n";
    let mut store = Store::in_memory().unwrap();
    let dry = import(&mut store, csv, &[], true);
    let lines: Vec<u64> = dry.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 7, 8, 9, 10, 11], "{:?}", dry.errors);
    let text = dry.text();
    for needle in [
        "line 3: lease start: invalid date '13/01/2026'",
        "line 4: rent: invalid amount '12.345'",
        "line 5: the unit number is empty",
        "line 7: the lease ends (2025-12-31) before it starts (2026-01-01)",
        "line 8: balance: Amount 1000000000 is more than UnitCycle stores",
        "line 9: unit 1 of Alder Yard is listed twice (first on line 2)",
        "line 10: invalid email 'ed@'",
        "line 11: the lease start date is missing",
    ] {
        assert!(text.contains(needle), "{needle}\n{text}");
    }
    assert!(!dry.applied);
    let real = import(&mut store, csv, &[], false);
    assert!(!real.applied);
    assert_eq!(real.errors, dry.errors);
    for table in ["properties", "units_unit", "tenants", "tenant_lease", "tenant_ledger_entry", "lease_status_log"] {
        assert_eq!(count(&store, table), 0, "{table}");
    }
    // An unmappable header is one error at line 1.
    let r = import(&mut store, "Name,Rent\nA,1\n", &[], true);
    assert_eq!(r.errors[0].line, 1);
    assert!(r.errors[0].message.contains("unit number"), "{:?}", r.errors);
}

#[test]
fn the_days_jobs_find_work_on_an_imported_portfolio() {
    let mut store = Store::in_memory().unwrap();
    for (csv, map) in [(APPFOLIO, &[][..]), (BUILDIUM, &[][..]), (YARDI, YARDI_MAP)] {
        assert!(import(&mut store, csv, map, false).applied);
    }
    let gateway = crate::ai::Gateway::offline("test".into());
    use crate::jobs::{run_with, Job};
    // In the schedule's order: the 02:00 queue, the 03:00 renewal scan, the 08:00 collections scan.
    let queue = run_with(&mut store, Job::AiActionQueue, today(), now(), &gateway).unwrap();
    let renewals = run_with(&mut store, Job::RenewalScan, today(), now(), &gateway).unwrap();
    let collections = run_with(&mut store, Job::CollectionsScan, today(), now(), &gateway).unwrap();
    let recs: i64 = count(&store, "renewal_recommendation");
    let cases: i64 = count(&store, "collection_case");
    let actions: i64 = count(&store, "ai_action_queue");
    assert!(recs >= 10, "{recs}: {}", renewals.summary);
    assert!(cases >= 10, "{cases}: {}", collections.summary);
    assert!(actions >= 5, "{actions}: {}", queue.summary);
}

#[test]
fn the_exported_rent_roll_reads_back_as_the_same_portfolio() {
    let mut store = Store::in_memory().unwrap();
    assert!(import(&mut store, APPFOLIO, &[], false).applied);
    assert!(import(&mut store, BUILDIUM, &[], false).applied);
    let csv = write_rent_roll(&store.rent_roll().unwrap());
    let again = import(&mut store, &csv, &[], false);
    assert!(again.errors.is_empty(), "{:?}\n{csv}", again.errors);
    assert!(created(&again).iter().all(|(_, n)| *n == 0), "{:?}", again.counts);
    let mut fresh = Store::in_memory().unwrap();
    let r = import(&mut fresh, &csv, &[], false);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(kinds(&r, "units").created, 26);
    assert_eq!(kinds(&r, "leases").created, 23);
    assert_eq!(kinds(&r, "opening_balances").created, 9);
    assert!(r.mapping.iter().all(|m| m.field.is_some()), "{:?}", r.mapping);
}

impl Store {
    fn find_lease_by_unit_number(&self, number: &str) -> Lease {
        let id: String = self
            .conn()
            .query_row(
                "SELECT l.id FROM tenant_lease l JOIN units_unit u ON u.id = l.unit_id WHERE u.unit_number = ?1",
                [number],
                |r| r.get(0),
            )
            .unwrap();
        self.lease(id.parse().unwrap()).unwrap()
    }
}
