//! Import what a manager already has (issue 14): a rent roll or a ledger CSV exported by another
//! system. The steps: the file and its kind (the shared form) → the detected column mapping,
//! editable column by column → a dry run with counts and every bad row by line → a confirm step
//! that says what will be written → the import on the worker (all rows or none) → the result.
//! Esc cancels every step before the confirm, and nothing is written until then. `e` writes the
//! rent roll back to CSV. A connected replica refuses, with the CLI's message.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::import::{review_mapping, Field, ImportKind, ImportReport, MappingReview, Override, KINDS};

use super::{Cursor, Screen};
use crate::app::form::{self, Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const FILE_FIELDS: [&str; 2] = ["CSV file", "Kind"];
const EXPORT_FIELDS: [&str; 1] = ["Export to"];

/// The file being imported and the person's mapping of it.
struct File {
    path: String,
    kind: ImportKind,
    text: String,
    /// The person's choices, in order (a later one for a column replaces an earlier one).
    choices: Vec<Override>,
    review: MappingReview,
    cursor: Cursor,
}

impl File {
    fn remap(&mut self) {
        self.review = review_mapping(&self.text, self.kind, &self.choices);
        self.cursor.len = self.review.columns.len();
    }

    /// Gives the selected column the field `step` places before or after its current one in the
    /// kind's list (with "not imported" between the last and the first); `None` ignores it.
    fn choose(&mut self, step: Option<isize>) {
        let Some(col) = self.review.columns.get(self.cursor.selected) else { return };
        let field = match step {
            None => None,
            Some(step) => {
                let mut options: Vec<Option<Field>> = vec![None];
                options.extend(self.kind.fields().into_iter().map(Some));
                let at = options.iter().position(|f| *f == col.field).unwrap_or(0) as isize;
                let n = options.len() as isize;
                options[(at + step).rem_euclid(n) as usize]
            }
        };
        self.choices.push(Override { column: col.column.clone(), field });
        self.remap();
    }
}

enum Step {
    /// Nothing under way: the last outcome, and the keys.
    Idle,
    Form(Form),
    Reading,
    Mapping,
    DryRun,
    Review {
        report: Box<ImportReport>,
        scroll: Cursor,
    },
    Confirm {
        report: Box<ImportReport>,
        text: String,
    },
    Importing,
    ExportForm(Form),
    Exporting,
}

/// What the last step came to, shown when nothing is under way.
enum Outcome {
    Imported { path: String, report: Box<ImportReport> },
    Exported { path: String, units: usize },
    Failed(String),
    Cancelled,
}

pub struct Import {
    step: Step,
    file: Option<File>,
    outcome: Option<Outcome>,
    /// A refusal shown on the mapping step (e.g. the dry run's).
    error: Option<String>,
}

/// `rent-roll-YYYY-MM-DD.csv` in the replica's directory.
pub fn default_export_path(replica: &str, today: NaiveDate) -> PathBuf {
    let name = format!("rent-roll-{today}.csv");
    match Path::new(replica).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
        _ => PathBuf::from(name),
    }
}

/// "1 property", "3 opening balances".
fn count_of(n: u32, kind: &str) -> String {
    let plural = kind.replace('_', " ");
    if n == 1 {
        let one = match kind {
            "properties" => "property".to_string(),
            "ledger_entries" => "ledger entry".to_string(),
            _ => plural.trim_end_matches('s').to_string(),
        };
        format!("1 {one}")
    } else {
        format!("{n} {plural}")
    }
}

/// The report's kinds, the usual ones first.
fn kinds(r: &ImportReport) -> Vec<&str> {
    let extra = r.counts.keys().map(String::as_str).filter(|k| !KINDS.contains(k));
    KINDS.iter().copied().filter(|k| r.counts.contains_key(*k)).chain(extra).collect()
}

