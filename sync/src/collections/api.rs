//! Collections endpoints (spec 1.3, `/api/v1/collections/`). Thin handlers: the reads are
//! `adapter::collections` rows; the case actions are `unitcycle_core::collections::workflow`
//! run over the caller's properties with `adapter::run`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::Json;
use serde::Deserialize;
use unitcycle_core::collections::port::CollectionsPort;
use unitcycle_core::collections::{self, workflow, CaseStatus, PlanTerms};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::adapter::collections::{self as rows, Filter};

use crate::auth::Principal;
use crate::query::{self, Paging, Query, Whole};
use crate::server::{act, page_links, ApiError, ApiResult, AppState, Body};
use crate::wire::{
    CaseDetailWire, CaseWire, CollectionActionWire, CollectionsStatsWire, ErrorBody, OfferPlanRequest, Page,
    PaymentWire, PlanWire, RecordPaymentRequest, SendReminderRequest,
};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(dashboard_stats))
        .routes(routes!(detail))
        .routes(routes!(actions))
        .routes(routes!(send_reminder))
        .routes(routes!(offer_plan))
        .routes(routes!(record_payment))
        .routes(routes!(escalate))
}

/// The filters of the case list and its statistics.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseFilter {
    /// Comma-separated statuses (open, payment_plan, paid, escalated, written_off).
    pub status: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub tenant: Option<Uuid>,
    #[param(value_type = Option<i32>, minimum = 0, maximum = 5)]
    pub escalation_level: Option<Whole>,
    #[param(value_type = Option<i32>, minimum = 0, maximum = 100000)]
    #[serde(rename = "days_overdue__gte")]
    pub days_overdue_gte: Option<Whole>,
}

fn filter(q: &CaseFilter) -> ApiResult<Filter> {
    let int = |value: &Option<Whole>, name: &str, max: i64| -> ApiResult<Option<i32>> {
        value.as_ref().map(|_| Whole::within(value, name, 0, 0, max).map(|n| n as i32)).transpose()
    };
    Ok(Filter {
        status: query::enum_list::<CaseStatus, _>(&q.status, "status", |s| s.as_str())?,
        property: q.property,
        tenant: q.tenant,
        escalation_level: int(&q.escalation_level, "escalation_level", 5)?,
        days_overdue_gte: int(&q.days_overdue_gte, "days_overdue__gte", 100_000)?,
    })
}

const ID: &str = "The case's id";

#[utoipa::path(get, path = "/api/v1/collections/", operation_id = "list_collection_cases",
    summary = "Collection cases, most overdue first; filters status, property, tenant, escalation_level, days_overdue__gte",
    params(CaseFilter, Paging),
    responses((status = 200, description = "A page of cases", body = Page<CaseWire>)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<CaseFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<CaseWire>>> {
    let f = filter(&q)?;
    let (page, size) = paging.get()?;
    let client = st.pool.get().await?;
    let (count, cases) = rows::list(&**client, &p.properties, &f, (page - 1) * size, size).await?;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, page, size, count);
    Ok(Json(Page { count: count as u64, next, previous, results: cases.iter().map(CaseWire::from).collect() }))
}

#[utoipa::path(get, path = "/api/v1/collections/dashboard-stats/", operation_id = "collections_dashboard_stats",
    summary = "Collections statistics", params(CaseFilter),
    responses((status = 200, description = "Collections statistics", body = CollectionsStatsWire)))]
async fn dashboard_stats(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<CaseFilter>,
) -> ApiResult<Json<CollectionsStatsWire>> {
    let f = filter(&q)?;
    let client = st.pool.get().await?;
    let (_, cases) = rows::list(&**client, &p.properties, &f, 0, i64::MAX / 2).await?;
    let now = st.clock.now();
    let days = crate::pg::days(&**client, &p.properties, now).await?;
    let collected = rows::collected_last_30_days(&**client, &p.properties, now).await?;
    Ok(Json(CollectionsStatsWire::from(&collections::dashboard_stats(&cases, collected, &days))))
}

fn case_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found("Collection case"))
}

