//! `/api/v1/showings/…`, `/api/v1/prospects/…` and `/api/v1/listings/leads/{id}/schedule-tour/`
//! (spec 5.2). Thin handlers over `unitcycle_core::showings::workflow`. A booking that clashes
//! with another (the same listing at an overlapping time, or a full day) is a 409; a time that
//! cannot be booked (past, outside the hours) a 422; other bad input a 400.

use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Deserialize;
use unitcycle_core::showings::access::AccessCode;
use unitcycle_core::showings::feedback::ThemesReport;
use unitcycle_core::showings::funnel::Funnel;
use unitcycle_core::showings::model::{Prospect, ShowingFeedback};
use unitcycle_core::showings::slots::{DaySlots, Refusal};
use unitcycle_core::showings::workflow::{
    self as wf, BookError, Calendar, LeadTour, NewFeedback, NewProspect, NewShowing, ShowingFilter, ShowingView,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::query::{self, Query};
use crate::server::{act, id_of, read, writer, ApiError, ApiResult, AppState, Body};
use crate::wire::ErrorBody;

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(schedule, list))
        .routes(routes!(confirm))
        .routes(routes!(cancel))
        .routes(routes!(complete))
        .routes(routes!(calendar))
        .routes(routes!(access_code))
        .routes(routes!(slots))
        .routes(routes!(create_prospect))
        .routes(routes!(verify_identity).layer(DefaultBodyLimit::max(2 * wf::MAX_IDENTITY_BYTES + 64 * 1024)))
        .routes(routes!(feedback))
        .routes(routes!(themes))
        .routes(routes!(funnel))
        .routes(routes!(schedule_tour))
}

/// A booking's answer: 201 with the showing, 409 for a clash, 422 for a time that cannot be booked.
fn booked(r: Result<ShowingView, BookError>) -> ApiResult<Response> {
    match r {
        Ok(v) => Ok((StatusCode::CREATED, Json(v)).into_response()),
        Err(BookError::Refused(Refusal::Conflict(m))) => Err(ApiError::new(StatusCode::CONFLICT, m)),
        Err(BookError::Refused(Refusal::Invalid(m))) => Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, m)),
        Err(BookError::Store(e)) => Err(e.into()),
    }
}

#[utoipa::path(post, path = "/api/v1/showings/", operation_id = "showings_create",
    summary = "Schedule a showing for a prospect in one of the property's slots (guided, self_guided or virtual); its no-show risk is scored with its factors and the prospect moves to touring",
    request_body = NewShowing,
    responses((status = 201, description = "The showing", body = ShowingView),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 404, description = "No such listing or prospect", body = ErrorBody),
        (status = 409, description = "The listing has a showing at an overlapping time, or the day is full", body = ErrorBody),
        (status = 422, description = "In the past, outside the showing hours, or a type not offered", body = ErrorBody)))]
async fn schedule(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let b: NewShowing = body.json()?;
    let now = st.clock.now();
    writer(&p)?;
    let r = read(&st, &p, move |port| Ok(wf::schedule(port, &b, now))).await?;
    booked(r)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ShowingQuery {
    #[serde(default, deserialize_with = "query::uuid")]
    pub listing: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    /// `scheduled`, `confirmed`, `in_progress`, `completed`, `no_show`, `cancelled`.
    pub status: Option<String>,
    /// `guided`, `self_guided`, `virtual`.
    pub showing_type: Option<String>,
    /// From this day (UTC, inclusive).
    #[serde(default, alias = "start", alias = "from", deserialize_with = "query::date")]
    pub date_from: Option<NaiveDate>,
    /// To this day (UTC, inclusive).
    #[serde(default, alias = "end", alias = "to", deserialize_with = "query::date")]
    pub date_to: Option<NaiveDate>,
}

fn day_start(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

#[utoipa::path(get, path = "/api/v1/showings/", operation_id = "showings_list",
    summary = "The showings by time, each with its no-show risk score, level and factors; filter by listing, property, date range, status and showing type",
    params(ShowingQuery),
    responses((status = 200, description = "The showings", body = Vec<ShowingView>),
        (status = 400, description = "A bad filter", body = ErrorBody)))]
async fn list(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ShowingQuery>,
) -> ApiResult<Json<Vec<ShowingView>>> {
    if let Some(s) = &q.status {
        if !unitcycle_core::showings::model::SHOWING_STATUSES.contains(&s.as_str()) {
            return Err(ApiError::bad(format!("status: '{s}' is not a showing status.")));
        }
    }
    if let Some(t) = &q.showing_type {
        if !unitcycle_core::showings::model::SHOWING_TYPES.contains(&t.as_str()) {
            return Err(ApiError::bad(format!("showing_type: '{t}' is not guided, self_guided or virtual.")));
        }
    }
    let f = ShowingFilter {
        listing: q.listing,
        property: q.property,
        status: q.status,
        showing_type: q.showing_type,
        from: q.date_from.map(day_start),
        to: q.date_to.map(|d| day_start(d) + Duration::days(1)),
    };
    Ok(Json(read(&st, &p, move |port| wf::list(port, &f)).await?))
}

