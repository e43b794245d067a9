//! Smart collections (spec 1.3): risk profile, tone, the five-step escalation schedule,
//! payment plans, payments and late fees. Pure functions; money in Decimal.
//!
//! The jobs and workflows are written once over [`port::CollectionsPort`]: the daily scan
//! ([`scan`]), the escalation engine ([`escalation`]) and the case actions ([`workflow`]); what
//! each of them changes on a case is planned by the pure functions of [`plan`].

pub mod escalation;
pub mod plan;
pub mod port;
pub mod scan;
pub mod workflow;

use chrono::{Duration, Months, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use crate::model::string_enum;

string_enum! {
    /// `collection_case.tenant_risk_profile`.
    RiskProfile {
        GoodHistory => "good_history", "Good History";
        Standard => "standard", "Standard";
        RepeatOffender => "repeat_offender", "Repeat Offender";
        Chronic => "chronic", "Chronic";
    }
}

string_enum! {
    /// `collection_case.tone` and `collection_action.tone_used`.
    Tone {
        Friendly => "friendly", "Friendly";
        Firm => "firm", "Firm";
        Formal => "formal", "Formal";
        Legal => "legal", "Legal";
    }
}

string_enum! {
    /// `collection_case.status`.
    CaseStatus {
        Open => "open", "Open";
        PaymentPlan => "payment_plan", "Payment Plan";
        Paid => "paid", "Paid";
        Escalated => "escalated", "Escalated to Legal";
        WrittenOff => "written_off", "Written Off";
    }
}

string_enum! {
    /// `collection_action.action_type`.
    ActionType {
        Sms => "sms", "SMS Reminder";
        Email => "email", "Email Notice";
        FormalLetter => "formal_letter", "Formal Letter";
        PaymentPlan => "payment_plan", "Payment Plan Offer";
        Escalation => "escalation", "Legal Escalation";
        Call => "call", "Phone Call";
        PaymentReceived => "payment_received", "Payment Received";
        Note => "note", "Manual Note";
    }
}

string_enum! {
    /// `collection_action.channel`.
    #[serde(rename = "CollectionChannel")] // the TypeScript name: `Channel` is taken by Tauri
    Channel {
        Sms => "sms", "SMS";
        Email => "email", "Email";
        Letter => "letter", "Letter";
        Phone => "phone", "Phone";
        System => "system", "System";
    }
}

string_enum! {
    /// `collection_payment_plan.status`.
    PlanStatus {
        Proposed => "proposed", "Proposed";
        Accepted => "accepted", "Accepted";
        Active => "active", "Active";
        Completed => "completed", "Completed";
        Defaulted => "defaulted", "Defaulted";
    }
}

string_enum! {
    /// `collection_plan_installment.status`.
    InstallmentStatus {
        Pending => "pending", "Pending";
        Paid => "paid", "Paid";
        Overdue => "overdue", "Overdue";
        Partial => "partial", "Partial";
    }
}

/// Risk profile from late payments in the last 12 months: chronic 6+, repeat offender 3+,
/// good history for at most one (a first-time late payer), standard otherwise.
pub fn risk_profile(late_12mo: usize) -> RiskProfile {
    match late_12mo {
        0 | 1 => RiskProfile::GoodHistory,
        2 => RiskProfile::Standard,
        3..=5 => RiskProfile::RepeatOffender,
        _ => RiskProfile::Chronic,
    }
}

/// `select_tone`, exactly as the spec's tone map. `escalation_level` is the case's level
/// before the step (0 = new), so step N uses index N−1.
pub fn select_tone(profile: RiskProfile, escalation_level: u8) -> Tone {
    use Tone::*;
    let map: [Tone; 5] = match profile {
        RiskProfile::GoodHistory => [Friendly, Friendly, Firm, Firm, Formal],
        RiskProfile::Standard => [Friendly, Firm, Firm, Formal, Formal],
        RiskProfile::RepeatOffender => [Firm, Firm, Formal, Formal, Legal],
        RiskProfile::Chronic => [Firm, Formal, Formal, Legal, Legal],
    };
    map[(escalation_level as usize).min(4)]
}

/// One step of the five-step escalation schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct EscalationStep {
    pub level: u8,
    /// Days overdue at which the step is due.
    pub day: i64,
    pub action_type: ActionType,
    pub channels: &'static [Channel],
    pub description: &'static str,
}

/// Day 1 SMS friendly reminder, day 3 email notice, day 5 formal notice by email + letter,
/// day 8 payment-plan offer, day 12 legal escalation warning by certified letter.
pub const SCHEDULE: [EscalationStep; 5] = [
    EscalationStep {
        level: 1,
        day: 1,
        action_type: ActionType::Sms,
        channels: &[Channel::Sms],
        description: "Friendly reminder",
    },
    EscalationStep {
        level: 2,
        day: 3,
        action_type: ActionType::Email,
        channels: &[Channel::Email],
        description: "Detailed notice",
    },
    EscalationStep {
        level: 3,
        day: 5,
        action_type: ActionType::FormalLetter,
        channels: &[Channel::Email, Channel::Letter],
        description: "Formal notice",
    },
    EscalationStep {
        level: 4,
        day: 8,
        action_type: ActionType::PaymentPlan,
        channels: &[Channel::Email],
        description: "Payment plan offer",
    },
    EscalationStep {
        level: 5,
        day: 12,
        action_type: ActionType::Escalation,
        channels: &[Channel::Letter],
        description: "Legal escalation warning (certified letter)",
    },
];

/// The action types of the schedule's steps (and of a payment plan offered by hand): what
/// counts as "the previous step" when the gap to the next is measured.
pub const STEP_ACTION_TYPES: [ActionType; 5] =
    [ActionType::Sms, ActionType::Email, ActionType::FormalLetter, ActionType::PaymentPlan, ActionType::Escalation];

