//! Far windows: which of a rhythm's earlier candidates the engine must look at.
//!
//! A candidate before the window changes the window only through counts (its number in the
//! commitment cycle, and whether it went ahead, for rotation), unless something happens to it:
//! an `except` or a stronger rhythm touches it, or a neighbour that lost a clash looks at it for
//! a day to shift to. [`hits`] finds every candidate that a span touches, by walking the other
//! rhythms' spans (not the candidates) and testing each candidate within a span's bounds against
//! that span exactly ([`Probe`]); a [`WeekIndex`] lets a rule whose starts keep their time of
//! week skip the spans at other times of week. [`around`] keeps the hits with their neighbours
//! when the rhythm shifts; a rhythm that skips only counts its hits as cancelled. Every other
//! candidate went ahead unchanged, so it is only counted.

use std::ops::Range;

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::{Dates, end_of, first_shared, local_days, overlaps_from};
use crate::rule::{Steps, Walk};
use crate::time::resolve_local;

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Slack on every bound, an hour.
const SLACK: i64 = 3_600;

/// A zone's lowest and highest offset over the plan's reach, and its runs of one offset.
pub(super) type Offsets = ((i64, i64), Vec<Run>);

/// A run of probes that read one offset: `(first probe, last probe, offset)`.
pub(super) type Run = (i64, i64, i64);

/// Days between two probes of a zone's offset that read the same one. No zone in the tz
/// database changes its offset twice within this many days (the shortest offset lasted seven:
/// Brazil's 2000 summer time in Recife and Noronha, Gaza's planned 2040 Ramadan break), so two
/// probes that agree have no change between them; the test
/// `no_zone_changes_offset_twice_within_a_stride` holds every zone to it from 1900 to 2200.
pub(super) const STRIDE: i64 = 4;

/// The lowest and highest UTC offset, in seconds, that `zone` uses from `from` to `to` (UTC
/// seconds), and the runs of probes that read one offset: `(first probe, last probe, offset)`,
/// in order. Probes fall on whole days from `from`, every [`STRIDE`] days, and every day between
/// two that disagree; the offset is constant between two probes of one run.
pub(super) fn offset_bounds(zone: Tz, from: i64, to: i64) -> Offsets {
    use chrono::Offset;
    let read = |t: i64| {
        let utc = chrono::DateTime::from_timestamp(t, 0)?.naive_utc();
        Some(i64::from(zone.offset_from_utc_datetime(&utc).fix().local_minus_utc()))
    };
    let mut runs: Vec<Run> = Vec::new();
    let mut record = |t: i64, offset: i64| match runs.last_mut() {
        Some(run) if run.2 == offset => run.1 = t,
        _ => runs.push((t, t, offset)),
    };
    let end = to.max(from);
    let mut t = from;
    let mut last = read(t);
    if let Some(offset) = last {
        record(t, offset);
    }
    while let Some(offset) = last
        && t + DAY <= end
    {
        let next = (t + STRIDE * DAY).min(from + (end - from).div_euclid(DAY) * DAY);
        let read_next = read(next);
        if read_next == Some(offset) {
            record(next, offset);
            t = next;
            continue;
        }
        // It changed (or the zone cannot read `next`): every day between.
        last = None;
        let mut day = t + DAY;
        while day <= next {
            let Some(read_day) = read(day) else { break };
            record(day, read_day);
            last = Some(read_day);
            t = day;
            day += DAY;
        }
    }
    let low = runs.iter().map(|r| r.2).min();
    let high = runs.iter().map(|r| r.2).max();
    match (low, high) {
        (Some(low), Some(high)) => ((low, high), runs),
        _ => ((0, 0), Vec::new()),
    }
}

/// The offset at UTC second `t` when it lies within one of `runs` (see [`offset_bounds`]): the
/// offset is constant between two probes of one run.
pub(super) fn offset_at(runs: &[Run], t: i64) -> Option<i64> {
    let at = runs.partition_point(|(_, last, _)| *last < t);
    runs.get(at).filter(|(first, _, _)| *first <= t).map(|(_, _, offset)| *offset)
}

