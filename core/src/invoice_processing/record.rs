//! The stored rows of invoice extraction: `invoice_ai_extraction` (the spec's model, one per
//! invoice) and `invoice_vendor_template` (what approved corrections taught about a vendor).

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::LineItem;

/// Where an extraction stands. `processing` until the reader is done (the spec's clients poll
/// until `extracted`), then `extracted` for review, `approved` once a person has approved it
/// (the invoice is then approved too), `rejected`, or `failed` when nothing could be read.
pub const STATUSES: &[&str] = &["processing", "extracted", "approved", "rejected", "failed"];

/// `invoice_ai_extraction`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct InvoiceAiExtraction {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub extracted_vendor_name: String,
    pub extracted_invoice_number: String,
    pub extracted_date: Option<NaiveDate>,
    pub extracted_due_date: Option<NaiveDate>,
    #[schema(value_type = Option<String>, example = "162.38")]
    #[specta(type = Option<Decimal>)]
    pub extracted_total: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<Decimal>)]
    pub extracted_tax: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<Decimal>)]
    pub extracted_subtotal: Option<Decimal>,
    #[schema(value_type = Vec<Object>)]
    pub extracted_line_items: Vec<LineItem>,
    pub matched_work_order_id: Option<Uuid>,
    pub wo_match_confidence: Option<f64>,
    pub wo_match_reasoning: String,
    pub suggested_gl_code: String,
    pub gl_confidence: Option<f64>,
    pub price_validated: bool,
    pub price_anomaly_detected: bool,
    pub price_anomaly_details: String,
    #[schema(value_type = Option<String>)]
    #[specta(type = Option<Decimal>)]
    pub historical_avg_price: Option<Decimal>,
    pub extraction_confidence: Option<f64>,
    pub extraction_model: String,
    pub processing_time_ms: Option<i32>,
    /// The provider's answer as it came: every field of the spec's extraction prompt.
    #[schema(value_type = Object)]
    pub raw_response: serde_json::Value,
    pub created_at: DateTime<Utc>,
    /// One of [`STATUSES`].
    pub status: String,
    /// `claude` or `offline`: who read the fields.
    pub provider: String,
    /// The uploaded PDF (`blob:<sha256>`).
    pub source_document: String,
    pub file_name: String,
    pub page_count: i32,
    /// Per field (`invoice_number`, `total`, `line_items[0]`, …): provider, confidence, the
    /// text as printed and its box on the page.
    #[schema(value_type = Object)]
    pub field_sources: serde_json::Value,
    /// A person must look before approving (low confidence, totals that do not add up, an
    /// ambiguous date, a scanned page, a possible duplicate).
    pub needs_review: bool,
    /// Why, one sentence each.
    pub review_notes: Vec<String>,
    /// An earlier invoice with the same vendor, number and amount.
    pub duplicate_of_invoice_id: Option<Uuid>,
    pub approved_at: Option<DateTime<Utc>>,
    /// The matched work order's property (the row's sync scope); none while unmatched.
    pub property_id: Option<Uuid>,
}

/// `invoice_vendor_template`: the labels a vendor prints before each field and how it writes
/// numbers and dates, learned from approved corrections.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct InvoiceVendorTemplate {
    pub id: Uuid,
    /// The vendor's name normalized (`matching::normalize_vendor_name`).
    pub vendor_key: String,
    pub vendor_name: String,
    /// Field name → the label printed before or above its value.
    #[schema(value_type = Object)]
    pub labels: std::collections::BTreeMap<String, String>,
    pub number_style: Option<String>,
    pub date_style: Option<String>,
    /// How many approvals taught it.
    pub approvals: i32,
    pub updated_at: DateTime<Utc>,
}

/// A template's id, derived from the vendor key so two devices learning the same vendor write
/// one row.
pub fn template_id(vendor_key: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("invoice_vendor_template:{vendor_key}").as_bytes())
}

/// An invoice's extraction id, derived from the invoice (one extraction per invoice).
pub fn extraction_id(invoice_id: Uuid) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("invoice_ai_extraction:{invoice_id}").as_bytes())
}
