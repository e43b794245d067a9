//! Move-in inspection endpoints (spec 4.4, `/api/v1/move-in-inspections/`). Thin handlers:
//! each edit runs a `unitcycle_core::inspections::workflow` function over the PostgreSQL port
//! (`adapter::inspections`), which writes the rows that changed in one transaction (entered in
//! the change log, so replicas receive them); reads and the list query the adapter directly.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::multipart::MultipartRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use serde::Deserialize;
use unitcycle_core::inspections::workflow::{self, PhotoFile};
use unitcycle_core::inspections::{
    self as insp, ConditionRating, InspectionDetail, InspectionError, InspectionStatus, SignerRole,
};
use unitcycle_core::port::Records;
use unitcycle_core::store::StoreError;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::adapter;
use crate::adapter::inspections::{self as rows, Filter};
use crate::auth::Principal;
use crate::query::{self, Paging, Query};
use crate::server::{page_links, parse_date, parse_uuid, writer, ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, Page};
use crate::wire_inspections::{
    AnalysisRunWire, CompletenessWire, CreateInspectionRequest, InspectionDetailWire, InspectionListWire,
    ItemOverrideRequest, ItemWire, PhotoWire, QualityWire, ReportWire, SignRequest, UploadWire, UploadedFileWire,
};

/// Largest upload-photos request (several photos of up to 40 MB each would not fit; phones
/// send a few MB per photo).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Most files in one upload-photos request.
pub const MAX_UPLOAD_FILES: usize = 20;
/// Longest human note on an item.
const MAX_NOTES_CHARS: usize = 5000;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(upload_photos).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
        .routes(routes!(analyze))
        .routes(routes!(completeness))
        .routes(routes!(override_item))
        .routes(routes!(sign))
        .routes(routes!(generate_report))
        .routes(routes!(finalize))
}

/// The multipart body of `upload-photos` (documentation only).
#[derive(ToSchema)]
pub struct PhotoUpload {
    /// The room the photos show.
    pub room_id: Uuid,
    /// One or more image files.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub files: Vec<Vec<u8>>,
}

const ID: &str = "The inspection's id";

/// The caller's address for the signature record: the first `X-Forwarded-For` entry when a
/// proxy or load balancer sets one (the servers run behind one), else the connection's peer.
pub struct ClientIp(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Infallible> {
        let forwarded = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok());
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientIp(forwarded.or(peer).map(|ip| ip.to_string()).unwrap_or_default()))
    }
}

fn inspection_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found("Move-in inspection"))
}

/// A rule of `unitcycle_core::inspections` refused: a finalized inspection is a conflict,
/// everything else bad input. The message is the core's.
fn refused(e: InspectionError) -> ApiError {
    let status = match e {
        InspectionError::Finalized(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    let text = e.to_string();
    let mut chars = text.chars();
    let detail = chars.next().map(|c| c.to_uppercase().chain(chars).collect::<String>()).unwrap_or_default();
    ApiError::new(status, format!("{}.", detail.trim_end_matches('.')))
}

async fn load(c: &impl tokio_postgres::GenericClient, p: &Principal, id: Uuid) -> ApiResult<InspectionDetail> {
    rows::load(c, id, &p.properties, false).await?.ok_or_else(|| ApiError::not_found("Move-in inspection"))
}

/// How a workflow's failure reaches the caller: a refused inspection rule as `refused` says.
fn api(e: StoreError) -> ApiError {
    match e {
        StoreError::Inspection(e) => refused(e),
        other => other.into(),
    }
}

// --- list, create, detail, completeness --------------------------------------------------

/// The filters of the inspection list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InspectionFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub lease: Option<Uuid>,
    /// Comma-separated statuses (in_progress, ai_processing, review, pending_signatures, finalized).
    pub status: Option<String>,
}

fn filter(q: &InspectionFilter) -> ApiResult<Filter> {
    let status = query::enum_list::<InspectionStatus, _>(&q.status, "status", |s| s.as_str())?;
    Ok(Filter { unit: q.unit, property: q.property, lease: q.lease, status })
}

#[utoipa::path(get, path = "/api/v1/move-in-inspections/", operation_id = "list_inspections",
    summary = "Move-in inspections, newest first; filters unit, property, lease, status (comma list)",
    params(InspectionFilter, Paging),
    responses((status = 200, description = "A page of inspections", body = Page<InspectionListWire>)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<InspectionFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<InspectionListWire>>> {
    let f = filter(&q)?;
    let (page, size) = paging.get()?;
    let client = st.pool.get().await?;
    let (count, rows) = rows::list(&**client, &p.properties, &f, (page - 1) * size, size).await?;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, page, size, count);
    Ok(Json(Page { count: count as u64, next, previous, results: rows.iter().map(InspectionListWire::from).collect() }))
}

#[utoipa::path(post, path = "/api/v1/move-in-inspections/", operation_id = "create_inspection",
    summary = "Start a move-in inspection for a lease; rooms come from the unit's bedrooms and bathrooms",
    request_body = CreateInspectionRequest,
    responses((status = 201, description = "The new inspection", body = InspectionDetailWire)))]
