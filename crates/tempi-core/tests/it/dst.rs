//! Wall-clock rhythms across DST gaps and folds, through the whole plan.
//!
//! Policy (module docs of `tempi_core::time`, RFC 5545 §3.3.5): a wall time in a gap is read with
//! the offset before the gap (so it moves forward by the gap's length); a wall time in a fold is the
//! earlier instant. Lengths are exact elapsed time. Transition dates are the 2027 tz database
//! rules (see `time/tests.rs`). RFC 5545 §3.8.5.3: "Duplicate instances are ignored."

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::America::New_York;
use chrono_tz::Asia::Kolkata;
use chrono_tz::Australia::{Lord_Howe, Sydney};
use chrono_tz::Europe::Berlin;
use chrono_tz::Pacific::Apia;
use chrono_tz::Tz;
use tempi_core::{Community, Group, Plan, Scale};

use crate::{add_members, at, build, date, of, plan_days, rhythm};

fn plan(zone: Tz, rule: &str, time: NaiveTime, len: &str, from: NaiveDate, to: NaiveDate) -> Plan {
    let mut builder = Community::builder("dst", "DST", zone, from);
    add_members(&mut builder, zone, &["ana", "bo", "chen"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
    builder.rhythm(rhythm("r", "pod", rule, time, len));
    plan_days(&build(&builder), zone, from, to)
}

/// Checks the starts (and, if given, ends) as RFC 3339 with the zone's offset.
#[track_caller]
fn check(plan: &Plan, starts: &[&str], ends: Option<&[&str]>) {
    let got: Vec<String> = of(plan, "r").iter().map(|o| o.start.to_rfc3339()).collect();
    assert_eq!(got, starts);
    if let Some(ends) = ends {
        let got: Vec<String> = of(plan, "r").iter().map(|o| o.end.to_rfc3339()).collect();
        assert_eq!(got, ends);
    }
}

#[test]
fn new_york_0230_across_spring_forward() {
    let plan = plan(
        New_York,
        "FREQ=WEEKLY;BYDAY=SU",
        at(2, 30),
        "1h",
        date(2027, 3, 1),
        date(2027, 3, 31),
    );
    check(
        &plan,
        &[
            "2027-03-07T02:30:00-05:00",
            "2027-03-14T03:30:00-04:00",
            "2027-03-21T02:30:00-04:00",
            "2027-03-28T02:30:00-04:00",
        ],
        Some(&[
            "2027-03-07T03:30:00-05:00",
            "2027-03-14T04:30:00-04:00",
            "2027-03-21T03:30:00-04:00",
            "2027-03-28T03:30:00-04:00",
        ]),
    );
}

#[test]
fn new_york_0130_across_fall_back() {
    let plan =
        plan(New_York, "weekly on sun", at(1, 30), "1h", date(2027, 10, 25), date(2027, 11, 20));
    // The 2027-11-07 meeting takes the first 01:30 (EDT, 05:30Z) and, lasting an hour of elapsed
    // time, ends at the second 01:30 (EST).
    check(
        &plan,
        &["2027-10-31T01:30:00-04:00", "2027-11-07T01:30:00-04:00", "2027-11-14T01:30:00-05:00"],
        Some(&[
            "2027-10-31T02:30:00-04:00",
            "2027-11-07T01:30:00-05:00",
            "2027-11-14T02:30:00-05:00",
        ]),
    );
    let fold = of(&plan, "r")[1].start.with_timezone(&Utc);
    assert_eq!(fold, Utc.with_ymd_and_hms(2027, 11, 7, 5, 30, 0).unwrap());
}

#[test]
fn berlin_across_both_transitions() {
    let spring =
        plan(Berlin, "weekly on sun", at(2, 30), "1h", date(2027, 3, 15), date(2027, 4, 10));
    check(
        &spring,
        &["2027-03-21T02:30:00+01:00", "2027-03-28T03:30:00+02:00", "2027-04-04T02:30:00+02:00"],
        None,
    );
    let autumn =
        plan(Berlin, "weekly on sun", at(2, 30), "1h", date(2027, 10, 18), date(2027, 11, 10));
    check(
        &autumn,
        &["2027-10-24T02:30:00+02:00", "2027-10-31T02:30:00+02:00", "2027-11-07T02:30:00+01:00"],
        None,
    );
}

#[test]
fn sydney_across_both_transitions() {
    let autumn =
        plan(Sydney, "weekly on sun", at(2, 30), "1h", date(2027, 3, 22), date(2027, 4, 17));
    check(
        &autumn,
        &["2027-03-28T02:30:00+11:00", "2027-04-04T02:30:00+11:00", "2027-04-11T02:30:00+10:00"],
        None,
    );
    let spring =
        plan(Sydney, "weekly on sun", at(2, 30), "1h", date(2027, 9, 20), date(2027, 10, 16));
    check(
        &spring,
        &["2027-09-26T02:30:00+10:00", "2027-10-03T03:30:00+11:00", "2027-10-10T02:30:00+11:00"],
        None,
    );
}

#[test]
fn lord_howe_moves_by_thirty_minutes() {
    let spring =
        plan(Lord_Howe, "weekly on sun", at(2, 15), "1h", date(2027, 9, 20), date(2027, 10, 16));
    check(
        &spring,
        &["2027-09-26T02:15:00+10:30", "2027-10-03T02:45:00+11:00", "2027-10-10T02:15:00+11:00"],
        None,
    );
    let autumn =
        plan(Lord_Howe, "weekly on sun", at(1, 45), "30m", date(2027, 3, 22), date(2027, 4, 17));
    check(
        &autumn,
        &["2027-03-28T01:45:00+11:00", "2027-04-04T01:45:00+11:00", "2027-04-11T01:45:00+10:30"],
        None,
    );
}

#[test]
fn kolkata_keeps_its_offset() {
    let plan = plan(Kolkata, "weekly on sun", at(2, 30), "1h", date(2027, 3, 1), date(2027, 3, 31));
    check(
        &plan,
        &[
            "2027-03-07T02:30:00+05:30",
            "2027-03-14T02:30:00+05:30",
            "2027-03-21T02:30:00+05:30",
            "2027-03-28T02:30:00+05:30",
        ],
        None,
    );
}

fn utc_starts(plan: &Plan) -> Vec<DateTime<Utc>> {
    of(plan, "r").iter().map(|o| o.start.with_timezone(&Utc)).collect()
}

fn utc(d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 3, d, h, 0, 0).unwrap()
}

#[test]
fn hourly_across_the_gap_gives_each_instant_once() {
    // Wall-clock 02:00 does not exist on 2027-03-14 in New York; read before the gap it is 03:00
    // EDT, the same instant as the wall-clock 03:00 instance: one instance, not two.
    let plan = plan(New_York, "FREQ=HOURLY", at(0, 0), "30m", date(2027, 3, 14), date(2027, 3, 14));
    let starts = utc_starts(&plan);
    assert!(starts.windows(2).all(|w| w[0] < w[1]), "strictly increasing: {starts:?}");
    let early: Vec<DateTime<Utc>> = starts.into_iter().filter(|t| *t <= utc(14, 9)).collect();
    assert_eq!(early, [utc(14, 5), utc(14, 6), utc(14, 7), utc(14, 8), utc(14, 9)]);
}

#[test]
fn by_hour_across_the_gap_gives_each_instant_once() {
    let plan = plan(
        New_York,
        "FREQ=DAILY;BYHOUR=1,2,3",
        at(1, 0),
        "1m",
        date(2027, 3, 13),
        date(2027, 3, 15),
    );
    assert_eq!(
        utc_starts(&plan),
        [
            utc(13, 6),
            utc(13, 7),
            utc(13, 8),
            utc(14, 6),
            utc(14, 7),
            utc(15, 5),
            utc(15, 6),
            utc(15, 7),
        ]
    );
}

#[test]
fn apia_daily_across_the_day_that_never_existed() {
    // 2011-12-30 never happened in Samoa; its 10:00 read before the 24-hour gap is 2011-12-31 10:00
    // +14:00, the same instant as the 31st's own meeting.
    let plan = plan(Apia, "daily", at(10, 0), "1h", date(2011, 12, 28), date(2012, 1, 1));
    let starts: Vec<String> = of(&plan, "r").iter().map(|o| o.start.to_rfc3339()).collect();
    assert_eq!(
        starts,
        [
            "2011-12-28T10:00:00-10:00",
            "2011-12-29T10:00:00-10:00",
            "2011-12-31T10:00:00+14:00",
            "2012-01-01T10:00:00+14:00",
        ]
    );
}
