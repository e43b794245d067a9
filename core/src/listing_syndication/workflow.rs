//! One workflow per syndication action, over [`ListingPort`]: a listing created from the unit
//! record (optionally naming the staging project its photos came from), published to
//! platforms through a [`ListingPublisher`], delisted, its content optimized per platform, a
//! lead added (scored) and answered (the reply queued in the outbox), analytics recorded, a
//! competitor added, a price check; and the three jobs (analytics every 6 hours, auto-delist
//! every 30 minutes, the 08:00 stale check).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::analysis::{self, PriceCheck, SyndicationStats};
use super::edit::PhotoEdit;
use super::model::{
    analytics_id, platform_id, CompetingListing, Listing, ListingAnalytics, ListingLead, ListingPlatform,
    LEAD_STATUSES, PLATFORMS,
};
use super::optimize::{self, ListingOptimization, OptimizeInput, Optimized};
use super::port::{ListingPort, ListingWrite};
use super::publisher::ListingPublisher;
use super::scoring::{self, LeadFacts, LeadInput, LeadQualification, ListingFacts};
use crate::model::{LeaseStatus, Unit, UnitStatus};
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::store::{Result, StoreError};

/// The `entity` a queued listing action names.
pub const ENTITY: &str = "listing";

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

fn today_of<P: ListingPort + ?Sized>(port: &P, property: Uuid, now: DateTime<Utc>) -> NaiveDate {
    crate::time::today_at(port, property, now).unwrap_or(now.date_naive())
}

/// A listing in scope (`NotFound` otherwise).
pub fn listing<P: ListingPort + ?Sized>(port: &P, id: Uuid) -> Result<Listing> {
    let l = port.listing(id)?;
    in_scope(port, l.property_id, "Listing", id)?;
    Ok(l)
}

/// What a new listing is made from: the unit, and what the manager overrides.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewListing {
    pub unit_id: Uuid,
    /// Default: the unit's market rent (the pricing engine's), else its current rent.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<String>)]
    pub asking_rent: Option<Decimal>,
    /// Default: drafted from the unit record.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// `[{"url", "caption", "order", "virtually_staged"}]`.
    #[serde(default)]
    #[schema(value_type = Option<Vec<Object>>)]
    #[specta(type = Option<Vec<std::collections::BTreeMap<String, String>>>)]
    pub photos: Option<Value>,
    #[serde(default)]
    pub amenities: Vec<String>,
    #[serde(default)]
    pub pet_policy: String,
    #[serde(default)]
    pub parking: String,
    #[serde(default)]
    pub turnover_case_id: Option<Uuid>,
    /// The virtual-staging project the photos came from.
    #[serde(default)]
    pub staging_project_id: Option<Uuid>,
}

fn check_photos(v: &Value) -> Result<()> {
    let Some(items) = v.as_array() else { return Err(refused("photos: must be a list of {\"url\", \"caption\"}.")) };
    for (i, p) in items.iter().enumerate() {
        let url = p.get("url").and_then(Value::as_str).map(str::trim).unwrap_or("");
        if url.is_empty() {
            return Err(refused(format!("photos[{i}]: a photo needs a \"url\".")));
        }
    }
    Ok(())
}

fn baths(d: Decimal) -> String {
    d.normalize().to_string()
}

/// The drafted title and description: from the unit record only.
pub fn draft_text(
    unit: &Unit,
    property: &crate::model::Property,
    rent: Decimal,
    amenities: &[String],
) -> (String, String) {
    let rooms = if unit.bedrooms == 0 { "Studio".to_string() } else { format!("{} Bed", unit.bedrooms) };
    let title = format!("{rooms} {} Bath at {} – Unit {}", baths(unit.bathrooms), property.name, unit.unit_number);
    let mut description = format!(
        "{}-bedroom, {}-bathroom home of {} sq ft at {}, {}. Rent {}/month.",
        unit.bedrooms,
        baths(unit.bathrooms),
        unit.square_feet,
        property.address,
        property.city,
        crate::format::money(rent)
    );
    if !amenities.is_empty() {
        let list: Vec<String> = amenities.iter().map(|a| optimize::amenity_keyword(a)).collect();
        description.push_str(&format!(" Amenities: {}.", list.join(", ")));
    }
    (optimize::trim_to(&title, 200), description)
}

/// Creates a draft listing for a unit.
pub fn create<P: ListingPort>(port: &mut P, id: Uuid, new: NewListing, now: DateTime<Utc>) -> Result<Listing> {
    let unit = port.unit(new.unit_id)?;
    in_scope(port, unit.property_id, "Unit", unit.id)?;
    if unit.archived_at.is_some() {
        return Err(refused(format!("Unit {} is archived.", unit.unit_number)));
    }
    // Refused here as at publishing: a draft for a leased unit could never go out.
    if let Some(lease) = leased(port, unit.id)? {
        return Err(refused(format!(
            "Unit {} has an active lease ({}); a listing is for a vacant unit or one under notice.",
            unit.unit_number, lease.lease_number
        )));
    }
    let property = port.property(unit.property_id)?;
    let rent = match new.asking_rent {
        Some(r) if r <= Decimal::ZERO => return Err(refused("asking_rent: must be more than 0.")),
        Some(r) => r.round_dp(2),
        None if unit.market_rent > Decimal::ZERO => unit.market_rent,
        None if unit.current_rent > Decimal::ZERO => unit.current_rent,
        None => return Err(refused("asking_rent: the unit has no market or current rent; give one.")),
    };
    let photos = new.photos.unwrap_or_else(|| json!([]));
    check_photos(&photos)?;
    let amenities: Vec<String> = new.amenities.iter().map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
    let (title, description) = draft_text(&unit, &property, rent, &amenities);
    let title = new.title.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).unwrap_or(title);
    if title.chars().count() > super::edit::MAX_TITLE {
        return Err(refused(format!("title: at most {} characters.", super::edit::MAX_TITLE)));
    }
    let l = Listing {
        id,
        unit_id: unit.id,
        property_id: unit.property_id,
        turnover_case_id: new.turnover_case_id,
        staging_project_id: new.staging_project_id,
        status: "draft".into(),
        asking_rent: rent,
        title,
        description: new.description.map(|d| d.trim().to_string()).filter(|d| !d.is_empty()).unwrap_or(description),
        photos,
        amenities,
        pet_policy: new.pet_policy.trim().to_string(),
        parking: new.parking.trim().to_string(),
        published_at: None,
        delisted_at: None,
        total_views: 0,
        total_inquiries: 0,
        days_on_market: 0,
        is_stale: false,
        last_price_check: json!({}),
        competitor_analysis: json!({}),
        created_at: now,
        updated_at: now,
    };
    port.write_listings(&ListingWrite { listings: vec![l.clone()], ..Default::default() }, now)?;
    Ok(l)
}

