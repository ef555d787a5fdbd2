//! The calendar's one error enum: a year the strict lookup has no data for, a bundled file that
//! does not hold together, working hours that cannot be, a tz database without Asia/Almaty.

/// What can go wrong with the calendar. Counting working days never fails: a year without data
/// is computed from the law and marked provisional instead (see [`super::Counted`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The strict lookup (`registration-api calendar YEAR`) for a year without a data file.
    #[error(
        "no calendar data for {0}: add api/core/src/calendar/data/kz-{0}.json (docs/calendar.md says how)"
    )]
    NoData(i32),
    /// A data file that does not parse or does not agree with the law's rules.
    #[error("calendar data {file}: {reason}")]
    Invalid {
        /// The file's name, e.g. `kz-2025.json`.
        file: String,
        /// What is wrong, naming the entry.
        reason: String,
    },
    /// Working hours that open at or after they close, or text that is not `HH:MM-HH:MM`.
    #[error("working hours {0:?}: expected HH:MM-HH:MM with the opening before the closing")]
    Hours(String),
    /// The bundled tz database lacks the zone (it cannot, unless the build is broken).
    #[error("the bundled tz database has no Asia/Almaty: {0}")]
    TimeZone(String),
}

impl CalendarError {
    pub(super) fn invalid(file: &str, reason: impl Into<String>) -> Self {
        CalendarError::Invalid {
            file: file.to_owned(),
            reason: reason.into(),
        }
    }
}
