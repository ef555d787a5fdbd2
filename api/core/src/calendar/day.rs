//! One year's days once its data is read (or computed from the law): the days that are not
//! plain weekdays and weekends, and what a lookup answers for any day.

use super::rules::is_weekend;
use super::version::CalendarVersion;
use std::collections::BTreeMap;
use std::fmt;
use time::Date;

/// A day whose status is not that of its weekday.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Special {
    /// A day off by law on its own date (also when that date is a Saturday or Sunday).
    Holiday { name: String, provisional: bool },
    /// The first day of Kurban Ait, the date the state announced (or an estimate).
    KurbanAit { provisional: bool },
    /// The working day a weekend holiday moved to.
    Moved { from: Date, name: String },
    /// A weekday made a day off by the year's transfer decree.
    TransferredOff { worked: Date },
    /// A Saturday or Sunday made a working day by the year's transfer decree.
    TransferredWorking { off: Date },
}

/// One year, resolved.
#[derive(Debug, Clone)]
pub(super) struct Year {
    pub(super) version: CalendarVersion,
    /// Whether the year's transfer decree is in the data: without it every day is provisional,
    /// since a decree may still move any of them.
    pub(super) settled: bool,
    pub(super) days: BTreeMap<Date, Special>,
}

impl Year {
    pub(super) fn day(&self, date: Date) -> DayInfo {
        let (working, reason, provisional) = match self.days.get(&date) {
            None if is_weekend(date) => (false, DayReason::Weekend, false),
            None => (true, DayReason::Weekday, false),
            Some(Special::Holiday { name, provisional }) => (
                false,
                DayReason::Holiday { name: name.clone() },
                *provisional,
            ),
            Some(Special::KurbanAit { provisional }) => (false, DayReason::KurbanAit, *provisional),
            Some(Special::Moved { from, name }) => (
                false,
                DayReason::Moved {
                    from: *from,
                    name: name.clone(),
                },
                false,
            ),
            Some(Special::TransferredOff { worked }) => {
                (false, DayReason::TransferredOff { worked: *worked }, false)
            }
            Some(Special::TransferredWorking { off }) => {
                // DOMAIN: working days: a transferred working Saturday counts as a working day.
                (true, DayReason::TransferredWorking { off: *off }, false)
            }
        };
        DayInfo {
            working,
            reason,
            provisional: provisional || !self.settled,
            version: self.version,
        }
    }
}

/// What the calendar says of one day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayInfo {
    /// Whether a term in working days counts it.
    pub working: bool,
    /// Why.
    pub reason: DayReason,
    /// Whether the answer may still change: the year's transfer decree is not in the data (or
    /// the year has no data at all), or the day's date is an estimate (Kurban Ait not yet
    /// announced, a holiday whose law is not verified).
    pub provisional: bool,
    /// The data it came from.
    pub version: CalendarVersion,
}

/// Why a day is working or not.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DayReason {
    /// Monday to Friday, nothing else.
    Weekday,
    /// Saturday or Sunday, nothing else.
    Weekend,
    /// A day off by law (Law No. 267-II, art. 5), on its own date.
    Holiday {
        /// Its name, as the data file gives it.
        name: String,
    },
    /// The first day of Kurban Ait (not moved when it falls on a weekend).
    KurbanAit,
    /// The day a holiday that fell on a Saturday or Sunday moved to (Labour Code art. 85).
    Moved {
        /// The holiday's own date.
        from: Date,
        /// The holiday's name.
        name: String,
    },
    /// A weekday made a day off by the year's transfer decree.
    TransferredOff {
        /// The Saturday or Sunday worked instead.
        worked: Date,
    },
    /// A Saturday or Sunday made a working day by the year's transfer decree.
    TransferredWorking {
        /// The weekday taken off instead.
        off: Date,
    },
}

/// The `reason` of `registration-api calendar YEAR`: a short sentence for operators.
impl fmt::Display for DayReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DayReason::Weekday => f.write_str("weekday"),
            DayReason::Weekend => f.write_str("weekend"),
            DayReason::Holiday { name } => write!(f, "day off by law: {name}"),
            DayReason::KurbanAit => {
                f.write_str("day off by law: Kurban Ait (first day), not moved")
            }
            DayReason::Moved { from, name } => {
                write!(f, "day off moved from {from} ({name}, a weekend day)")
            }
            DayReason::TransferredOff { worked } => {
                write!(f, "day off by transfer: {worked} is worked instead")
            }
            DayReason::TransferredWorking { off } => {
                write!(f, "working day by transfer: {off} is off instead")
            }
        }
    }
}
