//! The working-day calendar: the real dates of DOMAIN.md, moved holidays and the days that do
//! not move, the counting of terms across New Year and May, the after-hours rule across
//! Almaty's change of offset, provisional years and a year without data, the lines of
//! `registration-api calendar YEAR`, and the checks that refuse an edited file that does not
//! hold together.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test stops with a message on the first broken expectation"
)]

use registration_core::calendar::{
    self, Calendar, CalendarError, CalendarVersion, DayReason, WorkingHours,
};
use std::io::Write;
use std::sync::{Arc, Mutex};
use time::Duration;
use time::macros::{date, datetime, time};

fn calendar() -> Calendar {
    Calendar::bundled().unwrap()
}

fn data(year: i32) -> CalendarVersion {
    CalendarVersion::Data { year, version: 1 }
}

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/src/calendar/data");

fn file(name: &str) -> String {
    std::fs::read_to_string(format!("{DATA}/{name}")).unwrap()
}

// ---------------------------------------------------------------------------------------------
// Days
// ---------------------------------------------------------------------------------------------

#[test]
fn the_transfers_of_domain_md_are_pinned() {
    // DOMAIN: working days: 2024: 8 May off, 4 May (Saturday) worked; 2025: 3 Jan off, 5 Jan
    // (Sunday) worked.
    let calendar = calendar();
    for (day, working) in [
        (date!(2024 - 05 - 04), true),
        (date!(2024 - 05 - 08), false),
        (date!(2025 - 01 - 03), false),
        (date!(2025 - 01 - 05), true),
    ] {
        let info = calendar.is_working_day(day);
        assert_eq!(info.working, working, "{day}: {info:?}");
        assert!(!info.provisional, "{day}");
    }
    assert_eq!(
        calendar.is_working_day(date!(2024 - 05 - 04)).reason,
        DayReason::TransferredWorking {
            off: date!(2024 - 05 - 08)
        }
    );
    assert_eq!(
        calendar.is_working_day(date!(2025 - 01 - 03)).reason,
        DayReason::TransferredOff {
            worked: date!(2025 - 01 - 05)
        }
    );
    // The other transfer in the data: 2023, Capital Day's bridge.
    assert!(calendar.is_working_day(date!(2023 - 07 - 01)).working);
    assert!(!calendar.is_working_day(date!(2023 - 07 - 07)).working);
}

#[test]
fn a_holiday_on_a_weekend_moves_to_the_next_working_day() {
    let calendar = calendar();
    for (holiday, moved_to) in [
        // 1 January 2023, a Sunday: 2 January is a holiday too, so the 3rd.
        (date!(2023 - 01 - 01), date!(2023 - 01 - 03)),
        (date!(2023 - 12 - 16), date!(2023 - 12 - 18)),
        (date!(2024 - 03 - 23), date!(2024 - 03 - 25)),
        (date!(2024 - 07 - 06), date!(2024 - 07 - 08)),
        (date!(2025 - 03 - 08), date!(2025 - 03 - 10)),
        // Nauryz 2025, Friday to Sunday: Saturday's and Sunday's to Monday and Tuesday.
        (date!(2025 - 03 - 22), date!(2025 - 03 - 24)),
        (date!(2025 - 03 - 23), date!(2025 - 03 - 25)),
        (date!(2025 - 08 - 30), date!(2025 - 09 - 01)),
        (date!(2025 - 10 - 25), date!(2025 - 10 - 27)),
    ] {
        assert!(!calendar.is_working_day(holiday).working, "{holiday}");
        let info = calendar.is_working_day(moved_to);
        assert!(!info.working, "{moved_to}");
        assert!(
            matches!(info.reason, DayReason::Moved { from, .. } if from == holiday),
            "{moved_to}: {:?}",
            info.reason
        );
    }
}

