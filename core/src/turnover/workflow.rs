//! The turnover actions (advance a stage, add or approve a deduction, complete a checklist item,
//! generate the deduction letter) and the 01:00 daily job, written once over [`TurnoverPort`]:
//! the TUI, the desktop and the server call these functions. Each reads the case, applies the
//! pure rules of [`super`], then writes in one transaction with the case update first, so a case
//! changed meanwhile is refused (`Conflict`) before anything else is written. "Today" is the
//! local date of the case's property.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::port::{TurnoverPort, TurnoverWrite};
use super::{ChecklistItem, DeductionLetter, Stage, TurnoverCase, TurnoverDeduction, TurnoverError};
use crate::jobs::{Job, JobReport};
use crate::store::{Result, StoreError};
use crate::time::{today_at, Days};

fn refused(e: impl ToString) -> StoreError {
    StoreError::Rejected(e.to_string())
}

/// The table turnover actions are about, as named in `sync_action.entity`.
pub const ENTITY: &str = "turnover_case";

/// A case with its deductions and checklist (`GET /api/v1/turnover/{id}/`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct CaseDetail {
    #[serde(flatten)]
    pub case: TurnoverCase,
    pub deductions: Vec<TurnoverDeduction>,
    pub checklist_items: Vec<ChecklistItem>,
    /// The last day the deduction letter may go out (30 days after the move-out).
    pub letter_deadline: NaiveDate,
    /// Days left before that deadline (negative: overdue); None once the letter is generated.
    pub letter_days_left: Option<i64>,
    pub days_in_stage: i64,
    /// The stage an advance moves to (None once leased).
    #[schema(value_type = Option<String>)]
    pub next_stage: Option<Stage>,
}

/// One case with everything its page shows, on the property's date at `now`.
pub fn detail<P: TurnoverPort + ?Sized>(port: &P, case_id: Uuid, now: DateTime<Utc>) -> Result<CaseDetail> {
    let case = port.turnover_case(case_id)?;
    let today = today_at(port, case.property_id, now)?;
    Ok(CaseDetail {
        deductions: port.turnover_deductions(case_id)?,
        checklist_items: port.turnover_checklist(case_id)?,
        letter_deadline: super::letter_deadline(&case),
        letter_days_left: super::letter_days_left(&case, today),
        days_in_stage: super::days_in_stage(&case, today),
        next_stage: case.stage.next(),
        case,
    })
}

/// Moves the case to `to` (the next stage only). Leased needs the unit's next lease to have
/// started.
pub fn advance_stage<P: TurnoverPort>(
    port: &mut P,
    case_id: Uuid,
    to: Stage,
    now: DateTime<Utc>,
) -> Result<TurnoverCase> {
    let case = port.turnover_case(case_id)?;
    let today = today_at(port, case.property_id, now)?;
    let leases = if to == Stage::Leased { port.leases_of_unit(case.unit_id)? } else { Vec::new() };
    let new_lease = super::next_lease(&case, &leases, today);
    let advanced = super::advance(&case, to, new_lease, today, now).map_err(refused)?;
    port.write_turnover(&[TurnoverWrite::update(&case, advanced)], now)?;
    port.turnover_case(case_id)
}

/// The case after its deductions changed: totals recomputed, and a letter already generated
/// marked as needing a new one (it no longer states the deductions).
pub(crate) fn after_deductions(
    case: &TurnoverCase,
    deductions: &[TurnoverDeduction],
    now: DateTime<Utc>,
) -> TurnoverCase {
    TurnoverCase {
        deduction_letter_generated: false,
        deduction_letter_date: None,
        updated_at: now,
        ..super::with_totals(case, deductions)
    }
}

