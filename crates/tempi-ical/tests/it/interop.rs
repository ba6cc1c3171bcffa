//! The feeds, expanded by three independent calendar implementations, show exactly tempi's plan.
//!
//! The clients (pinned, installed by `scripts/ci-setup-interop.sh`, each driven by a small program
//! in `interop/` that prints `FILE\tUID\tSTART\tSECONDS` per instance starting in the window):
//! - **python**: Python `icalendar` + `recurring-ical-events` (`interop/expand.py`), run twice: as
//!   written (Python resolves IANA TZIDs from its own tz database) and with every TZID renamed
//!   (`--custom-tzids`), so that only tempi's VTIMEZONE can give the offsets;
//! - **ical.js** (Thunderbird, web calendars; `interop/icaljs-expand.mjs`), through the occurrence
//!   API web calendars use (`Event.iterator` + `getOccurrenceDetails`);
//! - **libical** (Evolution, CalDAV servers; `interop/libical-expand.c`), recurrence set as
//!   `icalcomponent_foreach_recurrence` builds it, plus RECURRENCE-ID overrides.
//!
//! ical.js and libical always use the file's VTIMEZONEs. Every feed of each case must give, in
//! every client, exactly tempi's active occurrences (UID from `export::occurrence_uids`, start
//! instant, exact length): nothing more, nothing less, and no parse error or warning. A group's
//! feed may leave out occurrences (it carries its ancestors' rhythms only where its members
//! attend), but shows nothing that is not planned.
//!
//! The cases: the bundled sample, and generated communities in these families: the general mix
//! (zones with odd DST, times in gaps and overlaps, commitments, clashes), rhythms in UTC and
//! `Etc/*` zones, single long events across DST changes, every series the exporter writes as
//! RDATEs (moon cadences, offsets, `within`, `after`, BYWEEKNO and the other rules outside the
//! portable subset), all-day rhythms (dates: `VALUE=DATE` RRULE, RDATE, EXDATE and overrides) and
//! one-off rhythms (explicit `dates`). An all-day instance is compared as `tempi expand` prints
//! it, `YYYYMMDD` and `D<days>`, which the three checkers print alike.
//!
//! Each (family, client) pair is its own test, `#[ignore]`d with the reason "needs the interop
//! checkers", so a plain `cargo test` skips them; CI runs them with
//! `cargo test -p tempi-ical --test it -- --ignored`, and a missing checker then fails the test
//! with the command to run. A failure lists every disagreement (client, feed, UID,
//! instant, what tempi planned and what the client shows) and keeps the feeds for inspection.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use tempi_core::chrono::{DateTime, Duration, NaiveDate, NaiveTime, Offset, TimeZone, Utc};
use tempi_core::chrono_tz::Tz;
use tempi_core::{
    Cadence, Category, ClashPolicy, ClashScope, Commitment, Community, CommunityBuilder, Edge,
    Group, Member, Offset as Timed, Plan, Rhythm, Scale, Window,
};
use tempi_ical::export::{self, ExportOptions, Feed, Scope};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One run of one client over a batch of feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Client {
    /// `interop/expand.py`, TZIDs as written.
    Python,
    /// `interop/expand.py --custom-tzids`: only the feed's VTIMEZONE gives offsets.
    PythonOwnZones,
    /// `interop/icaljs-expand.mjs` under node.
    IcalJs,
    /// `interop/build/libical-expand`.
    Libical,
}

/// What to run for "python": both modes.
const PYTHON: &[Client] = &[Client::Python, Client::PythonOwnZones];
const ICALJS: &[Client] = &[Client::IcalJs];
const LIBICAL: &[Client] = &[Client::Libical];

impl Client {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Client::Python => "python",
            Client::PythonOwnZones => "python (--custom-tzids)",
            Client::IcalJs => "ical.js",
            Client::Libical => "libical",
        }
    }

    /// The command, up to the window and files. Fails (never skips) when the checker is missing.
    fn command(self) -> Command {
        let root = workspace();
        let need = |path: PathBuf, what: &str| -> PathBuf {
            assert!(
                path.exists(),
                "the interop checker {what} is not installed: run `bash scripts/ci-setup-interop.sh` \
                 (it installs the pinned Python icalendar + recurring-ical-events, ical.js and \
                 libical, see interop/); missing {}",
                path.display()
            );
            path
        };
        match self {
            Client::Python | Client::PythonOwnZones => {
                let python = need(root.join("interop/.venv/bin/python"), "Python icalendar");
                let mut command = Command::new(python);
                command.arg(root.join("interop/expand.py"));
                if self == Client::PythonOwnZones {
                    command.arg("--custom-tzids");
                }
                command
            }
            Client::IcalJs => {
                need(root.join("interop/node_modules/ical.js/package.json"), "ical.js");
                let mut command = Command::new("node");
                command.arg(root.join("interop/icaljs-expand.mjs"));
                command
            }
            Client::Libical => {
                Command::new(need(root.join("interop/build/libical-expand"), "libical"))
            }
        }
    }
}

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// What one client said about a batch: per file its sorted `UID\tSTART\tSECONDS` rows, and the
/// `!ERROR` lines (or a crash) per file.
#[derive(Default)]
pub(crate) struct Said {
    pub(crate) rows: BTreeMap<PathBuf, Vec<String>>,
    pub(crate) errors: BTreeMap<PathBuf, Vec<String>>,
    /// A failure not tied to one file (a crash, a bad exit without an `!ERROR` line).
    pub(crate) broken: Vec<String>,
}

