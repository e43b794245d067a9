//! Turnover pipeline (spec 2.1): a unit from the tenant's notice to the next lease.
//!
//! Notice → Inspect → Make Ready → Listed → Leased, one stage at a time. A case opens in the
//! same transaction as the lease's move to notice (and the 01:00 job opens one for any lease in
//! notice without a case), with the spec's eight make-ready items. The deposit refund is the
//! deposit less the **approved** deductions; below zero the tenant owes the difference and the
//! letter says so. The deduction letter is due within 30 days of the move-out.
//!
//! Pure rules here; the workflows and the daily job are in [`workflow`] over [`port::TurnoverPort`].

pub mod port;
pub mod workflow;

use chrono::{DateTime, Days as ChronoDays, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::model::{string_enum, Lease, LeaseStatus};

string_enum! {
    /// `turnover_case.stage`, in pipeline order.
    Stage {
        Notice => "notice", "Notice Given";
        Inspect => "inspect", "Pre-Inspection";
        MakeReady => "make_ready", "Make Ready";
        Listed => "listed", "Listed";
        Leased => "leased", "Leased";
    }
}

impl Stage {
    /// The stage after this one (None after leased).
    pub fn next(self) -> Option<Stage> {
        let i = Stage::ALL.iter().position(|s| *s == self)?;
        Stage::ALL.get(i + 1).copied()
    }
}

string_enum! {
    /// `turnover_deduction.category`.
    DeductionCategory {
        Cleaning => "cleaning", "Cleaning";
        Paint => "paint", "Paint";
        Carpet => "carpet", "Carpet";
        ApplianceRepair => "appliance_repair", "Appliance repair";
        WallDamage => "wall_damage", "Wall damage";
        Other => "other", "Other";
    }
}

/// Days a unit should take from move-out to the next lease (`target_days_to_lease`).
pub const TARGET_DAYS_TO_LEASE: i32 = 21;

/// The deduction letter must go out within this many days of the move-out (legal requirement).
pub const LETTER_DEADLINE_DAYS: u64 = 30;

/// The make-ready checklist every case starts with: (category, item, estimated cost in dollars).
pub const DEFAULT_CHECKLIST: [(&str, &str, i64); 8] = [
    ("Cleaning", "Deep clean entire unit", 250),
    ("Paint", "Touch-up / full repaint walls", 400),
    ("Flooring", "Carpet clean or replacement", 300),
    ("Appliances", "Test and clean all appliances", 100),
    ("HVAC", "Replace filters, test system", 75),
    ("Security", "Re-key locks", 85),
    ("Plumbing", "Check faucets, toilets, drains", 50),
    ("Electrical", "Test outlets, switches, smoke detectors", 50),
];

/// `turnover_case`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TurnoverCase {
    pub id: Uuid,
    pub lease_id: Uuid,
    pub unit_id: Uuid,
    pub property_id: Uuid,
    #[schema(value_type = String, example = "notice")]
    pub stage: Stage,
    pub notice_date: NaiveDate,
    pub expected_move_out: NaiveDate,
    pub actual_move_out: Option<NaiveDate>,
    pub inspection_date: Option<NaiveDate>,
    pub make_ready_start: Option<NaiveDate>,
    pub make_ready_complete: Option<NaiveDate>,
    pub listed_date: Option<NaiveDate>,
    pub leased_date: Option<NaiveDate>,
    pub new_lease_id: Option<Uuid>,
    pub inspection_work_order_id: Option<Uuid>,
    pub security_deposit: Decimal,
    pub total_deductions: Decimal,
    pub refund_amount: Decimal,
    pub deduction_letter_generated: bool,
    /// The property's date the deduction letter was generated.
    pub deduction_letter_date: Option<NaiveDate>,
    pub make_ready_estimated_cost: Decimal,
    pub make_ready_actual_cost: Decimal,
    pub days_vacant: i32,
    pub target_days_to_lease: i32,
    /// The day the case entered its current stage.
    pub stage_entered: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `turnover_deduction`: one deduction from the security deposit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct TurnoverDeduction {
    pub id: Uuid,
    pub case_id: Uuid,
    #[schema(value_type = String, example = "paint")]
    pub category: DeductionCategory,
    pub description: String,
    pub amount: Decimal,
    pub photo_url: String,
    pub ai_detected: bool,
    pub approved: bool,
    pub created_at: DateTime<Utc>,
}

/// `turnover_checklist`: one make-ready item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct ChecklistItem {
    pub id: Uuid,
    pub case_id: Uuid,
    pub category: String,
    pub item: String,
    pub completed: bool,
    pub completed_by: String,
    pub completed_at: Option<DateTime<Utc>>,
    pub estimated_cost: Decimal,
    pub actual_cost: Decimal,
    pub vendor_id: Option<Uuid>,
    pub work_order_id: Option<Uuid>,
}

