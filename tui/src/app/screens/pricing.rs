//! Revenue intelligence (spec 2.2): the portfolio's rents against the market from the latest
//! pricing snapshots (units analysed, below, at and above market, the monthly gap, the annual
//! opportunity, the average gap), a gap bar per property, and the units below market in a
//! table sorted by gap (`o`, `d`). Enter opens a unit's 90-day price history, market against
//! current rent, with the factors of its figure and the comps it used; `r` runs the pricing
//! engine now, after a confirm that says what it does.
//!
//! The worker reads the snapshots once and makes every sort order; a key press picks an order
//! and applies the `/` filter, and drawing builds only the visible rows, so the screen stays
//! instant at 100,000 units.

use std::cmp::Ordering;

use chrono::{Duration, NaiveDate};
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Cell, Chart, Dataset, GraphType, Paragraph, Row, Table, TableState, Wrap};
use ratatui::Frame;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use unitcycle_core::format::{date, money};
use unitcycle_core::jobs::Job;
use unitcycle_core::pricing::{PricingSnapshot, AT_MARKET_PCT};
use uuid::Uuid;

use super::job_run::{JobRun, JobSpec};
use super::turnover::dollars;
use super::{placeholder, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets::{self, fit};
use crate::app::worker::{Data, PricingData, PricingHistoryData, PricingRow, Request};
use crate::app::{theme, Cx, Env, Nav};

/// Days of price history a unit's chart covers (as `pricing::workflow::history` reads it).
pub const HISTORY_DAYS: i64 = 90;

/// The table's sort orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Gap,
    GapPct,
    Unit,
    Confidence,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Gap, Sort::GapPct, Sort::Unit, Sort::Confidence];

    pub fn label(self) -> &'static str {
        match self {
            Sort::Gap => "gap $",
            Sort::GapPct => "gap %",
            Sort::Unit => "unit",
            Sort::Confidence => "confidence",
        }
    }

    fn index(self) -> usize {
        Sort::ALL.iter().position(|s| *s == self).unwrap_or(0)
    }
}

/// Every sort order of the rows (indices into them), in [`Sort::ALL`]'s order and each in its
/// natural direction: the largest shortfall, the deepest gap and the highest confidence first;
/// units by property then number. Ties go by property, unit and id, so a reload keeps the order.
#[derive(Debug, Clone, Default)]
pub struct Orders(pub [Vec<u32>; 4]);

impl Orders {
    pub fn new(rows: &[PricingRow]) -> Orders {
        fn by_unit(a: &PricingRow, b: &PricingRow) -> Ordering {
            a.property
                .cmp(&b.property)
                .then_with(|| a.unit.cmp(&b.unit))
                .then(a.snapshot.unit_id.cmp(&b.snapshot.unit_id))
        }
        let sorted = |cmp: fn(&PricingSnapshot, &PricingSnapshot) -> Ordering| {
            let mut order: Vec<u32> = (0..rows.len() as u32).collect();
            order.sort_by(|&a, &b| {
                let (a, b) = (&rows[a as usize], &rows[b as usize]);
                cmp(&a.snapshot, &b.snapshot).then_with(|| by_unit(a, b))
            });
            order
        };
        Orders([
            sorted(|a, b| a.rent_gap_amount.cmp(&b.rent_gap_amount)),
            sorted(|a, b| a.rent_gap_pct.total_cmp(&b.rent_gap_pct)),
            sorted(|_, _| Ordering::Equal),
            sorted(|a, b| b.confidence_score.total_cmp(&a.confidence_score)),
        ])
    }
}

/// Below, at or above market, as the revenue opportunity counts a gap (±2 %).
pub fn position(gap_pct: f64) -> &'static str {
    if gap_pct < -AT_MARKET_PCT {
        "below market"
    } else if gap_pct > AT_MARKET_PCT {
        "above market"
    } else {
        "at market"
    }
}

/// The snapshot in force on each of the `days` days up to `today`, oldest first: a unit's
/// history holds only the days its figures changed, so each day has the latest on or before it
/// (None before the first).
pub fn daily(history: &[PricingSnapshot], today: NaiveDate, days: i64) -> Vec<Option<&PricingSnapshot>> {
    let mut out = Vec::with_capacity(usize::try_from(days).unwrap_or(0));
    let (mut next, mut current) = (0, None);
    for back in (0..days).rev() {
        let day = today - Duration::days(back);
        while next < history.len() && history[next].snapshot_date <= day {
            current = Some(&history[next]);
            next += 1;
        }
        out.push(current);
    }
    out
}

