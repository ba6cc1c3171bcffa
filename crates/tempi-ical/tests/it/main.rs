//! Integration tests for tempi-ical.
//!
//! Modules:
//! - `golden`: exact bytes of small feeds (bless with `UPDATE_GOLDEN=1`), escaping, folding and
//!   injection.
//! - `interop`: feeds expanded by three third-party implementations (Python icalendar +
//!   recurring-ical-events, ical.js, libical; installed by `scripts/ci-setup-interop.sh`) equal
//!   tempi's plan. `#[ignore]`d: run with `-- --ignored`.
//! - `injection`: names and texts that try to break out of a value (line breaks, `BEGIN:VEVENT`,
//!   `;` `,` `\` `"`, multi-byte characters across the fold) read back intact by the third-party
//!   implementation, with no extra component or property.
//! - `expand`: `import::instances`, every occurrence of every event (`tempi expand`).
//! - `identity`: every occurrence keeps one (UID, RECURRENCE-ID) in plans of other windows and
//!   after unrelated edits; a client loading one year's feed after another shows no duplicate.
//! - `forms`: RDATE series carry an RRULE, no lone event spans a DST change, no X-WR-TIMEZONE.
//! - `allday`: all-day and one-off rhythms in feeds: date forms, and export then expand equals the
//!   plan (a property test).
//! - `attendees`: the attendee limit, on both sides.
//! - `publication`: `Publication::write` equals each feed built alone; group and member feeds
//!   carry the documented rhythms; an unknown scope is `InvalidInput`.
//! - `import`: client-shaped fixtures in `tests/data/ical/`, warnings, round trips.
//! - `fuzz_regressions`: inputs the `ics_import` fuzz target (`fuzz/`) found slow or crashing.
//! - `vtimezone`: every zone's VTIMEZONE, expanded by an evaluator of its own, gives chrono-tz's
//!   offset at every transition and over the years around any window.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

mod allday;
mod attendees;
mod expand;
mod forms;
mod fuzz_regressions;
mod golden;
mod identity;
mod import;
mod injection;
mod interop;
mod publication;
mod vtimezone;
