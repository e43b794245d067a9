//! The onboarding's AI steps read from the record: the welcome email, the FAQ bot, the utility
//! guide, document verification and the handbook import. Each gathers its input from the
//! current rows (nothing else reaches a prompt) and goes through the gateway, whose offline
//! provider is the rules in the module beside it.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::faq::{self, FaqAnswer, FaqInput};
use super::model::{KnowledgeEntry, OnboardingChecklist};
use super::port::{OnboardingPort, OnboardingWrite};
use super::workflow::{emergency_phone, office};
use crate::ai::Gateway;
use crate::communications_hub::model::{TenantConversation, TenantMessage};
use crate::communications_hub::port::HubWrite;
use crate::port::in_scope;
use crate::store::{Result, StoreError};

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

fn ai(what: &str) -> impl Fn(crate::ai::AiError) -> StoreError + '_ {
    move |e| refused(format!("The {what} could not be made: {e}"))
}

/// The property's active entries whose category is utilities, as "question: answer" lines.
fn utility_entries(entries: &[KnowledgeEntry]) -> Vec<&KnowledgeEntry> {
    entries.iter().filter(|e| e.is_active && e.category == "utilities").collect()
}

/// The welcome email for checklist `c`, from its record: `(subject, html, provider)`.
pub fn welcome<P: OnboardingPort>(
    port: &P,
    gateway: &Gateway,
    c: &OnboardingChecklist,
    now: DateTime<Utc>,
) -> Result<(String, String, String)> {
    let unit = port.unit(c.unit_id)?;
    let property = port.property(c.property_id)?;
    let kb = port.knowledge_base(c.property_id)?;
    let insurance = port
        .onboarding_tasks(c.id)?
        .into_iter()
        .find(|t| t.task_type == "insurance_collection")
        .map(|t| t.due_date)
        .unwrap_or(c.move_in_date - Duration::days(7));
    let (phone, email) = office();
    let env = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let input = super::welcome::WelcomeInput {
        tenant_name: c.tenant_name.clone(),
        property_name: property.name.clone(),
        unit_number: unit.unit_number.clone(),
        move_in_date: c.move_in_date,
        move_in_time: env("UNITCYCLE_MOVE_IN_TIME").unwrap_or_default(),
        manager_name: env("UNITCYCLE_MANAGER_NAME").unwrap_or_else(|| format!("The {} office", property.name)),
        manager_phone: env("UNITCYCLE_OFFICE_PHONE").filter(|_| phone != "the office"),
        manager_email: env("UNITCYCLE_OFFICE_EMAIL")
            .or_else(crate::delivery::manager_from_env)
            .filter(|_| !email.is_empty()),
        insurance_deadline: insurance,
        utility_providers: super::utility_guide::provider_lines(&kb),
        portal_url: env("UNITCYCLE_PORTAL_URL").unwrap_or_default(),
        emergency_phone: emergency_phone(),
    };
    let out = gateway.run::<super::welcome::WelcomeEmailTask>(&input, port, now).map_err(ai("welcome email"))?;
    Ok((out.value.subject, out.value.content_html, out.provider.as_str().into()))
}

/// A question to the FAQ bot: from a tenant (by checklist or tenant id, so their own record can
/// answer account questions) or about a property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChatRequest {
    pub question: String,
    #[serde(default)]
    pub checklist_id: Option<Uuid>,
    #[serde(default)]
    pub tenant_id: Option<Uuid>,
    #[serde(default)]
    pub property_id: Option<Uuid>,
}

/// The bot's answer, and the inbox thread a person picks it up on when it hands off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChatReply {
    #[serde(flatten)]
    pub answer: FaqAnswer,
    pub handoff_conversation_id: Option<Uuid>,
}

