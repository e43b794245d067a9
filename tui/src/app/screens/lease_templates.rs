//! Lease templates (spec 4.5, `:lease-templates` or `:templates`): every template, active ones
//! first and then retired ones, each with its state and city, property type, version and number
//! of base clauses, and beside the list the selected template's base clauses with each one's
//! risk and whether its state requires or prohibits it. `n` makes a new template (name, state,
//! city, property type and the base clauses picked from the library with Space; the core refuses
//! a clause the state prohibits), `e` revises the selected one (the same form filled in; saving
//! makes the next version) and `X` retires it after a confirm. A retired template is no longer
//! offered for new leases; leases already made from it keep their clauses.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::format::date;
use unitcycle_core::lease_generation::clauses::{check_clauses, library, required_for, LeaseClause, RISK_FLAG};
use unitcycle_core::lease_generation::model::{LeaseTemplate, PROPERTY_TYPES};
use unitcycle_core::lease_generation::workflow::{LeaseGenerationAction, TemplateInput, STANDARD_CLAUSES};
use uuid::Uuid;

use super::lease_gen::{confirm, confirm_key, ConfirmKey};
use super::{placeholder, Cursor, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::lease_gen::{LeaseGenData, LeaseGenRequest};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const FIELDS: &[&str] = &["Name", "State", "City", "Property type"];
const NAME: usize = 0;
const STATE: usize = 1;
const CITY: usize = 2;
const KIND: usize = 3;

/// The template form: its text fields and the base clauses picked from the library.
struct Editor {
    form: Form,
    /// The library's clauses, in its order.
    library: Vec<LeaseClause>,
    /// Whether each library clause is picked.
    chosen: Vec<bool>,
    /// The clause the list's cursor is on.
    clause: usize,
    /// Whether keys go to the clause list (else to the text fields).
    in_list: bool,
    /// The template revised (none: a new one).
    revising: Option<LeaseTemplate>,
}

/// What a key did to the editor.
enum EditorKey {
    Edited,
    Submit,
    Cancel,
}

impl Editor {
    fn new_template() -> Editor {
        let library = library();
        let chosen = library.iter().map(|c| STANDARD_CLAUSES.contains(&c.slug.as_str())).collect();
        let values = vec![String::new(), String::new(), String::new(), "residential".into()];
        Editor {
            form: Form::new("New lease template", FIELDS, values).with_enter("save"),
            library,
            chosen,
            clause: 0,
            in_list: false,
            revising: None,
        }
    }

    fn revise(t: &LeaseTemplate) -> Editor {
        let library = library();
        let chosen = library.iter().map(|c| t.base_clause_ids.contains(&c.id)).collect();
        let values =
            vec![t.name.clone(), t.jurisdiction_state.clone(), t.jurisdiction_city.clone(), t.property_type.clone()];
        Editor {
            form: Form::new("Revise lease template", FIELDS, values).with_enter("save"),
            library,
            chosen,
            clause: 0,
            in_list: false,
            revising: Some(t.clone()),
        }
    }

    fn key(&mut self, key: KeyEvent) -> EditorKey {
        let last_field = FIELDS.len() - 1;
        let last_clause = self.library.len().saturating_sub(1);
        if !self.in_list {
            match key.code {
                KeyCode::Tab | KeyCode::Down if self.form.focus == last_field && !self.library.is_empty() => {
                    self.in_list = true;
                    self.clause = 0;
                    return EditorKey::Edited;
                }
                KeyCode::BackTab | KeyCode::Up if self.form.focus == 0 && !self.library.is_empty() => {
                    self.in_list = true;
                    self.clause = last_clause;
                    return EditorKey::Edited;
                }
                _ => {}
            }
            return match self.form.key(key) {
                FormKey::Cancel => EditorKey::Cancel,
                FormKey::Submit => EditorKey::Submit,
                FormKey::Edited => EditorKey::Edited,
            };
        }
        match key.code {
            KeyCode::Esc => return EditorKey::Cancel,
            KeyCode::Enter => return EditorKey::Submit,
            KeyCode::Tab => {
                self.in_list = false;
                self.form.focus = 0;
            }
            KeyCode::BackTab => {
                self.in_list = false;
                self.form.focus = last_field;
            }
            KeyCode::Up | KeyCode::Char('k') if self.clause == 0 => {
                self.in_list = false;
                self.form.focus = last_field;
            }
            KeyCode::Up | KeyCode::Char('k') => self.clause -= 1,
            KeyCode::Down | KeyCode::Char('j') => self.clause = (self.clause + 1).min(last_clause),
            KeyCode::PageUp => self.clause = self.clause.saturating_sub(10),
            KeyCode::PageDown => self.clause = (self.clause + 10).min(last_clause),
            KeyCode::Char(' ') => {
                if let Some(c) = self.chosen.get_mut(self.clause) {
                    *c = !*c;
                }
            }
            _ => {}
        }
        EditorKey::Edited
    }

    /// The base clauses picked, in the library's order.
    fn chosen_ids(&self) -> Vec<Uuid> {
        self.library.iter().zip(&self.chosen).filter(|(_, on)| **on).map(|(c, _)| c.id).collect()
    }

    /// Checks the fields; the template's input when they are fine.
    fn input(&mut self) -> Option<TemplateInput> {
        let ok = self.form.check(|i, v| match i {
            NAME if v.is_empty() => Some("The template's name".into()),
            STATE if v.len() != 2 || !v.chars().all(|c| c.is_ascii_alphabetic()) => {
                Some("A two-letter state code, e.g. TX".into())
            }
            KIND if !PROPERTY_TYPES.contains(&v.to_lowercase().as_str()) => {
                Some(format!("One of: {}", PROPERTY_TYPES.join(", ")))
            }
            _ => None,
        });
        if !ok {
            return None;
        }
        Some(TemplateInput {
            name: self.form.value(NAME).to_string(),
            property_type: self.form.value(KIND).to_lowercase(),
            jurisdiction_state: self.form.value(STATE).to_uppercase(),
            jurisdiction_city: self.form.value(CITY).to_string(),
            base_clause_ids: self.chosen_ids(),
            property_id: self.revising.as_ref().and_then(|t| t.property_id),
        })
    }

    fn draw(&self, f: &mut Frame, area: Rect, busy: bool) {
        let w = area.width.min(76);
        let inner = usize::from(w.saturating_sub(2).max(1));
        let state = self.form.value(STATE).to_uppercase();
        let city = Some(self.form.value(CITY)).filter(|c| !c.is_empty());
        let rules = Rules::of(&state, city);
        let mut top = Vec::new();
        let intro = match &self.revising {
            Some(t) => format!(
                "Saving makes version {} of '{}'. Leases already made from it keep their clauses.",
                t.version + 1,
                t.name
            ),
            None => "A named starting set of clauses for a state; the state's required clauses are added to \
                     each lease made from it."
                .to_string(),
        };
        top.push(Line::raw(intro));
        for (i, name) in self.form.labels.iter().enumerate() {
            let focus = !self.in_list && i == self.form.focus;
            top.push(Line::from(vec![
                Span::styled(if focus { "▸ " } else { "  " }, Style::new().fg(theme::accent())),
                Span::styled(format!("{name:<14}"), theme::bold()),
                Span::styled(self.form.fields[i].clone(), if focus { theme::selected() } else { Style::new() }),
                Span::styled(if focus { "█" } else { "" }, theme::dim()),
            ]));
            if let Some(e) = &self.form.errors[i] {
                top.push(Line::styled(format!("  {e}"), theme::error()));
            }
        }
        let picked = self.chosen.iter().filter(|c| **c).count();
        top.push(Line::styled(
            format!("Base clauses ({picked} of {}) · Space picks · ↑/↓ move", self.library.len()),
            theme::bold(),
        ));
        let mut bottom = Vec::new();
        if let Some(e) = &self.form.error {
            bottom.push(Line::styled(e.clone(), theme::error()));
        }
        bottom.push(Line::styled(
            format!("Tab next field or the clauses · Enter {} · Esc cancel", self.form.enter),
            theme::dim(),
        ));
        let rows = |lines: &[Line]| -> usize { lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum() };
        let fixed = rows(&top) + rows(&bottom) + 2;
        let h = (fixed + self.library.len()).min(usize::from(area.height)) as u16;
        let window = usize::from(h).saturating_sub(fixed).max(1);
        let first = if self.library.len() <= window {
            0
        } else {
            self.clause.saturating_sub(window / 2).min(self.library.len() - window)
        };
        let mut lines = top;
        for (i, c) in self.library.iter().enumerate().skip(first).take(window) {
            let on = self.chosen.get(i).copied().unwrap_or(false);
            let here = self.in_list && i == self.clause;
            let (mark, style) = rules.mark(c);
            let text = format!("{} {} · risk {}{}", if on { "[x]" } else { "[ ]" }, c.title, c.risk_score, mark);
            let style = if here { theme::selected() } else { style };
            lines.push(Line::from(vec![
                Span::styled(if here { "▸ " } else { "  " }, Style::new().fg(theme::accent())),
                Span::styled(text, style),
            ]));
        }
        lines.extend(bottom);
        let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines)
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(format!(" {} ", self.form.title))),
            r,
        );
        if busy {
            form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3);
        }
    }
}

