//! Colours: the spec's lifecycle palette, in truecolor when the terminal says so, else the
//! nearest of the 256-colour palette.

use std::sync::atomic::{AtomicBool, Ordering};

use ratatui::style::{Color, Modifier, Style};
use unitcycle_core::lifecycle::ProgressTone;
use unitcycle_core::model::LeaseStatus;

static TRUECOLOR: AtomicBool = AtomicBool::new(true);

/// Reads `COLORTERM` ("truecolor" or "24bit" means 24-bit colour is safe).
pub fn detect_truecolor(colorterm: Option<&str>) -> bool {
    matches!(colorterm.map(str::to_ascii_lowercase).as_deref(), Some("truecolor" | "24bit"))
}

pub fn set_truecolor(on: bool) {
    TRUECOLOR.store(on, Ordering::Relaxed);
}

/// `#RRGGBB` as a terminal colour.
pub fn hex(code: &str) -> Color {
    let v = u32::from_str_radix(code.trim_start_matches('#'), 16).unwrap_or(0x94A3B8);
    let (r, g, b) = ((v >> 16) as u8, (v >> 8) as u8, v as u8);
    if TRUECOLOR.load(Ordering::Relaxed) {
        Color::Rgb(r, g, b)
    } else {
        Color::Indexed(xterm256(r, g, b))
    }
}

/// The nearest colour of the xterm 6×6×6 cube.
pub fn xterm256(r: u8, g: u8, b: u8) -> u8 {
    let level = |v: u8| -> u8 {
        match v {
            0..=47 => 0,
            48..=114 => 1,
            _ => (v - 35) / 40,
        }
    };
    16 + 36 * level(r) + 6 * level(g) + level(b)
}

/// The spec's lifecycle colours: Active #0D9488, Month-to-Month #D97706, Notice #DC2626, Vacant #94A3B8.
pub fn status_hex(status: LeaseStatus) -> &'static str {
    match status {
        LeaseStatus::Active => "#0D9488",
        LeaseStatus::MonthToMonth => "#D97706",
        LeaseStatus::Notice => "#DC2626",
        LeaseStatus::Vacant => "#94A3B8",
    }
}

pub fn status(status: LeaseStatus) -> Color {
    hex(status_hex(status))
}

pub fn tone(tone: ProgressTone) -> Color {
    hex(tone.hex())
}

pub fn accent() -> Color {
    hex("#0D9488")
}

pub fn dim() -> Style {
    Style::new().fg(hex("#94A3B8"))
}

pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}

pub fn error() -> Style {
    Style::new().fg(hex("#DC2626")).add_modifier(Modifier::BOLD)
}

pub fn selected() -> Style {
    Style::new().bg(hex("#1E293B")).add_modifier(Modifier::BOLD)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colorterm_decides_truecolor() {
        assert!(detect_truecolor(Some("truecolor")));
        assert!(detect_truecolor(Some("24bit")));
        assert!(!detect_truecolor(Some("")));
        assert!(!detect_truecolor(None));
    }

    #[test]
    fn the_palette_maps_to_the_256_colour_cube() {
        assert_eq!(xterm256(0x0D, 0x94, 0x88), 16 + 6 * 2 + 2);
        assert_eq!(xterm256(0xDC, 0x26, 0x26), 16 + 36 * 4);
        assert_eq!(xterm256(0, 0, 0), 16);
        assert_eq!(xterm256(255, 255, 255), 231);
    }
}
