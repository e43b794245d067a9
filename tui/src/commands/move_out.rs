//! `unitcycle move-out ...`: the move-out photo inspection from the command line (spec 3.1).
//! Every change is the core's workflow through `act_on_replica` (queued for the server when
//! connected); the letter and the finalize show what they will state before `--yes`.

use std::path::Path;

use anyhow::{anyhow, Result};
use unitcycle_core::ai::Gateway;
use unitcycle_core::format::{money, parse_amount, parse_date};
use unitcycle_core::inspections::move_out::comparison;
use unitcycle_core::inspections::move_out::port::MoveOutPort;
use unitcycle_core::inspections::move_out::workflow::{self as mw, MoveOutAction};
use unitcycle_core::inspections::move_out::{
    self as mo, DamageCategory, DamageItem, DamageSeverity, InspectionPhoto, MoveOutDetail, MoveOutInspection,
    PhotoClassification,
};
use unitcycle_core::inspections::workflow::PhotoFile;
use unitcycle_core::store::{InspectionFilter, Store};
use unitcycle_core::turnover::port::TurnoverPort;
use uuid::Uuid;

use super::{now_on, open, print_json, today};
use crate::cli::{parse_choice, MoveOutCommand};
use crate::paths;
use crate::table::{Align, Table};

pub(super) fn short(id: Uuid) -> String {
    id.simple().to_string()[..8].to_string()
}

/// One of `items` by its id or the first characters of it.
pub(super) fn by_key<T>(items: Vec<T>, key: &str, id: impl Fn(&T) -> Uuid, what: &str) -> Result<T> {
    let key = key.trim().to_lowercase().replace('-', "");
    let mut hits: Vec<T> =
        items.into_iter().filter(|i| !key.is_empty() && id(i).simple().to_string().starts_with(&key)).collect();
    match hits.len() {
        1 => Ok(hits.remove(0)),
        0 => Err(anyhow!("no {what} '{key}'")),
        _ => Err(anyhow!("more than one {what} starts with '{key}': give more of its id")),
    }
}

fn find(store: &Store, key: &str) -> Result<MoveOutDetail> {
    let i: MoveOutInspection =
        by_key(store.move_outs()?, key, |i| i.id, "move-out inspection (see `unitcycle move-out list`)")?;
    Ok(store.move_out(i.id)?)
}

fn act(store: &mut Store, id: Uuid, action: &MoveOutAction) -> Result<MoveOutDetail> {
    let now = now_on(today(None));
    Ok(mw::act_on_replica(store, id, action, &paths::actor(), now)?)
}

fn photo_line(p: &InspectionPhoto) -> String {
    let by = if p.human_override { format!("reviewed by {}", p.reviewed_by) } else { p.ai_provider.clone() };
    let items: Vec<String> = p
        .damage_items()
        .iter()
        .map(|i| {
            format!("{} ({} {}, {})", i.item, i.severity, i.category, i.estimated_cost.map_or("unpriced".into(), money))
        })
        .collect();
    format!(
        "  {}  {:<12} #{:<2} {:<13} {:<22} {}",
        short(p.id),
        p.room,
        p.photo_order + 1,
        p.classification().as_str(),
        by,
        items.join("; ")
    )
}

fn print_detail(d: &MoveOutDetail) {
    let i = &d.inspection;
    println!(
        "Move-out inspection {} · {} · {} · inspector {}",
        short(i.id),
        i.status.label(),
        unitcycle_core::format::date(i.inspection_date),
        i.inspector_name
    );
    println!(
        "Damage {} ({} item(s) charged) · normal wear on {} photo(s)",
        money(i.total_damage_cost),
        i.total_damage_items,
        i.total_wear_items
    );
    for p in &d.photos {
        println!("{}", photo_line(p));
        if !p.ai_description.is_empty() && !p.human_override {
            println!("      {}", p.ai_description);
        }
    }
    if let Some(why) = mo::finalize_blockers(d) {
        println!("Before finalizing: {why}");
    }
}

