//! Tenant screening (spec 4.2) on the server: the storage port over PostgreSQL and the
//! endpoints (the managers' and the public intake form's).

pub mod adapter;
pub mod api;
