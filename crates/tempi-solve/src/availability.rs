//! Members' availability, and how it becomes a bitset on the time grid.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use tempi_core::Member;
use tempi_core::WeeklyWindow;
use tempi_core::model::{DateWindow, LocalHours};
use tempi_core::time::resolve_local;

use crate::Reason;
use crate::bits::Bits;

/// When a member can meet: a zone, weekly windows in local time, date overrides (away dates and
/// extra windows), busy intervals, and soft preferences.
///
/// A member with no weekly windows is taken to be free every day during the query's default
/// hours (08:00–21:00 local unless changed), like Microsoft Graph's default working hours.
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub use tempi_solve as solve; }
/// use tempi::chrono::{TimeZone, Utc};
/// use tempi::chrono_tz::America::New_York;
/// use tempi::WeeklyWindow;
/// use tempi::solve::Availability;
///
/// let grace = Availability::new("grace", New_York)
///     .windows(WeeklyWindow::parse_many("mon-fri 09:00-17:00")?)
///     .busy([(Utc.with_ymd_and_hms(2027, 3, 9, 14, 0, 0).unwrap(),
///             Utc.with_ymd_and_hms(2027, 3, 9, 15, 0, 0).unwrap())]);
/// assert_eq!(grace.id(), "grace");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Availability {
    id: String,
    zone: Tz,
    windows: Vec<WeeklyWindow>,
    away: Vec<(NaiveDate, NaiveDate)>,
    extra: Vec<DateWindow>,
    preferred: Option<LocalHours>,
    avoid: Vec<Weekday>,
    busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
    /// `busy` in epoch minutes, the end rounded up to a whole minute (what the bitsets use).
    busy_minutes: Vec<(i64, i64)>,
    longest_busy: i64,
}

impl Availability {
    /// A member `id` living in `zone`, with no windows yet (free during the default hours).
    pub fn new(id: impl Into<String>, zone: Tz) -> Availability {
        Availability {
            id: id.into(),
            zone,
            windows: Vec::new(),
            away: Vec::new(),
            extra: Vec::new(),
            preferred: None,
            avoid: Vec::new(),
            busy: Vec::new(),
            busy_minutes: Vec::new(),
            longest_busy: 0,
        }
    }

    /// Everything a community member declares: zone, windows, away dates, extra windows and
    /// preferences. Busy calendars are files the caller reads; add them with
    /// [`Availability::busy`].
    pub fn from_member(member: &Member) -> Availability {
        let mut out = Availability::new(member.id(), member.zone())
            .windows(member.availability().iter().copied());
        out.away = member.away_dates().to_vec();
        out.extra = member.extra_windows().to_vec();
        out.preferred = member.preferred_hours();
        out.avoid = member.avoided_days().to_vec();
        out
    }

    /// Adds weekly windows in local time.
    pub fn windows(mut self, windows: impl IntoIterator<Item = WeeklyWindow>) -> Availability {
        self.windows.extend(windows);
        self
    }

    /// Marks the local dates `from..=to` as away.
    pub fn away(mut self, from: NaiveDate, to: NaiveDate) -> Availability {
        self.away.push((from, to));
        self
    }

    /// Adds availability on one date, beyond the weekly windows.
    pub fn extra_window(mut self, window: DateWindow) -> Availability {
        self.extra.push(window);
        self
    }

    /// Sets the preferred hours (soft).
    pub fn prefer_hours(mut self, hours: LocalHours) -> Availability {
        self.preferred = Some(hours);
        self
    }

    /// Adds a weekday to avoid (soft).
    pub fn avoid_day(mut self, weekday: Weekday) -> Availability {
        self.avoid.push(weekday);
        self
    }

    /// Adds busy intervals `[start, end)`, e.g. from `tempi::ical::import::busy`.
    pub fn busy(
        mut self,
        intervals: impl IntoIterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    ) -> Availability {
        self.busy.extend(intervals.into_iter().filter(|(a, b)| a < b));
        // Sorted by start, so explaining a miss is a binary search, not a scan.
        self.busy.sort_unstable();
        self.busy_minutes = self
            .busy
            .iter()
            .map(|(from, to)| {
                (
                    epoch_minutes(*from),
                    epoch_minutes(*to) + i64::from(to.timestamp().rem_euclid(60) > 0),
                )
            })
            .collect();
        self.longest_busy = self
            .busy
            .iter()
            .map(|(a, b)| epoch_minutes(*b) - epoch_minutes(*a) + 1)
            .max()
            .unwrap_or(0);
        self
    }

