//! The central HTTP API (axum). Handlers are thin: they parse the request, check the caller,
//! call `unitcycle_core` (state machine, stats) and the `pg` store, and answer in the wire
//! format. Every error is `{"detail": "..."}`; bad input is a 4xx, never a 5xx.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts, Path, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use deadpool_postgres::Pool;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use unitcycle_core::lifecycle::{self, LifecycleAction, LifecycleStats};
use unitcycle_core::model::LeaseStatus;
use utoipa::{IntoParams, IntoResponses, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::{self, Principal};
use crate::pg::{self, ApplyError, PgError};
use crate::query::{self, Paging, Query, Whole};
use crate::tables;
use crate::wire::{
    ActionWire, BlobStored, Change, ChangesPage, CountsResponse, ErrorBody, GiveNoticeRequest, LeaseWire,
    LifecycleStatsSchema, LoginRequest, LoginResponse, MarkVacantRequest, MutationResult, NewLeaseRequest, Outcome,
    Page, PushRequest, PushResponse, RowSchema, StatusLogWire,
};

/// Largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;
/// Largest blob accepted.
pub const MAX_BLOB_BYTES: usize = 32 * 1024 * 1024;
pub const DEFAULT_PAGE_SIZE: i64 = 50;
pub const MAX_PAGE_SIZE: i64 = 1000;
pub const MAX_CHANGES: i64 = 5000;
pub const MAX_PUSH: usize = 1000;

/// The server's clock, fixed in tests.
#[derive(Clone)]
pub struct Clock(Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>);

impl Clock {
    pub fn system() -> Clock {
        Clock(Arc::new(Utc::now))
    }

    pub fn fixed(at: DateTime<Utc>) -> Clock {
        Clock(Arc::new(move || at))
    }

    pub fn now(&self) -> DateTime<Utc> {
        (self.0)()
    }
}

#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub clock: Clock,
    /// Every AI call (renewal letters, collection notices, command-center drafts).
    pub gateway: Arc<unitcycle_core::ai::Gateway>,
    /// Recent failed logins, for the login rate limit.
    pub throttle: Arc<auth::LoginThrottle>,
    /// The shared secret of the delivery callbacks (`UNITCYCLE_CALLBACK_SECRET`); without it
    /// they are refused.
    pub callback_secret: Option<Arc<str>>,
    /// The SMS provider's auth token (`UNITCYCLE_SMS_AUTH_TOKEN`): when set, an SMS callback must
    /// carry a valid `X-Twilio-Signature`.
    pub sms_auth_token: Option<Arc<str>>,
    /// The base of the URL the provider calls (`UNITCYCLE_PUBLIC_URL`), which Twilio signs; else
    /// the request's Host when it names this machine.
    pub public_url: Option<Arc<str>>,
    /// Recent public screening applications per client address, for the intake form's limit.
    pub intake_limit: Arc<crate::screening::api::IntakeLimit>,
}

impl AppState {
    pub fn new(pool: Pool, clock: Clock, gateway: Arc<unitcycle_core::ai::Gateway>) -> AppState {
        AppState {
            pool,
            clock,
            gateway,
            throttle: Arc::default(),
            callback_secret: None,
            sms_auth_token: None,
            public_url: None,
            intake_limit: Arc::default(),
        }
    }

    pub fn with_callback_secret(self, secret: Option<String>) -> AppState {
        AppState { callback_secret: secret.filter(|s| !s.is_empty()).map(Into::into), ..self }
    }

    /// Checks SMS callbacks with Twilio's signature, keyed with `auth_token`, over the URL under
    /// `public_url` (e.g. `https://api.example.com`).
    pub fn with_sms_signature(self, auth_token: Option<String>, public_url: Option<String>) -> AppState {
        let clean = |s: Option<String>| s.map(|s| s.trim().trim_end_matches('/').to_string()).filter(|s| !s.is_empty());
        AppState {
            sms_auth_token: auth_token.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()).map(Into::into),
            public_url: clean(public_url).map(Into::into),
            ..self
        }
    }
}

/// The caller's network address, when the server was started with connection info.
pub struct ClientIp(pub Option<std::net::IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientIp(info.map(|c| c.0.ip())))
    }
}

/// An error answer: a status and `{"detail": ...}`.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub detail: String,
}

/// A path's id: text that is not a UUID names no row, so it is `what` not found (404), as an
/// unknown id is.
pub(crate) fn id_of(what: &str, text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::not_found(what))
}

impl ApiError {
    pub fn new(status: StatusCode, detail: impl Into<String>) -> ApiError {
        ApiError { status, detail: detail.into() }
    }

    pub(crate) fn bad(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, detail)
    }

    pub(crate) fn not_found(what: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, format!("{what} not found."))
    }

    pub(crate) fn forbidden() -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "You do not have permission to perform this action.")
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, Json(ErrorBody { detail: self.detail })).into_response()
    }
}

impl From<PgError> for ApiError {
    fn from(e: PgError) -> Self {
        // A row an older build let in (a year-10000 date) is not a failing database: retrying
        // will not help, and `unitcycle-server verify` names it.
        if matches!(e, PgError::Row(_) | PgError::Json(_)) {
            tracing::error!(error = %e, "unreadable stored row");
            return ApiError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "A stored record is unreadable; `unitcycle-server verify` lists it for an administrator to fix.",
            );
        }
        tracing::error!(error = %e, "database failure");
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly.")
    }
}

/// The core's refusals as the spec's status codes; a failing database is a 503.
impl From<unitcycle_core::store::StoreError> for ApiError {
    fn from(e: unitcycle_core::store::StoreError) -> Self {
        use unitcycle_core::store::StoreError;
        match e {
            StoreError::NotFound { what, .. } => ApiError::not_found(what),
            StoreError::Rejected(_) | StoreError::Lifecycle(_) | StoreError::Inspection(_) | StoreError::Blob(_) => {
                ApiError::bad(e.to_string())
            }
            StoreError::Conflict { .. } => ApiError::new(StatusCode::CONFLICT, e.to_string()),
            other => {
                tracing::error!(error = %other, "store failure");
                ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly.")
            }
        }
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(e: tokio_postgres::Error) -> Self {
        PgError::from(e).into()
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(e: deadpool_postgres::PoolError) -> Self {
        PgError::from(e).into()
    }
}

pub(crate) type ApiResult<T> = Result<T, ApiError>;

/// The raw body, with size-limit and read failures answered as `{"detail"}` (413 etc.).
pub struct Body(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        match Bytes::from_request(req, state).await {
            Ok(b) => Ok(Body(b)),
            Err(rej) => {
                let status = rej.status();
                let detail = if status == StatusCode::PAYLOAD_TOO_LARGE {
                    "Request body is too large.".to_string()
                } else {
                    format!("Cannot read the request body: {}", rej.body_text())
                };
                Err(ApiError::new(status, detail))
            }
        }
    }
}

impl Body {
    /// Parses a required JSON body.
    pub(crate) fn json<T: DeserializeOwned>(&self) -> ApiResult<T> {
        serde_json::from_slice(&self.0).map_err(|e| ApiError::bad(format!("Malformed JSON: {e}")))
    }

