//! Unit tests of the time vocabulary: the DST policy of `resolve_local`, `Length`, `Window`
//! and zone lookup.
//!
//! Transition dates are tz database facts for 2027 (US: second Sunday of March at 02:00, first
//! Sunday of November at 02:00; EU: last Sunday of March and October at 01:00 UTC; New South Wales:
//! first Sunday of October at 02:00, first Sunday of April at 03:00; Lord Howe Island: the same
//! Sundays with 30-minute shifts at 02:00; India: no DST), worked out on a 2027 calendar
//! (1 March 2027 is a Monday, 1 April a Thursday, 1 October a Friday, 1 November a Monday).

use super::*;

use chrono::Duration;
use chrono_tz::America::New_York;
use chrono_tz::Asia::Kolkata;
use chrono_tz::Australia::{Lord_Howe, Sydney};
use chrono_tz::Europe::Berlin;
use chrono_tz::Pacific::Apia;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    date(y, m, d).and_hms_opt(h, min, 0).unwrap()
}

/// Checks the instant a wall-clock time maps to, as RFC 3339 with the zone's offset, and as UTC.
#[track_caller]
fn check_resolve(zone: Tz, wall: NaiveDateTime, rfc3339: &str, utc: &str) {
    let got = resolve_local(zone, wall);
    assert_eq!(got.to_rfc3339(), rfc3339, "{wall} in {zone}");
    assert_eq!(got.with_timezone(&Utc).to_rfc3339(), utc, "{wall} in {zone}, as UTC");
}

#[test]
fn new_york_spring_forward_gap_moves_forward_by_an_hour() {
    // 2027-03-14 (second Sunday of March): 02:00 EST becomes 03:00 EDT.
    check_resolve(
        New_York,
        local(2027, 3, 14, 1, 59),
        "2027-03-14T01:59:00-05:00",
        "2027-03-14T06:59:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 3, 14, 2, 0),
        "2027-03-14T03:00:00-04:00",
        "2027-03-14T07:00:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 3, 14, 2, 30),
        "2027-03-14T03:30:00-04:00",
        "2027-03-14T07:30:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 3, 14, 2, 59),
        "2027-03-14T03:59:00-04:00",
        "2027-03-14T07:59:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 3, 14, 3, 0),
        "2027-03-14T03:00:00-04:00",
        "2027-03-14T07:00:00+00:00",
    );
    // The week before and after are ordinary.
    check_resolve(
        New_York,
        local(2027, 3, 7, 2, 30),
        "2027-03-07T02:30:00-05:00",
        "2027-03-07T07:30:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 3, 21, 2, 30),
        "2027-03-21T02:30:00-04:00",
        "2027-03-21T06:30:00+00:00",
    );
}

#[test]
fn new_york_fall_back_fold_takes_the_earlier_instant() {
    // 2027-11-07 (first Sunday of November): 02:00 EDT becomes 01:00 EST, so 01:00–01:59 happen
    // twice; the first time is EDT.
    check_resolve(
        New_York,
        local(2027, 11, 7, 0, 59),
        "2027-11-07T00:59:00-04:00",
        "2027-11-07T04:59:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 11, 7, 1, 0),
        "2027-11-07T01:00:00-04:00",
        "2027-11-07T05:00:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 11, 7, 1, 30),
        "2027-11-07T01:30:00-04:00",
        "2027-11-07T05:30:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 11, 7, 1, 59),
        "2027-11-07T01:59:00-04:00",
        "2027-11-07T05:59:00+00:00",
    );
    check_resolve(
        New_York,
        local(2027, 11, 7, 2, 0),
        "2027-11-07T02:00:00-05:00",
        "2027-11-07T07:00:00+00:00",
    );
}

