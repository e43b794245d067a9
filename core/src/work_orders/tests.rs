//! Work orders as people run them, over a replica: every boundary refuses bad input alike.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::port::MaintenancePort;
use super::workflow::apply_action;
use super::*;
use crate::store::{Store, StoreError};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn demo() -> Store {
    let mut store = Store::in_memory().unwrap();
    let cfg = crate::demo::DemoConfig { units: 40, ..crate::demo::DemoConfig::new(day(2026, 7, 1)) };
    crate::demo::generate(&mut store, &cfg).unwrap();
    store
}

fn new_order(unit: Uuid) -> NewWorkOrder {
    NewWorkOrder {
        unit_id: unit,
        title: "Leaking faucet".into(),
        description: "Kitchen".into(),
        category: "plumbing".into(),
        priority: WorkOrderPriority::Medium,
        requested_date: day(2026, 7, 1),
        tenant_id: None,
    }
}

#[test]
fn a_work_order_from_request_to_completion() {
    let mut store = demo();
    let now = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
    let unit = store.maintenance_units().unwrap()[0].clone();
    let vendor = store.vendor_list().unwrap().into_iter().find(|v| v.is_active).unwrap();
    let id = Uuid::new_v4();
    apply_action(&mut store, id, &MaintenanceAction::Create(new_order(unit.id)), now).unwrap();
    apply_action(&mut store, id, &MaintenanceAction::Assign { vendor_id: vendor.id }, now).unwrap();
    apply_action(&mut store, id, &MaintenanceAction::Schedule { scheduled_date: day(2026, 7, 2) }, now).unwrap();
    let done =
        MaintenanceAction::Complete { completed_date: day(2026, 7, 3), cost: dec!(185.50), tenant_rating: Some(4) };
    apply_action(&mut store, id, &done, now).unwrap();
    let w = MaintenancePort::work_order(&store, id).unwrap();
    assert_eq!(w.status, WorkOrderStatus::Completed);
    assert_eq!(
        (w.assigned_vendor_id, w.scheduled_date, w.cost, w.tenant_rating),
        (Some(vendor.id), Some(day(2026, 7, 2)), dec!(185.50), Some(4))
    );
    // Finished: no further steps.
    let again = apply_action(&mut store, id, &MaintenanceAction::Cancel, now);
    assert!(matches!(again, Err(StoreError::Rejected(_))), "{again:?}");
}

#[test]
fn bad_input_is_refused_with_the_reason() {
    let mut store = demo();
    let now = Utc.with_ymd_and_hms(2026, 7, 1, 12, 0, 0).unwrap();
    let unit = store.maintenance_units().unwrap()[0].clone();
    let refused = |r: crate::store::Result<workflow::ActionOutcome>| match r {
        Err(StoreError::Rejected(why)) => why,
        other => panic!("{other:?}"),
    };
    let mut blank = new_order(unit.id);
    blank.title = "  ".into();
    assert!(refused(apply_action(&mut store, Uuid::new_v4(), &MaintenanceAction::Create(blank), now)).contains("Title"));
    let mut odd = new_order(unit.id);
    odd.category = "astrology".into();
    assert!(
        refused(apply_action(&mut store, Uuid::new_v4(), &MaintenanceAction::Create(odd), now)).contains("Category")
    );
    let id = Uuid::new_v4();
    apply_action(&mut store, id, &MaintenanceAction::Create(new_order(unit.id)), now).unwrap();
    let early = MaintenanceAction::Complete { completed_date: day(2026, 6, 1), cost: dec!(10), tenant_rating: None };
    assert!(refused(apply_action(&mut store, id, &early, now)).contains("before the request"));
    let rating =
        MaintenanceAction::Complete { completed_date: day(2026, 7, 2), cost: dec!(10), tenant_rating: Some(9) };
    assert!(refused(apply_action(&mut store, id, &rating, now)).contains("1 to 5"));
    let negative = MaintenanceAction::Complete { completed_date: day(2026, 7, 2), cost: dec!(-5), tenant_rating: None };
    assert!(apply_action(&mut store, id, &negative, now).is_err());
    // Nothing half-written: the work order is still open.
    assert_eq!(MaintenancePort::work_order(&store, id).unwrap().status, WorkOrderStatus::Open);
    let bad_warranty = NewWarranty {
        unit_id: unit.id,
        item_type: "Spaceship".into(),
        brand: "Acme".into(),
        model_number: String::new(),
        installed_date: day(2025, 1, 1),
        warranty_end_date: day(2027, 1, 1),
        warranty_vendor_id: None,
        warranty_provider: "Acme".into(),
        coverage_type: "full".into(),
        contact: String::new(),
    };
    assert!(refused(apply_action(&mut store, Uuid::new_v4(), &MaintenanceAction::AddWarranty(bad_warranty), now))
        .contains("Item type"));
}
