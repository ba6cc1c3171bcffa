#!/usr/bin/env python3
"""Times Python recurring-ical-events on the bench calendar (target/bench-ical-20k.ics, written by
`cargo bench -p tempi-bench --bench ical`): parse + expand over 2027 (Europe/Berlin), whole
process, printing the busy-instance count. Usage: interop/.venv/bin/python interop/time-busy.py FILE
"""
import datetime as dt
import sys
import time

import icalendar
import recurring_ical_events

start = time.perf_counter()
with open(sys.argv[1], "rb") as handle:
    calendar = icalendar.Calendar.from_ical(handle.read())
parsed = time.perf_counter()
count = 0
for event in recurring_ical_events.of(calendar).between(dt.date(2027, 1, 1), dt.date(2028, 1, 1)):
    if str(event.get("TRANSP", "OPAQUE")).upper() != "TRANSPARENT":
        count += 1
done = time.perf_counter()
print(f"busy instances: {count}; parse {parsed - start:.2f} s, expand {done - parsed:.2f} s")
