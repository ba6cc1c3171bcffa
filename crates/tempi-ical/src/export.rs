//! Export: a plan as RFC 5545 feeds that every calendar client expands exactly as tempi did.
//!
//! Each rhythm becomes the smallest faithful set of VEVENT series inside the portable subset of
//! `notes/calendar-clients.md`:
//!
//! 1. **Parts.** A rhythm's occurrences are split into parts by a rule that depends on the rhythm
//!    alone, never on the planned window: every instance of the rhythm's rule (counted from the
//!    rhythm's own start) whose wall time falls in a DST gap or overlap stands alone, and the runs
//!    between such instances are parts. The first run keeps the base UID `<rhythm>@<community>.tempi`;
//!    a later run is `<rhythm>+<its first rule instance, UTC>@…` and a lone instance is
//!    `<rhythm>+<its slot, UTC>@…`. Every occurrence's RECURRENCE-ID is its nominal slot (before any
//!    shift). So an occurrence has one identity ([`Identity`]) in every window.
//! 2. **RRULE form** for a part when the cadence is a rule in that subset. `DTSTART` is the part's
//!    first active slot, `UNTIL` (UTC) its last; cancelled instances and candidates the engine
//!    filtered out (`within`, `after`) become `EXDATE`, and shifted instances, per-occurrence
//!    facilitators, retrospectives and instances whose span contains a DST change become
//!    `RECURRENCE-ID` overrides. Each series is re-expanded with the engine's recipe and the plan's
//!    DST policy, and kept only if it reproduces the plan exactly.
//! 3. **RDATE form** otherwise (moon phases, offsets, rules outside the subset, or a failed check):
//!    `DTSTART` plus `RRULE:FREQ=DAILY;COUNT=1` plus one `RDATE` per further slot, with overrides
//!    where an occurrence differs (ical.js leaves DTSTART out of an RDATE series without an RRULE).
//!
//! A master whose own occurrence is shifted, spans a DST change or ends at an ambiguous time gets
//! an override of its own instance; a lone event that spans a DST change is a one-instance series
//! (`COUNT=1`) with such an override, which ical.js's occurrence API reads right.
//!
//! [`Publication`] renders each rhythm's VEVENTs and each zone's VTIMEZONE once and streams any
//! feed from them, so publishing every member's feed costs little more than the plan.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io;
use std::sync::Arc;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use tempi_core::model::Timing;
use tempi_core::rule::{Frequency, RecurrenceRule};
use tempi_core::{Community, Length, Occurrence, Plan, Rhythm, Status, chrono, chrono_tz};

use crate::Error;
use crate::expand::Rule;
use crate::text::Writer;
use crate::vtimezone::write_vtimezone;

/// The `PRODID` of every feed.
pub const PRODID: &str = "-//tempi//tempi feeds//EN";

/// How often subscribers should re-read a feed (`REFRESH-INTERVAL`, `X-PUBLISHED-TTL`).
pub const REFRESH: &str = "PT12H";

/// How many attendees an occurrence lists by default (see [`ExportOptions::attendee_limit`]).
///
/// Fifty lists every pod and circle in full (tempi's circles go up to 30) and keeps one VEVENT
/// under about 5 KB; larger gatherings (congregations, networks) are announced, not enumerated.
pub const DEFAULT_ATTENDEE_LIMIT: usize = 50;

/// Options for [`Publication`], [`feeds`] and [`feed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    generated_at: DateTime<Utc>,
    alarm: Option<Length>,
    attendee_limit: usize,
}

impl ExportOptions {
    /// Options with `generated_at` as every `DTSTAMP`. The library never reads the clock: pass
    /// `SOURCE_DATE_EPOCH` or a fixed instant for reproducible output (the CLI does).
    pub fn new(generated_at: DateTime<Utc>) -> ExportOptions {
        ExportOptions { generated_at, alarm: None, attendee_limit: DEFAULT_ATTENDEE_LIMIT }
    }

    /// Adds a display alarm this long before each occurrence (default: none).
    #[must_use]
    pub fn alarm(mut self, before: Length) -> ExportOptions {
        self.alarm = Some(before);
        self
    }

    /// Lists an occurrence's attendees (`ATTENDEE`) only when it has at most `limit` of them
    /// (default [`DEFAULT_ATTENDEE_LIMIT`]). Above it, only the role holders (the facilitator as
    /// `CHAIR`, other duties as `REQ-PARTICIPANT`) are listed, and the description names the group
    /// and how many attend. `usize::MAX` lists everyone; `0` lists only role holders.
    #[must_use]
    pub fn attendee_limit(mut self, limit: usize) -> ExportOptions {
        self.attendee_limit = limit;
        self
    }

    /// The `DTSTAMP` of every component.
    pub fn generated_at(&self) -> DateTime<Utc> {
        self.generated_at
    }

    /// The most attendees an occurrence lists (see [`ExportOptions::attendee_limit`]).
    pub fn listed_attendees(&self) -> usize {
        self.attendee_limit
    }
}

/// Whose feed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// Every rhythm of the community.
    Community,
    /// A group's rhythms, plus those of the larger groups it is part of that its members attend.
    Group(String),
    /// Every rhythm a member attends.
    Member(String),
}

/// One exported feed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Feed {
    /// Whose feed it is.
    pub scope: Scope,
    /// The id of the community, group or member (a safe file stem: ids are validated).
    pub id: String,
    /// The calendar's display name (`X-WR-CALNAME`).
    pub name: String,
    /// The iCalendar text, CRLF line ends.
    pub ics: String,
}

/// Where an occurrence lives in every feed that carries it: the same in a plan of any window.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Identity {
    /// The UID of the VEVENT series that carries the occurrence.
    pub uid: String,
    /// Its `RECURRENCE-ID`: the occurrence's nominal slot (where its rhythm puts it, before any
    /// shift), as an instant. An event written on its own has no `RECURRENCE-ID` line; its slot
    /// is then its `DTSTART` (or, when shifted, the `RECURRENCE-ID` of its one override).
    pub recurrence_id: DateTime<Utc>,
}

/// The community's feed, then one per group and one per member, in the community's order.
///
/// # Errors
/// Never today; kept fallible for scopes that name unknown ids (see [`feed`]).
pub fn feeds(
    community: &Community,
    plan: &Plan,
    options: &ExportOptions,
) -> Result<Vec<Feed>, Error> {
    let publication = Publication::new(community, plan, options);
    publication.scopes().into_iter().map(|scope| publication.feed(scope)).collect()
}

/// One feed.
///
/// # Errors
/// [`Error::UnknownId`] when the scope names a group or member the community does not have.
pub fn feed(
    community: &Community,
    plan: &Plan,
    scope: Scope,
    options: &ExportOptions,
) -> Result<Feed, Error> {
    Publication::new(community, plan, options).feed(scope)
}

/// Each occurrence's identity in the feeds (index for index with `plan.occurrences()`), cancelled
/// ones included (they are not written, but keep the identity they would have).
pub fn occurrence_identities(community: &Community, plan: &Plan) -> Vec<Identity> {
    Layout::new(community, plan, &ExportOptions::new(plan.window().start()), false).identities
}

/// The UID of the VEVENT that carries each occurrence of `plan` (index for index); see
/// [`occurrence_identities`].
pub fn occurrence_uids(community: &Community, plan: &Plan) -> Vec<String> {
    occurrence_identities(community, plan).into_iter().map(|identity| identity.uid).collect()
}

/// `<rhythm>@<community>.tempi`: ids cannot contain `@`, so two (community, rhythm) pairs never
/// share a UID, and nothing else (positions, times) goes into it.
fn base_uid(community: &str, rhythm: &str) -> String {
    format!("{rhythm}@{community}.tempi")
}

