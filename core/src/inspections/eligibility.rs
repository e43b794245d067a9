//! Which leases a move-in inspection makes sense for.
//!
//! The rule (one place, shown in the desktop's "New inspection" dialog as [`RULE`]): a lease
//! can be inspected at move-in when
//! - it is not vacant (the tenancy is active, month-to-month or on notice) and has no recorded
//!   move-out,
//! - it begins within [`WINDOW_DAYS`] days of the property's local "today", before or after
//!   (a tenant of two years is past move-in; a lease starting in three months is not yet due),
//! - and no finalized move-in inspection of it exists (an open one can still be continued).

use chrono::NaiveDate;
use uuid::Uuid;

use crate::model::{Lease, LeaseStatus};

/// How many days before or after the lease begins a move-in inspection is offered.
pub const WINDOW_DAYS: i64 = 30;

/// The rule in a person's words.
pub const RULE: &str = "Leases that begin within 30 days of today (before or after, in the property's time zone), \
     are not vacant or moved out, and have no finalized move-in inspection yet.";

/// A lease a move-in inspection can be started for (`inspections::eligibility::RULE`), with
/// the names people recognise and the property's local date the rule was applied on.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
pub struct InspectableLease {
    pub lease_id: Uuid,
    pub lease_number: String,
    pub tenant_name: String,
    pub unit_number: String,
    pub property_name: String,
    pub property_time_zone: String,
    pub lease_status: LeaseStatus,
    pub lease_begin_date: NaiveDate,
    /// The property's local date the rule was applied on.
    pub today: NaiveDate,
    /// An inspection of the lease already started and not finalized: continue it rather than
    /// start another.
    pub open_inspection: Option<Uuid>,
}

/// Why a lease cannot be inspected at move-in now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotInspectable {
    Vacant,
    MovedOut(NaiveDate),
    BeginsLater { begins: NaiveDate, offered_from: NaiveDate },
    BeganLongAgo { began: NaiveDate },
    AlreadyFinalized,
}

impl std::fmt::Display for NotInspectable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotInspectable::Vacant => write!(f, "the lease is vacant"),
            NotInspectable::MovedOut(d) => write!(f, "the tenant moved out on {d}"),
            NotInspectable::BeginsLater { begins, offered_from } => {
                write!(f, "the lease begins on {begins}; a move-in inspection is offered from {offered_from}")
            }
            NotInspectable::BeganLongAgo { began } => {
                write!(f, "the lease began on {began}, more than {WINDOW_DAYS} days ago: move-in is past")
            }
            NotInspectable::AlreadyFinalized => write!(f, "the lease already has a finalized move-in inspection"),
        }
    }
}

/// Whether `lease` can have a move-in inspection on `today` (the property's local date);
/// `has_finalized` tells whether a finalized move-in inspection of it exists.
pub fn inspectable(lease: &Lease, has_finalized: bool, today: NaiveDate) -> Result<(), NotInspectable> {
    inspectable_on(lease.lease_status, lease.lease_begin_date, lease.actual_move_out_date, has_finalized, today)
}

/// [`inspectable`] on the fields it reads.
pub fn inspectable_on(
    status: LeaseStatus,
    begins: NaiveDate,
    moved_out: Option<NaiveDate>,
    has_finalized: bool,
    today: NaiveDate,
) -> Result<(), NotInspectable> {
    if status == LeaseStatus::Vacant {
        return Err(NotInspectable::Vacant);
    }
    if let Some(d) = moved_out {
        return Err(NotInspectable::MovedOut(d));
    }
    let days = (begins - today).num_days();
    if days > WINDOW_DAYS {
        return Err(NotInspectable::BeginsLater { begins, offered_from: begins - chrono::Duration::days(WINDOW_DAYS) });
    }
    if days < -WINDOW_DAYS {
        return Err(NotInspectable::BeganLongAgo { began: begins });
    }
    if has_finalized {
        return Err(NotInspectable::AlreadyFinalized);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn only_leases_near_their_start_are_offered() {
        let today = d(2026, 12, 3);
        let ok = |begins| inspectable_on(LeaseStatus::Active, begins, None, false, today);
        assert_eq!(ok(today), Ok(()));
        assert_eq!(ok(d(2026, 11, 3)), Ok(()), "30 days ago is still in the window");
        assert_eq!(ok(d(2027, 1, 2)), Ok(()), "30 days ahead is in the window");
        assert_eq!(ok(d(2026, 11, 2)), Err(NotInspectable::BeganLongAgo { began: d(2026, 11, 2) }));
        assert_eq!(
            ok(d(2027, 1, 3)),
            Err(NotInspectable::BeginsLater { begins: d(2027, 1, 3), offered_from: d(2026, 12, 4) })
        );
        // A month-to-month tenant of two years is long past move-in.
        let m2m = inspectable_on(LeaseStatus::MonthToMonth, d(2024, 12, 1), None, false, today);
        assert!(matches!(m2m, Err(NotInspectable::BeganLongAgo { .. })));
    }

    #[test]
    fn vacant_moved_out_and_finalized_leases_are_not_offered() {
        let today = d(2026, 12, 3);
        assert_eq!(inspectable_on(LeaseStatus::Vacant, today, None, false, today), Err(NotInspectable::Vacant));
        assert_eq!(
            inspectable_on(LeaseStatus::Notice, today, Some(today), false, today),
            Err(NotInspectable::MovedOut(today))
        );
        assert_eq!(
            inspectable_on(LeaseStatus::Active, today, None, true, today),
            Err(NotInspectable::AlreadyFinalized)
        );
        assert_eq!(inspectable_on(LeaseStatus::Notice, today, None, false, today), Ok(()));
        let msg = NotInspectable::BeganLongAgo { began: d(2024, 12, 1) }.to_string();
        assert_eq!(msg, "the lease began on 2024-12-01, more than 30 days ago: move-in is past");
    }
}
