//! What the records workflow reads and writes: the port both stores implement.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::model::{Building, Lease, LedgerEntry, Property, Tenant, Unit};
use crate::port::Records;
use crate::store::Result;

/// Whose leases to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Property(Uuid),
    Unit(Uuid),
    Tenant(Uuid),
}

impl Holder {
    /// The `tenant_lease` column that names the holder, and its id (both stores query by it).
    pub fn column(self) -> (&'static str, Uuid) {
        match self {
            Holder::Property(id) => ("property_id", id),
            Holder::Unit(id) => ("unit_id", id),
            Holder::Tenant(id) => ("tenant_id", id),
        }
    }
}

/// One row a records action writes: a new row, or the whole row after an edit or archive.
#[derive(Debug, Clone, PartialEq)]
pub enum RecordWrite {
    Property(Property),
    Building(Building),
    Unit(Unit),
    Tenant(Tenant),
    /// A new ledger entry (entries are never edited; a void is a new reversing entry).
    Ledger(LedgerEntry),
}

/// Built on [`Records`]: the reads a records action checks against, and its writes.
pub trait RecordsPort: Records {
    /// Whether the caller may change records of `property_id` (a server port checks the
    /// caller's grants; a replica holds only its own properties).
    fn may_write(&self, property_id: Uuid) -> bool;
    fn building(&self, id: Uuid) -> Result<Building>;
    /// Every building of a property, archived ones too.
    fn buildings_of(&self, property_id: Uuid) -> Result<Vec<Building>>;
    /// Every unit of a property, archived ones too.
    fn units_of(&self, property_id: Uuid) -> Result<Vec<Unit>>;
    /// Every lease of a property, unit or tenant, whatever its status.
    fn leases_of(&self, holder: Holder) -> Result<Vec<Lease>>;
    /// The tenant with this (lower-case) email, if any.
    fn tenant_with_email(&self, email: &str) -> Result<Option<Uuid>>;
    fn ledger_entry(&self, id: Uuid) -> Result<Option<LedgerEntry>>;
    /// Writes `rows` in one transaction (all or none), entering each in the change log.
    fn write_records(&mut self, rows: &[RecordWrite], now: DateTime<Utc>) -> Result<()>;
}
