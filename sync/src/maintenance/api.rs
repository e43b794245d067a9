//! Work-order actions, predictive maintenance (spec 2.3, `/api/v1/predictive-maintenance/`) and
//! vendor intelligence (spec 5.4, `/api/v2/vendor-intelligence/`). Thin handlers: every read,
//! action and job is `unitcycle_core`'s over the caller's properties.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde::{Deserialize, Serialize};
use unitcycle_core::predictive_maintenance::workflow::{self as pm, RiskReport};
use unitcycle_core::predictive_maintenance::{HeatmapProperty, PreventiveWoSuggestion, UnitRiskScore};
use unitcycle_core::vendor_intelligence::workflow::{
    self as vi, DispatchView, PriceAnalysis, ScorecardDetail, VendorComparison, VendorStats,
};
use unitcycle_core::vendor_intelligence::{
    ExpiringDocument, PriceBenchmark, RepeatVisitAlert, VendorScorecard, WarrantyRecord,
};
use unitcycle_core::work_orders::port::MaintenancePort;
use unitcycle_core::work_orders::workflow::{apply_action, ActionOutcome};
use unitcycle_core::work_orders::{MaintenanceAction, NewContract, NewEquipment, NewWarranty, NewWorkOrder};
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
        .routes(routes!(create_work_order))
        .routes(routes!(work_order_step))
        .routes(routes!(add_equipment))
        .routes(routes!(risk_scores))
        .routes(routes!(risk_heatmap))
        .routes(routes!(suggestions))
        .routes(routes!(approve_suggestion))
        .routes(routes!(dismiss_suggestion))
        .routes(routes!(run_risk_scoring))
        .routes(routes!(scorecards))
        .routes(routes!(scorecard_detail))
        .routes(routes!(calculate_scorecards))
        .routes(routes!(dispatch))
        .routes(routes!(accept_dispatch))
        .routes(routes!(warranties))
        .routes(routes!(add_warranty))
        .routes(routes!(check_warranty))
        .routes(routes!(benchmarks))
        .routes(routes!(analyze_price))
        .routes(routes!(compare))
        .routes(routes!(expiring_contracts))
        .routes(routes!(add_contract))
        .routes(routes!(repeat_alerts))
        .routes(routes!(resolve_alert))
        .routes(routes!(stats))
}

fn id_of(text: &str, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found(what))
}

/// One page of `rows` (DRF-style `count/next/previous/results`).
pub(crate) fn page<T>(rows: Vec<T>, paging: &Paging, headers: &HeaderMap, uri: &Uri) -> ApiResult<Page<T>> {
    let (page, size) = paging.get()?;
    let count = rows.len() as i64;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(headers, uri, page, size, count);
    let results = rows.into_iter().skip(((page - 1) * size) as usize).take(size as usize).collect();
    Ok(Page { count: count as u64, next, previous, results })
}

/// Runs one maintenance action over the caller's properties.
async fn run(st: &AppState, p: &Principal, id: Uuid, action: MaintenanceAction) -> ApiResult<ActionOutcome> {
    let now = st.clock.now();
    act(st, p, move |port| apply_action(port, id, &action, now)).await
}

// ── work orders ─────────────────────────────────────────────────────────────

#[utoipa::path(post, path = "/api/v1/maintenance/work-orders/new/", operation_id = "work_order_create",
    summary = "Create a work order (status open)", request_body = NewWorkOrder,
    responses((status = 200, description = "The new work order's id", body = ActionOutcome),
        (status = 400, description = "Bad input, named", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody)))]
async fn create_work_order(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<ActionOutcome>> {
    let new: NewWorkOrder = body.json()?;
    Ok(Json(run(&st, &p, Uuid::new_v4(), MaintenanceAction::Create(new)).await?))
}

/// The body of a work-order step (fields as the step needs them).
#[derive(Deserialize, Default, ToSchema)]
pub struct StepRequest {
    pub vendor_id: Option<Uuid>,
    pub scheduled_date: Option<chrono::NaiveDate>,
    pub completed_date: Option<chrono::NaiveDate>,
    #[schema(value_type = Option<String>)]
    #[serde(default, with = "unitcycle_core::format::wire::opt_money")]
    pub cost: Option<rust_decimal::Decimal>,
    pub tenant_rating: Option<i32>,
}

#[utoipa::path(post, path = "/api/v1/maintenance/work-orders/{id}/{step}/", operation_id = "work_order_step",
    summary = "A work-order step: assign (vendor_id), schedule (scheduled_date), start, complete (completed_date, cost, tenant_rating), cancel",
    params(("id" = String, Path, description = "The work order's id"),
        ("step" = String, Path, description = "assign, schedule, start, complete or cancel")),
    request_body(content = Option<StepRequest>),
    responses((status = 200, description = "Done", body = ActionOutcome),
        (status = 400, description = "Refused, with the reason", body = ErrorBody),
        (status = 404, description = "No such work order or step", body = ErrorBody)))]