/// Why a turnover action is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TurnoverError {
    #[error("The case is {}: it can only move to {}, one stage at a time.", .from.label(), .next.map_or("no further stage", |s| s.label()))]
    OutOfOrder { from: Stage, to: Stage, next: Option<Stage> },
    #[error("A case is leased when the unit's next lease starts; unit has no newer lease yet.")]
    NoNewLease,
    #[error("{0}")]
    Invalid(String),
    #[error("The case is leased: it is closed.")]
    Closed,
    #[error("Only a lease under notice opens a turnover case (this one is {0}).")]
    NotUnderNotice(LeaseStatus),
}

/// A namespaced id, the same on every store for the same key: a case per lease, its checklist
/// items per position, so a replica and the server opening the same case agree.
fn derived_id(key: &str) -> Uuid {
    const NS: Uuid = Uuid::from_u128(0x7a0c_41d2_95e3_4f1b_b6c8_2e9d_1f3a_5c7e);
    Uuid::new_v5(&NS, key.as_bytes())
}

/// An amount at two decimals ("240.00"), as both stores keep money.
pub fn cents(amount: Decimal) -> Decimal {
    let mut a = amount;
    a.rescale(2);
    a
}

/// The case id of `lease_id`'s turnover.
pub fn case_id(lease_id: Uuid) -> Uuid {
    derived_id(&format!("turnover:{lease_id}"))
}

