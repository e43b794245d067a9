//! A turnover case (spec 2.1): the unit, tenant and stage with the dates of each stage; the
//! deposit, the approved deductions and the refund (or what the tenant owes); the deduction
//! letter's deadline; the make-ready checklist and the deductions. `c` completes an item with
//! its actual cost, `d` adds a deduction, `a` approves one, `>` moves the case on (confirmed) and
//! `L` shows the deduction letter before `y` generates its PDF.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::format::{self, money};
use unitcycle_core::turnover::workflow::TurnoverAction;
use unitcycle_core::turnover::{DeductionCategory, DeductionLetter, Stage};
use uuid::Uuid;

use super::turnover::{advance_confirm, dollars};
use super::{placeholder, Cursor, Screen};
use crate::app::form::{Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::{Data, Request, TurnoverCaseData};
use crate::app::{theme, Cx, Env, Nav};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Focus {
    Checklist,
    Deductions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FormKind {
    /// Completes the checklist item with this id.
    Complete(Uuid),
    Deduction,
}

#[derive(Debug, Clone)]
enum Mode {
    View,
    Form(FormKind, Form),
    /// `>`: the line saying what will happen; `y` moves the case to `to`.
    Confirm {
        to: Stage,
        text: String,
    },
    /// `L`: the letter generating will write (`None` while it is drafted); `y` generates it.
    Letter {
        draft: Option<Box<DeductionLetter>>,
        scroll: u16,
    },
}

pub const DEDUCTION_FIELDS: [&str; 3] = ["Category", "Description", "Amount"];
pub const COMPLETE_FIELDS: [&str; 1] = ["Actual cost"];

/// The category as the core spells it, from its value or its label in any case ("Wall damage",
/// "wall_damage"); anything else as typed, for the core to refuse with the list it takes.
pub fn category(text: &str) -> String {
    let t = text.trim();
    DeductionCategory::ALL
        .iter()
        .find(|c| c.as_str().eq_ignore_ascii_case(t) || c.label().eq_ignore_ascii_case(t))
        .map_or_else(|| t.to_string(), |c| c.as_str().to_string())
}

/// `parts` joined with " · " in lines of at most `width` cells, each line led by a space.
fn pack(parts: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let mut lines: Vec<Vec<Span>> = vec![Vec::new()];
    let mut used = 0;
    for part in parts {
        let w = part.width();
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && used + 3 + w > width {
            lines.push(vec![Span::raw(" "), part]);
            used = 1 + w;
        } else {
            let lead = if last.is_empty() { " " } else { " · " };
            used += lead.chars().count() + w;
            last.push(Span::styled(lead, theme::dim()));
            last.push(part);
        }
    }
    lines.into_iter().map(Line::from).collect()
}

/// "1 day", "3 days".
fn days(n: i64) -> String {
    if n == 1 {
        "1 day".to_string()
    } else {
        format!("{n} days")
    }
}

/// A date, or a dash when the stage has not been reached.
fn day(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), format::date)
}

pub struct TurnoverCaseScreen {
    id: Uuid,
    data: Option<Box<TurnoverCaseData>>,
    mode: Mode,
    /// An action is with the worker: keys wait for its answer.
    busy: bool,
    focus: Focus,
    items: Cursor,
    deductions: Cursor,
    /// The deductions there were before one was added: the new one is selected on reload.
    known: Option<Vec<Uuid>>,
    action_error: Option<String>,
    error: Option<String>,
}

impl TurnoverCaseScreen {
    pub fn new(id: Uuid) -> TurnoverCaseScreen {
        TurnoverCaseScreen {
            id,
            data: None,
            mode: Mode::View,
            busy: false,
            focus: Focus::Checklist,
            items: Cursor::default(),
            deductions: Cursor::default(),
            known: None,
            action_error: None,
            error: None,
        }
    }

    fn act(&mut self, action: TurnoverAction, cx: &mut Cx) {
        cx.request(Request::TurnoverAct { id: self.id, action, actor: cx.actor.clone(), now: cx.now });
        self.busy = true;
    }