/// The step a case's days overdue call for (None before day 1).
pub fn step_for_days(days_overdue: i64) -> Option<&'static EscalationStep> {
    SCHEDULE.iter().rev().find(|s| days_overdue >= s.day)
}

/// The step by level (1–5).
pub fn step(level: u8) -> Option<&'static EscalationStep> {
    SCHEDULE.iter().find(|s| s.level == level)
}

/// The least number of days between step `level - 1` and step `level`: the gaps between the
/// schedule's days (2, 2, 3 and 4 days before steps 2, 3, 4 and 5; none before step 1), so a
/// tenant always has the time the schedule gives to answer one step before the next.
pub fn min_gap_days(level: u8) -> i64 {
    match (step(level), level.checked_sub(1).and_then(step)) {
        (Some(this), Some(previous)) => this.day - previous.day,
        _ => 0,
    }
}

/// What the schedule of one case counts from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
pub struct StepClock {
    /// The case's due date (its oldest unpaid charge's).
    pub due_date: NaiveDate,
    /// The lease's grace period: day 1 of the schedule is the first day after it, the day the
    /// late fee is charged (`late_fee_date`); with no grace it is the day after the due date.
    pub grace_period_days: i32,
    /// The local date the case's latest step was sent (None before the first).
    pub last_step_on: Option<NaiveDate>,
}

impl StepClock {
    /// Day 0 of the schedule: the last day of the grace period.
    pub fn day_zero(&self) -> NaiveDate {
        late_fee_date(self.due_date, self.grace_period_days) - Duration::days(1)
    }

    /// The first date `step` may go: its day of the schedule reached, and at least
    /// [`min_gap_days`] after the previous step was sent.
    pub fn due_on(&self, step: &EscalationStep) -> NaiveDate {
        let by_day = self.day_zero() + Duration::days(step.day);
        match self.last_step_on {
            Some(last) => by_day.max(last + Duration::days(min_gap_days(step.level))),
            None => by_day,
        }
    }
}

/// The step after `escalation_level` (None after the legal step).
pub fn next_step(escalation_level: u8) -> Option<&'static EscalationStep> {
    escalation_level.checked_add(1).and_then(step)
}

/// What the escalation engine does for one case on `today`: the next step (never more than
/// one a run, so a backlog is worked through step by step, not skipped to legal) once it is due
/// by [`StepClock::due_on`]. Paused while a payment plan is being kept.
pub fn due_step(
    status: CaseStatus,
    escalation_level: u8,
    plan_in_good_standing: bool,
    clock: &StepClock,
    today: NaiveDate,
) -> Option<&'static EscalationStep> {
    match status {
        CaseStatus::Open => {}
        CaseStatus::PaymentPlan if !plan_in_good_standing => {}
        _ => return None,
    }
    next_step(escalation_level).filter(|s| clock.due_on(s) <= today)
}

/// The manual "send next step" (`send-reminder`): the next level, whatever the schedule says
/// (see [`check_schedule`] for whether it is due yet).
pub fn manual_next_step(status: CaseStatus, escalation_level: u8) -> Result<&'static EscalationStep, CollectionsError> {
    match status {
        CaseStatus::Open | CaseStatus::PaymentPlan => {}
        other => return Err(CollectionsError::Closed(other)),
    }
    next_step(escalation_level).ok_or(CollectionsError::AlreadyEscalated)
}

/// Whether a person may send `step` on `today`: refused ahead of the schedule unless they
/// override it. `Ok(Some(due_on))` is an override of a step not due until `due_on` (to be
/// logged on the case's timeline), `Ok(None)` a step that is due.
pub fn check_schedule(
    step: &EscalationStep,
    clock: &StepClock,
    today: NaiveDate,
    override_schedule: bool,
) -> Result<Option<NaiveDate>, CollectionsError> {
    let due_on = clock.due_on(step);
    match (due_on <= today, override_schedule) {
        (true, _) => Ok(None),
        (false, true) => Ok(Some(due_on)),
        (false, false) => {
            Err(CollectionsError::AheadOfSchedule { level: step.level, description: step.description, due_on })
        }
    }
}

/// The over-payment warning: the amount above `balance` becomes a credit on the lease.
pub fn overpayment_warning(amount: Decimal, balance: Decimal) -> Option<String> {
    (amount > balance).then(|| {
        format!(
            "Payment {} is {} more than the balance {}; the excess will be a credit",
            crate::format::money(amount),
            crate::format::money(amount - balance),
            crate::format::money(balance)
        )
    })
}

/// Why a collections action was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectionsError {
    #[error("Case is closed ({}).", .0.label())]
    Closed(CaseStatus),
    #[error("Case is already at the final escalation step.")]
    AlreadyEscalated,
    /// A manual step before the schedule allows it (its day, or the gap since the last step).
    #[error(
        "Step {level} ({description}) is ahead of schedule: it is due on {due_on}. Send it earlier only with an override."
    )]
    AheadOfSchedule { level: u8, description: &'static str, due_on: NaiveDate },
    #[error("Installments must be between 2 and 12 (got {0}).")]
    Installments(u32),
    #[error("Nothing is owed on this case.")]
    NothingOwed,
    #[error("Payment amount must be greater than zero.")]
    NonPositivePayment,
    /// An amount beyond what a money column holds (`format::MAX_MONEY`).
    #[error("{0}")]
    TooLarge(String),
    #[error("Plan start date ({start}) cannot be in the past (today is {today}).")]
    PlanStartsInPast { start: NaiveDate, today: NaiveDate },
    #[error("Plan start date ({start}) is more than a year ahead (today is {today}).")]
    PlanStartsTooLate { start: NaiveDate, today: NaiveDate },
    #[error("A payment plan is already in place for this case.")]
    PlanExists,
    #[error("Installment amount must be greater than zero.")]
    NonPositiveInstallment,
    /// Installments at the agreed amount that miss the balance, with the terms that would fit.
    #[error("{installments} installments of {amount} come to {total}, {gap} the balance of {balance}; {hint}.")]
    PlanDoesNotSum { installments: u32, amount: String, total: String, gap: String, balance: String, hint: String },
}

