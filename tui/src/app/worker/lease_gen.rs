//! The worker's lease-generation requests (spec 4.5): the generated leases with their unit,
//! clauses and signatures, the exact emails sending would queue (for the confirm), a person's
//! step through the core workflow (queued for the server when connected) and signing in person
//! on a standalone replica; and the lease templates (active first) for `:lease-templates`, and
//! the active ones a new lease's unit may use.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::json;
use unitcycle_core::lease_generation::clauses::library;
use unitcycle_core::lease_generation::model::{GeneratedLease, LeaseTemplate};
use unitcycle_core::lease_generation::port::LeaseGenerationPort;
use unitcycle_core::lease_generation::workflow::{
    self as wf, GenerateInput, LeaseDetail, LeaseGenerationAction, LeaseOutcome, SignOutcome, STANDARD_CLAUSES,
};
use unitcycle_core::outbox::NewMessage;
use unitcycle_core::store::{Store, StoreError};
use uuid::Uuid;

use super::screening::find_unit;

/// A generated lease with where it is for.
#[derive(Debug, Clone)]
pub struct GenListed {
    pub detail: LeaseDetail,
    pub unit_number: String,
    pub property_name: String,
    pub property_state: String,
}

#[derive(Debug, Clone)]
pub enum LeaseGenRequest {
    /// The leases as of `now` (their clauses assembled on each property's date).
    List { now: DateTime<Utc> },
    /// The emails sending lease `id` to its default signers would queue.
    Preview { id: Uuid, actor: String, now: DateTime<Utc> },
    /// A person's step on lease `id` (for a new lease or renewal, its new id).
    Act { id: Uuid, action: Box<LeaseGenerationAction>, now: DateTime<Utc> },
    /// A new lease for the unit `unit` names (its number, or "number at property"). An empty
    /// rent is the unit's market rent, an empty deposit one month's rent. Nothing is written
    /// while a clause lacks a variable's value: the answer says which.
    Generate {
        id: Uuid,
        unit: String,
        input: Box<GenerateInput>,
        rent_given: bool,
        deposit_given: bool,
        actor: String,
        now: DateTime<Utc>,
    },
    /// Signature `signature_id` signed in person with `name` typed (standalone replica only).
    SignInPerson { signature_id: Uuid, name: String, actor: String, now: DateTime<Utc> },
    /// The lease templates: active ones first, then retired ones, each by state and name.
    Templates,
    /// The active templates a new lease for the unit `unit` names may use: those of its
    /// property's state, for every property of the state or for its own property.
    TemplateChoices { unit: String },
}

#[derive(Debug, Clone)]
pub enum LeaseGenData {
    List(Vec<GenListed>),
    Preview {
        id: Uuid,
        messages: Vec<NewMessage>,
    },
    Done(Box<LeaseOutcome>),
    /// The new lease was not made: these clauses need a value (`name` and the message).
    NeedsVariables {
        names: Vec<String>,
        messages: Vec<String>,
    },
    Signed(Box<SignOutcome>),
    Templates(Vec<LeaseTemplate>),
    /// The active templates for unit `unit` (the text asked with) and its property's state;
    /// `note` says why there is no state (the unit is not found).
    TemplateChoices {
        unit: String,
        state: String,
        templates: Vec<LeaseTemplate>,
        note: Option<String>,
    },
}