/// Wall-clock times to instants without a zone lookup, fastest for times that only grow: a wall
/// clock whose instant at its run's offset lies a day or more inside that run of one offset (see
/// [`offset_bounds`]) is that instant, exactly as [`crate::time::resolve_local`] reads it: no
/// other offset of the zone (all within a day of it) can show the same wall clock, so it is
/// neither in a gap nor in a fold.
pub(super) struct Resolver<'a> {
    runs: &'a [Run],
    at: usize,
}

impl<'a> Resolver<'a> {
    pub(super) fn new(runs: &'a [Run]) -> Resolver<'a> {
        Resolver { runs, at: 0 }
    }

    /// The instant (UTC seconds) of wall clock `seconds` (as [`seconds`]), when it lies well
    /// inside a run; `None` near a change of offset (the caller resolves it in the zone).
    pub(super) fn start(&mut self, seconds: i64) -> Option<i64> {
        if self.runs.get(self.at).is_some_and(|(first, _, offset)| seconds - offset < *first) {
            // Back in time: search. `seconds - offset - last` falls from run to run (each run
            // ends a day or more after the last, and offsets differ by less than a day).
            self.at = self.runs.partition_point(|(_, last, offset)| seconds - offset > *last);
        }
        while let Some((_, last, offset)) = self.runs.get(self.at) {
            if seconds - offset > *last {
                self.at += 1;
            } else {
                break;
            }
        }
        let (first, last, offset) = self.runs.get(self.at)?;
        let t = seconds - offset;
        (t >= first + DAY && t <= last - DAY).then_some(t)
    }
}

/// How a span reaches a candidate: by overlapping it (precedence, `except` in span scope), by
/// holding its start (a break), or by sharing a local date or an ISO week with it (`except` in
/// day or week scope).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Touch {
    Overlap,
    Holds,
    Day,
    Week,
}

/// Another rhythm's active spans (sorted by start) that may touch a candidate, and how.
pub(super) struct Reach<'a> {
    pub(super) spans: &'a [(i64, i64)],
    pub(super) touch: Touch,
    /// The spans by time of week, for an overlap reach with many spans.
    pub(super) by_week: Option<&'a WeekIndex>,
    /// For a day or week reach, each span's local dates in the candidates' zone
    /// ([`super::local_days`]), in order; else empty.
    pub(super) days: &'a [Dates],
}

/// Seconds in a week.
const WEEK: i64 = 7 * DAY;

/// Spans by where in the week they start, so that a rule whose starts keep their time of week
/// visits only the spans near those times ([`WeekIndex::near`]): a weekly check-in need not
/// visit every fortnightly circle meeting of seventy years to learn that none is on its day.
pub(super) struct WeekIndex {
    /// `(start modulo a week, position)`, ascending.
    keys: Vec<(i64, usize)>,
    /// The longest span, in seconds.
    longest: i64,
}

impl WeekIndex {
    pub(super) fn new(spans: &[(i64, i64)]) -> WeekIndex {
        let mut keys: Vec<(i64, usize)> =
            spans.iter().enumerate().map(|(j, (s, _))| (s.rem_euclid(WEEK), j)).collect();
        keys.sort_unstable();
        let longest = spans.iter().map(|(s, e)| e - s).max().unwrap_or(0);
        WeekIndex { keys, longest }
    }

    /// The positions, ascending, of every span whose overlap bounds ([`Reach::bounds`]) can hold
    /// a candidate whose wall clock (as seconds) is one of `residues` modulo a week; `None` when
    /// that is most of them (walk them all). Such a candidate L and span `[s, e)` meet only when
    /// s + low - longest - SLACK < L < e + high + SLACK, so s lies within
    /// (L - high - SLACK - (e - s), L - low + longest + SLACK).
    pub(super) fn near(
        &self,
        residues: &[i64],
        (low, high): (i64, i64),
        longest: i64,
    ) -> Option<Vec<usize>> {
        // s lies within [r - before, r + after] modulo a week, for each time of week r.
        let before = high + SLACK + self.longest;
        let after = longest + SLACK - low;
        let width = before + after;
        if width >= WEEK {
            return None;
        }
        let mut out = Vec::new();
        let mut take = |from: i64, to: i64| {
            let lo = self.keys.partition_point(|(key, _)| *key < from);
            let hi = self.keys.partition_point(|(key, _)| *key <= to).max(lo);
            out.extend(self.keys.get(lo..hi).unwrap_or_default().iter().map(|(_, j)| *j));
        };
        for r in residues {
            let from = (r - before).rem_euclid(WEEK);
            let to = from + width;
            take(from, to.min(WEEK - 1));
            if to >= WEEK {
                take(0, to - WEEK);
            }
        }
        if out.len() * 2 > self.keys.len() {
            return None;
        }
        out.sort_unstable();
        out.dedup();
        Some(out)
    }
}

