//! The DST policy documented in `docs/community-file.md`, seen through `tempi plan --json`:
//! a wall-clock time in a gap moves forward by the gap, an ambiguous one takes the earlier
//! instant, and lengths are exact. Fixture: `tests/data/good/dst-berlin.toml`, a daily 02:30
//! vigil in Europe/Berlin (2027: gap on 28 March, overlap on 31 October).

use std::ffi::OsStr;

use serde_json::Value;

use crate::{data, tempi};

#[track_caller]
fn starts_and_ends(from: &str, to: &str) -> Vec<(String, String)> {
    let path = data("good/dst-berlin.toml");
    let args = ["plan", "--from", from, "--to", to, "--json"]
        .map(OsStr::new)
        .into_iter()
        .chain([path.as_os_str()]);
    let args: Vec<&OsStr> = args.collect();
    let run = tempi(&args);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Value = serde_json::from_str(&run.stdout).unwrap();
    doc["occurrences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            assert_eq!(o["timezone"], "Europe/Berlin");
            (o["start"].as_str().unwrap().to_string(), o["end"].as_str().unwrap().to_string())
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(s, e)| (s.to_string(), e.to_string())).collect()
}

#[test]
fn a_time_in_the_spring_gap_moves_forward_by_the_gap() {
    assert_eq!(
        starts_and_ends("2027-03-27", "2027-03-29"),
        pairs(&[
            ("2027-03-27T02:30:00+01:00", "2027-03-27T03:00:00+01:00"),
            ("2027-03-28T03:30:00+02:00", "2027-03-28T04:00:00+02:00"),
            ("2027-03-29T02:30:00+02:00", "2027-03-29T03:00:00+02:00"),
        ])
    );
}

#[test]
fn an_ambiguous_time_in_the_autumn_overlap_takes_the_earlier_instant() {
    assert_eq!(
        starts_and_ends("2027-10-30", "2027-11-01"),
        pairs(&[
            ("2027-10-30T02:30:00+02:00", "2027-10-30T03:00:00+02:00"),
            // 30 exact minutes after 02:30+02:00 is 02:00+01:00.
            ("2027-10-31T02:30:00+02:00", "2027-10-31T02:00:00+01:00"),
            ("2027-11-01T02:30:00+01:00", "2027-11-01T03:00:00+01:00"),
        ])
    );
}
