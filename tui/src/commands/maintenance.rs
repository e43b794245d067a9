//! `unitcycle maintenance ...`: predictive maintenance and work orders from the command line
//! (spec 2.3). The reads are the core's `predictive_maintenance::workflow`; every change is a
//! `MaintenanceAction` through `work_orders::workflow::act_on_replica` (queued for the server
//! when connected). A whole scoring run is the weekly job, run through `jobs::run` so it is
//! recorded as the schedule's is.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Result};
use chrono::{DateTime, Utc};
use unitcycle_core::format::{date, money, opt_date};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::model::{Property, Unit, Vendor, WorkOrder, WorkOrderPriority, WorkOrderStatus};
use unitcycle_core::predictive_maintenance::{workflow as pm, HeatmapProperty};
use unitcycle_core::store::Store;
use unitcycle_core::vendor_intelligence::workflow::earliest;
use unitcycle_core::work_orders::port::MaintenancePort;
use unitcycle_core::work_orders::workflow::{act_on_replica, ActionOutcome};
use unitcycle_core::work_orders::{MaintenanceAction, NewEquipment, NewWorkOrder};
use uuid::Uuid;

use super::move_out::{by_key, short};
use super::{now_on, open, print_json, today};
use crate::cli::{parse_choice, EquipmentCommand, MaintenanceCommand};
use crate::table::{Align, Table};

/// The risk levels, lowest first, with the letter a heatmap cell shows.
pub const LEVELS: [(&str, &str); 4] = [("low", "L"), ("medium", "M"), ("high", "H"), ("critical", "C")];

pub(super) fn find_property(store: &Store, key: Option<&str>) -> Result<Option<Property>> {
    Ok(key.map(|k| store.find_property(k)).transpose()?)
}

/// A unit in use by its id, its number (of `property` when given) or the first characters of
/// its id.
pub(super) fn find_unit(store: &Store, key: &str, property: Option<&Property>) -> Result<Unit> {
    let key = key.trim();
    if let Ok(id) = Uuid::parse_str(key) {
        return Ok(store.unit(id)?);
    }
    let units = store.maintenance_units()?;
    let mut hits: Vec<&Unit> = units
        .iter()
        .filter(|u| u.unit_number.eq_ignore_ascii_case(key) && property.is_none_or(|p| u.property_id == p.id))
        .collect();
    match hits.len() {
        1 => return Ok(hits.remove(0).clone()),
        0 => {}
        n => {
            let mut at: Vec<String> =
                hits.iter().map(|u| store.property(u.property_id).map(|p| p.name)).collect::<Result<_, _>>()?;
            at.sort();
            return Err(anyhow!(
                "{n} units are numbered '{key}' (at {}): say which with --property NAME",
                at.join(", ")
            ));
        }
    }
    // A prefix of an id only when it is long enough not to be mistaken for a unit number.
    if key.len() >= 6 && key.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        return by_key(units, key, |u| u.id, "unit");
    }
    Err(anyhow!("no unit '{key}' in use{}", property.map(|p| format!(" at {}", p.name)).unwrap_or_default()))
}

/// A vendor by its id, the first characters of it, or its name (whole, or a part only it has).
pub(super) fn find_vendor(store: &Store, key: &str) -> Result<Vendor> {
    let key = key.trim();
    let vendors = store.vendor_list()?;
    if let Ok(id) = Uuid::parse_str(key) {
        return vendors.into_iter().find(|v| v.id == id).ok_or_else(|| anyhow!("no vendor {id}"));
    }
    if let Some(v) = vendors.iter().find(|v| v.name.eq_ignore_ascii_case(key)) {
        return Ok(v.clone());
    }
    let lower = key.to_lowercase();
    let named: Vec<&Vendor> =
        vendors.iter().filter(|v| !lower.is_empty() && v.name.to_lowercase().contains(&lower)).collect();
    match named.len() {
        1 => Ok(named[0].clone()),
        0 => by_key(vendors, key, |v| v.id, "vendor (see `unitcycle vendors scorecards`)"),
        n => {
            let names: Vec<&str> = named.iter().map(|v| v.name.as_str()).collect();
            Err(anyhow!("{n} vendors match '{key}' ({}): give more of the name", names.join(", ")))
        }
    }
}

pub(super) fn find_work_order(store: &Store, key: &str) -> Result<WorkOrder> {
    by_key(store.work_orders_since(earliest())?, key, |w| w.id, "work order (see `unitcycle maintenance work-orders`)")
}

