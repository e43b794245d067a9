//! `unitcycle lifecycle ...`: the spec 1.1 views and transitions from the command line.

use std::path::Path;

use anyhow::Result;
use chrono::{Duration, NaiveDate};
use serde::Serialize;
use unitcycle_core::format;
use unitcycle_core::lifecycle::{self, new_lease, LeaseDayCounts, LeaseProgress, LifecycleAction, LifecycleStats};
use unitcycle_core::model::{LeaseStatus, LeaseStatusLog};
use unitcycle_core::store::{LeaseFilter, LeaseListRow, LeaseSort, Store};

use super::{now_on, open, print_json, today};
use crate::cli::LifecycleCommand;
use crate::paths;
use crate::table::{Align, Table};

pub fn run(db: &Path, cmd: LifecycleCommand) -> Result<()> {
    let mut store = open(db)?;
    match cmd {
        LifecycleCommand::Stats { property, opts } => {
            let day = today(opts.today);
            let mut filter = LeaseFilter::default();
            let mut title = "Portfolio".to_string();
            if let Some(key) = property {
                let p = store.find_property(&key)?;
                filter.property = Some(p.id);
                title = p.name;
            }
            let stats = store.lifecycle_stats(&filter, day)?;
            if opts.json {
                return print_json(&stats);
            }
            println!("{}", render_stats(&title, &stats));
            Ok(())
        }
        LifecycleCommand::List { statuses, property, expiring, search, limit, opts } => {
            let day = today(opts.today);
            let mut filter = LeaseFilter { lease_status: statuses, search, ..Default::default() };
            if let Some(key) = property {
                filter.property = Some(store.find_property(&key)?.id);
            }
            if let Some(days) = expiring {
                filter.lease_status = vec![LeaseStatus::Active];
                filter.lease_end_date_gte = Some(day);
                filter.lease_end_date_lte = Some(day + Duration::days(days as i64));
            }
            let total = store.count_leases(&filter)?;
            // The table stops at 50 and says so; --json lists every lease unless --limit is given.
            let limit = limit.or((!opts.json).then_some(50));
            let rows = store.lease_rows(&filter, LeaseSort::LeaseEndDate, 0, limit)?;
            if opts.json {
                let days = unitcycle_core::time::Days::of_port(&store, day, now_on(day))?;
                let views: Vec<LeaseView> = rows
                    .into_iter()
                    .map(|r| {
                        let local = days.of(r.lease.property_id);
                        LeaseView::new(r, local, Vec::new())
                    })
                    .collect();
                return print_json(&serde_json::json!({ "count": total, "limit": limit, "results": views }));
            }
            print!("{}", render_list(&rows, day));
            if (rows.len() as u64) < total {
                println!("{} of {} leases (--limit N shows more; --json lists all)", rows.len(), total);
            } else {
                println!("{} of {} leases", rows.len(), total);
            }
            Ok(())
        }
        LifecycleCommand::Show { lease, opts } => {
            let day = today(opts.today);
            let id = store.find_lease(&lease)?.id;
            show(&store, id, day, opts.json)
        }
        LifecycleCommand::ConvertMtm { lease, opts } => {
            transition(&mut store, &lease, LifecycleAction::ConvertMtm, opts.today, opts.json)
        }
        LifecycleCommand::GiveNotice { lease, notice_date, notice_move_out_date, reason, opts } => {
            let action = LifecycleAction::GiveNotice { notice_date, notice_move_out_date, reason };
            transition(&mut store, &lease, action, opts.today, opts.json)
        }
        LifecycleCommand::MarkVacant { lease, actual_move_out_date, opts } => {
            transition(&mut store, &lease, LifecycleAction::MarkVacant { actual_move_out_date }, opts.today, opts.json)
        }
        LifecycleCommand::NewLease { unit, tenant, begin, end, rent, deposit, due_day, late_fee, grace, opts } => {
            if unitcycle_core::sync_actions::connected(&store)? {
                anyhow::bail!(
                    "this replica syncs with a server, which numbers leases: sign the lease there \
                     (POST /api/v1/tenants/leases/), and `unitcycle sync` brings it here"
                );
            }
            let terms = new_lease::LeaseTerms {
                lease_begin_date: begin,
                lease_end_date: end,
                monthly_rent_amount: rent,
                security_deposit: deposit,
                rent_due_day: due_day,
                late_fee_amount: late_fee,
                grace_period_days: grace,
            };
            let day = today(opts.today);
            let lease = new_lease::new_lease(&mut store, unit, tenant, terms, &paths::actor(), now_on(day))?;
            if !opts.json {
                println!("{}: vacant → active (new lease signed)", lease.lease_number);
            }
            show(&store, lease.id, day, opts.json)
        }
    }
}

fn transition(store: &mut Store, key: &str, action: LifecycleAction, day: Option<NaiveDate>, json: bool) -> Result<()> {
    let day = today(day);
    let id = store.find_lease(key)?.id;
    let (from, to, reason, queued) = super::sync::apply_action(store, id, &action, &paths::actor(), now_on(day))?;
    if !json {
        let note = if queued { " — queued for `unitcycle sync`" } else { "" };
        println!("{}: {} → {} ({reason}){note}", key, from.label(), to.label());
    }
    show(store, id, day, json)
}

