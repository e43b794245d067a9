//! Records: the base rows a manager enters and keeps (properties with their time zone,
//! buildings, units, tenants, ledger entries). Each change is a [`RecordAction`] checked here,
//! where it is made, so the API, the CLI, the TUI and the desktop refuse alike; the workflow
//! (`workflow.rs`) applies it over [`port::RecordsPort`] on either store, and a connected replica
//! queues it for the server like any other person's action.
//!
//! Nothing with history is deleted: properties, buildings, units and tenants are archived
//! (kept for their leases, ledger and logs; hidden from lists; no new lease), and a ledger entry
//! is voided by a reversing entry, so every balance can be traced.

pub mod port;
pub mod workflow;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::format::{check_amount, check_date, check_text, fits_money, money_too_large};
use crate::lifecycle::new_lease::TenantInput;
use crate::model::{Building, LedgerEntry, Property, Tenant, TransType, Unit, UnitStatus};

/// The property types a property may have (`properties.property_type`).
pub const PROPERTY_TYPES: &[&str] = &["multifamily", "single_family", "townhome", "condo", "mixed_use", "commercial"];

/// A new property as a person gives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ToSchema, specta::Type)]
pub struct PropertyInput {
    pub name: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub zip_code: String,
    #[serde(default = "multifamily")]
    pub property_type: String,
    #[serde(default)]
    pub year_built: Option<i32>,
    /// IANA name, e.g. `America/Los_Angeles`.
    #[serde(default = "utc")]
    pub time_zone: String,
}

fn multifamily() -> String {
    "multifamily".into()
}

fn utc() -> String {
    crate::time::DEFAULT_ZONE.into()
}

/// Changes to a property: each field given replaces the stored one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ToSchema, specta::Type)]
pub struct PropertyPatch {
    pub name: Option<String>,
    pub address: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub zip_code: Option<String>,
    pub property_type: Option<String>,
    pub year_built: Option<i32>,
    pub time_zone: Option<String>,
}

impl PropertyInput {
    /// Checks the fields and makes the record `id` (text lengths, a known property type, a
    /// plausible year built, an IANA time zone).
    pub fn into_property(self, id: Uuid, now: DateTime<Utc>) -> Result<Property, String> {
        let property_type = self.property_type.trim().to_lowercase();
        if !PROPERTY_TYPES.contains(&property_type.as_str()) {
            return Err(format!(
                "property_type '{}' is not one of: {}.",
                self.property_type,
                PROPERTY_TYPES.join(", ")
            ));
        }
        if let Some(y) = self.year_built {
            if !(1600..=2100).contains(&y) {
                return Err(format!("year_built must be from 1600 to 2100 (got {y})."));
            }
        }
        let time_zone = self.time_zone.trim().to_string();
        crate::time::zone(&time_zone)?;
        Ok(Property {
            id,
            name: check_text("name", &self.name, 200, true)?,
            address: check_text("address", &self.address, 200, false)?,
            city: check_text("city", &self.city, 100, false)?,
            state: check_text("state", &self.state, 50, false)?,
            zip_code: check_text("zip_code", &self.zip_code, 20, false)?,
            property_type,
            total_units: 0,
            year_built: self.year_built,
            created_at: now,
            updated_at: now,
            time_zone,
            archived_at: None,
        })
    }
}

impl PropertyPatch {
    /// The property with the patch applied, checked like a new one.
    pub fn apply(self, p: &Property, now: DateTime<Utc>) -> Result<Property, String> {
        let input = PropertyInput {
            name: self.name.unwrap_or_else(|| p.name.clone()),
            address: self.address.unwrap_or_else(|| p.address.clone()),
            city: self.city.unwrap_or_else(|| p.city.clone()),
            state: self.state.unwrap_or_else(|| p.state.clone()),
            zip_code: self.zip_code.unwrap_or_else(|| p.zip_code.clone()),
            property_type: self.property_type.unwrap_or_else(|| p.property_type.clone()),
            year_built: self.year_built.or(p.year_built),
            time_zone: self.time_zone.unwrap_or_else(|| p.time_zone.clone()),
        };
        let new = input.into_property(p.id, now)?;
        Ok(Property { total_units: p.total_units, created_at: p.created_at, archived_at: p.archived_at, ..new })
    }
}

/// A new building of a property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, specta::Type)]
pub struct BuildingInput {
    pub property_id: Uuid,
    pub name: String,
    #[serde(default = "one")]
    pub floors: i32,
}

fn one() -> i32 {
    1
}

