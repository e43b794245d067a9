//! The lease builder from the desktop (spec 4.5): the clause library as a unit's state sees it
//! (each clause's risk, and whether the state requires or prohibits it), a live assembly of the
//! lease being built (clauses with their risk, violations with their statutes, the overall risk
//! and the HTML preview) that writes nothing, then generation, the signing emails exactly as
//! sending queues them, sending, signing in person on a standalone replica, voiding and renewal,
//! all through the core's workflow (queued for the server when connected). Core's refusals are
//! the error's detail, word for word.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::ops::id;
use super::portfolio::actor;
use crate::{AppState, CmdResult};
use unitcycle_core::lease_generation::assembly::{render_html, AssembledClause};
use unitcycle_core::lease_generation::clauses::{self, RiskAssessment, RISK_FLAG};
use unitcycle_core::lease_generation::jurisdiction::Violation;
use unitcycle_core::lease_generation::model::{GeneratedLease, GenerationTerms};
use unitcycle_core::lease_generation::port::LeaseGenerationPort;
use unitcycle_core::lease_generation::workflow::{
    self as wf, DraftEdit, GenerateInput, LeaseDetail, LeaseGenerationAction, LeaseOutcome, SignOutcome, SignerInput,
};
use unitcycle_core::store::Store;

/// A clause of the library as the builder lists it, for one unit's state and city.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct LibraryClause {
    pub id: Uuid,
    pub slug: String,
    pub category: String,
    pub title: String,
    pub text: String,
    pub risk_score: i32,
    pub dispute_count: i32,
    /// Above the spec's flag (70).
    pub flagged: bool,
    pub is_standard: bool,
    /// The unit's state (or city) requires it: assembly adds it whatever is chosen.
    pub required_here: bool,
    /// The unit's state prohibits it, with the statute.
    pub prohibited_here: Option<String>,
    /// In the standard set a lease starts from.
    pub default_chosen: bool,
}

/// The library for the unit's jurisdiction.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct ClauseLibrary {
    pub unit_id: Uuid,
    pub unit_number: String,
    pub property_name: String,
    pub state: String,
    pub city: String,
    pub clauses: Vec<LibraryClause>,
}

/// The lease being built: the unit, its terms and the clauses chosen (by id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct BuilderRequest {
    pub unit_id: Uuid,
    pub lease_terms: GenerationTerms,
    pub clause_ids: Vec<Uuid>,
}

/// The lease as it would be generated now (nothing written).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct BuilderPreview {
    pub state: String,
    /// The clauses in order (the state's required ones added), filled, each with its risk.
    pub clauses: Vec<AssembledClause>,
    /// Errors block sending; warnings are for a person. Each with its statute.
    pub violations: Vec<Violation>,
    pub risk: RiskAssessment,
    /// No error among the violations.
    pub sendable: bool,
    /// The `{{variables}}` still without a value, in clause order.
    pub missing_variables: Vec<String>,
    /// What the core refuses in the terms (tenant, email, dates, amounts), when anything.
    pub terms_error: Option<String>,
    /// The lease as the signers will read it.
    pub html: String,
}

/// A signer's status, as the leases list shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SignerStatus {
    pub id: Uuid,
    pub signer_role: String,
    pub signer_name: String,
    pub signer_email: String,
    pub status: String,
    pub viewed_at: Option<DateTime<Utc>>,
    pub signed_at: Option<DateTime<Utc>>,
    pub expires_at: DateTime<Utc>,
}

/// A generated lease in the list, with each signer's status.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct BuilderLeaseRow {
    pub id: Uuid,
    pub unit_id: Uuid,
    pub unit_number: String,
    pub property_name: String,
    pub tenant_name: String,
    pub tenant_email: String,
    pub start_date: NaiveDate,
    pub end_date: NaiveDate,
    #[specta(type = String)]
    pub monthly_rent: Decimal,
    pub status: String,
    pub is_renewal: bool,
    pub overall_risk: Option<i32>,
    /// The lease record made when every party signed.
    pub tenant_lease_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub signers: Vec<SignerStatus>,
}

/// One email sending queues: to whom, its subject and its text (the link is made when sent).
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub struct SigningEmail {
    pub recipient_name: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
}

