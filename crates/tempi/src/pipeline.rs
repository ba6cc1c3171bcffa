//! The steps `tempi plan` and `tempi slots` join: find members and rosters, read members' busy
//! calendars, place `at = "auto"` rhythms, plan.
//!
//! This module lives in the facade because it is the one place that joins the importer
//! ([`ical`](crate::ical)) to the solver ([`solve`](crate::solve)); neither knows the other.
//!
//! ```
//! use std::path::Path;
//! use tempi::pipeline::{self, BusyFiles};
//! use tempi::{ExpandOptions, Window, file};
//!
//! let path = Path::new("examples/community.toml");
//! let loaded = file::parse(include_str!("../../../examples/community.toml"), "community.toml")?;
//! let window = Window::year(loaded.community.zone(), 2027)?;
//! // `busy = [...]` entries are read relative to the community file's directory.
//! let busy = BusyFiles::beside(Some(path));
//! let planned = pipeline::plan(loaded.community, window, ExpandOptions::new(), &busy)?;
//! for unplaced in &planned.unplaced {
//!     eprintln!("rhythm `{}` could not be placed: {}", unplaced.rhythm, unplaced.reason);
//! }
//! assert!(!planned.plan.occurrences().is_empty());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tempi_core::chrono::{DateTime, Datelike as _, NaiveDate, Utc};
use tempi_core::{Break, BreakOwner, Community, ExpandOptions, Member, Plan, Window};
use tempi_solve::Availability;

use crate::Error;

/// Busy intervals `[start, end)`, sorted and merged.
pub type Intervals = Vec<(DateTime<Utc>, DateTime<Utc>)>;

/// Reads a community file's text from `path` (`shown` names it in messages), refusing a file
/// over [`file::MAX_FILE_BYTES`](crate::file::MAX_FILE_BYTES) before reading it, and locating the first byte that
/// is not UTF-8. Parse the text with [`file::parse`](crate::file::parse).
///
/// # Errors
/// [`Error::ReadCommunity`], [`Error::TooLarge`] or [`Error::NotUtf8`].
pub fn read_community_file(path: &Path, shown: &str) -> Result<String, Error> {
    let read_error = |source| Error::ReadCommunity { shown: shown.to_string(), source };
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if metadata.len() > tempi_core::file::MAX_FILE_BYTES as u64 {
        return Err(Error::TooLarge { shown: shown.to_string(), size: metadata.len().to_string() });
    }
    community_text(std::fs::read(path).map_err(read_error)?, shown)
}

/// [`read_community_file`] from a stream (standard input): at most
/// [`file::MAX_FILE_BYTES`](crate::file::MAX_FILE_BYTES) are read.
///
/// # Errors
/// As [`read_community_file`].
pub fn read_community(input: &mut dyn std::io::Read, shown: &str) -> Result<String, Error> {
    let limit = tempi_core::file::MAX_FILE_BYTES;
    match read_bounded(input, limit) {
        Ok(Some(bytes)) => community_text(bytes, shown),
        Ok(None) => {
            Err(Error::TooLarge { shown: shown.to_string(), size: format!("more than {limit}") })
        }
        Err(source) => Err(Error::ReadCommunity { shown: shown.to_string(), source }),
    }
}

/// Reads a calendar export (.ics) from `path` (`shown` names it in messages), refusing a file
/// over [`ical::import::MAX_INPUT_BYTES`](crate::ical::import::MAX_INPUT_BYTES) before reading it. Read it with
/// [`ical::import::busy`](crate::ical::import::busy) or [`ical::import::instances`](crate::ical::import::instances).
///
/// # Errors
/// [`Error::ReadCalendar`] or [`Error::CalendarTooLarge`].
pub fn read_calendar_file(path: &Path, shown: &str) -> Result<Vec<u8>, Error> {
    let read_error = |source| Error::ReadCalendar { shown: shown.to_string(), source };
    let metadata = std::fs::metadata(path).map_err(read_error)?;
    if metadata.len() > tempi_ical::import::MAX_INPUT_BYTES as u64 {
        let size = metadata.len().to_string();
        return Err(Error::CalendarTooLarge { shown: shown.to_string(), size });
    }
    std::fs::read(path).map_err(read_error)
}

/// [`read_calendar_file`] from a stream (standard input): at most
/// [`ical::import::MAX_INPUT_BYTES`](crate::ical::import::MAX_INPUT_BYTES) are read.
///
/// # Errors
/// As [`read_calendar_file`].
pub fn read_calendar(input: &mut dyn std::io::Read, shown: &str) -> Result<Vec<u8>, Error> {
    let limit = tempi_ical::import::MAX_INPUT_BYTES;
    match read_bounded(input, limit) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(Error::CalendarTooLarge {
            shown: shown.to_string(),
            size: format!("more than {limit}"),
        }),
        Err(source) => Err(Error::ReadCalendar { shown: shown.to_string(), source }),
    }
}

/// Reads at most `limit` bytes from `input`; `Ok(None)` when there is more.
fn read_bounded(input: &mut dyn std::io::Read, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    input.take(limit as u64 + 1).read_to_end(&mut bytes)?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

/// The text of a community file, or where it stops being UTF-8.
fn community_text(bytes: Vec<u8>, shown: &str) -> Result<String, Error> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let valid = e.as_bytes().get(..offset).unwrap_or_default();
        let line = valid.iter().filter(|b| **b == b'\n').count() + 1;
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let column = std::str::from_utf8(valid.get(line_start..).unwrap_or_default())
            .map_or(1, |s| s.chars().count() + 1);
        Error::NotUtf8 { shown: shown.to_string(), line, column, offset }
    })
}

/// The member with `id`.
///
/// # Errors
/// [`Error::UnknownMember`], with the close ids.
pub fn member<'a>(community: &'a Community, id: &str) -> Result<&'a Member, Error> {
    if let Some(member) = community.member(id) {
        return Ok(member);
    }
    let known: Vec<String> = community.members().iter().map(|m| m.id().to_string()).collect();
    Err(Error::UnknownMember {
        id: id.to_string(),
        suggestions: tempi_core::suggest::closest(id, known.iter().map(String::as_str)),
        known,
    })
}

/// The roster of a group as member ids: [`Community::roster`], its members and its subgroups'
/// members, transitively, each once, in the order the community lists members.
///
/// # Errors
/// [`Error::UnknownGroup`].
pub fn roster(community: &Community, group: &str) -> Result<Vec<String>, Error> {
    match community.roster(group) {
        Some(roster) => Ok(roster.ids().map(str::to_string).collect()),
        None => {
            let known = community.groups().iter().map(|g| g.id().to_string()).collect();
            Err(Error::UnknownGroup { id: group.to_string(), known })
        }
    }
}

