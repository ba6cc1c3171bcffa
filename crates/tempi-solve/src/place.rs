//! Whole-plan placement: every `at = "auto"` rhythm gets its time.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
use tempi_core::{Cadence, Community, Plan, Presence, Rhythm, Timing, WeeklyWindow, Window};

use crate::availability::{
    Availability, Grid, Shape, ZoneDays, epoch_minutes, free_bits, grid_dates,
};
use crate::bits::Bits;
use crate::common::{Options, Prepared, pain, time_of};
use crate::series::{Engine, Found, SeriesEnd, day_sequences};
use crate::{Error, Quorum, Score};

/// Grid slots `[from, to)`.
type SlotSpan = (usize, usize);

/// Busy intervals `[start, end)`.
type Intervals = Vec<(DateTime<Utc>, DateTime<Utc>)>;

/// Options for [`place`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlaceOptions {
    busy: HashMap<String, Intervals>,
}

impl PlaceOptions {
    /// No busy calendars.
    pub fn new() -> PlaceOptions {
        PlaceOptions::default()
    }

    /// Adds a member's busy intervals (e.g. read from their `busy` calendars).
    pub fn busy(
        &mut self,
        member: impl Into<String>,
        intervals: impl IntoIterator<Item = (DateTime<Utc>, DateTime<Utc>)>,
    ) -> &mut PlaceOptions {
        self.busy.entry(member.into()).or_default().extend(intervals);
        self
    }
}

/// What happened to one `at = "auto"` rhythm.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Placement {
    /// The rhythm's id.
    pub rhythm: String,
    /// The chosen wall-clock time in the rhythm's zone, when placed.
    pub at: Option<NaiveTime>,
    /// The first date, when the solver chose the day (cadences without one).
    pub first: Option<NaiveDate>,
    /// Occurrences in the window that an attendee (or the quorum) cannot make.
    pub misses: usize,
    /// How many occurrences fall in the window.
    pub occurrences: usize,
    /// The score of the chosen time.
    pub score: Option<Score>,
    /// Why it could not be placed.
    pub unplaced: Option<String>,
}

/// The community with solved times, and what happened to each auto rhythm.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PlaceReport {
    /// The community, each placed rhythm with its time (unplaced ones stay `auto` and are
    /// skipped by the engine with a warning).
    pub community: Community,
    /// One entry per auto rhythm, in the order they were placed.
    pub placements: Vec<Placement>,
}

/// Gives every `at = "auto"` rhythm of `community` a time in `window`.
///
/// Rhythms are placed one at a time: higher priority first, then the slower tempo (a quarterly
/// planning day before a weekly pod call), then file order. For each, every (first day,
/// wall-clock time) pattern of its cadence in the window is tested against its attendees'
/// bitsets, which already hold their windows, the rhythms with fixed times, and the auto
/// rhythms placed before it, so no member is double-booked across their groups. A rhythm is
/// placed where at most one occurrence in ten misses an attendee (or its quorum, if it has a
/// `presence`); among those, the fewest misses win, then the score. The score's fairness part
/// adds each attendee's burden so far (the local-hour pain of the rhythms already placed for
/// them), so the member who already took an early or late call is spared the next one: the
/// inconvenience rotates across the plan.
///
/// # Errors
/// When the community's fixed rhythms cannot be expanded over the window, or the placed
/// community fails validation.
pub fn place(
    community: &Community,
    window: Window,
    options: &PlaceOptions,
) -> Result<PlaceReport, Error> {
    let auto = placement_order(community);
    if auto.is_empty() {
        return Ok(PlaceReport { community: community.clone(), placements: Vec::new() });
    }
    let rhythms: Vec<&Rhythm> = auto.iter().filter_map(|i| community.rhythms().get(*i)).collect();
    let mut board = Board::new(community, &rhythms, window, options);
    let plan = community.plan(window).map_err(plan_error)?;
    board.occupy_fixed(&plan);
    let mut placements = Vec::with_capacity(rhythms.len());
    let mut timed = Vec::new();
    for rhythm in rhythms {
        let (placement, placed) = board.place_one(community, rhythm, window)?;
        placements.push(placement);
        timed.extend(placed);
    }
    let mut builder = community.to_builder();
    builder.replace_rhythms(timed);
    let (placed, _) = builder.build().map_err(plan_error)?;
    Ok(PlaceReport { community: placed, placements })
}

fn plan_error(source: tempi_core::Error) -> Error {
    Error::Plan { source }
}

