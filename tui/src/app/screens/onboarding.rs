//! Tenant onboarding (spec 4.6, `:onboarding`): every checklist with its move-in date, status
//! and a completion bar; Enter opens one — its tasks by due date (blocking ones marked `■`),
//! the messages sent and the keys handed over. `d` completes a task, `S` skips it and `p`
//! reopens it; `s` sends the tenant a message and `K` records a key handoff, each after a
//! confirm that shows exactly what is recorded or sent. `b` opens the property's knowledge base
//! (`n` new entry, `e` edit, `X` retire, `t` try a question on the FAQ bot).

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::onboarding::model::{KnowledgeEntry, KB_CATEGORIES, KEY_TYPES, MESSAGE_CHANNELS};
use unitcycle_core::onboarding::workflow::{
    ChatRequest, ChecklistDetail, KnowledgeInput, NewKeyHandoff, OnboardingAction, OnboardingOutcome, SendMessage,
};
use uuid::Uuid;

use super::lease_gen::{confirm, confirm_key, ConfirmKey};
use super::{placeholder, Cursor, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::onboarding::{OnboardingData, OnboardingRequest, Row};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const MESSAGE: &[&str] = &["Channel (email, sms, push, in_app)", "Subject", "Message"];
const KEY: &[&str] = &["Key type", "Identifier (key #, fob serial)", "Access code (smart lock, gate)", "Quantity"];
const ENTRY: &[&str] = &["Category", "Question", "Answer", "Keywords (comma-separated)"];
const ASK: &[&str] = &["Question"];

#[derive(Default)]
enum Mode {
    #[default]
    Browse,
    Message(Form),
    Key(Form),
    Entry(Form, Option<Uuid>),
    Ask(Form),
    Confirm {
        title: &'static str,
        text: Vec<String>,
        yes: &'static str,
        id: Uuid,
        action: Box<OnboardingAction>,
        scroll: u16,
    },
    /// The FAQ bot's answer, shown until a key is pressed.
    Answer(Vec<String>),
}

/// What the screen shows.
#[derive(Default, PartialEq, Eq, Clone, Copy)]
enum View {
    #[default]
    Checklists,
    Checklist,
    Knowledge,
}

#[derive(Default)]
pub struct Onboarding {
    rows: Option<Vec<Row>>,
    detail: Option<ChecklistDetail>,
    knowledge: Option<(Uuid, String, Vec<KnowledgeEntry>)>,
    error: Option<String>,
    view: View,
    cursor: Cursor,
    tasks: Cursor,
    entries: Cursor,
    mode: Mode,
    busy: bool,
}

fn label(s: &str) -> String {
    s.replace('_', " ")
}

fn status_style(status: &str) -> Style {
    match status {
        "stalled" => theme::error(),
        "completed" => theme::dim(),
        "move_in_day" | "first_week" => Style::new().fg(theme::accent()),
        _ => Style::new(),
    }
}

/// A ten-cell bar for a percentage.
fn bar(pct: i32) -> String {
    let filled = (pct.clamp(0, 100) / 10) as usize;
    format!("{}{} {pct:>3}%", "█".repeat(filled), "░".repeat(10 - filled))
}

impl Onboarding {
    fn selected_row(&self) -> Option<&Row> {
        self.rows.as_ref()?.get(self.cursor.selected)
    }

    fn selected_entry(&self) -> Option<&KnowledgeEntry> {
        self.knowledge.as_ref()?.2.get(self.entries.selected)
    }

    fn act(&mut self, id: Uuid, action: OnboardingAction, cx: &mut Cx) {
        self.busy = true;
        cx.request(Request::Onboarding(OnboardingRequest::Act { id, action: Box::new(action), now: cx.now }));
    }

    fn property_of_view(&self) -> Option<Uuid> {
        match self.view {
            View::Checklist => self.detail.as_ref().map(|d| d.checklist.property_id),
            _ => self.selected_row().map(|r| r.checklist.property_id),
        }
    }

    fn task_step(&mut self, status: &'static str, cx: &mut Cx) {
        let Some(d) = &self.detail else { return cx.message("Open a checklist first (Enter)") };
        let Some(t) = d.tasks.get(self.tasks.selected) else { return cx.message("No task selected") };
        let verb = match status {
            "completed" => "Complete",
            "skipped" => "Skip",
            _ => "Reopen",
        };
        let text = vec![
            format!("{verb} '{}' for {}?", t.title, d.checklist.tenant_name),
            format!("Due {} · {} · now {}", t.due_date, label(&t.assigned_to), label(&t.status)),
            if t.is_blocking { "It blocks move-in.".into() } else { String::new() },
            "Nothing is sent to the tenant.".into(),
        ];
        let action = OnboardingAction::UpdateTask { task_id: t.id, status: status.into() };
        self.mode = Mode::Confirm {
            title: "Task",
            text,
            yes: if status == "completed" { "complete" } else { "record" },
            id: d.checklist.id,
            action: Box::new(action),
            scroll: 0,
        };
    }

    fn submit(&mut self, mode: Mode, cx: &mut Cx) -> Mode {
        match mode {
            Mode::Message(mut form) => {
                let ok = form.check(|i, v| match i {
                    0 if !MESSAGE_CHANNELS.contains(&v) => Some(format!("One of {}", MESSAGE_CHANNELS.join(", "))),
                    2 if v.is_empty() => Some("The text to send".into()),
                    _ => None,
                });
                let Some(d) = self.detail.as_ref().filter(|_| ok) else { return Mode::Message(form) };
                let message = SendMessage {
                    channel: form.value(0).into(),
                    subject: form.value(1).into(),
                    content: form.value(2).into(),
                    message_type: "custom".into(),
                };
                let c = &d.checklist;
                let to = match message.channel.as_str() {
                    "email" => format!("{} <{}>", c.tenant_name, c.tenant_email),
                    "sms" => format!("{} by text to the phone on file", c.tenant_name),
                    _ => format!("{}'s portal ({})", c.tenant_name, label(&message.channel)),
                };
                let mut text =
                    vec![format!("Send this {}?", label(&message.channel)), String::new(), format!("To: {to}")];
                if !message.subject.is_empty() {
                    text.push(format!("Subject: {}", message.subject));
                }
                text.push(String::new());
                text.extend(message.content.lines().map(str::to_string));
                text.push(String::new());
                text.push("Queued to the tenant now (sent by the server when connected).".into());
                let action =
                    OnboardingAction::SendMessage { message_id: Uuid::new_v4(), message, actor: cx.actor.clone() };
                Mode::Confirm { title: "Message", text, yes: "send", id: c.id, action: Box::new(action), scroll: 0 }
            }
            Mode::Key(mut form) => {
                let ok = form.check(|i, v| match i {
                    0 if !KEY_TYPES.contains(&v) => Some(format!("One of {}", KEY_TYPES.join(", "))),
                    3 if !v.parse::<i32>().is_ok_and(|n| (1..=50).contains(&n)) => Some("1 to 50".into()),
                    _ => None,
                });
                let Some(d) = self.detail.as_ref().filter(|_| ok) else { return Mode::Key(form) };
                let key = NewKeyHandoff {
                    checklist_id: Some(d.checklist.id),
                    unit_id: Some(d.checklist.unit_id),
                    tenant_name: d.checklist.tenant_name.clone(),
                    key_type: form.value(0).into(),
                    key_identifier: form.value(1).into(),
                    access_code: form.value(2).into(),
                    quantity: form.value(3).parse().unwrap_or(1),
                    status: "issued".into(),
                    tenant_acknowledged: false,
                };
                let text = vec![
                    format!("Record {} × {} issued to {} now?", key.quantity, label(&key.key_type), key.tenant_name),
                    format!(
                        "Identifier {} · code {}",
                        if key.key_identifier.is_empty() { "—" } else { &key.key_identifier },
                        if key.access_code.is_empty() { "—" } else { &key.access_code }
                    ),
                    format!("Handed over by {}. It completes the key-handoff task.", cx.actor),
                ];
                let action = OnboardingAction::RecordKey { key, actor: cx.actor.clone() };
                Mode::Confirm {
                    title: "Key handoff",
                    text,
                    yes: "record",
                    id: Uuid::new_v4(),
                    action: Box::new(action),
                    scroll: 0,
                }
            }
            Mode::Entry(mut form, id) => {
                let ok = form.check(|i, v| match i {
                    0 if !KB_CATEGORIES.contains(&v) => Some(format!("One of {}", KB_CATEGORIES.join(", "))),
                    1 | 2 if v.is_empty() => Some("Required".into()),
                    _ => None,
                });
                let Some(property) = self.knowledge.as_ref().map(|k| k.0).filter(|_| ok) else {
                    return Mode::Entry(form, id);
                };
                let entry = KnowledgeInput {
                    id,
                    category: form.value(0).into(),
                    question: form.value(1).into(),
                    answer: form.value(2).into(),
                    keywords: form
                        .value(3)
                        .split(',')
                        .map(|k| k.trim().to_string())
                        .filter(|k| !k.is_empty())
                        .collect(),
                    is_active: true,
                };
                self.act(property, OnboardingAction::SaveKnowledge { entry }, cx);
                Mode::Entry(form, id)
            }
            Mode::Ask(mut form) => {
                if !form.check(|_, v| v.is_empty().then(|| "A question a tenant might ask".into())) {
                    return Mode::Ask(form);
                }
                let Some(property_id) = self.knowledge.as_ref().map(|k| k.0) else { return Mode::Browse };
                let request = ChatRequest {
                    question: form.value(0).into(),
                    checklist_id: None,
                    tenant_id: None,
                    property_id: Some(property_id),
                };
                self.busy = true;
                cx.request(Request::Onboarding(OnboardingRequest::Ask { request, now: cx.now }));
                Mode::Ask(form)
            }
            other => other,
        }
    }
}

impl Screen for Onboarding {
    fn title(&self) -> String {
        match self.view {
            View::Checklists => "Onboarding".into(),
            View::Checklist => match &self.detail {
                Some(d) => format!("Onboarding · {}", d.checklist.tenant_name),
                None => "Onboarding".into(),
            },
            View::Knowledge => match &self.knowledge {
                Some((_, name, _)) => format!("Knowledge base · {name}"),
                None => "Knowledge base".into(),
            },
        }
    }
    fn nav(&self) -> Nav {
        Nav::Onboarding
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::ONBOARDING
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Onboarding(OnboardingRequest::List));
        if let (View::Checklist, Some(d)) = (self.view, &self.detail) {
            cx.request(Request::Onboarding(OnboardingRequest::Detail(d.checklist.id)));
        }
        if let (View::Knowledge, Some((p, _, _))) = (self.view, &self.knowledge) {
            cx.request(Request::Onboarding(OnboardingRequest::Knowledge { property: Some(*p), step: 0 }));
        }
    }
    fn loading(&self) -> bool {
        self.rows.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::Browse) || self.busy
    }
    fn cancel(&mut self, cx: &mut Cx) -> bool {
        match self.view {
            View::Checklists => false,
            View::Checklist => {
                self.view = View::Checklists;
                true
            }
            View::Knowledge => {
                self.view = if self.detail.is_some() { View::Checklist } else { View::Checklists };
                self.reload(cx);
                true
            }
        }
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let mode = std::mem::take(&mut self.mode);
        self.mode = match mode {
            Mode::Browse => Mode::Browse,
            Mode::Answer(_) => Mode::Browse,
            Mode::Message(mut form) => match form.key(key) {
                FormKey::Cancel => Mode::Browse,
                FormKey::Edited => Mode::Message(form),
                FormKey::Submit => self.submit(Mode::Message(form), cx),
            },
            Mode::Key(mut form) => match form.key(key) {
                FormKey::Cancel => Mode::Browse,
                FormKey::Edited => Mode::Key(form),
                FormKey::Submit => self.submit(Mode::Key(form), cx),
            },
            Mode::Entry(mut form, id) => match form.key(key) {
                FormKey::Cancel => Mode::Browse,
                FormKey::Edited => Mode::Entry(form, id),
                FormKey::Submit => self.submit(Mode::Entry(form, id), cx),
            },
            Mode::Ask(mut form) => match form.key(key) {
                FormKey::Cancel => Mode::Browse,
                FormKey::Edited => Mode::Ask(form),
                FormKey::Submit => self.submit(Mode::Ask(form), cx),
            },
            Mode::Confirm { title, text, yes, id, action, scroll } => match confirm_key(key, scroll, text.len()) {
                ConfirmKey::Yes => {
                    self.act(id, *action, cx);
                    Mode::Browse
                }
                ConfirmKey::No => {
                    cx.message("Cancelled: nothing was recorded or sent");
                    Mode::Browse
                }
                ConfirmKey::Stay { scroll } => Mode::Confirm { title, text, yes, id, action, scroll },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match (self.view, action) {
            (View::Checklists, Action::Open) => match self.selected_row() {
                Some(r) => {
                    let id = r.checklist.id;
                    self.view = View::Checklist;
                    self.detail = None;
                    self.tasks = Cursor::default();
                    cx.request(Request::Onboarding(OnboardingRequest::Detail(id)));
                }
                None => cx.message("No checklist selected"),
            },
            (View::Checklist, Action::CompleteTask) => self.task_step("completed", cx),
            (View::Checklist, Action::SkipTask) => self.task_step("skipped", cx),
            (View::Checklist, Action::ReopenTask) => self.task_step("pending", cx),
            (View::Checklist, Action::SendMessage) => match &self.detail {
                Some(d) => {
                    let intro = format!("To {}; a confirm shows it before it is sent.", d.checklist.tenant_name);
                    self.mode =
                        Mode::Message(Form::new("Message the tenant", MESSAGE, vec!["email".into()]).with_intro(intro));
                }
                None => cx.message("Open a checklist first (Enter)"),
            },
            (View::Checklist, Action::RecordKey) => match &self.detail {
                Some(d) => {
                    let intro = format!("Types: {}", KEY_TYPES.join(", "));
                    let values = vec!["physical_unit_key".into(), String::new(), String::new(), "2".into()];
                    self.mode = Mode::Key(
                        Form::new("Key handoff", KEY, values)
                            .with_intro(format!("{intro}. For {}.", d.checklist.tenant_name)),
                    );
                }
                None => cx.message("Open a checklist first (Enter)"),
            },
            (View::Checklists | View::Checklist, Action::KnowledgeBase) => {
                // The selected checklist's property, else the first: ←/→ move between properties.
                let property = self.property_of_view();
                self.view = View::Knowledge;
                self.knowledge = None;
                self.entries = Cursor::default();
                cx.request(Request::Onboarding(OnboardingRequest::Knowledge { property, step: 0 }));
            }
            (View::Knowledge, Action::Left | Action::Right) => {
                let property = self.knowledge.as_ref().map(|k| k.0);
                let step = if action == Action::Left { -1 } else { 1 };
                self.entries = Cursor::default();
                cx.request(Request::Onboarding(OnboardingRequest::Knowledge { property, step }));
            }
            (View::Knowledge, Action::NewEntry) => {
                let intro = format!("Categories: {}", KB_CATEGORIES.join(", "));
                self.mode = Mode::Entry(
                    Form::new("New entry", ENTRY, vec!["faq".into()]).with_enter("save").with_intro(intro),
                    None,
                );
            }
            (View::Knowledge, Action::EditEntry) => match self.selected_entry() {
                Some(e) => {
                    let values = vec![e.category.clone(), e.question.clone(), e.answer.clone(), e.keywords.join(", ")];
                    self.mode = Mode::Entry(Form::new("Edit entry", ENTRY, values).with_enter("save"), Some(e.id));
                }
                None => cx.message("No entry selected"),
            },
            (View::Knowledge, Action::RetireEntry) => match (self.selected_entry(), &self.knowledge) {
                (Some(e), Some((p, _, _))) => {
                    let retire = e.is_active;
                    let text = vec![
                        format!("{} \"{}\"?", if retire { "Retire" } else { "Restore" }, e.question),
                        if retire {
                            "The FAQ bot stops citing it; it stays on record.".into()
                        } else {
                            "The FAQ bot may cite it again.".into()
                        },
                    ];
                    let entry = KnowledgeInput {
                        id: Some(e.id),
                        category: e.category.clone(),
                        question: e.question.clone(),
                        answer: e.answer.clone(),
                        keywords: e.keywords.clone(),
                        is_active: !retire,
                    };
                    self.mode = Mode::Confirm {
                        title: "Knowledge base",
                        text,
                        yes: if retire { "retire" } else { "restore" },
                        id: *p,
                        action: Box::new(OnboardingAction::SaveKnowledge { entry }),
                        scroll: 0,
                    };
                }
                _ => cx.message("No entry selected"),
            },
            (View::Knowledge, Action::AskBot) => {
                self.mode = Mode::Ask(
                    Form::new("Ask the FAQ bot", ASK, vec![])
                        .with_enter("ask")
                        .with_intro("As a tenant would; it answers only from this knowledge base."),
                )
            }
            (View::Checklists, other) => {
                self.cursor.apply(other);
            }
            (View::Checklist, other) => {
                self.tasks.apply(other);
            }
            (View::Knowledge, other) => {
                self.entries.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Onboarding(OnboardingData::List(rows)) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Data::Onboarding(OnboardingData::Detail(d)) => {
                self.tasks.len = d.tasks.len();
                self.tasks.selected = self.tasks.selected.min(d.tasks.len().saturating_sub(1));
                self.detail = Some(*d);
            }
            Data::Onboarding(OnboardingData::Knowledge { property_id, property_name, entries }) => {
                self.entries.len = entries.len();
                self.entries.selected = self.entries.selected.min(entries.len().saturating_sub(1));
                self.knowledge = Some((property_id, property_name, entries));
            }
            Data::Onboarding(OnboardingData::Done(out)) => {
                self.busy = false;
                self.mode = Mode::Browse;
                cx.message(match *out {
                    OnboardingOutcome::Checklist(d) => {
                        format!("Recorded · {} of {} tasks done", d.checklist.completed_tasks, d.checklist.total_tasks)
                    }
                    OnboardingOutcome::Message(m) => format!("Message {} by {}", m.status, label(&m.channel)),
                    OnboardingOutcome::Key(k) => format!("{} × {} {}", k.quantity, label(&k.key_type), k.status),
                    OnboardingOutcome::Knowledge(e) => {
                        format!("Saved \"{}\"{}", e.question, if e.is_active { "" } else { " (retired)" })
                    }
                });
                self.reload(cx);
            }
            Data::Onboarding(OnboardingData::Answer(reply)) => {
                self.busy = false;
                let a = &reply.answer;
                let mut text = vec![a.answer.clone(), String::new()];
                text.push(match &a.source_question {
                    Some(q) => format!("Source: \"{q}\" ({})", a.category),
                    None if a.handoff => "No entry answers it: a person takes the question.".into(),
                    None => format!("From the tenant's own record ({})", a.category),
                });
                text.push(format!(
                    "{} · confidence {:.0}%{}",
                    a.provider,
                    a.confidence * 100.0,
                    if a.needs_review { " · needs review" } else { "" }
                ));
                self.mode = Mode::Answer(text);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                match &mut self.mode {
                    Mode::Message(form) | Mode::Key(form) | Mode::Entry(form, _) | Mode::Ask(form) => {
                        form.error = Some(e)
                    }
                    _ => cx.message(format!("Refused: {e}")),
                }
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        match (&self.rows, self.view) {
            (None, _) => placeholder(f, area, &self.error),
            (Some(rows), View::Checklists) => self.draw_list(f, area, rows),
            (Some(_), View::Checklist) => match &self.detail {
                Some(d) => self.draw_detail(f, area, d),
                None => placeholder(f, area, &None),
            },
            (Some(_), View::Knowledge) => match &self.knowledge {
                Some((_, _, entries)) => self.draw_knowledge(f, area, entries),
                None => placeholder(f, area, &None),
            },
        }
        match &self.mode {
            Mode::Message(form) | Mode::Key(form) | Mode::Entry(form, _) | Mode::Ask(form) => {
                form.draw(f, area);
                if self.busy {
                    form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3);
                }
            }
            Mode::Confirm { title, text, yes, scroll, .. } => confirm(f, area, title, text, yes, *scroll),
            Mode::Answer(text) => confirm(f, area, "FAQ bot", text, "close", 0),
            Mode::Browse if self.busy => {
                form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3)
            }
            Mode::Browse => {}
        }
    }
}

impl Onboarding {
    fn draw_list(&self, f: &mut Frame, area: Rect, rows: &[Row]) {
        if rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "No onboardings yet: a lease signed through the lease builder starts one. b: the properties' knowledge bases.",
                    theme::dim(),
                ))
                .wrap(Wrap { trim: true })
                .block(Block::bordered().border_style(theme::dim())),
                area,
            );
            return;
        }
        let header = TableRow::new(vec!["Tenant", "Unit", "Property", "Move-in", "Status", "Done"])
            .style(theme::bold().fg(theme::accent()));
        let height = usize::from(area.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let body: Vec<TableRow> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|r| {
                let c = &r.checklist;
                TableRow::new(vec![
                    Cell::from(c.tenant_name.clone()),
                    Cell::from(r.unit_number.clone()),
                    Cell::from(r.property_name.clone()),
                    Cell::from(c.move_in_date.to_string()),
                    Cell::from(Line::styled(label(&c.status), status_style(&c.status))),
                    Cell::from(bar(c.completion_pct)),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(20),
            Constraint::Length(6),
            Constraint::Length(20),
            Constraint::Length(11),
            Constraint::Length(12),
            Constraint::Length(16),
        ];
        let stalled = rows.iter().filter(|r| r.checklist.status == "stalled").count();
        let title = format!(
            " Onboardings ({}{}) ",
            rows.len(),
            if stalled > 0 { format!(", {stalled} stalled") } else { String::new() }
        );
        let table = Table::new(body, widths)
            .header(header)
            .block(Block::bordered().title(title).border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, area, &mut state);
    }

    fn draw_detail(&self, f: &mut Frame, area: Rect, d: &ChecklistDetail) {
        let c = &d.checklist;
        let [head, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(0)]).areas(area);
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("{} · {}", c.tenant_name, c.tenant_email), theme::bold()),
                Span::raw(format!(" · move-in {} · signed {}", c.move_in_date, c.signed_date)),
            ]),
            Line::from(vec![
                Span::styled(label(&c.status), status_style(&c.status)),
                Span::raw(format!(" · {} · {} of {} tasks", bar(c.completion_pct), c.completed_tasks, c.total_tasks)),
            ]),
        ];
        if !d.blocking_tasks.is_empty() {
            lines.push(Line::styled(format!("Blocks move-in: {}", d.blocking_tasks.join(", ")), theme::error()));
        }
        f.render_widget(Paragraph::new(lines), head);
        let [tasks, side] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(body);
        let header = TableRow::new(vec!["", "Due", "Task", "Who", "Status"]).style(theme::bold().fg(theme::accent()));
        let height = usize::from(tasks.height.saturating_sub(3)).max(1);
        self.tasks.height.set(height);
        let first = self.tasks.first_visible(height);
        let rows: Vec<TableRow> = d
            .tasks
            .iter()
            .skip(first)
            .take(height)
            .map(|t| {
                let done = matches!(t.status.as_str(), "completed" | "skipped" | "sent");
                TableRow::new(vec![
                    Cell::from(Line::styled(if t.is_blocking { "■" } else { " " }, theme::error())),
                    Cell::from(t.due_date.format("%m-%d").to_string()),
                    Cell::from(format!("{}{}", t.title, if t.document_verified { " ✓" } else { "" })),
                    Cell::from(t.assigned_to.clone()),
                    Cell::from(label(&t.status)),
                ])
                .style(if done { theme::dim() } else { Style::new() })
            })
            .collect();
        let widths = [
            Constraint::Length(1),
            Constraint::Length(5),
            Constraint::Fill(1),
            Constraint::Length(8),
            Constraint::Length(10),
        ];
        let table = Table::new(rows, widths)
            .header(header)
            .block(Block::bordered().title(" Tasks ").border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.tasks.selected.saturating_sub(first)));
        f.render_stateful_widget(table, tasks, &mut state);
        let mut side_lines = Vec::new();
        if let Some(t) = d.tasks.get(self.tasks.selected) {
            side_lines.push(Line::styled(t.title.clone(), theme::bold()));
            side_lines.push(Line::raw(t.description.clone()));
            if let Some(issues) = t.verification.get("issues").and_then(|v| v.as_array()) {
                for i in issues.iter().filter_map(|i| i.as_str()) {
                    side_lines.push(Line::styled(format!("• {i}"), theme::error()));
                }
            }
            side_lines.push(Line::raw(""));
        }
        side_lines.push(Line::styled(format!("Keys ({})", d.keys.len()), theme::bold()));
        for k in &d.keys {
            side_lines.push(Line::raw(format!(
                "{} × {} {} · {} · by {}",
                k.quantity,
                label(&k.key_type),
                k.key_identifier,
                k.status,
                k.handled_by
            )));
        }
        side_lines.push(Line::raw(""));
        side_lines.push(Line::styled(format!("Messages ({})", d.messages.len()), theme::bold()));
        for m in d.messages.iter().rev() {
            side_lines.push(Line::raw(format!(
                "{} · {} · {} · {}",
                m.created_at.format("%m-%d %H:%M"),
                label(&m.channel),
                if m.subject.is_empty() { label(&m.message_type) } else { m.subject.clone() },
                m.status
            )));
        }
        f.render_widget(
            Paragraph::new(side_lines)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(" Task · keys · messages ").border_style(theme::dim())),
            side,
        );
    }

    fn draw_knowledge(&self, f: &mut Frame, area: Rect, entries: &[KnowledgeEntry]) {
        if entries.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "No entries yet: n adds the first; tenants' questions are handed to a person until then.",
                    theme::dim(),
                ))
                .wrap(Wrap { trim: true })
                .block(Block::bordered().border_style(theme::dim())),
                area,
            );
            return;
        }
        let [list, detail] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        let header = TableRow::new(vec!["Category", "Question"]).style(theme::bold().fg(theme::accent()));
        let height = usize::from(list.height.saturating_sub(3)).max(1);
        self.entries.height.set(height);
        let first = self.entries.first_visible(height);
        let rows: Vec<TableRow> = entries
            .iter()
            .skip(first)
            .take(height)
            .map(|e| {
                TableRow::new(vec![Cell::from(e.category.clone()), Cell::from(e.question.clone())])
                    .style(if e.is_active { Style::new() } else { theme::dim() })
            })
            .collect();
        let active = entries.iter().filter(|e| e.is_active).count();
        let table = Table::new(rows, [Constraint::Length(13), Constraint::Fill(1)])
            .header(header)
            .block(Block::bordered().title(format!(" Entries ({active} active) ")).border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.entries.selected.saturating_sub(first)));
        f.render_stateful_widget(table, list, &mut state);
        if let Some(e) = entries.get(self.entries.selected) {
            let lines = vec![
                Line::styled(e.question.clone(), theme::bold()),
                Line::raw(""),
                Line::raw(e.answer.clone()),
                Line::raw(""),
                Line::styled(format!("Keywords: {}", e.keywords.join(", ")), theme::dim()),
                Line::styled(if e.is_active { "Active" } else { "Retired" }, theme::dim()),
            ];
            f.render_widget(
                Paragraph::new(lines).wrap(Wrap { trim: true }).block(Block::bordered().border_style(theme::dim())),
                detail,
            );
        }
    }
}
