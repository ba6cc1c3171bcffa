//! The solver: (a) one pod of 5 members with 2,000 busy intervals each, a weekly pattern held
//! for 52 weeks, beside a naive per-candidate scan of the same inputs; (b) whole-plan placement
//! of the generated 20,000-member organisation with every pod's weekly check-in `at = "auto"`;
//! (c) the availability check of `tempi plan` (`check_plan`) on that organisation's year 2027 as
//! generated, the warnings and their 25 suggestion searches included.
//!
//! ```text
//! cargo bench -p tempi-bench --bench solve            # both, about a minute
//! cargo bench -p tempi-bench --bench solve -- --test  # the CI smoke run
//! ```
//!
//! Results: `BENCHMARKS.md`, section "Solver".

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use tempi::chrono::{DateTime, Datelike, NaiveDate, TimeZone, Timelike, Utc};
use tempi::chrono_tz::Tz;
use tempi::solve::{Availability, PlaceOptions, SeriesEnd, SeriesQuery, check_plan, place};
use tempi::{Cadence, Length, WeeklyWindow, Window, file};

#[allow(dead_code, reason = "main() and its argument parsing serve the example binary only")]
#[path = "../../examples/synth.rs"]
pub mod synth;

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// A member, their windows and their busy intervals (kept apart for the naive baseline).
type PodMember = (Availability, Vec<WeeklyWindow>, Vec<(DateTime<Utc>, DateTime<Utc>)>);

// The example generator's splitmix64: the same inputs every run.
use synth::Rng;

const ZONES: [Tz; 5] = [
    tempi::chrono_tz::Europe::Berlin,
    tempi::chrono_tz::America::New_York,
    tempi::chrono_tz::Europe::Lisbon,
    tempi::chrono_tz::Asia::Kolkata,
    tempi::chrono_tz::America::Sao_Paulo,
];

/// Five members in five zones, windows on weekday mornings and evenings, 2,000 busy intervals
/// each (15 minutes to 3 hours, spread over 2027).
fn pod() -> Vec<PodMember> {
    let mut rng = Rng(7);
    let year = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).single().unwrap_or_default();
    ZONES
        .iter()
        .map(|zone| {
            let windows = WeeklyWindow::parse_many("mon-fri 07:00-23:00").unwrap_or_default();
            let busy: Vec<(DateTime<Utc>, DateTime<Utc>)> = (0..2000)
                .map(|_| {
                    let start = year
                        + tempi::chrono::Duration::minutes(
                            i64::try_from(rng.next() % (365 * 96)).unwrap_or(0) * 15,
                        );
                    let length = i64::try_from(1 + rng.next() % 12).unwrap_or(1) * 15;
                    (start, start + tempi::chrono::Duration::minutes(length))
                })
                .collect();
            let availability =
                Availability::new(zone.name(), *zone).windows(windows.clone()).busy(busy.clone());
            (availability, windows, busy)
        })
        .collect()
}

fn query(members: &[PodMember]) -> SeriesQuery {
    let from = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default();
    let cadence: Cadence = "weekly".parse().unwrap_or_else(|_| unreachable!());
    let length: Length = "60m".parse().unwrap_or_else(|_| unreachable!());
    let mut q = SeriesQuery::new(
        length,
        cadence,
        tempi::chrono_tz::Europe::Berlin,
        from,
        SeriesEnd::Count(52),
    );
    for (m, _, _) in members {
        q.required(m.clone());
    }
    q.allowed_misses(8).max_results(5);
    q
}