/// Something a busy calendar's reader skipped or guessed, with the file it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BusyWarning {
    /// The calendar file.
    pub path: PathBuf,
    /// What happened, and on which line.
    pub warning: tempi_ical::import::Warning,
}

impl fmt::Display for BusyWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: warning: {}", self.path.display(), self.warning)
    }
}

/// A member's busy time, read from their calendars.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MemberBusy {
    /// The busy intervals of all their calendars, in file order (each file's sorted and merged).
    pub intervals: Intervals,
    /// What the readers skipped or guessed.
    pub warnings: Vec<BusyWarning>,
}

/// Reads members' busy calendars (their `busy = [...]` entries) from a directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusyFiles {
    base: PathBuf,
}

impl BusyFiles {
    /// Entries are paths relative to `dir`.
    #[must_use]
    pub fn relative_to(dir: impl Into<PathBuf>) -> BusyFiles {
        BusyFiles { base: dir.into() }
    }

    /// Entries are relative to the directory of `community_file` (the current directory when
    /// there is none, as for a community built in code).
    #[must_use]
    pub fn beside(community_file: Option<&Path>) -> BusyFiles {
        let base = community_file.and_then(Path::parent).unwrap_or_else(|| Path::new("."));
        BusyFiles { base: base.to_path_buf() }
    }

    /// The file a `busy` entry names.
    #[must_use]
    pub fn path(&self, entry: &str) -> PathBuf {
        self.base.join(entry)
    }

    /// Reads `member`'s busy calendars over `window`; floating and all-day times are read in
    /// the member's zone.
    ///
    /// # Errors
    /// [`Error::ReadBusy`] when a file cannot be read, [`Error::Import`] when it is not a
    /// calendar tempi can read.
    pub fn read(&self, member: &Member, window: Window) -> Result<MemberBusy, Error> {
        let mut out = MemberBusy::default();
        for entry in member.busy_files() {
            let path = self.path(entry);
            let bytes = std::fs::read(&path).map_err(|source| Error::ReadBusy {
                member: member.id().to_string(),
                path: path.clone(),
                source,
            })?;
            let busy =
                tempi_ical::import::busy(&bytes, member.zone(), window).map_err(|source| {
                    Error::Import { member: member.id().to_string(), path: path.clone(), source }
                })?;
            out.warnings.extend(
                busy.warnings
                    .into_iter()
                    .map(|warning| BusyWarning { path: path.clone(), warning }),
            );
            out.intervals.extend(busy.intervals);
        }
        Ok(out)
    }

    /// The member with `id` as the solver sees them: their windows, dates, preferences and the
    /// busy time of their calendars over `window`; with the readers' warnings.
    ///
    /// # Errors
    /// [`Error::UnknownMember`], or an error reading their calendars.
    pub fn availability(
        &self,
        community: &Community,
        id: &str,
        window: Window,
    ) -> Result<(Availability, Vec<BusyWarning>), Error> {
        let m = member(community, id)?;
        let busy = self.read(m, window)?;
        Ok((Availability::from_member(m).busy(busy.intervals), busy.warnings))
    }
}

/// The longest holiday name kept (a `SUMMARY` can be long; the plan shows the name).
const MAX_HOLIDAY_NAME_CHARS: usize = 200;

impl BusyFiles {
    /// Reads the public-holiday calendars of the community, its groups and its members (their
    /// `holidays` entries, relative to the same directory as `busy`) and adds each all-day
    /// event as a one-day (or multi-day) break named by its `SUMMARY`: the community's and a
    /// group's stop their rhythms, a member's leaves them out. Holidays are read from the
    /// earliest start of the community and its rhythms to two years after `window`, so every
    /// window counts cancellations from the same history. A community without holiday
    /// calendars comes back as it was, and no file is read.
    ///
    /// # Errors
    /// [`Error::ReadHolidays`], [`Error::ImportHolidays`], or [`Error::Holidays`].
    pub fn holidays(
        &self,
        community: Community,
        window: Window,
    ) -> Result<(Community, Vec<BusyWarning>), Error> {
        let mut files: Vec<(BreakOwner, &str)> = Vec::new();
        for path in community.holiday_files() {
            files.push((BreakOwner::Community, path));
        }
        for g in community.groups() {
            for path in g.holiday_files() {
                files.push((BreakOwner::Group(g.id().into()), path));
            }
        }
        for m in community.members() {
            for path in m.holiday_files() {
                files.push((BreakOwner::Member(m.id().into()), path));
            }
        }
        if files.is_empty() {
            return Ok((community, Vec::new()));
        }
        let earliest = community
            .rhythms()
            .iter()
            .filter_map(|r| r.start_date())
            .fold(community.start(), std::cmp::Ord::min);
        let from = earliest.pred_opt().and_then(|d| d.pred_opt()).unwrap_or(earliest);
        let last = window.end().date_naive();
        let to = last.checked_add_days(tempi_core::chrono::Days::new(731)).unwrap_or(last);
        let mut builder = community.to_builder();
        let mut warnings = Vec::new();
        for (owner, entry) in files {
            let path = self.path(entry);
            let bytes = std::fs::read(&path).map_err(|source| Error::ReadHolidays {
                owner: owner.clone(),
                path: path.clone(),
                source,
            })?;
            let read = tempi_ical::import::holidays(&bytes, from, to).map_err(|source| {
                Error::ImportHolidays { owner: owner.clone(), path: path.clone(), source }
            })?;
            warnings.extend(
                read.warnings
                    .into_iter()
                    .map(|warning| BusyWarning { path: path.clone(), warning }),
            );
            let breaks = read
                .holidays
                .into_iter()
                .map(|h| {
                    let mut name: String = h.name.chars().take(MAX_HOLIDAY_NAME_CHARS).collect();
                    if name.trim().is_empty() {
                        name = "holiday".into();
                    }
                    Break::new(name, h.first, h.last)
                })
                .collect();
            builder.add_breaks(&owner, breaks);
        }
        let (community, _) = builder.build().map_err(Error::Holidays)?;
        Ok((community, warnings))
    }
}

/// An `at = "auto"` rhythm the solver could not give a time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Unplaced {
    /// The rhythm's id.
    pub rhythm: String,
    /// Why, and what would help.
    pub reason: String,
}

/// A community whose `at = "auto"` rhythms have their times.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Placed {
    /// The community, each placed rhythm with its time. Unplaced rhythms stay `auto`, and the
    /// engine leaves them out of the plan with a warning.
    pub community: Community,
    /// The rhythms that could not be placed, in the order they were tried.
    pub unplaced: Vec<Unplaced>,
    /// What the busy calendars' readers skipped or guessed.
    pub warnings: Vec<BusyWarning>,
}

