//! Turnover endpoints (spec 2.1, `/api/v1/turnover/`). Thin handlers: every read and action is
//! `unitcycle_core::turnover::workflow` over the caller's properties with `adapter::run`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use unitcycle_core::store::StoreError;
use unitcycle_core::time::Days;
use unitcycle_core::turnover::port::TurnoverPort;
use unitcycle_core::turnover::workflow::{self, CaseDetail};
use unitcycle_core::turnover::{self, PipelineStats, Stage, TurnoverCase, TurnoverDeduction};
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
        .routes(routes!(list))
        .routes(routes!(kanban))
        .routes(routes!(dashboard_stats))
        .routes(routes!(detail))
        .routes(routes!(advance_stage))
        .routes(routes!(add_deduction))
        .routes(routes!(approve_deduction))
        .routes(routes!(complete_item))
        .routes(routes!(generate_deduction_letter))
}

/// The filters of the case list, the board and the statistics.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    /// Comma-separated stages (notice, inspect, make_ready, listed, leased).
    pub stage: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
}

const ID: &str = "The case's id";

/// The cases matching the filter, newest first.
async fn filtered(st: &AppState, p: &Principal, q: &CaseFilter) -> ApiResult<Vec<TurnoverCase>> {
    let stages = query::enum_list::<Stage, _>(&q.stage, "stage", |s| s.as_str())?;
    let property = q.property;
    let cases = read(st, p, |port| port.turnover_cases()).await?;
    Ok(cases
        .into_iter()
        .filter(|c| stages.is_empty() || stages.iter().any(|s| s == c.stage.as_str()))
        .filter(|c| property.is_none_or(|id| c.property_id == id))
        .collect())
}

fn case_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found("Turnover case"))
}

#[utoipa::path(get, path = "/api/v1/turnover/", operation_id = "list_turnover_cases",
    summary = "Turnover cases, newest first; filters stage, property", params(CaseFilter, Paging),
    responses((status = 200, description = "A page of cases", body = Page<TurnoverCase>)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<CaseFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<TurnoverCase>>> {
    let (page, size) = paging.get()?;
    let cases = filtered(&st, &p, &q).await?;
    let count = cases.len() as i64;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, page, size, count);
    let results = cases.into_iter().skip(((page - 1) * size) as usize).take(size as usize).collect();
    Ok(Json(Page { count: count as u64, next, previous, results }))
}

/// One column of the board.
#[derive(Serialize, ToSchema)]
pub struct KanbanColumn {
    pub stage: String,
    pub label: String,
    pub count: usize,
    pub cases: Vec<KanbanCard>,
}

/// A case on the board: the case, and its days in stage against the target.
#[derive(Serialize, ToSchema)]
pub struct KanbanCard {
    #[serde(flatten)]
    pub case: TurnoverCase,
    pub days_in_stage: i64,
    pub over_target: bool,
}

#[utoipa::path(get, path = "/api/v1/turnover/kanban/", operation_id = "turnover_kanban",
    summary = "Cases grouped by stage for the Kanban view (every stage present, in pipeline order)", params(CaseFilter),
    responses((status = 200, description = "Columns keyed by stage", body = std::collections::BTreeMap<String, KanbanColumn>)))]
