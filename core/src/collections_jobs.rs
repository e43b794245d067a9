//! The collections jobs: load ledgers and cases, decide with `collections`, write in one
//! transaction.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::collections::{self, CaseStatus, CollectionCase, ScanDecision};
use crate::jobs::{Job, JobReport};
use crate::ledger;
use crate::model::{LedgerEntry, TransType};
use crate::store::{self, Result, Store, StoreError};

/// A lease's ledger read for collections.
struct LeaseLedger {
    lease: crate::model::Lease,
    entries: Vec<LedgerEntry>,
    open_case: Option<CollectionCase>,
}

/// Late fees due today for a lease: one per open rent charge past its grace period.
fn late_fees(l: &LeaseLedger, today: NaiveDate, now: DateTime<Utc>) -> Vec<LedgerEntry> {
    let alloc = ledger::allocate(&l.entries);
    alloc
        .open_charges()
        .filter(|c| c.category == "rent")
        .filter_map(|c| {
            let fee_day = collections::late_fee_date(c.due_date, l.lease.grace_period_days);
            let charged = l.entries.iter().any(|e| e.category == "late_fee" && e.trans_date == fee_day);
            let amount = collections::late_fee_due(
                c.due_date,
                l.lease.grace_period_days,
                l.lease.late_fee_amount,
                true,
                charged,
                today,
            )?;
            Some(LedgerEntry {
                id: Uuid::new_v4(),
                tenant_id: l.lease.tenant_id,
                lease_id: Some(l.lease.id),
                unit_id: Some(l.lease.unit_id),
                property_id: Some(l.lease.property_id),
                trans_type: TransType::Charge,
                category: "late_fee".into(),
                description: format!("Late fee {}", c.due_date.format("%b %Y")),
                amount,
                trans_date: fee_day,
                due_date: Some(fee_day),
                created_at: now,
            })
        })
        .collect()
}

