//! An inbound message (spec 5.3's `process_inbound_message`), one workflow over
//! [`CommunicationsPort`]: the sender matched to a tenant (an unknown sender is refused and
//! nothing is stored), threaded into the tenant's open conversation on that channel, classified
//! (an emergency keyword always critical: the conversation escalated and the on-call contact
//! paged), answered automatically only when the auto-response rules allow and only from the
//! sender's own record, and a maintenance report opened as a work order. Everything else waits
//! on a person. A staff reply ([`reply`]) is queued to the tenant on the conversation's channel.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use super::auto_response::{check_figures, eligible, AutoResponse, AutoResponseInput, AutoResponseTask, TenantFacts};
use super::classify::{with_rules, Classification, ClassificationInput, MessageClassification};
use super::model::{TenantConversation, TenantMessage, CHANNELS, STATUSES};
use super::port::{CommunicationsPort, HubWrite};
use crate::ai::Gateway;
use crate::format::check_text;
use crate::model::{Lease, LeaseStatus, Tenant, WorkOrderPriority};
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::port::in_scope;
use crate::records::port::Holder;
use crate::store::{Result, StoreError};

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// The webhook's body (spec: `{channel, from_number, content, timestamp}`; email sends `from`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct InboundMessage {
    pub channel: String,
    #[serde(default)]
    pub from_number: Option<String>,
    #[serde(default, alias = "from_email")]
    pub from: Option<String>,
    pub content: String,
    #[serde(default)]
    pub timestamp: Option<DateTime<Utc>>,
}

/// The auto-response as the spec's answer shows it.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct AutoResponseSent {
    pub sent: bool,
    pub content: String,
    pub channel: String,
    /// Why no reply went out (a person answers).
    pub reason: Option<String>,
}

/// What receiving a message did.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct InboundOutcome {
    pub conversation_id: Uuid,
    pub message_id: Uuid,
    pub classification: Classification,
    pub auto_response: AutoResponseSent,
    /// The on-call contact paged (an emergency).
    pub paged: Option<String>,
    pub work_order_id: Option<Uuid>,
    /// `claude` or `offline`.
    pub provider: String,
}

/// The on-call contact an emergency pages: `UNITCYCLE_ONCALL_PHONE` by SMS, else
/// `UNITCYCLE_ONCALL_EMAIL`, else the manager's address (`UNITCYCLE_MANAGER_EMAIL`).
pub fn on_call() -> Option<(DeliveryChannel, String)> {
    let env = |k: &str| std::env::var(k).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(p) = env("UNITCYCLE_ONCALL_PHONE") {
        return Some((DeliveryChannel::Sms, p));
    }
    env("UNITCYCLE_ONCALL_EMAIL").or_else(crate::delivery::manager_from_env).map(|e| (DeliveryChannel::Email, e))
}

fn live(l: &Lease) -> bool {
    matches!(l.lease_status, LeaseStatus::Active | LeaseStatus::MonthToMonth | LeaseStatus::Notice)
}

/// The tenant's lease the thread belongs to: the live one, else the latest.
pub fn lease_of<P: CommunicationsPort + ?Sized>(port: &P, tenant: &Tenant) -> Result<Lease> {
    let mut leases = port.leases_of(Holder::Tenant(tenant.id))?;
    leases.sort_by_key(|l| (live(l), l.lease_begin_date));
    leases.pop().ok_or_else(|| {
        refused(format!("{} {} has no lease to thread the message under.", tenant.first_name, tenant.last_name))
    })
}

/// The next day `due_day` on or after `today`.
pub fn next_due(today: NaiveDate, due_day: u8) -> NaiveDate {
    let day = u32::from(due_day.clamp(1, 28));
    let this = today.with_day(day).unwrap_or(today);
    if this >= today {
        this
    } else {
        this.checked_add_months(chrono::Months::new(1)).unwrap_or(this)
    }
}

