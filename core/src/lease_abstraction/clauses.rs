//! What a person should look at in a lease before applying it: clauses that differ from a
//! typical residential lease (the spec's `non_standard_clauses`, with the page and the exact
//! sentence) and the expected terms that were not found (`missing_terms`). Rules, not opinions:
//! each flag states the figure or the words that raised it.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde_json::Value;

use super::offline::Sentence;
use super::NonStandardClause;

/// The terms a residential lease is expected to state; the ones not found are listed.
pub const EXPECTED_TERMS: &[&str] = &[
    "landlord_name",
    "tenant_name",
    "property_address",
    "lease_start_date",
    "lease_end_date",
    "monthly_rent",
    "rent_due_day",
    "security_deposit",
    "late_fee_amount",
    "late_fee_grace_period_days",
    "notice_to_vacate_days",
    "pets_allowed",
    "renters_insurance_required",
    "governing_law_state",
];

/// Expected terms that are null in `terms`.
pub fn missing_terms(terms: &Value) -> Vec<String> {
    EXPECTED_TERMS.iter().filter(|t| terms[**t].is_null()).map(|t| t.to_string()).collect()
}

fn money(v: &Value) -> Option<Decimal> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_f64().and_then(Decimal::from_f64_retain).map(|d| d.round_dp(2)),
        _ => None,
    }
}

/// Words that make a clause unusual, with how serious and why.
const PHRASES: &[(&str, &str, &str)] = &[
    ("waive", "critical", "The tenant waives a right (liability, notice or a jury trial); such waivers are often unenforceable and must be reviewed."),
    ("non-refundable deposit", "warning", "A deposit called non-refundable: many states require deposits to be refundable."),
    ("nonrefundable deposit", "warning", "A deposit called non-refundable: many states require deposits to be refundable."),
    ("without notice", "critical", "Something may happen without notice (often entry by the landlord); most states require advance notice of entry."),
    ("not liable for any", "warning", "The landlord disclaims all liability, broader than a typical lease."),
    ("automatically renew", "info", "The lease renews automatically; check the notice needed to stop it."),
    ("attorney", "info", "Attorney's fees are shifted to one party."),
];

/// The non-standard clauses of a lease read as `sentences` with `terms`.
pub fn non_standard_clauses(sentences: &[Sentence], terms: &Value) -> Vec<NonStandardClause> {
    let mut out = Vec::new();
    let find = |term: &str| -> Option<&Sentence> {
        let words: &[&str] = match term {
            "late_fee_amount" => &["late fee", "late charge"],
            "security_deposit" => &["security deposit"],
            _ => &[],
        };
        sentences.iter().find(|s| words.iter().any(|w| s.text.to_lowercase().contains(w)))
    };
    let rent = money(&terms["monthly_rent"]);
    if let (Some(rent), Some(fee)) = (rent, money(&terms["late_fee_amount"])) {
        if rent > Decimal::ZERO && fee > rent / Decimal::TEN {
            if let Some(s) = find("late_fee_amount") {
                let pct = (fee / rent * Decimal::ONE_HUNDRED).to_f64().unwrap_or(0.0);
                out.push(NonStandardClause {
                    clause: s.text.clone(),
                    page: s.page,
                    severity: "warning".into(),
                    explanation: format!("The late fee of ${fee} is {pct:.0}% of the monthly rent of ${rent}; more than 10% is unusual and capped in several states."),
                });
            }
        }
    }
    if let (Some(rent), Some(deposit)) = (rent, money(&terms["security_deposit"])) {
        if rent > Decimal::ZERO && deposit > rent * Decimal::TWO {
            if let Some(s) = find("security_deposit") {
                out.push(NonStandardClause {
                    clause: s.text.clone(),
                    page: s.page,
                    severity: "warning".into(),
                    explanation: format!("The security deposit of ${deposit} is more than two months' rent (${rent} a month); many states cap it."),
                });
            }
        }
    }
    if terms["late_fee_grace_period_days"].as_u64() == Some(0) {
        if let Some(s) = find("late_fee_amount") {
            out.push(NonStandardClause {
                clause: s.text.clone(),
                page: s.page,
                severity: "info".into(),
                explanation: "There is no grace period before the late fee; several states require one.".into(),
            });
        }
    }
    for s in sentences {
        let lower = s.text.to_lowercase();
        if let Some((_, severity, why)) = PHRASES.iter().find(|(p, _, _)| lower.contains(p)) {
            if !out.iter().any(|c: &NonStandardClause| c.clause == s.text) {
                out.push(NonStandardClause {
                    clause: s.text.clone(),
                    page: s.page,
                    severity: severity.to_string(),
                    explanation: why.to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::document_ai::BBox;

    fn sentence(text: &str) -> Sentence {
        Sentence { text: text.into(), page: 2, bbox: BBox { page: 2, x: 0.0, y: 0.0, width: 1.0, height: 1.0 } }
    }

    #[test]
    fn a_late_fee_above_ten_percent_of_rent_and_a_waiver_are_flagged_with_their_page() {
        let s = vec![
            sentence("Rent received late incurs a late fee of $250.00."),
            sentence("Tenant waives any claim against Landlord for injury."),
            sentence("Tenant shall keep the premises clean."),
        ];
        let terms = json!({"monthly_rent": "1450.00", "late_fee_amount": "250.00", "security_deposit": "1450.00"});
        let flags = non_standard_clauses(&s, &terms);
        assert_eq!(flags.len(), 2, "{flags:?}");
        assert_eq!((flags[0].severity.as_str(), flags[0].page), ("warning", 2));
        assert!(flags[0].explanation.contains("17% of the monthly rent"), "{}", flags[0].explanation);
        assert_eq!(flags[1].severity, "critical");
        assert_eq!(flags[1].clause, "Tenant waives any claim against Landlord for injury.");
    }

    #[test]
    fn a_typical_lease_raises_nothing_and_missing_terms_are_named() {
        let s = vec![sentence("Rent received more than 3 days late incurs a late fee of $75.00.")];
        let terms = json!({"monthly_rent": "1450.00", "late_fee_amount": "75.00", "late_fee_grace_period_days": 3,
            "landlord_name": "Harbor View", "governing_law_state": null});
        assert!(non_standard_clauses(&s, &terms).is_empty());
        let missing = missing_terms(&terms);
        assert!(
            missing.contains(&"governing_law_state".to_string()) && !missing.contains(&"landlord_name".to_string())
        );
    }
}
