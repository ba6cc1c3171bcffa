//! Meeting times across members' availability: one-off slots, recurring patterns that hold
//! through DST, whole-plan placement of `at = "auto"` rhythms, and pod formation.
//!
//! ```
//! # mod tempi { pub use tempi_core::*; pub use tempi_solve as solve; }
//! use tempi::chrono::NaiveDate;
//! use tempi::chrono_tz::{America::New_York, Europe::Berlin};
//! use tempi::{Length, WeeklyWindow, Window};
//! use tempi::solve::{Availability, SlotQuery};
//!
//! let day = NaiveDate::from_ymd_opt(2027, 3, 16).unwrap();
//! let window = Window::days(Berlin, day, day)?;
//! let mut query = SlotQuery::new("60m".parse::<Length>()?, window);
//! query
//!     .required(Availability::new("ana", Berlin).windows(WeeklyWindow::parse_many("mon-fri 09:00-18:00")?))
//!     .required(Availability::new("grace", New_York).windows(WeeklyWindow::parse_many("mon-fri 09:00-17:00")?));
//! let slots = query.solve()?;
//! let best = &slots.candidates[0];
//! // New York is already on summer time (since 14 March), Berlin not yet: 5 hours apart.
//! assert_eq!(best.start.to_rfc3339(), "2027-03-16T13:00:00+00:00");
//! assert_eq!(best.attendees[0].local.format("%H:%M").to_string(), "14:00");
//! assert_eq!(best.attendees[1].local.format("%H:%M").to_string(), "09:00");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`Availability`]: a member's zone, weekly windows, date overrides, busy intervals and soft
//!   preferences ([`Availability::from_member`] reads a community member).
//! - [`SlotQuery`]: one meeting in a search window → ranked [`Candidate`]s, or a [`NoFit`] that
//!   says why and lists near misses. [`SlotQuery::what_ifs`] says what would unlock more.
//! - [`SeriesQuery`]: a cadence anchored in a zone for N occurrences or until a date →
//!   [`Pattern`]s (weekday and local time) that hold at every occurrence, or with at most k
//!   misses, each miss listed with who and why, and each member's local-time drift.
//! - [`place`]: gives every `at = "auto"` rhythm of a community its time, slower tempos first,
//!   never double-booking a member, rotating the inconvenience across zones.
//! - [`PodQuery`]: splits members into pods of a size range with the most shared recurring time.
//! - [`mix`]: regroups members into mixers across their pods each round, so that over a season
//!   everyone meets as many new people as possible.
//!
//! # How it works (approach and complexity)
//!
//! Time is a grid of slots at a resolution `r` = gcd(granularity, length, 15 min), so a meeting
//! is a whole run of `k = length / r` slots and every zone's quarter hours fall on the grid.
//! Each member becomes one bitset over the search window (a year at 15 minutes is 35,040 bits,
//! 548 words): windows, extra windows and the civil band are set day by day in the member's
//! zone (one `resolve_local` per local date, the DST policy's own mapping on transition days),
//! then away dates, busy intervals widened by the buffers, and the notice cut-off are cleared a
//! word at a time. "Can start a meeting here" is the bitset ANDed with itself shifted by
//! 1, 2, 4… slots (`O(words · log k)`), and the group's starts are a word-wise AND across the
//! required members. A quorum adds a per-slot count (one pass over the set bits).
//!
//! - Building: `O(M · (D·w + B + S/64 · log k))` for M members, D days, w windows a day,
//!   B busy intervals each and S slots; no candidate is ever scanned against busy events.
//! - One-off: every valid start is scored (`O(V · M)` for V valid starts), the best are
//!   chosen with a spread (no two overlapping), and only those are explained.
//! - Recurring: the cadence's dates come from tempi-core (a native path for weekly rules).
//!   A pattern is a day sequence and a wall-clock time in the anchor zone; each occurrence is
//!   mapped through the anchor zone's DST policy ([`tempi::time::resolve_local`](tempi_core::time::resolve_local)) to a
//!   grid slot and tested with one bit lookup: `O(P · T · N)` for P day sequences (7 for a
//!   weekly rule without a day), T times a day and N occurrences, before scoring the valid
//!   ones. Members' own offset changes are in their bitsets, so Berlin, New York and Sydney
//!   changing on different dates are handled exactly, not by a fixed offset.
//! - Placement: rhythms in order (priority, then slower tempo); each is a recurring query on
//!   the shared bitsets, and its occurrences are then cleared from its attendees' bitsets.
//!   Bitsets are built once per (zone, windows) signature and copied.
//! - Pods: each member's weekly profile (starts free at the same UTC phase every week of the
//!   commitment, one AND per week), a greedy split hardest-first, then swaps and moves while
//!   they add shared time; an exhaustive search on small inputs, an upper bound otherwise.
//!
//! # Scores
//!
//! A candidate's [`Score`] is the sum of three integer parts, so ranking is exact and
//! deterministic (ties go to the earlier start): `attendance` (1000 × attendees / members),
//! `preferences` (100 × the mean of +1 inside preferred hours, −1 outside them, −2 on an avoided
//! day) and `fairness` (−30 × the worst local-hour pain among attendees − 10 × the mean pain;
//! pain is 0 in 09–17, 1 in 08–09 and 17–19, 2 in 07–08 and 19–21, 3 in 06–07 and 21–22, 5 at
//! night, plus, in whole-plan placement, the pain of the times already placed for that member).
//!
//! The solver never reads the clock: "now" for the minimum notice is a parameter.

