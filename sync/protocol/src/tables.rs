//! The synced tables, described once: their columns and how each column is carried.
//!
//! A row travels as its *canonical JSON*: an object keyed by column name in the domain
//! structs' serde form (UUIDs, dates and money as strings, instants as RFC 3339, booleans,
//! JSON objects). The same object is read from and written to SQLite (replicas) and
//! PostgreSQL (the server) by the helpers here, so neither side hand-writes a query per table.

use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use serde_json::{Map, Value};

/// How a column is carried in canonical JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text, UUID, date or decimal money: a JSON string.
    Str,
    Int,
    Real,
    Bool,
    /// An instant: RFC 3339 string.
    Time,
    /// A JSON document (`metadata`, `counts`).
    Json,
}

use Kind::*;

/// One synced table.
#[derive(Debug)]
pub struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, Kind)],
    /// SQL (PostgreSQL, row alias `r`) giving the property a row belongs to, or NULL for rows
    /// every user may see (vendors).
    pub property_sql: &'static str,
}

impl Table {
    pub fn column_list(&self) -> String {
        self.columns.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
    }
}

/// Every synced table, parents before children (a replica applying rows in this order never
/// sees a child before its parent).
pub const TABLES: &[Table] = &[
    Table {
        name: "properties",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("address", Str),
            ("city", Str),
            ("state", Str),
            ("zip_code", Str),
            ("property_type", Str),
            ("total_units", Int),
            ("year_built", Int),
            ("created_at", Time),
            ("updated_at", Time),
            ("time_zone", Str),
            ("archived_at", Time),
        ],
        property_sql: "r.id",
    },
    Table {
        name: "buildings",
        columns: &[
            ("id", Str),
            ("property_id", Str),
            ("name", Str),
            ("floors", Int),
            ("created_at", Time),
            ("archived_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "units_unit",
        columns: &[
            ("id", Str),
            ("property_id", Str),
            ("building_id", Str),
            ("unit_number", Str),
            ("floor", Int),
            ("bedrooms", Int),
            ("bathrooms", Str),
            ("square_feet", Int),
            ("market_rent", Str),
            ("current_rent", Str),
            ("status", Str),
            ("created_at", Time),
            ("updated_at", Time),
            ("archived_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "tenants",
        columns: &[
            ("id", Str),
            ("first_name", Str),
            ("last_name", Str),
            ("email", Str),
            ("phone", Str),
            ("date_of_birth", Str),
            ("created_at", Time),
            ("archived_at", Time),
            ("forwarding_address", Str),
        ],
        property_sql: "(SELECT l.property_id FROM tenant_lease l WHERE l.tenant_id = r.id \
                       ORDER BY l.lease_begin_date DESC LIMIT 1)",
    },
    Table {
        name: "vendors",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("trade", Str),
            ("contact_name", Str),
            ("email", Str),
            ("phone", Str),
            ("license_number", Str),
            ("insurance_expiry", Str),
            ("hourly_rate", Str),
            ("is_active", Bool),
            ("created_at", Time),
        ],
        property_sql: "NULL::uuid",
    },
    Table {
        name: "tenant_lease",
        columns: &[
            ("id", Str),
            ("lease_number", Str),
            ("tenant_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("lease_begin_date", Str),
            ("lease_end_date", Str),
            ("monthly_rent_amount", Str),
            ("security_deposit", Str),
            ("rent_due_day", Int),
            ("late_fee_amount", Str),
            ("grace_period_days", Int),
            ("status", Str),
            ("lease_status", Str),
            ("lease_status_changed_at", Time),
            ("lease_status_changed_by", Str),
            ("holdover_start_date", Str),
            ("notice_date", Str),
            ("notice_move_out_date", Str),
            ("actual_move_out_date", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "lease_status_log",
        columns: &[
            ("id", Str),
            ("lease_id", Str),
            ("previous_status", Str),
            ("new_status", Str),
            ("reason", Str),
            ("changed_by", Str),
            ("metadata", Json),
            ("created_at", Time),
        ],
        property_sql: "(SELECT l.property_id FROM tenant_lease l WHERE l.id = r.lease_id)",
    },
    Table {
        name: "tenant_ledger_entry",
        columns: &[
            ("id", Str),
            ("tenant_id", Str),
            ("lease_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("trans_type", Str),
            ("category", Str),
            ("description", Str),
            ("amount", Str),
            ("trans_date", Str),
            ("due_date", Str),
            ("created_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "units_maintenance",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("tenant_id", Str),
            ("title", Str),
            ("description", Str),
            ("category", Str),
            ("priority", Str),
            ("status", Str),
            ("requested_date", Str),
            ("completed_date", Str),
            ("cost", Str),
            ("assigned_vendor_id", Str),
            ("created_at", Time),
            ("scheduled_date", Str),
            ("tenant_rating", Int),
        ],
        property_sql: "r.property_id",
    },
    // Feature state: written by the jobs and workflows (on the server when connected), synced
    // down to every replica; a replica's actions on it go up as `FeatureAction`s.
    Table {
        name: "renewal_recommendation",
        columns: &[
            ("id", Str),
            ("lease_id", Str),
            ("tenant_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("churn_score", Real),
            ("churn_risk_level", Str),
            ("churn_factors", Json),
            ("current_rent", Str),
            ("market_rent", Str),
            ("recommended_rent", Str),
            ("rent_increase_pct", Real),
            ("rent_strategy", Str),
            ("rent_reasoning", Str),
            ("recommended_term_months", Int),
            ("recommended_lease_start", Str),
            ("recommended_lease_end", Str),
            ("renewal_letter_text", Str),
            ("renewal_letter_generated_at", Time),
            ("letter_provider", Str),
            ("status", Str),
            ("reviewed_by", Str),
            ("reviewed_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "collection_case",
        columns: &[
            ("id", Str),
            ("tenant_id", Str),
            ("lease_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("original_amount_due", Str),
            ("current_balance", Str),
            ("late_fee_total", Str),
            ("days_overdue", Int),
            ("due_date", Str),
            ("escalation_level", Int),
            ("tenant_risk_profile", Str),
            ("tone", Str),
            ("status", Str),
            ("resolved_at", Time),
            ("assigned_to", Str),
            ("notes", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "collection_action",
        columns: &[
            ("id", Str),
            ("case_id", Str),
            ("action_type", Str),
            ("escalation_level", Int),
            ("channel", Str),
            ("message_text", Str),
            ("tone_used", Str),
            ("ai_generated", Bool),
            ("ai_provider", Str),
            ("sent_at", Time),
            ("delivered", Bool),
            ("opened", Bool),
            ("response_received", Bool),
            ("created_at", Time),
        ],
        property_sql: "(SELECT c.property_id FROM collection_case c WHERE c.id = r.case_id)",
    },
    Table {
        name: "collection_payment_plan",
        columns: &[
            ("id", Str),
            ("case_id", Str),
            ("total_amount", Str),
            ("num_installments", Int),
            ("installment_amount", Str),
            ("start_date", Str),
            ("status", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "(SELECT c.property_id FROM collection_case c WHERE c.id = r.case_id)",
    },
    Table {
        name: "collection_plan_installment",
        columns: &[
            ("id", Str),
            ("plan_id", Str),
            ("installment_number", Int),
            ("amount", Str),
            ("due_date", Str),
            ("paid_date", Str),
            ("status", Str),
        ],
        property_sql:
            "(SELECT c.property_id FROM collection_payment_plan p JOIN collection_case c ON c.id = p.case_id \
            WHERE p.id = r.plan_id)",
    },
    // Turnover (spec 2.1): a case per lease under notice, its deposit deductions and its
    // make-ready checklist.
    Table {
        name: "turnover_case",
        columns: &[
            ("id", Str),
            ("lease_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("stage", Str),
            ("notice_date", Str),
            ("expected_move_out", Str),
            ("actual_move_out", Str),
            ("inspection_date", Str),
            ("make_ready_start", Str),
            ("make_ready_complete", Str),
            ("listed_date", Str),
            ("leased_date", Str),
            ("new_lease_id", Str),
            ("inspection_work_order_id", Str),
            ("security_deposit", Str),
            ("total_deductions", Str),
            ("refund_amount", Str),
            ("deduction_letter_generated", Bool),
            ("deduction_letter_date", Str),
            ("make_ready_estimated_cost", Str),
            ("make_ready_actual_cost", Str),
            ("days_vacant", Int),
            ("target_days_to_lease", Int),
            ("stage_entered", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "turnover_deduction",
        columns: &[
            ("id", Str),
            ("case_id", Str),
            ("category", Str),
            ("description", Str),
            ("amount", Str),
            ("photo_url", Str),
            ("ai_detected", Bool),
            ("approved", Bool),
            ("created_at", Time),
        ],
        property_sql: "(SELECT c.property_id FROM turnover_case c WHERE c.id = r.case_id)",
    },
    Table {
        name: "turnover_checklist",
        columns: &[
            ("id", Str),
            ("case_id", Str),
            ("category", Str),
            ("item", Str),
            ("completed", Bool),
            ("completed_by", Str),
            ("completed_at", Time),
            ("estimated_cost", Str),
            ("actual_cost", Str),
            ("vendor_id", Str),
            ("work_order_id", Str),
        ],
        property_sql: "(SELECT c.property_id FROM turnover_case c WHERE c.id = r.case_id)",
    },
    // Dynamic pricing (spec 2.2): a unit's snapshots (the days its figures changed) and their comps.
    Table {
        name: "pricing_snapshot",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("snapshot_date", Str),
            ("current_rent", Str),
            ("market_rent", Str),
            ("recommended_rent", Str),
            ("rent_per_sqft", Str),
            ("market_rent_per_sqft", Str),
            ("rent_gap_amount", Str),
            ("rent_gap_pct", Real),
            ("days_vacant", Int),
            ("seasonal_factor", Real),
            ("demand_score", Real),
            ("comp_count", Int),
            ("confidence_score", Real),
            ("pricing_strategy", Str),
            ("created_at", Time),
            ("basis", Str),
            ("reason", Str),
            ("size_adjustment", Real),
            ("vacancy_discount", Real),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "pricing_market_comp",
        columns: &[
            ("id", Str),
            ("snapshot_id", Str),
            ("source", Str),
            ("address", Str),
            ("bedrooms", Int),
            ("bathrooms", Str),
            ("square_feet", Int),
            ("rent", Str),
            ("distance_miles", Real),
            ("similarity_score", Real),
        ],
        property_sql: "(SELECT s.property_id FROM pricing_snapshot s WHERE s.id = r.snapshot_id)",
    },
    Table {
        name: "pricing_external_comp",
        columns: &[
            ("id", Str),
            ("property_id", Str),
            ("source", Str),
            ("address", Str),
            ("bedrooms", Int),
            ("bathrooms", Str),
            ("square_feet", Int),
            ("rent", Str),
            ("observed_on", Str),
            ("created_at", Time),
        ],
        property_sql: "r.property_id",
    },
    // Move-out photo inspection (spec 3.1): one per lease, and its photos.
    Table {
        name: "move_out_inspection",
        columns: &[
            ("id", Str),
            ("turnover_case_id", Str),
            ("unit_id", Str),
            ("lease_id", Str),
            ("property_id", Str),
            ("inspector_name", Str),
            ("inspection_date", Str),
            ("status", Str),
            ("total_damage_cost", Str),
            ("total_wear_items", Int),
            ("total_damage_items", Int),
            ("deduction_letter", Str),
            ("deduction_letter_generated_at", Time),
            ("ai_processing_started_at", Time),
            ("ai_processing_completed_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "inspection_photo",
        columns: &[
            ("id", Str),
            ("inspection_id", Str),
            ("room", Str),
            ("photo_url", Str),
            ("thumbnail_url", Str),
            ("photo_order", Int),
            ("ai_analyzed", Bool),
            ("ai_classification", Str),
            ("ai_confidence", Real),
            ("ai_description", Str),
            ("ai_damage_items", Json),
            ("human_classification", Str),
            ("human_override", Bool),
            ("reviewed_by", Str),
            ("reviewed_at", Time),
            ("created_at", Time),
            ("ai_provider", Str),
            ("human_damage_items", Json),
        ],
        property_sql: "(SELECT i.property_id FROM move_out_inspection i WHERE i.id = r.inspection_id)",
    },
    // Command center (spec 1.4): the AI action queue, bulk batches with their items, and the
    // record of each scheduled job's run.
    Table {
        name: "ai_action_queue",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("lease_id", Str),
            ("property_id", Str),
            ("action_type", Str),
            ("description", Str),
            ("suggested_payload", Json),
            ("generated_content", Str),
            ("confidence_score", Str),
            ("priority", Str),
            ("lifecycle_state", Str),
            ("status", Str),
            ("executed_at", Time),
            ("executed_by", Str),
            ("execution_method", Str),
            ("bulk_batch_id", Str),
            ("generation_reason", Str),
            ("ai_provider", Str),
            ("generated_on", Str),
            ("generated_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    // A batch may span properties: every user sees the batch (its audit line); its items are
    // scoped by their unit.
    Table {
        name: "bulk_action_batch",
        columns: &[
            ("id", Str),
            ("request_id", Str),
            ("action_type", Str),
            ("unit_count", Int),
            ("suggested_payload", Json),
            ("executed_by", Str),
            ("execution_method", Str),
            ("scheduled_for", Time),
            ("status", Str),
            ("result_summary", Str),
            ("created_at", Time),
        ],
        property_sql: "NULL::uuid",
    },
    Table {
        name: "bulk_action_item",
        columns: &[
            ("id", Str),
            ("batch_id", Str),
            ("unit_id", Str),
            ("outcome", Str),
            ("detail", Str),
            ("created_at", Time),
        ],
        property_sql: "(SELECT u.property_id FROM units_unit u WHERE u.id = r.unit_id)",
    },
    Table {
        name: "job_run",
        columns: &[
            ("id", Str),
            ("job_name", Str),
            ("run_date", Str),
            ("started_at", Time),
            ("finished_at", Time),
            ("outcome", Str),
            ("summary", Str),
            ("counts", Json),
        ],
        property_sql: "NULL::uuid",
    },
    Table {
        name: "invoices",
        columns: &[
            ("id", Str),
            ("vendor_id", Str),
            ("property_id", Str),
            ("unit_id", Str),
            ("work_order_id", Str),
            ("invoice_number", Str),
            ("invoice_date", Str),
            ("due_date", Str),
            ("subtotal", Str),
            ("tax", Str),
            ("total_amount", Str),
            ("status", Str),
            ("confidence_score", Real),
            ("created_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "invoice_line_items",
        columns: &[
            ("id", Str),
            ("invoice_id", Str),
            ("description", Str),
            ("quantity", Str),
            ("unit_price", Str),
            ("total", Str),
            ("gl_code", Str),
        ],
        property_sql: "(SELECT i.property_id FROM invoices i WHERE i.id = r.invoice_id)",
    },
    Table {
        name: "equipment",
        columns: &[
            ("id", Str),
            ("property_ref_id", Str),
            ("unit_id", Str),
            ("name", Str),
            ("equipment_type", Str),
            ("manufacturer", Str),
            ("model_number", Str),
            ("install_date", Str),
            ("age_years", Real),
            ("expected_lifespan_years", Real),
            ("warranty_expiry", Str),
            ("created_at", Time),
        ],
        property_sql: "r.property_ref_id",
    },
    // Move-in inspections (spec 4.4): inspection, rooms, photos, then items (an item may
    // point at the photo it was rated from).
    Table {
        name: "move_in_inspection",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("lease_id", Str),
            ("property_id", Str),
            ("inspector_name", Str),
            ("inspection_date", Str),
            ("status", Str),
            ("rooms_required", Json),
            ("rooms_completed", Json),
            ("completeness_pct", Int),
            ("total_items_documented", Int),
            ("items_excellent", Int),
            ("items_good", Int),
            ("items_fair", Int),
            ("items_poor", Int),
            ("items_damaged", Int),
            ("overall_condition_score", Real),
            ("tenant_signature_url", Str),
            ("tenant_signed_at", Time),
            ("tenant_signer_name", Str),
            ("manager_signature_url", Str),
            ("manager_signed_at", Time),
            ("manager_signer_name", Str),
            ("condition_report_url", Str),
            ("location_lat", Real),
            ("location_lng", Real),
            ("location_verified", Bool),
            ("finalized_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
            ("tenant_signed_ip", Str),
            ("manager_signed_ip", Str),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "move_in_room",
        columns: &[
            ("id", Str),
            ("inspection_id", Str),
            ("room_type", Str),
            ("room_name", Str),
            ("room_order", Int),
            ("overall_condition", Str),
            ("notes", Str),
            ("photo_count", Int),
            ("is_complete", Bool),
        ],
        property_sql: "(SELECT i.property_id FROM move_in_inspection i WHERE i.id = r.inspection_id)",
    },
    Table {
        name: "move_in_photo",
        columns: &[
            ("id", Str),
            ("inspection_id", Str),
            ("room_id", Str),
            ("photo_url", Str),
            ("photo_order", Int),
            ("captured_at", Time),
            ("gps_lat", Real),
            ("gps_lng", Real),
            ("ai_quality_score", Real),
            ("ai_quality_issues", Json),
            ("is_acceptable", Bool),
            ("ai_analyzed", Bool),
            ("ai_condition_summary", Str),
            ("ai_items_found", Json),
            ("file_name", Str),
            ("width", Int),
            ("height", Int),
            ("byte_size", Int),
            ("quality_metrics", Json),
            ("quality_suggestion", Str),
            ("analysis_status", Str),
            ("analysis_provider", Str),
            ("created_at", Time),
        ],
        property_sql: "(SELECT i.property_id FROM move_in_inspection i WHERE i.id = r.inspection_id)",
    },
    Table {
        name: "move_in_item",
        columns: &[
            ("id", Str),
            ("room_id", Str),
            ("item_order", Int),
            ("item_type", Str),
            ("item_label", Str),
            ("condition_rating", Str),
            ("ai_description", Str),
            ("ai_pre_existing_issues", Json),
            ("ai_confidence", Real),
            ("ai_provider", Str),
            ("photo_id", Str),
            ("human_override", Str),
            ("human_notes", Str),
        ],
        property_sql: "(SELECT i.property_id FROM move_in_room m JOIN move_in_inspection i ON i.id = m.inspection_id \
                       WHERE m.id = r.room_id)",
    },
    // Predictive maintenance (spec 2.3) and vendor intelligence (spec 5.4).
    Table {
        name: "unit_risk_score",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("score_date", Str),
            ("risk_score", Real),
            ("risk_level", Str),
            ("wo_frequency_score", Real),
            ("wo_cost_score", Real),
            ("equipment_age_score", Real),
            ("repeat_issue_score", Real),
            ("seasonal_score", Real),
            ("predicted_next_wo_date", Str),
            ("predicted_next_wo_type", Str),
            ("predicted_cost_30_days", Str),
            ("predicted_cost_90_days", Str),
            ("wo_count_12_months", Int),
            ("total_cost_12_months", Str),
            ("avg_days_between_wo", Int),
            ("created_at", Time),
            ("repeated_keywords", Json),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "preventive_wo_suggestion",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("risk_score_id", Str),
            ("title", Str),
            ("description", Str),
            ("priority", Str),
            ("category", Str),
            ("estimated_cost", Str),
            ("reasoning", Str),
            ("suggested_date", Str),
            ("status", Str),
            ("work_order_id", Str),
            ("created_at", Time),
            ("property_id", Str),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "vendor_dispatch_recommendation",
        columns: &[
            ("id", Str),
            ("work_order_id", Str),
            ("recommended_vendor_id", Str),
            ("rank", Int),
            ("score", Real),
            ("reasoning", Json),
            ("alternatives", Json),
            ("warranty_check_result", Json),
            ("status", Str),
            ("created_at", Time),
            ("estimated_cost", Str),
            ("provider", Str),
        ],
        property_sql: "(SELECT w.property_id FROM units_maintenance w WHERE w.id = r.work_order_id)",
    },
    Table {
        name: "warranty_record",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("item_type", Str),
            ("brand", Str),
            ("model_number", Str),
            ("installed_date", Str),
            ("warranty_end_date", Str),
            ("warranty_vendor_id", Str),
            ("warranty_provider", Str),
            ("coverage_type", Str),
            ("status", Str),
            ("claim_history", Json),
            ("contact", Str),
        ],
        property_sql: "(SELECT u.property_id FROM units_unit u WHERE u.id = r.unit_id)",
    },
    Table {
        name: "vendor_contract",
        columns: &[
            ("id", Str),
            ("vendor_id", Str),
            ("contract_type", Str),
            ("title", Str),
            ("start_date", Str),
            ("end_date", Str),
            ("insurance_expiry", Str),
            ("license_expiry", Str),
            ("auto_renew", Bool),
            ("created_at", Time),
        ],
        property_sql: "NULL::uuid",
    },
    Table {
        name: "repeat_visit_alert",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("work_category", Str),
            ("first_visit_date", Str),
            ("first_visit_vendor_id", Str),
            ("repeat_visit_date", Str),
            ("repeat_visit_vendor_id", Str),
            ("days_between", Int),
            ("resolution_status", Str),
            ("created_at", Time),
            ("first_work_order_id", Str),
            ("repeat_work_order_id", Str),
        ],
        property_sql: "(SELECT u.property_id FROM units_unit u WHERE u.id = r.unit_id)",
    },
    Table {
        name: "vendor_scorecard",
        columns: &[
            ("id", Str),
            ("vendor_id", Str),
            ("period", Str),
            ("period_start", Str),
            ("period_end", Str),
            ("response_time_score", Real),
            ("first_visit_resolution_rate", Real),
            ("first_visit_score", Real),
            ("cost_accuracy_score", Real),
            ("sla_compliance_score", Real),
            ("tenant_satisfaction_score", Real),
            ("documentation_score", Real),
            ("overall_score", Real),
            ("total_jobs", Int),
            ("total_invoiced_usd", Str),
            ("created_at", Time),
            ("metrics", Json),
        ],
        property_sql: "NULL::uuid",
    },
    Table {
        name: "price_benchmark",
        columns: &[
            ("id", Str),
            ("work_category", Str),
            ("average_cost_usd", Str),
            ("median_cost_usd", Str),
            ("min_cost_usd", Str),
            ("max_cost_usd", Str),
            ("sample_count", Int),
            ("vendor_count", Int),
            ("updated_at", Time),
        ],
        property_sql: "NULL::uuid",
    },
    Table {
        name: "invoice_ai_extraction",
        columns: &[
            ("id", Str),
            ("invoice_id", Str),
            ("extracted_vendor_name", Str),
            ("extracted_invoice_number", Str),
            ("extracted_date", Str),
            ("extracted_due_date", Str),
            ("extracted_total", Str),
            ("extracted_tax", Str),
            ("extracted_subtotal", Str),
            ("extracted_line_items", Json),
            ("matched_work_order_id", Str),
            ("wo_match_confidence", Real),
            ("wo_match_reasoning", Str),
            ("suggested_gl_code", Str),
            ("gl_confidence", Real),
            ("price_validated", Bool),
            ("price_anomaly_detected", Bool),
            ("price_anomaly_details", Str),
            ("historical_avg_price", Str),
            ("extraction_confidence", Real),
            ("extraction_model", Str),
            ("processing_time_ms", Int),
            ("raw_response", Json),
            ("created_at", Time),
            ("status", Str),
            ("provider", Str),
            ("source_document", Str),
            ("file_name", Str),
            ("page_count", Int),
            ("field_sources", Json),
            ("needs_review", Bool),
            ("review_notes", Json),
            ("duplicate_of_invoice_id", Str),
            ("approved_at", Time),
            ("property_id", Str),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "invoice_vendor_template",
        columns: &[
            ("id", Str),
            ("vendor_key", Str),
            ("vendor_name", Str),
            ("labels", Json),
            ("number_style", Str),
            ("date_style", Str),
            ("approvals", Int),
            ("updated_at", Time),
        ],
        property_sql: "NULL::uuid",
    },
    Table {
        name: "lease_abstraction",
        columns: &[
            ("id", Str),
            ("lease_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("document_url", Str),
            ("document_name", Str),
            ("page_count", Int),
            ("status", Str),
            ("extracted_terms", Json),
            ("non_standard_clauses", Json),
            ("missing_terms", Json),
            ("extraction_confidence", Real),
            ("model_used", Str),
            ("processing_time_ms", Int),
            ("reviewed_by", Str),
            ("reviewed_at", Time),
            ("applied_to_lease", Bool),
            ("applied_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
            ("provider", Str),
            ("field_sources", Json),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "screening_application",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("first_name", Str),
            ("last_name", Str),
            ("email", Str),
            ("phone", Str),
            ("date_of_birth", Str),
            ("ssn_last_four", Str),
            ("employer_name", Str),
            ("employer_phone", Str),
            ("job_title", Str),
            ("monthly_income", Str),
            ("employment_start_date", Str),
            ("income_verification_type", Str),
            ("previous_address", Str),
            ("previous_landlord_name", Str),
            ("previous_landlord_phone", Str),
            ("previous_rent", Str),
            ("previous_lease_duration_months", Int),
            ("reason_for_leaving", Str),
            ("eviction_history", Bool),
            ("num_occupants", Int),
            ("has_pets", Bool),
            ("pet_details", Str),
            ("ai_score", Real),
            ("ai_recommendation", Str),
            ("ai_reasoning", Str),
            ("ai_risk_factors", Json),
            ("income_score", Real),
            ("employment_score", Real),
            ("rental_history_score", Real),
            ("credit_score_band", Str),
            ("status", Str),
            ("reviewed_by", Str),
            ("reviewed_at", Time),
            ("decision_notes", Str),
            ("documents", Json),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "lease_template",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("property_type", Str),
            ("jurisdiction_state", Str),
            ("jurisdiction_city", Str),
            ("base_clause_ids", Json),
            ("version", Int),
            ("is_active", Bool),
            ("property_id", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "generated_lease",
        columns: &[
            ("id", Str),
            ("template_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("tenant_lease_id", Str),
            ("screening_application_id", Str),
            ("lease_terms", Json),
            ("clause_ids", Json),
            ("ai_risk_assessment", Json),
            ("jurisdiction_warnings", Json),
            ("document_url", Str),
            ("document_html", Str),
            ("status", Str),
            ("is_renewal", Bool),
            ("previous_lease_id", Str),
            ("renewal_changes", Json),
            ("translations", Json),
            ("signed_document_sha256", Str),
            ("created_by", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "lease_signature",
        columns: &[
            ("id", Str),
            ("lease_id", Str),
            ("signer_role", Str),
            ("signer_name", Str),
            ("signer_email", Str),
            ("signing_token", Str),
            ("signed_at", Time),
            ("ip_address", Str),
            ("user_agent", Str),
            ("pages_viewed", Json),
            ("time_spent_seconds", Int),
            ("status", Str),
            ("reminder_count", Int),
            ("expires_at", Time),
            ("signature_kind", Str),
            ("signature_data", Str),
            ("consent_at", Time),
            ("viewed_at", Time),
            ("last_reminded_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "(SELECT g.property_id FROM generated_lease g WHERE g.id = r.lease_id)",
    },
    Table {
        name: "lease_addendum",
        columns: &[
            ("id", Str),
            ("lease_id", Str),
            ("addendum_type", Str),
            ("title", Str),
            ("terms", Json),
            ("document_html", Str),
            ("requires_signature", Bool),
            ("signed", Bool),
            ("created_at", Time),
        ],
        property_sql: "(SELECT g.property_id FROM generated_lease g WHERE g.id = r.lease_id)",
    },
    Table {
        name: "tenant_conversation",
        columns: &[
            ("id", Str),
            ("tenant_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("channel", Str),
            ("status", Str),
            ("category", Str),
            ("urgency", Str),
            ("sentiment_score", Real),
            ("ai_auto_responded", Bool),
            ("assigned_to", Str),
            ("escalated", Bool),
            ("escalation_reason", Str),
            ("last_message_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "tenant_message",
        columns: &[
            ("id", Str),
            ("conversation_id", Str),
            ("direction", Str),
            ("channel", Str),
            ("content", Str),
            ("is_ai_generated", Bool),
            ("is_auto_sent", Bool),
            ("ai_classification", Json),
            ("sentiment", Real),
            ("suggested_response", Str),
            ("sent_by", Str),
            ("read_at", Time),
            ("created_at", Time),
        ],
        property_sql: "(SELECT c.property_id FROM tenant_conversation c WHERE c.id = r.conversation_id)",
    },
    Table {
        name: "tenant_sentiment_log",
        columns: &[
            ("id", Str),
            ("tenant_id", Str),
            ("property_id", Str),
            ("date", Str),
            ("sentiment_score", Real),
            ("message_count", Int),
            ("risk_level", Str),
            ("contributing_factors", Json),
            ("churn_probability", Real),
        ],
        property_sql: "r.property_id",
    },
    // A portfolio-wide broadcast (no property) reaches every replica; its deliveries sync by
    // their tenant's property.
    Table {
        name: "broadcast_message",
        columns: &[
            ("id", Str),
            ("property_id", Str),
            ("title", Str),
            ("content", Str),
            ("channels", Json),
            ("recipient_filter", Json),
            ("recipient_count", Int),
            ("sent_count", Int),
            ("read_count", Int),
            ("status", Str),
            ("sent_at", Time),
            ("created_by", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "broadcast_recipient",
        columns: &[
            ("id", Str),
            ("broadcast_id", Str),
            ("tenant_id", Str),
            ("property_id", Str),
            ("unit_id", Str),
            ("channel", Str),
            ("address", Str),
            ("status", Str),
            ("content", Str),
            ("outbox_message_key", Str),
            ("error", Str),
            ("sent_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    // Onboarding (4.6): every row carries its property.
    Table {
        name: "onboarding_checklist",
        columns: &[
            ("id", Str),
            ("tenant_lease_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("tenant_id", Str),
            ("tenant_name", Str),
            ("tenant_email", Str),
            ("move_in_date", Str),
            ("signed_date", Str),
            ("status", Str),
            ("total_tasks", Int),
            ("completed_tasks", Int),
            ("completion_pct", Int),
            ("last_activity_at", Time),
            ("stalled_since", Time),
            ("stall_alert_sent", Bool),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "onboarding_task",
        columns: &[
            ("id", Str),
            ("checklist_id", Str),
            ("property_id", Str),
            ("task_type", Str),
            ("title", Str),
            ("description", Str),
            ("trigger", Str),
            ("due_date", Str),
            ("assigned_to", Str),
            ("status", Str),
            ("document_type", Str),
            ("document_url", Str),
            ("document_verified", Bool),
            ("verification", Json),
            ("is_required", Bool),
            ("is_blocking", Bool),
            ("sort_order", Int),
            ("completed_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "onboarding_message",
        columns: &[
            ("id", Str),
            ("checklist_id", Str),
            ("property_id", Str),
            ("message_type", Str),
            ("channel", Str),
            ("subject", Str),
            ("content_html", Str),
            ("sent_at", Time),
            ("opened_at", Time),
            ("status", Str),
            ("provider", Str),
            ("created_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "key_handoff",
        columns: &[
            ("id", Str),
            ("checklist_id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("tenant_name", Str),
            ("key_type", Str),
            ("key_identifier", Str),
            ("access_code", Str),
            ("quantity", Int),
            ("issued_at", Time),
            ("returned_at", Time),
            ("returned_condition", Str),
            ("tenant_acknowledged", Bool),
            ("status", Str),
            ("handled_by", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "property_knowledge_base",
        columns: &[
            ("id", Str),
            ("property_id", Str),
            ("category", Str),
            ("question", Str),
            ("answer", Str),
            ("keywords", Json),
            ("is_active", Bool),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    // Virtual staging (4.1): every row carries its property.
    Table {
        name: "staging_project",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("style", Str),
            ("status", Str),
            ("listing_description", Str),
            ("listing_headline", Str),
            ("listing_features", Json),
            ("listing_provider", Str),
            ("listing_needs_review", Bool),
            ("listing_id", Str),
            ("published_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "staging_photo",
        columns: &[
            ("id", Str),
            ("project_id", Str),
            ("property_id", Str),
            ("room", Str),
            ("original_url", Str),
            ("staged_url", Str),
            ("thumbnail_original", Str),
            ("thumbnail_staged", Str),
            ("processing_status", Str),
            ("processing_error", Str),
            ("ai_description", Str),
            ("photo_order", Int),
            ("virtually_staged", Bool),
            ("staging_label", Str),
            ("provider", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    // Listing syndication (5.1): every row carries its property; listings come before showings.
    Table {
        name: "listing",
        columns: &[
            ("id", Str),
            ("unit_id", Str),
            ("property_id", Str),
            ("turnover_case_id", Str),
            ("staging_project_id", Str),
            ("status", Str),
            ("asking_rent", Str),
            ("title", Str),
            ("description", Str),
            ("photos", Json),
            ("amenities", Json),
            ("pet_policy", Str),
            ("parking", Str),
            ("published_at", Time),
            ("delisted_at", Time),
            ("total_views", Int),
            ("total_inquiries", Int),
            ("days_on_market", Int),
            ("is_stale", Bool),
            ("last_price_check", Json),
            ("created_at", Time),
            ("updated_at", Time),
            ("competitor_analysis", Json),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "listing_platform",
        columns: &[
            ("id", Str),
            ("listing_id", Str),
            ("property_id", Str),
            ("platform_name", Str),
            ("platform_listing_url", Str),
            ("syndication_status", Str),
            ("platform_specific_content", Json),
            ("last_error", Str),
            ("last_synced_at", Time),
            ("created_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "listing_lead",
        columns: &[
            ("id", Str),
            ("listing_id", Str),
            ("property_id", Str),
            ("source_platform", Str),
            ("prospect_name", Str),
            ("email", Str),
            ("phone", Str),
            ("message", Str),
            ("move_in_date", Str),
            ("stated_income", Str),
            ("lead_score", Int),
            ("lead_grade", Str),
            ("qualification_factors", Json),
            ("status", Str),
            ("ai_suggested_response", Str),
            ("scored_by", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "listing_analytics",
        columns: &[
            ("id", Str),
            ("listing_id", Str),
            ("platform_id", Str),
            ("property_id", Str),
            ("date", Str),
            ("views", Int),
            ("inquiries", Int),
            ("favorites", Int),
            ("applications", Int),
            ("conversion_rate", Real),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "competing_listing",
        columns: &[
            ("id", Str),
            ("listing_id", Str),
            ("property_id", Str),
            ("competitor_address", Str),
            ("competitor_rent", Str),
            ("competitor_bedrooms", Int),
            ("competitor_sqft", Int),
            ("competitor_amenities", Json),
            ("price_diff_pct", Real),
            ("feature_advantages", Json),
            ("scraped_at", Time),
        ],
        property_sql: "r.property_id",
    },
    // Showings (5.2): every row carries its property; prospects and showings point at 5.1 listings.
    Table {
        name: "prospect",
        columns: &[
            ("id", Str),
            ("listing_id", Str),
            ("property_id", Str),
            ("listing_lead_id", Str),
            ("name", Str),
            ("email", Str),
            ("phone", Str),
            ("pre_screening", Json),
            ("identity_verified", Bool),
            ("id_document_url", Str),
            ("selfie_url", Str),
            ("verification_method", Str),
            ("lead_score", Int),
            ("lead_grade", Str),
            ("nurture_stage", Str),
            ("converted_to_application", Str),
            ("created_at", Time),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "showing",
        columns: &[
            ("id", Str),
            ("listing_id", Str),
            ("prospect_id", Str),
            ("property_id", Str),
            ("unit_id", Str),
            ("showing_type", Str),
            ("scheduled_at", Time),
            ("duration_minutes", Int),
            ("access_code", Str),
            ("access_code_expires_at", Time),
            ("status", Str),
            ("no_show_risk_score", Real),
            ("no_show_risk_factors", Json),
            ("reminder_24h_sent", Bool),
            ("reminder_2h_sent", Bool),
            ("reminder_30m_sent", Bool),
            ("conversion_outcome", Str),
            ("confirmed_at", Time),
            ("completed_at", Time),
            ("cancelled_at", Time),
            ("created_at", Time),
            ("updated_at", Time),
            ("feedback_survey_sent_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "showing_feedback",
        columns: &[
            ("id", Str),
            ("showing_id", Str),
            ("listing_id", Str),
            ("property_id", Str),
            ("overall_rating", Int),
            ("liked", Json),
            ("disliked", Json),
            ("comments", Str),
            ("sentiment_score", Real),
            ("key_themes", Json),
            ("would_apply", Bool),
            ("price_perception", Str),
            ("analysis", Json),
            ("created_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "showing_slot_config",
        columns: &[
            ("id", Str),
            ("property_id", Str),
            ("day_of_week", Int),
            ("start_time", Str),
            ("end_time", Str),
            ("max_per_day", Int),
            ("slot_duration_minutes", Int),
            ("is_self_guided_allowed", Bool),
            ("updated_at", Time),
        ],
        property_sql: "r.property_id",
    },
    Table {
        name: "nurture_message",
        columns: &[
            ("id", Str),
            ("prospect_id", Str),
            ("property_id", Str),
            ("showing_id", Str),
            ("message_type", Str),
            ("subject", Str),
            ("content", Str),
            ("channel", Str),
            ("provider", Str),
            ("sent_at", Time),
            ("opened_at", Time),
            ("clicked_at", Time),
            ("created_at", Time),
        ],
        property_sql: "r.property_id",
    },
];

/// Reference tables shipped with the build (the lease clause library, the jurisdiction rules
/// and the reply templates): written by every store from the same assets with the same ids, so never synced.
pub const REFERENCE_TABLES: &[Table] = &[
    Table {
        name: "lease_clause",
        columns: &[
            ("id", Str),
            ("slug", Str),
            ("category", Str),
            ("title", Str),
            ("text", Str),
            ("jurisdiction_required", Json),
            ("jurisdiction_prohibited", Json),
            ("risk_score", Int),
            ("dispute_count", Int),
            ("required_variables", Json),
            ("is_standard", Bool),
            ("version", Int),
            ("effective_date", Str),
        ],
        property_sql: "NULL",
    },
    Table {
        name: "jurisdiction_rule",
        columns: &[
            ("id", Str),
            ("state", Str),
            ("city", Str),
            ("rule_type", Str),
            ("rule_details", Json),
            ("statute_reference", Str),
            ("effective_date", Str),
        ],
        property_sql: "NULL",
    },
    Table {
        name: "communication_template",
        columns: &[
            ("id", Str),
            ("name", Str),
            ("category", Str),
            ("channel", Str),
            ("content", Str),
            ("variables", Json),
            ("auto_send", Bool),
            ("trigger_intent", Str),
            ("created_at", Time),
        ],
        property_sql: "NULL",
    },
];

/// The tables one move-in inspection is made of, parents first (items may point at photos),
/// each with the condition selecting that inspection's rows; `{id}` is the placeholder of the
/// inspection id (`?1` in SQLite, `$1` in PostgreSQL).
pub const INSPECTION_PARTS: [(&str, &str); 4] = [
    ("move_in_inspection", "id = {id}"),
    ("move_in_room", "inspection_id = {id}"),
    ("move_in_photo", "inspection_id = {id}"),
    ("move_in_item", "room_id IN (SELECT m.id FROM move_in_room m WHERE m.inspection_id = {id})"),
];

/// The condition selecting the rows of `table` that belong to one inspection.
pub fn inspection_scope(table: &str, placeholder: &str) -> Option<String> {
    INSPECTION_PARTS.iter().find(|(t, _)| *t == table).map(|(_, c)| c.replace("{id}", placeholder))
}

/// The rows of one inspection in a replica, per table of `INSPECTION_PARTS`, ordered by id.
pub fn sqlite_inspection(conn: &rusqlite::Connection, id: &str) -> Result<[Vec<Value>; 4], RowError> {
    let mut out: [Vec<Value>; 4] = Default::default();
    for (i, (name, _)) in INSPECTION_PARTS.iter().enumerate() {
        let t = table(name).ok_or_else(|| RowError::UnknownTable((*name).to_string()))?;
        let scope = inspection_scope(name, "?1").unwrap_or_default();
        out[i] = sqlite_rows(conn, t, &format!("WHERE {scope} ORDER BY id"), &[&id])?;
    }
    Ok(out)
}

/// The rows that belong to one record a replica may act on, children first, each with the
/// condition selecting them (`{id}`: the record's id placeholder, `?1` in SQLite, `$1` in
/// PostgreSQL). When the server refuses an action on the record it sends the whole family back,
/// and the replica drops the rows of the family the server does not have (a payment's ledger
/// entry, a reminder, a plan the refused action made locally).
pub const FAMILIES: &[(&str, &[(&str, &str)])] = &[
    // The deliveries a refused send recorded on the replica.
    ("broadcast_message", &[("broadcast_recipient", "broadcast_id = {id}")]),
    (
        "collection_case",
        &[
            (
                "collection_plan_installment",
                "plan_id IN (SELECT p.id FROM collection_payment_plan p WHERE p.case_id = {id})",
            ),
            ("collection_payment_plan", "case_id = {id}"),
            ("collection_action", "case_id = {id}"),
            ("tenant_ledger_entry", "lease_id = (SELECT c.lease_id FROM collection_case c WHERE c.id = {id})"),
        ],
    ),
    // A deduction added, or an item completed, by a refused action.
    ("turnover_case", &[("turnover_deduction", "case_id = {id}"), ("turnover_checklist", "case_id = {id}")]),
    // Photos added or reviewed, and the deductions a finalize put on the turnover case.
    (
        "move_out_inspection",
        &[
            ("inspection_photo", "inspection_id = {id}"),
            ("turnover_case", "id = (SELECT i.turnover_case_id FROM move_out_inspection i WHERE i.id = {id})"),
            (
                "turnover_deduction",
                "case_id = (SELECT i.turnover_case_id FROM move_out_inspection i WHERE i.id = {id})",
            ),
        ],
    ),
];

/// The family of a record of `entity` (`FAMILIES`): (table, condition with `placeholder`).
pub fn family(entity: &str, placeholder: &str) -> Vec<(&'static Table, String)> {
    FAMILIES
        .iter()
        .filter(|(e, _)| *e == entity)
        .flat_map(|(_, parts)| parts.iter())
        .filter_map(|(t, cond)| Some((table(t)?, cond.replace("{id}", placeholder))))
        .collect()
}

/// The table called `name`, if it is synced.
pub fn table(name: &str) -> Option<&'static Table> {
    TABLES.iter().find(|t| t.name == name)
}

/// Why a row could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum RowError {
    #[error("unknown table '{0}'")]
    UnknownTable(String),
    #[error("{table}.{column}: {detail}")]
    Column { table: &'static str, column: &'static str, detail: String },
    #[error("{table}: a row must be a JSON object with an \"id\"")]
    NotARow { table: &'static str },
}

fn col_err(t: &Table, c: &'static str, detail: impl ToString) -> RowError {
    RowError::Column { table: t.name, column: c, detail: detail.to_string() }
}

/// Checks a canonical row column by column (types, instants) and normalises instants to
/// chrono's RFC 3339 form, so rows read from either store compare equal.
pub fn canonicalize(t: &Table, row: Value) -> Result<Value, RowError> {
    let Value::Object(mut map) = row else { return Err(RowError::NotARow { table: t.name }) };
    if !map.get("id").is_some_and(Value::is_string) {
        return Err(RowError::NotARow { table: t.name });
    }
    let mut out = Map::with_capacity(t.columns.len());
    for &(c, kind) in t.columns {
        let v = map.remove(c).unwrap_or(Value::Null);
        let v = match (kind, v) {
            (_, Value::Null) => Value::Null,
            (Str, Value::String(s)) => Value::String(s),
            (Int, Value::Number(n)) if n.is_i64() => Value::Number(n),
            // PostgreSQL's JSON writes 80.0 as 80: one number form, so stores compare equal.
            (Real, Value::Number(n)) => n.as_f64().map_or(Value::Null, Value::from),
            (Bool, Value::Bool(b)) => Value::Bool(b),
            (Time, Value::String(s)) => {
                let at = DateTime::parse_from_rfc3339(&s)
                    .or_else(|_| DateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S%.f%:z"))
                    .map_err(|e| col_err(t, c, format!("'{s}' is not an instant ({e})")))?;
                serde_json::to_value(at.with_timezone(&Utc)).map_err(|e| col_err(t, c, e))?
            }
            (Json, v) => v,
            (kind, v) => return Err(col_err(t, c, format!("expected {kind:?}, got {v}"))),
        };
        out.insert(c.to_string(), v);
    }
    Ok(Value::Object(out))
}

// --- SQLite (replicas) ------------------------------------------------------------------

/// Reads every row of `t` from a replica as canonical JSON, ordered by id.
pub fn sqlite_all(conn: &rusqlite::Connection, t: &Table) -> Result<Vec<Value>, RowError> {
    sqlite_rows(conn, t, "ORDER BY id", &[])
}

/// Calls `f` with the rows of `t` in chunks of `chunk`, ordered by id (keyset paging, so a
/// large table is never held in memory at once).
pub fn sqlite_chunks<E: From<RowError>>(
    conn: &rusqlite::Connection,
    t: &Table,
    chunk: usize,
    mut f: impl FnMut(Vec<Value>) -> Result<(), E>,
) -> Result<(), E> {
    let mut after = String::new();
    loop {
        let rows = sqlite_rows(conn, t, &format!("WHERE id > ?1 ORDER BY id LIMIT {chunk}"), &[&after])?;
        let Some(last) = rows.last() else { return Ok(()) };
        after = last["id"].as_str().unwrap_or_default().to_string();
        let full = rows.len() == chunk;
        f(rows)?;
        if !full {
            return Ok(());
        }
    }
}

/// Reads rows of `t` from a replica as canonical JSON; `tail_sql` is the WHERE/ORDER/LIMIT.
pub fn sqlite_rows(
    conn: &rusqlite::Connection,
    t: &Table,
    tail_sql: &str,
    params: &[&dyn rusqlite::ToSql],
) -> Result<Vec<Value>, RowError> {
    let sql = format!("SELECT {} FROM {} {tail_sql}", t.column_list(), t.name);
    let sqlerr = |e: rusqlite::Error| col_err(t, "*", e);
    let mut stmt = conn.prepare_cached(&sql).map_err(sqlerr)?;
    let mut rows = stmt.query(params).map_err(sqlerr)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next().map_err(sqlerr)? {
        let mut map = Map::with_capacity(t.columns.len());
        for (i, &(c, kind)) in t.columns.iter().enumerate() {
            let raw: SqlValue = r.get(i).map_err(sqlerr)?;
            let v = match (kind, raw) {
                (_, SqlValue::Null) => Value::Null,
                (Bool, SqlValue::Integer(n)) => Value::Bool(n != 0),
                (Int, SqlValue::Integer(n)) => Value::from(n),
                (Real, SqlValue::Real(x)) => Value::from(x),
                (Real, SqlValue::Integer(n)) => Value::from(n as f64),
                (Json, SqlValue::Text(s)) => serde_json::from_str(&s).map_err(|e| col_err(t, c, e))?,
                (Str | Time, SqlValue::Text(s)) => Value::String(s),
                (_, other) => return Err(col_err(t, c, format!("unexpected stored value {other:?}"))),
            };
            map.insert(c.to_string(), v);
        }
        out.push(canonicalize(t, Value::Object(map))?);
    }
    Ok(out)
}

/// Inserts or updates canonical rows of `t` in a replica (by `id`), binding each column the
/// way `core`'s own inserts do (money as text, instants through chrono).
pub fn sqlite_upsert(tx: &rusqlite::Transaction<'_>, t: &Table, rows: &[Value]) -> Result<(), RowError> {
    let cols = t.column_list();
    let marks: Vec<String> = (1..=t.columns.len()).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = t.columns.iter().skip(1).map(|(c, _)| format!("{c} = excluded.{c}")).collect::<Vec<_>>();
    let sql = format!(
        "INSERT INTO {} ({cols}) VALUES ({}) ON CONFLICT(id) DO UPDATE SET {}",
        t.name,
        marks.join(", "),
        updates.join(", ")
    );
    let sqlerr = |e: rusqlite::Error| col_err(t, "*", e);
    let mut stmt = tx.prepare_cached(&sql).map_err(sqlerr)?;
    for row in rows {
        let Value::Object(map) = row else { return Err(RowError::NotARow { table: t.name }) };
        let mut values: Vec<SqlValue> = Vec::with_capacity(t.columns.len());
        for &(c, kind) in t.columns {
            let v = map.get(c).unwrap_or(&Value::Null);
            values.push(match (kind, v) {
                (_, Value::Null) => SqlValue::Null,
                (Str, Value::String(s)) => SqlValue::Text(s.clone()),
                (Int, Value::Number(n)) => {
                    SqlValue::Integer(n.as_i64().ok_or_else(|| col_err(t, c, "not an integer"))?)
                }
                (Real, Value::Number(n)) => SqlValue::Real(n.as_f64().unwrap_or_default()),
                (Bool, Value::Bool(b)) => SqlValue::Integer(i64::from(*b)),
                (Time, Value::String(s)) => {
                    let at: DateTime<Utc> = s.parse().map_err(|e| col_err(t, c, format!("'{s}': {e}")))?;
                    match rusqlite::types::ToSql::to_sql(&at).map_err(sqlerr)? {
                        rusqlite::types::ToSqlOutput::Owned(v) => v,
                        rusqlite::types::ToSqlOutput::Borrowed(v) => v.into(),
                        _ => SqlValue::Text(s.clone()),
                    }
                }
                (Json, v) => SqlValue::Text(v.to_string()),
                (kind, v) => return Err(col_err(t, c, format!("expected {kind:?}, got {v}"))),
            });
        }
        stmt.execute(rusqlite::params_from_iter(values)).map_err(sqlerr)?;
    }
    Ok(())
}

// --- PostgreSQL (the server) ----------------------------------------------------------

/// A `jsonb_build_object(...)` expression giving the canonical row of alias `r`
/// (money and dates as text, so nothing passes through a float).
pub fn pg_json_expr(t: &Table) -> String {
    let parts: Vec<String> = t
        .columns
        .iter()
        .map(|&(c, kind)| match kind {
            Str => format!("'{c}', r.{c}::text"),
            _ => format!("'{c}', r.{c}"),
        })
        .collect();
    format!("jsonb_build_object({})", parts.join(", "))
}

/// `INSERT ... SELECT FROM jsonb_populate_recordset($1) ON CONFLICT (id) DO UPDATE`: writes a
/// JSON array of canonical rows in one statement. Returns the SQL; bind the array as `$1`.
pub fn pg_upsert_sql(t: &Table) -> String {
    let cols = t.column_list();
    let updates: Vec<String> = t.columns.iter().skip(1).map(|(c, _)| format!("{c} = EXCLUDED.{c}")).collect();
    format!(
        "INSERT INTO {name} ({cols}) SELECT {cols} FROM jsonb_populate_recordset(NULL::{name}, $1::jsonb) \
         ON CONFLICT (id) DO UPDATE SET {}",
        updates.join(", "),
        name = t.name
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_the_migrations_is_described() {
        let sql: Vec<&str> = unitcycle_core::migrations::SQLITE.iter().map(|m| m.sql).collect();
        let sql = sql.join("\n");
        for t in TABLES {
            let chunk = sql.split(&format!("CREATE TABLE {} (", t.name)).nth(1).unwrap();
            let body = &chunk[..chunk.find(");").unwrap()];
            let mut cols: Vec<&str> = body
                .lines()
                .map(str::trim)
                .filter_map(|l| l.split_whitespace().next())
                .filter(|w| {
                    w.starts_with(|c: char| c.is_ascii_lowercase())
                        && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                })
                .collect();
            // Columns added by later migrations come after the created ones.
            for added in sql.split(&format!("ALTER TABLE {} ADD COLUMN ", t.name)).skip(1) {
                cols.extend(added.split_whitespace().next());
            }
            let ours: Vec<&str> = t.columns.iter().map(|(c, _)| *c).collect();
            assert_eq!(cols, ours, "{}", t.name);
        }
    }

    #[test]
    fn canonical_rows_check_types_and_normalise_instants() {
        let t = table("buildings").unwrap();
        let row = serde_json::json!({
            "id": "b", "property_id": "p", "name": "A", "floors": 3,
            "created_at": "2026-03-28T12:00:00.5+00:00", "extra": 1
        });
        let out = canonicalize(t, row).unwrap();
        assert_eq!(out["created_at"], "2026-03-28T12:00:00.500Z");
        assert!(out.get("extra").is_none());
        let bad = serde_json::json!({"id": "b", "floors": "three"});
        assert_eq!(canonicalize(t, bad).unwrap_err().to_string(), "buildings.floors: expected Int, got \"three\"");
    }
}
