//! VTIMEZONE components checked against the tz data they describe.
//!
//! A small evaluator of its own reads the emitted text (unfolding, STANDARD/DAYLIGHT, DTSTART,
//! RRULE, RDATE, TZOFFSETFROM/TO) and expands every observance per RFC 5545 (§3.6.5, §3.3.10):
//! the offset at an instant is the TZOFFSETTO of the latest onset at or before it, each onset
//! being a local time in its TZOFFSETFROM. The expected offsets come from chrono-tz directly (the
//! engine's data), at every transition found by this file's own probe (±1 s) and at instants
//! every few days from the start of the component to ten years after the window. It shares no
//! code with the generator.

use std::collections::BTreeMap;

use proptest::prelude::*;
use tempi_core::chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
    Weekday,
};
use tempi_core::chrono_tz::{TZ_VARIANTS, Tz};
use tempi_ical::vtimezone::component;

/// The zones the issue named, and the shapes they stand for (negative DST, Ramadan breaks,
/// half-hour and 45-minute offsets, the date line, rules changed mid-way, none at all).
const NAMED: &[&str] = &[
    "Europe/Dublin",
    "America/Santiago",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Africa/Casablanca",
    "America/St_Johns",
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Pacific/Apia",
    "America/Havana",
    "Asia/Tehran",
    "America/Sao_Paulo",
    "UTC",
    "Etc/GMT+5",
];

/// Past the end of chrono-tz's data (no transitions after 2099).
const DATA_END: i32 = 2100;

fn instant(year: i32, month: u32, day: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, month, day).unwrap().and_time(NaiveTime::MIN)
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    Utc.from_utc_datetime(&t)
}

fn chrono_offset(zone: Tz, t: NaiveDateTime) -> i32 {
    zone.offset_from_utc_datetime(&t).fix().local_minus_utc()
}

// ---------------------------------------------------------------------------------------------
// The evaluator.

#[derive(Debug, Default)]
struct Observance {
    kind: String,
    start: Option<NaiveDateTime>,
    rule: Option<String>,
    dates: Vec<NaiveDateTime>,
    from: Option<i32>,
    to: Option<i32>,
}

/// One onset: the instant (UTC) and the offsets before and after, as the observance declares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Onset {
    at: NaiveDateTime,
    from: i32,
    to: i32,
}

fn unfold(text: &str) -> Vec<String> {
    assert!(text.ends_with("\r\n"), "lines end in CRLF");
    let mut lines: Vec<String> = Vec::new();
    for physical in text.split("\r\n").filter(|l| !l.is_empty()) {
        assert!(physical.len() <= 75, "line over 75 octets: {physical}");
        match physical.strip_prefix(' ') {
            Some(rest) => lines.last_mut().unwrap().push_str(rest),
            None => lines.push(physical.to_string()),
        }
    }
    lines
}

fn parse_local(value: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S")
        .unwrap_or_else(|e| panic!("local date-time `{value}`: {e}"))
}

fn parse_offset(value: &str) -> i32 {
    let sign = match value.get(..1) {
        Some("+") => 1,
        Some("-") => -1,
        _ => panic!("offset `{value}`"),
    };
    let digits = &value[1..];
    assert!(digits.len() == 4 || digits.len() == 6, "offset `{value}`");
    let part =
        |range: std::ops::Range<usize>| digits.get(range).map_or(0, |d| d.parse::<i32>().unwrap());
    sign * (part(0..2) * 3600 + part(2..4) * 60 + part(4..6))
}

/// The TZID and observances of the one VTIMEZONE in `text`.
fn parse(text: &str) -> (String, Vec<Observance>) {
    let mut tzid = None;
    let mut observances = Vec::new();
    let mut current: Option<Observance> = None;
    let mut depth = 0;
    for line in unfold(text) {
        let (name, value) = line.split_once(':').unwrap();
        assert!(!name.contains(';'), "no parameters expected: {line}");
        match (name, value) {
            ("BEGIN", "VTIMEZONE") => {
                assert_eq!(depth, 0);
                depth = 1;
            }
            ("END", "VTIMEZONE") => depth = 0,
            ("BEGIN", kind @ ("STANDARD" | "DAYLIGHT")) => {
                assert!(current.is_none(), "nested observance");
                current = Some(Observance { kind: kind.to_string(), ..Observance::default() });
            }
            ("END", kind) => {
                let done = current.take().unwrap();
                assert_eq!(done.kind, kind);
                observances.push(done);
            }
            ("TZID", value) => tzid = Some(value.to_string()),
            (name, value) => {
                let o = current.as_mut().unwrap_or_else(|| panic!("{line} outside an observance"));
                match name {
                    "DTSTART" => o.start = Some(parse_local(value)),
                    "RRULE" => {
                        assert!(o.rule.is_none(), "one RRULE per observance");
                        o.rule = Some(value.to_string());
                    }
                    "RDATE" => {
                        assert!(!value.contains(','), "one RDATE value a line (ical.js): {line}");
                        o.dates.push(parse_local(value));
                    }
                    "TZOFFSETFROM" => o.from = Some(parse_offset(value)),
                    "TZOFFSETTO" => o.to = Some(parse_offset(value)),
                    "TZNAME" => assert!(!value.is_empty()),
                    other => panic!("property the evaluator does not know: {other}"),
                }
            }
        }
    }
    (tzid.unwrap(), observances)
}

