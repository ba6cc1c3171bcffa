//! A plan: a community's occurrences over a window, with conflicts and warnings.

use std::fmt;
use std::sync::Arc;

use chrono::DateTime;
use chrono_tz::Tz;

use crate::model::Category;
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

impl Plan {
    /// Gives the occurrence at `index` (in [`Plan::occurrences`]) its mixer groups; the pipeline
    /// calls it after `tempi_solve::mix` forms them. Returns whether the index exists.
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
