//! Typed inserts and queries for the base entities other than leases.

use chrono::NaiveDate;
use rusqlite::{params, Row, Transaction};
use uuid::Uuid;

use super::{found, get_dec, get_opt_uuid, get_uuid, opt_uuid, optional, Result, Store};
use crate::model::{
    Building, Equipment, Invoice, InvoiceLineItem, LedgerEntry, Property, Tenant, Unit, Vendor, WorkOrder,
};

pub(super) const PROPERTY_COLS: &str =
    "id, name, address, city, state, zip_code, property_type, total_units, year_built, created_at, updated_at, \
    time_zone, archived_at";
pub(super) const BUILDING_COLS: &str = "id, property_id, name, floors, created_at, archived_at";
pub(super) const UNIT_COLS: &str =
    "id, property_id, building_id, unit_number, floor, bedrooms, bathrooms, square_feet, \
    market_rent, current_rent, status, created_at, updated_at, archived_at";
pub(super) const TENANT_COLS: &str =
    "id, first_name, last_name, email, phone, date_of_birth, created_at, archived_at, forwarding_address";
pub(super) const LEDGER_COLS: &str =
    "id, tenant_id, lease_id, unit_id, property_id, trans_type, category, description, \
    amount, trans_date, due_date, created_at";
pub(super) const VENDOR_COLS: &str = "id, name, trade, contact_name, email, phone, license_number, insurance_expiry, \
    hourly_rate, is_active, created_at";
pub(super) const WORK_ORDER_COLS: &str =
    "id, unit_id, property_id, tenant_id, title, description, category, priority, \
    status, requested_date, completed_date, cost, assigned_vendor_id, created_at, scheduled_date, tenant_rating";
pub(super) const EQUIPMENT_COLS: &str =
    "id, property_ref_id, unit_id, name, equipment_type, manufacturer, model_number, \
    install_date, age_years, expected_lifespan_years, warranty_expiry, created_at";
pub(super) const INVOICE_COLS: &str =
    "id, vendor_id, property_id, unit_id, work_order_id, invoice_number, invoice_date, \
    due_date, subtotal, tax, total_amount, status, confidence_score, created_at";

pub(super) fn property_from_row(r: &Row<'_>) -> rusqlite::Result<Property> {
    Ok(Property {
        id: get_uuid(r, 0)?,
        name: r.get(1)?,
        address: r.get(2)?,
        city: r.get(3)?,
        state: r.get(4)?,
        zip_code: r.get(5)?,
        property_type: r.get(6)?,
        total_units: r.get(7)?,
        year_built: r.get(8)?,
        created_at: r.get(9)?,
        updated_at: r.get(10)?,
        time_zone: r.get(11)?,
        archived_at: r.get(12)?,
    })
}

pub(super) fn building_from_row(r: &Row<'_>) -> rusqlite::Result<Building> {
    Ok(Building {
        id: get_uuid(r, 0)?,
        property_id: get_uuid(r, 1)?,
        name: r.get(2)?,
        floors: r.get(3)?,
        created_at: r.get(4)?,
        archived_at: r.get(5)?,
    })
}

pub(super) fn unit_from_row(r: &Row<'_>) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: get_uuid(r, 0)?,
        property_id: get_uuid(r, 1)?,
        building_id: get_opt_uuid(r, 2)?,
        unit_number: r.get(3)?,
        floor: r.get(4)?,
        bedrooms: r.get(5)?,
        bathrooms: get_dec(r, 6)?,
        square_feet: r.get(7)?,
        market_rent: get_dec(r, 8)?,
        current_rent: get_dec(r, 9)?,
        status: r.get(10)?,
        created_at: r.get(11)?,
        updated_at: r.get(12)?,
        archived_at: r.get(13)?,
    })
}

pub(super) fn tenant_from_row(r: &Row<'_>) -> rusqlite::Result<Tenant> {
    Ok(Tenant {
        id: get_uuid(r, 0)?,
        first_name: r.get(1)?,
        last_name: r.get(2)?,
        email: r.get(3)?,
        phone: r.get(4)?,
        date_of_birth: r.get(5)?,
        created_at: r.get(6)?,
        archived_at: r.get(7)?,
        forwarding_address: r.get(8)?,
    })
}

