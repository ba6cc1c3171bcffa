//! Publishing every feed of a synthetic organisation, next to planning it, so BENCHMARKS.md can
//! give publishing's cost as a multiple of the plan (issue 9 asks for under 20×).
//!
//! ```text
//! cargo bench -p tempi-bench --bench feeds             # 20,000 members, a few minutes
//! cargo bench -p tempi-bench --bench feeds -- --test   # the CI smoke run: each bench once
//! ```
//!
//! `render_once` is `Publication::new` alone. `publish_all` is what `tempi plan --out` does
//! without the disk: `Publication::new` (lay out
//! and render each rhythm's VEVENTs and each zone's VTIMEZONE once) and then every feed (the
//! community's, 4,440 groups', 20,000 members') streamed into `io::sink()`. `plan_year` is the
//! plan alone, measured in the same run.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use tempi::chrono::{TimeZone, Utc};
use tempi::ical::export::{ExportOptions, Publication, Scope};
use tempi::{Community, Plan, Window, file};

#[allow(dead_code, reason = "main() and its argument parsing serve the example binary only")]
#[path = "../../examples/synth.rs"]
pub mod synth;

/// The size named in the performance goal, and the seed the issue's figures used.
const ORG_MEMBERS: usize = 20_000;
const ORG_SEED: u64 = 1;
const YEAR: i32 = 2027;

/// Counts the bytes written (the sink still takes them, so nothing is optimised away).
struct Counter(u64);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        std::io::sink().write(buf)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every feed of `plan`, streamed; returns the bytes written.
fn publish_all(community: &Community, plan: &Plan, options: &ExportOptions) -> u64 {
    let publication = Publication::new(community, plan, options);
    let mut out = Counter(0);
    for scope in publication.scopes() {
        if let Err(e) = publication.write(&scope, &mut out) {
            panic!("cannot write {scope:?}: {e}");
        }
    }
    out.0
}

/// Prints the feed sizes the issue bounds (no member feed over 200 KB, all under 3 GB).
fn report_sizes(community: &Community, plan: &Plan, options: &ExportOptions) {
    let publication = Publication::new(community, plan, options);
    let (mut total, mut largest_member, mut largest_group, mut community_feed) = (0, 0, 0, 0);
    for scope in publication.scopes() {
        let mut out = Counter(0);
        if let Err(e) = publication.write(&scope, &mut out) {
            panic!("cannot write {scope:?}: {e}");
        }
        total += out.0;
        match scope {
            Scope::Community => community_feed = out.0,
            Scope::Group(_) => largest_group = largest_group.max(out.0),
            Scope::Member(_) => largest_member = largest_member.max(out.0),
        }
    }
    eprintln!(
        "feeds20k: {} feeds, {total} bytes in all; community {community_feed}, largest group {largest_group}, largest member {largest_member}",
        publication.scopes().len()
    );
}

fn org(c: &mut Criterion) {
    let text = synth::generate(ORG_MEMBERS, ORG_SEED);
    let community = match file::parse(&text, "org.toml") {
        Ok(loaded) => loaded.community,
        Err(e) => panic!("the generated organisation does not load: {e}"),
    };
    let window = match Window::year(community.zone(), YEAR) {
        Ok(window) => window,
        Err(e) => panic!("no window for {YEAR}: {e}"),
    };
    let plan = match community.plan(window) {
        Ok(plan) => plan,
        Err(e) => panic!("cannot plan {YEAR}: {e}"),
    };
    let options = ExportOptions::new(Utc.timestamp_opt(0, 0).single().unwrap_or_default());
    let bytes = publish_all(&community, &plan, &options);
    report_sizes(&community, &plan, &options);

    let mut group = c.benchmark_group("feeds20k");
    group.sampling_mode(SamplingMode::Flat).sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.throughput(Throughput::Elements(plan.occurrences().len() as u64));
    group.bench_function("plan_year", |b| b.iter(|| community.plan(black_box(window))));
    group.throughput(Throughput::Bytes(bytes));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("render_once", |b| {
        b.iter(|| Publication::new(black_box(&community), &plan, &options).scopes().len())
    });
    group.bench_function("publish_all", |b| {
        b.iter(|| publish_all(black_box(&community), &plan, &options))
    });
    group.finish();
}

criterion_group!(benches, org);
criterion_main!(benches);
