//! Recurring queries: one weekday-and-time pattern that holds at every occurrence of a cadence.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use tempi_core::rule::Frequency;
use tempi_core::{Cadence, Length};

use std::collections::HashMap;

use crate::availability::{
    Availability, Grid, Shape, ZoneDays, epoch_minutes, free_bits, from_epoch_minutes,
};
use crate::bits::Bits;
use crate::common::{Options, Prepared, missing, score_alone, time_of};
use crate::{Error, Missing, Score, common_setters};

/// Where a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SeriesEnd {
    /// After this many occurrences (1 to 1000).
    Count(u32),
    /// On or before this date (anchor zone).
    Until(NaiveDate),
}

/// A recurring query: "weekly for 6 weeks from 2027-03-01, anchored in Europe/Berlin".
///
/// The cadence gives the dates; the solver chooses the wall-clock time in the anchor zone (and,
/// for a cadence without a day, such as `weekly` or `monthly`, the first date too: one of the
/// seven days from `from`). Each occurrence is mapped to an instant by the anchor zone's DST
/// policy ([`tempi::time::resolve_local`](tempi_core::time::resolve_local)); each member's own offset changes are in their
/// availability, so members whose zones change on other dates are checked at every occurrence.
///
/// # Example: across a DST transition
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub use tempi_solve as solve; }
/// use tempi::chrono::{NaiveDate, Weekday};
/// use tempi::chrono_tz::{America::New_York, Europe::Berlin};
/// use tempi::{Cadence, Length, WeeklyWindow};
/// use tempi::solve::{Availability, SeriesEnd, SeriesQuery};
///
/// // Weekly on Tuesdays for 6 weeks from 2027-03-02, anchored in Berlin. New York springs
/// // forward on 14 March, Berlin on 28 March: for two weeks they are 5 hours apart, not 6.
/// let from = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
/// let mut query = SeriesQuery::new(
///     "60m".parse::<Length>()?, "weekly on tue".parse::<Cadence>()?, Berlin, from, SeriesEnd::Count(6));
/// query
///     .required(Availability::new("ana", Berlin).windows(WeeklyWindow::parse_many("tue 17:00-19:00")?))
///     .required(Availability::new("grace", New_York).windows(WeeklyWindow::parse_many("tue 11:00-13:00")?));
/// let answer = query.solve()?;
/// // 17:00 Berlin is 11:00 or 12:00 in New York: inside Grace's window on both sides.
/// let best = &answer.patterns[0];
/// assert_eq!(best.time.format("%H:%M").to_string(), "17:00");
/// assert_eq!(best.weekdays, vec![Weekday::Tue]);
/// assert_eq!(best.misses, 0);
/// let grace = &best.members[1];
/// assert_eq!(grace.drift.len(), 2); // 11:00 → 12:00 on 16 March, back to 11:00 on 30 March
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeriesQuery {
    pub(crate) options: Options,
    pub(crate) cadence: Cadence,
    pub(crate) zone: Tz,
    pub(crate) from: NaiveDate,
    pub(crate) end: SeriesEnd,
    pub(crate) misses: u32,
    pub(crate) weekdays: Option<Vec<Weekday>>,
}

common_setters!(SeriesQuery);

/// The answer to a recurring query.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Patterns {
    /// The best patterns, best first.
    pub patterns: Vec<Pattern>,
    /// How many (dates, time) patterns held within the allowed misses.
    pub valid: usize,
    /// When nothing fits: why, each as a sentence.
    pub reasons: Vec<String>,
    /// When nothing fits: the patterns with the fewest misses.
    pub near_misses: Vec<Pattern>,
}

/// A recurring time: a wall-clock time in the anchor zone on the cadence's dates.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pattern {
    /// The anchor zone.
    pub zone: Tz,
    /// The wall-clock start in the anchor zone.
    pub time: NaiveTime,
    /// The weekdays the occurrences fall on (anchor zone), ascending from Monday.
    pub weekdays: Vec<Weekday>,
    /// The first occurrence's date (anchor zone).
    pub first: NaiveDate,
    /// Every occurrence, with who misses it.
    pub occurrences: Vec<SeriesOccurrence>,
    /// How many occurrences do not hold (a required member or the quorum missing).
    pub misses: usize,
    /// The score: attendance over all occurrences; preferences and fairness at the first.
    pub score: Score,
    /// Each member's local time and drift.
    pub members: Vec<PatternMember>,
}

