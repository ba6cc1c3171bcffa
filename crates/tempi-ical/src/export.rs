//! Export: a plan as RFC 5545 feeds that every calendar client expands exactly as tempi did.
//!
//! Each rhythm becomes the smallest faithful set of VEVENT series inside the portable subset of
//! `notes/calendar-clients.md`:
//!
//! 1. **RRULE form** when the rhythm's cadence is a rule in that subset. `DTSTART` is the first
//!    instance, `UNTIL` (UTC) the last; cancelled instances become `EXDATE`, candidates the engine
//!    filtered out (`within`, `after`) too, and shifted instances, per-occurrence facilitators and
//!    retrospectives become `RECURRENCE-ID` overrides. Each series is re-expanded with the engine's
//!    recipe and the plan's DST policy, and kept only if it reproduces the plan exactly.
//! 2. A rule instance whose wall time falls in a DST gap or overlap (where clients disagree) splits
//!    the series; that occurrence is written on its own, with unambiguous times.
//! 3. **RDATE form** otherwise (moon phases, offsets, rules outside the subset, or a failed check):
//!    `DTSTART` plus one `RDATE` per occurrence, with overrides where an occurrence differs.
//!
//! An occurrence whose span contains a DST change is always an override or an event of its own
//! with an explicit `DTEND` (clients derive the others' ends differently, class 4).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use tempi_core::model::Timing;
use tempi_core::rule::Frequency;
use tempi_core::{Community, Length, Occurrence, Plan, Rhythm, Status, chrono, chrono_tz};

use crate::Error;
use crate::expand::Rule;
use crate::text::Writer;
use crate::vtimezone::write_vtimezone;

/// The `PRODID` of every feed.
pub const PRODID: &str = "-//tempi//tempi feeds//EN";

/// How often subscribers should re-read a feed (`REFRESH-INTERVAL`, `X-PUBLISHED-TTL`).
pub const REFRESH: &str = "PT12H";

/// Options for [`feeds`] and [`feed`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportOptions {
    generated_at: DateTime<Utc>,
    alarm: Option<Length>,
}

impl ExportOptions {
    /// Options with `generated_at` as every `DTSTAMP`. The library never reads the clock: pass
    /// `SOURCE_DATE_EPOCH` or a fixed instant for reproducible output (the CLI does).
    pub fn new(generated_at: DateTime<Utc>) -> ExportOptions {
        ExportOptions { generated_at, alarm: None }
    }

    /// Adds a display alarm this long before each occurrence (default: none).
    #[must_use]
    pub fn alarm(mut self, before: Length) -> ExportOptions {
        self.alarm = Some(before);
        self
    }