async fn work_order_step(
    State(st): State<AppState>,
    p: Principal,
    Path((id, step)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<ActionOutcome>> {
    let id = id_of(&id, "Work order")?;
    let r: StepRequest = body.json_or_default()?;
    let need = |what: &str| ApiError::bad(format!("{what}: required for {step}."));
    let action = match step.as_str() {
        "assign" => MaintenanceAction::Assign { vendor_id: r.vendor_id.ok_or_else(|| need("vendor_id"))? },
        "schedule" => {
            MaintenanceAction::Schedule { scheduled_date: r.scheduled_date.ok_or_else(|| need("scheduled_date"))? }
        }
        "start" => MaintenanceAction::Start,
        "complete" => MaintenanceAction::Complete {
            completed_date: r.completed_date.ok_or_else(|| need("completed_date"))?,
            cost: r.cost.ok_or_else(|| need("cost"))?,
            tenant_rating: r.tenant_rating,
        },
        "cancel" => MaintenanceAction::Cancel,
        _ => return Err(ApiError::not_found("Step")),
    };
    Ok(Json(run(&st, &p, id, action).await?))
}

#[utoipa::path(post, path = "/api/v1/maintenance/equipment/", operation_id = "equipment_create",
    summary = "Record equipment on a property (and unit): install date, lifespan, warranty", request_body = NewEquipment,
    responses((status = 200, description = "The equipment's id", body = ActionOutcome),
        (status = 400, description = "Bad input, named", body = ErrorBody)))]
async fn add_equipment(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<ActionOutcome>> {
    let new: NewEquipment = body.json()?;
    Ok(Json(run(&st, &p, Uuid::new_v4(), MaintenanceAction::AddEquipment(new)).await?))
}

// ── predictive maintenance (2.3) ────────────────────────────────────────────

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    /// low, medium, high or critical.
    pub risk_level: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/predictive-maintenance/risk-scores/", operation_id = "pm_risk_scores",
    summary = "Latest risk score per unit, highest first; filters property, unit, risk_level", params(RiskFilter, Paging),
    responses((status = 200, description = "A page of scores", body = Page<UnitRiskScore>)))]
async fn risk_scores(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<RiskFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<UnitRiskScore>>> {
    if let Some(l) = q.risk_level.as_deref() {
        unitcycle_core::predictive_maintenance::check_risk_level(l).map_err(ApiError::bad)?;
    }
    let rows = read(&st, &p, move |port| pm::risk_scores(port, q.property, q.unit, q.risk_level.as_deref())).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PropertyFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/predictive-maintenance/risk-heatmap/", operation_id = "pm_risk_heatmap",
    summary = "Heatmap per property: building → floor → unit with each unit's latest score", params(PropertyFilter),
    responses((status = 200, description = "The heatmap", body = Vec<HeatmapProperty>)))]