/// A listing with its platform statuses (the spec's detail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ListingDetail {
    #[serde(flatten)]
    pub listing: Listing,
    pub platforms: Vec<ListingPlatform>,
    pub lead_count: i64,
}

pub fn detail<P: ListingPort + ?Sized>(port: &P, id: Uuid) -> Result<ListingDetail> {
    let listing = listing(port, id)?;
    Ok(ListingDetail {
        platforms: platforms_of(port, id)?,
        lead_count: port.listing_leads()?.iter().filter(|l| l.listing_id == id).count() as i64,
        listing,
    })
}

pub fn platforms_of<P: ListingPort + ?Sized>(port: &P, id: Uuid) -> Result<Vec<ListingPlatform>> {
    let mut rows: Vec<ListingPlatform> = port.listing_platforms()?.into_iter().filter(|p| p.listing_id == id).collect();
    rows.sort_by_key(|p| PLATFORMS.iter().position(|n| *n == p.platform_name).unwrap_or(PLATFORMS.len()));
    Ok(rows)
}

/// One platform in the publish answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PlatformStatus {
    pub platform_name: String,
    pub syndication_status: String,
    pub platform_listing_url: Option<String>,
    /// Why it failed (absent unless it did).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The publish answer (the spec's example shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PublishOutcome {
    pub id: Uuid,
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub platforms: Vec<PlatformStatus>,
}

fn status_of(p: &ListingPlatform) -> PlatformStatus {
    PlatformStatus {
        platform_name: p.platform_name.clone(),
        syndication_status: p.syndication_status.clone(),
        platform_listing_url: p.platform_listing_url.clone(),
        error: (!p.last_error.is_empty()).then(|| p.last_error.clone()),
    }
}

/// The unit's lease that makes it leased (active or month to month), if any.
pub fn leased<P: ListingPort + ?Sized>(port: &P, unit_id: Uuid) -> Result<Option<crate::model::Lease>> {
    Ok(port
        .leases_of_unit(unit_id)?
        .into_iter()
        .find(|l| matches!(l.lease_status, LeaseStatus::Active | LeaseStatus::MonthToMonth)))
}

/// Checks a platform list: known names, at least one, no repeats (order kept).
pub fn parse_platforms(names: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let n = n.trim().to_lowercase();
        if !PLATFORMS.contains(&n.as_str()) {
            return Err(refused(format!("platforms: '{n}' is not one of: {}.", PLATFORMS.join(", "))));
        }
        if !out.contains(&n) {
            out.push(n);
        }
    }
    if out.is_empty() {
        return Err(refused("platforms: name at least one platform."));
    }
    Ok(out)
}

fn optimize_input<P: ListingPort + ?Sized>(port: &P, l: &Listing, platform: &str) -> Result<OptimizeInput> {
    let unit = port.unit(l.unit_id)?;
    let property = port.property(l.property_id)?;
    Ok(OptimizeInput {
        platform_name: platform.into(),
        title: l.title.clone(),
        description: l.description.clone(),
        rent: l.asking_rent,
        bedrooms: unit.bedrooms,
        bathrooms: unit.bathrooms,
        sqft: unit.square_feet,
        amenities: l.amenities.clone(),
        pet_policy: l.pet_policy.clone(),
        neighborhood: property.city.clone(),
        vacant: unit.status == UnitStatus::Vacant,
    })
}

fn content(o: &Optimized, platform: &str, provider: &str) -> Value {
    let l = optimize::limits(platform).copied().unwrap_or(optimize::LIMITS[0]);
    json!({
        "title": o.optimized_title,
        "description": o.optimized_description,
        "char_limit": l.description_char_limit,
        "title_char_limit": l.title_char_limit,
        "keywords_used": o.keywords_used,
        "seo_score": o.seo_score,
        "provider": provider,
    })
}

