//! Showing slots (spec 5.2 `showing_slot_config`): each property's hours per day of week (0 =
//! Monday), cut into slots of `slot_duration_minutes`, at most `max_per_day` showings a day.
//! A property with no configuration uses the default hours (Monday to Saturday 09:00-18:00,
//! 60-minute slots, `SHOWING_MAX_PER_DAY` a day) so it can be shown before anyone sets hours.
//! Booking refuses a time outside the hours, a slot overlapping another active showing of the
//! same listing (a conflict), and a day already at its maximum (a conflict).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::model::{Showing, ShowingSlotConfig, SHOWING_MAX_PER_DAY};

/// The hours that apply on a date: the property's row for its weekday, the default hours
/// when the property has no rows at all, none when it has rows but not for that day.
pub fn config_for(configs: &[ShowingSlotConfig], property_id: Uuid, date: NaiveDate) -> Option<ShowingSlotConfig> {
    let dow = date.weekday().num_days_from_monday() as i32;
    let own: Vec<&ShowingSlotConfig> = configs.iter().filter(|c| c.property_id == property_id).collect();
    if own.is_empty() {
        return (dow <= 5).then(|| default_config(property_id, dow));
    }
    own.into_iter().find(|c| c.day_of_week == dow).cloned()
}

/// The default hours of a day (Monday to Saturday 09:00-18:00).
pub fn default_config(property_id: Uuid, day_of_week: i32) -> ShowingSlotConfig {
    ShowingSlotConfig {
        id: Uuid::new_v5(&property_id, format!("showing_slot_config:{day_of_week}").as_bytes()),
        property_id,
        day_of_week,
        start_time: NaiveTime::from_hms_opt(9, 0, 0).unwrap_or_default(),
        end_time: NaiveTime::from_hms_opt(18, 0, 0).unwrap_or_default(),
        max_per_day: SHOWING_MAX_PER_DAY,
        slot_duration_minutes: 60,
        is_self_guided_allowed: true,
        updated_at: DateTime::<Utc>::UNIX_EPOCH,
    }
}

/// A slot config checked: a day 0-6, an end after the start, a slot of 15-240 minutes that fits
/// in the hours, 1-50 showings a day.
pub fn check_config(c: &ShowingSlotConfig) -> Result<(), String> {
    if !(0..=6).contains(&c.day_of_week) {
        return Err("day_of_week is 0 (Monday) to 6 (Sunday).".into());
    }
    if c.end_time <= c.start_time {
        return Err("end_time is after start_time.".into());
    }
    if !(15..=240).contains(&c.slot_duration_minutes) {
        return Err("slot_duration_minutes is 15 to 240.".into());
    }
    if c.start_time + Duration::minutes(i64::from(c.slot_duration_minutes)) > c.end_time {
        return Err("One slot does not fit between start_time and end_time.".into());
    }
    if !(1..=50).contains(&c.max_per_day) {
        return Err("max_per_day is 1 to 50.".into());
    }
    Ok(())
}

/// The instant of a local time at the property (the earlier one when clocks go back, the
/// first valid minute after a gap when they go forward).
pub fn instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut t = local;
    for _ in 0..180 {
        if let Some(at) = zone.from_local_datetime(&t).earliest() {
            return at.with_timezone(&Utc);
        }
        t += Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

/// The local date and time of an instant at the property.
pub fn local(zone: Tz, at: DateTime<Utc>) -> NaiveDateTime {
    at.with_timezone(&zone).naive_local()
}

/// One slot of a day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct Slot {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// `14:00` at the property.
    pub local_time: String,
    pub available: bool,
    /// Active showings overlapping it.
    pub booked: i32,
}

/// A day's slots at a property.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, specta::Type, utoipa::ToSchema)]
pub struct DaySlots {
    pub property_id: Uuid,
    pub date: NaiveDate,
    pub day_of_week: i32,
    /// Whether the property shows on that day.
    pub open: bool,
    pub start_time: Option<String>,
    pub end_time: Option<String>,
    pub slot_duration_minutes: i32,
    pub max_per_day: i32,
    pub booked_today: i32,
    pub remaining_today: i32,
    pub is_self_guided_allowed: bool,
    /// Whether these are the default hours (the property has none configured).
    pub default_hours: bool,
    pub slots: Vec<Slot>,
}

fn overlaps(a_start: DateTime<Utc>, a_end: DateTime<Utc>, s: &Showing) -> bool {
    a_start < s.ends_at() && s.scheduled_at < a_end
}

/// Active showings of `showings` on the local `date` at the property.
fn booked_on(zone: Tz, date: NaiveDate, showings: &[Showing]) -> impl Iterator<Item = &Showing> {
    showings.iter().filter(move |s| s.is_active() && local(zone, s.scheduled_at).date() == date)
}