/// A text sparkline: ▁ to █ from the lowest value to the highest (a flat line sits in the
/// middle), a space where there is no value.
pub fn spark(values: &[Option<Decimal>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known = values.iter().flatten();
    let (lo, hi) = (known.clone().min().copied(), known.max().copied());
    values
        .iter()
        .map(|v| match (v, lo, hi) {
            (Some(v), Some(lo), Some(hi)) if hi > lo => {
                let step = ((*v - lo) / (hi - lo) * Decimal::from(7)).round().to_usize().unwrap_or(0);
                BARS[step.min(7)]
            }
            (Some(_), _, _) => BARS[3],
            (None, _, _) => ' ',
        })
        .collect()
}

/// The vacancy discount and the days vacant it counts from.
fn vacancy(s: &PricingSnapshot) -> String {
    match (s.vacancy_discount > 0.0, s.days_vacant) {
        (true, days) => format!("−{:.1}% · {days} days vacant", s.vacancy_discount * 100.0),
        (false, 0) => "none".into(),
        (false, days) => format!("none · {days} days vacant"),
    }
}

/// `-1.2%`, `+0.4%`.
fn pct(p: f64) -> String {
    format!("{p:+.1}%")
}

/// The job `r` runs.
const RUN: JobSpec =
    JobSpec { job: Job::PricingEngine, name: "Pricing engine", running: "Running the pricing engine…" };

/// What `r` will do, said before it is done.
pub fn run_confirm(today: NaiveDate) -> String {
    format!(
        "Run the pricing engine now for {}? It prices every unit from its comps (seasonal factor, vacancy \
         discount), writes a snapshot for each unit whose figures changed, and sets units' market rents from \
         their comps. It is the daily 04:00 job, recorded with the job runs.",
        date(today)
    )
}

#[derive(Default)]
pub struct Pricing {
    data: Option<Box<PricingData>>,
    error: Option<String>,
    sort: Sort,
    /// Smallest first instead of the sort's natural direction.
    flipped: bool,
    /// The `/` filter: words matched against the unit and its property.
    filter: String,
    /// Indices of the rows shown, in order (the sort's order, filtered).
    view: Vec<u32>,
    cursor: Cursor,
    run: JobRun,
    /// The last refusal, shown under the table.
    action_error: Option<String>,
}

impl Pricing {
    fn current(&self) -> Option<&PricingRow> {
        let d = self.data.as_ref()?;
        self.view.get(self.cursor.selected).map(|&i| &d.rows[i as usize])
    }

    /// Rebuilds the view from the chosen order and the filter, keeping the unit `keep` selected.
    fn refresh_view(&mut self, keep: Option<Uuid>) {
        let Some(d) = &self.data else { return };
        let order = &d.orders.0[self.sort.index()];
        let shown = |i: &&u32| {
            let r = &d.rows[**i as usize];
            super::matches(&self.filter, &[&r.unit, &r.property])
        };
        self.view = if self.flipped {
            order.iter().rev().filter(shown).copied().collect()
        } else {
            order.iter().filter(shown).copied().collect()
        };
        self.cursor.len = self.view.len();
        let at = keep.and_then(|id| self.view.iter().position(|&i| d.rows[i as usize].snapshot.unit_id == id));
        self.cursor.selected = at.unwrap_or(0);
    }

    fn draw_totals(&self, d: &PricingData, f: &mut Frame, area: Rect) {
        let o = &d.opportunity;
        let below = if o.units_below_market > 0 { theme::error() } else { theme::bold() };
        let lines = vec![
            Line::from(vec![
                Span::styled(format!(" {}", o.total_units_analyzed), theme::bold()),
                Span::raw(" units analysed · "),
                Span::styled(o.units_below_market.to_string(), below),
                Span::raw(" below market · "),
                Span::styled(o.units_at_market.to_string(), theme::bold()),
                Span::raw(" at · "),
                Span::styled(o.units_above_market.to_string(), theme::bold()),
                Span::raw(" above"),
            ]),
            Line::from(vec![
                Span::raw(" Monthly gap "),
                Span::styled(dollars(o.total_monthly_gap), theme::bold()),
                Span::raw(" · annual opportunity "),
                Span::styled(dollars(o.annual_revenue_opportunity), theme::bold().fg(theme::accent())),
                Span::raw(" · average gap "),
                Span::styled(pct(o.avg_gap_pct), theme::bold()),
            ]),
        ];
        f.render_widget(Paragraph::new(lines), area);
    }

    /// A bar per property, scaled to the largest monthly gap; as many as fit, largest first.
    fn draw_bars(&self, d: &PricingData, f: &mut Frame, area: Rect) {
        let props = &d.opportunity.by_property;
        let as_of = d.as_of.map_or(String::new(), |a| format!(" · priced {}", date(a)));
        let mut block = Block::bordered()
            .title(Line::from(vec![
                Span::styled(" Monthly gap by property", theme::bold()),
                Span::styled(format!("{as_of} "), theme::dim()),
            ]))
            .border_style(theme::dim());
        let inner_w = usize::from(area.width.saturating_sub(2));
        let rows = usize::from(area.height.saturating_sub(2));
        let shown = &props[..props.len().min(rows)];
        if props.len() > shown.len() {
            let more = format!(" +{} more (unitcycle pricing opportunity) ", props.len() - shown.len());
            block = block.title_bottom(Line::styled(more, theme::dim()).right_aligned());
        }
        let figures: Vec<String> = shown
            .iter()
            .map(|p| format!(" {} · {} below · avg {}", dollars(p.monthly_gap), p.units_below, pct(p.avg_gap_pct)))
            .collect();
        let fig_w = figures.iter().map(|s| s.chars().count()).max().unwrap_or(0);
        let name_w = shown.iter().map(|p| p.property_name.chars().count()).max().unwrap_or(0).min(inner_w / 3).max(4);
        let bar_w = inner_w.saturating_sub(name_w + 1 + fig_w);
        // The opportunity lists properties largest gap first.
        let largest = props.first().map(|p| p.monthly_gap).unwrap_or_default();
        let lines: Vec<Line> = shown
            .iter()
            .zip(&figures)
            .map(|(p, fig)| {
                let filled = if largest > Decimal::ZERO {
                    let share = (p.monthly_gap / largest * Decimal::from(bar_w)).round().to_usize().unwrap_or(0);
                    // A property with any gap gets a sliver, so it never reads as none.
                    share.max(usize::from(p.monthly_gap > Decimal::ZERO)).min(bar_w)
                } else {
                    0
                };
                Line::from(vec![
                    Span::raw(format!("{:<name_w$} ", fit(&p.property_name, name_w))),
                    Span::styled("█".repeat(filled), Style::new().fg(theme::hex("#D97706"))),
                    Span::styled("·".repeat(bar_w - filled), theme::dim()),
                    Span::raw(format!("{fig:>fig_w$}")),
                ])
            })
            .collect();
        let lines = if props.is_empty() {
            vec![Line::styled("No occupied unit is priced: there is no gap to measure", theme::dim())]
        } else {
            lines
        };
        f.render_widget(Paragraph::new(lines).block(block), area);
    }

    fn draw_table(&self, d: &PricingData, f: &mut Frame, area: Rect) {
        let arrow = if self.flipped { "↑" } else { "↓" };
        let filter = if self.filter.is_empty() { String::new() } else { format!(" · filter \"{}\"", self.filter) };
        let title =
            format!(" Units below market · {} · sorted by {} {arrow}{filter} ", self.view.len(), self.sort.label());
        let block = Block::bordered().title(Span::styled(title, theme::bold())).border_style(theme::dim());
        if self.view.is_empty() {
            let text = if d.rows.is_empty() {
                "No unit is more than 2% below market"
            } else {
                "No unit below market matches the filter (x clears it)"
            };
            return f.render_widget(Paragraph::new(Line::styled(text, theme::dim())).block(block), area);
        }
        let height = usize::from(area.height.saturating_sub(3)).max(1);
        self.cursor.height.set(height);
        let first = self.cursor.first_visible(height);
        let mark = |s: Sort, h: &'static str| if self.sort == s { format!("{h}{arrow}") } else { h.to_string() };
        let right = |t: String| Cell::from(Line::from(t).alignment(Alignment::Right));
        let header = Row::new(vec![
            Cell::from(mark(Sort::Unit, "Unit")),
            Cell::from("Property"),
            right("Current".into()),
            right("Market".into()),
            right(mark(Sort::Gap, "Gap")),
            right(mark(Sort::GapPct, "Gap %")),
            Cell::from("Strategy"),
            right(mark(Sort::Confidence, "Conf")),
        ])
        .style(theme::bold().fg(theme::accent()));
        let rows = self.view[first..].iter().take(height).map(|&i| {
            let r = &d.rows[i as usize];
            let s = &r.snapshot;
            Row::new(vec![
                Cell::from(r.unit.clone()),
                Cell::from(r.property.clone()),
                right(s.current_rent.map_or_else(|| "—".into(), money)),
                right(money(s.market_rent)),
                Cell::from(Line::styled(money(s.rent_gap_amount), theme::error()).alignment(Alignment::Right)),
                right(pct(s.rent_gap_pct)),
                Cell::from(s.pricing_strategy.label()),
                right(format!("{:.0}%", s.confidence_score * 100.0)),
            ])
        });
        // Money fits 10 cells up to $99,999.99; the property takes what is left.
        let widths = [
            Constraint::Length(7),
            Constraint::Fill(1),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(10),
            Constraint::Length(7),
            Constraint::Length(10),
            Constraint::Length(5),
        ];
        let table = Table::new(rows, widths)
            .header(header)
            .block(block)
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected(Some(self.cursor.selected - first));
        f.render_stateful_widget(table, area, &mut state);
    }

    /// The selected unit's factors in a line, or the refusal of the last action.
    fn foot_line(&self) -> Line<'static> {
        if let Some(e) = &self.action_error {
            return Line::styled(e.clone(), theme::error());
        }
        let Some(r) = self.current() else { return Line::raw("") };
        let s = &r.snapshot;
        let mut factors =
            vec![format!("{}, {} comps", s.basis.label(), s.comp_count), format!("season ×{:.2}", s.seasonal_factor)];
        if s.vacancy_discount > 0.0 {
            factors.push(format!("vacancy −{:.1}%", s.vacancy_discount * 100.0));
        }
        factors.push(format!("{:.0}% confidence", s.confidence_score * 100.0));
        factors.push(s.pricing_strategy.label().to_string());
        Line::from(vec![Span::styled(format!(" {} · ", r.unit), theme::bold()), Span::raw(factors.join(" · "))])
    }
}

