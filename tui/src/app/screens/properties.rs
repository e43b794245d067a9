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
use unitcycle_core::store::PortfolioKpis;
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
}

impl Properties {
    fn selected(&self) -> Option<&Property> {
        let id = self.kpis.as_ref()?.per_property.get(self.cursor.selected)?.property_id;
        self.properties.iter().find(|p| p.id == id)
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
            if let Some((p, units)) = self
                .selected()
                .zip(self.kpis.as_ref())
                .map(|(p, k)| (p.clone(), k.per_property.get(self.cursor.selected).map_or(0, |x| x.units)))
            {
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
            if let Some(p) = self.kpis.as_ref().and_then(|k| k.per_property.get(self.cursor.selected)) {
                cx.push(Box::new(PropertyView::new(p.property_id.to_string())));
            }
        } else {
            self.cursor.apply(action);
        }
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
                self.cursor.len = k.per_property.len();
                if let Some(i) =
                    self.select.take().and_then(|id| k.per_property.iter().position(|p| p.property_id == id))
                {
                    self.cursor.selected = i;
                }
                self.cursor.selected = self.cursor.selected.min(self.cursor.len.saturating_sub(1));
                self.kpis = Some(k);
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
        let rows: Vec<Row> = k
            .per_property
            .iter()
            .skip(first)
            .take(height)
            .map(|p| {
                Row::new(vec![
                    Line::raw(widgets::fit(&p.name, 24)),
                    Line::raw(widgets::fit(&p.city, 12)),
                    Line::raw(p.units.to_string()),
                    widgets::breakdown_bar(&p.lifecycle, bar_width),
                    Line::raw(p.lifecycle.expiring_30_days.to_string()),
                    Line::raw(p.vacant_units.to_string()),
                ])
            })
            .collect();
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
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
        .block(Block::bordered().title(format!(" {} properties ", k.properties)).border_style(theme::dim()));
        f.render_stateful_widget(table, table_area, &mut state);
        if let Some(p) = k.per_property.get(self.cursor.selected) {
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
