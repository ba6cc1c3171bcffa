//! Meeting times and pods for a community's members, with their busy calendars: what `tempi
//! slots` and `tempi pods` do, as library calls.
//!
//! A [`SlotRequest`] names who must come (and who may), how long and from when; a
//! [`SlotSearch`] reads those members' availability (their weekly windows, dates and `busy`
//! calendars, through [`BusyFiles`]) and builds the solver's query: a one-off
//! [`SlotQuery`], or a recurring
//! [`SeriesQuery`] when the request has a [`Repeat`]. Its
//! [`SlotAnswer`] prints as text or JSON (docs/slots-json.md). [`PodRequest`] and
//! [`PodSearch`] do the same for `tempi pods`.
//!
//! ```
//! use std::path::Path;
//! use tempi::pipeline::{self, BusyFiles};
//! use tempi::search::{Repeat, SlotRequest, SlotSearch};
//! use tempi::solve::SeriesEnd;
//! use tempi::{Cadence, file};
//!
//! let loaded = file::parse(include_str!("../../../examples/community.toml"), "community.toml")?;
//! let community = &loaded.community;
//! let busy = BusyFiles::beside(Some(Path::new("examples/community.toml")));
//! let members = pipeline::roster(community, "stewards")?;
//! let weekly: Cadence = "weekly".parse()?;
//! let request = SlotRequest::new(members, "1h".parse()?)
//!     .repeat(Repeat::new(weekly, SeriesEnd::Count(6)));
//! let search = SlotSearch::new(community, &busy, &request)?;
//! let mut answer = search.solve()?;
//! if answer.wants_what_ifs() {
//!     search.add_what_ifs(&mut answer)?;
//! }
//! let mut text = Vec::new();
//! answer.write_text(&mut text)?;
//! assert!(answer.fits(), "{}", String::from_utf8_lossy(&text));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io;

use tempi_core::chrono::{DateTime, Days, NaiveDate, Utc};
use tempi_core::chrono_tz::Tz;
use tempi_core::model::LocalHours;
use tempi_core::{Cadence, Community, Length, Window};
use tempi_solve::{
    Availability, PodPlan, PodQuery, Quorum, SeriesEnd, SeriesQuery, SlotQuery, WhatIf,
};
use tempi_view::slots::Search;

use crate::Error;
use crate::pipeline::{BusyFiles, BusyWarning};

/// How many days a one-off search covers when the request gives no last day: two weeks.
pub const DEFAULT_DAYS: u64 = 13;
/// How far ahead members' busy calendars are read for a recurring search that ends after a
/// count of occurrences.
pub const SERIES_BUSY_DAYS: u64 = 400;

/// A recurring time: the cadence, where it is anchored, when it ends, what it may miss.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Repeat {
    /// How often the meeting recurs.
    pub cadence: Cadence,
    /// The zone the time is anchored in (`None`: the community's).
    pub zone: Option<Tz>,
    /// After how many occurrences, or on which day, the series ends.
    pub end: SeriesEnd,
    /// Occurrences the time may miss (someone required cannot come).
    pub allowed_misses: u32,
}

impl Repeat {
    /// `cadence` until `end`, in the community's zone, missing nothing.
    #[must_use]
    pub fn new(cadence: Cadence, end: SeriesEnd) -> Repeat {
        Repeat { cadence, zone: None, end, allowed_misses: 0 }
    }

    /// Anchors the time in `zone`.
    #[must_use]
    pub fn zone(mut self, zone: Tz) -> Repeat {
        self.zone = Some(zone);
        self
    }

    /// Lets the time miss `misses` occurrences.
    #[must_use]
    pub fn allowed_misses(mut self, misses: u32) -> Repeat {
        self.allowed_misses = misses;
        self
    }
}

/// What to find a meeting time for; build it with [`SlotRequest::new`] and its setters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct SlotRequest {
    /// Everyone asked, by member id (required unless also in `optional`).
    pub members: Vec<String>,
    /// Members who may come: counted, not required.
    pub optional: Vec<String>,
    /// How long the meeting lasts.
    pub length: Length,
    /// The first day searched (`None`: the community's start).
    pub from: Option<NaiveDate>,
    /// The last day of a one-off search, inclusive (`None`: [`DEFAULT_DAYS`] after `from`).
    pub to: Option<NaiveDate>,
    /// A recurring time instead of a one-off.
    pub repeat: Option<Repeat>,
    /// Start times fall on multiples of this many minutes.
    pub granularity: u32,
    /// The fewest attendees.
    pub quorum: Option<Quorum>,
    /// Minutes kept free before and after busy time.
    pub buffer: u32,
    /// No meeting starts before this time plus these minutes.
    pub notice: Option<(DateTime<Utc>, u32)>,
    /// Only these local hours in each member's own zone.
    pub civil: Option<LocalHours>,
    /// The most answers.
    pub max_results: usize,
}

