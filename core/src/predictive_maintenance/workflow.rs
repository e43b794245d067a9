//! The weekly risk scoring (`predictive_maintenance.compute_all_risk_scores`, Monday 05:00) and
//! the reads of the risk screens, written once over [`MaintenancePort`]. A second run on the
//! same day rewrites the same rows (ids derived from unit and day); a suggestion already
//! pending for a unit is not suggested again.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{HeatmapBuilding, HeatmapFloor, HeatmapProperty, HeatmapUnit, PreventiveWoSuggestion, UnitRiskScore};
use crate::jobs::{Job, JobReport};
use crate::model::{Equipment, WorkOrder};
use crate::store::Result;
use crate::time::Days;
use crate::vendor_intelligence as vi;
use crate::work_orders::port::{MaintenancePort, MaintenanceWrites};

/// What one scoring run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RiskReport {
    pub units: u32,
    pub low: u32,
    pub medium: u32,
    pub high: u32,
    pub critical: u32,
    pub suggestions: u32,
}

impl RiskReport {
    pub fn summary(&self) -> String {
        format!(
            "Scored {} units: {} low, {} medium, {} high, {} critical; {} preventive work orders suggested.",
            self.units, self.low, self.medium, self.high, self.critical, self.suggestions
        )
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::RiskScoring.name(),
            run_date: today,
            summary: self.summary(),
            counts: serde_json::to_value(self).unwrap_or_default(),
            skipped: false,
        }
    }
}

