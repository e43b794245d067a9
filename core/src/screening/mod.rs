//! Tenant screening (spec 4.2): the application as entered (checked in its constructor), the
//! spec's `score_application` exactly — start at 100; income ratio, employment months and
//! rental history deduct; approve ≥ 75, conditional ≥ 55, manual review ≥ 40, else deny — with
//! every deduction named, and the adverse action notice a denial produces.
//!
//! Fair housing: the score reads only income, rent, employment start and rental history. Name,
//! date of birth, SSN, occupants, pets and every other applicant detail never reach it, and
//! lists ([`ApplicationRow`]) never carry the date of birth or the SSN's last four.

pub mod notice;
pub mod port;
pub mod workflow;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use crate::format::check_text;

/// `screening_application.status`.
pub const STATUSES: &[&str] =
    &["submitted", "screening", "scored", "approved", "conditionally_approved", "denied", "withdrawn"];

/// `ai_recommendation`.
pub const RECOMMENDATIONS: &[&str] = &["approve", "conditional_approve", "deny", "manual_review"];

/// `income_verification_type`.
pub const INCOME_VERIFICATION: &[&str] = &["pay_stubs", "tax_return", "bank_statements", "employer_letter"];

/// `screening_application`, every column of the spec.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ScreeningApplication {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub date_of_birth: Option<NaiveDate>,
    pub ssn_last_four: String,
    pub employer_name: String,
    pub employer_phone: String,
    pub job_title: String,
    #[schema(value_type = String, example = "5400.00")]
    #[specta(type = String)]
    pub monthly_income: Decimal,
    pub employment_start_date: NaiveDate,
    pub income_verification_type: String,
    pub previous_address: String,
    pub previous_landlord_name: String,
    pub previous_landlord_phone: String,
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<String>)]
    pub previous_rent: Option<Decimal>,
    pub previous_lease_duration_months: Option<i32>,
    pub reason_for_leaving: String,
    pub eviction_history: bool,
    pub num_occupants: i32,
    pub has_pets: bool,
    pub pet_details: String,
    pub ai_score: Option<f64>,
    pub ai_recommendation: String,
    pub ai_reasoning: String,
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<RiskFactor>)]
    pub ai_risk_factors: Value,
    pub income_score: Option<f64>,
    pub employment_score: Option<f64>,
    pub rental_history_score: Option<f64>,
    pub credit_score_band: String,
    pub status: String,
    pub reviewed_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub decision_notes: String,
    /// `[{"type": "pay_stub", "url": "blob:<sha256>", "uploaded_at": "…", "name": "…"}]`
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<std::collections::BTreeMap<String, String>>)]
    pub documents: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One deduction, as the spec writes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RiskFactor {
    pub factor: String,
    pub severity: String,
    pub score_impact: i32,
}

/// What `score_application` returns, plus every deduction (the spec lists only some of them
/// as risk factors; `deductions` names each point taken, so the score can be checked by hand).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Score {
    pub score: i32,
    pub recommendation: String,
    pub income_score: f64,
    pub employment_score: f64,
    pub rental_history_score: f64,
    pub risk_factors: Vec<RiskFactor>,
    pub income_ratio: Option<f64>,
    pub months_employed: f64,
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub unit_rent: Decimal,
    pub deductions: Vec<RiskFactor>,
}

/// What the score reads: nothing about who the applicant is.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreInput {
    pub monthly_income: Decimal,
    pub unit_rent: Decimal,
    pub employment_start_date: NaiveDate,
    pub eviction_history: bool,
    pub previous_landlord_name: String,
    pub previous_lease_duration_months: Option<i32>,
}

impl ScoreInput {
    /// The score's inputs of `app` for a unit renting at `unit_rent` (its market rent, else its
    /// current rent).
    pub fn of(app: &ScreeningApplication, unit_rent: Decimal) -> ScoreInput {
        ScoreInput {
            monthly_income: app.monthly_income,
            unit_rent,
            employment_start_date: app.employment_start_date,
            eviction_history: app.eviction_history,
            previous_landlord_name: app.previous_landlord_name.clone(),
            previous_lease_duration_months: app.previous_lease_duration_months,
        }
    }
}

fn factor(factor: impl Into<String>, severity: &str, impact: i32) -> RiskFactor {
    RiskFactor { factor: factor.into(), severity: severity.into(), score_impact: impact }
}

/// The spec's recommendation for a score.
pub fn recommendation(score: i32) -> &'static str {
    match score {
        75.. => "approve",
        55..=74 => "conditional_approve",
        40..=54 => "manual_review",
        _ => "deny",
    }
}