fn names(store: &Store, unit_id: Uuid, cache: &mut HashMap<Uuid, String>) -> (String, String) {
    match store.unit(unit_id) {
        Ok(u) => {
            let property = cache
                .entry(u.property_id)
                .or_insert_with(|| store.property(u.property_id).map(|p| p.name).unwrap_or_default())
                .clone();
            (u.unit_number, property)
        }
        Err(_) => (unit_id.to_string(), String::new()),
    }
}

/// The library for unit `unit_id`'s state and city: risk, flag, required or prohibited there.
pub fn builder_clauses(s: &AppState, unit_id: String) -> CmdResult<ClauseLibrary> {
    let store = s.store()?;
    let unit = store.unit(id(&unit_id)?)?;
    let property = store.property(unit.property_id)?;
    let city = Some(property.city.as_str()).filter(|c| !c.trim().is_empty());
    let required: Vec<Uuid> = clauses::required_for(&property.state, city).iter().map(|c| c.id).collect();
    let out = clauses::library()
        .into_iter()
        .map(|c| {
            let prohibited_here = clauses::check_clauses(&property.state, city, std::slice::from_ref(&c))
                .into_iter()
                .find(|v| v.rule_type == "prohibited_clause")
                .map(|v| v.statute_reference);
            LibraryClause {
                required_here: required.contains(&c.id),
                default_chosen: wf::STANDARD_CLAUSES.contains(&c.slug.as_str()),
                flagged: c.risk_score > RISK_FLAG,
                prohibited_here,
                id: c.id,
                slug: c.slug,
                category: c.category,
                title: c.title,
                text: c.text,
                risk_score: c.risk_score,
                dispute_count: c.dispute_count,
                is_standard: c.is_standard,
            }
        })
        .collect();
    Ok(ClauseLibrary {
        unit_id: unit.id,
        unit_number: unit.unit_number,
        property_name: property.name,
        state: property.state,
        city: property.city,
        clauses: out,
    })
}

/// The clauses a request names, or the standard set when it names none (as generation does).
fn chosen(ids: &[Uuid]) -> Vec<Uuid> {
    if !ids.is_empty() {
        return ids.to_vec();
    }
    let lib = clauses::library();
    wf::STANDARD_CLAUSES.iter().filter_map(|s| lib.iter().find(|c| c.slug == *s)).map(|c| c.id).collect()
}

/// The lease as it would be generated from `req` now: assembled by the core from the record,
/// checked against the state's rules, with its risk and HTML. Nothing is written.
pub fn builder_assemble(s: &AppState, req: BuilderRequest) -> CmdResult<BuilderPreview> {
    let store = s.store()?;
    let now = Utc::now();
    let unit = store.unit(req.unit_id)?;
    let property = store.property(unit.property_id)?;
    let lease = GeneratedLease {
        id: Uuid::nil(),
        template_id: None,
        unit_id: unit.id,
        property_id: unit.property_id,
        tenant_lease_id: None,
        screening_application_id: None,
        lease_terms: req.lease_terms.clone(),
        clause_ids: chosen(&req.clause_ids),
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
        created_by: actor(),
        created_at: now,
        updated_at: now,
    };
    let a = wf::assembled(&*store, &lease, now)?;
    let today = unitcycle_core::time::today_at(&*store, unit.property_id, now)?;
    let vars = wf::variables(&property, &unit, &req.lease_terms, today);
    let mut missing_variables: Vec<String> = Vec::new();
    for c in &a.clauses {
        for m in clauses::fill(&c.clause.text, &vars).err().unwrap_or_default() {
            if !missing_variables.contains(&m) {
                missing_variables.push(m);
            }
        }
    }
    // The signers as the draft prints them (the workflow's until the lease is sent).
    let tenant = Some(req.lease_terms.tenant_name.trim()).filter(|t| !t.is_empty()).unwrap_or("Tenant");
    let signers = [(tenant.to_string(), "Tenant".to_string()), ("Property manager".into(), "Landlord".into())];
    let title = format!("Residential Lease — {}, Unit {}", property.name, unit.unit_number);
    Ok(BuilderPreview {
        html: render_html(&a, &title, &signers),
        sendable: a.sendable(),
        terms_error: req.lease_terms.checked().err(),
        state: a.state,
        clauses: a.clauses,
        violations: a.violations,
        risk: a.risk,
        missing_variables,
    })
}

