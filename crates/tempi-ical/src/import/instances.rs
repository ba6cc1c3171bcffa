//! Every occurrence of every event, as an iterator that streams: `tempi expand` (docs/expand.md).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use tempi_core::chrono;
use tempi_core::chrono_tz::UTC;

use super::parse::{Component, Parser};
use super::{Extent, Raw, Reader, Warning, When, Zone, uid_of};
use crate::Error;

/// When an occurrence starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Start {
    /// An instant: DTSTART in UTC or with a TZID tempi knows.
    Utc(DateTime<Utc>),
    /// A wall time without a zone (or with a TZID tempi does not know).
    Floating(NaiveDateTime),
    /// An all-day occurrence's first day.
    Date(NaiveDate),
}

/// How long an occurrence lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Length {
    /// Exact seconds (a DURATION's days are nominal: over a DST change a day is 23 or 25 hours).
    Seconds(i64),
    /// Whole days of an all-day occurrence.
    Days(i64),
}

/// One occurrence of an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Instance {
    /// The event's UID (empty when it has none), shared by its occurrences.
    pub uid: Arc<str>,
    /// When it starts.
    pub start: Start,
    /// How long it lasts.
    pub length: Length,
    /// Whether it is busy time: not `TRANSP:TRANSPARENT`, not `STATUS:CANCELLED`, and longer
    /// than zero.
    pub busy: bool,
}

impl Instance {
    /// Appends the occurrence's line, `UID<TAB>start<TAB>length\n`, as `tempi expand` prints it.
    pub fn write_line(&self, out: &mut Vec<u8>) {
        // A UID is free text: a tab or line break in it would break the line format, and an ESC
        // could rewrite a terminal, so control characters are written escaped (`\t`, `\u{1b}`).
        if self.uid.contains(char::is_control) {
            for c in self.uid.chars() {
                if c.is_control() {
                    out.extend_from_slice(c.escape_default().to_string().as_bytes());
                } else {
                    let mut buffer = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
                }
            }
        } else {
            out.extend_from_slice(self.uid.as_bytes());
        }
        out.push(b'\t');
        match self.start {
            Start::Utc(at) => {
                push_date_time(out, at.naive_utc());
                out.push(b'Z');
            }
            Start::Floating(wall) => push_date_time(out, wall),
            Start::Date(date) => push_date(out, date),
        }
        out.push(b'\t');
        match self.length {
            Length::Seconds(seconds) => push_int(out, seconds),
            Length::Days(days) => {
                out.push(b'D');
                push_int(out, days);
            }
        }
        out.push(b'\n');
    }
}

impl fmt::Display for Instance {
    /// The line without its newline, e.g. `standup@example.com⇥20270104T080000Z⇥1800` (⇥ a tab).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut line = Vec::with_capacity(64);
        self.write_line(&mut line);
        line.pop();
        f.write_str(&String::from_utf8_lossy(&line))
    }
}

fn push_int(out: &mut Vec<u8>, value: i64) {
    if value < 0 {
        out.push(b'-');
    }
    let mut digits = [0u8; 20];
    let mut n = value.unsigned_abs();
    let mut at = digits.len();
    loop {
        at -= 1;
        if let Some(slot) = digits.get_mut(at) {
            *slot = b'0' + (n % 10) as u8;
        }
        n /= 10;
        if n == 0 || at == 0 {
            break;
        }
    }
    out.extend_from_slice(digits.get(at..).unwrap_or_default());
}

/// Appends `value` (0–99) as two digits.
fn push2(out: &mut Vec<u8>, value: u32) {
    out.extend_from_slice(&[b'0' + (value / 10 % 10) as u8, b'0' + (value % 10) as u8]);
}

fn push_date(out: &mut Vec<u8>, date: NaiveDate) {
    use chrono::Datelike;
    let year = date.year();
    if (0..=9999).contains(&year) {
        let year = year.unsigned_abs();
        push2(out, year / 100);
        push2(out, year % 100);
    } else {
        push_int(out, i64::from(year));
    }
    push2(out, date.month());
    push2(out, date.day());
}

fn push_date_time(out: &mut Vec<u8>, at: NaiveDateTime) {
    use chrono::Timelike;
    push_date(out, at.date());
    out.push(b'T');
    push2(out, at.hour());
    push2(out, at.minute());
    push2(out, at.second());
}

