//! The community model: members, groups and their scales, rhythms, commitments, roles.
//!
//! Build a [`Community`] in code with [`Community::builder`], or read one from a community file
//! (`tempi::file`, feature `toml`). Both go through the same validation in
//! [`CommunityBuilder::build`], which reports every problem at once, each with its [`Place`].

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;

use crate::breaks::RhythmBreaks;
pub use crate::breaks::{Break, BreakOwner, OnBreak};
use crate::cadence::Cadence;
use crate::error::{Error, ValueKind};
use crate::time::Length;

/// A person in the community.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) zone: Tz,
    pub(crate) email: Option<String>,
    pub(crate) availability: Vec<WeeklyWindow>,
    pub(crate) away: Vec<(NaiveDate, NaiveDate)>,
    pub(crate) extra: Vec<DateWindow>,
    pub(crate) preferred: Option<LocalHours>,
    pub(crate) avoid: Vec<Weekday>,
    pub(crate) busy: Vec<String>,
    pub(crate) breaks: Vec<Break>,
    pub(crate) holidays: Vec<String>,
}

impl Member {
    /// A member with an id (letters, digits, `-`, `_`, `.`), a display name and a home zone.
    pub fn new(id: impl Into<String>, name: impl Into<String>, zone: Tz) -> Member {
        Member {
            id: id.into(),
            name: name.into(),
            zone,
            email: None,
            availability: Vec::new(),
            away: Vec::new(),
            extra: Vec::new(),
            preferred: None,
            avoid: Vec::new(),
            busy: Vec::new(),
            breaks: Vec::new(),
            holidays: Vec::new(),
        }
    }

    /// Marks the local dates `from..=to` as away: no availability on those days, whatever the
    /// weekly windows say (a date override, like a 0-length override in Cal.com).
    pub fn away(mut self, from: NaiveDate, to: NaiveDate) -> Member {
        self.away.push((from, to));
        self
    }

    /// Adds availability on one date, beyond the weekly windows (a date override).
    pub fn extra_window(mut self, window: DateWindow) -> Member {
        self.extra.push(window);
        self
    }

    /// Sets the hours the member prefers to meet in, local time (a soft preference).
    pub fn prefer_hours(mut self, hours: LocalHours) -> Member {
        self.preferred = Some(hours);
        self
    }

    /// Adds a weekday the member would rather not meet on (a soft preference).
    pub fn avoid_day(mut self, weekday: Weekday) -> Member {
        if !self.avoid.contains(&weekday) {
            self.avoid.push(weekday);
        }
        self
    }

    /// Adds a busy calendar (`.ics`) by path, relative to the community file. The core never
    /// reads it; the CLI reads it through `tempi-ical`.
    pub fn busy_file(mut self, path: impl Into<String>) -> Member {
        self.busy.push(path.into());
        self
    }

    /// The date ranges (inclusive) the member is away.
    pub fn away_dates(&self) -> &[(NaiveDate, NaiveDate)] {
        &self.away
    }

    /// Availability on particular dates, beyond the weekly windows.
    pub fn extra_windows(&self) -> &[DateWindow] {
        &self.extra
    }

    /// The hours the member prefers, if given.
    pub fn preferred_hours(&self) -> Option<LocalHours> {
        self.preferred
    }

    /// The weekdays the member would rather not meet on.
    pub fn avoided_days(&self) -> &[Weekday] {
        &self.avoid
    }

    /// The busy calendars' paths, as written.
    pub fn busy_files(&self) -> &[String] {
        &self.busy
    }

    /// Sets the member's email address (used for calendar invitations).
    pub fn email(mut self, email: impl Into<String>) -> Member {
        self.email = Some(email.into());
        self
    }

    /// Adds a weekly availability window in the member's local time.
    pub fn window(mut self, window: WeeklyWindow) -> Member {
        self.availability.push(window);
        self
    }

    /// Adds weekly availability windows in the member's local time, e.g. all five that
    /// [`WeeklyWindow::parse_many`] makes of `"mon-fri 09:00-17:00"`.
    pub fn windows(mut self, windows: impl IntoIterator<Item = WeeklyWindow>) -> Member {
        self.availability.extend(windows);
        self
    }

    /// Adds weekly availability written as in a community file: `"mon-fri 19:00-22:00"`,
    /// `"sat,sun 10:00-14:00"`, one window for each day named.
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::chrono_tz::Europe::Berlin;
    /// use tempi::Member;
    ///
    /// let ana = Member::new("ana", "Ana", Berlin).available("mon-fri 19:00-22:00")?;
    /// assert_eq!(ana.availability().len(), 5);
    /// # Ok::<(), tempi::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::Value`] when the text is not days and hours.
    pub fn available(self, text: &str) -> Result<Member, Error> {
        Ok(self.windows(WeeklyWindow::parse_many(text)?))
    }

    /// The member's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The member's display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The member's home zone.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The member's email address, if known.
    pub fn email_address(&self) -> Option<&str> {
        self.email.as_deref()
    }

    /// The member's weekly availability windows, in local time.
    pub fn availability(&self) -> &[WeeklyWindow] {
        &self.availability
    }
}

/// A weekly window of availability in a member's local time, e.g. Tuesdays 18:00–21:00.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WeeklyWindow {
    weekday: Weekday,
    start_minute: u16,
    end_minute: u16,
}

impl WeeklyWindow {
    /// A window on `weekday` from `start` to `end` (local time). `end` of `None` means midnight
    /// at the end of the day.
    ///
    /// # Errors
    /// When the window is empty or runs backwards.
    pub fn new(
        weekday: Weekday,
        start: NaiveTime,
        end: Option<NaiveTime>,
    ) -> Result<WeeklyWindow, Error> {
        let (start_minute, end_minute) =
            minute_span(start, end).map_err(|e| Error::value(ValueKind::WeeklyWindow, e))?;
        Ok(WeeklyWindow { weekday, start_minute, end_minute })
    }

    /// The weekday.
    pub fn weekday(&self) -> Weekday {
        self.weekday
    }

    /// Minutes after local midnight the window opens.
    pub fn start_minute(&self) -> u16 {
        self.start_minute
    }

    /// Minutes after local midnight the window closes (1440 = midnight).
    pub fn end_minute(&self) -> u16 {
        self.end_minute
    }

    /// Parses `"mon-fri 09:00-17:00"`, `"sat,sun 10:00-14:00"` or `"tue 18:00-24:00"` into one
    /// window per day.
    ///
    /// # Errors
    /// When the text is not in that form.
    pub fn parse_many(text: &str) -> Result<Vec<WeeklyWindow>, Error> {
        WeeklyWindow::parse_text(text).map_err(|e| Error::value(ValueKind::WeeklyWindow, e))
    }

