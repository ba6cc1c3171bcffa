//! RFC 5545 feeds for tempi: export a plan as calendars every client expands exactly as tempi
//! did, and import members' busy time from calendar exports.
//!
//! ```
//! # mod tempi { pub use tempi_core::*; pub use tempi_ical as ical; }
//! use tempi::chrono::{NaiveDate, TimeZone, Utc};
//! use tempi::chrono_tz::Europe::Berlin;
//! use tempi::{Category, Community, Group, Member, Rhythm, Scale, Window};
//! use tempi::ical::export::{self, ExportOptions, Scope};
//!
//! let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
//! let mut builder = Community::builder("riverbend", "Riverbend", Berlin, start);
//! for (id, name) in [("ana", "Ana"), ("bo", "Bo"), ("chen", "Chen")] {
//!     builder.member(Member::new(id, name, Berlin));
//! }
//! builder.group(Group::new("pod-a", "Pod A", Scale::Pod).members(["ana", "bo", "chen"]));
//! builder.rhythm(
//!     Rhythm::builder("checkin", "pod-a")
//!         .name("Pod A check-in")
//!         .category(Category::Relational)
//!         .cadence("weekly on tue")
//!         .at("19:00")
//!         .length("90m")
//!         .build()?,
//! );
//! let (community, _warnings) = builder.build()?;
//! let plan = community.plan(Window::year(Berlin, 2027)?)?;
//! let options = ExportOptions::new(Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
//! let feed = export::feed(&community, &plan, Scope::Community, &options)?;
//! assert!(feed.ics.contains("RRULE:FREQ=WEEKLY;BYDAY=TU;UNTIL=20271228T180000Z\r\n"));
//! assert!(feed.ics.contains("UID:checkin@riverbend.tempi\r\n"));
//!
//! // Read it back as busy time.
//! let busy = tempi::ical::import::busy(feed.ics.as_bytes(), Berlin, plan.window())?;
//! assert_eq!(busy.events.len(), 52);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - [`export`]: [`export::Publication`] renders a plan's series once and streams the community's
//!   feed, one per group and one per member ([`export::feeds`] and [`export::feed`] wrap it);
//!   [`export::occurrence_identities`] gives each occurrence its (UID, RECURRENCE-ID), the same
//!   in a plan of any window. Output is deterministic byte for byte: `DTSTAMP` is
//!   [`export::ExportOptions::new`]'s instant, never the clock.
//! - [`import`]: [`import::busy`] reads a calendar export into sorted busy instances and merged
//!   intervals over a window, with warnings for whatever it skipped.
//!
//! The design (why an own writer and parser, how VTIMEZONE is generated, which series forms are
//! used and why) is in `docs/feeds.md`.

mod expand;
pub mod export;
pub mod import;
mod text;
pub mod vtimezone;
mod windows;

/// An error from exporting or importing a calendar.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A feed scope named an id the community does not have. Use an id from the community file.
    #[error("unknown {kind} `{id}`")]
    UnknownId {
        /// `group` or `member`.
        kind: &'static str,
        /// The id as given.
        id: String,
    },
    /// The calendar could not be read at all. The message says what is wrong at `line`.
    #[error("line {line}: {message}")]
    Import {
        /// The 1-based line of the input.
        line: usize,
        /// What is wrong and what would fix it.
        message: String,
    },
}