/// Changes to a building.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ToSchema, specta::Type)]
pub struct BuildingPatch {
    pub name: Option<String>,
    pub floors: Option<i32>,
}

fn check_floors(floors: i32) -> Result<i32, String> {
    if !(1..=200).contains(&floors) {
        return Err(format!("floors must be from 1 to 200 (got {floors})."));
    }
    Ok(floors)
}

impl BuildingInput {
    pub fn into_building(self, id: Uuid, now: DateTime<Utc>) -> Result<Building, String> {
        Ok(Building {
            id,
            property_id: self.property_id,
            name: check_text("name", &self.name, 100, true)?,
            floors: check_floors(self.floors)?,
            created_at: now,
            archived_at: None,
        })
    }
}

impl BuildingPatch {
    pub fn apply(self, b: &Building) -> Result<Building, String> {
        Ok(Building {
            name: check_text("name", self.name.as_deref().unwrap_or(&b.name), 100, true)?,
            floors: check_floors(self.floors.unwrap_or(b.floors))?,
            ..b.clone()
        })
    }
}

/// A new unit of a property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, specta::Type)]
pub struct UnitInput {
    pub property_id: Uuid,
    #[serde(default)]
    pub building_id: Option<Uuid>,
    pub unit_number: String,
    #[serde(default = "one")]
    pub floor: i32,
    #[serde(default = "one")]
    pub bedrooms: i32,
    #[serde(default = "one_bath")]
    pub bathrooms: Decimal,
    #[serde(default)]
    pub square_feet: i32,
    #[serde(default, with = "crate::format::wire::money")]
    pub market_rent: Decimal,
}

fn one_bath() -> Decimal {
    Decimal::ONE
}

/// Changes to a unit. `status` may move a unit no lease holds between `vacant` and
/// `maintenance` (occupied comes only from a lease).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ToSchema, specta::Type)]
pub struct UnitPatch {
    pub building_id: Option<Uuid>,
    pub unit_number: Option<String>,
    pub floor: Option<i32>,
    pub bedrooms: Option<i32>,
    pub bathrooms: Option<Decimal>,
    pub square_feet: Option<i32>,
    pub market_rent: Option<Decimal>,
    /// `vacant` or `maintenance`.
    #[schema(value_type = Option<String>)]
    pub status: Option<UnitStatus>,
}

impl UnitInput {
    /// Checks the fields: a unit number (at most 20 characters), floor −5–200, 0–20 bedrooms,
    /// bathrooms 0–20 in halves, 0–100,000 square feet, a market rent within a money column.
    pub fn into_unit(self, id: Uuid, now: DateTime<Utc>) -> Result<Unit, String> {
        if !(-5..=200).contains(&self.floor) {
            return Err(format!("floor must be from -5 to 200 (got {}).", self.floor));
        }
        if !(0..=20).contains(&self.bedrooms) {
            return Err(format!("bedrooms must be from 0 to 20 (got {}).", self.bedrooms));
        }
        let halves = self.bathrooms * Decimal::TWO;
        if !(Decimal::ZERO..=Decimal::from(20)).contains(&self.bathrooms) || halves.fract() != Decimal::ZERO {
            return Err(format!("bathrooms must be from 0 to 20 in halves (got {}).", self.bathrooms));
        }
        if !(0..=100_000).contains(&self.square_feet) {
            return Err(format!("square_feet must be from 0 to 100000 (got {}).", self.square_feet));
        }
        Ok(Unit {
            id,
            property_id: self.property_id,
            building_id: self.building_id,
            unit_number: check_text("unit_number", &self.unit_number, 20, true)?,
            floor: self.floor,
            bedrooms: self.bedrooms,
            bathrooms: self.bathrooms.normalize(),
            square_feet: self.square_feet,
            market_rent: check_amount("market_rent", self.market_rent)?,
            current_rent: Decimal::ZERO,
            status: UnitStatus::Vacant,
            created_at: now,
            updated_at: now,
            archived_at: None,
        })
    }
}

