//! The lifecycle port on PostgreSQL: leases by status and logged transitions. The rules are
//! `unitcycle_core::lifecycle`.

use chrono::{DateTime, Utc};
use unitcycle_core::lifecycle::new_lease::NewLease;
use unitcycle_core::lifecycle::port::LifecyclePort;
use unitcycle_core::lifecycle::Transition;
use unitcycle_core::model::{Lease, LeaseStatus};
use unitcycle_core::store::StoreError;

use crate::adapter::{store_error, PgPort, StoreResult};
use crate::pg::{self, ApplyError};
use crate::pgdomain;

impl LifecyclePort for PgPort {
    fn leases_in_states(&self, states: &[LeaseStatus]) -> StoreResult<Vec<Lease>> {
        let states: Vec<&str> = states.iter().map(|s| s.as_str()).collect();
        self.sane_rows(
            "tenant_lease",
            "r.lease_status = ANY($1) AND r.property_id = ANY($2) ORDER BY r.id",
            &[&states, &self.scope],
        )
    }

    fn write_transitions(&mut self, transitions: &[Transition], now: DateTime<Utc>) -> StoreResult<()> {
        let rt = self.rt.clone();
        rt.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| store_error(e.into()))?;
            match pg::apply_transitions(&tx, transitions, now).await {
                Ok(()) => {}
                Err(ApplyError::Conflict(s)) => {
                    return Err(StoreError::Conflict { what: "lease", now: format!("it is now {s}") })
                }
                Err(ApplyError::Pg(e)) => return Err(store_error(e)),
            }
            tx.commit().await.map_err(|e| store_error(e.into()))
        })
    }

    fn unit_leases(&self, unit_id: uuid::Uuid) -> StoreResult<Vec<Lease>> {
        self.block(pgdomain::rows(
            self.client(),
            "tenant_lease",
            "r.unit_id = $1 AND r.property_id = ANY($2) ORDER BY r.lease_begin_date DESC",
            &[&unit_id, &self.scope],
        ))
    }

    fn last_lease_number(&self) -> StoreResult<Option<String>> {
        self.block(async {
            let sql = "SELECT MAX(lease_number)::text FROM tenant_lease WHERE lease_number LIKE 'L-%'";
            Ok(self.client().query_one(sql, &[]).await?.get(0))
        })
    }

    fn write_new_lease(&mut self, new: &NewLease, now: DateTime<Utc>) -> StoreResult<()> {
        let t = pg::synced("tenant_lease").map_err(store_error)?;
        let rt = self.rt.clone();
        rt.block_on(async {
            let tx = self.client.transaction().await.map_err(|e| store_error(e.into()))?;
            pg::upsert_rows(&tx, t, std::slice::from_ref(&new.lease)).await.map_err(store_error)?;
            tx.execute(
                "UPDATE units_unit SET current_rent = $2::text::numeric WHERE id = $1",
                &[&new.lease.unit_id, &new.lease.monthly_rent_amount.to_string()],
            )
            .await
            .map_err(|e| store_error(e.into()))?;
            // The transition enters the lease, its unit and the log row in the change log.
            match pg::apply_transitions(&tx, std::slice::from_ref(&new.transition), now).await {
                Ok(()) => {}
                Err(ApplyError::Conflict(s)) => {
                    return Err(StoreError::Conflict { what: "lease", now: format!("it is now {s}") })
                }
                Err(ApplyError::Pg(e)) => return Err(store_error(e)),
            }
            tx.commit().await.map_err(|e| store_error(e.into()))
        })
    }
}
