//! Small drawing helpers shared by the screens: badges, bars, key/value lines.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use unitcycle_core::lifecycle::{LeaseProgress, LifecycleStats};
use unitcycle_core::model::LeaseStatus;

use super::theme;

pub const STATES: [LeaseStatus; 4] =
    [LeaseStatus::Active, LeaseStatus::MonthToMonth, LeaseStatus::Notice, LeaseStatus::Vacant];

/// ` Notice Given ` on the state's colour.
pub fn badge(status: LeaseStatus) -> Span<'static> {
    Span::styled(
        format!(" {} ", status.label()),
        Style::new().bg(theme::status(status)).fg(Color::Black).add_modifier(Modifier::BOLD),
    )
}

/// The context-aware progress bar: `█████░░░░░ 48% · 142 days left`.
pub fn progress(p: &LeaseProgress, width: u16) -> Line<'static> {
    let color = theme::tone(p.tone);
    match p.percent {
        Some(pct) => {
            let width = usize::from(width.max(4));
            let filled = (usize::from(pct) * width + 50) / 100;
            Line::from(vec![
                Span::styled("█".repeat(filled), Style::new().fg(color)),
                Span::styled("░".repeat(width - filled), theme::dim()),
                Span::styled(format!(" {pct}% · {}", p.label), Style::new().fg(color)),
            ])
        }
        None => Line::from(Span::styled(p.label.clone(), Style::new().fg(color).add_modifier(Modifier::BOLD))),
    }
}

/// Cells per state for a bar of `width`, by largest remainder so the parts fill it exactly.
pub fn split_width(counts: [u64; 4], width: u16) -> [u16; 4] {
    let total: u64 = counts.iter().sum();
    let mut out = [0u16; 4];
    if total == 0 {
        return out;
    }
    let width = u64::from(width);
    let mut rem = [(0u64, 0usize); 4];
    let mut used = 0;
    for (i, c) in counts.iter().enumerate() {
        let exact = c * width;
        out[i] = (exact / total) as u16;
        used += u64::from(out[i]);
        rem[i] = (exact % total, i);
    }
    rem.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, i) in rem.iter().take((width - used) as usize) {
        out[*i] += 1;
    }
    out
}

pub fn counts(stats: &LifecycleStats) -> [u64; 4] {
    STATES.map(|s| stats.count(s))
}

/// The lifecycle breakdown bar: one coloured run per state, proportional to its count.
pub fn breakdown_bar(stats: &LifecycleStats, width: u16) -> Line<'static> {
    let widths = split_width(counts(stats), width);
    let spans: Vec<Span> = STATES
        .iter()
        .zip(widths)
        .filter(|(_, w)| *w > 0)
        .map(|(s, w)| Span::styled("█".repeat(usize::from(w)), Style::new().fg(theme::status(*s))))
        .collect();
    Line::from(spans)
}

/// `■ Active 812  ■ Month-to-Month 95 …` with each square in its state's colour.
pub fn legend(stats: &LifecycleStats) -> Line<'static> {
    let mut spans = Vec::new();
    for s in STATES {
        spans.push(Span::styled("■ ", Style::new().fg(theme::status(s))));
        spans.push(Span::raw(format!("{} {}  ", s.label(), stats.count(s))));
    }
    Line::from(spans)
}

/// ` Expiring in 30d: 12 ` — red when any, grey otherwise.
pub fn expiring_badge(n: u64) -> Span<'static> {
    let bg = if n > 0 { theme::hex("#EA580C") } else { theme::hex("#94A3B8") };
    Span::styled(format!(" Expiring in 30d: {n} "), Style::new().bg(bg).fg(Color::Black).add_modifier(Modifier::BOLD))
}

/// `Label      value` with the label dimmed and padded.
pub fn kv(label: &str, value: impl Into<String>) -> Line<'static> {
    Line::from(vec![Span::styled(format!("{label:<16}"), theme::dim()), Span::raw(value.into())])
}

/// Cuts text to `width` characters, ending with `…` when cut.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(width.saturating_sub(1)).collect();
        s.push('…');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_breakdown_fills_the_bar_exactly() {
        assert_eq!(split_width([812, 95, 60, 233], 40), [27, 3, 2, 8]);
        assert_eq!(split_width([1, 1, 1, 0], 10).iter().sum::<u16>(), 10);
        assert_eq!(split_width([0, 0, 0, 0], 10), [0, 0, 0, 0]);
    }

    #[test]
    fn the_hexagon_glyph_is_one_cell_wide() {
        use ratatui::text::Span;
        assert_eq!(Span::raw("⬢").width(), 1);
    }

    #[test]
    fn fit_marks_cut_text() {
        assert_eq!(fit("Maple Court", 20), "Maple Court");
        assert_eq!(fit("Maple Court", 6), "Maple…");
    }
}
