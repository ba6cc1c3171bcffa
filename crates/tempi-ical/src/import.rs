//! Import: a member's busy time from a calendar export, as Google Calendar, Outlook, Apple
//! Calendar and Thunderbird write them.
//!
//! The parser is tempi's own and forgiving: it works on bytes (a fold may split a UTF-8
//! character), strips a BOM, accepts CRLF, LF or a mix, and skips a malformed component with a
//! [`Warning`] that names it and its line instead of failing the file. Input it cannot use at all
//! is an [`Error::Import`] with a line number. It never panics and is bounded: at most
//! [`MAX_INPUT_BYTES`] of input, [`MAX_INSTANCES`] busy instances and [`MAX_EXPANDED`] expanded
//! instances.
//!
//! Times: `TZID` may be an IANA name (also Mozilla's `/mozilla.org/…/Europe/Berlin` form), a
//! Windows name ("W. Europe Standard Time", mapped with CLDR's table) or a name whose VTIMEZONE
//! has `X-LIC-LOCATION`; other custom zones are read as the fixed offset of their latest STANDARD
//! observance, with a warning. Floating times and all-day dates are in the member's zone; an
//! all-day event is busy for its whole local days. Recurrences (RRULE, RDATE, EXDATE incl.
//! `VALUE=DATE`, RECURRENCE-ID overrides) are expanded with tempi's DST policy.
//! `TRANSP:TRANSPARENT` and `STATUS:CANCELLED` are not busy; VFREEBUSY `BUSY*` periods are.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use tempi_core::time::resolve_local;
use tempi_core::{Window, chrono, chrono_tz};

use crate::Error;
use crate::expand::Rule;

/// The largest input [`busy`] reads: 256 MiB.
pub const MAX_INPUT_BYTES: usize = 256 * 1024 * 1024;
/// The most busy instances [`busy`] produces for one window.
pub const MAX_INSTANCES: usize = 2_000_000;
/// The most instances one recurring event may produce (counted from its DTSTART).
pub const MAX_INSTANCES_PER_EVENT: usize = 200_000;
/// The most instances all recurring events together may produce (counted from each DTSTART,
/// so before the window too, and including events skipped past [`MAX_INSTANCES_PER_EVENT`]).
/// Without it, work grew with the number of runaway rules: 50 `FREQ=SECONDLY` events took
/// 2 s (found by the `ics_import` fuzz target).
pub const MAX_EXPANDED: usize = 2_000_000;

/// A member's busy time over a window.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Busy {
    /// Every busy instance that overlaps the window, sorted by start, then UID.
    pub events: Vec<BusyEvent>,
    /// The same time merged into disjoint intervals, clipped to the window, sorted: what the
    /// solver consumes.
    pub intervals: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// What was skipped or guessed, each with its line.
    pub warnings: Vec<Warning>,
}

/// One busy instance.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BusyEvent {
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// The UID of its component (`VFREEBUSY` periods use that component's UID or `freebusy`).
    pub uid: String,
}

/// Something skipped or guessed while reading a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// The 1-based line (of the input, before unfolding) it is about.
    pub line: usize,
    /// What happened.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Reads the busy time in `input` (an iCalendar file) over `window`. Floating and all-day times
/// are read in `member_zone`.
///
/// # Errors
/// [`Error::Import`] when the input is too large, is not iCalendar, or would produce more than
/// [`MAX_INSTANCES`] instances in the window, or whose recurring events would expand to more
/// than [`MAX_EXPANDED`] instances in all.
pub fn busy(input: &[u8], member_zone: Tz, window: Window) -> Result<Busy, Error> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(Error::Import {
            line: 1,
            message: format!(
                "the calendar is {} bytes, more than the {MAX_INPUT_BYTES}-byte limit; export a shorter date range",
                input.len()
            ),
        });
    }
    let mut reader = Reader { warnings: Vec::new(), member_zone, expanded: 0 };
    let parsed = reader.parse(input)?;
    let mut events = reader.expand(&parsed, window)?;
    events.sort();
    events.dedup();
    let mut intervals: Vec<(DateTime<Utc>, DateTime<Utc>)> = Vec::new();
    for event in &events {
        let start = event.start.max(window.start());
        let end = event.end.min(window.end());
        if end <= start {
            continue;
        }
        match intervals.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => intervals.push((start, end)),
        }
    }
    Ok(Busy { events, intervals, warnings: reader.warnings })
}

