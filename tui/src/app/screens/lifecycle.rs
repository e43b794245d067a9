//! Lease lifecycle dashboard: stats, a filterable and sortable lease table (by state, property,
//! expiry window) and the expiring-leases list.
//!
//! The table is virtual: when the filter or sort changes the worker sorts the matching leases'
//! ids once (`lease_order`); the screen keeps that order and one page of rows around the cursor
//! (`lease_rows_by_id`), and only the visible rows are built for drawing. Any position (End as
//! much as Home) is a read of 400 rows by primary key, so 100,000 leases scroll as fast as 100.

use chrono::Duration;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Row, Table, TableState};
use ratatui::Frame;
use unitcycle_core::format;
use unitcycle_core::lifecycle::{self, LifecycleStats};
use unitcycle_core::model::{LeaseStatus, Property};
use unitcycle_core::store::{LeaseFilter, LeaseListRow, LeaseSort};

use super::{lease::LeaseDetail, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets::{self, STATES};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

const SORTS: [(LeaseSort, &str); 5] = [
    (LeaseSort::LeaseEndDate, "end date"),
    (LeaseSort::UnitNumber, "unit"),
    (LeaseSort::TenantName, "tenant"),
    (LeaseSort::Rent, "rent"),
    (LeaseSort::Status, "state"),
];
const EXPIRY: [Option<i64>; 4] = [None, Some(30), Some(60), Some(90)];
/// Rows fetched per page: one sort of the matching leases serves several screens of scrolling.
const FETCH: usize = 400;
/// The expiring-leases list sits under the table when there is room for both.
const EXPIRING_LIST_FROM_HEIGHT: u16 = 24;
const EXPIRING_LIST_HEIGHT: u16 = 8;

pub struct Lifecycle {
    state: Option<LeaseStatus>,
    property: Option<usize>,
    expiry: usize,
    sort: usize,
    search: Option<String>,
    properties: Vec<Property>,
    seq: u64,
    total: u64,
    stats: LifecycleStats,
    /// The ids of the matching leases in sort order (the last `LeaseOrder` answer).
    order: Vec<uuid::Uuid>,
    page_offset: usize,
    page: Vec<LeaseListRow>,
    cursor: Cursor,
    expiring: Vec<LeaseListRow>,
    loaded: bool,
    error: Option<String>,
}

impl Lifecycle {
    pub fn new(search: Option<String>) -> Lifecycle {
        Lifecycle {
            state: None,
            property: None,
            expiry: 0,
            sort: 0,
            search,
            properties: Vec::new(),
            seq: 0,
            total: 0,
            stats: LifecycleStats::default(),
            order: Vec::new(),
            page_offset: 0,
            page: Vec::new(),
            cursor: Cursor::default(),
            expiring: Vec::new(),
            loaded: false,
            error: None,
        }
    }

    pub fn filter(&self, today: chrono::NaiveDate) -> LeaseFilter {
        let mut f = LeaseFilter {
            lease_status: self.state.into_iter().collect(),
            property: self.property.and_then(|i| self.properties.get(i)).map(|p| p.id),
            search: self.search.clone(),
            ..Default::default()
        };
        if let Some(days) = EXPIRY[self.expiry] {
            // The spec's "expiring": active leases ending within the window.
            if f.lease_status.is_empty() {
                f.lease_status = vec![LeaseStatus::Active];
            }
            f.lease_end_date_gte = Some(today);
            f.lease_end_date_lte = Some(today + Duration::days(days));
        }
        f
    }

    pub fn set_search(&mut self, search: Option<String>, cx: &mut Cx) {
        self.search = search;
        self.refilter(cx);
    }

    fn refilter(&mut self, cx: &mut Cx) {
        self.cursor.selected = 0;
        self.request_page(cx, true);
    }

    /// Asks for a page of `FETCH` rows centred on the cursor (only the visible ones are drawn):
    /// with a new order of the matching leases when the filter changed (`totals`), else the
    /// page's ids from the order held.
    fn request_page(&mut self, cx: &mut Cx, totals: bool) {
        self.seq += 1;
        let offset = self.cursor.selected.saturating_sub(FETCH / 2);
        if totals || self.order.is_empty() {
            cx.request(Request::LeaseOrder {
                seq: self.seq,
                filter: self.filter(cx.today),
                sort: SORTS[self.sort].0,
                today: cx.today,
                offset,
                limit: FETCH,
            });
        } else {
            let end = (offset + FETCH).min(self.order.len());
            let ids = self.order.get(offset..end).unwrap_or_default().to_vec();
            cx.request(Request::LeaseRows { seq: self.seq, offset, ids });
        }
    }

    /// Whether the rows the next draw shows are all in the cached page.
    fn window_cached(&self) -> bool {
        let height = self.cursor.height.get().max(1);
        let first = self.cursor.first_visible(height);
        let last = (first + height).min(self.cursor.len);
        first >= self.page_offset && last <= self.page_offset + self.page.len()
    }

    fn show_page(&mut self, offset: usize, rows: Vec<LeaseListRow>) {
        self.page_offset = offset;
        self.page = rows;
        self.loaded = true;
        self.error = None;
    }

    fn selected_row(&self) -> Option<&LeaseListRow> {
        self.cursor.selected.checked_sub(self.page_offset).and_then(|i| self.page.get(i))
    }

    fn filter_line(&self) -> Line<'static> {
        let prop =
            self.property.and_then(|i| self.properties.get(i)).map_or("all".to_string(), |p| widgets::fit(&p.name, 20));
        let expiry = EXPIRY[self.expiry].map_or("any".to_string(), |d| format!("≤{d} days"));
        let mut spans = vec![
            Span::styled("State ", theme::dim()),
            Span::styled(self.state.map_or("all", |s| s.label()).to_string(), theme::bold()),
            Span::styled("  Property ", theme::dim()),
            Span::styled(prop, theme::bold()),
            Span::styled("  Expiring ", theme::dim()),
            Span::styled(expiry, theme::bold()),
            Span::styled("  Sort ", theme::dim()),
            Span::styled(SORTS[self.sort].1.to_string(), theme::bold()),
        ];
        if let Some(q) = &self.search {
            spans.push(Span::styled("  Search ", theme::dim()));
            spans.push(Span::styled(format!("\"{q}\""), theme::bold()));
        }
        Line::from(spans)
    }

    fn stats_line(&self) -> Line<'static> {
        let mut spans = Vec::new();
        for s in STATES {
            spans.push(Span::styled(
                format!(" {} ", self.stats.count(s)),
                Style::new().fg(theme::status(s)).add_modifier(ratatui::style::Modifier::BOLD),
            ));
            spans.push(Span::raw(format!("{} ", s.label())));
        }
        spans.push(Span::styled(" │ expiring ", theme::dim()));
        spans.push(Span::raw(format!(
            "30d {} · 60d {} · 90d {}",
            self.stats.expiring_30_days, self.stats.expiring_60_days, self.stats.expiring_90_days
        )));
        Line::from(spans)
    }

    fn draw_table(&self, f: &mut Frame, area: Rect, env: &Env) {
        let height = usize::from(area.height.saturating_sub(3));
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let last = (first + height).min(self.cursor.len);
        let rows: Vec<Row> = (first..last)
            .map(|i| match i.checked_sub(self.page_offset).and_then(|j| self.page.get(j)) {
                Some(r) => {
                    let p = lifecycle::progress(&r.lease, env.today);
                    Row::new(vec![
                        Line::raw(r.lease.lease_number.clone()),
                        Line::raw(widgets::fit(&r.unit_number, 6)),
                        Line::raw(r.property_name.clone()),
                        Line::raw(r.tenant_name.clone()),
                        Line::styled(
                            r.lease.lease_status.label(),
                            Style::new().fg(theme::status(r.lease.lease_status)),
                        ),
                        Line::raw(format::money(r.lease.monthly_rent_amount)),
                        Line::raw(format::opt_date(r.lease.lease_end_date)),
                        Line::styled(p.label, Style::new().fg(theme::tone(p.tone))),
                    ])
                }
                None => Row::new(vec![Line::styled("…", theme::dim())]),
            })
            .collect();
        let title = if self.cursor.len == 0 {
            " No leases match ".to_string()
        } else {
            format!(" Lease {} of {} ", self.cursor.selected + 1, self.total)
        };
        let mut state =
            TableState::default().with_selected((self.cursor.len > 0).then(|| self.cursor.selected - first));
        let table = Table::new(
            rows,
            [
                Constraint::Length(8),
                Constraint::Length(6),
                Constraint::Min(8),
                Constraint::Min(10),
                Constraint::Length(14),
                Constraint::Length(10),
                Constraint::Length(10),
                Constraint::Length(21),
            ],
        )
        .header(
            Row::new(["Lease", "Unit", "Property", "Tenant", "State", "Rent", "Ends", "Progress"]).style(theme::bold()),
        )
        .row_highlight_style(theme::selected())
        .block(Block::bordered().title(title).border_style(theme::dim()));
        f.render_stateful_widget(table, area, &mut state);
    }

    fn draw_expiring(&self, f: &mut Frame, area: Rect, env: &Env) {
        let height = usize::from(area.height.saturating_sub(2));
        let lines: Vec<Line> = if self.expiring.is_empty() {
            vec![Line::styled("No active lease ends in the next 30 days", theme::dim())]
        } else {
            self.expiring
                .iter()
                .take(height)
                .map(|r| {
                    let p = lifecycle::progress(&r.lease, env.today);
                    Line::from(vec![
                        Span::styled(
                            r.lease.lease_end_date.map_or(String::new(), |d| d.format("%b %d  ").to_string()),
                            theme::bold(),
                        ),
                        Span::styled(format!("{:<15}", p.label), Style::new().fg(theme::tone(p.tone))),
                        Span::raw(format!("{}  Unit {:<6} ", r.lease.lease_number, widgets::fit(&r.unit_number, 6))),
                        Span::raw(format!("{:<20} ", widgets::fit(&r.tenant_name, 20))),
                        Span::styled(widgets::fit(&r.property_name, 24), theme::dim()),
                    ])
                })
                .collect()
        };
        f.render_widget(
            Paragraph::new(lines).block(
                Block::bordered()
                    .title(format!(" Expiring in 30 days · {} ", self.expiring.len()))
                    .border_style(theme::dim()),
            ),
            area,
        );
    }
}

