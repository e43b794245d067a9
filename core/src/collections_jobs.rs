//! The collections jobs: load ledgers and cases, decide with `collections`, write in one
//! transaction.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::collections::{self, CaseStatus, CollectionCase};
use crate::collections_plan::{self, CaseChange};
use crate::jobs::{Job, JobReport};
use crate::model::LedgerEntry;
use crate::store::{self, Result, Store, StoreError};

/// A lease's ledger read for collections.
struct LeaseLedger {
    lease: crate::model::Lease,
    entries: Vec<LedgerEntry>,
    open_case: Option<CollectionCase>,
}

/// The daily 08:00 scan: late fees, then open / refresh / close cases from overdue balances.
pub fn collections_scan(store: &mut Store, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    let mut work = Vec::new();
    for lease in store.leases_in(&[])? {
        let entries: Vec<LedgerEntry> =
            store.ledger(lease.tenant_id, None)?.into_iter().filter(|e| e.lease_id == Some(lease.id)).collect();
        if entries.is_empty() {
            continue;
        }
        let open_case = store.open_case_for_lease(lease.id)?;
        work.push(LeaseLedger { lease, entries, open_case });
    }

    let (mut opened, mut updated, mut closed, mut fees) = (0u32, 0u32, 0u32, 0u32);
    store.transaction(|tx| {
        for mut l in work {
            for fee in collections_plan::late_fee_entries(&l.lease, &l.entries, today, now) {
                store::insert_ledger_entry(tx, &fee)?;
                l.entries.push(fee);
                fees += 1;
            }
            match collections_plan::scan_lease(&l.lease, &l.entries, l.open_case, today, now) {
                Some(CaseChange::Open(case)) => {
                    store::insert_case(tx, &case)?;
                    opened += 1;
                }
                Some(CaseChange::Update(case)) => {
                    store::update_case(tx, &case)?;
                    updated += 1;
                }
                Some(CaseChange::Close(case)) => {
                    store::update_case(tx, &case)?;
                    closed += 1;
                }
                None => {}
            }
        }
        Ok(())
    })?;
    Ok(JobReport {
        job: Job::CollectionsScan.name(),
        run_date: today,
        summary: format!(
            "Opened {opened} cases, updated {updated}, closed {closed} as paid; charged {fees} late fees."
        ),
        counts: serde_json::json!({"opened": opened, "updated": updated, "closed": closed, "late_fees": fees}),
        skipped: false,
    })
}

