//! [`Error`], the facade's one error type.

use std::path::PathBuf;

use tempi_core::BreakOwner;

/// What went wrong in the facade: reading a community file or a calendar, a step of
/// [`pipeline`](crate::pipeline), or publishing files ([`publish`](crate::publish)).
///
/// Errors of the crates below are wrapped, never flattened to text, so [`source`] reaches them:
/// [`Error::Core`] holds the model's and the engine's [`CoreError`](crate::CoreError),
/// [`Error::Solve`] the solver's and [`Error::Import`] the calendar reader's. Messages say what
/// is wrong in the library's terms; a command line adds its flags by matching the variant.
///
/// [`source`]: std::error::Error::source
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A community file could not be read.
    #[error("{shown}: cannot read the community file: {source}")]
    ReadCommunity {
        /// The file as messages name it.
        shown: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A community file is larger than [`file::MAX_FILE_BYTES`](crate::file::MAX_FILE_BYTES).
    #[error(
        "{shown}:1:1: error: the file is {size} bytes, more than the {}-byte limit for community files; split it",
        tempi_core::file::MAX_FILE_BYTES
    )]
    TooLarge {
        /// The file as messages name it.
        shown: String,
        /// Its size (`more than N` when read from a stream).
        size: String,
    },
    /// A community file is not UTF-8; where the first bad byte is.
    #[error(
        "{shown}:{line}:{column}: error: the file is not valid UTF-8 (byte {offset}); save it as UTF-8"
    )]
    NotUtf8 {
        /// The file as messages name it.
        shown: String,
        /// The line of the first byte that is not UTF-8 (from 1).
        line: usize,
        /// Its column, in characters (from 1).
        column: usize,
        /// Its byte offset.
        offset: usize,
    },
    /// A calendar (.ics) could not be read.
    #[error("{shown}: cannot read the calendar: {source}")]
    ReadCalendar {
        /// The file as messages name it.
        shown: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A calendar is larger than [`ical::import::MAX_INPUT_BYTES`](crate::ical::import::MAX_INPUT_BYTES).
    #[error(
        "{shown}:1: error: the calendar is {size} bytes, more than the {}-byte limit; export a shorter date range",
        tempi_ical::import::MAX_INPUT_BYTES
    )]
    CalendarTooLarge {
        /// The file as messages name it.
        shown: String,
        /// Its size (`more than N` when read from a stream).
        size: String,
    },
    /// A group id the community does not have.
    #[error("{}", tempi_core::suggest::unknown("group", id, known))]
    UnknownGroup {
        /// The id as given.
        id: String,
        /// The community's group ids, in file order.
        known: Vec<String>,
    },
    /// A member id the community does not have.
    #[error("{}", tempi_core::suggest::unknown("member", id, known))]
    UnknownMember {
        /// The id as given.
        id: String,
        /// Up to three close ids, best first.
        suggestions: Vec<String>,
        /// The community's member ids, in file order.
        known: Vec<String>,
    },
    /// A search was asked to find a time for no one (an empty member list or group).
    #[error("no members to find a time for")]
    NoMembers,
    /// A date range that ends before it starts.
    #[error("the last day {to} is before the first day {from}; give a range that runs forwards")]
    Backwards {
        /// The first day.
        from: tempi_core::chrono::NaiveDate,
        /// The last day.
        to: tempi_core::chrono::NaiveDate,
    },
    /// A window of a year from a day that would end past the calendar's range.
    #[error("a year from {from} is out of range")]
    YearFrom {
        /// The first day.
        from: tempi_core::chrono::NaiveDate,
    },
    /// A member's busy calendar could not be read.
    #[error(
        "member `{member}`: cannot read the busy calendar {}: {source}; fix the path in `busy` (it is relative to the community file)",
        path.display()
    )]
    ReadBusy {
        /// The member whose `busy` entry names the file.
        member: String,
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// A calendar is not one tempi can read: a member's busy calendar (with the member), or a
    /// calendar read on its own ([`pipeline::read_calendar`](crate::pipeline::read_calendar);
    /// `member` is then empty).
    #[error("{}: {source}", path.display())]
    Import {
        /// The member whose `busy` entry names the file.
        member: String,
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        #[source]
        source: tempi_ical::Error,
    },
    /// A holiday calendar could not be read.
    #[error(
        "{owner}: cannot read the holiday calendar {}: {source}; fix the path in `holidays` (it is relative to the community file)",
        path.display()
    )]
    ReadHolidays {
        /// Whose `holidays` entry names the file.
        owner: BreakOwner,
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        #[source]
        source: std::io::Error,
    },
    /// A holiday calendar is not a calendar tempi can read.
    #[error("{}: {source}", path.display())]
    ImportHolidays {
        /// Whose `holidays` entry names the file.
        owner: BreakOwner,
        /// The file.
        path: PathBuf,
        /// What is wrong, with its line.
        #[source]
        source: tempi_ical::Error,
    },
    /// The community with its holidays as breaks did not build again.
    #[error("the holidays could not be added as breaks: {0}")]
    Holidays(#[source] tempi_core::Error),
    /// The solver failed: placing `at = "auto"` rhythms, forming mixers, a slot or pod search.
    #[error(transparent)]
    Solve(#[from] tempi_solve::Error),
    /// The model or the engine failed: a community file with errors, a value out of range, a
    /// bound passed while expanding a plan.
    #[error(transparent)]
    Core(#[from] tempi_core::Error),
    /// A directory exists and is not a feed set tempi may replace ([`publish`](crate::publish)).
    #[error(
        "{dir} {reason}; tempi replaces the whole feed directory on every run, so it only writes into an empty directory or one it published itself (with {}); choose another directory",
        crate::publish::MANIFEST
    )]
    NotAFeedSet {
        /// The directory.
        dir: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// `SOURCE_DATE_EPOCH` is set but is not whole seconds since 1970.
    #[error("SOURCE_DATE_EPOCH is `{value}`; set it to whole seconds since 1970, e.g. 1798761600")]
    SourceDateEpoch {
        /// The variable's value.
        value: String,
    },
    /// Another run holds the feed directory's lock.
    #[error("another tempi run is publishing to {dir}; try again when it finishes")]
    Busy {
        /// The directory.
        dir: PathBuf,
    },
    /// An id cannot be a file name.
    #[error("cannot name a feed file after the id `{id}`: {reason}")]
    BadName {
        /// The id, escaped.
        id: String,
        /// Why not.
        reason: String,
    },
    /// Two feeds would share a file on a case-insensitive disk.
    #[error(
        "the feeds {first} and {second} would share one file on a case-insensitive disk; rename one"
    )]
    Collision {
        /// The feed added first.
        first: String,
        /// The feed that clashes with it.
        second: String,
    },
    /// A filesystem operation failed while publishing or writing a file.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done ("write", "lock", …).
        action: &'static str,
        /// On what.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}
