//! The portfolio command center (spec 1.4) on the server: the endpoints (`api`) and the PostgreSQL adapter of `CommandCenterPort` (`adapter`).

pub mod adapter;
pub mod api;
