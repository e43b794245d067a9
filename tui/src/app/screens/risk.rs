//! Maintenance risk (spec 2.3): the heatmap of a property, building by building and floor by
//! floor (top floor first), a cell per unit coloured by its latest risk level (green low,
//! yellow medium, orange high, red critical), with a legend and the counts. `p` goes to the
//! next property, `r` runs the weekly risk scoring after a confirm. Enter opens the unit's
//! risk card: the score, the five factors as bars of their points (30/20/20/20/10), the
//! predicted next work order and the 30/90-day cost, the repeated keywords, and the unit's
//! pending preventive suggestions, which `a` approves (a work order is created) and `d`
//! dismisses, each after a confirm that says what happens.

use std::cell::RefCell;

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use unitcycle_core::format::{date, money, opt_date};
use unitcycle_core::jobs::Job;
use unitcycle_core::predictive_maintenance::{HeatmapProperty, HeatmapUnit, PreventiveWoSuggestion, UnitRiskScore};
use unitcycle_core::work_orders::MaintenanceAction;
use uuid::Uuid;

use super::job_run::{JobRun, JobSpec};
use super::{placeholder, Screen};
use crate::app::form;
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets::fit;
use crate::app::worker::maintenance::{HeatmapData, MaintData, MaintRequest, UnitRiskData};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

/// The levels, lowest first: name, colour.
pub const LEVELS: [(&str, &str); 4] =
    [("low", "#16A34A"), ("medium", "#EAB308"), ("high", "#F97316"), ("critical", "#DC2626")];

/// The colour of a level (grey when unscored).
pub fn level_color(level: Option<&str>) -> Color {
    match level.and_then(|l| LEVELS.iter().find(|(n, _)| *n == l)) {
        Some((_, hex)) => theme::hex(hex),
        None => theme::hex("#64748B"),
    }
}

/// The five factors: label, the score's points, the most points.
pub fn factors(s: &UnitRiskScore) -> [(&'static str, f64, f64); 5] {
    use unitcycle_core::predictive_maintenance as pm;
    [
        ("Frequency", s.wo_frequency_score, pm::WEIGHT_FREQUENCY),
        ("Cost trend", s.wo_cost_score, pm::WEIGHT_COST_TREND),
        ("Equipment age", s.equipment_age_score, pm::WEIGHT_EQUIPMENT_AGE),
        ("Repeat issues", s.repeat_issue_score, pm::WEIGHT_REPEAT),
        ("Season", s.seasonal_score, pm::WEIGHT_SEASONAL),
    ]
}

/// A bar of `width` cells filled in proportion to `points` of `max`.
fn bar(points: f64, max: f64, width: usize) -> (String, String) {
    let filled = if max > 0.0 { ((points / max).clamp(0.0, 1.0) * width as f64).round() as usize } else { 0 };
    ("█".repeat(filled), "░".repeat(width - filled))
}

/// The risk card: score and level, the five factors as bars, the prediction and the history.
pub fn card_lines(score: Option<&UnitRiskScore>) -> Vec<Line<'static>> {
    let Some(s) = score else {
        return vec![Line::styled(
            "Not scored yet: r on the risk screen (9) runs the risk scoring (`unitcycle maintenance score`)",
            theme::dim(),
        )];
    };
    let color = level_color(Some(&s.risk_level));
    let label = |t: &str| Span::styled(format!("{t:<14}"), theme::dim());
    let mut lines = vec![Line::from(vec![
        label("Risk score"),
        Span::styled(format!("{:.1}/100 ", s.risk_score), theme::bold()),
        Span::styled(format!(" {} ", s.risk_level.to_uppercase()), Style::new().bg(color).fg(Color::Black)),
    ])];
    for (name, points, max) in factors(s) {
        let (on, off) = bar(points, max, 12);
        lines.push(Line::from(vec![
            label(name),
            Span::styled(on, Style::new().fg(color)),
            Span::styled(off, theme::dim()),
            Span::raw(format!(" {points:>4.1}/{max:.0}")),
        ]));
    }
    let next = if s.predicted_next_wo_type.is_empty() { "—".to_string() } else { s.predicted_next_wo_type.clone() };
    lines.push(Line::from(vec![
        label("Next WO"),
        Span::raw(format!("{next} around {}", opt_date(s.predicted_next_wo_date))),
    ]));
    lines.push(Line::from(vec![
        label("Cost ahead"),
        Span::raw(format!(
            "{} in 30 days · {} in 90",
            money(s.predicted_cost_30_days),
            money(s.predicted_cost_90_days)
        )),
    ]));
    lines.push(Line::from(vec![
        label("12 months"),
        Span::raw(format!(
            "{} work orders · {}{}",
            s.wo_count_12_months,
            money(s.total_cost_12_months),
            if s.avg_days_between_wo > 0 { format!(" · every {} days", s.avg_days_between_wo) } else { String::new() }
        )),
    ]));
    lines.push(Line::from(vec![
        label("Repeated"),
        Span::raw(if s.repeated_keywords.is_empty() { "—".to_string() } else { s.repeated_keywords.join(", ") }),
    ]));
    lines.push(Line::styled(format!("Scored {}", date(s.score_date)), theme::dim()));
    lines
}

