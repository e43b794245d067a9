//! A collections case: balance, days overdue, escalation dots, tone and risk profile; the
//! timeline of actions with each message and who drafted it; the payment plan. Keys send the
//! next step, offer a plan (with a live preview of the installments as the form is typed),
//! record a payment, escalate (confirmed) and add a note.

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::collections::escalation::MessagePreview;
use unitcycle_core::collections::{self, overpayment_warning, InstallmentPlan, PlanTerms};
use unitcycle_core::format::money;
use uuid::Uuid;

use super::collections::dots_span;
use super::{placeholder, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::{CaseData, CaseOp, Data, Request};
use crate::app::{theme, Cx, Env, Nav};
use crate::cli::{parse_date, parse_money};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKind {
    Plan,
    Payment,
    Note,
}

/// A small form: one or two text fields, the focused one taking keys.
#[derive(Debug, Clone)]
struct Form {
    kind: FormKind,
    labels: &'static [&'static str],
    fields: Vec<String>,
    focus: usize,
    error: Option<String>,
}

#[derive(Debug, Clone)]
enum Mode {
    View,
    Form(Form),
    /// What the op will do, said before it is done; `y` does it. An op ahead of the schedule
    /// carries the refusal `y` gives (`ahead`): only a shifted `Y` overrides.
    Confirm {
        text: String,
        op: CaseOp,
        yes: &'static str,
        ahead: Option<String>,
        /// The messages a send will queue, drafted from the current record; `None` while they
        /// are being drafted (nothing can be sent until they are shown).
        preview: Option<Vec<MessagePreview>>,
    },
    /// A payment or a plan offer spelled out line by line (amounts, dates, recipient, any
    /// warning); `y` does it, then `then` (the payment's method and reference as a note).
    Review {
        title: &'static str,
        lines: Vec<Line<'static>>,
        op: CaseOp,
        then: Option<CaseOp>,
        yes: &'static str,
    },
    Busy,
}

pub struct CaseScreen {
    id: Uuid,
    data: Option<Box<CaseData>>,
    mode: Mode,
    scroll: usize,
    action_error: Option<String>,
    error: Option<String>,
    /// An op to run once the current one is done (the payment's note).
    then: Option<CaseOp>,
    /// The op under way is that follow-up: the status line keeps the first op's summary.
    following: bool,
}

/// The plan form's fields: installments, start date, and the amount of each (blank for an even split).
fn plan_terms(fields: &[String]) -> Result<(PlanTerms, NaiveDate), String> {
    let installments = fields[0].trim();
    let n: u32 = installments.parse().map_err(|_| format!("installments: '{installments}' is not a whole number"))?;
    let start = parse_date(&fields[1])?;
    let amount = fields.get(2).map(|a| a.trim()).filter(|a| !a.is_empty());
    let installment_amount = amount.map(parse_money).transpose().map_err(|e| format!("amount: {e}"))?;
    Ok((PlanTerms { installments: n, installment_amount }, start))
}

/// The plan the form's fields describe (its terms, start and installment schedule), or why there is none.
pub fn preview(
    balance: Decimal,
    fields: &[String],
    today: NaiveDate,
) -> Result<(PlanTerms, NaiveDate, Vec<InstallmentPlan>), String> {
    let (terms, start) = plan_terms(fields)?;
    let schedule = collections::plan_for_terms(balance, terms, start, today).map_err(|e| e.to_string())?;
    Ok((terms, start, schedule))
}

/// The confirm of a plan offer: each installment, the total, and who gets the emailed offer.
fn plan_review(d: &CaseData, terms: PlanTerms, start: NaiveDate, schedule: &[InstallmentPlan]) -> Mode {
    let names = &d.row.names;
    let mut lines = vec![Line::raw(format!(
        "Offer {} (unit {} · {}) a plan for the balance {}: {} installments from {start}:",
        names.tenant,
        names.unit,
        names.property,
        money(d.row.case.current_balance),
        schedule.len()
    ))];
    // A long plan shows its first installments and its last.
    let shown = if schedule.len() > 8 { 6 } else { schedule.len() };
    for i in &schedule[..shown] {
        lines.push(Line::raw(format!("  {:>2}. {}  {:>12}", i.installment_number, i.due_date, money(i.amount))));
    }
    if let Some(last) = schedule.last().filter(|_| shown < schedule.len()) {
        lines.push(Line::styled(
            format!("  … {} more, the last on {}", schedule.len() - shown, last.due_date),
            theme::dim(),
        ));
    }
    let total: Decimal = schedule.iter().map(|i| i.amount).sum();
    lines.push(Line::styled(format!("  Total {:>22}", money(total)), theme::bold()));
    lines.push(Line::raw(format!(
        "An email offer goes to {} at {}; escalation pauses while the installments are kept.",
        names.tenant,
        if names.email.is_empty() { "no email on record" } else { &names.email }
    )));
    Mode::Review {
        title: " Offer a payment plan? ",
        lines,
        op: CaseOp::OfferPlan { terms, start },
        then: None,
        yes: "offer",
    }
}

