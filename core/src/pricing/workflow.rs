//! The daily pricing engine (spec 2.2, `pricing.daily_pricing_engine`, 04:00 UTC), written once
//! over [`PricingPort`]: every unit priced on its property's date; a snapshot is written when the
//! unit's figures differ from its latest one, so a second run on a day writes nothing.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::port::{PricingPort, PricingWrites};
use super::{Basis, PricingSnapshot, RevenueOpportunity};
use crate::jobs::{Job, JobReport};
use crate::model::{Unit, UnitStatus};
use crate::store::Result;
use crate::time::Days;

/// What one engine run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct EngineReport {
    pub units: u32,
    pub written: u32,
    pub unchanged: u32,
    /// Units with nothing to estimate from (no comps, no stored or current rent).
    pub no_estimate: u32,
    pub market_rents_updated: u32,
}

impl EngineReport {
    pub fn summary(&self) -> String {
        format!(
            "Priced {} units: {} snapshots written, {} unchanged, {} without data; {} market rents updated.",
            self.units, self.written, self.unchanged, self.no_estimate, self.market_rents_updated
        )
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::PricingEngine.name(),
            run_date: today,
            summary: self.summary(),
            counts: serde_json::json!({
                "units": self.units, "written": self.written, "unchanged": self.unchanged,
                "no_estimate": self.no_estimate, "market_rents_updated": self.market_rents_updated
            }),
            skipped: self.written == 0 && self.market_rents_updated == 0,
        }
    }
}

/// The same figures as `a`, whatever the day. A unit's history is kept as the days its figures
/// changed (a snapshot per unit per day at most), so 100,000 unchanged units write nothing.
fn same(a: &PricingSnapshot, b: &PricingSnapshot) -> bool {
    a == &PricingSnapshot { id: a.id, snapshot_date: a.snapshot_date, created_at: a.created_at, ..b.clone() }
}

/// Prices every unit (of `property`, or all) on its property's date.
pub fn run_engine<P: PricingPort>(
    port: &mut P,
    property: Option<Uuid>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<EngineReport> {
    if let Some(p) = property {
        crate::port::in_scope(port, p, "Property", p)?;
    }
    let days = Days::of_port(port, today, now)?;
    let units = port.pricing_units()?;
    let vacant_since = port.vacant_since()?;
    let demand = super::demand_by_property(&units);
    let mut external: HashMap<Uuid, Vec<super::ExternalComp>> = HashMap::new();
    for c in port.external_comps()? {
        external.entry(c.property_id).or_default().push(c);
    }
    let latest: HashMap<Uuid, PricingSnapshot> = port.latest_snapshots()?.into_iter().map(|s| (s.unit_id, s)).collect();
    // Comps are within a property and a bed/bath count: group once, not 100,000 × 100,000.
    let mut groups: HashMap<(Uuid, i32, String), Vec<Unit>> = HashMap::new();
    for u in &units {
        groups.entry((u.property_id, u.bedrooms, u.bathrooms.normalize().to_string())).or_default().push(u.clone());
    }
    let mut report = EngineReport::default();
    let mut writes = PricingWrites::default();
    for u in units.iter().filter(|u| property.is_none_or(|p| u.property_id == p)) {
        report.units += 1;
        let day = days.of(u.property_id);
        let days_vacant = match (u.status, vacant_since.get(&u.id)) {
            (UnitStatus::Vacant, Some(since)) => (day - *since).num_days().max(0),
            _ => 0,
        };
        let group = groups.get(&(u.property_id, u.bedrooms, u.bathrooms.normalize().to_string()));
        let comps = super::comps::current(external.get(&u.property_id).map_or(&[][..], |c| &c[..]), day);
        let estimate = super::compute_market_rent(u, group.map_or(&[][..], |g| &g[..]), &comps, days_vacant, day);
        let d = demand.get(&u.property_id).copied().unwrap_or(0.0);
        let Some((snapshot, comps)) = super::snapshot(u, &estimate, d, day, now) else {
            report.no_estimate += 1;
            continue;
        };
        // Only an estimate from comps becomes the unit's market rent: the stored figure is the
        // fallback's own input, and feeding it back would compound the season daily.
        if matches!(snapshot.basis, Basis::Internal | Basis::External) && u.market_rent != snapshot.market_rent {
            writes.market_rents.push((u.id, snapshot.market_rent));
            report.market_rents_updated += 1;
        }
        if latest.get(&u.id).is_some_and(|old| same(old, &snapshot)) {
            report.unchanged += 1;
            continue;
        }
        report.written += 1;
        writes.snapshots.push(snapshot);
        writes.comps.extend(comps);
    }
    if !writes.snapshots.is_empty() || !writes.market_rents.is_empty() {
        port.write_pricing(&writes, now)?;
    }
    Ok(report)
}

/// The 04:00 job: every unit of every property.
pub fn daily<P: PricingPort>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<EngineReport> {
    run_engine(port, None, today, now)
}

/// The revenue opportunity over the latest snapshots (of `property`, or all).
pub fn opportunity<P: PricingPort + ?Sized>(port: &P, property: Option<Uuid>) -> Result<RevenueOpportunity> {
    let snapshots: Vec<PricingSnapshot> =
        port.latest_snapshots()?.into_iter().filter(|s| property.is_none_or(|p| s.property_id == p)).collect();
    let mut names = HashMap::new();
    for s in &snapshots {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(s.property_id) {
            e.insert(port.property(s.property_id)?.name);
        }
    }
    Ok(super::revenue_opportunity(&snapshots, &names))
}

/// What an import of comps did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CompsImport {
    pub rows: u32,
    pub added: u32,
}

/// Imports a comps CSV for `property_id`: every row or none (the bad rows named in the refusal).
pub fn import_comps<P: PricingPort>(
    port: &mut P,
    property_id: Uuid,
    csv: &str,
    now: DateTime<Utc>,
) -> Result<CompsImport> {
    crate::port::in_scope(port, property_id, "Property", property_id)?;
    let comps = super::comps::parse_comps(csv, property_id, now)
        .map_err(|bad| crate::store::StoreError::Rejected(format!("Nothing imported: {}.", bad.join("; "))))?;
    let added = port.add_external_comps(&comps)?;
    Ok(CompsImport { rows: comps.len() as u32, added: added as u32 })
}

/// A unit's last 90 days of snapshots, oldest first.
pub fn history<P: PricingPort + ?Sized>(port: &P, unit_id: Uuid, today: NaiveDate) -> Result<Vec<PricingSnapshot>> {
    let unit = port.unit(unit_id)?;
    crate::port::in_scope(port, unit.property_id, "Unit", unit_id)?;
    port.snapshot_history(unit_id, today - Duration::days(89))
}
