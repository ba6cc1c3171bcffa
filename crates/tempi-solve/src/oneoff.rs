//! One-off queries: one meeting somewhere in a search window.

use chrono::{DateTime, Utc};
use tempi_core::{Length, Window};

use crate::availability::{Availability, epoch_minutes, from_epoch_minutes};
use crate::common::{Options, Prepared, missing, score, score_alone};
use crate::{Attendee, Error, Missing, Score, common_setters};

/// The longest search window of a one-off query: two years.
pub(crate) const MAX_WINDOW_DAYS: i64 = 731;

/// A one-off query: a meeting of a given length somewhere in a search window.
///
/// A non-consuming builder: add members and options, then [`SlotQuery::solve`].
///
/// # Example: a 90-minute call across three zones
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub use tempi_solve as solve; }
/// use tempi::chrono::NaiveDate;
/// use tempi::chrono_tz::{America::New_York, Asia::Kolkata, Europe::Berlin};
/// use tempi::{Length, WeeklyWindow, Window};
/// use tempi::solve::{Availability, SlotQuery};
///
/// let from = NaiveDate::from_ymd_opt(2027, 6, 7).unwrap();
/// let to = NaiveDate::from_ymd_opt(2027, 6, 11).unwrap();
/// let mut query = SlotQuery::new("90m".parse::<Length>()?, Window::days(Berlin, from, to)?);
/// let hours = WeeklyWindow::parse_many("mon-fri 08:00-18:00")?;
/// query
///     .required(Availability::new("ana", Berlin).windows(hours.clone()))
///     .required(Availability::new("grace", New_York).windows(hours.clone()))
///     .optional(Availability::new("ravi", Kolkata).windows(hours));
/// let slots = query.solve()?;
/// let best = &slots.candidates[0];
/// assert_eq!(best.missing.len(), 1); // Ravi's evening never meets New York's morning
/// assert_eq!(best.missing[0].id, "ravi");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotQuery {
    pub(crate) options: Options,
    pub(crate) window: Window,
}

common_setters!(SlotQuery);

/// The answer to a one-off query.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Slots {
    /// The best times, best first (ties: earlier first).
    pub candidates: Vec<Candidate>,
    /// How many start times satisfied every hard constraint.
    pub valid: usize,
    /// When nothing fits: why, and the nearest misses.
    pub no_fit: Option<NoFit>,
}

/// A proposed time.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Candidate {
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// Who can come, each with their local start, in the query's member order.
    pub attendees: Vec<Attendee>,
    /// Who cannot, and why.
    pub missing: Vec<Missing>,
    /// The score and its parts.
    pub score: Score,
}

/// Why nothing fits, and what comes closest.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NoFit {
    /// Each reason as a sentence, most telling first.
    pub reasons: Vec<String>,
    /// The times that miss the fewest required members (or fall furthest short of the quorum
    /// by the least), with who is missing and why.
    pub near_misses: Vec<Candidate>,
}

impl SlotQuery {
    /// A query for a meeting of `length` starting and ending inside `window`.
    pub fn new(length: Length, window: Window) -> SlotQuery {
        SlotQuery { options: Options::new(length), window }
    }

    /// The members, with whether each is required.
    pub fn members(&self) -> impl Iterator<Item = (&Availability, bool)> {
        self.options.members.iter().map(|(m, r)| (m, *r))
    }

    /// Finds the best times.
    ///
    /// # Errors
    /// When the query is malformed: no members, a member twice, an impossible quorum, a
    /// granularity outside 1–720 minutes, or a window longer than two years. An empty answer
    /// is not an error: see [`Slots::no_fit`].
    pub fn solve(&self) -> Result<Slots, Error> {
        self.options.check()?;
        let from = epoch_minutes(self.window.start());
        let to = epoch_minutes(self.window.end());
        let days = (to - from) / 1440;
        if days > MAX_WINDOW_DAYS {
            return Err(Error::WindowTooLong { days, max: MAX_WINDOW_DAYS });
        }
        let length = i64::from(self.options.length.minutes());
        if to - from < length {
            return Ok(Slots {
                candidates: Vec::new(),
                valid: 0,
                no_fit: Some(NoFit {
                    reasons: vec![format!(
                        "the search window is {} minutes long, shorter than the {} meeting; widen it",
                        to - from,
                        self.options.length
                    )],
                    near_misses: Vec::new(),
                }),
            });
        }
        let prepared = Prepared::new(&self.options, from, to);
        let valid: Vec<usize> = prepared.required.ones().filter(|i| prepared.valid(*i)).collect();
        if valid.is_empty() {
            let no_fit = diagnose(&self.options, &prepared);
            return Ok(Slots { candidates: Vec::new(), valid: 0, no_fit: Some(no_fit) });
        }
        let candidates = best(&self.options, &prepared, &valid, self.options.max_results);
        Ok(Slots { candidates, valid: valid.len(), no_fit: None })
    }
}