#[test]
fn kurban_ait_and_orthodox_christmas_do_not_move() {
    let calendar = calendar();
    // DOMAIN: working days: 7 Jan and Kurban Ait do not move.
    for (day, reason) in [
        (date!(2023 - 06 - 28), DayReason::KurbanAit),
        (date!(2024 - 06 - 16), DayReason::KurbanAit),
        (date!(2025 - 06 - 06), DayReason::KurbanAit),
    ] {
        let info = calendar.is_working_day(day);
        assert!(!info.working && !info.provisional, "{day}");
        assert_eq!(info.reason, reason);
    }
    // Kurban Ait 2024 fell on a Sunday, Orthodox Christmas 2023 on a Saturday and 2024 on a
    // Sunday: the Mondays after are working days.
    for monday in [
        date!(2024 - 06 - 17),
        date!(2023 - 01 - 09),
        date!(2024 - 01 - 08),
    ] {
        assert_eq!(
            calendar.is_working_day(monday).reason,
            DayReason::Weekday,
            "{monday}"
        );
    }
}

#[test]
fn a_year_without_a_decree_and_an_estimated_kurban_ait_are_provisional() {
    let calendar = calendar();
    // 2026 and 2027 have no transfer decree in the data: every day is provisional.
    for day in [
        date!(2026 - 01 - 05),
        date!(2026 - 03 - 09),
        date!(2027 - 05 - 16),
        date!(2027 - 12 - 31),
    ] {
        let info = calendar.is_working_day(day);
        assert!(info.provisional, "{day}");
        assert!(info.version.has_data(), "{day}");
    }
    assert_eq!(
        calendar.is_working_day(date!(2027 - 05 - 16)).reason,
        DayReason::KurbanAit
    );
    assert!(!calendar.is_working_day(date!(2026 - 03 - 09)).working);
}

#[test]
fn a_year_without_data_is_computed_from_the_law_and_the_strict_lookup_refuses_it() {
    let calendar = calendar();
    let new_year = calendar.is_working_day(date!(2031 - 01 - 01));
    assert!(!new_year.working && new_year.provisional);
    assert_eq!(
        new_year.version,
        CalendarVersion::LawOnly {
            year: 2031,
            law_version: 1
        }
    );
    // 8 March 2031 is a Saturday: moved to Monday the 10th by the law alone.
    assert!(!calendar.is_working_day(date!(2031 - 03 - 10)).working);
    assert!(calendar.is_working_day(date!(2031 - 03 - 11)).working);
    assert_eq!(
        calendar.day_strict(date!(2031 - 01 - 01)),
        Err(CalendarError::NoData(2031))
    );
    assert!(calendar.day_strict(date!(2025 - 01 - 01)).is_ok());
    assert_eq!(
        calendar.years_without_data(date!(2027 - 12 - 01), date!(2029 - 01 - 10)),
        [2028, 2029].into()
    );
}

// ---------------------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------------------

#[test]
fn a_term_runs_across_new_year_and_the_may_holidays() {
    let calendar = calendar();
    // From Friday 27 December 2024: 30, 31 December, Sunday 5 January (worked), 6 and 8
    // January (1-4 and 7 January are off).
    let deadline = calendar.add_working_days(date!(2024 - 12 - 27), 5);
    assert_eq!(*deadline.value(), date!(2025 - 01 - 08));
    assert!(!deadline.is_provisional());
    assert_eq!(*deadline.versions(), [data(2024), data(2025)].into());
    assert!(deadline.years_without_data().is_empty());

    // From Tuesday 30 April 2024: 2 and 3 May, Saturday 4 May (worked), 6 and 10 May.
    let deadline = calendar.add_working_days(date!(2024 - 04 - 30), 5);
    assert_eq!(*deadline.value(), date!(2024 - 05 - 10));
    assert_eq!(*deadline.versions(), [data(2024)].into());

    assert_eq!(
        *calendar.add_working_days(date!(2024 - 05 - 08), 0).value(),
        date!(2024 - 05 - 08)
    );
}

