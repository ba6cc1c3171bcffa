// Expands iCalendar feeds with Mozilla's ical.js (the library behind Thunderbird and many web
// calendars), for tempi's interop tests. Same interface and output as interop/expand.py:
//
//   node interop/icaljs-expand.mjs [--custom-tzids] START END FILE...
//
// START and END are UTC instants (YYYYMMDDTHHMMSSZ). For each FILE, prints one line per instance
// that *starts* in [START, END):
//
//     FILE<TAB>UID<TAB>YYYYMMDDTHHMMSSZ<TAB>SECONDS
//
// sorted, where SECONDS is the length (end instant minus start instant). An all-day event (DTSTART
// a DATE) is printed as tempi expand prints it, `YYYYMMDD<TAB>D<days>`, for every instance whose
// first day lies within two days of [START, END). Anything ical.js throws,
// and anything it would silently misread (a TZID the file does not define, a floating or DATE
// value in a tempi feed), is printed as `FILE<TAB>!ERROR<TAB>message` and the exit code is 1.
//
// The occurrences are the ones a web calendar built on ical.js shows: each file's VTIMEZONEs are
// registered with ICAL.TimezoneService, every VEVENT becomes an ICAL.Event, RECURRENCE-ID
// overrides are related to their master by UID (strictExceptions), and each master is expanded
// with Event.iterator() (a RecurExpansion: RRULE, RDATE, EXDATE), every occurrence's times coming
// from Event.getOccurrenceDetails(), which returns an override's own times where there is one.
// A non-recurring event goes through the same API (its iterator yields DTSTART once). An
// override whose master is missing or not recurring is shown as an event of its own.
//
// --custom-tzids gives every TZID a `Tempi-` prefix, as expand.py does. ical.js has no tz
// database of its own (it always uses the file's VTIMEZONEs, except for the built-in names UTC,
// GMT and Z), so the mode only changes those names; it exists so all expanders take the same
// arguments.
//
// Runs against ical.js 2.2.1, pinned in interop/package.json + package-lock.json
// (scripts/ci-setup-interop.sh runs `npm ci` in interop/).
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

// Recurring series are expanded this far past END at most (a shifted occurrence may start in the
// window although its slot is after it; tempi shifts within one ISO week).
const LOOKAHEAD_SECONDS = 400 * 86400;
// More occurrences than this from one series means a runaway expansion.
const MAX_OCCURRENCES = 1_000_000;

