//! The portfolio command center (spec 1.4): every unit in one table with multi-filters, bulk
//! selection and the nightly AI recommendations; the bulk-action panel previews, confirms and
//! runs an action over the selection; `e` exports the current view to CSV.
//!
//! All rows are loaded once into memory; filtering and sorting use [`command_center::view`] and
//! drawing builds only the visible rows, so the screen stays instant on 100,000 units.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Gauge, Paragraph, Row as TableRow, Table, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::command_center::bulk::{BulkRequest, BulkResult, Method};
use unitcycle_core::command_center::{self, ActionType, Filter, Row, SortBy};
use unitcycle_core::format::money;
use unitcycle_core::model::LeaseStatus;
use unitcycle_core::store::QueueItem;
use uuid::Uuid;

use super::{placeholder, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets::{fit, STATES};
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

/// Previews fetched for the bulk panel (the first this many selected units).
const MAX_PREVIEWS: usize = 100;

const SORTS: [SortBy; 5] = [SortBy::DaysToEvent, SortBy::Rent, SortBy::Unit, SortBy::Confidence, SortBy::Risk];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PromptKind {
    Rent,
    Export,
}

#[derive(Debug, Clone)]
struct Prompt {
    kind: PromptKind,
    text: String,
    error: Option<String>,
}

#[derive(Debug, Clone)]
enum Stage {
    Setup,
    EditDate { text: String, error: Option<String> },
    Confirm,
    Running { done: usize, total: usize },
    Done(Box<BulkResult>),
    Failed(String),
}

/// The bulk-action panel over the selected units.
#[derive(Debug, Clone)]
struct Panel {
    /// Row indices of the selected units.
    units: Vec<usize>,
    action: ActionType,
    method: Method,
    scheduled: Option<NaiveDate>,
    previews: Option<Vec<(Uuid, Option<QueueItem>)>>,
    preview_seq: u64,
    scroll: u16,
    stage: Stage,
    /// Made once, when the panel is first confirmed: a retry reuses it, so nothing is sent twice.
    request_id: Option<String>,
}

#[derive(Default)]
pub struct CommandCenter {
    rows: Vec<Row>,
    labels: Vec<Option<String>>,
    loaded: bool,
    error: Option<String>,
    filter: Filter,
    orders: command_center::Orders,
    view: Vec<usize>,
    cursor: Cursor,
    selected: Vec<bool>,
    n_selected: usize,
    rent_selected: Decimal,
    properties: Vec<(Uuid, String)>,
    risks: Vec<String>,
    prompt: Option<Prompt>,
    panel: Option<Panel>,
    seq: u64,
    /// The `/` filter: words matched against unit, property, tenant and AI action.
    search: String,
}

/// Whole dollars when there are no cents: `$1,250`.
fn dollars(d: Decimal) -> String {
    let m = money(d);
    m.strip_suffix(".00").map(str::to_string).unwrap_or(m)
}

fn short_state(s: LeaseStatus) -> &'static str {
    match s {
        LeaseStatus::Active => "Active",
        LeaseStatus::MonthToMonth => "MTM",
        LeaseStatus::Notice => "Notice",
        LeaseStatus::Vacant => "Vacant",
    }
}

fn risk_label(level: &str) -> String {
    match level {
        "low" => "Low".into(),
        "medium" => "Med".into(),
        "high" => "High".into(),
        "critical" => "Crit".into(),
        "good_history" => "Good".into(),
        "standard" => "Std".into(),
        "repeat_offender" => "Repeat".into(),
        "chronic" => "Chronic".into(),
        other => other.to_string(),
    }
}

fn risk_rank(level: &str) -> u8 {
    command_center::risk_rank(Some(level))
}

fn icon(a: ActionType) -> &'static str {
    match a {
        ActionType::EvictionPrep => "⚠",
        ActionType::EarlyRenewalNudge => "💡",
        _ => "⭐",
    }
}

/// `⭐ Offer renewal @ $1,150 (92%)`.
pub fn ai_badge(row: &Row, label: Option<&str>) -> Option<String> {
    let a = row.ai_action?;
    let pct = row.ai_confidence.map(|c| format!(" ({:.0}%)", c * 100.0)).unwrap_or_default();
    Some(format!("{} {}{pct}", icon(a), label.unwrap_or(a.label())))
}

/// Singular and plural of what a bulk action sends.
fn noun(a: ActionType) -> (&'static str, &'static str) {
    match a {
        ActionType::RenewalOffer => ("renewal offer", "renewal offers"),
        ActionType::EarlyRenewalNudge => ("early renewal nudge", "early renewal nudges"),
        ActionType::RentIncreaseNotice => ("rent increase notice", "rent increase notices"),
        ActionType::MoveOutInspection => ("move-out inspection notice", "move-out inspection notices"),
        ActionType::ListingPrep => ("listing prep", "listing prep"),
        ActionType::EvictionPrep => ("eviction prep", "eviction prep"),
    }
}

/// Listing and eviction prep are tasks for the team: nothing is sent to tenants.
fn sends_messages(a: ActionType) -> bool {
    !matches!(a, ActionType::ListingPrep | ActionType::EvictionPrep)
}

