//! Virtual staging (spec 4.1, `:staging`): every project with its unit, style, status and how
//! many photos are done; Enter opens one — its photos in listing order with the room, the
//! processing status and the label ("virtually staged" only when a staging service furnished
//! the room, else "enhanced, not staged"), and the listing headline and description. `n` starts
//! a project for a vacant unit (↑/↓ the unit, ←/→ the style), `U` uploads a photo (a file and
//! its room), `g` generates the pending photos
//! (progress shown), `l` writes the listing text, and `P` publishes after a confirm that lists
//! exactly which photos go to which listing.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row as TableRow, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::staging::model::STYLES;
use unitcycle_core::staging::workflow::{label as photo_label, ProjectDetail};
use uuid::Uuid;

use super::lease_gen::{confirm, confirm_key, ConfirmKey};
use super::{placeholder, Cursor, Screen};
use crate::app::form::{Form, FormKey};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::staging::{Row, StagingData, StagingRequest, UnitChoice};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const UPLOAD: &[&str] = &["Photo file (JPEG or PNG)", "Room (living room, kitchen, bedroom…)"];

#[derive(Default)]
enum Mode {
    #[default]
    Browse,
    /// Picking the vacant unit and the style of a new project.
    New { units: Vec<UnitChoice>, cursor: usize, style: usize },
    /// The file and room of a photo to upload.
    Upload(Form, Uuid),
    /// The publish confirm.
    Publish { text: Vec<String>, id: Uuid, scroll: u16 },
}

#[derive(Default)]
pub struct Staging {
    rows: Option<Vec<Row>>,
    detail: Option<ProjectDetail>,
    error: Option<String>,
    cursor: Cursor,
    photos: Cursor,
    mode: Mode,
    /// A step under way, with its progress line.
    busy: Option<String>,
}

fn status_style(status: &str) -> Style {
    match status {
        "failed" => theme::error(),
        "published" => theme::dim(),
        "completed" => Style::new().fg(theme::accent()),
        _ => Style::new(),
    }
}

fn label_style(label: &str) -> Style {
    match label {
        "virtually staged" => theme::bold().fg(theme::accent()),
        "failed" => theme::error(),
        _ => Style::new(),
    }
}

impl Staging {
    fn selected_id(&self) -> Option<Uuid> {
        match &self.detail {
            Some(d) => Some(d.project.id),
            None => self.rows.as_ref()?.get(self.cursor.selected).map(|r| r.project.id),
        }
    }

    fn start(&mut self, what: &str, req: StagingRequest, cx: &mut Cx) {
        self.busy = Some(what.to_string());
        cx.request(Request::Staging(req));
    }
}

