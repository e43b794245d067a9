//! `/api/v1/listings/…` (spec 5.1): listings created, listed, read, published, delisted and
//! optimized; their analytics, competitors and price check; the unified lead inbox and replies
//! to leads; the portfolio stats; and the MITS feed (`feed.xml`) platforms ingest. Thin handlers
//! over `unitcycle_core::listing_syndication::workflow`. (`POST …/leads/{id}/schedule-tour/`
//! belongs to showings, 5.2.)

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use unitcycle_core::listing_syndication::analysis::{PriceCheck, SyndicationStats};
use unitcycle_core::listing_syndication::model::{
    CompetingListing, Listing, ListingAnalytics, ListingLead, GRADES, LEAD_STATUSES, LISTING_STATUSES,
};
use unitcycle_core::listing_syndication::port::ListingPort;
use unitcycle_core::listing_syndication::publisher;
use unitcycle_core::listing_syndication::workflow::{
    self as wf, AnalyticsInput, AnalyticsReport, ListingDetail, NewCompetitor, NewLead, NewListing, OptimizeOutcome,
    PublishOutcome, RespondBody, RespondOutcome,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::maintenance::api::page;
use crate::query::{self, Paging, Query, Whole};
use crate::server::{act, id_of, read, ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(stats))
        .routes(routes!(feed))
        .routes(routes!(add_lead, leads))
        .routes(routes!(respond))
        .routes(routes!(detail))
        .routes(routes!(publish))
        .routes(routes!(delist))
        .routes(routes!(optimize))
        .routes(routes!(analytics, record_analytics))
        .routes(routes!(competitors, add_competitor))
        .routes(routes!(price_check))
}

const ID: &str = "The listing's id";

fn one_of(name: &str, value: &Option<String>, allowed: &[&str]) -> ApiResult<Option<String>> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if allowed.contains(&v) => Ok(Some(v.to_string())),
        Some(v) => Err(ApiError::bad(format!("{name}: '{v}' is not one of: {}.", allowed.join(", ")))),
    }
}

#[utoipa::path(post, path = "/api/v1/listings/", operation_id = "listings_create",
    summary = "Create a draft listing from a unit's record (title and description drafted from it unless given; asking rent default the unit's market rent), optionally naming the staging project its photos came from",
    request_body = NewListing,
    responses((status = 201, description = "The listing with its platforms (none yet)", body = ListingDetail),
        (status = 400, description = "Bad input, named", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody)))]
