//! `AbstractionPort` on the replica: `lease_abstraction` rows through their column list, and a
//! lease's applied terms as one UPDATE in the same transaction.

use chrono::{DateTime, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::{json_rows, Result, Store, StoreError};
use crate::lease_abstraction::port::{AbstractionPort, COLUMNS};
use crate::lease_abstraction::LeaseAbstraction;
use crate::model::Lease;

/// A lease's applied terms.
fn update_lease(tx: &rusqlite::Transaction<'_>, l: &Lease) -> Result<()> {
    tx.execute(
        "UPDATE tenant_lease SET lease_begin_date = ?2, lease_end_date = ?3, monthly_rent_amount = ?4,
         security_deposit = ?5, rent_due_day = ?6, late_fee_amount = ?7, grace_period_days = ?8,
         updated_at = ?9 WHERE id = ?1",
        params![
            l.id.to_string(),
            l.lease_begin_date,
            l.lease_end_date,
            l.monthly_rent_amount.to_string(),
            l.security_deposit.to_string(),
            l.rent_due_day,
            l.late_fee_amount.to_string(),
            l.grace_period_days,
            l.updated_at,
        ],
    )?;
    Ok(())
}

impl AbstractionPort for Store {
    fn abstractions(&self) -> Result<Vec<LeaseAbstraction>> {
        json_rows::select(self.conn(), "lease_abstraction", COLUMNS, "ORDER BY r.created_at DESC, r.id", [])
    }

    fn abstraction(&self, id: Uuid) -> Result<LeaseAbstraction> {
        json_rows::select(self.conn(), "lease_abstraction", COLUMNS, "WHERE r.id = ?1", [id.to_string()])?
            .pop()
            .ok_or_else(|| StoreError::NotFound { what: "Lease abstraction", id: id.to_string() })
    }

    fn write_abstraction(&mut self, a: &LeaseAbstraction, lease: Option<&Lease>, _now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            if let Some(l) = lease {
                update_lease(tx, l)?;
            }
            json_rows::upsert(tx, "lease_abstraction", COLUMNS, std::slice::from_ref(a))
        })
    }
}

impl AbstractionPort for super::Queueing<'_> {
    fn abstractions(&self) -> Result<Vec<LeaseAbstraction>> {
        self.store.abstractions()
    }
    fn abstraction(&self, id: Uuid) -> Result<LeaseAbstraction> {
        self.store.abstraction(id)
    }
    fn write_abstraction(&mut self, a: &LeaseAbstraction, lease: Option<&Lease>, now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_abstraction(a, lease, now) };
        // The rows and the queued action in one transaction (as the store's own write does).
        self.store.transaction(|tx| {
            if let Some(l) = lease {
                update_lease(tx, l)?;
            }
            json_rows::upsert(tx, "lease_abstraction", COLUMNS, std::slice::from_ref(a))?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