async fn risk_heatmap(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<PropertyFilter>,
) -> ApiResult<Json<Vec<HeatmapProperty>>> {
    Ok(Json(read(&st, &p, move |port| pm::heatmap(port, q.property)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SuggestionFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    /// suggested (the default), approved, work_order_created, dismissed or all.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/predictive-maintenance/suggestions/", operation_id = "pm_suggestions",
    summary = "Pending preventive work-order suggestions (or of status)", params(SuggestionFilter, Paging),
    responses((status = 200, description = "A page of suggestions", body = Page<PreventiveWoSuggestion>)))]
async fn suggestions(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<SuggestionFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<PreventiveWoSuggestion>>> {
    let rows = read(&st, &p, move |port| pm::suggestions(port, q.status.as_deref(), q.unit)).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(post, path = "/api/v1/predictive-maintenance/suggestions/{id}/approve/", operation_id = "pm_approve_suggestion",
    summary = "Approve a suggestion and create the actual work order",
    params(("id" = String, Path, description = "The suggestion's id")),
    responses((status = 200, description = "The work order created", body = ActionOutcome),
        (status = 400, description = "Already decided", body = ErrorBody),
        (status = 404, description = "No such suggestion", body = ErrorBody)))]
async fn approve_suggestion(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<ActionOutcome>> {
    Ok(Json(run(&st, &p, id_of(&id, "Suggestion")?, MaintenanceAction::ApproveSuggestion).await?))
}

#[utoipa::path(post, path = "/api/v1/predictive-maintenance/suggestions/{id}/dismiss/", operation_id = "pm_dismiss_suggestion",
    summary = "Dismiss a suggestion", params(("id" = String, Path, description = "The suggestion's id")),
    responses((status = 200, description = "Dismissed", body = ActionOutcome),
        (status = 404, description = "No such suggestion", body = ErrorBody)))]
async fn dismiss_suggestion(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<ActionOutcome>> {
    Ok(Json(run(&st, &p, id_of(&id, "Suggestion")?, MaintenanceAction::DismissSuggestion).await?))
}

#[derive(Deserialize, Default, ToSchema)]
pub struct RunRequest {
    #[serde(default, alias = "property")]
    pub property_id: Option<Uuid>,
}

#[utoipa::path(post, path = "/api/v1/predictive-maintenance/risk-scores/compute/", operation_id = "pm_compute",
    summary = "Score units now (a property, or every property of the caller)", request_body(content = Option<RunRequest>),
    responses((status = 200, description = "What the run did", body = RiskReport),
        (status = 404, description = "No such property", body = ErrorBody)))]
async fn run_risk_scoring(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<RiskReport>> {
    let r: RunRequest = body.json_or_default()?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| pm::compute_all(port, r.property_id, now.date_naive(), now)).await?))
}

// ── vendor intelligence (5.4) ───────────────────────────────────────────────

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub vendor: Option<Uuid>,
    /// monthly or quarterly.
    pub period: Option<String>,
    pub min_score: Option<f64>,
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/scorecards/", operation_id = "vi_scorecards",
    summary = "Scorecards, newest first; filters vendor, period, min_score", params(ScorecardFilter, Paging),
    responses((status = 200, description = "A page of scorecards", body = Page<VendorScorecard>)))]
async fn scorecards(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<ScorecardFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<VendorScorecard>>> {
    let rows = read(&st, &p, move |port| vi::scorecards(port, q.vendor, q.period.as_deref(), q.min_score)).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/scorecards/{vendor_id}/", operation_id = "vi_scorecard_detail",
    summary = "A vendor's scorecard: metric breakdown (score and weight) and trend",
    params(("vendor_id" = String, Path, description = "The vendor's id")),
    responses((status = 200, description = "The scorecard", body = ScorecardDetail),
        (status = 404, description = "No such vendor", body = ErrorBody)))]
async fn scorecard_detail(
    State(st): State<AppState>,
    p: Principal,
    Path(vendor_id): Path<String>,
) -> ApiResult<Json<ScorecardDetail>> {
    let id = id_of(&vendor_id, "Vendor")?;
    Ok(Json(read(&st, &p, move |port| vi::scorecard_detail(port, id)).await?))
}

#[utoipa::path(post, path = "/api/v2/vendor-intelligence/scorecards/calculate/", operation_id = "vi_calculate",
    summary = "Recalculate every vendor's scorecard for the current period (this month so far)",
    responses((status = 200, description = "The scorecards", body = Vec<VendorScorecard>)))]
async fn calculate_scorecards(State(st): State<AppState>, p: Principal) -> ApiResult<Json<Vec<VendorScorecard>>> {
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| vi::calculate_current(port, now.date_naive(), now)).await?))
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/dispatch/{work_order_id}/", operation_id = "vi_dispatch",
    summary = "Dispatch recommendation: warranty check first, top 3 vendors with reasoning, repeat-visit warning",
    params(("work_order_id" = String, Path, description = "The work order's id")),
    responses((status = 200, description = "The recommendation", body = DispatchView),
        (status = 404, description = "No such work order", body = ErrorBody)))]