pub fn chat<P: OnboardingPort>(
    port: &mut P,
    gateway: &Gateway,
    req: &ChatRequest,
    now: DateTime<Utc>,
) -> Result<ChatReply> {
    let question = req.question.trim();
    if question.is_empty() {
        return Err(refused("question is required."));
    }
    if question.chars().count() > 1000 {
        return Err(refused("A question is at most 1,000 characters."));
    }
    let (tenant, lease) = match (req.checklist_id, req.tenant_id) {
        (Some(id), _) => {
            let c = port.checklist(id)?;
            in_scope(port, c.property_id, "Onboarding checklist", id)?;
            let tenant = port.tenant(c.tenant_id)?;
            (Some(tenant), Some(port.lease(c.tenant_lease_id)?))
        }
        (None, Some(id)) => {
            let tenant = port.tenant(id)?;
            // The live lease, else the latest; a tenant with none asks about the property only.
            let lease = match crate::communications_hub::inbound::lease_of(port, &tenant) {
                Ok(l) => Some(l),
                Err(StoreError::Rejected(_)) => None,
                Err(e) => return Err(e),
            };
            (Some(tenant), lease)
        }
        (None, None) => (None, None),
    };
    let property_id =
        lease.as_ref().map(|l| l.property_id).or(req.property_id).ok_or_else(|| {
            refused("Ask about a property (property_id), or as a tenant (tenant_id or checklist_id).")
        })?;
    in_scope(port, property_id, "Property", property_id)?;
    let property = port.property(property_id)?;
    let today = crate::time::today_at(port, property_id, now)?;
    let facts = match (&tenant, &lease) {
        (Some(t), Some(l)) => Some(crate::communications_hub::inbound::facts(port, t, l, today)?),
        _ => None,
    };
    let (office_phone, office_email) = office();
    let input = FaqInput {
        property_name: property.name.clone(),
        office_phone,
        office_email,
        emergency_phone: emergency_phone(),
        entries: port.knowledge_base(property_id)?.into_iter().filter(|e| e.is_active).collect(),
        facts,
        question: question.to_string(),
    };
    let answer = faq::ask(gateway, &input, port, now).map_err(ai("answer"))?;
    // A question the bot cannot answer goes to a person: a thread in the inbox, waiting on staff.
    let handoff_conversation_id = match (answer.handoff, &tenant, &lease) {
        (true, Some(t), Some(l)) => {
            let id = Uuid::new_v5(&t.id, format!("faq:{question}:{now}").as_bytes());
            let conversation = TenantConversation {
                id,
                tenant_id: t.id,
                unit_id: Some(l.unit_id),
                property_id,
                channel: "in_app".into(),
                status: "waiting_staff".into(),
                category: "general".into(),
                urgency: if faq::is_emergency(question) { "critical" } else { "normal" }.into(),
                sentiment_score: 0.0,
                ai_auto_responded: false,
                assigned_to: String::new(),
                escalated: true,
                escalation_reason: "The FAQ bot had no answer in the knowledge base.".into(),
                last_message_at: Some(now),
                created_at: now,
                updated_at: now,
            };
            let message = TenantMessage {
                id: Uuid::new_v5(&id, b"question"),
                conversation_id: id,
                direction: "inbound".into(),
                channel: "in_app".into(),
                content: question.to_string(),
                is_ai_generated: false,
                is_auto_sent: false,
                ai_classification: json!({"source": "faq_bot", "handoff": true}),
                sentiment: 0.0,
                suggested_response: String::new(),
                sent_by: String::new(),
                read_at: None,
                created_at: now,
            };
            port.write_hub(
                &HubWrite { conversations: vec![conversation], messages: vec![message], ..Default::default() },
                now,
            )?;
            Some(id)
        }
        _ => None,
    };
    Ok(ChatReply { answer, handoff_conversation_id })
}

