//! Mixers: regroup a congregation's members into small groups each round, across their pods, so
//! that over a season everyone meets as many new people as possible (a social-golfer problem).
//!
//! ```
//! # mod tempi { pub use tempi_core::*; pub use tempi_solve as solve; }
//! use tempi::solve::mix::{MixProblem, coverage};
//!
//! // 8 members in 4 pods of 2 (pod of member i: i / 2), 3 rounds of mixers of 4.
//! let pods: Vec<u32> = (0..8).map(|i| i / 2).collect();
//! let mut problem = MixProblem::new(pods.clone(), 4)?;
//! for _ in 0..3 {
//!     problem.round(vec![true; 8])?;
//! }
//! let mixing = problem.seeded_by("mixer").solve();
//! let report = coverage(&pods, &mixing);
//! // 3 rounds × 2 groups × 6 pairs = 36, capped by the 24 cross-pod pairs that exist.
//! assert_eq!(report.bound, 24);
//! assert!(mixing.rounds.iter().all(|groups| groups.iter().map(Vec::len).sum::<usize>() == 8));
//! # Ok::<(), tempi::solve::Error>(())
//! ```
//!
//! # How groups are sized
//!
//! A round with `n` present members has `round(n / size)` groups (halves up, at least one, and
//! one fewer when that would leave a group of one), filled as evenly as possible: sizes differ by
//! at most one. So groups hold `size` or `size + 1` members when there are leftovers to spread
//! and `size − 1` or `size` when it is closer to add a group (40 at size 4: ten of 4; 38: eight
//! of 4 and two of 3; 37: nine groups, one of 5). Once `n ≥ size²` every group is within
//! `size ± 1`; a smaller roster gets fewer, larger groups (5 at size 4 is one group of 5).
//!
//! # How members are grouped
//!
//! Each round starts from a deal that keeps pods apart: pods, largest first (ties in a seeded
//! order), are dealt member by member round-robin across the groups, so no group has two
//! members of one pod whenever no pod has more members present than there are groups. Then a
//! tabu search in the manner of Dotú & Van Hentenryck's for the social golfer problem (2005):
//! each step takes, in a random round, a random member who meets someone of another pod again,
//! and makes the best swap of that member with one of another group that adds no same-pod pair
//! and is not tabu (a member swapped stays put for 4 to 7 steps, unless the swap beats the best
//! state seen); after 200 steps (plus one per member-round) without a new best, a few random
//! swaps shake it out of the basin. The cost is `Σ c(c − 1) / 2` over cross-pod pairs that meet `c` times in the
//! season: zero exactly when no pair meets twice, and then the search stops. It stops anyway
//! after a fixed amount of work (pair evaluations: 20,000 per member-round, capped at
//! [`MAX_WORK`]), with a seeded generator (SplitMix64, seeded from the rhythm's id), so it always
//! ends and the same input always gives the same groups. The best state seen is returned.
//!
//! A step costs `O(n · size)` for the `n` members of its round; the deal is `O(n log n)` a round.
//! 40 members over 6 rounds reach the no-repeat bound in well under a millisecond
//! (BENCHMARKS.md).

use crate::Error;

/// The most pair evaluations the search of one season makes, whatever its size: bounds the
/// time (about a second on one core).
pub const MAX_WORK: u64 = 400_000_000;

/// The most rounds one season holds: memory is rounds × members, and by then everyone has met
/// everyone many times over. `tempi::pipeline` starts a new season every this many meetings.
pub const MAX_ROUNDS: usize = 1_000;

/// Pair evaluations per member-round (a member present in a round), before the cap.
const WORK_PER_SLOT: u64 = 20_000;

/// Steps a swapped member stays put (plus a random part up to as much again).
const TENURE: usize = 4;

/// Steps without a new best (plus one per member-round) before a few random swaps.
const STALL: u64 = 200;

/// One season of mixers to form: each member's pod, the group size, and who is present in each
/// round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MixProblem {
    pods: Vec<u32>,
    size: usize,
    present: Vec<Vec<bool>>,
    seed: u64,
}

