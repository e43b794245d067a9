//! Lease detail: the status timeline from `lease_status_log` and the lifecycle actions
//! (convert to month-to-month, give notice with a validated form, mark vacant). Every action
//! goes through one confirm step that says exactly what will happen, then through
//! `Store::apply_lifecycle_action` on the worker; refusals are shown inline. `c`, `p` and `r`
//! post a charge, payment or credit and `t` edits the tenant, through the records flow.

use chrono::Duration;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use unitcycle_core::format;
use unitcycle_core::lifecycle::{self, LifecycleAction};
use unitcycle_core::model::LeaseStatus;

use super::{placeholder, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::records_form::{Flow, Kind, Outcome};
use crate::app::widgets;
use crate::app::worker::{Data, LeaseData, Request};
use crate::app::{theme, Cx, Env, Nav};
use crate::cli::parse_date;

pub const FIELDS: [&str; 3] = ["Notice date", "Move-out date", "Reason"];

/// The give-notice form: the shared form with three fields.
#[derive(Debug, Clone)]
pub struct NoticeForm {
    pub form: Form,
}

impl NoticeForm {
    fn new(today: chrono::NaiveDate) -> NoticeForm {
        let values = vec![today.to_string(), (today + Duration::days(30)).to_string(), String::new()];
        NoticeForm { form: Form::new("Give notice", &FIELDS, values) }
    }

    /// Parses the fields; on failure each bad field carries its message.
    fn action(&mut self) -> Option<LifecycleAction> {
        let ok = self.form.check(|i, text| match i {
            0 if text.is_empty() => Some("required: the day the tenant gave notice (YYYY-MM-DD)".into()),
            1 if text.is_empty() => Some("required: the planned move-out day (YYYY-MM-DD)".into()),
            0 | 1 => parse_date(text).err(),
            _ => {
                let len = text.chars().count();
                (len > lifecycle::MAX_REASON_CHARS)
                    .then(|| format!("{len} characters; at most {}", lifecycle::MAX_REASON_CHARS))
            }
        });
        if !ok {
            return None;
        }
        Some(LifecycleAction::GiveNotice {
            notice_date: parse_date(self.form.value(0)).ok()?,
            notice_move_out_date: parse_date(self.form.value(1)).ok()?,
            reason: self.form.value(2).to_string(),
        })
    }
}

#[derive(Debug, Clone)]
pub enum Mode {
    View,
    Form(NoticeForm),
    Confirm { action: LifecycleAction, text: String },
    Applying,
}

pub struct LeaseDetail {
    key: String,
    data: Option<Box<LeaseData>>,
    mode: Mode,
    flow: Flow,
    scroll: usize,
    /// The last refusal or failure, shown under the actions.
    action_error: Option<String>,
    error: Option<String>,
}

impl LeaseDetail {
    /// `key`: a lease id or lease number.
    pub fn new(key: String) -> LeaseDetail {
        LeaseDetail {
            key,
            data: None,
            mode: Mode::View,
            flow: Flow::default(),
            scroll: 0,
            action_error: None,
            error: None,
        }
    }

    /// Plans `action` with the lifecycle rules; a refusal is shown inline, a plan goes to confirm.
    fn propose(&mut self, action: LifecycleAction, cx: &Cx) -> Result<(), String> {
        let Some(d) = &self.data else { return Ok(()) };
        match lifecycle::plan_action(&d.row.lease, &action, &cx.actor, cx.today) {
            Ok(t) => {
                self.mode = Mode::Confirm { text: t.describe(&d.row), action };
                Ok(())
            }
            Err(e) => Err(crate::app::words::humanize(&e.to_string())),
        }
    }

    fn form_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        let Mode::Form(notice) = &mut self.mode else { return };
        match notice.form.key(key) {
            FormKey::Cancel => self.mode = Mode::View,
            FormKey::Edited => {}
            FormKey::Submit => {
                let Some(action) = notice.action() else { return };
                if let Err(e) = self.propose(action, cx) {
                    if let Mode::Form(notice) = &mut self.mode {
                        notice.form.error = Some(e);
                    }
                }
            }
        }
    }

    fn draw_facts(&self, f: &mut Frame, area: Rect, d: &LeaseData, env: &Env) {
        let l = &d.row.lease;
        let now = (env.now)();
        // A stored zone always parses (checked when written); UTC if it somehow does not.
        let today = unitcycle_core::time::today_in(&d.time_zone, now).unwrap_or(env.today);
        let counts = lifecycle::day_counts(l, today, now);
        let mut lines = vec![
            widgets::kv("Begins", format::date(l.lease_begin_date)),
            widgets::kv("Ends", l.lease_end_date.map_or("—".into(), format::date)),
            widgets::kv("Rent", format::money(l.monthly_rent_amount)),
            widgets::kv("Deposit", format::money(l.security_deposit)),
            widgets::kv("Balance", format::money(d.balance)),
        ];
        if let Some(h) = l.holdover_start_date {
            lines.push(widgets::kv("Holdover since", format::date(h)));
        }
        if let Some(n) = l.notice_date {
            lines.push(widgets::kv("Notice given", format::date(n)));
        }
        if let Some(m) = l.notice_move_out_date {
            lines.push(widgets::kv("Move-out (plan)", format::date(m)));
        }
        if let Some(m) = l.actual_move_out_date {
            lines.push(widgets::kv("Moved out", format::date(m)));
        }
        if let Some(days) = counts.days_in_current_status {
            lines.push(widgets::kv("In this state", format!("{days} days")));
        }
        f.render_widget(
            Paragraph::new(lines).block(Block::bordered().title(" Lease ").border_style(theme::dim())),
            area,
        );
    }

    fn draw_timeline(&self, f: &mut Frame, area: Rect, d: &LeaseData) {
        let mut lines = Vec::new();
        for e in d.log.iter().skip(self.scroll) {
            lines.push(Line::from(vec![
                Span::styled(e.created_at.format("%Y-%m-%d %H:%M ").to_string(), theme::dim()),
                Span::styled(e.previous_status.label(), Style::new().fg(theme::status(e.previous_status))),
                Span::raw(" → "),
                Span::styled(e.new_status.label(), Style::new().fg(theme::status(e.new_status))),
            ]));
            lines.push(Line::styled(format!("  {} · {}", e.reason, e.changed_by), theme::dim()));
        }
        if lines.is_empty() {
            lines.push(Line::styled("No status changes recorded yet", theme::dim()));
        }
        let title = format!(" Status history · {} ", d.log.len());
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(title).border_style(theme::dim())),
            area,
        );
    }

    fn draw_actions(&self, f: &mut Frame, area: Rect, d: &LeaseData) {
        let from = d.row.lease.lease_status;
        let mut spans = Vec::new();
        for (key, label, to) in [
            ("m", "Convert to month-to-month", LeaseStatus::MonthToMonth),
            ("n", "Give notice", LeaseStatus::Notice),
            ("v", "Mark vacant", LeaseStatus::Vacant),
        ] {
            let style = if lifecycle::is_allowed(from, to) { theme::bold() } else { theme::dim() };
            spans.push(Span::styled(format!(" {key} "), style));
            spans.push(Span::styled(
                format!("{label}  "),
                if lifecycle::is_allowed(from, to) { Style::new() } else { theme::dim() },
            ));
        }
        let mut lines = vec![Line::from(spans)];
        if let Some(e) = &self.action_error {
            lines.push(Line::styled(e.clone(), theme::error()));
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
    }

    fn draw_popup(&self, f: &mut Frame, area: Rect) {
        match &self.mode {
            Mode::View => {}
            Mode::Form(notice) => notice.form.draw(f, area),
            Mode::Confirm { text, .. } => form::popup(
                f,
                area,
                "Confirm",
                vec![
                    Line::raw(text.clone()),
                    Line::raw(""),
                    Line::styled("y / Enter: apply    n / Esc: cancel", theme::bold()),
                ],
                10,
            ),
            Mode::Applying => form::popup(f, area, "Applying", vec![Line::styled("Applying…", theme::dim())], 3),
        }
    }
}

