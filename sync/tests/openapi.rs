//! The OpenAPI document (`GET /api/v1/openapi.json`) is derived from the router's routes and
//! the wire types (`server::api()` builds both from one list). These checks need no database:
//! every endpoint the hand-written document listed is there with its summary and security and
//! nothing else is, every operation answers 2xx with a body and documents its errors, every
//! schema it refers to exists, and the list endpoints document their query parameters.

use std::collections::BTreeSet;

use serde_json::Value;

/// (method, path, needs a token): the routes the server serves.
const ROUTES: &[(&str, &str, bool)] = &[
    ("get", "/healthz", false),
    ("post", "/api/v1/auth/login/", false),
    ("post", "/api/v1/auth/logout/", true),
    ("get", "/api/v1/properties/", true),
    ("get", "/api/v1/properties/{id}/", true),
    ("get", "/api/v1/units/", true),
    ("get", "/api/v1/units/{id}/", true),
    ("get", "/api/v1/tenants/", true),
    ("post", "/api/v1/tenants/", true),
    ("get", "/api/v1/tenants/{id}/", true),
    ("get", "/api/v1/tenants/ledger/", true),
    ("get", "/api/v1/tenants/ledger/{id}/", true),
    ("post", "/api/v1/tenants/ledger/", true),
    ("delete", "/api/v1/tenants/ledger/{id}/", true),
    ("post", "/api/v1/properties/", true),
    ("patch", "/api/v1/properties/{id}/", true),
    ("delete", "/api/v1/properties/{id}/", true),
    ("get", "/api/v1/buildings/", true),
    ("get", "/api/v1/buildings/{id}/", true),
    ("post", "/api/v1/buildings/", true),
    ("patch", "/api/v1/buildings/{id}/", true),
    ("delete", "/api/v1/buildings/{id}/", true),
    ("post", "/api/v1/units/", true),
    ("patch", "/api/v1/units/{id}/", true),
    ("delete", "/api/v1/units/{id}/", true),
    ("patch", "/api/v1/tenants/{id}/", true),
    ("delete", "/api/v1/tenants/{id}/", true),
    ("get", "/api/v1/maintenance/work-orders/", true),
    ("get", "/api/v1/maintenance/work-orders/{id}/", true),
    ("get", "/api/v1/vendors/", true),
    ("get", "/api/v1/vendors/{id}/", true),
    ("get", "/api/v1/tenants/leases/", true),
    ("post", "/api/v1/tenants/leases/", true),
    ("get", "/api/v1/tenants/leases/lifecycle-stats/", true),
    ("get", "/api/v1/tenants/leases/{id}/", true),
    ("get", "/api/v1/tenants/leases/{id}/status-history/", true),
    ("post", "/api/v1/tenants/leases/{id}/convert-mtm/", true),
    ("post", "/api/v1/tenants/leases/{id}/give-notice/", true),
    ("post", "/api/v1/tenants/leases/{id}/mark-vacant/", true),
    ("get", "/api/v1/sync/changes", true),
    ("post", "/api/v1/sync/push", true),
    ("get", "/api/v1/sync/counts", true),
    ("put", "/api/v1/blobs/{sha256}", true),
    ("get", "/api/v1/blobs/{sha256}", true),
    ("get", "/api/v1/renewals/", true),
    ("get", "/api/v1/renewals/dashboard-stats/", true),
    ("post", "/api/v1/renewals/run-scan/", true),
    ("get", "/api/v1/renewals/{id}/", true),
    ("post", "/api/v1/renewals/{id}/approve/", true),
    ("post", "/api/v1/renewals/{id}/send/", true),
    ("post", "/api/v1/renewals/{id}/accept/", true),
    ("post", "/api/v1/renewals/{id}/decline/", true),
    ("post", "/api/v1/renewals/{id}/generate-letter/", true),
    ("get", "/api/v1/collections/", true),
    ("get", "/api/v1/collections/dashboard-stats/", true),
    ("get", "/api/v1/collections/{id}/", true),
    ("get", "/api/v1/collections/{id}/actions/", true),
    ("post", "/api/v1/collections/{id}/send-reminder/", true),
    ("post", "/api/v1/collections/{id}/offer-plan/", true),
    ("post", "/api/v1/collections/{id}/record-payment/", true),
    ("post", "/api/v1/collections/{id}/escalate/", true),
    ("get", "/api/v1/turnover/", true),
    ("get", "/api/v1/turnover/kanban/", true),
    ("get", "/api/v1/turnover/dashboard-stats/", true),
    ("get", "/api/v1/turnover/{id}/", true),
    ("post", "/api/v1/turnover/{id}/advance-stage/", true),
    ("post", "/api/v1/turnover/{id}/deductions/", true),
    ("post", "/api/v1/turnover/{id}/deductions/{deduction_id}/approve/", true),
    ("post", "/api/v1/turnover/{id}/checklist/{item_id}/complete/", true),
    ("post", "/api/v1/turnover/{id}/generate-deduction-letter/", true),
    ("get", "/api/v1/pricing/snapshots/", true),
    ("get", "/api/v1/pricing/units/{unit_id}/history/", true),
    ("get", "/api/v1/pricing/revenue-opportunity/", true),
    ("post", "/api/v1/pricing/run-engine/", true),
    ("post", "/api/v1/pricing/comps/import/", true),
    ("post", "/api/v1/maintenance/work-orders/new/", true),
    ("post", "/api/v1/maintenance/work-orders/{id}/{step}/", true),
    ("post", "/api/v1/maintenance/equipment/", true),
    ("get", "/api/v1/predictive-maintenance/risk-scores/", true),
    ("get", "/api/v1/predictive-maintenance/risk-heatmap/", true),
    ("get", "/api/v1/predictive-maintenance/suggestions/", true),
    ("post", "/api/v1/predictive-maintenance/suggestions/{id}/approve/", true),
    ("post", "/api/v1/predictive-maintenance/suggestions/{id}/dismiss/", true),
    ("post", "/api/v1/predictive-maintenance/risk-scores/compute/", true),
    ("get", "/api/v2/vendor-intelligence/scorecards/", true),
    ("get", "/api/v2/vendor-intelligence/scorecards/{vendor_id}/", true),
    ("post", "/api/v2/vendor-intelligence/scorecards/calculate/", true),
    ("get", "/api/v2/vendor-intelligence/dispatch/{work_order_id}/", true),
    ("post", "/api/v2/vendor-intelligence/dispatch/{work_order_id}/accept/", true),
    ("get", "/api/v2/vendor-intelligence/warranties/", true),
    ("post", "/api/v2/vendor-intelligence/warranties/", true),
    ("get", "/api/v2/vendor-intelligence/warranties/check/", true),
    ("get", "/api/v2/vendor-intelligence/benchmarks/", true),
    ("post", "/api/v2/vendor-intelligence/invoices/{id}/analyze-price/", true),
    ("get", "/api/v2/vendor-intelligence/compare/", true),
    ("get", "/api/v2/vendor-intelligence/contracts/expiring/", true),
    ("post", "/api/v2/vendor-intelligence/contracts/", true),
    ("get", "/api/v2/vendor-intelligence/repeat-alerts/", true),
    ("post", "/api/v2/vendor-intelligence/repeat-alerts/{id}/resolve/", true),
    ("get", "/api/v2/vendor-intelligence/stats/", true),
    ("post", "/api/v1/invoices/upload/", true),
    ("get", "/api/v1/invoices/{id}/extraction/", true),
    ("get", "/api/v1/invoices/{id}/document/", true),
    ("post", "/api/v1/invoices/{id}/approve-extraction/", true),
    ("post", "/api/v1/invoices/{id}/match-work-order/", true),
    ("get", "/api/v1/invoices/processing-queue/", true),
    ("post", "/api/v1/abstractions/", true),
    ("get", "/api/v1/abstractions/", true),
    ("get", "/api/v1/abstractions/{id}/", true),
    ("get", "/api/v1/abstractions/{id}/document/", true),
    ("patch", "/api/v1/abstractions/{id}/terms/", true),
    ("post", "/api/v1/abstractions/{id}/apply/", true),
    ("post", "/api/v1/screening/applications/", true),
    ("get", "/api/v1/screening/applications/", true),
    ("get", "/api/v1/screening/applications/{id}/", true),
    ("post", "/api/v1/screening/applications/{id}/score/", true),
    ("post", "/api/v1/screening/applications/{id}/approve/", true),
    ("post", "/api/v1/screening/applications/{id}/deny/", true),
    ("post", "/api/v1/screening/applications/{id}/upload-document/", true),
    ("post", "/api/v1/screening/apply/", false),
    ("post", "/api/v1/chat/conversations/", true),
    ("get", "/api/v1/chat/conversations/", true),
    ("post", "/api/v1/chat/conversations/{id}/messages/", true),
    ("get", "/api/v1/chat/conversations/{id}/messages/", true),
    ("post", "/api/v1/chat/conversations/{id}/messages/{message_id}/confirm-action/", true),
    ("get", "/api/v1/chat/daily-digest/", true),
    ("get", "/api/v1/jurisdiction-rules/", true),
    ("post", "/api/v1/jurisdiction-rules/check-compliance/", true),
    ("get", "/api/v1/lease-clauses/", true),
    ("get", "/api/v1/lease-clauses/required/", true),
    ("get", "/api/v1/lease-templates/", true),
    ("post", "/api/v1/lease-templates/", true),
    ("put", "/api/v1/lease-templates/{id}/", true),
    ("post", "/api/v1/lease-templates/{id}/retire/", true),
    ("post", "/api/v1/generated-leases/", true),
    ("get", "/api/v1/generated-leases/", true),
    ("get", "/api/v1/generated-leases/{id}/", true),
    ("patch", "/api/v1/generated-leases/{id}/", true),
    ("get", "/api/v1/generated-leases/{id}/preview/", true),
    ("get", "/api/v1/generated-leases/{id}/document/", true),
    ("post", "/api/v1/generated-leases/{id}/risk-assessment/", true),
    ("post", "/api/v1/generated-leases/{id}/send-for-signing/", true),
    ("post", "/api/v1/generated-leases/{id}/create-renewal/", true),
    ("post", "/api/v1/generated-leases/{id}/translate/", true),
    ("post", "/api/v1/generated-leases/{id}/void/", true),
    ("get", "/api/v1/lease-signatures/{token}/", false),
    ("post", "/api/v1/lease-signatures/{token}/sign/", false),
    ("post", "/api/v2/communications/inbound/", false),
    ("get", "/api/v2/communications/conversations/", true),
    ("get", "/api/v2/communications/conversations/stats/", true),
    ("get", "/api/v2/communications/conversations/{id}/", true),
    ("post", "/api/v2/communications/conversations/{id}/reply/", true),
    ("get", "/api/v2/communications/sentiment/at-risk/", true),
    ("get", "/api/v2/communications/sentiment/{tenant_id}/", true),
    ("post", "/api/v2/communications/simulate/", true),
    ("get", "/api/v2/communications/templates/", true),
    ("get", "/api/v2/communications/conversations/{id}/templates/", true),
    ("get", "/api/v2/communications/broadcasts/", true),
    ("post", "/api/v2/communications/broadcasts/", true),
    ("get", "/api/v2/communications/broadcasts/{id}/", true),
    ("get", "/api/v2/communications/broadcasts/{id}/preview/", true),
    ("post", "/api/v2/communications/broadcasts/{id}/send/", true),
    ("post", "/api/v1/onboarding/", true),
    ("get", "/api/v1/onboarding/", true),
    ("get", "/api/v1/onboarding/{id}/", true),
    ("patch", "/api/v1/onboarding/{id}/tasks/{taskId}/", true),
    ("post", "/api/v1/onboarding/{id}/tasks/{taskId}/upload-document/", true),
    ("post", "/api/v1/onboarding/{id}/tasks/{taskId}/verify-document/", true),
    ("post", "/api/v1/onboarding/{id}/messages/send/", true),
    ("post", "/api/v1/key-handoffs/", true),
    ("get", "/api/v1/key-handoffs/", true),
    ("patch", "/api/v1/key-handoffs/{id}/", true),
    ("post", "/api/v1/onboarding/chat/", true),
    ("get", "/api/v1/properties/{id}/knowledge-base/", true),
    ("post", "/api/v1/properties/{id}/knowledge-base/", true),
    ("post", "/api/v1/properties/{id}/knowledge-base/bulk-import/", true),
    ("get", "/api/v1/onboarding/{id}/utility-guide/", true),
    ("post", "/api/v1/staging/projects/", true),
    ("get", "/api/v1/staging/projects/", true),
    ("get", "/api/v1/staging/projects/{id}/", true),
    ("post", "/api/v1/staging/projects/{id}/upload-photos/", true),
    ("post", "/api/v1/staging/projects/{id}/generate/", true),
    ("post", "/api/v1/staging/projects/{id}/generate-listing/", true),
    ("post", "/api/v1/staging/projects/{id}/publish/", true),
    ("get", "/api/v1/staging/photos/{id}/original", true),
    ("get", "/api/v1/staging/photos/{id}/staged", true),
    ("post", "/api/v1/showings/", true),
    ("get", "/api/v1/showings/", true),
    ("post", "/api/v1/showings/{id}/confirm/", true),
    ("post", "/api/v1/showings/{id}/cancel/", true),
    ("post", "/api/v1/showings/{id}/complete/", true),
    ("get", "/api/v1/showings/calendar/", true),
    ("post", "/api/v1/showings/{id}/access-code/", true),
    ("get", "/api/v1/showings/slots/", true),
    ("post", "/api/v1/prospects/", true),
    ("post", "/api/v1/prospects/{id}/verify-identity/", true),
    ("post", "/api/v1/showings/{id}/feedback/", true),
    ("get", "/api/v1/showings/feedback/themes/", true),
    ("get", "/api/v1/showings/funnel/", true),
    ("post", "/api/v1/listings/", true),
    ("get", "/api/v1/listings/", true),
    ("get", "/api/v1/listings/{id}/", true),
    ("post", "/api/v1/listings/{id}/publish/", true),
    ("post", "/api/v1/listings/{id}/delist/", true),
    ("post", "/api/v1/listings/{id}/optimize/", true),
    ("get", "/api/v1/listings/{id}/analytics/", true),
    ("post", "/api/v1/listings/{id}/analytics/", true),
    ("get", "/api/v1/listings/leads/", true),
    ("post", "/api/v1/listings/leads/", true),
    ("post", "/api/v1/listings/leads/{id}/respond/", true),
    ("get", "/api/v1/listings/{id}/competitors/", true),
    ("post", "/api/v1/listings/{id}/competitors/", true),
    ("post", "/api/v1/listings/{id}/price-check/", true),
    ("get", "/api/v1/listings/stats/", true),
    ("get", "/api/v1/listings/feed.xml", true),
    ("post", "/api/v1/listings/leads/{id}/schedule-tour/", true),
    ("post", "/api/v1/inspections/", true),
    ("get", "/api/v1/inspections/{id}/", true),
    ("post", "/api/v1/inspections/{id}/upload-photos/", true),
    ("post", "/api/v1/inspections/{id}/analyze/", true),
    ("patch", "/api/v1/inspections/photos/{photoId}/", true),
    ("post", "/api/v1/inspections/{id}/generate-letter/", true),
    ("post", "/api/v1/inspections/{id}/finalize/", true),
    ("get", "/api/v1/move-in-inspections/{id}/compare/{moveOutId}/", true),
    ("get", "/api/v1/portfolio/command-center/", true),
    ("post", "/api/v1/portfolio/command-center/actions/", true),
    ("get", "/api/v1/portfolio/command-center/ai-queue/", true),
    ("post", "/api/v1/move-in-inspections/", true),
    ("get", "/api/v1/move-in-inspections/", true),
    ("get", "/api/v1/move-in-inspections/{id}/", true),
    ("post", "/api/v1/move-in-inspections/{id}/upload-photos/", true),
    ("post", "/api/v1/move-in-inspections/{id}/analyze/", true),
    ("get", "/api/v1/move-in-inspections/{id}/completeness/", true),
    ("patch", "/api/v1/move-in-inspections/{id}/items/{itemId}/", true),
    ("post", "/api/v1/move-in-inspections/{id}/sign/", true),
    ("post", "/api/v1/move-in-inspections/{id}/generate-report/", true),
    ("post", "/api/v1/move-in-inspections/{id}/finalize/", true),
    ("post", "/api/v1/import/rent-roll/", true),
    ("post", "/api/v1/import/ledger/", true),
    ("post", "/api/v1/outbox/callbacks/sms/", false),
    ("post", "/api/v1/outbox/callbacks/email/", false),
    ("get", "/api/v1/openapi.json", false),
];

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            out.push((method.clone(), path.clone(), op));
        }
    }
    out
}

fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn the_document_lists_exactly_the_routes_with_summaries_security_and_answers() {
    let doc = unitcycle_sync::openapi::document();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["components"]["securitySchemes"]["bearer"]["scheme"], "bearer");
    assert_eq!(doc["security"], serde_json::json!([{"bearer": []}]));

    let documented: BTreeSet<(String, String)> =
        operations(&doc).iter().map(|(m, p, _)| (m.clone(), p.clone())).collect();
    let served: BTreeSet<(String, String)> = ROUTES.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    assert_eq!(documented, served);
    for prefix in [
        "/api/v1/renewals/",
        "/api/v1/collections/",
        "/api/v1/turnover/",
        "/api/v1/portfolio/command-center/",
        "/api/v1/move-in-inspections/",
        "/api/v1/sync/",
        "/api/v1/tenants/leases/",
    ] {
        assert!(documented.iter().any(|(_, p)| p.starts_with(prefix)), "{prefix}");
    }

    let mut ids = BTreeSet::new();
    for &(method, path, secured) in ROUTES {
        let op = &doc["paths"][path][method];
        let at = format!("{method} {path}");
        assert!(op["summary"].as_str().is_some_and(|s| !s.is_empty()), "{at}: no summary");
        assert!(ids.insert(op["operationId"].as_str().unwrap().to_string()), "{at}: operationId twice");
        // Public operations say so (`security: []`); the others inherit the bearer token.
        assert_eq!(op["security"] == serde_json::json!([]), !secured, "{at}: security");
        let responses = op["responses"].as_object().unwrap();
        let ok: Vec<_> = responses.iter().filter(|(s, _)| s.starts_with('2')).collect();
        assert!(!ok.is_empty(), "{at}: no 2xx answer");
        for (status, r) in ok {
            assert!(r["content"].as_object().is_some_and(|c| !c.is_empty()), "{at}: {status} without a body");
        }
        let error = serde_json::json!({"$ref": "#/components/schemas/ErrorBody"});
        for status in ["400", "404"].iter().chain(if secured { &["401"][..] } else { &[] }) {
            assert_eq!(responses[*status]["content"]["application/json"]["schema"], error, "{at}: {status}");
        }
        // Path parameters are documented.
        for name in path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))) {
            let params = op["parameters"].as_array().unwrap();
            assert!(params.iter().any(|p| p["name"] == name && p["in"] == "path"), "{at}: {name}");
        }
    }

    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or(r);
        assert!(doc["components"]["schemas"][name].is_object(), "dangling {r}");
    }
}

