//! The unified tenant inbox (spec 5.3, `:inbox`): every conversation, the latest first, each
//! with its channel, tenant, unit, category, status and last message (a critical one marked `!`
//! in the alert colour, a high one `↑`), the inbox figures above, and the selected thread beside
//! (or below) the list: each message with its direction and time, an inbound one with its classification,
//! an outbound one with whether it was sent automatically. `c`, `u` and `i` cycle the channel,
//! urgency and category filters; `r` replies after a confirm that shows exactly who it goes to,
//! `a` assigns, `x`/`X` resolves after a confirm; Enter opens the thread full width. `t` picks a
//! reply template, filled in from that tenant's own record (one whose variable has no value there
//! is shown with why and cannot be picked); the text opens in the reply form to edit, then the
//! same confirm.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::communications_hub::inbound::{HubAction, InboxStats};
use unitcycle_core::communications_hub::model::TenantMessage;
use unitcycle_core::communications_hub::templates::RenderedTemplate;
use uuid::Uuid;

use super::lease_gen::{confirm, confirm_key, ConfirmKey};
use super::{placeholder, Cursor, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::inbox::{InboxData, InboxRequest, Thread};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const CHANNELS: &[&str] = &["all", "sms", "email", "whatsapp", "in_app"];
const URGENCIES: &[&str] = &["all", "critical", "high", "normal", "low"];
const CATEGORIES: &[&str] = &["all", "maintenance", "billing", "lease", "complaint", "emergency", "general"];
const REPLY: &[&str] = &["Reply"];
const ASSIGN: &[&str] = &["Assign to"];

#[derive(Default)]
enum Mode {
    #[default]
    List,
    Reply(Form),
    Assign(Form),
    /// The templates for the selected conversation's tenant; the highlighted one.
    Templates {
        id: Uuid,
        templates: Vec<RenderedTemplate>,
        selected: usize,
    },
    Confirm {
        title: &'static str,
        text: Vec<String>,
        yes: &'static str,
        id: Uuid,
        action: Box<HubAction>,
        scroll: u16,
    },
}

#[derive(Default)]
pub struct Inbox {
    threads: Option<Vec<Thread>>,
    stats: Option<InboxStats>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
    refreshing: bool,
    /// Indexes into [`CHANNELS`], [`URGENCIES`] and [`CATEGORIES`].
    channel: usize,
    urgency: usize,
    category: usize,
    /// The thread is open full width (Enter; Esc closes it), scrolled this far.
    open: Option<u16>,
}

fn when(t: Option<chrono::DateTime<chrono::Utc>>) -> String {
    t.map_or("—".into(), |t| t.format("%m-%d %H:%M").to_string())
}

fn label(s: &str) -> String {
    s.replace('_', " ")
}

fn urgency_mark(urgency: &str) -> (&'static str, Style) {
    match urgency {
        "critical" => ("!", theme::error()),
        "high" => ("↑", Style::new().fg(theme::accent())),
        _ => (" ", Style::new()),
    }
}

fn first_line(m: Option<&TenantMessage>) -> String {
    m.and_then(|m| m.content.lines().find(|l| !l.trim().is_empty())).unwrap_or_default().trim().to_string()
}

impl Inbox {
    /// The threads the filters let through.
    fn visible(&self) -> Vec<&Thread> {
        let pass = |filter: &[&str], i: usize, v: &str| i == 0 || filter[i] == v;
        self.threads
            .iter()
            .flatten()
            .filter(|t| {
                let c = &t.conversation;
                pass(CHANNELS, self.channel, &c.channel)
                    && pass(URGENCIES, self.urgency, &c.urgency)
                    && pass(CATEGORIES, self.category, &c.category)
            })
            .collect()
    }

    fn selected(&self) -> Option<&Thread> {
        self.visible().get(self.cursor.selected).copied()
    }

    fn refilter(&mut self) {
        self.cursor.len = self.visible().len();
        self.cursor.selected = self.cursor.selected.min(self.cursor.len.saturating_sub(1));
        self.open = None;
    }

    fn act(&mut self, id: Uuid, action: HubAction, cx: &mut Cx) {
        self.busy = true;
        cx.request(Request::Inbox(InboxRequest::Act { id, action: Box::new(action), now: cx.now }));
    }

    fn filters(&self) -> String {
        format!(
            "channel {} · urgency {} · category {}",
            CHANNELS[self.channel], URGENCIES[self.urgency], CATEGORIES[self.category]
        )
    }
}

impl Screen for Inbox {
    fn title(&self) -> String {
        "Inbox".into()
    }
    fn nav(&self) -> Nav {
        Nav::Inbox
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::INBOX
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Inbox(InboxRequest::List));
    }
    fn loading(&self) -> bool {
        (self.threads.is_none() && self.error.is_none()) || self.refreshing
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::List) || self.busy
    }
    fn cancel(&mut self, _cx: &mut Cx) -> bool {
        self.open.take().is_some()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let mode = std::mem::take(&mut self.mode);
        self.mode = match mode {
            Mode::List => Mode::List,
            Mode::Reply(mut form) => match form.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Reply(form),
                FormKey::Submit => {
                    if !form.check(|_, v| v.trim().is_empty().then(|| "The text to send".into())) {
                        Mode::Reply(form)
                    } else if let Some(t) = self.selected() {
                        let content = form.value(0).trim().to_string();
                        let c = &t.conversation;
                        let mut text = vec![
                            format!("Send this reply by {}?", label(&c.channel)),
                            String::new(),
                            format!("To: {} <{}>", t.tenant_name, t.address()),
                            format!("Unit {} at {}", t.unit_number, t.property_name),
                            String::new(),
                        ];
                        text.extend(content.lines().map(str::to_string));
                        text.push(String::new());
                        text.push("Queued to the tenant now (sent by the server when connected).".into());
                        let action = HubAction::Reply {
                            message_id: Uuid::new_v4(),
                            content,
                            channel: None,
                            actor: cx.actor.clone(),
                        };
                        Mode::Confirm {
                            title: "Reply",
                            text,
                            yes: "send",
                            id: c.id,
                            action: Box::new(action),
                            scroll: 0,
                        }
                    } else {
                        Mode::List
                    }
                }
            },
            Mode::Assign(mut form) => match form.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Assign(form),
                FormKey::Submit => {
                    if !form.check(|_, v| v.trim().is_empty().then(|| "Who answers it (a login)".into())) {
                        Mode::Assign(form)
                    } else if let Some(id) = self.selected().map(|t| t.conversation.id) {
                        let to = form.value(0).trim().to_string();
                        self.act(id, HubAction::Assign { to }, cx);
                        Mode::Assign(form)
                    } else {
                        Mode::List
                    }
                }
            },
            Mode::Templates { id, templates, selected } => match key.code {
                KeyCode::Esc => Mode::List,
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    let selected = (selected + 1).min(templates.len().saturating_sub(1));
                    Mode::Templates { id, templates, selected }
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                    Mode::Templates { id, templates, selected: selected.saturating_sub(1) }
                }
                KeyCode::Enter => match templates.get(selected).map(|t| (&t.content, &t.refused)) {
                    Some((Some(text), _)) if self.selected().is_some_and(|t| t.conversation.id == id) => {
                        let intro = self.selected().map(reply_intro).unwrap_or_default();
                        Mode::Reply(
                            Form::new("Reply", REPLY, vec![text.clone()]).with_enter("review").with_intro(intro),
                        )
                    }
                    Some((_, Some(why))) => {
                        cx.message(format!("This template cannot be used for this tenant: {why}"));
                        Mode::Templates { id, templates, selected }
                    }
                    _ => Mode::List,
                },
                _ => Mode::Templates { id, templates, selected },
            },
            Mode::Confirm { title, text, yes, id, action, scroll } => match confirm_key(key, scroll, text.len()) {
                ConfirmKey::Yes => {
                    self.act(id, *action, cx);
                    Mode::List
                }
                ConfirmKey::No => {
                    cx.message("Cancelled: nothing was recorded or sent");
                    Mode::List
                }
                ConfirmKey::Stay { scroll } => Mode::Confirm { title, text, yes, id, action, scroll },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::CycleChannel => {
                self.channel = (self.channel + 1) % CHANNELS.len();
                self.refilter();
            }
            Action::CycleUrgency => {
                self.urgency = (self.urgency + 1) % URGENCIES.len();
                self.refilter();
            }
            Action::CycleCategory => {
                self.category = (self.category + 1) % CATEGORIES.len();
                self.refilter();
            }
            Action::Open => match self.selected() {
                Some(_) => self.open = Some(0),
                None => cx.message("No conversation selected"),
            },
            Action::Reply => match self.selected() {
                Some(t) if t.address().trim().is_empty() => {
                    cx.message(format!("{} has no {} address on file", t.tenant_name, label(&t.conversation.channel)))
                }
                Some(t) => {
                    let intro = reply_intro(t);
                    self.mode = Mode::Reply(
                        Form::new("Reply", REPLY, vec![String::new()]).with_enter("review").with_intro(intro),
                    )
                }
                None => cx.message("No conversation to reply to"),
            },
            Action::UseTemplate => match self.selected() {
                Some(t) if t.address().trim().is_empty() => {
                    cx.message(format!("{} has no {} address on file", t.tenant_name, label(&t.conversation.channel)))
                }
                Some(t) => {
                    let id = t.conversation.id;
                    self.busy = true;
                    cx.request(Request::Inbox(InboxRequest::Templates { id, now: cx.now }));
                }
                None => cx.message("No conversation to reply to"),
            },
            Action::Assign => match self.selected() {
                Some(t) => {
                    let current = &t.conversation.assigned_to;
                    let value = if current.is_empty() { cx.actor.clone() } else { current.clone() };
                    self.mode = Mode::Assign(Form::new("Assign", ASSIGN, vec![value]).with_enter("assign"))
                }
                None => cx.message("No conversation to assign"),
            },
            Action::Resolve => match self.selected() {
                Some(t) if t.conversation.status == "resolved" => cx.message("The conversation is resolved already"),
                Some(t) => {
                    let c = &t.conversation;
                    let text = vec![
                        format!(
                            "Resolve the {} conversation with {} (unit {})?",
                            label(&c.channel),
                            t.tenant_name,
                            t.unit_number
                        ),
                        format!("It is {} now. Nothing is sent to the tenant.", label(&c.status)),
                    ];
                    let action = HubAction::SetStatus { status: "resolved".into() };
                    self.mode = Mode::Confirm {
                        title: "Resolve",
                        text,
                        yes: "resolve",
                        id: c.id,
                        action: Box::new(action),
                        scroll: 0,
                    }
                }
                None => cx.message("No conversation to resolve"),
            },
            Action::Up | Action::Down | Action::PageUp | Action::PageDown if self.open.is_some() => {
                let s = self.open.unwrap_or_default();
                self.open = Some(match action {
                    Action::Up => s.saturating_sub(1),
                    Action::Down => s + 1,
                    Action::PageUp => s.saturating_sub(10),
                    _ => s + 10,
                });
            }
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Inbox(InboxData::List { threads, stats }) => {
                self.threads = Some(threads);
                self.stats = Some(stats);
                self.error = None;
                self.refreshing = false;
                self.cursor.len = self.visible().len();
                self.cursor.selected = self.cursor.selected.min(self.cursor.len.saturating_sub(1));
            }
            Data::Inbox(InboxData::Templates { id, templates }) => {
                self.busy = false;
                if templates.is_empty() {
                    cx.message("No templates");
                } else {
                    let selected = templates.iter().position(|t| t.content.is_some()).unwrap_or_default();
                    self.mode = Mode::Templates { id, templates, selected };
                }
            }
            Data::Inbox(InboxData::Done(out)) => {
                self.busy = false;
                self.mode = Mode::List;
                let c = &out.conversation;
                cx.message(match &out.message {
                    Some(m) => {
                        format!("Reply queued by {} · the conversation is {}", label(&m.channel), label(&c.status))
                    }
                    None if c.status == "resolved" => "Resolved".to_string(),
                    None => format!("Assigned to {} · {}", c.assigned_to, label(&c.status)),
                });
                self.refreshing = true;
                self.reload(cx);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                match &mut self.mode {
                    Mode::Reply(form) | Mode::Assign(form) => form.error = Some(e),
                    _ => cx.message(format!("Refused: {e}")),
                }
            }
            Data::Error(e) => {
                self.refreshing = false;
                self.error = Some(e)
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        match &self.threads {
            None => placeholder(f, area, &self.error),
            Some(_) => self.draw_inbox(f, area),
        }
        match &self.mode {
            Mode::Reply(form) | Mode::Assign(form) => {
                form.draw(f, area);
                if self.busy {
                    form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3);
                }
            }
            Mode::Confirm { title, text, yes, scroll, .. } => confirm(f, area, title, text, yes, *scroll),
            Mode::Templates { templates, selected, .. } => draw_templates(f, area, templates, *selected),
            Mode::List if self.busy => form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3),
            Mode::List => {}
        }
    }
}