impl SlotRequest {
    /// A one-off meeting of `length` for `members`, searched for two weeks from the community's
    /// start on a 15-minute grid, with up to 5 answers.
    #[must_use]
    pub fn new(members: Vec<String>, length: Length) -> SlotRequest {
        SlotRequest {
            members,
            optional: Vec::new(),
            length,
            from: None,
            to: None,
            repeat: None,
            granularity: 15,
            quorum: None,
            buffer: 0,
            notice: None,
            civil: None,
            max_results: 5,
        }
    }

    /// These members may come: counted, not required (they need not be in `members`).
    #[must_use]
    pub fn optional(mut self, ids: Vec<String>) -> SlotRequest {
        self.optional = ids;
        self
    }

    /// The first day searched.
    #[must_use]
    pub fn from(mut self, day: NaiveDate) -> SlotRequest {
        self.from = Some(day);
        self
    }

    /// The last day of a one-off search, inclusive.
    #[must_use]
    pub fn to(mut self, day: NaiveDate) -> SlotRequest {
        self.to = Some(day);
        self
    }

    /// Searches for a recurring time.
    #[must_use]
    pub fn repeat(mut self, repeat: Repeat) -> SlotRequest {
        self.repeat = Some(repeat);
        self
    }

    /// Start times fall on multiples of `minutes`.
    #[must_use]
    pub fn granularity(mut self, minutes: u32) -> SlotRequest {
        self.granularity = minutes;
        self
    }

    /// The fewest attendees.
    #[must_use]
    pub fn quorum(mut self, quorum: Quorum) -> SlotRequest {
        self.quorum = Some(quorum);
        self
    }

    /// Keeps `minutes` free before and after busy time.
    #[must_use]
    pub fn buffer(mut self, minutes: u32) -> SlotRequest {
        self.buffer = minutes;
        self
    }

    /// No meeting starts before `now` plus `minutes` (the library never reads the clock).
    #[must_use]
    pub fn notice(mut self, now: DateTime<Utc>, minutes: u32) -> SlotRequest {
        self.notice = Some((now, minutes));
        self
    }

    /// Only these local hours in each member's own zone.
    #[must_use]
    pub fn civil(mut self, hours: LocalHours) -> SlotRequest {
        self.civil = Some(hours);
        self
    }

    /// The most answers.
    #[must_use]
    pub fn max_results(mut self, max: usize) -> SlotRequest {
        self.max_results = max;
        self
    }
}

/// Passes a request's members and settings to a one-off or recurring query.
macro_rules! apply {
    ($query:expr, $request:expr, $required:expr, $optional:expr) => {{
        for m in $required {
            $query.required(m);
        }
        for m in $optional {
            $query.optional(m);
        }
        $query.granularity($request.granularity).buffers($request.buffer, $request.buffer);
        if let Some(q) = $request.quorum {
            $query.quorum(q);
        }
        if let Some((now, minutes)) = $request.notice {
            $query.notice(now, minutes);
        }
        $query.civil_hours($request.civil).max_results($request.max_results);
    }};
}

/// The solver's query for a request: one-off or recurring.
#[derive(Debug, Clone)]
enum Query {
    OneOff(SlotQuery),
    Recurring(Box<SeriesQuery>),
}

/// A request with its members' availability read, ready to solve.
#[derive(Debug, Clone)]
pub struct SlotSearch {
    query: Query,
    search: Search,
    warnings: Vec<BusyWarning>,
}

/// The answer of a [`SlotSearch`]: ranked times (or why nothing fits), and what-ifs.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct SlotAnswer {
    /// What was searched for.
    pub search: Search,
    /// What the solver found.
    pub found: Found,
    /// What would help if the best answer leaves someone out ([`SlotSearch::add_what_ifs`]).
    pub what_ifs: Vec<WhatIf>,
}

/// What the solver found: ranked one-off times or recurring patterns.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Found {
    /// A one-off search's answer.
    OneOff(tempi_solve::Slots),
    /// A recurring search's answer.
    Recurring(tempi_solve::Patterns),
}