pub(super) fn ledger_from_row(r: &Row<'_>) -> rusqlite::Result<LedgerEntry> {
    Ok(LedgerEntry {
        id: get_uuid(r, 0)?,
        tenant_id: get_uuid(r, 1)?,
        lease_id: get_opt_uuid(r, 2)?,
        unit_id: get_opt_uuid(r, 3)?,
        property_id: get_opt_uuid(r, 4)?,
        trans_type: r.get(5)?,
        category: r.get(6)?,
        description: r.get(7)?,
        amount: get_dec(r, 8)?,
        trans_date: r.get(9)?,
        due_date: r.get(10)?,
        created_at: r.get(11)?,
    })
}

pub(super) fn vendor_from_row(r: &Row<'_>) -> rusqlite::Result<Vendor> {
    Ok(Vendor {
        id: get_uuid(r, 0)?,
        name: r.get(1)?,
        trade: r.get(2)?,
        contact_name: r.get(3)?,
        email: r.get(4)?,
        phone: r.get(5)?,
        license_number: r.get(6)?,
        insurance_expiry: r.get(7)?,
        hourly_rate: get_dec(r, 8)?,
        is_active: r.get(9)?,
        created_at: r.get(10)?,
    })
}

pub(super) fn work_order_from_row(r: &Row<'_>) -> rusqlite::Result<WorkOrder> {
    Ok(WorkOrder {
        id: get_uuid(r, 0)?,
        unit_id: get_uuid(r, 1)?,
        property_id: get_uuid(r, 2)?,
        tenant_id: get_opt_uuid(r, 3)?,
        title: r.get(4)?,
        description: r.get(5)?,
        category: r.get(6)?,
        priority: r.get(7)?,
        status: r.get(8)?,
        requested_date: r.get(9)?,
        completed_date: r.get(10)?,
        cost: get_dec(r, 11)?,
        assigned_vendor_id: get_opt_uuid(r, 12)?,
        created_at: r.get(13)?,
        scheduled_date: r.get(14)?,
        tenant_rating: r.get(15)?,
    })
}

pub(super) fn equipment_from_row(r: &Row<'_>) -> rusqlite::Result<Equipment> {
    Ok(Equipment {
        id: get_uuid(r, 0)?,
        property_ref_id: get_uuid(r, 1)?,
        unit_id: get_opt_uuid(r, 2)?,
        name: r.get(3)?,
        equipment_type: r.get(4)?,
        manufacturer: r.get(5)?,
        model_number: r.get(6)?,
        install_date: r.get(7)?,
        age_years: r.get(8)?,
        expected_lifespan_years: r.get(9)?,
        warranty_expiry: r.get(10)?,
        created_at: r.get(11)?,
    })
}

pub(super) fn invoice_from_row(r: &Row<'_>) -> rusqlite::Result<Invoice> {
    Ok(Invoice {
        id: get_uuid(r, 0)?,
        vendor_id: get_opt_uuid(r, 1)?,
        property_id: get_opt_uuid(r, 2)?,
        unit_id: get_opt_uuid(r, 3)?,
        work_order_id: get_opt_uuid(r, 4)?,
        invoice_number: r.get(5)?,
        invoice_date: r.get(6)?,
        due_date: r.get(7)?,
        subtotal: get_dec(r, 8)?,
        tax: get_dec(r, 9)?,
        total_amount: get_dec(r, 10)?,
        status: r.get(11)?,
        confidence_score: r.get(12)?,
        created_at: r.get(13)?,
        line_items: Vec::new(),
    })
}

// --- inserts (used inside one transaction by the demo generator and by sync) -----------

/// `INSERT` of every column of `cols` into `table`, updating a row with the same id in place
/// (never `REPLACE`, which would delete its children first): one statement per entity, from its
/// one column list, for imports and for edits alike.
fn upsert_sql(table: &str, cols: &str) -> String {
    let names: Vec<&str> = cols.split(',').map(str::trim).collect();
    let params: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
    let set: Vec<String> = names.iter().filter(|c| **c != "id").map(|c| format!("{c} = excluded.{c}")).collect();
    format!(
        "INSERT INTO {table} ({cols}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        params.join(", "),
        set.join(", ")
    )
}

