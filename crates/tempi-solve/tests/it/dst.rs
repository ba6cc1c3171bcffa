//! Scenarios across DST, answers derived by hand from tz facts (2027):
//! - America/New_York: EST (UTC−5) until Sun 14 March 02:00, then EDT (UTC−4).
//! - Europe/Berlin: CET (UTC+1) until Sun 28 March 02:00, then CEST (UTC+2).
//! - Australia/Sydney: AEDT (UTC+11) until Sun 4 April 03:00, then AEST (UTC+10).
//! - Asia/Kolkata: IST (UTC+5:30) all year.

use chrono::{NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::America::New_York;
use chrono_tz::Asia::Kolkata;
use chrono_tz::Australia::Sydney;
use chrono_tz::Europe::Berlin;
use tempi_core::{Cadence, Length, WeeklyWindow, Window};
use tempi_solve::{Availability, Reason, SeriesEnd, SeriesQuery, SlotQuery};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn member(id: &str, zone: chrono_tz::Tz, windows: &str) -> Availability {
    Availability::new(id, zone).windows(WeeklyWindow::parse_many(windows).unwrap())
}

/// A series query of `length` on `cadence` in `zone`, `count` meetings from `start`.
fn series(
    length: &str,
    cadence: &str,
    zone: chrono_tz::Tz,
    start: NaiveDate,
    count: u32,
) -> SeriesQuery {
    let length = length.parse::<Length>().unwrap();
    SeriesQuery::new(
        length,
        cadence.parse::<Cadence>().unwrap(),
        zone,
        start,
        SeriesEnd::Count(count),
    )
}

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Berlin-anchored Tuesdays at 17:00: 16:00 UTC until 23 March, 15:00 UTC from 30 March.
/// New York sees 11:00, then 12:00 for the two weeks between the US and EU changes, then 11:00.
#[test]
fn new_york_drifts_for_the_weeks_between_the_us_and_eu_changes() {
    let mut q = series("60m", "weekly on tue", Berlin, date(2027, 3, 1), 6);
    q.required(member("ana", Berlin, "tue 17:00-18:00")).required(member(
        "grace",
        New_York,
        "tue 11:00-13:00",
    ));
    let answer = q.solve().unwrap();
    assert_eq!(answer.valid, 1);
    let p = &answer.patterns[0];
    assert_eq!((p.time, p.weekdays.clone(), p.misses), (hm(17, 0), vec![Weekday::Tue], 0));
    let starts: Vec<String> =
        p.occurrences.iter().map(|o| o.start.format("%m-%d %H:%M").to_string()).collect();
    assert_eq!(
        starts,
        ["03-02 16:00", "03-09 16:00", "03-16 16:00", "03-23 16:00", "03-30 15:00", "04-06 15:00"]
    );
    let grace = &p.members[1];
    let drift: Vec<(NaiveDate, NaiveTime, NaiveTime, i64)> =
        grace.drift.iter().map(|d| (d.date, d.from, d.to, d.minutes)).collect();
    assert_eq!(
        drift,
        vec![
            (date(2027, 3, 16), hm(11, 0), hm(12, 0), 60),
            (date(2027, 3, 30), hm(12, 0), hm(11, 0), -60)
        ]
    );
    assert!(p.members[0].drift.is_empty(), "the anchor's own wall clock never drifts");
}

/// If Grace only has 11:00-12:00, the two drifted weeks fail; with two misses allowed the
/// pattern holds and the misses are exactly 16 and 23 March, outside her windows.
#[test]
fn misses_during_the_drift_are_listed() {
    let mut q = series("60m", "weekly on tue", Berlin, date(2027, 3, 1), 6);
    q.required(member("ana", Berlin, "tue 17:00-18:00")).required(member(
        "grace",
        New_York,
        "tue 11:00-12:00",
    ));
    let strict = q.solve().unwrap();
    assert!(strict.patterns.is_empty());
    assert_eq!(strict.near_misses[0].misses, 2);
    q.allowed_misses(2);
    let loose = q.solve().unwrap();
    let p = &loose.patterns[0];
    let missed: Vec<(String, String, Reason)> = p
        .occurrences
        .iter()
        .flat_map(|o| {
            o.missing
                .iter()
                .map(move |m| (o.start.format("%m-%d").to_string(), m.id.clone(), m.reason.clone()))
        })
        .collect();
    assert_eq!(
        missed,
        vec![
            ("03-16".to_string(), "grace".to_string(), Reason::OutsideWindows),
            ("03-23".to_string(), "grace".to_string(), Reason::OutsideWindows)
        ]
    );
}

/// Sydney goes the other way: Berlin Mondays 09:00 are 19:00 in Sydney until 22 March, 18:00
/// on 29 March (Berlin on summer time, Sydney still on daylight time), 17:00 from 5 April.
#[test]
fn sydney_shifts_twice_in_the_other_direction() {
    let mut q = series("60m", "weekly on mon", Berlin, date(2027, 3, 15), 5);
    q.required(member("ana", Berlin, "mon 09:00-10:00")).required(member(
        "liam",
        Sydney,
        "mon 18:00-21:00",
    ));
    q.allowed_misses(2);
    let p = &q.solve().unwrap().patterns[0];
    assert_eq!(p.time, hm(9, 0));
    let liam = &p.members[1];
    assert_eq!(liam.local.format("%H:%M").to_string(), "19:00");
    let drift: Vec<(NaiveDate, i64)> = liam.drift.iter().map(|d| (d.date, d.minutes)).collect();
    assert_eq!(drift, vec![(date(2027, 3, 29), -60), (date(2027, 4, 5), -60)]);
    let missed: Vec<String> = p
        .occurrences
        .iter()
        .filter(|o| !o.holds)
        .map(|o| o.start.format("%m-%d").to_string())
        .collect();
    assert_eq!(missed, ["04-05", "04-12"]);
}

/// Kolkata's half-hour offset: Berlin 09:00 CET is 13:30 IST; a 90-minute window that only
/// opens at 13:30 IST gives exactly one start on the day.
#[test]
fn kolkata_half_hour_offset() {
    let day = date(2027, 1, 12);
    let mut q =
        SlotQuery::new("90m".parse::<Length>().unwrap(), Window::days(Berlin, day, day).unwrap());
    q.required(member("ana", Berlin, "tue 08:00-12:00")).required(member(
        "ravi",
        Kolkata,
        "tue 13:30-15:00",
    ));
    let slots = q.solve().unwrap();
    assert_eq!(slots.valid, 1);
    let c = &slots.candidates[0];
    assert_eq!(c.start, Utc.with_ymd_and_hms(2027, 1, 12, 8, 0, 0).unwrap());
    assert_eq!(c.attendees[1].local.format("%H:%M").to_string(), "13:30");
}

/// A New York anchor at 02:30 on Sundays: on 14 March 02:30 does not exist and the DST policy
/// moves it forward to 03:30 EDT, which is 07:30 UTC, the same instant as 02:30 EST the week
/// before; a Berlin member free 08:00-10:00 makes both.
#[test]
fn anchor_time_in_the_gap_moves_forward() {
    let mut q = series("30m", "weekly on sun", New_York, date(2027, 3, 7), 2);
    q.required(member("ana", Berlin, "sun 08:00-10:00"));
    q.max_results(100).overlapping(true);
    let answer = q.solve().unwrap();
    let p = answer.patterns.iter().find(|p| p.time == hm(2, 30)).unwrap();
    let starts: Vec<String> = p.occurrences.iter().map(|o| o.start.to_rfc3339()).collect();
    assert_eq!(starts, ["2027-03-07T07:30:00+00:00", "2027-03-14T07:30:00+00:00"]);
}

/// Busy time with buffers, minimum notice and the civil band in each member's own zone.
#[test]
fn buffers_notice_and_civil_hours() {
    let day = date(2027, 1, 12);
    let busy = (
        Utc.with_ymd_and_hms(2027, 1, 12, 14, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2027, 1, 12, 15, 0, 0).unwrap(),
    );
    let mut q = SlotQuery::new(
        "60m".parse::<Length>().unwrap(),
        Window::days(chrono_tz::UTC, day, day).unwrap(),
    );
    q.required(member("ana", Berlin, "tue 07:00-23:00").busy([busy]))
        .required(member("grace", New_York, "tue 06:00-20:00"))
        .buffers(15, 15)
        .notice(Utc.with_ymd_and_hms(2027, 1, 12, 11, 50, 0).unwrap(), 60)
        .civil_hours(Some(tempi_core::model::LocalHours::parse("08:00-21:00").unwrap()))
        .max_results(100)
        .overlapping(true);
    let slots = q.solve().unwrap();
    let starts: Vec<String> =
        slots.candidates.iter().map(|c| c.start.format("%H:%M").to_string()).collect::<Vec<_>>();
    let mut sorted = starts.clone();
    sorted.sort();
    // Grace from 08:00 EST = 13:00 UTC; Ana until 21:00 CET = 20:00 UTC; busy 14-15 UTC with 15
    // minutes either side (so 13:00-14:00 touches the buffer); notice: not before 12:50 UTC.
    assert_eq!(
        sorted,
        [
            "15:15", "15:30", "15:45", "16:00", "16:15", "16:30", "16:45", "17:00", "17:15",
            "17:30", "17:45", "18:00", "18:15", "18:30", "18:45", "19:00"
        ]
    );
}