impl SlotSearch {
    /// Reads the availability of the request's members (their busy calendars over the search:
    /// the window, or a recurring time's reach) and builds the solver's query.
    ///
    /// # Errors
    /// [`Error::NoMembers`] for an empty member list, [`Error::UnknownMember`],
    /// [`Error::Backwards`] for a one-off window that runs backwards, an error reading a busy
    /// calendar, or [`Error::Core`] for a window out of range.
    pub fn new(
        community: &Community,
        busy: &BusyFiles,
        request: &SlotRequest,
    ) -> Result<SlotSearch, Error> {
        if request.members.is_empty() {
            return Err(Error::NoMembers);
        }
        let from = request.from.unwrap_or_else(|| community.start());
        let reach = match &request.repeat {
            Some(Repeat { end: SeriesEnd::Until(until), .. }) => *until,
            Some(_) => add_days(from, SERIES_BUSY_DAYS),
            None => request.to.unwrap_or_else(|| add_days(from, DEFAULT_DAYS)),
        };
        let busy_window = Window::days(community.zone(), from, reach.max(from))?;
        let mut warnings = Vec::new();
        let mut read = |id: &String| -> Result<Availability, Error> {
            let (availability, read) = busy.availability(community, id, busy_window)?;
            warnings.extend(read);
            Ok(availability)
        };
        let required = request
            .members
            .iter()
            .filter(|id| !request.optional.contains(id))
            .map(&mut read)
            .collect::<Result<Vec<_>, _>>()?;
        let optional = request.optional.iter().map(read).collect::<Result<Vec<_>, _>>()?;
        let asked = required.len() + optional.len();
        let (query, search) = match &request.repeat {
            None => {
                let to = request.to.unwrap_or_else(|| add_days(from, DEFAULT_DAYS));
                if to < from {
                    return Err(Error::Backwards { from, to });
                }
                let window = Window::days(community.zone(), from, to)?;
                let mut query = SlotQuery::new(request.length, window);
                apply!(query, request, required, optional);
                let search = Search::one_off(request.length, asked, community.zone(), from, to);
                (Query::OneOff(query), search)
            }
            Some(repeat) => {
                let zone = repeat.zone.unwrap_or_else(|| community.zone());
                let cadence = repeat.cadence.clone();
                let mut query = SeriesQuery::new(request.length, cadence, zone, from, repeat.end);
                apply!(query, request, required, optional);
                query.allowed_misses(repeat.allowed_misses);
                let search = Search::recurring(
                    request.length,
                    asked,
                    repeat.cadence.clone(),
                    zone,
                    from,
                    repeat.allowed_misses,
                );
                (Query::Recurring(Box::new(query)), search)
            }
        };
        Ok(SlotSearch { query, search, warnings })
    }

    /// What the busy calendars' readers skipped or guessed.
    #[must_use]
    pub fn warnings(&self) -> &[BusyWarning] {
        &self.warnings
    }

    /// Asks the solver; the answer has no what-ifs yet.
    ///
    /// # Errors
    /// [`Error::Solve`] when the query is out of the solver's bounds.
    pub fn solve(&self) -> Result<SlotAnswer, Error> {
        let found = match &self.query {
            Query::OneOff(query) => Found::OneOff(query.solve()?),
            Query::Recurring(query) => Found::Recurring(query.solve()?),
        };
        Ok(SlotAnswer { search: self.search.clone(), found, what_ifs: Vec::new() })
    }

    /// Adds the what-ifs to `answer` (what dropping someone or moving the window would find).
    ///
    /// # Errors
    /// [`Error::Solve`] when the solver fails.
    pub fn add_what_ifs(&self, answer: &mut SlotAnswer) -> Result<(), Error> {
        answer.what_ifs = match &self.query {
            Query::OneOff(query) => query.what_ifs()?,
            Query::Recurring(query) => query.what_ifs()?,
        };
        Ok(())
    }
}

/// `day` plus `days`, or `day` at the end of the calendar.
fn add_days(day: NaiveDate, days: u64) -> NaiveDate {
    day.checked_add_days(Days::new(days)).unwrap_or(day)
}

impl SlotAnswer {
    /// Whether a time fits: a one-off search found a candidate and no "nothing fits", a
    /// recurring search found a pattern.
    #[must_use]
    pub fn fits(&self) -> bool {
        match &self.found {
            Found::OneOff(slots) => slots.no_fit.is_none() && !slots.candidates.is_empty(),
            Found::Recurring(patterns) => !patterns.patterns.is_empty(),
        }
    }