/// One property: name (upper case), parameters, value, line.
#[derive(Debug, Clone)]
struct Property<'a> {
    name: Cow<'a, str>,
    params: Vec<(String, String)>,
    value: Cow<'a, str>,
    line: usize,
}

impl Property<'_> {
    fn param(&self, name: &str) -> Option<&str> {
        self.params.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Default)]
struct Component<'a> {
    kind: String,
    line: usize,
    properties: Vec<Property<'a>>,
    children: Vec<Component<'a>>,
}

impl<'a> Component<'a> {
    fn get(&self, name: &str) -> Option<&Property<'a>> {
        self.properties.iter().find(|p| p.name == name)
    }

    fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Property<'a>> + 's {
        self.properties.iter().filter(move |p| p.name == name)
    }
}

struct Reader {
    warnings: Vec<Warning>,
    member_zone: Tz,
    /// Instances produced so far by every rule expansion, bounded by [`MAX_EXPANDED`].
    expanded: usize,
}

/// A zone a time is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Zone {
    Named(Tz),
    /// A custom zone read as a fixed offset (seconds east of UTC).
    Fixed(i32),
}

impl Zone {
    fn instant(self, wall: NaiveDateTime) -> DateTime<Utc> {
        match self {
            Zone::Named(tz) => resolve_local(tz, wall).with_timezone(&Utc),
            Zone::Fixed(offset) => {
                Utc.from_utc_datetime(&(wall - Duration::seconds(i64::from(offset))))
            }
        }
    }

    fn wall(self, instant: DateTime<Utc>) -> NaiveDateTime {
        match self {
            Zone::Named(tz) => instant.with_timezone(&tz).naive_local(),
            Zone::Fixed(offset) => instant.naive_utc() + Duration::seconds(i64::from(offset)),
        }
    }
}

/// A DTSTART-like value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Date(NaiveDate),
    Wall(NaiveDateTime, Zone),
    Utc(NaiveDateTime),
}

