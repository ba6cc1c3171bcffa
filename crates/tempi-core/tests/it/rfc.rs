//! RFC 5545 §3.8.5.3 examples, ported as rhythms of a New York community (the RFC's examples use
//! `DTSTART;TZID=America/New_York:…T090000`), plus other named cases checked on a 2027 calendar.
//!
//! The rhythm starts on the example's DTSTART date at its time; the plan window runs from that date
//! to the last date the RFC lists, so "forever" rules are cut where the RFC's list stops. Every
//! example here has a DTSTART that matches its rule, so RFC 5545 ("the DTSTART … counts as the first
//! instance") and tempi (rhythms start from a date) agree on COUNT.
//!
//! Skipped: the examples with RDATE/EXDATE (rhythms have neither) except "every Friday the 13th",
//! whose EXDATE only removes a DTSTART that tempi never emits; "every 3 hours from 9 to 5", whose
//! `UNTIL=19970902T170000Z` is 13:00 EDT, before the 15:00 instance the RFC lists.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, Weekday};
use chrono_tz::America::New_York;
use chrono_tz::Tz;
use tempi_core::{Community, Group, Plan, Scale, Status};

use crate::{add_members, at, build, date, plan_days, rhythm, wall, walls};

fn community(zone: Tz, start: NaiveDate, rule: &str, time: NaiveTime, len: &str) -> Community {
    let mut builder = Community::builder("rfc", "RFC 5545", zone, start);
    add_members(&mut builder, zone, &["ana"]);
    builder.group(Group::new("solo", "Solo", Scale::Range { min: 1, max: 1 }).members(["ana"]));
    builder.rhythm(rhythm("r", "solo", rule, time, len));
    build(&builder)
}

/// Plans `rule` in New York from `dtstart` through the whole day `last`, and checks the
/// occurrences' wall-clock starts.
#[track_caller]
fn check(rule: &str, dtstart: NaiveDateTime, last: NaiveDate, expected: &[NaiveDateTime]) -> Plan {
    check_with_length(rule, "10m", dtstart, last, expected)
}

#[track_caller]
fn check_with_length(
    rule: &str,
    len: &str,
    dtstart: NaiveDateTime,
    last: NaiveDate,
    expected: &[NaiveDateTime],
) -> Plan {
    let community = community(New_York, dtstart.date(), rule, dtstart.time(), len);
    let plan = plan_days(&community, New_York, dtstart.date(), last);
    assert_eq!(walls(&plan, "r"), expected, "{rule}");
    assert!(plan.occurrences().iter().all(|o| o.status == Status::Scheduled), "{rule}");
    plan
}

/// The dates `days` of a month, at 09:00.
fn nine(year: i32, month: u32, days: &[u32]) -> Vec<NaiveDateTime> {
    days.iter().map(|d| wall(year, month, *d, 9, 0)).collect()
}

fn concat(parts: &[Vec<NaiveDateTime>]) -> Vec<NaiveDateTime> {
    parts.concat()
}

/// Every day from `from` through `to`, at 09:00.
fn every_day(from: NaiveDate, to: NaiveDate) -> Vec<NaiveDateTime> {
    from.iter_days().take_while(|d| *d <= to).map(|d| d.and_time(at(9, 0))).collect()
}

