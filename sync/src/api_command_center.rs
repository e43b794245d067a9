//! Portfolio command center endpoints (spec 1.4, `/api/v1/portfolio/command-center/`): the
//! filtered unit table built from `adapter::command_center::rows` with
//! `unitcycle_core::command_center::{view, summary}`, and bulk actions run by
//! `unitcycle_core::command_center::bulk` over the storage port.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::Uri;
use axum::routing::{get, post};
use axum::{Json, Router};
use rust_decimal::Decimal;
use unitcycle_core::command_center::bulk::{self, BulkRequest, Method};
use unitcycle_core::command_center::{self, ActionType, Filter, SortBy};
use unitcycle_core::model::LeaseStatus;

use crate::adapter::{self, command_center as rows};
use crate::auth::Principal;
use crate::server::{parse_int, parse_uuid, query, ApiError, ApiResult, AppState, Body, MAX_PAGE_SIZE};
use crate::wire::{
    BulkActionRequest, BulkResultWire, CommandCenterSummaryWire, CommandCenterUnitWire, CommandCenterWire,
    QueueItemWire,
};

/// Units per page (spec: `per_page = 50`).
pub const PER_PAGE: i64 = 50;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/portfolio/command-center/", get(command_center))
        .route("/api/v1/portfolio/command-center/actions/", post(bulk_action))
        .route("/api/v1/portfolio/command-center/ai-queue/", get(ai_queue))
}

fn money(q: &HashMap<String, String>, name: &str) -> ApiResult<Option<Decimal>> {
    q.get(name)
        .filter(|v| !v.trim().is_empty())
        .map(|v| {
            v.trim()
                .parse::<Decimal>()
                .ok()
                .filter(|d| *d >= Decimal::ZERO)
                .ok_or_else(|| ApiError::bad(format!("{name}: '{v}' is not an amount.")))
        })
        .transpose()
}

/// The filter bar from the query string: `lifecycle_state` (comma-separated or repeated as
/// a list), `property_id`, `risk_level`, `min_rent`, `max_rent`, `days_to_event`, `sort_by`
/// (a leading `-` sorts descending).
fn filter(q: &HashMap<String, String>) -> ApiResult<Filter> {
    let lifecycle_states = match q.get("lifecycle_state").filter(|v| !v.trim().is_empty()) {
        None => Vec::new(),
        Some(v) => v
            .split(',')
            .map(|s| s.trim().parse::<LeaseStatus>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad(format!("lifecycle_state: {e}")))?,
    };
    let (sort_by, descending) = match q.get("sort_by").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        None => (None, false),
        Some(s) => {
            let (desc, name) = s.strip_prefix('-').map_or((false, s), |n| (true, n));
            (Some(name.parse::<SortBy>().map_err(|e| ApiError::bad(format!("sort_by: {e}")))?), desc)
        }
    };
    let risk_level = q.get("risk_level").map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Filter {
        lifecycle_states,
        property: q.get("property_id").map(|v| parse_uuid("property_id", v)).transpose()?,
        risk_level,
        min_rent: money(q, "min_rent")?,
        max_rent: money(q, "max_rent")?,
        days_to_event: q.get("days_to_event").map(|_| parse_int(q, "days_to_event", 0, 0, 100_000)).transpose()?,
        with_ai_action: q.get("with_ai_action").is_some_and(|v| v == "true" || v == "1"),
        sort_by,
        descending,
    })
}

async fn command_center(State(st): State<AppState>, p: Principal, uri: Uri) -> ApiResult<Json<CommandCenterWire>> {
    let q = query(&uri)?;
    let f = filter(&q)?;
    let page = parse_int(&q, "page", 1, 1, i64::MAX / MAX_PAGE_SIZE)?;
    let size = parse_int(&q, "page_size", PER_PAGE, 1, MAX_PAGE_SIZE)?;
    let today = st.clock.now().date_naive();
    let rows = rows::rows(&**st.pool.get().await?, &p.properties, today).await?;
    let shown = command_center::view(&rows, &f);
    let total = shown.len() as i64;
    let pages = ((total + size - 1) / size).max(1);
    if page > pages {
        return Err(ApiError::not_found("Page"));
    }
    let units = shown
        .iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|&i| CommandCenterUnitWire::from(&rows[i]))
        .collect();
    let summary = command_center::summary(shown.iter().map(|&i| &rows[i]));
    Ok(Json(CommandCenterWire {
        units,
        total: total as u64,
        page: page as u64,
        pages: pages as u64,
        summary: CommandCenterSummaryWire::from(&summary),
    }))
}

/// Executes a bulk action on the selected units; retrying with the same `request_id` executes
/// nothing twice.
async fn bulk_action(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<BulkResultWire>> {
    let req: BulkActionRequest = body.json()?;
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let action_type = req.action_type.parse::<ActionType>().map_err(|e| ApiError::bad(format!("action_type: {e}")))?;
    let method = serde_json::from_value::<Method>(serde_json::Value::String(req.method.clone()))
        .map_err(|_| ApiError::bad(format!("method: '{}' is not one of email, sms, both, manual.", req.method)))?;
    if req.request_id.len() > 100 {
        return Err(ApiError::bad("request_id: at most 100 characters."));
    }
    let core = BulkRequest {
        request_id: req.request_id,
        action_type,
        unit_ids: req.unit_ids,
        method,
        scheduled_for: req.scheduled_for,
        suggested_payload: req.suggested_payload,
    };
    let (gateway, actor, now) = (st.gateway.clone(), p.actor(), st.clock.now());
    let result = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        bulk::execute_bulk(port, &gateway, &core, &actor, now)
    })
    .await?;
    Ok(Json(BulkResultWire::from(&result)))
}

/// Pending AI recommendations of the caller's properties; filters `action_type`, `priority`.
async fn ai_queue(State(st): State<AppState>, p: Principal, uri: Uri) -> ApiResult<Json<Vec<QueueItemWire>>> {
    let q = query(&uri)?;
    let action_type = q
        .get("action_type")
        .map(|v| v.parse::<ActionType>().map(|a| a.as_str()).map_err(|e| ApiError::bad(format!("action_type: {e}"))))
        .transpose()?;
    let priority = q
        .get("priority")
        .map(|v| {
            v.parse::<command_center::Priority>()
                .map(|a| a.as_str())
                .map_err(|e| ApiError::bad(format!("priority: {e}")))
        })
        .transpose()?;
    let items = rows::ai_queue(&**st.pool.get().await?, &p.properties, action_type, priority).await?;
    Ok(Json(
        items
            .into_iter()
            .map(|i| QueueItemWire {
                id: i.id,
                unit_id: i.unit_id,
                unit_number: i.unit_number,
                property_id: i.property_id,
                action_type: i.action_type,
                description: i.description,
                suggested_payload: i.suggested_payload,
                generated_content: i.generated_content,
                confidence_score: i.confidence_score,
                priority: i.priority,
                lifecycle_state: i.lifecycle_state,
                generation_reason: i.generation_reason,
                ai_provider: i.ai_provider,
                generated_on: i.generated_on,
            })
            .collect(),
    ))
}
