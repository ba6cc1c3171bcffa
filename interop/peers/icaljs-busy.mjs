// Counts the busy instances of an iCalendar file with Mozilla's ical.js, as `tempi busy` does:
// every VEVENT (recurring ones expanded with Event.iterator() — a RecurExpansion honouring RRULE,
// RDATE and EXDATE — with RECURRENCE-ID overrides related to their master via relateException),
// skipping TRANSP:TRANSPARENT and STATUS:CANCELLED, that overlaps [2027-01-01, 2028-01-01) in
// Europe/Berlin (half-open). Each VTIMEZONE of the file is registered with ICAL.TimezoneService
// first, so TZIDs resolve to the file's own definitions.
//
//   node interop/peers/icaljs-busy.mjs FILE.ics     -> prints "busy instances: N"
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

// Europe/Berlin is UTC+1 on both bounds (winter time).
const LIMIT_START = Date.UTC(2026, 11, 31, 23) / 1000; // 2027-01-01T00:00 Berlin
const LIMIT_END = Date.UTC(2027, 11, 31, 23) / 1000; // 2028-01-01T00:00 Berlin

const overlaps = (s, e) => (e === s ? s >= LIMIT_START && s < LIMIT_END : s < LIMIT_END && e > LIMIT_START);

const isBusy = (component) => {
  const transp = component.getFirstPropertyValue('transp');
  const status = component.getFirstPropertyValue('status');
  return String(transp ?? 'OPAQUE').toUpperCase() !== 'TRANSPARENT'
    && String(status ?? '').toUpperCase() !== 'CANCELLED';
};

const text = readFileSync(process.argv[2], 'utf8');
const calendar = new ICAL.Component(ICAL.parse(text));

for (const vtimezone of calendar.getAllSubcomponents('vtimezone')) {
  ICAL.TimezoneService.register(vtimezone);
}

// Masters and their RECURRENCE-ID overrides, by UID.
const masters = new Map();
const exceptions = [];
for (const vevent of calendar.getAllSubcomponents('vevent')) {
  // Exceptions are related by UID below: without `exceptions`, the Event constructor scans every
  // sibling VEVENT for RECURRENCE-IDs (quadratic: 20,000 events took over 3 minutes) and, without
  // strictExceptions, relates them whatever their UID.
  const event = new ICAL.Event(vevent, { strictExceptions: true, exceptions: [] });
  if (event.isRecurrenceException()) exceptions.push(event);
  else masters.set(event.uid, event);
}
let count = 0;
for (const exception of exceptions) {
  const master = masters.get(exception.uid);
  if (master && master.isRecurring()) master.relateException(exception);
  else if (isBusy(exception.component) && overlaps(exception.startDate.toUnixTime(), exception.endDate.toUnixTime())) {
    count += 1; // an orphan override: a single event of its own
  }
}

for (const event of masters.values()) {
  if (!event.isRecurring()) {
    if (isBusy(event.component) && overlaps(event.startDate.toUnixTime(), event.endDate.toUnixTime())) count += 1;
    continue;
  }
  const masterBusy = isBusy(event.component);
  const hasExceptions = Object.keys(event.exceptions).length > 0;
  if (!masterBusy && !hasExceptions) continue;
  const duration = event.endDate.toUnixTime() - event.startDate.toUnixTime();
  const expansion = event.iterator();
  for (let next = expansion.next(); next; next = expansion.next()) {
    const start = next.toUnixTime();
    if (start >= LIMIT_END) break;
    if (!hasExceptions) {
      if (overlaps(start, start + duration)) count += 1;
      continue;
    }
    // getOccurrenceDetails returns the override (RECURRENCE-ID) where there is one, with its times.
    const details = event.getOccurrenceDetails(next);
    const busy = details.item === event ? masterBusy : isBusy(details.item.component);
    if (busy && overlaps(details.startDate.toUnixTime(), details.endDate.toUnixTime())) count += 1;
  }
  // Overrides of instances after the window that were moved into it.
  for (const exception of Object.values(event.exceptions)) {
    if (exception.recurrenceId.toUnixTime() >= LIMIT_END && isBusy(exception.component)
      && overlaps(exception.startDate.toUnixTime(), exception.endDate.toUnixTime())) count += 1;
  }
}
console.log(`busy instances: ${count}`);
