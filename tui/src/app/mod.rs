//! The `unitcycle` terminal app: shell (event loop, screen stack, sidebar, status bar, help,
//! command line and search) and the screens in [`screens`].
//!
//! Input, ticks and answers from the background [`worker`] are handled on one loop; every
//! database query runs on the worker thread, so drawing never waits.

pub mod bench;
mod form;
mod keys;
mod records_form;
mod screens;
mod theme;
mod widgets;
mod words;
pub(crate) mod worker;

#[cfg(test)]
mod tests;

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::{DateTime, NaiveDate, Utc};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::crossterm::{cursor, execute};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::{Frame, Terminal};
use unitcycle_core::store::Store;

use keys::Action;
use screens::Screen;
use worker::{Data, Request, ScreenId, Worker};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;
const SIDEBAR_FROM_WIDTH: u16 = 100;
const TICK: Duration = Duration::from_millis(250);

/// What the app needs from outside: the day, who acts, how to label the replica and the clock.
pub struct Env {
    pub today: NaiveDate,
    pub actor: String,
    pub db_label: String,
    pub now: Box<dyn Fn() -> DateTime<Utc>>,
}

/// Which sidebar entry a screen belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Dashboard,
    Properties,
    Lifecycle,
    Renewals,
    Collections,
    CommandCenter,
    Turnover,
    Pricing,
    /// The maintenance risk heatmap (9, :risk).
    Maintenance,
    /// Vendor intelligence (0, :vendors).
    Vendors,
    /// The invoice processing queue (:invoices).
    Invoices,
    /// Portfolio chat (:chat, :ask …).
    Chat,
    /// Tenant screening applications (:screening).
    Screening,
    /// Lease generation and e-signing (:leases-gen, :lease-builder).
    LeaseGen,
    /// Lease templates (:lease-templates, :templates).
    LeaseTemplates,
    /// The unified tenant inbox (:inbox).
    Inbox,
    /// Broadcasts to tenants (:broadcast).
    Broadcast,
    /// Tenant onboarding and the knowledge base (:onboarding).
    Onboarding,
    /// The showings calendar (:showings).
    Showings,
    /// The tour conversion funnel (:funnel).
    Funnel,
    /// Virtual staging projects (:staging).
    Staging,
    /// The listings board (:listings).
    Listings,
    /// The lead inbox (:leads).
    Leads,
}

const NAV: &[(Nav, &str, &str)] = &[
    (Nav::Dashboard, "1", "Dashboard"),
    (Nav::Properties, "2", "Properties"),
    (Nav::Lifecycle, "3", "Lease Lifecycle"),
    (Nav::CommandCenter, "6", "Command Center"),
    (Nav::Turnover, "7", "Turnover"),
    (Nav::Pricing, "8", "Revenue"),
    (Nav::Maintenance, "9", "Maintenance risk"),
    (Nav::Vendors, "0", "Vendors"),
];

/// The sidebar's AI group.
const NAV_AI: &[(Nav, &str, &str)] = &[(Nav::Renewals, "4", "Renewals"), (Nav::Collections, "5", "Collections")];

/// What a screen may ask of the shell while handling a key or an answer.
pub struct Cx {
    pub today: NaiveDate,
    pub actor: String,
    pub now: DateTime<Utc>,
    /// The replica's path as shown in the status bar (exports go beside it).
    pub replica: String,
    id: ScreenId,
    requests: Vec<(ScreenId, Request)>,
    push: Vec<Box<dyn Screen>>,
    message: Option<String>,
    edit: Option<String>,
}

