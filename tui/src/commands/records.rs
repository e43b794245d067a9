//! `unitcycle property|building|unit|tenant|ledger …`: records entered and kept by hand. Each
//! command builds a `RecordAction` and hands it to `records::workflow::replica_record_action`,
//! which checks it, writes it and, on a connected replica, queues it for the server.

use std::path::Path;

use anyhow::Result;
use chrono::Utc;
use unitcycle_core::format::money;
use unitcycle_core::lifecycle::new_lease::TenantInput;
use unitcycle_core::port::Records;
use unitcycle_core::records::port::RecordsPort;
use unitcycle_core::records::workflow::replica_record_action;
use unitcycle_core::records::{
    BuildingInput, BuildingPatch, EntryKind, LedgerInput, PropertyInput, PropertyPatch, RecordAction, TenantPatch,
    UnitInput, UnitPatch,
};
use unitcycle_core::store::Store;
use uuid::Uuid;

use super::{open, print_json};
use crate::cli::{
    BuildingCommand, EntryArgs, LedgerCommand, PropertyCommand, PropertyFields, TenantCommand, UnitCommand, UnitFields,
};

/// Applies `action` to record `id` and says so (or prints the row as JSON).
fn apply<T: serde::Serialize>(
    store: &mut Store,
    id: Uuid,
    action: RecordAction,
    json: bool,
    row: impl FnOnce(&Store, Uuid) -> unitcycle_core::store::Result<T>,
    say: impl FnOnce(&T) -> String,
) -> Result<()> {
    let queued = unitcycle_core::sync_actions::connected(store)?;
    let written = replica_record_action(store, id, &action, Utc::now())?;
    let row = row(store, written)?;
    if json {
        return print_json(&row);
    }
    println!("{}", say(&row));
    if queued {
        println!("(queued for the server: `unitcycle sync` sends it)");
    }
    Ok(())
}

fn patch_property(name: Option<String>, f: PropertyFields) -> PropertyPatch {
    PropertyPatch {
        name,
        address: f.address,
        city: f.city,
        state: f.state,
        zip_code: f.zip,
        property_type: f.property_type,
        year_built: f.year_built,
        time_zone: f.time_zone,
    }
}

pub fn property(db: &Path, cmd: PropertyCommand) -> Result<()> {
    let mut store = open(db)?;
    let said = |p: &unitcycle_core::model::Property| format!("{} ({}): {}", p.name, p.time_zone, p.id);
    match cmd {
        PropertyCommand::Add { name, fields, json } => {
            let p = patch_property(Some(name), fields);
            let input = PropertyInput {
                name: p.name.unwrap_or_default(),
                address: p.address.unwrap_or_default(),
                city: p.city.unwrap_or_default(),
                state: p.state.unwrap_or_default(),
                zip_code: p.zip_code.unwrap_or_default(),
                property_type: p.property_type.unwrap_or_else(|| "multifamily".into()),
                year_built: p.year_built,
                time_zone: p.time_zone.unwrap_or_else(|| unitcycle_core::time::DEFAULT_ZONE.into()),
            };
            let action = RecordAction::CreateProperty(input);
            apply(&mut store, Uuid::new_v4(), action, json, |s, id| s.property(id), |p| format!("Added {}", said(p)))
        }
        PropertyCommand::Edit { property, name, fields, json } => {
            let id = store.find_property(&property)?.id;
            let action = RecordAction::UpdateProperty(patch_property(name, fields));
            apply(&mut store, id, action, json, |s, id| s.property(id), |p| format!("Saved {}", said(p)))
        }
        PropertyCommand::Archive { property } => {
            let id = store.find_property(&property)?.id;
            apply(
                &mut store,
                id,
                RecordAction::ArchiveProperty,
                false,
                |s, id| s.property(id),
                |p| format!("Archived {} with its buildings and units", p.name),
            )
        }
        PropertyCommand::List { archived, json } => {
            let mut list = store.properties()?;
            list.retain(|p| archived || p.archived_at.is_none());
            if json {
                return print_json(&list);
            }
            for p in list {
                let state = if p.archived_at.is_some() { "  (archived)" } else { "" };
                println!("{:<36}  {:<28} {:>5} units  {}{state}", p.id, p.name, p.total_units, p.time_zone);
            }
            Ok(())
        }
    }
}

