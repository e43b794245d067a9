//! What lease abstraction reads and writes: one port both stores implement. An abstraction with
//! a lease follows the lease's property; one not yet tied to a lease is the portfolio's.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::LeaseAbstraction;
use crate::model::Lease;
use crate::port::Records;
use crate::store::json_rows::Kind::{self, B, I, J, R, S, T};
use crate::store::Result;

pub trait AbstractionPort: Records {
    /// Every abstraction in scope, newest first.
    fn abstractions(&self) -> Result<Vec<LeaseAbstraction>>;
    fn abstraction(&self, id: Uuid) -> Result<LeaseAbstraction>;
    /// Writes the abstraction and, when its terms are applied, the lease's new terms, in one
    /// transaction.
    fn write_abstraction(&mut self, a: &LeaseAbstraction, lease: Option<&Lease>, now: DateTime<Utc>) -> Result<()>;
}

/// The replica's column list of `lease_abstraction` (the sync registry names the same columns).
pub const COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("lease_id", S),
    ("unit_id", S),
    ("property_id", S),
    ("document_url", S),
    ("document_name", S),
    ("page_count", I),
    ("status", S),
    ("extracted_terms", J),
    ("non_standard_clauses", J),
    ("missing_terms", J),
    ("extraction_confidence", R),
    ("model_used", S),
    ("processing_time_ms", I),
    ("reviewed_by", S),
    ("reviewed_at", T),
    ("applied_to_lease", B),
    ("applied_at", T),
    ("created_at", T),
    ("updated_at", T),
    ("provider", S),
    ("field_sources", J),
];