impl Screen for Pricing {
    fn title(&self) -> String {
        "Revenue Intelligence".into()
    }
    fn nav(&self) -> Nav {
        Nav::Pricing
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::PRICING
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Pricing);
    }
    fn capturing(&self) -> bool {
        self.run.capturing()
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        self.run.on_key(&RUN, key, cx);
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        self.action_error = None;
        let keep = self.current().map(|r| r.snapshot.unit_id);
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                self.cursor.apply(action);
            }
            Action::Open => {
                if let Some(r) = self.current() {
                    cx.push(Box::new(PricingUnit::new(r.snapshot.unit_id)));
                }
            }
            // A new order starts at its top: that is what it was asked for.
            Action::CycleSort => {
                self.sort = Sort::ALL[(self.sort.index() + 1) % Sort::ALL.len()];
                self.flipped = false;
                self.refresh_view(None);
            }
            Action::SortDirection => {
                self.flipped = !self.flipped;
                self.refresh_view(None);
            }
            Action::ClearFilters => {
                self.filter.clear();
                self.refresh_view(keep);
            }
            Action::RunPricing => self.run.ask(run_confirm(cx.today)),
            _ => {}
        }
    }
    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }
    fn set_filter(&mut self, text: String, _cx: &mut Cx) {
        self.filter = text;
        self.refresh_view(None);
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Pricing(d) => {
                let keep = self.current().map(|r| r.snapshot.unit_id);
                self.data = Some(d);
                self.error = None;
                self.refresh_view(keep);
            }
            Data::JobRan(report) => {
                self.run.done(&RUN, &report, cx);
                self.reload(cx);
            }
            Data::Error(e) => {
                self.run.stop();
                if self.data.is_some() {
                    self.action_error = Some(e);
                } else {
                    self.error = Some(e);
                }
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        if d.priced == 0 {
            let text = "No pricing snapshots on this replica yet: the pricing engine has not run. Press r to run it \
                        now (it runs daily at 04:00 UTC; from the command line, `unitcycle pricing run`).";
            let mut lines = vec![Line::styled(text, theme::dim())];
            if let Some(e) = &self.action_error {
                lines.push(Line::styled(e.clone(), theme::error()));
            }
            f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
            return self.run.draw(&RUN, f, area);
        }
        // A few property bars on a small terminal, more when there is room for the table too.
        let most = if area.height >= 30 { 6 } else { 3 };
        let bars_h = d.opportunity.by_property.len().clamp(1, most) as u16 + 2;
        let [totals, bars, table, foot] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(bars_h),
            Constraint::Min(4),
            Constraint::Length(1),
        ])
        .areas(area);
        self.draw_totals(d, f, totals);
        self.draw_bars(d, f, bars);
        self.draw_table(d, f, table);
        f.render_widget(Paragraph::new(self.foot_line()), foot);
        self.run.draw(&RUN, f, area);
    }
}

