use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::port::RecordsPort;
use super::workflow::{apply_record_action, replica_record_action};
use super::*;
use crate::model::{LeaseStatus, TransType};
use crate::store::{Store, StoreError};

fn now() -> DateTime<Utc> {
    "2026-12-03T06:00:00Z".parse().unwrap()
}

fn harbor() -> PropertyInput {
    PropertyInput {
        name: "Harbor View".into(),
        address: "12 Pier Rd".into(),
        city: "Oakland".into(),
        state: "CA".into(),
        zip_code: "94607".into(),
        property_type: "multifamily".into(),
        year_built: Some(1998),
        time_zone: "America/Los_Angeles".into(),
    }
}

fn unit(property_id: Uuid, number: &str) -> UnitInput {
    UnitInput {
        property_id,
        building_id: None,
        unit_number: number.into(),
        floor: 1,
        bedrooms: 2,
        bathrooms: dec!(1.5),
        square_feet: 850,
        market_rent: dec!(1850),
    }
}

fn rejected(e: StoreError) -> String {
    match e {
        StoreError::Rejected(why) => why,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn act(store: &mut Store, id: Uuid, action: RecordAction) -> Result<Uuid, StoreError> {
    apply_record_action(store, id, &action, now())
}

#[test]
fn fields_are_checked_where_records_are_made() {
    let p = harbor().into_property(Uuid::new_v4(), now()).unwrap();
    assert_eq!((p.name.as_str(), p.time_zone.as_str(), p.total_units), ("Harbor View", "America/Los_Angeles", 0));
    for (bad, why) in [
        (PropertyInput { name: "  ".into(), ..harbor() }, "name is required"),
        (PropertyInput { time_zone: "Pacific".into(), ..harbor() }, "Unknown time zone 'Pacific'"),
        (PropertyInput { property_type: "castle".into(), ..harbor() }, "property_type 'castle' is not one of"),
        (PropertyInput { year_built: Some(3020), ..harbor() }, "year_built must be from 1600 to 2100"),
    ] {
        let e = bad.into_property(Uuid::new_v4(), now()).unwrap_err();
        assert!(e.contains(why), "{e}");
    }
    let pid = p.id;
    for (bad, why) in [
        (UnitInput { bathrooms: dec!(1.25), ..unit(pid, "1A") }, "in halves"),
        (UnitInput { market_rent: dec!(100000000000), ..unit(pid, "1A") }, "more than UnitCycle stores"),
        (UnitInput { market_rent: dec!(-5), ..unit(pid, "1A") }, "cannot be negative"),
        (UnitInput { bedrooms: 99, ..unit(pid, "1A") }, "bedrooms must be from 0 to 20"),
        (unit(pid, ""), "unit_number is required"),
    ] {
        let e = bad.into_unit(Uuid::new_v4(), now()).unwrap_err();
        assert!(e.contains(why), "{e}");
    }
    assert_eq!("pay".parse::<EntryKind>(), Ok(EntryKind::Payment));
    assert!("refund".parse::<EntryKind>().unwrap_err().contains("charge, payment, credit"));
}

#[test]
fn a_portfolio_is_entered_by_hand_and_a_vacant_unit_leased() {
    let mut store = Store::in_memory().unwrap();
    let pid = act(&mut store, Uuid::new_v4(), RecordAction::CreateProperty(harbor())).unwrap();
    let bid = act(
        &mut store,
        Uuid::new_v4(),
        RecordAction::CreateBuilding(BuildingInput { property_id: pid, name: "North".into(), floors: 3 }),
    )
    .unwrap();
    let u1 = act(
        &mut store,
        Uuid::new_v4(),
        RecordAction::CreateUnit(UnitInput { building_id: Some(bid), ..unit(pid, "101") }),
    )
    .unwrap();
    act(&mut store, Uuid::new_v4(), RecordAction::CreateUnit(unit(pid, "102"))).unwrap();
    assert_eq!(store.property(pid).unwrap().total_units, 2, "total_units follows the units in use");
    // Unit numbers are one per property, whatever the case.
    let dup = act(&mut store, Uuid::new_v4(), RecordAction::CreateUnit(unit(pid, "101"))).unwrap_err();
    assert_eq!(rejected(dup), "The property already has a unit 101.");

    let tid = act(
        &mut store,
        Uuid::new_v4(),
        RecordAction::AddTenant(TenantInput {
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            email: "ann.lee@example.com".into(),
            phone: String::new(),
            date_of_birth: None,
        }),
    )
    .unwrap();
    let terms = crate::lifecycle::new_lease::LeaseTerms {
        lease_begin_date: "2026-12-01".parse().unwrap(),
        lease_end_date: "2027-11-30".parse().unwrap(),
        monthly_rent_amount: dec!(1850),
        security_deposit: dec!(1850),
        rent_due_day: 1,
        late_fee_amount: dec!(75),
        grace_period_days: 5,
    };
    let lease = crate::lifecycle::new_lease::new_lease(&mut store, u1, tid, terms, "user:test", now()).unwrap();
    assert_eq!(lease.lease_status, LeaseStatus::Active);

    // A charge, a payment and a credit; the property's day (Dec 2 in Oakland at 06:00Z) bounds dates.
    let post = |kind, amount, category: &str| LedgerInput {
        lease_id: lease.id,
        kind,
        category: category.into(),
        description: String::new(),
        amount,
        trans_date: "2026-12-01".parse().unwrap(),
        due_date: None,
    };
    let charge =
        act(&mut store, Uuid::new_v4(), RecordAction::PostLedger(post(EntryKind::Charge, dec!(40), "utility")))
            .unwrap();
    act(&mut store, Uuid::new_v4(), RecordAction::PostLedger(post(EntryKind::Payment, dec!(25), "ignored"))).unwrap();
    let credit =
        act(&mut store, Uuid::new_v4(), RecordAction::PostLedger(post(EntryKind::Credit, dec!(10), ""))).unwrap();
    let c = store.ledger_entry(credit).unwrap().unwrap();
    assert_eq!((c.trans_type, c.category.as_str(), c.description.as_str()), (TransType::Payment, "credit", "Credit"));
    assert_eq!(store.lease_balance(lease.id).unwrap(), dec!(5));
    let far = LedgerInput {
        trans_date: NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
        ..post(EntryKind::Payment, dec!(1), "")
    };
    let far = rejected(act(&mut store, Uuid::new_v4(), RecordAction::PostLedger(far)).unwrap_err());
    assert!(far.contains("outside the dates UnitCycle keeps"), "{far}");
    let zero = act(&mut store, Uuid::new_v4(), RecordAction::PostLedger(post(EntryKind::Charge, dec!(0), "utility")));
    assert_eq!(rejected(zero.unwrap_err()), "amount must be greater than zero.");

    // A void posts the reversal on the property's local day and keeps the entry; once only.
    let void = RecordAction::VoidLedger { reason: "billed in error".into() };
    let rid = act(&mut store, charge, void.clone()).unwrap();
    let r = store.ledger_entry(rid).unwrap().unwrap();
    assert_eq!((r.trans_type, r.category.as_str(), r.amount), (TransType::Payment, VOID_CATEGORY, dec!(40)));
    assert_eq!(r.trans_date, NaiveDate::from_ymd_opt(2026, 12, 2).unwrap(), "Oakland's date at 06:00Z");
    assert!(r.description.contains("billed in error"), "{}", r.description);
    assert_eq!(store.lease_balance(lease.id).unwrap(), dec!(-35));
    assert_eq!(rejected(act(&mut store, charge, void).unwrap_err()), "This entry is already voided.");

    // Nothing with a lease in place is archived; a free unit is, and leaves the count.
    let e = rejected(act(&mut store, u1, RecordAction::ArchiveUnit).unwrap_err());
    assert!(e.contains("has a lease in place"), "{e}");
    assert!(rejected(act(&mut store, tid, RecordAction::ArchiveTenant).unwrap_err()).contains("lease in place"));
    assert!(rejected(act(&mut store, pid, RecordAction::ArchiveProperty).unwrap_err()).contains("lease in place"));
    let u2 = store.units_of(pid).unwrap().into_iter().find(|u| u.unit_number == "102").unwrap().id;
    act(&mut store, u2, RecordAction::ArchiveUnit).unwrap();
    assert_eq!(store.property(pid).unwrap().total_units, 1);
    assert!(store.unit(u2).unwrap().archived_at.is_some());
    let edit = act(&mut store, u2, RecordAction::UpdateUnit(UnitPatch { floor: Some(2), ..Default::default() }));
    assert_eq!(rejected(edit.unwrap_err()), "Unit 102 is archived.");

    // Edits keep what they do not name; a leased unit's status follows its lease.
    let patch = UnitPatch { market_rent: Some(dec!(1900)), ..Default::default() };
    act(&mut store, u1, RecordAction::UpdateUnit(patch)).unwrap();
    let u = store.unit(u1).unwrap();
    assert_eq!((u.market_rent, u.current_rent, u.status.as_str()), (dec!(1900), dec!(1850), "occupied"));
    let to_maintenance = UnitPatch { status: Some(crate::model::UnitStatus::Maintenance), ..Default::default() };
    assert!(rejected(act(&mut store, u1, RecordAction::UpdateUnit(to_maintenance)).unwrap_err()).contains("is leased"));
    let rename = PropertyPatch { name: Some("Harbor View Apartments".into()), ..Default::default() };
    act(&mut store, pid, RecordAction::UpdateProperty(rename)).unwrap();
    let p = store.property(pid).unwrap();
    assert_eq!((p.name.as_str(), p.city.as_str(), p.total_units), ("Harbor View Apartments", "Oakland", 1));
}

#[test]
fn a_connected_replica_queues_each_records_action_for_the_server() {
    let mut store = Store::in_memory().unwrap();
    let login = "INSERT INTO sync_state (server_url, device_id, email, cursor) VALUES ('http://s', 'd', 'e', 0)";
    store.conn().execute(login, []).unwrap();
    let id = Uuid::new_v4();
    replica_record_action(&mut store, id, &RecordAction::CreateProperty(harbor()), now()).unwrap();
    let queued = crate::sync_actions::pending(&store).unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!((queued[0].entity.as_str(), queued[0].entity_id), ("properties", id));
    assert_eq!(queued[0].action["action"], "create_property");
    assert_eq!(store.property(id).unwrap().name, "Harbor View");
}
