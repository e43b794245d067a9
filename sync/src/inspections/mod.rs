//! Move-in inspections (spec 4.4) on the server: the endpoints (`api`), the PostgreSQL adapter of `InspectionsPort` (`adapter`) and inspections pushed by replicas (`push`).

pub mod adapter;
pub mod api;
pub mod push;
