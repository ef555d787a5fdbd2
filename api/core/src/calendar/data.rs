//! The data files (`data/law.json`, `data/kz-YEAR.json`; docs/calendar.md describes them) and
//! their parsing: each file is read into the raw shapes below, then checked against the law's
//! rules and the other files before it becomes a [`Year`], so that a file that does not hold
//! together never reaches a deadline. A test parses every bundled file.

use super::day::{Special, Year};
use super::error::CalendarError;
use super::rules::{self, Holiday, is_weekend};
use super::version::CalendarVersion;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use time::macros::format_description;
use time::{Date, Month};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLaw {
    version: u32,
    #[serde(rename = "note")]
    _note: String,
    sources: BTreeMap<String, String>,
    days_off: Vec<RawLawDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLawDay {
    month: u8,
    day: u8,
    name: String,
    moves: bool,
    #[serde(default)]
    first_year: Option<i32>,
    #[serde(default)]
    last_year: Option<i32>,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    version: u32,
    year: i32,
    #[serde(rename = "note")]
    _note: String,
    transfers_decree: Option<String>,
    sources: BTreeMap<String, String>,
    days_off: Vec<RawDayOff>,
    kurban_ait: RawKurbanAit,
    moved: Vec<RawMove>,
    transfers: Vec<RawTransfer>,
    known_disagreements: Vec<RawDisagreement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDayOff {
    date: String,
    name: String,
    moves: bool,
    source: String,
    #[serde(default)]
    provisional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawKurbanAit {
    date: String,
    source: String,
    #[serde(default)]
    provisional: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMove {
    from: String,
    to: String,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTransfer {
    off: String,
    worked: String,
    source: String,
}

/// A day on which the holidays package (tools/holidays/compare.py) says otherwise, kept with
/// the legal source of our answer. The parser checks that `working` is what we answer.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDisagreement {
    date: String,
    working: bool,
    #[serde(rename = "holidays_working")]
    _holidays_working: bool,
    source: String,
}

/// `law.json`, read: the days off of Law No. 267-II art. 5 with the years they hold for.
#[derive(Debug, Clone)]
pub(super) struct Law {
    pub(super) version: u32,
    days: Vec<LawDay>,
}

#[derive(Debug, Clone)]
struct LawDay {
    month: Month,
    day: u8,
    name: String,
    moves: bool,
    first_year: Option<i32>,
    last_year: Option<i32>,
}

const LAW_FILE: &str = "law.json";

impl Law {
    pub(super) fn parse(text: &str) -> Result<Law, CalendarError> {
        let invalid = |reason: String| CalendarError::invalid(LAW_FILE, reason);
        let raw: RawLaw = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let mut days = Vec::with_capacity(raw.days_off.len());
        let mut used = BTreeSet::new();
        for day in raw.days_off {
            let month = Month::try_from(day.month)
                .map_err(|_| invalid(format!("{}: no month {}", day.name, day.month)))?;
            // A fixed day must exist every year: 29 February cannot be one.
            Date::from_calendar_date(2023, month, day.day)
                .map_err(|_| invalid(format!("{}: no day {month} {}", day.name, day.day)))?;
            if let (Some(first), Some(last)) = (day.first_year, day.last_year)
                && first > last
            {
                return Err(invalid(format!("{}: first_year after last_year", day.name)));
            }
            if !raw.sources.contains_key(&day.source) {
                return Err(invalid(format!("{}: no source {:?}", day.name, day.source)));
            }
            used.insert(day.source);
            days.push(LawDay {
                month,
                day: day.day,
                name: day.name,
                moves: day.moves,
                first_year: day.first_year,
                last_year: day.last_year,
            });
        }
        unused_sources(&raw.sources, &used).map_err(invalid)?;
        let law = Law {
            version: raw.version,
            days,
        };
        // Two entries on one date in some year would make one of them silently vanish.
        for year in 2000..=2100 {
            let holidays = law.days_of(year);
            let dates: BTreeSet<Date> = holidays.iter().map(|h| h.date).collect();
            if dates.len() != holidays.len() {
                return Err(invalid(format!("two days off on one date in {year}")));
            }
        }
        Ok(law)
    }

    /// The law's days off in `year`, in date order.
    // DOMAIN: working days: the days off of the RK.
    pub(super) fn days_of(&self, year: i32) -> Vec<Holiday> {
        let mut holidays: Vec<Holiday> = self
            .days
            .iter()
            .filter(|day| day.first_year.is_none_or(|first| first <= year))
            .filter(|day| day.last_year.is_none_or(|last| year <= last))
            .filter_map(|day| {
                Date::from_calendar_date(year, day.month, day.day)
                    .ok()
                    .map(|date| Holiday {
                        date,
                        name: day.name.clone(),
                        moves: day.moves,
                    })
            })
            .collect();
        holidays.sort_by_key(|holiday| holiday.date);
        holidays
    }

    /// A year without a data file: the law's days and their moves, no Kurban Ait (its date is
    /// not known), no transfers, every day provisional.
    pub(super) fn year_without_data(&self, year: i32) -> Year {
        let holidays = self.days_of(year);
        let off = holidays.iter().map(|h| h.date).collect();
        let mut days = BTreeMap::new();
        for (from, to) in rules::moves(&holidays, &off) {
            let name = holidays
                .iter()
                .find(|h| h.date == from)
                .map(|h| h.name.clone())
                .unwrap_or_default();
            days.insert(to, Special::Moved { from, name });
        }
        for holiday in holidays {
            days.insert(
                holiday.date,
                Special::Holiday {
                    name: holiday.name,
                    provisional: true,
                },
            );
        }
        Year {
            version: CalendarVersion::LawOnly {
                year,
                law_version: self.version,
            },
            settled: false,
            days,
        }
    }
}

/// Reads `kz-YEAR.json` (named `file`) and checks it against `law`.
pub(super) fn parse_year(file: &str, text: &str, law: &Law) -> Result<Year, CalendarError> {
    let invalid = |reason: String| CalendarError::invalid(file, reason);
    let raw: RawYear = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
    let year = raw.year;
    if file != format!("kz-{year}.json") {
        return Err(invalid(format!("the file of {year} is kz-{year}.json")));
    }
    let mut used = BTreeSet::new();
    let mut source = |key: &str, what: &str| {
        if raw.sources.contains_key(key) {
            used.insert(key.to_owned());
            Ok(())
        } else {
            Err(invalid(format!("{what}: no source {key:?} in \"sources\"")))
        }
    };
    let date = |text: &str, what: &str| -> Result<Date, CalendarError> {
        let date = Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map_err(|_| invalid(format!("{what}: not a date (YYYY-MM-DD): {text:?}")))?;
        if date.year() != year {
            return Err(invalid(format!("{what}: {date} is not in {year}")));
        }
        Ok(date)
    };

    // The law's days, exactly as law.json has them for the year: a change of the law goes
    // there (with first_year / last_year), so that a year without data follows it too.
    let mut days = BTreeMap::new();
    let mut listed = Vec::with_capacity(raw.days_off.len());
    for entry in &raw.days_off {
        let what = format!("day off {:?}", entry.date);
        let on = date(&entry.date, &what)?;
        source(&entry.source, &what)?;
        let holiday = Holiday {
            date: on,
            name: entry.name.clone(),
            moves: entry.moves,
        };
        let special = Special::Holiday {
            name: entry.name.clone(),
            provisional: entry.provisional,
        };
        if days.insert(on, special).is_some() {
            return Err(invalid(format!("{what}: listed twice")));
        }
        listed.push(holiday);
    }
    listed.sort_by_key(|holiday| holiday.date);
    let by_law = law.days_of(year);
    if listed != by_law {
        let show = |holidays: &[Holiday]| {
            holidays
                .iter()
                .map(|h| format!("{} {} (moves: {})", h.date, h.name, h.moves))
                .collect::<Vec<_>>()
                .join("; ")
        };
        return Err(invalid(format!(
            "days_off differ from law.json for {year}: the file has [{}], the law [{}]",
            show(&listed),
            show(&by_law)
        )));
    }

    // DOMAIN: working days: Kurban Ait day 1 (moving date) is a day off, and does not move.
    let kurban = date(&raw.kurban_ait.date, "kurban_ait")?;
    source(&raw.kurban_ait.source, "kurban_ait")?;
    if days.contains_key(&kurban) {
        return Err(invalid(format!(
            "kurban_ait: {kurban} is already a day off by law, a case the calendar does not model yet"
        )));
    }
    days.insert(
        kurban,
        Special::KurbanAit {
            provisional: raw.kurban_ait.provisional,
        },
    );

    // The moves are data, and must be exactly what the rule gives.
    let off: BTreeSet<Date> = days.keys().copied().collect();
    let expected = rules::moves(&listed, &off);
    let mut moved = Vec::with_capacity(raw.moved.len());
    for entry in &raw.moved {
        let what = format!("moved {:?} -> {:?}", entry.from, entry.to);
        source(&entry.source, &what)?;
        moved.push((date(&entry.from, &what)?, date(&entry.to, &what)?));
    }
    moved.sort_unstable();
    if moved != expected {
        let show = |pairs: &[(Date, Date)]| {
            pairs
                .iter()
                .map(|(from, to)| format!("{from} -> {to}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(invalid(format!(
            "moved [{}] is not what Labour Code art. 85 gives [{}]",
            show(&moved),
            show(&expected)
        )));
    }
    for (from, to) in moved {
        let name = listed
            .iter()
            .find(|h| h.date == from)
            .map(|h| h.name.clone())
            .unwrap_or_default();
        days.insert(to, Special::Moved { from, name });
    }

    // The decree's transfers: a plain weekday made a day off, a plain Saturday or Sunday made
    // a working day.
    if let Some(decree) = &raw.transfers_decree {
        source(decree, "transfers_decree")?;
    } else if !raw.transfers.is_empty() {
        return Err(invalid(
            "transfers without a transfers_decree: name the decree".to_owned(),
        ));
    }
    for entry in &raw.transfers {
        let what = format!("transfer off {:?}, worked {:?}", entry.off, entry.worked);
        source(&entry.source, &what)?;
        let off = date(&entry.off, &what)?;
        let worked = date(&entry.worked, &what)?;
        if is_weekend(off) || days.contains_key(&off) {
            return Err(invalid(format!("{what}: {off} must be a working weekday")));
        }
        if !is_weekend(worked) || days.contains_key(&worked) {
            return Err(invalid(format!(
                "{what}: {worked} must be a plain Saturday or Sunday"
            )));
        }
        days.insert(off, Special::TransferredOff { worked });
        days.insert(worked, Special::TransferredWorking { off });
    }

    let resolved = Year {
        version: CalendarVersion::Data {
            year,
            version: raw.version,
        },
        settled: raw.transfers_decree.is_some(),
        days,
    };

    let mut seen = BTreeSet::new();
    for entry in &raw.known_disagreements {
        let what = format!("known disagreement {:?}", entry.date);
        source(&entry.source, &what)?;
        let on = date(&entry.date, &what)?;
        if !seen.insert(on) {
            return Err(invalid(format!("{what}: listed twice")));
        }
        if resolved.day(on).working != entry.working {
            return Err(invalid(format!(
                "{what}: says we answer working={}, but we answer the opposite",
                entry.working
            )));
        }
    }
    unused_sources(&raw.sources, &used).map_err(invalid)?;
    Ok(resolved)
}

/// A source no entry names is a sign of a removed entry whose source was left behind.
fn unused_sources(
    sources: &BTreeMap<String, String>,
    used: &BTreeSet<String>,
) -> Result<(), String> {
    match sources.keys().find(|key| !used.contains(*key)) {
        Some(key) => Err(format!("source {key:?} is named by no entry")),
        None => Ok(()),
    }
}
