//! Renewal intelligence (spec 1.2): churn prediction, rent strategy, recommended rent and term.
//!
//! Pure functions over plain inputs. Scores are fractions (f64, as the spec's FloatFields);
//! every amount of money is `Decimal`.

use chrono::{Datelike, Duration, Months, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::model::{Lease, LeaseStatus};

pub mod port;
pub mod scan;
pub mod workflow;

/// The five factor weights of `compute_churn_score`.
pub const WEIGHTS: ChurnFactors = ChurnFactors {
    late_payments: 0.30,
    maintenance_requests: 0.15,
    rent_gap: 0.25,
    tenure_short: 0.15,
    market_trend: 0.15,
};

/// Each factor normalised to 0.0–1.0 (stored as `churn_factors`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChurnFactors {
    pub late_payments: f64,
    pub maintenance_requests: f64,
    pub rent_gap: f64,
    pub tenure_short: f64,
    pub market_trend: f64,
}

impl ChurnFactors {
    /// (key, value) in the spec's order, for charts and JSON.
    pub fn entries(&self) -> [(&'static str, f64); 5] {
        [
            ("late_payments", self.late_payments),
            ("maintenance_requests", self.maintenance_requests),
            ("rent_gap", self.rent_gap),
            ("tenure_short", self.tenure_short),
            ("market_trend", self.market_trend),
        ]
    }

    fn weighted_sum(&self) -> f64 {
        self.entries().iter().zip(WEIGHTS.entries()).map(|((_, v), (_, w))| v * w).sum()
    }
}

/// What `compute_churn_score` reads about a lease, already counted by the caller.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChurnInput {
    /// Charges posted in the last 12 months.
    pub charges_12mo: u32,
    /// Of those, charges paid late (see `ledger::allocate`).
    pub late_12mo: u32,
    /// Work orders on the unit requested in the last 12 months.
    pub work_orders_12mo: u32,
    pub current_rent: Decimal,
    /// The unit's market rent (None or zero: unknown).
    pub market_rent: Option<Decimal>,
    pub lease_begin_date: NaiveDate,
    pub property_total_units: u32,
    pub property_vacant_units: u32,
}

/// Churn score (0.0–1.0, rounded to 3 places) and its factors.
pub fn compute_churn_score(input: &ChurnInput, today: NaiveDate) -> (f64, ChurnFactors) {
    let late_rate = input.late_12mo as f64 / input.charges_12mo.max(1) as f64;
    let late_payments = (late_rate * 2.0).min(1.0);

    let maintenance_requests = (input.work_orders_12mo as f64 / 10.0).min(1.0);

    // The spec falls back to the current rent when the unit has no market rent.
    let market = input.market_rent.filter(|m| *m > Decimal::ZERO).unwrap_or(input.current_rent);
    let rent_gap = if market > Decimal::ZERO {
        let ratio = (input.current_rent / market).to_f64().unwrap_or(1.0);
        ((ratio - 0.85) / 0.15).clamp(0.0, 1.0)
    } else {
        0.5
    };

    let tenure_years = (today - input.lease_begin_date).num_days() as f64 / 365.25;
    let tenure_short = (1.0 - tenure_years / 3.0).clamp(0.0, 1.0);

    let vacancy_rate = input.property_vacant_units as f64 / input.property_total_units.max(1) as f64;
    let market_trend = (1.0 - vacancy_rate * 10.0).max(0.0);

    let factors = ChurnFactors { late_payments, maintenance_requests, rent_gap, tenure_short, market_trend };
    ((factors.weighted_sum() * 1000.0).round() / 1000.0, factors)
}

crate::model::string_enum! {
    /// `churn_risk_level`.
    ChurnRiskLevel {
        Low => "low", "Low";
        Medium => "medium", "Medium";
        High => "high", "High";
        Critical => "critical", "Critical";
    }
}

impl ChurnRiskLevel {
    /// low (< 0.3), medium (0.3–0.5), high (0.5–0.7), critical (> 0.7).
    pub fn from_score(score: f64) -> Self {
        if score > 0.7 {
            ChurnRiskLevel::Critical
        } else if score >= 0.5 {
            ChurnRiskLevel::High
        } else if score >= 0.3 {
            ChurnRiskLevel::Medium
        } else {
            ChurnRiskLevel::Low
        }
    }

    /// The spec's risk colours (green, amber, orange, red).
    pub fn hex(self) -> &'static str {
        match self {
            ChurnRiskLevel::Low => "#16A34A",
            ChurnRiskLevel::Medium => "#D97706",
            ChurnRiskLevel::High => "#EA580C",
            ChurnRiskLevel::Critical => "#DC2626",
        }
    }
}

