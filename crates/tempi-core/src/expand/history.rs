//! Far windows: which of a rhythm's earlier candidates the engine must look at.
//!
//! A candidate before the window changes the window only through counts (its number in the
//! commitment cycle, and whether it went ahead, for rotation), unless something happens to it:
//! an `except` or a stronger rhythm touches it, or a neighbour that lost a clash looks at it for
//! a day to shift to. [`materialized`] finds every candidate that can be touched, by walking the
//! other rhythms' spans (not the candidates), and keeps the days around each; every other
//! candidate went ahead unchanged, so it is only counted.

use chrono::{Duration, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Slack on every bound, for offsets between the daily probes.
const SLACK: i64 = 3_600;

/// The lowest and highest UTC offset, in seconds, that `zone` uses from `from` to `to` (UTC
/// seconds), probed twice a day (a zone never changes offset and back within twelve hours).
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
        t += DAY / 2;
    }
    if low > high { (0, 0) } else { (low, high) }
}

/// Another rhythm's active spans (sorted by start) that may touch a candidate, and how far: an
/// `except` reaches nine days either side (day and week scopes), precedence only overlaps.
pub(super) struct Reach<'a> {
    pub(super) spans: &'a [(i64, i64)],
    pub(super) margin: i64,
}

/// Which of the first `history` candidates (wall-clock starts `locals`, on distinct days at
/// least a day apart) must go through the engine: every candidate some span in `reaches` can
/// touch, given that a candidate lasts at most `longest` seconds and the zone's offsets lie in
/// `offsets`, plus every candidate within `9 days + longest` of one (a clash may shift it within
/// its ISO week, onto or past its neighbours), plus the last `9 days + longest` before the
/// window part (which the engine handles whole).
pub(super) fn materialized(
    locals: &[NaiveDateTime],
    history: usize,
    reaches: &[Reach<'_>],
    offsets: (i64, i64),
    longest: i64,
) -> Vec<bool> {
    let mut keep = vec![false; history];
    let Some(head) = locals.get(..history) else { return keep };
    if head.is_empty() {
        return keep;
    }
    let seconds: Vec<i64> = head.iter().map(|l| l.and_utc().timestamp()).collect();
    let (low, high) = offsets;
    let mut hits: Vec<usize> = Vec::new();
    for reach in reaches {
        // A candidate at local seconds L starts at UTC L - offset, for an offset in
        // [low, high], and overlaps [s - margin, e + margin) only if
        // s - margin + low - longest < L < e + margin + high.
        let mut first = 0usize;
        for (s, e) in reach.spans {
            let from = s - reach.margin + low - longest - SLACK;
            let to = e + reach.margin + high + SLACK;
            while seconds.get(first).is_some_and(|l| *l <= from) {
                first += 1;
            }
            if first >= seconds.len() {
                break;
            }
            let mut k = first;
            while seconds.get(k).is_some_and(|l| *l < to) {
                hits.push(k);
                k += 1;
            }
        }
    }
    let around = 9 * DAY + longest + SLACK;
    // The window part counts as a hit at its first candidate.
    if let Some(next) = locals.get(history) {
        let edge = next.and_utc().timestamp();
        let from = seconds.partition_point(|l| *l < edge - around);
        for slot in keep.iter_mut().skip(from) {
            *slot = true;
        }
    }
    hits.sort_unstable();
    hits.dedup();
    let mut marked_to = 0usize;
    for hit in hits {
        let Some(at) = seconds.get(hit).copied() else { continue };
        let from = seconds.partition_point(|l| *l < at - around).max(marked_to);
        let to = seconds.partition_point(|l| *l <= at + around);
        for slot in keep.iter_mut().take(to).skip(from) {
            *slot = true;
        }
        marked_to = marked_to.max(to);
    }
    keep
}

/// Whether consecutive candidates are at least a day apart: then, in a zone whose offsets differ
/// by less than a day, their instants keep the order of their wall-clock times whatever the DST
/// policy does, no two meet and none is dropped, and a candidate's number is its position.
pub(super) fn a_day_apart(locals: &[NaiveDateTime]) -> bool {
    locals.windows(2).all(|pair| match pair {
        [a, b] => *b - *a >= Duration::days(1),
        _ => true,
    })
}