/// Runs `client` over `files`, in one process.
pub(crate) fn run(client: Client, window: Window, files: &[PathBuf]) -> Said {
    let mut command = client.command();
    command.arg(stamp(window.start())).arg(stamp(window.end())).args(files);
    let output = command.output().unwrap_or_else(|e| panic!("cannot start {}: {e}", client.name()));
    let mut said = Said::default();
    for file in files {
        said.rows.insert(file.clone(), Vec::new());
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        let Some((file, row)) = line.split_once('\t') else {
            said.broken.push(format!("unreadable output line {line:?}"));
            continue;
        };
        if let Some(message) = row.strip_prefix("!ERROR\t") {
            said.errors.entry(PathBuf::from(file)).or_default().push(message.to_string());
        } else {
            said.rows.entry(PathBuf::from(file)).or_default().push(row.to_string());
        }
    }
    if !output.status.success() && said.errors.is_empty() {
        said.broken.push(format!(
            "exit {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    for rows in said.rows.values_mut() {
        rows.sort();
    }
    said
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
        .map(|(o, uid)| match o.days() {
            // All-day: its first date and days, as `tempi expand` and the checkers print them.
            Some((first, days)) => format!("{uid}\t{}\tD{days}", first.format("%Y%m%d")),
            None => format!(
                "{uid}\t{}\t{}",
                stamp(o.start.with_timezone(&Utc)),
                (o.end - o.start).num_seconds()
            ),
        })
        .collect();
    rows.extend(marker_rows(&feed.ics));
    rows.sort();
    rows
}

/// The break markers a feed carries (`break_markers = true`), as the rows a client must print:
/// UID, first date, `D<days>` from the `VALUE=DATE` DTSTART and the exclusive DTEND. That these
/// dates are the breaks' own is checked apart (`break_markers_span_the_breaks`); here the
/// question is only whether every client expands them the same.
fn marker_rows(ics: &str) -> Vec<String> {
    let mut rows = Vec::new();
    for event in ics.split("BEGIN:VEVENT\r\n").skip(1) {
        let field = |name: &str| {
            event.lines().find_map(|l| l.strip_prefix(name)).map(|v| v.trim_end().to_string())
        };
        let Some(uid) = field("UID:").filter(|u| u.starts_with("break-")) else { continue };
        let (Some(first), Some(end)) = (field("DTSTART;VALUE=DATE:"), field("DTEND;VALUE=DATE:"))
        else {
            panic!("a marker without dates: {event}")
        };
        let date = |t: &str| NaiveDate::parse_from_str(t, "%Y%m%d").unwrap();
        let days = (date(&end) - date(&first)).num_days();
        rows.push(format!("{uid}\t{first}\tD{days}"));
    }
    rows
}

/// Whether a row a client printed starts in the plan's window. A timed row's start is an instant;
/// an all-day row's is a date (the checkers print those within two days of the window), which
/// starts at local midnight of its rhythm's zone, the rhythm named by the UID.
fn in_window(community: &Community, plan: &Plan, row: &str) -> bool {
    let (uid, start) = key(row);
    let window = plan.window();
    match NaiveDate::parse_from_str(start, "%Y%m%d") {
        Ok(date) if start.len() == 8 => {
            let id = uid.split(['@', '+']).next().unwrap_or("");
            let zone = community.rhythm(id).map_or(community.zone(), |r| community.rhythm_zone(r));
            let midnight = tempi_core::time::resolve_local(zone, date.and_time(NaiveTime::MIN));
            window.contains(midnight.with_timezone(&Utc))
        }
        _ => (stamp(window.start()).as_str()..stamp(window.end()).as_str()).contains(&start),
    }
}

/// `a - b` as multisets of sorted rows.
fn minus<'a>(a: &'a [String], b: &[String]) -> Vec<&'a String> {
    let mut out = Vec::new();
    let mut j = 0;
    for row in a {
        while j < b.len() && b[j] < *row {
            j += 1;
        }
        if j < b.len() && b[j] == *row {
            j += 1;
        } else {
            out.push(row);
        }
    }
    out
}

/// The (UID, start) of a row.
fn key(row: &str) -> (&str, &str) {
    let mut parts = row.split('\t');
    (parts.next().unwrap_or(""), parts.next().unwrap_or(""))
}

/// What `rows` say at one (UID, start): the lengths, or "nothing".
fn said_at(rows: &[String], at: (&str, &str)) -> String {
    let lengths: Vec<String> = rows
        .iter()
        .filter(|r| key(r) == at)
        .map(|r| format!("{} s", r.rsplit('\t').next().unwrap_or("?")))
        .collect();
    if lengths.is_empty() { "nothing".to_string() } else { lengths.join(" and ") }
}

/// One line per disagreement of `client` on one feed: UID, instant, what tempi and it said.
fn disagreements(
    client: Client,
    feed: &str,
    group: bool,
    got: &[String],
    want: &[String],
) -> Vec<String> {
    let missing = if group { Vec::new() } else { minus(want, got) };
    let extra = if group {
        // A group feed may leave rows out, but must not show one that is not planned (or twice).
        let mut unique = got.to_vec();
        unique.dedup();
        let mut extra: Vec<&String> = got.iter().filter(|r| !want.contains(r)).collect();
        extra.extend(minus(got, &unique));
        extra
    } else {
        minus(got, want)
    };
    let mut keys: Vec<(&str, &str)> = missing.iter().chain(&extra).map(|r| key(r)).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .map(|at| {
            format!(
                "{}: {feed}: UID {} at {}: tempi planned {}, {} shows {}",
                client.name(),
                at.0,
                at.1,
                said_at(want, at),
                client.name(),
                said_at(got, at)
            )
        })
        .collect()
}