#[test]
fn request_bodies_and_schemas_keep_the_wire_names() {
    let doc = unitcycle_sync::openapi::document();
    let body = |method: &str, path: &str, media: &str| {
        doc["paths"][path][method]["requestBody"]["content"][media]["schema"].clone()
    };
    let schema = |name: &str| doc["components"]["schemas"][name].clone();
    assert_eq!(body("post", "/api/v1/auth/login/", "application/json")["$ref"], "#/components/schemas/LoginRequest");
    assert_eq!(body("post", "/api/v1/sync/push", "application/json")["$ref"], "#/components/schemas/PushRequest");
    assert!(body("post", "/api/v1/move-in-inspections/{id}/upload-photos/", "multipart/form-data").is_object());
    assert!(body("put", "/api/v1/blobs/{sha256}", "application/octet-stream").is_object());
    let push = schema("PushRequest");
    for field in ["mutations", "inspections", "actions"] {
        assert!(push["properties"][field].is_object(), "PushRequest.{field}");
    }
    assert_eq!(schema("ErrorBody")["required"], serde_json::json!(["detail"]));
    let lease_status = schema("LeaseStatusName");
    assert_eq!(lease_status["enum"], serde_json::json!(["active", "month_to_month", "notice", "vacant"]));

    // The mirror of the core's lifecycle stats has its fields, no more, no fewer.
    let stats = serde_json::to_value(unitcycle_core::lifecycle::LifecycleStats::default()).unwrap();
    let expected: BTreeSet<&String> = stats.as_object().unwrap().keys().collect();
    let documented = schema("LifecycleStats");
    let documented: BTreeSet<&String> = documented["properties"].as_object().unwrap().keys().collect();
    assert_eq!(documented, expected);
}

