//! The replica's side of the storage ports (`crate::port`): each feature's port over SQLite.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::params;
use uuid::Uuid;

use super::{get_uuid, Result, Store};
use crate::ai::{AiRun, AiRunLog};
use crate::collections::port::{CollectionWrite, CollectionsPort};
use crate::collections::{CollectionAction, CollectionCase, PaymentPlan};
use crate::command_center::port::{BulkBatch, CommandCenterPort, CommandCenterWrite, PendingAction};
use crate::command_center::{ActionType, QueuedAction as CcQueued, Row, UnitSnapshot};
use crate::lifecycle::port::LifecyclePort;
use crate::lifecycle::Transition;
use crate::model::{Lease, LeaseStatus, LedgerEntry, Property, Tenant, Unit, UnitStatus};
use crate::port::Records;
use crate::renewals::port::{RenewalWrite, RenewalsPort};
use crate::renewals::{RenewalRecommendation, RenewalStatus};
use crate::sync_actions::QueuedAction;

impl Records for Store {
    fn lease(&self, id: Uuid) -> Result<Lease> {
        Store::lease(self, id)
    }

    fn tenant(&self, id: Uuid) -> Result<Tenant> {
        Store::tenant(self, id)
    }

    fn unit(&self, id: Uuid) -> Result<Unit> {
        Store::unit(self, id)
    }

    fn property(&self, id: Uuid) -> Result<Property> {
        Store::property(self, id)
    }

