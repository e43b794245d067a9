//! One workflow per onboarding action, over [`OnboardingPort`]: the checklist made when a lease
//! is signed, a task completed or skipped, a document uploaded and verified, a message sent, a
//! key handed over or returned, a knowledge-base entry saved; and the two jobs (the hourly
//! processor that sends what falls due, the 09:00 stalled check). The server, a replica's
//! screens and the server's replay of queued actions all go through [`apply_action`].

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::checklist::{self, ChecklistContext};
use super::model::{
    KeyHandoff, KnowledgeEntry, OnboardingChecklist, OnboardingMessage, OnboardingTask, KB_CATEGORIES, KEY_STATUSES,
    KEY_TYPES, MESSAGE_CHANNELS,
};
use super::port::{OnboardingPort, OnboardingWrite};
use super::welcome::escape;
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::store::{Result, StoreError};

pub use super::assist::{chat, import_handbook, utility_guide, verify, ChatReply, ChatRequest};

/// The `entity` a queued onboarding action names.
pub const ENTITY: &str = "onboarding_checklist";

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

fn env(key: &str) -> Option<String> {
    std::env::var(key).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The office's contact for tenants: `UNITCYCLE_OFFICE_PHONE`, and `UNITCYCLE_OFFICE_EMAIL`
/// (else the manager's address). Unset, the reply says "the office" rather than invent one.
pub fn office() -> (String, String) {
    (
        env("UNITCYCLE_OFFICE_PHONE").unwrap_or_else(|| "the office".into()),
        env("UNITCYCLE_OFFICE_EMAIL")
            .or_else(crate::delivery::manager_from_env)
            .unwrap_or_else(|| "the office's email".into()),
    )
}

/// The emergency maintenance line (`UNITCYCLE_ONCALL_PHONE`), if set.
pub fn emergency_phone() -> Option<String> {
    env("UNITCYCLE_ONCALL_PHONE")
}

/// A checklist with everything under it (the spec's detail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChecklistDetail {
    #[serde(flatten)]
    pub checklist: OnboardingChecklist,
    pub tasks: Vec<OnboardingTask>,
    pub messages: Vec<OnboardingMessage>,
    pub keys: Vec<KeyHandoff>,
    /// The blocking tasks still open: move-in waits on these.
    pub blocking_tasks: Vec<String>,
}

pub fn detail<P: OnboardingPort>(port: &P, id: Uuid) -> Result<ChecklistDetail> {
    let checklist = port.checklist(id)?;
    in_scope(port, checklist.property_id, "Onboarding checklist", id)?;
    let tasks = port.onboarding_tasks(id)?;
    let blocking_tasks = checklist::blockers(&tasks).iter().map(|t| t.title.clone()).collect();
    Ok(ChecklistDetail {
        messages: port.onboarding_messages(id)?,
        keys: port.key_handoffs()?.into_iter().filter(|k| k.checklist_id == Some(id)).collect(),
        checklist,
        tasks,
        blocking_tasks,
    })
}

fn has_pets(terms: &std::collections::BTreeMap<String, String>) -> bool {
    terms.iter().any(|(k, v)| {
        k.starts_with("pet")
            && !v.trim().is_empty()
            && !["0", "0.00", "no", "none", "false"].contains(&v.trim().to_lowercase().as_str())
    })
}

/// The variables of the generated lease that made tenant lease `tenant_lease_id` (pets,
/// insurance, utilities); none for a lease entered by hand.
pub fn lease_variables<P: OnboardingPort>(
    port: &P,
    tenant_lease_id: Uuid,
) -> Result<std::collections::BTreeMap<String, String>> {
    Ok(crate::lease_generation::port::LeaseGenerationPort::generated_leases(port)?
        .into_iter()
        .find(|g| g.tenant_lease_id == Some(tenant_lease_id))
        .map(|g| g.lease_terms.variables)
        .unwrap_or_default())
}

/// What a lease's checklist is generated from: the lease record, its tenant, unit and property,
/// the generated lease's terms (pets, insurance) and the property's knowledge base (parking).
pub fn context<P: OnboardingPort>(port: &P, tenant_lease_id: Uuid, signed: NaiveDate) -> Result<ChecklistContext> {
    let lease = port.lease(tenant_lease_id)?;
    in_scope(port, lease.property_id, "Lease", tenant_lease_id)?;
    let tenant = port.tenant(lease.tenant_id)?;
    let unit = port.unit(lease.unit_id)?;
    let property = port.property(lease.property_id)?;
    let variables = lease_variables(port, tenant_lease_id)?;
    let insurance_waived = variables
        .get("renters_insurance_required")
        .is_some_and(|v| ["no", "false", "0"].contains(&v.trim().to_lowercase().as_str()));
    let kb = port.knowledge_base(property.id)?;
    Ok(ChecklistContext {
        tenant_lease_id,
        unit_id: unit.id,
        property_id: property.id,
        tenant_id: tenant.id,
        tenant_name: format!("{} {}", tenant.first_name, tenant.last_name).trim().to_string(),
        tenant_email: tenant.email.clone(),
        unit_number: unit.unit_number.clone(),
        property_name: property.name.clone(),
        move_in_date: lease.lease_begin_date,
        signed_date: signed.min(lease.lease_begin_date),
        has_pets: has_pets(&variables),
        has_parking: kb.iter().any(|e| e.is_active && e.category == "parking"),
        insurance_required: !insurance_waived,
        smart_lock: env("SMART_LOCK_PROVIDER").is_some(),
    })
}