/// Adds the holiday calendars' breaks ([`BusyFiles::holidays`]), then gives the `at = "auto"`
/// rhythms their times, keeping clear of members' busy calendars over `window`. A community
/// without holiday calendars or auto rhythms comes back as it was, and no calendar is read.
///
/// # Errors
/// An error reading a calendar, or [`Error::Solve`].
pub fn place_auto(community: Community, window: Window, busy: &BusyFiles) -> Result<Placed, Error> {
    let (community, mut warnings) = busy.holidays(community, window)?;
    if !community.rhythms().iter().any(|r| r.is_auto()) {
        return Ok(Placed { community, unplaced: Vec::new(), warnings });
    }
    let mut options = tempi_solve::PlaceOptions::new();
    for m in community.members() {
        if !m.busy_files().is_empty() {
            let read = busy.read(m, window)?;
            warnings.extend(read.warnings);
            options.busy(m.id(), read.intervals);
        }
    }
    let report = tempi_solve::place(&community, window, &options)?;
    let unplaced = report
        .placements
        .into_iter()
        .filter_map(|p| p.unplaced.map(|reason| Unplaced { rhythm: p.rhythm, reason }))
        .collect();
    Ok(Placed { community: report.community, unplaced, warnings })
}

/// A plan, with the community it was expanded from (auto rhythms placed).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Planned {
    /// The community with its `at = "auto"` rhythms placed.
    pub community: Community,
    /// The plan over the window.
    pub plan: Plan,
    /// The auto rhythms that could not be placed (they are not in the plan).
    pub unplaced: Vec<Unplaced>,
    /// What the busy calendars' readers skipped or guessed.
    pub warnings: Vec<BusyWarning>,
    /// The coverage of each season of each `mix` rhythm ([`form_mixers`]).
    pub mixers: Vec<MixReport>,
}

/// Places the `at = "auto"` rhythms ([`place_auto`]), then expands every rhythm over `window`.
///
/// # Errors
/// An error of [`place_auto`], or [`Error::Core`] when a bound of `options` is passed.
pub fn plan(
    community: Community,
    window: Window,
    options: ExpandOptions,
    busy: &BusyFiles,
) -> Result<Planned, Error> {
    let placed = place_auto(community, window, busy)?;
    let mut plan = placed.community.plan_with(window, options)?;
    let mixers = form_mixers(&placed.community, &mut plan, busy)?;
    Ok(Planned {
        community: placed.community,
        plan,
        unplaced: placed.unplaced,
        warnings: placed.warnings,
        mixers,
    })
}

/// What the availability check found: see [`availability_problems`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AvailabilityReport {
    /// Each member who cannot come to some occurrences of a fixed-time rhythm, with the dates,
    /// the local time, why, and a better time when the solver has one.
    pub problems: Vec<tempi_solve::Unavailable>,
    /// What the busy calendars' readers skipped or guessed.
    pub warnings: Vec<BusyWarning>,
}

/// Checks every fixed-time rhythm of `plan` against its attendees' weekly windows, away dates
/// and busy calendars (read through `busy` over the plan's window): the warnings of `tempi
/// check` and `tempi plan` (errors with `--strict`). `community` is the one planned (its
/// `at = "auto"` rhythms placed, as [`Planned::community`]); `original` is the community as
/// written, before [`place_auto`]: its `at = "auto"` rhythms are left out (the solver placed
/// them around everyone). Only occurrences that go ahead count; see [`solve::fit`](crate::solve::fit) for
/// the rules.
///
/// # Errors
/// An error reading a busy calendar.
pub fn availability_problems(
    original: &Community,
    community: &Community,
    plan: &Plan,
    busy: &BusyFiles,
) -> Result<AvailabilityReport, Error> {
    let auto: Vec<&str> =
        original.rhythms().iter().filter(|r| r.is_auto()).map(|r| r.id()).collect();
    let window = plan.window();
    let mut report = AvailabilityReport::default();
    let mut members = Vec::with_capacity(community.members().len());
    for m in community.members() {
        let mut availability = Availability::from_member(m);
        if !m.busy_files().is_empty() {
            let read = busy.read(m, window)?;
            report.warnings.extend(read.warnings);
            availability = availability.busy(read.intervals);
        }
        members.push(availability);
    }
    report.problems = tempi_solve::check_plan(community, plan, &members, &auto);
    Ok(report)
}

/// The window of a plan: `from` to `to` (inclusive), or a year from `from` (to the day before
/// the same date a year later) when there is no `to`, or the calendar year of the community's
/// start when there is neither; dates in the community's zone.
///
/// # Errors
/// [`Error::Backwards`], [`Error::YearFrom`], or [`Error::Core`] for a window out of range.
pub fn window(
    community: &Community,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<Window, Error> {
    let zone = community.zone();
    Ok(match (from, to) {
        (Some(from), Some(to)) if to < from => return Err(Error::Backwards { from, to }),
        (Some(from), Some(to)) => Window::days(zone, from, to)?,
        (Some(from), None) => {
            let to = from
                .checked_add_months(tempi_core::chrono::Months::new(12))
                .and_then(|d| d.pred_opt())
                .ok_or(Error::YearFrom { from })?;
            Window::days(zone, from, to)?
        }
        (None, _) => Window::year(zone, community.start().year())?,
    })
}

/// A plan with its availability check: see [`plan_checked`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Checked {
    /// The plan, its placements and mixers.
    pub planned: Planned,
    /// The availability check of the plan; its `warnings` are the busy calendars' readers'
    /// warnings not already in [`Planned::warnings`].
    pub availability: AvailabilityReport,
}

/// What `tempi plan` does before it writes anything: [`plan`] (holidays, `at = "auto"`
/// placement, expansion, mixers), then [`availability_problems`] over the plan.
///
/// # Errors
/// An error of [`plan`] or of [`availability_problems`].
pub fn plan_checked(
    community: Community,
    window: Window,
    options: ExpandOptions,
    busy: &BusyFiles,
) -> Result<Checked, Error> {
    let original = community.clone();
    let planned = plan(community, window, options, busy)?;
    let mut availability =
        availability_problems(&original, &planned.community, &planned.plan, busy)?;
    availability.warnings.retain(|w| !planned.warnings.contains(w));
    Ok(Checked { planned, availability })
}

/// What checking a community's fixed times against its members' availability found: see
/// [`check_year`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum YearCheck {
    /// The check over the year.
    Checked(AvailabilityReport),
    /// The year's plan cannot be made (a bound of the engine is passed), so nothing was
    /// checked; the community may still be valid.
    Unplannable {
        /// The calendar year.
        year: i32,
        /// Why the plan cannot be made.
        error: tempi_core::Error,
    },
}