/// What a state (and city) says of the library's clauses: the ones it requires and the ones it
/// prohibits, from the core's own checks.
struct Rules {
    state: String,
    required: Vec<Uuid>,
    prohibited: Vec<Uuid>,
}

impl Rules {
    fn of(state: &str, city: Option<&str>) -> Rules {
        if state.len() != 2 {
            return Rules { state: String::new(), required: Vec::new(), prohibited: Vec::new() };
        }
        let required = required_for(state, city).into_iter().map(|c| c.id).collect();
        let prohibited = library()
            .into_iter()
            .filter(|c| {
                check_clauses(state, city, std::slice::from_ref(c)).iter().any(|v| v.rule_type == "prohibited_clause")
            })
            .map(|c| c.id)
            .collect();
        Rules { state: state.to_string(), required, prohibited }
    }

    /// " · required in TX" or " · prohibited in CA" (and a flag over the risk limit), and the
    /// style the clause is shown in.
    fn mark(&self, c: &LeaseClause) -> (String, Style) {
        let flag = if c.risk_score > RISK_FLAG { " ⚑" } else { "" };
        if self.prohibited.contains(&c.id) {
            (format!("{flag} · prohibited in {}", self.state), theme::error())
        } else if self.required.contains(&c.id) {
            (format!("{flag} · required in {}", self.state), Style::new().fg(theme::accent()))
        } else if c.risk_score > RISK_FLAG {
            (flag.to_string(), theme::error())
        } else {
            (String::new(), Style::new())
        }
    }
}