/// One occurrence of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeriesOccurrence {
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// Whether every required member (and the quorum) can come.
    pub holds: bool,
    /// Who cannot come, and why.
    pub missing: Vec<Missing>,
}

/// One member's view of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PatternMember {
    /// The member's id.
    pub id: String,
    /// Whether they are required.
    pub required: bool,
    /// The first occurrence's start in their zone.
    pub local: DateTime<Tz>,
    /// How many occurrences they can attend.
    pub attends: usize,
    /// Where their local time shifts (their zone and the anchor changing offset on different
    /// dates), in order.
    pub drift: Vec<Drift>,
}

/// A shift of a member's local start time between two consecutive occurrences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Drift {
    /// The member's local date of the first shifted occurrence.
    pub date: NaiveDate,
    /// The local start before.
    pub from: NaiveTime,
    /// The local start from then on.
    pub to: NaiveTime,
    /// `to - from` in minutes (e.g. +60 or −60).
    pub minutes: i64,
}

/// The longest span a series may cover: ten years.
const MAX_SERIES_DAYS: i64 = 3660;

impl SeriesQuery {
    /// A series of meetings of `length` on `cadence`'s dates from `from`, anchored in `zone`.
    pub fn new(
        length: Length,
        cadence: Cadence,
        zone: Tz,
        from: NaiveDate,
        end: SeriesEnd,
    ) -> SeriesQuery {
        SeriesQuery {
            options: Options::new(length),
            cadence,
            zone,
            from,
            end,
            misses: 0,
            weekdays: None,
        }
    }

    /// Allows up to `k` occurrences that do not hold (default 0).
    pub fn allowed_misses(&mut self, k: u32) -> &mut Self {
        self.misses = k;
        self
    }

    /// Only patterns whose first occurrence falls on one of these weekdays (for cadences
    /// without a day of their own).
    pub fn weekdays(&mut self, days: Vec<Weekday>) -> &mut Self {
        self.weekdays = Some(days);
        self
    }

    /// Finds the best patterns.
    ///
    /// # Errors
    /// As [`crate::SlotQuery::solve`], and when the cadence cannot be expanded, has no
    /// occurrence, or the series has more than 1000 occurrences or spans more than ten years.
    pub fn solve(&self) -> Result<Patterns, Error> {
        self.options.check()?;
        let sequences = self.sequences()?;
        let engine = Engine::new(&self.options, self.zone, &sequences)?;
        let found = engine.scan(self.misses);
        let valid = found.iter().filter(|f| f.misses <= self.misses as usize).count();
        if valid == 0 {
            let mut reasons = crate::oneoff::blocking_reasons(&self.options, &engine.prepared);
            let fewest = found.iter().map(|f| f.misses).min();
            let near: Vec<Found> = match fewest {
                Some(m) => found.into_iter().filter(|f| f.misses == m).collect(),
                None => Vec::new(),
            };
            let n = sequences.first().map_or(0, Vec::len);
            match fewest {
                Some(m) if reasons.is_empty() => reasons.push(format!(
                    "no weekday and time holds at {} of the {n} occurrences; the best miss {m} (allow misses, shorten the meeting or widen windows)",
                    if self.misses == 0 { "all".to_string() } else { format!("all but {}", self.misses) }
                )),
                _ => {}
            }
            let near_misses = engine.best(&near, 3);
            return Ok(Patterns { patterns: Vec::new(), valid: 0, reasons, near_misses });
        }
        let kept: Vec<Found> =
            found.into_iter().filter(|f| f.misses <= self.misses as usize).collect();
        let patterns = engine.best(&kept, self.options.max_results);
        Ok(Patterns { patterns, valid, reasons: Vec::new(), near_misses: Vec::new() })
    }

