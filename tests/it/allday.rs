//! One-off and all-day rhythms end to end: a community file with a three-day retreat (no `at`)
//! and a fair on two dates, through `tempi plan` (agenda and JSON), `tempi plan --out` and
//! `tempi expand` of the feed.

use std::path::PathBuf;

use serde_json::Value;

use crate::community_toml::community;
use crate::tempi;

/// Two members in a pod with a weekly call, a three-day retreat (no `at`) and a fair on two dates.
fn file() -> String {
    community("c", "C", "Europe/Berlin", "2027-01-04")
        .member("ana", "Ana", "Europe/Berlin", &[])
        .member("bo", "Bo", "Europe/Berlin", &[])
        .group("pod", "Pod", "1..3", &["ana", "bo"])
        .rhythm(
            ("weekly", "Pod call"),
            "pod",
            "relational",
            &["cadence = \"weekly on sat\"", "at = \"10:00\"", "length = \"90m\""],
        )
        .rhythm(
            ("retreat", "Retreat"),
            "pod",
            "relational",
            &["dates = [\"2027-06-11\"]", "length = \"3d\""],
        )
        .rhythm(
            ("fair", "Fair"),
            "pod",
            "working",
            &["dates = [\"2027-09-18\", \"2027-06-26\"]", "at = \"09:00\"", "length = \"8h\""],
        )
        .text()
}

fn scratch(name: &str) -> PathBuf {
    let dir = crate::files::scratch(&format!("allday-{name}"));
    std::fs::write(dir.join("c.toml"), file()).unwrap();
    dir
}

#[test]
fn the_agenda_shows_dates_for_all_day_and_the_clashes_they_win() {
    let dir = scratch("agenda");
    let file = dir.join("c.toml");
    let run =
        tempi(&["plan", file.to_str().unwrap(), "--from", "2027-06-10", "--to", "2027-06-27"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    // Friday 11 June to Sunday 13 June 2027; the Saturday call that falls inside is cancelled,
    // and so is the call the 09:00-17:00 fair overlaps on Saturday 26 June.
    assert!(
        lines.contains(&"  Fri 11-Sun 13 Jun 3 days  Retreat  · facilitator ana"),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(&"x Sat 12 10:00-11:30  Pod call  CANCELLED: clashes with `retreat` (Fri 2027-06-11, all day), which wins by its slower tempo"),
        "{}",
        run.stdout
    );
    assert!(lines.iter().any(|l| l.starts_with("  Sat 26 09:00-17:00  Fair")), "{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_plan_json_marks_all_day_occurrences() {
    let dir = scratch("json");
    let file = dir.join("c.toml");
    let run = tempi(&[
        "plan",
        file.to_str().unwrap(),
        "--from",
        "2027-06-11",
        "--to",
        "2027-06-11",
        "--json",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    let retreat = &doc["occurrences"][0];
    assert_eq!(retreat["rhythm"], "retreat");
    assert_eq!(retreat["all_day"], true);
    assert_eq!(retreat["days"], 3);
    assert_eq!(retreat["start"], "2027-06-11T00:00:00+02:00");
    assert_eq!(retreat["end"], "2027-06-14T00:00:00+02:00");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_feed_expands_to_the_dates_and_the_one_off_times() {
    let dir = scratch("feed");
    let file = dir.join("c.toml");
    let out = dir.join("feeds");
    let run =
        tempi(&["plan", file.to_str().unwrap(), "--year", "2027", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let feed = out.join("c.ics");
    let ics = std::fs::read_to_string(&feed).unwrap();
    assert!(ics.contains("DTSTART;VALUE=DATE:20270611\r\nDTEND;VALUE=DATE:20270614\r\n"), "{ics}");
    let run =
        tempi(&["expand", feed.to_str().unwrap(), "--from", "2027-06-01", "--to", "2027-09-30"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let rows: Vec<&str> = run.stdout.lines().filter(|l| !l.contains("weekly@")).collect();
    // The retreat as a date and its days; the fair at 09:00 Berlin (07:00 UTC in summer), 8 h.
    assert_eq!(
        rows,
        [
            "retreat@c.tempi\t20270611\tD3",
            "fair@c.tempi\t20270626T070000Z\t28800",
            "fair@c.tempi\t20270918T070000Z\t28800",
        ],
        "{}",
        run.stdout
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_picture_counts_an_all_day_day_as_eight_hours_and_shows_dates() {
    let dir = scratch("picture");
    let file = dir.join("c.toml");
    let svg = dir.join("year.svg");
    let run =
        tempi(&["plan", file.to_str().unwrap(), "--year", "2027", "--svg", svg.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let svg = std::fs::read_to_string(&svg).unwrap();
    // ISO week 23 of 2027 (Monday 7 to Sunday 13 June) holds the three-day retreat, 3 × 8 h,
    // and no pod call: Saturday 12 June's is cancelled by it.
    assert!(svg.contains("data-week=\"2027-W23\" data-hours=\"24.0\""), "{svg}");
    assert!(svg.contains("Fri 11 Jun 2027 – Sun 13 Jun 2027 (all day, 3 days)"), "{svg}");
    let _ = std::fs::remove_dir_all(&dir);
}