    /// The member's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The member's zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The weekly windows.
    pub fn weekly_windows(&self) -> &[WeeklyWindow] {
        &self.windows
    }

    /// The busy intervals.
    pub fn busy_intervals(&self) -> &[(DateTime<Utc>, DateTime<Utc>)] {
        &self.busy
    }

    /// The preferred hours, if any.
    pub fn preferred_hours(&self) -> Option<LocalHours> {
        self.preferred
    }

    /// The weekdays to avoid.
    pub fn avoided_days(&self) -> &[Weekday] {
        &self.avoid
    }

    /// The same member with no weekly or extra windows: only away dates and busy time bind
    /// (the availability check judges day-long rhythms so).
    pub(crate) fn without_windows(&self) -> Availability {
        Availability { windows: Vec::new(), extra: Vec::new(), ..self.clone() }
    }

    /// Whether `[start, end)` suits this member as they declared it, decided cheaply when it
    /// can be: on one local date with no offset change within a day either side, not away and
    /// clear of busy time, it is `Some(true)` when that date's weekly and extra windows (any hour
    /// with no weekly windows) cover it, `Some(false)` when they do not (outside their windows).
    /// `None` means "look closer" ([`explain`] decides and says why). The availability check
    /// runs this first for every attendee of every occurrence.
    pub(crate) fn quick_fit(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<bool> {
        let local = LocalTimes::of(start, end, self.zone);
        let (from, to) = local.plain?;
        let date = local.start.date_naive();
        if self.is_away(date) {
            return None;
        }
        let (a, b) = (epoch_minutes(start), epoch_minutes(end));
        let upto = self.busy_minutes.partition_point(|(from, _)| *from < b);
        let busy = self
            .busy_minutes
            .get(..upto)
            .unwrap_or_default()
            .iter()
            .rev()
            .take_while(|(from, _)| from + self.longest_busy >= a)
            .any(|(_, to)| *to > a);
        if busy {
            return None;
        }
        if self.windows.is_empty() {
            return Some(true);
        }
        let mut spans: Vec<(u16, u16)> = self
            .windows
            .iter()
            .filter(|w| w.weekday() == date.weekday())
            .map(|w| (w.start_minute(), w.end_minute()))
            .chain(
                self.extra
                    .iter()
                    .filter(|x| x.date() == date)
                    .map(|x| (x.hours().start_minute(), x.hours().end_minute())),
            )
            .collect();
        spans.sort_unstable();
        Some(covers(&spans, from, to))
    }

    /// For a member with no away dates, extra windows or busy time (most of a community):
    /// `Some(None)` with no weekly windows (any hour suits them), else `Some(Some(days))`, each
    /// weekday's windows (Monday first) sorted as [`Availability::quick_fit`] sorts them. With
    /// these, a plain occurrence's answer depends on its weekday and local minutes only, so the
    /// availability check decides it without converting time zones per member. `None` for
    /// anyone else.
    pub(crate) fn weekly_only(&self) -> Option<Option<WeekSpans>> {
        if !self.declares_only_weekly() {
            return None;
        }
        if self.windows.is_empty() {
            return Some(None);
        }
        let mut days: WeekSpans = Default::default();
        for w in &self.windows {
            if let Some(day) = days.get_mut(w.weekday().num_days_from_monday() as usize) {
                day.push((w.start_minute(), w.end_minute()));
            }
        }
        for day in &mut days {
            day.sort_unstable();
        }
        Some(Some(days))
    }

    /// Whether this member declares weekly windows (or none) and nothing else that binds: no
    /// away dates, extra windows or busy time. Their free time is then their zone and weekly
    /// windows alone.
    pub(crate) fn declares_only_weekly(&self) -> bool {
        self.away.is_empty() && self.extra.is_empty() && self.busy_minutes.is_empty()
    }

    pub(crate) fn is_away(&self, date: NaiveDate) -> bool {
        self.away.iter().any(|(from, to)| *from <= date && date <= *to)
    }

    /// The same member with every window (and the default hours) an hour wider on each side.
    pub(crate) fn widened(&self, minutes: u16) -> Availability {
        let mut out = self.clone();
        out.windows = self
            .windows
            .iter()
            .filter_map(|w| {
                let start = w.start_minute().saturating_sub(minutes);
                let end = w.end_minute().saturating_add(minutes).min(1440);
                WeeklyWindow::new(w.weekday(), minute_time(start), end_time(end)).ok()
            })
            .collect();
        out
    }

    /// The local intervals (minutes of the day) this member is available on `date`, before the
    /// civil band: nothing when away; the weekly windows (or the default hours) plus the extra
    /// windows otherwise.
    pub(crate) fn local_intervals(&self, date: NaiveDate, default: (u16, u16)) -> Vec<(u16, u16)> {
        if self.is_away(date) {
            return Vec::new();
        }
        let mut out: Vec<(u16, u16)> = if self.windows.is_empty() {
            vec![default]
        } else {
            self.windows
                .iter()
                .filter(|w| w.weekday() == date.weekday())
                .map(|w| (w.start_minute(), w.end_minute()))
                .collect()
        };
        out.extend(
            self.extra
                .iter()
                .filter(|x| x.date() == date)
                .map(|x| (x.hours().start_minute(), x.hours().end_minute())),
        );
        out
    }
}

/// Each weekday's windows `(start, end)` in minutes of the day, Monday first.
pub(crate) type WeekSpans = [Vec<(u16, u16)>; 7];

/// An interval `[start, end)` as one zone sees it: its local start and end, and when it is
/// plain (on one local date, whole minutes, the same offset at both ends and a day either side)
/// its local minutes of the day. A plain interval's fit depends on that date and those minutes
/// only: [`Availability::quick_fit`] decides those itself, and the availability check decides
/// them for many members at once.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LocalTimes {
    pub(crate) start: DateTime<Tz>,
    pub(crate) end: DateTime<Tz>,
    pub(crate) plain: Option<(u16, u16)>,
}

