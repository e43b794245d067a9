//! Move-out inspection endpoints (spec 3.1, `/api/v1/inspections/`) and the move-in comparison
//! (`/api/v1/move-in-inspections/{id}/compare/{moveOutId}/`). Thin handlers: every read and
//! action is `unitcycle_core::inspections::move_out::workflow` over the caller's properties.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use unitcycle_core::inspections::analysis::AnalysisRun;
use unitcycle_core::inspections::move_out::comparison::{self, Comparison};
use unitcycle_core::inspections::move_out::port::MoveOutPort;
use unitcycle_core::inspections::move_out::workflow::{self, MoveOutAction, PhotoUpload};
use unitcycle_core::inspections::move_out::{
    DamageCategory, DamageItem, DamageSeverity, InspectionPhoto, MoveOutDetail, PhotoClassification,
};
use unitcycle_core::inspections::workflow::PhotoFile;
use unitcycle_core::turnover::workflow::{self as turnover_workflow, CaseDetail};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use super::api::{read_uploads, MAX_UPLOAD_BYTES};
use crate::auth::Principal;
use crate::server::{act, parse_date, read, writer, ApiError, ApiResult, AppState, Body};
use crate::wire::ErrorBody;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(detail))
        .routes(routes!(upload_photos).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
        .routes(routes!(analyze))
        .routes(routes!(review_photo))
        .routes(routes!(generate_letter))
        .routes(routes!(finalize))
        .routes(routes!(compare))
}

const ID: &str = "The move-out inspection's id";

/// An inspection on the wire: the record with its photos, and its links also under the spec's
/// field names (`turnover_case`, `unit`, `lease`), as the move-in inspection answers.
#[derive(Serialize, ToSchema)]
pub struct MoveOutWire {
    #[serde(flatten)]
    pub detail: MoveOutDetail,
    pub turnover_case: Option<Uuid>,
    pub unit: Uuid,
    pub lease: Uuid,
}

impl From<MoveOutDetail> for MoveOutWire {
    fn from(detail: MoveOutDetail) -> MoveOutWire {
        let i = &detail.inspection;
        MoveOutWire { turnover_case: i.turnover_case_id, unit: i.unit_id, lease: i.lease_id, detail }
    }
}

fn inspection_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found("Move-out inspection"))
}

/// `POST /api/v1/inspections/`.
#[derive(Deserialize, ToSchema)]
pub struct CreateRequest {
    /// The lease moving out (one inspection per lease).
    #[serde(alias = "lease")]
    pub lease_id: Uuid,
    pub inspector_name: String,
    /// YYYY-MM-DD; absent: today.
    #[schema(value_type = Option<String>, example = "2026-12-04")]
    pub inspection_date: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/inspections/", operation_id = "create_move_out_inspection", summary = "Create a move-out inspection session (one per lease, linked to its turnover case)",
    request_body = CreateRequest,
    responses((status = 201, description = "The inspection", body = MoveOutWire),
        (status = 400, description = "Invalid input", body = ErrorBody),
        (status = 409, description = "The lease has one already", body = ErrorBody)))]
async fn create(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<(StatusCode, Json<MoveOutWire>)> {
    let req: CreateRequest = body.json()?;
    let now = st.clock.now();
    let date = match req.inspection_date.as_deref() {
        Some(text) => Some(parse_date("inspection_date", text)?),
        None => None,
    };
    let d = act(&st, &p, move |port| {
        let lease = unitcycle_core::port::Records::lease(port, req.lease_id)?;
        let date: NaiveDate = match date {
            Some(d) => d,
            None => unitcycle_core::time::today_at(port, lease.property_id, now)?,
        };
        workflow::create(port, req.lease_id, &req.inspector_name, date, now)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}

#[utoipa::path(get, path = "/api/v1/inspections/{id}/", operation_id = "move_out_inspection_detail", summary = "Inspection detail with photos",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The inspection", body = MoveOutWire), (status = 404, description = "No such inspection", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<MoveOutWire>> {
    let id = inspection_id(&id)?;
    Ok(Json(read(&st, &p, move |port| workflow::detail(port, id)).await?.into()))
}

/// The multipart body of `upload-photos` (documentation only).
#[derive(ToSchema)]
pub struct MoveOutUpload {
    /// The room the photos show: living_room, kitchen, bedroom_1, bathroom_1, hallway, exterior…
    pub room: String,
    #[schema(value_type = Vec<String>, format = Binary)]
    pub files: Vec<Vec<u8>>,
}

/// What an upload did.
#[derive(Serialize, ToSchema)]
pub struct UploadAnswer {
    pub inspection: MoveOutWire,
    /// Each file, in order: its new photo id, or why it was refused.
    pub photos: Vec<PhotoUpload>,
    pub photo_ids: Vec<Uuid>,
}

#[utoipa::path(post, path = "/api/v1/inspections/{id}/upload-photos/", operation_id = "upload_move_out_photos",
    summary = "Upload photos (multipart/form-data: room and one or more files). Returns photo IDs",
    params(("id" = String, Path, description = ID)),
    request_body(content = MoveOutUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "Each file stored or refused", body = UploadAnswer),
        (status = 400, description = "No files, no room, or no readable photo", body = ErrorBody)))]
