//! Rent and fees: the hourly rent posting job (`tenants.post_rent_charges`) and the one late-fee
//! rule, written once over [`RentPort`] (the replica and the server run the same function).
//!
//! - On a lease's due day (`rent_due_day`, in its property's local date, `crate::time::Days`)
//!   the month's rent is charged to `tenant_ledger_entry`, once: the entry's id is derived from
//!   the lease and the month, the job skips a month that already has a rent charge, and both
//!   stores insert only ids they do not have (a re-run, or a second server, posts nothing new).
//! - A partial first or last month (the lease begins, ends or the tenant moves out mid-month) is
//!   prorated: rent × days occupied / days in the month, rounded to the cent; the days occupied
//!   count the first and the last day. The charge falls due on the due day, moved into the days
//!   occupied (a lease beginning on the 16th with rent due on the 1st owes from the 16th).
//! - Leases that are active, month-to-month or under notice are billed.
//! - The late fee for a rent charge still open after the grace period is [`late_fee_entries`]:
//!   the only late-fee rule. This job charges it, and the collections scan charges it too when it
//!   runs before this job did (a fee has one id per rent charge, so it is charged exactly once).

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Months, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use uuid::Uuid;

use crate::collections::port::CollectionsPort;
use crate::collections::scan::sort_ledger;
use crate::jobs::{Job, JobReport};
use crate::model::{Lease, LeaseStatus, LedgerEntry, TransType};
use crate::store::Result;
use crate::time::Days;
use crate::{collections, ledger};

/// The rent job's storage port: the collections reads (leases, ledgers) and the posting of
/// ledger entries.
pub trait RentPort: CollectionsPort {
    /// Inserts the entries whose id is not stored yet, in one transaction (all or none), and
    /// enters them in the change log; returns the ids it inserted.
    fn post_ledger(&mut self, entries: &[LedgerEntry], now: DateTime<Utc>) -> Result<HashSet<Uuid>>;

    /// Each lease that has ledger entries, summarized in the store (one aggregate, no entries
    /// read): see [`LedgerSummary`].
    fn ledger_summaries(&self) -> Result<HashMap<Uuid, LedgerSummary>>;

    /// The ledgers of these leases (a lease without entries is absent).
    fn ledgers_of(&self, leases: &[Uuid]) -> Result<HashMap<Uuid, Vec<LedgerEntry>>>;

    /// The leases among `leases` that may owe a late fee on `today`: a rent charge still open
    /// once payments are applied oldest-first, past its grace period, with no late fee on its
    /// fee day; or a ledger the store cannot judge so (a charge below zero, an amount of more
    /// than two decimals). One statement, no entries read. A lease left out surely owes none;
    /// one named may not (the job reads its ledger to know).
    fn fees_pending(&self, leases: &[Uuid], today: NaiveDate) -> Result<HashSet<Uuid>>;

    /// Each lease's ledger summed around `today` (one aggregate, no entries read; a lease
    /// without entries is absent): see [`crate::ledger::FifoSums`].
    fn fifo_sums(&self, today: NaiveDate) -> Result<HashMap<Uuid, crate::ledger::FifoSums>>;
}

/// Leases whose ledgers a job reads at once (`RentPort::ledgers_of`), so no job holds the whole
/// portfolio's ledger.
pub const LEDGER_CHUNK: usize = 2_000;

/// What the hourly rent job needs to know of a lease's ledger before reading it: most leases,
/// most hours, have this month's rent posted and nothing open, and need nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerSummary {
    /// The latest due date (else date) of a rent charge.
    pub last_rent_due: Option<NaiveDate>,
    /// Payments cover every charge (and every charge is positive): no charge is open.
    pub covered: bool,
}

impl LedgerSummary {
    /// Whether the rent job has nothing to post for `lease` on `day`: no open charge (so no late
    /// fee), and no rent to charge (not billed, or this month's rent is posted).
    pub fn settled(&self, lease: &Lease, day: NaiveDate) -> bool {
        self.covered && self.rent_posted(lease, day)
    }

