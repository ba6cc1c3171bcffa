//! Mixers: coverage against the no-repeat bound and random regrouping, and the invariants of
//! every mixing (property tests).

use proptest::prelude::*;
use tempi_solve::mix::{MixProblem, Mixing, group_sizes};

/// 40 members in 10 pods of 4: member i is in pod i / 4.
fn congregation() -> Vec<u32> {
    (0..40).map(|i| i / 4).collect()
}

fn problem(pods: &[u32], size: usize, rounds: usize, id: &str) -> MixProblem {
    let mut p = MixProblem::new(pods.to_vec(), size).unwrap();
    for _ in 0..rounds {
        p.round(vec![true; pods.len()]).unwrap();
    }
    p.seeded_by(id);
    p
}

/// An independent Donut: shuffle with a plain LCG (Knuth's MMIX constants), cut into tens of 4,
/// count the distinct pairs of different pods that shared a group.
fn donut_new_pairs(seed: u64, rounds: usize) -> usize {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        state >> 33
    };
    let mut met = [[false; 40]; 40];
    let mut count = 0;
    for _ in 0..rounds {
        let mut order: Vec<usize> = (0..40).collect();
        for i in (1..40).rev() {
            let j = (next() % (i as u64 + 1)) as usize;
            order.swap(i, j);
        }
        for group in order.chunks(4) {
            for x in 0..4 {
                for y in x + 1..4 {
                    let (a, b) = (group[x], group[y]);
                    if a / 4 != b / 4 && !met[a.min(b)][a.max(b)] {
                        met[a.min(b)][a.max(b)] = true;
                        count += 1;
                    }
                }
            }
        }
    }
    count
}

#[test]
fn forty_in_ten_pods_reach_98_percent_of_the_bound_where_random_reaches_about_76() {
    let pods = congregation();
    let p = problem(&pods, 4, 6, "congregation-mixers");
    let mixing = p.solve();
    let report = p.coverage(&mixing);
    // 6 rounds × 10 groups × 6 pairs = 360; 40·39/2 − 10·6 = 720 cross-pod pairs exist.
    assert_eq!(report.bound, 360);
    assert_eq!(report.cross_pod_pairs, 720);
    assert_eq!(report.bound_present, 360);
    assert_eq!(report.same_pod, 0);
    assert!(report.new_pairs * 100 >= 98 * 360, "ours: {} of 360", report.new_pairs);

    // Random regrouping, simulated independently: the median of 100 seeds.
    let mut donut: Vec<usize> = (0..100).map(|s| donut_new_pairs(s * 7919 + 1, 6)).collect();
    donut.sort_unstable();
    let independent = donut[50];
    // A back-of-envelope band: a random group of 4 has 6 pairs, each cross-pod with chance
    // 36/39, so a round brings ~55 cross-pod pairs, ~332 over 6 rounds before repeats; a pair
    // meets in a round with chance 3/39, so ~1 − e^(−6·3/39) ≈ 37% of the 720 meet: ~266,
    // i.e. 70–80 % of 360.
    assert!((252..=288).contains(&independent), "independent random median {independent}");
    let ours_random = p.random_median(100);
    assert!(
        ours_random.abs_diff(independent) <= 8,
        "the crate's random baseline {ours_random} vs the test's own {independent}"
    );
    eprintln!(
        "mixers: {} of 360 ({}‰), random median {} (independent {})",
        report.new_pairs,
        report.per_mille(),
        ours_random,
        independent
    );
}