fn act(s: &AppState, id: Uuid, action: LeaseGenerationAction) -> CmdResult<LeaseOutcome> {
    let mut store = s.store()?;
    Ok(wf::act_on_replica(&mut store, id, &action, Utc::now())?)
}

fn leased(out: LeaseOutcome) -> CmdResult<LeaseDetail> {
    out.lease.ok_or_else(|| crate::CommandError::new("internal", "the workflow returned no lease"))
}

/// Generates the draft lease the builder shows (a new id); the core checks the terms.
pub fn builder_generate(s: &AppState, req: BuilderRequest) -> CmdResult<LeaseDetail> {
    let input = GenerateInput {
        unit_id: req.unit_id,
        template_id: None,
        screening_application_id: None,
        lease_terms: req.lease_terms,
        clause_ids: req.clause_ids,
        addenda: Vec::new(),
    };
    leased(act(s, Uuid::new_v4(), LeaseGenerationAction::Generate { input, actor: actor() })?)
}

/// Draft lease `id` made again from the builder's terms and clauses (none chosen: it keeps its
/// clauses; its addenda stay); the core refuses a lease already sent, a prohibited clause or an
/// amount over the state's limit.
pub fn builder_edit(s: &AppState, id_text: String, req: BuilderRequest) -> CmdResult<LeaseDetail> {
    let input = DraftEdit { lease_terms: req.lease_terms, clause_ids: req.clause_ids, addenda: Vec::new() };
    leased(act(s, id(&id_text)?, LeaseGenerationAction::EditDraft { input, actor: actor() })?)
}

/// Every generated lease, newest first, with each signer's status.
pub fn builder_leases(s: &AppState) -> CmdResult<Vec<BuilderLeaseRow>> {
    let store = s.store()?;
    let mut cache = HashMap::new();
    let mut out = Vec::new();
    for l in store.generated_leases()? {
        let (unit_number, property_name) = names(&store, l.unit_id, &mut cache);
        let signers = store
            .lease_signatures(l.id)?
            .into_iter()
            .map(|g| SignerStatus {
                id: g.id,
                signer_role: g.signer_role,
                signer_name: g.signer_name,
                signer_email: g.signer_email,
                status: g.status,
                viewed_at: g.viewed_at,
                signed_at: g.signed_at,
                expires_at: g.expires_at,
            })
            .collect();
        out.push(BuilderLeaseRow {
            id: l.id,
            unit_id: l.unit_id,
            unit_number,
            property_name,
            overall_risk: l.ai_risk_assessment["overall_score"].as_i64().and_then(|v| i32::try_from(v).ok()),
            tenant_name: l.lease_terms.tenant_name,
            tenant_email: l.lease_terms.tenant_email,
            start_date: l.lease_terms.start_date,
            end_date: l.lease_terms.end_date,
            monthly_rent: l.lease_terms.monthly_rent,
            status: l.status,
            is_renewal: l.is_renewal,
            tenant_lease_id: l.tenant_lease_id,
            created_at: l.created_at,
            signers,
        });
    }
    Ok(out)
}

/// One generated lease: its clauses, signatures (no tokens) and addenda.
pub fn builder_lease(s: &AppState, id_text: String) -> CmdResult<LeaseDetail> {
    Ok(wf::detail(&*s.store()?, id(&id_text)?, Utc::now())?)
}

/// Exactly the emails sending lease `id` to `signers` (none: its tenant and the manager) would
/// queue; nothing is written.
pub fn builder_send_preview(s: &AppState, id_text: String, signers: Vec<SignerInput>) -> CmdResult<Vec<SigningEmail>> {
    let store = s.store()?;
    Ok(wf::send_preview(&*store, id(&id_text)?, &signers, &actor(), Utc::now())?
        .into_iter()
        .map(|m| SigningEmail {
            recipient_name: m.recipient_name,
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
        })
        .collect())
}

/// Sends lease `id` for signing: a signing request and an emailed link per signer.
pub fn builder_send(s: &AppState, id_text: String, signers: Vec<SignerInput>) -> CmdResult<LeaseOutcome> {
    act(s, id(&id_text)?, LeaseGenerationAction::SendForSigning { signers, actor: actor() })
}