/// Scores every unit in scope (of `property`, or all) on its property's date.
pub fn compute_all<P: MaintenancePort + ?Sized>(
    port: &mut P,
    property: Option<Uuid>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<RiskReport> {
    if let Some(p) = property {
        crate::port::in_scope(port, p, "Property", p)?;
    }
    let days = Days::of_port(port, today, now)?;
    let units = port.maintenance_units()?;
    let orders = port.work_orders_since(crate::predictive_maintenance::year_ago(today) - chrono::Duration::days(2))?;
    let equipment = port.equipment_list()?;
    let mut by_unit: HashMap<Uuid, Vec<&WorkOrder>> = HashMap::new();
    for w in &orders {
        by_unit.entry(w.unit_id).or_default().push(w);
    }
    let mut by_property: HashMap<Uuid, Vec<&Equipment>> = HashMap::new();
    for e in &equipment {
        by_property.entry(e.property_ref_id).or_default().push(e);
    }
    let medians = median_costs(port, &orders, now)?;
    let cost_of = |c: &str| medians.get(c).copied().unwrap_or_else(|| super::default_preventive_cost(c));
    let pending: std::collections::HashSet<(Uuid, String)> = port
        .suggestions()?
        .into_iter()
        .filter(|s| s.status == "suggested" || s.status == "approved")
        .map(|s| (s.unit_id, s.title))
        .collect();
    let mut report = RiskReport::default();
    let mut w = MaintenanceWrites::default();
    for u in units.iter().filter(|u| property.is_none_or(|p| u.property_id == p)) {
        let day = days.of(u.property_id);
        let mine = by_unit.get(&u.id).map_or(&[][..], |v| &v[..]);
        let equip = by_property.get(&u.property_id).map_or(&[][..], |v| &v[..]);
        let factors = super::compute_risk_factors(mine, equip, day);
        let prediction = super::predict(mine, equip, &factors, day);
        let score = super::risk_score_row(u.id, u.property_id, &factors, &prediction, day, now);
        report.units += 1;
        match score.risk_level.as_str() {
            "low" => report.low += 1,
            "medium" => report.medium += 1,
            "high" => report.high += 1,
            _ => report.critical += 1,
        }
        // The unit's own equipment first, then the property's shared equipment.
        let unit_equip: Vec<&Equipment> =
            equip.iter().copied().filter(|e| e.unit_id.is_none_or(|x| x == u.id)).collect();
        for s in super::suggest(&score, mine, &unit_equip, &cost_of, now) {
            if !pending.contains(&(s.unit_id, s.title.clone())) {
                report.suggestions += 1;
                w.suggestions.push(s);
            }
        }
        w.risk_scores.push(score);
    }
    port.write_maintenance(&w, now)?;
    Ok(report)
}

/// The portfolio's median invoiced cost per category (the preventive estimates' basis).
fn median_costs<P: MaintenancePort + ?Sized>(
    port: &P,
    orders: &[WorkOrder],
    now: DateTime<Utc>,
) -> Result<HashMap<String, Decimal>> {
    let stored = port.benchmarks()?;
    if !stored.is_empty() {
        return Ok(stored.into_iter().map(|b| (b.work_category, b.median_cost_usd)).collect());
    }
    let by_id: HashMap<Uuid, &WorkOrder> = orders.iter().map(|w| (w.id, w)).collect();
    let since =
        orders.iter().map(|w| w.requested_date).min().unwrap_or_else(crate::vendor_intelligence::workflow::earliest);
    let invoices = port.invoices_since(since)?;
    Ok(vi::price_benchmarks(&invoices, &by_id, now).into_iter().map(|b| (b.work_category, b.median_cost_usd)).collect())
}

/// The weekly job.
pub fn weekly<P: MaintenancePort + ?Sized>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<RiskReport> {
    compute_all(port, None, today, now)
}

/// Latest score per unit, filtered by property and level, highest risk first.
pub fn risk_scores<P: MaintenancePort + ?Sized>(
    port: &P,
    property: Option<Uuid>,
    unit: Option<Uuid>,
    level: Option<&str>,
) -> Result<Vec<UnitRiskScore>> {
    let mut out: Vec<UnitRiskScore> = port
        .latest_risk_scores()?
        .into_iter()
        .filter(|s| property.is_none_or(|p| s.property_id == p))
        .filter(|s| unit.is_none_or(|u| s.unit_id == u))
        .filter(|s| level.is_none_or(|l| s.risk_level == l))
        .collect();
    out.sort_by(|a, b| b.risk_score.total_cmp(&a.risk_score).then(a.unit_id.cmp(&b.unit_id)));
    Ok(out)
}

/// Suggestions waiting for a decision (or of `status`), soonest first.
pub fn suggestions<P: MaintenancePort + ?Sized>(
    port: &P,
    status: Option<&str>,
    unit: Option<Uuid>,
) -> Result<Vec<PreventiveWoSuggestion>> {
    let status = status.unwrap_or("suggested");
    let mut out: Vec<PreventiveWoSuggestion> = port
        .suggestions()?
        .into_iter()
        .filter(|s| status == "all" || s.status == status)
        .filter(|s| unit.is_none_or(|u| s.unit_id == u))
        .collect();
    out.sort_by(|a, b| a.suggested_date.cmp(&b.suggested_date).then(a.title.cmp(&b.title)));
    Ok(out)
}

/// A property's units by (building name, building) and floor.
type Buildings = BTreeMap<(String, Option<Uuid>), BTreeMap<i32, Vec<HeatmapUnit>>>;

/// The heatmap: for each property in scope (or `property`), building → floor → unit, with
/// each unit's latest score.
pub fn heatmap<P: MaintenancePort + ?Sized>(port: &P, property: Option<Uuid>) -> Result<Vec<HeatmapProperty>> {
    let scores: HashMap<Uuid, UnitRiskScore> = port.latest_risk_scores()?.into_iter().map(|s| (s.unit_id, s)).collect();
    let buildings: HashMap<Uuid, String> = port.maintenance_buildings()?.into_iter().map(|b| (b.id, b.name)).collect();
    let mut tree: BTreeMap<Uuid, Buildings> = BTreeMap::new();
    for u in port.maintenance_units()?.into_iter().filter(|u| property.is_none_or(|p| u.property_id == p)) {
        let s = scores.get(&u.id);
        let name = u.building_id.and_then(|b| buildings.get(&b).cloned()).unwrap_or_else(|| "(no building)".into());
        tree.entry(u.property_id)
            .or_default()
            .entry((name, u.building_id))
            .or_default()
            .entry(u.floor)
            .or_default()
            .push(HeatmapUnit {
                unit_id: u.id,
                unit_number: u.unit_number,
                risk_score: s.map(|s| s.risk_score),
                risk_level: s.map(|s| s.risk_level.clone()),
                predicted_next_wo_type: s.map(|s| s.predicted_next_wo_type.clone()).unwrap_or_default(),
            });
    }
    let mut out = Vec::new();
    for (property_id, bs) in tree {
        let mut by_level: BTreeMap<String, u32> =
            super::RISK_LEVELS.iter().chain(&["unscored"]).map(|l| (l.to_string(), 0)).collect();
        let (mut sum, mut n) = (0.0, 0u32);
        let buildings = bs
            .into_iter()
            .map(|((building_name, building_id), floors)| HeatmapBuilding {
                building_id,
                building_name,
                floors: floors
                    .into_iter()
                    .map(|(floor, mut units)| {
                        units.sort_by(|a, b| a.unit_number.cmp(&b.unit_number));
                        for u in &units {
                            *by_level.entry(u.risk_level.clone().unwrap_or_else(|| "unscored".into())).or_default() +=
                                1;
                            if let Some(s) = u.risk_score {
                                sum += s;
                                n += 1;
                            }
                        }
                        HeatmapFloor { floor, units }
                    })
                    .collect(),
            })
            .collect();
        out.push(HeatmapProperty {
            property_id,
            property_name: port.property(property_id)?.name,
            avg_risk_score: if n == 0 { 0.0 } else { (sum / n as f64 * 10.0).round() / 10.0 },
            by_level,
            buildings,
        });
    }
    Ok(out)
}
