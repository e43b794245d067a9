//! Portfolio command center endpoints (spec 1.4, `/api/v1/portfolio/command-center/`): the
//! filtered unit table built from `adapter::command_center::rows` with
//! `unitcycle_core::command_center::{view, summary}`, and bulk actions run by
//! `unitcycle_core::command_center::bulk` over the storage port.

use axum::extract::State;
use axum::Json;
use rust_decimal::Decimal;
use serde::Deserialize;
use unitcycle_core::command_center::bulk::{self, BulkRequest, Method};
use unitcycle_core::command_center::{self, ActionType, Filter, SortBy};
use unitcycle_core::model::LeaseStatus;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::adapter::{self, command_center as rows};
use crate::auth::Principal;
use crate::query::{self, Query, Whole};
use crate::server::{ApiError, ApiResult, AppState, Body, MAX_PAGE_SIZE};
use crate::wire::{
    BulkActionRequest, BulkResultWire, CommandCenterSummaryWire, CommandCenterUnitWire, CommandCenterWire,
    QueueItemWire,
};

/// Units per page (spec: `per_page = 50`).
pub const PER_PAGE: i64 = 50;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(command_center)).routes(routes!(bulk_action)).routes(routes!(ai_queue))
}

/// The filter bar: `lifecycle_state` (comma-separated), `property_id`, `risk_level`, `min_rent`,
/// `max_rent`, `days_to_event`, `with_ai_action`, `sort_by` (a leading `-` sorts descending),
/// and the page.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommandCenterQuery {
    /// Comma-separated lifecycle states (active, month_to_month, notice, vacant).
    pub lifecycle_state: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property_id: Option<Uuid>,
    pub risk_level: Option<String>,
    #[serde(default, deserialize_with = "query::amount")]
    #[param(value_type = Option<String>)]
    pub min_rent: Option<Decimal>,
    #[serde(default, deserialize_with = "query::amount")]
    #[param(value_type = Option<String>)]
    pub max_rent: Option<Decimal>,
    /// Units whose next event is at most this many days away.
    #[param(value_type = Option<i64>, minimum = 0, maximum = 100000)]
    pub days_to_event: Option<Whole>,
    /// `true` or `1`: only units with a pending AI action.
    pub with_ai_action: Option<String>,
    /// A column to sort by; a leading `-` sorts descending.
    pub sort_by: Option<String>,
    /// The page, from 1.
    #[param(value_type = Option<i64>, minimum = 1)]
    pub page: Option<Whole>,
    /// Units per page (default 50).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 1000)]
    pub page_size: Option<Whole>,
}

fn filter(q: &CommandCenterQuery) -> ApiResult<Filter> {
    let lifecycle_states = match q.lifecycle_state.as_ref().filter(|v| !v.trim().is_empty()) {
        None => Vec::new(),
        Some(v) => v
            .split(',')
            .map(|s| s.trim().parse::<LeaseStatus>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad(format!("lifecycle_state: {e}")))?,
    };
    let (sort_by, descending) = match q.sort_by.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => (None, false),
        Some(s) => {
            let (desc, name) = s.strip_prefix('-').map_or((false, s), |n| (true, n));
            (Some(name.parse::<SortBy>().map_err(|e| ApiError::bad(format!("sort_by: {e}")))?), desc)
        }
    };
    let risk_level = q.risk_level.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    Ok(Filter {
        lifecycle_states,
        property: q.property_id,
        risk_level,
        min_rent: q.min_rent,
        max_rent: q.max_rent,
        days_to_event: q
            .days_to_event
            .as_ref()
            .map(|_| Whole::within(&q.days_to_event, "days_to_event", 0, 0, 100_000))
            .transpose()?,
        with_ai_action: q.with_ai_action.as_ref().is_some_and(|v| v == "true" || v == "1"),
        sort_by,
        descending,
    })
}

#[utoipa::path(get, path = "/api/v1/portfolio/command-center/",
    summary = "Unit table; filters lifecycle_state (comma list), property_id, risk_level, min_rent, max_rent, days_to_event, sort_by, page",
    params(CommandCenterQuery),
    responses((status = 200, description = "The unit table", body = CommandCenterWire)))]