    /// Whether no rent is to be charged on `day`: not billed, or this month's rent is posted.
    pub fn rent_posted(&self, lease: &Lease, day: NaiveDate) -> bool {
        !billed(lease.lease_status) || self.last_rent_due.and_then(|d| d.with_day(1)) == day.with_day(1)
    }
}

/// The namespace of the ids of posted rent charges and late fees (UUID v5).
const ENTRY_NAMESPACE: Uuid = Uuid::from_u128(0x5f1e_2c3a_9b7d_4e61_8a0f_7c2d_3b4e_5a6f);

/// The id of a posted entry: the same on every store and every run for the same key.
pub fn entry_id(key: &str) -> Uuid {
    Uuid::new_v5(&ENTRY_NAMESPACE, key.as_bytes())
}

/// Whether a lease in `status` is billed rent.
pub fn billed(status: LeaseStatus) -> bool {
    matches!(status, LeaseStatus::Active | LeaseStatus::MonthToMonth | LeaseStatus::Notice)
}

/// The last day the tenant occupies the unit, when known: the move-out; else, under notice, the
/// planned move-out; else, for an active lease, its end date. Month-to-month runs on.
pub fn occupied_until(lease: &Lease) -> Option<NaiveDate> {
    lease.actual_move_out_date.or(match lease.lease_status {
        LeaseStatus::Notice => lease.notice_move_out_date,
        LeaseStatus::Active => lease.lease_end_date,
        LeaseStatus::MonthToMonth | LeaseStatus::Vacant => None,
    })
}

/// One month's rent for a lease.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthRent {
    pub month: NaiveDate,
    pub due_date: NaiveDate,
    pub amount: Decimal,
    pub days_occupied: i64,
    pub days_in_month: i64,
}

