//! `unitcycle turnover ...`: the turnover pipeline from the command line (spec 2.1). Every action
//! is the core's workflow through `act_on_replica` (queued for the server when connected).

use std::path::Path;

use anyhow::{anyhow, Result};
use unitcycle_core::format::{date, money, parse_amount};
use unitcycle_core::store::Store;
use unitcycle_core::time::Days;
use unitcycle_core::turnover::port::TurnoverPort;
use unitcycle_core::turnover::workflow::{self as tw, TurnoverAction};
use unitcycle_core::turnover::{self, Stage, TurnoverCase};
use uuid::Uuid;

use super::{now_on, open, print_json, today};
use crate::cli::{parse_choice, TurnoverCommand};
use crate::paths;
use crate::table::{Align, Table};

/// A case by id or by the first characters of its id.
fn find(store: &Store, key: &str) -> Result<TurnoverCase> {
    if let Ok(id) = Uuid::parse_str(key.trim()) {
        return Ok(TurnoverPort::turnover_case(store, id)?);
    }
    let key = key.trim().to_lowercase();
    let mut found = store.turnover_cases()?.into_iter().filter(|c| c.id.simple().to_string().starts_with(&key));
    match (found.next(), found.next()) {
        (Some(c), None) if !key.is_empty() => Ok(c),
        (Some(_), Some(_)) => Err(anyhow!("more than one case starts with '{key}': give more of its id")),
        _ => Err(anyhow!("no turnover case '{key}' (see `unitcycle turnover list`)")),
    }
}

/// A deduction or checklist item of a case by the first characters of its id.
fn pick<'a, T>(items: &'a [T], key: &str, id: impl Fn(&T) -> Uuid, what: &str) -> Result<&'a T> {
    let key = key.trim().to_lowercase();
    let hits: Vec<&T> =
        items.iter().filter(|i| !key.is_empty() && id(i).simple().to_string().starts_with(&key)).collect();
    match hits[..] {
        [one] => Ok(one),
        [] => Err(anyhow!("no {what} '{key}' on this case (see `unitcycle turnover show`)")),
        _ => Err(anyhow!("more than one {what} starts with '{key}'")),
    }
}

/// A date as "Dec 4, 2026", or "—".
fn opt_date(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), date)
}

fn short(id: Uuid) -> String {
    id.simple().to_string()[..8].to_string()
}

fn act(store: &mut Store, case: &TurnoverCase, action: TurnoverAction) -> Result<TurnoverCase> {
    let now = now_on(today(None));
    Ok(tw::act_on_replica(store, case.id, &action, &paths::actor(), now)?)
}