/// The daily 08:00 scan: late fees, then open / refresh / close cases from overdue balances.
pub fn collections_scan(store: &mut Store, today: NaiveDate, now: DateTime<Utc>) -> Result<JobReport> {
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
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
            for fee in late_fees(&l, today, now) {
                store::insert_ledger_entry(tx, &fee)?;
                l.entries.push(fee);
                fees += 1;
            }
            let alloc = ledger::allocate(&l.entries);
            let overdue: Vec<_> = alloc.overdue(today).collect();
            let amount: Decimal = overdue.iter().map(|c| c.open_amount).sum();
            let oldest = overdue.iter().map(|c| c.due_date).min();
            let late_fee_open: Decimal =
                overdue.iter().filter(|c| c.category == "late_fee").map(|c| c.open_amount).sum();
            let late_12mo = alloc.late_count(year_ago, today);
            match collections::scan_decision(l.open_case.as_ref(), amount, oldest, late_12mo, today) {
                ScanDecision::Open { amount, due_date, days_overdue, profile } => {
                    let case = CollectionCase {
                        id: Uuid::new_v4(),
                        tenant_id: l.lease.tenant_id,
                        lease_id: l.lease.id,
                        unit_id: l.lease.unit_id,
                        property_id: l.lease.property_id,
                        original_amount_due: amount,
                        current_balance: amount,
                        late_fee_total: late_fee_open,
                        days_overdue,
                        due_date,
                        escalation_level: 0,
                        tenant_risk_profile: profile,
                        tone: collections::select_tone(profile, 0),
                        status: CaseStatus::Open,
                        resolved_at: None,
                        assigned_to: String::new(),
                        notes: String::new(),
                        created_at: now,
                        updated_at: now,
                    };
                    store::insert_case(tx, &case)?;
                    opened += 1;
                }
                ScanDecision::Update { balance, days_overdue } => {
                    if let Some(mut case) = l.open_case {
                        case.current_balance = balance;
                        case.days_overdue = days_overdue;
                        case.late_fee_total = late_fee_open;
                        case.updated_at = now;
                        store::update_case(tx, &case)?;
                        updated += 1;
                    }
                }
                ScanDecision::Close => {
                    if let Some(mut case) = l.open_case {
                        case.current_balance = Decimal::ZERO;
                        case.days_overdue = 0;
                        case.status = CaseStatus::Paid;
                        case.resolved_at = Some(now);
                        case.updated_at = now;
                        store::update_case(tx, &case)?;
                        closed += 1;
                    }
                }
                ScanDecision::Nothing => {}
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
    let input = CollectionsInput {
        recipient: recipient.clone(),
        balance: case.current_balance,
        late_fees: case.late_fee_total,
        due_date: case.due_date,
        days_overdue: case.days_overdue,
        pay_by: today + chrono::Duration::days(if tone == collections::Tone::Legal { 5 } else { 3 }),
        tone,
        channel,
        plan: plan.and_then(|p| {
            Some(PlanOffer {
                installments: p.len() as u32,
                installment_amount: p.first()?.amount,
                first_due: p.first()?.due_date,
            })
        }),
        today,
    };
    let out = gateway.run::<CollectionsMessage>(&input, store, now).map_err(|e| StoreError::Rejected(e.to_string()))?;
    Ok(DraftedLetter { text: out.value.render(), provider: out.provider.as_str().into() })
}

use crate::ai::letters::{CollectionsInput, PlanOffer, Recipient};
use crate::ai::prompts::CollectionsMessage;
use crate::ai::Gateway;
use crate::outbox::{self, DeliveryChannel, NewMessage};
use crate::renewals_jobs::DraftedLetter;

fn delivery(channel: collections::Channel) -> Option<DeliveryChannel> {
    match channel {
        collections::Channel::Sms => Some(DeliveryChannel::Sms),
        collections::Channel::Email => Some(DeliveryChannel::Email),
        collections::Channel::Letter => Some(DeliveryChannel::Letter),
        collections::Channel::Phone | collections::Channel::System => None,
    }
}

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
    let to = crate::renewals_jobs::recipient(store, &lease)?;
    case.days_overdue = (today - case.due_date).num_days().max(0);
    let tone = collections::select_tone(case.tenant_risk_profile, step.level - 1);
    let plan = (step.action_type == collections::ActionType::PaymentPlan)
        .then(|| collections::plan_installments(case.current_balance, 3, today + chrono::Duration::days(7), today).ok())
        .flatten();
    let address = format!(
        "{}, Unit {}, {}, {} {}",
        property.address, unit.unit_number, property.city, property.state, property.zip_code
    );
    let mut drafts = Vec::new();
    for ch in step.channels {
        let Some(channel) = delivery(*ch) else { continue };
        let draft = draft_message(store, gateway, &case, &to, tone, channel, plan.as_deref(), today, now)?;
        // A letter also goes out as a printable PDF (certified for the legal step).
        let attachment = if channel == DeliveryChannel::Letter {
            let input = crate::pdf::letter::LetterInput {
                property_name: to.property_name.clone(),
                property_address: to.property_address.clone(),
                date: crate::format::date(today),
                recipient: vec![to.full_name(), address.clone()],
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
    let recipient = |channel: DeliveryChannel| match channel {
        DeliveryChannel::Email => tenant.email.clone(),
        DeliveryChannel::Sms => tenant.phone.clone(),
        DeliveryChannel::Letter => address.clone(),
    };
    store.transaction(|tx| {
        let mut first = true;
        for (ch, channel, draft, attachment) in &drafts {
            // One action row per step (its text is the first channel's message).
            if first {
                let recorded = store::insert_action(
                    tx,
                    &collections::CollectionAction {
                        id: Uuid::new_v4(),
                        case_id: case.id,
                        action_type: step.action_type,
                        escalation_level: step.level,
                        channel: *ch,
                        message_text: draft.text.clone(),
                        tone_used: tone.as_str().into(),
                        ai_generated: true,
                        ai_provider: draft.provider.clone(),
                        sent_at: Some(now),
                        delivered: false,
                        opened: false,
                        response_received: false,
                        created_at: now,
                    },
                )?;
                if !recorded {
                    return Ok(false);
                }
                first = false;
            }
            outbox::enqueue(
                tx,
                &NewMessage {
                    idempotency_key: format!("collections:{}:{}:{}", case.id, step.level, channel.as_str()),
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

/// Whether a case on a plan is keeping it (paid toward the plan = plan total − balance).
fn plan_in_good_standing(store: &Store, case: &CollectionCase, today: NaiveDate) -> Result<bool> {
    let Some(plan) = store.payment_plan(case.id)? else { return Ok(false) };
    let schedule: Vec<collections::InstallmentPlan> = plan
        .installments
        .iter()
        .map(|i| collections::InstallmentPlan {
            installment_number: i.installment_number,
            amount: i.amount,
            due_date: i.due_date,
        })
        .collect();
    let paid = (plan.total_amount - case.current_balance).max(Decimal::ZERO);
    Ok(!collections::plan_progress(&schedule, paid, today).missed)
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
    let mut case = store.collection_case(case_id)?;
    case.status = CaseStatus::Escalated;
    case.resolved_at = Some(now);
    case.updated_at = now;
    case.notes = append_note(&case.notes, &format!("Escalated to legal by {actor}"), now);
    store.transaction(|tx| store::update_case(tx, &case))?;
    Ok(case)
}

fn append_note(notes: &str, text: &str, now: DateTime<Utc>) -> String {
    let line = format!("[{}] {}", now.format("%Y-%m-%d %H:%M"), text.trim());
    if notes.is_empty() {
        line
    } else {
        format!("{notes}\n{line}")
    }
}

/// `offer-plan`: splits the balance into installments, records the offer and messages the tenant;
/// escalation pauses while the installments are kept.
pub fn offer_plan(
    store: &mut Store,
    gateway: &Gateway,
    case_id: Uuid,
    installments: u32,
    start_date: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(CollectionCase, collections::PaymentPlan)> {
    let case = store.collection_case(case_id)?;
    let reject = |e: collections::CollectionsError| StoreError::Rejected(e.to_string());
    if !case.is_open() {
        return Err(reject(collections::CollectionsError::Closed(case.status)));
    }
    if store.payment_plan(case_id)?.is_some() {
        return Err(reject(collections::CollectionsError::PlanExists));
    }
    let schedule =
        collections::plan_installments(case.current_balance, installments, start_date, today).map_err(reject)?;
    let plan_id = Uuid::new_v4();
    let plan = collections::PaymentPlan {
        id: plan_id,
        case_id,
        total_amount: case.current_balance,
        num_installments: installments,
        installment_amount: schedule[0].amount,
        start_date,
        status: collections::PlanStatus::Active,
        created_at: now,
        updated_at: now,
        installments: schedule
            .iter()
            .map(|i| collections::Installment {
                id: Uuid::new_v4(),
                plan_id,
                installment_number: i.installment_number,
                amount: i.amount,
                due_date: i.due_date,
                paid_date: None,
                status: collections::InstallmentStatus::Pending,
            })
            .collect(),
    };
    let tenant = store.tenant(case.tenant_id)?;
    let unit = store.unit(case.unit_id)?;
    let property = store.property(case.property_id)?;
    let tone = collections::select_tone(case.tenant_risk_profile, case.escalation_level.min(4));
    let to = crate::renewals_jobs::recipient(store, &store.lease(case.lease_id)?)?;
    let draft = draft_message(store, gateway, &case, &to, tone, DeliveryChannel::Email, Some(&schedule), today, now)?;
    let mut updated = case.clone();
    updated.status = CaseStatus::PaymentPlan;
    updated.escalation_level = updated.escalation_level.max(4);
    updated.updated_at = now;
    store.transaction(|tx| {
        store::insert_plan(tx, &plan)?;
        store::insert_action(
            tx,
            &collections::CollectionAction {
                id: Uuid::new_v4(),
                case_id,
                action_type: collections::ActionType::Note,
                escalation_level: updated.escalation_level,
                channel: collections::Channel::Email,
                message_text: draft.text.clone(),
                tone_used: tone.as_str().into(),
                ai_generated: true,
                ai_provider: draft.provider.clone(),
                sent_at: Some(now),
                delivered: false,
                opened: false,
                response_received: false,
                created_at: now,
            },
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
    let mut case = store.collection_case(case_id)?;
    let reject = |e: collections::CollectionsError| StoreError::Rejected(e.to_string());
    if !case.is_open() {
        return Err(reject(collections::CollectionsError::Closed(case.status)));
    }
    if paid_on > now.date_naive() {
        return Err(StoreError::Rejected(format!("Payment date {paid_on} is in the future.")));
    }
    let outcome = collections::apply_payment(case.current_balance, amount).map_err(reject)?;
    let mut plan = store.payment_plan(case_id)?;
    case.current_balance = outcome.new_balance;
    case.updated_at = now;
    if outcome.paid_in_full {
        case.status = CaseStatus::Paid;
        case.resolved_at = Some(now);
    }
    if let Some(p) = plan.as_mut() {
        let schedule: Vec<collections::InstallmentPlan> = p
            .installments
            .iter()
            .map(|i| collections::InstallmentPlan {
                installment_number: i.installment_number,
                amount: i.amount,
                due_date: i.due_date,
            })
            .collect();
        let paid = (p.total_amount - case.current_balance).max(Decimal::ZERO);
        let progress = collections::plan_progress(&schedule, paid, now.date_naive());
        for (i, (status, _)) in p.installments.iter_mut().zip(progress.statuses) {
            if status == collections::InstallmentStatus::Paid && i.paid_date.is_none() {
                i.paid_date = Some(paid_on);
            }
            i.status = status;
        }
        p.status = if progress.completed || outcome.paid_in_full {
            collections::PlanStatus::Completed
        } else if progress.missed {
            collections::PlanStatus::Defaulted
        } else {
            collections::PlanStatus::Active
        };
    }
    let text = format!(
        "Payment of {} received on {} (recorded by {actor}); balance now {}{}.",
        crate::format::money(amount),
        paid_on,
        crate::format::money(outcome.new_balance),
        if outcome.overpayment > Decimal::ZERO {
            format!(", {} credited to the account", crate::format::money(outcome.overpayment))
        } else {
            String::new()
        }
    );
    store.transaction(|tx| {
        store::insert_ledger_entry(
            tx,
            &LedgerEntry {
                id: Uuid::new_v4(),
                tenant_id: case.tenant_id,
                lease_id: Some(case.lease_id),
                unit_id: Some(case.unit_id),
                property_id: Some(case.property_id),
                trans_type: TransType::Payment,
                category: "collections_payment".into(),
                description: "Payment recorded on collections case".into(),
                amount,
                trans_date: paid_on,
                due_date: None,
                created_at: now,
            },
        )?;
        store::insert_action(
            tx,
            &collections::CollectionAction {
                id: Uuid::new_v4(),
                case_id,
                action_type: collections::ActionType::PaymentReceived,
                escalation_level: case.escalation_level,
                channel: collections::Channel::System,
                message_text: text.clone(),
                tone_used: String::new(),
                ai_generated: false,
                ai_provider: String::new(),
                sent_at: None,
                delivered: false,
                opened: false,
                response_received: false,
                created_at: now,
            },
        )?;
        if let Some(p) = &plan {
            store::update_plan(tx, p, now)?;
        }
        store::update_case(tx, &case)
    })?;
    Ok((case, outcome))
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
    case.notes = append_note(&case.notes, &format!("{actor}: {text}"), now);
    case.updated_at = now;
    store.transaction(|tx| {
        store::insert_action(
            tx,
            &collections::CollectionAction {
                id: Uuid::new_v4(),
                case_id,
                action_type: collections::ActionType::Note,
                escalation_level: case.escalation_level,
                channel: collections::Channel::System,
                message_text: text.to_string(),
                tone_used: String::new(),
                ai_generated: false,
                ai_provider: String::new(),
                sent_at: None,
                delivered: false,
                opened: false,
                response_received: false,
                created_at: now,
            },
        )?;
        store::update_case(tx, &case)
    })?;
    Ok(case)
}