/// Publishes a listing to `platforms`: each gets its content (the optimized content already
/// stored, else the offline optimizer's) and goes through `publisher`; the listing becomes
/// active. Refused for a unit that has an active lease.
pub fn publish<P: ListingPort>(
    port: &mut P,
    publisher: &dyn ListingPublisher,
    id: Uuid,
    platforms: &[String],
    now: DateTime<Utc>,
) -> Result<PublishOutcome> {
    let mut l = listing(port, id)?;
    let names = parse_platforms(platforms)?;
    if let Some(lease) = leased(port, l.unit_id)? {
        return Err(refused(format!("The unit has an active lease ({}); it cannot be listed.", lease.lease_number)));
    }
    let unit = port.unit(l.unit_id)?;
    let existing = platforms_of(port, id)?;
    if l.status != "active" {
        l.status = "active".into();
        l.delisted_at = None;
        l.published_at = Some(now);
    }
    l.updated_at = now;
    let mut w = ListingWrite::default();
    for name in &names {
        let mut row = existing.iter().find(|p| &p.platform_name == name).cloned().unwrap_or_else(|| ListingPlatform {
            id: platform_id(id, name),
            listing_id: id,
            property_id: l.property_id,
            platform_name: name.clone(),
            platform_listing_url: None,
            syndication_status: "pending".into(),
            platform_specific_content: json!({}),
            last_error: String::new(),
            last_synced_at: None,
            created_at: now,
        });
        if row.platform_specific_content.get("title").is_none() {
            let o = optimize::offline(&optimize_input(port, &l, name)?);
            row.platform_specific_content = content(&o, name, "offline");
        }
        match publisher.publish(name, &l, &unit, &row.platform_specific_content) {
            Ok(p) => {
                row.syndication_status = p.status;
                row.platform_listing_url = p.url;
                row.last_error = String::new();
            }
            Err(e) => {
                row.syndication_status = "failed".into();
                row.last_error = e.to_string();
            }
        }
        row.platform_specific_content["channel"] = json!(publisher.channel(name));
        row.last_synced_at = Some(now);
        w.platforms.push(row);
    }
    w.listings.push(l.clone());
    port.write_listings(&w, now)?;
    Ok(PublishOutcome {
        id,
        status: l.status,
        published_at: l.published_at,
        platforms: w.platforms.iter().map(status_of).collect(),
    })
}

fn delist_rows(
    port: &impl ListingPort,
    publisher: &dyn ListingPublisher,
    l: &mut Listing,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<ListingPlatform>> {
    let mut rows = platforms_of(port, l.id)?;
    for row in rows.iter_mut().filter(|r| r.syndication_status != "delisted") {
        match publisher.delist(&row.platform_name, l) {
            Ok(()) => {
                row.syndication_status = "delisted".into();
                row.last_error = String::new();
            }
            Err(e) => {
                row.syndication_status = "failed".into();
                row.last_error = format!("delist: {e}");
            }
        }
        row.last_synced_at = Some(now);
    }
    l.days_on_market = analysis::days_on_market(l, today);
    l.status = "delisted".into();
    l.delisted_at = Some(now);
    l.is_stale = false;
    l.updated_at = now;
    Ok(rows)
}

/// Delists a listing from every platform at once (the feed drops it: only active listings are
/// in it).
pub fn delist<P: ListingPort>(
    port: &mut P,
    publisher: &dyn ListingPublisher,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<PublishOutcome> {
    let mut l = listing(port, id)?;
    if l.status == "delisted" {
        return Err(refused("The listing is already delisted."));
    }
    let today = today_of(port, l.property_id, now);
    let rows = delist_rows(port, publisher, &mut l, today, now)?;
    port.write_listings(
        &ListingWrite { listings: vec![l.clone()], platforms: rows.clone(), ..Default::default() },
        now,
    )?;
    Ok(PublishOutcome {
        id,
        status: l.status,
        published_at: l.published_at,
        platforms: rows.iter().map(status_of).collect(),
    })
}

/// Edits a listing's title, description and photo order and captions (checked by
/// [`super::edit::edited`]). Refused for a unit that has an active lease. When the text changes,
/// the content stored for each of its platforms becomes the person's own words cut to that
/// platform's limits (provider `edited`), so the next push carries what they wrote; `optimize`
/// rewrites it per platform again when wanted.
pub fn edit<P: ListingPort>(
    port: &mut P,
    id: Uuid,
    title: &str,
    description: &str,
    photos: &[PhotoEdit],
    now: DateTime<Utc>,
) -> Result<Listing> {
    let l = listing(port, id)?;
    if let Some(lease) = leased(port, l.unit_id)? {
        return Err(refused(format!(
            "The unit has an active lease ({}); its listing cannot be edited.",
            lease.lease_number
        )));
    }
    let mut e = super::edit::edited(&l, title, description, photos).map_err(refused)?;
    e.updated_at = now;
    let mut w = ListingWrite::default();
    if (e.title.as_str(), e.description.as_str()) != (l.title.as_str(), l.description.as_str()) {
        for mut row in platforms_of(port, id)? {
            let channel = row.platform_specific_content.get("channel").cloned();
            let lim = optimize::limits(&row.platform_name).copied().unwrap_or(optimize::LIMITS[0]);
            let own = Optimized {
                optimized_title: optimize::trim_to(&e.title, lim.title_char_limit),
                optimized_description: optimize::trim_to(&e.description, lim.description_char_limit),
                keywords_used: Vec::new(),
                seo_score: 0,
            };
            row.platform_specific_content = content(&own, &row.platform_name, "edited");
            if let Some(c) = channel {
                row.platform_specific_content["channel"] = c;
            }
            w.platforms.push(row);
        }
    }
    w.listings.push(e.clone());
    port.write_listings(&w, now)?;
    Ok(e)
}

/// One platform's optimized content.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PlatformContent {
    pub platform_name: String,
    #[serde(flatten)]
    pub optimized: Optimized,
    pub title_char_limit: i32,
    pub description_char_limit: i32,
    /// `offline` (the rules) or the model.
    pub provider: String,
}

/// The optimize answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct OptimizeOutcome {
    pub id: Uuid,
    pub platforms: Vec<PlatformContent>,
}

