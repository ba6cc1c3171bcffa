//! A plain daily or weekly rule's starts by arithmetic: how many fall before a time, and the nth,
//! without generating the ones before it.
//!
//! Such a rule's days repeat with a fixed cycle: a weekly rule's every `7 × INTERVAL` days (its
//! listed weekdays in the first week of each step), a daily rule's every `7 × INTERVAL` days too
//! (seven steps bring the weekday round). So the number of starts before a day is whole cycles ×
//! starts per cycle + the starts in the partial cycle, less the listed days of the first period
//! before DTSTART; and the nth start is found the same way backwards. [`RecurrenceRule::day_steps`]
//! generates the same starts one by one, and a property test holds the two to one answer.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};

use super::{Frequency, RecurrenceRule, RuleEnd};

/// Seconds in a day.
const DAY: i64 = 86_400;
/// Days from 0001-01-01 (day 1 of the common era in chrono's count) to 1970-01-01.
const EPOCH_CE: i64 = 719_163;

/// A plain rule's starts from DTSTART through an end, as arithmetic ([`RecurrenceRule::steps`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Steps {
    /// The first day of the first period (DTSTART's day, or the WKST on or before it), as days
    /// since 1970-01-01.
    origin: i64,
    /// Days in one cycle of the pattern.
    cycle: i64,
    /// The listed days of a cycle, as days after its first, ascending (empty: no starts at all).
    pattern: Vec<i64>,
    /// Listed days of the first cycle before DTSTART's day (not starts).
    before_first: u64,
    /// The time of day of every start.
    time: NaiveTime,
    /// The time of day in whole seconds.
    time_seconds: i64,
    /// How many starts there are in all (COUNT, UNTIL and the horizon applied).
    len: u64,
}

impl RecurrenceRule {
    /// The starts of a plain daily or weekly rule (the rules [`RecurrenceRule::day_steps`]
    /// generates) from `dtstart` through `until` (inclusive, the rule's own end already folded
    /// in as `starts_through` does), as arithmetic; `None` for any other rule.
    pub(crate) fn steps(&self, dtstart: NaiveDateTime, until: NaiveDateTime) -> Option<Steps> {
        let on = self.plain_days(dtstart)?;
        let listed = |day: i64| {
            on.get(weekday_of(day).num_days_from_monday() as usize).copied().unwrap_or(false)
        };
        let first = days_of(dtstart.date());
        let interval = i64::from(self.interval);
        let (origin, pattern): (i64, Vec<i64>) = match self.freq {
            Frequency::Weekly => {
                let wkst = self.week_start.unwrap_or(Weekday::Mon);
                let back = (i64::from(dtstart.weekday().num_days_from_monday())
                    - i64::from(wkst.num_days_from_monday()))
                .rem_euclid(7);
                let origin = first - back;
                (origin, (0..7).filter(|k| listed(origin + k)).collect())
            }
            _ => (first, (0..7).map(|j| j * interval).filter(|k| listed(first + k)).collect()),
        };
        let before_first = pattern.iter().filter(|p| origin + **p < first).count() as u64;
        let time = dtstart.time();
        let mut steps = Steps {
            origin,
            cycle: 7 * interval,
            pattern,
            before_first,
            time,
            time_seconds: i64::from(time.num_seconds_from_midnight()),
            len: u64::MAX,
        };
        let through = if until < dtstart { 0 } else { steps.count_before_time(until, true) };
        let count = match self.end {
            RuleEnd::Count(n) => u64::from(n),
            _ => u64::MAX,
        };
        steps.len = through.min(count);
        Some(steps)
    }
}

impl Steps {
    /// How many starts there are.
    pub(crate) fn len(&self) -> u64 {
        self.len
    }

    /// Listed days (from DTSTART's day) before day `day` (days since 1970-01-01), uncapped.
    fn days_before(&self, day: i64) -> u64 {
        let n = day - self.origin;
        if n <= 0 {
            return 0;
        }
        let full = n.div_euclid(self.cycle);
        let rest = n.rem_euclid(self.cycle);
        let partial = self.pattern.partition_point(|p| *p < rest) as u64;
        let raw = (full as u64).saturating_mul(self.pattern.len() as u64).saturating_add(partial);
        raw.saturating_sub(self.before_first)
    }

    /// Starts before `t` (or through `t`, when `inclusive`), uncapped by `len` when computing it.
    fn count_before_time(&self, t: NaiveDateTime, inclusive: bool) -> u64 {
        let day = days_of(t.date());
        let same_day_counts = if inclusive { self.time <= t.time() } else { self.time < t.time() };
        self.days_before(day + i64::from(same_day_counts)).min(self.len)
    }

    /// How many starts are before the wall-clock time `t`.
    pub(crate) fn count_before(&self, t: NaiveDateTime) -> u64 {
        self.count_before_time(t, false)
    }

