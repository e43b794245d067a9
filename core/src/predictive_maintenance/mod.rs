//! Predictive maintenance (spec 2.3): a risk score per unit from its work-order history, the
//! property's equipment and the season; what the next work order will likely be and cost; and
//! preventive work orders to suggest before things break.
//!
//! `compute_unit_risk_score` is the spec's function: five factors weighted 30/20/20/20/10,
//! levels at 25/50/75. Each factor is kept beside the score as the points it contributed, so the
//! five add up to the score.

pub mod workflow;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{Equipment, WorkOrder, WorkOrderStatus};

/// The factors' weights, as the spec writes them.
pub const WEIGHT_FREQUENCY: f64 = 30.0;
pub const WEIGHT_COST_TREND: f64 = 20.0;
pub const WEIGHT_EQUIPMENT_AGE: f64 = 20.0;
pub const WEIGHT_REPEAT: f64 = 20.0;
pub const WEIGHT_SEASONAL: f64 = 10.0;
/// 8+ work orders in 12 months is the frequency factor's maximum.
pub const MAX_WORK_ORDERS: f64 = 8.0;
/// The equipment factor when the property has no equipment on record.
pub const DEFAULT_EQUIPMENT_AGE: f64 = 0.3;

/// HVAC risk is higher in summer and winter: the spec's table by month.
pub const SEASONAL: [f64; 12] = [0.8, 0.7, 0.4, 0.3, 0.4, 0.7, 0.9, 0.9, 0.5, 0.3, 0.5, 0.7];

/// `unit_risk_score`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct UnitRiskScore {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub score_date: NaiveDate,
    /// 0–100.
    pub risk_score: f64,
    /// `low` (0–25), `medium` (26–50), `high` (51–75), `critical` (76–100).
    pub risk_level: String,
    /// Points from work-order frequency (of 30).
    pub wo_frequency_score: f64,
    /// Points from the cost trend (of 20).
    pub wo_cost_score: f64,
    /// Points from equipment age (of 20).
    pub equipment_age_score: f64,
    /// Points from repeat issues (of 20).
    pub repeat_issue_score: f64,
    /// Points from the season (of 10).
    pub seasonal_score: f64,
    pub predicted_next_wo_date: Option<NaiveDate>,
    pub predicted_next_wo_type: String,
    #[schema(value_type = String)]
    pub predicted_cost_30_days: Decimal,
    #[schema(value_type = String)]
    pub predicted_cost_90_days: Decimal,
    pub wo_count_12_months: i32,
    #[schema(value_type = String)]
    pub total_cost_12_months: Decimal,
    pub avg_days_between_wo: i32,
    pub created_at: DateTime<Utc>,
    /// The title words (longer than 4 letters) seen in 3+ work orders: the repeat factor's why.
    pub repeated_keywords: Vec<String>,
}

/// `preventive_wo_suggestion`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PreventiveWoSuggestion {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub risk_score_id: Uuid,
    pub title: String,
    pub description: String,
    /// `low`, `medium`, `high`, `urgent`.
    pub priority: String,
    pub category: String,
    #[schema(value_type = String)]
    pub estimated_cost: Decimal,
    pub reasoning: String,
    pub suggested_date: NaiveDate,
    /// `suggested`, `approved`, `work_order_created`, `dismissed`.
    pub status: String,
    pub work_order_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub property_id: Uuid,
}

/// The five factors, each 0–1 before weighting, as the spec computes them.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RiskFactors {
    pub wo_freq: f64,
    pub cost_trend: f64,
    pub equip_age: f64,
    pub repeat_score: f64,
    pub seasonal: f64,
    pub repeated_keywords: Vec<String>,
}

impl RiskFactors {
    /// The spec's weighted sum, capped at 100, rounded to one decimal.
    pub fn score(&self) -> f64 {
        round1(self.points().iter().sum::<f64>().min(100.0))
    }

    /// Each factor's points: frequency, cost trend, equipment age, repeat issues, season.
    pub fn points(&self) -> [f64; 5] {
        [
            self.wo_freq * WEIGHT_FREQUENCY,
            self.cost_trend * WEIGHT_COST_TREND,
            self.equip_age * WEIGHT_EQUIPMENT_AGE,
            self.repeat_score * WEIGHT_REPEAT,
            self.seasonal * WEIGHT_SEASONAL,
        ]
    }
}

fn round1(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The levels, lowest first.
pub const RISK_LEVELS: [&str; 4] = ["low", "medium", "high", "critical"];

/// A `risk_level` filter as given, or why it is not one of the levels.
pub fn check_risk_level(level: &str) -> Result<&str, String> {
    if RISK_LEVELS.contains(&level) {
        Ok(level)
    } else {
        Err(format!("risk_level: '{level}' is not low, medium, high or critical."))
    }
}

/// The level of a score: low up to 25, medium up to 50, high up to 75, critical above.
pub fn risk_level(score: f64) -> &'static str {
    if score <= 25.0 {
        "low"
    } else if score <= 50.0 {
        "medium"
    } else if score <= 75.0 {
        "high"
    } else {
        "critical"
    }
}

