//! Collections endpoints (spec 1.3, `/api/v1/collections/`). Thin handlers: the reads are
//! `adapter::collections` rows; the case actions are `unitcycle_core::collections::workflow`
//! run over the caller's properties with `adapter::run`.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use unitcycle_core::collections::{self, workflow, CaseStatus, PlanTerms};
use uuid::Uuid;

use crate::adapter::collections::{self as rows, Filter};
use crate::adapter::{self, PgPort};
use crate::auth::Principal;
use crate::server::{
    page_links, parse_int, parse_uuid, query, ApiError, ApiResult, AppState, Body, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};
use crate::wire::{
    CaseDetailWire, CaseWire, CollectionActionWire, CollectionsStatsWire, OfferPlanRequest, Page, PaymentWire,
    PlanWire, RecordPaymentRequest,
};

pub fn routes() -> Router<AppState> {
    let base = "/api/v1/collections";
    Router::new()
        .route(&format!("{base}/"), get(list))
        .route(&format!("{base}/dashboard-stats/"), get(dashboard_stats))
        .route(&format!("{base}/{{id}}/"), get(detail))
        .route(&format!("{base}/{{id}}/actions/"), get(actions))
        .route(&format!("{base}/{{id}}/send-reminder/"), post(send_reminder))
        .route(&format!("{base}/{{id}}/offer-plan/"), post(offer_plan))
        .route(&format!("{base}/{{id}}/record-payment/"), post(record_payment))
        .route(&format!("{base}/{{id}}/escalate/"), post(escalate))
}

fn filter(q: &HashMap<String, String>) -> ApiResult<Filter> {
    let status = match q.get("status").filter(|v| !v.trim().is_empty()) {
        None => Vec::new(),
        Some(v) => v
            .split(',')
            .map(|s| s.trim().parse::<CaseStatus>().map(|s| s.as_str().to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad(format!("status: {e}")))?,
    };
    let int = |name: &str, max: i64| -> ApiResult<Option<i32>> {
        q.get(name).map(|_| parse_int(q, name, 0, 0, max).map(|n| n as i32)).transpose()
    };
    Ok(Filter {
        status,
        property: q.get("property").map(|v| parse_uuid("property", v)).transpose()?,
        tenant: q.get("tenant").map(|v| parse_uuid("tenant", v)).transpose()?,
        escalation_level: int("escalation_level", 5)?,
        days_overdue_gte: int("days_overdue__gte", 100_000)?,
    })
}

async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Json<Page<CaseWire>>> {
    let q = query(&uri)?;
    let f = filter(&q)?;
    let page = parse_int(&q, "page", 1, 1, i64::MAX / MAX_PAGE_SIZE)?;
    let size = parse_int(&q, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)?;
    let client = st.pool.get().await?;
    let (count, cases) = rows::list(&**client, &p.properties, &f, (page - 1) * size, size).await?;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, &q, page, size, count);
    Ok(Json(Page { count: count as u64, next, previous, results: cases.iter().map(CaseWire::from).collect() }))
}

async fn dashboard_stats(State(st): State<AppState>, p: Principal, uri: Uri) -> ApiResult<Json<CollectionsStatsWire>> {
    let f = filter(&query(&uri)?)?;
    let client = st.pool.get().await?;
    let (_, cases) = rows::list(&**client, &p.properties, &f, 0, i64::MAX / 2).await?;
    let today = st.clock.now().date_naive();
    let collected = rows::collected_last_30_days(&**client, &p.properties, today).await?;
    Ok(Json(CollectionsStatsWire::from(&collections::dashboard_stats(&cases, collected, today))))
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

async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<CaseDetailWire>> {
    Ok(Json(detail_of(&st, &p, case_id(&id)?).await?))
}

async fn actions(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<CollectionActionWire>>> {
    Ok(Json(detail_of(&st, &p, case_id(&id)?).await?.actions))
}

fn writer(p: &Principal) -> ApiResult<()> {
    if p.role.can_write() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Runs a case action over the caller's properties (a case outside them is not found).
async fn act<T, F>(st: &AppState, p: &Principal, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut PgPort) -> Result<T, unitcycle_core::store::StoreError> + Send + 'static,
{
    writer(p)?;
    Ok(adapter::run(&st.pool, Some(p.properties.clone()), f).await?)
}

async fn send_reminder(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<CaseDetailWire>> {
    let id = case_id(&id)?;
    let (gateway, now) = (st.gateway.clone(), st.clock.now());
    act(&st, &p, move |port| workflow::send_next_step(port, &gateway, id, now.date_naive(), now)).await?;
    Ok(Json(detail_of(&st, &p, id).await?))
}

async fn escalate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<CaseDetailWire>> {
    let id = case_id(&id)?;
    let (gateway, now, actor) = (st.gateway.clone(), st.clock.now(), p.actor());
    act(&st, &p, move |port| workflow::escalate(port, &gateway, id, &actor, now.date_naive(), now)).await?;
    Ok(Json(detail_of(&st, &p, id).await?))
}

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
    act(&st, &p, move |port| workflow::offer_plan(port, &gateway, id, terms, req.start_date, now.date_naive(), now))
        .await?;
    Ok(Json(detail_of(&st, &p, id).await?))
}

async fn record_payment(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<PaymentWire>> {
    let id = case_id(&id)?;
    let req: RecordPaymentRequest = body.json()?;
    let (now, actor) = (st.clock.now(), p.actor());
    let paid_on = req.paid_on.unwrap_or(now.date_naive());
    let (case, outcome) =
        act(&st, &p, move |port| workflow::record_payment(port, id, req.amount, paid_on, &actor, now)).await?;
    Ok(Json(PaymentWire {
        case: CaseWire::from(&case),
        new_balance: outcome.new_balance.to_string(),
        overpayment: outcome.overpayment.to_string(),
        paid_in_full: outcome.paid_in_full,
    }))
}
