//! Listing syndication (spec 5.1). `:listings` is the board: each listing with its status,
//! asking rent, days on market, views, leads and the stale flag. `n` drafts a listing for a
//! vacant unit (picked from a list) from the unit's record, `p` publishes to its
//! platforms after a confirm that names them, `d` delists from every platform after a
//! confirm, `o` re-optimizes the content per platform, `c` runs the price check, `a` shows the
//! weekly competitor analysis. `:leads` is
//! the unified lead inbox: grade, score with its five factors, status; `r` shows the exact
//! reply and queues it on `y`.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row as TableRow, Table, TableState, Wrap};
use ratatui::Frame;
use unitcycle_core::format::money;
use unitcycle_core::listing_syndication::competitor_scan::CompetitorAnalysisAnswer;
use unitcycle_core::listing_syndication::model::platform_label;
use uuid::Uuid;

use super::lease_gen::{confirm, confirm_key, ConfirmKey};
use super::{placeholder, Cursor, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::worker::listings::{BoardRow, LeadRow, ListingsData, ListingsRequest};
use crate::app::worker::staging::UnitChoice;
use crate::app::worker::{Data, Request};
use crate::app::{theme, Cx, Env, Nav};

/// A step waiting on the person's yes.
enum Pending {
    Publish { id: Uuid, platforms: Vec<String> },
    Delist(Uuid),
    Respond(Uuid),
    Create(Uuid),
}

#[derive(Default)]
enum Mode {
    #[default]
    Browse,
    Confirm {
        title: &'static str,
        yes: &'static str,
        text: Vec<String>,
        scroll: u16,
        step: Pending,
    },
    /// Picking the vacant unit of a new listing (↑/↓, Enter creates the draft, Esc cancels).
    Pick {
        units: Vec<UnitChoice>,
        cursor: usize,
    },
    /// A result (price check, optimized content) shown until a key is pressed.
    Show {
        title: &'static str,
        text: Vec<String>,
    },
}

/// Handles a key in a confirm or a shown result; returns the step confirmed.
fn modal_key(mode: &mut Mode, key: KeyEvent, cx: &mut Cx) -> Option<Pending> {
    match std::mem::take(mode) {
        Mode::Browse => None,
        Mode::Show { .. } => None,
        Mode::Pick { units, cursor } => {
            let last = units.len().saturating_sub(1);
            match key.code {
                KeyCode::Up | KeyCode::Char('k') => *mode = Mode::Pick { units, cursor: cursor.saturating_sub(1) },
                KeyCode::Down | KeyCode::Char('j') => *mode = Mode::Pick { units, cursor: (cursor + 1).min(last) },
                KeyCode::Enter | KeyCode::Char('y') => return units.get(cursor).map(|u| Pending::Create(u.id)),
                KeyCode::Esc | KeyCode::Char('n') | KeyCode::Char('q') => cx.message("Nothing done"),
                _ => *mode = Mode::Pick { units, cursor },
            }
            None
        }
        Mode::Confirm { title, yes, text, scroll, step } => match confirm_key(key, scroll, text.len()) {
            ConfirmKey::Yes => Some(step),
            ConfirmKey::No => {
                cx.message("Nothing done");
                None
            }
            ConfirmKey::Stay { scroll } => {
                *mode = Mode::Confirm { title, yes, text, scroll, step };
                None
            }
        },
    }
}

fn draw_modal(f: &mut Frame, area: Rect, mode: &Mode) {
    match mode {
        Mode::Confirm { title, yes, text, scroll, .. } => confirm(f, area, title, text, yes, *scroll),
        Mode::Show { title, text } => confirm(f, area, title, text, "close", 0),
        Mode::Pick { units, cursor } => {
            let mut text = vec!["A draft listing of which vacant unit? (↑/↓ choose)".to_string(), String::new()];
            // Keep the chosen unit in view: a window of 12 around it.
            let first = cursor.saturating_sub(11);
            text.extend(units.iter().enumerate().skip(first).take(12).map(|(i, u)| {
                format!("{} {} · {}", if i == *cursor { "▸" } else { " " }, u.unit_number, u.property_name)
            }));
            text.push(String::new());
            text.push("Drafted from the unit's record (its market rent, rooms, size); nothing is published.".into());
            confirm(f, area, "New listing", &text, "create the draft", 0)
        }
        Mode::Browse => {}
    }
}

fn status_style(status: &str) -> Style {
    match status {
        "active" => Style::new().fg(theme::accent()),
        "delisted" => theme::dim(),
        _ => Style::new(),
    }
}

#[derive(Default)]
pub struct Listings {
    rows: Option<Vec<BoardRow>>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
}

impl Listings {
    fn selected(&self) -> Option<&BoardRow> {
        self.rows.as_ref()?.get(self.cursor.selected)
    }
}

impl Screen for Listings {
    fn title(&self) -> String {
        "Listings".into()
    }
    fn nav(&self) -> Nav {
        Nav::Listings
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LISTINGS
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Listings(ListingsRequest::Board { now: cx.now }));
    }
    fn loading(&self) -> bool {
        self.rows.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::Browse) || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let req = match modal_key(&mut self.mode, key, cx) {
            Some(Pending::Publish { id, platforms }) => ListingsRequest::Publish { id, platforms, now: cx.now },
            Some(Pending::Delist(id)) => ListingsRequest::Delist { id, now: cx.now },
            Some(Pending::Create(unit_id)) => ListingsRequest::Create { unit_id, now: cx.now },
            Some(Pending::Respond(_)) | None => return,
        };
        self.busy = true;
        cx.request(Request::Listings(req));
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        if action == Action::NewListing {
            self.busy = true;
            cx.request(Request::Listings(ListingsRequest::VacantUnits));
            return;
        }
        let Some(r) = self.selected().cloned() else {
            self.cursor.apply(action);
            return;
        };
        let l = &r.listing;
        match action {
            Action::PublishListing => {
                let names: Vec<&str> = r.platforms.iter().map(|p| platform_label(p)).collect();
                self.mode = Mode::Confirm {
                    title: "Publish listing",
                    yes: "publish",
                    text: vec![
                        format!(
                            "Publish \"{}\" at {}/month to {} platform(s)?",
                            l.title,
                            money(l.asking_rent),
                            names.len()
                        ),
                        names.join(", "),
                        "Each platform reads the MITS feed (pending until it confirms) unless its API key is set."
                            .into(),
                    ],
                    scroll: 0,
                    step: Pending::Publish { id: l.id, platforms: r.platforms.clone() },
                };
            }
            Action::DelistListing => {
                self.mode = Mode::Confirm {
                    title: "Delist listing",
                    yes: "delist",
                    text: vec![
                        format!("Delist \"{}\" from every platform now?", l.title),
                        "It leaves the feed at once; platforms with an API are told to take it down.".into(),
                    ],
                    scroll: 0,
                    step: Pending::Delist(l.id),
                };
            }
            Action::OptimizeListing => {
                self.busy = true;
                cx.request(Request::Listings(ListingsRequest::Optimize { id: l.id, now: cx.now }));
            }
            Action::PriceCheckListing => {
                self.busy = true;
                cx.request(Request::Listings(ListingsRequest::PriceCheck { id: l.id, now: cx.now }));
            }
            Action::CompetitorAnalysis => {
                self.mode = Mode::Show { title: "Competitor analysis", text: competitor_lines(&l.competitor_analysis) };
            }
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Listings(ListingsData::Board(rows)) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Data::Listings(ListingsData::Units(units)) => {
                self.busy = false;
                if units.is_empty() {
                    cx.message("No vacant unit: a listing is made for a vacant unit");
                } else {
                    self.mode = Mode::Pick { units, cursor: 0 };
                }
            }
            Data::Listings(ListingsData::Done(text)) => {
                self.busy = false;
                cx.message(text);
                self.reload(cx);
            }
            Data::Listings(ListingsData::Checked(c)) => {
                self.busy = false;
                self.mode = Mode::Show {
                    title: "Price check",
                    text: vec![
                        format!(
                            "Current {} · recommended {} · confidence {:.2}",
                            money(c.current_rent),
                            money(c.recommended_rent),
                            c.confidence
                        ),
                        format!(
                            "Market median {} from {} comparable(s) · {} days on market · views at the {}th percentile",
                            money(c.market_median),
                            c.comparables_count,
                            c.days_on_market,
                            c.view_percentile
                        ),
                        c.reasoning.clone(),
                    ],
                };
                self.reload(cx);
            }
            Data::Listings(ListingsData::Optimized(o)) => {
                self.busy = false;
                let mut text = Vec::new();
                for p in &o.platforms {
                    text.push(format!(
                        "{} (SEO {}, {}): {}",
                        platform_label(&p.platform_name),
                        p.optimized.seo_score,
                        p.provider,
                        p.optimized.optimized_title
                    ));
                }
                if let Some(first) = o.platforms.first() {
                    text.push(format!("Keywords: {}", first.optimized.keywords_used.join(", ")));
                }
                self.mode = Mode::Show { title: "Optimized content", text };
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(rows) = &self.rows else { return placeholder(f, area, &self.error) };
        let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
        let active = rows.iter().filter(|r| r.listing.status == "active").count();
        let stale = rows.iter().filter(|r| r.listing.is_stale).count();
        f.render_widget(
            Paragraph::new(Line::from(format!(
                "{} listing(s) · {active} active · {stale} stale · p publish · d delist · o optimize · c price check",
                rows.len()
            ))),
            head,
        );
        if rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled("No listings: n drafts one for a vacant unit.", theme::dim()))
                    .block(Block::bordered().border_style(theme::dim())),
                body,
            );
        } else {
            let header = TableRow::new(vec!["Listing", "Status", "Rent", "DOM", "Views", "Leads", "Stale"])
                .style(theme::bold().fg(theme::accent()));
            let height = usize::from(body.height.saturating_sub(3)).max(1);
            self.cursor.height.set(height);
            let first = self.cursor.first_visible(height);
            let lines: Vec<TableRow> = rows
                .iter()
                .skip(first)
                .take(height)
                .map(|r| {
                    let l = &r.listing;
                    TableRow::new(vec![
                        Cell::from(l.title.clone()),
                        Cell::from(Line::styled(l.status.clone(), status_style(&l.status))),
                        Cell::from(Line::from(money(l.asking_rent)).right_aligned()),
                        Cell::from(Line::from(l.days_on_market.to_string()).right_aligned()),
                        Cell::from(Line::from(l.total_views.to_string()).right_aligned()),
                        Cell::from(Line::from(r.leads.to_string()).right_aligned()),
                        Cell::from(Line::styled(if l.is_stale { "stale" } else { "" }, theme::error())),
                    ])
                })
                .collect();
            let widths = [
                Constraint::Fill(1),
                Constraint::Length(8),
                Constraint::Length(10),
                Constraint::Length(4),
                Constraint::Length(6),
                Constraint::Length(5),
                Constraint::Length(5),
            ];
            let table = Table::new(lines, widths)
                .header(header)
                .block(Block::bordered().title(" Listings ").border_style(theme::dim()))
                .row_highlight_style(theme::selected())
                .highlight_symbol("▸");
            let mut state = TableState::default().with_selected(Some(self.cursor.selected.saturating_sub(first)));
            f.render_stateful_widget(table, body, &mut state);
        }
        draw_modal(f, area, &self.mode);
    }
}