/// A unit's price history: market and current rent over 90 days, the factors of its latest
/// figure beside it, and the comps that figure used.
pub struct PricingUnit {
    unit_id: Uuid,
    data: Option<Box<PricingHistoryData>>,
    error: Option<String>,
    /// First comp row shown.
    scroll: usize,
}

impl PricingUnit {
    pub fn new(unit_id: Uuid) -> PricingUnit {
        PricingUnit { unit_id, data: None, error: None, scroll: 0 }
    }

    fn draw_chart(d: &PricingHistoryData, f: &mut Frame, area: Rect) {
        let series = daily(&d.history, d.today, HISTORY_DAYS);
        let point = |(n, s): (usize, &Option<&PricingSnapshot>), figure: fn(&PricingSnapshot) -> Option<Decimal>| {
            let x = n as f64 - (HISTORY_DAYS - 1) as f64;
            s.and_then(figure).and_then(|v| v.to_f64()).map(|y| (x, y))
        };
        let market: Vec<(f64, f64)> =
            series.iter().enumerate().filter_map(|p| point(p, |s| Some(s.market_rent))).collect();
        let current: Vec<(f64, f64)> = series.iter().enumerate().filter_map(|p| point(p, |s| s.current_rent)).collect();
        let (market_color, current_color) = (theme::accent(), theme::hex("#D97706"));
        // The legend is in the title: drawn over the plot it hides the lines on a small terminal.
        let block = Block::bordered()
            .title(Line::from(vec![
                Span::styled(format!(" {HISTORY_DAYS}-day history  "), theme::bold()),
                Span::styled("━ market", Style::new().fg(market_color)),
                Span::raw("  "),
                Span::styled("━ current ", Style::new().fg(current_color)),
            ]))
            .border_style(theme::dim());
        if market.is_empty() {
            let text = "No snapshot in the last 90 days: r on the revenue screen prices the units now";
            return f.render_widget(
                Paragraph::new(Line::styled(text, theme::dim())).wrap(Wrap { trim: true }).block(block),
                area,
            );
        }
        let ys = market.iter().chain(&current).map(|p| p.1);
        let (lo, hi) = ys.fold((f64::MAX, f64::MIN), |(lo, hi), y| (lo.min(y), hi.max(y)));
        // Room above and below the lines, at least a dollar, so a flat line sits mid-chart.
        let pad = ((hi - lo) * 0.15).max(hi * 0.01).max(1.0);
        let (lo, hi) = ((lo - pad).floor(), (hi + pad).ceil());
        let label = |y: f64| Span::styled(dollars(Decimal::from_f64_retain(y).unwrap_or_default()), theme::dim());
        let day = |back: i64| Span::styled((d.today - Duration::days(back)).format("%b %-d").to_string(), theme::dim());
        let datasets = vec![
            Dataset::default()
                .name("market")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(market_color))
                .data(&market),
            Dataset::default()
                .name("current")
                .marker(Marker::Braille)
                .graph_type(GraphType::Line)
                .style(Style::new().fg(current_color))
                .data(&current),
        ];
        let chart = Chart::new(datasets)
            .block(block)
            .legend_position(None)
            .x_axis(Axis::default().bounds([-(HISTORY_DAYS - 1) as f64, 0.0]).labels(vec![
                day(HISTORY_DAYS - 1),
                day(HISTORY_DAYS / 2),
                day(0),
            ]))
            .y_axis(Axis::default().bounds([lo, hi]).labels(vec![label(lo), label((lo + hi) / 2.0), label(hi)]));
        f.render_widget(chart, area);
    }

    /// The latest figure and every factor it is made of.
    fn factor_lines(s: &PricingSnapshot) -> Vec<Line<'static>> {
        let gap = match s.current_rent {
            Some(_) => format!("{} ({}) {}", money(s.rent_gap_amount), pct(s.rent_gap_pct), position(s.rent_gap_pct)),
            None => "— (vacant)".into(),
        };
        let mut lines = vec![
            Line::from(vec![
                Span::styled(format!("{:<16}", "Market rent"), theme::dim()),
                Span::styled(money(s.market_rent), theme::bold()),
            ]),
            widgets::kv("Recommended", money(s.recommended_rent)),
            widgets::kv("Current rent", s.current_rent.map_or_else(|| "vacant".into(), money)),
            widgets::kv("Gap", gap),
            widgets::kv("Strategy", s.pricing_strategy.label()),
            widgets::kv("Basis", s.basis.label()),
            widgets::kv("Comps", s.comp_count.to_string()),
            widgets::kv("Size", format!("×{:.3}", s.size_adjustment)),
            widgets::kv("Seasonal", format!("×{:.2}", s.seasonal_factor)),
            widgets::kv("Vacancy", vacancy(s)),
            widgets::kv("Demand", format!("{:.0}% occupied", s.demand_score * 100.0)),
            widgets::kv("Confidence", format!("{:.0}%", s.confidence_score * 100.0)),
            widgets::kv("As of", date(s.snapshot_date)),
            Line::raw(""),
        ];
        lines.push(Line::styled(s.reason.clone(), theme::dim()));
        lines
    }

    fn draw_comps(&self, d: &PricingHistoryData, f: &mut Frame, area: Rect) {
        // A snapshot keeps its closest comps (`pricing::STORED_COMPS`); the figure used them all.
        let block = Block::bordered().title(Span::styled(comps_title(d), theme::bold())).border_style(theme::dim());
        if d.comps.is_empty() {
            let text = match d.history.last() {
                Some(s) => format!("None: {}", s.basis.label().to_lowercase()),
                None => "None".into(),
            };
            return f.render_widget(Paragraph::new(Line::styled(text, theme::dim())).block(block), area);
        }
        let height = usize::from(area.height.saturating_sub(3));
        let first = self.scroll.min(d.comps.len().saturating_sub(height));
        let right = |t: String| Cell::from(Line::from(t).alignment(Alignment::Right));
        let rows = d.comps[first..].iter().take(height).map(|c| {
            let c = &c.comp;
            // Every comp has the unit's bedrooms and bathrooms (the header says them).
            Row::new(vec![
                Cell::from(c.address.clone()),
                right(c.square_feet.map_or_else(|| "—".into(), |s| s.to_string())),
                right(money(c.rent)),
                right(format!("{:.2}", c.similarity_score)),
            ])
        });
        let header =
            Row::new(vec![Cell::from("Comp"), right("Sq ft".into()), right("Rent".into()), right("Sim.".into())])
                .style(theme::bold().fg(theme::accent()));
        let widths = [Constraint::Fill(1), Constraint::Length(6), Constraint::Length(10), Constraint::Length(5)];
        f.render_widget(Table::new(rows, widths).header(header).block(block), area);
    }
}

