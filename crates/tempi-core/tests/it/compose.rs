//! Composition of rhythms: `within`, `except` (each scope, skip and shift), offsets, nth-after,
//! and composition cycles.
//!
//! Dates are worked out on the 2027 calendar: 1 March 2027 is a Monday, so Tuesdays in March are
//! the 2nd, 9th, 16th, 23rd and 30th, and the ISO week of Tuesday 16 March runs Monday 15 to
//! Sunday 21 March. 11 June 2027 is a Friday. Quarters start on Mondays 4 January, 5 April, 5 July
//! and 4 October 2027, and 3 January 2028.

use chrono::{Duration, NaiveDate, NaiveDateTime, Weekday};
use chrono_tz::Europe::Berlin;
use tempi_core::{
    ClashPolicy, ClashScope, Community, CommunityBuilder, Edge, Group, Item, Offset, Rhythm, Scale,
    Status, Window,
};

use crate::{add_members, at, build, date, dates, length, of, rhythm, wall, walls};

/// A Berlin community with a pod (p1..p5), a separate circle (c1..c3) that shares no one with
/// the pod, and everyone in "all".
fn base(start: NaiveDate) -> CommunityBuilder {
    let mut builder = Community::builder("c", "C", Berlin, start);
    add_members(&mut builder, Berlin, &["p1", "p2", "p3", "p4", "p5", "c1", "c2", "c3"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["p1", "p2", "p3", "p4", "p5"]));
    builder.group(
        Group::new("circle", "Circle", Scale::Range { min: 3, max: 3 }).members(["c1", "c2", "c3"]),
    );
    builder.group(
        Group::new("all", "All", Scale::Circle)
            .members(["p1", "p2", "p3", "p4", "p5", "c1", "c2", "c3"]),
    );
    builder
}

fn year_plan(builder: &CommunityBuilder) -> tempi_core::Plan {
    build(builder).plan(Window::year(Berlin, 2027).unwrap()).unwrap()
}

fn retreat() -> Rhythm {
    // Friday 11 June 2027 09:00 for three days, to Monday 14 June 09:00.
    rhythm("retreat", "pod", "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=11", at(9, 0), "3d")
}

#[test]
fn within_keeps_only_sessions_inside_the_retreat() {
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(retreat());
    builder.rhythm(rhythm("sessions", "pod", "daily", at(10, 0), "1h").within("retreat"));
    builder.rhythm(rhythm("early", "pod", "daily", at(8, 0), "1h").within("retreat"));
    let plan = year_plan(&builder);
    assert_eq!(
        walls(&plan, "sessions"),
        [wall(2027, 6, 11, 10, 0), wall(2027, 6, 12, 10, 0), wall(2027, 6, 13, 10, 0)]
    );
    // An 08:00 session starts before the retreat on Friday; Monday's ends exactly as it ends.
    assert_eq!(
        walls(&plan, "early"),
        [wall(2027, 6, 12, 8, 0), wall(2027, 6, 13, 8, 0), wall(2027, 6, 14, 8, 0)]
    );
    // Sessions inside the retreat do not clash with it.
    assert!(plan.occurrences().iter().all(|o| o.status == Status::Scheduled));
    assert!(plan.conflicts().is_empty());
}

fn pod_weekly() -> Rhythm {
    rhythm("pod-weekly", "pod", "weekly on tue", at(19, 0), "90m")
}

/// The circle's yearly gathering, on `day` at `time` for `len`; it shares no one with the pod.
fn gathering(day: NaiveDate, time: (u32, u32), len: &str) -> Rhythm {
    let rule = format!(
        "FREQ=YEARLY;BYMONTH={};BYMONTHDAY={}",
        chrono::Datelike::month(&day),
        chrono::Datelike::day(&day)
    );
    rhythm("gathering", "circle", &rule, at(time.0, time.1), len)
}

