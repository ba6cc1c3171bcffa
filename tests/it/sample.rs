//! The bundled sample community (`examples/community.toml`, read when no file is given) through
//! `tempi check` and `tempi plan`: the agenda, the JSON document against `docs/plan-json.md`,
//! determinism, windows and usage errors.

use serde_json::Value;
use tempi::chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone};
use tempi::chrono_tz::Tz;

use crate::tempi;

/// The month names, January first (chrono's, not a copy of the agenda's own list).
fn months() -> Vec<&'static str> {
    (1..=12u8).map(|m| tempi::chrono::Month::try_from(m).unwrap().name()).collect()
}

#[track_caller]
fn ok(args: &[&str]) -> String {
    let run = tempi(args);
    assert_eq!(run.code, 0, "tempi {args:?}\nstderr:\n{}", run.stderr);
    assert_eq!(run.stderr, "", "tempi {args:?}");
    run.stdout
}

#[track_caller]
fn plan_json(args: &[&str]) -> Value {
    let text = ok(args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("tempi {args:?}: not JSON: {e}"))
}

#[track_caller]
fn keys(value: &Value) -> Vec<&str> {
    let object = value.as_object().unwrap_or_else(|| panic!("not an object: {value}"));
    object.keys().map(String::as_str).collect()
}

#[track_caller]
fn sorted(mut list: Vec<&'static str>) -> Vec<&'static str> {
    list.sort_unstable();
    list
}

#[test]
fn check_accepts_the_sample() {
    let out = ok(&["check"]);
    assert_eq!(
        out,
        "ok: Riverbend Congregation (riverbend): 20 members, 5 groups, 13 rhythms; 0 warnings\n"
    );
}

/// The lines of the agenda under the heading `month`.
fn month_section<'a>(agenda: &'a str, month: &str) -> Vec<&'a str> {
    agenda.lines().skip_while(|l| *l != month).skip(1).take_while(|l| !l.is_empty()).collect()
}

#[test]
fn the_2027_agenda_has_every_month_the_retreat_and_its_consequences() {
    let agenda = ok(&["plan", "--year", "2027"]);
    assert!(
        agenda.starts_with(
            "Riverbend Congregation — 2027-01-01 to 2027-12-31 (times in Europe/Berlin)\n"
        ),
        "{agenda}"
    );
    let headers: Vec<&str> =
        agenda.lines().filter(|l| months().iter().any(|m| l.starts_with(m))).collect();
    let expected: Vec<String> = months().iter().map(|m| format!("{m} 2027")).collect();
    assert_eq!(headers, expected);

    let september = month_section(&agenda, "September 2027");
    let retreat: Vec<&&str> =
        september.iter().filter(|l| l.contains("Riverbend annual retreat")).collect();
    assert_eq!(
        retreat,
        [&"  Fri 10 10:00-Sun 12 Sep 16:00  Riverbend annual retreat  · facilitator ana"]
    );

    // Every pod yields the retreat week (6-12 September), with the reason.
    for pod in ["Pod Lumen", "Pod Ceiba", "Pod Harbour"] {
        let retreat_week: Vec<&&str> = september
            .iter()
            .filter(|l| l.contains(&format!("{pod} weekly check-in")))
            .filter(|l| (6..=12).contains(&l[6..8].parse::<u32>().unwrap()))
            .collect();
        assert_eq!(retreat_week.len(), 1, "{pod} in September:\n{}", september.join("\n"));
        let line = retreat_week[0];
        assert!(line.starts_with("x "), "{line}");
        assert!(
            line.contains(
                "CANCELLED: falls in the week of `annual-retreat` (Fri 2027-09-10 10:00)"
            ),
            "{line}"
        );
    }

    // The sprint retrospective moves off the retreat's Friday.
    let shifted: Vec<&&str> = september.iter().filter(|l| l.starts_with("> ")).collect();
    assert_eq!(
        shifted,
        [
            &"> Thu 09 17:00-17:45  Stewards sprint retrospective  shifted from Fri 10 17:00: clashes with `annual-retreat` (Fri 2027-09-10 10:00), which wins by its slower tempo  · facilitator leilani"
        ]
    );
    // The winter break (20 December to 3 January) cancels the 7 meetings in it, and the two
    // rhythms timed from cancelled ones (the prep before a planning, the sprint retrospective)
    // lose their December occurrences: 238 - 2 in all, 5 + 7 cancelled.
    assert!(
        agenda
            .ends_with("\n236 occurrences: 223 scheduled, 1 shifted, 12 cancelled; 0 conflicts\n"),
        "{}",
        agenda.lines().last().unwrap_or_default()
    );
}