/// A new case for a lease under notice, with the default make-ready checklist.
pub fn open_case(
    lease: &Lease,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(TurnoverCase, Vec<ChecklistItem>), TurnoverError> {
    if lease.lease_status != LeaseStatus::Notice {
        return Err(TurnoverError::NotUnderNotice(lease.lease_status));
    }
    let id = case_id(lease.id);
    let checklist: Vec<ChecklistItem> = DEFAULT_CHECKLIST
        .iter()
        .enumerate()
        .map(|(i, (category, item, cost))| ChecklistItem {
            id: derived_id(&format!("turnover:{id}:item:{i}")),
            case_id: id,
            category: (*category).into(),
            item: (*item).into(),
            completed: false,
            completed_by: String::new(),
            completed_at: None,
            estimated_cost: cents(Decimal::from(*cost)),
            actual_cost: cents(Decimal::ZERO),
            vendor_id: None,
            work_order_id: None,
        })
        .collect();
    let notice_date = lease.notice_date.unwrap_or(today);
    let case = TurnoverCase {
        id,
        lease_id: lease.id,
        unit_id: lease.unit_id,
        property_id: lease.property_id,
        stage: Stage::Notice,
        notice_date,
        expected_move_out: lease.notice_move_out_date.or(lease.lease_end_date).unwrap_or(notice_date),
        actual_move_out: lease.actual_move_out_date,
        inspection_date: None,
        make_ready_start: None,
        make_ready_complete: None,
        listed_date: None,
        leased_date: None,
        new_lease_id: None,
        inspection_work_order_id: None,
        security_deposit: cents(lease.security_deposit),
        total_deductions: cents(Decimal::ZERO),
        refund_amount: cents(lease.security_deposit),
        deduction_letter_generated: false,
        deduction_letter_date: None,
        make_ready_estimated_cost: cents(checklist.iter().map(|c| c.estimated_cost).sum()),
        make_ready_actual_cost: cents(Decimal::ZERO),
        days_vacant: 0,
        target_days_to_lease: TARGET_DAYS_TO_LEASE,
        stage_entered: today,
        created_at: now,
        updated_at: now,
    };
    Ok((case, checklist))
}

/// (total approved deductions, refund): `refund = security_deposit − sum(approved deductions)`;
/// a negative refund is what the tenant owes.
pub fn refund(security_deposit: Decimal, deductions: &[TurnoverDeduction]) -> (Decimal, Decimal) {
    let total: Decimal = deductions.iter().filter(|d| d.approved).map(|d| d.amount).sum();
    (cents(total), cents(security_deposit - total))
}

/// The case with its deduction totals recomputed from `deductions`.
pub fn with_totals(case: &TurnoverCase, deductions: &[TurnoverDeduction]) -> TurnoverCase {
    let (total, refund) = refund(case.security_deposit, deductions);
    TurnoverCase { total_deductions: total, refund_amount: refund, ..case.clone() }
}

/// The case with its make-ready costs recomputed from the checklist.
pub fn with_costs(case: &TurnoverCase, checklist: &[ChecklistItem]) -> TurnoverCase {
    TurnoverCase {
        make_ready_estimated_cost: cents(checklist.iter().map(|c| c.estimated_cost).sum()),
        make_ready_actual_cost: cents(checklist.iter().map(|c| c.actual_cost).sum()),
        ..case.clone()
    }
}

/// The move-out the deadline and the vacancy count from: the actual one, else the expected one.
pub fn move_out(case: &TurnoverCase) -> NaiveDate {
    case.actual_move_out.unwrap_or(case.expected_move_out)
}

/// The last day the deduction letter may go out: 30 days after the move-out.
pub fn letter_deadline(case: &TurnoverCase) -> NaiveDate {
    move_out(case).checked_add_days(ChronoDays::new(LETTER_DEADLINE_DAYS)).unwrap_or(NaiveDate::MAX)
}

/// Days left before the letter deadline on `today` (negative: overdue); None once the letter
/// has been generated.
pub fn letter_days_left(case: &TurnoverCase, today: NaiveDate) -> Option<i64> {
    (!case.deduction_letter_generated).then(|| (letter_deadline(case) - today).num_days())
}

/// Days the unit has stood empty on `today`: from the move-out (once it has happened) to the
/// new lease's start, or to today.
pub fn days_vacant(case: &TurnoverCase, today: NaiveDate) -> i32 {
    let out = move_out(case);
    let end = case.leased_date.unwrap_or(today);
    if out > today {
        return 0;
    }
    i32::try_from((end - out).num_days().max(0)).unwrap_or(i32::MAX)
}

/// Whether the unit has stood empty longer than the case's target (21 days) on `today`.
pub fn over_target(case: &TurnoverCase, today: NaiveDate) -> bool {
    days_vacant(case, today) > case.target_days_to_lease
}

/// The refund in words: "refund $1,200.00", or "tenant owes $75.00" when the approved deductions
/// exceed the deposit.
pub fn refund_words(refund: Decimal) -> String {
    if refund < Decimal::ZERO {
        format!("tenant owes {}", crate::format::money(-refund))
    } else {
        format!("refund {}", crate::format::money(refund))
    }
}

/// Days in the current stage on `today`.
pub fn days_in_stage(case: &TurnoverCase, today: NaiveDate) -> i64 {
    (today - case.stage_entered).num_days().max(0)
}

/// Moves the case to `to`, which must be the next stage; stamps the stage's date. A case is
/// leased only with the unit's next lease (`new_lease`).
pub fn advance(
    case: &TurnoverCase,
    to: Stage,
    new_lease: Option<&Lease>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<TurnoverCase, TurnoverError> {
    let next = case.stage.next();
    if next != Some(to) {
        return Err(if case.stage == Stage::Leased {
            TurnoverError::Closed
        } else {
            TurnoverError::OutOfOrder { from: case.stage, to, next }
        });
    }
    let mut c = case.clone();
    match to {
        Stage::Notice => {}
        Stage::Inspect => c.inspection_date = Some(today),
        Stage::MakeReady => c.make_ready_start = Some(today),
        Stage::Listed => {
            c.make_ready_complete = Some(today);
            c.listed_date = Some(today);
        }
        Stage::Leased => {
            let lease = new_lease.ok_or(TurnoverError::NoNewLease)?;
            c.new_lease_id = Some(lease.id);
            c.leased_date = Some(lease.lease_begin_date.min(today));
        }
    }
    c.stage = to;
    c.stage_entered = today;
    c.days_vacant = days_vacant(&c, today);
    c.updated_at = now;
    Ok(c)
}

/// The unit's next lease after the case's: a lease on the same unit, other than the one given
/// notice on, beginning on or after the notice and already started (or starting) by `today`.
pub fn next_lease<'a>(case: &TurnoverCase, unit_leases: &'a [Lease], today: NaiveDate) -> Option<&'a Lease> {
    unit_leases
        .iter()
        .filter(|l| l.id != case.lease_id && l.lease_begin_date >= case.notice_date && l.lease_begin_date <= today)
        .filter(|l| matches!(l.lease_status, LeaseStatus::Active | LeaseStatus::MonthToMonth))
        .min_by_key(|l| (l.lease_begin_date, l.id))
}

