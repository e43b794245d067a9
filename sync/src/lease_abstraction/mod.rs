//! Lease abstraction (spec 4.3) on the server: the storage port over PostgreSQL and the
//! endpoints.

pub mod adapter;
pub mod api;
