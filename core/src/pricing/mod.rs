//! Dynamic pricing and revenue intelligence (spec 2.2): `compute_market_rent` as the spec writes
//! it, its fallbacks, the strategy and confidence, the gap, and the revenue-opportunity figures.
//!
//! Comps come only from the portfolio's own units and from comps the manager imports from public
//! listings or their own data — never from other landlords' private rent rolls.
//!
//! 1. Internal comps: same property, same bedrooms and bathrooms, occupied, within ±100 sq ft
//!    (a unit of unknown size takes every size, as the spec's `(unit.square_feet or 0) - 100`
//!    and `or 9999` bounds do), the unit itself excluded. At least [`MIN_COMPS`]: their average
//!    rent, scaled by the unit's size over their average size.
//! 2. Too few: external comps (same bedrooms and bathrooms, ±100 sq ft when both sizes are known),
//!    then the unit's stored market rent, then its current rent — each with a lower confidence
//!    and the reason said. Nothing at all: no figure (never invented).
//! 3. The month's seasonal factor ([`SEASONAL`]), then the vacancy discount: 0.5 % per week
//!    vacant beyond 14 days (fractional weeks, as the spec divides), at most 5 %. Rounded to cents.

pub mod comps;
pub mod port;
pub mod report;
#[cfg(test)]
mod tests;
pub mod workflow;

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{string_enum, Unit, UnitStatus};

/// Internal comps needed before their average is used.
pub const MIN_COMPS: usize = 3;
/// At most this many comps (the most similar) are stored with a snapshot.
pub const STORED_COMPS: usize = 10;
/// Comps match within this many square feet.
pub const SQFT_BAND: i32 = 100;
/// The spec's seasonal table, month → factor.
pub const SEASONAL: [(u32, &str); 12] = [
    (1, "0.97"),
    (2, "0.97"),
    (3, "0.99"),
    (4, "1.01"),
    (5, "1.03"),
    (6, "1.05"),
    (7, "1.05"),
    (8, "1.04"),
    (9, "1.02"),
    (10, "1.00"),
    (11, "0.98"),
    (12, "0.96"),
];
/// A unit is at market within this share of the market rent (±2 %).
pub const AT_MARKET_PCT: f64 = 2.0;

string_enum! {
    /// `pricing_snapshot.pricing_strategy`.
    Strategy {
        Aggressive => "aggressive", "Aggressive";
        Market => "market", "Market";
        Conservative => "conservative", "Conservative";
        LeaseUp => "lease_up", "Lease-up";
        Premium => "premium", "Premium";
    }
}

string_enum! {
    /// Where the market rent came from.
    Basis {
        Internal => "internal", "Internal comps";
        External => "external", "External comps";
        Stored => "stored", "Stored market rent";
        CurrentRent => "current_rent", "Current rent";
        None => "none", "No data";
    }
}

/// A comp from outside the portfolio's units (`pricing_external_comp`): a public listing or the
/// manager's own data, imported from a CSV.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ExternalComp {
    pub id: Uuid,
    pub property_id: Uuid,
    pub source: String,
    pub address: String,
    pub bedrooms: i32,
    #[schema(value_type = String)]
    pub bathrooms: Decimal,
    pub square_feet: Option<i32>,
    #[schema(value_type = String)]
    pub rent: Decimal,
    pub observed_on: NaiveDate,
    pub created_at: DateTime<Utc>,
}

/// One comp the estimate used (`pricing_market_comp` without its snapshot).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CompUsed {
    pub source: String,
    pub address: String,
    pub bedrooms: i32,
    #[schema(value_type = String)]
    pub bathrooms: Decimal,
    pub square_feet: Option<i32>,
    #[schema(value_type = String)]
    pub rent: Decimal,
    pub distance_miles: Option<f64>,
    pub similarity_score: f64,
}

/// The estimate and every factor it is made of.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct MarketRent {
    /// None when there is nothing to estimate from.
    #[schema(value_type = Option<String>)]
    pub market_rent: Option<Decimal>,
    /// Before the seasonal factor and the vacancy discount.
    #[schema(value_type = Option<String>)]
    pub base_rent: Option<Decimal>,
    #[schema(value_type = String)]
    pub basis: Basis,
    /// The unit's size over the comps' average size (1 when not applied).
    pub size_adjustment: f64,
    pub seasonal_factor: f64,
    /// The vacancy discount as a share (0–0.05).
    pub vacancy_discount: f64,
    pub days_vacant: i64,
    pub comps: Vec<CompUsed>,
    pub confidence: f64,
    /// Why the estimate is what it is, in words.
    pub reason: String,
}