/// The checklist for tenant lease `tenant_lease_id`, made (with its tasks, and whatever is due
/// at signing sent) unless it exists. `signed` is the property's local date of signing.
pub fn create_for_lease<P: OnboardingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    tenant_lease_id: Uuid,
    signed: NaiveDate,
    now: DateTime<Utc>,
) -> Result<OnboardingChecklist> {
    let c = create_checklist(port, tenant_lease_id, signed, now)?;
    let today = crate::time::today_at(port, c.property_id, now).unwrap_or(signed);
    process_checklist(port, gateway, c.id, today, now)?;
    port.checklist(c.id)
}

/// The checklist and its tasks for tenant lease `tenant_lease_id`, unless it has one; nothing
/// is sent (the hourly processor sends what is due).
pub fn create_checklist<P: OnboardingPort>(
    port: &mut P,
    tenant_lease_id: Uuid,
    signed: NaiveDate,
    now: DateTime<Utc>,
) -> Result<OnboardingChecklist> {
    if let Some(existing) = port.checklist_for_lease(tenant_lease_id)? {
        return Ok(existing);
    }
    let ctx = context(port, tenant_lease_id, signed)?;
    let (checklist, tasks) = checklist::generate(&ctx, now);
    port.write_onboarding(&OnboardingWrite { checklists: vec![checklist.clone()], tasks, ..Default::default() }, now)?;
    Ok(checklist)
}

fn task_of(tasks: &[OnboardingTask], task_id: Uuid, checklist_id: Uuid) -> Result<OnboardingTask> {
    tasks.iter().find(|t| t.id == task_id).cloned().ok_or_else(|| StoreError::NotFound {
        what: "Onboarding task",
        id: format!("{task_id} (checklist {checklist_id})"),
    })
}

/// Writes changed tasks (and anything else in `w`) with the checklist's figures recomputed, the
/// activity noted and a stall cleared.
fn write_with_refresh<P: OnboardingPort>(
    port: &mut P,
    mut checklist: OnboardingChecklist,
    changed: Vec<OnboardingTask>,
    mut w: OnboardingWrite,
    activity: bool,
    now: DateTime<Utc>,
) -> Result<OnboardingChecklist> {
    let mut tasks = port.onboarding_tasks(checklist.id)?;
    for c in &changed {
        if let Some(t) = tasks.iter_mut().find(|t| t.id == c.id) {
            *t = c.clone();
        }
    }
    if activity {
        checklist.last_activity_at = Some(now);
        if checklist.status == "stalled" {
            checklist.status = "in_progress".into();
            checklist.stalled_since = None;
            checklist.stall_alert_sent = false;
        }
    }
    let today = crate::time::today_at(port, checklist.property_id, now)?;
    checklist::refresh(&mut checklist, &tasks, today);
    checklist.updated_at = now;
    w.tasks.extend(changed);
    w.checklists.push(checklist.clone());
    port.write_onboarding(&w, now)?;
    Ok(checklist)
}

/// Writes one changed task with its checklist brought up to date.
pub(super) fn write_task<P: OnboardingPort>(
    port: &mut P,
    checklist: OnboardingChecklist,
    task: OnboardingTask,
    now: DateTime<Utc>,
) -> Result<OnboardingChecklist> {
    write_with_refresh(port, checklist, vec![task], OnboardingWrite::default(), true, now)
}

/// A task marked `completed`, `skipped` or reopened (`pending`). A blocking task is not skipped,
/// and a document task is completed by a verified document, not by hand.
pub fn update_task<P: OnboardingPort>(
    port: &mut P,
    checklist_id: Uuid,
    task_id: Uuid,
    status: &str,
    now: DateTime<Utc>,
) -> Result<ChecklistDetail> {
    let checklist = port.checklist(checklist_id)?;
    in_scope(port, checklist.property_id, "Onboarding checklist", checklist_id)?;
    let mut task = task_of(&port.onboarding_tasks(checklist_id)?, task_id, checklist_id)?;
    match status {
        "completed" | "complete" => {
            if task.is_blocking && !task.document_type.is_empty() && !task.document_verified {
                return Err(refused(format!(
                    "'{}' blocks move-in: it is completed when an uploaded document passes verification.",
                    task.title
                )));
            }
            task.status = "completed".into();
            task.completed_at = Some(now);
        }
        "skipped" | "skip" => {
            if task.is_blocking {
                return Err(refused(format!("'{}' blocks move-in and cannot be skipped.", task.title)));
            }
            task.status = "skipped".into();
            task.completed_at = Some(now);
        }
        "pending" | "reopen" => {
            task.status = "pending".into();
            task.completed_at = None;
        }
        other => {
            return Err(refused(format!("A task's status is set to completed, skipped or pending, not '{other}'.")))
        }
    }
    task.updated_at = now;
    write_with_refresh(port, checklist, vec![task], OnboardingWrite::default(), true, now)?;
    detail(port, checklist_id)
}

/// The largest document accepted (a phone photo of a certificate, a multi-page PDF).
pub const MAX_DOCUMENT_BYTES: usize = 20 * 1024 * 1024;