pub fn building(db: &Path, cmd: BuildingCommand) -> Result<()> {
    let mut store = open(db)?;
    let said = |b: &unitcycle_core::model::Building| format!("{} ({} floors): {}", b.name, b.floors, b.id);
    match cmd {
        BuildingCommand::Add { property, name, floors, json } => {
            let property_id = store.find_property(&property)?.id;
            let action = RecordAction::CreateBuilding(BuildingInput { property_id, name, floors });
            apply(&mut store, Uuid::new_v4(), action, json, |s, id| s.building(id), |b| format!("Added {}", said(b)))
        }
        BuildingCommand::Edit { building, name, floors, json } => {
            let action = RecordAction::UpdateBuilding(BuildingPatch { name, floors });
            apply(&mut store, building, action, json, |s, id| s.building(id), |b| format!("Saved {}", said(b)))
        }
        BuildingCommand::Archive { building } => {
            let action = RecordAction::ArchiveBuilding;
            apply(&mut store, building, action, false, |s, id| s.building(id), |b| format!("Archived {}", b.name))
        }
    }
}

fn unit_patch(number: Option<String>, status: Option<unitcycle_core::model::UnitStatus>, f: UnitFields) -> UnitPatch {
    UnitPatch {
        building_id: f.building,
        unit_number: number,
        floor: f.floor,
        bedrooms: f.bedrooms,
        bathrooms: f.bathrooms,
        square_feet: f.square_feet,
        market_rent: f.market_rent,
        status,
    }
}

pub fn unit(db: &Path, cmd: UnitCommand) -> Result<()> {
    let mut store = open(db)?;
    let said = |u: &unitcycle_core::model::Unit| {
        format!(
            "unit {} ({} bd, {} ba, market {}): {}",
            u.unit_number,
            u.bedrooms,
            u.bathrooms,
            money(u.market_rent),
            u.id
        )
    };
    match cmd {
        UnitCommand::Add { property, number, fields, json } => {
            let property_id = store.find_property(&property)?.id;
            let input = UnitInput {
                property_id,
                building_id: fields.building,
                unit_number: number,
                floor: fields.floor.unwrap_or(1),
                bedrooms: fields.bedrooms.unwrap_or(1),
                bathrooms: fields.bathrooms.unwrap_or(rust_decimal::Decimal::ONE),
                square_feet: fields.square_feet.unwrap_or(0),
                market_rent: fields.market_rent.unwrap_or_default(),
            };
            let action = RecordAction::CreateUnit(input);
            apply(&mut store, Uuid::new_v4(), action, json, |s, id| s.unit(id), |u| format!("Added {}", said(u)))
        }
        UnitCommand::Edit { unit, number, status, fields, json } => {
            let action = RecordAction::UpdateUnit(unit_patch(number, status, fields));
            apply(&mut store, unit, action, json, |s, id| s.unit(id), |u| format!("Saved {}", said(u)))
        }
        UnitCommand::Archive { unit } => {
            let action = RecordAction::ArchiveUnit;
            apply(&mut store, unit, action, false, |s, id| s.unit(id), |u| format!("Archived unit {}", u.unit_number))
        }
    }
}