    fn refit(&mut self) {
        let Some(d) = &self.data else { return };
        self.items.len = d.detail.checklist_items.len();
        self.deductions.len = d.detail.deductions.len();
        if let Some(known) = self.known.take() {
            if let Some(i) = d.detail.deductions.iter().position(|x| !known.contains(&x.id)) {
                self.deductions.selected = i;
            }
        }
        for c in [&mut self.items, &mut self.deductions] {
            c.selected = c.selected.min(c.len.saturating_sub(1));
        }
    }

    /// Checks the form's fields; the core checks the rest when the action is applied.
    fn submit(&mut self, cx: &mut Cx) {
        let Mode::Form(kind, form) = &mut self.mode else { return };
        let action = match *kind {
            FormKind::Complete(item_id) => {
                if !form.check(|_, text| format::parse_money(text).err()) {
                    return;
                }
                let cost = format::parse_money(form.value(0)).ok();
                TurnoverAction::CompleteItem { item_id, actual_cost: cost }
            }
            FormKind::Deduction => {
                let ok = form.check(|i, text| match i {
                    2 if text.is_empty() => Some("required: the amount in dollars and cents".into()),
                    2 => format::parse_amount(text).err(),
                    _ => None,
                });
                let Some(amount) = ok.then(|| format::parse_amount(form.value(2)).ok()).flatten() else { return };
                TurnoverAction::AddDeduction {
                    category: category(form.value(0)),
                    description: form.fields[1].clone(),
                    amount,
                    photo_url: String::new(),
                }
            }
        };
        if matches!(action, TurnoverAction::AddDeduction { .. }) {
            self.known = self.data.as_ref().map(|d| d.detail.deductions.iter().map(|x| x.id).collect());
        }
        self.act(action, cx);
    }

