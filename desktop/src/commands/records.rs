//! The Records view: properties (with their time zone), buildings, units, tenants and ledger
//! entries entered by hand. Every write is one `RecordAction` (its serde form, tagged by
//! `action`) handed to `records::workflow::replica_record_action`, which checks it with the
//! core's constructors, writes it and, on a connected replica, queues it for the server; a new
//! lease goes through `lifecycle::new_lease` (refused on a connected replica: the server numbers
//! leases). The reads are what the view draws.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::ops::id;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::format::money;
use unitcycle_core::lifecycle::new_lease::{self, LeaseTerms};
use unitcycle_core::model::{Building, LedgerEntry, Property, Tenant, TransType};
use unitcycle_core::records::port::RecordsPort;
use unitcycle_core::records::workflow::replica_record_action;
use unitcycle_core::records::{void_id, RecordAction};
use unitcycle_core::store::{LeaseListRow, Store, UnitGridRow};

/// Why a connected replica signs no lease itself.
pub const LEASE_ON_SERVER: &str = "this replica syncs with a server, which numbers leases: sign the lease there \
     (POST /api/v1/tenants/leases/), and syncing brings it here";

/// What a records action wrote.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Written {
    /// The table of the row: `properties`, `buildings`, `units_unit`, `tenants`,
    /// `tenant_ledger_entry`.
    pub entity: &'static str,
    /// The row's id (for a void, the reversing entry's).
    pub id: Uuid,
    /// The row as stored.
    pub row: serde_json::Value,
    /// Whether the action waits in the outbox for the server (a connected replica).
    pub queued: bool,
}

/// A property's buildings and units in use, each unit with its current lease and tenant.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PropertyRecords {
    pub property: Property,
    pub buildings: Vec<Building>,
    pub units: Vec<UnitGridRow>,
}

/// One line of a lease's ledger.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LedgerLine {
    #[serde(flatten)]
    pub entry: LedgerEntry,
    /// "$1,850.00", negative for payments and credits.
    pub amount_label: String,
    /// Whether a reversing entry voids it (then it cannot be voided again).
    pub voided: bool,
}

/// A lease's ledger, oldest first, with its balance.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LeaseLedger {
    pub lease: LeaseListRow,
    pub entries: Vec<LedgerLine>,
    /// Charges minus payments (negative = credit), as a plain decimal.
    pub balance: String,
    pub balance_label: String,
    /// The property's local date (the default date of a new entry).
    pub today: NaiveDate,
}

fn row<T: Serialize>(value: T) -> CmdResult<serde_json::Value> {
    serde_json::to_value(value).map_err(|e| CommandError::new("database", e.to_string()))
}

fn written_row(store: &Store, entity: &'static str, id: Uuid) -> CmdResult<serde_json::Value> {
    match entity {
        "properties" => row(store.property(id)?),
        "buildings" => row(RecordsPort::building(store, id)?),
        "units_unit" => row(store.unit(id)?),
        "tenants" => row(store.tenant(id)?),
        _ => row(RecordsPort::ledger_entry(store, id)?
            .ok_or_else(|| CommandError::new("not_found", format!("No ledger entry with id {id}.")))?),
    }
}

/// Applies one records action: `entity_id` is the record changed (none for a create, which
/// gets a new id); `action` is a `RecordAction` as JSON, e.g.
/// `{"action": "create_unit", "property_id": "…", "unit_number": "101", "market_rent": "1850"}`.
/// A refusal comes back as `invalid_input` with the core's message, and nothing is written.
pub fn record_action(s: &AppState, entity_id: Option<String>, action: serde_json::Value) -> CmdResult<Written> {
    let action: RecordAction = serde_json::from_value(action)
        .map_err(|e| CommandError::invalid(format!("the change is not understood: {e}")))?;
    let target = match (action.creates(), entity_id.as_deref().map(str::trim).filter(|t| !t.is_empty())) {
        (true, _) => Uuid::new_v4(),
        (false, Some(text)) => id(text)?,
        (false, None) => return Err(CommandError::invalid("which record? this change needs the record's id")),
    };
    let mut store = s.store()?;
    let queued = unitcycle_core::sync_actions::connected(&store)?;
    let written = replica_record_action(&mut store, target, &action, Utc::now())?;
    let entity = action.entity();
    Ok(Written { entity, id: written, row: written_row(&store, entity, written)?, queued })
}

/// Every property, archived ones only when asked (each has `archived_at`).
pub fn list_properties(s: &AppState, include_archived: bool) -> CmdResult<Vec<Property>> {
    let mut list = s.store()?.properties()?;
    list.retain(|p| include_archived || p.archived_at.is_none());
    Ok(list)
}

pub fn property_records(s: &AppState, property_id: String) -> CmdResult<PropertyRecords> {
    let id = id(&property_id)?;
    let store = s.store()?;
    let property = store.property(id)?;
    let grid = store.property_grid(id)?;
    Ok(PropertyRecords { property, buildings: grid.buildings, units: grid.units })
}

/// A lease's ledger with every entry, whether it is voided, and the balance.
pub fn lease_ledger(s: &AppState, lease_id: String) -> CmdResult<LeaseLedger> {
    let id = id(&lease_id)?;
    let store = s.store()?;
    let lease = store.lease_row(id)?;
    let property = store.property(lease.lease.property_id)?;
    let today = unitcycle_core::time::today_in(&property.time_zone, Utc::now()).map_err(CommandError::invalid)?;
    let mut entries = store.ledger(lease.lease.tenant_id, None)?;
    entries.retain(|e| e.lease_id == Some(id));
    let ids: HashSet<Uuid> = entries.iter().map(|e| e.id).collect();
    let balance = store.lease_balance(id)?;
    Ok(LeaseLedger {
        entries: entries
            .into_iter()
            .map(|entry| LedgerLine {
                amount_label: match entry.trans_type {
                    TransType::Charge => money(entry.amount),
                    TransType::Payment => money(-entry.amount),
                },
                voided: ids.contains(&void_id(entry.id)),
                entry,
            })
            .collect(),
        balance: balance.to_string(),
        balance_label: money(balance),
        today,
        lease,
    })
}

/// The tenant on record with this email (any case), if any: the new-lease form offers them
/// instead of adding the same person twice.
pub fn find_tenant(s: &AppState, email: String) -> CmdResult<Option<Tenant>> {
    Ok(s.store()?.tenant_by_email(&email)?)
}

/// Signs a new lease of a vacant unit to a tenant (`terms` as `LeaseTerms` JSON: dates, rent and
/// deposit as strings). The core refuses a unit that is leased or archived, bad terms and, on a
/// connected replica, the lease itself (the server numbers leases).
pub fn new_lease(
    s: &AppState,
    unit_id: String,
    tenant_id: String,
    terms: serde_json::Value,
) -> CmdResult<LeaseListRow> {
    let terms: LeaseTerms = serde_json::from_value(terms)
        .map_err(|e| CommandError::invalid(format!("the lease terms are not understood: {e}")))?;
    let (unit, tenant) = (id(&unit_id)?, id(&tenant_id)?);
    let mut store = s.store()?;
    if unitcycle_core::sync_actions::connected(&store)? {
        return Err(CommandError::new("connected", LEASE_ON_SERVER));
    }
    let lease = new_lease::new_lease(&mut *store, unit, tenant, terms, &super::portfolio::actor(), Utc::now())?;
    Ok(store.lease_row(lease.id)?)
}
