//! Templates, generated leases and e-signing (spec 4.5): `/api/v1/lease-templates/`,
//! `/api/v1/generated-leases/…` and the public signing page `/api/v1/lease-signatures/{token}/`
//! (no login: the token is the key, refused once used or expired). Thin handlers over
//! `unitcycle_core::lease_generation::workflow`.

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use chrono::Utc;
use rust_decimal::Decimal;
use serde::Deserialize;
use unitcycle_core::lease_generation::model::GeneratedLease;
use unitcycle_core::lease_generation::model::{LeaseTemplate, PROPERTY_TYPES, STATUSES};
use unitcycle_core::lease_generation::port::LeaseGenerationPort;
use unitcycle_core::lease_generation::renewal_analysis::{analyze, RenewalAdvice};
use unitcycle_core::lease_generation::signing_page::{signing_page, SigningView};
use unitcycle_core::lease_generation::translate::{translate, Translation};
use unitcycle_core::lease_generation::workflow::{
    self as wf, DraftEdit, GenerateInput, LeaseDetail, LeaseGenerationAction, LeaseOutcome, SignInput, SignOutcome,
    SignerContext, SignerInput, TemplateInput,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::inspections::adapter::blobs;
use crate::maintenance::api::page;
use crate::query::{Paging, Query};
use crate::server::{act, id_of, read, writer, ApiError, ApiResult, AppState, Body, ClientIp};
use crate::wire::{ErrorBody, Page};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(templates, create_template))
        .routes(routes!(revise_template))
        .routes(routes!(retire_template))
        .routes(routes!(generate, leases))
        .routes(routes!(detail, edit_draft))
        .routes(routes!(preview))
        .routes(routes!(document))
        .routes(routes!(risk_assessment))
        .routes(routes!(send_for_signing))
        .routes(routes!(create_renewal))
        .routes(routes!(translate_lease))
        .routes(routes!(void))
        .routes(routes!(signing))
        .routes(routes!(sign))
}

const ID: &str = "The generated lease's id";
const TOKEN: &str = "The signer's token (from the emailed link)";

fn lease_id(text: &str) -> ApiResult<Uuid> {
    id_of("Generated lease", text)
}

async fn run(st: &AppState, p: &Principal, id: Uuid, action: LeaseGenerationAction) -> ApiResult<LeaseOutcome> {
    let now = st.clock.now();
    act(st, p, move |port| wf::apply_action(port, id, &action, now)).await
}

fn lease_of(out: LeaseOutcome) -> ApiResult<LeaseDetail> {
    out.lease.ok_or_else(|| ApiError::not_found("Generated lease"))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateFilter {
    /// Two-letter state code.
    pub state: Option<String>,
    /// `residential`, `commercial` or `mixed`.
    pub property_type: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/lease-templates/", operation_id = "lease_templates",
    summary = "Active templates (the caller's properties' and those for every property); filters state and property_type",
    params(TemplateFilter),
    responses((status = 200, description = "The templates", body = Vec<LeaseTemplate>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn templates(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<TemplateFilter>,
) -> ApiResult<Json<Vec<LeaseTemplate>>> {
    let state = q.state.map(|s| s.trim().to_uppercase()).filter(|s| !s.is_empty());
    let kind = q.property_type.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(k) = &kind {
        if !PROPERTY_TYPES.contains(&k.as_str()) {
            return Err(ApiError::bad(format!("property_type: '{k}' is not one of: {}.", PROPERTY_TYPES.join(", "))));
        }
    }
    let all = read(&st, &p, |port| port.lease_templates()).await?;
    Ok(Json(
        all.into_iter()
            .filter(|t| t.is_active)
            .filter(|t| state.as_ref().is_none_or(|s| t.jurisdiction_state == *s))
            .filter(|t| kind.as_ref().is_none_or(|k| t.property_type == *k))
            .collect(),
    ))
}

#[utoipa::path(post, path = "/api/v1/lease-templates/", operation_id = "lease_template_create",
    summary = "Create a template: a state (and city), a property type and its base clauses (none the state prohibits)",
    request_body = TemplateInput,
    responses((status = 201, description = "The template", body = LeaseTemplate),
        (status = 400, description = "Bad input, an unknown clause or one the state prohibits", body = ErrorBody)))]
async fn create_template(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    writer(&p)?;
    let input: TemplateInput = body.json()?;
    let t = template_of(run(&st, &p, Uuid::new_v4(), LeaseGenerationAction::CreateTemplate(input)).await?)?;
    Ok((StatusCode::CREATED, Json(t)).into_response())
}

const TEMPLATE_ID: &str = "The template's id";

fn template_of(out: LeaseOutcome) -> ApiResult<LeaseTemplate> {
    out.template.ok_or_else(|| ApiError::not_found("Lease template"))
}

#[utoipa::path(put, path = "/api/v1/lease-templates/{id}/", operation_id = "lease_template_revise",
    summary = "Revise a template: its next version, checked as a new one is; leases made from it keep their clauses",
    params(("id" = String, Path, description = TEMPLATE_ID)), request_body = TemplateInput,
    responses((status = 200, description = "The template, its version raised by one", body = LeaseTemplate),
        (status = 400, description = "Bad input, a clause the state prohibits, or the template is retired", body = ErrorBody),
        (status = 404, description = "No such template", body = ErrorBody)))]
