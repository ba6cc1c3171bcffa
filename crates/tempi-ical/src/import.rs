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

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use tempi_core::time::resolve_local;
use tempi_core::{Window, chrono, chrono_tz};

use crate::Error;
use crate::expand::Rule;
pub use holidays::{Holiday, Holidays, holidays};
pub use instances::{Instance, Instances, Length, Start, instances};
use parse::{Component, Parser, Property};

mod holidays;
mod instances;
mod offsets;
mod parse;

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
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
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

/// Refuses input over [`MAX_INPUT_BYTES`] before anything is parsed.
fn check_size(input: &[u8]) -> Result<(), Error> {
    if input.len() > MAX_INPUT_BYTES {
        return Err(Error::Import {
            line: 1,
            message: format!(
                "the calendar is {} bytes, more than the {MAX_INPUT_BYTES}-byte limit; export a shorter date range",
                input.len()
            ),
        });
    }
    Ok(())
}

/// Reads the busy time in `input` (an iCalendar file) over `window`. Floating and all-day times
/// are read in `member_zone`.
///
/// # Errors
/// [`Error::Import`] when the input is too large, is not iCalendar, or would produce more than
/// [`MAX_INSTANCES`] instances in the window, or whose recurring events would expand to more
/// than [`MAX_EXPANDED`] instances in all.
pub fn busy(input: &[u8], member_zone: Tz, window: Window) -> Result<Busy, Error> {
    check_size(input)?;
    let mut reader = Reader::new(member_zone)
        .with_range(window.start() - Duration::days(2), window.end() + Duration::days(3));
    let mut parser = Parser::new(input)?;
    let mut parsed = Vec::new();
    while let Some(component) = parser.next_component(&mut reader.warnings)? {
        parsed.push(component);
    }
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

pub(crate) struct Reader {
    pub(crate) warnings: Vec<Warning>,
    member_zone: Tz,
    /// Instances produced so far by every rule expansion, bounded by [`MAX_EXPANDED`].
    expanded: usize,
    /// TZIDs without a VTIMEZONE already looked up.
    known: HashMap<String, Option<Zone>>,
    /// Each named zone's offsets over the window, computed once per transition.
    offsets: Option<offsets::Offsets>,
}

/// A zone a time is read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Zone {
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
pub(crate) enum When {
    Date(NaiveDate),
    Wall(NaiveDateTime, Zone),
    /// A wall time without a zone (or with one tempi does not know): read in the member's zone.
    Floating(NaiveDateTime),
    Utc(NaiveDateTime),
}

impl When {
    pub(crate) fn instant(self, member: Tz) -> DateTime<Utc> {
        match self {
            When::Date(date) => {
                resolve_local(member, date.and_time(NaiveTime::MIN)).with_timezone(&Utc)
            }
            When::Wall(wall, zone) => zone.instant(wall),
            When::Floating(wall) => resolve_local(member, wall).with_timezone(&Utc),
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

/// An RFC 5545 DURATION (`P1D`, `PT1H30M`, `-PT15M`, `P2W`) in exact seconds (a day as
/// 86,400), as FREEBUSY periods use it.
fn parse_duration(text: &str) -> Option<i64> {
    let (negative, days, seconds) = parse_duration_parts(text)?;
    let total = days.checked_mul(86_400)?.checked_add(seconds)?;
    Some(if negative { -total } else { total })
}

/// An RFC 5545 DURATION as (negative, days, seconds): weeks count as 7 days; days are nominal,
/// hours, minutes and seconds exact (§3.3.6).
fn parse_duration_parts(text: &str) -> Option<(bool, i64, i64)> {
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let rest = rest.strip_prefix(['P', 'p'])?;
    let (mut days, mut seconds): (i64, i64) = (0, 0);
    let mut number: Option<i64> = None;
    let mut in_time = false;
    let mut any = false;
    for ch in rest.chars() {
        match ch.to_ascii_uppercase() {
            'T' if number.is_none() => in_time = true,
            c if c.is_ascii_digit() => {
                let digit = i64::from(c.to_digit(10)?);
                number = Some(number.unwrap_or(0).checked_mul(10)?.checked_add(digit)?);
            }
            unit => {
                let value = number.take()?;
                any = true;
                match (unit, in_time) {
                    ('W', false) => days = days.checked_add(value.checked_mul(7)?)?,
                    ('D', false) => days = days.checked_add(value)?,
                    ('H', true) => seconds = seconds.checked_add(value.checked_mul(3_600)?)?,
                    ('M', true) => seconds = seconds.checked_add(value.checked_mul(60)?)?,
                    ('S', true) => seconds = seconds.checked_add(value)?,
                    _ => return None,
                }
            }
        }
    }
    (any && number.is_none()).then_some((negative, days, seconds))
}

/// What one instance of an event hands to its sink: its start value, its span, its own length,
/// whether its component is busy (not transparent, not cancelled).
pub(crate) struct Raw<'e> {
    pub(crate) when: When,
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    pub(crate) extent: &'e Extent,
    pub(crate) busy: bool,
}

/// Why a component's length cannot be used.
enum BadLength {
    /// DTEND or DURATION does not parse.
    Malformed,
    /// DTEND is before DTSTART (RFC 5545 §3.6.1: it must be later).
    EndBeforeStart,
}

impl Reader {
    pub(crate) fn new(member_zone: Tz) -> Reader {
        Reader {
            warnings: Vec::new(),
            member_zone,
            expanded: 0,
            known: HashMap::new(),
            offsets: None,
        }
    }

    /// Reads wall times in `[start, end)` (UTC) through per-zone offset tables.
    /// Longer ranges read every wall time with `resolve_local` (a table's scan would cost more).
    fn with_range(mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> Reader {
        if end - start <= Duration::days(366 * 40) {
            self.offsets = Some(offsets::Offsets::new(start.naive_utc(), end.naive_utc()));
        }
        self
    }

    /// `when.instant(member)`, through the offset tables when there are some.
    fn instant(&mut self, when: When) -> DateTime<Utc> {
        match (&mut self.offsets, when) {
            (Some(offsets), When::Wall(wall, Zone::Named(tz))) => offsets.instant(tz, wall),
            (Some(offsets), When::Floating(wall)) => offsets.instant(self.member_zone, wall),
            _ => when.instant(self.member_zone),
        }
    }

    pub(crate) fn warn(&mut self, line: usize, message: impl Into<String>) {
        self.warnings.push(Warning { line, message: clamp(message.into()) });
    }

    fn zones(&mut self, vtimezones: &[&Component<'_>]) -> HashMap<String, Zone> {
        let mut zones = HashMap::new();
        for vtimezone in vtimezones {
            let Some(tzid) = vtimezone.get("TZID") else {
                self.warn(
                    vtimezone.line,
                    format!("skipped VTIMEZONE (line {}): it has no TZID", vtimezone.line),
                );
                continue;
            };
            let location = vtimezone.get("X-LIC-LOCATION").map(|p| p.value.to_string());
            let named = lookup_zone(&tzid.value)
                .or_else(|| location.as_deref().and_then(lookup_zone))
                .map(Zone::Named);
            let zone = match named {
                Some(zone) => Some(zone),
                None => self.custom_zone(vtimezone, &tzid.value),
            };
            if let Some(zone) = zone {
                zones.insert(tzid.value.to_string(), zone);
            }
        }
        zones
    }

    /// A custom zone: the offset of its latest STANDARD observance, with a warning; `None`
    /// (with a warning) when that offset is not a UTC offset.
    fn custom_zone(&mut self, vtimezone: &Component<'_>, tzid: &str) -> Option<Zone> {
        let standard = vtimezone
            .children
            .iter()
            .filter(|c| c.kind == "STANDARD" || c.kind == "DAYLIGHT")
            .max_by_key(|c| {
                (c.kind == "STANDARD", c.get("DTSTART").map(|p| p.value.to_string()))
            })?;
        let to = standard.get("TZOFFSETTO")?;
        for property in [Some(to), standard.get("TZOFFSETFROM")].into_iter().flatten() {
            if parse_offset(&property.value).is_none() {
                self.warn(
                    property.line,
                    format!(
                        "skipped VTIMEZONE {} (line {}): {} {} is not a UTC offset (±HHMM or ±HHMMSS, minutes and seconds under 60, at most ±18:00)",
                        quote(tzid),
                        vtimezone.line,
                        property.name,
                        quote(&property.value)
                    ),
                );
                return None;
            }
        }
        let offset = parse_offset(&to.value)?;
        self.warn(
            vtimezone.line,
            format!(
                "time zone {} is not an IANA or Windows name; read as the fixed offset {}",
                quote(tzid),
                crate::text::format_offset(offset)
            ),
        );
        Some(Zone::Fixed(offset))
    }

    /// The zone a `TZID` names: the file's own VTIMEZONE, else a name tempi knows (looked up
    /// once per name).
    fn zone_for(&mut self, zones: &HashMap<String, Zone>, tzid: &str) -> Option<Zone> {
        if let Some(zone) = zones.get(tzid) {
            return Some(*zone);
        }
        if let Some(zone) = self.known.get(tzid) {
            return *zone;
        }
        let zone = lookup_zone(tzid).map(Zone::Named);
        if self.known.len() < 4096 {
            self.known.insert(tzid.to_string(), zone);
        }
        zone
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
            Some(tzid) => match self.zone_for(zones, tzid) {
                Some(zone) => Some(When::Wall(wall, zone)),
                None => {
                    self.warn(
                        property.line,
                        format!(
                            "unknown time zone {} in {}; read as the member's zone",
                            quote(tzid),
                            property.name
                        ),
                    );
                    Some(When::Floating(wall))
                }
            },
            None => Some(When::Floating(wall)),
        }
    }

    fn expand(
        &mut self,
        components: &[Component<'_>],
        window: Window,
    ) -> Result<Vec<BusyEvent>, Error> {
        let vtimezones: Vec<&Component<'_>> =
            components.iter().filter(|c| c.kind == "VTIMEZONE").collect();
        let zones = self.zones(&vtimezones);
        let mut out: Vec<BusyEvent> = Vec::new();
        // Overrides by UID, then masters.
        let mut overrides: BTreeMap<String, Vec<&Component<'_>>> = BTreeMap::new();
        let mut masters: Vec<&Component<'_>> = Vec::new();
        for component in components {
            match component.kind.as_str() {
                "VEVENT" => {
                    if component.get("RECURRENCE-ID").is_some() {
                        overrides.entry(uid_of(component).to_string()).or_default().push(component);
                    } else {
                        masters.push(component);
                    }
                }
                "VFREEBUSY" => self.freebusy(component, window, &mut out),
                _ => {}
            }
        }
        let mut seen_masters: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for master in masters {
            let uid = uid_of(master);
            seen_masters.insert(uid);
            let list = overrides.get(uid).map(Vec::as_slice).unwrap_or_default();
            let mut sink = |raw: Raw<'_>| {
                if raw.end > raw.start && raw.end > window.start() && raw.start < window.end() {
                    out.push(BusyEvent { start: raw.start, end: raw.end, uid: uid.to_string() });
                }
            };
            self.event(master, uid, list, &zones, window.end(), true, &mut sink)?;
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
            if seen_masters.contains(uid.as_str()) {
                continue;
            }
            for component in list {
                let mut sink = |raw: Raw<'_>| {
                    if raw.end > raw.start && raw.end > window.start() && raw.start < window.end() {
                        out.push(BusyEvent { start: raw.start, end: raw.end, uid: uid.clone() });
                    }
                };
                self.event(component, uid, &[], &zones, window.end(), true, &mut sink)?;
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

    fn length(
        &mut self,
        component: &Component<'_>,
        start: When,
        zones: &HashMap<String, Zone>,
    ) -> Result<Extent, BadLength> {
        if let Some(end) = component.get("DTEND") {
            let end_when = self.when(end, zones, &end.value).ok_or(BadLength::Malformed)?;
            return match (start, end_when) {
                (When::Date(a), When::Date(b)) if b < a => Err(BadLength::EndBeforeStart),
                (When::Date(a), When::Date(b)) => Ok(Extent::Days((b - a).num_days().max(1))),
                (a, b) => {
                    let seconds =
                        (b.instant(self.member_zone) - a.instant(self.member_zone)).num_seconds();
                    if seconds < 0 {
                        return Err(BadLength::EndBeforeStart);
                    }
                    Ok(Extent::Seconds(seconds))
                }
            };
        }
        if let Some(duration) = component.get("DURATION") {
            let (negative, days, seconds) =
                parse_duration_parts(&duration.value).ok_or(BadLength::Malformed)?;
            let exact = days.checked_mul(86_400).and_then(|d| d.checked_add(seconds));
            let exact = exact.ok_or(BadLength::Malformed)?;
            return Ok(match start {
                When::Date(_) if !negative && seconds == 0 => Extent::Days(days.max(1)),
                _ if negative => Extent::Seconds(0),
                When::Date(_) => Extent::Seconds(exact),
                // Days and weeks are nominal (RFC 5545 §3.3.6): a day over a DST change lasts
                // 23 or 25 hours; hours, minutes and seconds are exact.
                _ if days > 0 => Extent::Nominal { days, seconds },
                _ => Extent::Seconds(seconds),
            });
        }
        Ok(match start {
            When::Date(_) => Extent::Days(1),
            _ => Extent::Seconds(0),
        })
    }

    /// Expands one event (a master with its overrides, or an orphan override on its own) and
    /// hands each instance to `sink`: the master's in the order DTSTART, RRULE, RDATE (not
    /// sorted), then each override's. Rules expand through `end` plus two days. With `busy_only`,
    /// a transparent or cancelled component hands out nothing.
    #[allow(clippy::too_many_arguments)]
    fn event(
        &mut self,
        master: &Component<'_>,
        uid: &str,
        overrides: &[&Component<'_>],
        zones: &HashMap<String, Zone>,
        end: DateTime<Utc>,
        busy_only: bool,
        sink: &mut dyn FnMut(Raw<'_>),
    ) -> Result<(), Error> {
        let member = self.member_zone;
        let label = if uid.is_empty() {
            format!("VEVENT (line {})", master.line)
        } else {
            format!("VEVENT {} (line {})", quote(uid), master.line)
        };
        let Some(dtstart_property) = master.get("DTSTART") else {
            self.warn(master.line, format!("skipped {label}: it has no DTSTART"));
            return Ok(());
        };
        let Some(dtstart) = self.when(dtstart_property, zones, &dtstart_property.value) else {
            self.warn(
                dtstart_property.line,
                format!(
                    "skipped {label}: DTSTART {} is not a date or date-time",
                    quote(&dtstart_property.value)
                ),
            );
            return Ok(());
        };
        let length = match self.length(master, dtstart, zones) {
            Ok(length) => length,
            Err(BadLength::Malformed) => {
                self.warn(
                    master.line,
                    format!("skipped {label}: its DTEND or DURATION is malformed"),
                );
                return Ok(());
            }
            Err(BadLength::EndBeforeStart) => {
                self.warn(master.line, format!("skipped {label}: its DTEND is before its DTSTART"));
                return Ok(());
            }
        };
        let busy_master = Self::busy_component(master);
        let mut instances: Vec<When> = vec![dtstart];
        let (zone, wall_start) = match dtstart {
            When::Date(date) => (Zone::Named(member), date.and_time(NaiveTime::MIN)),
            When::Wall(wall, zone) => (zone, wall),
            When::Floating(wall) => (Zone::Named(member), wall),
            When::Utc(utc) => (Zone::Fixed(0), utc),
        };
        let horizon = zone.wall(end) + Duration::days(2);
        for rule_property in master.all("RRULE") {
            let rule = match Rule::parse(&rule_property.value) {
                Ok(rule) => rule,
                Err(message) => {
                    self.warn(
                        rule_property.line,
                        format!("skipped {label}: its RRULE is not valid: {}", elide(&message)),
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
            instances.reserve(starts.len());
            instances.extend(starts.into_iter().map(|wall| match dtstart {
                When::Date(_) => When::Date(wall.date()),
                When::Wall(_, zone) => When::Wall(wall, zone),
                When::Floating(_) => When::Floating(wall),
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
                        format!(
                            "ignored RDATE {} in {label}: not a date or date-time",
                            quote(value)
                        ),
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
                    Some(when) => excluded.push(when.instant(member)),
                    None => self.warn(
                        exdate.line,
                        format!(
                            "ignored EXDATE {} in {label}: not a date or date-time",
                            quote(value)
                        ),
                    ),
                }
            }
        }
        let date_of = |when: &When, member: Tz| match when {
            When::Date(date) => *date,
            When::Wall(wall, _) | When::Floating(wall) => wall.date(),
            When::Utc(utc) => Utc.from_utc_datetime(utc).with_timezone(&member).date_naive(),
        };
        // Overrides replace the instance with the same RECURRENCE-ID.
        let mut replaced: Vec<(DateTime<Utc>, Option<NaiveDate>)> = Vec::new();
        for component in overrides {
            let Some(recurrence) = component.get("RECURRENCE-ID") else { continue };
            let Some(id) = self.when(recurrence, zones, &recurrence.value) else {
                self.warn(
                    recurrence.line,
                    format!(
                        "skipped an override of {label}: RECURRENCE-ID {} is malformed",
                        quote(&recurrence.value)
                    ),
                );
                continue;
            };
            if recurrence.param("RANGE").is_some() {
                self.warn(recurrence.line, format!("RANGE on an override of {label} is not supported; applied to that one instance"));
            }
            let date = matches!(id, When::Date(_)).then(|| date_of(&id, member));
            replaced.push((id.instant(member), date));
        }
        if busy_master || !busy_only {
            // Each start once, the first listed winning (a stable sort keeps list order among
            // equal starts); the rule's starts are already ascending, so the sort is cheap.
            let mut keyed: Vec<(DateTime<Utc>, When)> =
                instances.into_iter().map(|when| (self.instant(when), when)).collect();
            keyed.sort_by_key(|(instant, _)| *instant);
            keyed.dedup_by_key(|(instant, _)| *instant);
            for (start_instant, when) in keyed {
                if (!excluded.is_empty() && excluded.contains(&start_instant))
                    || (!excluded_dates.is_empty()
                        && excluded_dates.contains(&date_of(&when, member)))
                {
                    continue;
                }
                if replaced.iter().any(|(instant, date)| match date {
                    Some(date) => *date == date_of(&when, member),
                    None => *instant == start_instant,
                }) {
                    continue;
                }
                let end = span_end(member, when, start_instant, &length);
                sink(Raw { when, start: start_instant, end, extent: &length, busy: busy_master });
            }
        }
        for component in overrides {
            let busy = Self::busy_component(component);
            if busy_only && !busy {
                continue;
            }
            let Some(start_property) = component.get("DTSTART") else { continue };
            let Some(start_when) = self.when(start_property, zones, &start_property.value) else {
                self.warn(
                    start_property.line,
                    format!("skipped an override of {label}: DTSTART is malformed"),
                );
                continue;
            };
            let own_given = component.get("DTEND").is_some() || component.get("DURATION").is_some();
            let own = match self.length(component, start_when, zones) {
                Ok(own) if own_given => own,
                Err(BadLength::EndBeforeStart) => {
                    self.warn(
                        component.line,
                        format!(
                            "skipped an override of {label} (line {}): its DTEND is before its DTSTART",
                            component.line
                        ),
                    );
                    continue;
                }
                _ => length.clone(),
            };
            let start = start_when.instant(member);
            let end = span_end(member, start_when, start, &own);
            sink(Raw { when: start_when, start, end, extent: &own, busy });
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
                            "ignored FREEBUSY period {}: not start/end or start/duration",
                            quote(period)
                        ),
                    ),
                }
            }
        }
    }
}

/// The UID of a component, empty without one.
fn uid_of<'c>(component: &'c Component<'_>) -> &'c str {
    component.get("UID").map_or("", |p| &p.value)
}

/// The end of an instance that starts at `when` (the instant `start`) and lasts `extent`.
fn span_end(member: Tz, when: When, start: DateTime<Utc>, extent: &Extent) -> DateTime<Utc> {
    match (when, extent) {
        (When::Date(date), Extent::Days(days)) => {
            When::Date(date + Duration::days(*days)).instant(member)
        }
        (_, Extent::Seconds(seconds)) => start + Duration::seconds(*seconds),
        (_, Extent::Days(days)) => start + Duration::days(*days),
        (When::Utc(_), Extent::Nominal { days, seconds }) => {
            start + Duration::days(*days) + Duration::seconds(*seconds)
        }
        (When::Wall(wall, zone), Extent::Nominal { days, seconds }) => {
            zone.instant(wall + Duration::days(*days)) + Duration::seconds(*seconds)
        }
        (When::Floating(wall), Extent::Nominal { days, seconds }) => {
            When::Floating(wall + Duration::days(*days)).instant(member)
                + Duration::seconds(*seconds)
        }
        (When::Date(date), Extent::Nominal { days, seconds }) => {
            When::Date(date + Duration::days(*days)).instant(member) + Duration::seconds(*seconds)
        }
    }
}

/// The length of an instance.
#[derive(Debug, Clone)]
pub(crate) enum Extent {
    /// All-day: whole local days.
    Days(i64),
    /// Exact seconds.
    Seconds(i64),
    /// A DURATION with days or weeks: nominal days (the same wall time `days` later, whatever
    /// DST does), then exact seconds.
    Nominal { days: i64, seconds: i64 },
}

/// Shows a value from the input in a message: as is (quoted) when short, else its start and
/// its length, so a message never repeats a multi-megabyte line.
pub(crate) fn quote(text: &str) -> String {
    const SHOWN: usize = 60;
    if text.len() <= SHOWN + 20 {
        return format!("{text:?}");
    }
    let head: String = text.chars().take(SHOWN).collect();
    format!("{head:?}… ({} bytes)", text.len())
}

/// Shows a name from the input (a component kind) unquoted, cut like [`quote`].
pub(crate) fn elide(text: &str) -> std::borrow::Cow<'_, str> {
    const SHOWN: usize = 60;
    if text.len() <= SHOWN + 20 {
        return std::borrow::Cow::Borrowed(text);
    }
    let head: String = text.chars().take(SHOWN).collect();
    std::borrow::Cow::Owned(format!("{head}… ({} bytes)", text.len()))
}

/// The longest message a warning or error carries.
const MAX_MESSAGE: usize = 400;

/// Cuts a message that still quotes too much input (a safety net behind [`quote`]).
fn clamp(message: String) -> String {
    if message.len() <= MAX_MESSAGE {
        return message;
    }
    let mut cut: String = message.chars().take(MAX_MESSAGE / 2).collect();
    cut.push_str(&format!("… ({} bytes)", message.len()));
    cut
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
    // RFC 5545 §3.3.14: minutes and seconds are 00–59. Real offsets stay within ±18:00 (what
    // ISO 8601 and java.time allow; tzdb's extremes are −12:00 and +14:00).
    let total = hours * 3600 + minutes * 60 + seconds;
    if minutes >= 60 || seconds >= 60 || total > 18 * 3600 {
        return None;
    }
    Some(sign * total)
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
