//! The feeds, expanded by a third-party implementation, show exactly tempi's plan.
//!
//! The checker is Python `icalendar` + `recurring-ical-events` at the versions pinned in
//! `interop/requirements.txt`, installed into `interop/.venv` by `scripts/ci-setup-interop.sh`
//! (which `.ci/run` runs first). Every feed is expanded twice: as written (Python resolves IANA
//! TZIDs from its own tz database) and with every TZID renamed, so that only tempi's VTIMEZONE
//! can give the offsets. Both must equal the plan: same UID, start instant and length for every
//! scheduled or shifted occurrence, nothing more, nothing less, and no parse error or warning.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempi_core::chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use tempi_core::chrono_tz::Tz;
use tempi_core::{
    Cadence, Category, ClashPolicy, ClashScope, Commitment, Community, Group, Member, Plan,
    Renewal, Rhythm, Scale, Window,
};
use tempi_ical::export::{self, ExportOptions, Feed, Scope};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn python() -> PathBuf {
    let python = workspace().join("interop/.venv/bin/python");
    assert!(
        python.exists(),
        "the interop checker is not installed: run `bash scripts/ci-setup-interop.sh` (it installs \
         the pinned Python icalendar + recurring-ical-events into interop/.venv); missing {}",
        python.display()
    );
    python
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Runs the checker over `files`; returns per file its sorted `UID\tstart\tseconds` rows.
fn third_party(
    window: Window,
    files: &[PathBuf],
    custom_tzids: bool,
) -> BTreeMap<PathBuf, Vec<String>> {
    let mut command = Command::new(python());
    command.arg(workspace().join("interop/expand.py"));
    if custom_tzids {
        command.arg("--custom-tzids");
    }
    command.arg(stamp(window.start())).arg(stamp(window.end())).args(files);
    let output = command.output().expect("run interop/expand.py");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let mut rows: BTreeMap<PathBuf, Vec<String>> =
        files.iter().map(|f| (f.clone(), Vec::new())).collect();
    let mut errors = Vec::new();
    for line in stdout.lines() {
        let (file, row) = line.split_once('\t').unwrap();
        if row.starts_with("!ERROR") {
            errors.push(line.to_string());
        }
        rows.entry(PathBuf::from(file)).or_default().push(row.to_string());
    }
    assert!(
        output.status.success() && errors.is_empty(),
        "the third-party checker failed (custom tzids: {custom_tzids}):\n{}\n{}",
        errors.join("\n"),
        String::from_utf8_lossy(&output.stderr)
    );
    for list in rows.values_mut() {
        list.sort();
    }
    rows
}

/// tempi's own rows for a feed: the active occurrences of the rhythms it carries.
fn expected(community: &Community, plan: &Plan, feed: &Feed) -> Vec<String> {
    let uids = export::occurrence_uids(community, plan);
    let mut rows: Vec<String> = plan
        .occurrences()
        .iter()
        .zip(&uids)
        .filter(|(o, _)| o.is_active())
        .filter(|(o, _)| match &feed.scope {
            Scope::Member(id) => community.attendees_of(&o.rhythm).contains(&id.as_str()),
            _ => true,
        })
        .map(|(o, uid)| {
            format!(
                "{uid}\t{}\t{}",
                stamp(o.start.with_timezone(&Utc)),
                (o.end - o.start).num_seconds()
            )
        })
        .collect();
    rows.sort();
    rows
}

/// Exports every feed of each case, runs the checker once per mode, and compares.
#[track_caller]
fn check(cases: &[(Community, Plan)], tag: &str) {
    let dir = std::env::temp_dir().join(format!("tempi-interop-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    // Group by window so one checker run covers many files.
    type Batch = Vec<(usize, Feed, PathBuf)>;
    let mut by_window: BTreeMap<(i64, i64), Batch> = BTreeMap::new();
    for (index, (community, plan)) in cases.iter().enumerate() {
        for (n, feed) in export::feeds(community, plan, &options).unwrap().into_iter().enumerate() {
            let path = dir.join(format!("case{index}-{n}-{}.ics", feed.id));
            std::fs::write(&path, &feed.ics).unwrap();
            let key = (plan.window().start().timestamp(), plan.window().end().timestamp());
            by_window.entry(key).or_default().push((index, feed, path));
        }
    }
    let mut compared = 0;
    for list in by_window.values() {
        let (first_case, _, _) = &list[0];
        let window = cases[*first_case].1.window();
        let files: Vec<PathBuf> = list.iter().map(|(_, _, p)| p.clone()).collect();
        for custom in [false, true] {
            let rows = third_party(window, &files, custom);
            for (index, feed, path) in list {
                let (community, plan) = &cases[*index];
                let got = &rows[path];
                let want = expected(community, plan, feed);
                match feed.scope {
                    Scope::Group(_) => {
                        for row in got {
                            assert!(want.contains(row), "{}: unexpected {row}", path.display());
                        }
                    }
                    _ => {
                        if *got != want {
                            let missing: Vec<_> =
                                want.iter().filter(|r| !got.contains(r)).collect();
                            let extra: Vec<_> = got.iter().filter(|r| !want.contains(r)).collect();
                            panic!(
                                "{} (custom tzids: {custom}) differs from tempi's plan\nmissing: {missing:#?}\nextra: {extra:#?}",
                                path.display()
                            );
                        }
                    }
                }
                compared += 1;
            }
        }
    }
    assert!(compared > 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_sample_feeds_expand_exactly_as_planned() {
    let text = include_str!("../../../../examples/community.toml");
    let loaded = tempi_core::file::parse(text, "community.toml").unwrap();
    let community = loaded.community;
    let plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
    check(&[(community, plan)], "sample");
}

/// A small deterministic generator (xorshift), so failures reproduce from the case number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const ZONES: &[&str] = &[
    "America/New_York",
    "Europe/Berlin",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Sao_Paulo",
    "America/Santiago",
    "Europe/London",
    "Pacific/Auckland",
    "America/St_Johns",
    "Europe/Lisbon",
    "America/Havana",
];

const CADENCES: &[&str] = &[
    "weekly on tue",
    "every 2 weeks on mon, thu",
    "monthly on day 15",
    "last fri of every month",
    "first mon of every quarter",
    "daily",
    "fortnightly",
    "FREQ=MONTHLY;BYDAY=2SU",
    "FREQ=WEEKLY;BYDAY=SA,SU",
    "FREQ=MONTHLY;BYDAY=1SU,-1SU",
    "full moon",
    "new moon",
    "every 3 days",
    "FREQ=YEARLY;BYMONTH=3,10,11;BYDAY=1SU,-1SU",
    "monthly on day 31",
    "FREQ=MONTHLY;BYMONTHDAY=-1",
];

/// Times chosen to land in DST gaps and overlaps somewhere (00:30 Santiago/Havana, 01:30 and 02:30
/// in the northern zones, 02:15 on Lord Howe), and ordinary ones.
const TIMES: &[&str] = &["00:30", "01:30", "02:30", "02:15", "09:00", "19:00", "23:30", "01:00"];
const LENGTHS: &[&str] = &["45m", "90m", "3h", "2h30m", "5h"];
const NAMES: &[&str] = &[
    "Ana, \"Ally\" Souza",
    "Bo; Lin",
    "Chen\\Wei",
    "Dörte Ölçüm",
    "Émile\r\nBEGIN:VEVENT",
    "李小龍",
];

fn generated(seed: u64) -> Option<(Community, Plan)> {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let zone: Tz = rng.pick(ZONES).parse().unwrap();
    let start =
        NaiveDate::from_ymd_opt(2026, 1 + (rng.next() % 12) as u32, 1 + (rng.next() % 28) as u32)?;
    let mut builder = Community::builder(format!("c{seed}"), "Generated; community", zone, start);
    let n_members = 3 + (rng.next() % 4) as usize;
    let mut ids = Vec::new();
    for m in 0..n_members {
        let id = format!("m{m}");
        let mut member = Member::new(&id, *rng.pick(NAMES), zone);
        if rng.chance(60) {
            member = member.email(format!("{id}@example.org"));
        }
        builder.member(member);
        ids.push(id);
    }
    builder.group(
        Group::new("all", "Everyone", Scale::Range { min: 1, max: 10 }).members(ids.clone()),
    );
    builder.group(
        Group::new("pair", "A pair", Scale::Range { min: 1, max: 10 })
            .members(ids[..2].to_vec())
            .part_of("all"),
    );
    let n_rhythms = 2 + (rng.next() % 3) as usize;
    let mut rhythm_ids: Vec<String> = Vec::new();
    for r in 0..n_rhythms {
        let id = format!("r{r}");
        let cadence: Cadence = rng.pick(CADENCES).parse().ok()?;
        let time: &&str = rng.pick(TIMES);
        let at = NaiveTime::parse_from_str(time, "%H:%M").ok()?;
        let length = rng.pick(LENGTHS).parse().ok()?;
        let group = if rng.chance(50) { "all" } else { "pair" };
        let category = *rng.pick(&[Category::Relational, Category::Planning, Category::Working]);
        let mut rhythm = Rhythm::new(
            &id,
            format!("Rhythm {r}, \"{}\"", rng.pick(NAMES)),
            group,
            category,
            cadence,
            at,
            length,
        );
        if rng.chance(40) {
            let other: Tz = rng.pick(ZONES).parse().unwrap();
            rhythm = rhythm.zone(other);
        }
        if rng.chance(30) {
            rhythm = rhythm.commitment(Commitment {
                meetings: 2 + (rng.next() % 5) as u32,
                retrospective: if rng.chance(50) { Some("2h".parse().ok()?) } else { None },
                renewal: Renewal::Ongoing,
            });
        }
        if rng.chance(40) && !rhythm_ids.is_empty() {
            let target = rng.pick(&rhythm_ids).clone();
            let scope = *rng.pick(&[ClashScope::Span, ClashScope::Day, ClashScope::Week]);
            rhythm = rhythm.except(target, scope);
            if rng.chance(50) {
                rhythm = rhythm.on_clash(ClashPolicy::Shift);
            }
        }
        if rng.chance(20) {
            rhythm = rhythm.intention("Listen;\nthen, decide \\ together");
        }
        builder.rhythm(rhythm);
        rhythm_ids.push(id);
    }
    let (community, _) = builder.build().ok()?;
    let window = if rng.chance(50) {
        Window::year(zone, 2027).ok()?
    } else {
        Window::days(
            zone,
            NaiveDate::from_ymd_opt(2026, 6, 1)?,
            NaiveDate::from_ymd_opt(2027, 5, 31)?,
        )
        .ok()?
    };
    let plan = community.plan(window).ok()?;
    Some((community, plan))
}

#[test]
fn generated_communities_expand_exactly_as_planned() {
    let cases: Vec<(Community, Plan)> = (0..100).filter_map(generated).collect();
    assert!(cases.len() >= 70, "only {} of 100 generated communities were valid", cases.len());
    // Every kind of trouble is exercised.
    let active: usize = cases.iter().map(|(_, p)| p.occurrences().len()).sum();
    assert!(active > 5_000, "{active}");
    check(&cases, "generated");
}
