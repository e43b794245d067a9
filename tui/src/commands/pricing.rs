//! `unitcycle pricing ...`: revenue intelligence from the command line (spec 2.2). The engine is
//! the core's `pricing::workflow`; a whole run is the daily job, run through `jobs::run` so it is
//! recorded as the schedule's is. The figures are read from the latest snapshots.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Result};
use serde::Serialize;
use unitcycle_core::format::{date, money};
use unitcycle_core::jobs::{self, Job};
use unitcycle_core::model::{Property, Unit};
use unitcycle_core::pricing::port::PricingPort;
use unitcycle_core::pricing::{workflow, PricingSnapshot, AT_MARKET_PCT};
use unitcycle_core::store::Store;
use uuid::Uuid;

use super::{now_on, open, print_json, today};
use crate::cli::PricingCommand;
use crate::table::{Align, Table};

/// A unit by its id, or by its number among the units in use (of `property` when given).
fn find_unit(store: &Store, key: &str, property: Option<&Property>) -> Result<Unit> {
    let key = key.trim();
    if let Ok(id) = Uuid::parse_str(key) {
        return Ok(store.unit(id)?);
    }
    let mut hits: Vec<Unit> = store
        .pricing_units()?
        .into_iter()
        .filter(|u| u.unit_number.eq_ignore_ascii_case(key) && property.is_none_or(|p| u.property_id == p.id))
        .collect();
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => Err(anyhow!(
            "no unit '{key}' in use{} (see `unitcycle pricing units`)",
            match property {
                Some(p) => format!(" at {}", p.name),
                None => String::new(),
            }
        )),
        n => {
            let mut at: Vec<String> =
                hits.iter().map(|u| store.property(u.property_id).map(|p| p.name)).collect::<Result<_, _>>()?;
            at.sort();
            Err(anyhow!("{n} units are numbered '{key}' (at {}): say which with --property NAME", at.join(", ")))
        }
    }
}

fn find_property(store: &Store, key: Option<String>) -> Result<Option<Property>> {
    Ok(key.map(|k| store.find_property(&k)).transpose()?)
}

/// `-1.2%`, `+0.4%`.
fn pct(p: f64) -> String {
    format!("{p:+.1}%")
}

/// A snapshot with the names a person reads it by (`--json` of `pricing units`).
#[derive(Serialize)]
struct UnitLine<'a> {
    unit_number: &'a str,
    property_name: &'a str,
    #[serde(flatten)]
    snapshot: &'a PricingSnapshot,
}

