//! A plan: a community's occurrences over a window, with conflicts and warnings.

use std::fmt;
use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;

use chrono::NaiveDate;

use crate::model::{BreakOwner, Category, ClashScope};
use crate::time::Window;

/// One meeting of a rhythm.
///
/// With the `serde` feature it serializes as an occurrence of docs/plan-json.md without the keys
/// that need the community (`name`, `uid`, `timezone`, `facilitator`; `tempi::view` adds them),
/// keys in the order of the fields: times as RFC 3339 with the anchor zone's offset, the status
/// as `status`, `reason` and `shifted_from`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Occurrence {
    /// The rhythm's id.
    pub rhythm: Arc<str>,
    /// The group's id.
    pub group: Arc<str>,
    /// The rhythm's category.
    pub category: Category,
    /// When it starts, in the rhythm's anchor zone.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser::rfc3339"))]
    pub start: DateTime<Tz>,
    /// When it ends, in the rhythm's anchor zone.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser::rfc3339"))]
    pub end: DateTime<Tz>,
    /// Scheduled, cancelled or shifted.
    #[cfg_attr(feature = "serde", serde(flatten))]
    pub status: Status,
    /// Who holds each hosting duty (empty when cancelled).
    pub roles: Vec<RoleHolder>,
    /// The ids of the members who attend.
    pub attendees: Arc<[Arc<str>]>,
    /// Which commitment cycle this occurrence belongs to, if the rhythm is a commitment.
    pub cycle: Option<Cycle>,
    /// Whether it covers whole days (an all-day rhythm): `start` is then local midnight of its
    /// first day in the rhythm's zone (or the first instant after it, where midnight falls in a
    /// DST gap) and `end` local midnight after its last day. See [`Occurrence::days`].
    pub all_day: bool,
    /// The mixers of a `mix` rhythm's occurrence: each a group of member ids (sorted groups of
    /// sorted ids; members who cannot come are in none). Empty for other rhythms, for cancelled
    /// occurrences, and until `tempi::pipeline::plan` forms them.
    pub mixers: Vec<Arc<[Arc<str>]>>,
}

impl Occurrence {
    /// The holder of a duty, e.g. `"facilitator"`.
    pub fn holder(&self, role: &str) -> Option<&str> {
        self.roles.iter().find(|r| &*r.role == role).map(|r| &*r.member)
    }

    /// The facilitator, if the rhythm has one.
    pub fn facilitator(&self) -> Option<&str> {
        self.holder("facilitator")
    }

    /// For an all-day occurrence, its first local date and how many days it covers (counted in
    /// local dates, so a day that DST makes 23 or 25 hours long is still one day).
    pub fn days(&self) -> Option<(chrono::NaiveDate, u32)> {
        if !self.all_day {
            return None;
        }
        let first = self.start.date_naive();
        // The end is local midnight, or an hour past it where midnight is a DST gap.
        let last = (self.end - chrono::Duration::hours(3)).date_naive();
        let days = u32::try_from((last - first).num_days() + 1).unwrap_or(1).max(1);
        Some((first, days))
    }

    /// Whether the occurrence goes ahead (scheduled or shifted).
    pub fn is_active(&self) -> bool {
        !matches!(self.status, Status::Cancelled { .. })
    }
}

/// Whether an occurrence goes ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// It goes ahead as its cadence says.
    Scheduled,
    /// It does not go ahead.
    Cancelled {
        /// Why.
        reason: Reason,
    },
    /// It goes ahead at another time.
    Shifted {
        /// Where its cadence had put it.
        from: DateTime<Tz>,
        /// Why it moved.
        reason: Reason,
    },
}

impl Status {
    /// `scheduled`, `cancelled` or `shifted`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Scheduled => "scheduled",
            Status::Cancelled { .. } => "cancelled",
            Status::Shifted { .. } => "shifted",
        }
    }

    /// The reason, for a cancelled or shifted occurrence (its `Display` is the plan's text).
    pub fn reason(&self) -> Option<&Reason> {
        match self {
            Status::Scheduled => None,
            Status::Cancelled { reason } | Status::Shifted { reason, .. } => Some(reason),
        }
    }
}

