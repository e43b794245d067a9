//! `unitcycle command-center ...`: the AI action queue from the command line (spec 1.4). On a
//! connected replica each action is also queued for the server (`command_center::workflow`).

use std::path::Path;

use anyhow::{anyhow, Result};
use unitcycle_core::ai::Gateway;
use unitcycle_core::command_center::workflow::{self as ccw, ActionDone, CommandCenterAction};
use unitcycle_core::store::{QueueItem, Store};
use uuid::Uuid;

use super::{now_on, open, print_json, today};
use crate::cli::CommandCenterCommand;
use crate::paths;
use crate::table::{Align, Table};

/// An open queue item by id or the first characters of its id.
fn find(store: &Store, key: &str) -> Result<Uuid> {
    if let Ok(id) = Uuid::parse_str(key.trim()) {
        return Ok(id);
    }
    let key = key.trim().to_lowercase().replace('-', "");
    let found: Vec<QueueItem> =
        store.open_queue_items()?.into_iter().filter(|q| q.id.simple().to_string().starts_with(&key)).collect();
    match found.as_slice() {
        [one] => Ok(one.id),
        [] => Err(anyhow!("no open AI action {key}")),
        _ => Err(anyhow!("{} open AI actions start with {key}; give more characters", found.len())),
    }
}

pub fn run(db: &Path, cmd: CommandCenterCommand) -> Result<()> {
    let mut store = open(db)?;
    let gateway = Gateway::from_env();
    let (id, action, day) = match cmd {
        CommandCenterCommand::Queue { json } => {
            let items = store.open_queue_items()?;
            if json {
                return print_json(&items);
            }
            let mut t = Table::new(&[
                ("Action", Align::Left),
                ("Unit", Align::Left),
                ("Type", Align::Left),
                ("Priority", Align::Left),
                ("Confidence", Align::Right),
                ("Status", Align::Left),
                ("Description", Align::Left),
            ]);
            for q in &items {
                t.row(vec![
                    q.id.simple().to_string()[..8].to_string(),
                    store.unit(q.unit_id)?.unit_number,
                    q.action_type.label().into(),
                    q.priority.label().into(),
                    q.confidence_score.to_string(),
                    q.status.label().into(),
                    q.description.clone(),
                ]);
            }
            print!("{}", t.render());
            println!("{} open AI actions", items.len());
            return Ok(());
        }
        CommandCenterCommand::Approve { id } => (find(&store, &id)?, CommandCenterAction::Approve, None),
        CommandCenterCommand::Dismiss { id } => (find(&store, &id)?, CommandCenterAction::Dismiss, None),
        CommandCenterCommand::Execute { id, method, today } => {
            (find(&store, &id)?, CommandCenterAction::Execute { method }, today)
        }
    };
    let day = today(day);
    match ccw::replica_action(&mut store, &gateway, id, &action, &paths::actor(), now_on(day), &mut |_, _| {})? {
        ActionDone::Queue(q) => println!("AI action {} is now {}.", &q.id.simple().to_string()[..8], q.status.label()),
        ActionDone::Bulk(r) => {
            for (_, why) in &r.skipped {
                println!("Skipped: {why}.");
            }
            println!("Executed {} unit(s); {} message(s) queued.", r.executed, r.messages_queued);
        }
    }
    Ok(())
}
