//! The OpenAPI 3.1 document of the central API (`GET /api/v1/openapi.json`), built by hand
//! from the same route list the router serves (a test checks they agree).

use serde_json::{json, Map, Value};

/// (method, path, summary, needs a token, request body schema, response schema)
pub type RouteDoc = (&'static str, &'static str, &'static str, bool, Option<&'static str>, &'static str);

pub const ROUTES: &[RouteDoc] = &[
    ("get", "/healthz", "Liveness: the server and its database answer", false, None, "Health"),
    (
        "post",
        "/api/v1/auth/login/",
        "Exchange email and password for a bearer token",
        false,
        Some("LoginRequest"),
        "LoginResponse",
    ),
    ("post", "/api/v1/auth/logout/", "Revoke the presented token", true, None, "Error"),
    ("get", "/api/v1/properties/", "Properties granted to the caller (paginated)", true, None, "Page"),
    ("get", "/api/v1/properties/{id}/", "One property", true, None, "Row"),
    ("get", "/api/v1/units/", "Units; filters property, building, status", true, None, "Page"),
    ("get", "/api/v1/units/{id}/", "One unit", true, None, "Row"),
    ("get", "/api/v1/tenants/", "Tenants with a lease in the caller's properties", true, None, "Page"),
    ("get", "/api/v1/tenants/{id}/", "One tenant", true, None, "Row"),
    (
        "get",
        "/api/v1/tenants/ledger/",
        "Ledger entries; filters tenant, lease, property, trans_type",
        true,
        None,
        "Page",
    ),
    ("get", "/api/v1/tenants/ledger/{id}/", "One ledger entry", true, None, "Row"),
    (
        "get",
        "/api/v1/maintenance/work-orders/",
        "Work orders; filters property, unit, status, priority",
        true,
        None,
        "Page",
    ),
    ("get", "/api/v1/maintenance/work-orders/{id}/", "One work order", true, None, "Row"),
    ("get", "/api/v1/vendors/", "Vendors; filter trade", true, None, "Page"),
    ("get", "/api/v1/vendors/{id}/", "One vendor", true, None, "Row"),
    (
        "get",
        "/api/v1/tenants/leases/",
        "Leases; filters lease_status, property, lease_end_date__lte, lease_end_date__gte",
        true,
        None,
        "LeasePage",
    ),
    (
        "get",
        "/api/v1/tenants/leases/lifecycle-stats/",
        "Aggregate counts per lifecycle status",
        true,
        None,
        "LifecycleStats",
    ),
    ("get", "/api/v1/tenants/leases/{id}/", "One lease with all lifecycle fields", true, None, "Lease"),
    (
        "get",
        "/api/v1/tenants/leases/{id}/status-history/",
        "Status transition log, newest first",
        true,
        None,
        "StatusLogList",
    ),
    (
        "post",
        "/api/v1/tenants/leases/{id}/convert-mtm/",
        "Convert an active lease to month-to-month",
        true,
        None,
        "Lease",
    ),
    (
        "post",
        "/api/v1/tenants/leases/{id}/give-notice/",
        "Record the tenant's notice",
        true,
        Some("GiveNotice"),
        "Lease",
    ),
    (
        "post",
        "/api/v1/tenants/leases/{id}/mark-vacant/",
        "Mark a lease with notice as vacant",
        true,
        Some("MarkVacant"),
        "Lease",
    ),
    ("get", "/api/v1/sync/changes", "Changed rows after `since` (query since, limit)", true, None, "ChangesPage"),
    (
        "post",
        "/api/v1/sync/push",
        "Apply client mutations, idempotent on client_id",
        true,
        Some("PushRequest"),
        "PushResponse",
    ),
    ("get", "/api/v1/sync/counts", "Row counts per table in the caller's scope", true, None, "Counts"),
    ("put", "/api/v1/blobs/{sha256}", "Upload a content-addressed blob", true, Some("Binary"), "BlobStored"),
    ("get", "/api/v1/blobs/{sha256}", "Download a blob", true, None, "Binary"),
    (
        "get",
        "/api/v1/renewals/",
        "Renewal recommendations, highest churn first; filters status, churn_risk_level, property, lease",
        true,
        None,
        "RenewalPage",
    ),
    ("get", "/api/v1/renewals/dashboard-stats/", "Renewal pipeline statistics", true, None, "RenewalStats"),
    (
        "post",
        "/api/v1/renewals/run-scan/",
        "Run the renewal scan now over the caller's properties",
        true,
        None,
        "ScanResult",
    ),
    ("get", "/api/v1/renewals/{id}/", "One renewal recommendation", true, None, "Renewal"),
    (
        "post",
        "/api/v1/renewals/{id}/approve/",
        "Approve a pending recommendation, optionally at another rent",
        true,
        Some("Approve"),
        "Renewal",
    ),
    ("post", "/api/v1/renewals/{id}/send/", "Send the approved offer (queued by email)", true, None, "Renewal"),
    ("post", "/api/v1/renewals/{id}/accept/", "The tenant accepted: renew the lease", true, None, "Renewal"),
    ("post", "/api/v1/renewals/{id}/decline/", "The tenant declined the offer", true, None, "Renewal"),
    (
        "post",
        "/api/v1/renewals/{id}/generate-letter/",
        "Redraft the renewal letter through the AI gateway",
        true,
        None,
        "Renewal",
    ),
    (
        "get",
        "/api/v1/collections/",
        "Collection cases, most overdue first; filters status, property, tenant, escalation_level, days_overdue__gte",
        true,
        None,
        "CasePage",
    ),
    ("get", "/api/v1/collections/dashboard-stats/", "Collections statistics", true, None, "CollectionsStats"),
    ("get", "/api/v1/collections/{id}/", "Case detail with actions timeline and plan", true, None, "CaseDetail"),
    ("get", "/api/v1/collections/{id}/actions/", "All actions for a case", true, None, "CaseActions"),
    ("post", "/api/v1/collections/{id}/send-reminder/", "Send the next escalation step now", true, None, "CaseDetail"),
    (
        "post",
        "/api/v1/collections/{id}/offer-plan/",
        "Offer a payment plan (installments, start_date)",
        true,
        Some("OfferPlan"),
        "CaseDetail",
    ),
    (
        "post",
        "/api/v1/collections/{id}/record-payment/",
        "Record a payment (amount, paid_on) on the ledger and the case",
        true,
        Some("RecordPayment"),
        "Payment",
    ),
    ("post", "/api/v1/collections/{id}/escalate/", "Escalate to legal", true, None, "CaseDetail"),
    (
        "get",
        "/api/v1/portfolio/command-center/",
        "Unit table; filters lifecycle_state (comma list), property_id, risk_level, min_rent, max_rent, days_to_event, sort_by, page",
        true,
        None,
        "CommandCenter",
    ),
    (
        "post",
        "/api/v1/portfolio/command-center/actions/",
        "Bulk action on selected units; a retry with the same request_id executes nothing twice",
        true,
        Some("BulkAction"),
        "BulkResult",
    ),
    (
        "get",
        "/api/v1/portfolio/command-center/ai-queue/",
        "Pending AI recommendations, most urgent first; filters action_type, priority",
        true,
        None,
        "AiQueue",
    ),
    (
        "post",
        "/api/v1/move-in-inspections/",
        "Start a move-in inspection for a lease; rooms come from the unit's bedrooms and bathrooms",
        true,
        Some("CreateInspection"),
        "InspectionDetail",
    ),
    (
        "get",
        "/api/v1/move-in-inspections/",
        "Move-in inspections, newest first; filters unit, property, lease, status (comma list)",
        true,
        None,
        "InspectionPage",
    ),
    (
        "get",
        "/api/v1/move-in-inspections/{id}/",
        "Full detail with nested rooms, items and photos",
        true,
        None,
        "InspectionDetail",
    ),
    (
        "post",
        "/api/v1/move-in-inspections/{id}/upload-photos/",
        "Upload photos (multipart/form-data: room_id and one or more files); each is quality-checked",
        true,
        Some("PhotoUpload"),
        "Upload",
    ),
    (
        "post",
        "/api/v1/move-in-inspections/{id}/analyze/",
        "Run condition analysis over the queued photos; the result names its provider",
        true,
        None,
        "AnalysisRun",
    ),
    (
        "get",
        "/api/v1/move-in-inspections/{id}/completeness/",
        "Coverage check: rooms without photos, items without ratings, signatures missing",
        true,
        None,
        "Completeness",
    ),
    (
        "patch",
        "/api/v1/move-in-inspections/{id}/items/{itemId}/",
        "Override an item's rating with a human assessment (null clears it)",
        true,
        Some("ItemOverride"),
        "InspectionItem",
    ),
    (
        "post",
        "/api/v1/move-in-inspections/{id}/sign/",
        "Sign as tenant or manager (base64 PNG); records the time and the caller's IP",
        true,
        Some("Sign"),
        "InspectionDetail",
    ),
    (
        "post",
        "/api/v1/move-in-inspections/{id}/generate-report/",
        "Generate the PDF condition report (stored as a blob; allowed after finalizing)",
        true,
        None,
        "Report",
    ),
    (
        "post",
        "/api/v1/move-in-inspections/{id}/finalize/",
        "Lock the inspection; needs both signatures; no edits afterwards (409)",
        true,
        None,
        "InspectionDetail",
    ),
    ("get", "/api/v1/openapi.json", "This document", false, None, "Row"),
];

fn schemas() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let date_opt = json!({"type": ["string", "null"], "format": "date"});
    let int_opt = json!({"type": ["integer", "null"]});
    let mut base = json!({
        "Error": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}},
        "Health": {"type": "object", "properties": {"status": {"type": "string"}}},
        "Row": {"type": "object", "description": "A row of the table, keyed by column name (money as decimal strings)."},
        "Page": {"type": "object", "required": ["count", "next", "previous", "results"], "properties": {
            "count": {"type": "integer"}, "next": {"type": ["string", "null"]},
            "previous": {"type": ["string", "null"]}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/Row"}}}},
        "LeasePage": {"type": "object", "required": ["count", "next", "previous", "results"], "properties": {
            "count": {"type": "integer"}, "next": {"type": ["string", "null"]},
            "previous": {"type": ["string", "null"]}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/Lease"}}}},
        "LoginRequest": {"type": "object", "required": ["email", "password"], "properties": {
            "email": {"type": "string"}, "password": {"type": "string"}}},
        "LoginResponse": {"type": "object", "properties": {"token": {"type": "string"}, "email": {"type": "string"},
            "role": {"enum": ["manager", "staff", "read_only"]}, "expires_at": {"type": "string", "format": "date-time"}}},
        "Lease": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "lease_number": {"type": "string"},
            "tenant": {"type": "string", "format": "uuid"}, "tenant_name": {"type": "string"},
            "unit": {"type": "string", "format": "uuid"}, "unit_number": {"type": "string"},
            "property": {"type": "string", "format": "uuid"}, "property_name": {"type": "string"},
            "lease_begin_date": date, "lease_end_date": date_opt, "monthly_rent_amount": {"type": "string"},
            "status": {"type": "string"}, "lease_status": {"enum": ["active", "month_to_month", "notice", "vacant"]},
            "lease_status_changed_at": {"type": ["string", "null"], "format": "date-time"},
            "lease_status_changed_by": {"type": "string"},
            "holdover_start_date": date_opt, "notice_date": date_opt, "notice_move_out_date": date_opt,
            "actual_move_out_date": date_opt, "days_until_expiry": int_opt, "days_in_current_status": int_opt,
            "holdover_days": int_opt, "days_until_move_out": int_opt}},
        "LifecycleStats": {"type": "object", "properties": {
            "total_leases": {"type": "integer"}, "active": {"type": "integer"}, "month_to_month": {"type": "integer"},
            "notice": {"type": "integer"}, "vacant": {"type": "integer"}, "expiring_30_days": {"type": "integer"},
            "expiring_60_days": {"type": "integer"}, "expiring_90_days": {"type": "integer"}}},
        "StatusLogList": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string"}, "lease": {"type": "string"}, "previous_status": {"type": "string"},
            "new_status": {"type": "string"}, "reason": {"type": "string"}, "changed_by": {"type": "string"},
            "metadata": {"type": "object"}, "created_at": {"type": "string", "format": "date-time"}}}},
        "GiveNotice": {"type": "object", "required": ["notice_date", "notice_move_out_date"], "properties": {
            "notice_date": date, "notice_move_out_date": date, "reason": {"type": "string", "maxLength": 200}}},
        "MarkVacant": {"type": "object", "properties": {"actual_move_out_date": date_opt}},
        "ChangesPage": {"type": "object", "properties": {
            "changes": {"type": "array", "items": {"type": "object", "properties": {
                "seq": {"type": "integer"}, "entity": {"type": "string"}, "id": {"type": "string"},
                "row": {"$ref": "#/components/schemas/Row"}}}},
            "next_since": {"type": "integer"}, "has_more": {"type": "boolean"}}},
        "PushRequest": {"type": "object", "properties": {"mutations": {"type": "array", "items": {"type": "object",
            "required": ["client_id", "lease_id", "log_id", "action"], "properties": {
                "client_id": {"type": "string", "format": "uuid"}, "lease_id": {"type": "string", "format": "uuid"},
                "log_id": {"type": "string", "format": "uuid"},
                "action": {"enum": ["convert_mtm", "give_notice", "mark_vacant"]}}}},
            "inspections": {"type": "array", "description": "Move-in inspections done offline, one snapshot each \
                (rows in canonical JSON); upload the blobs they reference first", "items": {"type": "object",
                "required": ["client_id", "inspection_id", "inspection"], "properties": {
                    "client_id": {"type": "string", "format": "uuid"},
                    "inspection_id": {"type": "string", "format": "uuid"},
                    "base_seq": {"type": "integer"}, "inspection": {"type": "object"},
                    "rooms": {"type": "array"}, "photos": {"type": "array"}, "items": {"type": "array"}}}},
            "actions": {"type": "array", "description": "A person's actions on feature records taken on a \
                connected replica, applied by the same workflow as the endpoints; a refusal returns the \
                server's rows", "items": {"type": "object",
                "required": ["client_id", "entity", "entity_id", "action"], "properties": {
                    "client_id": {"type": "string", "format": "uuid"},
                    "entity": {"enum": ["renewal_recommendation", "collection_case", "ai_action_queue", "bulk_action_batch"]},
                    "entity_id": {"type": "string", "format": "uuid"},
                    "action": {"type": "object", "description": "renewal_recommendation: {\"action\": \
                        \"approve\"|\"send\"|\"accept\"|\"decline\", \"recommended_rent\"?}; collection_case: \
                        {\"action\": \"send_next_step\"|\"escalate\"|\"offer_plan\"|\"record_payment\"|\
                        \"add_note\", …}"}}}}}},
        "PushResponse": {"type": "object", "properties": {"results": {"type": "array", "items": {"type": "object",
            "properties": {"client_id": {"type": "string"}, "outcome": {"enum": ["applied", "rejected", "deferred"]},
                "detail": {"type": "string"}, "duplicate": {"type": "boolean"}, "rows": {"type": "array"}}}}}},
        "Counts": {"type": "object", "properties": {"counts": {"type": "array"}}},
        "BlobStored": {"type": "object", "properties": {"sha256": {"type": "string"}, "size_bytes": {"type": "integer"},
            "created": {"type": "boolean"}}},
        "Binary": {"type": "string", "format": "binary"}
    });
    for extra in [renewal_schemas(), collection_schemas(), command_center_schemas(), inspection_schemas()] {
        if let (Value::Object(all), Value::Object(extra)) = (&mut base, extra) {
            all.extend(extra);
        }
    }
    base
}

