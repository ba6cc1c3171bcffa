//! Availability checks: the fixed-time rhythms of a plan that fall outside a required
//! attendee's weekly windows, on their away dates or in their busy calendars.
//!
//! `tempi check` and `tempi plan` print these as warnings (errors with `--strict`); the facade's
//! `tempi::pipeline::availability_problems` reads the busy calendars and calls [`check_plan`].
//!
//! The check judges each occurrence that goes ahead (scheduled or shifted; cancelled ones are
//! not held) for each of its attendees with [`Availability::conflict`]: away dates first, then
//! busy time, then the weekly windows (with extra windows). The rules:
//!
//! - A member who declares no weekly windows has said nothing about their hours, so only their
//!   away dates and busy calendars are checked.
//! - Every attendee of a rhythm without a `presence` is required at every occurrence.
//! - A rhythm with a `presence` goes ahead with its quorum, so no one is required at every
//!   occurrence. The members its own group lists are still expected: one who can come to none
//!   of its occurrences is reported (the rhythm, as timed, leaves them out). Members who attend
//!   through a subgroup (a pod's members at the congregation's call) are invited, not expected.
//! - Weekly windows are hours for meetings, not for a retreat: a rhythm a day long or longer,
//!   and an occurrence held inside one that the member attends (a morning circle at the
//!   retreat), is checked against away dates and busy calendars only.
//! - `at = "auto"` rhythms are left out: the solver placed them around everyone.
//!
//! When a rhythm has a warning, the solver looks for a better time: the recurring search of
//! `tempi slots --repeat` for the rhythm's cadence, zone, length and attendees, over the same
//! window; a time is suggested only when every attendee can come to every occurrence, checked
//! again here with the same rule as the warnings. Only the first [`MAX_SUGGESTIONS`] rhythms with
//! warnings are searched.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use tempi_core::rule::Frequency;
use tempi_core::{Community, Group, Plan, Rhythm, Timing};

use crate::availability::{
    Availability, LocalTimes, Shape, WeekSpans, covers, epoch_minutes, explain,
};
use crate::series::SharedFree;
use crate::{Reason, SeriesEnd, SeriesQuery};

/// Why a member cannot come to some of a rhythm's occurrences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Why {
    /// The occurrence is outside their weekly windows (and extra windows).
    OutsideWindows,
    /// It falls on one of their away dates.
    Away,
    /// It overlaps their busy calendar.
    Busy,
}

impl Why {
    /// A short machine name: `outside-windows`, `away` or `busy`.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Why::OutsideWindows => "outside-windows",
            Why::Away => "away",
            Why::Busy => "busy",
        }
    }

    fn of(reason: &Reason) -> Why {
        match reason {
            Reason::Away { .. } => Why::Away,
            Reason::Busy { .. } => Why::Busy,
            _ => Why::OutsideWindows,
        }
    }
}

/// An occurrence's time as a member sees it: the weekday and the hours in their zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct LocalSpan {
    /// The local weekday it starts on.
    pub weekday: Weekday,
    /// The local start.
    pub start: NaiveTime,
    /// The local end (on a later day when it runs past midnight).
    pub end: NaiveTime,
    /// Whole days between the local start and end dates.
    pub days: i64,
}

impl fmt::Display for LocalSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}–{}", self.weekday, self.start.format("%H:%M"), self.end.format("%H:%M"))?;
        match self.days {
            0 => Ok(()),
            1 => f.write_str(" the next day"),
            n => write!(f, " {n} days later"),
        }
    }
}

/// A better time for a rhythm, found by the solver: it fits every attendee at every occurrence.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Suggestion {
    /// The weekdays its occurrences fall on (the rhythm's zone), when the cadence is weekly.
    pub weekdays: Vec<Weekday>,
    /// The wall-clock start in the rhythm's zone.
    pub time: NaiveTime,
    /// The rhythm's zone.
    pub zone: Tz,
    /// The first occurrence's date (the rhythm's zone).
    pub first: NaiveDate,
    /// Every occurrence at the suggested time, `[start, end)`.
    pub occurrences: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl fmt::Display for Suggestion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.weekdays.is_empty() {
            let names: Vec<String> = self.weekdays.iter().map(|d| plural(*d)).collect();
            write!(f, "{} at ", join_and(&names))?;
        } else {
            f.write_str("at ")?;
        }
        write!(f, "{} {} fits everyone", self.time.format("%H:%M"), self.zone.name())
    }
}

