//! The nested-tempo engine: from a community to a plan.
//!
//! Rhythms are expanded one at a time, each after the rhythms it is composed from and, among
//! those that are free to go, the stronger first (higher priority, then the slower tempo). For each
//! rhythm:
//!
//! 1. **Candidates**: its cadence from the rhythm's start (or the dates of another rhythm's
//!    occurrences shifted by an offset), as wall-clock times mapped to its zone per the DST policy.
//! 2. **Selection**: `within` keeps candidates inside another's spans; `after` keeps the nth
//!    candidate after each of another's occurrences.
//! 3. **Commitment**: candidates are numbered into cycles of `meetings` plus a retrospective.
//! 4. **Except**: candidates that clash with a rhythm they yield to are skipped or shifted.
//! 5. **Precedence**: candidates that clash with a stronger rhythm sharing a member are skipped or
//!    shifted; clashes between equals are reported as conflicts.
//! 6. **Rotation**: each occurrence that goes ahead takes the next turn of hosting duties.
//!
//! Everything counts from each rhythm's start, not from the window, so cycles and rotation agree
//! between any two windows.
//!
//! **Far windows: history counted, not expanded.** An occurrence's time and status depend on the
//! past only through its candidate number (the commitment cycle, whose retrospective length
//! changes its span), and its role holders through the number of earlier occurrences that went
//! ahead: the candidate count less every earlier cancellation by `except` or by precedence. A
//! candidate before the window can only be cancelled or moved by its own step 4 or 5, and only
//! when an excepted rhythm's span comes within nine days of it or a stronger sharer's span
//! overlaps it. So for a far window ([`Engine::sparse`], `expand/history.rs`) the engine walks
//! those rhythms' active spans (not the candidates), bounds each against the candidates' wall
//! clock with the zone's lowest and highest offset, and tests each candidate within a span's
//! bounds against that span exactly, as steps 4 and 5 would (a span that touches a candidate
//! always names it). A rhythm that skips rather than shifts only counts its hits: each is
//! cancelled whatever step finds it, so it is no turn and has no span. A rhythm that shifts keeps
//! its hits as occurrences, with the candidates within eight days of them (a shift looks at its
//! neighbours and may pass them). The last weeks before the window are kept whole. Every other
//! history candidate went ahead unchanged: it is counted (turn = number − candidates kept before
//! it − hits cancelled before it + rank among those kept), and its span is kept only when another
//! rhythm composes with this one (it is excepted, or stronger than a sharer). The plan is
//! identical to a full-history plan: property tests compare far windows to 2099 with slices of
//! one long plan, on random communities with clashes, `except` (skipping and shifting),
//! precedence, rotating roles and commitments.
//!
//! Where history is still expanded in full: rhythms timed by an offset, or with `within` or
//! `after` (their candidates depend on another rhythm's whole history), cadences with two
//! candidates less than a day apart (sub-daily rules: instants can meet or swap at DST changes,
//! so numbers are not positions), and zones whose offsets span a day or more (Samoa). These are
//! exact and usually cheap (few candidates); the caps count only the window.
//!
//! **Seeking, not generating.** A plain DAILY or WEEKLY rule (INTERVAL, WKST, BYDAY without
//! ordinals, COUNT or UNTIL; most of a large community's rhythms) repeats its days every
//! 7 × INTERVAL days, so its history is never generated (`rule/steps.rs`): the number of
//! candidates before a time is whole cycles × starts per cycle + the starts in the partial cycle
//! (less the first period's days before DTSTART), the nth candidate is found backwards the same
//! way, and only the candidates from the history's end on are listed. The commitment cycle and
//! the rotation turn of every window occurrence follow from those numbers as before. Each span
//! that may reach the history seeks its first suspect by whole cycles (a walk of additions, as
//! the spans come in order), an `except` in day or week scope reaching only the local dates or
//! ISO weeks its span can touch; each suspect is tested against the span that named it. A rhythm another
//! composes with keeps every history span, but reads its instant from the zone's runs of one
//! offset (the probes that bound the offsets) where it lies a day or more inside one,
//! which is exactly what the DST policy gives there, instead of a zone lookup. Unit proptests
//! hold the arithmetic (count, nth, walk) to generating and counting, and the runs to the zone;
//! the far-window proptests add random plain rules (INTERVAL, BYDAY sets, WKST, COUNT, UNTIL,
//! random starts, DST zones, clashes).
//!
//! **What a hit costs.** Every real hit is still found one by one: an annual retreat that
//! cancels a weekly check-in each year changes every later rotation turn, so each year's
//! cancellation must be found. Finding it is integer work: a candidate's instant comes from the
//! zone's runs of one offset, and its local dates from its wall clock; each other rhythm's spans
//! have their local dates tabled once per zone (`Engine::span_days`); a stronger rhythm's spans
//! are indexed by time of week (`history::WeekIndex`), so a weekly check-in visits only the
//! spans near its own times of week (fortnightly circle meetings at other times are never
//! visited). For the 20,000-member synthetic organisation (4,000 weekly pods, seventy years of
//! history in 2099: about 950,000 hits among 15 million candidates) planning 2099 costs about
//! 1.3x 2027 (BENCHMARKS.md). What remains of the far years' extra: walking the spans near each
//! pod's times and testing their suspects, the composed-with rhythms' history spans (a circle
//! lists one per meeting, as pods search them), and other cadences (rrule-expanded rules such as
//! "first sat of every quarter", moon phases, explicit dates), which still generate their
//! history because their positions have no fixed cycle; they are slow tempos with few
//! candidates.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};
use std::sync::Arc;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::Error;
use crate::cadence::ExpandError;
use crate::model::{
    ClashPolicy, ClashScope, Commitment, Community, Edge, Holder, Renewal, Rhythm, Timing,
};
use crate::plan::{Conflict, Cycle, Occurrence, Plan, Reason, RoleHolder, Status};
use crate::time::{Window, resolve_local};

/// Bounds on how much one plan may expand. Every expansion is bounded; a plan that would pass a
/// bound fails with [`Error::TooManyOccurrences`], naming the bound and how to raise it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExpandOptions {
    max_per_rhythm: usize,
    max_per_plan: usize,
}

impl Default for ExpandOptions {
    fn default() -> ExpandOptions {
        ExpandOptions::new()
    }
}

impl ExpandOptions {
    /// The default bounds: 50,000 occurrences per rhythm and 5,000,000 per plan, counted inside
    /// the window. Expansion before the window (cycles and rotation count from each rhythm's
    /// start) is bounded too: per rhythm at four times its cap plus 100,000, per plan at four
    /// times its cap plus 100,000; past those the same error names the same cap.
    pub const fn new() -> ExpandOptions {
        ExpandOptions { max_per_rhythm: 50_000, max_per_plan: 5_000_000 }
    }

    /// Sets the most occurrences one rhythm may generate (default 50,000).
    pub const fn max_per_rhythm(mut self, max: usize) -> ExpandOptions {
        self.max_per_rhythm = max;
        self
    }

    /// Sets the most occurrences a plan may generate (default 5,000,000).
    pub const fn max_per_plan(mut self, max: usize) -> ExpandOptions {
        self.max_per_plan = max;
        self
    }
}

#[derive(Debug, Clone, Copy)]
enum Why {
    Outside {
        parent: usize,
    },
    Except {
        other: usize,
        scope: ClashScope,
        other_start: i64,
    },
    Precedence {
        other: usize,
        other_start: i64,
        by_priority: bool,
    },
    /// A break of the community or a group: the `index`th of `rhythm`'s breaks.
    Break {
        rhythm: usize,
        index: usize,
    },
}

#[derive(Debug, Clone, Copy)]
enum St {
    Scheduled,
    Cancelled { why: Why, tried_shift: bool },
    Shifted { why: Why, from: i64 },
}

#[derive(Debug, Clone)]
struct Occ {
    /// The start the cadence gave, as a wall-clock time in the rhythm's zone.
    local: NaiveDateTime,
    start: i64,
    end: i64,
    status: St,
    cycle: Option<Cycle>,
    /// The candidate's number, from 0 at the rhythm's start (after selection).
    index: u64,
    /// The rotation turn, for occurrences that go ahead.
    turn: u64,
}