/// The confirm of a payment: amount, date, method, reference, the balance after and, for an
/// over-payment, the credit it leaves. Method and reference go on the timeline as a note.
fn payment_review(d: &CaseData, fields: &[String], today: NaiveDate) -> Result<Mode, String> {
    let amount = parse_money(&fields[0]).map_err(|e| format!("amount: {e}"))?;
    if amount <= Decimal::ZERO {
        return Err("amount: a payment must be greater than zero".to_string());
    }
    let paid_on = parse_date(&fields[1]).map_err(|e| format!("paid on: {e}"))?;
    if paid_on > today {
        return Err(format!("paid on: {paid_on} is in the future"));
    }
    let (method, reference) = (fields[2].trim(), fields[3].trim());
    let balance = d.row.case.current_balance;
    let names = &d.row.names;
    let mut lines = vec![
        Line::raw(format!("Record a payment from {} (unit {} · {}):", names.tenant, names.unit, names.property)),
        Line::raw(format!("  Amount     {}", money(amount))),
        Line::raw(format!("  Paid on    {paid_on}")),
        Line::raw(format!("  Method     {}", if method.is_empty() { "not given" } else { method })),
        Line::raw(format!("  Reference  {}", if reference.is_empty() { "none" } else { reference })),
        Line::raw(format!("  Balance    {} → {}", money(balance), money((balance - amount).max(Decimal::ZERO)))),
    ];
    if let Some(w) = overpayment_warning(amount, balance) {
        lines.push(Line::styled(format!("Warning: {w}."), theme::error()));
    }
    let memo: Vec<String> = [("method", method), ("reference", reference)]
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k} {v}"))
        .collect();
    let then = (!memo.is_empty())
        .then(|| CaseOp::Note(format!("Payment of {} on {paid_on}: {}", money(amount), memo.join(", "))));
    Ok(Mode::Review {
        title: " Record a payment? ",
        lines,
        op: CaseOp::RecordPayment { amount, paid_on },
        then,
        yes: "record",
    })
}

impl CaseScreen {
    pub fn new(id: Uuid) -> CaseScreen {
        CaseScreen {
            id,
            data: None,
            mode: Mode::View,
            scroll: 0,
            action_error: None,
            error: None,
            then: None,
            following: false,
        }
    }

    fn op(&mut self, op: CaseOp, cx: &mut Cx) {
        cx.request(Request::CaseAct { id: self.id, op, actor: cx.actor.clone(), now: cx.now });
        self.mode = Mode::Busy;
    }

    fn submit(&mut self, cx: &mut Cx) {
        let Mode::Form(form) = &mut self.mode else { return };
        let Some(d) = self.data.as_ref() else { return };
        let balance = d.row.case.current_balance;
        let result = match form.kind {
            // A plan and a payment are said in full first; `y` does them.
            FormKind::Plan => preview(balance, &form.fields, cx.today)
                .map(|(terms, start, schedule)| plan_review(d, terms, start, &schedule)),
            FormKind::Payment => payment_review(d, &form.fields, cx.today),
            FormKind::Note => {
                if form.fields[0].trim().is_empty() {
                    Err("the note is empty".to_string())
                } else {
                    Ok(Mode::Busy)
                }
            }
        };
        match result {
            Ok(Mode::Busy) => {
                let note = form.fields[0].trim().to_string();
                self.op(CaseOp::Note(note), cx)
            }
            Ok(review) => self.mode = review,
            Err(e) => form.error = Some(e),
        }
    }

