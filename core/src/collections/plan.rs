//! Collections bookkeeping: what the scan, an escalation step, a payment plan and a payment
//! change on a case. Pure functions over loaded rows; the jobs and workflows (`scan`,
//! `escalation`, `workflow`) read through the port, call these, and write what they return.

use chrono::{DateTime, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::escalation::Parties;
use crate::ai::letters::{CollectionsInput, FormerTenant, PlanOffer};
use crate::collections::{
    self, ActionType, CaseStatus, CollectionAction, CollectionCase, CollectionsError, EscalationStep, Installment,
    InstallmentPlan, InstallmentStatus, PaymentOutcome, PaymentPlan, PlanStatus, ScanDecision, Tone,
};
use crate::ledger;
use crate::model::{Lease, LeaseStatus, LedgerEntry, Property, Tenant, TransType, Unit};
use crate::outbox::DeliveryChannel;

/// The late-fee rule lives with the rent job (`crate::rent`), the one place it is written.
pub use crate::rent::late_fee_entries;

/// What the daily scan writes for one lease.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseChange {
    Open(CollectionCase),
    Update(CollectionCase),
    /// Paid: the case closes.
    Close(CollectionCase),
}

/// The daily scan for one lease: `entries` are its ledger entries (late fees included),
/// `open_case` its open case. The rule is `collections::scan_decision`.
pub fn scan_lease(
    lease: &Lease,
    entries: &[LedgerEntry],
    open_case: Option<CollectionCase>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Option<CaseChange> {
    let year_ago = today.checked_sub_months(Months::new(12)).unwrap_or(today);
    let alloc = ledger::allocate(entries);
    let overdue: Vec<_> = alloc.overdue(today).collect();
    let amount: Decimal = overdue.iter().map(|c| c.open_amount).sum();
    let oldest = overdue.iter().map(|c| c.due_date).min();
    let late_fee_open: Decimal = overdue.iter().filter(|c| c.category == "late_fee").map(|c| c.open_amount).sum();
    let late_12mo = alloc.late_count(year_ago, today);
    match collections::scan_decision(open_case.as_ref(), amount, oldest, late_12mo, today) {
        ScanDecision::Open { amount, due_date, days_overdue, profile } => Some(CaseChange::Open(CollectionCase {
            id: Uuid::new_v4(),
            tenant_id: lease.tenant_id,
            lease_id: lease.id,
            unit_id: lease.unit_id,
            property_id: lease.property_id,
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
        })),
        ScanDecision::Update { balance, days_overdue } => open_case.map(|mut case| {
            case.current_balance = balance;
            case.days_overdue = days_overdue;
            case.late_fee_total = late_fee_open;
            case.updated_at = now;
            CaseChange::Update(case)
        }),
        ScanDecision::Close => open_case.map(|mut case| {
            case.current_balance = Decimal::ZERO;
            case.days_overdue = 0;
            case.status = CaseStatus::Paid;
            case.resolved_at = Some(now);
            case.updated_at = now;
            CaseChange::Close(case)
        }),
        ScanDecision::Nothing => None,
    }
}

/// The tone of an escalation step for a case and, for the payment-plan step, the plan offered
/// (three installments starting in a week).
pub fn step_tone_and_plan(
    case: &CollectionCase,
    step: &EscalationStep,
    today: NaiveDate,
) -> (Tone, Option<Vec<InstallmentPlan>>) {
    let tone = collections::select_tone(case.tenant_risk_profile, step.level - 1);
    let plan = (step.action_type == ActionType::PaymentPlan)
        .then(|| collections::plan_installments(case.current_balance, 3, today + chrono::Duration::days(7), today).ok())
        .flatten();
    (tone, plan)
}

/// The action row recording a sent step (its text is the first channel's message).
pub fn step_action(
    case: &CollectionCase,
    step: &EscalationStep,
    channel: collections::Channel,
    tone: Tone,
    text: &str,
    provider: &str,
    now: DateTime<Utc>,
) -> CollectionAction {
    CollectionAction::new(
        case.id,
        step.action_type,
        step.level,
        channel,
        text.to_string(),
        tone.as_str(),
        provider,
        now,
    )
}

/// The outbox idempotency key of a step's message on one channel.
pub fn step_message_key(case_id: Uuid, level: u8, channel: &str) -> String {
    format!("collections:{case_id}:{level}:{channel}")
}

/// A plan's installment schedule.
pub fn schedule(plan: &PaymentPlan) -> Vec<InstallmentPlan> {
    plan.installments
        .iter()
        .map(|i| InstallmentPlan { installment_number: i.installment_number, amount: i.amount, due_date: i.due_date })
        .collect()
}

/// Whether a case on a plan is keeping it (paid toward the plan = plan total − balance).
pub fn plan_in_good_standing(plan: Option<&PaymentPlan>, case: &CollectionCase, today: NaiveDate) -> bool {
    let Some(plan) = plan else { return false };
    let paid = (plan.total_amount - case.current_balance).max(Decimal::ZERO);
    !collections::plan_progress(&schedule(plan), paid, today).missed
}

/// `offer-plan`: the plan for a case's balance, or why not.
pub fn new_payment_plan(
    case: &CollectionCase,
    has_plan: bool,
    terms: collections::PlanTerms,
    start_date: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PaymentPlan, CollectionsError> {
    if !case.is_open() {
        return Err(CollectionsError::Closed(case.status));
    }
    if has_plan {
        return Err(CollectionsError::PlanExists);
    }
    let schedule = collections::plan_for_terms(case.current_balance, terms, start_date, today)?;
    let plan_id = Uuid::new_v4();
    Ok(PaymentPlan {
        id: plan_id,
        case_id: case.id,
        total_amount: case.current_balance,
        num_installments: terms.installments,
        installment_amount: schedule[0].amount,
        start_date,
        status: PlanStatus::Active,
        created_at: now,
        updated_at: now,
        installments: schedule
            .iter()
            .map(|i| Installment {
                id: Uuid::new_v4(),
                plan_id,
                installment_number: i.installment_number,
                amount: i.amount,
                due_date: i.due_date,
                paid_date: None,
                status: InstallmentStatus::Pending,
            })
            .collect(),
    })
}

/// The case after a plan is offered: on the plan, at least at step 4; and the offer's tone.
pub fn on_plan(case: &CollectionCase, now: DateTime<Utc>) -> (CollectionCase, Tone) {
    let tone = collections::select_tone(case.tenant_risk_profile, case.escalation_level.min(4));
    let mut updated = case.clone();
    updated.status = CaseStatus::PaymentPlan;
    updated.escalation_level = updated.escalation_level.max(4);
    updated.updated_at = now;
    (updated, tone)
}

/// What recording a payment changes.
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentChange {
    pub case: CollectionCase,
    pub plan: Option<PaymentPlan>,
    pub outcome: PaymentOutcome,
    /// The ledger payment to post.
    pub entry: LedgerEntry,
    /// The timeline entry.
    pub action: CollectionAction,
}

/// `record-payment`: the case's new balance (closed as paid when nothing is left), the plan's
/// installments, the ledger payment and the timeline entry. Refuses closed cases, dates after
/// `today` (the property's local date) and non-positive amounts.
pub fn record_payment(
    case: &CollectionCase,
    plan: Option<PaymentPlan>,
    amount: Decimal,
    paid_on: NaiveDate,
    actor: &str,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<PaymentChange, String> {
    if !case.is_open() {
        return Err(CollectionsError::Closed(case.status).to_string());
    }
    if paid_on > today {
        return Err(format!("Payment date {paid_on} is in the future."));
    }
    crate::format::check_date("Payment date", paid_on)?;
    let outcome = collections::apply_payment(case.current_balance, amount).map_err(|e| e.to_string())?;
    let mut case = case.clone();
    let mut plan = plan;
    case.current_balance = outcome.new_balance;
    case.updated_at = now;
    if outcome.paid_in_full {
        case.status = CaseStatus::Paid;
        case.resolved_at = Some(now);
    }
    if let Some(p) = plan.as_mut() {
        let paid = (p.total_amount - case.current_balance).max(Decimal::ZERO);
        let progress = collections::plan_progress(&schedule(p), paid, today);
        for (i, (status, _)) in p.installments.iter_mut().zip(progress.statuses) {
            if status == InstallmentStatus::Paid && i.paid_date.is_none() {
                i.paid_date = Some(paid_on);
            }
            i.status = status;
        }
        p.status = if progress.completed || outcome.paid_in_full {
            PlanStatus::Completed
        } else if progress.missed {
            PlanStatus::Defaulted
        } else {
            PlanStatus::Active
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
    let entry = LedgerEntry {
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
    };
    let action = system_action(&case, ActionType::PaymentReceived, &text, now);
    Ok(PaymentChange { case, plan, outcome, entry, action })
}

/// A timeline entry written by the system or a person (not AI-drafted, not sent).
pub fn system_action(
    case: &CollectionCase,
    action_type: ActionType,
    text: &str,
    now: DateTime<Utc>,
) -> CollectionAction {
    CollectionAction::new(
        case.id,
        action_type,
        case.escalation_level,
        collections::Channel::System,
        text.to_string(),
        "",
        "",
        now,
    )
}

/// Appends a time-stamped line to a case's notes.
pub fn append_note(notes: &str, text: &str, now: DateTime<Utc>) -> String {
    let line = format!("[{}] {}", now.format("%Y-%m-%d %H:%M"), text.trim());
    if notes.is_empty() {
        line
    } else {
        format!("{notes}\n{line}")
    }
}

/// `escalate`: the case marked escalated to legal (after the legal step was sent).
pub fn mark_escalated(case: &CollectionCase, actor: &str, now: DateTime<Utc>) -> CollectionCase {
    let mut case = case.clone();
    case.status = CaseStatus::Escalated;
    case.resolved_at = Some(now);
    case.updated_at = now;
    case.notes = append_note(&case.notes, &format!("Escalated to legal by {actor}"), now);
    case
}

/// The outbox channel of a schedule channel (phone calls and system entries send nothing).
pub fn delivery(channel: collections::Channel) -> Option<DeliveryChannel> {
    match channel {
        collections::Channel::Sms => Some(DeliveryChannel::Sms),
        collections::Channel::Email => Some(DeliveryChannel::Email),
        collections::Channel::Letter => Some(DeliveryChannel::Letter),
        collections::Channel::Phone | collections::Channel::System => None,
    }
}

/// The schedule channel an outbox channel stands for.
pub fn channel_of(channel: DeliveryChannel) -> collections::Channel {
    match channel {
        DeliveryChannel::Sms => collections::Channel::Sms,
        DeliveryChannel::Email => collections::Channel::Email,
        DeliveryChannel::Letter => collections::Channel::Letter,
    }
}

/// A tenant no longer at the unit: the lease is vacant or its move-out date has passed.
pub fn former_tenant(lease: &Lease, tenant: &Tenant, today: NaiveDate) -> Option<FormerTenant> {
    let moved_out = lease.actual_move_out_date.filter(|d| *d <= today);
    (lease.lease_status == LeaseStatus::Vacant || moved_out.is_some()).then(|| FormerTenant {
        moved_out: moved_out.or(lease.actual_move_out_date),
        forwarding_address: Some(tenant.forwarding_address.trim().to_string()).filter(|a| !a.is_empty()),
    })
}

/// How a step reaches the tenant: its channels, except that a letter to a former tenant who
/// left no forwarding address (it would go to the empty unit) goes by email instead.
pub fn routes(step: &EscalationStep, who: &Parties) -> Vec<DeliveryChannel> {
    let mut out = Vec::new();
    for ch in step.channels.iter().filter_map(|c| delivery(*c)) {
        let ch = if who.address(ch).is_none() { DeliveryChannel::Email } else { ch };
        if !out.contains(&ch) {
            out.push(ch);
        }
    }
    out
}

/// Where a message on `channel` goes: email address, phone number or postal address (a former
/// tenant's forwarding address; `None` when they left none).
pub fn address(
    tenant: &Tenant,
    unit: &Unit,
    property: &Property,
    former: Option<&FormerTenant>,
    channel: DeliveryChannel,
) -> Option<String> {
    match (channel, former) {
        (DeliveryChannel::Email, _) => Some(tenant.email.clone()),
        (DeliveryChannel::Sms, _) => Some(tenant.phone.clone()),
        (DeliveryChannel::Letter, Some(f)) => f.forwarding_address.clone(),
        (DeliveryChannel::Letter, None) => Some(format!(
            "{}, Unit {}, {}, {} {}",
            property.address, unit.unit_number, property.city, property.state, property.zip_code
        )),
    }
}

/// The AI input of a collections message: pay within 3 days (5 in the legal tone), with the
/// case's actual history and the tenant's current status.
pub fn message_input(
    case: &CollectionCase,
    who: &Parties,
    tone: Tone,
    channel: DeliveryChannel,
    plan: Option<&[InstallmentPlan]>,
    today: NaiveDate,
) -> CollectionsInput {
    CollectionsInput {
        recipient: who.recipient.clone(),
        balance: case.current_balance,
        late_fees: case.late_fee_total,
        due_date: case.due_date,
        days_overdue: case.days_overdue,
        pay_by: today + chrono::Duration::days(if tone == Tone::Legal { 5 } else { 3 }),
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
        earlier_notices: who.earlier.clone(),
        former_tenant: who.former.clone(),
    }
}
