//! Collections case workflows from the desktop: preview and send the next step, record a
//! payment (checked first, with the over-payment warning), offer a payment plan, escalate and
//! add a note. Each is a thin call of the core workflow the TUI and the CLI use
//! (`collections::workflow`), on the replica's port: on a connected replica the action is also
//! queued for the server in the same transaction, as the TUI does. Messages go to the outbox
//! (never straight to a tenant); its delivery is the outbox's (`unitcycle outbox deliver` on a
//! standalone replica, the server on a connected one).

use chrono::{NaiveDate, Utc};
use serde::Serialize;

use super::ops::id;
use super::portfolio::{actor, collection_case, CaseDetail};
use crate::{AppState, CmdResult, CommandError};
use unitcycle_core::collections::workflow::{self as cw, CaseAction};
use unitcycle_core::collections::{self, PlanTerms};
use unitcycle_core::format::{money, parse_amount, parse_date};
use unitcycle_core::store::{Queueing, Store};

/// When the case's next step may go, and the rule that says so.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct NextStep {
    pub level: u8,
    pub description: &'static str,
    /// The channels the step goes by (`sms`, `email`, `letter`).
    pub channels: Vec<&'static str>,
    /// The first date the schedule allows it (the property's local date).
    pub due_on: NaiveDate,
    /// Whether it is due today (else sending needs an override, logged on the timeline).
    pub due: bool,
    /// The rule, in words: the step's day of the schedule and the least gap after the last step.
    pub rule: String,
}

/// One message the step would send, as drafted from the current record.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PreviewMessage {
    /// `sms`, `email` or `letter`.
    pub channel: &'static str,
    pub channel_label: &'static str,
    pub recipient_name: String,
    /// Email address, phone number or postal address; empty when it cannot go that way.
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The PDF a letter carries (rendered when the step is sent).
    pub attachment_name: Option<String>,
}

/// Exactly what "send the next step" would do now.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct StepPreview {
    pub next: NextStep,
    pub messages: Vec<PreviewMessage>,
    /// The facts check every draft passed (the AI gateway refuses a draft whose amounts or
    /// dates differ from the case's), in words.
    pub facts: String,
    /// Where the messages go once queued.
    pub delivery: String,
}

/// A case action's result: the case page as it now stands and one line saying what happened.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct CaseActed {
    pub detail: CaseDetail,
    pub summary: String,
}

/// A payment as it would be recorded, before it is: the form confirms it with the warning.
#[derive(Debug, Clone, Serialize, specta::Type)]
pub struct PaymentCheck {
    /// The amount as a decimal string (`1250.00`), to send back to `case_record_payment`.
    pub amount: String,
    pub amount_label: String,
    pub paid_on: NaiveDate,
    pub balance: String,
    /// The balance after the payment (zero when it pays the case off).
    pub new_balance: String,
    /// Set when the payment exceeds the balance: the excess becomes a credit.
    pub warning: Option<String>,
}

pub(super) fn next_step(store: &Store, case: &collections::CollectionCase) -> CmdResult<Result<NextStep, String>> {
    let now = Utc::now();
    Ok(match cw::next_step_due(store, case, now)? {
        Err(why) => Err(why.to_string()),
        Ok((step, due_on)) => {
            let today = unitcycle_core::time::today_at(store, case.property_id, now)?;
            let gap = collections::min_gap_days(step.level);
            let gap = if gap > 0 {
                format!(", and at least {gap} days after step {}", step.level - 1)
            } else {
                String::new()
            };
            Ok(NextStep {
                level: step.level,
                description: step.description,
                channels: step.channels.iter().map(|c| c.as_str()).collect(),
                due_on,
                due: due_on <= today,
                rule: format!(
                    "Step {} goes on day {} overdue (counted from the end of the grace period){gap}.",
                    step.level, step.day
                ),
            })
        }
    })
}

/// When the case's next step is due, or why there is none (closed, already at the legal step).
pub fn case_next_step(s: &AppState, case_id: String) -> CmdResult<NextStep> {
    let store = s.store()?;
    let case = store.collection_case(id(&case_id)?)?;
    next_step(&store, &case)?.map_err(CommandError::invalid)
}

