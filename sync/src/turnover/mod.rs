//! Turnover pipeline (spec 2.1) on the server: the endpoints (`api`) and the PostgreSQL adapter of
//! `TurnoverPort` (`adapter`).

pub mod adapter;
pub mod api;
