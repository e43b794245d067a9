//! `unitcycle outbox list|deliver|status`: what was queued for tenants, sending it (a standalone
//! replica only: a connected replica's messages are sent by the server), and where it goes.

use std::path::Path;

use anyhow::Result;
use anyhow::{bail, Context};
use unitcycle_core::delivery::Providers;
use unitcycle_core::sync_actions;

use super::{now_on, open, print_json, today};
use crate::cli::OutboxCommand;
use crate::table::{Align, Table};

/// Where the local file provider writes messages: beside the replica.
fn outbox_dir(db: &Path) -> std::path::PathBuf {
    db.parent().unwrap_or_else(|| Path::new(".")).join("outbox")
}

pub fn run(db: &Path, cmd: OutboxCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        OutboxCommand::List { limit, json } => {
            // --json lists every message unless --limit is given; the table shows the latest 30.
            let cap = limit.unwrap_or(if json { i64::MAX as usize } else { 30 });
            let msgs = store.outbox_messages(None, cap)?;
            if json {
                return print_json(&msgs);
            }
            let mut t = Table::new(&[
                ("Created (UTC)", Align::Left),
                ("Channel", Align::Left),
                ("To", Align::Left),
                ("Subject", Align::Left),
                ("Status", Align::Left),
                ("Tries", Align::Right),
            ]);
            for m in &msgs {
                t.row(vec![
                    m.created_at.format("%Y-%m-%d %H:%M").to_string(),
                    m.channel.label().into(),
                    m.recipient_name.clone(),
                    m.subject.chars().take(50).collect(),
                    m.status.label().into(),
                    m.attempts.to_string(),
                ]);
            }
            print!("{}", t.render());
            if limit.is_none() && msgs.len() == cap {
                println!("The latest {cap} messages (--limit N shows more; --json lists all)");
            }
            Ok(())
        }
        OutboxCommand::Deliver { today: day } => {
            if sync_actions::connected(&store)? {
                bail!("This replica is connected to a server, which sends its messages; nothing was sent from here.");
            }
            let providers = providers(db)?;
            let report = store.deliver_outbox(&providers, now_on(today(day)))?;
            println!("Delivered {} messages ({} retrying, {} failed).", report.sent, report.retrying, report.failed);
            for p in providers.describe() {
                println!("  {}: {}", p.channel.label(), p.description);
            }
            Ok(())
        }
        OutboxCommand::Status { json } => {
            let providers = providers(db)?.describe();
            let counts = store.outbox_counts()?;
            let connected = sync_actions::connected(&store)?;
            if json {
                let counts: serde_json::Map<String, serde_json::Value> =
                    counts.iter().map(|(s, n)| (s.as_str().to_string(), (*n).into())).collect();
                return print_json(&serde_json::json!({
                    "delivered_by": if connected { "server" } else { "this replica" },
                    "providers": providers,
                    "counts": counts,
                }));
            }
            if connected {
                println!("Connected: the server delivers this replica's messages (its providers apply).");
            } else {
                println!("Standalone: `unitcycle outbox deliver` sends due messages with:");
            }
            for p in &providers {
                println!("  {:<7} {}", p.channel.label(), p.description);
            }
            let line: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {}", s.as_str())).collect();
            println!("Messages: {}", if line.is_empty() { "none".to_string() } else { line.join(", ") });
            Ok(())
        }
    }
}

/// The providers from the environment; the file provider writes beside the replica.
fn providers(db: &Path) -> Result<Providers> {
    Providers::from_env(&outbox_dir(db)).map_err(anyhow::Error::msg).context("the delivery configuration is incomplete")
}