#[test]
fn list_endpoints_document_their_query_parameters() {
    let doc = unitcycle_sync::openapi::document();
    let params = |path: &str| -> BTreeSet<String> {
        doc["paths"][path]["get"]["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["in"] == "query")
            .map(|p| p["name"].as_str().unwrap().to_string())
            .collect()
    };
    let has = |path: &str, names: &[&str]| {
        let got = params(path);
        for n in names {
            assert!(got.contains(*n), "{path}: {n} not in {got:?}");
        }
    };
    has(
        "/api/v1/tenants/leases/",
        &["lease_status", "property", "lease_end_date__lte", "lease_end_date__gte", "page", "page_size"],
    );
    has("/api/v1/tenants/leases/lifecycle-stats/", &["lease_status", "property"]);
    has("/api/v1/units/", &["property", "building", "status", "page", "page_size"]);
    has("/api/v1/tenants/ledger/", &["tenant", "lease", "property", "trans_type"]);
    has("/api/v1/maintenance/work-orders/", &["property", "unit", "status", "priority"]);
    has("/api/v1/vendors/", &["trade"]);
    has("/api/v1/sync/changes", &["since", "limit"]);
    has("/api/v1/renewals/", &["status", "churn_risk_level", "property", "lease", "page"]);
    has("/api/v1/collections/", &["status", "property", "tenant", "escalation_level", "days_overdue__gte", "page"]);
    has(
        "/api/v1/portfolio/command-center/",
        &["lifecycle_state", "property_id", "risk_level", "min_rent", "max_rent", "days_to_event", "sort_by", "page"],
    );
    has("/api/v1/portfolio/command-center/ai-queue/", &["action_type", "priority"]);
    has("/api/v1/move-in-inspections/", &["unit", "property", "lease", "status", "page"]);
    let page_size = doc["paths"]["/api/v1/units/"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "page_size")
        .unwrap()["schema"]
        .clone();
    assert_eq!(
        (page_size["minimum"].as_i64(), page_size["maximum"].as_i64()),
        (Some(1), Some(unitcycle_sync::server::MAX_PAGE_SIZE))
    );
}