/// The spec's seasonal factor for `month` (1–12).
pub fn seasonal_factor(month: u32) -> Decimal {
    let text = SEASONAL.iter().find(|(m, _)| *m == month).map_or("1.0", |(_, f)| f);
    text.parse().unwrap_or(Decimal::ONE)
}

/// The vacancy discount as a share: 0.5 % per week beyond 14 days vacant, at most 5 %.
pub fn vacancy_discount(days_vacant: i64) -> Decimal {
    if days_vacant <= 14 {
        return Decimal::ZERO;
    }
    let weeks_over = Decimal::from(days_vacant - 14) / Decimal::from(7);
    (weeks_over * Decimal::new(5, 3)).min(Decimal::new(5, 2))
}

fn in_band(unit_sqft: i32, other: i32) -> bool {
    let (lo, hi) =
        if unit_sqft > 0 { (unit_sqft - SQFT_BAND, unit_sqft + SQFT_BAND) } else { (-SQFT_BAND, 9999 + SQFT_BAND) };
    other > 0 && other >= lo && other <= hi
}

/// The internal comps of `unit` among `units` (see the module documentation).
pub fn internal_comps<'a>(unit: &Unit, units: &'a [Unit]) -> Vec<&'a Unit> {
    units
        .iter()
        .filter(|u| {
            u.id != unit.id
                && u.property_id == unit.property_id
                && u.bedrooms == unit.bedrooms
                && u.bathrooms == unit.bathrooms
                && u.status == UnitStatus::Occupied
                && in_band(unit.square_feet, u.square_feet)
        })
        .collect()
}

fn similarity(unit: &Unit, sqft: Option<i32>) -> f64 {
    match sqft.filter(|s| *s > 0) {
        Some(s) if unit.square_feet > 0 => 1.0 - f64::from((s - unit.square_feet).abs()) / f64::from(SQFT_BAND * 2),
        _ => 0.5,
    }
}

