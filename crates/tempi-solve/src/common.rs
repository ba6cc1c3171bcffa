//! What one-off and recurring queries share: the options, the prepared bitsets, and scoring.

use chrono::{DateTime, Datelike, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use tempi_core::Length;

use crate::availability::{
    Availability, Grid, Shape, ZoneDays, explain, free_bits, from_epoch_minutes,
};
use crate::bits::Bits;
use crate::{Attendee, Error, Missing, Quorum, Score};

/// The options both queries take; see the setters on [`crate::SlotQuery`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Options {
    pub(crate) members: Vec<(Availability, bool)>,
    pub(crate) length: Length,
    pub(crate) granularity: u32,
    pub(crate) quorum: Option<Quorum>,
    pub(crate) buffer_before: u32,
    pub(crate) buffer_after: u32,
    pub(crate) now: Option<DateTime<Utc>>,
    pub(crate) notice: u32,
    pub(crate) civil: Option<(u16, u16)>,
    pub(crate) default_hours: (u16, u16),
    pub(crate) max_results: usize,
    pub(crate) spread: bool,
}

impl Options {
    pub(crate) fn new(length: Length) -> Options {
        Options {
            members: Vec::new(),
            length,
            granularity: 15,
            quorum: None,
            buffer_before: 0,
            buffer_after: 0,
            now: None,
            notice: 0,
            civil: None,
            default_hours: (8 * 60, 21 * 60),
            max_results: 10,
            spread: true,
        }
    }

    pub(crate) fn check(&self) -> Result<(), Error> {
        if self.members.is_empty() {
            return Err(Error::NoMembers);
        }
        if self.members.len() > crate::MAX_MEMBERS {
            return Err(Error::TooManyMembers {
                count: self.members.len(),
                max: crate::MAX_MEMBERS,
            });
        }
        if !(1..=720).contains(&self.granularity) {
            return Err(Error::Granularity { minutes: self.granularity });
        }
        let mut ids: Vec<&str> = self.members.iter().map(|(m, _)| m.id()).collect();
        ids.sort_unstable();
        if let Some(pair) = ids.windows(2).find(|w| w.first() == w.get(1)) {
            return Err(Error::DuplicateMember {
                id: pair.first().copied().unwrap_or("").to_string(),
            });
        }
        let n = self.members.len();
        match self.quorum {
            Some(Quorum::Count(q)) if q == 0 || q as usize > n => {
                return Err(Error::Quorum { quorum: q.to_string(), members: n });
            }
            Some(Quorum::Percent(p)) if p == 0 || p > 100 => {
                return Err(Error::Quorum { quorum: format!("{p}%"), members: n });
            }
            _ => {}
        }
        Ok(())
    }

    /// Attendees needed: every required member, and at least the quorum.
    pub(crate) fn needed(&self) -> usize {
        let n = self.members.len();
        let required = self.members.iter().filter(|(_, r)| *r).count();
        let quorum = match self.quorum {
            Some(Quorum::Count(q)) => q as usize,
            Some(Quorum::Percent(p)) => (n * usize::from(p)).div_ceil(100),
            None if required == 0 => n,
            None => required,
        };
        quorum.max(required).max(1)
    }

    pub(crate) fn shape(&self) -> Shape {
        Shape {
            civil: self.civil,
            default_hours: self.default_hours,
            buffer_before: i64::from(self.buffer_before),
            buffer_after: i64::from(self.buffer_after),
            not_before: self
                .now
                .map(|now| crate::availability::epoch_minutes(now) + i64::from(self.notice)),
        }
    }

    /// The grid resolution: divides the granularity, the length and 15 minutes, so meetings
    /// are whole runs of slots and every zone's quarter hours fall on the grid.
    pub(crate) fn resolution(&self) -> i64 {
        let g = gcd(gcd(self.granularity, self.length.minutes()), 15);
        i64::from(g.max(1))
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// The bitsets of one query: per member, the slots where a meeting can start.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    pub(crate) grid: Grid,
    pub(crate) run: usize,
    pub(crate) shape: Shape,
    pub(crate) starts: Vec<Bits>,
    /// Slots on the granularity where every required member can start.
    pub(crate) required: Bits,
    /// Slots where at least `needed` members can start (only when the quorum asks for more
    /// than the required members).
    pub(crate) quorum: Option<Bits>,
    pub(crate) needed: usize,
}

impl Prepared {
    /// Builds every member's bitset over `[from, to)` (epoch minutes): `O(M · (D·w + B + S/64))`
    /// for M members, D days, w windows a day, B busy intervals and S slots.
    pub(crate) fn new(options: &Options, from: i64, to: i64) -> Prepared {
        Prepared::with_zone_days(options, from, to).0
    }

