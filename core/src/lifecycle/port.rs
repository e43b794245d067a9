//! What the lifecycle jobs read and write: the port both stores implement.

use chrono::{DateTime, Utc};

use super::Transition;
use crate::model::{Lease, LeaseStatus};
use crate::port::Records;
use crate::store::Result;

/// Built on [`Records`] for the properties' time zones (each lease is classified on its
/// property's local date).
pub trait LifecyclePort: Records {
    /// Leases in any of `states` (within the port's scope).
    fn leases_in_states(&self, states: &[LeaseStatus]) -> Result<Vec<Lease>>;
    /// Applies transitions planned by the lifecycle engine in one transaction (each logged in
    /// `lease_status_log`); a lease whose status changed meanwhile refuses the whole batch.
    fn write_transitions(&mut self, transitions: &[Transition], now: DateTime<Utc>) -> Result<()>;
}