/// The seasonal factor of `today`'s month.
pub fn seasonal(today: NaiveDate) -> f64 {
    SEASONAL[today.month0() as usize]
}

/// A year before `today` (the window of "12 months").
pub fn year_ago(today: NaiveDate) -> NaiveDate {
    today - Duration::days(365)
}

/// Whether a work order counts in the history (cancelled ones were never done).
fn counts(w: &WorkOrder) -> bool {
    w.status != WorkOrderStatus::Cancelled
}

fn total_cost(orders: &[&WorkOrder], since: NaiveDate, today: NaiveDate) -> Decimal {
    orders.iter().filter(|w| w.requested_date >= since && w.requested_date <= today).map(|w| w.cost).sum()
}

/// Words of more than 4 letters found in 3 or more of the titles (lower-cased, split on spaces).
pub fn repeated_keywords(titles: &[String]) -> Vec<String> {
    let mut count: BTreeMap<String, u32> = BTreeMap::new();
    for t in titles {
        for w in t.to_lowercase().split_whitespace().filter(|w| w.chars().count() > 4) {
            *count.entry(w.to_string()).or_default() += 1;
        }
    }
    count.into_iter().filter(|(_, c)| *c >= 3).map(|(w, _)| w).collect()
}

/// Share of its expected lifespan a piece of equipment has used on `today` (0 = new), from its
/// install date (the stored `age_years` is only as current as its last edit).
pub fn lifespan_used(e: &Equipment, today: NaiveDate) -> f64 {
    if e.expected_lifespan_years <= 0.0 {
        return 0.0;
    }
    let age_years = (today - e.install_date).num_days().max(0) as f64 / 365.25;
    age_years / e.expected_lifespan_years
}

/// The spec's `compute_unit_risk_score`, factor by factor, for a unit's work orders (all of
/// them; the window is applied here) and its property's equipment, on `today`.
pub fn compute_risk_factors(orders: &[&WorkOrder], equipment: &[&Equipment], today: NaiveDate) -> RiskFactors {
    let since = year_ago(today);
    let recent: Vec<&WorkOrder> = orders
        .iter()
        .copied()
        .filter(|w| counts(w) && w.requested_date >= since && w.requested_date <= today)
        .collect();
    // Factor 1: frequency.
    let wo_freq = (recent.len() as f64 / MAX_WORK_ORDERS).min(1.0);
    // Factor 2: cost trend, the last 6 months against the 6 before.
    let valid: Vec<&WorkOrder> = orders.iter().copied().filter(|w| counts(w)).collect();
    let cost_6mo = total_cost(&valid, today - Duration::days(182), today);
    let cost_prev_6mo = total_cost(&valid, since, today) - cost_6mo;
    let cost_trend = if cost_prev_6mo > Decimal::ZERO {
        ((cost_6mo / cost_prev_6mo).to_f64().unwrap_or(0.0) - 1.0).min(1.0)
    } else {
        0.0
    }
    .max(0.0);
    // Factor 3: equipment age.
    let equip_age = if equipment.is_empty() {
        DEFAULT_EQUIPMENT_AGE
    } else {
        let avg_pct = equipment.iter().map(|e| lifespan_used(e, today) * 100.0).sum::<f64>() / equipment.len() as f64;
        (avg_pct / 100.0).min(1.0)
    };
    // Factor 4: repeat issues.
    let titles: Vec<String> = recent.iter().map(|w| w.title.clone()).collect();
    let repeated_keywords = repeated_keywords(&titles);
    let repeat_score = (repeated_keywords.len() as f64 / 3.0).min(1.0);
    RiskFactors { wo_freq, cost_trend, equip_age, repeat_score, seasonal: seasonal(today), repeated_keywords }
}

/// What the history says comes next: the likely next work order (its day and category) and the
/// cost to expect over 30 and 90 days.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Prediction {
    pub next_date: Option<NaiveDate>,
    pub next_type: String,
    pub cost_30: Decimal,
    pub cost_90: Decimal,
    pub count_12: i32,
    pub cost_12: Decimal,
    pub avg_days_between: i32,
}

