//! `/api/v1/screening/…` (spec 4.2): a manager submits, lists, reads, scores, approves or denies
//! an application and attaches the applicant's documents; the public intake form
//! (`POST /api/v1/screening/apply/`, no login, rate limited per client address) submits one for
//! an existing unit. Thin handlers over `unitcycle_core::screening::workflow`.
//!
//! Fair housing and privacy: lists carry no date of birth and no SSN digits
//! (`ApplicationRow`), the detail only whether they are on file (`redacted`), and the public
//! endpoint answers with the new application's id and status only.

use std::collections::HashMap;
use std::sync::Mutex;

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use unitcycle_core::screening::port::ScreeningPort;
use unitcycle_core::screening::workflow::{self as wf, ScreeningAction, ScreeningOutcome};
use unitcycle_core::screening::{redacted, ApplicationRow, NewApplication, ScreeningApplication, STATUSES};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::inspections::adapter::put_blob;
use crate::invoice_processing::api::{read_upload, too_large, FileUpload};
use crate::maintenance::api::page;
use crate::query::{self, Paging, Query};
use crate::server::{act, read, writer, ApiError, ApiResult, AppState, Body, ClientIp};
use crate::wire::{ErrorBody, Page};

/// The largest document an applicant uploads.
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// Applications the public intake form accepts per client address in [`INTAKE_WINDOW`].
pub const INTAKE_PER_WINDOW: usize = 10;
pub const INTAKE_WINDOW: Duration = Duration::hours(1);

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit, list))
        .routes(routes!(detail))
        .routes(routes!(score))
        .routes(routes!(approve))
        .routes(routes!(deny))
        // Room for the largest accepted document and the multipart framing around it.
        .routes(routes!(upload_document).layer(DefaultBodyLimit::max(MAX_DOCUMENT_BYTES + 64 * 1024)))
        .routes(routes!(apply))
}

const ID: &str = "The application's id";

fn application_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found("Application"))
}

/// Runs one screening action over the caller's properties.
async fn run(st: &AppState, p: &Principal, id: Uuid, action: ScreeningAction) -> ApiResult<ScreeningOutcome> {
    let now = st.clock.now();
    act(st, p, move |port| wf::apply_action(port, id, &action, now)).await
}

#[utoipa::path(post, path = "/api/v1/screening/applications/", operation_id = "screening_submit",
    summary = "Submit an application for a unit of one of the caller's properties (status submitted)",
    request_body = NewApplication,
    responses((status = 201, description = "The application (date of birth and SSN redacted)", body = ScreeningApplication),
        (status = 400, description = "Bad input, named", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody)))]
