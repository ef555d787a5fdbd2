//! What a count of working days answers: the value, whether any day it looked at may still
//! change, and which data it used, so that the deadline can be stored with its versions and a
//! year without data raises an alert.

use super::day::{DayInfo, Year};
use super::version::CalendarVersion;
use std::borrow::Cow;
use std::collections::BTreeSet;
use time::Date;

/// A value computed from the calendar, with what it relied on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted<T> {
    value: T,
    provisional: bool,
    versions: BTreeSet<CalendarVersion>,
}

/// A day computed from the calendar: a deadline's last working day, or the day a receipt
/// counts from.
pub type Deadline = Counted<Date>;

impl<T> Counted<T> {
    /// The date or the number.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The value, without what it relied on.
    pub fn into_value(self) -> T {
        self.value
    }

    /// Whether a day it counted may still change (no transfer decree in the data, no data at
    /// all, an estimated date): the deadline is shown and stored as provisional.
    pub fn is_provisional(&self) -> bool {
        self.provisional
    }

    /// The data of every year it looked at: store them with the deadline.
    pub fn versions(&self) -> &BTreeSet<CalendarVersion> {
        &self.versions
    }

    /// The years it looked at that have no data file: each is an alert (logs and `/readyz`),
    /// never a failure.
    pub fn years_without_data(&self) -> BTreeSet<i32> {
        self.versions
            .iter()
            .filter(|version| !version.has_data())
            .map(CalendarVersion::year)
            .collect()
    }

    /// The same reliance for another value, as when a term is counted from a receipt day.
    pub(super) fn then<U>(self, next: Counted<U>) -> Counted<U> {
        let mut versions = self.versions;
        versions.extend(next.versions);
        Counted {
            value: next.value,
            provisional: self.provisional || next.provisional,
            versions,
        }
    }
}

/// Walks days in order, keeping the current year resolved and what was relied on.
pub(super) struct Walk<'c, F> {
    year_of: F,
    year: Option<Cow<'c, Year>>,
    provisional: bool,
    versions: BTreeSet<CalendarVersion>,
}

impl<'c, F: Fn(i32) -> Cow<'c, Year>> Walk<'c, F> {
    pub(super) fn new(year_of: F) -> Self {
        Walk {
            year_of,
            year: None,
            provisional: false,
            versions: BTreeSet::new(),
        }
    }

    /// What the calendar says of `date`, counted as relied on.
    pub(super) fn day(&mut self, date: Date) -> DayInfo {
        let year = match &mut self.year {
            Some(year) if year.version.year() == date.year() => year,
            slot => slot.insert((self.year_of)(date.year())),
        };
        let info = year.day(date);
        self.provisional |= info.provisional;
        self.versions.insert(info.version);
        info
    }

    pub(super) fn finish<T>(self, value: T) -> Counted<T> {
        Counted {
            value,
            provisional: self.provisional,
            versions: self.versions,
        }
    }
}
