//! The turnover pipeline from the desktop (spec 2.1): the Kanban board with the pipeline figures,
//! a case page, the case actions (advance one stage, add and approve deductions, complete a
//! make-ready item) and the deposit deduction letter (previewed from the record, then generated
//! and saved as a PDF). Each is a thin call of the core workflow the TUI and the server use
//! (`turnover::workflow`), on the replica's port: on a connected replica the action is also
//! queued for the server in the same transaction, as the TUI does.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::ops::{id, write_document};
use super::portfolio::{actor, Names};
use super::ReportResult;
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::format::{date, parse_amount};
use unitcycle_core::store::{Queueing, Store};
use unitcycle_core::turnover::port::TurnoverPort;
use unitcycle_core::turnover::workflow::{self as tw, TurnoverAction};
use unitcycle_core::turnover::{
    self, ChecklistItem, DeductionCategory, PipelineStats, Stage, TurnoverCase, TurnoverDeduction,
};

/// One card of the board.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct BoardCard {
    pub case: TurnoverCase,
    pub names: Names,
    pub days_in_stage: i64,
    pub days_vacant: i32,
    /// Vacant longer than the case's target (21 days).
    pub over_target: bool,
    /// Days left before the deduction letter is due (negative: overdue); None once generated.
    pub letter_days_left: Option<i64>,
}

/// Everything the board draws, in one round trip.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TurnoverBoard {
    /// The date the pipeline figures are on (the first case's property's).
    pub today: NaiveDate,
    pub stats: PipelineStats,
    /// Every case, newest first.
    pub cards: Vec<BoardCard>,
    /// The stages in pipeline order: (value, label).
    pub stages: Vec<TurnoverChoice>,
}

/// A value and its label (a stage, a deduction category).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TurnoverChoice {
    pub value: &'static str,
    pub label: &'static str,
}

/// Moving the case to its next stage, and exactly what that does.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct NextMove {
    pub stage: Stage,
    pub label: &'static str,
    /// What the move writes, in words, for the confirm dialog.
    pub effect: String,
}

/// A case page: the case with its deductions, checklist, dates and names.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct TurnoverDetail {
    pub case: TurnoverCase,
    pub names: Names,
    pub stage_label: &'static str,
    pub deductions: Vec<TurnoverDeduction>,
    pub checklist_items: Vec<ChecklistItem>,
    /// The last day the deduction letter may go out (30 days after the move-out).
    pub letter_deadline: NaiveDate,
    /// Days left before that deadline (negative: overdue); None once the letter is generated.
    pub letter_days_left: Option<i64>,
    pub days_in_stage: i64,
    pub days_vacant: i32,
    pub over_target: bool,
    /// "Refund $1,200.00", or "Tenant owes $75.00" when the approved deductions exceed the deposit.
    pub refund_text: String,
    /// The next stage (None once leased).
    pub next: Option<NextMove>,
    /// The deduction categories for the add form.
    pub categories: Vec<TurnoverChoice>,
    /// The property's date today.
    pub today: NaiveDate,
}

/// One row of the letter's figures.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct Figure {
    pub label: String,
    pub value: String,
}

/// The deduction letter as generating it now would draft it (nothing written).
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct LetterPreview {
    pub subject: String,
    pub body: String,
    pub figures: Vec<Figure>,
    pub letter_deadline: NaiveDate,
    pub letter_days_left: Option<i64>,
    /// Where the PDF goes and what generating it records.
    pub note: String,
}

/// A person's action on a case as the window sends it: the core's [`TurnoverAction`] with
/// amounts as typed, read by core's parser (so a refusal has the CLI's words). The letter is not
/// one of them: it goes through `turnover_letter_pdf`, which saves its PDF.
#[derive(Debug, Clone, PartialEq, Deserialize, specta::Type)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum TurnoverRequest {
    AdvanceStage { stage: Stage },
    AddDeduction { category: String, description: String, amount: String },
    ApproveDeduction { deduction_id: Uuid, approved: bool },
    CompleteItem { item_id: Uuid, actual_cost: Option<String> },
}

impl TurnoverRequest {
    fn action(self) -> CmdResult<TurnoverAction> {
        let amount = |a: &str| parse_amount(a).map_err(CommandError::invalid);
        Ok(match self {
            TurnoverRequest::AdvanceStage { stage } => TurnoverAction::AdvanceStage { stage },
            TurnoverRequest::AddDeduction { category, description, amount: a } => {
                TurnoverAction::AddDeduction { category, description, amount: amount(&a)?, photo_url: String::new() }
            }
            TurnoverRequest::ApproveDeduction { deduction_id, approved } => {
                TurnoverAction::ApproveDeduction { deduction_id, approved }
            }
            TurnoverRequest::CompleteItem { item_id, actual_cost } => TurnoverAction::CompleteItem {
                item_id,
                actual_cost: actual_cost.as_deref().filter(|c| !c.trim().is_empty()).map(amount).transpose()?,
            },
        })
    }
}