impl Screen for PricingUnit {
    fn title(&self) -> String {
        self.data
            .as_ref()
            .map_or_else(|| "Price history".into(), |d| format!("Unit {} price history", d.unit.unit_number))
    }
    fn nav(&self) -> Nav {
        Nav::Pricing
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::PRICING_UNIT
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::PricingHistory { unit_id: self.unit_id, now: cx.now });
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        let last = self.data.as_ref().map_or(0, |d| d.comps.len().saturating_sub(1));
        match action {
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::Down => self.scroll = (self.scroll + 1).min(last),
            Action::Open => cx.push(Box::new(super::unit::UnitDetail::new(self.unit_id))),
            _ => {}
        }
    }
    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::PricingHistory(d) => {
                self.data = Some(d);
                self.error = None;
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let u = &d.unit;
        let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!(" Unit {} ", u.unit_number), theme::bold()),
                Span::styled(
                    format!(
                        " {} · {} bd · {} ba · {} sq ft · {}",
                        d.property_name,
                        u.bedrooms,
                        u.bathrooms.normalize(),
                        u.square_feet,
                        u.status.label().to_lowercase()
                    ),
                    theme::dim(),
                ),
            ])),
            head,
        );
        let [left, right] = Layout::horizontal([Constraint::Min(30), Constraint::Length(36)]).areas(body);
        let comps_h = (d.comps.len().max(1) as u16 + 3).min(left.height / 2).max(3);
        let [chart, comps] = Layout::vertical([Constraint::Min(6), Constraint::Length(comps_h)]).areas(left);
        Self::draw_chart(d, f, chart);
        self.draw_comps(d, f, comps);
        let block =
            Block::bordered().title(Span::styled(" Why this figure ", theme::bold())).border_style(theme::dim());
        let lines = match d.history.last() {
            Some(s) => Self::factor_lines(s),
            None => vec![Line::styled("Not priced in the last 90 days", theme::dim())],
        };
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), right);
    }
}

