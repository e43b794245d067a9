//! One workflow per lease-abstraction action (spec 4.3), written once over
//! [`AbstractionPort`]: upload (read, extract, flag), correct terms, and apply confirmed terms
//! to the lease record from a diff. A refused upload stores nothing; each action's rows are one
//! transaction.

use std::time::Instant;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::clauses::{missing_terms, non_standard_clauses};
use super::offline::{self, sentences};
use super::port::AbstractionPort;
use super::{lease_extraction_prompt, LeaseAbstraction, NonStandardClause, EXTRACTED_TERMS_SCHEMA, STATUSES};
use crate::ai::{CompletionRequest, Gateway, ProviderKind};
use crate::document_ai::{self, Document};
use crate::format::{check_amount, check_date, check_text, parse_amount, parse_date};
use crate::model::Lease;
use crate::port::in_scope;
use crate::store::{Result, StoreError};

/// The registry name of the extraction call (`ai_run.task`).
pub const TASK: &str = "lease_abstraction";

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// A lease PDF as a boundary receives it.
#[derive(Debug, Clone)]
pub struct Upload<'a> {
    pub file_name: &'a str,
    pub pdf: &'a [u8],
    /// Where the caller stored the PDF (`blob:<sha256>`).
    pub document_url: String,
    /// The lease the document is (when known at upload).
    pub lease_id: Option<Uuid>,
}

struct Reading {
    terms: Value,
    sources: Value,
    clauses: Vec<NonStandardClause>,
    missing: Vec<String>,
    confidence: f64,
    provider: ProviderKind,
    model: String,
}

fn read_offline(doc: &Document) -> Reading {
    let r = offline::extract(doc);
    Reading {
        clauses: non_standard_clauses(&r.sentences, &r.terms),
        missing: missing_terms(&r.terms),
        sources: serde_json::to_value(&r.sources).unwrap_or(Value::Null),
        terms: r.terms,
        confidence: r.confidence,
        provider: ProviderKind::Offline,
        model: "offline-document-reader-v1".into(),
    }
}

/// The model's answer: every schema term (unknown keys dropped, absent ones null), its clauses
/// and missing terms joined with the offline rules'.
fn read_with_model(
    gateway: &Gateway,
    doc: &Document,
    pdf: &[u8],
    log: &dyn crate::ai::AiRunLog,
    now: DateTime<Utc>,
) -> std::result::Result<Reading, String> {
    let request = CompletionRequest {
        task: TASK.into(),
        system: "You read residential leases for a property manager. Answer with JSON only.".into(),
        prompt: lease_extraction_prompt(),
        input: Value::Null,
        output_schema: json!({"type": "object"}),
        attachments: Vec::new(),
        max_tokens: Some(8192),
    };
    let out = gateway.document::<Value>(&request, pdf, log, now).map_err(|e| e.to_string())?;
    if out.provider == ProviderKind::Offline {
        return Err(out.fallback_reason.unwrap_or_else(|| "the model was not used".into()));
    }
    let answer = out.value;
    let mut terms = Map::new();
    for (k, _) in EXTRACTED_TERMS_SCHEMA {
        terms.insert(k.to_string(), answer.get(*k).cloned().unwrap_or(Value::Null));
    }
    let terms = Value::Object(terms);
    let mut clauses: Vec<NonStandardClause> =
        serde_json::from_value(answer["non_standard_clauses"].clone()).unwrap_or_default();
    clauses.retain(|c| ["info", "warning", "critical"].contains(&c.severity.as_str()));
    let all = sentences(doc);
    for c in non_standard_clauses(&all, &terms) {
        if !clauses.iter().any(|x| x.clause == c.clause) {
            clauses.push(c);
        }
    }
    let mut missing: Vec<String> = serde_json::from_value(answer["missing_terms"].clone()).unwrap_or_default();
    for m in missing_terms(&terms) {
        if !missing.contains(&m) {
            missing.push(m);
        }
    }
    let provider = out.provider.as_str().to_string();
    let found = terms.as_object().map_or(0, |t| t.values().filter(|v| !v.is_null()).count());
    let sources: Map<String, Value> = terms
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, v)| !v.is_null())
        .map(|(k, _)| {
            (k.clone(), json!({"provider": provider, "confidence": 0.9, "location": null, "raw": null, "via": "model"}))
        })
        .collect();
    Ok(Reading {
        confidence: if found == 0 { 0.0 } else { 0.9 },
        terms,
        sources: Value::Object(sources),
        clauses,
        missing,
        provider: out.provider,
        model: out.model,
    })
}

