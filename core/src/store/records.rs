//! The replica's side of the records port (`crate::records`): reads by id, by property and by
//! lease holder, and the one-transaction write (edits are upserts from each entity's column
//! list, `entities::upsert_sql`).

use chrono::{DateTime, Utc};
use rusqlite::Transaction;
use uuid::Uuid;

use super::entities::{
    building_from_row, collect, insert_building, insert_ledger_entry, insert_property, insert_tenant, insert_unit,
    ledger_from_row, unit_from_row, BUILDING_COLS, LEDGER_COLS, UNIT_COLS,
};
use super::leases::{lease_from_row, LEASE_COLS};
use super::{found, optional, Queueing, Result, Store, StoreError};
use crate::model::{Building, Lease, LedgerEntry, Unit};
use crate::records::port::{Holder, RecordWrite, RecordsPort};

fn apply(tx: &Transaction<'_>, rows: &[RecordWrite]) -> Result<()> {
    for row in rows {
        match row {
            RecordWrite::Property(p) => insert_property(tx, p)?,
            RecordWrite::Building(b) => insert_building(tx, b)?,
            RecordWrite::Unit(u) => insert_unit(tx, u)?,
            RecordWrite::Tenant(t) => insert_tenant(tx, t)?,
            RecordWrite::Ledger(e) => {
                if !insert_ledger_entry(tx, e)? {
                    return Err(StoreError::Conflict { what: "ledger entry", now: "it is stored already".into() });
                }
            }
        }
    }
    Ok(())
}

impl RecordsPort for Store {
    fn may_write(&self, _property_id: Uuid) -> bool {
        true
    }

    fn building(&self, id: Uuid) -> Result<Building> {
        let r = self.conn().query_row(
            &format!("SELECT {BUILDING_COLS} FROM buildings WHERE id = ?1"),
            [id.to_string()],
            building_from_row,
        );
        found(optional(r)?, "Building", id)
    }

    fn buildings_of(&self, property_id: Uuid) -> Result<Vec<Building>> {
        let sql = format!("SELECT {BUILDING_COLS} FROM buildings WHERE property_id = ?1 ORDER BY name");
        collect(self, &sql, [property_id.to_string()], building_from_row)
    }

    fn units_of(&self, property_id: Uuid) -> Result<Vec<Unit>> {
        let sql = format!("SELECT {UNIT_COLS} FROM units_unit WHERE property_id = ?1 ORDER BY unit_number");
        collect(self, &sql, [property_id.to_string()], unit_from_row)
    }

    fn leases_of(&self, holder: Holder) -> Result<Vec<Lease>> {
        let (column, id) = holder.column();
        let sql = format!("SELECT {LEASE_COLS} FROM tenant_lease l WHERE l.{column} = ?1 ORDER BY l.lease_begin_date");
        collect(self, &sql, [id.to_string()], lease_from_row)
    }

    fn tenant_with_email(&self, email: &str) -> Result<Option<Uuid>> {
        Ok(self.tenant_by_email(email)?.map(|t| t.id))
    }

    fn ledger_entry(&self, id: Uuid) -> Result<Option<LedgerEntry>> {
        let r = self.conn().query_row(
            &format!("SELECT {LEDGER_COLS} FROM tenant_ledger_entry WHERE id = ?1"),
            [id.to_string()],
            ledger_from_row,
        );
        optional(r)
    }

    fn write_records(&mut self, rows: &[RecordWrite], _now: DateTime<Utc>) -> Result<()> {
        self.transaction(|tx| apply(tx, rows))
    }
}

impl RecordsPort for Queueing<'_> {
    fn may_write(&self, property_id: Uuid) -> bool {
        self.store.may_write(property_id)
    }

    fn building(&self, id: Uuid) -> Result<Building> {
        self.store.building(id)
    }

    fn buildings_of(&self, property_id: Uuid) -> Result<Vec<Building>> {
        self.store.buildings_of(property_id)
    }

    fn units_of(&self, property_id: Uuid) -> Result<Vec<Unit>> {
        self.store.units_of(property_id)
    }

    fn leases_of(&self, holder: Holder) -> Result<Vec<Lease>> {
        self.store.leases_of(holder)
    }

    fn tenant_with_email(&self, email: &str) -> Result<Option<Uuid>> {
        RecordsPort::tenant_with_email(&*self.store, email)
    }

    fn ledger_entry(&self, id: Uuid) -> Result<Option<LedgerEntry>> {
        self.store.ledger_entry(id)
    }

    fn write_records(&mut self, rows: &[RecordWrite], now: DateTime<Utc>) -> Result<()> {
        let action = self.action.clone();
        self.store.transaction(|tx| {
            apply(tx, rows)?;
            match &action {
                Some(a) => crate::sync_actions::queue(tx, a, now),
                None => Ok(()),
            }
        })
    }
}