/// Where queued messages go from this replica, in words (never a secret).
pub(super) fn delivery_note(s: &AppState, store: &Store) -> CmdResult<String> {
    if unitcycle_core::sync_actions::connected(store)? {
        return Ok("Queued for the server, which delivers this replica's messages.".into());
    }
    let dir = s.db_path.parent().unwrap_or_else(|| std::path::Path::new(".")).join("outbox");
    Ok(match unitcycle_core::delivery::Providers::from_env(&dir) {
        Ok(p) => {
            let how: Vec<String> =
                p.describe().iter().map(|i| format!("{}: {}", i.channel.label(), i.description)).collect();
            format!("Queued in this replica's outbox; `unitcycle outbox deliver` sends it ({}).", how.join("; "))
        }
        Err(e) => format!("Queued in this replica's outbox; delivery is not configured yet ({e})."),
    })
}

/// What sending the case's next step now would send, drafted exactly as the send drafts it
/// (nothing written: no timeline entry, no outbox row, no PDF).
pub fn case_preview_step(s: &AppState, case_id: String) -> CmdResult<StepPreview> {
    let case_id = id(&case_id)?;
    let store = s.store()?;
    let case = store.collection_case(case_id)?;
    let next = next_step(&store, &case)?.map_err(CommandError::invalid)?;
    let messages = cw::preview_next_step(&*store, &s.gateway, case_id, Utc::now())?
        .into_iter()
        .map(|m| PreviewMessage {
            channel: m.channel.as_str(),
            channel_label: m.channel.label(),
            recipient_name: m.recipient_name,
            to: m.to,
            subject: m.subject,
            body: m.text,
            attachment_name: m.attachment_name,
        })
        .collect();
    Ok(StepPreview {
        next,
        messages,
        facts: format!(
            "Drafted from the current record and checked against it: balance {}, late fees {}, unpaid since {}.",
            money(case.current_balance),
            money(case.late_fee_total),
            unitcycle_core::format::date(case.due_date)
        ),
        delivery: delivery_note(s, &store)?,
    })
}

/// Applies `action` through the core workflow on the replica's port (queued for the server too
/// on a connected replica), then reads the case page back.
fn act(
    s: &AppState,
    case_id: uuid::Uuid,
    action: CaseAction,
    summary: impl FnOnce(&collections::CollectionCase) -> String,
) -> CmdResult<CaseActed> {
    let case = {
        let mut store = s.store()?;
        let port = &mut Queueing::on_replica(&mut store, cw::ENTITY, case_id, action.to_json()?)?;
        cw::apply_case_action(port, &s.gateway, case_id, &action, &actor(), Utc::now())?
    };
    Ok(CaseActed { summary: summary(&case), detail: collection_case(s, case_id.to_string())? })
}

/// Sends the case's next step (its messages queued in the outbox). Ahead of the schedule it is
/// refused with the date it is due, unless `override_schedule`: then it goes and the override
/// is written on the timeline naming who sent it.
pub fn case_send_step(s: &AppState, case_id: String, override_schedule: bool) -> CmdResult<CaseActed> {
    act(s, id(&case_id)?, CaseAction::SendNextStep { override_schedule }, |c| {
        let step = collections::step(c.escalation_level).map_or("", |s| s.description);
        format!("Step {} ({step}) sent in a {} tone", c.escalation_level, c.tone.label().to_lowercase())
    })
}

/// The payment the form typed, as the action that records it (amount and date read by core's
/// parsers, so the words of a refusal are the CLI's).
fn parse_payment(amount: &str, paid_on: &str) -> CmdResult<CaseAction> {
    let amount = parse_amount(amount).map_err(CommandError::invalid)?;
    if amount.is_sign_negative() || amount.is_zero() {
        return Err(CommandError::invalid("Payment amount must be greater than zero."));
    }
    Ok(CaseAction::RecordPayment { amount, paid_on: parse_date(paid_on).map_err(CommandError::invalid)? })
}

/// Reads a payment as the form typed it and says what recording it would do.
pub fn case_check_payment(s: &AppState, case_id: String, amount: String, paid_on: String) -> CmdResult<PaymentCheck> {
    let CaseAction::RecordPayment { amount, paid_on } = parse_payment(&amount, &paid_on)? else {
        return Err(CommandError::invalid("not a payment"));
    };
    let case = s.store()?.collection_case(id(&case_id)?)?;
    let balance = case.current_balance;
    Ok(PaymentCheck {
        amount: format!("{amount:.2}"),
        amount_label: money(amount),
        paid_on,
        balance: money(balance),
        new_balance: money(balance - amount.min(balance)),
        warning: collections::overpayment_warning(amount, balance),
    })
}

