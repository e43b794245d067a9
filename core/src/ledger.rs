//! Reading a tenant ledger: which charges were paid late, what is still open, the balance.
//!
//! One rule for everyone (ARCHITECTURE.md): a charge is late when the payments applied to it
//! oldest-first did not cover it by its due date. Churn prediction, the collections risk profile
//! and the collections scan all read the ledger through `allocate`.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{LedgerEntry, TransType};

/// How one charge fared once payments were applied oldest-first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct ChargeStatus {
    pub id: Uuid,
    pub category: String,
    pub amount: Decimal,
    pub trans_date: NaiveDate,
    pub due_date: NaiveDate,
    /// Still unpaid after every payment.
    pub open_amount: Decimal,
    /// The day the charge became fully covered (None while any of it is open).
    pub covered_on: Option<NaiveDate>,
}

impl ChargeStatus {
    /// Late: not fully covered by its due date (an open charge is late once its due date passed).
    pub fn is_late(&self, today: NaiveDate) -> bool {
        match self.covered_on {
            Some(day) => day > self.due_date,
            None => self.due_date < today,
        }
    }

    /// Days past due on `today` for an open charge, 0 otherwise.
    pub fn days_overdue(&self, today: NaiveDate) -> i64 {
        if self.open_amount > Decimal::ZERO {
            (today - self.due_date).num_days().max(0)
        } else {
            0
        }
    }
}

/// The ledger read as a whole.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Allocation {
    pub charges: Vec<ChargeStatus>,
    /// Payments left over after every charge is covered (a credit on the account).
    pub unapplied_credit: Decimal,
}

impl Allocation {
    /// Balance owed: open charges minus any credit (negative = tenant in credit).
    pub fn balance(&self) -> Decimal {
        self.charges.iter().map(|c| c.open_amount).sum::<Decimal>() - self.unapplied_credit
    }

    /// Charges with something still open, oldest first.
    pub fn open_charges(&self) -> impl Iterator<Item = &ChargeStatus> {
        self.charges.iter().filter(|c| c.open_amount > Decimal::ZERO)
    }

    /// Open and past due on `today`.
    pub fn overdue(&self, today: NaiveDate) -> impl Iterator<Item = &ChargeStatus> {
        self.open_charges().filter(move |c| c.due_date < today)
    }

    /// Charges dated on or after `since` that were paid late (or are open past due).
    pub fn late_count(&self, since: NaiveDate, today: NaiveDate) -> usize {
        self.charges.iter().filter(|c| c.trans_date >= since && c.is_late(today)).count()
    }

    /// Charges dated on or after `since`.
    pub fn charge_count(&self, since: NaiveDate) -> usize {
        self.charges.iter().filter(|c| c.trans_date >= since).count()
    }
}

/// Applies payments to charges oldest-first (by due date, then date posted).
pub fn allocate(entries: &[LedgerEntry]) -> Allocation {
    let mut charges: Vec<ChargeStatus> = entries
        .iter()
        .filter(|e| e.trans_type == TransType::Charge)
        .map(|e| ChargeStatus {
            id: e.id,
            category: e.category.clone(),
            amount: e.amount,
            trans_date: e.trans_date,
            due_date: e.due_date.unwrap_or(e.trans_date),
            open_amount: e.amount,
            covered_on: None,
        })
        .collect();
    charges.sort_by_key(|c| (c.due_date, c.trans_date));
    let mut payments: Vec<&LedgerEntry> = entries.iter().filter(|e| e.trans_type == TransType::Payment).collect();
    payments.sort_by_key(|p| p.trans_date);

    let mut next = 0;
    let mut credit = Decimal::ZERO;
    for p in payments {
        let mut left = p.amount;
        while left > Decimal::ZERO && next < charges.len() {
            let c = &mut charges[next];
            let applied = left.min(c.open_amount);
            c.open_amount -= applied;
            left -= applied;
            if c.open_amount.is_zero() {
                c.covered_on = Some(p.trans_date);
                next += 1;
            }
        }
        credit += left;
    }
    Allocation { charges, unapplied_credit: credit }
}

/// A ledger's sums around a day, for reading it without its entries: payments go to charges
/// oldest-first, and charges sort by due date first, so the charges due before a day are the
/// first ones paid and what of them is open is what their total exceeds the payments by. Exact
/// when every charge is zero or more (a store sums them; with a credit note it says `exact:
/// false` and the ledger is read with [`allocate`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FifoSums {
    /// Charges due before `today`.
    pub before_today: Decimal,
    /// Charges due before the first of `today`'s month.
    pub before_month: Decimal,
    /// Charges due from the first of the month to `today`.
    pub this_month: Decimal,
    /// Payments of more than zero (the only ones [`allocate`] applies).
    pub paid: Decimal,
    /// No charge below zero: the sums give what [`allocate`] does.
    pub exact: bool,
}

/// Zero written in cents ("0.00"), as the sum of amounts in cents is.
const NO_CENTS: Decimal = Decimal::from_parts(0, 0, 0, false, 2);

impl FifoSums {
    /// What `allocate(entries).overdue(today)` leaves open in all.
    pub fn past_due(&self) -> Decimal {
        (self.before_today - self.paid).max(NO_CENTS)
    }