/// Plans the pod's weekly meeting yielding to a gathering, and returns (status by date) for March.
fn march(
    gathering: Rhythm,
    scope: ClashScope,
    policy: ClashPolicy,
) -> Vec<(NaiveDateTime, Status)> {
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(gathering);
    builder.rhythm(pod_weekly().except("gathering", scope).on_clash(policy));
    let plan = year_plan(&builder);
    assert_eq!(of(&plan, "pod-weekly").len(), 52, "every Tuesday appears, whatever its status");
    of(&plan, "pod-weekly")
        .into_iter()
        .filter(|o| {
            o.start.naive_local() >= wall(2027, 3, 1, 0, 0)
                && o.start.naive_local() < wall(2027, 4, 1, 0, 0)
        })
        .map(|o| (o.start.naive_local(), o.status.clone()))
        .collect()
}

#[track_caller]
fn cancelled_on(list: &[(NaiveDateTime, Status)]) -> Vec<NaiveDateTime> {
    list.iter().filter(|(_, s)| matches!(s, Status::Cancelled { .. })).map(|(t, _)| *t).collect()
}

#[test]
fn except_span_cancels_only_overlapping_meetings() {
    // The gathering 18:00–21:00 on Tuesday 16 March overlaps the 19:00 meeting.
    let list =
        march(gathering(date(2027, 3, 16), (18, 0), "3h"), ClashScope::Span, ClashPolicy::Skip);
    assert_eq!(cancelled_on(&list), [wall(2027, 3, 16, 19, 0)]);
    let (_, status) = &list[2];
    let reason = status.reason().unwrap().to_string();
    assert!(reason.contains("`gathering`"), "{reason}");
    assert!(reason.contains("2027-03-16 18:00"), "{reason}");
    // A morning gathering on the same day does not overlap.
    let list =
        march(gathering(date(2027, 3, 16), (10, 0), "1h"), ClashScope::Span, ClashPolicy::Skip);
    assert!(cancelled_on(&list).is_empty());
    // Ending exactly when the meeting starts is not an overlap.
    let list =
        march(gathering(date(2027, 3, 16), (17, 0), "2h"), ClashScope::Span, ClashPolicy::Skip);
    assert!(cancelled_on(&list).is_empty());
}

#[test]
fn except_day_cancels_meetings_on_the_same_day() {
    let list =
        march(gathering(date(2027, 3, 16), (10, 0), "1h"), ClashScope::Day, ClashPolicy::Skip);
    assert_eq!(cancelled_on(&list), [wall(2027, 3, 16, 19, 0)]);
    // Saturday the 20th is another day.
    let list =
        march(gathering(date(2027, 3, 20), (10, 0), "1h"), ClashScope::Day, ClashPolicy::Skip);
    assert!(cancelled_on(&list).is_empty());
}

#[test]
fn except_week_cancels_meetings_in_the_same_iso_week() {
    let list =
        march(gathering(date(2027, 3, 20), (10, 0), "1h"), ClashScope::Week, ClashPolicy::Skip);
    assert_eq!(cancelled_on(&list), [wall(2027, 3, 16, 19, 0)]);
    // Sunday 21 March is still that week; Monday 22 March is the next.
    let list =
        march(gathering(date(2027, 3, 21), (10, 0), "1h"), ClashScope::Week, ClashPolicy::Skip);
    assert_eq!(cancelled_on(&list), [wall(2027, 3, 16, 19, 0)]);
    let list =
        march(gathering(date(2027, 3, 22), (10, 0), "1h"), ClashScope::Week, ClashPolicy::Skip);
    assert_eq!(cancelled_on(&list), [wall(2027, 3, 23, 19, 0)]);
}

#[track_caller]
fn shifted(list: &[(NaiveDateTime, Status)]) -> Vec<(NaiveDateTime, NaiveDateTime)> {
    list.iter()
        .filter_map(|(t, s)| match s {
            Status::Shifted { from, .. } => Some((from.naive_local(), *t)),
            _ => None,
        })
        .collect()
}

