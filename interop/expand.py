#!/usr/bin/env python3
"""Expand iCalendar feeds with a third-party implementation, for tempi's interop tests.

Usage: expand.py [--custom-tzids] START END FILE...

START and END are UTC instants (YYYYMMDDTHHMMSSZ). For each FILE, prints one line per instance
that *starts* in [START, END):

    FILE<TAB>UID<TAB>YYYYMMDDTHHMMSSZ<TAB>SECONDS

sorted, where SECONDS is the exact length (end instant minus start instant). An all-day event
(DTSTART;VALUE=DATE) is printed as tempi expand prints it, `YYYYMMDD<TAB>D<days>` (its first day
and how many days it covers), for every instance whose first day lies within two days of
[START, END) (the caller knows the zone that decides the exact edge). Anything the parser
or expander complains about is printed as `FILE<TAB>!ERROR<TAB>message` and the exit code is 1.

With --custom-tzids every TZID gets a `Tempi-` prefix, so it is no longer an IANA name and the
library must use the feed's own VTIMEZONE: that checks tempi's generated VTIMEZONEs, which Python
icalendar otherwise ignores in favour of its own tz database (notes/calendar-clients.md, class 6).
Each FILE is read on its own: icalendar's cache of custom VTIMEZONEs is emptied between files.

Runs against the versions pinned in interop/requirements.txt (scripts/ci-setup-interop.sh).
"""

import datetime as dt
import re
import sys
import warnings

import icalendar
import recurring_ical_events

UTC = dt.timezone.utc


def parse_instant(text):
    return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)


def component_errors(component):
    errors = list(getattr(component, "errors", []) or [])
    for sub in component.subcomponents:
        errors.extend(component_errors(sub))
    return errors


def as_utc(value):
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(f"floating time {value} in a tempi feed")
        return value.astimezone(UTC)
    raise ValueError(f"date value {value} in a tempi feed")


def all_day(value):
    """Whether a DTSTART value is a DATE (a datetime is a date too, in Python)."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def expand(path, start, end, custom):
    # icalendar caches a custom VTIMEZONE by TZID for the whole process (the first definition
    # wins); each feed is read on its own, as a client that subscribes to just it would.
    icalendar.timezone.tzp.use_default()
    with open(path, "rb") as handle:
        data = handle.read()
    if custom:
        data = re.sub(rb"(TZID[=:])([^:;\r\n]+)", rb"\1Tempi-\2", data)
    rows, problems = [], []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        calendar = icalendar.Calendar.from_ical(data)
        for error in component_errors(calendar):
            problems.append(f"parse error: {error}")
        # A wide query, then keep instances that start in the window (tempi's definition).
        query = recurring_ical_events.of(calendar)
        for event in query.between(start - dt.timedelta(days=400), end + dt.timedelta(days=2)):
            if all_day(event["DTSTART"].dt):
                first = event["DTSTART"].dt
                if not (start.date() - dt.timedelta(days=2) <= first < end.date() + dt.timedelta(days=2)):
                    continue
                if "DTEND" in event:
                    last = event["DTEND"].dt
                    if not all_day(last):
                        raise ValueError(f"DTEND {last} of an all-day event is not a date")
                    days = (last - first).days
                else:
                    days = event["DURATION"].dt.days
                rows.append((str(event["UID"]), first.strftime("%Y%m%d"), f"D{days}"))
                continue
            begin = as_utc(event["DTSTART"].dt)
            if not (start <= begin < end):
                continue
            if "DTEND" in event:
                finish = as_utc(event["DTEND"].dt)
            else:
                finish = begin + event["DURATION"].dt
            seconds = int((finish - begin).total_seconds())
            if begin >= end:
                continue
            rows.append((str(event["UID"]), begin.strftime("%Y%m%dT%H%M%SZ"), str(seconds)))
        for warning in caught:
            problems.append(f"warning: {warning.category.__name__}: {warning.message}")
    return sorted(rows), problems


def main(argv):
    custom = False
    if argv and argv[0] == "--custom-tzids":
        custom = True
        argv = argv[1:]
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    start, end = parse_instant(argv[0]), parse_instant(argv[1])
    failed = False
    out = []
    for path in argv[2:]:
        try:
            rows, problems = expand(path, start, end, custom)
        except Exception as error:  # noqa: BLE001 - every failure is a finding
            rows, problems = [], [f"{type(error).__name__}: {error}"]
        for uid, begin, seconds in rows:
            out.append(f"{path}\t{uid}\t{begin}\t{seconds}")
        for problem in problems:
            failed = True
            out.append(f"{path}\t!ERROR\t{problem}")
    sys.stdout.write("".join(line + "\n" for line in out))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