/// The groups of every round: `rounds[r]` lists round `r`'s groups, each a sorted list of member
/// indices; groups are sorted by their first member. Absent members are in no group.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Mixing {
    /// The groups of each round.
    pub rounds: Vec<Vec<Vec<usize>>>,
}

/// How many new people a season's mixers brought together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Coverage {
    /// Rounds in the season.
    pub rounds: usize,
    /// Distinct pairs of members of different pods who met in at least one mixer.
    pub new_pairs: usize,
    /// The most new pairs possible if every member came to every round: rounds × the pairs in
    /// one round's groups, capped by the cross-pod pairs that exist.
    pub bound: usize,
    /// The same bound with only the members present in each round (availability, away dates,
    /// busy time): `bound − bound_present` is what the constraints cost.
    pub bound_present: usize,
    /// Pairs of members of different pods in the roster.
    pub cross_pod_pairs: usize,
    /// Times a pair of the same pod was put in one mixer (only when a pod has more members
    /// present than the round has groups).
    pub same_pod: usize,
    /// Member-rounds missed (a member not present in a round).
    pub absences: usize,
}

impl Coverage {
    /// `new_pairs` as a share of `bound`, in per mille (1000 when the bound is 0).
    pub fn per_mille(&self) -> usize {
        per_mille(self.new_pairs, self.bound)
    }
}

/// `part / whole` in per mille, rounded down; 1000 when `whole` is 0.
pub fn per_mille(part: usize, whole: usize) -> usize {
    part.saturating_mul(1000).checked_div(whole).unwrap_or(1000)
}

impl MixProblem {
    /// Members with their pods (`pods[i]` is member `i`'s pod; a member in no pod gets a pod
    /// of their own), regrouped into mixers of `size`.
    ///
    /// # Errors
    /// [`Error::MixSize`] when `size` is below 2, [`Error::TooManyMembers`] beyond
    /// [`crate::MAX_MEMBERS`].
    pub fn new(pods: Vec<u32>, size: usize) -> Result<MixProblem, Error> {
        if size < 2 {
            return Err(Error::MixSize { size });
        }
        if pods.len() > crate::MAX_MEMBERS {
            return Err(Error::TooManyMembers { count: pods.len(), max: crate::MAX_MEMBERS });
        }
        Ok(MixProblem { pods, size, present: Vec::new(), seed: 0 })
    }

    /// Adds a round; `present[i]` says whether member `i` can come.
    ///
    /// # Errors
    /// [`Error::MixRound`] when `present` does not have one entry per member,
    /// [`Error::MixRounds`] beyond [`MAX_ROUNDS`] rounds.
    pub fn round(&mut self, present: Vec<bool>) -> Result<&mut MixProblem, Error> {
        if self.present.len() >= MAX_ROUNDS {
            return Err(Error::MixRounds { max: MAX_ROUNDS });
        }
        if present.len() != self.pods.len() {
            return Err(Error::MixRound { members: self.pods.len(), given: present.len() });
        }
        self.present.push(present);
        Ok(self)
    }

    /// Seeds the search from a text, e.g. the rhythm's id (default seed 0).
    pub fn seeded_by(&mut self, text: &str) -> &mut MixProblem {
        self.seed = fnv1a(text.as_bytes());
        self
    }

    /// Seeds the search with a number.
    pub fn seed(&mut self, seed: u64) -> &mut MixProblem {
        self.seed = seed;
        self
    }

    /// The members' pods.
    pub fn pods(&self) -> &[u32] {
        &self.pods
    }

    /// The group size asked for.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Who is present in each round.
    pub fn presence(&self) -> &[Vec<bool>] {
        &self.present
    }

