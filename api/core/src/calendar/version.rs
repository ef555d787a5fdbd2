//! Which data a day's status came from, so that a stored deadline keeps the calendar it was
//! computed with: editing a data file (a new `version`) never moves it silently; recomputing
//! is an explicit operator command that compares the stored versions with the current ones.

use std::fmt;
use std::str::FromStr;

/// The data behind one year's days: its data file and that file's `version`, or, for a year
/// without a file, the law's fixed days (`law.json`) alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CalendarVersion {
    /// `kz-YEAR.json` at `version`.
    Data {
        /// The calendar year.
        year: i32,
        /// The file's `version`.
        version: u32,
    },
    /// No data file for `year`: computed from `law.json` at `law_version`, so provisional.
    LawOnly {
        /// The calendar year.
        year: i32,
        /// `law.json`'s `version`.
        law_version: u32,
    },
}

impl CalendarVersion {
    /// The calendar year it covers.
    pub fn year(&self) -> i32 {
        match *self {
            CalendarVersion::Data { year, .. } | CalendarVersion::LawOnly { year, .. } => year,
        }
    }

    /// Whether the year has a data file.
    pub fn has_data(&self) -> bool {
        matches!(self, CalendarVersion::Data { .. })
    }
}

/// `kz-2025/v1` for a data file, `kz-2031/law-v1` for a year without one: the form to store.
impl fmt::Display for CalendarVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CalendarVersion::Data { year, version } => write!(f, "kz-{year}/v{version}"),
            CalendarVersion::LawOnly { year, law_version } => {
                write!(f, "kz-{year}/law-v{law_version}")
            }
        }
    }
}

/// Text that is not a stored calendar version.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a calendar version (kz-YEAR/vN or kz-YEAR/law-vN): {0:?}")]
pub struct VersionParseError(String);

impl FromStr for CalendarVersion {
    type Err = VersionParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || VersionParseError(s.to_owned());
        let (year, version) = s
            .strip_prefix("kz-")
            .and_then(|rest| rest.split_once('/'))
            .ok_or_else(error)?;
        let year: i32 = year.parse().map_err(|_| error())?;
        if let Some(law_version) = version.strip_prefix("law-v") {
            let law_version = law_version.parse().map_err(|_| error())?;
            return Ok(CalendarVersion::LawOnly { year, law_version });
        }
        let version = version
            .strip_prefix('v')
            .ok_or_else(error)?
            .parse()
            .map_err(|_| error())?;
        Ok(CalendarVersion::Data { year, version })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_reads_back_what_it_writes() {
        for version in [
            CalendarVersion::Data {
                year: 2025,
                version: 3,
            },
            CalendarVersion::LawOnly {
                year: 2031,
                law_version: 1,
            },
        ] {
            assert_eq!(version.to_string().parse(), Ok(version));
        }
        for bad in [
            "2025/v1",
            "kz-2025",
            "kz-2025/1",
            "kz-x/v1",
            "kz-2025/law-1",
        ] {
            assert!(bad.parse::<CalendarVersion>().is_err(), "{bad}");
        }
    }
}
