//! Properties: every property with its lifecycle breakdown bar (instead of plain occupied/vacant
//! counts) and its "Expiring in 30d" count.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use unitcycle_core::store::PortfolioKpis;

use super::{placeholder, property::PropertyView, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets;
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

#[derive(Default)]
pub struct Properties {
    kpis: Option<PortfolioKpis>,
    error: Option<String>,
    cursor: Cursor,
}

impl Screen for Properties {
    fn title(&self) -> String {
        "Properties".into()
    }
    fn nav(&self) -> Nav {
        Nav::Properties
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LIST
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Kpis { today: cx.today });
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        if action == Action::OpenImport {
            cx.push(Box::new(super::import::Import::new("")));
        } else if action == Action::Open {
            if let Some(p) = self.kpis.as_ref().and_then(|k| k.per_property.get(self.cursor.selected)) {
                cx.push(Box::new(PropertyView::new(p.property_id.to_string())));
            }
        } else {
            self.cursor.apply(action);
        }
    }
    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::Kpis(k) => {
                self.cursor.len = k.per_property.len();
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
                ]),
                widgets::legend(&p.lifecycle),
            ];
            f.render_widget(Paragraph::new(lines).block(Block::bordered().border_style(theme::dim())), detail);
        }
    }
}