    /// The mixers: every present member in exactly one group per round.
    pub fn solve(&self) -> Mixing {
        let mut rng = SplitMix(self.seed);
        let mut state = State::new(&self.pods);
        for present in &self.present {
            let members = present_members(present);
            let groups =
                deal(&self.pods, &members, group_count(members.len(), self.size), &mut rng);
            state.push_round(groups);
        }
        let slots: u64 = self.present.iter().map(|p| p.iter().filter(|b| **b).count() as u64).sum();
        state.search(slots.saturating_mul(WORK_PER_SLOT).min(MAX_WORK), &mut rng);
        state.best_mixing()
    }

    /// Random regrouping (what Slack's Donut does): each round's present members shuffled and cut
    /// into groups of the same sizes, pods ignored.
    pub fn random(&self, seed: u64) -> Mixing {
        let mut rng = SplitMix(seed);
        let rounds = self
            .present
            .iter()
            .map(|present| {
                let mut members = present_members(present);
                rng.shuffle(&mut members);
                let sizes = group_sizes(members.len(), self.size);
                let mut groups = Vec::with_capacity(sizes.len());
                let mut rest = members.as_slice();
                for size in sizes {
                    let (group, tail) = rest.split_at(size.min(rest.len()));
                    groups.push(group.to_vec());
                    rest = tail;
                }
                normalise(groups)
            })
            .collect();
        Mixing { rounds }
    }

    /// The median new pairs of random regrouping over `seeds` seeds (the problem's seed, then
    /// the next ones), for comparison.
    pub fn random_median(&self, seeds: u64) -> usize {
        let mut found: Vec<usize> = (0..seeds.max(1))
            .map(|k| coverage(&self.pods, &self.random(self.seed.wrapping_add(k))).new_pairs)
            .collect();
        found.sort_unstable();
        found.get(found.len() / 2).copied().unwrap_or(0)
    }

    /// The coverage of `mixing` for this problem, with the bounds of [`Coverage`].
    pub fn coverage(&self, mixing: &Mixing) -> Coverage {
        let mut out = coverage(&self.pods, mixing);
        let everyone = self.pods.len();
        out.rounds = self.present.len();
        let per_round = pairs_in(&group_sizes(everyone, self.size));
        out.bound = per_round.saturating_mul(self.present.len()).min(out.cross_pod_pairs);
        let ever: Vec<bool> = (0..everyone)
            .map(|i| self.present.iter().any(|p| p.get(i).copied().unwrap_or(false)))
            .collect();
        let ever_pairs = cross_pod_pairs(&self.pods, &ever);
        let present_pairs: usize = self
            .present
            .iter()
            .map(|p| pairs_in(&group_sizes(p.iter().filter(|b| **b).count(), self.size)))
            .sum();
        out.bound_present = present_pairs.min(ever_pairs);
        out.absences = self.present.iter().map(|p| p.iter().filter(|b| !**b).count()).sum();
        out
    }
}

/// The coverage of `mixing` given each member's pod. `bound` and `bound_present` are the
/// groups' own pairs (capped by the cross-pod pairs); [`MixProblem::coverage`] fills in the
/// bound for the full roster.
pub fn coverage(pods: &[u32], mixing: &Mixing) -> Coverage {
    let n = pods.len();
    let mut met = vec![false; n.saturating_mul(n)];
    let mut out = Coverage {
        rounds: mixing.rounds.len(),
        cross_pod_pairs: cross_pod_pairs(pods, &vec![true; n]),
        ..Coverage::default()
    };
    let mut pairs = 0usize;
    for groups in &mixing.rounds {
        for group in groups {
            for (k, &a) in group.iter().enumerate() {
                for &b in group.iter().skip(k + 1) {
                    pairs += 1;
                    if pods.get(a) == pods.get(b) {
                        out.same_pod += 1;
                        continue;
                    }
                    let (lo, hi) = if a < b { (a, b) } else { (b, a) };
                    if let Some(seen) = met.get_mut(lo * n + hi)
                        && !*seen
                    {
                        *seen = true;
                        out.new_pairs += 1;
                    }
                }
            }
        }
    }
    out.bound = pairs.min(out.cross_pod_pairs);
    out.bound_present = out.bound;
    out
}

