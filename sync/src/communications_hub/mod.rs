//! The tenant communications hub (spec 5.3) on the server: the storage port over PostgreSQL and
//! the endpoints (the inbound webhook and the inbox).

pub mod adapter;
pub mod api;