impl MonthRent {
    pub fn prorated(&self) -> bool {
        self.days_occupied < self.days_in_month
    }
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The rent of the month containing `day` (None when the lease occupies none of it):
/// prorated by the days occupied, due on the due day moved into the days occupied.
pub fn month_rent(lease: &Lease, day: NaiveDate) -> Option<MonthRent> {
    let first = day.with_day(1)?;
    let last = first.checked_add_months(Months::new(1))?.pred_opt()?;
    let start = lease.lease_begin_date.max(first);
    let end = occupied_until(lease).map_or(last, |d| d.min(last));
    if start > end || lease.monthly_rent_amount <= Decimal::ZERO {
        return None;
    }
    let due_day = first.with_day(u32::from(lease.rent_due_day.clamp(1, 28)))?;
    let (days_occupied, days_in_month) = ((end - start).num_days() + 1, i64::from(last.day()));
    let amount = if days_occupied == days_in_month {
        lease.monthly_rent_amount
    } else {
        cents(lease.monthly_rent_amount * Decimal::from(days_occupied) / Decimal::from(days_in_month))
    };
    Some(MonthRent { month: first, due_date: due_day.clamp(start, end), amount, days_occupied, days_in_month })
}

/// The rent charge to post for a billed lease on its property's `day`: the month's rent once
/// its due date has come, unless the month already has a rent charge (`entries`: the lease's
/// ledger).
pub fn rent_charge(lease: &Lease, entries: &[LedgerEntry], day: NaiveDate, now: DateTime<Utc>) -> Option<LedgerEntry> {
    if !billed(lease.lease_status) {
        return None;
    }
    let rent = month_rent(lease, day)?;
    if day < rent.due_date {
        return None;
    }
    let posted = entries.iter().any(|e| {
        e.trans_type == TransType::Charge
            && e.category == "rent"
            && e.due_date.unwrap_or(e.trans_date).with_day(1) == Some(rent.month)
    });
    if posted {
        return None;
    }
    let month = rent.month.format("%b %Y");
    Some(LedgerEntry {
        id: entry_id(&format!("rent:{}:{}", lease.id, rent.month.format("%Y-%m"))),
        tenant_id: lease.tenant_id,
        lease_id: Some(lease.id),
        unit_id: Some(lease.unit_id),
        property_id: Some(lease.property_id),
        trans_type: TransType::Charge,
        category: "rent".into(),
        description: if rent.prorated() {
            format!("Rent {month} (prorated, {} of {} days)", rent.days_occupied, rent.days_in_month)
        } else {
            format!("Rent {month}")
        },
        amount: rent.amount,
        trans_date: rent.due_date,
        due_date: Some(rent.due_date),
        created_at: now,
    })
}

/// The late fees due on `today` (the property's day) for a lease: one per open rent charge past
/// its grace period that has none yet (`entries` are the lease's ledger entries). The one
/// late-fee rule: the rent job and the collections scan both charge through it.
pub fn late_fee_entries(
    lease: &Lease,
    entries: &[LedgerEntry],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Vec<LedgerEntry> {
    ledger::allocate(entries)
        .open_charges()
        .filter(|c| c.category == "rent")
        .filter_map(|c| {
            let fee_day = collections::late_fee_date(c.due_date, lease.grace_period_days);
            let id = entry_id(&format!("late_fee:{}", c.id));
            let charged = entries.iter().any(|e| e.id == id || (e.category == "late_fee" && e.trans_date == fee_day));
            let amount = collections::late_fee_due(
                c.due_date,
                lease.grace_period_days,
                lease.late_fee_amount,
                true,
                charged,
                today,
            )?;
            Some(LedgerEntry {
                id,
                tenant_id: lease.tenant_id,
                lease_id: Some(lease.id),
                unit_id: Some(lease.unit_id),
                property_id: Some(lease.property_id),
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

/// What one run of the rent job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RentReport {
    pub rent_charges: u32,
    pub prorated: u32,
    pub late_fees: u32,
    pub amount: Decimal,
}

impl RentReport {
    pub fn summary(&self) -> String {
        format!(
            "Posted {} rent charges ({} prorated) and {} late fees, {} in all.",
            self.rent_charges,
            self.prorated,
            self.late_fees,
            crate::format::money(self.amount)
        )
    }

    pub fn counts(&self) -> serde_json::Value {
        serde_json::json!({
            "rent_charges": self.rent_charges, "prorated": self.prorated, "late_fees": self.late_fees,
            "amount": self.amount.to_string()
        })
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::PostRent.name(),
            run_date: today,
            summary: self.summary(),
            counts: self.counts(),
            skipped: self.rent_charges == 0 && self.late_fees == 0,
        }
    }
}

/// The rent job: each billed lease's rent on its due day and the late fees past the grace period,
/// each lease on its property's local date at `now` (`today`: the run's UTC date, see
/// [`Days::at`]). Every entry is posted in one transaction; a second run posts nothing new.
pub fn post_rent_charges<P: RentPort>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<RentReport> {
    let days = Days::of_port(port, today, now)?;
    post_rent_charges_on(port, &days, now)
}

/// [`post_rent_charges`] on a given calendar.
pub fn post_rent_charges_on<P: RentPort>(port: &mut P, days: &Days, now: DateTime<Utc>) -> Result<RentReport> {
    let summaries = port.ledger_summaries()?;
    let mut leases = port.collection_leases()?;
    leases.sort_by_key(|l| l.id);
    // Only the ledgers that may need a write are read: a lease without a summary has no
    // entries; one with a charge open is read only when its rent is due or the store cannot
    // rule out a late fee (most delinquent leases, most hours, have theirs already).
    leases.retain(|l| summaries.get(&l.id).is_none_or(|s| !s.settled(l, days.of(l.property_id))));
    let open: Vec<Uuid> =
        leases.iter().filter(|l| summaries.get(&l.id).is_some_and(|s| !s.covered)).map(|l| l.id).collect();
    let fees = port.fees_pending(&open, days.latest())?;
    leases.retain(|l| {
        summaries.get(&l.id).is_none_or(|s| fees.contains(&l.id) || !s.rent_posted(l, days.of(l.property_id)))
    });
    let unsettled: Vec<Uuid> = leases.iter().filter(|l| summaries.contains_key(&l.id)).map(|l| l.id).collect();
    let mut ledgers = port.ledgers_of(&unsettled)?;
    let mut writes = Vec::new();
    for lease in &leases {
        let day = days.of(lease.property_id);
        let mut entries = ledgers.remove(&lease.id).unwrap_or_default();
        sort_ledger(&mut entries);
        if let Some(charge) = rent_charge(lease, &entries, day, now) {
            entries.push(charge.clone());
            writes.push(charge);
        }
        writes.extend(late_fee_entries(lease, &entries, day, now));
    }
    let mut report = RentReport::default();
    if writes.is_empty() {
        return Ok(report);
    }
    // Another run may have posted some of them meanwhile: count only what this run inserted.
    let new = port.post_ledger(&writes, now)?;
    for e in writes.iter().filter(|e| new.contains(&e.id)) {
        report.amount += e.amount;
        if e.category == "rent" {
            report.rent_charges += 1;
            report.prorated += u32::from(e.description.contains("prorated"));
        } else {
            report.late_fees += 1;
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lifecycle::tests_support::lease;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn now() -> DateTime<Utc> {
        "2026-12-03T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn full_and_prorated_months_to_the_cent() {
        // $1,850 a month, rent due on the 1st.
        let full = lease(LeaseStatus::Active, "2025-01-01", Some("2027-06-30"));
        let r = month_rent(&full, d("2026-12-01")).unwrap();
        assert_eq!((r.amount, r.due_date, r.prorated()), (dec!(1850.00), d("2026-12-01"), false));
        // Moving in on 16 December: 16 of 31 days, due the day the lease begins.
        let first = lease(LeaseStatus::Active, "2026-12-16", Some("2027-12-15"));
        let r = month_rent(&first, d("2026-12-20")).unwrap();
        assert_eq!((r.amount, r.due_date, r.days_occupied, r.days_in_month), (dec!(954.84), d("2026-12-16"), 16, 31));
        // Nothing before the lease begins.
        assert_eq!(month_rent(&first, d("2026-11-30")), None);
        // The last month: the lease ends on 15 December, 15 of 31 days.
        let last = lease(LeaseStatus::Active, "2025-12-16", Some("2026-12-15"));
        assert_eq!(month_rent(&last, d("2026-12-01")).unwrap().amount, dec!(895.16));
        assert_eq!(month_rent(&last, d("2027-01-01")), None);
        // February 2027 has 28 days: from the 10th, 19 of them.
        let feb = lease(LeaseStatus::Active, "2027-02-10", Some("2028-02-09"));
        assert_eq!(month_rent(&feb, d("2027-02-10")).unwrap().amount, dec!(1255.36));
        // A month-to-month tenant who moved out on the 1st owes one day.
        let mut out = lease(LeaseStatus::MonthToMonth, "2024-01-01", Some("2025-12-31"));
        out.actual_move_out_date = Some(d("2026-12-01"));
        assert_eq!(month_rent(&out, d("2026-12-01")).unwrap().amount, dec!(59.68));
        // Under notice: billed up to the planned move-out.
        let mut notice = lease(LeaseStatus::Notice, "2024-01-01", Some("2025-12-31"));
        notice.notice_move_out_date = Some(d("2026-12-15"));
        notice.monthly_rent_amount = dec!(1234.56);
        notice.rent_due_day = 5;
        let r = month_rent(&notice, d("2026-12-05")).unwrap();
        assert_eq!((r.amount, r.due_date), (dec!(597.37), d("2026-12-05")));
        // A due day after the move-out falls on the last day occupied.
        notice.rent_due_day = 20;
        assert_eq!(month_rent(&notice, d("2026-12-15")).unwrap().due_date, d("2026-12-15"));
    }

    #[test]
    fn rent_is_posted_on_the_due_day_once() {
        let mut l = lease(LeaseStatus::MonthToMonth, "2024-01-01", Some("2025-12-31"));
        l.rent_due_day = 3;
        assert_eq!(rent_charge(&l, &[], d("2026-12-02"), now()), None, "not due yet");
        let charge = rent_charge(&l, &[], d("2026-12-03"), now()).unwrap();
        assert_eq!(charge.id, entry_id(&format!("rent:{}:2026-12", l.id)));
        assert_eq!(
            (charge.amount, charge.trans_date, charge.due_date, charge.category.as_str(), charge.description.as_str()),
            (dec!(1850.00), d("2026-12-03"), Some(d("2026-12-03")), "rent", "Rent Dec 2026")
        );
        // Later in the month (a missed hour, a server that was down) it is still posted, once.
        assert_eq!(rent_charge(&l, &[], d("2026-12-20"), now()).unwrap().id, charge.id);
        assert_eq!(rent_charge(&l, std::slice::from_ref(&charge), d("2026-12-20"), now()), None);
        // A rent charge for the month posted some other way counts too.
        let mut other = charge.clone();
        other.id = Uuid::new_v4();
        assert_eq!(rent_charge(&l, &[other], d("2026-12-03"), now()), None);
        // Vacant leases are not billed.
        l.lease_status = LeaseStatus::Vacant;
        assert_eq!(rent_charge(&l, &[], d("2026-12-03"), now()), None);
        let first = lease(LeaseStatus::Active, "2026-12-16", Some("2027-12-15"));
        let c = rent_charge(&first, &[], d("2026-12-16"), now()).unwrap();
        assert_eq!(c.description, "Rent Dec 2026 (prorated, 16 of 31 days)");
    }

    #[test]
    fn the_late_fee_is_charged_once_after_the_grace_period() {
        // Rent due 1 December, five days' grace: the $75 fee is due on the 7th.
        let l = lease(LeaseStatus::Active, "2025-01-01", Some("2027-06-30"));
        let charge = rent_charge(&l, &[], d("2026-12-01"), now()).unwrap();
        let mut entries = vec![charge.clone()];
        assert!(late_fee_entries(&l, &entries, d("2026-12-06"), now()).is_empty());
        let fees = late_fee_entries(&l, &entries, d("2026-12-07"), now());
        assert_eq!(fees.len(), 1);
        assert_eq!(
            (fees[0].amount, fees[0].trans_date, fees[0].id),
            (dec!(75.00), d("2026-12-07"), entry_id(&format!("late_fee:{}", charge.id)))
        );
        entries.extend(fees);
        assert!(late_fee_entries(&l, &entries, d("2026-12-08"), now()).is_empty(), "once");
        // Paid in time: no fee.
        let paid = LedgerEntry {
            id: Uuid::new_v4(),
            trans_type: TransType::Payment,
            category: "payment".into(),
            amount: dec!(1850),
            trans_date: d("2026-12-04"),
            due_date: None,
            ..charge.clone()
        };
        assert!(late_fee_entries(&l, &[charge, paid], d("2026-12-09"), now()).is_empty());
    }

    #[test]
    fn a_lease_is_settled_when_the_month_is_posted_and_nothing_is_open() {
        let l = lease(LeaseStatus::Active, "2025-01-01", Some("2027-06-30"));
        let posted = LedgerSummary { last_rent_due: Some(d("2026-12-01")), covered: true };
        assert!(posted.settled(&l, d("2026-12-20")), "December posted, all paid: nothing to read");
        assert!(!posted.settled(&l, d("2027-01-01")), "January's rent is due");
        assert!(
            !LedgerSummary { covered: false, ..posted }.settled(&l, d("2026-12-20")),
            "an open charge may owe a late fee"
        );
        let mut gone = l.clone();
        gone.lease_status = LeaseStatus::Vacant;
        assert!(
            LedgerSummary { last_rent_due: None, covered: true }.settled(&gone, d("2027-01-01")),
            "not billed, all paid"
        );
    }
}
