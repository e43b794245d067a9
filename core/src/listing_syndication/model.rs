//! The spec's 5.1 rows as stored and synced: `listing`, `listing_platform`, `listing_lead`,
//! `listing_analytics` and `competing_listing`. Each carries its property so it syncs by
//! property; every row below a listing also carries the listing.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// `listing.status`.
pub const LISTING_STATUSES: &[&str] = &["draft", "active", "paused", "delisted"];

/// `listing_platform.platform_name`, in the spec's order.
pub const PLATFORMS: &[&str] =
    &["zillow", "apartments_com", "zumper", "facebook", "craigslist", "realtor_com", "hotpads", "trulia", "rent_com"];

/// `listing_platform.syndication_status`.
pub const SYNDICATION_STATUSES: &[&str] = &["pending", "active", "failed", "delisted"];

/// `listing_lead.status`.
pub const LEAD_STATUSES: &[&str] = &["new", "contacted", "touring", "applied", "closed"];

/// `listing_lead.lead_grade`.
pub const GRADES: &[&str] = &["A", "B", "C", "D"];

/// The display name of a platform (`apartments_com` → `Apartments.com`).
pub fn platform_label(name: &str) -> &'static str {
    match name {
        "zillow" => "Zillow",
        "apartments_com" => "Apartments.com",
        "zumper" => "Zumper",
        "facebook" => "Facebook Marketplace",
        "craigslist" => "Craigslist",
        "realtor_com" => "Realtor.com",
        "hotpads" => "HotPads",
        "trulia" => "Trulia",
        "rent_com" => "Rent.com",
        _ => "Other",
    }
}

/// A rental listing published to one or more platforms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Listing {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    pub turnover_case_id: Option<Uuid>,
    /// The virtual-staging project whose photos the listing was made from, if any.
    pub staging_project_id: Option<Uuid>,
    pub status: String,
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub asking_rent: Decimal,
    pub title: String,
    pub description: String,
    /// `[{"url": "...", "caption": "...", "order": 0, "virtually_staged": false}]`.
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<std::collections::BTreeMap<String, String>>)]
    pub photos: Value,
    /// `["in_unit_laundry", "dishwasher", "pool", "gym", "parking"]`.
    pub amenities: Vec<String>,
    pub pet_policy: String,
    pub parking: String,
    pub published_at: Option<DateTime<Utc>>,
    pub delisted_at: Option<DateTime<Utc>>,
    pub total_views: i32,
    pub total_inquiries: i32,
    pub days_on_market: i32,
    /// Set by the daily stale check: on the market more than 14 days with views below the 25th
    /// percentile of active listings.
    pub is_stale: bool,
    /// The last price check (the `price-check` answer), `{}` before one.
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub last_price_check: Value,
    /// The last competitor analysis (the weekly scan's `COMPETITOR_ANALYSIS_PROMPT` answer), `{}`
    /// before one.
    #[serde(default = "empty_object")]
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub competitor_analysis: Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Platform-specific syndication record for a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ListingPlatform {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub property_id: Uuid,
    pub platform_name: String,
    /// The listing's page on the platform; `null` until the platform confirms it.
    pub platform_listing_url: Option<String>,
    pub syndication_status: String,
    /// `{"title": "...", "description": "...", "char_limit": 500, ...}`.
    #[schema(value_type = Object)]
    #[specta(type = std::collections::BTreeMap<String, String>)]
    pub platform_specific_content: Value,
    /// Why the last push failed (empty when it did not).
    pub last_error: String,
    pub last_synced_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// The five factors of a lead's score, each 0.0–1.0 (LEAD_QUALIFICATION_PROMPT).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct QualificationFactors {
    pub income_signal: f64,
    pub urgency: f64,
    pub message_quality: f64,
    pub timeline_fit: f64,
    pub completeness: f64,
}

/// Inbound lead from any platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ListingLead {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub property_id: Uuid,
    pub source_platform: String,
    pub prospect_name: String,
    pub email: String,
    pub phone: String,
    pub message: String,
    pub move_in_date: Option<NaiveDate>,
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<String>)]
    pub stated_income: Option<Decimal>,
    /// 0–100: the weighted factors (see [`super::scoring`]).
    pub lead_score: i32,
    pub lead_grade: String,
    pub qualification_factors: QualificationFactors,
    pub status: String,
    pub ai_suggested_response: String,
    /// Who scored it: `offline` (the rules) or the model.
    pub scored_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Daily analytics per listing per platform.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ListingAnalytics {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub platform_id: Uuid,
    pub property_id: Uuid,
    pub date: NaiveDate,
    pub views: i32,
    pub inquiries: i32,
    pub favorites: i32,
    pub applications: i32,
    /// inquiries / views (0 without views).
    pub conversion_rate: f64,
}

/// Nearby competing listing for pricing analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CompetingListing {
    pub id: Uuid,
    pub listing_id: Uuid,
    pub property_id: Uuid,
    pub competitor_address: String,
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub competitor_rent: Decimal,
    pub competitor_bedrooms: i32,
    pub competitor_sqft: Option<i32>,
    pub competitor_amenities: Vec<String>,
    /// (competitor rent − our asking rent) / our asking rent × 100.
    pub price_diff_pct: f64,
    /// Our amenities the competitor lacks.
    pub feature_advantages: Vec<String>,
    pub scraped_at: DateTime<Utc>,
}

/// The id of the syndication record of `listing` on `platform` (one per pair).
pub fn platform_id(listing: Uuid, platform: &str) -> Uuid {
    Uuid::new_v5(&listing, format!("listing_platform:{platform}").as_bytes())
}

/// The id of the analytics row of `platform_id` on `date` (one per listing, platform and day).
pub fn analytics_id(platform_id: Uuid, date: NaiveDate) -> Uuid {
    Uuid::new_v5(&platform_id, format!("listing_analytics:{date}").as_bytes())
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}