/// `compute_market_rent` for `unit` on `today`, `days_vacant` days vacant.
pub fn compute_market_rent(
    unit: &Unit,
    units: &[Unit],
    external: &[ExternalComp],
    days_vacant: i64,
    today: NaiveDate,
) -> MarketRent {
    let internal = internal_comps(unit, units);
    let money = crate::format::money;
    let (base, basis, size_adjustment, comps, confidence, reason) = if internal.len() >= MIN_COMPS {
        let n = Decimal::from(internal.len() as i64);
        let avg_rent = internal.iter().map(|u| u.current_rent).sum::<Decimal>() / n;
        let avg_sqft = internal.iter().map(|u| f64::from(u.square_feet)).sum::<f64>() / internal.len() as f64;
        let size_adj =
            if unit.square_feet > 0 && avg_sqft > 0.0 { f64::from(unit.square_feet) / avg_sqft } else { 1.0 };
        // As the spec: Decimal(str(size_adj)), the float's shortest decimal form.
        let factor: Decimal = size_adj.to_string().parse().unwrap_or(Decimal::ONE);
        let used = internal
            .iter()
            .map(|u| CompUsed {
                source: "internal".into(),
                address: format!("Unit {}", u.unit_number),
                bedrooms: u.bedrooms,
                bathrooms: u.bathrooms,
                square_feet: Some(u.square_feet),
                rent: u.current_rent,
                distance_miles: Some(0.0),
                similarity_score: places(similarity(unit, Some(u.square_feet)), 4),
            })
            .collect();
        let confidence = (0.6 + 0.05 * internal.len() as f64).min(0.95);
        let reason = format!(
            "{} occupied {}-bed/{}-bath units at this property within ±{SQFT_BAND} sq ft average {}{}.",
            internal.len(),
            unit.bedrooms,
            unit.bathrooms.normalize(),
            money(avg_rent.round_dp(2)),
            if size_adj != 1.0 { format!(", scaled ×{size_adj:.3} for size") } else { String::new() }
        );
        (Some(avg_rent * factor), Basis::Internal, size_adj, used, confidence, reason)
    } else {
        let few = format!("Only {} internal comp(s) (at least {MIN_COMPS} needed)", internal.len());
        let ext: Vec<&ExternalComp> = external
            .iter()
            .filter(|c| {
                c.bedrooms == unit.bedrooms
                    && c.bathrooms == unit.bathrooms
                    && c.square_feet.is_none_or(|s| unit.square_feet <= 0 || in_band(unit.square_feet, s))
            })
            .collect();
        if ext.len() >= MIN_COMPS {
            let avg = ext.iter().map(|c| c.rent).sum::<Decimal>() / Decimal::from(ext.len() as i64);
            let used = ext
                .iter()
                .map(|c| CompUsed {
                    source: c.source.clone(),
                    address: c.address.clone(),
                    bedrooms: c.bedrooms,
                    bathrooms: c.bathrooms,
                    square_feet: c.square_feet,
                    rent: c.rent,
                    distance_miles: None,
                    similarity_score: places(similarity(unit, c.square_feet), 4),
                })
                .collect();
            let reason = format!("{few}: {} external comps average {}.", ext.len(), money(avg.round_dp(2)));
            (Some(avg), Basis::External, 1.0, used, 0.5, reason)
        } else if unit.market_rent > Decimal::ZERO {
            let reason = format!("{few} and {} external: the unit's stored market rent.", ext.len());
            (Some(unit.market_rent), Basis::Stored, 1.0, Vec::new(), 0.3, reason)
        } else if unit.current_rent > Decimal::ZERO {
            let reason = format!("{few}, no external comps, no stored market rent: the unit's current rent.");
            (Some(unit.current_rent), Basis::CurrentRent, 1.0, Vec::new(), 0.2, reason)
        } else {
            (None, Basis::None, 1.0, Vec::new(), 0.0, format!("{few} and nothing else to go on: no estimate."))
        }
    };
    let seasonal = seasonal_factor(today.month());
    let discount = vacancy_discount(days_vacant);
    let market_rent = base.map(|b| (b * seasonal * (Decimal::ONE - discount)).round_dp(2));
    MarketRent {
        market_rent,
        base_rent: base.map(|b| b.round_dp(2)),
        basis,
        size_adjustment,
        seasonal_factor: seasonal.to_f64().unwrap_or(1.0),
        vacancy_discount: discount.to_f64().unwrap_or(0.0),
        days_vacant,
        comps,
        confidence,
        reason,
    }
}

/// The gap of `current` to `market`: (amount, percent of market); negative = below market.
pub fn gap(current: Decimal, market: Decimal) -> (Decimal, f64) {
    let amount = (current - market).round_dp(2);
    if market <= Decimal::ZERO {
        return (amount, 0.0);
    }
    let pct = (amount / market * Decimal::from(100)).round_dp(1).to_f64().unwrap_or(0.0);
    (amount, pct)
}

/// The strategy for a unit: lease-up after 30 days vacant, conservative after 14, premium in
/// the peak season (factor ≥ 1.03) when the property is nearly full, aggressive when an
/// occupied unit sits more than 5 % below market, else market.
pub fn strategy(days_vacant: i64, seasonal: Decimal, demand: f64, gap_pct: Option<f64>) -> Strategy {
    if days_vacant > 30 {
        Strategy::LeaseUp
    } else if days_vacant > 14 {
        Strategy::Conservative
    } else if seasonal >= Decimal::new(103, 2) && demand >= 0.95 {
        Strategy::Premium
    } else if gap_pct.is_some_and(|g| g < -5.0) {
        Strategy::Aggressive
    } else {
        Strategy::Market
    }
}

/// `pricing_snapshot`: one unit on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PricingSnapshot {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub snapshot_date: NaiveDate,
    /// The rent paid (null while vacant).
    #[schema(value_type = Option<String>)]
    pub current_rent: Option<Decimal>,
    #[schema(value_type = String)]
    pub market_rent: Decimal,
    #[schema(value_type = String)]
    pub recommended_rent: Decimal,
    #[schema(value_type = Option<String>)]
    pub rent_per_sqft: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub market_rent_per_sqft: Option<Decimal>,
    #[schema(value_type = String)]
    pub rent_gap_amount: Decimal,
    pub rent_gap_pct: f64,
    pub days_vacant: i32,
    pub seasonal_factor: f64,
    pub demand_score: f64,
    pub comp_count: i32,
    pub confidence_score: f64,
    #[schema(value_type = String)]
    pub pricing_strategy: Strategy,
    pub created_at: DateTime<Utc>,
    /// Where the market rent came from, and why (the factors beside the figure).
    #[schema(value_type = String)]
    pub basis: Basis,
    pub reason: String,
    pub size_adjustment: f64,
    pub vacancy_discount: f64,
}

