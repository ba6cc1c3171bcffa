//! Pod formation: split members into small groups that share a recurring time.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;
use tempi_core::{Cadence, Length};

use crate::availability::Availability;
use crate::bits::Bits;
use crate::common::{Options, Prepared};
use crate::{Error, Pattern, SeriesEnd, SeriesQuery};

/// Splits members into pods of a size range (default 4 to 6) with the most shared recurring
/// time, and proposes each pod's time.
///
/// Each member's *profile* is the set of weekly start times (15-minute phases of the UTC week)
/// at which they are free for the meeting in every week of the commitment. A pod's shared time
/// is the size of the AND of its members' profiles; the objective is the sum over members of
/// their pod's shared time. The split is greedy (hardest member first, then whoever keeps the
/// most shared time), improved by moves and swaps until none helps. Up to 10 members it is also
/// solved exhaustively and the optimum reported; otherwise an upper bound: a member's pod
/// shares at most what they share with their (min − 1)-th most compatible other member.
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub use tempi_solve as solve; }
/// use tempi::chrono::NaiveDate;
/// use tempi::chrono_tz::{America::New_York, Europe::Berlin};
/// use tempi::{Cadence, WeeklyWindow};
/// use tempi::solve::{Availability, PodBound, PodQuery};
///
/// let from = NaiveDate::from_ymd_opt(2027, 5, 3).unwrap();
/// let mut query = PodQuery::new("60m".parse()?, "weekly".parse::<Cadence>()?, Berlin, from, 4);
/// query.sizes(2, 2);
/// let mornings = WeeklyWindow::parse_many("mon-fri 08:00-10:00")?;
/// let evenings = WeeklyWindow::parse_many("mon-fri 19:00-21:00")?;
/// for (id, windows) in [("a", &mornings), ("b", &evenings), ("c", &mornings), ("d", &evenings)] {
///     query.member(Availability::new(id, Berlin).windows(windows.clone()));
/// }
/// let plan = query.solve()?;
/// let mut pods: Vec<Vec<String>> = plan.pods.iter().map(|p| p.members.clone()).collect();
/// pods.sort();
/// assert_eq!(pods, vec![vec!["a".to_string(), "c".to_string()], vec!["b".to_string(), "d".to_string()]]);
/// assert!(matches!(plan.bound, PodBound::Optimal { optimum } if optimum == plan.objective));
/// # let _ = New_York;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodQuery {
    members: Vec<Availability>,
    min: usize,
    max: usize,
    length: Length,
    cadence: Cadence,
    zone: Tz,
    from: NaiveDate,
    count: u32,
}

/// One proposed pod.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Pod {
    /// The members' ids.
    pub members: Vec<String>,
    /// Weekly start times (15-minute phases) free for all of them every week.
    pub shared: usize,
    /// The pod's best recurring time, if one holds.
    pub pattern: Option<Pattern>,
}

/// How good a split is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PodBound {
    /// Exhaustive search found this optimum.
    Optimal {
        /// The best objective of any split.
        optimum: usize,
    },
    /// No split can do better than this.
    Upper {
        /// The bound.
        bound: usize,
    },
}

impl PodBound {
    /// The number itself: the optimum, or the bound no split can beat.
    pub fn value(self) -> usize {
        match self {
            PodBound::Optimal { optimum } => optimum,
            PodBound::Upper { bound } => bound,
        }
    }
}

/// The proposed pods.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PodPlan {
    /// The pods, largest shared time first.
    pub pods: Vec<Pod>,
    /// Σ over members of their pod's shared time.
    pub objective: usize,
    /// The optimum or an upper bound, to judge the objective against.
    pub bound: PodBound,
}

impl PodPlan {
    /// A plan of these pods, their objective and its bound (for callers that build one to print).
    pub fn new(pods: Vec<Pod>, objective: usize, bound: PodBound) -> PodPlan {
        PodPlan { pods, objective, bound }
    }
}

impl PodQuery {
    /// Pods meeting for `length` on `cadence` (anchored in `zone`) for `count` occurrences
    /// from `from`.
    pub fn new(
        length: Length,
        cadence: Cadence,
        zone: Tz,
        from: NaiveDate,
        count: u32,
    ) -> PodQuery {
        PodQuery { members: Vec::new(), min: 4, max: 6, length, cadence, zone, from, count }
    }

    /// Adds a member.
    pub fn member(&mut self, member: Availability) -> &mut PodQuery {
        self.members.push(member);
        self
    }

    /// Pod sizes from `min` to `max` (default 4 to 6).
    pub fn sizes(&mut self, min: usize, max: usize) -> &mut PodQuery {
        self.min = min;
        self.max = max;
        self
    }