    fn tenant_names(&self) -> Result<HashMap<Uuid, String>> {
        let mut stmt = self.conn().prepare_cached("SELECT id, first_name || ' ' || last_name FROM tenants")?;
        let rows = stmt.query_map([], |r| Ok((super::get_uuid(r, 0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn property_zones(&self) -> Result<HashMap<Uuid, String>> {
        Store::property_zones(self)
    }

    fn put_document(&self, bytes: &[u8], _content_type: &str, _now: DateTime<Utc>) -> Result<Option<String>> {
        match crate::documents::blob_store(self) {
            Some(blobs) => Ok(Some(blobs.put(bytes)?)),
            None => Ok(None),
        }
    }
}

impl RenewalsPort for Store {
    fn churn_signal(&self, tenant_id: Uuid) -> Result<Option<(String, f64)>> {
        use rusqlite::OptionalExtension;
        Ok(self
            .conn()
            .query_row(
                "SELECT risk_level, churn_probability FROM tenant_sentiment_log WHERE tenant_id = ?1 \
                 ORDER BY date DESC LIMIT 1",
                [tenant_id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Active and month-to-month leases, except those in legal collections
    /// (`renewals::IN_LEGAL`): no renewal is offered to a tenant the office is taking to court.
    fn renewal_candidates(&self) -> Result<Vec<Lease>> {
        let sql = format!(
            "SELECT {} FROM tenant_lease l WHERE l.lease_status IN ('active', 'month_to_month')
             AND NOT EXISTS (SELECT 1 FROM collection_case c WHERE c.lease_id = l.id AND {})",
            super::leases::LEASE_COLS,
            crate::renewals::IN_LEGAL
        );
        let mut stmt = self.conn().prepare(&sql)?;
        self.read_sane("tenant_lease", &mut stmt, [], super::leases::lease_from_row)
    }

    fn leases_with_open_renewal(&self) -> Result<HashSet<Uuid>> {
        Store::leases_with_open_renewal(self)
    }

    fn property_vacancy(&self) -> Result<HashMap<Uuid, (u32, u32)>> {
        let mut out = HashMap::new();
        let mut stmt = self.conn().prepare(
            "SELECT property_id, COUNT(*), SUM(CASE WHEN status = 'vacant' THEN 1 ELSE 0 END) FROM units_unit GROUP BY property_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            out.insert(get_uuid(r, 0)?, (r.get::<_, u32>(1)?, r.get::<_, u32>(2)?));
        }
        Ok(out)
    }

    fn ledger_since(&self, tenant_id: Uuid, since: NaiveDate) -> Result<Vec<LedgerEntry>> {
        let mut stmt = self.conn().prepare_cached(&format!(
            "SELECT {} FROM tenant_ledger_entry WHERE tenant_id = ?1 AND trans_date >= ?2
             ORDER BY trans_date, trans_type, rowid",
            super::entities::LEDGER_COLS
        ))?;
        self.read_sane(
            "tenant_ledger_entry",
            &mut stmt,
            rusqlite::params![tenant_id.to_string(), since],
            super::entities::ledger_from_row,
        )
    }

    fn work_order_dates(&self, unit_id: Uuid) -> Result<Vec<NaiveDate>> {
        Ok(self.work_orders(unit_id)?.iter().map(|w| w.requested_date).collect())
    }

    fn renewal(&self, id: Uuid) -> Result<RenewalRecommendation> {
        Store::renewal(self, id)
    }

    fn open_renewals(&self) -> Result<Vec<RenewalRecommendation>> {
        self.renewals(&super::RenewalFilter {
            status: vec![RenewalStatus::Pending, RenewalStatus::Approved, RenewalStatus::Sent],
            ..Default::default()
        })
    }

    fn write_renewals(&mut self, writes: &[RenewalWrite], now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| apply_renewal_writes(tx, writes, now))
    }
}

/// Applies renewal writes inside `tx` (the replica's side of `RenewalsPort::write_renewals`).
fn apply_renewal_writes(tx: &rusqlite::Transaction<'_>, writes: &[RenewalWrite], now: DateTime<Utc>) -> Result<()> {
    for w in writes {
        match w {
            RenewalWrite::Insert(rec) => super::insert_renewal(tx, rec)?,
            RenewalWrite::Status { rec, to, rent, actor } => {
                super::update_renewal_status(tx, rec, *to, *rent, actor, now)?
            }
            RenewalWrite::Letter { id, text, provider } => super::renewals::set_letter(tx, *id, text, provider, now)?,
            RenewalWrite::Transition(t) => super::apply_transition(tx, t, now)?,
            RenewalWrite::RenewLease { lease_id, unit_id, rent, start, end } => {
                tx.execute(
                    "UPDATE tenant_lease SET monthly_rent_amount = ?2, lease_begin_date = ?3,
                         lease_end_date = ?4, updated_at = ?5 WHERE id = ?1",
                    params![lease_id.to_string(), rent.to_string(), start, end, now],
                )?;
                tx.execute(
                    "UPDATE units_unit SET current_rent = ?2, status = ?3, updated_at = ?4 WHERE id = ?1",
                    params![unit_id.to_string(), rent.to_string(), UnitStatus::Occupied, now],
                )?;
            }
            RenewalWrite::Enqueue(msg) => {
                crate::outbox::enqueue(tx, msg, now)?;
            }
        }
    }
    Ok(())
}

/// A replica's port while a person's action is applied on a connected replica: reads and writes
/// go to the store, and the action is queued for the server in the same transaction as its rows.
pub struct Queueing<'a> {
    pub store: &'a mut Store,
    /// `None` on a standalone replica: nothing is queued, and its own outbox sends the messages.
    pub action: Option<QueuedAction>,
}

impl<'a> Queueing<'a> {
    /// The port for a person's `action` on record `entity_id` of `entity`: queued for the server
    /// when the replica is connected, applied straight otherwise.
    pub fn on_replica(
        store: &'a mut Store,
        entity: &str,
        entity_id: Uuid,
        action: serde_json::Value,
    ) -> Result<Queueing<'a>> {
        let action = crate::sync_actions::connected(store)?.then(|| QueuedAction {
            client_id: Uuid::new_v4(),
            entity: entity.to_string(),
            entity_id,
            action,
        });
        Ok(Queueing { store, action })
    }
}

impl AiRunLog for Queueing<'_> {
    fn record(&self, run: &AiRun) -> std::result::Result<(), String> {
        self.store.record(run)
    }
}

impl Records for Queueing<'_> {
    fn lease(&self, id: Uuid) -> Result<Lease> {
        Store::lease(self.store, id)
    }

    fn tenant(&self, id: Uuid) -> Result<Tenant> {
        Store::tenant(self.store, id)
    }

    fn unit(&self, id: Uuid) -> Result<Unit> {
        Store::unit(self.store, id)
    }

    fn property(&self, id: Uuid) -> Result<Property> {
        Store::property(self.store, id)
    }

    fn tenant_names(&self) -> Result<HashMap<Uuid, String>> {
        Records::tenant_names(self.store)
    }

    fn property_zones(&self) -> Result<HashMap<Uuid, String>> {
        Store::property_zones(self.store)
    }

    fn put_document(&self, bytes: &[u8], content_type: &str, now: DateTime<Utc>) -> Result<Option<String>> {
        Records::put_document(&*self.store, bytes, content_type, now)
    }
}

impl RenewalsPort for Queueing<'_> {
    fn renewal_candidates(&self) -> Result<Vec<Lease>> {
        self.store.renewal_candidates()
    }

    fn churn_signal(&self, tenant_id: Uuid) -> Result<Option<(String, f64)>> {
        self.store.churn_signal(tenant_id)
    }

    fn leases_with_open_renewal(&self) -> Result<HashSet<Uuid>> {
        Store::leases_with_open_renewal(self.store)
    }

    fn property_vacancy(&self) -> Result<HashMap<Uuid, (u32, u32)>> {
        self.store.property_vacancy()
    }

    fn ledger_since(&self, tenant_id: Uuid, since: NaiveDate) -> Result<Vec<LedgerEntry>> {
        self.store.ledger_since(tenant_id, since)
    }

    fn work_order_dates(&self, unit_id: Uuid) -> Result<Vec<NaiveDate>> {
        self.store.work_order_dates(unit_id)
    }

    fn renewal(&self, id: Uuid) -> Result<RenewalRecommendation> {
        Store::renewal(self.store, id)
    }

    fn open_renewals(&self) -> Result<Vec<RenewalRecommendation>> {
        self.store.open_renewals()
    }

    /// Messages to the tenant are left to the server, which queues them when it applies the
    /// action: a connected replica never sends them too.
    fn write_renewals(&mut self, writes: &[RenewalWrite], now: DateTime<Utc>) -> Result<()> {
        let Some(action) = &self.action else { return self.store.write_renewals(writes, now) };
        let local: Vec<RenewalWrite> =
            writes.iter().filter(|w| !matches!(w, RenewalWrite::Enqueue(_))).cloned().collect();
        self.store.transaction(|tx| {
            apply_renewal_writes(tx, &local, now)?;
            crate::sync_actions::queue(tx, action, now)
        })
    }
}

impl LifecyclePort for Store {
    fn leases_in_states(&self, states: &[LeaseStatus]) -> Result<Vec<Lease>> {
        self.leases_in(states)
    }

    fn write_transitions(&mut self, transitions: &[Transition], now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            for t in transitions {
                super::apply_transition(tx, t, now)?;
            }
            Ok(())
        })
    }

    fn unit_leases(&self, unit_id: Uuid) -> Result<Vec<Lease>> {
        self.leases_of_unit(unit_id)
    }

    fn last_lease_number(&self) -> Result<Option<String>> {
        Ok(self.conn().query_row(
            "SELECT MAX(lease_number) FROM tenant_lease WHERE lease_number LIKE 'L-%'",
            [],
            |r| r.get(0),
        )?)
    }

    fn write_new_lease(&mut self, new: &crate::lifecycle::new_lease::NewLease, now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| {
            super::insert_lease(tx, &new.lease)?;
            super::apply_transition(tx, &new.transition, now)?;
            tx.execute(
                "UPDATE units_unit SET current_rent = ?2 WHERE id = ?1",
                rusqlite::params![new.lease.unit_id.to_string(), new.lease.monthly_rent_amount.to_string()],
            )?;
            Ok(())
        })
    }
}