/// "2 properties, 14 units and 5 opening balances" (what is created), or `None`.
fn created_list(r: &ImportReport) -> Option<String> {
    let parts: Vec<String> = kinds(r)
        .into_iter()
        .filter_map(|k| r.counts.get(k).filter(|c| c.created > 0).map(|c| count_of(c.created, k)))
        .collect();
    match parts.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [rest @ .., last] => Some(format!("{} and {last}", rest.join(", "))),
    }
}

fn count_lines(r: &ImportReport) -> Vec<Line<'static>> {
    let verb = if r.applied { "created" } else { "would create" };
    kinds(r)
        .into_iter()
        .filter_map(|k| r.counts.get(k).map(|c| (k, *c)))
        .map(|(k, c)| {
            Line::from(vec![
                Span::raw(format!("  {:<18}", k.replace('_', " "))),
                Span::styled(format!("{verb} {:>5}", c.created), theme::bold()),
                Span::styled(format!("   already there {:>5}", c.matched), theme::dim()),
            ])
        })
        .collect()
}

fn error_lines(r: &ImportReport) -> Vec<Line<'static>> {
    r.errors.iter().map(|e| Line::styled(format!("  line {}: {}", e.line, e.message), theme::error())).collect()
}

impl Import {
    /// The screen with the file form open (`path` pre-filled, e.g. from `:import FILE`).
    pub fn new(path: &str) -> Import {
        let form = Form::new("Import a CSV", &FILE_FIELDS, vec![path.trim().to_string(), "rent roll".into()]);
        Import { step: Step::Form(form), file: None, outcome: None, error: None }
    }

    /// The screen with the export form open.
    pub fn export(replica: &str, today: NaiveDate) -> Import {
        let mut s = Import::new("");
        s.step = Step::ExportForm(Self::export_form(replica, today));
        s
    }

    fn export_form(replica: &str, today: NaiveDate) -> Form {
        let path = default_export_path(replica, today).display().to_string();
        Form::new("Export the rent roll", &EXPORT_FIELDS, vec![path])
    }

    fn file_form(&self) -> Form {
        let (path, kind) = match &self.file {
            Some(f) => (f.path.clone(), f.kind.label().to_string()),
            None => (String::new(), "rent roll".into()),
        };
        Form::new("Import a CSV", &FILE_FIELDS, vec![path, kind])
    }

    fn run(&mut self, dry_run: bool, cx: &mut Cx) {
        let Some(file) = &self.file else { return };
        cx.request(Request::Import {
            kind: file.kind,
            csv: file.text.clone(),
            overrides: file.review.overrides(),
            dry_run,
            today: cx.today,
            now: cx.now,
        });
        self.step = if dry_run { Step::DryRun } else { Step::Importing };
    }

    fn file_label(&self) -> String {
        self.file.as_ref().map(|f| format!("{} ({})", f.path, f.kind.label())).unwrap_or_default()
    }