fn cents(amount: Decimal) -> Decimal {
    amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// One installment of a proposed plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct InstallmentPlan {
    pub installment_number: u32,
    pub amount: Decimal,
    pub due_date: NaiveDate,
}

/// Splits the balance into monthly installments from `start_date` that sum exactly to it:
/// equal amounts rounded down to the cent, the last one taking the remainder.
pub fn plan_installments(
    balance: Decimal,
    installments: u32,
    start_date: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<InstallmentPlan>, CollectionsError> {
    if !(2..=12).contains(&installments) {
        return Err(CollectionsError::Installments(installments));
    }
    if balance <= Decimal::ZERO {
        return Err(CollectionsError::NothingOwed);
    }
    if start_date < today {
        return Err(CollectionsError::PlanStartsInPast { start: start_date, today });
    }
    let balance = cents(balance);
    let base = (balance / Decimal::from(installments)).round_dp_with_strategy(2, RoundingStrategy::ToZero);
    Ok((0..installments)
        .map(|k| InstallmentPlan {
            installment_number: k + 1,
            amount: if k + 1 == installments { balance - base * Decimal::from(installments - 1) } else { base },
            due_date: start_date.checked_add_months(Months::new(k)).unwrap_or(start_date),
        })
        .collect())
}

/// The terms agreed with the tenant: how many monthly installments and, when the tenant named
/// one, the amount of each (the last takes what is left); otherwise the balance is split evenly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
pub struct PlanTerms {
    pub installments: u32,
    pub installment_amount: Option<Decimal>,
}

impl PlanTerms {
    pub fn even(installments: u32) -> PlanTerms {
        PlanTerms { installments, installment_amount: None }
    }
}

/// The schedule for `terms`: an even split ([`plan_installments`]) or installments of the
/// agreed amount with the last one taking the remainder. Agreed terms that do not sum to the
/// balance (the last installment would be larger than the others, or nothing would be left
/// for it) are refused with the count and amount that would fit.
pub fn plan_for_terms(
    balance: Decimal,
    terms: PlanTerms,
    start_date: NaiveDate,
    today: NaiveDate,
) -> Result<Vec<InstallmentPlan>, CollectionsError> {
    if start_date > today + chrono::Duration::days(366) {
        return Err(CollectionsError::PlanStartsTooLate { start: start_date, today });
    }
    let mut schedule = plan_installments(balance, terms.installments, start_date, today)?;
    let Some(amount) = terms.installment_amount else { return Ok(schedule) };
    if amount <= Decimal::ZERO {
        return Err(CollectionsError::NonPositiveInstallment);
    }
    if !crate::format::fits_money(amount) {
        return Err(CollectionsError::TooLarge(crate::format::money_too_large("Installment amount", amount)));
    }
    let (balance, amount, n) = (cents(balance), cents(amount), terms.installments);
    let last = balance - amount * Decimal::from(n - 1);
    if last <= Decimal::ZERO || last > amount {
        let total = amount * Decimal::from(n);
        let gap = if total < balance {
            format!("{} short of", crate::format::money(balance - total))
        } else {
            format!("{} more than", crate::format::money(total - balance))
        };
        // The count that fits this amount, and the even amount that fits this count.
        let fits = (balance / amount).ceil();
        let even = (balance / Decimal::from(n)).round_dp_with_strategy(2, RoundingStrategy::AwayFromZero);
        let hint = match rust_decimal::prelude::ToPrimitive::to_u32(&fits).filter(|k| (2..=12).contains(k)) {
            Some(k) => format!("make it {k} installments, or {} each", crate::format::money(even)),
            None => format!("make it {} each", crate::format::money(even)),
        };
        return Err(CollectionsError::PlanDoesNotSum {
            installments: n,
            amount: crate::format::money(amount),
            total: crate::format::money(total),
            gap,
            balance: crate::format::money(balance),
            hint,
        });
    }
    for (k, i) in schedule.iter_mut().enumerate() {
        i.amount = if k + 1 == n as usize { last } else { amount };
    }
    Ok(schedule)
}

/// The state of each installment given what was paid toward the plan (oldest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PlanProgress {
    pub statuses: Vec<(InstallmentStatus, Decimal)>,
    /// An installment is past due and not fully paid: escalation resumes.
    pub missed: bool,
    pub completed: bool,
}

/// Applies `paid_toward_plan` to the installments in order and rates each on `today`.
pub fn plan_progress(installments: &[InstallmentPlan], paid_toward_plan: Decimal, today: NaiveDate) -> PlanProgress {
    let mut left = paid_toward_plan.max(Decimal::ZERO);
    let mut statuses = Vec::with_capacity(installments.len());
    let mut missed = false;
    for i in installments {
        let applied = left.min(i.amount);
        left -= applied;
        let status = if applied == i.amount {
            InstallmentStatus::Paid
        } else if i.due_date < today {
            missed = true;
            InstallmentStatus::Overdue
        } else if applied > Decimal::ZERO {
            InstallmentStatus::Partial
        } else {
            InstallmentStatus::Pending
        };
        statuses.push((status, applied));
    }
    let completed = statuses.iter().all(|(s, _)| *s == InstallmentStatus::Paid);
    PlanProgress { statuses, missed, completed }
}

/// What recording a payment does to a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
pub struct PaymentOutcome {
    pub new_balance: Decimal,
    /// Paid beyond the balance (kept as a credit on the ledger).
    pub overpayment: Decimal,
    pub paid_in_full: bool,
}