#[test]
fn an_appeal_filed_after_hours_on_3_may_2024_counts_from_the_worked_saturday() {
    let calendar = calendar();
    let hours = WorkingHours::default();
    // 19:00 in Almaty (UTC+5) on Friday 3 May 2024.
    let after_hours = datetime!(2024-05-03 14:00 UTC);
    assert_eq!(
        *calendar.received_on(after_hours, hours).value(),
        date!(2024 - 05 - 04)
    );
    // DOMAIN: appeal deadline: 15 working days from receipt.
    let deadline = calendar.term_from_receipt(after_hours, hours, 15);
    assert_eq!(*deadline.value(), date!(2024 - 05 - 29));
    assert!(!deadline.is_provisional());
    // The same appeal at 10:00 counts from 3 May, and ends a day earlier.
    let in_hours = datetime!(2024-05-03 05:00 UTC);
    assert_eq!(
        *calendar.term_from_receipt(in_hours, hours, 15).value(),
        date!(2024 - 05 - 28)
    );
}

#[test]
fn an_appeal_filed_on_30_december_2025_ends_in_provisional_2026() {
    let calendar = calendar();
    let hours = WorkingHours::default();
    // 10:00 in Almaty on Tuesday 30 December 2025: 31 December, then 5, 6, 8, 9, 12-16,
    // 19-23 January 2026 (1-2 and 7 January are off).
    let morning = datetime!(2025-12-30 05:00 UTC);
    let deadline = calendar.term_from_receipt(morning, hours, 15);
    assert_eq!(*deadline.value(), date!(2026 - 01 - 23));
    assert!(deadline.is_provisional(), "2026 has no transfer decree yet");
    assert_eq!(*deadline.versions(), [data(2025), data(2026)].into());
    // DOMAIN: complaint deadline: 5 working days from receipt.
    assert_eq!(
        *calendar.term_from_receipt(morning, hours, 5).value(),
        date!(2026 - 01 - 09)
    );
    // 18:30 counts from 31 December.
    let evening = datetime!(2025-12-30 13:30 UTC);
    assert_eq!(
        *calendar.term_from_receipt(evening, hours, 15).value(),
        date!(2026 - 01 - 26)
    );
}

#[test]
fn a_deadline_in_a_year_without_data_is_computed_provisional_and_logged() {
    let calendar = calendar();
    let (logs, _guard) = logs();
    // 29-31 December 2027, then 5 and 6 January 2028 (1-2 January, a weekend, move to 3-4).
    let deadline = calendar.add_working_days(date!(2027 - 12 - 28), 5);
    assert_eq!(*deadline.value(), date!(2028 - 01 - 06));
    assert!(deadline.is_provisional());
    assert_eq!(deadline.years_without_data(), [2028].into());
    let logged = String::from_utf8(logs.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("WARN")
            && logged.contains("2028")
            && logged.contains("without calendar data"),
        "{logged}"
    );
}

#[test]
fn working_days_between_is_the_inverse_of_adding_them() {
    let calendar = calendar();
    assert_eq!(
        *calendar
            .working_days_between(date!(2025 - 01 - 01), date!(2025 - 01 - 10))
            .value(),
        5
    );
    assert_eq!(
        *calendar
            .working_days_between(date!(2024 - 05 - 04), date!(2024 - 05 - 29))
            .value(),
        15
    );
    assert_eq!(
        *calendar
            .working_days_between(date!(2024 - 05 - 29), date!(2024 - 05 - 04))
            .value(),
        0
    );
    let mut from = date!(2023 - 12 - 20);
    while from < date!(2026 - 01 - 10) {
        for n in [0, 1, 3, 5, 15, 40] {
            let deadline = calendar.add_working_days(from, n);
            let back = calendar.working_days_between(from, *deadline.value());
            assert_eq!(*back.value(), n, "{from} + {n}");
        }
        from += Duration::days(9);
    }
}

// ---------------------------------------------------------------------------------------------
// Local time and the after-hours rule
// ---------------------------------------------------------------------------------------------