/// The sender's own record, as an auto-response may use it.
pub fn facts<P: CommunicationsPort + ?Sized>(
    port: &P,
    tenant: &Tenant,
    lease: &Lease,
    today: NaiveDate,
) -> Result<TenantFacts> {
    let unit = port.unit(lease.unit_id)?;
    let property = port.property(lease.property_id)?;
    let entries = port.ledger_since(tenant.id, NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(today))?;
    let balance = crate::ledger::allocate(&entries).balance().max(Decimal::ZERO);
    let open = port.open_work_orders()?.iter().filter(|w| w.unit_id == unit.id).count() as u32;
    Ok(TenantFacts {
        first_name: tenant.first_name.clone(),
        unit_number: unit.unit_number,
        property_name: property.name,
        rent_amount: lease.monthly_rent_amount,
        due_day: lease.rent_due_day,
        next_due_date: next_due(today, lease.rent_due_day),
        lease_end_date: if lease.lease_status == LeaseStatus::MonthToMonth { None } else { lease.lease_end_date },
        balance_due: balance,
        open_maintenance_count: open,
        portal_url: std::env::var("UNITCYCLE_PORTAL_URL")
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "the resident portal".into()),
    })
}

fn delivery(channel: &str) -> DeliveryChannel {
    if channel == "sms" || channel == "whatsapp" {
        DeliveryChannel::Sms
    } else {
        DeliveryChannel::Email
    }
}

fn address(channel: &str, t: &Tenant) -> String {
    if delivery(channel) == DeliveryChannel::Sms {
        t.phone.clone()
    } else {
        t.email.clone()
    }
}

fn priority(c: &Classification) -> WorkOrderPriority {
    match c.urgency.as_str() {
        "critical" => WorkOrderPriority::Emergency,
        "high" => WorkOrderPriority::High,
        "low" => WorkOrderPriority::Low,
        _ => WorkOrderPriority::Medium,
    }
}