/// Keeps an uploaded document for a task (its verification is cleared until it is verified).
pub fn upload_document<P: OnboardingPort>(
    port: &mut P,
    checklist_id: Uuid,
    task_id: Uuid,
    bytes: &[u8],
    content_type: &str,
    now: DateTime<Utc>,
) -> Result<OnboardingTask> {
    if bytes.is_empty() {
        return Err(refused("The document is empty."));
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(refused(format!("The document is over {} MB.", MAX_DOCUMENT_BYTES / (1024 * 1024))));
    }
    let checklist = port.checklist(checklist_id)?;
    in_scope(port, checklist.property_id, "Onboarding checklist", checklist_id)?;
    let mut task = task_of(&port.onboarding_tasks(checklist_id)?, task_id, checklist_id)?;
    if task.document_type.is_empty() {
        return Err(refused(format!("'{}' takes no document.", task.title)));
    }
    let hash = port.put_document(bytes, content_type, now)?.unwrap_or_else(|| crate::blobs::sha256_hex(bytes));
    task.document_url = format!("blob:{hash}");
    task.document_verified = false;
    task.verification = json!({"status": "uploaded", "content_type": content_type, "bytes": bytes.len()});
    if task.status == "pending" {
        task.status = "sent".into();
    }
    task.updated_at = now;
    write_with_refresh(port, checklist, vec![task.clone()], OnboardingWrite::default(), true, now)?;
    Ok(task)
}

/// The requirements a lease puts on renters' insurance: its variables
/// `renters_insurance_min_liability` and `renters_insurance_min_personal_property`, else a
/// $300,000 liability minimum (the spec's example); the property as interested party.
pub fn insurance_requirements<P: OnboardingPort>(
    port: &P,
    checklist: &OnboardingChecklist,
) -> Result<super::verify_document::InsuranceRequirements> {
    let vars = lease_variables(port, checklist.tenant_lease_id)?;
    let amount = |k: &str| vars.get(k).and_then(|v| crate::format::parse_money(v).ok());
    let property = port.property(checklist.property_id)?;
    let mut req = super::verify_document::InsuranceRequirements::default();
    if let Some(m) = amount("renters_insurance_min_liability") {
        req.min_liability = m;
    }
    if let Some(m) = amount("renters_insurance_min_personal_property") {
        req.min_personal_property = m;
    }
    req.interested_party = vars.get("renters_insurance_interested_party").cloned().unwrap_or(property.name);
    Ok(req)
}

/// A message to the tenant (`channel` email or sms; push and in-app are shown in the portal and
/// so are recorded, not delivered).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct SendMessage {
    pub channel: String,
    #[serde(default)]
    pub subject: String,
    pub content: String,
    /// `custom` unless given (welcome, reminder, checkin, …).
    #[serde(default)]
    pub message_type: String,
}

impl SendMessage {
    pub fn checked(mut self) -> Result<SendMessage> {
        self.channel = self.channel.trim().to_lowercase();
        if !MESSAGE_CHANNELS.contains(&self.channel.as_str()) {
            return Err(refused(format!("channel is one of {}.", MESSAGE_CHANNELS.join(", "))));
        }
        self.subject = self.subject.trim().to_string();
        self.content = self.content.trim().to_string();
        if self.content.is_empty() {
            return Err(refused("content is required."));
        }
        if self.subject.chars().count() > 200 {
            return Err(refused("subject is at most 200 characters."));
        }
        if self.channel == "sms" && self.content.chars().count() > 1600 {
            return Err(refused("A text message is at most 1,600 characters."));
        }
        if self.message_type.trim().is_empty() {
            self.message_type = "custom".into();
        }
        Ok(self)
    }
}

