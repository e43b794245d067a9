//! Move-in inspection endpoints (spec 4.4, `/api/v1/move-in-inspections/`). Thin handlers:
//! each loads the inspection (`pg_inspections::load`, locked for changes), changes it with the
//! `unitcycle_core::inspections` functions the replica also calls, and writes back the rows
//! that changed (entered in the change log, so replicas receive them).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

use axum::extract::multipart::MultipartRejection;
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, Multipart, Path, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use base64::Engine;
use chrono::{DateTime, Utc};
use unitcycle_core::ai::{AiRunLog, Gateway};
use unitcycle_core::inspections::analysis::{
    AnalysisError, AnalysisRequest, AnalysisRun, ConditionAnalysis, ConditionAnalyzer, GatewayAnalyzer,
};
use unitcycle_core::inspections::{
    self as insp, AnalysisStatus, ConditionRating, InspectionDetail, InspectionError, InspectionStatus, SignerRole,
};
use unitcycle_core::model::{Lease, Property, Tenant, Unit};
use unitcycle_core::pdf::{self, ReportInput};
use uuid::Uuid;

use crate::auth::Principal;
use crate::pg_inspections::{self, Filter};
use crate::pgdomain::{self, PgRunLog};
use crate::server::{
    page_links, parse_date, parse_int, parse_uuid, query, ApiError, ApiResult, AppState, Body, DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
};
use crate::wire::Page;
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

pub fn routes() -> Router<AppState> {
    let base = "/api/v1/move-in-inspections";
    Router::new()
        .route(&format!("{base}/"), get(list).post(create))
        .route(&format!("{base}/{{id}}/"), get(detail))
        .route(
            &format!("{base}/{{id}}/upload-photos/"),
            post(upload_photos).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)),
        )
        .route(&format!("{base}/{{id}}/analyze/"), post(analyze))
        .route(&format!("{base}/{{id}}/completeness/"), get(completeness))
        .route(&format!("{base}/{{id}}/items/{{itemId}}/"), patch(override_item))
        .route(&format!("{base}/{{id}}/sign/"), post(sign))
        .route(&format!("{base}/{{id}}/generate-report/"), post(generate_report))
        .route(&format!("{base}/{{id}}/finalize/"), post(finalize))
}

/// The condition analyzer the server runs: the one place that chooses it. Built on the
/// blocking thread that runs it, with the gateway and the run log (`ai_run`) to hand.
fn condition_analyzer<'a>(
    gateway: &'a Gateway,
    log: &'a dyn AiRunLog,
    now: DateTime<Utc>,
) -> Box<dyn ConditionAnalyzer + 'a> {
    Box::new(GatewayAnalyzer::new(gateway, log, now))
}

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

fn writer(p: &Principal) -> ApiResult<()> {
    if p.role.can_write() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
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
    pg_inspections::load(c, id, &p.properties, false).await?.ok_or_else(|| ApiError::not_found("Move-in inspection"))
}

/// Loads the inspection locked inside `tx` and refuses if it is finalized.
async fn load_editable(tx: &tokio_postgres::Transaction<'_>, p: &Principal, id: Uuid) -> ApiResult<InspectionDetail> {
    let d = pg_inspections::load(tx, id, &p.properties, true)
        .await?
        .ok_or_else(|| ApiError::not_found("Move-in inspection"))?;
    insp::ensure_editable(&d.inspection).map_err(refused)?;
    Ok(d)
}

/// One change to an editable inspection: locks it, applies `change` (a core rule) to a copy,
/// saves the rows that differ and commits, all in one transaction.
async fn edit<T>(
    st: &AppState,
    p: &Principal,
    id: Uuid,
    change: impl FnOnce(&mut InspectionDetail) -> ApiResult<T>,
) -> ApiResult<(InspectionDetail, T)> {
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    let before = load_editable(&tx, p, id).await?;
    let mut after = before.clone();
    let out = change(&mut after)?;
    pg_inspections::save(&tx, Some(&before), &after).await?;
    tx.commit().await?;
    Ok((after, out))
}

// --- list, create, detail, completeness --------------------------------------------------

