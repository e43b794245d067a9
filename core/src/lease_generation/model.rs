//! The spec's 4.5 rows as they are stored and synced: `lease_template`, `generated_lease`,
//! `lease_signature` and `lease_addendum` (records of a property), and the shipped reference
//! rows of `lease_clause` and `jurisdiction_rule` (the same on every device).

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use super::document::SigningParty;

/// `generated_lease.status`, in the order a lease goes through them.
pub const STATUSES: &[&str] = &["draft", "review", "sent_for_signing", "partially_signed", "fully_signed", "voided"];

/// `lease_signature.signer_role`.
pub const SIGNER_ROLES: &[&str] = &["tenant", "co_tenant", "guarantor", "property_manager"];

/// `lease_addendum.addendum_type`.
pub const ADDENDUM_TYPES: &[&str] = &["pet", "parking", "storage", "military", "lead_paint", "custom"];

/// `lease_template.property_type`.
pub const PROPERTY_TYPES: &[&str] = &["residential", "commercial", "mixed"];

/// One `lease_template` row: a named starting set of clauses for a state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseTemplate {
    pub id: Uuid,
    pub name: String,
    pub property_type: String,
    pub jurisdiction_state: String,
    #[serde(default)]
    pub jurisdiction_city: String,
    #[serde(default)]
    pub base_clause_ids: Vec<Uuid>,
    pub version: i32,
    pub is_active: bool,
    /// The property it is for; none for every property of its state.
    pub property_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The terms a lease is generated from (`generated_lease.lease_terms`), checked when made.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct GenerationTerms {
    #[serde(default)]
    pub tenant_name: String,
    #[serde(default)]
    pub tenant_email: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[serde(with = "crate::format::wire::money")]
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub monthly_rent: Decimal,
    #[serde(default, with = "crate::format::wire::money")]
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub security_deposit: Decimal,
    #[serde(default = "first")]
    pub rent_due_day: u8,
    #[serde(default, with = "crate::format::wire::money")]
    #[schema(value_type = String)]
    #[specta(type = String)]
    pub late_fee: Decimal,
    #[serde(default = "five")]
    pub grace_days: i32,
    /// Values for the clauses' other placeholders (`sprinkler_status`, `landlord_paid_utilities`, …).
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
}

fn first() -> u8 {
    1
}

fn five() -> i32 {
    5
}

impl GenerationTerms {
    /// The terms as the lifecycle's new lease checks them (dates, amounts, due day, grace).
    pub fn lease_terms(&self) -> crate::lifecycle::new_lease::LeaseTerms {
        crate::lifecycle::new_lease::LeaseTerms {
            lease_begin_date: self.start_date,
            lease_end_date: self.end_date,
            monthly_rent_amount: self.monthly_rent,
            security_deposit: self.security_deposit,
            rent_due_day: self.rent_due_day,
            late_fee_amount: self.late_fee,
            grace_period_days: self.grace_days,
        }
    }

    /// Checks the terms: the tenant named with an email address, and the lease terms valid.
    pub fn checked(mut self) -> Result<GenerationTerms, String> {
        self.tenant_name = crate::format::check_text("tenant_name", &self.tenant_name, 200, true)?;
        self.tenant_email = crate::format::check_email(&self.tenant_email)?;
        self.lease_terms().check()?;
        for (k, v) in &self.variables {
            crate::format::check_text(k, v, 2000, false)?;
        }
        Ok(self)
    }
}