    fn parse_text(text: &str) -> Result<Vec<WeeklyWindow>, String> {
        let bad = || {
            format!(
                "`{text}` is not an availability window; write days and hours, e.g. \"mon-fri 09:00-17:00\" or \"sat,sun 10:00-13:00\""
            )
        };
        let mut parts = text.split_whitespace();
        let (Some(days), Some(hours), None) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        let mut weekdays = Vec::new();
        for item in days.split(',') {
            match item.split_once('-') {
                Some((from, to)) => {
                    let from = weekday_name(from).ok_or_else(bad)?;
                    let to = weekday_name(to).ok_or_else(bad)?;
                    let mut day = from;
                    for _ in 0..7 {
                        weekdays.push(day);
                        if day == to {
                            break;
                        }
                        day = day.succ();
                    }
                }
                None => weekdays.push(weekday_name(item).ok_or_else(bad)?),
            }
        }
        let (start, end) = hours.split_once('-').ok_or_else(bad)?;
        let why = |reason: String| format!("`{text}` is not an availability window: {reason}");
        let start = match crate::time::clock_time(start, false).map_err(why)? {
            Some(start) => start,
            None => return Err(why("a window cannot start at 24:00; start it at 00:00".into())),
        };
        let end = crate::time::clock_time(end, true).map_err(why)?;
        let (start_minute, end_minute) = minute_span(start, end)?;
        Ok(weekdays
            .into_iter()
            .map(|weekday| WeeklyWindow { weekday, start_minute, end_minute })
            .collect())
    }
}

/// A span of local hours within one day, e.g. 10:00-17:00 (a member's preferred hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LocalHours {
    start_minute: u16,
    end_minute: u16,
}

impl LocalHours {
    /// The hours from `start` to `end` (`None`: midnight at the end of the day).
    ///
    /// # Errors
    /// When the span is empty or runs backwards.
    pub fn new(start: NaiveTime, end: Option<NaiveTime>) -> Result<LocalHours, Error> {
        let (start_minute, end_minute) =
            minute_span(start, end).map_err(|e| Error::value(ValueKind::Hours, e))?;
        Ok(LocalHours { start_minute, end_minute })
    }

    /// Minutes after local midnight the span opens.
    pub fn start_minute(&self) -> u16 {
        self.start_minute
    }

    /// Minutes after local midnight the span closes (1440 = midnight).
    pub fn end_minute(&self) -> u16 {
        self.end_minute
    }

    /// Parses `"10:00-17:00"` (the end may be `24:00`).
    ///
    /// # Errors
    /// When the text is not in that form.
    pub fn parse(text: &str) -> Result<LocalHours, Error> {
        LocalHours::parse_text(text).map_err(|e| Error::value(ValueKind::Hours, e))
    }

    fn parse_text(text: &str) -> Result<LocalHours, String> {
        let bad = || format!("`{text}` is not a span of hours; write e.g. \"10:00-17:00\"");
        let (start, end) = text.trim().split_once('-').ok_or_else(bad)?;
        let why = |reason: String| format!("`{text}` is not a span of hours: {reason}");
        let start = match crate::time::clock_time(start, false).map_err(why)? {
            Some(start) => start,
            None => return Err(why("a span cannot start at 24:00; start it at 00:00".into())),
        };
        let end = crate::time::clock_time(end, true).map_err(why)?;
        let (start_minute, end_minute) = minute_span(start, end)?;
        Ok(LocalHours { start_minute, end_minute })
    }
}

/// Availability on one date in a member's local time, beyond the weekly windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateWindow {
    date: NaiveDate,
    hours: LocalHours,
}

impl DateWindow {
    /// Available on `date` during `hours`.
    pub fn new(date: NaiveDate, hours: LocalHours) -> DateWindow {
        DateWindow { date, hours }
    }

    /// The local date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The hours on that date.
    pub fn hours(&self) -> LocalHours {
        self.hours
    }

    /// Parses `"2027-03-20 10:00-12:00"`.
    ///
    /// # Errors
    /// When the text is not in that form.
    pub fn parse(text: &str) -> Result<DateWindow, Error> {
        DateWindow::parse_text(text).map_err(|e| Error::value(ValueKind::DateWindow, e))
    }

    fn parse_text(text: &str) -> Result<DateWindow, String> {
        let bad = || {
            format!(
                "`{text}` is not a dated window; write a date and hours, e.g. \"2027-03-20 10:00-12:00\""
            )
        };
        let (date, hours) = text.trim().split_once(' ').ok_or_else(bad)?;
        let date = NaiveDate::parse_from_str(date, "%Y-%m-%d").map_err(|_| bad())?;
        Ok(DateWindow { date, hours: LocalHours::parse_text(hours)? })
    }
}

/// A window's minutes after local midnight (`end` of `None`: midnight at the end of the day),
/// or why it is empty.
fn minute_span(start: NaiveTime, end: Option<NaiveTime>) -> Result<(u16, u16), String> {
    use chrono::Timelike;
    let start_minute = u16::try_from(start.hour() * 60 + start.minute()).unwrap_or(0);
    let end_minute = match end {
        Some(end) => u16::try_from(end.hour() * 60 + end.minute()).unwrap_or(0),
        None => 24 * 60,
    };
    if end_minute <= start_minute {
        return Err(format!(
            "the window {} ends before it starts; windows cannot cross midnight, split it in two",
            format_window(start_minute, end_minute)
        ));
    }
    Ok((start_minute, end_minute))
}

fn format_window(start: u16, end: u16) -> String {
    format!("{:02}:{:02}-{:02}:{:02}", start / 60, start % 60, end / 60, end % 60)
}

fn weekday_name(text: &str) -> Option<Weekday> {
    Some(match text.to_ascii_lowercase().as_str() {
        "mon" | "monday" => Weekday::Mon,
        "tue" | "tuesday" => Weekday::Tue,
        "wed" | "wednesday" => Weekday::Wed,
        "thu" | "thursday" => Weekday::Thu,
        "fri" | "friday" => Weekday::Fri,
        "sat" | "saturday" => Weekday::Sat,
        "sun" | "sunday" => Weekday::Sun,
        _ => return None,
    })
}

/// The size of a group, along Dunbar's layers, in the community's own words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scale {
    /// Two people.
    Dyad,
    /// About 5 people (3 to 8); the community also says crew or home group.
    Pod,
    /// About 15 people (8 to 30).
    Circle,
    /// About 50 to 150 people (tempi accepts 20 to 250 without a warning).
    Congregation,
    /// A network of congregations (20 people or more).
    Network,
    /// An explicit size range.
    Range {
        /// The smallest expected size.
        min: u32,
        /// The largest expected size.
        max: u32,
    },
}

impl Scale {
    /// The sizes this scale expects; a group outside them gets a warning.
    pub fn expected_sizes(self) -> (u32, u32) {
        match self {
            Scale::Dyad => (2, 2),
            Scale::Pod => (3, 8),
            Scale::Circle => (8, 30),
            Scale::Congregation => (20, 250),
            Scale::Network => (20, u32::MAX),
            Scale::Range { min, max } => (min, max),
        }
    }

