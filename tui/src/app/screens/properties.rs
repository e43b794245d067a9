//! Properties: every property with its lifecycle breakdown bar (instead of plain occupied/vacant
//! counts) and its "Expiring in 30d" count; `a` adds a property, `e` edits the selected one and
//! `A` archives it, through the records flow (`records_form`).

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use unitcycle_core::model::Property;
use unitcycle_core::records::RecordAction;
use unitcycle_core::store::{PortfolioKpis, PropertyKpi};
use uuid::Uuid;

use super::{placeholder, property::PropertyView, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::records_form::{common_zone, Flow, Kind, Outcome};
use crate::app::widgets;
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

#[derive(Default)]
pub struct Properties {
    kpis: Option<PortfolioKpis>,
    /// The properties in use, for their time zones and the edit form.
    properties: Vec<Property>,
    error: Option<String>,
    cursor: Cursor,
    flow: Flow,
    /// A property just written: selected when the list comes back.
    select: Option<Uuid>,
    /// The `/` filter: words matched against name and city.
    filter: String,
}

impl Properties {
    /// The properties passing the `/` filter, in list order.
    fn shown(&self) -> Vec<&PropertyKpi> {
        let Some(k) = &self.kpis else { return Vec::new() };
        k.per_property.iter().filter(|p| super::matches(&self.filter, &[&p.name, &p.city])).collect()
    }

    fn current(&self) -> Option<&PropertyKpi> {
        self.shown().get(self.cursor.selected).copied()
    }

    fn selected(&self) -> Option<&Property> {
        let id = self.current()?.property_id;
        self.properties.iter().find(|p| p.id == id)
    }

    fn refit(&mut self) {
        self.cursor.len = self.shown().len();
        self.cursor.selected = self.cursor.selected.min(self.cursor.len.saturating_sub(1));
    }
}

impl Screen for Properties {
    fn title(&self) -> String {
        "Properties".into()
    }
    fn nav(&self) -> Nav {
        Nav::Properties
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::PROPERTIES
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Properties);
        cx.request(Request::Kpis { today: cx.today });
    }
    fn capturing(&self) -> bool {
        self.flow.active()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        self.flow.key(key, cx);
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        if action == Action::AddRecord {
            self.flow.open(Kind::NewProperty { zone: common_zone(&self.properties) });
        } else if action == Action::EditRecord {
            if let Some(p) = self.selected() {
                self.flow.open(Kind::EditProperty(Box::new(p.clone())));
            }
        } else if action == Action::ArchiveRecord {
            if let Some((p, units)) = self.selected().map(|p| (p.clone(), self.current().map_or(0, |x| x.units))) {
                self.flow.confirm(
                    p.id,
                    RecordAction::ArchiveProperty,
                    format!(
                        "Archive the property \"{}\" with its buildings and {units} units: they are hidden from \
                         lists and take no new lease; their leases, ledger and history are kept.",
                        p.name
                    ),
                    format!("Saved: property {} archived", p.name),
                );
            }
        } else if action == Action::OpenImport {
            cx.push(Box::new(super::import::Import::new("")));
        } else if action == Action::Open {
            if let Some(p) = self.current() {
                cx.push(Box::new(PropertyView::new(p.property_id.to_string())));
            }
        } else if action == Action::ClearFilters {
            self.filter.clear();
            self.refit();
        } else {
            self.cursor.apply(action);
        }
    }
    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }
    fn set_filter(&mut self, text: String, _cx: &mut Cx) {
        self.filter = text;
        self.cursor.selected = 0;
        self.refit();
    }
    fn loading(&self) -> bool {
        self.kpis.is_none() && self.error.is_none()
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match self.flow.on_data(&data, cx) {
            Outcome::NotMine => {}
            Outcome::Refused => return,
            Outcome::Saved(id) => {
                self.select = Some(id);
                return self.reload(cx);
            }
        }
        match data {
            Data::Properties(p) => self.properties = p,
            Data::Kpis(k) => {
                self.kpis = Some(k);
                if let Some(i) = self.select.take().and_then(|id| self.shown().iter().position(|p| p.property_id == id))
                {
                    self.cursor.selected = i;
                }
                self.refit();
                self.error = None;
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(k) = &self.kpis else { return placeholder(f, area, &self.error) };
        let [table_area, detail] = Layout::vertical([Constraint::Min(0), Constraint::Length(4)]).areas(area);
        let height = usize::from(table_area.height.saturating_sub(3));
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let bar_width = table_area.width.saturating_sub(60).clamp(10, 40);
        let shown = self.shown();
        let rows: Vec<Row> = shown
            .iter()
            .skip(first)
            .take(height)
            .map(|p| {
                Row::new(vec![
                    Line::raw(p.name.clone()),
                    Line::raw(widgets::fit(&p.city, 12)),
                    Line::raw(p.units.to_string()),
                    widgets::breakdown_bar(&p.lifecycle, bar_width),
                    Line::raw(p.lifecycle.expiring_30_days.to_string()),
                    Line::raw(p.vacant_units.to_string()),
                ])
            })
            .collect();
        let mut state = TableState::default().with_selected((!shown.is_empty()).then(|| self.cursor.selected - first));
        let table = Table::new(
            rows,
            [
                Constraint::Min(14),
                Constraint::Length(12),
                Constraint::Length(5),
                Constraint::Length(bar_width),
                Constraint::Length(5),
                Constraint::Length(6),
            ],
        )
        .header(Row::new(["Property", "City", "Units", "Lifecycle breakdown", "Exp30", "Vacant"]).style(theme::bold()))
        .row_highlight_style(theme::selected())
        .highlight_symbol("▸")
        .block(
            Block::bordered()
                .title(match self.filter.as_str() {
                    "" => format!(" {} properties ", k.properties),
                    f => format!(" {} of {} properties · filter \"{f}\" ", shown.len(), k.properties),
                })
                .border_style(theme::dim()),
        );
        f.render_stateful_widget(table, table_area, &mut state);
        if let Some(p) = self.current() {
            let lines = vec![
                Line::from(vec![
                    ratatui::text::Span::styled(format!("{}  ", p.name), theme::bold()),
                    widgets::expiring_badge(p.lifecycle.expiring_30_days),
                    ratatui::text::Span::styled(
                        self.selected().map_or(String::new(), |p| format!("  time zone {}", p.time_zone)),
                        theme::dim(),
                    ),
                ]),
                widgets::legend(&p.lifecycle),
            ];
            f.render_widget(Paragraph::new(lines).block(Block::bordered().border_style(theme::dim())), detail);
        }
        self.flow.draw(f, area);
    }
}