impl LocalTimes {
    pub(crate) fn of(start: DateTime<Utc>, end: DateTime<Utc>, zone: Tz) -> LocalTimes {
        LocalTimes::with_start(start.with_timezone(&zone), start, end)
    }

    /// As [`LocalTimes::of`], the local start `ls` known.
    pub(crate) fn with_start(
        ls: DateTime<Tz>,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
    ) -> LocalTimes {
        let zone = ls.timezone();
        let le = end.with_timezone(&zone);
        let offset = ls.offset().fix();
        let day = Duration::days(1);
        let steady = [start - day, end + day]
            .iter()
            .all(|t| t.with_timezone(&zone).offset().fix() == offset);
        let whole = ls.time().nanosecond() == 0 && le.time().nanosecond() == 0;
        let minute = |t: &DateTime<Tz>| {
            u16::try_from(t.time().num_seconds_from_midnight() / 60).unwrap_or(u16::MAX)
        };
        let plain =
            (le.date_naive() == ls.date_naive() && le.offset().fix() == offset && steady && whole)
                .then(|| (minute(&ls), minute(&le)));
        LocalTimes { start: ls, end: le, plain }
    }
}

/// Whether the windows `spans` (sorted) cover the minutes of the day `[from, to)`.
pub(crate) fn covers(spans: &[(u16, u16)], from: u16, to: u16) -> bool {
    let mut reach = from;
    for &(s, e) in spans {
        if s <= reach && e > reach {
            reach = e;
        }
    }
    reach >= to
}

pub(crate) fn minute_time(minute: u16) -> NaiveTime {
    NaiveTime::from_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0)
        .unwrap_or(NaiveTime::MIN)
}

fn end_time(minute: u16) -> Option<NaiveTime> {
    if minute >= 1440 { None } else { Some(minute_time(minute)) }
}

/// Minutes since the Unix epoch.
pub(crate) fn epoch_minutes(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

pub(crate) fn from_epoch_minutes(minutes: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(minutes.saturating_mul(60), 0).single().unwrap_or(DateTime::<Utc>::MIN_UTC)
}

/// The time grid: slot `i` is `[origin + i·step, origin + (i+1)·step)` in epoch minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Grid {
    pub(crate) origin: i64,
    pub(crate) step: i64,
    pub(crate) len: usize,
}

impl Grid {
    /// The grid covering `[from, to)`, its origin rounded up to a multiple of `step`.
    pub(crate) fn new(from: i64, to: i64, step: i64) -> Grid {
        let origin =
            from.div_euclid(step) * step + if from.rem_euclid(step) == 0 { 0 } else { step };
        let len = usize::try_from((to - origin).div_euclid(step)).unwrap_or(0);
        Grid { origin, step, len }
    }

    /// The first slot starting at or after `minute` (may be negative or past the end).
    pub(crate) fn ceil(&self, minute: i64) -> i64 {
        (minute - self.origin + self.step - 1).div_euclid(self.step)
    }

