//! One module per subcommand; each is a thin layer over `unitcycle_core`.

mod ai;
mod bench;
mod collections;
mod command_center;
mod demo;
mod doctor;
mod import;
mod inspections;
pub(crate) mod invoices;
mod jobs;
mod leases;
mod lifecycle;
mod listings;
mod maintenance;
mod move_out;
mod outbox;
mod pricing;
mod records;
mod renewals;
mod sync;
mod turnover;
pub(crate) mod vendors;

use std::path::Path;

use anyhow::{Context, Result};
use chrono::{NaiveDate, Utc};
use unitcycle_core::store::Store;

use crate::cli::{Cli, Command};
use crate::paths;

pub fn dispatch(cli: Cli) -> Result<()> {
    let db = cli.db.clone().unwrap_or_else(paths::default_db);
    match cli.command {
        None => demo::open_default(&db, cli.today),
        Some(Command::Demo(args)) => demo::run(&db, &args),
        Some(Command::Jobs(cmd)) => jobs::run(&db, cmd),
        Some(Command::Lifecycle(cmd)) => lifecycle::run(&db, cmd),
        Some(Command::Property(cmd)) => records::property(&db, cmd),
        Some(Command::Building(cmd)) => records::building(&db, cmd),
        Some(Command::Unit(cmd)) => records::unit(&db, cmd),
        Some(Command::Tenant(cmd)) => records::tenant(&db, cmd),
        Some(Command::Ledger(cmd)) => records::ledger(&db, cmd),
        Some(Command::Renewals(cmd)) => renewals::run(&db, cmd),
        Some(Command::Collections(cmd)) => collections::run(&db, cmd),
        Some(Command::Turnover(cmd)) => turnover::run(&db, cmd),
        Some(Command::Pricing(cmd)) => pricing::run(&db, cmd),
        Some(Command::Invoices(cmd)) => invoices::run(&db, cmd),
        Some(Command::Leases(cmd)) => leases::run(&db, cmd),
        Some(Command::Ask { question, json, yes }) => ask(&db, &question.join(" "), json, yes),
        Some(Command::MoveOut(cmd)) => move_out::run(&db, cmd),
        Some(Command::Maintenance(cmd)) => maintenance::run(&db, cmd),
        Some(Command::Vendors(cmd)) => vendors::run(&db, cmd),
        Some(Command::Cc(cmd)) => command_center::run(&db, cmd),
        Some(Command::Inspections(cmd)) => inspections::run(&db, cmd),
        Some(Command::Listings(cmd)) => listings::run(&db, cmd),
        Some(Command::Outbox(cmd)) => outbox::run(&db, cmd),
        Some(Command::Bench(cmd)) => bench::run(cmd),
        Some(Command::Ai(cmd)) => ai::run(&db, cmd),
        Some(Command::Login(args)) => sync::login(&db, &args),
        Some(Command::Sync(args)) => sync::run(&db, &args),
        Some(Command::Import(cmd)) => import::run(&db, cmd),
        Some(Command::Export(cmd)) => import::export(&db, cmd),
        Some(Command::Doctor { json }) => doctor::run(&db, json),
    }
}

/// `unitcycle ask …`: one question through the chat workflow (a conversation of its own).
fn ask(db: &Path, question: &str, json: bool, yes: bool) -> Result<()> {
    use unitcycle_core::portfolio_chat::workflow as wf;
    let mut store = open(db)?;
    let now = now_on(today(None));
    let user = crate::paths::actor();
    let gateway = unitcycle_core::ai::Gateway::from_env();
    let c = wf::create_conversation(&mut store, uuid::Uuid::new_v4(), &user, "", now)?;
    let (_, reply) = wf::send_message(&mut store, &gateway, c.id, &user, question, now, &mut |_| {})?;
    if json {
        return print_json(&reply);
    }
    println!("{}", reply.content);
    for (call, result) in
        reply.tool_calls.as_array().into_iter().flatten().zip(reply.tool_results.as_array().into_iter().flatten())
    {
        println!("tool: {} {}", call["name"].as_str().unwrap_or_default(), call["input"]);
        if let Ok(t) = serde_json::from_value::<unitcycle_core::portfolio_chat::ToolAnswer>(result.clone()) {
            println!("{}", t.columns.join(" | "));
            for row in t.rows.iter().take(20) {
                println!("{}", row.join(" | "));
            }
            if t.rows.len() > 20 {
                println!("… {} more rows (--json for all)", t.rows.len() - 20);
            }
        }
    }
    if let Some((_, p)) = wf::pending_proposal(&reply) {
        if !yes {
            println!("Not created. To create it, run again with --yes.");
            return Ok(());
        }
        let done = wf::confirm_action(
            &mut store,
            c.id,
            reply.id,
            &user,
            None,
            now,
            unitcycle_core::portfolio_chat::action::act_on_replica,
        )?;
        println!("Created: {} ({})", done.summary, p.kind_label());
    }
    Ok(())
}

/// Opens an existing replica with a message that says which file failed.
pub fn open(db: &Path) -> Result<Store> {
    Store::open(db).with_context(|| format!("cannot open replica {}", db.display()))
}

/// The day to compute for: `--today` or the clock (binaries may read it; `core` never does).
pub fn today(arg: Option<NaiveDate>) -> NaiveDate {
    arg.unwrap_or_else(|| Utc::now().date_naive())
}

/// `now` on the given day. On today, the clock. On another day (`--today`), a time between
/// 10:00 and 14:00 UTC that moves with the clock's time of day, so log rows stay ordered and
/// the day is that calendar date in every zone from UTC-10 to UTC+10: the clock's own time of
/// day would put a US property on the day before from midnight UTC on.
pub fn now_on(day: NaiveDate) -> chrono::DateTime<Utc> {
    let now = Utc::now();
    if now.date_naive() == day {
        return now;
    }
    let into_day = now.time() - chrono::NaiveTime::MIN;
    day.and_time(chrono::NaiveTime::MIN).and_utc() + chrono::TimeDelta::hours(10) + into_day / 6
}

pub fn print_json(value: &impl serde::Serialize) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
