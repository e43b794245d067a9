//! The clause library shipped in `assets/lease_generation/clauses.json` (the spec's
//! `lease_clause` rows: category, text with `{{variable}}` placeholders, the states that require
//! or prohibit it, a risk score 0–100), and what assembly checks: every required clause present,
//! no prohibited clause (named with its statute), every variable filled, and each clause's risk
//! (flagged above 70).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::jurisdiction::Violation;

const CLAUSES_JSON: &str = include_str!("../../../assets/lease_generation/clauses.json");

/// Clauses scoring above this are flagged for a person (spec: "flag > 70").
pub const RISK_FLAG: i32 = 70;

/// Where ids of shipped clauses come from: the same slug gives the same id on every device.
const NAMESPACE: Uuid = Uuid::from_u128(0x5f1c_2a8e_7b3d_4c61_9e0a_8d4b_3c2f_1a70);

/// One `lease_clause` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseClause {
    #[serde(default)]
    pub id: Uuid,
    pub slug: String,
    pub category: String,
    pub title: String,
    pub text: String,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<BTreeMap<String, String>>)]
    pub jurisdiction_required: Value,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<BTreeMap<String, String>>)]
    pub jurisdiction_prohibited: Value,
    pub risk_score: i32,
    #[serde(default)]
    pub dispute_count: i32,
    #[serde(default)]
    pub required_variables: Vec<String>,
    pub is_standard: bool,
    #[serde(default = "one")]
    pub version: i32,
    #[serde(default = "shipped")]
    pub effective_date: NaiveDate,
}

fn one() -> i32 {
    1
}

fn shipped() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
}

/// The shipped library, each clause with its stable id. A test checks the asset parses.
pub fn library() -> Vec<LeaseClause> {
    let mut all: Vec<LeaseClause> = serde_json::from_str(CLAUSES_JSON).unwrap_or_default();
    for c in &mut all {
        c.id = Uuid::new_v5(&NAMESPACE, c.slug.as_bytes());
        for key in ["jurisdiction_required", "jurisdiction_prohibited"] {
            let v = if key == "jurisdiction_required" {
                &mut c.jurisdiction_required
            } else {
                &mut c.jurisdiction_prohibited
            };
            if v.is_null() {
                *v = json!([]);
            }
        }
    }
    all
}

fn names(list: &Value, state: &str, city: Option<&str>) -> Option<Value> {
    list.as_array()?
        .iter()
        .find(|j| {
            j["state"].as_str().is_some_and(|s| s.eq_ignore_ascii_case(state))
                && j["city"].as_str().is_none_or(|c| city.is_some_and(|x| x.eq_ignore_ascii_case(c)))
        })
        .cloned()
}

/// The clauses `state` (and `city`) require.
pub fn required_for(state: &str, city: Option<&str>) -> Vec<LeaseClause> {
    library().into_iter().filter(|c| names(&c.jurisdiction_required, state, city).is_some()).collect()
}

/// Replaces every `{{variable}}` of `text` with its value; the names of those without one.
pub fn fill(text: &str, vars: &BTreeMap<String, String>) -> Result<String, Vec<String>> {
    let mut out = String::new();
    let mut missing = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start + 2..].find("}}") else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let name = rest[start + 2..start + 2 + len].trim();
        match vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
            Some(v) => out.push_str(v),
            None => {
                if !missing.iter().any(|m| m == name) {
                    missing.push(name.to_string());
                }
            }
        }
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(missing)
    }
}

/// One clause's risk as the assessment lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ClauseRisk {
    pub clause_id: Uuid,
    pub title: String,
    pub risk_score: i32,
    pub dispute_count: i32,
    pub flagged: bool,
}

/// The spec's `ai_risk_assessment`: `{overall_score, clause_risks[], warnings[]}`. The overall
/// score is the riskiest clause's (one risky clause makes the lease risky), with the mean beside
/// it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RiskAssessment {
    pub overall_score: i32,
    pub mean_score: f64,
    pub clause_risks: Vec<ClauseRisk>,
    pub warnings: Vec<String>,
}

pub fn risk_assessment(clauses: &[LeaseClause]) -> RiskAssessment {
    let clause_risks: Vec<ClauseRisk> = clauses
        .iter()
        .map(|c| ClauseRisk {
            clause_id: c.id,
            title: c.title.clone(),
            risk_score: c.risk_score.clamp(0, 100),
            dispute_count: c.dispute_count,
            flagged: c.risk_score > RISK_FLAG,
        })
        .collect();
    let warnings = clause_risks
        .iter()
        .filter(|r| r.flagged)
        .map(|r| {
            format!(
                "'{}' scores {} of 100 ({} disputes on record): review or remove it.",
                r.title, r.risk_score, r.dispute_count
            )
        })
        .collect();
    let n = clause_risks.len().max(1) as f64;
    RiskAssessment {
        overall_score: clause_risks.iter().map(|r| r.risk_score).max().unwrap_or(0),
        mean_score: (clause_risks.iter().map(|r| f64::from(r.risk_score)).sum::<f64>() / n * 10.0).round() / 10.0,
        clause_risks,
        warnings,
    }
}

