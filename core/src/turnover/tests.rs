use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use uuid::Uuid;

use super::*;
use crate::lifecycle::tests_support::lease;
use crate::model::LeaseStatus;

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

fn now() -> DateTime<Utc> {
    "2026-12-03T10:00:00Z".parse().unwrap()
}

/// A lease under notice: notice on 1 Nov, moving out 30 Nov, $1,850 rent and deposit.
fn notice_lease() -> Lease {
    let mut l = lease(LeaseStatus::Notice, "2025-01-01", Some("2027-06-30"));
    l.notice_date = Some(d("2026-11-01"));
    l.notice_move_out_date = Some(d("2026-11-30"));
    l.security_deposit = dec!(1850.00);
    l
}

fn case() -> TurnoverCase {
    open_case(&notice_lease(), d("2026-11-01"), now()).unwrap().0
}

fn deduction(amount: Decimal, approved: bool) -> TurnoverDeduction {
    TurnoverDeduction {
        id: Uuid::new_v4(),
        case_id: case().id,
        category: DeductionCategory::Paint,
        description: "Repaint living room wall".into(),
        amount,
        photo_url: String::new(),
        ai_detected: false,
        approved,
        created_at: now(),
    }
}

#[test]
fn notice_opens_a_case_with_the_eight_default_items() {
    let (c, items) = open_case(&notice_lease(), d("2026-11-01"), now()).unwrap();
    assert_eq!((c.stage, c.notice_date, c.expected_move_out), (Stage::Notice, d("2026-11-01"), d("2026-11-30")));
    assert_eq!((c.security_deposit, c.refund_amount, c.target_days_to_lease), (dec!(1850.00), dec!(1850.00), 21));
    assert_eq!(c.id, case_id(c.lease_id), "one case per lease, the same id on every store");
    let table: Vec<(&str, &str, Decimal)> =
        items.iter().map(|i| (i.category.as_str(), i.item.as_str(), i.estimated_cost)).collect();
    assert_eq!(
        table,
        vec![
            ("Cleaning", "Deep clean entire unit", dec!(250)),
            ("Paint", "Touch-up / full repaint walls", dec!(400)),
            ("Flooring", "Carpet clean or replacement", dec!(300)),
            ("Appliances", "Test and clean all appliances", dec!(100)),
            ("HVAC", "Replace filters, test system", dec!(75)),
            ("Security", "Re-key locks", dec!(85)),
            ("Plumbing", "Check faucets, toilets, drains", dec!(50)),
            ("Electrical", "Test outlets, switches, smoke detectors", dec!(50)),
        ]
    );
    assert_eq!(c.make_ready_estimated_cost, dec!(1310));
    // Only a lease under notice opens one.
    let active = lease(LeaseStatus::Active, "2025-01-01", Some("2027-06-30"));
    assert_eq!(open_case(&active, d("2026-11-01"), now()), Err(TurnoverError::NotUnderNotice(LeaseStatus::Active)));
}

#[test]
fn stages_advance_one_at_a_time_in_order() {
    let mut next_lease = lease(LeaseStatus::Active, "2026-12-15", Some("2027-12-14"));
    next_lease.id = Uuid::new_v4();
    let mut c = case();
    for (to, day) in [
        (Stage::Inspect, "2026-12-01"),
        (Stage::MakeReady, "2026-12-02"),
        (Stage::Listed, "2026-12-08"),
        (Stage::Leased, "2026-12-15"),
    ] {
        // Skipping ahead, or going back, is refused.
        for wrong in Stage::ALL.iter().filter(|s| **s != to) {
            assert!(advance(&c, *wrong, Some(&next_lease), d(day), now()).is_err(), "{:?} → {wrong:?}", c.stage);
        }
        c = advance(&c, to, Some(&next_lease), d(day), now()).unwrap();
        assert_eq!((c.stage, c.stage_entered), (to, d(day)));
    }
    assert_eq!(c.inspection_date, Some(d("2026-12-01")));
    assert_eq!(c.make_ready_start, Some(d("2026-12-02")));
    assert_eq!((c.make_ready_complete, c.listed_date), (Some(d("2026-12-08")), Some(d("2026-12-08"))));
    assert_eq!((c.leased_date, c.new_lease_id), (Some(d("2026-12-15")), Some(next_lease.id)));
    assert_eq!(c.days_vacant, 15, "30 Nov to 15 Dec");
    assert_eq!(advance(&c, Stage::Leased, None, d("2026-12-16"), now()), Err(TurnoverError::Closed));
    let err = advance(&case(), Stage::MakeReady, None, d("2026-12-01"), now()).unwrap_err();
    assert_eq!(err.to_string(), "The case is Notice Given: it can only move to Pre-Inspection, one stage at a time.");
}

#[test]
fn leased_needs_the_units_next_lease() {
    let mut c = case();
    for to in [Stage::Inspect, Stage::MakeReady, Stage::Listed] {
        c = advance(&c, to, None, d("2026-12-01"), now()).unwrap();
    }
    assert_eq!(advance(&c, Stage::Leased, None, d("2026-12-05"), now()), Err(TurnoverError::NoNewLease));
    // The lease given notice on, a lease not yet started and a lease before the notice are not it.
    let old = notice_lease();
    let mut future = lease(LeaseStatus::Active, "2027-01-01", None);
    future.id = Uuid::new_v4();
    let mut before = lease(LeaseStatus::Active, "2024-01-01", None);
    before.id = Uuid::new_v4();
    assert_eq!(next_lease(&c, &[old, future.clone(), before], d("2026-12-05")), None);
    assert_eq!(next_lease(&c, std::slice::from_ref(&future), d("2027-01-01")).map(|l| l.id), Some(future.id));
}

