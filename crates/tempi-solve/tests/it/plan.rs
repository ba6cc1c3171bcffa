//! Whole-plan placement and pod formation.

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Europe::Berlin;
use tempi_core::{
    Cadence, Community, CommunityBuilder, Group, Member, Rhythm, Scale, WeeklyWindow, Window,
};
use tempi_solve::{Availability, PlaceOptions, PodBound, PodQuery, place};

fn windows(text: &str) -> Vec<WeeklyWindow> {
    WeeklyWindow::parse_many(text).unwrap()
}

/// Two pods sharing a member, both auto and weekly on Tuesdays: placed at different times, so
/// the shared member is never double-booked, and the plan then has both.
#[test]
fn auto_rhythms_do_not_double_book_a_shared_member() {
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let mut b = Community::builder("c", "C", Berlin, start);
    let m = |id: &str| Member::new(id, id, Berlin);
    b.member(m("ana").windows(windows("tue 18:00-21:00")));
    b.member(m("bo").windows(windows("tue 18:00-21:00")));
    b.member(m("cy").windows(windows("tue 18:00-21:00")));
    b.group(Group::new("p1", "P1", Scale::Dyad).members(["ana", "bo"]));
    b.group(Group::new("p2", "P2", Scale::Dyad).members(["ana", "cy"]));
    let weekly: Cadence = "weekly on tue".parse().unwrap();
    for (id, group) in [("r1", "p1"), ("r2", "p2")] {
        b.rhythm(
            Rhythm::builder(id, group).timing(weekly.clone()).length("90m").auto().build().unwrap(),
        );
    }
    let (community, _) = b.build().unwrap();
    let window =
        Window::days(Berlin, start, NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()).unwrap();
    let report = place(&community, window, &PlaceOptions::new()).unwrap();
    let times: Vec<Option<NaiveTime>> = report.placements.iter().map(|p| p.at).collect();
    assert_eq!(
        times,
        vec![
            Some(NaiveTime::from_hms_opt(18, 0, 0).unwrap()),
            Some(NaiveTime::from_hms_opt(19, 30, 0).unwrap())
        ]
    );
    let plan = report.community.plan(window).unwrap();
    assert!(plan.warnings().is_empty(), "{:?}", plan.warnings());
    assert_eq!(plan.occurrences().len(), 2 * 13);
}

/// A dyad whose members are free on Tuesdays only, and never at the same time (08:00-09:00 and
/// 18:00-19:00 in Berlin), from 4 January 2027.
fn apart_on_tuesdays() -> CommunityBuilder {
    let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    let mut b = Community::builder("c", "C", Berlin, start);
    b.member(Member::new("ana", "Ana", Berlin).available("tue 08:00-09:00").unwrap());
    b.member(Member::new("bo", "Bo", Berlin).available("tue 18:00-19:00").unwrap());
    b.group(Group::new("p", "P", Scale::Dyad).members(["ana", "bo"]));
    b
}

/// A rhythm that cannot fit stays unplaced, with a reason, and the plan warns and skips it.
#[test]
fn unplaceable_rhythm_is_reported() {
    let mut b = apart_on_tuesdays();
    b.rhythm(
        Rhythm::builder("r", "p").cadence("weekly on tue").length("60m").auto().build().unwrap(),
    );
    let (community, _) = b.build().unwrap();
    let window = Window::year(Berlin, 2027).unwrap();
    let report = place(&community, window, &PlaceOptions::new()).unwrap();
    assert!(
        report.placements[0].unplaced.as_deref().unwrap().contains("no weekday and time works")
    );
    let plan = report.community.plan(window).unwrap();
    assert!(plan.warnings()[0].contains("was not placed"));
}

/// Issue 11: with a presence set, the reason names it and does not advise setting one.
#[test]
fn an_unplaceable_rhythm_with_a_presence_names_it() {
    let mut b = apart_on_tuesdays();
    b.rhythm(
        Rhythm::builder("r", "p")
            .cadence("weekly on tue")
            .length("60m")
            .auto()
            .build()
            .unwrap()
            .presence(tempi_core::Presence::Percent(100)),
    );
    let (community, _) = b.build().unwrap();
    let window = Window::year(Berlin, 2027).unwrap();
    let report = place(&community, window, &PlaceOptions::new()).unwrap();
    let reason = report.placements[0].unplaced.clone().unwrap();
    assert!(reason.contains("a presence of 100% of its 2 attendees"), "{reason}");
    assert!(
        reason.contains("lower the `presence`") && !reason.contains("set a `presence`"),
        "{reason}"
    );
}

/// Two morning people and two evening people in pods of two: the exhaustive optimum.
#[test]
fn pods_group_compatible_people_and_report_the_bound() {
    let from = NaiveDate::from_ymd_opt(2027, 5, 3).unwrap();
    let mut q = PodQuery::new("60m".parse().unwrap(), "weekly".parse().unwrap(), Berlin, from, 4);
    q.sizes(2, 3);
    for (id, w) in [
        ("a", "mon-fri 08:00-10:00"),
        ("b", "mon-fri 19:00-21:00"),
        ("c", "mon-fri 08:00-10:00"),
        ("d", "mon-fri 19:00-21:00"),
        ("e", "mon-fri 19:00-21:00"),
    ] {
        q.member(Availability::new(id, Berlin).windows(windows(w)));
    }
    let plan = q.solve().unwrap();
    let mut pods: Vec<Vec<String>> = plan.pods.iter().map(|p| p.members.clone()).collect();
    pods.sort();
    assert_eq!(pods, vec![vec!["a", "c"], vec!["b", "d", "e"]]);
    assert_eq!(plan.bound, PodBound::Optimal { optimum: plan.objective });
    assert!(plan.pods.iter().all(|p| p.pattern.is_some()));
}