/// A part of a split series, or an instance on its own: keyed by an instant that is intrinsic to
/// the rhythm (its first rule instance, or the instance itself), never by the window.
fn part_uid(community: &str, rhythm: &str, key: DateTime<Utc>) -> String {
    format!("{rhythm}+{}@{community}.tempi", key.format("%Y%m%dT%H%M%SZ"))
}

/// Everything the feeds of one plan share, rendered once: each rhythm's VEVENTs, each zone's
/// VTIMEZONE, and which rhythms each group and member feed carries. Any feed is then streamed
/// from these pieces ([`Publication::write`]), so publishing 20,000 member feeds costs little
/// more than planning.
#[derive(Debug)]
pub struct Publication<'a> {
    community: &'a Community,
    /// Per rhythm (community order): its VEVENTs.
    blocks: Vec<Box<str>>,
    /// Per rhythm: the zones (indices into `zones`) its VEVENTs name.
    rhythm_zones: Vec<Vec<usize>>,
    /// Every zone named in the plan's feeds, in name order: its VTIMEZONE.
    zones: Vec<Box<str>>,
    /// Per group (community order): the rhythms its feed carries.
    group_rhythms: Vec<Vec<usize>>,
    /// Per member (community order): the rhythms the member attends.
    member_rhythms: Vec<Vec<usize>>,
    group_index: BTreeMap<&'a str, usize>,
    member_index: BTreeMap<&'a str, usize>,
    /// Every component's DTSTAMP (for the break markers, written per feed).
    stamp: String,
    /// The layout, whose series are kept for the rhythms that mix (`mix`) only: a member's feed
    /// renders those again to name the member's own mixer.
    layout: Layout<'a>,
    /// Per rhythm: whether any of its occurrences has mixers.
    mixing: Vec<bool>,
}

impl<'a> Publication<'a> {
    /// Lays out and renders every rhythm's series once.
    pub fn new(
        community: &'a Community,
        plan: &'a Plan,
        options: &ExportOptions,
    ) -> Publication<'a> {
        let layout = Layout::new(community, plan, options, true);
        // Zones: each one's span over the whole plan, so one VTIMEZONE serves every feed.
        let mut spans: BTreeMap<&'static str, (Tz, DateTime<Utc>, DateTime<Utc>)> = BTreeMap::new();
        let mut named: Vec<BTreeSet<&'static str>> = Vec::with_capacity(layout.series.len());
        for list in &layout.series {
            let mut names = BTreeSet::new();
            for series in list {
                for (zone, start, end) in layout.zone_spans(series) {
                    let entry = spans.entry(zone.name()).or_insert((zone, start, end));
                    entry.1 = entry.1.min(start);
                    entry.2 = entry.2.max(end);
                    names.insert(zone.name());
                }
            }
            named.push(names);
        }
        let zone_index: BTreeMap<&'static str, usize> =
            spans.keys().enumerate().map(|(i, name)| (*name, i)).collect();
        let zones = spans
            .values()
            .map(|(zone, start, end)| {
                let mut writer = Writer::new();
                write_vtimezone(&mut writer, *zone, *start, *end);
                // Held for the whole publication: no spare capacity.
                writer.finish().into_boxed_str()
            })
            .collect();
        let rhythm_zones = named
            .iter()
            .map(|names| names.iter().filter_map(|n| zone_index.get(n).copied()).collect())
            .collect();
        let blocks = layout
            .series
            .iter()
            .map(|list| {
                let mut writer = Writer::new();
                for series in list {
                    layout.write_series(&mut writer, series, None);
                }
                // Held for the whole publication: no spare capacity.
                writer.finish().into_boxed_str()
            })
            .collect();
        let member_index: BTreeMap<&str, usize> =
            community.members().iter().enumerate().map(|(i, m)| (m.id(), i)).collect();
        let group_index: BTreeMap<&str, usize> =
            community.groups().iter().enumerate().map(|(i, g)| (g.id(), i)).collect();
        let attendees: Vec<Vec<&str>> =
            community.rhythms().iter().map(|r| community.attendees_of(r.id())).collect();
        let mut member_rhythms: Vec<Vec<usize>> = vec![Vec::new(); community.members().len()];
        for (r, list) in attendees.iter().enumerate() {
            for id in list {
                if let Some(rhythms) = member_index.get(id).and_then(|m| member_rhythms.get_mut(*m))
                    && rhythms.last() != Some(&r)
                {
                    rhythms.push(r);
                }
            }
        }
        let group_rhythms = group_rhythms(community, &group_index, &member_index, &attendees);
        let mut layout = layout;
        let mixing: Vec<bool> = layout
            .series
            .iter()
            .map(|list| {
                list.iter()
                    .flat_map(|series| &series.carried)
                    .any(|i| plan.occurrences().get(*i).is_some_and(|o| !o.mixers.is_empty()))
            })
            .collect();
        for (list, mixes) in layout.series.iter_mut().zip(&mixing) {
            if !mixes {
                *list = Vec::new();
            }
        }
        Publication {
            community,
            blocks,
            rhythm_zones,
            zones,
            group_rhythms,
            member_rhythms,
            group_index,
            member_index,
            stamp: options.generated_at.format("%Y%m%dT%H%M%SZ").to_string(),
            layout,
            mixing,
        }
    }

    /// Rhythm `r`'s VEVENTs in the feed of `viewer` (a member, or `None`): rendered once for all
    /// feeds, except that a member's feed renders a rhythm that mixes again, for their mixer.
    fn block(&self, r: usize, viewer: Option<&str>) -> Option<Cow<'_, str>> {
        if let Some(member) = viewer
            && self.mixing.get(r) == Some(&true)
        {
            let mut writer = Writer::new();
            for series in self.layout.series.get(r)? {
                self.layout.write_series(&mut writer, series, Some(member));
            }
            return Some(writer.finish().into());
        }
        self.blocks.get(r).map(|b| Cow::Borrowed(&**b))
    }

    /// Every feed's scope in publishing order: the community, each group, each member.
    pub fn scopes(&self) -> Vec<Scope> {
        let community = self.community;
        let mut scopes =
            Vec::with_capacity(1 + community.groups().len() + community.members().len());
        scopes.push(Scope::Community);
        scopes.extend(community.groups().iter().map(|g| Scope::Group(g.id().to_string())));
        scopes.extend(community.members().iter().map(|m| Scope::Member(m.id().to_string())));
        scopes
    }

    /// Writes one feed's bytes (identical to `feed(..).ics`).
    ///
    /// # Errors
    /// An unknown scope is an [`io::Error`] of kind [`io::ErrorKind::InvalidInput`] wrapping
    /// [`Error::UnknownId`]; otherwise whatever `out` returns.
    pub fn write(&self, scope: &Scope, out: &mut dyn io::Write) -> io::Result<()> {
        let pieces =
            self.pieces(scope).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
        for piece in &pieces.text {
            out.write_all(piece.as_bytes())?;
        }
        Ok(())
    }

    /// One feed, in memory.
    ///
    /// # Errors
    /// [`Error::UnknownId`] when the scope names a group or member the community does not have.
    pub fn feed(&self, scope: Scope) -> Result<Feed, Error> {
        let pieces = self.pieces(&scope)?;
        let mut ics = String::with_capacity(pieces.text.iter().map(|p| p.len()).sum());
        for piece in &pieces.text {
            ics.push_str(piece);
        }
        Ok(Feed { scope, id: pieces.id, name: pieces.name, ics })
    }

    /// The rhythms a scope's feed carries, ascending.
    fn rhythms(&self, scope: &Scope) -> Result<Vec<usize>, Error> {
        match scope {
            Scope::Community => Ok((0..self.blocks.len()).collect()),
            Scope::Group(id) => by_id(&self.group_index, &self.group_rhythms, "group", id),
            Scope::Member(id) => by_id(&self.member_index, &self.member_rhythms, "member", id),
        }
    }

    fn pieces(&self, scope: &Scope) -> Result<Pieces<'_>, Error> {
        let community = self.community;
        let rhythms = self.rhythms(scope)?;
        let (id, name) = match scope {
            Scope::Community => (community.id().to_string(), community.name().to_string()),
            Scope::Group(id) => {
                let group =
                    self.group_index.get(id.as_str()).and_then(|g| community.groups().get(*g));
                let group_name = group.map_or(id.as_str(), |g| g.name());
                (id.clone(), format!("{} · {group_name}", community.name()))
            }
            Scope::Member(id) => {
                let member = community.member(id);
                let member_name = member.map_or(id.as_str(), |m| m.name());
                (id.clone(), format!("{} · {member_name}", community.name()))
            }
        };
        let mut header = Writer::new();
        header.raw("BEGIN", "VCALENDAR");
        header.text("PRODID", PRODID);
        header.raw("VERSION", "2.0");
        header.raw("CALSCALE", "GREGORIAN");
        header.raw("METHOD", "PUBLISH");
        header.text("X-WR-CALNAME", &name);
        // No X-WR-TIMEZONE: every time carries a TZID, and readers that follow Google's handling
        // of it move times in UTC into that zone (notes/calendar-clients.md, class 27).
        header.line("REFRESH-INTERVAL", &[("VALUE", "DURATION")], REFRESH);
        header.raw("X-PUBLISHED-TTL", REFRESH);
        let zones: BTreeSet<usize> =
            rhythms.iter().filter_map(|r| self.rhythm_zones.get(*r)).flatten().copied().collect();
        let mut text: Vec<Cow<'_, str>> = Vec::with_capacity(zones.len() + rhythms.len() + 2);
        text.push(header.finish().into());
        text.extend(zones.iter().filter_map(|z| self.zones.get(*z)).map(|z| Cow::Borrowed(&**z)));
        let viewer = match scope {
            Scope::Member(id) => Some(id.as_str()),
            Scope::Community | Scope::Group(_) => None,
        };
        text.extend(rhythms.iter().filter_map(|r| self.block(*r, viewer)));
        let markers = markers::write(community, scope, &self.stamp);
        if !markers.is_empty() {
            text.push(markers.into());
        }
        text.push("END:VCALENDAR\r\n".into());
        Ok(Pieces { id, name, text })
    }
}