    /// Splits the members and proposes each pod's time.
    ///
    /// # Errors
    /// When the members cannot be split into pods of the sizes asked for, or a pod's recurring
    /// query fails (see [`SeriesQuery::solve`]).
    pub fn solve(&self) -> Result<PodPlan, Error> {
        let n = self.members.len();
        if n > crate::MAX_MEMBERS {
            return Err(Error::TooManyMembers { count: n, max: crate::MAX_MEMBERS });
        }
        let sizes_error = Error::PodSizes { members: n, min: self.min, max: self.max };
        if n == 0 || self.min == 0 || self.max < self.min {
            return Err(sizes_error);
        }
        let target = (self.min + self.max).div_ceil(2);
        let fewest = n.div_ceil(self.max);
        let most = n / self.min;
        if fewest > most {
            return Err(sizes_error);
        }
        let pods = (n.div_ceil(target).max(1)).clamp(fewest, most);
        let profiles = self.profiles()?;
        let value = |pod: &[usize]| shared(&profiles, pod);

        // Greedy: sizes as even as possible; each pod seeded by the hardest member left.
        let mut sizes = vec![n / pods; pods];
        for s in sizes.iter_mut().take(n % pods) {
            *s += 1;
        }
        let mut left: Vec<usize> = (0..n).collect();
        left.sort_by_key(|m| (profiles.get(*m).map_or(0, Bits::count_ones), *m));
        let mut split: Vec<Vec<usize>> = Vec::new();
        for size in &sizes {
            let mut pod = Vec::new();
            if !left.is_empty() {
                pod.push(left.remove(0));
            }
            while pod.len() < *size && !left.is_empty() {
                let mut best = (0usize, usize::MAX);
                for (k, m) in left.iter().enumerate() {
                    let mut trial = pod.clone();
                    trial.push(*m);
                    let v = value(&trial);
                    if best.1 == usize::MAX || v > best.0 {
                        best = (v, k);
                    }
                }
                pod.push(left.remove(best.1));
            }
            split.push(pod);
        }
        improve(&mut split, &value, self.min, self.max);
        let objective = total(&split, &value);
        let bound = if n <= 10 {
            PodBound::Optimal { optimum: exhaustive(n, self.min, self.max, &value).max(objective) }
        } else {
            PodBound::Upper { bound: upper_bound(&profiles, self.min) }
        };
        let mut out = Vec::new();
        for pod in &split {
            let mut query = SeriesQuery::new(
                self.length,
                self.cadence.clone(),
                self.zone,
                self.from,
                SeriesEnd::Count(self.count),
            );
            for m in pod {
                if let Some(member) = self.members.get(*m) {
                    query.required(member.clone());
                }
            }
            query.max_results(1);
            let pattern = query.solve()?.patterns.into_iter().next();
            let mut ids: Vec<String> = pod
                .iter()
                .filter_map(|m| self.members.get(*m))
                .map(|m| m.id().to_string())
                .collect();
            ids.sort();
            out.push(Pod { members: ids, shared: value(pod), pattern });
        }
        out.sort_by(|a, b| b.shared.cmp(&a.shared).then(a.members.cmp(&b.members)));
        Ok(PodPlan { pods: out, objective, bound })
    }

    /// Each member's weekly profile: phases free in every week of the commitment.
    fn profiles(&self) -> Result<Vec<Bits>, Error> {
        let mut options = Options::new(self.length);
        options.members = self.members.iter().map(|m| (m.clone(), false)).collect();
        options.quorum = Some(crate::Quorum::Count(1));
        options.check()?;
        let start = self.from.and_time(NaiveTime::MIN).and_utc().timestamp().div_euclid(60);
        let weeks = i64::from(self.count.max(1));
        let prepared = Prepared::new(&options, start, start + weeks * 7 * 1440 + 1440);
        let step = prepared.grid.step;
        let phases = usize::try_from(7 * 1440 / 15).unwrap_or(672);
        let mut out = Vec::with_capacity(self.members.len());
        for bits in &prepared.starts {
            let mut profile = Bits::zeros(phases);
            for phase in 0..phases {
                let ok = (0..weeks).all(|w| {
                    let minute = start + w * 7 * 1440 + i64::try_from(phase).unwrap_or(0) * 15;
                    prepared.grid.exact(minute).is_some_and(|i| bits.get(i))
                });
                if ok {
                    profile.fill(phase, phase + 1, true);
                }
            }
            let _ = step;
            out.push(profile);
        }
        Ok(out)
    }
}

fn shared(profiles: &[Bits], pod: &[usize]) -> usize {
    let mut it = pod.iter().filter_map(|m| profiles.get(*m));
    let Some(first) = it.next() else { return 0 };
    let mut all = first.clone();
    for p in it {
        all.and_with(p);
    }
    all.count_ones()
}

