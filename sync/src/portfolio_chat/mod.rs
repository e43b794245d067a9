//! Portfolio chat (spec 3.3) on the server: the chat's rows in PostgreSQL and the endpoints (the
//! message endpoint streams Server-Sent Events).

pub mod adapter;
pub mod api;
