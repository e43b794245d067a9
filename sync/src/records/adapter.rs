//! The records port on PostgreSQL: reads by id, property and lease holder; one transaction per
//! action, every row entered in the change log, and a new property granted to its creator.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::model::{Building, Lease, LedgerEntry, Unit};
use unitcycle_core::records::port::{Holder, RecordWrite, RecordsPort};
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::collections::adapter::insert_ledger;
use crate::pg::{self, PgError};
use crate::{auth, pgdomain};

/// One row, with the user new properties are granted to.
struct Write<'a>(&'a RecordWrite, Option<Uuid>);

impl RowWrite for Write<'_> {
    async fn apply(&self, tx: &Transaction<'_>, _now: DateTime<Utc>) -> StoreResult<()> {
        async fn upsert<T: serde::Serialize>(tx: &Transaction<'_>, name: &str, row: &T) -> Result<(), PgError> {
            let t = pg::synced(name)?;
            let ids = pg::upsert_rows(tx, t, std::slice::from_ref(row)).await?;
            pg::bump(tx, t, &ids).await
        }
        let done = match self.0 {
            RecordWrite::Property(p) => {
                let r = upsert(tx, "properties", p).await;
                match (r, self.1) {
                    (Ok(()), Some(user)) => auth::grant(tx, user, &[p.id]).await,
                    (r, _) => r,
                }
            }
            RecordWrite::Building(b) => upsert(tx, "buildings", b).await,
            RecordWrite::Unit(u) => upsert(tx, "units_unit", u).await,
            RecordWrite::Tenant(t) => upsert(tx, "tenants", t).await,
            RecordWrite::Ledger(e) => {
                let new = insert_ledger(tx, std::slice::from_ref(e)).await.map_err(store_error)?;
                if new.is_empty() {
                    return Err(StoreError::Conflict { what: "ledger entry", now: "it is stored already".into() });
                }
                Ok(())
            }
        };
        done.map_err(store_error)
    }
}

impl RecordsPort for PgPort {
    /// The caller's grants when the port was made, or one given since (a property the same
    /// push created a moment ago).
    fn may_write(&self, property_id: Uuid) -> bool {
        if self.scope.contains(&property_id) {
            return true;
        }
        let Some(user) = self.grantee else { return false };
        let sql = "SELECT 1 FROM property_grant WHERE user_id = $1 AND property_id = $2";
        self.block(async { Ok(self.client().query_opt(sql, &[&user, &property_id]).await?.is_some()) }).unwrap_or(false)
    }

    fn building(&self, id: Uuid) -> StoreResult<Building> {
        self.must("buildings", "Building", id)
    }

    fn buildings_of(&self, property_id: Uuid) -> StoreResult<Vec<Building>> {
        self.block(pgdomain::rows(self.client(), "buildings", "r.property_id = $1 ORDER BY r.name", &[&property_id]))
    }

    fn units_of(&self, property_id: Uuid) -> StoreResult<Vec<Unit>> {
        let sql = "r.property_id = $1 ORDER BY r.unit_number";
        self.block(pgdomain::rows(self.client(), "units_unit", sql, &[&property_id]))
    }

    fn leases_of(&self, holder: Holder) -> StoreResult<Vec<Lease>> {
        let (column, id) = holder.column();
        let sql = format!("r.{column} = $1 ORDER BY r.lease_begin_date");
        self.block(pgdomain::rows(self.client(), "tenant_lease", &sql, &[&id]))
    }

    fn tenant_with_email(&self, email: &str) -> StoreResult<Option<Uuid>> {
        self.block(async {
            let sql = "SELECT id FROM tenants WHERE lower(email) = lower($1) LIMIT 1";
            Ok(self.client().query_opt(sql, &[&email]).await?.map(|r| r.get(0)))
        })
    }

    fn ledger_entry(&self, id: Uuid) -> StoreResult<Option<LedgerEntry>> {
        self.block(pgdomain::row(self.client(), "tenant_ledger_entry", id))
    }

    fn write_records(&mut self, rows: &[RecordWrite], now: DateTime<Utc>) -> StoreResult<()> {
        let grantee = self.grantee;
        let writes: Vec<Write<'_>> = rows.iter().map(|r| Write(r, grantee)).collect();
        self.write_all(&writes, now)
    }
}