impl Cx {
    pub fn request(&mut self, req: Request) {
        self.requests.push((self.id, req));
    }
    pub fn push(&mut self, screen: Box<dyn Screen>) {
        self.push.push(screen);
    }
    pub fn message(&mut self, text: impl Into<String>) {
        self.message = Some(text.into());
    }
    /// Asks for `text` to be edited in `$EDITOR`; the result comes back as [`Data::Edited`].
    pub fn edit_externally(&mut self, text: String) {
        self.edit = Some(text);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PromptKind {
    Command,
    Search,
}

pub struct App {
    env: Env,
    worker: Worker,
    stack: Vec<(ScreenId, Box<dyn Screen>)>,
    next_id: ScreenId,
    prompt: Option<(PromptKind, String)>,
    help: bool,
    message: Option<(String, bool)>,
    synced: bool,
    /// Text a screen wants edited in `$EDITOR`, run by the event loop (which owns the terminal).
    edit: Option<(ScreenId, String)>,
    /// Top-level screens left for another one, kept with their filters, sort and selection
    /// for when their key is pressed again.
    parked: Vec<Box<dyn Screen>>,
    /// Keys typed while the top screen was still loading, replayed in order once it has data.
    queued: std::collections::VecDeque<KeyEvent>,
    pub quit: bool,
}

impl App {
    pub fn new(env: Env, store: Store) -> App {
        App::with_gateway(env, store, unitcycle_core::ai::Gateway::from_env())
    }

    /// The app with an explicit AI gateway (tests use the offline one).
    pub fn with_gateway(env: Env, store: Store, gateway: unitcycle_core::ai::Gateway) -> App {
        let mut app = App {
            env,
            worker: Worker::spawn(store, gateway),
            stack: Vec::new(),
            next_id: 1,
            prompt: None,
            help: false,
            message: None,
            synced: false,
            edit: None,
            parked: Vec::new(),
            queued: Default::default(),
            quit: false,
        };
        app.worker.send(0, Request::Meta);
        app.push(Box::new(screens::dashboard::Dashboard::default()));
        app
    }

    fn cx(&self, id: ScreenId) -> Cx {
        Cx {
            today: self.env.today,
            actor: self.env.actor.clone(),
            now: (self.env.now)(),
            replica: self.env.db_label.clone(),
            id,
            requests: Vec::new(),
            push: Vec::new(),
            message: None,
            edit: None,
        }
    }

    /// Runs `f` on the top screen with a fresh context, then applies what it asked for.
    fn with_top(&mut self, f: impl FnOnce(&mut dyn Screen, &mut Cx)) {
        let Some((id, _)) = self.stack.last() else { return };
        let id = *id;
        self.with_screen(id, f);
    }

    fn with_screen(&mut self, id: ScreenId, f: impl FnOnce(&mut dyn Screen, &mut Cx)) {
        let mut cx = self.cx(id);
        let Some((_, screen)) = self.stack.iter_mut().find(|(sid, _)| *sid == id) else { return };
        f(screen.as_mut(), &mut cx);
        self.apply(cx);
    }

    fn apply(&mut self, cx: Cx) {
        if let Some(text) = cx.edit {
            self.edit = Some((cx.id, text));
        }
        for (id, req) in cx.requests {
            self.worker.send(id, req);
        }
        if let Some(m) = cx.message {
            self.message = Some((m, false));
        }
        for screen in cx.push {
            self.push(screen);
        }
    }

    fn push(&mut self, screen: Box<dyn Screen>) {
        let id = self.next_id;
        self.next_id += 1;
        self.stack.push((id, screen));
        self.with_top(|s, cx| s.reload(cx));
    }

    fn back(&mut self) {
        if self.stack.len() > 1 {
            if let Some((_, screen)) = self.stack.pop() {
                if self.stack.len() == 1 {
                    self.park(screen);
                }
            }
            self.with_top(|s, cx| s.reload(cx));
        }
    }

    /// Keeps a top-level screen (one per sidebar entry) for when it is opened again.
    fn park(&mut self, screen: Box<dyn Screen>) {
        let nav = screen.nav();
        self.parked.retain(|s| s.nav() != nav);
        self.parked.push(screen);
    }

    /// Opens a top-level screen: back to the bottom of the stack, then the screen, as it was
    /// left (filters, sort, selection) if it was open before.
    fn goto(&mut self, nav: Nav) {
        if self.stack.len() > 1 {
            let mut above = self.stack.split_off(1);
            let (_, screen) = above.swap_remove(0);
            self.park(screen);
        }
        if nav == Nav::Dashboard {
            return self.with_top(|s, cx| s.reload(cx));
        }
        if let Some(i) = self.parked.iter().position(|s| s.nav() == nav) {
            let screen = self.parked.remove(i);
            return self.push(screen);
        }
        match nav {
            Nav::Dashboard => {}
            Nav::Properties => self.push(Box::new(screens::properties::Properties::default())),
            Nav::Lifecycle => self.push(Box::new(screens::lifecycle::Lifecycle::new(None))),
            Nav::Renewals => self.push(Box::new(screens::renewals::Renewals::default())),
            Nav::Collections => self.push(Box::new(screens::collections::Collections::default())),
            Nav::CommandCenter => self.push(Box::new(screens::command_center::CommandCenter::default())),
            Nav::Turnover => self.push(Box::new(screens::turnover::Turnover::default())),
            Nav::Pricing => self.push(Box::new(screens::pricing::Pricing::default())),
            Nav::Maintenance => self.push(Box::new(screens::risk::Risk::default())),
            Nav::Vendors => self.push(Box::new(screens::vendors::Vendors::default())),
            Nav::Invoices => self.push(Box::new(screens::invoices::Invoices::default())),
            Nav::Chat => self.push(Box::new(screens::chat::Chat::default())),
            Nav::Screening => self.push(Box::new(screens::screening::Screening::default())),
            Nav::LeaseGen => self.push(Box::new(screens::lease_gen::LeaseGen::default())),
            Nav::LeaseTemplates => self.push(Box::new(screens::lease_templates::LeaseTemplates::default())),
            Nav::Inbox => self.push(Box::new(screens::inbox::Inbox::default())),
            Nav::Broadcast => self.push(Box::new(screens::broadcast::Broadcasts::default())),
            Nav::Onboarding => self.push(Box::new(screens::onboarding::Onboarding::default())),
            Nav::Showings => self.push(Box::new(screens::showings::Showings::default())),
            Nav::Funnel => self.push(Box::new(screens::showings::Funnel::default())),
            Nav::Staging => self.push(Box::new(screens::staging::Staging::default())),
            Nav::Listings => self.push(Box::new(screens::listings::Listings::default())),
            Nav::Leads => self.push(Box::new(screens::listings::Leads::default())),
        }
    }

    fn top(&self) -> Option<&dyn Screen> {
        self.stack.last().map(|(_, s)| s.as_ref())
    }

    /// Delivers answers that have arrived; never waits.
    pub fn pump(&mut self) {
        while let Some((id, data)) = self.worker.try_recv() {
            self.deliver(id, data);
        }
    }

    /// Waits until every outstanding request is answered (tests and scripted runs).
    pub fn settle(&mut self) {
        while let Some((id, data)) = self.worker.recv_timeout(Duration::from_secs(30)) {
            self.deliver(id, data);
        }
    }

    fn deliver(&mut self, id: ScreenId, data: Data) {
        if let Data::Meta { synced } = data {
            self.synced = synced;
            return;
        }
        self.with_screen(id, |s, cx| s.on_data(data, cx));
        // Keys typed while the screen was loading now find it ready.
        while !self.top().is_some_and(|s| s.loading()) {
            let Some(key) = self.queued.pop_front() else { break };
            self.handle_key(key);
        }
    }

    pub fn handle_event(&mut self, ev: Event) {
        if let Event::Key(key) = ev {
            if key.kind == KeyEventKind::Press {
                self.handle_key(key);
            }
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        // A key typed right after a screen switch waits for the screen's data instead of
        // being lost (in order, behind any already waiting).
        if self.queued_for_later() {
            self.queued.push_back(key);
            return;
        }
        if self.help {
            self.help = false;
            return;
        }
        if let Some((kind, mut text)) = self.prompt.take() {
            match key.code {
                KeyCode::Enter => self.run_prompt(kind, text.trim()),
                KeyCode::Esc => {}
                KeyCode::Backspace => {
                    text.pop();
                    self.prompt = Some((kind, text));
                }
                KeyCode::Char(c) => {
                    text.push(c);
                    self.prompt = Some((kind, text));
                }
                _ => self.prompt = Some((kind, text)),
            }
            return;
        }
        self.message = None;
        if self.top().is_some_and(|s| s.capturing()) {
            self.with_top(|s, cx| s.on_key(key, cx));
            return;
        }
        let bindings = self.top().map(|s| s.bindings()).unwrap_or(&[]);
        let Some(action) = keys::lookup(&[bindings, keys::GLOBAL], &key) else { return };
        match action {
            Action::Quit => self.quit = true,
            Action::Help => self.help = true,
            Action::CommandLine => self.prompt = Some((PromptKind::Command, String::new())),
            Action::Search => {
                let text = self.top().and_then(|s| s.filter()).unwrap_or_default().to_string();
                self.prompt = Some((PromptKind::Search, text))
            }
            Action::Back => {
                // A screen with a step under way (an import) cancels the step instead.
                let mut cancelled = false;
                self.with_top(|s, cx| cancelled = s.cancel(cx));
                if !cancelled {
                    self.back();
                }
            }
            Action::Refresh => self.with_top(|s, cx| s.reload(cx)),
            Action::GoDashboard => self.goto(Nav::Dashboard),
            Action::GoProperties => self.goto(Nav::Properties),
            Action::GoLifecycle => self.goto(Nav::Lifecycle),
            Action::GoRenewals => self.goto(Nav::Renewals),
            Action::GoCollections => self.goto(Nav::Collections),
            Action::GoCommandCenter => self.goto(Nav::CommandCenter),
            Action::GoTurnover => self.goto(Nav::Turnover),
            Action::GoPricing => self.goto(Nav::Pricing),
            Action::GoMaintenance => self.goto(Nav::Maintenance),
            Action::GoVendors => self.goto(Nav::Vendors),
            other => self.with_top(|s, cx| s.on_action(other, cx)),
        }
    }

    /// True while keys must wait: the top screen is loading.
    fn queued_for_later(&self) -> bool {
        self.top().is_some_and(|s| s.loading())
    }

    fn run_prompt(&mut self, kind: PromptKind, text: &str) {
        // A list with its own filter takes `/` (an empty text clears it).
        if kind == PromptKind::Search && self.top().is_some_and(|s| s.filter().is_some()) {
            let q = text.to_string();
            return self.with_top(|s, cx| s.set_filter(q, cx));
        }
        if text.is_empty() {
            return;
        }
        if kind == PromptKind::Search {
            let handled = self.stack.last_mut().is_some_and(|(_, s)| s.as_lifecycle().is_some());
            if handled {
                let q = text.to_string();
                self.with_top(|s, cx| {
                    if let Some(l) = s.as_lifecycle() {
                        l.set_search(Some(q), cx);
                    }
                });
            } else {
                self.push(Box::new(screens::lifecycle::Lifecycle::new(Some(text.to_string()))));
            }
            return;
        }
        let (cmd, arg) = text.split_once(' ').map_or((text, ""), |(c, a)| (c, a.trim()));
        match (cmd, arg) {
            ("q" | "quit", _) => self.quit = true,
            ("help", _) => self.help = true,
            ("dashboard" | "d", _) => self.goto(Nav::Dashboard),
            ("properties" | "p", "") => self.goto(Nav::Properties),
            ("lifecycle" | "l", _) => self.goto(Nav::Lifecycle),
            ("renewals" | "r", _) => self.goto(Nav::Renewals),
            ("collections" | "c", _) => self.goto(Nav::Collections),
            ("cc" | "command-center", _) => self.goto(Nav::CommandCenter),
            ("turnover" | "to", _) => self.goto(Nav::Turnover),
            ("revenue" | "pricing" | "rev", _) => self.goto(Nav::Pricing),
            ("risk" | "maintenance" | "heatmap", _) => self.goto(Nav::Maintenance),
            ("vendors" | "vendor", _) => self.goto(Nav::Vendors),
            ("invoices" | "inv", _) => self.goto(Nav::Invoices),
            ("chat", _) => self.goto(Nav::Chat),
            ("screening" | "applications" | "apps", _) => self.goto(Nav::Screening),
            ("leases-gen" | "lease-builder", _) => self.goto(Nav::LeaseGen),
            ("lease-templates" | "templates", _) => self.goto(Nav::LeaseTemplates),
            ("inbox" | "messages", _) => self.goto(Nav::Inbox),
            ("broadcast" | "broadcasts", _) => self.goto(Nav::Broadcast),
            ("onboarding" | "kb" | "knowledge-base", _) => self.goto(Nav::Onboarding),
            ("showings" | "tours", _) => self.goto(Nav::Showings),
            ("funnel" | "showings-funnel", _) => self.goto(Nav::Funnel),
            ("staging" | "virtual-staging", _) => self.goto(Nav::Staging),
            ("listings" | "syndication", _) => self.goto(Nav::Listings),
            ("leads" | "lead-inbox", _) => self.goto(Nav::Leads),
            ("ask", question) => self.push(Box::new(screens::chat::Chat::asking(question))),
            ("lease", key) if !key.is_empty() => self.push(Box::new(screens::lease::LeaseDetail::new(key.to_string()))),
            ("unit", key) if uuid::Uuid::parse_str(key).is_ok() => {
                self.push(Box::new(screens::unit::UnitDetail::new(uuid::Uuid::parse_str(key).unwrap_or_default())))
            }
            ("import", path) => self.push(Box::new(screens::import::Import::new(path))),
            ("export", "rent-roll" | "") => {
                self.push(Box::new(screens::import::Import::export(&self.env.db_label, self.env.today)))
            }
            ("property" | "p", key) if !key.is_empty() => {
                self.push(Box::new(screens::property::PropertyView::new(key.to_string())))
            }
            _ => {
                self.message = Some((
                    format!(
                        "unknown command ':{text}' (try :lease L-000001, :property NAME, :import FILE, :export, :dashboard, :properties, :lifecycle, :renewals, :cc, :collections, :turnover, :revenue, :risk, :vendors, :quit)"
                    ),
                    true,
                ))
            }
        }
    }

    pub fn draw(&self, f: &mut Frame) {
        let area = f.area();
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            let text = vec![
                Line::from(Span::styled(format!("Terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT})"), theme::bold())),
                Line::from(format!("now {}×{} — enlarge the window, or press q to quit", area.width, area.height)),
            ];
            let y = area.height.saturating_sub(2) / 2;
            let r = Rect { y: area.y + y, height: area.height.min(2), ..area };
            f.render_widget(Paragraph::new(text).alignment(Alignment::Center).wrap(Wrap { trim: true }), r);
            return;
        }
        let [title, body, hints, status] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1), Constraint::Length(1)])
                .areas(area);
        self.draw_title(f, title);
        let content = if area.width >= SIDEBAR_FROM_WIDTH {
            let [side, content] = Layout::horizontal([Constraint::Length(22), Constraint::Min(0)]).areas(body);
            self.draw_sidebar(f, side);
            content
        } else {
            body
        };
        if let Some(s) = self.top() {
            s.draw(f, content, &self.env);
        }
        self.draw_hints(f, hints);
        self.draw_status(f, status);
        if self.help {
            // Over the whole frame, so the longest key table fits 80×24.
            self.draw_help(f, area);
        }
    }

    fn draw_title(&self, f: &mut Frame, area: Rect) {
        let mut spans = vec![Span::styled(
            " UnitCycle ",
            Style::new().bg(theme::accent()).fg(ratatui::style::Color::Black).add_modifier(Modifier::BOLD),
        )];
        for (i, (_, s)) in self.stack.iter().enumerate() {
            spans.push(Span::styled(if i == 0 { "  " } else { " › " }, theme::dim()));
            let style = if i + 1 == self.stack.len() { theme::bold() } else { Style::new() };
            spans.push(Span::styled(s.title(), style));
        }
        f.render_widget(Paragraph::new(Line::from(spans)), area);
    }

    fn draw_sidebar(&self, f: &mut Frame, area: Rect) {
        let current = self.top().map(|s| s.nav());
        let mut lines = vec![Line::from(Span::styled("Operations", theme::dim().add_modifier(Modifier::BOLD)))];
        for (nav, key, label) in NAV {
            let style = if Some(*nav) == current { theme::selected().fg(theme::accent()) } else { Style::new() };
            let mark = if Some(*nav) == current { "▌" } else { " " };
            lines.push(Line::from(vec![
                Span::styled(mark, Style::new().fg(theme::accent())),
                Span::styled(format!("{key} {label:<17}"), style),
            ]));
        }
        lines.push(Line::raw(""));
        lines.push(Line::from(Span::styled("AI", theme::dim().add_modifier(Modifier::BOLD))));
        for (nav, key, label) in NAV_AI {
            let style = if Some(*nav) == current { theme::selected().fg(theme::accent()) } else { Style::new() };
            let mark = if Some(*nav) == current { "▌" } else { " " };
            lines.push(Line::from(vec![
                Span::styled(mark, Style::new().fg(theme::accent())),
                Span::styled(format!("{key} {label:<17}"), style),
            ]));
        }
        lines.push(Line::from(Span::styled("  provider offline", theme::dim())));
        f.render_widget(Paragraph::new(lines).block(Block::bordered().border_style(theme::dim())), area);
    }

    fn draw_hints(&self, f: &mut Frame, area: Rect) {
        let line = if let Some((kind, text)) = &self.prompt {
            let lead = match kind {
                PromptKind::Command => ":",
                PromptKind::Search if self.top().is_some_and(|s| s.filter().is_some()) => "filter: ",
                PromptKind::Search => "search leases: ",
            };
            Line::from(vec![
                Span::styled(lead, theme::bold()),
                Span::raw(text.clone()),
                Span::styled("█", theme::dim()),
            ])
        } else if let Some((m, err)) = &self.message {
            Line::from(Span::styled(m.clone(), if *err { theme::error() } else { Style::new().fg(theme::accent()) }))
        } else {
            let bindings = self.top().map(|s| s.bindings()).unwrap_or(&[]);
            let mut spans = Vec::new();
            for b in bindings.iter().chain(keys::GLOBAL).filter(|b| b.hint) {
                spans.push(Span::styled(format!(" {} ", b.label), theme::bold()));
                spans.push(Span::styled(format!("{} ", short(b.help)), theme::dim()));
            }
            Line::from(spans)
        };
        f.render_widget(Paragraph::new(line), area);
    }

    fn draw_status(&self, f: &mut Frame, area: Rect) {
        let sync = if self.synced { "sync set up" } else { "local only" };
        let clock = (self.env.now)().format("%Y-%m-%d %H:%M").to_string();
        let busy = if self.worker.pending() > 0 { " · loading…" } else { "" };
        let left = format!(" replica {} │ {sync} │ AI offline{busy}", self.env.db_label);
        let pad = usize::from(area.width).saturating_sub(left.chars().count() + clock.chars().count() + 1);
        let text = format!("{left}{}{clock} ", " ".repeat(pad));
        f.render_widget(
            Paragraph::new(text).style(Style::new().bg(theme::hex("#1E293B")).fg(theme::hex("#E2E8F0"))),
            area,
        );
    }

    fn draw_help(&self, f: &mut Frame, area: Rect) {
        let bindings = self.top().map(|s| s.bindings()).unwrap_or(&[]);
        let title = self.top().map(|s| s.title()).unwrap_or_default();
        // The screen's keys, then the global ones with the eight screen keys on one row.
        let mut entries: Vec<(Option<&str>, String)> = vec![(None, format!("{title} keys"))];
        entries.extend(bindings.iter().map(|b| (Some(b.label), b.help.to_string())));
        entries.push((None, "Everywhere".into()));
        for b in keys::GLOBAL {
            match b.action {
                Action::GoDashboard => entries.push((
                    Some("1–9, 0"),
                    "Dashboard, properties, lifecycle, renewals, collections, command center, turnover, revenue, \
                     maintenance risk, vendors"
                        .into(),
                )),
                Action::GoProperties
                | Action::GoLifecycle
                | Action::GoRenewals
                | Action::GoCollections
                | Action::GoCommandCenter
                | Action::GoTurnover
                | Action::GoPricing
                | Action::GoMaintenance
                | Action::GoVendors => {}
                _ => entries.push((Some(b.label), b.help.to_string())),
            }
        }
        let w = 80.min(area.width);
        let inner = usize::from(w - 2);
        let map: Vec<Line> =
            wrap_words(keys::KEY_MAP, inner).into_iter().map(|l| Line::from(Span::styled(l, theme::dim()))).collect();
        // One column while the keys fit, else two (each help cut to its column).
        let room = usize::from(area.height).saturating_sub(map.len() + 3);
        let columns = if entries.len() <= room { 1 } else { 2 };
        let per = entries.len().div_ceil(columns);
        let col_w = inner / columns;
        let label_w = entries.iter().filter_map(|(l, _)| l.map(|l| l.chars().count())).max().unwrap_or(0) + 1;
        let cell = |(label, help): &(Option<&str>, String)| -> Vec<Span<'static>> {
            match label {
                None => vec![Span::styled(widgets::fit(help, col_w), theme::bold().fg(theme::accent()))],
                Some(l) => {
                    let help = if columns == 1 { help.as_str() } else { short(help) };
                    vec![
                        Span::styled(format!("{l:<label_w$}"), theme::bold()),
                        Span::raw(format!(
                            "{:<w$}",
                            widgets::fit(help, col_w.saturating_sub(label_w + 1)),
                            w = col_w - label_w
                        )),
                    ]
                }
            }
        };
        let mut lines = map;
        for row in 0..per {
            let mut spans = Vec::new();
            for c in 0..columns {
                if let Some(e) = entries.get(c * per + row) {
                    let mut s = cell(e);
                    let used: usize = s.iter().map(|s| s.width()).sum();
                    if c + 1 < columns && used < col_w {
                        s.push(Span::raw(" ".repeat(col_w - used)));
                    }
                    spans.extend(s);
                }
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(Span::styled("Press any key to close", theme::dim())));
        let h = (lines.len() as u16 + 2).min(area.height);
        let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Help ")), r);
    }
}