impl Screen for Staging {
    fn title(&self) -> String {
        match &self.detail {
            Some(d) => format!("Staging · unit {} · {}", d.unit_number, d.property_name),
            None => "Virtual staging".into(),
        }
    }
    fn nav(&self) -> Nav {
        Nav::Staging
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::STAGING
    }
    fn reload(&mut self, cx: &mut Cx) {
        match &self.detail {
            Some(d) => cx.request(Request::Staging(StagingRequest::Detail(d.project.id))),
            None => cx.request(Request::Staging(StagingRequest::List)),
        }
    }
    fn loading(&self) -> bool {
        self.rows.is_none() && self.detail.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::Browse) || self.busy.is_some()
    }
    fn cancel(&mut self, cx: &mut Cx) -> bool {
        if self.detail.take().is_some() {
            self.photos = Cursor::default();
            self.reload(cx);
            return true;
        }
        false
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy.is_some() {
            return;
        }
        self.mode = match std::mem::take(&mut self.mode) {
            Mode::Browse => Mode::Browse,
            Mode::New { units, mut cursor, mut style } => match key.code {
                KeyCode::Esc => {
                    cx.message("No project made");
                    Mode::Browse
                }
                KeyCode::Up | KeyCode::Char('k') => {
                    cursor = cursor.saturating_sub(1);
                    Mode::New { units, cursor, style }
                }
                KeyCode::Down | KeyCode::Char('j') => {
                    cursor = (cursor + 1).min(units.len().saturating_sub(1));
                    Mode::New { units, cursor, style }
                }
                KeyCode::Left | KeyCode::Char('h') => {
                    style = (style + STYLES.len() - 1) % STYLES.len();
                    Mode::New { units, cursor, style }
                }
                KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
                    style = (style + 1) % STYLES.len();
                    Mode::New { units, cursor, style }
                }
                KeyCode::Enter => match units.get(cursor) {
                    Some(u) => {
                        let req = StagingRequest::Create { unit_id: u.id, style: STYLES[style].into(), now: cx.now };
                        self.start("Making the project…", req, cx);
                        Mode::Browse
                    }
                    None => Mode::Browse,
                },
                _ => Mode::New { units, cursor, style },
            },
            Mode::Upload(mut form, id) => match form.key(key) {
                FormKey::Cancel => Mode::Browse,
                FormKey::Edited => Mode::Upload(form, id),
                FormKey::Submit => {
                    let ok = form.check(|i, v| match i {
                        0 if v.is_empty() => Some("The photo's file (JPEG or PNG)".into()),
                        1 if v.is_empty() => Some("The room photographed".into()),
                        1 if v.chars().count() > 50 => Some("At most 50 characters".into()),
                        _ => None,
                    });
                    if ok {
                        let path = std::path::PathBuf::from(form.value(0));
                        let req = StagingRequest::Upload { id, path, room: form.value(1).into(), now: cx.now };
                        self.start("Uploading…", req, cx);
                        Mode::Browse
                    } else {
                        Mode::Upload(form, id)
                    }
                }
            },
            Mode::Publish { text, id, scroll } => match confirm_key(key, scroll, text.len()) {
                ConfirmKey::Yes => {
                    self.start("Publishing…", StagingRequest::Publish { id, now: cx.now }, cx);
                    Mode::Browse
                }
                ConfirmKey::No => {
                    cx.message("Not published");
                    Mode::Browse
                }
                ConfirmKey::Stay { scroll } => Mode::Publish { text, id, scroll },
            },
        };
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Open if self.detail.is_none() => match self.selected_id() {
                Some(id) => cx.request(Request::Staging(StagingRequest::Detail(id))),
                None => cx.message("No project selected"),
            },
            Action::NewStagingProject => self.start("Finding vacant units…", StagingRequest::VacantUnits, cx),
            Action::UploadStagingPhoto => match self.selected_id() {
                Some(id) => {
                    let form = Form::new("Upload a photo", UPLOAD, Vec::new())
                        .with_intro("An empty-room photo for the listing; g generates it.");
                    self.mode = Mode::Upload(form, id);
                }
                None => cx.message("No project selected"),
            },
            Action::GenerateStaging => match self.selected_id() {
                Some(id) => self.start("Generating photos…", StagingRequest::Generate { id, now: cx.now }, cx),
                None => cx.message("No project selected"),
            },
            Action::GenerateListing => match self.selected_id() {
                Some(id) => self.start("Writing the listing…", StagingRequest::Listing { id, now: cx.now }, cx),
                None => cx.message("No project selected"),
            },
            Action::PublishStaging => match self.selected_id() {
                Some(id) => self.start("Checking the listing…", StagingRequest::Plan(id), cx),
                None => cx.message("No project selected"),
            },
            other => {
                if self.detail.is_some() {
                    self.photos.apply(other);
                } else {
                    self.cursor.apply(other);
                }
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Staging(StagingData::List(rows)) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Data::Staging(StagingData::Detail(d)) => {
                self.photos.len = d.photos.len();
                self.photos.selected = self.photos.selected.min(d.photos.len().saturating_sub(1));
                self.detail = Some(*d);
                self.error = None;
            }
            Data::Staging(StagingData::Progress { done, total }) => {
                self.busy = Some(format!("Generating photos… {done}/{total} done"));
            }
            Data::Staging(StagingData::Units(units)) => {
                self.busy = None;
                if units.is_empty() {
                    cx.message("No vacant unit: a project is made for a vacant unit");
                } else {
                    self.mode = Mode::New { units, cursor: 0, style: 0 };
                }
            }
            Data::Staging(StagingData::Plan(plan)) => {
                self.busy = None;
                let mut text = vec![
                    format!(
                        "Publish {} photo{} to the {} listing \"{}\"?",
                        plan.photos.len(),
                        if plan.photos.len() == 1 { "" } else { "s" },
                        plan.listing_status,
                        plan.listing_title
                    ),
                    String::new(),
                ];
                text.extend(plan.lines());
                text.push(String::new());
                text.push("They replace the listing's photos; failed and pending photos stay out.".into());
                self.mode = Mode::Publish { text, id: plan.project_id, scroll: 0 };
            }
            Data::Staging(StagingData::Done { detail, summary }) => {
                self.busy = None;
                cx.message(summary);
                self.photos.len = detail.photos.len();
                self.detail = Some(*detail);
            }
            Data::Error(e) if self.busy.is_some() => {
                self.busy = None;
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        match &self.detail {
            Some(d) => draw_detail(f, area, d, &self.photos),
            None => match &self.rows {
                Some(rows) => draw_list(f, area, rows, &self.cursor),
                None => return placeholder(f, area, &self.error),
            },
        }
        if let Some(line) = &self.busy {
            let w = (line.chars().count() as u16 + 4).min(area.width);
            let r = Rect {
                x: area.x + (area.width - w) / 2,
                y: area.y + area.height / 2,
                width: w,
                height: 3.min(area.height),
            };
            f.render_widget(Clear, r);
            f.render_widget(Paragraph::new(Line::styled(line.clone(), theme::bold())).block(Block::bordered()), r);
        }
        match &self.mode {
            Mode::Browse => {}
            Mode::Publish { text, scroll, .. } => confirm(f, area, "Publish to listing", text, "publish", *scroll),
            Mode::Upload(form, _) => form.draw(f, area),
            Mode::New { units, cursor, style } => draw_new(f, area, units, *cursor, *style),
        }
    }
}

