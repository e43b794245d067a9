//! Turnover board (spec 2.1): a Kanban column per stage (Notice → Inspect → Make Ready → Listed
//! → Leased), a card per case with its unit, tenant, days in the stage, days vacant against the
//! 21-day target, make-ready cost so far and a mark when the deduction letter is overdue. `>`
//! moves the selected card to the next stage after a confirm line; Enter opens the case.

use ratatui::crossterm::event::{KeyCode, KeyEvent};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;
use unitcycle_core::format::money;
use unitcycle_core::turnover::workflow::TurnoverAction;
use unitcycle_core::turnover::{self, Stage, TurnoverCase, TurnoverError};
use uuid::Uuid;

use super::turnover_case::TurnoverCaseScreen;
use super::{placeholder, Screen};
use crate::app::keys::{self, Action, Binding};
use crate::app::widgets;
use crate::app::worker::{Data, Request, TurnoverBoardData, TurnoverCard};
use crate::app::{theme, Cx, Env, Nav};

/// The board's column of `stage`.
pub fn column_of(stage: Stage) -> usize {
    Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0)
}

/// Whole dollars, `$1,310`: a card is too narrow for cents.
pub fn dollars(amount: Decimal) -> String {
    let text = money(amount.round_dp_with_strategy(0, rust_decimal::RoundingStrategy::MidpointAwayFromZero));
    text.strip_suffix(".00").map(str::to_string).unwrap_or(text)
}

/// What `>` on a case will do, said before it is done, or why it cannot be done (leased).
pub fn advance_confirm(case: &TurnoverCase, unit: &str, property: &str) -> Result<(Stage, String), String> {
    match case.stage.next() {
        Some(to) => {
            Ok((to, format!("Move unit {unit} · {property} from {} to {}? y/n", case.stage.label(), to.label())))
        }
        None => Err(TurnoverError::Closed.to_string()),
    }
}

/// A confirmed `>`: the case and the stage it moves to.
#[derive(Debug, Clone)]
struct Pending {
    id: Uuid,
    to: Stage,
    text: String,
}

#[derive(Default)]
pub struct Turnover {
    board: Option<Box<TurnoverBoardData>>,
    error: Option<String>,
    /// The focused column (a stage).
    column: usize,
    /// The selected card in each column.
    selected: [usize; 5],
    /// The `/` filter: words matched against unit, property and tenant.
    filter: String,
    confirm: Option<Pending>,
    busy: bool,
    /// The last refusal, shown under the board.
    action_error: Option<String>,
    /// The case to select once the board reloads (the card just moved).
    follow: Option<Uuid>,
}

impl Turnover {
    /// The cards of column `i` passing the filter, in board order.
    fn cards(&self, i: usize) -> Vec<&TurnoverCard> {
        let Some(b) = &self.board else { return Vec::new() };
        let stage = Stage::ALL[i];
        b.cards
            .iter()
            .filter(|c| c.case.stage == stage)
            .filter(|c| super::matches(&self.filter, &[&c.names.unit, &c.names.property, &c.names.tenant]))
            .collect()
    }

    fn selected_card(&self) -> Option<&TurnoverCard> {
        self.cards(self.column).get(self.selected[self.column]).copied()
    }

    /// Keeps every column's selection on a card.
    fn refit(&mut self) {
        for i in 0..Stage::ALL.len() {
            let n = self.cards(i).len();
            self.selected[i] = self.selected[i].min(n.saturating_sub(1));
        }
    }

    /// Takes the board's cards, longest in their stage first (leased: newest first), and selects
    /// the case just moved.
    fn take_board(&mut self, mut board: Box<TurnoverBoardData>) {
        board.cards.sort_by(|a, b| {
            let key = |c: &TurnoverCard| if c.case.stage == Stage::Leased { -c.days_in_stage } else { c.days_in_stage };
            key(b)
                .cmp(&key(a))
                .then_with(|| a.names.property.cmp(&b.names.property))
                .then_with(|| a.names.unit.cmp(&b.names.unit))
                .then_with(|| a.case.id.cmp(&b.case.id))
        });
        self.board = Some(board);
        if let Some(id) = self.follow.take() {
            let stage =
                self.board.as_ref().and_then(|b| b.cards.iter().find(|c| c.case.id == id)).map(|c| c.case.stage);
            if let Some(stage) = stage {
                self.column = column_of(stage);
                if let Some(i) = self.cards(self.column).iter().position(|c| c.case.id == id) {
                    self.selected[self.column] = i;
                }
            }
        }
        self.refit();
    }

