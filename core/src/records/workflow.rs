//! One workflow for every records action, over [`RecordsPort`]: read what the action is checked
//! against, build the rows with the checked constructors of `super`, hand them to the port in
//! one write. The server's endpoints, a connected replica's pushed actions, the CLI, the TUI
//! and the desktop all call [`apply_record_action`] (a replica through [`replica_record_action`]).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::port::{Holder, RecordWrite, RecordsPort};
use super::{void_entry, void_id, RecordAction};
use crate::model::{Lease, LeaseStatus, Property, Unit};
use crate::store::{Queueing, Result, Store, StoreError};

fn refuse<T>(why: impl Into<String>) -> Result<T> {
    Err(StoreError::Rejected(why.into()))
}

/// Whether a lookup found its row (a missing row is `false`, any other failure an error).
fn found<T>(r: Result<T>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The property, if the caller may change its records and it is in use.
fn writable_property<P: RecordsPort>(port: &P, id: Uuid) -> Result<Property> {
    let p = port.property(id)?;
    if !port.may_write(id) {
        return Err(StoreError::NotFound { what: "property", id: id.to_string() });
    }
    if p.archived_at.is_some() {
        return refuse(format!("Property {} is archived.", p.name));
    }
    Ok(p)
}

/// The leases that hold a unit or a tenant now (not vacant).
fn live(leases: Vec<Lease>) -> Vec<Lease> {
    leases.into_iter().filter(|l| l.lease_status != LeaseStatus::Vacant).collect()
}

fn refuse_if_live(leases: Vec<Lease>, what: &str) -> Result<()> {
    match live(leases).first() {
        Some(l) => refuse(format!(
            "{what} has a lease in place ({} is {}): end it before archiving.",
            l.lease_number,
            l.lease_status.label()
        )),
        None => Ok(()),
    }
}

/// The property's row with `total_units` set to its units in use after `changed` is written.
fn recount(port: &impl RecordsPort, property: &Property, changed: &Unit, now: DateTime<Utc>) -> Result<Property> {
    let mut units = port.units_of(property.id)?;
    units.retain(|u| u.id != changed.id);
    units.push(changed.clone());
    let total = units.iter().filter(|u| u.archived_at.is_none()).count() as i64;
    Ok(Property { total_units: total, updated_at: now, ..property.clone() })
}

fn check_unit_number(port: &impl RecordsPort, unit: &Unit) -> Result<()> {
    let taken = port
        .units_of(unit.property_id)?
        .into_iter()
        .any(|u| u.id != unit.id && u.unit_number.eq_ignore_ascii_case(&unit.unit_number));
    if taken {
        return refuse(format!("The property already has a unit {}.", unit.unit_number));
    }
    Ok(())
}

fn check_building(port: &impl RecordsPort, unit: &Unit) -> Result<()> {
    let Some(b) = unit.building_id else { return Ok(()) };
    match found(port.building(b))? {
        Some(b) if b.property_id == unit.property_id && b.archived_at.is_none() => Ok(()),
        Some(b) if b.archived_at.is_some() => refuse(format!("Building {} is archived.", b.name)),
        _ => refuse(format!("Building {b} is not a building of this property.")),
    }
}

fn check_email(port: &impl RecordsPort, email: &str, tenant: Uuid) -> Result<()> {
    match port.tenant_with_email(email)? {
        Some(other) if other != tenant => refuse(format!("A tenant with the email '{email}' is already on record.")),
        _ => Ok(()),
    }
}

/// A tenant the caller may change: one with a lease in the caller's properties, or none yet.
fn writable_tenant(port: &impl RecordsPort, id: Uuid) -> Result<(crate::model::Tenant, Vec<Lease>)> {
    let t = port.tenant(id)?;
    let leases = port.leases_of(Holder::Tenant(id))?;
    if !leases.is_empty() && !leases.iter().any(|l| port.may_write(l.property_id)) {
        return Err(StoreError::NotFound { what: "tenant", id: id.to_string() });
    }
    Ok((t, leases))
}

/// Applies `action` to record `id` (for a new record, the id it gets) and returns the id of the
/// row written (for a void, the reversing entry's).
pub fn apply_record_action<P: RecordsPort>(
    port: &mut P,
    id: Uuid,
    action: &RecordAction,
    now: DateTime<Utc>,
) -> Result<Uuid> {
    use RecordAction::*;
    let rejected = StoreError::Rejected;
    let (written, rows) = match action.clone() {
        CreateProperty(input) => {
            if found(port.property(id))?.is_some() {
                return refuse(format!("Property {id} already exists."));
            }
            (id, vec![RecordWrite::Property(input.into_property(id, now).map_err(rejected)?)])
        }
        UpdateProperty(patch) => {
            let p = writable_property(port, id)?;
            (id, vec![RecordWrite::Property(patch.apply(&p, now).map_err(rejected)?)])
        }
        ArchiveProperty => {
            let p = writable_property(port, id)?;
            refuse_if_live(port.leases_of(Holder::Property(id))?, &format!("Property {}", p.name))?;
            let mut rows = vec![RecordWrite::Property(Property { archived_at: Some(now), updated_at: now, ..p })];
            for b in port.buildings_of(id)?.into_iter().filter(|b| b.archived_at.is_none()) {
                rows.push(RecordWrite::Building(crate::model::Building { archived_at: Some(now), ..b }));
            }
            for u in port.units_of(id)?.into_iter().filter(|u| u.archived_at.is_none()) {
                rows.push(RecordWrite::Unit(Unit { archived_at: Some(now), updated_at: now, ..u }));
            }
            (id, rows)
        }
        CreateBuilding(input) => {
            writable_property(port, input.property_id)?;
            if found(port.building(id))?.is_some() {
                return refuse(format!("Building {id} already exists."));
            }
            (id, vec![RecordWrite::Building(input.into_building(id, now).map_err(rejected)?)])
        }
        UpdateBuilding(patch) => {
            let b = port.building(id)?;
            writable_property(port, b.property_id)?;
            (id, vec![RecordWrite::Building(patch.apply(&b).map_err(rejected)?)])
        }
        ArchiveBuilding => {
            let b = port.building(id)?;
            writable_property(port, b.property_id)?;
            let units = port.units_of(b.property_id)?;
            if let Some(u) = units.iter().find(|u| u.building_id == Some(id) && u.archived_at.is_none()) {
                return refuse(format!(
                    "Building {} still has unit {} in use: move or archive its units first.",
                    b.name, u.unit_number
                ));
            }
            (id, vec![RecordWrite::Building(crate::model::Building { archived_at: Some(now), ..b })])
        }
        CreateUnit(input) => {
            let p = writable_property(port, input.property_id)?;
            if found(port.unit(id))?.is_some() {
                return refuse(format!("Unit {id} already exists."));
            }
            let unit = input.into_unit(id, now).map_err(rejected)?;
            check_unit_number(port, &unit)?;
            check_building(port, &unit)?;
            let property = recount(port, &p, &unit, now)?;
            (id, vec![RecordWrite::Unit(unit), RecordWrite::Property(property)])
        }
        UpdateUnit(patch) => {
            let u = port.unit(id)?;
            writable_property(port, u.property_id)?;
            if u.archived_at.is_some() {
                return refuse(format!("Unit {} is archived.", u.unit_number));
            }
            let leased = !live(port.leases_of(Holder::Unit(id))?).is_empty();
            let unit = patch.apply(&u, leased, now).map_err(rejected)?;
            check_unit_number(port, &unit)?;
            check_building(port, &unit)?;
            (id, vec![RecordWrite::Unit(unit)])
        }
        ArchiveUnit => {
            let u = port.unit(id)?;
            let p = writable_property(port, u.property_id)?;
            refuse_if_live(port.leases_of(Holder::Unit(id))?, &format!("Unit {}", u.unit_number))?;
            let unit = Unit { archived_at: Some(now), updated_at: now, ..u };
            let property = recount(port, &p, &unit, now)?;
            (id, vec![RecordWrite::Unit(unit), RecordWrite::Property(property)])
        }
        AddTenant(input) => {
            if found(port.tenant(id))?.is_some() {
                return refuse(format!("Tenant {id} already exists."));
            }
            let tenant = crate::model::Tenant { id, ..input.into_tenant(now).map_err(rejected)? };
            check_email(port, &tenant.email, id)?;
            (id, vec![RecordWrite::Tenant(tenant)])
        }
        UpdateTenant(patch) => {
            let (t, _) = writable_tenant(port, id)?;
            let tenant = patch.apply(&t, now).map_err(rejected)?;
            check_email(port, &tenant.email, id)?;
            (id, vec![RecordWrite::Tenant(tenant)])
        }
        ArchiveTenant => {
            let (t, leases) = writable_tenant(port, id)?;
            refuse_if_live(leases, &format!("Tenant {}", t.full_name()))?;
            (id, vec![RecordWrite::Tenant(crate::model::Tenant { archived_at: Some(now), ..t })])
        }
        PostLedger(input) => {
            let lease = port.lease(input.lease_id)?;
            let p = writable_property(port, lease.property_id)?;
            if port.ledger_entry(id)?.is_some() {
                return refuse(format!("Ledger entry {id} already exists."));
            }
            let entry = input.into_entry(&lease, id, crate::time::today_of(&p, now)?, now).map_err(rejected)?;
            (id, vec![RecordWrite::Ledger(entry)])
        }
        VoidLedger { reason } => {
            let e = port.ledger_entry(id)?.ok_or(StoreError::NotFound { what: "ledger entry", id: id.to_string() })?;
            let property = match e.property_id {
                Some(p) => port.property(p)?,
                None => return refuse("This entry has no property; it cannot be voided here."),
            };
            if !port.may_write(property.id) {
                return Err(StoreError::NotFound { what: "ledger entry", id: id.to_string() });
            }
            let vid = void_id(id);
            if port.ledger_entry(vid)?.is_some() {
                return refuse("This entry is already voided.");
            }
            let reversal =
                void_entry(&e, &reason, vid, crate::time::today_of(&property, now)?, now).map_err(rejected)?;
            (vid, vec![RecordWrite::Ledger(reversal)])
        }
    };
    port.write_records(&rows, now)?;
    Ok(written)
}

/// A person's records action on a replica: applied at once and, on a connected replica, queued
/// for the server in the same transaction (the server applies it with [`apply_record_action`]).
pub fn replica_record_action(store: &mut Store, id: Uuid, action: &RecordAction, now: DateTime<Utc>) -> Result<Uuid> {
    let json = serde_json::to_value(action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    apply_record_action(&mut Queueing::on_replica(store, action.entity(), id, json)?, id, action, now)
}