/// One member who cannot come to some occurrences of a fixed-time rhythm, for one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unavailable {
    /// The member's id.
    pub member: String,
    /// The member's zone.
    pub zone: Tz,
    /// The rhythm's id.
    pub rhythm: String,
    /// The rhythm's name.
    pub rhythm_name: String,
    /// Why.
    pub why: Why,
    /// The local dates (member's zone) of the occurrences they cannot come to, ascending.
    pub dates: Vec<NaiveDate>,
    /// Those occurrences' local times, each once, in the order first met.
    pub local: Vec<LocalSpan>,
    /// How many of the rhythm's occurrences in the window this member attends (those that go
    /// ahead).
    pub occurrences: usize,
    /// The weekday of every one of those occurrences (member's zone), when they share one.
    pub weekday: Option<Weekday>,
    /// A time that fits every attendee, when the solver found one.
    pub suggestion: Option<Suggestion>,
}

impl Unavailable {
    /// The dates in words: "every Tuesday from 2027-01-05 to 2027-12-28", "on 12 of 52
    /// Tuesdays, first 2027-03-02, last 2027-05-18", "on 2027-03-02 and 2027-03-09".
    #[must_use]
    pub fn dates_summary(&self) -> String {
        summarise(&self.dates, self.occurrences, self.weekday)
    }
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.why {
            Why::OutsideWindows => "is outside the availability of",
            Why::Away => "falls on away dates of",
            Why::Busy => "clashes with the busy calendar of",
        };
        let one_day = self.local.windows(2).all(|w| matches!(w, [a, b] if a.weekday == b.weekday));
        let mut local: Vec<String> = self
            .local
            .iter()
            .take(SHOWN_TIMES)
            .enumerate()
            .map(|(i, span)| {
                let text = span.to_string();
                match (one_day && i > 0, text.split_once(' ')) {
                    (true, Some((_, hours))) => hours.to_string(),
                    _ => text,
                }
            })
            .collect();
        match self.local.len().saturating_sub(SHOWN_TIMES) {
            0 => {}
            1 => local.push("1 other time".to_string()),
            n => local.push(format!("{n} other times")),
        }
        write!(
            f,
            "rhythm `{}` ({}) {what} `{}` {} ({} {})",
            self.rhythm,
            self.rhythm_name,
            self.member,
            self.dates_summary(),
            local.join(" or "),
            self.zone.name()
        )?;
        if let Some(s) = &self.suggestion {
            write!(f, "; {s}")?;
        }
        Ok(())
    }
}

/// The most rhythms a check searches a better time for (a year's recurring search is
/// milliseconds; thousands of them would make `plan` of a large organisation wait): the first
/// ones in file order, so the answer is the same every run.
pub const MAX_SUGGESTIONS: usize = 25;

/// How many local times a warning spells out.
const SHOWN_TIMES: usize = 4;

/// A rhythm this long or longer is a retreat, not a meeting: weekly windows do not apply.
const DAY_LONG_MINUTES: u32 = 24 * 60;

/// "Tuesdays".
fn plural(day: Weekday) -> String {
    format!("{}s", day_name(day))
}

fn day_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The dates in words (see [`Unavailable::dates_summary`]): `of` is how many occurrences there
/// are in all, `weekday` their shared weekday.
fn summarise(dates: &[NaiveDate], of: usize, weekday: Option<Weekday>) -> String {
    let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
        return "on no date".to_string();
    };
    let n = dates.len();
    let weekly = dates.windows(2).all(|w| matches!(w, [a, b] if (*b - *a).num_days() == 7));
    match (n, weekday) {
        (1, _) => format!("on {first}"),
        _ if n == of && weekly && weekday.is_some() => {
            let day = weekday.map_or("", day_name);
            format!("every {day} from {first} to {last}")
        }
        _ if n == of => {
            let kind = weekday.map_or_else(|| "occurrences".to_string(), plural);
            format!("at every one of its {n} {kind} from {first} to {last}")
        }
        (2..=3, _) => {
            let list: Vec<String> = dates.iter().map(ToString::to_string).collect();
            format!("on {}", join_and(&list))
        }
        _ => {
            let kind = weekday.map_or_else(|| "occurrences".to_string(), plural);
            format!("on {n} of {of} {kind}, first {first}, last {last}")
        }
    }
}