impl CollectionsPort for Queueing<'_> {
    fn collection_leases(&self) -> Result<Vec<Lease>> {
        self.store.collection_leases()
    }

    fn lease_ledgers(&self) -> Result<HashMap<Uuid, Vec<LedgerEntry>>> {
        self.store.lease_ledgers()
    }

    fn open_cases(&self) -> Result<Vec<CollectionCase>> {
        self.store.open_cases()
    }

    fn collection_case(&self, id: Uuid) -> Result<CollectionCase> {
        CollectionsPort::collection_case(&*self.store, id)
    }

    fn payment_plan(&self, case_id: Uuid) -> Result<Option<PaymentPlan>> {
        CollectionsPort::payment_plan(&*self.store, case_id)
    }

    fn collection_actions(&self, case_id: Uuid) -> Result<Vec<CollectionAction>> {
        self.store.collection_actions(case_id)
    }

    /// As for renewals: a connected replica leaves the tenant's messages to the server.
    fn write_collections(&mut self, writes: &[CollectionWrite], now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_collections(writes, now) };
        let local: Vec<CollectionWrite> =
            writes.iter().filter(|w| !matches!(w, CollectionWrite::Enqueue(_))).cloned().collect();
        self.store.transaction(|tx| {
            super::collections::apply_collection_writes(tx, &local, now)?;
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}

impl CommandCenterPort for Queueing<'_> {
    fn unit_snapshots(&self) -> Result<Vec<UnitSnapshot>> {
        Store::unit_snapshots(self.store)
    }

    fn command_center_rows(&self, days: &crate::time::Days) -> Result<Vec<Row>> {
        Store::command_center_rows(self.store, days)
    }

    fn queued_actions(&self, since: NaiveDate) -> Result<Vec<CcQueued>> {
        Store::queued_actions(self.store, since)
    }

    fn queue_item(&self, id: Uuid) -> Result<(CcQueued, serde_json::Value)> {
        CommandCenterPort::queue_item(&*self.store, id)
    }

    fn current_lease(&self, unit_id: Uuid) -> Result<Option<Lease>> {
        CommandCenterPort::current_lease(&*self.store, unit_id)
    }

    fn pending_action(&self, unit_id: Uuid, action_type: ActionType) -> Result<Option<PendingAction>> {
        CommandCenterPort::pending_action(&*self.store, unit_id, action_type)
    }

    fn units_in_scope(&self, unit_ids: &[Uuid]) -> Result<HashSet<Uuid>> {
        CommandCenterPort::units_in_scope(&*self.store, unit_ids)
    }

    fn bulk_batch(&self, request_id: &str) -> Result<Option<BulkBatch>> {
        CommandCenterPort::bulk_batch(&*self.store, request_id)
    }

    /// As for renewals: a connected replica leaves the tenants' messages to the server.
    fn write_command_center(&mut self, writes: &[CommandCenterWrite], now: DateTime<Utc>) -> Result<()> {
        let Some(action) = self.action.clone() else { return self.store.write_command_center(writes, now) };
        self.store.transaction(|tx| {
            for w in writes.iter().filter(|w| !matches!(w, CommandCenterWrite::Enqueue(_))) {
                super::command_center::write(tx, w, now)?;
            }
            crate::sync_actions::queue(tx, &action, now)
        })
    }
}