/// A feed as the pieces it is made of.
struct Pieces<'p> {
    id: String,
    name: String,
    text: Vec<Cow<'p, str>>,
}

/// Per group: its own rhythms, plus those of the groups it is part of (`part_of`, transitively)
/// that a member of its roster (its members and its subgroups', transitively) attends.
fn group_rhythms(
    community: &Community,
    group_index: &BTreeMap<&str, usize>,
    member_index: &BTreeMap<&str, usize>,
    attendees: &[Vec<&str>],
) -> Vec<Vec<usize>> {
    let groups = community.groups();
    // Per group: its index, then its ancestors' indices, nearest first.
    let chains: Vec<Vec<usize>> = groups
        .iter()
        .enumerate()
        .map(|(g, group)| {
            let ancestors = community.ancestors(group.id()).into_iter().flatten();
            std::iter::once(g)
                .chain(ancestors.filter_map(|a| group_index.get(a.id()).copied()))
                .collect()
        })
        .collect();
    // The groups each member is a direct member of.
    let mut direct: Vec<Vec<usize>> = vec![Vec::new(); community.members().len()];
    for (g, group) in groups.iter().enumerate() {
        for id in group.direct_members() {
            if let Some(list) = member_index.get(id.as_str()).and_then(|m| direct.get_mut(*m)) {
                list.push(g);
            }
        }
    }
    let mut out: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); groups.len()];
    for (r, rhythm) in community.rhythms().iter().enumerate() {
        let Some(&home) = group_index.get(rhythm.group()) else { continue };
        if let Some(set) = out.get_mut(home) {
            set.insert(r);
        }
        for id in attendees.get(r).map(Vec::as_slice).unwrap_or_default() {
            let Some(starts) = member_index.get(id).and_then(|m| direct.get(*m)) else { continue };
            for &start in starts {
                // Every group from the member's own up to (not including) `home` has this
                // attendee in its roster and `home` among its ancestors.
                let chain = chains.get(start).map(Vec::as_slice).unwrap_or_default();
                let Some(below) = chain.iter().position(|g| *g == home) else { continue };
                for g in chain.iter().take(below) {
                    if let Some(set) = out.get_mut(*g) {
                        set.insert(r);
                    }
                }
            }
        }
    }
    out.into_iter().map(|set| set.into_iter().collect()).collect()
}

/// Which part of its rhythm an occurrence belongs to (module docs, point 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    /// The run from the rhythm's start: the base UID.
    Base,
    /// A later run, keyed by its first rule instance.
    After(DateTime<Utc>),
    /// An instance at an ambiguous wall time, on its own, keyed by its slot.
    Alone(DateTime<Utc>),
}

#[derive(Debug, Clone)]
enum Form {
    /// RRULE with this body (no COUNT/UNTIL) until this instant.
    Rule { body: String, until: DateTime<Utc> },
    /// DTSTART, `RRULE:FREQ=DAILY;COUNT=1` and RDATEs at these occurrences' slots.
    Dates(Vec<usize>),
    /// One event (a one-instance series when it needs an override of itself).
    Single,
}

#[derive(Debug, Clone)]
struct Series {
    uid: String,
    /// The rhythm's zone.
    zone: Tz,
    /// The zone of DTSTART, RDATE, EXDATE and RECURRENCE-ID: the rhythm's, or [`UTC_ZONE`] for
    /// an event on its own at an ambiguous wall time.
    base_zone: Tz,
    form: Form,
    /// The occurrence at DTSTART.
    master: usize,
    /// EXDATE wall times.
    exdates: Vec<NaiveDateTime>,
    /// Occurrences written as overrides (RECURRENCE-ID = their slot); may include the master.
    overrides: Vec<usize>,
    /// Every occurrence this series carries, active or not.
    carried: Vec<usize>,
    /// Written as dates (`VALUE=DATE`): an all-day rhythm.
    all_day: bool,
}

/// A plan laid out as series, with every occurrence's identity.
#[derive(Debug)]
struct Layout<'a> {
    community: &'a Community,
    plan: &'a Plan,
    options: ExportOptions,
    stamp: String,
    /// Per rhythm (community order): its series.
    series: Vec<Vec<Series>>,
    /// Per occurrence: its identity.
    identities: Vec<Identity>,
    /// Group id → name.
    group_names: BTreeMap<&'a str, &'a str>,
}

fn slot(o: &Occurrence) -> DateTime<Tz> {
    match &o.status {
        Status::Shifted { from, .. } => *from,
        _ => o.start,
    }
}

fn utc(t: DateTime<Tz>) -> DateTime<Utc> {
    t.with_timezone(&Utc)
}

/// Whether a wall time names exactly one instant in `zone` (not in a gap or an overlap).
fn unambiguous(zone: Tz, wall: NaiveDateTime) -> bool {
    matches!(zone.from_local_datetime(&wall), LocalResult::Single(_))
}

/// Whether `[start, end]` contains a change of `zone`'s offset.
fn crosses_span(zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let offset = |t: DateTime<Utc>| zone.offset_from_utc_datetime(&t.naive_utc()).fix();
    let first = offset(start);
    let mut t = start;
    loop {
        if offset(t) != first {
            return true;
        }
        if t >= end {
            return false;
        }
        t = (t + Duration::hours(6)).min(end);
    }
}