impl Inbox {
    fn draw_inbox(&self, f: &mut Frame, area: Rect) {
        let [head, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(0)]).areas(area);
        let stats = match &self.stats {
            Some(s) => {
                let avg = s.avg_response_hours.map_or("—".into(), |h| format!("{h:.1} h"));
                let critical = Span::styled(
                    format!("{} critical open", s.critical_open),
                    if s.critical_open > 0 { theme::error() } else { Style::new() },
                );
                Line::from(vec![
                    Span::styled(format!("{} open", s.open), theme::bold()),
                    Span::raw(format!(" · {} waiting on staff · ", s.waiting_staff)),
                    critical,
                    Span::raw(format!(" · average response {avg}")),
                ])
            }
            None => Line::raw(""),
        };
        let filters = Line::styled(format!("Filters: {} (c/u/i cycle)", self.filters()), theme::dim());
        f.render_widget(Paragraph::new(vec![stats, filters]), head);
        let visible = self.visible();
        if let (Some(_), Some(t)) = (self.open, self.selected()) {
            return self.draw_thread(f, body, t, self.open.unwrap_or_default());
        }
        if visible.is_empty() {
            let text = if self.threads.as_ref().is_some_and(|t| t.is_empty()) {
                "No conversations yet: a tenant's SMS, email, WhatsApp or in-app message starts one."
            } else {
                "No conversation matches the filters (c/u/i cycle them back to all)."
            };
            f.render_widget(
                Paragraph::new(Line::styled(text, theme::dim()))
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered().border_style(theme::dim())),
                body,
            );
            return;
        }
        // The thread beside the list when there is room, else below it.
        let [list, detail] = if body.width >= 150 {
            Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body)
        } else {
            Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body)
        };
        let header = Row::new(vec!["", "Channel", "Tenant", "Unit", "Category", "Status", "Last", "Message"])
            .style(theme::bold().fg(theme::accent()));
        let height = usize::from(list.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let rows: Vec<Row> = visible
            .iter()
            .skip(first)
            .take(height)
            .map(|t| {
                let c = &t.conversation;
                let (mark, style) = urgency_mark(&c.urgency);
                Row::new(vec![
                    Cell::from(Line::styled(mark, style)),
                    Cell::from(label(&c.channel)),
                    Cell::from(t.tenant_name.clone()),
                    Cell::from(t.unit_number.clone()),
                    Cell::from(c.category.clone()),
                    Cell::from(label(&c.status)),
                    Cell::from(when(c.last_message_at)),
                    Cell::from(first_line(t.messages.last())),
                ])
                .style(if c.urgency == "critical" { theme::error() } else { Style::new() })
            })
            .collect();
        let widths = [
            Constraint::Length(1),
            Constraint::Length(8),
            Constraint::Length(14),
            Constraint::Length(5),
            Constraint::Length(11),
            Constraint::Length(14),
            Constraint::Length(11),
            Constraint::Fill(1),
        ];
        let table = Table::new(rows, widths)
            .header(header)
            .block(Block::bordered().title(format!(" Conversations ({}) ", visible.len())).border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, list, &mut state);
        if let Some(t) = self.selected() {
            self.draw_thread(f, detail, t, 0);
        }
    }

    fn draw_thread(&self, f: &mut Frame, area: Rect, t: &Thread, scroll: u16) {
        f.render_widget(
            Paragraph::new(thread_lines(t))
                .wrap(Wrap { trim: false })
                .scroll((scroll, 0))
                .block(Block::bordered().title(" Thread ").border_style(theme::dim())),
            area,
        );
    }
}