/// Scores `starts` and keeps the best `max`, spread out unless overlaps are allowed.
pub(crate) fn best(
    options: &Options,
    prepared: &Prepared,
    starts: &[usize],
    max: usize,
) -> Vec<Candidate> {
    let minutes = prepared.minutes();
    let mut scored: Vec<(i64, usize)> = starts
        .iter()
        .map(|i| {
            let attending = prepared.attending(*i);
            let s = score_alone(
                &options.members,
                &attending,
                prepared.grid.minute(*i),
                minutes,
                &|_| 0,
            );
            (s.total, *i)
        })
        .collect();
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = Vec::new();
    for (_, i) in scored {
        if chosen.len() >= max {
            break;
        }
        if options.spread && chosen.iter().any(|c| c.abs_diff(i) < prepared.run) {
            continue;
        }
        chosen.push(i);
    }
    chosen.into_iter().map(|i| candidate(options, prepared, i, &prepared.attending(i))).collect()
}

pub(crate) fn candidate(
    options: &Options,
    prepared: &Prepared,
    i: usize,
    attending: &[bool],
) -> Candidate {
    let minutes = prepared.minutes();
    let start = prepared.grid.minute(i);
    let (score, attendees) = score(&options.members, attending, start, minutes, &|_| 0);
    Candidate {
        start: from_epoch_minutes(start),
        end: from_epoch_minutes(start + minutes),
        attendees,
        missing: missing(options, &prepared.shape, attending, start, minutes),
        score,
    }
}

/// Why nothing fits: members with no free stretch at all, pairs who never overlap, a quorum
/// beyond reach; then the starts that come closest.
fn diagnose(options: &Options, prepared: &Prepared) -> NoFit {
    let mut reasons = blocking_reasons(options, prepared);
    let members = &options.members;
    // Near misses: the starts where the most members (required first) can come.
    let mut best_key = (0usize, 0usize);
    let mut at: Vec<usize> = Vec::new();
    let granularity = i64::from(options.granularity);
    for i in 0..prepared.grid.len {
        if prepared.grid.minute(i).rem_euclid(granularity) != 0 {
            continue;
        }
        let attending = prepared.attending(i);
        let required = members.iter().zip(&attending).filter(|((_, r), a)| *r && **a).count();
        let all = attending.iter().filter(|a| **a).count();
        let key = (required, all);
        if key > best_key {
            best_key = key;
            at.clear();
        }
        if key == best_key && key.1 > 0 {
            at.push(i);
        }
    }
    if reasons.is_empty() {
        let n_required = members.iter().filter(|(_, r)| *r).count();
        if best_key.0 == n_required {
            reasons.push(format!(
                "at most {} of the {} members are free at once, short of the {} needed",
                best_key.1,
                members.len(),
                prepared.needed
            ));
        } else {
            reasons.push(format!(
                "there is no time when all {n_required} required members are free together; at best {} of them are",
                best_key.0
            ));
        }
    }
    let near_misses = if at.is_empty() { Vec::new() } else { best(options, prepared, &at, 3) };
    NoFit { reasons, near_misses }
}

/// Reasons that stop every time: a required member with no free stretch at all, or two
/// required members who are never free together.
pub(crate) fn blocking_reasons(options: &Options, prepared: &Prepared) -> Vec<String> {
    let mut reasons = Vec::new();
    let length = options.length;
    let members = &options.members;
    for ((member, required), bits) in members.iter().zip(&prepared.starts) {
        if *required && bits.is_empty() {
            reasons.push(format!(
                "`{}` has no free {length} in the search window (windows, away dates, busy time{})",
                member.id(),
                if options.civil.is_some() { " and the civil-hours band" } else { "" }
            ));
        }
    }
    if reasons.is_empty() {
        let required: Vec<usize> =
            members.iter().enumerate().filter(|(_, (_, r))| *r).map(|(i, _)| i).collect();
        for (x, a) in required.iter().enumerate() {
            for b in required.iter().skip(x + 1) {
                if let (Some(bits_a), Some(bits_b)) =
                    (prepared.starts.get(*a), prepared.starts.get(*b))
                {
                    let mut both = bits_a.clone();
                    both.and_with(bits_b);
                    if both.is_empty() {
                        let name = |i: usize| members.get(i).map_or("", |(m, _)| m.id());
                        reasons.push(format!(
                            "`{}` and `{}` are never free for {length} at the same time",
                            name(*a),
                            name(*b)
                        ));
                    }
                }
            }
        }
    }
    reasons
}