/// Exports every feed of each case, runs each client once over all of them, and fails with every
/// disagreement (client, feed, UID, instant, what each said).
#[track_caller]
fn check(cases: &[(Community, Plan)], tag: &str, clients: &[Client]) {
    let dir = std::env::temp_dir().join(format!("tempi-interop-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    let mut list: Vec<(usize, Feed, PathBuf)> = Vec::new();
    for (index, (community, plan)) in cases.iter().enumerate() {
        for (n, feed) in export::feeds(community, plan, &options).unwrap().into_iter().enumerate() {
            let path = dir.join(format!("case{index}-{n}-{}.ics", feed.id));
            std::fs::write(&path, &feed.ics).unwrap();
            list.push((index, feed, path));
        }
    }
    // One run per client over every file (process start-up dominates small batches): with the
    // hull of the plans' windows, then each feed's rows are cut to its own plan's window.
    let windows = || cases.iter().map(|(_, plan)| plan.window());
    let hull = Window::new(
        windows().map(|w| w.start()).min().unwrap(),
        windows().map(|w| w.end()).max().unwrap(),
    )
    .unwrap();
    // Python reads a feed in ~80 ms (twice: own zones and the feed's VTIMEZONEs), ten times
    // ical.js and libical, so it reads the community's and every group's feed but only the first
    // two member feeds of each case: member feeds are the same rendered series (`Publication`
    // renders each rhythm once; `publication.rs` checks every member feed against it), and ical.js
    // and libical still read every feed.
    let sampled = |client: Client, index: usize, feed: &Feed| {
        !matches!(client, Client::Python | Client::PythonOwnZones)
            || match &feed.scope {
                Scope::Member(id) => {
                    cases[index].0.members().iter().take(2).any(|m| m.id() == id.as_str())
                }
                _ => true,
            }
    };
    let runs: Vec<(Client, Said)> = std::thread::scope(|scope| {
        let handles: Vec<_> = clients
            .iter()
            .map(|client| {
                let files: Vec<PathBuf> = list
                    .iter()
                    .filter(|(index, feed, _)| sampled(*client, *index, feed))
                    .map(|(_, _, p)| p.clone())
                    .collect();
                scope.spawn(move || (*client, run(*client, hull, &files)))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut problems: Vec<String> = Vec::new();
    let mut bad_feeds: BTreeMap<Client, usize> = BTreeMap::new();
    let mut compared = 0;
    for (client, said) in &runs {
        for failure in &said.broken {
            problems.push(format!("{}: crashed: {failure}", client.name()));
        }
        for (index, feed, path) in &list {
            if !sampled(*client, *index, feed) {
                continue;
            }
            let (community, plan) = &cases[*index];
            let name = format!(
                "{} ({:?} feed of {})",
                path.file_name().unwrap().to_string_lossy(),
                feed.scope,
                community.id()
            );
            let mut lines: Vec<String> = said
                .errors
                .get(path)
                .into_iter()
                .flatten()
                .map(|e| format!("{}: {name}: error: {e}", client.name()))
                .collect();
            let got: Vec<String> = said.rows[path]
                .iter()
                .filter(|row| in_window(community, plan, row))
                .cloned()
                .collect();
            let want = expected(community, plan, feed);
            let group = matches!(feed.scope, Scope::Group(_));
            lines.extend(disagreements(*client, &name, group, &got, &want));
            if !lines.is_empty() {
                *bad_feeds.entry(*client).or_default() += 1;
            }
            problems.extend(lines);
            compared += 1;
        }
    }
    let feeds = list.len();
    assert!(compared > 0);
    if problems.is_empty() {
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    let all = dir.join("disagreements.txt");
    std::fs::write(&all, problems.join("\n") + "\n").unwrap();
    const SHOWN: usize = 60;
    let summary: Vec<String> =
        bad_feeds.iter().map(|(c, n)| format!("{}: {n} of {feeds} feeds", c.name())).collect();
    let mut report = format!(
        "{} disagreement(s) with tempi's plan ({}); the feeds are kept in {}\n",
        problems.len(),
        summary.join(", "),
        dir.display()
    );
    for line in problems.iter().take(SHOWN) {
        report.push_str(line);
        report.push('\n');
    }
    if problems.len() > SHOWN {
        report.push_str(&format!(
            "… and {} more, all in {}\n",
            problems.len() - SHOWN,
            all.display()
        ));
    }
    panic!("{report}");
}

/// The cases of a family, built once per test process (each family is checked by three tests).
type Cases = Vec<(Community, Plan)>;

fn sample() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        let text = include_str!("../../../../examples/community.toml");
        let loaded = tempi_core::file::parse(text, "community.toml").unwrap();
        let community = loaded.community;
        let plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
        vec![(community, plan)]
    })
}

/// The sample with its breaks shown as all-day markers, plus a break of a pod and of a member.
fn sample_markers() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        let text = include_str!("../../../../examples/community.toml")
            .replacen("[community]\n", "[community]\nbreak_markers = true\n", 1)
            .replacen(
                "id = \"pod-lumen\"\n",
                "id = \"pod-lumen\"\nbreaks = [{ name = \"Lumen pause\", dates = \"2027-07-05..2027-07-18\" }]\n",
                1,
            )
            .replacen(
                "id = \"ana\"\n",
                "id = \"ana\"\nbreaks = [{ name = \"Ana's leave\", dates = \"2027-03-01..2027-03-03\" }]\n",
                1,
            );
        let loaded = tempi_core::file::parse(&text, "community.toml").unwrap();
        let community = loaded.community;
        let plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
        vec![(community, plan)]
    })
}

/// examples/mixers.toml with mixers set by hand on its first three meetings (the solver that
/// forms them lives above this crate): those meetings differ per member feed (each names its own
/// mixer, one member sits out the second round), so member feeds carry per-member overrides
/// that every client must place where the plan does.
fn sample_mixers() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        let text = include_str!("../../../../examples/mixers.toml");
        let community = tempi_core::file::parse(text, "mixers.toml").unwrap().community;
        let mut plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
        let mixers = |groups: &[&[&str]]| -> Vec<std::sync::Arc<[std::sync::Arc<str>]>> {
            groups.iter().map(|g| g.iter().map(|id| std::sync::Arc::from(*id)).collect()).collect()
        };
        let rounds = [
            mixers(&[
                &["ada", "eva", "ines", "max"],
                &["bo", "fin", "jon", "nia"],
                &["cleo", "hal", "kim", "oto"],
                &["dan", "gia", "lea", "pia"],
            ]),
            mixers(&[
                &["ada", "fin", "kim", "pia"],
                &["bo", "hal", "ines", "oto"],
                &["cleo", "eva", "lea", "nia"],
                &["dan", "jon", "max"],
            ]),
            mixers(&[
                &["ada", "hal", "lea", "nia"],
                &["bo", "eva", "kim", "pia"],
                &["cleo", "fin", "ines", "max"],
                &["dan", "gia", "jon", "oto"],
            ]),
        ];
        let meetings: Vec<usize> = plan
            .occurrences()
            .iter()
            .enumerate()
            .filter(|(_, o)| &*o.rhythm == "mixers" && o.is_active())
            .map(|(i, _)| i)
            .take(rounds.len())
            .collect();
        assert_eq!(meetings.len(), rounds.len());
        for (meeting, round) in meetings.into_iter().zip(rounds) {
            assert!(plan.set_mixers(meeting, round));
        }
        vec![(community, plan)]
    })
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn mixers_in_python() {
    check(sample_mixers(), "mixers-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn mixers_in_icaljs() {
    check(sample_mixers(), "mixers-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn mixers_in_libical() {
    check(sample_mixers(), "mixers-libical", LIBICAL);
}

/// The markers' dates are the breaks' dates, the last one included (DTEND is the day after,
/// RFC 5545 §3.6.1): the winter break 2027-12-20 to 2028-01-03 is 15 days; Ana's three; the
/// pod's two weeks, in the feeds of the pod and its members only.
#[test]
fn break_markers_span_the_breaks() {
    let (community, plan) = &sample_markers()[0];
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap());
    let feeds = export::feeds(community, plan, &options).unwrap();
    let rows = |id: &str| -> Vec<String> {
        let feed = feeds.iter().find(|f| f.id == id).unwrap();
        marker_rows(&feed.ics)
            .into_iter()
            .map(|r| r.split_once('\t').unwrap().1.to_string())
            .collect()
    };
    assert_eq!(rows("riverbend"), ["20271220\tD15"]);
    assert_eq!(rows("pod-lumen"), ["20271220\tD15", "20270705\tD14"]);
    assert_eq!(rows("pod-harbour"), ["20271220\tD15"]);
    let ana = rows("ana");
    assert!(ana.contains(&"20270301\tD3".to_string()), "{ana:?}");
    assert!(ana.contains(&"20271220\tD15".to_string()), "{ana:?}");
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn break_markers_in_python() {
    check(sample_markers(), "markers-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn break_markers_in_icaljs() {
    check(sample_markers(), "markers-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn break_markers_in_libical() {
    check(sample_markers(), "markers-libical", LIBICAL);
}

/// A small deterministic generator (xorshift), so failures reproduce from the case number.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
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

/// Zones without DST whose names say UTC or a fixed offset. `UTC`, `Etc/UTC` and `GMT` are the
/// ones readers that emulate Google's `X-WR-TIMEZONE` handling treat as UTC.
const FIXED_ZONES: &[&str] =
    &["UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/GMT+5", "Etc/GMT-3", "Etc/GMT-14", "Etc/GMT+12"];

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

/// Cadences the exporter cannot write as a portable RRULE (notes/calendar-clients.md, "the
/// portable subset"), so it writes DTSTART plus RDATEs.
const RDATE_CADENCES: &[&str] = &[
    "full moon",
    "new moon",
    "FREQ=YEARLY;BYWEEKNO=2,11,20,29,38,47;BYDAY=TU",
    "FREQ=YEARLY;BYWEEKNO=-1,1;BYDAY=MO,TH",
    "FREQ=YEARLY;BYDAY=20MO",
    "FREQ=YEARLY;BYDAY=10TH,-10TH",
    "FREQ=MONTHLY;BYMONTH=1,3,5,7,9,11;BYDAY=1WE",
    "FREQ=MONTHLY;INTERVAL=2;BYMONTH=2,3,4,5,6,7,8,9,10,11;BYMONTHDAY=10",
    "FREQ=DAILY;BYMONTHDAY=-1,-15",
    "FREQ=YEARLY;BYMONTH=1,4,7,10;BYMONTHDAY=-1",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH;WKST=WE",
    "FREQ=WEEKLY;INTERVAL=3;BYDAY=SU,SA;WKST=TH",
    "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
    "FREQ=DAILY;BYHOUR=9,15;BYMINUTE=0",
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

fn zone(name: impl AsRef<str>) -> Tz {
    name.as_ref().parse().unwrap()
}

fn time(text: &str) -> NaiveTime {
    NaiveTime::parse_from_str(text, "%H:%M").unwrap()
}

/// A community of 3 to 6 members (some with an email), the group `all` and its subgroup `pair`;
/// members live in the community's zone, or with `member_zones` sometimes in one of those.
fn people(
    rng: &mut Rng,
    seed: u64,
    zone: Tz,
    start: NaiveDate,
    member_zones: &[&str],
) -> CommunityBuilder {
    let mut builder = Community::builder(format!("c{seed}"), "Generated; community", zone, start);
    let n_members = 3 + rng.below(4) as usize;
    let mut ids = Vec::new();
    for m in 0..n_members {
        let id = format!("m{m}");
        let home = if !member_zones.is_empty() && rng.chance(40) {
            self::zone(rng.pick(member_zones))
        } else {
            zone
        };
        let mut member = Member::new(&id, *rng.pick(NAMES), home);
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
    builder
}

/// A rhythm of `all` or `pair` with a name full of escapes.
fn rhythm(
    rng: &mut Rng,
    id: &str,
    timing: impl Into<tempi_core::Timing>,
    at: &str,
    length: &str,
) -> Rhythm {
    let group = if rng.chance(50) { "all" } else { "pair" };
    let category = *rng.pick(&[Category::Relational, Category::Planning, Category::Working]);
    let name = format!("Rhythm {id}, \"{}\"", rng.pick(NAMES));
    Rhythm::builder(id, group)
        .name(name)
        .category(category)
        .timing(timing)
        .at_time(time(at))
        .length(length)
        .build()
        .unwrap()
}

/// Adds `rhythm` (id `id`) to `builder` and `ids`; 40% of the time (when there is one) it first
/// gets an `except` of an earlier rhythm of `ids`, span or day, shifted on a clash half the time.
fn add_composed(
    rng: &mut Rng,
    builder: &mut CommunityBuilder,
    mut rhythm: Rhythm,
    id: String,
    ids: &mut Vec<String>,
) {
    if rng.chance(40) && !ids.is_empty() {
        let target = rng.pick(ids).clone();
        rhythm = rhythm.except(target, *rng.pick(&[ClashScope::Span, ClashScope::Day]));
        if rng.chance(50) {
            rhythm = rhythm.on_clash(ClashPolicy::Shift);
        }
    }
    builder.rhythm(rhythm);
    ids.push(id);
}

/// Builds and plans; `None` when the generated community is invalid (e.g. too long for its cadence).
fn planned(
    builder: CommunityBuilder,
    window: impl FnOnce(Tz) -> Option<Window>,
) -> Option<(Community, Plan)> {
    let (community, _) = builder.build().ok()?;
    let plan = community.plan(window(community.zone())?).ok()?;
    Some((community, plan))
}

/// The calendar year 2027, or June 2026 to May 2027 (a window that starts mid-cycle).
fn some_window(rng: &mut Rng) -> impl FnOnce(Tz) -> Option<Window> {
    let year = rng.chance(50);
    move |zone| {
        if year {
            Window::year(zone, 2027).ok()
        } else {
            Window::days(
                zone,
                NaiveDate::from_ymd_opt(2026, 6, 1)?,
                NaiveDate::from_ymd_opt(2027, 5, 31)?,
            )
            .ok()
        }
    }
}

fn random_start(rng: &mut Rng) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(2026, 1 + rng.below(12) as u32, 1 + rng.below(28) as u32)
}

/// The general mix: odd zones, times in gaps and overlaps, commitments, clashes.
fn generated(seed: u64) -> Option<(Community, Plan)> {
    mixed(seed, ZONES, &[], ZONES, CADENCES)
}

/// Rhythms in UTC and `Etc/*` zones inside communities (and member feeds) of zones with DST, and
/// the other way round.
fn utc_generated(seed: u64) -> Option<(Community, Plan)> {
    let homes: Vec<&str> = ["Europe/Berlin", "America/New_York", "Australia/Sydney"]
        .into_iter()
        .chain(FIXED_ZONES.iter().copied())
        .collect();
    mixed(
        seed,
        &homes,
        FIXED_ZONES,
        &[FIXED_ZONES, &["Europe/Berlin", "America/Santiago"]].concat(),
        CADENCES,
    )
}

fn mixed(
    seed: u64,
    homes: &[&str],
    member_zones: &[&str],
    rhythm_zones: &[&str],
    cadences: &[&str],
) -> Option<(Community, Plan)> {
    let mut rng = Rng::new(seed);
    let zone = zone(rng.pick(homes));
    let start = random_start(&mut rng)?;
    let mut builder = people(&mut rng, seed, zone, start, member_zones);
    let n_rhythms = 2 + rng.below(3) as usize;
    let mut rhythm_ids: Vec<String> = Vec::new();
    for r in 0..n_rhythms {
        let id = format!("r{r}");
        let cadence: Cadence = rng.pick(cadences).parse().ok()?;
        let at = *rng.pick(TIMES);
        let length = *rng.pick(LENGTHS);
        let mut rhythm = rhythm(&mut rng, &id, cadence, at, length);
        // FIXED_ZONES rhythms: always in one of them when the family asks for it.
        if rng.chance(if member_zones.is_empty() { 40 } else { 70 }) {
            rhythm = rhythm.zone(self::zone(rng.pick(rhythm_zones)));
        }
        if rng.chance(30) {
            let mut commitment = Commitment::new(2 + rng.below(5) as u32);
            if rng.chance(50) {
                commitment = commitment.retrospective("2h".parse().ok()?);
            }
            rhythm = rhythm.commitment(commitment);
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
    let window = some_window(&mut rng);
    planned(builder, window)
}

/// The instants in 2026–2029 where `zone`'s UTC offset changes (hourly scan, then to the minute).
fn offset_changes(zone: Tz) -> Vec<DateTime<Utc>> {
    let offset = |t: DateTime<Utc>| t.with_timezone(&zone).offset().fix().local_minus_utc();
    let mut out = Vec::new();
    let mut t = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    let end = Utc.with_ymd_and_hms(2030, 1, 1, 0, 0, 0).unwrap();
    while t < end {
        let next = t + Duration::hours(1);
        if offset(next) != offset(t) {
            let mut m = t;
            while offset(m) == offset(t) {
                m += Duration::minutes(1);
            }
            out.push(m);
        }
        t = next;
    }
    out
}

/// Zones whose DST changes fall at different hours and by different amounts.
const DST_ZONES: &[&str] = &[
    "Australia/Sydney",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "America/St_Johns",
    "Europe/Dublin",
    "Pacific/Auckland",
    "America/Havana",
    "Europe/London",
];

/// The 54-hour Sydney retreat of issue 9: Friday 2 April 2027 18:00 AEDT to Sunday 4 April 23:00
/// AEST, across the change back to standard time at 03:00 that Sunday (the wall clock says 53 h).
fn sydney_retreat() -> (Community, Plan) {
    let sydney: Tz = "Australia/Sydney".parse().unwrap();
    let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
    let mut builder = Community::builder("sydney", "Harbour circle", sydney, start);
    builder.member(Member::new("ana", "Ana", sydney).email("ana@example.org"));
    builder.member(Member::new("bo", "Bo", sydney).email("bo@example.org"));
    builder.group(
        Group::new("all", "Everyone", Scale::Range { min: 1, max: 10 }).members(["ana", "bo"]),
    );
    builder.rhythm(
        Rhythm::builder("retreat", "all")
            .name("Autumn retreat")
            .category(Category::Relational)
            .cadence("FREQ=YEARLY;COUNT=1")
            .at_time(time("18:00"))
            .length("54h")
            .build()
            .unwrap()
            .starting(NaiveDate::from_ymd_opt(2027, 4, 2).unwrap()),
    );
    builder.rhythm(
        Rhythm::builder("weekly", "all")
            .name("Weekly call")
            .category(Category::Relational)
            .cadence("weekly on tue")
            .at_time(time("19:00"))
            .length("1h")
            .build()
            .unwrap(),
    );
    let (community, _) = builder.build().unwrap();
    let plan = community.plan(Window::year(sydney, 2027).unwrap()).unwrap();
    (community, plan)
}

/// Long events that span a DST change: single ones (`COUNT=1`, or a rhythm that ends on its first
/// date) starting up to three days before a change, and yearly or monthly ones some of whose
/// instances span one.
fn long_generated(seed: u64) -> Option<(Community, Plan)> {
    let mut rng = Rng::new(seed);
    let zone = zone(rng.pick(DST_ZONES));
    let changes = offset_changes(zone);
    let mut builder = people(&mut rng, seed, zone, NaiveDate::from_ymd_opt(2026, 1, 1)?, &[]);
    let n_rhythms = 1 + rng.below(3) as usize;
    for r in 0..n_rhythms {
        let id = format!("r{r}");
        let at = *rng.pick(&["00:30", "01:30", "02:30", "09:00", "18:00", "23:00"]);
        let length = *rng.pick(&["26h", "30h", "54h", "2d6h", "3d", "25h30m", "47h"]);
        let rhythm = if rng.chance(70) {
            // One occurrence, starting 0 to 3 days before a change in 2027.
            let in_2027: Vec<_> =
                changes.iter().filter(|c| c.format("%Y").to_string() == "2027").collect();
            let change = rng.pick(&in_2027).with_timezone(&zone).date_naive();
            let first = change - Duration::days(rng.below(4) as i64);
            let cadence = if rng.chance(50) { "FREQ=YEARLY;COUNT=1" } else { "yearly" };
            let rhythm = rhythm(&mut rng, &id, cadence.parse::<Cadence>().ok()?, at, length);
            let rhythm = rhythm.starting(first);
            if cadence == "yearly" { rhythm.ending(first) } else { rhythm }
        } else {
            let cadence = *rng.pick(&[
                "FREQ=YEARLY;BYMONTH=10;BYDAY=1FR",
                "FREQ=YEARLY;BYMONTH=4;BYDAY=1FR",
                "FREQ=YEARLY;BYMONTH=3;BYDAY=-1FR",
                "FREQ=YEARLY;BYMONTH=11;BYDAY=1FR",
                "FREQ=YEARLY;BYMONTH=9;BYDAY=-1SA",
                "monthly on the 1st sat",
                "last fri of every month",
            ]);
            rhythm(&mut rng, &id, cadence.parse::<Cadence>().ok()?, at, length)
        };
        builder.rhythm(rhythm);
    }
    let years = rng.chance(50);
    planned(builder, move |zone| {
        if years {
            Window::days(
                zone,
                NaiveDate::from_ymd_opt(2026, 1, 1)?,
                NaiveDate::from_ymd_opt(2028, 12, 31)?,
            )
            .ok()
        } else {
            Window::year(zone, 2027).ok()
        }
    })
}

/// Every series the exporter writes as DTSTART plus RDATEs: moon cadences and rules outside the
/// portable subset, rhythms timed by `offset` from another, and ones kept only `within` or
/// `after` another's occurrences.
fn rdate_generated(seed: u64) -> Option<(Community, Plan)> {
    let mut rng = Rng::new(seed);
    let zone = zone(rng.pick(ZONES));
    let start = random_start(&mut rng)?;
    let mut builder = people(&mut rng, seed, zone, start, &[]);
    // A host rhythm others are composed with: a long monthly gathering.
    let host_cadence =
        *rng.pick(&["monthly on the 1st fri", "last fri of every month", "FREQ=MONTHLY;BYDAY=2SA"]);
    builder.rhythm(rhythm(
        &mut rng,
        "host",
        host_cadence.parse::<Cadence>().ok()?,
        "17:00",
        "2d6h",
    ));
    let mut ids = vec!["host".to_string()];
    let n_rhythms = 2 + rng.below(3) as usize;
    for r in 0..n_rhythms {
        let id = format!("r{r}");
        let at = *rng.pick(TIMES);
        let length = *rng.pick(&["45m", "90m", "3h"]);
        let mut rhythm = match rng.below(4) {
            0 | 1 => {
                let cadence: Cadence = rng.pick(RDATE_CADENCES).parse().ok()?;
                rhythm(&mut rng, &id, cadence, at, length)
            }
            2 => {
                let offset = Timed::new(
                    rng.pick(&ids).clone(),
                    *rng.pick(&[Edge::Start, Edge::End]),
                    rng.below(21) as i32 - 10,
                );
                let offset = if rng.chance(50) {
                    offset.on_weekday(*rng.pick(&[
                        tempi_core::chrono::Weekday::Mon,
                        tempi_core::chrono::Weekday::Wed,
                        tempi_core::chrono::Weekday::Sun,
                    ]))
                } else {
                    offset
                };
                rhythm(&mut rng, &id, offset, at, length)
            }
            _ => {
                let cadence = *rng.pick(&["daily", "weekly on tue", "every 2 days"]);
                let composed = rhythm(&mut rng, &id, cadence.parse::<Cadence>().ok()?, at, length);
                let other = rng.pick(&ids).clone();
                if rng.chance(50) {
                    composed.within(other)
                } else {
                    composed.nth_after(other, 1 + rng.below(3) as u32)
                }
            }
        };
        if rng.chance(30) {
            rhythm = rhythm.zone(self::zone(rng.pick(ZONES)));
        }
        builder.rhythm(rhythm);
        ids.push(id);
    }
    let window = some_window(&mut rng);
    planned(builder, window)
}

/// `count` valid cases of a family (seeds from 0), at least `floor` of them valid.
fn cases(
    family: fn(u64) -> Option<(Community, Plan)>,
    count: u64,
    floor: usize,
) -> Vec<(Community, Plan)> {
    let cases: Vec<(Community, Plan)> = (0..count).filter_map(family).collect();
    assert!(
        cases.len() >= floor,
        "only {} of {count} generated communities were valid",
        cases.len()
    );
    cases
}

fn general() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        let cases = cases(generated, 100, 70);
        // Every kind of trouble is exercised.
        let active: usize = cases.iter().map(|(_, p)| p.occurrences().len()).sum();
        assert!(active > 5_000, "{active}");
        cases
    })
}

fn utc() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        let cases = cases(utc_generated, 30, 21);
        // Rhythms anchored in each kind of fixed zone, in communities with and without DST.
        for name in ["UTC", "Etc/UTC", "Etc/GMT+5"] {
            assert!(
                cases
                    .iter()
                    .any(|(c, _)| c.rhythms().iter().any(|r| c.rhythm_zone(r).name() == name)),
                "no rhythm in {name}"
            );
        }
        cases
    })
}

fn long() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        let mut cases = vec![sydney_retreat()];
        cases.extend(self::cases(long_generated, 30, 18));
        // Many single occurrences longer than a day that contain an offset change.
        let crossing = cases
            .iter()
            .flat_map(|(_, p)| p.occurrences())
            .filter(|o| o.is_active() && o.end - o.start > Duration::hours(24))
            .filter(|o| {
                o.start.offset().fix() != o.end.with_timezone(&o.start.timezone()).offset().fix()
            })
            .count();
        assert!(crossing >= 20, "{crossing}");
        cases
    })
}

