//! `unitcycle vendors ...`: vendor intelligence from the command line (spec 5.4). The reads are
//! the core's `vendor_intelligence::workflow`; every change is a `MaintenanceAction` through
//! `act_on_replica`. Accepting a dispatch says what it changes and needs `--yes`.

use std::path::Path;

use anyhow::{anyhow, Result};
use unitcycle_core::ai::Gateway;
use unitcycle_core::format::{date, money, opt_date};
use unitcycle_core::model::WorkOrderStatus;
use unitcycle_core::store::Store;
use unitcycle_core::vendor_intelligence::workflow::{self as vi, earliest, DispatchView};
use unitcycle_core::work_orders::port::MaintenancePort;
use unitcycle_core::work_orders::{MaintenanceAction, NewContract, NewWarranty};
use uuid::Uuid;

use super::maintenance::{act, find_unit, find_vendor, find_work_order, Names};
use super::move_out::{by_key, short};
use super::{now_on, open, print_json, today};
use crate::cli::{ContractCommand, VendorsCommand, WarrantyCommand};
use crate::table::{Align, Table};

/// The reasoning lines of a recommendation in the spec's order, then any others a model gave.
pub fn reasoning_lines(reasoning: &serde_json::Value) -> Vec<(String, String)> {
    const ORDER: [(&str, &str); 4] = [
        ("specialty_match", "Specialty"),
        ("performance", "Performance"),
        ("workload", "Workload"),
        ("cost_history", "Cost history"),
    ];
    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    match reasoning {
        serde_json::Value::Object(map) => {
            let mut out: Vec<(String, String)> =
                ORDER.iter().filter_map(|(k, label)| map.get(*k).map(|v| (label.to_string(), text(v)))).collect();
            out.extend(
                map.iter()
                    .filter(|(k, _)| !ORDER.iter().any(|(o, _)| o == k))
                    .map(|(k, v)| (k.replace('_', " "), text(v))),
            );
            out
        }
        serde_json::Value::Null => Vec::new(),
        other => vec![("Why".into(), text(other))],
    }
}

/// What accepting `vendor` for the dispatch of `view` changes, line by line.
pub fn accept_preview(view: &DispatchView, title: &str, status: WorkOrderStatus, vendor: Uuid) -> Result<Vec<String>> {
    let chosen = view
        .recommendations
        .iter()
        .find(|r| r.vendor_id == vendor)
        .ok_or_else(|| anyhow!("that vendor is not among the recommendations for this work order"))?;
    let mut lines = vec![format!(
        "Dispatch work order {} ({}, unit {}) to {}:",
        short(view.work_order_id),
        title,
        view.unit,
        chosen.vendor_name
    )];
    let next = if status == WorkOrderStatus::Open { WorkOrderStatus::InProgress } else { status };
    lines.push(format!(
        "  - the work order is assigned to {}{}",
        chosen.vendor_name,
        if next != status { format!(" and moves from {} to {}", status.label(), next.label()) } else { String::new() }
    ));
    lines.push(format!("  - recommendation #{} ({}) is marked accepted", chosen.rank, chosen.vendor_name));
    for r in view.recommendations.iter().filter(|r| r.vendor_id != vendor) {
        lines.push(format!("  - recommendation #{} ({}) is marked rejected", r.rank, r.vendor_name));
    }
    if view.warranty_check.has_warranty {
        lines.push(format!("  - note: {}", view.warranty_check.message));
    }
    lines.push("  - nothing is sent to the vendor or the tenant by this step".into());
    Ok(lines)
}

fn print_dispatch(view: &DispatchView, title: &str) {
    println!("Work order {} · {} · unit {} · {}", short(view.work_order_id), view.work_category, view.unit, title);
    if view.description != title {
        println!("{}", view.description);
    }
    println!(
        "\nWarranty: {}{}",
        if view.warranty_check.has_warranty { "YES — " } else { "" },
        view.warranty_check.message
    );
    let w = &view.repeat_visit_warning;
    println!("Repeat visit: {}{}", if w.is_repeat { "WARNING — " } else { "" }, w.message);
    println!("\nRecommended vendors ({}):", view.provider);
    if view.recommendations.is_empty() {
        println!("  No active vendor takes {} work.", view.work_category);
    }
    for r in &view.recommendations {
        println!(
            "  {}. {} · {:.1}/10 · est. {} · {}{}",
            r.rank,
            r.vendor_name,
            r.overall_score,
            if r.estimated_cost.is_empty() { "—" } else { r.estimated_cost.as_str() },
            r.status,
            if view.assigned_vendor_id == Some(r.vendor_id) { " · assigned" } else { "" }
        );
        for (label, text) in reasoning_lines(&r.reasoning) {
            println!("     {label:<13} {text}");
        }
    }
}