/// Receives `msg` (its id is `id`, so a retried webhook stores it once).
pub fn receive<P: CommunicationsPort>(
    port: &mut P,
    gateway: &Gateway,
    id: Uuid,
    msg: &InboundMessage,
    now: DateTime<Utc>,
) -> Result<InboundOutcome> {
    let channel = msg.channel.trim().to_lowercase();
    if !CHANNELS.contains(&channel.as_str()) {
        return Err(refused(format!("channel '{channel}' is not one of: {}.", CHANNELS.join(", "))));
    }
    let content = check_text("content", &msg.content, 5000, true).map_err(refused)?;
    let from = msg.from_number.as_deref().or(msg.from.as_deref()).map(str::trim).filter(|f| !f.is_empty());
    let from = from.ok_or_else(|| refused("The sender (from_number or from) is missing."))?;
    let tenant = port
        .tenant_by_contact(from)?
        .ok_or_else(|| refused(format!("No tenant has the address {from}: the message is not stored.")))?;
    let lease = lease_of(port, &tenant)?;
    in_scope(port, lease.property_id, "Tenant", tenant.id)?;
    let today = crate::time::today_at(port, lease.property_id, now)?;
    let mut conversation = port
        .conversations()?
        .into_iter()
        .find(|c| {
            c.tenant_id == tenant.id && c.channel == channel && !matches!(c.status.as_str(), "resolved" | "archived")
        })
        .unwrap_or(TenantConversation {
            id: Uuid::new_v5(&id, b"conversation"),
            tenant_id: tenant.id,
            unit_id: Some(lease.unit_id),
            property_id: lease.property_id,
            channel: channel.clone(),
            status: "active".into(),
            category: "general".into(),
            urgency: "normal".into(),
            sentiment_score: 0.0,
            ai_auto_responded: false,
            assigned_to: String::new(),
            escalated: false,
            escalation_reason: String::new(),
            last_message_at: None,
            created_at: now,
            updated_at: now,
        });
    let earlier = port.conversation_messages(conversation.id)?;
    if earlier.iter().any(|m| m.id == id) {
        return Err(refused("This message has been received already."));
    }
    let unit = port.unit(lease.unit_id)?;
    let property = port.property(lease.property_id)?;
    let input = ClassificationInput {
        content: content.clone(),
        channel: channel.clone(),
        tenant_name: format!("{} {}", tenant.first_name, tenant.last_name),
        unit_number: unit.unit_number.clone(),
        property_name: property.name.clone(),
        thread_context: earlier.iter().rev().take(5).rev().map(|m| format!("{}: {}", m.direction, m.content)).collect(),
        today,
    };
    let out = gateway.run::<MessageClassification>(&input, port, now).map_err(|e| refused(e.to_string()))?;
    let provider = out.provider.as_str().to_string();
    let class = with_rules(&input, out.value);
    let received_at = msg.timestamp.filter(|t| (*t - now).num_minutes().abs() < 24 * 60).unwrap_or(now);
    let mut w = HubWrite::default();
    w.messages.push(TenantMessage {
        id,
        conversation_id: conversation.id,
        direction: "inbound".into(),
        channel: channel.clone(),
        content: content.clone(),
        is_ai_generated: false,
        is_auto_sent: false,
        ai_classification: json!({"category": class.category, "urgency": class.urgency, "intent": class.intent,
            "confidence": class.confidence, "sentiment": class.sentiment, "is_emergency": class.is_emergency,
            "maintenance_details": class.maintenance_details, "provider": provider}),
        sentiment: class.sentiment,
        suggested_response: String::new(),
        sent_by: String::new(),
        read_at: None,
        created_at: received_at,
    });
    let n = earlier.iter().filter(|m| m.direction == "inbound").count() as f64;
    conversation.sentiment_score =
        ((conversation.sentiment_score * n + class.sentiment) / (n + 1.0) * 100.0).round() / 100.0;
    // An open thread keeps its most urgent state: a follow-up does not calm an emergency.
    let rank = |u: &str| super::classify::URGENCIES.iter().position(|x| *x == u).unwrap_or(2);
    if earlier.is_empty() || rank(&class.urgency) <= rank(&conversation.urgency) {
        conversation.urgency = class.urgency.clone();
    }
    if !conversation.escalated {
        conversation.category = class.category.clone();
    }
    conversation.last_message_at = Some(received_at);
    conversation.updated_at = now;
    conversation.status = "waiting_staff".into();
    let mut paged = None;
    let mut reply = AutoResponseSent { sent: false, content: String::new(), channel: channel.clone(), reason: None };
    if class.is_emergency {
        let keyword = class.emergency_keyword.clone().unwrap_or_else(|| "emergency".into());
        conversation.escalated = true;
        match on_call() {
            Some((ch, to)) => {
                conversation.escalation_reason = format!("Emergency ('{keyword}'): on-call paged");
                w.outbox.push(NewMessage {
                    idempotency_key: format!("tenant_message:{id}:page"),
                    channel: ch,
                    recipient_name: "On-call".into(),
                    recipient: to.clone(),
                    subject: format!("EMERGENCY at {} unit {}: {keyword}", property.name, unit.unit_number),
                    body: format!(
                        "Emergency reported by {} {} ({}), unit {} at {}:\n\"{content}\"",
                        tenant.first_name, tenant.last_name, from, unit.unit_number, property.name
                    ),
                    attachment_sha256: None,
                    attachment_name: None,
                    related_type: "tenant_conversation".into(),
                    related_id: Some(conversation.id),
                    scheduled_for: now,
                });
                paged = Some(to);
            }
            None => {
                conversation.escalation_reason =
                    format!("Emergency ('{keyword}'): no on-call contact is set (UNITCYCLE_ONCALL_PHONE)");
            }
        }
        reply.reason = Some("An emergency is never answered automatically; the on-call contact is paged.".into());
    } else {
        match eligible(&class) {
            Err(why) => reply.reason = Some(why),
            Ok(()) => {
                let f = facts(port, &tenant, &lease, today)?;
                let input =
                    AutoResponseInput { content: content.clone(), intent: class.intent.clone(), facts: f.clone() };
                // The office's own wording first: a template marked auto_send for this intent
                // (spec 5.3's trigger_intent), filled from the tenant's record; else the prompt.
                let values = super::templates::RecordValues::from_facts(&tenant, &f);
                let templated = super::templates::library()
                    .into_iter()
                    .filter(|t| t.auto_send && t.trigger_intent == class.intent)
                    .find_map(|t| super::templates::render(&t.content, &values).ok());
                let from_template = templated.is_some();
                let a = match templated {
                    Some(text) => AutoResponse {
                        auto_respond: true,
                        content: text,
                        confidence: class.confidence,
                        needs_human_followup: false,
                        followup_reason: None,
                    },
                    None => {
                        gateway.run::<AutoResponseTask>(&input, port, now).map_err(|e| refused(e.to_string()))?.value
                    }
                };
                let checked = if a.auto_respond { check_figures(&a.content, &f) } else { Err("declined".into()) };
                let to = address(&channel, &tenant);
                match checked {
                    Ok(()) if !to.trim().is_empty() => {
                        let reply_id = Uuid::new_v5(&id, b"auto-response");
                        w.messages.push(TenantMessage {
                            id: reply_id,
                            conversation_id: conversation.id,
                            direction: "outbound".into(),
                            channel: channel.clone(),
                            content: a.content.clone(),
                            is_ai_generated: !from_template,
                            is_auto_sent: true,
                            ai_classification: json!({}),
                            sentiment: 0.0,
                            suggested_response: String::new(),
                            sent_by: "auto-response".into(),
                            read_at: None,
                            created_at: now,
                        });
                        w.outbox.push(NewMessage {
                            idempotency_key: format!("tenant_message:{reply_id}"),
                            channel: delivery(&channel),
                            recipient_name: format!("{} {}", tenant.first_name, tenant.last_name),
                            recipient: to,
                            subject: format!("Re: your message to {}", property.name),
                            body: a.content.clone(),
                            attachment_sha256: None,
                            attachment_name: None,
                            related_type: "tenant_conversation".into(),
                            related_id: Some(conversation.id),
                            scheduled_for: now,
                        });
                        conversation.ai_auto_responded = true;
                        conversation.status =
                            if a.needs_human_followup { "waiting_staff" } else { "waiting_tenant" }.into();
                        reply =
                            AutoResponseSent { sent: true, content: a.content, channel: channel.clone(), reason: None };
                    }
                    Ok(()) => reply.reason = Some(format!("The tenant has no {channel} address on file.")),
                    Err(why) => reply.reason = Some(format!("The drafted reply was not sent: {why}")),
                }
            }
        }
    }
    // A general question a person answers gets a suggested reply from the property's knowledge
    // base (spec 4.6's FAQ rules, by retrieval; nothing is sent): the entry's answer, cited.
    if !reply.sent && !class.is_emergency && matches!(class.category.as_str(), "general" | "lease") {
        let (office_phone, office_email) = crate::onboarding::workflow::office();
        let faq = crate::onboarding::faq::offline_answer(&crate::onboarding::faq::FaqInput {
            property_name: property.name.clone(),
            office_phone,
            office_email,
            emergency_phone: None,
            entries: port.property_knowledge(property.id)?.into_iter().filter(|e| e.is_active).collect(),
            facts: None,
            question: content.clone(),
        });
        if let (false, Some(source), Some(m)) = (faq.handoff, faq.source_entry_id, w.messages.first_mut()) {
            m.suggested_response = faq.answer;
            m.ai_classification["suggested_from"] =
                json!({"knowledge_base_entry": source, "question": faq.source_question});
        }
    }
    w.conversations.push(conversation.clone());
    port.write_hub(&w, now)?;
    // A maintenance report (or an emergency with a repair) opens a work order, once per message.
    let work_order_id = if class.category == "maintenance" && class.intent == "report_issue" || class.is_emergency {
        let wo = Uuid::new_v5(&id, b"work-order");
        if port.work_order(wo).is_err() {
            let details = class.maintenance_details.clone();
            let title: String = content.chars().take(80).collect();
            let words = [content.as_str(), details.as_ref().and_then(|d| d.issue_type.as_deref()).unwrap_or("")];
            let new = crate::work_orders::NewWorkOrder {
                unit_id: lease.unit_id,
                title,
                description: format!("From {}'s {channel} message: \"{content}\"", tenant.first_name),
                category: crate::invoice_processing::gl::suggest_gl_code(None, &words).category,
                priority: priority(&class),
                requested_date: today,
                tenant_id: Some(tenant.id),
            };
            crate::work_orders::workflow::apply_action(
                port,
                wo,
                &crate::work_orders::MaintenanceAction::Create(new),
                now,
            )?;
        }
        Some(wo)
    } else {
        None
    };
    Ok(InboundOutcome {
        conversation_id: conversation.id,
        message_id: id,
        classification: class,
        auto_response: reply,
        paged,
        work_order_id,
        provider,
    })
}

