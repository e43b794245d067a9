//! `unitcycle renewals ...`: the renewal review queue from the command line (spec 1.2).

use std::path::Path;

use anyhow::{anyhow, Result};
use unitcycle_core::ai::Gateway;
use unitcycle_core::format::money;
use unitcycle_core::renewals::workflow::{regenerate_letter, replica_step};
use unitcycle_core::renewals::{self, RenewalAction, RenewalRecommendation};
use unitcycle_core::store::{RenewalFilter, Store};
use uuid::Uuid;

use super::{now_on, open, print_json, today};
use crate::cli::RenewalsCommand;
use crate::paths;
use crate::table::{Align, Table};

/// Finds a recommendation by id, id prefix or lease number.
fn find(store: &Store, key: &str) -> Result<RenewalRecommendation> {
    if let Ok(id) = Uuid::parse_str(key.trim()) {
        return Ok(store.renewal(id)?);
    }
    let all = store.renewals(&RenewalFilter::default())?;
    if let Some(r) = all.iter().find(|r| r.id.simple().to_string().starts_with(&key.trim().to_lowercase())) {
        return Ok(r.clone());
    }
    let lease = store.find_lease(key)?;
    all.into_iter()
        .find(|r| r.lease_id == lease.id)
        .ok_or_else(|| anyhow!("no renewal recommendation for lease {key} (run `unitcycle jobs run renewal-scan`)"))
}

pub fn run(db: &Path, cmd: RenewalsCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        RenewalsCommand::List { status, risk, json } => {
            let filter = RenewalFilter { status, churn_risk_level: risk, ..Default::default() };
            let recs = store.renewals(&filter)?;
            if json {
                return print_json(&recs);
            }
            let mut t = Table::new(&[
                ("Id", Align::Left),
                ("Unit", Align::Left),
                ("Tenant", Align::Left),
                ("Churn", Align::Right),
                ("Risk", Align::Left),
                ("Current", Align::Right),
                ("Market", Align::Right),
                ("Offer", Align::Right),
                ("Strategy", Align::Left),
                ("Status", Align::Left),
            ]);
            for r in &recs {
                let tenant = store.tenant(r.tenant_id)?;
                let unit = store.unit(r.unit_id)?;
                t.row(vec![
                    r.id.simple().to_string()[..8].to_string(),
                    unit.unit_number,
                    tenant.full_name(),
                    format!("{:.2}", r.plan.churn_score),
                    r.plan.churn_risk_level.label().into(),
                    money(r.plan.current_rent),
                    money(r.plan.market_rent),
                    money(r.plan.recommended_rent),
                    r.plan.rent_strategy.label().into(),
                    r.status.label().into(),
                ]);
            }
            print!("{}", t.render());
            println!("{} recommendations", recs.len());
            Ok(())
        }
        RenewalsCommand::Stats { json } => {
            let stats = renewals::dashboard_stats(&store.renewals(&RenewalFilter::default())?);
            if json {
                return print_json(&stats);
            }
            println!(
                "Pending {}  Approved {}  Sent {}  Accepted {}  Declined {}",
                stats.total_pending, stats.total_approved, stats.total_sent, stats.total_accepted, stats.total_declined
            );
            println!(
                "Acceptance rate {:.0}%  ·  avg churn {:.2}  ·  avg increase {:.1}%  ·  projected annual revenue +{}",
                stats.acceptance_rate * 100.0,
                stats.avg_churn_score,
                stats.avg_rent_increase_pct,
                money(stats.projected_annual_revenue_increase)
            );
            Ok(())
        }
        RenewalsCommand::Show { id, json } => {
            let r = find(&store, &id)?;
            if json {
                return print_json(&r);
            }
            println!("Renewal {}  ·  {}", r.id, r.status.label());
            println!(
                "Churn {:.2} ({})  ·  {}  ·  {} → {} (market {}, {:+.2}%)",
                r.plan.churn_score,
                r.plan.churn_risk_level.label(),
                r.plan.rent_strategy.label(),
                money(r.plan.current_rent),
                money(r.plan.recommended_rent),
                money(r.plan.market_rent),
                r.plan.rent_increase_pct
            );
            for (name, value) in r.plan.churn_factors.entries() {
                println!("  {name:<22} {:>4.2}  {}", value, "█".repeat((value * 20.0).round() as usize));
            }
            println!(
                "Term {} months: {} to {}",
                r.plan.recommended_term_months, r.plan.recommended_lease_start, r.plan.recommended_lease_end
            );
            println!("{}\n", r.plan.rent_reasoning);
            println!("Letter ({}):\n{}", r.letter_provider, r.renewal_letter_text);
            Ok(())
        }
        RenewalsCommand::Act { id, action, rent, today: day } => {
            let day = today(day);
            let rec = find(&store, &id)?;
            let action = match action.as_str() {
                "approve" => RenewalAction::Approve { recommended_rent: rent },
                "send" => RenewalAction::Send,
                "accept" => RenewalAction::Accept,
                "decline" => RenewalAction::Decline,
                other => return Err(anyhow!("unknown action '{other}' (approve, send, accept, decline)")),
            };
            let r = replica_step(&mut store, rec.id, &action, &paths::actor(), now_on(day))?;
            let name = store.tenant(r.tenant_id)?.full_name();
            println!(
                "Renewal {} is now {} ({} at {}).",
                &r.id.simple().to_string()[..8],
                r.status.label(),
                name,
                money(r.plan.recommended_rent)
            );
            Ok(())
        }
        RenewalsCommand::Letter { id, today: day } => {
            let day = today(day);
            let rec = find(&store, &id)?;
            let rec = regenerate_letter(&mut store, &Gateway::from_env(), rec.id, now_on(day))?;
            println!("Letter regenerated by {}:\n\n{}", rec.letter_provider, rec.renewal_letter_text);
            Ok(())
        }
    }
}
