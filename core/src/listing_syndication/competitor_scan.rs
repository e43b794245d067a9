//! The weekly competitor scan (spec 5.1 `COMPETITOR_ANALYSIS_PROMPT` and the Monday 03:00
//! `syndication.scan_competing_listings`): every active listing with competing listings on
//! file has each competitor's price difference and feature advantages brought up to its
//! current asking rent and amenities, then gets the spec's analysis: price position against
//! the competitors' median, advantages to highlight, gaps, a recommended rent and a marketing
//! angle, kept on the listing as `competitor_analysis` and in the job's report.
//!
//! The figures come from the record: the market median and the recommended rent are the price
//! check's ([`analysis::price_check`]); a model's answer is held to them by [`Task::check`]
//! (a recommendation within 15% of the asking rent, an adjustment that matches it, no
//! difference from a median when there are no competitors). The offline answer uses the rules:
//! at market within ±3% of the median, advantages are our amenities no competitor lists, gaps
//! the amenities at least half of the competitors list that we lack.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::analysis::{self, PriceCheck};
use super::model::{CompetingListing, Listing};
use super::optimize::amenity_keyword;
use super::port::{ListingPort, ListingWrite};
use super::workflow;
use crate::ai::prompts::Task;
use crate::format::money;
use crate::model::Unit;
use crate::store::{Result, StoreError};

/// `price_position`, in the spec's order.
pub const POSITIONS: &[&str] = &["above_market", "at_market", "below_market"];

/// Within this many percent of the median a listing is `at_market`.
pub const AT_MARKET_PCT: f64 = 3.0;

/// A recommended rent stays within this many percent of the asking rent.
pub const MAX_ADJUSTMENT_PCT: i64 = 15;

/// How far a model's `recommended_adjustment_pct` may be from the one its rent implies.
pub const ADJUSTMENT_TOLERANCE: f64 = 0.5;

/// One competitor as the prompt lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetitorLine {
    pub address: String,
    pub rent: Decimal,
    pub bedrooms: i32,
    pub sqft: Option<i32>,
    pub amenities: Vec<String>,
}

/// What the analysis is made from: the listing, its unit, its competitors and the price
/// check's figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CompetitorAnalysisInput {
    /// The listing's asking rent.
    pub our_rent: Decimal,
    pub bedrooms: i32,
    /// `1`, `1.5`.
    pub bathrooms: String,
    /// The unit's square feet; `None` when not recorded.
    pub sqft: Option<i32>,
    pub our_amenities: Vec<String>,
    /// Days on market.
    pub dom: i32,
    pub competitors: Vec<CompetitorLine>,
    /// The median asking rent of the comparables (same bedrooms first, else all) from the
    /// price check; `None` without competitor rents.
    #[serde(default)]
    pub market_median: Option<Decimal>,
    /// The price check's recommended rent.
    pub price_check_recommended: Decimal,
}

/// The spec's answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CompetitorAnalysisAnswer {
    /// `above_market`, `at_market` or `below_market`.
    pub price_position: String,
    /// (our rent − median) / median × 100.
    pub price_diff_vs_median_pct: f64,
    pub advantages: Vec<String>,
    pub gaps: Vec<String>,
    #[schema(value_type = f64)]
    #[specta(type = f64)]
    #[serde(with = "analysis::float")]
    pub recommended_rent: Decimal,
    /// (recommended − our rent) / our rent × 100.
    pub recommended_adjustment_pct: f64,
    pub marketing_angle: String,
    pub reasoning: String,
}

/// `(to − from) / from × 100` unrounded; 0 when `from` is not positive.
fn pct(from: Decimal, to: Decimal) -> Decimal {
    if from <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    (to - from) / from * Decimal::ONE_HUNDRED
}

fn pct1(from: Decimal, to: Decimal) -> f64 {
    pct(from, to).round_dp(1).to_f64().unwrap_or(0.0)
}

fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn list(items: &[String]) -> String {
    items.iter().map(|a| amenity_keyword(a)).collect::<Vec<_>>().join(", ")
}

/// The competitors' rents the median is taken over (same bedrooms first, else all), as
/// [`analysis::price_check`] takes them, with whether they are the same-bedroom ones.
fn comparable_rents(i: &CompetitorAnalysisInput) -> (Vec<Decimal>, bool) {
    let same_bed: Vec<&CompetitorLine> = i.competitors.iter().filter(|c| c.bedrooms == i.bedrooms).collect();
    let matched = !same_bed.is_empty();
    let used: Vec<&CompetitorLine> = if matched { same_bed } else { i.competitors.iter().collect() };
    let mut rents: Vec<Decimal> = used.iter().map(|c| c.rent).filter(|r| *r > Decimal::ZERO).collect();
    rents.sort();
    (rents, matched)
}