/// Why an occurrence was cancelled or shifted. `Display` gives the sentence the agenda, the
/// plan JSON and the feeds show, e.g. ``falls in the week of `annual-retreat` (Fri 2027-09-10
/// 10:00)`` or `Winter break (community)`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reason {
    /// A commitment's retrospective would run past the end of the rhythm it lies `within`.
    Outside {
        /// The rhythm it lies within.
        parent: Arc<str>,
    },
    /// It clashes with a rhythm it yields to through `except`.
    Except {
        /// The rhythm yielded to.
        rhythm: Arc<str>,
        /// What counted as a clash.
        scope: ClashScope,
        /// The start of the occurrence it clashed with, in that rhythm's zone.
        start: DateTime<Tz>,
        /// Whether that rhythm is all-day (its date alone names the occurrence).
        all_day: bool,
    },
    /// It clashes with a stronger rhythm that shares a member.
    Precedence {
        /// The stronger rhythm.
        rhythm: Arc<str>,
        /// The start of the occurrence it clashed with, in that rhythm's zone.
        start: DateTime<Tz>,
        /// Whether that rhythm is all-day (its date alone names the occurrence).
        all_day: bool,
        /// Whether the other wins by a higher `priority` (else by its slower tempo).
        by_priority: bool,
    },
    /// It falls in a break of the community or of a group (see [`crate::model::Break`]).
    Break {
        /// The break's name, e.g. `Winter break` or a holiday's `SUMMARY`.
        name: Arc<str>,
        /// Whose break it is.
        owner: BreakOwner,
        /// The break's first date (inclusive).
        from: NaiveDate,
        /// The break's last date (inclusive).
        to: NaiveDate,
    },
    /// It lost a clash or fell in a break and had no free day to shift to.
    NoFreeDay {
        /// What it would have shifted away from.
        cause: Box<Reason>,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // An all-day rhythm's occurrence is named by its date alone.
        let local = |t: &DateTime<Tz>, all_day: &bool| {
            t.format(if *all_day { "%a %Y-%m-%d, all day" } else { "%a %Y-%m-%d %H:%M" })
        };
        match self {
            Reason::Outside { parent } => write!(
                f,
                "its retrospective would run past the end of `{parent}`; shorten the retrospective"
            ),
            Reason::Except { rhythm, scope, start, all_day } => {
                let what = match scope {
                    ClashScope::Span => "overlaps",
                    ClashScope::Day => "falls on a day of",
                    ClashScope::Week => "falls in the week of",
                };
                write!(f, "{what} `{rhythm}` ({})", local(start, all_day))
            }
            Reason::Precedence { rhythm, start, all_day, by_priority } => write!(
                f,
                "clashes with `{rhythm}` ({}), which wins by {}",
                local(start, all_day),
                if *by_priority { "priority" } else { "its slower tempo" }
            ),
            Reason::Break { name, owner, .. } => write!(f, "{name} ({owner})"),
            Reason::NoFreeDay { cause } => match **cause {
                Reason::Break { .. } => {
                    write!(f, "{cause}; no free day after the break before the next meeting")
                }
                _ => write!(f, "{cause}; no free day that week to shift to"),
            },
        }
    }
}

/// A reason serialises as its sentence, as the plan JSON shows it (docs/plan-json.md).
#[cfg(feature = "serde")]
impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A member holding a hosting duty at one occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct RoleHolder {
    /// The duty, e.g. `facilitator`.
    pub role: Arc<str>,
    /// The member's id.
    pub member: Arc<str>,
}

/// Where an occurrence sits in a time-limited commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Cycle {
    /// The cycle's number, from 1.
    pub number: u32,
    /// The meeting's number within the cycle, from 1; the retrospective is `meetings + 1`.
    pub meeting: u32,
    /// Meetings per cycle before the retrospective.
    pub meetings: u32,
    /// Whether this is the cycle's closing retrospective.
    pub retrospective: bool,
}

impl fmt::Display for Cycle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.retrospective {
            write!(f, "cycle {} retrospective", self.number)
        } else {
            write!(f, "cycle {}, meeting {} of {}", self.number, self.meeting, self.meetings)
        }
    }
}