fn filter(q: &HashMap<String, String>) -> ApiResult<Filter> {
    let status = match q.get("status").filter(|v| !v.trim().is_empty()) {
        None => Vec::new(),
        Some(v) => v
            .split(',')
            .map(|s| s.trim().parse::<InspectionStatus>().map(|s| s.as_str().to_string()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad(format!("status: {e}")))?,
    };
    let uuid = |name: &str| q.get(name).map(|v| parse_uuid(name, v)).transpose();
    Ok(Filter { unit: uuid("unit")?, property: uuid("property")?, lease: uuid("lease")?, status })
}

async fn list(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
) -> ApiResult<Json<Page<InspectionListWire>>> {
    let q = query(&uri)?;
    let f = filter(&q)?;
    let page = parse_int(&q, "page", 1, 1, i64::MAX / MAX_PAGE_SIZE)?;
    let size = parse_int(&q, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)?;
    let client = st.pool.get().await?;
    let (count, rows) = pg_inspections::list(&**client, &p.properties, &f, (page - 1) * size, size).await?;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let (next, previous) = page_links(&headers, &uri, &q, page, size, count);
    Ok(Json(Page { count: count as u64, next, previous, results: rows.iter().map(InspectionListWire::from).collect() }))
}

async fn create(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let req: CreateInspectionRequest = body.json()?;
    writer(&p)?;
    let lease_text = req.lease.filter(|l| !l.trim().is_empty()).ok_or_else(|| ApiError::bad("lease: required."))?;
    let lease_id = parse_uuid("lease", &lease_text)?;
    let now = st.clock.now();
    let date = match req.inspection_date.as_deref().filter(|d| !d.trim().is_empty()) {
        Some(d) => parse_date("inspection_date", d)?,
        None => now.date_naive(),
    };
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    let lease: Lease =
        pgdomain::rows(&*tx, "tenant_lease", "r.id = $1 AND r.property_id = ANY($2)", &[&lease_id, &p.properties])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::bad(format!("lease: no lease {lease_id} in the properties you may see.")))?;
    let unit: Unit = pgdomain::must(&*tx, "units_unit", lease.unit_id).await?;
    let d =
        insp::new_inspection(&lease, &unit, req.inspector_name.as_deref().unwrap_or(""), date, now).map_err(refused)?;
    pg_inspections::save(&tx, None, &d).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(InspectionDetailWire::from(&d))).into_response())
}

async fn detail(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<InspectionDetailWire>> {
    let id = inspection_id(&id)?;
    let client = st.pool.get().await?;
    Ok(Json(InspectionDetailWire::from(&load(&**client, &p, id).await?)))
}

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
struct Upload {
    file_name: String,
    content_type: String,
    bytes: Vec<u8>,
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
async fn read_uploads(mut form: Multipart) -> ApiResult<(Option<String>, Vec<Upload>)> {
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
            None if name == "room_id" => room = Some(String::from_utf8_lossy(&bytes).trim().to_string()),
            None => {}
        }
    }
    Ok((room, files))
}

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
    let (room, files) = read_uploads(form).await?;
    let room = room.filter(|r| !r.is_empty()).ok_or_else(|| ApiError::bad("room_id: required."))?;
    let room_id = parse_uuid("room_id", &room)?;
    if files.is_empty() {
        return Err(ApiError::bad("Attach one or more photo files."));
    }
    let now = st.clock.now();
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    let before = load_editable(&tx, &p, id).await?;
    if !before.rooms.iter().any(|r| r.room.id == room_id) {
        return Err(ApiError::not_found("Room"));
    }
    // Decoding and measuring photos is CPU work: off the async threads.
    let mut after = before.clone();
    let (after, outcomes) = tokio::task::spawn_blocking(move || {
        let outcomes: Vec<_> = files
            .into_iter()
            .map(|f| {
                let added = insp::add_photo(&mut after, room_id, &f.file_name, &f.bytes, None, now);
                (f, added)
            })
            .collect();
        (after, outcomes)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("The photo check stopped: {e}")))?;
    let mut results = Vec::with_capacity(outcomes.len());
    for (f, added) in outcomes {
        match added {
            Ok((photo, q)) => {
                let content_type = if f.content_type.starts_with("image/") {
                    f.content_type.clone()
                } else {
                    format!("image/{}", q.format)
                };
                pg_inspections::put_blob(&*tx, &f.bytes, &content_type, now).await?;
                results.push(UploadedFileWire {
                    file_name: photo.file_name.clone(),
                    stored: true,
                    photo: Some(PhotoWire::from(&photo)),
                    quality: Some(QualityWire::from(&q)),
                    detail: String::new(),
                });
            }
            Err(e) => results.push(UploadedFileWire {
                file_name: f.file_name.clone(),
                stored: false,
                photo: None,
                quality: None,
                detail: format!("{}: {e}", f.file_name),
            }),
        }
    }
    let stored = results.iter().filter(|r| r.stored).count();
    if stored == 0 {
        let why: Vec<&str> = results.iter().map(|r| r.detail.as_str()).collect();
        return Err(ApiError::bad(format!("No photo was stored. {}", why.join("; "))));
    }
    pg_inspections::save(&tx, Some(&before), &after).await?;
    tx.commit().await?;
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