async fn create(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let req: CreateInspectionRequest = body.json()?;
    writer(&p)?;
    let lease_text = req.lease.filter(|l| !l.trim().is_empty()).ok_or_else(|| ApiError::bad("lease: required."))?;
    let lease_id = parse_uuid("lease", &lease_text)?;
    let now = st.clock.now();
    let date = match req.inspection_date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => Some(parse_date("inspection_date", d)?),
        None => None,
    };
    let inspector = req.inspector_name.unwrap_or_default();
    let d = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        // Unless given, the inspection is dated on the property's local date.
        let date = match date {
            Some(d) => d,
            None => unitcycle_core::time::today_at(port, port.lease(lease_id)?.property_id, now)?,
        };
        workflow::create(port, lease_id, &inspector, date, now)
    })
    .await
    .map_err(|e| match e {
        StoreError::NotFound { what: "Lease", .. } => {
            ApiError::bad(format!("lease: no lease {lease_id} in the properties you may see."))
        }
        other => api(other),
    })?;
    Ok((StatusCode::CREATED, Json(InspectionDetailWire::from(&d))).into_response())
}

#[utoipa::path(get, path = "/api/v1/move-in-inspections/{id}/", operation_id = "inspection_detail",
    summary = "Full detail with nested rooms, items and photos", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The inspection", body = InspectionDetailWire)))]
async fn detail(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDetailWire>> {
    let id = inspection_id(&id)?;
    let client = st.pool.get().await?;
    Ok(Json(InspectionDetailWire::from(&load(&**client, &p, id).await?)))
}

#[utoipa::path(get, path = "/api/v1/move-in-inspections/{id}/completeness/",
    summary = "Coverage check: rooms without photos, items without ratings, signatures missing", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "What is missing", body = CompletenessWire)))]
async fn completeness(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<CompletenessWire>> {
    let id = inspection_id(&id)?;
    let client = st.pool.get().await?;
    let d = load(&**client, &p, id).await?;
    Ok(Json(CompletenessWire::from(&insp::completeness(&d))))
}

// --- photos and analysis -----------------------------------------------------------------

/// One file of a multipart upload.
pub(crate) struct Upload {
    pub file_name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

fn multipart_error(status: StatusCode, text: String) -> ApiError {
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::new(
            status,
            format!("The upload is larger than {} MB; send fewer photos at a time.", MAX_UPLOAD_BYTES >> 20),
        )
    } else {
        ApiError::new(status, format!("Cannot read the multipart upload: {text}"))
    }
}

/// Reads `room_id` and the files of a multipart body.
/// The files of a multipart upload and its text field `field` (the room).
pub(crate) async fn read_uploads(mut form: Multipart, room_field: &str) -> ApiResult<(Option<String>, Vec<Upload>)> {
    let mut room = None;
    let mut files = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| multipart_error(e.status(), e.body_text()))? {
        let name = field.name().unwrap_or("").to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().unwrap_or("").to_string();
        let bytes = field.bytes().await.map_err(|e| multipart_error(e.status(), e.body_text()))?;
        match file_name {
            Some(file_name) => {
                if files.len() == MAX_UPLOAD_FILES {
                    return Err(ApiError::bad(format!(
                        "An upload holds at most {MAX_UPLOAD_FILES} photos; send the rest in another request."
                    )));
                }
                files.push(Upload { file_name, content_type, bytes: bytes.to_vec() });
            }
            None if name == room_field => room = Some(String::from_utf8_lossy(&bytes).trim().to_string()),
            None => {}
        }
    }
    Ok((room, files))
}

#[utoipa::path(post, path = "/api/v1/move-in-inspections/{id}/upload-photos/",
    summary = "Upload photos (multipart/form-data: room_id and one or more files); each is quality-checked", params(("id" = String, Path, description = ID)),
    request_body(content = PhotoUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "Each file stored or refused, with its quality check", body = UploadWire), (status = 409, description = "The inspection is finalized", body = ErrorBody)))]