async fn kanban(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<CaseFilter>,
) -> ApiResult<Json<serde_json::Map<String, serde_json::Value>>> {
    let cases = filtered(&st, &p, &q).await?;
    let now = st.clock.now();
    let days = read(&st, &p, move |port| Days::of_port(port, now.date_naive(), now)).await?;
    let mut out = serde_json::Map::new();
    for stage in Stage::ALL {
        let cards: Vec<KanbanCard> = cases
            .iter()
            .filter(|c| c.stage == *stage)
            .map(|c| {
                let today = days.of(c.property_id);
                KanbanCard {
                    days_in_stage: turnover::days_in_stage(c, today),
                    over_target: turnover::over_target(c, today),
                    case: c.clone(),
                }
            })
            .collect();
        let column = KanbanColumn {
            stage: stage.as_str().into(),
            label: stage.label().into(),
            count: cards.len(),
            cases: cards,
        };
        out.insert(stage.as_str().into(), serde_json::to_value(column).map_err(|e| ApiError::bad(e.to_string()))?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/turnover/dashboard-stats/", operation_id = "turnover_dashboard_stats",
    summary = "Pipeline statistics: count per stage, average days, cost", params(CaseFilter),
    responses((status = 200, description = "Pipeline statistics", body = PipelineStats)))]
async fn dashboard_stats(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<CaseFilter>,
) -> ApiResult<Json<PipelineStats>> {
    let cases = filtered(&st, &p, &q).await?;
    let now = st.clock.now();
    // Figures on today's date at the first case's property (a portfolio in one zone reads alike).
    let today = match cases.first() {
        Some(c) => {
            let property = c.property_id;
            read(&st, &p, move |port| unitcycle_core::time::today_at(port, property, now)).await?
        }
        None => now.date_naive(),
    };
    Ok(Json(turnover::pipeline_stats(&cases, today)))
}

#[utoipa::path(get, path = "/api/v1/turnover/{id}/", operation_id = "turnover_case_detail",
    summary = "Case detail with deductions and checklist", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The case", body = CaseDetail), (status = 404, description = "No such case", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<CaseDetail>> {
    let id = case_id(&id)?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| workflow::detail(port, id, now)).await?))
}