/// The slots of `date` at a property; `showings` are the property's (or one listing's)
/// showings. A slot is available when nothing active overlaps it, it starts after `now` and the
/// day is under its maximum.
pub fn day_slots(
    configs: &[ShowingSlotConfig],
    property_id: Uuid,
    zone: Tz,
    date: NaiveDate,
    showings: &[Showing],
    now: DateTime<Utc>,
) -> DaySlots {
    let dow = date.weekday().num_days_from_monday() as i32;
    let default_hours = !configs.iter().any(|c| c.property_id == property_id);
    let booked_today = booked_on(zone, date, showings).count() as i32;
    let Some(c) = config_for(configs, property_id, date) else {
        return DaySlots {
            property_id,
            date,
            day_of_week: dow,
            open: false,
            start_time: None,
            end_time: None,
            slot_duration_minutes: 0,
            max_per_day: 0,
            booked_today,
            remaining_today: 0,
            is_self_guided_allowed: false,
            default_hours,
            slots: Vec::new(),
        };
    };
    let step = Duration::minutes(i64::from(c.slot_duration_minutes.max(15)));
    let mut slots = Vec::new();
    let mut t = c.start_time;
    while t + step <= c.end_time && t + step > t {
        let start = instant(zone, date.and_time(t));
        let end = start + step;
        let booked = showings.iter().filter(|s| s.is_active() && overlaps(start, end, s)).count() as i32;
        slots.push(Slot {
            start,
            end,
            local_time: t.format("%H:%M").to_string(),
            available: booked == 0 && start > now && booked_today < c.max_per_day,
            booked,
        });
        t += step;
    }
    DaySlots {
        property_id,
        date,
        day_of_week: dow,
        open: true,
        start_time: Some(c.start_time.format("%H:%M").to_string()),
        end_time: Some(c.end_time.format("%H:%M").to_string()),
        slot_duration_minutes: c.slot_duration_minutes,
        max_per_day: c.max_per_day,
        booked_today,
        remaining_today: (c.max_per_day - booked_today).max(0),
        is_self_guided_allowed: c.is_self_guided_allowed,
        default_hours,
        slots,
    }
}

/// Why a booking is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The time is taken (an overlapping showing of the listing, or the day is full): a 409.
    Conflict(String),
    /// The time is not bookable (in the past, outside the hours, a type not offered): a 422.
    Invalid(String),
}

impl Refusal {
    pub fn message(&self) -> &str {
        match self {
            Refusal::Conflict(m) | Refusal::Invalid(m) => m,
        }
    }
}

/// What a booking is checked against.
#[derive(Debug, Clone)]
pub struct Booking<'a> {
    pub property_id: Uuid,
    pub listing_id: Uuid,
    pub showing_type: &'a str,
    pub scheduled_at: DateTime<Utc>,
    pub zone: Tz,
    pub configs: &'a [ShowingSlotConfig],
    /// The property's showings (every listing); the one being moved is left out by the caller.
    pub showings: &'a [Showing],
    pub now: DateTime<Utc>,
}

/// The duration of the booking (the day's slot length) if it may be booked.
pub fn check_booking(b: &Booking<'_>) -> Result<i32, Refusal> {
    if b.scheduled_at <= b.now {
        return Err(Refusal::Invalid(format!("{} is in the past.", b.scheduled_at.format("%Y-%m-%d %H:%M UTC"))));
    }
    let at = local(b.zone, b.scheduled_at);
    let Some(c) = config_for(b.configs, b.property_id, at.date()) else {
        return Err(Refusal::Invalid(format!("The property has no showing hours on {}s.", at.format("%A"))));
    };
    let minutes = c.slot_duration_minutes;
    let end = at.time() + Duration::minutes(i64::from(minutes));
    if at.time() < c.start_time || end > c.end_time || end <= at.time() {
        return Err(Refusal::Invalid(format!(
            "{} is outside the showing hours on {}s ({}-{}, {}-minute showings).",
            at.format("%H:%M"),
            at.format("%A"),
            c.start_time.format("%H:%M"),
            c.end_time.format("%H:%M"),
            minutes
        )));
    }
    if b.showing_type == "self_guided" && !c.is_self_guided_allowed {
        return Err(Refusal::Invalid(format!("Self-guided showings are not offered on {}s.", at.format("%A"))));
    }
    let ends = b.scheduled_at + Duration::minutes(i64::from(minutes));
    if let Some(s) =
        b.showings.iter().find(|s| s.listing_id == b.listing_id && s.is_active() && overlaps(b.scheduled_at, ends, s))
    {
        return Err(Refusal::Conflict(format!(
            "The listing already has a showing from {} to {} (local {}): choose another slot.",
            s.scheduled_at.format("%H:%M UTC"),
            s.ends_at().format("%H:%M UTC"),
            local(b.zone, s.scheduled_at).format("%H:%M")
        )));
    }
    let booked = booked_on(b.zone, at.date(), b.showings).count() as i32;
    if booked >= c.max_per_day {
        return Err(Refusal::Conflict(format!(
            "{} already has {booked} showing(s), its maximum of {}.",
            at.date(),
            c.max_per_day
        )));
    }
    Ok(minutes)
}
