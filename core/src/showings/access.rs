//! One-time self-guided access codes (spec 5.2): eight characters from an alphabet without the
//! look-alikes 0/O and 1/I (32 symbols, five random bits each, so no symbol is likelier than
//! another), drawn from the operating system's CSPRNG (through `uuid`'s v4, which reads
//! `getrandom`). A code works from the showing's start for `SHOWING_ACCESS_CODE_DURATION_MINUTES`
//! (default 60), and is issued only for a self-guided showing whose prospect verified their
//! identity.

use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{Prospect, Showing, SHOWING_ACCESS_CODE_DURATION_MINUTES};

/// The code alphabet: A-Z without I and O, 2-9.
pub const ALPHABET: &[u8; 32] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// `SHOWING_ACCESS_CODE_DURATION_MINUTES` (5-480), else 60.
pub fn duration_from_env() -> i64 {
    std::env::var("SHOWING_ACCESS_CODE_DURATION_MINUTES")
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|m| (5..=480).contains(m))
        .unwrap_or(SHOWING_ACCESS_CODE_DURATION_MINUTES)
}

/// Eight symbols from 40 random bits.
pub fn code_from(random: [u8; 5]) -> String {
    let bits = random.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    (0..8).map(|i| char::from(ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize])).collect()
}

/// A new code from the CSPRNG (the first five bytes of a v4 UUID are all random).
pub fn new_code() -> String {
    let u = Uuid::new_v4();
    let b = u.as_bytes();
    code_from([b[0], b[1], b[2], b[3], b[4]])
}

/// The spec's access-code answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct AccessCode {
    pub showing_id: Uuid,
    pub access_code: String,
    pub expires_at: DateTime<Utc>,
    pub duration_minutes: i64,
    pub identity_verified: bool,
    pub instructions: String,
}

/// Why no code is issued.
pub fn refusal(showing: &Showing, prospect: &Prospect, now: DateTime<Utc>, minutes: i64) -> Option<String> {
    if showing.showing_type != "self_guided" {
        return Some(format!(
            "Access codes are for self-guided showings; this one is {}.",
            showing.showing_type.replace('_', "-")
        ));
    }
    if !prospect.identity_verified {
        return Some(format!(
            "{} has not verified their identity: upload a government ID and a selfie first \
             (POST /api/v1/prospects/{}/verify-identity/).",
            prospect.name, prospect.id
        ));
    }
    if !matches!(showing.status.as_str(), "scheduled" | "confirmed") {
        return Some(format!("The showing is {}.", showing.status.replace('_', " ")));
    }
    if showing.scheduled_at + Duration::minutes(minutes) <= now {
        return Some("The showing's time has passed.".into());
    }
    None
}

fn clock(zone: Tz, at: DateTime<Utc>) -> String {
    at.with_timezone(&zone).format("%-I:%M %p").to_string()
}

/// The code's answer, with the local window in the instructions.
pub fn answer(showing: &Showing, prospect: &Prospect, zone: Tz, minutes: i64) -> AccessCode {
    let expires_at = showing.access_code_expires_at.unwrap_or(showing.scheduled_at + Duration::minutes(minutes));
    AccessCode {
        showing_id: showing.id,
        access_code: showing.access_code.clone(),
        expires_at,
        duration_minutes: minutes,
        identity_verified: prospect.identity_verified,
        instructions: format!(
            "Enter code on the smart lock keypad. Code is valid from {} to {}.",
            clock(zone, showing.scheduled_at),
            clock(zone, expires_at)
        ),
    }
}
