//! UnitCycle's central API server: a folder per feature (its axum handlers and the PostgreSQL
//! adapter of its core storage port), the shared adapter (`adapter`), the scheduler. The wire
//! format and the synced tables are `unitcycle-sync-protocol`; the replica's client is
//! `unitcycle-sync-client` (the `unitcycle` binary links only those).

pub mod adapter;
pub mod auth;
pub mod bench;
pub mod collections;
pub mod command_center;
pub mod communications_hub;
pub mod import;
pub mod inspections;
pub mod invoice_processing;
pub mod lease_abstraction;
pub mod lease_generation;
pub mod lifecycle;
pub mod listing_syndication;
pub mod maintenance;
pub mod onboarding;
pub mod openapi;
pub mod outbox;
pub mod pg;
pub mod pgdomain;
pub mod portfolio_chat;
pub mod pricing;
pub mod push_actions;
pub mod query;
pub mod read_cache;
pub mod records;
pub mod renewals;
pub mod scheduler;
pub mod screening;
pub mod server;
pub mod showings;
pub mod staging;
pub mod turnover;
pub mod verify;

pub use unitcycle_sync_client as client;
pub use unitcycle_sync_protocol::{tables, wire, wire_import, wire_inspections};