#[test]
fn berlin_transitions() {
    // 2027-03-28 (last Sunday of March): 02:00 CET becomes 03:00 CEST.
    check_resolve(
        Berlin,
        local(2027, 3, 28, 1, 59),
        "2027-03-28T01:59:00+01:00",
        "2027-03-28T00:59:00+00:00",
    );
    check_resolve(
        Berlin,
        local(2027, 3, 28, 2, 30),
        "2027-03-28T03:30:00+02:00",
        "2027-03-28T01:30:00+00:00",
    );
    check_resolve(
        Berlin,
        local(2027, 3, 28, 3, 0),
        "2027-03-28T03:00:00+02:00",
        "2027-03-28T01:00:00+00:00",
    );
    // 2027-10-31 (last Sunday of October): 03:00 CEST becomes 02:00 CET; 02:30 happens twice.
    check_resolve(
        Berlin,
        local(2027, 10, 31, 2, 30),
        "2027-10-31T02:30:00+02:00",
        "2027-10-31T00:30:00+00:00",
    );
    check_resolve(
        Berlin,
        local(2027, 10, 31, 3, 0),
        "2027-10-31T03:00:00+01:00",
        "2027-10-31T02:00:00+00:00",
    );
    check_resolve(
        Berlin,
        local(2027, 10, 31, 1, 30),
        "2027-10-31T01:30:00+02:00",
        "2027-10-30T23:30:00+00:00",
    );
}

#[test]
fn sydney_transitions_in_the_southern_hemisphere() {
    // 2027-04-04 (first Sunday of April): 03:00 AEDT becomes 02:00 AEST; 02:30 happens twice.
    check_resolve(
        Sydney,
        local(2027, 4, 4, 2, 30),
        "2027-04-04T02:30:00+11:00",
        "2027-04-03T15:30:00+00:00",
    );
    check_resolve(
        Sydney,
        local(2027, 4, 4, 3, 0),
        "2027-04-04T03:00:00+10:00",
        "2027-04-03T17:00:00+00:00",
    );
    // 2027-10-03 (first Sunday of October): 02:00 AEST becomes 03:00 AEDT.
    check_resolve(
        Sydney,
        local(2027, 10, 3, 2, 30),
        "2027-10-03T03:30:00+11:00",
        "2027-10-02T16:30:00+00:00",
    );
    check_resolve(
        Sydney,
        local(2027, 10, 3, 1, 59),
        "2027-10-03T01:59:00+10:00",
        "2027-10-02T15:59:00+00:00",
    );
    // Midwinter and midsummer.
    check_resolve(
        Sydney,
        local(2027, 7, 1, 12, 0),
        "2027-07-01T12:00:00+10:00",
        "2027-07-01T02:00:00+00:00",
    );
    check_resolve(
        Sydney,
        local(2027, 1, 1, 12, 0),
        "2027-01-01T12:00:00+11:00",
        "2027-01-01T01:00:00+00:00",
    );
}

#[test]
fn lord_howe_shifts_by_thirty_minutes() {
    // Lord Howe Island: +10:30 standard, +11:00 summer; both changes happen at 02:00 local time
    // and move the clock by 30 minutes.
    // 2027-04-04: 02:00 +11:00 becomes 01:30 +10:30, so 01:30–01:59 happen twice.
    check_resolve(
        Lord_Howe,
        local(2027, 4, 4, 1, 45),
        "2027-04-04T01:45:00+11:00",
        "2027-04-03T14:45:00+00:00",
    );
    check_resolve(
        Lord_Howe,
        local(2027, 4, 4, 2, 0),
        "2027-04-04T02:00:00+10:30",
        "2027-04-03T15:30:00+00:00",
    );
    check_resolve(
        Lord_Howe,
        local(2027, 4, 4, 1, 15),
        "2027-04-04T01:15:00+11:00",
        "2027-04-03T14:15:00+00:00",
    );
    // 2027-10-03: 02:00 +10:30 becomes 02:30 +11:00, so 02:15 moves forward by the gap: 02:45.
    check_resolve(
        Lord_Howe,
        local(2027, 10, 3, 2, 15),
        "2027-10-03T02:45:00+11:00",
        "2027-10-02T15:45:00+00:00",
    );
    check_resolve(
        Lord_Howe,
        local(2027, 10, 3, 2, 0),
        "2027-10-03T02:30:00+11:00",
        "2027-10-02T15:30:00+00:00",
    );
    check_resolve(
        Lord_Howe,
        local(2027, 10, 3, 2, 30),
        "2027-10-03T02:30:00+11:00",
        "2027-10-02T15:30:00+00:00",
    );
    check_resolve(
        Lord_Howe,
        local(2027, 10, 3, 1, 59),
        "2027-10-03T01:59:00+10:30",
        "2027-10-02T15:29:00+00:00",
    );
}