#[test]
fn shift_moves_to_the_nearest_free_day_in_the_same_week() {
    // The gathering takes Tuesday: the meeting moves to Wednesday, a day later.
    let list =
        march(gathering(date(2027, 3, 16), (10, 0), "1h"), ClashScope::Day, ClashPolicy::Shift);
    assert_eq!(shifted(&list), [(wall(2027, 3, 16, 19, 0), wall(2027, 3, 17, 19, 0))]);
    assert!(cancelled_on(&list).is_empty());
    let (_, status) = list.iter().find(|(t, _)| *t == wall(2027, 3, 17, 19, 0)).unwrap();
    assert!(status.reason().unwrap().to_string().contains("`gathering`"));

    // A gathering from Tuesday 10:00 to Wednesday 22:00 takes both days: Monday is as near.
    let list =
        march(gathering(date(2027, 3, 16), (10, 0), "36h"), ClashScope::Day, ClashPolicy::Shift);
    assert_eq!(shifted(&list), [(wall(2027, 3, 16, 19, 0), wall(2027, 3, 15, 19, 0))]);

    // With the whole week taken there is nowhere to go: cancelled, saying so.
    let list =
        march(gathering(date(2027, 3, 20), (10, 0), "1h"), ClashScope::Week, ClashPolicy::Shift);
    assert!(shifted(&list).is_empty());
    assert_eq!(cancelled_on(&list), [wall(2027, 3, 16, 19, 0)]);
    let (_, status) = &list[2];
    assert!(status.reason().unwrap().to_string().contains("no free day"), "{status:?}");
}

#[test]
fn shifted_and_cancelled_occurrences_keep_their_roles_straight() {
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(gathering(date(2027, 3, 16), (10, 0), "1h"));
    builder.rhythm(pod_weekly().except("gathering", ClashScope::Day).on_clash(ClashPolicy::Shift));
    let plan = year_plan(&builder);
    let moved = of(&plan, "pod-weekly")
        .into_iter()
        .find(|o| o.start.naive_local() == wall(2027, 3, 17, 19, 0))
        .unwrap();
    assert!(moved.is_active());
    assert!(moved.facilitator().is_some());
    assert_eq!(moved.end - moved.start, Duration::minutes(90));
    match &moved.status {
        Status::Shifted { from, .. } => assert_eq!(from.naive_local(), wall(2027, 3, 16, 19, 0)),
        other => panic!("expected a shift, got {other:?}"),
    }
}

fn planning() -> Rhythm {
    rhythm("planning", "pod", "first mon of every quarter", at(10, 0), "3h")
}

fn offset_rhythm(
    id: &str,
    from: Edge,
    days: i32,
    weekday: Option<Weekday>,
    of_rhythm: &str,
) -> Rhythm {
    let offset = Offset::new(of_rhythm, from, days);
    let offset = match weekday {
        Some(weekday) => offset.on_weekday(weekday),
        None => offset,
    };
    Rhythm::builder(id, "pod")
        .category(tempi_core::Category::Planning)
        .timing(offset)
        .at_time(at(16, 0))
        .lasting(length("1h"))
        .build()
        .unwrap()
}

#[test]
fn offsets_from_the_start_in_days_and_to_a_weekday() {
    let mut builder = base(date(2026, 12, 1));
    builder.rhythm(planning());
    builder.rhythm(offset_rhythm("friday-before", Edge::Start, -1, Some(Weekday::Fri), "planning"));
    builder.rhythm(offset_rhythm("two-days-after", Edge::Start, 2, None, "planning"));
    builder.rhythm(offset_rhythm("that-thursday", Edge::Start, 0, Some(Weekday::Thu), "planning"));
    builder.rhythm(offset_rhythm("week-before", Edge::Start, -7, None, "planning"));
    let plan = year_plan(&builder);
    assert_eq!(
        dates(&plan, "planning"),
        [date(2027, 1, 4), date(2027, 4, 5), date(2027, 7, 5), date(2027, 10, 4)]
    );
    // The Friday before each planning; the 3 January 2028 planning's is 31 December 2027.
    assert_eq!(
        dates(&plan, "friday-before"),
        [
            date(2027, 1, 1),
            date(2027, 4, 2),
            date(2027, 7, 2),
            date(2027, 10, 1),
            date(2027, 12, 31)
        ]
    );
    assert_eq!(
        dates(&plan, "two-days-after"),
        [date(2027, 1, 6), date(2027, 4, 7), date(2027, 7, 7), date(2027, 10, 6)]
    );
    assert_eq!(
        dates(&plan, "that-thursday"),
        [date(2027, 1, 7), date(2027, 4, 8), date(2027, 7, 8), date(2027, 10, 7)]
    );
    assert_eq!(
        dates(&plan, "week-before"),
        [date(2027, 3, 29), date(2027, 6, 28), date(2027, 9, 27), date(2027, 12, 27)]
    );
    for id in ["friday-before", "two-days-after", "that-thursday", "week-before"] {
        assert!(of(&plan, id).iter().all(|o| o.start.time() == at(16, 0)), "{id}");
    }
}

