//! `/api/v1/onboarding/…`, `/api/v1/key-handoffs/…` and `/api/v1/properties/{id}/knowledge-base/…`
//! (spec 4.6). Thin handlers over `unitcycle_core::onboarding::workflow`.

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use unitcycle_core::onboarding::model::{
    KeyHandoff, KnowledgeEntry, OnboardingChecklist, OnboardingMessage, OnboardingTask,
};
use unitcycle_core::onboarding::port::OnboardingPort;
use unitcycle_core::onboarding::utility_guide::UtilityGuide;
use unitcycle_core::onboarding::workflow::{
    self as wf, ChatReply, ChatRequest, ChecklistDetail, KeyUpdate, KnowledgeInput, NewKeyHandoff, SendMessage,
};
use unitcycle_core::port::Records;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::inspections::adapter::blobs;
use crate::invoice_processing::api::read_upload;
use crate::query::{self, Query};
use crate::server::{act, id_of, read, ApiError, ApiResult, AppState, Body};
use crate::wire::ErrorBody;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create, list))
        .routes(routes!(chat))
        .routes(routes!(detail))
        .routes(routes!(update_task))
        // Room for the largest accepted document and the multipart framing around it.
        .routes(routes!(upload_document).layer(DefaultBodyLimit::max(wf::MAX_DOCUMENT_BYTES + 64 * 1024)))
        .routes(routes!(verify_document))
        .routes(routes!(send_message))
        .routes(routes!(utility_guide))
        .routes(routes!(record_key, key_handoffs))
        .routes(routes!(update_key))
        .routes(routes!(knowledge_base, save_knowledge))
        .routes(routes!(bulk_import).layer(DefaultBodyLimit::max(wf::MAX_DOCUMENT_BYTES + 64 * 1024)))
}

/// What an uploaded file is, by its first bytes (a PDF or image as screening sniffs it, else text).
fn content_type(bytes: &[u8]) -> &'static str {
    match crate::screening::api::sniff(bytes) {
        Some((content_type, _)) => content_type,
        None if std::str::from_utf8(bytes).is_ok() => "text/plain",
        None => "application/octet-stream",
    }
}

/// A checklist for a lease.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CreateBody {
    /// The tenant lease (`tenant_lease.id`).
    pub tenant_lease_id: Uuid,
    /// The day the lease was signed (default: today on the property's date).
    #[serde(default)]
    pub signed_date: Option<NaiveDate>,
}