/// Re-optimizes the title and description for each platform of the listing (every platform
/// when it is on none yet); the content of the platforms it is on is stored for the next push.
/// A model's answer is trimmed to the limits again here.
pub fn optimize<P: ListingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<OptimizeOutcome> {
    let l = listing(port, id)?;
    let mut rows = platforms_of(port, id)?;
    let names: Vec<String> = if rows.is_empty() {
        PLATFORMS.iter().map(|p| p.to_string()).collect()
    } else {
        rows.iter().map(|r| r.platform_name.clone()).collect()
    };
    let mut out = Vec::new();
    for name in names {
        let input = optimize_input(port, &l, &name)?;
        let answer = gateway
            .run::<ListingOptimization>(&input, port, now)
            .map_err(|e| refused(format!("The listing could not be optimized: {e}")))?;
        let lim = optimize::limits(&name).copied().unwrap_or(optimize::LIMITS[0]);
        let mut o = answer.value;
        o.optimized_title = optimize::trim_to(&o.optimized_title, lim.title_char_limit);
        o.optimized_description = optimize::trim_to(&o.optimized_description, lim.description_char_limit);
        o.seo_score = o.seo_score.clamp(0, 100);
        let provider = answer.provider.as_str().to_string();
        if let Some(row) = rows.iter_mut().find(|r| r.platform_name == name) {
            let channel = row.platform_specific_content.get("channel").cloned();
            row.platform_specific_content = content(&o, &name, &provider);
            if let Some(c) = channel {
                row.platform_specific_content["channel"] = c;
            }
        }
        out.push(PlatformContent {
            platform_name: name,
            optimized: o,
            title_char_limit: lim.title_char_limit as i32,
            description_char_limit: lim.description_char_limit as i32,
            provider,
        });
    }
    if !rows.is_empty() {
        port.write_listings(&ListingWrite { platforms: rows, ..Default::default() }, now)?;
    }
    Ok(OptimizeOutcome { id, platforms: out })
}

/// An inbound lead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewLead {
    pub listing_id: Uuid,
    pub source_platform: String,
    pub prospect_name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub message: String,
    #[serde(default)]
    pub move_in_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<String>)]
    pub stated_income: Option<Decimal>,
}

fn listing_facts<P: ListingPort + ?Sized>(port: &P, l: &Listing) -> Result<ListingFacts> {
    let unit = port.unit(l.unit_id)?;
    Ok(ListingFacts {
        title: l.title.clone(),
        rent: l.asking_rent,
        bedrooms: unit.bedrooms,
        bathrooms: unit.bathrooms,
        available: if unit.status == UnitStatus::Vacant { "now".into() } else { String::new() },
        pet_policy: l.pet_policy.clone(),
    })
}

/// Adds a lead to a listing and scores it (the model's factors when one answers, the offline
/// rules otherwise; the weights always applied here).
pub fn add_lead<P: ListingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    id: Uuid,
    new: NewLead,
    now: DateTime<Utc>,
) -> Result<ListingLead> {
    let mut l = listing(port, new.listing_id)?;
    let name = new.prospect_name.trim().to_string();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(refused("prospect_name: required, at most 200 characters."));
    }
    let source = new.source_platform.trim().to_lowercase();
    if source.is_empty() || source.chars().count() > 30 {
        return Err(refused("source_platform: required, at most 30 characters."));
    }
    let (email, phone) = (new.email.trim().to_string(), new.phone.trim().to_string());
    if email.is_empty() && phone.is_empty() {
        return Err(refused("A lead needs an email or a phone."));
    }
    if !email.is_empty() && (!email.contains('@') || email.contains(char::is_whitespace)) {
        return Err(refused(format!("email: '{email}' is not an email address.")));
    }
    if phone.chars().count() > 20 {
        return Err(refused("phone: at most 20 characters."));
    }
    if new.stated_income.is_some_and(|i| i < Decimal::ZERO) {
        return Err(refused("stated_income: cannot be negative."));
    }
    let today = today_of(port, l.property_id, now);
    let input = LeadInput {
        lead: LeadFacts {
            prospect_name: name.clone(),
            email: email.clone(),
            phone: phone.clone(),
            message: new.message.trim().to_string(),
            move_in_date: new.move_in_date,
            stated_income: new.stated_income,
            rent: l.asking_rent,
            today,
        },
        platform: source.clone(),
        listing: listing_facts(port, &l)?,
    };
    let (answer, provider) = match gateway.run::<LeadQualification>(&input, port, now) {
        Ok(out) => (out.value, out.provider.as_str().to_string()),
        Err(_) => (scoring::offline_answer(&input), "offline".into()),
    };
    let factors = scoring::normalized(answer.factors);
    let score = scoring::score(&factors);
    let lead = ListingLead {
        id,
        listing_id: l.id,
        property_id: l.property_id,
        source_platform: source,
        prospect_name: name,
        email,
        phone,
        message: input.lead.message.clone(),
        move_in_date: new.move_in_date,
        stated_income: new.stated_income.map(|i| i.round_dp(2)),
        lead_score: score,
        lead_grade: scoring::grade(score).into(),
        qualification_factors: factors,
        status: "new".into(),
        ai_suggested_response: answer.suggested_response,
        scored_by: provider,
        created_at: now,
        updated_at: now,
    };
    let mut leads = port.listing_leads()?;
    leads.push(lead.clone());
    refresh_totals(port, &mut l, &leads, today)?;
    l.updated_at = now;
    port.write_listings(&ListingWrite { listings: vec![l], leads: vec![lead.clone()], ..Default::default() }, now)?;
    Ok(lead)
}

