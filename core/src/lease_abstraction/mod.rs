//! Lease abstraction (spec 4.3): a lease PDF is read on the device (`document_ai`), its terms
//! extracted in the spec's `EXTRACTED_TERMS_SCHEMA` shape — by Claude with the spec's prompt
//! when configured, by the offline reader otherwise — with non-standard clauses flagged and
//! missing terms listed. A person corrects the terms and applies the ones they confirm to the
//! lease record, field by field, from a diff.
//!
//! `offline` reads the terms; `clauses` flags what is unusual; `workflow` is upload → review →
//! apply over [`port::AbstractionPort`].

pub mod clauses;
pub mod offline;
pub mod port;
pub mod workflow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The spec's `EXTRACTED_TERMS_SCHEMA`, in its order: (term, type as the spec writes it).
pub const EXTRACTED_TERMS_SCHEMA: &[(&str, &str)] = &[
    ("landlord_name", "string"),
    ("landlord_address", "string"),
    ("tenant_name", "string"),
    ("tenant_names_all", "[string]"),
    ("guarantor_name", "string or null"),
    ("property_address", "string"),
    ("unit_number", "string"),
    ("square_footage", "integer or null"),
    ("bedrooms", "integer"),
    ("bathrooms", "float"),
    ("parking_spaces", "integer"),
    ("storage_unit", "string or null"),
    ("lease_start_date", "YYYY-MM-DD"),
    ("lease_end_date", "YYYY-MM-DD"),
    ("lease_sign_date", "YYYY-MM-DD or null"),
    ("move_in_date", "YYYY-MM-DD"),
    ("possession_date", "YYYY-MM-DD or null"),
    ("monthly_rent", "decimal"),
    ("rent_due_day", "integer"),
    ("security_deposit", "decimal"),
    ("pet_deposit", "decimal or null"),
    ("last_month_rent_required", "boolean"),
    ("late_fee_amount", "decimal"),
    ("late_fee_grace_period_days", "integer"),
    ("nsf_fee", "decimal or null"),
    ("rent_escalation_pct", "float or null"),
    ("rent_escalation_date", "YYYY-MM-DD or null"),
    ("lease_type", "fixed|month_to_month|sublease"),
    ("renewal_option", "boolean"),
    ("renewal_terms", "string"),
    ("auto_renewal", "boolean"),
    ("notice_to_vacate_days", "integer"),
    ("early_termination_allowed", "boolean"),
    ("early_termination_fee", "decimal or null"),
    ("pets_allowed", "boolean"),
    ("pet_restrictions", "string"),
    ("pet_rent_monthly", "decimal or null"),
    ("smoking_allowed", "boolean"),
    ("subletting_allowed", "boolean"),
    ("max_occupants", "integer or null"),
    ("guest_policy", "string or null"),
    ("tenant_maintenance_responsibilities", "string"),
    ("landlord_maintenance_responsibilities", "string"),
    ("hvac_filter_responsibility", "tenant|landlord"),
    ("lawn_care_responsibility", "tenant|landlord|na"),
    ("utilities_included", "[string]"),
    ("utilities_tenant_responsibility", "[string]"),
    ("renters_insurance_required", "boolean"),
    ("minimum_liability_coverage", "decimal or null"),
    ("governing_law_state", "string"),
    ("dispute_resolution", "mediation|arbitration|court"),
    ("lead_paint_disclosure", "boolean"),
    ("mold_disclosure", "boolean"),
];

/// The schema as the JSON object the prompt shows the model.
pub fn schema_json() -> String {
    let fields: Vec<String> = EXTRACTED_TERMS_SCHEMA
        .iter()
        .map(|(k, t)| {
            let v = if t.starts_with('[') { format!("[\"{}\"]", &t[1..t.len() - 1]) } else { format!("\"{t}\"") };
            format!("\"{k}\": {v}")
        })
        .collect();
    format!("{{\n{}\n}}", fields.join(",\n"))
}

/// The spec's lease extraction prompt, word for word, with the schema filled in.
pub fn lease_extraction_prompt() -> String {
    LEASE_EXTRACTION_PROMPT.replace("{extracted_terms_schema}", &schema_json())
}

/// The spec's prompt template (`{extracted_terms_schema}` is filled by [`lease_extraction_prompt`]).
pub const LEASE_EXTRACTION_PROMPT: &str = r#"You are a legal document AI. Extract all terms from
this residential lease agreement.
Return a JSON object with EXACTLY these fields (use null for fields not found):
{extracted_terms_schema}
Also identify any NON-STANDARD clauses that differ from typical residential leases:
- Unusual restrictions
- Non-standard fees
- Unusual liability clauses
- Missing standard protections
Return these as:
"non_standard_clauses": [
{"clause": "exact text", "page": N, "severity": "info|warning|critical",
"explanation": "why this is non-standard"}
]
"missing_terms": ["list", "of", "expected", "terms", "not", "found"]
"#;

/// `status`: `uploaded`, `processing`, `extracted`, `reviewed`, `applied` (the spec's).
pub const STATUSES: &[&str] = &["uploaded", "processing", "extracted", "reviewed", "applied"];

/// One non-standard clause (the spec's shape).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NonStandardClause {
    pub clause: String,
    pub page: u32,
    /// `info`, `warning` or `critical`.
    pub severity: String,
    pub explanation: String,
}

/// `lease_abstraction`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseAbstraction {
    pub id: Uuid,
    pub lease_id: Option<Uuid>,
    pub unit_id: Option<Uuid>,
    pub property_id: Option<Uuid>,
    /// The uploaded PDF (`blob:<sha256>`).
    pub document_url: String,
    pub document_name: String,
    pub page_count: Option<i32>,
    pub status: String,
    /// Every term of the schema (null where not found).
    #[schema(value_type = Object)]
    pub extracted_terms: serde_json::Value,
    pub non_standard_clauses: Vec<NonStandardClause>,
    pub missing_terms: Vec<String>,
    pub extraction_confidence: Option<f64>,
    pub model_used: String,
    pub processing_time_ms: Option<i32>,
    pub reviewed_by: String,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub applied_to_lease: bool,
    pub applied_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// `claude` or `offline`.
    pub provider: String,
    /// Per term: provider, confidence, the text as printed and its box on the page.
    #[schema(value_type = Object)]
    pub field_sources: serde_json::Value,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_is_the_specs_with_every_schema_term() {
        let p = lease_extraction_prompt();
        assert!(p.starts_with("You are a legal document AI. Extract all terms from\nthis residential lease agreement."));
        assert!(p.contains("\"tenant_names_all\": [\"string\"]"));
        assert!(p.contains("\"dispute_resolution\": \"mediation|arbitration|court\""));
        assert!(p.contains("\"missing_terms\": [\"list\", \"of\", \"expected\", \"terms\", \"not\", \"found\"]"));
        assert_eq!(EXTRACTED_TERMS_SCHEMA.len(), 53);
        let v: serde_json::Value = serde_json::from_str(&schema_json()).unwrap();
        assert_eq!(v.as_object().unwrap().len(), 53);
    }
}