/// Adds a deduction (not yet approved: the refund counts approved ones only).
pub fn add_deduction<P: TurnoverPort>(
    port: &mut P,
    case_id: Uuid,
    category: &str,
    description: &str,
    amount: Decimal,
    photo_url: &str,
    now: DateTime<Utc>,
) -> Result<TurnoverDeduction> {
    let case = port.turnover_case(case_id)?;
    let deduction = super::new_deduction(&case, category, description, amount, photo_url, now).map_err(refused)?;
    let mut all = port.turnover_deductions(case_id)?;
    all.push(deduction.clone());
    let writes =
        [TurnoverWrite::update(&case, after_deductions(&case, &all, now)), TurnoverWrite::Deduction(deduction.clone())];
    port.write_turnover(&writes, now)?;
    Ok(deduction)
}

/// Approves (or withdraws approval of) a deduction; the refund follows.
pub fn approve_deduction<P: TurnoverPort>(
    port: &mut P,
    case_id: Uuid,
    deduction_id: Uuid,
    approved: bool,
    now: DateTime<Utc>,
) -> Result<TurnoverCase> {
    let case = port.turnover_case(case_id)?;
    let mut all = port.turnover_deductions(case_id)?;
    let d = all
        .iter_mut()
        .find(|d| d.id == deduction_id)
        .ok_or_else(|| StoreError::NotFound { what: "Deduction", id: deduction_id.to_string() })?;
    if d.approved == approved {
        return Ok(case);
    }
    d.approved = approved;
    let changed = d.clone();
    let writes = [TurnoverWrite::update(&case, after_deductions(&case, &all, now)), TurnoverWrite::Deduction(changed)];
    port.write_turnover(&writes, now)?;
    port.turnover_case(case_id)
}

