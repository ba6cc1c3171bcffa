//! Far windows: which of a rhythm's earlier candidates the engine must look at.
//!
//! A candidate before the window changes the window only through counts (its number in the
//! commitment cycle, and whether it went ahead, for rotation), unless something happens to it:
//! an `except` or a stronger rhythm touches it, or a neighbour that lost a clash looks at it for
//! a day to shift to. [`suspects`] finds every candidate that a span can reach, by walking the
//! other rhythms' spans (not the candidates); the engine checks each exactly, and [`around`]
//! keeps the hits with their neighbours. Every other candidate went ahead unchanged, so it is
//! only counted.

use chrono::{NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::rule::{Steps, Walk};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Slack on every bound, for offsets between the daily probes.
const SLACK: i64 = 3_600;

/// A zone's lowest and highest offset over the plan's reach, and its runs of one offset.
pub(super) type Offsets = ((i64, i64), Vec<Run>);

/// A run of daily probes that read one offset: `(first probe, last probe, offset)`.
pub(super) type Run = (i64, i64, i64);

/// The lowest and highest UTC offset, in seconds, that `zone` uses from `from` to `to` (UTC
/// seconds), probed once a day (a zone never changes offset and back within a day), and the runs
/// of probes that read one offset: `(first probe, last probe, offset)`, in order.
pub(super) fn offset_bounds(zone: Tz, from: i64, to: i64) -> Offsets {
    use chrono::Offset;
    let mut low = i64::MAX;
    let mut high = i64::MIN;
    let mut runs: Vec<Run> = Vec::new();
    let mut t = from;
    while t <= to.max(from) {
        if let Some(instant) = zone.timestamp_opt(t, 0).single() {
            let offset = i64::from(instant.offset().fix().local_minus_utc());
            low = low.min(offset);
            high = high.max(offset);
            match runs.last_mut() {
                Some(run) if run.2 == offset && run.1 + DAY == t => run.1 = t,
                _ => runs.push((t, t, offset)),
            }
        }
        t += DAY;
    }
    if low > high { ((0, 0), Vec::new()) } else { ((low, high), runs) }
}

/// Wall-clock times to instants without a zone lookup, for times that only grow: a wall clock
/// whose instant at its run's offset lies a day or more inside that run of one offset (see
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

/// How a span reaches a candidate: by overlapping it (precedence, breaks, `except` in span
/// scope), or by sharing a local date or an ISO week with it (`except` in day or week scope).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Touch {
    Overlap,
    Day,
    Week,
}

/// Another rhythm's active spans (sorted by start) that may touch a candidate, and how.
pub(super) struct Reach<'a> {
    pub(super) spans: &'a [(i64, i64)],
    pub(super) touch: Touch,
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
    fn bounds(&self, s: i64, e: i64, (low, high): (i64, i64), longest: i64) -> (i64, i64) {
        let drift = high - low;
        match self.touch {
            Touch::Overlap => (s + low - longest - SLACK, e + high + SLACK),
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

/// The first `history` candidates that some span in `reaches` may touch, in order, given that a
/// candidate lasts at most `longest` seconds and the zone's offsets lie in `offsets`. Found by
/// walking the spans, not the candidates (each span seeks its first candidate). The engine checks
/// each exactly.
pub(super) fn suspects(
    candidates: &Candidates,
    history: usize,
    reaches: &[Reach<'_>],
    offsets: (i64, i64),
    longest: i64,
) -> Vec<usize> {
    let (low, high) = offsets;
    let mut out: Vec<usize> = Vec::new();
    let Some(last) = history.checked_sub(1).and_then(|k| candidates.second(k)) else {
        return out;
    };
    for reach in reaches {
        let margin = match reach.touch {
            Touch::Overlap => 0,
            Touch::Day | Touch::Week => 8 * DAY,
        };
        let bound = margin + longest + SLACK + 2 * (high - low).max(0) + low.abs() + high.abs();
        // Spans that start after the last history candidate's reach cannot touch it.
        let upto = reach.spans.partition_point(|(s, _)| *s <= last + bound);
        let mut seek = candidates.seek();
        for (s, e) in reach.spans.get(..upto).unwrap_or_default() {
            let (from, to) = reach.bounds(*s, *e, offsets, longest);
            let (mut k, mut next) = seek.through(from);
            while k < history && next.is_some_and(|l| l < to) {
                out.push(k);
                k += 1;
                next = candidates.second(k);
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// Marks in `keep` (one flag per history candidate) every candidate within `8 days + longest`
/// of a hit (one that lost a clash and may shift within its ISO week, onto or past its
/// neighbours) and of the window part, which starts at candidate `keep.len()`.
pub(super) fn around(
    candidates: &Candidates,
    hits: &[usize],
    shifts: bool,
    longest: i64,
    keep: &mut [bool],
) {
    let reach = 8 * DAY + longest + SLACK;
    let history = keep.len();
    let mark = |at: i64, keep: &mut [bool]| {
        let from = candidates.below(at - reach).min(history);
        let to = candidates.below(at + reach + 1).min(history);
        for slot in keep.iter_mut().take(to).skip(from) {
            *slot = true;
        }
    };
    if let Some(edge) = candidates.second(history) {
        mark(edge, keep);
    }
    for hit in hits {
        if let Some(flag) = keep.get_mut(*hit) {
            *flag = true;
        }
        if shifts && let Some(at) = candidates.second(*hit).filter(|_| *hit < history) {
            mark(at, keep);
        }
    }
}
