//! Planning a year: the bundled sample end to end, and a generated 20,000-member organisation
//! (parsing and planning timed apart) beside a peer baseline, the same pod rules expanded by the
//! `rrule` crate directly.
//!
//! ```text
//! cargo bench -p tempi-bench              # the full run, under a minute
//! cargo bench -p tempi-bench -- --test    # the CI smoke run: each bench once
//! cargo bench -p tempi-bench -- org20k    # only the 20,000-member benches
//! cargo bench -p tempi-bench --bench plan -- org2k_far   # 2027, 2035 and 2060 planned
//! cargo bench -p tempi-bench --bench plan -- org20k_far  # the 20,000: 2027, 2035, 2060, 2099
//! ```
//!
//! Results, the machine they came from, and how to compare two commits: `BENCHMARKS.md`.

use std::collections::HashMap;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use tempi::chrono::{NaiveDateTime, TimeZone, Weekday};
use tempi::file::{self, Loaded};
use tempi::{Cadence, Community, Frequency, Plan, Scale, Timing, Window};

#[allow(dead_code, reason = "main() and its argument parsing serve the example binary only")]
#[path = "../../examples/synth.rs"]
pub mod synth;

/// The bundled sample community (20 members, 15 rhythms).
const SAMPLE: &str = include_str!("../../examples/community.toml");
/// The year planned.
const YEAR: i32 = 2027;
/// The generated organisation: the size named in the performance goal, and a fixed seed.
const ORG_MEMBERS: usize = 20_000;
const ORG_SEED: u64 = 1;

