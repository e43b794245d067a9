//! Portfolio chat (spec 3.3, `:chat`, or `:ask <question>`): type a question, Enter asks it; the
//! answer's sentence, the tool it called and its table appear below. Tab moves between the
//! question line and the table; on the table Enter opens the row's unit or lease, ←/→ go back
//! through the conversation's answers, `e` saves the table as CSV, and `a` creates what the
//! answer proposed (a work order, reminder or follow-up) after a confirm that shows it. Opened
//! without a question, the screen lists the recent conversations; Enter carries one on. Every
//! answer names its provider; offline, the rules answer from the records and never invent a number.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use uuid::Uuid;

use super::{Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::chat::{Answered, Ask, ChatData, ChatRequest};
use crate::app::worker::{Data, Request};
use crate::app::{form, theme, Cx, Env, Nav};
use unitcycle_core::portfolio_chat::record::ChatConversation;

#[derive(Default)]
pub struct Chat {
    conversation: Option<Uuid>,
    input: String,
    /// Focus on the table (else on the question line).
    on_table: bool,
    busy: bool,
    answers: Vec<Answered>,
    /// The answer on screen (←/→ go back through the conversation).
    shown: usize,
    /// The user's recent conversations (shown until the first question).
    recent: Vec<ChatConversation>,
    /// The confirm of the shown answer's proposal is open.
    confirming: bool,
    error: Option<String>,
    cursor: Cursor,
    /// The reply so far while it streams.
    streaming: String,
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

    fn current(&self) -> Option<&Answered> {
        self.answers.get(self.shown)
    }

    fn show(&mut self, i: usize) {
        self.shown = i.min(self.answers.len().saturating_sub(1));
        let rows = self.current().and_then(|a| a.table.as_ref()).map_or(0, |t| t.rows.len());
        self.cursor = Cursor { len: rows, ..Cursor::default() };
    }

    fn open_selected(&self, cx: &mut Cx) {
        if self.answers.is_empty() {
            if let Some(c) = self.recent.get(self.cursor.selected) {
                cx.request(Request::Chat(ChatRequest::Resume { conversation: c.id, user: cx.actor.clone() }));
            }
            return;
        }
        let Some(t) = self.current().and_then(|a| a.table.as_ref()) else { return };
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

    /// Saves the shown table as `chat-<tool>-<time>.csv` beside the replica.
    fn export(&self, cx: &mut Cx) {
        let Some(t) = self.current().and_then(|a| a.table.as_ref()) else {
            cx.message("This answer has no table to save");
            return;
        };
        let line = |cells: &[String]| {
            cells.iter().map(|c| super::command_center::csv_field(c)).collect::<Vec<_>>().join(",") + "\n"
        };
        let mut out = line(&t.columns);
        for r in &t.rows {
            out.push_str(&line(r));
        }
        let name = format!("chat-{}-{}.csv", t.tool, cx.now.format("%Y%m%d-%H%M%S"));
        let path = match std::path::Path::new(&cx.replica).parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
            _ => std::path::PathBuf::from(name),
        };
        match std::fs::write(&path, out) {
            Ok(()) => cx.message(format!("Saved {} rows to {}", t.rows.len(), path.display())),
            Err(e) => cx.message(format!("Could not save {}: {e}", path.display())),
        }
    }
}

/// What confirming `p` will create, line by line.
fn proposal_lines(a: &Answered) -> Vec<Line<'static>> {
    let Some(p) = &a.proposal else { return Vec::new() };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("{:<12}", p.kind_label()), theme::bold()),
        Span::raw(p.title.clone()),
    ])];
    if !p.description.is_empty() {
        lines.push(Line::raw(format!("{:<12}{}", "Details", p.description)));
    }
    if let Some(pr) = &p.priority {
        lines.push(Line::raw(format!("{:<12}{pr}", "Priority")));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(p.when()));
    lines
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
        } else if self.answers.is_empty() {
            cx.request(Request::Chat(ChatRequest::Recent { user: cx.actor.clone() }));
        }
    }
    fn loading(&self) -> bool {
        false
    }
    fn capturing(&self) -> bool {
        !self.on_table || self.busy || self.confirming
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        if self.confirming {
            match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    self.confirming = false;
                    let Some(a) = self.current() else { return };
                    let req = ChatRequest::Confirm {
                        conversation: a.conversation,
                        message: a.message_id,
                        user: cx.actor.clone(),
                        now: cx.now,
                    };
                    self.busy = true;
                    cx.request(Request::Chat(req));
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.confirming = false;
                    cx.message("Cancelled: nothing was created");
                }
                _ => {}
            }
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
            Action::Left => self.show(self.shown.saturating_sub(1)),
            Action::Right => self.show(self.shown + 1),
            Action::ExportCsv => self.export(cx),
            Action::Approve => match self.current() {
                Some(a) if a.proposal.is_some() => self.confirming = true,
                Some(a) if a.created.is_some() => cx.message("This action was created already"),
                _ => cx.message("This answer proposes nothing to create"),
            },
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::ChatStream(text) => self.streaming = text,
            Data::Answered(a) => {
                self.busy = false;
                self.streaming.clear();
                self.conversation = Some(a.conversation);
                self.answers.push(*a);
                self.show(self.answers.len() - 1);
            }
            Data::Chat(ChatData::Recent(list)) => {
                if self.answers.is_empty() {
                    self.cursor = Cursor { len: list.len(), ..Cursor::default() };
                }
                self.recent = list;
            }
            Data::Chat(ChatData::Resumed { conversation, answers }) => {
                self.conversation = Some(conversation);
                self.answers = answers;
                self.show(self.answers.len().saturating_sub(1));
                self.on_table = false;
            }
            Data::Chat(ChatData::Confirmed { message, done }) => {
                self.busy = false;
                if let Some(a) = self.answers.iter_mut().find(|a| a.message_id == message) {
                    a.proposal = None;
                    a.created = Some(done.summary.clone());
                }
                cx.message(format!("Created: {}", done.summary));
            }
            Data::Error(e) => {
                self.busy = false;
                self.streaming.clear();
                self.error = Some(e);
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let [input, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(3)]).areas(area);
        let prompt = if self.busy && !self.streaming.is_empty() {
            format!("Answering… {}", self.streaming.lines().last().unwrap_or_default())
        } else if self.busy {
            "Working…".to_string()
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
        let Some(last) = self.current() else {
            self.draw_start(f, body);
            return;
        };
        let [said, table] = Layout::vertical([Constraint::Length(6), Constraint::Min(3)]).areas(body);
        let mut lines = vec![
            Line::from(vec![
                Span::styled("You: ", theme::bold()),
                Span::raw(last.question.clone()),
                Span::styled(format!("   ({} of {})", self.shown + 1, self.answers.len()), theme::dim()),
            ]),
            Line::raw(last.text.clone()),
        ];
        if let Some(e) = &self.error {
            lines.push(Line::styled(e.clone(), theme::error()));
        }
        if last.proposal.is_some() {
            lines.push(Line::styled(
                "Proposed, not created: Tab then a to review and create it",
                ratatui::style::Style::new().fg(theme::accent()),
            ));
        } else if let Some(done) = &last.created {
            lines.push(Line::styled(format!("Created: {done}"), theme::dim()));
        }
        for c in &last.calls {
            lines.push(Line::styled(format!("tool: {c}"), theme::dim()));
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), said);
        if let Some(t) = &last.table {
            let height = usize::from(table.height.saturating_sub(3)).max(1);
            self.cursor.height.set(height);
            let first = self.cursor.first_visible(height);
            let rows: Vec<Row> = t
                .rows
                .iter()
                .skip(first)
                .take(height)
                .map(|r| Row::new(r.iter().map(|c| Cell::from(c.clone()))))
                .collect();
            let widths = vec![Constraint::Fill(1); t.columns.len().max(1)];
            let title = format!(" {} · {} of {} rows ", t.tool, t.rows.len(), t.matched);
            let widget = Table::new(rows, widths)
                .header(
                    Row::new(t.columns.iter().map(|c| Cell::from(c.clone()))).style(theme::bold().fg(theme::accent())),
                )
                .block(
                    Block::bordered()
                        .title(title)
                        .title_bottom(" e: save as CSV · ←/→: earlier answers ")
                        .border_style(if self.on_table {
                            ratatui::style::Style::new().fg(theme::accent())
                        } else {
                            theme::dim()
                        }),
                )
                .row_highlight_style(theme::selected())
                .highlight_symbol("▸");
            let mut state = TableState::default()
                .with_selected((self.on_table && !t.rows.is_empty()).then(|| self.cursor.selected - first));
            f.render_stateful_widget(widget, table, &mut state);
        }
        if self.confirming {
            let lines = proposal_lines(last);
            let mut all = vec![Line::styled("Create this? It is created exactly as shown.", theme::bold())];
            all.extend(lines);
            all.push(Line::styled("y/Enter: create · n/Esc: cancel", theme::dim()));
            let h = all.len() as u16 + 2;
            form::popup(f, area, "Confirm", all, h);
        }
    }
}

