//! Dynamic pricing (spec 2.2) on the server: the endpoints (`api`) and the PostgreSQL adapter of
//! `PricingPort` (`adapter`).

pub mod adapter;
pub mod api;
