//! A plan: a community's occurrences over a window, with conflicts and warnings.

use std::fmt;
use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;

use chrono::NaiveDate;

use crate::model::{BreakOwner, Category, ClashScope};
use crate::time::Window;

/// One meeting of a rhythm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Occurrence {
    /// The rhythm's id.
    pub rhythm: Arc<str>,
    /// The group's id.
    pub group: Arc<str>,
    /// The rhythm's category.
    pub category: Category,
    /// When it starts, in the rhythm's anchor zone.
    pub start: DateTime<Tz>,
    /// When it ends, in the rhythm's anchor zone.
    pub end: DateTime<Tz>,
    /// Scheduled, cancelled or shifted.
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
pub struct RoleHolder {
    /// The duty, e.g. `facilitator`.
    pub role: Arc<str>,
    /// The member's id.
    pub member: Arc<str>,
}

/// Where an occurrence sits in a time-limited commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
pub struct Conflict {
    /// The two rhythms' ids.
    pub rhythms: [Arc<str>; 2],
    /// Members in both (up to 5).
    pub members: Vec<Arc<str>>,
    /// The first clashing start of each, inside the window.
    pub first: DateTime<Tz>,
    /// How many occurrences clash inside the window.
    pub count: usize,
    /// What happened and what would fix it.
    pub message: String,
}

/// A community's occurrences over a window.
#[derive(Debug, Clone)]
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

#[cfg(all(test, feature = "serde"))]
mod tests {
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
        assert_eq!(toml::Value::try_from(&reason).unwrap(), toml::Value::String(text.into()));
    }
}