async fn upload_photos(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<Response> {
    let id = inspection_id(&id)?;
    writer(&p)?;
    let form = form.map_err(|e| {
        ApiError::bad(format!("Send the photos as multipart/form-data with a room_id field ({}).", e.body_text()))
    })?;
    let (room, files) = read_uploads(form, "room_id").await?;
    let room = room.filter(|r| !r.is_empty()).ok_or_else(|| ApiError::bad("room_id: required."))?;
    let room_id = parse_uuid("room_id", &room)?;
    if files.is_empty() {
        return Err(ApiError::bad("Attach one or more photo files."));
    }
    let now = st.clock.now();
    let files: Vec<PhotoFile> = files
        .into_iter()
        .map(|f| PhotoFile { file_name: f.file_name, content_type: f.content_type, bytes: f.bytes })
        .collect();
    let names: Vec<String> = files.iter().map(|f| f.file_name.clone()).collect();
    let (after, outcomes) = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        workflow::add_photos(port, id, room_id, &files, now)
    })
    .await
    .map_err(api)?;
    let results: Vec<UploadedFileWire> = names
        .into_iter()
        .zip(outcomes)
        .map(|(name, added)| match added {
            Ok((photo, q)) => UploadedFileWire {
                file_name: photo.file_name.clone(),
                stored: true,
                photo: Some(PhotoWire::from(&photo)),
                quality: Some(QualityWire::from(&q)),
                detail: String::new(),
            },
            Err(e) => UploadedFileWire {
                detail: format!("{name}: {e}"),
                file_name: name,
                stored: false,
                photo: None,
                quality: None,
            },
        })
        .collect();
    let stored = results.iter().filter(|r| r.stored).count();
    if stored == 0 {
        let why: Vec<&str> = results.iter().map(|r| r.detail.as_str()).collect();
        return Err(ApiError::bad(format!("No photo was stored. {}", why.join("; "))));
    }
    let wire = UploadWire {
        room: room_id,
        stored,
        refused: results.len() - stored,
        files: results,
        completeness_pct: after.inspection.completeness_pct,
        status: after.inspection.status.as_str().into(),
    };
    Ok((StatusCode::CREATED, Json(wire)).into_response())
}

#[utoipa::path(post, path = "/api/v1/move-in-inspections/{id}/analyze/",
    summary = "Run condition analysis over the queued photos; the result names its provider", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "What the run did", body = AnalysisRunWire), (status = 409, description = "The inspection is finalized", body = ErrorBody)))]
async fn analyze(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<AnalysisRunWire>> {
    let id = inspection_id(&id)?;
    body.json_or_default::<serde_json::Value>()?;
    writer(&p)?;
    let now = st.clock.now();
    let gateway = st.gateway.clone();
    // The analyzer is synchronous (a vision provider blocks on the network): the workflow runs
    // on a blocking thread, without holding a transaction open while it waits.
    let (run, after) =
        adapter::run(&st.pool, Some(p.properties.clone()), move |port| workflow::analyze(port, &gateway, id, now))
            .await
            .map_err(api)?;
    Ok(Json(AnalysisRunWire::new(&run, &after.inspection)))
}

// --- ratings, signatures, finalize, report -------------------------------------------------

#[utoipa::path(patch, path = "/api/v1/move-in-inspections/{id}/items/{itemId}/",
    summary = "Override an item's rating with a human assessment (null clears it)",
    params(("id" = String, Path, description = ID), ("itemId" = String, Path, description = "The item's id")),
    request_body = ItemOverrideRequest,
    responses((status = 200, description = "The item", body = ItemWire), (status = 409, description = "The inspection is finalized", body = ErrorBody)))]
async fn override_item(
    State(st): State<AppState>,
    p: Principal,
    Path((id, item)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<ItemWire>> {
    let id = inspection_id(&id)?;
    let item_id = Uuid::parse_str(&item).map_err(|_| ApiError::not_found("Item"))?;
    let req: ItemOverrideRequest = body.json()?;
    writer(&p)?;
    if req.human_override.is_none() && req.human_notes.is_none() {
        return Err(ApiError::bad("Send human_override (a rating, or null to clear it) and/or human_notes."));
    }
    let rating = match &req.human_override {
        None => None,
        Some(serde_json::Value::Null) => Some(None),
        Some(serde_json::Value::String(s)) if s.trim().is_empty() => Some(None),
        Some(serde_json::Value::String(s)) => {
            Some(Some(s.trim().parse::<ConditionRating>().map_err(|e| ApiError::bad(format!("human_override: {e}.")))?))
        }
        Some(other) => {
            return Err(ApiError::bad(format!("human_override: expected a rating or null, got {other}.")));
        }
    };
    if req.human_notes.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTES_CHARS) {
        return Err(ApiError::bad(format!("human_notes: at most {MAX_NOTES_CHARS} characters.")));
    }
    let now = st.clock.now();
    let notes = req.human_notes;
    let item = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        workflow::override_item(port, id, item_id, rating, notes.as_deref(), now)
    })
    .await
    .map_err(api)?;
    Ok(Json(ItemWire::from(&item)))
}