/// The message row and, for email and SMS, the delivery queued with it. `key` makes a retry
/// queue nothing new.
fn message_rows<P: OnboardingPort>(
    port: &P,
    checklist: &OnboardingChecklist,
    m: &SendMessage,
    provider: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<(OnboardingMessage, Option<NewMessage>)> {
    let tenant = port.tenant(checklist.tenant_id)?;
    let id = Uuid::new_v5(&checklist.id, key.as_bytes());
    let (channel, address) = match m.channel.as_str() {
        "email" => (Some(DeliveryChannel::Email), tenant.email.trim().to_string()),
        "sms" => (Some(DeliveryChannel::Sms), tenant.phone.trim().to_string()),
        _ => (None, String::new()),
    };
    if channel.is_some() && address.is_empty() {
        return Err(refused(format!(
            "{} has no {} on record.",
            checklist.tenant_name,
            if m.channel == "sms" { "phone number" } else { "email address" }
        )));
    }
    let outbox = channel.map(|channel| NewMessage {
        idempotency_key: format!("{ENTITY}:{}:{key}", checklist.id),
        channel,
        recipient_name: checklist.tenant_name.clone(),
        recipient: address,
        subject: m.subject.clone(),
        body: if m.channel == "sms" { strip_html(&m.content) } else { m.content.clone() },
        attachment_sha256: None,
        attachment_name: None,
        related_type: "onboarding_message".into(),
        related_id: Some(id),
        scheduled_for: now,
    });
    let row = OnboardingMessage {
        id,
        checklist_id: checklist.id,
        property_id: checklist.property_id,
        message_type: m.message_type.clone(),
        channel: m.channel.clone(),
        subject: m.subject.clone(),
        content_html: m.content.clone(),
        sent_at: outbox.is_none().then_some(now),
        opened_at: None,
        // Email and SMS go out through the outbox (its delivery log has the provider's answer);
        // push and in-app are shown in the portal at once.
        status: if outbox.is_some() { "queued" } else { "sent" }.into(),
        provider: provider.into(),
        created_at: now,
    };
    Ok((row, outbox))
}

/// Text of an HTML message, for SMS.
pub fn strip_html(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for ch in html.chars() {
        match ch {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn send_message<P: OnboardingPort>(
    port: &mut P,
    checklist_id: Uuid,
    message: SendMessage,
    actor: &str,
    action_id: Uuid,
    now: DateTime<Utc>,
) -> Result<OnboardingMessage> {
    let m = message.checked()?;
    let checklist = port.checklist(checklist_id)?;
    in_scope(port, checklist.property_id, "Onboarding checklist", checklist_id)?;
    let (row, outbox) = message_rows(port, &checklist, &m, actor, &format!("custom:{action_id}"), now)?;
    let w = OnboardingWrite { messages: vec![row.clone()], outbox: outbox.into_iter().collect(), ..Default::default() };
    write_with_refresh(port, checklist, vec![], w, true, now)?;
    Ok(row)
}

/// A key, fob, remote or code issued for a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct NewKeyHandoff {
    #[serde(default)]
    pub checklist_id: Option<Uuid>,
    /// The unit; taken from the checklist when one is given.
    #[serde(default)]
    pub unit_id: Option<Uuid>,
    /// The tenant's name; taken from the checklist when one is given.
    #[serde(default)]
    pub tenant_name: String,
    pub key_type: String,
    #[serde(default)]
    pub key_identifier: String,
    #[serde(default)]
    pub access_code: String,
    #[serde(default = "one")]
    pub quantity: i32,
    /// Handed over now (`issued`), or prepared to hand over (`pending`).
    #[serde(default = "issued")]
    pub status: String,
    #[serde(default)]
    pub tenant_acknowledged: bool,
}

fn one() -> i32 {
    1
}

fn issued() -> String {
    "issued".into()
}

fn short(field: &str, v: &str, max: usize) -> Result<String> {
    let v = v.trim();
    if v.chars().count() > max {
        return Err(refused(format!("{field} is at most {max} characters.")));
    }
    Ok(v.to_string())
}

/// Records a key handoff; issuing a key completes the checklist's key-handoff task.
pub fn record_key<P: OnboardingPort>(
    port: &mut P,
    id: Uuid,
    k: NewKeyHandoff,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<KeyHandoff> {
    if !KEY_TYPES.contains(&k.key_type.as_str()) {
        return Err(refused(format!("key_type is one of {}.", KEY_TYPES.join(", "))));
    }
    if !(1..=50).contains(&k.quantity) {
        return Err(refused("quantity is between 1 and 50."));
    }
    if !["pending", "issued", "active"].contains(&k.status.as_str()) {
        return Err(refused("A new key handoff is pending, issued or active."));
    }
    let checklist = k.checklist_id.map(|c| port.checklist(c)).transpose()?;
    let (unit_id, tenant_name) = match &checklist {
        Some(c) => (c.unit_id, c.tenant_name.clone()),
        None => (
            k.unit_id.ok_or_else(|| refused("unit_id (or checklist_id) is required."))?,
            short("tenant_name", &k.tenant_name, 200)?,
        ),
    };
    if tenant_name.is_empty() {
        return Err(refused("tenant_name is required."));
    }
    let unit = port.unit(unit_id)?;
    in_scope(port, unit.property_id, "Unit", unit_id)?;
    let handed = k.status != "pending";
    let key = KeyHandoff {
        id,
        checklist_id: k.checklist_id,
        unit_id,
        property_id: unit.property_id,
        tenant_name,
        key_type: k.key_type.clone(),
        key_identifier: short("key_identifier", &k.key_identifier, 50)?,
        access_code: short("access_code", &k.access_code, 20)?,
        quantity: k.quantity,
        issued_at: handed.then_some(now),
        returned_at: None,
        returned_condition: String::new(),
        tenant_acknowledged: k.tenant_acknowledged,
        status: k.status.clone(),
        handled_by: actor.into(),
        created_at: now,
        updated_at: now,
    };
    let w = OnboardingWrite { keys: vec![key.clone()], ..Default::default() };
    match checklist {
        Some(c) => {
            let mut changed = vec![];
            if handed {
                let tasks = port.onboarding_tasks(c.id)?;
                if let Some(mut t) = tasks.into_iter().find(|t| t.task_type == "key_handoff" && !checklist::is_done(t))
                {
                    t.status = "completed".into();
                    t.completed_at = Some(now);
                    t.updated_at = now;
                    changed.push(t);
                }
            }
            write_with_refresh(port, c, changed, w, true, now)?;
        }
        None => port.write_onboarding(&w, now)?,
    }
    Ok(key)
}

/// A change to a key handoff: issued, acknowledged, returned (with its condition) or lost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct KeyUpdate {
    #[serde(default)]
    pub status: Option<String>,
    /// good, damaged or lost (with a return).
    #[serde(default)]
    pub returned_condition: Option<String>,
    #[serde(default)]
    pub tenant_acknowledged: Option<bool>,
}

pub fn update_key<P: OnboardingPort>(
    port: &mut P,
    id: Uuid,
    u: KeyUpdate,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<KeyHandoff> {
    let mut key = port.key_handoff(id)?;
    in_scope(port, key.property_id, "Key handoff", id)?;
    if let Some(status) = u.status.as_deref().map(str::trim) {
        if !KEY_STATUSES.contains(&status) {
            return Err(refused(format!("status is one of {}.", KEY_STATUSES.join(", "))));
        }
        match status {
            "issued" | "active" if key.issued_at.is_none() => key.issued_at = Some(now),
            "returned" => {
                let condition = u.returned_condition.as_deref().map(str::trim).unwrap_or("");
                if !["good", "damaged", "lost"].contains(&condition) {
                    return Err(refused("A returned key needs returned_condition: good, damaged or lost."));
                }
                key.returned_at = Some(now);
                key.returned_condition = condition.into();
            }
            "lost" => key.returned_condition = "lost".into(),
            _ => {}
        }
        key.status = status.into();
    } else if let Some(condition) = u.returned_condition {
        key.returned_condition = short("returned_condition", &condition, 20)?;
    }
    if let Some(ack) = u.tenant_acknowledged {
        key.tenant_acknowledged = ack;
    }
    key.handled_by = actor.into();
    key.updated_at = now;
    port.write_onboarding(&OnboardingWrite { keys: vec![key.clone()], ..Default::default() }, now)?;
    Ok(key)
}

/// A knowledge-base entry as a manager writes it (an `id` edits that entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct KnowledgeInput {
    #[serde(default)]
    pub id: Option<Uuid>,
    pub category: String,
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default = "yes")]
    pub is_active: bool,
}

fn yes() -> bool {
    true
}

impl KnowledgeInput {
    pub fn checked(self) -> Result<KnowledgeInput> {
        let category = self.category.trim().to_lowercase();
        if !KB_CATEGORIES.contains(&category.as_str()) {
            return Err(refused(format!("category is one of {}.", KB_CATEGORIES.join(", "))));
        }
        let question = short("question", &self.question, 500)?;
        let answer = self.answer.trim().to_string();
        if question.is_empty() || answer.is_empty() {
            return Err(refused("An entry needs a question and an answer."));
        }
        if answer.chars().count() > 5000 {
            return Err(refused("answer is at most 5,000 characters."));
        }
        let mut keywords: Vec<String> =
            self.keywords.iter().map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()).collect();
        keywords.dedup();
        if keywords.len() > 30 || keywords.iter().any(|k| k.chars().count() > 60) {
            return Err(refused("At most 30 keywords of up to 60 characters."));
        }
        Ok(KnowledgeInput { id: self.id, category, question, answer, keywords, is_active: self.is_active })
    }
}