    /// Whether what-ifs would help: nothing was found, or the best answer leaves someone out.
    #[must_use]
    pub fn wants_what_ifs(&self) -> bool {
        match &self.found {
            Found::OneOff(slots) => slots.candidates.first().is_none_or(|c| !c.missing.is_empty()),
            Found::Recurring(patterns) => {
                patterns.patterns.first().is_none_or(|p| p.score.attendance < 1000)
            }
        }
    }

    /// Writes the answer as `tempi slots` prints it.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn write_text(&self, out: &mut dyn io::Write) -> io::Result<()> {
        use tempi_view::slots::{write_patterns, write_slots};
        match &self.found {
            Found::OneOff(slots) => write_slots(out, &self.search, slots, &self.what_ifs),
            Found::Recurring(patterns) => {
                write_patterns(out, &self.search, patterns, &self.what_ifs)
            }
        }
    }

    /// Writes the answer as JSON (docs/slots-json.md), with a newline.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        use tempi_view::slots::{write_patterns_json, write_slots_json};
        match &self.found {
            Found::OneOff(slots) => write_slots_json(out, &self.search, slots, &self.what_ifs),
            Found::Recurring(patterns) => {
                write_patterns_json(out, &self.search, patterns, &self.what_ifs)
            }
        }
    }
}

/// What to split into pods; build it with [`PodRequest::new`] and its setters.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PodRequest {
    /// The members to split, by id.
    pub members: Vec<String>,
    /// The fewest and the most members a pod may have.
    pub sizes: (usize, usize),
    /// How long each pod meeting lasts.
    pub length: Length,
    /// How often pods meet.
    pub cadence: Cadence,
    /// The first day (`None`: the community's start).
    pub from: Option<NaiveDate>,
    /// For how many meetings the time must hold.
    pub count: u32,
}

impl PodRequest {
    /// Pods of 4 to 6 of `members`, meeting `cadence` for `length`, 6 times from the
    /// community's start.
    #[must_use]
    pub fn new(members: Vec<String>, length: Length, cadence: Cadence) -> PodRequest {
        PodRequest { members, sizes: (4, 6), length, cadence, from: None, count: 6 }
    }

    /// Pods of `min` to `max` members.
    #[must_use]
    pub fn sizes(mut self, min: usize, max: usize) -> PodRequest {
        self.sizes = (min, max);
        self
    }

    /// The first day.
    #[must_use]
    pub fn from(mut self, day: NaiveDate) -> PodRequest {
        self.from = Some(day);
        self
    }

    /// For how many meetings the time must hold.
    #[must_use]
    pub fn count(mut self, count: u32) -> PodRequest {
        self.count = count;
        self
    }
}

/// A pod request with its members' availability read, ready to solve.
#[derive(Debug, Clone)]
pub struct PodSearch {
    query: PodQuery,
    members: usize,
    warnings: Vec<BusyWarning>,
}

impl PodSearch {
    /// Reads the members' availability (their busy calendars from the first day to a month
    /// past the last meeting) and builds the solver's query.
    ///
    /// # Errors
    /// [`Error::UnknownMember`], an error reading a busy calendar, or [`Error::Core`] for a
    /// window out of range.
    pub fn new(
        community: &Community,
        busy: &BusyFiles,
        request: &PodRequest,
    ) -> Result<PodSearch, Error> {
        let from = request.from.unwrap_or_else(|| community.start());
        let zone = community.zone();
        let mut query =
            PodQuery::new(request.length, request.cadence.clone(), zone, from, request.count);
        query.sizes(request.sizes.0, request.sizes.1);
        let until = add_days(from, 7 * u64::from(request.count.max(1)) + 31);
        let window = Window::days(zone, from, until)?;
        let mut warnings = Vec::new();
        for id in &request.members {
            let (availability, read) = busy.availability(community, id, window)?;
            warnings.extend(read);
            query.member(availability);
        }
        Ok(PodSearch { query, members: request.members.len(), warnings })
    }

    /// What the busy calendars' readers skipped or guessed.
    #[must_use]
    pub fn warnings(&self) -> &[BusyWarning] {
        &self.warnings
    }