pub fn run(db: &Path, cmd: VendorsCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        VendorsCommand::Scorecards { calculate, opts } => {
            let day = today(opts.today);
            if calculate {
                let cards = vi::calculate_current(&mut store, day, now_on(day))?;
                if !opts.json {
                    println!("Calculated {} scorecards for this month to {}.\n", cards.len(), date(day));
                }
            }
            let cards = unitcycle_core::vendor_intelligence::latest_scorecards(store.scorecards()?);
            if opts.json {
                return print_json(&cards);
            }
            if cards.is_empty() {
                println!("No scorecards yet: `unitcycle vendors scorecards --calculate` or `unitcycle jobs run vendor-scorecards`.");
                return Ok(());
            }
            let names = Names::load(&store)?;
            let mut t = Table::new(&[
                ("Vendor", Align::Left),
                ("Response", Align::Right),
                ("1st visit", Align::Right),
                ("Cost", Align::Right),
                ("SLA", Align::Right),
                ("Tenants", Align::Right),
                ("Docs", Align::Right),
                ("Overall", Align::Right),
                ("Jobs", Align::Right),
                ("Invoiced", Align::Right),
                ("Period", Align::Left),
            ]);
            for c in &cards {
                t.row(vec![
                    names.vendor(Some(c.vendor_id)),
                    format!("{:.1}", c.response_time_score),
                    format!("{:.1}", c.first_visit_score),
                    format!("{:.1}", c.cost_accuracy_score),
                    format!("{:.1}", c.sla_compliance_score),
                    format!("{:.1}", c.tenant_satisfaction_score),
                    format!("{:.1}", c.documentation_score),
                    format!("{:.1}", c.overall_score),
                    c.total_jobs.to_string(),
                    money(c.total_invoiced_usd),
                    format!("{} to {}", c.period_start, c.period_end),
                ]);
            }
            print!("{}", t.render());
            println!("{} vendors scored (each score out of 10)", cards.len());
            Ok(())
        }
        VendorsCommand::Show { vendor, json } => {
            let v = find_vendor(&store, &vendor)?;
            let d = vi::scorecard_detail(&store, v.id)?;
            if json {
                return print_json(&d);
            }
            println!(
                "{} · {} · {}{}",
                v.name,
                v.trade,
                if v.is_active { "active" } else { "inactive" },
                if v.contact_name.is_empty() {
                    String::new()
                } else {
                    format!(" · {} {} {}", v.contact_name, v.phone, v.email)
                }
            );
            println!(
                "Licence {} · insurance to {} · {} an hour",
                if v.license_number.is_empty() { "—" } else { v.license_number.as_str() },
                opt_date(v.insurance_expiry),
                money(v.hourly_rate)
            );
            let Some(latest) = &d.latest else {
                println!("No scorecard yet.");
                return Ok(());
            };
            println!(
                "\nOverall {:.1}/10 for {} to {} · {} jobs · {} invoiced\n",
                latest.overall_score,
                latest.period_start,
                latest.period_end,
                latest.total_jobs,
                money(latest.total_invoiced_usd)
            );
            let mut t = Table::new(&[
                ("Metric", Align::Left),
                ("Score", Align::Right),
                ("Weight", Align::Right),
                ("", Align::Left),
            ]);
            for m in &d.breakdown {
                t.row(vec![
                    m.metric.replace('_', " "),
                    if m.measured { format!("{:.1}", m.score) } else { "not measured".into() },
                    format!("{:.0}%", m.weight * 100.0),
                    "█".repeat((m.score.clamp(0.0, 10.0) * 2.0).round() as usize),
                ]);
            }
            print!("{}", t.render());
            if d.trend.len() > 1 {
                println!("\nTrend");
                for c in &d.trend {
                    println!(
                        "  {}  {:>4.1}  {}",
                        c.period_start,
                        c.overall_score,
                        "█".repeat((c.overall_score.clamp(0.0, 10.0) * 2.0).round() as usize)
                    );
                }
            }
            Ok(())
        }
        VendorsCommand::Dispatch { work_order, json } => {
            let w = find_work_order(&store, &work_order)?;
            let view = vi::dispatch(&mut store, &Gateway::from_env(), w.id, now_on(today(None)))?;
            if json {
                return print_json(&view);
            }
            print_dispatch(&view, &w.title);
            if let Some(first) = view.recommendations.first() {
                println!(
                    "\nAccept with `unitcycle vendors accept {} --vendor \"{}\"` (shows what changes; --yes applies)",
                    short(w.id),
                    first.vendor_name
                );
            }
            Ok(())
        }
        VendorsCommand::Accept { work_order, vendor, yes } => {
            let w = find_work_order(&store, &work_order)?;
            let v = find_vendor(&store, &vendor)?;
            if store.dispatches(w.id)?.is_empty() {
                return Err(anyhow!(
                    "work order {} has no dispatch recommendation yet: `unitcycle vendors dispatch {}` first",
                    short(w.id),
                    short(w.id)
                ));
            }
            // Stored recommendations: reading them again writes nothing.
            let view = vi::dispatch(
                &mut store,
                &Gateway::offline("stored recommendations".into()),
                w.id,
                now_on(today(None)),
            )?;
            let lines = accept_preview(&view, &w.title, w.status, v.id)
                .map_err(|_| anyhow!("{} is not among the recommendations for work order {}", v.name, short(w.id)))?;
            for l in &lines {
                println!("{l}");
            }
            if !yes {
                println!("Nothing changed: run again with --yes to apply.");
                return Ok(());
            }
            act(&mut store, w.id, &MaintenanceAction::AcceptDispatch { vendor_id: v.id }, now_on(today(None)))?;
            println!("Done: work order {} dispatched to {}.", short(w.id), v.name);
            Ok(())
        }
        VendorsCommand::Alerts { all, json } => {
            let alerts = vi::repeat_alerts(&store, None, None, all.then_some("all"))?;
            if json {
                return print_json(&alerts);
            }
            if alerts.is_empty() {
                println!("No {}repeat-visit alerts.", if all { "" } else { "open " });
                return Ok(());
            }
            let names = Names::load(&store)?;
            let mut t = Table::new(&[
                ("Alert", Align::Left),
                ("Unit", Align::Left),
                ("Category", Align::Left),
                ("First visit", Align::Left),
                ("By", Align::Left),
                ("Repeat", Align::Left),
                ("By", Align::Left),
                ("Days", Align::Right),
                ("Status", Align::Left),
            ]);
            for a in &alerts {
                t.row(vec![
                    short(a.id),
                    names.unit(a.unit_id),
                    a.work_category.clone(),
                    date(a.first_visit_date),
                    names.vendor(a.first_visit_vendor_id),
                    date(a.repeat_visit_date),
                    names.vendor(a.repeat_visit_vendor_id),
                    a.days_between.to_string(),
                    a.resolution_status.replace('_', " "),
                ]);
            }
            print!("{}", t.render());
            println!("{} alert(s): `unitcycle vendors resolve ID --status warranty_claim|vendor_credited|different_issue|dismissed`", alerts.len());
            Ok(())
        }
        VendorsCommand::Resolve { alert, status } => {
            let a = by_key(
                store.repeat_alerts()?,
                &alert,
                |a| a.id,
                "repeat-visit alert (see `unitcycle vendors alerts`)",
            )?;
            let action = MaintenanceAction::ResolveAlert { resolution_status: status.trim().to_lowercase() };
            act(&mut store, a.id, &action, now_on(today(None)))?;
            println!(
                "Alert {} ({} at unit {}) is now {}",
                short(a.id),
                a.work_category,
                store.unit(a.unit_id)?.unit_number,
                status.trim().to_lowercase().replace('_', " ")
            );
            Ok(())
        }
        VendorsCommand::Expiring { opts } => {
            let day = today(opts.today);
            let docs = vi::expiring(&store, day)?;
            if opts.json {
                return print_json(&docs);
            }
            if docs.is_empty() {
                println!("No contract, insurance or licence expired or expiring within 30 days of {}.", date(day));
                return Ok(());
            }
            let mut t = Table::new(&[
                ("Vendor", Align::Left),
                ("Document", Align::Left),
                ("Title", Align::Left),
                ("Expires", Align::Left),
                ("", Align::Left),
                ("Auto-renew", Align::Left),
            ]);
            for d in &docs {
                t.row(vec![
                    d.vendor_name.clone(),
                    d.document.clone(),
                    d.title.clone(),
                    date(d.expires_on),
                    days_left(d.days_left),
                    if d.auto_renew { "yes".into() } else { "no".into() },
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
        VendorsCommand::Benchmarks { json } => {
            let mut list = store.benchmarks()?;
            list.sort_by(|a, b| a.work_category.cmp(&b.work_category));
            if json {
                return print_json(&list);
            }
            if list.is_empty() {
                println!("No price benchmarks yet: `unitcycle jobs run price-benchmarks`.");
                return Ok(());
            }
            let mut t = Table::new(&[
                ("Category", Align::Left),
                ("Average", Align::Right),
                ("Median", Align::Right),
                ("Min", Align::Right),
                ("Max", Align::Right),
                ("Invoices", Align::Right),
                ("Vendors", Align::Right),
            ]);
            for b in &list {
                t.row(vec![
                    b.work_category.clone(),
                    money(b.average_cost_usd),
                    money(b.median_cost_usd),
                    money(b.min_cost_usd),
                    money(b.max_cost_usd),
                    b.sample_count.to_string(),
                    b.vendor_count.to_string(),
                ]);
            }
            print!("{}", t.render());
            Ok(())
        }
        VendorsCommand::AnalyzePrice { invoice, json } => {
            let invoices = store.invoices_since(earliest())?;
            let key = invoice.trim();
            let inv = match invoices.iter().find(|i| i.invoice_number.eq_ignore_ascii_case(key)) {
                Some(i) => i.clone(),
                None => by_key(invoices, key, |i| i.id, "invoice")?,
            };
            let a = vi::analyze_price(&store, &Gateway::from_env(), inv.id, now_on(today(None)))?;
            if json {
                return print_json(&a);
            }
            println!(
                "Invoice {} · {} · {} · {}",
                inv.invoice_number,
                if a.vendor_name.is_empty() { "no vendor" } else { a.vendor_name.as_str() },
                a.work_category,
                money(a.invoice_total)
            );
            println!("{}", a.explanation);
            println!(
                "Deviation {:+.1}% ({}) · vendor pattern {} · severity {}",
                a.deviation_pct,
                a.deviation_label.replace('_', " "),
                a.vendor_pattern.replace('_', " "),
                a.severity
            );
            println!("Recommendation ({}): {}", a.recommendation_code.replace('_', " "), a.recommendation);
            println!(
                "Worded by {}; the deviation is the benchmark arithmetic.",
                if a.provider == "claude" { "Claude" } else { "the offline templates (no model)" }
            );
            Ok(())
        }
        VendorsCommand::Stats { opts } => {
            let day = today(opts.today);
            let s = vi::stats(&store, day, now_on(day))?;
            if opts.json {
                return print_json(&s);
            }
            let performer =
                |p: &Option<vi::Performer>| p.as_ref().map_or("—".into(), |p| format!("{} ({:.1})", p.name, p.score));
            println!("Vendors active           {}", s.total_vendors);
            println!("Average score            {:.1}/10", s.avg_vendor_score);
            println!("Top performer            {}", performer(&s.top_performer));
            println!("Bottom performer         {}", performer(&s.bottom_performer));
            println!(
                "Warranties in force      {} ({} ending within 30 days)",
                s.active_warranties, s.warranties_expiring_30d
            );
            println!("Expiring contracts       {}", s.expiring_contracts);
            println!("Expiring insurance       {}", s.expiring_insurance);
            println!("Open repeat-visit alerts {}", s.open_repeat_alerts);
            println!("Saved by warranties YTD  {}", money(s.total_saved_warranty_ytd));
            println!("Price anomalies (month)  {}", s.price_anomalies_this_month);
            Ok(())
        }
        VendorsCommand::Warranty(cmd) => warranty(&mut store, cmd),
        VendorsCommand::Contract(cmd) => contract(&mut store, cmd),
    }
}

/// `in 12 days`, `today`, `expired 3 days ago`.
pub fn days_left(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "tomorrow".into(),
        d if d > 0 => format!("in {d} days"),
        -1 => "expired yesterday".into(),
        d => format!("expired {} days ago", -d),
    }
}

fn warranty(store: &mut Store, cmd: WarrantyCommand) -> Result<()> {
    match cmd {
        WarrantyCommand::List { json } => {
            let list = vi::warranties(&*store, None, None, None)?;
            if json {
                return print_json(&list);
            }
            let names = Names::load(store)?;
            let mut t = Table::new(&[
                ("Warranty", Align::Left),
                ("Unit", Align::Left),
                ("Item", Align::Left),
                ("Brand", Align::Left),
                ("Provider", Align::Left),
                ("Coverage", Align::Left),
                ("Ends", Align::Left),
                ("Status", Align::Left),
            ]);
            for w in &list {
                t.row(vec![
                    short(w.id),
                    names.unit(w.unit_id),
                    w.item_type.clone(),
                    w.brand.clone(),
                    w.warranty_provider.clone(),
                    w.coverage_type.replace('_', " "),
                    date(w.warranty_end_date),
                    w.status.clone(),
                ]);
            }
            print!("{}", t.render());
            println!("{} warranties", list.len());
            Ok(())
        }
        WarrantyCommand::Add(args) => {
            let crate::cli::WarrantyAdd {
                unit,
                property,
                item,
                brand,
                model,
                installed,
                ends,
                provider,
                vendor,
                coverage,
                contact,
            } = *args;
            let property = super::maintenance::find_property(store, property.as_deref())?;
            let unit = find_unit(store, &unit, property.as_ref())?;
            let vendor = vendor.map(|v| find_vendor(store, &v)).transpose()?;
            let n = NewWarranty {
                unit_id: unit.id,
                item_type: item,
                brand,
                model_number: model,
                installed_date: installed,
                warranty_end_date: ends,
                warranty_vendor_id: vendor.as_ref().map(|v| v.id),
                warranty_provider: provider,
                coverage_type: coverage,
                contact,
            };
            let id = Uuid::new_v4();
            act(store, id, &MaintenanceAction::AddWarranty(n.clone()), now_on(today(None)))?;
            let item =
                store.warranties()?.into_iter().find(|w| w.id == id).map_or(n.item_type.clone(), |w| w.item_type);
            println!(
                "Added warranty {}: {} {} on unit {} with {} until {}",
                short(id),
                n.brand.trim(),
                item,
                unit.unit_number,
                n.warranty_provider.trim(),
                date(ends)
            );
            Ok(())
        }
    }
}

fn contract(store: &mut Store, cmd: ContractCommand) -> Result<()> {
    match cmd {
        ContractCommand::List { json } => {
            let mut list = store.contracts()?;
            list.sort_by(|a, b| a.vendor_id.cmp(&b.vendor_id).then(a.end_date.cmp(&b.end_date)));
            if json {
                return print_json(&list);
            }
            let names = Names::load(store)?;
            let mut t = Table::new(&[
                ("Contract", Align::Left),
                ("Vendor", Align::Left),
                ("Type", Align::Left),
                ("Title", Align::Left),
                ("From", Align::Left),
                ("To", Align::Left),
                ("Insurance to", Align::Left),
                ("Licence to", Align::Left),
                ("Auto-renew", Align::Left),
            ]);
            for c in &list {
                t.row(vec![
                    short(c.id),
                    names.vendor(Some(c.vendor_id)),
                    c.contract_type.replace('_', " "),
                    c.title.clone(),
                    date(c.start_date),
                    date(c.end_date),
                    opt_date(c.insurance_expiry),
                    opt_date(c.license_expiry),
                    if c.auto_renew { "yes".into() } else { "no".into() },
                ]);
            }
            print!("{}", t.render());
            println!("{} contracts", list.len());
            Ok(())
        }
        ContractCommand::Add {
            vendor,
            contract_type,
            title,
            start,
            end,
            insurance_expiry,
            license_expiry,
            auto_renew,
        } => {
            let v = find_vendor(store, &vendor)?;
            let n = NewContract {
                vendor_id: v.id,
                contract_type,
                title,
                start_date: start,
                end_date: end,
                insurance_expiry,
                license_expiry,
                auto_renew,
            };
            let id = Uuid::new_v4();
            act(store, id, &MaintenanceAction::AddContract(n.clone()), now_on(today(None)))?;
            println!(
                "Added contract {} for {}: {} ({}), {} to {}",
                short(id),
                v.name,
                n.title.trim(),
                n.contract_type.trim(),
                date(start),
                date(end)
            );
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_left_reads_as_words() {
        for (days, text) in
            [(0, "today"), (1, "tomorrow"), (12, "in 12 days"), (-1, "expired yesterday"), (-3, "expired 3 days ago")]
        {
            assert_eq!(days_left(days), text);
        }
    }

    #[test]
    fn reasoning_keeps_the_specs_order_then_the_rest() {
        let r = serde_json::json!({"workload": "0 open jobs", "extra_note": "x", "specialty_match": "Primary"});
        assert_eq!(
            reasoning_lines(&r),
            vec![
                ("Specialty".to_string(), "Primary".to_string()),
                ("Workload".into(), "0 open jobs".into()),
                ("extra note".into(), "x".into())
            ]
        );
        assert_eq!(reasoning_lines(&serde_json::json!("plain")), vec![("Why".to_string(), "plain".to_string())]);
    }
}
