//! What work orders, predictive maintenance (2.3) and vendor intelligence (5.4) read and write:
//! one port both stores implement, scoped like every port (a vendor's rows are the
//! portfolio's; everything tied to a unit follows the unit's property).

use chrono::{DateTime, NaiveDate, Utc};
use uuid::Uuid;

use crate::invoice_processing::record::{InvoiceAiExtraction, InvoiceVendorTemplate};
use crate::model::{Building, Equipment, Invoice, InvoiceLineItem, Unit, Vendor, WorkOrder};
use crate::port::Records;
use crate::predictive_maintenance::{PreventiveWoSuggestion, UnitRiskScore};
use crate::store::json_rows::Kind::{self, B, I, J, R, S, T};
use crate::store::Result;
use crate::vendor_intelligence::{
    PriceBenchmark, RepeatVisitAlert, VendorContract, VendorDispatchRecommendation, VendorScorecard, WarrantyRecord,
};

pub trait MaintenancePort: Records {
    /// Units in use (not archived).
    fn maintenance_units(&self) -> Result<Vec<Unit>>;
    fn maintenance_buildings(&self) -> Result<Vec<Building>>;
    /// Work orders requested on or after `since`.
    fn work_orders_since(&self, since: NaiveDate) -> Result<Vec<WorkOrder>>;
    /// Work orders open or in progress (a vendor's workload).
    fn open_work_orders(&self) -> Result<Vec<WorkOrder>>;
    fn work_order(&self, id: Uuid) -> Result<WorkOrder>;
    fn equipment_list(&self) -> Result<Vec<Equipment>>;
    fn vendor_list(&self) -> Result<Vec<Vendor>>;
    /// Invoices dated on or after `since`.
    fn invoices_since(&self, since: NaiveDate) -> Result<Vec<Invoice>>;
    /// An invoice with its line items.
    fn invoice(&self, id: Uuid) -> Result<Invoice>;
    /// Each unit's latest score.
    fn latest_risk_scores(&self) -> Result<Vec<UnitRiskScore>>;
    fn suggestions(&self) -> Result<Vec<PreventiveWoSuggestion>>;
    fn scorecards(&self) -> Result<Vec<VendorScorecard>>;
    fn dispatches(&self, work_order_id: Uuid) -> Result<Vec<VendorDispatchRecommendation>>;
    fn warranties(&self) -> Result<Vec<WarrantyRecord>>;
    fn contracts(&self) -> Result<Vec<VendorContract>>;
    fn repeat_alerts(&self) -> Result<Vec<RepeatVisitAlert>>;
    fn benchmarks(&self) -> Result<Vec<PriceBenchmark>>;
    /// A vendor's invoices, newest first (duplicates, the vendor's price history).
    fn vendor_invoices(&self, vendor_id: Uuid) -> Result<Vec<Invoice>>;
    /// Every invoice extraction, newest first (the processing queue).
    fn invoice_extractions(&self) -> Result<Vec<InvoiceAiExtraction>>;
    /// An invoice's extraction, if it was uploaded.
    fn invoice_extraction(&self, invoice_id: Uuid) -> Result<Option<InvoiceAiExtraction>>;
    fn invoice_templates(&self) -> Result<Vec<InvoiceVendorTemplate>>;
    /// Writes every row of `w` (inserted or replaced by id) in one transaction.
    fn write_maintenance(&mut self, w: &MaintenanceWrites, now: DateTime<Utc>) -> Result<()>;
}

/// What one maintenance action or job writes, in the order the rows depend on each other.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MaintenanceWrites {
    pub equipment: Vec<Equipment>,
    pub work_orders: Vec<WorkOrder>,
    pub risk_scores: Vec<UnitRiskScore>,
    pub suggestions: Vec<PreventiveWoSuggestion>,
    pub dispatches: Vec<VendorDispatchRecommendation>,
    pub warranties: Vec<WarrantyRecord>,
    pub contracts: Vec<VendorContract>,
    pub repeat_alerts: Vec<RepeatVisitAlert>,
    pub scorecards: Vec<VendorScorecard>,
    pub benchmarks: Vec<PriceBenchmark>,
    /// Invoices (3.2): uploaded, extracted, approved; their lines are written on approval.
    pub invoices: Vec<Invoice>,
    pub invoice_line_items: Vec<InvoiceLineItem>,
    pub invoice_extractions: Vec<InvoiceAiExtraction>,
    pub invoice_templates: Vec<InvoiceVendorTemplate>,
    /// Notices for the office, queued in the outbox in the same transaction as the rows.
    pub messages: Vec<crate::outbox::NewMessage>,
}

