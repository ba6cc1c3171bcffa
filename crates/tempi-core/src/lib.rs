//! The model of a community's rhythms and the nested-tempo recurrence engine.
//!
//! ```
//! # mod tempi { pub use tempi_core::*; }
//! use tempi::chrono::NaiveDate;
//! use tempi::chrono_tz::Europe::Berlin;
//! use tempi::{Category, Community, Group, Member, Rhythm, Scale, Window};
//!
//! let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! let mut builder = Community::builder("riverbend", "Riverbend", Berlin, start);
//! for (id, name) in [("ana", "Ana"), ("bo", "Bo"), ("chen", "Chen")] {
//!     builder.member(Member::new(id, name, Berlin).available("mon-fri 18:00-22:00")?);
//! }
//! builder.group(Group::new("pod-a", "Pod A", Scale::Pod).members(["ana", "bo", "chen"]));
//! builder.rhythm(
//!     Rhythm::builder("pod-a-checkin", "pod-a")
//!         .name("Pod A check-in")
//!         .category(Category::Relational)
//!         .cadence("weekly on tue")
//!         .at("19:00")
//!         .length("90m")
//!         .build()?,
//! );
//! let (community, _warnings) = builder.build()?;
//! let plan = community.plan(Window::year(Berlin, 2027)?)?;
//! assert_eq!(plan.occurrences().len(), 52);
//! assert_eq!(plan.occurrences()[0].start.to_rfc3339(), "2027-01-05T19:00:00+01:00");
//! assert_eq!(plan.occurrences()[0].facilitator(), Some("ana"));
//! assert_eq!(plan.occurrences()[1].facilitator(), Some("bo"));
//! # Ok::<(), tempi::Error>(())
//! ```
//!
//! # Overview
//!
//! - [`Community`] holds [`Member`]s, [`Group`]s (each with a [`Scale`]) and [`Rhythm`]s (made
//!   with [`Rhythm::builder`]). Build one with [`Community::builder`] or read a community file
//!   with [`file::parse`] (feature `toml`).
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
//! | `serde` | `Serialize` on [`Plan`] and its parts, in the shape of docs/plan-json.md | with `toml` |
//! | `toml` | Read community files (TOML) with [`file::parse`]; turns on `serde` | yes |

pub mod breaks;
pub mod cadence;
mod error;
mod expand;
#[cfg(feature = "toml")]
pub mod file;
mod groups;
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
pub use error::{Error, ValueKind};
pub use expand::ExpandOptions;
pub use groups::Roster;
pub use model::Mix;
pub use model::{
    Attendance, Break, BreakOwner, Category, ClashPolicy, ClashScope, Commitment, Community,
    CommunityBuilder, Edge, Except, Group, Holder, Item, Member, NthAfter, Offset, OnBreak, Place,
    Presence, Problem, Renewal, Rhythm, RhythmBuilder, Role, Scale, Timing, WeeklyWindow,
};
pub use moon::MoonPhase;
pub use plan::{Conflict, Cycle, Occurrence, Plan, Reason, RoleHolder, Status};
pub use rule::{ByDay, Frequency, RecurrenceRule, RuleBuilder, RuleEnd, Until};
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