#[test]
fn kolkata_has_no_dst() {
    // India Standard Time is +05:30 all year; the dates other zones change on are ordinary days.
    for wall in [
        local(2027, 3, 14, 2, 30),
        local(2027, 3, 28, 2, 30),
        local(2027, 10, 3, 2, 30),
        local(2027, 11, 7, 1, 30),
        local(2027, 6, 21, 0, 0),
    ] {
        let got = resolve_local(Kolkata, wall);
        assert_eq!(got.naive_local(), wall);
        assert_eq!(got.offset().fix().local_minus_utc(), 5 * 3600 + 30 * 60, "{wall}");
    }
    check_resolve(
        Kolkata,
        local(2027, 3, 14, 2, 30),
        "2027-03-14T02:30:00+05:30",
        "2027-03-13T21:00:00+00:00",
    );
}

#[test]
fn apia_skipped_a_whole_day() {
    // Samoa crossed the date line at the end of 2011-12-29: -10:00 (its summer time) became
    // +14:00, so 2011-12-30 never happened there. Its times move forward by the 24-hour gap.
    check_resolve(
        Apia,
        local(2011, 12, 29, 23, 59),
        "2011-12-29T23:59:00-10:00",
        "2011-12-30T09:59:00+00:00",
    );
    check_resolve(
        Apia,
        local(2011, 12, 30, 10, 0),
        "2011-12-31T10:00:00+14:00",
        "2011-12-30T20:00:00+00:00",
    );
    check_resolve(
        Apia,
        local(2011, 12, 30, 0, 0),
        "2011-12-31T00:00:00+14:00",
        "2011-12-30T10:00:00+00:00",
    );
    check_resolve(
        Apia,
        local(2011, 12, 31, 0, 0),
        "2011-12-31T00:00:00+14:00",
        "2011-12-30T10:00:00+00:00",
    );
}

#[test]
fn resolve_local_is_identity_for_ordinary_times() {
    // Every quarter hour of 2027 in New York, except the gap, maps back to the same wall time, and
    // the result is always the earliest instant showing that wall time.
    let mut wall = local(2027, 1, 1, 0, 0);
    let end = local(2028, 1, 1, 0, 0);
    while wall < end {
        let got = resolve_local(New_York, wall);
        match New_York.from_local_datetime(&wall) {
            LocalResult::Single(t) => assert_eq!(got, t),
            LocalResult::Ambiguous(a, b) => assert_eq!(got, a.min(b)),
            LocalResult::None => assert_eq!(got.naive_local(), wall + Duration::hours(1)),
        }
        wall += Duration::minutes(15);
    }
}

#[track_caller]
fn minutes(text: &str) -> u32 {
    match text.parse::<Length>() {
        Ok(length) => length.minutes(),
        Err(err) => panic!("{text:?} should parse: {err}"),
    }
}

#[test]
fn length_parses_units() {
    assert_eq!(minutes("90m"), 90);
    assert_eq!(minutes("1h30m"), 90);
    assert_eq!(minutes("2d6h"), 2 * 24 * 60 + 6 * 60);
    assert_eq!(minutes("45m"), 45);
    assert_eq!(minutes("1h"), 60);
    assert_eq!(minutes("1d"), 1440);
    assert_eq!(minutes("3H"), 180);
    assert_eq!(minutes("  2h  "), 120);
    assert_eq!(minutes("60d"), MAX_LENGTH_MINUTES);
    assert_eq!(minutes("120m"), 120);
}

#[test]
fn length_displays_in_the_largest_units() {
    for (text, shown) in [
        ("90m", "1h30m"),
        ("1h30m", "1h30m"),
        ("2d6h", "2d6h"),
        ("45m", "45m"),
        ("60m", "1h"),
        ("24h", "1d"),
        ("1d1m", "1d1m"),
        ("60d", "60d"),
        ("1m", "1m"),
    ] {
        assert_eq!(text.parse::<Length>().unwrap().to_string(), shown, "{text:?}");
    }
}

#[test]
fn length_display_round_trips_for_every_length() {
    for n in 1..=MAX_LENGTH_MINUTES {
        let length = Length::try_minutes(n).unwrap();
        assert_eq!(length.minutes(), n);
        assert_eq!(length.to_duration(), Duration::minutes(i64::from(n)));
        assert_eq!(length.to_string().parse::<Length>(), Ok(length), "{n} minutes");
    }
}