fn draw_list(f: &mut Frame, area: Rect, rows: &[Row], cursor: &Cursor) {
    if rows.is_empty() {
        f.render_widget(
            Paragraph::new(vec![
                Line::styled("No staging projects yet.", theme::bold()),
                Line::raw(""),
                Line::raw("n starts one for a vacant unit; U uploads its empty-room photos (or"),
                Line::raw("POST /api/v1/staging/projects/{id}/upload-photos/), then g generates them."),
                Line::styled(
                    "Without a staging service (STAGING_API_URL) photos are enhanced, not staged.",
                    theme::dim(),
                ),
            ])
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Staging projects ").border_style(theme::dim())),
            area,
        );
        return;
    }
    let header = TableRow::new(vec!["Unit", "Property", "Style", "Status", "Photos", "Headline"])
        .style(theme::bold().fg(theme::accent()));
    let height = usize::from(area.height.saturating_sub(3)).max(1);
    cursor.height.set(height);
    let first = cursor.first_visible(height);
    let lines: Vec<TableRow> = rows
        .iter()
        .skip(first)
        .take(height)
        .map(|r| {
            let p = &r.project;
            let photos = if r.failed > 0 {
                format!("{}/{} ({} failed)", r.done, r.photos, r.failed)
            } else {
                format!("{}/{}", r.done, r.photos)
            };
            TableRow::new(vec![
                Cell::from(r.unit_number.clone()),
                Cell::from(r.property_name.clone()),
                Cell::from(p.style.clone()),
                Cell::from(Line::styled(p.status.clone(), status_style(&p.status))),
                Cell::from(photos),
                Cell::from(if p.listing_headline.is_empty() { "—".to_string() } else { p.listing_headline.clone() }),
            ])
        })
        .collect();
    let widths = [
        Constraint::Length(8),
        Constraint::Length(18),
        Constraint::Length(12),
        Constraint::Length(10),
        Constraint::Length(14),
        Constraint::Fill(1),
    ];
    let table = Table::new(lines, widths)
        .header(header)
        .block(Block::bordered().title(" Staging projects ").border_style(theme::dim()))
        .row_highlight_style(theme::selected())
        .highlight_symbol("▸");
    let mut state = TableState::default().with_selected(Some(cursor.selected.saturating_sub(first)));
    f.render_stateful_widget(table, area, &mut state);
}