/// "Comps used · 4", or "Closest 10 of 25 comps" when the snapshot keeps only the closest.
fn comps_title(d: &PricingHistoryData) -> String {
    let used = d.history.last().map_or(d.comps.len(), |s| s.comp_count.max(0) as usize);
    if used > d.comps.len() {
        format!(" Closest {} of {used} comps ", d.comps.len())
    } else {
        format!(" Comps used · {} ", d.comps.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};
    use unitcycle_core::pricing::{Basis, Strategy};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn snap(day: &str, market: i64, current: Option<i64>, gap_pct: f64) -> PricingSnapshot {
        let market = Decimal::from(market);
        let current = current.map(Decimal::from);
        PricingSnapshot {
            id: Uuid::nil(),
            unit_id: Uuid::from_u128(1),
            property_id: Uuid::from_u128(2),
            snapshot_date: d(day),
            current_rent: current,
            market_rent: market,
            recommended_rent: market,
            rent_per_sqft: None,
            market_rent_per_sqft: None,
            rent_gap_amount: current.map_or(Decimal::ZERO, |c| c - market),
            rent_gap_pct: gap_pct,
            days_vacant: 0,
            seasonal_factor: 1.0,
            demand_score: 0.9,
            comp_count: 3,
            confidence_score: 0.75,
            pricing_strategy: Strategy::Market,
            created_at: Utc.with_ymd_and_hms(2026, 11, 25, 4, 0, 0).unwrap(),
            basis: Basis::Internal,
            reason: String::new(),
            size_adjustment: 1.0,
            vacancy_discount: 0.0,
        }
    }

    #[test]
    fn each_day_has_the_snapshot_in_force_on_it() {
        let history = [snap("2026-11-20", 1500, None, 0.0), snap("2026-11-23", 1470, None, 0.0)];
        let days = daily(&history, d("2026-11-25"), 7);
        let market: Vec<Option<i64>> = days.iter().map(|s| s.map(|s| s.market_rent.to_i64().unwrap())).collect();
        assert_eq!(market, [None, Some(1500), Some(1500), Some(1500), Some(1470), Some(1470), Some(1470)]);
        assert!(daily(&[], d("2026-11-25"), 3).iter().all(Option::is_none));
    }

    #[test]
    fn the_sparkline_spans_lowest_to_highest() {
        let v = |n: i64| Some(Decimal::from(n));
        assert_eq!(spark(&[None, v(100), v(150), v(200)]), " ▁▅█");
        assert_eq!(spark(&[v(7), v(7)]), "▄▄", "flat sits in the middle");
        assert_eq!(spark(&[]), "");
    }

    #[test]
    fn orders_put_the_largest_shortfall_first_and_break_ties_by_unit() {
        let row = |unit: &str, current: i64, gap_pct: f64, confidence: f64| PricingRow {
            snapshot: PricingSnapshot {
                confidence_score: confidence,
                ..snap("2026-11-25", 1500, Some(current), gap_pct)
            },
            unit: unit.into(),
            property: "Harbor View".into(),
        };
        let rows = [row("A2", 1400, -6.7, 0.8), row("A1", 1300, -13.3, 0.7), row("A3", 1400, -6.7, 0.9)];
        let o = Orders::new(&rows);
        assert_eq!(o.0[Sort::Gap.index()], [1, 0, 2]);
        assert_eq!(o.0[Sort::GapPct.index()], [1, 0, 2]);
        assert_eq!(o.0[Sort::Unit.index()], [1, 0, 2]);
        assert_eq!(o.0[Sort::Confidence.index()], [2, 0, 1]);
    }

    #[test]
    fn a_gap_within_two_percent_is_at_market() {
        assert_eq!(
            (position(-2.1), position(-2.0), position(2.0), position(2.1)),
            ("below market", "at market", "at market", "above market")
        );
    }
}
