//! Renewals review queue (spec 1.2): the recommendations of the nightly scan, sortable by churn
//! score, rent or unit and filterable by risk, status and property, with a detail pane (churn
//! gauge, the five churn factors as bars, current/market/recommended rent, the strategy's
//! reasoning, the letter) and the review steps: approve (optionally at another rent), send, and
//! edit the letter inline or in `$EDITOR` — for one recommendation or a multi-selection.

use std::collections::BTreeSet;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Gauge, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::format::money;
use unitcycle_core::renewals::{self, ChurnRiskLevel, RenewalAction, RenewalStatus};
use uuid::Uuid;

use super::{placeholder, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets;
use crate::app::worker::{Data, RenewalRow, Request};
use crate::app::{theme, Cx, Env, Nav};
use crate::cli::parse_money;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Churn,
    Rent,
    Unit,
}

impl Sort {
    fn label(self) -> &'static str {
        match self {
            Sort::Churn => "churn score",
            Sort::Rent => "recommended rent",
            Sort::Unit => "unit",
        }
    }
    fn next(self) -> Sort {
        match self {
            Sort::Churn => Sort::Rent,
            Sort::Rent => Sort::Unit,
            Sort::Unit => Sort::Churn,
        }
    }
}

#[derive(Debug, Clone)]
enum Mode {
    View,
    /// Approve one recommendation; the rent field starts at the recommended rent.
    Rent {
        text: String,
        error: Option<String>,
    },
    Confirm {
        ids: Vec<Uuid>,
        action: RenewalAction,
        text: String,
    },
    /// The inline letter editor (cursor at the end).
    Edit {
        text: String,
    },
    Busy,
}

/// The risk colour of a churn level.
pub fn risk_color(level: ChurnRiskLevel) -> Color {
    theme::hex(level.hex())
}

#[derive(Default)]
pub struct Renewals {
    rows: Vec<RenewalRow>,
    loaded: bool,
    error: Option<String>,
    cursor: Cursor,
    sort: Sort,
    risk: Option<ChurnRiskLevel>,
    status: Option<RenewalStatus>,
    property: Option<String>,
    selected: BTreeSet<Uuid>,
    mode: Option<Mode>,
    /// The last refusal, shown under the table.
    action_error: Option<String>,
    /// The `/` filter: words matched against unit, property and tenant.
    filter: String,
}

impl Renewals {
    fn mode(&self) -> &Mode {
        self.mode.as_ref().unwrap_or(&Mode::View)
    }

    /// The rows passing the filters, in sort order.
    fn visible(&self) -> Vec<&RenewalRow> {
        let mut rows: Vec<&RenewalRow> = self
            .rows
            .iter()
            .filter(|r| self.risk.is_none_or(|l| r.rec.plan.churn_risk_level == l))
            .filter(|r| self.status.is_none_or(|s| r.rec.status == s))
            .filter(|r| self.property.as_ref().is_none_or(|p| &r.names.property == p))
            .filter(|r| super::matches(&self.filter, &[&r.names.unit, &r.names.property, &r.names.tenant]))
            .collect();
        match self.sort {
            Sort::Churn => rows.sort_by(|a, b| {
                b.rec.plan.churn_score.total_cmp(&a.rec.plan.churn_score).then(a.names.unit.cmp(&b.names.unit))
            }),
            Sort::Rent => rows.sort_by(|a, b| {
                b.rec.plan.recommended_rent.cmp(&a.rec.plan.recommended_rent).then(a.names.unit.cmp(&b.names.unit))
            }),
            Sort::Unit => {
                rows.sort_by(|a, b| a.names.property.cmp(&b.names.property).then(a.names.unit.cmp(&b.names.unit)))
            }
        }
        rows
    }

    fn current(&self) -> Option<&RenewalRow> {
        self.visible().get(self.cursor.selected).copied()
    }