impl UnitPatch {
    /// The unit with the patch applied, checked like a new one; `leased` says whether a lease
    /// holds it now (then its status is the lease's to set).
    pub fn apply(self, u: &Unit, leased: bool, now: DateTime<Utc>) -> Result<Unit, String> {
        let status = match self.status {
            None => u.status,
            Some(s) if s == u.status => s,
            Some(UnitStatus::Occupied) => {
                return Err("A unit becomes occupied by a lease (sign one), not by an edit.".into())
            }
            Some(_) if leased => {
                return Err(format!("Unit {} is leased: its status follows the lease.", u.unit_number))
            }
            Some(s) => s,
        };
        let input = UnitInput {
            property_id: u.property_id,
            building_id: self.building_id.or(u.building_id),
            unit_number: self.unit_number.unwrap_or_else(|| u.unit_number.clone()),
            floor: self.floor.unwrap_or(u.floor),
            bedrooms: self.bedrooms.unwrap_or(u.bedrooms),
            bathrooms: self.bathrooms.unwrap_or(u.bathrooms),
            square_feet: self.square_feet.unwrap_or(u.square_feet),
            market_rent: self.market_rent.unwrap_or(u.market_rent),
        };
        let new = input.into_unit(u.id, now)?;
        Ok(Unit { current_rent: u.current_rent, status, created_at: u.created_at, archived_at: u.archived_at, ..new })
    }
}

/// Changes to a tenant, checked like a new one ([`TenantInput`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, ToSchema, specta::Type)]
pub struct TenantPatch {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub date_of_birth: Option<NaiveDate>,
    /// Where letters go after the tenant moves out; an empty string clears it.
    #[serde(default)]
    pub forwarding_address: Option<String>,
}

impl TenantPatch {
    pub fn apply(self, t: &Tenant, now: DateTime<Utc>) -> Result<Tenant, String> {
        let input = TenantInput {
            first_name: self.first_name.unwrap_or_else(|| t.first_name.clone()),
            last_name: self.last_name.unwrap_or_else(|| t.last_name.clone()),
            email: self.email.unwrap_or_else(|| t.email.clone()),
            phone: self.phone.unwrap_or_else(|| t.phone.clone()),
            date_of_birth: self.date_of_birth.or(t.date_of_birth),
        };
        let forwarding_address = match self.forwarding_address {
            Some(a) => check_text("Forwarding address", &a, 300, false)?,
            None => t.forwarding_address.clone(),
        };
        let new = input.into_tenant(now)?;
        Ok(Tenant { id: t.id, created_at: t.created_at, archived_at: t.archived_at, forwarding_address, ..new })
    }
}

/// What a ledger entry a person posts does: a charge the tenant owes, a payment received, or a
/// credit (a concession that lowers the balance; stored as a `Payment` of category `credit`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    Charge,
    Payment,
    Credit,
}

impl std::str::FromStr for EntryKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_lowercase().as_str() {
            "charge" => Ok(EntryKind::Charge),
            "payment" | "pay" => Ok(EntryKind::Payment),
            "credit" => Ok(EntryKind::Credit),
            other => Err(format!("kind '{other}' is not one of: charge, payment, credit.")),
        }
    }
}

/// A ledger entry a person posts on a lease.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema, specta::Type)]
pub struct LedgerInput {
    pub lease_id: Uuid,
    pub kind: EntryKind,
    /// For a charge: `rent`, `late_fee`, `utility`, `damage`, `deposit`, `other`, … Payments are
    /// `payment` and credits `credit` whatever is given.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(with = "crate::format::wire::money")]
    pub amount: Decimal,
    #[serde(with = "crate::format::wire::date")]
    pub trans_date: NaiveDate,
    /// For a charge: when it falls due (its `trans_date` when not given).
    #[serde(default, with = "crate::format::wire::opt_date")]
    pub due_date: Option<NaiveDate>,
}

/// The charge categories a person may post.
pub const CHARGE_CATEGORIES: &[&str] =
    &["rent", "late_fee", "utility", "damage", "deposit", "parking", "pet", "fee", "other"];