/// Whether an occurrence's span contains a change of offset of its zone.
fn crosses(o: &Occurrence) -> bool {
    crosses_span(o.start.timezone(), utc(o.start), utc(o.end))
}

/// The wall-clock ranges `[from, to)` that lie in a gap or an overlap of `zone` between two
/// instants (sampled every 6 hours, each change bisected to the second).
fn ambiguous_walls(
    zone: Tz,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    let offset =
        |t: DateTime<Utc>| zone.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc();
    let mut out = Vec::new();
    let mut t = from;
    while t < to {
        let next = t + Duration::hours(6);
        let (before, after) = (offset(t), offset(next));
        if before != after {
            // Bisect to the second: the first second with the new offset.
            let (mut low, mut high) = (t.timestamp(), next.timestamp());
            while high - low > 1 {
                let mid = low + (high - low) / 2;
                let probe = DateTime::<Utc>::from_timestamp(mid, 0).unwrap_or(t);
                if offset(probe) == before {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            let high = DateTime::<Utc>::from_timestamp(high, 0).unwrap_or(next);
            let at = high.naive_utc();
            let (small, large) = (before.min(after), before.max(after));
            out.push((
                at + Duration::seconds(i64::from(small)),
                at + Duration::seconds(i64::from(large)),
            ));
        }
        t = next;
    }
    out
}

/// Whether the rule stays inside the subset every client expands alike.
fn portable(rule: &RecurrenceRule, dtstart: NaiveDateTime) -> bool {
    use chrono::{Datelike, Weekday};
    let freq = rule.freq();
    if !matches!(
        freq,
        Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly
    ) {
        return false;
    }
    if !rule.by_hour().is_empty()
        || !rule.by_minute().is_empty()
        || !rule.by_second().is_empty()
        || !rule.by_week_no().is_empty()
    {
        return false;
    }
    if rule.week_start().is_some_and(|w| w != Weekday::Mon && w != Weekday::Sun) {
        return false;
    }
    let by_month = rule.by_month();
    let ordinal_by_day = rule.by_day().iter().any(|d| d.nth.is_some());
    if freq == Frequency::Yearly && ordinal_by_day && by_month.is_empty() {
        return false;
    }
    if freq == Frequency::Monthly && !by_month.is_empty() {
        return false;
    }
    if matches!(freq, Frequency::Daily | Frequency::Yearly)
        && rule.by_month_day().iter().any(|d| *d < 0)
    {
        return false;
    }
    if freq == Frequency::Yearly {
        let feb = by_month.is_empty() || by_month.contains(&2);
        let day29 = if rule.by_month_day().is_empty() {
            dtstart.month() == 2 && dtstart.day() == 29 && rule.by_day().is_empty()
        } else {
            rule.by_month_day().contains(&29)
        };
        if feb && day29 {
            return false;
        }
    }
    true
}

/// Whether libical 3.0 would shift instances of a MONTHLY or YEARLY rule (class 29 in
/// docs/feeds.md): its iterator walks the days of each month at DTSTART's time of day, and when
/// that wall time falls in a gap (spring forward) on one of them, it carries the normalized,
/// hour-later time on to later instances. The rule's time of day must then lie in no gap of the
/// zone within a year either side of the series (the iterator may visit days past UNTIL).
fn libical_gap_shift(
    rule: &RecurrenceRule,
    zone: Tz,
    first: DateTime<Tz>,
    last: DateTime<Tz>,
) -> bool {
    if !matches!(rule.freq(), Frequency::Monthly | Frequency::Yearly) {
        return false;
    }
    let time = first.naive_local().time();
    let margin = Duration::days(366);
    let (from, to) = ((utc(first) - margin).naive_utc(), (utc(last) + margin).naive_utc());
    // The zone's transitions (probed every 3 days, not every 6 hours): this runs for every
    // MONTHLY and YEARLY part.
    crate::vtimezone::transitions(zone, from, to).iter().any(|t| {
        let (small, large) = (t.from.min(t.to), t.from.max(t.to));
        let (low, high) = (
            t.at + Duration::seconds(i64::from(small)),
            t.at + Duration::seconds(i64::from(large)),
        );
        [low.date(), high.date()].iter().any(|day| {
            let on_day = day.and_time(time);
            low <= on_day && on_day < high
        })
    })
}

/// Whether libical 3.0 reads another length for the plain instances of a series whose master is
/// `master` (class 30 in docs/feeds.md). When the master's span crosses an offset change, the
/// master is written with `DURATION` (see [`Layout::write_series`]); libical adds a DURATION to
/// DTSTART in wall-clock time and gives every instance the exact length from DTSTART to that
/// wall time, one offset change shorter or longer. Every instance is then an override.
fn libical_misreads_length(base: Tz, master: &Occurrence) -> bool {
    if base == UTC_ZONE {
        return false;
    }
    let start = slot(master).with_timezone(&base);
    let length = master.end - master.start;
    let end = start + length;
    if !crosses_span(base, utc(start), utc(end)) && unambiguous(base, end.naive_local()) {
        return false;
    }
    let wall_end = tempi_core::time::resolve_local(base, start.naive_local() + length);
    wall_end.with_timezone(&Utc) - utc(start) != length
}

/// The zone for times that are ambiguous in their own zone.
/// `Etc/GMT` rather than `Etc/UTC`: readers that emulate Google's X-WR-TIMEZONE handling
/// (Python's `x-wr-timezone`, used by recurring-ical-events 3.8) move every time whose zone is
/// *named* "UTC" into the calendar's zone as a wall time and lose the fold doing so.
const UTC_ZONE: Tz = chrono_tz::Etc::GMT;

/// Whether [`Layout::write_times`] falls back to [`UTC_ZONE`] for this occurrence.
fn needs_utc(zone: Tz, o: &Occurrence) -> bool {
    !unambiguous(zone, o.start.with_timezone(&zone).naive_local())
        || !unambiguous(zone, o.end.with_timezone(&zone).naive_local())
}

/// The most occurrences one re-expansion may produce.
const CHECK_BUDGET: usize = 200_000;

/// `YYYYMMDDTHHMMSS`.
fn wall(t: NaiveDateTime) -> String {
    t.format("%Y%m%dT%H%M%S").to_string()
}

/// A DURATION value for an exact length.
fn duration(seconds: i64) -> String {
    if seconds % 60 == 0 { format!("PT{}M", seconds / 60) } else { format!("PT{seconds}S") }
}

impl<'a> Layout<'a> {
    /// Lays out every rhythm; with `with_series` false, only the identities (what
    /// [`occurrence_identities`] needs) are computed.
    fn new(
        community: &'a Community,
        plan: &'a Plan,
        options: &ExportOptions,
        with_series: bool,
    ) -> Layout<'a> {
        let occurrences = plan.occurrences();
        let mut by_rhythm: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, o) in occurrences.iter().enumerate() {
            by_rhythm.entry(&o.rhythm).or_default().push(index);
        }
        // Identities are for `occurrence_identities`; a publication does not need them.
        let mut identities: Vec<Identity> = occurrences
            .iter()
            .filter(|_| !with_series)
            .map(|o| Identity {
                uid: base_uid(community.id(), &o.rhythm),
                recurrence_id: utc(slot(o)),
            })
            .collect();
        let mut ambiguity: BTreeMap<&'static str, Vec<(NaiveDateTime, NaiveDateTime)>> =
            BTreeMap::new();
        let mut layout = Layout {
            community,
            plan,
            options: *options,
            stamp: options.generated_at.format("%Y%m%dT%H%M%SZ").to_string(),
            series: Vec::with_capacity(community.rhythms().len()),
            identities: Vec::new(),
            group_names: community.groups().iter().map(|g| (g.id(), g.name())).collect(),
        };
        for rhythm in community.rhythms() {
            let mut indices = by_rhythm.remove(rhythm.id()).unwrap_or_default();
            indices.sort_by_key(|i| occurrences.get(*i).map(slot));
            let parts = layout.parts(rhythm, &indices, &mut ambiguity);
            let mut grouped: BTreeMap<Part, Vec<usize>> = BTreeMap::new();
            for (index, part) in indices.iter().zip(&parts) {
                grouped.entry(*part).or_default().push(*index);
            }
            let mut list = Vec::new();
            for (part, members) in grouped {
                let uid = match part {
                    Part::Base => base_uid(community.id(), rhythm.id()),
                    Part::After(key) | Part::Alone(key) => {
                        part_uid(community.id(), rhythm.id(), key)
                    }
                };
                for index in &members {
                    if let Some(identity) = identities.get_mut(*index) {
                        identity.uid.clone_from(&uid);
                    }
                }
                if !with_series {
                    continue;
                }
                if let Some(series) = layout.part_series(rhythm, part, &members, uid) {
                    list.push(series);
                }
            }
            list.sort_by_key(|s| occurrences.get(s.master).map(slot));
            layout.series.push(list);
        }
        layout.identities = identities;
        layout
    }

    fn content(&self, o: &Occurrence, viewer: Option<&str>) -> Content {
        content(self.community, &self.group_names, o, &self.options, viewer)
    }

    fn occurrence(&self, index: usize) -> Option<&'a Occurrence> {
        self.plan.occurrences().get(index)
    }

    /// Each occurrence's part (`indices` sorted by slot), from the rhythm alone.
    fn parts(
        &self,
        rhythm: &Rhythm,
        indices: &[usize],
        ambiguity: &mut BTreeMap<&'static str, Vec<(NaiveDateTime, NaiveDateTime)>>,
    ) -> Vec<Part> {
        if rhythm.is_all_day() {
            // Dates have no wall time to fall in a DST gap or overlap: one series.
            return vec![Part::Base; indices.len()];
        }
        let zone = self.community.rhythm_zone(rhythm);
        let slots: Vec<DateTime<Tz>> =
            indices.iter().filter_map(|i| self.occurrence(*i)).map(slot).collect();
        let marks = match slots.last() {
            Some(last) => self.split_marks(rhythm, zone, last.naive_local(), ambiguity),
            None => Vec::new(),
        };
        slots
            .iter()
            .map(|s| {
                let at = utc(*s);
                if !unambiguous(zone, s.naive_local()) {
                    return Part::Alone(at);
                }
                let upto = marks.partition_point(|(instant, _)| *instant <= at);
                match upto.checked_sub(1).and_then(|i| marks.get(i)) {
                    None => Part::Base,
                    Some((_, Part::Alone(key))) if *key == at => Part::Alone(at),
                    Some((_, Part::Alone(_))) => match marks.get(upto) {
                        Some((_, Part::After(key))) => Part::After(*key),
                        _ => Part::Alone(at),
                    },
                    Some((_, part)) => *part,
                }
            })
            .collect()
    }

    /// The rule instances of a rhythm at ambiguous wall times, counted from the rhythm's own
    /// start through `horizon`, each with the part that begins there: `Alone` at the instance,
    /// `After` at the next unambiguous instance. Empty when the timing is not a rule.
    fn split_marks(
        &self,
        rhythm: &Rhythm,
        zone: Tz,
        horizon: NaiveDateTime,
        ambiguity: &mut BTreeMap<&'static str, Vec<(NaiveDateTime, NaiveDateTime)>>,
    ) -> Vec<(DateTime<Utc>, Part)> {
        let mut marks = Vec::new();
        let Timing::Cadence(cadence) = rhythm.timing() else { return marks };
        let Some(rule) = cadence.as_rule().map(Rule::from_rule) else { return marks };
        let anchor =
            rhythm.start_date().unwrap_or_else(|| self.community.start()).and_time(rhythm.at());
        if horizon < anchor {
            return marks;
        }
        // Most rules start every instance at the rhythm's time of day: then only a zone change
        // at that time of day can make one ambiguous, and most rhythms need no expansion here.
        let possible = !rule.rule().keeps_time_of_day() || {
            let walls = ambiguity.entry(zone.name()).or_insert_with(|| {
                // One scan per zone, wide enough for every rhythm of the plan.
                let earliest = self
                    .community
                    .rhythms()
                    .iter()
                    .filter_map(|r| r.start_date())
                    .chain([self.community.start()])
                    .min()
                    .unwrap_or_else(|| self.community.start());
                let start = Utc.from_utc_datetime(&earliest.and_time(chrono::NaiveTime::MIN))
                    - Duration::days(2);
                ambiguous_walls(zone, start, self.plan.window().end() + Duration::days(60))
            });
            walls.iter().any(|(low, high)| {
                [low.date(), high.date()].iter().any(|d| {
                    let candidate = d.and_time(rhythm.at());
                    *low <= candidate && candidate < *high && candidate >= anchor
                })
            })
        };
        if !possible {
            return marks;
        }
        let Ok(walls) = rule.starts(Some(zone), anchor, horizon, CHECK_BUDGET) else {
            return marks;
        };
        let mut after_split = false;
        for wall in walls {
            let instant = utc(tempi_core::time::resolve_local(zone, wall));
            if !unambiguous(zone, wall) {
                marks.push((instant, Part::Alone(instant)));
                after_split = true;
            } else if after_split {
                marks.push((instant, Part::After(instant)));
                after_split = false;
            }
        }
        marks
    }

    /// The series of one part (`members` sorted by slot), or `None` when nothing in it goes ahead.
    fn part_series(
        &self,
        rhythm: &Rhythm,
        part: Part,
        members: &[usize],
        uid: String,
    ) -> Option<Series> {
        if rhythm.is_all_day() {
            return self.all_day_series(rhythm, members, uid);
        }
        let zone = self.community.rhythm_zone(rhythm);
        let (active, master, master_occurrence) = self.active_members(members)?;
        let base_zone =
            if unambiguous(zone, slot(master_occurrence).naive_local()) { zone } else { UTC_ZONE };
        let mut series = Series {
            uid,
            zone,
            base_zone,
            form: Form::Single,
            master,
            exdates: Vec::new(),
            overrides: Vec::new(),
            carried: members.to_vec(),
            all_day: false,
        };
        if self.self_override(&series, master_occurrence) {
            series.overrides.push(master);
        }
        if active.len() == 1 || matches!(part, Part::Alone(_)) {
            series.carried = vec![master];
            return Some(series);
        }
        if let Some(rule_series) = self.rule_series(rhythm, &series, members, &active) {
            return Some(rule_series);
        }
        self.dates_series(series, master_occurrence, &active)
    }

    /// Matches a rule's candidate starts (`walls`, from the master's slot to the last active
    /// one's) against the part's members, each keyed alike: `member_key` for an occurrence,
    /// `wall_key` for a candidate (`None` gives the rule up). A candidate with an active member is
    /// expected (and an override when its content differs from the master's); one with a
    /// cancelled member, or with none (the engine filtered it: `within`, `after`), is an EXDATE.
    /// Returns the series so far and the expected candidates; `None` when a member in the span is
    /// no candidate, or the EXDATEs would outnumber the instances.
    fn match_candidates<K: Ord>(
        &self,
        template: &Series,
        members: &[usize],
        active: &[usize],
        walls: &[NaiveDateTime],
        member_key: impl Fn(&Occurrence) -> K,
        wall_key: impl Fn(NaiveDateTime) -> Option<K>,
    ) -> Option<(Series, Vec<NaiveDateTime>)> {
        let occurrences = self.plan.occurrences();
        let master = occurrences.get(template.master)?;
        let first = member_key(master);
        let last = member_key(occurrences.get(*active.last()?)?);
        let mut by_key: BTreeMap<K, usize> = BTreeMap::new();
        for index in members {
            let key = member_key(occurrences.get(*index)?);
            if key >= first && key <= last {
                by_key.insert(key, *index);
            }
        }
        let mut series = template.clone();
        let mut matched = 0;
        let mut expected = Vec::new();
        for wall in walls {
            let key = wall_key(*wall)?;
            match by_key.get(&key).and_then(|i| Some((*i, occurrences.get(*i)?))) {
                Some((index, o)) => {
                    matched += 1;
                    if !o.is_active() {
                        series.exdates.push(*wall);
                        continue;
                    }
                    expected.push(*wall);
                    if index != template.master && self.differs(&series, master, o) {
                        series.overrides.push(index);
                    }
                }
                None => series.exdates.push(*wall),
            }
        }
        if matched != by_key.len() || series.exdates.len() > active.len() {
            return None;
        }
        Some((series, expected))
    }

    /// The members of a part that go ahead, the first of them (the master) and its occurrence;
    /// `None` when none goes ahead.
    fn active_members(&self, members: &[usize]) -> Option<(Vec<usize>, usize, &'a Occurrence)> {
        let occurrences = self.plan.occurrences();
        let active: Vec<usize> = members
            .iter()
            .copied()
            .filter(|i| occurrences.get(*i).is_some_and(Occurrence::is_active))
            .collect();
        let master = *active.first()?;
        let master_occurrence = occurrences.get(master)?;
        Some((active, master, master_occurrence))
    }

    /// The RDATE form, timed or all-day: DTSTART at the master's slot, an RDATE at every other
    /// active slot, an override for each one whose content differs from the master's.
    fn dates_series(
        &self,
        mut series: Series,
        master: &Occurrence,
        active: &[usize],
    ) -> Option<Series> {
        let occurrences = self.plan.occurrences();
        for index in active.iter().skip(1) {
            let o = occurrences.get(*index)?;
            if self.differs(&series, master, o) {
                series.overrides.push(*index);
            }
        }
        series.form = Form::Dates(active.iter().skip(1).copied().collect());
        Some(series)
    }

    /// Whether the master's own instance needs an override: it was shifted, or its span contains
    /// a DST change or ends at an ambiguous time (written in its own zone, clients would derive
    /// its end differently).
    fn self_override(&self, series: &Series, o: &Occurrence) -> bool {
        matches!(o.status, Status::Shifted { .. })
            || (series.base_zone != UTC_ZONE && (crosses(o) || needs_utc(series.zone, o)))
    }

    /// Whether an occurrence needs an override against the series' master.
    ///
    /// Decided from what the content is made of (roles, cycle, group, attendees as listed), not
    /// by rendering it: the plan's occurrences number in the hundreds of thousands.
    fn differs(&self, series: &Series, master: &Occurrence, o: &Occurrence) -> bool {
        let limit = self.options.attendee_limit;
        let listed = |x: &Occurrence| x.attendees.len() <= limit;
        let attendees_differ = if listed(o) || listed(master) {
            o.attendees != master.attendees
        } else {
            // Only the count is written.
            o.attendees.len() != master.attendees.len()
        };
        let times_differ = if series.all_day {
            // Dates: only the number of days counts (DST makes a day 23 or 25 hours long).
            o.days().map(|(_, n)| n) != master.days().map(|(_, n)| n)
        } else {
            (o.end - o.start) != (master.end - master.start)
                || libical_misreads_length(series.base_zone, master)
                || crosses(o)
                || needs_utc(series.zone, o)
        };
        matches!(o.status, Status::Shifted { .. })
            || times_differ
            || o.roles != master.roles
            || o.cycle != master.cycle
            || o.group != master.group
            || attendees_differ
            || o.mixers != master.mixers
    }

    /// The RRULE form of a part, or `None` when the rhythm's timing is not a portable rule or
    /// the series does not re-expand to exactly the plan.
    fn rule_series(
        &self,
        rhythm: &Rhythm,
        template: &Series,
        members: &[usize],
        active: &[usize],
    ) -> Option<Series> {
        let (recurrence, rule) = series_rule(rhythm)?;
        if template.all_day {
            return self.all_day_rule_series(recurrence, &rule, template, members, active);
        }
        let zone = template.zone;
        let occurrences = self.plan.occurrences();
        let master = occurrences.get(template.master)?;
        let first = slot(master);
        let last = slot(occurrences.get(*active.last()?)?);
        if template.base_zone != zone
            || !portable(recurrence, first.naive_local())
            || libical_gap_shift(recurrence, zone, first, last)
        {
            return None;
        }
        let walls =
            rule.starts(Some(zone), first.naive_local(), last.naive_local(), CHECK_BUDGET).ok()?;
        let (mut series, expected) = self.match_candidates(
            template,
            members,
            active,
            &walls,
            |o| utc(slot(o)),
            // Not a run between ambiguous instances: not this part.
            |wall| {
                unambiguous(zone, wall).then(|| utc(tempi_core::time::resolve_local(zone, wall)))
            },
        )?;
        // The proof: the series as written (DTSTART, RRULE, UNTIL, EXDATE) re-expands to exactly
        // the slots of the active occurrences.
        let until = utc(tempi_core::time::resolve_local(zone, last.naive_local()));
        let until_wall = until.with_timezone(&zone).naive_local();
        let exdates: BTreeSet<NaiveDateTime> = series.exdates.iter().copied().collect();
        let check: Vec<NaiveDateTime> = rule
            .starts(Some(zone), first.naive_local(), until_wall, CHECK_BUDGET)
            .ok()?
            .into_iter()
            .filter(|w| !exdates.contains(w))
            .collect();
        let slots: Vec<NaiveDateTime> = active
            .iter()
            .filter_map(|i| occurrences.get(*i))
            .map(|o| slot(o).naive_local())
            .collect();
        if check != expected || check != slots {
            return None;
        }
        series.form = Form::Rule { body: rule.body.clone(), until };
        Some(series)
    }

    /// The zones a series names, each with the span it must cover.
    fn zone_spans(&self, series: &Series) -> Vec<(Tz, DateTime<Utc>, DateTime<Utc>)> {
        let mut out = Vec::new();
        if series.all_day {
            // Dates name no zone: no VTIMEZONE.
            return out;
        }
        for index in &series.carried {
            let Some(o) = self.occurrence(*index) else { continue };
            let (start, end) = (utc(o.start).min(utc(slot(o))), utc(o.end).max(utc(slot(o))));
            out.push((series.zone, start, end));
            if series.base_zone != series.zone || needs_utc(series.zone, o) {
                out.push((UTC_ZONE, start, end));
            }
        }
        out
    }

    /// Writes a series' VEVENTs; `viewer` is the member whose own feed they are for (`None` for
    /// the community's and the groups' feeds).
    fn write_series(&self, writer: &mut Writer, series: &Series, viewer: Option<&str>) {
        if series.all_day {
            self.write_all_day_series(writer, series, viewer);
            return;
        }
        let Some(master) = self.occurrence(series.master) else { return };
        let base = series.base_zone;
        let base_name = base.name();
        let at_base = |t: DateTime<Tz>| wall(t.with_timezone(&base).naive_local());
        // The master: DTSTART at its slot; its end sets the length of every plain instance.
        let start = slot(master);
        let length = master.end - master.start;
        let end = start + length;
        writer.raw("BEGIN", "VEVENT");
        writer.raw("UID", &series.uid);
        writer.raw("DTSTAMP", &self.stamp);
        writer.line("DTSTART", &[("TZID", base_name)], &at_base(start));
        let plain_end = base == UTC_ZONE
            || (!crosses_span(base, utc(start), utc(end))
                && unambiguous(base, end.with_timezone(&base).naive_local()));
        if plain_end {
            writer.line("DTEND", &[("TZID", base_name)], &at_base(end));
        } else {
            // Written in wall time, DTEND would give other instances another exact length in
            // libical than in python or ical.js (class 4); the master's own instance is an override.
            writer.raw("DURATION", &duration(length.num_seconds()));
        }
        let values = Values {
            params: &[("TZID", base_name)],
            until: "%Y%m%dT%H%M%SZ",
            slot: &|t| at_base(t),
            exdate: &|t| wall(t),
        };
        self.write_tail(writer, (series, viewer), master, &values, &|writer, o| {
            self.write_times(writer, series.zone, o);
        });
    }

    /// The rest of a series, timed or all-day, after the master's DTSTART and DTEND: its RRULE
    /// or RDATEs, EXDATEs and body, then one VEVENT per override (`times` writes its start and
    /// end).
    fn write_tail(
        &self,
        writer: &mut Writer,
        (series, viewer): (&Series, Option<&str>),
        master: &Occurrence,
        values: &Values<'_>,
        times: &dyn Fn(&mut Writer, &Occurrence),
    ) {
        let self_override = series.overrides.contains(&series.master);
        match &series.form {
            Form::Rule { body, until } => {
                writer.raw("RRULE", &format!("{body};UNTIL={}", until.format(values.until)));
            }
            Form::Dates(list) => {
                // ical.js leaves DTSTART out of a series with RDATE and no RRULE (class 25).
                writer.raw("RRULE", "FREQ=DAILY;COUNT=1");
                for index in list {
                    if let Some(o) = self.occurrence(*index) {
                        writer.line("RDATE", values.params, &(values.slot)(slot(o)));
                    }
                }
            }
            Form::Single if self_override => writer.raw("RRULE", "FREQ=DAILY;COUNT=1"),
            Form::Single => {}
        }
        for exdate in &series.exdates {
            writer.line("EXDATE", values.params, &(values.exdate)(*exdate));
        }
        self.write_body(writer, master, viewer);
        writer.raw("END", "VEVENT");
        for index in &series.overrides {
            let Some(o) = self.occurrence(*index) else { continue };
            writer.raw("BEGIN", "VEVENT");
            writer.raw("UID", &series.uid);
            writer.raw("DTSTAMP", &self.stamp);
            writer.line("RECURRENCE-ID", values.params, &(values.slot)(slot(o)));
            times(writer, o);
            self.write_body(writer, o, viewer);
            writer.raw("END", "VEVENT");
        }
    }

    /// DTSTART/DTEND with TZID, or in Etc/GMT when a wall time is ambiguous.
    fn write_times(&self, writer: &mut Writer, zone: Tz, o: &Occurrence) {
        let written = if needs_utc(zone, o) { UTC_ZONE } else { zone };
        // Not `…Z`: readers that emulate Google's X-WR-TIMEZONE handling move UTC values into a
        // calendar zone as wall times, which brings the ambiguity back. Etc/GMT has no DST.
        let format = |t: DateTime<Tz>| wall(t.with_timezone(&written).naive_local());
        writer.line("DTSTART", &[("TZID", written.name())], &format(o.start));
        writer.line("DTEND", &[("TZID", written.name())], &format(o.end));
    }

    fn write_body(&self, writer: &mut Writer, o: &Occurrence, viewer: Option<&str>) {
        let content = self.content(o, viewer);
        writer.raw("SEQUENCE", "0");
        writer.text("SUMMARY", &content.summary);
        writer.text("DESCRIPTION", &content.description);
        writer.text("CATEGORIES", &content.category);
        if let Some((name, email)) = &content.organizer {
            writer.line("ORGANIZER", &[("CN", name)], &format!("mailto:{email}"));
        }
        for (name, email, role) in &content.attendees {
            writer.line("ATTENDEE", &[("CN", name), ("ROLE", role)], &format!("mailto:{email}"));
        }
        writer.raw("STATUS", "CONFIRMED");
        writer.raw("TRANSP", "OPAQUE");
        if let Some(before) = self.options.alarm {
            writer.raw("BEGIN", "VALARM");
            writer.raw("ACTION", "DISPLAY");
            writer.text("DESCRIPTION", &content.summary);
            writer.raw("TRIGGER", &format!("-PT{}M", before.minutes()));
            writer.raw("END", "VALARM");
        }
    }
}