    fn refit(&mut self) {
        self.cursor.len = self.visible().len();
        self.cursor.selected = self.cursor.selected.min(self.cursor.len.saturating_sub(1));
    }

    /// The selection if any, else the row under the cursor.
    fn targets(&self) -> Vec<&RenewalRow> {
        if self.selected.is_empty() {
            self.current().into_iter().collect()
        } else {
            self.rows.iter().filter(|r| self.selected.contains(&r.rec.id)).collect()
        }
    }

    fn approve(&mut self) {
        let targets = self.targets();
        match targets.as_slice() {
            [] => {}
            [one] if self.selected.is_empty() => {
                if one.rec.status != RenewalStatus::Pending {
                    self.action_error = Some(renewals::RenewalError::ApproveNotPending(one.rec.status).to_string());
                } else {
                    let text = one.rec.plan.recommended_rent.to_string();
                    self.mode = Some(Mode::Rent { text, error: None });
                }
            }
            many => {
                let pending: Vec<Uuid> =
                    many.iter().filter(|r| r.rec.status == RenewalStatus::Pending).map(|r| r.rec.id).collect();
                if pending.is_empty() {
                    self.action_error = Some("None of the selected recommendations is pending review.".into());
                    return;
                }
                let skipped = many.len() - pending.len();
                let text = format!(
                    "Approve {} renewal recommendation{} at the recommended rents?{}",
                    pending.len(),
                    plural(pending.len()),
                    if skipped > 0 { format!(" ({skipped} not pending are left as they are.)") } else { String::new() }
                );
                self.mode = Some(Mode::Confirm {
                    ids: pending,
                    action: RenewalAction::Approve { recommended_rent: None },
                    text,
                });
            }
        }
    }

    fn send(&mut self) {
        let targets = self.targets();
        let approved: Vec<&RenewalRow> =
            targets.iter().copied().filter(|r| r.rec.status == RenewalStatus::Approved).collect();
        if approved.is_empty() {
            self.action_error = Some(match targets.as_slice() {
                [one] => renewals::RenewalError::SendNotApproved(one.rec.status).to_string(),
                _ => "Approve the recommendations before sending them (none selected is approved).".into(),
            });
            return;
        }
        let text = match approved.as_slice() {
            [one] => format!(
                "Send the renewal letter to {} (unit {}, {}) by email? The offer is {} a month for {} months from {}; the recommendation becomes Sent to Tenant.",
                one.names.tenant,
                one.names.unit,
                one.names.property,
                money(one.rec.plan.recommended_rent),
                one.rec.plan.recommended_term_months,
                one.rec.plan.recommended_lease_start
            ),
            many => format!(
                "Send {} renewal letters by email? Each tenant gets their offer letter; the recommendations become Sent to Tenant.",
                many.len()
            ),
        };
        let skipped = targets.len() - approved.len();
        let text = if skipped > 0 { format!("{text} ({skipped} not approved are skipped.)") } else { text };
        let ids = approved.iter().map(|r| r.rec.id).collect();
        self.mode = Some(Mode::Confirm { ids, action: RenewalAction::Send, text });
    }

