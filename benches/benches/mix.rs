//! Mixers (`tempi_solve::mix`): a 40-member congregation in 10 pods of 4 over 6 rounds of
//! mixers of 4, and a 150-member congregation in 30 pods of 5 over 26 rounds (a fortnightly
//! year), each beside random regrouping of the same rounds (Slack's Donut).
//!
//! ```text
//! cargo bench -p tempi-bench --bench mix            # a few seconds
//! cargo bench -p tempi-bench --bench mix -- --test  # the CI smoke run
//! ```
//!
//! Results: `BENCHMARKS.md`, section "Mixers".

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use tempi::solve::mix::MixProblem;

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// `members` in pods of `pod` (member i in pod i / pod), everyone present in `rounds` rounds.
fn problem(members: u32, pod: u32, rounds: usize) -> MixProblem {
    let pods: Vec<u32> = (0..members).map(|i| i / pod).collect();
    let mut p = MixProblem::new(pods, 4).unwrap_or_else(|e| panic!("{e}"));
    for _ in 0..rounds {
        p.round(vec![true; members as usize]).unwrap_or_else(|e| panic!("{e}"));
    }
    p.seeded_by("congregation-mixers");
    p
}

fn bench_mix(c: &mut Criterion) {
    let mut group = c.benchmark_group("mix");
    for (name, members, pod, rounds) in
        [("members40_rounds6", 40, 4, 6), ("members150_rounds26", 150, 5, 26)]
    {
        let p = problem(members, pod, rounds);
        let report = p.coverage(&p.solve());
        let random = p.random_median(100);
        eprintln!(
            "mix/{name}: {} of a bound of {} new cross-pod pairs ({}‰); random regrouping median of 100 seeds: {random} ({}‰)",
            report.new_pairs,
            report.bound,
            report.per_mille(),
            tempi::solve::mix::per_mille(random, report.bound)
        );
        group.bench_function(name, |b| b.iter(|| black_box(p.solve())));
        group.bench_function(format!("{name}_random"), |b| b.iter(|| black_box(p.random(7))));
    }
    group.finish();
}

criterion_group! { name = benches; config = config(); targets = bench_mix }
criterion_main!(benches);
