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

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Slack on every bound, for offsets between the daily probes.
const SLACK: i64 = 3_600;

/// The lowest and highest UTC offset, in seconds, that `zone` uses from `from` to `to` (UTC
/// seconds), probed once a day (a zone never changes offset and back within a day).
pub(super) fn offset_bounds(zone: Tz, from: i64, to: i64) -> (i64, i64) {
    use chrono::Offset;
    let mut low = i64::MAX;
    let mut high = i64::MIN;
    let mut t = from;
    while t <= to.max(from) {
        if let Some(instant) = zone.timestamp_opt(t, 0).single() {
            let offset = i64::from(instant.offset().fix().local_minus_utc());
            low = low.min(offset);
            high = high.max(offset);
        }
        t += DAY;
    }
    if low > high { (0, 0) } else { (low, high) }
}

/// Another rhythm's active spans (sorted by start) that may touch a candidate, and how far: an
/// `except` reaches nine days either side (day and week scopes), precedence only overlaps.
pub(super) struct Reach<'a> {
    pub(super) spans: &'a [(i64, i64)],
    pub(super) margin: i64,
}

/// Each wall-clock start as seconds since 1970-01-01 00:00 on the same wall clock.
pub(super) fn seconds(locals: &[NaiveDateTime]) -> Vec<i64> {
    locals.iter().map(|l| l.and_utc().timestamp()).collect()
}

/// Whether consecutive candidates (as [`seconds`]) are at least a day apart: then, in a zone
/// whose offsets differ by less than a day, their instants keep the order of their wall-clock
/// times whatever the DST policy does, no two meet and none is dropped, and a candidate's number
/// is its position.
pub(super) fn a_day_apart(seconds: &[i64]) -> bool {
    seconds.windows(2).all(|pair| match pair {
        [a, b] => b - a >= DAY,
        _ => true,
    })
}

/// The first `history` candidates (as [`seconds`]) that some span in `reaches` may touch, in
/// order, given that a candidate lasts at most `longest` seconds and the zone's offsets lie in
/// `offsets`. Found by walking the spans, not the candidates. The engine checks each exactly.
pub(super) fn suspects(
    seconds: &[i64],
    history: usize,
    reaches: &[Reach<'_>],
    offsets: (i64, i64),
    longest: i64,
) -> Vec<usize> {
    let head = seconds.get(..history).unwrap_or(seconds);
    let (low, high) = offsets;
    let mut out: Vec<usize> = Vec::new();
    for reach in reaches {
        // A candidate at local seconds L starts at UTC L - offset, for an offset in
        // [low, high], and overlaps [s - margin, e + margin) only if
        // s - margin + low - longest < L < e + margin + high.
        let mut first = 0usize;
        for (s, e) in reach.spans {
            let from = s - reach.margin + low - longest - SLACK;
            let to = e + reach.margin + high + SLACK;
            while head.get(first).is_some_and(|l| *l <= from) {
                first += 1;
            }
            if first >= head.len() {
                break;
            }
            let mut k = first;
            while head.get(k).is_some_and(|l| *l < to) {
                out.push(k);
                k += 1;
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
    seconds: &[i64],
    hits: &[usize],
    shifts: bool,
    longest: i64,
    keep: &mut [bool],
) {
    let reach = 8 * DAY + longest + SLACK;
    let history = keep.len();
    let head = seconds.get(..history).unwrap_or(seconds);
    let mark = |at: i64, keep: &mut [bool]| {
        let from = head.partition_point(|l| *l < at - reach);
        let to = head.partition_point(|l| *l <= at + reach);
        for slot in keep.iter_mut().take(to).skip(from) {
            *slot = true;
        }
    };
    if let Some(edge) = seconds.get(history) {
        mark(*edge, keep);
    }
    for hit in hits {
        if let Some(flag) = keep.get_mut(*hit) {
            *flag = true;
        }
        if shifts && let Some(at) = head.get(*hit) {
            mark(*at, keep);
        }
    }
}