enum Mode {
    List,
    Edit(Box<Editor>),
    Confirm { text: Vec<String>, id: Uuid, scroll: u16 },
}

pub struct LeaseTemplates {
    rows: Option<Vec<LeaseTemplate>>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
    /// The template to select when the list comes back (a new or revised one).
    select: Option<Uuid>,
    /// A step is done and the list is being read again: keys wait for it.
    refreshing: bool,
}

impl Default for LeaseTemplates {
    fn default() -> Self {
        LeaseTemplates {
            rows: None,
            error: None,
            cursor: Cursor::default(),
            mode: Mode::List,
            busy: false,
            select: None,
            refreshing: false,
        }
    }
}

/// "TX" or "CA · Los Angeles".
fn place(t: &LeaseTemplate) -> String {
    if t.jurisdiction_city.is_empty() {
        t.jurisdiction_state.clone()
    } else {
        format!("{} · {}", t.jurisdiction_state, t.jurisdiction_city)
    }
}

fn status(t: &LeaseTemplate) -> &'static str {
    if t.is_active {
        "active"
    } else {
        "retired"
    }
}

impl LeaseTemplates {
    fn selected(&self) -> Option<&LeaseTemplate> {
        self.rows.as_ref().and_then(|r| r.get(self.cursor.selected))
    }