/// Schemas of the renewal endpoints (spec 1.2).
fn renewal_schemas() -> Value {
    let date = json!({"type": "string", "format": "date"});
    json!({
        "Renewal": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "lease": {"type": "string", "format": "uuid"},
            "tenant": {"type": "string", "format": "uuid"}, "unit": {"type": "string", "format": "uuid"},
            "property": {"type": "string", "format": "uuid"}, "churn_score": {"type": "number"},
            "churn_risk_level": {"enum": ["low", "medium", "high", "critical"]},
            "churn_factors": {"type": "object", "additionalProperties": {"type": "number"}},
            "current_rent": {"type": "string"}, "market_rent": {"type": "string"},
            "recommended_rent": {"type": "string"}, "rent_increase_pct": {"type": "number"},
            "rent_strategy": {"type": "string"}, "rent_reasoning": {"type": "string"},
            "recommended_term_months": {"type": "integer"}, "recommended_lease_start": date,
            "recommended_lease_end": date, "renewal_letter_text": {"type": "string"},
            "letter_provider": {"type": "string"},
            "status": {"enum": ["pending", "approved", "sent", "accepted", "declined", "expired"]},
            "status_display": {"type": "string"}, "reviewed_by": {"type": "string"}}},
        "RenewalPage": {"type": "object", "required": ["count", "next", "previous", "results"], "properties": {
            "count": {"type": "integer"}, "next": {"type": ["string", "null"]},
            "previous": {"type": ["string", "null"]}, "results": {"type": "array", "items": {"$ref": "#/components/schemas/Renewal"}}}},
        "Approve": {"type": "object", "properties": {"recommended_rent": {"type": ["string", "number", "null"]}}},
        "RenewalStats": {"type": "object", "properties": {
            "total_pending": {"type": "integer"}, "total_approved": {"type": "integer"},
            "total_sent": {"type": "integer"}, "total_accepted": {"type": "integer"},
            "total_declined": {"type": "integer"}, "acceptance_rate": {"type": "number"},
            "avg_churn_score": {"type": "number"}, "projected_annual_revenue_increase": {"type": "number"},
            "avg_rent_increase_pct": {"type": "number"},
            "by_risk_level": {"type": "object", "additionalProperties": {"type": "integer"}}}},
        "ScanResult": {"type": "object", "properties": {"created": {"type": "integer"}, "expired": {"type": "integer"},
            "detail": {"type": "string"}}}
    })
}

