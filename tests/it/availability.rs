//! Availability checks (`check`, `plan`, `--strict`, `check --json`) and the agenda's `--zone`
//! and `--member` (issue 11 §3 and §7). Expected values come from tz facts worked out in the
//! comments, not from the command's own output.

use std::path::PathBuf;

use serde_json::Value;
use tempi::chrono::{Datelike, Duration, TimeZone, Timelike, Utc};

use crate::tempi;

const SAMPLE: &str = include_str!("../../examples/community.toml");

fn scratch(name: &str) -> PathBuf {
    crate::files::scratch(&format!("avail-{name}"))
}

/// Replaces `from` with `to` in the block that starts at `id = "<id>"`.
fn edit(text: &str, id: &str, from: &str, to: &str) -> String {
    let start = text.find(&format!("id = \"{id}\"")).unwrap();
    let end = text[start..].find("\n[[").map_or(text.len(), |k| start + k);
    let block = &text[start..end];
    assert!(block.contains(from), "{id} has no {from}");
    format!("{}{}{}", &text[..start], block.replacen(from, to, 1), &text[end..])
}

/// The sample as it was before the fix: Pod Lumen at 20:00 Berlin, Dawit free 19:00–22:00.
fn old_sample() -> String {
    let text = edit(SAMPLE, "lumen-weekly", "at = \"19:00\"", "at = \"20:00\"");
    edit(&text, "dawit", "\"mon-fri 19:00-23:00\"", "\"mon-fri 19:00-22:00\"")
}

