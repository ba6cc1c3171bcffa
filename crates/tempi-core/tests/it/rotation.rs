//! Rotation of hosting duties: turns go round the attendees in order, only occurrences that go
//! ahead take a turn, and fixed holders always hold their duty.

use std::collections::BTreeSet;

use chrono_tz::Europe::Berlin;
use tempi_core::{ClashScope, Community, CommunityBuilder, Group, Occurrence, Role, Scale, Window};

use crate::{add_members, at, build, date, of, rhythm};

const FIVE: [&str; 5] = ["m1", "m2", "m3", "m4", "m5"];

fn base() -> CommunityBuilder {
    let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 4));
    add_members(&mut builder, Berlin, &FIVE);
    add_members(&mut builder, Berlin, &["x1", "x2", "x3"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(FIVE));
    builder.group(Group::new("other", "Other", Scale::Pod).members(["x1", "x2", "x3"]));
    builder
}

fn holders<'a>(list: &[&'a Occurrence], role: &str) -> Vec<&'a str> {
    list.iter().map(|o| o.holder(role).unwrap()).collect()
}

/// Every run of `n` consecutive entries holds each of `members` exactly once.
#[track_caller]
fn assert_balanced(sequence: &[&str], members: &[&str]) {
    let n = members.len();
    assert!(sequence.len() >= n, "too short to check: {sequence:?}");
    let expected: BTreeSet<&str> = members.iter().copied().collect();
    for (i, run) in sequence.windows(n).enumerate() {
        let got: BTreeSet<&str> = run.iter().copied().collect();
        assert_eq!(got, expected, "run starting at {i}: {run:?}");
    }
}

#[test]
fn two_rotating_roles_over_five_members() {
    let mut builder = base();
    builder.rhythm(
        rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m")
            .roles(vec![Role::rotating("facilitator"), Role::rotating("timekeeper")]),
    );
    let community = build(&builder);
    let plan = community.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    let list = of(&plan, "weekly");
    assert_eq!(list.len(), 52);
    let facilitators = holders(&list, "facilitator");
    let timekeepers = holders(&list, "timekeeper");
    assert_balanced(&facilitators, &FIVE);
    assert_balanced(&timekeepers, &FIVE);
    for occurrence in &list {
        assert_eq!(occurrence.roles.len(), 2);
        assert_ne!(
            occurrence.holder("facilitator"),
            occurrence.holder("timekeeper"),
            "{}",
            occurrence.start
        );
    }
    // Turns go round the attendees in order, starting with the first.
    let attendees = community.attendees_of("weekly");
    assert_eq!(attendees, FIVE);
    let cycled: Vec<&str> = attendees.iter().cycle().take(52).copied().collect();
    assert_eq!(facilitators, cycled);
}

#[test]
fn a_cancelled_occurrence_takes_no_turn() {
    let mut builder = base();
    // The other group's gathering on Tuesday 16 March 2027 (the 11th Tuesday of the year).
    builder.rhythm(rhythm(
        "gathering",
        "other",
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=16",
        at(10, 0),
        "1h",
    ));
    builder.rhythm(
        rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m")
            .except("gathering", ClashScope::Day),
    );
    let plan = build(&builder).plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    let list = of(&plan, "weekly");
    assert_eq!(list.len(), 52);
    let cancelled: Vec<&&Occurrence> = list.iter().filter(|o| !o.is_active()).collect();
    assert_eq!(cancelled.len(), 1);
    assert_eq!(cancelled[0].start.date_naive(), date(2027, 3, 16));
    assert!(cancelled[0].roles.is_empty());
    assert_eq!(cancelled[0].facilitator(), None);
    // The active ones keep going round without a gap.
    let active: Vec<&Occurrence> = list.iter().copied().filter(|o| o.is_active()).collect();
    let facilitators = holders(&active, "facilitator");
    assert_balanced(&facilitators, &FIVE);
    let before = list[9].facilitator().unwrap();
    let after = list[11].facilitator().unwrap();
    let position = |m: &str| FIVE.iter().position(|x| *x == m).unwrap();
    assert_eq!(position(after), (position(before) + 1) % 5);
}