/// All-day rhythms: series of dates (`VALUE=DATE`), no zone.
///
/// `DTSTART;VALUE=DATE` and an exclusive `DTEND;VALUE=DATE` (not `DURATION`: `P1D` is a nominal
/// day everywhere, but DTEND reads alike in every client), an RRULE whose `UNTIL` is a date (RFC
/// 5545 §3.3.10: the same value type as DTSTART), or `RRULE:FREQ=DAILY;COUNT=1` plus
/// `RDATE;VALUE=DATE` for explicit dates and every other cadence; `EXDATE;VALUE=DATE` and
/// `RECURRENCE-ID;VALUE=DATE` overrides. A lone date is a plain VEVENT.
impl Layout<'_> {
    fn all_day_series(&self, rhythm: &Rhythm, members: &[usize], uid: String) -> Option<Series> {
        let (active, master, master_occurrence) = self.active_members(members)?;
        let zone = self.community.rhythm_zone(rhythm);
        let mut series = Series {
            uid,
            zone,
            base_zone: zone,
            form: Form::Single,
            master,
            exdates: Vec::new(),
            overrides: Vec::new(),
            carried: members.to_vec(),
            all_day: true,
        };
        if matches!(master_occurrence.status, Status::Shifted { .. }) {
            series.overrides.push(master);
        }
        if active.len() == 1 {
            series.carried = vec![master];
            return Some(series);
        }
        if let Some(rule_series) = self.rule_series(rhythm, &series, members, &active) {
            return Some(rule_series);
        }
        self.dates_series(series, master_occurrence, &active)
    }

    /// The RRULE form of an all-day rhythm, checked as for timed ones: the rule, expanded from the
    /// master's date (as a floating midnight) to the last one's, minus the EXDATEs, gives exactly
    /// the active occurrences' dates.
    fn all_day_rule_series(
        &self,
        recurrence: &RecurrenceRule,
        rule: &Rule,
        template: &Series,
        members: &[usize],
        active: &[usize],
    ) -> Option<Series> {
        let occurrences = self.plan.occurrences();
        let master = occurrences.get(template.master)?;
        let day = |o: &Occurrence| slot(o).date_naive();
        let first = day(master);
        let last = day(occurrences.get(*active.last()?)?);
        let midnight = |d: chrono::NaiveDate| d.and_time(chrono::NaiveTime::MIN);
        if !portable(recurrence, midnight(first)) {
            return None;
        }
        let walls = rule.starts(None, midnight(first), midnight(last), CHECK_BUDGET).ok()?;
        let (mut series, expected) =
            self.match_candidates(template, members, active, &walls, day, |wall| {
                Some(wall.date())
            })?;
        let expected: Vec<chrono::NaiveDate> = expected.iter().map(NaiveDateTime::date).collect();
        let slots: Vec<chrono::NaiveDate> =
            active.iter().filter_map(|i| occurrences.get(*i)).map(day).collect();
        if expected != slots {
            return None;
        }
        // The RRULE form's UNTIL is an instant; for dates it is written as the last date.
        let until = Utc.from_utc_datetime(&midnight(last));
        series.form = Form::Rule { body: rule.body.clone(), until };
        Some(series)
    }

    fn write_all_day_series(&self, writer: &mut Writer, series: &Series, viewer: Option<&str>) {
        let Some(master) = self.occurrence(series.master) else { return };
        let days = |o: &Occurrence| i64::from(o.days().map_or(1, |(_, n)| n));
        let dates = |o: &Occurrence, start: DateTime<Tz>| {
            let first = start.date_naive();
            let end = first + Duration::days(days(o));
            (first.format("%Y%m%d").to_string(), end.format("%Y%m%d").to_string())
        };
        let as_date = [("VALUE", "DATE")];
        let (start, end) = dates(master, slot(master));
        writer.raw("BEGIN", "VEVENT");
        writer.raw("UID", &series.uid);
        writer.raw("DTSTAMP", &self.stamp);
        writer.line("DTSTART", &as_date, &start);
        writer.line("DTEND", &as_date, &end);
        let values = Values {
            params: &as_date,
            until: "%Y%m%d",
            slot: &|t| t.date_naive().format("%Y%m%d").to_string(),
            exdate: &|t| t.format("%Y%m%d").to_string(),
        };
        self.write_tail(writer, (series, viewer), master, &values, &|writer, o| {
            let (start, end) = dates(o, o.start);
            writer.line("DTSTART", &as_date, &start);
            writer.line("DTEND", &as_date, &end);
        });
    }
}