/// What the daily job changes on an open case: the move-out from the lease, the days vacant, and
/// leased when the unit's next lease has started. None when nothing changes.
pub fn daily_update(
    case: &TurnoverCase,
    lease: &Lease,
    unit_leases: &[Lease],
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Option<TurnoverCase> {
    if case.stage == Stage::Leased {
        return None;
    }
    let mut c = case.clone();
    c.actual_move_out = lease.actual_move_out_date.or(c.actual_move_out);
    if let Some(next) = next_lease(&c, unit_leases, today) {
        // Every stage before leased is stamped, so the timeline has no holes.
        c.inspection_date = c.inspection_date.or(Some(today));
        c.make_ready_start = c.make_ready_start.or(Some(today));
        c.make_ready_complete = c.make_ready_complete.or(Some(today));
        c.listed_date = c.listed_date.or(Some(today));
        c.new_lease_id = Some(next.id);
        c.leased_date = Some(next.lease_begin_date);
        c.stage = Stage::Leased;
        c.stage_entered = today;
    }
    c.days_vacant = days_vacant(&c, today);
    (c != *case).then_some(TurnoverCase { updated_at: now, ..c })
}

/// A deduction a person enters, checked: a known category, a description (≤ 200 characters), an
/// amount above zero in dollars and cents.
pub fn new_deduction(
    case: &TurnoverCase,
    category: &str,
    description: &str,
    amount: Decimal,
    photo_url: &str,
    now: DateTime<Utc>,
) -> Result<TurnoverDeduction, TurnoverError> {
    if case.stage == Stage::Leased && case.deduction_letter_generated {
        return Err(TurnoverError::Closed);
    }
    let category = DeductionCategory::parse(category.trim()).ok_or_else(|| {
        let allowed: Vec<&str> = DeductionCategory::ALL.iter().map(|c| c.as_str()).collect();
        TurnoverError::Invalid(format!("unknown category '{category}' (expected one of: {})", allowed.join(", ")))
    })?;
    let description =
        crate::format::check_text("Description", description, 200, true).map_err(TurnoverError::Invalid)?;
    let photo_url = crate::format::check_text("Photo URL", photo_url, 500, false).map_err(TurnoverError::Invalid)?;
    if amount <= Decimal::ZERO || amount.scale() > 2 || !crate::format::fits_money(amount) {
        return Err(TurnoverError::Invalid(format!(
            "A deduction is an amount above zero in dollars and cents (got {amount})."
        )));
    }
    Ok(TurnoverDeduction {
        id: Uuid::new_v4(),
        case_id: case.id,
        category,
        description,
        amount: cents(amount),
        photo_url,
        ai_detected: false,
        approved: false,
        created_at: now,
    })
}

/// Pipeline figures (`dashboard-stats`): cases per stage, average days vacant and in stage,
/// make-ready cost, cases past the 21-day target and letters past their deadline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct PipelineStats {
    /// Every stage, in order, with its count (zero included).
    pub count_per_stage: Vec<StageCount>,
    /// The same counts keyed by stage (`{"notice": 3, "inspect": 1, …}`).
    pub by_stage: std::collections::BTreeMap<String, usize>,
    pub total_cases: usize,
    pub open_cases: usize,
    /// Average days vacant of the open cases whose unit is empty.
    pub avg_days_vacant: f64,
    pub avg_days_in_stage: f64,
    #[schema(value_type = String)]
    pub make_ready_estimated_cost: Decimal,
    #[schema(value_type = String)]
    pub make_ready_actual_cost: Decimal,
    pub over_target: usize,
    pub letters_overdue: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct StageCount {
    pub stage: String,
    pub label: String,
    pub count: usize,
}

/// The figures of `cases` on `today`.
pub fn pipeline_stats(cases: &[TurnoverCase], today: NaiveDate) -> PipelineStats {
    let open: Vec<&TurnoverCase> = cases.iter().filter(|c| c.stage != Stage::Leased).collect();
    let vacant: Vec<i32> = open.iter().filter(|c| move_out(c) <= today).map(|c| days_vacant(c, today)).collect();
    let avg =
        |xs: &[f64]| if xs.is_empty() { 0.0 } else { (xs.iter().sum::<f64>() / xs.len() as f64 * 10.0).round() / 10.0 };
    let in_stage: Vec<f64> = open.iter().map(|c| days_in_stage(c, today) as f64).collect();
    PipelineStats {
        count_per_stage: Stage::ALL
            .iter()
            .map(|s| StageCount {
                stage: s.as_str().into(),
                label: s.label().into(),
                count: cases.iter().filter(|c| c.stage == *s).count(),
            })
            .collect(),
        by_stage: Stage::ALL
            .iter()
            .map(|s| (s.as_str().to_string(), cases.iter().filter(|c| c.stage == *s).count()))
            .collect(),
        total_cases: cases.len(),
        open_cases: open.len(),
        avg_days_vacant: avg(&vacant.iter().map(|d| f64::from(*d)).collect::<Vec<_>>()),
        avg_days_in_stage: avg(&in_stage),
        make_ready_estimated_cost: open.iter().map(|c| c.make_ready_estimated_cost).sum(),
        make_ready_actual_cost: open.iter().map(|c| c.make_ready_actual_cost).sum(),
        over_target: open.iter().filter(|c| over_target(c, today)).count(),
        letters_overdue: cases.iter().filter(|c| letter_days_left(c, today).is_some_and(|d| d < 0)).count(),
    }
}

/// The deposit deduction letter, drafted from the record only (the deposit, each approved
/// deduction, the refund), so every figure in it is the case's.
#[derive(Debug, Clone, PartialEq)]
pub struct DeductionLetter {
    pub subject: String,
    pub body: String,
    /// (label, value) rows: deposit, each approved deduction, total, refund or balance owed.
    pub figures: Vec<(String, String)>,
}

/// Drafts the deduction letter for `tenant_name`.
pub fn deduction_letter(
    case: &TurnoverCase,
    deductions: &[TurnoverDeduction],
    tenant_name: &str,
    unit_label: &str,
) -> DeductionLetter {
    use crate::format::{date, money};
    let approved: Vec<&TurnoverDeduction> = deductions.iter().filter(|d| d.approved).collect();
    let (total, refund) = refund(case.security_deposit, deductions);
    let mut figures = vec![("Security deposit".to_string(), money(case.security_deposit))];
    figures.extend(approved.iter().map(|d| (format!("{}: {}", d.category.label(), d.description), money(-d.amount))));
    figures.push(("Total deductions".into(), money(total)));
    let outcome = if refund >= Decimal::ZERO {
        figures.push(("Refund due to you".into(), money(refund)));
        format!("We will refund {} of your security deposit.", money(refund))
    } else {
        figures.push(("Balance you owe".into(), money(-refund)));
        format!(
            "The deductions exceed your deposit: you owe {}. Please pay it within 30 days, or contact us to arrange payment.",
            money(-refund)
        )
    };
    let items = if approved.is_empty() {
        "No deductions were made from your deposit.".to_string()
    } else {
        let lines: Vec<String> = approved
            .iter()
            .map(|d| format!("- {}: {} ({})", d.category.label(), d.description, money(d.amount)))
            .collect();
        format!("We made the following deductions for damage beyond normal wear and tear:\n{}", lines.join("\n"))
    };
    let body = format!(
        "Dear {tenant_name},\n\nThank you for returning {unit_label}. This letter itemizes your security deposit of {} \
         following your move-out on {}.\n\n{items}\n\nTotal deductions: {}. {outcome}\n\nIf you have questions about \
         any item, reply within 14 days and we will review it with you.\n\nSincerely,\nProperty Management",
        money(case.security_deposit),
        date(move_out(case)),
        money(total),
    );
    DeductionLetter { subject: format!("Security deposit itemization — {unit_label}"), body, figures }
}

#[cfg(test)]
mod tests;