#[test]
fn daily_for_10_occurrences() {
    check(
        "FREQ=DAILY;COUNT=10",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &nine(1997, 9, &[2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    );
}

#[test]
fn daily_until_december_24_1997() {
    // UNTIL=19971224T000000Z is 1997-12-23 19:00 EST, so the last instance is the 23rd.
    let expected = every_day(date(1997, 9, 2), date(1997, 12, 23));
    assert_eq!(expected.len(), 113);
    check(
        "FREQ=DAILY;UNTIL=19971224T000000Z",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &expected,
    );
}

#[test]
fn every_other_day() {
    let days: Vec<u32> = (2..=30).step_by(2).collect();
    check(
        "FREQ=DAILY;INTERVAL=2",
        wall(1997, 9, 2, 9, 0),
        date(1997, 9, 30),
        &nine(1997, 9, &days),
    );
}

#[test]
fn every_10_days_5_occurrences() {
    check(
        "FREQ=DAILY;INTERVAL=10;COUNT=5",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &concat(&[nine(1997, 9, &[2, 12, 22]), nine(1997, 10, &[2, 12])]),
    );
}

#[test]
fn every_day_in_january_for_3_years() {
    // UNTIL=20000131T140000Z is 2000-01-31 09:00 EST: inclusive.
    let expected = concat(&[
        every_day(date(1998, 1, 1), date(1998, 1, 31)),
        every_day(date(1999, 1, 1), date(1999, 1, 31)),
        every_day(date(2000, 1, 1), date(2000, 1, 31)),
    ]);
    check(
        "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        wall(1998, 1, 1, 9, 0),
        date(2000, 12, 31),
        &expected,
    );
    check(
        "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
        wall(1998, 1, 1, 9, 0),
        date(2000, 12, 31),
        &expected,
    );
}

#[test]
fn weekly_for_10_occurrences_across_the_end_of_dst() {
    let plan = check(
        "FREQ=WEEKLY;COUNT=10",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &concat(&[
            nine(1997, 9, &[2, 9, 16, 23, 30]),
            nine(1997, 10, &[7, 14, 21, 28]),
            nine(1997, 11, &[4]),
        ]),
    );
    // The RFC: "(1997 9:00 AM EDT) … October 7,14,21; (1997 9:00 AM EST) October 28; November 4".
    let offsets: Vec<i32> = plan
        .occurrences()
        .iter()
        .map(|o| o.start.offset().fix().local_minus_utc() / 3600)
        .collect();
    assert_eq!(offsets, [-4, -4, -4, -4, -4, -4, -4, -4, -5, -5]);
}

#[test]
fn weekly_until_december_24_1997() {
    check(
        "FREQ=WEEKLY;UNTIL=19971224T000000Z",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &concat(&[
            nine(1997, 9, &[2, 9, 16, 23, 30]),
            nine(1997, 10, &[7, 14, 21, 28]),
            nine(1997, 11, &[4, 11, 18, 25]),
            nine(1997, 12, &[2, 9, 16, 23]),
        ]),
    );
}

#[test]
fn every_other_week() {
    check(
        "FREQ=WEEKLY;INTERVAL=2;WKST=SU",
        wall(1997, 9, 2, 9, 0),
        date(1998, 2, 17),
        &concat(&[
            nine(1997, 9, &[2, 16, 30]),
            nine(1997, 10, &[14, 28]),
            nine(1997, 11, &[11, 25]),
            nine(1997, 12, &[9, 23]),
            nine(1998, 1, &[6, 20]),
            nine(1998, 2, &[3, 17]),
        ]),
    );
}

#[test]
fn weekly_on_tuesday_and_thursday_for_five_weeks() {
    let expected =
        concat(&[nine(1997, 9, &[2, 4, 9, 11, 16, 18, 23, 25, 30]), nine(1997, 10, &[2])]);
    check(
        "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &expected,
    );
    check(
        "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &expected,
    );
}

#[test]
fn every_other_week_on_monday_wednesday_and_friday() {
    check(
        "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        wall(1997, 9, 1, 9, 0),
        date(1997, 12, 31),
        &concat(&[
            nine(1997, 9, &[1, 3, 5, 15, 17, 19, 29]),
            nine(1997, 10, &[1, 3, 13, 15, 17, 27, 29, 31]),
            nine(1997, 11, &[10, 12, 14, 24, 26, 28]),
            nine(1997, 12, &[8, 10, 12, 22]),
        ]),
    );
}

#[test]
fn every_other_week_on_tuesday_and_thursday_8_occurrences() {
    check(
        "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
        wall(1997, 9, 2, 9, 0),
        date(1997, 12, 31),
        &concat(&[nine(1997, 9, &[2, 4, 16, 18, 30]), nine(1997, 10, &[2, 14, 16])]),
    );
}

#[test]
fn monthly_on_the_first_friday() {
    check(
        "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
        wall(1997, 9, 5, 9, 0),
        date(1998, 12, 31),
        &concat(&[
            nine(1997, 9, &[5]),
            nine(1997, 10, &[3]),
            nine(1997, 11, &[7]),
            nine(1997, 12, &[5]),
            nine(1998, 1, &[2]),
            nine(1998, 2, &[6]),
            nine(1998, 3, &[6]),
            nine(1998, 4, &[3]),
            nine(1998, 5, &[1]),
            nine(1998, 6, &[5]),
        ]),
    );
    check(
        "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
        wall(1997, 9, 5, 9, 0),
        date(1998, 12, 31),
        &concat(&[
            nine(1997, 9, &[5]),
            nine(1997, 10, &[3]),
            nine(1997, 11, &[7]),
            nine(1997, 12, &[5]),
        ]),
    );
}

#[test]
fn every_other_month_on_the_first_and_last_sunday() {
    check(
        "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
        wall(1997, 9, 7, 9, 0),
        date(1998, 12, 31),
        &concat(&[
            nine(1997, 9, &[7, 28]),
            nine(1997, 11, &[2, 30]),
            nine(1998, 1, &[4, 25]),
            nine(1998, 3, &[1, 29]),
            nine(1998, 5, &[3, 31]),
        ]),
    );
}

#[test]
fn monthly_on_the_second_to_last_monday_for_6_months() {
    check(
        "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
        wall(1997, 9, 22, 9, 0),
        date(1998, 12, 31),
        &concat(&[
            nine(1997, 9, &[22]),
            nine(1997, 10, &[20]),
            nine(1997, 11, &[17]),
            nine(1997, 12, &[22]),
            nine(1998, 1, &[19]),
            nine(1998, 2, &[16]),
        ]),
    );
}

#[test]
fn monthly_on_the_third_to_last_day() {
    check(
        "FREQ=MONTHLY;BYMONTHDAY=-3",
        wall(1997, 9, 28, 9, 0),
        date(1998, 2, 28),
        &concat(&[
            nine(1997, 9, &[28]),
            nine(1997, 10, &[29]),
            nine(1997, 11, &[28]),
            nine(1997, 12, &[29]),
            nine(1998, 1, &[29]),
            nine(1998, 2, &[26]),
        ]),
    );
}

#[test]
fn monthly_on_the_2nd_and_15th() {
    check(
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
        wall(1997, 9, 2, 9, 0),
        date(1998, 12, 31),
        &concat(&[
            nine(1997, 9, &[2, 15]),
            nine(1997, 10, &[2, 15]),
            nine(1997, 11, &[2, 15]),
            nine(1997, 12, &[2, 15]),
            nine(1998, 1, &[2, 15]),
        ]),
    );
}

#[test]
fn monthly_on_the_first_and_last_day() {
    check(
        "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
        wall(1997, 9, 30, 9, 0),
        date(1998, 12, 31),
        &concat(&[
            nine(1997, 9, &[30]),
            nine(1997, 10, &[1, 31]),
            nine(1997, 11, &[1, 30]),
            nine(1997, 12, &[1, 31]),
            nine(1998, 1, &[1, 31]),
            nine(1998, 2, &[1]),
        ]),
    );
}

#[test]
fn every_18_months_on_the_10th_through_15th() {
    check(
        "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
        wall(1997, 9, 10, 9, 0),
        date(2000, 12, 31),
        &concat(&[nine(1997, 9, &[10, 11, 12, 13, 14, 15]), nine(1999, 3, &[10, 11, 12, 13])]),
    );
}

#[test]
fn every_tuesday_every_other_month() {
    check(
        "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
        wall(1997, 9, 2, 9, 0),
        date(1998, 3, 31),
        &concat(&[
            nine(1997, 9, &[2, 9, 16, 23, 30]),
            nine(1997, 11, &[4, 11, 18, 25]),
            nine(1998, 1, &[6, 13, 20, 27]),
            nine(1998, 3, &[3, 10, 17, 24, 31]),
        ]),
    );
}

#[test]
fn yearly_in_june_and_july() {
    let expected: Vec<NaiveDateTime> =
        (1997..=2001).flat_map(|y| [wall(y, 6, 10, 9, 0), wall(y, 7, 10, 9, 0)]).collect();
    check(
        "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
        wall(1997, 6, 10, 9, 0),
        date(2002, 12, 31),
        &expected,
    );
}

#[test]
fn every_other_year_in_january_february_and_march() {
    check(
        "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
        wall(1997, 3, 10, 9, 0),
        date(2004, 12, 31),
        &concat(&[
            nine(1997, 3, &[10]),
            nine(1999, 1, &[10]),
            nine(1999, 2, &[10]),
            nine(1999, 3, &[10]),
            nine(2001, 1, &[10]),
            nine(2001, 2, &[10]),
            nine(2001, 3, &[10]),
            nine(2003, 1, &[10]),
            nine(2003, 2, &[10]),
            nine(2003, 3, &[10]),
        ]),
    );
}

#[test]
fn every_third_year_on_the_1st_100th_and_200th_day() {
    // Day 100 is 10 April and day 200 is 19 July, a day earlier in the leap year 2000.
    check(
        "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
        wall(1997, 1, 1, 9, 0),
        date(2006, 12, 31),
        &concat(&[
            nine(1997, 1, &[1]),
            nine(1997, 4, &[10]),
            nine(1997, 7, &[19]),
            nine(2000, 1, &[1]),
            nine(2000, 4, &[9]),
            nine(2000, 7, &[18]),
            nine(2003, 1, &[1]),
            nine(2003, 4, &[10]),
            nine(2003, 7, &[19]),
            nine(2006, 1, &[1]),
        ]),
    );
}

#[test]
fn every_20th_monday_of_the_year() {
    check(
        "FREQ=YEARLY;BYDAY=20MO",
        wall(1997, 5, 19, 9, 0),
        date(1999, 12, 31),
        &[wall(1997, 5, 19, 9, 0), wall(1998, 5, 18, 9, 0), wall(1999, 5, 17, 9, 0)],
    );
}

#[test]
fn monday_of_week_number_20() {
    check(
        "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        wall(1997, 5, 12, 9, 0),
        date(1999, 12, 31),
        &[wall(1997, 5, 12, 9, 0), wall(1998, 5, 11, 9, 0), wall(1999, 5, 17, 9, 0)],
    );
}

#[test]
fn every_thursday_in_march() {
    check(
        "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
        wall(1997, 3, 13, 9, 0),
        date(1999, 12, 31),
        &concat(&[
            nine(1997, 3, &[13, 20, 27]),
            nine(1998, 3, &[5, 12, 19, 26]),
            nine(1999, 3, &[4, 11, 18, 25]),
        ]),
    );
}

#[test]
fn every_thursday_in_june_july_and_august() {
    check(
        "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
        wall(1997, 6, 5, 9, 0),
        date(1999, 12, 31),
        &concat(&[
            nine(1997, 6, &[5, 12, 19, 26]),
            nine(1997, 7, &[3, 10, 17, 24, 31]),
            nine(1997, 8, &[7, 14, 21, 28]),
            nine(1998, 6, &[4, 11, 18, 25]),
            nine(1998, 7, &[2, 9, 16, 23, 30]),
            nine(1998, 8, &[6, 13, 20, 27]),
            nine(1999, 6, &[3, 10, 17, 24]),
            nine(1999, 7, &[1, 8, 15, 22, 29]),
            nine(1999, 8, &[5, 12, 19, 26]),
        ]),
    );
}

#[test]
fn every_friday_the_13th() {
    check(
        "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        wall(1997, 9, 2, 9, 0),
        date(2000, 12, 31),
        &[
            wall(1998, 2, 13, 9, 0),
            wall(1998, 3, 13, 9, 0),
            wall(1998, 11, 13, 9, 0),
            wall(1999, 8, 13, 9, 0),
            wall(2000, 10, 13, 9, 0),
        ],
    );
}

#[test]
fn the_first_saturday_after_the_first_sunday() {
    check(
        "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
        wall(1997, 9, 13, 9, 0),
        date(1998, 6, 30),
        &concat(&[
            nine(1997, 9, &[13]),
            nine(1997, 10, &[11]),
            nine(1997, 11, &[8]),
            nine(1997, 12, &[13]),
            nine(1998, 1, &[10]),
            nine(1998, 2, &[7]),
            nine(1998, 3, &[7]),
            nine(1998, 4, &[11]),
            nine(1998, 5, &[9]),
            nine(1998, 6, &[13]),
        ]),
    );
}

#[test]
fn us_presidential_election_day() {
    check(
        "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
        wall(1996, 11, 5, 9, 0),
        date(2004, 12, 31),
        &[wall(1996, 11, 5, 9, 0), wall(2000, 11, 7, 9, 0), wall(2004, 11, 2, 9, 0)],
    );
}

#[test]
fn the_third_tuesday_wednesday_or_thursday() {
    check(
        "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
        wall(1997, 9, 4, 9, 0),
        date(1997, 12, 31),
        &[wall(1997, 9, 4, 9, 0), wall(1997, 10, 7, 9, 0), wall(1997, 11, 6, 9, 0)],
    );
}

#[test]
fn the_second_to_last_weekday_of_the_month() {
    check(
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
        wall(1997, 9, 29, 9, 0),
        date(1998, 3, 31),
        &concat(&[
            nine(1997, 9, &[29]),
            nine(1997, 10, &[30]),
            nine(1997, 11, &[27]),
            nine(1997, 12, &[30]),
            nine(1998, 1, &[29]),
            nine(1998, 2, &[26]),
            nine(1998, 3, &[30]),
        ]),
    );
}

#[test]
fn every_15_minutes_and_every_90_minutes() {
    let times = |list: &[(u32, u32)]| -> Vec<NaiveDateTime> {
        list.iter().map(|(h, m)| wall(1997, 9, 2, *h, *m)).collect()
    };
    check(
        "FREQ=MINUTELY;INTERVAL=15;COUNT=6",
        wall(1997, 9, 2, 9, 0),
        date(1997, 9, 2),
        &times(&[(9, 0), (9, 15), (9, 30), (9, 45), (10, 0), (10, 15)]),
    );
    check(
        "FREQ=MINUTELY;INTERVAL=90;COUNT=4",
        wall(1997, 9, 2, 9, 0),
        date(1997, 9, 2),
        &times(&[(9, 0), (10, 30), (12, 0), (13, 30)]),
    );
}

#[test]
fn every_20_minutes_from_9_to_4_40() {
    // Both forms the RFC gives. The sessions are a minute long here: whether a longer session
    // builds is a question of validation (see `bounds::sessions_shorter_than_the_gap_build`).
    let day: Vec<NaiveDateTime> =
        (9..=16).flat_map(|h| [0, 20, 40].map(|m| wall(1997, 9, 2, h, m))).collect();
    assert_eq!(day.len(), 24);
    for rule in [
        "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
    ] {
        check_with_length(rule, "1m", wall(1997, 9, 2, 9, 0), date(1997, 9, 2), &day);
    }
}

#[test]
fn week_start_changes_which_days_pair_up() {
    // RFC 5545: "An example where the days generated makes a difference because of WKST".
    check(
        "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
        wall(1997, 8, 5, 9, 0),
        date(1997, 12, 31),
        &nine(1997, 8, &[5, 10, 19, 24]),
    );
    check(
        "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
        wall(1997, 8, 5, 9, 0),
        date(1997, 12, 31),
        &nine(1997, 8, &[5, 17, 19, 31]),
    );
}

#[test]
fn an_invalid_date_is_ignored() {
    // RFC 5545: "An example where an invalid date (i.e., February 30) is ignored."
    check(
        "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
        wall(2007, 1, 15, 9, 0),
        date(2007, 12, 31),
        &concat(&[nine(2007, 1, &[15, 30]), nine(2007, 2, &[15]), nine(2007, 3, &[15, 30])]),
    );
}

// Named cases on a 2027 calendar (1 January 2027 is a Friday).

/// Plans `rule` at 19:00 in New York over the given whole days and returns the start dates.
fn plan_dates(rule: &str, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let community = community(New_York, from, rule, at(19, 0), "1h");
    let plan = plan_days(&community, New_York, from, to);
    assert!(plan.occurrences().iter().all(|o| o.start.time() == at(19, 0)));
    crate::dates(&plan, "r")
}

#[test]
fn february_29_only_in_leap_years() {
    assert_eq!(
        plan_dates("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", date(2027, 1, 1), date(2033, 12, 31)),
        [date(2028, 2, 29), date(2032, 2, 29)]
    );
}

#[test]
fn last_day_of_every_month() {
    assert_eq!(
        plan_dates("FREQ=MONTHLY;BYMONTHDAY=-1", date(2027, 1, 1), date(2028, 3, 31)),
        [
            date(2027, 1, 31),
            date(2027, 2, 28),
            date(2027, 3, 31),
            date(2027, 4, 30),
            date(2027, 5, 31),
            date(2027, 6, 30),
            date(2027, 7, 31),
            date(2027, 8, 31),
            date(2027, 9, 30),
            date(2027, 10, 31),
            date(2027, 11, 30),
            date(2027, 12, 31),
            date(2028, 1, 31),
            date(2028, 2, 29),
            date(2028, 3, 31),
        ]
    );
}

#[test]
fn last_friday_of_every_month() {
    let got = plan_dates("FREQ=MONTHLY;BYDAY=-1FR", date(2027, 1, 1), date(2027, 12, 31));
    assert_eq!(
        got,
        [
            date(2027, 1, 29),
            date(2027, 2, 26),
            date(2027, 3, 26),
            date(2027, 4, 30),
            date(2027, 5, 28),
            date(2027, 6, 25),
            date(2027, 7, 30),
            date(2027, 8, 27),
            date(2027, 9, 24),
            date(2027, 10, 29),
            date(2027, 11, 26),
            date(2027, 12, 31),
        ]
    );
    // Each is a Friday with no Friday after it in its month.
    for d in got {
        assert_eq!(d.weekday(), Weekday::Fri);
        assert_ne!((d + chrono::Duration::days(7)).month(), d.month(), "{d}");
    }
}

#[test]
fn last_workday_of_every_month() {
    assert_eq!(
        plan_dates(
            "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
            date(2027, 1, 1),
            date(2027, 12, 31)
        ),
        [
            date(2027, 1, 29),
            date(2027, 2, 26),
            date(2027, 3, 31),
            date(2027, 4, 30),
            date(2027, 5, 31),
            date(2027, 6, 30),
            date(2027, 7, 30),
            date(2027, 8, 31),
            date(2027, 9, 30),
            date(2027, 10, 29),
            date(2027, 11, 30),
            date(2027, 12, 31),
        ]
    );
}