/// The rhythms of the group or member `id` (`kind`), from its index into `rhythms`.
fn by_id(
    index: &BTreeMap<&str, usize>,
    rhythms: &[Vec<usize>],
    kind: &'static str,
    id: &str,
) -> Result<Vec<usize>, Error> {
    index
        .get(id)
        .and_then(|i| rhythms.get(*i))
        .cloned()
        .ok_or_else(|| Error::UnknownId { kind, id: id.to_string() })
}

/// A rhythm's cadence as a rule a series can carry (DAILY, WEEKLY, MONTHLY or YEARLY), or `None`.
fn series_rule(rhythm: &Rhythm) -> Option<(&RecurrenceRule, Rule)> {
    let Timing::Cadence(cadence) = rhythm.timing() else { return None };
    let recurrence = cadence.as_rule()?;
    if !matches!(
        recurrence.freq(),
        Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly
    ) {
        return None;
    }
    Some((recurrence, Rule::from_rule(recurrence)))
}

/// How a series writes its date and time values: the parameters (`TZID`, or `VALUE=DATE`), the
/// format of `UNTIL`, and the text of a slot (RDATE, RECURRENCE-ID) and of an EXDATE.
struct Values<'v> {
    params: &'v [(&'v str, &'v str)],
    until: &'v str,
    slot: &'v dyn Fn(DateTime<Tz>) -> String,
    exdate: &'v dyn Fn(NaiveDateTime) -> String,
}