    /// As [`Prepared::new`], also handing back each member zone's calendar (a pure cache: a
    /// date maps to the same minute whatever range it was built over), so the anchor zone's
    /// need not be built twice.
    pub(crate) fn with_zone_days(
        options: &Options,
        from: i64,
        to: i64,
    ) -> (Prepared, Vec<(Tz, ZoneDays)>) {
        let step = options.resolution();
        let grid = Grid::new(from, to, step);
        let shape = options.shape();
        let mut zones: Vec<(Tz, ZoneDays)> = Vec::new();
        let mut free = Vec::with_capacity(options.members.len());
        for (member, _) in &options.members {
            let index = match zones.iter().position(|(z, _)| *z == member.zone()) {
                Some(i) => i,
                None => {
                    let (first, last) = crate::availability::grid_dates(&grid, member.zone());
                    let first = first.pred_opt().unwrap_or(first);
                    zones.push((member.zone(), ZoneDays::new(member.zone(), first, last)));
                    zones.len() - 1
                }
            };
            free.push(match zones.get(index) {
                Some((_, days)) => free_bits(member, &grid, &shape, days),
                None => Bits::zeros(grid.len),
            });
        }
        (Prepared::assemble(options, grid, shape, free.iter()), zones)
    }

    /// The query's starts from members' free bitsets (one per member, in order).
    pub(crate) fn assemble<'b>(
        options: &Options,
        grid: Grid,
        shape: Shape,
        free: impl Iterator<Item = &'b Bits>,
    ) -> Prepared {
        let run =
            usize::try_from(i64::from(options.length.minutes()) / grid.step).unwrap_or(1).max(1);
        let starts: Vec<Bits> = free.map(|bits| bits.runs(run)).collect();
        let mut required = Bits::zeros(grid.len);
        let granularity = i64::from(options.granularity);
        if granularity == grid.step {
            required.fill(0, grid.len, true);
        } else {
            for i in 0..grid.len {
                if grid.minute(i).rem_euclid(granularity) == 0 {
                    required.fill(i, i + 1, true);
                }
            }
        }
        for ((_, is_required), bits) in options.members.iter().zip(&starts) {
            if *is_required {
                required.and_with(bits);
            }
        }
        let n_required = options.members.iter().filter(|(_, r)| *r).count();
        let needed = options.needed();
        let quorum = (needed > n_required).then(|| at_least(&starts, needed, grid.len));
        Prepared { grid, run, shape, starts, required, quorum, needed }
    }

    /// Whether a meeting can start at slot `i`.
    pub(crate) fn valid(&self, i: usize) -> bool {
        self.required.get(i) && self.quorum.as_ref().is_none_or(|q| q.get(i))
    }

    pub(crate) fn attending(&self, i: usize) -> Vec<bool> {
        self.starts.iter().map(|b| b.get(i)).collect()
    }

    pub(crate) fn minutes(&self) -> i64 {
        i64::try_from(self.run).unwrap_or(1) * self.grid.step
    }
}

/// The slots (of `len`) set in at least `needed` of `sets`, 64 at a time: each word's per-slot
/// counts are kept as binary digits across words (`planes`, least significant first), each set
/// added with a ripple carry, then compared with `needed` from the top digit down. A count
/// saturates at `u16::MAX`, so a `needed` above it is never reached.
fn at_least(sets: &[Bits], needed: usize, len: usize) -> Bits {
    let words = len.div_ceil(64);
    if needed > usize::from(u16::MAX) {
        return Bits::zeros(len);
    }
    // Enough digits for every count and for `needed`: neither overflows.
    let digits = (usize::BITS - sets.len().max(needed).leading_zeros()) as usize;
    let mut planes = vec![0u64; digits];
    let mut out = Vec::with_capacity(words);
    for w in 0..words {
        planes.iter_mut().for_each(|p| *p = 0);
        for set in sets {
            let mut carry = set.words().get(w).copied().unwrap_or(0);
            for plane in planes.iter_mut() {
                if carry == 0 {
                    break;
                }
                let sum = *plane ^ carry;
                carry &= *plane;
                *plane = sum;
            }
        }
        // count > needed so far (`above`), count == needed so far (`equal`), top digit first.
        let (mut above, mut equal) = (0u64, u64::MAX);
        for (d, plane) in planes.iter().enumerate().rev() {
            if needed >> d & 1 == 1 {
                equal &= *plane;
            } else {
                above |= equal & *plane;
                equal &= !*plane;
            }
        }
        out.push(above | equal);
    }
    Bits::from_words(out, len)
}

/// How unwelcome a local hour is, ClockAlign-style: 0 in 09–17, 1 in 08–09 and 17–19, 2 in
/// 07–08 and 19–21, 3 in 06–07 and 21–22, 5 at night.
fn hour_pain(minute_of_day: u32) -> u32 {
    match minute_of_day / 60 {
        9..=16 => 0,
        8 | 17 | 18 => 1,
        7 | 19 | 20 => 2,
        6 | 21 => 3,
        _ => 5,
    }
}

/// The worst hour of a meeting for someone whose local start is `local`, `minutes` long.
pub(crate) fn pain(local: DateTime<Tz>, minutes: i64) -> u32 {
    let start = local.hour() * 60 + local.minute();
    let mut worst = 0;
    let mut m = 0i64;
    while m < minutes {
        let at = (i64::from(start) + m).rem_euclid(1440);
        worst = worst.max(hour_pain(u32::try_from(at).unwrap_or(0)));
        m += 15;
    }
    let last = (i64::from(start) + minutes - 1).rem_euclid(1440);
    worst.max(hour_pain(u32::try_from(last).unwrap_or(0)))
}

