//! Command-center rows and rules over a demo replica.

use chrono::NaiveDate;
use unitcycle_core::command_center::{self, Filter};
use unitcycle_core::demo::{self, DemoConfig};
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::Store;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn one_row_per_unit_and_rules_fire_on_the_demo() {
    let mut store = Store::in_memory().unwrap();
    demo::generate(&mut store, &DemoConfig { units: 300, seed: 4, today: d("2026-11-25") }).unwrap();
    let rows = store.command_center_rows(d("2026-11-25")).unwrap();
    assert_eq!(rows.len(), 300);
    let s = command_center::summary(rows.iter());
    let stats = store.lifecycle_stats(&Default::default(), d("2026-11-25")).unwrap();
    assert_eq!(
        (s.active_count, s.mtm_count, s.notice_count, s.vacant_count),
        (stats.active, stats.month_to_month, stats.notice, stats.vacant)
    );
    assert!(rows.iter().filter(|r| r.lifecycle_state == LeaseStatus::Vacant).all(|r| r.tenant_name.is_none()));
    let shown =
        command_center::view(&rows, &Filter { lifecycle_states: vec![LeaseStatus::Notice], ..Default::default() });
    assert_eq!(shown.len() as u64, stats.notice);

    let snaps = store.unit_snapshots().unwrap();
    assert_eq!(snaps.len(), 300);
    let candidates: usize = snaps.iter().map(|s| command_center::generate(s, d("2026-11-25")).len()).sum();
    assert!(candidates > 30, "{candidates}");
}
