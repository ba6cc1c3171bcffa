//! Breaks and holidays: date ranges when a community, a group or a member does not meet.
//!
//! A break is a range of local dates, inclusive ("Winter break, 2027-12-20 to 2028-01-03"), read
//! in each attendee's own zone. Where it sits decides what it does:
//!
//! - on the **community** or a **group**, it stops that group's rhythms (and its subgroups'): an
//!   occurrence is in the break when its start falls on a date of the break in the local dates of
//!   *any* of its attendees, or of the rhythm's own zone. So a meeting on Sunday 19 December at
//!   22:00 in Berlin, which is Monday 20 December in Auckland, is in a break that starts on the
//!   20th. The rhythm's [`OnBreak`] says whether it is cancelled (the default) or shifted.
//! - on a **member**, it is that member's own time off: the group still meets, without them (they
//!   are not among the occurrence's attendees and hold no rotating duty at it).
//!
//! Public holidays come from `.ics` calendars (`holidays = "holidays/de.ics"`); the pipeline in
//! the facade reads them and adds each all-day event as a one-day break named by its `SUMMARY`.

use std::fmt;
use std::sync::Arc;

use chrono::{Days, NaiveDate, NaiveTime};
use chrono_tz::Tz;

use crate::time::resolve_local;

/// A range of local dates (inclusive) when a community, a group or a member does not meet.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Break {
    pub(crate) name: String,
    pub(crate) from: NaiveDate,
    pub(crate) to: NaiveDate,
}

impl Break {
    /// A break named `name` (shown in the plan: "Winter break (community)") from `from` to `to`,
    /// both included. A break that runs backwards is an error when the community is built.
    pub fn new(name: impl Into<String>, from: NaiveDate, to: NaiveDate) -> Break {
        Break { name: name.into(), from, to }
    }

    /// A one-day break, e.g. a public holiday.
    pub fn day(name: impl Into<String>, date: NaiveDate) -> Break {
        Break::new(name, date, date)
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The first date.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last date (inclusive).
    pub fn to(&self) -> NaiveDate {
        self.to
    }

    /// Whether `date` is one of the break's dates.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// `[start, end)` in seconds: the instants whose local date in `zone` is in the break.
    fn span_in(&self, zone: Tz) -> (i64, i64) {
        let start = resolve_local(zone, self.from.and_time(NaiveTime::MIN)).timestamp();
        let end = match self.to.checked_add_days(Days::new(1)) {
            Some(next) => resolve_local(zone, next.and_time(NaiveTime::MIN)).timestamp(),
            None => i64::MAX,
        };
        (start, end)
    }
}

/// Whose break it is, as the plan names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BreakOwner {
    /// The whole community's.
    Community,
    /// A group's (and its subgroups').
    Group(Arc<str>),
    /// One member's.
    Member(Arc<str>),
}

impl fmt::Display for BreakOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BreakOwner::Community => f.write_str("community"),
            BreakOwner::Group(id) => write!(f, "group `{id}`"),
            BreakOwner::Member(id) => write!(f, "member `{id}`"),
        }
    }
}

/// What a community's or a group's break does to a rhythm's occurrence that falls in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum OnBreak {
    /// It is cancelled, with the break as the reason.
    #[default]
    Cancel,
    /// It moves to the first day after the break, at the same local time, as long as that is
    /// before the rhythm's next meeting; otherwise it is cancelled.
    Shift,
}

/// The breaks one rhythm is subject to, with the instants they cover.
#[derive(Debug, Clone, Default)]
pub(crate) struct RhythmBreaks {
    /// The community's breaks, then its group's, then each larger group's.
    pub(crate) list: Vec<(Break, BreakOwner)>,
    /// `(start, end, index into list)` for every break in every zone, sorted.
    spans: Vec<(i64, i64, usize)>,
    /// The spans merged: sorted, disjoint.
    union: Vec<(i64, i64)>,
    /// The attendees (member indices) who have breaks of their own.
    pub(crate) members: Vec<usize>,
}

impl RhythmBreaks {
    /// The breaks in `list`, read in each of `zones`.
    pub(crate) fn new(list: Vec<(Break, BreakOwner)>, zones: &[Tz]) -> RhythmBreaks {
        let mut spans = Vec::with_capacity(list.len() * zones.len());
        for (k, (b, _)) in list.iter().enumerate() {
            for zone in zones {
                let (start, end) = b.span_in(*zone);
                spans.push((start, end, k));
            }
        }
        spans.sort_unstable();
        let union = merge(spans.iter().map(|(s, e, _)| (*s, *e)));
        RhythmBreaks { list, spans, union, members: Vec::new() }
    }