fn weekday(code: &str) -> Weekday {
    match code {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => panic!("weekday `{code}`"),
    }
}

fn days_in_month(year: i32, month: u32) -> u32 {
    (28..=31).rev().find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some()).unwrap()
}

/// Expands a YEARLY rule (the only kind a VTIMEZONE needs) per RFC 5545 §3.3.10: BYMONTH, then
/// BYMONTHDAY and BYDAY (with an optional ordinal within the month) limiting the month's days.
fn expand_rule(rule: &str, start: NaiveDateTime, from: i32, horizon: i32) -> Vec<NaiveDateTime> {
    let parts: BTreeMap<&str, &str> = rule.split(';').map(|p| p.split_once('=').unwrap()).collect();
    for key in parts.keys() {
        assert!(
            ["FREQ", "BYMONTH", "BYDAY", "BYMONTHDAY", "UNTIL"].contains(key),
            "rule part the evaluator does not know: {rule}"
        );
    }
    assert_eq!(parts["FREQ"], "YEARLY", "{rule}");
    let month: u32 = parts.get("BYMONTH").map_or(start.month(), |m| m.parse().unwrap());
    let month_days: Option<Vec<u32>> =
        parts.get("BYMONTHDAY").map(|l| l.split(',').map(|d| d.parse().unwrap()).collect());
    let by_day: Option<(i32, Weekday)> = parts.get("BYDAY").map(|d| {
        assert!(!d.contains(','), "one BYDAY: {rule}");
        let split = d.len() - 2;
        let ordinal = if split == 0 { 0 } else { d[..split].parse().unwrap() };
        (ordinal, weekday(&d[split..]))
    });
    let until = parts.get("UNTIL").map(|u| {
        let u = u.strip_suffix('Z').unwrap_or_else(|| panic!("UNTIL in UTC: {rule}"));
        parse_local(u)
    });
    let mut out = Vec::new();
    let last_year = until.map_or(horizon, |u| u.year());
    for year in start.year()..=last_year {
        let length = days_in_month(year, month);
        for day in 1..=length {
            let date = NaiveDate::from_ymd_opt(year, month, day).unwrap();
            if let Some(list) = &month_days
                && !list.contains(&day)
            {
                continue;
            }
            if let Some((ordinal, wd)) = by_day {
                if date.weekday() != wd {
                    continue;
                }
                let nth_from_start = (day as i32 - 1) / 7 + 1;
                let nth_from_end = -((length as i32 - day as i32) / 7 + 1);
                if ordinal > 0 && ordinal != nth_from_start
                    || ordinal < 0 && ordinal != nth_from_end
                {
                    continue;
                }
            }
            if month_days.is_none() && by_day.is_none() && day != start.day() {
                continue;
            }
            let local = date.and_time(start.time());
            if local < start {
                continue;
            }
            if until.is_some_and(|u| local - Duration::seconds(i64::from(from)) > u) {
                continue;
            }
            out.push(local);
        }
    }
    out
}

/// Every onset of every observance up to `horizon`, sorted.
fn onsets(observances: &[Observance], horizon: i32) -> Vec<Onset> {
    let mut out = Vec::new();
    for o in observances {
        let start = o.start.expect("DTSTART");
        let (from, to) = (o.from.expect("TZOFFSETFROM"), o.to.expect("TZOFFSETTO"));
        let mut locals = vec![start];
        if let Some(rule) = &o.rule {
            let expanded = expand_rule(rule, start, from, horizon);
            assert_eq!(expanded.first(), Some(&start), "DTSTART is the rule's first instance");
            locals = expanded;
        }
        locals.extend(o.dates.iter().copied());
        for local in locals {
            out.push(Onset { at: local - Duration::seconds(i64::from(from)), from, to });
        }
    }
    out.sort_by_key(|o| o.at);
    out
}

/// A parsed component, ready to answer "which offset at this instant".
struct Evaluated {
    onsets: Vec<Onset>,
}

impl Evaluated {
    fn new(text: &str, horizon: i32) -> Evaluated {
        let (_, observances) = parse(text);
        assert!(!observances.is_empty());
        Evaluated { onsets: onsets(&observances, horizon) }
    }