/// The indices of the auto rhythms in the order they are placed: higher priority first, then
/// the slower tempo, then file order.
fn placement_order(community: &Community) -> Vec<usize> {
    let rhythms = community.rhythms();
    let mut auto: Vec<usize> =
        (0..rhythms.len()).filter(|i| rhythms.get(*i).is_some_and(|r| r.is_auto())).collect();
    auto.sort_by_key(|i| {
        let r = rhythms.get(*i);
        let priority = r.map_or(0, |r| r.priority_value());
        let period = r.map_or(0, |r| match r.timing() {
            Timing::Cadence(c) => c.nominal_period_seconds(),
            _ => 0,
        });
        (std::cmp::Reverse(priority), std::cmp::Reverse(period), *i)
    });
    auto
}

/// What placement keeps across rhythms: the members who attend an auto rhythm, their free
/// bitsets over one grid, and the burden each has taken so far.
struct Board {
    grid: Grid,
    shape: Shape,
    zone_days: HashMap<Tz, ZoneDays>,
    /// A member's id to their place in `members`, `free` and `burden`.
    index: HashMap<String, usize>,
    members: Vec<Availability>,
    free: Vec<Bits>,
    /// The local-hour pain of the rhythms already placed for each member.
    burden: Vec<u32>,
}

impl Board {
    /// The attendees of `rhythms` with their windows and busy intervals, on a grid fine
    /// enough for every rhythm's length, covering `window` with a day before and two after.
    fn new(
        community: &Community,
        rhythms: &[&Rhythm],
        window: Window,
        options: &PlaceOptions,
    ) -> Board {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut members: Vec<Availability> = Vec::new();
        for r in rhythms {
            for id in community.attendees_of(r.id()) {
                if !index.contains_key(id)
                    && let Some(m) = community.member(id)
                {
                    index.insert(id.to_string(), members.len());
                    members.push(Availability::from_member(m));
                }
            }
        }
        let step = rhythms.iter().fold(15u32, |g, r| gcd(g, r.length().minutes())).max(1);
        let grid = Grid::new(
            epoch_minutes(window.start()) - 1440,
            epoch_minutes(window.end()) + 2 * 1440,
            i64::from(step),
        );
        let shape = Options::new(tempi_core::Length::MIN_LENGTH).shape();
        let mut board = Board {
            grid,
            shape,
            zone_days: HashMap::new(),
            index,
            burden: vec![0; members.len()],
            members,
            free: Vec::new(),
        };
        board.free = board.free_bitsets(community, options);
        board
    }

    /// The calendar of `zone` over the grid, built once per zone.
    fn days_for(&mut self, zone: Tz) -> ZoneDays {
        let grid = self.grid;
        self.zone_days
            .entry(zone)
            .or_insert_with(|| {
                let (first, last) = grid_dates(&grid, zone);
                ZoneDays::new(zone, first.pred_opt().unwrap_or(first), last)
            })
            .clone()
    }

    /// Each member's free slots: their windows, less their busy intervals.
    fn free_bitsets(&mut self, community: &Community, options: &PlaceOptions) -> Vec<Bits> {
        // Members with only weekly windows share their bitset with everyone of the same zone
        // and windows: built once, copied.
        let mut by_signature: HashMap<(Tz, Vec<WeeklyWindow>), Bits> = HashMap::new();
        let mut free: Vec<Bits> = Vec::with_capacity(self.members.len());
        for k in 0..self.members.len() {
            let Some(zone) = self.members.get(k).map(Availability::zone) else { continue };
            let days = self.days_for(zone);
            let Some(member) = self.members.get(k) else { continue };
            let plain = community
                .member(member.id())
                .is_some_and(|m| m.away_dates().is_empty() && m.extra_windows().is_empty());
            let mut bits = if plain {
                let key = (member.zone(), member.weekly_windows().to_vec());
                by_signature
                    .entry(key)
                    .or_insert_with(|| free_bits(member, &self.grid, &self.shape, &days))
                    .clone()
            } else {
                free_bits(member, &self.grid, &self.shape, &days)
            };
            if let Some(intervals) = options.busy.get(member.id()) {
                for (a, b) in intervals {
                    let (x, y) = self.grid.touching(
                        epoch_minutes(*a),
                        epoch_minutes(*b) + i64::from(b.timestamp() % 60 != 0),
                    );
                    bits.fill(x, y, false);
                }
            }
            free.push(bits);
        }
        free
    }

