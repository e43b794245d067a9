//! `unitcycle ai status|runs|preview`: the AI gateway from the command line.

use std::path::Path;

use anyhow::{anyhow, Result};
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use unitcycle_core::ai::letters::{
    ActionInput, ActionType, Channel, CollectionsInput, Draft, MoveOutInspectionInput, PlanOffer, Recipient,
    RenewalLetterInput, RentIncreaseInput, Tone,
};
use unitcycle_core::ai::prompts::{
    self, CollectionsMessage, CommandCenterAction, MoveOutInspectionNotice, RenewalLetter, RentIncreaseNotice,
};
use unitcycle_core::ai::{AiOutput, AiRun, Gateway};
use unitcycle_core::format::money;
use unitcycle_core::lifecycle;
use unitcycle_core::model::{Lease, LeaseStatus};
use unitcycle_core::store::Store;

use super::{now_on, open, print_json, today};
use crate::cli::{AiCommand, AiPreviewArgs, PreviewKind};
use crate::table::{Align, Table};

pub fn run(db: &Path, cmd: AiCommand) -> Result<()> {
    match cmd {
        AiCommand::Status { json } => status(db, json),
        AiCommand::Runs { limit, json } => {
            // --json lists every run unless --limit is given; the table shows the latest 20.
            let runs = open(db)?.ai_runs(limit.unwrap_or(if json { i64::MAX as usize } else { 20 }))?;
            if json {
                return print_json(&runs);
            }
            if runs.is_empty() {
                println!("No AI runs recorded yet (try `unitcycle ai preview renewal-letter --lease L-000001`).");
            } else {
                print!("{}", runs_table(&runs));
            }
            Ok(())
        }
        AiCommand::Preview(args) => preview(db, &args),
    }
}

fn status(db: &Path, json: bool) -> Result<()> {
    let gateway = Gateway::from_env();
    let status = gateway.status();
    let runs = match open(db) {
        Ok(store) => Ok(store.ai_runs(10)?),
        Err(e) => Err(format!("{e:#}")),
    };
    if json {
        let tasks: Vec<_> = prompts::registry()
            .iter()
            .map(|t| serde_json::json!({"name": t.name, "description": t.description}))
            .collect();
        return print_json(&serde_json::json!({
            "provider": status.provider,
            "model": status.model,
            "note": status.note,
            "tasks": tasks,
            "recent_runs": runs.as_ref().ok(),
        }));
    }
    println!("Provider: {} ({})", status.provider.label(), status.model);
    println!("          {}", status.note);
    println!();
    let mut t = Table::new(&[("Task", Align::Left), ("What it drafts", Align::Left)]);
    for task in prompts::registry() {
        t.row(vec![task.name.into(), task.description.into()]);
    }
    print!("{}", t.render());
    println!();
    match runs {
        Ok(runs) if runs.is_empty() => println!("No AI runs recorded yet."),
        Ok(runs) => {
            println!("Recent runs:");
            print!("{}", runs_table(&runs));
        }
        Err(e) => println!("Recent runs: unavailable ({e})"),
    }
    Ok(())
}

fn runs_table(runs: &[AiRun]) -> String {
    let mut t = Table::new(&[
        ("When (UTC)", Align::Left),
        ("Task", Align::Left),
        ("Provider", Align::Left),
        ("Model", Align::Left),
        ("Tokens in", Align::Right),
        ("Tokens out", Align::Right),
        ("Latency", Align::Right),
        ("Outcome", Align::Left),
        ("Error", Align::Left),
    ]);
    for r in runs {
        t.row(vec![
            r.created_at.format("%Y-%m-%d %H:%M:%S").to_string(),
            r.task.clone(),
            r.provider.as_str().into(),
            r.model.clone(),
            r.input_tokens.to_string(),
            r.output_tokens.to_string(),
            format!("{} ms", r.latency_ms),
            r.outcome.as_str().into(),
            r.error.chars().take(80).collect(),
        ]);
    }
    t.render()
}

/// The lease with its tenant, unit and property, as letter inputs need them.
struct Facts {
    lease: Lease,
    tenant: unitcycle_core::model::Tenant,
    recipient: Recipient,
    market_rent: Decimal,
}

fn facts(store: &Store, key: &str) -> Result<Facts> {
    let lease = store.find_lease(key)?;
    let tenant = store.tenant(lease.tenant_id)?;
    let unit = store.unit(lease.unit_id)?;
    let property = store.property(lease.property_id)?;
    let recipient = Recipient::of(&tenant, &unit, &property);
    Ok(Facts { lease, tenant, recipient, market_rent: unit.market_rent })
}

