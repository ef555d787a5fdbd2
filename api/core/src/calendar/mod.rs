//! The working-day calendar of Kazakhstan: the one module that says whether a day is a working
//! day, and that counts working days for every deadline (appeals, complaints, referrals).
//!
//! The calendar is data, one versioned file per year (`data/kz-YEAR.json`, bundled with
//! `include_str!`), each entry naming its legal source; `data/law.json` holds the law's fixed
//! days, from which a year without a file is computed (provisionally, with an alert, never a
//! failure). docs/calendar.md describes the files and how to add next year's decree;
//! `tools/holidays/compare.py` checks 2023 to 2025 against the PyPI package `holidays`.
//!
//! Counting convention: a term of `n` working days from day `d` ends on the `n`-th working day
//! after `d` ([`Calendar::add_working_days`]); `d` is the day the appeal counts as received on
//! ([`Calendar::received_on`]: after working hours or on a day off, the next working day).

mod count;
mod data;
mod day;
mod error;
mod local_time;
mod rules;
mod version;

pub use count::{Counted, Deadline};
pub use day::{DayInfo, DayReason};
pub use error::CalendarError;
pub use local_time::{Almaty, WorkingHours, ZONE};
pub use version::{CalendarVersion, VersionParseError};

use count::Walk;
use data::Law;
use day::Year;
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use time::{Date, OffsetDateTime};

/// The bundled year files, by name. A test checks that every file in `data/` is here.
const BUNDLED_YEARS: &[(&str, &str)] = &[
    ("kz-2023.json", include_str!("data/kz-2023.json")),
    ("kz-2024.json", include_str!("data/kz-2024.json")),
    ("kz-2025.json", include_str!("data/kz-2025.json")),
    ("kz-2026.json", include_str!("data/kz-2026.json")),
    ("kz-2027.json", include_str!("data/kz-2027.json")),
];
const BUNDLED_LAW: &str = include_str!("data/law.json");

/// The calendar: the years with data, the law for the others, and Almaty's local time.
#[derive(Debug, Clone)]
pub struct Calendar {
    law: Law,
    years: BTreeMap<i32, Year>,
    almaty: Almaty,
}

impl Calendar {
    /// The calendar bundled into the binary, parsed and checked: the server builds it once at
    /// start. It cannot fail on the bundled files (a test parses them), only on a broken build.
    pub fn bundled() -> Result<Self, CalendarError> {
        Calendar::from_files(BUNDLED_LAW, BUNDLED_YEARS)
    }

    /// A calendar from other files (`law.json`'s text, and `(name, text)` of each year file):
    /// for tests and tools that check an edited file before it is bundled.
    pub fn from_files(law: &str, years: &[(&str, &str)]) -> Result<Self, CalendarError> {
        let law = Law::parse(law)?;
        let mut parsed = BTreeMap::new();
        for (name, text) in years {
            let year = data::parse_year(name, text, &law)?;
            if parsed.insert(year.version.year(), year).is_some() {
                return Err(CalendarError::invalid(name, "a second file for its year"));
            }
        }
        Ok(Calendar {
            law,
            years: parsed,
            almaty: Almaty::bundled()?,
        })
    }

    /// The years that have a data file.
    pub fn years_with_data(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.keys().copied()
    }

    /// The data `year`'s days come from now.
    pub fn version(&self, year: i32) -> CalendarVersion {
        self.year(year).version
    }

    /// Whether a stored version is still the current data of its year: when it is not, the
    /// stored deadline stands as computed until an operator recomputes it (never silently).
    pub fn is_current(&self, version: CalendarVersion) -> bool {
        self.version(version.year()) == version
    }

    /// `law.json`'s version: the data of every year without a file.
    pub fn law_version(&self) -> u32 {
        self.law.version
    }

    /// Almaty's local time, from the bundled tz database.
    pub fn almaty(&self) -> &Almaty {
        &self.almaty
    }