#[utoipa::path(post, path = "/api/v1/showings/{id}/confirm/", operation_id = "showings_confirm",
    summary = "The prospect confirms attendance (the no-show risk is re-scored)",
    params(("id" = String, Path, description = "The showing's id")),
    responses((status = 200, description = "The showing", body = ShowingView),
        (status = 400, description = "Not a scheduled showing", body = ErrorBody),
        (status = 404, description = "No such showing", body = ErrorBody)))]
async fn confirm(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<ShowingView>> {
    let id = id_of("Showing", &id)?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::confirm(port, id, now)).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CancelBody {
    #[serde(default)]
    pub reason: String,
}

#[utoipa::path(post, path = "/api/v1/showings/{id}/cancel/", operation_id = "showings_cancel",
    summary = "Cancel a scheduled or confirmed showing (its access code with it); the prospect is told",
    params(("id" = String, Path, description = "The showing's id")),
    request_body(content = CancelBody, description = "Optional reason"),
    responses((status = 200, description = "The showing", body = ShowingView),
        (status = 400, description = "Not a scheduled or confirmed showing", body = ErrorBody),
        (status = 404, description = "No such showing", body = ErrorBody)))]
async fn cancel(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ShowingView>> {
    let id = id_of("Showing", &id)?;
    let b: CancelBody = body.json_or_default()?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::cancel(port, id, &b.reason, now)).await?))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct CompleteBody {
    /// `applied`, `not_interested`, `still_considering` or `no_response`, when known.
    #[serde(default)]
    pub conversion_outcome: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/showings/{id}/complete/", operation_id = "showings_complete",
    summary = "Mark a showing completed (after its start), with its conversion outcome when known",
    params(("id" = String, Path, description = "The showing's id")),
    request_body(content = CompleteBody, description = "Optional outcome"),
    responses((status = 200, description = "The showing", body = ShowingView),
        (status = 400, description = "Not started, cancelled, or a bad outcome", body = ErrorBody),
        (status = 404, description = "No such showing", body = ErrorBody)))]
async fn complete(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<ShowingView>> {
    let id = id_of("Showing", &id)?;
    let b: CompleteBody = body.json_or_default()?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::complete(port, id, b.conversion_outcome.as_deref(), now)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarQuery {
    /// First day (default: this week's Monday).
    #[serde(default, alias = "date_from", deserialize_with = "query::date")]
    pub start: Option<NaiveDate>,
    /// Last day (default: six days after the start; at most 62 days).
    #[serde(default, alias = "date_to", deserialize_with = "query::date")]
    pub end: Option<NaiveDate>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/showings/calendar/", operation_id = "showings_calendar",
    summary = "Every showing of a date range by day (on the property's local date), with risk level, prospect and listing",
    params(CalendarQuery),
    responses((status = 200, description = "The calendar", body = Calendar),
        (status = 400, description = "A bad range", body = ErrorBody)))]
async fn calendar(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<CalendarQuery>,
) -> ApiResult<Json<Calendar>> {
    let today = st.clock.now().date_naive();
    let start = q.start.unwrap_or(today - Duration::days(i64::from(today.weekday().num_days_from_monday())));
    let end = q.end.unwrap_or(start + Duration::days(6));
    Ok(Json(read(&st, &p, move |port| wf::calendar(port, start, end, q.property)).await?))
}

#[utoipa::path(post, path = "/api/v1/showings/{id}/access-code/", operation_id = "showings_access_code",
    summary = "The one-time self-guided access code (8 characters, valid 60 minutes from the showing's start); refused until the prospect's identity is verified",
    params(("id" = String, Path, description = "The showing's id")),
    responses((status = 200, description = "The code", body = AccessCode),
        (status = 400, description = "Identity not verified, not self-guided, or the time has passed", body = ErrorBody),
        (status = 404, description = "No such showing", body = ErrorBody)))]
