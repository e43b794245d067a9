//! Vendor intelligence (spec 5.4): tabs of each vendor's latest scorecard (the six scores,
//! overall and jobs; `o` sorts by overall, name or jobs, `d` flips), the repeat-visit alerts
//! and the contracts, insurance and licences expired or expiring within 30 days. From a work
//! order on the unit screen, `D` opens its dispatch view: the warranty check, the top three
//! vendors with their reasoning and the repeat-visit warning; `a` accepts the selected vendor
//! after a confirm that lists every change. On the alerts tab `a` resolves the selected alert:
//! ←/→ pick how (warranty claim, vendor credited, different issue, dismissed), `y` saves.

use std::cmp::Ordering;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, TableState, Tabs, Wrap};
use ratatui::Frame;
use unitcycle_core::format::date;
use unitcycle_core::work_orders::MaintenanceAction;
use uuid::Uuid;

use super::{placeholder, Cursor, Screen};
use crate::app::form;
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets::fit;
use crate::app::worker::maintenance::{DispatchData, MaintData, MaintRequest, ScoreRow, VendorsData};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};
use crate::commands::vendors::{accept_preview, days_left, reasoning_lines};

/// The scorecards' sort orders, each in its natural direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Overall,
    Name,
    Jobs,
}

impl Sort {
    const ALL: [Sort; 3] = [Sort::Overall, Sort::Name, Sort::Jobs];

    fn label(self) -> &'static str {
        match self {
            Sort::Overall => "overall",
            Sort::Name => "name",
            Sort::Jobs => "jobs",
        }
    }

    fn cmp(self, a: &ScoreRow, b: &ScoreRow) -> Ordering {
        let by_name = a.name.cmp(&b.name).then(a.card.vendor_id.cmp(&b.card.vendor_id));
        match self {
            Sort::Overall => b.card.overall_score.total_cmp(&a.card.overall_score).then(by_name),
            Sort::Name => by_name,
            Sort::Jobs => b.card.total_jobs.cmp(&a.card.total_jobs).then(by_name),
        }
    }
}

/// The scorecards in `sort`'s order (reversed when `flipped`).
pub fn sorted(cards: &[ScoreRow], sort: Sort, flipped: bool) -> Vec<&ScoreRow> {
    let mut v: Vec<&ScoreRow> = cards.iter().collect();
    v.sort_by(|a, b| sort.cmp(a, b));
    if flipped {
        v.reverse();
    }
    v
}

/// How an alert may be closed (the spec's resolution statuses other than `open`).
const CLOSING: [&str; 4] = ["warranty_claim", "vendor_credited", "different_issue", "dismissed"];

#[derive(Default)]
pub struct Vendors {
    data: Option<Box<VendorsData>>,
    error: Option<String>,
    tab: usize,
    sort: Sort,
    flipped: bool,
    cursors: [Cursor; 3],
    /// Resolving an alert: its id and the chosen index into `CLOSING`.
    resolving: Option<(Uuid, usize)>,
    busy: bool,
}

impl Vendors {
    fn lens(d: &VendorsData) -> [usize; 3] {
        [d.cards.len(), d.alerts.len(), d.expiring.len()]
    }

    fn table<'a>(&self, rows: Vec<Row<'a>>, widths: &[Constraint], header: Row<'a>, area: Rect, f: &mut Frame) {
        let cursor = &self.cursors[self.tab];
        let height = usize::from(area.height.saturating_sub(3)).max(1);
        cursor.height.set(height);
        let first = cursor.first_visible(height);
        let n = rows.len();
        let rows: Vec<Row> = rows.into_iter().skip(first).take(height).collect();
        let table = Table::new(rows, widths.to_vec())
            .header(header.style(theme::bold().fg(theme::accent())))
            .block(Block::bordered().border_style(theme::dim()))
            .row_highlight_style(theme::selected())
            .highlight_symbol("▸");
        let mut state = TableState::default().with_selected((n > 0).then(|| cursor.selected - first));
        f.render_stateful_widget(table, area, &mut state);
    }
}