    fn year(&self, year: i32) -> Cow<'_, Year> {
        match self.years.get(&year) {
            Some(data) => Cow::Borrowed(data),
            None => Cow::Owned(self.law.year_without_data(year)),
        }
    }

    fn walk<'c>(&'c self) -> Walk<'c, impl Fn(i32) -> Cow<'c, Year> + 'c> {
        Walk::new(|year| self.year(year))
    }

    /// Whether `date` is a working day, and why. A year without data is answered from the
    /// law's fixed days and weekends, marked provisional.
    pub fn is_working_day(&self, date: Date) -> DayInfo {
        self.year(date.year()).day(date)
    }

    /// [`Calendar::is_working_day`] for a year with data only: the lookup of operators' checks.
    pub fn day_strict(&self, date: Date) -> Result<DayInfo, CalendarError> {
        match self.years.get(&date.year()) {
            Some(year) => Ok(year.day(date)),
            None => Err(CalendarError::NoData(date.year())),
        }
    }

    /// The last day of a term of `n` working days from `from`: the `n`-th working day after
    /// `from` (`from` itself when `n` is 0). Never fails: a year without data is counted from
    /// the law and makes the deadline provisional, and is logged as an alert.
    // DOMAIN: working days: deadlines in working days skip Saturdays, Sundays and the days off
    // of the RK, and honour the government's yearly transfers.
    pub fn add_working_days(&self, from: Date, n: u32) -> Deadline {
        alert(self.count_forward(from, n), "a deadline")
    }

    fn count_forward(&self, from: Date, n: u32) -> Deadline {
        let mut walk = self.walk();
        let mut day = from;
        let mut left = n;
        while left > 0 {
            // The end of the representable dates (year 9999) stops the count there.
            let Some(next) = day.next_day() else { break };
            day = next;
            if walk.day(day).working {
                left -= 1;
            }
        }
        walk.finish(day)
    }

    /// The working days after `from` up to and including `to` (0 when `to` is not after
    /// `from`): the inverse of [`Calendar::add_working_days`], e.g. how many working days a
    /// referral took.
    pub fn working_days_between(&self, from: Date, to: Date) -> Counted<u32> {
        let mut walk = self.walk();
        let mut count = 0u32;
        let mut day = from;
        while day < to {
            let Some(next) = day.next_day() else { break };
            day = next;
            if walk.day(day).working {
                count = count.saturating_add(1);
            }
        }
        alert(walk.finish(count), "a count of working days")
    }

    /// The day an appeal or complaint received at `instant` counts as received on: that day
    /// in Almaty if it is a working day and the office has not closed yet (a receipt before
    /// opening counts for the same day), else the next working day.
    // DOMAIN: working days: appeals received after working hours count from the next working day.
    pub fn received_on(&self, instant: OffsetDateTime, hours: WorkingHours) -> Deadline {
        alert(self.receipt_day(instant, hours), "a receipt day")
    }

    fn receipt_day(&self, instant: OffsetDateTime, hours: WorkingHours) -> Deadline {
        let local = self.almaty.at(instant);
        let mut walk = self.walk();
        let mut day = local.date();
        if !(walk.day(day).working && local.time() < hours.closes()) {
            while let Some(next) = day.next_day() {
                day = next;
                if walk.day(day).working {
                    break;
                }
            }
        }
        walk.finish(day)
    }

    /// The last day of a term of `n` working days for something received at `instant`:
    /// [`Calendar::received_on`], then [`Calendar::add_working_days`].
    pub fn term_from_receipt(
        &self,
        instant: OffsetDateTime,
        hours: WorkingHours,
        n: u32,
    ) -> Deadline {
        let received = self.receipt_day(instant, hours);
        let term = self.count_forward(*received.value(), n);
        alert(received.then(term), "a deadline")
    }

    /// The years from `from` to `to` (inclusive, either order) that have no data file: what a
    /// computation over those days would raise an alert for.
    pub fn years_without_data(&self, from: Date, to: Date) -> BTreeSet<i32> {
        let (first, last) = if from <= to {
            (from.year(), to.year())
        } else {
            (to.year(), from.year())
        };
        (first..=last)
            .filter(|year| !self.years.contains_key(year))
            .collect()
    }

    /// The lines of `registration-api calendar YEAR`: one JSON object per day of the year,
    /// `{"date": "2025-01-03", "working": false, "reason": "…", "provisional": false}`.
    /// [`CalendarError::NoData`] for a year without a data file.
    pub fn year_lines(&self, year: i32) -> Result<Vec<String>, CalendarError> {
        let data = self.years.get(&year).ok_or(CalendarError::NoData(year))?;
        let mut lines = Vec::with_capacity(366);
        let mut day = Date::from_ordinal_date(year, 1).map_err(|_| CalendarError::NoData(year))?;
        while day.year() == year {
            let info = data.day(day);
            lines.push(format!(
                "{{\"date\": {}, \"working\": {}, \"reason\": {}, \"provisional\": {}}}",
                serde_json::Value::from(day.to_string()),
                info.working,
                serde_json::Value::from(info.reason.to_string()),
                info.provisional,
            ));
            let Some(next) = day.next_day() else { break };
            day = next;
        }
        Ok(lines)
    }
}

/// [`Calendar::year_lines`] of the bundled calendar: what `registration-api calendar YEAR`
/// prints, one line each. Errors: [`CalendarError::NoData`] for a year without a data file
/// (the command exits 1 with the error's message), and a bundled file that does not parse
/// (a broken build; the tests make sure it does not happen).
pub fn year_lines(year: i32) -> Result<Vec<String>, CalendarError> {
    Calendar::bundled()?.year_lines(year)
}

/// Logs the alert for a computation that touched a year without data. The caller also shows it
/// in `/readyz` (from [`Counted::years_without_data`]).
fn alert<T>(counted: Counted<T>, what: &str) -> Counted<T> {
    let years = counted.years_without_data();
    if !years.is_empty() {
        tracing::warn!(
            years = ?years,
            "calendar: {what} falls in a year without calendar data; computed from the law's fixed days and weekends and marked provisional: add the year's data file (docs/calendar.md)"
        );
    }
    counted
}

#[cfg(test)]
mod tests;