/// Marks a make-ready item done by `actor`, with its actual cost (absent: the estimate).
pub fn complete_item<P: TurnoverPort>(
    port: &mut P,
    case_id: Uuid,
    item_id: Uuid,
    actual_cost: Option<Decimal>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<TurnoverCase> {
    let case = port.turnover_case(case_id)?;
    if case.stage == Stage::Leased {
        return Err(refused(TurnoverError::Closed));
    }
    let mut items = port.turnover_checklist(case_id)?;
    let item = items
        .iter_mut()
        .find(|i| i.id == item_id)
        .ok_or_else(|| StoreError::NotFound { what: "Checklist item", id: item_id.to_string() })?;
    let cost = actual_cost.unwrap_or(item.estimated_cost);
    if cost < Decimal::ZERO || cost.scale() > 2 || !crate::format::fits_money(cost) {
        return Err(refused(format!("A cost is dollars and cents, zero or more (got {cost}).")));
    }
    item.completed = true;
    item.completed_by = crate::lifecycle::truncate(actor, 100);
    item.completed_at = Some(now);
    item.actual_cost = super::cents(cost);
    let changed = item.clone();
    let updated = TurnoverCase { updated_at: now, ..super::with_costs(&case, &items) };
    port.write_turnover(&[TurnoverWrite::update(&case, updated), TurnoverWrite::Item(changed)], now)?;
    port.turnover_case(case_id)
}

/// A generated deduction letter: its text and figures, and the PDF's document id (None where
/// the store keeps no documents).
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratedLetter {
    pub case: TurnoverCase,
    pub letter: DeductionLetter,
    pub pdf: Vec<u8>,
    pub document: Option<String>,
    pub date: NaiveDate,
}

/// A deduction letter drafted from the current record, nothing written: the case with the
/// lease's deposit and the totals of its deductions, and the letter (what a confirm shows).
pub struct LetterDraft {
    pub case: TurnoverCase,
    pub deductions: Vec<TurnoverDeduction>,
    pub letter: DeductionLetter,
}

/// Drafts the deduction letter as [`generate_deduction_letter`] would now.
pub fn draft_deduction_letter<P: TurnoverPort + ?Sized>(port: &P, case_id: Uuid) -> Result<LetterDraft> {
    let case = port.turnover_case(case_id)?;
    let lease = port.lease(case.lease_id)?;
    let deductions = port.turnover_deductions(case_id)?;
    // The deposit is the lease's as it stands; the totals are recomputed from the deductions.
    let current = super::with_totals(
        &TurnoverCase { security_deposit: super::cents(lease.security_deposit), ..case },
        &deductions,
    );
    let tenant = port.tenant(lease.tenant_id)?;
    let unit = port.unit(current.unit_id)?;
    let property = port.property(current.property_id)?;
    let unit_label = format!("unit {} at {}", unit.unit_number, property.name);
    let letter = super::deduction_letter(
        &current,
        &deductions,
        &format!("{} {}", tenant.first_name, tenant.last_name),
        &unit_label,
    );
    Ok(LetterDraft { case: current, deductions, letter })
}

/// Drafts the deduction letter from the current record (the lease's deposit, the approved
/// deductions), checks its figures against the case, renders the PDF and records it on the case.
pub fn generate_deduction_letter<P: TurnoverPort>(
    port: &mut P,
    case_id: Uuid,
    now: DateTime<Utc>,
) -> Result<GeneratedLetter> {
    let read = port.turnover_case(case_id)?;
    let today = today_at(port, read.property_id, now)?;
    let LetterDraft { case: current, deductions, letter } = draft_deduction_letter(port, case_id)?;
    check_letter(&letter, &current, &deductions)?;
    let pdf = letter_pdf(port, &current, &letter, today, now)?;
    let document = port.put_document(&pdf, "application/pdf", now)?;
    let generated = TurnoverCase {
        deduction_letter_generated: true,
        deduction_letter_date: Some(today),
        updated_at: now,
        ..current
    };
    port.write_turnover(&[TurnoverWrite::update(&read, generated)], now)?;
    Ok(GeneratedLetter { case: port.turnover_case(case_id)?, letter, pdf, document, date: today })
}

/// The deduction letter as a PDF on the property's letterhead, to the tenant's forwarding
/// address (else the unit's).
pub(crate) fn letter_pdf<P: crate::port::Records + ?Sized>(
    port: &P,
    case: &TurnoverCase,
    letter: &DeductionLetter,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Vec<u8>> {
    let lease = port.lease(case.lease_id)?;
    let tenant = port.tenant(lease.tenant_id)?;
    let unit = port.unit(case.unit_id)?;
    let property = port.property(case.property_id)?;
    let address = if tenant.forwarding_address.trim().is_empty() {
        format!("Unit {}, {}", unit.unit_number, property.address)
    } else {
        tenant.forwarding_address.clone()
    };
    let input = crate::pdf::letter::LetterInput {
        property_name: property.name.clone(),
        property_address: format!("{}, {}, {} {}", property.address, property.city, property.state, property.zip_code),
        date: crate::format::date(today),
        recipient: vec![format!("{} {}", tenant.first_name, tenant.last_name), address],
        subject: letter.subject.clone(),
        body: letter.body.clone(),
        figures: letter.figures.clone(),
        banner: None,
    };
    crate::pdf::letter::letter(&input, now).map_err(|e| refused(format!("could not render the letter PDF: {e}")))
}

/// Every figure the letter states is the record's: the deposit, each approved deduction, the
/// total and the refund (or balance owed).
pub(crate) fn check_letter(
    letter: &DeductionLetter,
    case: &TurnoverCase,
    deductions: &[TurnoverDeduction],
) -> Result<()> {
    use crate::format::money;
    let mut expected =
        vec![money(case.security_deposit), money(case.total_deductions), money(case.refund_amount.abs())];
    expected.extend(deductions.iter().filter(|d| d.approved).map(|d| money(d.amount)));
    match expected.iter().find(|m| !letter.body.contains(m.as_str())) {
        Some(missing) => Err(refused(format!("The letter does not state {missing} from the record; not generated."))),
        None => Ok(()),
    }
}

/// What one run of the daily job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DailyReport {
    pub opened: u32,
    pub updated: u32,
    pub leased: u32,
}

impl DailyReport {
    pub fn summary(&self) -> String {
        format!(
            "Opened {} turnover cases, updated {} (days vacant, move-outs), {} leased.",
            self.opened, self.updated, self.leased
        )
    }

    pub fn job_report(&self, today: NaiveDate) -> JobReport {
        JobReport {
            job: Job::TurnoverDaily.name(),
            run_date: today,
            summary: self.summary(),
            counts: serde_json::json!({ "opened": self.opened, "updated": self.updated, "leased": self.leased }),
            skipped: self.opened == 0 && self.updated == 0,
        }
    }
}

/// The 01:00 job: opens a case for any lease under notice without one, then brings each open
/// case up to date on its property's date (move-out, days vacant, leased once the unit's next
/// lease has started). Writes only what changed, in one transaction: a second run writes nothing.
pub fn daily<P: TurnoverPort>(port: &mut P, today: NaiveDate, now: DateTime<Utc>) -> Result<DailyReport> {
    let days = Days::of_port(port, today, now)?;
    let mut report = DailyReport::default();
    let mut writes = Vec::new();
    for lease in port.notice_leases_without_case()? {
        let today = days.of(lease.property_id);
        if let Ok((case, checklist)) = super::open_case(&lease, today, now) {
            // Brought up to date at once, so the next run finds nothing to change.
            let unit_leases = port.leases_of_unit(case.unit_id)?;
            let case = super::daily_update(&case, &lease, &unit_leases, today, now).unwrap_or(case);
            report.opened += 1;
            writes.push(TurnoverWrite::Open { case, checklist });
        }
    }
    for case in port.turnover_cases()?.into_iter().filter(|c| c.stage != Stage::Leased) {
        let lease = port.lease(case.lease_id)?;
        let unit_leases = port.leases_of_unit(case.unit_id)?;
        if let Some(updated) = super::daily_update(&case, &lease, &unit_leases, days.of(case.property_id), now) {
            report.updated += 1;
            report.leased += u32::from(updated.stage == Stage::Leased);
            writes.push(TurnoverWrite::update(&case, updated));
        }
    }
    if !writes.is_empty() {
        port.write_turnover(&writes, now)?;
    }
    Ok(report)
}

/// A person's action on a case, as it travels from a connected replica to the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TurnoverAction {
    AdvanceStage {
        stage: Stage,
    },
    AddDeduction {
        category: String,
        description: String,
        #[serde(with = "crate::format::wire::money")]
        amount: Decimal,
        #[serde(default)]
        photo_url: String,
    },
    ApproveDeduction {
        deduction_id: Uuid,
        approved: bool,
    },
    CompleteItem {
        item_id: Uuid,
        #[serde(default, with = "crate::format::wire::opt_money")]
        actual_cost: Option<Decimal>,
    },
    GenerateDeductionLetter,
}