#[test]
fn length_rejects_zero_empty_unitless_and_too_long() {
    for text in [
        "0m",
        "0h0m",
        "",
        "  ",
        "h",
        "m30",
        "90",
        "1h30",
        "61d",
        "60d1m",
        "1x",
        "-5m",
        "1.5h",
        "99999999999m",
    ] {
        let err = text.parse::<Length>().expect_err(text);
        let message = err.to_string();
        assert!(!message.is_empty() && !message.ends_with('.'), "{text:?}: {message}");
    }
    // The messages say what to write instead.
    assert!("".parse::<Length>().unwrap_err().to_string().contains("1h30m"));
    assert!("0m".parse::<Length>().unwrap_err().to_string().contains("positive"));
    assert!("61d".parse::<Length>().unwrap_err().to_string().contains("60-day"));
    assert!(Length::try_minutes(0).is_err());
    assert!(Length::try_minutes(MAX_LENGTH_MINUTES + 1).is_err());
    assert!(Length::try_minutes(MAX_LENGTH_MINUTES).is_ok());
}

fn utc(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap()
}

#[test]
fn window_year_is_the_local_calendar_year() {
    let year = Window::year(New_York, 2027).unwrap();
    assert_eq!(year.start(), utc(2027, 1, 1, 5));
    assert_eq!(year.end(), utc(2028, 1, 1, 5));
    let year = Window::year(Sydney, 2027).unwrap();
    assert_eq!(year.start(), utc(2026, 12, 31, 13));
    assert_eq!(year.end(), utc(2027, 12, 31, 13));
    let year = Window::year(Tz::UTC, 2028).unwrap();
    assert_eq!(year.end() - year.start(), Duration::days(366));
}

#[test]
fn window_days_follow_dst() {
    // A local day is 23 or 25 hours long on transition days.
    let spring = Window::days(Berlin, date(2027, 3, 28), date(2027, 3, 28)).unwrap();
    assert_eq!(spring.end() - spring.start(), Duration::hours(23));
    let autumn = Window::days(Berlin, date(2027, 10, 31), date(2027, 10, 31)).unwrap();
    assert_eq!(autumn.end() - autumn.start(), Duration::hours(25));
    let week = Window::days(New_York, date(2027, 3, 8), date(2027, 3, 14)).unwrap();
    assert_eq!(week.end() - week.start(), Duration::hours(7 * 24 - 1));
    // Samoa's 2011-12-30 had no length at all: the 29th and 31st are 48 hours together.
    let skip = Window::days(Apia, date(2011, 12, 29), date(2011, 12, 31)).unwrap();
    assert_eq!(skip.end() - skip.start(), Duration::hours(48));
}

#[test]
fn window_contains_is_half_open() {
    let window = Window::new(utc(2027, 1, 1, 0), utc(2027, 1, 2, 0)).unwrap();
    assert!(window.contains(utc(2027, 1, 1, 0)));
    assert!(window.contains(utc(2027, 1, 1, 23)));
    assert!(!window.contains(utc(2027, 1, 2, 0)));
    assert!(!window.contains(utc(2026, 12, 31, 23)));
}

#[test]
fn window_rejects_empty_ranges() {
    let start = utc(2027, 1, 1, 0);
    assert!(matches!(Window::new(start, start), Err(crate::Error::EmptyWindow { .. })));
    assert!(matches!(
        Window::new(start, utc(2026, 1, 1, 0)),
        Err(crate::Error::EmptyWindow { .. })
    ));
    assert!(matches!(
        Window::days(Berlin, date(2027, 3, 2), date(2027, 3, 1)),
        Err(crate::Error::EmptyWindow { .. })
    ));
}

#[test]
fn window_is_bounded_to_1900_through_2099() {
    assert!(Window::year(Tz::UTC, FIRST_PLANNABLE_YEAR).is_ok());
    assert!(Window::year(Tz::UTC, LAST_PLANNABLE_YEAR).is_ok());
    assert!(Window::new(utc(1900, 1, 1, 0), utc(2100, 1, 1, 0)).is_ok());
    for year in [1899, 2100, 2150, 10_000] {
        assert!(
            matches!(Window::year(Tz::UTC, year), Err(crate::Error::WindowOutOfRange { .. })),
            "{year}"
        );
    }
    // Windows reaching days into 2100 or 1899 (beyond any zone's offset) are refused.
    assert!(matches!(
        Window::new(utc(2099, 12, 31, 0), utc(2100, 1, 3, 0)),
        Err(crate::Error::WindowOutOfRange { .. })
    ));
    assert!(matches!(
        Window::new(utc(1899, 12, 29, 0), utc(1900, 1, 2, 0)),
        Err(crate::Error::WindowOutOfRange { .. })
    ));
    // A year with no calendar dates at all.
    assert!(Window::year(Tz::UTC, i32::MAX).is_err());
}