/// "Refund $1,200.00", or "Tenant owes $75.00" when the deductions exceed the deposit.
pub fn refund_text(refund: Decimal) -> String {
    let words = turnover::refund_words(refund);
    let mut chars = words.chars();
    chars.next().map_or(String::new(), |first| first.to_uppercase().chain(chars).collect())
}

fn names(store: &Store, case: &TurnoverCase) -> CmdResult<Names> {
    Ok(store.lease_row(case.lease_id)?.into())
}

/// What advancing `case` to `to` on `today` writes.
fn effect(case: &TurnoverCase, to: Stage, today: NaiveDate, connected: bool) -> String {
    let on = date(today);
    let what = match to {
        Stage::Notice => String::new(),
        Stage::Inspect => format!("the pre-inspection date is set to {on}"),
        Stage::MakeReady => format!("make-ready starts on {on}"),
        Stage::Listed => format!("make-ready is marked complete and the unit listed on {on}"),
        Stage::Leased => {
            "the unit's next lease is recorded and the case closes (refused if no new lease has started yet)"
                .to_string()
        }
    };
    let queued = if connected { " The change is queued for the server." } else { "" };
    format!(
        "The case moves from {} to {}: {what}. Stages go one at a time and cannot be moved back.{queued}",
        case.stage.label(),
        to.label()
    )
}

fn detail(store: &Store, case_id: Uuid, now: DateTime<Utc>) -> CmdResult<TurnoverDetail> {
    let d = tw::detail(store, case_id, now)?;
    let today = unitcycle_core::time::today_at(store, d.case.property_id, now)?;
    let connected = unitcycle_core::sync_actions::connected(store)?;
    let days_vacant = turnover::days_vacant(&d.case, today);
    Ok(TurnoverDetail {
        names: names(store, &d.case)?,
        stage_label: d.case.stage.label(),
        deductions: d.deductions,
        checklist_items: d.checklist_items,
        letter_deadline: d.letter_deadline,
        letter_days_left: d.letter_days_left,
        days_in_stage: d.days_in_stage,
        days_vacant,
        over_target: turnover::over_target(&d.case, today),
        refund_text: refund_text(d.case.refund_amount),
        next: d.next_stage.map(|s| NextMove {
            stage: s,
            label: s.label(),
            effect: effect(&d.case, s, today, connected),
        }),
        categories: DeductionCategory::ALL
            .iter()
            .map(|c| TurnoverChoice { value: c.as_str(), label: c.label() })
            .collect(),
        today,
        case: d.case,
    })
}

/// The board: every case with its days, and the pipeline figures. A standalone replica with
/// no case yet runs the daily job's opening pass first (leases already under notice get their
/// case), so a replica made before turnover existed shows its pipeline.
pub fn turnover_board(s: &AppState) -> CmdResult<TurnoverBoard> {
    let now = Utc::now();
    let mut store = s.store()?;
    if store.turnover_cases()?.is_empty() && !unitcycle_core::sync_actions::connected(&store)? {
        tw::daily(&mut *store, now.date_naive(), now)?;
    }
    let days = unitcycle_core::time::Days::of_port(&*store, now.date_naive(), now)?;
    let cases = store.turnover_cases()?;
    let mut cards = Vec::with_capacity(cases.len());
    for case in &cases {
        let today = days.of(case.property_id);
        let days_vacant = turnover::days_vacant(case, today);
        cards.push(BoardCard {
            names: names(&store, case)?,
            days_in_stage: turnover::days_in_stage(case, today),
            over_target: turnover::over_target(case, today),
            days_vacant,
            letter_days_left: turnover::letter_days_left(case, today),
            case: case.clone(),
        });
    }
    // The pipeline figures on one date, as the server's: the first case's property's.
    let today = cases.first().map_or(now.date_naive(), |c| days.of(c.property_id));
    Ok(TurnoverBoard {
        today,
        stats: turnover::pipeline_stats(&cases, today),
        cards,
        stages: Stage::ALL.iter().map(|s| TurnoverChoice { value: s.as_str(), label: s.label() }).collect(),
    })
}

/// One case page.
pub fn turnover_case(s: &AppState, case_id: String) -> CmdResult<TurnoverDetail> {
    detail(&*s.store()?, id(&case_id)?, Utc::now())
}

