//! The numbers behind the dashboard: days on market, the views percentile among active
//! listings, the stale rule, the price check and the portfolio stats. Pure functions.
//!
//! Price check: the market median is the median asking rent of the competing listings with the
//! unit's bedrooms (all competing listings when none match; the unit's market rent from the
//! pricing engine (2.2) when there are none). When the listing is stale or asks more than 3%
//! over that median, the recommendation moves down toward it by at most 5%; when it asks more
//! than 3% under the median while its views are in the top quarter, up toward it by at most 3%;
//! otherwise the asking rent stands. Recommendations are rounded to $5. Confidence is
//! `0.5 + 0.06 × comparables` (at most 0.95); 0.4 on the market rent alone, 0.2 with neither.

use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::model::{CompetingListing, Listing, ListingLead, GRADES, PLATFORMS};
use crate::format::money;

/// Days on the market: from the day it was published to `today` (or to its delisting).
pub fn days_on_market(l: &Listing, today: NaiveDate) -> i32 {
    let Some(published) = l.published_at else { return 0 };
    let end = l.delisted_at.map_or(today, |d| d.date_naive().min(today));
    (end - published.date_naive()).num_days().max(0) as i32
}

/// The percentile (0–100) of `views` among the active listings' views (`peers`, the listing
/// itself excluded): the share below it, ties counted half. With no peers, 50.
pub fn view_percentile(views: i32, peers: &[i32]) -> i32 {
    if peers.is_empty() {
        return 50;
    }
    let below = peers.iter().filter(|v| **v < views).count() as f64;
    let equal = peers.iter().filter(|v| **v == views).count() as f64;
    (100.0 * (below + 0.5 * equal) / peers.len() as f64).round() as i32
}

/// Stale: on the market more than 14 days with views below the 25th percentile.
pub fn is_stale(days_on_market: i32, view_percentile: i32) -> bool {
    days_on_market > 14 && view_percentile < 25
}

/// Money written as a JSON number (the spec's examples: `"current_rent": 1900.00`).
pub(super) mod float {
    use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
    use rust_decimal::Decimal;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.to_f64().unwrap_or(0.0))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
        let v = f64::deserialize(d)?;
        Decimal::from_f64(v).map(|d| d.round_dp(2)).ok_or_else(|| serde::de::Error::custom("not a number"))
    }
}

/// The `price-check` answer (the spec's example shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PriceCheck {
    #[schema(value_type = f64)]
    #[specta(type = f64)]
    #[serde(with = "float")]
    pub current_rent: Decimal,
    #[schema(value_type = f64)]
    #[specta(type = f64)]
    #[serde(with = "float")]
    pub recommended_rent: Decimal,
    pub confidence: f64,
    pub reasoning: String,
    pub comparables_count: i32,
    #[schema(value_type = f64)]
    #[specta(type = f64)]
    #[serde(with = "float")]
    pub market_median: Decimal,
    pub days_on_market: i32,
    pub view_percentile: i32,
}

fn round5(d: Decimal) -> Decimal {
    let five = Decimal::from(5);
    (d / five).round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero) * five
}

/// The price check of a listing asking `current` for a unit of `bedrooms` with `market_rent`
/// (the pricing engine's), against `comps`.
pub fn price_check(
    current: Decimal,
    bedrooms: i32,
    market_rent: Decimal,
    comps: &[CompetingListing],
    days_on_market: i32,
    view_percentile: i32,
) -> PriceCheck {
    let same: Vec<&CompetingListing> = comps.iter().filter(|c| c.competitor_bedrooms == bedrooms).collect();
    let used: Vec<&CompetingListing> = if same.is_empty() { comps.iter().collect() } else { same };
    let mut rents: Vec<Decimal> = used.iter().map(|c| c.competitor_rent).filter(|r| *r > Decimal::ZERO).collect();
    rents.sort();
    let n = rents.len() as i32;
    let (median, basis, confidence) = match crate::stats::median(&rents) {
        Some(m) => (
            m,
            format!("{n} comparable listing{}", if n == 1 { "" } else { "s" }),
            (0.5 + 0.06 * f64::from(n)).min(0.95),
        ),
        None if market_rent > Decimal::ZERO => (market_rent, "the unit's market rent (no comparables)".into(), 0.4),
        None => (current, "no comparables and no market rent".into(), 0.2),
    };
    let stale = is_stale(days_on_market, view_percentile);
    let gap = if median > Decimal::ZERO { ((current - median) / median).to_f64().unwrap_or(0.0) } else { 0.0 };
    let (recommended, why) = if current > median && (stale || gap > 0.03) {
        let floor = current * Decimal::new(95, 2);
        (round5(median.max(floor)), if stale { "the listing is stale" } else { "it asks more than 3% over the median" })
    } else if current < median && gap < -0.03 && view_percentile >= 75 {
        let ceiling = current * Decimal::new(103, 2);
        (round5(median.min(ceiling)), "it asks more than 3% under the median while drawing top-quarter views")
    } else {
        (current, "it is in line with the market")
    };
    let change = if current > Decimal::ZERO {
        ((recommended - current) / current * Decimal::ONE_HUNDRED).round_dp(1)
    } else {
        Decimal::ZERO
    };
    let reasoning = format!(
        "Listing has been on the market {days_on_market} days with views at the {view_percentile}th percentile of \
         active listings. Market median {} from {basis}; asking {} ({:+.1}% vs median). Recommend {} ({}{}%) because {why}.",
        money(median),
        money(current),
        gap * 100.0,
        money(recommended),
        if change > Decimal::ZERO { "+" } else { "" },
        change.normalize(),
    );
    PriceCheck {
        current_rent: current.round_dp(2),
        recommended_rent: recommended.round_dp(2),
        confidence: (confidence * 100.0).round() / 100.0,
        reasoning,
        comparables_count: n,
        market_median: median.round_dp(2),
        days_on_market,
        view_percentile,
    }
}