/// A property's units in the heatmap's order: building, floor from the top, unit.
fn ordered(p: &HeatmapProperty) -> Vec<&HeatmapUnit> {
    p.buildings.iter().flat_map(|b| b.floors.iter().rev().flat_map(|f| f.units.iter())).collect()
}

/// The job `r` runs.
const RUN: JobSpec = JobSpec { job: Job::RiskScoring, name: "Risk scoring", running: "Scoring every unit…" };

/// What `r` will do, said before it is done.
pub fn run_confirm(today: chrono::NaiveDate) -> String {
    format!(
        "Score every unit now for {}? The weekly risk job: each unit's score from its work orders, their \
         cost, its equipment's age, repeat issues and the season; preventive work orders are suggested for \
         the riskiest (none is created until approved). Recorded with the job runs.",
        date(today)
    )
}

#[derive(Default)]
pub struct Risk {
    data: Option<Box<HeatmapData>>,
    error: Option<String>,
    property: usize,
    /// The selected unit: an index into the property's units in heatmap order.
    selected: usize,
    /// The rows of cells as last drawn (unit indices), for ↑/↓.
    rows: RefCell<Vec<Vec<usize>>>,
    run: JobRun,
    action_error: Option<String>,
}

impl Risk {
    fn current_property(&self) -> Option<&HeatmapProperty> {
        self.data.as_ref()?.map.get(self.property)
    }

    fn current(&self) -> Option<&HeatmapUnit> {
        self.current_property().and_then(|p| ordered(p).get(self.selected).copied())
    }

    fn unit_count(&self) -> usize {
        self.current_property().map_or(0, |p| ordered(p).len())
    }

    /// ↑/↓: the cell in the row above or below, at the same column or the row's last.
    fn vertical(&mut self, down: bool) {
        let rows = self.rows.borrow();
        let Some((r, c)) =
            rows.iter().enumerate().find_map(|(r, row)| row.iter().position(|&i| i == self.selected).map(|c| (r, c)))
        else {
            return;
        };
        let target = if down { r + 1 } else { r.wrapping_sub(1) };
        if let Some(row) = rows.get(target) {
            if let Some(&i) = row.get(c.min(row.len().saturating_sub(1))) {
                drop(rows);
                self.selected = i;
            }
        }
    }