    /// Parses an optional JSON body (empty means the defaults).
    pub(crate) fn json_or_default<T: DeserializeOwned + Default>(&self) -> ApiResult<T> {
        if self.0.iter().all(u8::is_ascii_whitespace) {
            Ok(T::default())
        } else {
            self.json()
        }
    }
}

impl FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let unauthorized = |d: &str| ApiError::new(StatusCode::UNAUTHORIZED, d);
        let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
            return Err(unauthorized("Authentication credentials were not provided."));
        };
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("Token ")))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| unauthorized("Authorization header must be 'Bearer <token>'."))?;
        auth::authenticate(&state.pool, token, state.clock.now())
            .await?
            .ok_or_else(|| unauthorized("Invalid, expired or revoked token."))
    }
}

/// A UUID in a request body, or 400 "`name`: 'text' is not a valid UUID.".
pub(crate) fn parse_uuid(name: &str, text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text.trim()).map_err(|_| ApiError::bad(format!("{name}: '{text}' {}", query::NOT_A_UUID)))
}

/// A `YYYY-MM-DD` date in a request body, or 400.
pub(crate) fn parse_date(name: &str, text: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| ApiError::bad(format!("{name}: '{text}' {}", query::NOT_A_DATE)))
}

/// Every endpoint, each with its `#[utoipa::path]` documentation: the router and the OpenAPI
/// document (`crate::openapi`) are built from this one list, so they cannot disagree.
pub fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(crate::openapi::base())
        .routes(routes!(healthz))
        .routes(routes!(openapi))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(list_properties))
        .routes(routes!(property_detail))
        .routes(routes!(list_buildings))
        .routes(routes!(building_detail))
        .routes(routes!(list_units))
        .routes(routes!(unit_detail))
        .routes(routes!(list_tenants))
        .routes(routes!(tenant_detail))
        .routes(routes!(list_ledger))
        .routes(routes!(ledger_detail))
        .routes(routes!(list_work_orders))
        .routes(routes!(work_order_detail))
        .routes(routes!(list_vendors))
        .routes(routes!(vendor_detail))
        .routes(routes!(list_leases, create_lease))
        .routes(routes!(lifecycle_stats))
        .routes(routes!(lease_detail))
        .routes(routes!(status_history))
        .routes(routes!(convert_mtm))
        .routes(routes!(give_notice))
        .routes(routes!(mark_vacant))
        .routes(routes!(sync_changes))
        .routes(routes!(sync_push))
        .routes(routes!(sync_counts))
        .routes(routes!(get_blob, put_blob).layer(DefaultBodyLimit::max(MAX_BLOB_BYTES)))
        .merge(crate::renewals::api::routes())
        .merge(crate::collections::api::routes())
        .merge(crate::turnover::api::routes())
        .merge(crate::pricing::api::routes())
        .merge(crate::command_center::api::routes())
        .merge(crate::inspections::api::routes())
        .merge(crate::inspections::move_out_api::routes())
        .merge(crate::maintenance::api::routes())
        .merge(crate::invoice_processing::api::routes())
        .merge(crate::lease_abstraction::api::routes())
        .merge(crate::lease_generation::api::routes())
        .merge(crate::lease_generation::leases::routes())
        .merge(crate::communications_hub::api::routes())
        .merge(crate::onboarding::api::routes())
        .merge(crate::staging::api::routes())
        .merge(crate::showings::api::routes())
        .merge(crate::listing_syndication::api::routes())
        .merge(crate::screening::api::routes())
        .merge(crate::portfolio_chat::api::routes())
        .merge(crate::import::api::routes())
        .merge(crate::outbox::api::routes())
        .merge(crate::records::api::routes())
}

pub fn router(state: AppState) -> Router {
    let (router, _) = api().split_for_parts();
    router
        .fallback(|| async { ApiError::new(StatusCode::NOT_FOUND, "Not found.") })
        .layer(DefaultBodyLimit::max(MAX_JSON_BYTES))
        .layer(axum::middleware::from_fn(crate::read_cache::bump_after_writes))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(panicked))
        .with_state(state)
}

/// A handler that panicked answers a logged 500 with the error body, never a dropped connection.
fn panicked(err: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let what = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = what, "a request handler panicked");
    ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "Internal error; it has been logged.").into_response()
}

/// Raw bytes (`application/octet-stream`), for the documentation of the blob endpoints.
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct Binary(pub Vec<u8>);

/// `GET /healthz`.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: String,
}

#[utoipa::path(get, path = "/healthz", summary = "Liveness: the server and its database answer", security(()),
    responses((status = 200, description = "The server and its database answer", body = Health)))]
async fn healthz(State(st): State<AppState>) -> ApiResult<Json<Health>> {
    st.pool.get().await?.query_one("SELECT 1", &[]).await?;
    Ok(Json(Health { status: "ok".into() }))
}

#[utoipa::path(post, path = "/api/v1/auth/login/", summary = "Exchange email and password for a bearer token",
    security(()), request_body = LoginRequest,
    responses((status = 200, description = "A bearer token", body = LoginResponse),
        (status = 429, description = "Too many failed logins for this email or address; try again later", body = ErrorBody)))]
async fn login(State(st): State<AppState>, ClientIp(ip): ClientIp, body: Body) -> ApiResult<Json<LoginResponse>> {
    let req: LoginRequest = body.json()?;
    let now = st.clock.now();
    let keys = auth::LoginThrottle::keys(&req.email, ip);
    if let Some(at) = st.throttle.retry_after(&keys, now) {
        let minutes = (at - now).num_minutes() + 1;
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many failed logins; try again in {minutes} minute(s)."),
        ));
    }
    match auth::login(&st.pool, &req.email, &req.password, now).await? {
        Some((token, p)) => {
            st.throttle.succeeded(&keys);
            Ok(Json(LoginResponse {
                token,
                email: p.email,
                role: p.role.as_str().into(),
                expires_at: Some(now + chrono::Duration::days(auth::TOKEN_TTL_DAYS)),
            }))
        }
        None => {
            st.throttle.failed(&keys, now);
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "Unable to log in with provided credentials."))
        }
    }
}

#[utoipa::path(post, path = "/api/v1/auth/logout/", summary = "Revoke the presented token",
    responses((status = 200, description = "Logged out", body = ErrorBody)))]
async fn logout(State(st): State<AppState>, p: Principal) -> ApiResult<Json<ErrorBody>> {
    auth::revoke(&st.pool, p.token_id, st.clock.now()).await?;
    Ok(Json(ErrorBody { detail: "Logged out.".into() }))
}

// --- base entities ----------------------------------------------------------------------