crate::model::string_enum! {
    /// `rent_strategy`.
    RentStrategy {
        Hold => "hold", "Hold";
        BelowMarketRetain => "below_market_retain", "Below-market retain";
        MarketRate => "market_rate", "Market rate";
        AboveMarketPremium => "above_market_premium", "Above-market premium";
    }
}

/// The strategy table. Cases the table leaves open (high or medium churn at or above market)
/// hold the rent (ARCHITECTURE.md).
pub fn select_strategy(churn_score: f64, current_rent: Decimal, market_rent: Decimal) -> RentStrategy {
    let below_market = current_rent < market_rent;
    match ChurnRiskLevel::from_score(churn_score) {
        ChurnRiskLevel::Critical => RentStrategy::Hold,
        ChurnRiskLevel::High if below_market => RentStrategy::BelowMarketRetain,
        ChurnRiskLevel::Medium if below_market => RentStrategy::MarketRate,
        ChurnRiskLevel::Low if below_market => RentStrategy::MarketRate,
        ChurnRiskLevel::Low => RentStrategy::AboveMarketPremium,
        ChurnRiskLevel::High | ChurnRiskLevel::Medium => RentStrategy::Hold,
    }
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// `calculate_recommended_rent`, in Decimal, rounded to cents; never below the current rent.
pub fn calculate_recommended_rent(
    current_rent: Decimal,
    market_rent: Decimal,
    strategy: RentStrategy,
    churn_score: f64,
) -> Decimal {
    let rent = match strategy {
        RentStrategy::Hold => current_rent,
        RentStrategy::BelowMarketRetain => {
            let max_increase = current_rent * Decimal::new(2, 2);
            let target = (current_rent + max_increase).min(market_rent * Decimal::new(95, 2));
            current_rent.max(target)
        }
        RentStrategy::MarketRate => {
            let max_pct = if churn_score >= 0.3 { Decimal::new(5, 2) } else { Decimal::new(8, 2) };
            let target = (current_rent + current_rent * max_pct).min(market_rent);
            current_rent.max(target)
        }
        RentStrategy::AboveMarketPremium => current_rent.max(market_rent * Decimal::new(103, 2)),
    };
    cents(rent)
}

/// `rent_increase_pct`: 3.5 means 3.5 %, two decimals.
pub fn rent_increase_pct(current_rent: Decimal, recommended_rent: Decimal) -> f64 {
    if current_rent <= Decimal::ZERO {
        return 0.0;
    }
    let pct = (recommended_rent - current_rent) / current_rent * Decimal::ONE_HUNDRED;
    cents(pct).to_f64().unwrap_or(0.0)
}

/// A plain-language reason for the strategy, shown beside the numbers.
pub fn rent_reasoning(
    strategy: RentStrategy,
    churn_score: f64,
    current_rent: Decimal,
    market_rent: Decimal,
    recommended_rent: Decimal,
) -> String {
    use crate::format::money;
    let level = ChurnRiskLevel::from_score(churn_score);
    let gap = market_rent - current_rent;
    let position = if gap > Decimal::ZERO {
        format!("{} below market ({})", money(gap), money(market_rent))
    } else if gap < Decimal::ZERO {
        format!("{} above market ({})", money(-gap), money(market_rent))
    } else {
        format!("at market ({})", money(market_rent))
    };
    let pct = rent_increase_pct(current_rent, recommended_rent);
    match strategy {
        RentStrategy::Hold if level == ChurnRiskLevel::Critical => format!(
            "Critical churn risk ({churn_score:.2}): hold rent at {} to keep the tenant; current rent is {position}.",
            money(current_rent)
        ),
        RentStrategy::Hold => format!(
            "{} churn risk ({churn_score:.2}) with rent {position}: hold at {} rather than push past market.",
            level.label(),
            money(current_rent)
        ),
        RentStrategy::BelowMarketRetain => format!(
            "High churn risk ({churn_score:.2}) and rent {position}: a modest {pct:.1}% increase to {} (capped at 2% and 95% of market) to retain the tenant.",
            money(recommended_rent)
        ),
        RentStrategy::MarketRate => format!(
            "{} churn risk ({churn_score:.2}) and rent {position}: move toward market, +{pct:.1}% to {} (cap {}%).",
            level.label(),
            money(recommended_rent),
            if churn_score >= 0.3 { 5 } else { 8 }
        ),
        RentStrategy::AboveMarketPremium => format!(
            "Low churn risk ({churn_score:.2}) with rent {position}: a stable tenant can carry a 3% premium over market, {}.",
            money(recommended_rent)
        ),
    }
}

/// Recommended term and dates: 12 months from the day after the lease ends; a month-to-month
/// (or already ended) lease renews from the first of the month after 30 days' notice.
pub fn recommended_term(
    lease_end_date: Option<NaiveDate>,
    status: LeaseStatus,
    today: NaiveDate,
) -> (u32, NaiveDate, NaiveDate) {
    let term = 12;
    let start = match lease_end_date {
        Some(end) if status == LeaseStatus::Active && end >= today => end + Duration::days(1),
        _ => {
            let notice = today + Duration::days(30);
            let first = NaiveDate::from_ymd_opt(notice.year(), notice.month(), 1).unwrap_or(notice);
            if first == notice {
                first
            } else {
                first.checked_add_months(Months::new(1)).unwrap_or(notice)
            }
        }
    };
    let end = start.checked_add_months(Months::new(term)).unwrap_or(start) - Duration::days(1);
    (term, start, end)
}

/// The first ledger day `churn_input` needs: a year back plus two months, so charges of the
/// year are matched with the payments before them.
pub fn ledger_window_start(today: NaiveDate) -> NaiveDate {
    year_ago(today) - Duration::days(62)
}

fn year_ago(today: NaiveDate) -> NaiveDate {
    today.checked_sub_months(Months::new(12)).unwrap_or(today)
}

/// What `compute_churn_score` reads about a lease, counted from its tenant's ledger (from
/// `ledger_window_start`), the unit's work-order dates, its market rent and the property's
/// (total, vacant) unit counts.
pub fn churn_input(
    lease: &Lease,
    ledger_entries: &[crate::model::LedgerEntry],
    work_order_dates: &[NaiveDate],
    market_rent: Decimal,
    (total_units, vacant_units): (u32, u32),
    today: NaiveDate,
) -> ChurnInput {
    let since = year_ago(today);
    let alloc = crate::ledger::allocate(ledger_entries);
    ChurnInput {
        charges_12mo: alloc.charge_count(since) as u32,
        late_12mo: alloc.late_count(since, today) as u32,
        work_orders_12mo: work_order_dates.iter().filter(|d| **d >= since).count() as u32,
        current_rent: lease.monthly_rent_amount,
        market_rent: Some(market_rent),
        lease_begin_date: lease.lease_begin_date,
        property_total_units: total_units,
        property_vacant_units: vacant_units,
    }
}

/// The nightly scan's selection: active leases ending in 30–120 days, or month-to-month.
pub fn is_scan_candidate(lease: &Lease, today: NaiveDate) -> bool {
    match lease.lease_status {
        LeaseStatus::MonthToMonth => true,
        LeaseStatus::Active => lease.lease_end_date.is_some_and(|end| {
            let days = (end - today).num_days();
            (30..=120).contains(&days)
        }),
        LeaseStatus::Notice | LeaseStatus::Vacant => false,
    }
}

/// A complete recommendation before it is stored (the `renewal_recommendation` fields the
/// algorithms decide).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RenewalPlan {
    pub churn_score: f64,
    pub churn_risk_level: ChurnRiskLevel,
    pub churn_factors: ChurnFactors,
    pub current_rent: Decimal,
    pub market_rent: Decimal,
    pub recommended_rent: Decimal,
    pub rent_increase_pct: f64,
    pub rent_strategy: RentStrategy,
    pub rent_reasoning: String,
    pub recommended_term_months: u32,
    pub recommended_lease_start: NaiveDate,
    pub recommended_lease_end: NaiveDate,
}

