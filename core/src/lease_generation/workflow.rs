//! One workflow per lease-generation step (spec 4.5), over [`LeaseGenerationPort`]: create a
//! template, generate a lease (assembly by rules, the state's limits enforced, every clause's
//! risk), re-assess it, send it for signing (a token and an emailed link per party), renew it,
//! void it. The server's endpoints, a replica's commands and the server's replay of a replica's
//! queued actions all come through [`apply_action`]. Signing itself ([`sign`]) happens on the
//! public page, which only the server serves; when every party has signed, [`activate`] makes
//! the lease record and the unit turns Active.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use uuid::Uuid;

use super::assembly::{assemble, render_html, AssembledLease};
use super::clauses::library;
use super::document::{lease_pdf, with_certificate, LeaseDocument};
use super::jurisdiction::LeaseMoneyTerms;
use super::model::{
    GeneratedLease, GenerationTerms, LeaseAddendum, LeaseSignature, LeaseTemplate, ADDENDUM_TYPES, PROPERTY_TYPES,
    SIGNER_ROLES,
};
use super::port::{LeaseGenerationPort, LeaseWrite, SigningLookup};
use crate::format::{check_text, money};
use crate::lifecycle::port::LifecyclePort;
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::records::port::RecordsPort;
use crate::store::{Result, StoreError};
use crate::time::today_at;

/// The queued action's entity (`sync_action.entity`).
pub const ENTITY: &str = "generated_lease";

/// Days a signing link works (`ESIGN_TOKEN_EXPIRY_DAYS`, spec default 14).
pub const DEFAULT_TOKEN_EXPIRY_DAYS: i64 = 14;

/// Reminders a signer gets at most (one a day at 10:00).
pub const MAX_REMINDERS: i32 = 5;

/// The clauses a lease starts from when neither the request nor a template names any.
pub const STANDARD_CLAUSES: &[&str] = &[
    "parties",
    "premises",
    "term",
    "rent",
    "security_deposit",
    "late_fees",
    "utilities",
    "maintenance",
    "entry",
    "subletting",
    "signatures",
];

/// The disclaimer every translation carries (spec 4.5's translation prompt).
pub const BINDING_LANGUAGE_DISCLAIMER: &str = "This translation is provided for informational purposes only. In the \
     event of any conflict between this translation and the original English-language lease, the English version \
     shall prevail and be considered the binding agreement.";

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// A signer named when a lease is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SignerInput {
    pub signer_role: String,
    pub signer_name: String,
    pub signer_email: String,
}

/// An addendum asked for when a lease is generated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AddendumInput {
    pub addendum_type: String,
    #[serde(default)]
    pub title: String,
    /// `{pet_type, pet_weight, pet_deposit, …}`: printed as the addendum's terms.
    #[serde(default)]
    #[schema(value_type = Object)]
    #[specta(type = BTreeMap<String, String>)]
    pub terms: Value,
    #[serde(default = "yes")]
    pub requires_signature: bool,
}

fn yes() -> bool {
    true
}

/// A new template (`POST /api/v1/lease-templates/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TemplateInput {
    pub name: String,
    #[serde(default = "residential")]
    pub property_type: String,
    pub jurisdiction_state: String,
    #[serde(default)]
    pub jurisdiction_city: String,
    #[serde(default)]
    pub base_clause_ids: Vec<Uuid>,
    #[serde(default)]
    pub property_id: Option<Uuid>,
}

fn residential() -> String {
    "residential".into()
}

/// A lease to generate (`POST /api/v1/generated-leases/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct GenerateInput {
    pub unit_id: Uuid,
    #[serde(default)]
    pub template_id: Option<Uuid>,
    /// The approved application the tenant comes from (their name and email fill the terms).
    #[serde(default)]
    pub screening_application_id: Option<Uuid>,
    pub lease_terms: GenerationTerms,
    /// Clauses by id; when empty, the template's, else the standard set. The state's required
    /// clauses are always added.
    #[serde(default)]
    pub clause_ids: Vec<Uuid>,
    #[serde(default)]
    pub addenda: Vec<AddendumInput>,
}

/// A draft's new terms (`PATCH /api/v1/generated-leases/{id}/`, the `EditDraft` step). The
/// lease keeps its id, unit, template, application, author and creation time, and is assembled
/// again exactly as a new one is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DraftEdit {
    /// The terms in full. An empty tenant name or email keeps the lease's own.
    pub lease_terms: GenerationTerms,
    /// Clauses by id; when empty or omitted, the lease keeps its clauses. The state's required
    /// clauses are always added.
    #[serde(default)]
    pub clause_ids: Vec<Uuid>,
    /// The lease's addenda, in order; when empty or omitted, the lease keeps those it has. A
    /// list replaces them place by place and may add more, but keeps every one the lease has
    /// (same place, same type): an addendum is not taken off a draft.
    #[serde(default)]
    pub addenda: Vec<AddendumInput>,
}

/// A person's lease-generation step, as it travels from a replica to the server. The lease it
/// is about is the queued action's `entity_id` (the new one's for `Generate`, `CreateRenewal`
/// and the template's for `CreateTemplate`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)]
pub enum LeaseGenerationAction {
    CreateTemplate(TemplateInput),
    /// A template's next version: its name, place and base clauses replaced, checked as a new
    /// one is. Leases generated from it keep the clauses they were assembled with.
    ReviseTemplate(TemplateInput),
    /// Takes a template out of the list offered for new leases (its leases are untouched).
    RetireTemplate,
    Generate {
        input: GenerateInput,
        actor: String,
    },
    AssessRisk,
    SendForSigning {
        #[serde(default)]
        signers: Vec<SignerInput>,
        actor: String,
    },
    CreateRenewal {
        from: Uuid,
        /// The new monthly rent; by default the current rent raised by `rent_increase_pct`.
        #[serde(default, with = "crate::format::wire::opt_money")]
        #[schema(value_type = Option<String>)]
        #[specta(type = Option<String>)]
        new_rent: Option<Decimal>,
        #[serde(default)]
        #[schema(value_type = Option<String>)]
        #[specta(type = Option<String>)]
        rent_increase_pct: Option<Decimal>,
        #[serde(default)]
        term_months: Option<u32>,
        actor: String,
    },
    Void {
        reason: String,
        actor: String,
    },
    /// A draft (never sent) re-made from new terms, clauses and addenda; each change is listed
    /// in the lease's `renewal_changes` with who made it.
    EditDraft {
        input: DraftEdit,
        actor: String,
    },
}

/// A lease with everything the detail shows.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseDetail {
    #[serde(flatten)]
    pub lease: GeneratedLease,
    /// The clauses in order with their filled text.
    pub clauses: Vec<super::assembly::AssembledClause>,
    /// Signatures without their tokens.
    pub signatures: Vec<LeaseSignature>,
    pub addenda: Vec<LeaseAddendum>,
    /// Whether the lease may be sent (no error among the warnings).
    pub sendable: bool,
}

/// What a step did: the lease after it, or the template it made.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct LeaseOutcome {
    pub lease: Option<LeaseDetail>,
    pub template: Option<LeaseTemplate>,
    /// The links emailed (send for signing), one per signer: who and where.
    pub signing_links: Vec<SigningLink>,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct SigningLink {
    pub signer_role: String,
    pub signer_name: String,
    pub signer_email: String,
    pub url: String,
    pub expires_at: DateTime<Utc>,
}

