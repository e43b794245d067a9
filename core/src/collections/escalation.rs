//! The escalation engine (spec `collections.escalation_engine`, every 4 hours) and the one
//! escalation step it and the case actions send, written once over [`CollectionsPort`].

use chrono::{DateTime, NaiveDate, Utc};

use super::plan;
use super::port::{CollectionWrite, CollectionsPort};
use super::{CaseStatus, CollectionCase, EscalationStep, InstallmentPlan, StepClock, Tone};
use crate::ai::letters::{EarlierNotice, FormerTenant, Recipient};
use crate::ai::prompts::CollectionsMessage;
use crate::ai::Gateway;
use crate::documents::Attachment;
use crate::jobs::{Job, JobReport};
use crate::model::{Property, Tenant, Unit};
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::pdf::letter::{letter, LetterInput};
use crate::port::{self, DraftedLetter, Records};
use crate::store::{Result, StoreError};

/// Drafts one collections message through the AI gateway (every call logged in `ai_run`) in
/// the case's tone and channel; the offline templates answer when Claude is not configured.
#[allow(clippy::too_many_arguments)]
pub fn draft_message<R: Records>(
    records: &R,
    gateway: &Gateway,
    case: &CollectionCase,
    who: &Parties,
    tone: Tone,
    channel: DeliveryChannel,
    plan: Option<&[InstallmentPlan]>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DraftedLetter> {
    let input = plan::message_input(case, who, tone, channel, plan, today);
    let out =
        gateway.run::<CollectionsMessage>(&input, records, now).map_err(|e| StoreError::Rejected(e.to_string()))?;
    Ok(DraftedLetter { text: out.value.render(), provider: out.provider.as_str().into() })
}

/// Who a case's messages go to, read from the current record when they are drafted: whether
/// the tenant still lives at the unit and which notices the case's timeline holds.
pub struct Parties {
    pub tenant: Tenant,
    pub unit: Unit,
    pub property: Property,
    pub recipient: Recipient,
    /// Set when the tenant has moved out (the lease is vacant or its move-out date has passed).
    pub former: Option<FormerTenant>,
    /// The notices already sent on the case, oldest first.
    pub earlier: Vec<EarlierNotice>,
}

impl Parties {
    pub fn of<P: CollectionsPort>(port: &P, case: &CollectionCase, today: NaiveDate) -> Result<Parties> {
        let lease = port.lease(case.lease_id)?;
        let tenant = port.tenant(case.tenant_id)?;
        let property = port.property(case.property_id)?;
        let mut earlier = Vec::new();
        for a in port.collection_actions(case.id)?.iter().filter(|a| a.is_notice()) {
            earlier.push(EarlierNotice {
                description: super::step(a.escalation_level)
                    .filter(|s| s.action_type == a.action_type)
                    .map_or_else(|| a.action_type.label().to_string(), |s| s.description.to_string()),
                sent_on: crate::time::today_of(&property, a.sent_at.unwrap_or(a.created_at))?,
            });
        }
        Ok(Parties {
            former: plan::former_tenant(&lease, &tenant, today),
            unit: port.unit(case.unit_id)?,
            recipient: port::recipient(port, &lease)?,
            property,
            tenant,
            earlier,
        })
    }

    /// Where a message on `channel` goes, or `None` when it cannot go that way (a letter to a
    /// former tenant who left no forwarding address).
    pub fn address(&self, channel: DeliveryChannel) -> Option<String> {
        plan::address(&self.tenant, &self.unit, &self.property, self.former.as_ref(), channel)
    }
}

/// A notice sent by letter also goes out as a printable PDF (certified for the legal step),
/// rendered here and kept in the store's documents (none where the store keeps no blobs).
#[allow(clippy::too_many_arguments)]
fn notice_pdf<R: Records>(
    records: &R,
    case: &CollectionCase,
    step: &EscalationStep,
    tone: Tone,
    who: &Parties,
    text: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Option<Attachment>> {
    use crate::format::{date, money};
    let to = &who.recipient;
    let input = LetterInput {
        property_name: to.property_name.clone(),
        property_address: to.property_address.clone(),
        date: date(today),
        recipient: vec![to.full_name(), who.address(DeliveryChannel::Letter).unwrap_or_default()],
        subject: format!("{} — unit {}", step.description, to.unit_number),
        body: text.to_string(),
        figures: vec![
            ("Balance due".into(), money(case.current_balance)),
            ("Late fees included".into(), money(case.late_fee_total)),
            ("Unpaid since".into(), date(case.due_date)),
            ("Days overdue".into(), case.days_overdue.to_string()),
        ],
        banner: (tone == Tone::Legal).then(|| "FINAL NOTICE BEFORE LEGAL ACTION".to_string()),
    };
    let bytes =
        letter(&input, now).map_err(|e| StoreError::Rejected(format!("could not render the letter PDF: {e}")))?;
    Ok(records
        .put_document(&bytes, "application/pdf", now)?
        .map(|sha256| Attachment { sha256, name: notice_name(step, who) }))
}

/// A step's messages drafted from the current record: who they are for, the case as of
/// `today`, the tone, and one draft per route. What a send writes and a preview shows.
struct StepDrafts {
    who: Parties,
    case: CollectionCase,
    tone: Tone,
    messages: Vec<(DeliveryChannel, DraftedLetter)>,
}

fn draft_messages<P: CollectionsPort>(
    port: &P,
    gateway: &Gateway,
    case: &CollectionCase,
    step: &'static EscalationStep,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<StepDrafts> {
    let who = Parties::of(port, case, today)?;
    let mut case = case.clone();
    case.days_overdue = (today - case.due_date).num_days().max(0);
    let (tone, offer) = plan::step_tone_and_plan(&case, step, today);
    let mut messages = Vec::new();
    for channel in plan::routes(step, &who) {
        let draft = draft_message(port, gateway, &case, &who, tone, channel, offer.as_deref(), today, now)?;
        messages.push((channel, draft));
    }
    Ok(StepDrafts { who, case, tone, messages })
}

/// Drafts one escalation step for a case (one message per channel, through the gateway, with
/// the letter PDF where the step goes by letter) and returns the case at that step with the
/// rows to write: the step's `collection_action` (its text is the first channel's message) and
/// an outbox message per channel (`collections:{case}:{level}:{channel}`). The caller writes the
/// case itself, so a workflow can change it further in the same transaction.
pub fn draft_step<P: CollectionsPort>(
    records: &P,
    gateway: &Gateway,
    case: &CollectionCase,
    step: &'static EscalationStep,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(CollectionCase, Vec<CollectionWrite>)> {
    let StepDrafts { who, mut case, tone, messages } = draft_messages(records, gateway, case, step, today, now)?;
    let mut writes = Vec::new();
    for (channel, draft) in messages {
        let attachment = if channel == DeliveryChannel::Letter {
            notice_pdf(records, &case, step, tone, &who, &draft.text, today, now)?
        } else {
            None
        };
        if writes.is_empty() {
            writes.push(CollectionWrite::Action(plan::step_action(
                &case,
                step,
                plan::channel_of(channel),
                tone,
                &draft.text,
                &draft.provider,
                now,
            )));
        }
        writes.push(CollectionWrite::Enqueue(NewMessage {
            idempotency_key: plan::step_message_key(case.id, step.level, channel.as_str()),
            channel,
            recipient_name: who.tenant.full_name(),
            recipient: who.address(channel).unwrap_or_default(),
            subject: step_subject(step, &who),
            body: draft.text,
            attachment_sha256: attachment.as_ref().map(|a| a.sha256.clone()),
            attachment_name: attachment.map(|a| a.name),
            related_type: "collection_case".into(),
            related_id: Some(case.id),
            scheduled_for: now,
        }));
    }
    case.escalation_level = step.level;
    case.tone = tone;
    case.updated_at = now;
    Ok((case, writes))
}

/// One message a step would send, as a confirm shows it before anything is queued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessagePreview {
    pub channel: DeliveryChannel,
    /// Who it is addressed to (the tenant's name).
    pub recipient_name: String,
    /// Where it goes: email address, phone number, or postal (forwarding) address.
    pub to: String,
    /// The subject the outbox message carries.
    pub subject: String,
    pub text: String,
    /// The printable PDF that goes with a letter (rendered when the step is sent).
    pub attachment_name: Option<String>,
}

/// The subject of a step's messages.
fn step_subject(step: &EscalationStep, who: &Parties) -> String {
    format!("{}: {} {}", step.description, who.property.name, who.unit.unit_number)
}

/// The name of the notice PDF a letter of `step` carries.
fn notice_name(step: &EscalationStep, who: &Parties) -> String {
    format!("Notice level {} unit {}.pdf", step.level, who.recipient.unit_number)
}

/// What sending `step` now would send, drafted from the current record exactly as the send
/// drafts it (tone, history, the tenant's status), without writing anything: no timeline
/// entry, no outbox row, no PDF.
pub fn preview_step<P: CollectionsPort>(
    port: &P,
    gateway: &Gateway,
    case: &CollectionCase,
    step: &'static EscalationStep,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<MessagePreview>> {
    let drafts = draft_messages(port, gateway, case, step, today, now)?;
    Ok(drafts
        .messages
        .into_iter()
        .map(|(channel, draft)| MessagePreview {
            channel,
            recipient_name: drafts.who.tenant.full_name(),
            to: drafts.who.address(channel).unwrap_or_default(),
            subject: step_subject(step, &drafts.who),
            text: draft.text,
            attachment_name: (channel == DeliveryChannel::Letter).then(|| notice_name(step, &drafts.who)),
        })
        .collect())
}

/// Drafts and writes one escalation step for a case in one transaction: the case moves to the
/// step first, so a case changed meanwhile is refused (`Conflict`) before anything is queued.
pub fn send_step<P: CollectionsPort>(
    port: &mut P,
    gateway: &Gateway,
    case: &CollectionCase,
    step: &'static EscalationStep,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    let (stepped, rows) = draft_step(port, gateway, case, step, today, now)?;
    let mut writes = vec![CollectionWrite::update(case, stepped.clone())];
    writes.extend(rows);
    port.write_collections(&writes, now)?;
    Ok(stepped)
}

/// What one escalation run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EscalationReport {
    pub sent: u32,
    pub paused: u32,
}

