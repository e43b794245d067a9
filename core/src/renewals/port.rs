//! What the renewal scan and workflow read and write: the port both stores implement.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{RenewalRecommendation, RenewalStatus};
use crate::lifecycle::Transition;
use crate::model::{Lease, LedgerEntry};
use crate::outbox::NewMessage;
use crate::port::Records;
use crate::store::Result;

/// The renewal feature's storage port. An adapter scopes it (the server: the caller's
/// properties, or every property for the schedule; the replica: its whole portfolio).
pub trait RenewalsPort: Records {
    /// Active and month-to-month leases (the scan's candidates before the date rule).
    fn renewal_candidates(&self) -> Result<Vec<Lease>>;
    /// Leases that already have a pending, approved or sent recommendation.
    fn leases_with_open_renewal(&self) -> Result<HashSet<Uuid>>;
    /// (total units, vacant units) per property.
    fn property_vacancy(&self) -> Result<HashMap<Uuid, (u32, u32)>>;
    /// A tenant's ledger from `since` on, oldest first.
    fn ledger_since(&self, tenant_id: Uuid, since: NaiveDate) -> Result<Vec<LedgerEntry>>;
    /// When each work order on a unit was requested.
    fn work_order_dates(&self, unit_id: Uuid) -> Result<Vec<NaiveDate>>;
    /// One recommendation; `NotFound` when it is missing or outside the port's scope.
    fn renewal(&self, id: Uuid) -> Result<RenewalRecommendation>;
    /// Pending, approved and sent recommendations.
    fn open_renewals(&self) -> Result<Vec<RenewalRecommendation>>;
    /// The tenant's latest churn signal from their messages (spec 5.3's daily sentiment log):
    /// its risk level and churn probability.
    fn churn_signal(&self, tenant_id: Uuid) -> Result<Option<(String, f64)>>;
    /// Applies `writes` in order in one transaction: all of them or none.
    fn write_renewals(&mut self, writes: &[RenewalWrite], now: DateTime<Utc>) -> Result<()>;
}

/// One row change of the renewal feature, applied by [`RenewalsPort::write_renewals`].
#[derive(Debug, Clone, PartialEq)]
pub enum RenewalWrite {
    Insert(RenewalRecommendation),
    /// A status change from `rec.status`; refused (`Conflict`) when the stored status differs.
    /// `rent` replaces the recommended rent and its increase percentage (an approval at another rent).
    Status {
        rec: RenewalRecommendation,
        to: RenewalStatus,
        rent: Option<(Decimal, f64)>,
        actor: String,
    },
    /// A redrafted or edited letter.
    Letter {
        id: Uuid,
        text: String,
        provider: String,
    },
    /// A lease transition planned by the lifecycle engine (logged).
    Transition(Transition),
    /// An accepted renewal: the lease takes the offer's rent and dates; the unit its rent, occupied.
    RenewLease {
        lease_id: Uuid,
        unit_id: Uuid,
        rent: Decimal,
        start: NaiveDate,
        end: NaiveDate,
    },
    /// A message for the tenant, queued in the outbox in the same transaction.
    Enqueue(NewMessage),
}