impl Reach<'_> {
    /// The wall-clock seconds `(from, to)` (exclusive both) outside which no candidate's start
    /// can let span `[s, e)` touch it, for candidates lasting at most `longest` in a zone with
    /// offsets in `[low, high]`.
    ///
    /// A candidate at wall clock L starts at an instant whose local time is L, or later by a
    /// DST gap (at most `high - low`); it ends at most `longest + high - low` later on the wall
    /// clock. Overlap: the instants cross, so s + low - longest < L < e + high. Day and week:
    /// the span's local dates (in the candidate's zone) lie between the dates of the wall
    /// clocks s + low and e - 1 + high, so the candidate must start before the end of the last
    /// day (or of its ISO week) and end after the start of the first.
    pub(super) fn bounds(
        &self,
        s: i64,
        e: i64,
        (low, high): (i64, i64),
        longest: i64,
    ) -> (i64, i64) {
        let drift = high - low;
        match self.touch {
            Touch::Overlap | Touch::Holds => (s + low - longest - SLACK, e + high + SLACK),
            Touch::Day | Touch::Week => {
                let mut first = (s + low).div_euclid(DAY);
                let mut last = (e - 1 + high).max(s + low).div_euclid(DAY);
                if self.touch == Touch::Week {
                    // Days since 1970-01-01 (a Thursday): back to Monday, on to Sunday.
                    first -= (first + 3).rem_euclid(7);
                    last += 6 - (last + 3).rem_euclid(7);
                }
                (first * DAY - longest - 2 * drift - SLACK, (last + 1) * DAY + SLACK)
            }
        }
    }
}

/// A far window's candidates: those before the window that nothing touched are counted, not kept.
/// A plain daily or weekly rule gives them by arithmetic ([`Steps`]); any other cadence lists them
/// all (generated from the rhythm's start).
pub(super) struct Candidates {
    /// The arithmetic, for a plain rule.
    steps: Option<Steps>,
    /// How many candidates there are.
    len: usize,
    /// Candidates from number `first` on, as wall-clock times and as [`seconds`].
    first: usize,
    locals: Vec<NaiveDateTime>,
    seconds: Vec<i64>,
}

impl Candidates {
    /// Every candidate, listed.
    pub(super) fn listed(locals: Vec<NaiveDateTime>) -> Candidates {
        let seconds = seconds(&locals);
        Candidates { steps: None, len: locals.len(), first: 0, locals, seconds }
    }

    /// A plain rule's candidates, of which those from number `first` on are listed.
    pub(super) fn stepped(steps: Steps, len: usize, first: usize) -> Candidates {
        let locals: Vec<NaiveDateTime> = (first..len).filter_map(|k| steps.nth(k as u64)).collect();
        let seconds = seconds(&locals);
        Candidates { steps: Some(steps), len, first, locals, seconds }
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Keeps the first `n` candidates only.
    pub(super) fn truncate(&mut self, n: usize) {
        self.len = self.len.min(n);
        let listed = self.len.saturating_sub(self.first);
        self.locals.truncate(listed);
        self.seconds.truncate(listed);
    }

    /// The listed candidates, given back.
    pub(super) fn into_tail(self) -> Vec<NaiveDateTime> {
        self.locals
    }

    /// The listed candidates (every one from the history's end on).
    pub(super) fn tail(&self) -> &[NaiveDateTime] {
        &self.locals
    }

    /// Candidate `k`'s wall-clock start.
    pub(super) fn local(&self, k: usize) -> Option<NaiveDateTime> {
        if k >= self.len {
            return None;
        }
        match (k.checked_sub(self.first), &self.steps) {
            (Some(at), _) => self.locals.get(at).copied(),
            (None, Some(steps)) => steps.nth(k as u64),
            (None, None) => None,
        }
    }

    /// Candidate `k`'s start as [`seconds`].
    pub(super) fn second(&self, k: usize) -> Option<i64> {
        if k >= self.len {
            return None;
        }
        match (k.checked_sub(self.first), &self.steps) {
            (Some(at), _) => self.seconds.get(at).copied(),
            (None, Some(steps)) => steps.nth_seconds(k as u64),
            (None, None) => None,
        }
    }

    /// How many candidates start before wall-clock time `t`.
    pub(super) fn before(&self, t: NaiveDateTime) -> usize {
        match &self.steps {
            Some(steps) => usize::try_from(steps.count_before(t)).unwrap_or(usize::MAX),
            None => self.locals.partition_point(|l| *l < t),
        }
        .min(self.len)
    }

    /// How many candidates start (as [`seconds`]) before `at`.
    pub(super) fn below(&self, at: i64) -> usize {
        match &self.steps {
            Some(steps) => usize::try_from(steps.count_below_seconds(at)).unwrap_or(usize::MAX),
            None => self.seconds.partition_point(|l| *l < at),
        }
        .min(self.len)
    }

    /// A cursor for [`Seek::through`], fastest when asked of times that only grow.
    pub(super) fn seek(&self) -> Seek<'_> {
        Seek { candidates: self, walk: self.steps.as_ref().map(Steps::walk) }
    }