#[test]
fn the_refund_is_the_deposit_less_approved_deductions() {
    // $1,850 deposit; $150 approved paint, $75 approved cleaning, $400 not approved.
    let ds = [deduction(dec!(150), true), deduction(dec!(75), true), deduction(dec!(400), false)];
    assert_eq!(refund(dec!(1850.00), &ds), (dec!(225), dec!(1625.00)));
    assert_eq!(refund(dec!(1850.00), &[]), (dec!(0), dec!(1850.00)));
    // More damage than deposit: a negative refund is what the tenant owes.
    let big = [deduction(dec!(2100.50), true)];
    assert_eq!(refund(dec!(1850.00), &big), (dec!(2100.50), dec!(-250.50)));
    let letter = deduction_letter(&with_totals(&case(), &big), &big, "Ana Ruiz", "unit 4B at Cedar Court");
    assert!(letter.body.contains("you owe $250.50"), "{}", letter.body);
    assert!(letter.figures.contains(&("Balance you owe".into(), "$250.50".into())), "{:?}", letter.figures);
}

#[test]
fn the_letter_states_the_deposit_each_approved_deduction_and_the_refund() {
    let ds = [deduction(dec!(150), true), deduction(dec!(400), false)];
    let c = with_totals(&case(), &ds);
    let letter = deduction_letter(&c, &ds, "Ana Ruiz", "unit 4B at Cedar Court");
    for text in ["Dear Ana Ruiz", "$1,850.00", "Paint: Repaint living room wall ($150.00)", "$1,700.00", "Nov 30, 2026"]
    {
        assert!(letter.body.contains(text), "{text} in {}", letter.body);
    }
    assert!(!letter.body.contains("$400.00"), "an unapproved deduction is not charged");
    assert_eq!(letter.figures.last(), Some(&("Refund due to you".to_string(), "$1,700.00".to_string())));
}

#[test]
fn the_letter_is_due_within_30_days_of_the_move_out() {
    let mut c = case();
    assert_eq!(letter_deadline(&c), d("2026-12-30"), "30 days after the expected move-out");
    c.actual_move_out = Some(d("2026-12-02"));
    assert_eq!(letter_deadline(&c), d("2027-01-01"), "the actual move-out counts once known");
    assert_eq!(letter_days_left(&c, d("2026-12-31")), Some(1));
    assert_eq!(letter_days_left(&c, d("2027-01-03")), Some(-2));
    c.deduction_letter_generated = true;
    assert_eq!(letter_days_left(&c, d("2027-01-03")), None);
}

#[test]
fn days_vacant_count_from_the_move_out() {
    let c = case();
    assert_eq!(days_vacant(&c, d("2026-11-20")), 0, "still occupied");
    assert_eq!(days_vacant(&c, d("2026-12-03")), 3);
    assert_eq!(days_in_stage(&c, d("2026-11-04")), 3);
}

#[test]
fn the_daily_update_is_idempotent_and_leases_when_the_next_lease_starts() {
    let mut moved = notice_lease();
    moved.actual_move_out_date = Some(d("2026-11-29"));
    let c = case();
    let once = daily_update(&c, &moved, &[], d("2026-12-03"), now()).unwrap();
    assert_eq!((once.actual_move_out, once.days_vacant), (Some(d("2026-11-29")), 4));
    assert_eq!(daily_update(&once, &moved, &[], d("2026-12-03"), now()), None, "a second run changes nothing");
    let mut next = lease(LeaseStatus::Active, "2026-12-10", None);
    next.id = Uuid::new_v4();
    assert_eq!(
        daily_update(&once, &moved, std::slice::from_ref(&next), d("2026-12-09"), now()).unwrap().stage,
        Stage::Notice
    );
    let leased = daily_update(&once, &moved, std::slice::from_ref(&next), d("2026-12-10"), now()).unwrap();
    assert_eq!((leased.stage, leased.leased_date, leased.days_vacant), (Stage::Leased, Some(d("2026-12-10")), 11));
    assert_eq!(daily_update(&leased, &moved, &[next], d("2026-12-11"), now()), None, "closed cases are left alone");
}

#[test]
fn deductions_are_checked_when_made() {
    let c = case();
    let ok = new_deduction(&c, "paint", "Repaint wall", dec!(150), "", now()).unwrap();
    assert_eq!((ok.category, ok.approved), (DeductionCategory::Paint, false));
    for (category, description, amount) in [
        ("paint", "", dec!(150)),
        ("roof", "Roof", dec!(150)),
        ("paint", "Wall", dec!(0)),
        ("paint", "Wall", dec!(1.005)),
    ] {
        assert!(
            new_deduction(&c, category, description, amount, "", now()).is_err(),
            "{category} {description} {amount}"
        );
    }
}

#[test]
fn pipeline_stats_count_every_stage() {
    let a = case();
    let mut b = case();
    b.id = Uuid::new_v4();
    b.stage = Stage::MakeReady;
    b.expected_move_out = d("2026-11-01");
    let stats = pipeline_stats(&[a, b], d("2026-12-03"));
    let counts: Vec<(String, usize)> = stats.count_per_stage.iter().map(|s| (s.stage.clone(), s.count)).collect();
    assert_eq!(counts[0], ("notice".into(), 1));
    assert_eq!(counts[2], ("make_ready".into(), 1));
    assert_eq!((stats.by_stage["notice"], stats.by_stage["listed"], stats.by_stage.len()), (1, 0, 5));
    assert_eq!((stats.total_cases, stats.open_cases, stats.over_target), (2, 2, 1));
    assert_eq!(stats.avg_days_vacant, 17.5, "3 and 32 days");
    assert_eq!(stats.make_ready_estimated_cost, dec!(2620));
    assert_eq!(stats.letters_overdue, 1, "b moved out on 1 Nov: the letter was due 1 Dec");
}
