//! tempi turns a community's rhythms into a calendar people can trust.
//!
//! This facade re-exports the model and engine ([`tempi_core`], at the root), the slot solver
//! ([`solve`]) and the calendar feeds ([`ical`]). Depend on `tempi` alone.
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
//! # Crate features
//!
//! | Name | Description | Default? |
//! |---|---|---|
//! | `serde` | Read community files (TOML) with [`file::parse`] | yes |

pub use tempi_core::*;
pub use tempi_ical as ical;
pub use tempi_solve as solve;

pub mod publish;

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../../../README.md")]
pub struct ReadmeDoctests;
