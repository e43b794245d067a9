//! A form every screen can use: labelled text fields, Tab/Shift-Tab (or ↑/↓) between them, an
//! error under each field and one for the whole form, Enter to review, Esc to cancel. The form
//! never saves anything itself: the screen checks the fields with the core's constructors and
//! shows a confirm step before anything is written.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};
use ratatui::Frame;

use crate::app::theme;

#[derive(Debug, Clone, Default)]
pub struct Form {
    pub title: &'static str,
    pub labels: &'static [&'static str],
    pub fields: Vec<String>,
    pub focus: usize,
    pub errors: Vec<Option<String>>,
    /// A refusal of the whole form (e.g. from the core's rules).
    pub error: Option<String>,
    /// A line above the fields saying what the form is about (e.g. which item it completes).
    pub intro: Option<String>,
    /// What Enter does, as the hint says it ("review" unless the form saves at once).
    pub enter: &'static str,
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    Edited,
    Submit,
    Cancel,
}

impl Form {
    pub fn new(title: &'static str, labels: &'static [&'static str], values: Vec<String>) -> Form {
        let n = labels.len();
        let mut fields = values;
        fields.resize(n, String::new());
        Form { title, labels, fields, focus: 0, errors: vec![None; n], error: None, intro: None, enter: "review" }
    }

    /// The form with Enter saying `enter` in the hint (a form whose Enter applies at once).
    pub fn with_enter(self, enter: &'static str) -> Form {
        Form { enter, ..self }
    }

    /// The form with `intro` shown above its fields.
    pub fn with_intro(self, intro: impl Into<String>) -> Form {
        Form { intro: Some(intro.into()), ..self }
    }

    pub fn key(&mut self, key: KeyEvent) -> FormKey {
        let n = self.labels.len();
        match key.code {
            KeyCode::Esc => return FormKey::Cancel,
            KeyCode::Enter => return FormKey::Submit,
            KeyCode::Tab | KeyCode::Down => self.focus = (self.focus + 1) % n,
            KeyCode::BackTab | KeyCode::Up => self.focus = (self.focus + n - 1) % n,
            KeyCode::Backspace => {
                self.fields[self.focus].pop();
            }
            KeyCode::Char(c) => self.fields[self.focus].push(c),
            _ => {}
        }
        FormKey::Edited
    }

    /// The trimmed text of field `i`.
    pub fn value(&self, i: usize) -> &str {
        self.fields[i].trim()
    }

    /// Clears every error, then records `check(i, text)`'s message under each field; `true` when
    /// no field has one.
    pub fn check(&mut self, check: impl Fn(usize, &str) -> Option<String>) -> bool {
        self.error = None;
        for i in 0..self.labels.len() {
            self.errors[i] = check(i, self.fields[i].trim());
        }
        self.errors.iter().all(Option::is_none)
    }

    /// Draws the form as a centred pop-up over `area`.
    pub fn draw(&self, f: &mut Frame, area: Rect) {
        // Room for every field, its error, the form's error and the hint, within the border; a
        // long form on a small terminal keeps only the errors there are.
        let intro = self.intro.as_ref().map_or(0, |i| i.chars().count().div_ceil(68).max(1) as u16 + 1);
        let full = self.labels.len() as u16 * 2 + 6 + intro;
        let roomy = full <= area.height;
        let mut lines = Vec::new();
        if let Some(text) = &self.intro {
            lines.push(Line::raw(text.clone()));
            lines.push(Line::raw(""));
        }
        for (i, name) in self.labels.iter().enumerate() {
            let focus = i == self.focus;
            lines.push(Line::from(vec![
                Span::styled(if focus { "▸ " } else { "  " }, Style::new().fg(theme::accent())),
                Span::styled(format!("{name:<14}"), theme::bold()),
                Span::styled(self.fields[i].clone(), if focus { theme::selected() } else { Style::new() }),
                Span::styled(if focus { "█" } else { "" }, theme::dim()),
            ]));
            match &self.errors[i] {
                Some(e) => lines.push(Line::styled(format!("  {e}"), theme::error())),
                None if roomy => lines.push(Line::raw("")),
                None => {}
            }
        }
        if let Some(e) = &self.error {
            lines.push(Line::styled(e.clone(), theme::error()));
        }
        lines.push(Line::styled(format!("Tab next field · Enter {} · Esc cancel", self.enter), theme::dim()));
        let height = if roomy { full } else { lines.len() as u16 + 3 };
        popup(f, area, self.title, lines, height);
    }
}

/// A bordered, centred pop-up of at most 72 columns.
pub fn popup(f: &mut Frame, area: Rect, title: &str, lines: Vec<Line>, height: u16) {
    let w = area.width.min(72);
    let h = height.min(area.height);
    let r = Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(Block::bordered().title(format!(" {title} "))),
        r,
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::KeyModifiers;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn tab_moves_between_fields_and_errors_sit_under_each() {
        let mut form = Form::new("T", &["A", "B"], vec!["x".into()]);
        assert_eq!(form.key(key(KeyCode::Char('y'))), FormKey::Edited);
        assert_eq!(form.key(key(KeyCode::Tab)), FormKey::Edited);
        form.key(key(KeyCode::Char('2')));
        assert_eq!(form.fields, ["xy", "2"]);
        assert_eq!(form.key(key(KeyCode::BackTab)), FormKey::Edited);
        assert_eq!(form.focus, 0);
        assert!(!form.check(|i, text| (i == 1 && text != "1").then(|| "must be 1".to_string())));
        assert_eq!(form.errors, [None, Some("must be 1".into())]);
        assert_eq!(form.key(key(KeyCode::Enter)), FormKey::Submit);
        assert_eq!(form.key(key(KeyCode::Esc)), FormKey::Cancel);
    }
}
