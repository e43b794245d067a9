//! `/api/v1/invoices/…` (spec 3.2): upload an invoice PDF, read its extraction, approve it with
//! corrections, match it to a work order by hand, and the processing queue. Thin handlers over
//! `unitcycle_core::invoice_processing::workflow`.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use unitcycle_core::document_ai::MAX_BYTES;
use unitcycle_core::invoice_processing::record::InvoiceAiExtraction;
use unitcycle_core::invoice_processing::workflow::{self as wf, ApproveExtraction, Upload};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::inspections::adapter::{blobs, put_blob};
use crate::maintenance::api::page;
use crate::query::{Paging, Query};
use crate::server::{act, read, writer, ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        // Room for the largest accepted PDF and the multipart framing around it.
        .routes(routes!(upload).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024)))
        .routes(routes!(extraction))
        .routes(routes!(document))
        .routes(routes!(approve_extraction))
        .routes(routes!(match_work_order))
        .routes(routes!(processing_queue))
}

const ID: &str = "The invoice's id";

fn invoice_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found("Invoice"))
}

/// The multipart body of `upload` (documentation only): one PDF file.
#[derive(ToSchema)]
pub struct InvoiceUpload {
    /// The invoice as a PDF.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
}

/// The answer to an upload: the new invoice's id and its extraction (already read: the offline
/// reader and Claude both answer within the request).
#[derive(Serialize, ToSchema)]
pub struct UploadResponse {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub status: String,
    pub extraction: InvoiceAiExtraction,
}

/// An uploaded file and the form's other (text) fields: a multipart body's file (the first
/// with a file name, or the field named `file`), or the whole body.
pub(crate) struct FileUpload {
    /// The name the client gave, if any.
    pub file_name: Option<String>,
    pub bytes: Vec<u8>,
    pub fields: Vec<(String, String)>,
}

impl FileUpload {
    /// The text field `name`, if sent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

pub(crate) fn too_large(what: &str, max_bytes: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("The {what} is larger than {} MB.", max_bytes >> 20))
}

/// Reads an upload of at most `max_bytes`: multipart/form-data, or the whole body when its
/// content type is one of `raw_types` (any content type when `raw_types` is empty).
pub(crate) async fn read_upload(
    st: &AppState,
    request: Request,
    what: &str,
    max_bytes: usize,
    raw_types: &[&str],
) -> ApiResult<FileUpload> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    if content_type.starts_with("multipart/form-data") {
        let form = Multipart::from_request(request, st).await.map_err(|e: MultipartRejection| {
            ApiError::bad(format!("Send the {what} as multipart/form-data with a 'file' field ({}).", e.body_text()))
        })?;
        return file_of(form, what, max_bytes).await;
    }
    if raw_types.is_empty() || raw_types.iter().any(|t| content_type.starts_with(t)) {
        let Body(bytes) = Body::from_request(request, st).await.map_err(|e| {
            if e.status == StatusCode::PAYLOAD_TOO_LARGE {
                too_large(what, max_bytes)
            } else {
                e
            }
        })?;
        return Ok(FileUpload { file_name: None, bytes: bytes.to_vec(), fields: Vec::new() });
    }
    Err(ApiError::bad(format!(
        "Send the {what} as multipart/form-data with a 'file' field, or as the body with Content-Type {}.",
        raw_types.join(" or ")
    )))
}

async fn file_of(mut form: Multipart, what: &str, max_bytes: usize) -> ApiResult<FileUpload> {
    let bad = |status: StatusCode, text: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            too_large(what, max_bytes)
        } else {
            ApiError::new(status, format!("Cannot read the multipart upload: {text}"))
        }
    };
    let mut file = None;
    let mut fields = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| bad(e.status(), e.body_text()))? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let bytes = field.bytes().await.map_err(|e| bad(e.status(), e.body_text()))?;
        match file_name {
            Some(f) if file.is_none() => file = Some((Some(f), bytes.to_vec())),
            None if name == "file" && file.is_none() => file = Some((None, bytes.to_vec())),
            None => fields.push((name, String::from_utf8_lossy(&bytes).trim().to_string())),
            Some(_) => {}
        }
    }
    let (file_name, bytes) =
        file.ok_or_else(|| ApiError::bad(format!("Attach the {what} as the multipart field 'file'.")))?;
    Ok(FileUpload { file_name, bytes, fields })
}

/// The PDF of an upload and its multipart text fields (the file named `<what>.pdf` when the
/// client gave no name).
pub(crate) struct PdfUpload {
    pub file_name: String,
    pub pdf: Vec<u8>,
    pub fields: Vec<(String, String)>,
}

pub(crate) async fn read_pdf_upload(st: &AppState, request: Request, what: &str) -> ApiResult<PdfUpload> {
    let up = read_upload(st, request, what, MAX_BYTES, &["application/pdf", "application/octet-stream"]).await?;
    Ok(PdfUpload { file_name: up.file_name.unwrap_or_else(|| format!("{what}.pdf")), pdf: up.bytes, fields: up.fields })
}

#[utoipa::path(post, path = "/api/v1/invoices/upload/", operation_id = "invoice_upload",
    summary = "Upload an invoice PDF (multipart field 'file', or the PDF as the body with Content-Type application/pdf); it is read, matched to a work order, coded and price-checked",
    request_body(content = InvoiceUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The invoice and its extraction", body = UploadResponse),
        (status = 400, description = "Not a PDF, encrypted, too many pages, unsafe", body = ErrorBody),
        (status = 413, description = "Larger than 50 MB", body = ErrorBody)))]