/// `advance-stage`: the stage to move to (absent: the next one).
#[derive(Deserialize, Default, ToSchema)]
pub struct AdvanceRequest {
    #[schema(value_type = Option<String>, example = "make_ready")]
    pub stage: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/turnover/{id}/advance-stage/",
    summary = "Move to the next stage (one at a time; leased once the unit's next lease has started)",
    params(("id" = String, Path, description = ID)), request_body(content = Option<AdvanceRequest>),
    responses((status = 200, description = "The case", body = CaseDetail),
        (status = 400, description = "Not the next stage, or no new lease yet", body = ErrorBody),
        (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn advance_stage(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<CaseDetail>> {
    let id = case_id(&id)?;
    let req: AdvanceRequest = body.json_or_default()?;
    let to = match req.stage.as_deref() {
        Some(text) => Some(text.parse::<Stage>().map_err(|e| ApiError::bad(format!("stage: {e}")))?),
        None => None,
    };
    let now = st.clock.now();
    let detail = act(&st, &p, move |port| {
        let to = match to {
            Some(s) => s,
            None => port
                .turnover_case(id)?
                .stage
                .next()
                .ok_or_else(|| StoreError::Rejected(turnover::TurnoverError::Closed.to_string()))?,
        };
        workflow::advance_stage(port, id, to, now)?;
        workflow::detail(port, id, now)
    })
    .await?;
    Ok(Json(detail))
}

/// A deduction from the deposit.
#[derive(Deserialize, ToSchema)]
pub struct DeductionRequest {
    /// cleaning, paint, carpet, appliance_repair, wall_damage or other.
    pub category: String,
    pub description: String,
    #[serde(with = "unitcycle_core::format::wire::money")]
    #[schema(value_type = String, example = "150.00")]
    pub amount: Decimal,
    #[serde(default)]
    pub photo_url: String,
}

#[utoipa::path(post, path = "/api/v1/turnover/{id}/deductions/",
    summary = "Add a deduction (not yet approved: the refund counts approved deductions only)",
    params(("id" = String, Path, description = ID)), request_body = DeductionRequest,
    responses((status = 201, description = "The deduction", body = TurnoverDeduction),
        (status = 400, description = "Invalid category, description or amount", body = ErrorBody)))]
async fn add_deduction(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<(StatusCode, Json<TurnoverDeduction>)> {
    let id = case_id(&id)?;
    let req: DeductionRequest = body.json()?;
    let now = st.clock.now();
    let d = act(&st, &p, move |port| {
        workflow::add_deduction(port, id, &req.category, &req.description, req.amount, &req.photo_url, now)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Approve (or withdraw approval of) a deduction.
#[derive(Deserialize, ToSchema)]
pub struct ApproveRequest {
    #[serde(default = "yes")]
    pub approved: bool,
}

impl Default for ApproveRequest {
    fn default() -> Self {
        ApproveRequest { approved: true }
    }
}

fn yes() -> bool {
    true
}

#[utoipa::path(post, path = "/api/v1/turnover/{id}/deductions/{deduction_id}/approve/",
    summary = "Approve a deduction ({\"approved\": false} withdraws it); the refund follows",
    params(("id" = String, Path, description = ID), ("deduction_id" = String, Path, description = "The deduction's id")),
    request_body(content = Option<ApproveRequest>),
    responses((status = 200, description = "The case", body = CaseDetail)))]
async fn approve_deduction(
    State(st): State<AppState>,
    p: Principal,
    Path((id, deduction_id)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<CaseDetail>> {
    let id = case_id(&id)?;
    let deduction_id = Uuid::parse_str(&deduction_id).map_err(|_| ApiError::not_found("Deduction"))?;
    let req: ApproveRequest = body.json_or_default()?;
    let now = st.clock.now();
    Ok(Json(
        act(&st, &p, move |port| {
            workflow::approve_deduction(port, id, deduction_id, req.approved, now)?;
            workflow::detail(port, id, now)
        })
        .await?,
    ))
}

/// Complete a make-ready item.
#[derive(Deserialize, Default, ToSchema)]
pub struct CompleteItemRequest {
    /// What it cost (absent: the estimate).
    #[serde(default, with = "unitcycle_core::format::wire::opt_money")]
    #[schema(value_type = Option<String>, example = "240.00")]
    pub actual_cost: Option<Decimal>,
}

#[utoipa::path(post, path = "/api/v1/turnover/{id}/checklist/{item_id}/complete/",
    summary = "Mark a make-ready item done, with its actual cost",
    params(("id" = String, Path, description = ID), ("item_id" = String, Path, description = "The checklist item's id")),
    request_body(content = Option<CompleteItemRequest>),
    responses((status = 200, description = "The case", body = CaseDetail)))]
async fn complete_item(
    State(st): State<AppState>,
    p: Principal,
    Path((id, item_id)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<CaseDetail>> {
    let id = case_id(&id)?;
    let item_id = Uuid::parse_str(&item_id).map_err(|_| ApiError::not_found("Checklist item"))?;
    let req: CompleteItemRequest = body.json_or_default()?;
    let (now, actor) = (st.clock.now(), p.actor());
    Ok(Json(
        act(&st, &p, move |port| {
            workflow::complete_item(port, id, item_id, req.actual_cost, &actor, now)?;
            workflow::detail(port, id, now)
        })
        .await?,
    ))
}

/// The generated letter.
#[derive(Serialize, ToSchema)]
pub struct DeductionLetterWire {
    pub case: TurnoverCase,
    pub subject: String,
    pub letter_text: String,
    /// (label, value) rows printed on the letter: deposit, each approved deduction, total, refund.
    pub figures: Vec<(String, String)>,
    /// The PDF's sha256 (`GET /api/v1/blobs/{sha256}`).
    pub document: Option<String>,
    pub letter_date: chrono::NaiveDate,
    pub deadline: chrono::NaiveDate,
    pub within_deadline: bool,
    /// Who drafted it: the record itself (every figure is the case's).
    pub provider: String,
}

#[utoipa::path(post, path = "/api/v1/turnover/{id}/generate-deduction-letter/",
    summary = "Generate the deposit deduction letter (PDF) from the approved deductions",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The letter", body = DeductionLetterWire)))]
async fn generate_deduction_letter(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<DeductionLetterWire>> {
    let id = case_id(&id)?;
    let now = st.clock.now();
    let g = act(&st, &p, move |port| workflow::generate_deduction_letter(port, id, now)).await?;
    let deadline = turnover::letter_deadline(&g.case);
    Ok(Json(DeductionLetterWire {
        subject: g.letter.subject,
        letter_text: g.letter.body,
        figures: g.letter.figures,
        document: g.document,
        letter_date: g.date,
        deadline,
        within_deadline: g.date <= deadline,
        provider: "record".into(),
        case: g.case,
    }))
}
