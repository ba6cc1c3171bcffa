//! Unit tests of cadences: the friendly forms in the module's table, their rejections, and
//! wall-clock expansion of a few forms checked against a 2027 calendar.
//!
//! The 2027 calendar used below: 1 January is a Friday; months start on Fri (Jan), Mon (Feb),
//! Mon (Mar), Thu (Apr), Sat (May), Tue (Jun), Thu (Jul), Sun (Aug), Wed (Sep), Fri (Oct),
//! Mon (Nov), Wed (Dec).

use super::*;

use chrono::{NaiveDate, NaiveTime};

/// The part and message of a rule error (any other error fails the test).
#[track_caller]
fn rule_error(err: crate::Error) -> RuleError {
    match err {
        crate::Error::Rule { part, message } => RuleError { part, message },
        other => panic!("expected a rule error, got {other:?}"),
    }
}

#[track_caller]
fn cadence(text: &str) -> Cadence {
    match text.parse::<Cadence>() {
        Ok(cadence) => cadence,
        Err(err) => {
            panic!("{text:?} should parse, got: {err} (part {:?})", rule_error(err.clone()).part)
        }
    }
}

/// Checks that the friendly form `text` compiles to `rule`, and that `rule` itself parses to the
/// same cadence (so the table's right-hand column is a valid RFC 5545 rule with the same meaning).
#[track_caller]
fn check(text: &str, rule: &str) {
    let compiled = cadence(text);
    assert_eq!(compiled.to_string(), rule, "{text:?}");
    assert_eq!(cadence(rule), compiled, "{rule:?} parses to the same cadence as {text:?}");
    assert!(compiled.as_rule().is_some(), "{text:?} is a rule");
}

/// Checks that `text` is rejected with a message that quotes what was given and says what to
/// write instead.
#[track_caller]
fn check_rejected(text: &str, mentions: &[&str]) {
    let err = match text.parse::<Cadence>() {
        Ok(cadence) => panic!("{text:?} should be rejected, parsed as {cadence}"),
        Err(err) => err,
    };
    let err = rule_error(err);
    for word in mentions {
        assert!(err.message.contains(word), "message for {text:?} should mention {word:?}: {err}");
    }
    assert!(!err.message.ends_with('.'), "message ends with a period: {err}");
}

