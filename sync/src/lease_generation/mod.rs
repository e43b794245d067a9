//! Lease generation (spec 4.5) on the server, first increment: the jurisdiction rules and the
//! compliance check.

pub mod api;
