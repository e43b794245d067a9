//! The renewal analysis (spec 4.5's renewal-analysis prompt) through the AI gateway, with its
//! offline equivalent by rules: the current terms, the unit's market rent and the property's
//! market gap and vacancy, the tenant's payment record and tenure, read from the record; a
//! recommended rent that never leaves the range the record supports (a model's answer outside
//! it is refused and repaired), the retention risk from the renewals feature's churn score.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::port::LeaseGenerationPort;
use crate::ai::prompts::Task;
use crate::ai::Gateway;
use crate::format::money;
use crate::port::in_scope;
use crate::records::port::RecordsPort;
use crate::renewals::port::RenewalsPort;
use crate::store::{Result, StoreError};

/// The largest rise the analysis recommends at a renewal, in percent.
pub const MAX_INCREASE_PCT: i64 = 5;

/// What the prompt is filled from (every figure from the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RenewalAnalysisInput {
    pub current_terms: Value,
    #[serde(with = "crate::format::wire::money")]
    pub current_rent: Decimal,
    /// The unit's market rent (zero: unknown).
    #[serde(with = "crate::format::wire::money")]
    pub market_rent: Decimal,
    /// Market rents of the property's other units with the same bedrooms.
    pub comp_rents: Vec<String>,
    /// The property's average gap between market and current rent, in percent.
    pub avg_increase_pct: f64,
    pub vacancy_rate: f64,
    pub late_payments_12mo: u32,
    pub charges_12mo: u32,
    pub tenure_months: i32,
    /// The renewals feature's churn score (0–1).
    pub churn_score: f64,
}

/// The spec's answer shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RenewalAnalysisOutput {
    /// Money, as the spec's example writes it: a JSON number.
    #[serde(with = "crate::format::wire::number_money")]
    #[schema(value_type = f64)]
    #[specta(type = f64)]
    pub recommended_rent: Decimal,
    /// A percentage, not money.
    pub rent_change_pct: f64,
    pub reasoning: String,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<std::collections::BTreeMap<String, String>>)]
    pub clause_updates: Vec<Value>,
    pub retention_risk: String,
    pub retention_strategy: String,
}

pub struct RenewalAnalysis;

fn payment_summary(i: &RenewalAnalysisInput) -> String {
    format!("{} late of {} charges in the last 12 months", i.late_payments_12mo, i.charges_12mo)
}

/// The range a recommended rent may take: from the current rent down 5% (a concession) to the
/// current rent up [`MAX_INCREASE_PCT`].
fn bounds(current: Decimal) -> (Decimal, Decimal) {
    let hundred = Decimal::from(100);
    (
        (current * Decimal::from(95) / hundred).round_dp(2),
        (current * (hundred + Decimal::from(MAX_INCREASE_PCT)) / hundred).round_dp(2),
    )
}

impl Task for RenewalAnalysis {
    const NAME: &'static str = "lease_renewal_analysis";
    const DESCRIPTION: &'static str = "Recommend a renewal lease's rent and retention strategy from the record";
    type Input = RenewalAnalysisInput;
    type Output = RenewalAnalysisOutput;

    fn system() -> String {
        "You are a residential leasing analyst. Use only the figures given; never invent comparables, rates or \
         history."
            .into()
    }

    fn prompt(i: &RenewalAnalysisInput) -> String {
        format!(
            "Analyze this lease for renewal. Current terms:\n{}\nMarket data:\n- Comparable rents in area: {}\n- Average \
             rent increase YoY: {:.1}%\n- Vacancy rate: {:.1}%\n- Tenant payment history: {}\n- Tenant tenure: {} \
             months\nRecommend:\n{{\"recommended_rent\": 0.00, \"rent_change_pct\": 0.0, \"reasoning\": \"...\", \
             \"clause_updates\": [], \"retention_risk\": \"low|medium|high\", \"retention_strategy\": \"...\"}}",
            i.current_terms,
            if i.comp_rents.is_empty() { "none on record".to_string() } else { i.comp_rents.join(", ") },
            i.avg_increase_pct,
            i.vacancy_rate,
            payment_summary(i),
            i.tenure_months
        )
    }