    /// Where in the week a plain rule's candidates fall (`Steps::week_residues`); `None` for a
    /// listed cadence.
    pub(super) fn week_residues(&self) -> Option<Vec<i64>> {
        self.steps.as_ref().map(Steps::week_residues)
    }

    /// Whether consecutive candidates are at least a day apart: then, in a zone whose offsets
    /// differ by less than a day, their instants keep the order of their wall-clock times
    /// whatever the DST policy does, no two meet and none is dropped, and a candidate's number
    /// is its position. A plain daily or weekly rule has at most one start a day.
    pub(super) fn a_day_apart(&self) -> bool {
        self.steps.is_some() || a_day_apart(&self.seconds)
    }
}

/// See [`Candidates::seek`].
pub(super) struct Seek<'a> {
    candidates: &'a Candidates,
    walk: Option<Walk<'a>>,
}

impl Seek<'_> {
    /// How many candidates start (as [`seconds`]) at or before `at`, and the next one's start.
    pub(super) fn through(&mut self, at: i64) -> (usize, Option<i64>) {
        let candidates = self.candidates;
        let count = match &mut self.walk {
            Some(walk) => {
                let (count, next) = walk.through(at);
                let count = usize::try_from(count).unwrap_or(usize::MAX);
                if count < candidates.len {
                    return (count, next);
                }
                count
            }
            None => candidates.seconds.partition_point(|l| *l <= at),
        };
        let count = count.min(candidates.len);
        (count, candidates.second(count))
    }
}

/// Each wall-clock start as seconds since 1970-01-01 00:00 on the same wall clock.
fn seconds(locals: &[NaiveDateTime]) -> Vec<i64> {
    locals.iter().map(|l| l.and_utc().timestamp()).collect()
}

/// Whether consecutive candidates (as [`seconds`]) are at least a day apart.
fn a_day_apart(seconds: &[i64]) -> bool {
    seconds.windows(2).all(|pair| match pair {
        [a, b] => b - a >= DAY,
        _ => true,
    })
}