impl MaintenanceWrites {
    pub fn is_empty(&self) -> bool {
        self == &MaintenanceWrites::default()
    }

    /// Each table's rows as JSON, in write order.
    pub fn tables(&self) -> serde_json::Result<Vec<(&'static str, Vec<serde_json::Value>)>> {
        fn rows<T: serde::Serialize>(v: &[T]) -> serde_json::Result<Vec<serde_json::Value>> {
            v.iter().map(serde_json::to_value).collect()
        }
        Ok(vec![
            ("equipment", rows(&self.equipment)?),
            ("units_maintenance", rows(&self.work_orders)?),
            ("invoices", rows(&self.invoices)?),
            ("invoice_line_items", rows(&self.invoice_line_items)?),
            ("invoice_ai_extraction", rows(&self.invoice_extractions)?),
            ("invoice_vendor_template", rows(&self.invoice_templates)?),
            ("unit_risk_score", rows(&self.risk_scores)?),
            ("preventive_wo_suggestion", rows(&self.suggestions)?),
            ("vendor_dispatch_recommendation", rows(&self.dispatches)?),
            ("warranty_record", rows(&self.warranties)?),
            ("vendor_contract", rows(&self.contracts)?),
            ("repeat_visit_alert", rows(&self.repeat_alerts)?),
            ("vendor_scorecard", rows(&self.scorecards)?),
            ("price_benchmark", rows(&self.benchmarks)?),
        ])
    }
}

