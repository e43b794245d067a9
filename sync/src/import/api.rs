//! Import endpoints (issue 14 item 2, `/api/v1/import/`). Thin: read the CSV body and the
//! parameters, check the caller, run the core's import over the PostgreSQL port (scoped to the
//! caller's properties, granting the imported ones), answer the report.

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use unitcycle_core::import::{self, ImportRequest};
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::adapter;
use crate::auth::{Principal, Role};
use crate::query::Query;
use crate::server::{ApiError, ApiResult, AppState, Body};
use crate::wire_import::ImportReportWire;

/// Largest rent roll accepted.
pub const MAX_CSV_BYTES: usize = 16 * 1024 * 1024;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(rent_roll).layer(DefaultBodyLimit::max(MAX_CSV_BYTES)))
        .routes(routes!(ledger).layer(DefaultBodyLimit::max(MAX_CSV_BYTES)))
}

/// The parameters of an import.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// true: answer what would be created and matched, and every bad row, writing nothing.
    pub dry_run: Option<bool>,
    /// Comma-separated column choices overriding the detected mapping, `COLUMN=field`
    /// (e.g. `Unit Type=bedrooms,Resident=ignore`).
    pub map: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/import/rent-roll/", operation_id = "import_rent_roll",
    summary = "Import a rent-roll CSV (AppFolio, Buildium, Yardi, Rent Manager or a spreadsheet); all rows or none",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv",
        description = "The rent roll, a header row then one row per unit"),
    responses((status = 200, description = "What was created and matched (a dry run: would be)", body = ImportReportWire)))]
async fn rent_roll(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ImportParams>,
    body: Body,
) -> ApiResult<Response> {
    run(st, p, q, body, Kind::RentRoll).await
}

#[utoipa::path(post, path = "/api/v1/import/ledger/", operation_id = "import_ledger",
    summary = "Import a transactions CSV (date, unit, tenant, description, charge/payment or amount) onto the leases in place; all rows or none",
    params(ImportParams),
    request_body(content = String, content_type = "text/csv",
        description = "The transactions, a header row then one charge or payment per row"),
    responses((status = 200, description = "What was created and matched (a dry run: would be)", body = ImportReportWire)))]
async fn ledger(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ImportParams>,
    body: Body,
) -> ApiResult<Response> {
    run(st, p, q, body, Kind::Ledger).await
}

#[derive(Clone, Copy)]
enum Kind {
    RentRoll,
    Ledger,
}

async fn run(st: AppState, p: Principal, q: ImportParams, body: Body, kind: Kind) -> ApiResult<Response> {
    if p.role != Role::Manager {
        return Err(ApiError::forbidden());
    }
    let csv = String::from_utf8(body.0.to_vec())
        .map_err(|_| ApiError::bad("The file is not UTF-8 text; export it as CSV (UTF-8)."))?;
    if csv.trim().is_empty() {
        return Err(ApiError::bad("The request body is empty: send the CSV."));
    }
    let overrides = import::parse_overrides(q.map.as_deref().unwrap_or("").split(','))
        .map_err(|e| ApiError::bad(format!("map: {e}")))?;
    let dry_run = q.dry_run.unwrap_or(false);
    let (now, actor, user) = (st.clock.now(), p.actor(), p.user_id);
    let report = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        port.grant_imports_to(user);
        let req = ImportRequest { csv: &csv, overrides: &overrides, dry_run, actor: &actor };
        match kind {
            Kind::RentRoll => import::import_rent_roll(port, &req, now.date_naive(), now),
            Kind::Ledger => import::ledger::import_ledger(port, &req, now),
        }
    })
    .await?;
    let wire = ImportReportWire::from(&report);
    let status = if report.errors.is_empty() { StatusCode::OK } else { StatusCode::BAD_REQUEST };
    Ok((status, Json(wire)).into_response())
}
