//! `unitcycle outbox list|deliver`: what was queued for tenants, and sending it.

use std::path::Path;

use anyhow::Result;
use unitcycle_core::outbox::FileSender;

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
            let msgs = store.outbox_messages(None, limit)?;
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
            Ok(())
        }
        OutboxCommand::Deliver { today: day } => {
            let dir = outbox_dir(db);
            let sender = FileSender { dir: dir.clone() };
            let blobs = unitcycle_core::blobs::BlobStore::beside(db);
            let report = store.deliver_outbox(&sender, &|sha| blobs.get(sha).ok(), now_on(today(day)))?;
            println!(
                "Delivered {} messages to {} ({} retrying, {} failed).",
                report.sent,
                dir.display(),
                report.retrying,
                report.failed
            );
            Ok(())
        }
    }
}
