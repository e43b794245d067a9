//! What the lifecycle jobs read and write: the port both stores implement.

use chrono::{DateTime, Utc};

use uuid::Uuid;

use super::new_lease::NewLease;
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
    /// Every lease of one unit (within the port's scope).
    fn unit_leases(&self, unit_id: Uuid) -> Result<Vec<Lease>>;
    /// The highest lease number in the store, if any (lease numbers are `L-` and six digits).
    fn last_lease_number(&self) -> Result<Option<String>>;
    /// Writes a new lease and its `vacant → active` transition in one transaction (and sets the
    /// unit's current rent to the lease's).
    fn write_new_lease(&mut self, new: &NewLease, now: DateTime<Utc>) -> Result<()>;
}