#[utoipa::path(post, path = "/api/v1/onboarding/", operation_id = "onboarding_create",
    summary = "Create the checklist for a lease: context-aware tasks from the unit, property and lease (pets, parking, insurance), each dated from signing to 30 days after move-in; what is due at signing is sent",
    request_body = CreateBody,
    responses((status = 201, description = "The checklist with its tasks", body = ChecklistDetail),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn create(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let b: CreateBody = body.json()?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    let d = act(&st, &p, move |port| {
        let lease = port.lease(b.tenant_lease_id)?;
        let signed = match b.signed_date {
            Some(d) => d,
            None => unitcycle_core::time::today_at(port, lease.property_id, now)?,
        };
        let c = wf::create_for_lease(port, &gateway, b.tenant_lease_id, signed, now)?;
        wf::detail(port, c.id)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChecklistFilter {
    /// One status (`pending`, `in_progress`, `move_in_day`, `first_week`, `completed`, `stalled`);
    /// default every one but completed.
    pub status: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/onboarding/", operation_id = "onboarding_list",
    summary = "The onboardings in progress (all but completed, or one status), the nearest move-in first",
    params(ChecklistFilter),
    responses((status = 200, description = "The checklists", body = Vec<OnboardingChecklist>)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(f): Query<ChecklistFilter>,
) -> ApiResult<Json<Vec<OnboardingChecklist>>> {
    let all = read(&st, &p, |port| port.checklists()).await?;
    Ok(Json(
        all.into_iter()
            .filter(|c| match &f.status {
                Some(s) => &c.status == s,
                None => c.status != "completed",
            })
            .filter(|c| f.property.is_none_or(|p| c.property_id == p))
            .collect(),
    ))
}

#[utoipa::path(get, path = "/api/v1/onboarding/{id}/", operation_id = "onboarding_detail",
    summary = "The checklist with its tasks, messages and key handoffs, and the blocking tasks still open",
    params(("id" = String, Path, description = "The checklist's id")),
    responses((status = 200, description = "The checklist", body = ChecklistDetail),
        (status = 404, description = "No such checklist", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<ChecklistDetail>> {
    let id = id_of("Onboarding checklist", &id)?;
    Ok(Json(read(&st, &p, move |port| wf::detail(port, id)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TaskBody {
    /// `completed` (or `complete`), `skipped` (or `skip`), or `pending` to reopen.
    #[serde(alias = "action")]
    pub status: String,
}

#[utoipa::path(patch, path = "/api/v1/onboarding/{id}/tasks/{taskId}/", operation_id = "onboarding_task_update",
    summary = "Complete, skip or reopen a task; the checklist's completion_pct and status are recalculated (a blocking task is not skipped, a document task is completed by verification)",
    params(("id" = String, Path, description = "The checklist's id"), ("taskId" = String, Path, description = "The task's id")),
    request_body = TaskBody,
    responses((status = 200, description = "The checklist", body = ChecklistDetail),
        (status = 400, description = "A bad status, or a blocking task skipped", body = ErrorBody),
        (status = 404, description = "No such checklist or task", body = ErrorBody)))]
async fn update_task(
    State(st): State<AppState>,
    p: Principal,
    Path((id, task)): Path<(String, String)>,
    body: Body,
) -> ApiResult<Json<ChecklistDetail>> {
    let (id, task) = (id_of("Onboarding checklist", &id)?, id_of("Onboarding task", &task)?);
    let b: TaskBody = body.json()?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::update_task(port, id, task, &b.status, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/onboarding/{id}/tasks/{taskId}/upload-document/", operation_id = "onboarding_upload_document",
    summary = "Upload the task's document (multipart field 'file', or the file as the body; e.g. a renters' insurance certificate PDF); it is verified separately",
    params(("id" = String, Path, description = "The checklist's id"), ("taskId" = String, Path, description = "The task's id")),
    request_body(content = Vec<u8>, content_type = "multipart/form-data"),
    responses((status = 201, description = "The task with its document", body = OnboardingTask),
        (status = 400, description = "An empty or oversized file, or a task that takes none", body = ErrorBody),
        (status = 404, description = "No such checklist or task", body = ErrorBody)))]
async fn upload_document(
    State(st): State<AppState>,
    p: Principal,
    Path((id, task)): Path<(String, String)>,
    request: Request,
) -> ApiResult<Response> {
    let (id, task) = (id_of("Onboarding checklist", &id)?, id_of("Onboarding task", &task)?);
    let up = read_upload(&st, request, "document", wf::MAX_DOCUMENT_BYTES, &[]).await?;
    let content_type = content_type(&up.bytes);
    let now = st.clock.now();
    let bytes = up.bytes;
    let t = act(&st, &p, move |port| wf::upload_document(port, id, task, &bytes, content_type, now)).await?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

#[utoipa::path(post, path = "/api/v1/onboarding/{id}/tasks/{taskId}/verify-document/", operation_id = "onboarding_verify_document",
    summary = "Verify the uploaded document: its type, the key fields read from it, and (renters' insurance) the lease's requirements — liability, dates, named insured, interested party; a passing document completes the task",
    params(("id" = String, Path, description = "The checklist's id"), ("taskId" = String, Path, description = "The task's id")),
    responses((status = 200, description = "The task with its verification", body = OnboardingTask),
        (status = 400, description = "No document uploaded", body = ErrorBody),
        (status = 404, description = "No such checklist or task", body = ErrorBody)))]
async fn verify_document(
    State(st): State<AppState>,
    p: Principal,
    Path((id, task)): Path<(String, String)>,
) -> ApiResult<Json<OnboardingTask>> {
    let (id, task_id) = (id_of("Onboarding checklist", &id)?, id_of("Onboarding task", &task)?);
    let t = read(&st, &p, move |port| {
        port.onboarding_tasks(id)?.into_iter().find(|t| t.id == task_id).ok_or_else(|| {
            unitcycle_core::store::StoreError::NotFound { what: "Onboarding task", id: task_id.to_string() }
        })
    })
    .await?;
    let hash = unitcycle_core::inspections::blob_hash(&t.document_url)
        .ok_or_else(|| ApiError::bad("No document has been uploaded for this task."))?
        .to_string();
    let bytes = blobs(&**st.pool.get().await?, std::slice::from_ref(&hash))
        .await?
        .remove(&hash)
        .ok_or_else(|| ApiError::bad("The uploaded document is not stored here; upload it again."))?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(act(&st, &p, move |port| wf::verify(port, &gateway, id, task_id, &bytes, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/onboarding/{id}/messages/send/", operation_id = "onboarding_send_message",
    summary = "Send the tenant a message by email or SMS (queued for delivery), or post it to the portal (push, in_app)",
    params(("id" = String, Path, description = "The checklist's id")), request_body = SendMessage,
    responses((status = 201, description = "The message", body = OnboardingMessage),
        (status = 400, description = "A bad channel, no content, or no address for the channel", body = ErrorBody),
        (status = 404, description = "No such checklist", body = ErrorBody)))]
async fn send_message(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    let id = id_of("Onboarding checklist", &id)?;
    let m: SendMessage = body.json()?;
    let (now, actor) = (st.clock.now(), p.email.clone());
    let row = act(&st, &p, move |port| wf::send_message(port, id, m, &actor, Uuid::new_v4(), now)).await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

#[utoipa::path(get, path = "/api/v1/onboarding/{id}/utility-guide/", operation_id = "onboarding_utility_guide",
    summary = "The tenant's utility setup guide: each utility the tenant pays with the provider from the property's knowledge base and the setup deadline, and what comes with the rent",
    params(("id" = String, Path, description = "The checklist's id")),
    responses((status = 200, description = "The guide", body = UtilityGuide),
        (status = 404, description = "No such checklist", body = ErrorBody)))]
async fn utility_guide(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<UtilityGuide>> {
    let id = id_of("Onboarding checklist", &id)?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(read(&st, &p, move |port| wf::utility_guide(port, &gateway, id, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/onboarding/chat/", operation_id = "onboarding_chat",
    summary = "The tenant FAQ bot: answers only from the property's knowledge base (citing the entry) and the asking tenant's own record; otherwise \"I don't have that information\" and the question goes to a person",
    request_body = ChatRequest,
    responses((status = 200, description = "The answer", body = ChatReply),
        (status = 400, description = "No question, or neither a property nor a checklist", body = ErrorBody)))]
async fn chat(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<ChatReply>> {
    let req: ChatRequest = body.json()?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(act(&st, &p, move |port| wf::chat(port, &gateway, &req, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/key-handoffs/", operation_id = "key_handoff_create",
    summary = "Record keys, fobs, remotes or codes issued: type, identifier, quantity, who handed them over and when; issuing completes the checklist's key task",
    request_body = NewKeyHandoff,
    responses((status = 201, description = "The key handoff", body = KeyHandoff),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 404, description = "No such checklist or unit", body = ErrorBody)))]
async fn record_key(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let k: NewKeyHandoff = body.json()?;
    let (now, actor) = (st.clock.now(), p.email.clone());
    let key = act(&st, &p, move |port| wf::record_key(port, Uuid::new_v4(), k, &actor, now)).await?;
    Ok((StatusCode::CREATED, Json(key)).into_response())
}

#[utoipa::path(get, path = "/api/v1/key-handoffs/", operation_id = "key_handoffs",
    summary = "Every key handoff, the latest first",
    responses((status = 200, description = "The key handoffs", body = Vec<KeyHandoff>)))]
async fn key_handoffs(State(st): State<AppState>, p: Principal) -> ApiResult<Json<Vec<KeyHandoff>>> {
    Ok(Json(read(&st, &p, |port| port.key_handoffs()).await?))
}

#[utoipa::path(patch, path = "/api/v1/key-handoffs/{id}/", operation_id = "key_handoff_update",
    summary = "Update a key's status (issued, active, returned with its condition, lost) or the tenant's acknowledgment",
    params(("id" = String, Path, description = "The key handoff's id")), request_body = KeyUpdate,
    responses((status = 200, description = "The key handoff", body = KeyHandoff),
        (status = 400, description = "Bad status, or a return without its condition", body = ErrorBody),
        (status = 404, description = "No such key handoff", body = ErrorBody)))]
async fn update_key(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<KeyHandoff>> {
    let id = id_of("Key handoff", &id)?;
    let u: KeyUpdate = body.json()?;
    let (now, actor) = (st.clock.now(), p.email.clone());
    Ok(Json(act(&st, &p, move |port| wf::update_key(port, id, u, &actor, now)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KnowledgeFilter {
    /// One of the nine categories.
    pub category: Option<String>,
    /// Words in the question, answer or keywords.
    pub search: Option<String>,
    /// Retired entries too.
    #[serde(default)]
    pub include_retired: bool,
}

#[utoipa::path(get, path = "/api/v1/properties/{id}/knowledge-base/", operation_id = "knowledge_base",
    summary = "The property's knowledge base; filters category and search",
    params(("id" = String, Path, description = "The property's id"), KnowledgeFilter),
    responses((status = 200, description = "The entries", body = Vec<KnowledgeEntry>),
        (status = 404, description = "No such property", body = ErrorBody)))]
async fn knowledge_base(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    Query(f): Query<KnowledgeFilter>,
) -> ApiResult<Json<Vec<KnowledgeEntry>>> {
    let id = id_of("Property", &id)?;
    Ok(Json(
        read(&st, &p, move |port| {
            wf::knowledge(port, id, f.category.as_deref(), f.search.as_deref(), f.include_retired)
        })
        .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/properties/{id}/knowledge-base/", operation_id = "knowledge_base_save",
    summary = "Add an entry to the property's knowledge base, or edit one (with its id; is_active false retires it)",
    params(("id" = String, Path, description = "The property's id")), request_body = KnowledgeInput,
    responses((status = 201, description = "The entry", body = KnowledgeEntry),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 404, description = "No such property or entry", body = ErrorBody)))]
async fn save_knowledge(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    let id = id_of("Property", &id)?;
    let input: KnowledgeInput = body.json()?;
    let now = st.clock.now();
    let e = act(&st, &p, move |port| wf::save_knowledge(port, id, input, now)).await?;
    Ok((StatusCode::CREATED, Json(e)).into_response())
}

#[utoipa::path(post, path = "/api/v1/properties/{id}/knowledge-base/bulk-import/", operation_id = "knowledge_base_import",
    summary = "Import entries from a property handbook (multipart field 'file', or the PDF or text as the body): its questions and answers extracted, categorised and saved",
    params(("id" = String, Path, description = "The property's id")),
    request_body(content = Vec<u8>, content_type = "multipart/form-data"),
    responses((status = 201, description = "The entries saved", body = Vec<KnowledgeEntry>),
        (status = 400, description = "An empty or unreadable handbook", body = ErrorBody),
        (status = 404, description = "No such property", body = ErrorBody)))]
async fn bulk_import(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Response> {
    let id = id_of("Property", &id)?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    let bytes = read_upload(&st, request, "handbook", wf::MAX_DOCUMENT_BYTES, &[]).await?.bytes;
    let saved = act(&st, &p, move |port| wf::import_handbook(port, &gateway, id, &bytes, now)).await?;
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}