/// Applies a case action through the core workflow (queued for the server too on a connected
/// replica) and returns the page as it now stands.
pub fn turnover_act(s: &AppState, case_id: String, action: TurnoverRequest) -> CmdResult<TurnoverDetail> {
    let case_id = id(&case_id)?;
    let action = action.action()?;
    let now = Utc::now();
    let mut store = s.store()?;
    tw::act_on_replica(&mut store, case_id, &action, &actor(), now)?;
    detail(&store, case_id, now)
}

/// The deduction letter drafted from the current record exactly as generating it would draft
/// it (the lease's deposit, the approved deductions); nothing is written.
pub fn turnover_letter_preview(s: &AppState, case_id: String) -> CmdResult<LetterPreview> {
    let case_id = id(&case_id)?;
    let now = Utc::now();
    let store = s.store()?;
    let case = TurnoverPort::turnover_case(&*store, case_id)?;
    let today = unitcycle_core::time::today_at(&*store, case.property_id, now)?;
    let lease = store.lease(case.lease_id)?;
    let deductions = store.turnover_deductions(case_id)?;
    let current = turnover::with_totals(
        &TurnoverCase { security_deposit: turnover::cents(lease.security_deposit), ..case.clone() },
        &deductions,
    );
    let tenant = store.tenant(lease.tenant_id)?;
    let unit = store.unit(case.unit_id)?;
    let property = store.property(case.property_id)?;
    let unit_label = format!("unit {} at {}", unit.unit_number, property.name);
    let letter = turnover::deduction_letter(
        &current,
        &deductions,
        &format!("{} {}", tenant.first_name, tenant.last_name),
        &unit_label,
    );
    let connected = unitcycle_core::sync_actions::connected(&store)?;
    Ok(LetterPreview {
        subject: letter.subject,
        body: letter.body,
        figures: letter.figures.into_iter().map(|(label, value)| Figure { label, value }).collect(),
        letter_deadline: turnover::letter_deadline(&case),
        letter_days_left: turnover::letter_days_left(&case, today),
        note: format!(
            "Generating renders this letter as a PDF in the replica's letters folder and marks the letter generated \
             on {}{}.",
            date(today),
            if connected { "; the change is queued for the server" } else { "" }
        ),
    })
}

/// Generates the deduction letter through the core workflow (its figures checked against the
/// record, the case marked generated) and saves its PDF beside the replica.
pub fn turnover_letter_pdf(s: &AppState, case_id: String) -> CmdResult<ReportResult> {
    let case_id = id(&case_id)?;
    let now = Utc::now();
    let (generated, names) = {
        let mut store = s.store()?;
        let action = TurnoverAction::GenerateDeductionLetter;
        let generated = {
            let mut port = Queueing::on_replica(&mut store, tw::ENTITY, case_id, action.to_json()?)?;
            tw::generate_deduction_letter(&mut port, case_id, now)?
        };
        let names = names(&store, &generated.case)?;
        (generated, names)
    };
    write_document(
        s,
        "letters",
        &format!("deposit-deductions-{}-unit-{}.pdf", names.property_name, names.unit_number),
        &generated.pdf,
    )
}

#[cfg(test)]
mod tests {
    use super::super::collections::tests::demo;
    use super::super::ops;
    use super::TurnoverRequest as TurnoverAction;
    use unitcycle_core::format::{money, parse_amount};
    use unitcycle_core::turnover::Stage;

    #[test]
    fn the_board_lists_the_cases_the_daily_job_opened() {
        let (s, _dir) = demo();
        let board = ops::turnover_board(&s).unwrap();
        assert!(!board.cards.is_empty(), "the demo has leases under notice");
        assert_eq!(board.stats.total_cases, board.cards.len());
        let stages: Vec<&str> = board.stages.iter().map(|c| c.value).collect();
        assert_eq!(stages, ["notice", "inspect", "make_ready", "listed", "leased"]);
        assert_eq!(board.stats.count_per_stage.iter().map(|c| c.count).sum::<usize>(), board.cards.len());
        let card = &board.cards[0];
        assert!(!card.names.tenant_name.is_empty() && !card.names.unit_number.is_empty());
    }