    fn act(&mut self, id: Uuid, action: LeaseGenerationAction, cx: &mut Cx) {
        self.busy = true;
        cx.request(Request::LeaseGen(LeaseGenRequest::Act { id, action: Box::new(action), now: cx.now }));
    }

    fn submit(&mut self, editor: &mut Editor, cx: &mut Cx) {
        let Some(input) = editor.input() else { return };
        let (id, action) = match &editor.revising {
            Some(t) => (t.id, LeaseGenerationAction::ReviseTemplate(input)),
            None => (Uuid::new_v4(), LeaseGenerationAction::CreateTemplate(input)),
        };
        self.select = Some(id);
        self.act(id, action, cx);
    }

    /// Why the selected template cannot change, if it cannot.
    fn retired(t: &LeaseTemplate) -> Option<String> {
        (!t.is_active).then(|| format!("Template '{}' is retired: it cannot be revised or retired again", t.name))
    }
}

impl Screen for LeaseTemplates {
    fn title(&self) -> String {
        "Lease templates".into()
    }
    fn nav(&self) -> Nav {
        Nav::LeaseTemplates
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LEASE_TEMPLATES
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::LeaseGen(LeaseGenRequest::Templates));
    }
    fn loading(&self) -> bool {
        (self.rows.is_none() && self.error.is_none()) || self.refreshing
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
            Mode::Edit(mut editor) => match editor.key(key) {
                EditorKey::Cancel => Mode::List,
                EditorKey::Edited => Mode::Edit(editor),
                EditorKey::Submit => {
                    self.submit(&mut editor, cx);
                    Mode::Edit(editor)
                }
            },
            Mode::Confirm { text, id, scroll } => match confirm_key(key, scroll, text.len()) {
                ConfirmKey::Yes => {
                    self.act(id, LeaseGenerationAction::RetireTemplate, cx);
                    Mode::List
                }
                ConfirmKey::No => {
                    cx.message("Cancelled: the template is still offered");
                    Mode::List
                }
                ConfirmKey::Stay { scroll } => Mode::Confirm { text, id, scroll },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::AddRecord => self.mode = Mode::Edit(Box::new(Editor::new_template())),
            Action::EditRecord => match self.selected() {
                Some(t) => match Self::retired(t) {
                    Some(why) => cx.message(why),
                    None => self.mode = Mode::Edit(Box::new(Editor::revise(t))),
                },
                None => cx.message("No template to revise"),
            },
            Action::RetireTemplate => match self.selected() {
                Some(t) => match Self::retired(t) {
                    Some(why) => cx.message(why),
                    None => {
                        let text = vec![
                            format!("Retire the lease template '{}' (version {})?", t.name, t.version),
                            format!(
                                "It will no longer be offered for new leases in {}. Leases already made from it \
                                 keep their clauses.",
                                place(t)
                            ),
                            "A retired template cannot be revised or brought back.".into(),
                        ];
                        self.mode = Mode::Confirm { text, id: t.id, scroll: 0 };
                    }
                },
                None => cx.message("No template to retire"),
            },
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::LeaseGen(LeaseGenData::Templates(rows)) => {
                self.cursor.len = rows.len();
                if let Some(i) = self.select.take().and_then(|id| rows.iter().position(|t| t.id == id)) {
                    self.cursor.selected = i;
                }
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
                self.refreshing = false;
            }
            Data::LeaseGen(LeaseGenData::Done(out)) => {
                self.busy = false;
                self.mode = Mode::List;
                if let Some(t) = &out.template {
                    cx.message(if !t.is_active {
                        format!("Template '{}' retired: no longer offered for new leases", t.name)
                    } else if t.version == 1 {
                        format!("Template '{}' made for {} (version 1)", t.name, place(t))
                    } else {
                        format!("Template '{}' is now version {}", t.name, t.version)
                    });
                }
                self.refreshing = true;
                self.reload(cx);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                self.select = None;
                if let Mode::Edit(editor) = &mut self.mode {
                    editor.form.error = Some(format!("Not saved: {e}"));
                }
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => {
                self.refreshing = false;
                self.error = Some(e)
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        match &self.rows {
            None => placeholder(f, area, &self.error),
            Some(rows) if rows.is_empty() => {
                let text = "No lease templates yet: n makes one (a name, a state and its base clauses); the lease \
                            builder (:leases-gen) makes leases.";
                f.render_widget(
                    Paragraph::new(Line::styled(text, theme::dim()))
                        .wrap(Wrap { trim: true })
                        .block(Block::bordered().border_style(theme::dim())),
                    area,
                );
            }
            Some(rows) => self.draw_list(f, area, rows),
        }
        match &self.mode {
            Mode::Edit(editor) => editor.draw(f, area, self.busy),
            Mode::Confirm { text, scroll, .. } => confirm(f, area, "Retire template", text, "retire it", *scroll),
            Mode::List if self.busy => form::popup(f, area, "Working", vec![Line::styled("Working…", theme::dim())], 3),
            Mode::List => {}
        }
    }
}

impl LeaseTemplates {
    fn draw_list(&self, f: &mut Frame, area: Rect, rows: &[LeaseTemplate]) {
        let [list, detail] = Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area);
        let short = list.width < 56;
        let right = |t: String| Cell::from(Line::from(t).alignment(Alignment::Right));
        let header = Row::new(vec![
            Cell::from("Name"),
            Cell::from("Place"),
            Cell::from("Type"),
            right("Ver".into()),
            right("Cl.".into()),
            Cell::from("Status"),
        ])
        .style(theme::bold().fg(theme::accent()));
        let height = usize::from(list.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let body: Vec<Row> = rows
            .iter()
            .skip(first)
            .take(height)
            .map(|t| {
                let kind = if short { t.property_type.chars().take(5).collect() } else { t.property_type.clone() };
                Row::new(vec![
                    Cell::from(t.name.clone()),
                    Cell::from(match t.jurisdiction_city.as_str() {
                        "" => t.jurisdiction_state.clone(),
                        city => format!("{}/{city}", t.jurisdiction_state),
                    }),
                    Cell::from(kind),
                    right(format!("v{}", t.version)),
                    right(t.base_clause_ids.len().to_string()),
                    Cell::from(status(t)),
                ])
                .style(if t.is_active { Style::new() } else { theme::dim() })
            })
            .collect();
        let widths = [
            Constraint::Fill(1),
            Constraint::Length(if short { 9 } else { 10 }),
            Constraint::Length(if short { 5 } else { 11 }),
            Constraint::Length(3),
            Constraint::Length(3),
            Constraint::Length(7),
        ];
        let active = rows.iter().filter(|t| t.is_active).count();
        let table = Table::new(body, widths)
            .header(header)
            .block(
                Block::bordered()
                    .title(format!(" Lease templates ({active} active, {} retired) ", rows.len() - active))
                    .border_style(theme::dim()),
            )
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, list, &mut state);
        let Some(t) = self.selected() else { return };
        f.render_widget(
            Paragraph::new(detail_lines(t))
                .wrap(Wrap { trim: false })
                .block(Block::bordered().title(" Template ").border_style(theme::dim())),
            detail,
        );
    }
}

/// The selected template: where it is for, whether it is offered, its base clauses with their
/// risk and the state's word on each, and the clauses the state adds to every lease.
fn detail_lines(t: &LeaseTemplate) -> Vec<Line<'static>> {
    let city = Some(t.jurisdiction_city.as_str()).filter(|c| !c.is_empty());
    let rules = Rules::of(&t.jurisdiction_state, city);
    let mut lines = vec![
        Line::styled(t.name.clone(), theme::bold()),
        Line::raw(format!("{} · {} · version {}", place(t), t.property_type, t.version)),
        Line::raw(format!("Updated {}", date(t.updated_at.date_naive()))),
        if t.is_active {
            Line::styled("Active: offered for new leases.", Style::new().fg(theme::accent()))
        } else {
            Line::styled("Retired: no longer offered for new leases (leases made keep their clauses).", theme::dim())
        },
        Line::raw(""),
        Line::styled(format!("Base clauses ({})", t.base_clause_ids.len()), theme::bold()),
    ];
    let lib = library();
    let base: Vec<&LeaseClause> = lib.iter().filter(|c| t.base_clause_ids.contains(&c.id)).collect();
    if base.is_empty() {
        lines.push(Line::styled("None: leases start from the standard set.", theme::dim()));
    }
    for c in &base {
        let (mark, style) = rules.mark(c);
        lines.push(Line::styled(format!("{} — risk {}{mark}", c.title, c.risk_score), style));
    }
    let added: Vec<&LeaseClause> = lib
        .iter()
        .filter(|c| rules.required.contains(&c.id) && !t.base_clause_ids.contains(&c.id))
        .filter(|c| !base.iter().any(|b| b.category == c.category))
        .collect();
    if !added.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("{} adds to every lease", t.jurisdiction_state), theme::bold()));
        for c in added {
            lines.push(Line::raw(format!("{} — risk {}", c.title, c.risk_score)));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn the_form_checks_its_fields_and_space_picks_clauses() {
        let mut e = Editor::new_template();
        assert!(e.input().is_none());
        assert!(e.form.errors[NAME].is_some() && e.form.errors[STATE].is_some());
        e.form.fields = vec!["Texas standard".into(), "tx".into(), String::new(), "Mixed".into()];
        let input = e.input().unwrap();
        assert_eq!((input.jurisdiction_state.as_str(), input.property_type.as_str()), ("TX", "mixed"));
        assert_eq!(input.base_clause_ids.len(), STANDARD_CLAUSES.len());
        // Tab from the last field goes to the clauses; Space picks the first one off and on.
        e.form.focus = KIND;
        e.key(key(KeyCode::Tab));
        assert!(e.in_list);
        e.key(key(KeyCode::Char(' ')));
        assert_eq!(e.chosen_ids().len(), STANDARD_CLAUSES.len() - 1);
        e.key(key(KeyCode::Char(' ')));
        assert_eq!(e.chosen_ids().len(), STANDARD_CLAUSES.len());
        e.key(key(KeyCode::Up));
        assert!(!e.in_list && e.form.focus == KIND);
        e.form.fields[KIND] = "castle".into();
        assert!(e.input().is_none());
        assert!(e.form.errors[KIND].as_deref().unwrap_or_default().contains("residential"));
    }

    #[test]
    fn a_state_marks_what_it_requires_and_prohibits() {
        let lib = library();
        let by = |slug: &str| lib.iter().find(|c| c.slug == slug).unwrap();
        let ca = Rules::of("CA", None);
        assert!(ca.mark(by("nonrefundable_deposit")).0.contains("prohibited in CA"));
        assert!(ca.mark(by("bed_bugs")).0.contains("required in CA"));
        assert_eq!(ca.mark(by("rent")).0, "");
        assert_eq!(Rules::of("", None).mark(by("nonrefundable_deposit")).0, " ⚑");
    }
}
