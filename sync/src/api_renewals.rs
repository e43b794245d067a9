//! Renewal endpoints (spec 1.2, `/api/v1/renewals/`). Thin handlers: parse, check the caller,
//! run the core's scan or workflow (`unitcycle_core::renewals`) over the PostgreSQL port, answer
//! in the wire format.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::routing::{get, post};
use axum::{Json, Router};
use unitcycle_core::jobs::Job;
use unitcycle_core::renewals::{self, scan, workflow, ChurnRiskLevel, RenewalAction, RenewalStatus};
use uuid::Uuid;

use crate::adapter::renewals::Filter;
use crate::adapter::{self, renewals as rows};
use crate::auth::Principal;
use crate::pgdomain;
use crate::server::{
    page_links, parse_int, parse_uuid, query, ApiError, ApiResult, AppState, Body, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};
use crate::wire::{ApproveRequest, Page, RenewalStatsWire, RenewalWire, ScanResponse};

pub fn routes() -> Router<AppState> {
    let base = "/api/v1/renewals";
    Router::new()
        .route(&format!("{base}/"), get(list))
        .route(&format!("{base}/dashboard-stats/"), get(dashboard_stats))
        .route(&format!("{base}/run-scan/"), post(run_scan))
        .route(&format!("{base}/{{id}}/"), get(detail))
        .route(&format!("{base}/{{id}}/approve/"), post(approve))
        .route(&format!("{base}/{{id}}/send/"), post(send))
        .route(&format!("{base}/{{id}}/accept/"), post(accept))
        .route(&format!("{base}/{{id}}/decline/"), post(decline))
        .route(&format!("{base}/{{id}}/generate-letter/"), post(generate_letter))
}

/// A comma-separated list of values of a string enum, checked.
fn enum_list<T: std::str::FromStr<Err = E>, E: std::fmt::Display>(
    q: &HashMap<String, String>,
    name: &str,
    as_str: fn(&T) -> &'static str,
) -> ApiResult<Vec<String>> {
    let Some(v) = q.get(name).filter(|v| !v.trim().is_empty()) else { return Ok(Vec::new()) };
    v.split(',')
        .map(|s| s.trim().parse::<T>().map(|t| as_str(&t).to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad(format!("{name}: {e}")))
}

fn filter(q: &HashMap<String, String>) -> ApiResult<Filter> {
    Ok(Filter {
        status: enum_list::<RenewalStatus, _>(q, "status", |s| s.as_str())?,
        churn_risk_level: enum_list::<ChurnRiskLevel, _>(q, "churn_risk_level", |s| s.as_str())?,
        property: q.get("property").map(|v| parse_uuid("property", v)).transpose()?,
        lease: q.get("lease").map(|v| parse_uuid("lease", v)).transpose()?,
    })
}

async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Json<Page<RenewalWire>>> {
    let q = query(&uri)?;
    let f = filter(&q)?;
    let page = parse_int(&q, "page", 1, 1, i64::MAX / MAX_PAGE_SIZE)?;
    let size = parse_int(&q, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)?;
    let client = st.pool.get().await?;
    let (count, recs) = rows::list(&**client, &p.properties, &f, (page - 1) * size, size).await?;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, &q, page, size, count);
    Ok(Json(Page { count: count as u64, next, previous, results: recs.iter().map(RenewalWire::from).collect() }))
}

async fn dashboard_stats(State(st): State<AppState>, p: Principal, uri: Uri) -> ApiResult<Json<RenewalStatsWire>> {
    let f = filter(&query(&uri)?)?;
    let recs = rows::all(&**st.pool.get().await?, &p.properties, &f).await?;
    Ok(Json(RenewalStatsWire::from(&renewals::dashboard_stats(&recs))))
}

fn rec_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found("Renewal recommendation"))
}

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

async fn approve(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<RenewalWire>> {
    let req: ApproveRequest = body.json_or_default()?;
    step(st, p, id, RenewalAction::Approve { recommended_rent: req.recommended_rent }).await
}

async fn send(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RenewalWire>> {
    step(st, p, id, RenewalAction::Send).await
}

async fn accept(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RenewalWire>> {
    step(st, p, id, RenewalAction::Accept).await
}

async fn decline(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<RenewalWire>> {
    step(st, p, id, RenewalAction::Decline).await
}

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