    /// How deep the scale sits: networks (0) contain congregations (1), circles (2), pods (3) and
    /// dyads (4). Explicit ranges sit by their upper bound.
    pub fn depth(self) -> u8 {
        match self {
            Scale::Network => 0,
            Scale::Congregation => 1,
            Scale::Circle => 2,
            Scale::Pod => 3,
            Scale::Dyad => 4,
            Scale::Range { max, .. } => match max {
                0..=2 => 4,
                3..=8 => 3,
                9..=30 => 2,
                31..=250 => 1,
                _ => 0,
            },
        }
    }
}

impl FromStr for Scale {
    type Err = Error;

    fn from_str(text: &str) -> Result<Scale, Error> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "dyad" | "pair" => Scale::Dyad,
            "pod" | "crew" | "home group" | "home-group" => Scale::Pod,
            "circle" => Scale::Circle,
            "congregation" => Scale::Congregation,
            "network" => Scale::Network,
            other => {
                if let Some((min, max)) = other.split_once("..") {
                    let min: u32 = min.trim().parse().map_err(|_| scale_error(text))?;
                    let max: u32 = max
                        .trim()
                        .trim_start_matches('=')
                        .parse()
                        .map_err(|_| scale_error(text))?;
                    if min == 0 || max < min {
                        return Err(Error::value(
                            ValueKind::Scale,
                            format!(
                                "the size range `{text}` is empty; write min..max with 1 <= min <= max, e.g. \"4..6\""
                            ),
                        ));
                    }
                    return Ok(Scale::Range { min, max });
                }
                return Err(scale_error(text));
            }
        })
    }
}

fn scale_error(text: &str) -> Error {
    Error::value(
        ValueKind::Scale,
        format!(
            "`{text}` is not a scale; use dyad, pod (or crew, home group), circle, congregation, network, or a size range such as \"4..6\""
        ),
    )
}

impl fmt::Display for Scale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scale::Dyad => f.write_str("dyad"),
            Scale::Pod => f.write_str("pod"),
            Scale::Circle => f.write_str("circle"),
            Scale::Congregation => f.write_str("congregation"),
            Scale::Network => f.write_str("network"),
            Scale::Range { min, max } => write!(f, "{min}..{max}"),
        }
    }
}

/// A group of members that meets in rhythm: a pod, a circle, a congregation, a network.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) scale: Scale,
    pub(crate) members: Vec<String>,
    pub(crate) part_of: Option<String>,
    pub(crate) breaks: Vec<Break>,
    pub(crate) holidays: Vec<String>,
}

/// The break and holiday-calendar methods [`Member`] and [`Group`] share, with docs that say
/// whose breaks they are.
macro_rules! break_methods {
    ($ty:ident, with_break: $with_break:literal, holidays_file: $holidays_file:literal,
     breaks: $breaks:literal, holiday_files: $holiday_files:literal) => {
        impl $ty {
            #[doc = $with_break]
            pub fn with_break(mut self, b: Break) -> $ty {
                self.breaks.push(b);
                self
            }

            #[doc = $holidays_file]
            pub fn holidays_file(mut self, path: impl Into<String>) -> $ty {
                self.holidays.push(path.into());
                self
            }

            #[doc = $breaks]
            pub fn breaks(&self) -> &[Break] {
                &self.breaks
            }

            #[doc = $holiday_files]
            pub fn holiday_files(&self) -> &[String] {
                &self.holidays
            }
        }
    };
}

break_methods!(
    Member,
    with_break: "Adds a personal break: the member's groups still meet, without them (see\n[`crate::breaks`]).",
    holidays_file: "Adds a public-holiday calendar (`.ics`) by path, relative to the community file; the\npipeline reads it and adds each all-day event as a personal break.",
    breaks: "The member's personal breaks.",
    holiday_files: "The member's holiday calendars' paths, as written."
);

break_methods!(
    Group,
    with_break: "Adds a break: the group's rhythms, and its subgroups', do not meet in it (see\n[`crate::breaks`]).",
    holidays_file: "Adds a public-holiday calendar (`.ics`) by path, relative to the community file; the\npipeline reads it and adds each all-day event as a break of the group.",
    breaks: "The group's own breaks.",
    holiday_files: "The group's holiday calendars' paths, as written."
);

impl Group {
    /// A group with no members yet.
    pub fn new(id: impl Into<String>, name: impl Into<String>, scale: Scale) -> Group {
        Group {
            id: id.into(),
            name: name.into(),
            scale,
            members: Vec::new(),
            part_of: None,
            breaks: Vec::new(),
            holidays: Vec::new(),
        }
    }

    /// Adds members by id.
    pub fn members<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Group {
        self.members.extend(ids.into_iter().map(Into::into));
        self
    }

    /// Makes this group part of a larger one (a pod inside a congregation).
    pub fn part_of(mut self, parent: impl Into<String>) -> Group {
        self.part_of = Some(parent.into());
        self
    }

    /// The group's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The group's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's scale.
    pub fn scale(&self) -> Scale {
        self.scale
    }

    /// The ids of the members listed directly in this group.
    pub fn direct_members(&self) -> &[String] {
        &self.members
    }

    /// The id of the larger group this one is part of.
    pub fn parent(&self) -> Option<&str> {
        self.part_of.as_deref()
    }
}

/// What kind of rhythm this is, in the community's four tempos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "serde", derive(serde::Serialize), serde(rename_all = "lowercase"))]
pub enum Category {
    /// Peer support, calls, retreats.
    Relational,
    /// Planning cycles and strategy.
    Planning,
    /// Sprints and working sessions.
    Working,
    /// Retrospectives and learning.
    Learning,
}

impl Category {
    /// The lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Relational => "relational",
            Category::Planning => "planning",
            Category::Working => "working",
            Category::Learning => "learning",
        }
    }
}

impl FromStr for Category {
    type Err = Error;

    fn from_str(text: &str) -> Result<Category, Error> {
        Ok(match text.trim().to_ascii_lowercase().as_str() {
            "relational" => Category::Relational,
            "planning" => Category::Planning,
            "working" => Category::Working,
            "learning" => Category::Learning,
            _ => {
                return Err(Error::value(
                    ValueKind::Category,
                    format!(
                        "`{text}` is not a category; use relational, planning, working or learning"
                    ),
                ));
            }
        })
    }
}

/// Where an offset rhythm measures from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Edge {
    /// The other rhythm's start.
    Start,
    /// The other rhythm's end.
    End,
}