    /// The counts per level; in a narrow terminal the names shorten so the whole line shows.
    fn legend(&self, p: &HeatmapProperty, width: usize) -> Line<'static> {
        let count = |name: &str| p.by_level.get(name).copied().unwrap_or(0);
        let wide = |short: bool| {
            let gap = if short { " " } else { "  " };
            let mut spans = vec![Span::styled(" Risk: ", theme::bold())];
            for (name, hex) in LEVELS {
                let label = match (short, name) {
                    (true, "medium") => "med",
                    (true, "critical") => "crit",
                    _ => name,
                };
                spans.push(Span::styled("██", Style::new().fg(theme::hex(hex))));
                spans.push(Span::raw(format!(" {label} {}{gap}", count(name))));
            }
            spans.push(Span::styled("░░", theme::dim()));
            let (unscored, average) = if short { ("none", "avg") } else { ("unscored", "average") };
            spans.push(Span::raw(format!(" {unscored} {}", count("unscored"))));
            spans.push(Span::styled(format!("{gap}· {average} {:.1}", p.avg_risk_score), theme::dim()));
            Line::from(spans)
        };
        let line = wide(false);
        if line.width() <= width {
            line
        } else {
            wide(true)
        }
    }

    /// The grid's lines, the rows of cells (for ↑/↓) and the line of the selected cell.
    fn grid(&self, p: &HeatmapProperty, width: usize) -> (Vec<Line<'static>>, Vec<Vec<usize>>, usize) {
        let cell_w = ordered(p).iter().map(|u| u.unit_number.chars().count()).max().unwrap_or(4) + 2;
        let per_row = (width.saturating_sub(5) / (cell_w + 1)).max(1);
        let (mut lines, mut rows, mut at) = (Vec::new(), Vec::new(), 0);
        let mut i = 0;
        for b in &p.buildings {
            lines.push(Line::styled(format!(" {}", b.building_name), theme::bold()));
            for f in b.floors.iter().rev() {
                for (n, chunk) in f.units.chunks(per_row).enumerate() {
                    let lead = if n == 0 { format!(" F{:<3}", f.floor) } else { "     ".into() };
                    let mut spans = vec![Span::styled(lead, theme::dim())];
                    let mut row = Vec::new();
                    for u in chunk {
                        let picked = i == self.selected;
                        if picked {
                            at = lines.len();
                        }
                        let text = format!("{}{:<w$}", if picked { "▸" } else { " " }, u.unit_number, w = cell_w - 1);
                        let mut style = Style::new().bg(level_color(u.risk_level.as_deref())).fg(Color::Black);
                        if picked {
                            style = style.add_modifier(Modifier::BOLD | Modifier::REVERSED);
                        }
                        spans.push(Span::styled(text, style));
                        spans.push(Span::raw(" "));
                        row.push(i);
                        i += 1;
                    }
                    rows.push(row);
                    lines.push(Line::from(spans));
                }
            }
        }
        (lines, rows, at)
    }

    fn foot(&self) -> Line<'static> {
        if let Some(e) = &self.action_error {
            return Line::styled(e.clone(), theme::error());
        }
        let Some(u) = self.current() else { return Line::raw("") };
        match (u.risk_score, &u.risk_level) {
            (Some(s), Some(l)) => Line::from(vec![
                Span::styled(format!(" {} · ", u.unit_number), theme::bold()),
                Span::styled(format!("{s:.1} {l}"), Style::new().fg(level_color(Some(l))).add_modifier(Modifier::BOLD)),
                Span::raw(if u.predicted_next_wo_type.is_empty() {
                    String::new()
                } else {
                    format!(" · next work order: {}", u.predicted_next_wo_type)
                }),
                Span::styled(" · Enter: risk card", theme::dim()),
            ]),
            _ => Line::from(vec![
                Span::styled(format!(" {} · ", u.unit_number), theme::bold()),
                Span::styled("not scored", theme::dim()),
            ]),
        }
    }
}