fn channel(m: Method) -> &'static str {
    match m {
        Method::Email => "email",
        Method::Sms => "SMS",
        Method::Both => "email and SMS",
        Method::Manual => "no message",
    }
}

/// Exactly what confirming will do: "Send 12 renewal offers by email?".
pub fn confirm_text(a: ActionType, n: usize, method: Method, scheduled: Option<NaiveDate>) -> String {
    if !sends_messages(a) || method == Method::Manual {
        let units = if n == 1 { "1 unit".to_string() } else { format!("{n} units") };
        return format!("Flag {units} for {}? No messages are sent to tenants.", noun(a).0);
    }
    let what = if n == 1 { format!("1 {}", noun(a).0) } else { format!("{n} {}", noun(a).1) };
    match scheduled {
        None => format!("Send {what} by {} now?", channel(method)),
        Some(d) => format!("Schedule {what} by {} for {d}?", channel(method)),
    }
}

/// One CSV field, quoted when it holds a comma, quote or line break (RFC 4180).
pub fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The view as CSV, one line per unit in view order.
pub fn csv(rows: &[Row], labels: &[Option<String>], view: &[usize]) -> String {
    let mut out = String::from(
        "property,unit,tenant,lifecycle_state,rent,market_rent,days_to_event,risk_level,ai_action,ai_description,ai_confidence,unit_id\n",
    );
    for &i in view {
        let r = &rows[i];
        let fields = [
            r.property_name.clone(),
            r.unit_number.clone(),
            r.tenant_name.clone().unwrap_or_default(),
            r.lifecycle_state.label().to_string(),
            r.rent.round_dp(2).to_string(),
            r.market_rent.round_dp(2).to_string(),
            r.days_to_event.map(|d| d.to_string()).unwrap_or_default(),
            r.risk_level.clone().unwrap_or_default(),
            r.ai_action.map(|a| a.as_str().to_string()).unwrap_or_default(),
            labels.get(i).cloned().flatten().unwrap_or_default(),
            r.ai_confidence.map(|c| format!("{c:.2}")).unwrap_or_default(),
            r.unit_id.to_string(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        let _ = writeln!(out, "{}", line.join(","));
    }
    out
}

/// `900-1500`, `-1200`, `1000-`, `$1,000-$2,000`; empty clears the range.
pub fn parse_rent_range(text: &str) -> Result<(Option<Decimal>, Option<Decimal>), String> {
    let bad = || format!("invalid rent range '{text}': expected e.g. 900-1500, -1200 or 1000-");
    let t: String = text.chars().filter(|c| !matches!(c, '$' | ',' | ' ')).collect();
    if t.is_empty() {
        return Ok((None, None));
    }
    let (lo, hi) = t.split_once(['-', '–']).ok_or_else(bad)?;
    let num = |s: &str| -> Result<Option<Decimal>, String> {
        if s.is_empty() {
            Ok(None)
        } else {
            s.parse::<Decimal>().map(Some).map_err(|_| bad())
        }
    };
    let (lo, hi) = (num(lo)?, num(hi)?);
    if let (Some(a), Some(b)) = (lo, hi) {
        if a > b {
            return Err(format!("the minimum rent ({}) is above the maximum ({})", dollars(a), dollars(b)));
        }
    }
    Ok((lo, hi))
}

/// `command-center-YYYY-MM-DD.csv` in the replica's directory.
pub fn default_export_path(replica: &str, today: NaiveDate) -> PathBuf {
    let name = format!("command-center-{}.csv", today.format("%Y-%m-%d"));
    match Path::new(replica).parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join(name),
        _ => PathBuf::from(name),
    }
}

impl CommandCenter {
    fn refresh_view(&mut self) {
        self.view = self.orders.view(&self.rows, &self.filter);
        if !self.search.is_empty() {
            let (rows, labels) = (&self.rows, &self.labels);
            self.view.retain(|&i| {
                let r = &rows[i];
                let label = labels.get(i).and_then(|l| l.as_deref()).unwrap_or_default();
                let tenant = r.tenant_name.as_deref().unwrap_or_default();
                super::matches(&self.search, &[&r.unit_number, &r.property_name, tenant, label])
            });
        }
        self.cursor.len = self.view.len();
        self.cursor.selected = self.cursor.selected.min(self.view.len().saturating_sub(1));
    }

    fn recount(&mut self) {
        self.n_selected = self.selected.iter().filter(|s| **s).count();
        self.rent_selected =
            command_center::total_rent(self.rows.iter().zip(&self.selected).filter(|(_, s)| **s).map(|(r, _)| r));
    }

    fn current(&self) -> Option<usize> {
        self.view.get(self.cursor.selected).copied()
    }

    fn toggle_state(&mut self, s: LeaseStatus) {
        let states = &mut self.filter.lifecycle_states;
        if let Some(i) = states.iter().position(|x| *x == s) {
            states.remove(i);
        } else {
            states.push(s);
            states.sort_by_key(|x| STATES.iter().position(|y| y == x));
        }
        self.refresh_view();
    }

    fn set_selection(&mut self, f: impl Fn(usize, bool) -> bool) {
        for &i in &self.view {
            self.selected[i] = f(i, self.selected[i]);
        }
        self.recount();
    }

    fn open_panel(&mut self, cx: &mut Cx) {
        let units: Vec<usize> = (0..self.rows.len()).filter(|&i| self.selected[i]).collect();
        if units.is_empty() {
            cx.message("Select units first (Space selects, a selects every unit shown)");
            return;
        }
        // The most common AI action among the selection (ties: the spec's order).
        let mut counts: BTreeMap<usize, usize> = BTreeMap::new();
        for &i in &units {
            if let Some(a) = self.rows[i].ai_action {
                *counts.entry(ActionType::ALL.iter().position(|x| *x == a).unwrap_or(0)).or_default() += 1;
            }
        }
        let best = counts.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|(i, _)| ActionType::ALL[*i]);
        let action = best.unwrap_or(ActionType::RenewalOffer);
        let mut panel = Panel {
            units,
            action,
            method: if sends_messages(action) { Method::Email } else { Method::Manual },
            scheduled: None,
            previews: None,
            preview_seq: 0,
            scroll: 0,
            stage: Stage::Setup,
            request_id: None,
        };
        self.request_previews(&mut panel, cx);
        self.panel = Some(panel);
    }

    fn request_previews(&mut self, panel: &mut Panel, cx: &mut Cx) {
        self.seq += 1;
        panel.preview_seq = self.seq;
        panel.previews = None;
        panel.scroll = 0;
        let units = panel.units.iter().take(MAX_PREVIEWS).map(|&i| self.rows[i].unit_id).collect();
        cx.request(Request::CcPreviews { seq: self.seq, units, action_type: panel.action });
    }

    fn bulk_request(&self, panel: &Panel) -> BulkRequest {
        BulkRequest {
            request_id: panel.request_id.clone().unwrap_or_default(),
            action_type: panel.action,
            unit_ids: panel.units.iter().map(|&i| self.rows[i].unit_id).collect(),
            method: panel.method,
            scheduled_for: panel.scheduled.and_then(|d| d.and_hms_opt(9, 0, 0)).map(|t| t.and_utc()),
            suggested_payload: serde_json::json!({}),
        }
    }

    fn panel_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        let Some(mut panel) = self.panel.take() else { return };
        let mut keep = true;
        match &mut panel.stage {
            Stage::Setup => match key.code {
                KeyCode::Esc => {
                    keep = false;
                    cx.message("Bulk action cancelled: nothing was sent");
                }
                // Fixed once confirmed: a retry must repeat exactly the same request.
                KeyCode::Char('t') | KeyCode::Tab | KeyCode::Right | KeyCode::BackTab | KeyCode::Left
                    if panel.request_id.is_none() =>
                {
                    let all = ActionType::ALL;
                    let i = all.iter().position(|a| *a == panel.action).unwrap_or(0);
                    let back = matches!(key.code, KeyCode::BackTab | KeyCode::Left);
                    panel.action = all[if back { (i + all.len() - 1) % all.len() } else { (i + 1) % all.len() }];
                    panel.method = match (sends_messages(panel.action), panel.method) {
                        (false, _) => Method::Manual,
                        (true, Method::Manual) => Method::Email,
                        (true, m) => m,
                    };
                    self.request_previews(&mut panel, cx);
                }
                KeyCode::Char('c') if sends_messages(panel.action) && panel.request_id.is_none() => {
                    panel.method = match panel.method {
                        Method::Email => Method::Sms,
                        Method::Sms => Method::Both,
                        _ => Method::Email,
                    };
                }
                KeyCode::Char('n') => panel.scheduled = None,
                KeyCode::Char('s') => {
                    let d = panel.scheduled.unwrap_or(cx.today + chrono::Duration::days(1));
                    panel.stage = Stage::EditDate { text: d.to_string(), error: None };
                }
                KeyCode::Up | KeyCode::Char('k') => panel.scroll = panel.scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => panel.scroll = panel.scroll.saturating_add(1),
                KeyCode::PageUp => panel.scroll = panel.scroll.saturating_sub(10),
                KeyCode::PageDown => panel.scroll = panel.scroll.saturating_add(10),
                KeyCode::Enter => panel.stage = Stage::Confirm,
                _ => {}
            },
            Stage::EditDate { text, error } => match key.code {
                KeyCode::Esc => panel.stage = Stage::Setup,
                KeyCode::Backspace => {
                    text.pop();
                }
                KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
                KeyCode::Char(c) => text.push(c),
                KeyCode::Enter => match NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d") {
                    Ok(d) if d < cx.today => *error = Some(format!("{d} is in the past: pick today or later")),
                    Ok(d) => {
                        panel.scheduled = if d == cx.today { None } else { Some(d) };
                        panel.stage = Stage::Setup;
                    }
                    Err(_) => *error = Some(format!("invalid date '{}': expected YYYY-MM-DD", text.trim())),
                },
                _ => {}
            },
            Stage::Confirm => match key.code {
                KeyCode::Char('y') | KeyCode::Enter => {
                    panel.request_id.get_or_insert_with(|| Uuid::new_v4().to_string());
                    let req = self.bulk_request(&panel);
                    panel.stage = Stage::Running { done: 0, total: req.unit_ids.len() };
                    cx.request(Request::CcBulk { req: Box::new(req), actor: cx.actor.clone(), now: cx.now });
                }
                KeyCode::Char('n') | KeyCode::Esc => panel.stage = Stage::Setup,
                _ => {}
            },
            Stage::Running { .. } => {}
            Stage::Done(_) | Stage::Failed(_) => match key.code {
                KeyCode::Char('r') => panel.stage = Stage::Confirm,
                KeyCode::Enter | KeyCode::Esc => {
                    keep = false;
                    if matches!(panel.stage, Stage::Done(_)) {
                        self.selected.iter_mut().for_each(|s| *s = false);
                        self.recount();
                    }
                    // Executed recommendations leave the queue: reload the rows.
                    self.reload(cx);
                }
                _ => {}
            },
        }
        if keep {
            self.panel = Some(panel);
        }
    }

    fn prompt_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        let Some(mut p) = self.prompt.take() else { return };
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Backspace => {
                p.text.pop();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => p.text.clear(),
            KeyCode::Char(c) => p.text.push(c),
            KeyCode::Enter => match p.kind {
                PromptKind::Rent => match parse_rent_range(&p.text) {
                    Ok((lo, hi)) => {
                        self.filter.min_rent = lo;
                        self.filter.max_rent = hi;
                        self.refresh_view();
                        return;
                    }
                    Err(e) => p.error = Some(e),
                },
                PromptKind::Export => {
                    let path = PathBuf::from(p.text.trim());
                    if p.text.trim().is_empty() {
                        p.error = Some("type a file path".into());
                    } else {
                        match std::fs::write(&path, csv(&self.rows, &self.labels, &self.view)) {
                            Ok(()) => {
                                cx.message(format!("Exported {} units to {}", self.view.len(), path.display()));
                                return;
                            }
                            Err(e) => p.error = Some(format!("cannot write {}: {e}", path.display())),
                        }
                    }
                }
            },
            _ => {}
        }
        self.prompt = Some(p);
    }

    fn filter_lines(&self) -> Vec<Line<'static>> {
        let mut l1 = vec![Span::styled("Lifecycle ", theme::dim())];
        for s in STATES {
            let on = self.filter.lifecycle_states.contains(&s);
            let key = match s {
                LeaseStatus::Active => "T",
                LeaseStatus::MonthToMonth => "M",
                LeaseStatus::Notice => "N",
                LeaseStatus::Vacant => "V",
            };
            let style = if on {
                Style::new().bg(theme::status(s)).fg(Color::Black).add_modifier(Modifier::BOLD)
            } else {
                Style::new().fg(theme::status(s))
            };
            l1.push(Span::styled(format!("[{key}] {}", short_state(s)), style));
            l1.push(Span::raw(" "));
        }
        if self.filter.lifecycle_states.is_empty() {
            l1.push(Span::styled("(all) ", theme::dim()));
        }
        let risk = self.filter.risk_level.as_deref().map_or("All".to_string(), risk_label);
        l1.push(Span::styled(" Risk ", theme::dim()));
        l1.push(Span::styled(format!("[{risk}]"), theme::bold()));
        l1.push(Span::styled(" AI only ", theme::dim()));
        l1.push(Span::styled(if self.filter.with_ai_action { "[on]" } else { "[off]" }, theme::bold()));

        let property = match self.filter.property {
            Some(id) => self.properties.iter().find(|p| p.0 == id).map_or("?".into(), |p| p.1.clone()),
            None => "All properties".into(),
        };
        let rent = match (self.filter.min_rent, self.filter.max_rent) {
            (None, None) => "any".to_string(),
            (lo, hi) => format!("{}–{}", lo.map_or("$0".into(), dollars), hi.map_or("no max".into(), dollars)),
        };
        let sort = self.filter.sort_by.unwrap_or(SortBy::DaysToEvent);
        let l2 = vec![
            Span::styled("Property ", theme::dim()),
            Span::styled(format!("[{}]", fit(&property, 22)), theme::bold()),
            Span::styled(" Rent ", theme::dim()),
            Span::styled(format!("[{rent}]"), theme::bold()),
            Span::styled(" Sort ", theme::dim()),
            Span::styled(
                format!("[{} {}]", sort.label(), if self.filter.descending { "↓" } else { "↑" }),
                theme::bold(),
            ),
        ];
        let mut l2 = l2;
        if !self.search.is_empty() {
            l2.push(Span::styled(" Filter ", theme::dim()));
            l2.push(Span::styled(format!("[{}]", self.search), theme::bold()));
        }
        vec![Line::from(l1), Line::from(l2)]
    }

    fn draw_table(&self, f: &mut Frame, area: Rect) {
        let height = usize::from(area.height.saturating_sub(1));
        self.cursor.height.set(height.max(1));
        let first = self.cursor.first_visible(height);
        // The fixed columns and spacing take 36 cells (and the last one is left free, where
        // the bulk panel's edge shows the table); the unit with its property and the tenant
        // take what their longest need, up to 2/5 and 3/10 of the rest, the AI action the
        // remainder, so a wider terminal cuts nothing.
        let rest = area.width.saturating_sub(37);
        let longest = |w: fn(&Row) -> usize| self.rows.iter().map(w).max().unwrap_or(0) as u16;
        let unit_w =
            longest(|r| r.unit_number.chars().count() + 3 + r.property_name.chars().count()).max(15).min(rest * 2 / 5);
        let tenant_w = longest(|r| r.tenant_name.as_deref().map_or(1, |t| t.chars().count())).max(6).min(rest * 3 / 10);
        let ai_w = usize::from(rest - unit_w - tenant_w);
        let widths = [
            Constraint::Length(1),
            Constraint::Length(unit_w),
            Constraint::Length(tenant_w),
            Constraint::Length(8),
            Constraint::Length(9),
            Constraint::Length(5),
            Constraint::Length(6),
            Constraint::Fill(1),
        ];
        let header = TableRow::new(
            ["☐", "Unit · property", "Tenant", "State", "Rent", "Days", "Risk", "AI action"]
                .into_iter()
                .enumerate()
                .map(|(i, h)| {
                    let line = Line::from(h);
                    Cell::from(if i == 4 || i == 5 { line.alignment(Alignment::Right) } else { line })
                }),
        )
        .style(theme::bold().fg(theme::accent()));
        let rows = self.view.iter().enumerate().skip(first).take(height).map(|(pos, &i)| {
            let r = &self.rows[i];
            let checked = self.selected[i];
            let tenant = match &r.tenant_name {
                Some(t) => Cell::from(fit(t, usize::from(tenant_w))),
                None => Cell::from(Span::styled("—", theme::dim())),
            };
            let state = Cell::from(Span::styled(
                format!(" {} ", short_state(r.lifecycle_state)),
                Style::new().bg(theme::status(r.lifecycle_state)).fg(Color::Black).add_modifier(Modifier::BOLD),
            ));
            let days = r.days_to_event.map_or("—".to_string(), |d| format!("{d}d"));
            let risk = r.risk_level.as_deref().map_or("—".to_string(), risk_label);
            let risk_style = match r.risk_level.as_deref().map(risk_rank) {
                Some(4) | Some(3) => theme::error(),
                Some(2) => Style::new().fg(theme::hex("#D97706")),
                _ => Style::new(),
            };
            let ai = match ai_badge(r, self.labels.get(i).and_then(|l| l.as_deref())) {
                Some(t) => Cell::from(fit(&t, ai_w)),
                None => Cell::from(Span::styled("—", theme::dim())),
            };
            let row = TableRow::new(vec![
                Cell::from(Span::styled(
                    if checked { "☑" } else { "☐" },
                    if checked { theme::bold().fg(theme::accent()) } else { theme::dim() },
                )),
                Cell::from(fit(&format!("{} · {}", r.unit_number, r.property_name), usize::from(unit_w))),
                tenant,
                state,
                Cell::from(Line::from(dollars(r.rent)).alignment(Alignment::Right)),
                Cell::from(Line::from(days).alignment(Alignment::Right)),
                Cell::from(Span::styled(risk, risk_style)),
                ai,
            ]);
            if pos == self.cursor.selected {
                row.style(theme::selected())
            } else {
                row
            }
        });
        f.render_widget(Table::new(rows, widths).header(header).column_spacing(1), area);
    }

    fn footer(&self) -> Line<'static> {
        if let Some(p) = &self.prompt {
            let lead = match p.kind {
                PromptKind::Rent => "Rent range (900-1500, -1200, 1000-; empty = any): ",
                PromptKind::Export => "Export CSV to: ",
            };
            let mut spans =
                vec![Span::styled(lead, theme::bold()), Span::raw(p.text.clone()), Span::styled("█", theme::dim())];
            if let Some(e) = &p.error {
                spans.push(Span::styled(format!("  {e}"), theme::error()));
            }
            return Line::from(spans);
        }
        Line::from(vec![
            Span::styled(format!("Showing {} units", self.view.len()), theme::bold()),
            Span::styled(" │ ", theme::dim()),
            Span::raw(format!("{} selected", self.n_selected)),
            Span::styled(" │ ", theme::dim()),
            Span::raw(format!("Total rent selected: {}", dollars(self.rent_selected))),
        ])
    }

    fn draw_panel(&self, panel: &Panel, f: &mut Frame, area: Rect) {
        let r = Rect {
            x: area.x + 1,
            y: area.y + 1,
            width: area.width.saturating_sub(2),
            height: area.height.saturating_sub(2),
        };
        f.render_widget(Clear, r);
        let title = format!(
            " ✉ Bulk Action: {} ({} unit{}) ",
            panel.action.label(),
            panel.units.len(),
            if panel.units.len() == 1 { "" } else { "s" }
        );
        let block =
            Block::bordered().title(Span::styled(title, theme::bold())).border_style(Style::new().fg(theme::accent()));
        let inner = block.inner(r);
        f.render_widget(block, r);
        let [head, body, foot] =
            Layout::vertical([Constraint::Length(4), Constraint::Min(1), Constraint::Length(2)]).areas(inner);
        let width = usize::from(inner.width);
        let names: Vec<String> = panel
            .units
            .iter()
            .map(|&i| {
                let r = &self.rows[i];
                match &r.tenant_name {
                    Some(t) => format!("{} ({t})", r.unit_number),
                    None => r.unit_number.clone(),
                }
            })
            .collect();
        let with_action = match &panel.previews {
            Some(items) => items.iter().filter(|(_, q)| q.is_some()).count(),
            None => panel.units.iter().filter(|&&i| self.rows[i].ai_action == Some(panel.action)).count(),
        };
        let opt = |on: bool, text: &str| {
            if on {
                Span::styled(
                    format!("[{text}]"),
                    Style::new().bg(theme::accent()).fg(Color::Black).add_modifier(Modifier::BOLD),
                )
            } else {
                Span::styled(format!(" {text} "), theme::dim())
            }
        };
        let send = sends_messages(panel.action);
        let mut via = vec![Span::styled("Send via ", theme::dim())];
        if send {
            via.push(opt(panel.method == Method::Email, "Email"));
            via.push(opt(panel.method == Method::Sms, "SMS"));
            via.push(opt(panel.method == Method::Both, "Both"));
            via.push(Span::styled(" (c)   When ", theme::dim()));
            via.push(opt(panel.scheduled.is_none(), "Send now"));
            via.push(opt(
                panel.scheduled.is_some(),
                &panel.scheduled.map_or("Schedule".to_string(), |d| format!("Schedule {d}")),
            ));
            via.push(Span::styled(" (n/s)", theme::dim()));
        } else {
            via.push(Span::styled("no message: a task for the team", theme::bold()));
        }
        let head_lines = vec![
            Line::from(vec![
                Span::styled("Units ", theme::dim()),
                Span::raw(fit(&names.join(", "), width.saturating_sub(6))),
            ]),
            Line::from(vec![
                Span::styled("Action ", theme::dim()),
                Span::styled(format!("◀ {} ▶", panel.action.label()), theme::bold()),
                Span::styled(
                    format!(" (t)  {with_action} of {} selected have this AI recommendation", panel.units.len()),
                    theme::dim(),
                ),
            ]),
            Line::from(via),
            Line::from(Span::styled(
                fit(
                    &format!(
                        "─── AI-GENERATED PREVIEW ({} of {} shown) {}",
                        panel.previews.as_ref().map_or(0, |p| p.len()),
                        panel.units.len(),
                        "─".repeat(width)
                    ),
                    width,
                ),
                theme::dim(),
            )),
        ];
        f.render_widget(Paragraph::new(head_lines), head);

        match &panel.stage {
            Stage::Done(res) => self.draw_result(res, f, body),
            Stage::Failed(e) => f.render_widget(
                Paragraph::new(vec![
                    Line::styled("The bulk action stopped:", theme::error()),
                    Line::raw(e.clone()),
                    Line::raw("Units done before the error are recorded; r retries the same request and skips them."),
                ])
                .wrap(Wrap { trim: false }),
                body,
            ),
            _ => {
                let lines = match &panel.previews {
                    None => vec![Line::styled("Loading previews…", theme::dim())],
                    Some(items) => self.preview_lines(items),
                };
                f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((panel.scroll, 0)), body);
            }
        }

        let n = panel.units.len();
        let foot_lines = match &panel.stage {
            Stage::Setup => vec![
                Line::from(Span::styled(confirm_text(panel.action, n, panel.method, panel.scheduled), theme::bold())),
                Line::from(Span::styled(
                    "Enter review & send · t action · c channel · n now · s schedule · ↑↓ scroll · Esc cancel",
                    theme::dim(),
                )),
            ],
            Stage::EditDate { text, error } => vec![
                Line::from(vec![
                    Span::styled("Schedule for (YYYY-MM-DD): ", theme::bold()),
                    Span::raw(text.clone()),
                    Span::styled("█", theme::dim()),
                ]),
                match error {
                    Some(e) => Line::styled(e.clone(), theme::error()),
                    None => Line::styled("Enter set · Esc back", theme::dim()),
                },
            ],
            Stage::Confirm => vec![
                Line::from(Span::styled(
                    confirm_text(panel.action, n, panel.method, panel.scheduled),
                    theme::bold().fg(theme::hex("#D97706")),
                )),
                Line::from(Span::styled(
                    if panel.request_id.is_some() {
                        "y/Enter yes (a retry: units already done are not sent again) · n/Esc no"
                    } else {
                        "y/Enter yes · n/Esc no"
                    },
                    theme::dim(),
                )),
            ],
            Stage::Running { done, total } => {
                let [label, bar] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(foot);
                f.render_widget(Paragraph::new(format!("Working… {done} of {total} units")), label);
                let ratio = if *total == 0 { 1.0 } else { *done as f64 / *total as f64 };
                f.render_widget(
                    Gauge::default().gauge_style(Style::new().fg(theme::accent())).ratio(ratio.clamp(0.0, 1.0)),
                    bar,
                );
                return;
            }
            Stage::Done(_) | Stage::Failed(_) => vec![
                Line::raw(""),
                Line::from(Span::styled(
                    "Enter/Esc close · r retry the same request (nothing is sent twice)",
                    theme::dim(),
                )),
            ],
        };
        f.render_widget(Paragraph::new(foot_lines), foot);
    }

    fn preview_lines(&self, items: &[(Uuid, Option<QueueItem>)]) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for (unit_id, item) in items {
            let Some(row) = self.rows.iter().find(|r| r.unit_id == *unit_id) else { continue };
            let who = row.tenant_name.clone().unwrap_or_else(|| "vacant".into());
            lines.push(Line::from(Span::styled(format!("Unit {} — {who}", row.unit_number), theme::bold())));
            match item {
                Some(q) => {
                    lines.push(Line::from(vec![
                        Span::raw(q.description.clone()),
                        Span::styled(
                            format!("  ({}% confidence)", (q.confidence_score * Decimal::from(100)).round()),
                            theme::dim(),
                        ),
                    ]));
                    if !q.generation_reason.is_empty() {
                        lines.push(Line::styled(q.generation_reason.clone(), theme::dim()));
                    }
                    if let Some(draft) = &q.generated_content {
                        for l in draft.lines() {
                            lines.push(Line::raw(format!("  │ {l}")));
                        }
                    }
                }
                None => lines.push(Line::styled(
                    "No AI recommendation of this type for this unit: the action is drafted when sent.",
                    theme::dim(),
                )),
            }
            lines.push(Line::raw(""));
        }
        lines
    }

    fn draw_result(&self, res: &BulkResult, f: &mut Frame, area: Rect) {
        let mut lines = vec![
            Line::styled("Bulk action finished", theme::bold().fg(theme::accent())),
            Line::raw(format!(
                "Executed {} · already done {} · skipped {} · messages queued {}",
                res.executed,
                res.already_done,
                res.skipped.len(),
                res.messages_queued
            )),
            Line::styled(format!("Batch {}", res.batch_id), theme::dim()),
        ];
        if !res.skipped.is_empty() {
            lines.push(Line::styled("Skipped:", theme::bold()));
            for (unit, why) in &res.skipped {
                let label =
                    self.rows.iter().find(|r| r.unit_id == *unit).map_or(unit.to_string(), |r| r.unit_number.clone());
                lines.push(Line::raw(format!("  {label}: {why}")));
            }
        }
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
    }
}

