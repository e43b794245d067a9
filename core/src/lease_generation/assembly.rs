//! Offline lease assembly by rules (spec 4.5's assembly prompt, without a model): the chosen
//! clauses plus the state's required ones, ordered parties → premises → term → rent → … →
//! signatures, every `{{variable}}` filled from the lease's terms, the compliance check of the
//! terms and of the clause set, and the risk assessment; then the lease as HTML with numbered
//! clauses, an initials line under each and the signature blocks.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::clauses::{check_clauses, fill, library, required_for, risk_assessment, LeaseClause, RiskAssessment};
use super::jurisdiction::{check_compliance, LeaseMoneyTerms, Violation};

/// The order clauses take by category; a category not listed goes before the signatures.
pub const ORDER: &[&str] = &[
    "parties",
    "premises",
    "term",
    "rent",
    "security_deposit",
    "late_fees",
    "utilities",
    "maintenance",
    "entry",
    "subletting",
    "pets",
    "lead_paint",
    "bed_bugs",
    "megans_law",
    "sprinkler",
    "radon",
    "flood_disclosure",
    "mold",
    "disputes",
    "signatures",
];

/// One clause as it stands in the lease.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AssembledClause {
    pub number: usize,
    pub clause: LeaseClause,
    /// The text with its variables filled (placeholders kept where a value is missing).
    pub text: String,
}

/// The assembled lease: its clauses in order, what is wrong with it, and its risk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AssembledLease {
    pub state: String,
    pub clauses: Vec<AssembledClause>,
    /// Errors block sending; warnings are for a person.
    pub violations: Vec<Violation>,
    pub risk: RiskAssessment,
    /// `offline`: assembled by these rules, not by a model.
    pub provider: String,
}

impl AssembledLease {
    pub fn sendable(&self) -> bool {
        self.violations.iter().all(|v| v.severity != "error")
    }
}

fn rank(category: &str) -> usize {
    ORDER.iter().position(|c| *c == category).unwrap_or(ORDER.len() - 2)
}