    /// The rhythms with fixed times occupy their attendees.
    fn occupy_fixed(&mut self, plan: &Plan) {
        // The occurrences of a rhythm share one attendee list (known by its address, which
        // stays put while the plan lives): they are gathered per list, then each member's
        // bitset takes all of its list's occurrences at once.
        let mut lists: HashMap<(usize, usize), usize> = HashMap::new();
        let mut spans: Vec<(&[Arc<str>], Vec<SlotSpan>)> = Vec::new();
        for occurrence in plan.occurrences().iter().filter(|o| o.is_active()) {
            let span = self.grid.touching(
                epoch_minutes(occurrence.start.with_timezone(&Utc)),
                epoch_minutes(occurrence.end.with_timezone(&Utc)),
            );
            let list = &*occurrence.attendees;
            let k = *lists.entry((list.as_ptr() as usize, list.len())).or_insert_with(|| {
                spans.push((list, Vec::new()));
                spans.len() - 1
            });
            if let Some((_, of_list)) = spans.get_mut(k) {
                of_list.push(span);
            }
        }
        for (list, of_list) in &spans {
            for id in list.iter() {
                if let Some(bits) = self.index.get(&**id).and_then(|m| self.free.get_mut(*m)) {
                    for (x, y) in of_list {
                        bits.fill(*x, *y, false);
                    }
                }
            }
        }
    }

    /// Places one rhythm: tests every pattern of its cadence in the window against its
    /// attendees' bitsets, keeps the best, and occupies the attendees there. Also hands back
    /// the rhythm with its time, when placed.
    fn place_one(
        &mut self,
        community: &Community,
        rhythm: &Rhythm,
        window: Window,
    ) -> Result<(Placement, Option<Rhythm>), Error> {
        let mut placement = Placement {
            rhythm: rhythm.id().to_string(),
            at: None,
            first: None,
            misses: 0,
            occurrences: 0,
            score: None,
            unplaced: None,
        };
        let attendees: Vec<usize> = community
            .attendees_of(rhythm.id())
            .iter()
            .filter_map(|id| self.index.get(*id).copied())
            .collect();
        let Timing::Cadence(cadence) = rhythm.timing() else {
            placement.unplaced = Some("it is timed by an offset, not a cadence".into());
            return Ok((placement, None));
        };
        if attendees.is_empty() {
            placement.unplaced = Some(format!("its group `{}` has no members", rhythm.group()));
            return Ok((placement, None));
        }
        let zone = community.rhythm_zone(rhythm);
        let sequences = day_patterns(community, rhythm, cadence, zone, window)?;
        if sequences.is_empty() {
            placement.unplaced = Some("its cadence has no occurrence in the window".into());
            return Ok((placement, None));
        }
        let query = query_for(rhythm, &attendees, &self.members);
        let prepared = Prepared::assemble(
            &query,
            self.grid,
            self.shape,
            attendees.iter().filter_map(|m| self.free.get(*m)),
        );
        let engine = Engine::with_prepared(&query, zone, &sequences, self.days_for(zone), prepared);
        let n = sequences.iter().map(Vec::len).max().unwrap_or(0);
        let allowed = n / 10;
        let found = engine.scan(u32::try_from(allowed).unwrap_or(u32::MAX));
        let burden_of =
            |k: usize| attendees.get(k).and_then(|m| self.burden.get(*m)).copied().unwrap_or(0);
        let Some((misses, score, found)) = choose(&engine, &found, allowed, &burden_of) else {
            let fewest = found.iter().map(|f| f.misses).min().unwrap_or(n);
            placement.occurrences = n;
            placement.unplaced = Some(unplaced_reason(rhythm, attendees.len(), n, allowed, fewest));
            return Ok((placement, None));
        };
        let dates = sequences.get(found.sequence).map(Vec::as_slice).unwrap_or_default();
        self.occupy(&attendees, found, engine.prepared.run, engine.prepared.minutes());
        let at = time_of(found.minute);
        let first = dates.first().copied();
        let mut placed = rhythm.clone().placed_at(at);
        let chose_day = sequences.len() > 1;
        if chose_day && let Some(first) = first {
            placed = placed.starting(first);
        }
        placement.at = Some(at);
        placement.first = if chose_day { first } else { None };
        placement.misses = misses;
        placement.occurrences = dates.len();
        placement.score = Some(score);
        Ok((placement, Some(placed)))
    }