/// A read-only entity endpoint: its table, the name in errors, the scope and its order.
struct Entity {
    table: &'static str,
    what: &'static str,
    /// SQL over alias `r` with `$1` = the caller's property ids.
    scope: &'static str,
    order: &'static str,
}

/// The lease list's order (end date first, open-ended leases last).
pub const LEASE_ORDER: &str = "r.lease_end_date NULLS LAST, r.id";

/// Every list endpoint's table and order: each is read in an index's order (checked on
/// PostgreSQL's plans by `sync/tests/list_plans.rs`).
pub fn list_orders() -> Vec<(&'static str, &'static str)> {
    let mut v: Vec<(&str, &str)> = [PROPERTIES, UNITS, LEDGER, TENANTS, WORK_ORDERS, BUILDINGS, VENDORS]
        .iter()
        .map(|e| (e.table, e.order))
        .collect();
    v.push(("tenant_lease", LEASE_ORDER));
    v.push(("renewal_recommendation", crate::renewals::adapter::ORDER));
    v.push(("collection_case", crate::collections::adapter::ORDER));
    v
}

const PROPERTIES: Entity =
    Entity { table: "properties", what: "Property", scope: "r.id = ANY($1)", order: "r.name, r.id" };
const UNITS: Entity = Entity {
    table: "units_unit",
    what: "Unit",
    scope: "r.property_id = ANY($1)",
    order: "r.property_id, r.unit_number, r.id",
};
const LEDGER: Entity = Entity {
    table: "tenant_ledger_entry",
    what: "Ledger entry",
    scope: "r.property_id = ANY($1)",
    order: "r.trans_date DESC, r.id",
};
const TENANTS: Entity = Entity {
    table: "tenants",
    what: "Tenant",
    scope: "EXISTS (SELECT 1 FROM tenant_lease l WHERE l.tenant_id = r.id AND l.property_id = ANY($1))",
    order: "r.last_name, r.first_name, r.id",
};
const WORK_ORDERS: Entity = Entity {
    table: "units_maintenance",
    what: "Work order",
    scope: "r.property_id = ANY($1)",
    order: "r.requested_date DESC, r.id",
};
const BUILDINGS: Entity = Entity {
    table: "buildings",
    what: "Building",
    scope: "r.property_id = ANY($1)",
    order: "r.property_id, r.name, r.id",
};
const VENDORS: Entity =
    Entity { table: "vendors", what: "Vendor", scope: "$1::uuid[] IS NOT NULL", order: "r.name, r.id" };

/// A filter of an entity list: (column, value, the value is a UUID).
type Column = (&'static str, Option<String>, bool);

fn uuid_column(column: &'static str, v: Option<Uuid>) -> Column {
    (column, v.map(|u| u.to_string()), true)
}

fn text_column(column: &'static str, v: Option<String>) -> Column {
    (column, v.map(|t| t.trim().to_string()), false)
}

/// The filters of an entity list.
trait EntityFilter {
    /// Whether archived records are listed too (`?include_archived=true`); only tables with
    /// an `archived_at` column have them.
    fn include_archived(&self) -> bool {
        false
    }
    fn columns(self) -> Vec<Column>;
}

/// Properties and tenants: archived ones only on request.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArchivedFilter {
    /// true: archived records too.
    pub include_archived: Option<bool>,
}

impl EntityFilter for ArchivedFilter {
    fn include_archived(&self) -> bool {
        self.include_archived == Some(true)
    }

    fn columns(self) -> Vec<Column> {
        Vec::new()
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BuildingFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    /// true: archived buildings too.
    pub include_archived: Option<bool>,
}

impl EntityFilter for BuildingFilter {
    fn include_archived(&self) -> bool {
        self.include_archived == Some(true)
    }

    fn columns(self) -> Vec<Column> {
        vec![uuid_column("property_id", self.property)]
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub building: Option<Uuid>,
    pub status: Option<String>,
    /// true: archived units too.
    pub include_archived: Option<bool>,
}

impl EntityFilter for UnitFilter {
    fn include_archived(&self) -> bool {
        self.include_archived == Some(true)
    }