/// Assembles a lease in `state` from the clauses named by `slugs` (unknown ones are reported),
/// the state's required clauses added, with `vars` filling the text and `terms` checked.
pub fn assemble(
    state: &str,
    city: Option<&str>,
    slugs: &[String],
    vars: &BTreeMap<String, String>,
    terms: &LeaseMoneyTerms,
    day: NaiveDate,
) -> AssembledLease {
    let lib = library();
    let mut violations = Vec::new();
    let mut chosen: Vec<LeaseClause> = Vec::new();
    for slug in slugs {
        match lib.iter().find(|c| &c.slug == slug) {
            Some(c) if !chosen.iter().any(|x| x.id == c.id) => chosen.push(c.clone()),
            Some(_) => {}
            None => violations.push(Violation {
                rule_type: "unknown_clause".into(),
                severity: "error".into(),
                message: format!("No clause '{slug}' in the library."),
                statute_reference: String::new(),
            }),
        }
    }
    for r in required_for(state, city) {
        if !chosen.iter().any(|c| c.id == r.id || c.category == r.category) {
            chosen.push(r);
        }
    }
    // The lead-paint disclosure comes with housing built before 1978.
    if terms.year_built.is_some_and(|y| y < 1978) && !chosen.iter().any(|c| c.category == "lead_paint") {
        if let Some(c) = lib.iter().find(|c| c.slug == "lead_paint") {
            chosen.push(c.clone());
        }
    }
    chosen.sort_by_key(|c| rank(&c.category));
    let mut with_disclosures = terms.clone();
    with_disclosures.disclosures = chosen.iter().map(|c| c.category.clone()).collect();
    violations.extend(check_compliance(state, city, &with_disclosures, day));
    violations.extend(check_clauses(state, city, &chosen));
    let mut clauses = Vec::new();
    for (i, c) in chosen.iter().enumerate() {
        let text = match fill(&c.text, vars) {
            Ok(t) => t,
            Err(missing) => {
                violations.push(Violation {
                    rule_type: "missing_variable".into(),
                    severity: "error".into(),
                    message: format!("'{}' needs: {}.", c.title, missing.join(", ")),
                    statute_reference: String::new(),
                });
                c.text.clone()
            }
        };
        clauses.push(AssembledClause { number: i + 1, clause: c.clone(), text });
    }
    AssembledLease {
        state: state.trim().to_uppercase(),
        risk: risk_assessment(&chosen),
        clauses,
        violations,
        provider: "offline".into(),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The lease as a printable HTML document: title, numbered clauses each with an initials line,
/// and a signature block per signer (name and role).
pub fn render_html(lease: &AssembledLease, title: &str, signers: &[(String, String)]) -> String {
    let mut h = String::from("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>");
    h.push_str(&esc(title));
    h.push_str(
        "</title><style>body{font-family:serif;max-width:46em;margin:2em auto;line-height:1.45}\
         h1{text-align:center}.clause{margin:1.2em 0}.initials{text-align:right;color:#555;font-size:.9em}\
         .sig{display:inline-block;width:45%;margin:2em 2% 0 0}.line{border-bottom:1px solid #000;height:2.5em}\
         @media print{.clause{break-inside:avoid}}</style></head><body>",
    );
    h.push_str(&format!("<h1>{}</h1>", esc(title)));
    for c in &lease.clauses {
        h.push_str(&format!(
            "<section class=\"clause\" id=\"clause-{n}\"><h2>{n}. {}</h2><p>{}</p>\
             <div class=\"initials\">Initials: ______ ______</div></section>",
            esc(&c.clause.title),
            esc(&c.text).replace('\n', "<br>"),
            n = c.number
        ));
    }
    for (name, role) in signers {
        h.push_str(&format!(
            "<div class=\"sig\"><div class=\"line\"></div>{} — {}<br>Date: ____________</div>",
            esc(name),
            esc(role)
        ));
    }
    h.push_str("</body></html>");
    h
}

/// The lease the tests of this module and its neighbours assemble: its variables and money terms.
#[cfg(test)]
pub(crate) mod fixtures {
    use std::collections::BTreeMap;

    use rust_decimal_macros::dec;

    use super::super::jurisdiction::LeaseMoneyTerms;

    pub fn vars() -> BTreeMap<String, String> {
        [
            ("lease_date", "December 1, 2026"),
            ("landlord_name", "Harbor View LLC"),
            ("tenant_name", "Alex Rivera"),
            ("property_address", "12 Harbor Way, Seattle, WA"),
            ("unit_number", "204"),
            ("start_date", "January 1, 2027"),
            ("end_date", "December 31, 2027"),
            ("rent_amount", "$1,800.00"),
            ("rent_due_day", "1"),
            ("security_deposit", "$1,800.00"),
            ("grace_days", "5"),
            ("late_fee", "$75.00"),
        ]
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .into()
    }

    pub fn terms() -> LeaseMoneyTerms {
        LeaseMoneyTerms {
            monthly_rent: dec!(1800),
            security_deposit: dec!(1800),
            late_fee: dec!(75),
            grace_days: 5,
            units_in_structure: Some(12),
            small_landlord: false,
            year_built: Some(1968),
            disclosures: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    use super::fixtures::{terms, vars};

    fn slugs(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
    }

    #[test]
    fn clauses_are_ordered_filled_and_the_states_requirements_added() {
        let wanted = slugs(&["rent", "parties", "late_fees", "premises", "term", "security_deposit", "signatures"]);
        let lease = assemble("WA", None, &wanted, &vars(), &terms(), day());
        let order: Vec<&str> = lease.clauses.iter().map(|c| c.clause.slug.as_str()).collect();
        assert_eq!(
            order,
            [
                "parties",
                "premises",
                "term",
                "rent",
                "security_deposit",
                "late_fees",
                "lead_paint",
                "mold",
                "signatures"
            ]
        );
        assert!(lease.sendable(), "{:?}", lease.violations);
        assert_eq!(
            lease.clauses[3].text,
            "Tenant pays rent of $1,800.00 per month, in advance, on day 1 of each month."
        );
        assert_eq!(lease.provider, "offline");
        let html = render_html(&lease, "Residential Lease", &[("Alex Rivera".into(), "Tenant".into())]);
        assert!(
            html.contains("<h2>4. Rent</h2>") && html.contains("Initials:") && html.contains("Alex Rivera — Tenant")
        );
    }

    #[test]
    fn what_cannot_be_sent_is_said_missing_values_over_the_cap_and_prohibited_clauses() {
        let mut v = vars();
        v.remove("end_date");
        let mut t = terms();
        t.security_deposit = dec!(3600);
        let wanted = slugs(&["parties", "term", "security_deposit", "nonrefundable_deposit", "made_up"]);
        let lease = assemble("CA", None, &wanted, &v, &t, day());
        assert!(!lease.sendable());
        let kinds: Vec<&str> = lease.violations.iter().map(|v| v.rule_type.as_str()).collect();
        for k in ["unknown_clause", "security_deposit_limit", "prohibited_clause", "missing_variable"] {
            assert!(kinds.contains(&k), "{k} in {kinds:?}");
        }
        assert!(lease.clauses.iter().any(|c| c.clause.slug == "bed_bugs"), "CA's required clause added");
        assert!(lease.risk.overall_score > 70 && !lease.risk.warnings.is_empty());
    }
}