pub fn tenant(db: &Path, cmd: TenantCommand) -> Result<()> {
    let mut store = open(db)?;
    let said = |t: &unitcycle_core::model::Tenant| format!("tenant {} <{}>: {}", t.full_name(), t.email, t.id);
    match cmd {
        TenantCommand::Add { first, last, email, phone, date_of_birth, json } => {
            let input = TenantInput { first_name: first, last_name: last, email, phone, date_of_birth };
            let action = RecordAction::AddTenant(input);
            apply(&mut store, Uuid::new_v4(), action, json, Records::tenant, |t| format!("Added {}", said(t)))
        }
        TenantCommand::Edit { tenant, first, last, email, phone, date_of_birth, forwarding_address, json } => {
            let patch =
                TenantPatch { first_name: first, last_name: last, email, phone, date_of_birth, forwarding_address };
            let action = RecordAction::UpdateTenant(patch);
            apply(&mut store, tenant, action, json, Records::tenant, |t| format!("Saved {}", said(t)))
        }
        TenantCommand::Archive { tenant } => {
            let action = RecordAction::ArchiveTenant;
            apply(&mut store, tenant, action, false, Records::tenant, |t| format!("Archived tenant {}", t.full_name()))
        }
    }
}

fn post(
    store: &mut Store,
    e: EntryArgs,
    kind: EntryKind,
    category: String,
    due: Option<chrono::NaiveDate>,
) -> Result<()> {
    let lease = store.find_lease(&e.lease)?;
    let property = store.property(lease.property_id)?;
    let trans_date = match e.date {
        Some(d) => d,
        None => unitcycle_core::time::today_of(&property, Utc::now())?,
    };
    let input = LedgerInput {
        lease_id: lease.id,
        kind,
        category,
        description: e.description,
        amount: e.amount,
        trans_date,
        due_date: due,
    };
    let number = lease.lease_number.clone();
    let id = Uuid::new_v4();
    apply(
        store,
        id,
        RecordAction::PostLedger(input),
        e.json,
        |s, id| found(s.ledger_entry(id)?, id),
        |x| {
            format!(
                "{number}: {} {} {} on {} ({})",
                x.trans_type.as_str(),
                x.category,
                money(x.amount),
                x.trans_date,
                x.id
            )
        },
    )?;
    if !e.json {
        println!("Balance of {number}: {}", money(store.lease_balance(lease.id)?));
    }
    Ok(())
}

fn found<T>(row: Option<T>, id: Uuid) -> unitcycle_core::store::Result<T> {
    row.ok_or(unitcycle_core::store::StoreError::NotFound { what: "ledger entry", id: id.to_string() })
}

pub fn ledger(db: &Path, cmd: LedgerCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        LedgerCommand::Charge { entry, category, due } => post(&mut store, entry, EntryKind::Charge, category, due),
        LedgerCommand::Pay { entry } => post(&mut store, entry, EntryKind::Payment, String::new(), None),
        LedgerCommand::Credit { entry } => post(&mut store, entry, EntryKind::Credit, String::new(), None),
        LedgerCommand::Void { entry, reason, json } => {
            let action = RecordAction::VoidLedger { reason };
            apply(
                &mut store,
                entry,
                action,
                json,
                |s, id| found(s.ledger_entry(id)?, id),
                |x| {
                    format!(
                        "Voided: {} {} {} posted on {} ({})",
                        x.trans_type.as_str(),
                        x.category,
                        money(x.amount),
                        x.trans_date,
                        x.id
                    )
                },
            )
        }
        LedgerCommand::Show { lease, json } => {
            let lease = store.find_lease(&lease)?;
            let mut entries = store.ledger(lease.tenant_id, None)?;
            entries.retain(|e| e.lease_id == Some(lease.id));
            if json {
                return print_json(&entries);
            }
            for e in &entries {
                let sign = if e.trans_type == unitcycle_core::model::TransType::Charge { " " } else { "-" };
                println!(
                    "{}  {:<8} {:<12} {sign}{:>12}  {}  {}",
                    e.trans_date,
                    e.trans_type.as_str(),
                    e.category,
                    money(e.amount),
                    e.description,
                    e.id
                );
            }
            println!("Balance of {}: {}", lease.lease_number, money(store.lease_balance(lease.id)?));
            Ok(())
        }
    }
}