async fn dispatch(
    State(st): State<AppState>,
    p: Principal,
    Path(work_order_id): Path<String>,
) -> ApiResult<Json<DispatchView>> {
    let id = id_of(&work_order_id, "Work order")?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    // Worked out once and stored: reading it may write it the first time.
    Ok(Json(read(&st, &p, move |port| vi::dispatch(port, &gateway, id, now)).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct AcceptRequest {
    /// The recommended vendor to send (absent: rank 1).
    pub vendor_id: Option<Uuid>,
}

#[utoipa::path(post, path = "/api/v2/vendor-intelligence/dispatch/{work_order_id}/accept/", operation_id = "vi_accept_dispatch",
    summary = "Accept a recommendation (rank 1 unless vendor_id) and dispatch the vendor",
    params(("work_order_id" = String, Path, description = "The work order's id")),
    request_body(content = Option<AcceptRequest>),
    responses((status = 200, description = "Dispatched", body = ActionOutcome),
        (status = 400, description = "Not a recommended vendor, or the work order is closed", body = ErrorBody),
        (status = 404, description = "No such work order", body = ErrorBody)))]
async fn accept_dispatch(
    State(st): State<AppState>,
    p: Principal,
    Path(work_order_id): Path<String>,
    body: Body,
) -> ApiResult<Json<ActionOutcome>> {
    let id = id_of(&work_order_id, "Work order")?;
    let chosen = body.json_or_default::<Option<AcceptRequest>>()?.and_then(|r| r.vendor_id);
    let vendor_id = match chosen {
        Some(v) => v,
        None => read(&st, &p, move |port| port.dispatches(id))
            .await?
            .into_iter()
            .min_by_key(|r| r.rank)
            .map(|r| r.recommended_vendor_id)
            .ok_or_else(|| ApiError::bad("No recommendation yet: GET the dispatch view first."))?,
    };
    Ok(Json(run(&st, &p, id, MaintenanceAction::AcceptDispatch { vendor_id }).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WarrantyFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    pub item_type: Option<String>,
    /// active, expired or claimed.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/warranties/", operation_id = "vi_warranties",
    summary = "Warranties; filters unit, item_type, status", params(WarrantyFilter, Paging),
    responses((status = 200, description = "A page of warranties", body = Page<WarrantyRecord>)))]
async fn warranties(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<WarrantyFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<WarrantyRecord>>> {
    let rows =
        read(&st, &p, move |port| vi::warranties(port, q.unit, q.item_type.as_deref(), q.status.as_deref())).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(post, path = "/api/v2/vendor-intelligence/warranties/", operation_id = "vi_add_warranty",
    summary = "Record a warranty on a unit's equipment", request_body = NewWarranty,
    responses((status = 200, description = "The warranty's id", body = ActionOutcome),
        (status = 400, description = "Bad input, named", body = ErrorBody)))]
async fn add_warranty(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<ActionOutcome>> {
    let new: NewWarranty = body.json()?;
    Ok(Json(run(&st, &p, Uuid::new_v4(), MaintenanceAction::AddWarranty(new)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WarrantyQuery {
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    /// The item (e.g. Dishwasher, water heater).
    pub item: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/warranties/check/", operation_id = "vi_check_warranty",
    summary = "The active warranty of a unit's item, or null", params(WarrantyQuery),
    responses((status = 200, description = "The warranty or null", body = Option<WarrantyRecord>),
        (status = 400, description = "unit and item are required", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody)))]
async fn check_warranty(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<WarrantyQuery>,
) -> ApiResult<Json<Option<WarrantyRecord>>> {
    let unit = q.unit.ok_or_else(|| ApiError::bad("unit: required."))?;
    let item = q.item.filter(|i| !i.trim().is_empty()).ok_or_else(|| ApiError::bad("item: required."))?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| vi::check_warranty(port, unit, &item, now)).await?))
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/benchmarks/", operation_id = "vi_benchmarks",
    summary = "Price benchmarks by work category",
    responses((status = 200, description = "The benchmarks", body = Vec<PriceBenchmark>)))]
async fn benchmarks(State(st): State<AppState>, p: Principal) -> ApiResult<Json<Vec<PriceBenchmark>>> {
    Ok(Json(read(&st, &p, |port| port.benchmarks()).await?))
}

#[utoipa::path(post, path = "/api/v2/vendor-intelligence/invoices/{id}/analyze-price/", operation_id = "vi_analyze_price",
    summary = "An invoice against its category's benchmark: deviation and explanation",
    params(("id" = String, Path, description = "The invoice's id")),
    responses((status = 200, description = "The analysis", body = PriceAnalysis),
        (status = 404, description = "No such invoice", body = ErrorBody)))]
async fn analyze_price(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<PriceAnalysis>> {
    let id = id_of(&id, "Invoice")?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(read(&st, &p, move |port| vi::analyze_price(port, &gateway, id, now)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Comma-separated vendor ids.
    pub vendor_ids: Option<String>,
    pub category: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/compare/", operation_id = "vi_compare",
    summary = "Compare vendors (?vendor_ids=a,b,c&category=plumbing)", params(CompareQuery),
    responses((status = 200, description = "Each vendor's figures", body = Vec<VendorComparison>),
        (status = 400, description = "Bad vendor ids", body = ErrorBody)))]
async fn compare(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<CompareQuery>,
) -> ApiResult<Json<Vec<VendorComparison>>> {
    let ids = q
        .vendor_ids
        .unwrap_or_default()
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(|s| Uuid::parse_str(s.trim()).map_err(|_| ApiError::bad(format!("vendor_ids: '{s}' is not a vendor id."))))
        .collect::<ApiResult<Vec<Uuid>>>()?;
    if ids.is_empty() {
        return Err(ApiError::bad("vendor_ids: give one or more, comma-separated."));
    }
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| vi::compare(port, &ids, q.category.as_deref(), now.date_naive())).await?))
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/contracts/expiring/", operation_id = "vi_expiring",
    summary = "Contracts, insurance certificates and licences expiring within 30 days",
    responses((status = 200, description = "Soonest first", body = Vec<ExpiringDocument>)))]
