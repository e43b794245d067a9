//! `/api/v1/staging/…` (spec 4.1): projects, photo uploads, generation, the listing text and
//! publishing, plus each photo's original and staged bytes for before/after views. Thin
//! handlers over `unitcycle_core::staging::workflow`.

use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{DefaultBodyLimit, FromRequest, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use unitcycle_core::staging::model::{blob_hash, StagingProject};
use unitcycle_core::staging::port::StagingPort;
use unitcycle_core::staging::workflow::{self as wf, NewProject, PhotoUpload, ProjectDetail};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::inspections::adapter::blobs;
use crate::query::{self, Query};
use crate::server::{act, id_of, read, ApiError, ApiResult, AppState, Body};
use crate::wire::ErrorBody;

/// Room for one request's photos and the multipart framing around them.
const MAX_UPLOAD_BYTES: usize = 4 * wf::MAX_PHOTO_BYTES;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(detail))
        .routes(routes!(upload_photos).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES + 64 * 1024)))
        .routes(routes!(generate))
        .routes(routes!(generate_listing))
        .routes(routes!(publish))
        .routes(routes!(original))
        .routes(routes!(staged))
}

#[utoipa::path(post, path = "/api/v1/staging/projects/", operation_id = "staging_project_create",
    summary = "Create a staging project for a unit in one of five styles (modern, traditional, minimalist, industrial, scandinavian)",
    request_body = NewProject,
    responses((status = 201, description = "The project", body = ProjectDetail),
        (status = 400, description = "A bad style", body = ErrorBody),
        (status = 404, description = "No such unit", body = ErrorBody)))]
async fn create(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let n: NewProject = body.json()?;
    let now = st.clock.now();
    let d = act(&st, &p, move |port| wf::create_project(port, Uuid::new_v4(), &n, now)).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectFilter {
    /// One status (`draft`, `processing`, `completed`, `published`).
    pub status: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/staging/projects/", operation_id = "staging_projects",
    summary = "The staging projects, the latest first; filters status and unit",
    params(ProjectFilter),
    responses((status = 200, description = "The projects", body = Vec<StagingProject>)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(f): Query<ProjectFilter>,
) -> ApiResult<Json<Vec<StagingProject>>> {
    Ok(Json(read(&st, &p, move |port| wf::projects(port, f.status.as_deref(), f.unit)).await?))
}

#[utoipa::path(get, path = "/api/v1/staging/projects/{id}/", operation_id = "staging_project_detail",
    summary = "The project with all its photo pairs (original and staged, with thumbnails, status and label)",
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, description = "The project", body = ProjectDetail),
        (status = 404, description = "No such project", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<ProjectDetail>> {
    let id = id_of("Staging project", &id)?;
    Ok(Json(read(&st, &p, move |port| wf::detail(port, id)).await?))
}

/// The multipart body of an upload (documentation only): a `room` field before each photo
/// file (a file takes the room sent last before it), and optionally `photo_order`.
#[derive(ToSchema)]
pub struct PhotosUpload {
    /// The room of the files after it (`living room`, `kitchen`, …).
    pub room: String,
    /// The first file's place in the listing (the rest follow); after the last photo if not given.
    pub photo_order: Option<i32>,
    /// One or more JPEG or PNG photos.
    #[schema(value_type = Vec<String>, format = Binary)]
    pub file: Vec<Vec<u8>>,
}

/// Query parameters for a photo sent as the raw body.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RawPhoto {
    pub room: Option<String>,
    pub photo_order: Option<i32>,
}

/// The photos of an upload with their rooms: multipart (each file with the `room` field sent
/// before it, or the only `room` given), or one photo as the raw body with `?room=`.
async fn photos_of(st: &AppState, request: Request) -> ApiResult<Vec<(PhotoUpload, Vec<u8>)>> {
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_ascii_lowercase();
    let too_large = || crate::invoice_processing::api::too_large("upload", MAX_UPLOAD_BYTES);
    if !content_type.starts_with("multipart/form-data") {
        let raw: RawPhoto = serde_urlencoded::from_str(request.uri().query().unwrap_or(""))
            .map_err(|e| ApiError::bad(format!("Bad query: {e}.")))?;
        let Body(bytes) = Body::from_request(request, st).await.map_err(|e| {
            if e.status == StatusCode::PAYLOAD_TOO_LARGE {
                too_large()
            } else {
                e
            }
        })?;
        let room = raw.room.unwrap_or_default();
        return Ok(vec![(PhotoUpload { room, photo_order: raw.photo_order }, bytes.to_vec())]);
    }
    let mut form = Multipart::from_request(request, st).await.map_err(|e: MultipartRejection| {
        ApiError::bad(format!("Send the photos as multipart/form-data with a room field ({}).", e.body_text()))
    })?;
    let bad = |status: StatusCode, text: String| {
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            too_large()
        } else {
            ApiError::new(status, format!("Cannot read the multipart upload: {text}"))
        }
    };
    let (mut room, mut order): (Option<String>, Option<i32>) = (None, None);
    let mut files: Vec<(Option<String>, Vec<u8>)> = Vec::new();
    while let Some(field) = form.next_field().await.map_err(|e| bad(e.status(), e.body_text()))? {
        let name = field.name().unwrap_or("").to_string();
        let is_file = field.file_name().is_some() || name == "file" || name == "files" || name == "photo";
        let bytes = field.bytes().await.map_err(|e| bad(e.status(), e.body_text()))?;
        if is_file {
            files.push((room.clone(), bytes.to_vec()));
        } else if name == "room" {
            room = Some(String::from_utf8_lossy(&bytes).trim().to_string());
        } else if name == "photo_order" {
            let text = String::from_utf8_lossy(&bytes).trim().to_string();
            order = Some(text.parse().map_err(|_| ApiError::bad(format!("photo_order: '{text}' is not a number.")))?);
        }
    }
    if files.is_empty() {
        return Err(ApiError::bad("Attach one or more photos (multipart field 'file') with their room."));
    }
    let last_room = room;
    Ok(files
        .into_iter()
        .enumerate()
        .map(|(i, (room, bytes))| {
            let room = room.or_else(|| last_room.clone()).unwrap_or_default();
            (PhotoUpload { room, photo_order: order.map(|o| o + i as i32) }, bytes)
        })
        .collect())
}