/// The most members one query (slots, series or pods) compares: each is a bitset over the search
/// window, and scoring walks every member for every valid start, so this bounds the solver's
/// time and memory whatever the community file holds.
pub const MAX_MEMBERS: usize = 2_000;

mod availability;
mod bits;
mod common;
pub mod fit;
pub mod mix;
mod oneoff;
mod place;
mod pods;
mod series;
mod whatif;

pub use place::{PlaceOptions, PlaceReport, Placement, place};
pub use pods::{Pod, PodBound, PodPlan, PodQuery};
pub use whatif::{Change, WhatIf};

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

pub use availability::Availability;
pub use fit::{Unavailable, check_plan};
pub use oneoff::{Candidate, NoFit, SlotQuery, Slots};

pub use series::{
    Drift, Pattern, PatternMember, Patterns, SeriesEnd, SeriesOccurrence, SeriesQuery,
};

/// The fewest attendees a meeting needs, beyond its required members.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Quorum {
    /// At least this many members.
    Count(u32),
    /// At least this share of the members, in percent (rounded up).
    Percent(u8),
}

/// A candidate's score: the sum of its parts (see the crate docs). Higher is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Score {
    /// The sum of the parts below.
    pub total: i64,
    /// 1000 × attendees / members.
    pub attendance: i64,
    /// Soft preferences: preferred hours and avoided days.
    pub preferences: i64,
    /// Minus the worst local-hour pain and the mean pain across attendees.
    pub fairness: i64,
}

/// Someone who attends, with their local start time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Attendee {
    /// The member's id.
    pub id: String,
    /// Whether they were required.
    pub required: bool,
    /// The start in the member's own zone.
    pub local: DateTime<Tz>,
}

/// Someone who cannot attend, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Missing {
    /// The member's id.
    pub id: String,
    /// Whether they were required.
    pub required: bool,
    /// Why they cannot come.
    pub reason: Reason,
}