/// The PNG bytes of a base64 signature, with or without a `data:image/png;base64,` prefix.
fn signature_png(text: &str) -> ApiResult<Vec<u8>> {
    let text = text.trim();
    let data = match text.strip_prefix("data:") {
        Some(rest) => rest.split_once(',').map(|(_, d)| d).ok_or_else(|| {
            ApiError::bad("signature: a data URL needs a comma before the data (data:image/png;base64,...).")
        })?,
        None => text,
    };
    let data: String = data.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if data.is_empty() {
        return Err(refused(InspectionError::EmptySignature));
    }
    base64::engine::general_purpose::STANDARD
        .decode(data.as_bytes())
        .map_err(|e| ApiError::bad(format!("signature: not base64 ({e}).")))
}

#[utoipa::path(post, path = "/api/v1/move-in-inspections/{id}/sign/",
    summary = "Sign as tenant or manager (base64 PNG); records the time and the caller's IP", params(("id" = String, Path, description = ID)),
    request_body = SignRequest,
    responses((status = 200, description = "The inspection", body = InspectionDetailWire), (status = 409, description = "The inspection is finalized", body = ErrorBody)))]
async fn sign(
    State(st): State<AppState>,
    p: Principal,
    ClientIp(ip): ClientIp,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<InspectionDetailWire>> {
    let id = inspection_id(&id)?;
    let req: SignRequest = body.json()?;
    writer(&p)?;
    let role = req
        .role
        .as_deref()
        .filter(|r| !r.trim().is_empty())
        .ok_or_else(|| ApiError::bad("role: required (tenant or manager)."))?;
    let role = role.trim().parse::<SignerRole>().map_err(|e| ApiError::bad(format!("role: {e}.")))?;
    let png = signature_png(req.signature.as_deref().unwrap_or(""))?;
    let now = st.clock.now();
    let signer = req.signer_name.unwrap_or_default();
    let after = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        workflow::sign(port, id, role, &signer, &png, &ip, now)
    })
    .await
    .map_err(api)?;
    Ok(Json(InspectionDetailWire::from(&after)))
}

#[utoipa::path(post, path = "/api/v1/move-in-inspections/{id}/finalize/",
    summary = "Lock the inspection; needs both signatures; no edits afterwards (409)", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The finalized inspection", body = InspectionDetailWire), (status = 409, description = "The inspection is finalized", body = ErrorBody)))]
async fn finalize(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<InspectionDetailWire>> {
    let id = inspection_id(&id)?;
    body.json_or_default::<serde_json::Value>()?;
    writer(&p)?;
    let now = st.clock.now();
    let after = adapter::run(&st.pool, Some(p.properties.clone()), move |port| workflow::finalize(port, id, now))
        .await
        .map_err(api)?;
    Ok(Json(InspectionDetailWire::from(&after)))
}

#[utoipa::path(post, path = "/api/v1/move-in-inspections/{id}/generate-report/",
    summary = "Generate the PDF condition report (stored as a blob; allowed after finalizing)", params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The stored report", body = ReportWire)))]
/// Builds the condition report from the inspection as it is now (allowed after finalizing:
/// the report describes the inspection, it does not change it) and records it as a blob.
async fn generate_report(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ReportWire>> {
    let id = inspection_id(&id)?;
    body.json_or_default::<serde_json::Value>()?;
    writer(&p)?;
    let now = st.clock.now();
    let report =
        adapter::run(&st.pool, Some(p.properties.clone()), move |port| workflow::generate_report(port, id, now))
            .await
            .map_err(|e| match e {
                StoreError::Rejected(why) => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, why),
                other => api(other),
            })?;
    let i = &report.inspection.inspection;
    Ok(Json(ReportWire {
        condition_report_url: i.condition_report_url.clone(),
        download_url: format!("/api/v1/blobs/{}", report.sha256),
        sha256: report.sha256,
        size_bytes: report.size_bytes as i64,
        pages: report.pages,
        finalized: i.status == InspectionStatus::Finalized,
    }))
}
