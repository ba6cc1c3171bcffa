//! A plan: a community's occurrences over a window, with conflicts and warnings.

use std::fmt;
use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::model::Category;
use crate::time::Window;

/// One meeting of a rhythm.
///
/// With the `serde` feature it serializes as an occurrence of docs/plan-json.md without the keys
/// that need the community (`name`, `uid`, `timezone`, `facilitator`; `tempi::view` adds them),
/// keys in the order of the fields: times as RFC 3339 with the anchor zone's offset, the status
/// as `status`, `reason` and `shifted_from`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
        reason: String,
    },
    /// It goes ahead at another time.
    Shifted {
        /// Where its cadence had put it.
        from: DateTime<Tz>,
        /// Why it moved.
        reason: String,
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

    /// The reason, for a cancelled or shifted occurrence.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Status::Scheduled => None,
            Status::Cancelled { reason } | Status::Shifted { reason, .. } => Some(reason),
        }
    }
}

/// A member holding a hosting duty at one occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RoleHolder {
    /// The duty, e.g. `facilitator`.
    pub role: Arc<str>,
    /// The member's id.
    pub member: Arc<str>,
}

/// Where an occurrence sits in a time-limited commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
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
            status: Status::Shifted { from: at(6, 20), reason: "clashes with `retreat`".into() },
            roles: vec![RoleHolder { role: "facilitator".into(), member: "mei".into() }],
            attendees: vec!["mei".into(), "rangi".into()].into(),
            cycle: Some(Cycle { number: 6, meeting: 7, meetings: 6, retrospective: true }),
        };
        assert_eq!(
            serde_json::to_string(&occurrence).unwrap(),
            concat!(
                r#"{"rhythm":"harbour-weekly","group":"pod-harbour","category":"relational","#,
                r#""start":"2027-09-07T20:00:00+10:00","end":"2027-09-07T21:00:00+10:00","#,
                r#""status":"shifted","reason":"clashes with `retreat`","#,
                r#""shifted_from":"2027-09-06T20:00:00+10:00","#,
                r#""roles":[{"role":"facilitator","member":"mei"}],"attendees":["mei","rangi"],"#,
                r#""cycle":{"number":6,"meeting":7,"meetings":6,"retrospective":true}}"#
            )
        );
        let cancelled = Status::Cancelled { reason: "falls in the retreat week".into() };
        assert_eq!(
            serde_json::to_string(&cancelled).unwrap(),
            r#"{"status":"cancelled","reason":"falls in the retreat week","shifted_from":null}"#
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