/// All-day rhythms: rule cadences (written as RRULE with a date UNTIL), moon and other RDATE
/// cadences, explicit dates, 1 to 3 days, in zones whose DST changes fall at midnight (Santiago,
/// Havana) and elsewhere; some yield to another with `except` and shift, so EXDATEs and
/// overrides appear; a timed weekly rhythm beside them loses its day to them.
fn allday_generated(seed: u64) -> Option<(Community, Plan)> {
    let mut rng = Rng::new(seed ^ 0xA11D);
    let zone = zone(rng.pick(DST_ZONES));
    let start = random_start(&mut rng)?;
    let mut builder = people(&mut rng, seed, zone, start, ZONES);
    let n = 2 + rng.below(3) as usize;
    let mut ids: Vec<String> = Vec::new();
    for r in 0..n {
        let id = format!("d{r}");
        let cadence: Cadence = if rng.chance(35) {
            random_dates(&mut rng)
        } else {
            let list = if rng.chance(70) { CADENCES } else { RDATE_CADENCES };
            rng.pick(list).parse().ok()?
        };
        let days = 1 + rng.below(3);
        let mut rhythm = rhythm(&mut rng, &id, cadence, "00:00", &format!("{days}d")).all_day();
        if rng.chance(40) {
            rhythm = rhythm.zone(self::zone(rng.pick(DST_ZONES)));
        }
        add_composed(&mut rng, &mut builder, rhythm, id, &mut ids);
    }
    if rng.chance(60) {
        let at = *rng.pick(TIMES);
        builder.rhythm(rhythm(&mut rng, "timed", cadence_of("weekly on sat")?, at, "90m"));
    }
    let window = some_window(&mut rng);
    planned(builder, window)
}