pub fn apply_payment(balance: Decimal, amount: Decimal) -> Result<PaymentOutcome, CollectionsError> {
    if amount <= Decimal::ZERO {
        return Err(CollectionsError::NonPositivePayment);
    }
    if !crate::format::fits_money(amount) {
        return Err(CollectionsError::TooLarge(crate::format::money_too_large("Payment amount", amount)));
    }
    crate::format::check_amount("Payment amount", amount).map_err(CollectionsError::TooLarge)?;
    let amount = cents(amount);
    let new_balance = (balance - amount).max(Decimal::ZERO);
    Ok(PaymentOutcome {
        new_balance,
        overpayment: (amount - balance).max(Decimal::ZERO),
        paid_in_full: new_balance.is_zero(),
    })
}

/// The day a late fee is charged for a charge due `due_date`: the day after the grace period.
pub fn late_fee_date(due_date: NaiveDate, grace_period_days: i32) -> NaiveDate {
    due_date + Duration::days(grace_period_days.max(0) as i64 + 1)
}

/// The lease's late fee, if one is due today for a charge still open (and not charged yet).
pub fn late_fee_due(
    due_date: NaiveDate,
    grace_period_days: i32,
    late_fee_amount: Decimal,
    still_open: bool,
    already_charged: bool,
    today: NaiveDate,
) -> Option<Decimal> {
    (still_open
        && !already_charged
        && late_fee_amount > Decimal::ZERO
        && today >= late_fee_date(due_date, grace_period_days))
    .then_some(late_fee_amount)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn risk_profile_thresholds() {
        use RiskProfile::*;
        for (late, profile) in [
            (0, GoodHistory),
            (1, GoodHistory),
            (2, Standard),
            (3, RepeatOffender),
            (5, RepeatOffender),
            (6, Chronic),
            (12, Chronic),
        ] {
            assert_eq!(risk_profile(late), profile, "{late}");
        }
    }

    #[test]
    fn every_cell_of_the_tone_map() {
        use RiskProfile::*;
        use Tone::*;
        let table = [
            (GoodHistory, [Friendly, Friendly, Firm, Firm, Formal]),
            (Standard, [Friendly, Firm, Firm, Formal, Formal]),
            (RepeatOffender, [Firm, Firm, Formal, Formal, Legal]),
            (Chronic, [Firm, Formal, Formal, Legal, Legal]),
        ];
        for (profile, tones) in table {
            for (level, tone) in tones.iter().enumerate() {
                assert_eq!(select_tone(profile, level as u8), *tone, "{profile} level {level}");
            }
            // idx = min(level, 4)
            assert_eq!(select_tone(profile, 9), tones[4]);
        }
    }

    #[test]
    fn tone_for_each_step_matches_the_escalation_table() {
        // Good history: friendly, friendly, firm, firm, formal; repeat offender: firm … legal.
        let good: Vec<Tone> = SCHEDULE.iter().map(|s| select_tone(RiskProfile::GoodHistory, s.level - 1)).collect();
        assert_eq!(good, [Tone::Friendly, Tone::Friendly, Tone::Firm, Tone::Firm, Tone::Formal]);
        let repeat: Vec<Tone> =
            SCHEDULE.iter().map(|s| select_tone(RiskProfile::RepeatOffender, s.level - 1)).collect();
        assert_eq!(repeat, [Tone::Firm, Tone::Firm, Tone::Formal, Tone::Formal, Tone::Legal]);
    }

    #[test]
    fn every_escalation_day_boundary() {
        let level_at = |days: i64| step_for_days(days).map(|s| s.level);
        let cases = [
            (-3, None),
            (0, None),
            (1, Some(1)),
            (2, Some(1)),
            (3, Some(2)),
            (4, Some(2)),
            (5, Some(3)),
            (7, Some(3)),
            (8, Some(4)),
            (11, Some(4)),
            (12, Some(5)),
            (90, Some(5)),
        ];
        for (days, level) in cases {
            assert_eq!(level_at(days), level, "day {days}");
        }
        assert_eq!(step(1).unwrap().channels, &[Channel::Sms]);
        assert_eq!(step(3).unwrap().channels, &[Channel::Email, Channel::Letter]);
        assert_eq!(step(5).unwrap().channels, &[Channel::Letter]);
    }

    /// The engine's rule for one open case: the level it is at, its clock, and `today`.
    fn due(level: u8, clock: &StepClock, today: &str) -> Option<u8> {
        due_step(CaseStatus::Open, level, false, clock, d(today)).map(|s| s.level)
    }

    fn clock(due: &str, grace: i32, last_step_on: Option<&str>) -> StepClock {
        StepClock { due_date: d(due), grace_period_days: grace, last_step_on: last_step_on.map(d) }
    }

    #[test]
    fn the_gaps_between_steps_are_the_gaps_between_the_schedules_days() {
        let gaps: Vec<i64> = (1..=5).map(min_gap_days).collect();
        assert_eq!(gaps, [0, 2, 2, 3, 4]);
        assert_eq!((min_gap_days(0), min_gap_days(6)), (0, 0));
    }

    #[test]
    fn day_one_is_the_first_day_after_the_grace_period() {
        // Rent due 1 December with no grace: the SMS goes on the 2nd (1 day overdue).
        assert_eq!(due(0, &clock("2026-12-01", 0, None), "2026-12-01"), None);
        assert_eq!(due(0, &clock("2026-12-01", 0, None), "2026-12-02"), Some(1));
        // Five days' grace: the late fee is charged on the 7th, and the SMS goes that day.
        let graced = clock("2026-12-01", 5, None);
        assert_eq!(late_fee_date(d("2026-12-01"), 5), d("2026-12-07"));
        assert_eq!(due(0, &graced, "2026-12-06"), None);
        assert_eq!(due(0, &graced, "2026-12-07"), Some(1));
        // Then day 3 (the 9th) for the email, as long as two days passed since the SMS.
        assert_eq!(due(1, &clock("2026-12-01", 5, Some("2026-12-07")), "2026-12-08"), None);
        assert_eq!(due(1, &clock("2026-12-01", 5, Some("2026-12-07")), "2026-12-09"), Some(2));
    }

    #[test]
    fn a_case_on_schedule_gets_each_step_on_its_day() {
        // Due 1 December, no grace, each step sent the day it fell due.
        for (level, last, today, expected) in [
            (0, None, "2026-12-02", Some(1)),
            (1, Some("2026-12-02"), "2026-12-03", None),
            (1, Some("2026-12-02"), "2026-12-04", Some(2)),
            (2, Some("2026-12-04"), "2026-12-05", None),
            (2, Some("2026-12-04"), "2026-12-06", Some(3)),
            (3, Some("2026-12-06"), "2026-12-08", None),
            (3, Some("2026-12-06"), "2026-12-09", Some(4)),
            (4, Some("2026-12-09"), "2026-12-12", None),
            (4, Some("2026-12-09"), "2026-12-13", Some(5)),
            (5, Some("2026-12-13"), "2027-01-30", None),
        ] {
            assert_eq!(due(level, &clock("2026-12-01", 0, last), today), expected, "level {level} on {today}");
        }
    }

    #[test]
    fn a_backlog_is_worked_through_one_step_at_a_time_with_the_gaps() {
        // A case 40 days overdue at level 0 gets step 1 today (not the legal step)…
        let today = d("2026-12-31");
        let c = clock("2026-11-21", 0, None);
        assert_eq!(due(0, &c, "2026-12-31"), Some(1));
        // …step 2 no sooner than 2 days later, step 3 two days after that, step 4 three days
        // after step 3 and the legal step four days after step 4: day 11 of the catch-up.
        let mut sent = vec![today];
        for (level, gap) in [(1u8, 2i64), (2, 2), (3, 3), (4, 4)] {
            let last = *sent.last().unwrap();
            let c = StepClock { last_step_on: Some(last), ..c };
            assert_eq!(due_step(CaseStatus::Open, level, false, &c, last + Duration::days(gap - 1)), None);
            let next = due_step(CaseStatus::Open, level, false, &c, last + Duration::days(gap)).map(|s| s.level);
            assert_eq!(next, Some(level + 1));
            sent.push(last + Duration::days(gap));
        }
        assert_eq!(sent.last(), Some(&d("2027-01-11")));
        assert_eq!(due(5, &StepClock { last_step_on: Some(d("2027-01-11")), ..c }, "2027-03-01"), None);
    }

    #[test]
    fn a_kept_plan_pauses_and_closed_cases_get_nothing() {
        let c = clock("2026-11-01", 0, Some("2026-11-09"));
        assert_eq!(due_step(CaseStatus::PaymentPlan, 4, true, &c, d("2026-11-25")), None);
        assert_eq!(due_step(CaseStatus::PaymentPlan, 4, false, &c, d("2026-11-25")).map(|s| s.level), Some(5));
        for closed in [CaseStatus::Paid, CaseStatus::Escalated, CaseStatus::WrittenOff] {
            assert_eq!(due_step(closed, 0, false, &c, d("2026-11-25")), None);
        }
        // A case with a level but no step on record (imported) waits only for the day.
        assert_eq!(due(2, &clock("2026-11-01", 0, None), "2026-11-06"), Some(3));
    }

    #[test]
    fn manual_next_step_and_its_refusals() {
        assert_eq!(manual_next_step(CaseStatus::Open, 2).unwrap().level, 3);
        assert_eq!(manual_next_step(CaseStatus::Open, 5).unwrap_err(), CollectionsError::AlreadyEscalated);
        assert_eq!(manual_next_step(CaseStatus::Paid, 1).unwrap_err().to_string(), "Case is closed (Paid).");
    }

    #[test]
    fn a_person_cannot_jump_ahead_of_the_schedule_without_an_override() {
        // Step 1 sent on 2 December; step 2 is due on the 4th.
        let c = clock("2026-12-01", 0, Some("2026-12-02"));
        let email = step(2).unwrap();
        assert_eq!(
            check_schedule(email, &c, d("2026-12-03"), false).unwrap_err().to_string(),
            "Step 2 (Detailed notice) is ahead of schedule: it is due on 2026-12-04. \
             Send it earlier only with an override."
        );
        assert_eq!(check_schedule(email, &c, d("2026-12-03"), true), Ok(Some(d("2026-12-04"))));
        assert_eq!(check_schedule(email, &c, d("2026-12-04"), false), Ok(None));
        assert_eq!(check_schedule(email, &c, d("2026-12-04"), true), Ok(None));
        // The legal step on day 12 of a case that reached step 4 only yesterday: the gap holds it.
        let c = clock("2026-12-01", 0, Some("2026-12-20"));
        assert_eq!(
            check_schedule(step(5).unwrap(), &c, d("2026-12-21"), false).unwrap_err(),
            CollectionsError::AheadOfSchedule {
                level: 5,
                description: step(5).unwrap().description,
                due_on: d("2026-12-24")
            }
        );
    }

    #[test]
    fn installments_sum_exactly_to_the_balance() {
        let plan = plan_installments(dec!(2450.00), 3, d("2026-12-01"), d("2026-11-25")).unwrap();
        assert_eq!(plan.iter().map(|i| i.amount).collect::<Vec<_>>(), vec![dec!(816.66), dec!(816.66), dec!(816.68)]);
        assert_eq!(
            plan.iter().map(|i| i.due_date).collect::<Vec<_>>(),
            vec![d("2026-12-01"), d("2027-01-01"), d("2027-02-01")]
        );
        for (balance, n) in [(dec!(100), 3), (dec!(0.05), 2), (dec!(9999.99), 12), (dec!(1000.005), 7)] {
            let plan = plan_installments(balance, n, d("2026-12-01"), d("2026-11-25")).unwrap();
            let total: Decimal = plan.iter().map(|i| i.amount).sum();
            assert_eq!(total, cents(balance), "{balance} / {n}");
            assert!(plan.iter().all(|i| i.amount >= Decimal::ZERO));
        }
    }

    #[test]
    fn plan_refusals() {
        let today = d("2026-11-25");
        assert_eq!(
            plan_installments(dec!(100), 1, today, today).unwrap_err().to_string(),
            "Installments must be between 2 and 12 (got 1)."
        );
        assert_eq!(plan_installments(dec!(100), 13, today, today).unwrap_err(), CollectionsError::Installments(13));
        assert_eq!(plan_installments(dec!(0), 3, today, today).unwrap_err(), CollectionsError::NothingOwed);
        assert!(matches!(
            plan_installments(dec!(100), 3, d("2026-11-24"), today),
            Err(CollectionsError::PlanStartsInPast { .. })
        ));
    }

    #[test]
    fn agreed_amounts_sum_to_the_balance_or_are_refused_with_terms_that_fit() {
        let (start, today) = (d("2026-12-01"), d("2026-11-25"));
        let at = |n, amount| PlanTerms { installments: n, installment_amount: Some(amount) };
        let amounts = |plan: Vec<InstallmentPlan>| plan.into_iter().map(|i| i.amount).collect::<Vec<_>>();
        // The even split when no amount was agreed.
        assert_eq!(
            amounts(plan_for_terms(dec!(2450), PlanTerms::even(3), start, today).unwrap()),
            vec![dec!(816.66), dec!(816.66), dec!(816.68)]
        );
        // Agreed amounts: the last installment takes the remainder, never more than the others.
        assert_eq!(
            amounts(plan_for_terms(dec!(2450), at(3, dec!(1000)), start, today).unwrap()),
            vec![dec!(1000), dec!(1000), dec!(450)]
        );
        assert_eq!(
            amounts(plan_for_terms(dec!(2450), at(3, dec!(816.67)), start, today).unwrap()),
            vec![dec!(816.67), dec!(816.67), dec!(816.66)]
        );
        // Short of the balance: the last would have to be larger than the others.
        assert_eq!(
            plan_for_terms(dec!(2450), at(3, dec!(800)), start, today).unwrap_err().to_string(),
            "3 installments of $800.00 come to $2,400.00, $50.00 short of the balance of $2,450.00; \
             make it 4 installments, or $816.67 each."
        );
        // More than the balance: nothing would be left for the last.
        assert_eq!(
            plan_for_terms(dec!(2450), at(3, dec!(1300)), start, today).unwrap_err().to_string(),
            "3 installments of $1,300.00 come to $3,900.00, $1,450.00 more than the balance of $2,450.00; \
             make it 2 installments, or $816.67 each."
        );
        // No count of 2–12 fits a tiny amount: only the even amount is suggested.
        assert!(plan_for_terms(dec!(2450), at(3, dec!(10)), start, today)
            .unwrap_err()
            .to_string()
            .ends_with("; make it $816.67 each."));
        assert_eq!(
            plan_for_terms(dec!(2450), at(3, dec!(0)), start, today).unwrap_err(),
            CollectionsError::NonPositiveInstallment
        );
        // The count and date rules still apply first.
        assert_eq!(
            plan_for_terms(dec!(2450), at(1, dec!(2450)), start, today).unwrap_err(),
            CollectionsError::Installments(1)
        );
    }

    #[test]
    fn plan_progress_pauses_until_an_installment_is_missed() {
        let plan = plan_installments(dec!(900), 3, d("2026-12-01"), d("2026-11-25")).unwrap();
        let p = plan_progress(&plan, dec!(300), d("2026-12-15"));
        assert_eq!(p.statuses[0].0, InstallmentStatus::Paid);
        assert_eq!(p.statuses[1].0, InstallmentStatus::Pending);
        assert!(!p.missed && !p.completed);
        let p = plan_progress(&plan, dec!(450), d("2027-01-02"));
        assert_eq!(p.statuses[1], (InstallmentStatus::Overdue, dec!(150)));
        assert!(p.missed);
        let p = plan_progress(&plan, dec!(450), d("2026-12-20"));
        assert_eq!(p.statuses[1].0, InstallmentStatus::Partial);
        let p = plan_progress(&plan, dec!(900), d("2027-05-01"));
        assert!(p.completed && !p.missed);
    }

    #[test]
    fn partial_full_and_over_payments() {
        assert_eq!(
            apply_payment(dec!(2450), dec!(1000)).unwrap(),
            PaymentOutcome { new_balance: dec!(1450), overpayment: dec!(0), paid_in_full: false }
        );
        assert_eq!(
            apply_payment(dec!(2450), dec!(2450)).unwrap(),
            PaymentOutcome { new_balance: dec!(0), overpayment: dec!(0), paid_in_full: true }
        );
        assert_eq!(
            apply_payment(dec!(2450), dec!(2500.00)).unwrap(),
            PaymentOutcome { new_balance: dec!(0), overpayment: dec!(50.00), paid_in_full: true }
        );
        // Money is in cents: a fraction of a cent is refused, not rounded away.
        assert!(apply_payment(dec!(2450), dec!(2500.004)).is_err());
        assert_eq!(apply_payment(dec!(100), dec!(0)).unwrap_err(), CollectionsError::NonPositivePayment);
        assert_eq!(apply_payment(dec!(100), dec!(-5)).unwrap_err(), CollectionsError::NonPositivePayment);
    }

    #[test]
    fn late_fee_after_the_grace_period_once() {
        let due = d("2026-11-01");
        let fee = dec!(75);
        assert_eq!(late_fee_date(due, 5), d("2026-11-07"));
        assert_eq!(late_fee_due(due, 5, fee, true, false, d("2026-11-06")), None);
        assert_eq!(late_fee_due(due, 5, fee, true, false, d("2026-11-07")), Some(fee));
        assert_eq!(late_fee_due(due, 5, fee, true, true, d("2026-11-20")), None);
        assert_eq!(late_fee_due(due, 5, fee, false, false, d("2026-11-20")), None);
        assert_eq!(late_fee_due(due, 0, dec!(0), true, false, d("2026-11-20")), None);
    }
}