pub fn run(db: &Path, cmd: TurnoverCommand) -> Result<()> {
    let mut store = open(db)?;
    let day = today(None);
    let now = now_on(day);
    match cmd {
        TurnoverCommand::List { stage, json } => {
            let stage = stage.map(|s| parse_choice::<Stage>(&s)).transpose().map_err(|e| anyhow!(e))?;
            let cases: Vec<TurnoverCase> =
                store.turnover_cases()?.into_iter().filter(|c| stage.is_none_or(|s| c.stage == s)).collect();
            if json {
                return print_json(&cases);
            }
            let days = Days::of_port(&store, day, now)?;
            let mut t = Table::new(&[
                ("Case", Align::Left),
                ("Unit", Align::Left),
                ("Stage", Align::Left),
                ("In stage", Align::Right),
                ("Vacant", Align::Right),
                ("Move-out", Align::Left),
                ("Refund", Align::Right),
                ("Letter", Align::Left),
            ]);
            for c in &cases {
                let today = days.of(c.property_id);
                let letter = match turnover::letter_days_left(c, today) {
                    None => "generated".to_string(),
                    Some(d) if d < 0 => format!("{} days overdue", -d),
                    Some(d) => format!("due in {d} days"),
                };
                t.row(vec![
                    short(c.id),
                    store.unit(c.unit_id)?.unit_number,
                    c.stage.label().into(),
                    format!("{} d", turnover::days_in_stage(c, today)),
                    format!("{}/{} d", turnover::days_vacant(c, today), c.target_days_to_lease),
                    date(turnover::move_out(c)),
                    money(c.refund_amount),
                    letter,
                ]);
            }
            print!("{}", t.render());
            println!("{} cases", cases.len());
            Ok(())
        }
        TurnoverCommand::Stats { json } => {
            let stats = turnover::pipeline_stats(&store.turnover_cases()?, day);
            if json {
                return print_json(&stats);
            }
            let widest = stats.count_per_stage.iter().map(|s| s.count).max().unwrap_or(0).max(1);
            for s in &stats.count_per_stage {
                println!("{:<16} {:>5}  {}", s.label, s.count, "█".repeat((s.count * 30).div_ceil(widest)));
            }
            println!(
                "{} open · {:.1} days vacant on average · {} over the 21-day target · {} letters overdue · make-ready {} of {} estimated",
                stats.open_cases,
                stats.avg_days_vacant,
                stats.over_target,
                stats.letters_overdue,
                money(stats.make_ready_actual_cost),
                money(stats.make_ready_estimated_cost)
            );
            Ok(())
        }
        TurnoverCommand::Show { case, json } => {
            let c = find(&store, &case)?;
            let d = tw::detail(&store, c.id, now)?;
            if json {
                return print_json(&d);
            }
            let unit = store.unit(c.unit_id)?;
            println!(
                "Case {} · unit {} · {} ({} days) · deposit {} · approved deductions {} · {}",
                short(c.id),
                unit.unit_number,
                c.stage.label(),
                d.days_in_stage,
                money(c.security_deposit),
                money(c.total_deductions),
                turnover::refund_words(c.refund_amount)
            );
            println!(
                "Notice {} · move-out {} (actual {}) · inspected {} · make-ready {} to {} · listed {} · leased {}",
                date(c.notice_date),
                date(c.expected_move_out),
                opt_date(c.actual_move_out),
                opt_date(c.inspection_date),
                opt_date(c.make_ready_start),
                opt_date(c.make_ready_complete),
                opt_date(c.listed_date),
                opt_date(c.leased_date)
            );
            println!(
                "Deduction letter due by {} ({})\n",
                date(d.letter_deadline),
                match d.letter_days_left {
                    None => format!("generated {}", opt_date(c.deduction_letter_date)),
                    Some(n) => format!("{n} days left"),
                }
            );
            let mut t = Table::new(&[
                ("Item", Align::Left),
                ("Category", Align::Left),
                ("Checklist", Align::Left),
                ("Estimate", Align::Right),
                ("Actual", Align::Right),
                ("Done", Align::Left),
            ]);
            for i in &d.checklist_items {
                let done = if i.completed { format!("✓ {}", i.completed_by) } else { String::new() };
                t.row(vec![
                    short(i.id),
                    i.category.clone(),
                    i.item.clone(),
                    money(i.estimated_cost),
                    money(i.actual_cost),
                    done,
                ]);
            }
            print!("{}", t.render());
            let mut t = Table::new(&[
                ("Deduction", Align::Left),
                ("Category", Align::Left),
                ("Description", Align::Left),
                ("Amount", Align::Right),
                ("Approved", Align::Left),
            ]);
            for x in &d.deductions {
                t.row(vec![
                    short(x.id),
                    x.category.label().into(),
                    x.description.clone(),
                    money(x.amount),
                    if x.approved { "✓".into() } else { String::new() },
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
        TurnoverCommand::Advance { case, stage } => {
            let c = find(&store, &case)?;
            let to = match stage {
                Some(s) => parse_choice::<Stage>(&s).map_err(|e| anyhow!(e))?,
                None => c.stage.next().ok_or_else(|| anyhow!("the case is leased: it is closed"))?,
            };
            let after = act(&mut store, &c, TurnoverAction::AdvanceStage { stage: to })?;
            println!("Case {} moved from {} to {}", short(c.id), c.stage.label(), after.stage.label());
            Ok(())
        }
        TurnoverCommand::Deduct { case, category, amount, description } => {
            let c = find(&store, &case)?;
            let amount = parse_amount(&amount).map_err(|e| anyhow!(e))?;
            let after = act(
                &mut store,
                &c,
                TurnoverAction::AddDeduction { category, description, amount, photo_url: String::new() },
            )?;
            println!(
                "Deduction of {} added (not approved yet); {}",
                money(amount),
                turnover::refund_words(after.refund_amount)
            );
            Ok(())
        }
        TurnoverCommand::Approve { case, deduction, withdraw } => {
            let c = find(&store, &case)?;
            let all = store.turnover_deductions(c.id)?;
            let d = pick(&all, &deduction, |d| d.id, "deduction")?;
            let after =
                act(&mut store, &c, TurnoverAction::ApproveDeduction { deduction_id: d.id, approved: !withdraw })?;
            let verb = if withdraw { "withdrawn" } else { "approved" };
            println!("{} ({}) {verb}; {}", d.description, money(d.amount), turnover::refund_words(after.refund_amount));
            Ok(())
        }
        TurnoverCommand::Complete { case, item, cost } => {
            let c = find(&store, &case)?;
            let items = store.turnover_checklist(c.id)?;
            let i = pick(&items, &item, |i| i.id, "checklist item")?;
            let actual_cost = cost.map(|x| parse_amount(&x)).transpose().map_err(|e| anyhow!(e))?;
            let after = act(&mut store, &c, TurnoverAction::CompleteItem { item_id: i.id, actual_cost })?;
            println!("{} done; make-ready {} so far", i.item, money(after.make_ready_actual_cost));
            Ok(())
        }
        TurnoverCommand::Letter { case, yes } => {
            let c = find(&store, &case)?;
            let draft = tw::draft_deduction_letter(&store, c.id)?;
            println!("{}\n\n{}\n", draft.letter.subject, draft.letter.body);
            for (label, value) in &draft.letter.figures {
                println!("  {label:<50} {value:>12}");
            }
            if !yes {
                println!("\nNothing written. Run again with --yes to generate the PDF.");
                return Ok(());
            }
            let g = act(&mut store, &c, TurnoverAction::GenerateDeductionLetter)?;
            let place = match (&g.deduction_letter_date, unitcycle_core::documents::blob_store(&store)) {
                (Some(on), Some(_)) => format!("generated on {}; the PDF is in the replica's documents", date(*on)),
                (Some(on), None) => format!("generated on {} (this replica keeps no documents)", date(*on)),
                _ => "not generated".into(),
            };
            println!("\nDeduction letter {place}.");
            Ok(())
        }
    }
}