impl Screen for LeaseDetail {
    fn title(&self) -> String {
        self.data
            .as_ref()
            .map_or_else(|| format!("Lease {}", self.key), |d| format!("Lease {}", d.row.lease.lease_number))
    }
    fn nav(&self) -> Nav {
        Nav::Lifecycle
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LEASE
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Lease { key: self.key.clone() });
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::View) || self.flow.active()
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.flow.active() {
            return self.flow.key(key, cx);
        }
        match &self.mode {
            Mode::Form(_) => self.form_key(key, cx),
            Mode::Confirm { action, .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    if let Some(d) = &self.data {
                        cx.request(Request::Apply {
                            lease_id: d.row.lease.id,
                            action: action.clone(),
                            actor: cx.actor.clone(),
                            now: cx.now,
                        });
                        self.mode = Mode::Applying;
                    }
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    self.mode = Mode::View;
                    cx.message("Cancelled: nothing was changed");
                }
                _ => {}
            },
            Mode::Applying | Mode::View => {}
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        self.action_error = None;
        if let Some(d) = &self.data {
            use unitcycle_core::records::EntryKind;
            let kind = match action {
                Action::PostCharge => Some(EntryKind::Charge),
                Action::PostPayment => Some(EntryKind::Payment),
                Action::PostCredit => Some(EntryKind::Credit),
                _ => None,
            };
            if let Some(kind) = kind {
                let today = unitcycle_core::time::today_in(&d.time_zone, cx.now).unwrap_or(cx.today);
                let lease = Box::new(d.row.lease.clone());
                return self.flow.open(Kind::Post { lease, kind, today, balance: d.balance });
            }
            if action == Action::EditTenant {
                return self.flow.open(Kind::EditTenant(Box::new(d.tenant.clone())));
            }
        }
        let result = match action {
            Action::ConvertMtm => self.propose(LifecycleAction::ConvertMtm, cx),
            Action::MarkVacant => self.propose(LifecycleAction::MarkVacant { actual_move_out_date: None }, cx),
            Action::GiveNotice => {
                let Some(d) = &self.data else { return };
                // Refuse at once when no notice can be given, before asking for dates.
                if lifecycle::is_allowed(d.row.lease.lease_status, LeaseStatus::Notice) {
                    self.mode = Mode::Form(NoticeForm::new(cx.today));
                    Ok(())
                } else {
                    self.propose(
                        LifecycleAction::GiveNotice {
                            notice_date: cx.today,
                            notice_move_out_date: cx.today,
                            reason: String::new(),
                        },
                        cx,
                    )
                }
            }
            Action::Up => {
                self.scroll = self.scroll.saturating_sub(1);
                Ok(())
            }
            Action::Down => {
                let max = self.data.as_ref().map_or(0, |d| d.log.len().saturating_sub(1));
                self.scroll = (self.scroll + 1).min(max);
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = result {
            self.action_error = Some(e);
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match self.flow.on_data(&data, cx) {
            Outcome::NotMine => {}
            Outcome::Refused => return,
            Outcome::Saved(_) => return self.reload(cx),
        }
        match data {
            Data::Lease(d) => {
                self.key = d.row.lease.id.to_string();
                self.data = Some(d);
                self.error = None;
            }
            Data::Applied { transition, .. } => {
                self.mode = Mode::View;
                self.scroll = 0;
                cx.message(format!("Saved: {} → {}", transition.from.label(), transition.to.label()));
                self.reload(cx);
            }
            Data::Error(e) => {
                if matches!(self.mode, Mode::Applying) || self.data.is_some() {
                    self.mode = Mode::View;
                    self.action_error = Some(e);
                } else {
                    self.error = Some(e);
                }
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let l = &d.row.lease;
        let p = lifecycle::progress(l, env.today);
        let [head, body, actions] =
            Layout::vertical([Constraint::Length(3), Constraint::Min(0), Constraint::Length(2)]).areas(area);
        let head_lines = vec![
            Line::from(vec![
                Span::styled(format!(" Lease {} ", l.lease_number), theme::bold()),
                widgets::badge(l.lease_status),
                Span::styled(
                    format!("  Unit {} · {} · {}", d.row.unit_number, d.row.property_name, d.row.tenant_name),
                    theme::dim(),
                ),
            ]),
            widgets::progress(&p, 24),
            Line::raw(format!(" {}", p.dates)),
        ];
        f.render_widget(Paragraph::new(head_lines), head);
        let [facts, timeline] = Layout::horizontal([Constraint::Length(38), Constraint::Min(0)]).areas(body);
        self.draw_facts(f, facts, d, env);
        self.draw_timeline(f, timeline, d);
        self.draw_actions(f, actions, d);
        self.draw_popup(f, area);
        self.flow.draw(f, area);
    }
}