pub fn run(db: &Path, cmd: PricingCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        PricingCommand::Run { property, opts } => {
            let day = today(opts.today);
            let now = now_on(day);
            if unitcycle_core::sync_actions::connected(&store)? {
                return Err(anyhow::anyhow!(crate::app::worker::PRICED_BY_SERVER));
            }
            let report = match find_property(&store, property)? {
                None => jobs::run(&mut store, Job::PricingEngine, day, now)?,
                // One property's run is not the day's job: it is not recorded as one.
                Some(p) => {
                    let mut report = workflow::run_engine(&mut store, Some(p.id), day, now)?.job_report(day);
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
        PricingCommand::Opportunity { property, json } => {
            let property = find_property(&store, property)?;
            let o = workflow::opportunity(&store, property.map(|p| p.id))?;
            if json {
                return print_json(&o);
            }
            if o.total_units_analyzed == 0 {
                println!("No occupied unit has a pricing snapshot yet: run `unitcycle pricing run`.");
                return Ok(());
            }
            println!(
                "{} units analysed: {} below market, {} at market, {} above (at market: within ±{AT_MARKET_PCT}%)",
                o.total_units_analyzed, o.units_below_market, o.units_at_market, o.units_above_market
            );
            println!(
                "Monthly gap {} · annual revenue opportunity {} · average gap {}\n",
                money(o.total_monthly_gap),
                money(o.annual_revenue_opportunity),
                pct(o.avg_gap_pct)
            );
            let widest = o.by_property.iter().map(|p| p.monthly_gap).max().unwrap_or_default();
            let mut t = Table::new(&[
                ("Property", Align::Left),
                ("Below", Align::Right),
                ("Monthly gap", Align::Right),
                ("Avg gap", Align::Right),
                ("", Align::Left),
            ]);
            for p in &o.by_property {
                let bar = if widest.is_zero() {
                    0
                } else {
                    use rust_decimal::prelude::ToPrimitive;
                    (p.monthly_gap * rust_decimal::Decimal::from(30) / widest).ceil().to_usize().unwrap_or(0)
                };
                t.row(vec![
                    p.property_name.clone(),
                    p.units_below.to_string(),
                    money(p.monthly_gap),
                    pct(p.avg_gap_pct),
                    "█".repeat(bar),
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
        PricingCommand::Units { below, property, limit, json } => {
            let property = find_property(&store, property)?;
            let mut snaps: Vec<PricingSnapshot> = store
                .latest_snapshots()?
                .into_iter()
                .filter(|s| property.as_ref().is_none_or(|p| s.property_id == p.id))
                .filter(|s| !below || (s.current_rent.is_some() && s.rent_gap_pct < -AT_MARKET_PCT))
                .collect();
            let properties: HashMap<Uuid, String> = store.properties()?.into_iter().map(|p| (p.id, p.name)).collect();
            let mut units: HashMap<Uuid, String> =
                store.pricing_units()?.into_iter().map(|u| (u.id, u.unit_number)).collect();
            for s in &snaps {
                // An archived unit keeps its last snapshot: name it too.
                if let std::collections::hash_map::Entry::Vacant(e) = units.entry(s.unit_id) {
                    e.insert(store.unit(s.unit_id)?.unit_number);
                }
            }
            let name = |s: &PricingSnapshot| {
                (
                    properties.get(&s.property_id).map_or("", String::as_str),
                    units.get(&s.unit_id).map_or("", String::as_str),
                )
            };
            snaps.sort_by(|a, b| {
                let by_name = name(a).cmp(&name(b)).then(a.unit_id.cmp(&b.unit_id));
                if below {
                    a.rent_gap_amount.cmp(&b.rent_gap_amount).then(by_name)
                } else {
                    by_name
                }
            });
            let total = snaps.len();
            // The table stops at 50 and says so; --json lists every unit unless --limit is given.
            let limit = limit.or((!json).then_some(50));
            let shown = &snaps[..limit.unwrap_or(total).min(total)];
            if json {
                let results: Vec<UnitLine> = shown
                    .iter()
                    .map(|s| {
                        let (property_name, unit_number) = name(s);
                        UnitLine { unit_number, property_name, snapshot: s }
                    })
                    .collect();
                return print_json(&serde_json::json!({ "count": total, "limit": limit, "results": results }));
            }
            let mut t = Table::new(&[
                ("Unit", Align::Left),
                ("Property", Align::Left),
                ("Current", Align::Right),
                ("Market", Align::Right),
                ("Recommended", Align::Right),
                ("Gap", Align::Right),
                ("Gap %", Align::Right),
                ("Strategy", Align::Left),
                ("Basis", Align::Left),
                ("Conf.", Align::Right),
            ]);
            for s in shown {
                let (property_name, unit_number) = name(s);
                t.row(vec![
                    unit_number.to_string(),
                    property_name.to_string(),
                    s.current_rent.map_or_else(|| "vacant".into(), money),
                    money(s.market_rent),
                    money(s.recommended_rent),
                    if s.current_rent.is_some() { money(s.rent_gap_amount) } else { "—".into() },
                    if s.current_rent.is_some() { pct(s.rent_gap_pct) } else { "—".into() },
                    s.pricing_strategy.label().into(),
                    s.basis.label().into(),
                    format!("{:.0}%", s.confidence_score * 100.0),
                ]);
            }
            print!("{}", t.render());
            let what = if below { "units below market" } else { "units priced" };
            if shown.len() < total {
                println!("{} of {total} {what} (--limit N shows more; --json lists all)", shown.len());
            } else {
                println!("{total} {what}");
            }
            Ok(())
        }
        PricingCommand::History { unit, property, opts } => {
            let property = find_property(&store, property)?;
            let u = find_unit(&store, &unit, property.as_ref())?;
            let property = store.property(u.property_id)?;
            // The 90 days run to the property's date.
            let day = unitcycle_core::time::today_of(&property, now_on(today(opts.today)))?;
            let history = workflow::history(&store, u.id, day)?;
            let mut comps = match history.last() {
                Some(s) => store.snapshot_comps(s.id)?,
                None => Vec::new(),
            };
            comps.sort_by(|a, b| b.comp.similarity_score.total_cmp(&a.comp.similarity_score));
            if opts.json {
                return print_json(&serde_json::json!({
                    "unit_id": u.id, "unit_number": u.unit_number, "property_name": property.name,
                    "today": day, "history": history, "comps": comps
                }));
            }
            println!(
                "Unit {} · {} · {} bd · {} ba · {} sq ft · {}",
                u.unit_number,
                property.name,
                u.bedrooms,
                u.bathrooms.normalize(),
                u.square_feet,
                u.status.label().to_lowercase()
            );
            let Some(latest) = history.last() else {
                println!("No pricing snapshot in the 90 days to {}: run `unitcycle pricing run`.", date(day));
                return Ok(());
            };
            println!(
                "{} snapshots in the 90 days to {} (a snapshot is written when the figures change)\n",
                history.len(),
                date(day)
            );
            let mut t = Table::new(&[
                ("Date", Align::Left),
                ("Current", Align::Right),
                ("Market", Align::Right),
                ("Recommended", Align::Right),
                ("Gap", Align::Right),
                ("Gap %", Align::Right),
                ("Strategy", Align::Left),
                ("Basis", Align::Left),
            ]);
            for s in &history {
                t.row(vec![
                    date(s.snapshot_date),
                    s.current_rent.map_or_else(|| "vacant".into(), money),
                    money(s.market_rent),
                    money(s.recommended_rent),
                    if s.current_rent.is_some() { money(s.rent_gap_amount) } else { "—".into() },
                    if s.current_rent.is_some() { pct(s.rent_gap_pct) } else { "—".into() },
                    s.pricing_strategy.label().into(),
                    s.basis.label().into(),
                ]);
            }
            print!("{}", t.render());
            let s = latest;
            println!(
                "\nMarket rent {} on {} from {} ({} comps): size ×{:.3} · seasonal ×{:.2} · vacancy discount {:.1}% \
                 ({} days vacant) · demand {:.0}% · confidence {:.0}% · strategy {}",
                money(s.market_rent),
                date(s.snapshot_date),
                s.basis.label(),
                s.comp_count,
                s.size_adjustment,
                s.seasonal_factor,
                s.vacancy_discount * 100.0,
                s.days_vacant,
                s.demand_score * 100.0,
                s.confidence_score * 100.0,
                s.pricing_strategy.label()
            );
            println!("{}", s.reason);
            if !comps.is_empty() {
                println!();
                let mut t = Table::new(&[
                    ("Source", Align::Left),
                    ("Comp", Align::Left),
                    ("Bd/Ba", Align::Left),
                    ("Sq ft", Align::Right),
                    ("Rent", Align::Right),
                    ("Similarity", Align::Right),
                ]);
                for c in &comps {
                    let c = &c.comp;
                    t.row(vec![
                        c.source.clone(),
                        c.address.clone(),
                        format!("{}/{}", c.bedrooms, c.bathrooms.normalize()),
                        c.square_feet.map_or_else(|| "—".into(), |s| s.to_string()),
                        money(c.rent),
                        format!("{:.2}", c.similarity_score),
                    ]);
                }
                print!("{}", t.render());
            }
            Ok(())
        }
    }
}
