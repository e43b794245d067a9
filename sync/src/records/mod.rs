//! Records (properties, buildings, units, tenants, ledger entries) on the server: the
//! PostgreSQL adapter of `RecordsPort` (`adapter`) and the create/edit/archive endpoints (`api`)
//! beside the base entities' lists. The rules are `unitcycle_core::records`.

pub mod adapter;
pub mod api;