    fn on_form_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        let Step::Form(form) = &mut self.step else { return };
        match form.key(key) {
            FormKey::Cancel => self.cancelled(),
            FormKey::Edited => {}
            FormKey::Submit => {
                let ok = form.check(|i, text| match i {
                    0 if text.is_empty() => Some("name the CSV file to import".into()),
                    1 => ImportKind::parse(text).err(),
                    _ => None,
                });
                if !ok {
                    return;
                }
                let (path, kind) = (form.value(0).to_string(), ImportKind::parse(form.value(1)));
                let Ok(kind) = kind else { return };
                self.file = Some(File {
                    path: path.clone(),
                    kind,
                    text: String::new(),
                    choices: Vec::new(),
                    review: MappingReview::default(),
                    cursor: Cursor::default(),
                });
                self.error = None;
                cx.request(Request::ImportRead { path: PathBuf::from(path) });
                self.step = Step::Reading;
            }
        }
    }

    fn on_export_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        let Step::ExportForm(form) = &mut self.step else { return };
        match form.key(key) {
            FormKey::Cancel => {
                self.step = Step::Idle;
                self.outcome = Some(Outcome::Cancelled);
            }
            FormKey::Edited => {}
            FormKey::Submit => {
                if form.check(|_, text| text.is_empty().then(|| "name the file to write".to_string())) {
                    cx.request(Request::ExportRentRoll { path: PathBuf::from(form.value(0)) });
                    self.step = Step::Exporting;
                }
            }
        }
    }

    fn cancelled(&mut self) {
        self.step = Step::Idle;
        self.outcome = Some(Outcome::Cancelled);
    }

    fn draw_mapping(&self, f: &mut Frame, area: Rect) {
        let Some(file) = &self.file else { return };
        let [head, table, foot] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(3), Constraint::Length(3)]).areas(area);
        let mapped = file.review.columns.iter().filter(|c| c.field.is_some()).count();
        let head_lines = vec![
            Line::from(vec![Span::styled("Import ", theme::dim()), Span::styled(self.file_label(), theme::bold())]),
            Line::styled(
                format!(
                    "Step 1 of 3 · {mapped} of {} columns imported · ←/→ change a field · x leave a column out",
                    file.review.columns.len()
                ),
                theme::dim(),
            ),
        ];
        f.render_widget(Paragraph::new(head_lines), head);
        let height = usize::from(table.height.saturating_sub(3));
        file.cursor.height.set(height);
        let first = file.cursor.first_visible(height);
        let rows: Vec<Row> = file
            .review
            .columns
            .iter()
            .skip(first)
            .take(height)
            .map(|c| {
                let (field, style) = match c.field {
                    Some(f) => (f.name().to_string(), theme::bold()),
                    None => ("— not imported".to_string(), Style::new().fg(theme::hex("#D97706"))),
                };
                Row::new(vec![
                    Line::raw(crate::app::widgets::fit(&c.column, 30)),
                    Line::styled(field, style),
                    Line::styled(if c.overridden { "your choice" } else { "detected" }, theme::dim()),
                ])
            })
            .collect();
        let selected = (file.cursor.len > 0).then(|| file.cursor.selected.saturating_sub(first));
        let mut state = TableState::default().with_selected(selected);
        let t = Table::new(rows, [Constraint::Length(31), Constraint::Length(20), Constraint::Min(8)])
            .header(Row::new(["Column in the file", "Field", ""]).style(theme::bold()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸")
            .block(Block::bordered().title(" Columns ").border_style(theme::dim()));
        f.render_stateful_widget(t, table, &mut state);
        let mut foot_lines = Vec::new();
        match (&file.review.error, &self.error) {
            (Some(e), _) => foot_lines.push(Line::styled(format!("Cannot import yet: {e}"), theme::error())),
            (None, Some(e)) => foot_lines.push(Line::styled(e.clone(), theme::error())),
            (None, None) => foot_lines
                .push(Line::styled("Enter: dry run (nothing is written) · Esc: cancel the import", theme::dim())),
        }
        f.render_widget(Paragraph::new(foot_lines).wrap(Wrap { trim: true }), foot);
    }

    fn draw_review(&self, f: &mut Frame, area: Rect, report: &ImportReport, scroll: &Cursor) {
        let mut lines = vec![
            Line::from(vec![Span::styled("Dry run of ", theme::dim()), Span::styled(self.file_label(), theme::bold())]),
            Line::styled(
                format!("Step 2 of 3 · {} data rows read; nothing has been written", report.rows),
                theme::dim(),
            ),
            Line::raw(""),
        ];
        lines.extend(count_lines(report));
        lines.push(Line::raw(""));
        if report.errors.is_empty() {
            match created_list(report) {
                Some(_) => lines.push(Line::styled(
                    "No bad rows. Enter: review what will be written · m: mapping · Esc: cancel",
                    Style::new().fg(theme::accent()),
                )),
                None => lines.push(Line::styled(
                    "Nothing new to import: every row is already in the replica. Esc: done",
                    Style::new().fg(theme::accent()),
                )),
            }
        } else {
            lines.push(Line::styled(
                format!(
                    "{} bad rows: nothing will be imported until they are fixed (m: mapping · Esc: cancel)",
                    report.errors.len()
                ),
                theme::error(),
            ));
            lines.extend(error_lines(report));
        }
        let height = usize::from(area.height);
        scroll.height.set(height);
        let first = scroll.selected.min(lines.len().saturating_sub(height));
        f.render_widget(Paragraph::new(lines.into_iter().skip(first).collect::<Vec<_>>()), area);
    }

    fn draw_idle(&self, f: &mut Frame, area: Rect) {
        let mut lines = Vec::new();
        match &self.outcome {
            Some(Outcome::Imported { path, report }) => {
                if report.applied {
                    lines.push(Line::styled(format!("Imported {path}: all rows written."), theme::bold()));
                } else if report.errors.is_empty() {
                    lines.push(Line::styled(format!("{path}: nothing new to import."), theme::bold()));
                } else {
                    lines.push(Line::styled(format!("{path} was not imported: nothing was written."), theme::error()));
                }
                lines.extend(count_lines(report));
                lines.extend(error_lines(report));
            }
            Some(Outcome::Exported { path, units }) => {
                lines.push(Line::styled(format!("Wrote the rent roll ({units} units) to {path}"), theme::bold()));
            }
            Some(Outcome::Failed(e)) => {
                lines.push(Line::styled(e.clone(), theme::error()));
                lines.push(Line::styled("Nothing was imported.", theme::dim()));
            }
            Some(Outcome::Cancelled) => lines.push(Line::styled("Cancelled: nothing was written.", theme::dim())),
            None => {}
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(
            "Import what you already have: a rent roll (properties, units, tenants, leases, deposits and open \
             balances) or a ledger (charges and payments) exported as CSV by AppFolio, Buildium, Yardi, Rent \
             Manager or a spreadsheet. Importing again never duplicates anything.",
        ));
        lines.push(Line::from(vec![
            Span::styled(" i ", theme::bold()),
            Span::styled("import a file   ", theme::dim()),
            Span::styled(" e ", theme::bold()),
            Span::styled("export the rent roll to CSV   ", theme::dim()),
            Span::styled(" Esc ", theme::bold()),
            Span::styled("back", theme::dim()),
        ]));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}

impl Screen for Import {
    fn title(&self) -> String {
        "Import".into()
    }
    fn nav(&self) -> Nav {
        Nav::Properties
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::IMPORT
    }
    fn reload(&mut self, _cx: &mut Cx) {}
    fn capturing(&self) -> bool {
        matches!(
            self.step,
            Step::Form(_) | Step::ExportForm(_) | Step::Confirm { .. } | Step::Importing | Step::Exporting
        )
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        match &self.step {
            Step::Form(_) => self.on_form_key(key, cx),
            Step::ExportForm(_) => self.on_export_key(key, cx),
            Step::Confirm { .. } => match key.code {
                KeyCode::Char('y') | KeyCode::Char('Y') => self.run(false, cx),
                KeyCode::Char('n') | KeyCode::Esc => self.cancelled(),
                _ => {}
            },
            // The write is under way: it completes or writes nothing; keys wait for it.
            _ => {}
        }
    }
    fn cancel(&mut self, _cx: &mut Cx) -> bool {
        match self.step {
            Step::Idle => false,
            _ => {
                self.cancelled();
                true
            }
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match (&mut self.step, action) {
            (Step::Idle | Step::Mapping | Step::Review { .. }, Action::StartImport) => {
                self.step = Step::Form(self.file_form());
            }
            (Step::Idle | Step::Mapping | Step::Review { .. }, Action::ExportCsv) => {
                self.step = Step::ExportForm(Self::export_form(&cx.replica, cx.today));
            }
            (Step::Mapping, Action::Open) => {
                let usable = self.file.as_ref().is_some_and(|f| f.review.error.is_none());
                if usable {
                    self.error = None;
                    self.run(true, cx);
                }
            }
            (Step::Mapping, Action::Left | Action::Right | Action::IgnoreColumn) => {
                if let Some(file) = &mut self.file {
                    file.choose(match action {
                        Action::Left => Some(-1),
                        Action::Right => Some(1),
                        _ => None,
                    });
                }
            }
            (Step::Mapping, other) => {
                if let Some(file) = &mut self.file {
                    file.cursor.apply(other);
                }
            }
            // A file with a bad row (or nothing new) has nothing to confirm.
            (Step::Review { report, .. }, Action::Open) if report.errors.is_empty() => {
                if let Some(list) = created_list(report) {
                    let text = format!(
                        "Write {list} from {} to the replica {}? Every row or none is written. (y: import · n/Esc: cancel)",
                        self.file.as_ref().map_or("", |f| f.path.as_str()),
                        cx.replica
                    );
                    let report = std::mem::take(report);
                    self.step = Step::Confirm { report, text };
                }
            }
            (Step::Review { .. }, Action::EditMapping) => self.step = Step::Mapping,
            (Step::Review { report, scroll }, other) => {
                // The first line shown; the draw keeps the last page full.
                scroll.len = report.errors.len() + report.counts.len() + 6;
                scroll.apply(other);
            }
            _ => {}
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match (&mut self.step, data) {
            (Step::Reading, Data::ImportFile { text }) => {
                if let Some(file) = &mut self.file {
                    file.text = text;
                    file.remap();
                }
                self.step = Step::Mapping;
            }
            (Step::Reading, Data::Error(e)) => {
                let mut form = self.file_form();
                form.error = Some(e);
                self.step = Step::Form(form);
            }
            (Step::DryRun, Data::ImportReport(report)) => {
                self.step = Step::Review { report, scroll: Cursor::default() };
            }
            (Step::DryRun, Data::Error(e)) => {
                self.error = Some(e);
                self.step = Step::Mapping;
            }
            (Step::Importing, Data::ImportReport(report)) => {
                let path = self.file.as_ref().map(|f| f.path.clone()).unwrap_or_default();
                if report.applied {
                    cx.message(format!("Imported {}", created_list(&report).unwrap_or_default()));
                }
                self.outcome = Some(Outcome::Imported { path, report });
                self.step = Step::Idle;
            }
            (Step::Importing, Data::Error(e)) => {
                self.outcome = Some(Outcome::Failed(e));
                self.step = Step::Idle;
            }
            (Step::Exporting, Data::Exported { path, units }) => {
                cx.message(format!("Wrote {units} units to {path}"));
                self.outcome = Some(Outcome::Exported { path, units });
                self.step = Step::Idle;
            }
            (Step::Exporting, Data::Error(e)) => {
                let mut form = Self::export_form(&cx.replica, cx.today);
                form.error = Some(e);
                self.step = Step::ExportForm(form);
            }
            // An answer to a step that was cancelled meanwhile.
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let waiting = |f: &mut Frame, text: &str| {
            f.render_widget(Paragraph::new(Line::styled(text.to_string(), theme::dim())), area);
        };
        match &self.step {
            Step::Idle => self.draw_idle(f, area),
            Step::Form(form) | Step::ExportForm(form) => {
                self.draw_idle(f, area);
                form.draw(f, area);
            }
            Step::Reading => waiting(f, "Reading the file…"),
            Step::Mapping => self.draw_mapping(f, area),
            Step::DryRun => waiting(f, "Dry run: checking every row (nothing is written)…"),
            Step::Review { report, scroll } => self.draw_review(f, area, report, scroll),
            Step::Confirm { report, text } => {
                self.draw_review(f, area, report, &Cursor::default());
                form::popup(f, area, "Confirm the import", vec![Line::raw(text.clone())], 8);
            }
            Step::Importing => waiting(f, "Importing: every row or none…"),
            Step::Exporting => waiting(f, "Writing the rent roll…"),
        }
    }
}
