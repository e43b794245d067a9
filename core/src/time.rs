//! Time zones: "today" for a lease is its property's local date.
//!
//! Every property has an IANA time zone (`properties.time_zone`, 'UTC' by default). A job that
//! counts days (days overdue, the rent due day, late fees after the grace period, notice and scan
//! windows, letter dates) builds a [`Days`] calendar from the instant it runs at and looks up the
//! day of each row's property, so a property in America/Los_Angeles at 2026-12-03T06:00Z is
//! still on 2026-12-02.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;
use uuid::Uuid;

use crate::store::{Result, StoreError};

/// The zone of properties that name none.
pub const DEFAULT_ZONE: &str = "UTC";

/// An IANA time zone name parsed, or why not (the message names the value and an example).
pub fn zone(name: &str) -> std::result::Result<Tz, String> {
    name.trim().parse::<Tz>().map_err(|_| {
        format!("Unknown time zone '{name}': use an IANA name such as America/Los_Angeles, America/New_York or UTC.")
    })
}

/// Checks a property's time zone before it is stored: `Rejected` with a clear message.
pub fn check_zone(name: &str) -> Result<()> {
    zone(name).map(|_| ()).map_err(StoreError::Rejected)
}

/// The local calendar date in `zone` at the instant `now`.
pub fn local_date(zone: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// "Today" at `property` for something done at `now` (a person's action, a letter, a row of a
/// listing): its local date. A stored zone that does not parse is refused (`Rejected`), naming it.
pub fn today_of(property: &crate::model::Property, now: DateTime<Utc>) -> Result<NaiveDate> {
    today_in(&property.time_zone, now).map_err(|e| StoreError::Rejected(format!("Property {}: {e}", property.id)))
}

/// The local date at `now` in the zone named `zone_name` (a property's `time_zone` as read with
/// a row of a listing), or why the name does not parse.
pub fn today_in(zone_name: &str, now: DateTime<Utc>) -> std::result::Result<NaiveDate, String> {
    zone(zone_name).map(|tz| local_date(tz, now))
}

/// The latest calendar date anywhere on Earth at `now` (UTC+14): a date after it is in the
/// future wherever the person is (a date of birth, which belongs to no property).
pub fn latest_date(now: DateTime<Utc>) -> NaiveDate {
    (now + chrono::Duration::hours(14)).date_naive()
}

/// "Today" at the property `property_id` (read through `records`) at `now`: its local date.
/// Person-driven workflows call this with the record's property, so callers pass `now` only.
pub fn today_at<R: crate::port::Records + ?Sized>(
    records: &R,
    property_id: Uuid,
    now: DateTime<Utc>,
) -> Result<NaiveDate> {
    today_of(&records.property(property_id)?, now)
}

/// Each property's "today". Built from the instant a job runs at ([`Days::at`]); jobs look up
/// the day of each row's property with [`Days::of`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Days {
    pub by_property: HashMap<Uuid, NaiveDate>,
    /// The day of a property not in `by_property` (and of UTC properties).
    pub fallback: NaiveDate,
}

impl Days {
    /// The same day everywhere (every property in UTC, or a test that fixes the date).
    pub fn uniform(today: NaiveDate) -> Days {
        Days { by_property: HashMap::new(), fallback: today }
    }

    /// The calendar at `now` for properties in `zones` (property id → IANA name). `today` is the
    /// run's UTC date (normally `now`'s); each property's day is `today` moved by as many days as
    /// its local date at `now` differs from `now`'s UTC date, so a run for a given `today` keeps
    /// its meaning and a property west of UTC is still on the day before in its early UTC hours.
    /// A zone that does not parse is refused (`Rejected`), naming the property.
    pub fn at(zones: &HashMap<Uuid, String>, today: NaiveDate, now: DateTime<Utc>) -> Result<Days> {
        let mut by_property = HashMap::new();
        for (id, name) in zones {
            let tz = zone(name).map_err(|e| StoreError::Rejected(format!("Property {id}: {e}")))?;
            let shift = local_date(tz, now) - now.date_naive();
            if !shift.is_zero() {
                by_property.insert(*id, today + shift);
            }
        }
        Ok(Days { by_property, fallback: today })
    }

    /// The calendar of the port's properties at `now`.
    pub fn of_port<R: crate::port::Records + ?Sized>(port: &R, today: NaiveDate, now: DateTime<Utc>) -> Result<Days> {
        Days::at(&port.property_zones()?, today, now)
    }

    /// The latest of the properties' days.
    pub fn latest(&self) -> NaiveDate {
        self.by_property.values().copied().fold(self.fallback, NaiveDate::max)
    }

    /// "Today" for rows of `property_id`.
    pub fn of(&self, property_id: Uuid) -> NaiveDate {
        self.by_property.get(&property_id).copied().unwrap_or(self.fallback)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn los_angeles_is_still_on_the_day_before_at_six_utc() {
        let la = zone("America/Los_Angeles").unwrap();
        assert_eq!(local_date(la, at("2026-12-03T06:00:00Z")), d("2026-12-02"));
        assert_eq!(local_date(la, at("2026-12-03T08:00:00Z")), d("2026-12-03"));
        assert_eq!(local_date(zone("Asia/Tokyo").unwrap(), at("2026-12-03T20:00:00Z")), d("2026-12-04"));
        assert_eq!(local_date(zone("UTC").unwrap(), at("2026-12-03T23:59:00Z")), d("2026-12-03"));
    }

    #[test]
    fn a_bad_zone_is_refused_with_a_clear_message() {
        assert_eq!(
            zone("Mars/Olympus").unwrap_err(),
            "Unknown time zone 'Mars/Olympus': use an IANA name such as America/Los_Angeles, America/New_York or UTC."
        );
        assert!(matches!(check_zone(""), Err(StoreError::Rejected(_))));
        assert!(check_zone("America/New_York").is_ok());
    }

    #[test]
    fn each_property_gets_its_local_day() {
        let (la, ny, utc) = (Uuid::from_u128(1), Uuid::from_u128(2), Uuid::from_u128(3));
        let zones = HashMap::from([
            (la, "America/Los_Angeles".to_string()),
            (ny, "America/New_York".to_string()),
            (utc, "UTC".to_string()),
        ]);
        let days = Days::at(&zones, d("2026-12-03"), at("2026-12-03T06:00:00Z")).unwrap();
        assert_eq!(days.of(la), d("2026-12-02"));
        assert_eq!(days.of(ny), d("2026-12-03"));
        assert_eq!(days.of(utc), d("2026-12-03"));
        assert_eq!(days.of(Uuid::from_u128(9)), d("2026-12-03"));
        let bad = HashMap::from([(la, "Nowhere".to_string())]);
        assert!(Days::at(&bad, d("2026-12-03"), at("2026-12-03T06:00:00Z")).is_err());
        assert_eq!(Days::uniform(d("2026-12-03")).of(la), d("2026-12-03"));
    }
}