/// Saves an entry in property `property_id`'s knowledge base (a new one, or an edit).
pub fn save_knowledge<P: OnboardingPort>(
    port: &mut P,
    property_id: Uuid,
    input: KnowledgeInput,
    now: DateTime<Utc>,
) -> Result<KnowledgeEntry> {
    let input = input.checked()?;
    in_scope(port, property_id, "Property", property_id)?;
    let existing = match input.id {
        Some(id) => Some(
            port.knowledge_base(property_id)?
                .into_iter()
                .find(|e| e.id == id)
                .ok_or_else(|| StoreError::NotFound { what: "Knowledge-base entry", id: id.to_string() })?,
        ),
        None => {
            // A new entry's id comes from its question, so a second entry with the same
            // question would replace the first: it is refused instead.
            let question = input.question.to_lowercase();
            if let Some(same) = port.knowledge_base(property_id)?.iter().find(|e| e.question.to_lowercase() == question)
            {
                return Err(refused(format!(
                    "This property already has the question '{}': edit that entry instead.",
                    same.question
                )));
            }
            None
        }
    };
    let entry = KnowledgeEntry {
        id: existing.as_ref().map(|e| e.id).unwrap_or_else(|| Uuid::new_v5(&property_id, input.question.as_bytes())),
        property_id,
        category: input.category,
        question: input.question,
        answer: input.answer,
        keywords: input.keywords,
        is_active: input.is_active,
        created_at: existing.as_ref().map(|e| e.created_at).unwrap_or(now),
        updated_at: now,
    };
    port.write_onboarding(&OnboardingWrite { knowledge: vec![entry.clone()], ..Default::default() }, now)?;
    Ok(entry)
}

/// A property's entries, filtered by `category` and by `search` (in the question, answer or
/// keywords, any case); retired entries only when asked for.
pub fn knowledge<P: OnboardingPort>(
    port: &P,
    property_id: Uuid,
    category: Option<&str>,
    search: Option<&str>,
    include_retired: bool,
) -> Result<Vec<KnowledgeEntry>> {
    in_scope(port, property_id, "Property", property_id)?;
    let needle = search.map(|s| s.trim().to_lowercase()).filter(|s| !s.is_empty());
    Ok(port
        .knowledge_base(property_id)?
        .into_iter()
        .filter(|e| include_retired || e.is_active)
        .filter(|e| category.is_none_or(|c| e.category == c))
        .filter(|e| {
            needle.as_ref().is_none_or(|n| {
                e.question.to_lowercase().contains(n)
                    || e.answer.to_lowercase().contains(n)
                    || e.keywords.iter().any(|k| k.contains(n.as_str()))
            })
        })
        .collect())
}

/// The knowledge base the demo property starts with (written when the demo replica is made).
pub fn seed_demo_knowledge<P: OnboardingPort>(port: &mut P, property_id: Uuid, now: DateTime<Utc>) -> Result<usize> {
    if !port.knowledge_base(property_id)?.is_empty() {
        return Ok(0);
    }
    let entries = super::faq::demo_entries(property_id, now);
    let n = entries.len();
    port.write_onboarding(&OnboardingWrite { knowledge: entries, ..Default::default() }, now)?;
    Ok(n)
}

/// The stall rule: a checklist not completed, with a required tenant or manager task overdue by
/// more than [`checklist::STALL_AFTER_DAYS`] days and nothing done for as long.
pub fn is_stalled(c: &OnboardingChecklist, tasks: &[OnboardingTask], today: NaiveDate, now: DateTime<Utc>) -> bool {
    let quiet_since = c.last_activity_at.unwrap_or(c.created_at);
    c.status != "completed"
        && !checklist::overdue(tasks, today).is_empty()
        && now - quiet_since > Duration::days(checklist::STALL_AFTER_DAYS)
}