    fn offset(&self, t: NaiveDateTime) -> i32 {
        let after = self.onsets.partition_point(|o| o.at <= t);
        match after.checked_sub(1).and_then(|i| self.onsets.get(i)) {
            Some(onset) => onset.to,
            // Before the first onset: the first observance's TZOFFSETFROM.
            None => self.onsets.first().unwrap().from,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The reference: chrono-tz, probed here on its own.

/// Every instant in `[from, to)` where chrono-tz's offset for `zone` changes, to the second.
fn reference_transitions(
    zone: Tz,
    from: NaiveDateTime,
    to: NaiveDateTime,
    step: Duration,
) -> Vec<NaiveDateTime> {
    let mut out = Vec::new();
    let mut t = from;
    let mut before = chrono_offset(zone, t);
    while t < to {
        let next = t + step;
        let after = chrono_offset(zone, next);
        if after != before {
            let (mut low, mut high) = (t, next);
            while (high - low).num_seconds() > 1 {
                let mid = low + Duration::seconds((high - low).num_seconds() / 2);
                if chrono_offset(zone, mid) == before {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            out.push(high);
        }
        before = after;
        t = next;
    }
    out
}

/// Checks the component for `zone` written for a feed whose first occurrence is at `earliest`
/// and whose window ends in `window_end`, from January 1 of `covered_from` to ten years after
/// the window (capped at the end of chrono-tz's data).
fn check(zone: Tz, earliest: NaiveDateTime, window_end: i32, covered_from: i32, step: Duration) {
    let text = component(zone, utc(earliest));
    let (tzid, _) = parse(&text);
    assert_eq!(tzid, zone.name());
    let evaluated = Evaluated::new(&text, DATA_END + 60);
    let name = zone.name();
    // Observances never contradict each other: each onset starts from the offset the previous
    // one gave (a STANDARD rule that stopped while DAYLIGHT ran on would break this).
    for pair in evaluated.onsets.windows(2) {
        assert!(pair[0].at < pair[1].at, "{name}: two onsets at {}", pair[0].at);
        assert_eq!(
            pair[1].from, pair[0].to,
            "{name}: the onset at {} starts from {} but the one at {} left {}\n{text}",
            pair[1].at, pair[1].from, pair[0].at, pair[0].to
        );
    }
    let from = instant(covered_from, 1, 1);
    let to = instant((window_end + 10).min(DATA_END), 1, 1);
    let at = |t: NaiveDateTime| {
        assert_eq!(
            evaluated.offset(t),
            chrono_offset(zone, t),
            "{name} at {t} UTC (feed from {earliest})\n{text}"
        );
    };
    for t in reference_transitions(zone, from, to, step) {
        for delta in [-1, 0, 1] {
            at(t + Duration::seconds(delta));
        }
    }
    // Every 5 days and 7 hours, so the samples walk through the hours of the day.
    let mut t = from;
    while t < to {
        at(t);
        t += Duration::hours(5 * 24 + 7);
    }
}

fn zone(name: &str) -> Tz {
    name.parse().unwrap()
}

#[test]
fn named_zones_follow_chrono_tz_from_1970_to_the_end_of_its_data() {
    for name in NAMED {
        check(zone(name), instant(2027, 1, 1), 2090, 1970, Duration::hours(3));
    }
}

#[test]
fn named_zones_with_early_windows_reach_back_to_them() {
    for name in NAMED {
        for year in [1901, 1925, 1948, 1969] {
            check(zone(name), instant(year, 3, 1), year + 1, year - 1, Duration::hours(12));
        }
    }
}

#[test]
fn every_chrono_tz_zone_follows_its_transitions() {
    for zone in TZ_VARIANTS {
        check(zone, instant(2027, 1, 1), 2090, 1970, Duration::days(1));
    }
}

#[test]
fn the_component_is_the_same_in_every_window_from_1971() {
    // Clients cache a VTIMEZONE by TZID: every feed must carry the same definition.
    for name in NAMED {
        let reference = component(zone(name), utc(instant(2027, 1, 1)));
        for year in [1971, 1990, 2026, 2050, 2099] {
            assert_eq!(component(zone(name), utc(instant(year, 7, 1))), reference, "{name} {year}");
        }
    }
}

#[test]
fn rules_in_force_continue_after_chrono_tz_data_ends() {
    // chrono-tz stops applying DST after 2099; tzdb's rules for these zones have no end (US
    // Energy Policy Act 2005, EU Directive 2000/84/EC, Irish Standard Time Act 1971 as amended,
    // NSW Standard Time Act 1987, Chile's DS 1286/2022). So the component keeps them, and a client
    // applying it in 2150 sees summer time where the law says so.
    /// Zone, a winter day and its offset, a summer day and its offset.
    type Case = (&'static str, (u32, u32), i32, (u32, u32), i32);
    let cases: &[Case] = &[
        ("America/New_York", (1, 15), -5 * 3600, (7, 1), -4 * 3600),
        ("Europe/Berlin", (1, 15), 3600, (7, 1), 2 * 3600),
        ("Europe/Dublin", (1, 15), 0, (7, 1), 3600),
        ("Australia/Sydney", (7, 1), 10 * 3600, (1, 15), 11 * 3600),
        ("America/Santiago", (7, 1), -4 * 3600, (1, 15), -3 * 3600),
    ];
    for &(name, winter, winter_offset, summer, summer_offset) in cases {
        let text = component(zone(name), utc(instant(2027, 1, 1)));
        let evaluated = Evaluated::new(&text, 2160);
        for year in [2101, 2150] {
            assert_eq!(
                evaluated.offset(instant(year, winter.0, winter.1)),
                winter_offset,
                "{name} {year}"
            );
            assert_eq!(
                evaluated.offset(instant(year, summer.0, summer.1)),
                summer_offset,
                "{name} {year}"
            );
        }
    }
}

#[test]
fn sizes_stay_small() {
    // Every zone's component fits in a few kilobytes (it is repeated in every feed that uses it).
    let mut largest = (0, "");
    for zone in TZ_VARIANTS {
        let size = component(zone, utc(instant(2027, 1, 1))).len();
        if size > largest.0 {
            largest = (size, zone.name());
        }
    }
    assert!(largest.0 < 8_000, "{largest:?}");
    for name in NAMED {
        let size = component(zone(name), utc(instant(2027, 1, 1))).len();
        assert!(size < 6_000, "{name}: {size} bytes");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_zones_and_windows(index in 0..TZ_VARIANTS.len(), year in 1900i32..=2099, month in 1u32..=12, years in 1i32..=3) {
        let zone = TZ_VARIANTS[index];
        let end = (year + years).min(2099);
        let covered = (year - 1).clamp(1900, 1970);
        check(zone, instant(year, month, 1), end, covered, Duration::hours(12));
    }
}

/// Python's dateutil (what icalendar's `to_tz` uses for a TZID it does not know) reading every
/// zone's component, under a renamed TZID so it cannot fall back on its own tz data, gives
/// chrono-tz's offset every 5 days from 1970 to 2038 (instants within an hour of a transition
/// are left out: dateutil resolves overlap hours its own way). Optional and slow (minutes): run
/// `bash scripts/ci-setup-interop.sh`, then
/// `cargo test -p tempi-ical --test it dateutil -- --ignored`.
#[test]
#[ignore = "needs the interop checkers (Python dateutil); run scripts/ci-setup-interop.sh"]
fn python_dateutil_reads_every_component_like_chrono_tz() {
    const SCRIPT: &str = r#"
import sys, datetime as dt
import icalendar
bad = 0
for block in sys.stdin.read().split("\n==\n"):
    if not block.strip():
        continue
    head, ics, samples = block.split("\n--\n")
    comp = icalendar.Timezone.from_ical(ics.replace("\n", "\r\n").encode())
    tz = comp.to_tz()
    for line in samples.split():
        ts, offset = (int(x) for x in line.split(","))
        t = dt.datetime.fromtimestamp(ts, dt.timezone.utc)
        got = int(t.astimezone(tz).utcoffset().total_seconds())
        if got != offset:
            bad += 1
            if bad < 20:
                print(head, t.isoformat(), got, offset)
print("mismatches", bad)
"#;
    let python =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../interop/.venv/bin/python");
    assert!(python.exists(), "run `bash scripts/ci-setup-interop.sh` first");
    let mut input = String::new();
    for (index, zone) in TZ_VARIANTS.iter().copied().enumerate() {
        let text = component(zone, utc(instant(2027, 1, 1)));
        // One name per zone: icalendar caches a VTIMEZONE by its TZID.
        let renamed =
            text.replace(&format!("TZID:{}", zone.name()), &format!("TZID:X-tempi-{index}"));
        input.push_str(zone.name());
        input.push_str("\n--\n");
        input.push_str(&renamed.replace("\r\n", "\n"));
        input.push_str("\n--\n");
        let mut t = instant(1970, 1, 2);
        while t < instant(2038, 1, 1) {
            let hour = Duration::hours(1);
            if chrono_offset(zone, t - hour) == chrono_offset(zone, t + hour) {
                input.push_str(&format!(
                    "{},{}\n",
                    t.and_utc().timestamp(),
                    chrono_offset(zone, t)
                ));
            }
            // Every 17 days and 7 hours: each DST period (weeks to months long) is sampled
            // several times a year, at drifting hours, in about a minute of Python for 597 zones.
            t += Duration::hours(17 * 24 + 7);
        }
        input.push_str("\n==\n");
    }
    let mut child = std::process::Command::new(python)
        .args(["-c", SCRIPT])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), input.as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.trim_end().ends_with("mismatches 0"), "{stdout}");
}