/// A rhythm timed from another's occurrences: "the Friday before each quarterly planning", "the day
/// after each cycle ends". Make one with [`Offset::new`].
///
/// ```
/// # mod tempi { pub use tempi_core::*; }
/// use tempi::{Edge, Offset};
/// use tempi::chrono::Weekday;
///
/// // "The Friday before each quarterly planning."
/// let prep = Offset::new("planning", Edge::Start, -1).on_weekday(Weekday::Fri);
/// assert_eq!((prep.days, prep.weekday), (-1, Some(Weekday::Fri)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Offset {
    /// The rhythm measured from.
    pub rhythm: String,
    /// Its start or its end.
    pub from: Edge,
    /// Days to add (negative: before) to the local date of that edge.
    pub days: i32,
    /// Then move to this weekday: backwards when `days` is negative, forwards otherwise.
    pub weekday: Option<Weekday>,
}

impl Offset {
    /// `days` days (negative: before) from the `from` edge of each occurrence of `rhythm`.
    pub fn new(rhythm: impl Into<String>, from: Edge, days: i32) -> Offset {
        Offset { rhythm: rhythm.into(), from, days, weekday: None }
    }

    /// Then moves to `weekday`: backwards when `days` is negative, forwards otherwise.
    #[must_use]
    pub fn on_weekday(mut self, weekday: Weekday) -> Offset {
        self.weekday = Some(weekday);
        self
    }
}

/// How much of another rhythm's time counts as a clash for [`Except`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClashScope {
    /// Only overlapping time.
    Span,
    /// Any local calendar day the other rhythm touches.
    Day,
    /// Any ISO week the other rhythm touches ("pods skip the retreat week").
    Week,
}

/// "Except where it clashes with another rhythm."
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Except {
    /// The rhythm yielded to.
    pub rhythm: String,
    /// What counts as a clash.
    pub scope: ClashScope,
}

/// "The nth occurrence after each occurrence of another rhythm."
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct NthAfter {
    /// The other rhythm.
    pub rhythm: String,
    /// 1 = the first occurrence after each of the other's.
    pub nth: u32,
}

/// When a rhythm's occurrence loses a clash: skip it, or shift it to the nearest free day in the
/// same week (and skip it if there is none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum ClashPolicy {
    /// Cancel the occurrence, recording why.
    #[default]
    Skip,
    /// Move it to the nearest free day in the same ISO week.
    Shift,
}

/// How a time-limited commitment renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Renewal {
    /// Renewed after every retrospective, for as long as the plan looks.
    #[default]
    Ongoing,
    /// Renewed this many times (0 = a single run).
    Times(u32),
    /// Renewed while a new cycle would start on or before this date.
    Until(NaiveDate),
}

/// A time-limited commitment: "weekly for 6 weeks", then a retrospective that decides to
/// continue, change or stop. Make one with [`Commitment::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Commitment {
    /// Meetings in each cycle, before its retrospective.
    pub meetings: u32,
    /// The retrospective's length, if it differs from the rhythm's.
    pub retrospective: Option<Length>,
    /// How the commitment renews.
    pub renewal: Renewal,
}

impl Commitment {
    /// A commitment of `meetings` meetings a cycle, then a retrospective as long as the rhythm's
    /// meetings, renewed for as long as the plan looks ([`Renewal::Ongoing`]).
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::{Commitment, Renewal};
    /// // "Weekly for six weeks, then a two-hour retrospective; one renewal."
    /// let six_weeks = Commitment::new(6).retrospective("2h".parse()?).renewal(Renewal::Times(1));
    /// assert_eq!(six_weeks.meetings, 6);
    /// # Ok::<(), tempi::Error>(())
    /// ```
    pub fn new(meetings: u32) -> Commitment {
        Commitment { meetings, retrospective: None, renewal: Renewal::Ongoing }
    }

    /// Gives the retrospective its own length.
    #[must_use]
    pub fn retrospective(mut self, length: Length) -> Commitment {
        self.retrospective = Some(length);
        self
    }

    /// Sets how the commitment renews.
    #[must_use]
    pub fn renewal(mut self, renewal: Renewal) -> Commitment {
        self.renewal = renewal;
        self
    }
}

/// Who holds a hosting duty.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Holder {
    /// Rotates over the rhythm's attendees, in the order the file lists them.
    Rotating,
    /// Always this member.
    Fixed(String),
}

/// A hosting duty for each occurrence (facilitator, timekeeper, host, note-taker…).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Role {
    /// The duty's name.
    pub name: String,
    /// Who holds it.
    pub holder: Holder,
}

impl Role {
    /// A rotating duty.
    pub fn rotating(name: impl Into<String>) -> Role {
        Role { name: name.into(), holder: Holder::Rotating }
    }

    /// A duty with a fixed holder.
    pub fn fixed(name: impl Into<String>, member: impl Into<String>) -> Role {
        Role { name: name.into(), holder: Holder::Fixed(member.into()) }
    }
}

/// The presence a meeting needs to go ahead (its quorum), used by the solver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Presence {
    /// At least this many attendees.
    Count(u32),
    /// At least this percentage of attendees (1–100).
    Percent(u8),
}

/// Who attends a rhythm of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Attendance {
    /// The group's members and its subgroups' members.
    #[default]
    WithSubgroups,
    /// Only the members listed in the group itself.
    Direct,
}

/// How a rhythm's occurrences are timed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[allow(clippy::large_enum_variant, reason = "one per rhythm, never stored in bulk")]
#[non_exhaustive]
pub enum Timing {
    /// By its own cadence.
    Cadence(Cadence),
    /// From another rhythm's occurrences.
    Offset(Offset),
}

/// A rhythm: a group meeting on a cadence, possibly composed with other rhythms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rhythm {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) group: String,
    pub(crate) category: Category,
    pub(crate) timing: Timing,
    pub(crate) at: NaiveTime,
    pub(crate) length: Length,
    pub(crate) zone: Option<Tz>,
    pub(crate) start: Option<NaiveDate>,
    pub(crate) end: Option<NaiveDate>,
    pub(crate) commitment: Option<Commitment>,
    pub(crate) roles: Vec<Role>,
    pub(crate) presence: Option<Presence>,
    pub(crate) priority: i32,
    pub(crate) intention: Option<String>,
    pub(crate) attendance: Attendance,
    pub(crate) within: Option<String>,
    pub(crate) except: Vec<Except>,
    pub(crate) after: Option<NthAfter>,
    pub(crate) on_clash: ClashPolicy,
    pub(crate) auto: bool,
    pub(crate) on_break: OnBreak,
    /// All-day: whole local days from midnight, no time of day (see [`Rhythm::all_day`]).
    pub(crate) all_day: bool,
    pub(crate) mix: Option<Mix>,
}