async fn revise_template(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseTemplate>> {
    writer(&p)?;
    let id = id_of("Lease template", &id)?;
    let input: TemplateInput = body.json()?;
    Ok(Json(template_of(run(&st, &p, id, LeaseGenerationAction::ReviseTemplate(input)).await?)?))
}

#[utoipa::path(post, path = "/api/v1/lease-templates/{id}/retire/", operation_id = "lease_template_retire",
    summary = "Retire a template: no longer listed or offered for new leases",
    params(("id" = String, Path, description = TEMPLATE_ID)),
    responses((status = 200, description = "The retired template", body = LeaseTemplate),
        (status = 400, description = "Already retired", body = ErrorBody),
        (status = 404, description = "No such template", body = ErrorBody)))]
async fn retire_template(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<LeaseTemplate>> {
    writer(&p)?;
    let id = id_of("Lease template", &id)?;
    Ok(Json(template_of(run(&st, &p, id, LeaseGenerationAction::RetireTemplate).await?)?))
}

#[utoipa::path(post, path = "/api/v1/generated-leases/", operation_id = "generated_lease_create",
    summary = "Generate a lease: clauses ordered, the state's required ones added, variables filled from the record, limits and prohibited clauses checked, each clause's risk scored",
    request_body = GenerateInput,
    responses((status = 201, description = "The draft lease with its clauses, warnings and risk", body = LeaseDetail),
        (status = 400, description = "Bad terms, an unknown clause, or an application not approved", body = ErrorBody),
        (status = 404, description = "No such unit, template or application", body = ErrorBody)))]
async fn generate(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    writer(&p)?;
    let input: GenerateInput = body.json()?;
    let action = LeaseGenerationAction::Generate { input, actor: p.email.clone() };
    let out = run(&st, &p, Uuid::new_v4(), action).await?;
    Ok((StatusCode::CREATED, Json(lease_of(out)?)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaseFilter {
    /// `draft`, `review`, `sent_for_signing`, `partially_signed`, `fully_signed` or `voided`.
    pub status: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/generated-leases/", operation_id = "generated_leases",
    summary = "Generated leases, newest first; filter status",
    params(LeaseFilter, Paging),
    responses((status = 200, description = "One page of leases", body = Page<GeneratedLease>),
        (status = 400, description = "Bad filter", body = ErrorBody)))]
async fn leases(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<LeaseFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<GeneratedLease>>> {
    let status = q.status.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
    if let Some(s) = &status {
        if !STATUSES.contains(&s.as_str()) {
            return Err(ApiError::bad(format!("status: '{s}' is not one of: {}.", STATUSES.join(", "))));
        }
    }
    let all = read(&st, &p, |port| port.generated_leases()).await?;
    let rows = all.into_iter().filter(|l| status.as_ref().is_none_or(|s| l.status == *s)).collect();
    Ok(Json(page(rows, &paging, &headers, &uri)?))
}

#[utoipa::path(get, path = "/api/v1/generated-leases/{id}/", operation_id = "generated_lease_detail",
    summary = "A generated lease with its clauses, signatures (status and audit trail, no tokens), addenda and risk assessment",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The lease", body = LeaseDetail),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<LeaseDetail>> {
    let id = lease_id(&id)?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| wf::detail(port, id, now)).await?))
}