    /// The pattern [`SeriesQuery::solve`] ranks first, when some pattern holds within the
    /// allowed misses; `None` when none does (without working out why, or the near misses).
    /// The members' bitsets come from `shared`, where `keys` name them (in the order they were
    /// added).
    ///
    /// # Errors
    /// As [`SeriesQuery::solve`].
    pub(crate) fn first_fit(
        &self,
        shared: &mut SharedFree,
        keys: &[usize],
    ) -> Result<Option<Pattern>, Error> {
        self.options.check()?;
        let sequences = self.sequences()?;
        let engine = match shared.engine(&self.options, self.zone, &sequences, keys)? {
            Some(engine) => engine,
            None => Engine::new(&self.options, self.zone, &sequences)?,
        };
        let allowed = self.misses as usize;
        let kept: Vec<Found> =
            engine.scan(self.misses).into_iter().filter(|f| f.misses <= allowed).collect();
        if kept.is_empty() {
            return Ok(None);
        }
        Ok(engine.best(&kept, self.options.max_results).into_iter().next())
    }

    /// The date sequences to try: one per possible first day when the cadence has no day.
    pub(crate) fn sequences(&self) -> Result<Vec<Vec<NaiveDate>>, Error> {
        if let SeriesEnd::Count(n) = self.end
            && !(1..=1000).contains(&n)
        {
            return Err(Error::SeriesCount { count: n as usize });
        }
        let mut out = day_sequences(&self.cadence, self.zone, self.from, self.from, self.end)?;
        if let Some(days) = &self.weekdays {
            out.retain(|seq| seq.first().is_some_and(|d| days.contains(&d.weekday())));
        }
        if out.iter().all(Vec::is_empty) {
            return Err(Error::NoOccurrences {
                cadence: self.cadence.to_string(),
                from: self.from,
            });
        }
        out.retain(|seq| !seq.is_empty());
        Ok(out)
    }
}

/// Whether a cadence takes its day from its start (`weekly`, `monthly`, `yearly` with no BY
/// parts), so the solver may choose the day.
fn day_free(cadence: &Cadence) -> bool {
    match cadence.as_rule() {
        Some(rule) => {
            rule.by_day().is_empty()
                && rule.by_month_day().is_empty()
                && rule.by_set_pos().is_empty()
                && rule.by_year_day().is_empty()
                && rule.by_week_no().is_empty()
                && matches!(rule.freq(), Frequency::Weekly | Frequency::Monthly | Frequency::Yearly)
        }
        None => false,
    }
}

/// The local dates of `cadence` for a series that starts on `start` and is kept from `from`,
/// for each first day the solver may choose (the seven days from `from` for a cadence without a
/// day of its own; otherwise only `start`, so `INTERVAL` and `WKST` keep the rhythm's phase).
///
/// The dates come from tempi-core's own expansion ([`Cadence::local_dates`]), the one `plan`
/// uses: the solver never checks other days than the plan will hold.
pub(crate) fn day_sequences(
    cadence: &Cadence,
    zone: Tz,
    start: NaiveDate,
    from: NaiveDate,
    end: SeriesEnd,
) -> Result<Vec<Vec<NaiveDate>>, Error> {
    let starts: Vec<NaiveDate> = if day_free(cadence) {
        let first = start.max(from);
        (0..7).filter_map(|k| first.checked_add_signed(Duration::days(k))).collect()
    } else {
        vec![start]
    };
    let mut out: Vec<Vec<NaiveDate>> = Vec::new();
    for start in starts {
        let dates = cadence_dates(cadence, zone, start, from, end)?;
        if !out.contains(&dates) {
            out.push(dates);
        }
    }
    Ok(out)
}