    /// The `DTSTAMP` of every component.
    pub fn generated_at(&self) -> DateTime<Utc> {
        self.generated_at
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

/// The community's feed, then one per group and one per member, in the community's order.
///
/// # Errors
/// Never today; kept fallible for scopes that name unknown ids (see [`feed`]).
pub fn feeds(
    community: &Community,
    plan: &Plan,
    options: &ExportOptions,
) -> Result<Vec<Feed>, Error> {
    let layout = Layout::new(community, plan);
    let mut scopes = vec![Scope::Community];
    scopes.extend(community.groups().iter().map(|g| Scope::Group(g.id().to_string())));
    scopes.extend(community.members().iter().map(|m| Scope::Member(m.id().to_string())));
    scopes.into_iter().map(|scope| layout.feed(scope, options)).collect()
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
    Layout::new(community, plan).feed(scope, options)
}

/// The UID of the VEVENT that carries each occurrence of `plan` (index for index). A cancelled
/// occurrence outside every series gets its rhythm's base UID.
pub fn occurrence_uids(community: &Community, plan: &Plan) -> Vec<String> {
    let layout = Layout::new(community, plan);
    let mut uids: Vec<String> =
        plan.occurrences().iter().map(|o| base_uid(community.id(), &o.rhythm)).collect();
    for series in layout.series.iter().flatten() {
        for index in series.carried.iter() {
            if let Some(slot) = uids.get_mut(*index) {
                slot.clone_from(&series.uid);
            }
        }
    }
    uids
}

/// `<rhythm>@<community>.tempi`: ids cannot contain `@`, so two (community, rhythm) pairs never
/// share a UID, and nothing else (positions, times) goes into it.
fn base_uid(community: &str, rhythm: &str) -> String {
    format!("{rhythm}@{community}.tempi")
}

/// A later series of a rhythm that had to be split: keyed by its first instance (UTC).
fn part_uid(community: &str, rhythm: &str, first: DateTime<Tz>) -> String {
    format!("{rhythm}+{}@{community}.tempi", first.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ"))
}

#[derive(Debug, Clone)]
enum Form {
    /// RRULE with this body (no COUNT/UNTIL) until this instant.
    Rule { body: String, until: DateTime<Utc> },
    /// DTSTART plus these RDATEs (occurrence indices).
    Dates(Vec<usize>),
    /// One event.
    Single,
}

#[derive(Debug, Clone)]
struct Series {
    uid: String,
    zone: Tz,
    form: Form,
    /// The occurrence at DTSTART.
    master: usize,
    /// EXDATE wall times.
    exdates: Vec<NaiveDateTime>,
    /// Overrides: (occurrence, RECURRENCE-ID instant).
    overrides: Vec<(usize, DateTime<Tz>)>,
    /// Every occurrence this series carries (for `occurrence_uids`).
    carried: Vec<usize>,
}

impl Series {
    /// One occurrence as an event of its own.
    fn single(index: usize, zone: Tz) -> Series {
        Series {
            uid: String::new(),
            zone,
            form: Form::Single,
            master: index,
            exdates: Vec::new(),
            overrides: Vec::new(),
            carried: vec![index],
        }
    }
}

struct Layout<'a> {
    community: &'a Community,
    plan: &'a Plan,
    /// Per rhythm (community order): its series.
    series: Vec<Vec<Series>>,
}

fn slot(o: &Occurrence) -> DateTime<Tz> {
    match &o.status {
        Status::Shifted { from, .. } => *from,
        _ => o.start,
    }
}

/// Whether a wall time names exactly one instant in `zone` (not in a gap or an overlap).
fn unambiguous(zone: Tz, wall: NaiveDateTime) -> bool {
    matches!(zone.from_local_datetime(&wall), LocalResult::Single(_))
}

/// Whether `[start, end]` contains a change of offset.
fn crosses(o: &Occurrence) -> bool {
    let zone = o.start.timezone();
    let offset = |t: DateTime<Tz>| t.offset().fix();
    if o.end - o.start <= Duration::hours(12) {
        return offset(o.start) != offset(o.end.with_timezone(&zone));
    }
    !crate::vtimezone::transitions(zone, o.start.naive_utc(), o.end.naive_utc()).is_empty()
}

/// Whether the rule stays inside the subset every client expands alike.
fn portable(rule: &Rule, dtstart: NaiveDateTime) -> bool {
    use chrono::Datelike;
    let freq = rule.part("FREQ").unwrap_or("");
    if !matches!(freq, "DAILY" | "WEEKLY" | "MONTHLY" | "YEARLY") {
        return false;
    }
    for banned in ["BYHOUR", "BYMINUTE", "BYSECOND", "BYWEEKNO"] {
        if rule.part(banned).is_some() {
            return false;
        }
    }
    if rule.part("WKST").is_some_and(|w| w != "MO" && w != "SU") {
        return false;
    }
    let by_month = rule.part("BYMONTH");
    let ordinal_by_day =
        rule.part("BYDAY").is_some_and(|d| d.contains(|c: char| c.is_ascii_digit()));
    if freq == "YEARLY" && ordinal_by_day && by_month.is_none() {
        return false;
    }
    if freq == "MONTHLY" && by_month.is_some() {
        return false;
    }
    if matches!(freq, "DAILY" | "YEARLY")
        && rule.part("BYMONTHDAY").is_some_and(|d| d.contains('-'))
    {
        return false;
    }
    if freq == "YEARLY" {
        let feb = by_month.is_none_or(|m| m.split(',').any(|m| m == "2"));
        let day29 = match rule.part("BYMONTHDAY") {
            Some(days) => days.split(',').any(|d| d == "29"),
            None => dtstart.month() == 2 && dtstart.day() == 29 && rule.part("BYDAY").is_none(),
        };
        if feb && day29 {
            return false;
        }
    }
    true
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

impl<'a> Layout<'a> {
    fn new(community: &'a Community, plan: &'a Plan) -> Layout<'a> {
        let mut by_rhythm: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (index, o) in plan.occurrences().iter().enumerate() {
            by_rhythm.entry(&o.rhythm).or_default().push(index);
        }
        let series = community
            .rhythms()
            .iter()
            .map(|rhythm| {
                let mut indices = by_rhythm.get(rhythm.id()).cloned().unwrap_or_default();
                indices.sort_by_key(|i| plan.occurrences().get(*i).map(slot));
                let mut list = Self::rule_form(community, plan, rhythm, &indices)
                    .unwrap_or_else(|| Self::dates_form(plan, &indices));
                let mut first = true;
                for series in &mut list {
                    let start = plan.occurrences().get(series.master).map(|o| o.start);
                    series.uid = match (first, start) {
                        (false, Some(start)) => part_uid(community.id(), rhythm.id(), start),
                        _ => base_uid(community.id(), rhythm.id()),
                    };
                    first = false;
                }
                list
            })
            .collect();
        Layout { community, plan, series }
    }

    fn occurrence(&self, index: usize) -> Option<&'a Occurrence> {
        self.plan.occurrences().get(index)
    }

    /// The RRULE form, or `None` when the rhythm's timing is not a portable rule or a series
    /// does not re-expand to exactly the plan.
    fn rule_form(
        community: &Community,
        plan: &Plan,
        rhythm: &Rhythm,
        indices: &[usize],
    ) -> Option<Vec<Series>> {
        let Timing::Cadence(cadence) = rhythm.timing() else { return None };
        let rule = Rule::from_rule(cadence.as_rule()?);
        if !matches!(
            cadence.as_rule().map(|r| r.freq()),
            Some(Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly)
        ) {
            return None;
        }
        let zone = community.rhythm_zone(rhythm);
        let occurrences = plan.occurrences();
        let first_active =
            indices.iter().filter_map(|i| occurrences.get(*i)).find(|o| o.is_active()).map(slot)?;
        let last = indices.iter().filter_map(|i| occurrences.get(*i)).map(slot).max()?;
        if !portable(&rule, first_active.naive_local()) {
            return None;
        }
        // Re-expand from the first instance; every slot must be an instance of it.
        let walls = rule
            .starts(Some(zone), first_active.naive_local(), last.naive_local(), CHECK_BUDGET)
            .ok()?;
        let mut by_instant: BTreeMap<DateTime<Utc>, usize> = BTreeMap::new();
        for index in indices {
            let o = occurrences.get(*index)?;
            if slot(o) < first_active {
                continue;
            }
            by_instant.insert(slot(o).with_timezone(&Utc), *index);
        }
        let mut matched = 0;
        // Build segments, split where a rule instance's wall time is in a gap or an overlap.
        #[derive(Clone, Copy)]
        enum Step {
            Segment(SegmentStep),
            Split(Option<usize>),
        }
        let mut steps = Vec::new();
        for wall in &walls {
            let instant = tempi_core::time::resolve_local(zone, *wall).with_timezone(&Utc);
            let carried = by_instant.get(&instant).copied();
            if carried.is_some() {
                matched += 1;
            }
            if !unambiguous(zone, *wall) {
                steps.push(Step::Split(carried));
                continue;
            }
            match carried {
                Some(index) => steps.push(Step::Segment(SegmentStep::Instance(*wall, index))),
                None => steps.push(Step::Segment(SegmentStep::Extra(*wall))),
            }
        }
        if matched != by_instant.len() {
            // A slot the rule does not produce: not this rule's occurrence set.
            return None;
        }
        let mut out: Vec<Series> = Vec::new();
        let mut current: Vec<SegmentStep> = Vec::new();
        let flush = |current: &mut Vec<SegmentStep>, out: &mut Vec<Series>| -> Option<()> {
            let steps = std::mem::take(current);
            Self::segment(plan, zone, &rule, &steps, out)
        };
        for step in steps {
            match step {
                Step::Split(carried) => {
                    flush(&mut current, &mut out)?;
                    // A cancelled occurrence at an ambiguous time just is not written.
                    if let Some(index) =
                        carried.filter(|i| occurrences.get(*i).is_some_and(|o| o.is_active()))
                    {
                        out.push(Series::single(index, zone));
                    }
                }
                Step::Segment(step) => current.push(step),
            }
        }
        flush(&mut current, &mut out)?;
        // Cancelled occurrences before the first active one are simply not shown.
        out.sort_by_key(|s| occurrences.get(s.master).map(|o| o.start));
        let exdates: usize = out.iter().map(|s| s.exdates.len()).sum();
        let active = indices.iter().filter(|i| occurrences.get(**i).is_some_and(|o| o.is_active()));
        if exdates > active.count() {
            return None;
        }
        Some(out)
    }

    /// Turns one run of unambiguous rule instances into series: trims to the first and last
    /// active instance, moves an unusable first instance out, and re-checks the result.
    fn segment(
        plan: &Plan,
        zone: Tz,
        rule: &Rule,
        steps: &[SegmentStep],
        out: &mut Vec<Series>,
    ) -> Option<()> {
        let occurrences = plan.occurrences();
        let mut steps: Vec<SegmentStep> = steps.to_vec();
        {
            // Drop leading extras and cancelled instances; an active first instance that spans a
            // DST change becomes an event of its own (the master's DTEND sets every duration).
            while let Some(first) = steps.first() {
                match *first {
                    SegmentStep::Instance(_, index) => {
                        let o = occurrences.get(index)?;
                        if !o.is_active() {
                            steps.remove(0);
                            continue;
                        }
                        if crosses(o) || !unambiguous(zone, o.start.naive_local()) {
                            out.push(Series::single(index, zone));
                            steps.remove(0);
                            continue;
                        }
                        break;
                    }
                    SegmentStep::Extra(_) => {
                        steps.remove(0);
                    }
                }
            }
            while let Some(last) = steps.last() {
                match *last {
                    SegmentStep::Instance(_, index)
                        if occurrences.get(index).is_some_and(|o| o.is_active()) =>
                    {
                        break;
                    }
                    _ => {
                        steps.pop();
                    }
                }
            }
        }
        let (
            Some(SegmentStep::Instance(first_wall, master)),
            Some(SegmentStep::Instance(last_wall, _)),
        ) = (steps.first().copied(), steps.last().copied())
        else {
            return Some(());
        };
        let master_occurrence = occurrences.get(master)?;
        let mut series = Series {
            uid: String::new(),
            zone,
            form: Form::Single,
            master,
            exdates: Vec::new(),
            overrides: Vec::new(),
            carried: Vec::new(),
        };
        let mut expected: Vec<NaiveDateTime> = Vec::new();
        for step in &steps {
            match *step {
                SegmentStep::Extra(wall) => {
                    series.exdates.push(wall);
                    expected.push(wall);
                }
                SegmentStep::Instance(wall, index) => {
                    let o = occurrences.get(index)?;
                    expected.push(wall);
                    series.carried.push(index);
                    if !o.is_active() {
                        series.exdates.push(wall);
                    } else if index != master && differs(master_occurrence, o) {
                        series.overrides.push((index, slot(o)));
                    }
                }
            }
        }
        if steps.len() == 1 {
            out.push(series);
            return Some(());
        }
        // The proof: the series as written re-expands to exactly the expected instances.
        let until = tempi_core::time::resolve_local(zone, last_wall).with_timezone(&Utc);
        let check = rule.starts(Some(zone), first_wall, last_wall, CHECK_BUDGET).ok()?;
        if check != expected {
            return None;
        }
        series.form = Form::Rule { body: rule.body.clone(), until };
        out.push(series);
        Some(())
    }

    /// DTSTART plus RDATEs; occurrences at ambiguous times stand alone.
    fn dates_form(plan: &Plan, indices: &[usize]) -> Vec<Series> {
        let occurrences = plan.occurrences();
        let mut out = Vec::new();
        let mut dated: Option<Series> = None;
        let mut active: Vec<usize> = indices
            .iter()
            .copied()
            .filter(|i| occurrences.get(*i).is_some_and(|o| o.is_active()))
            .collect();
        active.sort_by_key(|i| occurrences.get(*i).map(|o| o.start));
        for index in active {
            let Some(o) = occurrences.get(index) else { continue };
            let zone = o.start.timezone();
            let clean = unambiguous(zone, o.start.naive_local());
            match dated.as_mut() {
                Some(series) if clean => {
                    if let Form::Dates(list) = &mut series.form {
                        list.push(index);
                    }
                    series.carried.push(index);
                    let master = occurrences.get(series.master);
                    if master.is_none_or(|m| differs(m, o)) || crosses(o) {
                        series.overrides.push((index, o.start));
                    }
                }
                None if clean && !crosses(o) => {
                    dated = Some(Series {
                        uid: String::new(),
                        zone,
                        form: Form::Dates(Vec::new()),
                        master: index,
                        exdates: Vec::new(),
                        overrides: Vec::new(),
                        carried: vec![index],
                    });
                }
                _ => out.push(Series::single(index, zone)),
            }
        }
        if let Some(series) = dated {
            out.push(series);
        }
        out.sort_by_key(|s| occurrences.get(s.master).map(|o| o.start));
        out
    }

    fn rhythms_in(&self, scope: &Scope) -> Result<BTreeSet<usize>, Error> {
        let community = self.community;
        let all = 0..community.rhythms().len();
        match scope {
            Scope::Community => Ok(all.collect()),
            Scope::Member(id) => {
                if community.member(id).is_none() {
                    return Err(Error::UnknownId { kind: "member", id: id.clone() });
                }
                Ok(community
                    .rhythms()
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| community.attendees_of(r.id()).contains(&id.as_str()))
                    .map(|(i, _)| i)
                    .collect())
            }
            Scope::Group(id) => {
                let groups = community.groups();
                if !groups.iter().any(|g| g.id() == id) {
                    return Err(Error::UnknownId { kind: "group", id: id.clone() });
                }
                // The group's roster: its members and its subgroups' (transitively).
                let mut roster: BTreeSet<&str> = BTreeSet::new();
                for group in groups {
                    let mut cursor = Some(group.id());
                    for _ in 0..=groups.len() {
                        match cursor {
                            Some(g) if g == id => {
                                roster.extend(group.direct_members().iter().map(String::as_str));
                                break;
                            }
                            Some(g) => {
                                cursor =
                                    groups.iter().find(|x| x.id() == g).and_then(|x| x.parent())
                            }
                            None => break,
                        }
                    }
                }
                // Its ancestors (`part_of`), nearest first.
                let mut ancestors: Vec<&str> = Vec::new();
                let mut cursor = groups.iter().find(|g| g.id() == id).and_then(|g| g.parent());
                while let Some(parent) = cursor {
                    if ancestors.contains(&parent) || ancestors.len() > groups.len() {
                        break;
                    }
                    ancestors.push(parent);
                    cursor = groups.iter().find(|g| g.id() == parent).and_then(|g| g.parent());
                }
                Ok(community
                    .rhythms()
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| {
                        r.group() == id
                            || (ancestors.contains(&r.group())
                                && community
                                    .attendees_of(r.id())
                                    .iter()
                                    .any(|m| roster.contains(m)))
                    })
                    .map(|(i, _)| i)
                    .collect())
            }
        }
    }

    fn feed(&self, scope: Scope, options: &ExportOptions) -> Result<Feed, Error> {
        let community = self.community;
        let rhythms = self.rhythms_in(&scope)?;
        let (id, name, zone) = match &scope {
            Scope::Community => {
                (community.id().to_string(), community.name().to_string(), community.zone())
            }
            Scope::Group(id) => {
                let group = community.groups().iter().find(|g| g.id() == id);
                let group_name = group.map_or(id.as_str(), |g| g.name());
                (id.clone(), format!("{} · {group_name}", community.name()), community.zone())
            }
            Scope::Member(id) => {
                let member = community.member(id);
                let member_name = member.map_or(id.as_str(), |m| m.name());
                let zone = member.map_or(community.zone(), |m| m.zone());
                (id.clone(), format!("{} · {member_name}", community.name()), zone)
            }
        };
        let series: Vec<&Series> =
            rhythms.iter().filter_map(|i| self.series.get(*i)).flatten().collect();
        // Zones used, and the span each must cover.
        let mut spans: BTreeMap<&'static str, (Tz, DateTime<Utc>, DateTime<Utc>)> = BTreeMap::new();
        for s in &series {
            for index in s.carried.iter().chain(std::iter::once(&s.master)) {
                let Some(o) = self.occurrence(*index) else { continue };
                let (start, end) = (o.start.with_timezone(&Utc), o.end.with_timezone(&Utc));
                let written = if needs_utc(s.zone, o) { UTC_ZONE } else { s.zone };
                for zone in [s.zone, written] {
                    let entry = spans.entry(zone.name()).or_insert((zone, start, end));
                    entry.1 = entry.1.min(start);
                    entry.2 = entry.2.max(end);
                }
            }
        }
        let mut writer = Writer::new();
        writer.raw("BEGIN", "VCALENDAR");
        writer.text("PRODID", PRODID);
        writer.raw("VERSION", "2.0");
        writer.raw("CALSCALE", "GREGORIAN");
        writer.raw("METHOD", "PUBLISH");
        writer.text("X-WR-CALNAME", &name);
        writer.text("X-WR-TIMEZONE", zone.name());
        writer.line("REFRESH-INTERVAL", &[("VALUE", "DURATION")], REFRESH);
        writer.raw("X-PUBLISHED-TTL", REFRESH);
        for (zone, start, end) in spans.values() {
            write_vtimezone(&mut writer, *zone, *start, *end);
        }
        for s in series {
            self.write_series(&mut writer, s, options);
        }
        writer.raw("END", "VCALENDAR");
        Ok(Feed { scope, id, name, ics: writer.finish() })
    }

    fn write_series(&self, writer: &mut Writer, series: &Series, options: &ExportOptions) {
        let Some(master) = self.occurrence(series.master) else { return };
        let stamp = options.generated_at.format("%Y%m%dT%H%M%SZ").to_string();
        let zone_name = series.zone.name();
        let local = |t: NaiveDateTime| t.format("%Y%m%dT%H%M%S").to_string();
        // The master.
        writer.raw("BEGIN", "VEVENT");
        writer.raw("UID", &series.uid);
        writer.raw("DTSTAMP", &stamp);
        self.write_times(writer, series.zone, master);
        match &series.form {
            Form::Rule { body, until } => {
                writer.raw("RRULE", &format!("{body};UNTIL={}", until.format("%Y%m%dT%H%M%SZ")));
            }
            Form::Dates(list) => {
                for index in list {
                    if let Some(o) = self.occurrence(*index) {
                        writer.line("RDATE", &[("TZID", zone_name)], &local(o.start.naive_local()));
                    }
                }
            }
            Form::Single => {}
        }
        for wall in &series.exdates {
            writer.line("EXDATE", &[("TZID", zone_name)], &local(*wall));
        }
        self.write_body(writer, master, options);
        writer.raw("END", "VEVENT");
        for (index, recurrence_id) in &series.overrides {
            let Some(o) = self.occurrence(*index) else { continue };
            writer.raw("BEGIN", "VEVENT");
            writer.raw("UID", &series.uid);
            writer.raw("DTSTAMP", &stamp);
            writer.line(
                "RECURRENCE-ID",
                &[("TZID", zone_name)],
                &local(recurrence_id.naive_local()),
            );
            self.write_times(writer, series.zone, o);
            self.write_body(writer, o, options);
            writer.raw("END", "VEVENT");
        }
    }

    /// DTSTART/DTEND with TZID, or in Etc/GMT when a wall time is ambiguous.
    fn write_times(&self, writer: &mut Writer, zone: Tz, o: &Occurrence) {
        let start = o.start.with_timezone(&zone);
        let end = o.end.with_timezone(&zone);
        if !needs_utc(zone, o) {
            let format = |t: DateTime<Tz>| t.naive_local().format("%Y%m%dT%H%M%S").to_string();
            writer.line("DTSTART", &[("TZID", zone.name())], &format(start));
            writer.line("DTEND", &[("TZID", zone.name())], &format(end));
        } else {
            // Not `…Z`: readers that emulate Google's X-WR-TIMEZONE handling move UTC values into
            // that zone as wall times, which brings the ambiguity back. Etc/GMT has no DST.
            let format = |t: DateTime<Tz>| t.naive_utc().format("%Y%m%dT%H%M%S").to_string();
            writer.line("DTSTART", &[("TZID", UTC_ZONE.name())], &format(start));
            writer.line("DTEND", &[("TZID", UTC_ZONE.name())], &format(end));
        }
    }

    fn write_body(&self, writer: &mut Writer, o: &Occurrence, options: &ExportOptions) {
        let content = content(self.community, o);
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
        if let Some(before) = options.alarm {
            writer.raw("BEGIN", "VALARM");
            writer.raw("ACTION", "DISPLAY");
            writer.text("DESCRIPTION", &content.summary);
            writer.raw("TRIGGER", &format!("-PT{}M", before.minutes()));
            writer.raw("END", "VALARM");
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum SegmentStep {
    Instance(NaiveDateTime, usize),
    Extra(NaiveDateTime),
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

/// Whether an occurrence needs an override against the series' master.
fn differs(master: &Occurrence, o: &Occurrence) -> bool {
    matches!(o.status, Status::Shifted { .. })
        || (o.end - o.start) != (master.end - master.start)
        || o.roles != master.roles
        || o.cycle != master.cycle
        || o.attendees != master.attendees
        || crosses(o)
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

fn content(community: &Community, o: &Occurrence) -> Content {
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
        let _ =
            writeln!(description, "Moved from {}: {reason}", from.format("%a %-d %b %Y %H:%M %Z"));
    }
    if let Some(group) = community.groups().iter().find(|g| g.id() == &*o.group) {
        let _ = writeln!(description, "Group: {}", group.name());
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
    let attendees = o
        .attendees
        .iter()
        .filter_map(|id| {
            let member = community.member(id)?;
            let email = mail_address(member.email_address()?)?;
            let role = if Some(&**id) == facilitator { "CHAIR" } else { "REQ-PARTICIPANT" };
            Some((member.name().to_string(), email.to_string(), role))
        })
        .collect();
    Content {
        summary,
        description,
        category: title_case(o.category.as_str()),
        organizer,
        attendees,
    }
}

#[cfg(test)]
mod tests;