/// A person's reply on conversation `id`, queued to the tenant on the conversation's channel.
pub fn reply<P: CommunicationsPort>(
    port: &mut P,
    id: Uuid,
    message_id: Uuid,
    content: &str,
    channel: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<TenantMessage> {
    let mut c = port.conversation(id)?;
    in_scope(port, c.property_id, "Conversation", id)?;
    let content = check_text("content", content, 5000, true).map_err(refused)?;
    let channel = channel.map(|c| c.trim().to_lowercase()).filter(|c| !c.is_empty()).unwrap_or(c.channel.clone());
    if !CHANNELS.contains(&channel.as_str()) {
        return Err(refused(format!("channel '{channel}' is not one of: {}.", CHANNELS.join(", "))));
    }
    let tenant = port.tenant(c.tenant_id)?;
    let to = address(&channel, &tenant);
    if to.trim().is_empty() {
        return Err(refused(format!("{} has no {channel} address on file.", tenant.first_name)));
    }
    if port.conversation_messages(id)?.iter().any(|m| m.id == message_id) {
        return Err(refused("This reply has been sent already."));
    }
    let message = TenantMessage {
        id: message_id,
        conversation_id: id,
        direction: "outbound".into(),
        channel: channel.clone(),
        content: content.clone(),
        is_ai_generated: false,
        is_auto_sent: false,
        ai_classification: json!({}),
        sentiment: 0.0,
        suggested_response: String::new(),
        sent_by: actor.to_string(),
        read_at: None,
        created_at: now,
    };
    let property = port.property(c.property_id)?;
    c.status = "waiting_tenant".into();
    c.assigned_to = if c.assigned_to.is_empty() { actor.to_string() } else { c.assigned_to.clone() };
    c.last_message_at = Some(now);
    c.updated_at = now;
    let w = HubWrite {
        conversations: vec![c],
        messages: vec![message.clone()],
        outbox: vec![NewMessage {
            idempotency_key: format!("tenant_message:{}", message.id),
            channel: delivery(&channel),
            recipient_name: format!("{} {}", tenant.first_name, tenant.last_name),
            recipient: to,
            subject: format!("Re: your message to {}", property.name),
            body: content,
            attachment_sha256: None,
            attachment_name: None,
            related_type: "tenant_conversation".into(),
            related_id: Some(id),
            scheduled_for: now,
        }],
        ..Default::default()
    };
    port.write_hub(&w, now)?;
    Ok(message)
}

/// Inbox figures (`/conversations/stats/`): open, waiting on staff, waiting on the tenant,
/// resolved, and the average hours from a tenant's message to the next reply.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct InboxStats {
    pub open: usize,
    pub waiting_staff: usize,
    pub waiting_tenant: usize,
    pub resolved: usize,
    pub critical_open: usize,
    pub avg_response_hours: Option<f64>,
}