/// The message a system task sends when it falls due, with who wrote it.
fn system_message<P: OnboardingPort>(
    port: &P,
    gateway: &crate::ai::Gateway,
    c: &OnboardingChecklist,
    task: &OnboardingTask,
    now: DateTime<Utc>,
) -> Result<Option<(SendMessage, String)>> {
    let first = c.tenant_name.split_whitespace().next().unwrap_or(&c.tenant_name).to_string();
    let email = |message_type: &str, subject: String, content: String| SendMessage {
        channel: "email".into(),
        subject,
        content,
        message_type: message_type.into(),
    };
    Ok(match task.task_type.as_str() {
        "welcome_email" => {
            let (subject, html, provider) = super::assist::welcome(port, gateway, c, now)?;
            Some((email("welcome", subject, html), provider))
        }
        "utility_setup_guide" => {
            let (html, provider) = super::assist::utility_guide_html(port, gateway, c, now)?;
            Some((email("utility_guide", "Setting up your utilities".into(), html), provider))
        }
        "community_info" => {
            let entries: Vec<KnowledgeEntry> = port
                .knowledge_base(c.property_id)?
                .into_iter()
                .filter(|e| {
                    e.is_active && ["amenities", "parking", "policies", "neighborhood"].contains(&e.category.as_str())
                })
                .take(8)
                .collect();
            if entries.is_empty() {
                return Ok(None);
            }
            let items: String = entries
                .iter()
                .map(|e| format!("<li><strong>{}</strong> {}</li>", escape(&e.question), escape(&e.answer)))
                .collect();
            let property = port.property(c.property_id)?.name;
            Some((
                email(
                    "community_info",
                    format!("Getting to know {property}"),
                    format!("<p>Hi {},</p><p>A few things residents ask about in their first week:</p><ul>{items}</ul><p>Reply to this email with any question.</p>", escape(&first)),
                ),
                "system".into(),
            ))
        }
        "satisfaction_checkin" => {
            let when = if task.trigger == "post_move_in_30d" { "first month" } else { "first week" };
            Some((
                email(
                    "checkin",
                    format!("How was your {when}?"),
                    format!(
                        "<p>Hi {},</p><p>How has your {when} been? If anything in the unit needs fixing, reply to this \
                         email or submit a maintenance request, and we'll take care of it.</p>",
                        escape(&first)
                    ),
                ),
                "system".into(),
            ))
        }
        _ => None,
    })
}

/// Sends what has fallen due on checklist `id` by `today` (the property's date) and brings its
/// status up to date. Returns the messages queued.
pub fn process_checklist<P: OnboardingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    id: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<usize> {
    let mut c = port.checklist(id)?;
    let tasks = port.onboarding_tasks(id)?;
    let mut w = OnboardingWrite::default();
    let mut changed = Vec::new();
    for t in tasks.iter().filter(|t| t.assigned_to == "system" && !checklist::is_done(t) && t.due_date <= today) {
        let mut t = t.clone();
        match system_message(port, gateway, &c, &t, now)? {
            Some((m, provider)) => {
                let (row, outbox) = message_rows(port, &c, &m, &provider, &format!("task:{}", t.id), now)?;
                w.messages.push(row);
                w.outbox.extend(outbox);
                t.status = "sent".into();
            }
            // Nothing to send (no knowledge base yet): the task is skipped, said so.
            None => t.status = "skipped".into(),
        }
        t.completed_at = Some(now);
        t.updated_at = now;
        changed.push(t);
    }
    let sent = w.messages.len();
    let before = c.clone();
    let mut all = tasks.clone();
    for ch in &changed {
        if let Some(t) = all.iter_mut().find(|t| t.id == ch.id) {
            *t = ch.clone();
        }
    }
    checklist::refresh(&mut c, &all, today);
    if changed.is_empty() && c == before {
        return Ok(0);
    }
    if !changed.is_empty() {
        c.last_activity_at = Some(now);
    }
    c.updated_at = now;
    w.tasks = changed;
    w.checklists.push(c);
    port.write_onboarding(&w, now)?;
    Ok(sent)
}

/// The hourly processor: a checklist for every signed lease that has none yet, then each open
/// checklist's due system tasks sent (on its property's date) and its status brought up to date.
pub fn process_job<P: OnboardingPort>(
    port: &mut P,
    gateway: &crate::ai::Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let mut created = 0;
    let signed: Vec<(Uuid, Uuid, DateTime<Utc>)> =
        crate::lease_generation::port::LeaseGenerationPort::generated_leases(port)?
            .into_iter()
            .filter(|g| g.status == "fully_signed")
            .filter_map(|g| g.tenant_lease_id.map(|l| (l, g.property_id, g.updated_at)))
            .collect();
    for (lease_id, property_id, signed_at) in signed {
        if port.checklist_for_lease(lease_id)?.is_none() {
            let day = crate::time::today_at(port, property_id, signed_at).unwrap_or(today);
            create_for_lease(port, gateway, lease_id, day, now)?;
            created += 1;
        }
    }
    let mut sent = 0;
    let open: Vec<(Uuid, Uuid)> =
        port.checklists()?.into_iter().filter(|c| c.status != "completed").map(|c| (c.id, c.property_id)).collect();
    for (id, property_id) in &open {
        let local = crate::time::today_at(port, *property_id, now).unwrap_or(today);
        sent += process_checklist(port, gateway, *id, local, now)?;
    }
    Ok(crate::jobs::JobReport::new(
        crate::jobs::Job::OnboardingTasks,
        today,
        format!(
            "{} open checklist{}; {sent} message{} sent; {created} checklist{} made",
            open.len(),
            crate::format::plural_s(open.len()),
            crate::format::plural_s(sent),
            crate::format::plural_s(created)
        ),
        json!({"open": open.len(), "sent": sent, "created": created}),
    ))
}

