//! What the move-in inspection workflows read and write: the port both stores implement.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::InspectionDetail;
use crate::port::Records;
use crate::store::Result;

/// The move-in inspection feature's storage port. An inspection is read whole (rooms, items,
/// photos) and written back whole; the adapter writes only the rows that changed.
pub trait InspectionsPort: Records {
    /// One inspection with its rooms, items and photos; `NotFound` when it is missing or
    /// outside the port's scope.
    fn inspection(&self, id: Uuid) -> Result<InspectionDetail>;
    /// Writes `after` in one transaction: the rows that differ from `before` (every row of a
    /// new inspection, `before` = `None`). Refused with `Conflict` when the stored inspection
    /// changed since `before` was read (its `updated_at` differs), or when it exists already
    /// for a new one. Rows are never deleted here.
    fn write_inspection(
        &mut self,
        before: Option<&InspectionDetail>,
        after: &InspectionDetail,
        now: DateTime<Utc>,
    ) -> Result<()>;
    /// The bytes of a stored blob (a photo, a signature); `None` when this store lacks it.
    fn blob(&self, sha256: &str) -> Result<Option<Vec<u8>>>;
}
