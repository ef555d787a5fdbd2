#!/usr/bin/env python3
"""Compares our working-day calendar with the Kazakhstan module of the PyPI package `holidays`
(pinned in requirements.txt), day by day, for 2023 to 2025.

Our side is the output of `registration-api calendar YEAR` (one JSON object per day): either
read from files `DIR/kz-YEAR.jsonl` (--lines-dir, what tests/calendar_holidays.rs writes) or by
running the binary (--binary, by default target/debug/registration-api). The package's side: a
day is off when `holidays.country_holidays("KZ", years=YEAR)` has it (the days off by law, the
moves of weekend holidays, Kurban Ait and the transfers' weekdays made days off), or when it is a
Saturday or Sunday that is not among the package's `weekend_workdays` (the transfers' worked
weekend days).

Every disagreement is printed. Exit 0 when each is listed in our data file's
`known_disagreements` (with our answer, the package's, and the legal source of ours); exit 1
when one is not, or when a listed one no longer disagrees; exit 2 when the setup is wrong.
"""

import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys

REPO = pathlib.Path(__file__).resolve().parents[2]
DATA = REPO / "api/core/src/calendar/data"
PINNED = "0.109"
YEARS = (2023, 2024, 2025)


def fail(message):
    """A setup error (not a disagreement): exit 2."""
    print(f"compare: {message}", file=sys.stderr)
    sys.exit(2)


def our_days(year, lines_dir, binary):
    """Our answer for each day of `year`: date -> (working, reason)."""
    if lines_dir is not None:
        try:
            text = (pathlib.Path(lines_dir) / f"kz-{year}.jsonl").read_text(encoding="utf-8")
        except OSError as error:
            fail(f"cannot read our lines of {year}: {error}")
    else:
        try:
            run = subprocess.run(
                [str(binary), "calendar", str(year)], capture_output=True, text=True, check=False
            )
        except OSError as error:
            fail(f"cannot run {binary}: {error} (build it, or pass --lines-dir)")
        if run.returncode != 0:
            fail(f"{binary} calendar {year} exited {run.returncode}: {run.stderr.strip()}")
        text = run.stdout
    days = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        if sorted(entry) != ["date", "provisional", "reason", "working"]:
            fail(f"unexpected keys in {line!r}")
        days[datetime.date.fromisoformat(entry["date"])] = (entry["working"], entry["reason"])
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    expected = (last - first).days + 1
    if len(days) != expected or min(days) != first or max(days) != last:
        fail(f"{year}: expected {expected} days, one per date, got {len(days)}")
    return days


def their_days(year):
    """The package's answer for each day of `year`: date -> (working, name or None)."""
    import holidays  # the venv's, pinned

    calendar = holidays.country_holidays("KZ", years=year, language="en_US")
    # The worked weekend days of every year the package knows (one of 2014's is in 2013):
    # only this year's count here.
    worked = {day for day in getattr(calendar, "weekend_workdays", set()) if day.year == year}
    days = {}
    day = datetime.date(year, 1, 1)
    while day.year == year:
        name = calendar.get(day)
        if name is not None:
            days[day] = (False, name)
        elif day.weekday() >= 5:
            days[day] = (day in worked, "weekend workday" if day in worked else "weekend")
        else:
            days[day] = (True, None)
        day += datetime.timedelta(days=1)
    return days


def known(year):
    """Our data file's known disagreements: date -> (ours, theirs, source text)."""
    data = json.loads((DATA / f"kz-{year}.json").read_text(encoding="utf-8"))
    return {
        datetime.date.fromisoformat(entry["date"]): (
            entry["working"],
            entry["holidays_working"],
            data["sources"].get(entry["source"], entry["source"]),
        )
        for entry in data["known_disagreements"]
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--lines-dir", help="read DIR/kz-YEAR.jsonl instead of running the binary")
    source.add_argument(
        "--binary",
        default=pathlib.Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target")) / "debug/registration-api",
        help="the registration-api binary (default: target/debug/registration-api)",
    )
    parser.add_argument("--years", type=int, nargs="+", default=list(YEARS))
    args = parser.parse_args()

    try:
        import holidays
    except ImportError:
        fail("the holidays package is not installed (see requirements.txt)")
    if holidays.__version__ != PINNED:
        fail(f"holidays {holidays.__version__} is installed, the pin is {PINNED}")

    unlisted = stale = listed = compared = 0
    for year in args.years:
        ours = our_days(year, args.lines_dir, args.binary)
        theirs = their_days(year)
        listed_here = known(year)
        for day in sorted(ours):
            compared += 1
            (our_working, reason), (their_working, name) = ours[day], theirs[day]
            entry = listed_here.get(day)
            if our_working == their_working:
                if entry is not None:
                    stale += 1
                    print(f"STALE {day}: listed as a known disagreement, but both now say working={our_working}")
                continue
            summary = (
                f"{day} ({day:%a}): ours working={our_working} ({reason}); "
                f"holidays {PINNED} working={their_working} ({name or 'weekday'})"
            )
            if entry is not None and entry[:2] == (our_working, their_working):
                listed += 1
                print(f"known {summary}; ours by: {entry[2]}")
            else:
                unlisted += 1
                print(f"DISAGREE {summary}")
        print(f"{year}: {len(ours)} days compared")
    print(
        f"compare: {compared} days, {listed + unlisted} disagreements "
        f"({listed} known, {unlisted} not listed), {stale} stale entries"
    )
    return 1 if unlisted or stale else 0


if __name__ == "__main__":
    sys.exit(main())