/// How many groups a round of `present` members gets at `size`: `present / size` rounded to
/// the nearest (halves up), at least 1, and one fewer when that would leave a group of one.
pub fn group_count(present: usize, size: usize) -> usize {
    let size = size.max(1);
    let mut groups = ((2 * present + size) / (2 * size)).max(1);
    // With `groups` as even as possible, the smallest holds present / groups.
    while groups > 1 && present / groups < 2 {
        groups -= 1;
    }
    groups
}

/// The sizes of a round's groups, largest first (they differ by at most one).
pub fn group_sizes(present: usize, size: usize) -> Vec<usize> {
    if present == 0 {
        return Vec::new();
    }
    let groups = group_count(present, size);
    let (base, extra) = (present / groups, present % groups);
    (0..groups).map(|g| base + usize::from(g < extra)).collect()
}

fn pairs_in(sizes: &[usize]) -> usize {
    sizes.iter().map(|s| s * s.saturating_sub(1) / 2).sum()
}

fn cross_pod_pairs(pods: &[u32], present: &[bool]) -> usize {
    let mut per_pod: Vec<u32> =
        pods.iter().zip(present).filter(|(_, p)| **p).map(|(pod, _)| *pod).collect();
    per_pod.sort_unstable();
    let total = per_pod.len();
    let mut same = 0usize;
    for run in per_pod.chunk_by(|a, b| a == b) {
        same += run.len() * (run.len() - 1) / 2;
    }
    (total * total.saturating_sub(1) / 2).saturating_sub(same)
}

fn present_members(present: &[bool]) -> Vec<usize> {
    present.iter().enumerate().filter(|(_, p)| **p).map(|(i, _)| i).collect()
}

/// Deals `members` into `groups` groups keeping pods apart: pods largest first (ties in a seeded
/// order), members of each pod in a seeded order, dealt round-robin.
fn deal(pods: &[u32], members: &[usize], groups: usize, rng: &mut SplitMix) -> Vec<Vec<usize>> {
    if members.is_empty() {
        return Vec::new();
    }
    let mut order = members.to_vec();
    rng.shuffle(&mut order);
    // Group by pod, keeping the shuffled order within each pod and between equal-sized pods.
    let mut by_pod: Vec<(u32, Vec<usize>)> = Vec::new();
    for m in order {
        let pod = pods.get(m).copied().unwrap_or(u32::MAX);
        match by_pod.iter_mut().find(|(p, _)| *p == pod) {
            Some((_, list)) => list.push(m),
            None => by_pod.push((pod, vec![m])),
        }
    }
    by_pod.sort_by_key(|(_, list)| std::cmp::Reverse(list.len()));
    let mut out = vec![Vec::new(); groups.max(1)];
    let count = out.len();
    for (k, m) in by_pod.into_iter().flat_map(|(_, list)| list).enumerate() {
        if let Some(group) = out.get_mut(k % count) {
            group.push(m);
        }
    }
    out
}

fn normalise(mut groups: Vec<Vec<usize>>) -> Vec<Vec<usize>> {
    groups.retain(|g| !g.is_empty());
    for g in &mut groups {
        g.sort_unstable();
    }
    groups.sort();
    groups
}

/// FNV-1a, 64 bits: a stable seed from a text (no process-random hashing).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// SplitMix64 (Steele, Lea & Flood, 2014): small, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0), by multiply-shift.
    fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next()) * n as u128) >> 64) as usize
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

/// The search state: every round's groups, each member's group per round, and how often each
/// pair has met.
#[derive(Debug)]
struct State<'a> {
    pods: &'a [u32],
    n: usize,
    /// `groups[r][g]`: the members of group `g` in round `r`.
    groups: Vec<Vec<Vec<usize>>>,
    /// `place[r * n + i]`: member `i`'s (group, index in group) in round `r`.
    place: Vec<Option<(usize, usize)>>,
    /// `met[a * n + b]` (both orders): how often `a` and `b` share a mixer.
    met: Vec<u16>,
    /// `Σ c(c − 1) / 2` over cross-pod pairs.
    cost: u64,
    best: Option<(u64, Vec<Vec<Vec<usize>>>)>,
}