/// The replica's column lists of the tables above (the sync registry names the same columns
/// for PostgreSQL; the parity test holds them together).
pub fn columns(table: &str) -> Option<&'static [(&'static str, Kind)]> {
    Some(match table {
        "equipment" => &[
            ("id", S),
            ("property_ref_id", S),
            ("unit_id", S),
            ("name", S),
            ("equipment_type", S),
            ("manufacturer", S),
            ("model_number", S),
            ("install_date", S),
            ("age_years", R),
            ("expected_lifespan_years", R),
            ("warranty_expiry", S),
            ("created_at", T),
        ],
        "units_maintenance" => &[
            ("id", S),
            ("unit_id", S),
            ("property_id", S),
            ("tenant_id", S),
            ("title", S),
            ("description", S),
            ("category", S),
            ("priority", S),
            ("status", S),
            ("requested_date", S),
            ("completed_date", S),
            ("cost", S),
            ("assigned_vendor_id", S),
            ("created_at", T),
            ("scheduled_date", S),
            ("tenant_rating", I),
        ],
        "unit_risk_score" => &[
            ("id", S),
            ("unit_id", S),
            ("property_id", S),
            ("score_date", S),
            ("risk_score", R),
            ("risk_level", S),
            ("wo_frequency_score", R),
            ("wo_cost_score", R),
            ("equipment_age_score", R),
            ("repeat_issue_score", R),
            ("seasonal_score", R),
            ("predicted_next_wo_date", S),
            ("predicted_next_wo_type", S),
            ("predicted_cost_30_days", S),
            ("predicted_cost_90_days", S),
            ("wo_count_12_months", I),
            ("total_cost_12_months", S),
            ("avg_days_between_wo", I),
            ("created_at", T),
            ("repeated_keywords", J),
        ],
        "preventive_wo_suggestion" => &[
            ("id", S),
            ("unit_id", S),
            ("risk_score_id", S),
            ("title", S),
            ("description", S),
            ("priority", S),
            ("category", S),
            ("estimated_cost", S),
            ("reasoning", S),
            ("suggested_date", S),
            ("status", S),
            ("work_order_id", S),
            ("created_at", T),
            ("property_id", S),
        ],
        "vendor_scorecard" => &[
            ("id", S),
            ("vendor_id", S),
            ("period", S),
            ("period_start", S),
            ("period_end", S),
            ("response_time_score", R),
            ("first_visit_resolution_rate", R),
            ("first_visit_score", R),
            ("cost_accuracy_score", R),
            ("sla_compliance_score", R),
            ("tenant_satisfaction_score", R),
            ("documentation_score", R),
            ("overall_score", R),
            ("total_jobs", I),
            ("total_invoiced_usd", S),
            ("created_at", T),
            ("metrics", J),
        ],
        "vendor_dispatch_recommendation" => &[
            ("id", S),
            ("work_order_id", S),
            ("recommended_vendor_id", S),
            ("rank", I),
            ("score", R),
            ("reasoning", J),
            ("alternatives", J),
            ("warranty_check_result", J),
            ("status", S),
            ("created_at", T),
            ("estimated_cost", S),
            ("provider", S),
        ],
        "warranty_record" => &[
            ("id", S),
            ("unit_id", S),
            ("item_type", S),
            ("brand", S),
            ("model_number", S),
            ("installed_date", S),
            ("warranty_end_date", S),
            ("warranty_vendor_id", S),
            ("warranty_provider", S),
            ("coverage_type", S),
            ("status", S),
            ("claim_history", J),
            ("contact", S),
        ],
        "vendor_contract" => &[
            ("id", S),
            ("vendor_id", S),
            ("contract_type", S),
            ("title", S),
            ("start_date", S),
            ("end_date", S),
            ("insurance_expiry", S),
            ("license_expiry", S),
            ("auto_renew", B),
            ("created_at", T),
        ],
        "repeat_visit_alert" => &[
            ("id", S),
            ("unit_id", S),
            ("work_category", S),
            ("first_visit_date", S),
            ("first_visit_vendor_id", S),
            ("repeat_visit_date", S),
            ("repeat_visit_vendor_id", S),
            ("days_between", I),
            ("resolution_status", S),
            ("created_at", T),
            ("first_work_order_id", S),
            ("repeat_work_order_id", S),
        ],
        "price_benchmark" => &[
            ("id", S),
            ("work_category", S),
            ("average_cost_usd", S),
            ("median_cost_usd", S),
            ("min_cost_usd", S),
            ("max_cost_usd", S),
            ("sample_count", I),
            ("vendor_count", I),
            ("updated_at", T),
        ],
        "invoices" => &[
            ("id", S),
            ("vendor_id", S),
            ("property_id", S),
            ("unit_id", S),
            ("work_order_id", S),
            ("invoice_number", S),
            ("invoice_date", S),
            ("due_date", S),
            ("subtotal", S),
            ("tax", S),
            ("total_amount", S),
            ("status", S),
            ("confidence_score", R),
            ("created_at", T),
        ],
        "invoice_line_items" => &[
            ("id", S),
            ("invoice_id", S),
            ("description", S),
            ("quantity", S),
            ("unit_price", S),
            ("total", S),
            ("gl_code", S),
        ],
        "invoice_ai_extraction" => &[
            ("id", S),
            ("invoice_id", S),
            ("extracted_vendor_name", S),
            ("extracted_invoice_number", S),
            ("extracted_date", S),
            ("extracted_due_date", S),
            ("extracted_total", S),
            ("extracted_tax", S),
            ("extracted_subtotal", S),
            ("extracted_line_items", J),
            ("matched_work_order_id", S),
            ("wo_match_confidence", R),
            ("wo_match_reasoning", S),
            ("suggested_gl_code", S),
            ("gl_confidence", R),
            ("price_validated", B),
            ("price_anomaly_detected", B),
            ("price_anomaly_details", S),
            ("historical_avg_price", S),
            ("extraction_confidence", R),
            ("extraction_model", S),
            ("processing_time_ms", I),
            ("raw_response", J),
            ("created_at", T),
            ("status", S),
            ("provider", S),
            ("source_document", S),
            ("file_name", S),
            ("page_count", I),
            ("field_sources", J),
            ("needs_review", B),
            ("review_notes", J),
            ("duplicate_of_invoice_id", S),
            ("approved_at", T),
            ("property_id", S),
        ],
        "invoice_vendor_template" => &[
            ("id", S),
            ("vendor_key", S),
            ("vendor_name", S),
            ("labels", J),
            ("number_style", S),
            ("date_style", S),
            ("approvals", I),
            ("updated_at", T),
        ],
        _ => return None,
    })
}