impl LedgerInput {
    /// The entry on `lease`: an amount above zero within a money column, at most two decimals,
    /// dated no later than `today` + 1 year, a due date not before the transaction.
    pub fn into_entry(
        self,
        lease: &crate::model::Lease,
        id: Uuid,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<LedgerEntry, String> {
        let amount = check_amount("amount", self.amount)?;
        if amount <= Decimal::ZERO {
            return Err("amount must be greater than zero.".into());
        }
        check_date("trans_date", self.trans_date)?;
        if let Some(due) = self.due_date {
            check_date("due_date", due)?;
        }
        if self.trans_date > today + chrono::Duration::days(366) {
            return Err(format!("trans_date {} is more than a year ahead.", self.trans_date));
        }
        let (trans_type, category, due_date) = match self.kind {
            EntryKind::Charge => {
                let category = match self.category.trim().to_lowercase() {
                    c if c.is_empty() => "other".to_string(),
                    c if CHARGE_CATEGORIES.contains(&c.as_str()) => c,
                    c => return Err(format!("category '{c}' is not one of: {}.", CHARGE_CATEGORIES.join(", "))),
                };
                let due = self.due_date.unwrap_or(self.trans_date);
                if due < self.trans_date {
                    return Err(format!("due_date {due} is before trans_date {}.", self.trans_date));
                }
                (TransType::Charge, category, Some(due))
            }
            EntryKind::Payment => (TransType::Payment, "payment".to_string(), None),
            EntryKind::Credit => (TransType::Payment, "credit".to_string(), None),
        };
        let description = match check_text("description", &self.description, 200, false)? {
            d if d.is_empty() => default_description(self.kind, &category),
            d => d,
        };
        Ok(LedgerEntry {
            id,
            tenant_id: lease.tenant_id,
            lease_id: Some(lease.id),
            unit_id: Some(lease.unit_id),
            property_id: Some(lease.property_id),
            trans_type,
            category,
            description,
            amount,
            trans_date: self.trans_date,
            due_date,
            created_at: now,
        })
    }
}

fn default_description(kind: EntryKind, category: &str) -> String {
    match kind {
        EntryKind::Charge => format!("{} charge", category.replace('_', " ")),
        EntryKind::Payment => "Payment".into(),
        EntryKind::Credit => "Credit".into(),
    }
}

/// The reversing entry that voids `e` on `today`: the same amount the other way, category
/// `void`, so the entry and its reversal both stay on the ledger.
pub fn void_entry(
    e: &LedgerEntry,
    reason: &str,
    id: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<LedgerEntry, String> {
    if e.category == VOID_CATEGORY {
        return Err("A voiding entry cannot itself be voided; post a new entry instead.".into());
    }
    if !fits_money(e.amount) {
        return Err(money_too_large("amount", e.amount));
    }
    let reason = check_text("reason", reason, 200, true)?;
    let (trans_type, due_date) = match e.trans_type {
        TransType::Charge => (TransType::Payment, None),
        TransType::Payment => (TransType::Charge, Some(today)),
    };
    Ok(LedgerEntry {
        id,
        trans_type,
        category: VOID_CATEGORY.into(),
        description: format!(
            "Void of {} {} of {} ({reason})",
            e.category.replace('_', " "),
            e.trans_type.as_str().to_lowercase(),
            e.trans_date
        ),
        trans_date: today,
        due_date,
        created_at: now,
        ..e.clone()
    })
}

/// The category of a reversing entry.
pub const VOID_CATEGORY: &str = "void";

/// The id of the entry that voids `entry` (derived, so a second void of the same entry is the
/// same row and refused).
pub fn void_id(entry: Uuid) -> Uuid {
    Uuid::new_v5(&entry, b"void")
}

/// A person's change to a record. `entity` and the record's id travel beside it (a
/// `FeatureAction` of a connected replica); for a new record the id is the one the new record
/// gets, chosen where the action is made, so the replica's and the server's rows are one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum RecordAction {
    CreateProperty(PropertyInput),
    UpdateProperty(PropertyPatch),
    ArchiveProperty,
    CreateBuilding(BuildingInput),
    UpdateBuilding(BuildingPatch),
    ArchiveBuilding,
    CreateUnit(UnitInput),
    UpdateUnit(UnitPatch),
    ArchiveUnit,
    AddTenant(TenantInput),
    UpdateTenant(TenantPatch),
    ArchiveTenant,
    PostLedger(LedgerInput),
    VoidLedger { reason: String },
}

impl RecordAction {
    /// The table of the record the action is about (the `entity` of its `FeatureAction`).
    pub fn entity(&self) -> &'static str {
        use RecordAction::*;
        match self {
            CreateProperty(_) | UpdateProperty(_) | ArchiveProperty => "properties",
            CreateBuilding(_) | UpdateBuilding(_) | ArchiveBuilding => "buildings",
            CreateUnit(_) | UpdateUnit(_) | ArchiveUnit => "units_unit",
            AddTenant(_) | UpdateTenant(_) | ArchiveTenant => "tenants",
            PostLedger(_) | VoidLedger { .. } => "tenant_ledger_entry",
        }
    }

    /// The tables record actions are about.
    pub const ENTITIES: &'static [&'static str] =
        &["properties", "buildings", "units_unit", "tenants", "tenant_ledger_entry"];

    /// Whether the action makes a new record (its id is new).
    pub fn creates(&self) -> bool {
        use RecordAction::*;
        matches!(self, CreateProperty(_) | CreateBuilding(_) | CreateUnit(_) | AddTenant(_) | PostLedger(_))
    }
}

#[cfg(test)]
mod tests;