/// Every occurrence of every event in a calendar whose start is in `[from, to)`, one event
/// after another: see [`instances`].
pub struct Instances<'a> {
    parser: Parser<'a>,
    reader: Reader,
    zones: HashMap<String, Zone>,
    /// Overrides (components with RECURRENCE-ID) by UID, read ahead in the first pass.
    overrides: BTreeMap<String, Vec<Component<'a>>>,
    /// UIDs of the masters expanded so far.
    masters: HashSet<String>,
    /// Orphan overrides still to hand out, once the masters are done.
    orphans: Option<std::vec::IntoIter<String>>,
    /// The current event's occurrences, sorted, handed out from `next`.
    ready: std::vec::IntoIter<Instance>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    busy_only: bool,
    failed: bool,
}

/// Every occurrence of every VEVENT in `input` (an iCalendar file) that starts in
/// `[from, to)`, streamed: the calendar is read in two passes over `input` (time zones and
/// overrides first, then one event at a time), so memory holds one event's occurrences, not the
/// calendar's.
///
/// Order: events in file order, each event's occurrences sorted by start (overrides in their
/// place); overrides whose master is missing come last, as events of their own, by UID.
///
/// Times: a DTSTART with a TZID tempi knows (IANA, Windows or a VTIMEZONE's `X-LIC-LOCATION`
/// name; a custom VTIMEZONE as a fixed offset) or in UTC is an instant ([`Start::Utc`]); without
/// a zone it is [`Start::Floating`]; a DATE is [`Start::Date`] with a length in [`Length::Days`].
/// `from` and `to` are midnight UTC for instants and midnight wall time for floating and
/// all-day starts. Transparent, cancelled and zero-length occurrences are included (with
/// [`Instance::busy`] false) unless [`Instances::busy_only`] is set. VFREEBUSY is not read.
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub use tempi_ical as ical; }
/// use tempi::chrono::NaiveDate;
/// use tempi::ical::import;
///
/// let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:standup\r\n\
///            DTSTART;TZID=Europe/Berlin:20270104T090000\r\nDURATION:PT30M\r\n\
///            RRULE:FREQ=WEEKLY;COUNT=3\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
/// let from = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
/// let to = NaiveDate::from_ymd_opt(2027, 2, 1).unwrap();
/// let lines: Vec<String> = import::instances(ics.as_bytes(), from, to)?
///     .map(|instance| instance.map(|i| i.to_string()))
///     .collect::<Result<_, _>>()?;
/// assert_eq!(lines, [
///     "standup\t20270104T080000Z\t1800",
///     "standup\t20270111T080000Z\t1800",
///     "standup\t20270118T080000Z\t1800",
/// ]);
/// # Ok::<(), tempi::ical::Error>(())
/// ```
///
/// # Errors
/// [`Error::Import`] (before any occurrence) when the input is too large, UTF-16, not
/// iCalendar, nested too deep or cut off; from the iterator, when the recurring events would
/// expand to more than [`super::MAX_EXPANDED`] instances in all (then it ends).
pub fn instances(input: &[u8], from: NaiveDate, to: NaiveDate) -> Result<Instances<'_>, Error> {
    super::check_size(input)?;
    // Floating and all-day times are compared as wall times: read them in UTC.
    let midnight = |date: NaiveDate| Utc.from_utc_datetime(&date.and_time(NaiveTime::MIN));
    let mut reader = Reader::new(UTC).with_range(
        midnight(from) - chrono::Duration::days(2),
        midnight(to) + chrono::Duration::days(3),
    );
    // First pass: every problem with the file's structure, its time zones and overrides.
    let mut first = Parser::new(input)?;
    let mut vtimezones = Vec::new();
    let mut overrides: BTreeMap<String, Vec<Component<'_>>> = BTreeMap::new();
    while let Some(component) = first.next_component(&mut reader.warnings)? {
        match component.kind.as_str() {
            "VTIMEZONE" => vtimezones.push(component),
            "VEVENT" if component.get("RECURRENCE-ID").is_some() => {
                overrides.entry(uid_of(&component).to_string()).or_default().push(component);
            }
            _ => {}
        }
    }
    let zones = reader.zones(&vtimezones.iter().collect::<Vec<_>>());
    Ok(Instances {
        parser: Parser::new(input)?,
        reader,
        zones,
        overrides,
        masters: HashSet::new(),
        orphans: None,
        ready: Vec::new().into_iter(),
        from: midnight(from),
        to: midnight(to),
        busy_only: false,
        failed: false,
    })
}