#[test]
fn the_documented_table() {
    // Each row of the table at the top of cadence.rs.
    check("weekly on tue", "FREQ=WEEKLY;BYDAY=TU");
    check("every 2 weeks on mon, thu", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH");
    check("fortnightly", "FREQ=WEEKLY;INTERVAL=2");
    check("monthly on day 15", "FREQ=MONTHLY;BYMONTHDAY=15");
    check("last fri of every month", "FREQ=MONTHLY;BYDAY=-1FR");
    check("first mon of every quarter", "FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=1MO");
    check("last fri of every year", "FREQ=YEARLY;BYMONTH=12;BYDAY=-1FR");
    check("2nd sat of september", "FREQ=YEARLY;BYMONTH=9;BYDAY=2SA");
    check("last day of every month", "FREQ=MONTHLY;BYMONTHDAY=-1");
    check("quarterly", "FREQ=MONTHLY;INTERVAL=3");
    check("every 3 months", "FREQ=MONTHLY;INTERVAL=3");
    assert_eq!(cadence("full moon"), Cadence::Moon(MoonPhase::Full));
    assert_eq!(cadence("new moon"), Cadence::Moon(MoonPhase::New));
    check(
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
    );
    check("RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH");
}

#[test]
fn other_friendly_forms() {
    check("daily", "FREQ=DAILY");
    check("every day", "FREQ=DAILY");
    check("every 3 days", "FREQ=DAILY;INTERVAL=3");
    check("weekly", "FREQ=WEEKLY");
    check("every week", "FREQ=WEEKLY");
    check("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR");
    check("every mon", "FREQ=WEEKLY;BYDAY=MO");
    check("every tue and thu", "FREQ=WEEKLY;BYDAY=TU,TH");
    check("every 2 weeks on tue", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU");
    check("weekly on mon and wed and fri", "FREQ=WEEKLY;BYDAY=MO,WE,FR");
    check("every fortnight", "FREQ=WEEKLY;INTERVAL=2");
    check("fortnightly on thursday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH");
    check("monthly", "FREQ=MONTHLY");
    check("monthly on the 2nd tue", "FREQ=MONTHLY;BYDAY=2TU");
    check("monthly on the last fri", "FREQ=MONTHLY;BYDAY=-1FR");
    check("monthly on day -1", "FREQ=MONTHLY;BYMONTHDAY=-1");
    check("every 2 months on day 1", "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=1");
    check("every quarter", "FREQ=MONTHLY;INTERVAL=3");
    check("quarterly on day 1", "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=1");
    check("yearly", "FREQ=YEARLY");
    check("annually", "FREQ=YEARLY");
    check("every 2 years", "FREQ=YEARLY;INTERVAL=2");
    check("first sunday of each month", "FREQ=MONTHLY;BYDAY=1SU");
    check("third wed of the month", "FREQ=MONTHLY;BYDAY=3WE");
    check("second-last fri of every month", "FREQ=MONTHLY;BYDAY=-2FR");
    // A quarter's last weekday counts from its last month.
    check("last fri of every quarter", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYDAY=-1FR");
    check("first mon of every year", "FREQ=YEARLY;BYMONTH=1;BYDAY=1MO");
    check("1st mon of jan", "FREQ=YEARLY;BYMONTH=1;BYDAY=1MO");
    check("last thu of november every year", "FREQ=YEARLY;BYMONTH=11;BYDAY=-1TH");
    check("4th thu of nov", "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH");
    check("2nd sat of sept", "FREQ=YEARLY;BYMONTH=9;BYDAY=2SA");
    check("last day of the quarter", "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=-1");
    check("last day of every year", "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31");
    // Case and spacing don't matter.
    check("  Weekly ON Tue ", "FREQ=WEEKLY;BYDAY=TU");
    assert_eq!(cadence("Every Full Moon"), Cadence::Moon(MoonPhase::Full));
    assert_eq!(cadence("each new moon"), Cadence::Moon(MoonPhase::New));
}

#[test]
fn display_round_trips_for_every_cadence() {
    // STYLE §3: Display/FromStr round-trip. Every lunar phase is a public `Cadence` value.
    for phase in [MoonPhase::New, MoonPhase::FirstQuarter, MoonPhase::Full, MoonPhase::LastQuarter]
    {
        let moon = Cadence::Moon(phase);
        let text = moon.to_string();
        assert_eq!(text.parse::<Cadence>(), Ok(moon), "{text:?}");
    }
}

#[test]
fn rejections_say_what_to_write() {
    for text in [
        "",
        "every blue moon",
        "weekly on funday",
        "sometimes",
        "every 2 mon",
        "first mon of every decade",
        "monthly on the",
        "every 2 weekdays",
        "2nd sat of smarch",
        "zeroth mon of every month",
        "0th mon of every month",
    ] {
        check_rejected(text, &[&format!("`{}`", text.trim()), "weekly on tue", "FREQ="]);
    }
    // Friendly forms that compile to an invalid rule report the rule part and why.
    check_rejected("monthly on day 0", &["BYMONTHDAY=0"]);
    check_rejected("monthly on day 32", &["BYMONTHDAY=32"]);
    check_rejected("6th mon of every month", &["BYDAY=6MO"]);
    check_rejected("every 0 weeks", &["INTERVAL"]);
    // Rules are checked as rules.
    check_rejected("FREQ=WEEKLY;BYDAY=1MO", &["BYDAY=1MO", "MONTHLY"]);
    check_rejected("FREQ=WEEKLY;INTERVAL=0", &["INTERVAL"]);
    let err = rule_error("every blue moon".parse::<Cadence>().unwrap_err());
    assert_eq!(err.part, "every blue moon");
}

#[test]
fn tempo_ranks_slower_cadences_higher() {
    let period = |text: &str| cadence(text).nominal_period_seconds();
    assert!(period("daily") < period("weekly on tue"));
    assert!(period("weekly on tue") < period("fortnightly"));
    assert!(period("fortnightly") < period("full moon"));
    // A synodic month (29.53 days) is close to a calendar month.
    assert!(period("full moon").abs_diff(period("monthly")) < 2 * 86_400);
    assert!(period("monthly") < period("quarterly"));
    assert!(period("quarterly") < period("yearly"));
}

/// Issue 11: tempo is the nominal time between instances of the rule as written, so the BY-lists
/// count. Each expected value is the calendar's own arithmetic (a year of 365.2425 days, a week of
/// 7), not the code's output.
#[test]
fn tempo_counts_the_by_lists() {
    let period = |text: &str| cadence(text).nominal_period_seconds();
    let day = 86_400u64;
    let near = |a: u64, b: u64, slack: u64| a.abs_diff(b) <= slack;
    // Four months a year is quarterly: faster than yearly, slower than monthly.
    let quarterly = period("FREQ=YEARLY;BYMONTH=1,4,7,10");
    assert!(period("monthly") < quarterly && quarterly < period("yearly"));
    assert!(near(quarterly, period("FREQ=MONTHLY;INTERVAL=3"), 2 * day), "{quarterly}");
    // Three weekdays a week: every 7/3 days.
    assert_eq!(period("FREQ=WEEKLY;BYDAY=MO,WE,FR"), 7 * day / 3);
    // Weekdays only, daily: 5 of 7 days, so every 1.4 days.
    assert_eq!(period("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"), 7 * day / 5);
    // The first and third Monday: about a fortnight.
    assert!(near(period("FREQ=MONTHLY;BYDAY=1MO,3MO"), 14 * day, 2 * day));
    // Every Monday of every month is weekly.
    assert!(near(period("FREQ=MONTHLY;BYDAY=MO"), 7 * day, day / 4));
    // BYSETPOS keeps one of the five weekdays: monthly again.
    assert_eq!(period("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"), period("FREQ=MONTHLY"));
    // An ordinal weekday in one month is yearly; twice a day is every 12 hours.
    assert_eq!(period("FREQ=YEARLY;BYMONTH=6;BYDAY=-1FR"), period("FREQ=YEARLY"));
    assert_eq!(period("FREQ=DAILY;BYHOUR=9,21"), day / 2);
    // INTERVAL still counts: fortnightly on two days is every 7 days.
    assert_eq!(period("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH"), 7 * day);
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The wall-clock starts of `text` from `from` 19:00 through the end of `to`, in UTC (no DST).
fn starts(text: &str, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
    let at = NaiveTime::from_hms_opt(19, 0, 0).unwrap();
    let horizon = to.and_hms_opt(23, 59, 59).unwrap();
    let list = cadence(text).local_starts(Tz::UTC, from.and_time(at), horizon, 10_000).unwrap();
    assert!(list.iter().all(|t| t.time() == at), "{text}: {list:?}");
    assert!(list.windows(2).all(|w| w[0] < w[1]), "{text}: not strictly increasing");
    list.into_iter().map(|t| t.date()).collect()
}

#[test]
fn friendly_forms_expand_on_the_2027_calendar() {
    let year = |text| starts(text, date(2027, 1, 1), date(2027, 12, 31));
    assert_eq!(
        year("first mon of every quarter"),
        [date(2027, 1, 4), date(2027, 4, 5), date(2027, 7, 5), date(2027, 10, 4)]
    );
    assert_eq!(
        year("last fri of every quarter"),
        [date(2027, 3, 26), date(2027, 6, 25), date(2027, 9, 24), date(2027, 12, 31)]
    );
    assert_eq!(year("last fri of every year"), [date(2027, 12, 31)]);
    // September 2027 starts on a Wednesday, so its Saturdays are the 4th, 11th, ...
    assert_eq!(year("2nd sat of september"), [date(2027, 9, 11)]);
    assert_eq!(year("4th thu of november"), [date(2027, 11, 25)]);
    assert_eq!(
        year("last day of the quarter"),
        [date(2027, 3, 31), date(2027, 6, 30), date(2027, 9, 30), date(2027, 12, 31)]
    );
    assert_eq!(year("last day of every year"), [date(2027, 12, 31)]);
    assert_eq!(year("weekly on tue").len(), 52);
    assert_eq!(year("weekly on fri").len(), 53, "2027 starts and ends on a Friday");
    assert_eq!(year("every weekday").len(), 261);
    assert_eq!(year("daily").len(), 365);
    assert_eq!(
        year("quarterly"),
        [date(2027, 1, 1), date(2027, 4, 1), date(2027, 7, 1), date(2027, 10, 1)]
    );
    assert_eq!(
        starts("every 2 weeks on mon, thu", date(2027, 1, 4), date(2027, 1, 31)),
        [date(2027, 1, 4), date(2027, 1, 7), date(2027, 1, 18), date(2027, 1, 21)]
    );
    assert_eq!(
        starts("monthly on day 31", date(2027, 1, 1), date(2027, 6, 30)),
        [date(2027, 1, 31), date(2027, 3, 31), date(2027, 5, 31)],
        "months without a 31st are skipped (RFC 5545 §3.3.10)"
    );
    assert_eq!(
        starts("last day of every month", date(2028, 1, 1), date(2028, 4, 30)),
        [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]
    );
}

#[test]
fn expansion_is_bounded() {
    let at = date(2027, 1, 1).and_hms_opt(9, 0, 0).unwrap();
    let horizon = date(2027, 12, 31).and_hms_opt(23, 0, 0).unwrap();
    let hourly = cadence("FREQ=HOURLY");
    assert_eq!(hourly.local_starts(Tz::UTC, at, horizon, 100), Err(ExpandError::Budget));
    let daily = cadence("daily");
    assert_eq!(daily.local_starts(Tz::UTC, at, horizon, 365).map(|v| v.len()), Ok(365));
    assert_eq!(daily.local_starts(Tz::UTC, at, horizon, 364), Err(ExpandError::Budget));
    // A horizon before the start gives nothing.
    assert_eq!(daily.local_starts(Tz::UTC, horizon, at, 10), Ok(Vec::new()));
    // A rule that never matches ends (rrule's loop guard) with nothing.
    let never = cadence("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30");
    assert_eq!(never.local_starts(Tz::UTC, at, horizon, 10), Ok(Vec::new()));
}

#[test]
fn until_bounds_the_rule_in_its_zone() {
    // UNTIL as a date is inclusive of that whole local day; as a UTC time it is converted to the
    // zone first (RFC 5545: "the UNTIL rule part MUST be specified as a date with UTC time" when
    // DTSTART has a TZID; local forms are read in the rhythm's zone).
    let zone = chrono_tz::America::New_York;
    let at = date(2027, 1, 4).and_hms_opt(19, 0, 0).unwrap();
    let horizon = date(2027, 12, 31).and_hms_opt(23, 0, 0).unwrap();
    let last = |text: &str| {
        cadence(text).local_starts(zone, at, horizon, 1000).unwrap().last().copied().unwrap()
    };
    let jan = |d: u32| date(2027, 1, d).and_hms_opt(19, 0, 0).unwrap();
    assert_eq!(last("FREQ=DAILY;UNTIL=20270110"), jan(10));
    assert_eq!(last("FREQ=DAILY;UNTIL=20270110T190000"), jan(10));
    assert_eq!(last("FREQ=DAILY;UNTIL=20270110T185959"), jan(9));
    // 2027-01-11 00:00 UTC is 2027-01-10 19:00 EST.
    assert_eq!(last("FREQ=DAILY;UNTIL=20270111T000000Z"), jan(10));
    assert_eq!(last("FREQ=DAILY;UNTIL=20270110T235959Z"), jan(9));
    assert_eq!(last("FREQ=DAILY;COUNT=3"), jan(6));
}