/// The availability check of `tempi check`: over the calendar year of the community's start
/// (the window [`window`] gives by default), with the `at = "auto"` rhythms placed as [`plan`]
/// places them.
///
/// # Errors
/// An error reading a calendar, or of placement.
pub fn check_year(community: &Community, busy: &BusyFiles) -> Result<YearCheck, Error> {
    let year = community.start().year();
    let window = Window::year(community.zone(), year)?;
    let planned = match plan(community.clone(), window, ExpandOptions::new(), busy) {
        Ok(planned) => planned,
        Err(Error::Core(error)) => return Ok(YearCheck::Unplannable { year, error }),
        Err(e) => return Err(e),
    };
    let report = availability_problems(community, &planned.community, &planned.plan, busy)?;
    Ok(YearCheck::Checked(report))
}

// ── Mixers ──────────────────────────────────────────────────────────────────────────────────

/// How many random regroupings the coverage report compares with (their median).
pub const RANDOM_SEEDS: u64 = 100;

/// How one season of a `mix` rhythm's mixers did: new cross-pod pairs against the bound and
/// against random regrouping.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MixReport {
    /// The rhythm's id.
    pub rhythm: String,
    /// The commitment cycle this season is, for a commitment; `None` when the season is the
    /// plan's window.
    pub cycle: Option<u32>,
    /// New pairs met, the bounds, absences.
    pub coverage: tempi_solve::mix::Coverage,
    /// The median new pairs of random regrouping (Slack's Donut) over [`RANDOM_SEEDS`] seeds,
    /// with the same members present and the same group sizes.
    pub random: usize,
}

impl fmt::Display for MixReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let c = &self.coverage;
        let pct = |n: usize, of: usize| tempi_solve::mix::per_mille(n, of) as f64 / 10.0;
        write!(f, "mixers of `{}`", self.rhythm)?;
        if let Some(cycle) = self.cycle {
            write!(f, " (cycle {cycle})")?;
        }
        write!(
            f,
            ": {} rounds, {} new cross-pod pairs of a bound of {} ({:.1}%); random regrouping: {} ({:.1}%)",
            c.rounds,
            c.new_pairs,
            c.bound,
            pct(c.new_pairs, c.bound),
            self.random,
            pct(self.random, c.bound)
        )?;
        let absences = (c.absences > 0).then(|| {
            format!(
                "{} member-round{} missed (away, outside their windows or busy) lower the bound to {} ({:.1}% of it met)",
                c.absences,
                if c.absences == 1 { "" } else { "s" },
                c.bound_present,
                pct(c.new_pairs, c.bound_present)
            )
        });
        let same_pod = (c.same_pod > 0).then(|| {
            format!("{} pairs of one pod met (a pod larger than the number of mixers)", c.same_pod)
        });
        for clause in [absences, same_pod].into_iter().flatten() {
            write!(f, "; {clause}")?;
        }
        Ok(())
    }
}

/// Forms the mixers of every `mix` rhythm in `plan` and attaches them to its occurrences.
///
/// A season is the rhythm's occurrences in the plan's window, or each commitment cycle for a
/// commitment (cut every [`solve::mix::MAX_ROUNDS`](crate::solve::mix::MAX_ROUNDS) meetings): new pairs are counted, and repeats avoided, within a season. A member is in a
/// round's mixers when they attend the rhythm and can come: not away, inside their windows
/// (members without weekly windows are not limited by time of day) and clear of the busy time
/// of their `busy` calendars. Cancelled occurrences get no mixers. Seeded from the rhythm's id
/// (and the cycle), so the same community and window always give the same groups.
///
/// # Errors
/// An error reading a busy calendar, or [`Error::Solve`] from the solver.
pub fn form_mixers(
    community: &Community,
    plan: &mut Plan,
    busy: &BusyFiles,
) -> Result<Vec<MixReport>, Error> {
    let mut reports = Vec::new();
    let mut known: Vec<(String, Availability)> = Vec::new();
    for rhythm in community.rhythms() {
        let Some(mix) = rhythm.mix() else { continue };
        let roster = community.mix_pods(rhythm.id());
        let pods = pod_numbers(&roster);
        read_availability(community, &roster, busy, plan.window(), &mut known)?;
        let members: Vec<Option<&Availability>> = roster
            .iter()
            .map(|(id, _)| known.iter().find(|(m, _)| m == id).map(|(_, a)| a))
            .collect();
        let size = usize::try_from(mix.size).unwrap_or(usize::MAX);
        for (season, indices) in seasons(plan, rhythm.id()) {
            let mixer = Mixer { rhythm: rhythm.id(), roster: &roster, members: &members };
            // A window of more than MAX_ROUNDS meetings is cut into seasons of that many.
            let part = reports
                .iter()
                .filter(|r: &&MixReport| r.rhythm == rhythm.id() && r.cycle == season)
                .count();
            reports.push(mixer.season(plan, season, part, &indices, pods.clone(), size)?);
        }
    }
    Ok(reports)
}

/// Each member's pod as a number, in roster order; members in no pod get one of their own.
fn pod_numbers(roster: &[(&str, Option<&str>)]) -> Vec<u32> {
    let mut pod_ids: Vec<&str> = Vec::new();
    let mut pods: Vec<u32> = Vec::with_capacity(roster.len());
    for (k, (_, pod)) in roster.iter().enumerate() {
        let number = match pod {
            Some(id) => match pod_ids.iter().position(|p| p == id) {
                Some(at) => at,
                None => {
                    pod_ids.push(id);
                    pod_ids.len() - 1
                }
            },
            None => roster.len() + k,
        };
        pods.push(u32::try_from(number).unwrap_or(u32::MAX));
    }
    pods
}

/// Adds to `known` the availability of each roster member not in it yet (each member's busy
/// calendars are read once, however many `mix` rhythms they are in).
fn read_availability(
    community: &Community,
    roster: &[(&str, Option<&str>)],
    busy: &BusyFiles,
    window: Window,
    known: &mut Vec<(String, Availability)>,
) -> Result<(), Error> {
    for (id, _) in roster {
        if !known.iter().any(|(m, _)| m == id) {
            let (member, _) = busy.availability(community, id, window)?;
            known.push(((*id).to_string(), member));
        }
    }
    Ok(())
}