async fn upload_photos(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    form: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<UploadAnswer>)> {
    let id = inspection_id(&id)?;
    writer(&p)?;
    let form = form.map_err(|e| {
        ApiError::bad(format!("Send the photos as multipart/form-data with a room field ({}).", e.body_text()))
    })?;
    let (room, files) = read_uploads(form, "room").await?;
    let room = room.filter(|r| !r.is_empty()).ok_or_else(|| ApiError::bad("room: required."))?;
    if files.is_empty() {
        return Err(ApiError::bad("Attach one or more photo files."));
    }
    let files: Vec<PhotoFile> = files
        .into_iter()
        .map(|f| PhotoFile { file_name: f.file_name, content_type: f.content_type, bytes: f.bytes })
        .collect();
    let (now, actor) = (st.clock.now(), p.actor());
    let (inspection, photos) = act(&st, &p, move |port| {
        let before = port.move_out(id)?;
        unitcycle_core::inspections::move_out::ensure_editable(&before.inspection)?;
        let (action, outcomes) = workflow::store_photos(&*port, &room, &files, now)?;
        let d = match action {
            Some(a) => workflow::apply_action(port, id, &a, &actor, now)?,
            None => before,
        };
        Ok((d, outcomes))
    })
    .await?;
    let photo_ids: Vec<Uuid> = photos.iter().filter_map(|u| u.photo_id).collect();
    if photo_ids.is_empty() {
        let why: Vec<String> = photos.iter().map(|u| format!("{}: {}", u.file_name, u.error)).collect();
        return Err(ApiError::bad(format!("No photo could be read: {}.", why.join("; "))));
    }
    Ok((StatusCode::CREATED, Json(UploadAnswer { inspection: inspection.into(), photos, photo_ids })))
}

/// What an analysis run did.
#[derive(Serialize, ToSchema)]
pub struct AnalyzeAnswer {
    pub run: AnalysisRun,
    pub inspection: MoveOutWire,
}

#[utoipa::path(post, path = "/api/v1/inspections/{id}/analyze/", operation_id = "analyze_move_out_photos",
    summary = "Analyse every photo waiting for it (Claude Vision; offline: measured and marked needs_review)",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The run and the inspection", body = AnalyzeAnswer)))]
async fn analyze(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<AnalyzeAnswer>> {
    let id = inspection_id(&id)?;
    let (now, actor, gateway) = (st.clock.now(), p.actor(), st.gateway.clone());
    let (run, inspection) = act(&st, &p, move |port| {
        let (run, action) = workflow::analyze(port, &gateway, id, now)?;
        Ok((run, workflow::apply_action(port, id, &action, &actor, now)?))
    })
    .await?;
    Ok(Json(AnalyzeAnswer { run, inspection: inspection.into() }))
}

/// A damage item as a reviewer prices it.
#[derive(Deserialize, ToSchema)]
pub struct DamageItemRequest {
    pub item: String,
    /// minor, moderate or severe.
    pub severity: String,
    /// wall_damage, floor_damage, fixture_damage, appliance_damage, cleaning_needed or other.
    pub category: String,
    #[serde(default, with = "unitcycle_core::format::wire::opt_money")]
    #[schema(value_type = Option<String>, example = "120.00")]
    pub estimated_cost: Option<rust_decimal::Decimal>,
}

/// `PATCH /api/v1/inspections/photos/{photoId}/`.
#[derive(Deserialize, ToSchema)]
pub struct ReviewRequest {
    /// damage, normal_wear or clean.
    #[serde(alias = "classification")]
    pub human_classification: String,
    /// The damage items as priced by the reviewer (absent: the AI's stand).
    pub damage_items: Option<Vec<DamageItemRequest>>,
}

fn damage_items(items: Option<Vec<DamageItemRequest>>) -> ApiResult<Option<Vec<DamageItem>>> {
    let Some(items) = items else { return Ok(None) };
    let mut out = Vec::with_capacity(items.len());
    for (n, i) in items.into_iter().enumerate() {
        let severity = i
            .severity
            .parse::<DamageSeverity>()
            .map_err(|e| ApiError::bad(format!("damage_items[{n}].severity: {e}")))?;
        let category = i
            .category
            .parse::<DamageCategory>()
            .map_err(|e| ApiError::bad(format!("damage_items[{n}].category: {e}")))?;
        out.push(
            DamageItem::new(&i.item, severity, category, i.estimated_cost)
                .map_err(|e| ApiError::bad(format!("damage_items[{n}]: {e}")))?,
        );
    }
    Ok(Some(out))
}

#[utoipa::path(patch, path = "/api/v1/inspections/photos/{photoId}/", operation_id = "review_move_out_photo", summary = "Override the AI classification of a photo",
    params(("photoId" = String, Path, description = "The photo's id")), request_body = ReviewRequest,
    responses((status = 200, description = "The photo", body = InspectionPhoto),
        (status = 400, description = "Invalid classification or item", body = ErrorBody)))]