#[test]
fn availability_lowers_the_bound_and_is_reported() {
    let pods = congregation();
    let mut p = MixProblem::new(pods.clone(), 4).unwrap();
    // Members 0..8 miss rounds 0 and 1: 32 present there (8 groups of 4, 48 pairs).
    for round in 0..6 {
        p.round((0..40).map(|i| round >= 2 || i >= 8).collect()).unwrap();
    }
    p.seeded_by("with-absences");
    let mixing = p.solve();
    let report = p.coverage(&mixing);
    assert_eq!(report.bound, 360);
    // 2 rounds × 48 + 4 rounds × 60 = 336.
    assert_eq!(report.bound_present, 336);
    assert_eq!(report.absences, 16);
    for (round, groups) in mixing.rounds.iter().enumerate() {
        let placed: Vec<usize> = groups.iter().flatten().copied().collect();
        assert_eq!(placed.len(), if round < 2 { 32 } else { 40 });
        assert!(round >= 2 || placed.iter().all(|m| *m >= 8));
    }
    assert!(report.new_pairs * 100 >= 95 * report.bound_present, "{report:?}");
}

fn check_invariants(pods: &[u32], size: usize, present: &[Vec<bool>], mixing: &Mixing) {
    assert_eq!(mixing.rounds.len(), present.len());
    for (groups, present) in mixing.rounds.iter().zip(present) {
        // Every present member in exactly one group, and no one else.
        let mut placed: Vec<usize> = groups.iter().flatten().copied().collect();
        placed.sort_unstable();
        let expected: Vec<usize> = (0..pods.len()).filter(|i| present[*i]).collect();
        assert_eq!(placed, expected);
        // Sizes as documented: as even as possible, round(n / size) groups.
        let n = expected.len();
        let mut sizes: Vec<usize> = groups.iter().map(Vec::len).collect();
        sizes.sort_unstable_by(|a, b| b.cmp(a));
        assert_eq!(sizes, group_sizes(n, size));
        if let (Some(max), Some(min)) = (sizes.first(), sizes.last()) {
            assert!(max - min <= 1);
            if n >= size * size {
                assert!(*max <= size + 1 && *min + 1 >= size, "{sizes:?} at {size}");
            }
        }
        // No group with two of one pod when no pod has more present members than groups.
        let mut per_pod = std::collections::BTreeMap::new();
        for m in &expected {
            *per_pod.entry(pods[*m]).or_insert(0usize) += 1;
        }
        if per_pod.values().all(|c| *c <= groups.len()) {
            for g in groups {
                let mut seen: Vec<u32> = g.iter().map(|m| pods[*m]).collect();
                seen.sort_unstable();
                seen.dedup();
                assert_eq!(seen.len(), g.len(), "a pod twice in {g:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_present_member_is_in_one_group_and_pods_stay_apart(
        pods in prop::collection::vec(0u32..12, 1..45),
        size in 2usize..7,
        presence in prop::collection::vec(prop::collection::vec(prop::bool::weighted(0.85), 45), 1..6),
        id in "[a-z-]{1,12}",
    ) {
        let n = pods.len();
        let present: Vec<Vec<bool>> = presence.iter().map(|p| p[..n].to_vec()).collect();
        let mut p = MixProblem::new(pods.clone(), size).unwrap();
        for round in &present {
            p.round(round.clone()).unwrap();
        }
        p.seeded_by(&id);
        let mixing = p.solve();
        check_invariants(&pods, size, &present, &mixing);
        // Deterministic: the same input gives the same groups.
        prop_assert_eq!(&mixing, &p.clone().solve());
        let report = p.coverage(&mixing);
        prop_assert!(report.new_pairs <= report.bound_present);
    }
}

#[test]
fn bad_sizes_and_rounds_are_refused() {
    assert!(MixProblem::new(vec![0, 1], 1).is_err());
    let mut p = MixProblem::new(vec![0, 1], 2).unwrap();
    assert!(p.round(vec![true]).is_err());
    // A season holds at most MAX_ROUNDS rounds.
    for _ in 0..tempi_solve::mix::MAX_ROUNDS {
        p.round(vec![true, true]).unwrap();
    }
    assert!(matches!(p.round(vec![true, true]), Err(tempi_solve::Error::MixRounds { max: 1000 })));
}