impl Rhythm {
    /// A rhythm of `group` with the given timing, at `at` local time for `length`, with the
    /// facilitator role. Outside the crate, [`Rhythm::builder`] names each part.
    pub(crate) fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        group: impl Into<String>,
        category: Category,
        timing: impl Into<Timing>,
        at: NaiveTime,
        length: Length,
    ) -> Rhythm {
        Rhythm {
            id: id.into(),
            name: name.into(),
            group: group.into(),
            category,
            timing: timing.into(),
            at,
            length,
            zone: None,
            start: None,
            end: None,
            commitment: None,
            roles: vec![Role::rotating("facilitator")],
            presence: None,
            priority: 0,
            intention: None,
            attendance: Attendance::default(),
            within: None,
            except: Vec::new(),
            after: None,
            on_clash: ClashPolicy::default(),
            auto: false,
            on_break: OnBreak::default(),
            all_day: false,
            mix: None,
        }
    }

    /// What a break of the community or of its groups does to an occurrence in it (default:
    /// cancel).
    pub fn on_break(mut self, policy: OnBreak) -> Rhythm {
        self.on_break = policy;
        self
    }

    /// What a break does to the rhythm's occurrences.
    pub fn break_policy(&self) -> OnBreak {
        self.on_break
    }

    /// Starts a rhythm of `group` with the id `id`; see [`RhythmBuilder`].
    pub fn builder(id: impl Into<String>, group: impl Into<String>) -> RhythmBuilder {
        RhythmBuilder {
            id: id.into(),
            group: group.into(),
            name: None,
            category: Category::Relational,
            timing: None,
            at: None,
            length: None,
            auto: false,
            error: None,
        }
    }

    /// Leaves the time to the solver (`at = "auto"` in a community file): `tempi::solve::place`
    /// chooses it. Until placed, the engine skips the rhythm with a plan warning.
    pub fn auto(mut self) -> Rhythm {
        self.auto = true;
        self
    }

    /// Whether the rhythm waits for the solver to choose its time.
    pub fn is_auto(&self) -> bool {
        self.auto
    }

    /// The rhythm's own first date, if it names one (else the community's start applies).
    pub fn start_date(&self) -> Option<NaiveDate> {
        self.start
    }

    /// The rhythm's last date, if any.
    pub fn end_date(&self) -> Option<NaiveDate> {
        self.end
    }

    /// Gives the rhythm its solved time: sets `at` and clears [`Rhythm::auto`].
    pub fn placed_at(mut self, at: NaiveTime) -> Rhythm {
        self.at = at;
        self.auto = false;
        self
    }

    /// Anchors the rhythm's wall-clock time in `zone` (default: the community's zone).
    pub fn zone(mut self, zone: Tz) -> Rhythm {
        self.zone = Some(zone);
        self
    }

    /// The first date the rhythm may occur (default: the community's start).
    pub fn starting(mut self, date: NaiveDate) -> Rhythm {
        self.start = Some(date);
        self
    }

    /// The last date the rhythm may occur.
    pub fn ending(mut self, date: NaiveDate) -> Rhythm {
        self.end = Some(date);
        self
    }

    /// Makes the rhythm a time-limited commitment.
    pub fn commitment(mut self, commitment: Commitment) -> Rhythm {
        self.commitment = Some(commitment);
        self
    }

    /// Replaces the rhythm's hosting duties.
    pub fn roles(mut self, roles: Vec<Role>) -> Rhythm {
        self.roles = roles;
        self
    }

    /// Sets the quorum.
    pub fn presence(mut self, presence: Presence) -> Rhythm {
        self.presence = Some(presence);
        self
    }

    /// Sets the priority (higher wins a clash; default 0, then the slower tempo wins).
    pub fn priority(mut self, priority: i32) -> Rhythm {
        self.priority = priority;
        self
    }

    /// Sets the intention text.
    pub fn intention(mut self, text: impl Into<String>) -> Rhythm {
        self.intention = Some(text.into());
        self
    }

    /// Sets who attends.
    pub fn attendance(mut self, attendance: Attendance) -> Rhythm {
        self.attendance = attendance;
        self
    }

    /// Keeps only occurrences that lie inside another rhythm's spans.
    pub fn within(mut self, rhythm: impl Into<String>) -> Rhythm {
        self.within = Some(rhythm.into());
        self
    }

    /// Yields to another rhythm where they clash.
    pub fn except(mut self, rhythm: impl Into<String>, scope: ClashScope) -> Rhythm {
        self.except.push(Except { rhythm: rhythm.into(), scope });
        self
    }

    /// Keeps only the nth occurrence after each occurrence of another rhythm.
    pub fn nth_after(mut self, rhythm: impl Into<String>, nth: u32) -> Rhythm {
        self.after = Some(NthAfter { rhythm: rhythm.into(), nth });
        self
    }

    /// What happens to an occurrence that loses a clash.
    pub fn on_clash(mut self, policy: ClashPolicy) -> Rhythm {
        self.on_clash = policy;
        self
    }

    /// The rhythm's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The rhythm's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The group's id.
    pub fn group(&self) -> &str {
        &self.group
    }

    /// The category.
    pub fn category(&self) -> Category {
        self.category
    }

    /// How the rhythm is timed.
    pub fn timing(&self) -> &Timing {
        &self.timing
    }

    /// Local start time.
    pub fn at(&self) -> NaiveTime {
        self.at
    }

    /// Length of each occurrence.
    pub fn length(&self) -> Length {
        self.length
    }

    /// The commitment, if time-limited.
    pub fn commitment_terms(&self) -> Option<&Commitment> {
        self.commitment.as_ref()
    }

    /// The hosting duties.
    pub fn role_list(&self) -> &[Role] {
        &self.roles
    }

    /// The quorum, if set.
    pub fn presence_needed(&self) -> Option<Presence> {
        self.presence
    }

    /// The priority.
    pub fn priority_value(&self) -> i32 {
        self.priority
    }

    /// The intention text.
    pub fn intention_text(&self) -> Option<&str> {
        self.intention.as_deref()
    }
}

/// All-day rhythms: whole local days, no time of day.
impl Rhythm {
    /// Makes the rhythm all-day: each occurrence covers whole local days of the rhythm's zone,
    /// from midnight for [`Rhythm::length`] (which must be whole days, e.g. `"3d"`), and feeds
    /// write it as dates (`VALUE=DATE`). Sets the time of day to midnight.
    pub fn all_day(mut self) -> Rhythm {
        self.all_day = true;
        self.at = NaiveTime::MIN;
        self
    }

    /// Whether the rhythm is all-day.
    pub fn is_all_day(&self) -> bool {
        self.all_day
    }

    /// How many days each occurrence of an all-day rhythm covers (`None` for a timed rhythm).
    pub fn all_day_days(&self) -> Option<u32> {
        self.all_day.then(|| (self.length.minutes() / (24 * 60)).max(1))
    }
}

impl From<Cadence> for Timing {
    fn from(cadence: Cadence) -> Timing {
        Timing::Cadence(cadence)
    }
}