/// Schemas of the collections endpoints (spec 1.3).
fn collection_schemas() -> Value {
    let date = json!({"type": "string", "format": "date"});
    let case = json!({"type": "object", "properties": {
        "id": {"type": "string", "format": "uuid"}, "tenant": {"type": "string", "format": "uuid"},
        "lease": {"type": "string", "format": "uuid"}, "unit": {"type": "string", "format": "uuid"},
        "property": {"type": "string", "format": "uuid"}, "original_amount_due": {"type": "string"},
        "current_balance": {"type": "string"}, "late_fee_total": {"type": "string"},
        "days_overdue": {"type": "integer"}, "due_date": date, "escalation_level": {"type": "integer"},
        "tenant_risk_profile": {"enum": ["good_history", "standard", "repeat_offender", "chronic"]},
        "tone": {"enum": ["friendly", "firm", "formal", "legal"]},
        "status": {"enum": ["open", "payment_plan", "paid", "escalated", "written_off"]}}});
    let action = json!({"type": "object", "properties": {
        "id": {"type": "string"}, "action_type": {"type": "string"}, "escalation_level": {"type": "integer"},
        "channel": {"type": "string"}, "message_text": {"type": "string"}, "tone_used": {"type": "string"},
        "ai_generated": {"type": "boolean"}, "ai_provider": {"type": "string"}}});
    json!({
        "Case": case,
        "CasePage": {"type": "object", "properties": {"count": {"type": "integer"},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Case"}}}},
        "CaseActions": {"type": "array", "items": action},
        "CaseDetail": {"allOf": [{"$ref": "#/components/schemas/Case"}, {"type": "object", "properties": {
            "actions": {"type": "array", "items": action}, "payment_plan": {"type": ["object", "null"]}}}]},
        "OfferPlan": {"type": "object", "required": ["installments", "start_date"], "properties": {
            "installments": {"type": "integer", "minimum": 2, "maximum": 12}, "start_date": date,
            "installment_amount": {"type": ["string", "number"],
                "description": "agreed amount of each installment; the last takes the remainder"}}},
        "RecordPayment": {"type": "object", "required": ["amount"], "properties": {
            "amount": {"type": ["string", "number"]}, "paid_on": date}},
        "Payment": {"allOf": [{"$ref": "#/components/schemas/Case"}, {"type": "object", "properties": {
            "new_balance": {"type": "string"}, "overpayment": {"type": "string"}, "paid_in_full": {"type": "boolean"}}}]},
        "CollectionsStats": {"type": "object", "properties": {
            "open_cases": {"type": "integer"}, "total_outstanding": {"type": "number"},
            "on_payment_plan": {"type": "integer"}, "escalated": {"type": "integer"},
            "paid_last_30_days": {"type": "integer"}, "collected_last_30_days": {"type": "number"},
            "avg_days_overdue": {"type": "number"}, "by_escalation_level": {"type": "object"},
            "by_risk_profile": {"type": "object"}}}
    })
}

/// Schemas of the command center (spec 1.4).
fn command_center_schemas() -> Value {
    json!({
        "CommandCenter": {"type": "object", "required": ["units", "total", "page", "pages", "summary"], "properties": {
            "units": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string", "format": "uuid"}, "unit_number": {"type": "string"},
                "property_id": {"type": "string", "format": "uuid"}, "property_name": {"type": "string"},
                "lifecycle_state": {"enum": ["active", "month_to_month", "notice", "vacant"]},
                "tenant_name": {"type": ["string", "null"]}, "rent": {"type": "string"},
                "market_rent": {"type": "string"}, "days_to_event": {"type": ["integer", "null"]},
                "risk_level": {"type": ["string", "null"]},
                "ai_action": {"type": ["object", "null"], "properties": {"action_type": {"type": "string"},
                    "label": {"type": "string"}, "confidence_score": {"type": ["number", "null"]}}}}}},
            "total": {"type": "integer"}, "page": {"type": "integer"}, "pages": {"type": "integer"},
            "summary": {"type": "object", "properties": {"active_count": {"type": "integer"},
                "mtm_count": {"type": "integer"}, "notice_count": {"type": "integer"},
                "vacant_count": {"type": "integer"}}}}},
        "BulkAction": {"type": "object", "required": ["request_id", "action_type", "unit_ids", "method"], "properties": {
            "request_id": {"type": "string", "maxLength": 100},
            "action_type": {"enum": ["renewal_offer", "early_renewal_nudge", "rent_increase_notice",
                "move_out_inspection", "listing_prep", "eviction_prep"]},
            "unit_ids": {"type": "array", "items": {"type": "string", "format": "uuid"}},
            "method": {"enum": ["email", "sms", "both", "manual"]},
            "scheduled_for": {"type": ["string", "null"], "format": "date-time"}}},
        "BulkResult": {"type": "object", "properties": {
            "batch_id": {"type": "string", "format": "uuid"}, "units_processed": {"type": "integer"},
            "executed": {"type": "integer"}, "already_done": {"type": "integer"},
            "skipped": {"type": "array", "items": {"type": "object", "properties": {
                "unit_id": {"type": "string"}, "reason": {"type": "string"}}}},
            "messages_queued": {"type": "integer"}}},
        "AiQueue": {"type": "array", "items": {"type": "object", "properties": {
            "id": {"type": "string", "format": "uuid"}, "unit_id": {"type": "string", "format": "uuid"},
            "unit_number": {"type": "string"}, "action_type": {"type": "string"}, "description": {"type": "string"},
            "suggested_payload": {"type": "object"}, "generated_content": {"type": ["string", "null"]},
            "confidence_score": {"type": "number"}, "priority": {"enum": ["low", "medium", "high", "urgent"]},
            "lifecycle_state": {"type": "string"}, "generation_reason": {"type": "string"},
            "ai_provider": {"type": "string"}, "generated_on": {"type": "string", "format": "date"}}}}
    })
}