#[test]
fn every_zone_can_plan_the_first_and_last_plannable_years() {
    // `LAST_PLANNABLE_YEAR` is "the last date tempi plans for", and the crate docs say plans are
    // limited to 1900–2099: so the calendar year 2099 must be plannable in any zone, even where its
    // last local hours fall on 2100-01-01 in UTC (the tz tables are right until March 2100).
    // Likewise the year 1900 east of Greenwich, which starts on 1899-12-31 in UTC.
    for zone in [New_York, Tz::America__Los_Angeles, Tz::Pacific__Honolulu] {
        assert!(Window::year(zone, LAST_PLANNABLE_YEAR).is_ok(), "2099 in {zone}");
    }
    for zone in [Sydney, Kolkata, Tz::Pacific__Auckland] {
        assert!(Window::year(zone, FIRST_PLANNABLE_YEAR).is_ok(), "1900 in {zone}");
    }
}

/// The name and suggestions of an unknown-zone error (any other error fails the test).
#[track_caller]
fn zone_error(err: &crate::Error) -> (&str, &[String]) {
    match err {
        crate::Error::Zone { name, suggestions } => (name, suggestions),
        other => panic!("expected a zone error, got {other:?}"),
    }
}

#[test]
fn parse_zone_finds_names_and_suggests_close_ones() {
    assert_eq!(parse_zone("Europe/Berlin"), Ok(Berlin));
    assert_eq!(parse_zone("europe/berlin"), Ok(Berlin));
    assert_eq!(parse_zone(" America/New_York "), Ok(New_York));
    assert_eq!(parse_zone("Australia/Lord_Howe"), Ok(Lord_Howe));
    assert_eq!(parse_zone("UTC"), Ok(Tz::UTC));

    let err = parse_zone("Europe/Berln").unwrap_err();
    let (name, suggestions) = zone_error(&err);
    assert_eq!(name, "Europe/Berln");
    assert_eq!(suggestions.first().map(String::as_str), Some("Europe/Berlin"));
    assert!(suggestions.len() <= 3);
    assert!(err.to_string().starts_with("unknown time zone `Europe/Berln`; did you mean"));
    assert!(err.to_string().contains("Europe/Berlin"));

    let err = parse_zone("America/New_Yrok").unwrap_err();
    assert_eq!(zone_error(&err).1.first().map(String::as_str), Some("America/New_York"));
    let err = parse_zone("Australia/Lord_Hwe").unwrap_err();
    assert_eq!(zone_error(&err).1.first().map(String::as_str), Some("Australia/Lord_Howe"));

    let err = parse_zone("Nowhere/Qqqqzz").unwrap_err();
    assert!(zone_error(&err).1.is_empty());
    assert_eq!(
        err.to_string(),
        "unknown time zone `Nowhere/Qqqqzz`; use an IANA name such as \"Europe/Berlin\""
    );
}

#[test]
fn parse_time_of_day_and_date() {
    assert_eq!(parse_time_of_day("19:00"), Ok(NaiveTime::from_hms_opt(19, 0, 0).unwrap()));
    assert_eq!(parse_time_of_day(" 02:30 "), Ok(NaiveTime::from_hms_opt(2, 30, 0).unwrap()));
    for bad in ["7pm", "19", "19:5", ""] {
        assert!(parse_time_of_day(bad).unwrap_err().to_string().contains("HH:MM"), "{bad:?}");
    }
    // Well-formed but out of range: the message names the part (issue 11).
    for (bad, says) in [("24:00", "24:00 is the end of a day"), ("19:60", "60 is not a minute")] {
        let e = parse_time_of_day(bad).unwrap_err().to_string();
        assert!(e.contains("is not a time of day") && e.contains(says), "{bad:?}: {e}");
    }
    assert_eq!(parse_date("2028-02-29"), Ok(date(2028, 2, 29)));
    for bad in ["2027-02-29", "2027/01/04", "04.01.2027", ""] {
        assert!(parse_date(bad).unwrap_err().to_string().contains("YYYY-MM-DD"), "{bad:?}");
    }
}
