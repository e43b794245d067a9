//! `score_application` as the spec writes it, case by case, and the fair-housing rule: nothing
//! about who the applicant is moves the score.

use super::*;
use chrono::Duration;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn today() -> NaiveDate {
    d("2026-12-01")
}

/// $6,000 a month against $2,000 rent, 3 years employed, a landlord reference, 24-month lease.
fn strong() -> ScoreInput {
    ScoreInput {
        monthly_income: Decimal::from(6000),
        unit_rent: Decimal::from(2000),
        employment_start_date: today() - Duration::days(36 * 30),
        eviction_history: false,
        previous_landlord_name: "Pat Landlord".into(),
        previous_lease_duration_months: Some(24),
    }
}

fn impacts(s: &Score) -> Vec<i32> {
    s.risk_factors.iter().map(|f| f.score_impact).collect()
}

#[test]
fn a_strong_applicant_keeps_all_100_points_and_is_approved() {
    let s = score_application(&strong(), today());
    assert_eq!((s.score, s.recommendation.as_str()), (100, "approve"));
    assert_eq!((s.income_score, s.employment_score, s.rental_history_score), (100.0, 100.0, 100.0));
    assert!(s.risk_factors.is_empty() && s.deductions.is_empty());
    assert_eq!(s.income_ratio, Some(3.0));
}

#[test]
fn income_ratio_bands_deduct_10_25_and_35() {
    let with =
        |income: i64| score_application(&ScoreInput { monthly_income: Decimal::from(income), ..strong() }, today());
    let s = with(5000); // 2.5x
    assert_eq!((s.score, s.income_score, impacts(&s)), (90, 80.0, vec![-10]));
    assert_eq!(s.risk_factors[0].factor, "Income ratio 2.5-3x");
    let s = with(4000); // 2.0x
    assert_eq!((s.score, s.income_score, impacts(&s)), (75, 50.0, vec![-25]));
    assert_eq!(s.risk_factors[0].severity, "medium");
    let s = with(3000); // 1.5x
    assert_eq!((s.score, s.income_score, impacts(&s)), (65, 20.0, vec![-35]));
    assert_eq!(s.risk_factors[0].factor, "Income ratio below 2x (1.5x)");
    assert_eq!(s.recommendation, "conditional_approve");
    // No income, or no rent to compare with: -35 and an income score of 0.
    let s = with(0);
    assert_eq!((s.score, s.income_score, s.income_ratio), (65, 0.0, None));
    let s = score_application(&ScoreInput { unit_rent: Decimal::ZERO, ..strong() }, today());
    assert_eq!((s.score, s.income_score), (65, 0.0));
}

#[test]
fn employment_months_are_whole_days_over_30_and_deduct_5_15_and_20() {
    let since = |days: i64| {
        score_application(&ScoreInput { employment_start_date: today() - Duration::days(days), ..strong() }, today())
    };
    let s = since(24 * 30);
    assert_eq!((s.score, s.employment_score), (100, 100.0));
    let s = since(24 * 30 - 1);
    assert_eq!((s.score, s.employment_score), (95, 80.0));
    assert!(s.risk_factors.is_empty(), "the spec lists no factor for 12-24 months");
    assert_eq!(s.deductions[0].score_impact, -5, "but the deduction is named");
    let s = since(200);
    assert_eq!((s.score, s.employment_score, impacts(&s)), (85, 50.0, vec![-15]));
    assert_eq!(s.risk_factors[0].factor, "Employment <12 months (6mo)");
    let s = since(90);
    assert_eq!((s.score, s.employment_score, impacts(&s)), (80, 20.0, vec![-20]));
    assert_eq!(s.risk_factors[0].factor, "Employment <6 months (3mo)");
}

#[test]
fn rental_history_eviction_30_no_reference_10_short_lease_10_first_that_applies() {
    let s = score_application(
        &ScoreInput { eviction_history: true, previous_landlord_name: String::new(), ..strong() },
        today(),
    );
    assert_eq!((s.score, s.rental_history_score, impacts(&s)), (70, 0.0, vec![-30]));
    assert_eq!(s.risk_factors[0].severity, "critical");
    let s = score_application(&ScoreInput { previous_landlord_name: " ".into(), ..strong() }, today());
    assert_eq!((s.score, s.rental_history_score), (90, 60.0));
    let s = score_application(&ScoreInput { previous_lease_duration_months: Some(6), ..strong() }, today());
    assert_eq!(
        (s.score, s.rental_history_score, s.risk_factors[0].factor.as_str()),
        (90, 70.0, "Previous lease <12 months")
    );
}