/// A queued photo, with what the analyzer needs.
struct Job {
    photo_id: Uuid,
    room_name: String,
    room_type: String,
    items: Vec<(String, String)>,
    bytes: Option<Vec<u8>>,
}

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
    let mut client = st.pool.get().await?;
    let d = load(&**client, &p, id).await?;
    insp::ensure_editable(&d.inspection).map_err(refused)?;
    let queued: Vec<_> = d
        .rooms
        .iter()
        .flat_map(|rd| rd.photos.iter().map(move |ph| (rd, ph)))
        .filter(|(_, ph)| ph.analysis_status == AnalysisStatus::Queued)
        .collect();
    let hashes: Vec<String> = queued.iter().filter_map(|(_, ph)| ph.blob_hash().map(str::to_string)).collect();
    let bytes = pg_inspections::blobs(&**client, &hashes).await?;
    let jobs: Vec<Job> = queued
        .iter()
        .map(|(rd, ph)| Job {
            photo_id: ph.id,
            room_name: rd.room.room_name.clone(),
            room_type: rd.room.room_type.clone(),
            items: rd.items.iter().map(|i| (i.item_type.clone(), i.item_label.clone())).collect(),
            bytes: ph.blob_hash().and_then(|h| bytes.get(h).cloned()),
        })
        .collect();
    // The jobs hold their own copies; don't keep every photo twice while the analyzer runs.
    drop(bytes);
    // The analyzer is synchronous (a vision provider blocks on the network): run it on a
    // blocking thread, without holding a transaction open.
    let gateway = st.gateway.clone();
    let (provider, outcomes, log) = tokio::task::spawn_blocking(move || {
        let log = PgRunLog::default();
        let (provider, outcomes) = {
            let analyzer = condition_analyzer(&gateway, &log, now);
            let outcomes: Vec<(Uuid, Result<ConditionAnalysis, AnalysisError>)> = jobs
                .iter()
                .map(|j| {
                    let outcome = match &j.bytes {
                        Some(photo) => analyzer.analyze(&AnalysisRequest {
                            room_name: &j.room_name,
                            room_type: &j.room_type,
                            items: j.items.iter().map(|(t, l)| (t.as_str(), l.as_str())).collect(),
                            photo,
                        }),
                        None => Err(AnalysisError::Failed("the photo's blob is missing on the server".into())),
                    };
                    (j.photo_id, outcome)
                })
                .collect();
            (analyzer.provider().to_string(), outcomes)
        };
        (provider, outcomes, log)
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("The analysis stopped: {e}")))?;
    log.flush(&**client).await?;

    let tx = client.transaction().await?;
    let before = load_editable(&tx, &p, id).await?;
    let mut after = before.clone();
    let mut run = AnalysisRun::new(&provider);
    for (photo_id, outcome) in &outcomes {
        // A photo removed or analysed by someone else meanwhile is left alone.
        let still_queued = after
            .rooms
            .iter()
            .flat_map(|r| &r.photos)
            .any(|ph| ph.id == *photo_id && ph.analysis_status == AnalysisStatus::Queued);
        if !still_queued {
            continue;
        }
        run.count(outcome);
        match outcome {
            Ok(a) => {
                insp::apply_analysis(&mut after, *photo_id, a, now).map_err(refused)?;
            }
            Err(AnalysisError::Failed(why)) => {
                insp::apply_analysis_failure(&mut after, *photo_id, &provider, why, now).map_err(refused)?;
            }
            Err(AnalysisError::Unavailable(_)) => {}
        }
    }
    if outcomes.is_empty() {
        run.message = "No photos are waiting for analysis.".into();
    }
    pg_inspections::save(&tx, Some(&before), &after).await?;
    tx.commit().await?;
    Ok(Json(AnalysisRunWire::new(&run, &after.inspection)))
}

