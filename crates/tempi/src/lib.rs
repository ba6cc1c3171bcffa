//! tempi turns a community's rhythms into a calendar people can trust.
//!
//! This facade re-exports the model and engine ([`tempi_core`], at the root), the slot solver
//! ([`solve`]), the calendar feeds ([`ical`]) and what `tempi plan` prints and draws ([`view`]:
//! the agenda, the plan JSON, the year picture). [`pipeline`] joins them the way the `tempi`
//! command does: rosters, members' busy calendars, `at = "auto"` placement, the plan. Depend on
//! `tempi` alone.
//!
//! ```
//! use tempi::{Window, file};
//!
//! let text = include_str!("../../../examples/community.toml");
//! let loaded = file::parse(text, "community.toml")?;
//! let community = &loaded.community;
//! let plan = community.plan(Window::year(community.zone(), 2027)?)?;
//! let first = &plan.occurrences()[0];
//! println!("{} {} {:?}", first.start, first.rhythm, first.facilitator());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! What `tempi plan` prints and draws is a library call too:
//!
//! ```
//! use tempi::{Window, file, view};
//!
//! let loaded = file::parse(include_str!("../../../examples/community.toml"), "community.toml")?;
//! let community = &loaded.community;
//! let plan = community.plan(Window::year(community.zone(), 2027)?)?;
//! let mut agenda = Vec::new();
//! view::write_agenda(&mut agenda, community, &plan, &loaded.warnings)?;
//! let mut json = Vec::new();
//! view::write_plan_json(&mut json, community, &plan, &loaded.warnings)?;
//! let page: String = view::year::picture(community, &plan, None).html_page();
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What is where
//!
//! - The root: the model and the engine ([`Community`], [`Rhythm`], [`Cadence`],
//!   [`RecurrenceRule`], [`Plan`], [`Occurrence`]) and [`file`](mod@file), the community-file reader.
//! - [`solve`]: meeting times across members' availability, recurring series, `at = "auto"`
//!   placement and pods.
//! - [`ical`]: RFC 5545 feeds out ([`ical::export`]) and members' busy time in ([`ical::import`]).
//! - [`view`]: what `tempi` prints and draws: the agenda, the plan JSON, the year picture.
//! - [`pipeline`]: the steps the `tempi` command joins: rosters, busy calendars, `at = "auto"`,
//!   the plan.
//! - [`search`]: `tempi slots` and `tempi pods` as calls: meeting times and pods for members
//!   with their busy calendars, answers printed as text or JSON.
//! - [`publish`]: a feed set written to a directory whole, swapped in atomically.
//! - [`Error`]: the facade's one error; it wraps the model's ([`CoreError`]), the solver's
//!   ([`solve::Error`]) and the calendar reader's ([`ical::Error`]) as its `source()`.
//!
//! # Crate features
//!
//! | Name | Description | Default? |
//! |---|---|---|
//! | `serde` | `Serialize` on [`Plan`] and its parts, in the shape of docs/plan-json.md | with `toml` |
//! | `toml` | Read community files (TOML) with [`file::parse`]; turns on `serde` | yes |
//! | `view` | [`view`]: the agenda, the plan JSON and the year picture (turns on `toml`) | yes |

pub use tempi_core::*;

mod error;
/// The facade's error: see [`Error`]. It shadows the model's, which is [`CoreError`].
pub use error::Error;
/// The model's and the engine's error: a community file with errors, a
/// bad rule, length or zone, a bound passed while expanding. [`Error::Core`] wraps it.
pub use tempi_core::Error as CoreError;

pub mod pipeline;
#[doc(inline)]
pub use tempi_ical as ical;
#[doc(inline)]
pub use tempi_solve as solve;
#[cfg(feature = "view")]
#[doc(inline)]
pub use tempi_view as view;

pub mod publish;
#[cfg(feature = "view")]
pub mod search;

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