impl From<Offset> for Timing {
    fn from(offset: Offset) -> Timing {
        Timing::Offset(offset)
    }
}

/// Builds a [`Rhythm`] from the parts every rhythm has: what it is called, when it meets and for
/// how long. Text parts (`"weekly on tue"`, `"19:00"`, `"90m"`) are read as a community file
/// reads them; the first that cannot be read is [`RhythmBuilder::build`]'s error, so a program
/// states the rhythm in one expression and checks it once.
///
/// ```
/// # mod tempi { pub use tempi_core::*; }
/// use tempi::{Category, Rhythm};
///
/// let rhythm = Rhythm::builder("pod-a-checkin", "pod-a")
///     .name("Pod A check-in")
///     .category(Category::Relational)
///     .cadence("weekly on tue")
///     .at("19:00")
///     .length("90m")
///     .build()?;
/// assert_eq!(rhythm.at().to_string(), "19:00:00");
/// assert_eq!(rhythm.length().minutes(), 90);
///
/// let err = Rhythm::builder("x", "pod-a").cadence("weekly on tue").at("7pm").build().unwrap_err();
/// assert!(err.to_string().contains("`7pm` is not a time of day"), "{err}");
/// # Ok::<(), tempi::Error>(())
/// ```
///
/// The rest (zone, dates, commitment, roles, composition) is set on the built [`Rhythm`].
#[derive(Debug, Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct RhythmBuilder {
    id: String,
    group: String,
    name: Option<String>,
    category: Category,
    timing: Option<Timing>,
    at: Option<NaiveTime>,
    length: Option<Length>,
    auto: bool,
    error: Option<Error>,
}

impl RhythmBuilder {
    /// The display name (default: the id).
    pub fn name(mut self, name: impl Into<String>) -> RhythmBuilder {
        self.name = Some(name.into());
        self
    }

    /// The category (default: [`Category::Relational`]).
    pub fn category(mut self, category: Category) -> RhythmBuilder {
        self.category = category;
        self
    }

    /// Meets on a cadence written as in a community file: `"weekly on tue"`, `"last fri of
    /// every month"`, `"full moon"` or an RFC 5545 rule.
    pub fn cadence(self, text: &str) -> RhythmBuilder {
        match text.parse::<Cadence>() {
            Ok(cadence) => self.timing(cadence),
            Err(e) => self.fail(e),
        }
    }

    /// Meets on this timing: a [`Cadence`] or an [`Offset`] from another rhythm.
    pub fn timing(mut self, timing: impl Into<Timing>) -> RhythmBuilder {
        self.timing = Some(timing.into());
        self
    }

    /// Starts at this local time, `HH:MM` (24-hour).
    pub fn at(self, text: &str) -> RhythmBuilder {
        match crate::time::parse_time_of_day(text) {
            Ok(time) => self.at_time(time),
            Err(e) => self.fail(e),
        }
    }

    /// Starts at this local time.
    pub fn at_time(mut self, time: NaiveTime) -> RhythmBuilder {
        self.at = Some(time);
        self
    }

    /// Leaves the start time to the solver (`at = "auto"`); see [`Rhythm::auto`].
    pub fn auto(mut self) -> RhythmBuilder {
        self.auto = true;
        self
    }

    /// Lasts this long, written as in a community file: `"90m"`, `"1h30m"`, `"2d6h"`.
    pub fn length(self, text: &str) -> RhythmBuilder {
        match text.parse::<Length>() {
            Ok(length) => self.lasting(length),
            Err(e) => self.fail(e),
        }
    }

    /// Lasts this long.
    pub fn lasting(mut self, length: Length) -> RhythmBuilder {
        self.length = Some(length);
        self
    }

    fn fail(mut self, error: Error) -> RhythmBuilder {
        self.error.get_or_insert(error);
        self
    }

    /// The rhythm, with the facilitator role.
    ///
    /// # Errors
    /// The first part that could not be read, or [`Error::Missing`] when the timing, the start
    /// time (unless [`RhythmBuilder::auto`]) or the length was never given.
    pub fn build(self) -> Result<Rhythm, Error> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let missing = |part: &'static str| Error::Missing { rhythm: self.id.clone(), part };
        let timing = self.timing.clone().ok_or_else(|| missing("cadence"))?;
        let at = match (self.at, self.auto) {
            (Some(at), _) => at,
            (None, true) => NaiveTime::MIN,
            (None, false) => return Err(missing("start time")),
        };
        let length = self.length.ok_or_else(|| missing("length"))?;
        let name = self.name.unwrap_or_else(|| self.id.clone());
        let rhythm = Rhythm::new(self.id, name, self.group, self.category, timing, at, length);
        Ok(if self.auto { rhythm.auto() } else { rhythm })
    }
}

/// Which item of a community a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Item {
    /// The community itself.
    Community,
    /// The member at this index.
    Member(usize),
    /// The group at this index.
    Group(usize),
    /// The rhythm at this index.
    Rhythm(usize),
}

/// Where a problem is: an item, one of its fields, and an index into that field's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct Place {
    /// The item.
    pub item: Item,
    /// The field's name as in the community file (`"zone"`, `"members"`…), or `""` for the item.
    pub field: &'static str,
    /// The position in a list field.
    pub index: Option<usize>,
}

impl Place {
    fn new(item: Item, field: &'static str) -> Place {
        Place { item, field, index: None }
    }

    fn at(item: Item, field: &'static str, index: usize) -> Place {
        Place { item, field, index: Some(index) }
    }
}

/// A validation error or warning, with its place and a message that says what would fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// Where.
    pub place: Place,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Assembles a [`Community`]; [`CommunityBuilder::build`] validates it.
#[derive(Debug, Clone)]
pub struct CommunityBuilder {
    id: String,
    name: String,
    zone: Tz,
    start: NaiveDate,
    members: Vec<Member>,
    groups: Vec<Group>,
    rhythms: Vec<Rhythm>,
    breaks: Vec<Break>,
    holidays: Vec<String>,
    break_markers: bool,
}

/// The longest text tempi accepts in a name or intention.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// The most meetings one commitment cycle may have.
pub const MAX_COMMITMENT_MEETINGS: u32 = 1_000;

impl CommunityBuilder {
    /// Adds a member.
    pub fn member(&mut self, member: Member) -> &mut CommunityBuilder {
        self.members.push(member);
        self
    }

    /// Adds a group.
    pub fn group(&mut self, group: Group) -> &mut CommunityBuilder {
        self.groups.push(group);
        self
    }

    /// Adds a rhythm.
    pub fn rhythm(&mut self, rhythm: Rhythm) -> &mut CommunityBuilder {
        self.rhythms.push(rhythm);
        self
    }

    /// Adds a break of the whole community: no rhythm meets in it (see [`crate::breaks`]).
    pub fn community_break(&mut self, b: Break) -> &mut CommunityBuilder {
        self.breaks.push(b);
        self
    }

