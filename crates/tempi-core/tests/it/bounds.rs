//! Expansion is bounded (STYLE §2): rules supplied by users cannot hang a plan or blow up its size.

use chrono_tz::Europe::Berlin;
use tempi_core::{Community, CommunityBuilder, Error, ExpandOptions, Group, Rhythm, Scale, Window};

use crate::{add_members, at, build, date, rhythm};

fn community(start: chrono::NaiveDate, rhythms: Vec<Rhythm>) -> Community {
    let mut builder: CommunityBuilder = Community::builder("c", "C", Berlin, start);
    add_members(&mut builder, Berlin, &["ana", "bo", "chen"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
    for r in rhythms {
        builder.rhythm(r);
    }
    build(&builder)
}

#[path = "../../../../tests/support/watchdog.rs"]
mod watchdog;

/// `community.plan_with(window, options)` under the hang guard ([`watchdog::guarded`]): each
/// test asserts what bounds the work (the cap's error, the count), and a runaway expansion
/// fails instead of stalling the run. How fast a plan is belongs in `benches/`.
#[track_caller]
fn plan_guarded(
    community: &Community,
    window: Window,
    options: ExpandOptions,
) -> Result<tempi_core::Plan, Error> {
    let community = community.clone();
    watchdog::guarded("plan", move || community.plan_with(window, options))
}

#[test]
fn an_hourly_rule_over_a_long_window_hits_the_per_rhythm_bound() {
    let community =
        community(date(2027, 1, 1), vec![rhythm("hourly", "pod", "FREQ=HOURLY", at(0, 0), "30m")]);
    let window = Window::days(Berlin, date(2027, 1, 1), date(2036, 12, 31)).unwrap();
    let options = ExpandOptions::new().max_per_rhythm(1_000);
    let err = plan_guarded(&community, window, options).unwrap_err();
    assert_eq!(
        err,
        Error::TooManyOccurrences { rhythm: "hourly".into(), limit: 1_000, per_plan: false }
    );
    let message = err.to_string();
    assert!(message.contains("`hourly`") && message.contains("1000"), "{message}");
    assert!(message.contains("max_per_rhythm"), "{message}");
    // With the default bound a day of it plans.
    let day = Window::days(Berlin, date(2027, 1, 1), date(2027, 1, 1)).unwrap();
    assert_eq!(community.plan(day).unwrap().occurrences().len(), 24);
}

#[test]
fn expansion_before_the_window_is_bounded_too() {
    // A minutely rule that started in 1990 has 1,440 occurrences on 1 January 2027, but counting
    // its rotation from its start would mean 19 million before it: past the history bound of
    // 4 × 50,000 + 100,000, so the plan fails with the per-rhythm cap's error.
    let community = community(
        date(1990, 1, 1),
        vec![rhythm("minutely", "pod", "FREQ=MINUTELY", at(0, 0), "1m")],
    );
    let window = Window::days(Berlin, date(2027, 1, 1), date(2027, 1, 1)).unwrap();
    let err = plan_guarded(&community, window, ExpandOptions::new()).unwrap_err();
    assert!(
        matches!(err, Error::TooManyOccurrences { per_plan: false, limit: 50_000, .. }),
        "{err}"
    );
}

#[test]
fn the_plan_bound_counts_every_rhythm() {
    let community = community(
        date(2027, 1, 1),
        vec![
            rhythm("morning", "pod", "daily", at(8, 0), "30m"),
            rhythm("evening", "pod", "daily", at(20, 0), "30m"),
        ],
    );
    let window = Window::year(Berlin, 2027).unwrap();
    let err = community.plan_with(window, ExpandOptions::new().max_per_plan(500)).unwrap_err();
    assert!(matches!(err, Error::TooManyOccurrences { per_plan: true, limit: 500, .. }), "{err}");
    assert!(err.to_string().contains("max_per_plan"));
    assert_eq!(community.plan(window).unwrap().occurrences().len(), 2 * 365);
}

#[test]
fn a_rule_that_never_matches_gives_nothing() {
    // There is no 30 February.
    let never = || rhythm("never", "pod", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", at(9, 0), "1h");
    let community = community(date(2027, 1, 1), vec![never()]);
    let plan = plan_guarded(&community, Window::year(Berlin, 2027).unwrap(), ExpandOptions::new())
        .unwrap();
    assert!(plan.occurrences().is_empty());
    // Also over the whole plannable range, from a rhythm start at its beginning.
    let community = self::community(date(1900, 1, 1), vec![never()]);
    let everything = Window::days(chrono_tz::UTC, date(1900, 1, 1), date(2099, 12, 31)).unwrap();
    let plan = plan_guarded(&community, everything, ExpandOptions::new()).unwrap();
    assert!(plan.occurrences().is_empty());
    // A daily rule limited to the impossible day, too (the audit's probe, §1.5).
    let community = self::community(
        date(2027, 1, 1),
        vec![rhythm("never-daily", "pod", "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", at(9, 0), "1h")],
    );
    let plan = plan_guarded(&community, Window::year(Berlin, 2027).unwrap(), ExpandOptions::new())
        .unwrap();
    assert!(plan.occurrences().is_empty());
}

#[test]
fn a_rule_that_rarely_matches_is_not_cut_short() {
    // 29 February on a Monday: 2016, 2044 and 2072 in this range (every 28 years).
    let community = community(
        date(2000, 1, 1),
        vec![rhythm("rare", "pod", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", at(9, 0), "1h")],
    );
    let window = Window::days(Berlin, date(2000, 1, 1), date(2099, 12, 31)).unwrap();
    let plan = plan_guarded(&community, window, ExpandOptions::new()).unwrap();
    assert_eq!(
        crate::dates(&plan, "rare"),
        [date(2016, 2, 29), date(2044, 2, 29), date(2072, 2, 29)]
    );
}

#[test]
fn windows_outside_the_plannable_range_are_refused() {
    assert!(matches!(Window::year(Berlin, 2100), Err(Error::WindowOutOfRange { .. })));
    assert!(matches!(Window::year(Berlin, 1899), Err(Error::WindowOutOfRange { .. })));
    assert!(matches!(
        Window::days(Berlin, date(2027, 2, 1), date(2027, 1, 1)),
        Err(Error::EmptyWindow { .. })
    ));
}

#[test]
fn a_length_longer_than_the_cadence_is_a_build_error() {
    let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 1));
    add_members(&mut builder, Berlin, &["ana", "bo", "chen"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
    builder.rhythm(rhythm("long", "pod", "daily", at(9, 0), "25h"));
    builder.rhythm(rhythm("count", "pod", "FREQ=YEARLY;COUNT=100001", at(9, 0), "1h"));
    let problems = builder.build().unwrap_err();
    assert_eq!(problems.problems().len(), 2, "{problems}");
    assert!(problems.problems()[0].message.contains("overlap"), "{problems}");
    assert_eq!(problems.problems()[0].place.field, "length");
    assert!(problems.problems()[1].message.contains("COUNT=100001"), "{problems}");
}

#[test]
fn the_caps_count_what_the_window_holds() {
    // A weekly rhythm that started in 1950 has about 2,960 occurrences before 2007, and 52 in 2007:
    // a per-rhythm cap of 60 and a plan cap of 60 count the 52 (issue 13: a community that has
    // met weekly for decades can plan its current year without raising a cap).
    let community =
        community(date(1950, 1, 2), vec![rhythm("weekly", "pod", "weekly on mon", at(9, 0), "1h")]);
    let window = Window::year(Berlin, 2007).unwrap();
    let options = ExpandOptions::new().max_per_rhythm(60).max_per_plan(60);
    let plan = plan_guarded(&community, window, options).unwrap();
    // 2007 began on a Monday: 53 Mondays.
    assert_eq!(plan.occurrences().len(), 53);
    let tight = ExpandOptions::new().max_per_rhythm(52);
    assert!(matches!(
        community.plan_with(window, tight),
        Err(Error::TooManyOccurrences { limit: 52, per_plan: false, .. })
    ));
}

#[test]
fn the_per_rhythm_bound_counts_the_window() {
    // An hourly rhythm from 1 January has 240 occurrences to the end of 10 January, within a
    // bound of 1,000.
    let community =
        community(date(2027, 1, 1), vec![rhythm("hourly", "pod", "FREQ=HOURLY", at(0, 0), "30m")]);
    let window = Window::days(Berlin, date(2027, 1, 1), date(2027, 1, 10)).unwrap();
    let plan = community.plan_with(window, ExpandOptions::new().max_per_rhythm(1_000));
    assert_eq!(plan.map(|p| p.occurrences().len()), Ok(240));
}

#[test]
fn sessions_shorter_than_the_gap_build() {
    // RFC 5545's "every 20 minutes from 9:00 AM to 4:40 PM", in both its forms: instances are
    // 20 minutes apart at the closest (BYHOUR only limits a MINUTELY rule, and BYMINUTE=0,20,40
    // is 20 minutes apart), so 10-minute sessions cannot overlap and the community is valid.
    for rule in [
        "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
    ] {
        let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 1));
        add_members(&mut builder, Berlin, &["ana", "bo", "chen"]);
        builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
        builder.rhythm(rhythm("slots", "pod", rule, at(9, 0), "10m"));
        assert!(builder.build().is_ok(), "{rule}: {}", builder.build().unwrap_err());
    }
    // Hourly sessions at 1, 2 and 3 o'clock can each last up to an hour.
    let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 1));
    add_members(&mut builder, Berlin, &["ana", "bo", "chen"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
    builder.rhythm(rhythm("night", "pod", "FREQ=DAILY;BYHOUR=1,2,3", at(1, 0), "30m"));
    assert!(builder.build().is_ok());
}
