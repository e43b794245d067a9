//! Property view: the lifecycle breakdown bar with counts and an "Expiring in 30d" badge, a
//! honeycomb grid of units per building and floor coloured by lifecycle state, and a tooltip
//! panel for the unit under the cursor. `a` adds a unit and `b` a building (records flow).

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;
use unitcycle_core::format;
use unitcycle_core::lifecycle;
use unitcycle_core::store::UnitGridRow;

use super::{placeholder, unit::UnitDetail, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::records_form::{Flow, Kind, Outcome};
use crate::app::widgets;
use crate::app::worker::{Data, PropertyData, Request};
use crate::app::{theme, Cx, Env, Nav};

/// Hexes per grid line; wider floors wrap onto more lines.
pub const PER_LINE: usize = 16;
const TOOLTIP_WIDTH: u16 = 36;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridLine {
    Building {
        name: String,
        units: usize,
    },
    /// Units `start..end` of the grid, on one floor; `offset` shifts the line half a hex.
    Hexes {
        floor: i32,
        start: usize,
        end: usize,
        offset: bool,
    },
}

/// Lays out units (sorted by building, floor, number) as honeycomb lines, top floor first.
pub fn layout(units: &[UnitGridRow]) -> Vec<GridLine> {
    let mut lines = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let building = units[i].unit.building_id;
        let mut j = i;
        while j < units.len() && units[j].unit.building_id == building {
            j += 1;
        }
        let name = if units[i].building_name.is_empty() { "Units".to_string() } else { units[i].building_name.clone() };
        lines.push(GridLine::Building { name, units: j - i });
        // Floors of this building, each a run of consecutive indexes, drawn top floor first.
        let mut floors: Vec<(i32, usize, usize)> = Vec::new();
        let mut k = i;
        while k < j {
            let floor = units[k].unit.floor;
            let mut m = k;
            while m < j && units[m].unit.floor == floor {
                m += 1;
            }
            floors.push((floor, k, m));
            k = m;
        }
        let mut n = 0;
        for (floor, start, end) in floors.into_iter().rev() {
            let mut s = start;
            while s < end {
                let e = (s + PER_LINE).min(end);
                lines.push(GridLine::Hexes { floor, start: s, end: e, offset: n % 2 == 1 });
                n += 1;
                s = e;
            }
        }
        i = j;
    }
    lines
}

pub struct PropertyView {
    key: String,
    data: Option<Box<PropertyData>>,
    lines: Vec<GridLine>,
    /// Indexes into `lines` of the hex lines.
    hex_lines: Vec<usize>,
    /// Cursor: which hex line and which hex on it.
    row: usize,
    col: usize,
    error: Option<String>,
    flow: Flow,
}

impl PropertyView {
    /// `key`: a property id or name prefix.
    pub fn new(key: String) -> PropertyView {
        PropertyView {
            key,
            data: None,
            lines: Vec::new(),
            hex_lines: Vec::new(),
            row: 0,
            col: 0,
            error: None,
            flow: Flow::default(),
        }
    }

    fn line_len(&self, row: usize) -> usize {
        match self.hex_lines.get(row).map(|&i| &self.lines[i]) {
            Some(GridLine::Hexes { start, end, .. }) => end - start,
            _ => 0,
        }
    }

    /// Index into the grid's units of the hex under the cursor.
    pub fn selected(&self) -> Option<usize> {
        match self.hex_lines.get(self.row).map(|&i| &self.lines[i]) {
            Some(GridLine::Hexes { start, end, .. }) => Some((start + self.col).min(end - 1)),
            _ => None,
        }
    }

    fn move_cursor(&mut self, action: Action) {
        let rows = self.hex_lines.len();
        if rows == 0 {
            return;
        }
        match action {
            Action::Up if self.row > 0 => self.row -= 1,
            Action::Down if self.row + 1 < rows => self.row += 1,
            Action::Left => {
                if self.col > 0 {
                    self.col -= 1;
                } else if self.row > 0 {
                    self.row -= 1;
                    self.col = self.line_len(self.row) - 1;
                }
            }
            Action::Right => {
                if self.col + 1 < self.line_len(self.row) {
                    self.col += 1;
                } else if self.row + 1 < rows {
                    self.row += 1;
                    self.col = 0;
                }
            }
            Action::PageDown | Action::PageUp => {
                // The first hex line of the next (previous) building.
                let here = self.hex_lines[self.row];
                let starts: Vec<usize> = self
                    .hex_lines
                    .iter()
                    .enumerate()
                    .filter(|(_, &li)| li > 0 && matches!(self.lines[li - 1], GridLine::Building { .. }))
                    .map(|(r, _)| r)
                    .collect();
                let target = if action == Action::PageDown {
                    starts.iter().find(|&&r| self.hex_lines[r] > here).copied()
                } else {
                    starts.iter().rev().find(|&&r| self.hex_lines[r] + 1 < here).copied().or(starts.first().copied())
                };
                if let Some(r) = target {
                    self.row = r;
                    self.col = 0;
                }
            }
            _ => {}
        }
        self.col = self.col.min(self.line_len(self.row).saturating_sub(1));
    }