#[test]
fn offset_from_the_end() {
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(retreat());
    // The day after the retreat ends (Monday 14 June 09:00) is Tuesday 15 June.
    builder.rhythm(offset_rhythm("debrief", Edge::End, 1, None, "retreat"));
    // The Friday on or after the day it ends.
    builder.rhythm(offset_rhythm("follow-up", Edge::End, 0, Some(Weekday::Fri), "retreat"));
    let plan = year_plan(&builder);
    assert_eq!(walls(&plan, "debrief"), [wall(2027, 6, 15, 16, 0)]);
    assert_eq!(walls(&plan, "follow-up"), [wall(2027, 6, 18, 16, 0)]);
}

#[test]
fn nth_after_another_rhythm() {
    let mut builder = base(date(2026, 12, 1));
    // First Mondays of 2027: 4 Jan, 1 Feb, 1 Mar, 5 Apr, 3 May, 7 Jun, 5 Jul, 2 Aug, 6 Sep, 4 Oct,
    // 1 Nov, 6 Dec.
    builder.rhythm(rhythm("monthly", "pod", "FREQ=MONTHLY;BYDAY=1MO", at(10, 0), "1h"));
    builder.rhythm(
        rhythm("first-thu", "pod", "weekly on thu", at(19, 0), "1h").nth_after("monthly", 1),
    );
    builder.rhythm(
        rhythm("second-thu", "pod", "weekly on thu", at(20, 30), "1h").nth_after("monthly", 2),
    );
    let plan = year_plan(&builder);
    let first = [
        date(2027, 1, 7),
        date(2027, 2, 4),
        date(2027, 3, 4),
        date(2027, 4, 8),
        date(2027, 5, 6),
        date(2027, 6, 10),
        date(2027, 7, 8),
        date(2027, 8, 5),
        date(2027, 9, 9),
        date(2027, 10, 7),
        date(2027, 11, 4),
        date(2027, 12, 9),
    ];
    assert_eq!(dates(&plan, "first-thu"), first);
    let second: Vec<NaiveDate> = first.iter().map(|d| *d + Duration::days(7)).collect();
    assert_eq!(dates(&plan, "second-thu"), second);
}

#[test]
fn nth_after_counts_from_the_end_of_the_other() {
    // A Thursday meeting that starts while the other is still running is not "after" it.
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(rhythm("long", "circle", "FREQ=MONTHLY;BYDAY=1TH", at(18, 0), "3h"));
    builder.rhythm(rhythm("next", "pod", "weekly on thu", at(19, 0), "1h").nth_after("long", 1));
    let plan = year_plan(&builder);
    // First Thursdays: 7 Jan, 4 Feb; the meeting right after is a week later.
    assert_eq!(dates(&plan, "next")[..2], [date(2027, 1, 14), date(2027, 2, 11)]);
}

#[test]
fn a_composition_cycle_is_a_build_error_naming_both_rhythms() {
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(rhythm("alpha", "pod", "weekly on tue", at(19, 0), "1h").within("beta"));
    builder.rhythm(
        rhythm("beta", "pod", "weekly on wed", at(19, 0), "1h").except("alpha", ClashScope::Span),
    );
    let problems = builder.build().unwrap_err();
    let cycle = problems
        .problems()
        .iter()
        .find(|p| p.message.contains("cycle"))
        .unwrap_or_else(|| panic!("{problems}"));
    assert!(cycle.message.contains("alpha") && cycle.message.contains("beta"), "{}", cycle.message);
    assert!(matches!(cycle.place.item, Item::Rhythm(0 | 1)));
}

#[test]
fn unknown_and_self_references_are_build_errors() {
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(rhythm("alpha", "pod", "weekly on tue", at(19, 0), "1h").within("alpah"));
    builder.rhythm(
        rhythm("beta", "pod", "weekly on wed", at(19, 0), "1h").except("beta", ClashScope::Day),
    );
    let problems = builder.build().unwrap_err();
    let text = problems.to_string();
    assert!(text.contains("unknown rhythm `alpah`"), "{text}");
    assert!(text.contains("did you mean `alpha`"), "{text}");
    assert!(text.contains("`beta` cannot be composed with itself"), "{text}");
}

