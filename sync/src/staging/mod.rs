//! Virtual staging (spec 4.1) on the server: the storage port over PostgreSQL and the endpoints
//! (projects, photo uploads, generation, the listing text, publishing, and the photos' bytes
//! for before/after views).

pub mod adapter;
pub mod api;
