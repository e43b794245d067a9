//! `PricingPort` over PostgreSQL. Rows are read and written through their canonical JSON
//! (`pgdomain::rows`, `pg::upsert_rows`), so the column list is the sync registry's, once.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use tokio_postgres::Transaction;
use unitcycle_core::model::Unit;
use unitcycle_core::pricing::port::{PricingPort, PricingWrites};
use unitcycle_core::pricing::{ExternalComp, MarketComp, PricingSnapshot};
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::pg::{self, Result};
use crate::pgdomain;

async fn apply(tx: &Transaction<'_>, w: &PricingWrites, now: DateTime<Utc>) -> Result<()> {
    let snapshots = pg::synced("pricing_snapshot")?;
    let ids = pg::upsert_rows(tx, snapshots, &w.snapshots).await?;
    pg::bump(tx, snapshots, &ids).await?;
    // A snapshot's comps are replaced: the ones it no longer has go.
    let keep: Vec<Uuid> = w.comps.iter().map(|c| c.id).collect();
    tx.execute("DELETE FROM pricing_market_comp WHERE snapshot_id = ANY($1) AND NOT (id = ANY($2))", &[&ids, &keep])
        .await?;
    let comps = pg::synced("pricing_market_comp")?;
    let comp_ids = pg::upsert_rows(tx, comps, &w.comps).await?;
    pg::bump(tx, comps, &comp_ids).await?;
    if !w.market_rents.is_empty() {
        let (units, rents): (Vec<Uuid>, Vec<String>) =
            w.market_rents.iter().map(|(u, r): &(Uuid, Decimal)| (*u, r.to_string())).unzip();
        tx.execute(
            "UPDATE units_unit u SET market_rent = v.rent::numeric, updated_at = $3
             FROM unnest($1::uuid[], $2::text[]) AS v(id, rent) WHERE u.id = v.id",
            &[&units, &rents, &now],
        )
        .await?;
        pg::bump(tx, pg::synced("units_unit")?, &units).await?;
    }
    Ok(())
}

/// Comps an import adds (none of them stored yet).
struct NewComps(Vec<ExternalComp>);

impl RowWrite for NewComps {
    async fn apply(&self, tx: &Transaction<'_>, _now: DateTime<Utc>) -> StoreResult<()> {
        let applied = async {
            let t = pg::synced("pricing_external_comp")?;
            let ids = pg::upsert_rows(tx, t, &self.0).await?;
            pg::bump(tx, t, &ids).await
        };
        applied.await.map_err(store_error)
    }
}

impl RowWrite for PricingWrites {
    async fn apply(&self, tx: &Transaction<'_>, now: DateTime<Utc>) -> StoreResult<()> {
        apply(tx, self, now).await.map_err(store_error)
    }
}

impl PricingPort for PgPort {
    fn pricing_units(&self) -> StoreResult<Vec<Unit>> {
        self.block(pgdomain::rows(
            self.client(),
            "units_unit",
            "r.archived_at IS NULL AND r.property_id = ANY($1) ORDER BY r.id",
            &[&self.scope],
        ))
    }

    fn vacant_since(&self) -> StoreResult<HashMap<Uuid, NaiveDate>> {
        let sql = "SELECT l.unit_id, MAX(COALESCE(l.notice_move_out_date, l.lease_end_date)) FROM tenant_lease l
                   JOIN units_unit u ON u.id = l.unit_id WHERE u.status = 'vacant' AND u.property_id = ANY($1)
                   AND COALESCE(l.notice_move_out_date, l.lease_end_date) IS NOT NULL GROUP BY l.unit_id";
        let rows = self.block(async { Ok::<_, pg::PgError>(self.client().query(sql, &[&self.scope]).await?) })?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }

    fn latest_snapshots(&self) -> StoreResult<Vec<PricingSnapshot>> {
        self.block(pgdomain::rows(
            self.client(),
            "pricing_snapshot",
            "r.property_id = ANY($1) AND r.snapshot_date =
             (SELECT MAX(x.snapshot_date) FROM pricing_snapshot x WHERE x.unit_id = r.unit_id) ORDER BY r.unit_id",
            &[&self.scope],
        ))
    }

    fn snapshot_history(&self, unit_id: Uuid, since: NaiveDate) -> StoreResult<Vec<PricingSnapshot>> {
        self.block(pgdomain::rows(
            self.client(),
            "pricing_snapshot",
            "r.unit_id = $1 AND r.snapshot_date >= $2 AND r.property_id = ANY($3) ORDER BY r.snapshot_date",
            &[&unit_id, &since, &self.scope],
        ))
    }

    fn snapshot_comps(&self, snapshot_id: Uuid) -> StoreResult<Vec<MarketComp>> {
        self.block(pgdomain::rows(
            self.client(),
            "pricing_market_comp",
            "r.snapshot_id = $1 ORDER BY r.id",
            &[&snapshot_id],
        ))
    }

    fn external_comps(&self) -> StoreResult<Vec<ExternalComp>> {
        self.block(pgdomain::rows(
            self.client(),
            "pricing_external_comp",
            "r.property_id = ANY($1) ORDER BY r.property_id, r.observed_on, r.id",
            &[&self.scope],
        ))
    }

    fn add_external_comps(&mut self, comps: &[ExternalComp]) -> StoreResult<usize> {
        let ids: Vec<Uuid> = comps.iter().map(|c| c.id).collect();
        let sql = "SELECT id FROM pricing_external_comp WHERE id = ANY($1)";
        let stored: Vec<Uuid> = self
            .block(async { Ok::<_, pg::PgError>(self.client().query(sql, &[&ids]).await?) })?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let new: Vec<ExternalComp> = comps.iter().filter(|c| !stored.contains(&c.id)).cloned().collect();
        let added = new.len();
        self.write_all(&[NewComps(new)], Utc::now())?;
        Ok(added)
    }

    fn write_pricing(&mut self, writes: &PricingWrites, now: DateTime<Utc>) -> StoreResult<()> {
        self.write_all(std::slice::from_ref(writes), now)
    }
}