async fn command_center(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<CommandCenterQuery>,
) -> ApiResult<Json<CommandCenterWire>> {
    let f = filter(&q)?;
    let page = Whole::within(&q.page, "page", 1, 1, i64::MAX / MAX_PAGE_SIZE)?;
    let size = Whole::within(&q.page_size, "page_size", PER_PAGE, 1, MAX_PAGE_SIZE)?;
    let client = st.pool.get().await?;
    let days = crate::pg::days(&**client, &p.properties, st.clock.now()).await?;
    let rows = rows::rows(&**client, &p.properties, &days).await?;
    let shown = command_center::view(&rows, &f);
    let total = shown.len() as i64;
    let pages = ((total + size - 1) / size).max(1);
    if page > pages {
        return Err(ApiError::not_found("Page"));
    }
    let mut units: Vec<CommandCenterUnitWire> = shown
        .iter()
        .skip(((page - 1) * size) as usize)
        .take(size as usize)
        .map(|&i| CommandCenterUnitWire::from(&rows[i]))
        .collect();
    top_actions(&client, &mut units).await?;
    let summary = command_center::summary(shown.iter().map(|&i| &rows[i]));
    Ok(Json(CommandCenterWire {
        units,
        total: total as u64,
        page: page as u64,
        pages: pages as u64,
        summary: CommandCenterSummaryWire::from(&summary),
    }))
}

/// Fills each unit's `ai_action` with the spec's fields of its top pending action (highest
/// confidence), read for the page's units only.
async fn top_actions(c: &tokio_postgres::Client, units: &mut [CommandCenterUnitWire]) -> ApiResult<()> {
    let ids: Vec<uuid::Uuid> = units.iter().filter(|u| u.ai_action.is_some()).map(|u| u.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let rows = c
        .query(
            "SELECT DISTINCT ON (unit_id) unit_id, description, priority, suggested_payload, generation_reason,
                    confidence_score::float8
             FROM ai_action_queue WHERE unit_id = ANY($1) AND status = 'pending'
             ORDER BY unit_id, confidence_score DESC, generated_at DESC",
            &[&ids],
        )
        .await?;
    for r in rows {
        let unit: uuid::Uuid = r.get(0);
        let Some(a) = units.iter_mut().find(|u| u.id == unit).and_then(|u| u.ai_action.as_mut()) else { continue };
        a.description = r.get(1);
        a.priority = r.get(2);
        a.suggested_payload = r.get(3);
        a.generation_reason = r.get(4);
        a.confidence_score = Some(r.get(5));
    }
    Ok(())
}

#[utoipa::path(post, path = "/api/v1/portfolio/command-center/actions/",
    summary = "Bulk action on selected units; a retry with the same request_id executes nothing twice",
    request_body = BulkActionRequest,
    responses((status = 200, description = "What was done", body = BulkResultWire)))]
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
    let request_id = req.request_id.unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    if request_id.len() > 100 {
        return Err(ApiError::bad("request_id: at most 100 characters."));
    }
    let core = BulkRequest {
        request_id,
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

/// `?action_type=&priority=` of the AI queue.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AiQueueQuery {
    pub action_type: Option<String>,
    /// low, medium, high or urgent.
    pub priority: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/portfolio/command-center/ai-queue/",
    summary = "Pending AI recommendations, most urgent first; filters action_type, priority",
    params(AiQueueQuery),
    responses((status = 200, description = "The pending recommendations", body = Vec<QueueItemWire>)))]
/// Pending AI recommendations of the caller's properties; filters `action_type`, `priority`.
async fn ai_queue(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<AiQueueQuery>,
) -> ApiResult<Json<Vec<QueueItemWire>>> {
    let action_type = q
        .action_type
        .as_ref()
        .map(|v| v.parse::<ActionType>().map(|a| a.as_str()).map_err(|e| ApiError::bad(format!("action_type: {e}"))))
        .transpose()?;
    let priority = q
        .priority
        .as_ref()
        .map(|v| {
            v.parse::<command_center::Priority>()
                .map(|a| a.as_str())
                .map_err(|e| ApiError::bad(format!("priority: {e}")))
        })
        .transpose()?;
    Ok(Json(rows::ai_queue(&**st.pool.get().await?, &p.properties, action_type, priority).await?))
}