async fn submit(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    writer(&p)?;
    let new: NewApplication = body.json()?;
    let out = run(&st, &p, Uuid::new_v4(), ScreeningAction::Submit(new)).await?;
    Ok((StatusCode::CREATED, Json(out.application)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    /// `submitted`, `screening`, `scored`, `approved`, `conditionally_approved`, `denied` or
    /// `withdrawn`.
    pub status: Option<String>,
    /// A property's id.
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    /// A unit's id.
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/screening/applications/", operation_id = "screening_list",
    summary = "Every application, newest first, without date of birth or SSN; filters status, property and unit",
    params(ListFilter, Paging),
    responses((status = 200, description = "One page of applications", body = Page<ApplicationRow>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<ListFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<ApplicationRow>>> {
    let status = q.status.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(s) = &status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(ApiError::bad(format!("status: '{s}' is not one of: {}.", STATUSES.join(", "))));
        }
    }
    let apps = read(&st, &p, |port| port.applications()).await?;
    let rows = apps
        .iter()
        .filter(|a| status.as_ref().is_none_or(|s| a.status == *s))
        .filter(|a| q.property.is_none_or(|id| a.property_id == id))
        .filter(|a| q.unit.is_none_or(|id| a.unit_id == id))
        .map(ApplicationRow::from)
        .collect();
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(get, path = "/api/v1/screening/applications/{id}/", operation_id = "screening_detail",
    summary = "An application: every column, the score and its factors, the decision and the documents; the date of birth and SSN only as whether they are on file",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The application (redacted)", body = ScreeningApplication),
        (status = 404, description = "No such application", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Value>> {
    let id = application_id(&id)?;
    let app = read(&st, &p, move |port| port.application(id)).await?;
    Ok(Json(redacted(&app)))
}

#[utoipa::path(post, path = "/api/v1/screening/applications/{id}/score/", operation_id = "screening_score",
    summary = "Score an application by the spec's rules (income ratio, employment, rental history); every deduction named",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The application and its score", body = ScreeningOutcome),
        (status = 400, description = "Already decided", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody)))]
async fn score(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<ScreeningOutcome>> {
    let id = application_id(&id)?;
    Ok(Json(run(&st, &p, id, ScreeningAction::Score).await?))
}

/// The body of an approval.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ApproveBody {
    /// The decision's notes; a conditional approval states its conditions here.
    #[serde(default)]
    pub notes: String,
    /// Approve on conditions (default: when the score recommends it).
    #[serde(default)]
    pub conditional: Option<bool>,
}

#[utoipa::path(post, path = "/api/v1/screening/applications/{id}/approve/", operation_id = "screening_approve",
    summary = "Approve an application (conditionally when asked or when the score recommends it), on a fresh score",
    params(("id" = String, Path, description = ID)), request_body = ApproveBody,
    responses((status = 200, description = "The approved application and its score", body = ScreeningOutcome),
        (status = 400, description = "Already decided, or a conditional approval without conditions", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody)))]
async fn approve(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ScreeningOutcome>> {
    let id = application_id(&id)?;
    let b: ApproveBody = body.json_or_default()?;
    let action = ScreeningAction::Approve { notes: b.notes, conditional: b.conditional, actor: p.email.clone() };
    Ok(Json(run(&st, &p, id, action).await?))
}

/// The body of a denial.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct DenyBody {
    /// Why (printed on the adverse action notice); required.
    #[serde(default)]
    pub reason: Option<String>,
    /// Accepted in place of `reason`.
    #[serde(default)]
    pub decision_notes: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/screening/applications/{id}/deny/", operation_id = "screening_deny",
    summary = "Deny an application with a reason: the adverse action notice is produced and queued to the applicant",
    params(("id" = String, Path, description = ID)), request_body = DenyBody,
    responses((status = 200, description = "The denied application, its score and the notice's URL", body = ScreeningOutcome),
        (status = 400, description = "No reason, or already decided", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody)))]
async fn deny(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ScreeningOutcome>> {
    let id = application_id(&id)?;
    let b: DenyBody = body.json_or_default()?;
    let reason = b.reason.filter(|r| !r.trim().is_empty()).or(b.decision_notes).unwrap_or_default();
    let action = ScreeningAction::Deny { reason, actor: p.email.clone() };
    Ok(Json(run(&st, &p, id, action).await?))
}

/// The multipart body of the document upload (documentation only).
#[derive(ToSchema)]
pub struct DocumentUpload {
    /// The document: a PDF, JPEG or PNG of at most 20 MB.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// `pay_stub`, `tax_return`, `bank_statement`, `employer_letter`, `photo_id`,
    /// `reference_letter` or `other` (the default).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// The document's type, for a body sent as the raw file (default `other`).
    #[serde(rename = "type")]
    pub kind: Option<String>,
}

/// What kind of file `bytes` is, by its first bytes: its content type and extension.
pub(crate) fn sniff(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("application/pdf", "pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("image/jpeg", "jpg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("image/png", "png"))
    } else {
        None
    }
}

#[utoipa::path(post, path = "/api/v1/screening/applications/{id}/upload-document/", operation_id = "screening_upload_document",
    summary = "Attach a document to an application (multipart field 'file' and optional 'type', or the file as the body with ?type=); a PDF, JPEG or PNG of at most 20 MB",
    params(("id" = String, Path, description = ID), DocumentQuery),
    request_body(content = DocumentUpload, content_type = "multipart/form-data"),
    responses((status = 200, description = "The application with the document listed (redacted)", body = ScreeningApplication),
        (status = 400, description = "Not a PDF, JPEG or PNG, or an unknown type", body = ErrorBody),
        (status = 404, description = "No such application", body = ErrorBody),
        (status = 413, description = "Larger than 20 MB", body = ErrorBody)))]