/// The 09:00 stalled check: a checklist whose required tasks are overdue with nothing done is
/// marked stalled, and the manager (and the tenant, about their own tasks) told once.
pub fn stalled_job<P: OnboardingPort>(
    port: &mut P,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<crate::jobs::JobReport> {
    let mut w = OnboardingWrite::default();
    let mut flagged = Vec::new();
    for mut c in port.checklists()?.into_iter().filter(|c| !["completed", "stalled"].contains(&c.status.as_str())) {
        let local = crate::time::today_at(port, c.property_id, now).unwrap_or(today);
        let tasks = port.onboarding_tasks(c.id)?;
        if !is_stalled(&c, &tasks, local, now) {
            continue;
        }
        let late = checklist::overdue(&tasks, local);
        let list: Vec<String> = late.iter().map(|t| format!("{} (due {})", t.title, t.due_date)).collect();
        c.status = "stalled".into();
        c.stalled_since = Some(now);
        if !c.stall_alert_sent {
            let unit = port.unit(c.unit_id)?.unit_number;
            if let Some(manager) = crate::delivery::manager_from_env() {
                w.outbox.push(NewMessage {
                    idempotency_key: format!("{ENTITY}:{}:stalled:{}", c.id, local),
                    channel: DeliveryChannel::Email,
                    recipient_name: "Property manager".into(),
                    recipient: manager,
                    subject: format!("Onboarding stalled: {} (unit {unit})", c.tenant_name),
                    body: format!(
                        "{}'s onboarding for unit {unit} (move-in {}) has stalled. Overdue:\n- {}\n",
                        c.tenant_name,
                        c.move_in_date,
                        list.join("\n- ")
                    ),
                    attachment_sha256: None,
                    attachment_name: None,
                    related_type: ENTITY.into(),
                    related_id: Some(c.id),
                    scheduled_for: now,
                });
            }
            let tenant_tasks: Vec<String> = late
                .iter()
                .filter(|t| t.assigned_to == "tenant")
                .map(|t| format!("<li>{}</li>", escape(&t.title)))
                .collect();
            if !tenant_tasks.is_empty() && !c.tenant_email.is_empty() {
                let m = SendMessage {
                    channel: "email".into(),
                    subject: "A reminder before your move-in".into(),
                    content: format!(
                        "<p>Hi {},</p><p>These are still open on your move-in checklist:</p><ul>{}</ul>",
                        escape(c.tenant_name.split_whitespace().next().unwrap_or("")),
                        tenant_tasks.join("")
                    ),
                    message_type: "reminder".into(),
                };
                let (row, outbox) = message_rows(port, &c, &m, "system", &format!("stalled:{local}"), now)?;
                w.messages.push(row);
                w.outbox.extend(outbox);
            }
            c.stall_alert_sent = true;
        }
        c.updated_at = now;
        flagged.push(format!("{}: {}", c.tenant_name, list.join(", ")));
        w.checklists.push(c);
    }
    let n = flagged.len();
    if !w.is_empty() {
        port.write_onboarding(&w, now)?;
    }
    Ok(crate::jobs::JobReport::new(
        crate::jobs::Job::OnboardingStalled,
        today,
        format!("{n} onboarding{} newly stalled", crate::format::plural_s(n)),
        json!({"stalled": n, "checklists": flagged}),
    ))
}

/// A person's step on onboarding, as the server applies it and a connected replica queues it.
/// The entity id is the checklist's (a task, a message), the key handoff's, or the property's
/// (a knowledge-base entry).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum OnboardingAction {
    UpdateTask { task_id: Uuid, status: String },
    SendMessage { message_id: Uuid, message: SendMessage, actor: String },
    RecordKey { key: NewKeyHandoff, actor: String },
    UpdateKey { update: KeyUpdate, actor: String },
    SaveKnowledge { entry: KnowledgeInput },
}

/// What a step did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum OnboardingOutcome {
    Checklist(Box<ChecklistDetail>),
    Message(OnboardingMessage),
    Key(KeyHandoff),
    Knowledge(KnowledgeEntry),
}

pub fn apply_action<P: OnboardingPort>(
    port: &mut P,
    id: Uuid,
    action: &OnboardingAction,
    now: DateTime<Utc>,
) -> Result<OnboardingOutcome> {
    Ok(match action {
        OnboardingAction::UpdateTask { task_id, status } => {
            OnboardingOutcome::Checklist(Box::new(update_task(port, id, *task_id, status, now)?))
        }
        OnboardingAction::SendMessage { message_id, message, actor } => {
            OnboardingOutcome::Message(send_message(port, id, message.clone(), actor, *message_id, now)?)
        }
        OnboardingAction::RecordKey { key, actor } => {
            OnboardingOutcome::Key(record_key(port, id, key.clone(), actor, now)?)
        }
        OnboardingAction::UpdateKey { update, actor } => {
            OnboardingOutcome::Key(update_key(port, id, update.clone(), actor, now)?)
        }
        OnboardingAction::SaveKnowledge { entry } => {
            OnboardingOutcome::Knowledge(save_knowledge(port, id, entry.clone(), now)?)
        }
    })
}