/// `collection_case`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CollectionCase {
    pub id: uuid::Uuid,
    pub tenant_id: uuid::Uuid,
    pub lease_id: uuid::Uuid,
    pub unit_id: uuid::Uuid,
    pub property_id: uuid::Uuid,
    pub original_amount_due: Decimal,
    pub current_balance: Decimal,
    pub late_fee_total: Decimal,
    pub days_overdue: i64,
    pub due_date: NaiveDate,
    pub escalation_level: u8,
    pub tenant_risk_profile: RiskProfile,
    pub tone: Tone,
    pub status: CaseStatus,
    pub resolved_at: Option<chrono::DateTime<chrono::Utc>>,
    pub assigned_to: String,
    pub notes: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl CollectionCase {
    pub fn is_open(&self) -> bool {
        matches!(self.status, CaseStatus::Open | CaseStatus::PaymentPlan)
    }
}

/// `collection_action`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CollectionAction {
    pub id: uuid::Uuid,
    pub case_id: uuid::Uuid,
    pub action_type: ActionType,
    pub escalation_level: u8,
    pub channel: Channel,
    pub message_text: String,
    pub tone_used: String,
    pub ai_generated: bool,
    /// Which AI provider drafted it ("offline", "claude"; empty for manual entries).
    pub ai_provider: String,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    pub delivered: bool,
    pub opened: bool,
    pub response_received: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

