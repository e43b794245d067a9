//! Showings (spec 5.2, `:showings`): the calendar of a day or a week (`w`), ←/→ to the previous
//! or next one, each showing with its local time, type, prospect, listing, status and no-show
//! risk level (green low, amber medium, red high: consider overbooking). `c` records the
//! prospect's confirmation, `x` cancels (after a confirm that says the prospect is told), `m`
//! marks it completed, and `a` shows a self-guided showing's access code (refused until the
//! prospect verified their identity). `:funnel` draws the 30-day conversion funnel.

use chrono::{Datelike, Duration, NaiveDate};
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, TableState};
use ratatui::Frame;
use unitcycle_core::showings::funnel::Funnel as FunnelData;
use unitcycle_core::showings::risk;

use super::lease_gen::{confirm, confirm_key, ConfirmKey};
use super::{placeholder, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::showings::{CalRow, ShowingsData, ShowingsRequest, Step};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

#[derive(Default)]
enum Mode {
    #[default]
    Browse,
    /// The cancel confirm.
    Cancel { text: Vec<String>, id: uuid::Uuid, scroll: u16 },
    /// An access code, shown until a key is pressed.
    Code(Vec<String>),
}

#[derive(Default)]
pub struct Showings {
    /// The day shown (or a day of the week shown); today until moved.
    day: Option<NaiveDate>,
    week: bool,
    rows: Option<Vec<CalRow>>,
    range: Option<(NaiveDate, NaiveDate)>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
}

fn label(s: &str) -> String {
    s.replace('_', " ")
}

/// The risk level's colour: green low, amber medium, red high.
pub fn risk_style(level: &str) -> Style {
    match level {
        "high" => theme::error(),
        "medium" => Style::new().fg(theme::hex("#D97706")),
        _ => Style::new().fg(theme::hex("#16A34A")),
    }
}

fn status_style(status: &str) -> Style {
    match status {
        "cancelled" | "no_show" => theme::dim(),
        "confirmed" => Style::new().fg(theme::accent()),
        _ => Style::new(),
    }
}

impl Showings {
    fn range(&self, today: NaiveDate) -> (NaiveDate, NaiveDate) {
        let day = self.day.unwrap_or(today);
        if self.week {
            let monday = day - Duration::days(i64::from(day.weekday().num_days_from_monday()));
            (monday, monday + Duration::days(6))
        } else {
            (day, day)
        }
    }

    fn selected(&self) -> Option<&CalRow> {
        self.rows.as_ref()?.get(self.cursor.selected)
    }

    fn step(&mut self, step: Step, cx: &mut Cx) {
        let Some(r) = self.selected() else { return cx.message("No showing selected") };
        let id = r.view.showing.id;
        self.busy = true;
        cx.request(Request::Showings(ShowingsRequest::Act { id, step, now: cx.now }));
    }
}

impl Screen for Showings {
    fn title(&self) -> String {
        "Showings".into()
    }
    fn nav(&self) -> Nav {
        Nav::Showings
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::SHOWINGS
    }
    fn reload(&mut self, cx: &mut Cx) {
        let (start, end) = self.range(cx.today);
        cx.request(Request::Showings(ShowingsRequest::Calendar { start, end }));
    }
    fn loading(&self) -> bool {
        self.rows.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::Browse) || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        self.mode = match std::mem::take(&mut self.mode) {
            Mode::Browse | Mode::Code(_) => Mode::Browse,
            Mode::Cancel { text, id, scroll } => match confirm_key(key, scroll, text.len()) {
                ConfirmKey::Yes => {
                    self.busy = true;
                    cx.request(Request::Showings(ShowingsRequest::Act { id, step: Step::Cancel, now: cx.now }));
                    Mode::Browse
                }
                ConfirmKey::No => {
                    cx.message("Not cancelled");
                    Mode::Browse
                }
                ConfirmKey::Stay { scroll } => Mode::Cancel { text, id, scroll },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Left | Action::Right => {
                let step = if self.week { 7 } else { 1 };
                let day = self.day.unwrap_or(cx.today);
                self.day =
                    Some(if action == Action::Left { day - Duration::days(step) } else { day + Duration::days(step) });
                self.cursor = Cursor::default();
                self.reload(cx);
            }
            Action::ToggleWeek => {
                self.week = !self.week;
                self.cursor = Cursor::default();
                self.reload(cx);
            }
            Action::ConfirmShowing => self.step(Step::Confirm, cx),
            Action::CompleteShowing => self.step(Step::Complete, cx),
            Action::ShowingAccessCode => self.step(Step::AccessCode, cx),
            Action::CancelShowing => match self.selected() {
                Some(r) => {
                    let s = &r.view.showing;
                    let text = vec![
                        format!(
                            "Cancel {}'s {} showing of {}?",
                            r.view.prospect_name,
                            label(&s.showing_type),
                            r.view.listing_title
                        ),
                        format!("{} at {} · now {}", r.date, r.time, label(&s.status)),
                        "The prospect is emailed that it is cancelled; an access code stops working.".into(),
                    ];
                    self.mode = Mode::Cancel { text, id: s.id, scroll: 0 };
                }
                None => cx.message("No showing selected"),
            },
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Showings(ShowingsData::Calendar { start, end, rows }) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.range = Some((start, end));
                self.error = None;
            }
            Data::Showings(ShowingsData::Done(v)) => {
                self.busy = false;
                cx.message(format!(
                    "{} · {} ({} risk)",
                    v.prospect_name,
                    label(&v.showing.status),
                    v.no_show_risk_level
                ));
                self.reload(cx);
            }
            Data::Showings(ShowingsData::Code(c)) => {
                self.busy = false;
                self.mode = Mode::Code(vec![
                    format!("Access code: {}", c.access_code),
                    format!(
                        "Valid until {} ({} minutes)",
                        c.expires_at.format("%Y-%m-%d %H:%M UTC"),
                        c.duration_minutes
                    ),
                    c.instructions.clone(),
                ]);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(rows) = &self.rows else { return placeholder(f, area, &self.error) };
        let (start, end) = self.range.unwrap_or_default();
        let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let when = if self.week {
            format!("Week of {} – {}", start.format("%a %Y-%m-%d"), end.format("%a %m-%d"))
        } else {
            format!("Day {}", start.format("%a %Y-%m-%d"))
        };
        let high = rows.iter().filter(|r| r.view.no_show_risk_level == "high" && r.view.showing.is_active()).count();
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(when, theme::bold()),
                Span::raw(format!(" · {} showing{}", rows.len(), if rows.len() == 1 { "" } else { "s" })),
                Span::styled(
                    if high > 0 { format!(" · {high} high risk: consider overbooking") } else { String::new() },
                    theme::error(),
                ),
            ])),
            head,
        );
        if rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "No showings: book them from a lead (POST /api/v1/listings/leads/{id}/schedule-tour/). ←/→ move, w week.",
                    theme::dim(),
                ))
                .block(Block::bordered().border_style(theme::dim())),
                body,
            );
        } else {
            let header = TableRow::new(vec!["Day", "Time", "Type", "Prospect", "Listing", "Status", "Risk"])
                .style(theme::bold().fg(theme::accent()));
            let height = usize::from(body.height.saturating_sub(3)).max(1);
            self.cursor.height.set(height);
            let first = self.cursor.first_visible(height);
            let lines: Vec<TableRow> = rows
                .iter()
                .skip(first)
                .take(height)
                .map(|r| {
                    let s = &r.view.showing;
                    TableRow::new(vec![
                        Cell::from(r.date.format("%a %d").to_string()),
                        Cell::from(r.time.clone()),
                        Cell::from(label(&s.showing_type)),
                        Cell::from(r.view.prospect_name.clone()),
                        Cell::from(r.view.listing_title.clone()),
                        Cell::from(Line::styled(label(&s.status), status_style(&s.status))),
                        Cell::from(Line::styled(
                            format!("{} {:.2}", r.view.no_show_risk_level, s.no_show_risk_score),
                            risk_style(&r.view.no_show_risk_level),
                        )),
                    ])
                })
                .collect();
            let widths = [
                Constraint::Length(6),
                Constraint::Length(5),
                Constraint::Length(11),
                Constraint::Fill(1),
                Constraint::Fill(1),
                Constraint::Length(11),
                Constraint::Length(11),
            ];
            let table = Table::new(lines, widths)
                .header(header)
                .block(Block::bordered().title(" Calendar ").border_style(theme::dim()))
                .row_highlight_style(theme::selected())
                .highlight_symbol("▸");
            let mut state = TableState::default().with_selected(Some(self.cursor.selected.saturating_sub(first)));
            f.render_stateful_widget(table, body, &mut state);
        }
        match &self.mode {
            Mode::Cancel { text, scroll, .. } => confirm(f, area, "Cancel showing", text, "cancel it", *scroll),
            Mode::Code(text) => confirm(f, area, "Access code", text, "close", 0),
            Mode::Browse => {}
        }
    }
}

