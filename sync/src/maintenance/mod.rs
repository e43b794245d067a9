//! Work orders, predictive maintenance (spec 2.3) and vendor intelligence (spec 5.4) on the
//! server: the storage port over PostgreSQL and the endpoints.

pub mod adapter;
pub mod api;