    /// Splits the members into pods, each with a shared recurring time where one exists.
    ///
    /// # Errors
    /// [`Error::Solve`]: sizes that cannot split the members, or the solver's bounds.
    pub fn solve(&self) -> Result<PodAnswer, Error> {
        Ok(PodAnswer { plan: self.query.solve()?, members: self.members })
    }
}

/// The answer of a [`PodSearch`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PodAnswer {
    /// The pods, each with its time (or none).
    pub plan: PodPlan,
    /// How many members were split.
    pub members: usize,
}

impl PodAnswer {
    /// Whether every pod has a shared time.
    #[must_use]
    pub fn fits(&self) -> bool {
        self.plan.pods.iter().all(|p| p.pattern.is_some())
    }

    /// Writes the pods as `tempi pods` prints them.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn write_text(&self, out: &mut dyn io::Write) -> io::Result<()> {
        tempi_view::pods::write_pods(out, &self.plan, self.members)
    }

    /// Writes the pods as JSON, with a newline.
    ///
    /// # Errors
    /// When `out` fails.
    pub fn write_json(&self, out: &mut dyn io::Write) -> io::Result<()> {
        tempi_view::pods::write_pods_json(out, &self.plan)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::tests::sample;

    fn ids(list: &[&str]) -> Vec<String> {
        list.iter().map(ToString::to_string).collect()
    }

    fn hours(n: u32) -> Length {
        match Length::try_minutes(n * 60) {
            Ok(length) => length,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn an_hour_fits_and_ten_do_not() {
        let community = sample();
        let busy = BusyFiles::relative_to("../../examples");
        let solve = |request: &SlotRequest| match SlotSearch::new(&community, &busy, request) {
            Ok(search) => match search.solve() {
                Ok(answer) => answer,
                Err(e) => panic!("{e}"),
            },
            Err(e) => panic!("{e}"),
        };
        // Ana's and Bram's windows are evenings of a few hours: no one has ten free hours,
        // so nothing fits and the what-ifs are wanted; an hour fits.
        let long = solve(&SlotRequest::new(ids(&["ana", "bram"]), hours(10)));
        assert!(!long.fits());
        assert!(long.wants_what_ifs());
        let short = solve(&SlotRequest::new(ids(&["ana", "bram"]), hours(1)));
        assert!(short.fits());
        // The search covers two weeks from the community's start (13 days after it).
        assert_eq!(short.search.from, community.start());
        assert_eq!(short.search.to, Some(add_days(community.start(), 13)));
        assert_eq!(short.search.members, 2);
    }

    #[test]
    fn bad_requests_are_typed_errors_that_name_no_flag() {
        let community = sample();
        let busy = BusyFiles::relative_to("../../examples");
        let error = |request: SlotRequest| match SlotSearch::new(&community, &busy, &request) {
            Ok(_) => panic!("{request:?} must fail"),
            Err(e) => e,
        };
        let e = error(SlotRequest::new(Vec::new(), hours(1)));
        assert!(matches!(e, Error::NoMembers), "{e:?}");
        let e = error(SlotRequest::new(ids(&["ana"]), hours(1)).optional(ids(&["anna"])));
        assert!(matches!(&e, Error::UnknownMember { id, .. } if id == "anna"), "{e:?}");
        let day = |d| match NaiveDate::from_ymd_opt(2027, 3, d) {
            Some(day) => day,
            None => panic!("a day of March"),
        };
        let e = error(SlotRequest::new(ids(&["ana"]), hours(1)).from(day(10)).to(day(2)));
        assert!(matches!(e, Error::Backwards { .. }), "{e:?}");
        for e in [Error::NoMembers, e] {
            assert!(!e.to_string().contains("--"), "{e}");
        }
    }

    #[test]
    fn pods_on_three_continents_find_no_shared_time() {
        // Mei's Tokyo evenings (10:00-14:00 UTC) never meet Ana's Lisbon evenings.
        let community = sample();
        let busy = BusyFiles::relative_to("../../examples");
        let weekly: Cadence = match "weekly".parse() {
            Ok(c) => c,
            Err(e) => panic!("{e}"),
        };
        let request =
            PodRequest::new(ids(&["ana", "bram", "chiara", "mei"]), hours(1), weekly).sizes(4, 4);
        let answer = match PodSearch::new(&community, &busy, &request).and_then(|s| s.solve()) {
            Ok(answer) => answer,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(answer.plan.pods.len(), 1);
        assert!(!answer.fits());
        assert_eq!(answer.members, 4);
    }
}
