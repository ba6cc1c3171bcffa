//! What-ifs: when the best answer is poor, what would unlock a better one.

use std::fmt;

use chrono::Weekday;
use tempi_core::Length;

use crate::{Error, SeriesQuery, SlotQuery};

/// One change to a query.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Change {
    /// A shorter meeting.
    Shorter {
        /// The new length.
        length: Length,
    },
    /// One member no longer required (one allowed absence, by name).
    Without {
        /// The member.
        member: String,
    },
    /// One more missed occurrence allowed in a series.
    OneMoreMiss,
    /// Only series starting on this weekday (for cadences without a day of their own).
    Weekday {
        /// The weekday.
        weekday: Weekday,
    },
    /// One member's windows an hour wider on each side.
    Widen {
        /// The member.
        member: String,
        /// Minutes added on each side.
        minutes: u16,
    },
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::Shorter { length } => write!(f, "a {length} meeting"),
            Change::Without { member } => write!(f, "`{member}` optional"),
            Change::OneMoreMiss => f.write_str("one more missed occurrence allowed"),
            Change::Weekday { weekday } => write!(f, "on {weekday}"),
            Change::Widen { member, minutes } => {
                write!(f, "`{member}`'s windows {minutes} minutes wider on each side")
            }
        }
    }
}

/// What a change would give.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WhatIf {
    /// The change.
    pub change: Change,
    /// How many times (or patterns) would fit.
    pub valid: usize,
    /// The best score, if anything fits.
    pub best_score: Option<i64>,
    /// Whether it beats the query as asked (more fit, or a better best).
    pub unlocks: bool,
}

fn shorter(length: Length) -> Vec<Length> {
    let minutes = length.minutes();
    let mut out = Vec::new();
    for m in [minutes.saturating_sub(15), (minutes * 3 / 4) / 15 * 15] {
        if m >= 15
            && m < minutes
            && let Ok(l) = Length::try_minutes(m)
            && !out.contains(&l)
        {
            out.push(l);
        }
    }
    out
}

/// How many valid answers a query has, and the best one's score.
type Outcome = (usize, Option<i64>);

/// The what-ifs every query shares, one member at a time: each required member made optional,
/// and each member's windows an hour wider.
fn member_changes<Q: Clone>(
    query: &Q,
    options: fn(&mut Q) -> &mut crate::common::Options,
    run: &dyn Fn(&Q) -> Result<Outcome, Error>,
    base: Outcome,
    out: &mut Vec<WhatIf>,
) -> Result<(), Error> {
    let mut probe = query.clone();
    let members = options(&mut probe).members.clone();
    for (i, (member, required)) in members.iter().enumerate() {
        if *required {
            let mut q = query.clone();
            if let Some(slot) = options(&mut q).members.get_mut(i) {
                slot.1 = false;
            }
            let (v, b) = run(&q)?;
            out.push(verdict(Change::Without { member: member.id().to_string() }, v, b, base));
        }
        let mut q = query.clone();
        if let Some(slot) = options(&mut q).members.get_mut(i) {
            slot.0 = member.widened(60);
        }
        let (v, b) = run(&q)?;
        out.push(verdict(
            Change::Widen { member: member.id().to_string(), minutes: 60 },
            v,
            b,
            base,
        ));
    }
    Ok(())
}

fn verdict(change: Change, valid: usize, best: Option<i64>, base: (usize, Option<i64>)) -> WhatIf {
    let unlocks = valid > base.0 || best > base.1;
    WhatIf { change, valid, best_score: best, unlocks }
}

impl SlotQuery {
    /// Re-solves the query with one change at a time: a shorter meeting, each required member
    /// made optional, each member's windows an hour wider. Sorted by what they give, best first.
    ///
    /// # Errors
    /// As [`SlotQuery::solve`].
    pub fn what_ifs(&self) -> Result<Vec<WhatIf>, Error> {
        let run = |q: &SlotQuery| -> Result<(usize, Option<i64>), Error> {
            let s = q.solve()?;
            Ok((s.valid, s.candidates.first().map(|c| c.score.total)))
        };
        let base = run(self)?;
        let mut out = Vec::new();
        for length in shorter(self.options.length) {
            let mut q = self.clone();
            q.options.length = length;
            let (v, b) = run(&q)?;
            out.push(verdict(Change::Shorter { length }, v, b, base));
        }
        member_changes(self, |q| &mut q.options, &run, base, &mut out)?;
        sort(&mut out);
        Ok(out)
    }
}

impl SeriesQuery {
    /// Re-solves the series with one change at a time: a shorter meeting, one more allowed
    /// miss, each required member made optional, each member's windows an hour wider, and each
    /// weekday on its own (for cadences without a day). Sorted by what they give, best first.
    ///
    /// # Errors
    /// As [`SeriesQuery::solve`].
    pub fn what_ifs(&self) -> Result<Vec<WhatIf>, Error> {
        let run = |q: &SeriesQuery| -> Result<(usize, Option<i64>), Error> {
            match q.solve() {
                Ok(p) => Ok((p.valid, p.patterns.first().map(|c| c.score.total))),
                Err(Error::NoOccurrences { .. }) => Ok((0, None)),
                Err(e) => Err(e),
            }
        };
        let base = run(self)?;
        let mut out = Vec::new();
        for length in shorter(self.options.length) {
            let mut q = self.clone();
            q.options.length = length;
            let (v, b) = run(&q)?;
            out.push(verdict(Change::Shorter { length }, v, b, base));
        }
        let mut q = self.clone();
        q.misses += 1;
        let (v, b) = run(&q)?;
        out.push(verdict(Change::OneMoreMiss, v, b, base));
        member_changes(self, |q| &mut q.options, &run, base, &mut out)?;
        if self.weekdays.is_none() && self.sequences()?.len() > 1 {
            for weekday in [
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
                Weekday::Sun,
            ] {
                let mut q = self.clone();
                q.weekdays = Some(vec![weekday]);
                let (v, b) = run(&q)?;
                // A weekday "unlocks" when it has the best pattern; it never adds patterns.
                out.push(WhatIf {
                    change: Change::Weekday { weekday },
                    valid: v,
                    best_score: b,
                    unlocks: false,
                });
            }
        }
        sort(&mut out);
        Ok(out)
    }
}

fn sort(list: &mut [WhatIf]) {
    list.sort_by(|a, b| {
        b.unlocks
            .cmp(&a.unlocks)
            .then(b.best_score.cmp(&a.best_score))
            .then(b.valid.cmp(&a.valid))
            .then(a.change.to_string().cmp(&b.change.to_string()))
    });
}
