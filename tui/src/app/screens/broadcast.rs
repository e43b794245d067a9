//! Broadcasts (spec 5.3, `:broadcast`): every broadcast, the newest first, with its status, its
//! audience, how many tenants and how many messages went out, and the selected one's deliveries
//! (each tenant and channel: sent, skipped or failed, with why). `n` writes a new one — title,
//! text (with `{{variables}}` filled in per tenant), channels and filters — with the recipients
//! counted live as you type; Enter shows exactly what will be sent and to how many before anything
//! is queued, and `y` queues it. `s` sends what a broadcast has not sent yet (a retry sends
//! nothing twice), after the same confirm.

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::communications_hub::broadcast::BroadcastPreview;
use uuid::Uuid;

use super::lease_gen::{confirm, confirm_key, ConfirmKey};
use super::{placeholder, Cursor, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::broadcast::{BroadcastData, BroadcastRequest, Draft, Listed};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const FIELDS: &[&str] =
    &["Title", "Text", "Channels", "Property", "Building", "Unit range", "Lease status", "Min balance"];

/// What a confirmed step does.
#[derive(Debug, Clone)]
enum Step {
    /// Create the draft as a new broadcast and send it.
    New(Uuid, Box<Draft>),
    /// Send what broadcast `id` has not sent yet.
    Retry(Uuid),
}

#[derive(Default)]
enum Mode {
    #[default]
    List,
    Compose {
        form: Form,
        /// The answer awaited for the confirm (Enter pressed), by preview number.
        confirming: Option<u64>,
    },
    Confirm {
        text: Vec<String>,
        step: Step,
        /// The composer to go back to on `n`.
        form: Option<Form>,
        scroll: u16,
    },
}

#[derive(Default)]
pub struct Broadcasts {
    rows: Option<Vec<Listed>>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
    /// The number of the latest preview asked for while composing.
    seq: u64,
}

fn draft(form: &Form) -> Draft {
    Draft {
        title: form.value(0).into(),
        content: form.value(1).into(),
        channels: form.value(2).into(),
        property: form.value(3).into(),
        building: form.value(4).into(),
        unit_range: form.value(5).into(),
        lease_status: form.value(6).into(),
        min_balance: form.value(7).into(),
    }
}

fn channel_name(c: &str) -> &str {
    match c {
        "sms" => "SMS",
        "in_app" => "in-app",
        other => other,
    }
}

/// "12 tenants · 11 by email, 12 by SMS · 1 not sent".
pub fn count_line(p: &BroadcastPreview) -> String {
    let by: Vec<String> = p.by_channel.iter().map(|(c, n)| format!("{n} by {}", channel_name(c))).collect();
    let mut line = format!(
        "{} tenant{} · {}",
        p.recipient_count,
        if p.recipient_count == 1 { "" } else { "s" },
        if by.is_empty() { "no message to send".into() } else { by.join(", ") }
    );
    if p.skipped + p.failed > 0 {
        line.push_str(&format!(" · {} not sent", p.skipped + p.failed));
    }
    line
}

/// The confirm: to how many, on which channels, and exactly what each tenant is sent.
pub fn confirm_text(p: &BroadcastPreview, retry: bool) -> Vec<String> {
    let queued: Vec<_> = p.deliveries.iter().filter(|d| d.status == "queued").collect();
    let tenants = queued.iter().map(|d| d.tenant_id).collect::<std::collections::HashSet<_>>().len();
    let mut text = vec![
        format!(
            "{} \"{}\" to {tenants} tenant{}?",
            if retry { "Send the rest of" } else { "Send" },
            p.title,
            if tenants == 1 { "" } else { "s" }
        ),
        format!("Audience: {}", p.audience),
        format!("Queued now: {}", count_line(p)),
    ];
    if p.already_sent > 0 {
        text.push(format!("Already sent earlier (not sent again): {}", p.already_sent));
    }
    text.push(String::new());
    let first = queued.first().map(|d| d.content.as_str()).unwrap_or_default();
    if queued.iter().all(|d| d.content == first) {
        text.push("The message, the same for every tenant:".into());
        text.extend(first.lines().map(|l| format!("  {l}")));
        text.push(String::new());
        text.push("To:".into());
        for d in &queued {
            text.push(format!(
                "  {} (unit {}) · {} {}",
                d.tenant_name,
                d.unit_number,
                channel_name(&d.channel),
                d.address
            ));
        }
    } else {
        text.push("Each tenant's message (filled in from their own record):".into());
        for d in &queued {
            text.push(format!(
                "→ {} (unit {}) · {} {}",
                d.tenant_name,
                d.unit_number,
                channel_name(&d.channel),
                d.address
            ));
            text.extend(d.content.lines().map(|l| format!("  {l}")));
        }
    }
    let not_sent: Vec<_> = p.deliveries.iter().filter(|d| d.status == "skipped" || d.status == "failed").collect();
    if !not_sent.is_empty() {
        text.push(String::new());
        text.push(format!("Not sent ({}):", not_sent.len()));
        for d in not_sent {
            text.push(format!(
                "  {} · {} · {}: {}",
                d.tenant_name,
                channel_name(&d.channel),
                d.status,
                d.reason.as_deref().unwrap_or_default()
            ));
        }
    }
    text.push(String::new());
    text.push("y queues them now (sent by the server when connected); each tenant once per channel.".into());
    text
}

impl Broadcasts {
    fn selected(&self) -> Option<&Listed> {
        self.rows.as_ref().and_then(|r| r.get(self.cursor.selected))
    }

    fn ask_preview(&mut self, form: &Form, cx: &mut Cx) -> u64 {
        self.seq += 1;
        cx.request(Request::Broadcast(BroadcastRequest::Preview {
            draft: Box::new(draft(form)),
            seq: self.seq,
            now: cx.now,
        }));
        self.seq
    }

    fn composer() -> Form {
        Form::new("New broadcast", FIELDS, vec![String::new(), String::new(), "email".into()])
            .with_enter("review")
            .with_intro("Recipients: counting…")
    }
}

impl Screen for Broadcasts {
    fn title(&self) -> String {
        "Broadcasts".into()
    }
    fn nav(&self) -> Nav {
        Nav::Broadcast
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::BROADCAST
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Broadcast(BroadcastRequest::List));
    }
    fn loading(&self) -> bool {
        self.rows.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::List) || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let mode = std::mem::take(&mut self.mode);
        self.mode = match mode {
            Mode::List => Mode::List,
            Mode::Compose { mut form, confirming } => match form.key(key) {
                FormKey::Cancel => {
                    cx.message("Cancelled: nothing was sent");
                    Mode::List
                }
                FormKey::Edited => {
                    self.ask_preview(&form, cx);
                    Mode::Compose { form, confirming: None }
                }
                FormKey::Submit => {
                    let ok = form.check(|i, v| match i {
                        0 if v.is_empty() => Some("A title".into()),
                        1 if v.is_empty() => Some("The text to send".into()),
                        2 if v.is_empty() => Some("email, sms and/or in_app".into()),
                        _ => None,
                    });
                    if ok {
                        let seq = self.ask_preview(&form, cx);
                        Mode::Compose { form, confirming: Some(seq) }
                    } else {
                        Mode::Compose { form, confirming }
                    }
                }
            },
            Mode::Confirm { text, step, form, scroll } => match confirm_key(key, scroll, text.len()) {
                ConfirmKey::Yes => {
                    self.busy = true;
                    let now = cx.now;
                    cx.request(Request::Broadcast(match step {
                        Step::New(id, draft) => BroadcastRequest::Send { id, draft, actor: cx.actor.clone(), now },
                        Step::Retry(id) => BroadcastRequest::Retry { id, now },
                    }));
                    Mode::List
                }
                ConfirmKey::No => match form {
                    Some(form) => Mode::Compose { form, confirming: None },
                    None => {
                        cx.message("Cancelled: nothing was sent");
                        Mode::List
                    }
                },
                ConfirmKey::Stay { scroll } => Mode::Confirm { text, step, form, scroll },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::AddRecord => {
                let form = Self::composer();
                self.ask_preview(&form, cx);
                self.mode = Mode::Compose { form, confirming: None };
            }
            Action::Send => match self.selected() {
                Some(l) => {
                    let id = l.broadcast.id;
                    self.busy = true;
                    cx.request(Request::Broadcast(BroadcastRequest::PreviewStored { id, now: cx.now }));
                }
                None => cx.message("No broadcast selected (n writes one)"),
            },
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Broadcast(BroadcastData::List(rows)) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Data::Broadcast(BroadcastData::Preview { seq, result }) => {
                // Only the latest answer counts (an older one may arrive after a newer key).
                if seq != self.seq {
                    return;
                }
                let Mode::Compose { form, confirming } = &mut self.mode else { return };
                match result {
                    Ok(p) => {
                        form.intro = Some(format!("Recipients now: {}", count_line(&p)));
                        form.error = None;
                        if confirming.take() == Some(seq) {
                            if p.to_send == 0 {
                                form.error = Some("Nothing to send: no recipient can be reached as it stands.".into());
                            } else {
                                let text = confirm_text(&p, false);
                                let id = Uuid::new_v4();
                                let step = Step::New(id, Box::new(draft(form)));
                                let form = form.clone();
                                self.mode = Mode::Confirm { text, step, form: Some(form), scroll: 0 };
                            }
                        }
                    }
                    Err(e) => {
                        form.intro = Some("Recipients now: —".into());
                        form.error = Some(e);
                        confirming.take();
                    }
                }
            }
            Data::Broadcast(BroadcastData::StoredPreview { id, preview }) => {
                self.busy = false;
                if preview.to_send == 0 {
                    cx.message(format!(
                        "Nothing to send: {} sent, {} not reachable; a retry sends nothing twice",
                        preview.already_sent,
                        preview.skipped + preview.failed
                    ));
                } else {
                    self.mode = Mode::Confirm {
                        text: confirm_text(&preview, true),
                        step: Step::Retry(id),
                        form: None,
                        scroll: 0,
                    };
                }
            }
            Data::Broadcast(BroadcastData::Sent(out)) => {
                self.busy = false;
                self.mode = Mode::List;
                let b = &out.broadcast;
                let mut msg =
                    format!("Queued {} message(s) to {} tenant(s) · {}", out.queued, b.recipient_count, b.status);
                if out.already_sent > 0 {
                    msg.push_str(&format!(" · {} sent earlier, not again", out.already_sent));
                }
                if out.skipped + out.failed > 0 {
                    msg.push_str(&format!(" · {} not sent", out.skipped + out.failed));
                }
                cx.message(msg);
                self.cursor.selected = 0;
                self.reload(cx);
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
        match &self.rows {
            None => placeholder(f, area, &self.error),
            Some(rows) => self.draw_list(f, area, rows),
        }
        match &self.mode {
            Mode::Compose { form, .. } => form.draw(f, area),
            Mode::Confirm { text, scroll, .. } => confirm(f, area, "Broadcast", text, "send", *scroll),
            Mode::List if self.busy => form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3),
            Mode::List => {}
        }
    }
}

impl Broadcasts {
    fn draw_list(&self, f: &mut Frame, area: Rect, rows: &[Listed]) {
        if rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled(
                    "No broadcasts yet: n writes one (title, text, channels and who it goes to).",
                    theme::dim(),
                ))
                .wrap(Wrap { trim: true })
                .block(Block::bordered().border_style(theme::dim())),
                area,
            );
            return;
        }
        let [list, detail] = Layout::vertical([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(area);
        let header = Row::new(vec!["Status", "Title", "Audience", "Channels", "Tenants", "Sent", "Created"])
            .style(theme::bold().fg(theme::accent()));
        let height = usize::from(list.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let table_rows: Vec<Row> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|l| {
                let b = &l.broadcast;
                Row::new(vec![
                    Cell::from(b.status.clone()),
                    Cell::from(b.title.clone()),
                    Cell::from(l.property_name.clone().unwrap_or_else(|| "every property".into())),
                    Cell::from(b.channels.iter().map(|c| channel_name(c)).collect::<Vec<_>>().join(", ")),
                    Cell::from(b.recipient_count.to_string()),
                    Cell::from(b.sent_count.to_string()),
                    Cell::from(b.created_at.format("%Y-%m-%d %H:%M").to_string()),
                ])
                .style(if b.status == "sent" {
                    Style::new()
                } else {
                    Style::new().fg(theme::accent())
                })
            })
            .collect();
        let widths = [
            Constraint::Length(8),
            Constraint::Fill(2),
            Constraint::Fill(1),
            Constraint::Length(18),
            Constraint::Length(8),
            Constraint::Length(5),
            Constraint::Length(16),
        ];
        let table = Table::new(table_rows, widths)
            .header(header)
            .block(Block::bordered().title(format!(" Broadcasts ({}) ", rows.len())).border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, list, &mut state);
        if let Some(l) = self.selected() {
            f.render_widget(
                Paragraph::new(detail_lines(l))
                    .wrap(Wrap { trim: false })
                    .block(Block::bordered().title(" Deliveries ").border_style(theme::dim())),
                detail,
            );
        }
    }
}