impl When {
    fn instant(self, member: Tz) -> DateTime<Utc> {
        match self {
            When::Date(date) => {
                resolve_local(member, date.and_time(NaiveTime::MIN)).with_timezone(&Utc)
            }
            When::Wall(wall, zone) => zone.instant(wall),
            When::Utc(utc) => Utc.from_utc_datetime(&utc),
        }
    }
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    if text.len() != 8 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year = text.get(0..4)?.parse().ok()?;
    let month = text.get(4..6)?.parse().ok()?;
    let day = text.get(6..8)?.parse().ok()?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// `YYYYMMDDTHHMMSS` with an optional `Z`: (wall time, is UTC).
fn parse_date_time(text: &str) -> Option<(NaiveDateTime, bool)> {
    let text = text.trim();
    let (body, utc) = match text.strip_suffix(['Z', 'z']) {
        Some(body) => (body, true),
        None => (text, false),
    };
    let (date, time) = body.split_once(['T', 't'])?;
    let date = parse_date(date)?;
    if time.len() != 6 || !time.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hour = time.get(0..2)?.parse().ok()?;
    let minute = time.get(2..4)?.parse().ok()?;
    // A leap second (60) is read as 59.
    let second: u32 = time.get(4..6)?.parse().ok()?;
    let time = NaiveTime::from_hms_opt(hour, minute, second.min(59))?;
    Some((date.and_time(time), utc))
}

/// An RFC 5545 DURATION (`P1D`, `PT1H30M`, `-PT15M`, `P2W`) in seconds.
fn parse_duration(text: &str) -> Option<i64> {
    let text = text.trim();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let mut total: i64 = 0;
    let mut number = String::new();
    let mut in_time = false;
    let mut any = false;
    for ch in rest.chars() {
        match ch.to_ascii_uppercase() {
            'T' => in_time = true,
            c if c.is_ascii_digit() => number.push(c),
            unit => {
                let value: i64 = number.parse().ok()?;
                number.clear();
                any = true;
                let factor = match (unit, in_time) {
                    ('W', false) => 7 * 86_400,
                    ('D', false) => 86_400,
                    ('H', true) => 3_600,
                    ('M', true) => 60,
                    ('S', true) => 1,
                    _ => return None,
                };
                total = total.checked_add(value.checked_mul(factor)?)?;
            }
        }
    }
    (any && number.is_empty()).then_some(sign * total)
}

/// A logical line's parameters: (upper-case name, unquoted value).
type Params = Vec<(String, String)>;

/// Splits a logical line into name, parameters and value (quotes respected).
fn split_line(line: &str) -> Option<(&str, Params, &str)> {
    let bytes = line.as_bytes();
    let mut name_end = None;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b':' || *b == b';' {
            name_end = Some(i);
            break;
        }
    }
    let name_end = name_end?;
    let name = line.get(..name_end)?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    let mut params = Vec::new();
    let mut i = name_end;
    let mut in_quotes = false;
    let mut start = name_end + 1;
    let mut value_start = None;
    if bytes.get(name_end) == Some(&b':') {
        value_start = Some(name_end + 1);
    } else {
        i += 1;
        while let Some(b) = bytes.get(i) {
            match b {
                b'"' => in_quotes = !in_quotes,
                b';' | b':' if !in_quotes => {
                    let param = line.get(start..i)?;
                    let (pname, pvalue) = param.split_once('=').unwrap_or((param, ""));
                    params.push((pname.to_ascii_uppercase(), pvalue.trim_matches('"').to_string()));
                    start = i + 1;
                    if *b == b':' {
                        value_start = Some(i + 1);
                        break;
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
    let value = line.get(value_start?..)?;
    Some((name, params, value))
}

impl Reader {
    fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning { line, message: message.into() });
    }

    fn parse<'a>(&mut self, input: &'a [u8]) -> Result<Vec<Component<'a>>, Error> {
        let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
        // Logical lines: (first physical line number, bytes).
        let mut logical: Vec<(usize, Cow<'a, [u8]>)> = Vec::new();
        for (index, raw) in input.split(|b| *b == b'\n').enumerate() {
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            match raw.first() {
                Some(b' ' | b'\t') => match logical.last_mut() {
                    Some((_, text)) => {
                        text.to_mut().extend_from_slice(raw.get(1..).unwrap_or_default())
                    }
                    None => {
                        logical.push((index + 1, Cow::Borrowed(raw.get(1..).unwrap_or_default())))
                    }
                },
                None => {}
                Some(_) => logical.push((index + 1, Cow::Borrowed(raw))),
            }
        }
        let mut roots: Vec<Component<'a>> = Vec::new();
        let mut stack: Vec<Component<'a>> = Vec::new();
        let mut saw_begin = false;
        for (line, bytes) in logical {
            let text: Cow<'a, str> = match bytes {
                Cow::Borrowed(b) => match std::str::from_utf8(b) {
                    Ok(s) => Cow::Borrowed(s),
                    Err(_) => {
                        self.warn(line, "the line is not valid UTF-8; invalid bytes replaced");
                        Cow::Owned(String::from_utf8_lossy(b).into_owned())
                    }
                },
                Cow::Owned(b) => match String::from_utf8(b) {
                    Ok(s) => Cow::Owned(s),
                    Err(e) => {
                        self.warn(line, "the line is not valid UTF-8; invalid bytes replaced");
                        Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned())
                    }
                },
            };
            let Some((name, params, value)) = split_line(&text) else {
                if !saw_begin {
                    return Err(Error::Import {
                        line,
                        message: "this is not an iCalendar file: expected BEGIN:VCALENDAR".into(),
                    });
                }
                let shown: String = text.chars().take(40).collect();
                let inside = stack.last().map_or("the calendar".to_string(), |c| {
                    format!("{} (line {})", c.kind, c.line)
                });
                self.warn(line, format!("skipped a malformed line in {inside}: {shown:?}"));
                continue;
            };
            let name_upper = name.to_ascii_uppercase();
            match name_upper.as_str() {
                "BEGIN" => {
                    saw_begin = true;
                    if stack.len() > 16 {
                        return Err(Error::Import {
                            line,
                            message: "components are nested more than 16 deep, the most tempi reads; check for BEGIN lines without their END, or export the calendar again".into(),
                        });
                    }
                    stack.push(Component {
                        kind: value.trim().to_ascii_uppercase(),
                        line,
                        ..Component::default()
                    });
                }
                "END" => {
                    let kind = value.trim().to_ascii_uppercase();
                    let Some(position) = stack.iter().rposition(|c| c.kind == kind) else {
                        self.warn(line, format!("END:{kind} without a matching BEGIN; ignored"));
                        continue;
                    };
                    // Components left open inside this one are malformed: drop them.
                    while stack.len() > position + 1 {
                        if let Some(open) = stack.pop() {
                            self.warn(
                                open.line,
                                format!(
                                    "skipped {} (line {}): it is never ended",
                                    open.kind, open.line
                                ),
                            );
                        }
                    }
                    if let Some(done) = stack.pop() {
                        match stack.last_mut() {
                            Some(parent) => parent.children.push(done),
                            None => roots.push(done),
                        }
                    }
                }
                _ => {
                    if !saw_begin {
                        return Err(Error::Import {
                            line,
                            message: "this is not an iCalendar file: expected BEGIN:VCALENDAR"
                                .into(),
                        });
                    }
                    let value: Cow<'a, str> = match &text {
                        Cow::Borrowed(s) => {
                            let offset = s.len() - value.len();
                            Cow::Borrowed(s.get(offset..).unwrap_or_default())
                        }
                        Cow::Owned(_) => Cow::Owned(value.to_string()),
                    };
                    let name: Cow<'a, str> = if name == name_upper {
                        match &text {
                            Cow::Borrowed(s) => {
                                Cow::Borrowed(s.get(..name.len()).unwrap_or_default())
                            }
                            Cow::Owned(_) => Cow::Owned(name_upper),
                        }
                    } else {
                        Cow::Owned(name_upper)
                    };
                    match stack.last_mut() {
                        Some(component) => {
                            component.properties.push(Property { name, params, value, line })
                        }
                        None => self.warn(line, "a property outside any component; ignored"),
                    }
                }
            }
        }
        // A file that ends inside a component was cut off (an interrupted download or copy):
        // what it holds may be incomplete, so it is refused rather than half read.
        if let Some(open) = stack.first() {
            let innermost = stack.last().map_or(open.line, |c| c.line);
            return Err(Error::Import {
                line: innermost,
                message: format!(
                    "the file ends inside {} begun at line {}: it looks cut off; export the calendar again",
                    stack.last().map_or(open.kind.as_str(), |c| c.kind.as_str()),
                    innermost
                ),
            });
        }
        if !saw_begin {
            return Err(Error::Import {
                line: 1,
                message: "the file is empty; expected BEGIN:VCALENDAR".into(),
            });
        }
        // Flatten: the calendars' children, and bare components (a VEVENT without VCALENDAR).
        let mut out = Vec::new();
        for root in roots {
            if root.kind == "VCALENDAR" {
                out.extend(root.children);
            } else {
                out.push(root);
            }
        }
        Ok(out)
    }

    fn zones(&mut self, components: &[Component<'_>]) -> HashMap<String, Zone> {
        let mut zones = HashMap::new();
        for vtimezone in components.iter().filter(|c| c.kind == "VTIMEZONE") {
            let Some(tzid) = vtimezone.get("TZID") else {
                self.warn(
                    vtimezone.line,
                    format!("skipped VTIMEZONE (line {}): it has no TZID", vtimezone.line),
                );
                continue;
            };
            let location = vtimezone.get("X-LIC-LOCATION").map(|p| p.value.to_string());
            let zone = lookup_zone(&tzid.value)
                .or_else(|| location.as_deref().and_then(lookup_zone))
                .map(Zone::Named)
                .or_else(|| {
                    // A custom zone: the offset of its latest STANDARD observance.
                    let standard = vtimezone
                        .children
                        .iter()
                        .filter(|c| c.kind == "STANDARD" || c.kind == "DAYLIGHT")
                        .max_by_key(|c| (c.kind == "STANDARD", c.get("DTSTART").map(|p| p.value.to_string())))?;
                    let offset = parse_offset(&standard.get("TZOFFSETTO")?.value)?;
                    self.warn(
                        vtimezone.line,
                        format!(
                            "time zone {:?} is not an IANA or Windows name; read as the fixed offset {}",
                            tzid.value,
                            crate::text::format_offset(offset)
                        ),
                    );
                    Some(Zone::Fixed(offset))
                });
            if let Some(zone) = zone {
                zones.insert(tzid.value.to_string(), zone);
            }
        }
        zones
    }

    fn when(
        &mut self,
        property: &Property<'_>,
        zones: &HashMap<String, Zone>,
        text: &str,
    ) -> Option<When> {
        let is_date = property.param("VALUE").is_some_and(|v| v.eq_ignore_ascii_case("DATE"))
            || (text.trim().len() == 8 && !text.contains('T'));
        if is_date {
            return parse_date(text).map(When::Date);
        }
        let (wall, utc) = parse_date_time(text)?;
        if utc {
            return Some(When::Utc(wall));
        }
        match property.param("TZID") {
            Some(tzid) => {
                let zone = zones.get(tzid).copied().or_else(|| lookup_zone(tzid).map(Zone::Named));
                match zone {
                    Some(zone) => Some(When::Wall(wall, zone)),
                    None => {
                        self.warn(
                            property.line,
                            format!(
                                "unknown time zone {tzid:?} in {}; read as the member's zone",
                                property.name
                            ),
                        );
                        Some(When::Wall(wall, Zone::Named(self.member_zone)))
                    }
                }
            }
            None => Some(When::Wall(wall, Zone::Named(self.member_zone))),
        }
    }

    fn expand(
        &mut self,
        components: &[Component<'_>],
        window: Window,
    ) -> Result<Vec<BusyEvent>, Error> {
        let zones = self.zones(components);
        let mut out: Vec<BusyEvent> = Vec::new();
        // Overrides by UID, then masters.
        let mut overrides: BTreeMap<String, Vec<&Component<'_>>> = BTreeMap::new();
        let mut masters: Vec<&Component<'_>> = Vec::new();
        for component in components {
            match component.kind.as_str() {
                "VEVENT" => {
                    if component.get("RECURRENCE-ID").is_some() {
                        let uid =
                            component.get("UID").map(|p| p.value.to_string()).unwrap_or_default();
                        overrides.entry(uid).or_default().push(component);
                    } else {
                        masters.push(component);
                    }
                }
                "VFREEBUSY" => self.freebusy(component, window, &mut out),
                _ => {}
            }
        }
        let mut seen_masters: std::collections::HashSet<String> = std::collections::HashSet::new();
        for master in masters {
            let uid = master.get("UID").map(|p| p.value.to_string()).unwrap_or_default();
            seen_masters.insert(uid.clone());
            let list = overrides.get(&uid).map(Vec::as_slice).unwrap_or_default();
            self.event(master, list, &zones, window, &mut out)?;
            if out.len() > MAX_INSTANCES {
                return Err(Error::Import {
                    line: master.line,
                    message: format!(
                        "more than {MAX_INSTANCES} busy instances in the window; import a shorter window"
                    ),
                });
            }
        }
        // Overrides whose master is missing: each is an event of its own.
        for (uid, list) in &overrides {
            if seen_masters.contains(uid) {
                continue;
            }
            for component in list {
                self.event(component, &[], &zones, window, &mut out)?;
            }
        }
        Ok(out)
    }

    fn busy_component(component: &Component<'_>) -> bool {
        let transparent = component
            .get("TRANSP")
            .is_some_and(|p| p.value.trim().eq_ignore_ascii_case("TRANSPARENT"));
        let cancelled = component
            .get("STATUS")
            .is_some_and(|p| p.value.trim().eq_ignore_ascii_case("CANCELLED"));
        !transparent && !cancelled
    }

    /// The instance's (start, end) for a start value and the component's length.
    fn span(&self, start: When, length: &Length) -> (DateTime<Utc>, DateTime<Utc>) {
        match (start, length) {
            (When::Date(date), Length::Days(days)) => {
                let end = date + Duration::days(*days);
                (
                    When::Date(date).instant(self.member_zone),
                    When::Date(end).instant(self.member_zone),
                )
            }
            (When::Date(date), Length::Seconds(seconds)) => {
                let begin = When::Date(date).instant(self.member_zone);
                (begin, begin + Duration::seconds(*seconds))
            }
            (other, Length::Days(days)) => {
                let begin = other.instant(self.member_zone);
                (begin, begin + Duration::days(*days))
            }
            (other, Length::Seconds(seconds)) => {
                let begin = other.instant(self.member_zone);
                (begin, begin + Duration::seconds(*seconds))
            }
        }
    }

    fn length(
        &mut self,
        component: &Component<'_>,
        start: When,
        zones: &HashMap<String, Zone>,
    ) -> Option<Length> {
        if let Some(end) = component.get("DTEND") {
            let end_when = self.when(end, zones, &end.value)?;
            return Some(match (start, end_when) {
                (When::Date(a), When::Date(b)) => Length::Days((b - a).num_days().max(1)),
                (a, b) => Length::Seconds(
                    (b.instant(self.member_zone) - a.instant(self.member_zone))
                        .num_seconds()
                        .max(0),
                ),
            });
        }
        if let Some(duration) = component.get("DURATION") {
            let seconds = parse_duration(&duration.value)?;
            return Some(match start {
                When::Date(_) if seconds % 86_400 == 0 => Length::Days((seconds / 86_400).max(1)),
                _ => Length::Seconds(seconds.max(0)),
            });
        }
        Some(match start {
            When::Date(_) => Length::Days(1),
            _ => Length::Seconds(0),
        })
    }

    fn event(
        &mut self,
        master: &Component<'_>,
        overrides: &[&Component<'_>],
        zones: &HashMap<String, Zone>,
        window: Window,
        out: &mut Vec<BusyEvent>,
    ) -> Result<(), Error> {
        let uid = master.get("UID").map(|p| p.value.to_string()).unwrap_or_default();
        let label = if uid.is_empty() {
            format!("VEVENT (line {})", master.line)
        } else {
            format!("VEVENT {uid:?} (line {})", master.line)
        };
        let Some(dtstart_property) = master.get("DTSTART") else {
            self.warn(master.line, format!("skipped {label}: it has no DTSTART"));
            return Ok(());
        };
        let Some(dtstart) = self.when(dtstart_property, zones, &dtstart_property.value.clone())
        else {
            self.warn(
                dtstart_property.line,
                format!(
                    "skipped {label}: DTSTART {:?} is not a date or date-time",
                    dtstart_property.value
                ),
            );
            return Ok(());
        };
        let Some(length) = self.length(master, dtstart, zones) else {
            self.warn(master.line, format!("skipped {label}: its DTEND or DURATION is malformed"));
            return Ok(());
        };
        let busy_master = Self::busy_component(master);
        // Instances as (start value, own length, own busy flag, override component).
        let mut instances: Vec<When> = vec![dtstart];
        let rules: Vec<&Property<'_>> = master.all("RRULE").collect();
        let (zone, wall_start) = match dtstart {
            When::Date(date) => (Zone::Named(self.member_zone), date.and_time(NaiveTime::MIN)),
            When::Wall(wall, zone) => (zone, wall),
            When::Utc(utc) => (Zone::Fixed(0), utc),
        };
        let horizon = zone.wall(window.end()) + Duration::days(2);
        for rule_property in rules {
            let rule = match Rule::parse(&rule_property.value) {
                Ok(rule) => rule,
                Err(message) => {
                    self.warn(
                        rule_property.line,
                        format!("skipped {label}: its RRULE is not valid: {message}"),
                    );
                    return Ok(());
                }
            };
            let tz = match zone {
                Zone::Named(tz) => Some(tz),
                Zone::Fixed(_) => None,
            };
            let budget = MAX_INSTANCES_PER_EVENT.min(MAX_EXPANDED.saturating_sub(self.expanded));
            let expanded = rule.starts(tz, wall_start, horizon, budget);
            self.expanded += expanded.as_ref().map_or(budget, Vec::len);
            if expanded.is_err() && budget < MAX_INSTANCES_PER_EVENT {
                return Err(Error::Import {
                    line: rule_property.line,
                    message: format!(
                        "the recurring events expand to more than {MAX_EXPANDED} instances in all; remove runaway rules (e.g. FREQ=SECONDLY) or give them an UNTIL"
                    ),
                });
            }
            let starts = match expanded {
                Ok(starts) => starts,
                Err(message) => {
                    self.warn(
                        rule_property.line,
                        format!("skipped {label}: its RRULE cannot be expanded: {message}"),
                    );
                    return Ok(());
                }
            };
            instances.extend(starts.into_iter().map(|wall| match dtstart {
                When::Date(_) => When::Date(wall.date()),
                When::Wall(_, zone) => When::Wall(wall, zone),
                When::Utc(_) => When::Utc(wall),
            }));
        }
        for rdate in master.all("RDATE") {
            for value in rdate.value.split(',') {
                // A PERIOD's start is the instance; its own length is not kept (rare in exports).
                let start_text = value.split('/').next().unwrap_or(value);
                match self.when(rdate, zones, start_text) {
                    Some(when) => instances.push(when),
                    None => self.warn(
                        rdate.line,
                        format!("ignored RDATE {value:?} in {label}: not a date or date-time"),
                    ),
                }
            }
        }
        let mut excluded: Vec<DateTime<Utc>> = Vec::new();
        let mut excluded_dates: Vec<NaiveDate> = Vec::new();
        for exdate in master.all("EXDATE") {
            for value in exdate.value.split(',') {
                match self.when(exdate, zones, value) {
                    Some(When::Date(date)) => excluded_dates.push(date),
                    Some(when) => excluded.push(when.instant(self.member_zone)),
                    None => self.warn(
                        exdate.line,
                        format!("ignored EXDATE {value:?} in {label}: not a date or date-time"),
                    ),
                }
            }
        }
        let date_of = |when: &When, member: Tz| match when {
            When::Date(date) => *date,
            When::Wall(wall, _) => wall.date(),
            When::Utc(utc) => Utc.from_utc_datetime(utc).with_timezone(&member).date_naive(),
        };
        // Overrides replace the instance with the same RECURRENCE-ID.
        let mut replaced: Vec<(DateTime<Utc>, Option<NaiveDate>)> = Vec::new();
        for component in overrides {
            let Some(recurrence) = component.get("RECURRENCE-ID") else { continue };
            let Some(id) = self.when(recurrence, zones, &recurrence.value.clone()) else {
                self.warn(
                    recurrence.line,
                    format!(
                        "skipped an override of {label}: RECURRENCE-ID {:?} is malformed",
                        recurrence.value
                    ),
                );
                continue;
            };
            if recurrence.param("RANGE").is_some() {
                self.warn(recurrence.line, format!("RANGE on an override of {label} is not supported; applied to that one instance"));
            }
            let date = matches!(id, When::Date(_)).then(|| date_of(&id, self.member_zone));
            replaced.push((id.instant(self.member_zone), date));
        }
        let mut seen = std::collections::BTreeSet::new();
        if busy_master {
            for when in instances {
                let start_instant = when.instant(self.member_zone);
                if !seen.insert(start_instant) {
                    continue;
                }
                if excluded.contains(&start_instant)
                    || excluded_dates.contains(&date_of(&when, self.member_zone))
                {
                    continue;
                }
                if replaced.iter().any(|(instant, date)| match date {
                    Some(date) => *date == date_of(&when, self.member_zone),
                    None => *instant == start_instant,
                }) {
                    continue;
                }
                let (start, end) = self.span(when, &length);
                if end > start && end > window.start() && start < window.end() {
                    out.push(BusyEvent { start, end, uid: uid.clone() });
                }
            }
        }
        for component in overrides {
            if !Self::busy_component(component) {
                continue;
            }
            let Some(start_property) = component.get("DTSTART") else { continue };
            let Some(start_when) = self.when(start_property, zones, &start_property.value.clone())
            else {
                self.warn(
                    start_property.line,
                    format!("skipped an override of {label}: DTSTART is malformed"),
                );
                continue;
            };
            let own = match self.length(component, start_when, zones) {
                Some(own)
                    if component.get("DTEND").is_some() || component.get("DURATION").is_some() =>
                {
                    own
                }
                _ => length.clone(),
            };
            let (start, end) = self.span(start_when, &own);
            if end > start && end > window.start() && start < window.end() {
                out.push(BusyEvent { start, end, uid: uid.clone() });
            }
        }
        Ok(())
    }

    fn freebusy(&mut self, component: &Component<'_>, window: Window, out: &mut Vec<BusyEvent>) {
        let uid =
            component.get("UID").map_or_else(|| "freebusy".to_string(), |p| p.value.to_string());
        for property in component.all("FREEBUSY") {
            let kind = property.param("FBTYPE").unwrap_or("BUSY").to_ascii_uppercase();
            if kind == "FREE" {
                continue;
            }
            for period in property.value.split(',') {
                let parsed = period.split_once('/').and_then(|(start, rest)| {
                    let (start, utc) = parse_date_time(start)?;
                    let start = if utc {
                        Utc.from_utc_datetime(&start)
                    } else {
                        Zone::Named(self.member_zone).instant(start)
                    };
                    let end = match parse_date_time(rest) {
                        Some((end, true)) => Utc.from_utc_datetime(&end),
                        Some((end, false)) => Zone::Named(self.member_zone).instant(end),
                        None => start + Duration::seconds(parse_duration(rest)?),
                    };
                    Some((start, end))
                });
                match parsed {
                    Some((start, end)) if end > start => {
                        if end > window.start() && start < window.end() {
                            out.push(BusyEvent { start, end, uid: uid.clone() });
                        }
                    }
                    _ => self.warn(
                        property.line,
                        format!(
                            "ignored FREEBUSY period {period:?}: not start/end or start/duration"
                        ),
                    ),
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
enum Length {
    /// All-day: whole local days.
    Days(i64),
    /// Exact seconds.
    Seconds(i64),
}

fn parse_offset(text: &str) -> Option<i32> {
    let text = text.trim();
    let (sign, digits) = match text.strip_prefix('-') {
        Some(d) => (-1, d),
        None => (1, text.strip_prefix('+')?),
    };
    if !(digits.len() == 4 || digits.len() == 6) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits.get(0..2)?.parse().ok()?;
    let minutes: i32 = digits.get(2..4)?.parse().ok()?;
    let seconds: i32 =
        digits.get(4..).filter(|s| !s.is_empty()).map_or(Some(0), |s| s.parse().ok())?;
    Some(sign * (hours * 3600 + minutes * 60 + seconds))
}

/// An IANA zone from a TZID as clients write it: the name itself, any case, Mozilla's
/// `/mozilla.org/20050126_1/Europe/Berlin`, or a Windows name.
pub(crate) fn lookup_zone(tzid: &str) -> Option<Tz> {
    let name = tzid.trim().trim_matches('"');
    if let Ok(zone) = name.parse::<Tz>() {
        return Some(zone);
    }
    if let Some(iana) = crate::windows::to_iana(name) {
        return iana.parse().ok();
    }
    // Suffixes: "/mozilla.org/…/Europe/Berlin", "/citadel.org/…/Europe/Berlin".
    let parts: Vec<&str> = name.split('/').collect();
    for start in 1..parts.len() {
        if let Some(rest) = parts.get(start..) {
            let candidate = rest.join("/");
            if let Ok(zone) = candidate.parse::<Tz>() {
                return Some(zone);
            }
        }
    }
    chrono_tz::TZ_VARIANTS.iter().find(|z| z.name().eq_ignore_ascii_case(name)).copied()
}

#[cfg(test)]
mod tests;