impl Occ {
    fn active(&self) -> bool {
        !matches!(self.status, St::Cancelled { .. })
    }
}

struct Expanded {
    occs: Vec<Occ>,
    /// Active spans, sorted by start.
    spans: Vec<(i64, i64)>,
}

impl Expanded {
    fn empty() -> Expanded {
        Expanded { occs: Vec::new(), spans: Vec::new() }
    }
}

/// Whether `[start, end)` overlaps any span in `spans` (sorted by start, non-nested lengths).
fn overlaps_any(spans: &[(i64, i64)], start: i64, end: i64) -> Option<(i64, i64)> {
    overlaps_upto(spans, spans.partition_point(|(s, _)| *s < end), start, end)
}

/// [`overlaps_any`], its search started at span `hint` (fast when the answer is near it).
fn overlaps_from(spans: &[(i64, i64)], hint: usize, start: i64, end: i64) -> Option<(i64, i64)> {
    let before = |k: usize| spans.get(k).is_some_and(|(s, _)| *s < end);
    let mut upto = hint.min(spans.len());
    let mut steps = 0;
    while upto > 0 && !before(upto - 1) && steps < 16 {
        upto -= 1;
        steps += 1;
    }
    while before(upto) && steps < 16 {
        upto += 1;
        steps += 1;
    }
    let settled = (upto == 0 || before(upto - 1)) && !before(upto);
    if !settled {
        upto = spans.partition_point(|(s, _)| *s < end);
    }
    overlaps_upto(spans, upto, start, end)
}

/// The overlap search of [`overlaps_any`] from `upto`, the number of spans starting before `end`.
fn overlaps_upto(spans: &[(i64, i64)], upto: usize, start: i64, end: i64) -> Option<(i64, i64)> {
    // Spans starting before `end` are candidates; look back a few in case lengths differ.
    let from = upto.saturating_sub(8);
    spans.get(from..upto)?.iter().rev().find(|(s, e)| *s < end && start < *e).copied()
}

/// Whether `[start, end)` lies inside one of `spans` (sorted by start; a parent's spans do not
/// nest, so looking back four is enough).
fn inside(spans: &[(i64, i64)], start: i64, end: i64) -> bool {
    let upto = spans.partition_point(|(s, _)| *s <= start);
    spans
        .get(upto.saturating_sub(4)..upto)
        .unwrap_or_default()
        .iter()
        .any(|(s, e)| *s <= start && end <= *e)
}

/// Wall-clock candidates as occurrences: instants by the DST policy, sorted and unique.
fn occurrences(zone: Tz, length: i64, all_day: bool, locals: Vec<NaiveDateTime>) -> Vec<Occ> {
    let mut occs: Vec<Occ> =
        locals.into_iter().map(|local| occurrence(zone, length, all_day, local, 0)).collect();
    // Distinct wall-clock times can meet at one instant (a sub-daily rule's 02:00 and 03:00 on
    // a spring-forward night both resolve to 03:00) or swap order (02:30 moves to 03:30, after
    // 03:00): keep the instants sorted and unique.
    occs.sort_by_key(|o| o.start);
    occs.dedup_by_key(|o| o.start);
    occs
}

fn occurrence(zone: Tz, length: i64, all_day: bool, local: NaiveDateTime, index: u64) -> Occ {
    let start = resolve_local(zone, local).timestamp();
    let end = end_of(zone, local, start, length, all_day);
    Occ { local, start, end, status: St::Scheduled, cycle: None, index, turn: 0 }
}

/// The end of an occurrence that starts at wall time `local` (instant `start`) and lasts
/// `seconds`: exact for a timed rhythm; for an all-day one, local midnight that many whole days
/// later, so a day that DST makes 23 or 25 hours long is still a whole day.
fn end_of(zone: Tz, local: NaiveDateTime, start: i64, seconds: i64, all_day: bool) -> i64 {
    if all_day {
        resolve_local(zone, local + Duration::seconds(seconds)).timestamp()
    } else {
        start + seconds
    }
}

/// An all-day occurrence's span (which DST can lengthen or shorten by an hour) as whole days.
fn whole_days(seconds: i64, all_day: bool) -> i64 {
    if all_day { (seconds + 43_200).div_euclid(86_400) * 86_400 } else { seconds }
}

/// How many candidates a commitment's renewal lets go ahead, of `n` whose dates `date` gives:
/// cycles run while `Times` allows or while a cycle's first meeting is on or before `Until`.
fn renewal_limit(
    commitment: &Commitment,
    n: usize,
    date: impl Fn(usize) -> Option<NaiveDate>,
) -> usize {
    let per_cycle = usize::try_from(commitment.meetings).unwrap_or(usize::MAX).saturating_add(1);
    match commitment.renewal {
        Renewal::Ongoing => n,
        Renewal::Times(times) => {
            let cycles = usize::try_from(times).unwrap_or(usize::MAX).saturating_add(1);
            n.min(cycles.saturating_mul(per_cycle))
        }
        Renewal::Until(until) => {
            let mut first = 0usize;
            while first < n {
                if date(first).is_none_or(|d| d > until) {
                    return first;
                }
                first = first.saturating_add(per_cycle);
            }
            n
        }
    }
}

/// Step 6, Rotation: turns counted over occurrences that go ahead, in the order they happen (a
/// shift can move one past its neighbours); and the active spans others compose with.
///
/// `occs` may leave out history candidates ([`Engine::sparse`], [`Left`]): each that went ahead
/// counts as a turn before every occurrence with a higher number, each that was cancelled does
/// not.
fn rotate(mut occs: Vec<Occ>, left: Left) -> Expanded {
    let mut order: Vec<usize> =
        (0..occs.len()).filter(|k| occs.get(*k).is_some_and(Occ::active)).collect();
    order.sort_by_key(|k| occs.get(*k).map(|o| o.start));
    for (rank, k) in order.into_iter().enumerate() {
        if let Some(occ) = occs.get_mut(k) {
            // Candidates left out before this one: its number less its position, of which those
            // cancelled are no turn.
            let cancelled = left.cancelled.partition_point(|c| *c < occ.index) as u64;
            occ.turn = occ.index.saturating_sub(k as u64).saturating_sub(cancelled) + rank as u64;
        }
    }
    let quiet = left.quiet;
    let mut spans = quiet;
    spans.extend(occs.iter().filter(|o| o.active()).map(|o| (o.start, o.end)));
    spans.sort_unstable();
    Expanded { occs, spans }
}

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The local dates that `[start, end)` touches in `zone`, as days since 1970-01-01: the first and
/// the last, at most 400 days on (longer spans are read as their first 400 days). The offset is
/// read from the zone's runs of one offset (`runs`, see `history::offset_bounds`) where an
/// instant lies in one, else from the zone. `None` when the zone cannot read an instant (outside
/// chrono's range).
fn local_days(zone: Tz, runs: &[history::Run], start: i64, end: i64) -> Option<(i64, i64)> {
    let day = |t: i64| {
        let local = match history::offset_at(runs, t) {
            Some(offset) => t + offset,
            None => zone.timestamp_opt(t, 0).single()?.naive_local().and_utc().timestamp(),
        };
        Some(local.div_euclid(DAY))
    };
    let first = day(start)?;
    let last = day((end - 1).max(start))?;
    Some((first, last.min(first + 399)))
}

/// The first and last local date a span touches ([`local_days`]), when the zone can read it.
type Dates = Option<(i64, i64)>;

/// The ISO week of a day counted from 1970-01-01 (a Thursday), counted from the week of
/// 1969-12-29 (a Monday): two days share an ISO week exactly when they share this number.
fn week_of(day: i64) -> i64 {
    (day + 3).div_euclid(7)
}

fn iso_week(date: NaiveDate) -> (i32, u32) {
    let week = date.iso_week();
    (week.year(), week.week())
}

/// What the day and week checks need of another rhythm's active spans.
struct Touches {
    /// The longest of the spans, in seconds.
    longest: i64,
    /// For an `except` in day or week scope, per span (in order) the first and last local date it
    /// touches in the yielding rhythm's zone, as days since 1970-01-01 ([`local_days`]); else
    /// empty.
    days: Arc<[Dates]>,
}

/// The nine-day margin of [`nearby`].
const MARGIN: i64 = 9 * 86_400;