/// `pricing_market_comp`: a comp a snapshot used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct MarketComp {
    pub id: Uuid,
    pub snapshot_id: Uuid,
    #[serde(flatten)]
    pub comp: CompUsed,
}

/// A factor kept to `places` decimals: what is stored reads back the same from either store
/// (PostgreSQL's JSON does not round-trip every double's last digit).
fn places(x: f64, places: i32) -> f64 {
    let k = 10f64.powi(places);
    (x * k).round() / k
}

/// The id of `unit_id`'s snapshot of `day` (one per unit per day, the same on every store).
pub fn snapshot_id(unit_id: Uuid, day: NaiveDate) -> Uuid {
    const NS: Uuid = Uuid::from_u128(0x5e1c_2a9b_7d44_4c0e_9b3a_61f2_08d7_c4a1);
    Uuid::new_v5(&NS, format!("pricing:{unit_id}:{day}").as_bytes())
}

fn per_sqft(rent: Decimal, sqft: i32) -> Option<Decimal> {
    (sqft > 0).then(|| (rent / Decimal::from(sqft)).round_dp(2))
}

/// The snapshot of `unit` on `today` from its estimate (None when there is no estimate), and its comps.
pub fn snapshot(
    unit: &Unit,
    estimate: &MarketRent,
    demand: f64,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Option<(PricingSnapshot, Vec<MarketComp>)> {
    let market = estimate.market_rent?;
    let current =
        (unit.status == UnitStatus::Occupied && unit.current_rent > Decimal::ZERO).then_some(unit.current_rent);
    let (gap_amount, gap_pct) = current.map_or((Decimal::ZERO, 0.0), |c| gap(c, market));
    let seasonal = seasonal_factor(today.month());
    let id = snapshot_id(unit.id, today);
    // The closest comps are kept with the snapshot (every comp counts in `comp_count` and the
    // average): 30-odd rows per unit per change would be millions a day at 100,000 units.
    let mut closest: Vec<&CompUsed> = estimate.comps.iter().collect();
    closest.sort_by(|a, b| b.similarity_score.total_cmp(&a.similarity_score).then(a.address.cmp(&b.address)));
    closest.truncate(STORED_COMPS);
    let comps = closest
        .into_iter()
        .enumerate()
        .map(|(n, c)| MarketComp {
            id: Uuid::new_v5(&id, format!("comp:{n}").as_bytes()),
            snapshot_id: id,
            comp: (*c).clone(),
        })
        .collect();
    let cents = crate::turnover::cents;
    Some((
        PricingSnapshot {
            id,
            unit_id: unit.id,
            property_id: unit.property_id,
            snapshot_date: today,
            current_rent: current.map(cents),
            market_rent: cents(market),
            recommended_rent: cents(market.round_dp(0)),
            rent_per_sqft: current.and_then(|c| per_sqft(c, unit.square_feet)).map(cents),
            market_rent_per_sqft: per_sqft(market, unit.square_feet).map(cents),
            rent_gap_amount: cents(gap_amount),
            rent_gap_pct: gap_pct,
            days_vacant: estimate.days_vacant.clamp(0, i64::from(i32::MAX)) as i32,
            seasonal_factor: places(estimate.seasonal_factor, 4),
            demand_score: places(demand, 4),
            comp_count: estimate.comps.len() as i32,
            confidence_score: places(estimate.confidence, 4),
            pricing_strategy: strategy(estimate.days_vacant, seasonal, demand, current.map(|_| gap_pct)),
            created_at: now,
            basis: estimate.basis,
            reason: estimate.reason.clone(),
            size_adjustment: places(estimate.size_adjustment, 6),
            vacancy_discount: places(estimate.vacancy_discount, 6),
        },
        comps,
    ))
}

/// Each property's demand: its occupied share of units (0–1).
pub fn demand_by_property(units: &[Unit]) -> HashMap<Uuid, f64> {
    let mut counts: HashMap<Uuid, (u32, u32)> = HashMap::new();
    for u in units {
        let e = counts.entry(u.property_id).or_default();
        e.0 += 1;
        e.1 += u32::from(u.status == UnitStatus::Occupied);
    }
    counts
        .into_iter()
        .map(|(p, (all, occ))| (p, if all == 0 { 0.0 } else { f64::from(occ) / f64::from(all) }))
        .collect()
}

/// One property's line of the revenue opportunity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PropertyOpportunity {
    pub property_id: Uuid,
    pub property_name: String,
    pub units_below: u32,
    #[serde(with = "crate::format::wire::number_money")]
    #[schema(value_type = f64)]
    pub monthly_gap: Decimal,
    pub avg_gap_pct: f64,
}