/// A listing's totals from its analytics rows and leads: views = Σ views; inquiries = the
/// larger of Σ inquiries and the leads received; days on market as of `today`.
fn refresh_totals<P: ListingPort + ?Sized>(
    port: &P,
    l: &mut Listing,
    leads: &[ListingLead],
    today: NaiveDate,
) -> Result<()> {
    let rows: Vec<ListingAnalytics> = port.listing_analytics()?.into_iter().filter(|a| a.listing_id == l.id).collect();
    l.total_views = rows.iter().map(|a| a.views).sum();
    let inquiries: i32 = rows.iter().map(|a| a.inquiries).sum();
    let lead_count = leads.iter().filter(|x| x.listing_id == l.id).count() as i32;
    l.total_inquiries = inquiries.max(lead_count);
    l.days_on_market = analysis::days_on_market(l, today);
    Ok(())
}

/// How to answer a lead.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RespondBody {
    /// `email` or `sms`; default email when the lead gave one, else SMS.
    #[serde(default)]
    pub channel: Option<String>,
    /// The exact text; default the lead's suggested response.
    #[serde(default)]
    pub message: Option<String>,
}

/// What was queued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct RespondOutcome {
    pub lead: ListingLead,
    pub channel: String,
    pub recipient: String,
    /// The exact text queued.
    pub message: String,
    pub queued: bool,
}

/// What [`respond`] would send: (channel, recipient, text), checked.
pub fn response_plan(lead: &ListingLead, body: &RespondBody) -> Result<(DeliveryChannel, String, String)> {
    let channel = match body.channel.as_deref().map(str::trim) {
        Some("email") => DeliveryChannel::Email,
        Some("sms") => DeliveryChannel::Sms,
        Some(other) => return Err(refused(format!("channel: '{other}' is not email or sms."))),
        None if !lead.email.is_empty() => DeliveryChannel::Email,
        None => DeliveryChannel::Sms,
    };
    let recipient = match channel {
        DeliveryChannel::Sms => lead.phone.clone(),
        _ => lead.email.clone(),
    };
    if recipient.is_empty() {
        return Err(refused(format!(
            "The lead gave no {}.",
            if channel == DeliveryChannel::Sms { "phone" } else { "email" }
        )));
    }
    let text = body.message.clone().unwrap_or_else(|| lead.ai_suggested_response.clone()).trim().to_string();
    if text.is_empty() {
        return Err(refused("message: nothing to send."));
    }
    Ok((channel, recipient, text))
}

/// Queues the reply to a lead (email or SMS, the exact text) and marks a new lead contacted.
pub fn respond<P: ListingPort>(
    port: &mut P,
    lead_id: Uuid,
    body: &RespondBody,
    now: DateTime<Utc>,
) -> Result<RespondOutcome> {
    let mut lead = port.listing_lead(lead_id)?;
    in_scope(port, lead.property_id, "Lead", lead_id)?;
    let l = port.listing(lead.listing_id)?;
    let (channel, recipient, text) = response_plan(&lead, body)?;
    let msg = NewMessage {
        idempotency_key: format!("listing_lead:{lead_id}:respond:{}", now.timestamp_millis()),
        channel,
        recipient_name: lead.prospect_name.clone(),
        recipient: recipient.clone(),
        subject: format!("Re: {}", l.title),
        body: text.clone(),
        attachment_sha256: None,
        attachment_name: None,
        related_type: "listing_lead".into(),
        related_id: Some(lead_id),
        scheduled_for: now,
    };
    if lead.status == "new" {
        lead.status = "contacted".into();
    }
    lead.updated_at = now;
    port.write_listings(&ListingWrite { leads: vec![lead.clone()], outbox: vec![msg], ..Default::default() }, now)?;
    Ok(RespondOutcome {
        lead,
        channel: if channel == DeliveryChannel::Sms { "sms".into() } else { "email".into() },
        recipient,
        message: text,
        queued: true,
    })
}

/// Sets a lead's status (one of the spec's).
pub fn set_lead_status<P: ListingPort>(
    port: &mut P,
    lead_id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<ListingLead> {
    if !LEAD_STATUSES.contains(&status) {
        return Err(refused(format!("status: '{status}' is not one of: {}.", LEAD_STATUSES.join(", "))));
    }
    let mut lead = port.listing_lead(lead_id)?;
    in_scope(port, lead.property_id, "Lead", lead_id)?;
    lead.status = status.into();
    lead.updated_at = now;
    port.write_listings(&ListingWrite { leads: vec![lead.clone()], ..Default::default() }, now)?;
    Ok(lead)
}

/// One day's counts on one platform.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AnalyticsInput {
    pub platform_name: String,
    pub date: NaiveDate,
    #[serde(default)]
    pub views: i32,
    #[serde(default)]
    pub inquiries: i32,
    #[serde(default)]
    pub favorites: i32,
    #[serde(default)]
    pub applications: i32,
}