/// A clash between two rhythms that no policy resolved: both still take place.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub struct Conflict {
    /// The two rhythms' ids.
    pub rhythms: [Arc<str>; 2],
    /// Members in both (up to 5).
    pub members: Vec<Arc<str>>,
    /// The first clashing start of each, inside the window.
    #[cfg_attr(feature = "serde", serde(serialize_with = "ser::rfc3339"))]
    pub first: DateTime<Tz>,
    /// How many occurrences clash inside the window.
    pub count: usize,
    /// What happened and what would fix it.
    pub message: String,
}

/// A community's occurrences over a window.
///
/// With the `serde` feature it serializes as `{"community", "window", "occurrences", "conflicts",
/// "warnings"}`: the community's id, the window as two instants, and warnings as strings
/// (docs/plan-json.md, "A Plan through serde", says how this differs from `tempi plan --json`).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Plan {
    pub(crate) community: Arc<str>,
    pub(crate) window: Window,
    pub(crate) occurrences: Vec<Occurrence>,
    pub(crate) conflicts: Vec<Conflict>,
    pub(crate) warnings: Vec<String>,
}

impl Plan {
    /// The community's id.
    pub fn community(&self) -> &str {
        &self.community
    }

    /// The window planned.
    pub fn window(&self) -> Window {
        self.window
    }

    /// Every occurrence that starts in the window, sorted by start, then rhythm id.
    pub fn occurrences(&self) -> &[Occurrence] {
        &self.occurrences
    }

    /// Clashes no policy resolved.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Things worth a look that did not stop the plan.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The occurrences of one rhythm.
    pub fn of_rhythm<'a>(&'a self, rhythm: &'a str) -> impl Iterator<Item = &'a Occurrence> + 'a {
        self.occurrences.iter().filter(move |o| &*o.rhythm == rhythm)
    }
}

/// The `Serialize` side of a plan (feature `serde`).
#[cfg(feature = "serde")]
pub(crate) mod ser {
    use std::fmt;

    use chrono::{DateTime, SecondsFormat, TimeZone};
    use serde::ser::{SerializeMap, Serializer};

    use super::Status;

    /// RFC 3339 with whole seconds and a numeric offset, never `Z`.
    pub(crate) fn rfc3339<Z: TimeZone, S: Serializer>(
        t: &DateTime<Z>,
        serializer: S,
    ) -> Result<S::Ok, S::Error>
    where
        Z::Offset: fmt::Display,
    {
        serializer.collect_str(&t.to_rfc3339_opts(SecondsFormat::Secs, false))
    }

    /// A value written through its `Display` (a reason).
    struct Displayed<'a, T: ?Sized>(&'a T);

    impl<T: fmt::Display + ?Sized> serde::Serialize for Displayed<'_, T> {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            serializer.collect_str(self.0)
        }
    }

    /// A time written as [`rfc3339`].
    struct Instant<'a, Z: TimeZone>(&'a DateTime<Z>);

    impl<Z: TimeZone> serde::Serialize for Instant<'_, Z>
    where
        Z::Offset: fmt::Display,
    {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            rfc3339(self.0, serializer)
        }
    }

    /// Three keys, always present: `status` (`"scheduled"`, `"cancelled"`, `"shifted"`),
    /// `reason` (its `Display`; `null` when scheduled) and `shifted_from` (`null` unless
    /// shifted), as docs/plan-json.md lists them.
    impl serde::Serialize for Status {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(3))?;
            map.serialize_entry("status", self.as_str())?;
            match self {
                Status::Scheduled => {
                    map.serialize_entry("reason", &None::<&str>)?;
                    map.serialize_entry("shifted_from", &None::<&str>)?;
                }
                Status::Cancelled { reason } => {
                    map.serialize_entry("reason", &Displayed(reason))?;
                    map.serialize_entry("shifted_from", &None::<&str>)?;
                }
                Status::Shifted { from, reason } => {
                    map.serialize_entry("reason", &Displayed(reason))?;
                    map.serialize_entry("shifted_from", &Instant(from))?;
                }
            }
            map.end()
        }
    }
}