impl Screen for CommandCenter {
    fn title(&self) -> String {
        "Command Center".into()
    }

    fn nav(&self) -> Nav {
        Nav::CommandCenter
    }

    fn bindings(&self) -> &'static [Binding] {
        keys::COMMAND_CENTER
    }

    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::CommandCenter { today: cx.today });
    }

    fn capturing(&self) -> bool {
        self.prompt.is_some() || self.panel.is_some()
    }

    fn filter(&self) -> Option<&str> {
        Some(&self.search)
    }

    fn set_filter(&mut self, text: String, _cx: &mut Cx) {
        self.search = text;
        self.cursor.selected = 0;
        self.refresh_view();
    }

    fn loading(&self) -> bool {
        !self.loaded && self.error.is_none()
    }

    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.panel.is_some() {
            self.panel_key(key, cx);
        } else {
            self.prompt_key(key, cx);
        }
    }

    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        if !self.loaded {
            return;
        }
        match action {
            Action::Up | Action::Down | Action::PageUp | Action::PageDown | Action::Top | Action::Bottom => {
                self.cursor.apply(action);
            }
            Action::ToggleSelect => {
                if let Some(i) = self.current() {
                    self.selected[i] = !self.selected[i];
                    self.recount();
                    self.cursor.apply(Action::Down);
                }
            }
            Action::SelectAll => self.set_selection(|_, _| true),
            Action::InvertSelection => self.set_selection(|_, s| !s),
            Action::SelectSameAi => {
                let Some(a) = self.current().and_then(|i| self.rows[i].ai_action) else {
                    cx.message("This unit has no AI action to select by");
                    return;
                };
                let rows = &self.rows;
                let same: Vec<bool> = self.view.iter().map(|&i| rows[i].ai_action == Some(a)).collect();
                for (k, &i) in self.view.iter().enumerate() {
                    if same[k] {
                        self.selected[i] = true;
                    }
                }
                self.recount();
                cx.message(format!("Selected every unit shown with AI action “{}”", a.label()));
            }
            Action::ClearSelection => {
                self.selected.iter_mut().for_each(|s| *s = false);
                self.recount();
            }
            Action::ToggleActive => self.toggle_state(LeaseStatus::Active),
            Action::ToggleMtm => self.toggle_state(LeaseStatus::MonthToMonth),
            Action::ToggleNotice => self.toggle_state(LeaseStatus::Notice),
            Action::ToggleVacant => self.toggle_state(LeaseStatus::Vacant),
            Action::CycleProperty => {
                let pos = self.filter.property.and_then(|p| self.properties.iter().position(|x| x.0 == p));
                self.filter.property = match pos {
                    None => self.properties.first().map(|p| p.0),
                    Some(i) => self.properties.get(i + 1).map(|p| p.0),
                };
                self.refresh_view();
            }
            Action::CycleRisk => {
                let pos = self.filter.risk_level.as_ref().and_then(|r| self.risks.iter().position(|x| x == r));
                self.filter.risk_level = match pos {
                    None => self.risks.first().cloned(),
                    Some(i) => self.risks.get(i + 1).cloned(),
                };
                self.refresh_view();
            }
            Action::RentRange => {
                let text = match (self.filter.min_rent, self.filter.max_rent) {
                    (None, None) => String::new(),
                    (lo, hi) => format!(
                        "{}-{}",
                        lo.map(|d| d.normalize().to_string()).unwrap_or_default(),
                        hi.map(|d| d.normalize().to_string()).unwrap_or_default()
                    ),
                };
                self.prompt = Some(Prompt { kind: PromptKind::Rent, text, error: None });
            }
            Action::ToggleAiOnly => {
                self.filter.with_ai_action = !self.filter.with_ai_action;
                self.refresh_view();
            }
            Action::CycleSort => {
                let cur = self.filter.sort_by.unwrap_or(SortBy::DaysToEvent);
                let i = SORTS.iter().position(|s| *s == cur).unwrap_or(0);
                self.filter.sort_by = Some(SORTS[(i + 1) % SORTS.len()]);
                self.refresh_view();
            }
            Action::SortDirection => {
                self.filter.descending = !self.filter.descending;
                self.refresh_view();
            }
            Action::ClearFilters => {
                self.filter = Filter::default();
                self.search.clear();
                self.refresh_view();
            }
            Action::BulkActions => self.open_panel(cx),
            Action::ExportCsv => {
                let path = default_export_path(&cx.replica, cx.today);
                self.prompt = Some(Prompt { kind: PromptKind::Export, text: path.display().to_string(), error: None });
            }
            _ => {}
        }
    }

    fn on_data(&mut self, data: Data, _cx: &mut Cx) {
        match data {
            Data::CommandCenter(d) => {
                // Keep the selection by unit across a reload.
                let keep: std::collections::HashSet<Uuid> =
                    self.rows.iter().zip(&self.selected).filter(|(_, s)| **s).map(|(r, _)| r.unit_id).collect();
                let d = *d;
                self.selected = d.rows.iter().map(|r| keep.contains(&r.unit_id)).collect();
                self.rows = d.rows;
                self.labels = d.ai_labels;
                self.orders = d.orders;
                self.properties = d.properties;
                self.risks = d.risks;
                self.loaded = true;
                self.error = None;
                self.refresh_view();
                self.recount();
            }
            Data::CcPreviews { seq, items } => {
                if let Some(p) = &mut self.panel {
                    if p.preview_seq == seq {
                        p.previews = Some(items);
                    }
                }
            }
            Data::CcProgress { done, total } => {
                if let Some(p) = &mut self.panel {
                    p.stage = Stage::Running { done, total };
                }
            }
            Data::CcBulkDone(res) => {
                if let Some(p) = &mut self.panel {
                    p.stage = Stage::Done(res);
                }
            }
            Data::Error(e) => match &mut self.panel {
                Some(p) if matches!(p.stage, Stage::Running { .. }) => p.stage = Stage::Failed(e),
                _ => self.error = Some(e),
            },
            _ => {}
        }
    }

    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        if !self.loaded {
            placeholder(f, area, &self.error);
            return;
        }
        let [filters, table, footer] =
            Layout::vertical([Constraint::Length(2), Constraint::Min(2), Constraint::Length(1)]).areas(area);
        f.render_widget(Paragraph::new(self.filter_lines()), filters);
        if self.view.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled("No units match these filters (x clears them)", theme::dim())),
                table,
            );
        } else {
            self.draw_table(f, table);
        }
        f.render_widget(Paragraph::new(self.footer()), footer);
        if let Some(p) = &self.panel {
            self.draw_panel(p, f, area);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn csv_fields_are_quoted_only_when_needed() {
        assert_eq!(csv_field("Maple Court"), "Maple Court");
        assert_eq!(csv_field("Rivera, James"), "\"Rivera, James\"");
        assert_eq!(csv_field("the \"Oaks\""), "\"the \"\"Oaks\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }

    #[test]
    fn rent_ranges_parse_with_open_ends() {
        assert_eq!(parse_rent_range("900-1500"), Ok((Some(dec(900)), Some(dec(1500)))));
        assert_eq!(parse_rent_range("$1,000-"), Ok((Some(dec(1000)), None)));
        assert_eq!(parse_rent_range("-1200"), Ok((None, Some(dec(1200)))));
        assert_eq!(parse_rent_range(""), Ok((None, None)));
        assert!(parse_rent_range("abc").unwrap_err().contains("invalid rent range 'abc'"));
        assert!(parse_rent_range("2000-1000").unwrap_err().contains("above the maximum"));
    }

    #[test]
    fn the_confirm_step_says_exactly_what_will_happen() {
        assert_eq!(
            confirm_text(ActionType::RenewalOffer, 12, Method::Email, None),
            "Send 12 renewal offers by email now?"
        );
        assert_eq!(
            confirm_text(ActionType::RentIncreaseNotice, 1, Method::Both, NaiveDate::from_ymd_opt(2026, 12, 1)),
            "Schedule 1 rent increase notice by email and SMS for 2026-12-01?"
        );
        assert_eq!(
            confirm_text(ActionType::ListingPrep, 3, Method::Manual, None),
            "Flag 3 units for listing prep? No messages are sent to tenants."
        );
    }

    #[test]
    fn exports_go_beside_the_replica() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(default_export_path("/data/uc.db", today), PathBuf::from("/data/command-center-2026-11-25.csv"));
        assert_eq!(default_export_path("uc.db", today), PathBuf::from("command-center-2026-11-25.csv"));
    }
}
