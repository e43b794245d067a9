//! Tenant screening (spec 4.2, `:screening`): the applications waiting for a person first, each
//! with its score, recommendation and every factor beside the list. `n` takes a new application
//! (checked by the core's constructor), `s` scores the selected one, `a` approves it (with the
//! conditions when conditional) and `d` denies it with the reason — both after a confirm that
//! shows what is recorded and, for a denial, what the adverse action notice tells the applicant.
//! `g` on an approved application opens the lease builder's new-lease form (`:leases-gen`)
//! filled with the applicant and the unit. The date of birth and the SSN are never shown.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::format::{money, parse_date};
use unitcycle_core::screening::workflow::ScreeningAction;
use unitcycle_core::screening::{NewApplication, RiskFactor};
use uuid::Uuid;

use super::{placeholder, Cursor, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::screening::{Listed, ScreeningData, ScreeningRequest};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const INTAKE: &[&str] = &[
    "Unit",
    "First name",
    "Last name",
    "Email",
    "Phone",
    "Employer",
    "Monthly income",
    "Employed since",
    "Prev. landlord",
    "Prev. lease mo.",
    "Eviction (y/n)",
];
const APPROVE: &[&str] = &["Notes", "Conditional (y/n)"];
const DENY: &[&str] = &["Reason"];

enum Mode {
    List,
    Intake(Form),
    Approve(Form),
    Deny(Form),
    Confirm { text: Vec<String>, id: Uuid, action: Box<ScreeningAction> },
}

pub struct Screening {
    rows: Option<Vec<Listed>>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
}

impl Default for Screening {
    fn default() -> Self {
        Screening { rows: None, error: None, cursor: Cursor::default(), mode: Mode::List, busy: false }
    }
}

fn yes(text: &str) -> Option<bool> {
    match text.trim().to_lowercase().as_str() {
        "" | "n" | "no" => Some(false),
        "y" | "yes" => Some(true),
        _ => None,
    }
}

fn factors(l: &Listed) -> Vec<RiskFactor> {
    serde_json::from_value(l.app.ai_risk_factors.clone()).unwrap_or_default()
}

impl Screening {
    fn selected(&self) -> Option<&Listed> {
        self.rows.as_ref().and_then(|r| r.get(self.cursor.selected))
    }

    /// The intake form's application, checked as the core checks it; errors under the fields.
    fn intake(form: &mut Form, cx: &Cx) -> Option<(String, NewApplication)> {
        let income = form.value(6).replace([',', '$'], "").parse::<Decimal>();
        let since = parse_date(form.value(7));
        let months = form.value(9);
        let months = if months.is_empty() { Ok(None) } else { months.parse::<i32>().map(Some) };
        let ok = form.check(|i, v| match i {
            0 if v.is_empty() => Some("The unit's number (or 'number at property')".into()),
            6 if income.is_err() => Some("An amount, e.g. 5400".into()),
            7 if since.is_err() => Some("A date, YYYY-MM-DD".into()),
            9 if months.is_err() => Some("A whole number of months".into()),
            10 if yes(v).is_none() => Some("y or n".into()),
            _ => None,
        });
        if !ok {
            return None;
        }
        let new = NewApplication {
            unit_id: Uuid::nil(),
            first_name: form.value(1).into(),
            last_name: form.value(2).into(),
            email: form.value(3).into(),
            phone: form.value(4).into(),
            date_of_birth: None,
            ssn_last_four: String::new(),
            employer_name: form.value(5).into(),
            employer_phone: String::new(),
            job_title: String::new(),
            monthly_income: income.ok()?,
            employment_start_date: since.ok()?,
            income_verification_type: String::new(),
            previous_address: String::new(),
            previous_landlord_name: form.value(8).into(),
            previous_landlord_phone: String::new(),
            previous_rent: None,
            previous_lease_duration_months: months.ok()?,
            reason_for_leaving: String::new(),
            eviction_history: yes(form.value(10)) == Some(true),
            num_occupants: 1,
            has_pets: false,
            pet_details: String::new(),
        };
        // The core's own checks, on this replica's date (the unit's property may differ by a day).
        if let Err(e) = new.checked(Uuid::nil(), Uuid::nil(), cx.today + chrono::Duration::days(1), cx.now) {
            form.error = Some(e);
            return None;
        }
        Some((form.value(0).to_string(), new))
    }

    fn act(&mut self, id: Uuid, action: ScreeningAction, cx: &mut Cx) {
        self.busy = true;
        cx.request(Request::Screening(ScreeningRequest::Act { id, action: Box::new(action), now: cx.now }));
    }
}

impl Screen for Screening {
    fn title(&self) -> String {
        "Applications".into()
    }
    fn nav(&self) -> Nav {
        Nav::Screening
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::SCREENING
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Screening(ScreeningRequest::List));
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
        let mode = std::mem::replace(&mut self.mode, Mode::List);
        self.mode = match mode {
            Mode::List => Mode::List,
            Mode::Intake(mut f) => match f.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Intake(f),
                FormKey::Submit => match Self::intake(&mut f, cx) {
                    Some((unit, new)) => {
                        self.busy = true;
                        let id = Uuid::new_v4();
                        cx.request(Request::Screening(ScreeningRequest::Submit {
                            id,
                            unit,
                            new: Box::new(new),
                            now: cx.now,
                        }));
                        Mode::Intake(f)
                    }
                    None => Mode::Intake(f),
                },
            },
            Mode::Approve(mut f) => match f.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Approve(f),
                FormKey::Submit => {
                    let conditional = yes(f.value(1));
                    if !f.check(|i, _| (i == 1 && conditional.is_none()).then(|| "y or n".into())) {
                        Mode::Approve(f)
                    } else if let Some(l) = self.selected() {
                        let conditional = conditional.unwrap_or(false);
                        let notes = f.value(0).to_string();
                        let text = vec![
                            format!(
                                "{} the application of {} {} for unit {}?",
                                if conditional { "Approve on conditions" } else { "Approve" },
                                l.app.first_name,
                                l.app.last_name,
                                l.unit_number
                            ),
                            format!(
                                "Score {} ({}).",
                                l.app.ai_score.map_or("—".into(), |s| format!("{s:.0}")),
                                l.app.ai_recommendation
                            ),
                            if notes.is_empty() { "No notes.".into() } else { format!("Notes: {notes}") },
                            "The decision is recorded with your name; nothing is sent to the applicant.".into(),
                        ];
                        let action =
                            ScreeningAction::Approve { notes, conditional: Some(conditional), actor: cx.actor.clone() };
                        Mode::Confirm { text, id: l.app.id, action: Box::new(action) }
                    } else {
                        Mode::List
                    }
                }
            },
            Mode::Deny(mut f) => match f.key(key) {
                FormKey::Cancel => Mode::List,
                FormKey::Edited => Mode::Deny(f),
                FormKey::Submit => {
                    if !f.check(|_, v| v.is_empty().then(|| "The reason is printed on the notice".into())) {
                        Mode::Deny(f)
                    } else if let Some(l) = self.selected() {
                        let reason = f.value(0).to_string();
                        let mut text = vec![
                            format!(
                                "Deny the application of {} {} for unit {}?",
                                l.app.first_name, l.app.last_name, l.unit_number
                            ),
                            format!("An adverse action notice is emailed to {} with these reasons:", l.app.email),
                        ];
                        text.extend(factors(l).iter().map(|f| format!("  - {}", f.factor)));
                        text.push(format!("  - {reason}"));
                        let action = ScreeningAction::Deny { reason, actor: cx.actor.clone() };
                        Mode::Confirm { text, id: l.app.id, action: Box::new(action) }
                    } else {
                        Mode::List
                    }
                }
            },
            Mode::Confirm { text, id, action } => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    self.act(id, *action, cx);
                    Mode::List
                }
                KeyCode::Char('n') | KeyCode::Esc => {
                    cx.message("Cancelled: nothing was recorded");
                    Mode::List
                }
                _ => Mode::Confirm { text, id, action },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        let open = |l: &Listed| matches!(l.app.status.as_str(), "submitted" | "screening" | "scored");
        match action {
            Action::AddRecord => {
                self.mode = Mode::Intake(
                    Form::new("New application", INTAKE, vec![String::new(); INTAKE.len()])
                        .with_enter("submit")
                        .with_intro("Nothing about who the applicant is (age, family, origin) is asked or scored."),
                )
            }
            Action::RunPricing => match self.selected() {
                Some(l) if open(l) => {
                    let id = l.app.id;
                    self.act(id, ScreeningAction::Score, cx)
                }
                Some(l) => cx.message(format!("This application is {} already", l.app.status.replace('_', " "))),
                None => cx.message("No application to score"),
            },
            Action::Approve => match self.selected() {
                Some(l) if open(l) => {
                    let conditional = if l.app.ai_recommendation == "conditional_approve" { "y" } else { "n" };
                    self.mode =
                        Mode::Approve(Form::new("Approve", APPROVE, vec![String::new(), conditional.to_string()]))
                }
                Some(l) => cx.message(format!("This application is {} already", l.app.status.replace('_', " "))),
                None => cx.message("No application to approve"),
            },
            Action::NewLease => match self.selected() {
                Some(l) if matches!(l.app.status.as_str(), "approved" | "conditionally_approved") => {
                    let a = &l.app;
                    cx.push(Box::new(super::lease_gen::LeaseGen::for_application(
                        cx.today,
                        &format!("{} at {}", l.unit_number, l.property_name),
                        &format!("{} {}", a.first_name, a.last_name),
                        &a.email,
                        a.id,
                    )))
                }
                Some(l) => cx.message(format!(
                    "A lease is generated for an approved application (this one is {})",
                    l.app.status.replace('_', " ")
                )),
                None => cx.message("No application selected"),
            },
            Action::Deny => match self.selected() {
                Some(l) if open(l) => self.mode = Mode::Deny(Form::new("Deny", DENY, vec![String::new()])),
                Some(l) => cx.message(format!("This application is {} already", l.app.status.replace('_', " "))),
                None => cx.message("No application to deny"),
            },
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Screening(ScreeningData::List(rows)) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Data::Screening(ScreeningData::Done(out)) => {
                self.busy = false;
                self.mode = Mode::List;
                let a = &out.application;
                let name =
                    format!("{} {}", a["first_name"].as_str().unwrap_or(""), a["last_name"].as_str().unwrap_or(""));
                cx.message(match &out.score {
                    Some(s) => format!(
                        "{name}: {} — score {} ({})",
                        a["status"].as_str().unwrap_or(""),
                        s.score,
                        s.recommendation
                    ),
                    None => format!("{name}: {}", a["status"].as_str().unwrap_or("")),
                });
                self.reload(cx);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                match &mut self.mode {
                    Mode::Intake(f) => f.error = Some(e),
                    _ => cx.message(format!("Refused: {e}")),
                }
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(rows) = &self.rows else { return placeholder(f, area, &self.error) };
        if rows.is_empty() {
            let text = "No applications yet: n takes one here (applicants also apply through the server's public \
                        application endpoint, POST /api/v1/screening/apply/).";
            f.render_widget(
                Paragraph::new(Line::styled(text, theme::dim()))
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered().border_style(theme::dim())),
                area,
            );
        } else {
            self.draw_list(f, area, rows);
        }
        match &self.mode {
            Mode::Intake(form) | Mode::Approve(form) | Mode::Deny(form) => form.draw(f, area),
            Mode::Confirm { text, .. } => {
                let mut lines: Vec<Line> = text.iter().map(|t| Line::raw(t.clone())).collect();
                lines.push(Line::styled("y/Enter: record it · n/Esc: cancel", theme::dim()));
                let h = lines.len() as u16 + 2;
                form::popup(f, area, "Confirm", lines, h);
            }
            Mode::List if self.busy => form::popup(f, area, "Saving", vec![Line::styled("Working…", theme::dim())], 3),
            Mode::List => {}
        }
    }
}

