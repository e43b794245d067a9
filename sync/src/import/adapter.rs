//! The server's side of the import port (`unitcycle_core::import`): the natural keys it matches
//! within the caller's properties, and the one-transaction write that enters every row in the
//! change log (so replicas pull them) and grants the imported properties to the caller.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Transaction;
use unitcycle_core::import::{Existing, ImportPort, ImportWrites, OPENING_CATEGORY};
use unitcycle_core::model::LedgerEntry;
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, StoreResult};
use crate::pg::{self, PgError};
use crate::{auth, pgdomain};

impl PgPort {
    /// An import or a new property through this port grants the properties it writes to
    /// `user` (the caller), in the write's transaction.
    pub fn grant_imports_to(&mut self, user: Uuid) {
        self.grantee = Some(user);
    }
}

/// Inserts domain rows of synced table `name` through their canonical JSON.
async fn insert<T: Serialize>(tx: &Transaction<'_>, name: &str, rows: &[T]) -> Result<Vec<Uuid>, PgError> {
    pg::upsert_rows(tx, pg::synced(name)?, rows).await
}

async fn write(
    tx: &Transaction<'_>,
    w: &ImportWrites,
    grantee: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<(), PgError> {
    let mut properties = insert(tx, "properties", &w.properties).await?;
    for (id, n) in &w.property_unit_counts {
        tx.execute("UPDATE properties SET total_units = $2, updated_at = $3 WHERE id = $1", &[id, n, &now]).await?;
        properties.push(*id);
    }
    let buildings = insert(tx, "buildings", &w.buildings).await?;
    let mut units = insert(tx, "units_unit", &w.units).await?;
    for o in &w.occupied_units {
        tx.execute(
            "UPDATE units_unit SET status = 'occupied', current_rent = $2::text::numeric, updated_at = $3 WHERE id = $1",
            &[&o.unit_id, &o.current_rent.to_string(), &now],
        )
        .await?;
        units.push(o.unit_id);
    }
    let tenants = insert(tx, "tenants", &w.tenants).await?;
    let leases = insert(tx, "tenant_lease", &w.leases).await?;
    let logs = insert(tx, "lease_status_log", &w.status_log).await?;
    let ledger = insert(tx, "tenant_ledger_entry", &w.ledger).await?;
    if let Some(user) = grantee {
        auth::grant(tx, user, &w.property_ids).await?;
    }
    // The change log last, parents first, once every row is written.
    for (name, ids) in [
        ("properties", &properties),
        ("buildings", &buildings),
        ("units_unit", &units),
        ("tenants", &tenants),
        ("tenant_lease", &leases),
        ("lease_status_log", &logs),
        ("tenant_ledger_entry", &ledger),
    ] {
        pg::bump(tx, pg::synced(name)?, ids).await?;
    }
    Ok(())
}

impl ImportPort for PgPort {
    fn import_existing(&self) -> StoreResult<Existing> {
        let c = self.client();
        let scope = &self.scope;
        self.block(async move {
            let opening = c
                .query(
                    "SELECT DISTINCT lease_id FROM tenant_ledger_entry
                     WHERE category = $1 AND lease_id IS NOT NULL AND property_id = ANY($2)",
                    &[&OPENING_CATEGORY, scope],
                )
                .await?
                .iter()
                .map(|r| r.get::<_, Uuid>(0))
                .collect();
            Ok(Existing {
                properties: pgdomain::rows(c, "properties", "r.id = ANY($1)", &[scope]).await?,
                buildings: pgdomain::rows(
                    c,
                    "buildings",
                    "r.property_id = ANY($1) ORDER BY r.created_at, r.id",
                    &[scope],
                )
                .await?,
                units: pgdomain::rows(c, "units_unit", "r.property_id = ANY($1)", &[scope]).await?,
                tenants: pgdomain::rows(
                    c,
                    "tenants",
                    "r.id IN (SELECT l.tenant_id FROM tenant_lease l WHERE l.property_id = ANY($1))
                     ORDER BY r.created_at, r.id",
                    &[scope],
                )
                .await?,
                leases: pgdomain::rows(c, "tenant_lease", "r.property_id = ANY($1)", &[scope]).await?,
                opening_balances: opening,
            })
        })
    }

    fn import_ledger(&self) -> StoreResult<Vec<LedgerEntry>> {
        let scope = &self.scope;
        self.block(pgdomain::rows(
            self.client(),
            "tenant_ledger_entry",
            "r.lease_id IS NOT NULL AND r.property_id = ANY($1)",
            &[scope],
        ))
    }

    fn write_import(&mut self, w: &ImportWrites, now: DateTime<Utc>) -> StoreResult<()> {
        let rt = self.rt.clone();
        let grantee = self.grantee;
        rt.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| store_error(e.into()))?;
            write(&tx, w, grantee, now).await.map_err(|e| match store_error(e) {
                StoreError::Conflict { now, .. } => {
                    StoreError::Rejected(format!("The import conflicts with what is stored: {now}."))
                }
                other => other,
            })?;
            tx.commit().await.map_err(|e| store_error(e.into()))
        })
    }
}