async fn upload(State(st): State<AppState>, p: Principal, request: Request) -> ApiResult<Response> {
    writer(&p)?;
    let PdfUpload { file_name, pdf, .. } = read_pdf_upload(&st, request, "invoice").await?;
    // Refused before anything is stored.
    wf::read_upload(&pdf).map_err(|e| ApiError::bad(e.to_string()))?;
    let now = st.clock.now();
    let hash = put_blob(&**st.pool.get().await?, &pdf, "application/pdf", now).await?;
    let gateway = st.gateway.clone();
    let x = act(&st, &p, move |port| {
        let up = Upload { file_name: &file_name, pdf: &pdf, source_document: format!("blob:{hash}") };
        wf::upload(port, &gateway, Uuid::new_v4(), &up, now)
    })
    .await?;
    let out = UploadResponse { id: x.invoice_id, invoice_id: x.invoice_id, status: x.status.clone(), extraction: x };
    Ok((StatusCode::CREATED, Json(out)).into_response())
}

#[utoipa::path(get, path = "/api/v1/invoices/{id}/extraction/", operation_id = "invoice_extraction",
    summary = "An invoice's extraction: every field with its confidence and place on the page, the work-order match, GL code and price check",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The extraction", body = InvoiceAiExtraction),
        (status = 404, description = "No such invoice, or it was not uploaded", body = ErrorBody)))]
async fn extraction(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<InvoiceAiExtraction>> {
    let id = invoice_id(&id)?;
    Ok(Json(read(&st, &p, move |port| wf::extraction(port, id)).await?))
}

#[utoipa::path(get, path = "/api/v1/invoices/{id}/document/", operation_id = "invoice_document",
    summary = "The uploaded PDF, for review beside the fields",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such invoice or document", body = ErrorBody)))]
async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let id = invoice_id(&id)?;
    let x = read(&st, &p, move |port| wf::extraction(port, id)).await?;
    let hash = unitcycle_core::inspections::blob_hash(&x.source_document)
        .ok_or_else(|| ApiError::not_found("Invoice document"))?
        .to_string();
    let mut found = blobs(&**st.pool.get().await?, std::slice::from_ref(&hash)).await?;
    let bytes = found.remove(&hash).ok_or_else(|| ApiError::not_found("Invoice document"))?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}

#[utoipa::path(post, path = "/api/v1/invoices/{id}/approve-extraction/", operation_id = "invoice_approve_extraction",
    summary = "Approve the extraction with optional field overrides; the invoice is approved with its lines and GL code, and the vendor's template learns the corrections",
    params(("id" = String, Path, description = ID)), request_body = ApproveExtraction,
    responses((status = 200, description = "The approved extraction", body = InvoiceAiExtraction),
        (status = 400, description = "A field missing, figures that do not add up, a duplicate, bad input", body = ErrorBody),
        (status = 404, description = "No such invoice", body = ErrorBody)))]
async fn approve_extraction(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<InvoiceAiExtraction>> {
    let id = invoice_id(&id)?;
    // The corrections, sent as the body or under "overrides".
    let raw: serde_json::Value = body.json_or_default()?;
    let raw = match raw {
        serde_json::Value::Object(mut m) if m.contains_key("overrides") && m.len() == 1 => {
            m.remove("overrides").unwrap_or_default()
        }
        serde_json::Value::Null => serde_json::json!({}),
        other => other,
    };
    let overrides: ApproveExtraction =
        serde_json::from_value(raw).map_err(|e| ApiError::bad(format!("Malformed corrections: {e}")))?;
    let x = read(&st, &p, move |port| wf::extraction(port, id)).await?;
    let pdf = match unitcycle_core::inspections::blob_hash(&x.source_document).map(str::to_string) {
        Some(h) => blobs(&**st.pool.get().await?, std::slice::from_ref(&h)).await?.remove(&h),
        None => None,
    };
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::approve(port, id, &overrides, pdf.as_deref(), now)).await?))
}

/// The body of `match-work-order`.
#[derive(Deserialize, ToSchema)]
pub struct MatchWorkOrder {
    /// Also read as `work_order`.
    #[serde(alias = "work_order")]
    pub work_order_id: Uuid,
}

#[utoipa::path(post, path = "/api/v1/invoices/{id}/match-work-order/", operation_id = "invoice_match_work_order",
    summary = "Match the invoice to a work order by hand",
    params(("id" = String, Path, description = ID)), request_body = MatchWorkOrder,
    responses((status = 200, description = "The extraction with the match", body = InvoiceAiExtraction),
        (status = 400, description = "Bad input, or the invoice is approved", body = ErrorBody),
        (status = 404, description = "No such invoice or work order", body = ErrorBody)))]
async fn match_work_order(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<InvoiceAiExtraction>> {
    let id = invoice_id(&id)?;
    let m: MatchWorkOrder = body.json()?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::match_work_order(port, id, m.work_order_id, now)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueFilter {
    /// `processing`, `extracted`, `approved`, `rejected` or `failed`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/invoices/processing-queue/", operation_id = "invoice_processing_queue",
    summary = "Every invoice in the processing pipeline: open ones first (needing review first, then oldest), then the approved",
    params(QueueFilter, Paging),
    responses((status = 200, description = "One page of extractions", body = Page<InvoiceAiExtraction>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn processing_queue(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<QueueFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<InvoiceAiExtraction>>> {
    let status = q.status.filter(|s| !s.trim().is_empty());
    let rows = read(&st, &p, move |port| wf::processing_queue(port, status.as_deref())).await?;
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}