impl CollectionAction {
    /// A message that reached (or was sent to) the tenant, as opposed to a note, a call log or
    /// a payment: what a later letter may call an earlier notice.
    pub fn is_notice(&self) -> bool {
        STEP_ACTION_TYPES.contains(&self.action_type)
    }

    #[allow(clippy::too_many_arguments)]
    /// A timeline entry written now: a message (drafted by `ai_provider`, empty when a person
    /// wrote it) or a system event.
    pub fn new(
        case_id: uuid::Uuid,
        action_type: ActionType,
        escalation_level: u8,
        channel: Channel,
        message_text: String,
        tone_used: &str,
        ai_provider: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        let sent = matches!(channel, Channel::Sms | Channel::Email | Channel::Letter);
        CollectionAction {
            id: uuid::Uuid::new_v4(),
            case_id,
            action_type,
            escalation_level,
            channel,
            message_text,
            tone_used: tone_used.to_string(),
            ai_generated: !ai_provider.is_empty(),
            ai_provider: ai_provider.to_string(),
            sent_at: sent.then_some(now),
            delivered: false,
            opened: false,
            response_received: false,
            created_at: now,
        }
    }
}

/// `collection_payment_plan` with its installments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct PaymentPlan {
    pub id: uuid::Uuid,
    pub case_id: uuid::Uuid,
    pub total_amount: Decimal,
    pub num_installments: u32,
    pub installment_amount: Decimal,
    pub start_date: NaiveDate,
    pub status: PlanStatus,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub installments: Vec<Installment>,
}