    fn rent_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        let Some(row) = self.current().map(|r| (r.rec.id, r.rec.plan.current_rent, r.rec.plan.recommended_rent)) else {
            self.mode = None;
            return;
        };
        let Some(Mode::Rent { text, error }) = &mut self.mode else { return };
        match key.code {
            KeyCode::Esc => self.mode = None,
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) => text.push(c),
            KeyCode::Enter => {
                let (id, current, recommended) = row;
                let rent = match parse_money(text) {
                    Ok(r) => r,
                    Err(e) => {
                        *error = Some(e);
                        return;
                    }
                };
                if let Err(e) = renewals::validate_rent(rent, current) {
                    *error = Some(e.to_string());
                    return;
                }
                let changed = (rent != recommended).then_some(rent);
                cx.request(Request::RenewalAct {
                    ids: vec![id],
                    action: RenewalAction::Approve { recommended_rent: changed },
                    actor: cx.actor.clone(),
                    now: cx.now,
                });
                self.mode = Some(Mode::Busy);
            }
            _ => {}
        }
    }

    fn edit_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        let id = self.current().map(|r| r.rec.id);
        let Some(Mode::Edit { text }) = &mut self.mode else { return };
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => {
                self.mode = None;
                cx.message("Letter not changed");
            }
            KeyCode::Char('s') if ctrl => {
                if let Some(id) = id {
                    cx.request(Request::RenewalLetter { id, text: text.clone(), now: cx.now });
                    self.mode = Some(Mode::Busy);
                }
            }
            KeyCode::Enter => text.push('\n'),
            KeyCode::Backspace => {
                text.pop();
            }
            KeyCode::Char(c) if !ctrl => text.push(c),
            _ => {}
        }
    }

    fn draw_table(&self, f: &mut Frame, area: Rect, rows: &[&RenewalRow]) {
        let height = usize::from(area.height.saturating_sub(3));
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        // Under 100 columns the churn percentage and the current rent give way to the names.
        let wide = area.width >= 110;
        // The unit with its property takes what its longest needs (leaving the tenant 14
        // cells or more of the room the fixed columns leave), the tenant the rest.
        let fixed: u16 = if wide { 1 + 10 + 5 + 8 + 10 + 10 + 14 + 10 } else { 1 + 10 + 8 + 10 + 14 + 8 };
        let room = area.width.saturating_sub(fixed + 3);
        let unit_w = rows
            .iter()
            .map(|r| (r.names.unit.chars().count() + 3 + r.names.property.chars().count()) as u16)
            .max()
            .unwrap_or(15)
            .max(15)
            .min(room.saturating_sub(14));
        let table_rows: Vec<Row> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|r| {
                let p = &r.rec.plan;
                let mark = if self.selected.contains(&r.rec.id) { "◆" } else { " " };
                let mut cells = vec![
                    Line::styled(mark, Style::new().fg(theme::accent())),
                    Line::raw(widgets::fit(&format!("{} · {}", r.names.unit, r.names.property), usize::from(unit_w))),
                    Line::raw(r.names.tenant.clone()),
                    Line::raw(r.lease_end.map_or("—".into(), |d| d.to_string())),
                ];
                if wide {
                    cells.push(Line::styled(
                        format!("{:>3.0}%", p.churn_score * 100.0),
                        Style::new().fg(risk_color(p.churn_risk_level)),
                    ));
                }
                cells.push(Line::styled(p.churn_risk_level.label(), Style::new().fg(risk_color(p.churn_risk_level))));
                if wide {
                    cells.push(Line::raw(money(p.current_rent)).right_aligned());
                }
                cells.push(Line::raw(money(p.recommended_rent)).right_aligned());
                cells.push(Line::raw(r.rec.status.label()));
                Row::new(cells)
            })
            .collect();
        let mut state = TableState::default().with_selected((!rows.is_empty()).then(|| self.cursor.selected - first));
        let mut filters = vec![format!("by {}", self.sort.label())];
        if let Some(l) = self.risk {
            filters.push(format!("risk {}", l.label()));
        }
        if let Some(s) = self.status {
            filters.push(s.label().to_string());
        }
        if let Some(p) = &self.property {
            filters.push(p.clone());
        }
        if !self.filter.is_empty() {
            filters.push(format!("filter \"{}\"", self.filter));
        }
        if !self.selected.is_empty() {
            filters.push(format!("{} selected", self.selected.len()));
        }
        let title = format!(" Renewals · {} · {} ", rows.len(), filters.join(" · "));
        let mut widths =
            vec![Constraint::Length(1), Constraint::Length(unit_w), Constraint::Fill(1), Constraint::Length(10)];
        let mut header =
            vec![Line::raw(""), Line::raw("Unit · property"), Line::raw("Tenant"), Line::raw("Lease ends")];
        if wide {
            widths.push(Constraint::Length(5));
            header.push(Line::raw("Churn"));
        }
        widths.push(Constraint::Length(8));
        header.push(Line::raw("Risk"));
        if wide {
            widths.push(Constraint::Length(10));
            header.push(Line::raw("Current").right_aligned());
        }
        widths.extend([Constraint::Length(10), Constraint::Length(14)]);
        header.extend([Line::raw("Offer").right_aligned(), Line::raw("Status")]);
        let table = Table::new(table_rows, widths)
            .header(Row::new(header).style(theme::bold()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸")
            .block(Block::bordered().title(title).border_style(theme::dim()));
        f.render_stateful_widget(table, area, &mut state);
    }

    fn draw_detail(&self, f: &mut Frame, area: Rect, r: &RenewalRow) {
        let p = &r.rec.plan;
        let [left, right] = Layout::horizontal([Constraint::Length(38), Constraint::Min(0)]).areas(area);
        let block = Block::bordered()
            .title(format!(" Unit {} · {} ", r.names.unit, widgets::fit(&r.names.tenant, 20)))
            .border_style(theme::dim());
        let inner = block.inner(left);
        f.render_widget(block, left);
        let [gauge, factors, rents] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(6), Constraint::Min(0)]).areas(inner);
        let color = risk_color(p.churn_risk_level);
        f.render_widget(
            Gauge::default()
                .ratio(p.churn_score.clamp(0.0, 1.0))
                .label(format!("churn {:.0}% · {}", p.churn_score * 100.0, p.churn_risk_level.label()))
                .gauge_style(Style::new().fg(color).bg(theme::hex("#334155"))),
            gauge,
        );
        let bar_width = usize::from(inner.width).saturating_sub(22 + 5);
        let mut lines = vec![Line::styled("Churn factors", theme::dim())];
        for (name, value) in p.churn_factors.entries() {
            let filled = (value.clamp(0.0, 1.0) * bar_width as f64).round() as usize;
            lines.push(Line::from(vec![
                Span::raw(format!("{:<21} ", factor_label(name))),
                Span::styled("█".repeat(filled), Style::new().fg(color)),
                Span::styled("░".repeat(bar_width - filled), theme::dim()),
                Span::raw(format!("{:>5.2}", value)),
            ]));
        }
        f.render_widget(Paragraph::new(lines), factors);
        let pct = format!("{:+.1}%", p.rent_increase_pct);
        let money_line = |label: &str, amount: Decimal, extra: String| {
            Line::from(vec![
                Span::styled(format!("{label:<12}"), theme::dim()),
                Span::styled(format!("{:>12}", money(amount)), theme::bold()),
                Span::raw(format!(" {extra}")),
            ])
        };
        let rent_lines = vec![
            money_line("Current", p.current_rent, String::new()),
            money_line("Market", p.market_rent, String::new()),
            money_line("Recommended", p.recommended_rent, pct),
            Line::styled(
                format!(
                    "{} months {} → {}",
                    p.recommended_term_months, p.recommended_lease_start, p.recommended_lease_end
                ),
                theme::dim(),
            ),
        ];
        f.render_widget(Paragraph::new(rent_lines), rents);

        let [why, letter] = Layout::vertical([Constraint::Length(5), Constraint::Min(0)]).areas(right);
        f.render_widget(
            Paragraph::new(vec![Line::raw(p.rent_reasoning.clone())])
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(format!(" {} ", p.rent_strategy.label())).border_style(theme::dim())),
            why,
        );
        let (title, text, style) = match self.mode() {
            Mode::Edit { text } => {
                (" Editing letter · Ctrl-S save · Esc cancel ".to_string(), format!("{text}█"), theme::selected())
            }
            _ => (
                format!(" Letter · {} · {} ", r.rec.letter_provider, r.rec.status.label()),
                r.rec.renewal_letter_text.clone(),
                Style::new(),
            ),
        };
        let lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
        // Keep the end of the letter in view while editing.
        let height = usize::from(letter.height.saturating_sub(2));
        let skip = if matches!(self.mode(), Mode::Edit { .. }) { lines.len().saturating_sub(height) } else { 0 };
        f.render_widget(
            Paragraph::new(lines.into_iter().skip(skip).collect::<Vec<_>>())
                .style(style)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(title).border_style(theme::dim())),
            letter,
        );
    }

    fn draw_popup(&self, f: &mut Frame, area: Rect) {
        let (title, lines, height): (&str, Vec<Line>, u16) = match self.mode() {
            Mode::Rent { text, error } => {
                let current = self.current().map_or(Decimal::ZERO, |r| r.rec.plan.current_rent);
                let mut lines = vec![
                    Line::from(vec![
                        Span::styled("▸ Rent         ", theme::bold()),
                        Span::styled(text.clone(), theme::selected()),
                        Span::styled("█", theme::dim()),
                    ]),
                    Line::styled(format!("  current {}; at most 25% above it", money(current)), theme::dim()),
                ];
                if let Some(e) = error {
                    lines.push(Line::styled(e.clone(), theme::error()));
                }
                lines.push(Line::styled("Enter approve · Esc cancel", theme::dim()));
                (" Approve renewal ", lines, 7)
            }
            Mode::Confirm { text, .. } => (
                " Confirm ",
                vec![
                    Line::raw(text.clone()),
                    Line::raw(""),
                    Line::styled("y / Enter: go ahead    n / Esc: cancel", theme::bold()),
                ],
                9,
            ),
            Mode::Busy => (" Working ", vec![Line::styled("Saving…", theme::dim())], 3),
            Mode::View | Mode::Edit { .. } => return,
        };
        let w = area.width.min(72);
        let h = height.min(area.height);
        let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(title)), r);
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn factor_label(name: &str) -> &'static str {
    match name {
        "late_payments" => "Late payments",
        "maintenance_requests" => "Maintenance requests",
        "rent_gap" => "Rent vs market",
        "tenure_short" => "Short tenure",
        "market_trend" => "Market (vacancy)",
        _ => "Other",
    }
}

