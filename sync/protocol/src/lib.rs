//! The sync protocol, shared by the replica's client and the central server: the wire format
//! (`wire`, `wire_inspections`: only this crate knows it) and the synced tables registry
//! (`tables`: each table's columns and how a row travels as canonical JSON).

pub mod tables;
pub mod wire;
pub mod wire_import;
pub mod wire_inspections;