/// Writes a property (new, or edited in place). Its time zone must be an IANA name
/// (`crate::time::zone`); a bad one is refused with the reason.
pub fn insert_property(tx: &Transaction<'_>, p: &Property) -> rusqlite::Result<()> {
    crate::time::zone(&p.time_zone).map_err(|e| rusqlite::Error::ToSqlConversionFailure(e.into()))?;
    tx.prepare_cached(&upsert_sql("properties", PROPERTY_COLS))?.execute(params![
        p.id.to_string(),
        p.name,
        p.address,
        p.city,
        p.state,
        p.zip_code,
        p.property_type,
        p.total_units,
        p.year_built,
        p.created_at,
        p.updated_at,
        p.time_zone,
        p.archived_at
    ])?;
    Ok(())
}

/// Writes a building (new, or edited in place).
pub fn insert_building(tx: &Transaction<'_>, b: &Building) -> rusqlite::Result<()> {
    tx.prepare_cached(&upsert_sql("buildings", BUILDING_COLS))?.execute(params![
        b.id.to_string(),
        b.property_id.to_string(),
        b.name,
        b.floors,
        b.created_at,
        b.archived_at
    ])?;
    Ok(())
}

/// Writes a unit (new, or edited in place).
pub fn insert_unit(tx: &Transaction<'_>, u: &Unit) -> rusqlite::Result<()> {
    tx.prepare_cached(&upsert_sql("units_unit", UNIT_COLS))?.execute(params![
        u.id.to_string(),
        u.property_id.to_string(),
        opt_uuid(u.building_id),
        u.unit_number,
        u.floor,
        u.bedrooms,
        u.bathrooms.to_string(),
        u.square_feet,
        u.market_rent.to_string(),
        u.current_rent.to_string(),
        u.status,
        u.created_at,
        u.updated_at,
        u.archived_at
    ])?;
    Ok(())
}

/// Writes a tenant (new, or edited in place).
pub fn insert_tenant(tx: &Transaction<'_>, t: &Tenant) -> rusqlite::Result<()> {
    tx.prepare_cached(&upsert_sql("tenants", TENANT_COLS))?.execute(params![
        t.id.to_string(),
        t.first_name,
        t.last_name,
        t.email,
        t.phone,
        t.date_of_birth,
        t.created_at,
        t.archived_at,
        t.forwarding_address
    ])?;
    Ok(())
}

/// Inserts a ledger entry unless its id is stored already (posted rent and late fees have ids
/// derived from what they charge, so a second post is a no-op); true when it was new.
pub fn insert_ledger_entry(tx: &Transaction<'_>, e: &LedgerEntry) -> rusqlite::Result<bool> {
    let n = tx
        .prepare_cached(&format!(
            "INSERT INTO tenant_ledger_entry ({LEDGER_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)
             ON CONFLICT (id) DO NOTHING"
        ))?
        .execute(params![
            e.id.to_string(),
            e.tenant_id.to_string(),
            opt_uuid(e.lease_id),
            opt_uuid(e.unit_id),
            opt_uuid(e.property_id),
            e.trans_type,
            e.category,
            e.description,
            e.amount.to_string(),
            e.trans_date,
            e.due_date,
            e.created_at
        ])?;
    Ok(n == 1)
}

pub fn insert_vendor(tx: &Transaction<'_>, v: &Vendor) -> rusqlite::Result<()> {
    tx.prepare_cached(&format!("INSERT INTO vendors ({VENDOR_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11)"))?
        .execute(params![
            v.id.to_string(),
            v.name,
            v.trade,
            v.contact_name,
            v.email,
            v.phone,
            v.license_number,
            v.insurance_expiry,
            v.hourly_rate.to_string(),
            v.is_active,
            v.created_at
        ])?;
    Ok(())
}

pub fn insert_work_order(tx: &Transaction<'_>, w: &WorkOrder) -> rusqlite::Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO units_maintenance ({WORK_ORDER_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)"
    ))?
    .execute(params![
        w.id.to_string(),
        w.unit_id.to_string(),
        w.property_id.to_string(),
        opt_uuid(w.tenant_id),
        w.title,
        w.description,
        w.category,
        w.priority,
        w.status,
        w.requested_date,
        w.completed_date,
        w.cost.to_string(),
        opt_uuid(w.assigned_vendor_id),
        w.created_at,
        w.scheduled_date,
        w.tenant_rating
    ])?;
    Ok(())
}

