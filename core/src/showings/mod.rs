//! Smart showing and tour management (spec 5.2): prospects (with pre-screening and identity
//! verification for keyless access), showings booked into each property's configured slots,
//! no-show risk from the spec's weighted factors, the 24 h / 2 h / 30 min reminders, one-time
//! self-guided access codes, post-tour feedback with theme analysis, the conversion funnel and
//! the nurture messages sent to prospects who toured but have not applied.

pub mod access;
pub mod feedback;
pub mod funnel;
pub mod model;
pub mod nurture;
pub mod port;
pub mod reminders;
pub mod risk;
pub mod slots;
pub mod surveys;
pub mod workflow;

#[cfg(test)]
mod tests;
