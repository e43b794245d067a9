//! Inspections on the server. Move-in (spec 4.4): the endpoints (`api`), the PostgreSQL adapter of
//! `InspectionsPort` (`adapter`) and inspections pushed by replicas (`push`). Move-out (spec 3.1)
//! and the move-in comparison: the endpoints (`move_out_api`) and the adapter of `MoveOutPort` (`move_out`).

pub mod adapter;
pub mod api;
pub mod move_out;
pub mod move_out_api;
pub mod push;