    fn output_schema() -> Value {
        json!({"type": "object",
            "required": ["recommended_rent", "rent_change_pct", "reasoning", "retention_risk", "retention_strategy"],
            "properties": {
                "recommended_rent": {"type": "number"}, "rent_change_pct": {"type": "number"},
                "reasoning": {"type": "string"}, "clause_updates": {"type": "array"},
                "retention_risk": {"type": "string", "enum": ["low", "medium", "high"]},
                "retention_strategy": {"type": "string"}}})
    }

    fn check(i: &RenewalAnalysisInput, o: &RenewalAnalysisOutput) -> std::result::Result<(), String> {
        let current = i.current_rent;
        let (lo, hi) = bounds(current);
        if !(lo..=hi).contains(&o.recommended_rent.round_dp(2)) {
            return Err(format!(
                "recommended_rent must be between {lo:.2} and {hi:.2} (the current rent is {current:.2})."
            ));
        }
        if !["low", "medium", "high"].contains(&o.retention_risk.as_str()) {
            return Err("retention_risk is low, medium or high.".into());
        }
        Ok(())
    }

    fn offline(i: &RenewalAnalysisInput) -> Option<RenewalAnalysisOutput> {
        Some(offline(i))
    }
}

/// By rules: toward the market rent, at most [`MAX_INCREASE_PCT`]%, half of that for a tenant
/// likely to leave; never above the market; held when the rent is at or above it.
pub fn offline(i: &RenewalAnalysisInput) -> RenewalAnalysisOutput {
    let current = i.current_rent;
    let risk = if i.churn_score >= 0.7 {
        "high"
    } else if i.churn_score >= 0.4 {
        "medium"
    } else {
        "low"
    };
    let cap_pct = if risk == "high" {
        Decimal::from(MAX_INCREASE_PCT) / Decimal::from(2)
    } else {
        Decimal::from(MAX_INCREASE_PCT)
    };
    let market = i.market_rent;
    let rent = if market > current && current > Decimal::ZERO {
        (current + (market - current).min(current * cap_pct / Decimal::from(100))).round_dp(2)
    } else {
        current
    };
    let pct = if current > Decimal::ZERO {
        ((rent - current) / current * Decimal::from(100)).round_dp(1)
    } else {
        Decimal::ZERO
    };
    let market_words = if market > Decimal::ZERO {
        let gap = ((market - current) / current.max(Decimal::ONE) * Decimal::from(100)).round_dp(1);
        format!("The unit's market rent is {} ({gap}% from the current {}).", money(market), money(current))
    } else {
        format!("No market rent is on record for the unit; the rent stays {}.", money(current))
    };
    let reasoning = format!(
        "{market_words} {} ({} months' tenure); churn score {:.2} ({risk} retention risk). (offline: by rules, \
         needs_review)",
        payment_summary(i),
        i.tenure_months,
        i.churn_score
    );
    let strategy = match risk {
        "high" => "Call before sending: offer the renewal with the smaller increase, and ask what would keep them.",
        "medium" => {
            "Send the renewal early with a clear explanation of the change; offer a longer term at the same rent."
        }
        _ => "Send the standard renewal offer.",
    };
    RenewalAnalysisOutput {
        recommended_rent: rent,
        rent_change_pct: pct.to_f64().unwrap_or_default(),
        reasoning,
        clause_updates: Vec::new(),
        retention_risk: risk.into(),
        retention_strategy: strategy.into(),
    }
}

/// The analysis, with who answered.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct RenewalAdvice {
    #[serde(flatten)]
    pub analysis: RenewalAnalysisOutput,
    /// `claude` or `offline`.
    pub provider: String,
}