fn total(split: &[Vec<usize>], value: &dyn Fn(&[usize]) -> usize) -> usize {
    split.iter().map(|pod| pod.len() * value(pod)).sum()
}

/// Moves and swaps between pods while the objective improves (bounded passes).
fn improve(split: &mut [Vec<usize>], value: &dyn Fn(&[usize]) -> usize, min: usize, max: usize) {
    for _ in 0..50 {
        let mut better = false;
        let current = total(split, value);
        let pods = split.len();
        'search: for a in 0..pods {
            for b in 0..pods {
                if a == b {
                    continue;
                }
                let (len_a, len_b) =
                    (split.get(a).map_or(0, Vec::len), split.get(b).map_or(0, Vec::len));
                for x in 0..len_a {
                    // Move x from a to b.
                    if len_a > min && len_b < max {
                        let mut trial = split.to_vec();
                        if let Some(m) = trial.get_mut(a).map(|p| p.remove(x)) {
                            if let Some(pod) = trial.get_mut(b) {
                                pod.push(m);
                            }
                            if total(&trial, value) > current {
                                split.clone_from_slice(&trial);
                                better = true;
                                break 'search;
                            }
                        }
                    }
                    // Swap x with each y of b.
                    if a < b {
                        for y in 0..len_b {
                            let mut trial = split.to_vec();
                            let (mx, my) = (
                                trial.get(a).and_then(|p| p.get(x)).copied(),
                                trial.get(b).and_then(|p| p.get(y)).copied(),
                            );
                            if let (Some(mx), Some(my)) = (mx, my) {
                                if let Some(slot) = trial.get_mut(a).and_then(|p| p.get_mut(x)) {
                                    *slot = my;
                                }
                                if let Some(slot) = trial.get_mut(b).and_then(|p| p.get_mut(y)) {
                                    *slot = mx;
                                }
                                if total(&trial, value) > current {
                                    split.clone_from_slice(&trial);
                                    better = true;
                                    break 'search;
                                }
                            }
                        }
                    }
                }
            }
        }
        if !better {
            break;
        }
    }
}

/// The best objective over every split into pods of `min..=max` (small inputs only).
fn exhaustive(n: usize, min: usize, max: usize, value: &dyn Fn(&[usize]) -> usize) -> usize {
    fn go(
        rest: &[usize],
        min: usize,
        max: usize,
        value: &dyn Fn(&[usize]) -> usize,
    ) -> Option<usize> {
        let Some((&first, others)) = rest.split_first() else { return Some(0) };
        let mut best: Option<usize> = None;
        for size in min..=max.min(rest.len()) {
            // Choose size - 1 mates for `first` from `others`.
            let mut pick: Vec<usize> = (0..size - 1).collect();
            loop {
                if pick.len() == size - 1 && pick.iter().all(|k| *k < others.len()) {
                    let mut pod = vec![first];
                    pod.extend(pick.iter().filter_map(|k| others.get(*k)));
                    let remaining: Vec<usize> = others
                        .iter()
                        .enumerate()
                        .filter(|(k, _)| !pick.contains(k))
                        .map(|(_, m)| *m)
                        .collect();
                    if let Some(v) = go(&remaining, min, max, value) {
                        let here = pod.len() * value(&pod) + v;
                        best = Some(best.map_or(here, |b| b.max(here)));
                    }
                }
                // Next combination.
                let k = pick.len();
                let mut i = k;
                let mut advanced = false;
                while i > 0 {
                    i -= 1;
                    let limit = others.len() - (k - i);
                    if pick.get(i).is_some_and(|p| *p < limit) {
                        if let Some(p) = pick.get_mut(i) {
                            *p += 1;
                        }
                        let base = pick.get(i).copied().unwrap_or(0);
                        for (j, slot) in pick.iter_mut().enumerate().skip(i + 1) {
                            *slot = base + (j - i);
                        }
                        advanced = true;
                        break;
                    }
                }
                if !advanced || others.len() < k {
                    break;
                }
            }
        }
        best
    }
    let all: Vec<usize> = (0..n).collect();
    go(&all, min, max, value).unwrap_or(0)
}

/// Σ over members of the most their pod could share: with at least `min − 1` others, at most
/// what they share with the (min − 1)-th most compatible one (times the largest pod size).
fn upper_bound(profiles: &[Bits], min: usize) -> usize {
    let n = profiles.len();
    let mut sum = 0;
    for (i, p) in profiles.iter().enumerate() {
        let mut pair: Vec<usize> = profiles
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, q)| {
                let mut both = p.clone();
                both.and_with(q);
                both.count_ones()
            })
            .collect();
        pair.sort_unstable_by(|a, b| b.cmp(a));
        let cap = if min <= 1 { p.count_ones() } else { pair.get(min - 2).copied().unwrap_or(0) };
        sum += cap;
    }
    let _ = n;
    sum
}
