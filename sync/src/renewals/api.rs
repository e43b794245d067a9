//! Renewal endpoints (spec 1.2, `/api/v1/renewals/`). Thin handlers: parse, check the caller,
//! run the core's scan or workflow (`unitcycle_core::renewals`) over the PostgreSQL port, answer
//! in the wire format.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::Json;
use serde::Deserialize;
use unitcycle_core::jobs::Job;
use unitcycle_core::renewals::{self, scan, workflow, ChurnRiskLevel, RenewalAction, RenewalStatus};
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::adapter::renewals::Filter;
use crate::adapter::{self, renewals as rows};
use crate::auth::Principal;
use crate::pgdomain;
use crate::query::{self, Paging, Query};
use crate::server::{page_links, ApiError, ApiResult, AppState, Body};
use crate::wire::{ApproveRequest, ErrorBody, Page, RenewalStatsWire, RenewalWire, ScanResponse};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(dashboard_stats))
        .routes(routes!(run_scan))
        .routes(routes!(detail))
        .routes(routes!(approve))
        .routes(routes!(send))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(generate_letter))
}

/// The filters of the renewal list and its statistics.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RenewalFilter {
    /// Comma-separated statuses (pending, approved, sent, accepted, declined, expired).
    pub status: Option<String>,
    /// Comma-separated churn risk levels (low, medium, high, critical).
    pub churn_risk_level: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub lease: Option<Uuid>,
}

fn filter(q: &RenewalFilter) -> ApiResult<Filter> {
    Ok(Filter {
        status: query::enum_list::<RenewalStatus, _>(&q.status, "status", |s| s.as_str())?,
        churn_risk_level: query::enum_list::<ChurnRiskLevel, _>(&q.churn_risk_level, "churn_risk_level", |s| {
            s.as_str()
        })?,
        property: q.property,
        lease: q.lease,
    })
}

const ID: &str = "The recommendation's id";

#[utoipa::path(get, path = "/api/v1/renewals/", operation_id = "list_renewals",
    summary = "Renewal recommendations, highest churn first; filters status, churn_risk_level, property, lease",
    params(RenewalFilter, Paging),
    responses((status = 200, description = "A page of recommendations", body = Page<RenewalWire>)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<RenewalFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<RenewalWire>>> {
    let f = filter(&q)?;
    let (page, size) = paging.get()?;
    let client = st.pool.get().await?;
    let (count, recs) = rows::list(&**client, &p.properties, &f, (page - 1) * size, size).await?;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, page, size, count);
    Ok(Json(Page { count: count as u64, next, previous, results: recs.iter().map(RenewalWire::from).collect() }))
}

#[utoipa::path(get, path = "/api/v1/renewals/dashboard-stats/", operation_id = "renewal_dashboard_stats",
    summary = "Renewal pipeline statistics", params(RenewalFilter),
    responses((status = 200, description = "Pipeline statistics", body = RenewalStatsWire)))]
async fn dashboard_stats(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<RenewalFilter>,
) -> ApiResult<Json<RenewalStatsWire>> {
    let f = filter(&q)?;
    let recs = rows::all(&**st.pool.get().await?, &p.properties, &f).await?;
    Ok(Json(RenewalStatsWire::from(&renewals::dashboard_stats(&recs))))
}

fn rec_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found("Renewal recommendation"))
}

#[utoipa::path(get, path = "/api/v1/renewals/{id}/", operation_id = "renewal_detail",
    summary = "One renewal recommendation", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The recommendation", body = RenewalWire)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RenewalWire>> {
    let id = rec_id(&id)?;
    let rec = rows::get(&**st.pool.get().await?, id, &p.properties, false)
        .await?
        .ok_or_else(|| ApiError::not_found("Renewal recommendation"))?;
    Ok(Json(RenewalWire::from(&rec)))
}

async fn step(st: AppState, p: Principal, id: String, action: RenewalAction) -> ApiResult<Json<RenewalWire>> {
    let id = rec_id(&id)?;
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let (actor, now) = (p.actor(), st.clock.now());
    let rec = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        workflow::renewal_step(port, id, &action, &actor, now)
    })
    .await?;
    Ok(Json(RenewalWire::from(&rec)))
}

