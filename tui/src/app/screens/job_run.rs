//! A scheduled job run from a screen (`r`): a confirm that says what the job does, `y` runs it on
//! the worker while a popup says so, its report's summary is the message. The revenue and the
//! risk screens run their jobs this way.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::Frame;
use unitcycle_core::jobs::{Job, JobReport};

use crate::app::worker::Request;
use crate::app::{form, theme, Cx};

/// Which job, and how the screen names it.
pub struct JobSpec {
    pub job: Job,
    /// "Pricing engine": the popup's title and the report's prefix.
    pub name: &'static str,
    /// What the popup says while it runs.
    pub running: &'static str,
}

/// The confirm and the run under way.
#[derive(Default)]
pub struct JobRun {
    confirm: Option<String>,
    busy: bool,
}

impl JobRun {
    /// Shows the confirm with `text` (what the job will do).
    pub fn ask(&mut self, text: String) {
        self.confirm = Some(text);
    }

    /// The confirm or the run takes the keys.
    pub fn capturing(&self) -> bool {
        self.confirm.is_some() || self.busy
    }

    /// `y`/Enter runs the job, `n`/Esc cancels; nothing while it runs.
    pub fn on_key(&mut self, spec: &JobSpec, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        match key.code {
            KeyCode::Char('y') | KeyCode::Enter => {
                cx.request(Request::RunJob { job: spec.job, today: cx.today, now: cx.now });
                self.busy = true;
            }
            KeyCode::Char('n') | KeyCode::Esc => {
                self.confirm = None;
                cx.message(format!("Cancelled: the {} did not run", spec.name.to_lowercase()));
            }
            _ => {}
        }
    }

    /// The job's report arrived: its summary is the message.
    pub fn done(&mut self, spec: &JobSpec, report: &JobReport, cx: &mut Cx) {
        self.stop();
        cx.message(format!("{}: {}", spec.name, report.summary));
    }

    /// The run (or whatever else was asked) failed: the popup goes.
    pub fn stop(&mut self) {
        self.busy = false;
        self.confirm = None;
    }

    /// The popup over `area`: running, or the confirm.
    pub fn draw(&self, spec: &JobSpec, f: &mut Frame, area: Rect) {
        if self.busy {
            let lines = vec![Line::styled(spec.running, theme::dim())];
            form::popup(f, area, spec.name, lines, 3);
        } else if let Some(text) = &self.confirm {
            let lines = vec![
                Line::raw(text.clone()),
                Line::raw(""),
                Line::styled("y / Enter: run now    n / Esc: cancel", theme::bold()),
            ];
            form::popup(f, area, &format!("Run the {}", spec.name.to_lowercase()), lines, 9);
        }
    }
}
