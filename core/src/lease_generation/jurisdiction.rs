//! The spec's `jurisdiction_rule` rows as shipped, and the compliance check of a lease's money
//! terms and disclosures: a deposit over the state's cap, a late fee over its cap or charged
//! inside the grace period, and a required disclosure missing are violations naming the statute.
//! The federal lead-based paint disclosure applies everywhere to housing built before 1978.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The shipped rules (see the asset's statute references).
const RULES_JSON: &str = include_str!("../../../assets/lease_generation/jurisdiction_rules.json");

/// The states rules are shipped for.
pub const STATES: &[&str] = &["CA", "FL", "NY", "OR", "TX", "WA"];

/// `jurisdiction_rule.rule_type`.
pub const RULE_TYPES: &[&str] =
    &["security_deposit_limit", "late_fee_limit", "notice_period", "required_disclosure", "rent_control"];

/// One `jurisdiction_rule` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct JurisdictionRule {
    pub state: String,
    #[serde(default)]
    pub city: String,
    pub rule_type: String,
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub rule_details: Value,
    pub statute_reference: String,
    pub effective_date: NaiveDate,
}

/// Every shipped rule. The asset is part of the build and checked by a test, so it parses.
pub fn all_rules() -> Vec<JurisdictionRule> {
    serde_json::from_str(RULES_JSON).unwrap_or_default()
}

/// The rules in force on `day` for `state` (and `city`, when given: the state's rules plus the
/// city's own).
pub fn rules_for(state: &str, city: Option<&str>, day: NaiveDate) -> Vec<JurisdictionRule> {
    let state = state.trim().to_uppercase();
    let city = city.map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty());
    all_rules()
        .into_iter()
        .filter(|r| r.state == state && r.effective_date <= day)
        .filter(|r| r.city.is_empty() || city.as_deref() == Some(r.city.to_lowercase().as_str()))
        .collect()
}

/// A lease's terms as the check reads them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseMoneyTerms {
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub monthly_rent: Decimal,
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub security_deposit: Decimal,
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub late_fee: Decimal,
    /// Days after the due date before the late fee is charged.
    pub grace_days: i32,
    /// Units in the structure (Texas' late-fee safe harbor depends on it).
    pub units_in_structure: Option<i32>,
    /// The landlord takes the small-landlord exception (California's deposit of two months).
    #[serde(default)]
    pub small_landlord: bool,
    pub year_built: Option<i32>,
    /// The disclosure categories the lease includes (`bed_bugs`, `radon`, `lead_paint`, …).
    #[serde(default)]
    pub disclosures: Vec<String>,
}

/// A term the jurisdiction does not allow, or a disclosure it requires that is missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Violation {
    pub rule_type: String,
    /// `error` (the lease cannot be sent as it is) or `warning` (a person should look).
    pub severity: String,
    pub message: String,
    pub statute_reference: String,
}

fn money(d: Decimal) -> String {
    crate::format::money(d)
}

fn num(v: &Value) -> Option<Decimal> {
    v.as_f64().and_then(|f| Decimal::try_from(f).ok())
}