/// One-off rhythms: 1 to 6 explicit dates at times in DST gaps and overlaps and ordinary ones,
/// in many zones (a single date is a plain VEVENT, more are an RDATE series), some composed
/// with `except` and shifted, some all-day.
fn oneoff_generated(seed: u64) -> Option<(Community, Plan)> {
    let mut rng = Rng::new(seed ^ 0x0FF);
    let zone = zone(rng.pick(ZONES));
    let start = random_start(&mut rng)?;
    let mut builder = people(&mut rng, seed, zone, start, ZONES);
    let n = 2 + rng.below(3) as usize;
    let mut ids: Vec<String> = Vec::new();
    for r in 0..n {
        let id = format!("o{r}");
        let dates = random_dates(&mut rng);
        let mut rhythm = if rng.chance(25) {
            rhythm(&mut rng, &id, dates, "00:00", "1d").all_day()
        } else {
            let at = *rng.pick(TIMES);
            let length = *rng.pick(LENGTHS);
            rhythm(&mut rng, &id, dates, at, length)
        };
        if rng.chance(50) {
            rhythm = rhythm.zone(self::zone(rng.pick(ZONES)));
        }
        add_composed(&mut rng, &mut builder, rhythm, id, &mut ids);
    }
    let window = some_window(&mut rng);
    planned(builder, window)
}