/// One `generated_lease` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct GeneratedLease {
    pub id: Uuid,
    pub template_id: Option<Uuid>,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    /// The lease record made when every party has signed.
    pub tenant_lease_id: Option<Uuid>,
    pub screening_application_id: Option<Uuid>,
    pub lease_terms: GenerationTerms,
    pub clause_ids: Vec<Uuid>,
    /// `{overall_score, clause_risks[], high_risk_clauses[], warnings[], provider}`.
    #[schema(value_type = Object)]
    #[specta(type = BTreeMap<String, String>)]
    pub ai_risk_assessment: Value,
    /// `[{rule_type, severity, message, statute_reference}]`.
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<BTreeMap<String, String>>)]
    pub jurisdiction_warnings: Value,
    /// The final signed PDF (`blob:<sha256>`) once fully signed.
    pub document_url: String,
    pub document_html: String,
    pub status: String,
    pub is_renewal: bool,
    pub previous_lease_id: Option<Uuid>,
    /// `[{field, old_value, new_value, reason}]`.
    #[schema(value_type = Vec<Object>)]
    #[specta(type = Vec<BTreeMap<String, String>>)]
    pub renewal_changes: Value,
    /// `{language: html}` of translations made (each with the binding-language disclaimer).
    #[schema(value_type = Object)]
    #[specta(type = BTreeMap<String, String>)]
    pub translations: Value,
    /// SHA-256 of the signed lease (without its certificate), as printed on the certificate.
    pub signed_document_sha256: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One `lease_signature` row: a party's signing request and, once signed, its audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseSignature {
    pub id: Uuid,
    pub lease_id: Uuid,
    pub signer_role: String,
    pub signer_name: String,
    pub signer_email: String,
    pub signing_token: Uuid,
    pub signed_at: Option<DateTime<Utc>>,
    pub ip_address: Option<String>,
    pub user_agent: String,
    pub pages_viewed: Vec<i32>,
    pub time_spent_seconds: i32,
    pub status: String,
    pub reminder_count: i32,
    pub expires_at: DateTime<Utc>,
    /// `typed` or `drawn`.
    pub signature_kind: String,
    /// The typed name, or the drawn signature as a PNG data URL.
    pub signature_data: String,
    pub consent_at: Option<DateTime<Utc>>,
    pub viewed_at: Option<DateTime<Utc>>,
    pub last_reminded_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl LeaseSignature {
    /// The party as the document and its certificate show them.
    pub fn party(&self) -> SigningParty {
        SigningParty {
            role: self.signer_role.clone(),
            name: self.signer_name.clone(),
            email: self.signer_email.clone(),
            status: self.status.clone(),
            signed_at: self.signed_at,
            viewed_at: self.viewed_at,
            consent_at: self.consent_at,
            ip_address: self.ip_address.clone(),
            user_agent: self.user_agent.clone(),
            pages_viewed: self.pages_viewed.clone(),
            time_spent_seconds: self.time_spent_seconds,
            signature_kind: self.signature_kind.clone(),
            signature_data: self.signature_data.clone(),
        }
    }

    /// The row without its token and drawn image: what lists and the lease's detail show (the
    /// token is the signer's key to the public page).
    pub fn redacted(&self) -> LeaseSignature {
        LeaseSignature {
            signing_token: Uuid::nil(),
            signature_data: if self.signature_kind == "typed" { self.signature_data.clone() } else { String::new() },
            ..self.clone()
        }
    }
}

/// One `lease_addendum` row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseAddendum {
    pub id: Uuid,
    pub lease_id: Uuid,
    pub addendum_type: String,
    pub title: String,
    #[schema(value_type = Object)]
    #[specta(type = BTreeMap<String, String>)]
    pub terms: Value,
    pub document_html: String,
    pub requires_signature: bool,
    pub signed: bool,
    pub created_at: DateTime<Utc>,
}

/// One shipped `jurisdiction_rule` row with its stable id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct JurisdictionRuleRow {
    pub id: Uuid,
    #[serde(flatten)]
    pub rule: super::jurisdiction::JurisdictionRule,
}

const RULE_NAMESPACE: Uuid = Uuid::from_u128(0x0b7e_51d2_33c4_4a8f_9d16_5e2a_7c40_8b13);

/// The shipped rules as rows: the same rule has the same id on every device.
pub fn rule_rows() -> Vec<JurisdictionRuleRow> {
    super::jurisdiction::all_rules()
        .into_iter()
        .map(|rule| {
            let key = format!("{}|{}|{}|{}", rule.state, rule.city, rule.rule_type, rule.statute_reference);
            JurisdictionRuleRow { id: Uuid::new_v5(&RULE_NAMESPACE, key.as_bytes()), rule }
        })
        .collect()
}
