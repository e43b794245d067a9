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
    /// The `/` filter: words matched against unit, property and tenant.
    filter: String,
}

impl Collections {
    /// The cases passing the `/` filter, in queue order.
    fn shown(&self) -> Vec<&CaseRow> {
        self.rows
            .iter()
            .filter(|r| super::matches(&self.filter, &[&r.names.unit, &r.names.property, &r.names.tenant]))
            .collect()
    }

    fn refit(&mut self) {
        self.cursor.len = self.shown().len();
        self.cursor.selected = self.cursor.selected.min(self.cursor.len.saturating_sub(1));
    }
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
                if let Some(r) = self.shown().get(self.cursor.selected) {
                    cx.push(Box::new(CaseScreen::new(r.case.id)));
                }
            }
            Action::CycleStatus => {
                self.all = !self.all;
                self.reload(cx);
            }
            Action::ClearFilters => {
                self.filter.clear();
                self.refit();
            }
            other => {
                self.cursor.apply(other);
            }
        }
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
    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::Cases(rows) => {
                self.rows = rows;
                self.refit();
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
        let shown = self.shown();
        // Under 110 columns the tone (it follows the level) gives way to the names; the unit
        // with its property takes what its longest needs, leaving the tenant 14 cells or more.
        let wide = area.width >= 110;
        let room = area.width.saturating_sub(if wide { 66 } else { 55 });
        let unit_w = shown
            .iter()
            .map(|r| (r.names.unit.chars().count() + 3 + r.names.property.chars().count()) as u16)
            .max()
            .unwrap_or(15)
            .max(15)
            .min(room.saturating_sub(14));
        let rows: Vec<Row> = shown
            .iter()
            .skip(first)
            .take(height)
            .map(|r| {
                let c = &r.case;
                let mut cells = vec![
                    Line::raw(widgets::fit(&format!("{} · {}", r.names.unit, r.names.property), usize::from(unit_w))),
                    Line::raw(r.names.tenant.clone()),
                    Line::raw(money(c.current_balance)).right_aligned(),
                    Line::raw(c.days_overdue.to_string()).right_aligned(),
                    Line::from(dots_span(c.escalation_level)),
                    Line::raw(c.tone.label()),
                    Line::raw(c.tenant_risk_profile.label()),
                    Line::raw(c.status.label()),
                ];
                if !wide {
                    cells.remove(5);
                }
                Row::new(cells)
            })
            .collect();
        let mut state = TableState::default().with_selected((!shown.is_empty()).then(|| self.cursor.selected - first));
        let total: rust_decimal::Decimal = shown.iter().map(|r| r.case.current_balance).sum();
        let filter = if self.filter.is_empty() { String::new() } else { format!("· filter \"{}\" ", self.filter) };
        let title = format!(
            " Collections · {} {} cases · {} outstanding · by days overdue {filter}",
            shown.len(),
            if self.all { "" } else { "open" },
            money(total)
        )
        .replace("  ", " ");
        let mut widths = vec![
            Constraint::Length(unit_w),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(4),
            Constraint::Length(5),
            Constraint::Length(10),
            Constraint::Length(15),
            Constraint::Length(12),
        ];
        let mut header = vec![
            Line::raw("Unit · property"),
            Line::raw("Tenant"),
            Line::raw("Balance").right_aligned(),
            Line::raw("Days").right_aligned(),
            Line::raw("Level"),
            Line::raw("Tone"),
            Line::raw("Risk profile"),
            Line::raw("Status"),
        ];
        if !wide {
            widths.remove(5);
            header.remove(5);
        }
        let table = Table::new(rows, widths)
            .header(Row::new(header).style(theme::bold()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸")
            .block(Block::bordered().title(title).border_style(theme::dim()));
        f.render_stateful_widget(table, area, &mut state);
    }
}