    /// Adds a public-holiday calendar (`.ics`) for the whole community, by path relative to the
    /// community file; the pipeline reads it and adds each all-day event as a break.
    pub fn holidays_file(&mut self, path: impl Into<String>) -> &mut CommunityBuilder {
        self.holidays.push(path.into());
        self
    }

    /// Adds breaks to a member or a group by id (the pipeline's holidays); returns whether the
    /// id was found.
    pub fn add_breaks(&mut self, owner: &BreakOwner, breaks: Vec<Break>) -> bool {
        match owner {
            BreakOwner::Community => {
                self.breaks.extend(breaks);
                true
            }
            BreakOwner::Group(id) => match self.groups.iter_mut().find(|g| *g.id == **id) {
                Some(g) => {
                    g.breaks.extend(breaks);
                    true
                }
                None => false,
            },
            BreakOwner::Member(id) => match self.members.iter_mut().find(|m| *m.id == **id) {
                Some(m) => {
                    m.breaks.extend(breaks);
                    true
                }
                None => false,
            },
        }
    }

    /// Shows each break in the feeds as an all-day marker event (off by default: a break is
    /// the absence of meetings, not an event).
    pub fn break_markers(&mut self, on: bool) -> &mut CommunityBuilder {
        self.break_markers = on;
        self
    }

    /// The community's breaks, holiday calendars and marker setting, for validation.
    pub(crate) fn break_parts(&self) -> (Vec<Break>, Vec<String>, bool) {
        (self.breaks.clone(), self.holidays.clone(), self.break_markers)
    }

    /// Replaces the rhythm with the same id; returns whether one was found.
    pub fn replace_rhythm(&mut self, rhythm: Rhythm) -> bool {
        match self.rhythms.iter_mut().find(|r| r.id == rhythm.id) {
            Some(slot) => {
                *slot = rhythm;
                true
            }
            None => false,
        }
    }

    /// Replaces each rhythm with the same id as one of `rhythms`, finding each by a map of
    /// the ids rather than a walk of the list; returns how many were found.
    pub fn replace_rhythms(&mut self, rhythms: impl IntoIterator<Item = Rhythm>) -> usize {
        let mut at: HashMap<String, usize> = HashMap::with_capacity(self.rhythms.len());
        for (i, r) in self.rhythms.iter().enumerate() {
            at.entry(r.id.clone()).or_insert(i);
        }
        let mut found = 0;
        for rhythm in rhythms {
            if let Some(slot) = at.get(&rhythm.id).and_then(|i| self.rhythms.get_mut(*i)) {
                *slot = rhythm;
                found += 1;
            }
        }
        found
    }

    pub(crate) fn into_parts(
        self,
    ) -> (String, String, Tz, NaiveDate, Vec<Member>, Vec<Group>, Vec<Rhythm>) {
        (self.id, self.name, self.zone, self.start, self.members, self.groups, self.rhythms)
    }
}

/// A validated community: members, groups and rhythms, every reference resolved.
#[derive(Debug, Clone)]
pub struct Community {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) zone: Tz,
    pub(crate) start: NaiveDate,
    pub(crate) members: Vec<Member>,
    pub(crate) groups: Vec<Group>,
    pub(crate) rhythms: Vec<Rhythm>,
    pub(crate) resolved: Arc<Resolved>,
    pub(crate) breaks: Vec<Break>,
    pub(crate) holidays: Vec<String>,
    pub(crate) break_markers: bool,
}

/// Indices computed once at build time.
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub(crate) member_index: HashMap<String, usize>,
    pub(crate) rhythm_index: HashMap<String, usize>,
    /// Per rhythm: its group's index.
    pub(crate) rhythm_group: Vec<usize>,
    /// Per rhythm: sorted member indices of its attendees.
    pub(crate) attendees: Vec<Arc<[usize]>>,
    /// Per rhythm: the rhythms it is composed from (within, except, after, offset).
    pub(crate) depends_on: Vec<Vec<usize>>,
    /// Per rhythm: its zone.
    pub(crate) zone: Vec<Tz>,
    /// Per rhythm: its first date.
    pub(crate) start: Vec<NaiveDate>,
    /// Per rhythm: its nominal period in seconds (its tempo).
    pub(crate) period: Vec<u64>,
    /// Per rhythm: the rhythms it lies within, transitively (never clash with these).
    pub(crate) within_chain: Vec<HashSet<usize>>,
    /// Per rhythm: the community's and its groups' breaks, read in its zones.
    pub(crate) rhythm_breaks: Vec<RhythmBreaks>,
    /// Per member: their own breaks, as instants (sorted, disjoint).
    pub(crate) member_breaks: Vec<Vec<(i64, i64)>>,
    /// The group tree: rosters, subgroups, ancestors, tree order.
    pub(crate) groups: crate::groups::GroupTree,
}

impl Community {
    /// Starts a community with an id, a name, the zone its rhythms default to, and the date
    /// its rhythms start from unless they name their own. Commitment cycles and role rotation
    /// count from a rhythm's start, so plans for any window agree with each other.
    pub fn builder(
        id: impl Into<String>,
        name: impl Into<String>,
        zone: Tz,
        start: NaiveDate,
    ) -> CommunityBuilder {
        CommunityBuilder {
            id: id.into(),
            name: name.into(),
            zone,
            start,
            members: Vec::new(),
            groups: Vec::new(),
            rhythms: Vec::new(),
            breaks: Vec::new(),
            holidays: Vec::new(),
            break_markers: false,
        }
    }

    /// A builder holding everything in this community, to change and build again (the solver
    /// uses it to give `at = "auto"` rhythms their times).
    pub fn to_builder(&self) -> CommunityBuilder {
        CommunityBuilder {
            id: self.id.clone(),
            name: self.name.clone(),
            zone: self.zone,
            start: self.start,
            members: self.members.clone(),
            groups: self.groups.clone(),
            rhythms: self.rhythms.clone(),
            breaks: self.breaks.clone(),
            holidays: self.holidays.clone(),
            break_markers: self.break_markers,
        }
    }

    /// Whether the feeds show breaks as all-day marker events.
    pub fn break_markers(&self) -> bool {
        self.break_markers
    }

    /// The community's own breaks (its groups' and members' are on them).
    pub fn breaks(&self) -> &[Break] {
        &self.breaks
    }

    /// The community's holiday calendars' paths, as written.
    pub fn holiday_files(&self) -> &[String] {
        &self.holidays
    }

    /// The community's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The community's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The zone rhythms are anchored in unless they say otherwise.
    pub fn zone(&self) -> Tz {
        self.zone
    }

    /// The date rhythms start from unless they name their own.
    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The members, in the order given.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The groups, in the order given.
    pub fn groups(&self) -> &[Group] {
        &self.groups
    }