/// Records a payment on the case: posted to the ledger, the balance lowered, the plan's
/// installments updated, the case closed as paid when nothing is left.
pub fn case_record_payment(s: &AppState, case_id: String, amount: String, paid_on: String) -> CmdResult<CaseActed> {
    let action = parse_payment(&amount, &paid_on)?;
    let paid = match &action {
        CaseAction::RecordPayment { amount, .. } => money(*amount),
        _ => String::new(),
    };
    act(s, id(&case_id)?, action, |c| {
        format!("Recorded {paid}; balance {}; case {}", money(c.current_balance), c.status.label())
    })
}

/// Offers a payment plan: `installments` monthly payments from `start_date`, of
/// `installment_amount` each when the tenant named one (the last takes the rest), else even.
pub fn case_offer_plan(
    s: &AppState,
    case_id: String,
    installments: u32,
    installment_amount: Option<String>,
    start_date: String,
) -> CmdResult<CaseActed> {
    let installment_amount = installment_amount
        .as_deref()
        .filter(|a| !a.trim().is_empty())
        .map(parse_amount)
        .transpose()
        .map_err(CommandError::invalid)?;
    let start_date = parse_date(&start_date).map_err(CommandError::invalid)?;
    let terms = PlanTerms { installments, installment_amount };
    act(s, id(&case_id)?, CaseAction::OfferPlan { terms, start_date }, |_| {
        format!("Payment plan offered: {installments} installments from {}", unitcycle_core::format::date(start_date))
    })
}

/// Escalates the case to legal (the legal warning goes first if it has not).
pub fn case_escalate(s: &AppState, case_id: String) -> CmdResult<CaseActed> {
    act(s, id(&case_id)?, CaseAction::Escalate, |c| format!("Case {}", c.status.label().to_lowercase()))
}

/// A note on the case's timeline.
pub fn case_add_note(s: &AppState, case_id: String, text: String) -> CmdResult<CaseActed> {
    act(s, id(&case_id)?, CaseAction::AddNote { text }, |_| "Note added".into())
}

#[cfg(test)]
pub(super) mod tests {
    use super::super::ops;
    use crate::AppState;
    use unitcycle_core::ai::Gateway;

    pub(crate) fn demo() -> (AppState, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let s = AppState::open_with(dir.path().join("replica.db"), Gateway::new(None)).unwrap();
        ops::create_demo(&s).unwrap();
        (s, dir)
    }