/// `text` in lines of at most `width` characters, broken between words.
fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("one line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// The hint bar's short form of a help text: up to the first "(".
fn short(help: &str) -> &str {
    help.split(" (").next().unwrap_or(help)
}

/// Puts the terminal back: raw mode off, main screen, cursor shown.
fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
}

/// Runs the app on the replica at `db` until the user quits.
pub fn run(db: &Path, today: Option<NaiveDate>) -> Result<()> {
    let store = Store::open(db).with_context(|| format!("cannot open replica {}", db.display()))?;
    theme::set_truecolor(theme::detect_truecolor(std::env::var("COLORTERM").ok().as_deref()));
    let env = Env {
        today: crate::commands::today(today),
        actor: crate::paths::actor().replace("@cli", "@tui"),
        db_label: db.display().to_string(),
        now: Box::new(move || crate::commands::now_on(crate::commands::today(today))),
    };
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    enable_raw_mode().context("cannot switch the terminal to raw mode")?;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    let result = event_loop(&mut terminal, App::new(env, store));
    restore();
    result
}

/// Edits `text` in `$EDITOR` (default `vi`) through a temporary file, with the terminal
/// handed to the editor meanwhile.
fn edit_in_editor(text: &str) -> Result<String> {
    let dir = tempfile::tempdir().context("cannot create a temporary directory")?;
    let path = dir.path().join("letter.txt");
    std::fs::write(&path, text).context("cannot write the temporary file")?;
    restore();
    let editor = std::env::var("VISUAL").or_else(|_| std::env::var("EDITOR")).unwrap_or_else(|_| "vi".into());
    let mut parts = editor.split_whitespace();
    let program = parts.next().unwrap_or("vi");
    let status = std::process::Command::new(program).args(parts).arg(&path).status();
    enable_raw_mode().context("cannot switch the terminal back to raw mode")?;
    execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)?;
    let status = status.with_context(|| format!("cannot run the editor '{editor}'"))?;
    if !status.success() {
        anyhow::bail!("the editor '{editor}' exited with {status}; the letter was not changed");
    }
    std::fs::read_to_string(&path).context("cannot read the edited letter back")
}

fn event_loop<B: Backend>(terminal: &mut Terminal<B>, mut app: App) -> Result<()> {
    let mut last_tick = Instant::now();
    loop {
        if let Some((id, text)) = app.edit.take() {
            let data = match edit_in_editor(&text) {
                Ok(t) => Data::Edited(t),
                Err(e) => Data::Error(format!("{e:#}")),
            };
            terminal.clear()?;
            app.deliver(id, data);
        }
        app.pump();
        terminal.draw(|f| app.draw(f))?;
        let timeout = TICK.saturating_sub(last_tick.elapsed());
        if event::poll(timeout)? {
            app.handle_event(event::read()?);
            // Drain queued input before the next frame so key repeat never lags.
            while event::poll(Duration::ZERO)? {
                app.handle_event(event::read()?);
            }
        }
        if last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
        }
        if app.quit {
            return Ok(());
        }
    }
}
