//! Tenant communications hub (spec 5.3), first increment: the pure rules the inbox runs on —
//! classification of an inbound message (the spec's emergency keywords always critical), the
//! auto-response only for routine questions above 0.85 confidence and only from the sender's own
//! record (a reply's figures checked against it), and the churn prediction with the spec's
//! weights and thresholds. Storage, the webhook, the inbox screens and the jobs build on these.
//! The reply templates (`templates`, filled in strictly from one tenant's record) and the
//! broadcasts (`broadcast`: a filtered audience, a preview, a send that queues once per tenant and
//! channel across retries) complete the hub.

pub mod auto_response;
pub mod broadcast;
pub mod churn;
pub mod classify;
pub mod inbound;
pub mod model;
pub mod port;
pub mod sentiment;
pub mod templates;
pub mod webhook;
