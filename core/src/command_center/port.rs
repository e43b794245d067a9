//! What the AI action queue and bulk actions read and write: the port both stores implement.

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use super::{ActionType, Candidate, QueueStatus, QueuedAction, Row, UnitSnapshot};
use crate::model::Lease;
use crate::outbox::NewMessage;
use crate::renewals::port::RenewalsPort;
use crate::renewals::RenewalRecommendation;
use crate::store::{Result, StoreError, Worded};

/// The command center's storage port. Bulk renewal offers plan and draft like the renewal scan,
/// so it builds on the renewal port's reads. An adapter scopes it (the server: the caller's
/// properties, or every property for the schedule; the replica: its whole portfolio).
pub trait CommandCenterPort: RenewalsPort {
    /// Every unit with a lease, with its current lease and latest churn score (the rules' input).
    fn unit_snapshots(&self) -> Result<Vec<UnitSnapshot>>;
    /// One row per unit of the unit table: names, state, rent, days to event, risk, top AI action.
    fn command_center_rows(&self, days: &crate::time::Days) -> Result<Vec<Row>>;
    /// Queue items generated on or after `since`, and every pending one.
    fn queued_actions(&self, since: NaiveDate) -> Result<Vec<QueuedAction>>;
    /// The unit's current lease: its most recent one, preferring one that is not vacant.
    fn current_lease(&self, unit_id: Uuid) -> Result<Option<Lease>>;
    /// One queue item within the port's scope (`NotFound` otherwise), with its suggested payload.
    fn queue_item(&self, id: Uuid) -> Result<(QueuedAction, serde_json::Value)>;
    /// The unit's most confident open (pending or approved) queue item of `action_type`.
    fn pending_action(&self, unit_id: Uuid, action_type: ActionType) -> Result<Option<PendingAction>>;
    /// Which of `unit_ids` exist within the port's scope.
    fn units_in_scope(&self, unit_ids: &[Uuid]) -> Result<HashSet<Uuid>>;
    /// The batch an earlier attempt of `request_id` created, with the units it has written.
    fn bulk_batch(&self, request_id: &str) -> Result<Option<BulkBatch>>;
    /// Applies `writes` in order in one transaction: all of them or none.
    fn write_command_center(&mut self, writes: &[CommandCenterWrite], now: DateTime<Utc>) -> Result<()>;
}

/// A pending queue item as a bulk action uses it.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingAction {
    pub id: Uuid,
    /// What the AI suggested (a rent increase's `new_rent`).
    pub suggested_payload: serde_json::Value,
}

/// A stored `bulk_action_batch` and the units of its `bulk_action_item` rows.
#[derive(Debug, Clone, PartialEq)]
pub struct BulkBatch {
    pub id: Uuid,
    /// Who made the request (a request id is one user's: another's retry is refused).
    pub executed_by: String,
    pub units_done: HashSet<Uuid>,
}

/// A new `bulk_action_batch` row.
#[derive(Debug, Clone, PartialEq)]
pub struct NewBatch {
    pub id: Uuid,
    pub request_id: String,
    pub action_type: ActionType,
    pub unit_count: usize,
    pub suggested_payload: serde_json::Value,
    pub executed_by: String,
    pub execution_method: String,
    pub scheduled_for: Option<DateTime<Utc>>,
}

/// One row change of the command center, applied by [`CommandCenterPort::write_command_center`].
#[derive(Debug, Clone, PartialEq)]
pub enum CommandCenterWrite {
    /// A worded recommendation: inserted, or refreshed in place (`id`) while it is still pending
    /// (one per unit, action type and day).
    UpsertQueueItem {
        id: Option<Uuid>,
        snapshot: UnitSnapshot,
        candidate: Candidate,
        worded: Worded,
        generated_on: NaiveDate,
    },
    /// A person's status change of a queue item (approve, dismiss); refused when the item is no
    /// longer in status `from` (changed meanwhile).
    SetStatus { id: Uuid, from: QueueStatus, to: QueueStatus },
    /// Pending items from an earlier day, superseded (items no longer pending are left alone).
    Supersede(Vec<Uuid>),
    /// A bulk request's batch; refused (`Conflict`) when another attempt of the same request
    /// created one first.
    InsertBatch(NewBatch),
    /// One unit's outcome in a batch; refused (`Conflict`) when the unit already has one, so a
    /// unit is never acted on twice.
    InsertItem { batch_id: Uuid, unit_id: Uuid, executed: bool, detail: String },
    /// The queue item a batch carried out.
    MarkExecuted { id: Uuid, actor: String, method: String, batch_id: Uuid },
    /// The recommendation a bulk renewal offer creates.
    InsertRenewal(RenewalRecommendation),
    /// A message for the tenant, queued in the outbox (once per idempotency key).
    Enqueue(NewMessage),
    /// The batch's outcome once its units are written.
    FinishBatch { id: Uuid, summary: String },
}

/// What an adapter answers when another attempt of the same bulk request wrote a batch or an
/// item first: a conflict (the API's 409); retrying then finds those units done.
pub fn another_attempt() -> StoreError {
    StoreError::Conflict { what: "bulk action", now: "another attempt of the same request is carrying it out".into() }
}

/// What an adapter answers when a queue item's status changed under a person's action.
pub fn queue_item_changed() -> StoreError {
    StoreError::Rejected("This AI action changed while it was being updated; reload and try again.".into())
}