impl Screen for Vendors {
    fn title(&self) -> String {
        "Vendors".into()
    }
    fn nav(&self) -> Nav {
        Nav::Vendors
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::VENDORS
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Maintenance(MaintRequest::Vendors { today: cx.today }));
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        self.resolving.is_some() || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let Some((id, pick)) = self.resolving else { return };
        match key.code {
            KeyCode::Left | KeyCode::Char('h') => {
                self.resolving = Some((id, (pick + CLOSING.len() - 1) % CLOSING.len()))
            }
            KeyCode::Right | KeyCode::Char('l') | KeyCode::Tab => {
                self.resolving = Some((id, (pick + 1) % CLOSING.len()))
            }
            KeyCode::Char('y') | KeyCode::Enter => {
                self.resolving = None;
                let action = MaintenanceAction::ResolveAlert { resolution_status: CLOSING[pick].into() };
                cx.request(Request::Maintenance(MaintRequest::Act { id, action, now: cx.now }));
                self.busy = true;
            }
            KeyCode::Char('n') | KeyCode::Esc => {
                self.resolving = None;
                cx.message("Cancelled: nothing was changed");
            }
            _ => {}
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Approve if self.tab == 1 => {
                match self.data.as_ref().and_then(|d| d.alerts.get(self.cursors[1].selected)) {
                    Some(a) => self.resolving = Some((a.alert.id, 0)),
                    None => cx.message("No alert to resolve"),
                }
            }
            Action::Approve => cx.message("Resolve alerts on the Repeat visits tab (Tab)"),
            Action::NextTab => self.tab = (self.tab + 1) % 3,
            Action::PrevTab => self.tab = (self.tab + 2) % 3,
            Action::CycleSort => {
                let i = Sort::ALL.iter().position(|s| *s == self.sort).unwrap_or(0);
                self.sort = Sort::ALL[(i + 1) % Sort::ALL.len()];
                self.flipped = false;
                self.cursors[0].selected = 0;
            }
            Action::SortDirection => {
                self.flipped = !self.flipped;
                self.cursors[0].selected = 0;
            }
            other => {
                self.cursors[self.tab].apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Maintenance(MaintData::Acted(acted)) => {
                self.busy = false;
                let (action, _) = *acted;
                if let MaintenanceAction::ResolveAlert { resolution_status } = action {
                    cx.message(format!("Saved: the alert is closed as {}", resolution_status.replace('_', " ")));
                }
                self.reload(cx);
            }
            Data::Maintenance(MaintData::Vendors(d)) => {
                for (c, n) in self.cursors.iter_mut().zip(Self::lens(&d)) {
                    c.len = n;
                    c.selected = c.selected.min(n.saturating_sub(1));
                }
                self.data = Some(d);
                self.error = None;
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, env: &Env) {
        self.draw_tabs(f, area, env);
        if self.busy {
            form::popup(f, area, "Saving", vec![Line::styled("Resolving the alert…", theme::dim())], 3);
        } else if let Some((id, pick)) = self.resolving {
            let Some(a) = self.data.as_ref().and_then(|d| d.alerts.iter().find(|a| a.alert.id == id)) else { return };
            let choices: Vec<Span> = CLOSING
                .iter()
                .enumerate()
                .flat_map(|(i, c)| {
                    let style = if i == pick { theme::selected().fg(theme::accent()) } else { theme::dim() };
                    [Span::styled(format!(" {} ", c.replace('_', " ")), style), Span::raw(" ")]
                })
                .collect();
            let lines = vec![
                Line::raw(format!(
                    "Unit {} · {}: visited {} by {}, again {} by {} ({} days).",
                    a.unit,
                    a.alert.work_category,
                    date(a.alert.first_visit_date),
                    a.first_vendor,
                    date(a.alert.repeat_visit_date),
                    a.repeat_vendor,
                    a.alert.days_between
                )),
                Line::raw("The alert leaves the open list; nothing is sent to a vendor or a tenant."),
                Line::raw(""),
                Line::from(choices),
                Line::raw(""),
                Line::styled("←/→ choose    y / Enter: save    n / Esc: cancel", theme::bold()),
            ];
            form::popup(f, area, "Resolve the repeat-visit alert", lines, 10);
        }
    }
}

impl Vendors {
    fn draw_tabs(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let [tabs, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(3)]).areas(area);
        let [n_cards, n_alerts, n_docs] = Self::lens(d);
        let titles = vec![
            format!("Scorecards ({n_cards})"),
            format!("Repeat visits ({n_alerts})"),
            format!("Expiring documents ({n_docs})"),
        ];
        f.render_widget(
            Tabs::new(titles).select(self.tab).highlight_style(theme::selected().fg(theme::accent())).divider("│"),
            tabs,
        );
        let right = |t: String| Cell::from(Line::from(t).alignment(Alignment::Right));
        let empty = |text: &str, f: &mut Frame| {
            f.render_widget(
                Paragraph::new(Line::styled(text.to_string(), theme::dim()))
                    .wrap(Wrap { trim: true })
                    .block(Block::bordered().border_style(theme::dim())),
                body,
            )
        };
        match self.tab {
            0 => {
                if d.cards.is_empty() {
                    return empty(
                        "No scorecards yet: the monthly job scores last month's vendors (`unitcycle jobs run \
                         vendor-scorecards`, or `unitcycle vendors scorecards --calculate` for this month).",
                        f,
                    );
                }
                let arrow = if self.flipped { "↑" } else { "↓" };
                let mark = |s: Sort, h: &str| if self.sort == s { format!("{h}{arrow}") } else { h.to_string() };
                let header = Row::new(vec![
                    Cell::from(mark(Sort::Name, "Vendor")),
                    Cell::from("Trade"),
                    right("Response".into()),
                    right("1st visit".into()),
                    right("Cost".into()),
                    right("SLA".into()),
                    right("Tenants".into()),
                    right("Docs".into()),
                    right(mark(Sort::Overall, "Overall")),
                    right(mark(Sort::Jobs, "Jobs")),
                ]);
                let score = |s: f64| right(format!("{s:.1}"));
                let rows = sorted(&d.cards, self.sort, self.flipped)
                    .into_iter()
                    .map(|r| {
                        let c = &r.card;
                        let overall = if c.overall_score >= 8.0 {
                            Style::new().fg(theme::hex("#16A34A"))
                        } else if c.overall_score < 6.0 {
                            theme::error()
                        } else {
                            Style::new()
                        };
                        Row::new(vec![
                            Cell::from(r.name.clone()),
                            Cell::from(r.trade.clone()),
                            score(c.response_time_score),
                            score(c.first_visit_score),
                            score(c.cost_accuracy_score),
                            score(c.sla_compliance_score),
                            score(c.tenant_satisfaction_score),
                            score(c.documentation_score),
                            Cell::from(
                                Line::styled(format!("{:.1}", c.overall_score), overall.add_modifier(Modifier::BOLD))
                                    .alignment(Alignment::Right),
                            ),
                            right(c.total_jobs.to_string()),
                        ])
                    })
                    .collect();
                let widths = [
                    Constraint::Fill(1),
                    Constraint::Length(11),
                    Constraint::Length(8),
                    Constraint::Length(9),
                    Constraint::Length(5),
                    Constraint::Length(5),
                    Constraint::Length(7),
                    Constraint::Length(5),
                    Constraint::Length(8),
                    Constraint::Length(6),
                ];
                let [table, foot] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(body);
                self.table(rows, &widths, header, table, f);
                f.render_widget(
                    Paragraph::new(Line::styled(
                        format!(
                            " Sorted by {} {arrow} · each score out of 10 · o sort · d direction",
                            self.sort.label()
                        ),
                        theme::dim(),
                    )),
                    foot,
                );
            }
            1 => {
                if d.alerts.is_empty() {
                    return empty(
                        "No open repeat-visit alerts (a second visit for the same unit and category within 30 days).",
                        f,
                    );
                }
                let header = Row::new(vec!["Unit", "Category", "First visit", "By", "Repeat", "By", "Days", "Status"]);
                let rows = d
                    .alerts
                    .iter()
                    .map(|a| {
                        Row::new(vec![
                            Cell::from(a.unit.clone()),
                            Cell::from(a.alert.work_category.clone()),
                            Cell::from(date(a.alert.first_visit_date)),
                            Cell::from(a.first_vendor.clone()),
                            Cell::from(date(a.alert.repeat_visit_date)),
                            Cell::from(a.repeat_vendor.clone()),
                            right(a.alert.days_between.to_string()),
                            Cell::from(a.alert.resolution_status.replace('_', " ")),
                        ])
                    })
                    .collect();
                let widths = [
                    Constraint::Length(7),
                    Constraint::Length(11),
                    Constraint::Length(12),
                    Constraint::Fill(1),
                    Constraint::Length(12),
                    Constraint::Fill(1),
                    Constraint::Length(4),
                    Constraint::Length(8),
                ];
                self.table(rows, &widths, header, body, f);
            }
            _ => {
                if d.expiring.is_empty() {
                    return empty(
                        &format!(
                            "No contract, insurance or licence expired or expiring within 30 days of {}.",
                            date(d.today)
                        ),
                        f,
                    );
                }
                let header = Row::new(vec!["Vendor", "Document", "Title", "Expires", "When", "Auto-renew"]);
                let rows = d
                    .expiring
                    .iter()
                    .map(|x| {
                        let when = days_left(x.days_left);
                        let style = if x.days_left < 0 { theme::error() } else { Style::new() };
                        Row::new(vec![
                            Cell::from(x.vendor_name.clone()),
                            Cell::from(x.document.clone()),
                            Cell::from(x.title.clone()),
                            Cell::from(date(x.expires_on)),
                            Cell::from(Line::styled(when, style)),
                            Cell::from(if x.auto_renew { "yes" } else { "no" }),
                        ])
                    })
                    .collect();
                let widths = [
                    Constraint::Fill(1),
                    Constraint::Length(10),
                    Constraint::Fill(1),
                    Constraint::Length(12),
                    Constraint::Length(18),
                    Constraint::Length(10),
                ];
                self.table(rows, &widths, header, body, f);
            }
        }
    }
}

/// A work order's dispatch view.
pub struct Dispatch {
    work_order_id: Uuid,
    data: Option<Box<DispatchData>>,
    error: Option<String>,
    selected: usize,
    /// The vendor and the lines of what accepting changes.
    confirm: Option<(Uuid, Vec<String>)>,
    busy: bool,
    action_error: Option<String>,
}

impl Dispatch {
    pub fn new(work_order_id: Uuid) -> Dispatch {
        Dispatch { work_order_id, data: None, error: None, selected: 0, confirm: None, busy: false, action_error: None }
    }