/// The next work order is expected one average interval after the last (not before `today`),
/// of the category seen most in 12 months (the latest on a tie; the property's most worn
/// equipment's type when there is no history). Costs run at the last 12 months' daily rate,
/// raised by the cost trend.
pub fn predict(orders: &[&WorkOrder], equipment: &[&Equipment], factors: &RiskFactors, today: NaiveDate) -> Prediction {
    let since = year_ago(today);
    let mut recent: Vec<&WorkOrder> = orders
        .iter()
        .copied()
        .filter(|w| counts(w) && w.requested_date >= since && w.requested_date <= today)
        .collect();
    recent.sort_by_key(|w| w.requested_date);
    let cost_12: Decimal = recent.iter().map(|w| w.cost).sum();
    let avg_days_between = if recent.len() >= 2 {
        let span = (recent[recent.len() - 1].requested_date - recent[0].requested_date).num_days();
        (span as f64 / (recent.len() - 1) as f64).round() as i32
    } else {
        0
    };
    let next_date = match recent.last() {
        Some(last) if avg_days_between > 0 => {
            Some((last.requested_date + Duration::days(avg_days_between.into())).max(today))
        }
        _ => None,
    };
    let mut by_category: HashMap<&str, (u32, NaiveDate)> = HashMap::new();
    for w in &recent {
        let e = by_category.entry(w.category.as_str()).or_insert((0, w.requested_date));
        e.0 += 1;
        e.1 = e.1.max(w.requested_date);
    }
    let next_type = by_category
        .into_iter()
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
        .map(|(c, _)| c.to_string())
        .or_else(|| {
            equipment
                .iter()
                .max_by(|a, b| lifespan_used(a, today).total_cmp(&lifespan_used(b, today)))
                .map(|e| e.equipment_type.clone())
        })
        .unwrap_or_default();
    let daily = cost_12 / Decimal::from(365);
    let trend = Decimal::from_f64(1.0 + factors.cost_trend).unwrap_or(Decimal::ONE);
    Prediction {
        next_date,
        next_type,
        cost_30: (daily * Decimal::from(30) * trend).round_dp(2),
        cost_90: (daily * Decimal::from(90) * trend).round_dp(2),
        count_12: recent.len() as i32,
        cost_12,
        avg_days_between,
    }
}

/// The score row's id: one per unit per scoring day, so a second run that day rewrites it.
pub fn score_id(unit_id: Uuid, score_date: NaiveDate) -> Uuid {
    Uuid::new_v5(&unit_id, format!("unit_risk_score:{score_date}").as_bytes())
}

/// The unit's risk score row for `today`.
pub fn risk_score_row(
    unit_id: Uuid,
    property_id: Uuid,
    factors: &RiskFactors,
    prediction: &Prediction,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> UnitRiskScore {
    let [f, c, e, r, s] = factors.points().map(round2);
    let score = factors.score();
    UnitRiskScore {
        id: score_id(unit_id, today),
        unit_id,
        property_id,
        score_date: today,
        risk_score: score,
        risk_level: risk_level(score).into(),
        wo_frequency_score: f,
        wo_cost_score: c,
        equipment_age_score: e,
        repeat_issue_score: r,
        seasonal_score: s,
        predicted_next_wo_date: prediction.next_date,
        predicted_next_wo_type: prediction.next_type.clone(),
        predicted_cost_30_days: prediction.cost_30,
        predicted_cost_90_days: prediction.cost_90,
        wo_count_12_months: prediction.count_12,
        total_cost_12_months: prediction.cost_12,
        avg_days_between_wo: prediction.avg_days_between,
        created_at: now,
        repeated_keywords: factors.repeated_keywords.clone(),
    }
}

/// The work category an equipment type is serviced under.
pub fn equipment_category(equipment_type: &str) -> &'static str {
    let t = equipment_type.to_lowercase();
    if t.contains("hvac") || t.contains("furnace") || t.contains("boiler") || t.contains("air") {
        "hvac"
    } else if t.contains("water") || t.contains("plumb") || t.contains("pipe") {
        "plumbing"
    } else if t.contains("elec") || t.contains("panel") {
        "electrical"
    } else if t.contains("roof") {
        "roofing"
    } else if ["washer", "dryer", "dishwasher", "refrigerator", "oven", "microwave", "disposal"]
        .iter()
        .any(|a| t.contains(a))
    {
        "appliance"
    } else {
        "general"
    }
}

/// What a preventive job of a category usually costs when the portfolio has no history for it.
pub fn default_preventive_cost(category: &str) -> Decimal {
    Decimal::from(match category {
        "hvac" => 225,
        "plumbing" => 180,
        "electrical" => 160,
        "appliance" => 150,
        "roofing" => 400,
        _ => 120,
    })
}

/// A suggestion's id: one per unit and title per scoring day.
pub fn suggestion_id(unit_id: Uuid, title: &str, score_date: NaiveDate) -> Uuid {
    Uuid::new_v5(&unit_id, format!("preventive_wo_suggestion:{title}:{score_date}").as_bytes())
}