/// The selected broadcast: its text, then each delivery with its status (and why, if not sent).
fn detail_lines(l: &Listed) -> Vec<Line<'static>> {
    let b = &l.broadcast;
    let mut lines = vec![
        Line::styled(b.title.clone(), theme::bold()),
        Line::raw(format!(
            "{} · by {} · {} tenant(s), {} message(s) sent{}",
            b.status,
            if b.created_by.is_empty() { "—" } else { b.created_by.as_str() },
            b.recipient_count,
            b.sent_count,
            b.sent_at.map(|t| format!(" at {}", t.format("%Y-%m-%d %H:%M UTC"))).unwrap_or_default()
        )),
    ];
    lines.extend(b.content.lines().map(|t| Line::styled(format!("  {t}"), theme::dim())));
    lines.push(Line::raw(""));
    if l.recipients.is_empty() {
        lines.push(Line::styled("Not sent yet: s sends it (after a confirm).", theme::dim()));
    }
    for (r, name) in &l.recipients {
        let style = match r.status.as_str() {
            "failed" => theme::error(),
            "skipped" => Style::new().fg(theme::accent()),
            _ => Style::new(),
        };
        let why = if r.error.is_empty() { String::new() } else { format!(" — {}", r.error) };
        lines.push(Line::styled(
            format!("{:<8} {:<7} {} {}{why}", r.status, channel_name(&r.channel), name, r.address),
            style,
        ));
    }
    lines
}