/// The stored competitor analysis as lines, or how one comes to be.
fn competitor_lines(a: &serde_json::Value) -> Vec<String> {
    let Ok(a) = serde_json::from_value::<CompetitorAnalysisAnswer>(a.clone()) else {
        return vec![
            "No competitor analysis yet.".into(),
            "The weekly scan (Mondays 03:00 UTC) writes one for each active listing with competitors;".into(),
            "`unitcycle jobs run competitor-scan` runs it now.".into(),
        ];
    };
    let list = |v: &[String]| if v.is_empty() { "none".to_string() } else { v.join(", ").replace('_', " ") };
    vec![
        format!(
            "{} · {:+.1}% vs the competitors' median",
            a.price_position.replace('_', " "),
            a.price_diff_vs_median_pct
        ),
        format!("Recommended {} ({:+.1}%)", money(a.recommended_rent), a.recommended_adjustment_pct),
        format!("Advantages: {}", list(&a.advantages)),
        format!("Gaps: {}", list(&a.gaps)),
        format!("Marketing angle: {}", a.marketing_angle),
        a.reasoning,
    ]
}

fn grade_style(grade: &str) -> Style {
    match grade {
        "A" => Style::new().fg(theme::hex("#16A34A")),
        "B" => Style::new().fg(theme::accent()),
        "D" => theme::dim(),
        _ => Style::new(),
    }
}

