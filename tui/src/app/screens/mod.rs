//! The screens. Each is a component: `reload` asks the worker for its data, `on_action` and
//! `on_key` handle input, `on_data` takes answers, `draw` renders from state only.

pub mod broadcast;
pub mod case;
pub mod chat;
pub mod collections;
pub mod command_center;
pub mod dashboard;
pub mod import;
pub mod inbox;
pub mod invoices;
pub mod job_run;
pub mod lease;
pub mod lease_gen;
pub mod lease_templates;
pub mod lifecycle;
pub mod listings;
pub mod onboarding;
pub mod pricing;
pub mod properties;
pub mod property;
pub mod renewals;
pub mod risk;
pub mod screening;
pub mod showings;
pub mod staging;
pub mod turnover;
pub mod turnover_case;
pub mod unit;
pub mod vendors;

use std::cell::Cell;

use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::keys::{Action, Binding};
use super::worker::Data;
use super::{theme, Cx, Env, Nav};

pub trait Screen {
    fn title(&self) -> String;
    fn nav(&self) -> Nav;
    fn bindings(&self) -> &'static [Binding];
    /// Asks the worker for fresh data (on open, on return to the screen and on Ctrl-R).
    fn reload(&mut self, cx: &mut Cx);
    fn on_action(&mut self, action: Action, cx: &mut Cx);
    fn on_data(&mut self, data: Data, cx: &mut Cx);
    fn draw(&self, f: &mut Frame, area: Rect, env: &Env);
    /// True while a form or confirm step takes every key.
    fn capturing(&self) -> bool {
        false
    }
    fn on_key(&mut self, _key: KeyEvent, _cx: &mut Cx) {}
    /// Esc with a step under way: the screen cancels it (true) rather than closing.
    fn cancel(&mut self, _cx: &mut Cx) -> bool {
        false
    }
    fn as_lifecycle(&mut self) -> Option<&mut lifecycle::Lifecycle> {
        None
    }
    /// The list's `/` filter, for a screen that filters its list (`None`: `/` searches leases).
    fn filter(&self) -> Option<&str> {
        None
    }
    /// Sets (or with an empty text clears) the list's `/` filter.
    fn set_filter(&mut self, _text: String, _cx: &mut Cx) {}
    /// True until the screen's first data arrives (keys typed meanwhile wait for it).
    fn loading(&self) -> bool {
        false
    }
}

/// True when `text` is empty or every word of it is in one of `fields` (case-insensitive).
pub fn matches(text: &str, fields: &[&str]) -> bool {
    text.split_whitespace().all(|w| {
        let w = w.to_lowercase();
        fields.iter().any(|f| f.to_lowercase().contains(&w))
    })
}

/// "Loading…" or the error that stopped loading.
pub fn placeholder(f: &mut Frame, area: Rect, error: &Option<String>) {
    let line = match error {
        Some(e) => Line::styled(e.clone(), theme::error()),
        None => Line::styled("Loading…", theme::dim()),
    };
    f.render_widget(Paragraph::new(line), area);
}

/// A cursor over `len` rows that keeps a window of `height` rows in view.
#[derive(Debug, Default)]
pub struct Cursor {
    pub selected: usize,
    pub len: usize,
    /// Rows visible when last drawn (the page size for PgUp/PgDn).
    pub height: Cell<usize>,
}

impl Cursor {
    pub fn apply(&mut self, action: Action) -> bool {
        let page = self.height.get().max(1);
        let last = self.len.saturating_sub(1);
        let before = self.selected;
        self.selected = match action {
            Action::Up => self.selected.saturating_sub(1),
            Action::Down => (self.selected + 1).min(last),
            Action::PageUp => self.selected.saturating_sub(page),
            Action::PageDown => (self.selected + page).min(last),
            Action::Top => 0,
            Action::Bottom => last,
            _ => self.selected,
        };
        before != self.selected
    }

    /// First visible row for a window of `height` rows, keeping the selection roughly centred.
    pub fn first_visible(&self, height: usize) -> usize {
        if self.len <= height {
            return 0;
        }
        self.selected.saturating_sub(height / 2).min(self.len - height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cursor_pages_and_clamps() {
        let mut c = Cursor { len: 100, ..Default::default() };
        c.height.set(10);
        assert!(c.apply(Action::PageDown));
        assert_eq!(c.selected, 10);
        c.apply(Action::Bottom);
        assert_eq!(c.selected, 99);
        assert!(!c.apply(Action::Down));
        assert_eq!(c.first_visible(10), 90);
        c.apply(Action::Top);
        assert_eq!(c.first_visible(10), 0);
        let empty = Cursor::default();
        assert_eq!(empty.first_visible(10), 0);
    }
}
