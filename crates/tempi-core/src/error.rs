//! The error type for building plans.

use chrono::{DateTime, Utc};

/// An error from planning a community's rhythms.
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
        if *per_plan { "ExpandOptions::max_per_plan (CLI: --max-occurrences)" } else { "ExpandOptions::max_per_rhythm (CLI: --max-per-rhythm)" }
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
}
