//! What the collections scan, the escalation engine and the case actions read and write: the
//! port both stores implement.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{CollectionAction, CollectionCase, PaymentPlan};
use crate::model::{Lease, LedgerEntry};
use crate::outbox::NewMessage;
use crate::port::Records;
use crate::store::Result;

/// The collections feature's storage port. An adapter scopes it (the server: the caller's
/// properties, or every property for the schedule; the replica: its whole portfolio).
pub trait CollectionsPort: Records {
    /// Every lease the scan looks at, whatever its status (a moved-out tenant can still owe).
    fn collection_leases(&self) -> Result<Vec<Lease>>;
    /// The ledger entries posted against each lease (entries without a lease are left out).
    fn lease_ledgers(&self) -> Result<HashMap<Uuid, Vec<LedgerEntry>>>;
    /// Open cases and cases on a payment plan, oldest first.
    fn open_cases(&self) -> Result<Vec<CollectionCase>>;
    /// One case; `NotFound` when it is missing or outside the port's scope.
    fn collection_case(&self, id: Uuid) -> Result<CollectionCase>;
    /// A case's timeline, oldest first: what letters may say was sent before.
    fn collection_actions(&self, case_id: Uuid) -> Result<Vec<CollectionAction>>;
    /// A case's payment plan with its installments.
    fn payment_plan(&self, case_id: Uuid) -> Result<Option<PaymentPlan>>;
    /// When the case's latest escalation step was sent: the newest of its timeline's notices
    /// ([`CollectionAction::is_notice`]); None before the first.
    fn last_step_at(&self, case_id: Uuid) -> Result<Option<DateTime<Utc>>> {
        Ok(self.collection_actions(case_id)?.iter().filter(|a| a.is_notice()).map(|a| a.created_at).max())
    }
    /// Applies `writes` in order in one transaction: all of them or none.
    fn write_collections(&mut self, writes: &[CollectionWrite], now: DateTime<Utc>) -> Result<()>;
}

/// One row change of the collections feature, applied by [`CollectionsPort::write_collections`].
#[derive(Debug, Clone, PartialEq)]
pub enum CollectionWrite {
    /// A ledger entry: a late fee charged by the scan or a payment recorded on a case.
    Ledger(LedgerEntry),
    OpenCase(CollectionCase),
    /// The case's new state. `read_at` is the `updated_at` it was read with: the update is
    /// refused (`Conflict`) when the stored case changed since, so two people (or a person and
    /// the engine) never overwrite each other's balance or step.
    UpdateCase {
        case: CollectionCase,
        read_at: DateTime<Utc>,
    },
    /// A timeline entry; skipped when the case already has that step's message (the unique
    /// index on case, level and type makes each step happen once).
    Action(CollectionAction),
    InsertPlan(PaymentPlan),
    /// The plan's status and each installment's status and paid date.
    UpdatePlan(PaymentPlan),
    /// A message for the tenant, queued in the outbox in the same transaction.
    Enqueue(NewMessage),
}

impl CollectionWrite {
    /// A case update from the state it was read in.
    pub fn update(read: &CollectionCase, case: CollectionCase) -> CollectionWrite {
        CollectionWrite::UpdateCase { case, read_at: read.updated_at }
    }
}