fn plus(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

fn preview(db: &Path, args: &AiPreviewArgs) -> Result<()> {
    let store = open(db)?;
    let f = facts(&store, &args.lease)?;
    let day = today(args.opts.today);
    let now = now_on(day);
    let channel = parse_choice::<Channel>(&args.channel)?;
    let gateway = Gateway::from_env();
    let current = f.lease.monthly_rent_amount;
    let rent = args.rent.unwrap_or(f.market_rent.max(current));

    match args.kind {
        PreviewKind::RenewalLetter => {
            let input = RenewalLetterInput {
                recipient: f.recipient,
                current_rent: current,
                offer_rent: rent,
                market_rent: Some(f.market_rent),
                term_months: args.term,
                lease_end_date: f.lease.lease_end_date,
                respond_by: plus(day, 30),
                today: day,
                channel,
            };
            show(gateway.run::<RenewalLetter>(&input, &store, now)?, args.opts.json)
        }
        PreviewKind::RentIncrease => {
            let input = RentIncreaseInput {
                recipient: f.recipient,
                current_rent: current,
                new_rent: rent,
                effective_date: plus(day, 30),
                respond_by: plus(day, 14),
                today: day,
                channel,
            };
            show(gateway.run::<RentIncreaseNotice>(&input, &store, now)?, args.opts.json)
        }
        PreviewKind::Collections => {
            let tone = parse_choice::<Tone>(&args.tone)?;
            let past_grace = i64::from(args.days_overdue) > i64::from(f.lease.grace_period_days);
            let late_fees = if past_grace { f.lease.late_fee_amount } else { Decimal::ZERO };
            let balance = args.balance.unwrap_or(current + late_fees);
            let plan = args.plan.filter(|n| *n > 0).map(|n| PlanOffer {
                installments: n,
                installment_amount: (balance / Decimal::from(n)).round_dp(2),
                first_due: plus(day, 14),
            });
            let input = CollectionsInput {
                recipient: f.recipient,
                balance,
                late_fees,
                due_date: day.checked_sub_days(Days::new(args.days_overdue.into())).unwrap_or(day),
                days_overdue: args.days_overdue.into(),
                pay_by: plus(day, 5),
                tone,
                channel,
                plan,
                today: day,
                // A preview of a step on its own: no timeline, the lease's current status.
                earlier_notices: Vec::new(),
                former_tenant: unitcycle_core::collections::plan::former_tenant(&f.lease, &f.tenant, day),
            };
            show(gateway.run::<CollectionsMessage>(&input, &store, now)?, args.opts.json)
        }
        PreviewKind::MoveOutInspection => {
            let input = MoveOutInspectionInput {
                recipient: f.recipient,
                move_out_date: f.lease.notice_move_out_date,
                // The spec schedules the inspection three days out.
                inspection_date: plus(day, 3),
                inspection_time: None,
                today: day,
                channel,
            };
            show(gateway.run::<MoveOutInspectionNotice>(&input, &store, now)?, args.opts.json)
        }
        PreviewKind::Action => {
            let action = match &args.action {
                Some(a) => parse_choice::<ActionType>(a)?,
                None => match f.lease.lease_status {
                    LeaseStatus::MonthToMonth if f.market_rent - current > Decimal::from(50) => {
                        ActionType::RentIncreaseNotice
                    }
                    LeaseStatus::MonthToMonth => ActionType::RenewalOffer,
                    LeaseStatus::Active => ActionType::EarlyRenewalNudge,
                    LeaseStatus::Notice => ActionType::MoveOutInspection,
                    LeaseStatus::Vacant => ActionType::ListingPrep,
                },
            };
            let event_date = match f.lease.lease_status {
                LeaseStatus::Active => f.lease.lease_end_date,
                _ => f.lease.notice_move_out_date,
            };
            let input = ActionInput {
                action_type: action,
                tenant_name: f.recipient.full_name(),
                unit_number: f.recipient.unit_number.clone(),
                property_name: f.recipient.property_name.clone(),
                lifecycle_state: f.lease.lease_status.as_str().to_string(),
                current_rent: current,
                market_rent: f.market_rent,
                proposed_rent: Some(rent),
                term_months: Some(args.term),
                days_to_event: lifecycle::days_to_event(&f.lease, day),
                days_in_state: f.lease.holdover_start_date.map(|h| (day - h).num_days()),
                event_date,
                balance: args.balance,
                today: day,
            };
            let out = gateway.run::<CommandCenterAction>(&input, &store, now)?;
            if args.opts.json {
                return print_json(&out);
            }
            println!("[{}]", out.source_label());
            println!("Unit {} — {}", input.unit_number, input.tenant_name);
            println!("AI action:  {}", out.value.description);
            println!("Reason:     {}", out.value.reason);
            println!("Confidence: {}", out.value.confidence);
            println!("Payload:    {}", out.value.payload);
            println!("Rent:       {} (market {})", money(current), money(f.market_rent));
            Ok(())
        }
    }
}

fn show(out: AiOutput<Draft>, json: bool) -> Result<()> {
    if json {
        return print_json(&out);
    }
    println!("[{} · {}]", out.source_label(), out.value.channel.as_str());
    println!();
    println!("{}", out.value.render());
    Ok(())
}

/// Parses a choice typed on the command line: case-insensitive, `-` for `_`.
fn parse_choice<T: std::str::FromStr<Err = String>>(text: &str) -> Result<T> {
    text.trim().to_ascii_lowercase().replace('-', "_").parse::<T>().map_err(|e| anyhow!(e))
}