async fn access_code(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<AccessCode>> {
    let id = id_of("Showing", &id)?;
    let now = st.clock.now();
    Ok(Json(act(&st, &p, move |port| wf::access_code(port, id, now)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SlotQuery {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::date")]
    pub date: Option<NaiveDate>,
    /// Only this listing's bookings make a slot unavailable.
    #[serde(default, deserialize_with = "query::uuid")]
    pub listing: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/showings/slots/", operation_id = "showings_slots",
    summary = "The day's slots at a property (its showing_slot_config for the weekday, else the default Monday-Saturday 09:00-18:00), each available or not, and the day's remaining capacity",
    params(SlotQuery),
    responses((status = 200, description = "The slots", body = DaySlots),
        (status = 400, description = "No property or date", body = ErrorBody),
        (status = 404, description = "No such property", body = ErrorBody)))]
async fn slots(State(st): State<AppState>, p: Principal, Query(q): Query<SlotQuery>) -> ApiResult<Json<DaySlots>> {
    let property = q.property.ok_or_else(|| ApiError::bad("property is required (?property={id}&date=YYYY-MM-DD)."))?;
    let date = q.date.ok_or_else(|| ApiError::bad("date is required (YYYY-MM-DD)."))?;
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| wf::day_slots(port, property, date, q.listing, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/prospects/", operation_id = "prospects_create",
    summary = "Create a prospect with pre-screening data (income_range, move_in_date, pets, occupants, employment) for a listing or property",
    request_body = NewProspect,
    responses((status = 201, description = "The prospect", body = Prospect),
        (status = 400, description = "Bad input", body = ErrorBody),
        (status = 404, description = "No such listing or property", body = ErrorBody)))]
async fn create_prospect(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Response> {
    let b: NewProspect = body.json()?;
    let now = st.clock.now();
    let prospect = act(&st, &p, move |port| wf::create_prospect(port, b, now)).await?;
    Ok((StatusCode::CREATED, Json(prospect)).into_response())
}

fn content_type(bytes: &[u8]) -> &'static str {
    crate::screening::api::sniff(bytes).map_or("application/octet-stream", |(t, _)| t)
}

#[utoipa::path(post, path = "/api/v1/prospects/{id}/verify-identity/", operation_id = "prospects_verify_identity",
    summary = "Upload a government ID (multipart field 'id_document') and a selfie ('selfie'), together or one at a time (or JSON: both base64-encoded, or their id_document_url and selfie_url); once both are on file the prospect is identity_verified (method documents_on_file, for a person or provider to match) and may get self-guided access codes",
    params(("id" = String, Path, description = "The prospect's id")),
    request_body(content = Vec<u8>, content_type = "multipart/form-data"),
    responses((status = 200, description = "The prospect", body = Prospect),
        (status = 400, description = "No file, an empty or oversized one, or not an image or PDF", body = ErrorBody),
        (status = 404, description = "No such prospect", body = ErrorBody)))]
async fn verify_identity(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    request: Request,
) -> ApiResult<Json<Prospect>> {
    let id = id_of("Prospect", &id)?;
    writer(&p)?;
    let ct = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_lowercase();
    if ct.starts_with("application/json") {
        return verify_identity_json(st, p, id, request).await;
    }
    if !ct.starts_with("multipart/form-data") {
        return Err(ApiError::bad(
            "Send the government ID and selfie as multipart/form-data fields 'id_document' and 'selfie' (or JSON \
             with them base64-encoded, or their id_document_url and selfie_url).",
        ));
    }
    let mut form = Multipart::from_request(request, &st)
        .await
        .map_err(|e| ApiError::bad(format!("Cannot read the multipart upload: {}", e.body_text())))?;
    let (mut id_doc, mut selfie) = (None, None);
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| ApiError::new(e.status(), format!("Cannot read the upload: {}", e.body_text())))?
    {
        let name = field.name().unwrap_or("").to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| ApiError::new(e.status(), format!("Cannot read the upload: {}", e.body_text())))?
            .to_vec();
        match name.as_str() {
            "id_document" | "government_id" | "id" => id_doc = Some(bytes),
            "selfie" => selfie = Some(bytes),
            _ => {}
        }
    }
    let now = st.clock.now();
    let prospect = act(&st, &p, move |port| {
        let doc = id_doc.as_deref().map(|b| (b, content_type(b)));
        let me = selfie.as_deref().map(|b| (b, content_type(b)));
        wf::verify_identity(port, id, doc, me, now)
    })
    .await?;
    Ok(Json(prospect))
}

/// The JSON form of the identity upload: the files base64-encoded, or where they are kept.
#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct IdentityJson {
    /// The government ID, base64.
    #[serde(default)]
    pub id_document: Option<String>,
    /// The selfie, base64.
    #[serde(default)]
    pub selfie: Option<String>,
    #[serde(default)]
    pub id_document_url: Option<String>,
    #[serde(default)]
    pub selfie_url: Option<String>,
}