pub fn stats<P: CommunicationsPort>(port: &P) -> Result<InboxStats> {
    let all = port.conversations()?;
    let count = |s: &str| all.iter().filter(|c| c.status == s).count();
    let mut gaps = Vec::new();
    for c in &all {
        let msgs = port.conversation_messages(c.id)?;
        for (i, m) in msgs.iter().enumerate().filter(|(_, m)| m.direction == "inbound") {
            if let Some(r) = msgs[i + 1..].iter().find(|r| r.direction == "outbound") {
                gaps.push((r.created_at - m.created_at).max(Duration::zero()).num_minutes() as f64 / 60.0);
            }
        }
    }
    Ok(InboxStats {
        open: all.iter().filter(|c| !matches!(c.status.as_str(), "resolved" | "archived")).count(),
        waiting_staff: count("waiting_staff"),
        waiting_tenant: count("waiting_tenant"),
        resolved: count("resolved"),
        critical_open: all
            .iter()
            .filter(|c| c.urgency == "critical" && !matches!(c.status.as_str(), "resolved" | "archived"))
            .count(),
        avg_response_hours: (!gaps.is_empty())
            .then(|| (gaps.iter().sum::<f64>() / gaps.len() as f64 * 10.0).round() / 10.0),
    })
}

/// The queued action's entity (`sync_action.entity`).
pub const ENTITY: &str = "tenant_conversation";

