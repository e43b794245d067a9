//! Virtual staging (spec 4.1): empty-room photos uploaded for a unit, turned into listing
//! photos, and published to the unit's listing with a listing text. A staging service
//! (`STAGING_API_URL`) furnishes the rooms; without one the photos are enhanced (exposure,
//! white balance, straightening, sharpness) and labelled "enhanced, not staged" — nothing is
//! ever passed off as staged that was not. The headline and description come from
//! LISTING_PROMPT through the AI gateway, or offline from the unit record, marked for review.

pub mod enhance;
pub mod listing;
pub mod model;
pub mod port;
pub mod provider;
pub mod workflow;

#[cfg(test)]
mod tests;