impl Screening {
    fn draw_list(&self, f: &mut Frame, area: Rect, rows: &[Listed]) {
        let [list, detail] = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(area);
        let right = |t: String| Cell::from(Line::from(t).alignment(Alignment::Right));
        let header = Row::new(vec![
            Cell::from("Status"),
            Cell::from("Applicant"),
            Cell::from("Unit"),
            right("Income".into()),
            right("Score".into()),
            Cell::from("Recommends"),
        ])
        .style(theme::bold().fg(theme::accent()));
        let height = usize::from(list.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let body: Vec<Row> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|l| {
                let style = match l.app.status.as_str() {
                    "denied" => theme::error(),
                    "submitted" | "scored" => ratatui::style::Style::new().fg(theme::accent()),
                    _ => ratatui::style::Style::new(),
                };
                Row::new(vec![
                    Cell::from(Line::styled(l.app.status.replace('_', " "), style)),
                    Cell::from(format!("{} {}", l.app.first_name, l.app.last_name)),
                    Cell::from(l.unit_number.clone()),
                    right(money(l.app.monthly_income)),
                    right(l.app.ai_score.map_or("—".into(), |s| format!("{s:.0}"))),
                    Cell::from(l.app.ai_recommendation.replace('_', " ")),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(12),
            Constraint::Fill(1),
            Constraint::Length(7),
            Constraint::Length(11),
            Constraint::Length(5),
            Constraint::Length(13),
        ];
        let table = Table::new(body, widths)
            .header(header)
            .block(Block::bordered().title(format!(" Applications ({}) ", rows.len())).border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, list, &mut state);
        let Some(l) = self.selected() else { return };
        let a = &l.app;
        let score = |v: Option<f64>| v.map_or("—".into(), |s| format!("{s:.0}"));
        let mut lines = vec![
            Line::styled(format!("{} {} · {}", a.first_name, a.last_name, a.email), theme::bold()),
            Line::raw(format!("Unit {} at {}", l.unit_number, l.property_name)),
            Line::raw(format!(
                "{} · {} a month · since {}",
                a.employer_name,
                money(a.monthly_income),
                a.employment_start_date
            )),
            Line::raw(format!(
                "Previous landlord: {} · lease {} · eviction: {}",
                if a.previous_landlord_name.is_empty() { "none given" } else { &a.previous_landlord_name },
                a.previous_lease_duration_months.map_or("—".into(), |m| format!("{m} mo")),
                if a.eviction_history { "yes" } else { "no" }
            )),
            Line::raw(""),
            Line::styled(
                format!(
                    "Score {} — {}",
                    score(a.ai_score),
                    if a.ai_recommendation.is_empty() { "not scored (s)" } else { &a.ai_recommendation }
                ),
                theme::bold(),
            ),
            Line::raw(format!(
                "Income {} · Employment {} · Rental history {}",
                score(a.income_score),
                score(a.employment_score),
                score(a.rental_history_score)
            )),
        ];
        for fct in factors(l) {
            lines.push(Line::styled(
                format!("{:>4}  {} ({})", fct.score_impact, fct.factor, fct.severity),
                theme::error(),
            ));
        }
        if !a.ai_reasoning.is_empty() {
            lines.push(Line::styled(a.ai_reasoning.clone(), theme::dim()));
        }
        if !a.decision_notes.is_empty() || !a.reviewed_by.is_empty() {
            lines.push(Line::raw(""));
            lines.push(Line::raw(format!("Decision by {}: {}", a.reviewed_by, a.decision_notes)));
        }
        let docs = a.documents.as_array().map_or(0, Vec::len);
        if docs > 0 {
            lines.push(Line::raw(format!("{docs} document(s) on file")));
        }
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(" Application ").border_style(theme::dim())),
            detail,
        );
    }
}
