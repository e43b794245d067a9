//! `unitcycle collections ...`: the collections queue from the command line (spec 1.3).

use std::path::Path;

use anyhow::{anyhow, Result};
use unitcycle_core::ai::Gateway;
use unitcycle_core::collections::workflow::{self as cj, CaseAction};
use unitcycle_core::collections::{self, CaseStatus, CollectionCase, PlanTerms};
use unitcycle_core::format::money;
use unitcycle_core::store::{CaseFilter, Queueing, Store};
use uuid::Uuid;

use super::{now_on, open, print_json, today};
use crate::cli::CollectionsCommand;
use crate::paths;
use crate::table::{Align, Table};

fn find(store: &Store, key: &str) -> Result<CollectionCase> {
    if let Ok(id) = Uuid::parse_str(key.trim()) {
        return Ok(store.collection_case(id)?);
    }
    let cases = store.collection_cases(&CaseFilter::default())?;
    if let Some(c) = cases.iter().find(|c| c.id.simple().to_string().starts_with(&key.trim().to_lowercase())) {
        return Ok(c.clone());
    }
    let lease = store.find_lease(key)?;
    store.open_case_for_lease(lease.id)?.ok_or_else(|| anyhow!("no open collections case for lease {key}"))
}

fn dots(level: u8) -> String {
    (1..=5).map(|i| if i <= level { '●' } else { '○' }).collect()
}

/// The dashboard figures, with a bar and the balance owed at each escalation step.
fn render_stats(s: &collections::CollectionsDashboardStats, cases: &[CollectionCase]) -> String {
    let mut out = format!(
        "{} open cases ({} on a payment plan), {} outstanding, {:.1} days overdue on average\n\
         {} escalated to legal · {} paid in the last 30 days · {} collected in the last 30 days\n\n",
        s.open_cases,
        s.on_payment_plan,
        money(s.total_outstanding),
        s.avg_days_overdue,
        s.escalated,
        s.paid_last_30_days,
        money(s.collected_last_30_days),
    );
    let widest = s.by_escalation_level.values().copied().max().unwrap_or(0).max(1);
    let mut t = Table::new(&[
        ("Step", Align::Left),
        ("", Align::Left),
        ("Cases", Align::Right),
        ("Outstanding", Align::Right),
        ("", Align::Left),
    ]);
    for level in 0..=5u8 {
        let n = s.by_escalation_level.get(&level.to_string()).copied().unwrap_or(0);
        let owed: rust_decimal::Decimal =
            cases.iter().filter(|c| c.is_open() && c.escalation_level == level).map(|c| c.current_balance).sum();
        let name = collections::step(level).map_or("not contacted yet", |st| st.description);
        let bar = "█".repeat(((n * 30).div_ceil(widest)) as usize);
        t.row(vec![format!("{level} {}", dots(level)), name.into(), n.to_string(), money(owed), bar]);
    }
    out.push_str(&t.render());
    out.push('\n');
    let mut t = Table::new(&[("Risk profile", Align::Left), ("Cases", Align::Right)]);
    for p in collections::RiskProfile::ALL {
        t.row(vec![p.label().into(), s.by_risk_profile.get(p.as_str()).copied().unwrap_or(0).to_string()]);
    }
    out.push_str(&t.render());
    out
}

