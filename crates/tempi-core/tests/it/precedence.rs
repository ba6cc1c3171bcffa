//! Precedence between rhythms whose groups share members: a higher priority wins, then the slower
//! tempo; between equals, both stay and a conflict is reported.
//!
//! Tuesday 16 March 2027: the congregation's annual gathering, 18:00–21:00, overlaps the pod's
//! weekly 19:00 meeting.

use chrono_tz::Europe::Berlin;
use tempi_core::{Community, CommunityBuilder, Group, Plan, Rhythm, Scale, Status, Window};

use crate::{add_members, at, build, date, of, rhythm, two_pods};

fn base() -> CommunityBuilder {
    two_pods(Berlin, &["q1", "q2", "q3", "q4"], <[String]>::to_vec)
}

fn annual() -> Rhythm {
    rhythm("annual", "congregation", "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=16", at(18, 0), "3h")
}

fn weekly() -> Rhythm {
    rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m")
}

fn plan(builder: &CommunityBuilder) -> Plan {
    build(builder).plan(Window::year(Berlin, 2027).unwrap()).unwrap()
}

fn cancelled(plan: &Plan, id: &str) -> Vec<(chrono::NaiveDate, String)> {
    of(plan, id)
        .into_iter()
        .filter_map(|o| match &o.status {
            Status::Cancelled { reason } => Some((o.start.date_naive(), reason.to_string())),
            _ => None,
        })
        .collect()
}

#[test]
fn the_slower_tempo_wins() {
    let mut builder = base();
    builder.rhythm(weekly());
    builder.rhythm(annual());
    let plan = plan(&builder);
    let lost = cancelled(&plan, "weekly");
    assert_eq!(lost.len(), 1);
    assert_eq!(lost[0].0, date(2027, 3, 16));
    assert!(lost[0].1.contains("`annual`"), "{}", lost[0].1);
    assert!(lost[0].1.contains("tempo"), "{}", lost[0].1);
    assert!(cancelled(&plan, "annual").is_empty());
    assert_eq!(of(&plan, "annual").len(), 1);
    assert!(plan.conflicts().is_empty());
    // The cancelled meeting has no roles; the annual gathering still happens with its own.
    let annual = of(&plan, "annual")[0];
    assert!(annual.is_active() && annual.facilitator().is_some());
}

#[test]
fn priority_overrides_tempo() {
    let mut builder = base();
    builder.rhythm(weekly().priority(1));
    builder.rhythm(annual());
    let plan = plan(&builder);
    assert!(cancelled(&plan, "weekly").is_empty());
    let lost = cancelled(&plan, "annual");
    assert_eq!(lost.len(), 1);
    assert!(lost[0].1.contains("`weekly`"), "{}", lost[0].1);
    assert!(lost[0].1.contains("priority"), "{}", lost[0].1);
    assert!(plan.conflicts().is_empty());
}

#[test]
fn the_loser_can_shift_instead() {
    let mut builder = base();
    builder.rhythm(weekly().on_clash(tempi_core::ClashPolicy::Shift));
    builder.rhythm(annual());
    let plan = plan(&builder);
    let moved: Vec<_> = of(&plan, "weekly")
        .into_iter()
        .filter(|o| matches!(o.status, Status::Shifted { .. }))
        .collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].start.naive_local(), date(2027, 3, 17).and_time(at(19, 0)));
}

#[test]
fn equal_rank_is_a_conflict_and_both_stay() {
    let mut builder = base();
    // Two weekly rhythms on Tuesday evenings of groups that share p1..p4.
    builder.rhythm(weekly());
    builder.rhythm(rhythm("weekly-all", "congregation", "weekly on tue", at(19, 30), "1h"));
    let plan = plan(&builder);
    assert!(plan.occurrences().iter().all(|o| o.status == Status::Scheduled));
    assert_eq!(plan.conflicts().len(), 1);
    let conflict = &plan.conflicts()[0];
    let mut ids: Vec<&str> = conflict.rhythms.iter().map(|r| &**r).collect();
    ids.sort_unstable();
    assert_eq!(ids, ["weekly", "weekly-all"]);
    assert_eq!(conflict.count, 52);
    assert_eq!(conflict.first.date_naive(), date(2027, 1, 5));
    let mut members: Vec<&str> = conflict.members.iter().map(|m| &**m).collect();
    members.sort_unstable();
    assert_eq!(members, ["p1", "p2", "p3", "p4"]);
    assert!(conflict.message.contains("weekly") && conflict.message.contains("weekly-all"));
}

#[test]
fn groups_without_shared_members_never_clash() {
    let mut builder = base();
    builder.rhythm(weekly());
    builder.rhythm(rhythm("weekly-q", "pod-q", "weekly on tue", at(19, 0), "90m"));
    let plan = plan(&builder);
    assert!(plan.occurrences().iter().all(|o| o.status == Status::Scheduled));
    assert!(plan.conflicts().is_empty());
}

#[test]
fn subgroups_attend_unless_attendance_is_direct() {
    // A congregation that lists only its lead; the pod is part of it.
    let make = |attendance| {
        let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 4));
        add_members(&mut builder, Berlin, &["lead", "p1", "p2", "p3"]);
        builder.group(
            Group::new("congregation", "Congregation", Scale::Range { min: 1, max: 4 })
                .members(["lead"]),
        );
        builder.group(
            Group::new("pod", "Pod", Scale::Pod)
                .members(["p1", "p2", "p3"])
                .part_of("congregation"),
        );
        builder.rhythm(weekly());
        builder.rhythm(annual().attendance(attendance));
        build(&builder)
    };
    let with_subgroups = make(tempi_core::Attendance::WithSubgroups);
    assert_eq!(with_subgroups.attendees_of("annual"), ["lead", "p1", "p2", "p3"]);
    let plan = with_subgroups.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    assert_eq!(cancelled(&plan, "weekly").len(), 1);

    let direct = make(tempi_core::Attendance::Direct);
    assert_eq!(direct.attendees_of("annual"), ["lead"]);
    let plan = direct.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    assert!(cancelled(&plan, "weekly").is_empty());
    assert!(plan.conflicts().is_empty());
}