/// The soft preference of one attendee: +1 inside their preferred hours, -1 outside them,
/// -2 on a day they avoid.
pub(crate) fn preference(member: &Availability, local: DateTime<Tz>, minutes: i64) -> i64 {
    let mut score = 0;
    if let Some(hours) = member.preferred_hours() {
        let start = i64::from(local.hour() * 60 + local.minute());
        let inside = start >= i64::from(hours.start_minute())
            && start + minutes <= i64::from(hours.end_minute());
        score += if inside { 1 } else { -1 };
    }
    if member.avoided_days().contains(&local.weekday()) {
        score -= 2;
    }
    score
}

/// Scores a meeting from the attendees' local starts. `burden` adds each member's earlier
/// inconvenience (whole-plan placement rotates it); zero elsewhere.
pub(crate) fn score(
    members: &[(Availability, bool)],
    attending: &[bool],
    start: i64,
    minutes: i64,
    burden: &dyn Fn(usize) -> u32,
) -> (Score, Vec<Attendee>) {
    let mut attendees = Vec::new();
    let score = tally(members, attending, start, minutes, burden, |member, required, local| {
        attendees.push(Attendee { id: member.id().to_string(), required, local });
    });
    (score, attendees)
}

/// The score of [`score`] alone, for when the attendees are not shown: no list is built.
pub(crate) fn score_alone(
    members: &[(Availability, bool)],
    attending: &[bool],
    start: i64,
    minutes: i64,
    burden: &dyn Fn(usize) -> u32,
) -> Score {
    tally(members, attending, start, minutes, burden, |_, _, _| {})
}

/// The score, handing each attendee (with whether they are required, and their local start)
/// to `each`.
fn tally(
    members: &[(Availability, bool)],
    attending: &[bool],
    start: i64,
    minutes: i64,
    burden: &dyn Fn(usize) -> u32,
    mut each: impl FnMut(&Availability, bool, DateTime<Tz>),
) -> Score {
    let instant = from_epoch_minutes(start);
    let n = i64::try_from(members.len()).unwrap_or(1).max(1);
    let (mut count, mut preferences, mut worst, mut sum) = (0i64, 0i64, 0u32, 0i64);
    for (index, ((member, required), here)) in members.iter().zip(attending).enumerate() {
        if !*here {
            continue;
        }
        let local = instant.with_timezone(&member.zone());
        preferences += preference(member, local, minutes);
        let p = pain(local, minutes) + burden(index);
        worst = worst.max(p);
        sum += i64::from(p);
        count += 1;
        each(member, *required, local);
    }
    let attendance = 1000 * count / n;
    let preferences = 100 * preferences / n;
    // The worst-off attendee first; then everyone's pain, so no one is made worse off just to
    // even things out.
    let fairness = -(30 * i64::from(worst) + 10 * sum / count.max(1));
    let total = attendance + preferences + fairness;
    Score { total, attendance, preferences, fairness }
}

/// The members missing from `[start, start + minutes)`, each with a reason.
pub(crate) fn missing(
    options: &Options,
    shape: &Shape,
    attending: &[bool],
    start: i64,
    minutes: i64,
) -> Vec<Missing> {
    options
        .members
        .iter()
        .zip(attending)
        .filter(|(_, here)| !**here)
        .map(|((member, required), _)| Missing {
            id: member.id().to_string(),
            required: *required,
            reason: explain(member, start, start + minutes, shape)
                .unwrap_or(crate::Reason::NoFreeStretch),
        })
        .collect()
}

/// A local time of day from minutes.
pub(crate) fn time_of(minute: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(minute / 60 % 24, minute % 60, 0).unwrap_or(NaiveTime::MIN)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::{Bits, at_least};

    proptest! {
        /// The word-wise count agrees with counting each slot's members one by one.
        #[test]
        fn at_least_counts_each_slot(
            len in 1usize..300,
            spans in proptest::collection::vec(
                proptest::collection::vec((0usize..300, 0usize..80), 0..6),
                0..12,
            ),
            needed in 1usize..14,
        ) {
            let sets: Vec<Bits> = spans
                .iter()
                .map(|set| {
                    let mut bits = Bits::zeros(len);
                    for (from, n) in set {
                        bits.fill(*from, from + n, true);
                    }
                    bits
                })
                .collect();
            let got = at_least(&sets, needed, len);
            for i in 0..len {
                let count = sets.iter().filter(|b| b.get(i)).count();
                prop_assert_eq!(got.get(i), count >= needed, "slot {}", i);
            }
            prop_assert_eq!(got.count_ones(), (0..len).filter(|i| got.get(*i)).count());
        }
    }

    #[test]
    fn a_count_beyond_u16_is_never_reached() {
        let mut all = Bits::zeros(10);
        all.fill(0, 10, true);
        assert!(at_least(&[all], 70_000, 10).is_empty());
    }
}