/// What a VEVENT says about one occurrence besides its times.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Content {
    summary: String,
    description: String,
    category: String,
    organizer: Option<(String, String)>,
    attendees: Vec<(String, String, &'static str)>,
}

/// An address fit for a `mailto:` value: printable ASCII, no spaces or quotes, one `@`.
fn mail_address(email: &str) -> Option<&str> {
    let ok = email.len() <= 254
        && email.matches('@').count() == 1
        && email.bytes().all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\\' | b'<' | b'>'));
    ok.then_some(email)
}

fn title_case(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn content(
    community: &Community,
    group_names: &BTreeMap<&str, &str>,
    o: &Occurrence,
    options: &ExportOptions,
    viewer: Option<&str>,
) -> Content {
    let rhythm = community.rhythm(&o.rhythm);
    let rhythm_name = rhythm.map_or(&*o.rhythm, |r| r.name());
    let member_name = |id: &str| community.member(id).map_or(id, |m| m.name()).to_string();
    let mut summary = rhythm_name.to_string();
    let mut description = String::new();
    if let Some(cycle) = &o.cycle {
        if cycle.retrospective {
            summary.push_str(" (retrospective)");
            let _ = writeln!(description, "Cycle {}: retrospective", cycle.number);
        } else {
            let _ = writeln!(
                description,
                "Cycle {}: meeting {} of {}",
                cycle.number, cycle.meeting, cycle.meetings
            );
        }
    }
    for holder in &o.roles {
        let _ =
            writeln!(description, "{}: {}", title_case(&holder.role), member_name(&holder.member));
    }
    if let Status::Shifted { from, reason } = &o.status {
        // An all-day occurrence moved from a date, which has no time or zone.
        let format = if o.all_day { "%a %-d %b %Y" } else { "%a %-d %b %Y %H:%M %Z" };
        let _ = writeln!(description, "Moved from {}: {reason}", from.format(format));
    }
    let group = group_names.get(&*o.group).copied();
    if let Some(group) = group {
        let _ = writeln!(description, "Group: {group}");
    }
    // Mixers: who meets whom this time. A member's own feed names their mixer only; the
    // community's and the groups' feeds, one line per mixer.
    let mixer_names = |mixer: &[Arc<str>]| {
        mixer.iter().map(|id| member_name(id)).collect::<Vec<String>>().join(", ")
    };
    match viewer {
        Some(_) if o.mixers.is_empty() => {}
        Some(member) => {
            let n = o.mixers.len();
            match o.mixers.iter().position(|m| m.iter().any(|id| &**id == member)) {
                Some(k) => {
                    let names = o.mixers.get(k).map_or_else(String::new, |m| mixer_names(m));
                    let _ = writeln!(description, "Your mixer ({} of {n}): {names}", k + 1);
                }
                // Away, outside their windows or busy this time.
                None => {
                    let _ = writeln!(description, "Your mixer: none this time ({n} mixers meet)");
                }
            }
        }
        None => {
            for (k, mixer) in o.mixers.iter().enumerate() {
                let _ = writeln!(description, "Mixer {}: {}", k + 1, mixer_names(mixer));
            }
        }
    }
    let listed = o.attendees.len() <= options.attendee_limit;
    if !listed {
        let group_name = group.unwrap_or(&o.group);
        let _ = writeln!(
            description,
            "Attendees: {} members of {group_name} (only role holders are listed)",
            o.attendees.len()
        );
    }
    if let Some(intention) = rhythm.and_then(|r| r.intention_text()) {
        let _ = writeln!(description, "Intention: {intention}");
    }
    let description = description.trim_end().to_string();
    let facilitator = o.facilitator();
    let organizer = facilitator.and_then(|id| {
        let member = community.member(id)?;
        let email = mail_address(member.email_address()?)?;
        Some((member.name().to_string(), email.to_string()))
    });
    let attendee = |id: &str| {
        let member = community.member(id)?;
        let email = mail_address(member.email_address()?)?;
        let role = if Some(id) == facilitator { "CHAIR" } else { "REQ-PARTICIPANT" };
        Some((member.name().to_string(), email.to_string(), role))
    };
    let attendees = if listed {
        o.attendees.iter().filter_map(|id| attendee(id)).collect()
    } else {
        // Above the limit: the role holders only, each once, in the rhythm's role order.
        let mut seen: BTreeSet<&str> = BTreeSet::new();
        o.roles
            .iter()
            .map(|holder| &*holder.member)
            .filter(|id| seen.insert(id))
            .filter_map(attendee)
            .collect()
    };
    Content {
        summary,
        description,
        category: title_case(o.category.as_str()),
        organizer,
        attendees,
    }
}

mod markers;
#[cfg(test)]
mod tests;