/// Records (or replaces) a day's counts for a platform the listing is on;
/// `conversion_rate = inquiries / views`.
pub fn record_analytics<P: ListingPort>(
    port: &mut P,
    listing_id: Uuid,
    input: &AnalyticsInput,
    now: DateTime<Utc>,
) -> Result<ListingAnalytics> {
    let mut l = listing(port, listing_id)?;
    let row = platforms_of(port, listing_id)?
        .into_iter()
        .find(|p| p.platform_name == input.platform_name)
        .ok_or_else(|| refused(format!("The listing is not on {}.", input.platform_name)))?;
    if [input.views, input.inquiries, input.favorites, input.applications].iter().any(|n| *n < 0) {
        return Err(refused("Counts cannot be negative."));
    }
    let a = ListingAnalytics {
        id: analytics_id(row.id, input.date),
        listing_id,
        platform_id: row.id,
        property_id: l.property_id,
        date: input.date,
        views: input.views,
        inquiries: input.inquiries,
        favorites: input.favorites,
        applications: input.applications,
        conversion_rate: conversion(input.inquiries, input.views),
    };
    let mut rows: Vec<ListingAnalytics> = port.listing_analytics()?;
    rows.retain(|r| r.id != a.id);
    rows.push(a.clone());
    let leads = port.listing_leads()?;
    l.total_views = rows.iter().filter(|r| r.listing_id == listing_id).map(|r| r.views).sum();
    let inquiries: i32 = rows.iter().filter(|r| r.listing_id == listing_id).map(|r| r.inquiries).sum();
    l.total_inquiries = inquiries.max(leads.iter().filter(|x| x.listing_id == listing_id).count() as i32);
    l.updated_at = now;
    port.write_listings(&ListingWrite { listings: vec![l], analytics: vec![a.clone()], ..Default::default() }, now)?;
    Ok(a)
}

pub fn conversion(inquiries: i32, views: i32) -> f64 {
    if views > 0 {
        (f64::from(inquiries) / f64::from(views) * 10_000.0).round() / 10_000.0
    } else {
        0.0
    }
}

/// One platform's totals over a date range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PlatformTotals {
    pub platform_name: String,
    pub syndication_status: String,
    pub views: i64,
    pub inquiries: i64,
    pub favorites: i64,
    pub applications: i64,
    pub conversion_rate: f64,
    /// Leads received from the platform in the range.
    pub leads: i64,
}

/// A day's row with its platform's name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DailyRow {
    pub platform_name: String,
    #[serde(flatten)]
    pub row: ListingAnalytics,
}

/// The analytics answer: by platform and by day over `[from, to]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AnalyticsReport {
    pub listing_id: Uuid,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub total_views: i64,
    pub total_inquiries: i64,
    pub conversion_rate: f64,
    pub days_on_market: i32,
    pub platforms: Vec<PlatformTotals>,
    pub daily: Vec<DailyRow>,
}

pub fn analytics<P: ListingPort + ?Sized>(
    port: &P,
    id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    now: DateTime<Utc>,
) -> Result<AnalyticsReport> {
    let l = listing(port, id)?;
    if let (Some(f), Some(t)) = (from, to) {
        if f > t {
            return Err(refused("from: must not be after to."));
        }
    }
    let inside = |d: NaiveDate| from.is_none_or(|f| d >= f) && to.is_none_or(|t| d <= t);
    let platforms = platforms_of(port, id)?;
    let rows: Vec<ListingAnalytics> =
        port.listing_analytics()?.into_iter().filter(|a| a.listing_id == id && inside(a.date)).collect();
    let leads: Vec<ListingLead> =
        port.listing_leads()?.into_iter().filter(|x| x.listing_id == id && inside(x.created_at.date_naive())).collect();
    let name_of =
        |pid: Uuid| platforms.iter().find(|p| p.id == pid).map(|p| p.platform_name.clone()).unwrap_or_default();
    let totals: Vec<PlatformTotals> = platforms
        .iter()
        .map(|p| {
            let mine: Vec<&ListingAnalytics> = rows.iter().filter(|a| a.platform_id == p.id).collect();
            let sum = |f: fn(&ListingAnalytics) -> i32| mine.iter().map(|a| i64::from(f(a))).sum::<i64>();
            let (views, inquiries) = (sum(|a| a.views), sum(|a| a.inquiries));
            PlatformTotals {
                platform_name: p.platform_name.clone(),
                syndication_status: p.syndication_status.clone(),
                views,
                inquiries,
                favorites: sum(|a| a.favorites),
                applications: sum(|a| a.applications),
                conversion_rate: conversion(inquiries as i32, views as i32),
                leads: leads.iter().filter(|x| x.source_platform == p.platform_name).count() as i64,
            }
        })
        .collect();
    let views: i64 = totals.iter().map(|t| t.views).sum();
    let inquiries: i64 = totals.iter().map(|t| t.inquiries).sum();
    let mut daily: Vec<DailyRow> =
        rows.into_iter().map(|row| DailyRow { platform_name: name_of(row.platform_id), row }).collect();
    daily.sort_by(|a, b| b.row.date.cmp(&a.row.date).then(a.platform_name.cmp(&b.platform_name)));
    Ok(AnalyticsReport {
        listing_id: id,
        from,
        to,
        total_views: views,
        total_inquiries: inquiries,
        conversion_rate: conversion(inquiries as i32, views as i32),
        days_on_market: analysis::days_on_market(&l, today_of(port, l.property_id, now)),
        platforms: totals,
        daily,
    })
}

/// A competing listing to price against.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewCompetitor {
    pub competitor_address: String,
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub competitor_rent: Decimal,
    pub competitor_bedrooms: i32,
    #[serde(default)]
    pub competitor_sqft: Option<i32>,
    #[serde(default)]
    pub competitor_amenities: Vec<String>,
}

