//! Dashboard: portfolio KPIs — units per lifecycle state, leases expiring in 30/60/90 days,
//! vacancy — the morning's digest (spec 3.3: alert, info and success items), a bar chart of the
//! states and a table of properties.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use unitcycle_core::portfolio_chat::record::DailyDigest;
use unitcycle_core::renewals::{self, RenewalDashboardStats};
use unitcycle_core::store::PortfolioKpis;

use super::{placeholder, property::PropertyView, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets::{self, STATES};
use crate::app::worker::chat::{ChatData, ChatRequest};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

#[derive(Default)]
pub struct Dashboard {
    kpis: Option<PortfolioKpis>,
    renewals: Option<RenewalDashboardStats>,
    digest: Option<DailyDigest>,
    error: Option<String>,
    cursor: Cursor,
}

impl Screen for Dashboard {
    fn title(&self) -> String {
        "Dashboard".into()
    }
    fn nav(&self) -> Nav {
        Nav::Dashboard
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LIST
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Kpis { today: cx.today });
        cx.request(Request::Renewals);
        cx.request(Request::Chat(ChatRequest::Digest { now: cx.now }));
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
            Data::Renewals(rows) => self.renewals = Some(renewals::dashboard_stats(rows.iter().map(|r| &r.rec))),
            Data::Chat(ChatData::Digest(d)) => self.digest = Some(*d),
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(k) = &self.kpis else { return placeholder(f, area, &self.error) };
        let items: Vec<(String, String)> = self.digest.as_ref().map_or_else(Vec::new, |d| {
            d.highlights
                .as_array()
                .into_iter()
                .flatten()
                .map(|h| {
                    (h["type"].as_str().unwrap_or("info").to_string(), h["text"].as_str().unwrap_or("").to_string())
                })
                .collect()
        });
        // The digest's items in as many lines as fit beside each other (two per line).
        let digest_height = if items.is_empty() { 0 } else { items.len().div_ceil(2).min(3) as u16 + 2 };
        let [cards, digest_area, rest] =
            Layout::vertical([Constraint::Length(4), Constraint::Length(digest_height), Constraint::Min(0)])
                .areas(area);
        if let Some(d) = self.digest.as_ref().filter(|_| !items.is_empty()) {
            let half = usize::from(digest_area.width.saturating_sub(4) / 2);
            let span = |(kind, text): &(String, String)| {
                let (mark, style) = match kind.as_str() {
                    "alert" => ("! ", theme::error()),
                    "success" => ("✓ ", Style::new().fg(Color::Green)),
                    _ => ("· ", Style::new()),
                };
                Span::styled(widgets::fit(&format!("{mark}{text}"), half.saturating_sub(1)), style)
            };
            let lines: Vec<Line> = items
                .chunks(2)
                .map(|pair| {
                    let first = span(&pair[0]);
                    let pad = " ".repeat(half.saturating_sub(first.width()));
                    let mut l = vec![first, Span::raw(pad)];
                    l.extend(pair.get(1).map(span));
                    Line::from(l)
                })
                .collect();
            let title = format!(" Today's digest · {} ", d.digest_date);
            f.render_widget(
                Paragraph::new(lines).block(Block::bordered().title(title).border_style(theme::dim())),
                digest_area,
            );
        }
        let card_areas = Layout::horizontal([Constraint::Ratio(1, 5); 5]).split(cards);
        let l = &k.lifecycle;
        let card = |title: &str, big: String, small: String| {
            Paragraph::new(vec![Line::styled(big, theme::bold()), Line::styled(small, theme::dim())])
                .block(Block::bordered().title(format!(" {title} ")).border_style(theme::dim()))
        };
        f.render_widget(
            card(
                "Units",
                k.units.to_string(),
                format!(
                    "{} {} · {} buildings",
                    k.properties,
                    if k.properties == 1 { "property" } else { "properties" },
                    k.buildings
                ),
            ),
            card_areas[0],
        );
        f.render_widget(
            card(
                "Vacancy",
                format!("{}%", k.vacancy_percent()),
                format!("{} of {} units vacant", k.vacant_units, k.units),
            ),
            card_areas[1],
        );
        f.render_widget(
            card("Leases", l.total_leases.to_string(), format!("{} notice · {} MTM", l.notice, l.month_to_month)),
            card_areas[2],
        );
        f.render_widget(
            card(
                "Expiring",
                format!("{} in 30d", l.expiring_30_days),
                format!("{} in 60d · {} in 90d", l.expiring_60_days, l.expiring_90_days),
            ),
            card_areas[3],
        );
        let (due, rate) = match &self.renewals {
            Some(r) => (
                format!("{} pending", r.total_pending),
                format!("{:.0}% accepted · {} sent", r.acceptance_rate * 100.0, r.total_sent),
            ),
            None => ("—".into(), String::new()),
        };
        f.render_widget(card("Renewals Due", due, rate), card_areas[4]);

        let [chart_area, table_area] = Layout::horizontal([Constraint::Length(36), Constraint::Min(0)]).areas(rest);
        let bars: Vec<Bar> = STATES
            .iter()
            .map(|s| {
                let short = match s {
                    unitcycle_core::model::LeaseStatus::MonthToMonth => "MTM",
                    unitcycle_core::model::LeaseStatus::Notice => "Notice",
                    other => other.label(),
                };
                Bar::default()
                    .value(l.count(*s))
                    .label(Line::from(short))
                    .style(Style::new().fg(theme::status(*s)))
                    .value_style(Style::new().bg(theme::status(*s)).fg(Color::Black))
            })
            .collect();
        let chart = BarChart::default()
            .block(Block::bordered().title(" Leases by lifecycle state ").border_style(theme::dim()))
            .bar_width(7)
            .bar_gap(1)
            .data(BarGroup::default().bars(&bars));
        f.render_widget(chart, chart_area);

        let height = usize::from(table_area.height.saturating_sub(3));
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let rows: Vec<Row> = k
            .per_property
            .iter()
            .skip(first)
            .take(height)
            .map(|p| {
                let c = widgets::counts(&p.lifecycle);
                Row::new(vec![
                    Line::raw(widgets::fit(&p.name, 22)),
                    Line::raw(p.units.to_string()),
                    widgets::breakdown_bar(&p.lifecycle, 12),
                    Line::raw(c[2].to_string()),
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
                Constraint::Length(5),
                Constraint::Length(12),
                Constraint::Length(6),
                Constraint::Length(5),
                Constraint::Length(6),
            ],
        )
        .header(Row::new(["Property", "Units", "Lifecycle", "Notice", "Exp30", "Vacant"]).style(theme::bold()))
        .row_highlight_style(theme::selected())
        .highlight_symbol("▸")
        .block(Block::bordered().title(" Properties ").border_style(theme::dim()));
        f.render_stateful_widget(table, table_area, &mut state);
    }
}
