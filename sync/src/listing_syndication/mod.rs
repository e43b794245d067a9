//! Listing syndication (spec 5.1) on the server: the storage port over PostgreSQL and the
//! endpoints under `/api/v1/listings/` (the lead inbox, the stats and the MITS feed among them).

pub mod adapter;
pub mod api;