impl Availability {
    /// Why this member cannot attend `[start, end)`, judged directly against what they
    /// declared: away dates, then busy time, then weekly and extra windows. `None` when they can
    /// come. Unlike the slot search (which assumes 08:00–21:00 for a member with no weekly
    /// windows, to have somewhere to look), a member with no weekly windows declared no hours,
    /// so any hour suits them here.
    #[must_use]
    pub fn conflict(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Reason> {
        let shape = Shape {
            civil: None,
            default_hours: (0, 1440),
            buffer_before: 0,
            buffer_after: 0,
            not_before: None,
        };
        match self.quick_fit(start, end) {
            Some(true) => return None,
            Some(false) => return Some(Reason::OutsideWindows),
            None => {}
        }
        let start = epoch_minutes(start);
        // A partial last minute still counts as busy.
        let end = epoch_minutes(end) + i64::from(end.timestamp().rem_euclid(60) > 0);
        if end <= start {
            return None;
        }
        explain(self, start, end, &shape)
    }
}

/// Checks every fixed-time rhythm of `plan` (from `community`) against its attendees'
/// availability in `members` (attendees without an entry are not checked); the rhythms in
/// `skip` (the `at = "auto"` ones, placed by the solver) are left out. One entry per (rhythm,
/// member, reason), in the order of the community's rhythms, then members as the rhythm lists
/// them. `window` is the plan's window, which the suggestions search too.
///
/// The steps: gather the occurrences that go ahead and each member's retreats (`Held`), judge
/// each occurrence for each attendee (`tally`), keep the warnings the rules ask for
/// (`warnings`), and search a better time for the first rhythms with warnings
/// (`Suggestions`).
#[must_use]
pub fn check_plan(
    community: &Community,
    plan: &Plan,
    members: &[Availability],
    skip: &[&str],
) -> Vec<Unavailable> {
    let index: HashMap<&str, usize> =
        members.iter().enumerate().map(|(i, m)| (m.id(), i)).collect();
    let held = Held::new(community, plan, members.len(), &index);
    let mut judge = Judge::new(members, held.retreats);
    let groups = groups_by_id(community);
    let mut suggestions = Suggestions::new(community, plan, members, &index);
    let mut out = Vec::new();
    for rhythm in community.rhythms() {
        if skip.contains(&rhythm.id()) || rhythm.is_auto() {
            continue;
        }
        let occurrences = held.by_rhythm.get(rhythm.id()).map(Vec::as_slice).unwrap_or_default();
        let attendees = community.attendees_of(rhythm.id());
        let tallies = tally(rhythm, &attendees, occurrences, &index, &mut judge);
        let mut found = warnings(rhythm, &attendees, tallies, &groups, members, &index);
        if !found.is_empty() {
            let suggestion = suggestions.next(rhythm);
            for u in &mut found {
                u.suggestion.clone_from(&suggestion);
            }
        }
        out.extend(found);
    }
    out
}

/// The occurrences that go ahead, per rhythm, in plan order; and the day-long ones per member
/// (by place in the members given): what happens inside them (a morning circle at the
/// retreat) is not judged against the weekly windows.
struct Held<'p> {
    by_rhythm: HashMap<&'p str, Vec<HeldOccurrence<'p>>>,
    retreats: Vec<Spans>,
}

impl<'p> Held<'p> {
    fn new(
        community: &Community,
        plan: &'p Plan,
        members: usize,
        index: &HashMap<&str, usize>,
    ) -> Held<'p> {
        let mut by_rhythm: HashMap<&str, Vec<HeldOccurrence<'_>>> = HashMap::new();
        let mut retreats: Vec<Spans> = vec![Vec::new(); members];
        for o in plan.occurrences().iter().filter(|o| o.is_active()) {
            by_rhythm.entry(&o.rhythm).or_default().push(HeldOccurrence {
                start: o.start.with_timezone(&Utc),
                end: o.end.with_timezone(&Utc),
                attendees: &o.attendees,
            });
        }
        let long = community.rhythms().iter().filter(|r| r.length().minutes() >= DAY_LONG_MINUTES);
        for o in long.flat_map(|r| by_rhythm.get(r.id()).into_iter().flatten()) {
            for a in o.attendees {
                if let Some(spans) = index.get(&**a).and_then(|i| retreats.get_mut(*i)) {
                    spans.push((o.start, o.end));
                }
            }
        }
        Held { by_rhythm, retreats }
    }
}

