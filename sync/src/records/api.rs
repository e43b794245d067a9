//! Create, edit and archive records (issue 14 item 1), beside the base entities' GET endpoints
//! in `server`: `POST` on a list path creates, `PATCH` on a detail path edits, `DELETE`
//! archives (a ledger entry: voids it with a reversing entry). Thin: parse, check the caller,
//! run `records::workflow::apply_record_action` over the caller's properties, answer the row.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use unitcycle_core::lifecycle::new_lease::TenantInput;
use unitcycle_core::records::workflow::apply_record_action;
use unitcycle_core::records::{
    BuildingInput, BuildingPatch, LedgerInput, PropertyInput, PropertyPatch, RecordAction, TenantPatch, UnitInput,
    UnitPatch,
};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::auth::Principal;
use crate::server::{ApiError, ApiResult, AppState, Body};
use crate::wire::{ErrorBody, RowSchema};
use crate::{adapter, pg, tables};

pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_property))
        .routes(routes!(update_property, archive_property))
        .routes(routes!(create_building))
        .routes(routes!(update_building, archive_building))
        .routes(routes!(create_unit))
        .routes(routes!(update_unit, archive_unit))
        .routes(routes!(create_tenant))
        .routes(routes!(update_tenant, archive_tenant))
        .routes(routes!(post_ledger_entry))
        .routes(routes!(void_ledger_entry))
}

/// Body of `DELETE /api/v1/tenants/ledger/{id}/`: why the entry is voided.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct VoidRequest {
    pub reason: String,
}

/// Applies `action` to record `id` for the caller and answers the row written.
async fn act(
    st: AppState,
    p: Principal,
    id: Uuid,
    action: RecordAction,
    status: StatusCode,
) -> ApiResult<(StatusCode, Json<Value>)> {
    if !p.role.can_write() {
        return Err(ApiError::forbidden());
    }
    let (now, user, entity) = (st.clock.now(), p.user_id, action.entity());
    let written = adapter::run(&st.pool, Some(p.properties.clone()), move |port| {
        port.grant_imports_to(user);
        apply_record_action(port, id, &action, now)
    })
    .await?;
    let t = tables::table(entity).ok_or_else(|| ApiError::not_found("Record"))?;
    let row = pg::rows_by_id(&**st.pool.get().await?, t, &[written])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found("Record"))?;
    Ok((status, Json(row)))
}

/// The `{id}` of a detail path; a malformed one is a record that does not exist.
fn record_id(id: &str, what: &str) -> ApiResult<Uuid> {
    Uuid::parse_str(id.trim()).map_err(|_| ApiError::not_found(what))
}

async fn create(st: AppState, p: Principal, action: RecordAction) -> ApiResult<(StatusCode, Json<Value>)> {
    act(st, p, Uuid::new_v4(), action, StatusCode::CREATED).await
}

async fn change(
    st: AppState,
    p: Principal,
    id: String,
    what: &str,
    action: RecordAction,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = record_id(&id, what)?;
    act(st, p, id, action, StatusCode::OK).await
}

macro_rules! record_endpoints {
    ($create:ident, $update:ident, $archive:ident, $list_path:literal, $detail_path:literal, $what:literal,
     $input:ty, $create_action:ident, $patch:ty, $update_action:ident, $archive_action:ident) => {
        #[utoipa::path(post, path = $list_path, summary = concat!("Create a ", $what), request_body = $input,
            responses((status = 201, description = concat!("The new ", $what, "'s row"), body = RowSchema)))]
        async fn $create(State(st): State<AppState>, p: Principal, body: Body) -> ApiResult<(StatusCode, Json<Value>)> {
            create(st, p, RecordAction::$create_action(body.json::<$input>()?)).await
        }

        #[utoipa::path(patch, path = $detail_path, summary = concat!("Edit a ", $what, " (the fields given)"),
            params(("id" = String, Path, description = concat!("The ", $what, "'s id"))), request_body = $patch,
            responses((status = 200, description = concat!("The ", $what, "'s row after the edit"), body = RowSchema)))]
        async fn $update(
            State(st): State<AppState>,
            p: Principal,
            Path(id): Path<String>,
            body: Body,
        ) -> ApiResult<(StatusCode, Json<Value>)> {
            change(st, p, id, $what, RecordAction::$update_action(body.json::<$patch>()?)).await
        }

        #[utoipa::path(delete, path = $detail_path,
            summary = concat!("Archive a ", $what, " (kept with its history, hidden from lists; refused while a lease is in place)"),
            params(("id" = String, Path, description = concat!("The ", $what, "'s id"))),
            responses((status = 200, description = concat!("The archived ", $what, "'s row"), body = RowSchema),
                (status = 400, description = "A lease is in place", body = ErrorBody)))]
        async fn $archive(State(st): State<AppState>, p: Principal, Path(id): Path<String>) -> ApiResult<(StatusCode, Json<Value>)> {
            change(st, p, id, $what, RecordAction::$archive_action).await
        }
    };
}

record_endpoints!(
    create_property,
    update_property,
    archive_property,
    "/api/v1/properties/",
    "/api/v1/properties/{id}/",
    "property",
    PropertyInput,
    CreateProperty,
    PropertyPatch,
    UpdateProperty,
    ArchiveProperty
);
record_endpoints!(
    create_building,
    update_building,
    archive_building,
    "/api/v1/buildings/",
    "/api/v1/buildings/{id}/",
    "building",
    BuildingInput,
    CreateBuilding,
    BuildingPatch,
    UpdateBuilding,
    ArchiveBuilding
);
record_endpoints!(
    create_unit,
    update_unit,
    archive_unit,
    "/api/v1/units/",
    "/api/v1/units/{id}/",
    "unit",
    UnitInput,
    CreateUnit,
    UnitPatch,
    UpdateUnit,
    ArchiveUnit
);
record_endpoints!(
    create_tenant,
    update_tenant,
    archive_tenant,
    "/api/v1/tenants/",
    "/api/v1/tenants/{id}/",
    "tenant",
    TenantInput,
    AddTenant,
    TenantPatch,
    UpdateTenant,
    ArchiveTenant
);

#[utoipa::path(post, path = "/api/v1/tenants/ledger/",
    summary = "Post a charge, payment or credit on a lease", request_body = LedgerInput,
    responses((status = 201, description = "The new ledger entry", body = RowSchema)))]
async fn post_ledger_entry(
    State(st): State<AppState>,
    p: Principal,
    body: Body,
) -> ApiResult<(StatusCode, Json<Value>)> {
    create(st, p, RecordAction::PostLedger(body.json::<LedgerInput>()?)).await
}

#[utoipa::path(delete, path = "/api/v1/tenants/ledger/{id}/",
    summary = "Void a ledger entry: a reversing entry (category void) is posted, the entry stays",
    params(("id" = String, Path, description = "The entry's id")), request_body = VoidRequest,
    responses((status = 201, description = "The reversing entry", body = RowSchema)))]
async fn void_ledger_entry(
    State(st): State<AppState>,
    p: Principal,
    Path(id): Path<String>,
    body: Body,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let req: VoidRequest = body.json()?;
    let id = record_id(&id, "Ledger entry")?;
    act(st, p, id, RecordAction::VoidLedger { reason: req.reason }, StatusCode::CREATED).await
}