/// A lease as the CLI prints it in JSON: the serializer's fields plus progress and history.
#[derive(Serialize)]
struct LeaseView {
    #[serde(flatten)]
    row: LeaseListRow,
    #[serde(flatten)]
    days: LeaseDayCounts,
    days_to_event: Option<i64>,
    progress: LeaseProgress,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    status_history: Vec<LeaseStatusLog>,
}

impl LeaseView {
    /// `day` is the lease's property's local date.
    fn new(row: LeaseListRow, day: NaiveDate, status_history: Vec<LeaseStatusLog>) -> Self {
        LeaseView {
            days: lifecycle::day_counts(&row.lease, day, now_on(day)),
            days_to_event: lifecycle::days_to_event(&row.lease, day),
            progress: lifecycle::progress(&row.lease, day),
            row,
            status_history,
        }
    }
}

fn show(store: &Store, id: uuid::Uuid, day: NaiveDate, json: bool) -> Result<()> {
    let row = store.lease_row(id)?;
    let history = store.status_log(id)?;
    let local = unitcycle_core::time::Days::of_port(store, day, now_on(day))?.of(row.lease.property_id);
    let view = LeaseView::new(row, local, history);
    if json {
        return print_json(&view);
    }
    let l = &view.row.lease;
    let p = &view.progress;
    println!("{}  ·  {} {}  ·  {}", l.lease_number, view.row.property_name, view.row.unit_number, view.row.tenant_name);
    println!("Status     {}", l.lease_status.label());
    let bar = p.percent.map(|pct| format!("{} {pct:>3}%  ", bar(pct, 20))).unwrap_or_default();
    println!("Progress   {bar}{}", p.label);
    println!("Dates      {}", p.dates);
    println!("Rent       {}   Deposit {}", format::money(l.monthly_rent_amount), format::money(l.security_deposit));
    println!("Lease      {} → {}", l.lease_begin_date, format::opt_date(l.lease_end_date));
    if l.holdover_start_date.is_some() {
        println!("Holdover   since {}", format::opt_date(l.holdover_start_date));
    }
    if l.notice_date.is_some() {
        println!(
            "Notice     given {}, move-out {}",
            format::opt_date(l.notice_date),
            format::opt_date(l.notice_move_out_date)
        );
    }
    if l.actual_move_out_date.is_some() {
        println!("Moved out  {}", format::opt_date(l.actual_move_out_date));
    }
    println!();
    if view.status_history.is_empty() {
        println!("No status changes recorded.");
    } else {
        let mut t = Table::new(&[
            ("When (UTC)", Align::Left),
            ("From", Align::Left),
            ("To", Align::Left),
            ("By", Align::Left),
            ("Reason", Align::Left),
        ]);
        for h in &view.status_history {
            t.row(vec![
                h.created_at.format("%Y-%m-%d %H:%M").to_string(),
                h.previous_status.label().into(),
                h.new_status.label().into(),
                h.changed_by.clone(),
                h.reason.clone(),
            ]);
        }
        print!("{}", t.render());
    }
    Ok(())
}

fn bar(percent: u8, width: usize) -> String {
    let filled = (percent as usize * width + 50) / 100;
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

pub fn render_stats(title: &str, s: &LifecycleStats) -> String {
    let mut out = format!("{title}: {} leases\n", s.total_leases);
    for status in LeaseStatus::ALL {
        let n = s.count(*status);
        let pct = (n * 100).checked_div(s.total_leases).unwrap_or(0);
        out.push_str(&format!(
            "  {:<15} {:>7}  {:>3}%  {}\n",
            status.label(),
            n,
            pct,
            "■".repeat((pct as usize).div_ceil(2))
        ));
    }
    out.push_str(&format!(
        "  Expiring in 30 / 60 / 90 days: {} / {} / {}",
        s.expiring_30_days, s.expiring_60_days, s.expiring_90_days
    ));
    out
}

fn render_list(rows: &[LeaseListRow], day: NaiveDate) -> String {
    let mut t = Table::new(&[
        ("Lease", Align::Left),
        ("Property", Align::Left),
        ("Unit", Align::Left),
        ("Tenant", Align::Left),
        ("Status", Align::Left),
        ("Rent", Align::Right),
        ("Ends", Align::Left),
        ("Days", Align::Right),
        ("Progress", Align::Left),
    ]);
    for r in rows {
        let l = &r.lease;
        t.row(vec![
            l.lease_number.clone(),
            r.property_name.clone(),
            r.unit_number.clone(),
            r.tenant_name.clone(),
            l.lease_status.label().into(),
            format::money(l.monthly_rent_amount),
            format::opt_date(l.lease_end_date),
            lifecycle::days_to_event(l, day).map(|d| d.to_string()).unwrap_or_else(|| "—".into()),
            lifecycle::progress(l, day).label,
        ]);
    }
    t.render()
}
