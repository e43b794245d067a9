//! The replica's side of the import port (`crate::import`): the natural keys it matches, the
//! one-transaction write, and the rent roll `export rent-roll` writes.

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::entities::{
    building_from_row, ledger_from_row, property_from_row, tenant_from_row, unit_from_row, BUILDING_COLS, LEDGER_COLS,
    PROPERTY_COLS, TENANT_COLS, UNIT_COLS,
};
use super::{
    get_uuid, insert_building, insert_lease, insert_ledger_entry, insert_property, insert_tenant, insert_unit,
};
use super::{Result, Store, StoreError};
use crate::import::{Existing, ExportRow, ImportPort, ImportWrites, OPENING_CATEGORY};
use crate::model::{LeaseStatus, LedgerEntry};

/// The refusal of a local import on a replica connected to a server.
pub const CONNECTED_REFUSAL: &str = "This replica is connected to a server, which is the system of record: import \
    there (POST /api/v1/import/rent-roll/ with the CSV as the body), then run `unitcycle sync` to pull the rows.";

impl Store {
    fn all<T>(&self, sql: &str, f: fn(&rusqlite::Row<'_>) -> rusqlite::Result<T>) -> Result<Vec<T>> {
        let mut stmt = self.conn().prepare(sql)?;
        let rows = stmt.query_map([], f)?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The rent roll: every unit by property and unit number, with its tenancy in place (not
    /// vacant) and that lease's balance.
    pub fn rent_roll(&self) -> Result<Vec<ExportRow>> {
        let mut out = Vec::new();
        let properties =
            self.all(&format!("SELECT {PROPERTY_COLS} FROM properties ORDER BY name, id"), property_from_row)?;
        for p in properties {
            let mut units = self.units(p.id)?;
            units.sort_by(|a, b| a.unit_number.cmp(&b.unit_number));
            for u in units {
                let tenancy = match self.current_lease_for_unit(u.id)? {
                    Some(l) if l.lease_status != LeaseStatus::Vacant => {
                        let t = self.tenant(l.tenant_id)?;
                        let balance = self.lease_balance(l.id)?;
                        Some((t, l, balance))
                    }
                    _ => None,
                };
                out.push(ExportRow { property: p.clone(), unit: u, tenancy });
            }
        }
        Ok(out)
    }
}

impl ImportPort for Store {
    fn import_existing(&self) -> Result<Existing> {
        let opening = {
            let mut stmt = self.conn().prepare(
                "SELECT DISTINCT lease_id FROM tenant_ledger_entry WHERE category = ?1 AND lease_id IS NOT NULL",
            )?;
            let rows = stmt.query_map([OPENING_CATEGORY], |r| get_uuid(r, 0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        Ok(Existing {
            properties: self.all(&format!("SELECT {PROPERTY_COLS} FROM properties"), property_from_row)?,
            buildings: self
                .all(&format!("SELECT {BUILDING_COLS} FROM buildings ORDER BY created_at, id"), building_from_row)?,
            units: self.all(&format!("SELECT {UNIT_COLS} FROM units_unit"), unit_from_row)?,
            tenants: self
                .all(&format!("SELECT {TENANT_COLS} FROM tenants ORDER BY created_at, id"), tenant_from_row)?,
            leases: self.leases_in(&[])?,
            opening_balances: opening,
        })
    }

    fn import_ledger(&self) -> Result<Vec<LedgerEntry>> {
        self.all(&format!("SELECT {LEDGER_COLS} FROM tenant_ledger_entry WHERE lease_id IS NOT NULL"), ledger_from_row)
    }

    fn write_import(&mut self, w: &ImportWrites, now: DateTime<Utc>) -> Result<()> {
        if crate::sync_actions::connected(self)? {
            return Err(StoreError::Rejected(CONNECTED_REFUSAL.into()));
        }
        self.transaction(|tx| {
            for p in &w.properties {
                insert_property(tx, p)?;
            }
            for (id, n) in &w.property_unit_counts {
                tx.execute(
                    "UPDATE properties SET total_units = ?2, updated_at = ?3 WHERE id = ?1",
                    params![id.to_string(), n, now],
                )?;
            }
            for b in &w.buildings {
                insert_building(tx, b)?;
            }
            for u in &w.units {
                insert_unit(tx, u)?;
            }
            for o in &w.occupied_units {
                tx.execute(
                    "UPDATE units_unit SET status = 'occupied', current_rent = ?2, updated_at = ?3 WHERE id = ?1",
                    params![o.unit_id.to_string(), o.current_rent.to_string(), now],
                )?;
            }
            for t in &w.tenants {
                insert_tenant(tx, t)?;
            }
            for l in &w.leases {
                insert_lease(tx, l)?;
            }
            for g in &w.status_log {
                tx.execute(
                    "INSERT INTO lease_status_log (id, lease_id, previous_status, new_status, reason, changed_by, metadata, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        g.id.to_string(),
                        g.lease_id.to_string(),
                        g.previous_status,
                        g.new_status,
                        g.reason,
                        g.changed_by,
                        g.metadata.to_string(),
                        g.created_at
                    ],
                )?;
            }
            for e in &w.ledger {
                insert_ledger_entry(tx, e)?;
            }
            Ok(())
        })
    }
}