/// The clause set's violations in `state`: a prohibited clause (with its statute) and a
/// required clause missing are errors.
pub fn check_clauses(state: &str, city: Option<&str>, clauses: &[LeaseClause]) -> Vec<Violation> {
    let mut out = Vec::new();
    for c in clauses {
        if let Some(p) = names(&c.jurisdiction_prohibited, state, city) {
            out.push(Violation {
                rule_type: "prohibited_clause".into(),
                severity: "error".into(),
                message: format!("'{}' is not allowed in {} leases.", c.title, state.trim().to_uppercase()),
                statute_reference: p["statute"].as_str().unwrap_or_default().to_string(),
            });
        }
    }
    for r in required_for(state, city) {
        if !clauses.iter().any(|c| c.id == r.id || c.category == r.category) {
            out.push(Violation {
                rule_type: "required_clause".into(),
                severity: "error".into(),
                message: format!("{} leases need the '{}' clause.", state.trim().to_uppercase(), r.title),
                statute_reference: String::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn by(slug: &str) -> LeaseClause {
        library().into_iter().find(|c| c.slug == slug).unwrap()
    }

    #[test]
    fn the_library_parses_with_stable_ids_and_every_variable_declared() {
        let lib = library();
        assert!(lib.len() >= 20);
        assert_eq!(by("rent").id, by("rent").id);
        for c in &lib {
            let vars: BTreeMap<String, String> = c.required_variables.iter().map(|v| (v.clone(), "x".into())).collect();
            assert!(fill(&c.text, &vars).is_ok(), "{} uses a variable it does not declare", c.slug);
            assert!((0..=100).contains(&c.risk_score), "{}", c.slug);
        }
    }

    #[test]
    fn variables_are_filled_and_a_missing_one_is_named() {
        let vars: BTreeMap<String, String> =
            [("rent_amount", "$1,450.00"), ("rent_due_day", "1")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        assert_eq!(
            fill(&by("rent").text, &vars).unwrap(),
            "Tenant pays rent of $1,450.00 per month, in advance, on day 1 of each month."
        );
        assert_eq!(fill(&by("term").text, &vars).unwrap_err(), vec!["start_date", "end_date"]);
    }

    #[test]
    fn a_prohibited_clause_is_refused_with_its_statute_and_required_ones_are_demanded() {
        let base: Vec<LeaseClause> = ["parties", "premises", "rent"].map(by).to_vec();
        let mut with = base.clone();
        with.push(by("nonrefundable_deposit"));
        let v = check_clauses("CA", None, &with);
        let prohibited: Vec<&Violation> = v.iter().filter(|v| v.rule_type == "prohibited_clause").collect();
        assert_eq!(prohibited.len(), 1);
        assert!(prohibited[0].statute_reference.contains("1950.5(m)"), "{prohibited:?}");
        let required: Vec<String> =
            v.iter().filter(|v| v.rule_type == "required_clause").map(|v| v.message.clone()).collect();
        assert_eq!(required.len(), 2, "bed bugs and Megan's law: {required:?}");
        assert!(check_clauses("TX", None, &with).iter().all(|v| v.rule_type != "prohibited_clause"));
        for state in ["CA", "NY", "TX", "FL", "WA", "OR"] {
            assert!(check_clauses(state, None, &[by("habitability_waiver")])
                .iter()
                .any(|v| v.rule_type == "prohibited_clause"));
        }
        // Oregon: no non-refundable deposit, and a smoking policy and the floodplain notice.
        let v = check_clauses("OR", None, &with);
        assert!(
            v.iter().any(|v| v.rule_type == "prohibited_clause" && v.statute_reference.contains("90.302")),
            "{v:?}"
        );
        let required: Vec<&str> =
            v.iter().filter(|v| v.rule_type == "required_clause").map(|v| v.message.as_str()).collect();
        assert_eq!(required.len(), 2, "{required:?}");
    }

    #[test]
    fn clauses_over_70_are_flagged_and_the_riskiest_sets_the_score() {
        let a = risk_assessment(&["rent", "late_fees", "attorney_fees_one_way"].map(by));
        assert_eq!(a.overall_score, 75);
        assert_eq!(a.clause_risks.iter().filter(|r| r.flagged).count(), 1);
        assert!(a.warnings[0].contains("Attorney's fees"), "{:?}", a.warnings);
        assert!((a.mean_score - 43.3).abs() < 1e-9, "{}", a.mean_score);
        assert!(risk_assessment(&["rent"].map(by)).warnings.is_empty());
    }
}