/// Unit numbers, property and vendor names by id.
pub(super) struct Names {
    pub units: HashMap<Uuid, String>,
    pub properties: HashMap<Uuid, String>,
    pub vendors: HashMap<Uuid, String>,
}

impl Names {
    pub fn load(store: &Store) -> Result<Names> {
        Ok(Names {
            units: store.maintenance_units()?.into_iter().map(|u| (u.id, u.unit_number)).collect(),
            properties: store.properties()?.into_iter().map(|p| (p.id, p.name)).collect(),
            vendors: store.vendor_list()?.into_iter().map(|v| (v.id, v.name)).collect(),
        })
    }
    pub fn unit(&self, id: Uuid) -> String {
        self.units.get(&id).cloned().unwrap_or_else(|| short(id))
    }
    pub fn property(&self, id: Uuid) -> String {
        self.properties.get(&id).cloned().unwrap_or_else(|| short(id))
    }
    pub fn vendor(&self, id: Option<Uuid>) -> String {
        id.map_or_else(|| "—".into(), |v| self.vendors.get(&v).cloned().unwrap_or_else(|| short(v)))
    }
}

/// Applies `action` on the replica and says where it went.
pub(super) fn act(
    store: &mut Store,
    id: Uuid,
    action: &MaintenanceAction,
    now: DateTime<Utc>,
) -> Result<ActionOutcome> {
    let outcome = act_on_replica(store, id, action, now)?;
    if unitcycle_core::sync_actions::connected(store)? {
        println!("(queued for the server: it is applied there on the next `unitcycle sync`)");
    }
    Ok(outcome)
}

/// `12.5` as points out of `of`.
fn points(p: f64, of: f64) -> String {
    format!("{p:.1}/{of:.0}")
}

fn now_for(day: Option<chrono::NaiveDate>) -> (chrono::NaiveDate, DateTime<Utc>) {
    let day = today(day);
    (day, now_on(day))
}

