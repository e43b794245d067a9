//! The spec's `compute_unit_risk_score`, factor by factor, with figures worked by hand.

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::*;
use crate::model::{Equipment, WorkOrder, WorkOrderPriority, WorkOrderStatus};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn wo(title: &str, category: &str, requested: NaiveDate, cost: Decimal) -> WorkOrder {
    WorkOrder {
        id: Uuid::new_v4(),
        unit_id: Uuid::nil(),
        property_id: Uuid::nil(),
        tenant_id: None,
        title: title.into(),
        description: String::new(),
        category: category.into(),
        priority: WorkOrderPriority::Medium,
        status: WorkOrderStatus::Completed,
        requested_date: requested,
        completed_date: Some(requested),
        cost,
        assigned_vendor_id: None,
        created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        scheduled_date: None,
        tenant_rating: None,
    }
}

fn equipment(install: NaiveDate, life: f64) -> Equipment {
    Equipment {
        id: Uuid::new_v4(),
        property_ref_id: Uuid::nil(),
        unit_id: None,
        name: "Boiler".into(),
        equipment_type: "boiler".into(),
        manufacturer: "Lochinvar".into(),
        model_number: "M-1".into(),
        install_date: install,
        age_years: 0.0,
        expected_lifespan_years: life,
        warranty_expiry: None,
        created_at: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
    }
}

const TODAY: (i32, u32, u32) = (2026, 7, 15);

fn today() -> NaiveDate {
    day(TODAY.0, TODAY.1, TODAY.2)
}

#[test]
fn frequency_is_work_orders_in_12_months_over_8_capped_at_1() {
    for (n, expected) in [(0, 0.0), (2, 0.25), (4, 0.5), (8, 1.0), (11, 1.0)] {
        let orders: Vec<WorkOrder> =
            (0..n).map(|i| wo("Fix", "general", today() - Duration::days(10 + i * 20), dec!(0))).collect();
        let refs: Vec<&WorkOrder> = orders.iter().collect();
        assert_eq!(compute_risk_factors(&refs, &[], today()).wo_freq, expected, "{n} work orders");
    }
    // Older than a year, or cancelled: not counted.
    let mut cancelled = wo("Fix", "general", today() - Duration::days(5), dec!(0));
    cancelled.status = WorkOrderStatus::Cancelled;
    let old = wo("Fix", "general", today() - Duration::days(400), dec!(0));
    assert_eq!(compute_risk_factors(&[&cancelled, &old], &[], today()).wo_freq, 0.0);
}

#[test]
fn cost_trend_is_last_6_months_over_the_6_before_minus_1_clamped_to_0_1() {
    let trend = |recent: Decimal, before: Decimal| {
        let a = wo("A", "plumbing", today() - Duration::days(30), recent);
        let b = wo("B", "plumbing", today() - Duration::days(250), before);
        compute_risk_factors(&[&a, &b], &[], today()).cost_trend
    };
    assert_eq!(trend(dec!(300), dec!(200)), 0.5); // 300/200 − 1
    assert_eq!(trend(dec!(500), dec!(100)), 1.0); // 4.0 capped at 1
    assert_eq!(trend(dec!(100), dec!(200)), 0.0); // −0.5 floored at 0
    assert_eq!(trend(dec!(300), dec!(0)), 0.0); // nothing before: 0
}

#[test]
fn equipment_age_is_the_mean_share_of_lifespan_used_capped_at_1_default_0_3() {
    assert_eq!(compute_risk_factors(&[], &[], today()).equip_age, DEFAULT_EQUIPMENT_AGE);
    // 5 of 10 years and 15 of 10 years: (50 % + 150 %) / 2 = 100 % → 1.0.
    let half = equipment(today() - Duration::days((5.0f64 * 365.25) as i64), 10.0);
    let over = equipment(today() - Duration::days((15.0f64 * 365.25) as i64), 10.0);
    let f = compute_risk_factors(&[], &[&half, &over], today()).equip_age;
    assert!((f - 1.0).abs() < 0.001, "{f}");
    let f = compute_risk_factors(&[], &[&half], today()).equip_age;
    assert!((f - 0.5).abs() < 0.001, "{f}");
}

#[test]
fn repeat_issues_count_words_longer_than_4_letters_seen_3_times() {
    let titles = ["Leaking kitchen faucet", "Faucet leaking again", "Leaking faucet under sink", "Door stuck"];
    let orders: Vec<WorkOrder> = titles
        .iter()
        .enumerate()
        .map(|(i, t)| wo(t, "plumbing", today() - Duration::days(10 * i as i64 + 1), dec!(0)))
        .collect();
    let refs: Vec<&WorkOrder> = orders.iter().collect();
    let f = compute_risk_factors(&refs, &[], today());
    // "leaking" ×3 and "faucet" ×3 (6 letters); "kitchen", "again", "under" once; "sink", "door" are 4 letters.
    assert_eq!(f.repeated_keywords, vec!["faucet".to_string(), "leaking".to_string()]);
    assert!((f.repeat_score - 2.0 / 3.0).abs() < 1e-9);
}

#[test]
fn every_month_of_the_seasonal_table() {
    let table = [0.8, 0.7, 0.4, 0.3, 0.4, 0.7, 0.9, 0.9, 0.5, 0.3, 0.5, 0.7];
    for (m, expected) in table.iter().enumerate() {
        assert_eq!(seasonal(day(2026, m as u32 + 1, 10)), *expected, "month {}", m + 1);
    }
}

