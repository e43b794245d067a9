//! UnitCycle core: the domain model, every algorithm (pure functions that take `today`),
//! the SQLite replica store and the jobs that join them.
//!
//! `core` knows nothing of HTTP servers, terminals or windows.

pub mod blobs;
pub mod demo;
pub mod format;
pub mod inspections;
pub mod jobs;
pub mod lifecycle;
pub mod migrations;
pub mod model;
pub mod pdf;
pub mod store;