impl PaymentPlan {
    /// The installment schedule as `plan_progress` reads it.
    pub fn schedule(&self) -> Vec<InstallmentPlan> {
        self.installments
            .iter()
            .map(|i| InstallmentPlan {
                installment_number: i.installment_number,
                amount: i.amount,
                due_date: i.due_date,
            })
            .collect()
    }
}

/// `collection_plan_installment`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct Installment {
    pub id: uuid::Uuid,
    pub plan_id: uuid::Uuid,
    pub installment_number: u32,
    pub amount: Decimal,
    pub due_date: NaiveDate,
    pub paid_date: Option<NaiveDate>,
    pub status: InstallmentStatus,
}

/// What the daily scan decides for one lease's ledger.
#[derive(Debug, Clone, PartialEq, Serialize, specta::Type)]
pub enum ScanDecision {
    /// Open a case for this overdue balance.
    Open {
        amount: Decimal,
        due_date: NaiveDate,
        days_overdue: i64,
        profile: RiskProfile,
    },
    /// Refresh an open case's balance and days overdue.
    Update {
        balance: Decimal,
        days_overdue: i64,
    },
    /// The balance is paid: close the case.
    Close,
    Nothing,
}

/// The scan's rule for one lease: `overdue` is what is open and past due today (see
/// `ledger::Allocation::overdue`), `late_12mo` the late-payment count for the risk profile.
pub fn scan_decision(
    open_case: Option<&CollectionCase>,
    overdue_amount: Decimal,
    oldest_due: Option<NaiveDate>,
    late_12mo: usize,
    today: NaiveDate,
) -> ScanDecision {
    let days = oldest_due.map(|d| (today - d).num_days().max(0)).unwrap_or(0);
    match open_case {
        None if overdue_amount > Decimal::ZERO => ScanDecision::Open {
            amount: overdue_amount,
            due_date: oldest_due.unwrap_or(today),
            days_overdue: days,
            profile: risk_profile(late_12mo),
        },
        None => ScanDecision::Nothing,
        Some(_) if overdue_amount <= Decimal::ZERO => ScanDecision::Close,
        Some(c) if c.current_balance != overdue_amount || c.days_overdue != days => {
            ScanDecision::Update { balance: overdue_amount, days_overdue: days }
        }
        Some(_) => ScanDecision::Nothing,
    }
}