#[cfg(all(test, feature = "serde"))]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::TimeZone;
    use chrono_tz::Australia::Sydney;

    use super::*;

    /// The keys and formats of docs/plan-json.md's occurrence: RFC 3339 with the anchor zone's
    /// offset (never `Z`), lower-case status and category, `null` for what does not apply.
    #[test]
    fn an_occurrence_serializes_as_documented() {
        let at = |d: u32, h: u32| Sydney.with_ymd_and_hms(2027, 9, d, h, 0, 0).unwrap();
        let occurrence = Occurrence {
            rhythm: "harbour-weekly".into(),
            group: "pod-harbour".into(),
            category: Category::Relational,
            start: at(7, 20),
            end: at(7, 21),
            status: Status::Shifted {
                from: at(6, 20),
                reason: Reason::Precedence {
                    rhythm: "retreat".into(),
                    start: at(6, 18),
                    all_day: false,
                    by_priority: true,
                },
            },
            roles: vec![RoleHolder { role: "facilitator".into(), member: "mei".into() }],
            attendees: vec!["mei".into(), "rangi".into()].into(),
            cycle: Some(Cycle { number: 6, meeting: 7, meetings: 6, retrospective: true }),
            all_day: false,
            mixers: Vec::new(),
        };
        assert_eq!(
            serde_json::to_string(&occurrence).unwrap(),
            concat!(
                r#"{"rhythm":"harbour-weekly","group":"pod-harbour","category":"relational","#,
                r#""start":"2027-09-07T20:00:00+10:00","end":"2027-09-07T21:00:00+10:00","#,
                r#""status":"shifted","#,
                r#""reason":"clashes with `retreat` (Mon 2027-09-06 18:00), which wins by priority","#,
                r#""shifted_from":"2027-09-06T20:00:00+10:00","#,
                r#""roles":[{"role":"facilitator","member":"mei"}],"attendees":["mei","rangi"],"#,
                r#""cycle":{"number":6,"meeting":7,"meetings":6,"retrospective":true},"#,
                r#""all_day":false,"mixers":[]}"#
            )
        );
        let cancelled = Status::Cancelled { reason: Reason::Outside { parent: "sprint".into() } };
        assert_eq!(
            serde_json::to_string(&cancelled).unwrap(),
            concat!(
                r#"{"status":"cancelled","#,
                r#""reason":"its retrospective would run past the end of `sprint`; shorten the retrospective","#,
                r#""shifted_from":null}"#
            )
        );
        assert_eq!(
            serde_json::to_string(&Status::Scheduled).unwrap(),
            r#"{"status":"scheduled","reason":null,"shifted_from":null}"#
        );
    }

    #[test]
    fn a_window_is_two_instants() {
        let start = chrono::Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
        let end = chrono::Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap();
        let window = Window::new(start, end).unwrap();
        assert_eq!(
            serde_json::to_string(&window).unwrap(),
            r#"{"start":"2027-01-01T00:00:00+00:00","end":"2028-01-01T00:00:00+00:00"}"#
        );
    }
}

#[cfg(all(test, feature = "serde"))]
mod reason_tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_reason_serialises_as_its_sentence() {
        let reason = Reason::NoFreeDay {
            cause: Box::new(Reason::Break {
                name: Arc::from("Winter break"),
                owner: BreakOwner::Group(Arc::from("pod")),
                from: NaiveDate::from_ymd_opt(2027, 12, 20).unwrap(),
                to: NaiveDate::from_ymd_opt(2028, 1, 3).unwrap(),
            }),
        };
        let text =
            "Winter break (group `pod`); no free day after the break before the next meeting";
        assert_eq!(reason.to_string(), text);
        assert_eq!(serde_json::to_value(&reason).unwrap(), serde_json::Value::String(text.into()));
    }
}
impl Plan {
    /// Gives the occurrence at `index` (in [`Plan::occurrences`]) its mixer groups; the pipeline
    /// calls it after `tempi::solve::mix` forms them. Returns whether the index exists.
    pub fn set_mixers(&mut self, index: usize, mixers: Vec<Arc<[Arc<str>]>>) -> bool {
        match self.occurrences.get_mut(index) {
            Some(occurrence) => {
                occurrence.mixers = mixers;
                true
            }
            None => false,
        }
    }
}