    fn draw_popup(&self, f: &mut Frame, area: Rect, env: &Env) {
        let balance = self.data.as_ref().map_or(Decimal::ZERO, |d| d.row.case.current_balance);
        let (title, lines, height): (&str, Vec<Line>, u16) = match &self.mode {
            Mode::View => return,
            Mode::Form(form) => {
                let mut lines = Vec::new();
                for (i, name) in form.labels.iter().enumerate() {
                    let focus = i == form.focus;
                    lines.push(Line::from(vec![
                        Span::styled(if focus { "▸ " } else { "  " }, Style::new().fg(theme::accent())),
                        Span::styled(format!("{name:<14}"), theme::bold()),
                        Span::styled(form.fields[i].clone(), if focus { theme::selected() } else { Style::new() }),
                        Span::styled(if focus { "█" } else { "" }, theme::dim()),
                        Span::styled(
                            if form.kind == FormKind::Plan && i == 2 && form.fields[i].is_empty() {
                                " blank: split evenly"
                            } else {
                                ""
                            },
                            theme::dim(),
                        ),
                    ]));
                }
                if form.kind == FormKind::Plan {
                    lines.push(Line::raw(""));
                    match preview(balance, &form.fields, env.today) {
                        Ok((_, _, plan)) => {
                            let total: Decimal = plan.iter().map(|i| i.amount).sum();
                            for i in &plan {
                                lines.push(Line::raw(format!(
                                    "  {:>2}. {}  {:>10}",
                                    i.installment_number,
                                    i.due_date,
                                    money(i.amount)
                                )));
                            }
                            lines.push(Line::styled(format!("  Total {:>21}", money(total)), theme::bold()));
                        }
                        Err(e) => lines.push(Line::styled(format!("  {e}"), theme::dim())),
                    }
                }
                if let Some(e) = &form.error {
                    lines.push(Line::styled(e.clone(), theme::error()));
                }
                lines.push(Line::styled("Tab next field · Enter save · Esc cancel", theme::dim()));
                let title = match form.kind {
                    FormKind::Plan => " Offer a payment plan ",
                    FormKind::Payment => " Record a payment ",
                    FormKind::Note => " Add a note ",
                };
                let h = lines.len() as u16 + 2;
                (title, lines, h)
            }
            Mode::Confirm { text, yes, ahead, preview, .. } => {
                let keys = match (preview, ahead) {
                    (None, _) => "Drafting the message…    n / Esc: cancel".to_string(),
                    (Some(_), Some(_)) => {
                        format!("Y (shift): {yes} anyway    y: keep to the schedule    n / Esc: cancel")
                    }
                    (Some(_), None) => format!("y / Enter: {yes}    n / Esc: cancel"),
                };
                let mut lines = vec![Line::raw(text.clone()), Line::raw(""), Line::styled(keys, theme::bold())];
                // The messages themselves, as they will be queued (the box grows to hold them).
                for m in preview.iter().flatten() {
                    lines.push(Line::raw(""));
                    lines.push(Line::styled(format!("── {} to {} ──", m.channel.as_str(), m.to), theme::dim()));
                    lines.extend(m.text.lines().map(|l| Line::raw(l.to_string())));
                }
                let tall = preview.as_ref().is_some_and(|p| !p.is_empty());
                (" Confirm ", lines, if tall { area.height } else { 9 })
            }
            Mode::Review { title, lines, yes, .. } => {
                let mut lines = lines.clone();
                lines.push(Line::raw(""));
                lines.push(Line::styled(format!("y / Enter: {yes}    n / Esc: cancel"), theme::bold()));
                // Wrapped lines take more rows than there are lines: leave room for them.
                let rows: usize = lines.iter().map(|l| l.width().max(1).div_ceil(60)).sum();
                (*title, lines, rows as u16 + 2)
            }
            Mode::Busy => (" Working ", vec![Line::styled("Saving…", theme::dim())], 3),
        };
        let wide = matches!(&self.mode, Mode::Confirm { preview: Some(p), .. } if !p.is_empty());
        let w = if wide { area.width.saturating_sub(4).min(100) } else { area.width.min(64) };
        let h = height.min(area.height);
        let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(title)), r);
    }
}

