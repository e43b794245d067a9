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
}