/// The spec's `score_application`, on `today` (the property's date).
pub fn score_application(input: &ScoreInput, today: NaiveDate) -> Score {
    let mut score = 100;
    let mut risk = Vec::new();
    let mut deductions = Vec::new();
    // 1. Income ratio (up to -35).
    let rent = input.unit_rent;
    let (income_score, ratio) = if rent > Decimal::ZERO && input.monthly_income > Decimal::ZERO {
        let ratio = (input.monthly_income / rent).to_f64().unwrap_or(0.0);
        let (s, f) = if ratio >= 3.0 {
            (100.0, None)
        } else if ratio >= 2.5 {
            (80.0, Some(factor("Income ratio 2.5-3x", "low", -10)))
        } else if ratio >= 2.0 {
            (50.0, Some(factor("Income ratio 2.0-2.5x", "medium", -25)))
        } else {
            (20.0, Some(factor(format!("Income ratio below 2x ({ratio:.1}x)"), "high", -35)))
        };
        if let Some(f) = f {
            score += f.score_impact;
            risk.push(f.clone());
            deductions.push(f);
        }
        (s, Some(ratio))
    } else {
        score -= 35;
        let why = if rent <= Decimal::ZERO { "The unit has no rent to compare with" } else { "No monthly income" };
        deductions.push(factor(why, "high", -35));
        (0.0, None)
    };
    // 2. Employment stability (up to -20): whole days / 30, as the spec divides.
    let months = (today - input.employment_start_date).num_days() as f64 / 30.0;
    let employment_score = if months >= 24.0 {
        100.0
    } else if months >= 12.0 {
        score -= 5;
        deductions.push(factor(format!("Employment 12-24 months ({}mo)", months as i64), "low", -5));
        80.0
    } else {
        let (s, f) = if months >= 6.0 {
            (50.0, factor(format!("Employment <12 months ({}mo)", months as i64), "medium", -15))
        } else {
            (20.0, factor(format!("Employment <6 months ({}mo)", months as i64), "high", -20))
        };
        score += f.score_impact;
        risk.push(f.clone());
        deductions.push(f);
        s
    };
    // 3. Rental history (up to -30).
    let rental = if input.eviction_history {
        Some((0.0, factor("Prior eviction on record", "critical", -30)))
    } else if input.previous_landlord_name.trim().is_empty() {
        Some((60.0, factor("No previous landlord reference", "low", -10)))
    } else if input.previous_lease_duration_months.is_some_and(|m| m > 0 && m < 12) {
        Some((70.0, factor("Previous lease <12 months", "low", -10)))
    } else {
        None
    };
    let rental_history_score = match rental {
        Some((s, f)) => {
            score += f.score_impact;
            risk.push(f.clone());
            deductions.push(f);
            s
        }
        None => 100.0,
    };
    let score = score.clamp(0, 100);
    Score {
        score,
        recommendation: recommendation(score).into(),
        income_score,
        employment_score,
        rental_history_score,
        risk_factors: risk,
        income_ratio: ratio.map(|r| (r * 100.0).round() / 100.0),
        months_employed: (months * 10.0).floor() / 10.0,
        unit_rent: rent,
        deductions,
    }
}

/// The reasoning stored with a score: the figures and every deduction, in words.
pub fn reasoning(s: &Score) -> String {
    let mut out = format!("Score {} of 100: {}.", s.score, s.recommendation.replace('_', " "));
    match s.income_ratio {
        Some(r) => out.push_str(&format!(" Income is {r:.2}x the rent of {}.", crate::format::money(s.unit_rent))),
        None => out.push_str(" The income ratio could not be computed."),
    }
    out.push_str(&format!(" {:.1} months with the current employer.", s.months_employed));
    if s.deductions.is_empty() {
        out.push_str(" No deductions.");
    } else {
        let list: Vec<String> = s.deductions.iter().map(|d| format!("{} ({})", d.factor, d.score_impact)).collect();
        out.push_str(&format!(" Deductions: {}.", list.join("; ")));
    }
    out.push_str(" Computed by the screening rules; a person decides.");
    out
}

/// An application as a person enters it (the intake form, the public endpoint, the CLI).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewApplication {
    pub unit_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub date_of_birth: Option<NaiveDate>,
    #[serde(default)]
    pub ssn_last_four: String,
    pub employer_name: String,
    #[serde(default)]
    pub employer_phone: String,
    #[serde(default)]
    pub job_title: String,
    #[schema(value_type = String, example = "5400.00")]
    #[specta(type = String)]
    pub monthly_income: Decimal,
    pub employment_start_date: NaiveDate,
    #[serde(default)]
    pub income_verification_type: String,
    #[serde(default)]
    pub previous_address: String,
    #[serde(default)]
    pub previous_landlord_name: String,
    #[serde(default)]
    pub previous_landlord_phone: String,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<String>)]
    pub previous_rent: Option<Decimal>,
    #[serde(default)]
    pub previous_lease_duration_months: Option<i32>,
    #[serde(default)]
    pub reason_for_leaving: String,
    #[serde(default)]
    pub eviction_history: bool,
    #[serde(default = "one")]
    pub num_occupants: i32,
    #[serde(default)]
    pub has_pets: bool,
    #[serde(default)]
    pub pet_details: String,
}

fn one() -> i32 {
    1
}

