//! `unitcycle inspections list|show|analyze`: move-in inspections (spec 4.4) from the terminal.
//! The guided capture, signatures and the report are the desktop app's; here a manager sees
//! where every inspection stands and can analyse photos that were queued while offline.

use std::path::Path;

use anyhow::{anyhow, Result};
use chrono::Utc;
use unitcycle_core::ai::Gateway;
use unitcycle_core::blobs::BlobStore;
use unitcycle_core::inspections::{self as insp, InspectionDetail, InspectionStatus};
use unitcycle_core::store::{InspectionFilter, InspectionListRow, Store};
use uuid::Uuid;

use super::{open, print_json};
use crate::cli::InspectionsCommand;
use crate::table::{Align, Table};

/// An inspection by id, id prefix or lease number (the newest for that lease).
fn find(store: &Store, key: &str) -> Result<InspectionListRow> {
    let key = key.trim();
    let rows = store.move_in_inspections(&InspectionFilter::default())?;
    let exact = Uuid::parse_str(key).ok();
    let prefix = key.to_lowercase();
    rows.into_iter()
        .find(|r| {
            exact == Some(r.inspection.id)
                || (prefix.len() >= 4 && r.inspection.id.simple().to_string().starts_with(&prefix))
                || r.lease_number.eq_ignore_ascii_case(key)
        })
        .ok_or_else(|| {
            anyhow!("no move-in inspection '{key}' (give its id, the first characters of it, or a lease number)")
        })
}

fn short(id: Uuid) -> String {
    id.simple().to_string()[..8].to_string()
}

pub fn run(db: &Path, cmd: InspectionsCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        InspectionsCommand::List { status, json } => {
            let status = status
                .map(|s| s.trim().parse::<InspectionStatus>().map_err(|e| anyhow!("--status: {e}")))
                .transpose()?;
            let rows = store.move_in_inspections(&InspectionFilter { status, ..Default::default() })?;
            if json {
                return print_json(&rows);
            }
            if rows.is_empty() {
                println!("No move-in inspections yet. Start one in the desktop app (cargo run -p unitcycle-desktop).");
                return Ok(());
            }
            let mut t = Table::new(&[
                ("Id", Align::Left),
                ("Date", Align::Left),
                ("Property", Align::Left),
                ("Unit", Align::Left),
                ("Tenant", Align::Left),
                ("Inspector", Align::Left),
                ("Complete", Align::Right),
                ("Score", Align::Right),
                ("Status", Align::Left),
            ]);
            for r in &rows {
                let i = &r.inspection;
                t.row(vec![
                    short(i.id),
                    i.inspection_date.to_string(),
                    r.property_name.clone(),
                    r.unit_number.clone(),
                    r.tenant_name.clone(),
                    i.inspector_name.clone(),
                    format!("{}%", i.completeness_pct),
                    i.overall_condition_score.map_or("—".into(), |s| format!("{s:.0}")),
                    i.status.label().into(),
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
        InspectionsCommand::Show { inspection, json } => {
            let row = find(&store, &inspection)?;
            let detail = store.move_in_detail(row.inspection.id)?;
            if json {
                let completeness = insp::completeness(&detail);
                return print_json(&serde_json::json!({"detail": detail, "completeness": completeness}));
            }
            print!("{}", render_detail(&row, &detail));
            Ok(())
        }
        InspectionsCommand::Analyze { inspection } => {
            let row = find(&store, &inspection)?;
            let gateway = Gateway::from_env();
            let blobs = BlobStore::beside(db);
            let run = store.analyze_move_in_with_gateway(&blobs, row.inspection.id, &gateway, Utc::now())?;
            println!(
                "{}: {} analysed, {} for review, {} failed, {} still queued{}",
                gateway.status().note,
                run.analysed,
                run.needs_review,
                run.failed,
                run.still_queued,
                if run.message.is_empty() { String::new() } else { format!(" — {}", run.message) }
            );
            Ok(())
        }
    }
}

/// The inspection as a manager reads it: header, one line per room, then what is missing.
fn render_detail(row: &InspectionListRow, d: &InspectionDetail) -> String {
    let i = &d.inspection;
    let mut out = format!(
        "Move-in inspection {} · {} · {} unit {} · {} ({})\n{} by {} · {}% complete · score {}\n\n",
        short(i.id),
        i.status.label(),
        row.property_name,
        row.unit_number,
        row.tenant_name,
        row.lease_number,
        i.inspection_date,
        i.inspector_name,
        i.completeness_pct,
        i.overall_condition_score.map_or("—".into(), |s| format!("{s:.0}/100")),
    );
    let mut t = Table::new(&[
        ("Room", Align::Left),
        ("Condition", Align::Left),
        ("Photos", Align::Right),
        ("Rated", Align::Right),
        ("Issues", Align::Right),
        ("Done", Align::Left),
    ]);
    for rd in &d.rooms {
        let rated = rd.items.iter().filter(|it| it.rating().is_some()).count();
        let issues: usize = rd.items.iter().map(|it| it.ai_pre_existing_issues.len()).sum();
        t.row(vec![
            rd.room.room_name.clone(),
            rd.room.overall_condition.label().into(),
            rd.photos.len().to_string(),
            format!("{rated}/{}", rd.items.len()),
            issues.to_string(),
            if rd.room.is_complete { "✓".into() } else { String::new() },
        ]);
    }
    out.push_str(&t.render());
    let c = insp::completeness(d);
    let mut missing = Vec::new();
    if !c.rooms_without_photos.is_empty() {
        let names: Vec<&str> = c.rooms_without_photos.iter().map(|r| r.room_name.as_str()).collect();
        missing.push(format!("rooms without an acceptable photo: {}", names.join(", ")));
    }
    if !c.items_without_ratings.is_empty() {
        missing.push(format!("{} items without a rating", c.items_without_ratings.len()));
    }
    if !c.photos_to_retake.is_empty() {
        missing.push(format!("{} photos flagged to retake", c.photos_to_retake.len()));
    }
    if c.photos_awaiting_analysis > 0 {
        missing.push(format!("{} photos queued for analysis", c.photos_awaiting_analysis));
    }
    if !c.signatures_missing.is_empty() && i.status != InspectionStatus::Finalized {
        let who: Vec<&str> = c.signatures_missing.iter().map(|r| r.label()).collect();
        missing.push(format!("signatures missing: {}", who.join(", ")));
    }
    out.push('\n');
    if i.status == InspectionStatus::Finalized {
        out.push_str(&format!(
            "Finalized{} and locked.\n",
            i.finalized_at.map_or(String::new(), |at| format!(" on {}", at.format("%Y-%m-%d %H:%M UTC")))
        ));
    } else if missing.is_empty() {
        out.push_str("Nothing missing: ready to finalize.\n");
    } else {
        out.push_str(&format!("Before finalizing: {}.\n", missing.join("; ")));
    }
    out
}