    /// The slot containing `minute`.
    pub(crate) fn floor(&self, minute: i64) -> i64 {
        (minute - self.origin).div_euclid(self.step)
    }

    /// The exact slot starting at `minute`, if it is on the grid.
    pub(crate) fn exact(&self, minute: i64) -> Option<usize> {
        let offset = minute - self.origin;
        if offset < 0 || offset % self.step != 0 {
            return None;
        }
        usize::try_from(offset / self.step).ok().filter(|i| *i < self.len)
    }

    pub(crate) fn minute(&self, index: usize) -> i64 {
        self.origin + i64::try_from(index).unwrap_or(0) * self.step
    }

    fn clamp(&self, index: i64) -> usize {
        usize::try_from(index.max(0)).unwrap_or(0).min(self.len)
    }

    /// Slot range `[ceil(from), floor(to))`: the slots wholly inside `[from, to)`.
    pub(crate) fn inside(&self, from: i64, to: i64) -> (usize, usize) {
        (self.clamp(self.ceil(from)), self.clamp(self.floor(to)))
    }

    /// Slot range touching `[from, to)`.
    pub(crate) fn touching(&self, from: i64, to: i64) -> (usize, usize) {
        (self.clamp(self.floor(from)), self.clamp(self.ceil(to)))
    }
}

/// Local dates of one zone mapped to UTC quickly: one `resolve_local` per date, and the DST
/// policy's own `resolve_local` on the rare dates with a transition.
#[derive(Debug, Clone)]
pub(crate) struct ZoneDays {
    zone: Tz,
    /// `first`'s day number from the common era (chrono's `num_days_from_ce`).
    first: i64,
    /// Per date from `first`: the epoch minute of local midnight when the day is plain (same
    /// offset at both midnights, midnight not in a gap), else `None`.
    days: Vec<Option<i64>>,
}

/// 1970-01-01 counted from the common era, as `NaiveDate::num_days_from_ce` counts.
const UNIX_EPOCH_DAY_CE: i64 = 719_163;

impl ZoneDays {
    pub(crate) fn new(zone: Tz, first: NaiveDate, last: NaiveDate) -> ZoneDays {
        let mut offsets = Vec::new();
        let mut day = first;
        while day <= last.succ_opt().unwrap_or(last) {
            let local = day.and_time(NaiveTime::MIN);
            let t = resolve_local(zone, local);
            let offset = i64::from(t.offset().fix().local_minus_utc()) / 60;
            offsets.push((offset, t.naive_local() == local));
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        let first = i64::from(first.num_days_from_ce());
        let days = offsets
            .iter()
            .zip(offsets.iter().skip(1))
            .zip(first..)
            .map(|(((a, ok_a), (b, ok_b)), day)| {
                (a == b && *ok_a && *ok_b).then(|| (day - UNIX_EPOCH_DAY_CE) * 1440 - a)
            })
            .collect();
        ZoneDays { zone, first, days }
    }

    /// The epoch minute of local midnight on `date` when the day is plain (any local minute of
    /// it is then this plus the minute), else `None`.
    pub(crate) fn plain_midnight(&self, date: NaiveDate) -> Option<i64> {
        let index = usize::try_from(i64::from(date.num_days_from_ce()) - self.first).ok()?;
        self.days.get(index).copied().flatten()
    }

    /// Epoch minutes of local `minute` (0..=1440) on `date`, per the DST policy.
    pub(crate) fn to_utc(&self, date: NaiveDate, minute: u16) -> i64 {
        match self.plain_midnight(date) {
            Some(midnight) => midnight + i64::from(minute),
            None => {
                let local = date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
                epoch_minutes(resolve_local(self.zone, local).with_timezone(&Utc))
            }
        }
    }
}

/// What shapes a member's free bitset besides their own availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Local hours everyone is limited to (the civil band), if any.
    pub(crate) civil: Option<(u16, u16)>,
    /// Hours assumed for members with no weekly windows.
    pub(crate) default_hours: (u16, u16),
    /// Minutes kept clear before and after each busy interval.
    pub(crate) buffer_before: i64,
    pub(crate) buffer_after: i64,
    /// No meeting starts before this epoch minute (now + notice).
    pub(crate) not_before: Option<i64>,
}