#[test]
fn the_old_sample_fails_check_strict_naming_dawit_and_pod_lumen() {
    let dir = scratch("old-sample");
    let path = dir.join("community.toml");
    std::fs::write(&path, old_sample()).unwrap();
    let run = tempi(&["check", "--strict", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    // Tuesday 20:00 in Berlin is 19:00 UTC in winter (CET, UTC+1) and 18:00 UTC in summer
    // (CEST, from 28 March to 31 October 2027); Addis Ababa is UTC+3 all year, so Dawit sees
    // 22:00 in winter and 21:00 in summer. A 90-minute meeting then ends at 23:30 or 22:30, and
    // each sixth meeting's 2-hour retrospective at 00:00 or 23:00: all after his window closes
    // at 22:00. So every occurrence is out: 52 Tuesdays from 5 January to 28 December, less the
    // retreat's week (7 September), the reunion that replaces 14 September, and the two in the
    // winter break (20 December to 3 January: 21 and 28 December): 48, the last on 14 December.
    // Located at the rhythm's `[[rhythms]]` line.
    let text = old_sample();
    let line = text[..text.find("id = \"lumen-weekly\"").unwrap()].lines().count();
    let lumen = format!(
        "{}:{line}:1: error: rhythm `lumen-weekly` (Pod Lumen weekly check-in) is outside the availability of `dawit` at every one of its 48 Tuesdays from 2027-01-05 to 2027-12-14 (Tue 22:00–23:30 or 22:00–00:00 the next day or 21:00–22:30 or 21:00–23:00 Africa/Addis_Ababa)",
        path.display()
    );
    assert!(run.stderr.lines().any(|l| l == lumen), "{}", run.stderr);
    // The reunion (19:00 Berlin on 14 September, summer time: 17:00 UTC, 20:00 in Addis Ababa,
    // 2h30m) ends at 22:30, after 22:00 too.
    assert!(
        run.stderr.contains(
            "error: rhythm `lumen-reunion` (Pod Lumen reunion after the retreat) is outside the availability of `dawit` on 2027-09-14 (Tue 20:00–22:30 Africa/Addis_Ababa)"
        ),
        "{}",
        run.stderr
    );
    // Chiara (Rome, 18:30–21:30) misses only the retrospectives (20:00–22:00 her time): Pod
    // Lumen has a presence of 3, so that is allowed and not reported.
    assert!(!run.stderr.contains("`chiara`"), "{}", run.stderr);
    assert!(
        run.stderr.ends_with(&format!(
            "2 availability errors in {} (--strict); move the rhythm to a time that fits, or change the windows\n",
            path.display()
        )),
        "{}",
        run.stderr
    );
    // Without --strict the same are warnings and the file is ok.
    let run = tempi(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(":{line}:1: warning: rhythm `lumen-weekly`")),
        "{}",
        run.stderr
    );
    assert!(run.stdout.starts_with("ok: Riverbend Congregation (riverbend)"), "{}", run.stdout);
    assert!(run.stdout.ends_with("; 2 warnings\n"), "{}", run.stdout);
    // plan --strict refuses too, before printing anything.
    let run = tempi(&["plan", "--strict", path.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
}

#[test]
fn the_sample_checks_clean_under_strict() {
    let run = tempi(&["check", "--strict"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.stderr, "");
    assert!(run.stdout.ends_with("; 0 warnings\n"), "{}", run.stdout);
    let run = tempi(&["plan", "--strict", "--year", "2027"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let run = tempi(&["check", "--strict", "--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["ok"], true);
    assert_eq!(json["availability"], Value::Array(Vec::new()));
}

/// Two members in UTC free on Tuesdays 17:00–21:00, a weekly Tuesday rhythm at 18:00 for an
/// hour over January to March 2027, and `extra` lines for `bo`.
fn pair(bo_extra: &str) -> String {
    let free = "availability = [\"tue 17:00-21:00\"]";
    crate::community_toml::community("c", "C", "UTC", "2027-01-04")
        .member("ana", "Ana", "UTC", &[free])
        .member("bo", "Bo", "UTC", &[free, bo_extra])
        .group("pair", "Pair", "2..2", &["ana", "bo"])
        .rhythm(
            ("check-in", "Check-in"),
            "pair",
            "relational",
            &[
                "cadence = \"weekly on tue\"",
                "at = \"18:00\"",
                "length = \"1h\"",
                "end = \"2027-03-30\"",
            ],
        )
        .text()
}

/// `tempi <command> pair.toml <args…>` with `text` in `pair.toml` in the scratch directory
/// `name`, which must succeed.
#[track_caller]
fn run_pair(name: &str, text: &str, command: &[&str]) -> crate::Run {
    let path = scratch(name).join("pair.toml");
    std::fs::write(&path, text).unwrap();
    let mut args = vec![command[0], path.to_str().unwrap()];
    args.extend(&command[1..]);
    let run = tempi(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run
}

/// A busy calendar with one event, 17:30–18:30 UTC on Tuesday 9 March 2027.
const BUSY: &str = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:b\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270309T173000Z\r\nDTEND:20270309T183000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

#[test]
fn a_busy_calendar_conflict_is_reported_with_a_time_that_fits() {
    let dir = scratch("busy");
    std::fs::write(dir.join("bo.ics"), BUSY).unwrap();
    let path = dir.join("pair.toml");
    std::fs::write(&path, pair("busy = [\"bo.ics\"]")).unwrap();
    let run = tempi(&["check", path.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 18:00–19:00 on 9 March overlaps 17:30–18:30; no other Tuesday does.
    let line = run.stderr.lines().find(|l| l.contains("warning: rhythm `check-in`")).unwrap();
    assert!(
        line.contains(
            "rhythm `check-in` (Check-in) clashes with the busy calendar of `bo` on 2027-03-09 (Tue 18:00–19:00 UTC); Tuesdays at "
        ),
        "{line}"
    );
    assert!(line.ends_with(" UTC fits everyone"), "{line}");
    let run = tempi(&["check", "--strict", path.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.contains("error: rhythm `check-in`"), "{}", run.stderr);
    // The JSON has it as an error under --strict, with the suggestion.
    let run = tempi(&["check", "--strict", "--json", path.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    let json: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["ok"], false);
    let found = &json["availability"][0];
    assert_eq!(found["severity"], "error");
    assert_eq!(found["member"], "bo");
    assert_eq!(found["rhythm"], "check-in");
    assert_eq!(found["reason"], "busy");
    assert_eq!(found["dates"], serde_json::json!(["2027-03-09"]));
    assert_eq!(found["summary"], "on 2027-03-09");
    assert_eq!(found["suggestion"]["zone"], "UTC");
}

/// The suggestion, checked minute by minute against both members' declared week (Tuesdays
/// 17:00–21:00 UTC) and Bo's busy event, at every Tuesday of the rhythm's season.
#[test]
fn the_suggested_time_is_free_for_everyone_by_brute_force() {
    let dir = scratch("suggest");
    std::fs::write(dir.join("bo.ics"), BUSY).unwrap();
    let path = dir.join("pair.toml");
    let text = pair("busy = [\"bo.ics\"]");
    std::fs::write(&path, &text).unwrap();
    let loaded = tempi::file::parse(&text, "pair.toml").unwrap();
    let community = loaded.community;
    let window = tempi::Window::year(community.zone(), 2027).unwrap();
    let busy = tempi::pipeline::BusyFiles::relative_to(&dir);
    let planned =
        tempi::pipeline::plan(community.clone(), window, tempi::ExpandOptions::new(), &busy)
            .unwrap();
    let report = tempi::pipeline::availability_problems(
        &community,
        &planned.community,
        &planned.plan,
        &busy,
    )
    .unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let suggestion = report.problems[0].suggestion.clone().expect("a time fits");
    let busy_from = Utc.with_ymd_and_hms(2027, 3, 9, 17, 30, 0).unwrap();
    let busy_to = Utc.with_ymd_and_hms(2027, 3, 9, 18, 30, 0).unwrap();
    // Tuesdays from 5 January to 30 March 2027: 13.
    assert_eq!(suggestion.occurrences.len(), 13);
    for (start, end) in &suggestion.occurrences {
        let mut t = *start;
        while t < *end {
            assert_eq!(t.weekday(), tempi::chrono::Weekday::Tue, "{t}");
            let minute = t.hour() * 60 + t.minute();
            assert!((17 * 60..21 * 60).contains(&minute), "{t} is outside 17:00-21:00");
            assert!(!(busy_from <= t && t < busy_to), "{t} is in Bo's busy time");
            t += Duration::minutes(1);
        }
    }
}

#[test]
fn away_dates_are_reported_without_a_suggestion() {
    let run = run_pair("away", &pair("away = [\"2027-03-01..2027-03-14\"]"), &["check"]);
    // The Tuesdays in 1–14 March are the 2nd and the 9th; no time on them fits Bo.
    assert!(
        run.stderr.contains(
            "warning: rhythm `check-in` (Check-in) falls on away dates of `bo` on 2027-03-02 and 2027-03-09 (Tue 18:00–19:00 UTC)\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn plan_warns_too() {
    let run = run_pair("plan-warns", &pair("away = [\"2027-03-09\"]"), &["plan"]);
    assert!(
        run.stderr.contains(
            "warning: rhythm `check-in` (Check-in) falls on away dates of `bo` on 2027-03-09"
        ),
        "{}",
        run.stderr
    );
    assert!(run.stdout.contains("Check-in"), "{}", run.stdout);
}

/// The first agenda line that names `rhythm`.
fn first_line<'a>(agenda: &'a str, rhythm: &str) -> &'a str {
    agenda.lines().find(|l| l.contains(rhythm)).unwrap_or_else(|| panic!("no {rhythm}:\n{agenda}"))
}

#[test]
fn the_agenda_in_another_zone_and_for_one_member() {
    // Pod Lumen meets Tuesdays at 19:00 Berlin; 5 January 2027 is winter time (UTC+1), so
    // 18:00 UTC: 13:00 in New York (UTC-5), 21:00 in Addis Ababa (UTC+3).
    let run = tempi(&["plan", "--year", "2027", "--zone", "America/New_York"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "Riverbend Congregation — 2027-01-01 to 2027-12-31 (times in America/New_York)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(first_line(&run.stdout, "Pod Lumen weekly").starts_with("  Tue 05 13:00-14:30  "));
    let whole = run.stdout.lines().last().unwrap().to_string();

    let run = tempi(&["plan", "--year", "2027", "--member", "dawit"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.starts_with(
            "Riverbend Congregation — 2027-01-01 to 2027-12-31 (times in Africa/Addis_Ababa) for Dawit Bekele (dawit)\n"
        ),
        "{}",
        run.stdout
    );
    assert!(first_line(&run.stdout, "Pod Lumen weekly").starts_with("  Tue 05 21:00-22:30  "));
    // Dawit is in Pod Lumen, not in Pod Ceiba or the stewards.
    assert!(!run.stdout.contains("Pod Ceiba"), "{}", run.stdout);
    assert!(!run.stdout.contains("Stewards sprint"), "{}", run.stdout);
    assert!(run.stdout.contains("Full moon call"), "{}", run.stdout);
    assert_ne!(run.stdout.lines().last().unwrap(), whole);

    // --zone wins over the member's zone.
    let run = tempi(&["plan", "--year", "2027", "--member", "dawit", "--zone", "UTC"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stdout.contains("(times in UTC) for Dawit Bekele (dawit)"), "{}", run.stdout);
    assert!(first_line(&run.stdout, "Pod Lumen weekly").starts_with("  Tue 05 18:00-19:30  "));
}

#[test]
fn agenda_flags_refuse_what_they_cannot_do() {
    let run = tempi(&["plan", "--member", "dawiit"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "error: --member: unknown member `dawiit`; did you mean `dawit`?\n");
    let run = tempi(&["plan", "--zone", "Europe/Berln"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("error: --zone: "), "{}", run.stderr);
    assert!(run.stderr.contains("Europe/Berlin"), "{}", run.stderr);
    let run = tempi(&["plan", "--zone", "UTC", "--json"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("--zone shapes the text agenda"), "{}", run.stderr);
}

#[test]
fn a_member_name_with_control_characters_is_escaped_in_the_heading() {
    let text = pair("").replace("name = \"Bo\"", "name = \"Bo\\u001b[2J\\r\\nx\"");
    let run = run_pair("safe-member", &text, &["plan", "--member", "bo"]);
    let heading = run.stdout.lines().next().unwrap();
    assert!(heading.ends_with("for Bo\\u{1b}[2J\\r\\nx (bo)"), "{heading}");
    assert!(!run.stdout.contains('\u{1b}'));
}