pub fn run(db: &Path, cmd: MaintenanceCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        MaintenanceCommand::Risk { property, level, limit, json } => {
            let property = find_property(&store, property.as_deref())?;
            let level = level.map(|l| l.trim().to_lowercase());
            if let Some(l) = &level {
                if !LEVELS.iter().any(|(name, _)| name == l) {
                    return Err(anyhow!("'{l}' is not a risk level: low, medium, high or critical"));
                }
            }
            let scores = pm::risk_scores(&store, property.map(|p| p.id), None, level.as_deref())?;
            let total = scores.len();
            let limit = limit.or((!json).then_some(50));
            let shown = &scores[..limit.unwrap_or(total).min(total)];
            if json {
                return print_json(&serde_json::json!({ "count": total, "limit": limit, "results": shown }));
            }
            if total == 0 {
                println!("No risk scores yet: run `unitcycle maintenance score`.");
                return Ok(());
            }
            let names = Names::load(&store)?;
            let mut t = Table::new(&[
                ("Unit", Align::Left),
                ("Property", Align::Left),
                ("Score", Align::Right),
                ("Level", Align::Left),
                ("Freq", Align::Right),
                ("Cost", Align::Right),
                ("Equip", Align::Right),
                ("Repeat", Align::Right),
                ("Season", Align::Right),
                ("Next", Align::Left),
                ("Next date", Align::Left),
                ("30-day", Align::Right),
                ("90-day", Align::Right),
            ]);
            for s in shown {
                t.row(vec![
                    names.unit(s.unit_id),
                    names.property(s.property_id),
                    format!("{:.1}", s.risk_score),
                    s.risk_level.clone(),
                    points(s.wo_frequency_score, 30.0),
                    points(s.wo_cost_score, 20.0),
                    points(s.equipment_age_score, 20.0),
                    points(s.repeat_issue_score, 20.0),
                    points(s.seasonal_score, 10.0),
                    if s.predicted_next_wo_type.is_empty() { "—".into() } else { s.predicted_next_wo_type.clone() },
                    opt_date(s.predicted_next_wo_date),
                    money(s.predicted_cost_30_days),
                    money(s.predicted_cost_90_days),
                ]);
            }
            print!("{}", t.render());
            if shown.len() < total {
                println!("{} of {total} units scored (--limit N shows more; --json lists all)", shown.len());
            } else {
                println!("{total} units scored");
            }
            Ok(())
        }
        MaintenanceCommand::Score { property, opts } => {
            if unitcycle_core::sync_actions::connected(&store)? {
                anyhow::bail!("{}", crate::app::worker::SCORED_BY_SERVER);
            }
            let (day, now) = now_for(opts.today);
            let report = match find_property(&store, property.as_deref())? {
                None => jobs::run(&mut store, Job::RiskScoring, day, now)?,
                // One property's run is not the week's job: it is not recorded as one.
                Some(p) => {
                    let mut report = pm::compute_all(&mut store, Some(p.id), day, now)?.job_report(day);
                    report.summary = format!("{} only: {}", p.name, report.summary);
                    report
                }
            };
            if opts.json {
                return print_json(&report);
            }
            println!("{} ({}): {}", report.job, report.run_date, report.summary);
            Ok(())
        }
        MaintenanceCommand::Heatmap { property, json } => {
            let property = find_property(&store, property.as_deref())?;
            let map = pm::heatmap(&store, property.map(|p| p.id))?;
            if json {
                return print_json(&map);
            }
            print!("{}", heatmap_text(&map, 10));
            Ok(())
        }
        MaintenanceCommand::Suggestions { all, json } => {
            let list = pm::suggestions(&store, all.then_some("all"), None)?;
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!(
                    "No preventive work order waiting for a decision{}.",
                    if all { "" } else { " (--all lists decided ones too)" }
                );
                return Ok(());
            }
            let names = Names::load(&store)?;
            let mut t = Table::new(&[
                ("Suggestion", Align::Left),
                ("Unit", Align::Left),
                ("Property", Align::Left),
                ("Title", Align::Left),
                ("Category", Align::Left),
                ("Priority", Align::Left),
                ("Estimate", Align::Right),
                ("Date", Align::Left),
                ("Status", Align::Left),
            ]);
            for s in &list {
                t.row(vec![
                    short(s.id),
                    names.unit(s.unit_id),
                    names.property(s.property_id),
                    s.title.clone(),
                    s.category.clone(),
                    s.priority.clone(),
                    money(s.estimated_cost),
                    date(s.suggested_date),
                    s.status.replace('_', " "),
                ]);
            }
            print!("{}", t.render());
            println!("{} suggestion(s): `unitcycle maintenance approve ID` creates the work order", list.len());
            Ok(())
        }
        MaintenanceCommand::Approve { suggestion } => decide(&mut store, &suggestion, true),
        MaintenanceCommand::Dismiss { suggestion } => decide(&mut store, &suggestion, false),
        MaintenanceCommand::WorkOrders { unit, property, open, limit, json } => {
            let property = find_property(&store, property.as_deref())?;
            let unit = unit.map(|u| find_unit(&store, &u, property.as_ref())).transpose()?;
            let mut orders: Vec<WorkOrder> = store
                .work_orders_since(earliest())?
                .into_iter()
                .filter(|w| unit.as_ref().is_none_or(|u| w.unit_id == u.id))
                .filter(|w| property.as_ref().is_none_or(|p| w.property_id == p.id))
                .filter(|w| !open || matches!(w.status, WorkOrderStatus::Open | WorkOrderStatus::InProgress))
                .collect();
            orders.sort_by(|a, b| b.requested_date.cmp(&a.requested_date).then(a.id.cmp(&b.id)));
            let total = orders.len();
            let limit = limit.or((!json).then_some(50));
            let shown = &orders[..limit.unwrap_or(total).min(total)];
            if json {
                return print_json(&serde_json::json!({ "count": total, "limit": limit, "results": shown }));
            }
            let names = Names::load(&store)?;
            let mut t = Table::new(&[
                ("Work order", Align::Left),
                ("Requested", Align::Left),
                ("Unit", Align::Left),
                ("Property", Align::Left),
                ("Title", Align::Left),
                ("Category", Align::Left),
                ("Priority", Align::Left),
                ("Status", Align::Left),
                ("Vendor", Align::Left),
                ("Visit", Align::Left),
                ("Cost", Align::Right),
            ]);
            for w in shown {
                t.row(vec![
                    short(w.id),
                    date(w.requested_date),
                    names.unit(w.unit_id),
                    names.property(w.property_id),
                    w.title.clone(),
                    w.category.clone(),
                    w.priority.label().into(),
                    w.status.label().into(),
                    names.vendor(w.assigned_vendor_id),
                    opt_date(w.scheduled_date),
                    money(w.cost),
                ]);
            }
            print!("{}", t.render());
            if shown.len() < total {
                println!("{} of {total} work orders (--limit N shows more; --json lists all)", shown.len());
            } else {
                println!("{total} work orders");
            }
            Ok(())
        }
        MaintenanceCommand::Create { unit, property, title, category, priority, description, date: requested } => {
            let property = find_property(&store, property.as_deref())?;
            let unit = find_unit(&store, &unit, property.as_ref())?;
            let priority: WorkOrderPriority = parse_choice(&priority).map_err(|e| anyhow!(e))?;
            let now = now_on(today(None));
            let requested_date = match requested {
                Some(d) => d,
                None => unitcycle_core::time::today_at(&store, unit.property_id, now)?,
            };
            let order = NewWorkOrder {
                unit_id: unit.id,
                title,
                description,
                category,
                priority,
                requested_date,
                tenant_id: store.current_lease_for_unit(unit.id)?.map(|l| l.tenant_id),
            };
            let id = Uuid::new_v4();
            act(&mut store, id, &MaintenanceAction::Create(order.clone()), now)?;
            println!(
                "Created work order {} on unit {}: {} ({}, {} priority, requested {})",
                short(id),
                unit.unit_number,
                order.title.trim(),
                order.category.trim().to_lowercase(),
                priority.as_str(),
                date(requested_date)
            );
            Ok(())
        }
        MaintenanceCommand::Assign { work_order, vendor } => {
            let w = find_work_order(&store, &work_order)?;
            let v = find_vendor(&store, &vendor)?;
            act(&mut store, w.id, &MaintenanceAction::Assign { vendor_id: v.id }, now_on(today(None)))?;
            println!("Assigned work order {} ({}) to {}", short(w.id), w.title, v.name);
            Ok(())
        }
        MaintenanceCommand::Schedule { work_order, date: d } => {
            let w = find_work_order(&store, &work_order)?;
            act(&mut store, w.id, &MaintenanceAction::Schedule { scheduled_date: d }, now_on(today(None)))?;
            println!("Scheduled work order {} ({}) for {}", short(w.id), w.title, date(d));
            Ok(())
        }
        MaintenanceCommand::Start { work_order } => {
            let w = find_work_order(&store, &work_order)?;
            act(&mut store, w.id, &MaintenanceAction::Start, now_on(today(None)))?;
            println!("Work order {} ({}) is in progress", short(w.id), w.title);
            Ok(())
        }
        MaintenanceCommand::Complete { work_order, date: d, cost, rating } => {
            let w = find_work_order(&store, &work_order)?;
            let action = MaintenanceAction::Complete { completed_date: d, cost, tenant_rating: rating };
            act(&mut store, w.id, &action, now_on(today(None)))?;
            println!(
                "Completed work order {} ({}) on {} at {}{}",
                short(w.id),
                w.title,
                date(d),
                money(cost),
                rating.map(|r| format!(", rated {r}/5")).unwrap_or_default()
            );
            Ok(())
        }
        MaintenanceCommand::Cancel { work_order } => {
            let w = find_work_order(&store, &work_order)?;
            act(&mut store, w.id, &MaintenanceAction::Cancel, now_on(today(None)))?;
            println!("Cancelled work order {} ({})", short(w.id), w.title);
            Ok(())
        }
        MaintenanceCommand::Equipment(cmd) => equipment(&mut store, cmd),
    }
}