    /// The rhythms, in the order given.
    pub fn rhythms(&self) -> &[Rhythm] {
        &self.rhythms
    }

    /// The member with this id.
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.resolved.member_index.get(id).and_then(|i| self.members.get(*i))
    }

    /// The rhythm with this id.
    pub fn rhythm(&self, id: &str) -> Option<&Rhythm> {
        self.resolved.rhythm_index.get(id).and_then(|i| self.rhythms.get(*i))
    }

    /// The zone a rhythm is anchored in.
    pub fn rhythm_zone(&self, rhythm: &Rhythm) -> Tz {
        rhythm.zone.unwrap_or(self.zone)
    }

    /// The ids of the members who attend a rhythm.
    pub fn attendees_of(&self, rhythm_id: &str) -> Vec<&str> {
        let Some(index) = self.resolved.rhythm_index.get(rhythm_id) else { return Vec::new() };
        self.resolved
            .attendees
            .get(*index)
            .map(|list| {
                list.iter().filter_map(|m| self.members.get(*m)).map(|m| m.id.as_str()).collect()
            })
            .unwrap_or_default()
    }
}

/// Checks an id: 1–64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit.
pub(crate) fn check_id(id: &str) -> Result<(), String> {
    let valid = !id.is_empty()
        && id.len() <= 64
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && id.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
    // Ids name feed files: a Windows device name (`nul.ics` is the null device there) would make a
    // feed vanish, so those are refused here, where the error can say where.
    let device = crate::suggest::is_windows_device_name(id);
    if valid && device {
        return Err(format!(
            "`{id}` is a reserved device name on Windows, and ids name feed files; choose another id (e.g. \"{}-1\")",
            id.to_ascii_lowercase()
        ));
    }
    if valid {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a valid id; use 1 to 64 ASCII letters, digits, `-`, `_` or `.`, starting with a letter or digit (e.g. \"pod-north\")",
            id.escape_debug()
        ))
    }
}

/// The message for an unknown id, with close ids.
pub(crate) fn unknown(kind: &str, id: &str, known: &[&str]) -> String {
    crate::suggest::unknown(kind, id, known)
}

pub(crate) fn place(item: Item, field: &'static str) -> Place {
    Place::new(item, field)
}

pub(crate) fn place_at(item: Item, field: &'static str, index: usize) -> Place {
    Place::at(item, field, index)
}

// ── Mixers (`mix = { size = 4, across = "pods" }`) ──────────────────────────────────────────

/// Mixers: each occurrence regroups the rhythm's attendees into small groups across the
/// subgroups of a scale (its pods), so that over a season everyone meets new people.
/// `tempi::solve::mix` forms the groups; `tempi::pipeline::plan` attaches them to the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Mix {
    /// The group size asked for (2 or more).
    pub size: u32,
    /// The scale of the subgroups the mixers cut across (default pods).
    pub across: Scale,
}

impl Mix {
    /// Mixers of `size` across pods.
    pub fn new(size: u32) -> Mix {
        Mix { size, across: Scale::Pod }
    }

    /// Cuts across the subgroups of `scale` instead of pods.
    pub fn across(mut self, scale: Scale) -> Mix {
        self.across = scale;
        self
    }

    /// Reads a scale word for `across`, singular or plural: "pods", "circles", "crew"…
    ///
    /// # Errors
    /// [`Error::Value`] (of kind [`ValueKind::Scale`]) naming the scale words.
    pub fn parse_across(text: &str) -> Result<Scale, Error> {
        let word = text.trim();
        word.parse::<Scale>()
            .or_else(|e| word.strip_suffix('s').map_or(Err(e), |w| w.parse::<Scale>()))
            .map_err(|_| {
                Error::value(
                    ValueKind::Scale,
                    format!(
                        "`{}` is not a scale; mixers cut across \"pods\" (the default), \"circles\", \"congregations\" or \"dyads\"",
                        text.escape_debug()
                    ),
                )
            })
    }
}

impl Rhythm {
    /// Regroups the attendees into mixers at every occurrence.
    pub fn mixers(mut self, mix: Mix) -> Rhythm {
        self.mix = Some(mix);
        self
    }

    /// The mixers, if the rhythm regroups its attendees.
    pub fn mix(&self) -> Option<&Mix> {
        self.mix.as_ref()
    }
}

/// The groups below `group` (at any depth through `part_of`) whose scale sits at the depth of
/// `scale`, in the order given. Bounded: a `part_of` chain is followed at most `groups.len()`
/// steps, so a cycle (reported elsewhere) cannot loop.
pub(crate) fn subgroups_at<'a>(groups: &'a [Group], group: &str, scale: Scale) -> Vec<&'a Group> {
    groups
        .iter()
        .filter(|g| g.id != group && g.scale.depth() == scale.depth())
        .filter(|g| {
            let mut at = g.part_of.as_deref();
            for _ in 0..groups.len() {
                match at {
                    Some(parent) if parent == group => return true,
                    Some(parent) => {
                        at = groups
                            .iter()
                            .find(|x| x.id == parent)
                            .and_then(|x| x.part_of.as_deref());
                    }
                    None => return false,
                }
            }
            false
        })
        .collect()
}

impl Community {
    /// The pods a mix rhythm cuts across: for each of its attendees (in roster order) the id of
    /// the first subgroup of the rhythm's group at the `across` scale (file order) that lists
    /// them, directly or through its own subgroups; `None` for an attendee in none of them (a
    /// pod of their own). Empty for a rhythm without mixers or an unknown id.
    pub fn mix_pods(&self, rhythm_id: &str) -> Vec<(&str, Option<&str>)> {
        let Some(mix) = self.rhythm(rhythm_id).and_then(Rhythm::mix) else { return Vec::new() };
        let Some(rhythm) = self.rhythm(rhythm_id) else { return Vec::new() };
        let pods = subgroups_at(&self.groups, &rhythm.group, mix.across);
        let rosters: Vec<(&str, Vec<&str>)> = pods
            .iter()
            .map(|pod| {
                let mut list: Vec<&str> = pod.members.iter().map(String::as_str).collect();
                for sub in subgroups_below(&self.groups, &pod.id) {
                    list.extend(sub.members.iter().map(String::as_str));
                }
                (pod.id.as_str(), list)
            })
            .collect();
        self.attendees_of(rhythm_id)
            .into_iter()
            .map(|m| (m, rosters.iter().find(|(_, list)| list.contains(&m)).map(|(id, _)| *id)))
            .collect()
    }
}

/// Every group below `group`, at any depth (bounded as in [`subgroups_at`]).
fn subgroups_below<'a>(groups: &'a [Group], group: &str) -> Vec<&'a Group> {
    [Scale::Network, Scale::Congregation, Scale::Circle, Scale::Pod, Scale::Dyad]
        .into_iter()
        .flat_map(|scale| subgroups_at(groups, group, scale))
        .collect()
}
