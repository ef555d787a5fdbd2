//! The rules of the law that both the data files and a year without data obey: what a weekend
//! is, and where a holiday that falls on one moves. The data files list their moves; the parser
//! checks them against [`moves`], and a year without data is computed with it.

use std::collections::BTreeSet;
use time::{Date, Weekday};

/// A day off by law in a given year, before any move or transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Holiday {
    pub(super) date: Date,
    pub(super) name: String,
    /// Whether it moves when it falls on a Saturday or Sunday.
    pub(super) moves: bool,
}

// DOMAIN: working days: deadlines skip Saturdays and Sundays.
pub(super) fn is_weekend(date: Date) -> bool {
    matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
}

/// The moves of the year's holidays that fall on a Saturday or Sunday, as `(from, to)` pairs in
/// the order of `from`. `off` is every day off by law that year (the moving holidays, 7 January,
/// Kurban Ait): a move never lands on one of them, nor on an earlier move's day.
// DOMAIN: working days: a holiday that falls on Saturday or Sunday moves to the next working
// day; 7 Jan and Kurban Ait do not move.
pub(super) fn moves(holidays: &[Holiday], off: &BTreeSet<Date>) -> Vec<(Date, Date)> {
    let mut weekend: Vec<Date> = holidays
        .iter()
        .filter(|holiday| holiday.moves && is_weekend(holiday.date))
        .map(|holiday| holiday.date)
        .collect();
    weekend.sort_unstable();
    let mut taken = BTreeSet::new();
    let mut moved = Vec::with_capacity(weekend.len());
    for from in weekend {
        // Within a week or so at most (Nauryz's three days are the longest run), so the walk is
        // short; the end of the representable range is the only way to find no day.
        let mut to = from;
        let found = loop {
            let Some(next) = to.next_day() else {
                break None;
            };
            to = next;
            if !is_weekend(to) && !off.contains(&to) && !taken.contains(&to) {
                break Some(to);
            }
        };
        if let Some(to) = found {
            taken.insert(to);
            moved.push((from, to));
        }
    }
    moved
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn holiday(date: Date, moves: bool) -> Holiday {
        Holiday {
            date,
            name: "test".to_owned(),
            moves,
        }
    }

    #[test]
    fn a_run_of_weekend_holidays_moves_past_each_other_and_past_the_days_off() {
        // 2025: Nauryz on Friday to Sunday moves Saturday's and Sunday's to Monday and Tuesday.
        let holidays = [
            holiday(date!(2025 - 03 - 21), true),
            holiday(date!(2025 - 03 - 22), true),
            holiday(date!(2025 - 03 - 23), true),
        ];
        let off = holidays.iter().map(|h| h.date).collect();
        assert_eq!(
            moves(&holidays, &off),
            [
                (date!(2025 - 03 - 22), date!(2025 - 03 - 24)),
                (date!(2025 - 03 - 23), date!(2025 - 03 - 25))
            ]
        );
    }

    #[test]
    fn a_holiday_that_does_not_move_stays_on_its_weekend_day() {
        // 7 January 2023 was a Saturday.
        let holidays = [holiday(date!(2023 - 01 - 07), false)];
        let off = holidays.iter().map(|h| h.date).collect();
        assert!(moves(&holidays, &off).is_empty());
    }
}