fn months_between(a: NaiveDate, b: NaiveDate) -> i32 {
    (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32
}

/// Reads the record of fully signed lease `id` and asks the gateway for the renewal analysis.
pub fn analyze<P>(port: &P, gateway: &Gateway, id: Uuid, now: DateTime<Utc>) -> Result<RenewalAdvice>
where
    P: LeaseGenerationPort + RenewalsPort + RecordsPort,
{
    let lease = port.generated_lease(id)?;
    in_scope(port, lease.property_id, "Generated lease", id)?;
    let record_id = lease.tenant_lease_id.ok_or_else(|| {
        StoreError::Rejected("A renewal is analysed for a signed lease with its lease record.".into())
    })?;
    let record = port.lease(record_id)?;
    let today = crate::time::today_at(port, lease.property_id, now)?;
    let vacancy = RenewalsPort::property_vacancy(port)?;
    let churn = crate::renewals::scan::load_churn_input(port, &record, &vacancy, today)?;
    let (score, _) = crate::renewals::compute_churn_score(&churn, today);
    let unit = port.unit(lease.unit_id)?;
    let units = port.units_of(lease.property_id)?;
    let comps: Vec<&crate::model::Unit> = units
        .iter()
        .filter(|u| {
            u.id != unit.id && u.bedrooms == unit.bedrooms && u.market_rent > Decimal::ZERO && u.archived_at.is_none()
        })
        .collect();
    let gaps: Vec<f64> = units
        .iter()
        .filter(|u| u.current_rent > Decimal::ZERO && u.market_rent > Decimal::ZERO)
        .filter_map(|u| ((u.market_rent - u.current_rent) / u.current_rent * Decimal::from(100)).to_f64())
        .collect();
    let avg = if gaps.is_empty() { 0.0 } else { gaps.iter().sum::<f64>() / gaps.len() as f64 };
    let (total, vacant) = vacancy.get(&lease.property_id).copied().unwrap_or((0, 0));
    let input = RenewalAnalysisInput {
        current_terms: serde_json::to_value(&lease.lease_terms).unwrap_or_default(),
        current_rent: record.monthly_rent_amount,
        market_rent: unit.market_rent,
        comp_rents: comps.iter().take(10).map(|u| money(u.market_rent)).collect(),
        avg_increase_pct: (avg * 10.0).round() / 10.0,
        vacancy_rate: if total == 0 { 0.0 } else { (f64::from(vacant) / f64::from(total) * 1000.0).round() / 10.0 },
        late_payments_12mo: churn.late_12mo,
        charges_12mo: churn.charges_12mo,
        tenure_months: months_between(record.lease_begin_date, today).max(0),
        churn_score: score,
    };
    let out = gateway
        .run::<RenewalAnalysis>(&input, port, now)
        .map_err(|e| StoreError::Rejected(format!("The renewal analysis could not be made: {e}")))?;
    Ok(RenewalAdvice { analysis: out.value, provider: out.provider.as_str().into() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn input(market: Decimal, churn: f64) -> RenewalAnalysisInput {
        RenewalAnalysisInput {
            current_terms: json!({}),
            current_rent: dec!(2000),
            market_rent: market,
            comp_rents: vec![],
            avg_increase_pct: 3.0,
            vacancy_rate: 4.0,
            late_payments_12mo: 0,
            charges_12mo: 12,
            tenure_months: 24,
            churn_score: churn,
        }
    }

    #[test]
    fn offline_moves_toward_the_market_at_most_five_percent_and_half_for_a_likely_leaver() {
        assert_eq!(offline(&input(dec!(2050), 0.1)).recommended_rent, dec!(2050));
        let capped = offline(&input(dec!(2400), 0.1));
        assert_eq!((capped.recommended_rent, capped.rent_change_pct), (dec!(2100), 5.0));
        let leaver = offline(&input(dec!(2400), 0.8));
        assert_eq!((leaver.recommended_rent, leaver.retention_risk.as_str()), (dec!(2050), "high"));
        let above = offline(&input(dec!(1900), 0.5));
        assert_eq!((above.recommended_rent, above.retention_risk.as_str()), (dec!(2000), "medium"));
        assert!(above.reasoning.contains("offline") && above.reasoning.contains("needs_review"));
        let unknown = offline(&input(Decimal::ZERO, 0.1));
        assert!(unknown.reasoning.contains("No market rent is on record"));
    }

    #[test]
    fn an_answer_outside_what_the_record_supports_is_refused() {
        let i = input(dec!(2400), 0.1);
        let mut o = offline(&i);
        assert!(RenewalAnalysis::check(&i, &o).is_ok());
        o.recommended_rent = dec!(2600);
        assert!(RenewalAnalysis::check(&i, &o).unwrap_err().contains("between 1900.00 and 2100.00"));
    }
}