/// The indices of the rhythm's active occurrences in `plan`, by season: its commitment cycle
/// (or the whole window), cut every [`solve::mix::MAX_ROUNDS`](crate::solve::mix::MAX_ROUNDS) occurrences.
fn seasons(plan: &Plan, rhythm: &str) -> Vec<(Option<u32>, Vec<usize>)> {
    let mut seasons: Vec<(Option<u32>, Vec<usize>)> = Vec::new();
    for (index, o) in plan.occurrences().iter().enumerate() {
        if &*o.rhythm != rhythm || !o.is_active() {
            continue;
        }
        let season = o.cycle.map(|c| c.number);
        // The last season with this key, unless it is full.
        match seasons.iter_mut().rev().find(|(s, _)| *s == season) {
            Some((_, list)) if list.len() < tempi_solve::mix::MAX_ROUNDS => list.push(index),
            _ => seasons.push((season, vec![index])),
        }
    }
    seasons
}

/// One `mix` rhythm's roster and its members' availability (`None`: not a member).
struct Mixer<'a> {
    rhythm: &'a str,
    roster: &'a [(&'a str, Option<&'a str>)],
    members: &'a [Option<&'a Availability>],
}

impl Mixer<'_> {
    /// Forms the mixers of one season (`part` counts the earlier seasons with the same key) at
    /// the occurrences `indices`, attaches them to the plan, and reports the coverage.
    fn season(
        &self,
        plan: &mut Plan,
        season: Option<u32>,
        part: usize,
        indices: &[usize],
        pods: Vec<u32>,
        size: usize,
    ) -> Result<MixReport, Error> {
        let mut problem = tempi_solve::mix::MixProblem::new(pods, size)?;
        for index in indices {
            let Some(o) = plan.occurrences().get(*index) else { continue };
            let (start, end) = (o.start.to_utc(), o.end.to_utc());
            let present = self
                .roster
                .iter()
                .zip(self.members)
                .map(|((id, _), member)| {
                    o.attendees.iter().any(|a| &**a == *id)
                        && member.is_some_and(|m| tempi_solve::mix::can_come(m, start, end))
                })
                .collect();
            problem.round(present)?;
        }
        let seed = match season {
            Some(cycle) => format!("{}#{cycle}", self.rhythm),
            None => self.rhythm.to_string(),
        };
        let seed = if part == 0 { seed } else { format!("{seed}@{part}") };
        problem.seeded_by(&seed);
        let mixing = problem.solve();
        for (index, groups) in indices.iter().zip(&mixing.rounds) {
            plan.set_mixers(*index, self.named(groups));
        }
        Ok(MixReport {
            rhythm: self.rhythm.to_string(),
            cycle: season,
            coverage: problem.coverage(&mixing),
            random: problem.random_median(RANDOM_SEEDS),
        })
    }

    /// A round's groups as sorted lists of member ids, the groups sorted.
    fn named(&self, groups: &[Vec<usize>]) -> Vec<Arc<[Arc<str>]>> {
        let mut named: Vec<Arc<[Arc<str>]>> = groups
            .iter()
            .map(|g| {
                let mut ids: Vec<Arc<str>> = g
                    .iter()
                    .filter_map(|m| self.roster.get(*m).map(|(id, _)| Arc::from(*id)))
                    .collect();
                ids.sort();
                Arc::from(ids)
            })
            .collect();
        named.sort();
        named
    }
}

#[cfg(all(test, feature = "toml"))]
pub(crate) mod tests {
    use super::*;
    use tempi_core::chrono;

    #[test]
    fn mix_report_adds_a_clause_for_absences_and_one_for_same_pod_pairs() {
        let mut coverage = tempi_solve::mix::Coverage::default();
        (coverage.rounds, coverage.new_pairs, coverage.bound) = (3, 12, 24);
        let report =
            |coverage| MixReport { rhythm: "mixer".into(), cycle: Some(2), coverage, random: 6 };
        // 12 of 24 is 50.0%, 6 of 24 is 25.0%; no absences or same-pod pairs, no clauses.
        let plain = "mixers of `mixer` (cycle 2): 3 rounds, 12 new cross-pod pairs of a bound of 24 (50.0%); random regrouping: 6 (25.0%)";
        assert_eq!(report(coverage).to_string(), plain);
        (coverage.absences, coverage.bound_present, coverage.same_pod) = (1, 16, 2);
        // 12 of the 16 reachable with the one absence is 75.0%.
        assert_eq!(
            report(coverage).to_string(),
            format!(
                "{plain}; 1 member-round missed (away, outside their windows or busy) lower the bound to 16 (75.0% of it met); 2 pairs of one pod met (a pod larger than the number of mixers)"
            )
        );
    }

    /// The bundled sample community.
    pub(crate) fn sample() -> Community {
        let text = include_str!("../../../examples/community.toml");
        match tempi_core::file::parse(text, "community.toml") {
            Ok(loaded) => loaded.community,
            Err(e) => panic!("the sample must load: {e:?}"),
        }
    }

    /// The first bad byte is located by line and column in characters: "é" is one character of
    /// two bytes, so the 0xFF after `x = "é` on line 2 is column 7 and byte 11 (4 + 5 + 2).
    #[test]
    fn a_community_file_that_is_not_utf8_is_located() {
        let mut bytes = b"[a]\nx = \"".to_vec();
        bytes.extend("é".as_bytes());
        bytes.push(0xFF);
        let e = read_community(&mut bytes.as_slice(), "c.toml").unwrap_err();
        assert!(matches!(e, Error::NotUtf8 { line: 2, column: 7, offset: 11, .. }), "{e:?}");
        assert_eq!(
            e.to_string(),
            "c.toml:2:7: error: the file is not valid UTF-8 (byte 11); save it as UTF-8"
        );
        let big = vec![b' '; tempi_core::file::MAX_FILE_BYTES + 1];
        let e = read_community(&mut big.as_slice(), "-").unwrap_err();
        assert!(matches!(e, Error::TooLarge { .. }), "{e:?}");
    }

    #[test]
    fn unknown_member_suggests_close_ids() {
        let known: Vec<String> = ["ana", "bram", "chiara", "dawit"].map(String::from).to_vec();
        let message = |id: &str, known: &[String]| {
            let suggestions = tempi_core::suggest::closest(id, known.iter().map(String::as_str));
            Error::UnknownMember { id: id.into(), suggestions, known: known.to_vec() }.to_string()
        };
        assert_eq!(message("anna", &known), "unknown member `anna`; did you mean `ana`?");
        assert_eq!(
            message("zzz", &known),
            "unknown member `zzz`; known members: ana, bram, chiara, dawit"
        );
        assert_eq!(message("x", &[]), "unknown member `x`: there are no members defined");
    }