    fn columns(self) -> Vec<Column> {
        vec![
            uuid_column("property_id", self.property),
            uuid_column("building_id", self.building),
            text_column("status", self.status),
        ]
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub tenant: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub lease: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    pub trans_type: Option<String>,
}

impl EntityFilter for LedgerFilter {
    fn columns(self) -> Vec<Column> {
        vec![
            uuid_column("tenant_id", self.tenant),
            uuid_column("lease_id", self.lease),
            uuid_column("property_id", self.property),
            text_column("trans_type", self.trans_type),
        ]
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct WorkOrderFilter {
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    pub status: Option<String>,
    pub priority: Option<String>,
}

impl EntityFilter for WorkOrderFilter {
    fn columns(self) -> Vec<Column> {
        vec![
            uuid_column("property_id", self.property),
            uuid_column("unit_id", self.unit),
            text_column("status", self.status),
            text_column("priority", self.priority),
        ]
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VendorFilter {
    pub trade: Option<String>,
}

impl EntityFilter for VendorFilter {
    fn columns(self) -> Vec<Column> {
        vec![text_column("trade", self.trade)]
    }
}

/// The `{id}` of an entity's detail endpoint.
#[derive(IntoParams)]
#[into_params(parameter_in = Path)]
pub struct RowId {
    /// The row's id.
    pub id: String,
}

/// The answer of an entity list.
#[derive(IntoResponses)]
pub enum RowPageAnswer {
    /// A page of rows.
    #[response(status = 200)]
    Ok(Page<RowSchema>),
}

/// The answer of an entity's detail endpoint.
#[derive(IntoResponses)]
pub enum RowAnswer {
    /// The row.
    #[response(status = 200)]
    Ok(RowSchema),
}

/// The list and detail endpoints of one entity.
macro_rules! entity_endpoints {
    ($entity:ident, $filter:ident, $list:ident, $list_path:tt, $list_summary:tt, $detail:ident, $detail_path:tt,
     $detail_summary:tt) => {
        #[utoipa::path(get, path = $list_path, summary = $list_summary, params($filter, Paging), responses(RowPageAnswer))]
        async fn $list(
            State(st): State<AppState>,
            p: Principal,
            headers: HeaderMap,
            uri: Uri,
            Query(filter): Query<$filter>,
            Query(paging): Query<Paging>,
        ) -> ApiResult<Json<Page<Value>>> {
            let archived = filter.include_archived();
            list_entity(&$entity, &st, &p, (&headers, &uri), (filter.columns(), archived), &paging).await
        }

        #[utoipa::path(get, path = $detail_path, summary = $detail_summary, params(RowId), responses(RowAnswer))]
        async fn $detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<Value>> {
            entity_detail(&$entity, &st, &p, &id).await
        }
    };
}

entity_endpoints!(
    PROPERTIES,
    ArchivedFilter,
    list_properties,
    "/api/v1/properties/",
    "Properties granted to the caller (paginated)",
    property_detail,
    "/api/v1/properties/{id}/",
    "One property"
);
entity_endpoints!(
    UNITS,
    UnitFilter,
    list_units,
    "/api/v1/units/",
    "Units; filters property, building, status",
    unit_detail,
    "/api/v1/units/{id}/",
    "One unit"
);
entity_endpoints!(
    TENANTS,
    ArchivedFilter,
    list_tenants,
    "/api/v1/tenants/",
    "Tenants with a lease in the caller's properties",
    tenant_detail,
    "/api/v1/tenants/{id}/",
    "One tenant"
);
entity_endpoints!(
    BUILDINGS,
    BuildingFilter,
    list_buildings,
    "/api/v1/buildings/",
    "Buildings; filter property",
    building_detail,
    "/api/v1/buildings/{id}/",
    "One building"
);
entity_endpoints!(
    LEDGER,
    LedgerFilter,
    list_ledger,
    "/api/v1/tenants/ledger/",
    "Ledger entries; filters tenant, lease, property, trans_type",
    ledger_detail,
    "/api/v1/tenants/ledger/{id}/",
    "One ledger entry"
);
entity_endpoints!(
    WORK_ORDERS,
    WorkOrderFilter,
    list_work_orders,
    "/api/v1/maintenance/work-orders/",
    "Work orders; filters property, unit, status, priority",
    work_order_detail,
    "/api/v1/maintenance/work-orders/{id}/",
    "One work order"
);
entity_endpoints!(
    VENDORS,
    VendorFilter,
    list_vendors,
    "/api/v1/vendors/",
    "Vendors; filter trade",
    vendor_detail,
    "/api/v1/vendors/{id}/",
    "One vendor"
);

/// `count/next/previous` links for page `page` of `count` rows: the request's query string
/// with another `page`.
/// Refuses a caller who may only read (403).
pub(crate) fn writer(p: &Principal) -> ApiResult<()> {
    if p.role.can_write() {
        Ok(())
    } else {
        Err(ApiError::forbidden())
    }
}

/// Runs a feature's core read over the caller's properties (a record outside them is not found).
pub(crate) async fn read<T, F>(st: &AppState, p: &Principal, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::adapter::PgPort) -> Result<T, unitcycle_core::store::StoreError> + Send + 'static,
{
    Ok(crate::adapter::run(&st.pool, Some(p.properties.clone()), f).await?)
}

/// Runs a feature's core action over the caller's properties; refused for a read-only caller.
pub(crate) async fn act<T, F>(st: &AppState, p: &Principal, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut crate::adapter::PgPort) -> Result<T, unitcycle_core::store::StoreError> + Send + 'static,
{
    writer(p)?;
    read(st, p, f).await
}

pub(crate) fn page_links(
    headers: &HeaderMap,
    uri: &Uri,
    page: i64,
    size: i64,
    count: i64,
) -> (Option<String>, Option<String>) {
    let base = link_base(headers.get(header::HOST).and_then(|h| h.to_str().ok()), public_url());
    let q = crate::query::pairs(uri.query());
    let link = |n: i64| {
        let mut pairs: Vec<(&str, String)> =
            q.iter().filter(|(k, _)| k.as_str() != "page").map(|(k, v)| (k.as_str(), v.clone())).collect();
        pairs.push(("page", n.to_string()));
        let qs: Vec<String> = pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
        format!("{base}{}?{}", uri.path(), qs.join("&"))
    };
    let next = (page * size < count).then(|| link(page + 1));
    let previous = (page > 1).then(|| link(page - 1));
    (next, previous)
}

/// The server's public base URL (`UNITCYCLE_PUBLIC_URL`, e.g. `https://api.example.com`), read once.
pub fn public_url() -> Option<&'static str> {
    static URL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();
    URL.get_or_init(|| {
        std::env::var("UNITCYCLE_PUBLIC_URL")
            .ok()
            .map(|u| u.trim().trim_end_matches('/').to_string())
            .filter(|u| !u.is_empty())
    })
    .as_deref()
}

/// Where pagination links point. The Host header is the caller's to write, so it is echoed only
/// when it names this machine (`localhost`, `127.0.0.1`, `[::1]`, any port) or the configured
/// public URL's host; otherwise the links use the public URL (or `http://localhost`), never a
/// host an attacker chose.
pub fn link_base(host: Option<&str>, public: Option<&str>) -> String {
    let public_host = public.and_then(|u| u.split_once("://")).map(|(_, rest)| rest.split('/').next().unwrap_or(""));
    if let Some(h) = host {
        let name = if h.starts_with('[') {
            h.split(']').next().map(|n| format!("{n}]"))
        } else {
            h.split(':').next().map(str::to_string)
        };
        let local = matches!(name.as_deref(), Some("localhost" | "127.0.0.1" | "[::1]"));
        let valid = !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c));
        if valid && public_host == Some(h) {
            return public.unwrap_or_default().to_string();
        }
        if valid && local {
            return format!("http://{h}");
        }
    }
    public.map_or_else(|| "http://localhost".to_string(), str::to_string)
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct PageMeta {
    count: u64,
    next: Option<String>,
    previous: Option<String>,
}

/// Runs a paginated query: `from_where` is `FROM ... WHERE ...` over alias `r`.
async fn paged(
    st: &AppState,
    (headers, uri): (&HeaderMap, &Uri),
    paging: &Paging,
    (select, from_where, order): (&str, &str, &str),
    args: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> ApiResult<(PageMeta, Vec<tokio_postgres::Row>)> {
    let (page, size) = paging.get()?;
    let client = st.pool.get().await?;
    let count = crate::read_cache::count(&**client, &format!("SELECT COUNT(*) {from_where}"), args).await?;
    if page > 1 && (page - 1) * size >= count {
        return Err(ApiError::not_found("Page"));
    }
    let rows = client
        .query(
            &format!("SELECT {select} {from_where} ORDER BY {order} LIMIT {size} OFFSET {}", (page - 1) * size),
            args,
        )
        .await?;
    let (next, previous) = page_links(headers, uri, page, size, count);
    Ok((PageMeta { count: count as u64, next, previous }, rows))
}

async fn list_entity(
    e: &Entity,
    st: &AppState,
    p: &Principal,
    request: (&HeaderMap, &Uri),
    (columns, include_archived): (Vec<Column>, bool),
    paging: &Paging,
) -> ApiResult<Json<Page<Value>>> {
    let t = tables::table(e.table).ok_or_else(|| ApiError::not_found("Endpoint"))?;
    let mut clauses = vec![e.scope.to_string()];
    if !include_archived && t.columns.iter().any(|(c, _)| *c == "archived_at") {
        clauses.push("r.archived_at IS NULL".into());
    }
    let mut values: Vec<String> = Vec::new();
    for (column, value, is_uuid) in columns {
        let Some(v) = value else { continue };
        if is_uuid {
            clauses.push(format!("r.{column} = ${}::text::uuid", values.len() + 2));
        } else {
            clauses.push(format!("r.{column}::text = ${}::text", values.len() + 2));
        }
        values.push(v);
    }
    let mut args: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&p.properties];
    args.extend(values.iter().map(|v| v as &(dyn tokio_postgres::types::ToSql + Sync)));
    let from_where = format!("FROM {} r WHERE {}", t.name, clauses.join(" AND "));
    let (page, rows) = paged(st, request, paging, (&tables::pg_json_expr(t), &from_where, e.order), &args).await?;
    let results = rows
        .iter()
        .map(|r| tables::canonicalize(t, r.get::<_, Value>(0)).map_err(PgError::from))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(Page { count: page.count, next: page.next, previous: page.previous, results }))
}

async fn entity_detail(e: &Entity, st: &AppState, p: &Principal, id: &str) -> ApiResult<Json<Value>> {
    let t = tables::table(e.table).ok_or_else(|| ApiError::not_found("Endpoint"))?;
    let Ok(id) = Uuid::parse_str(id) else { return Err(ApiError::not_found(e.what)) };
    let sql = format!("SELECT {} FROM {} r WHERE r.id = $2 AND {}", tables::pg_json_expr(t), t.name, e.scope);
    let row = st.pool.get().await?.query_opt(&sql, &[&p.properties, &id]).await?;
    let row = row.ok_or_else(|| ApiError::not_found(e.what))?;
    Ok(Json(tables::canonicalize(t, row.get::<_, Value>(0)).map_err(PgError::from)?))
}

// --- leases (spec 1.1) ------------------------------------------------------------------

type SqlArg = Box<dyn tokio_postgres::types::ToSql + Sync + Send>;

/// The filters of `GET /api/v1/tenants/leases/` and its lifecycle stats.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LeaseFilter {
    /// Comma-separated lifecycle statuses (active, month_to_month, notice, vacant).
    pub lease_status: Option<String>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub property: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub unit: Option<Uuid>,
    #[serde(default, deserialize_with = "query::uuid")]
    pub tenant: Option<Uuid>,
    #[serde(default, deserialize_with = "query::date")]
    #[serde(rename = "lease_end_date__lte")]
    pub lease_end_date_lte: Option<NaiveDate>,
    #[serde(default, deserialize_with = "query::date")]
    #[serde(rename = "lease_end_date__gte")]
    pub lease_end_date_gte: Option<NaiveDate>,
}

/// The filters as SQL over alias `r` (`$1` = granted properties).
fn lease_filters(q: &LeaseFilter) -> ApiResult<(Vec<String>, Vec<SqlArg>)> {
    let mut clauses = vec!["r.property_id = ANY($1)".to_string()];
    let mut args: Vec<SqlArg> = Vec::new();
    let mut push =
        |clause: &str, arg: Box<dyn tokio_postgres::types::ToSql + Sync + Send>, clauses: &mut Vec<String>| {
            args.push(arg);
            clauses.push(clause.replace('?', &format!("${}", args.len() + 1)));
        };
    let states = query::enum_list::<LeaseStatus, _>(&q.lease_status, "lease_status", |s| s.as_str())?;
    if !states.is_empty() {
        push("r.lease_status = ANY(?::text[])", Box::new(states), &mut clauses);
    }
    for (value, column) in [(q.property, "property_id"), (q.unit, "unit_id"), (q.tenant, "tenant_id")] {
        if let Some(v) = value {
            push(&format!("r.{column} = ?"), Box::new(v), &mut clauses);
        }
    }
    if let Some(v) = q.lease_end_date_lte {
        push("r.lease_end_date <= ?", Box::new(v), &mut clauses);
    }
    if let Some(v) = q.lease_end_date_gte {
        push("r.lease_end_date >= ?", Box::new(v), &mut clauses);
    }
    Ok((clauses, args))
}

#[utoipa::path(get, path = "/api/v1/tenants/leases/",
    summary = "Leases; filters lease_status, property, lease_end_date__lte, lease_end_date__gte",
    params(LeaseFilter, Paging),
    responses((status = 200, description = "A page of leases", body = Page<LeaseWire>)))]
async fn list_leases(
    State(st): State<AppState>,
    p: Principal,
    headers: HeaderMap,
    uri: Uri,
    Query(filter): Query<LeaseFilter>,
    Query(paging): Query<Paging>,
) -> ApiResult<Json<Page<LeaseWire>>> {
    let (clauses, boxed) = lease_filters(&filter)?;
    let mut args: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&p.properties];
    args.extend(boxed.iter().map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync)));
    let from_where = format!(
        "FROM tenant_lease r JOIN tenants t ON t.id = r.tenant_id JOIN units_unit u ON u.id = r.unit_id
         JOIN properties p ON p.id = r.property_id WHERE {}",
        clauses.join(" AND ")
    );
    let select = format!(
        "{}, t.first_name || ' ' || t.last_name, u.unit_number::text, p.name::text, p.time_zone::text",
        tables::pg_json_expr(tables::table("tenant_lease").ok_or_else(|| ApiError::not_found("Endpoint"))?)
    );
    let (page, rows) = paged(&st, (&headers, &uri), &paging, (&select, &from_where, LEASE_ORDER), &args).await?;
    let now = st.clock.now();
    let mut results = Vec::with_capacity(rows.len());
    for r in &rows {
        let lease = pg::lease_from_json(r.get(0))?;
        let today = unitcycle_core::time::today_in(r.get(4), now).map_err(pg::PgError::Setup)?;
        results.push(LeaseWire::from_lease(&lease, r.get(1), r.get(2), r.get(3), today, now));
    }
    Ok(Json(Page { count: page.count, next: page.next, previous: page.previous, results }))
}