/// Checks one occurrence against docs/plan-json.md.
#[track_caller]
fn check_occurrence(occ: &Value) {
    assert_eq!(
        keys(occ),
        sorted(vec![
            "rhythm",
            "name",
            "group",
            "category",
            "start",
            "end",
            "timezone",
            "uid",
            "status",
            "reason",
            "shifted_from",
            "facilitator",
            "roles",
            "attendees",
            "cycle",
            "all_day",
            "days",
            "mixers",
        ]),
        "{occ}"
    );
    for key in ["rhythm", "name", "group", "timezone"] {
        assert!(occ[key].as_str().is_some_and(|s| !s.is_empty()), "{key} in {occ}");
    }
    let category = occ["category"].as_str().unwrap();
    assert!(["relational", "planning", "working", "learning"].contains(&category), "{occ}");

    let zone: Tz = occ["timezone"].as_str().unwrap().parse().unwrap();
    let instant = |key: &str| -> DateTime<FixedOffset> {
        let text = occ[key].as_str().unwrap_or_else(|| panic!("{key} in {occ}"));
        let t = DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        // The offset is the anchor zone's offset at that instant.
        let in_zone = zone.from_utc_datetime(&t.naive_utc());
        assert_eq!(t.offset(), &in_zone.offset().fix(), "{key} = {text} in {zone}");
        t
    };
    let start = instant("start");
    let end = instant("end");
    assert!(start < end, "{occ}");

    let status = occ["status"].as_str().unwrap();
    match status {
        "scheduled" => {
            assert!(occ["reason"].is_null(), "{occ}");
            assert!(occ["shifted_from"].is_null(), "{occ}");
        }
        "cancelled" => {
            assert!(occ["reason"].as_str().is_some_and(|r| !r.is_empty()), "{occ}");
            assert!(occ["shifted_from"].is_null(), "{occ}");
            assert_eq!(occ["roles"], Value::Array(Vec::new()), "{occ}");
            assert!(occ["facilitator"].is_null(), "{occ}");
        }
        "shifted" => {
            assert!(occ["reason"].as_str().is_some_and(|r| !r.is_empty()), "{occ}");
            assert_ne!(instant("shifted_from"), start, "{occ}");
        }
        other => panic!("status {other:?} is not scheduled, cancelled or shifted"),
    }

    let roles = occ["roles"].as_array().unwrap();
    for role in roles {
        assert_eq!(keys(role), ["member", "role"], "{occ}");
        assert!(role["role"].is_string() && role["member"].is_string(), "{occ}");
    }
    let facilitator = roles.iter().find(|r| r["role"] == "facilitator").map(|r| &r["member"]);
    assert_eq!(&occ["facilitator"], facilitator.unwrap_or(&Value::Null), "{occ}");

    // The sample has no `mix` rhythm: no mixers anywhere.
    assert_eq!(occ["mixers"], Value::Array(Vec::new()), "{occ}");
    let attendees = occ["attendees"].as_array().unwrap();
    assert!(attendees.iter().all(Value::is_string), "{occ}");
    for role in roles {
        // The sample's fixed holders attend what they host.
        assert!(attendees.contains(&role["member"]), "{occ}");
    }

    match &occ["cycle"] {
        Value::Null => {}
        cycle => {
            assert_eq!(keys(cycle), ["meeting", "meetings", "number", "retrospective"], "{occ}");
            let meeting = cycle["meeting"].as_u64().unwrap();
            let meetings = cycle["meetings"].as_u64().unwrap();
            assert!(cycle["number"].as_u64().unwrap() >= 1, "{occ}");
            assert!((1..=meetings + 1).contains(&meeting), "{occ}");
            assert_eq!(cycle["retrospective"].as_bool(), Some(meeting == meetings + 1), "{occ}");
        }
    }
}