    fn lines(&self, d: &DispatchData, width: usize) -> Vec<Line<'static>> {
        let v = &d.view;
        let mut lines = Vec::new();
        let warranty = if v.warranty_check.has_warranty {
            Style::new().fg(theme::hex("#16A34A")).add_modifier(Modifier::BOLD)
        } else {
            theme::dim()
        };
        lines.push(Line::from(vec![
            Span::styled("Warranty  ", theme::bold()),
            Span::styled(v.warranty_check.message.clone(), warranty),
        ]));
        let w = &v.repeat_visit_warning;
        lines.push(Line::from(vec![
            Span::styled("Repeat    ", theme::bold()),
            Span::styled(w.message.clone(), if w.is_repeat { theme::error() } else { theme::dim() }),
        ]));
        lines.push(Line::raw(""));
        lines.push(Line::styled(format!("Recommended vendors ({})", v.provider), theme::bold().fg(theme::accent())));
        if v.recommendations.is_empty() {
            lines.push(Line::styled(format!("No active vendor takes {} work.", v.work_category), theme::dim()));
        }
        for (i, r) in v.recommendations.iter().enumerate() {
            let picked = i == self.selected;
            let assigned = v.assigned_vendor_id == Some(r.vendor_id);
            lines.push(Line::from(vec![
                Span::styled(if picked { "▸ " } else { "  " }, Style::new().fg(theme::accent())),
                Span::styled(
                    format!("{}. {}", r.rank, r.vendor_name),
                    if picked { theme::selected().add_modifier(Modifier::BOLD) } else { theme::bold() },
                ),
                Span::raw(format!(
                    "  {:.1}/10 · est. {} · {}{}",
                    r.overall_score,
                    if r.estimated_cost.is_empty() { "—" } else { r.estimated_cost.as_str() },
                    r.status,
                    if assigned { " · assigned" } else { "" }
                )),
            ]));
            for (label, text) in reasoning_lines(&r.reasoning) {
                lines.push(Line::from(vec![
                    Span::styled(format!("     {label:<13}"), theme::dim()),
                    Span::raw(fit(&text, width.saturating_sub(19))),
                ]));
            }
        }
        lines
    }
}