async fn verify_identity_json(st: AppState, p: Principal, id: Uuid, request: Request) -> ApiResult<Json<Prospect>> {
    use base64::Engine;
    let Body(bytes) = Body::from_request(request, &st).await?;
    let b: IdentityJson = Body(bytes).json()?;
    let decode = |what: &str, v: &Option<String>| -> ApiResult<Option<Vec<u8>>> {
        v.as_deref()
            .map(|s| {
                let s = s.split_once("base64,").map_or(s, |(_, data)| data).trim();
                base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map_err(|_| ApiError::bad(format!("{what} is not base64 (or give {what}_url).")))
            })
            .transpose()
    };
    let (doc, me) = (decode("id_document", &b.id_document)?, decode("selfie", &b.selfie)?);
    let now = st.clock.now();
    let prospect = act(&st, &p, move |port| {
        if doc.is_some() || me.is_some() {
            let d = doc.as_deref().map(|b| (b, content_type(b)));
            let s = me.as_deref().map(|b| (b, content_type(b)));
            let after = wf::verify_identity(port, id, d, s, now)?;
            if b.id_document_url.is_none() && b.selfie_url.is_none() {
                return Ok(after);
            }
        }
        wf::record_identity_documents(port, id, b.id_document_url.as_deref(), b.selfie_url.as_deref(), now)
    })
    .await?;
    Ok(Json(prospect))
}

#[utoipa::path(post, path = "/api/v1/showings/{id}/feedback/", operation_id = "showings_feedback",
    summary = "Post-tour feedback (overall_rating 1-5, liked, disliked, comments, would_apply, price_perception), analysed into themes with sentiment and a sentiment_score (-1 to 1)",
    params(("id" = String, Path, description = "The showing's id")),
    request_body = NewFeedback,
    responses((status = 201, description = "The feedback", body = ShowingFeedback),
        (status = 400, description = "A bad rating or the showing was not toured", body = ErrorBody),
        (status = 404, description = "No such showing", body = ErrorBody),
        (status = 409, description = "Feedback was already submitted", body = ErrorBody)))]
async fn feedback(State(st): State<AppState>, p: Principal, Path(id): Path<String>, body: Body) -> ApiResult<Response> {
    let id = id_of("Showing", &id)?;
    let b: NewFeedback = body.json()?;
    let (now, gateway) = (st.clock.now(), st.gateway.clone());
    let f = act(&st, &p, move |port| wf::submit_feedback(port, &gateway, id, b, now)).await?;
    Ok((StatusCode::CREATED, Json(f)).into_response())
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ThemeQuery {
    #[serde(default, deserialize_with = "query::uuid")]
    pub listing: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/showings/feedback/themes/", operation_id = "showings_feedback_themes",
    summary = "The themes of a listing's post-tour feedback (all in scope without one): each with its positive, negative and neutral mentions, the average rating and sentiment, and what prospects disliked most",
    params(ThemeQuery),
    responses((status = 200, description = "The themes", body = ThemesReport),
        (status = 400, description = "A bad listing id", body = ErrorBody),
        (status = 404, description = "No such listing", body = ErrorBody)))]
async fn themes(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ThemeQuery>,
) -> ApiResult<Json<ThemesReport>> {
    Ok(Json(read(&st, &p, move |port| wf::themes(port, q.listing)).await?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FunnelQuery {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub listing: Option<Uuid>,
}

#[utoipa::path(get, path = "/api/v1/showings/funnel/", operation_id = "showings_funnel",
    summary = "The conversion funnel of the last 30 days: leads → tours → completed → feedback → applications, with the rates, the average no-show risk and the counts per showing type",
    params(FunnelQuery),
    responses((status = 200, description = "The funnel", body = Funnel)))]
async fn funnel(State(st): State<AppState>, p: Principal, Query(q): Query<FunnelQuery>) -> ApiResult<Json<Funnel>> {
    let now = st.clock.now();
    Ok(Json(read(&st, &p, move |port| wf::funnel_of(port, q.property, q.listing, now)).await?))
}

#[utoipa::path(post, path = "/api/v1/listings/leads/{id}/schedule-tour/", operation_id = "listing_lead_schedule_tour",
    summary = "Book a tour for a listing lead: the prospect with the lead's email (or a new one from the lead), the showing in a free slot, and the lead moved to touring",
    params(("id" = String, Path, description = "The lead's id")),
    request_body = LeadTour,
    responses((status = 201, description = "The showing", body = ShowingView),
        (status = 400, description = "Bad input, or a lead without an email", body = ErrorBody),
        (status = 404, description = "No such lead", body = ErrorBody),
        (status = 409, description = "The slot is taken", body = ErrorBody),
        (status = 422, description = "In the past or outside the showing hours", body = ErrorBody)))]
async fn schedule_tour(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Response> {
    let id = id_of("Listing lead", &id)?;
    let b: LeadTour = body.json()?;
    let now = st.clock.now();
    writer(&p)?;
    let r = read(&st, &p, move |port| Ok(wf::schedule_from_lead(port, id, &b, now))).await?;
    booked(r)
}