/// The positions in `spans` (sorted by start, none longer than `longest`) of the spans that start
/// within nine days of `[start, end)` or overlap it: every span that can share a local date or an
/// ISO week with it (two instants on one local date are under two days apart, on one ISO week
/// under nine).
fn nearby(spans: &[(i64, i64)], longest: i64, start: i64, end: i64) -> std::ops::Range<usize> {
    let lo = spans.partition_point(|(s, _)| *s <= start - MARGIN - longest);
    let hi = spans.partition_point(|(s, _)| *s < end + MARGIN);
    lo..hi.max(lo)
}

/// The first local date (`week` false) or ISO week (`week` true, as [`week_of`]) that the dates
/// `[first, last]` share with the dates `span`, when they share one.
fn first_shared((first, last): (i64, i64), span: (i64, i64), week: bool) -> Option<i64> {
    let unit = |day: i64| if week { week_of(day) } else { day };
    let (first, last, from, to) = (unit(first), unit(last), unit(span.0), unit(span.1));
    (from <= last && first <= to).then_some(from.max(first))
}

/// Of the spans `spans` whose local dates `days` gives (in order), the start of the one that shares
/// a local date (`week` false) or an ISO week (`week` true) with the dates `[first, last]`: the
/// earliest such date or week first, and among the spans sharing it the first.
fn first_touching(
    spans: &[(i64, i64)],
    days: &[Dates],
    (first, last): (i64, i64),
    week: bool,
) -> Option<i64> {
    let mut best: Option<(i64, i64)> = None;
    for ((s, _), span_days) in spans.iter().zip(days) {
        let Some(shared) = span_days.and_then(|span| first_shared((first, last), span, week))
        else {
            continue;
        };
        if best.is_none_or(|(at, _)| shared < at) {
            best = Some((shared, *s));
        }
    }
    best.map(|(_, s)| s)
}

/// What a far window left out of a rhythm's occurrences ([`Engine::sparse`]): history candidates
/// that went ahead unchanged, and those that a clash cancelled.
#[derive(Default)]
struct Left {
    /// The spans of those that went ahead, when another rhythm composes with them (else empty).
    quiet: Vec<(i64, i64)>,
    /// The numbers of those cancelled, ascending.
    cancelled: Vec<u64>,
}

/// A far window's candidates and the rhythm's length.
#[derive(Clone, Copy)]
struct Sparse<'a> {
    candidates: &'a history::Candidates,
    length: i64,
}

/// The rhythms sharing a member with one being expanded, already expanded, by strength.
struct Rivals {
    /// Stronger (higher priority, or a slower tempo): they win clashes.
    stronger: Vec<usize>,
    /// As strong: clashes are reported.
    equals: Vec<usize>,
    /// Weaker but expanded first (composed from): clashes are reported.
    weaker: Vec<usize>,
}

struct Engine<'a> {
    community: &'a Community,
    window: Window,
    options: ExpandOptions,
    horizon_margin: Duration,
    done: Vec<Option<Expanded>>,
    /// Occurrences inside the window so far (the plan's cap counts these).
    total: usize,
    /// Occurrences generated so far, before the window too.
    generated: usize,
    conflicts: Vec<Conflict>,
    warnings: Vec<String>,
    shares: Vec<Vec<usize>>,
    /// Per rhythm: whether another composes with its spans before the window (so it keeps the
    /// spans of history candidates it otherwise only counts).
    needed: Vec<bool>,
    /// Zone offset bounds over `reach`, per zone, and the runs of one offset
    /// (history::offset_bounds).
    offsets: HashMap<Tz, history::Offsets>,
    /// UTC seconds from two days before the earliest rhythm start to two days past the horizon.
    reach: (i64, i64),
    /// Per rhythm and zone, the local dates each of its spans touches (`Engine::span_days`).
    span_days: HashMap<(usize, Tz), Arc<[Dates]>>,
    /// Per rhythm, its spans by time of week (`Engine::week_index`).
    week_indexes: HashMap<usize, Arc<history::WeekIndex>>,
}

/// Expands a community's rhythms over `window` into a plan.
pub(crate) fn plan(
    community: &Community,
    window: Window,
    options: ExpandOptions,
) -> Result<Plan, Error> {
    let resolved = &community.resolved;
    let n = community.rhythms.len();
    let max_offset = community
        .rhythms
        .iter()
        .filter_map(|r| match &r.timing {
            Timing::Offset(o) => Some(i64::from(o.days.unsigned_abs())),
            Timing::Cadence(_) => None,
        })
        .max()
        .unwrap_or(0);
    let horizon_margin = Duration::days(8 + 61 + max_offset);

    // Which rhythms share a member.
    let mut by_member: HashMap<usize, Vec<usize>> = HashMap::new();
    for (rhythm, list) in resolved.attendees.iter().enumerate() {
        for member in list.iter() {
            by_member.entry(*member).or_default().push(rhythm);
        }
    }
    let mut pairs: HashSet<(usize, usize)> = HashSet::new();
    for list in by_member.values() {
        for (i, a) in list.iter().enumerate() {
            for b in list.iter().skip(i + 1) {
                pairs.insert(((*a).min(*b), (*a).max(*b)));
            }
        }
    }
    let strength = |i: usize| {
        let priority = community.rhythms.get(i).map_or(0, |r| r.priority);
        (priority, resolved.period.get(i).copied().unwrap_or(0))
    };
    // Who composes with a rhythm's spans before the window: what depends on it, and what it is
    // stronger than among those sharing a member.
    let mut needed = vec![false; n];
    for deps in &resolved.depends_on {
        for d in deps {
            if let Some(slot) = needed.get_mut(*d) {
                *slot = true;
            }
        }
    }
    for (a, b) in &pairs {
        let stronger = match strength(*a).cmp(&strength(*b)) {
            std::cmp::Ordering::Greater => Some(*a),
            std::cmp::Ordering::Less => Some(*b),
            std::cmp::Ordering::Equal => None,
        };
        if let Some(slot) = stronger.and_then(|s| needed.get_mut(s)) {
            *slot = true;
        }
    }
    let earliest =
        resolved.start.iter().copied().min().unwrap_or(community.start).min(community.start);
    let reach = (
        earliest.and_time(chrono::NaiveTime::MIN).and_utc().timestamp() - 2 * 86_400,
        (window.end() + horizon_margin).timestamp() + 2 * 86_400,
    );
    let mut shares = vec![Vec::new(); n];
    for (a, b) in pairs {
        if let Some(list) = shares.get_mut(a) {
            list.push(b);
        }
        if let Some(list) = shares.get_mut(b) {
            list.push(a);
        }
    }
    for list in &mut shares {
        list.sort_unstable();
    }

    let mut engine = Engine {
        community,
        window,
        options,
        horizon_margin,
        done: (0..n).map(|_| None).collect(),
        total: 0,
        generated: 0,
        conflicts: Vec::new(),
        warnings: Vec::new(),
        shares,
        needed,
        offsets: HashMap::new(),
        reach,
        span_days: HashMap::new(),
        week_indexes: HashMap::new(),
    };

    // Kahn's algorithm, strongest rhythm first among those whose dependencies are done.
    let mut indegree = vec![0usize; n];
    let mut dependents = vec![Vec::new(); n];
    for (i, deps) in resolved.depends_on.iter().enumerate() {
        let mut unique = deps.clone();
        unique.sort_unstable();
        unique.dedup();
        if let Some(slot) = indegree.get_mut(i) {
            *slot = unique.len();
        }
        for d in unique {
            if let Some(list) = dependents.get_mut(d) {
                list.push(i);
            }
        }
    }
    let rank = |i: usize| {
        let priority = community.rhythms.get(i).map_or(0, |r| r.priority);
        let period = resolved.period.get(i).copied().unwrap_or(0);
        (priority, period, Reverse(i))
    };
    let mut ready: BinaryHeap<(i32, u64, Reverse<usize>)> =
        (0..n).filter(|i| indegree.get(*i) == Some(&0)).map(rank).collect();
    while let Some((_, _, Reverse(i))) = ready.pop() {
        let expanded = engine.expand(i)?;
        if let Some(slot) = engine.done.get_mut(i) {
            *slot = Some(expanded);
        }
        for d in dependents.get(i).cloned().unwrap_or_default() {
            if let Some(slot) = indegree.get_mut(d) {
                *slot = slot.saturating_sub(1);
                if *slot == 0 {
                    ready.push(rank(d));
                }
            }
        }
    }
    engine.finish()
}

