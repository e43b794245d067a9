//! The case actions (send the next step, escalate, offer a plan, record a payment, add a note),
//! written once over [`CollectionsPort`]: the TUI, the CLI and the server call these functions.
//! Each reads the case, plans with `collections::plan`, drafts any message through the AI gateway
//! (outside any transaction), then writes in one transaction with the case update first, so a
//! case changed meanwhile is refused (`Conflict`) before anything else is written. "Today" (letter
//! dates, a plan's start, a payment's date) is the local date of the case's property at `now`.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::escalation::{case_clock, draft_message, draft_step, preview_step, MessagePreview, Parties};
use super::plan;
use super::port::{CollectionWrite, CollectionsPort};
use super::{
    ActionType, Channel, CollectionAction, CollectionCase, CollectionsError, EscalationStep, PaymentOutcome,
    PaymentPlan, PlanTerms,
};
use crate::ai::Gateway;
use crate::outbox::{DeliveryChannel, NewMessage};
use crate::store::{Result, StoreError};
use crate::time::today_at;

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// When a case's next step is due: the step and the first date the schedule allows it (its
/// day, and the minimum gap after the previous step), or why there is none (closed, or already
/// at the legal step). What a person is told before sending it.
pub fn next_step_due<P: CollectionsPort + ?Sized>(
    port: &P,
    case: &CollectionCase,
    now: DateTime<Utc>,
) -> Result<std::result::Result<(&'static EscalationStep, NaiveDate), CollectionsError>> {
    let step = match super::manual_next_step(case.status, case.escalation_level) {
        Ok(step) => step,
        Err(e) => return Ok(Err(e)),
    };
    let (_, clock) = case_clock(port, case, now)?;
    Ok(Ok((step, clock.due_on(step))))
}