/// Leases of one status, end date and property time zone, and how many.
type LeaseGroup = (String, Option<NaiveDate>, i64, String);

#[utoipa::path(get, path = "/api/v1/tenants/leases/lifecycle-stats/",
    summary = "Aggregate counts per lifecycle status", params(LeaseFilter),
    responses((status = 200, description = "Counts per lifecycle status", body = LifecycleStatsSchema)))]
async fn lifecycle_stats(
    State(st): State<AppState>,
    p: Principal,
    Query(filter): Query<LeaseFilter>,
) -> ApiResult<Json<LifecycleStats>> {
    let (clauses, boxed) = lease_filters(&filter)?;
    let mut args: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = vec![&p.properties];
    args.extend(boxed.iter().map(|b| b.as_ref() as &(dyn tokio_postgres::types::ToSql + Sync)));
    let sql = format!(
        "SELECT r.lease_status::text, r.lease_end_date, COUNT(*), p.time_zone::text
         FROM tenant_lease r JOIN properties p ON p.id = r.property_id WHERE {}
         GROUP BY r.lease_status, r.lease_end_date, p.time_zone",
        clauses.join(" AND ")
    );
    let client = st.pool.get().await?;
    // The groups are cached (they change only with the leases); the day each counts against is
    // worked out below, on every request.
    let key = format!("{sql}\u{1f}{args:?}");
    let groups: Arc<Vec<LeaseGroup>> = crate::read_cache::cached(&**client, &key, || async {
        let rows = client.query(&sql, &args).await?;
        Ok::<_, tokio_postgres::Error>(Arc::new(
            rows.iter().map(|r| (r.get::<_, String>(0), r.get(1), r.get(2), r.get::<_, String>(3))).collect(),
        ))
    })
    .await?;
    let now = st.clock.now();
    let mut stats = LifecycleStats::default();
    let mut days: HashMap<&str, NaiveDate> = HashMap::new();
    for (status, end, n, zone) in groups.iter() {
        let Some(status) = LeaseStatus::parse(status) else { continue };
        let today = match days.get(zone.as_str()) {
            Some(d) => *d,
            None => {
                let d = unitcycle_core::time::today_in(zone, now).map_err(pg::PgError::Setup)?;
                days.insert(zone, d);
                d
            }
        };
        for _ in 0..*n {
            stats.add(status, *end, today);
        }
    }
    Ok(Json(stats))
}