    /// How many starts, read as seconds on a UTC wall clock (`NaiveDateTime::and_utc`), are
    /// before `seconds`.
    pub(crate) fn count_below_seconds(&self, seconds: i64) -> u64 {
        let day = seconds.div_euclid(DAY);
        let rest = seconds.rem_euclid(DAY);
        self.days_before(day + i64::from(self.time_seconds < rest)).min(self.len)
    }

    /// The day (since 1970-01-01) of start `k` (from 0), when there is one.
    fn day(&self, k: u64) -> Option<i64> {
        if k >= self.len {
            return None;
        }
        let per = self.pattern.len() as u64;
        let index = k.checked_add(self.before_first)?;
        // A far window's search asks this millions of times: one start a cycle (most weekly
        // rules) needs no division, and a 32-bit one is cheaper than 64.
        let (cycle, at) = match (u32::try_from(index), u32::try_from(per)) {
            _ if per == 1 => (index, 0),
            (Ok(index), Ok(per)) => (u64::from(index / per), u64::from(index % per)),
            _ => (index / per, index % per),
        };
        let cycles = i64::try_from(cycle).ok()?;
        let offset = self.pattern.get(usize::try_from(at).ok()?)?;
        self.origin.checked_add(cycles.checked_mul(self.cycle)?)?.checked_add(*offset)
    }

    /// Start `k` (from 0) as a wall-clock time, when there is one.
    pub(crate) fn nth(&self, k: u64) -> Option<NaiveDateTime> {
        let day = self.day(k)?;
        let date = NaiveDate::from_num_days_from_ce_opt(i32::try_from(day + EPOCH_CE).ok()?)?;
        Some(date.and_time(self.time))
    }

    /// Where in the week the starts fall: each start's seconds on a UTC wall clock (as
    /// [`Steps::nth_seconds`]) modulo a week, ascending and unique. A cycle is a whole number of
    /// weeks, so every start has one of these.
    pub(crate) fn week_residues(&self) -> Vec<i64> {
        let week = 7 * DAY;
        let mut out: Vec<i64> = self
            .pattern
            .iter()
            .map(|p| ((self.origin + p) * DAY + self.time_seconds).rem_euclid(week))
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Start `k` as seconds on a UTC wall clock, as `nth(k)?.and_utc().timestamp()`.
    pub(crate) fn nth_seconds(&self, k: u64) -> Option<i64> {
        Some(self.day(k)? * DAY + self.time_seconds)
    }
}

/// [`Steps::count_below_seconds`] for times that only grow, by stepping whole cycles (additions)
/// rather than dividing: a far window's suspect search asks it once per span of another rhythm.
pub(crate) struct Walk<'a> {
    steps: &'a Steps,
    /// The cycle reached, and its first day's start time as seconds.
    cycle: i64,
    base: i64,
}

impl Steps {
    /// A [`Walk`] from the first cycle.
    pub(crate) fn walk(&self) -> Walk<'_> {
        Walk { steps: self, cycle: 0, base: self.origin * DAY + self.time_seconds }
    }
}

impl Walk<'_> {
    /// How many starts are at or before `at` (seconds on a UTC wall clock), and the seconds of
    /// the next start after them when there is one.
    pub(crate) fn through(&mut self, at: i64) -> (u64, Option<i64>) {
        let steps = self.steps;
        let period = steps.cycle * DAY;
        if period <= 0 || steps.pattern.is_empty() {
            return (0, None);
        }
        let origin = steps.origin * DAY + steps.time_seconds;
        if at < self.base || at - self.base > 4 * period {
            // A jump back or far ahead: divide once.
            self.cycle = (at - origin).div_euclid(period).max(0);
            self.base = origin + self.cycle * period;
        }
        while at - self.base >= period {
            self.cycle += 1;
            self.base += period;
        }
        let within = steps.pattern.iter().take_while(|p| self.base + *p * DAY <= at).count();
        let per = steps.pattern.len() as u64;
        let raw = (self.cycle as u64).saturating_mul(per).saturating_add(within as u64);
        let count = raw.saturating_sub(steps.before_first).min(steps.len);
        let next = if count >= steps.len {
            None
        } else if raw >= steps.before_first {
            match steps.pattern.get(within) {
                Some(o) => Some(self.base + o * DAY),
                None => steps.pattern.first().map(|o| self.base + period + o * DAY),
            }
        } else {
            steps.nth_seconds(count)
        };
        (count, next)
    }
}

/// Days since 1970-01-01.
fn days_of(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce()) - EPOCH_CE
}

/// The weekday of a day counted from 1970-01-01 (a Thursday).
fn weekday_of(day: i64) -> Weekday {
    match (day + 3).rem_euclid(7) {
        0 => Weekday::Mon,
        1 => Weekday::Tue,
        2 => Weekday::Wed,
        3 => Weekday::Thu,
        4 => Weekday::Fri,
        5 => Weekday::Sat,
        _ => Weekday::Sun,
    }
}