#[test]
fn the_json_plan_matches_the_documented_schema() {
    let doc = plan_json(&["plan", "--year", "2027", "--json"]);
    assert_eq!(keys(&doc), ["community", "conflicts", "occurrences", "warnings", "window"]);
    assert_eq!(
        doc["community"],
        serde_json::json!({"id": "riverbend", "name": "Riverbend Congregation", "timezone": "Europe/Berlin"})
    );
    assert_eq!(doc["window"], serde_json::json!({"from": "2027-01-01", "to": "2027-12-31"}));
    assert_eq!(doc["conflicts"], Value::Array(Vec::new()));
    assert_eq!(doc["warnings"], Value::Array(Vec::new()));

    let occurrences = doc["occurrences"].as_array().unwrap();
    // 238 without the winter break, whose cancellations drop two offset rhythms' occurrences.
    assert_eq!(occurrences.len(), 236);
    for occ in occurrences {
        check_occurrence(occ);
    }
    let starts: Vec<DateTime<FixedOffset>> = occurrences
        .iter()
        .map(|o| DateTime::parse_from_rfc3339(o["start"].as_str().unwrap()).unwrap())
        .collect();
    assert!(starts.windows(2).all(|w| w[0] <= w[1]), "occurrences are not sorted by start");

    let count = |status: &str| occurrences.iter().filter(|o| o["status"] == status).count();
    assert_eq!((count("scheduled"), count("shifted"), count("cancelled")), (223, 1, 12));

    let retreat: Vec<&Value> =
        occurrences.iter().filter(|o| o["rhythm"] == "annual-retreat").collect();
    assert_eq!(retreat.len(), 1);
    assert_eq!(retreat[0]["start"], "2027-09-10T10:00:00+02:00");
    assert_eq!(retreat[0]["end"], "2027-09-12T16:00:00+02:00");
    assert_eq!(retreat[0]["attendees"].as_array().unwrap().len(), 20);

    // Pod Harbour is anchored in Sydney, so its times carry Sydney's offset.
    let harbour = occurrences.iter().find(|o| o["rhythm"] == "harbour-weekly").unwrap();
    assert_eq!(harbour["timezone"], "Australia/Sydney");
    assert_eq!(harbour["start"], "2027-01-04T20:00:00+11:00");
}

#[test]
fn plans_are_deterministic() {
    for args in [&["plan", "--year", "2027"][..], &["plan", "--year", "2027", "--json"]] {
        let first = ok(args);
        let second = ok(args);
        assert!(first == second, "two runs of tempi {args:?} differ");
    }
}

/// The occurrences of a window are exactly those of the year that start in it, with the same
/// cycles and the same hosts (everything counts from each rhythm's start, not the window's).
#[test]
fn a_window_is_a_slice_of_the_year() {
    let year = plan_json(&["plan", "--year", "2027", "--json"]);
    for (from, to) in [("2027-03-01", "2027-05-31"), ("2027-09-06", "2027-09-12")] {
        let slice = plan_json(&["plan", "--from", from, "--to", to, "--json"]);
        assert_eq!(slice["window"], serde_json::json!({"from": from, "to": to}));
        let from_date: NaiveDate = from.parse().unwrap();
        let to_date: NaiveDate = to.parse().unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let expected: Vec<&Value> = year["occurrences"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| {
                let start = DateTime::parse_from_rfc3339(o["start"].as_str().unwrap()).unwrap();
                let day = start.with_timezone(&berlin).date_naive();
                from_date <= day && day <= to_date
            })
            .collect();
        let actual: Vec<&Value> = slice["occurrences"].as_array().unwrap().iter().collect();
        assert!(!actual.is_empty());
        assert_eq!(actual, expected, "{from}..{to}");
    }
}

#[test]
fn to_before_from_is_an_error() {
    let run = tempi(&["plan", "--from", "2027-03-01", "--to", "2027-02-01"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: --to 2027-02-01 is before --from 2027-03-01; give a window that runs forwards\n"
    );
}

#[test]
fn a_bad_window_date_is_an_error() {
    let run = tempi(&["plan", "--from", "2027-13-01", "--to", "2027-12-31"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("--from: `2027-13-01` is not a date"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2() {
    let cases: &[&[&str]] = &[
        &[],
        &["frobnicate"],
        // `plan --from` alone plans a year (issue 12); `--to` alone is still a usage error.
        &["plan", "--to", "2027-01-01"],
        &["plan", "--year", "2027", "--from", "2027-01-01", "--to", "2027-02-01"],
        &["plan", "--year", "twenty"],
        &["plan", "--jsn"],
        &["check", "a.toml", "b.toml"],
    ];
    for args in cases {
        let run = tempi(args);
        assert_eq!(run.code, 2, "tempi {args:?}\nstderr:\n{}", run.stderr);
        assert_eq!(run.stdout, "", "tempi {args:?}");
        assert!(!run.stderr.is_empty(), "tempi {args:?}");
    }
}

#[test]
fn help_and_version_exit_0_on_stdout() {
    for args in [&["--help"][..], &["plan", "--help"], &["--version"]] {
        let run = tempi(args);
        assert_eq!(run.code, 0, "tempi {args:?}");
        assert_eq!(run.stderr, "", "tempi {args:?}");
        assert!(!run.stdout.is_empty(), "tempi {args:?}");
    }
}

#[test]
fn a_missing_file_is_an_error() {
    let run = tempi(&["check", "/nonexistent/tempi/community.toml"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "error: /nonexistent/tempi/community.toml: cannot read the community file: "
        ),
        "{}",
        run.stderr
    );
}