    #[test]
    fn an_unknown_group_lists_the_known_ones_and_names_no_flag() {
        let community = sample();
        let Err(e) = roster(&community, "nope") else { panic!("`nope` is not a group") };
        assert!(matches!(&e, Error::UnknownGroup { id, .. } if id == "nope"));
        let text = e.to_string();
        assert!(text.starts_with("unknown group `nope`; known groups: "), "{text}");
        assert!(!text.contains("--"), "{text}");
    }

    #[test]
    fn a_window_from_a_day_alone_is_a_year_and_a_backwards_one_is_refused() {
        let community = sample();
        let day = |y, m, d| match chrono::NaiveDate::from_ymd_opt(y, m, d) {
            Some(day) => day,
            None => panic!("{y}-{m}-{d}"),
        };
        let zone = community.zone();
        // A year from 1 March 2027 ends the day before 1 March 2028 (2028 is a leap year).
        let year = window(&community, Some(day(2027, 3, 1)), None).unwrap();
        assert_eq!(year, Window::days(zone, day(2027, 3, 1), day(2028, 2, 29)).unwrap());
        // Neither: the calendar year of the community's start.
        let default = window(&community, None, None).unwrap();
        assert_eq!(default, Window::year(zone, community.start().year()).unwrap());
        let e = window(&community, Some(day(2027, 3, 2)), Some(day(2027, 3, 1))).unwrap_err();
        assert!(matches!(e, Error::Backwards { .. }), "{e:?}");
        assert!(!e.to_string().contains("--"), "no flag in a library message: {e}");
        let e = window(&community, Some(chrono::NaiveDate::MAX), None).unwrap_err();
        assert!(matches!(e, Error::YearFrom { .. }), "{e:?}");
    }

    #[test]
    fn the_sample_checks_over_its_start_year_and_a_cap_makes_it_unplannable() {
        let busy = BusyFiles::relative_to("../../examples");
        let checked = check_year(&sample(), &busy).unwrap();
        assert!(matches!(checked, YearCheck::Checked(_)), "{checked:?}");
        // The sample plans every week; with at most one occurrence a plan, a year cannot be made,
        // and plan_checked says so as the engine's error.
        let options = ExpandOptions::new().max_per_plan(1);
        let window = window(&sample(), None, None).unwrap();
        let e = plan_checked(sample(), window, options, &busy).unwrap_err();
        assert!(matches!(e, Error::Core(_)), "{e:?}");
        let checked = plan_checked(sample(), window, ExpandOptions::new(), &busy).unwrap();
        assert!(!checked.planned.plan.occurrences().is_empty());
    }

    #[test]
    fn a_roster_holds_subgroup_members_once() {
        let community = sample();
        for group in community.groups() {
            let list = roster(&community, group.id()).unwrap_or_default();
            // Its own members are on it, and members keep the community's order.
            for m in group.direct_members() {
                assert!(list.contains(m), "{m} missing from {}", group.id());
            }
            let position = |id: &String| community.members().iter().position(|m| m.id() == id);
            assert!(list.windows(2).all(|w| position(&w[0]) < position(&w[1])), "{list:?}");
            let mut sorted = list.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(sorted.len(), list.len(), "{} lists a member twice", group.id());
            // Every subgroup's roster is inside it.
            for child in community.groups().iter().filter(|g| g.parent() == Some(group.id())) {
                for m in roster(&community, child.id()).unwrap_or_default() {
                    assert!(list.contains(&m), "{m} of {} missing from {}", child.id(), group.id());
                }
            }
        }
    }

    #[test]
    fn a_missing_busy_file_is_a_typed_error_with_its_source() {
        let text = r#"
[community]
id = "c"
name = "C"
zone = "Europe/Berlin"
start = "2027-01-04"

[[members]]
id = "ana"
name = "Ana"
zone = "Europe/Berlin"
busy = ["no-such-calendar.ics"]
"#;
        let community = match tempi_core::file::parse(text, "c.toml") {
            Ok(loaded) => loaded.community,
            Err(e) => panic!("{e:?}"),
        };
        let window = Window::year(community.zone(), 2027).unwrap_or_else(|e| panic!("{e}"));
        let busy = BusyFiles::relative_to("/nonexistent-tempi-dir");
        let Err(e) = busy.availability(&community, "ana", window) else {
            panic!("the calendar does not exist")
        };
        match &e {
            Error::ReadBusy { member, path, source } => {
                assert_eq!(member, "ana");
                assert_eq!(path, &Path::new("/nonexistent-tempi-dir").join("no-such-calendar.ics"));
                assert_eq!(source.kind(), std::io::ErrorKind::NotFound);
            }
            other => panic!("expected ReadBusy, got {other:?}"),
        }
        assert!(std::error::Error::source(&e).is_some());
    }

    /// Two members free on Monday and Tuesday evenings (UTC), a weekly one-hour rhythm with
    /// `at = "auto"`, and a calendar that makes Ana busy every Monday evening (then every Tuesday
    /// evening): the only time both can come is the other day, so every occurrence falls on it.
    #[test]
    fn place_auto_keeps_clear_of_a_busy_calendar() {
        use chrono::Weekday::{Mon, Tue};
        for (busy_from, expected) in [("20270104", Tue), ("20270105", Mon)] {
            assert_eq!(placed_weekdays(busy_from), vec![expected; 12], "busy from {busy_from}");
        }
    }