/// The groups by id (a rhythm's own group), in the community's order.
fn groups_by_id(community: &Community) -> HashMap<&str, Vec<&Group>> {
    let mut groups: HashMap<&str, Vec<&Group>> = HashMap::new();
    for g in community.groups() {
        groups.entry(g.id()).or_default().push(g);
    }
    groups
}

/// Decides whether a member can come to an occurrence, by the rules of the module docs.
struct Judge<'m> {
    members: &'m [Availability],
    /// Per member, [`Availability::weekly_only`]: most members declare only weekly windows,
    /// and their answer for a plain occurrence is a look at that weekday's windows, with no
    /// time-zone conversion per member.
    weekly: Vec<Option<Option<WeekSpans>>>,
    /// Per member, the retreats they attend.
    retreats: Vec<Spans>,
    /// Members judged without their windows (inside a retreat), made when first needed.
    open: HashMap<usize, Availability>,
}

impl<'m> Judge<'m> {
    fn new(members: &'m [Availability], retreats: Vec<Spans>) -> Judge<'m> {
        let weekly = members.iter().map(Availability::weekly_only).collect();
        Judge { members, weekly, retreats, open: HashMap::new() }
    }

    /// Whether member `m` can come at any time (weekly windows only, and none of them): no
    /// occurrence need be judged for them. With no away dates or busy time nothing binds, and
    /// with no windows any hour suits them ([`Availability::conflict`] finds nothing, however
    /// the occurrence falls).
    fn always_free(&self, m: usize) -> bool {
        matches!(self.weekly.get(m), Some(Some(None)))
    }

    /// Why member `m` cannot come to `[start, end)` (`local` in their zone), or `None`.
    /// `day_long`: the rhythm is a retreat itself.
    fn reason(
        &mut self,
        m: usize,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        local: &mut ZoneView,
        day_long: bool,
    ) -> Option<Reason> {
        let member = self.members.get(m)?;
        let windows_apply = || {
            !day_long
                && !self
                    .retreats
                    .get(m)
                    .is_some_and(|spans| spans.iter().any(|(s, e)| *s <= start && end <= *e))
        };
        match self.weekly.get(m) {
            // Weekly windows only, so no away dates or busy time: with no windows (see
            // `always_free`), or where the windows do not apply, nothing can bind them.
            Some(Some(None)) => None,
            Some(Some(Some(days))) => {
                if !windows_apply() {
                    return None;
                }
                let local = local.full(start, end);
                match local.plain {
                    Some((from, to)) => {
                        let day = local.start.weekday().num_days_from_monday() as usize;
                        let spans = days.get(day).map(Vec::as_slice).unwrap_or_default();
                        (!covers(spans, from, to)).then_some(Reason::OutsideWindows)
                    }
                    None => member.conflict(start, end),
                }
            }
            _ if windows_apply() => member.conflict(start, end),
            _ => {
                self.open.entry(m).or_insert_with(|| member.without_windows()).conflict(start, end)
            }
        }
    }
}

/// An occurrence that goes ahead, as the check reads it (kept together: the plan's own
/// occurrences are large, and read again per rhythm).
struct HeldOccurrence<'p> {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    attendees: &'p [Arc<str>],
}