fn lease_id(text: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(text).map_err(|_| ApiError::not_found("Lease"))
}

#[utoipa::path(get, path = "/api/v1/tenants/leases/{id}/", summary = "One lease with all lifecycle fields",
    params(("id" = String, Path, description = "The lease's id")), responses((status = 200, description = "The lease", body = LeaseWire)))]
async fn lease_detail(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<Json<LeaseWire>> {
    let id = lease_id(&id)?;
    let client = st.pool.get().await?;
    let v = pg::lease_view(&**client, id, &p.properties, false).await?.ok_or_else(|| ApiError::not_found("Lease"))?;
    let now = st.clock.now();
    let today = v.today(now)?;
    Ok(Json(LeaseWire::from_lease(&v.lease, v.tenant_name, v.unit_number, v.property_name, today, now)))
}

#[utoipa::path(get, path = "/api/v1/tenants/leases/{id}/status-history/",
    summary = "Status transition log, newest first", params(("id" = String, Path, description = "The lease's id")),
    responses((status = 200, description = "The log", body = Vec<StatusLogWire>)))]
async fn status_history(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<StatusLogWire>>> {
    let id = lease_id(&id)?;
    let client = st.pool.get().await?;
    pg::lease_view(&**client, id, &p.properties, false).await?.ok_or_else(|| ApiError::not_found("Lease"))?;
    let log = pg::status_log(&**client, id).await?;
    Ok(Json(log.iter().map(StatusLogWire::from).collect()))
}

/// The result of applying one lifecycle action on the server.
enum Applied {
    Done(Box<LeaseWire>),
    Refused(String),
    NotFound,
}

/// Loads the lease (locked), plans the action with `unitcycle_core::lifecycle::plan_action`,
/// writes it and commits. Refusals carry the core's message.
async fn apply_action(
    st: &AppState,
    tx: &tokio_postgres::Transaction<'_>,
    p: &Principal,
    id: Uuid,
    action: &LifecycleAction,
    log_id: Uuid,
) -> ApiResult<Applied> {
    let now = st.clock.now();
    let Some(v) = pg::lease_view(tx, id, &p.properties, true).await? else { return Ok(Applied::NotFound) };
    let today = v.today(now)?;
    let t = match lifecycle::plan_action(&v.lease, action, &p.actor(), today) {
        Ok(t) => t,
        Err(e) => return Ok(Applied::Refused(e.to_string())),
    };
    match pg::apply_transition(tx, &t, log_id, now).await {
        Ok(()) => {}
        Err(ApplyError::Conflict(s)) => return Ok(Applied::Refused(ApplyError::Conflict(s).to_string())),
        Err(ApplyError::Pg(e)) => return Err(e.into()),
    }
    let mut lease = v.lease;
    t.apply_to(&mut lease, now);
    Ok(Applied::Done(Box::new(LeaseWire::from_lease(
        &lease,
        v.tenant_name,
        v.unit_number,
        v.property_name,
        today,
        now,
    ))))
}

async fn lease_action(st: AppState, p: Principal, id: String, action: LifecycleAction) -> ApiResult<Json<LeaseWire>> {
    let id = lease_id(&id)?;
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let mut client = st.pool.get().await?;
    let tx = client.transaction().await?;
    match apply_action(&st, &tx, &p, id, &action, Uuid::new_v4()).await? {
        Applied::Done(wire) => {
            tx.commit().await?;
            Ok(Json(*wire))
        }
        Applied::Refused(detail) => Err(ApiError::bad(detail)),
        Applied::NotFound => Err(ApiError::not_found("Lease")),
    }
}

#[utoipa::path(post, path = "/api/v1/tenants/leases/{id}/convert-mtm/",
    summary = "Convert an active lease to month-to-month", params(("id" = String, Path, description = "The lease's id")),
    responses((status = 200, description = "The lease after the action", body = LeaseWire)))]
async fn convert_mtm(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseWire>> {
    body.json_or_default::<Value>()?;
    lease_action(st, p, id, LifecycleAction::ConvertMtm).await
}

#[utoipa::path(post, path = "/api/v1/tenants/leases/", summary = "Sign a new lease on a vacant unit (vacant to active)",
    request_body = NewLeaseRequest,
    responses((status = 201, description = "The new lease, active, with its transition logged", body = LeaseWire),
        (status = 409, description = "Someone changed the unit's leases meanwhile", body = ErrorBody)))]
async fn create_lease(
    State(st): State<AppState>,
    p: Principal,
    body: Body,
) -> ApiResult<(StatusCode, Json<LeaseWire>)> {
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let req: NewLeaseRequest = body.json()?;
    let terms = unitcycle_core::lifecycle::new_lease::LeaseTerms {
        lease_begin_date: req.lease_begin_date,
        lease_end_date: req.lease_end_date,
        monthly_rent_amount: req.monthly_rent_amount,
        security_deposit: req.security_deposit,
        rent_due_day: req.rent_due_day,
        late_fee_amount: req.late_fee_amount,
        grace_period_days: req.grace_period_days,
    };
    let (actor, now) = (p.actor(), st.clock.now());
    let lease = crate::adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        unitcycle_core::lifecycle::new_lease::new_lease(port, req.unit, req.tenant, terms, &actor, now)
    })
    .await?;
    let client = st.pool.get().await?;
    let v =
        pg::lease_view(&**client, lease.id, &p.properties, false).await?.ok_or_else(|| ApiError::not_found("Lease"))?;
    let today = v.today(now)?;
    let wire = LeaseWire::from_lease(&v.lease, v.tenant_name, v.unit_number, v.property_name, today, now);
    Ok((StatusCode::CREATED, Json(wire)))
}