    /// The weekdays of the check-in's occurrences over 12 weeks, Ana busy weekly from
    /// `busy_from` (a date) 17:00 to 22:00 UTC.
    fn placed_weekdays(busy_from: &str) -> Vec<chrono::Weekday> {
        let dir =
            std::env::temp_dir().join(format!("tempi-pipeline-{}-{busy_from}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        let calendar = format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\n\
UID:busy\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:{busy_from}T170000Z\r\n\
DTEND:{busy_from}T220000Z\r\nRRULE:FREQ=WEEKLY\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        );
        std::fs::write(dir.join("ana.ics"), calendar).unwrap_or_else(|e| panic!("{e}"));
        let text = r#"
[community]
id = "c"
name = "C"
zone = "UTC"
start = "2027-01-04"

[[members]]
id = "ana"
name = "Ana"
zone = "UTC"
availability = ["mon-tue 18:00-21:00"]
busy = ["ana.ics"]

[[members]]
id = "bo"
name = "Bo"
zone = "UTC"
availability = ["mon-tue 18:00-21:00"]

[[groups]]
id = "pair"
name = "Pair"
scale = "2..2"
members = ["ana", "bo"]

[[rhythms]]
id = "check-in"
name = "Check-in"
group = "pair"
category = "relational"
cadence = "weekly"
at = "auto"
length = "1h"
"#;
        let community = match tempi_core::file::parse(text, "c.toml") {
            Ok(loaded) => loaded.community,
            Err(e) => panic!("{e:?}"),
        };
        let window = Window::days(
            community.zone(),
            chrono::NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default(),
            chrono::NaiveDate::from_ymd_opt(2027, 3, 28).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let busy = BusyFiles::relative_to(&dir);
        let planned =
            plan(community, window, ExpandOptions::new(), &busy).unwrap_or_else(|e| panic!("{e}"));
        let _ = std::fs::remove_dir_all(&dir);
        assert!(planned.unplaced.is_empty(), "{:?}", planned.unplaced);
        assert!(planned.warnings.is_empty(), "{:?}", planned.warnings);
        planned.plan.occurrences().iter().map(|o| chrono::Datelike::weekday(&o.start)).collect()
    }

    /// Germany's nine nationwide public holidays of 2027, as published (all-day events).
    const HOLIDAY_COMMUNITY: &str = r#"
[community]
id = "h"
name = "H"
zone = "Europe/Berlin"
start = "2027-01-04"

[[members]]
id = "ana"
name = "Ana"
zone = "Europe/Berlin"
holidays = "holidays/de-2027.ics"

[[members]]
id = "ben"
name = "Ben"
zone = "Europe/Lisbon"

[[members]]
id = "cem"
name = "Cem"
zone = "Europe/Istanbul"

[[groups]]
id = "pod-de"
name = "Pod DE"
scale = "1..3"
members = ["ben", "cem"]
holidays = "holidays/de-2027.ics"

[[groups]]
id = "friday"
name = "Friday"
scale = "1..3"
members = ["ana", "ben", "cem"]

[[rhythms]]
id = "mondays"
name = "Mondays"
group = "pod-de"
category = "relational"
cadence = "weekly on mon"
at = "19:00"
length = "1h"

[[rhythms]]
id = "fridays"
name = "Fridays"
group = "friday"
category = "working"
cadence = "weekly on fri"
at = "10:00"
length = "1h"
roles = []
"#;

    fn holiday_plan() -> Planned {
        let loaded = match tempi_core::file::parse(HOLIDAY_COMMUNITY, "h.toml") {
            Ok(loaded) => loaded,
            Err(e) => panic!("{e}"),
        };
        let data = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data");
        let busy = BusyFiles::relative_to(data);
        let window = Window::year(tempi_core::chrono_tz::Europe::Berlin, 2027)
            .unwrap_or_else(|e| panic!("{e}"));
        plan(loaded.community, window, ExpandOptions::new(), &busy)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_groups_holiday_calendar_cancels_its_meetings_on_holidays() {
        let planned = holiday_plan();
        assert!(planned.warnings.is_empty(), "{:?}", planned.warnings);
        let cancelled: Vec<(String, String)> = planned
            .plan
            .of_rhythm("mondays")
            .filter(|o| !o.is_active())
            .map(|o| {
                let reason = o.status.reason().map(ToString::to_string).unwrap_or_default();
                (o.start.date_naive().to_string(), reason)
            })
            .collect();
        // Of the nine, Easter Monday and Whit Monday fall on Mondays in 2027.
        assert_eq!(
            cancelled,
            [
                ("2027-03-29".to_string(), "Ostermontag (group `pod-de`)".to_string()),
                ("2027-05-17".to_string(), "Pfingstmontag (group `pod-de`)".to_string()),
            ]
        );
    }

    #[test]
    fn a_members_holiday_calendar_leaves_them_out() {
        let planned = holiday_plan();
        let fridays: Vec<_> = planned.plan.of_rhythm("fridays").collect();
        assert!(fridays.iter().all(|o| o.is_active()));
        let without_ana: Vec<String> = fridays
            .iter()
            .filter(|o| !o.attendees.iter().any(|a| &**a == "ana"))
            .map(|o| o.start.date_naive().to_string())
            .collect();
        // Good Friday and New Year's Day are the Friday holidays of 2027; the rhythms start on
        // Monday 4 January, after New Year.
        assert_eq!(without_ana, ["2027-03-26"]);
        // Holidays are read from two days before the earliest start (Monday 4 January): New
        // Year's Day is not needed, the other eight are.
        assert_eq!(planned.community.members().iter().map(|m| m.breaks().len()).sum::<usize>(), 8);
    }

    #[test]
    fn a_missing_holiday_calendar_names_its_owner_and_the_field() {
        let Ok(loaded) = tempi_core::file::parse(HOLIDAY_COMMUNITY, "h.toml") else {
            panic!("the community must load")
        };
        let busy = BusyFiles::relative_to("/nonexistent");
        let window = Window::year(tempi_core::chrono_tz::Europe::Berlin, 2027)
            .unwrap_or_else(|e| panic!("{e}"));
        let Err(e) = place_auto(loaded.community, window, &busy) else { panic!("no such file") };
        let text = e.to_string();
        assert!(
            text.starts_with(
                "group `pod-de`: cannot read the holiday calendar /nonexistent/holidays/de-2027.ics"
            ),
            "{text}"
        );
        assert!(text.contains("fix the path in `holidays`"), "{text}");
    }

    /// 40 members in 10 pods of 4 (member i in pod i / 4), weekly mixers of 4 on Wednesdays
    /// 19:00 Berlin for 6 weeks; `extra` is added to member m05's table.
    fn forty(extra: &str) -> Community {
        let mut text = String::from(
            "[community]\nid = \"forty\"\nname = \"Forty\"\nzone = \"Europe/Berlin\"\nstart = \"2027-01-04\"\n",
        );
        for i in 0..40 {
            text.push_str(&format!(
                "[[members]]\nid = \"m{i:02}\"\nname = \"M{i}\"\nzone = \"Europe/Berlin\"\n{}\n",
                if i == 5 { extra } else { "" }
            ));
        }
        text.push_str("[[groups]]\nid = \"all\"\nname = \"All\"\nscale = \"congregation\"\n");
        for p in 0..10 {
            let members: Vec<String> = (0..4).map(|k| format!("\"m{:02}\"", 4 * p + k)).collect();
            text.push_str(&format!(
                "[[groups]]\nid = \"pod-{p}\"\nname = \"Pod {p}\"\nscale = \"pod\"\nmembers = [{}]\npart_of = \"all\"\n",
                members.join(", ")
            ));
        }
        text.push_str("[[rhythms]]\nid = \"mixers\"\nname = \"Mixers\"\ngroup = \"all\"\ncategory = \"relational\"\ncadence = \"weekly on wed\"\nat = \"19:00\"\nlength = \"1h\"\nend = \"2027-02-14\"\nmix = { size = 4, across = \"pods\" }\n");
        match tempi_core::file::parse(&text, "forty.toml") {
            Ok(loaded) => loaded.community,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn planned(community: Community) -> Planned {
        let zone = community.zone();
        let day = |d| chrono::NaiveDate::from_ymd_opt(2027, 1, d).unwrap_or_default();
        let window = Window::days(
            zone,
            day(1),
            day(31).checked_add_days(chrono::Days::new(28)).unwrap_or_default(),
        );
        let Ok(window) = window else { panic!("window") };
        match plan(community, window, ExpandOptions::new(), &BusyFiles::relative_to(".")) {
            Ok(p) => p,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn forty_members_get_mixers_of_four_at_each_occurrence() {
        let p = planned(forty(""));
        // Wednesdays 6, 13, 20, 27 January, 3 and 10 February.
        assert_eq!(p.plan.occurrences().len(), 6);
        for o in p.plan.occurrences() {
            assert_eq!(o.mixers.len(), 10);
            assert!(o.mixers.iter().all(|g| g.len() == 4));
        }
        let [report] = p.mixers.as_slice() else { panic!("{:?}", p.mixers) };
        assert_eq!(report.cycle, None);
        assert_eq!(report.coverage.bound, 360);
        assert!(report.coverage.new_pairs >= 353, "{report}");
        assert!(report.random < report.coverage.new_pairs);
        let text = report.to_string();
        assert!(text.starts_with("mixers of `mixers`: 6 rounds, "), "{text}");
    }

    #[test]
    fn a_member_away_or_outside_their_windows_sits_the_round_out() {
        // m05 is away on 13 January, and free on Wednesdays 18:00-21:00 (the mixers' hour).
        let p = planned(forty(
            "away = [\"2027-01-13\"]\navailability = [\"mon-tue 09:00-17:00\", \"wed 18:00-21:00\", \"thu 09:00-10:00\"]",
        ));
        let with_m05 = |o: &tempi_core::Occurrence| {
            o.mixers.iter().flat_map(|g| g.iter()).any(|m| &**m == "m05")
        };
        let days: Vec<(u32, bool)> = p
            .plan
            .occurrences()
            .iter()
            .map(|o| (chrono::Datelike::day(&o.start), with_m05(o)))
            .collect();
        assert_eq!(
            days,
            vec![(6, true), (13, false), (20, true), (27, true), (3, true), (10, true)]
        );
        let [report] = p.mixers.as_slice() else { panic!() };
        // 13 January: 39 present, round(39 / 4) = 10 groups (9 of 4, 1 of 3): 57 pairs, not 60.
        assert_eq!(report.coverage.absences, 1);
        assert_eq!(report.coverage.bound_present, 357);
        assert!(
            report.to_string().contains(
                "1 member-round missed (away, outside their windows or busy) lower the bound to 357"
            ),
            "{report}"
        );
        // Free on Wednesdays only from 19:30: outside their windows at every 19:00 mixer.
        let p = planned(forty("availability = [\"wed 19:30-22:00\"]"));
        assert!(p.plan.occurrences().iter().all(|o| !with_m05(o) && o.mixers.len() == 10));
        let [report] = p.mixers.as_slice() else { panic!() };
        assert_eq!(report.coverage.absences, 6);
    }

    #[test]
    fn a_members_feed_and_the_plan_json_say_who_is_in_which_mixer() {
        let p = planned(forty(""));
        let first = &p.plan.occurrences()[0];
        // m07's own group at the first meeting, by name (members are named M<i>).
        let Some(own) = first.mixers.iter().find(|g| g.iter().any(|m| &**m == "m07")) else {
            panic!("m07 is in a mixer")
        };
        let mut names: Vec<String> =
            own.iter().map(|m| format!("M{}", m[1..].parse::<u32>().unwrap_or(99))).collect();
        names.sort();
        let options = crate::ical::export::ExportOptions::new(p.plan.window().start());
        let scope = crate::ical::export::Scope::Member("m07".into());
        let feed = match crate::ical::export::feed(&p.community, &p.plan, scope, &options) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        };
        // Unfold the content lines; DESCRIPTION's lines are `\n`, commas `\,` (RFC 5545 3.3.11).
        let text = feed.ics.replace("\r\n ", "");
        let mixer_lines: Vec<Vec<String>> = text
            .lines()
            .filter_map(|l| l.strip_prefix("DESCRIPTION:"))
            .flat_map(|d| d.split("\\n").map(str::to_string).collect::<Vec<_>>())
            .filter_map(|l| {
                l.split_once(": ")
                    .filter(|(k, _)| k.starts_with("Your mixer ("))
                    .map(|(_, v)| v.to_string())
            })
            .map(|v| {
                let mut list: Vec<String> = v.split("\\, ").map(str::to_string).collect();
                list.sort();
                list
            })
            .collect();
        // A member's feed names only their own mixer: one line for each of the 6 meetings
        // (m07 is in one at each: 40 members in 10 mixers), the first one the plan's.
        assert_eq!(mixer_lines.len(), 6, "{text}");
        assert_eq!(mixer_lines.first(), Some(&names), "{text}");
        assert!(!text.contains("Mixer 1:"), "other mixers stay out of a member's feed: {text}");
        // Six occurrences with different mixers: each is its own override after the master.
        assert_eq!(text.matches("RECURRENCE-ID").count(), 5, "{text}");
        let mut json = Vec::new();
        if let Err(e) = crate::view::write_plan_json(&mut json, &p.community, &p.plan, &[]) {
            panic!("{e}");
        }
        let json = String::from_utf8(json).unwrap_or_default();
        assert_eq!(json.matches("\"mixers\": [\n        [").count(), 6, "{json}");
    }

    #[test]
    fn the_year_picture_marks_mixers_and_a_members_own_group() {
        let p = planned(forty(""));
        let whole = crate::view::year::picture(&p.community, &p.plan, None);
        assert_eq!(whole.svg().matches("Mixers: 10 groups of 4").count(), 6);
        let Some(m07) = p.community.member("m07") else { panic!("m07") };
        let own = crate::view::year::picture(&p.community, &p.plan, Some(m07));
        let first = &p.plan.occurrences()[0];
        let Some(group) = first.mixers.iter().find(|g| g.iter().any(|m| &**m == "m07")) else {
            panic!("m07 has a mixer")
        };
        // Members are named M<number>; the other three, in the group's (sorted id) order.
        let others: Vec<String> = group
            .iter()
            .filter(|m| &***m != "m07")
            .map(|m| format!("M{}", m[1..].parse::<u32>().unwrap_or(99)))
            .collect();
        let line = format!("Mixer with {}", others.join(", "));
        assert!(own.svg().contains(&line), "{line}");
    }
}