impl Screen for Risk {
    fn title(&self) -> String {
        "Maintenance Risk".into()
    }
    fn nav(&self) -> Nav {
        Nav::Maintenance
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::RISK
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Maintenance(MaintRequest::Heatmap));
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
        let last = self.unit_count().saturating_sub(1);
        match action {
            Action::Left => self.selected = self.selected.saturating_sub(1),
            Action::Right => self.selected = (self.selected + 1).min(last),
            Action::Up => self.vertical(false),
            Action::Down => self.vertical(true),
            Action::Top => self.selected = 0,
            Action::Bottom => self.selected = last,
            Action::CycleProperty => {
                let n = self.data.as_ref().map_or(0, |d| d.map.len());
                if n > 0 {
                    self.property = (self.property + 1) % n;
                    self.selected = 0;
                }
            }
            Action::Open => {
                if let Some(u) = self.current() {
                    cx.push(Box::new(RiskCard::new(u.unit_id)));
                }
            }
            Action::RunRiskScoring => self.run.ask(run_confirm(cx.today)),
            _ => {}
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Maintenance(MaintData::Heatmap(d)) => {
                // Keep the selected unit across a reload.
                let keep = self.current().map(|u| u.unit_id);
                self.data = Some(d);
                self.error = None;
                self.property = self.property.min(self.data.as_ref().map_or(0, |d| d.map.len().saturating_sub(1)));
                let found = keep.and_then(|id| {
                    self.current_property().and_then(|p| ordered(p).iter().position(|u| u.unit_id == id))
                });
                self.selected = found.unwrap_or(0);
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
        let Some(p) = self.current_property() else {
            let text = "No units in use on this replica: add a property and its units first.";
            return f.render_widget(Paragraph::new(Line::styled(text, theme::dim())), area);
        };
        let [head, legend, body, foot] =
            Layout::vertical([Constraint::Length(1), Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)])
                .areas(area);
        let units: u32 = p.by_level.values().sum();
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!(" {}", p.property_name), theme::bold()),
                Span::styled(
                    format!(" · property {}/{} (p next) · {units} units", self.property + 1, d.map.len()),
                    theme::dim(),
                ),
            ])),
            head,
        );
        if d.scored == 0 {
            let text = " No risk scores on this replica yet: press r to score every unit now (the weekly job; \
                        `unitcycle maintenance score`).";
            f.render_widget(Paragraph::new(Line::styled(text, theme::dim())), legend);
        } else {
            f.render_widget(Paragraph::new(self.legend(p, usize::from(legend.width))), legend);
        }
        let block = Block::bordered().title(" Heatmap · building › floor › unit ").border_style(theme::dim());
        let inner = block.inner(body);
        let (lines, rows, at) = self.grid(p, usize::from(inner.width));
        *self.rows.borrow_mut() = rows;
        let height = usize::from(inner.height).max(1);
        let first = at.saturating_sub(height.saturating_sub(1)).min(lines.len().saturating_sub(height));
        f.render_widget(Paragraph::new(lines[first..].to_vec()).block(block), body);
        f.render_widget(Paragraph::new(self.foot()), foot);
        self.run.draw(&RUN, f, area);
    }
}

/// What approving or dismissing a suggestion does, in words.
pub fn decide_text(s: &PreventiveWoSuggestion, unit: &str, approve: bool, today: chrono::NaiveDate) -> String {
    if approve {
        let priority = match s.priority.as_str() {
            "urgent" | "high" => "high",
            "low" => "low",
            _ => "medium",
        };
        format!(
            "Approve \"{}\" for unit {unit}? A work order is created: {}, {} priority, requested {}, visit \
             booked for {}, estimate {}. The suggestion is marked work order created.",
            s.title,
            s.category,
            priority,
            date(today),
            date(s.suggested_date.max(today)),
            money(s.estimated_cost)
        )
    } else {
        format!(
            "Dismiss \"{}\" for unit {unit}? No work order is created; the suggestion is marked dismissed.",
            s.title
        )
    }
}

/// A unit's risk card and its pending suggestions.
pub struct RiskCard {
    unit_id: Uuid,
    data: Option<Box<UnitRiskData>>,
    error: Option<String>,
    selected: usize,
    /// The suggestion, approve (or dismiss), and the confirm's text.
    confirm: Option<(Uuid, bool, String)>,
    busy: bool,
    action_error: Option<String>,
}

impl RiskCard {
    pub fn new(unit_id: Uuid) -> RiskCard {
        RiskCard { unit_id, data: None, error: None, selected: 0, confirm: None, busy: false, action_error: None }
    }

    fn suggestion_lines(&self, d: &UnitRiskData, width: usize) -> Vec<Line<'static>> {
        if d.suggestions.is_empty() {
            return vec![Line::styled("No preventive work order waiting for a decision", theme::dim())];
        }
        let mut lines = Vec::new();
        for (i, s) in d.suggestions.iter().enumerate() {
            let picked = i == self.selected;
            let style = if picked { theme::selected() } else { Style::new() };
            lines.push(Line::from(vec![
                Span::styled(if picked { "▸ " } else { "  " }, Style::new().fg(theme::accent())),
                Span::styled(fit(&s.title, width.saturating_sub(2)), style.add_modifier(Modifier::BOLD)),
            ]));
            lines.push(Line::styled(
                format!(
                    "  {} · {} priority · est. {} · by {}",
                    s.category,
                    s.priority,
                    money(s.estimated_cost),
                    date(s.suggested_date)
                ),
                theme::dim(),
            ));
            if picked && !s.reasoning.is_empty() {
                lines.push(Line::raw(format!("  {}", s.reasoning)));
            }
        }
        lines
    }
}

