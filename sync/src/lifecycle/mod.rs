//! The lease lifecycle (spec 1.1) on the server: the PostgreSQL adapter of `LifecyclePort` (`adapter`); its endpoints are with the base entities in `server`.

pub mod adapter;
