//! `/api/v1/abstractions/…` (spec 4.3): upload a lease PDF, read its terms, correct them, apply
//! confirmed terms to the lease record (from a diff), and the list. Thin handlers over
//! `unitcycle_core::lease_abstraction::workflow`.

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use unitcycle_core::document_ai::MAX_BYTES;
use unitcycle_core::lease_abstraction::workflow::{self as wf, ApplyOutcome, ApplyRequest, Upload};
use unitcycle_core::lease_abstraction::LeaseAbstraction;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::inspections::adapter::{blobs, put_blob};
use crate::invoice_processing::api::{read_pdf_upload, PdfUpload};
use crate::maintenance::api::page;
use crate::query::{self, Paging, Query};
use crate::server::{act, read, writer, ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload, list).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)))
        .routes(routes!(detail))
        .routes(routes!(document))
        .routes(routes!(update_terms))
        .routes(routes!(apply))
}

const ID: &str = "The abstraction's id";

fn abstraction_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found("Lease abstraction"))
}

/// The multipart body of the upload (documentation only).
#[derive(ToSchema)]
pub struct LeaseUpload {
    /// The lease as a PDF.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The lease record the document is, when known.
    pub lease_id: Option<Uuid>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The lease record the document is (for a body sent as application/pdf).
    #[serde(default, deserialize_with = "query::uuid")]
    pub lease_id: Option<Uuid>,
}

#[utoipa::path(post, path = "/api/v1/abstractions/", operation_id = "abstraction_upload",
    summary = "Upload a lease PDF (multipart field 'file' and optional 'lease_id', or the PDF as the body); its terms are extracted, non-standard clauses flagged and missing terms listed",
    params(UploadQuery),
    request_body(content = LeaseUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The abstraction", body = LeaseAbstraction),
        (status = 400, description = "Not a PDF, encrypted, too many pages, unsafe", body = ErrorBody),
        (status = 413, description = "Larger than 50 MB", body = ErrorBody)))]
async fn upload(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<UploadQuery>,
    request: Request,
) -> ApiResult<Response> {
    writer(&p)?;
    let PdfUpload { file_name, pdf, fields } = read_pdf_upload(&st, request, "lease").await?;
    let lease_id = match fields.iter().find(|(k, v)| k == "lease_id" && !v.is_empty()) {
        Some((_, v)) => Some(Uuid::parse_str(v).map_err(|_| ApiError::bad(format!("lease_id: '{v}' is not an id.")))?),
        None => q.lease_id,
    };
    unitcycle_core::document_ai::read_pdf(&pdf).map_err(|e| ApiError::bad(e.to_string()))?;
    let now = st.clock.now();
    let hash = put_blob(&**st.pool.get().await?, &pdf, "application/pdf", now).await?;
    let gateway = st.gateway.clone();
    let a = act(&st, &p, move |port| {
        let up = Upload { file_name: &file_name, pdf: &pdf, document_url: format!("blob:{hash}"), lease_id };
        wf::upload(port, &gateway, Uuid::new_v4(), &up, now)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListFilter {
    /// `uploaded`, `processing`, `extracted`, `reviewed` or `applied`.
    pub status: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/abstractions/", operation_id = "abstraction_list",
    summary = "Every lease abstraction, newest first; filters status and property", params(ListFilter, Paging),
    responses((status = 200, description = "One page of abstractions", body = Page<LeaseAbstraction>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<ListFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<LeaseAbstraction>>> {
    let status = q.status.filter(|s| !s.trim().is_empty());
    let rows = read(&st, &p, move |port| wf::list(port, status.as_deref(), q.property)).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(get, path = "/api/v1/abstractions/{id}/", operation_id = "abstraction_detail",
    summary = "An abstraction: every term of the schema (null where not found) with where it was printed, the non-standard clauses and the missing terms",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The abstraction", body = LeaseAbstraction),
        (status = 404, description = "No such abstraction", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<LeaseAbstraction>> {
    let id = abstraction_id(&id)?;
    Ok(Json(read(&st, &p, move |port| wf::abstraction(port, id)).await?))
}

#[utoipa::path(get, path = "/api/v1/abstractions/{id}/document/", operation_id = "abstraction_document",
    summary = "The uploaded lease PDF, for review beside the terms",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such abstraction or document", body = ErrorBody)))]
async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let id = abstraction_id(&id)?;
    let a = read(&st, &p, move |port| wf::abstraction(port, id)).await?;
    let hash = unitcycle_core::inspections::blob_hash(&a.document_url)
        .ok_or_else(|| ApiError::not_found("Lease document"))?
        .to_string();
    let bytes = blobs(&**st.pool.get().await?, std::slice::from_ref(&hash))
        .await?
        .remove(&hash)
        .ok_or_else(|| ApiError::not_found("Lease document"))?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}

#[utoipa::path(patch, path = "/api/v1/abstractions/{id}/terms/", operation_id = "abstraction_update_terms",
    summary = "Correct extracted terms (an object of terms, or {\"extracted_terms\": {...}}); each is checked against the schema's type",
    params(("id" = String, Path, description = ID)), request_body = Object,
    responses((status = 200, description = "The reviewed abstraction", body = LeaseAbstraction),
        (status = 400, description = "An unknown term or a value of the wrong type", body = ErrorBody),
        (status = 404, description = "No such abstraction", body = ErrorBody)))]
async fn update_terms(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseAbstraction>> {
    let id = abstraction_id(&id)?;
    let v: Value = body.json()?;
    let terms = match v.get("extracted_terms") {
        Some(Value::Object(m)) => m.clone(),
        _ => v.as_object().cloned().ok_or_else(|| ApiError::bad("Send the corrected terms as a JSON object."))?,
    };
    let (now, actor) = (st.clock.now(), p.actor());
    Ok(Json(act(&st, &p, move |port| wf::update_terms(port, id, &terms, &actor, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/abstractions/{id}/apply/", operation_id = "abstraction_apply",
    summary = "Apply extracted terms to the lease record: the diff of every applicable term; with dry_run only the diff, else the chosen fields (default: every one that changes) are written",
    params(("id" = String, Path, description = ID)), request_body = ApplyRequest,
    responses((status = 200, description = "The diff and what was applied", body = ApplyOutcome),
        (status = 400, description = "No lease named, a term that cannot apply, already applied", body = ErrorBody),
        (status = 404, description = "No such abstraction or lease", body = ErrorBody)))]
async fn apply(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ApplyOutcome>> {
    let id = abstraction_id(&id)?;
    let req: ApplyRequest = body.json_or_default()?;
    let now = st.clock.now();
    if req.dry_run {
        return Ok(Json(read(&st, &p, move |port| wf::apply(port, id, &req, now)).await?));
    }
    Ok(Json(act(&st, &p, move |port| wf::apply(port, id, &req, now)).await?))
}