pub fn add_competitor<P: ListingPort>(
    port: &mut P,
    listing_id: Uuid,
    id: Uuid,
    new: &NewCompetitor,
    now: DateTime<Utc>,
) -> Result<CompetingListing> {
    let l = listing(port, listing_id)?;
    let address = new.competitor_address.trim().to_string();
    if address.is_empty() || address.chars().count() > 300 {
        return Err(refused("competitor_address: required, at most 300 characters."));
    }
    if new.competitor_rent <= Decimal::ZERO {
        return Err(refused("competitor_rent: must be more than 0."));
    }
    if !(0..=20).contains(&new.competitor_bedrooms) || new.competitor_sqft.is_some_and(|s| s <= 0) {
        return Err(refused("competitor_bedrooms: 0–20; competitor_sqft: more than 0."));
    }
    let c = CompetingListing {
        id,
        listing_id,
        property_id: l.property_id,
        competitor_address: address,
        competitor_rent: new.competitor_rent.round_dp(2),
        competitor_bedrooms: new.competitor_bedrooms,
        competitor_sqft: new.competitor_sqft,
        competitor_amenities: new.competitor_amenities.clone(),
        price_diff_pct: analysis::price_diff_pct(l.asking_rent, new.competitor_rent),
        feature_advantages: analysis::feature_advantages(&l.amenities, &new.competitor_amenities),
        scraped_at: now,
    };
    port.write_listings(&ListingWrite { competitors: vec![c.clone()], ..Default::default() }, now)?;
    Ok(c)
}

/// A listing's competitors, the cheapest relative to us first (price diff recomputed against
/// the current asking rent).
pub fn competitors<P: ListingPort + ?Sized>(port: &P, listing_id: Uuid) -> Result<Vec<CompetingListing>> {
    let l = listing(port, listing_id)?;
    let mut out: Vec<CompetingListing> = port
        .competing_listings()?
        .into_iter()
        .filter(|c| c.listing_id == listing_id)
        .map(|mut c| {
            c.price_diff_pct = analysis::price_diff_pct(l.asking_rent, c.competitor_rent);
            c.feature_advantages = analysis::feature_advantages(&l.amenities, &c.competitor_amenities);
            c
        })
        .collect();
    out.sort_by(|a, b| a.price_diff_pct.total_cmp(&b.price_diff_pct).then(a.id.cmp(&b.id)));
    Ok(out)
}

/// The views percentile of `l` among the other active listings in scope.
pub fn percentile_of(l: &Listing, all: &[Listing]) -> i32 {
    let peers: Vec<i32> = all.iter().filter(|o| o.status == "active" && o.id != l.id).map(|o| o.total_views).collect();
    analysis::view_percentile(l.total_views, &peers)
}

fn check_of<P: ListingPort + ?Sized>(port: &P, l: &Listing, all: &[Listing], today: NaiveDate) -> Result<PriceCheck> {
    let unit = port.unit(l.unit_id)?;
    let comps = competitors(port, l.id)?;
    Ok(analysis::price_check(
        l.asking_rent,
        unit.bedrooms,
        unit.market_rent,
        &comps,
        analysis::days_on_market(l, today),
        percentile_of(l, all),
    ))
}

/// The price check of a listing (stored on it as `last_price_check`).
pub fn price_check<P: ListingPort>(port: &mut P, id: Uuid, now: DateTime<Utc>) -> Result<PriceCheck> {
    let mut l = listing(port, id)?;
    let today = today_of(port, l.property_id, now);
    let all = port.listings()?;
    let check = check_of(port, &l, &all, today)?;
    l.last_price_check = serde_json::to_value(&check).unwrap_or_default();
    l.days_on_market = check.days_on_market;
    l.updated_at = now;
    port.write_listings(&ListingWrite { listings: vec![l], ..Default::default() }, now)?;
    Ok(check)
}

pub fn stats<P: ListingPort + ?Sized>(port: &P, today: NaiveDate) -> Result<SyndicationStats> {
    Ok(analysis::stats(&port.listings()?, &port.listing_leads()?, today))
}

fn report(job: crate::jobs::Job, today: NaiveDate, summary: String, counts: Value) -> crate::jobs::JobReport {
    crate::jobs::JobReport::new(job, today, summary, counts)
}

/// Every 6 hours: the feed gives no counts back, so each listing's totals are recomputed from
/// its analytics rows and leads (views, inquiries) and its days on market brought up to date.
pub fn analytics_job<P: ListingPort>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let leads = port.listing_leads()?;
    let mut w = ListingWrite::default();
    for mut l in port.listings()?.into_iter().filter(|l| l.status != "draft") {
        let before = (l.total_views, l.total_inquiries, l.days_on_market);
        let local = today_of(port, l.property_id, now);
        refresh_totals(port, &mut l, &leads, local)?;
        if before != (l.total_views, l.total_inquiries, l.days_on_market) {
            l.updated_at = now;
            w.listings.push(l);
        }
    }
    let n = w.listings.len();
    port.write_listings(&w, now)?;
    Ok(report(
        crate::jobs::Job::ListingAnalytics,
        today,
        format!("{n} listing{} updated from analytics rows and leads", if n == 1 { "" } else { "s" }),
        json!({"updated": n}),
    ))
}

/// Every 30 minutes: an active (or paused) listing whose unit now has an active lease is
/// delisted from every platform.
pub fn auto_delist_job<P: ListingPort>(
    port: &mut P,
    publisher: &dyn ListingPublisher,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let mut w = ListingWrite::default();
    let mut delisted = Vec::new();
    for mut l in port.listings()?.into_iter().filter(|l| ["active", "paused"].contains(&l.status.as_str())) {
        if leased(port, l.unit_id)?.is_none() {
            continue;
        }
        let local = today_of(port, l.property_id, now);
        let rows = delist_rows(port, publisher, &mut l, local, now)?;
        delisted.push(l.id.to_string());
        w.platforms.extend(rows);
        w.listings.push(l);
    }
    port.write_listings(&w, now)?;
    let n = delisted.len();
    Ok(report(
        crate::jobs::Job::ListingAutoDelist,
        today,
        format!("{n} leased listing{} delisted", if n == 1 { "" } else { "s" }),
        json!({"delisted": n, "listings": delisted}),
    ))
}