async fn expiring_contracts(State(st): State<AppState>, p: Principal) -> ApiResult<Json<Vec<ExpiringDocument>>> {
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| vi::expiring(port, now.date_naive())).await?))
}

#[utoipa::path(post, path = "/api/v2/vendor-intelligence/contracts/", operation_id = "vi_add_contract",
    summary = "Record a vendor's contract or compliance document", request_body = NewContract,
    responses((status = 200, description = "The contract's id", body = ActionOutcome),
        (status = 400, description = "Bad input, named", body = ErrorBody)))]
async fn add_contract(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<ActionOutcome>> {
    let new: NewContract = body.json()?;
    Ok(Json(run(&st, &p, Uuid::new_v4(), MaintenanceAction::AddContract(new)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AlertFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub vendor: Option<Uuid>,
    /// open (the default), warranty_claim, vendor_credited, different_issue, dismissed or all.
    pub resolution_status: Option<String>,
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/repeat-alerts/", operation_id = "vi_repeat_alerts",
    summary = "Open repeat-visit alerts; filters unit, vendor, resolution_status", params(AlertFilter, Paging),
    responses((status = 200, description = "A page of alerts", body = Page<RepeatVisitAlert>)))]
async fn repeat_alerts(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<AlertFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<RepeatVisitAlert>>> {
    let rows =
        read(&st, &p, move |port| vi::repeat_alerts(port, q.unit, q.vendor, q.resolution_status.as_deref())).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[derive(Deserialize, Serialize, ToSchema)]
pub struct ResolveRequest {
    /// warranty_claim, vendor_credited, different_issue, dismissed (or open).
    pub resolution_status: String,
}

#[utoipa::path(post, path = "/api/v2/vendor-intelligence/repeat-alerts/{id}/resolve/", operation_id = "vi_resolve_alert",
    summary = "Record how a repeat visit was resolved", params(("id" = String, Path, description = "The alert's id")),
    request_body = ResolveRequest,
    responses((status = 200, description = "Recorded", body = ActionOutcome),
        (status = 400, description = "Not a resolution", body = ErrorBody),
        (status = 404, description = "No such alert", body = ErrorBody)))]
async fn resolve_alert(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ActionOutcome>> {
    let r: ResolveRequest = body.json()?;
    let action = MaintenanceAction::ResolveAlert { resolution_status: r.resolution_status };
    Ok(Json(run(&st, &p, id_of(&id, "Repeat visit alert")?, action).await?))
}

#[utoipa::path(get, path = "/api/v2/vendor-intelligence/stats/", operation_id = "vi_stats",
    summary = "Dashboard stats: average score, top and bottom performer, warranties, expiring documents, open alerts",
    responses((status = 200, description = "The figures", body = VendorStats)))]
async fn stats(State(st): State<AppState>, p: Principal) -> ApiResult<Json<VendorStats>> {
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| vi::stats(port, now.date_naive(), now)).await?))
}
