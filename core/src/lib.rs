//! UnitCycle core: the domain model, every algorithm (pure functions that take `today`),
//! the SQLite replica store and the jobs that join them.
//!
//! `core` knows nothing of HTTP servers, terminals or windows.

pub mod ai;
pub mod bench;
pub mod blobs;
pub mod collections;
pub mod command_center;
pub mod communications_hub;
pub mod delivery;
pub mod demo;
pub mod doctor;
pub mod document_ai;
pub mod documents;
pub mod figures;
pub mod format;
pub mod import;
pub mod inspections;
pub mod invoice_processing;
pub mod jobs;
pub mod lease_abstraction;
pub mod lease_generation;
pub mod ledger;
pub mod lifecycle;
pub mod listing_syndication;
pub mod migrations;
pub mod model;
pub mod onboarding;
pub mod outbox;
pub mod pdf;
pub mod port;
pub mod portfolio_chat;
pub mod predictive_maintenance;
pub mod pricing;
pub mod records;
pub mod renewals;
pub mod rent;
pub mod screening;
pub mod showings;
pub mod staging;
pub mod stats;
pub mod store;
pub mod sync_actions;
pub mod time;
pub mod turnover;
pub mod vendor_intelligence;
pub mod work_orders;