/// The naive baseline: every (weekday, quarter hour) × 52 weeks × member, checked against the
/// member's windows in local time and then against each busy interval in turn.
fn naive(members: &[PodMember]) -> usize {
    let anchor = tempi::chrono_tz::Europe::Berlin;
    let from = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap_or_default();
    let mut valid = 0;
    for day in 0..7 {
        for quarter in 0..96u32 {
            let mut misses = 0;
            for week in 0..52 {
                let date = from + tempi::chrono::Duration::days(day + 7 * week);
                let local = date.and_hms_opt(quarter / 4, quarter % 4 * 15, 0).unwrap_or_default();
                let start = tempi::time::resolve_local(anchor, local).with_timezone(&Utc);
                let end = start + tempi::chrono::Duration::minutes(60);
                let ok = members.iter().all(|(a, windows, busy)| {
                    let l = start.with_timezone(&a.zone());
                    let minute = u16::try_from(l.hour() * 60 + l.minute()).unwrap_or(0);
                    windows.iter().any(|w| {
                        w.weekday() == l.weekday()
                            && w.start_minute() <= minute
                            && minute + 60 <= w.end_minute()
                    }) && !busy.iter().any(|(b0, b1)| *b0 < end && start < *b1)
                });
                if !ok {
                    misses += 1;
                }
            }
            if misses <= 8 {
                valid += 1;
            }
        }
    }
    valid
}

fn bench_pod(c: &mut Criterion) {
    let members = pod();
    let q = query(&members);
    let answer = q.solve().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(answer.valid, naive(&members), "the solver and the naive scan disagree");
    let mut group = c.benchmark_group("solve");
    // (a) Goal: under 1 ms.
    group.bench_function("pod5_busy2000_weekly52", |b| b.iter(|| black_box(q.solve())));
    group.sample_size(10);
    group.bench_function("pod5_busy2000_weekly52_naive", |b| b.iter(|| black_box(naive(&members))));
    group.finish();
}

/// The generated organisation with every pod check-in left to the solver.
fn org_auto() -> String {
    let text = synth::generate(20_000, 1);
    let mut out = String::with_capacity(text.len());
    let mut in_checkin = false;
    for line in text.lines() {
        if line.starts_with("id = ") {
            in_checkin = line.ends_with("-checkin\"");
        }
        if in_checkin && line.starts_with("at = ") {
            out.push_str("at = \"auto\"\n");
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn bench_org(c: &mut Criterion) {
    let text = org_auto();
    let loaded = file::parse(&text, "org-auto.toml").unwrap_or_else(|e| panic!("{e}"));
    let community = loaded.community;
    let window = Window::year(community.zone(), 2027).unwrap_or_else(|e| panic!("{e}"));
    let report = place(&community, window, &PlaceOptions::new()).unwrap_or_else(|e| panic!("{e}"));
    let placed = report.placements.iter().filter(|p| p.at.is_some()).count();
    eprintln!("org20k: {placed} of {} auto rhythms placed", report.placements.len());
    let mut group = c.benchmark_group("solve");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    // (b) Goal: under 2 s.
    group.bench_function("org20k_place_auto", |b| {
        b.iter(|| black_box(place(&community, window, &PlaceOptions::new())))
    });
    group.finish();
}

fn bench_check(c: &mut Criterion) {
    let text = synth::generate(20_000, 1);
    let loaded = file::parse(&text, "org.toml").unwrap_or_else(|e| panic!("{e}"));
    let community = loaded.community;
    let window = Window::year(community.zone(), 2027).unwrap_or_else(|e| panic!("{e}"));
    let plan = community.plan(window).unwrap_or_else(|e| panic!("{e}"));
    let members: Vec<Availability> =
        community.members().iter().map(Availability::from_member).collect();
    let found = check_plan(&community, &plan, &members, &[]);
    eprintln!(
        "org20k: {} availability warnings, {} occurrences",
        found.len(),
        plan.occurrences().len()
    );
    let mut group = c.benchmark_group("solve");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .measurement_time(Duration::from_secs(15));
    // (c) Goal: at most a quarter of `tempi plan`'s time on the same organisation.
    group.bench_function("org20k_check_plan", |b| {
        b.iter(|| black_box(check_plan(&community, &plan, &members, &[])))
    });
    group.finish();
}

criterion_group! { name = benches; config = config(); targets = bench_pod, bench_org, bench_check }
criterion_main!(benches);