/// Upload: reads the PDF, extracts every term, flags non-standard clauses and lists the missing
/// terms; stores the abstraction as `extracted`.
pub fn upload<P: AbstractionPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    up: &Upload<'_>,
    now: DateTime<Utc>,
) -> Result<LeaseAbstraction> {
    let started = Instant::now();
    if port.abstraction(id).is_ok() {
        return Err(refused(format!("Lease abstraction {id} already exists.")));
    }
    let name = check_text("Document name", up.file_name, 200, false).map_err(refused)?;
    let doc = document_ai::read_pdf(up.pdf).map_err(refused)?;
    let lease = match up.lease_id {
        Some(l) => {
            let lease = port.lease(l)?;
            in_scope(port, lease.property_id, "Lease", l)?;
            Some(lease)
        }
        None => None,
    };
    let reading = if gateway.status().provider != ProviderKind::Offline {
        read_with_model(gateway, &doc, up.pdf, port, now).unwrap_or_else(|_| read_offline(&doc))
    } else {
        read_offline(&doc)
    };
    let a = LeaseAbstraction {
        id,
        lease_id: lease.as_ref().map(|l| l.id),
        unit_id: lease.as_ref().map(|l| l.unit_id),
        property_id: lease.as_ref().map(|l| l.property_id),
        document_url: up.document_url.clone(),
        document_name: name,
        page_count: Some(doc.pages.len() as i32),
        status: "extracted".into(),
        extracted_terms: reading.terms,
        non_standard_clauses: reading.clauses,
        missing_terms: reading.missing,
        extraction_confidence: Some(reading.confidence),
        model_used: reading.model,
        processing_time_ms: Some(started.elapsed().as_millis().min(i32::MAX as u128) as i32),
        reviewed_by: String::new(),
        reviewed_at: None,
        applied_to_lease: false,
        applied_at: None,
        created_at: now,
        updated_at: now,
        provider: reading.provider.as_str().into(),
        field_sources: reading.sources,
    };
    port.write_abstraction(&a, None, now)?;
    Ok(a)
}

/// An abstraction in the caller's scope.
pub fn abstraction<P: AbstractionPort + ?Sized>(port: &P, id: Uuid) -> Result<LeaseAbstraction> {
    let a = port.abstraction(id)?;
    if let Some(p) = a.property_id {
        in_scope(port, p, "Lease abstraction", id)?;
    }
    Ok(a)
}

/// The list, newest first, filtered by status and property.
pub fn list<P: AbstractionPort + ?Sized>(
    port: &P,
    status: Option<&str>,
    property: Option<Uuid>,
) -> Result<Vec<LeaseAbstraction>> {
    if let Some(s) = status {
        if !STATUSES.contains(&s) {
            return Err(refused(format!("status '{s}' is not one of: {}.", STATUSES.join(", "))));
        }
    }
    Ok(port
        .abstractions()?
        .into_iter()
        .filter(|a| status.is_none_or(|s| a.status == s) && property.is_none_or(|p| a.property_id == Some(p)))
        .collect())
}