/// Judges each occurrence of `rhythm` for each of its attendees: one [`Tally`] per attendee,
/// in `attendees`' order.
fn tally(
    rhythm: &Rhythm,
    attendees: &[&str],
    occurrences: &[HeldOccurrence<'_>],
    index: &HashMap<&str, usize>,
    judge: &mut Judge<'_>,
) -> Vec<Tally> {
    let day_long = rhythm.length().minutes() >= DAY_LONG_MINUTES;
    let position: HashMap<&str, usize> =
        attendees.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let mut tallies: Vec<Tally> = vec![Tally::default(); attendees.len()];
    // The attendee list read once while the occurrences share it (they mostly do).
    let mut list: Option<(&[Arc<str>], Roll)> = None;
    for o in occurrences {
        let (start, end) = (o.start, o.end);
        // The same list, or an equal one (its names mostly shared with the last).
        let same = list.as_ref().is_some_and(|(names, _)| {
            std::ptr::eq(*names, o.attendees)
                || names.len() == o.attendees.len()
                    && names.iter().zip(o.attendees).all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
        });
        if !same {
            list = Some((o.attendees, Roll::new(o.attendees, &position, index, judge)));
        }
        let Some((_, roll)) = &mut list else { continue };
        roll.judge(start, end, day_long, &mut tallies, judge);
    }
    tallies
}

/// One attendee list, read for judging: each checked attendee's places and zone.
struct Roll {
    /// The attendees' zones, each once, in the order first met.
    zones: Vec<Tz>,
    places: Vec<Place>,
    /// The occurrence being judged, per zone of `zones`.
    views: Vec<ZoneView>,
}

/// An attendee of a [`Roll`]: their place in the rhythm's tallies, in the members given, and
/// in the roll's zones; and whether their occurrences need judging at all.
struct Place {
    tally: usize,
    member: usize,
    zone: usize,
    judged: bool,
}

impl Roll {
    /// The attendees of `names` who are both the rhythm's (`position`) and checked (`index`).
    fn new(
        names: &[Arc<str>],
        position: &HashMap<&str, usize>,
        index: &HashMap<&str, usize>,
        judge: &Judge<'_>,
    ) -> Roll {
        let mut zones: Vec<Tz> = Vec::new();
        let mut places = Vec::new();
        for name in names {
            let (Some(tally), Some(member)) = (position.get(&**name), index.get(&**name)) else {
                continue;
            };
            let Some(zone) = judge.members.get(*member).map(Availability::zone) else { continue };
            let zone = match zones.iter().position(|z| *z == zone) {
                Some(k) => k,
                None => {
                    zones.push(zone);
                    zones.len() - 1
                }
            };
            let judged = !judge.always_free(*member);
            places.push(Place { tally: *tally, member: *member, zone, judged });
        }
        Roll { zones, places, views: Vec::new() }
    }

    /// Judges the occurrence `[start, end)` for every attendee, into `tallies`.
    fn judge(
        &mut self,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        day_long: bool,
        tallies: &mut [Tally],
        judge: &mut Judge<'_>,
    ) {
        self.views.clear();
        self.views.extend(
            self.zones.iter().map(|z| ZoneView { start: start.with_timezone(z), full: None }),
        );
        for place in &self.places {
            let (Some(t), Some(view)) =
                (tallies.get_mut(place.tally), self.views.get_mut(place.zone))
            else {
                continue;
            };
            let day = view.start.weekday();
            t.attended += 1;
            t.weekday = Some(match t.weekday {
                None => Some(day),
                Some(w) => w.filter(|w| *w == day),
            });
            if !place.judged {
                continue;
            }
            if let Some(reason) = judge.reason(place.member, start, end, view, day_long) {
                t.miss(Why::of(&reason), view.full(start, end));
            }
        }
    }
}

/// An occurrence as one zone sees it: its local start at once; the rest (its local end, and
/// whether it is plain) only when some attendee's windows ask, or they miss it.
struct ZoneView {
    start: DateTime<Tz>,
    full: Option<LocalTimes>,
}

impl ZoneView {
    fn full(&mut self, start: DateTime<Utc>, end: DateTime<Utc>) -> &LocalTimes {
        let local = self.start;
        self.full.get_or_insert_with(|| LocalTimes::with_start(local, start, end))
    }
}

/// The warnings of one rhythm from its attendees' tallies (in `attendees`' order): with a
/// presence, missing some occurrences is allowed; missing all is not, for the group's own
/// members.
fn warnings(
    rhythm: &Rhythm,
    attendees: &[&str],
    tallies: Vec<Tally>,
    groups: &HashMap<&str, Vec<&Group>>,
    members: &[Availability],
    index: &HashMap<&str, usize>,
) -> Vec<Unavailable> {
    // Only a rhythm with a presence asks who its group's own members are.
    let own: HashSet<&str> = if rhythm.presence_needed().is_some() {
        groups
            .get(rhythm.group())
            .into_iter()
            .flatten()
            .flat_map(|g| g.direct_members().iter().map(String::as_str))
            .collect()
    } else {
        HashSet::new()
    };
    let mut found: Vec<Unavailable> = Vec::new();
    for (id, mut t) in attendees.iter().zip(tallies) {
        if rhythm.presence_needed().is_some() && (t.missed < t.attended || !own.contains(id)) {
            continue;
        }
        let Some(member) = index.get(id).and_then(|i| members.get(*i)) else { continue };
        t.per_why.sort_by_key(|(why, _, _)| *why);
        for (why, mut dates, local) in t.per_why {
            dates.sort_unstable();
            dates.dedup();
            found.push(Unavailable {
                member: (*id).to_string(),
                zone: member.zone(),
                rhythm: rhythm.id().to_string(),
                rhythm_name: rhythm.name().to_string(),
                why,
                dates,
                local,
                occurrences: t.attended,
                weekday: t.weekday.flatten(),
                suggestion: None,
            });
        }
    }
    found
}

/// Intervals `[start, end)`.
type Spans = Vec<(DateTime<Utc>, DateTime<Utc>)>;

/// One attendee's occurrences of one rhythm: how many they attend and miss, whether they share
/// a weekday, and the missed ones by reason (dates and local times).
#[derive(Debug, Clone, Default)]
struct Tally {
    attended: usize,
    missed: usize,
    weekday: Option<Option<Weekday>>,
    per_why: Vec<(Why, Vec<NaiveDate>, Vec<LocalSpan>)>,
}

impl Tally {
    /// Counts a missed occurrence (`local`: in the attendee's zone) under `why`.
    fn miss(&mut self, why: Why, local: &LocalTimes) {
        self.missed += 1;
        let (start, end) = (local.start, local.end);
        let span = LocalSpan {
            weekday: start.weekday(),
            start: start.time(),
            end: end.time(),
            days: (end.date_naive() - start.date_naive()).num_days(),
        };
        let entry = match self.per_why.iter().position(|(w, _, _)| *w == why) {
            Some(k) => self.per_why.get_mut(k),
            None => {
                self.per_why.push((why, Vec::new(), Vec::new()));
                self.per_why.last_mut()
            }
        };
        if let Some((_, dates, local)) = entry {
            dates.push(start.date_naive());
            if !local.contains(&span) {
                local.push(span);
            }
        }
    }
}

/// The suggestion searches of one check: at most [`MAX_SUGGESTIONS`], sharing the members'
/// bitsets.
struct Suggestions<'a> {
    community: &'a Community,
    plan: &'a Plan,
    members: &'a [Availability],
    index: &'a HashMap<&'a str, usize>,
    searches: usize,
    shared: SharedFree,
}