pub fn insert_equipment(tx: &Transaction<'_>, e: &Equipment) -> rusqlite::Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO equipment ({EQUIPMENT_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)"
    ))?
    .execute(params![
        e.id.to_string(),
        e.property_ref_id.to_string(),
        opt_uuid(e.unit_id),
        e.name,
        e.equipment_type,
        e.manufacturer,
        e.model_number,
        e.install_date,
        e.age_years,
        e.expected_lifespan_years,
        e.warranty_expiry,
        e.created_at
    ])?;
    Ok(())
}

pub fn insert_invoice(tx: &Transaction<'_>, i: &Invoice) -> rusqlite::Result<()> {
    tx.prepare_cached(&format!(
        "INSERT INTO invoices ({INVOICE_COLS}) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"
    ))?
    .execute(params![
        i.id.to_string(),
        opt_uuid(i.vendor_id),
        opt_uuid(i.property_id),
        opt_uuid(i.unit_id),
        opt_uuid(i.work_order_id),
        i.invoice_number,
        i.invoice_date,
        i.due_date,
        i.subtotal.to_string(),
        i.tax.to_string(),
        i.total_amount.to_string(),
        i.status,
        i.confidence_score,
        i.created_at
    ])?;
    for li in &i.line_items {
        tx.prepare_cached(
            "INSERT INTO invoice_line_items (id, invoice_id, description, quantity, unit_price, total, gl_code)
             VALUES (?1,?2,?3,?4,?5,?6,?7)",
        )?
        .execute(params![
            li.id.to_string(),
            li.invoice_id.to_string(),
            li.description,
            li.quantity.to_string(),
            li.unit_price.to_string(),
            li.total.to_string(),
            li.gl_code
        ])?;
    }
    Ok(())
}