#[utoipa::path(post, path = "/api/v1/tenants/leases/{id}/give-notice/", summary = "Record the tenant's notice",
    params(("id" = String, Path, description = "The lease's id")), request_body = GiveNoticeRequest,
    responses((status = 200, description = "The lease after the action", body = LeaseWire)))]
async fn give_notice(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseWire>> {
    let req: GiveNoticeRequest = body.json()?;
    let action = LifecycleAction::GiveNotice {
        notice_date: req.notice_date,
        notice_move_out_date: req.notice_move_out_date,
        reason: req.reason,
    };
    lease_action(st, p, id, action).await
}

#[utoipa::path(post, path = "/api/v1/tenants/leases/{id}/mark-vacant/",
    summary = "Mark a lease with notice as vacant", params(("id" = String, Path, description = "The lease's id")), request_body = MarkVacantRequest,
    responses((status = 200, description = "The lease after the action", body = LeaseWire)))]
async fn mark_vacant(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<Json<LeaseWire>> {
    let req: MarkVacantRequest = body.json_or_default()?;
    lease_action(st, p, id, LifecycleAction::MarkVacant { actual_move_out_date: req.actual_move_out_date }).await
}

// --- sync --------------------------------------------------------------------------------

/// Changes after `since` in the caller's properties (plus shared rows such as vendors).
pub async fn changes_since(
    c: &impl tokio_postgres::GenericClient,
    properties: &[Uuid],
    since: i64,
    limit: i64,
) -> Result<ChangesPage, PgError> {
    let versions = c
        .query(
            "SELECT entity::text, row_id, change_seq FROM sync_row_version
             WHERE change_seq > $1 AND (property_id = ANY($2) OR property_id IS NULL)
             ORDER BY change_seq LIMIT $3",
            &[&since, &properties, &(limit + 1)],
        )
        .await?;
    let has_more = versions.len() as i64 > limit;
    let versions = &versions[..versions.len().min(limit as usize)];
    let mut by_entity: HashMap<String, Vec<Uuid>> = HashMap::new();
    for v in versions {
        by_entity.entry(v.get(0)).or_default().push(v.get(1));
    }
    let mut rows: HashMap<(String, Uuid), Value> = HashMap::new();
    for (entity, ids) in by_entity {
        let Some(t) = tables::table(&entity) else { continue };
        for row in pg::rows_by_id(c, t, &ids).await? {
            let id = row["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()).unwrap_or_default();
            rows.insert((entity.clone(), id), row);
        }
    }
    let changes: Vec<Change> = versions
        .iter()
        .filter_map(|v| {
            let entity: String = v.get(0);
            let id: Uuid = v.get(1);
            let row = rows.remove(&(entity.clone(), id))?;
            Some(Change { seq: v.get(2), entity, id, row })
        })
        .collect();
    let next_since = versions.last().map_or(since, |v| v.get(2));
    Ok(ChangesPage { changes, next_since, has_more })
}

/// `?since=&limit=` of the change feed.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangesQuery {
    /// The `next_since` of the previous page (0 for everything).
    #[param(value_type = Option<i64>, minimum = 0)]
    pub since: Option<Whole>,
    /// Most changes in the page (default 1000).
    #[param(value_type = Option<i64>, minimum = 1, maximum = 5000)]
    pub limit: Option<Whole>,
}

#[utoipa::path(get, path = "/api/v1/sync/changes", summary = "Changed rows after `since` (query since, limit)",
    params(ChangesQuery), responses((status = 200, description = "The changes", body = ChangesPage)))]
async fn sync_changes(
    State(st): State<AppState>,
    p: Principal,
    Query(q): Query<ChangesQuery>,
) -> ApiResult<Json<ChangesPage>> {
    let since = Whole::within(&q.since, "since", 0, 0, i64::MAX)?;
    let limit = Whole::within(&q.limit, "limit", 1000, 1, MAX_CHANGES)?;
    let client = st.pool.get().await?;
    Ok(Json(changes_since(&**client, &p.properties, since, limit).await?))
}

/// The server's current rows for a lease and its unit (sent back with a rejection).
async fn lease_rows(c: &impl tokio_postgres::GenericClient, lease: Uuid) -> Result<Vec<Change>, PgError> {
    let mut out = Vec::new();
    let Some(t) = tables::table("tenant_lease") else { return Ok(out) };
    for row in pg::rows_by_id(c, t, &[lease]).await? {
        let unit = row["unit_id"].as_str().and_then(|s| Uuid::parse_str(s).ok());
        out.push(Change { seq: 0, entity: t.name.into(), id: lease, row });
        if let (Some(unit), Some(ut)) = (unit, tables::table("units_unit")) {
            for row in pg::rows_by_id(c, ut, &[unit]).await? {
                out.push(Change { seq: 0, entity: ut.name.into(), id: unit, row });
            }
        }
    }
    Ok(out)
}

#[utoipa::path(post, path = "/api/v1/sync/push", summary = "Apply client mutations, idempotent on client_id",
    request_body = PushRequest, responses((status = 200, description = "One result per mutation", body = PushResponse)))]
async fn sync_push(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<Json<PushResponse>> {
    let req: PushRequest = body.json()?;
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    if req.mutations.len() + req.inspections.len() + req.actions.len() > MAX_PUSH {
        return Err(ApiError::bad(format!(
            "A push holds at most {MAX_PUSH} mutations; send the rest in another batch."
        )));
    }
    let mut results = Vec::with_capacity(req.mutations.len() + req.inspections.len());
    let mut client = st.pool.get().await?;
    for m in &req.mutations {
        let tx = client.transaction().await?;
        let now = st.clock.now();
        let fresh = tx
            .execute(
                "INSERT INTO sync_mutation (client_id, user_id, kind, outcome, created_at, entity_id)
                 VALUES ($1, $2, $3, 'applied', $4, $5) ON CONFLICT (client_id) DO NOTHING",
                &[&m.client_id, &p.user_id, &action_kind(&m.action), &now, &m.lease_id],
            )
            .await?
            == 1;
        let (outcome, detail) = if fresh {
            let applied = apply_action(&st, &tx, &p, m.lease_id, &m.action.to_action(), m.log_id).await?;
            let (outcome, detail) = match applied {
                Applied::Done(_) => (Outcome::Applied, String::new()),
                Applied::Refused(d) => (Outcome::Rejected, d),
                Applied::NotFound => (Outcome::Rejected, "Lease not found.".to_string()),
            };
            if outcome == Outcome::Rejected {
                tx.execute(
                    "UPDATE sync_mutation SET outcome = 'rejected', detail = $2 WHERE client_id = $1",
                    &[&m.client_id, &detail],
                )
                .await?;
            }
            (outcome, detail)
        } else {
            crate::push_actions::seen(&*tx, m.client_id, p.user_id).await?.unwrap_or((Outcome::Rejected, String::new()))
        };
        tx.commit().await?;
        let rows = if outcome == Outcome::Rejected {
            let visible = pg::lease_view(&**client, m.lease_id, &p.properties, false).await?.is_some();
            if visible {
                lease_rows(&**client, m.lease_id).await?
            } else {
                Vec::new()
            }
        } else {
            Vec::new()
        };
        results.push(MutationResult { client_id: m.client_id, outcome, detail, duplicate: !fresh, rows });
    }
    for m in &req.inspections {
        results.push(crate::inspections::push::apply(&st, &mut client, &p, m).await?);
    }
    drop(client);
    for a in &req.actions {
        results.push(crate::push_actions::apply(&st, &p, a).await?);
    }
    Ok(Json(PushResponse { results }))
}

fn action_kind(a: &ActionWire) -> &'static str {
    match a {
        ActionWire::ConvertMtm => "convert_mtm",
        ActionWire::GiveNotice { .. } => "give_notice",
        ActionWire::MarkVacant { .. } => "mark_vacant",
    }
}