async fn review_photo(
    State(st): State<AppState>,
    p: Principal,
    Path(photo_id): Path<String>,
    body: Body,
) -> ApiResult<Json<InspectionPhoto>> {
    let photo_id = Uuid::parse_str(&photo_id).map_err(|_| ApiError::not_found("Photo"))?;
    let req: ReviewRequest = body.json()?;
    let classification = req
        .human_classification
        .parse::<PhotoClassification>()
        .map_err(|e| ApiError::bad(format!("human_classification: {e}")))?;
    let items = damage_items(req.damage_items)?;
    let (now, actor) = (st.clock.now(), p.actor());
    let photo = act(&st, &p, move |port| {
        let id = port.move_out_of_photo(photo_id)?;
        let action = MoveOutAction::ReviewPhoto { photo_id, classification, damage_items: items };
        let d = workflow::apply_action(port, id, &action, &actor, now)?;
        d.photos
            .into_iter()
            .find(|x| x.id == photo_id)
            .ok_or_else(|| unitcycle_core::store::StoreError::NotFound { what: "Photo", id: photo_id.to_string() })
    })
    .await?;
    Ok(Json(photo))
}

/// The generated letter.
#[derive(Serialize, ToSchema)]
pub struct MoveOutLetterWire {
    pub inspection: MoveOutWire,
    pub subject: String,
    pub letter_text: String,
    /// (label, value) rows: deposit, each charged item, total, refund or balance owed.
    pub figures: Vec<(String, String)>,
    /// The PDF's sha256 (`GET /api/v1/blobs/{sha256}`).
    pub document: Option<String>,
    /// Who drafted it: the record (every figure is the inspection's and the lease's).
    pub provider: String,
}

#[utoipa::path(post, path = "/api/v1/inspections/{id}/generate-letter/", operation_id = "generate_move_out_letter",
    summary = "Generate the deposit deduction letter from the reviewed damage items (PDF)",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The letter", body = MoveOutLetterWire),
        (status = 400, description = "No turnover case, or a figure does not match", body = ErrorBody)))]
async fn generate_letter(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<MoveOutLetterWire>> {
    let id = inspection_id(&id)?;
    let now = st.clock.now();
    let g = act(&st, &p, move |port| workflow::generate_letter(port, id, now)).await?;
    Ok(Json(MoveOutLetterWire {
        inspection: g.detail.into(),
        subject: g.letter.subject,
        letter_text: g.letter.body,
        figures: g.letter.figures,
        document: g.document,
        provider: "record".into(),
    }))
}

/// A finalized inspection and the turnover case it put its deductions on.
#[derive(Serialize, ToSchema)]
pub struct FinalizeAnswer {
    pub inspection: MoveOutWire,
    pub turnover_case: Option<CaseDetail>,
}

#[utoipa::path(post, path = "/api/v1/inspections/{id}/finalize/", operation_id = "finalize_move_out_inspection",
    summary = "Lock the inspection and apply its reviewed damage to the turnover case as approved deductions",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The inspection and the case", body = FinalizeAnswer),
        (status = 400, description = "Photos still need a classification, or an item a price", body = ErrorBody)))]
async fn finalize(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<FinalizeAnswer>> {
    let id = inspection_id(&id)?;
    let now = st.clock.now();
    let answer = act(&st, &p, move |port| {
        let inspection = workflow::finalize(port, id, now)?;
        let turnover_case = match inspection.inspection.turnover_case_id {
            Some(c) => Some(turnover_workflow::detail(port, c, now)?),
            None => None,
        };
        Ok(FinalizeAnswer { inspection: inspection.into(), turnover_case })
    })
    .await?;
    Ok(Json(answer))
}

#[utoipa::path(get, path = "/api/v1/move-in-inspections/{id}/compare/{moveOutId}/", operation_id = "compare_move_in_with_move_out",
    summary = "Side-by-side comparison with a move-out inspection: pairs by room, pre-existing issues never charged",
    params(("id" = String, Path, description = "The move-in inspection's id"), ("moveOutId" = String, Path, description = ID)),
    responses((status = 200, description = "The comparison", body = Comparison),
        (status = 400, description = "Inspections of different units", body = ErrorBody),
        (status = 404, description = "No such inspection", body = ErrorBody)))]
async fn compare(
    State(st): State<AppState>,
    p: Principal,
    Path((id, move_out_id)): Path<(String, String)>,
) -> ApiResult<Json<Comparison>> {
    let move_in = Uuid::parse_str(&id).map_err(|_| ApiError::not_found("Move-in inspection"))?;
    let move_out = inspection_id(&move_out_id)?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(read(&st, &p, move |port| comparison::compare_inspections(port, &gateway, move_in, move_out, now)).await?))
}