impl<'a> State<'a> {
    fn new(pods: &'a [u32]) -> State<'a> {
        let n = pods.len();
        State {
            pods,
            n,
            groups: Vec::new(),
            place: Vec::new(),
            met: vec![0; n.saturating_mul(n)],
            cost: 0,
            best: None,
        }
    }

    fn same_pod(&self, a: usize, b: usize) -> bool {
        self.pods.get(a) == self.pods.get(b)
    }

    fn met(&self, a: usize, b: usize) -> u64 {
        u64::from(self.met.get(a * self.n + b).copied().unwrap_or(0))
    }

    fn bump(&mut self, a: usize, b: usize, up: bool) {
        let n = self.n;
        for at in [a * n + b, b * n + a] {
            if let Some(c) = self.met.get_mut(at) {
                *c = if up { c.saturating_add(1) } else { c.saturating_sub(1) };
            }
        }
    }

    fn push_round(&mut self, groups: Vec<Vec<usize>>) {
        let round = self.groups.len();
        self.place.extend(std::iter::repeat_n(None, self.n));
        for (g, group) in groups.iter().enumerate() {
            for (k, &a) in group.iter().enumerate() {
                if let Some(slot) = self.place.get_mut(round * self.n + a) {
                    *slot = Some((g, k));
                }
                for &b in group.iter().skip(k + 1) {
                    if !self.same_pod(a, b) {
                        self.cost += self.met(a, b);
                    }
                    self.bump(a, b, true);
                }
            }
        }
        self.groups.push(groups);
    }

    /// The change in cost and in same-pod pairs if `a` (in group `ga`) and `b` (in `gb`) of
    /// `round` swap.
    fn delta(&self, round: usize, (a, ga): (usize, usize), (b, gb): (usize, usize)) -> (i64, i64) {
        let mut cost = 0i64;
        let mut pod = 0i64;
        let groups = self.groups.get(round);
        let mut side = |leaving: usize, joining: usize, group: usize| {
            let members = groups.and_then(|g| g.get(group)).map_or(&[][..], Vec::as_slice);
            for &x in members {
                if x == leaving {
                    continue;
                }
                if self.same_pod(leaving, x) {
                    pod -= 1;
                } else {
                    // c → c − 1 changes c(c − 1)/2 by −(c − 1).
                    cost -= self.met(leaving, x).saturating_sub(1) as i64;
                }
                if self.same_pod(joining, x) {
                    pod += 1;
                } else {
                    // c → c + 1 changes it by c.
                    cost += self.met(joining, x) as i64;
                }
            }
        };
        side(a, b, ga);
        side(b, a, gb);
        (cost, pod)
    }

    fn apply(
        &mut self,
        round: usize,
        (a, ga, ka): (usize, usize, usize),
        (b, gb, kb): (usize, usize, usize),
    ) {
        let n = self.n;
        for (leaving, joining, group) in [(a, b, ga), (b, a, gb)] {
            let size = self.groups.get(round).and_then(|g| g.get(group)).map_or(0, Vec::len);
            for k in 0..size {
                let Some(&x) = self.groups.get(round).and_then(|g| g.get(group)?.get(k)) else {
                    continue;
                };
                if x != leaving {
                    self.bump(leaving, x, false);
                    self.bump(joining, x, true);
                }
            }
        }
        if let Some(g) = self.groups.get_mut(round) {
            if let Some(slot) = g.get_mut(ga).and_then(|m| m.get_mut(ka)) {
                *slot = b;
            }
            if let Some(slot) = g.get_mut(gb).and_then(|m| m.get_mut(kb)) {
                *slot = a;
            }
        }
        if let Some(slot) = self.place.get_mut(round * n + a) {
            *slot = Some((gb, kb));
        }
        if let Some(slot) = self.place.get_mut(round * n + b) {
            *slot = Some((ga, ka));
        }
    }

    /// Whether `a` shares its group in `round` with someone of another pod they meet again.
    fn repeats(&self, round: usize, a: usize, group: usize) -> bool {
        let members =
            self.groups.get(round).and_then(|g| g.get(group)).map_or(&[][..], Vec::as_slice);
        members.iter().any(|&x| x != a && !self.same_pod(a, x) && self.met(a, x) > 1)
    }

    /// Tabu search for at most `work` pair evaluations, never adding a same-pod pair: each step
    /// takes a member who meets someone again in a random round and makes the best swap for them
    /// that is not tabu (or that beats the best state seen).
    fn search(&mut self, work: u64, rng: &mut SplitMix) {
        let mut best_cost = self.cost;
        // Rounds with two groups or more.
        let rounds: Vec<usize> = (0..self.groups.len())
            .filter(|r| self.groups.get(*r).is_some_and(|g| g.len() > 1))
            .collect();
        let mut tabu = vec![0u64; self.place.len()];
        let mut spent = 0u64;
        let mut step = 0u64;
        let mut conflicted = Vec::new();
        let mut last_best = 0u64;
        let stall = STALL + (self.place.len() as u64);
        while self.cost > 0 && spent < work {
            step += 1;
            if step - last_best > stall {
                // Stuck: a few random swaps (never adding a same-pod pair) to leave the basin.
                if self.cost == best_cost {
                    self.best = Some((self.cost, self.groups.clone()));
                }
                self.kick(&rounds, rng);
                spent += (self.n * 4) as u64;
                last_best = step;
                continue;
            }
            let Some(&round) = rounds.get(rng.below(rounds.len())) else { break };
            let Some(groups) = self.groups.get(round) else { break };
            conflicted.clear();
            for (g, members) in groups.iter().enumerate() {
                for (k, &m) in members.iter().enumerate() {
                    if self.repeats(round, m, g) {
                        conflicted.push((m, g, k));
                    }
                }
            }
            spent += (self.n * 4) as u64;
            let Some(&(a, ga, ka)) = conflicted.get(rng.below(conflicted.len())) else {
                continue;
            };
            let mut choice: Option<((usize, usize, usize), i64)> = None;
            let mut ties = 0usize;
            for (gb, members) in groups.iter().enumerate() {
                if gb == ga {
                    continue;
                }
                spent += (members.len() * 2 * (groups.get(ga).map_or(0, Vec::len) + 1)) as u64;
                for (kb, &b) in members.iter().enumerate() {
                    let (cost, pod) = self.delta(round, (a, ga), (b, gb));
                    if pod > 0 {
                        continue;
                    }
                    let next = self.cost.saturating_add_signed(cost);
                    let is_tabu = tabu.get(round * self.n + b).is_some_and(|t| *t > step);
                    if is_tabu && next >= best_cost {
                        continue;
                    }
                    match choice {
                        Some((_, c)) if c < cost => {}
                        Some((_, c)) if c == cost => {
                            // Reservoir sampling among equal moves.
                            ties += 1;
                            if rng.below(ties + 1) == 0 {
                                choice = Some(((b, gb, kb), cost));
                            }
                        }
                        _ => {
                            ties = 0;
                            choice = Some(((b, gb, kb), cost));
                        }
                    }
                }
            }
            let Some(((b, gb, kb), cost)) = choice else { continue };
            if cost > 0 && self.cost == best_cost {
                // Leaving the best state seen: keep a copy of it.
                self.best = Some((self.cost, self.groups.clone()));
            }
            self.apply(round, (a, ga, ka), (b, gb, kb));
            self.cost = self.cost.saturating_add_signed(cost);
            if self.cost < best_cost {
                best_cost = self.cost;
                last_best = step;
            }
            let tenure = (TENURE + rng.below(TENURE)) as u64;
            for m in [a, b] {
                if let Some(t) = tabu.get_mut(round * self.n + m) {
                    *t = step + tenure;
                }
            }
        }
        if self.cost <= best_cost {
            self.best = None;
        }
    }

    /// Random swaps, as many as a tenth of the member-rounds (at least 2), each in a random round
    /// and adding no same-pod pair.
    fn kick(&mut self, rounds: &[usize], rng: &mut SplitMix) {
        let swaps = (self.place.len() / 10).max(2);
        for _ in 0..swaps {
            let Some(&round) = rounds.get(rng.below(rounds.len())) else { return };
            let members: Vec<usize> = self
                .groups
                .get(round)
                .map_or_else(Vec::new, |g| g.iter().flatten().copied().collect());
            let (Some(&a), Some(&b)) =
                (members.get(rng.below(members.len())), members.get(rng.below(members.len())))
            else {
                continue;
            };
            let at = |m: usize| self.place.get(round * self.n + m).copied().flatten();
            let (Some((ga, ka)), Some((gb, kb))) = (at(a), at(b)) else { continue };
            if ga == gb {
                continue;
            }
            let (cost, pod) = self.delta(round, (a, ga), (b, gb));
            if pod > 0 {
                continue;
            }
            self.apply(round, (a, ga, ka), (b, gb, kb));
            self.cost = self.cost.saturating_add_signed(cost);
        }
    }

    fn best_mixing(self) -> Mixing {
        let rounds = self.best.map_or(self.groups, |(_, groups)| groups);
        Mixing { rounds: rounds.into_iter().map(normalise).collect() }
    }
}

/// Whether `member` can come to a meeting over `[start, end)`: not away on any local date it
/// touches, inside one of their windows (weekly or extra; a member with no weekly windows is
/// not limited by time of day) on each local date it touches, and clear of their busy intervals.
pub fn can_come(
    member: &crate::Availability,
    start: chrono::DateTime<chrono::Utc>,
    end: chrono::DateTime<chrono::Utc>,
) -> bool {
    use chrono::Timelike;
    if member.busy_intervals().iter().any(|(from, to)| *from < end && start < *to) {
        return false;
    }
    let (local_start, local_end) =
        (start.with_timezone(&member.zone()), end.with_timezone(&member.zone()));
    let (first, last) = (local_start.date_naive(), local_end.date_naive());
    let mut date = first;
    // A meeting spans at most a few days; the bound keeps a bad input from looping.
    for _ in 0..32 {
        // The minutes of this date the meeting covers.
        let from =
            if date == first { (local_start.hour() * 60 + local_start.minute()) as u16 } else { 0 };
        let to = if date == last {
            (local_end.hour() * 60 + local_end.minute() + u32::from(local_end.second() > 0)) as u16
        } else {
            1440
        };
        if from < to {
            let windows = member.local_intervals(date, (0, 1440));
            if !windows.iter().any(|(a, b)| *a <= from && to <= *b) {
                return false;
            }
        } else if member.is_away(date) && date == first {
            return false;
        }
        if date >= last {
            return true;
        }
        match date.succ_opt() {
            Some(next) => date = next,
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_sizes_follow_the_documented_rule() {
        // 40 at 4: ten of 4. 38: round(9.5) = 10 groups, 38 = 8×4 + 2×3.
        assert_eq!(group_sizes(40, 4), vec![4; 10]);
        assert_eq!(group_sizes(38, 4), [vec![4; 8], vec![3; 2]].concat());
        // 37: round(9.25) = 9 groups, 37 = 1×5 + 8×4.
        assert_eq!(group_sizes(37, 4), [vec![5], vec![4; 8]].concat());
        assert_eq!(group_sizes(5, 4), vec![5]);
        assert_eq!(group_sizes(6, 4), vec![3, 3]);
        // Size 2 with 3 members: two groups would leave one alone.
        assert_eq!(group_sizes(3, 2), vec![3]);
        assert_eq!(group_sizes(1, 4), vec![1]);
        assert!(group_sizes(0, 4).is_empty());
    }

    #[test]
    fn the_seed_is_stable() {
        // FNV-1a's published test vector: "a" → 0xaf63dc4c8601ec8c.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
