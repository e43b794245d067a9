//! What the move-out inspection workflows read and write: the port both stores implement.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{InspectionPhoto, MoveOutDetail, MoveOutInspection};
use crate::store::Result;
use crate::turnover::port::{TurnoverPort, TurnoverWrite};

/// The move-out inspection's storage port. Finalizing writes the inspection and the turnover
/// case's deductions in one transaction, so the port extends the turnover port.
pub trait MoveOutPort: TurnoverPort {
    /// Every inspection in scope, newest first.
    fn move_outs(&self) -> Result<Vec<MoveOutInspection>>;
    /// One inspection with its photos (by room, then order); `NotFound` when missing or out of scope.
    fn move_out(&self, id: Uuid) -> Result<MoveOutDetail>;
    /// The inspection a photo belongs to; `NotFound` when missing or out of scope.
    fn move_out_of_photo(&self, photo_id: Uuid) -> Result<Uuid>;
    /// The bytes of a stored blob (a photo); `None` when this store lacks it.
    fn photo_bytes(&self, sha256: &str) -> Result<Option<Vec<u8>>>;
    /// Applies `writes` in order in one transaction: all or none.
    fn write_move_out(&mut self, writes: &[MoveOutWrite], now: DateTime<Utc>) -> Result<()>;
}

/// One row change of the move-out feature.
#[derive(Debug, Clone, PartialEq)]
pub enum MoveOutWrite {
    /// A new inspection; refused (`Conflict`) when the lease's inspection exists.
    Create(MoveOutInspection),
    /// The inspection's new state; refused (`Conflict`) when it changed since `read_at`.
    Update { inspection: MoveOutInspection, read_at: DateTime<Utc> },
    /// A new or changed photo.
    Photo(InspectionPhoto),
    /// A turnover row (finalizing puts deductions on the case).
    Turnover(TurnoverWrite),
}