/// A collection case (alias `c`) that has reached legal: escalated, or at the legal step and
/// still open. A lease with one gets no renewal offer from the scan (spec 1.2 offers renewals to
/// tenants the office wants to keep; a tenant in legal collections is not one).
pub const IN_LEGAL: &str =
    "c.status IN ('open', 'payment_plan', 'escalated') AND (c.status = 'escalated' OR c.escalation_level >= 5)";

/// Everything the scan decides for one lease.
pub fn plan_renewal(lease: &Lease, input: &ChurnInput, today: NaiveDate) -> RenewalPlan {
    let (score, factors) = compute_churn_score(input, today);
    let market = input.market_rent.filter(|m| *m > Decimal::ZERO).unwrap_or(input.current_rent);
    let strategy = select_strategy(score, input.current_rent, market);
    let recommended = calculate_recommended_rent(input.current_rent, market, strategy, score);
    let (term, start, end) = recommended_term(lease.lease_end_date, lease.lease_status, today);
    RenewalPlan {
        churn_score: score,
        churn_risk_level: ChurnRiskLevel::from_score(score),
        churn_factors: factors,
        current_rent: input.current_rent,
        market_rent: market,
        recommended_rent: recommended,
        rent_increase_pct: rent_increase_pct(input.current_rent, recommended),
        rent_strategy: strategy,
        rent_reasoning: rent_reasoning(strategy, score, input.current_rent, market, recommended),
        recommended_term_months: term,
        recommended_lease_start: start,
        recommended_lease_end: end,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn input() -> ChurnInput {
        ChurnInput {
            charges_12mo: 12,
            late_12mo: 0,
            work_orders_12mo: 0,
            current_rent: dec!(1000),
            market_rent: Some(dec!(1000)),
            lease_begin_date: d("2023-11-25"),
            property_total_units: 100,
            property_vacant_units: 10,
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn late_payment_factor_scales_half_late_to_one() {
        let today = d("2026-11-25");
        for (late, charges, expected) in [(0, 12, 0.0), (3, 12, 0.5), (6, 12, 1.0), (9, 12, 1.0), (1, 0, 1.0)] {
            let (_, f) = compute_churn_score(&ChurnInput { late_12mo: late, charges_12mo: charges, ..input() }, today);
            assert!(close(f.late_payments, expected), "{late}/{charges}: {}", f.late_payments);
        }
    }

    #[test]
    fn maintenance_factor_caps_at_ten_requests() {
        let today = d("2026-11-25");
        for (n, expected) in [(0, 0.0), (4, 0.4), (10, 1.0), (15, 1.0)] {
            let (_, f) = compute_churn_score(&ChurnInput { work_orders_12mo: n, ..input() }, today);
            assert!(close(f.maintenance_requests, expected), "{n}");
        }
    }

    #[test]
    fn rent_gap_runs_from_85_to_100_percent_of_market() {
        let today = d("2026-11-25");
        let check = |rent: Decimal, market: Option<Decimal>, expected: f64| {
            let (_, f) = compute_churn_score(&ChurnInput { current_rent: rent, market_rent: market, ..input() }, today);
            assert!(close(f.rent_gap, expected), "{rent} vs {market:?}: {}", f.rent_gap);
        };
        check(dec!(850), Some(dec!(1000)), 0.0);
        check(dec!(800), Some(dec!(1000)), 0.0);
        check(dec!(925), Some(dec!(1000)), 0.5);
        check(dec!(1000), Some(dec!(1000)), 1.0);
        check(dec!(1100), Some(dec!(1000)), 1.0);
        // No market rent: the current rent stands in, so the ratio is 1.0.
        check(dec!(1000), None, 1.0);
        check(dec!(0), None, 0.5);
    }

    #[test]
    fn tenure_factor_fades_over_three_years() {
        let today = d("2026-11-25");
        let check = |begin: &str, expected: f64| {
            let (_, f) = compute_churn_score(&ChurnInput { lease_begin_date: d(begin), ..input() }, today);
            assert!((f.tenure_short - expected).abs() < 0.001, "{begin}: {}", f.tenure_short);
        };
        check("2026-11-25", 1.0);
        check("2025-05-26", 0.5); // 548 days = 1.5 years
        check("2023-11-25", 0.0);
        check("2020-01-01", 0.0);
    }

    #[test]
    fn market_trend_is_one_at_zero_vacancy_and_zero_from_ten_percent() {
        let today = d("2026-11-25");
        for (vacant, total, expected) in [(0, 100, 1.0), (5, 100, 0.5), (10, 100, 0.0), (30, 100, 0.0), (0, 0, 1.0)] {
            let (_, f) = compute_churn_score(
                &ChurnInput { property_vacant_units: vacant, property_total_units: total, ..input() },
                today,
            );
            assert!(close(f.market_trend, expected), "{vacant}/{total}: {}", f.market_trend);
        }
    }

    #[test]
    fn score_is_the_weighted_sum_rounded_to_three_places() {
        // late 3/12 → 0.5; 4 WOs → 0.4; rent 925/1000 → 0.5; 1.5 yrs → 0.5; 5% vacancy → 0.5
        let i = ChurnInput {
            late_12mo: 3,
            work_orders_12mo: 4,
            current_rent: dec!(925),
            lease_begin_date: d("2025-05-26"),
            property_vacant_units: 5,
            ..input()
        };
        let (score, _) = compute_churn_score(&i, d("2026-11-25"));
        // 0.5*0.30 + 0.4*0.15 + 0.5*0.25 + 0.5*0.15 + 0.5*0.15 = 0.485 (tenure 0.49995 → 0.485)
        assert!(close(score, 0.485), "{score}");
    }

    #[test]
    fn risk_levels_follow_the_thresholds() {
        use ChurnRiskLevel::*;
        for (score, level) in [
            (0.0, Low),
            (0.299, Low),
            (0.3, Medium),
            (0.499, Medium),
            (0.5, High),
            (0.7, High),
            (0.701, Critical),
            (1.0, Critical),
        ] {
            assert_eq!(ChurnRiskLevel::from_score(score), level, "{score}");
        }
    }

    #[test]
    fn every_row_of_the_strategy_table() {
        use RentStrategy::*;
        let below = (dec!(900), dec!(1000));
        let at = (dec!(1000), dec!(1000));
        let above = (dec!(1100), dec!(1000));
        let cases = [
            (0.8, below, Hold),
            (0.8, above, Hold),
            (0.6, below, BelowMarketRetain),
            (0.6, at, Hold),
            (0.4, below, MarketRate),
            (0.4, above, Hold),
            (0.2, below, MarketRate),
            (0.2, at, AboveMarketPremium),
            (0.2, above, AboveMarketPremium),
        ];
        for (score, (current, market), strategy) in cases {
            assert_eq!(select_strategy(score, current, market), strategy, "{score} {current}/{market}");
        }
    }

    #[test]
    fn recommended_rent_per_strategy_with_caps() {
        use RentStrategy::*;
        let check = |current: Decimal, market: Decimal, s: RentStrategy, score: f64, expected: Decimal| {
            assert_eq!(calculate_recommended_rent(current, market, s, score), expected, "{s} {current}/{market}");
        };
        check(dec!(1000), dec!(1200), Hold, 0.8, dec!(1000));
        // below_market_retain: +2% cap, and never above 95% of market.
        check(dec!(1000), dec!(1200), BelowMarketRetain, 0.6, dec!(1020));
        check(dec!(1000), dec!(1060), BelowMarketRetain, 0.6, dec!(1007));
        // ...and never below the current rent when 95% of market is lower.
        check(dec!(1000), dec!(1040), BelowMarketRetain, 0.6, dec!(1000));
        // market_rate: 5% cap at medium churn, 8% at low, or to market if closer.
        check(dec!(1000), dec!(1200), MarketRate, 0.4, dec!(1050));
        check(dec!(1000), dec!(1200), MarketRate, 0.3, dec!(1050));
        check(dec!(1000), dec!(1200), MarketRate, 0.2, dec!(1080));
        check(dec!(1000), dec!(1030), MarketRate, 0.2, dec!(1030));
        check(dec!(1000), dec!(1030), MarketRate, 0.4, dec!(1030));
        // above_market_premium: 3% over market.
        check(dec!(1000), dec!(1000), AboveMarketPremium, 0.1, dec!(1030));
        check(dec!(1234.56), dec!(1234.56), AboveMarketPremium, 0.1, dec!(1271.60));
        // A tenant already far above market is not cut.
        check(dec!(1200), dec!(1000), AboveMarketPremium, 0.1, dec!(1200));
    }

    #[test]
    fn increase_pct_has_two_decimals() {
        assert_eq!(rent_increase_pct(dec!(1000), dec!(1035)), 3.5);
        assert_eq!(rent_increase_pct(dec!(1185), dec!(1215)), 2.53);
        assert_eq!(rent_increase_pct(dec!(0), dec!(100)), 0.0);
    }

    #[test]
    fn terms_start_after_the_lease_or_after_notice_for_month_to_month() {
        let today = d("2026-11-25");
        assert_eq!(
            recommended_term(Some(d("2027-01-31")), LeaseStatus::Active, today),
            (12, d("2027-02-01"), d("2028-01-31"))
        );
        // MTM: 30 days from Nov 25 is Dec 25; the next first of the month is Jan 1.
        assert_eq!(
            recommended_term(Some(d("2026-06-30")), LeaseStatus::MonthToMonth, today),
            (12, d("2027-01-01"), d("2027-12-31"))
        );
        assert_eq!(
            recommended_term(None, LeaseStatus::MonthToMonth, d("2026-11-01")),
            (12, d("2026-12-01"), d("2027-11-30"))
        );
    }

    #[test]
    fn scan_selects_30_to_120_days_or_month_to_month() {
        let today = d("2026-11-25");
        let lease = |status: LeaseStatus, end: &str| {
            let mut l = crate::lifecycle::tests_support::lease(status, "2025-01-01", Some(end));
            l.lease_status = status;
            l
        };
        assert!(!is_scan_candidate(&lease(LeaseStatus::Active, "2026-12-24"), today)); // 29 days
        assert!(is_scan_candidate(&lease(LeaseStatus::Active, "2026-12-25"), today)); // 30
        assert!(is_scan_candidate(&lease(LeaseStatus::Active, "2027-03-25"), today)); // 120
        assert!(!is_scan_candidate(&lease(LeaseStatus::Active, "2027-03-26"), today)); // 121
        assert!(is_scan_candidate(&lease(LeaseStatus::MonthToMonth, "2026-01-01"), today));
        assert!(!is_scan_candidate(&lease(LeaseStatus::Notice, "2027-01-01"), today));
        assert!(!is_scan_candidate(&lease(LeaseStatus::Vacant, "2027-01-01"), today));
    }

    #[test]
    fn a_plan_ties_it_together() {
        let l = crate::lifecycle::tests_support::lease(LeaseStatus::Active, "2024-02-01", Some("2027-01-31"));
        let i = ChurnInput {
            current_rent: dec!(1100),
            market_rent: Some(dec!(1250)),
            lease_begin_date: l.lease_begin_date,
            ..input()
        };
        let p = plan_renewal(&l, &i, d("2026-11-25"));
        assert_eq!(p.churn_risk_level, ChurnRiskLevel::from_score(p.churn_score));
        assert_eq!(p.rent_strategy, RentStrategy::MarketRate);
        assert_eq!(p.recommended_rent, dec!(1188.00)); // 8% cap
        assert_eq!(p.rent_increase_pct, 8.0);
        assert_eq!(p.recommended_lease_start, d("2027-02-01"));
        assert!(p.rent_reasoning.contains("$150.00 below market ($1,250.00)"), "{}", p.rent_reasoning);
    }
}

crate::model::string_enum! {
    /// `renewal_recommendation.status`.
    RenewalStatus {
        Pending => "pending", "Pending Review";
        Approved => "approved", "Approved";
        Sent => "sent", "Sent to Tenant";
        Accepted => "accepted", "Accepted by Tenant";
        Declined => "declined", "Declined by Tenant";
        Expired => "expired", "Expired";
    }
}

impl RenewalStatus {
    /// Pending, approved and sent recommendations block a new one for the same lease.
    pub fn is_open(self) -> bool {
        matches!(self, RenewalStatus::Pending | RenewalStatus::Approved | RenewalStatus::Sent)
    }
}

/// `renewal_recommendation`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RenewalRecommendation {
    pub id: uuid::Uuid,
    pub lease_id: uuid::Uuid,
    pub tenant_id: uuid::Uuid,
    pub unit_id: uuid::Uuid,
    pub property_id: uuid::Uuid,
    #[serde(flatten)]
    pub plan: RenewalPlan,
    pub renewal_letter_text: String,
    pub renewal_letter_generated_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Which AI provider drafted the letter ("offline", "claude").
    pub letter_provider: String,
    pub status: RenewalStatus,
    pub reviewed_by: String,
    pub reviewed_at: Option<chrono::DateTime<chrono::Utc>>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

/// A step of the review workflow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RenewalAction {
    /// Approve, optionally at a different rent.
    Approve {
        #[serde(default, with = "crate::format::wire::opt_money")]
        recommended_rent: Option<Decimal>,
    },
    Send,
    Accept,
    Decline,
    Expire,
}

/// Why a workflow step was refused (the API's `detail`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenewalError {
    #[error("Only a pending recommendation can be approved (this one is {}).", .0.label())]
    ApproveNotPending(RenewalStatus),
    #[error("Approve the recommendation before sending it (it is {}).", .0.label())]
    SendNotApproved(RenewalStatus),
    #[error("Only a sent offer can be accepted or declined (this one is {}).", .0.label())]
    AnswerNotSent(RenewalStatus),
    #[error("Only an open recommendation can expire (this one is {}).", .0.label())]
    ExpireClosed(RenewalStatus),
    #[error("Recommended rent must be greater than zero.")]
    RentNotPositive,
    #[error("Recommended rent {rent} is more than 25% above the current rent {current}; check the figure.")]
    RentTooHigh { rent: String, current: String },
    #[error("The renewal letter is empty; generate or write it before sending.")]
    EmptyLetter,
}

/// Where a workflow step leads, with the rent to store when approval changed it.
pub fn plan_step(
    rec: &RenewalRecommendation,
    action: &RenewalAction,
) -> Result<(RenewalStatus, Option<Decimal>), RenewalError> {
    use RenewalStatus::*;
    match action {
        RenewalAction::Approve { recommended_rent } => {
            if rec.status != Pending {
                return Err(RenewalError::ApproveNotPending(rec.status));
            }
            if let Some(rent) = recommended_rent {
                validate_rent(*rent, rec.plan.current_rent)?;
            }
            Ok((Approved, recommended_rent.map(cents)))
        }
        RenewalAction::Send => {
            if rec.status != Approved {
                return Err(RenewalError::SendNotApproved(rec.status));
            }
            if rec.renewal_letter_text.trim().is_empty() {
                return Err(RenewalError::EmptyLetter);
            }
            Ok((Sent, None))
        }
        RenewalAction::Accept | RenewalAction::Decline => {
            if rec.status != Sent {
                return Err(RenewalError::AnswerNotSent(rec.status));
            }
            Ok((if *action == RenewalAction::Accept { Accepted } else { Declined }, None))
        }
        RenewalAction::Expire => {
            if !rec.status.is_open() {
                return Err(RenewalError::ExpireClosed(rec.status));
            }
            Ok((Expired, None))
        }
    }
}

/// A manager's rent must be positive and within 25% above the current rent.
pub fn validate_rent(rent: Decimal, current_rent: Decimal) -> Result<(), RenewalError> {
    if rent <= Decimal::ZERO {
        return Err(RenewalError::RentNotPositive);
    }
    if rent > current_rent * Decimal::new(125, 2) {
        return Err(RenewalError::RentTooHigh {
            rent: crate::format::money(rent),
            current: crate::format::money(current_rent),
        });
    }
    Ok(())
}

/// Open offers lapse once the proposed lease start has passed without an answer.
pub fn is_expired(rec: &RenewalRecommendation, today: NaiveDate) -> bool {
    rec.status.is_open() && rec.plan.recommended_lease_start < today
}

/// `GET /api/v1/renewals/dashboard-stats/` (spec JSON).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct RenewalDashboardStats {
    pub total_pending: u64,
    pub total_approved: u64,
    pub total_sent: u64,
    pub total_accepted: u64,
    pub total_declined: u64,
    /// accepted / (accepted + declined); 0 when nobody has answered.
    pub acceptance_rate: f64,
    pub avg_churn_score: f64,
    /// Sum over open and accepted offers of (recommended − current) × 12.
    pub projected_annual_revenue_increase: Decimal,
    pub avg_rent_increase_pct: f64,
    pub by_risk_level: std::collections::BTreeMap<String, u64>,
}