#[test]
fn almaty_is_utc_plus_6_until_local_midnight_of_1_march_2024_and_utc_plus_5_after() {
    // DOMAIN: local time is Asia/Almaty from the tz database: UTC+6 until 2024-03-01 00:00,
    // UTC+5 since (tzdata 2024a). Local midnight at +06 is 18:00 UTC on 29 February, so
    // 23:30 UTC that day is already 04:30 on 1 March at +05 (not 05:30 at +06).
    let almaty = calendar().almaty().clone();
    let before = almaty.at(datetime!(2024-02-29 12:30 UTC));
    assert_eq!(
        (before.date(), before.time(), before.offset().whole_hours()),
        (date!(2024 - 02 - 29), time!(18:30), 6)
    );
    let night = almaty.at(datetime!(2024-02-29 23:30 UTC));
    assert_eq!(
        (night.date(), night.time(), night.offset().whole_hours()),
        (date!(2024 - 03 - 01), time!(04:30), 5)
    );
    let after = almaty.at(datetime!(2024-03-01 23:30 UTC));
    assert_eq!(
        (after.date(), after.time(), after.offset().whole_hours()),
        (date!(2024 - 03 - 02), time!(04:30), 5)
    );
}

#[test]
fn after_hours_on_29_february_and_1_march_2024_follow_the_offset_of_each_day() {
    let calendar = calendar();
    let hours = WorkingHours::default();
    // 12:30 UTC on Thursday 29 February is 18:30 in Almaty (UTC+6): after hours, so Friday
    // 1 March. A fixed UTC+5 would make it 17:30, the same day.
    assert_eq!(
        *calendar
            .received_on(datetime!(2024-02-29 12:30 UTC), hours)
            .value(),
        date!(2024 - 03 - 01)
    );
    // 12:30 UTC on Friday 1 March is 17:30 in Almaty (UTC+5): in hours, the same day. A fixed
    // UTC+6 would make it 18:30, and Monday 4 March.
    assert_eq!(
        *calendar
            .received_on(datetime!(2024-03-01 12:30 UTC), hours)
            .value(),
        date!(2024 - 03 - 01)
    );
    // 13:00 UTC on 1 March is 18:00, the closing: Monday.
    assert_eq!(
        *calendar
            .received_on(datetime!(2024-03-01 13:00 UTC), hours)
            .value(),
        date!(2024 - 03 - 04)
    );
    // Before opening counts for the same day; a Saturday for the Monday.
    assert_eq!(
        *calendar
            .received_on(datetime!(2024-03-01 01:00 UTC), hours)
            .value(),
        date!(2024 - 03 - 01)
    );
    assert_eq!(
        *calendar
            .received_on(datetime!(2024-03-02 05:00 UTC), hours)
            .value(),
        date!(2024 - 03 - 04)
    );
    // Other hours: 17:30 is after hours for an office that closes at 17:00.
    let early: WorkingHours = "08:00-17:00".parse().unwrap();
    assert_eq!(
        *calendar
            .received_on(datetime!(2024-03-01 12:30 UTC), early)
            .value(),
        date!(2024 - 03 - 04)
    );
}

// ---------------------------------------------------------------------------------------------
// `registration-api calendar YEAR`
// ---------------------------------------------------------------------------------------------