/// What `send-reminder` would send now, drafted but not written: the confirm shows it.
pub fn preview_next_step<P: CollectionsPort>(
    port: &P,
    gateway: &Gateway,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<MessagePreview>> {
    let case = port.collection_case(case_id)?;
    let today = today_at(port, case.property_id, now)?;
    let step = super::manual_next_step(case.status, case.escalation_level).map_err(refused)?;
    preview_step(port, gateway, &case, step, today, now)
}

/// `send-reminder`: the next step now. Refused ahead of the schedule (the step's day not
/// reached, or too soon after the previous step), saying when it is due, unless
/// `override_schedule`: then it goes, and the override is written on the case's timeline (and
/// in its notes) naming `actor`, in the same transaction.
pub fn send_next_step<P: CollectionsPort>(
    port: &mut P,
    gateway: &Gateway,
    case_id: Uuid,
    override_schedule: bool,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    let case = port.collection_case(case_id)?;
    let step = super::manual_next_step(case.status, case.escalation_level).map_err(refused)?;
    let (today, clock) = case_clock(port, &case, now)?;
    let ahead = super::check_schedule(step, &clock, today, override_schedule).map_err(refused)?;
    let (mut stepped, rows) = draft_step(port, gateway, &case, step, today, now)?;
    let mut logged = None;
    if let Some(due_on) = ahead {
        let text = format!(
            "Step {} ({}) sent ahead of schedule by {actor} (it was due on {due_on}).",
            step.level, step.description
        );
        stepped.notes = plan::append_note(&stepped.notes, &text, now);
        logged = Some(CollectionWrite::Action(plan::system_action(&stepped, ActionType::Note, &text, now)));
    }
    let mut writes = vec![CollectionWrite::update(&case, stepped)];
    writes.extend(rows);
    writes.extend(logged);
    port.write_collections(&writes, now)?;
    port.collection_case(case_id)
}

/// `escalate`: the legal escalation warning if it has not gone yet, and the case marked
/// escalated to legal, in one transaction.
pub fn escalate<P: CollectionsPort>(
    port: &mut P,
    gateway: &Gateway,
    case_id: Uuid,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    let case = port.collection_case(case_id)?;
    let today = today_at(port, case.property_id, now)?;
    if !case.is_open() {
        return Err(refused(CollectionsError::Closed(case.status)));
    }
    let (stepped, rows) = if case.escalation_level < 5 {
        let step = super::step(5).ok_or_else(|| refused("There is no legal step."))?;
        draft_step(port, gateway, &case, step, today, now)?
    } else {
        (case.clone(), Vec::new())
    };
    let mut writes = vec![CollectionWrite::update(&case, plan::mark_escalated(&stepped, actor, now))];
    writes.extend(rows);
    port.write_collections(&writes, now)?;
    port.collection_case(case_id)
}

/// `offer-plan`: splits the balance into installments, records the offer and emails the tenant
/// (`collections:{case}:plan:{plan}`); escalation pauses while the installments are kept.
pub fn offer_plan<P: CollectionsPort>(
    port: &mut P,
    gateway: &Gateway,
    case_id: Uuid,
    terms: PlanTerms,
    start_date: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(CollectionCase, PaymentPlan)> {
    let case = port.collection_case(case_id)?;
    let today = today_at(port, case.property_id, now)?;
    let has_plan = port.payment_plan(case_id)?.is_some();
    let offer = plan::new_payment_plan(&case, has_plan, terms, start_date, today, now).map_err(refused)?;
    let schedule = plan::schedule(&offer);
    let (updated, tone) = plan::on_plan(&case, now);
    let who = Parties::of(port, &case, today)?;
    let draft = draft_message(port, gateway, &case, &who, tone, DeliveryChannel::Email, Some(&schedule), today, now)?;
    let writes = vec![
        CollectionWrite::update(&case, updated.clone()),
        CollectionWrite::InsertPlan(offer.clone()),
        CollectionWrite::Action(CollectionAction::new(
            case_id,
            ActionType::PaymentPlan,
            updated.escalation_level,
            Channel::Email,
            draft.text.clone(),
            tone.as_str(),
            &draft.provider,
            now,
        )),
        CollectionWrite::Enqueue(NewMessage {
            idempotency_key: format!("collections:{case_id}:plan:{}", offer.id),
            channel: DeliveryChannel::Email,
            recipient_name: who.tenant.full_name(),
            recipient: who.tenant.email.clone(),
            subject: format!("Payment plan for {} {}", who.property.name, who.unit.unit_number),
            body: draft.text,
            attachment_sha256: None,
            attachment_name: None,
            related_type: "collection_case".into(),
            related_id: Some(case_id),
            scheduled_for: now,
        }),
    ];
    port.write_collections(&writes, now)?;
    Ok((port.collection_case(case_id)?, offer))
}

/// `record-payment`: posts the payment to the ledger, lowers the balance, updates the plan's
/// installments, and closes the case as paid when nothing is left.
pub fn record_payment<P: CollectionsPort>(
    port: &mut P,
    case_id: Uuid,
    amount: Decimal,
    paid_on: NaiveDate,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(CollectionCase, PaymentOutcome)> {
    let case = port.collection_case(case_id)?;
    let today = today_at(port, case.property_id, now)?;
    let current = port.payment_plan(case_id)?;
    let change =
        plan::record_payment(&case, current, amount, paid_on, actor, today, now).map_err(StoreError::Rejected)?;
    let mut writes = vec![
        CollectionWrite::update(&case, change.case.clone()),
        CollectionWrite::Ledger(change.entry),
        CollectionWrite::Action(change.action),
    ];
    writes.extend(change.plan.map(CollectionWrite::UpdatePlan));
    port.write_collections(&writes, now)?;
    Ok((port.collection_case(case_id)?, change.outcome))
}

/// A manual note on the case timeline (and in the case's notes, time-stamped).
pub fn add_note<P: CollectionsPort>(
    port: &mut P,
    case_id: Uuid,
    text: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    let case = port.collection_case(case_id)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(refused("A note cannot be empty."));
    }
    let text = crate::format::check_text("Note", text, 2000, true).map_err(refused)?;
    let text = text.as_str();
    let mut noted = case.clone();
    noted.notes = plan::append_note(&case.notes, &format!("{actor}: {text}"), now);
    noted.updated_at = now;
    let writes = vec![
        CollectionWrite::update(&case, noted),
        CollectionWrite::Action(plan::system_action(&case, ActionType::Note, text, now)),
    ];
    port.write_collections(&writes, now)?;
    port.collection_case(case_id)
}

/// The table case actions are about, as named in `sync_action.entity`.
pub const ENTITY: &str = "collection_case";

/// A person's action on a case, as it travels from a connected replica to the server (the
/// replica applies the same action at once through the same functions).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CaseAction {
    /// `override` sends the step ahead of the schedule (absent: false, as older replicas send it).
    SendNextStep {
        #[serde(default, rename = "override")]
        override_schedule: bool,
    },
    Escalate,
    OfferPlan {
        terms: PlanTerms,
        #[serde(with = "crate::format::wire::date")]
        start_date: NaiveDate,
    },
    RecordPayment {
        #[serde(with = "crate::format::wire::money")]
        amount: Decimal,
        #[serde(with = "crate::format::wire::date")]
        paid_on: NaiveDate,
    },
    AddNote {
        text: String,
    },
}

impl CaseAction {
    pub fn to_json(&self) -> Result<serde_json::Value> {
        serde_json::to_value(self).map_err(refused)
    }
}

/// Applies a case action (the server's side of a pushed action).
pub fn apply_case_action<P: CollectionsPort>(
    port: &mut P,
    gateway: &Gateway,
    case_id: Uuid,
    action: &CaseAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    match action {
        CaseAction::SendNextStep { override_schedule } => {
            send_next_step(port, gateway, case_id, *override_schedule, actor, now)
        }
        CaseAction::Escalate => escalate(port, gateway, case_id, actor, now),
        CaseAction::OfferPlan { terms, start_date } => {
            offer_plan(port, gateway, case_id, *terms, *start_date, now).map(|(c, _)| c)
        }
        CaseAction::RecordPayment { amount, paid_on } => {
            record_payment(port, case_id, *amount, *paid_on, actor, now).map(|(c, _)| c)
        }
        CaseAction::AddNote { text } => add_note(port, case_id, text, actor, now),
    }
}