async fn create(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let new: NewListing = body.json()?;
    let now = st.clock.now();
    let d = act(&st, &p, move |port| {
        let l = wf::create(port, Uuid::new_v4(), new, now)?;
        wf::current_detail(port, l.id, now)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListingFilter {
    /// `draft`, `active`, `paused` or `delisted`.
    pub status: Option<String>,
    /// A property's id.
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    /// At least this many days on the market.
    #[param(value_type = Option<i64>, minimum = 0)]
    pub days_on_market: Option<Whole>,
}

#[utoipa::path(get, path = "/api/v1/listings/", operation_id = "listings_list",
    summary = "Every listing, newest first; filters status, property and days_on_market (at least)",
    params(ListingFilter, Paging),
    responses((status = 200, description = "One page of listings", body = Page<Listing>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(f): Query<ListingFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<Listing>>> {
    let status = one_of("status", &f.status, LISTING_STATUSES)?;
    let min_dom = Whole::within(&f.days_on_market, "days_on_market", 0, 0, 100_000)?;
    let now = st.clock.now();
    let all = read(&st, &p, move |port| wf::current(port, now)).await?;
    let rows = all
        .into_iter()
        .filter(|l| status.as_ref().is_none_or(|s| &l.status == s))
        .filter(|l| f.property.is_none_or(|id| l.property_id == id))
        .filter(|l| i64::from(l.days_on_market) >= min_dom)
        .collect();
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(get, path = "/api/v1/listings/{id}/", operation_id = "listings_detail",
    summary = "A listing with its platform statuses",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The listing", body = ListingDetail),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<ListingDetail>> {
    let id = id_of("Listing", &id)?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| wf::current_detail(port, id, now)).await?))
}

/// The platforms to publish to.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct PublishBody {
    /// `zillow`, `apartments_com`, `zumper`, `facebook`, `craigslist`, `realtor_com`, `hotpads`,
    /// `trulia`, `rent_com`.
    #[serde(default)]
    pub platforms: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/publish/", operation_id = "listings_publish",
    summary = "Publish to the selected platforms: through the MITS feed (pending, no URL until the platform confirms) or a platform's API when configured",
    params(("id" = String, Path, description = ID)), request_body = PublishBody,
    responses((status = 200, description = "The listing's status and each platform's", body = PublishOutcome),
        (status = 400, description = "No or unknown platforms, or the unit is leased", body = ErrorBody),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn publish(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<PublishOutcome>> {
    let id = id_of("Listing", &id)?;
    let b: PublishBody = body.json()?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::publish(port, &*publisher::from_env(), id, &b.platforms, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/delist/", operation_id = "listings_delist",
    summary = "Delist from every platform at once (and drop from the feed)",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The listing's status and each platform's", body = PublishOutcome),
        (status = 400, description = "Already delisted", body = ErrorBody),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn delist(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<PublishOutcome>> {
    let id = id_of("Listing", &id)?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::delist(port, &*publisher::from_env(), id, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/optimize/", operation_id = "listings_optimize",
    summary = "Re-optimize the title and description per platform within each platform's limits (keywords only those true of the unit); stored for the platforms the listing is on",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "Each platform's content", body = OptimizeOutcome),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn optimize(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<OptimizeOutcome>> {
    let id = id_of("Listing", &id)?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(act(&st, &p, move |port| wf::optimize(port, &gateway, id, now)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DateRange {
    /// First day (YYYY-MM-DD).
    #[serde(default, deserialize_with = "query::date")]
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD).
    #[serde(default, deserialize_with = "query::date")]
    pub to: Option<NaiveDate>,
}

#[utoipa::path(get, path = "/api/v1/listings/{id}/analytics/", operation_id = "listings_analytics",
    summary = "Performance by platform and by day over a date range (views, inquiries, favorites, applications, conversion)",
    params(("id" = String, Path, description = ID), DateRange),
    responses((status = 200, description = "The analytics", body = AnalyticsReport),
        (status = 400, description = "Bad dates", body = ErrorBody),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn analytics(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(r): Query<DateRange>,
) -> ApiResult<Json<AnalyticsReport>> {
    let id = id_of("Listing", &id)?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| wf::analytics(port, id, r.from, r.to, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/analytics/", operation_id = "listings_record_analytics",
    summary = "Record (or replace) one day's counts for a platform the listing is on; conversion_rate = inquiries / views",
    params(("id" = String, Path, description = ID)), request_body = AnalyticsInput,
    responses((status = 201, description = "The day's row", body = ListingAnalytics),
        (status = 400, description = "Not on that platform, or bad counts", body = ErrorBody),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn record_analytics(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    let id = id_of("Listing", &id)?;
    let input: AnalyticsInput = body.json()?;
    let now = st.clock.now();
    let row = act(&st, &p, move |port| wf::record_analytics(port, id, &input, now)).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

#[utoipa::path(get, path = "/api/v1/listings/{id}/competitors/", operation_id = "listings_competitors",
    summary = "Nearby comparable listings with the price difference against our asking rent and our feature advantages",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The competitors, the cheapest relative to us first", body = Vec<CompetingListing>),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn competitors(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CompetingListing>>> {
    let id = id_of("Listing", &id)?;
    Ok(Json(read(&st, &p, move |port| wf::competitors(port, id)).await?))
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/competitors/", operation_id = "listings_add_competitor",
    summary = "Add a competing listing (price diff and feature advantages computed)",
    params(("id" = String, Path, description = ID)), request_body = NewCompetitor,
    responses((status = 201, description = "The competitor", body = CompetingListing),
        (status = 400, description = "Bad input, named", body = ErrorBody),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn add_competitor(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    let id = id_of("Listing", &id)?;
    let new: NewCompetitor = body.json()?;
    let now = st.clock.now();
    let c = act(&st, &p, move |port| wf::add_competitor(port, id, Uuid::new_v4(), &new, now)).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[utoipa::path(post, path = "/api/v1/listings/{id}/price-check/", operation_id = "listings_price_check",
    summary = "Pricing recommendation from the comparables, the unit's market rent (2.2), days on market and the views percentile among active listings",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The recommendation", body = PriceCheck),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn price_check(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<PriceCheck>> {
    let id = id_of("Listing", &id)?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::price_check(port, id, now)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeadFilter {
    /// A listing's id.
    #[serde(default, deserialize_with = "query::uuid")]
    pub listing: Option<Uuid>,
    /// `A`, `B`, `C` or `D`.
    pub grade: Option<String>,
    /// `new`, `contacted`, `touring`, `applied` or `closed`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/listings/leads/", operation_id = "listings_leads",
    summary = "The unified lead inbox, the best score first; each lead's factors beside its score; filters listing, grade and status",
    params(LeadFilter, Paging),
    responses((status = 200, description = "One page of leads", body = Page<ListingLead>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn leads(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(f): Query<LeadFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<ListingLead>>> {
    let grade = one_of("grade", &f.grade.map(|g| g.trim().to_uppercase()), GRADES)?;
    let status = one_of("status", &f.status, LEAD_STATUSES)?;
    let all = read(&st, &p, |port| port.listing_leads()).await?;
    let rows = all
        .into_iter()
        .filter(|l| f.listing.is_none_or(|id| l.listing_id == id))
        .filter(|l| grade.as_ref().is_none_or(|g| &l.lead_grade == g))
        .filter(|l| status.as_ref().is_none_or(|s| &l.status == s))
        .collect();
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(post, path = "/api/v1/listings/leads/", operation_id = "listings_add_lead",
    summary = "Add an inbound lead to a listing; it is scored 0-100 by the spec's weights (income 30%, urgency 25%, message 20%, timeline 15%, completeness 10%) and graded A ≥ 80, B ≥ 60, C ≥ 40, else D",
    request_body = NewLead,
    responses((status = 201, description = "The scored lead with its factors and suggested reply", body = ListingLead),
        (status = 400, description = "Bad input, named", body = ErrorBody),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn add_lead(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let new: NewLead = body.json()?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    let lead = act(&st, &p, move |port| wf::add_lead(port, &gateway, Uuid::new_v4(), new, now)).await?;
    Ok((StatusCode::CREATED, Json(lead)).into_response())
}

#[utoipa::path(post, path = "/api/v1/listings/leads/{id}/respond/", operation_id = "listings_respond",
    summary = "Send a response to a lead (email or SMS, queued in the outbox with the exact text; default the suggested reply); a new lead becomes contacted",
    params(("id" = String, Path, description = "The lead's id")), request_body = RespondBody,
    responses((status = 200, description = "What was queued", body = RespondOutcome),
        (status = 400, description = "No address for the channel, or nothing to send", body = ErrorBody),
        (status = 404, description = "No such lead", body = ErrorBody)))]
async fn respond(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<RespondOutcome>> {
    let id = id_of("Lead", &id)?;
    let b: RespondBody = body.json_or_default()?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::respond(port, id, &b, now)).await?))
}

#[utoipa::path(get, path = "/api/v1/listings/stats/", operation_id = "listings_stats",
    summary = "Portfolio syndication dashboard: active listings, leads this month, average days on market, conversion, leads by grade, top platform, stale listings",
    responses((status = 200, description = "The stats", body = SyndicationStats)))]
async fn stats(State(st): State<AppState>, p: Principal) -> ApiResult<Json<SyndicationStats>> {
    let now = st.clock.now();
    Ok(Json(
        read(&st, &p, move |port| {
            let listings = wf::current(port, now)?;
            Ok(unitcycle_core::listing_syndication::analysis::stats(
                &listings,
                &port.listing_leads()?,
                now.date_naive(),
            ))
        })
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/listings/feed.xml", operation_id = "listings_feed",
    summary = "The MITS ILS feed of the caller's active listings (what platforms ingest); virtually staged photos are captioned as such",
    responses((status = 200, description = "The MITS 4.x style document", body = String, content_type = "application/xml")))]
async fn feed(State(st): State<AppState>, p: Principal) -> ApiResult<Response> {
    let now = st.clock.now();
    let xml = read(&st, &p, move |port| wf::feed(port, now)).await?;
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], xml).into_response())
}
