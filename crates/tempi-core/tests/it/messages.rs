//! Issue 11, "honest messages": what the reader used to accept in silence now gets a located
//! warning, and errors name the part that is wrong instead of a generic "not a …".

use tempi_core::chrono::Weekday;
use tempi_core::chrono_tz::Europe::Berlin;
use tempi_core::file::{self, Severity};
use tempi_core::time::parse_time_of_day;
use tempi_core::{Error, Length, Member, Rhythm, ValueKind, WeeklyWindow};

/// The Maple Street fixture (tests/data/good/maple.toml), with `edit` applied.
fn maple(edit: impl Fn(&str) -> String) -> String {
    let text = include_str!("../../../../tests/data/good/maple.toml");
    let edited = edit(text);
    assert_ne!(edited, text, "the edit must change the fixture");
    edited
}

fn warnings_of(text: &str) -> Vec<String> {
    let loaded = file::parse(text, "maple.toml").unwrap_or_else(|e| panic!("{e}"));
    loaded
        .warnings
        .iter()
        .inspect(|w| assert_eq!(w.severity, Severity::Warning))
        .map(ToString::to_string)
        .collect()
}

#[test]
fn a_zone_with_spaces_or_another_case_is_read_with_a_located_warning() {
    // Line 11 of the fixture is Ana's `zone = "Europe/Lisbon"`; the value starts at column 8.
    let text = maple(|t| t.replacen("zone = \"Europe/Lisbon\"", "zone = \"Europe/Lisbon \"", 1));
    let warnings = warnings_of(&text);
    assert!(
        warnings.iter().any(|w| w.starts_with("maple.toml:11:8: warning: ")
            && w.contains("`Europe/Lisbon ` is read as the time zone `Europe/Lisbon`")),
        "{warnings:#?}"
    );
    let text = maple(|t| t.replacen("zone = \"Europe/Lisbon\"", "zone = \"europe/lisbon\"", 1));
    assert!(warnings_of(&text).iter().any(|w| w.contains("`europe/lisbon` is read as")));
    // Written exactly, no warning about zones.
    let clean = include_str!("../../../../tests/data/good/maple.toml");
    assert!(!warnings_of(clean).iter().any(|w| w.contains("read as the time zone")));
}

#[test]
fn a_rule_that_ends_before_the_rhythm_starts_is_a_warning() {
    // The community (and so the rhythm) starts on 2027-01-04; UNTIL a year earlier plans nothing.
    for until in ["20260104", "20260104T120000", "20260104T120000Z", "20270104T000000Z"] {
        let text = maple(|t| {
            t.replacen(
                "cadence = \"weekly on tue\"",
                &format!("cadence = \"FREQ=WEEKLY;BYDAY=TU;UNTIL={until}\""),
                1,
            )
        });
        let warnings = warnings_of(&text);
        assert!(
            warnings
                .iter()
                .any(|w| w.contains("before rhythm `maple-weekly` first meets on 2027-01-04")
                    && w.contains("never meets")),
            "UNTIL={until}: {warnings:#?}"
        );
    }
    // UNTIL on the start date, after the meeting time, is fine.
    let text = maple(|t| {
        t.replacen(
            "cadence = \"weekly on tue\"",
            "cadence = \"FREQ=WEEKLY;BYDAY=TU;UNTIL=20270105\"",
            1,
        )
    });
    assert!(!warnings_of(&text).iter().any(|w| w.contains("never meets")));
}

#[test]
fn times_say_which_part_is_wrong() {
    let hour = parse_time_of_day("25:00").unwrap_err().to_string();
    assert!(hour.contains("25 is not an hour; hours run from 00 to 23"), "{hour}");
    let minute = parse_time_of_day("19:75").unwrap_err().to_string();
    assert!(minute.contains("75 is not a minute"), "{minute}");
    let midnight = parse_time_of_day("24:00").unwrap_err().to_string();
    assert!(midnight.contains("24:00 is the end of a day"), "{midnight}");
    let form = parse_time_of_day("7pm").unwrap_err().to_string();
    assert!(form.contains("write 24-hour HH:MM"), "{form}");
    assert_eq!(parse_time_of_day(" 07:05 ").unwrap().to_string(), "07:05:00");

    let window = WeeklyWindow::parse_many("sat 25:00-26:00").unwrap_err().to_string();
    assert!(window.contains("25 is not an hour"), "{window}");
    // 24:00 still closes a window at midnight: the whole evening.
    let evening = WeeklyWindow::parse_many("tue 18:00-24:00").unwrap();
    assert_eq!(evening[0].end_minute(), 24 * 60);
}