impl Screen for Lifecycle {
    fn title(&self) -> String {
        "Lease Lifecycle".into()
    }
    fn nav(&self) -> Nav {
        Nav::Lifecycle
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LIFECYCLE
    }
    fn reload(&mut self, cx: &mut Cx) {
        if self.properties.is_empty() {
            cx.request(Request::Properties);
        }
        cx.request(Request::Expiring { today: cx.today, days: 30, limit: 100 });
        self.request_page(cx, true);
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Open => {
                if let Some(r) = self.selected_row() {
                    cx.push(Box::new(LeaseDetail::new(r.lease.id.to_string())));
                }
            }
            Action::CycleState => {
                self.state = match self.state {
                    None => Some(STATES[0]),
                    Some(s) => STATES.iter().position(|x| *x == s).and_then(|i| STATES.get(i + 1)).copied(),
                };
                self.refilter(cx);
            }
            Action::CycleProperty => {
                self.property = match self.property {
                    None if !self.properties.is_empty() => Some(0),
                    Some(i) if i + 1 < self.properties.len() => Some(i + 1),
                    _ => None,
                };
                self.refilter(cx);
            }
            Action::CycleExpiry => {
                self.expiry = (self.expiry + 1) % EXPIRY.len();
                self.refilter(cx);
            }
            Action::CycleSort => {
                self.sort = (self.sort + 1) % SORTS.len();
                self.refilter(cx);
            }
            Action::ClearFilters => {
                *self = Lifecycle {
                    properties: std::mem::take(&mut self.properties),
                    seq: self.seq,
                    ..Lifecycle::new(None)
                };
                self.reload(cx);
            }
            other => {
                if self.cursor.apply(other) && !self.window_cached() {
                    self.request_page(cx, false);
                }
            }
        }
    }
    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::Properties(p) => self.properties = p,
            Data::Expiring(rows) => self.expiring = rows,
            Data::LeaseOrder { seq, order, stats, offset, rows } if seq == self.seq => {
                self.total = order.len() as u64;
                self.stats = stats;
                self.cursor.len = order.len();
                self.cursor.selected = self.cursor.selected.min(self.cursor.len.saturating_sub(1));
                self.order = order;
                self.show_page(offset, rows);
            }
            Data::LeasePage { seq, offset, rows } if seq == self.seq => self.show_page(offset, rows),
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, env: &Env) {
        let [stats, filters, body] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(0)]).areas(area);
        f.render_widget(Paragraph::new(self.stats_line()), stats);
        let filter_line = match &self.error {
            Some(e) => Line::styled(e.clone(), theme::error()),
            None => self.filter_line(),
        };
        f.render_widget(Paragraph::new(filter_line), filters);
        if !self.loaded {
            f.render_widget(Paragraph::new(Line::styled("Loading…", theme::dim())), body);
            return;
        }
        if body.height >= EXPIRING_LIST_FROM_HEIGHT {
            let [table, list] =
                Layout::vertical([Constraint::Min(0), Constraint::Length(EXPIRING_LIST_HEIGHT)]).areas(body);
            self.draw_table(f, table, env);
            self.draw_expiring(f, list, env);
        } else {
            self.draw_table(f, body, env);
        }
    }
    fn as_lifecycle(&mut self) -> Option<&mut Lifecycle> {
        Some(self)
    }
    fn filter(&self) -> Option<&str> {
        Some(self.search.as_deref().unwrap_or_default())
    }
    fn set_filter(&mut self, text: String, cx: &mut Cx) {
        self.set_search((!text.is_empty()).then_some(text), cx);
    }
}