impl<'a> Suggestions<'a> {
    fn new(
        community: &'a Community,
        plan: &'a Plan,
        members: &'a [Availability],
        index: &'a HashMap<&'a str, usize>,
    ) -> Suggestions<'a> {
        let window = plan.window();
        let shared = SharedFree::new(window.start(), window.end());
        Suggestions { community, plan, members, index, searches: 0, shared }
    }

    /// A better time for `rhythm`, which has warnings; `None` when there is none, or after
    /// [`MAX_SUGGESTIONS`] searches.
    fn next(&mut self, rhythm: &Rhythm) -> Option<Suggestion> {
        if self.searches >= MAX_SUGGESTIONS {
            return None;
        }
        self.searches += 1;
        suggest(self.community, self.plan, rhythm, self.members, self.index, &mut self.shared)
    }
}

/// A time for `rhythm` that every attendee can make at every occurrence in `window`, from the
/// recurring search; `None` when there is none (or the rhythm is timed by another).
fn suggest(
    community: &Community,
    plan: &Plan,
    rhythm: &Rhythm,
    members: &[Availability],
    index: &HashMap<&str, usize>,
    shared: &mut SharedFree,
) -> Option<Suggestion> {
    let window = plan.window();
    let Timing::Cadence(cadence) = rhythm.timing() else { return None };
    let zone = community.rhythm_zone(rhythm);
    let first = window.start().with_timezone(&zone).date_naive();
    let last = (window.end() - Duration::seconds(1)).with_timezone(&zone).date_naive();
    let start = rhythm.start_date().unwrap_or(community.start()).max(first);
    let last = rhythm.end_date().map_or(last, |e| e.min(last));
    if start > last {
        return None;
    }
    let (keys, attendees): (Vec<usize>, Vec<&Availability>) = community
        .attendees_of(rhythm.id())
        .into_iter()
        .filter_map(|id| index.get(id).and_then(|i| Some((*i, members.get(*i)?))))
        .unzip();
    if attendees.is_empty() {
        return None;
    }
    let mut query =
        SeriesQuery::new(rhythm.length(), cadence.clone(), zone, start, SeriesEnd::Until(last));
    for m in &attendees {
        query.required((*m).clone());
    }
    query.max_results(1);
    let best = query.first_fit(shared, &keys).ok()??;
    if best.misses != 0 {
        return None;
    }
    let occurrences: Vec<(DateTime<Utc>, DateTime<Utc>)> =
        best.occurrences.iter().map(|o| (o.start, o.end)).collect();
    // The same rule as the warnings: a suggestion never brings a warning of its own.
    let clear =
        occurrences.iter().all(|(s, e)| attendees.iter().all(|m| m.conflict(*s, *e).is_none()));
    if !clear || best.time == rhythm.at() && best.first == start {
        return None;
    }
    // On the plan's own dates too (the phase of the rhythm's start, shifted occurrences, a
    // commitment's longer retrospectives), when the suggestion keeps the weekdays.
    let held: Vec<_> =
        plan.occurrences().iter().filter(|o| &*o.rhythm == rhythm.id() && o.is_active()).collect();
    let mut days: Vec<Weekday> = held.iter().map(|o| o.start.date_naive().weekday()).collect();
    days.sort_by_key(|d| d.num_days_from_monday());
    days.dedup();
    if days == best.weekdays {
        let moved = held.iter().all(|o| {
            let s = tempi_core::time::resolve_local(zone, o.start.date_naive().and_time(best.time))
                .with_timezone(&Utc);
            let e = s + (o.end - o.start);
            attendees
                .iter()
                .all(|m| !o.attendees.iter().any(|a| &**a == m.id()) || m.conflict(s, e).is_none())
        });
        if !moved {
            return None;
        }
    }
    let weekly = cadence.as_rule().is_some_and(|r| r.freq() == Frequency::Weekly);
    Some(Suggestion {
        weekdays: if weekly { best.weekdays } else { Vec::new() },
        time: best.time,
        zone,
        first: best.first,
        occurrences,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap_or_default()
    }

    /// Each form of the summary, from dates written out by hand.
    #[test]
    fn summaries_read_as_sentences() {
        let tuesdays: Vec<NaiveDate> = (0..52).map(|k| d(1, 5) + Duration::days(7 * k)).collect();
        // 2027-01-05 plus 51 weeks is 2027-12-28.
        assert_eq!(
            summarise(&tuesdays, 52, Some(Weekday::Tue)),
            "every Tuesday from 2027-01-05 to 2027-12-28"
        );
        let some: Vec<NaiveDate> = tuesdays.iter().copied().skip(8).take(12).collect();
        assert_eq!(
            summarise(&some, 52, Some(Weekday::Tue)),
            "on 12 of 52 Tuesdays, first 2027-03-02, last 2027-05-18"
        );
        assert_eq!(summarise(&[d(3, 2)], 52, Some(Weekday::Tue)), "on 2027-03-02");
        assert_eq!(
            summarise(&[d(3, 2), d(3, 9)], 52, Some(Weekday::Tue)),
            "on 2027-03-02 and 2027-03-09"
        );
        let gap = [d(1, 5), d(1, 12), d(1, 26)];
        assert_eq!(
            summarise(&gap, 3, Some(Weekday::Tue)),
            "at every one of its 3 Tuesdays from 2027-01-05 to 2027-01-26"
        );
        assert_eq!(
            summarise(&[d(1, 5), d(2, 3), d(3, 4), d(4, 6)], 10, None),
            "on 4 of 10 occurrences, first 2027-01-05, last 2027-04-06"
        );
    }
}