    fn draw_grid(&self, f: &mut Frame, area: Rect, d: &PropertyData) {
        let block = Block::bordered().title(" Units by building and floor ").border_style(theme::dim());
        let inner = block.inner(area);
        f.render_widget(block, area);
        let height = usize::from(inner.height);
        let cursor_line = self.hex_lines.get(self.row).copied().unwrap_or(0);
        let first = if self.lines.len() <= height {
            0
        } else {
            cursor_line.saturating_sub(height / 2).min(self.lines.len() - height)
        };
        let selected = self.selected();
        let lines: Vec<Line> = self.lines[first..]
            .iter()
            .take(height)
            .map(|line| match line {
                GridLine::Building { name, units } => Line::from(vec![
                    Span::styled(name.clone(), theme::bold().fg(theme::accent())),
                    Span::styled(format!(" · {units} units"), theme::dim()),
                ]),
                GridLine::Hexes { floor, start, end, offset } => {
                    let mut spans = vec![Span::styled(format!("F{floor:<3}"), theme::dim())];
                    if *offset {
                        spans.push(Span::raw(" "));
                    }
                    for (i, u) in d.grid.units[*start..*end].iter().enumerate() {
                        let color = theme::status(u.lease_status());
                        if Some(start + i) == selected {
                            spans.push(Span::styled(
                                "⬡",
                                Style::new().fg(color).add_modifier(Modifier::BOLD | Modifier::REVERSED),
                            ));
                        } else {
                            spans.push(Span::styled("⬢", Style::new().fg(color)));
                        }
                        spans.push(Span::raw(" "));
                    }
                    Line::from(spans)
                }
            })
            .collect();
        f.render_widget(Paragraph::new(lines), inner);
    }

    fn draw_tooltip(&self, f: &mut Frame, area: Rect, d: &PropertyData, env: &Env) {
        let block = Block::bordered().title(" Unit ").border_style(theme::dim());
        let inner = block.inner(area);
        f.render_widget(block, area);
        let Some(u) = self.selected().and_then(|i| d.grid.units.get(i)) else {
            f.render_widget(Paragraph::new(Line::styled("No units", theme::dim())), inner);
            return;
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("Unit {} ", u.unit.unit_number), theme::bold()),
                widgets::badge(u.lease_status()),
            ]),
            Line::styled(format!("{} · floor {}", u.building_name, u.unit.floor), theme::dim()),
            Line::styled(
                format!("{} bd · {} ba · {} sq ft", u.unit.bedrooms, u.unit.bathrooms.normalize(), u.unit.square_feet),
                theme::dim(),
            ),
            Line::raw(""),
        ];
        match &u.lease {
            Some(lease) => {
                let p = lifecycle::progress(lease, env.today);
                lines.push(widgets::kv("Tenant", u.tenant_name.clone().unwrap_or_default()));
                lines.push(widgets::kv("Rent", format::money(lease.monthly_rent_amount)));
                lines.push(widgets::kv("Lease", lease.lease_number.clone()));
                lines.push(Line::raw(""));
                lines.push(widgets::progress(&p, 10));
                lines.push(Line::raw(p.dates));
            }
            None => {
                lines.push(widgets::kv("Market rent", format::money(u.unit.market_rent)));
                lines.push(Line::styled("No lease on record", theme::dim()));
            }
        }
        lines.push(Line::raw(""));
        lines.push(Line::styled("Enter: unit detail", theme::dim()));
        f.render_widget(Paragraph::new(lines), inner);
    }
}

impl Screen for PropertyView {
    fn title(&self) -> String {
        self.data.as_ref().map_or_else(|| "Property".into(), |d| d.property.name.clone())
    }
    fn nav(&self) -> Nav {
        Nav::Properties
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::PROPERTY
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Property { key: self.key.clone(), today: cx.today });
    }
    fn capturing(&self) -> bool {
        self.flow.active()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        self.flow.key(key, cx);
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        if let (Some(d), Action::AddRecord | Action::AddBuilding) = (&self.data, action) {
            let (property_id, property) = (d.property.id, d.property.name.clone());
            self.flow.open(if action == Action::AddRecord {
                Kind::NewUnit { property_id, property, buildings: d.buildings.clone() }
            } else {
                Kind::NewBuilding { property_id, property }
            });
        } else if action == Action::Open {
            if let Some(u) = self.selected().and_then(|i| self.data.as_ref()?.grid.units.get(i)) {
                cx.push(Box::new(UnitDetail::new(u.unit.id)));
            }
        } else {
            self.move_cursor(action);
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match self.flow.on_data(&data, cx) {
            Outcome::NotMine => {}
            Outcome::Refused => return,
            Outcome::Saved(_) => return self.reload(cx),
        }
        match data {
            Data::Property(d) => {
                self.key = d.property.id.to_string();
                self.lines = layout(&d.grid.units);
                self.hex_lines =
                    (0..self.lines.len()).filter(|&i| matches!(self.lines[i], GridLine::Hexes { .. })).collect();
                self.row = self.row.min(self.hex_lines.len().saturating_sub(1));
                self.col = self.col.min(self.line_len(self.row).saturating_sub(1));
                self.data = Some(d);
                self.error = None;
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let [head, body] = Layout::vertical([Constraint::Length(6), Constraint::Min(0)]).areas(area);
        let p = &d.property;
        let head_block = Block::bordered().border_style(theme::dim());
        let inner = head_block.inner(head);
        let head_lines = vec![
            Line::from(vec![
                Span::styled(format!("{}  ", p.name), theme::bold()),
                Span::styled(
                    format!(
                        "{}, {} {} · {} · {} units",
                        p.address,
                        p.city,
                        p.state,
                        p.property_type,
                        d.grid.units.len()
                    ),
                    theme::dim(),
                ),
            ]),
            widgets::breakdown_bar(&d.stats, inner.width),
            widgets::legend(&d.stats),
            Line::from(widgets::expiring_badge(d.stats.expiring_30_days)),
        ];
        f.render_widget(Paragraph::new(head_lines).block(head_block), head);
        let [grid, tip] = Layout::horizontal([Constraint::Min(0), Constraint::Length(TOOLTIP_WIDTH)]).areas(body);
        self.draw_grid(f, grid, d);
        self.draw_tooltip(f, tip, d, env);
        self.flow.draw(f, area);
    }
}