/// A signer signs in person on this (standalone) replica, with their typed name.
pub fn builder_sign_in_person(s: &AppState, signature_id: String, typed_name: String) -> CmdResult<SignOutcome> {
    let mut store = s.store()?;
    Ok(wf::sign_in_person(&mut store, id(&signature_id)?, &typed_name, &actor(), Utc::now())?)
}

/// Voids lease `id` for `reason`; unsigned requests are declined.
pub fn builder_void(s: &AppState, id_text: String, reason: String) -> CmdResult<LeaseDetail> {
    leased(act(s, id(&id_text)?, LeaseGenerationAction::Void { reason, actor: actor() })?)
}

/// A renewal draft of fully signed lease `id` (a new id): at `new_rent`, else the rent raised by
/// `rent_increase_pct`, for `term_months` (12 by default).
pub fn builder_renew(
    s: &AppState,
    id_text: String,
    new_rent: Option<String>,
    rent_increase_pct: Option<String>,
    term_months: Option<u32>,
) -> CmdResult<LeaseDetail> {
    let amount = |t: Option<String>| -> CmdResult<Option<Decimal>> {
        match t.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            None => Ok(None),
            Some(t) => unitcycle_core::format::parse_amount(t).map(Some).map_err(crate::CommandError::invalid),
        }
    };
    let action = LeaseGenerationAction::CreateRenewal {
        from: id(&id_text)?,
        new_rent: amount(new_rent)?,
        rent_increase_pct: amount(rent_increase_pct)?,
        term_months,
        actor: actor(),
    };
    leased(act(s, Uuid::new_v4(), action)?)
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::*;
    use std::collections::BTreeMap;

    fn terms(tenant: &str, email: &str) -> GenerationTerms {
        let start = Utc::now().date_naive() + chrono::Duration::days(20);
        GenerationTerms {
            tenant_name: tenant.into(),
            tenant_email: email.into(),
            start_date: start,
            end_date: start + chrono::Duration::days(364),
            monthly_rent: Decimal::new(1450, 0),
            security_deposit: Decimal::new(1000, 0),
            rent_due_day: 1,
            late_fee: Decimal::new(50, 0),
            grace_days: 5,
            variables: BTreeMap::new(),
        }
    }

    fn request(unit_id: Uuid, lib: &ClauseLibrary) -> BuilderRequest {
        BuilderRequest {
            unit_id,
            lease_terms: terms("Alex Rivera", "alex.rivera@example.com"),
            clause_ids: lib.clauses.iter().filter(|c| c.default_chosen).map(|c| c.id).collect(),
        }
    }

    /// A new vacant unit in Oakland, California (a state with rules on record), and its library.
    fn ruled(s: &AppState) -> (Uuid, ClauseLibrary) {
        let act = |action: serde_json::Value| ops::record_action(s, None, action).unwrap().id;
        let p = act(json!({"action": "create_property", "name": "Builder Court", "address": "12 Lake St",
            "city": "Oakland", "state": "CA", "time_zone": "America/Los_Angeles"}));
        let b = act(json!({"action": "create_building", "property_id": p, "name": "Main", "floors": 2}));
        let u = act(json!({"action": "create_unit", "property_id": p, "building_id": b, "unit_number": "1A",
            "bedrooms": 1, "bathrooms": "1", "market_rent": "1450.00"}));
        (u, ops::builder_clauses(s, u.to_string()).unwrap())
    }

    /// `req` with a value for every variable its clauses still need.
    fn filled(s: &AppState, mut req: BuilderRequest) -> BuilderRequest {
        for v in ops::builder_assemble(s, req.clone()).unwrap().missing_variables {
            req.lease_terms.variables.insert(v, "water and trash".into());
        }
        req
    }

    #[test]
    fn the_builder_assembles_live_without_writing_and_names_what_is_missing() {
        let (s, _dir) = demo();
        let (unit, lib) = ruled(&s);
        assert!(lib.clauses.len() >= 20);
        let waiver = lib.clauses.iter().find(|c| c.slug == "habitability_waiver").unwrap();
        assert!(waiver.flagged && waiver.prohibited_here.as_deref().is_some_and(|p| !p.is_empty()), "{waiver:?}");
        let before = ops::builder_leases(&s).unwrap().len();

        let req = request(unit, &lib);
        let p = ops::builder_assemble(&s, req.clone()).unwrap();
        assert!(p.missing_variables.contains(&"landlord_paid_utilities".to_string()), "{:?}", p.missing_variables);
        assert!(!p.sendable && p.violations.iter().any(|v| v.rule_type == "missing_variable"));
        assert!(p.terms_error.is_none(), "{:?}", p.terms_error);
        assert!(p.html.contains("Alex Rivera") && p.html.contains(&lib.unit_number), "{}", p.html);

        let mut req = filled(&s, req);
        let p = ops::builder_assemble(&s, req.clone()).unwrap();
        assert!(p.missing_variables.is_empty() && p.html.contains("water and trash"));
        assert!(p.risk.overall_score <= RISK_FLAG);

        req.clause_ids.push(waiver.id);
        let p = ops::builder_assemble(&s, req.clone()).unwrap();
        assert_eq!(p.risk.overall_score, waiver.risk_score);
        assert!(p.risk.clause_risks.iter().any(|r| r.flagged && r.clause_id == waiver.id));
        let v = p.violations.iter().find(|v| v.rule_type == "prohibited_clause").unwrap();
        assert_eq!(Some(v.statute_reference.clone()), waiver.prohibited_here);
        assert!(!p.sendable);

        let bad = BuilderRequest { lease_terms: terms("Alex Rivera", "not-an-email"), ..req };
        assert!(ops::builder_assemble(&s, bad).unwrap().terms_error.is_some());
        assert_eq!(ops::builder_leases(&s).unwrap().len(), before, "nothing written");
    }

    #[test]
    fn a_lease_is_generated_previewed_sent_signed_in_person_and_renewed_through_core() {
        let (s, _dir) = demo();
        let (unit, lib) = ruled(&s);
        let req = filled(&s, request(unit, &lib));
        let d = ops::builder_generate(&s, req).unwrap();
        assert_eq!(d.lease.status, "draft");
        assert!(d.sendable);
        let id = d.lease.id.to_string();
        assert_eq!(ops::builder_lease(&s, id.clone()).unwrap().lease.id, d.lease.id);

        let signers = vec![
            SignerInput {
                signer_role: "tenant".into(),
                signer_name: "Alex Rivera".into(),
                signer_email: "alex.rivera@example.com".into(),
            },
            SignerInput {
                signer_role: "property_manager".into(),
                signer_name: "Pat Manager".into(),
                signer_email: "pat@example.com".into(),
            },
        ];
        let emails = ops::builder_send_preview(&s, id.clone(), signers.clone()).unwrap();
        assert_eq!(
            emails.iter().map(|e| e.recipient.as_str()).collect::<Vec<_>>(),
            ["alex.rivera@example.com", "pat@example.com"]
        );
        assert!(emails[0].body.contains("(this signer's own signing link)"), "{}", emails[0].body);
        assert_eq!(ops::builder_lease(&s, id.clone()).unwrap().lease.status, "draft", "a preview writes nothing");

        let sent = ops::builder_send(&s, id.clone(), signers).unwrap();
        assert_eq!(sent.signing_links.len(), 2);
        let row = ops::builder_leases(&s).unwrap().into_iter().find(|r| r.id == d.lease.id).unwrap();
        assert_eq!(row.status, "sent_for_signing");
        assert!(row.signers.iter().all(|g| g.status == "pending" && g.signed_at.is_none()));
        let e = ops::builder_send_preview(&s, id.clone(), Vec::new()).unwrap_err();
        assert!(e.detail.contains("already"), "{}", e.detail);

        let first = ops::builder_sign_in_person(&s, row.signers[0].id.to_string(), "Alex Rivera".into()).unwrap();
        assert_eq!(first.lease_status, "partially_signed");
        let last = ops::builder_sign_in_person(&s, row.signers[1].id.to_string(), "Pat Manager".into()).unwrap();
        assert_eq!(last.lease_status, "fully_signed");
        assert!(last.tenant_lease_id.is_some());
        let row = ops::builder_leases(&s).unwrap().into_iter().find(|r| r.id == d.lease.id).unwrap();
        assert!(row.signers.iter().all(|g| g.status == "signed" && g.signed_at.is_some()));
        assert_eq!(row.tenant_lease_id, last.tenant_lease_id);

        let e = ops::builder_void(&s, id.clone(), "changed mind".into()).unwrap_err();
        assert!(e.detail.contains("fully signed"), "{}", e.detail);
        let renewal = ops::builder_renew(&s, id, None, Some("3".into()), Some(12)).unwrap();
        assert!(renewal.lease.is_renewal && renewal.lease.status == "draft");
        assert_eq!(renewal.lease.lease_terms.monthly_rent, Decimal::new(149350, 2));
    }

    #[test]
    fn a_draft_is_voided_and_bad_terms_are_refused_in_core_words() {
        let (s, _dir) = demo();
        let (unit, lib) = ruled(&s);
        let before = ops::builder_leases(&s).unwrap().len();
        let mut bad = request(unit, &lib);
        bad.lease_terms.tenant_email = "nope".into();
        let core = bad.lease_terms.clone().checked().unwrap_err();
        let e = ops::builder_generate(&s, bad).unwrap_err();
        assert_eq!(e.detail, core);
        assert_eq!(ops::builder_leases(&s).unwrap().len(), before, "nothing stored");

        let d = ops::builder_generate(&s, request(unit, &lib)).unwrap();
        assert!(!d.sendable, "the utilities clause has no value yet");
        let e = ops::builder_send(&s, d.lease.id.to_string(), Vec::new()).unwrap_err();
        assert!(e.detail.contains("cannot be sent"), "{}", e.detail);
        let e = ops::builder_void(&s, d.lease.id.to_string(), " ".into()).unwrap_err();
        assert!(e.detail.contains("Reason"), "{}", e.detail);
        let voided = ops::builder_void(&s, d.lease.id.to_string(), "Wrong unit".into()).unwrap();
        assert_eq!(voided.lease.status, "voided");
        assert_eq!(ops::builder_lease(&s, Uuid::new_v4().to_string()).unwrap_err().code, "not_found");
    }

    #[test]
    fn a_draft_is_edited_in_place_and_a_sent_lease_is_refused_in_core_words() {
        let (s, _dir) = demo();
        let (unit, lib) = ruled(&s);
        let req = filled(&s, request(unit, &lib));
        let d = ops::builder_generate(&s, req.clone()).unwrap();
        let id = d.lease.id.to_string();
        let before = ops::builder_leases(&s).unwrap().len();

        let mut edit = req.clone();
        edit.lease_terms.monthly_rent = Decimal::new(1525, 0);
        edit.clause_ids = Vec::new();
        let e = ops::builder_edit(&s, id.clone(), edit).unwrap();
        assert_eq!(e.lease.id, d.lease.id);
        assert_eq!(e.lease.status, "draft");
        assert_eq!(e.lease.lease_terms.monthly_rent, Decimal::new(1525, 0));
        assert_eq!(e.lease.clause_ids, d.lease.clause_ids, "no clauses chosen: it keeps its own");
        let stored = ops::builder_lease(&s, id.clone()).unwrap();
        assert_eq!(stored.lease.lease_terms.monthly_rent, Decimal::new(1525, 0));
        let row = ops::builder_leases(&s).unwrap().into_iter().find(|r| r.id == d.lease.id).unwrap();
        assert_eq!(row.monthly_rent, Decimal::new(1525, 0));
        assert_eq!(ops::builder_leases(&s).unwrap().len(), before, "edited in place, not a new lease");

        let signers = vec![SignerInput {
            signer_role: "tenant".into(),
            signer_name: "Alex Rivera".into(),
            signer_email: "alex.rivera@example.com".into(),
        }];
        ops::builder_send(&s, id.clone(), signers).unwrap();
        let e = ops::builder_edit(&s, id.clone(), req).unwrap_err();
        assert!(e.detail.contains("sent for signing: only a draft not yet sent"), "{}", e.detail);
        assert_eq!(ops::builder_lease(&s, id).unwrap().lease.lease_terms.monthly_rent, Decimal::new(1525, 0));
    }
}
