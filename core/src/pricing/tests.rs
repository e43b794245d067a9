//! The pricing engine, as examples of spec 2.2 with hand-computed figures.

use chrono::{NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

use super::*;
use crate::model::{Unit, UnitStatus};

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

const PROPERTY: Uuid = Uuid::from_u128(1);

fn unit(n: u128, sqft: i32, rent: Decimal, status: UnitStatus) -> Unit {
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    Unit {
        id: Uuid::from_u128(100 + n),
        property_id: PROPERTY,
        building_id: None,
        unit_number: format!("{n}"),
        floor: 1,
        bedrooms: 2,
        bathrooms: dec!(1.0),
        square_feet: sqft,
        market_rent: Decimal::ZERO,
        current_rent: rent,
        status,
        created_at: at,
        updated_at: at,
        archived_at: None,
    }
}

/// Three occupied 2-bed/1-bath comps at 850, 900 and 950 sq ft paying $1,400, $1,500, $1,600.
fn comps() -> Vec<Unit> {
    vec![
        unit(1, 850, dec!(1400), UnitStatus::Occupied),
        unit(2, 900, dec!(1500), UnitStatus::Occupied),
        unit(3, 950, dec!(1600), UnitStatus::Occupied),
    ]
}

#[test]
fn every_month_of_the_seasonal_table() {
    let expected = [0.97, 0.97, 0.99, 1.01, 1.03, 1.05, 1.05, 1.04, 1.02, 1.00, 0.98, 0.96];
    for (m, f) in expected.iter().enumerate() {
        assert_eq!(seasonal_factor(m as u32 + 1), Decimal::try_from(*f).unwrap(), "month {}", m + 1);
    }
}

#[test]
fn the_vacancy_discount_starts_after_two_weeks_and_stops_at_five_percent() {
    assert_eq!(vacancy_discount(13), Decimal::ZERO);
    assert_eq!(vacancy_discount(14), Decimal::ZERO);
    // 15 days: a seventh of a week over, 0.5 % / 7.
    assert_eq!(vacancy_discount(15).round_dp(6), dec!(0.000714));
    assert_eq!(vacancy_discount(21), dec!(0.005));
    assert_eq!(vacancy_discount(120), dec!(0.05));
    let me = unit(9, 900, Decimal::ZERO, UnitStatus::Vacant);
    let october = d("2026-10-15"); // factor 1.00
    let at = |days| compute_market_rent(&me, &comps(), &[], days, october).market_rent.unwrap();
    assert_eq!((at(13), at(14)), (dec!(1500.00), dec!(1500.00)));
    assert_eq!(at(15), dec!(1498.93));
    assert_eq!(at(120), dec!(1425.00));
}

#[test]
fn three_comps_average_scaled_for_size_and_season() {
    let same = unit(9, 900, dec!(1450), UnitStatus::Occupied);
    let m = compute_market_rent(&same, &comps(), &[], 0, d("2026-06-10"));
    assert_eq!((m.basis, m.base_rent, m.market_rent), (Basis::Internal, Some(dec!(1500.00)), Some(dec!(1575.00))));
    assert_eq!((m.comps.len(), m.seasonal_factor, m.size_adjustment), (3, 1.05, 1.0));
    // 950 sq ft against an average of 900: × 1.0555555555555556, then January's 0.97.
    let bigger = unit(9, 950, dec!(1450), UnitStatus::Occupied);
    let m = compute_market_rent(&bigger, &comps(), &[], 0, d("2026-01-10"));
    assert_eq!(m.market_rent, Some(dec!(1535.83)));
    assert!(m.reason.contains("3 occupied 2-bed/1-bath units"), "{}", m.reason);
    assert!(m.confidence > 0.7);
}

#[test]
fn a_comp_must_be_the_same_kind_occupied_and_within_100_square_feet() {
    let me = unit(9, 900, dec!(1450), UnitStatus::Occupied);
    let mut units = comps();
    units.push(unit(4, 1001, dec!(9000), UnitStatus::Occupied)); // 101 sq ft bigger
    units.push(unit(5, 900, dec!(9000), UnitStatus::Vacant));
    let mut other = unit(6, 900, dec!(9000), UnitStatus::Occupied);
    other.bedrooms = 3;
    units.push(other);
    units.push(me.clone()); // itself
    assert_eq!(internal_comps(&me, &units).len(), 3);
    // No square footage: every size counts, and no size adjustment.
    let unknown = unit(9, 0, dec!(1450), UnitStatus::Occupied);
    let m = compute_market_rent(&unknown, &comps(), &[], 0, d("2026-10-01"));
    assert_eq!((m.comps.len(), m.size_adjustment, m.market_rent), (3, 1.0, Some(dec!(1500.00))));
}

#[test]
fn fewer_than_three_comps_fall_back_with_less_confidence_and_say_why() {
    let mut me = unit(9, 900, dec!(1400), UnitStatus::Occupied);
    me.market_rent = dec!(1450);
    let two = &comps()[..2];
    let external: Vec<ExternalComp> = [1510, 1530, 1550]
        .iter()
        .map(|r| ExternalComp {
            id: Uuid::new_v4(),
            property_id: PROPERTY,
            source: "manager_csv".into(),
            address: "12 Elm St".into(),
            bedrooms: 2,
            bathrooms: dec!(1.0),
            square_feet: Some(880),
            rent: Decimal::from(*r),
            observed_on: d("2026-01-02"),
            created_at: Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap(),
        })
        .collect();
    let m = compute_market_rent(&me, two, &external, 0, d("2026-10-01"));
    assert_eq!((m.basis, m.market_rent, m.confidence), (Basis::External, Some(dec!(1530.00)), 0.5));
    let m = compute_market_rent(&me, two, &[], 0, d("2026-01-10"));
    assert_eq!((m.basis, m.market_rent, m.confidence), (Basis::Stored, Some(dec!(1406.50)), 0.3));
    assert!(m.reason.starts_with("Only 2 internal comp(s)"), "{}", m.reason);
    me.market_rent = Decimal::ZERO;
    let m = compute_market_rent(&me, two, &[], 0, d("2026-10-01"));
    assert_eq!((m.basis, m.market_rent), (Basis::CurrentRent, Some(dec!(1400.00))));
    let nothing = unit(9, 900, Decimal::ZERO, UnitStatus::Vacant);
    let m = compute_market_rent(&nothing, two, &[], 0, d("2026-10-01"));
    assert_eq!((m.basis, m.market_rent, m.confidence), (Basis::None, None, 0.0), "never invented");
}

#[test]
fn the_gap_and_the_strategy() {
    assert_eq!(gap(dec!(1400), dec!(1500)), (dec!(-100), -6.7));
    assert_eq!(gap(dec!(1500), dec!(1500)), (dec!(0), 0.0));
    let june = seasonal_factor(6);
    assert_eq!(strategy(31, june, 0.9, None), Strategy::LeaseUp);
    assert_eq!(strategy(20, june, 0.9, None), Strategy::Conservative);
    assert_eq!(strategy(0, june, 0.97, Some(-8.0)), Strategy::Premium);
    assert_eq!(strategy(0, seasonal_factor(1), 0.97, Some(-8.0)), Strategy::Aggressive);
    assert_eq!(strategy(0, seasonal_factor(1), 0.97, Some(-1.0)), Strategy::Market);
}

#[test]
fn the_revenue_opportunity_adds_up_the_units_below_market() {
    let now = Utc.with_ymd_and_hms(2026, 10, 1, 4, 0, 0).unwrap();
    let me = |n, rent| unit(n, 900, rent, UnitStatus::Occupied);
    let mut snaps = Vec::new();
    for (n, rent) in [(10, dec!(1400)), (11, dec!(1500)), (12, dec!(1600)), (13, dec!(1300))] {
        let u = me(n, rent);
        let e = compute_market_rent(&u, &comps(), &[], 0, now.date_naive());
        snaps.push(snapshot(&u, &e, 0.9, now.date_naive(), now).unwrap().0);
    }
    let names = HashMap::from([(PROPERTY, "Harbor View".to_string())]);
    let r = revenue_opportunity(&snaps, &names);
    assert_eq!((r.total_units_analyzed, r.units_below_market, r.units_at_market, r.units_above_market), (4, 2, 1, 1));
    assert_eq!((r.total_monthly_gap, r.annual_revenue_opportunity), (dec!(300.00), dec!(3600.00)));
    assert_eq!(r.avg_gap_pct, -3.3); // (-6.7 + 0 + 6.7 - 13.3) / 4
    assert_eq!(r.by_property[0].units_below, 2);
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["total_monthly_gap"], serde_json::json!(300.0), "money as numbers, as the spec's example");
}