impl Engine<'_> {
    fn rhythm(&self, i: usize) -> Option<&Rhythm> {
        self.community.rhythms.get(i)
    }

    fn zone(&self, i: usize) -> Tz {
        self.community.resolved.zone.get(i).copied().unwrap_or(self.community.zone)
    }

    fn spans(&self, i: usize) -> &[(i64, i64)] {
        self.done.get(i).and_then(Option::as_ref).map(|e| e.spans.as_slice()).unwrap_or_default()
    }

    fn budget_error(&self, rhythm: &Rhythm, limit: usize, per_plan: bool) -> Error {
        Error::TooManyOccurrences { rhythm: rhythm.id.clone(), limit, per_plan }
    }

    /// Expands rhythm `i` through the steps of the module doc, one function each.
    fn expand(&mut self, i: usize) -> Result<Expanded, Error> {
        let community = self.community;
        let Some(rhythm) = community.rhythms.get(i) else { return Ok(Expanded::empty()) };
        if rhythm.auto {
            // `at = "auto"` and never placed by the solver: there is no time to expand at.
            self.warnings.push(format!(
                "rhythm `{}` has `at = \"auto\"` and was not placed by the solver, so it has no occurrences; give it a time, or widen its members' windows so the solver can place it",
                rhythm.id
            ));
            return Ok(Expanded::empty());
        }
        let zone = self.zone(i);
        let length = i64::from(rhythm.length.minutes()) * 60;
        // A break that shifts can move an occurrence past many others: such rhythms keep their
        // whole history (breaks that cancel are checked one candidate at a time in `sparse`).
        let shifts_for_breaks =
            rhythm.on_break == crate::breaks::OnBreak::Shift && self.breaks_of(i).is_some();
        let far_kind = matches!(rhythm.timing, Timing::Cadence(_))
            && !shifts_for_breaks
            && rhythm.within.is_none()
            && rhythm.after.is_none();
        // Candidates a day apart keep their order and stay distinct as instants when the zone's
        // offsets differ by less than a day (not so in Samoa, which skipped 2011-12-30).
        let narrow_zone = far_kind && {
            let (low, high) = self.offsets(zone);
            high - low < 86_400
        };
        let window_start_local = self.window.start().with_timezone(&zone).naive_local();
        let stepped = if narrow_zone { self.stepped(i, rhythm, zone)? } else { None };
        let (locals, candidates) = match stepped {
            Some(candidates) => (Vec::new(), Some(candidates)),
            None => {
                let locals = self.candidates(i, rhythm, zone)?;
                self.count(rhythm, zone, locals.len(), &locals)?;
                let far = narrow_zone && locals.first().is_some_and(|l| *l < window_start_local);
                if far {
                    let candidates = history::Candidates::listed(locals);
                    if candidates.a_day_apart() {
                        (Vec::new(), Some(candidates))
                    } else {
                        (candidates.into_tail(), None)
                    }
                } else {
                    (locals, None)
                }
            }
        };
        let excepts = self.excepts(rhythm, zone);
        let rivals = self.rivals(i, rhythm, &excepts);
        let (mut occs, left) = if let Some(mut candidates) = candidates {
            if let Some(commitment) = &rhythm.commitment {
                let limit = renewal_limit(commitment, candidates.len(), |k| {
                    candidates.local(k).map(|l| l.date())
                });
                candidates.truncate(limit);
            }
            let sparse = Sparse { candidates: &candidates, length };
            self.sparse(i, rhythm, zone, &sparse, &excepts, &rivals.stronger)
        } else {
            let mut occs = occurrences(zone, length, rhythm.all_day, locals);
            self.select(rhythm, &mut occs);
            for (k, occ) in occs.iter_mut().enumerate() {
                occ.index = k as u64;
            }
            if let Some(commitment) = &rhythm.commitment {
                let limit =
                    renewal_limit(commitment, occs.len(), |k| occs.get(k).map(|o| o.local.date()));
                occs.truncate(limit);
            }
            (occs, Left::default())
        };
        self.commit(rhythm, zone, &mut occs);
        self.apply_breaks(i, rhythm, zone, &mut occs);
        self.apply_excepts(rhythm, zone, &mut occs, &excepts);
        self.precedence(i, rhythm, zone, &mut occs, &excepts, &rivals);
        Ok(rotate(occs, left))
    }

    /// Steps 1 to 3 for a far window, when candidates are numbered by position (a cadence, no
    /// selection, a day or more apart): the candidates before the window that nothing can touch
    /// are left out, only counted (see `history`), and their spans kept when another rhythm
    /// composes with this one. Every other candidate becomes an occurrence, numbered.
    fn sparse(
        &mut self,
        i: usize,
        rhythm: &Rhythm,
        zone: Tz,
        candidates: &Sparse<'_>,
        excepts: &[(usize, ClashScope, Touches)],
        stronger: &[usize],
    ) -> (Vec<Occ>, Left) {
        let Sparse { candidates, length } = *candidates;
        let lengths = history::Lengths {
            length,
            per_cycle: rhythm.commitment.as_ref().map(|c| u64::from(c.meetings) + 1),
            retrospective: rhythm
                .commitment
                .as_ref()
                .and_then(|c| c.retrospective)
                .map(|l| i64::from(l.minutes()) * 60),
        };
        let longest = lengths.longest();
        let history = candidates.before(self.cutoff(zone, longest));
        let offsets = self.offsets(zone);
        let by_week = self.week_indexes_of(excepts, stronger);
        let reaches = self.reaches(i, excepts, stronger, &by_week);
        let runs = self.offsets.get(&zone).map(|o| o.1.as_slice()).unwrap_or_default();
        let mut probe = history::Probe::new(candidates, zone, rhythm.all_day, lengths, runs);
        let hits = history::hits(&mut probe, history, &reaches, offsets, longest);
        let shifts = rhythm.on_clash == ClashPolicy::Shift;
        // A hit of a rhythm that skips (breaks here never shift, see `expand`) is cancelled
        // whatever the step that finds it: unless the window's edge keeps it, it is only counted.
        let (keep, cancelled): (_, Vec<usize>) = if shifts {
            (history::around(candidates, &hits, true, longest, history), Vec::new())
        } else {
            let edge = history::around(candidates, &[], false, longest, history);
            let cancelled = hits.into_iter().filter(|k| !history::within(&edge, *k)).collect();
            (edge, cancelled)
        };
        let needed = self.needed.get(i).copied().unwrap_or(true);
        let kept = keep.iter().map(ExactSizeIterator::len).sum::<usize>();
        let mut occs = Vec::with_capacity(candidates.len() - history + kept);
        // When needed, every candidate not cancelled ends up a span (`rotate` adds the kept).
        let mut quiet = if needed {
            Vec::with_capacity(candidates.len().saturating_sub(cancelled.len()))
        } else {
            Vec::new()
        };
        let push = |k: usize, occs: &mut Vec<Occ>| {
            if let Some(local) = candidates.local(k) {
                occs.push(occurrence(zone, length, rhythm.all_day, local, k as u64));
            }
        };
        if needed {
            // Another rhythm composes with this one's spans: every history span is kept, read
            // by the probe (from the zone's runs of one offset where it can be).
            let mut next_cancelled = cancelled.iter().copied().peekable();
            let mut next_kept = keep.iter().cloned().peekable();
            let mut k = 0;
            while k < history {
                if let Some(range) = next_kept.next_if(|r| r.start <= k) {
                    for k in range.clone() {
                        push(k, &mut occs);
                    }
                    k = range.end.max(k + 1);
                    continue;
                }
                let quiet_to = next_kept.peek().map_or(history, |r| r.start.min(history));
                for k in k..quiet_to {
                    if next_cancelled.next_if_eq(&k).is_none()
                        && let Some(span) = probe.span(k)
                    {
                        quiet.push(span);
                    }
                }
                k = quiet_to;
            }
        } else {
            for k in keep.into_iter().flatten() {
                push(k, &mut occs);
            }
        }
        for k in history..candidates.len() {
            push(k, &mut occs);
        }
        let cancelled = cancelled.into_iter().map(|k| k as u64).collect();
        (occs, Left { quiet, cancelled })
    }

    /// The spans that may touch a far window's history of rhythm `i`: those of the rhythms it
    /// yields to (`excepts`), of the stronger rhythms sharing a member, and of its breaks.
    fn reaches<'s>(
        &'s self,
        i: usize,
        excepts: &'s [(usize, ClashScope, Touches)],
        stronger: &[usize],
        by_week: &'s HashMap<usize, Arc<history::WeekIndex>>,
    ) -> Vec<history::Reach<'s>> {
        use history::{Reach, Touch};
        let by_week_of = |q: &usize| by_week.get(q).map(|index| &**index);
        let yields = excepts.iter().map(|(q, scope, touched)| {
            let (touch, days): (Touch, &[Dates]) = match scope {
                ClashScope::Span => (Touch::Overlap, &[]),
                ClashScope::Day => (Touch::Day, &touched.days),
                ClashScope::Week => (Touch::Week, &touched.days),
            };
            Reach { spans: self.spans(*q), touch, by_week: by_week_of(q), days }
        });
        let stronger = stronger.iter().map(|q| Reach {
            spans: self.spans(*q),
            touch: Touch::Overlap,
            by_week: by_week_of(q),
            days: &[],
        });
        let breaks = self.breaks_of(i).map(|b| Reach {
            spans: b.union(),
            touch: Touch::Holds,
            by_week: None,
            days: &[],
        });
        yields.chain(stronger).chain(breaks).collect()
    }

    /// The week indexes of the rhythms whose spans a far window's history checks by overlap.
    fn week_indexes_of(
        &mut self,
        excepts: &[(usize, ClashScope, Touches)],
        stronger: &[usize],
    ) -> HashMap<usize, Arc<history::WeekIndex>> {
        let overlapping = excepts
            .iter()
            .filter(|(_, scope, _)| *scope == ClashScope::Span)
            .map(|(q, _, _)| *q)
            .chain(stronger.iter().copied());
        overlapping.map(|q| (q, self.week_index(q))).collect()
    }

    /// Where a far window's history ends for a rhythm in `zone` whose occurrences last at most
    /// `longest` seconds: what starts within 16 days (and a length) of the window goes through
    /// the engine whole, since the window's occurrences look back that far (`near`, shifts,
    /// overlaps).
    fn cutoff(&self, zone: Tz, longest: i64) -> NaiveDateTime {
        (self.window.start() - Duration::seconds(16 * 86_400 + longest))
            .with_timezone(&zone)
            .naive_local()
    }

    /// Step 1 for a far window of a plain daily or weekly rule: the candidates by arithmetic,
    /// those before the history's end only counted ([`history::Candidates`]); the same bounds
    /// and errors as [`Engine::candidates`] and [`Engine::count`]. `None` when the rule is not
    /// plain or its first candidate is not before the window.
    fn stepped(
        &mut self,
        i: usize,
        rhythm: &Rhythm,
        zone: Tz,
    ) -> Result<Option<history::Candidates>, Error> {
        let Timing::Cadence(crate::Cadence::Rule(rule)) = &rhythm.timing else { return Ok(None) };
        let start_date =
            self.community.resolved.start.get(i).copied().unwrap_or(self.community.start);
        let horizon = (self.window.end() + self.horizon_margin).with_timezone(&zone).naive_local();
        let dtstart = start_date.and_time(rhythm.at);
        let until = rule.until_within(Some(zone), horizon);
        let Some(steps) = rule.steps(dtstart, until) else { return Ok(None) };
        let window_start_local = self.window.start().with_timezone(&zone).naive_local();
        if horizon < dtstart || steps.nth(0).is_none_or(|first| first >= window_start_local) {
            return Ok(None);
        }
        let budget = self.options.max_per_rhythm;
        let generation_cap = budget.saturating_mul(4).saturating_add(100_000);
        let generated = usize::try_from(steps.len()).unwrap_or(usize::MAX);
        if generated > generation_cap {
            return Err(self.budget_error(rhythm, budget, false));
        }
        // `end` keeps the candidates on or before its date.
        let len = match rhythm.end.and_then(|end| end.succ_opt()) {
            Some(after) => {
                let bound = after.and_time(chrono::NaiveTime::MIN);
                usize::try_from(steps.count_before(bound)).unwrap_or(usize::MAX).min(generated)
            }
            None => generated,
        };
        // The history can end no later than the earliest cutoff `sparse` uses (its longest
        // occurrence is at most a retrospective or the rhythm's length).
        let longest = rhythm
            .commitment
            .as_ref()
            .and_then(|c| c.retrospective)
            .map_or(0, |l| i64::from(l.minutes()) * 60)
            .max(i64::from(rhythm.length.minutes()) * 60);
        let first = usize::try_from(steps.count_before(self.cutoff(zone, longest)))
            .unwrap_or(usize::MAX)
            .min(len);
        let candidates = history::Candidates::stepped(steps, len, first);
        self.count(rhythm, zone, len, candidates.tail())?;
        Ok(Some(candidates))
    }

    /// The lowest and highest UTC offset `zone` uses over the plan's reach, computed once.
    fn offsets(&mut self, zone: Tz) -> (i64, i64) {
        self.offset_runs(zone).0
    }

    /// [`Engine::offsets`], with the runs of one offset.
    fn offset_runs(&mut self, zone: Tz) -> &history::Offsets {
        let (from, to) = self.reach;
        self.offsets.entry(zone).or_insert_with(|| history::offset_bounds(zone, from, to))
    }

    /// Step 1, Candidates: wall-clock start times, from the rhythm's start through the horizon (the
    /// window's end plus what compositions may reach), ascending and unique.
    fn candidates(&self, i: usize, rhythm: &Rhythm, zone: Tz) -> Result<Vec<NaiveDateTime>, Error> {
        let start_date =
            self.community.resolved.start.get(i).copied().unwrap_or(self.community.start);
        let horizon = (self.window.end() + self.horizon_margin).with_timezone(&zone).naive_local();
        let budget = self.options.max_per_rhythm;
        // Candidates past the window (up to the horizon) feed compositions but do not count
        // against the bound; generation itself is still capped.
        let generation_cap = budget.saturating_mul(4).saturating_add(100_000);
        let mut locals: Vec<NaiveDateTime> = match &rhythm.timing {
            Timing::Cadence(cadence) => {
                let dtstart = start_date.and_time(rhythm.at);
                cadence.local_starts(zone, dtstart, horizon, generation_cap).map_err(
                    |e| match e {
                        ExpandError::Budget => self.budget_error(rhythm, budget, false),
                        ExpandError::Rule(reason) => {
                            Error::Expansion { rhythm: rhythm.id.clone(), reason }
                        }
                    },
                )?
            }
            Timing::Offset(offset) => {
                let other = self.community.resolved.rhythm_index.get(&offset.rhythm).copied();
                let spans = other.map(|o| self.spans(o)).unwrap_or_default();
                let mut out = Vec::with_capacity(spans.len());
                for (s, e) in spans {
                    let edge = match offset.from {
                        Edge::Start => *s,
                        Edge::End => *e,
                    };
                    let Some(edge_local) = zone.timestamp_opt(edge, 0).single() else { continue };
                    let Some(mut date) = edge_local
                        .date_naive()
                        .checked_add_signed(Duration::days(i64::from(offset.days)))
                    else {
                        continue;
                    };
                    if let Some(weekday) = offset.weekday {
                        date = move_to_weekday(date, weekday, offset.days < 0);
                    }
                    if date >= start_date {
                        out.push(date.and_time(rhythm.at));
                    }
                }
                out.sort_unstable();
                out.dedup();
                if out.len() > budget {
                    return Err(self.budget_error(rhythm, budget, false));
                }
                out
            }
        };
        if let Some(end) = rhythm.end {
            locals.retain(|l| l.date() <= end);
        }
        Ok(locals)
    }

    /// The caps count what the window holds. What lies before it (expanded so cycles and
    /// rotation count from the rhythm's start) is bounded apart: per rhythm by the generation cap
    /// in [`Engine::candidates`], per plan at four times the plan's cap plus 100,000.
    /// `len` is how many candidates there are, of which `locals` lists every one from the
    /// window's start on (a far window's history may be counted, not listed).
    fn count(
        &mut self,
        rhythm: &Rhythm,
        zone: Tz,
        len: usize,
        locals: &[NaiveDateTime],
    ) -> Result<(), Error> {
        let budget = self.options.max_per_rhythm;
        let window_start_local = self.window.start().with_timezone(&zone).naive_local();
        let window_end_local = self.window.end().with_timezone(&zone).naive_local();
        let in_window = locals
            .partition_point(|l| *l < window_end_local)
            .saturating_sub(locals.partition_point(|l| *l < window_start_local));
        if in_window > budget {
            return Err(self.budget_error(rhythm, budget, false));
        }
        self.total = self.total.saturating_add(in_window);
        self.generated = self.generated.saturating_add(len);
        let plan_cap = self.options.max_per_plan;
        if self.total > plan_cap
            || self.generated > plan_cap.saturating_mul(4).saturating_add(100_000)
        {
            return Err(self.budget_error(rhythm, plan_cap, true));
        }
        Ok(())
    }

    /// Step 2, Selection: `within` keeps candidates inside another's spans; `after` keeps the nth
    /// candidate after each of another's occurrences.
    fn select(&self, rhythm: &Rhythm, occs: &mut Vec<Occ>) {
        if let Some(within) =
            rhythm.within.as_ref().and_then(|w| self.community.resolved.rhythm_index.get(w))
        {
            let parent = self.spans(*within);
            occs.retain(|o| inside(parent, o.start, o.end));
        }
        if let Some(after) = &rhythm.after
            && let Some(other) = self.community.resolved.rhythm_index.get(&after.rhythm)
        {
            let nth = usize::try_from(after.nth).unwrap_or(1).max(1);
            let mut keep: Vec<usize> = self
                .spans(*other)
                .iter()
                .filter_map(|(_, e)| {
                    let first = occs.partition_point(|o| o.start < *e);
                    let index = first + nth - 1;
                    (index < occs.len()).then_some(index)
                })
                .collect();
            keep.sort_unstable();
            keep.dedup();
            *occs = keep.into_iter().filter_map(|k| occs.get(k).cloned()).collect();
        }
    }

    /// Step 3, Commitment: candidates are numbered into cycles of `meetings` plus a
    /// retrospective; a retrospective that outgrows its `within` parent is cancelled.
    fn commit(&self, rhythm: &Rhythm, zone: Tz, occs: &mut [Occ]) {
        let Some(commitment) = &rhythm.commitment else { return };
        let per_cycle = u64::from(commitment.meetings) + 1;
        let retro_length = commitment.retrospective.map(|l| i64::from(l.minutes()) * 60);
        // Renewal has already cut the candidates (`renewal_limit`).
        for occ in occs.iter_mut() {
            let number = occ.index / per_cycle;
            let position = occ.index % per_cycle;
            let retrospective = position + 1 == per_cycle;
            if retrospective && let Some(len) = retro_length {
                occ.end = end_of(zone, occ.local, occ.start, len, rhythm.all_day);
            }
            occ.cycle = Some(Cycle {
                number: u32::try_from(number + 1).unwrap_or(u32::MAX),
                meeting: u32::try_from(position + 1).unwrap_or(u32::MAX),
                meetings: commitment.meetings,
                retrospective,
            });
        }
        // A retrospective longer than the meetings must still fit inside a `within` parent.
        if let Some(parent) =
            rhythm.within.as_ref().and_then(|w| self.community.resolved.rhythm_index.get(w))
        {
            let spans = self.spans(*parent);
            for occ in occs.iter_mut() {
                if !inside(spans, occ.start, occ.end) {
                    occ.status =
                        St::Cancelled { why: Why::Outside { parent: *parent }, tried_shift: false };
                }
            }
        }
    }

    /// The rhythms this one (in `zone`) yields to with `except`, each with the days and weeks it
    /// touches.
    fn excepts(&mut self, rhythm: &Rhythm, zone: Tz) -> Vec<(usize, ClashScope, Touches)> {
        let mut out = Vec::with_capacity(rhythm.except.len());
        for e in &rhythm.except {
            let Some(other) = self.community.resolved.rhythm_index.get(&e.rhythm).copied() else {
                continue;
            };
            let spans = self.spans(other);
            let longest = spans.iter().map(|(s, e)| e - s).max().unwrap_or(0);
            let days = match e.scope {
                ClashScope::Span => Arc::from(Vec::new()),
                ClashScope::Day | ClashScope::Week => self.span_days(other, zone),
            };
            out.push((other, e.scope, Touches { longest, days }));
        }
        out
    }

    /// Rhythm `q`'s spans by time of week (`history::WeekIndex`), computed once per rhythm.
    fn week_index(&mut self, q: usize) -> Arc<history::WeekIndex> {
        if let Some(index) = self.week_indexes.get(&q) {
            return index.clone();
        }
        let index = Arc::new(history::WeekIndex::new(self.spans(q)));
        self.week_indexes.insert(q, index.clone());
        index
    }

    /// The local dates in `zone` that each of rhythm `other`'s spans touches ([`local_days`]),
    /// computed once per rhythm and zone.
    fn span_days(&mut self, other: usize, zone: Tz) -> Arc<[Dates]> {
        if let Some(days) = self.span_days.get(&(other, zone)) {
            return days.clone();
        }
        self.offset_runs(zone);
        let runs = self.offsets.get(&zone).map(|o| o.1.as_slice()).unwrap_or_default();
        let days: Arc<[Dates]> =
            self.spans(other).iter().map(|(s, e)| local_days(zone, runs, *s, *e)).collect();
        self.span_days.insert((other, zone), days.clone());
        days
    }

    /// Step 4, Except: candidates that clash with a rhythm they yield to are skipped or shifted.
    fn apply_excepts(
        &self,
        rhythm: &Rhythm,
        zone: Tz,
        occs: &mut [Occ],
        excepts: &[(usize, ClashScope, Touches)],
    ) {
        if excepts.is_empty() {
            return;
        }
        for index in 0..occs.len() {
            let Some(occ) = occs.get(index).filter(|o| o.active()) else { continue };
            let Some(why) = self.except_clash(zone, excepts, occ.start, occ.end) else {
                continue;
            };
            let status = self.resolve_loss(rhythm, zone, occs, index, why, excepts, &[]);
            if let Some(occ) = occs.get_mut(index) {
                apply(occ, status);
            }
        }
    }

    fn except_clash(
        &self,
        zone: Tz,
        excepts: &[(usize, ClashScope, Touches)],
        start: i64,
        end: i64,
    ) -> Option<Why> {
        let mut own_days = None;
        for (other, scope, touched) in excepts {
            let hit = match scope {
                ClashScope::Span => overlaps_any(self.spans(*other), start, end).map(|(s, _)| s),
                ClashScope::Day | ClashScope::Week => {
                    let spans = self.spans(*other);
                    let near = nearby(spans, touched.longest, start, end);
                    match (spans.get(near.clone()), touched.days.get(near)) {
                        (Some(spans), Some(days)) if !spans.is_empty() => {
                            let runs = self.offsets.get(&zone).map(|o| o.1.as_slice());
                            let own = *own_days.get_or_insert_with(|| {
                                local_days(zone, runs.unwrap_or_default(), start, end)
                            });
                            own.and_then(|own| {
                                first_touching(spans, days, own, *scope == ClashScope::Week)
                            })
                        }
                        _ => None,
                    }
                }
            };
            if let Some(other_start) = hit {
                return Some(Why::Except { other: *other, scope: *scope, other_start });
            }
        }
        None
    }

    /// What happens to occurrence `index` of rhythm `i` that lost a clash: a shift to the nearest
    /// free day in the same ISO week when the policy allows and one exists, else a cancellation.
    #[allow(clippy::too_many_arguments)]
    fn resolve_loss(
        &self,
        rhythm: &Rhythm,
        zone: Tz,
        occs: &[Occ],
        index: usize,
        why: Why,
        excepts: &[(usize, ClashScope, Touches)],
        stronger: &[usize],
    ) -> Loss {
        let Some(occ) = occs.get(index) else { return Loss::Cancel { why, tried_shift: false } };
        if rhythm.on_clash != ClashPolicy::Shift {
            return Loss::Cancel { why, tried_shift: false };
        }
        let length = occ.end - occ.start;
        let date = occ.local.date();
        let week = iso_week(date);
        for step in [1i64, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6] {
            let Some(day) = date.checked_add_signed(Duration::days(step)) else { continue };
            if iso_week(day) != week {
                continue;
            }
            let local = day.and_time(occ.local.time());
            let start = resolve_local(zone, local).timestamp();
            let end =
                end_of(zone, local, start, whole_days(length, rhythm.all_day), rhythm.all_day);
            if self.except_clash(zone, excepts, start, end).is_some()
                || self.in_break(rhythm, start)
            {
                continue;
            }
            if stronger.iter().any(|s| overlaps_any(self.spans(*s), start, end).is_some()) {
                continue;
            }
            // Not onto another occurrence of the same rhythm.
            let own = occs.iter().enumerate().any(|(k, o)| {
                k != index && (o.start == start || o.active() && o.start < end && start < o.end)
            });
            if own {
                continue;
            }
            return Loss::Shift { why, start, end };
        }
        Loss::Cancel { why, tried_shift: true }
    }

    /// Step 5, Precedence: candidates that clash with a stronger rhythm sharing a member are
    /// skipped or shifted; clashes between equals are reported as conflicts.
    fn precedence(
        &mut self,
        i: usize,
        rhythm: &Rhythm,
        zone: Tz,
        occs: &mut [Occ],
        excepts: &[(usize, ClashScope, Touches)],
        rivals: &Rivals,
    ) {
        let Rivals { stronger, equals, weaker } = rivals;
        if !stronger.is_empty() {
            for index in 0..occs.len() {
                let Some(occ) = occs.get(index) else { continue };
                if !occ.active() {
                    continue;
                }
                let hit = stronger.iter().find_map(|q| {
                    overlaps_any(self.spans(*q), occ.start, occ.end).map(|(s, _)| (*q, s))
                });
                let Some((q, other_start)) = hit else { continue };
                let by_priority = self.rhythm(q).is_some_and(|o| o.priority > rhythm.priority);
                let why = Why::Precedence { other: q, other_start, by_priority };
                let status = self.resolve_loss(rhythm, zone, occs, index, why, excepts, stronger);
                if let Some(occ) = occs.get_mut(index) {
                    apply(occ, status);
                }
            }
        }
        for q in equals {
            self.report_conflict(i, *q, occs, false);
        }
        for q in weaker {
            self.report_conflict(i, *q, occs, true);
        }
    }

    /// The rhythms that share a member with rhythm `i` and are already expanded, by strength.
    fn rivals(
        &self,
        i: usize,
        rhythm: &Rhythm,
        excepts: &[(usize, ClashScope, Touches)],
    ) -> Rivals {
        let resolved = &self.community.resolved;
        let my_rank = (rhythm.priority, resolved.period.get(i).copied().unwrap_or(0));
        let mut stronger = Vec::new();
        let mut equals = Vec::new();
        let mut weaker = Vec::new();
        let Some(mine_within) = resolved.within_chain.get(i) else {
            return Rivals { stronger, equals, weaker };
        };
        for &q in self.shares.get(i).map(Vec::as_slice).unwrap_or_default() {
            if self.done.get(q).is_none_or(Option::is_none) {
                continue;
            }
            // A rhythm never clashes with what it lies within, nor with what lies within it,
            // nor with what it already yields to explicitly.
            if mine_within.contains(&q)
                || resolved.within_chain.get(q).is_some_and(|set| set.contains(&i))
                || excepts.iter().any(|(o, _, _)| *o == q)
            {
                continue;
            }
            let Some(other) = self.rhythm(q) else { continue };
            let their_rank = (other.priority, resolved.period.get(q).copied().unwrap_or(0));
            if their_rank > my_rank {
                stronger.push(q);
            } else if their_rank == my_rank {
                equals.push(q);
            } else {
                // Stronger than a rhythm that had to be expanded first (this one is composed from
                // it): tempi cannot revisit it, so the clash is reported instead.
                weaker.push(q);
            }
        }
        Rivals { stronger, equals, weaker }
    }

    fn report_conflict(&mut self, i: usize, q: usize, occs: &[Occ], composed: bool) {
        let window_start = self.window.start().timestamp();
        let window_end = self.window.end().timestamp();
        let mut count = 0usize;
        let mut first: Option<i64> = None;
        for occ in occs.iter().filter(|o| o.active()) {
            if occ.start < window_start || occ.start >= window_end {
                continue;
            }
            if overlaps_any(self.spans(q), occ.start, occ.end).is_some() {
                count += 1;
                first = first.or(Some(occ.start));
            }
        }
        let Some(first) = first else { return };
        let resolved = &self.community.resolved;
        let (Some(a), Some(b)) = (self.rhythm(i), self.rhythm(q)) else { return };
        let mine = resolved.attendees.get(i).cloned().unwrap_or_else(|| Arc::from(Vec::new()));
        let theirs = resolved.attendees.get(q).cloned().unwrap_or_else(|| Arc::from(Vec::new()));
        let shared: Vec<Arc<str>> = mine
            .iter()
            .filter(|m| theirs.binary_search(m).is_ok())
            .filter_map(|m| self.community.members.get(*m))
            .take(5)
            .map(|m| Arc::from(m.id.as_str()))
            .collect();
        let zone = self.zone(i);
        let first_local = zone
            .timestamp_opt(first, 0)
            .single()
            .unwrap_or_else(|| zone.from_utc_datetime(&DateTime::<Utc>::UNIX_EPOCH.naive_utc()));
        let names: Vec<&str> = shared.iter().map(|s| &**s).collect();
        let why = if composed {
            format!("`{}` is composed from `{}`, so it cannot make it yield", a.id, b.id)
        } else {
            "neither wins (same priority and tempo)".to_string()
        };
        let message = format!(
            "`{}` and `{}` overlap {count} time{} (first {}) and share {}; {why}, so both stay: give one a higher `priority`, move one, or let one yield with `except`",
            a.id,
            b.id,
            if count == 1 { "" } else { "s" },
            first_local.format("%Y-%m-%d %H:%M"),
            if names.is_empty() { "members".to_string() } else { names.join(", ") }
        );
        self.conflicts.push(Conflict {
            rhythms: [Arc::from(a.id.as_str()), Arc::from(b.id.as_str())],
            members: shared,
            first: first_local,
            count,
            message,
        });
    }

    fn finish(self) -> Result<Plan, Error> {
        let community = self.community;
        let window_start = self.window.start().timestamp();
        let window_end = self.window.end().timestamp();
        let member_ids: Vec<Arc<str>> =
            community.members.iter().map(|m| Arc::from(m.id.as_str())).collect();
        let rhythm_ids: Vec<Arc<str>> =
            community.rhythms.iter().map(|r| Arc::from(r.id.as_str())).collect();
        // Sort cheap keys, then build the occurrences in order (moving 200-byte values in a sort
        // of a large plan was a quarter of the plan's time).
        let mut id_rank: Vec<usize> = (0..community.rhythms.len()).collect();
        id_rank.sort_by(|a, b| {
            community.rhythms.get(*a).map(|r| &r.id).cmp(&community.rhythms.get(*b).map(|r| &r.id))
        });
        let mut rank_of = vec![0usize; community.rhythms.len()];
        for (rank, i) in id_rank.into_iter().enumerate() {
            if let Some(slot) = rank_of.get_mut(i) {
                *slot = rank;
            }
        }
        let mut keys: Vec<(i64, usize, usize, usize)> = Vec::new();
        for (i, expanded) in self.done.iter().enumerate() {
            let Some(expanded) = expanded else { continue };
            let rank = rank_of.get(i).copied().unwrap_or(0);
            for (k, occ) in expanded.occs.iter().enumerate() {
                if occ.start >= window_start && occ.start < window_end {
                    keys.push((occ.start, rank, i, k));
                }
            }
        }
        keys.sort_unstable();
        struct PerRhythm {
            zone: Tz,
            group: Arc<str>,
            attendees: Arc<[Arc<str>]>,
            rotation: Rotation,
            id: Arc<str>,
        }
        let mut per_rhythm: Vec<Option<PerRhythm>> = Vec::with_capacity(community.rhythms.len());
        for (i, rhythm) in community.rhythms.iter().enumerate() {
            if self.done.get(i).is_none_or(Option::is_none) {
                per_rhythm.push(None);
                continue;
            }
            let group_index = community.resolved.rhythm_group.get(i).copied().unwrap_or(0);
            let group: Arc<str> = Arc::from(
                community.groups.get(group_index).map(|g| g.id.as_str()).unwrap_or_default(),
            );
            let attendee_indices = community
                .resolved
                .attendees
                .get(i)
                .cloned()
                .unwrap_or_else(|| Arc::from(Vec::new()));
            let attendees: Arc<[Arc<str>]> =
                attendee_indices.iter().filter_map(|m| member_ids.get(*m).cloned()).collect();
            let rotation = Rotation::new(community, rhythm, &attendee_indices, &member_ids);
            let id = rhythm_ids.get(i).cloned().unwrap_or_else(|| Arc::from(""));
            per_rhythm.push(Some(PerRhythm { zone: self.zone(i), group, attendees, rotation, id }));
        }
        let mut occurrences = Vec::with_capacity(keys.len());
        for (_, _, i, k) in keys {
            let (Some(Some(meta)), Some(rhythm)) = (per_rhythm.get(i), community.rhythms.get(i))
            else {
                continue;
            };
            let Some(occ) = self.done.get(i).and_then(Option::as_ref).and_then(|e| e.occs.get(k))
            else {
                continue;
            };
            let zone = meta.zone;
            let (Some(start), Some(end)) = (
                zone.timestamp_opt(occ.start, 0).single(),
                zone.timestamp_opt(occ.end, 0).single(),
            ) else {
                continue;
            };
            let status = match occ.status {
                St::Scheduled => Status::Scheduled,
                St::Cancelled { why, tried_shift } => {
                    let mut reason = self.describe(why);
                    if tried_shift {
                        reason = Reason::NoFreeDay { cause: Box::new(reason) };
                    }
                    Status::Cancelled { reason }
                }
                St::Shifted { why, from } => Status::Shifted {
                    from: zone.timestamp_opt(from, 0).single().unwrap_or(start),
                    reason: self.describe(why),
                },
            };
            let mut roles = if occ.active() { meta.rotation.holders(occ.turn) } else { Vec::new() };
            let away = self.away_at(i, occ.start);
            let attendees = if away.is_empty() {
                meta.attendees.clone()
            } else {
                // Members on a personal break are not expected; their duties pass on.
                let away: Vec<Arc<str>> =
                    away.iter().filter_map(|m| member_ids.get(*m).cloned()).collect();
                let r = &meta.rotation;
                breaks::cover_duties(&mut roles, &r.rotating, &r.pool, &away);
                meta.attendees.iter().filter(|m| !away.contains(m)).cloned().collect()
            };
            occurrences.push(Occurrence {
                rhythm: meta.id.clone(),
                group: meta.group.clone(),
                category: rhythm.category,
                start,
                end,
                status,
                roles,
                attendees,
                cycle: occ.cycle,
                all_day: rhythm.all_day,
                mixers: Vec::new(),
            });
        }
        let mut conflicts = self.conflicts;
        conflicts.sort_by(|a, b| a.first.cmp(&b.first).then_with(|| a.rhythms.cmp(&b.rhythms)));
        Ok(Plan {
            community: Arc::from(community.id.as_str()),
            window: self.window,
            occurrences,
            conflicts,
            warnings: self.warnings,
        })
    }

    /// Why an occurrence moved or was cancelled, with the other rhythm's time in its own zone.
    fn describe(&self, why: Why) -> Reason {
        let local = |t: i64, other: usize| {
            let zone = self.zone(other);
            zone.timestamp_opt(t, 0)
                .single()
                .unwrap_or_else(|| zone.from_utc_datetime(&DateTime::<Utc>::UNIX_EPOCH.naive_utc()))
        };
        let id = |r: usize| Arc::from(self.rhythm(r).map(|r| r.id.as_str()).unwrap_or_default());
        let all_day = |r: usize| self.rhythm(r).is_some_and(|r| r.all_day);
        match why {
            Why::Except { other, scope, other_start } => Reason::Except {
                rhythm: id(other),
                scope,
                start: local(other_start, other),
                all_day: all_day(other),
            },
            Why::Outside { parent } => Reason::Outside { parent: id(parent) },
            Why::Precedence { other, other_start, by_priority } => Reason::Precedence {
                rhythm: id(other),
                start: local(other_start, other),
                all_day: all_day(other),
                by_priority,
            },
            Why::Break { rhythm, index } => self.describe_break(rhythm, index),
        }
    }
}

