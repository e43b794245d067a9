//! Pricing endpoints (spec 2.2, `/api/v1/pricing/`). Thin handlers: every read and the engine are
//! `unitcycle_core::pricing::workflow` over the caller's properties.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde::Deserialize;
use unitcycle_core::port::Records;
use unitcycle_core::pricing::port::PricingPort;
use unitcycle_core::pricing::workflow::{self, EngineReport};
use unitcycle_core::pricing::{PricingSnapshot, RevenueOpportunity};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::query::{self, Paging, Query};
use crate::server::{act, page_links, read, ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(snapshots))
        .routes(routes!(history))
        .routes(routes!(revenue_opportunity))
        .routes(routes!(run_engine))
        .routes(routes!(import_comps))
}

/// Filters of the snapshot list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SnapshotFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    pub bedrooms: Option<i32>,
    /// true: vacant units only (no rent paid); false: occupied only.
    pub is_vacant: Option<bool>,
}

#[utoipa::path(get, path = "/api/v1/pricing/snapshots/", operation_id = "pricing_snapshots",
    summary = "Latest snapshot per unit; filters property, bedrooms, is_vacant", params(SnapshotFilter, Paging),
    responses((status = 200, description = "A page of snapshots", body = Page<PricingSnapshot>)))]
async fn snapshots(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<SnapshotFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<PricingSnapshot>>> {
    let (page, size) = paging.get()?;
    let (property, vacant) = (q.property, q.is_vacant);
    let bedrooms = q.bedrooms;
    let units = match bedrooms {
        Some(_) => Some(read(&st, &p, |port| port.pricing_units()).await?),
        None => None,
    };
    let all = read(&st, &p, |port| port.latest_snapshots()).await?;
    let bed_of: std::collections::HashMap<Uuid, i32> =
        units.unwrap_or_default().into_iter().map(|u| (u.id, u.bedrooms)).collect();
    let rows: Vec<PricingSnapshot> = all
        .into_iter()
        .filter(|s| property.is_none_or(|id| s.property_id == id))
        .filter(|s| vacant.is_none_or(|v| s.current_rent.is_none() == v))
        .filter(|s| bedrooms.is_none_or(|b| bed_of.get(&s.unit_id) == Some(&b)))
        .collect();
    let count = rows.len() as i64;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, page, size, count);
    let results = rows.into_iter().skip(((page - 1) * size) as usize).take(size as usize).collect();
    Ok(Json(Page { count: count as u64, next, previous, results }))
}

#[utoipa::path(get, path = "/api/v1/pricing/units/{unit_id}/history/", operation_id = "pricing_unit_history",
    summary = "Pricing history for a unit (last 90 days), oldest first",
    params(("unit_id" = String, Path, description = "The unit's id")),
    responses((status = 200, description = "The unit's snapshots", body = Vec<PricingSnapshot>),
        (status = 404, description = "No such unit", body = ErrorBody)))]
async fn history(
    State(st): State<AppState>,
    p: Principal,
    Path(unit_id): Path<String>,
) -> ApiResult<Json<Vec<PricingSnapshot>>> {
    let unit_id = Uuid::parse_str(&unit_id).map_err(|_| ApiError::not_found("Unit"))?;
    let now = st.clock.now();
    Ok(Json(
        read(&st, &p, move |port| {
            let unit = port.unit(unit_id)?;
            let today = unitcycle_core::time::today_at(port, unit.property_id, now)?;
            workflow::history(port, unit_id, today)
        })
        .await?,
    ))
}

/// Filter of the revenue opportunity.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OpportunityFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/pricing/revenue-opportunity/", operation_id = "pricing_revenue_opportunity",
    summary = "Portfolio-wide gap analysis over the latest snapshots", params(OpportunityFilter),
    responses((status = 200, description = "The gap analysis", body = RevenueOpportunity)))]
async fn revenue_opportunity(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<OpportunityFilter>,
) -> ApiResult<Json<RevenueOpportunity>> {
    let property = q.property;
    Ok(Json(read(&st, &p, move |port| workflow::opportunity(port, property)).await?))
}

/// `run-engine`: the property to price (absent: every property of the caller).
#[derive(Deserialize, Default, ToSchema)]
pub struct RunEngineRequest {
    #[serde(default, alias = "property")]
    pub property_id: Option<Uuid>,
}

#[utoipa::path(post, path = "/api/v1/pricing/run-engine/", operation_id = "pricing_run_engine",
    summary = "Run the pricing engine now for a property (or every property of the caller)",
    request_body(content = Option<RunEngineRequest>),
    responses((status = 200, description = "What the run did", body = EngineReport),
        (status = 404, description = "No such property", body = ErrorBody)))]
async fn run_engine(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<EngineReport>> {
    let req: RunEngineRequest = body.json_or_default()?;
    let now = st.clock.now();
    let property = req.property_id;
    Ok(Json(act(&st, &p, move |port| workflow::run_engine(port, property, now.date_naive(), now)).await?))
}

/// `comps/import`: which property the comps are for.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportTarget {
    #[serde(deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
}

#[utoipa::path(post, path = "/api/v1/pricing/comps/import/", operation_id = "pricing_import_comps",
    summary = "Import external comps (CSV: address, beds, baths, sq ft, asking rent, date, source) from public listings or your own data; all rows or none",
    params(ImportTarget), request_body(content = String, content_type = "text/csv"),
    responses((status = 200, description = "Rows read and comps added", body = workflow::CompsImport),
        (status = 400, description = "Bad rows, each named; nothing imported", body = ErrorBody),
        (status = 404, description = "No such property", body = ErrorBody)))]
async fn import_comps(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ImportTarget>,
    body: axum::body::Bytes,
) -> ApiResult<Json<workflow::CompsImport>> {
    let property = q.property.ok_or_else(|| ApiError::bad("property: required (the property the comps are for)."))?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| ApiError::bad("The CSV must be UTF-8 text."))?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| workflow::import_comps(port, property, &text, now)).await?))
}