    fn draw_head(&self, d: &TurnoverCaseData, width: usize) -> Vec<Line<'static>> {
        let c = &d.detail.case;
        let over = d.days_vacant > c.target_days_to_lease;
        let mut lines = vec![Line::from(vec![
            Span::styled(format!(" {} ", d.names.tenant), theme::bold()),
            Span::styled(format!(" unit {} · {} ", d.names.unit, d.names.property), theme::dim()),
            Span::styled(format!(" {} ", c.stage.label()), theme::selected()),
        ])];
        let deadline = format::date(d.detail.letter_deadline);
        let letter = match d.detail.letter_days_left {
            Some(n) if n < 0 => {
                Span::styled(format!("deduction letter overdue: due {deadline}, {} ago", days(-n)), theme::error())
            }
            Some(n) => Span::raw(format!("deduction letter due {deadline} ({} left)", days(n))),
            None => Span::raw(format!("deduction letter generated on {}", day(c.deduction_letter_date))),
        };
        let status = vec![
            Span::raw(format!("{} in stage", days(d.detail.days_in_stage))),
            Span::styled(
                format!("vacant {} of {} days", d.days_vacant, c.target_days_to_lease),
                if over { theme::error() } else { Style::new() },
            ),
            Span::raw(format!(
                "make-ready {} of {}",
                money(c.make_ready_actual_cost),
                money(c.make_ready_estimated_cost)
            )),
        ];
        let mut moved = format!("move-out {} expected", format::date(c.expected_move_out));
        if let Some(out) = c.actual_move_out {
            moved = format!("{moved}, moved out {}", format::date(out));
        }
        let timeline = [
            format!("Notice {}", format::date(c.notice_date)),
            moved,
            format!("inspection {}", day(c.inspection_date)),
            format!("make-ready {} → {}", day(c.make_ready_start), day(c.make_ready_complete)),
            format!("listed {}", day(c.listed_date)),
            format!("leased {}", day(c.leased_date)),
        ]
        .map(|t| Span::styled(t, theme::dim()))
        .to_vec();
        let figures = vec![
            Span::raw(format!("Deposit {}", money(c.security_deposit))),
            Span::raw(format!("approved deductions {}", money(c.total_deductions))),
            Span::styled(
                unitcycle_core::turnover::refund_words(c.refund_amount),
                if c.refund_amount < Decimal::ZERO { theme::error() } else { theme::bold() },
            ),
            letter,
        ];
        for group in [status, timeline, figures] {
            lines.extend(pack(group, width));
        }
        lines
    }

    fn draw_checklist(&self, f: &mut Frame, area: Rect, d: &TurnoverCaseData) {
        let items = &d.detail.checklist_items;
        let focused = self.focus == Focus::Checklist;
        let height = usize::from(area.height.saturating_sub(3));
        self.items.height.set(height);
        let first = self.items.first_visible(height);
        let rows: Vec<Row> = items
            .iter()
            .skip(first)
            .take(height)
            .map(|i| {
                Row::new(vec![
                    Line::styled(if i.completed { "✓" } else { " " }, Style::new().fg(theme::accent())),
                    Line::raw(i.category.clone()),
                    Line::raw(i.item.clone()),
                    Line::raw(money(i.estimated_cost)).right_aligned(),
                    Line::raw(if i.completed { money(i.actual_cost) } else { "—".into() }).right_aligned(),
                    Line::styled(i.completed_by.clone(), theme::dim()),
                ])
            })
            .collect();
        let done = items.iter().filter(|i| i.completed).count();
        let c = &d.detail.case;
        let title = format!(
            " Make-ready checklist · {done}/{} done · {} of {} ",
            items.len(),
            dollars(c.make_ready_actual_cost),
            dollars(c.make_ready_estimated_cost)
        );
        let widths = [
            Constraint::Length(1),
            Constraint::Length(11),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(16),
        ];
        let header = Row::new(vec![
            Line::raw(""),
            Line::raw("Category"),
            Line::raw("Item"),
            Line::raw("Estimated").right_aligned(),
            Line::raw("Actual").right_aligned(),
            Line::raw("Done by"),
        ])
        .style(theme::bold());
        let mut state = TableState::default().with_selected((!items.is_empty()).then(|| self.items.selected - first));
        let table = Table::new(rows, widths)
            .header(header)
            .row_highlight_style(if focused { theme::selected() } else { Style::new() })
            .highlight_symbol(if focused { "▸" } else { " " })
            .block(pane(title, focused));
        f.render_stateful_widget(table, area, &mut state);
    }

    fn draw_deductions(&self, f: &mut Frame, area: Rect, d: &TurnoverCaseData) {
        let list = &d.detail.deductions;
        let focused = self.focus == Focus::Deductions;
        let title = format!(" Deductions · {} · {} approved ", list.len(), money(d.detail.case.total_deductions));
        if list.is_empty() {
            let text = "No deductions yet: d adds one (category, description, amount); a approves it.";
            let p = Paragraph::new(Line::styled(text, theme::dim())).wrap(Wrap { trim: true });
            return f.render_widget(p.block(pane(title, focused)), area);
        }
        let height = usize::from(area.height.saturating_sub(3));
        self.deductions.height.set(height);
        let first = self.deductions.first_visible(height);
        let rows: Vec<Row> = list
            .iter()
            .skip(first)
            .take(height)
            .map(|x| {
                Row::new(vec![
                    Line::raw(x.category.label()),
                    Line::raw(x.description.clone()),
                    Line::raw(money(x.amount)).right_aligned(),
                    Line::styled(if x.approved { "✓" } else { "" }, Style::new().fg(theme::accent())).centered(),
                ])
            })
            .collect();
        let widths = [Constraint::Length(16), Constraint::Fill(1), Constraint::Length(11), Constraint::Length(8)];
        let header = Row::new(vec![
            Line::raw("Category"),
            Line::raw("Description"),
            Line::raw("Amount").right_aligned(),
            Line::raw("Approved"),
        ])
        .style(theme::bold());
        let mut state = TableState::default().with_selected(Some(self.deductions.selected - first));
        let table = Table::new(rows, widths)
            .header(header)
            .row_highlight_style(if focused { theme::selected() } else { Style::new() })
            .highlight_symbol(if focused { "▸" } else { " " })
            .block(pane(title, focused));
        f.render_stateful_widget(table, area, &mut state);
    }

    fn draw_letter(
        &self,
        f: &mut Frame,
        area: Rect,
        d: &TurnoverCaseData,
        draft: Option<&DeductionLetter>,
        scroll: u16,
    ) {
        let c = &d.detail.case;
        let again = match c.deduction_letter_date.filter(|_| c.deduction_letter_generated) {
            Some(on) => format!(" It was generated on {}: this generates it again.", format::date(on)),
            None => String::new(),
        };
        let mut lines = vec![
            Line::raw(format!(
                "Generate the deduction letter to {} (unit {} · {}) as a PDF in the replica's documents, and mark it generated on the case?{again}",
                d.names.tenant, d.names.unit, d.names.property
            )),
            Line::raw(""),
        ];
        match draft {
            None => lines.push(Line::styled("Drafting the letter…    n / Esc: cancel", theme::bold())),
            Some(letter) => {
                lines.push(Line::styled("y / Enter: generate    n / Esc: cancel    ↑/↓: scroll", theme::bold()));
                lines.push(Line::raw(""));
                lines.push(Line::styled(format!("Subject: {}", letter.subject), theme::bold()));
                lines.push(Line::raw(""));
                lines.extend(letter.body.lines().map(|l| Line::raw(l.to_string())));
                lines.push(Line::raw(""));
                for (label, value) in &letter.figures {
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {label:<40} "), theme::dim()),
                        Span::raw(value.clone()),
                    ]));
                }
            }
        }
        let w = area.width.saturating_sub(4).min(100);
        let r = Rect { x: area.x + (area.width - w) / 2, y: area.y, width: w, height: area.height };
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0))
                .block(Block::bordered().title(" Deduction letter ")),
            r,
        );
    }
}