/// Applies `action` on a replica: queued for the server when connected (which sends the
/// messages), in the transaction of its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &OnboardingAction,
    now: DateTime<Utc>,
) -> Result<OnboardingOutcome> {
    let json = serde_json::to_value(action).map_err(refused)?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, DemoConfig};
    use crate::store::Store;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    /// A small demo portfolio and the checklist of its first lease, signed three weeks before a
    /// move-in moved to 2026-12-20 (so the dates are ahead of "now").
    fn onboarding() -> (Store, OnboardingChecklist) {
        let mut store = Store::in_memory().unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        demo::generate(&mut store, &DemoConfig { units: 30, seed: 7, today }).unwrap();
        let lease = store.find_lease("L-000001").unwrap();
        store
            .conn()
            .execute("UPDATE tenant_lease SET lease_begin_date = '2026-12-20' WHERE id = ?1", [lease.id.to_string()])
            .unwrap();
        let gateway = crate::ai::Gateway::offline("tests".into());
        let signed = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let c = create_for_lease(&mut store, &gateway, lease.id, signed, at("2026-11-29T15:00:00Z")).unwrap();
        (store, c)
    }

    #[test]
    fn the_welcome_goes_at_signing_and_the_rest_as_each_falls_due() {
        let (mut store, c) = onboarding();
        let gateway = crate::ai::Gateway::offline("tests".into());
        let sent =
            |s: &Store| s.onboarding_messages(c.id).unwrap().iter().map(|m| m.message_type.clone()).collect::<Vec<_>>();
        assert_eq!(sent(&store), ["welcome"]);
        // The utility guide falls due seven days before move-in; nothing new before then.
        process_checklist(
            &mut store,
            &gateway,
            c.id,
            NaiveDate::from_ymd_opt(2026, 12, 12).unwrap(),
            at("2026-12-12T10:00:00Z"),
        )
        .unwrap();
        assert_eq!(sent(&store), ["welcome"]);
        process_checklist(
            &mut store,
            &gateway,
            c.id,
            NaiveDate::from_ymd_opt(2026, 12, 13).unwrap(),
            at("2026-12-13T10:00:00Z"),
        )
        .unwrap();
        assert_eq!(sent(&store), ["welcome", "utility_guide"]);
        // Run again the same day: nothing is sent twice.
        process_checklist(
            &mut store,
            &gateway,
            c.id,
            NaiveDate::from_ymd_opt(2026, 12, 13).unwrap(),
            at("2026-12-13T11:00:00Z"),
        )
        .unwrap();
        assert_eq!(sent(&store).len(), 2);
        let welcome = &store.onboarding_messages(c.id).unwrap()[0];
        assert!(
            welcome.content_html.contains("December 20, 2026") || welcome.content_html.contains("2026-12-20"),
            "{}",
            welcome.content_html
        );
    }

    #[test]
    fn a_stalled_onboarding_is_flagged_once_and_cleared_by_activity() {
        let (mut store, c) = onboarding();
        // Tenant tasks due at signing and on 12-13, nothing done: stalled once by 12-16.
        let first = stalled_job(&mut store, NaiveDate::from_ymd_opt(2026, 12, 16).unwrap(), at("2026-12-16T09:00:00Z"))
            .unwrap();
        assert_eq!(first.counts["stalled"], 1, "{:?}", first);
        let c1 = store.checklist(c.id).unwrap();
        assert_eq!((c1.status.as_str(), c1.stall_alert_sent), ("stalled", true));
        let reminders =
            store.onboarding_messages(c.id).unwrap().into_iter().filter(|m| m.message_type == "reminder").count();
        assert_eq!(reminders, 1);
        let again = stalled_job(&mut store, NaiveDate::from_ymd_opt(2026, 12, 17).unwrap(), at("2026-12-17T09:00:00Z"))
            .unwrap();
        assert_eq!(again.counts["stalled"], 0, "flagged once");
        // Completing a task clears the stall.
        let portal = store.onboarding_tasks(c.id).unwrap().into_iter().find(|t| t.task_type == "portal_setup").unwrap();
        let d = update_task(&mut store, c.id, portal.id, "completed", at("2026-12-17T10:00:00Z")).unwrap();
        assert_eq!((d.checklist.status.as_str(), d.checklist.stall_alert_sent), ("in_progress", false));
    }

    #[test]
    fn bad_input_is_refused_with_the_reason() {
        let (mut store, c) = onboarding();
        let now = at("2026-11-30T10:00:00Z");
        let task = store.onboarding_tasks(c.id).unwrap()[1].id;
        assert!(update_task(&mut store, c.id, task, "done-ish", now)
            .unwrap_err()
            .to_string()
            .contains("completed, skipped or pending"));
        let blank = SendMessage {
            channel: "email".into(),
            subject: String::new(),
            content: "  ".into(),
            message_type: String::new(),
        };
        assert!(send_message(&mut store, c.id, blank, "me", Uuid::from_u128(1), now).is_err());
        let wrong = KnowledgeInput {
            id: None,
            category: "gossip".into(),
            question: "q".into(),
            answer: "a".into(),
            keywords: vec![],
            is_active: true,
        };
        assert!(save_knowledge(&mut store, c.property_id, wrong, now)
            .unwrap_err()
            .to_string()
            .contains("category is one of"));
        let key = NewKeyHandoff {
            checklist_id: Some(c.id),
            unit_id: None,
            tenant_name: String::new(),
            key_type: "fob".into(),
            key_identifier: String::new(),
            access_code: String::new(),
            quantity: 0,
            status: "issued".into(),
            tenant_acknowledged: false,
        };
        assert!(record_key(&mut store, Uuid::from_u128(2), key, "me", now)
            .unwrap_err()
            .to_string()
            .contains("quantity"));
        assert!(upload_document(&mut store, c.id, task, b"", "application/pdf", now).is_err());
    }
}