#[test]
fn the_thresholds_are_75_55_40() {
    assert_eq!(
        [100, 75, 74, 55, 54, 40, 39, 0].map(recommendation),
        [
            "approve",
            "approve",
            "conditional_approve",
            "conditional_approve",
            "manual_review",
            "manual_review",
            "deny",
            "deny"
        ]
    );
    // Everything wrong: 100 - 35 - 20 - 30 = 15, deny.
    let worst = ScoreInput {
        monthly_income: Decimal::from(1000),
        employment_start_date: today() - Duration::days(10),
        eviction_history: true,
        ..strong()
    };
    let s = score_application(&worst, today());
    assert_eq!((s.score, s.recommendation.as_str(), impacts(&s)), (15, "deny", vec![-35, -20, -30]));
    assert!(reasoning(&s).contains("Deductions:"), "{}", reasoning(&s));
}

fn application() -> NewApplication {
    NewApplication {
        unit_id: Uuid::nil(),
        first_name: "Alex".into(),
        last_name: "Rivera".into(),
        email: "Alex@Example.com".into(),
        phone: "555-0100".into(),
        date_of_birth: Some(d("1990-04-02")),
        ssn_last_four: "1234".into(),
        employer_name: "Acme".into(),
        employer_phone: String::new(),
        job_title: "Engineer".into(),
        monthly_income: Decimal::from(6000),
        employment_start_date: d("2023-01-01"),
        income_verification_type: "pay_stubs".into(),
        previous_address: "1 Main St".into(),
        previous_landlord_name: "Pat".into(),
        previous_landlord_phone: String::new(),
        previous_rent: Some(Decimal::from(1800)),
        previous_lease_duration_months: Some(24),
        reason_for_leaving: String::new(),
        eviction_history: false,
        num_occupants: 2,
        has_pets: false,
        pet_details: String::new(),
    }
}

#[test]
fn who_the_applicant_is_never_moves_the_score() {
    let now = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let base = application().checked(Uuid::nil(), Uuid::nil(), today(), now).unwrap();
    let score = |a: &ScreeningApplication| score_application(&ScoreInput::of(a, Decimal::from(2000)), today());
    let expected = score(&base);
    let variants = [
        NewApplication { first_name: "Mohammed".into(), last_name: "Nguyen".into(), ..application() },
        NewApplication { date_of_birth: Some(d("1950-01-01")), ..application() },
        NewApplication { date_of_birth: None, ssn_last_four: String::new(), ..application() },
        NewApplication { num_occupants: 6, ..application() },
        NewApplication { has_pets: true, pet_details: "service dog".into(), ..application() },
        NewApplication { email: "a@b.org".into(), phone: String::new(), ..application() },
        NewApplication { previous_address: "Apartado 4, Ciudad de México".into(), ..application() },
    ];
    for v in variants {
        let a = v.checked(Uuid::nil(), Uuid::nil(), today(), now).unwrap();
        assert_eq!(score(&a), expected, "{v:?}");
    }
}

#[test]
fn an_application_is_checked_before_it_is_stored() {
    let now = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let refused = |a: NewApplication| a.checked(Uuid::nil(), Uuid::nil(), today(), now).unwrap_err();
    assert!(refused(NewApplication { first_name: " ".into(), ..application() }).contains("First name"));
    assert!(refused(NewApplication { email: "alex".into(), ..application() }).contains("not an email"));
    assert!(refused(NewApplication { ssn_last_four: "12a4".into(), ..application() }).contains("four digits"));
    assert!(
        refused(NewApplication { date_of_birth: Some(d("2030-01-01")), ..application() }).contains("not in the past")
    );
    assert!(refused(NewApplication { date_of_birth: Some(d("2015-01-01")), ..application() }).contains("18"));
    assert!(refused(NewApplication { employment_start_date: d("2027-01-01"), ..application() }).contains("after today"));
    assert!(refused(NewApplication { monthly_income: Decimal::from(-1), ..application() }).contains("negative"));
    assert!(refused(NewApplication { income_verification_type: "vibes".into(), ..application() }).contains("pay_stubs"));
    assert!(refused(NewApplication { num_occupants: 0, ..application() }).contains("household"));
    let ok = application().checked(Uuid::nil(), Uuid::nil(), today(), now).unwrap();
    assert_eq!((ok.email.as_str(), ok.status.as_str()), ("alex@example.com", "submitted"));
}

#[test]
fn lists_and_the_detail_never_carry_the_date_of_birth_or_the_ssn() {
    let now = today().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let a = application().checked(Uuid::nil(), Uuid::nil(), today(), now).unwrap();
    let row = serde_json::to_string(&ApplicationRow::from(&a)).unwrap();
    assert!(!row.contains("1234") && !row.contains("1990"), "{row}");
    let detail = redacted(&a).to_string();
    assert!(!detail.contains("1234") && !detail.contains("1990-04-02"), "{detail}");
}