/// Every entry the handbook import saved.
pub fn import_handbook<P: OnboardingPort>(
    port: &mut P,
    gateway: &Gateway,
    property_id: Uuid,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<Vec<KnowledgeEntry>> {
    in_scope(port, property_id, "Property", property_id)?;
    let text = super::verify_document::document_text(bytes).map_err(refused)?;
    if text.trim().is_empty() {
        return Err(refused("The handbook has no readable text."));
    }
    let property_name = port.property(property_id)?.name;
    let input = super::handbook::HandbookInput { property_name, text };
    let out = gateway.run::<super::handbook::HandbookExtraction>(&input, port, now).map_err(ai("handbook import"))?;
    let existing = port.knowledge_base(property_id)?;
    let mut saved = Vec::new();
    for qa in out.value.entries {
        let entry = super::workflow::KnowledgeInput {
            id: existing.iter().find(|e| e.question.eq_ignore_ascii_case(qa.question.trim())).map(|e| e.id),
            category: qa.category,
            question: qa.question,
            answer: qa.answer,
            keywords: qa.keywords,
            is_active: true,
        };
        // An entry the rules cannot use (no question, an unknown category) is left out, not guessed.
        if let Ok(e) = entry.checked() {
            saved.push(e);
        }
    }
    let rows: Vec<KnowledgeEntry> = saved
        .into_iter()
        .map(|e| KnowledgeEntry {
            id: e.id.unwrap_or_else(|| Uuid::new_v5(&property_id, e.question.as_bytes())),
            property_id,
            category: e.category,
            question: e.question,
            answer: e.answer,
            keywords: e.keywords,
            is_active: true,
            created_at: now,
            updated_at: now,
        })
        .collect();
    port.write_onboarding(&OnboardingWrite { knowledge: rows.clone(), ..Default::default() }, now)?;
    Ok(rows)
}

/// The utilities a tenant may have to set up (the guide lists each not included in the rent).
const UTILITIES: &[&str] = &["electric", "gas", "water", "internet", "trash"];

/// The utility guide for checklist `id`: what the lease includes in the rent (its
/// `landlord_paid_utilities`), every other utility with the provider the knowledge base names.
pub fn utility_guide<P: OnboardingPort>(
    port: &P,
    gateway: &Gateway,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<super::utility_guide::UtilityGuide> {
    let c = port.checklist(id)?;
    in_scope(port, c.property_id, "Onboarding checklist", id)?;
    let unit = port.unit(c.unit_id)?;
    let property = port.property(c.property_id)?;
    let included: Vec<String> = super::workflow::lease_variables(port, c.tenant_lease_id)?
        .get("landlord_paid_utilities")
        .map(|v| {
            v.split([',', ';', '/'])
                .flat_map(|p| p.split(" and "))
                .map(|p| p.trim().to_lowercase())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let tenant_utilities = UTILITIES
        .iter()
        .filter(|u| !included.iter().any(|i| i.contains(*u) || u.contains(i.as_str())))
        .map(|u| u.to_string())
        .collect();
    let input = super::utility_guide::UtilityGuideInput {
        unit_address: format!("{}, unit {}", property.address, unit.unit_number),
        city: property.city.clone(),
        state: property.state.clone(),
        move_in_date: c.move_in_date,
        tenant_utilities,
        included_utilities: included,
        bedrooms: unit.bedrooms,
        entries: utility_entries(&port.knowledge_base(c.property_id)?).into_iter().cloned().collect(),
    };
    let out = gateway.run::<super::utility_guide::UtilityGuideTask>(&input, port, now).map_err(ai("utility guide"))?;
    let mut guide = out.value;
    guide.provider = out.provider.as_str().into();
    Ok(guide)
}

/// The utility guide as the email the processor sends: `(html, provider)`.
pub fn utility_guide_html<P: OnboardingPort>(
    port: &P,
    gateway: &Gateway,
    c: &OnboardingChecklist,
    now: DateTime<Utc>,
) -> Result<(String, String)> {
    let g = utility_guide(port, gateway, c.id, now)?;
    Ok((g.guide_html, g.provider))
}

/// Verifies the document uploaded for task `task_id` (its bytes as stored): its type, the
/// fields read from it and, for renters' insurance, the lease's requirements. A document that
/// meets them (and needs no review) marks the task verified and completed; otherwise the issues
/// are kept on the task for the manager and the tenant.
pub fn verify<P: OnboardingPort>(
    port: &mut P,
    gateway: &Gateway,
    checklist_id: Uuid,
    task_id: Uuid,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<super::model::OnboardingTask> {
    use super::verify_document::{document_text, DocumentVerification, VerifyInput};
    let c = port.checklist(checklist_id)?;
    in_scope(port, c.property_id, "Onboarding checklist", checklist_id)?;
    let mut task = port
        .onboarding_tasks(checklist_id)?
        .into_iter()
        .find(|t| t.id == task_id)
        .ok_or_else(|| StoreError::NotFound { what: "Onboarding task", id: task_id.to_string() })?;
    if task.document_url.is_empty() {
        return Err(refused("No document has been uploaded for this task."));
    }
    let text = document_text(bytes).map_err(refused)?;
    let property = port.property(c.property_id)?;
    let lease = port.lease(c.tenant_lease_id)?;
    let input = VerifyInput {
        expected_type: task.document_type.clone(),
        text,
        tenant_name: c.tenant_name.clone(),
        property_name: property.name.clone(),
        property_address: format!("{}, {}, {} {}", property.address, property.city, property.state, property.zip_code),
        move_in_date: c.move_in_date,
        lease_end_date: lease.lease_end_date,
        requirements: super::workflow::insurance_requirements(port, &c)?,
    };
    let out = gateway.run::<DocumentVerification>(&input, port, now).map_err(ai("document verification"))?;
    let mut v = out.value;
    v.provider = out.provider.as_str().into();
    task.document_verified = v.is_correct_type && v.meets_requirements && !v.needs_review;
    task.verification = serde_json::to_value(&v).map_err(refused)?;
    if task.document_verified {
        task.status = "completed".into();
        task.completed_at = Some(now);
    }
    task.updated_at = now;
    super::workflow::write_task(port, c, task.clone(), now)?;
    Ok(task)
}