#[derive(Default)]
pub struct Leads {
    rows: Option<Vec<LeadRow>>,
    error: Option<String>,
    cursor: Cursor,
    mode: Mode,
    busy: bool,
}

impl Screen for Leads {
    fn title(&self) -> String {
        "Leads".into()
    }
    fn nav(&self) -> Nav {
        Nav::Leads
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::LEADS
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::Listings(ListingsRequest::Leads));
    }
    fn loading(&self) -> bool {
        self.rows.is_none() && self.error.is_none()
    }
    fn capturing(&self) -> bool {
        !matches!(self.mode, Mode::Browse) || self.busy
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        if let Some(Pending::Respond(id)) = modal_key(&mut self.mode, key, cx) {
            self.busy = true;
            cx.request(Request::Listings(ListingsRequest::Respond { id, now: cx.now }));
        }
    }
    fn on_action(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::RespondLead => {
                let Some(r) = self.rows.as_ref().and_then(|rows| rows.get(self.cursor.selected)) else {
                    return cx.message("No lead selected");
                };
                let lead = &r.lead;
                let (channel, to) =
                    if lead.email.is_empty() { ("SMS", lead.phone.clone()) } else { ("email", lead.email.clone()) };
                self.mode = Mode::Confirm {
                    title: "Respond to lead",
                    yes: "queue it",
                    text: vec![
                        format!("Queue this {channel} to {} <{to}>?", lead.prospect_name),
                        String::new(),
                        lead.ai_suggested_response.clone(),
                    ],
                    scroll: 0,
                    step: Pending::Respond(lead.id),
                };
            }
            other => {
                self.cursor.apply(other);
            }
        }
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::Listings(ListingsData::Leads(rows)) => {
                self.cursor.len = rows.len();
                self.cursor.selected = self.cursor.selected.min(rows.len().saturating_sub(1));
                self.rows = Some(rows);
                self.error = None;
            }
            Data::Listings(ListingsData::Done(text)) => {
                self.busy = false;
                cx.message(text);
                self.reload(cx);
            }
            Data::Error(e) if self.busy => {
                self.busy = false;
                cx.message(format!("Refused: {e}"));
            }
            Data::Error(e) => self.error = Some(e),
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(rows) = &self.rows else { return placeholder(f, area, &self.error) };
        let [list, factors] = Layout::vertical([Constraint::Min(4), Constraint::Length(5)]).areas(area);
        if rows.is_empty() {
            f.render_widget(
                Paragraph::new(Line::styled("No leads yet.", theme::dim()))
                    .block(Block::bordered().border_style(theme::dim())),
                list,
            );
        } else {
            let header = TableRow::new(vec!["Grade", "Score", "Prospect", "Listing", "Source", "Status"])
                .style(theme::bold().fg(theme::accent()));
            let height = usize::from(list.height.saturating_sub(3)).max(1);
            self.cursor.height.set(height);
            let first = self.cursor.first_visible(height);
            let lines: Vec<TableRow> = rows
                .iter()
                .skip(first)
                .take(height)
                .map(|r| {
                    let l = &r.lead;
                    TableRow::new(vec![
                        Cell::from(Line::styled(l.lead_grade.clone(), grade_style(&l.lead_grade))),
                        Cell::from(Line::from(l.lead_score.to_string()).right_aligned()),
                        Cell::from(l.prospect_name.clone()),
                        Cell::from(r.listing_title.clone()),
                        Cell::from(platform_label(&l.source_platform)),
                        Cell::from(l.status.clone()),
                    ])
                })
                .collect();
            let widths = [
                Constraint::Length(5),
                Constraint::Length(5),
                Constraint::Length(18),
                Constraint::Fill(1),
                Constraint::Length(14),
                Constraint::Length(9),
            ];
            let table = Table::new(lines, widths)
                .header(header)
                .block(Block::bordered().title(" Lead inbox ").border_style(theme::dim()))
                .row_highlight_style(theme::selected())
                .highlight_symbol("▸");
            let mut state = TableState::default().with_selected(Some(self.cursor.selected.saturating_sub(first)));
            f.render_stateful_widget(table, list, &mut state);
        }
        let text = match rows.get(self.cursor.selected) {
            Some(r) => {
                let q = &r.lead.qualification_factors;
                vec![
                    Line::from(format!(
                        "Score {} = income {:.2}×30% + urgency {:.2}×25% + message {:.2}×20% + timeline {:.2}×15% + \
                         completeness {:.2}×10% (scored by {})",
                        r.lead.lead_score,
                        q.income_signal,
                        q.urgency,
                        q.message_quality,
                        q.timeline_fit,
                        q.completeness,
                        r.lead.scored_by
                    )),
                    Line::styled("A ≥ 80 · B ≥ 60 · C ≥ 40 · else D · r respond", theme::dim()),
                ]
            }
            None => vec![],
        };
        f.render_widget(
            Paragraph::new(text)
                .wrap(Wrap { trim: true })
                .block(Block::bordered().title(" Factors ").border_style(theme::dim())),
            factors,
        );
        draw_modal(f, area, &self.mode);
    }
}