    fn draw_column(&self, f: &mut Frame, area: Rect, i: usize) {
        let stage = Stage::ALL[i];
        let cards = self.cards(i);
        let focused = i == self.column;
        let inner_w = usize::from(area.width.saturating_sub(2));
        // " Label n " on the border; when narrow the label gives way, never the count.
        let count = cards.len().to_string();
        let room = inner_w.saturating_sub(count.len() + 2);
        let tail = if stage.label().chars().count() + count.len() + 3 <= inner_w { " " } else { "" };
        let label = widgets::fit(stage.label(), room);
        let mut block = Block::bordered()
            .title(Line::from(vec![
                Span::styled(format!(" {label}"), theme::bold()),
                Span::raw(format!(" {count}{tail}")),
            ]))
            .border_style(if focused { Style::new().fg(theme::accent()) } else { theme::dim() });
        let height = usize::from(area.height.saturating_sub(2));
        let sel = self.selected[i].min(cards.len().saturating_sub(1));
        let built: Vec<Vec<Line>> =
            cards.iter().enumerate().map(|(n, c)| card_lines(c, inner_w, focused && n == sel)).collect();
        // The window: from the earliest card that keeps the selected one in view.
        let rows =
            |from: usize, to: usize| -> usize { built[from..=to].iter().map(|l| l.len() + 1).sum::<usize>() - 1 };
        let mut first = 0;
        if !built.is_empty() {
            while first < sel && rows(first, sel) > height {
                first += 1;
            }
        }
        let mut lines: Vec<Line> = Vec::new();
        let mut last = first;
        for (n, card) in built.iter().enumerate().skip(first) {
            let gap = usize::from(!lines.is_empty());
            if lines.len() + gap + card.len() > height && n > first {
                break;
            }
            if gap == 1 {
                lines.push(Line::raw(""));
            }
            lines.extend(card.iter().cloned());
            last = n;
        }
        if cards.is_empty() {
            lines.push(Line::styled(widgets::fit("no cases", inner_w), theme::dim()));
        }
        let (above, below) = (first, cards.len().saturating_sub(last + 1));
        if above + below > 0 {
            let more = match (above, below) {
                (0, b) => format!(" ↓{b} more "),
                (a, 0) => format!(" ↑{a} more "),
                (a, b) => format!(" ↑{a} ↓{b} "),
            };
            block = block.title_bottom(Line::styled(more, theme::dim()).right_aligned());
        }
        f.render_widget(Paragraph::new(lines).block(block), area);
    }
}

/// A card's lines at `w` columns: unit · property, tenant, days in the stage, days vacant
/// against the target (red when over), cost so far of the estimate, and the overdue letter.
fn card_lines(c: &TurnoverCard, w: usize, selected: bool) -> Vec<Line<'static>> {
    let case = &c.case;
    let base = if selected { theme::selected() } else { Style::new() };
    let title = format!("{} · {}", c.names.unit, c.names.property);
    let title =
        if selected { format!("▸{}", widgets::fit(&title, w.saturating_sub(1))) } else { widgets::fit(&title, w) };
    let over = c.days_vacant > case.target_days_to_lease;
    let vacant = format!("vacant {}/{}d", c.days_vacant, case.target_days_to_lease);
    let (spent, estimate) = (dollars(case.make_ready_actual_cost), dollars(case.make_ready_estimated_cost));
    let cost = format!("{spent} of {estimate}");
    let cost = if cost.chars().count() <= w { cost } else { format!("{spent}/{estimate}") };
    let mut lines = vec![
        Line::styled(title, base.patch(theme::bold())),
        Line::styled(widgets::fit(&c.names.tenant, w), base.patch(theme::dim())),
        Line::styled(widgets::fit(&format!("{}d in stage", c.days_in_stage), w), base),
        Line::styled(widgets::fit(&vacant, w), if over { base.patch(theme::error()) } else { base }),
        Line::styled(widgets::fit(&cost, w), base),
    ];
    if let Some(late) = c.letter_days_left.filter(|d| *d < 0) {
        lines.push(Line::styled(widgets::fit(&format!("✉ letter {}d overdue", -late), w), base.patch(theme::error())));
    }
    lines
}