#[test]
fn a_shifted_meeting_that_is_then_cancelled_is_reported_at_its_cadence_time() {
    // The circle's gathering takes Monday 15 and Tuesday 16 March, so the pod's Tuesday meeting
    // (yielding by day, shifting) moves to Wednesday 17. A festival of everyone then takes
    // Wednesday 17 to Sunday 21, and it wins by its slower tempo: with no free day left that
    // week the meeting is cancelled. The cancelled meeting is Tuesday's: a cancelled occurrence
    // has no `from`, so its start must be where its cadence put it, and nothing is reported on
    // the Wednesday it never took place on.
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(gathering(date(2027, 3, 15), (10, 0), "36h"));
    builder.rhythm(rhythm(
        "festival",
        "all",
        "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=17",
        at(0, 0),
        "5d",
    ));
    builder.rhythm(pod_weekly().except("gathering", ClashScope::Day).on_clash(ClashPolicy::Shift));
    let plan = year_plan(&builder);
    let week: Vec<(NaiveDateTime, &'static str)> = of(&plan, "pod-weekly")
        .into_iter()
        .filter(|o| {
            o.start.date_naive() >= date(2027, 3, 15) && o.start.date_naive() <= date(2027, 3, 21)
        })
        .map(|o| (o.start.naive_local(), o.status.as_str()))
        .collect();
    assert_eq!(week, [(wall(2027, 3, 16, 19, 0), "cancelled")]);
}

#[test]
fn a_longer_retrospective_still_lies_within_the_parent() {
    // Sessions inside the retreat (Friday 11 June 09:00 to Monday 14 June 09:00) as a commitment
    // of two meetings and a day-long retrospective. `within` keeps only occurrences that lie
    // inside the retreat, so the retrospective on Sunday 13 June 10:00, a day long, may not run
    // past Monday 09:00: it is cancelled, saying why, and what goes ahead lies inside.
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(retreat());
    builder.rhythm(
        rhythm("sessions", "pod", "daily", at(10, 0), "1h")
            .within("retreat")
            .commitment(tempi_core::Commitment::new(2).retrospective(length("1d"))),
    );
    let plan = year_plan(&builder);
    let retreat = of(&plan, "retreat")[0];
    assert!(!of(&plan, "sessions").is_empty());
    let retro = of(&plan, "sessions")
        .into_iter()
        .find(|o| o.cycle.is_some_and(|c| c.retrospective))
        .expect("a retrospective");
    assert!(
        matches!(&retro.status, tempi_core::Status::Cancelled { reason } if reason.to_string().contains("run past the end of `retreat`")),
        "{:?}",
        retro.status
    );
    for session in of(&plan, "sessions").into_iter().filter(|o| o.is_active()) {
        assert!(
            retreat.start <= session.start && session.end <= retreat.end,
            "{}..{} is not inside the retreat {}..{}",
            session.start,
            session.end,
            retreat.start,
            retreat.end
        );
    }
}

/// `replace_rhythms` swaps each rhythm that has the same id, where it stood, and adds none: the
/// pod call moved to 07:30 comes back at 07:30 in second place, the retreat is untouched, and
/// a rhythm with an unknown id is not counted.
#[test]
fn replace_rhythms_swaps_by_id_in_place() {
    let mut builder = base(date(2027, 1, 4));
    builder.rhythm(retreat());
    builder.rhythm(pod_weekly());
    let early = chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap();
    let stranger = rhythm("stranger", "pod", "weekly on wed", at(8, 0), "30m");
    assert_eq!(builder.replace_rhythms([pod_weekly().placed_at(early), stranger]), 1);
    let community = build(&builder);
    let ids: Vec<&str> = community.rhythms().iter().map(Rhythm::id).collect();
    assert_eq!(ids, ["retreat", "pod-weekly"]);
    assert_eq!(community.rhythm("pod-weekly").unwrap().at(), early);
    assert_eq!(community.rhythm("retreat").unwrap().at(), at(9, 0));
}