#[test]
fn a_fixed_holder_always_holds_their_role() {
    let mut builder = base();
    builder.rhythm(
        rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m")
            .roles(vec![Role::fixed("host", "m1"), Role::rotating("facilitator")]),
    );
    let plan = build(&builder).plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    let list = of(&plan, "weekly");
    assert!(list.iter().all(|o| o.holder("host") == Some("m1")));
    // No one holds two duties at once, so the facilitator comes from the other four, in turn.
    let facilitators = holders(&list, "facilitator");
    assert!(facilitators.iter().all(|m| *m != "m1"));
    assert_balanced(&facilitators, &["m2", "m3", "m4", "m5"]);
}

#[test]
fn rotation_counts_from_the_rhythm_start_not_the_window() {
    let mut builder = base();
    builder.rhythm(rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m"));
    let community = build(&builder);
    let year = community.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    let june =
        community.plan(Window::days(Berlin, date(2027, 6, 1), date(2027, 6, 30)).unwrap()).unwrap();
    let from_year: Vec<&str> = of(&year, "weekly")
        .into_iter()
        .filter(|o| {
            o.start.date_naive() >= date(2027, 6, 1) && o.start.date_naive() <= date(2027, 6, 30)
        })
        .map(|o| o.facilitator().unwrap())
        .collect();
    let from_june: Vec<&str> =
        of(&june, "weekly").iter().map(|o| o.facilitator().unwrap()).collect();
    assert_eq!(from_june, from_year);
    // 1 June 2027 is the 22nd Tuesday (index 21), so m2 (21 mod 5 = 1) facilitates.
    assert_eq!(from_june[0], "m2");
}

#[test]
fn a_rotating_role_needs_members() {
    let mut builder = base();
    builder.group(Group::new("empty", "Empty", Scale::Pod));
    builder.rhythm(rhythm("weekly", "empty", "weekly on tue", at(19, 0), "90m"));
    let problems = builder.build().unwrap_err();
    assert!(problems.to_string().contains("has no members"), "{problems}");
    // With a fixed holder instead it builds.
    let mut builder = base();
    builder.group(Group::new("empty", "Empty", Scale::Pod));
    builder.rhythm(
        rhythm("weekly", "empty", "weekly on tue", at(19, 0), "90m")
            .roles(vec![Role::fixed("host", "m1")]),
    );
    assert!(builder.build().is_ok());
}

#[test]
fn turns_follow_the_order_meetings_happen_in() {
    // A weekday check-in yields to the other group's gathering on Tuesday 16 March 2027 and
    // shifts: Monday to Friday are its own, so Tuesday's meeting moves to Saturday 20 March,
    // after Wednesday's, Thursday's and Friday's. Over any five consecutive meetings, in the
    // order they happen, each of the five members still facilitates once.
    let mut builder = base();
    builder.rhythm(rhythm(
        "gathering",
        "other",
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=16",
        at(18, 0),
        "3h",
    ));
    builder.rhythm(
        rhythm("checkin", "pod", "every weekday", at(19, 0), "1h")
            .except("gathering", ClashScope::Span)
            .on_clash(tempi_core::ClashPolicy::Shift),
    );
    let plan = build(&builder)
        .plan(Window::days(Berlin, date(2027, 3, 1), date(2027, 3, 31)).unwrap())
        .unwrap();
    let list = of(&plan, "checkin");
    let moved: Vec<&&Occurrence> =
        list.iter().filter(|o| matches!(o.status, tempi_core::Status::Shifted { .. })).collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].start.date_naive(), date(2027, 3, 20));
    assert!(list.iter().all(|o| o.is_active()));
    assert_balanced(&holders(&list, "facilitator"), &FIVE);
}