fn reply_intro(t: &Thread) -> String {
    format!(
        "To {} <{}> by {}; a confirm shows it before it is sent.",
        t.tenant_name,
        t.address(),
        label(&t.conversation.channel)
    )
}

/// The template picker: each template's name and its text for this tenant (or why it cannot be
/// used), the highlighted one marked.
fn draw_templates(f: &mut Frame, area: Rect, templates: &[RenderedTemplate], selected: usize) {
    let mut lines = vec![Line::styled("Filled in from this tenant's own record:", theme::dim()), Line::raw("")];
    for (i, t) in templates.iter().enumerate() {
        let mark = if i == selected { "▸ " } else { "  " };
        let style = if i == selected { theme::selected() } else { theme::bold() };
        lines.push(Line::styled(
            format!("{mark}{} ({}, {})", t.template.name, t.template.category, t.template.channel),
            style,
        ));
        match (&t.content, &t.refused) {
            (Some(text), _) => lines.push(Line::raw(format!("    {text}"))),
            (None, Some(why)) => lines.push(Line::styled(format!("    cannot be used: {why}"), theme::error())),
            (None, None) => {}
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("↑/↓ choose · Enter edit it, then review · Esc cancel", theme::dim()));
    let height = (lines.len() as u16 + 2 + templates.len() as u16 * 2).min(area.height);
    form::popup(f, area, "Reply from a template", lines, height);
}

/// The thread: who and where, then each message with its direction, time and what it was.
fn thread_lines(t: &Thread) -> Vec<Line<'static>> {
    let c = &t.conversation;
    let (mark, style) = urgency_mark(&c.urgency);
    let mut lines = vec![
        Line::styled(format!("{} · {}", t.tenant_name, t.address()), theme::bold()),
        Line::raw(format!("Unit {} at {} · by {}", t.unit_number, t.property_name, label(&c.channel))),
        Line::from(vec![
            Span::styled(format!("{} {}", mark.trim(), c.urgency).trim().to_string(), style),
            Span::raw(format!(
                " · {} · {} · assigned to {}",
                c.category,
                label(&c.status),
                if c.assigned_to.is_empty() { "nobody" } else { c.assigned_to.as_str() }
            )),
        ]),
    ];
    if c.escalated {
        lines.push(Line::styled(format!("Escalated: {}", c.escalation_reason), theme::error()));
    }
    for m in &t.messages {
        lines.push(Line::raw(""));
        let inbound = m.direction == "inbound";
        let head = format!(
            "{} {} · {} · {}",
            if inbound { "←" } else { "→" },
            if inbound { "from the tenant" } else { "to the tenant" },
            m.created_at.format("%Y-%m-%d %H:%M UTC"),
            label(&m.channel)
        );
        lines.push(Line::styled(head, theme::bold()));
        lines.extend(m.content.lines().map(|l| Line::raw(format!("  {l}"))));
        if inbound {
            let s = |k: &str| m.ai_classification.get(k).and_then(|v| v.as_str()).unwrap_or("—").to_string();
            let confidence = m.ai_classification.get("confidence").and_then(|v| v.as_f64());
            lines.push(Line::styled(
                format!(
                    "  {} · {} · {} · confidence {}",
                    s("category"),
                    s("urgency"),
                    s("intent"),
                    confidence.map_or("—".into(), |c| format!("{:.0}%", c * 100.0))
                ),
                theme::dim(),
            ));
            if !m.suggested_response.is_empty() {
                let source = m.ai_classification["suggested_from"]["question"].as_str().unwrap_or("the knowledge base");
                lines.push(Line::styled(
                    format!("  suggested reply (from \"{source}\"; not sent): {}", m.suggested_response),
                    Style::new().fg(theme::accent()),
                ));
            }
        } else if m.is_auto_sent {
            lines.push(Line::styled("  auto-response (sent automatically)", theme::dim()));
        } else {
            lines.push(Line::styled(format!("  sent by {}", m.sent_by), theme::dim()));
        }
    }
    lines
}