fn cycle<T: Copy + PartialEq>(current: Option<T>, all: &[T]) -> Option<T> {
    match current {
        None => all.first().copied(),
        Some(c) => all.iter().position(|x| *x == c).and_then(|i| all.get(i + 1)).copied(),
    }
}

impl Screen for Renewals {
    fn title(&self) -> String {
        "Renewals".into()
    }
    fn nav(&self) -> Nav {
        Nav::Renewals
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::RENEWALS
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Renewals);
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode(), Mode::View)
    }
    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }
    fn set_filter(&mut self, text: String, _cx: &mut Cx) {
        self.filter = text;
        self.cursor.selected = 0;
        self.refit();
    }
    fn loading(&self) -> bool {
        !self.loaded && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        match self.mode() {
            Mode::Rent { .. } => self.rent_key(key, cx),
            Mode::Edit { .. } => self.edit_key(key, cx),
            Mode::Confirm { ids, action, .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    cx.request(Request::RenewalAct {
                        ids: ids.clone(),
                        action: action.clone(),
                        actor: cx.actor.clone(),
                        now: cx.now,
                    });
                    self.mode = Some(Mode::Busy);
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.mode = None;
                    cx.message("Cancelled: nothing was changed");
                }
                _ => {}
            },
            Mode::Busy | Mode::View => {}
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        self.action_error = None;
        match action {
            Action::ToggleSelect => {
                if let Some(id) = self.current().map(|r| r.rec.id) {
                    if !self.selected.remove(&id) {
                        self.selected.insert(id);
                    }
                    self.cursor.apply(Action::Down);
                }
            }
            Action::SelectAll => {
                let shown: Vec<Uuid> = self.visible().iter().map(|r| r.rec.id).collect();
                if shown.iter().all(|id| self.selected.contains(id)) {
                    self.selected.clear();
                } else {
                    self.selected.extend(shown);
                }
            }
            Action::Approve => self.approve(),
            Action::Send => self.send(),
            Action::EditLetter => {
                if let Some(text) = self.current().map(|r| r.rec.renewal_letter_text.clone()) {
                    self.mode = Some(Mode::Edit { text });
                }
            }
            Action::ExternalEditor => {
                if let Some(text) = self.current().map(|r| r.rec.renewal_letter_text.clone()) {
                    cx.edit_externally(text);
                }
            }
            Action::CycleSort => self.sort = self.sort.next(),
            Action::CycleRisk => {
                use ChurnRiskLevel::*;
                self.risk = cycle(self.risk, &[Critical, High, Medium, Low]);
            }
            Action::CycleStatus => {
                use RenewalStatus::*;
                self.status = cycle(self.status, &[Pending, Approved, Sent, Accepted, Declined, Expired]);
            }
            Action::CycleProperty => {
                let names: BTreeSet<&String> = self.rows.iter().map(|r| &r.names.property).collect();
                let names: Vec<&String> = names.into_iter().collect();
                self.property = match &self.property {
                    None => names.first().map(|s| s.to_string()),
                    Some(p) => names.iter().position(|n| *n == p).and_then(|i| names.get(i + 1)).map(|s| s.to_string()),
                };
            }
            Action::ClearFilters => {
                self.risk = None;
                self.status = None;
                self.property = None;
                self.filter.clear();
            }
            Action::ClearSelection => self.selected.clear(),
            other => {
                self.cursor.apply(other);
            }
        }
        self.refit();
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Renewals(rows) => {
                self.rows = rows;
                self.loaded = true;
                self.error = None;
                self.selected.retain(|id| self.rows.iter().any(|r| r.rec.id == *id));
                self.refit();
            }
            Data::RenewalsActed { done, errors } => {
                self.mode = None;
                self.selected.clear();
                if done > 0 {
                    cx.message(format!("Done: {done} recommendation{} updated", plural(done)));
                }
                if !errors.is_empty() {
                    self.action_error = Some(errors.join("; "));
                }
                self.reload(cx);
            }
            Data::Edited(text) => {
                if let Some(id) = self.current().map(|r| r.rec.id) {
                    cx.request(Request::RenewalLetter { id, text, now: cx.now });
                    self.mode = Some(Mode::Busy);
                }
            }
            Data::LetterSaved => {
                self.mode = None;
                cx.message("Letter saved");
                self.reload(cx);
            }
            Data::Error(e) => {
                if self.loaded {
                    self.mode = None;
                    self.action_error = Some(e);
                } else {
                    self.error = Some(e);
                }
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        if !self.loaded {
            return placeholder(f, area, &self.error);
        }
        if self.rows.is_empty() {
            let text = "No renewal recommendations yet. Run `unitcycle jobs run renewal-scan` to create them.";
            return f.render_widget(Paragraph::new(Line::styled(text, theme::dim())).wrap(Wrap { trim: true }), area);
        }
        let rows = self.visible();
        let table_h = (area.height * 2 / 5).max(6);
        let [table, errors, detail] =
            Layout::vertical([Constraint::Length(table_h), Constraint::Length(1), Constraint::Min(0)]).areas(area);
        self.draw_table(f, table, &rows);
        if let Some(e) = &self.action_error {
            f.render_widget(Paragraph::new(Line::styled(e.clone(), theme::error())), errors);
        }
        if let Some(r) = rows.get(self.cursor.selected) {
            self.draw_detail(f, detail, r);
        }
        self.draw_popup(f, area);
    }
}
