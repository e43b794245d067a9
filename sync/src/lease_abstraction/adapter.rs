//! `AbstractionPort` over PostgreSQL: rows through their canonical JSON (the sync registry's
//! column list), a lease's applied terms written as the whole lease row, both in one
//! transaction and entered in the change log.

use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;
use unitcycle_core::lease_abstraction::port::AbstractionPort;
use unitcycle_core::lease_abstraction::LeaseAbstraction;
use unitcycle_core::model::Lease;
use unitcycle_core::store::StoreError;
use uuid::Uuid;

use crate::adapter::{store_error, PgPort, RowWrite, StoreResult};
use crate::{pg, pgdomain};

struct AbstractionWrite<'a> {
    abstraction: &'a LeaseAbstraction,
    lease: Option<&'a Lease>,
}

impl RowWrite for AbstractionWrite<'_> {
    async fn apply(&self, tx: &Transaction<'_>, _now: DateTime<Utc>) -> StoreResult<()> {
        let applied = async {
            if let Some(l) = self.lease {
                let t = pg::synced("tenant_lease")?;
                let ids = pg::upsert_rows(tx, t, std::slice::from_ref(l)).await?;
                pg::bump(tx, t, &ids).await?;
            }
            let t = pg::synced("lease_abstraction")?;
            let ids = pg::upsert_rows(tx, t, std::slice::from_ref(self.abstraction)).await?;
            pg::bump(tx, t, &ids).await
        };
        applied.await.map_err(store_error)
    }
}

/// In scope: tied to one of the caller's properties, or not yet to any.
const IN_SCOPE: &str = "(r.property_id IS NULL OR r.property_id = ANY($1))";

impl AbstractionPort for PgPort {
    fn abstractions(&self) -> StoreResult<Vec<LeaseAbstraction>> {
        self.block(pgdomain::rows(
            self.client(),
            "lease_abstraction",
            &format!("{IN_SCOPE} ORDER BY r.created_at DESC, r.id"),
            &[&self.scope],
        ))
    }

    fn abstraction(&self, id: Uuid) -> StoreResult<LeaseAbstraction> {
        self.block(pgdomain::rows::<LeaseAbstraction>(
            self.client(),
            "lease_abstraction",
            &format!("{IN_SCOPE} AND r.id = $2"),
            &[&self.scope, &id],
        ))?
        .pop()
        .ok_or_else(|| StoreError::NotFound { what: "Lease abstraction", id: id.to_string() })
    }

    fn write_abstraction(
        &mut self,
        a: &LeaseAbstraction,
        lease: Option<&Lease>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.write_all(&[AbstractionWrite { abstraction: a, lease }], now)
    }
}