/// Schemas of the move-in inspection endpoints (spec 4.4).
fn inspection_schemas() -> Value {
    let uuid = json!({"type": "string", "format": "uuid"});
    let time_opt = json!({"type": ["string", "null"], "format": "date-time"});
    let rating = json!({"enum": ["", "excellent", "good", "fair", "poor", "damaged"]});
    let inspection = json!({"type": "object", "properties": {
        "id": uuid, "unit": uuid, "lease": uuid, "property": uuid, "inspector_name": {"type": "string"},
        "inspection_date": {"type": "string", "format": "date"},
        "status": {"enum": ["in_progress", "ai_processing", "review", "pending_signatures", "finalized"]},
        "status_display": {"type": "string"},
        "rooms_required": {"type": "array", "items": {"type": "string"}},
        "rooms_completed": {"type": "array", "items": {"type": "string"}},
        "completeness_pct": {"type": "integer"}, "total_items_documented": {"type": "integer"},
        "items_excellent": {"type": "integer"}, "items_good": {"type": "integer"}, "items_fair": {"type": "integer"},
        "items_poor": {"type": "integer"}, "items_damaged": {"type": "integer"},
        "overall_condition_score": {"type": ["number", "null"]},
        "tenant_signature_url": {"type": "string"}, "tenant_signed_at": time_opt,
        "tenant_signer_name": {"type": "string"}, "tenant_signed_ip": {"type": "string"},
        "manager_signature_url": {"type": "string"}, "manager_signed_at": time_opt,
        "manager_signer_name": {"type": "string"}, "manager_signed_ip": {"type": "string"},
        "condition_report_url": {"type": "string"}, "finalized_at": time_opt}});
    let item = json!({"type": "object", "properties": {
        "id": uuid, "room": uuid, "item_type": {"type": "string"}, "item_label": {"type": "string"},
        "condition_rating": rating, "ai_description": {"type": "string"},
        "ai_pre_existing_issues": {"type": "array", "items": {"type": "object", "properties": {
            "severity": {"enum": ["cosmetic", "minor", "moderate", "major"]}, "description": {"type": "string"},
            "dimensions": {"type": "string"}, "location": {"type": "string"}, "source": {"type": "string"}}}},
        "ai_confidence": {"type": ["number", "null"]}, "ai_provider": {"type": "string"},
        "photo": {"type": ["string", "null"]}, "human_override": rating, "human_notes": {"type": "string"},
        "rating": rating, "rated_by": {"type": "string"}}});
    let photo = json!({"type": "object", "properties": {
        "id": uuid, "inspection": uuid, "room": uuid, "photo_url": {"type": "string"},
        "download_url": {"type": ["string", "null"]}, "ai_quality_score": {"type": ["number", "null"]},
        "ai_quality_issues": {"type": "array", "items": {"type": "string"}}, "is_acceptable": {"type": "boolean"},
        "ai_analyzed": {"type": "boolean"}, "ai_condition_summary": {"type": "string"},
        "analysis_status": {"enum": ["queued", "done", "needs_review", "failed"]},
        "analysis_provider": {"type": "string"}}});
    let quality = json!({"type": "object", "properties": {
        "quality_score": {"type": "number"}, "is_acceptable": {"type": "boolean"},
        "issues": {"type": "array", "items": {"type": "string"}}, "suggestion": {"type": "string"},
        "verdict": {"type": "string"}}});
    json!({
        "Inspection": inspection,
        "InspectionItem": item,
        "InspectionDetail": {"allOf": [{"$ref": "#/components/schemas/Inspection"}, {"type": "object", "properties": {
            "rooms": {"type": "array", "items": {"type": "object", "properties": {
                "id": uuid, "room_type": {"type": "string"}, "room_name": {"type": "string"},
                "overall_condition": {"type": "string"}, "photo_count": {"type": "integer"},
                "is_complete": {"type": "boolean"},
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/InspectionItem"}},
                "photos": {"type": "array", "items": photo}}}}}}]},
        "InspectionPage": {"type": "object", "properties": {"count": {"type": "integer"},
            "next": {"type": ["string", "null"]}, "previous": {"type": ["string", "null"]},
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/Inspection"}}}},
        "CreateInspection": {"type": "object", "required": ["lease", "inspector_name"], "properties": {
            "lease": uuid, "inspector_name": {"type": "string", "maxLength": 150},
            "inspection_date": {"type": "string", "format": "date"}}},
        "PhotoUpload": {"type": "object", "description": "multipart/form-data", "required": ["room_id"],
            "properties": {"room_id": uuid, "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}},
        "Upload": {"type": "object", "properties": {"room": uuid, "stored": {"type": "integer"},
            "refused": {"type": "integer"}, "files": {"type": "array", "items": {"type": "object", "properties": {
                "file_name": {"type": "string"}, "stored": {"type": "boolean"}, "photo": photo,
                "quality": quality, "detail": {"type": "string"}}}}}},
        "AnalysisRun": {"type": "object", "properties": {"provider": {"type": "string"},
            "analysed": {"type": "integer"}, "needs_review": {"type": "integer"}, "failed": {"type": "integer"},
            "still_queued": {"type": "integer"}, "message": {"type": "string"}, "status": {"type": "string"}}},
        "Completeness": {"type": "object", "properties": {"completeness_pct": {"type": "integer"},
            "is_complete": {"type": "boolean"}, "rooms_without_photos": {"type": "array"},
            "items_without_ratings": {"type": "array"}, "photos_to_retake": {"type": "array"},
            "photos_awaiting_analysis": {"type": "integer"},
            "signatures_missing": {"type": "array", "items": {"enum": ["tenant", "manager"]}}}},
        "ItemOverride": {"type": "object", "properties": {"human_override": rating, "human_notes": {"type": "string"}}},
        "Sign": {"type": "object", "required": ["role", "signer_name", "signature"], "properties": {
            "role": {"enum": ["tenant", "manager"]}, "signer_name": {"type": "string"},
            "signature": {"type": "string", "description": "base64 PNG; a data:image/png;base64, prefix is allowed"}}},
        "Report": {"type": "object", "properties": {"condition_report_url": {"type": "string"},
            "sha256": {"type": "string"}, "download_url": {"type": "string"}, "size_bytes": {"type": "integer"},
            "pages": {"type": "integer"}, "finalized": {"type": "boolean"}}}
    })
}

/// The whole document.
pub fn document() -> Value {
    let mut paths = Map::new();
    for &(method, path, summary, secured, request, response) in ROUTES {
        let mut op = json!({
            "summary": summary,
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{response}")}}}},
                "400": {"description": "Bad input", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                "401": {"description": "No, invalid, expired or revoked token"},
                "404": {"description": "Not found or not granted"}
            }
        });
        if !secured {
            op["security"] = json!([]);
        }
        if let Some(schema) = request {
            let media = if schema == "PhotoUpload" { "multipart/form-data" } else { "application/json" };
            op["requestBody"] =
                json!({"content": {media: {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}});
        }
        let params: Vec<Value> = path
            .split('/')
            .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
            .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        if !params.is_empty() {
            op["parameters"] = Value::Array(params);
        }
        let entry = paths.entry(path.to_string()).or_insert_with(|| json!({}));
        entry[method] = op;
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "UnitCycle central API", "version": env!("CARGO_PKG_VERSION")},
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": schemas()
        }
    })
}