impl Screen for CaseScreen {
    fn title(&self) -> String {
        self.data.as_ref().map_or_else(|| "Case".into(), |d| format!("Case · unit {}", d.row.names.unit))
    }
    fn nav(&self) -> Nav {
        Nav::Collections
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::CASE
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Case { id: self.id, now: cx.now });
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::View)
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        match &mut self.mode {
            Mode::Form(form) => match key.code {
                KeyCode::Esc => self.mode = Mode::View,
                KeyCode::Tab | KeyCode::Down | KeyCode::BackTab | KeyCode::Up => {
                    form.focus = (form.focus + 1) % form.labels.len()
                }
                KeyCode::Backspace => {
                    form.fields[form.focus].pop();
                }
                KeyCode::Char(c) => form.fields[form.focus].push(c),
                KeyCode::Enter => self.submit(cx),
                _ => {}
            },
            Mode::Confirm { preview: None, .. } if key.code != KeyCode::Esc && key.code != KeyCode::Char('n') => {}
            Mode::Confirm { op, ahead, .. } => match key.code {
                // Ahead of the schedule only a shifted Y sends; y and Enter say why not.
                KeyCode::Char('y') | KeyCode::Enter if ahead.is_some() => {
                    let refusal = ahead.take();
                    self.mode = Mode::View;
                    self.action_error = refusal;
                }
                KeyCode::Char('y') | KeyCode::Enter | KeyCode::Char('Y') => {
                    let op = op.clone();
                    self.op(op, cx)
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.mode = Mode::View;
                    cx.message("Cancelled: nothing was changed");
                }
                _ => {}
            },
            Mode::Review { op, then, .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    let (op, then) = (op.clone(), then.take());
                    self.op(op, cx);
                    self.then = then;
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.mode = Mode::View;
                    cx.message("Cancelled: nothing was changed");
                }
                _ => {}
            },
            Mode::Busy | Mode::View => {}
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        self.action_error = None;
        let Some(d) = &self.data else { return };
        let c = &d.row.case;
        let form = |kind, labels, fields: Vec<String>| Mode::Form(Form { kind, labels, fields, focus: 0, error: None });
        match action {
            // Nothing reaches the tenant on one key press: the step, its channels and the
            // recipient are said first, and only `y` sends.
            // Ahead of the schedule the text says so and when the step is due; only Y overrides.
            Action::SendNextStep => match &d.next_step {
                Ok((step, due_on)) => {
                    let channels: Vec<&str> = step.channels.iter().map(|ch| ch.label()).collect();
                    let ahead = (*due_on > cx.today).then(|| {
                        collections::CollectionsError::AheadOfSchedule {
                            level: step.level,
                            description: step.description,
                            due_on: *due_on,
                        }
                        .to_string()
                    });
                    let when = if ahead.is_some() {
                        format!("now, ahead of schedule (due on {due_on})")
                    } else {
                        "now".to_string()
                    };
                    self.mode = Mode::Confirm {
                        text: format!(
                            "Send step {} {when}, {} by {}, to {} (unit {}, {} owed, {} days overdue)? The message is drafted from the case's timeline and queued for delivery.",
                            step.level,
                            step.description,
                            channels.join(" and "),
                            d.row.names.tenant,
                            d.row.names.unit,
                            money(c.current_balance),
                            c.days_overdue
                        ),
                        op: CaseOp::SendNextStep { override_schedule: ahead.is_some() },
                        yes: "send",
                        ahead,
                        preview: None,
                    };
                    cx.request(Request::CasePreview { id: self.id, now: cx.now });
                }
                Err(e) => self.action_error = Some(e.to_string()),
            },
            Action::OfferPlan => {
                self.mode = form(
                    FormKind::Plan,
                    &["Installments", "Start date", "Amount each"],
                    vec!["3".into(), cx.today.to_string(), String::new()],
                )
            }
            Action::RecordPayment => {
                self.mode = form(
                    FormKind::Payment,
                    &["Amount", "Paid on", "Method", "Reference"],
                    vec![String::new(), cx.today.to_string(), String::new(), String::new()],
                )
            }
            Action::AddNote => self.mode = form(FormKind::Note, &["Note"], vec![String::new()]),
            Action::Escalate => {
                if c.is_open() {
                    self.mode = Mode::Confirm {
                        text: format!(
                            "Escalate the case of {} (unit {}, {} owed) to legal? {}The case is marked Escalated and leaves the automatic sequence.",
                            d.row.names.tenant,
                            d.row.names.unit,
                            money(c.current_balance),
                            if c.escalation_level < 5 { "The legal escalation warning is sent by certified letter. " } else { "" }
                        ),
                        op: CaseOp::Escalate,
                        yes: "escalate",
                        ahead: None,
                        preview: Some(Vec::new()),
                    };
                } else {
                    self.action_error = Some(collections::CollectionsError::Closed(c.status).to_string());
                }
            }
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = (self.scroll + 1).min(d.actions.len().saturating_sub(1)),
            _ => {}
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Case(d) => {
                self.data = Some(d);
                self.error = None;
            }
            Data::CasePreview(messages) => {
                if let Mode::Confirm { preview, .. } = &mut self.mode {
                    *preview = Some(messages);
                }
            }
            Data::CaseActed { case, summary } => {
                if let Some(d) = &mut self.data {
                    d.row.case = *case;
                }
                if !std::mem::take(&mut self.following) {
                    cx.message(summary);
                }
                match self.then.take() {
                    // The payment's note follows it; the summary stays the payment's.
                    Some(next) => {
                        self.following = true;
                        self.op(next, cx)
                    }
                    None => {
                        self.mode = Mode::View;
                        self.reload(cx);
                    }
                }
            }
            Data::Error(e) => {
                self.then = None;
                self.following = false;
                if self.data.is_some() {
                    match &mut self.mode {
                        Mode::Busy | Mode::Confirm { .. } | Mode::Review { .. } | Mode::View => {
                            self.mode = Mode::View;
                            self.action_error = Some(e);
                        }
                        Mode::Form(form) => form.error = Some(e),
                    }
                } else {
                    self.error = Some(e);
                }
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let c = &d.row.case;
        let [head, body, foot] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(0), Constraint::Length(1)]).areas(area);
        let owed = if c.current_balance > Decimal::ZERO { theme::error() } else { theme::bold() };
        f.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled(format!(" {} ", d.row.names.tenant), theme::bold()),
                    Span::styled(format!(" unit {} · {} ", d.row.names.unit, d.row.names.property), theme::dim()),
                    Span::styled(format!(" {} ", c.status.label()), theme::selected()),
                ]),
                Line::from(vec![
                    Span::raw(" Balance "),
                    Span::styled(money(c.current_balance), owed),
                    Span::raw(format!(" of {} · level {} ", money(c.original_amount_due), c.escalation_level)),
                    dots_span(c.escalation_level),
                    Span::raw(format!(" · {} days overdue (due {})", c.days_overdue, c.due_date)),
                ]),
                Line::styled(
                    format!(
                        " {} tone · {} · late fees {}",
                        c.tone.label(),
                        c.tenant_risk_profile.label(),
                        money(c.late_fee_total)
                    ),
                    theme::dim(),
                ),
            ]),
            head,
        );
        let plan_w = if d.plan.is_some() { 34 } else { 0 };
        let [timeline, plan] = Layout::horizontal([Constraint::Min(0), Constraint::Length(plan_w)]).areas(body);
        let mut lines = Vec::new();
        for a in d.actions.iter().rev().skip(self.scroll) {
            let by = if a.ai_provider.is_empty() { String::new() } else { format!(" · drafted by {}", a.ai_provider) };
            lines.push(Line::from(vec![
                Span::styled(a.created_at.format("%Y-%m-%d %H:%M ").to_string(), theme::dim()),
                Span::styled(format!("{} · {}", a.action_type.label(), a.channel.label()), theme::bold()),
                Span::styled(format!(" · step {} · {}{by}", a.escalation_level, a.tone_used), theme::dim()),
            ]));
            for l in a.message_text.lines().filter(|l| !l.trim().is_empty()) {
                lines.push(Line::raw(format!("  {l}")));
            }
        }
        if lines.is_empty() {
            lines.push(Line::styled("No actions yet", theme::dim()));
        }
        f.render_widget(
            Paragraph::new(lines).wrap(Wrap { trim: false }).block(
                Block::bordered()
                    .title(format!(" Timeline · {} actions, newest first ", d.actions.len()))
                    .border_style(theme::dim()),
            ),
            timeline,
        );
        if let Some(p) = &d.plan {
            let mut lines =
                vec![Line::styled(format!("{} · {}", p.status.label(), money(p.total_amount)), theme::bold())];
            for i in &p.installments {
                lines.push(Line::raw(format!("{:>2}. {} {:>10}", i.installment_number, i.due_date, money(i.amount))));
                lines.push(Line::styled(format!("    {}", i.status.label()), theme::dim()));
            }
            f.render_widget(
                Paragraph::new(lines).block(Block::bordered().title(" Payment plan ").border_style(theme::dim())),
                plan,
            );
        }
        if let Some(e) = &self.action_error {
            f.render_widget(Paragraph::new(Line::styled(e.clone(), theme::error())), foot);
        }
        self.draw_popup(f, area, env);
    }
}