/// Why a member cannot attend a time.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// It starts before now plus the minimum notice.
    TooSoon,
    /// The member is away that (local) date.
    Away {
        /// The date.
        date: NaiveDate,
    },
    /// A busy interval (or its buffer) overlaps it.
    Busy {
        /// The busy interval's start.
        start: DateTime<Utc>,
        /// Its end.
        end: DateTime<Utc>,
    },
    /// It is outside the member's windows.
    OutsideWindows,
    /// It is inside their windows but outside the civil-hours band.
    OutsideCivilHours,
    /// Free by every rule, but not for a whole grid slot (a window edge off the grid).
    NoFreeStretch,
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::TooSoon => f.write_str("too soon (minimum notice)"),
            Reason::Away { date } => write!(f, "away on {date}"),
            Reason::Busy { start, end } => {
                write!(f, "busy {}–{} UTC", start.format("%Y-%m-%d %H:%M"), end.format("%H:%M"))
            }
            Reason::OutsideWindows => f.write_str("outside their availability"),
            Reason::OutsideCivilHours => f.write_str("outside civil hours"),
            Reason::NoFreeStretch => f.write_str("no free stretch on the grid"),
        }
    }
}

impl Reason {
    /// A short machine name: `too-soon`, `away`, `busy`, `outside-windows`,
    /// `outside-civil-hours`, `no-free-stretch`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::TooSoon => "too-soon",
            Reason::Away { .. } => "away",
            Reason::Busy { .. } => "busy",
            Reason::OutsideWindows => "outside-windows",
            Reason::OutsideCivilHours => "outside-civil-hours",
            Reason::NoFreeStretch => "no-free-stretch",
        }
    }
}

/// An error from building or solving a query.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The query has no members. Add some with `.required(…)` or `.optional(…)`.
    #[error("the query has no members; add members to search for a time")]
    NoMembers,
    /// A member was added twice. Add each member once.
    #[error("member `{id}` is in the query twice; add each member once")]
    DuplicateMember {
        /// The repeated id.
        id: String,
    },
    /// The granularity is outside 1 to 720 minutes. Use e.g. 15.
    #[error("a granularity of {minutes} minutes is not allowed; use 1 to 720 minutes, e.g. 15")]
    Granularity {
        /// The rejected granularity.
        minutes: u32,
    },
    /// The quorum cannot be met by this many members. Lower it.
    #[error(
        "a quorum of {quorum} is impossible with {members} members; use 1 to {members} or a percentage from 1% to 100%"
    )]
    Quorum {
        /// The quorum as given.
        quorum: String,
        /// How many members the query has.
        members: usize,
    },
    /// The search window is longer than the solver searches at once. Shorten it.
    #[error("the search window is {days} days long; search at most {max} days at once")]
    WindowTooLong {
        /// The window's length in days.
        days: i64,
        /// The longest window allowed.
        max: i64,
    },
    /// More members than the solver compares at once ([`MAX_MEMBERS`]). Query a smaller group.
    #[error(
        "the query has {count} members; the solver compares at most {max} at once (its search space grows with members x slots): query a smaller group, e.g. one circle or congregation, or split the members"
    )]
    TooManyMembers {
        /// The members asked for.
        count: usize,
        /// The cap.
        max: usize,
    },
    /// A series needs 1 to 1000 occurrences. Use a count in that range or an earlier `until`.
    #[error("a series of {count} occurrences is not allowed; use 1 to 1000")]
    SeriesCount {
        /// The count asked for.
        count: usize,
    },
    /// The cadence could not be expanded.
    #[error("the cadence could not be expanded: {source}")]
    Cadence {
        /// What went wrong, in tempi-core.
        #[source]
        source: tempi_core::Error,
    },
    /// The cadence has no occurrence in the series' range. Check the cadence and the dates.
    #[error(
        "the cadence `{cadence}` has no occurrence from {from}; check the cadence and the dates"
    )]
    NoOccurrences {
        /// The cadence.
        cadence: String,
        /// The first date searched.
        from: NaiveDate,
    },
    /// Members cannot be split into pods of the sizes asked for. Change the size range.
    #[error(
        "{members} members cannot be split into pods of {min} to {max}; change the pod sizes or the members"
    )]
    PodSizes {
        /// How many members.
        members: usize,
        /// Smallest pod.
        min: usize,
        /// Largest pod.
        max: usize,
    },
    /// A member or group named in the request is not in the community.
    #[error("{message}")]
    Unknown {
        /// What is unknown, with suggestions.
        message: String,
    },
    /// The community could not be planned or rebuilt with the placed times.
    #[error("{source}")]
    Plan {
        /// What went wrong, in tempi-core.
        #[source]
        source: tempi_core::Error,
    },
    /// Mixers need groups of at least 2. Use a size of 2 or more.
    #[error("mixers of {size} are not groups; use a size of 2 or more, e.g. `size = 4`")]
    MixSize {
        /// The size asked for.
        size: usize,
    },
    /// A season of mixers holds at most [`mix::MAX_ROUNDS`] rounds. Split it.
    #[error("a season of mixers holds at most {max} rounds; split it into shorter seasons")]
    MixRounds {
        /// The cap.
        max: usize,
    },
    /// A round of mixers must say, for every member, whether they are present.
    #[error(
        "a round of mixers lists {given} members' presence; give one for each of the {members} members"
    )]
    MixRound {
        /// Members in the problem.
        members: usize,
        /// Entries given.
        given: usize,
    },
}