// --- ratings, signatures, finalize, report -------------------------------------------------

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
    let (_, wire) = edit(&st, &p, id, |after| {
        let item = after
            .rooms
            .iter_mut()
            .flat_map(|r| r.items.iter_mut())
            .find(|i| i.id == item_id)
            .ok_or_else(|| ApiError::not_found("Item"))?;
        let rating = rating.unwrap_or(item.human_override);
        insp::apply_override(item, rating, req.human_notes.as_deref());
        let wire = ItemWire::from(&*item);
        insp::recompute(after, now);
        Ok(wire)
    })
    .await?;
    Ok(Json(wire))
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
    let signer = req.signer_name.as_deref().unwrap_or("");
    // The image is stored before the row that names it, so no replica sees a signature it
    // cannot fetch; if signing is then refused, the blob is an unreferenced content-addressed copy.
    insp::check_signature(&png).map_err(refused)?;
    pg_inspections::put_blob(&**st.pool.get().await?, &png, "image/png", now).await?;
    let (after, ()) =
        edit(&st, &p, id, |after| insp::sign(after, role, signer, &png, &ip, now).map(|_| ()).map_err(refused)).await?;
    Ok(Json(InspectionDetailWire::from(&after)))
}

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
    let (after, ()) = edit(&st, &p, id, |after| insp::finalize(after, now).map_err(refused)).await?;
    Ok(Json(InspectionDetailWire::from(&after)))
}

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
    let mut client = st.pool.get().await?;
    let d = load(&**client, &p, id).await?;
    let i = &d.inspection;
    let property: Property = pgdomain::must(&**client, "properties", i.property_id).await?;
    let unit: Unit = pgdomain::must(&**client, "units_unit", i.unit_id).await?;
    let lease: Lease = pgdomain::must(&**client, "tenant_lease", i.lease_id).await?;
    let tenant: Tenant = pgdomain::must(&**client, "tenants", lease.tenant_id).await?;
    let photo_hashes: Vec<(Uuid, String)> = d
        .rooms
        .iter()
        .flat_map(|r| &r.photos)
        .filter_map(|ph| ph.blob_hash().map(|h| (ph.id, h.to_string())))
        .collect();
    let mut hashes: Vec<String> = photo_hashes.iter().map(|(_, h)| h.clone()).collect();
    hashes.extend(
        [&i.tenant_signature_url, &i.manager_signature_url]
            .iter()
            .filter_map(|u| insp::blob_hash(u))
            .map(str::to_string),
    );
    let blobs = pg_inspections::blobs(&**client, &hashes).await?;
    let photos: HashMap<Uuid, Vec<u8>> =
        photo_hashes.iter().filter_map(|(pid, h)| blobs.get(h).map(|b| (*pid, b.clone()))).collect();
    let sig = |url: &str| insp::blob_hash(url).and_then(|h| blobs.get(h).cloned());
    let (tenant_sig, manager_sig) = (sig(&i.tenant_signature_url), sig(&i.manager_signature_url));
    let tenant_name = format!("{} {}", tenant.first_name, tenant.last_name);
    let detail = d.clone();
    // Laying out pages and embedding photos is CPU work: off the async threads.
    let (bytes, pages) = tokio::task::spawn_blocking(move || -> Result<(Vec<u8>, usize), pdf::PdfError> {
        let bytes = pdf::condition_report(&ReportInput {
            detail: &detail,
            property: &property,
            unit: &unit,
            tenant_name: &tenant_name,
            lease_number: &lease.lease_number,
            photos: &photos,
            tenant_signature: tenant_sig.as_deref(),
            manager_signature: manager_sig.as_deref(),
            generated_at: now,
        })?;
        let pages = pdf::page_texts(&bytes)?.len();
        Ok((bytes, pages))
    })
    .await
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("The report stopped: {e}")))?
    .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("Cannot build the report: {e}")))?;

    let tx = client.transaction().await?;
    let hash = pg_inspections::put_blob(&*tx, &bytes, "application/pdf", now).await?;
    let before = pg_inspections::load(&*tx, id, &p.properties, true)
        .await?
        .ok_or_else(|| ApiError::not_found("Move-in inspection"))?;
    let mut after = before.clone();
    insp::set_report(&mut after.inspection, &hash, now);
    pg_inspections::save(&tx, Some(&before), &after).await?;
    tx.commit().await?;
    Ok(Json(ReportWire {
        condition_report_url: after.inspection.condition_report_url.clone(),
        download_url: format!("/api/v1/blobs/{hash}"),
        sha256: hash,
        size_bytes: bytes.len() as i64,
        pages,
        finalized: after.inspection.status == InspectionStatus::Finalized,
    }))
}
