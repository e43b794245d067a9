//! `unitcycle import rent-roll FILE` and `unitcycle export rent-roll [FILE]`: a thin layer over
//! `unitcycle_core::import` on the replica. A replica connected to a server refuses to import
//! (the server is the system of record: `POST /api/v1/import/rent-roll/`).

use std::path::Path;

use anyhow::{bail, Context, Result};
use unitcycle_core::import::{self, ImportRequest, IMPORT_ACTOR};
use unitcycle_core::store::{Store, CONNECTED_REFUSAL};

use super::{now_on, open, print_json, today};
use crate::cli::{ExportCommand, ImportCommand};

pub fn run(db: &Path, cmd: ImportCommand) -> Result<()> {
    match cmd {
        ImportCommand::RentRoll { file, dry_run, map, opts } => {
            let csv = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let csv = String::from_utf8(csv)
                .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text; export it as CSV (UTF-8)", file.display()))?;
            let overrides = import::parse_overrides(map.iter().map(String::as_str)).map_err(anyhow::Error::msg)?;
            let mut store = if db.exists() {
                open(db)?
            } else if dry_run {
                Store::in_memory()?
            } else {
                Store::create(db).with_context(|| format!("cannot create replica {}", db.display()))?
            };
            if unitcycle_core::sync_actions::connected(&store)? {
                bail!("{CONNECTED_REFUSAL}");
            }
            let day = today(opts.today);
            let req = ImportRequest { csv: &csv, overrides: &overrides, dry_run, actor: IMPORT_ACTOR };
            let report = import::import_rent_roll(&mut store, &req, day, now_on(day))?;
            if opts.json {
                print_json(&report)?;
            } else {
                print!("{}", report.text());
            }
            if !report.errors.is_empty() {
                bail!("{} bad rows in {}; nothing was imported", report.errors.len(), file.display());
            }
            Ok(())
        }
        ImportCommand::Ledger { file, dry_run, map, json } => {
            let csv = std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let csv = String::from_utf8(csv)
                .map_err(|_| anyhow::anyhow!("{} is not UTF-8 text; export it as CSV (UTF-8)", file.display()))?;
            let overrides = import::parse_overrides(map.iter().map(String::as_str)).map_err(anyhow::Error::msg)?;
            let mut store = open(db)?;
            if unitcycle_core::sync_actions::connected(&store)? {
                bail!("{CONNECTED_REFUSAL}");
            }
            let req = ImportRequest { csv: &csv, overrides: &overrides, dry_run, actor: IMPORT_ACTOR };
            let report = import::ledger::import_ledger(&mut store, &req, chrono::Utc::now())?;
            if json {
                print_json(&report)?;
            } else {
                print!("{}", report.text());
            }
            if !report.errors.is_empty() {
                bail!("{} bad rows in {}; nothing was imported", report.errors.len(), file.display());
            }
            Ok(())
        }
    }
}

pub fn export(db: &Path, cmd: ExportCommand) -> Result<()> {
    match cmd {
        ExportCommand::RentRoll { file } => {
            let store = open(db)?;
            let rows = store.rent_roll()?;
            let csv = import::write_rent_roll(&rows);
            match file {
                Some(path) => {
                    std::fs::write(&path, csv).with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!("Wrote {} units to {}.", rows.len(), path.display());
                }
                None => print!("{csv}"),
            }
            Ok(())
        }
    }
}