/// `(competitor − ours) / ours × 100`, one decimal.
pub fn price_diff_pct(ours: Decimal, theirs: Decimal) -> f64 {
    if ours <= Decimal::ZERO {
        return 0.0;
    }
    (((theirs - ours) / ours * Decimal::ONE_HUNDRED).round_dp(1)).to_f64().unwrap_or(0.0)
}

/// Our amenities the competitor does not list.
pub fn feature_advantages(ours: &[String], theirs: &[String]) -> Vec<String> {
    ours.iter().filter(|a| !theirs.iter().any(|t| t.eq_ignore_ascii_case(a))).cloned().collect()
}

/// `leads_by_grade`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct GradeCounts {
    #[serde(rename = "A")]
    pub a: i64,
    #[serde(rename = "B")]
    pub b: i64,
    #[serde(rename = "C")]
    pub c: i64,
    #[serde(rename = "D")]
    pub d: i64,
}

/// The portfolio dashboard (the spec's example shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SyndicationStats {
    pub active_listings: i64,
    pub total_leads_this_month: i64,
    /// Over active listings, one decimal.
    pub avg_days_on_market: f64,
    /// Inquiries / views over every listing, three decimals (0 without views).
    pub overall_conversion_rate: f64,
    pub leads_by_grade: GradeCounts,
    /// The platform most leads came from (all time); `null` without leads.
    pub top_platform: Option<String>,
    pub top_platform_leads: i64,
    pub stale_listings: i64,
}

/// The stats over `listings` and `leads` on `today` (days on market as of `today`).
pub fn stats(listings: &[Listing], leads: &[ListingLead], today: NaiveDate) -> SyndicationStats {
    let active: Vec<&Listing> = listings.iter().filter(|l| l.status == "active").collect();
    let dom: Vec<i32> = active.iter().map(|l| days_on_market(l, today)).collect();
    let avg = if dom.is_empty() {
        0.0
    } else {
        (f64::from(dom.iter().sum::<i32>()) / dom.len() as f64 * 10.0).round() / 10.0
    };
    let views: i64 = listings.iter().map(|l| i64::from(l.total_views)).sum();
    let inquiries: i64 = listings.iter().map(|l| i64::from(l.total_inquiries)).sum();
    let rate = if views > 0 { (inquiries as f64 / views as f64 * 1000.0).round() / 1000.0 } else { 0.0 };
    let mut grades = GradeCounts::default();
    for l in leads {
        match l.lead_grade.as_str() {
            "A" => grades.a += 1,
            "B" => grades.b += 1,
            "C" => grades.c += 1,
            _ => grades.d += 1,
        }
    }
    debug_assert_eq!(GRADES.len(), 4);
    let this_month =
        leads.iter().filter(|l| l.created_at.year() == today.year() && l.created_at.month() == today.month()).count()
            as i64;
    let mut top: Option<(String, i64)> = None;
    let mut names: Vec<String> = PLATFORMS.iter().map(|p| p.to_string()).collect();
    for l in leads {
        if !names.contains(&l.source_platform) {
            names.push(l.source_platform.clone());
        }
    }
    for p in names {
        let n = leads.iter().filter(|l| l.source_platform == p).count() as i64;
        if n > 0 && top.as_ref().is_none_or(|(_, best)| n > *best) {
            top = Some((p, n));
        }
    }
    SyndicationStats {
        active_listings: active.len() as i64,
        total_leads_this_month: this_month,
        avg_days_on_market: avg,
        overall_conversion_rate: rate,
        leads_by_grade: grades,
        top_platform_leads: top.as_ref().map_or(0, |t| t.1),
        top_platform: top.map(|t| t.0),
        stale_listings: active.iter().filter(|l| l.is_stale).count() as i64,
    }
}