/// The outcome for an occurrence that lost a clash.
enum Loss {
    Cancel { why: Why, tried_shift: bool },
    Shift { why: Why, start: i64, end: i64 },
}

fn apply(occ: &mut Occ, loss: Loss) {
    match loss {
        Loss::Cancel { why, tried_shift } => {
            // A cancelled occurrence is reported at the time its cadence gave it.
            if let St::Shifted { from, .. } = occ.status {
                let length = occ.end - occ.start;
                occ.start = from;
                occ.end = from + length;
            }
            occ.status = St::Cancelled { why, tried_shift };
        }
        Loss::Shift { why, start, end } => {
            let from = match occ.status {
                St::Shifted { from, .. } => from,
                _ => occ.start,
            };
            occ.status = St::Shifted { why, from };
            occ.start = start;
            occ.end = end;
        }
    }
}

fn move_to_weekday(date: NaiveDate, weekday: Weekday, backwards: bool) -> NaiveDate {
    let mut day = date;
    for _ in 0..7 {
        if day.weekday() == weekday {
            return day;
        }
        let next = if backwards { day.pred_opt() } else { day.succ_opt() };
        match next {
            Some(next) => day = next,
            None => return day,
        }
    }
    day
}

/// Who holds each duty at each turn.
struct Rotation {
    fixed: Vec<(Arc<str>, Arc<str>)>,
    rotating: Vec<Arc<str>>,
    pool: Vec<Arc<str>>,
    order: Vec<(bool, usize)>,
}