impl Chat {
    /// Before the first question: what to ask, and the recent conversations to carry on.
    fn draw_start(&self, f: &mut Frame, body: Rect) {
        let text = self.error.clone().unwrap_or_else(|| {
            "Ask about leases, vacancy, work orders or money, e.g. \"month-to-month leases at Harbor View\", \
             \"open urgent work orders\", \"delinquency by property\"; or propose an action: \"create a work order \
             for unit 101 at Harbor View: leaking faucet\", \"remind me to call the roofer\"."
                .into()
        });
        let [help, list] = Layout::vertical([Constraint::Length(5), Constraint::Min(3)]).areas(body);
        f.render_widget(
            Paragraph::new(text).wrap(Wrap { trim: true }).block(Block::bordered().border_style(theme::dim())),
            help,
        );
        if self.recent.is_empty() {
            return;
        }
        let height = usize::from(list.height.saturating_sub(2)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let rows: Vec<Row> = self
            .recent
            .iter()
            .skip(first)
            .take(height)
            .map(|c| {
                let title = if c.title.is_empty() { "(untitled)".to_string() } else { c.title.clone() };
                Row::new([Cell::from(c.updated_at.format("%Y-%m-%d %H:%M").to_string()), Cell::from(title)])
            })
            .collect();
        let widget = Table::new(rows, [Constraint::Length(17), Constraint::Fill(1)])
            .block(Block::bordered().title(" Recent conversations · Tab, then Enter to carry one on ").border_style(
                if self.on_table { ratatui::style::Style::new().fg(theme::accent()) } else { theme::dim() },
            ))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state =
            TableState::default().with_selected(self.on_table.then(|| self.cursor.selected.saturating_sub(first)));
        f.render_stateful_widget(widget, list, &mut state);
    }
}