#[utoipa::path(post, path = "/api/v1/staging/projects/{id}/upload-photos/", operation_id = "staging_upload_photos",
    summary = "Upload empty-room photos (JPEG or PNG): multipart with a 'room' field before each file (and optionally 'photo_order'), or one photo as the body with ?room=; each waits for generation",
    params(("id" = String, Path, description = "The project's id"), RawPhoto),
    request_body(content = PhotosUpload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The project with its photos", body = ProjectDetail),
        (status = 400, description = "No photo, no room, or not a JPEG or PNG", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody),
        (status = 413, description = "Too large", body = ErrorBody)))]
async fn upload_photos(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    let id = id_of("Staging project", &id)?;
    let photos = photos_of(&st, request).await?;
    let now = st.clock.now();
    let d = act(&st, &p, move |port| {
        for (up, bytes) in &photos {
            wf::upload_photo(port, id, Uuid::new_v4(), up, bytes, now)?;
        }
        wf::detail(port, id)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

#[utoipa::path(post, path = "/api/v1/staging/projects/{id}/generate/", operation_id = "staging_generate",
    summary = "Stage every pending photo: through the staging service (STAGING_API_URL) when configured, else enhanced (exposure, white balance, straightening, sharpening) and labelled 'enhanced, not staged'. A photo that fails is marked failed with its error; the others go on",
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, description = "The project with its photos", body = ProjectDetail),
        (status = 400, description = "No photos, or the project is published", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody)))]
async fn generate(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<ProjectDetail>> {
    let id = id_of("Staging project", &id)?;
    let now = st.clock.now();
    Ok(Json(
        act(&st, &p, move |port| {
            let provider = unitcycle_core::staging::provider::from_env();
            wf::generate(port, provider.as_ref(), id, now)
        })
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/staging/projects/{id}/generate-listing/", operation_id = "staging_generate_listing",
    summary = "Write the listing headline (at most 80 characters) and description from the photos and the unit record (LISTING_PROMPT through Claude; offline, from the record only and marked for review)",
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, description = "The project with its listing text", body = ProjectDetail),
        (status = 404, description = "No such project", body = ErrorBody)))]
async fn generate_listing(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectDetail>> {
    let id = id_of("Staging project", &id)?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(act(&st, &p, move |port| wf::generate_listing(port, &gateway, id, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/staging/projects/{id}/publish/", operation_id = "staging_publish",
    summary = "Publish the generated photos to the unit's draft or active listing (its photos, each captioned, 'virtually_staged' only on photos a staging service furnished; and its staging_project_id); the project becomes published",
    params(("id" = String, Path, description = "The project's id")),
    responses((status = 200, description = "The published project", body = ProjectDetail),
        (status = 400, description = "Nothing generated, already published, or the unit has no listing", body = ErrorBody),
        (status = 404, description = "No such project", body = ErrorBody)))]
async fn publish(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<ProjectDetail>> {
    let id = id_of("Staging project", &id)?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::publish(port, id, now)).await?))
}

async fn photo_bytes(st: &AppState, p: &Principal, id: &str, staged: bool) -> ApiResult<Response> {
    let id = id_of("Staging photo", id)?;
    let photo = read(st, p, move |port| port.staging_photo(id)).await?;
    let url = if staged { &photo.staged_url } else { &photo.original_url };
    let Some(hash) = blob_hash(url) else {
        return Err(ApiError::not_found(if staged { "Staged photo" } else { "Original photo" }));
    };
    let hash = hash.to_string();
    let bytes = blobs(&**st.pool.get().await?, std::slice::from_ref(&hash))
        .await?
        .remove(&hash)
        .ok_or_else(|| ApiError::not_found("Photo file"))?;
    let content_type = wf::sniff_image(&bytes).unwrap_or("application/octet-stream");
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "private, max-age=31536000, immutable")], bytes)
        .into_response())
}

#[utoipa::path(get, path = "/api/v1/staging/photos/{id}/original", operation_id = "staging_photo_original",
    summary = "The uploaded empty-room photo's bytes (the 'before' of a before/after view)",
    params(("id" = String, Path, description = "The photo's id")),
    responses((status = 200, description = "The image", content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, description = "No such photo", body = ErrorBody)))]
async fn original(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    photo_bytes(&st, &p, &id, false).await
}

#[utoipa::path(get, path = "/api/v1/staging/photos/{id}/staged", operation_id = "staging_photo_staged",
    summary = "The staged (or enhanced) photo's bytes (the 'after'); 404 until it is generated",
    params(("id" = String, Path, description = "The photo's id")),
    responses((status = 200, description = "The image", content_type = "image/jpeg", body = Vec<u8>),
        (status = 404, description = "No such photo, or not generated yet", body = ErrorBody)))]
async fn staged(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    photo_bytes(&st, &p, &id, true).await
}