pub fn answer(store: &mut Store, req: LeaseGenRequest) -> Result<LeaseGenData, StoreError> {
    Ok(match req {
        LeaseGenRequest::List { now } => {
            let mut out = Vec::new();
            for lease in store.generated_leases()? {
                let unit = store.unit(lease.unit_id)?;
                let property = store.property(lease.property_id)?;
                out.push(GenListed {
                    detail: wf::detail(&*store, lease.id, now)?,
                    unit_number: unit.unit_number,
                    property_name: property.name,
                    property_state: property.state,
                });
            }
            // Newest first (the port's order), kept stable.
            out.sort_by_key(|l| std::cmp::Reverse(l.detail.lease.created_at));
            LeaseGenData::List(out)
        }
        LeaseGenRequest::Preview { id, actor, now } => {
            LeaseGenData::Preview { id, messages: wf::send_preview(&*store, id, &[], &actor, now)? }
        }
        LeaseGenRequest::Act { id, action, now } => {
            LeaseGenData::Done(Box::new(wf::act_on_replica(store, id, &action, now)?))
        }
        LeaseGenRequest::Generate { id, unit, mut input, rent_given, deposit_given, actor, now } => {
            input.unit_id = find_unit(store, &unit).map_err(StoreError::Rejected)?;
            let u = store.unit(input.unit_id)?;
            let t = &mut input.lease_terms;
            if !rent_given {
                t.monthly_rent = if u.market_rent > Decimal::ZERO { u.market_rent } else { u.current_rent };
            }
            if !deposit_given {
                t.security_deposit = t.monthly_rent;
            }
            let missing = missing_variables(store, &input, now)?;
            if !missing.is_empty() {
                let names = missing.iter().flat_map(|(n, _)| n.clone()).collect();
                let messages = missing.into_iter().map(|(_, m)| m).collect();
                return Ok(LeaseGenData::NeedsVariables { names, messages });
            }
            let action = LeaseGenerationAction::Generate { input: *input, actor };
            LeaseGenData::Done(Box::new(wf::act_on_replica(store, id, &action, now)?))
        }
        LeaseGenRequest::SignInPerson { signature_id, name, actor, now } => {
            LeaseGenData::Signed(Box::new(wf::sign_in_person(store, signature_id, &name, &actor, now)?))
        }
        LeaseGenRequest::Templates => {
            let mut all = store.lease_templates()?;
            // The port's order (state, name) within each group, kept stable.
            all.sort_by_key(|t| !t.is_active);
            LeaseGenData::Templates(all)
        }
        LeaseGenRequest::TemplateChoices { unit } => {
            let property = match find_unit(store, &unit) {
                Ok(id) => {
                    let u = store.unit(id)?;
                    store.property(u.property_id)?
                }
                Err(e) => {
                    return Ok(LeaseGenData::TemplateChoices {
                        unit,
                        state: String::new(),
                        templates: Vec::new(),
                        note: Some(e),
                    })
                }
            };
            let templates = store
                .lease_templates()?
                .into_iter()
                .filter(|t| {
                    t.is_active
                        && t.jurisdiction_state.eq_ignore_ascii_case(&property.state)
                        && t.property_id.is_none_or(|p| p == property.id)
                })
                .collect();
            LeaseGenData::TemplateChoices { unit, state: property.state, templates, note: None }
        }
    })
}

/// The clauses the new lease would have that lack a variable's value: the names missing and
/// the message, from the same assembly the core runs (nothing is written).
fn missing_variables(
    store: &Store,
    input: &GenerateInput,
    now: DateTime<Utc>,
) -> Result<Vec<(Vec<String>, String)>, StoreError> {
    let unit = store.unit(input.unit_id)?;
    let lib = library();
    let standard = || STANDARD_CLAUSES.iter().filter_map(|s| lib.iter().find(|c| c.slug == *s)).map(|c| c.id).collect();
    // The clauses the core would take: the template's base clauses when one is chosen (a
    // retired one is left to the core, which refuses it with its message).
    let clause_ids = match input.template_id {
        Some(id) => {
            let t = store.lease_template(id)?;
            if !t.is_active {
                return Ok(Vec::new());
            }
            if t.base_clause_ids.is_empty() {
                standard()
            } else {
                t.base_clause_ids
            }
        }
        None => standard(),
    };
    let lease = GeneratedLease {
        id: Uuid::nil(),
        template_id: None,
        unit_id: unit.id,
        property_id: unit.property_id,
        tenant_lease_id: None,
        screening_application_id: None,
        lease_terms: input.lease_terms.clone(),
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
        created_by: String::new(),
        created_at: now,
        updated_at: now,
    };
    let a = wf::assembled(store, &lease, now)?;
    // "'Utilities' needs: landlord_paid_utilities." → the names.
    Ok(a.violations
        .iter()
        .filter(|v| v.rule_type == "missing_variable")
        .map(|v| {
            let names: Vec<String> = v
                .message
                .rsplit_once("needs:")
                .map(|(_, n)| n.trim().trim_end_matches('.').split(',').map(|x| x.trim().to_string()).collect())
                .unwrap_or_default();
            (names, v.message.clone())
        })
        .collect())
}