/// The check of `terms` against the rules of `state` on `day`: violations (errors and
/// warnings), and whether rules were found at all — with none, a warning says so.
pub fn check_compliance(state: &str, city: Option<&str>, terms: &LeaseMoneyTerms, day: NaiveDate) -> Vec<Violation> {
    let rules = rules_for(state, city, day);
    let mut out = Vec::new();
    let mut v = |rule_type: &str, severity: &str, message: String, statute: &str| {
        out.push(Violation {
            rule_type: rule_type.into(),
            severity: severity.into(),
            message,
            statute_reference: statute.into(),
        })
    };
    if rules.is_empty() {
        v(
            "jurisdiction",
            "warning",
            format!(
                "No rules are recorded for {}: the lease is not checked against its law (rules ship for {}).",
                state.trim().to_uppercase(),
                STATES.join(", ")
            ),
            "",
        );
    }
    let rent = terms.monthly_rent;
    for r in &rules {
        let d = &r.rule_details;
        match r.rule_type.as_str() {
            "security_deposit_limit" => {
                let months = if terms.small_landlord {
                    num(&d["small_landlord_max_months"]).or_else(|| num(&d["max_months"]))
                } else {
                    num(&d["max_months"])
                };
                if let Some(m) = months {
                    let cap = (rent * m).round_dp(2);
                    if terms.security_deposit > cap {
                        v(
                            &r.rule_type,
                            "error",
                            format!(
                                "A security deposit of {} is over {}'s limit of {m} month(s) of rent ({}).",
                                money(terms.security_deposit),
                                r.state,
                                money(cap)
                            ),
                            &r.statute_reference,
                        );
                    }
                }
            }
            "late_fee_limit" => {
                let pct = if terms.units_in_structure.is_some_and(|u| u > 4) {
                    num(&d["max_pct_over_4_units"]).or_else(|| num(&d["max_pct"]))
                } else {
                    num(&d["max_pct"])
                };
                let caps: Vec<Decimal> =
                    [pct.map(|p| (rent * p / Decimal::ONE_HUNDRED).round_dp(2)), num(&d["max_amount"])]
                        .into_iter()
                        .flatten()
                        .collect();
                if let Some(cap) = caps.iter().min() {
                    if terms.late_fee > *cap {
                        v(
                            &r.rule_type,
                            "error",
                            format!(
                                "A late fee of {} is over {}'s cap of {} on {} rent.",
                                money(terms.late_fee),
                                r.state,
                                money(*cap),
                                money(rent)
                            ),
                            &r.statute_reference,
                        );
                    }
                } else if terms.late_fee > Decimal::ZERO && rent > Decimal::ZERO {
                    let share = (terms.late_fee / rent * Decimal::ONE_HUNDRED).round_dp(1);
                    if share > Decimal::TEN {
                        v(
                            &r.rule_type,
                            "warning",
                            format!(
                                "A late fee of {} is {share}% of the rent: {} sets no fixed cap, but a fee must be reasonable.",
                                money(terms.late_fee),
                                r.state
                            ),
                            &r.statute_reference,
                        );
                    }
                }
                let grace = d["grace_days"].as_i64().unwrap_or(0);
                if terms.late_fee > Decimal::ZERO && i64::from(terms.grace_days) < grace {
                    v(
                        &r.rule_type,
                        "error",
                        format!(
                            "The late fee is charged after {} day(s); {} allows it only after {grace}.",
                            terms.grace_days, r.state
                        ),
                        &r.statute_reference,
                    );
                }
            }
            "required_disclosure" => {
                let category = d["clause_category"].as_str().unwrap_or_default();
                if !category.is_empty() && !terms.disclosures.iter().any(|x| x == category) {
                    v(
                        &r.rule_type,
                        "error",
                        format!(
                            "{} requires: {} (a '{category}' clause).",
                            r.state,
                            d["text"].as_str().unwrap_or(category)
                        ),
                        &r.statute_reference,
                    );
                }
            }
            _ => {}
        }
    }
    if terms.year_built.is_some_and(|y| y < 1978) && !terms.disclosures.iter().any(|x| x == "lead_paint") {
        v(
            "required_disclosure",
            "error",
            format!(
                "Housing built in {} (before 1978) needs the lead-based paint disclosure and pamphlet.",
                terms.year_built.unwrap_or_default()
            ),
            "42 U.S.C. § 4852d; 40 C.F.R. part 745, subpart F",
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    fn terms(rent: Decimal, deposit: Decimal, fee: Decimal, grace: i32) -> LeaseMoneyTerms {
        LeaseMoneyTerms {
            monthly_rent: rent,
            security_deposit: deposit,
            late_fee: fee,
            grace_days: grace,
            units_in_structure: Some(4),
            small_landlord: false,
            year_built: Some(2001),
            disclosures: [
                "bed_bugs",
                "megans_law",
                "sprinkler",
                "flood_disclosure",
                "radon",
                "security_deposit",
                "mold",
                "smoking_policy",
            ]
            .map(String::from)
            .to_vec(),
        }
    }

    fn errors(state: &str, t: &LeaseMoneyTerms) -> Vec<Violation> {
        check_compliance(state, None, t, day()).into_iter().filter(|v| v.severity == "error").collect()
    }

    #[test]
    fn every_shipped_rule_parses_names_its_statute_and_is_of_a_spec_type() {
        let rules = all_rules();
        assert!(rules.len() >= 15, "{}", rules.len());
        for r in &rules {
            assert!(STATES.contains(&r.state.as_str()), "{r:?}");
            assert!(RULE_TYPES.contains(&r.rule_type.as_str()), "{r:?}");
            assert!(!r.statute_reference.trim().is_empty(), "{r:?}");
        }
        for s in STATES {
            assert!(!rules_for(s, None, day()).is_empty(), "{s}");
        }
    }

    #[test]
    fn a_deposit_over_the_states_cap_is_refused_with_the_statute_named() {
        // California: one month since July 2024 (two for a small landlord).
        let e = errors("CA", &terms(dec!(2000), dec!(2500), dec!(0), 0));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].message.contains("$2,000.00") && e[0].statute_reference.contains("1950.5"), "{e:?}");
        let small = LeaseMoneyTerms { small_landlord: true, ..terms(dec!(2000), dec!(2500), dec!(0), 0) };
        assert!(errors("CA", &small).is_empty());
        // Before AB 12 took effect the one-month cap was not the law.
        let before = NaiveDate::from_ymd_opt(2024, 6, 30).unwrap();
        assert!(check_compliance("CA", None, &terms(dec!(2000), dec!(2500), dec!(0), 0), before)
            .iter()
            .all(|v| v.rule_type != "security_deposit_limit"));
        // New York: one month.
        let e = errors("NY", &terms(dec!(3000), dec!(3000.01), dec!(0), 5));
        assert!(e.iter().any(|v| v.statute_reference.contains("7-108")), "{e:?}");
        // Texas, Florida, Washington and Oregon set no cap here.
        for s in ["TX", "FL", "WA", "OR"] {
            assert!(errors(s, &terms(dec!(1000), dec!(5000), dec!(0), 5)).is_empty(), "{s}");
        }
    }

    #[test]
    fn late_fees_are_held_to_each_states_cap_and_grace_period() {
        // New York: the lesser of $50 or 5%, after more than five days.
        let e = errors("NY", &terms(dec!(2000), dec!(0), dec!(75), 5));
        assert!(e.iter().any(|v| v.message.contains("cap of $50.00")), "{e:?}");
        assert!(errors("NY", &terms(dec!(800), dec!(0), dec!(45), 5)).iter().any(|v| v.message.contains("$40.00 on")));
        assert!(errors("NY", &terms(dec!(800), dec!(0), dec!(40), 3)).iter().any(|v| v.message.contains("after 5")));
        assert!(errors("NY", &terms(dec!(2000), dec!(0), dec!(50), 5)).is_empty());
        // Texas: 12% (10% over four units), after two full days.
        assert!(errors("TX", &terms(dec!(1000), dec!(0), dec!(120), 2)).is_empty());
        assert_eq!(errors("TX", &terms(dec!(1000), dec!(0), dec!(121), 2)).len(), 1);
        let big = LeaseMoneyTerms { units_in_structure: Some(40), ..terms(dec!(1000), dec!(0), dec!(110), 2) };
        assert!(errors("TX", &big)[0].message.contains("$100.00"));
        assert!(errors("TX", &terms(dec!(1000), dec!(0), dec!(50), 1))[0].statute_reference.contains("92.019"));
        // Washington: five days' grace, no fixed cap.
        assert_eq!(errors("WA", &terms(dec!(1500), dec!(0), dec!(75), 3)).len(), 1);
        assert!(errors("WA", &terms(dec!(1500), dec!(0), dec!(75), 5)).is_empty());
        // Oregon: only once the rent is unpaid at the end of the fourth day.
        let e = errors("OR", &terms(dec!(1600), dec!(0), dec!(50), 3));
        assert!(e.len() == 1 && e[0].statute_reference.contains("90.260"), "{e:?}");
        assert!(errors("OR", &terms(dec!(1600), dec!(0), dec!(50), 4)).is_empty());
        // California: no fixed cap, but a fee over 10% of the rent is flagged for a person.
        let w = check_compliance("CA", None, &terms(dec!(1000), dec!(0), dec!(150), 0), day());
        assert!(w.iter().any(|v| v.severity == "warning" && v.message.contains("15.0%")), "{w:?}");
    }

    #[test]
    fn required_disclosures_and_the_federal_lead_paint_rule_are_checked() {
        let none = LeaseMoneyTerms { disclosures: Vec::new(), ..terms(dec!(1000), dec!(0), dec!(0), 5) };
        let e = errors("FL", &none);
        assert!(e.iter().any(|v| v.statute_reference.contains("404.056")), "radon: {e:?}");
        let e = errors("NY", &none);
        assert!(e.iter().any(|v| v.statute_reference.contains("231-a")), "sprinkler: {e:?}");
        let old = LeaseMoneyTerms { year_built: Some(1965), ..terms(dec!(1000), dec!(0), dec!(0), 5) };
        let e = errors("TX", &old);
        assert!(e.iter().any(|v| v.statute_reference.contains("4852d")), "{e:?}");
        let with = LeaseMoneyTerms { disclosures: vec!["lead_paint".into(), "flood_disclosure".into()], ..old };
        assert!(errors("TX", &with).is_empty());
        // Oregon: the smoking policy and the floodplain notice.
        let e = errors("OR", &none);
        assert!(e.iter().any(|v| v.statute_reference.contains("90.220")), "smoking: {e:?}");
        assert!(e.iter().any(|v| v.statute_reference.contains("90.228")), "floodplain: {e:?}");
        let with = LeaseMoneyTerms { disclosures: vec!["smoking_policy".into(), "flood_disclosure".into()], ..none };
        assert!(errors("OR", &with).is_empty());
    }

    #[test]
    fn a_state_without_rules_is_said_so_never_assumed_compliant() {
        let v = check_compliance("NV", None, &terms(dec!(1000), dec!(9000), dec!(500), 0), day());
        assert_eq!(v.len(), 1, "{v:?}");
        assert_eq!(v[0].severity, "warning");
        assert!(v[0].message.contains("No rules are recorded for NV"), "{}", v[0].message);
    }
}