pub fn dashboard_stats<'a>(recs: impl IntoIterator<Item = &'a RenewalRecommendation>) -> RenewalDashboardStats {
    let mut s = RenewalDashboardStats::default();
    for level in ChurnRiskLevel::ALL {
        s.by_risk_level.insert(level.as_str().into(), 0);
    }
    let (mut n, mut churn_sum, mut pct_sum) = (0u64, 0.0, 0.0);
    for r in recs {
        match r.status {
            RenewalStatus::Pending => s.total_pending += 1,
            RenewalStatus::Approved => s.total_approved += 1,
            RenewalStatus::Sent => s.total_sent += 1,
            RenewalStatus::Accepted => s.total_accepted += 1,
            RenewalStatus::Declined => s.total_declined += 1,
            RenewalStatus::Expired => {}
        }
        if r.status.is_open() || r.status == RenewalStatus::Accepted {
            s.projected_annual_revenue_increase += (r.plan.recommended_rent - r.plan.current_rent) * Decimal::from(12);
            *s.by_risk_level.entry(r.plan.churn_risk_level.as_str().into()).or_default() += 1;
            n += 1;
            churn_sum += r.plan.churn_score;
            pct_sum += r.plan.rent_increase_pct;
        }
    }
    let answered = s.total_accepted + s.total_declined;
    s.acceptance_rate = if answered > 0 { round2(s.total_accepted as f64 / answered as f64) } else { 0.0 };
    if n > 0 {
        s.avg_churn_score = round2(churn_sum / n as f64);
        s.avg_rent_increase_pct = round2(pct_sum / n as f64);
    }
    s.projected_annual_revenue_increase = cents(s.projected_annual_revenue_increase);
    s
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

#[cfg(test)]
mod workflow_tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub(crate) fn rec(
        status: RenewalStatus,
        score: f64,
        current: Decimal,
        recommended: Decimal,
    ) -> RenewalRecommendation {
        let at = d("2026-11-25").and_hms_opt(3, 0, 0).unwrap().and_utc();
        RenewalRecommendation {
            id: uuid::Uuid::new_v4(),
            lease_id: uuid::Uuid::nil(),
            tenant_id: uuid::Uuid::nil(),
            unit_id: uuid::Uuid::nil(),
            property_id: uuid::Uuid::nil(),
            plan: RenewalPlan {
                churn_score: score,
                churn_risk_level: ChurnRiskLevel::from_score(score),
                churn_factors: WEIGHTS,
                current_rent: current,
                market_rent: current,
                recommended_rent: recommended,
                rent_increase_pct: rent_increase_pct(current, recommended),
                rent_strategy: RentStrategy::MarketRate,
                rent_reasoning: String::new(),
                recommended_term_months: 12,
                recommended_lease_start: d("2027-01-01"),
                recommended_lease_end: d("2027-12-31"),
            },
            renewal_letter_text: "Dear tenant".into(),
            renewal_letter_generated_at: Some(at),
            letter_provider: "offline".into(),
            status,
            reviewed_by: String::new(),
            reviewed_at: None,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_workflow_runs_pending_approved_sent_answered() {
        use RenewalStatus::*;
        let r = rec(Pending, 0.4, dec!(1000), dec!(1050));
        assert_eq!(plan_step(&r, &RenewalAction::Approve { recommended_rent: None }), Ok((Approved, None)));
        assert_eq!(
            plan_step(&r, &RenewalAction::Approve { recommended_rent: Some(dec!(1040.004)) }),
            Ok((Approved, Some(dec!(1040.00))))
        );
        assert_eq!(plan_step(&rec(Approved, 0.4, dec!(1000), dec!(1050)), &RenewalAction::Send), Ok((Sent, None)));
        assert_eq!(plan_step(&rec(Sent, 0.4, dec!(1000), dec!(1050)), &RenewalAction::Accept), Ok((Accepted, None)));
        assert_eq!(plan_step(&rec(Sent, 0.4, dec!(1000), dec!(1050)), &RenewalAction::Decline), Ok((Declined, None)));
        assert_eq!(plan_step(&rec(Sent, 0.4, dec!(1000), dec!(1050)), &RenewalAction::Expire), Ok((Expired, None)));
    }

    #[test]
    fn refused_steps_say_why() {
        use RenewalStatus::*;
        let check = |status: RenewalStatus, action: RenewalAction, message: &str| {
            let err = plan_step(&rec(status, 0.4, dec!(1000), dec!(1050)), &action).unwrap_err();
            assert_eq!(err.to_string(), message, "{status} {action:?}");
        };
        check(
            Sent,
            RenewalAction::Approve { recommended_rent: None },
            "Only a pending recommendation can be approved (this one is Sent to Tenant).",
        );
        check(Pending, RenewalAction::Send, "Approve the recommendation before sending it (it is Pending Review).");
        check(Approved, RenewalAction::Accept, "Only a sent offer can be accepted or declined (this one is Approved).");
        check(
            Accepted,
            RenewalAction::Expire,
            "Only an open recommendation can expire (this one is Accepted by Tenant).",
        );
        check(
            Pending,
            RenewalAction::Approve { recommended_rent: Some(dec!(0)) },
            "Recommended rent must be greater than zero.",
        );
        check(
            Pending,
            RenewalAction::Approve { recommended_rent: Some(dec!(1250.01)) },
            "Recommended rent $1,250.01 is more than 25% above the current rent $1,000.00; check the figure.",
        );
        let mut blank = rec(Approved, 0.4, dec!(1000), dec!(1050));
        blank.renewal_letter_text = "  ".into();
        assert_eq!(plan_step(&blank, &RenewalAction::Send), Err(RenewalError::EmptyLetter));
    }

    #[test]
    fn offers_expire_after_the_proposed_start() {
        let r = rec(RenewalStatus::Sent, 0.4, dec!(1000), dec!(1050));
        assert!(!is_expired(&r, d("2027-01-01")));
        assert!(is_expired(&r, d("2027-01-02")));
        assert!(!is_expired(&rec(RenewalStatus::Accepted, 0.4, dec!(1000), dec!(1050)), d("2027-06-01")));
    }

    #[test]
    fn dashboard_stats_match_the_spec_shape() {
        use RenewalStatus::*;
        let recs = [
            rec(Pending, 0.2, dec!(1000), dec!(1080)),
            rec(Approved, 0.4, dec!(1000), dec!(1050)),
            rec(Sent, 0.6, dec!(1000), dec!(1020)),
            rec(Accepted, 0.8, dec!(1000), dec!(1000)),
            rec(Accepted, 0.2, dec!(2000), dec!(2100)),
            rec(Declined, 0.9, dec!(1000), dec!(1000)),
            rec(Expired, 0.5, dec!(1000), dec!(1050)),
        ];
        let s = dashboard_stats(&recs);
        assert_eq!(
            (s.total_pending, s.total_approved, s.total_sent, s.total_accepted, s.total_declined),
            (1, 1, 1, 2, 1)
        );
        assert_eq!(s.acceptance_rate, 0.67);
        // (80 + 50 + 20 + 0 + 100) × 12
        assert_eq!(s.projected_annual_revenue_increase, dec!(3000.00));
        assert_eq!(s.avg_churn_score, 0.44);
        assert_eq!(s.avg_rent_increase_pct, 4.0);
        assert_eq!(s.by_risk_level["low"], 2);
        assert_eq!(s.by_risk_level["critical"], 1);
        let json = serde_json::to_value(&s).unwrap();
        for key in [
            "total_pending",
            "acceptance_rate",
            "projected_annual_revenue_increase",
            "avg_rent_increase_pct",
            "by_risk_level",
        ] {
            assert!(json.get(key).is_some(), "{key}");
        }
        assert_eq!(dashboard_stats(&[]).acceptance_rate, 0.0);
    }
}
