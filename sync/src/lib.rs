//! UnitCycle's central API server: axum handlers, the PostgreSQL adapter of the core's storage
//! ports, the scheduler. The wire format and the synced tables are `unitcycle-sync-protocol`;
//! the replica's client is `unitcycle-sync-client` (the `unitcycle` binary links only those).

pub mod adapter;
pub mod api_collections;
pub mod api_command_center;
pub mod api_inspections;
pub mod api_outbox;
pub mod api_renewals;
pub mod auth;
pub mod bench;
pub mod delivery;
pub mod openapi;
pub mod pg;
pub mod pgdomain;
pub mod push_actions;
pub mod push_inspections;
pub mod query;
pub mod scheduler;
pub mod server;

pub use unitcycle_sync_client as client;
pub use unitcycle_sync_protocol::{tables, wire, wire_inspections};