/// The first `history` candidates that some span in `reaches` touches, in order, given that a
/// candidate lasts at most `longest` seconds and the zone's offsets lie in `offsets`. Found by
/// walking the spans, not the candidates (each span seeks its first candidate): every candidate
/// whose wall clock lies within a span's bounds ([`Reach::bounds`]) is a suspect, and the probe
/// says exactly whether that span touches it ([`Probe::touches`]). A span that touches a
/// candidate always names it, so a candidate is a hit exactly when one of the spans naming it
/// touches it.
pub(super) fn hits(
    probe: &mut Probe<'_>,
    history: usize,
    reaches: &[Reach<'_>],
    offsets: (i64, i64),
    longest: i64,
) -> Vec<usize> {
    let candidates = probe.candidates;
    let (low, high) = offsets;
    let mut out: Vec<usize> = Vec::new();
    let Some(last) = history.checked_sub(1).and_then(|k| candidates.second(k)) else {
        return out;
    };
    let residues = candidates.week_residues();
    for reach in reaches {
        let margin = match reach.touch {
            Touch::Overlap | Touch::Holds => 0,
            Touch::Day | Touch::Week => 8 * DAY,
        };
        let bound = margin + longest + SLACK + 2 * (high - low).max(0) + low.abs() + high.abs();
        // Spans that start after the last history candidate's reach cannot touch it.
        let upto = reach.spans.partition_point(|(s, _)| *s <= last + bound);
        let near = match (reach.by_week, &residues) {
            (Some(index), Some(residues)) if reach.touch == Touch::Overlap => {
                index.near(residues, offsets, longest)
            }
            _ => None,
        };
        // The spans to visit, in order: those near the candidates' times of week, or all.
        let (listed, all) = match &near {
            Some(list) => (list.as_slice(), 0..0),
            None => (&[][..], 0..upto),
        };
        let mut seek = candidates.seek();
        for j in listed.iter().copied().take_while(|j| *j < upto).chain(all) {
            let Some((s, e)) = reach.spans.get(j) else { continue };
            let (from, to) = reach.bounds(*s, *e, offsets, longest);
            let (mut k, mut next) = seek.through(from);
            while k < history && next.is_some_and(|l| l < to) {
                if probe.touches(k, reach, j) {
                    out.push(k);
                }
                k += 1;
                next = candidates.second(k);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// How long a rhythm's occurrences last: `length`, but a commitment's retrospective (every
/// `per_cycle`th candidate) may last longer.
#[derive(Clone, Copy)]
pub(super) struct Lengths {
    pub(super) length: i64,
    pub(super) per_cycle: Option<u64>,
    pub(super) retrospective: Option<i64>,
}

impl Lengths {
    /// The longest occurrence.
    pub(super) fn longest(&self) -> i64 {
        self.length.max(self.retrospective.unwrap_or(0))
    }
}

/// `k % n` (`n` not 0), in 32 bits where both fit: a far window asks it of every candidate it
/// checks, and a 64-bit division costs several times a 32-bit one on many processors.
fn position(k: u64, n: u64) -> u64 {
    match (u32::try_from(k), u32::try_from(n)) {
        (Ok(k), Ok(n)) if n > 0 => u64::from(k % n),
        _ => k.checked_rem(n).unwrap_or(0),
    }
}

/// A far window's history candidates read as spans, in the zone, as the engine would place them
/// (the DST policy, a retrospective's length), from the runs of one offset where they can be.
pub(super) struct Probe<'a> {
    pub(super) candidates: &'a Candidates,
    pub(super) zone: Tz,
    pub(super) all_day: bool,
    pub(super) lengths: Lengths,
    runs: &'a [Run],
    resolver: Resolver<'a>,
    /// The last candidate read, and its number.
    last: Option<(usize, Read)>,
    /// The last candidate whose place in its commitment cycle was asked, and that place.
    cycle_at: Option<(usize, u64)>,
}

/// A candidate as [`Probe`] reads it: its span, and its local dates once known.
#[derive(Clone, Copy)]
struct Read {
    span: Option<(i64, i64)>,
    dates: Option<Dates>,
    /// Its wall clock (as seconds), when its local dates are those of the wall clock.
    wall: Option<i64>,
}

impl<'a> Probe<'a> {
    pub(super) fn new(
        candidates: &'a Candidates,
        zone: Tz,
        all_day: bool,
        lengths: Lengths,
        runs: &'a [Run],
    ) -> Probe<'a> {
        let resolver = Resolver::new(runs);
        Probe { candidates, zone, all_day, lengths, runs, resolver, last: None, cycle_at: None }
    }

    /// Candidate `k`'s span `[start, end)` in UTC seconds: fastest asked in order.
    pub(super) fn span(&mut self, k: usize) -> Option<(i64, i64)> {
        self.read(k).span
    }

    /// Candidate `k`'s span, and its wall clock when its local dates come free from it: well
    /// inside a run of one offset and under a day long, they are the wall clock's (as
    /// `local_days` would read them).
    fn read(&mut self, k: usize) -> Read {
        if let Some((at, read)) = self.last
            && at == k
        {
            return read;
        }
        let length = self.length(k);
        let fast = match self.candidates.second(k) {
            Some(wall) if !self.all_day => self.resolver.start(wall).map(|start| (wall, start)),
            _ => None,
        };
        let read = match fast {
            Some((wall, start)) => Read {
                span: Some((start, start + length)),
                dates: None,
                wall: (length < DAY).then_some(wall),
            },
            None => {
                let span = self.candidates.local(k).map(|local| {
                    let start = resolve_local(self.zone, local).timestamp();
                    (start, end_of(self.zone, local, start, length, self.all_day))
                });
                Read { span, dates: None, wall: None }
            }
        };
        self.last = Some((k, read));
        read
    }

    /// Candidate `k`'s length in seconds: a retrospective's when it closes its commitment cycle.
    /// Its place in the cycle is counted on from the last one asked when that is near
    /// (candidates are mostly asked in order) rather than divided.
    fn length(&mut self, k: usize) -> i64 {
        let Lengths { length, per_cycle: Some(n), retrospective: Some(retro) } = self.lengths
        else {
            return self.lengths.length;
        };
        let place = match self.cycle_at {
            Some((at, place)) if k >= at && ((k - at) as u64) < n => {
                let next = place + (k - at) as u64;
                if next >= n { next - n } else { next }
            }
            _ => position(k as u64, n),
        };
        self.cycle_at = Some((k, place));
        if place + 1 == n { retro } else { length }
    }

    /// Whether span `j` of `reach` touches candidate `k`, exactly as the engine's steps decide
    /// (`except_clash`, `precedence`, `apply_breaks`).
    pub(super) fn touches(&mut self, k: usize, reach: &Reach<'_>, j: usize) -> bool {
        let read = self.read(k);
        let Some((start, end)) = read.span else { return false };
        match reach.touch {
            Touch::Overlap => overlaps_from(reach.spans, j, start, end).is_some(),
            Touch::Holds => reach.spans.get(j).is_some_and(|(s, e)| *s <= start && start < *e),
            Touch::Day | Touch::Week => {
                let length = end - start;
                let mine = match (read.dates, read.wall) {
                    (Some(known), _) => known,
                    (None, Some(wall)) => {
                        Some((wall.div_euclid(DAY), (wall + length.max(1) - 1).div_euclid(DAY)))
                    }
                    (None, None) => {
                        let dates = local_days(self.zone, self.runs, start, end);
                        self.last = Some((k, Read { dates: Some(dates), ..read }));
                        dates
                    }
                };
                match (mine, reach.days.get(j).copied().flatten()) {
                    (Some(mine), Some(span)) => {
                        first_shared(mine, span, reach.touch == Touch::Week).is_some()
                    }
                    _ => false,
                }
            }
        }
    }
}

/// The history candidates (of the first `history`) to keep as occurrences, as ascending,
/// disjoint ranges: every hit, and every candidate within `8 days + longest` of a hit that may
/// shift (within its ISO week, onto or past its neighbours) and of the window part, which
/// starts at candidate `history`.
pub(super) fn around(
    candidates: &Candidates,
    hits: &[usize],
    shifts: bool,
    longest: i64,
    history: usize,
) -> Vec<Range<usize>> {
    let reach = 8 * DAY + longest + SLACK;
    let near = |at: i64| {
        let from = candidates.below(at - reach).min(history);
        let to = candidates.below(at + reach + 1).min(history);
        from..to
    };
    let mut ranges: Vec<Range<usize>> = Vec::with_capacity(hits.len() + 1);
    for hit in hits.iter().filter(|k| **k < history) {
        ranges.push(*hit..hit + 1);
        if shifts && let Some(at) = candidates.second(*hit) {
            ranges.push(near(at));
        }
    }
    if let Some(edge) = candidates.second(history) {
        ranges.push(near(edge));
    }
    ranges.retain(|r| !r.is_empty());
    ranges.sort_unstable_by_key(|r| (r.start, r.end));
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
}

/// Whether `k` lies in one of `ranges` (ascending and disjoint).
pub(super) fn within(ranges: &[Range<usize>], k: usize) -> bool {
    let after = ranges.partition_point(|r| r.start <= k);
    after.checked_sub(1).and_then(|at| ranges.get(at)).is_some_and(|r| k < r.end)
}