#[utoipa::path(post, path = "/api/v1/renewals/{id}/approve/",
    summary = "Approve a pending recommendation, optionally at another rent", params(("id" = String, Path, description = ID)),
    request_body(content = Option<ApproveRequest>, description = "Optional: another rent to offer"),
    responses((status = 200, description = "The recommendation", body = RenewalWire), (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn approve(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<RenewalWire>> {
    let req: ApproveRequest = body.json_or_default()?;
    step(st, p, id, RenewalAction::Approve { recommended_rent: req.recommended_rent }).await
}

#[utoipa::path(post, path = "/api/v1/renewals/{id}/send/", summary = "Send the approved offer (queued by email)",
    params(("id" = String, Path, description = ID)), responses((status = 200, description = "The recommendation", body = RenewalWire), (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn send(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RenewalWire>> {
    step(st, p, id, RenewalAction::Send).await
}

#[utoipa::path(post, path = "/api/v1/renewals/{id}/accept/", summary = "The tenant accepted: renew the lease",
    params(("id" = String, Path, description = ID)), responses((status = 200, description = "The recommendation", body = RenewalWire), (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn accept(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RenewalWire>> {
    step(st, p, id, RenewalAction::Accept).await
}

#[utoipa::path(post, path = "/api/v1/renewals/{id}/decline/", summary = "The tenant declined the offer",
    params(("id" = String, Path, description = ID)), responses((status = 200, description = "The recommendation", body = RenewalWire), (status = 409, description = "Changed meanwhile", body = ErrorBody)))]
async fn decline(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RenewalWire>> {
    step(st, p, id, RenewalAction::Decline).await
}

#[utoipa::path(post, path = "/api/v1/renewals/{id}/generate-letter/",
    summary = "Redraft the renewal letter through the AI gateway", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The recommendation", body = RenewalWire)))]
async fn generate_letter(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<RenewalWire>> {
    let id = rec_id(&id)?;
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let (gateway, now) = (st.gateway.clone(), st.clock.now());
    let rec = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        workflow::regenerate_letter(port, &gateway, id, now)
    })
    .await?;
    Ok(Json(RenewalWire::from(&rec)))
}

/// How long `run-scan` waits for the scan before answering 202 and leaving it to finish in the
/// background (a small portfolio's scan is answered in full; a large one never holds the request).
const SCAN_WAIT: std::time::Duration = std::time::Duration::from_secs(20);

#[utoipa::path(post, path = "/api/v1/renewals/run-scan/",
    summary = "Run the renewal scan now over the caller's properties",
    responses(
        (status = 200, description = "What the scan did (it finished within 20 s)", body = ScanResponse),
        (status = 202, description = "The scan is still running in the background; see job_run_id", body = ScanResponse)))]
/// Runs the renewal scan now over the caller's properties (the same function as the 03:00 job) as
/// a background task recorded in `job_run` (`renewal-scan:manual`). Answers 200 with the
/// result when it finishes within `SCAN_WAIT`, else 202 with the run's id.
async fn run_scan(State(st): State<AppState>, p: Principal) -> ApiResult<(StatusCode, Json<ScanResponse>)> {
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let (gateway, now, pool) = (st.gateway.clone(), st.clock.now(), st.pool.clone());
    let today = now.date_naive();
    let run_id = pgdomain::start_run(&pool, Job::RenewalScan.name(), today, now).await?;
    let task = tokio::spawn(async move {
        let result =
            adapter::run(&pool, Some(p.properties.clone()), move |port| scan::renewal_scan(port, &gateway, today, now))
                .await;
        let (ok, summary, counts) = match &result {
            Ok(r) => (true, r.summary(), r.job_report(today).counts),
            Err(e) => (false, e.to_string(), serde_json::json!({})),
        };
        let finished = pgdomain::finish_run(&pool, run_id, ok, &summary, &counts).await;
        if let Err(e) = finished {
            tracing::error!(%run_id, error = %e, "cannot record the end of the manual renewal scan");
        }
        result
    });
    let report = match tokio::time::timeout(SCAN_WAIT, task).await {
        Ok(joined) => joined
            .map_err(|e| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("The renewal scan stopped: {e}")))??,
        Err(_) => {
            let detail = format!("The renewal scan is still running in the background (job run {run_id}).");
            return Ok((
                StatusCode::ACCEPTED,
                Json(ScanResponse {
                    created: 0,
                    expired: 0,
                    detail,
                    job_run_id: Some(run_id),
                    status: "running".into(),
                }),
            ));
        }
    };
    Ok((
        StatusCode::OK,
        Json(ScanResponse {
            created: report.created,
            expired: report.expired,
            detail: report.summary(),
            job_run_id: Some(run_id),
            status: "succeeded".into(),
        }),
    ))
}