impl fmt::Debug for Instances<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Instances")
            .field("from", &self.from)
            .field("to", &self.to)
            .field("busy_only", &self.busy_only)
            .field("warnings", &self.reader.warnings.len())
            .finish_non_exhaustive()
    }
}

impl Instances<'_> {
    /// Hands out busy occurrences only: no transparent, cancelled or zero-length ones.
    #[must_use]
    pub fn busy_only(mut self, busy_only: bool) -> Self {
        self.busy_only = busy_only;
        self
    }

    /// What was skipped or guessed so far, each with its line: the file's structure and time
    /// zones from the start, each event's once it has been expanded.
    pub fn warnings(&self) -> &[Warning] {
        &self.reader.warnings
    }

    /// Expands one event into `ready`.
    fn expand(
        &mut self,
        master: &Component<'_>,
        uid: &str,
        overrides: &[&Component<'_>],
    ) -> Result<(), Error> {
        let (from, to, busy_only) = (self.from, self.to, self.busy_only);
        let shared: Arc<str> = Arc::from(uid);
        let mut out: Vec<Instance> = Vec::new();
        let mut sink = |raw: Raw<'_>| {
            let busy = raw.busy && raw.end > raw.start;
            if raw.start < from || raw.start >= to || (busy_only && !busy) {
                return;
            }
            let start = match raw.when {
                When::Date(date) => Start::Date(date),
                When::Floating(wall) => Start::Floating(wall),
                When::Wall(..) | When::Utc(_) => Start::Utc(raw.start),
            };
            let length = match (raw.when, raw.extent) {
                (When::Date(_), Extent::Days(days)) => Length::Days(*days),
                _ => Length::Seconds((raw.end - raw.start).num_seconds()),
            };
            out.push(Instance { uid: Arc::clone(&shared), start, length, busy });
        };
        let result =
            self.reader.event(master, uid, overrides, &self.zones, to, busy_only, &mut sink);
        // Sorted by the instant each start stands for (floating and all-day in UTC).
        out.sort_by_key(|i| match i.start {
            Start::Utc(at) => (at.naive_utc(), i.length),
            Start::Floating(wall) => (wall, i.length),
            Start::Date(date) => (date.and_time(NaiveTime::MIN), i.length),
        });
        self.ready = out.into_iter();
        result
    }

    fn next_event(&mut self) -> Option<Result<(), Error>> {
        if self.orphans.is_none() {
            let mut ignored = Vec::new();
            while let Ok(Some(component)) = self.parser.next_component(&mut ignored) {
                // The first pass read the whole file: nothing new can go wrong here.
                ignored.clear();
                if component.kind != "VEVENT" || component.get("RECURRENCE-ID").is_some() {
                    continue;
                }
                let uid = uid_of(&component).to_string();
                let overrides = std::mem::take(&mut self.overrides);
                let list: Vec<&Component<'_>> =
                    overrides.get(&uid).map(|l| l.iter().collect()).unwrap_or_default();
                let result = self.expand(&component, &uid, &list);
                drop(list);
                self.overrides = overrides;
                self.masters.insert(uid);
                return Some(result);
            }
            let orphans: Vec<String> =
                self.overrides.keys().filter(|uid| !self.masters.contains(*uid)).cloned().collect();
            self.orphans = Some(orphans.into_iter());
        }
        let uid = self.orphans.as_mut()?.next()?;
        let overrides = std::mem::take(&mut self.overrides);
        let mut all = Vec::new();
        let mut result = Ok(());
        for component in overrides.get(&uid).map(Vec::as_slice).unwrap_or_default() {
            result = result.and_then(|()| self.expand(component, &uid, &[]));
            all.extend(std::mem::replace(&mut self.ready, Vec::new().into_iter()));
        }
        self.overrides = overrides;
        all.sort_by_key(|i| i.start);
        self.ready = all.into_iter();
        Some(result)
    }
}

impl Iterator for Instances<'_> {
    type Item = Result<Instance, Error>;

    fn next(&mut self) -> Option<Result<Instance, Error>> {
        if self.failed {
            return None;
        }
        loop {
            if let Some(instance) = self.ready.next() {
                return Some(Ok(instance));
            }
            match self.next_event()? {
                Ok(()) => {}
                Err(error) => {
                    self.failed = true;
                    return Some(Err(error));
                }
            }
        }
    }
}