impl Rotation {
    fn new(
        community: &Community,
        rhythm: &Rhythm,
        attendees: &[usize],
        member_ids: &[Arc<str>],
    ) -> Rotation {
        let mut fixed = Vec::new();
        let mut rotating = Vec::new();
        let mut order = Vec::new();
        let mut fixed_members = Vec::new();
        for role in &rhythm.roles {
            match &role.holder {
                Holder::Rotating => {
                    order.push((false, rotating.len()));
                    rotating.push(Arc::from(role.name.as_str()));
                }
                Holder::Fixed(member) => {
                    order.push((true, fixed.len()));
                    fixed_members.push(community.resolved.member_index.get(member).copied());
                    fixed.push((Arc::from(role.name.as_str()), Arc::from(member.as_str())));
                }
            }
        }
        // Fixed holders leave the rotation when enough others remain to fill the rotating roles.
        let without_fixed: Vec<usize> =
            attendees.iter().copied().filter(|m| !fixed_members.contains(&Some(*m))).collect();
        let chosen =
            if without_fixed.len() >= rotating.len() { without_fixed } else { attendees.to_vec() };
        let pool = chosen.iter().filter_map(|m| member_ids.get(*m).cloned()).collect();
        Rotation { fixed, rotating, pool, order }
    }

    fn holders(&self, turn: u64) -> Vec<RoleHolder> {
        let n = self.pool.len() as u64;
        self.order
            .iter()
            .filter_map(|(is_fixed, k)| {
                if *is_fixed {
                    let (role, member) = self.fixed.get(*k)?;
                    Some(RoleHolder { role: role.clone(), member: member.clone() })
                } else {
                    if n == 0 {
                        return None;
                    }
                    let role = self.rotating.get(*k)?;
                    let index = usize::try_from((turn + *k as u64) % n).ok()?;
                    Some(RoleHolder { role: role.clone(), member: self.pool.get(index)?.clone() })
                }
            })
            .collect()
    }
}

mod breaks;
mod history;
#[cfg(test)]
mod tests;
