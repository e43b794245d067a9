//! The collections jobs: load ledgers and cases, decide with `collections`, write in one
//! transaction.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::collections::{self, CaseStatus, CollectionCase, ScanDecision};
use crate::jobs::{Job, JobReport};
use crate::ledger;
use crate::model::{LedgerEntry, TransType};
use crate::store::{self, Result, Store};

/// A lease's ledger read for collections.
struct LeaseLedger {
    lease: crate::model::Lease,
    entries: Vec<LedgerEntry>,
    open_case: Option<CollectionCase>,
}

/// Late fees due today for a lease: one per open rent charge past its grace period.
fn late_fees(l: &LeaseLedger, today: NaiveDate, now: DateTime<Utc>) -> Vec<LedgerEntry> {
    let alloc = ledger::allocate(&l.entries);
    alloc
        .open_charges()
        .filter(|c| c.category == "rent")
        .filter_map(|c| {
            let fee_day = collections::late_fee_date(c.due_date, l.lease.grace_period_days);
            let charged = l.entries.iter().any(|e| e.category == "late_fee" && e.trans_date == fee_day);
            let amount = collections::late_fee_due(
                c.due_date,
                l.lease.grace_period_days,
                l.lease.late_fee_amount,
                true,
                charged,
                today,
            )?;
            Some(LedgerEntry {
                id: Uuid::new_v4(),
                tenant_id: l.lease.tenant_id,
                lease_id: Some(l.lease.id),
                unit_id: Some(l.lease.unit_id),
                property_id: Some(l.lease.property_id),
                trans_type: TransType::Charge,
                category: "late_fee".into(),
                description: format!("Late fee {}", c.due_date.format("%b %Y")),
                amount,
                trans_date: fee_day,
                due_date: Some(fee_day),
                created_at: now,
            })
        })
        .collect()
}

/// The daily 08:00 scan: late fees, then open / refresh / close cases from overdue balances.
pub fn collections_scan(store: &mut Store, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let mut work = Vec::new();
    for lease in store.leases_in(&[])? {
        let entries: Vec<LedgerEntry> =
            store.ledger(lease.tenant_id, None)?.into_iter().filter(|e| e.lease_id == Some(lease.id)).collect();
        if entries.is_empty() {
            continue;
        }
        let open_case = store.open_case_for_lease(lease.id)?;
        work.push(LeaseLedger { lease, entries, open_case });
    }

    let (mut opened, mut updated, mut closed, mut fees) = (0u32, 0u32, 0u32, 0u32);
    store.transaction(|tx| {
        for mut l in work {
            for fee in late_fees(&l, today, now) {
                store::insert_ledger_entry(tx, &fee)?;
                l.entries.push(fee);
                fees += 1;
            }
            let alloc = ledger::allocate(&l.entries);
            let overdue: Vec<_> = alloc.overdue(today).collect();
            let amount: Decimal = overdue.iter().map(|c| c.open_amount).sum();
            let oldest = overdue.iter().map(|c| c.due_date).min();
            let late_fee_open: Decimal =
                overdue.iter().filter(|c| c.category == "late_fee").map(|c| c.open_amount).sum();
            let late_12mo = alloc.late_count(year_ago, today);
            match collections::scan_decision(l.open_case.as_ref(), amount, oldest, late_12mo, today) {
                ScanDecision::Open { amount, due_date, days_overdue, profile } => {
                    let case = CollectionCase {
                        id: Uuid::new_v4(),
                        tenant_id: l.lease.tenant_id,
                        lease_id: l.lease.id,
                        unit_id: l.lease.unit_id,
                        property_id: l.lease.property_id,
                        original_amount_due: amount,
                        current_balance: amount,
                        late_fee_total: late_fee_open,
                        days_overdue,
                        due_date,
                        escalation_level: 0,
                        tenant_risk_profile: profile,
                        tone: collections::select_tone(profile, 0),
                        status: CaseStatus::Open,
                        resolved_at: None,
                        assigned_to: String::new(),
                        notes: String::new(),
                        created_at: now,
                        updated_at: now,
                    };
                    store::insert_case(tx, &case)?;
                    opened += 1;
                }
                ScanDecision::Update { balance, days_overdue } => {
                    if let Some(mut case) = l.open_case {
                        case.current_balance = balance;
                        case.days_overdue = days_overdue;
                        case.late_fee_total = late_fee_open;
                        case.updated_at = now;
                        store::update_case(tx, &case)?;
                        updated += 1;
                    }
                }
                ScanDecision::Close => {
                    if let Some(mut case) = l.open_case {
                        case.current_balance = Decimal::ZERO;
                        case.days_overdue = 0;
                        case.status = CaseStatus::Paid;
                        case.resolved_at = Some(now);
                        case.updated_at = now;
                        store::update_case(tx, &case)?;
                        closed += 1;
                    }
                }
                ScanDecision::Nothing => {}
            }
        }
        Ok(())
    })?;
    Ok(JobReport {
        job: Job::CollectionsScan.name(),
        run_date: today,
        summary: format!(
            "Opened {opened} cases, updated {updated}, closed {closed} as paid; charged {fees} late fees."
        ),
        counts: serde_json::json!({"opened": opened, "updated": updated, "closed": closed, "late_fees": fees}),
        skipped: false,
    })
}