impl TurnoverAction {
    pub fn to_json(&self) -> Result<serde_json::Value> {
        serde_json::to_value(self).map_err(refused)
    }
}

/// Applies a case action (the server's side of a pushed action, and the replica's own).
pub fn apply_action<P: TurnoverPort>(
    port: &mut P,
    case_id: Uuid,
    action: &TurnoverAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<TurnoverCase> {
    match action {
        TurnoverAction::AdvanceStage { stage } => advance_stage(port, case_id, *stage, now),
        TurnoverAction::AddDeduction { category, description, amount, photo_url } => {
            add_deduction(port, case_id, category, description, *amount, photo_url, now)?;
            port.turnover_case(case_id)
        }
        TurnoverAction::ApproveDeduction { deduction_id, approved } => {
            approve_deduction(port, case_id, *deduction_id, *approved, now)
        }
        TurnoverAction::CompleteItem { item_id, actual_cost } => {
            complete_item(port, case_id, *item_id, *actual_cost, actor, now)
        }
        TurnoverAction::GenerateDeductionLetter => generate_deduction_letter(port, case_id, now).map(|g| g.case),
    }
}

/// A person's action on a replica: applied at once, and queued for the server when connected.
pub fn act_on_replica(
    store: &mut crate::store::Store,
    case_id: Uuid,
    action: &TurnoverAction,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<TurnoverCase> {
    let json = action.to_json()?;
    apply_action(&mut crate::store::Queueing::on_replica(store, ENTITY, case_id, json)?, case_id, action, actor, now)
}