async fn detail_of(st: &AppState, p: &Principal, id: Uuid) -> ApiResult<CaseDetailWire> {
    let client = st.pool.get().await?;
    let case =
        rows::get(&**client, id, &p.properties, false).await?.ok_or_else(|| ApiError::not_found("Collection case"))?;
    let actions = rows::actions(&**client, id).await?;
    let plan = rows::payment_plan(&**client, id).await?;
    Ok(CaseDetailWire {
        case: CaseWire::from(&case),
        actions: actions.iter().map(CollectionActionWire::from).collect(),
        payment_plan: plan.as_ref().map(PlanWire::from),
    })
}

#[utoipa::path(get, path = "/api/v1/collections/{id}/", operation_id = "collection_case_detail",
    summary = "Case detail with actions timeline and plan", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The case", body = CaseDetailWire)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<CaseDetailWire>> {
    Ok(Json(detail_of(&st, &p, case_id(&id)?).await?))
}

#[utoipa::path(get, path = "/api/v1/collections/{id}/actions/", summary = "All actions for a case", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The actions", body = Vec<CollectionActionWire>)))]
async fn actions(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CollectionActionWire>>> {
    Ok(Json(detail_of(&st, &p, case_id(&id)?).await?.actions))
}

#[utoipa::path(post, path = "/api/v1/collections/{id}/send-reminder/",
    summary = "Send the next escalation step now (refused ahead of the schedule without \"override\": true)",
    params(("id" = String, Path, description = ID)), request_body(content = Option<SendReminderRequest>),
    responses((status = 200, description = "The case", body = CaseDetailWire),
        (status = 400, description = "Ahead of the schedule (says when the step is due), or the case is closed", body = ErrorBody),
        (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn send_reminder(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<CaseDetailWire>> {
    let id = case_id(&id)?;
    let req: SendReminderRequest = body.json_or_default()?;
    let (gateway, now, actor) = (st.gateway.clone(), st.clock.now(), p.actor());
    act(&st, &p, move |port| workflow::send_next_step(port, &gateway, id, req.override_schedule, &actor, now)).await?;
    Ok(Json(detail_of(&st, &p, id).await?))
}

#[utoipa::path(post, path = "/api/v1/collections/{id}/escalate/", summary = "Escalate to legal", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The case", body = CaseDetailWire), (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn escalate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<CaseDetailWire>> {
    let id = case_id(&id)?;
    let (gateway, now, actor) = (st.gateway.clone(), st.clock.now(), p.actor());
    act(&st, &p, move |port| workflow::escalate(port, &gateway, id, &actor, now)).await?;
    Ok(Json(detail_of(&st, &p, id).await?))
}

#[utoipa::path(post, path = "/api/v1/collections/{id}/offer-plan/",
    summary = "Offer a payment plan (installments, start_date)", params(("id" = String, Path, description = ID)), request_body = OfferPlanRequest,
    responses((status = 200, description = "The case", body = CaseDetailWire), (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn offer_plan(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<CaseDetailWire>> {
    let id = case_id(&id)?;
    let req: OfferPlanRequest = body.json()?;
    let (gateway, now) = (st.gateway.clone(), st.clock.now());
    let terms = PlanTerms { installments: req.installments, installment_amount: req.installment_amount };
    act(&st, &p, move |port| workflow::offer_plan(port, &gateway, id, terms, req.start_date, now)).await?;
    Ok(Json(detail_of(&st, &p, id).await?))
}

#[utoipa::path(post, path = "/api/v1/collections/{id}/record-payment/",
    summary = "Record a payment (amount, paid_on) on the ledger and the case", params(("id" = String, Path, description = ID)),
    request_body = RecordPaymentRequest,
    responses((status = 200, description = "The case and the payment", body = PaymentWire), (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn record_payment(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<PaymentWire>> {
    let id = case_id(&id)?;
    let req: RecordPaymentRequest = body.json()?;
    let (now, actor) = (st.clock.now(), p.actor());
    let (case, outcome) = act(&st, &p, move |port| {
        // Paid today unless said otherwise: the local date of the case's property.
        let paid_on = match req.paid_on {
            Some(day) => day,
            None => unitcycle_core::time::today_at(port, port.collection_case(id)?.property_id, now)?,
        };
        workflow::record_payment(port, id, req.amount, paid_on, &actor, now)
    })
    .await?;
    Ok(Json(PaymentWire {
        case: CaseWire::from(&case),
        new_balance: outcome.new_balance.to_string(),
        overpayment: outcome.overpayment.to_string(),
        paid_in_full: outcome.paid_in_full,
    }))
}
