//! UnitCycle sync: the central API server (axum + PostgreSQL) and the client that keeps a
//! SQLite replica in step with it. Only this crate knows the HTTP wire format (`wire`).

pub mod adapter;
pub mod api_collections;
pub mod api_command_center;
pub mod api_inspections;
pub mod api_renewals;
pub mod auth;
pub mod bench;
pub mod client;
pub mod openapi;
pub mod pg;
pub mod pg_command_center;
pub mod pg_inspections;
pub mod pgdomain;
pub mod push_inspections;
pub mod scheduler;
pub mod server;
pub mod tables;
pub mod wire;
pub mod wire_inspections;