/// The median the analysis compares with: the price check's, else the competitors'.
pub fn median_of(i: &CompetitorAnalysisInput) -> Option<Decimal> {
    i.market_median.filter(|m| *m > Decimal::ZERO).or_else(|| crate::stats::median(&comparable_rents(i).0))
}

/// `above_market`, `at_market` (within ±3%) or `below_market` for a difference in percent.
pub fn position(diff_pct: f64) -> &'static str {
    if diff_pct > AT_MARKET_PCT {
        "above_market"
    } else if diff_pct < -AT_MARKET_PCT {
        "below_market"
    } else {
        "at_market"
    }
}

/// Our amenities no competitor lists, in our order, once each.
pub fn advantages(ours: &[String], competitors: &[CompetitorLine]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in ours.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
        let listed = competitors.iter().any(|c| c.amenities.iter().any(|t| same(t, a)));
        if !listed && !out.iter().any(|o| same(o, a)) {
            out.push(a.to_string());
        }
    }
    out
}

/// The amenities at least half of the competitors list that we lack, sorted, once each.
pub fn gaps(ours: &[String], competitors: &[CompetitorLine]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    for c in competitors {
        for a in c.amenities.iter().map(|a| a.trim()).filter(|a| !a.is_empty()) {
            if !seen.iter().any(|s| same(s, a)) {
                seen.push(a.to_string());
            }
        }
    }
    let n = competitors.len();
    let mut out: Vec<String> = seen
        .into_iter()
        .filter(|a| !ours.iter().any(|o| same(o, a)))
        .filter(|a| 2 * competitors.iter().filter(|c| c.amenities.iter().any(|t| same(t, a))).count() >= n)
        .collect();
    out.sort_by_key(|a| a.to_lowercase());
    out
}

/// Whether `rent` is positive and within 15% of `ours` (any positive rent when `ours` is not).
fn within_band(ours: Decimal, rent: Decimal) -> bool {
    rent > Decimal::ZERO
        && (ours <= Decimal::ZERO
            || (rent - ours).abs() <= ours * Decimal::from(MAX_ADJUSTMENT_PCT) / Decimal::ONE_HUNDRED)
}

/// The offline answer, from the input's figures only.
pub fn offline_answer(i: &CompetitorAnalysisInput) -> CompetitorAnalysisAnswer {
    let ours = i.our_rent;
    let (recommended, why) = if within_band(ours, i.price_check_recommended) {
        (i.price_check_recommended.round_dp(2), "the price check's recommendation".to_string())
    } else {
        (ours.round_dp(2), "the asking rent (the price check's figure was more than 15% away from it)".to_string())
    };
    let adjustment = pct1(ours, recommended);
    let adv = advantages(&i.our_amenities, &i.competitors);
    let gap = gaps(&i.our_amenities, &i.competitors);
    let n = i.competitors.len();
    let layout =
        format!("{}BR/{}BA{}", i.bedrooms, i.bathrooms, i.sqft.map(|s| format!(", {s} sqft")).unwrap_or_default());
    let (rents, matched) = comparable_rents(i);
    let median = median_of(i);
    let (position, diff, basis) = match median {
        Some(m) if n > 0 => {
            let diff = pct1(m, ours);
            let basis = format!(
                "the median asking rent of {} is {}; asking {} is {diff:+.1}% vs that median, which is {} (at \
                 market within ±{AT_MARKET_PCT}%)",
                if matched {
                    plural(
                        rents.len(),
                        &format!("{}BR competitor", i.bedrooms),
                        &format!("{}BR competitors", i.bedrooms),
                    )
                } else {
                    format!("all {} (none has {} bedrooms)", plural(n, "competitor", "competitors"), i.bedrooms)
                },
                money(m),
                money(ours),
                position(diff).replace('_', " ")
            );
            (position(diff), diff, basis)
        }
        _ if n > 0 => (
            "at_market",
            0.0,
            format!("no competitor gives a rent to compare with; asking {} is taken as at market", money(ours)),
        ),
        _ => (
            "at_market",
            0.0,
            format!("there are no competitors to compare with; asking {} is taken as at market", money(ours)),
        ),
    };
    let marketing_angle = if n == 0 {
        if i.our_amenities.is_empty() {
            format!("No competitors are on file; market the {layout} layout and the price.")
        } else {
            format!("No competitors are on file; market the {layout} layout with {}.", list(&i.our_amenities))
        }
    } else if adv.is_empty() {
        format!(
            "No amenity sets this listing apart from the {}; lead with the {layout} layout{}.",
            plural(n, "nearby competitor", "nearby competitors"),
            if position == "below_market" { " and a rent below the local median" } else { " and the price" }
        )
    } else {
        format!(
            "Lead with what none of the {} offers: {}.{}",
            plural(n, "nearby competitor", "nearby competitors"),
            list(&adv),
            if position == "below_market" { " The rent is also below the local median." } else { "" }
        )
    };
    let reasoning = format!(
        "Offline analysis (rules, not a model): {basis}. Days on market: {}. Advantages (our amenities no \
         competitor lists): {}. Gaps (amenities at least half of the competitors list that we lack): {}. \
         Recommended rent {} ({adjustment:+.1}%) is {why}.",
        i.dom,
        if adv.is_empty() { "none".to_string() } else { list(&adv) },
        if gap.is_empty() { "none".to_string() } else { list(&gap) },
        money(recommended),
    );
    CompetitorAnalysisAnswer {
        price_position: position.into(),
        price_diff_vs_median_pct: diff,
        advantages: adv,
        gaps: gap,
        recommended_rent: recommended,
        recommended_adjustment_pct: adjustment,
        marketing_angle,
        reasoning,
    }
}