#[test]
fn year_lines_give_one_json_object_per_day_with_exactly_four_keys() {
    let lines = calendar::year_lines(2025).unwrap();
    assert_eq!(lines.len(), 365);
    assert_eq!(calendar::year_lines(2024).unwrap().len(), 366);
    assert_eq!(
        lines[2],
        r#"{"date": "2025-01-03", "working": false, "reason": "day off by transfer: 2025-01-05 is worked instead", "provisional": false}"#
    );
    let mut day = date!(2025 - 01 - 01);
    for line in &lines {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        let keys: Vec<&str> = value
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["date", "working", "reason", "provisional"], "{line}");
        assert_eq!(value["date"], day.to_string());
        assert_eq!(value["provisional"], false, "{line}");
        day = day.next_day().unwrap();
    }
    assert!(
        calendar::year_lines(2026)
            .unwrap()
            .iter()
            .all(|line| line.ends_with("\"provisional\": true}"))
    );
    let error = calendar::year_lines(2031).unwrap_err();
    assert_eq!(error, CalendarError::NoData(2031));
    assert!(error.to_string().contains("kz-2031.json"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// Editing the data
// ---------------------------------------------------------------------------------------------

fn with_2024(text: &str) -> Result<Calendar, CalendarError> {
    let law = file("law.json");
    let others: Vec<(String, String)> = [2023, 2025, 2026, 2027]
        .iter()
        .map(|year| (format!("kz-{year}.json"), file(&format!("kz-{year}.json"))))
        .collect();
    let mut files: Vec<(&str, &str)> = others
        .iter()
        .map(|(name, text)| (name.as_str(), text.as_str()))
        .collect();
    files.push(("kz-2024.json", text));
    Calendar::from_files(&law, &files)
}

#[test]
fn a_stored_deadline_keeps_its_version_when_the_data_changes() {
    let before = calendar();
    let stored = before.add_working_days(date!(2024 - 05 - 03), 2);
    // A new version of 2024 without the May transfer.
    let edited = file("kz-2024.json")
        .replace("\"version\": 1", "\"version\": 2")
        .replace(
            "    {\"off\": \"2024-05-08\", \"worked\": \"2024-05-04\", \"source\": \"decree\"}\n",
            "",
        )
        .replace("\"transfers\": [\n  ],", "\"transfers\": [],");
    let after = with_2024(&edited).unwrap();
    let version: CalendarVersion = "kz-2024/v1".parse().unwrap();
    assert!(stored.versions().contains(&version));
    assert!(before.is_current(version));
    assert!(!after.is_current(version), "the stored deadline is stale");
    assert_eq!(after.version(2024).to_string(), "kz-2024/v2");
    // Recomputing (an operator's explicit act) gives another day; the stored one is unchanged.
    assert_eq!(
        *after.add_working_days(date!(2024 - 05 - 03), 2).value(),
        date!(2024 - 05 - 08)
    );
    assert_eq!(*stored.value(), date!(2024 - 05 - 06));
}

#[test]
fn a_data_file_that_does_not_hold_together_is_refused() {
    let good = file("kz-2024.json");
    assert!(with_2024(&good).is_ok());
    for (what, from, to) in [
        (
            "a move the rule does not give",
            "\"to\": \"2024-07-08\"",
            "\"to\": \"2024-07-09\"",
        ),
        (
            "a day off the law does not have",
            "\"name\": \"Capital Day\"",
            "\"name\": \"Astana Day\"",
        ),
        (
            "Kurban Ait on a day off by law",
            "\"date\": \"2024-06-16\"",
            "\"date\": \"2024-05-09\"",
        ),
        (
            "a transfer that works a weekday",
            "\"worked\": \"2024-05-04\"",
            "\"worked\": \"2024-05-03\"",
        ),
        (
            "a transfer onto a holiday",
            "\"off\": \"2024-05-08\"",
            "\"off\": \"2024-05-09\"",
        ),
        (
            "an unknown source",
            "\"source\": \"labour-code-85\"}",
            "\"source\": \"labour-code\"}",
        ),
        ("a date of another year", "\"2024-12-16\"", "\"2025-12-16\""),
        (
            "a second year in the file",
            "\"year\": 2024",
            "\"year\": 2025",
        ),
        ("an unknown field", "\"note\":", "\"notes\":"),
    ] {
        let edited = good.replacen(from, to, 1);
        assert_ne!(edited, good, "{what}: the edit applies");
        assert!(
            matches!(with_2024(&edited), Err(CalendarError::Invalid { .. })),
            "{what}: {:?}",
            with_2024(&edited).map(|_| ())
        );
    }
}

// ---------------------------------------------------------------------------------------------

/// Log lines written on this thread while the guard lives.
fn logs() -> (Arc<Mutex<Vec<u8>>>, tracing::subscriber::DefaultGuard) {
    #[derive(Clone)]
    struct Sink(Arc<Mutex<Vec<u8>>>);
    impl Write for Sink {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buffer = Arc::new(Mutex::new(Vec::new()));
    let sink = Sink(buffer.clone());
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .finish();
    (buffer, tracing::subscriber::set_default(subscriber))
}