fn check_money(what: &str, v: Decimal) -> Result<Decimal, String> {
    if v < Decimal::ZERO {
        return Err(format!("{what} cannot be negative."));
    }
    if v >= Decimal::from(100_000_000) {
        return Err(format!("{what} ({v}) is beyond the 10 digits the record holds."));
    }
    Ok(v.round_dp(2))
}

impl NewApplication {
    /// The stored application, checked; refused with a clear message otherwise. `today` is the
    /// property's date (a date of birth or an employment start after it is refused).
    pub fn checked(
        &self,
        id: Uuid,
        property_id: Uuid,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<ScreeningApplication, String> {
        let ssn = self.ssn_last_four.trim();
        if !(ssn.is_empty() || (ssn.len() == 4 && ssn.chars().all(|c| c.is_ascii_digit()))) {
            return Err("The SSN's last four are four digits.".into());
        }
        if let Some(dob) = self.date_of_birth {
            if dob >= today {
                return Err(format!("The date of birth {dob} is not in the past."));
            }
            if today.years_since(dob).unwrap_or(0) < 18 {
                return Err("An applicant must be at least 18.".into());
            }
        }
        if self.employment_start_date > today {
            return Err(format!("The employment start {} is after today ({today}).", self.employment_start_date));
        }
        let verification = self.income_verification_type.trim();
        if !verification.is_empty() && !INCOME_VERIFICATION.contains(&verification) {
            return Err(format!(
                "Income verification '{verification}' is not one of: {}.",
                INCOME_VERIFICATION.join(", ")
            ));
        }
        if let Some(m) = self.previous_lease_duration_months {
            if !(0..=600).contains(&m) {
                return Err(format!("A previous lease of {m} months is not a lease length."));
            }
        }
        if !(1..=20).contains(&self.num_occupants) {
            return Err(format!("{} occupants is not a household size (1 to 20).", self.num_occupants));
        }
        Ok(ScreeningApplication {
            id,
            unit_id: self.unit_id,
            property_id,
            first_name: check_text("First name", &self.first_name, 100, true)?,
            last_name: check_text("Last name", &self.last_name, 100, true)?,
            email: crate::format::check_email(&self.email)?,
            phone: check_text("Phone", &self.phone, 20, false)?,
            date_of_birth: self.date_of_birth,
            ssn_last_four: ssn.to_string(),
            employer_name: check_text("Employer", &self.employer_name, 200, true)?,
            employer_phone: check_text("Employer phone", &self.employer_phone, 20, false)?,
            job_title: check_text("Job title", &self.job_title, 100, false)?,
            monthly_income: check_money("Monthly income", self.monthly_income)?,
            employment_start_date: self.employment_start_date,
            income_verification_type: verification.to_string(),
            previous_address: check_text("Previous address", &self.previous_address, 1000, false)?,
            previous_landlord_name: check_text("Previous landlord", &self.previous_landlord_name, 200, false)?,
            previous_landlord_phone: check_text("Previous landlord phone", &self.previous_landlord_phone, 20, false)?,
            previous_rent: self.previous_rent.map(|r| check_money("Previous rent", r)).transpose()?,
            previous_lease_duration_months: self.previous_lease_duration_months,
            reason_for_leaving: check_text("Reason for leaving", &self.reason_for_leaving, 2000, false)?,
            eviction_history: self.eviction_history,
            num_occupants: self.num_occupants,
            has_pets: self.has_pets,
            pet_details: check_text("Pet details", &self.pet_details, 1000, false)?,
            ai_score: None,
            ai_recommendation: String::new(),
            ai_reasoning: String::new(),
            ai_risk_factors: json!([]),
            income_score: None,
            employment_score: None,
            rental_history_score: None,
            credit_score_band: "not_available".into(),
            status: "submitted".into(),
            reviewed_by: String::new(),
            reviewed_at: None,
            decision_notes: String::new(),
            documents: json!([]),
            created_at: now,
            updated_at: now,
        })
    }
}

/// An application in a list: no date of birth, no SSN digits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub monthly_income: Decimal,
    pub ai_score: Option<f64>,
    pub ai_recommendation: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
}

impl From<&ScreeningApplication> for ApplicationRow {
    fn from(a: &ScreeningApplication) -> ApplicationRow {
        ApplicationRow {
            id: a.id,
            unit_id: a.unit_id,
            property_id: a.property_id,
            first_name: a.first_name.clone(),
            last_name: a.last_name.clone(),
            email: a.email.clone(),
            monthly_income: a.monthly_income,
            ai_score: a.ai_score,
            ai_recommendation: a.ai_recommendation.clone(),
            status: a.status.clone(),
            created_at: a.created_at,
        }
    }
}

/// The application as the detail shows it: the SSN as "•••• 1234" is not shown either, only
/// whether one was given; the date of birth as whether one was given.
pub fn redacted(a: &ScreeningApplication) -> Value {
    let mut v = serde_json::to_value(a).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("ssn_last_four".into(), json!(if a.ssn_last_four.is_empty() { "" } else { "****" }));
        o.insert("date_of_birth".into(), json!(a.date_of_birth.map(|_| "on file")));
    }
    v
}

#[cfg(test)]
mod tests;