mod engine {
    use super::*;
    use crate::pricing::port::PricingPort;
    use crate::pricing::workflow;
    use crate::store::Store;

    #[test]
    fn the_engine_prices_the_demo_twice_a_day_without_writing_twice() {
        let mut store = Store::in_memory().unwrap();
        let today = d("2026-12-03");
        crate::demo::generate(&mut store, &crate::demo::DemoConfig { units: 120, seed: 4, today }).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 3, 12, 0, 0).unwrap();
        let first = workflow::daily(&mut store, today, now).unwrap();
        assert!(first.written > 100, "{first:?}");
        let second = workflow::daily(&mut store, today, now).unwrap();
        assert_eq!((second.written, second.market_rents_updated), (0, 0), "{second:?}");
        let snaps = store.latest_snapshots().unwrap();
        let r = workflow::opportunity(&store, None).unwrap();
        assert!(r.units_below_market > 0 && r.units_at_market > 0 && r.units_above_market > 0, "{r:?}");
        // The figures are the snapshots', directly.
        let occupied: Vec<&PricingSnapshot> = snaps.iter().filter(|s| s.current_rent.is_some()).collect();
        let short: Decimal =
            occupied.iter().filter(|s| s.rent_gap_pct < -2.0).map(|s| s.market_rent - s.current_rent.unwrap()).sum();
        assert_eq!((r.total_units_analyzed as usize, r.total_monthly_gap), (occupied.len(), short));
        let one = &snaps[0];
        let history = workflow::history(&store, one.unit_id, today).unwrap();
        assert_eq!(history.len(), 1);
        // The unit's market rent is the engine's figure when it came from comps.
        let internal = snaps.iter().find(|s| s.basis == Basis::Internal).unwrap();
        assert_eq!(store.unit(internal.unit_id).unwrap().market_rent, internal.market_rent);
        let stored = store.snapshot_comps(internal.id).unwrap().len();
        assert_eq!(stored, (internal.comp_count as usize).min(STORED_COMPS), "the closest comps are kept");
    }
}
