//! Portfolio chat (spec 3.3, `:chat`, or `:ask <question>`): type a question, Enter asks it; the
//! answer's sentence, the tool it called and its table appear below. Tab moves between the
//! question line and the table; on the table Enter opens the row's unit or lease. Every answer
//! names its provider; offline, the rules answer from the records and never invent a number.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use uuid::Uuid;

use super::{Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::chat::{Answered, Ask};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

#[derive(Default)]
pub struct Chat {
    conversation: Option<Uuid>,
    input: String,
    /// Focus on the table (else on the question line).
    on_table: bool,
    busy: bool,
    answers: Vec<Answered>,
    error: Option<String>,
    cursor: Cursor,
    /// A question to ask as soon as the screen opens (`:ask …`).
    pending: Option<String>,
}

impl Chat {
    pub fn asking(question: &str) -> Chat {
        Chat { pending: Some(question.to_string()).filter(|q| !q.trim().is_empty()), ..Chat::default() }
    }

    fn ask(&mut self, question: String, cx: &mut Cx) {
        self.busy = true;
        self.error = None;
        let ask = Ask { conversation: self.conversation, user: cx.actor.clone(), question, now: cx.now };
        cx.request(Request::Ask(ask));
    }

    fn open_selected(&self, cx: &mut Cx) {
        let Some(t) = self.answers.last().and_then(|a| a.table.as_ref()) else { return };
        let Some(id) = t.row_ids.get(self.cursor.selected).and_then(|i| Uuid::parse_str(i).ok()) else { return };
        let delinquency = t.input["metric"] == "delinquency";
        match t.tool.as_str() {
            "query_leases" | "query_vacancy" => cx.push(Box::new(super::unit::UnitDetail::new(id))),
            "query_financials" if delinquency => cx.push(Box::new(super::lease::LeaseDetail::new(id.to_string()))),
            "query_financials" if t.input["metric"] == "rent_variance" => {
                cx.push(Box::new(super::unit::UnitDetail::new(id)))
            }
            _ => cx.message("This row has no screen of its own; open its unit from the property"),
        }
    }
}

impl Screen for Chat {
    fn title(&self) -> String {
        "Ask the portfolio".into()
    }
    fn nav(&self) -> Nav {
        Nav::Chat
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::CHAT
    }
    fn reload(&mut self, cx: &mut Cx) {
        if let Some(q) = self.pending.take() {
            self.ask(q, cx);
        }
    }
    fn loading(&self) -> bool {
        false
    }
    fn capturing(&self) -> bool {
        !self.on_table || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        match key.code {
            KeyCode::Enter => {
                let q = self.input.trim().to_string();
                if !q.is_empty() {
                    self.input.clear();
                    self.ask(q, cx);
                }
            }
            KeyCode::Backspace => {
                self.input.pop();
            }
            KeyCode::Tab => self.on_table = true,
            // Esc leaves the question line; a second Esc leaves the screen.
            KeyCode::Esc => self.on_table = true,
            KeyCode::Char(c) if self.input.len() < 400 => self.input.push(c),
            _ => {}
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Open => self.open_selected(cx),
            Action::NextTab => self.on_table = false,
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::Answered(a) => {
                self.busy = false;
                self.conversation = Some(a.conversation);
                self.cursor = Cursor { len: a.table.as_ref().map_or(0, |t| t.rows.len()), ..Cursor::default() };
                self.answers.push(*a);
            }
            Data::Error(e) => {
                self.busy = false;
                self.error = Some(e);
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let [input, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
        let prompt = if self.busy {
            "Asking…".to_string()
        } else {
            format!("{}{}", self.input, if self.on_table { "" } else { "▏" })
        };
        let hint = if self.on_table { " Tab: back to the question " } else { " Ask (Enter) · Tab: the table " };
        f.render_widget(
            Paragraph::new(Line::raw(prompt)).block(
                Block::bordered().title(" Question ").title_bottom(hint).border_style(if self.on_table {
                    theme::dim()
                } else {
                    ratatui::style::Style::new().fg(theme::accent())
                }),
            ),
            input,
        );
        let Some(last) = self.answers.last() else {
            let text = self.error.clone().unwrap_or_else(|| {
                "Ask about leases, vacancy, work orders or money, e.g. \"month-to-month leases at Harbor View\", \
                 \"open urgent work orders\", \"delinquency by property\"."
                    .into()
            });
            f.render_widget(
                Paragraph::new(text).wrap(Wrap { trim: true }).block(Block::bordered().border_style(theme::dim())),
                body,
            );
            return;
        };
        let [said, table] = Layout::vertical([Constraint::Length(5), Constraint::Min(3)]).areas(body);
        let mut lines = vec![
            Line::from(vec![Span::styled("You: ", theme::bold()), Span::raw(last.question.clone())]),
            Line::raw(last.text.clone()),
        ];
        if let Some(e) = &self.error {
            lines.push(Line::styled(e.clone(), theme::error()));
        }
        for c in &last.calls {
            lines.push(Line::styled(format!("tool: {c}"), theme::dim()));
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), said);
        let Some(t) = &last.table else { return };
        let height = usize::from(table.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let rows: Vec<Row> =
            t.rows.iter().skip(first).take(height).map(|r| Row::new(r.iter().map(|c| Cell::from(c.clone())))).collect();
        let widths = vec![Constraint::Fill(1); t.columns.len().max(1)];
        let title = format!(" {} · {} of {} rows ", t.tool, t.rows.len(), t.matched);
        let widget = Table::new(rows, widths)
            .header(Row::new(t.columns.iter().map(|c| Cell::from(c.clone()))).style(theme::bold().fg(theme::accent())))
            .block(Block::bordered().title(title).border_style(if self.on_table {
                ratatui::style::Style::new().fg(theme::accent())
            } else {
                theme::dim()
            }))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default()
            .with_selected((self.on_table && !t.rows.is_empty()).then(|| self.cursor.selected - first));
        f.render_stateful_widget(widget, table, &mut state);
    }
}
