//! The daily digest (spec 3.3): the morning's figures as alert / info / success items and a
//! short paragraph, every number from the snapshot.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::json;

use super::data::{PortfolioData, WorkOrderRow};
use super::record::{digest_id, DailyDigest};
use crate::command_center::Row;
use crate::format::money;
use crate::ledger::{Allocation, FifoSums};
use crate::model::{LeaseStatus, WorkOrderStatus};

/// The digest's money: each lease's past-due amount (those above zero), and the charges due
/// this month so far with what of them is paid. Built one lease at a time, so the job never
/// holds the whole portfolio's ledger.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Money {
    pub past_due: Vec<Decimal>,
    pub due: Decimal,
    pub paid: Decimal,
}

impl Money {
    /// Adds one lease's ledger from its sums (exact ones: see [`FifoSums`]).
    pub fn add_sums(&mut self, sums: &FifoSums) {
        let owed = sums.past_due();
        if owed > Decimal::ZERO {
            self.past_due.push(owed);
        }
        self.due += sums.this_month;
        self.paid += sums.paid_this_month();
    }

    /// Adds one lease's ledger, allocated oldest-first.
    pub fn add(&mut self, ledger: &Allocation, today: NaiveDate) {
        let owed: Decimal = ledger.overdue(today).map(|c| c.open_amount).sum();
        if owed > Decimal::ZERO {
            self.past_due.push(owed);
        }
        let month_start = today.with_day(1).unwrap_or(today);
        for c in ledger.charges.iter().filter(|c| c.due_date >= month_start && c.due_date <= today) {
            self.due += c.amount;
            self.paid += c.amount - c.open_amount;
        }
    }
}

/// The digest of `data`'s day.
pub fn build(data: &PortfolioData, now: DateTime<Utc>) -> DailyDigest {
    let mut money = Money::default();
    for l in &data.leases {
        money.add(&l.ledger, data.today);
    }
    build_from(data.today, &data.units, &data.work_orders, &money, now)
}

/// The digest of `today` from the unit rows, the work orders and the money.
pub fn build_from(
    today: NaiveDate,
    rows: &[Row],
    work_orders: &[WorkOrderRow],
    figures: &Money,
    now: DateTime<Utc>,
) -> DailyDigest {
    let units = rows.len();
    let count = |s: LeaseStatus| rows.iter().filter(|r| r.lifecycle_state == s).count();
    let vacant = count(LeaseStatus::Vacant);
    let notice = count(LeaseStatus::Notice);
    let expiring_week = rows
        .iter()
        .filter(|r| r.lifecycle_state == LeaseStatus::Active && r.days_to_event.is_some_and(|d| (0..=7).contains(&d)))
        .count();
    let open = |w: &&WorkOrderRow| matches!(w.order.status, WorkOrderStatus::Open | WorkOrderStatus::InProgress);
    let open_wos = work_orders.iter().filter(open).count();
    let urgent = work_orders.iter().filter(open).filter(|w| w.order.priority.as_str() == "urgent").count();
    let past_due = &figures.past_due;
    let past_due_total: Decimal = past_due.iter().sum();
    let (due, paid) = (figures.due, figures.paid);
    let rate = if due > Decimal::ZERO { (paid / due * Decimal::ONE_HUNDRED).round_dp(1) } else { Decimal::ZERO };
    let vacancy = if units == 0 { 0.0 } else { vacant as f64 * 100.0 / units as f64 };

    let mut highlights = Vec::new();
    let mut item = |kind: &str, text: String| highlights.push(json!({"type": kind, "text": text}));
    if expiring_week > 0 {
        item("alert", format!("{expiring_week} lease{} expiring this week", if expiring_week == 1 { "" } else { "s" }));
    }
    if urgent > 0 {
        item("alert", format!("{urgent} urgent work order{} open", if urgent == 1 { "" } else { "s" }));
    }
    if !past_due.is_empty() {
        item(
            "alert",
            format!(
                "{} past due across {} lease{}",
                money(past_due_total),
                past_due.len(),
                if past_due.len() == 1 { "" } else { "s" }
            ),
        );
    }
    item("info", format!("{vacant} of {units} units vacant ({vacancy:.1}%)"));
    if notice > 0 {
        item("info", format!("{notice} tenant{} on notice", if notice == 1 { "" } else { "s" }));
    }
    if due > Decimal::ZERO {
        let kind = if rate >= Decimal::from(95) { "success" } else { "info" };
        item(kind, format!("{rate}% of the {} due this month collected", money(due)));
    }
    item("info", format!("{open_wos} work order{} open or in progress", if open_wos == 1 { "" } else { "s" }));
    let content = format!(
        "Portfolio digest for {today}: {}.",
        highlights.iter().filter_map(|h| h["text"].as_str()).collect::<Vec<_>>().join("; ")
    );
    DailyDigest {
        id: digest_id(today),
        digest_date: today,
        content,
        highlights: json!(highlights),
        metrics: json!({
            "units": units, "vacant": vacant, "vacancy_rate_pct": (vacancy * 10.0).round() / 10.0,
            "on_notice": notice, "expiring_this_week": expiring_week, "open_work_orders": open_wos,
            "urgent_work_orders": urgent, "past_due": past_due_total.to_string(), "past_due_leases": past_due.len(),
            "due_this_month": due.to_string(), "collected_this_month": paid.to_string(), "collection_rate_pct": rate.to_string(),
        }),
        generated_at: now,
    }
}
