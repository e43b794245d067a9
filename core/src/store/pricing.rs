//! Pricing rows on the replica (spec 2.2) and the replica's side of [`PricingPort`].

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Row, Transaction};
use uuid::Uuid;

use super::entities::{unit_from_row, UNIT_COLS};
use super::turnover::insert_sql;
use super::{get_dec, get_uuid, Result, Store};
use crate::model::Unit;
use crate::pricing::port::{PricingPort, PricingWrites};
use crate::pricing::{CompUsed, ExternalComp, MarketComp, PricingSnapshot};

const SNAPSHOT_COLS: &str = "id, unit_id, property_id, snapshot_date, current_rent, market_rent, recommended_rent, \
    rent_per_sqft, market_rent_per_sqft, rent_gap_amount, rent_gap_pct, days_vacant, seasonal_factor, demand_score, \
    comp_count, confidence_score, pricing_strategy, created_at, basis, reason, size_adjustment, vacancy_discount";
const EXTERNAL_COLS: &str =
    "id, property_id, source, address, bedrooms, bathrooms, square_feet, rent, observed_on, created_at";
const COMP_COLS: &str =
    "id, snapshot_id, source, address, bedrooms, bathrooms, square_feet, rent, distance_miles, similarity_score";

fn opt_dec(r: &Row<'_>, idx: usize) -> rusqlite::Result<Option<rust_decimal::Decimal>> {
    match r.get::<_, Option<String>>(idx)? {
        None => Ok(None),
        Some(_) => get_dec(r, idx).map(Some),
    }
}

fn snapshot_from_row(r: &Row<'_>) -> rusqlite::Result<PricingSnapshot> {
    Ok(PricingSnapshot {
        id: get_uuid(r, 0)?,
        unit_id: get_uuid(r, 1)?,
        property_id: get_uuid(r, 2)?,
        snapshot_date: r.get(3)?,
        current_rent: opt_dec(r, 4)?,
        market_rent: get_dec(r, 5)?,
        recommended_rent: get_dec(r, 6)?,
        rent_per_sqft: opt_dec(r, 7)?,
        market_rent_per_sqft: opt_dec(r, 8)?,
        rent_gap_amount: get_dec(r, 9)?,
        rent_gap_pct: r.get(10)?,
        days_vacant: r.get(11)?,
        seasonal_factor: r.get(12)?,
        demand_score: r.get(13)?,
        comp_count: r.get(14)?,
        confidence_score: r.get(15)?,
        pricing_strategy: r.get(16)?,
        created_at: r.get(17)?,
        basis: r.get(18)?,
        reason: r.get(19)?,
        size_adjustment: r.get(20)?,
        vacancy_discount: r.get(21)?,
    })
}

fn comp_from_row(r: &Row<'_>) -> rusqlite::Result<MarketComp> {
    Ok(MarketComp {
        id: get_uuid(r, 0)?,
        snapshot_id: get_uuid(r, 1)?,
        comp: CompUsed {
            source: r.get(2)?,
            address: r.get(3)?,
            bedrooms: r.get(4)?,
            bathrooms: get_dec(r, 5)?,
            square_feet: r.get(6)?,
            rent: get_dec(r, 7)?,
            distance_miles: r.get(8)?,
            similarity_score: r.get(9)?,
        },
    })
}

fn external_from_row(r: &Row<'_>) -> rusqlite::Result<ExternalComp> {
    Ok(ExternalComp {
        id: get_uuid(r, 0)?,
        property_id: get_uuid(r, 1)?,
        source: r.get(2)?,
        address: r.get(3)?,
        bedrooms: r.get(4)?,
        bathrooms: get_dec(r, 5)?,
        square_feet: r.get(6)?,
        rent: get_dec(r, 7)?,
        observed_on: r.get(8)?,
        created_at: r.get(9)?,
    })
}