impl EscalationReport {
    pub fn summary(&self) -> String {
        format!("Sent {} escalation steps; {} cases paused on a payment plan.", self.sent, self.paused)
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::EscalationEngine.name(),
            run_date: today,
            summary: self.summary(),
            counts: serde_json::json!({"sent": self.sent, "paused": self.paused}),
            skipped: false,
        }
    }
}

/// The schedule clock of `case` on `today` (its property's local date at `now`; `zone` is the
/// property's time zone): the lease's grace period and the local date its latest step was sent,
/// as many days before `today` as that step's local date lies before `now`'s.
pub fn step_clock<P: CollectionsPort + ?Sized>(
    port: &P,
    case: &CollectionCase,
    grace_period_days: i32,
    zone: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<StepClock> {
    let last_step_on = match port.last_step_at(case.id)? {
        Some(at) => {
            let tz = crate::time::zone(zone).map_err(StoreError::Rejected)?;
            Some(today - (crate::time::local_date(tz, now) - crate::time::local_date(tz, at)))
        }
        None => None,
    };
    Ok(StepClock { due_date: case.due_date, grace_period_days, last_step_on })
}

/// A case's "today" (its property's local date at `now`) and its schedule clock, read for one
/// case (a person's action on it).
pub fn case_clock<P: CollectionsPort + ?Sized>(
    port: &P,
    case: &CollectionCase,
    now: DateTime<Utc>,
) -> Result<(NaiveDate, StepClock)> {
    let property = port.property(case.property_id)?;
    let today = crate::time::today_of(&property, now)?;
    let grace = port.lease(case.lease_id)?.grace_period_days;
    Ok((today, step_clock(port, case, grace, &property.time_zone, today, now)?))
}

/// The engine: each open case advances at most one step a run, to the next step once it is due
/// (`collections::due_step`: its day of the schedule, counted from the end of the lease's grace
/// period, and the minimum gap since the previous step), paused while a payment plan is kept; so
/// a backlog is worked through step by step, never skipped to legal. Each step's message is sent
/// exactly once. Each case's step is drafted first and then written in its own transaction, so
/// no transaction stays open across the AI calls. A case someone changed while its step was
/// drafted is left for the next run. Days overdue and letter dates are on each case's property's
/// local date at `now` (`crate::time::Days`; `today` is the run's UTC date).
pub fn escalation_engine<P: CollectionsPort>(
    port: &mut P,
    gateway: &Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<EscalationReport> {
    let zones = port.property_zones()?;
    let calendar = crate::time::Days::at(&zones, today, now)?;
    let grace: std::collections::HashMap<uuid::Uuid, i32> =
        port.collection_leases()?.iter().map(|l| (l.id, l.grace_period_days)).collect();
    let mut report = EscalationReport::default();
    for case in port.open_cases()? {
        let today = calendar.of(case.property_id);
        let good = case.status == CaseStatus::PaymentPlan
            && plan::plan_in_good_standing(port.payment_plan(case.id)?.as_ref(), &case, today);
        if good {
            report.paused += 1;
        }
        let Some(next) = super::next_step(case.escalation_level) else { continue };
        let grace_period_days = grace.get(&case.lease_id).copied().unwrap_or(0);
        // The step's day first: only a case whose next step's day has come reads its timeline.
        if (StepClock { due_date: case.due_date, grace_period_days, last_step_on: None }).due_on(next) > today {
            continue;
        }
        let zone = zones.get(&case.property_id).map_or(crate::time::DEFAULT_ZONE, String::as_str);
        let clock = step_clock(port, &case, grace_period_days, zone, today, now)?;
        let Some(step) = super::due_step(case.status, case.escalation_level, good, &clock, today) else { continue };
        match send_step(port, gateway, &case, step, today, now) {
            Ok(_) => report.sent += 1,
            Err(StoreError::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}