/// The dates of one series: through the end date, or the first `n` from `from` (expanding a
/// longer span while too few were found and the ten-year limit allows).
fn cadence_dates(
    cadence: &Cadence,
    zone: Tz,
    start: NaiveDate,
    from: NaiveDate,
    end: SeriesEnd,
) -> Result<Vec<NaiveDate>, Error> {
    let cadence_error = |source: tempi_core::Error| Error::Cadence { source };
    let cap = NaiveDate::from_ymd_opt(tempi_core::time::LAST_PLANNABLE_YEAR, 12, 31);
    let limit_day = |days: i64| {
        let last = from.checked_add_signed(Duration::days(days.min(MAX_SERIES_DAYS)));
        match (last, cap) {
            (Some(last), Some(cap)) => last.min(cap),
            (Some(last), None) => last,
            (None, _) => cap.unwrap_or(from),
        }
    };
    let dtstart = start.and_time(NaiveTime::MIN);
    let expand = |last: NaiveDate| {
        if last < from.max(start) {
            return Ok(Vec::new());
        }
        cadence.local_dates(zone, dtstart, from, last, EXPANSION_BUDGET).map_err(cadence_error)
    };
    match end {
        SeriesEnd::Until(date) => {
            let mut dates = expand(date.min(limit_day(MAX_SERIES_DAYS)))?;
            dates.truncate(1000);
            Ok(dates)
        }
        SeriesEnd::Count(n) => {
            let n = n as usize;
            let period_days =
                i64::try_from(cadence.nominal_period_seconds() / 86_400).unwrap_or(366);
            let mut span =
                period_days.max(1).saturating_mul(i64::try_from(n).unwrap_or(0) + 1) + 62;
            loop {
                let last = limit_day(span);
                let mut dates = expand(last)?;
                if dates.len() >= n || last >= limit_day(MAX_SERIES_DAYS) {
                    dates.truncate(n);
                    return Ok(dates);
                }
                span = span.saturating_mul(2);
            }
        }
    }
}

/// The most wall-clock starts one series may generate (a sub-daily rule over ten years).
const EXPANSION_BUDGET: usize = 200_000;

/// The span a recurring search's grid covers, `[from, to)` in epoch minutes: local midnight of
/// the day before the first date to the end of the day after the last (`zone`'s), with those
/// two days.
fn grid_span(
    zone: Tz,
    sequences: &[Vec<NaiveDate>],
) -> Result<(i64, i64, NaiveDate, NaiveDate), Error> {
    let first = sequences.iter().filter_map(|s| s.first()).min().copied();
    let last = sequences.iter().filter_map(|s| s.last()).max().copied();
    let (Some(first), Some(last)) = (first, last) else {
        return Err(Error::NoOccurrences { cadence: String::new(), from: NaiveDate::MIN });
    };
    let span = (last - first).num_days();
    if span > MAX_SERIES_DAYS {
        return Err(Error::WindowTooLong { days: span, max: MAX_SERIES_DAYS });
    }
    let before = first.pred_opt().unwrap_or(first);
    let after = last.succ_opt().unwrap_or(last);
    let midnight = |date: NaiveDate| {
        epoch_minutes(
            tempi_core::time::resolve_local(zone, date.and_time(NaiveTime::MIN))
                .with_timezone(&Utc),
        )
    };
    Ok((midnight(before), midnight(after) + 1440, before, after))
}

/// Members' free bitsets over one wide grid per resolution, each built once and cut to the
/// grid of every recurring search that asks about that member. The availability check searches
/// a better time for up to [`crate::fit::MAX_SUGGESTIONS`] rhythms over the same window, and
/// most of their attendees recur: building each one's year of bitsets again per search was
/// most of the searches' cost.
///
/// A slot's bit depends only on the slot (the member's windows, away dates and busy time
/// around it), not on where the grid starts or ends, so a cut of the wide bitset is the bitset
/// the search would build for itself.
#[derive(Debug)]
pub(crate) struct SharedFree {
    /// What every wide grid covers, `[from, to)` in epoch minutes.
    span: (i64, i64),
    /// The shape the bitsets are built with (the first search's); a search with another
    /// builds its own.
    shape: Option<Shape>,
    /// Each zone's calendar over the span (a pure cache: a date maps to the same minute whatever
    /// range it was built over).
    zones: Vec<(Tz, ZoneDays)>,
    /// Per resolution: the wide grid and the bitsets built on it.
    grids: Vec<(Grid, HashMap<FreeKey, Bits>)>,
}

/// Whose bitset: a member's, by the caller's key; or, for members who declare only weekly
/// windows, that of everyone in the zone with those windows (their bitsets are the same).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FreeKey {
    Member(usize),
    Weekly(Tz, Vec<(u32, u16, u16)>),
}

impl FreeKey {
    fn of(member: &Availability, key: usize) -> FreeKey {
        if !member.declares_only_weekly() {
            return FreeKey::Member(key);
        }
        let windows = member
            .weekly_windows()
            .iter()
            .map(|w| (w.weekday().num_days_from_monday(), w.start_minute(), w.end_minute()))
            .collect();
        FreeKey::Weekly(member.zone(), windows)
    }
}