#[test]
fn a_length_that_is_only_too_long_says_so() {
    let e = "99999999999h".parse::<Length>().unwrap_err().to_string();
    assert!(e.contains("longer than the 60-day maximum"), "{e}");
    assert!(!e.contains("not a length"), "{e}");
    // Still "not a length" where it is not one.
    let e = "99999999999".parse::<Length>().unwrap_err().to_string();
    assert!(e.contains("not a length"), "{e}");
    let e = "3x".parse::<Length>().unwrap_err().to_string();
    assert!(e.contains("not a length"), "{e}");
}

/// Issue 12: a rhythm built in code names what it lacks or what it could not read, and stops at
/// the first unreadable part, which is what a community file would report for it.
#[test]
fn the_rhythm_builder_names_the_missing_or_unreadable_part() {
    let missing = |builder: tempi_core::RhythmBuilder| match builder.build() {
        Err(Error::Missing { rhythm, part }) => (rhythm, part),
        other => panic!("expected a missing part, got {other:?}"),
    };
    let base = || Rhythm::builder("weekly", "pod");
    assert_eq!(missing(base().at("19:00").length("1h")), ("weekly".into(), "cadence"));
    assert_eq!(
        missing(base().cadence("weekly on tue").length("1h")),
        ("weekly".into(), "start time")
    );
    assert_eq!(missing(base().cadence("weekly on tue").at("19:00")), ("weekly".into(), "length"));
    let e = base().cadence("weekly on tue").length("1h").build().unwrap_err();
    assert_eq!(e.to_string(), "rhythm `weekly` has no start time; give it one on the builder");

    // `auto` needs no start time: the solver gives it one.
    let auto = base().cadence("weekly on tue").length("1h").auto().build().unwrap();
    assert!(auto.is_auto());
    // The name defaults to the id, as a community file's would not: there it is required.
    assert_eq!(auto.name(), "weekly");

    // The first unreadable part wins, and keeps the reader's own message and variant.
    let e = base().cadence("weekly on tue").at("25:00").length("ninety").build().unwrap_err();
    assert!(matches!(e, Error::Value { kind: ValueKind::TimeOfDay, .. }), "{e:?}");
    assert!(e.to_string().contains("25 is not an hour"), "{e}");
    let e = base().cadence("fortnightly-ish").at("19:00").length("1h").build().unwrap_err();
    assert!(matches!(e, Error::Rule { .. }), "{e:?}");
    let e = base().cadence("weekly on tue").at("19:00").length("ninety").build().unwrap_err();
    assert!(matches!(e, Error::Length { .. }), "{e:?}");
}

/// Issue 12: "mon-fri" is five windows, and a member given the text gets all five (passing the
/// first of `parse_many`'s list used to give Mondays only).
#[test]
fn a_member_gets_every_day_of_a_window_range() {
    let days = |m: &Member| m.availability().iter().map(|w| w.weekday()).collect::<Vec<_>>();
    let weekdays = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri];
    let ana = Member::new("ana", "Ana", Berlin).available("mon-fri 19:00-22:00").unwrap();
    assert_eq!(days(&ana), weekdays);
    assert!(ana.availability().iter().all(|w| (w.start_minute(), w.end_minute()) == (1140, 1320)));
    let bo = Member::new("bo", "Bo", Berlin)
        .windows(WeeklyWindow::parse_many("mon-fri 19:00-22:00").unwrap());
    assert_eq!(days(&bo), weekdays);
    let e = Member::new("cy", "Cy", Berlin).available("weekdays evenings").unwrap_err();
    assert!(matches!(e, Error::Value { kind: ValueKind::WeeklyWindow, .. }), "{e:?}");
}