    /// The first break (in list order) that an occurrence starting at `start` falls in.
    pub(crate) fn hit(&self, start: i64) -> Option<usize> {
        if !covers(&self.union, start) {
            return None;
        }
        self.spans.iter().filter(|(s, e, _)| *s <= start && start < *e).map(|(_, _, k)| *k).min()
    }

    /// The same breaks, for a rhythm whose attendees `members` have breaks of their own.
    pub(crate) fn with_members(mut self, members: Vec<usize>) -> RhythmBreaks {
        self.members = members;
        self
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// Every break in every zone, merged: sorted, disjoint `(start, end)` instants.
    pub(crate) fn union(&self) -> &[(i64, i64)] {
        &self.union
    }
}

/// A member's own breaks, as instants in their zone: sorted, disjoint.
pub(crate) fn member_spans(breaks: &[Break], zone: Tz) -> Vec<(i64, i64)> {
    let mut spans: Vec<(i64, i64)> = breaks.iter().map(|b| b.span_in(zone)).collect();
    spans.sort_unstable();
    merge(spans.into_iter())
}

/// Whether `t` lies in one of `union`'s intervals (sorted, disjoint).
pub(crate) fn covers(union: &[(i64, i64)], t: i64) -> bool {
    let after = union.partition_point(|(s, _)| *s <= t);
    after.checked_sub(1).and_then(|k| union.get(k)).is_some_and(|(_, e)| t < *e)
}

fn merge(sorted: impl Iterator<Item = (i64, i64)>) -> Vec<(i64, i64)> {
    let mut out: Vec<(i64, i64)> = Vec::new();
    for (s, e) in sorted {
        match out.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => out.push((s, e)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::{Pacific, Tz};

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn utc(y: i32, m: u32, d: u32, h: u32) -> i64 {
        chrono::Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().timestamp()
    }

    #[test]
    fn a_break_covers_its_dates_in_every_zone() {
        // Christmas Day: in Auckland (UTC+13 in December) from 24 Dec 11:00 UTC; in Honolulu
        // (UTC-10) until 26 Dec 10:00 UTC.
        let list = vec![(Break::day("Christmas", date(2027, 12, 25)), BreakOwner::Community)];
        let zones: [Tz; 2] = [Pacific::Auckland, Pacific::Honolulu];
        let breaks = RhythmBreaks::new(list, &zones);
        assert_eq!(breaks.hit(utc(2027, 12, 24, 10)), None);
        assert_eq!(breaks.hit(utc(2027, 12, 24, 11)), Some(0));
        assert_eq!(breaks.hit(utc(2027, 12, 26, 9)), Some(0));
        assert_eq!(breaks.hit(utc(2027, 12, 26, 10)), None);
    }

    #[test]
    fn zones_more_than_a_day_apart_leave_a_gap() {
        // Kiritimati (UTC+14) and Pago Pago (UTC-11) are 25 hours apart: a one-day break covers
        // 24 hours in each, with an hour between that is in neither.
        let list = vec![(Break::day("Holiday", date(2027, 7, 1)), BreakOwner::Community)];
        let breaks = RhythmBreaks::new(list, &[Pacific::Kiritimati, Pacific::Pago_Pago]);
        // 1 July 00:00 in Kiritimati is 30 June 10:00 UTC; in Pago Pago, 1 July 11:00 UTC.
        assert_eq!(breaks.hit(utc(2027, 6, 30, 9)), None);
        assert_eq!(breaks.hit(utc(2027, 6, 30, 10)), Some(0));
        assert_eq!(breaks.hit(utc(2027, 7, 1, 9)), Some(0));
        assert_eq!(breaks.hit(utc(2027, 7, 1, 10)), None);
        assert_eq!(breaks.hit(utc(2027, 7, 1, 11)), Some(0));
        assert_eq!(breaks.hit(utc(2027, 7, 2, 11)), None);
    }

    #[test]
    fn the_first_listed_break_names_an_overlap() {
        let list = vec![
            (
                Break::new("Winter break", date(2027, 12, 20), date(2028, 1, 3)),
                BreakOwner::Community,
            ),
            (Break::day("Christmas", date(2027, 12, 25)), BreakOwner::Group("pod".into())),
        ];
        let breaks = RhythmBreaks::new(list, &[Tz::UTC]);
        assert_eq!(breaks.hit(utc(2027, 12, 25, 12)), Some(0));
        assert_eq!(member_spans(&[], Tz::UTC), []);
    }
}
