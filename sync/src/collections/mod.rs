//! AI collections (spec 1.3) on the server: the endpoints (`api`) and the PostgreSQL adapter of `CollectionsPort` (`adapter`).

pub mod adapter;
pub mod api;