/// The margin the shared grids keep beyond the window, in minutes: a search's grid runs from
/// the day before its first date to the day after its last, in its own zone.
const SHARED_MARGIN: i64 = 3 * 1440;

impl SharedFree {
    /// Bitsets covering `[from, to)` with a few days to spare.
    pub(crate) fn new(from: DateTime<Utc>, to: DateTime<Utc>) -> SharedFree {
        let span = (epoch_minutes(from) - SHARED_MARGIN, epoch_minutes(to) + SHARED_MARGIN);
        SharedFree { span, shape: None, zones: Vec::new(), grids: Vec::new() }
    }

    /// Where `zone`'s calendar over the span is in `zones`, built when first asked for.
    fn zone_index(&mut self, zone: Tz) -> usize {
        if let Some(k) = self.zones.iter().position(|(z, _)| *z == zone) {
            return k;
        }
        let date = |minute: i64| from_epoch_minutes(minute).with_timezone(&zone).date_naive();
        let (first, last) = (date(self.span.0), date(self.span.1));
        let first = first.pred_opt().and_then(|d| d.pred_opt()).unwrap_or(first);
        let last = last.succ_opt().unwrap_or(last);
        self.zones.push((zone, ZoneDays::new(zone, first, last)));
        self.zones.len() - 1
    }

    /// The engine of a search over `sequences` for `options`' members, whose keys (in the same
    /// order) name them here. `None` when the search's grid or shape is not the shared one:
    /// the caller builds its own then.
    fn engine<'a>(
        &mut self,
        options: &'a Options,
        zone: Tz,
        sequences: &'a [Vec<NaiveDate>],
        keys: &[usize],
    ) -> Result<Option<Engine<'a>>, Error> {
        let (from, to, _, _) = grid_span(zone, sequences)?;
        let step = options.resolution();
        let grid = Grid::new(from, to, step);
        let shape = options.shape();
        if *self.shape.get_or_insert(shape) != shape || keys.len() != options.members.len() {
            return Ok(None);
        }
        let k = match self.grids.iter().position(|(g, _)| g.step == step) {
            Some(k) => k,
            None => {
                self.grids.push((Grid::new(self.span.0, self.span.1, step), HashMap::new()));
                self.grids.len() - 1
            }
        };
        let Some(wide) = self.grids.get(k).map(|(g, _)| *g) else { return Ok(None) };
        let offset = usize::try_from((grid.origin - wide.origin) / step).ok();
        let Some(offset) = offset.filter(|o| o + grid.len <= wide.len) else { return Ok(None) };
        let keys: Vec<FreeKey> =
            options.members.iter().zip(keys).map(|((m, _), key)| FreeKey::of(m, *key)).collect();
        for ((member, _), key) in options.members.iter().zip(&keys) {
            let built = self.grids.get(k).is_some_and(|(_, bits)| bits.contains_key(key));
            if !built {
                let z = self.zone_index(member.zone());
                let Some((_, days)) = self.zones.get(z) else { return Ok(None) };
                let bits = free_bits(member, &wide, &shape, days);
                if let Some((_, all)) = self.grids.get_mut(k) {
                    all.insert(key.clone(), bits);
                }
            }
        }
        let Some((_, all)) = self.grids.get(k) else { return Ok(None) };
        let free: Vec<Bits> = keys
            .iter()
            .map(|key| match all.get(key) {
                Some(bits) => bits.window(offset, grid.len),
                None => Bits::zeros(grid.len),
            })
            .collect();
        let prepared = Prepared::assemble(options, grid, shape, free.iter());
        let z = self.zone_index(zone);
        let Some((_, days)) = self.zones.get(z) else { return Ok(None) };
        let days = days.clone();
        Ok(Some(Engine::with_prepared(options, zone, sequences, days, prepared)))
    }
}

/// One (dates, time) pattern found by the scan.
#[derive(Debug, Clone)]
pub(crate) struct Found {
    pub(crate) sequence: usize,
    pub(crate) minute: u32,
    pub(crate) slots: Vec<Option<usize>>,
    pub(crate) misses: usize,
}

