//! Smart showings (spec 5.2) on the server: the storage port over PostgreSQL and the endpoints
//! under `/api/v1/showings/`, `/api/v1/prospects/` and the lead's schedule-tour.

pub mod adapter;
pub mod api;