/// The setters the one-off and recurring queries share.
macro_rules! common_setters {
    ($ty:ty) => {
        impl $ty {
            /// Adds a member who must attend.
            pub fn required(&mut self, member: $crate::Availability) -> &mut Self {
                self.options.members.push((member, true));
                self
            }

            /// Adds a member who may attend (counted in attendance and the quorum).
            pub fn optional(&mut self, member: $crate::Availability) -> &mut Self {
                self.options.members.push((member, false));
                self
            }

            /// Start times fall on multiples of this many minutes (UTC-aligned, which is every
            /// zone's quarter hour); default 15.
            pub fn granularity(&mut self, minutes: u32) -> &mut Self {
                self.options.granularity = minutes;
                self
            }

            /// The fewest attendees (default: every required member; everyone if none is
            /// marked required).
            pub fn quorum(&mut self, quorum: $crate::Quorum) -> &mut Self {
                self.options.quorum = Some(quorum);
                self
            }

            /// Minutes kept free before and after every busy interval (default 0).
            pub fn buffers(&mut self, before: u32, after: u32) -> &mut Self {
                self.options.buffer_before = before;
                self.options.buffer_after = after;
                self
            }

            /// No meeting starts before `now` plus `minutes` (default: no notice). The solver
            /// never reads the clock; pass the time yourself.
            pub fn notice(
                &mut self,
                now: chrono::DateTime<chrono::Utc>,
                minutes: u32,
            ) -> &mut Self {
                self.options.now = Some(now);
                self.options.notice = minutes;
                self
            }

            /// Limits everyone to these local hours in their own zone, e.g. 08:00–21:00
            /// (default: no band). `None` removes the band.
            pub fn civil_hours(
                &mut self,
                hours: Option<tempi_core::model::LocalHours>,
            ) -> &mut Self {
                self.options.civil = hours.map(|h| (h.start_minute(), h.end_minute()));
                self
            }

            /// The hours assumed for members with no weekly windows (default 08:00–21:00).
            pub fn default_hours(&mut self, hours: tempi_core::model::LocalHours) -> &mut Self {
                self.options.default_hours = (hours.start_minute(), hours.end_minute());
                self
            }

            /// The most answers returned (default 10).
            pub fn max_results(&mut self, max: usize) -> &mut Self {
                self.options.max_results = max;
                self
            }

            /// Whether answers may overlap each other (default: no, each answer is a distinct
            /// time rather than the same time shifted by 15 minutes).
            pub fn overlapping(&mut self, allow: bool) -> &mut Self {
                self.options.spread = !allow;
                self
            }
        }
    };
}
pub(crate) use common_setters;