/// Approves (a work order is created from it) or dismisses a suggestion.
fn decide(store: &mut Store, key: &str, approve: bool) -> Result<()> {
    let s = by_key(
        pm::suggestions(&*store, Some("all"), None)?,
        key,
        |s| s.id,
        "suggestion (see `unitcycle maintenance suggestions`)",
    )?;
    let unit = store.unit(s.unit_id)?;
    let action = if approve { MaintenanceAction::ApproveSuggestion } else { MaintenanceAction::DismissSuggestion };
    let outcome = act(store, s.id, &action, now_on(today(None)))?;
    match outcome.work_order_id {
        Some(id) if approve => {
            let w = store.work_order(id)?;
            println!(
                "Approved: work order {} created on unit {}: {} ({}, {} priority, visit {})",
                short(w.id),
                unit.unit_number,
                w.title,
                w.category,
                w.priority.as_str(),
                opt_date(w.scheduled_date)
            );
        }
        _ => println!("Dismissed: {} on unit {}", s.title, unit.unit_number),
    }
    Ok(())
}

/// The heatmap as text: per property its counts, then building by building each floor (top
/// floor first) as cells `A301 M`, `width` cells a line.
pub fn heatmap_text(map: &[HeatmapProperty], width: usize) -> String {
    let mut out = String::from("Levels: L low (to 25) · M medium (to 50) · H high (to 75) · C critical · · unscored\n");
    if map.is_empty() {
        out.push_str("No units in use.\n");
    }
    for p in map {
        let count = |l: &str| p.by_level.get(l).copied().unwrap_or(0);
        let units: u32 = p.by_level.values().sum();
        out.push_str(&format!(
            "\n{} · {units} units · average risk {:.1} · {} low · {} medium · {} high · {} critical · {} unscored\n",
            p.property_name,
            p.avg_risk_score,
            count("low"),
            count("medium"),
            count("high"),
            count("critical"),
            count("unscored")
        ));
        for b in &p.buildings {
            out.push_str(&format!("  {}\n", b.building_name));
            let cell_w =
                b.floors.iter().flat_map(|f| &f.units).map(|u| u.unit_number.chars().count()).max().unwrap_or(4);
            for f in b.floors.iter().rev() {
                for (i, chunk) in f.units.chunks(width.max(1)).enumerate() {
                    let lead = if i == 0 { format!("Floor {:>2}", f.floor) } else { String::new() };
                    let cells: Vec<String> = chunk
                        .iter()
                        .map(|u| format!("{:<cell_w$} {}", u.unit_number, level_letter(u.risk_level.as_deref())))
                        .collect();
                    out.push_str(&format!("    {lead:<8}  {}\n", cells.join("  ")));
                }
            }
        }
    }
    out
}