/// Row counts per synced table in the caller's scope: what a complete replica holds.
#[utoipa::path(get, path = "/api/v1/sync/counts", summary = "Row counts per table in the caller's scope",
    responses((status = 200, description = "Row counts", body = CountsResponse)))]
async fn sync_counts(State(st): State<AppState>, p: Principal) -> ApiResult<Json<CountsResponse>> {
    let rows = st
        .pool
        .get()
        .await?
        .query(
            "SELECT entity::text, COUNT(*) FROM sync_row_version
             WHERE property_id = ANY($1) OR property_id IS NULL GROUP BY entity",
            &[&p.properties],
        )
        .await?;
    let found: HashMap<String, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    let counts = tables::TABLES.iter().map(|t| (t.name.to_string(), found.get(t.name).copied().unwrap_or(0))).collect();
    Ok(Json(CountsResponse { counts }))
}

// --- blobs -------------------------------------------------------------------------------

fn blob_key(text: &str) -> ApiResult<String> {
    let key = text.trim().to_ascii_lowercase();
    if key.len() == 64 && key.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(key)
    } else {
        Err(ApiError::bad("A blob is addressed by the 64 hex digits of its sha256."))
    }
}

#[utoipa::path(put, path = "/api/v1/blobs/{sha256}", summary = "Upload a content-addressed blob", params(("sha256" = String, Path, description = "The 64 hex digits of the content's sha256")),
    request_body(content = Binary, content_type = "application/octet-stream"),
    responses(
        (status = 200, description = "Already stored", body = BlobStored),
        (status = 201, description = "Stored", body = BlobStored),
    ))]
async fn put_blob(
    State(st): State<AppState>,
    p: Principal,
    Path(key): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let key = blob_key(&key)?;
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let actual = hex::encode(Sha256::digest(&body.0));
    if actual != key {
        return Err(ApiError::bad(format!("The body's sha256 is {actual}, not the {key} in the path.")));
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
        .chars()
        .take(100)
        .collect::<String>();
    let size = body.0.len() as i64;
    let created = st
        .pool
        .get()
        .await?
        .execute(
            "INSERT INTO blob (sha256, content_type, size_bytes, data, created_at) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (sha256) DO NOTHING",
            &[&key, &content_type, &size, &body.0.as_ref(), &st.clock.now()],
        )
        .await?
        == 1;
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(BlobStored { sha256: key, size_bytes: size, created })).into_response())
}

#[utoipa::path(get, path = "/api/v1/blobs/{sha256}", summary = "Download a blob", params(("sha256" = String, Path, description = "The 64 hex digits of the content's sha256")),
    responses((status = 200, description = "The blob's bytes, with its content type", body = Binary,
        content_type = "application/octet-stream")))]
async fn get_blob(State(st): State<AppState>, p: Principal, Path(key): Path<String>) -> ApiResult<Response> {
    let key = blob_key(&key)?;
    let row = st
        .pool
        .get()
        .await?
        .query_opt(BLOB_FOR_CALLER, &[&key, &p.properties, &p.role.can_write()])
        .await?
        .ok_or_else(|| ApiError::not_found("Blob"))?;
    let stored: String = row.get(0);
    let data: Vec<u8> = row.get(1);
    // Photos and PDFs are served as what they are; anything else only as a download, and never
    // sniffed by the browser into something it would run.
    let (content_type, disposition) = match stored.as_str() {
        "image/jpeg" | "image/png" | "image/webp" | "image/heic" | "application/pdf" => (stored, "inline"),
        _ => ("application/octet-stream".to_string(), "attachment"),
    };
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
        (header::CONTENT_DISPOSITION, disposition.to_string()),
    ];
    Ok((headers, data).into_response())
}

/// A blob the caller may read (`$1` the sha256, `$2` its property ids, `$3` whether it may
/// write): one a record in its properties points at (a move-in photo, a signature or condition
/// report, a letter's PDF), or one nothing points at yet, for a writer (the replica that
/// uploaded it reads it back before its rows are pushed).
const BLOB_FOR_CALLER: &str = "
    SELECT b.content_type::text, b.data FROM blob b, LATERAL (SELECT 'blob:' || b.sha256 AS url) r
    WHERE b.sha256 = $1 AND (
        EXISTS (SELECT 1 FROM move_in_photo ph JOIN move_in_inspection i ON i.id = ph.inspection_id
                WHERE ph.photo_url = r.url AND i.property_id = ANY($2))
        OR EXISTS (SELECT 1 FROM move_in_inspection i WHERE i.property_id = ANY($2)
                AND r.url IN (i.tenant_signature_url, i.manager_signature_url, i.condition_report_url))
        OR EXISTS (SELECT 1 FROM outbox_message o WHERE o.attachment_sha256 = b.sha256 AND (
                (o.related_type = 'renewal_recommendation'
                    AND o.related_id IN (SELECT x.id FROM renewal_recommendation x WHERE x.property_id = ANY($2)))
                OR (o.related_type = 'collection_case'
                    AND o.related_id IN (SELECT x.id FROM collection_case x WHERE x.property_id = ANY($2)))
                OR (o.related_type = 'tenant_lease'
                    AND o.related_id IN (SELECT x.id FROM tenant_lease x WHERE x.property_id = ANY($2)))))
        OR ($3 AND NOT EXISTS (SELECT 1 FROM move_in_photo ph WHERE ph.photo_url = r.url)
            AND NOT EXISTS (SELECT 1 FROM move_in_inspection i
                WHERE r.url IN (i.tenant_signature_url, i.manager_signature_url, i.condition_report_url))
            AND NOT EXISTS (SELECT 1 FROM outbox_message o WHERE o.attachment_sha256 = b.sha256)))";

#[utoipa::path(get, path = "/api/v1/openapi.json", summary = "This document", security(()),
    responses((status = 200, description = "The OpenAPI 3.1 document", body = Value)))]
async fn openapi() -> Json<Value> {
    Json(crate::openapi::document())
}