    /// What of the charges due this month so far is paid.
    pub fn paid_this_month(&self) -> Decimal {
        (self.paid - self.before_month).max(NO_CENTS).min(self.this_month)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    pub fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    pub fn entry(tt: TransType, amount: Decimal, on: &str, due: Option<&str>) -> LedgerEntry {
        LedgerEntry {
            id: Uuid::new_v4(),
            tenant_id: Uuid::nil(),
            lease_id: None,
            unit_id: None,
            property_id: None,
            trans_type: tt,
            category: if tt == TransType::Charge { "rent".into() } else { "payment".into() },
            description: String::new(),
            amount,
            trans_date: d(on),
            due_date: due.map(d),
            created_at: d(on).and_hms_opt(0, 0, 0).unwrap().and_utc(),
        }
    }

    pub fn charge(amount: Decimal, due: &str) -> LedgerEntry {
        entry(TransType::Charge, amount, due, Some(due))
    }

    pub fn payment(amount: Decimal, on: &str) -> LedgerEntry {
        entry(TransType::Payment, amount, on, None)
    }

    #[test]
    fn payment_on_the_due_date_is_on_time_and_a_day_later_is_late() {
        let a = allocate(&[
            charge(dec!(1000), "2026-01-01"),
            payment(dec!(1000), "2026-01-01"),
            charge(dec!(1000), "2026-02-01"),
            payment(dec!(1000), "2026-02-02"),
        ]);
        let today = d("2026-03-15");
        assert!(!a.charges[0].is_late(today));
        assert!(a.charges[1].is_late(today));
        assert_eq!(a.late_count(d("2025-03-15"), today), 1);
        assert_eq!(a.balance(), Decimal::ZERO);
    }

    #[test]
    fn payments_cover_the_oldest_charge_first() {
        // Paying February's amount late in February still leaves January covered only then.
        let a = allocate(&[
            charge(dec!(1000), "2026-01-01"),
            charge(dec!(1000), "2026-02-01"),
            payment(dec!(1000), "2026-02-01"),
            payment(dec!(1000), "2026-02-20"),
        ]);
        let today = d("2026-03-01");
        assert_eq!(a.charges[0].covered_on, Some(d("2026-02-01")));
        assert_eq!(a.charges[1].covered_on, Some(d("2026-02-20")));
        assert_eq!(a.late_count(d("2025-01-01"), today), 2);
    }

    #[test]
    fn partial_payments_leave_an_open_overdue_remainder() {
        let a = allocate(&[charge(dec!(1200), "2026-03-01"), payment(dec!(500.50), "2026-03-01")]);
        assert_eq!(a.balance(), dec!(699.50));
        let today = d("2026-03-09");
        let overdue: Vec<_> = a.overdue(today).collect();
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].days_overdue(today), 8);
        assert!(overdue[0].is_late(today));
        // On the due date itself nothing is overdue yet.
        assert_eq!(a.overdue(d("2026-03-01")).count(), 0);
    }

    #[test]
    fn overpayment_becomes_a_credit() {
        let a = allocate(&[charge(dec!(1000), "2026-03-01"), payment(dec!(1100), "2026-02-28")]);
        assert_eq!(a.unapplied_credit, dec!(100));
        assert_eq!(a.balance(), dec!(-100));
        assert_eq!(a.open_charges().count(), 0);
    }

    /// The sums of a ledger as a store computes them (charges by due date, else date posted).
    pub fn fifo_sums(entries: &[LedgerEntry], today: NaiveDate) -> FifoSums {
        use chrono::Datelike;
        let month = today.with_day(1).unwrap();
        let mut s = FifoSums { exact: true, ..FifoSums::default() };
        for e in entries {
            let due = e.due_date.unwrap_or(e.trans_date);
            match e.trans_type {
                TransType::Charge => {
                    s.exact &= e.amount >= Decimal::ZERO;
                    if due < today {
                        s.before_today += e.amount;
                    }
                    if due < month {
                        s.before_month += e.amount;
                    } else if due <= today {
                        s.this_month += e.amount;
                    }
                }
                TransType::Payment if e.amount > Decimal::ZERO => s.paid += e.amount,
                _ => {}
            }
        }
        s
    }

    #[test]
    fn the_sums_give_what_allocating_the_entries_gives() {
        use chrono::Datelike;
        let today = d("2026-12-10");
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        for _ in 0..500 {
            let mut entries = Vec::new();
            for _ in 0..next(12) {
                let day = d("2026-10-01") + chrono::Duration::days(next(80) as i64);
                let cents = Decimal::new(next(250_000) as i64, 2);
                if next(3) == 0 {
                    entries.push(entry(TransType::Payment, cents, &day.to_string(), None));
                } else {
                    let due = (next(4) > 0).then(|| (day + chrono::Duration::days(next(10) as i64)).to_string());
                    entries.push(entry(TransType::Charge, cents, &day.to_string(), due.as_deref()));
                }
            }
            let a = allocate(&entries);
            let s = fifo_sums(&entries, today);
            let month = today.with_day(1).unwrap();
            let paid: Decimal = a
                .charges
                .iter()
                .filter(|c| c.due_date >= month && c.due_date <= today)
                .map(|c| c.amount - c.open_amount)
                .sum();
            assert_eq!(s.past_due(), a.overdue(today).map(|c| c.open_amount).sum::<Decimal>(), "{entries:?}");
            assert_eq!(s.paid_this_month(), paid, "{entries:?}");
        }
        // A credit note (a charge below zero) is not summed: the ledger is read instead.
        let credit = [entry(TransType::Charge, dec!(-50), "2026-12-01", None)];
        assert!(!fifo_sums(&credit, today).exact);
    }
}