/// A pane's border: the accent colour when it has the focus.
fn pane(title: String, focused: bool) -> Block<'static> {
    Block::bordered().title(title).border_style(if focused { Style::new().fg(theme::accent()) } else { theme::dim() })
}

impl Screen for TurnoverCaseScreen {
    fn title(&self) -> String {
        self.data.as_ref().map_or_else(|| "Turnover case".into(), |d| format!("Turnover · unit {}", d.names.unit))
    }
    fn nav(&self) -> Nav {
        Nav::Turnover
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::TURNOVER_CASE
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::TurnoverCase { id: self.id, now: cx.now });
    }
    fn capturing(&self) -> bool {
        self.busy || !matches!(self.mode, Mode::View)
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let cancel = |mode: &mut Mode, cx: &mut Cx| {
            *mode = Mode::View;
            cx.message("Cancelled: nothing was changed");
        };
        match &mut self.mode {
            Mode::View => {}
            Mode::Form(_, form) => match form.key(key) {
                FormKey::Cancel => cancel(&mut self.mode, cx),
                FormKey::Edited => {}
                FormKey::Submit => self.submit(cx),
            },
            Mode::Confirm { to, .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    let stage = *to;
                    self.act(TurnoverAction::AdvanceStage { stage }, cx);
                }
                KeyCode::Char('n') | KeyCode::Esc => cancel(&mut self.mode, cx),
                _ => {}
            },
            Mode::Letter { draft, scroll } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter if draft.is_some() => {
                    self.act(TurnoverAction::GenerateDeductionLetter, cx)
                }
                KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1).min(60),
                KeyCode::Char('n') | KeyCode::Esc => cancel(&mut self.mode, cx),
                _ => {}
            },
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        self.action_error = None;
        let Some(d) = &self.data else { return };
        let c = &d.detail.case;
        match action {
            Action::NextTab => {
                self.focus = if self.focus == Focus::Checklist { Focus::Deductions } else { Focus::Checklist }
            }
            Action::Up | Action::Down => {
                let cursor = if self.focus == Focus::Checklist { &mut self.items } else { &mut self.deductions };
                cursor.apply(action);
            }
            Action::CompleteItem => {
                self.focus = Focus::Checklist;
                let Some(item) = d.detail.checklist_items.get(self.items.selected) else { return };
                let cost = if item.completed { item.actual_cost } else { item.estimated_cost };
                let intro = format!(
                    "{}: {} (estimated {}){}",
                    item.category,
                    item.item,
                    money(item.estimated_cost),
                    if item.completed { "; done already: this changes its actual cost" } else { "" }
                );
                let form = Form::new("Complete a checklist item", &COMPLETE_FIELDS, vec![format!("{cost:.2}")])
                    .with_enter("complete");
                self.mode = Mode::Form(FormKind::Complete(item.id), form.with_intro(intro));
            }
            Action::AddDeduction => {
                self.focus = Focus::Deductions;
                let names: Vec<&str> = DeductionCategory::ALL.iter().map(|c| c.as_str()).collect();
                let intro = format!(
                    "From the deposit of {} (unit {}). Category: {}. Only approved deductions (a) count.",
                    money(c.security_deposit),
                    d.names.unit,
                    names.join(", ")
                );
                let form = Form::new("Add a deduction", &DEDUCTION_FIELDS, Vec::new()).with_enter("add");
                self.mode = Mode::Form(FormKind::Deduction, form.with_intro(intro));
            }
            Action::Approve => {
                self.focus = Focus::Deductions;
                match d.detail.deductions.get(self.deductions.selected) {
                    Some(x) => {
                        let action = TurnoverAction::ApproveDeduction { deduction_id: x.id, approved: !x.approved };
                        self.act(action, cx);
                    }
                    None => self.action_error = Some("No deduction to approve: d adds one.".into()),
                }
            }
            Action::AdvanceStage => match advance_confirm(c, &d.names.unit, &d.names.property) {
                Ok((to, text)) => self.mode = Mode::Confirm { to, text },
                Err(e) => self.action_error = Some(e),
            },
            Action::GenerateLetter => {
                self.mode = Mode::Letter { draft: None, scroll: 0 };
                cx.request(Request::TurnoverLetterDraft { id: self.id });
            }
            _ => {}
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::TurnoverCase(d) => {
                self.data = Some(d);
                self.error = None;
                self.refit();
            }
            Data::TurnoverLetter(letter) => {
                if let Mode::Letter { draft, .. } = &mut self.mode {
                    *draft = Some(letter);
                }
            }
            Data::TurnoverActed { summary, .. } => {
                self.busy = false;
                self.mode = Mode::View;
                cx.message(summary);
                self.reload(cx);
            }
            Data::Error(e) => {
                self.busy = false;
                self.known = None;
                if self.data.is_none() {
                    self.error = Some(e);
                } else if let Mode::Form(_, form) = &mut self.mode {
                    // The core's refusal of the form: shown in it, the fields kept to mend.
                    form.error = Some(e);
                } else {
                    self.mode = Mode::View;
                    self.action_error = Some(e);
                }
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let head_lines = self.draw_head(d, usize::from(area.width));
        let [head, body, foot] =
            Layout::vertical([Constraint::Length(head_lines.len() as u16), Constraint::Min(0), Constraint::Length(1)])
                .areas(area);
        f.render_widget(Paragraph::new(head_lines), head);
        let list_h = (d.detail.checklist_items.len() as u16 + 3).min(body.height * 3 / 5);
        let [checklist, deductions] = Layout::vertical([Constraint::Length(list_h), Constraint::Min(0)]).areas(body);
        self.draw_checklist(f, checklist, d);
        self.draw_deductions(f, deductions, d);
        let foot_line = match (&self.mode, &self.action_error) {
            (Mode::Confirm { text, .. }, _) if self.busy => Line::styled(format!("{text} … moving"), theme::dim()),
            (Mode::Confirm { text, .. }, _) => Line::styled(text.clone(), theme::bold().fg(theme::accent())),
            (_, Some(e)) => Line::styled(e.clone(), theme::error()),
            _ if self.busy => Line::styled("Saving…", theme::dim()),
            _ => Line::raw(""),
        };
        f.render_widget(Paragraph::new(foot_line).wrap(Wrap { trim: true }), foot);
        match &self.mode {
            Mode::Form(_, form) => form.draw(f, area),
            Mode::Letter { draft, scroll } => self.draw_letter(f, area, d, draft.as_deref(), *scroll),
            Mode::View | Mode::Confirm { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_category_is_taken_by_value_or_label_in_any_case() {
        for (typed, stored) in [
            ("paint", "paint"),
            ("Wall damage", "wall_damage"),
            (" APPLIANCE_REPAIR ", "appliance_repair"),
            ("mold", "mold"),
        ] {
            assert_eq!(category(typed), stored, "{typed}");
        }
    }

    #[test]
    fn pack_breaks_between_parts() {
        let text = |lines: Vec<Line>| -> Vec<String> { lines.iter().map(|l| l.to_string()).collect() };
        let parts = || ["Notice Nov 2, 2026", "inspection —", "listed —"].map(Span::raw).to_vec();
        assert_eq!(text(pack(parts(), 80)), [" Notice Nov 2, 2026 · inspection — · listed —"]);
        assert_eq!(text(pack(parts(), 35)), [" Notice Nov 2, 2026 · inspection —", " listed —"]);
    }
}
