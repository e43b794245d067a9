//! Delivery of the outbox on the server: the PostgreSQL adapter of `OutboxPort` (`adapter`), the
//! 30-second delivery loop (`delivery`) and the providers' callbacks (`api`).

pub mod adapter;
pub mod api;
pub mod delivery;
pub mod twilio;
