//! Renewals (spec 1.2) on the server: the endpoints (`api`) and the PostgreSQL adapter of `RenewalsPort` (`adapter`).

pub mod adapter;
pub mod api;