/// A corrected term's value checked against the schema's type for it. `null` clears a term.
pub fn check_term(term: &str, value: &Value) -> std::result::Result<Value, String> {
    let Some((_, kind)) = EXTRACTED_TERMS_SCHEMA.iter().find(|(k, _)| *k == term) else {
        return Err(format!("'{term}' is not a lease term (see the extraction schema)."));
    };
    if value.is_null() {
        return Ok(Value::Null);
    }
    let what = term.replace('_', " ");
    let text = || value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string());
    let bad = |expected: &str| format!("{what}: expected {expected}, got {value}.");
    Ok(match *kind {
        k if k.starts_with("YYYY-MM-DD") => {
            let d = parse_date(&text()).map_err(|e| format!("{what}: {e}"))?;
            json!(check_date(&what, d)?)
        }
        k if k.starts_with("decimal") => {
            let a = parse_amount(&text()).map_err(|e| format!("{what}: {e}"))?;
            json!(check_amount(&what, a)?)
        }
        k if k.starts_with("integer") => {
            let n = value.as_i64().or_else(|| text().trim().parse().ok()).ok_or_else(|| bad("a whole number"))?;
            if !(0..=1_000_000).contains(&n) {
                return Err(format!("{what}: {n} is out of range."));
            }
            json!(n)
        }
        k if k.starts_with("float") => {
            json!(value.as_f64().or_else(|| text().trim().parse().ok()).ok_or_else(|| bad("a number"))?)
        }
        "boolean" => json!(value.as_bool().ok_or_else(|| bad("true or false"))?),
        "[string]" => {
            let items = value.as_array().ok_or_else(|| bad("a list of text"))?;
            let items: std::result::Result<Vec<String>, String> = items
                .iter()
                .map(|i| i.as_str().ok_or_else(|| bad("a list of text")).and_then(|s| check_text(&what, s, 200, true)))
                .collect();
            json!(items?)
        }
        k if k.contains('|') => {
            let s = text();
            if !k.split('|').any(|o| o == s) {
                return Err(format!("{what}: '{s}' is not one of: {}.", k.replace('|', ", ")));
            }
            json!(s)
        }
        _ => json!(check_text(&what, &text(), 2000, false)?),
    })
}

/// Corrections: each term checked against the schema, then stored with the person as its
/// source; the abstraction becomes `reviewed`. Refused once applied (upload the lease again).
pub fn update_terms<P: AbstractionPort>(
    port: &mut P,
    id: Uuid,
    corrections: &Map<String, Value>,
    reviewer: &str,
    now: DateTime<Utc>,
) -> Result<LeaseAbstraction> {
    let mut a = abstraction(port, id)?;
    if a.applied_to_lease {
        return Err(refused("These terms are applied to the lease already; upload the document again to change them."));
    }
    if corrections.is_empty() {
        return Err(refused("Send the corrected terms, e.g. {\"monthly_rent\": \"1450.00\"}."));
    }
    let mut checked = Vec::new();
    for (term, value) in corrections {
        checked.push((term.clone(), check_term(term, value).map_err(refused)?));
    }
    for (term, value) in checked {
        a.extracted_terms[&term] = value;
        a.field_sources[&term] = json!({"provider": "person", "confidence": 1.0, "location": null, "raw": null, "via": format!("corrected by {reviewer}")});
    }
    a.missing_terms = missing_terms(&a.extracted_terms);
    a.status = "reviewed".into();
    a.reviewed_by = reviewer.chars().take(100).collect();
    a.reviewed_at = Some(now);
    a.updated_at = now;
    port.write_abstraction(&a, None, now)?;
    Ok(a)
}

/// The lease fields terms can be applied to: (term, lease field).
pub const APPLICABLE: &[(&str, &str)] = &[
    ("lease_start_date", "lease_begin_date"),
    ("lease_end_date", "lease_end_date"),
    ("monthly_rent", "monthly_rent_amount"),
    ("security_deposit", "security_deposit"),
    ("rent_due_day", "rent_due_day"),
    ("late_fee_amount", "late_fee_amount"),
    ("late_fee_grace_period_days", "grace_period_days"),
];

