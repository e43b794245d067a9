//! Collections queue (spec 1.3): open cases, most days overdue first, with balance, days,
//! escalation level as dots, tone, tenant risk profile and status. Enter opens the case timeline.

use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::format::money;

use super::case::CaseScreen;
use super::{placeholder, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets;
use crate::app::worker::{CaseRow, Data, Request};
use crate::app::{theme, Cx, Env, Nav};

/// The escalation level (0–5) as five dots, e.g. level 3 is ●●●○○.
pub fn dots(level: u8) -> String {
    (1..=5).map(|i| if i <= level { '●' } else { '○' }).collect()
}

/// The dots coloured from amber to red as the level rises.
pub fn dots_span(level: u8) -> Span<'static> {
    let color = match level {
        0..=2 => "#D97706",
        3..=4 => "#EA580C",
        _ => "#DC2626",
    };
    Span::styled(dots(level), Style::new().fg(theme::hex(color)))
}

#[derive(Default)]
pub struct Collections {
    rows: Vec<CaseRow>,
    loaded: bool,
    all: bool,
    error: Option<String>,
    cursor: Cursor,
}

impl Screen for Collections {
    fn title(&self) -> String {
        "Collections".into()
    }
    fn nav(&self) -> Nav {
        Nav::Collections
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::COLLECTIONS
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Cases { all: self.all });
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Open => {
                if let Some(r) = self.rows.get(self.cursor.selected) {
                    cx.push(Box::new(CaseScreen::new(r.case.id)));
                }
            }
            Action::CycleStatus => {
                self.all = !self.all;
                self.reload(cx);
            }
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::Cases(rows) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = rows;
                self.loaded = true;
                self.error = None;
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        if !self.loaded {
            return placeholder(f, area, &self.error);
        }
        if self.rows.is_empty() {
            let text =
                "No collections cases. Run `unitcycle jobs run collections-scan` to open cases from overdue charges.";
            return f.render_widget(Paragraph::new(Line::styled(text, theme::dim())).wrap(Wrap { trim: true }), area);
        }
        let height = usize::from(area.height.saturating_sub(3));
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let rows: Vec<Row> = self
            .rows
            .iter()
            .skip(first)
            .take(height)
            .map(|r| {
                let c = &r.case;
                Row::new(vec![
                    Line::raw(widgets::fit(&r.names.unit, 8)),
                    Line::raw(widgets::fit(&r.names.tenant, 18)),
                    Line::raw(money(c.current_balance)).right_aligned(),
                    Line::raw(c.days_overdue.to_string()).right_aligned(),
                    Line::from(dots_span(c.escalation_level)),
                    Line::raw(c.tone.label()),
                    Line::raw(c.tenant_risk_profile.label()),
                    Line::raw(c.status.label()),
                ])
            })
            .collect();
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        let total: rust_decimal::Decimal = self.rows.iter().map(|r| r.case.current_balance).sum();
        let title = format!(
            " Collections · {} {} cases · {} outstanding · by days overdue ",
            self.rows.len(),
            if self.all { "" } else { "open" },
            money(total)
        )
        .replace("  ", " ");
        let table = Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Min(10),
                Constraint::Length(10),
                Constraint::Length(4),
                Constraint::Length(5),
                Constraint::Length(10),
                Constraint::Length(15),
                Constraint::Length(12),
            ],
        )
        .header(
            Row::new(vec![
                Line::raw("Unit"),
                Line::raw("Tenant"),
                Line::raw("Balance").right_aligned(),
                Line::raw("Days").right_aligned(),
                Line::raw("Level"),
                Line::raw("Tone"),
                Line::raw("Risk profile"),
                Line::raw("Status"),
            ])
            .style(theme::bold()),
        )
        .row_highlight_style(theme::selected())
        .highlight_symbol("▸")
        .block(Block::bordered().title(title).border_style(theme::dim()));
        f.render_stateful_widget(table, area, &mut state);
    }
}
