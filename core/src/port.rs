//! The storage port every feature's jobs and workflows are written against, once.
//!
//! A job reads through the port (no transaction held), calls the pure functions and the AI
//! gateway, then hands the port the rows to write, which it applies in one short transaction.
//! The replica's `Store` (SQLite) and the server's PostgreSQL adapter implement it, so the same
//! code runs on a laptop and on the server; `tests/parity.rs` runs one scenario on both.
//! Each feature adds its own port trait on top of [`Records`] (e.g.
//! [`crate::renewals::port::RenewalsPort`]).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::ai::letters::Recipient;
use crate::ai::AiRunLog;
use crate::model::{Lease, Property, Tenant, Unit};
use crate::store::Result;

/// The base records every feature reads, the AI run log (`ai_run`) and the document store.
/// Reads take `&self`: a port holds no transaction between them.
pub trait Records: AiRunLog {
    fn lease(&self, id: Uuid) -> Result<Lease>;
    fn tenant(&self, id: Uuid) -> Result<Tenant>;
    fn unit(&self, id: Uuid) -> Result<Unit>;
    fn property(&self, id: Uuid) -> Result<Property>;
    /// Every tenant of a lease in the port's scope, as "first last": one read where a job names
    /// every lease's tenant (one lookup per lease was 100,000 round trips on the server).
    fn tenant_names(&self) -> Result<HashMap<Uuid, String>>;
    /// Every property in the port's scope with its IANA time zone (`crate::time::Days`).
    fn property_zones(&self) -> Result<HashMap<Uuid, String>>;
    /// Stores a rendered document (a letter PDF) as a content-addressed blob and returns its
    /// sha256; `None` where the store keeps no blobs (an in-memory replica).
    fn put_document(&self, bytes: &[u8], content_type: &str, now: DateTime<Utc>) -> Result<Option<String>>;
}

/// Who a letter about `lease` is for.
/// `NotFound` (as `what` `id`) unless `property` is in the port's scope (a caller's grants on the
/// server): a record outside them does not exist for the caller.
pub fn in_scope<R: Records + ?Sized>(records: &R, property: Uuid, what: &'static str, id: Uuid) -> Result<()> {
    if records.property_zones()?.contains_key(&property) {
        Ok(())
    } else {
        Err(crate::store::StoreError::NotFound { what, id: id.to_string() })
    }
}

pub fn recipient<R: Records + ?Sized>(records: &R, lease: &Lease) -> Result<Recipient> {
    let tenant = records.tenant(lease.tenant_id)?;
    let unit = records.unit(lease.unit_id)?;
    let property = records.property(lease.property_id)?;
    Ok(Recipient::of(&tenant, &unit, &property))
}

/// A drafted letter and the provider that drafted it ("offline", "claude").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftedLetter {
    pub text: String,
    pub provider: String,
}