/// The 30-day tour funnel (`:funnel`): bars for leads → tours → completed → feedback →
/// applications, with the rates between them.
#[derive(Default)]
pub struct Funnel {
    data: Option<FunnelData>,
    error: Option<String>,
}

impl Screen for Funnel {
    fn title(&self) -> String {
        "Tour funnel".into()
    }
    fn nav(&self) -> Nav {
        Nav::Funnel
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::FUNNEL
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Showings(ShowingsRequest::Funnel { now: cx.now }));
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_action(&mut self, _action: Action, _cx: &mut Cx) {}
    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::Showings(ShowingsData::Funnel(f)) => {
                self.data = Some(*f);
                self.error = None;
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let stages = [
            ("Leads", d.leads),
            ("Tours booked", d.tours_scheduled),
            ("Completed", d.tours_completed),
            ("Feedback", d.feedback_submitted),
            ("Applications", d.applications),
        ];
        let max = stages.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
        let width = usize::from(area.width.saturating_sub(26)).clamp(10, 60);
        let mut lines = vec![Line::styled("Last 30 days", theme::bold()), Line::raw("")];
        for (name, n) in stages {
            let filled = (n as usize * width).div_ceil(max as usize).min(width);
            lines.push(Line::from(vec![
                Span::raw(format!("{name:<13}")),
                Span::styled("█".repeat(filled), Style::new().fg(theme::accent())),
                Span::styled("░".repeat(width - filled), theme::dim()),
                Span::raw(format!(" {n:>5}")),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(format!(
            "Lead → tour {:.1}% · tour → application {:.1}% · overall {:.1}%",
            d.lead_to_tour_rate * 100.0,
            d.tour_to_apply_rate * 100.0,
            d.overall_conversion_rate * 100.0
        )));
        lines.push(Line::from(vec![
            Span::raw(format!("No-shows {} ({:.1}%) · average no-show risk ", d.no_shows, d.no_show_rate * 100.0)),
            Span::styled(
                format!("{:.2} {}", d.avg_no_show_risk_score, risk::level(d.avg_no_show_risk_score)),
                risk_style(risk::level(d.avg_no_show_risk_score)),
            ),
        ]));
        lines.push(Line::raw(""));
        lines.push(Line::styled("By type       booked  done  no-show  applied", theme::bold()));
        for (t, c) in &d.by_type {
            lines.push(Line::raw(format!(
                "{:<13} {:>6} {:>5} {:>8} {:>8}",
                label(t),
                c.scheduled,
                c.completed,
                c.no_show,
                c.applied
            )));
        }
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(" Tour funnel ").border_style(theme::dim())),
            area,
        );
    }
}
