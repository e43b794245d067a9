//! AI listing syndication (spec 5.1): a listing made from a unit's record (or a staging
//! project's photos), published to rental platforms (the MITS feed they ingest, or a platform's
//! API when configured) with content written per platform, a unified lead inbox where every
//! lead is scored by the spec's weights with its factors kept beside the score, replies queued
//! in the outbox, analytics and competitors behind a price check and the portfolio stats, and
//! the jobs that recompute totals, delist leased units and flag stale listings.

pub mod analysis;
pub mod competitor_scan;
pub mod edit;
pub mod feed;
pub mod model;
pub mod optimize;
pub mod port;
pub mod publisher;
pub mod scoring;
pub mod workflow;

#[cfg(test)]
mod tests;