fn cadence_of(text: &str) -> Option<Cadence> {
    text.parse().ok()
}

/// 1 to 6 dates between June 2026 and December 2027, a few days apart at least (a rhythm's
/// occurrences may not overlap its next one).
fn random_dates(rng: &mut Rng) -> Cadence {
    let first = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default();
    let n = 1 + rng.below(6);
    Cadence::dates((0..n).map(|_| first + Duration::days(4 * rng.below(140) as i64)))
}

fn allday() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| cases(allday_generated, 30, 15))
}

fn oneoff() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| cases(oneoff_generated, 30, 15))
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn all_day_in_python() {
    check(allday(), "allday-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn all_day_in_icaljs() {
    check(allday(), "allday-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn all_day_in_libical() {
    check(allday(), "allday-libical", LIBICAL);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn one_off_in_python() {
    check(oneoff(), "oneoff-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn one_off_in_icaljs() {
    check(oneoff(), "oneoff-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn one_off_in_libical() {
    check(oneoff(), "oneoff-libical", LIBICAL);
}

fn rdates() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        let cases = cases(rdate_generated, 30, 18);
        let offsets = cases
            .iter()
            .flat_map(|(c, _)| c.rhythms())
            .filter(|r| matches!(r.timing(), tempi_core::Timing::Offset(_)))
            .count();
        assert!(offsets >= 5, "{offsets}");
        cases
    })
}

/// The minimal communities of the libical quirks tempi's forms avoid (docs/feeds.md, classes
/// 29 and 30).
fn quirks() -> &'static Cases {
    static CASES: OnceLock<Cases> = OnceLock::new();
    CASES.get_or_init(|| {
        crate::forms::libical_quirks()
            .into_iter()
            .map(|(community, window)| {
                let plan = community.plan(window).unwrap();
                (community, plan)
            })
            .collect()
    })
}

// The tests: one per (family, client). See the module comment for `#[ignore]`.

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn sample_in_python() {
    check(sample(), "sample-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn sample_in_icaljs() {
    check(sample(), "sample-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn sample_in_libical() {
    check(sample(), "sample-libical", LIBICAL);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn generated_in_python() {
    check(general(), "generated-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn generated_in_icaljs() {
    check(general(), "generated-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn generated_in_libical() {
    check(general(), "generated-libical", LIBICAL);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn utc_zones_in_python() {
    check(utc(), "utc-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn utc_zones_in_icaljs() {
    check(utc(), "utc-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn utc_zones_in_libical() {
    check(utc(), "utc-libical", LIBICAL);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn long_events_across_dst_in_python() {
    check(long(), "long-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn long_events_across_dst_in_icaljs() {
    check(long(), "long-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn long_events_across_dst_in_libical() {
    check(long(), "long-libical", LIBICAL);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn rdate_series_in_python() {
    check(rdates(), "rdate-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn rdate_series_in_icaljs() {
    check(rdates(), "rdate-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn rdate_series_in_libical() {
    check(rdates(), "rdate-libical", LIBICAL);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn libical_quirks_in_python() {
    check(quirks(), "quirks-python", PYTHON);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn libical_quirks_in_icaljs() {
    check(quirks(), "quirks-icaljs", ICALJS);
}

#[test]
#[ignore = "needs the interop checkers (Python, ical.js, libical); run scripts/ci-setup-interop.sh"]
fn libical_quirks_in_libical() {
    check(quirks(), "quirks-libical", LIBICAL);
}