impl Screen for RiskCard {
    fn title(&self) -> String {
        self.data.as_ref().map_or_else(|| "Risk card".into(), |d| format!("Unit {} risk", d.unit.unit_number))
    }
    fn nav(&self) -> Nav {
        Nav::Maintenance
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::RISK_CARD
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Maintenance(MaintRequest::UnitRisk { unit_id: self.unit_id }));
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
                if let Some((id, approve, _)) = self.confirm.take() {
                    let action = if approve {
                        MaintenanceAction::ApproveSuggestion
                    } else {
                        MaintenanceAction::DismissSuggestion
                    };
                    cx.request(Request::Maintenance(MaintRequest::Act { id, action, now: cx.now }));
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
        let last = d.suggestions.len().saturating_sub(1);
        match action {
            Action::Up => self.selected = self.selected.saturating_sub(1),
            Action::Down => self.selected = (self.selected + 1).min(last),
            Action::Approve | Action::Dismiss => match d.suggestions.get(self.selected) {
                Some(s) => {
                    let approve = action == Action::Approve;
                    let today = unitcycle_core::time::today_in(&d.time_zone, cx.now).unwrap_or(cx.today);
                    self.confirm = Some((s.id, approve, decide_text(s, &d.unit.unit_number, approve, today)));
                }
                None => cx.message("No suggestion to decide on this unit"),
            },
            Action::Open => cx.push(Box::new(super::unit::UnitDetail::new(self.unit_id))),
            _ => {}
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Maintenance(MaintData::UnitRisk(d)) => {
                self.selected = self.selected.min(d.suggestions.len().saturating_sub(1));
                self.data = Some(d);
                self.error = None;
            }
            Data::Maintenance(MaintData::Acted(acted)) => {
                self.busy = false;
                let (action, outcome) = *acted;
                let unit = self.data.as_ref().map_or(String::new(), |d| d.unit.unit_number.clone());
                cx.message(match (action, outcome.work_order_id) {
                    (MaintenanceAction::ApproveSuggestion, Some(wo)) => {
                        format!("Saved: work order {} created for unit {unit}", &wo.simple().to_string()[..8])
                    }
                    _ => format!("Saved: suggestion dismissed for unit {unit}"),
                });
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
            Layout::vertical([Constraint::Length(1), Constraint::Min(3), Constraint::Length(1)]).areas(area);
        f.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(format!(" Unit {} ", d.unit.unit_number), theme::bold()),
                Span::styled(format!(" {} · floor {}", d.property_name, d.unit.floor), theme::dim()),
            ])),
            head,
        );
        let [left, right] = Layout::horizontal([Constraint::Length(46), Constraint::Min(20)]).areas(body);
        let card = Block::bordered().title(" Risk card ").border_style(theme::dim());
        f.render_widget(Paragraph::new(card_lines(d.score.as_ref())).wrap(Wrap { trim: false }).block(card), left);
        let title = format!(" Preventive suggestions · {} ", d.suggestions.len());
        let block = Block::bordered().title(title).border_style(theme::dim());
        let lines = self.suggestion_lines(d, usize::from(right.width.saturating_sub(2)));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), right);
        if let Some(e) = &self.action_error {
            f.render_widget(Paragraph::new(Line::styled(e.clone(), theme::error())), foot);
        }
        if self.busy {
            form::popup(f, area, "Saving", vec![Line::styled("Saving…", theme::dim())], 3);
        } else if let Some((_, approve, text)) = &self.confirm {
            let keys = if *approve {
                "y / Enter: approve    n / Esc: cancel"
            } else {
                "y / Enter: dismiss    n / Esc: cancel"
            };
            let lines = vec![Line::raw(text.clone()), Line::raw(""), Line::styled(keys, theme::bold())];
            form::popup(f, area, if *approve { "Approve suggestion" } else { "Dismiss suggestion" }, lines, 9);
        }
    }
}
