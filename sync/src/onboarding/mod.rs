//! Tenant onboarding (spec 4.6) on the server: the storage port over PostgreSQL and the twelve
//! endpoints (checklists, tasks and their documents, messages, key handoffs, the FAQ bot, the
//! knowledge base and the utility guide).

pub mod adapter;
pub mod api;
