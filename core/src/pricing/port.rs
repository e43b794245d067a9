//! What the pricing engine and the revenue screens read and write: the port both stores implement.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ExternalComp, MarketComp, PricingSnapshot};
use crate::model::Unit;
use crate::port::Records;
use crate::store::Result;

/// The pricing feature's storage port, scoped like every port.
pub trait PricingPort: Records {
    /// Every unit in use (not archived).
    fn pricing_units(&self) -> Result<Vec<Unit>>;
    /// For each vacant unit with a past lease: the day its last lease ended (the notice move-out,
    /// else the lease end).
    fn vacant_since(&self) -> Result<HashMap<Uuid, NaiveDate>>;
    /// The latest snapshot of each unit.
    fn latest_snapshots(&self) -> Result<Vec<PricingSnapshot>>;
    /// A unit's snapshots from `since` on, oldest first.
    fn snapshot_history(&self, unit_id: Uuid, since: NaiveDate) -> Result<Vec<PricingSnapshot>>;
    /// The comps a snapshot used.
    fn snapshot_comps(&self, snapshot_id: Uuid) -> Result<Vec<MarketComp>>;
    /// The external comps imported (every property in scope).
    fn external_comps(&self) -> Result<Vec<ExternalComp>>;
    /// Adds imported comps (one already stored is left as it is), in one transaction; returns
    /// how many were new.
    fn add_external_comps(&mut self, comps: &[ExternalComp]) -> Result<usize>;
    /// Writes snapshots (upserted; their comps replaced) and the units' new market rents, in one
    /// transaction.
    fn write_pricing(&mut self, writes: &PricingWrites, now: DateTime<Utc>) -> Result<()>;
}

/// What one engine run writes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PricingWrites {
    pub snapshots: Vec<PricingSnapshot>,
    /// The comps of `snapshots` (every snapshot's comps, replacing what it had).
    pub comps: Vec<MarketComp>,
    /// (unit, market rent) for units whose stored market rent the engine's figure replaces.
    pub market_rents: Vec<(Uuid, Decimal)>,
}