async fn upload_document(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(q): Query<DocumentQuery>,
    request: Request,
) -> ApiResult<Json<Value>> {
    writer(&p)?;
    let id = application_id(&id)?;
    let up = read_upload(&st, request, "document", MAX_DOCUMENT_BYTES, &[]).await?;
    if up.bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(too_large("document", MAX_DOCUMENT_BYTES));
    }
    let kind = up.field("type").map(str::to_string).or(q.kind).map(|k| k.trim().to_string()).filter(|k| !k.is_empty());
    let kind = kind.unwrap_or_else(|| "other".into());
    let FileUpload { file_name: name, bytes, .. } = up;
    if !wf::DOCUMENT_TYPES.contains(&kind.as_str()) {
        return Err(ApiError::bad(format!("Document type '{kind}' is not one of: {}.", wf::DOCUMENT_TYPES.join(", "))));
    }
    let (content_type, ext) = sniff(&bytes).ok_or_else(|| ApiError::bad("The document is not a PDF, JPEG or PNG."))?;
    // Nothing is stored for an application the caller may not see.
    read(&st, &p, move |port| port.application(id)).await?;
    let now = st.clock.now();
    let hash = put_blob(&**st.pool.get().await?, &bytes, content_type, now).await?;
    let name = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()).unwrap_or(format!("{kind}.{ext}"));
    let app =
        act(&st, &p, move |port| wf::attach_document(port, id, &kind, &format!("blob:{hash}"), &name, now)).await?;
    Ok(Json(redacted(&app)))
}

/// Recent public submissions per client address, for the intake form's rate limit.
#[derive(Debug, Default)]
pub struct IntakeLimit {
    hits: Mutex<HashMap<String, Vec<DateTime<Utc>>>>,
}

impl IntakeLimit {
    /// Counts a submission from `key` at `now`; refused with the time it may try again when
    /// [`INTAKE_PER_WINDOW`] were counted in the window before.
    pub fn take(&self, key: &str, now: DateTime<Utc>) -> Result<(), DateTime<Utc>> {
        let mut map = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        // Forget stale keys now and then, so the map cannot grow without bound.
        if map.len() > 10_000 {
            map.retain(|_, times| times.iter().any(|t| *t > now - INTAKE_WINDOW));
        }
        let times = map.entry(key.to_string()).or_default();
        times.retain(|t| *t > now - INTAKE_WINDOW);
        if times.len() >= INTAKE_PER_WINDOW {
            return Err(times[0] + INTAKE_WINDOW);
        }
        times.push(now);
        Ok(())
    }
}

/// The answer to a public submission: never the stored data.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntakeReceipt {
    pub id: Uuid,
    pub status: String,
}

#[utoipa::path(post, path = "/api/v1/screening/apply/", operation_id = "screening_apply",
    summary = "The public application form (no login): submit an application for an existing unit; 10 per hour per client address",
    security(()), request_body = NewApplication,
    responses((status = 201, description = "Received: the application's id and status only", body = IntakeReceipt),
        (status = 400, description = "Bad input, named", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody),
        (status = 429, description = "Too many applications from this address; try again later", body = ErrorBody)))]
async fn apply(State(st): State<AppState>, ClientIp(ip): ClientIp, body: Body) -> ApiResult<Response> {
    let now = st.clock.now();
    let key = ip.map_or_else(|| "unknown".to_string(), |ip| ip.to_string());
    if let Err(at) = st.intake_limit.take(&key, now) {
        let minutes = (at - now).num_minutes() + 1;
        let mut resp = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many applications from this address; try again in {minutes} minute(s)."),
        )
        .into_response();
        resp.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(((at - now).num_seconds()).max(1)));
        return Ok(resp);
    }
    let new: NewApplication = body.json()?;
    // Only a unit that exists and is not archived takes applications; the submission runs in
    // the scope of that unit's property alone.
    let property: Option<Uuid> = st
        .pool
        .get()
        .await?
        .query_opt("SELECT property_id FROM units_unit WHERE id = $1 AND archived_at IS NULL", &[&new.unit_id])
        .await?
        .map(|r| r.get(0));
    let property = property.ok_or_else(|| ApiError::not_found("Unit"))?;
    let id = Uuid::new_v4();
    let action = ScreeningAction::Submit(new);
    let out = crate::adapter::run(&st.pool, Some(vec![property]), move |port| wf::apply_action(port, id, &action, now))
        .await?;
    let status = out.application["status"].as_str().unwrap_or("submitted").to_string();
    Ok((StatusCode::CREATED, Json(IntakeReceipt { id, status })).into_response())
}