/// Daily 08:00 UTC: an active listing on the market more than 14 days with views below the
/// 25th percentile is flagged stale and gets a price check (stored on it and in the report);
/// one that no longer is has its flag cleared.
pub fn stale_job<P: ListingPort>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<crate::jobs::JobReport> {
    let all = port.listings()?;
    let mut w = ListingWrite::default();
    let mut checks = Vec::new();
    for l in all.iter().filter(|l| l.status == "active") {
        let mut l = l.clone();
        let local = today_of(port, l.property_id, now);
        let dom = analysis::days_on_market(&l, local);
        let stale = analysis::is_stale(dom, percentile_of(&l, &all));
        if stale {
            let check = check_of(port, &l, &all, local)?;
            l.last_price_check = serde_json::to_value(&check).unwrap_or_default();
            checks.push(json!({"listing_id": l.id, "title": l.title, "price_check": check}));
        }
        if stale != l.is_stale || stale || dom != l.days_on_market {
            l.is_stale = stale;
            l.days_on_market = dom;
            l.updated_at = now;
            w.listings.push(l);
        }
    }
    port.write_listings(&w, now)?;
    let n = checks.len();
    Ok(report(
        crate::jobs::Job::ListingStale,
        today,
        format!("{n} stale listing{} flagged with a price check", if n == 1 { "" } else { "s" }),
        json!({"stale": n, "price_checks": checks}),
    ))
}

/// The feed entries of every active listing in scope.
pub fn feed_entries<P: ListingPort + ?Sized>(port: &P) -> Result<Vec<super::feed::FeedEntry>> {
    port.listings()?
        .into_iter()
        .filter(|l| l.status == "active")
        .map(|l| {
            Ok(super::feed::FeedEntry {
                unit: port.unit(l.unit_id)?,
                property: port.property(l.property_id)?,
                listing: l,
            })
        })
        .collect()
}

/// The MITS feed of the listings in scope.
pub fn feed<P: ListingPort + ?Sized>(port: &P, now: DateTime<Utc>) -> Result<String> {
    Ok(super::feed::mits_feed(&feed_entries(port)?, now))
}

/// Every listing in scope with the days on market of the active ones brought to the property's
/// today (what lists and screens show).
pub fn current<P: ListingPort + ?Sized>(port: &P, now: DateTime<Utc>) -> Result<Vec<Listing>> {
    let mut out = port.listings()?;
    for l in out.iter_mut().filter(|l| l.status == "active") {
        l.days_on_market = analysis::days_on_market(l, today_of(port, l.property_id, now));
    }
    Ok(out)
}

/// [`detail`] with the days on market brought up to date.
pub fn current_detail<P: ListingPort + ?Sized>(port: &P, id: Uuid, now: DateTime<Utc>) -> Result<ListingDetail> {
    let mut d = detail(port, id)?;
    if d.listing.status == "active" {
        d.listing.days_on_market = analysis::days_on_market(&d.listing, today_of(port, d.listing.property_id, now));
    }
    Ok(d)
}

/// A person's step on a listing, as the server applies it and a connected replica queues it.
/// The entity id is the listing's (for a reply, the lead's listing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ListingAction {
    Publish {
        platforms: Vec<String>,
    },
    Delist,
    PriceCheck,
    Respond {
        lead_id: Uuid,
        body: RespondBody,
    },
    /// The title, the description, and the listing's own photos in a new order with their
    /// captions (see [`super::edit`]).
    Edit {
        title: String,
        description: String,
        photos: Vec<PhotoEdit>,
    },
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum ListingOutcome {
    Published(PublishOutcome),
    PriceChecked(PriceCheck),
    Responded(Box<RespondOutcome>),
    Edited(Box<Listing>),
}

pub fn apply_action<P: ListingPort>(
    port: &mut P,
    publisher: &dyn ListingPublisher,
    id: Uuid,
    action: &ListingAction,
    now: DateTime<Utc>,
) -> Result<ListingOutcome> {
    Ok(match action {
        ListingAction::Publish { platforms } => {
            ListingOutcome::Published(publish(port, publisher, id, platforms, now)?)
        }
        ListingAction::Delist => ListingOutcome::Published(delist(port, publisher, id, now)?),
        ListingAction::PriceCheck => ListingOutcome::PriceChecked(price_check(port, id, now)?),
        ListingAction::Respond { lead_id, body } => {
            let lead = port.listing_lead(*lead_id)?;
            if lead.listing_id != id {
                return Err(StoreError::NotFound { what: "Lead", id: lead_id.to_string() });
            }
            ListingOutcome::Responded(Box::new(respond(port, *lead_id, body, now)?))
        }
        ListingAction::Edit { title, description, photos } => {
            ListingOutcome::Edited(Box::new(edit(port, id, title, description, photos, now)?))
        }
    })
}

/// Applies `action` on a replica: queued for the server when connected (which publishes and
/// sends; the replica's own rows go through the feed), in the transaction of its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    publisher: &dyn ListingPublisher,
    id: Uuid,
    action: &ListingAction,
    now: DateTime<Utc>,
) -> Result<ListingOutcome> {
    let json = serde_json::to_value(action).map_err(refused)?;
    let connected = crate::sync_actions::connected(store)?;
    let feed = super::publisher::FeedPublisher;
    let publisher: &dyn ListingPublisher = if connected { &feed } else { publisher };
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, publisher, id, action, now)
}
