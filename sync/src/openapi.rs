//! The OpenAPI 3.1 document of the central API (`GET /api/v1/openapi.json`), derived with
//! utoipa: every handler carries its `#[utoipa::path]` (summary, parameters, bodies, 2xx
//! answers), the wire types derive `ToSchema`, and `server::api()` builds the router and the
//! document from one list of routes. `finish` adds what every operation shares: the error
//! answers (`{"detail": ...}`) and the bearer-token requirement.

use std::sync::OnceLock;

use serde_json::Value;
use utoipa::openapi::path::{Operation, PathItem};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as Document, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::wire::{ErrorBody, Page, RowSchema};

#[derive(OpenApi)]
#[openapi(
    info(title = "UnitCycle central API"),
    security(("bearer" = [])),
    components(schemas(ErrorBody, Page<RowSchema>, RowSchema)),
    modifiers(&Bearer)
)]
struct Base;

struct Bearer;

impl Modify for Bearer {
    fn modify(&self, doc: &mut Document) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The document before the routes are added (title, version, the bearer scheme).
pub fn base() -> Document {
    Base::openapi()
}

/// Error answers every operation may give, with the `{"detail": ...}` body; 401 only where a
/// token is needed, 403 only for a change made with one.
fn finish_operation(path: &str, method: &str, op: &mut Operation) {
    // `security(())` on a public operation says "no requirement": written `[]`.
    let public = op.security.as_ref().is_some_and(|s| s.iter().all(|r| *r == Default::default()));
    if public {
        op.security = Some(Vec::new());
    }
    let write = matches!(method, "post" | "put" | "patch") && path != "/api/v1/auth/logout/";
    let mut errors =
        vec![("400", "Bad input"), ("404", "Not found or not granted"), ("503", "The database is unavailable")];
    if !public {
        errors.push(("401", "No, invalid, expired or revoked token"));
        if write {
            errors.push(("403", "The caller's role may not change anything"));
        }
    }
    for (status, description) in errors {
        op.responses.responses.entry(status.to_string()).or_insert_with(|| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .into()
        });
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", &mut item.get),
        ("put", &mut item.put),
        ("post", &mut item.post),
        ("delete", &mut item.delete),
        ("patch", &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_mut().map(|op| (m, op)))
}

/// Adds the shared error answers and writes public operations' security as `[]`.
pub fn finish(doc: &mut Document) {
    for (path, item) in doc.paths.paths.iter_mut() {
        for (method, op) in operations(item) {
            finish_operation(path, method, op);
        }
    }
}

/// The whole document, as served.
pub fn spec() -> Document {
    let (_, mut doc) = crate::server::api().split_for_parts();
    finish(&mut doc);
    doc
}

/// The document as JSON (built once).
pub fn document() -> Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::to_value(spec()).unwrap_or_default()).clone()
}