fn config() -> Criterion {
    Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

/// Reads a community file, or stops the run with its diagnostics: a bench of a file that does
/// not load would time the error path.
fn load(text: &str, path: &str) -> Loaded {
    match file::parse(text, path) {
        Ok(loaded) => loaded,
        Err(errors) => panic!("{path} does not load:\n{errors}"),
    }
}

/// Plans `year` in the community's zone, or stops the run.
fn plan_year(community: &Community, year: i32) -> Plan {
    let planned = Window::year(community.zone(), year).and_then(|window| community.plan(window));
    match planned {
        Ok(plan) => plan,
        Err(e) => panic!("planning {year} failed: {e}"),
    }
}

/// The bundled sample, as `tempi plan --year 2027` handles it before rendering: parse, validate,
/// plan. It guards the everyday path: a small community with every kind of composition (within,
/// except, after, offsets, moon phases, commitments, shifts).
fn sample(c: &mut Criterion) {
    let occurrences =
        plan_year(&load(SAMPLE, "community.toml").community, YEAR).occurrences().len();
    let mut group = c.benchmark_group("sample");
    group.throughput(Throughput::Elements(occurrences as u64));
    group.bench_function("parse_plan_year", |b| {
        b.iter(|| {
            let loaded = load(black_box(SAMPLE), "community.toml");
            plan_year(&loaded.community, black_box(YEAR))
        });
    });
    group.finish();
}

/// One weekly pod rule, as tempi reads it: weekdays at a wall-clock time in a zone, from a date.
struct PodRule {
    zone: tempi::chrono_tz::Tz,
    dtstart: NaiveDateTime,
    weekdays: Vec<Weekday>,
}

/// The weekly rules of every pod-scale group's rhythms.
fn pod_rules(community: &Community) -> Vec<PodRule> {
    let scales: HashMap<&str, Scale> =
        community.groups().iter().map(|g| (g.id(), g.scale())).collect();
    community
        .rhythms()
        .iter()
        .filter(|r| scales.get(r.group()) == Some(&Scale::Pod))
        .filter_map(|r| match r.timing() {
            Timing::Cadence(Cadence::Rule(rule))
                if rule.freq() == Frequency::Weekly && rule.interval() == 1 =>
            {
                Some(PodRule {
                    zone: community.rhythm_zone(r),
                    dtstart: community.start().and_time(r.at()),
                    weekdays: rule.by_day().iter().map(|d| d.weekday).collect(),
                })
            }
            _ => None,
        })
        .collect()
}

/// Expands each rule with `rrule` in its own zone, from its start to the end of `window`, and
/// counts the instances. This is the raw recurrence cost tempi's plan builds on.
fn expand_with_rrule(rules: &[PodRule], window: &Window) -> usize {
    let mut total = 0;
    for rule in rules {
        let zone = rrule::Tz::Tz(rule.zone);
        let Some(start) = zone.from_local_datetime(&rule.dtstart).earliest() else { continue };
        // UNTIL is inclusive and the window's end is not; with a zoned DTSTART it must be in UTC
        // (RFC 5545 §3.3.10).
        let until =
            (window.end() - tempi::chrono::Duration::seconds(1)).with_timezone(&rrule::Tz::UTC);
        let weekdays = rule.weekdays.iter().map(|d| rrule::NWeekday::Every(*d)).collect();
        let built = rrule::RRule::new(rrule::Frequency::Weekly)
            .by_weekday(weekdays)
            .until(until)
            .build(start);
        match built {
            Ok(set) => total += set.all(u16::MAX).dates.len(),
            Err(e) => panic!("rrule rejected a pod rule: {e}"),
        }
    }
    total
}

/// The generated 20,000-member organisation (4,000 pods, 400 circles, 40 congregations, one
/// network; see `examples/synth.rs`). The performance goal is its year in under a second on one
/// core; parsing and planning are timed apart so a regression points at one of them. The
/// `rrule` baseline expands the same 4,000 weekly pod rules (96% of the plan's occurrences) for
/// the same year, so BENCHMARKS.md can give the plan's cost as a multiple of raw expansion.
fn org(c: &mut Criterion) {
    let text = synth::generate(ORG_MEMBERS, ORG_SEED);
    let community = load(&text, "org.toml").community;
    let window = match Window::year(community.zone(), YEAR) {
        Ok(window) => window,
        Err(e) => panic!("no window for {YEAR}: {e}"),
    };
    let occurrences = plan_year(&community, YEAR).occurrences().len();
    let rules = pod_rules(&community);
    let instances = expand_with_rrule(&rules, &window);

    let mut group = c.benchmark_group("org20k");
    // An iteration takes a large fraction of a second: flat sampling, about one iteration per
    // sample, keeps the full run near 40 seconds on the reference machine (BENCHMARKS.md).
    group.sampling_mode(SamplingMode::Flat).sample_size(20);
    group.warm_up_time(Duration::from_secs(1));

    group.throughput(Throughput::Bytes(text.len() as u64));
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("parse", |b| b.iter(|| load(black_box(&text), "org.toml")));

    group.throughput(Throughput::Elements(occurrences as u64));
    group.measurement_time(Duration::from_secs(8));
    group.bench_function("plan_year", |b| {
        b.iter(|| community.plan(black_box(window)));
    });

    group.throughput(Throughput::Elements(instances as u64));
    group.measurement_time(Duration::from_secs(3));
    group.bench_function("rrule_pods_year", |b| {
        b.iter(|| expand_with_rrule(black_box(&rules), &window));
    });
    group.finish();
}

/// Far-future plans (issue 13): the same year's work planned in the rhythms' first year
/// (2027), 8 years on and 33 years on. Every rhythm counts its cycles and rotation from its
/// start; the engine only counts the history candidates nothing can touch, and the goal is at
/// most 1.5x 2027 for any year to 2099. A 2,000-member organisation keeps the run short.
fn far_future(c: &mut Criterion) {
    far_years(c, 2_000, "org2k_far", &[2027, 2035, 2060]);
}

/// The same for the 20,000-member organisation, to 2099 (BENCHMARKS.md has the CLI beside it).
fn far_future_20k(c: &mut Criterion) {
    far_years(c, ORG_MEMBERS, "org20k_far", &[2027, 2035, 2060, 2099]);
}

fn far_years(c: &mut Criterion, members: usize, name: &str, years: &[i32]) {
    let text = synth::generate(members, ORG_SEED);
    let community = load(&text, "org.toml").community;
    let mut group = c.benchmark_group(name);
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    for &year in years {
        let occurrences = plan_year(&community, year).occurrences().len();
        group.throughput(Throughput::Elements(occurrences as u64));
        group.bench_function(format!("plan_{year}"), |b| {
            b.iter(|| plan_year(&community, black_box(year)));
        });
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = sample, org, far_future, far_future_20k
}
criterion_main!(benches);