impl Screen for Turnover {
    fn title(&self) -> String {
        "Turnover".into()
    }
    fn nav(&self) -> Nav {
        Nav::Turnover
    }
    fn bindings(&self) -> &'static [Binding] {
        keys::TURNOVER
    }
    fn reload(&mut self, cx: &mut Cx) {
        cx.request(Request::TurnoverBoard { today: cx.today, now: cx.now });
    }
    fn capturing(&self) -> bool {
        self.confirm.is_some() || self.busy
    }
    fn loading(&self) -> bool {
        self.board.is_none() && self.error.is_none()
    }
    fn on_key(&mut self, key: KeyEvent, cx: &mut Cx) {
        if self.busy {
            return;
        }
        let Some(pending) = &self.confirm else { return };
        match key.code {
            KeyCode::Char('y') | KeyCode::Enter => {
                let (id, to) = (pending.id, pending.to);
                cx.request(Request::TurnoverAct {
                    id,
                    action: TurnoverAction::AdvanceStage { stage: to },
                    actor: cx.actor.clone(),
                    now: cx.now,
                });
                self.busy = true;
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
        let last = Stage::ALL.len() - 1;
        match action {
            Action::Left => self.column = self.column.saturating_sub(1),
            Action::Right => self.column = (self.column + 1).min(last),
            Action::Up | Action::Down | Action::Top | Action::Bottom => {
                let n = self.cards(self.column).len();
                let s = &mut self.selected[self.column];
                *s = match action {
                    Action::Up => s.saturating_sub(1),
                    Action::Down => (*s + 1).min(n.saturating_sub(1)),
                    Action::Top => 0,
                    _ => n.saturating_sub(1),
                };
            }
            Action::Open => {
                if let Some(c) = self.selected_card() {
                    cx.push(Box::new(TurnoverCaseScreen::new(c.case.id)));
                }
            }
            Action::AdvanceStage => {
                let Some(c) = self.selected_card() else { return };
                match advance_confirm(&c.case, &c.names.unit, &c.names.property) {
                    Ok((to, text)) => self.confirm = Some(Pending { id: c.case.id, to, text }),
                    Err(e) => self.action_error = Some(e),
                }
            }
            Action::ClearFilters => {
                self.filter.clear();
                self.refit();
            }
            _ => {}
        }
    }
    fn filter(&self) -> Option<&str> {
        Some(&self.filter)
    }
    fn set_filter(&mut self, text: String, _cx: &mut Cx) {
        self.filter = text;
        self.selected = [0; 5];
        self.refit();
    }
    fn on_data(&mut self, data: Data, cx: &mut Cx) {
        match data {
            Data::TurnoverBoard(board) => {
                self.take_board(board);
                self.error = None;
            }
            Data::TurnoverActed { case, summary } => {
                self.busy = false;
                self.confirm = None;
                self.follow = Some(case.id);
                cx.message(summary);
                self.reload(cx);
            }
            Data::Error(e) => {
                self.busy = false;
                self.confirm = None;
                if self.board.is_some() {
                    self.action_error = Some(e);
                } else {
                    self.error = Some(e);
                }
            }
            _ => {}
        }
    }
    fn draw(&self, f: &mut Frame, area: Rect, _env: &Env) {
        let Some(board) = &self.board else { return placeholder(f, area, &self.error) };
        if board.cards.is_empty() {
            let text = "No turnover cases. Giving notice on a lease (n on the lease screen) opens its case; \
                        for leases already under notice run `unitcycle jobs run turnover-daily`.";
            return f.render_widget(Paragraph::new(Line::styled(text, theme::dim())).wrap(Wrap { trim: true }), area);
        }
        let [summary, columns, foot] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)]).areas(area);
        let shown: Vec<TurnoverCase> =
            (0..Stage::ALL.len()).flat_map(|i| self.cards(i)).map(|c| c.case.clone()).collect();
        let stats = turnover::pipeline_stats(&shown, board.today);
        let filter = if self.filter.is_empty() { String::new() } else { format!(" · filter \"{}\"", self.filter) };
        let line = Line::from(vec![
            Span::styled(format!(" {} open", stats.open_cases), theme::bold()),
            Span::raw(format!(" · avg {:.1} days vacant · ", stats.avg_days_vacant)),
            Span::styled(
                format!("{} over the {}-day target", stats.over_target, turnover::TARGET_DAYS_TO_LEASE),
                if stats.over_target > 0 { theme::error() } else { Style::new() },
            ),
            Span::raw(" · "),
            Span::styled(
                format!("{} letters overdue", stats.letters_overdue),
                if stats.letters_overdue > 0 { theme::error() } else { Style::new() },
            ),
            Span::styled(filter, theme::dim()),
        ]);
        f.render_widget(Paragraph::new(line), summary);
        let areas = Layout::horizontal([Constraint::Ratio(1, 5); 5]).split(columns);
        for (i, a) in areas.iter().enumerate() {
            self.draw_column(f, *a, i);
        }
        let foot_line = match (&self.confirm, &self.action_error) {
            (Some(p), _) if self.busy => Line::styled(format!("{} … moving", p.text), theme::dim()),
            (Some(p), _) => Line::styled(p.text.clone(), theme::bold().fg(theme::accent())),
            (None, Some(e)) => Line::styled(e.clone(), theme::error()),
            (None, None) => Line::raw(""),
        };
        f.render_widget(Paragraph::new(foot_line), foot);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_drop_the_cents_a_card_has_no_room_for() {
        assert_eq!(dollars(Decimal::from(1310)), "$1,310");
        assert_eq!(dollars(Decimal::new(25050, 2)), "$251");
        assert_eq!(dollars(Decimal::ZERO), "$0");
    }
}