#[utoipa::path(patch, path = "/api/v1/generated-leases/{id}/", operation_id = "generated_lease_edit",
    summary = "Edit a draft not yet sent: new terms (and clauses, addenda), assembled again as a new lease is; each change listed in renewal_changes",
    params(("id" = String, Path, description = ID)), request_body = DraftEdit,
    responses((status = 200, description = "The edited draft with its clauses, warnings and risk", body = LeaseDetail),
        (status = 400, description = "Bad terms, a clause the state prohibits, money over its limits (the statute named), or the lease is not a draft", body = ErrorBody),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn edit_draft(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseDetail>> {
    writer(&p)?;
    let id = lease_id(&id)?;
    let input: DraftEdit = body.json()?;
    Ok(Json(lease_of(run(&st, &p, id, LeaseGenerationAction::EditDraft { input, actor: p.email.clone() }).await?)?))
}

#[utoipa::path(get, path = "/api/v1/generated-leases/{id}/preview/", operation_id = "generated_lease_preview",
    summary = "The lease as HTML: numbered clauses, initials lines, signature blocks",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The HTML document", content_type = "text/html", body = String),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn preview(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let id = lease_id(&id)?;
    let lease = read(&st, &p, move |port| port.generated_lease(id)).await?;
    Ok(Html(lease.document_html).into_response())
}

#[utoipa::path(get, path = "/api/v1/generated-leases/{id}/document/", operation_id = "generated_lease_document",
    summary = "The signed lease PDF with its certificate of completion (once every party has signed)",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The PDF", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, description = "No such lease, or not signed yet", body = ErrorBody)))]
async fn document(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Response> {
    let id = lease_id(&id)?;
    let lease = read(&st, &p, move |port| port.generated_lease(id)).await?;
    let hash = unitcycle_core::inspections::blob_hash(&lease.document_url)
        .ok_or_else(|| ApiError::not_found("Signed lease document"))?
        .to_string();
    let bytes = blobs(&**st.pool.get().await?, std::slice::from_ref(&hash))
        .await?
        .remove(&hash)
        .ok_or_else(|| ApiError::not_found("Signed lease document"))?;
    Ok(([(header::CONTENT_TYPE, "application/pdf")], bytes).into_response())
}

#[utoipa::path(post, path = "/api/v1/generated-leases/{id}/risk-assessment/", operation_id = "generated_lease_risk",
    summary = "Re-run the risk assessment and compliance check on the current clause set and record",
    params(("id" = String, Path, description = ID)),
    responses((status = 200, description = "The lease with its new assessment", body = LeaseDetail),
        (status = 400, description = "The lease is signed or voided", body = ErrorBody),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn risk_assessment(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<LeaseDetail>> {
    let id = lease_id(&id)?;
    Ok(Json(lease_of(run(&st, &p, id, LeaseGenerationAction::AssessRisk).await?)?))
}

/// Who signs (default: the tenant of the terms and the manager sending it).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct SendBody {
    #[serde(default)]
    pub signers: Vec<SignerInput>,
}

#[utoipa::path(post, path = "/api/v1/generated-leases/{id}/send-for-signing/", operation_id = "generated_lease_send",
    summary = "Create a signature request per signer and email each their link (refused while the lease breaks a rule)",
    params(("id" = String, Path, description = ID)), request_body = SendBody,
    responses((status = 200, description = "The lease, now sent, and the links emailed", body = LeaseOutcome),
        (status = 400, description = "Not sendable (a violation named), already sent, or a bad signer", body = ErrorBody),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn send_for_signing(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseOutcome>> {
    let id = lease_id(&id)?;
    let b: SendBody = body.json_or_default()?;
    Ok(Json(
        run(&st, &p, id, LeaseGenerationAction::SendForSigning { signers: b.signers, actor: p.email.clone() }).await?,
    ))
}

/// The renewal's terms (default: 12 months from the day after the current end, rent unchanged).
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct RenewalBody {
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub new_rent: Option<Decimal>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub rent_increase_pct: Option<Decimal>,
    #[serde(default)]
    pub term_months: Option<u32>,
}

/// A renewal lease and, when the rent was not given, the analysis that set it.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct RenewalCreated {
    #[serde(flatten)]
    pub lease: LeaseDetail,
    pub renewal_analysis: Option<RenewalAdvice>,
}

#[utoipa::path(post, path = "/api/v1/generated-leases/{id}/create-renewal/", operation_id = "generated_lease_renewal",
    summary = "Generate a renewal from a fully signed lease: terms pre-filled, the rent escalated (by the renewal analysis from the record when neither new_rent nor rent_increase_pct is given), every change listed",
    params(("id" = String, Path, description = ID)), request_body = RenewalBody,
    responses((status = 201, description = "The renewal lease (draft) and the analysis", body = RenewalCreated),
        (status = 400, description = "The lease is not fully signed, or bad terms", body = ErrorBody),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn create_renewal(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    let from = lease_id(&id)?;
    let b: RenewalBody = body.json_or_default()?;
    let (now, gateway, actor) = (st.clock.now(), st.gateway.clone(), p.email.clone());
    let out = act(&st, &p, move |port| {
        let advice = match (b.new_rent, b.rent_increase_pct) {
            (None, None) => Some(analyze(port, &gateway, from, now)?),
            _ => None,
        };
        let new_rent = b.new_rent.or_else(|| advice.as_ref().map(|a| a.analysis.recommended_rent.round_dp(2)));
        let action = LeaseGenerationAction::CreateRenewal {
            from,
            new_rent,
            rent_increase_pct: b.rent_increase_pct,
            term_months: b.term_months,
            actor,
        };
        let out = wf::apply_action(port, Uuid::new_v4(), &action, now)?;
        Ok((out, advice))
    })
    .await?;
    let created = RenewalCreated { lease: lease_of(out.0)?, renewal_analysis: out.1 };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TranslateBody {
    /// `Spanish`, `Chinese`, `Vietnamese`, `Korean`, `Tagalog`, `Russian`, `Arabic`, `French` or `Portuguese`.
    #[serde(alias = "target_language")]
    pub language: String,
}

#[utoipa::path(post, path = "/api/v1/generated-leases/{id}/translate/", operation_id = "generated_lease_translate",
    summary = "Translate the lease through Claude, with the binding-language disclaimer (English prevails); offline there is no machine translation and it says so",
    params(("id" = String, Path, description = ID)), request_body = TranslateBody,
    responses((status = 200, description = "The translation", body = Translation),
        (status = 400, description = "Unknown language, or no translation offline", body = ErrorBody),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn translate_lease(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<Translation>> {
    let id = lease_id(&id)?;
    let b: TranslateBody = body.json()?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    Ok(Json(act(&st, &p, move |port| translate(port, &gateway, id, &b.language, now)).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct VoidBody {
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/generated-leases/{id}/void/", operation_id = "generated_lease_void",
    summary = "Void a lease not fully signed: its signing links stop working",
    params(("id" = String, Path, description = ID)), request_body = VoidBody,
    responses((status = 200, description = "The voided lease", body = LeaseDetail),
        (status = 400, description = "No reason, or the lease is signed", body = ErrorBody),
        (status = 404, description = "No such lease", body = ErrorBody)))]
async fn void(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseDetail>> {
    let id = lease_id(&id)?;
    let b: VoidBody = body.json_or_default()?;
    Ok(Json(lease_of(
        run(&st, &p, id, LeaseGenerationAction::Void { reason: b.reason, actor: p.email.clone() }).await?,
    )?))
}

fn refusal_page(detail: &str) -> String {
    let text = detail.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
         <title>Lease signing</title><style>body{{font-family:sans-serif;max-width:36em;margin:4em auto}}</style>\
         </head><body><h1>Lease signing</h1><p id=\"link-refused\">{text}</p><p>If you still need to sign, ask \
         your property manager for a new link.</p></body></html>"
    )
}

fn token_of(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found("Signing link"))
}

/// Runs `f` in the scope of the token's lease's property alone (the public page has no login).
async fn by_token<T, F>(st: &AppState, token: Uuid, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::adapter::PgPort) -> Result<T, unitcycle_core::store::StoreError> + Send + 'static,
{
    let property =
        super::adapter::token_property(&st.pool, token).await?.ok_or_else(|| ApiError::not_found("Signing link"))?;
    Ok(crate::adapter::run(&st.pool, Some(vec![property]), f).await?)
}

/// What the signing page's JSON form shows a signer.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct SigningRequest {
    pub signer_name: String,
    pub signer_role: String,
    pub status: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub title: String,
    pub page_count: usize,
    /// The lease as HTML.
    pub document_html: String,
}

#[utoipa::path(get, path = "/api/v1/lease-signatures/{token}/", operation_id = "lease_signing_page",
    summary = "The public signing page (no login): HTML for a browser (Accept: text/html), else the request as JSON; refused once used or expired",
    params(("token" = String, Path, description = TOKEN)), security(()),
    responses((status = 200, description = "The signing page, or the request", body = SigningRequest),
        (status = 400, description = "The link is used, withdrawn or expired", body = ErrorBody),
        (status = 404, description = "No such link", body = ErrorBody)))]
async fn signing(State(st): State<AppState>, headers: HeaderMap, Path(token): Path<String>) -> ApiResult<Response> {
    let token = token_of(&token)?;
    let now = st.clock.now();
    let html = headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"));
    let out = by_token(&st, token, move |port| {
        wf::viewed(port, token, now)?;
        let sig = wf::open_signature(port, token, now)?;
        let wf::SignerView { lease, assembled: a, addenda, title } = wf::signer_view(port, &sig, now)?;
        let pages = unitcycle_core::lease_generation::signing_page::pages(&a, &addenda).len();
        let page = html.then(|| {
            signing_page(&SigningView {
                token: &token.to_string(),
                title: &title,
                signer_name: &sig.signer_name,
                signer_role: &sig.signer_role,
                expires_at: sig.expires_at,
                lease: &a,
                addenda: &addenda,
                already_signed: sig.status == "signed",
            })
        });
        Ok((
            page,
            SigningRequest {
                signer_name: sig.signer_name,
                signer_role: sig.signer_role,
                status: sig.status,
                expires_at: sig.expires_at,
                title,
                page_count: pages,
                document_html: lease.document_html,
            },
        ))
    })
    .await;
    // A browser gets the refusal (a used, withdrawn or expired link) as a page, not JSON.
    let out = match out {
        Err(e) if html => return Ok((e.status, Html(refusal_page(&e.detail))).into_response()),
        other => other?,
    };
    Ok(match out {
        (Some(page), _) => Html(page).into_response(),
        (None, json) => Json(json).into_response(),
    })
}

#[utoipa::path(post, path = "/api/v1/lease-signatures/{token}/sign/", operation_id = "lease_sign",
    summary = "Sign (no login): consent to sign electronically, every page viewed, a typed or drawn signature; records IP, user agent, time spent and pages viewed. The last signature completes the lease and turns the unit Active",
    params(("token" = String, Path, description = TOKEN)), security(()), request_body = SignInput,
    responses((status = 200, description = "Signed", body = SignOutcome),
        (status = 400, description = "No consent, pages not viewed, no signature, or a used or expired link", body = ErrorBody),
        (status = 404, description = "No such link", body = ErrorBody)))]
async fn sign(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    Path(token): Path<String>,
    body: Body,
) -> ApiResult<Json<SignOutcome>> {
    let token = token_of(&token)?;
    let input: SignInput = body.json()?;
    let ctx = SignerContext {
        ip_address: ip.map(|ip| ip.to_string()),
        user_agent: headers.get(header::USER_AGENT).and_then(|u| u.to_str().ok()).unwrap_or_default().to_string(),
    };
    let now = st.clock.now();
    Ok(Json(by_token(&st, token, move |port| wf::sign(port, token, &input, &ctx, "e-signature", now)).await?))
}