fn text(d: Option<rust_decimal::Decimal>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn apply(tx: &Transaction<'_>, w: &PricingWrites, now: DateTime<Utc>) -> Result<()> {
    let mut put = tx.prepare_cached(&insert_sql("pricing_snapshot", SNAPSHOT_COLS, true))?;
    let mut clear = tx.prepare_cached("DELETE FROM pricing_market_comp WHERE snapshot_id = ?1")?;
    for s in &w.snapshots {
        put.execute(params![
            s.id.to_string(),
            s.unit_id.to_string(),
            s.property_id.to_string(),
            s.snapshot_date,
            text(s.current_rent),
            s.market_rent.to_string(),
            s.recommended_rent.to_string(),
            text(s.rent_per_sqft),
            text(s.market_rent_per_sqft),
            s.rent_gap_amount.to_string(),
            s.rent_gap_pct,
            s.days_vacant,
            s.seasonal_factor,
            s.demand_score,
            s.comp_count,
            s.confidence_score,
            s.pricing_strategy,
            s.created_at,
            s.basis,
            s.reason,
            s.size_adjustment,
            s.vacancy_discount,
        ])?;
        clear.execute([s.id.to_string()])?;
    }
    let mut comp = tx.prepare_cached(&insert_sql("pricing_market_comp", COMP_COLS, true))?;
    for c in &w.comps {
        comp.execute(params![
            c.id.to_string(),
            c.snapshot_id.to_string(),
            c.comp.source,
            c.comp.address,
            c.comp.bedrooms,
            c.comp.bathrooms.to_string(),
            c.comp.square_feet,
            c.comp.rent.to_string(),
            c.comp.distance_miles,
            c.comp.similarity_score,
        ])?;
    }
    let mut rent = tx.prepare_cached("UPDATE units_unit SET market_rent = ?2, updated_at = ?3 WHERE id = ?1")?;
    for (unit, market) in &w.market_rents {
        rent.execute(params![unit.to_string(), market.to_string(), now])?;
    }
    Ok(())
}

impl Store {
    fn pricing_rows<T>(
        &self,
        sql: &str,
        args: impl rusqlite::Params,
        map: impl Fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut stmt = self.conn().prepare_cached(sql)?;
        let rows = stmt.query_map(args, map)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

impl PricingPort for Store {
    fn pricing_units(&self) -> Result<Vec<Unit>> {
        self.pricing_rows(
            &format!("SELECT {UNIT_COLS} FROM units_unit WHERE archived_at IS NULL ORDER BY id"),
            [],
            unit_from_row,
        )
    }

    fn vacant_since(&self) -> Result<HashMap<Uuid, NaiveDate>> {
        let rows = self.pricing_rows(
            "SELECT l.unit_id, MAX(COALESCE(l.notice_move_out_date, l.lease_end_date)) FROM tenant_lease l
             JOIN units_unit u ON u.id = l.unit_id WHERE u.status = 'vacant'
             AND COALESCE(l.notice_move_out_date, l.lease_end_date) IS NOT NULL GROUP BY l.unit_id",
            [],
            |r| Ok((get_uuid(r, 0)?, r.get::<_, NaiveDate>(1)?)),
        )?;
        Ok(rows.into_iter().collect())
    }

    fn latest_snapshots(&self) -> Result<Vec<PricingSnapshot>> {
        self.pricing_rows(
            &format!(
                "SELECT {SNAPSHOT_COLS} FROM pricing_snapshot s WHERE s.snapshot_date =
                 (SELECT MAX(x.snapshot_date) FROM pricing_snapshot x WHERE x.unit_id = s.unit_id) ORDER BY s.unit_id"
            ),
            [],
            snapshot_from_row,
        )
    }

    fn snapshot_history(&self, unit_id: Uuid, since: NaiveDate) -> Result<Vec<PricingSnapshot>> {
        self.pricing_rows(
            &format!(
                "SELECT {SNAPSHOT_COLS} FROM pricing_snapshot WHERE unit_id = ?1 AND snapshot_date >= ?2
                 ORDER BY snapshot_date"
            ),
            params![unit_id.to_string(), since],
            snapshot_from_row,
        )
    }

    fn snapshot_comps(&self, snapshot_id: Uuid) -> Result<Vec<MarketComp>> {
        self.pricing_rows(
            &format!("SELECT {COMP_COLS} FROM pricing_market_comp WHERE snapshot_id = ?1 ORDER BY id"),
            [snapshot_id.to_string()],
            comp_from_row,
        )
    }

    fn external_comps(&self) -> Result<Vec<ExternalComp>> {
        self.pricing_rows(
            &format!("SELECT {EXTERNAL_COLS} FROM pricing_external_comp ORDER BY property_id, observed_on, id"),
            [],
            external_from_row,
        )
    }

    fn add_external_comps(&mut self, comps: &[ExternalComp]) -> Result<usize> {
        self.transaction(|tx| {
            let mut put = tx.prepare_cached(&insert_sql("pricing_external_comp", EXTERNAL_COLS, false))?;
            let mut added = 0;
            for c in comps {
                added += put.execute(params![
                    c.id.to_string(),
                    c.property_id.to_string(),
                    c.source,
                    c.address,
                    c.bedrooms,
                    c.bathrooms.to_string(),
                    c.square_feet,
                    c.rent.to_string(),
                    c.observed_on,
                    c.created_at,
                ])?;
            }
            Ok(added)
        })
    }

    fn write_pricing(&mut self, writes: &PricingWrites, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| apply(tx, writes, now))
    }
}