/// Runs a query that maps rows with `f` and collects them.
pub(super) fn collect<T>(
    store: &Store,
    sql: &str,
    args: impl rusqlite::Params,
    f: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = store.conn.prepare_cached(sql)?;
    let rows = stmt.query_map(args, f)?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

impl Store {
    pub fn properties(&self) -> Result<Vec<Property>> {
        collect(self, &format!("SELECT {PROPERTY_COLS} FROM properties ORDER BY name"), [], property_from_row)
    }

    /// Every property's IANA time zone.
    pub fn property_zones(&self) -> Result<std::collections::HashMap<Uuid, String>> {
        let mut stmt = self.conn.prepare_cached("SELECT id, time_zone FROM properties")?;
        let rows = stmt.query_map([], |r| Ok((get_uuid(r, 0)?, r.get::<_, String>(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn property(&self, id: Uuid) -> Result<Property> {
        let r = self.conn.query_row(
            &format!("SELECT {PROPERTY_COLS} FROM properties WHERE id = ?1"),
            [id.to_string()],
            property_from_row,
        );
        found(optional(r)?, "Property", id)
    }

    /// Finds a property by id or by (case-insensitive) name prefix.
    pub fn find_property(&self, key: &str) -> Result<Property> {
        if let Ok(id) = Uuid::parse_str(key.trim()) {
            return self.property(id);
        }
        let r = self.conn.query_row(
            &format!("SELECT {PROPERTY_COLS} FROM properties WHERE name LIKE ?1 ORDER BY name LIMIT 1"),
            [format!("{}%", key.trim())],
            property_from_row,
        );
        found(optional(r)?, "Property", key)
    }

    /// The buildings in use (not archived) of a property.
    pub fn buildings(&self, property_id: Uuid) -> Result<Vec<Building>> {
        collect(
            self,
            &format!(
                "SELECT {BUILDING_COLS} FROM buildings WHERE property_id = ?1 AND archived_at IS NULL ORDER BY name"
            ),
            [property_id.to_string()],
            building_from_row,
        )
    }

    /// The units in use (not archived) of a property.
    pub fn units(&self, property_id: Uuid) -> Result<Vec<Unit>> {
        collect(
            self,
            &format!(
                "SELECT {UNIT_COLS} FROM units_unit WHERE property_id = ?1 AND archived_at IS NULL \
                 ORDER BY building_id, floor, unit_number"
            ),
            [property_id.to_string()],
            unit_from_row,
        )
    }

    pub fn unit(&self, id: Uuid) -> Result<Unit> {
        let r = self.conn.query_row(
            &format!("SELECT {UNIT_COLS} FROM units_unit WHERE id = ?1"),
            [id.to_string()],
            unit_from_row,
        );
        found(optional(r)?, "Unit", id)
    }

    /// The tenant with `email` (any case), if there is one.
    pub fn tenant_by_email(&self, email: &str) -> Result<Option<Tenant>> {
        let id: Option<String> = super::optional(self.conn.query_row(
            "SELECT id FROM tenants WHERE lower(email) = lower(?1) ORDER BY created_at LIMIT 1",
            [email.trim()],
            |r| r.get(0),
        ))?;
        match id.and_then(|i| Uuid::parse_str(&i).ok()) {
            Some(id) => Ok(Some(self.tenant(id)?)),
            None => Ok(None),
        }
    }

    pub fn tenant(&self, id: Uuid) -> Result<Tenant> {
        let r = self.conn.query_row(
            &format!("SELECT {TENANT_COLS} FROM tenants WHERE id = ?1"),
            [id.to_string()],
            tenant_from_row,
        );
        found(optional(r)?, "Tenant", id)
    }

    /// A tenant's ledger from `since` (inclusive), oldest first.
    pub fn ledger(&self, tenant_id: Uuid, since: Option<NaiveDate>) -> Result<Vec<LedgerEntry>> {
        collect(
            self,
            &format!(
                "SELECT {LEDGER_COLS} FROM tenant_ledger_entry WHERE tenant_id = ?1 AND trans_date >= ?2
                 ORDER BY trans_date, trans_type, rowid"
            ),
            params![tenant_id.to_string(), since.unwrap_or(NaiveDate::MIN)],
            ledger_from_row,
        )
    }

    /// Work orders of a unit, newest first.
    pub fn work_orders(&self, unit_id: Uuid) -> Result<Vec<WorkOrder>> {
        collect(
            self,
            &format!("SELECT {WORK_ORDER_COLS} FROM units_maintenance WHERE unit_id = ?1 ORDER BY requested_date DESC"),
            [unit_id.to_string()],
            work_order_from_row,
        )
    }

    pub fn vendors(&self) -> Result<Vec<Vendor>> {
        collect(self, &format!("SELECT {VENDOR_COLS} FROM vendors ORDER BY name"), [], vendor_from_row)
    }

    pub fn equipment(&self, property_id: Uuid) -> Result<Vec<Equipment>> {
        collect(
            self,
            &format!("SELECT {EQUIPMENT_COLS} FROM equipment WHERE property_ref_id = ?1 ORDER BY install_date"),
            [property_id.to_string()],
            equipment_from_row,
        )
    }

    /// Invoices for a work order, with their line items.
    pub fn invoices_for_work_order(&self, work_order_id: Uuid) -> Result<Vec<Invoice>> {
        let mut invoices = collect(
            self,
            &format!("SELECT {INVOICE_COLS} FROM invoices WHERE work_order_id = ?1 ORDER BY invoice_date"),
            [work_order_id.to_string()],
            invoice_from_row,
        )?;
        for inv in &mut invoices {
            inv.line_items = collect(
                self,
                "SELECT id, invoice_id, description, quantity, unit_price, total, gl_code
                 FROM invoice_line_items WHERE invoice_id = ?1 ORDER BY rowid",
                [inv.id.to_string()],
                |r| {
                    Ok(InvoiceLineItem {
                        id: get_uuid(r, 0)?,
                        invoice_id: get_uuid(r, 1)?,
                        description: r.get(2)?,
                        quantity: get_dec(r, 3)?,
                        unit_price: get_dec(r, 4)?,
                        total: get_dec(r, 5)?,
                        gl_code: r.get(6)?,
                    })
                },
            )?;
        }
        Ok(invoices)
    }
}