impl Screen for Dispatch {
    fn title(&self) -> String {
        "Dispatch".into()
    }
    fn nav(&self) -> Nav {
        Nav::Properties
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::DISPATCH
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Maintenance(MaintRequest::Dispatch { work_order_id: self.work_order_id, now: cx.now }));
    }
    fn capturing(&self) -> bool {
        self.confirm.is_some() || self.busy
    }
    fn loading(&self) -> bool {
        self.data.is_none() && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        match key.code {
            KeyCode::Char('y') | KeyCode::Enter => {
                if let Some((vendor_id, _)) = self.confirm.take() {
                    let action = MaintenanceAction::AcceptDispatch { vendor_id };
                    cx.request(Request::Maintenance(MaintRequest::Act { id: self.work_order_id, action, now: cx.now }));
                    self.busy = true;
                }
            }
            KeyCode::Char('n') | KeyCode::Esc => {
                self.confirm = None;
                cx.message("Cancelled: nothing was changed");
            }
            _ => {}
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        self.action_error = None;
        let Some(d) = &self.data else { return };
        let last = d.view.recommendations.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Approve => match d.view.recommendations.get(self.selected) {
                Some(r) => match accept_preview(&d.view, &d.title, d.status, r.vendor_id) {
                    Ok(lines) => self.confirm = Some((r.vendor_id, lines)),
                    Err(e) => self.action_error = Some(e.to_string()),
                },
                None => cx.message("No vendor to accept"),
            },
            _ => {}
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Maintenance(MaintData::Dispatch(d)) => {
                self.selected = self.selected.min(d.view.recommendations.len().saturating_sub(1));
                self.data = Some(d);
                self.error = None;
            }
            Data::Maintenance(MaintData::Acted(_)) => {
                self.busy = false;
                let name = self
                    .data
                    .as_ref()
                    .and_then(|d| d.view.recommendations.get(self.selected))
                    .map_or(String::new(), |r| r.vendor_name.clone());
                cx.message(format!("Saved: work order dispatched to {name}"));
                self.reload(cx);
            }
            Data::Error(e) => {
                self.busy = false;
                self.confirm = None;
                if self.data.is_some() {
                    self.action_error = Some(format!("Refused: {e}"));
                } else {
                    self.error = Some(e);
                }
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(d) = &self.data else { return placeholder(f, area, &self.error) };
        let [head, body, foot] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(3), Constraint::Length(1)]).areas(area);
        let v = &d.view;
        f.render_widget(
            Paragraph::new(vec![
                Line::from(vec![
                    Span::styled(format!(" {} ", d.title), theme::bold()),
                    Span::styled(
                        format!(" unit {} · {} · {}", v.unit, v.work_category, d.status.label()),
                        theme::dim(),
                    ),
                ]),
                Line::styled(
                    format!(" {}", fit(&v.description, usize::from(head.width).saturating_sub(2))),
                    theme::dim(),
                ),
            ]),
            head,
        );
        let block = Block::bordered().title(" Dispatch recommendation ").border_style(theme::dim());
        let lines = self.lines(d, usize::from(body.width.saturating_sub(2)));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), body);
        if let Some(e) = &self.action_error {
            f.render_widget(Paragraph::new(Line::styled(e.clone(), theme::error())), foot);
        }
        if self.busy {
            form::popup(f, area, "Saving", vec![Line::styled("Dispatching…", theme::dim())], 3);
        } else if let Some((_, preview)) = &self.confirm {
            let mut lines: Vec<Line> = preview.iter().map(|l| Line::raw(l.clone())).collect();
            lines.push(Line::raw(""));
            lines.push(Line::styled("y / Enter: dispatch    n / Esc: cancel", theme::bold()));
            let h = lines.len() as u16 + 4;
            form::popup(f, area, "Accept the dispatch", lines, h);
        }
    }
}