    #[test]
    fn a_case_is_previewed_sent_paid_noted_planned_and_escalated_through_core() {
        let (s, _dir) = demo();
        let cases = ops::list_collections(&s, false).unwrap().rows;
        let case = cases.iter().find(|c| c.case.escalation_level < 3 && c.case.status.as_str() == "open").unwrap();
        let id = case.case.id.to_string();
        let detail = ops::collection_case(&s, id.clone()).unwrap();
        let next = detail.next_step.clone().unwrap();
        assert_eq!(next.level, case.case.escalation_level + 1);
        assert!(next.rule.starts_with(&format!("Step {} goes on day", next.level)), "{}", next.rule);

        // The preview writes nothing and shows each message whole.
        let before = s.store().unwrap().outbox_messages(Some(case.case.id), 50).unwrap().len();
        let preview = ops::case_preview_step(&s, id.clone()).unwrap();
        assert!(!preview.messages.is_empty());
        for m in &preview.messages {
            assert!(m.subject.contains(next.description), "{}", m.subject);
            assert!(!m.body.is_empty() && !m.recipient_name.is_empty());
            assert_eq!(m.attachment_name.is_some(), m.channel == "letter");
        }
        assert!(preview.delivery.contains("outbox"), "{}", preview.delivery);
        assert_eq!(s.store().unwrap().outbox_messages(Some(case.case.id), 50).unwrap().len(), before);

        // Sent: refused ahead of schedule unless overridden; the override is on the timeline.
        let sent = match ops::case_send_step(&s, id.clone(), false) {
            Ok(done) => done,
            Err(e) => {
                assert!(e.detail.contains("ahead of schedule"), "{}", e.detail);
                let done = ops::case_send_step(&s, id.clone(), true).unwrap();
                assert!(done.detail.actions.iter().any(|a| a.action.message_text.contains("ahead of schedule")));
                done
            }
        };
        assert_eq!(sent.detail.row.case.escalation_level, next.level);
        assert!(sent.summary.starts_with(&format!("Step {}", next.level)), "{}", sent.summary);
        let after = s.store().unwrap().outbox_messages(Some(case.case.id), 50).unwrap();
        assert_eq!(after.len(), before + preview.messages.len());
        assert_eq!(after.iter().filter(|m| m.subject == preview.messages[0].subject).count(), 1);

        // A payment: checked (with the over-payment warning), then recorded.
        let e = ops::case_check_payment(&s, id.clone(), "ten".into(), "2026-01-01".into()).unwrap_err();
        assert!(e.detail.starts_with("invalid amount 'ten'"), "{}", e.detail);
        assert_eq!(
            ops::case_check_payment(&s, id.clone(), "0".into(), detail.today.to_string()).unwrap_err().code,
            "invalid_input"
        );
        assert!(ops::case_check_payment(&s, id.clone(), "5".into(), "1/2/26".into())
            .unwrap_err()
            .detail
            .contains("YYYY-MM-DD"));
        let balance = sent.detail.row.case.current_balance;
        let over = ops::case_check_payment(
            &s,
            id.clone(),
            (balance + unitcycle_core::format::parse_amount("1").unwrap()).to_string(),
            detail.today.to_string(),
        )
        .unwrap();
        assert!(over.warning.unwrap().contains("$1.00 more than the balance"));
        let check = ops::case_check_payment(&s, id.clone(), "$10".into(), detail.today.to_string()).unwrap();
        assert_eq!((check.amount.as_str(), check.warning), ("10.00", None));
        let paid = ops::case_record_payment(&s, id.clone(), check.amount, detail.today.to_string()).unwrap();
        assert_eq!(paid.detail.row.case.current_balance, balance - unitcycle_core::format::parse_amount("10").unwrap());
        assert!(paid.summary.starts_with("Recorded $10.00"), "{}", paid.summary);

        let e = ops::case_add_note(&s, id.clone(), "  ".into()).unwrap_err();
        assert_eq!(e.detail, "A note cannot be empty.");
        let noted = ops::case_add_note(&s, id.clone(), "Called; will pay Friday".into()).unwrap();
        assert!(noted.detail.actions.iter().any(|a| a.action.message_text == "Called; will pay Friday"));

        let e = ops::case_offer_plan(&s, id.clone(), 1, None, detail.today.to_string()).unwrap_err();
        assert!(e.detail.contains("between 2 and 12"), "{}", e.detail);
        let planned = ops::case_offer_plan(&s, id.clone(), 3, None, detail.today.to_string()).unwrap();
        assert_eq!(planned.detail.plan.as_ref().unwrap().num_installments, 3);
        assert_eq!(planned.detail.row.case.status.as_str(), "payment_plan");

        let escalated = ops::case_escalate(&s, id.clone()).unwrap();
        assert_eq!(escalated.detail.row.case.status.as_str(), "escalated");
        assert!(escalated.detail.next_step.is_none() && escalated.detail.next_step_note.is_some());
        assert_eq!(ops::case_preview_step(&s, id.clone()).unwrap_err().code, "invalid_input");
        assert_eq!(ops::case_send_step(&s, uuid::Uuid::nil().to_string(), false).unwrap_err().code, "not_found");
    }

    #[test]
    fn a_renewal_letter_is_edited_only_before_it_is_sent() {
        let (s, _dir) = demo();
        let pending = ops::list_renewals(&s, Some("pending".into())).unwrap().rows;
        let id = pending[0].renewal.id.to_string();
        assert_eq!(ops::renewal_set_letter(&s, id.clone(), " ".into()).unwrap_err().code, "invalid_input");
        let text = format!("Dear tenant, renew with us at {} a month.", pending[0].recommended_rent);
        let row = ops::renewal_set_letter(&s, id.clone(), text.clone()).unwrap();
        assert_eq!(row.renewal.renewal_letter_text, text);
        assert_eq!(row.renewal.letter_provider, "edited");
        ops::renewal_action(&s, id.clone(), "approve".into(), None).unwrap();
        ops::renewal_action(&s, id.clone(), "send".into(), None).unwrap();
        let e = ops::renewal_set_letter(&s, id, "Changed".into()).unwrap_err();
        assert!(e.detail.contains("what the tenant was sent"), "{}", e.detail);
    }
}