fn sqft_text(s: Option<i32>) -> String {
    s.map_or_else(|| "unknown".into(), |s| s.to_string())
}

fn amenities_text(a: &[String]) -> String {
    if a.is_empty() {
        "none listed".into()
    } else {
        a.join(", ")
    }
}

/// One prompt line per competitor: `- {address}: ${rent}/month, {bedrooms}BR, {sqft} sqft,
/// amenities: a, b`.
pub fn competitor_list(competitors: &[CompetitorLine]) -> String {
    if competitors.is_empty() {
        return "- none on file".into();
    }
    competitors
        .iter()
        .map(|c| {
            format!(
                "- {}: ${:.2}/month, {}BR, {} sqft, amenities: {}",
                c.address,
                c.rent,
                c.bedrooms,
                sqft_text(c.sqft),
                amenities_text(&c.amenities)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The spec's COMPETITOR_ANALYSIS_PROMPT.
#[derive(Debug, Clone, Copy)]
pub struct CompetitorAnalysis;

impl Task for CompetitorAnalysis {
    const NAME: &'static str = "listing_competitor_analysis";
    const DESCRIPTION: &'static str = "Weekly listing analysis against nearby competitors (5.1)";
    type Input = CompetitorAnalysisInput;
    type Output = CompetitorAnalysisAnswer;

    fn system() -> String {
        "You are a rental pricing analyst for a property-management company. Compare the listing with the \
         competitors given and use only the figures, amenities and competitors given; never invent any. \
         price_diff_vs_median_pct is (our rent - median competitor rent) / median x 100 (0 when there are no \
         competitors). recommended_rent stays within 15% of our rent, and recommended_adjustment_pct is \
         (recommended_rent - our rent) / our rent x 100."
            .into()
    }

    fn prompt(i: &CompetitorAnalysisInput) -> String {
        format!(
            "Analyze this listing vs nearby competitors.\nOur listing:\n- Rent: ${:.2}/month\n- {}BR/{}BA, {} \
             sqft\n- Amenities: {}\n- Days on market: {}\nCompetitors:\n{}\nProvide:\n1. Price positioning (are we \
             above, at, or below market?)\n2. Feature advantages we should highlight\n3. Feature gaps that \
             competitors offer\n4. Recommended price adjustment (if any) with reasoning\n5. Marketing angle to \
             differentiate\nReturn JSON:\n{{\n\"price_position\": \"above_market|at_market|below_market\",\n\
             \"price_diff_vs_median_pct\": float,\n\"advantages\": [\"string\"],\n\"gaps\": [\"string\"],\n\
             \"recommended_rent\": decimal,\n\"recommended_adjustment_pct\": float,\n\"marketing_angle\": \
             \"string\",\n\"reasoning\": \"string\"\n}}",
            i.our_rent,
            i.bedrooms,
            i.bathrooms,
            sqft_text(i.sqft),
            amenities_text(&i.our_amenities),
            i.dom,
            competitor_list(&i.competitors)
        )
    }

    fn output_schema() -> Value {
        json!({
            "type": "object",
            "required": ["price_position", "price_diff_vs_median_pct", "advantages", "gaps", "recommended_rent",
                "recommended_adjustment_pct", "marketing_angle", "reasoning"],
            "properties": {
                "price_position": {"type": "string", "enum": POSITIONS},
                "price_diff_vs_median_pct": {"type": "number"},
                "advantages": {"type": "array", "items": {"type": "string"}},
                "gaps": {"type": "array", "items": {"type": "string"}},
                "recommended_rent": {"type": "number", "exclusiveMinimum": 0},
                "recommended_adjustment_pct": {"type": "number"},
                "marketing_angle": {"type": "string"},
                "reasoning": {"type": "string"}
            }
        })
    }

    fn check(i: &CompetitorAnalysisInput, o: &CompetitorAnalysisAnswer) -> Result<(), String> {
        if !POSITIONS.contains(&o.price_position.as_str()) {
            return Err(format!(
                "price_position is \"{}\"; it must be one of {}",
                o.price_position,
                POSITIONS.join(", ")
            ));
        }
        if !o.price_diff_vs_median_pct.is_finite() || !o.recommended_adjustment_pct.is_finite() {
            return Err("price_diff_vs_median_pct and recommended_adjustment_pct must be numbers".into());
        }
        if !within_band(i.our_rent, o.recommended_rent) {
            return Err(format!(
                "recommended_rent {} must be more than 0 and within {MAX_ADJUSTMENT_PCT}% of the asking rent {}",
                o.recommended_rent, i.our_rent
            ));
        }
        let implied = pct(i.our_rent, o.recommended_rent).to_f64().unwrap_or(0.0);
        if (o.recommended_adjustment_pct - implied).abs() > ADJUSTMENT_TOLERANCE {
            return Err(format!(
                "recommended_adjustment_pct {} does not match recommended_rent {} against the asking rent {} \
                 ({implied:.1}%)",
                o.recommended_adjustment_pct, o.recommended_rent, i.our_rent
            ));
        }
        if i.competitors.is_empty() && o.price_diff_vs_median_pct != 0.0 {
            return Err("there are no competitors, so price_diff_vs_median_pct must be 0".into());
        }
        Ok(())
    }

    fn offline(i: &CompetitorAnalysisInput) -> Option<CompetitorAnalysisAnswer> {
        Some(offline_answer(i))
    }
}

/// The input for listing `l` on `unit` against `comps`, `dom` days on the market, with the
/// figures of its price `check`.
pub fn input_for(
    l: &Listing,
    unit: &Unit,
    comps: &[CompetingListing],
    dom: i32,
    check: &PriceCheck,
) -> CompetitorAnalysisInput {
    CompetitorAnalysisInput {
        our_rent: l.asking_rent,
        bedrooms: unit.bedrooms,
        bathrooms: unit.bathrooms.normalize().to_string(),
        sqft: Some(unit.square_feet).filter(|s| *s > 0),
        our_amenities: l.amenities.clone(),
        dom,
        competitors: comps
            .iter()
            .map(|c| CompetitorLine {
                address: c.competitor_address.clone(),
                rent: c.competitor_rent,
                bedrooms: c.competitor_bedrooms,
                sqft: c.competitor_sqft,
                amenities: c.competitor_amenities.clone(),
            })
            .collect(),
        market_median: (check.comparables_count > 0).then_some(check.market_median),
        price_check_recommended: check.recommended_rent,
    }
}

/// The competitors of `l` among `stored` with their price difference and advantages
/// recomputed (the cheapest relative to us first), and the ones that changed.
pub fn refreshed(l: &Listing, stored: &[CompetingListing]) -> (Vec<CompetingListing>, Vec<CompetingListing>) {
    let mut all = Vec::new();
    let mut changed = Vec::new();
    for c in stored.iter().filter(|c| c.listing_id == l.id) {
        let mut r = c.clone();
        r.price_diff_pct = analysis::price_diff_pct(l.asking_rent, c.competitor_rent);
        r.feature_advantages = analysis::feature_advantages(&l.amenities, &c.competitor_amenities);
        if r.price_diff_pct.to_bits() != c.price_diff_pct.to_bits() || r.feature_advantages != c.feature_advantages {
            changed.push(r.clone());
        }
        all.push(r);
    }
    all.sort_by(|a, b| a.price_diff_pct.total_cmp(&b.price_diff_pct).then(a.id.cmp(&b.id)));
    (all, changed)
}

/// Refreshes the competitors of `l` and runs the analysis; the changed competitors and the
/// answer (stored on the listing as `competitor_analysis` when it changed) are written in one
/// transaction. The outer error is the store's; the inner one says why no analysis could be
/// made (the refreshed competitors are written all the same).
fn analyse<P: ListingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    l: &Listing,
    all: &[Listing],
    stored: &[CompetingListing],
    now: DateTime<Utc>,
) -> Result<(std::result::Result<CompetitorAnalysisAnswer, String>, usize)> {
    let (comps, changed) = refreshed(l, stored);
    let n = changed.len();
    let unit = port.unit(l.unit_id)?;
    let local = crate::time::today_at(port, l.property_id, now).unwrap_or(now.date_naive());
    let dom = analysis::days_on_market(l, local);
    let check = analysis::price_check(
        l.asking_rent,
        unit.bedrooms,
        unit.market_rent,
        &comps,
        dom,
        workflow::percentile_of(l, all),
    );
    let input = input_for(l, &unit, &comps, dom, &check);
    let answer = gateway
        .run::<CompetitorAnalysis>(&input, port, now)
        .map(|out| out.value)
        .map_err(|e| format!("The competitor analysis of \"{}\" could not be made: {e}", l.title));
    let mut w = ListingWrite { competitors: changed, ..Default::default() };
    if let Ok(a) = &answer {
        let value = serde_json::to_value(a).unwrap_or_default();
        if value != l.competitor_analysis {
            let mut l = l.clone();
            l.competitor_analysis = value;
            l.updated_at = now;
            w.listings.push(l);
        }
    }
    if !w.is_empty() {
        port.write_listings(&w, now)?;
    }
    Ok((answer, n))
}

/// The competitor analysis of one listing in scope (its competitors' stored figures brought up
/// to date first), stored on it as `competitor_analysis`. With no competitors on file the answer says there is nothing to compare.
pub fn analyse_listing<P: ListingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    listing_id: Uuid,
    now: DateTime<Utc>,
) -> Result<CompetitorAnalysisAnswer> {
    let l = workflow::listing(port, listing_id)?;
    let all = port.listings()?;
    let stored = port.competing_listings()?;
    let (answer, _) = analyse(port, gateway, &l, &all, &stored, now)?;
    answer.map_err(StoreError::Rejected)
}

/// Weekly (Monday 03:00): every active listing with at least one competitor gets its
/// competitors refreshed and the analysis (see the module), stored on it. A listing whose
/// analysis cannot be made is reported under `failed` and the others still run.
pub fn competitor_scan_job<P: ListingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let all = port.listings()?;
    let stored = port.competing_listings()?;
    let mut analyses = Vec::new();
    let mut failed = Vec::new();
    let mut refreshed_rows = 0;
    for l in all.iter().filter(|l| l.status == "active" && stored.iter().any(|c| c.listing_id == l.id)) {
        let (answer, n) = analyse(port, gateway, l, &all, &stored, now)?;
        refreshed_rows += n;
        match answer {
            Ok(a) => analyses.push(json!({"listing_id": l.id, "title": l.title, "analysis": a})),
            Err(e) => failed.push(json!({"listing_id": l.id, "title": l.title, "error": e})),
        }
    }
    let n = analyses.len();
    let mut summary = format!(
        "{} analysed against competitors; {} refreshed",
        plural(n, "active listing", "active listings"),
        plural(refreshed_rows, "competitor row", "competitor rows")
    );
    if !failed.is_empty() {
        summary.push_str(&format!("; {} could not be analysed", plural(failed.len(), "listing", "listings")));
    }
    let mut counts = json!({"listings": n, "competitors_refreshed": refreshed_rows, "analyses": analyses});
    if !failed.is_empty() {
        counts["failed"] = Value::Array(failed.clone());
    }
    let job = crate::jobs::Job::CompetitorScan.name();
    Ok(crate::jobs::JobReport { job, run_date: today, summary, counts, skipped: n == 0 && failed.is_empty() })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};
    use rust_decimal::Decimal;
    use uuid::Uuid;

    use super::*;
    use crate::ai::prompts::Task;
    use crate::listing_syndication::workflow::{self as wf, NewCompetitor, NewListing};
    use crate::store::Store;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn money(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn unit() -> Unit {
        crate::listing_syndication::tests::unit(2)
    }

    fn listing(rent: &str, amenities: &[&str]) -> Listing {
        Listing {
            asking_rent: money(rent),
            title: "Unit 4B".into(),
            description: String::new(),
            photos: json!([]),
            amenities: amenities.iter().map(|a| a.to_string()).collect(),
            pet_policy: String::new(),
            ..crate::listing_syndication::tests::listing(10, "active")
        }
    }

    fn comp(n: u128, address: &str, rent: &str, bedrooms: i32, amenities: &[&str]) -> CompetingListing {
        CompetingListing {
            id: Uuid::from_u128(n),
            listing_id: Uuid::from_u128(10),
            property_id: Uuid::from_u128(1),
            competitor_address: address.into(),
            competitor_rent: money(rent),
            competitor_bedrooms: bedrooms,
            competitor_sqft: Some(800),
            competitor_amenities: amenities.iter().map(|a| a.to_string()).collect(),
            price_diff_pct: 0.0,
            feature_advantages: vec![],
            scraped_at: at("2026-11-20T00:00:00Z"),
        }
    }

    /// Three 2BR competitors at 1800, 1850, 1900 (median 1850) and a 1BR one that the median
    /// leaves out; `gym` is listed by 3 of 4, `pool` by 1, `parking` by 2.
    fn comps() -> Vec<CompetingListing> {
        vec![
            comp(1, "1 Elm St", "1800", 2, &["gym", "parking"]),
            comp(2, "2 Oak Ave", "1850", 2, &["gym", "pool"]),
            comp(3, "3 Ash Rd", "1900", 2, &["gym", "parking"]),
            comp(4, "4 Fir Ln", "1400", 1, &[]),
        ]
    }

    /// The input as the job builds it (the price check's figures), `dom` days on market and
    /// views at `percentile`.
    fn input(l: &Listing, comps: &[CompetingListing], dom: i32, percentile: i32) -> CompetitorAnalysisInput {
        let u = unit();
        let (comps, _) = refreshed(l, comps);
        let check = analysis::price_check(l.asking_rent, u.bedrooms, u.market_rent, &comps, dom, percentile);
        input_for(l, &u, &comps, dom, &check)
    }

    #[test]
    fn a_listing_above_market_is_told_so_with_the_price_checks_rent() {
        let l = listing("2000", &["dishwasher", "gym", "in_unit_laundry"]);
        let i = input(&l, &comps(), 10, 50);
        assert_eq!(i.market_median, Some(money("1850")));
        let a = CompetitorAnalysis::offline(&i).unwrap();
        assert_eq!(a.price_position, "above_market");
        assert_eq!(a.price_diff_vs_median_pct, 8.1); // (2000 − 1850) / 1850 = 8.108%
        assert_eq!(a.advantages, vec!["dishwasher".to_string(), "in_unit_laundry".to_string()]);
        assert_eq!(a.gaps, vec!["parking".to_string()]); // 2 of 4; pool is 1 of 4, gym we have
        assert_eq!(a.recommended_rent, i.price_check_recommended);
        assert_eq!(a.recommended_rent, money("1900")); // down at most 5%: 2000 × 0.95
        assert_eq!(a.recommended_adjustment_pct, -5.0);
        assert!(a.reasoning.starts_with("Offline analysis (rules, not a model): "), "{}", a.reasoning);
        assert!(a.reasoning.contains("$1,850.00") && a.reasoning.contains("+8.1%"), "{}", a.reasoning);
        assert!(a.marketing_angle.contains("dishwasher") && a.marketing_angle.contains("in-unit laundry"));
        assert_eq!(CompetitorAnalysis::check(&i, &a), Ok(()));
        // The JSON carries the rent as a number, as the spec writes it.
        let v = serde_json::to_value(&a).unwrap();
        assert_eq!(v["recommended_rent"], json!(1900.0));
        assert_eq!(serde_json::from_value::<CompetitorAnalysisAnswer>(v).unwrap(), a);
    }

    #[test]
    fn a_listing_within_3_percent_is_at_market_and_keeps_its_rent() {
        let l = listing("1900", &["gym", "parking"]);
        let i = input(&l, &comps(), 10, 50);
        let a = offline_answer(&i);
        assert_eq!((a.price_position.as_str(), a.price_diff_vs_median_pct), ("at_market", 2.7));
        assert_eq!((a.recommended_rent, a.recommended_adjustment_pct), (money("1900"), 0.0));
        assert!(a.advantages.is_empty() && a.gaps.is_empty(), "{a:?}");
        assert!(a.marketing_angle.starts_with("No amenity sets this listing apart"), "{}", a.marketing_angle);
        assert_eq!(CompetitorAnalysis::check(&i, &a), Ok(()));
    }

    #[test]
    fn a_listing_below_market_with_top_views_is_told_to_come_up() {
        let l = listing("1700", &["pool"]);
        let i = input(&l, &comps(), 10, 80);
        let a = offline_answer(&i);
        assert_eq!((a.price_position.as_str(), a.price_diff_vs_median_pct), ("below_market", -8.1));
        assert_eq!(a.recommended_rent, money("1750")); // up at most 3%: 1751 → $5
        assert_eq!(a.recommended_adjustment_pct, 2.9);
        assert!(a.advantages.is_empty()); // a competitor lists a pool
        assert_eq!(a.gaps, vec!["gym".to_string(), "parking".to_string()]);
        assert!(a.marketing_angle.contains("below the local median"), "{}", a.marketing_angle);
        assert_eq!(CompetitorAnalysis::check(&i, &a), Ok(()));
    }

    #[test]
    fn without_competitors_the_listing_is_at_market_with_nothing_to_compare() {
        let l = listing("1900", &["dishwasher"]);
        let i = input(&l, &[], 5, 50);
        assert_eq!(i.market_median, None);
        let a = offline_answer(&i);
        assert_eq!((a.price_position.as_str(), a.price_diff_vs_median_pct), ("at_market", 0.0));
        assert_eq!(a.advantages, vec!["dishwasher".to_string()]);
        assert!(a.gaps.is_empty());
        assert_eq!(a.recommended_rent, i.price_check_recommended);
        assert!(a.reasoning.contains("no competitors to compare with"), "{}", a.reasoning);
        assert_eq!(CompetitorAnalysis::check(&i, &a), Ok(()));
        let off = CompetitorAnalysisAnswer { price_diff_vs_median_pct: 4.0, ..a };
        assert!(CompetitorAnalysis::check(&i, &off).unwrap_err().contains("no competitors"));
    }

    #[test]
    fn the_check_refuses_a_wrong_position_a_far_rent_and_a_mismatched_adjustment() {
        let l = listing("2000", &["dishwasher"]);
        let i = input(&l, &comps(), 10, 50);
        let good = offline_answer(&i);
        let wrong = CompetitorAnalysisAnswer { price_position: "overpriced".into(), ..good.clone() };
        assert!(CompetitorAnalysis::check(&i, &wrong).unwrap_err().contains("price_position"));
        let far = CompetitorAnalysisAnswer {
            recommended_rent: money("1400"),
            recommended_adjustment_pct: -30.0,
            ..good.clone()
        };
        assert!(CompetitorAnalysis::check(&i, &far).unwrap_err().contains("within 15%"));
        let zero = CompetitorAnalysisAnswer { recommended_rent: Decimal::ZERO, ..good.clone() };
        assert!(CompetitorAnalysis::check(&i, &zero).is_err());
        let mismatched = CompetitorAnalysisAnswer { recommended_adjustment_pct: -2.0, ..good.clone() };
        assert!(CompetitorAnalysis::check(&i, &mismatched).unwrap_err().contains("recommended_adjustment_pct"));
        let close = CompetitorAnalysisAnswer { recommended_adjustment_pct: -4.6, ..good };
        assert_eq!(CompetitorAnalysis::check(&i, &close), Ok(()));
    }

    #[test]
    fn the_prompt_is_the_specs_text_with_one_line_per_competitor() {
        let l = listing("2000", &["dishwasher", "gym"]);
        let i = input(&l, &comps(), 12, 50);
        let p = CompetitorAnalysis::prompt(&i);
        for line in [
            "Analyze this listing vs nearby competitors.\nOur listing:\n",
            "- Rent: $2000.00/month\n",
            "- 2BR/1BA, 850 sqft\n",
            "- Amenities: dishwasher, gym\n",
            "Days on market: 12\nCompetitors:\n",
            "- 4 Fir Ln: $1400.00/month, 1BR, 800 sqft, amenities: none listed",
            "- 1 Elm St: $1800.00/month, 2BR, 800 sqft, amenities: gym, parking\n",
            "- 2 Oak Ave: $1850.00/month, 2BR, 800 sqft, amenities: gym, pool\n",
            "- 3 Ash Rd: $1900.00/month, 2BR, 800 sqft, amenities: gym, parking\nProvide:\n",
            "5. Marketing angle to differentiate\nReturn JSON:\n{\n\"price_position\": \
             \"above_market|at_market|below_market\",",
            "\"recommended_rent\": decimal,\n\"recommended_adjustment_pct\": float,",
            "\"reasoning\": \"string\"\n}",
        ] {
            assert!(p.contains(line), "missing {line:?} in\n{p}");
        }
        assert!(crate::ai::prompts::find(CompetitorAnalysis::NAME).is_ok());
    }

    /// A replica with the demo portfolio and a unit without an active lease.
    fn replica() -> (Store, Unit) {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let mut store = Store::in_memory().unwrap();
        crate::demo::generate(
            &mut store,
            &crate::demo::DemoConfig { units: 40, ..crate::demo::DemoConfig::new(today) },
        )
        .unwrap();
        let units: Vec<Unit> = store.properties().unwrap().iter().flat_map(|p| store.units(p.id).unwrap()).collect();
        let free = units
            .into_iter()
            .find(|u| wf::leased(&store, u.id).unwrap().is_none() && u.market_rent > Decimal::ZERO)
            .expect("a unit without an active lease");
        (store, free)
    }

    fn new_comp(address: &str, rent: Decimal, bedrooms: i32, amenities: &[&str]) -> NewCompetitor {
        NewCompetitor {
            competitor_address: address.into(),
            competitor_rent: rent,
            competitor_bedrooms: bedrooms,
            competitor_sqft: Some(800),
            competitor_amenities: amenities.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn the_job_analyses_each_active_listing_with_competitors_and_refreshes_their_figures() {
        let (mut store, u) = replica();
        // Midday, so the property's day and the UTC day agree.
        let now = at("2026-12-07T15:00:00Z");
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap();
        let gateway = crate::ai::Gateway::offline("test".into());
        let make = |store: &mut Store, id: u128, status: &str| {
            let new = NewListing { unit_id: u.id, amenities: vec!["dishwasher".into()], ..Default::default() };
            let mut l = wf::create(store, Uuid::from_u128(id), new, now).unwrap();
            if status == "active" {
                l.status = "active".into();
                l.published_at = Some(now - chrono::Duration::days(9));
                store.write_listings(&ListingWrite { listings: vec![l.clone()], ..Default::default() }, now).unwrap();
            }
            l
        };
        let active = make(&mut store, 500, "active");
        let lonely = make(&mut store, 501, "active");
        let draft = make(&mut store, 502, "draft");
        let rent = active.asking_rent;
        for (n, (addr, delta)) in [("1 Elm St", 0), ("2 Oak Ave", 50)].into_iter().enumerate() {
            let c = new_comp(addr, rent + Decimal::from(delta), u.bedrooms, &["gym"]);
            wf::add_competitor(&mut store, active.id, Uuid::from_u128(600 + n as u128), &c, now).unwrap();
        }
        let c = new_comp("9 Draft Way", rent, u.bedrooms, &[]);
        wf::add_competitor(&mut store, draft.id, Uuid::from_u128(700), &c, now).unwrap();

        let r = competitor_scan_job(&mut store, &gateway, today, now).unwrap();
        assert_eq!((r.job, r.run_date, r.skipped), ("competitor-scan", today, false));
        assert_eq!(r.counts["listings"], 1, "{}", r.counts);
        assert_eq!(r.counts["competitors_refreshed"], 0);
        let analyses = r.counts["analyses"].as_array().unwrap();
        assert_eq!(analyses.len(), 1);
        assert_eq!(analyses[0]["listing_id"], json!(active.id));
        assert_ne!(analyses[0]["listing_id"], json!(lonely.id));
        let a: CompetitorAnalysisAnswer = serde_json::from_value(analyses[0]["analysis"].clone()).unwrap();
        assert_eq!(a.advantages, vec!["dishwasher".to_string()]);
        assert_eq!(a.gaps, vec!["gym".to_string()]);
        assert!(a.reasoning.contains("Days on market: 9."), "{}", a.reasoning);
        assert_eq!(store.listing(active.id).unwrap().competitor_analysis, analyses[0]["analysis"]);
        assert_eq!(store.listing(draft.id).unwrap().competitor_analysis, json!({}));

        // The asking rent changes: the competitors' stored figures follow on the next run.
        let mut l = store.listing(active.id).unwrap();
        l.asking_rent = rent + Decimal::from(100);
        store.write_listings(&ListingWrite { listings: vec![l.clone()], ..Default::default() }, now).unwrap();
        let r = competitor_scan_job(&mut store, &gateway, today, now).unwrap();
        assert_eq!(r.counts["competitors_refreshed"], 2, "{}", r.counts);
        let stored: Vec<CompetingListing> =
            store.competing_listings().unwrap().into_iter().filter(|c| c.listing_id == active.id).collect();
        for c in &stored {
            assert_eq!(c.price_diff_pct, analysis::price_diff_pct(l.asking_rent, c.competitor_rent));
        }
        let r = competitor_scan_job(&mut store, &gateway, today, now).unwrap();
        assert_eq!(r.counts["competitors_refreshed"], 0);

        // One listing on demand (the endpoint's call), and the same answer as the job's.
        let one = analyse_listing(&mut store, &gateway, active.id, now).unwrap();
        assert_eq!(json!(one), r.counts["analyses"][0]["analysis"]);
        let none = analyse_listing(&mut store, &gateway, lonely.id, now).unwrap();
        assert!(none.reasoning.contains("no competitors to compare with"));
        assert_eq!(store.listing(lonely.id).unwrap().competitor_analysis, json!(none));
    }

    #[test]
    fn a_scan_with_no_listing_to_analyse_is_skipped() {
        let (mut store, _) = replica();
        let gateway = crate::ai::Gateway::offline("test".into());
        let now = at("2026-12-07T03:00:00Z");
        let r = competitor_scan_job(&mut store, &gateway, now.date_naive(), now).unwrap();
        assert!(r.skipped);
        assert_eq!(r.counts["listings"], 0);
    }
}