#[test]
fn the_score_is_30_20_20_20_10_and_the_levels_break_at_25_50_75() {
    let f = RiskFactors {
        wo_freq: 0.5,
        cost_trend: 0.5,
        equip_age: 0.3,
        repeat_score: 1.0 / 3.0,
        seasonal: 0.9,
        ..Default::default()
    };
    // 15 + 10 + 6 + 6.667 + 9 = 46.667 → 46.7
    assert_eq!(f.score(), 46.7);
    let all = RiskFactors {
        wo_freq: 1.0,
        cost_trend: 1.0,
        equip_age: 1.0,
        repeat_score: 1.0,
        seasonal: 1.0,
        ..Default::default()
    };
    assert_eq!(all.score(), 100.0);
    for (score, level) in [
        (0.0, "low"),
        (25.0, "low"),
        (25.1, "medium"),
        (50.0, "medium"),
        (50.1, "high"),
        (75.0, "high"),
        (75.1, "critical"),
        (100.0, "critical"),
    ] {
        assert_eq!(risk_level(score), level, "{score}");
    }
}

#[test]
fn a_troubled_unit_scores_and_predicts_from_its_history() {
    // Four plumbing jobs 30 days apart, the last two dearer, in July (seasonal 0.9), no equipment.
    let t = today();
    let orders = [
        wo("Leaking faucet", "plumbing", t - Duration::days(240), dec!(100)),
        wo("Leaking faucet", "plumbing", t - Duration::days(210), dec!(100)),
        wo("Leaking drain pipe", "plumbing", t - Duration::days(120), dec!(200)),
        wo("Door stuck", "general", t - Duration::days(90), dec!(100)),
    ];
    let refs: Vec<&WorkOrder> = orders.iter().collect();
    let f = compute_risk_factors(&refs, &[], t);
    assert_eq!(f.wo_freq, 0.5);
    // Last 6 months (182 days): 200 + 100 = 300; the 6 before: 200 → 0.5.
    assert_eq!(f.cost_trend, 0.5);
    assert_eq!(f.repeated_keywords, vec!["leaking".to_string()]);
    // 15 + 10 + 6 + 6.667 + 9 = 46.7
    assert_eq!(f.score(), 46.7);
    let p = predict(&refs, &[], &f, t);
    assert_eq!((p.count_12, p.cost_12), (4, dec!(500)));
    // 150 days from the first to the last over 3 gaps: 50 days; 90 days ago + 50 is past → today.
    assert_eq!(p.avg_days_between, 50);
    assert_eq!(p.next_date, Some(t));
    assert_eq!(p.next_type, "plumbing");
    // 500 / 365 × 30 × 1.5 = 61.64; × 90 = 184.93
    assert_eq!(p.cost_30, dec!(61.64));
    assert_eq!(p.cost_90, dec!(184.93));
    let now = Utc.with_ymd_and_hms(2026, 7, 15, 5, 0, 0).unwrap();
    let row = risk_score_row(Uuid::nil(), Uuid::nil(), &f, &p, t, now);
    let sum = row.wo_frequency_score
        + row.wo_cost_score
        + row.equipment_age_score
        + row.repeat_issue_score
        + row.seasonal_score;
    assert!((sum - row.risk_score).abs() < 0.05, "the factors add up to the score");
    assert_eq!(row.risk_level, "medium");
}

#[test]
fn high_risk_units_get_preventive_suggestions_from_figures_on_record() {
    let t = today();
    let now = Utc.with_ymd_and_hms(2026, 7, 15, 5, 0, 0).unwrap();
    let orders: Vec<WorkOrder> = (0..8)
        .map(|i| {
            wo(
                if i % 2 == 0 { "HVAC not cooling" } else { "Leaking faucet" },
                if i % 2 == 0 { "hvac" } else { "plumbing" },
                t - Duration::days(20 + i * 30),
                dec!(150),
            )
        })
        .collect();
    let refs: Vec<&WorkOrder> = orders.iter().collect();
    let boiler = equipment(t - Duration::days(365 * 14), 15.0);
    let f = compute_risk_factors(&refs, &[&boiler], t);
    let p = predict(&refs, &[&boiler], &f, t);
    let score = risk_score_row(Uuid::nil(), Uuid::nil(), &f, &p, t, now);
    assert!(matches!(score.risk_level.as_str(), "high" | "critical"), "{}", score.risk_score);
    let s = suggest(&score, &refs, &[&boiler], &|_| dec!(200), now);
    let titles: Vec<&str> = s.iter().map(|s| s.title.as_str()).collect();
    assert!(titles.contains(&"Preventive service: Boiler"), "{titles:?}");
    assert!(titles.iter().any(|t| t.starts_with("Root-cause inspection")), "{titles:?}");
    assert!(titles.contains(&"Seasonal HVAC service"), "{titles:?}");
    assert!(s.iter().all(|s| s.estimated_cost == dec!(200) && s.status == "suggested"));
    // The same day gives the same ids: a second run rewrites, never duplicates.
    let again = suggest(&score, &refs, &[&boiler], &|_| dec!(200), now);
    assert_eq!(s.iter().map(|s| s.id).collect::<Vec<_>>(), again.iter().map(|s| s.id).collect::<Vec<_>>());
    // A low-risk unit gets none.
    let quiet = risk_score_row(Uuid::nil(), Uuid::nil(), &RiskFactors::default(), &Prediction::default(), t, now);
    assert!(suggest(&quiet, &[], &[], &|_| dec!(1), now).is_empty());
}