pub fn run(db: &Path, cmd: MoveOutCommand) -> Result<()> {
    let mut store = open(db)?;
    let day = today(None);
    let now = now_on(day);
    match cmd {
        MoveOutCommand::List { json } => {
            let all = store.move_outs()?;
            if json {
                return print_json(&all);
            }
            let mut t = Table::new(&[
                ("Inspection", Align::Left),
                ("Date", Align::Left),
                ("Status", Align::Left),
                ("Inspector", Align::Left),
                ("Damage", Align::Right),
                ("Items", Align::Right),
            ]);
            for i in &all {
                t.row(vec![
                    short(i.id),
                    i.inspection_date.to_string(),
                    i.status.label().into(),
                    i.inspector_name.clone(),
                    money(i.total_damage_cost),
                    i.total_damage_items.to_string(),
                ]);
            }
            print!("{}", t.render());
            println!("{} move-out inspection(s)", all.len());
            Ok(())
        }
        MoveOutCommand::Start { case, inspector, date } => {
            let c = by_key(store.turnover_cases()?, &case, |c| c.id, "turnover case (see `unitcycle turnover list`)")?;
            let date = date.map(|d| parse_date(&d)).transpose().map_err(|e| anyhow!(e))?.unwrap_or(day);
            let id = mo::inspection_id(c.lease_id);
            let action =
                MoveOutAction::Create { lease_id: c.lease_id, inspector_name: inspector, inspection_date: date };
            let d = act(&mut store, id, &action)?;
            println!("Started move-out inspection {} for case {}", short(d.inspection.id), short(c.id));
            Ok(())
        }
        MoveOutCommand::Show { inspection, json } => {
            let d = find(&store, &inspection)?;
            if json {
                return print_json(&d);
            }
            print_detail(&d);
            Ok(())
        }
        MoveOutCommand::Photos { inspection, room, files } => {
            let d = find(&store, &inspection)?;
            let mut photos = Vec::with_capacity(files.len());
            for f in &files {
                let bytes = std::fs::read(f).map_err(|e| anyhow!("cannot read {}: {e}", f.display()))?;
                let name = f.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                photos.push(PhotoFile { file_name: name, content_type: String::new(), bytes });
            }
            let (action, outcomes) = mw::store_photos(&store, &room, &photos, now)?;
            for o in &outcomes {
                match &o.quality {
                    Some(q) => println!("  {}: added — {}", o.file_name, q.verdict),
                    None => println!("  {}: refused — {}", o.file_name, o.error),
                }
            }
            if let Some(a) = action {
                let after = act(&mut store, d.inspection.id, &a)?;
                println!("{} photo(s) in the inspection", after.photos.len());
            }
            Ok(())
        }
        MoveOutCommand::Analyze { inspection } => {
            let d = find(&store, &inspection)?;
            let gateway = Gateway::from_env();
            let (run, action) = mw::analyze(&store, &gateway, d.inspection.id, now)?;
            let after = act(&mut store, d.inspection.id, &action)?;
            println!(
                "Provider {}: {} classified, {} need review, {} failed, {} still pending. {}",
                run.provider, run.analysed, run.needs_review, run.failed, run.still_queued, run.message
            );
            print_detail(&after);
            Ok(())
        }
        MoveOutCommand::Review { inspection, photo, classification, item, severity, category, cost } => {
            let d = find(&store, &inspection)?;
            let p = by_key(d.photos.clone(), &photo, |p| p.id, "photo on this inspection")?;
            let classification = parse_choice::<PhotoClassification>(&classification).map_err(|e| anyhow!(e))?;
            let items = match item {
                Some(text) => {
                    let severity = parse_choice::<DamageSeverity>(&severity).map_err(|e| anyhow!(e))?;
                    let category = parse_choice::<DamageCategory>(&category).map_err(|e| anyhow!(e))?;
                    let cost = cost.map(|c| parse_amount(&c)).transpose().map_err(|e| anyhow!(e))?;
                    let item = DamageItem::new(&text, severity, category, cost).map_err(|e| anyhow!(e))?;
                    if !item.cost_note.is_empty() {
                        println!("{}", item.cost_note);
                    }
                    Some(vec![item])
                }
                None => None,
            };
            let action = MoveOutAction::ReviewPhoto { photo_id: p.id, classification, damage_items: items };
            let after = act(&mut store, d.inspection.id, &action)?;
            println!(
                "Photo {} is {}; damage charged so far {}",
                short(p.id),
                classification.label(),
                money(after.inspection.total_damage_cost)
            );
            Ok(())
        }
        MoveOutCommand::Letter { inspection, yes } => {
            let d = find(&store, &inspection)?;
            let draft = mw::draft_letter(&store, d.inspection.id, now)?;
            println!("{}\n\n{}\n", draft.letter.subject, draft.letter.body);
            for (label, value) in &draft.letter.figures {
                println!("  {label:<50} {value:>12}");
            }
            if !yes {
                println!("\nNothing written. Run again with --yes to generate the PDF.");
                return Ok(());
            }
            act(&mut store, d.inspection.id, &MoveOutAction::GenerateLetter)?;
            println!("\nDeduction letter generated; the PDF is in the replica's documents.");
            Ok(())
        }
        MoveOutCommand::Finalize { inspection, yes } => {
            let d = find(&store, &inspection)?;
            if let Some(why) = mo::finalize_blockers(&d) {
                return Err(anyhow!("not ready to finalize: {why}"));
            }
            let charged = mo::charged_items(&d);
            println!("Finalizing locks the inspection and puts these approved deductions on the turnover case:");
            for c in &charged {
                println!("  {:<12} {:<40} {:>10}", mo::room_label(&c.room), c.item.item, money(c.amount));
            }
            if charged.is_empty() {
                println!("  (none: no damage was kept)");
            }
            if !yes {
                println!("\nNothing written. Run again with --yes to finalize.");
                return Ok(());
            }
            let after = act(&mut store, d.inspection.id, &MoveOutAction::Finalize)?;
            match after.inspection.turnover_case_id.map(|c| store.turnover_case(c)).transpose()? {
                Some(c) => println!(
                    "Finalized. Case deductions {}; {}",
                    money(c.total_deductions),
                    unitcycle_core::turnover::refund_words(c.refund_amount)
                ),
                None => println!("Finalized (this lease has no turnover case)."),
            }
            Ok(())
        }
        MoveOutCommand::Compare { inspection, json } => {
            let d = find(&store, &inspection)?;
            let filter = InspectionFilter { unit: Some(d.inspection.unit_id), ..Default::default() };
            let move_in = store
                .move_in_inspections(&filter)?
                .into_iter()
                .map(|r| r.inspection)
                .max_by_key(|i| i.inspection_date)
                .ok_or_else(|| anyhow!("this unit has no move-in inspection to compare with"))?;
            let gateway = Gateway::from_env();
            let c = comparison::compare_inspections(&store, &gateway, move_in.id, d.inspection.id, now)?;
            if json {
                return print_json(&c);
            }
            println!("Move-in {} vs move-out {} ({} tenancy)", c.move_in_date, c.move_out_date, c.lease_duration);
            for p in &c.pairs {
                println!("  {:<12} {:<16} {}", p.room, p.status, p.summary);
                for x in &p.differences {
                    let charge = if x.charge_to_tenant { "charge" } else { "no charge" };
                    println!("      {} — {} ({charge})", x.classification, x.description);
                }
            }
            println!("{}", c.summary);
            Ok(())
        }
    }
}
