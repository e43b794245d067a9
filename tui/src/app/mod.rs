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
mod worker;

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

use keys::{Action, Binding};
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
}

const NAV: &[(Nav, &str, &str)] = &[
    (Nav::Dashboard, "1", "Dashboard"),
    (Nav::Properties, "2", "Properties"),
    (Nav::Lifecycle, "3", "Lease Lifecycle"),
    (Nav::CommandCenter, "6", "Command Center"),
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
            self.stack.pop();
            self.with_top(|s, cx| s.reload(cx));
        }
    }

    /// Opens a top-level screen: back to the bottom of the stack, then the screen.
    fn goto(&mut self, nav: Nav) {
        self.stack.truncate(1);
        match nav {
            Nav::Dashboard => self.with_top(|s, cx| s.reload(cx)),
            Nav::Properties => self.push(Box::new(screens::properties::Properties::default())),
            Nav::Lifecycle => self.push(Box::new(screens::lifecycle::Lifecycle::new(None))),
            Nav::Renewals => self.push(Box::new(screens::renewals::Renewals::default())),
            Nav::Collections => self.push(Box::new(screens::collections::Collections::default())),
            Nav::CommandCenter => self.push(Box::new(screens::command_center::CommandCenter::default())),
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
            Action::Search => self.prompt = Some((PromptKind::Search, String::new())),
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
            other => self.with_top(|s, cx| s.on_action(other, cx)),
        }
    }

    fn run_prompt(&mut self, kind: PromptKind, text: &str) {
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
                        "unknown command ':{text}' (try :lease L-000001, :property NAME, :import FILE, :export, :dashboard, :properties, :lifecycle, :renewals, :cc, :collections, :quit)"
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
            self.draw_help(f, body);
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
        let mut lines = Vec::new();
        let section = |name: String, table: &[Binding], lines: &mut Vec<Line>| {
            lines.push(Line::from(Span::styled(name, theme::bold().fg(theme::accent()))));
            for b in table {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {:<10}", b.label), theme::bold()),
                    Span::raw(b.help),
                ]));
            }
        };
        section(format!("{title} keys"), bindings, &mut lines);
        section("Everywhere".to_string(), keys::GLOBAL, &mut lines);
        lines.push(Line::from(Span::styled("Press any key to close", theme::dim())));
        let h = (lines.len() as u16 + 2).min(area.height);
        let w = 76.min(area.width);
        let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).block(Block::bordered().title(" Help ")), r);
    }
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