/// The bitsets of a recurring query and the anchor zone's calendar.
#[derive(Debug)]
pub(crate) struct Engine<'a> {
    pub(crate) options: &'a Options,
    pub(crate) zone: Tz,
    pub(crate) sequences: &'a [Vec<NaiveDate>],
    pub(crate) days: ZoneDays,
    pub(crate) prepared: Prepared,
}

impl<'a> Engine<'a> {
    pub(crate) fn new(
        options: &'a Options,
        zone: Tz,
        sequences: &'a [Vec<NaiveDate>],
    ) -> Result<Engine<'a>, Error> {
        let (from, to, before, after) = grid_span(zone, sequences)?;
        let (prepared, zones) = Prepared::with_zone_days(options, from, to);
        // The members' calendars cover the grid with a day to spare, so the anchor's is
        // usually among them.
        let days = match zones.into_iter().find(|(z, _)| *z == zone) {
            Some((_, days)) => days,
            None => ZoneDays::new(zone, before, after),
        };
        Ok(Engine { options, zone, sequences, days, prepared })
    }

    /// An engine over bitsets built elsewhere (whole-plan placement shares them).
    pub(crate) fn with_prepared(
        options: &'a Options,
        zone: Tz,
        sequences: &'a [Vec<NaiveDate>],
        days: ZoneDays,
        prepared: Prepared,
    ) -> Engine<'a> {
        Engine { options, zone, sequences, days, prepared }
    }

    /// Every (dates, time) pattern: its grid slots and its misses (counted up to `stop + 1`).
    pub(crate) fn scan(&self, stop: u32) -> Vec<Found> {
        let step = self.options.granularity.max(1);
        let stop = stop as usize;
        let mut found = Vec::new();
        for (sequence, dates) in self.sequences.iter().enumerate() {
            // Local midnight of each date once; only days with a transition map minute by minute.
            let midnights: Vec<Option<i64>> =
                dates.iter().map(|d| self.days.plain_midnight(*d)).collect();
            let mut minute = 0u32;
            while minute < 1440 {
                let m = u16::try_from(minute).unwrap_or(0);
                let slots: Vec<Option<usize>> = dates
                    .iter()
                    .zip(&midnights)
                    .map(|(d, midnight)| {
                        let utc = match midnight {
                            Some(midnight) => midnight + i64::from(m),
                            None => self.days.to_utc(*d, m),
                        };
                        self.prepared.grid.exact(utc)
                    })
                    .collect();
                let mut misses = 0;
                for slot in &slots {
                    if !slot.is_some_and(|i| self.prepared.valid(i)) {
                        misses += 1;
                        if misses > stop.saturating_add(dates.len()) {
                            break;
                        }
                    }
                }
                found.push(Found { sequence, minute, slots, misses });
                minute += step;
            }
        }
        found
    }

    /// Scores the found patterns and details the best `max`, spread out.
    pub(crate) fn best(&self, found: &[Found], max: usize) -> Vec<Pattern> {
        let mut quick: Vec<(i64, usize, usize)> =
            found.iter().enumerate().map(|(k, f)| (self.quick_score(f), f.misses, k)).collect();
        quick.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        let run = i64::from(self.options.length.minutes());
        let mut chosen: Vec<&Found> = Vec::new();
        for (_, _, k) in quick {
            // A few more than asked, so the drift tie-break has something to choose from.
            if chosen.len() >= max.saturating_add(max.div_ceil(2)) {
                break;
            }
            let Some(f) = found.get(k) else { continue };
            let clash = chosen.iter().any(|c| {
                c.sequence == f.sequence && (i64::from(c.minute) - i64::from(f.minute)).abs() < run
            });
            if self.options.spread && clash {
                continue;
            }
            chosen.push(f);
        }
        let mut detailed: Vec<Pattern> = chosen.into_iter().map(|f| self.detail(f)).collect();
        let drift = |p: &Pattern| p.members.iter().map(|m| m.drift.len()).sum::<usize>();
        detailed.sort_by(|a, b| {
            b.score
                .total
                .cmp(&a.score.total)
                .then(a.misses.cmp(&b.misses))
                .then(drift(a).cmp(&drift(b)))
                .then(
                    a.occurrences
                        .first()
                        .map(|o| o.start)
                        .cmp(&b.occurrences.first().map(|o| o.start)),
                )
                .then(a.time.cmp(&b.time))
        });
        detailed.truncate(max);
        detailed
    }

    fn attending(&self, slot: Option<usize>) -> Vec<bool> {
        match slot {
            Some(i) => self.prepared.attending(i),
            None => vec![false; self.options.members.len()],
        }
    }

    /// Attendance over every occurrence; preferences and fairness at the first that holds.
    fn quick_score(&self, f: &Found) -> i64 {
        self.score_of(f).total
    }

    fn score_of(&self, f: &Found) -> Score {
        self.score_with(f, &|_| 0)
    }

    /// The score, with each member's earlier burden added to their pain (placement).
    pub(crate) fn score_with(&self, f: &Found, burden: &dyn Fn(usize) -> u32) -> Score {
        let n = self.options.members.len().max(1);
        let occurrences = f.slots.len().max(1);
        let attended: usize = f
            .slots
            .iter()
            .flatten()
            .map(|i| self.prepared.starts.iter().filter(|b| b.get(*i)).count())
            .sum();
        let reference = f
            .slots
            .iter()
            .copied()
            .find(|s| s.is_some_and(|i| self.prepared.valid(i)))
            .or_else(|| f.slots.first().copied())
            .flatten();
        let minutes = self.prepared.minutes();
        let mut score = match reference {
            Some(i) => score_alone(
                &self.options.members,
                &self.attending(Some(i)),
                self.prepared.grid.minute(i),
                minutes,
                burden,
            ),
            None => Score::default(),
        };
        score.attendance = i64::try_from(1000 * attended / (n * occurrences)).unwrap_or(0);
        score.total = score.attendance + score.preferences + score.fairness;
        score
    }

    pub(crate) fn detail(&self, f: &Found) -> Pattern {
        let minutes = self.prepared.minutes();
        let dates = self.sequences.get(f.sequence).map(Vec::as_slice).unwrap_or_default();
        let m = u16::try_from(f.minute).unwrap_or(0);
        let mut occurrences = Vec::with_capacity(dates.len());
        let mut attends = vec![0usize; self.options.members.len()];
        for (date, slot) in dates.iter().zip(&f.slots) {
            let start = self.days.to_utc(*date, m);
            let attending = self.attending(*slot);
            for (count, here) in attends.iter_mut().zip(&attending) {
                *count += usize::from(*here);
            }
            occurrences.push(SeriesOccurrence {
                start: from_epoch_minutes(start),
                end: from_epoch_minutes(start + minutes),
                holds: slot.is_some_and(|i| self.prepared.valid(i)),
                missing: missing(self.options, &self.prepared.shape, &attending, start, minutes),
            });
        }
        let members = self
            .options
            .members
            .iter()
            .zip(attends)
            .map(|((member, required), attends)| PatternMember {
                id: member.id().to_string(),
                required: *required,
                local: occurrences
                    .first()
                    .map(|o| o.start.with_timezone(&member.zone()))
                    .unwrap_or_else(|| from_epoch_minutes(0).with_timezone(&member.zone())),
                attends,
                drift: drift(member, &occurrences),
            })
            .collect();
        let mut weekdays: Vec<Weekday> = dates.iter().map(|d| d.weekday()).collect();
        weekdays.sort_by_key(|d| d.num_days_from_monday());
        weekdays.dedup();
        Pattern {
            zone: self.zone,
            time: time_of(f.minute),
            weekdays,
            first: dates.first().copied().unwrap_or(NaiveDate::MIN),
            occurrences,
            misses: f.misses,
            score: self.score_of(f),
            members,
        }
    }
}

/// Where `member`'s local start time changes between consecutive occurrences.
pub(crate) fn drift(member: &Availability, occurrences: &[SeriesOccurrence]) -> Vec<Drift> {
    let mut out = Vec::new();
    let mut previous: Option<NaiveTime> = None;
    for occurrence in occurrences {
        let local = occurrence.start.with_timezone(&member.zone());
        let time = local.time();
        if let Some(before) = previous
            && before != time
        {
            let minutes = i64::from(time.num_seconds_from_midnight() / 60)
                - i64::from(before.num_seconds_from_midnight() / 60);
            out.push(Drift { date: local.date_naive(), from: before, to: time, minutes });
        }
        previous = Some(time);
    }
    out
}
