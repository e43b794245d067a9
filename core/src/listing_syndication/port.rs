//! What listing syndication reads and writes: one port both stores implement. Every row
//! belongs to its property; a reply to a lead is queued in the outbox in the transaction of the
//! lead's new status.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{CompetingListing, Listing, ListingAnalytics, ListingLead, ListingPlatform};
use crate::outbox::NewMessage;
use crate::store::json_rows::Kind::{self, B, I, J, R, S, T};
use crate::store::Result;

/// The rows one step writes, all in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListingWrite {
    pub listings: Vec<Listing>,
    pub platforms: Vec<ListingPlatform>,
    pub leads: Vec<ListingLead>,
    pub analytics: Vec<ListingAnalytics>,
    pub competitors: Vec<CompetingListing>,
    pub outbox: Vec<NewMessage>,
}

impl ListingWrite {
    pub fn is_empty(&self) -> bool {
        self == &ListingWrite::default()
    }
}

pub trait ListingPort: crate::turnover::port::TurnoverPort {
    /// Every listing in scope, newest first.
    fn listings(&self) -> Result<Vec<Listing>>;
    fn listing(&self, id: Uuid) -> Result<Listing>;
    /// Every syndication record in scope, by listing and platform.
    fn listing_platforms(&self) -> Result<Vec<ListingPlatform>>;
    /// Every lead in scope, the best score first, then the newest.
    fn listing_leads(&self) -> Result<Vec<ListingLead>>;
    fn listing_lead(&self, id: Uuid) -> Result<ListingLead>;
    /// Every analytics row in scope, the latest day first.
    fn listing_analytics(&self) -> Result<Vec<ListingAnalytics>>;
    /// Every competing listing in scope, the cheapest relative to us first.
    fn competing_listings(&self) -> Result<Vec<CompetingListing>>;
    fn write_listings(&mut self, w: &ListingWrite, now: DateTime<Utc>) -> Result<()>;
}

/// `listing`'s columns (the sync registry names the same).
pub const LISTING_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("unit_id", S),
    ("property_id", S),
    ("turnover_case_id", S),
    ("staging_project_id", S),
    ("status", S),
    ("asking_rent", S),
    ("title", S),
    ("description", S),
    ("photos", J),
    ("amenities", J),
    ("pet_policy", S),
    ("parking", S),
    ("published_at", T),
    ("delisted_at", T),
    ("total_views", I),
    ("total_inquiries", I),
    ("days_on_market", I),
    ("is_stale", B),
    ("last_price_check", J),
    ("created_at", T),
    ("updated_at", T),
    ("competitor_analysis", J),
];

/// `listing_platform`'s columns.
pub const PLATFORM_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("listing_id", S),
    ("property_id", S),
    ("platform_name", S),
    ("platform_listing_url", S),
    ("syndication_status", S),
    ("platform_specific_content", J),
    ("last_error", S),
    ("last_synced_at", T),
    ("created_at", T),
];

/// `listing_lead`'s columns.
pub const LEAD_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("listing_id", S),
    ("property_id", S),
    ("source_platform", S),
    ("prospect_name", S),
    ("email", S),
    ("phone", S),
    ("message", S),
    ("move_in_date", S),
    ("stated_income", S),
    ("lead_score", I),
    ("lead_grade", S),
    ("qualification_factors", J),
    ("status", S),
    ("ai_suggested_response", S),
    ("scored_by", S),
    ("created_at", T),
    ("updated_at", T),
];

/// `listing_analytics`' columns.
pub const ANALYTICS_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("listing_id", S),
    ("platform_id", S),
    ("property_id", S),
    ("date", S),
    ("views", I),
    ("inquiries", I),
    ("favorites", I),
    ("applications", I),
    ("conversion_rate", R),
];

/// `competing_listing`'s columns.
pub const COMPETITOR_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("listing_id", S),
    ("property_id", S),
    ("competitor_address", S),
    ("competitor_rent", S),
    ("competitor_bedrooms", I),
    ("competitor_sqft", I),
    ("competitor_amenities", J),
    ("price_diff_pct", R),
    ("feature_advantages", J),
    ("scraped_at", T),
];