    #[test]
    fn a_replica_without_cases_opens_them_when_the_board_opens() {
        let dir = tempfile::tempdir().unwrap();
        let s =
            crate::AppState::open_with(dir.path().join("replica.db"), unitcycle_core::ai::Gateway::new(None)).unwrap();
        {
            let mut store = s.store().unwrap();
            let cfg = unitcycle_core::demo::DemoConfig {
                units: 60,
                ..unitcycle_core::demo::DemoConfig::new(chrono::Utc::now().date_naive())
            };
            unitcycle_core::demo::generate(&mut store, &cfg).unwrap();
        }
        assert!(!ops::turnover_board(&s).unwrap().cards.is_empty());
    }

    #[test]
    fn a_case_advances_one_stage_at_a_time_and_its_letter_states_the_record() {
        let (s, _dir) = demo();
        let board = ops::turnover_board(&s).unwrap();
        let card = board.cards.iter().find(|c| c.case.stage == Stage::Notice).unwrap();
        let id = card.case.id.to_string();
        let d = ops::turnover_case(&s, id.clone()).unwrap();
        assert_eq!(d.checklist_items.len(), 8);
        let next = d.next.unwrap();
        assert_eq!(next.stage, Stage::Inspect);
        assert!(next.effect.contains("from Notice Given to Pre-Inspection"), "{}", next.effect);

        // Skipping a stage is refused with the core's reason; the next one goes.
        let e =
            ops::turnover_act(&s, id.clone(), TurnoverAction::AdvanceStage { stage: Stage::MakeReady }).unwrap_err();
        assert_eq!(e.code, "invalid_input");
        assert!(e.detail.contains("one stage at a time"), "{}", e.detail);
        let d = ops::turnover_act(&s, id.clone(), TurnoverAction::AdvanceStage { stage: Stage::Inspect }).unwrap();
        assert_eq!(d.case.stage, Stage::Inspect);
        assert_eq!(d.case.inspection_date, Some(d.today));

        // A deduction counts once approved.
        let deposit = d.case.security_deposit;
        let e = ops::turnover_act(
            &s,
            id.clone(),
            TurnoverAction::AddDeduction { category: "nonsense".into(), description: "x".into(), amount: "1".into() },
        )
        .unwrap_err();
        assert!(e.detail.contains("unknown category"), "{}", e.detail);
        let amount = parse_amount("150.00").unwrap();
        let d = ops::turnover_act(
            &s,
            id.clone(),
            TurnoverAction::AddDeduction {
                category: "wall_damage".into(),
                description: "Hole in bedroom wall".into(),
                amount: "$150".into(),
            },
        )
        .unwrap();
        assert_eq!(d.case.refund_amount, deposit);
        let deduction = d.deductions[0].id;
        let d = ops::turnover_act(
            &s,
            id.clone(),
            TurnoverAction::ApproveDeduction { deduction_id: deduction, approved: true },
        )
        .unwrap();
        assert_eq!(d.case.refund_amount, deposit - amount);
        assert_eq!(d.refund_text, super::refund_text(deposit - amount));

        // A checklist item completed at its actual cost.
        let item = d.checklist_items[0].id;
        let d = ops::turnover_act(
            &s,
            id.clone(),
            TurnoverAction::CompleteItem { item_id: item, actual_cost: Some("275".into()) },
        )
        .unwrap();
        assert!(d.checklist_items.iter().any(|i| i.id == item && i.completed));
        assert_eq!(d.case.make_ready_actual_cost, parse_amount("275.00").unwrap());

        // The preview states the deposit, the deduction and the refund, and writes nothing.
        let preview = ops::turnover_letter_preview(&s, id.clone()).unwrap();
        for figure in [money(deposit), money(amount), money((deposit - amount).abs())] {
            assert!(preview.body.contains(&figure), "{figure} missing from {}", preview.body);
        }
        assert!(preview.figures.iter().any(|f| f.label == "Security deposit"));
        assert!(!ops::turnover_case(&s, id.clone()).unwrap().case.deduction_letter_generated);
        let e = ops::turnover_act(
            &s,
            id.clone(),
            TurnoverAction::AddDeduction {
                category: "paint".into(),
                description: "Paint".into(),
                amount: "ten".into(),
            },
        )
        .unwrap_err();
        assert_eq!(e.code, "invalid_input");

        // Generated: the PDF saved beside the replica, the case marked.
        let pdf = ops::turnover_letter_pdf(&s, id.clone()).unwrap();
        assert!(std::path::Path::new(&pdf.path).is_file(), "{}", pdf.path);
        assert!(pdf.path.contains("letters") && !pdf.pages.is_empty());
        let d = ops::turnover_case(&s, id).unwrap();
        assert!(d.case.deduction_letter_generated && d.letter_days_left.is_none());
        assert_eq!(ops::turnover_case(&s, uuid::Uuid::nil().to_string()).unwrap_err().code, "not_found");
    }
}