/// One line of the diff between the lease record and the extracted terms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TermDiff {
    pub term: String,
    /// The lease record's field.
    pub field: String,
    pub current: String,
    pub extracted: String,
    pub changes: bool,
    /// Written to the lease by this request.
    pub applied: bool,
}

/// `apply`'s body: which lease, which terms (default: every term that changes), and whether to
/// only show the diff.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyRequest {
    #[serde(default)]
    pub lease_id: Option<Uuid>,
    #[serde(default)]
    pub fields: Option<Vec<String>>,
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct ApplyOutcome {
    pub abstraction: LeaseAbstraction,
    pub lease_id: Uuid,
    pub diff: Vec<TermDiff>,
    pub applied: bool,
}

fn lease_value(lease: &Lease, field: &str) -> String {
    match field {
        "lease_begin_date" => lease.lease_begin_date.to_string(),
        "lease_end_date" => lease.lease_end_date.map(|d| d.to_string()).unwrap_or_default(),
        "monthly_rent_amount" => lease.monthly_rent_amount.to_string(),
        "security_deposit" => lease.security_deposit.to_string(),
        "rent_due_day" => lease.rent_due_day.to_string(),
        "late_fee_amount" => lease.late_fee_amount.to_string(),
        "grace_period_days" => lease.grace_period_days.to_string(),
        _ => String::new(),
    }
}

fn term_text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

fn same(field: &str, current: &str, extracted: &str) -> bool {
    match field {
        "monthly_rent_amount" | "security_deposit" | "late_fee_amount" => {
            current.parse::<Decimal>().ok() == extracted.parse::<Decimal>().ok()
        }
        _ => current == extracted,
    }
}

/// Sets `field` of `lease` from the term's text, checked as the lease's own rules check it.
fn set(lease: &mut Lease, field: &str, text: &str) -> std::result::Result<(), String> {
    let day = |t: &str| parse_date(t).and_then(|d| check_date(field, d));
    let money = |t: &str| parse_amount(t).and_then(|a| check_amount(field, a));
    match field {
        "lease_begin_date" => lease.lease_begin_date = day(text)?,
        "lease_end_date" => lease.lease_end_date = Some(day(text)?),
        "monthly_rent_amount" => lease.monthly_rent_amount = money(text)?,
        "security_deposit" => lease.security_deposit = money(text)?,
        "rent_due_day" => {
            lease.rent_due_day =
                text.parse::<u8>().ok().filter(|d| (1..=28).contains(d)).ok_or("rent due day must be 1 to 28")?
        }
        "late_fee_amount" => lease.late_fee_amount = money(text)?,
        "grace_period_days" => {
            lease.grace_period_days =
                text.parse::<i32>().ok().filter(|d| (0..=31).contains(d)).ok_or("grace period must be 0 to 31 days")?
        }
        _ => return Err(format!("{field} cannot be applied")),
    }
    Ok(())
}