/// A level's letter, `·` when the unit has no score.
pub fn level_letter(level: Option<&str>) -> &'static str {
    level.and_then(|l| LEVELS.iter().find(|(name, _)| *name == l)).map_or("·", |(_, letter)| letter)
}

fn equipment(store: &mut Store, cmd: EquipmentCommand) -> Result<()> {
    match cmd {
        EquipmentCommand::List { property, json } => {
            let property = find_property(store, property.as_deref())?;
            let mut list: Vec<_> = store
                .equipment_list()?
                .into_iter()
                .filter(|e| property.as_ref().is_none_or(|p| e.property_ref_id == p.id))
                .collect();
            list.sort_by(|a, b| a.property_ref_id.cmp(&b.property_ref_id).then(a.install_date.cmp(&b.install_date)));
            if json {
                return print_json(&list);
            }
            let names = Names::load(store)?;
            let mut t = Table::new(&[
                ("Equipment", Align::Left),
                ("Property", Align::Left),
                ("Unit", Align::Left),
                ("Name", Align::Left),
                ("Type", Align::Left),
                ("Installed", Align::Left),
                ("Age", Align::Right),
                ("Lifespan", Align::Right),
                ("Warranty to", Align::Left),
            ]);
            for e in &list {
                t.row(vec![
                    short(e.id),
                    names.property(e.property_ref_id),
                    e.unit_id.map_or_else(|| "shared".into(), |u| names.unit(u)),
                    e.name.clone(),
                    e.equipment_type.clone(),
                    date(e.install_date),
                    format!("{:.1} y", e.age_years),
                    format!("{:.0} y", e.expected_lifespan_years),
                    opt_date(e.warranty_expiry),
                ]);
            }
            print!("{}", t.render());
            println!("{} piece(s) of equipment", list.len());
            Ok(())
        }
        EquipmentCommand::Add {
            property,
            unit,
            name,
            equipment_type,
            manufacturer,
            model,
            installed,
            lifespan,
            warranty_expiry,
        } => {
            let p = store.find_property(&property)?;
            let unit = unit.map(|u| find_unit(store, &u, Some(&p))).transpose()?;
            let n = NewEquipment {
                property_id: p.id,
                unit_id: unit.as_ref().map(|u| u.id),
                name,
                equipment_type,
                manufacturer,
                model_number: model,
                install_date: installed,
                expected_lifespan_years: lifespan,
                warranty_expiry,
            };
            let id = Uuid::new_v4();
            act(store, id, &MaintenanceAction::AddEquipment(n.clone()), now_on(today(None)))?;
            println!(
                "Added equipment {}: {} ({}) at {}{}, installed {}",
                short(id),
                n.name.trim(),
                n.equipment_type.trim(),
                p.name,
                unit.map(|u| format!(" unit {}", u.unit_number)).unwrap_or_default(),
                date(installed)
            );
            Ok(())
        }
    }
}