/// The signing links' base (`ESIGN_BASE_URL`): the public page is `{base}/{token}/`.
pub fn esign_base() -> String {
    std::env::var("ESIGN_BASE_URL")
        .ok()
        .map(|v| v.trim().trim_end_matches('/').to_string())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "http://127.0.0.1:8080/api/v1/lease-signatures".into())
}

/// How long a link works (`ESIGN_TOKEN_EXPIRY_DAYS`, 1–90, default 14).
pub fn token_expiry_days() -> i64 {
    std::env::var("ESIGN_TOKEN_EXPIRY_DAYS")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|d| (1..=90).contains(d))
        .unwrap_or(DEFAULT_TOKEN_EXPIRY_DAYS)
}

pub fn signing_url(token: Uuid) -> String {
    format!("{}/{token}/", esign_base())
}

fn long_date(d: NaiveDate) -> String {
    d.format("%B %-d, %Y").to_string()
}

/// The values the clauses' placeholders take, all from the record: the property, the unit and
/// the terms.
pub fn variables(
    property: &crate::model::Property,
    unit: &crate::model::Unit,
    terms: &GenerationTerms,
    day: NaiveDate,
) -> BTreeMap<String, String> {
    let mut v: BTreeMap<String, String> = terms.variables.clone();
    let address = [property.address.as_str(), property.city.as_str(), property.state.as_str()]
        .iter()
        .filter(|s| !s.trim().is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    for (k, val) in [
        ("lease_date", long_date(day)),
        ("landlord_name", property.name.clone()),
        ("tenant_name", terms.tenant_name.clone()),
        ("property_address", address),
        ("unit_number", unit.unit_number.clone()),
        ("start_date", long_date(terms.start_date)),
        ("end_date", long_date(terms.end_date)),
        ("rent_amount", money(terms.monthly_rent)),
        ("rent_due_day", terms.rent_due_day.to_string()),
        ("security_deposit", money(terms.security_deposit)),
        ("grace_days", terms.grace_days.to_string()),
        ("late_fee", money(terms.late_fee)),
    ] {
        v.insert(k.to_string(), val);
    }
    v
}

/// Assembles `lease` as it stands: its clauses, filled from the current record, checked against
/// its state's rules.
pub fn assembled<P: LeaseGenerationPort + ?Sized>(
    port: &P,
    lease: &GeneratedLease,
    now: DateTime<Utc>,
) -> Result<AssembledLease> {
    let property = port.property(lease.property_id)?;
    let unit = port.unit(lease.unit_id)?;
    let today = today_at(port, lease.property_id, now)?;
    let lib = library();
    let slugs: Vec<String> =
        lease.clause_ids.iter().filter_map(|id| lib.iter().find(|c| c.id == *id)).map(|c| c.slug.clone()).collect();
    let t = &lease.lease_terms;
    let money_terms = LeaseMoneyTerms {
        monthly_rent: t.monthly_rent,
        security_deposit: t.security_deposit,
        late_fee: t.late_fee,
        grace_days: t.grace_days,
        units_in_structure: i32::try_from(property.total_units).ok(),
        small_landlord: false,
        year_built: property.year_built,
        disclosures: Vec::new(),
    };
    let city = Some(property.city.as_str()).filter(|c| !c.trim().is_empty());
    Ok(assemble(&property.state, city, &slugs, &variables(&property, &unit, t, today), &money_terms, today))
}

/// The spec's `ai_risk_assessment` object from an assembly: the overall score, each clause's
/// risk, those flagged above 70 with the reason, required clauses missing and prohibited ones
/// included.
pub fn risk_json(a: &AssembledLease) -> Value {
    let high: Vec<Value> = a
        .risk
        .clause_risks
        .iter()
        .filter(|r| r.flagged)
        .map(|r| {
            json!({"clause_id": r.clause_id, "score": r.risk_score,
                   "reason": format!("'{}' is often disputed ({} disputes on record).", r.title, r.dispute_count)})
        })
        .collect();
    let of = |kind: &str| -> Vec<String> {
        a.violations.iter().filter(|v| v.rule_type == kind).map(|v| v.message.clone()).collect()
    };
    json!({
        "overall_score": a.risk.overall_score,
        "mean_score": a.risk.mean_score,
        "high_risk_clauses": high,
        "clause_risks": a.risk.clause_risks,
        "missing_required": of("missing_clause"),
        "prohibited_included": of("prohibited_clause"),
        "warnings": a.risk.warnings,
        "provider": a.provider,
    })
}

fn signers_of(port: &impl LeaseGenerationPort, lease: &GeneratedLease) -> Result<Vec<(String, String)>> {
    let sigs = port.lease_signatures(lease.id)?;
    Ok(if sigs.is_empty() {
        vec![(lease.lease_terms.tenant_name.clone(), "Tenant".into()), ("Property manager".into(), "Landlord".into())]
    } else {
        sigs.iter().map(|s| (s.signer_name.clone(), role_label(&s.signer_role))).collect()
    })
}

fn role_label(role: &str) -> String {
    match role {
        "co_tenant" => "Co-Tenant".into(),
        "guarantor" => "Guarantor".into(),
        "property_manager" => "Property Manager".into(),
        _ => "Tenant".into(),
    }
}

fn title_of(port: &(impl LeaseGenerationPort + ?Sized), lease: &GeneratedLease) -> Result<String> {
    let property = port.property(lease.property_id)?;
    let unit = port.unit(lease.unit_id)?;
    Ok(format!(
        "{} — {}, Unit {}",
        if lease.is_renewal { "Residential Lease Renewal" } else { "Residential Lease" },
        property.name,
        unit.unit_number
    ))
}

/// Re-assembles `lease` from the record and stores its HTML, risk and warnings.
fn refreshed<P: LeaseGenerationPort>(port: &P, lease: GeneratedLease, now: DateTime<Utc>) -> Result<GeneratedLease> {
    Ok(refreshed_with(port, lease, now)?.0)
}

/// [`refreshed`], with the assembly it stored.
fn refreshed_with<P: LeaseGenerationPort>(
    port: &P,
    mut lease: GeneratedLease,
    now: DateTime<Utc>,
) -> Result<(GeneratedLease, AssembledLease)> {
    let a = assembled(port, &lease, now)?;
    lease.clause_ids = a.clauses.iter().map(|c| c.clause.id).collect();
    lease.ai_risk_assessment = risk_json(&a);
    lease.jurisdiction_warnings = json!(a.violations);
    lease.document_html = render_html(&a, &title_of(port, &lease)?, &signers_of(port, &lease)?);
    lease.updated_at = now;
    Ok((lease, a))
}

/// The one assembly of a draft, new or edited: its terms checked, its clauses known to the
/// library (the pets clause added when a pet addendum comes with it), then assembled from the
/// record ([`refreshed`]): the state's required clauses added, the variables filled from the
/// unit, property and tenant, the state's limits and prohibitions checked, each clause's risk
/// scored.
fn assemble_draft<P: LeaseGenerationPort>(
    port: &P,
    mut lease: GeneratedLease,
    with_pet: bool,
    now: DateTime<Utc>,
) -> Result<(GeneratedLease, AssembledLease)> {
    lease.lease_terms = lease.lease_terms.checked().map_err(refused)?;
    let lib = library();
    if let Some(bad) = lease.clause_ids.iter().find(|c| !lib.iter().any(|l| l.id == **c)) {
        return Err(refused(format!("No clause {bad} in the library.")));
    }
    if with_pet {
        if let Some(p) = lib.iter().find(|c| c.slug == "pets").filter(|p| !lease.clause_ids.contains(&p.id)) {
            lease.clause_ids.push(p.id);
        }
    }
    refreshed_with(port, lease, now)
}

/// The lease with its clauses, signatures (no tokens) and addenda.
pub fn detail<P: LeaseGenerationPort>(port: &P, id: Uuid, now: DateTime<Utc>) -> Result<LeaseDetail> {
    let lease = port.generated_lease(id)?;
    in_scope(port, lease.property_id, "Generated lease", id)?;
    let a = assembled(port, &lease, now)?;
    Ok(LeaseDetail {
        sendable: a.sendable(),
        clauses: a.clauses,
        signatures: port.lease_signatures(id)?.iter().map(LeaseSignature::redacted).collect(),
        addenda: port.lease_addenda(id)?,
        lease,
    })
}

fn addendum_row(lease_id: Uuid, i: usize, a: &AddendumInput, now: DateTime<Utc>) -> Result<LeaseAddendum> {
    let kind = a.addendum_type.trim();
    if !ADDENDUM_TYPES.contains(&kind) {
        return Err(refused(format!("Addendum type '{kind}' is not one of: {}.", ADDENDUM_TYPES.join(", "))));
    }
    let title = if a.title.trim().is_empty() {
        format!("{} Addendum", role_title(kind))
    } else {
        check_text("Addendum title", &a.title, 200, true).map_err(refused)?
    };
    let terms = if a.terms.is_null() { json!({}) } else { a.terms.clone() };
    if !terms.is_object() {
        return Err(refused("An addendum's terms are an object of names and values."));
    }
    Ok(LeaseAddendum {
        id: Uuid::new_v5(&lease_id, format!("addendum:{i}:{kind}").as_bytes()),
        lease_id,
        addendum_type: kind.into(),
        document_html: addendum_html(&title, &terms),
        title,
        terms,
        requires_signature: a.requires_signature,
        signed: false,
        created_at: now,
    })
}

fn role_title(kind: &str) -> String {
    let mut c = kind.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default().replace('_', " ")
}

/// An addendum's text: its terms, one per line, as the PDF prints them.
pub fn addendum_text(terms: &Value) -> String {
    terms
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| format!("{}: {}", role_title(k), v.as_str().map(str::to_string).unwrap_or(v.to_string())))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

fn addendum_html(title: &str, terms: &Value) -> String {
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
    format!(
        "<section class=\"addendum\"><h2>{}</h2><p>{}</p><div class=\"initials\">Initials: ______ ______</div></section>",
        esc(title),
        esc(&addendum_text(terms)).replace('\n', "<br>")
    )
}

fn checked_signer(s: &SignerInput) -> Result<SignerInput> {
    let role = s.signer_role.trim();
    if !SIGNER_ROLES.contains(&role) {
        return Err(refused(format!("Signer role '{role}' is not one of: {}.", SIGNER_ROLES.join(", "))));
    }
    Ok(SignerInput {
        signer_role: role.into(),
        signer_name: check_text("signer_name", &s.signer_name, 200, true).map_err(refused)?,
        signer_email: crate::format::check_email(&s.signer_email).map_err(refused)?,
    })
}

/// The manager who countersigns when the request names nobody: the actor when it is an
/// address, else `UNITCYCLE_MANAGER_EMAIL`.
fn default_manager(actor: &str) -> Option<SignerInput> {
    let email = Some(actor.trim().to_string())
        .filter(|a| crate::format::check_email(a).is_ok())
        .or_else(|| std::env::var("UNITCYCLE_MANAGER_EMAIL").ok().filter(|a| crate::format::check_email(a).is_ok()))?;
    Some(SignerInput {
        signer_role: "property_manager".into(),
        signer_name: "Property Manager".into(),
        signer_email: email,
    })
}

fn unsigned(lease: &GeneratedLease) -> Result<()> {
    if matches!(lease.status.as_str(), "fully_signed" | "voided") {
        return Err(refused(format!("The lease is {} and cannot change.", lease.status.replace('_', " "))));
    }
    Ok(())
}

fn generate<P: LeaseGenerationPort>(
    port: &P,
    id: Uuid,
    input: &GenerateInput,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(GeneratedLease, Vec<LeaseAddendum>)> {
    if port.generated_lease(id).is_ok() {
        return Err(refused(format!("Generated lease {id} already exists.")));
    }
    let unit = port.unit(input.unit_id)?;
    in_scope(port, unit.property_id, "Unit", unit.id)?;
    if unit.archived_at.is_some() {
        return Err(refused(format!("Unit {} is archived.", unit.unit_number)));
    }
    let mut terms = input.lease_terms.clone();
    if let Some(app_id) = input.screening_application_id {
        let app = crate::screening::port::ScreeningPort::application(port, app_id)?;
        if app.unit_id != unit.id {
            return Err(refused("The application is for another unit."));
        }
        if !matches!(app.status.as_str(), "approved" | "conditionally_approved") {
            return Err(refused(format!(
                "The application of {} {} is {}; a lease is generated for an approved applicant.",
                app.first_name,
                app.last_name,
                app.status.replace('_', " ")
            )));
        }
        if terms.tenant_name.trim().is_empty() {
            terms.tenant_name = format!("{} {}", app.first_name, app.last_name);
        }
        if terms.tenant_email.trim().is_empty() {
            terms.tenant_email = app.email.clone();
        }
    }
    let template = input.template_id.map(|t| active_template(port, t)).transpose()?;
    let clause_ids = if !input.clause_ids.is_empty() {
        input.clause_ids.clone()
    } else if let Some(t) = template.as_ref().filter(|t| !t.base_clause_ids.is_empty()) {
        t.base_clause_ids.clone()
    } else {
        let lib = library();
        STANDARD_CLAUSES.iter().filter_map(|s| lib.iter().find(|c| c.slug == *s)).map(|c| c.id).collect()
    };
    let lease = GeneratedLease {
        id,
        template_id: template.map(|t| t.id),
        unit_id: unit.id,
        property_id: unit.property_id,
        tenant_lease_id: None,
        screening_application_id: input.screening_application_id,
        lease_terms: terms,
        clause_ids,
        ai_risk_assessment: json!({}),
        jurisdiction_warnings: json!([]),
        document_url: String::new(),
        document_html: String::new(),
        status: "draft".into(),
        is_renewal: false,
        previous_lease_id: None,
        renewal_changes: json!([]),
        translations: json!({}),
        signed_document_sha256: String::new(),
        created_by: actor.to_string(),
        created_at: now,
        updated_at: now,
    };
    let with_pet = input.addenda.iter().any(|a| a.addendum_type == "pet");
    let (lease, _) = assemble_draft(port, lease, with_pet, now)?;
    let addenda =
        input.addenda.iter().enumerate().map(|(i, a)| addendum_row(id, i, a, now)).collect::<Result<Vec<_>>>()?;
    Ok((lease, addenda))
}

/// The violations an edit may not save: a clause the state prohibits and money over its
/// limits, each with its statute. (Other errors, such as a clause's missing value, stay on the
/// draft as they do on a new one and block sending.)
pub(super) const UNLAWFUL: &[&str] = &["prohibited_clause", "security_deposit_limit", "late_fee_limit"];

/// Lease `id`, a draft never sent, re-made from `input` (see [`DraftEdit`]): its changes are
/// appended to `renewal_changes` as `{field, old_value, new_value, reason}` naming `actor`.
fn edit_draft<P: LeaseGenerationPort>(
    port: &P,
    id: Uuid,
    input: &DraftEdit,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(GeneratedLease, Vec<LeaseAddendum>)> {
    let old = port.generated_lease(id)?;
    in_scope(port, old.property_id, "Generated lease", id)?;
    if !matches!(old.status.as_str(), "draft" | "review") {
        return Err(refused(format!(
            "The lease is {}: only a draft not yet sent for signing can be edited (void it and generate again).",
            old.status.replace('_', " ")
        )));
    }
    let current = port.lease_addenda(id)?;
    let addenda = if input.addenda.is_empty() {
        Vec::new()
    } else {
        let rows =
            input.addenda.iter().enumerate().map(|(i, a)| addendum_row(id, i, a, now)).collect::<Result<Vec<_>>>()?;
        if let Some(gone) = current.iter().find(|c| !rows.iter().any(|r| r.id == c.id)) {
            return Err(refused(format!(
                "The draft's addendum '{}' cannot be taken off: list every addendum it has, in its place (void \
                 the lease and generate again to drop one).",
                gone.title
            )));
        }
        // An addendum that stays keeps the day it was added.
        rows.into_iter()
            .map(|r| LeaseAddendum {
                created_at: current.iter().find(|c| c.id == r.id).map_or(r.created_at, |c| c.created_at),
                ..r
            })
            .collect()
    };
    let with_pet = if addenda.is_empty() { &current } else { &addenda }.iter().any(|a| a.addendum_type == "pet");
    let mut terms = input.lease_terms.clone();
    if terms.tenant_name.trim().is_empty() {
        terms.tenant_name.clone_from(&old.lease_terms.tenant_name);
    }
    if terms.tenant_email.trim().is_empty() {
        terms.tenant_email.clone_from(&old.lease_terms.tenant_email);
    }
    let clause_ids = if input.clause_ids.is_empty() { old.clause_ids.clone() } else { input.clause_ids.clone() };
    let draft = GeneratedLease { lease_terms: terms, clause_ids, ..old.clone() };
    let (mut lease, a) = assemble_draft(port, draft, with_pet, now)?;
    let unlawful: Vec<String> = a
        .violations
        .iter()
        .filter(|v| v.severity == "error" && UNLAWFUL.contains(&v.rule_type.as_str()))
        .map(|v| {
            if v.statute_reference.is_empty() {
                v.message.clone()
            } else {
                format!("{} ({})", v.message.trim_end_matches('.'), v.statute_reference)
            }
        })
        .collect();
    if !unlawful.is_empty() {
        return Err(refused(format!("The draft was not changed: {}", unlawful.join("; "))));
    }
    let reason = format!("Draft edited ({actor})");
    let mut changes = lease.renewal_changes.as_array().cloned().unwrap_or_default();
    for (field, before, after) in draft_changes(&old, &lease, &current, &addenda) {
        changes.push(json!({"field": field, "old_value": before, "new_value": after, "reason": reason}));
    }
    lease.renewal_changes = json!(changes);
    Ok((lease, addenda))
}

/// What an edit changed: (field, old value, new value), as text.
fn draft_changes(
    old: &GeneratedLease,
    new: &GeneratedLease,
    old_addenda: &[LeaseAddendum],
    new_addenda: &[LeaseAddendum],
) -> Vec<(&'static str, String, String)> {
    let (a, b) = (&old.lease_terms, &new.lease_terms);
    let mut out = Vec::new();
    let mut field = |name: &'static str, x: String, y: String| {
        if x != y {
            out.push((name, x, y));
        }
    };
    field("tenant_name", a.tenant_name.clone(), b.tenant_name.clone());
    field("tenant_email", a.tenant_email.clone(), b.tenant_email.clone());
    field("start_date", a.start_date.to_string(), b.start_date.to_string());
    field("end_date", a.end_date.to_string(), b.end_date.to_string());
    field("monthly_rent", money(a.monthly_rent), money(b.monthly_rent));
    field("security_deposit", money(a.security_deposit), money(b.security_deposit));
    field("rent_due_day", a.rent_due_day.to_string(), b.rent_due_day.to_string());
    field("late_fee", money(a.late_fee), money(b.late_fee));
    field("grace_days", a.grace_days.to_string(), b.grace_days.to_string());
    let vars = |t: &GenerationTerms| t.variables.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ");
    field("variables", vars(a), vars(b));
    let slugs = |ids: &[Uuid]| {
        let lib = library();
        ids.iter()
            .map(|id| lib.iter().find(|c| c.id == *id).map_or_else(|| id.to_string(), |c| c.slug.clone()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    field("clauses", slugs(&old.clause_ids), slugs(&new.clause_ids));
    if !new_addenda.is_empty() {
        let list = |rows: &[LeaseAddendum]| {
            rows.iter()
                .map(|r| format!("{} ({})", r.title, addendum_text(&r.terms).replace('\n', ", ")))
                .collect::<Vec<_>>()
                .join("; ")
        };
        field("addenda", list(old_addenda), list(new_addenda));
    }
    out
}

/// Months from `from` → the same day `months` later, minus a day (a 12-month term from
/// 2027-01-01 ends 2027-12-31).
fn term_end(from: NaiveDate, months: u32) -> NaiveDate {
    from.checked_add_months(chrono::Months::new(months)).map(|d| d - Duration::days(1)).unwrap_or(from)
}

/// A renewal's asked-for terms (the `CreateRenewal` action's fields).
struct RenewalAsk<'a> {
    from: Uuid,
    new_rent: Option<Decimal>,
    pct: Option<Decimal>,
    months: Option<u32>,
    actor: &'a str,
}

fn renewal<P: LeaseGenerationPort>(
    port: &P,
    id: Uuid,
    ask: RenewalAsk<'_>,
    now: DateTime<Utc>,
) -> Result<GeneratedLease> {
    if port.generated_lease(id).is_ok() {
        return Err(refused(format!("Generated lease {id} already exists.")));
    }
    let RenewalAsk { from, new_rent, pct, months, actor } = ask;
    let prev = port.generated_lease(from)?;
    in_scope(port, prev.property_id, "Generated lease", from)?;
    if prev.status != "fully_signed" {
        return Err(refused("A renewal is made from a fully signed lease."));
    }
    let old = &prev.lease_terms;
    let months = months.unwrap_or(12);
    if !(1..=60).contains(&months) {
        return Err(refused("A renewal term is from 1 to 60 months."));
    }
    let pct = pct.unwrap_or(Decimal::ZERO);
    if !(Decimal::from(-50)..=Decimal::from(50)).contains(&pct) {
        return Err(refused("rent_increase_pct is from -50 to 50."));
    }
    let rent = match new_rent {
        Some(r) => r,
        None => (old.monthly_rent * (Decimal::ONE + pct / Decimal::from(100))).round_dp(2),
    };
    let start = old.end_date + Duration::days(1);
    let terms =
        GenerationTerms { start_date: start, end_date: term_end(start, months), monthly_rent: rent, ..old.clone() }
            .checked()
            .map_err(refused)?;
    let mut changes = vec![json!({"field": "start_date", "old_value": old.start_date, "new_value": terms.start_date,
        "reason": "The renewal term begins the day after the current one ends."})];
    changes.push(json!({"field": "end_date", "old_value": old.end_date, "new_value": terms.end_date,
        "reason": format!("A {months}-month renewal term.")}));
    if rent != old.monthly_rent {
        let change = if old.monthly_rent > Decimal::ZERO {
            ((rent - old.monthly_rent) / old.monthly_rent * Decimal::from(100)).round_dp(1)
        } else {
            Decimal::ZERO
        };
        changes.push(json!({"field": "monthly_rent", "old_value": money(old.monthly_rent), "new_value": money(rent),
            "reason": format!("Rent escalation of {change}%.")}));
    }
    let lease = GeneratedLease {
        id,
        tenant_lease_id: None,
        lease_terms: terms,
        ai_risk_assessment: json!({}),
        jurisdiction_warnings: json!([]),
        document_url: String::new(),
        document_html: String::new(),
        status: "draft".into(),
        is_renewal: true,
        previous_lease_id: Some(prev.id),
        renewal_changes: json!(changes),
        translations: json!({}),
        signed_document_sha256: String::new(),
        created_by: actor.to_string(),
        created_at: now,
        updated_at: now,
        ..prev.clone()
    };
    refreshed(port, lease, now)
}

/// Applies `action` to lease (or template) `id`.
pub fn apply_action<P: LeaseGenerationPort>(
    port: &mut P,
    id: Uuid,
    action: &LeaseGenerationAction,
    now: DateTime<Utc>,
) -> Result<LeaseOutcome> {
    use LeaseGenerationAction::*;
    let mut w = LeaseWrite::default();
    let mut links = Vec::new();
    match action {
        CreateTemplate(input) => {
            if port.lease_template(id).is_ok() {
                return Err(refused(format!("Template {id} already exists.")));
            }
            let t = template(id, input, now)?;
            if let Some(p) = t.property_id {
                in_scope(port, p, "Property", p)?;
            }
            w.templates.push(t.clone());
            port.write_lease_rows(&w, now)?;
            return Ok(LeaseOutcome { lease: None, template: Some(t), signing_links: links });
        }
        ReviseTemplate(input) => {
            let prev = active_template(port, id)?;
            let t =
                LeaseTemplate { version: prev.version + 1, created_at: prev.created_at, ..template(id, input, now)? };
            if let Some(p) = t.property_id {
                in_scope(port, p, "Property", p)?;
            }
            w.templates.push(t.clone());
            port.write_lease_rows(&w, now)?;
            return Ok(LeaseOutcome { lease: None, template: Some(t), signing_links: links });
        }
        RetireTemplate => {
            let t = LeaseTemplate { is_active: false, updated_at: now, ..active_template(port, id)? };
            w.templates.push(t.clone());
            port.write_lease_rows(&w, now)?;
            return Ok(LeaseOutcome { lease: None, template: Some(t), signing_links: links });
        }
        Generate { input, actor } => {
            let (lease, addenda) = generate(port, id, input, actor, now)?;
            w.leases.push(lease);
            w.addenda = addenda;
        }
        AssessRisk => {
            let lease = port.generated_lease(id)?;
            in_scope(port, lease.property_id, "Generated lease", id)?;
            unsigned(&lease)?;
            w.leases.push(refreshed(port, lease, now)?);
        }
        SendForSigning { signers, actor } => {
            let plan = plan_send(port, id, signers, actor, now)?;
            links = plan.links;
            w.messages = plan.messages;
            w.signatures = plan.signatures;
            w.leases.push(plan.lease);
        }
        CreateRenewal { from, new_rent, rent_increase_pct, term_months, actor } => {
            let ask =
                RenewalAsk { from: *from, new_rent: *new_rent, pct: *rent_increase_pct, months: *term_months, actor };
            w.leases.push(renewal(port, id, ask, now)?);
        }
        Void { reason, actor } => {
            let mut lease = port.generated_lease(id)?;
            in_scope(port, lease.property_id, "Generated lease", id)?;
            unsigned(&lease)?;
            let reason = check_text("Reason", reason, 2000, true).map_err(refused)?;
            lease.status = "voided".into();
            lease.updated_at = now;
            lease.renewal_changes = json!(lease.renewal_changes.as_array().cloned().unwrap_or_default().into_iter()
                .chain([json!({"field": "status", "old_value": "", "new_value": "voided", "reason": format!("{reason} ({actor})")})])
                .collect::<Vec<_>>());
            for mut s in port.lease_signatures(id)?.into_iter().filter(|s| s.status != "signed") {
                s.status = "declined".into();
                s.updated_at = now;
                w.signatures.push(s);
            }
            w.leases.push(lease);
        }
        EditDraft { input, actor } => {
            let (lease, addenda) = edit_draft(port, id, input, actor, now)?;
            w.leases.push(lease);
            w.addenda = addenda;
        }
    }
    let lease_id = w.leases.first().map(|l| l.id);
    port.write_lease_rows(&w, now)?;
    let lease = lease_id.map(|l| detail(port, l, now)).transpose()?;
    Ok(LeaseOutcome { lease, template: None, signing_links: links })
}

/// What sending a lease for signing writes: the lease (refreshed from the record), a signature
/// request per signer and the email with each one's link.
pub struct SendPlan {
    pub lease: GeneratedLease,
    pub signatures: Vec<LeaseSignature>,
    pub messages: Vec<NewMessage>,
    pub links: Vec<SigningLink>,
}

/// Plans sending lease `id` to `signers` (by default its tenant and the manager): refused while
/// the lease breaks a rule or has been sent.
pub fn plan_send<P: LeaseGenerationPort>(
    port: &P,
    id: Uuid,
    signers: &[SignerInput],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<SendPlan> {
    let lease = port.generated_lease(id)?;
    in_scope(port, lease.property_id, "Generated lease", id)?;
    if lease.status != "draft" && lease.status != "review" {
        return Err(refused(format!(
            "The lease is {} already; void it and generate again to send new links.",
            lease.status.replace('_', " ")
        )));
    }
    // Figures are read from the record again now: nothing stale is sent.
    let lease = refreshed(port, lease, now)?;
    let a = assembled(port, &lease, now)?;
    if !a.sendable() {
        let errors: Vec<String> =
            a.violations.iter().filter(|v| v.severity == "error").map(|v| v.message.clone()).collect();
        return Err(refused(format!("The lease cannot be sent: {}", errors.join(" "))));
    }
    let mut list: Vec<SignerInput> = signers.iter().map(checked_signer).collect::<Result<_>>()?;
    if list.is_empty() {
        list.push(SignerInput {
            signer_role: "tenant".into(),
            signer_name: lease.lease_terms.tenant_name.clone(),
            signer_email: lease.lease_terms.tenant_email.clone(),
        });
        list.extend(default_manager(actor));
    }
    if !list.iter().any(|s| s.signer_role == "tenant") {
        return Err(refused("A lease is signed by at least one tenant."));
    }
    let property = port.property(lease.property_id)?;
    let expires_at = now + Duration::days(token_expiry_days());
    let (mut signatures, mut messages, mut links) = (Vec::new(), Vec::new(), Vec::new());
    for (i, s) in list.iter().enumerate() {
        let token = Uuid::new_v4();
        let sig = LeaseSignature {
            id: Uuid::new_v5(&lease.id, format!("signer:{i}:{}", s.signer_email).as_bytes()),
            lease_id: lease.id,
            signer_role: s.signer_role.clone(),
            signer_name: s.signer_name.clone(),
            signer_email: s.signer_email.clone(),
            signing_token: token,
            signed_at: None,
            ip_address: None,
            user_agent: String::new(),
            pages_viewed: Vec::new(),
            time_spent_seconds: 0,
            status: "pending".into(),
            reminder_count: 0,
            expires_at,
            signature_kind: String::new(),
            signature_data: String::new(),
            consent_at: None,
            viewed_at: None,
            last_reminded_at: None,
            updated_at: now,
        };
        let url = signing_url(token);
        messages.push(NewMessage {
            idempotency_key: format!("{ENTITY}:{}:sign:{}", lease.id, sig.id),
            channel: DeliveryChannel::Email,
            recipient_name: s.signer_name.clone(),
            recipient: s.signer_email.clone(),
            subject: format!(
                "Please sign your lease for {}, unit {}",
                property.name,
                port.unit(lease.unit_id)?.unit_number
            ),
            body: signing_email(&sig, &lease, &property.name, &url),
            attachment_sha256: None,
            attachment_name: None,
            related_type: ENTITY.into(),
            related_id: Some(lease.id),
            scheduled_for: now,
        });
        links.push(SigningLink {
            signer_role: sig.signer_role.clone(),
            signer_name: sig.signer_name.clone(),
            signer_email: sig.signer_email.clone(),
            url,
            expires_at,
        });
        signatures.push(sig);
    }
    let mut lease = lease;
    lease.status = "sent_for_signing".into();
    lease.document_html = render_html(
        &a,
        &title_of(port, &lease)?,
        &signatures.iter().map(|s| (s.signer_name.clone(), role_label(&s.signer_role))).collect::<Vec<_>>(),
    );
    Ok(SendPlan { lease, signatures, messages, links })
}

/// Exactly the emails sending would queue, for the confirm a person sees first: each signer's
/// address, subject and text (the link is made when it is sent).
pub fn send_preview<P: LeaseGenerationPort>(
    port: &P,
    id: Uuid,
    signers: &[SignerInput],
    actor: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewMessage>> {
    let plan = plan_send(port, id, signers, actor, now)?;
    Ok(plan
        .messages
        .into_iter()
        .zip(&plan.links)
        .map(|(mut m, l)| {
            m.body = m.body.replace(&l.url, "(this signer's own signing link)");
            m
        })
        .collect())
}

/// Template `id` while it is offered: a retired one is refused by name, and one for another
/// manager's property does not exist for the caller.
fn active_template<P: LeaseGenerationPort + ?Sized>(port: &P, id: Uuid) -> Result<LeaseTemplate> {
    let t = port.lease_template(id)?;
    if let Some(p) = t.property_id {
        in_scope(port, p, "Lease template", id)?;
    }
    if !t.is_active {
        return Err(refused(format!("Template '{}' was retired; choose an active one.", t.name)));
    }
    Ok(t)
}

fn template(id: Uuid, t: &TemplateInput, now: DateTime<Utc>) -> Result<LeaseTemplate> {
    let state = t.jurisdiction_state.trim().to_uppercase();
    if state.len() != 2 || !state.chars().all(|c| c.is_ascii_alphabetic()) {
        return Err(refused(format!("jurisdiction_state '{}' is not a two-letter state code.", t.jurisdiction_state)));
    }
    let kind = t.property_type.trim();
    if !PROPERTY_TYPES.contains(&kind) {
        return Err(refused(format!("property_type '{kind}' is not one of: {}.", PROPERTY_TYPES.join(", "))));
    }
    let lib = library();
    if let Some(bad) = t.base_clause_ids.iter().find(|c| !lib.iter().any(|l| l.id == **c)) {
        return Err(refused(format!("No clause {bad} in the library.")));
    }
    // A template may not start from a clause its state prohibits.
    let chosen: Vec<_> = lib.iter().filter(|c| t.base_clause_ids.contains(&c.id)).cloned().collect();
    let city = Some(t.jurisdiction_city.trim()).filter(|c| !c.is_empty());
    if let Some(v) =
        super::clauses::check_clauses(&state, city, &chosen).into_iter().find(|v| v.rule_type == "prohibited_clause")
    {
        return Err(refused(v.message));
    }
    Ok(LeaseTemplate {
        id,
        name: check_text("name", &t.name, 200, true).map_err(refused)?,
        property_type: kind.into(),
        jurisdiction_state: state,
        jurisdiction_city: check_text("jurisdiction_city", &t.jurisdiction_city, 100, false).map_err(refused)?,
        base_clause_ids: t.base_clause_ids.clone(),
        version: 1,
        is_active: true,
        property_id: t.property_id,
        created_at: now,
        updated_at: now,
    })
}

fn signing_email(sig: &LeaseSignature, lease: &GeneratedLease, property: &str, url: &str) -> String {
    let t = &lease.lease_terms;
    format!(
        "Hello {},\n\nYour {} for {property} is ready to sign as {}: a term from {} to {} at {} a month, with a \
         security deposit of {}.\n\nRead every page and sign here:\n{url}\n\nThe link works until {} (UTC) and \
         only for you. You will be asked to agree to sign electronically.\n",
        sig.signer_name,
        if lease.is_renewal { "lease renewal" } else { "lease" },
        role_label(&sig.signer_role),
        long_date(t.start_date),
        long_date(t.end_date),
        money(t.monthly_rent),
        money(t.security_deposit),
        sig.expires_at.format("%B %-d, %Y %H:%M"),
    )
}

/// What a signer submits on the public page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SignInput {
    /// `typed` or `drawn`.
    pub signature_kind: String,
    /// The typed name, or the drawn signature as `data:image/png;base64,…`.
    pub signature_data: String,
    /// Consent to sign electronically (E-SIGN / UETA); refused without it.
    pub consent: bool,
    #[serde(default)]
    pub pages_viewed: Vec<i32>,
    #[serde(default)]
    pub time_spent_seconds: i32,
}

/// Where a signer's request came from (recorded on the signature).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SignerContext {
    pub ip_address: Option<String>,
    pub user_agent: String,
}

/// The signature a token opens, refused when unknown, used or expired.
pub fn open_signature<P: SigningLookup + ?Sized>(port: &P, token: Uuid, now: DateTime<Utc>) -> Result<LeaseSignature> {
    let sig = port
        .signature_by_token(token)?
        .ok_or_else(|| StoreError::NotFound { what: "Signing link", id: token.to_string() })?;
    if sig.status == "signed" {
        return Err(refused("This signing link has been used: the lease is signed."));
    }
    if sig.status == "declined" {
        return Err(refused("This signing link is no longer valid: the lease was withdrawn."));
    }
    if sig.expires_at <= now {
        return Err(refused(format!("This signing link expired on {}.", sig.expires_at.format("%B %-d, %Y"))));
    }
    Ok(sig)
}

/// What a signer reads: the lease assembled from the record, its addenda as (title, text) and
/// its title.
#[derive(Debug, Clone)]
pub struct SignerView {
    pub lease: GeneratedLease,
    pub assembled: AssembledLease,
    pub addenda: Vec<(String, String)>,
    pub title: String,
}

/// The lease a signer reads.
pub fn signer_view<P: LeaseGenerationPort>(port: &P, sig: &LeaseSignature, now: DateTime<Utc>) -> Result<SignerView> {
    let lease = port.generated_lease(sig.lease_id)?;
    let a = assembled(port, &lease, now)?;
    let addenda = port.lease_addenda(lease.id)?.iter().map(|d| (d.title.clone(), addendum_text(&d.terms))).collect();
    let title = title_of(port, &lease)?;
    Ok(SignerView { lease, assembled: a, addenda, title })
}

/// Records that the signer opened the page (first view; status `viewed`).
pub fn viewed<P: LeaseGenerationPort + SigningLookup>(port: &mut P, token: Uuid, now: DateTime<Utc>) -> Result<()> {
    let mut sig = open_signature(port, token, now)?;
    if sig.viewed_at.is_some() {
        return Ok(());
    }
    sig.viewed_at = Some(now);
    sig.status = "viewed".into();
    sig.updated_at = now;
    port.write_lease_rows(&LeaseWrite { signatures: vec![sig], ..Default::default() }, now)
}

/// What signing did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct SignOutcome {
    pub status: String,
    pub lease_status: String,
    pub signed_at: DateTime<Utc>,
    /// Parties still to sign.
    pub waiting_for: Vec<String>,
    /// Once every party has signed: the final PDF (`blob:<sha256>`) and the signed lease's hash.
    pub document_url: String,
    pub signed_document_sha256: String,
    /// The lease record made (or renewed) when the last party signed.
    pub tenant_lease_id: Option<Uuid>,
}

/// A signer signs: refused without consent, before every page is viewed, with no signature, or
/// on a used or expired link. The last signature completes the lease: the signed PDF and its
/// certificate are stored, every party gets the signed copy, and [`activate`] makes the lease
/// record.
pub fn sign<P>(
    port: &mut P,
    token: Uuid,
    input: &SignInput,
    ctx: &SignerContext,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<SignOutcome>
where
    P: LeaseGenerationPort + SigningLookup + LifecyclePort + RecordsPort + crate::onboarding::port::OnboardingPort,
{
    let mut sig = open_signature(port, token, now)?;
    let SignerView { mut lease, assembled: a, addenda, title } = signer_view(port, &sig, now)?;
    if lease.status != "sent_for_signing" && lease.status != "partially_signed" {
        return Err(refused(format!("The lease is {}; it cannot be signed.", lease.status.replace('_', " "))));
    }
    if !input.consent {
        return Err(refused("Agree to sign electronically first (the consent box)."));
    }
    let pages = super::signing_page::pages(&a, &addenda).len();
    let mut seen: Vec<i32> = input.pages_viewed.iter().copied().filter(|p| *p >= 1 && *p as usize <= pages).collect();
    seen.sort_unstable();
    seen.dedup();
    if seen.len() < pages {
        let missing: Vec<String> = (1..=pages as i32).filter(|p| !seen.contains(p)).map(|p| p.to_string()).collect();
        return Err(refused(format!("Read every page before signing: page {} not viewed yet.", missing.join(", "))));
    }
    let kind = input.signature_kind.trim();
    let data = input.signature_data.trim();
    match kind {
        "typed" => {
            check_text("Typed signature", data, 200, true).map_err(refused)?;
        }
        "drawn" => {
            if !data.starts_with("data:image/png;base64,") || data.len() > 700_000 || data.len() < 40 {
                return Err(refused("A drawn signature is a PNG image (data:image/png;base64,…) under 500 KB."));
            }
        }
        _ => return Err(refused("signature_kind is 'typed' or 'drawn'.")),
    }
    sig.status = "signed".into();
    sig.signed_at = Some(now);
    sig.consent_at = Some(now);
    sig.viewed_at = sig.viewed_at.or(Some(now));
    sig.ip_address = ctx.ip_address.clone();
    sig.user_agent = ctx.user_agent.chars().take(500).collect();
    sig.pages_viewed = seen;
    sig.time_spent_seconds = input.time_spent_seconds.clamp(0, 7 * 24 * 3600);
    sig.signature_kind = kind.into();
    sig.signature_data = data.into();
    sig.updated_at = now;
    let mut all = port.lease_signatures(lease.id)?;
    for s in all.iter_mut().filter(|s| s.id == sig.id) {
        *s = sig.clone();
    }
    let waiting: Vec<String> = all
        .iter()
        .filter(|s| s.status != "signed")
        .map(|s| format!("{} ({})", s.signer_name, role_label(&s.signer_role)))
        .collect();
    let mut w = LeaseWrite { signatures: vec![sig.clone()], ..Default::default() };
    lease.updated_at = now;
    if waiting.is_empty() {
        let parties: Vec<_> = all.iter().map(LeaseSignature::party).collect();
        let doc = LeaseDocument { title: &title, lease: &a, addenda: &addenda, parties: &parties, lease_id: lease.id };
        let signed = lease_pdf(&doc, now).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let (final_pdf, hash) = with_certificate(&signed, &doc, now).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // The signed lease is kept as it was hashed, so anyone can check the certificate.
        port.put_document(&signed, "application/pdf", now)?;
        let stored = port.put_document(&final_pdf, "application/pdf", now)?;
        lease.status = "fully_signed".into();
        lease.signed_document_sha256 = hash;
        lease.document_url = stored.as_ref().map(|h| format!("blob:{h}")).unwrap_or_default();
        let mut addenda_rows = port.lease_addenda(lease.id)?;
        for d in &mut addenda_rows {
            d.signed = true;
        }
        w.addenda = addenda_rows;
        for s in &all {
            w.messages.push(NewMessage {
                idempotency_key: format!("{ENTITY}:{}:signed:{}", lease.id, s.id),
                channel: DeliveryChannel::Email,
                recipient_name: s.signer_name.clone(),
                recipient: s.signer_email.clone(),
                subject: format!("Signed: {title}"),
                body: format!(
                    "Hello {},\n\nEvery party has signed {title}. The signed lease with its certificate of completion \
                     is attached; its SHA-256 is {}.\n",
                    s.signer_name, lease.signed_document_sha256
                ),
                attachment_name: stored.as_ref().map(|_| "signed-lease.pdf".to_string()),
                attachment_sha256: stored.clone(),
                related_type: ENTITY.into(),
                related_id: Some(lease.id),
                scheduled_for: now,
            });
        }
    } else {
        lease.status = "partially_signed".into();
    }
    w.leases.push(lease.clone());
    port.write_lease_rows(&w, now)?;
    let tenant_lease_id = if lease.status == "fully_signed" { activate(port, lease.id, actor, now)? } else { None };
    Ok(SignOutcome {
        status: sig.status,
        lease_status: lease.status,
        signed_at: now,
        waiting_for: waiting,
        document_url: lease.document_url,
        signed_document_sha256: lease.signed_document_sha256,
        tenant_lease_id,
    })
}

/// Makes the lease record of a fully signed lease that has none: the tenant (found by email, or
/// added), and a new lease whose `vacant → active` turns the unit Active. Safe to run again (the
/// nightly expiry job finishes any that stopped half way).
pub fn activate<P>(port: &mut P, id: Uuid, actor: &str, now: DateTime<Utc>) -> Result<Option<Uuid>>
where
    P: LeaseGenerationPort + LifecyclePort + RecordsPort + crate::onboarding::port::OnboardingPort,
{
    let mut lease = port.generated_lease(id)?;
    if lease.status != "fully_signed" {
        return Ok(None);
    }
    if lease.tenant_lease_id.is_some() {
        return Ok(lease.tenant_lease_id);
    }
    let t = &lease.lease_terms;
    let tenant_id = match port.tenant_with_email(&t.tenant_email.to_lowercase())? {
        Some(id) => id,
        None => {
            let (first, last) = match t.tenant_name.trim().rsplit_once(' ') {
                Some((f, l)) => (f.trim().to_string(), l.trim().to_string()),
                None => (t.tenant_name.trim().to_string(), String::new()),
            };
            let phone = match lease.screening_application_id {
                Some(a) => {
                    crate::screening::port::ScreeningPort::application(port, a).map(|a| a.phone).unwrap_or_default()
                }
                None => String::new(),
            };
            let new_id = Uuid::new_v5(&lease.id, b"tenant");
            let input = crate::lifecycle::new_lease::TenantInput {
                first_name: first,
                last_name: if last.is_empty() { "-".into() } else { last },
                email: t.tenant_email.clone(),
                phone,
                date_of_birth: None,
            };
            crate::records::workflow::apply_record_action(
                port,
                new_id,
                &crate::records::RecordAction::AddTenant(input),
                now,
            )?
        }
    };
    let record = crate::lifecycle::new_lease::new_lease(port, lease.unit_id, tenant_id, t.lease_terms(), actor, now)?;
    lease.tenant_lease_id = Some(record.id);
    lease.updated_at = now;
    let property_id = lease.property_id;
    port.write_lease_rows(&LeaseWrite { leases: vec![lease], ..Default::default() }, now)?;
    // The signed lease starts the tenant's onboarding (spec 4.6); the hourly processor sends
    // the welcome.
    let signed = today_at(port, property_id, now)?;
    crate::onboarding::workflow::create_checklist(port, record.id, signed, now)?;
    Ok(Some(record.id))
}

/// The 10:00 reminder: one email a day to each signer still waiting on a link that works, at
/// most [`MAX_REMINDERS`] and not on the day the link was sent.
pub fn reminder_job<P: LeaseGenerationPort>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let mut w = LeaseWrite::default();
    for mut s in port.open_signatures()? {
        let Ok(lease) = port.generated_lease(s.lease_id) else { continue };
        let local = today_at(port, lease.property_id, now).unwrap_or(today);
        let sent_on = s.expires_at - Duration::days(token_expiry_days());
        let reminded_today = s.last_reminded_at.is_some_and(|r| r.date_naive() == now.date_naive());
        if s.expires_at <= now
            || reminded_today
            || s.reminder_count >= MAX_REMINDERS
            || sent_on.date_naive() >= now.date_naive()
            || !matches!(lease.status.as_str(), "sent_for_signing" | "partially_signed")
        {
            continue;
        }
        s.reminder_count += 1;
        s.last_reminded_at = Some(now);
        s.updated_at = now;
        let property = port.property(lease.property_id)?;
        w.messages.push(NewMessage {
            idempotency_key: format!("{ENTITY}:{}:remind:{}:{local}", lease.id, s.id),
            channel: DeliveryChannel::Email,
            recipient_name: s.signer_name.clone(),
            recipient: s.signer_email.clone(),
            subject: format!("Reminder: your lease for {} is waiting for your signature", property.name),
            body: format!(
                "Hello {},\n\nYour lease for {} is still waiting for your signature. Sign here:\n{}\n\nThe link \
                 works until {} (UTC).\n",
                s.signer_name,
                property.name,
                signing_url(s.signing_token),
                s.expires_at.format("%B %-d, %Y %H:%M")
            ),
            attachment_sha256: None,
            attachment_name: None,
            related_type: ENTITY.into(),
            related_id: Some(lease.id),
            scheduled_for: now,
        });
        w.signatures.push(s);
    }
    let n = w.signatures.len();
    port.write_lease_rows(&w, now)?;
    Ok(crate::jobs::JobReport::new(
        crate::jobs::Job::LeaseSigningReminders,
        today,
        format!("{n} signing reminder{} sent", crate::format::plural_s(n)),
        json!({"reminded": n}),
    ))
}

/// The 02:30 expiry: a lease still unsigned when a signer's link expires is voided (its links
/// stop working); fully signed leases without their lease record get it.
pub fn expiry_job<P>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<crate::jobs::JobReport>
where
    P: LeaseGenerationPort + LifecyclePort + RecordsPort + crate::onboarding::port::OnboardingPort,
{
    let mut w = LeaseWrite::default();
    let expired: Vec<LeaseSignature> = port.open_signatures()?.into_iter().filter(|s| s.expires_at <= now).collect();
    let mut voided = Vec::new();
    for s in &expired {
        if voided.contains(&s.lease_id) {
            continue;
        }
        let Ok(mut lease) = port.generated_lease(s.lease_id) else { continue };
        if !matches!(lease.status.as_str(), "sent_for_signing" | "partially_signed") {
            continue;
        }
        lease.status = "voided".into();
        lease.updated_at = now;
        lease.renewal_changes = json!(lease
            .renewal_changes
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .chain([json!({"field": "status", "old_value": "", "new_value": "voided",
                "reason": format!("Unsigned when the signing links expired on {}.", s.expires_at.date_naive())})])
            .collect::<Vec<_>>());
        for mut other in port.lease_signatures(lease.id)?.into_iter().filter(|o| o.status != "signed") {
            other.status = "declined".into();
            other.updated_at = now;
            w.signatures.push(other);
        }
        voided.push(lease.id);
        w.leases.push(lease);
    }
    port.write_lease_rows(&w, now)?;
    let pending: Vec<Uuid> = port
        .generated_leases()?
        .into_iter()
        .filter(|l| l.status == "fully_signed" && l.tenant_lease_id.is_none())
        .map(|l| l.id)
        .collect();
    let mut activated = 0;
    for id in pending {
        if activate(port, id, "lease-signing-expiry", now)?.is_some() {
            activated += 1;
        }
    }
    let n = voided.len();
    Ok(crate::jobs::JobReport::new(
        crate::jobs::Job::LeaseSigningExpiry,
        today,
        format!(
            "{n} unsigned lease{} voided; {activated} signed lease{} recorded",
            crate::format::plural_s(n),
            crate::format::plural_s(activated)
        ),
        json!({"voided": n, "activated": activated}),
    ))
}

/// Applies `action` on a replica: queued for the server when connected, in the transaction of
/// its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &LeaseGenerationAction,
    now: DateTime<Utc>,
) -> Result<LeaseOutcome> {
    let json = serde_json::to_value(action).map_err(refused)?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, now)
}

/// A lease term's months, for the TUI and the renewal form.
pub fn term_months(t: &GenerationTerms) -> i32 {
    let (a, b) = (t.start_date, t.end_date + Duration::days(1));
    (b.year() - a.year()) * 12 + b.month() as i32 - a.month() as i32
}

/// A signer signs in person on a standalone replica (the manager's device, no public page):
/// the signer has read the lease on the screen and typed their name after the consent shown
/// with it. A connected replica refuses (the server holds the signing links and would not
/// know); its signers sign on the emailed page.
pub fn sign_in_person(
    store: &mut crate::store::Store,
    signature_id: Uuid,
    typed_name: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<SignOutcome> {
    if crate::sync_actions::connected(store)? {
        return Err(refused("This replica is connected: signers sign on the page their email links to."));
    }
    let sig = store
        .generated_leases()?
        .into_iter()
        .find_map(|l| store.lease_signatures(l.id).ok()?.into_iter().find(|s| s.id == signature_id))
        .ok_or_else(|| StoreError::NotFound { what: "Signature request", id: signature_id.to_string() })?;
    let view = signer_view(store, &sig, now)?;
    let pages = super::signing_page::pages(&view.assembled, &view.addenda).len() as i32;
    let input = SignInput {
        signature_kind: "typed".into(),
        signature_data: typed_name.to_string(),
        consent: true,
        pages_viewed: (1..=pages).collect(),
        time_spent_seconds: 0,
    };
    let ctx = SignerContext { ip_address: None, user_agent: format!("in person, recorded by {actor}") };
    sign(store, sig.signing_token, &input, &ctx, actor, now)
}