/// Drafts one collections message through the AI gateway in the case's tone and channel.
#[allow(clippy::too_many_arguments)]
fn draft_message(
    store: &Store,
    gateway: &Gateway,
    case: &CollectionCase,
    recipient: &Recipient,
    tone: collections::Tone,
    channel: DeliveryChannel,
    plan: Option<&[collections::InstallmentPlan]>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<DraftedLetter> {
    let input = collections_plan::message_input(case, recipient, tone, channel, plan, today);
    let out = gateway.run::<CollectionsMessage>(&input, store, now).map_err(|e| StoreError::Rejected(e.to_string()))?;
    Ok(DraftedLetter { text: out.value.render(), provider: out.provider.as_str().into() })
}

use crate::ai::letters::Recipient;
use crate::ai::prompts::CollectionsMessage;
use crate::ai::Gateway;
use crate::outbox::{self, DeliveryChannel, NewMessage};
use crate::port::DraftedLetter;

/// Drafts and records one escalation step for a case: a `collection_action` and an outbox
/// message per channel, in one transaction. Returns false when the step was already sent.
fn send_step(
    store: &mut Store,
    gateway: &Gateway,
    mut case: CollectionCase,
    step: &'static collections::EscalationStep,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<bool> {
    let tenant = store.tenant(case.tenant_id)?;
    let unit = store.unit(case.unit_id)?;
    let property = store.property(case.property_id)?;
    let lease = store.lease(case.lease_id)?;
    let to = crate::port::recipient(&*store, &lease)?;
    case.days_overdue = (today - case.due_date).num_days().max(0);
    let (tone, plan) = collections_plan::step_tone_and_plan(&case, step, today);
    let mut drafts = Vec::new();
    for ch in step.channels {
        let Some(channel) = collections_plan::delivery(*ch) else { continue };
        let draft = draft_message(store, gateway, &case, &to, tone, channel, plan.as_deref(), today, now)?;
        // A letter also goes out as a printable PDF (certified for the legal step).
        let attachment = if channel == DeliveryChannel::Letter {
            let input = crate::pdf::letter::LetterInput {
                property_name: to.property_name.clone(),
                property_address: to.property_address.clone(),
                date: crate::format::date(today),
                recipient: vec![to.full_name(), collections_plan::address(&tenant, &unit, &property, channel)],
                subject: format!("{} — unit {}", step.description, to.unit_number),
                body: draft.text.clone(),
                figures: vec![
                    ("Balance due".into(), crate::format::money(case.current_balance)),
                    ("Late fees included".into(), crate::format::money(case.late_fee_total)),
                    ("Unpaid since".into(), crate::format::date(case.due_date)),
                    ("Days overdue".into(), case.days_overdue.to_string()),
                ],
                banner: (tone == collections::Tone::Legal).then(|| "FINAL NOTICE BEFORE LEGAL ACTION".to_string()),
            };
            let name = format!("Notice level {} unit {}.pdf", step.level, to.unit_number);
            crate::documents::store_letter_pdf(store, &input, &name, now)?
        } else {
            None
        };
        drafts.push((*ch, channel, draft, attachment));
    }
    let recipient = |channel: DeliveryChannel| collections_plan::address(&tenant, &unit, &property, channel);
    store.transaction(|tx| {
        let mut first = true;
        for (ch, channel, draft, attachment) in &drafts {
            // One action row per step (its text is the first channel's message).
            if first {
                let recorded = store::insert_action(
                    tx,
                    &collections_plan::step_action(&case, step, *ch, tone, &draft.text, &draft.provider, now),
                )?;
                if !recorded {
                    return Ok(false);
                }
                first = false;
            }
            outbox::enqueue(
                tx,
                &NewMessage {
                    idempotency_key: collections_plan::step_message_key(case.id, step.level, channel.as_str()),
                    channel: *channel,
                    recipient_name: tenant.full_name(),
                    recipient: recipient(*channel),
                    subject: format!("{}: {} {}", step.description, property.name, unit.unit_number),
                    body: draft.text.clone(),
                    attachment_sha256: attachment.as_ref().map(|a| a.sha256.clone()),
                    attachment_name: attachment.as_ref().map(|a| a.name.clone()),
                    related_type: "collection_case".into(),
                    related_id: Some(case.id),
                    scheduled_for: now,
                },
                now,
            )?;
        }
        case.escalation_level = step.level;
        case.tone = tone;
        case.updated_at = now;
        store::update_case(tx, &case)?;
        Ok(true)
    })
}

/// Whether a case on a plan is keeping it.
fn plan_in_good_standing(store: &Store, case: &CollectionCase, today: NaiveDate) -> Result<bool> {
    Ok(collections_plan::plan_in_good_standing(store.payment_plan(case.id)?.as_ref(), case, today))
}

/// The escalation engine (every 4 hours): each open case advances to the step its days overdue
/// call for, each step's message sent exactly once.
pub fn escalation_engine(
    store: &mut Store,
    gateway: &Gateway,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<JobReport> {
    let cases = store.collection_cases(&store::CaseFilter {
        status: vec![CaseStatus::Open, CaseStatus::PaymentPlan],
        ..Default::default()
    })?;
    let (mut sent, mut paused) = (0u32, 0u32);
    for case in cases {
        let days = (today - case.due_date).num_days().max(0);
        let good = case.status == CaseStatus::PaymentPlan && plan_in_good_standing(store, &case, today)?;
        if good {
            paused += 1;
        }
        let Some(step) = collections::due_step(case.status, case.escalation_level, days, good) else { continue };
        if send_step(store, gateway, case, step, today, now)? {
            sent += 1;
        }
    }
    Ok(JobReport {
        job: Job::EscalationEngine.name(),
        run_date: today,
        summary: format!("Sent {sent} escalation steps; {paused} cases paused on a payment plan."),
        counts: serde_json::json!({"sent": sent, "paused": paused}),
        skipped: false,
    })
}

/// `send-reminder`: the next step now, whatever the days overdue.
pub fn send_next_step(
    store: &mut Store,
    gateway: &Gateway,
    case_id: Uuid,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    let case = store.collection_case(case_id)?;
    let step = collections::manual_next_step(case.status, case.escalation_level)
        .map_err(|e| StoreError::Rejected(e.to_string()))?;
    send_step(store, gateway, case, step, today, now)?;
    store.collection_case(case_id)
}

/// `escalate`: send the legal escalation warning if it has not gone, and mark the case escalated.
pub fn escalate(
    store: &mut Store,
    gateway: &Gateway,
    case_id: Uuid,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    let case = store.collection_case(case_id)?;
    if !case.is_open() {
        return Err(StoreError::Rejected(collections::CollectionsError::Closed(case.status).to_string()));
    }
    if case.escalation_level < 5 {
        let step = collections::step(5).ok_or_else(|| StoreError::Rejected("no legal step".into()))?;
        send_step(store, gateway, case, step, today, now)?;
    }
    let case = collections_plan::mark_escalated(&store.collection_case(case_id)?, actor, now);
    store.transaction(|tx| store::update_case(tx, &case))?;
    Ok(case)
}

/// `offer-plan`: splits the balance into installments, records the offer and messages the tenant;
/// escalation pauses while the installments are kept.
pub fn offer_plan(
    store: &mut Store,
    gateway: &Gateway,
    case_id: Uuid,
    terms: collections::PlanTerms,
    start_date: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(CollectionCase, collections::PaymentPlan)> {
    let case = store.collection_case(case_id)?;
    let has_plan = store.payment_plan(case_id)?.is_some();
    let plan = collections_plan::new_payment_plan(&case, has_plan, terms, start_date, today, now)
        .map_err(|e| StoreError::Rejected(e.to_string()))?;
    let plan_id = plan.id;
    let schedule = collections_plan::schedule(&plan);
    let tenant = store.tenant(case.tenant_id)?;
    let unit = store.unit(case.unit_id)?;
    let property = store.property(case.property_id)?;
    let (updated, tone) = collections_plan::on_plan(&case, now);
    let to = crate::port::recipient(&*store, &store.lease(case.lease_id)?)?;
    let draft = draft_message(store, gateway, &case, &to, tone, DeliveryChannel::Email, Some(&schedule), today, now)?;
    store.transaction(|tx| {
        store::insert_plan(tx, &plan)?;
        store::insert_action(
            tx,
            &collections::CollectionAction::new(
                case_id,
                collections::ActionType::Note,
                updated.escalation_level,
                collections::Channel::Email,
                draft.text.clone(),
                tone.as_str(),
                &draft.provider,
                now,
            ),
        )?;
        outbox::enqueue(
            tx,
            &NewMessage {
                idempotency_key: format!("collections:{case_id}:plan:{plan_id}"),
                channel: DeliveryChannel::Email,
                recipient_name: tenant.full_name(),
                recipient: tenant.email.clone(),
                subject: format!("Payment plan for {} {}", property.name, unit.unit_number),
                body: draft.text.clone(),
                attachment_sha256: None,
                attachment_name: None,
                related_type: "collection_case".into(),
                related_id: Some(case_id),
                scheduled_for: now,
            },
            now,
        )?;
        store::update_case(tx, &updated)
    })?;
    Ok((updated, plan))
}

/// `record-payment`: posts the payment to the ledger, reduces the balance, updates the plan,
/// and closes the case as paid when nothing is left.
pub fn record_payment(
    store: &mut Store,
    case_id: Uuid,
    amount: Decimal,
    paid_on: NaiveDate,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(CollectionCase, collections::PaymentOutcome)> {
    let case = store.collection_case(case_id)?;
    let plan = store.payment_plan(case_id)?;
    let change =
        collections_plan::record_payment(&case, plan, amount, paid_on, actor, now).map_err(StoreError::Rejected)?;
    store.transaction(|tx| {
        store::insert_ledger_entry(tx, &change.entry)?;
        store::insert_action(tx, &change.action)?;
        if let Some(p) = &change.plan {
            store::update_plan(tx, p, now)?;
        }
        store::update_case(tx, &change.case)
    })?;
    Ok((change.case, change.outcome))
}

/// A manual note on the case timeline.
pub fn add_note(
    store: &mut Store,
    case_id: Uuid,
    text: &str,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<CollectionCase> {
    let mut case = store.collection_case(case_id)?;
    let text = text.trim();
    if text.is_empty() {
        return Err(StoreError::Rejected("A note cannot be empty.".into()));
    }
    case.notes = collections_plan::append_note(&case.notes, &format!("{actor}: {text}"), now);
    case.updated_at = now;
    store.transaction(|tx| {
        store::insert_action(
            tx,
            &collections::CollectionAction::new(
                case_id,
                collections::ActionType::Note,
                case.escalation_level,
                collections::Channel::System,
                text.to_string(),
                "",
                "",
                now,
            ),
        )?;
        store::update_case(tx, &case)
    })?;
    Ok(case)
}