/// `GET /api/v1/pricing/revenue-opportunity/`, exactly the spec's shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RevenueOpportunity {
    pub total_units_analyzed: u32,
    pub units_below_market: u32,
    pub units_at_market: u32,
    pub units_above_market: u32,
    #[serde(with = "crate::format::wire::number_money")]
    #[schema(value_type = f64)]
    pub total_monthly_gap: Decimal,
    #[serde(with = "crate::format::wire::number_money")]
    #[schema(value_type = f64)]
    pub annual_revenue_opportunity: Decimal,
    pub avg_gap_pct: f64,
    pub by_property: Vec<PropertyOpportunity>,
}

fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        0.0
    } else {
        (values.iter().sum::<f64>() / values.len() as f64 * 10.0).round() / 10.0
    }
}

/// The revenue opportunity of the latest snapshots: occupied units (a current rent) are analysed;
/// below market is a gap under −2 %, above over +2 %; the monthly gap sums what units below
/// market are short of it; the annual opportunity is twelve months of it.
pub fn revenue_opportunity(snapshots: &[PricingSnapshot], names: &HashMap<Uuid, String>) -> RevenueOpportunity {
    fn below(s: &PricingSnapshot) -> bool {
        s.rent_gap_pct < -AT_MARKET_PCT
    }
    fn above(s: &PricingSnapshot) -> bool {
        s.rent_gap_pct > AT_MARKET_PCT
    }
    /// What the units below market are short of it, in total.
    fn shortfall(of: &[&PricingSnapshot]) -> Decimal {
        of.iter().filter(|s| below(s)).map(|s| -s.rent_gap_amount).sum::<Decimal>().round_dp(2)
    }
    fn pcts(of: &[&PricingSnapshot]) -> Vec<f64> {
        of.iter().map(|s| s.rent_gap_pct).collect()
    }
    let analysed: Vec<&PricingSnapshot> = snapshots.iter().filter(|s| s.current_rent.is_some()).collect();
    let total = shortfall(&analysed);
    let mut props: Vec<Uuid> = analysed.iter().map(|s| s.property_id).collect();
    props.sort();
    props.dedup();
    let mut by_property: Vec<PropertyOpportunity> = props
        .into_iter()
        .map(|p| {
            let of: Vec<&PricingSnapshot> = analysed.iter().copied().filter(|s| s.property_id == p).collect();
            PropertyOpportunity {
                property_id: p,
                property_name: names.get(&p).cloned().unwrap_or_default(),
                units_below: of.iter().filter(|s| below(s)).count() as u32,
                monthly_gap: shortfall(&of),
                avg_gap_pct: mean(&pcts(&of)),
            }
        })
        .collect();
    by_property.sort_by(|a, b| b.monthly_gap.cmp(&a.monthly_gap).then(a.property_name.cmp(&b.property_name)));
    RevenueOpportunity {
        total_units_analyzed: analysed.len() as u32,
        units_below_market: analysed.iter().filter(|s| below(s)).count() as u32,
        units_at_market: analysed.iter().filter(|s| !below(s) && !above(s)).count() as u32,
        units_above_market: analysed.iter().filter(|s| above(s)).count() as u32,
        total_monthly_gap: total,
        annual_revenue_opportunity: total * Decimal::from(12),
        avg_gap_pct: mean(&pcts(&analysed)),
        by_property,
    }
}
