//! What the turnover workflows and the daily job read and write: the port both stores implement.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ChecklistItem, TurnoverCase, TurnoverDeduction};
use crate::model::Lease;
use crate::port::Records;
use crate::store::Result;

/// The turnover feature's storage port, scoped like every port (the server: the caller's
/// properties, or all of them for the schedule; the replica: its portfolio).
pub trait TurnoverPort: Records {
    /// Every case, newest first.
    fn turnover_cases(&self) -> Result<Vec<TurnoverCase>>;
    /// One case; `NotFound` when missing or outside the scope.
    fn turnover_case(&self, id: Uuid) -> Result<TurnoverCase>;
    fn turnover_deductions(&self, case_id: Uuid) -> Result<Vec<TurnoverDeduction>>;
    /// The make-ready items, by category and item.
    fn turnover_checklist(&self, case_id: Uuid) -> Result<Vec<ChecklistItem>>;
    /// Leases under notice that have no case (imported or entered before turnover existed).
    fn notice_leases_without_case(&self) -> Result<Vec<Lease>>;
    /// Every lease of a unit.
    fn leases_of_unit(&self, unit_id: Uuid) -> Result<Vec<Lease>>;
    /// Applies `writes` in order in one transaction: all or none.
    fn write_turnover(&mut self, writes: &[TurnoverWrite], now: DateTime<Utc>) -> Result<()>;
}

/// One row change of the turnover feature.
#[derive(Debug, Clone, PartialEq)]
pub enum TurnoverWrite {
    /// A new case with its checklist; nothing when the lease already has a case.
    Open { case: TurnoverCase, checklist: Vec<ChecklistItem> },
    /// The case's new state; refused (`Conflict`) when the stored case changed since `read_at`.
    Update { case: TurnoverCase, read_at: DateTime<Utc> },
    /// A new or changed deduction.
    Deduction(TurnoverDeduction),
    /// A changed checklist item.
    Item(ChecklistItem),
}

impl TurnoverWrite {
    pub fn update(read: &TurnoverCase, case: TurnoverCase) -> TurnoverWrite {
        TurnoverWrite::Update { case, read_at: read.updated_at }
    }
}
