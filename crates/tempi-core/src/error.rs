//! tempi-core's one error type.
//!
//! Every public function of tempi-core that can fail returns [`Error`]. Its messages say what is
//! wrong and what would fix it, in the terms of the library (they name no command-line flag: the
//! `tempi` command adds those by matching the variant).

use std::fmt;

use chrono::{DateTime, Utc};

use crate::model::Problem;

/// An error from tempi-core: reading a value, validating a community, or planning it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The window ends before it starts. Give a `to` date after the `from` date.
    #[error("the window {start} .. {end} is empty; the end must come after the start")]
    EmptyWindow {
        /// The window's start.
        start: DateTime<Utc>,
        /// The window's end.
        end: DateTime<Utc>,
    },
    /// The window reaches outside 1900–2099, where tempi's zone data is right.
    #[error(
        "the window {start} .. {end} reaches outside 1900-2099; tempi's time zone data has no daylight saving time after 2099, so plan inside those years"
    )]
    WindowOutOfRange {
        /// The window's start.
        start: DateTime<Utc>,
        /// The window's end.
        end: DateTime<Utc>,
    },
    /// The year is not a calendar year tempi can plan.
    #[error("year {year} is outside 1900-2099")]
    YearOutOfRange {
        /// The year given.
        year: i32,
    },
    /// A rhythm or the whole plan would expand past a bound. Plan a shorter window, move the
    /// rhythm's `start` closer, or raise the bound with `ExpandOptions`.
    #[error(
        "{} more than {limit} occurrences (counted in the window; before it, from the rhythm's start, four times that plus 100000); plan a shorter window, move the rhythm's `start` later, or raise the cap with {}",
        if *per_plan { format!("the plan reached rhythm `{rhythm}` with") } else { format!("rhythm `{rhythm}` has") },
        if *per_plan { "ExpandOptions::max_per_plan" } else { "ExpandOptions::max_per_rhythm" }
    )]
    TooManyOccurrences {
        /// The rhythm being expanded when the bound was reached.
        rhythm: String,
        /// The bound.
        limit: usize,
        /// Whether the plan-wide bound was reached (otherwise the per-rhythm one).
        per_plan: bool,
    },
    /// The recurrence engine rejected a rule that tempi's own validation let through.
    #[error("rhythm `{rhythm}`: its cadence cannot be expanded: {reason}")]
    Expansion {
        /// The rhythm.
        rhythm: String,
        /// The engine's reason.
        reason: String,
    },
    /// A recurrence rule or cadence that cannot be read or is not valid: names the part and says
    /// what would fix it.
    #[error("{message}")]
    Rule {
        /// The rule part at fault (e.g. `BYSETPOS=0`), or empty when the rule as a whole is at
        /// fault.
        part: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A rule would give more wall-clock starts than the budget allowed. Shorten the span or
    /// raise the budget.
    #[error("more than {budget} starts; shorten the span or raise the budget")]
    Budget {
        /// The budget.
        budget: usize,
    },
    /// The recurrence engine rejected a rule for this start (its reason is kept as text: `rrule`
    /// is not part of tempi's API).
    #[error("the rule cannot be expanded: {reason}")]
    RuleExpansion {
        /// The engine's reason.
        reason: String,
    },
    /// A length that could not be read or is out of range.
    #[error("{message}")]
    Length {
        /// What is wrong and how to fix it.
        message: String,
    },
    /// An unknown time zone name.
    #[error("{}", zone_message(name, suggestions))]
    Zone {
        /// The name as given.
        name: String,
        /// Close names from the tz database, best first.
        suggestions: Vec<String>,
    },
    /// A text that is not a valid value of its kind (a time of day, a date, a window, a scale…).
    #[error("{message}")]
    Value {
        /// What the text was read as.
        kind: ValueKind,
        /// What is wrong and how to fix it, quoting the text.
        message: String,
    },
    /// A rhythm built in code lacks a part every rhythm needs (see
    /// [`crate::RhythmBuilder::build`]).
    #[error("rhythm `{rhythm}` has no {part}; give it one on the builder")]
    Missing {
        /// The rhythm's id.
        rhythm: String,
        /// The missing part: `cadence`, `start time` or `length`.
        part: &'static str,
    },
    /// The problems that stopped a community from being built, each with its [`Place`]
    /// (see [`crate::CommunityBuilder::build`]).
    ///
    /// [`Place`]: crate::Place
    #[error("{}", join(errors, "; "))]
    Invalid {
        /// The errors, in the order of the items they concern.
        errors: Vec<Problem>,
        /// Warnings found along the way.
        warnings: Vec<Problem>,
    },
    /// The errors (and any warnings) that stopped a community file from being read, each
    /// located `file:line:col` (see [`crate::file::parse`]).
    #[cfg(feature = "toml")]
    #[error("{}", join(errors, "\n"))]
    File {
        /// The errors, in file order.
        errors: Vec<crate::file::Diagnostic>,
        /// The warnings, in file order.
        warnings: Vec<crate::file::Diagnostic>,
    },
}

/// What kind of value a text was read as, in [`Error::Value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ValueKind {
    /// A 24-hour time of day, `HH:MM` ([`crate::time::parse_time_of_day`]).
    TimeOfDay,
    /// A calendar date, `YYYY-MM-DD` ([`crate::time::parse_date`]).
    Date,
    /// Weekly availability windows ([`crate::WeeklyWindow`]).
    WeeklyWindow,
    /// A span of local hours ([`crate::model::LocalHours`]).
    Hours,
    /// Availability on one date ([`crate::model::DateWindow`]).
    DateWindow,
    /// A group's [`crate::Scale`].
    Scale,
    /// A rhythm's [`crate::Category`].
    Category,
}

impl Error {
    /// The errors of an [`Error::Invalid`], each with its [`Place`](crate::Place); empty for any
    /// other error.
    pub fn problems(&self) -> &[Problem] {
        match self {
            Error::Invalid { errors, .. } => errors,
            _ => &[],
        }
    }

    /// The located errors of an [`Error::File`], in file order; empty for any other error.
    #[cfg(feature = "toml")]
    pub fn diagnostics(&self) -> &[crate::file::Diagnostic] {
        match self {
            Error::File { errors, .. } => errors,
            _ => &[],
        }
    }

    /// A [`Error::Value`] of `kind`.
    pub(crate) fn value(kind: ValueKind, message: impl Into<String>) -> Error {
        Error::Value { kind, message: message.into() }
    }

    /// A [`Error::Length`].
    pub(crate) fn length(message: impl Into<String>) -> Error {
        Error::Length { message: message.into() }
    }
}

fn zone_message(name: &str, suggestions: &[String]) -> String {
    match suggestions {
        [] => format!("unknown time zone `{name}`; use an IANA name such as \"Europe/Berlin\""),
        close => format!("unknown time zone `{name}`{}", crate::suggest::DidYouMean(close)),
    }
}

fn join<T: fmt::Display>(items: &[T], separator: &str) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(separator)
}
