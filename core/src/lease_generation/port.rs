//! What lease generation reads and writes: one port both stores implement. A generated lease
//! belongs to its unit's property; its signatures and addenda to it. The emails a step sends
//! (signing links, reminders, the signed copy) are queued in the transaction of its rows.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::model::{GeneratedLease, LeaseAddendum, LeaseSignature, LeaseTemplate};
use crate::outbox::NewMessage;
use crate::store::json_rows::Kind::{self, B, I, J, S, T};
use crate::store::Result;

/// The rows one step writes, all in one transaction.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LeaseWrite {
    pub templates: Vec<LeaseTemplate>,
    pub leases: Vec<GeneratedLease>,
    pub signatures: Vec<LeaseSignature>,
    pub addenda: Vec<LeaseAddendum>,
    pub messages: Vec<NewMessage>,
}

impl LeaseWrite {
    pub fn is_empty(&self) -> bool {
        self.templates.is_empty()
            && self.leases.is_empty()
            && self.signatures.is_empty()
            && self.addenda.is_empty()
            && self.messages.is_empty()
    }
}

pub trait LeaseGenerationPort: crate::screening::port::ScreeningPort {
    /// Templates for the caller's properties and those for every property.
    fn lease_templates(&self) -> Result<Vec<LeaseTemplate>>;
    fn lease_template(&self, id: Uuid) -> Result<LeaseTemplate>;
    /// Every generated lease in scope, newest first.
    fn generated_leases(&self) -> Result<Vec<GeneratedLease>>;
    fn generated_lease(&self, id: Uuid) -> Result<GeneratedLease>;
    fn lease_signatures(&self, lease_id: Uuid) -> Result<Vec<LeaseSignature>>;
    /// Every signature still waiting (pending or viewed) on a lease in scope.
    fn open_signatures(&self) -> Result<Vec<LeaseSignature>>;
    fn lease_addenda(&self, lease_id: Uuid) -> Result<Vec<LeaseAddendum>>;
    /// Writes the rows and queues the messages in one transaction.
    fn write_lease_rows(&mut self, rows: &LeaseWrite, now: DateTime<Utc>) -> Result<()>;
}

/// The signing page's reads, which no login scopes: the token is the key.
pub trait SigningLookup {
    fn signature_by_token(&self, token: Uuid) -> Result<Option<LeaseSignature>>;
}

/// `lease_template`'s columns (the sync registry names the same).
pub const TEMPLATE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("name", S),
    ("property_type", S),
    ("jurisdiction_state", S),
    ("jurisdiction_city", S),
    ("base_clause_ids", J),
    ("version", I),
    ("is_active", B),
    ("property_id", S),
    ("created_at", T),
    ("updated_at", T),
];

/// `generated_lease`'s columns.
pub const LEASE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("template_id", S),
    ("unit_id", S),
    ("property_id", S),
    ("tenant_lease_id", S),
    ("screening_application_id", S),
    ("lease_terms", J),
    ("clause_ids", J),
    ("ai_risk_assessment", J),
    ("jurisdiction_warnings", J),
    ("document_url", S),
    ("document_html", S),
    ("status", S),
    ("is_renewal", B),
    ("previous_lease_id", S),
    ("renewal_changes", J),
    ("translations", J),
    ("signed_document_sha256", S),
    ("created_by", S),
    ("created_at", T),
    ("updated_at", T),
];

/// `lease_signature`'s columns.
pub const SIGNATURE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("lease_id", S),
    ("signer_role", S),
    ("signer_name", S),
    ("signer_email", S),
    ("signing_token", S),
    ("signed_at", T),
    ("ip_address", S),
    ("user_agent", S),
    ("pages_viewed", J),
    ("time_spent_seconds", I),
    ("status", S),
    ("reminder_count", I),
    ("expires_at", T),
    ("signature_kind", S),
    ("signature_data", S),
    ("consent_at", T),
    ("viewed_at", T),
    ("last_reminded_at", T),
    ("updated_at", T),
];

/// `lease_addendum`'s columns.
pub const ADDENDUM_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("lease_id", S),
    ("addendum_type", S),
    ("title", S),
    ("terms", J),
    ("document_html", S),
    ("requires_signature", B),
    ("signed", B),
    ("created_at", T),
];

/// `lease_clause`'s columns (shipped rows, written when a store opens).
pub const CLAUSE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("slug", S),
    ("category", S),
    ("title", S),
    ("text", S),
    ("jurisdiction_required", J),
    ("jurisdiction_prohibited", J),
    ("risk_score", I),
    ("dispute_count", I),
    ("required_variables", J),
    ("is_standard", B),
    ("version", I),
    ("effective_date", S),
];

/// `jurisdiction_rule`'s columns (shipped rows, written when a store opens).
pub const RULE_COLUMNS: &[(&str, Kind)] = &[
    ("id", S),
    ("state", S),
    ("city", S),
    ("rule_type", S),
    ("rule_details", J),
    ("statute_reference", S),
    ("effective_date", S),
];