/// Preventive work orders for a unit at high or critical risk, each from a figure on record:
/// equipment at 80 %+ of its lifespan, a recurring problem, or the season's HVAC service when
/// HVAC has failed in the year. `cost_of` gives a category's typical cost (the portfolio's
/// median, else [`default_preventive_cost`]).
pub fn suggest(
    score: &UnitRiskScore,
    orders: &[&WorkOrder],
    equipment: &[&Equipment],
    cost_of: &dyn Fn(&str) -> Decimal,
    now: DateTime<Utc>,
) -> Vec<PreventiveWoSuggestion> {
    if !matches!(score.risk_level.as_str(), "high" | "critical") {
        return Vec::new();
    }
    let today = score.score_date;
    let (priority, lead) = if score.risk_level == "critical" { ("urgent", 7) } else { ("high", 14) };
    let mut out: Vec<PreventiveWoSuggestion> = Vec::new();
    let mut push = |title: String, category: &str, description: String, reasoning: String| {
        if out.iter().any(|s| s.title == title) {
            return;
        }
        out.push(PreventiveWoSuggestion {
            id: suggestion_id(score.unit_id, &title, today),
            unit_id: score.unit_id,
            risk_score_id: score.id,
            title,
            description,
            priority: priority.into(),
            category: category.into(),
            estimated_cost: cost_of(category),
            reasoning,
            suggested_date: today + Duration::days(lead),
            status: "suggested".into(),
            work_order_id: None,
            created_at: now,
            property_id: score.property_id,
        });
    };
    let mut worn: Vec<&&Equipment> = equipment.iter().filter(|e| lifespan_used(e, today) >= 0.8).collect();
    worn.sort_by(|a, b| lifespan_used(b, today).total_cmp(&lifespan_used(a, today)));
    for e in worn.into_iter().take(2) {
        let used = lifespan_used(e, today);
        let age = (today - e.install_date).num_days() as f64 / 365.25;
        push(
            format!("Preventive service: {}", e.name),
            equipment_category(&e.equipment_type),
            format!(
                "Inspect and service the {} ({} {}), installed {}; replace if it fails inspection.",
                e.name, e.manufacturer, e.model_number, e.install_date
            ),
            format!(
                "{:.1} of {:.0} expected years used ({:.0}% of its lifespan); unit risk {} ({}).",
                age,
                e.expected_lifespan_years,
                used * 100.0,
                score.risk_score,
                score.risk_level
            ),
        );
    }
    let since = year_ago(today);
    let recent: Vec<&&WorkOrder> = orders.iter().filter(|w| counts(w) && w.requested_date >= since).collect();
    for word in &score.repeated_keywords {
        let hits: Vec<&&&WorkOrder> =
            recent.iter().filter(|w| w.title.to_lowercase().contains(word.as_str())).collect();
        let Some(first) = hits.first() else { continue };
        let category = first.category.clone();
        push(
            format!("Root-cause inspection: recurring \"{word}\" ({category})"),
            &category,
            format!(
                "Find and fix the cause of the recurring {category} problem (\"{word}\" in {} work orders this year) \
                 rather than another repair.",
                hits.len()
            ),
            format!(
                "\"{word}\" appears in {} work orders in 12 months; {} work orders cost {} in total.",
                hits.len(),
                score.wo_count_12_months,
                crate::format::money(score.total_cost_12_months)
            ),
        );
    }
    let hvac_failures = recent.iter().filter(|w| w.category == "hvac").count();
    if seasonal(today) >= 0.7 && hvac_failures > 0 {
        push(
            "Seasonal HVAC service".into(),
            "hvac",
            "Service the unit's heating and cooling before the season's peak: filters, coils, thermostat, drain line."
                .into(),
            format!(
                "{hvac_failures} HVAC work order(s) in 12 months and the season's HVAC risk is {:.0}%.",
                seasonal(today) * 100.0
            ),
        );
    }
    out
}

/// One cell of the heatmap: a unit with its latest score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct HeatmapUnit {
    pub unit_id: Uuid,
    pub unit_number: String,
    pub risk_score: Option<f64>,
    pub risk_level: Option<String>,
    pub predicted_next_wo_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct HeatmapFloor {
    pub floor: i32,
    pub units: Vec<HeatmapUnit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct HeatmapBuilding {
    /// Null for units outside any building.
    pub building_id: Option<Uuid>,
    pub building_name: String,
    pub floors: Vec<HeatmapFloor>,
}

/// A property's heatmap: building → floor → unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct HeatmapProperty {
    pub property_id: Uuid,
    pub property_name: String,
    pub avg_risk_score: f64,
    /// Units per level: low, medium, high, critical (and `unscored`).
    pub by_level: BTreeMap<String, u32>,
    pub buildings: Vec<HeatmapBuilding>,
}
