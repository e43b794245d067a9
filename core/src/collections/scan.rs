//! The daily 08:00 collections scan (spec `collections.daily_collections_scan`), written
//! once over the collections and rent ports (`crate::rent::RentPort`): the replica and the server run this same function.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::plan::{self, CaseChange};
use super::port::CollectionWrite;
use super::CollectionCase;
use crate::jobs::{Job, JobReport};
use crate::model::LedgerEntry;
use crate::rent::RentPort;
use crate::store::Result;
use crate::time::Days;

/// What one scan did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanReport {
    pub opened: u32,
    pub updated: u32,
    pub closed: u32,
    pub late_fees: u32,
    /// Leases left alone because their balance is more than a money column holds (a ledger of
    /// amounts at the column's edge): no case can record it.
    pub too_large: u32,
}

impl ScanReport {
    pub fn summary(&self) -> String {
        let summary = format!(
            "Opened {} cases, updated {}, closed {} as paid; charged {} late fees.",
            self.opened, self.updated, self.closed, self.late_fees
        );
        if self.too_large == 0 {
            return summary;
        }
        format!(
            "{}; left {} lease(s) whose balance is more than UnitCycle stores.",
            summary.trim_end_matches('.'),
            self.too_large
        )
    }

    pub fn counts(&self) -> serde_json::Value {
        let mut counts = serde_json::json!({
            "opened": self.opened, "updated": self.updated, "closed": self.closed, "late_fees": self.late_fees
        });
        if self.too_large > 0 {
            counts["too_large"] = self.too_large.into();
        }
        counts
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::CollectionsScan.name(),
            run_date: today,
            summary: self.summary(),
            counts: self.counts(),
            skipped: false,
        }
    }
}

/// One order for a ledger on every store: payments are applied oldest-first and ties keep
/// their order, so both stores must hand `ledger::allocate` the same sequence.
pub fn sort_ledger(entries: &mut [LedgerEntry]) {
    entries.sort_by(|a, b| {
        (a.trans_date, a.trans_type.as_str(), a.created_at, a.id).cmp(&(
            b.trans_date,
            b.trans_type.as_str(),
            b.created_at,
            b.id,
        ))
    });
}

/// The scan: late fees for rent charges past their grace period the rent job has not charged
/// yet (the one rule, `crate::rent::late_fee_entries`), then each lease's open case opened,
/// refreshed (balance, days overdue) or closed as paid from its overdue balance, each lease on
/// its property's local date at `now` (`today`: the run's UTC date, see `Days::at`). Every row
/// is written in one transaction. Idempotent for a day: a second run finds nothing to do.
pub fn collections_scan<P: RentPort>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<ScanReport> {
    let days = Days::of_port(port, today, now)?;
    collections_scan_on(port, &days, now)
}

/// [`collections_scan`] on a given calendar. Only the ledgers that can need a write are read,
/// a chunk of leases at a time: those with a charge still open (the store's summary says so
/// without reading them) or an open case to refresh or close.
pub fn collections_scan_on<P: RentPort>(port: &mut P, days: &Days, now: DateTime<Utc>) -> Result<ScanReport> {
    // Oldest first, so a lease's newest open case is the one the scan keeps up to date.
    let mut open: HashMap<Uuid, CollectionCase> = port.open_cases()?.into_iter().map(|c| (c.lease_id, c)).collect();
    let summaries = port.ledger_summaries()?;
    let mut leases = port.collection_leases()?;
    leases.sort_by_key(|l| l.id);
    leases.retain(|l| summaries.get(&l.id).is_some_and(|s| !s.covered || open.contains_key(&l.id)));
    let mut report = ScanReport::default();
    let mut writes = Vec::new();
    for chunk in leases.chunks(crate::rent::LEDGER_CHUNK) {
        let ids: Vec<Uuid> = chunk.iter().map(|l| l.id).collect();
        let mut ledgers = port.ledgers_of(&ids)?;
        for lease in chunk {
            scan_one(lease, ledgers.remove(&lease.id), &mut open, days, now, &mut report, &mut writes);
        }
    }
    port.write_collections(&writes, now)?;
    Ok(report)
}

/// One lease of the scan: its late fees and its case's change, added to `writes`.
fn scan_one(
    lease: &crate::model::Lease,
    ledger: Option<Vec<LedgerEntry>>,
    open: &mut HashMap<Uuid, CollectionCase>,
    days: &Days,
    now: DateTime<Utc>,
    report: &mut ScanReport,
    writes: &mut Vec<CollectionWrite>,
) {
    let Some(mut entries) = ledger.filter(|e| !e.is_empty()) else { return };
    let today = days.of(lease.property_id);
    sort_ledger(&mut entries);
    let fees = plan::late_fee_entries(lease, &entries, today, now);
    report.late_fees += fees.len() as u32;
    entries.extend(fees.iter().cloned());
    writes.extend(fees.into_iter().map(CollectionWrite::Ledger));
    let prior = open.remove(&lease.id);
    let read_at = prior.as_ref().map_or(now, |c| c.updated_at);
    let change = plan::scan_lease(lease, &entries, prior, today, now);
    if let Some(CaseChange::Open(case) | CaseChange::Update(case) | CaseChange::Close(case)) = &change {
        let amounts = [case.original_amount_due, case.current_balance, case.late_fee_total];
        if !amounts.into_iter().all(crate::format::fits_money) {
            tracing::warn!(lease = %lease.id, balance = %case.current_balance, "balance too large for a case");
            report.too_large += 1;
            return;
        }
    }
    match change {
        Some(CaseChange::Open(case)) => {
            report.opened += 1;
            writes.push(CollectionWrite::OpenCase(case));
        }
        Some(CaseChange::Update(case)) => {
            report.updated += 1;
            writes.push(CollectionWrite::UpdateCase { case, read_at });
        }
        Some(CaseChange::Close(case)) => {
            report.closed += 1;
            writes.push(CollectionWrite::UpdateCase { case, read_at });
        }
        None => {}
    }
}