/// Apply: the diff between the lease record and the terms; unless `dry_run`, the chosen terms
/// (default: every one that changes) are written to the lease and the abstraction is `applied`.
pub fn apply<P: AbstractionPort>(
    port: &mut P,
    id: Uuid,
    req: &ApplyRequest,
    now: DateTime<Utc>,
) -> Result<ApplyOutcome> {
    let mut a = abstraction(port, id)?;
    let lease_id =
        req.lease_id.or(a.lease_id).ok_or_else(|| refused("Name the lease to apply these terms to (lease_id)."))?;
    let mut lease = port.lease(lease_id)?;
    in_scope(port, lease.property_id, "Lease", lease_id)?;
    if a.applied_to_lease && !req.dry_run {
        return Err(refused("These terms are applied to the lease already."));
    }
    let mut diff: Vec<TermDiff> = APPLICABLE
        .iter()
        .filter_map(|(term, field)| {
            let extracted = term_text(&a.extracted_terms[*term])?;
            let current = lease_value(&lease, field);
            Some(TermDiff {
                term: term.to_string(),
                field: field.to_string(),
                changes: !same(field, &current, &extracted),
                current,
                extracted,
                applied: false,
            })
        })
        .collect();
    if let Some(fields) = &req.fields {
        for f in fields {
            if !diff.iter().any(|d| &d.term == f || &d.field == f) {
                return Err(refused(format!(
                    "'{f}' is not a term this abstraction can apply (one of the diff's terms)."
                )));
            }
        }
    }
    let chosen = |d: &TermDiff| req.fields.as_ref().is_none_or(|f| f.contains(&d.term) || f.contains(&d.field));
    if req.dry_run {
        return Ok(ApplyOutcome { abstraction: a, lease_id, diff, applied: false });
    }
    for d in diff.iter_mut().filter(|d| d.changes && chosen(d)) {
        set(&mut lease, &d.field, &d.extracted).map_err(|e| refused(format!("{}: {e}", d.term)))?;
        d.applied = true;
    }
    if lease.lease_end_date.is_some_and(|e: NaiveDate| e <= lease.lease_begin_date) {
        return Err(refused("The lease would end on or before it begins; leave one of the dates out."));
    }
    lease.updated_at = now;
    a.lease_id = Some(lease.id);
    a.unit_id = Some(lease.unit_id);
    a.property_id = Some(lease.property_id);
    a.status = "applied".into();
    a.applied_to_lease = true;
    a.applied_at = Some(now);
    a.updated_at = now;
    let changed = diff.iter().any(|d| d.applied);
    port.write_abstraction(&a, changed.then_some(&lease), now)?;
    Ok(ApplyOutcome { abstraction: a, lease_id, diff, applied: true })
}

/// The record every abstraction action is about (`FeatureAction.entity`).
pub const ENTITY: &str = "lease_abstraction";

/// A person's action on an abstraction, in the form a connected replica queues for the server
/// (which replays it with this same workflow; the PDF travels first as a blob).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum AbstractionAction {
    Upload { file_name: String, document_url: String, lease_id: Option<Uuid> },
    UpdateTerms { terms: Map<String, Value>, reviewer: String },
    Apply(ApplyRequest),
}

/// Applies `action` to abstraction `id` (`pdf`: the upload's bytes, for `Upload`).
pub fn apply_action<P: AbstractionPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    action: &AbstractionAction,
    pdf: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<LeaseAbstraction> {
    match action {
        AbstractionAction::Upload { file_name, document_url, lease_id } => {
            let pdf =
                pdf.ok_or_else(|| refused(format!("The uploaded PDF ({document_url}) is not on this device.")))?;
            let up = Upload { file_name, pdf, document_url: document_url.clone(), lease_id: *lease_id };
            upload(port, gateway, id, &up, now)
        }
        AbstractionAction::UpdateTerms { terms, reviewer } => update_terms(port, id, terms, reviewer, now),
        AbstractionAction::Apply(req) => apply(port, id, req, now).map(|o| o.abstraction),
    }
}

/// Applies `action` on a replica: queued for the server when connected, in the transaction of
/// its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    gateway: &Gateway,
    id: Uuid,
    action: &AbstractionAction,
    pdf: Option<&[u8]>,
    now: DateTime<Utc>,
) -> Result<LeaseAbstraction> {
    let json = serde_json::to_value(action).map_err(refused)?;
    let mut port = crate::store::Queueing::on_replica(store, ENTITY, id, json)?;
    apply_action(&mut port, gateway, id, action, pdf, now)
}

/// Uploads a lease PDF on a replica: kept in its blob store, then read.
pub fn upload_on_replica(
    store: &mut crate::store::Store,
    gateway: &Gateway,
    file_name: &str,
    pdf: &[u8],
    lease_id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<LeaseAbstraction> {
    document_ai::read_pdf(pdf).map_err(refused)?;
    let document_url = crate::documents::keep_upload(store, pdf)?;
    let action = AbstractionAction::Upload { file_name: file_name.into(), document_url, lease_id };
    act_on_replica(store, gateway, Uuid::new_v4(), &action, Some(pdf), now)
}