    /// Occupies the attendees at the chosen pattern's slots (`run` slots each, `minutes`
    /// long), and adds the pain of its first occurrence to their burden.
    fn occupy(&mut self, attendees: &[usize], found: &Found, run: usize, minutes: i64) {
        for slot in found.slots.iter().flatten() {
            for m in attendees {
                if let Some(bits) = self.free.get_mut(*m) {
                    bits.fill(*slot, slot + run, false);
                }
            }
        }
        if let Some(first) = found.slots.iter().flatten().next() {
            let instant = crate::availability::from_epoch_minutes(self.grid.minute(*first));
            for m in attendees {
                if let (Some(b), Some(member)) = (self.burden.get_mut(*m), self.members.get(*m)) {
                    *b += pain(instant.with_timezone(&member.zone()), minutes);
                }
            }
        }
    }
}

/// The dates each (first day) pattern of the rhythm's cadence gives inside the window. The
/// cadence runs from the rhythm's own start, as in the plan (an `INTERVAL` or `WKST` keeps its
/// phase); only the dates inside the window are checked.
fn day_patterns(
    community: &Community,
    rhythm: &Rhythm,
    cadence: &Cadence,
    zone: Tz,
    window: Window,
) -> Result<Vec<Vec<NaiveDate>>, Error> {
    let window_first = window.start().with_timezone(&zone).date_naive();
    let window_last =
        (window.end() - chrono::Duration::seconds(1)).with_timezone(&zone).date_naive();
    let start = rhythm_start(community, rhythm);
    let from = start.max(window_first);
    let last = rhythm_end(rhythm).map_or(window_last, |e| e.min(window_last));
    if from > last {
        return Ok(Vec::new());
    }
    Ok(day_sequences(cadence, zone, start, from, SeriesEnd::Until(last))?
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect())
}

/// The query of one rhythm: its attendees, all required unless it asks for a presence (then
/// that is the quorum and no one is required).
fn query_for(rhythm: &Rhythm, attendees: &[usize], members: &[Availability]) -> Options {
    let mut query = Options::new(rhythm.length());
    query.members =
        attendees.iter().filter_map(|m| members.get(*m)).map(|m| (m.clone(), true)).collect();
    match rhythm.presence_needed() {
        Some(Presence::Count(n)) => {
            query.quorum = Some(Quorum::Count(n));
            query.members.iter_mut().for_each(|m| m.1 = false);
        }
        Some(Presence::Percent(p)) => {
            query.quorum = Some(Quorum::Percent(p));
            query.members.iter_mut().for_each(|m| m.1 = false);
        }
        _ => {}
    }
    query
}

/// The pattern placed: among those with at most `allowed` misses, the fewest misses win
/// outright (so only those are scored), then the score, then the earlier pattern and time.
fn choose<'f>(
    engine: &Engine<'_>,
    found: &'f [Found],
    allowed: usize,
    burden: &dyn Fn(usize) -> u32,
) -> Option<(usize, Score, &'f Found)> {
    let fewest_misses = found.iter().map(|f| f.misses).min().unwrap_or(usize::MAX);
    found
        .iter()
        .filter(|f| f.misses <= allowed && f.misses == fewest_misses)
        .map(|f| (f.misses, engine.score_with(f, burden), f))
        .min_by(|a, b| {
            a.0.cmp(&b.0)
                .then(b.1.total.cmp(&a.1.total))
                .then(a.2.sequence.cmp(&b.2.sequence))
                .then(a.2.minute.cmp(&b.2.minute))
        })
}

/// Why no pattern fits `n` occurrences with at most `allowed` missed, saying which presence
/// was asked for ("set a presence" is no advice when one is set).
fn unplaced_reason(
    rhythm: &Rhythm,
    attendees: usize,
    n: usize,
    allowed: usize,
    fewest: usize,
) -> String {
    let (who, remedy) = match rhythm.presence_needed() {
        Some(Presence::Count(k)) => {
            (format!("a presence of {k} of its {attendees} attendees"), "lower the `presence`")
        }
        Some(Presence::Percent(p)) => {
            (format!("a presence of {p}% of its {attendees} attendees"), "lower the `presence`")
        }
        _ => (format!("all {attendees} attendees"), "set a `presence`"),
    };
    format!(
        "no weekday and time works for {who} at {} of its {n} occurrences in the window (the best time misses {fewest}); widen windows, {remedy}, or give it a time",
        if allowed == 0 { "every one".to_string() } else { format!("{} or more", n - allowed) }
    )
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The rhythm's first date: its own start, or the community's.
fn rhythm_start(community: &Community, rhythm: &Rhythm) -> NaiveDate {
    rhythm.start_date().unwrap_or(community.start())
}

fn rhythm_end(rhythm: &Rhythm) -> Option<NaiveDate> {
    rhythm.end_date()
}
