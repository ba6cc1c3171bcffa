//! `tempi plan --out DIR` and `tempi busy` (docs/feeds.md): the feed files, their names,
//! reproducibility, `"uid"` in `plan --json`, and busy intervals read back from calendar exports.

use std::path::PathBuf;

use crate::{data, tempi};

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tempi-feeds-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn plan_out_writes_every_feed_reproducibly() {
    let dir = out_dir("sample");
    let run = tempi(&["plan", "--year", "2027", "--out", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("wrote 26 feeds"), "{}", run.stderr);
    let community = std::fs::read(dir.join("riverbend.ics")).unwrap();
    let group = std::fs::read(dir.join("groups/pod-ceiba.ics")).unwrap();
    let member = std::fs::read(dir.join("members/ana.ics")).unwrap();
    for bytes in [&community, &group, &member] {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nPRODID:-//tempi//tempi feeds//EN\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("X-PUBLISHED-TTL:PT12H\r\n"));
    }
    // No temporary file is left behind.
    for entry in std::fs::read_dir(&dir).unwrap() {
        assert!(!entry.unwrap().file_name().to_string_lossy().starts_with('.'));
    }
    // A second run gives the same bytes.
    let again = tempi(&["plan", "--year", "2027", "--out", dir.to_str().unwrap()]);
    assert_eq!(again.code, 0);
    assert_eq!(std::fs::read(dir.join("riverbend.ics")).unwrap(), community);
    assert_eq!(std::fs::read(dir.join("members/ana.ics")).unwrap(), member);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_failed_run_leaves_the_earlier_feeds_alone() {
    let dir = out_dir("fail");
    let run = tempi(&["plan", "--year", "2027", "--out", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = std::fs::read(dir.join("riverbend.ics")).unwrap();
    // `members` is now a file: the run fails before any feed is replaced.
    std::fs::remove_dir_all(dir.join("members")).unwrap();
    std::fs::write(dir.join("members"), "in the way").unwrap();
    let run = tempi(&["plan", "--year", "2028", "--out", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("cannot create the directory"), "{}", run.stderr);
    assert_eq!(std::fs::read(dir.join("riverbend.ics")).unwrap(), before);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plan_json_names_the_uid_of_each_occurrence() {
    let run = tempi(&["plan", "--from", "2027-09-06", "--to", "2027-09-12", "--json"]);
    assert_eq!(run.code, 0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for occ in value["occurrences"].as_array().unwrap() {
        let uid = occ["uid"].as_str().unwrap();
        let rhythm = occ["rhythm"].as_str().unwrap();
        assert!(uid.starts_with(rhythm) && uid.ends_with("@riverbend.tempi"), "{uid}");
    }
}

#[test]
fn busy_prints_what_the_solver_will_see() {
    let file = data("ical/google.ics");
    let run = tempi(&[
        "busy",
        file.to_str().unwrap(),
        "--member-zone",
        "Europe/Berlin",
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-31",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "offsite-2d@google.com\t20270105T230000Z\t172800\n\
         standup-7f3a@google.com\t20270104T080000Z\t1800\n\
         standup-7f3a@google.com\t20270118T090000Z\t1800\n\
         standup-7f3a@google.com\t20270125T080000Z\t1800\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn busy_reports_skipped_components_and_unusable_files() {
    let file = data("ical/outlook.ics");
    let run =
        tempi(&["busy", file.to_str().unwrap(), "--from", "2027-01-01", "--to", "2027-01-31"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("outlook.ics:46: warning: skipped VEVENT \"bad-dtstart\""),
        "{}",
        run.stderr
    );
    let bad = data("ical/not-ical.ics");
    let run = tempi(&["busy", bad.to_str().unwrap(), "--from", "2027-01-01", "--to", "2027-01-31"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with(
            "not-ical.ics:1: error: this is not an iCalendar file: expected BEGIN:VCALENDAR\n"
        ),
        "{}",
        run.stderr
    );
    let run = tempi(&[
        "busy",
        file.to_str().unwrap(),
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-31",
        "--json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["intervals"].as_array().unwrap().len(), 5);
}
