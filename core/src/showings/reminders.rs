//! Showing reminders (spec 5.2 `send_showing_reminders`, every 15 minutes): 24 hours, 2 hours
//! and 30 minutes before the showing, each once. A reminder's window runs from its offset
//! before the showing to the next shorter offset (24 h → 2 h, 2 h → 30 min, 30 min → the
//! start). At `now` the reminder whose window holds `now` is sent; a longer one whose window has
//! passed unsent (the showing was booked late, or the job did not run) is skipped, not sent
//! late: its flag is set so it never goes. Only scheduled and confirmed showings are reminded.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::model::Showing;

/// Which reminder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reminder {
    H24,
    H2,
    M30,
}

impl Reminder {
    pub const ALL: [Reminder; 3] = [Reminder::H24, Reminder::H2, Reminder::M30];

    pub fn key(self) -> &'static str {
        match self {
            Reminder::H24 => "reminder_24h",
            Reminder::H2 => "reminder_2h",
            Reminder::M30 => "reminder_30m",
        }
    }

    pub fn before(self) -> Duration {
        match self {
            Reminder::H24 => Duration::hours(24),
            Reminder::H2 => Duration::hours(2),
            Reminder::M30 => Duration::minutes(30),
        }
    }

    /// `tomorrow`, `in 2 hours`, `in 30 minutes`.
    pub fn when(self) -> &'static str {
        match self {
            Reminder::H24 => "tomorrow",
            Reminder::H2 => "in about 2 hours",
            Reminder::M30 => "in 30 minutes",
        }
    }

    fn next(self) -> Duration {
        match self {
            Reminder::H24 => Reminder::H2.before(),
            Reminder::H2 => Reminder::M30.before(),
            Reminder::M30 => Duration::zero(),
        }
    }

    pub fn sent(self, s: &Showing) -> bool {
        match self {
            Reminder::H24 => s.reminder_24h_sent,
            Reminder::H2 => s.reminder_2h_sent,
            Reminder::M30 => s.reminder_30m_sent,
        }
    }

    pub fn mark(self, s: &mut Showing) {
        match self {
            Reminder::H24 => s.reminder_24h_sent = true,
            Reminder::H2 => s.reminder_2h_sent = true,
            Reminder::M30 => s.reminder_30m_sent = true,
        }
    }
}

/// What to do about a showing's reminders at `now`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Due {
    /// The reminder to send now, if any.
    pub send: Option<Reminder>,
    /// Reminders whose window passed unsent: marked, never sent.
    pub skip: Vec<Reminder>,
}

/// The reminders due for `s` at `now`.
pub fn due(s: &Showing, now: DateTime<Utc>) -> Due {
    let mut out = Due::default();
    if !matches!(s.status.as_str(), "scheduled" | "confirmed") || now >= s.scheduled_at {
        return out;
    }
    for r in Reminder::ALL {
        if r.sent(s) {
            continue;
        }
        let (opens, closes) = (s.scheduled_at - r.before(), s.scheduled_at - r.next());
        if now >= closes {
            out.skip.push(r);
        } else if now >= opens {
            out.send = Some(r);
        }
    }
    out
}
