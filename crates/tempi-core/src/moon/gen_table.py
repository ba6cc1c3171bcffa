#!/usr/bin/env python3
"""Generate the reference phase table used by `moon/tests.rs`.

The table comes from PyEphem (libastro, an implementation independent of
tempi's Meeus chapter 49 code): it searches for the instants at which the
Moon's geocentric apparent ecliptic longitude differs from the Sun's by
0/90/180/270 degrees, and reports them in UT (it applies its own Delta T).

Pinned version: ephem==4.2.1   (install with `pip install 'ephem==4.*'`)
Run: python3 crates/tempi-core/src/moon/gen_table.py
Output lines are pasted verbatim into `REFERENCE` in tests.rs.
"""

import datetime

import ephem

FINDERS = {
    "New": ephem.next_new_moon,
    "FirstQuarter": ephem.next_first_quarter_moon,
    "Full": ephem.next_full_moon,
    "LastQuarter": ephem.next_last_quarter_moon,
}


def utc_string(date):
    """An ephem.Date (UT) rounded to the nearest second, as RFC 3339."""
    dt = date.datetime()
    dt = (dt + datetime.timedelta(microseconds=500_000)).replace(microsecond=0)
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def main():
    print(f"// PyEphem {ephem.__version__}")
    rows = []
    # One new and one full moon after a start date that moves through the
    # year (so every month and both phases appear), for 2000..=2030, plus a
    # first and last quarter every third year.
    for year in range(2000, 2031):
        month = 1 + (year * 5) % 12
        start = ephem.Date(f"{year}/{month}/1 00:00:00")
        rows.append(("New", FINDERS["New"](start)))
        rows.append(("Full", FINDERS["Full"](start)))
        if year % 3 == 0:
            rows.append(("FirstQuarter", FINDERS["FirstQuarter"](start)))
            rows.append(("LastQuarter", FINDERS["LastQuarter"](start)))
    for phase, date in rows:
        print(f'    (MoonPhase::{phase}, "{utc_string(date)}"),')


if __name__ == "__main__":
    main()
