//! Lease generation and e-signing (spec 4.5) on the server: the jurisdiction rules and clause
//! library (`api`), templates, generated leases and the public signing page (`leases`), and the
//! storage port over PostgreSQL (`adapter`).

pub mod adapter;
pub mod api;
pub mod leases;