/// `GET /api/v1/collections/dashboard-stats/`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, specta::Type)]
pub struct CollectionsDashboardStats {
    pub open_cases: u64,
    pub total_outstanding: Decimal,
    pub on_payment_plan: u64,
    pub escalated: u64,
    pub paid_last_30_days: u64,
    pub collected_last_30_days: Decimal,
    pub avg_days_overdue: f64,
    /// Open cases per escalation level "0".."5".
    pub by_escalation_level: std::collections::BTreeMap<String, u64>,
    pub by_risk_profile: std::collections::BTreeMap<String, u64>,
}

/// Aggregates cases; `collected` is the payments recorded against cases in the last 30 days,
/// `days` each property's "today" (a paid case counts within 30 days of its property's date).
pub fn dashboard_stats<'a>(
    cases: impl IntoIterator<Item = &'a CollectionCase>,
    collected_last_30_days: Decimal,
    days: &crate::time::Days,
) -> CollectionsDashboardStats {
    let mut s = CollectionsDashboardStats { collected_last_30_days, ..Default::default() };
    for level in 0..=5 {
        s.by_escalation_level.insert(level.to_string(), 0);
    }
    for p in RiskProfile::ALL {
        s.by_risk_profile.insert(p.as_str().into(), 0);
    }
    let mut days_sum = 0i64;
    for c in cases {
        match c.status {
            CaseStatus::Open | CaseStatus::PaymentPlan => {
                s.open_cases += 1;
                s.total_outstanding += c.current_balance;
                days_sum += c.days_overdue;
                *s.by_escalation_level.entry(c.escalation_level.to_string()).or_default() += 1;
                *s.by_risk_profile.entry(c.tenant_risk_profile.as_str().into()).or_default() += 1;
                if c.status == CaseStatus::PaymentPlan {
                    s.on_payment_plan += 1;
                }
            }
            CaseStatus::Escalated => s.escalated += 1,
            CaseStatus::Paid => {
                if c.resolved_at.is_some_and(|r| (days.of(c.property_id) - r.date_naive()).num_days() <= 30) {
                    s.paid_last_30_days += 1;
                }
            }
            CaseStatus::WrittenOff => {}
        }
    }
    if s.open_cases > 0 {
        s.avg_days_overdue = (days_sum as f64 / s.open_cases as f64 * 10.0).round() / 10.0;
    }
    s
}

#[cfg(test)]
mod scan_tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn case(balance: Decimal, days: i64, status: CaseStatus) -> CollectionCase {
        let at = d("2026-11-01").and_hms_opt(8, 0, 0).unwrap().and_utc();
        CollectionCase {
            id: uuid::Uuid::new_v4(),
            tenant_id: uuid::Uuid::nil(),
            lease_id: uuid::Uuid::nil(),
            unit_id: uuid::Uuid::nil(),
            property_id: uuid::Uuid::nil(),
            original_amount_due: balance,
            current_balance: balance,
            late_fee_total: dec!(0),
            days_overdue: days,
            due_date: d("2026-11-01"),
            escalation_level: 0,
            tenant_risk_profile: RiskProfile::Standard,
            tone: Tone::Friendly,
            status,
            resolved_at: None,
            assigned_to: String::new(),
            notes: String::new(),
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_scan_opens_updates_and_closes_cases() {
        let today = d("2026-11-09");
        assert_eq!(
            scan_decision(None, dec!(1450), Some(d("2026-11-01")), 4, today),
            ScanDecision::Open {
                amount: dec!(1450),
                due_date: d("2026-11-01"),
                days_overdue: 8,
                profile: RiskProfile::RepeatOffender
            }
        );
        assert_eq!(scan_decision(None, dec!(0), None, 0, today), ScanDecision::Nothing);
        let open = case(dec!(1450), 7, CaseStatus::Open);
        assert_eq!(
            scan_decision(Some(&open), dec!(1450), Some(d("2026-11-01")), 4, today),
            ScanDecision::Update { balance: dec!(1450), days_overdue: 8 }
        );
        let current = case(dec!(1450), 8, CaseStatus::Open);
        assert_eq!(scan_decision(Some(&current), dec!(1450), Some(d("2026-11-01")), 4, today), ScanDecision::Nothing);
        assert_eq!(scan_decision(Some(&current), dec!(0), None, 4, today), ScanDecision::Close);
    }

    #[test]
    fn dashboard_counts_open_cases_by_level_and_profile() {
        let today = d("2026-11-25");
        let mut paid = case(dec!(0), 0, CaseStatus::Paid);
        paid.resolved_at = Some(d("2026-11-20").and_hms_opt(9, 0, 0).unwrap().and_utc());
        let mut plan = case(dec!(900), 20, CaseStatus::PaymentPlan);
        plan.escalation_level = 4;
        let cases = [case(dec!(1450.50), 4, CaseStatus::Open), plan, case(dec!(3000), 45, CaseStatus::Escalated), paid];
        let s = dashboard_stats(&cases, dec!(2100), &crate::time::Days::uniform(today));
        assert_eq!((s.open_cases, s.on_payment_plan, s.escalated, s.paid_last_30_days), (2, 1, 1, 1));
        assert_eq!(s.total_outstanding, dec!(2350.50));
        assert_eq!(s.avg_days_overdue, 12.0);
        assert_eq!(s.by_escalation_level["4"], 1);
        assert_eq!(s.by_escalation_level["0"], 1);
        assert_eq!(s.by_risk_profile["standard"], 2);
        assert_eq!(s.collected_last_30_days, dec!(2100));
    }
}
