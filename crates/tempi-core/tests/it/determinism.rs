//! Planning is a pure function of the community and the window: planning twice gives the same
//! plan, and a plan for part of a year is exactly that part of the year's plan (cycles and
//! rotation count from each rhythm's start, not from the window).

use chrono::{Duration, NaiveDate, Utc, Weekday};
use chrono_tz::America::New_York;
use chrono_tz::Australia::Sydney;
use chrono_tz::Europe::Berlin;
use tempi_core::{
    Category, ClashPolicy, ClashScope, Commitment, Community, Edge, ExpandOptions, Group,
    Occurrence, Offset, Renewal, Rhythm, Role, Scale, Window,
};

use crate::{add_members, at, build, date, length, rhythm};

/// A community using every kind of composition, across zones.
pub(crate) fn rich_community() -> Community {
    let mut builder = Community::builder("rich", "Rich", Berlin, date(2026, 11, 2));
    let everyone = ["a1", "a2", "a3", "a4", "a5", "b1", "b2", "b3", "b4"];
    add_members(&mut builder, Berlin, &everyone);
    builder.group(Group::new("all", "All", Scale::Range { min: 9, max: 9 }).members(everyone));
    builder.group(
        Group::new("pod-a", "Pod A", Scale::Pod)
            .members(["a1", "a2", "a3", "a4", "a5"])
            .part_of("all"),
    );
    builder.group(
        Group::new("pod-b", "Pod B", Scale::Pod)
            .members(["b1", "b2", "b3", "b4", "a1"])
            .part_of("all"),
    );
    builder.rhythm(rhythm("retreat", "all", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=11", at(9, 0), "3d"));
    builder.rhythm(rhythm("sessions", "pod-a", "daily", at(10, 0), "1h").within("retreat"));
    builder
        .rhythm(rhythm("gathering", "all", "last fri of every month", at(18, 0), "3h").priority(1));
    builder.rhythm(
        rhythm("a-weekly", "pod-a", "weekly on fri", at(19, 0), "90m")
            .except("retreat", ClashScope::Week)
            .on_clash(ClashPolicy::Shift)
            .roles(vec![Role::rotating("facilitator"), Role::rotating("timekeeper")])
            .commitment(Commitment::new(5).retrospective(length("2h"))),
    );
    builder.rhythm(
        rhythm("b-fortnightly", "pod-b", "every 2 weeks on mon, thu", at(2, 30), "1h")
            .zone(New_York)
            .commitment(Commitment::new(4).renewal(Renewal::Times(3)))
            .roles(vec![Role::fixed("host", "b1"), Role::rotating("facilitator")]),
    );
    builder.rhythm(
        rhythm("moon", "all", "full moon", at(21, 0), "2h").zone(Sydney).starting(date(2027, 2, 1)),
    );
    builder.rhythm(
        Rhythm::builder("prep", "pod-a")
            .category(Category::Planning)
            .timing(Offset::new("gathering", Edge::Start, -3).on_weekday(Weekday::Mon))
            .at_time(at(17, 0))
            .lasting(length("1h"))
            .build()
            .unwrap(),
    );
    builder.rhythm(
        rhythm("after", "pod-b", "weekly on wed", at(20, 0), "1h").nth_after("gathering", 1),
    );
    builder.rhythm(rhythm("clash", "pod-b", "weekly on fri", at(19, 30), "1h"));
    build(&builder)
}

fn slice(year: &[Occurrence], window: Window) -> Vec<Occurrence> {
    year.iter().filter(|o| window.contains(o.start.with_timezone(&Utc))).cloned().collect()
}

#[test]
fn planning_twice_gives_the_same_plan() {
    let community = rich_community();
    let window = Window::year(Berlin, 2027).unwrap();
    let first = community.plan(window).unwrap();
    let second = community.plan(window).unwrap();
    assert_eq!(first.occurrences(), second.occurrences());
    assert_eq!(first.conflicts(), second.conflicts());
    assert_eq!(first.warnings(), second.warnings());
    let with_defaults = community.plan_with(window, ExpandOptions::new()).unwrap();
    assert_eq!(first.occurrences(), with_defaults.occurrences());
    // And a clone of the community plans the same.
    assert_eq!(community.clone().plan(window).unwrap().occurrences(), first.occurrences());
    // The community exercises what it is meant to.
    let statuses: Vec<&str> = first.occurrences().iter().map(|o| o.status.as_str()).collect();
    assert!(statuses.contains(&"shifted"), "{statuses:?}");
    assert!(statuses.contains(&"cancelled"), "{statuses:?}");
    assert!(!first.conflicts().is_empty());
    for id in [
        "retreat",
        "sessions",
        "gathering",
        "a-weekly",
        "b-fortnightly",
        "moon",
        "prep",
        "after",
        "clash",
    ] {
        assert!(first.of_rhythm(id).next().is_some(), "{id} has occurrences in 2027");
    }
}

#[test]
fn a_sub_window_is_the_matching_slice_of_the_year() {
    let community = rich_community();
    let year = community.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    let mut windows = Vec::new();
    for month in 1..=12 {
        let from = date(2027, month, 1);
        let to = if month == 12 {
            date(2027, 12, 31)
        } else {
            date(2027, month + 1, 1) - Duration::days(1)
        };
        windows.push(Window::days(Berlin, from, to).unwrap());
    }
    // Odd windows too: a week across the retreat, a day, windows in other zones, and one
    // starting and ending mid-day.
    windows.push(Window::days(Berlin, date(2027, 6, 7), date(2027, 6, 20)).unwrap());
    windows.push(Window::days(Berlin, date(2027, 3, 26), date(2027, 3, 26)).unwrap());
    windows.push(Window::days(New_York, date(2027, 3, 1), date(2027, 4, 15)).unwrap());
    windows.push(Window::days(Sydney, date(2027, 9, 20), date(2027, 11, 10)).unwrap());
    let start = Window::year(Berlin, 2027).unwrap().start();
    windows.push(
        Window::new(
            start + Duration::hours(2000) + Duration::minutes(7),
            start + Duration::hours(5000),
        )
        .unwrap(),
    );
    for window in windows {
        let part = community.plan(window).unwrap();
        let expected = slice(year.occurrences(), window);
        assert_eq!(part.occurrences(), expected.as_slice(), "window {:?}", window);
    }
}

#[test]
fn a_plan_does_not_depend_on_the_order_rhythms_are_given_in() {
    // Rhythms that share no members and are not composed with each other are independent.
    let make = |reverse: bool| {
        let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 4));
        add_members(&mut builder, Berlin, &["a1", "a2", "a3", "b1", "b2", "b3"]);
        builder.group(Group::new("a", "A", Scale::Pod).members(["a1", "a2", "a3"]));
        builder.group(Group::new("b", "B", Scale::Pod).members(["b1", "b2", "b3"]));
        let mut rhythms = vec![
            rhythm("ra", "a", "weekly on tue", at(19, 0), "1h"),
            rhythm("rb", "b", "last fri of every month", at(19, 0), "1h"),
        ];
        if reverse {
            rhythms.reverse();
        }
        for r in rhythms {
            builder.rhythm(r);
        }
        build(&builder).plan(Window::year(Berlin, 2027).unwrap()).unwrap()
    };
    assert_eq!(make(false).occurrences(), make(true).occurrences());
}

#[test]
fn occurrences_are_sorted_and_in_the_window() {
    let community = rich_community();
    let window = Window::days(Berlin, date(2027, 5, 1), date(2027, 7, 31)).unwrap();
    let plan = community.plan(window).unwrap();
    let list = plan.occurrences();
    assert!(list.windows(2).all(|w| (w[0].start, &w[0].rhythm) <= (w[1].start, &w[1].rhythm)));
    assert!(list.iter().all(|o| window.contains(o.start.with_timezone(&Utc))));
    assert_eq!(plan.window(), window);
    assert_eq!(plan.community(), "rich");
    let first: NaiveDate = list[0].start.date_naive();
    assert!(first >= date(2027, 4, 30));
}
