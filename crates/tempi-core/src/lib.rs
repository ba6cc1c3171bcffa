//! The model of a community's rhythms and the nested-tempo recurrence engine.
//!
//! ```
//! use chrono::{NaiveDate, NaiveTime};
//! use chrono_tz::Europe::Berlin;
//! use tempi_core::{Category, Community, Group, Member, Rhythm, Scale, Window};
//!
//! let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! let mut builder = Community::builder("riverbend", "Riverbend", Berlin, start);
//! for (id, name) in [("ana", "Ana"), ("bo", "Bo"), ("chen", "Chen")] {
//!     builder.member(Member::new(id, name, Berlin));
//! }
//! builder.group(Group::new("pod-a", "Pod A", Scale::Pod).members(["ana", "bo", "chen"]));
//! builder.rhythm(Rhythm::new(
//!     "pod-a-checkin",
//!     "Pod A check-in",
//!     "pod-a",
//!     Category::Relational,
//!     "weekly on tue".parse::<tempi_core::Cadence>()?,
//!     NaiveTime::from_hms_opt(19, 0, 0).unwrap(),
//!     "90m".parse()?,
//! ));
//! let (community, _warnings) = builder.build()?;
//! let plan = community.plan(Window::year(Berlin, 2027)?)?;
//! assert_eq!(plan.occurrences().len(), 52);
//! assert_eq!(plan.occurrences()[0].start.to_rfc3339(), "2027-01-05T19:00:00+01:00");
//! assert_eq!(plan.occurrences()[0].facilitator(), Some("ana"));
//! assert_eq!(plan.occurrences()[1].facilitator(), Some("bo"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`Community`] holds [`Member`]s, [`Group`]s (each with a [`Scale`]) and [`Rhythm`]s. Build
//!   one with [`Community::builder`] or read a community file with [`file::parse`] (feature
//!   `serde`).
//! - A [`Rhythm`] is timed by a [`Cadence`] (an RFC 5545 rule or a phase of the moon) or by an
//!   [`Offset`] from another rhythm, and can be composed with others: `within`, `except`, `after`.
//!   A [`Commitment`] makes it time-limited, ending each cycle in a retrospective; [`Role`]s rotate.
//! - [`Community::plan`] expands everything over a [`Window`] into a [`Plan`] of [`Occurrence`]s.
//!
//! # Time
//!
//! Wall-clock times stay fixed in each rhythm's zone across DST; see [`time`] for the gap and
//! overlap policy. Plans are limited to 1900–2099 (chrono-tz has no DST rules after 2099).
//!
//! # Crate features
//!
//! | Name | Description | Default? |
//! |---|---|---|
//! | `serde` | Read community files (TOML) with [`file::parse`] | yes |

pub mod cadence;
mod error;
mod expand;
#[cfg(feature = "serde")]
pub mod file;
pub mod model;
pub mod moon;
pub mod plan;
pub mod rule;
pub mod suggest;
pub mod time;
mod validate;

pub use chrono;
pub use chrono_tz;

pub use cadence::Cadence;
pub use error::Error;
pub use expand::ExpandOptions;
pub use model::Mix;
pub use model::{
    Attendance, Category, ClashPolicy, ClashScope, Commitment, Community, CommunityBuilder, Edge,
    Except, Group, Holder, Item, Member, NthAfter, Offset, Place, Presence, Problem, Problems,
    Renewal, Rhythm, Role, Scale, Timing, WeeklyWindow,
};
pub use moon::MoonPhase;
pub use plan::{Conflict, Cycle, Occurrence, Plan, RoleHolder, Status};
pub use rule::{ByDay, Frequency, RecurrenceRule, RuleEnd, RuleError, Until};
pub use time::{Length, Window};

impl Community {
    /// Expands every rhythm over `window`, with the default bounds.
    ///
    /// # Errors
    /// When a rhythm or the plan would pass a bound of [`ExpandOptions`].
    pub fn plan(&self, window: Window) -> Result<Plan, Error> {
        expand::plan(self, window, ExpandOptions::new())
    }

    /// Expands every rhythm over `window`, with the given bounds.
    ///
    /// # Errors
    /// When a rhythm or the plan would pass a bound.
    pub fn plan_with(&self, window: Window, options: ExpandOptions) -> Result<Plan, Error> {
        expand::plan(self, window, options)
    }
}