fn draw_detail(f: &mut Frame, area: Rect, d: &ProjectDetail, cursor: &Cursor) {
    let p = &d.project;
    let [head, photos, listing] =
        Layout::vertical([Constraint::Length(1), Constraint::Fill(1), Constraint::Fill(1)]).areas(area);
    f.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(format!("Unit {} · {}", d.unit_number, d.property_name), theme::bold()),
            Span::raw(format!(" · {} style · ", p.style)),
            Span::styled(p.status.clone(), status_style(&p.status)),
        ])),
        head,
    );
    if d.photos.is_empty() {
        f.render_widget(
            Paragraph::new(Line::styled(
                "No photos yet: U uploads an empty-room photo (or the API), then g generates it.",
                theme::dim(),
            ))
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(" Photos ").border_style(theme::dim())),
            photos,
        );
    } else {
        let header =
            TableRow::new(vec!["#", "Room", "Status", "Label", "Note"]).style(theme::bold().fg(theme::accent()));
        let height = usize::from(photos.height.saturating_sub(3)).max(1);
        cursor.height.set(height);
        let first = cursor.first_visible(height);
        let lines: Vec<TableRow> = d
            .photos
            .iter()
            .skip(first)
            .take(height)
            .map(|ph| {
                let label = photo_label(ph);
                let note = if ph.processing_status == "failed" { &ph.processing_error } else { &ph.ai_description };
                TableRow::new(vec![
                    Cell::from(ph.photo_order.to_string()),
                    Cell::from(ph.room.clone()),
                    Cell::from(Line::styled(ph.processing_status.clone(), status_style(&ph.processing_status))),
                    Cell::from(Line::styled(label.clone(), label_style(&label))),
                    Cell::from(note.clone()),
                ])
            })
            .collect();
        let widths = [
            Constraint::Length(3),
            Constraint::Length(14),
            Constraint::Length(10),
            Constraint::Length(21),
            Constraint::Fill(1),
        ];
        let table = Table::new(lines, widths)
            .header(header)
            .block(Block::bordered().title(" Photos ").border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(cursor.selected.saturating_sub(first)));
        f.render_stateful_widget(table, photos, &mut state);
    }
    let mut text = Vec::new();
    if p.listing_headline.is_empty() {
        text.push(Line::styled("No listing text yet: l writes it from the photos and the unit record.", theme::dim()));
    } else {
        text.push(Line::styled(p.listing_headline.clone(), theme::bold()));
        text.push(Line::raw(p.listing_description.clone()));
        if !p.listing_features.is_empty() {
            text.push(Line::raw(format!("Features: {}", p.listing_features.join(" · "))));
        }
    }
    let mut title =
        format!(" Listing ({}) ", if p.listing_provider.is_empty() { "not written" } else { &p.listing_provider });
    if p.listing_needs_review {
        title = format!(" Listing ({}, needs review) ", p.listing_provider);
    }
    f.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: false })
            .block(Block::bordered().title(title).border_style(theme::dim())),
        listing,
    );
}

fn draw_new(f: &mut Frame, area: Rect, units: &[UnitChoice], cursor: usize, style: usize) {
    let w = area.width.min(64);
    let h = area.height.min(units.len() as u16 + 6).max(6.min(area.height));
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    f.render_widget(Clear, r);
    let visible = usize::from(h.saturating_sub(5)).max(1);
    let first = cursor.saturating_sub(visible / 2).min(units.len().saturating_sub(visible));
    let mut lines = vec![
        Line::from(vec![
            Span::raw("Style: "),
            Span::styled(format!("◂ {} ▸", STYLES[style]), theme::bold().fg(theme::accent())),
        ]),
        Line::raw("Vacant unit:"),
    ];
    for (i, u) in units.iter().enumerate().skip(first).take(visible) {
        let text = format!("{} {} · {}", if i == cursor { "▸" } else { " " }, u.unit_number, u.property_name);
        lines.push(if i == cursor { Line::styled(text, theme::selected()) } else { Line::raw(text) });
    }
    f.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" New staging project ").title_bottom(Line::styled(
            " ↑/↓ unit · ←/→ style · Enter make · Esc cancel ",
            theme::bold().fg(theme::accent()),
        ))),
        r,
    );
}