const parseInstant = (text) => {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Error(`not a UTC instant (YYYYMMDDTHHMMSSZ): ${text}`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000;
};

const stamp = (seconds) => {
  const iso = new Date(seconds * 1000).toISOString(); // 2027-01-01T00:00:00.000Z
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
};

// A time ical.js would read without an offset: floating (no TZID, or a TZID it cannot resolve)
// or a DATE. tempi's feeds have neither, so either is a finding.
const checkTime = (time, what, allDay = false) => {
  // An all-day event's values are all dates; a date anywhere else (or a date-time in an all-day
  // event) is a finding.
  if (time.isDate !== allDay) throw new Error(`${time.isDate ? 'date' : 'date-time'} value ${time.toString()} in ${what} of ${allDay ? 'an all-day' : 'a timed'} event`);
  if (allDay) return;
  const zone = time.zone;
  if (!zone || zone === ICAL.Timezone.localTimezone || zone.tzid === 'floating') {
    throw new Error(`floating time ${time.toString()} in ${what} (ical.js found no zone for it)`);
  }
};

// Every TZID a VEVENT names must be a VTIMEZONE of the file (or a name ical.js has built in):
// otherwise ical.js quietly reads the time as floating (notes/calendar-clients.md, class 9).
const checkTzids = (calendar, vevent) => {
  for (const prop of vevent.getAllProperties()) {
    const tzid = prop.getParameter('tzid');
    if (tzid === undefined || tzid === null) continue;
    if (!calendar.getTimeZoneByID(tzid) && !ICAL.TimezoneService.has(tzid)) {
      throw new Error(`${prop.name.toUpperCase()};TZID=${tzid}: no VTIMEZONE with that TZID in the file`);
    }
  }
};

const compareRows = (a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0);

function expand(path, start, end, custom) {
  let text = readFileSync(path, 'utf8');
  if (custom) text = text.replace(/(TZID[=:])([^:;\r\n]+)/g, '$1Tempi-$2');
  const rows = [];
  const calendar = new ICAL.Component(ICAL.parse(text));
  if (calendar.name !== 'vcalendar') throw new Error(`the file is a ${calendar.name}, not a VCALENDAR`);
  // Each file's own zones: forget the previous file's (feeds define a zone over different spans).
  ICAL.TimezoneService.reset();
  for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
    ICAL.TimezoneService.register(vtimezone);
  }
  const masters = new Map();
  const exceptions = [];
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    checkTzids(calendar, vevent);
    const event = new ICAL.Event(vevent, { strictExceptions: true, exceptions: [] });
    const uid = event.uid;
    if (!uid) throw new Error('a VEVENT without UID');
    const allDay = event.startDate.isDate;
    checkTime(event.startDate, `DTSTART of ${uid}`, allDay);
    checkTime(event.endDate, `DTEND of ${uid}`, allDay);
    if (event.isRecurrenceException()) {
      checkTime(event.recurrenceId, `RECURRENCE-ID of ${uid}`, allDay);
      exceptions.push(event);
    } else if (masters.has(uid)) {
      throw new Error(`two VEVENTs with UID ${uid} and no RECURRENCE-ID`);
    } else {
      masters.set(uid, event);
    }
    for (const name of ['rdate', 'exdate']) {
      for (const prop of vevent.getAllProperties(name)) {
        for (const value of prop.getValues()) {
          if (!(value instanceof ICAL.Time)) throw new Error(`${name.toUpperCase()} of ${uid} is not a DATE-TIME or DATE: ${value}`);
          checkTime(value, `${name.toUpperCase()} of ${uid}`, allDay);
        }
      }
    }
  }
  const day = (time) => Date.UTC(time.year, time.month - 1, time.day) / 1000;
  const keep = (uid, from, to) => {
    if (from.isDate) {
      const first = day(from);
      if (first >= start - 2 * 86400 && first < end + 2 * 86400) {
        const ymd = stamp(first).slice(0, 8);
        rows.push([uid, ymd, `D${(day(to) - first) / 86400}`]);
      }
      return;
    }
    const [a, b] = [from.toUnixTime(), to.toUnixTime()];
    if (a >= start && a < end) rows.push([uid, stamp(a), String(b - a)]);
  };
  for (const exception of exceptions) {
    const master = masters.get(exception.uid);
    if (master && master.isRecurring()) {
      master.relateException(exception);
    } else {
      keep(exception.uid, exception.startDate, exception.endDate);
    }
  }
  for (const [uid, event] of masters) {
    const expansion = event.iterator();
    let n = 0;
    for (let next = expansion.next(); next; next = expansion.next()) {
      if (next.toUnixTime() >= end + LOOKAHEAD_SECONDS) break;
      if (++n > MAX_OCCURRENCES) throw new Error(`${uid}: more than ${MAX_OCCURRENCES} occurrences`);
      const details = event.getOccurrenceDetails(next);
      keep(uid, details.startDate, details.endDate);
    }
  }
  return rows.sort(compareRows);
}

function main(argv) {
  let custom = false;
  if (argv[0] === '--custom-tzids') {
    custom = true;
    argv = argv.slice(1);
  }
  if (argv.length < 3) {
    process.stderr.write('usage: icaljs-expand.mjs [--custom-tzids] START END FILE...\n');
    return 2;
  }
  const start = parseInstant(argv[0]);
  const end = parseInstant(argv[1]);
  let failed = false;
  const out = [];
  for (const path of argv.slice(2)) {
    let rows = [];
    const problems = [];
    try {
      rows = expand(path, start, end, custom);
    } catch (error) {
      problems.push(`${error?.name ?? 'Error'}: ${String(error?.message ?? error).replace(/[\r\n\t]+/g, ' ')}`);
    }
    for (const [uid, begin, seconds] of rows) out.push(`${path}\t${uid}\t${begin}\t${seconds}\n`);
    for (const problem of problems) {
      failed = true;
      out.push(`${path}\t!ERROR\t${problem}\n`);
    }
  }
  process.stdout.write(out.join(''));
  return failed ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
