//! Rent-roll and ledger import (issue 14) on the server: the endpoints (`api`) and the PostgreSQL adapter of `ImportPort` (`adapter`).

pub mod adapter;
pub mod api;