pub fn run(db: &Path, cmd: CollectionsCommand) -> Result<()> {
    let mut store = open(db)?;
    let gateway = Gateway::from_env();
    match cmd {
        CollectionsCommand::List { all, json } => {
            let filter = CaseFilter {
                status: if all { vec![] } else { vec![CaseStatus::Open, CaseStatus::PaymentPlan] },
                ..Default::default()
            };
            let cases = store.collection_cases(&filter)?;
            if json {
                return print_json(&cases);
            }
            let mut t = Table::new(&[
                ("Case", Align::Left),
                ("Unit", Align::Left),
                ("Tenant", Align::Left),
                ("Balance", Align::Right),
                ("Days", Align::Right),
                ("Level", Align::Left),
                ("Tone", Align::Left),
                ("Profile", Align::Left),
                ("Status", Align::Left),
            ]);
            for c in &cases {
                t.row(vec![
                    c.id.simple().to_string()[..8].to_string(),
                    store.unit(c.unit_id)?.unit_number,
                    store.tenant(c.tenant_id)?.full_name(),
                    money(c.current_balance),
                    c.days_overdue.to_string(),
                    dots(c.escalation_level),
                    c.tone.label().into(),
                    c.tenant_risk_profile.label().into(),
                    c.status.label().into(),
                ]);
            }
            print!("{}", t.render());
            let day = today(None);
            let days = unitcycle_core::time::Days::of_port(&store, day, now_on(day))?;
            let stats =
                collections::dashboard_stats(&cases, store.collected_since(day - chrono::Duration::days(30))?, &days);
            println!("{} open cases, {} outstanding", stats.open_cases, money(stats.total_outstanding));
            Ok(())
        }
        CollectionsCommand::Stats { today: day, json } => {
            let day = today(day);
            let cases = store.collection_cases(&CaseFilter::default())?;
            let days = unitcycle_core::time::Days::of_port(&store, day, now_on(day))?;
            let stats =
                collections::dashboard_stats(&cases, store.collected_since(day - chrono::Duration::days(30))?, &days);
            if json {
                return print_json(&stats);
            }
            print!("{}", render_stats(&stats, &cases));
            Ok(())
        }
        CollectionsCommand::Show { case, json } => {
            let c = find(&store, &case)?;
            let actions = store.collection_actions(c.id)?;
            let plan = store.payment_plan(c.id)?;
            if json {
                return print_json(&serde_json::json!({"case": c, "actions": actions, "payment_plan": plan}));
            }
            println!(
                "Case {}  ·  {}  ·  {} owed, {} days overdue (due {})  ·  step {} {}  ·  {} tone  ·  {}",
                &c.id.simple().to_string()[..8],
                c.status.label(),
                money(c.current_balance),
                c.days_overdue,
                c.due_date,
                c.escalation_level,
                dots(c.escalation_level),
                c.tone.label(),
                c.tenant_risk_profile.label()
            );
            for a in &actions {
                println!(
                    "\n{}  {} · {} · {}{}",
                    a.created_at.format("%Y-%m-%d %H:%M"),
                    a.action_type.label(),
                    a.channel.label(),
                    a.tone_used,
                    if a.ai_provider.is_empty() { String::new() } else { format!(" · drafted by {}", a.ai_provider) }
                );
                println!("{}", a.message_text);
            }
            if let Some(p) = plan {
                println!("\nPayment plan ({}):", p.status.label());
                for i in &p.installments {
                    println!(
                        "  {}. {} due {}  {}",
                        i.installment_number,
                        money(i.amount),
                        i.due_date,
                        i.status.label()
                    );
                }
            }
            Ok(())
        }
        CollectionsCommand::Remind { case, today: day, override_schedule } => {
            let day = today(day);
            let c = find(&store, &case)?;
            let port = &mut replica(&mut store, c.id, &CaseAction::SendNextStep { override_schedule })?;
            let c = cj::send_next_step(port, &gateway, c.id, override_schedule, &paths::actor(), now_on(day)).map_err(
                |e| match e {
                    unitcycle_core::store::StoreError::Rejected(m) if m.contains("ahead of schedule") => {
                        anyhow!("{m} Use --override to send it now.")
                    }
                    e => e.into(),
                },
            )?;
            println!("Step {} sent ({} tone).", c.escalation_level, c.tone.label());
            Ok(())
        }
        CollectionsCommand::OfferPlan { case, installments, amount, start, today: day } => {
            let day = today(day);
            let c = find(&store, &case)?;
            let terms = PlanTerms { installments, installment_amount: amount };
            let start_date = match start {
                Some(start) => start,
                None => unitcycle_core::time::today_at(&store, c.property_id, now_on(day))?,
            };
            let port = &mut replica(&mut store, c.id, &CaseAction::OfferPlan { terms, start_date })?;
            let (_, plan) = cj::offer_plan(port, &gateway, c.id, terms, start_date, now_on(day))?;
            for i in &plan.installments {
                println!("  {}. {} due {}", i.installment_number, money(i.amount), i.due_date);
            }
            Ok(())
        }
        CollectionsCommand::Pay { case, amount, on, today: day } => {
            let day = today(day);
            let c = find(&store, &case)?;
            let paid_on = match on {
                Some(on) => on,
                None => unitcycle_core::time::today_at(&store, c.property_id, now_on(day))?,
            };
            let port = &mut replica(&mut store, c.id, &CaseAction::RecordPayment { amount, paid_on })?;
            let (c, o) = cj::record_payment(port, c.id, amount, paid_on, &paths::actor(), now_on(day))?;
            println!("Recorded {}; balance {}; case {}.", money(amount), money(o.new_balance), c.status.label());
            Ok(())
        }
        CollectionsCommand::Escalate { case, today: day } => {
            let day = today(day);
            let c = find(&store, &case)?;
            let port = &mut replica(&mut store, c.id, &CaseAction::Escalate)?;
            let c = cj::escalate(port, &gateway, c.id, &paths::actor(), now_on(day))?;
            println!("Case {} is now {}.", &c.id.simple().to_string()[..8], c.status.label());
            Ok(())
        }
        CollectionsCommand::Note { case, text } => {
            let c = find(&store, &case)?;
            let port = &mut replica(&mut store, c.id, &CaseAction::AddNote { text: text.clone() })?;
            cj::add_note(port, c.id, &text, &paths::actor(), now_on(today(None)))?;
            println!("Note added.");
            Ok(())
        }
    }
}

/// The port for a case action: on a connected replica the action is also queued for the server.
fn replica<'a>(store: &'a mut Store, case: Uuid, action: &CaseAction) -> Result<Queueing<'a>> {
    Ok(Queueing::on_replica(store, cj::ENTITY, case, action.to_json()?)?)
}
