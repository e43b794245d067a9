//! The lifecycle port on PostgreSQL: leases by status and logged transitions. The rules are
//! `unitcycle_core::lifecycle`.

use chrono::{DateTime, Utc};
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
        self.block(pgdomain::rows(
            self.client(),
            "tenant_lease",
            "r.lease_status = ANY($1) AND r.property_id = ANY($2) ORDER BY r.id",
            &[&states, &self.scope],
        ))
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
}