/// The local dates a grid touches in `zone`, with a day's margin either side.
pub(crate) fn grid_dates(grid: &Grid, zone: Tz) -> (NaiveDate, NaiveDate) {
    let first = from_epoch_minutes(grid.origin).with_timezone(&zone).date_naive();
    let last = from_epoch_minutes(grid.minute(grid.len)).with_timezone(&zone).date_naive();
    (first.pred_opt().unwrap_or(first), last.succ_opt().unwrap_or(last))
}

/// Bit `i` is set when the member is free for the whole of slot `i`: inside a window (or the
/// default hours, or an extra window), inside the civil band, not away, not busy (with
/// buffers), and not before the notice cut-off.
pub(crate) fn free_bits(
    member: &Availability,
    grid: &Grid,
    shape: &Shape,
    days: &ZoneDays,
) -> Bits {
    let mut bits = Bits::zeros(grid.len);
    let (first, last) = grid_dates(grid, member.zone);
    let mut date = first;
    while date <= last {
        for (start, end) in member.local_intervals(date, shape.default_hours) {
            let (start, end) = match shape.civil {
                Some((c0, c1)) => (start.max(c0), end.min(c1)),
                None => (start, end),
            };
            if start < end {
                let (a, b) = grid.inside(days.to_utc(date, start), days.to_utc(date, end));
                bits.fill(a, b, true);
            }
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => break,
        }
    }
    for (from, to) in &member.busy_minutes {
        let from = from - shape.buffer_before;
        let to = to + shape.buffer_after;
        let (a, b) = grid.touching(from, to);
        bits.fill(a, b, false);
    }
    if let Some(cutoff) = shape.not_before {
        bits.fill(0, grid.clamp(grid.ceil(cutoff)), false);
    }
    bits
}

/// Why `member` cannot attend `[start, end)` (epoch minutes), checked directly against their
/// availability rather than the bitset: the notice cut-off, then away dates, busy time,
/// windows, and the civil band. `None` when they are free.
pub(crate) fn explain(
    member: &Availability,
    start: i64,
    end: i64,
    shape: &Shape,
) -> Option<Reason> {
    if shape.not_before.is_some_and(|cutoff| start < cutoff) {
        return Some(Reason::TooSoon);
    }
    let zone = member.zone;
    let first = from_epoch_minutes(start).with_timezone(&zone).date_naive();
    let last = from_epoch_minutes(end - 1).with_timezone(&zone).date_naive();
    let mut date = first;
    while date <= last {
        if member.is_away(date) {
            return Some(Reason::Away { date });
        }
        date = match date.succ_opt() {
            Some(next) => next,
            None => break,
        };
    }
    // Busy intervals starting before the meeting ends (plus the buffer), newest first, back to
    // the longest interval's reach.
    let upto =
        member.busy.partition_point(|(from, _)| epoch_minutes(*from) - shape.buffer_before < end);
    for (from, to) in member.busy.get(..upto).unwrap_or_default().iter().rev() {
        let a = epoch_minutes(*from) - shape.buffer_before;
        let b = epoch_minutes(*to) + shape.buffer_after;
        if a < end && start < b {
            return Some(Reason::Busy { start: *from, end: *to });
        }
        if a + member.longest_busy + shape.buffer_before + shape.buffer_after < start {
            break;
        }
    }
    let covered = |civil: Option<(u16, u16)>| {
        let mut spans: Vec<(i64, i64)> = Vec::new();
        let mut date = first.pred_opt().unwrap_or(first);
        let stop = last.succ_opt().unwrap_or(last);
        while date <= stop {
            for (s, e) in member.local_intervals(date, shape.default_hours) {
                let (s, e) = match civil {
                    Some((c0, c1)) => (s.max(c0), e.min(c1)),
                    None => (s, e),
                };
                if s < e {
                    let to_utc = |minute: u16| {
                        let local =
                            date.and_time(NaiveTime::MIN) + Duration::minutes(i64::from(minute));
                        epoch_minutes(resolve_local(zone, local).with_timezone(&Utc))
                    };
                    spans.push((to_utc(s), to_utc(e)));
                }
            }
            date = match date.succ_opt() {
                Some(next) => next,
                None => break,
            };
        }
        spans.sort_unstable();
        let mut reach = start;
        for (s, e) in spans {
            if s <= reach && e > reach {
                reach = e;
            }
        }
        reach >= end
    };
    if !covered(None) {
        return Some(Reason::OutsideWindows);
    }
    if shape.civil.is_some() && !covered(shape.civil) {
        return Some(Reason::OutsideCivilHours);
    }
    None
}