/// A person's step on a conversation, as it travels from a replica to the server; the
/// conversation is the queued action's `entity_id`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum HubAction {
    /// A reply; its id is chosen where it is written, so the replica's row and the server's are one.
    Reply {
        message_id: Uuid,
        content: String,
        #[serde(default)]
        channel: Option<String>,
        actor: String,
    },
    Assign {
        to: String,
    },
    /// `active`, `waiting_staff`, `waiting_tenant`, `resolved` or `archived`.
    SetStatus {
        status: String,
    },
}

/// What a step did: the conversation after it and the reply it queued.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type, utoipa::ToSchema)]
pub struct HubOutcome {
    pub conversation: TenantConversation,
    pub message: Option<TenantMessage>,
}

/// Applies `action` to conversation `id`.
pub fn apply_action<P: CommunicationsPort>(
    port: &mut P,
    id: Uuid,
    action: &HubAction,
    now: DateTime<Utc>,
) -> Result<HubOutcome> {
    match action {
        HubAction::Reply { message_id, content, channel, actor } => {
            let message = reply(port, id, *message_id, content, channel.as_deref(), actor, now)?;
            Ok(HubOutcome { conversation: port.conversation(id)?, message: Some(message) })
        }
        HubAction::Assign { to } => {
            let mut c = port.conversation(id)?;
            in_scope(port, c.property_id, "Conversation", id)?;
            c.assigned_to = check_text("assigned_to", to, 100, false).map_err(refused)?;
            c.updated_at = now;
            port.write_hub(&HubWrite { conversations: vec![c.clone()], ..Default::default() }, now)?;
            Ok(HubOutcome { conversation: c, message: None })
        }
        HubAction::SetStatus { status } => {
            let mut c = port.conversation(id)?;
            in_scope(port, c.property_id, "Conversation", id)?;
            let status = status.trim();
            if !STATUSES.contains(&status) {
                return Err(refused(format!("status '{status}' is not one of: {}.", STATUSES.join(", "))));
            }
            c.status = status.into();
            c.updated_at = now;
            port.write_hub(&HubWrite { conversations: vec![c.clone()], ..Default::default() }, now)?;
            Ok(HubOutcome { conversation: c, message: None })
        }
    }
}

/// Applies `action` on a replica: queued for the server when connected (which sends the reply),
/// in the transaction of its rows.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    id: Uuid,
    action: &HubAction,
    now: DateTime<Utc>,
) -> Result<HubOutcome> {
    let json = serde_json::to_value(action).map_err(refused)?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, id, json)?, id, action, now)
}
