//! Breaks: the community's winter break, 20 December 2027 to 3 January 2028 (Monday to Monday),
//! against weekly and monthly rhythms; groups' and members' breaks; zones across the date line.

use chrono::{Datelike, NaiveDate, TimeZone, Weekday};
use chrono_tz::Europe::Berlin;
use chrono_tz::Pacific::{Auckland, Honolulu};
use chrono_tz::Tz;
use proptest::prelude::*;
use tempi_core::{
    Break, BreakOwner, ClashPolicy, Community, CommunityBuilder, Group, Member, OnBreak, Plan,
    Reason, Scale, Status,
};

use crate::{add_members, at, build, date, of, plan_days, rhythm, two_pods};

fn winter() -> Break {
    Break::new("Winter break", date(2027, 12, 20), date(2028, 1, 3))
}

fn base(zone: Tz) -> CommunityBuilder {
    two_pods(zone, &["q1", "q2", "q3"], |_| vec!["p1".to_string()])
}

fn december(community: &Community) -> Plan {
    plan_days(community, Berlin, date(2027, 12, 1), date(2028, 1, 31))
}

/// (local date, status) of a rhythm's occurrences.
fn statuses(plan: &Plan, id: &str) -> Vec<(NaiveDate, &'static str)> {
    of(plan, id).iter().map(|o| (o.start.date_naive(), o.status.as_str())).collect()
}

fn cancelled(plan: &Plan, id: &str) -> Vec<NaiveDate> {
    of(plan, id).iter().filter(|o| !o.is_active()).map(|o| o.start.date_naive()).collect()
}

#[test]
fn a_community_break_cancels_the_meetings_in_it_with_its_name() {
    let mut builder = base(Berlin);
    builder.community_break(winter());
    builder.rhythm(rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m"));
    let plan = december(&build(&builder));
    // The Tuesdays between Monday 20 December and Monday 3 January.
    assert_eq!(cancelled(&plan, "weekly"), [date(2027, 12, 21), date(2027, 12, 28)]);
    let first = of(&plan, "weekly").into_iter().find(|o| !o.is_active()).unwrap();
    let Status::Cancelled { reason } = &first.status else { panic!("{:?}", first.status) };
    assert_eq!(reason.to_string(), "Winter break (community)");
    assert!(matches!(
        reason,
        Reason::Break { owner: BreakOwner::Community, from, to, .. }
            if *from == date(2027, 12, 20) && *to == date(2028, 1, 3)
    ));
    // A cancelled meeting has no duties; the rotation goes on after the break.
    assert!(first.roles.is_empty());
    assert!(
        of(&plan, "weekly")
            .iter()
            .any(|o| o.start.date_naive() == date(2028, 1, 4) && o.is_active())
    );
    assert!(plan.conflicts().is_empty());
}

#[test]
fn a_shifted_meeting_moves_to_the_first_day_after_the_break() {
    let mut builder = base(Berlin);
    builder.community_break(winter());
    // The first Monday of January 2028 is the 3rd, the break's last day.
    builder.rhythm(
        rhythm("planning", "congregation", "first mon of every month", at(10, 0), "2h")
            .on_break(OnBreak::Shift),
    );
    let plan = december(&build(&builder));
    let january = of(&plan, "planning").into_iter().find(|o| o.start.month() == 1).unwrap();
    assert_eq!(january.start.naive_local(), date(2028, 1, 4).and_time(at(10, 0)));
    match &january.status {
        Status::Shifted { from, reason } => {
            assert_eq!(from.naive_local(), date(2028, 1, 3).and_time(at(10, 0)));
            assert_eq!(reason.to_string(), "Winter break (community)");
        }
        other => panic!("{other:?}"),
    }
    assert!(january.facilitator().is_some());
}

#[test]
fn meetings_missed_in_one_break_make_up_one_meeting() {
    let mut builder = base(Berlin);
    builder.community_break(winter());
    builder.rhythm(
        rhythm("thursdays", "pod", "weekly on thu", at(19, 0), "1h").on_break(OnBreak::Shift),
    );
    let plan = december(&build(&builder));
    let around: Vec<_> = statuses(&plan, "thursdays")
        .into_iter()
        .filter(|(d, _)| *d >= date(2027, 12, 16) && *d <= date(2028, 1, 6))
        .collect();
    // Thu 23 Dec moves to Tue 4 Jan, the first day after the break; Thu 30 Dec finds that day
    // taken and is cancelled; Thu 6 Jan meets as usual.
    assert_eq!(
        around,
        [
            (date(2027, 12, 16), "scheduled"),
            (date(2027, 12, 30), "cancelled"),
            (date(2028, 1, 4), "shifted"),
            (date(2028, 1, 6), "scheduled"),
        ]
    );
    let lost = of(&plan, "thursdays").into_iter().find(|o| !o.is_active()).unwrap();
    assert_eq!(
        lost.status.reason().unwrap().to_string(),
        "Winter break (community); no free day after the break before the next meeting"
    );
}

#[test]
fn a_weekly_shift_whose_next_meeting_follows_the_break_is_cancelled() {
    let mut builder = base(Berlin);
    builder.community_break(winter());
    // Tuesdays: the first day after the break, Tue 4 January, already has its meeting.
    builder.rhythm(
        rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m").on_break(OnBreak::Shift),
    );
    let plan = december(&build(&builder));
    assert_eq!(cancelled(&plan, "weekly"), [date(2027, 12, 21), date(2027, 12, 28)]);
}

#[test]
fn a_group_break_stops_its_subgroups_but_not_its_siblings() {
    // The congregation breaks for winter; pod Q alone breaks on 5 January too.
    let mut builder = base(Berlin);
    builder.rhythm(rhythm("pod-weekly", "pod", "weekly on tue", at(19, 0), "1h"));
    builder.rhythm(rhythm("q-weekly", "pod-q", "weekly on wed", at(19, 0), "1h"));
    assert!(builder.add_breaks(&BreakOwner::Group("congregation".into()), vec![winter()]));
    assert!(builder.add_breaks(
        &BreakOwner::Group("pod-q".into()),
        vec![Break::day("Pod Q retreat", date(2028, 1, 5))]
    ));
    assert!(!builder.add_breaks(&BreakOwner::Group("nope".into()), vec![winter()]));
    let plan = december(&build(&builder));
    assert_eq!(cancelled(&plan, "pod-weekly"), [date(2027, 12, 21), date(2027, 12, 28)]);
    assert_eq!(
        cancelled(&plan, "q-weekly"),
        [date(2027, 12, 22), date(2027, 12, 29), date(2028, 1, 5)]
    );
    let reasons: Vec<String> = of(&plan, "q-weekly")
        .iter()
        .filter_map(|o| o.status.reason().map(ToString::to_string))
        .collect();
    assert_eq!(reasons[0], "Winter break (group `congregation`)");
    assert_eq!(reasons[2], "Pod Q retreat (group `pod-q`)");
}

#[test]
fn a_members_break_leaves_them_out_without_cancelling_or_conflict() {
    // p1 takes the first week of December off.
    let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 4));
    builder.member(Member::new("p1", "P1", Berlin).with_break(Break::new(
        "Family visit",
        date(2027, 12, 6),
        date(2027, 12, 10),
    )));
    add_members(&mut builder, Berlin, &["p2", "p3", "p4"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["p1", "p2", "p3", "p4"]));
    builder.rhythm(rhythm("weekly", "pod", "weekly on tue", at(19, 0), "90m"));
    let plan = december(&build(&builder));
    let list = of(&plan, "weekly");
    assert!(list.iter().all(|o| o.is_active()));
    assert!(plan.conflicts().is_empty());
    let on = |d: NaiveDate| list.iter().find(|o| o.start.date_naive() == d).unwrap();
    // Tuesday 7 December: the 49th Tuesday from 5 January, turn 48, p1's turn (48 mod 4 = 0):
    // the next in the rotation, p2, stands in, and p1 is not expected.
    let away = on(date(2027, 12, 7));
    let ids: Vec<&str> = away.attendees.iter().map(|a| &**a).collect();
    assert_eq!(ids, ["p2", "p3", "p4"]);
    assert_eq!(away.facilitator(), Some("p2"));
    // The week after, the rotation is where it would have been: turn 49, p2.
    let back = on(date(2027, 12, 14));
    assert_eq!(back.attendees.len(), 4);
    assert_eq!(back.facilitator(), Some("p2"));
}

/// A group with one member in Auckland and one in Honolulu (23 hours apart in December).
fn across_the_date_line(honolulu_only: bool, anchor: Tz, day: &str, hour: u32) -> Plan {
    let mut builder = Community::builder("c", "C", anchor, date(2027, 1, 4));
    builder.community_break(winter());
    builder.member(Member::new("hina", "Hina", Honolulu));
    let mut members = vec!["hina"];
    if !honolulu_only {
        builder.member(Member::new("aroha", "Aroha", Auckland));
        members.push("aroha");
    }
    builder.group(Group::new("pair", "Pair", Scale::Range { min: 1, max: 2 }).members(members));
    builder.rhythm(rhythm("call", "pair", &format!("weekly on {day}"), at(hour, 0), "1h"));
    let community = build(&builder);
    plan_days(&community, anchor, date(2027, 12, 1), date(2028, 1, 31))
}

#[test]
fn a_break_is_read_in_every_attendees_own_dates_across_the_date_line() {
    // Sunday 18:00 in Honolulu is Monday 17:00 in Auckland. Sunday 19 December is outside the
    // break in Honolulu but Monday 20 December, its first day, in Auckland.
    let both = across_the_date_line(false, Honolulu, "sun", 18);
    assert_eq!(
        cancelled(&both, "call"),
        [date(2027, 12, 19), date(2027, 12, 26), date(2028, 1, 2)]
    );
    let alone = across_the_date_line(true, Honolulu, "sun", 18);
    assert_eq!(cancelled(&alone, "call"), [date(2027, 12, 26), date(2028, 1, 2)]);
    // Tuesday 4 January 07:00 in Auckland is still Monday 3 January, the break's last day, in
    // Honolulu.
    let both = across_the_date_line(false, Auckland, "tue", 7);
    let after: Vec<NaiveDate> =
        cancelled(&both, "call").into_iter().filter(|d| d.year() == 2028).collect();
    assert_eq!(after, [date(2028, 1, 4)]);
    // Without the attendee in Honolulu, Tuesday 4 January is after the break in Auckland.
    let mut builder = Community::builder("c", "C", Auckland, date(2027, 1, 4));
    builder.community_break(winter());
    builder.member(Member::new("aroha", "Aroha", Auckland));
    builder.group(Group::new("solo", "Solo", Scale::Range { min: 1, max: 1 }).members(["aroha"]));
    builder.rhythm(rhythm("call", "solo", "weekly on tue", at(7, 0), "1h"));
    let plan = plan_days(&build(&builder), Auckland, date(2027, 12, 1), date(2028, 1, 31));
    assert_eq!(cancelled(&plan, "call"), [date(2027, 12, 21), date(2027, 12, 28)]);
}

/// Where the pod's Friday meeting that yields to a gathering on Friday 17 December (18:00-22:00)
/// shifts to, with a community break `b`.
fn shifted_off_the_gathering(b: Break) -> NaiveDate {
    let mut builder = base(Berlin);
    builder.community_break(b);
    let gathering = "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=17";
    builder.rhythm(rhythm("gathering", "congregation", gathering, at(18, 0), "4h"));
    builder.rhythm(
        rhythm("fridays", "pod", "weekly on fri", at(19, 0), "1h").on_clash(ClashPolicy::Shift),
    );
    let plan = december(&build(&builder));
    let moved = of(&plan, "fridays")
        .into_iter()
        .find(|o| matches!(o.status, Status::Shifted { .. }))
        .unwrap();
    moved.start.date_naive()
}

#[test]
fn a_clash_shift_does_not_land_in_a_break() {
    // A shift tries one day later first: Saturday 18, free, the break starts on Monday 20.
    assert_eq!(shifted_off_the_gathering(winter()), date(2027, 12, 18));
    // With the break starting on Saturday, the shift goes a day earlier instead: Thursday 16.
    let long = Break::new("Long winter", date(2027, 12, 18), date(2028, 1, 3));
    let moved = shifted_off_the_gathering(long);
    assert_eq!(moved, date(2027, 12, 16));
    assert_eq!(moved.weekday(), Weekday::Thu);
}

#[test]
fn a_break_that_runs_backwards_is_an_error() {
    let mut builder = base(Berlin);
    builder.community_break(Break::new("Oops", date(2028, 1, 3), date(2027, 12, 20)));
    let problems = builder.build().unwrap_err();
    let text = problems.to_string();
    assert!(text.contains("the break `Oops` runs backwards (2028-01-03 to 2027-12-20)"), "{text}");
}

const ZONES: [Tz; 6] = [
    Berlin,
    Auckland,
    Honolulu,
    chrono_tz::America::New_York,
    chrono_tz::Asia::Kolkata,
    chrono_tz::Pacific::Kiritimati,
];

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("TEMPI_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48),
        ..ProptestConfig::default()
    })]

    /// No occurrence that goes ahead starts on a date of a break it is subject to, in the local
    /// dates of the rhythm's zone or of any attendee; and no member on a personal break is
    /// expected at an occurrence or holds a rotating duty there.
    #[test]
    fn no_active_occurrence_falls_in_its_break(
        zones in proptest::collection::vec(0usize..ZONES.len(), 3),
        anchor in 0usize..ZONES.len(),
        cadence in prop_oneof![
            Just("daily"), Just("weekly on tue"), Just("every tue and fri"),
            Just("first mon of every month"), Just("fortnightly on sun"),
        ],
        hour in 0u32..24,
        from in 0i64..60,
        days in 0i64..20,
        personal_from in 0i64..60,
        shift in any::<bool>(),
        clash_shift in any::<bool>(),
        on_group in any::<bool>(),
    ) {
        let start = date(2027, 11, 1);
        let b = Break::new("B", start + chrono::Duration::days(from), start + chrono::Duration::days(from + days));
        let personal = Break::new("P", start + chrono::Duration::days(personal_from), start + chrono::Duration::days(personal_from + 4));
        let mut builder = Community::builder("c", "C", ZONES[anchor], date(2027, 1, 4));
        let ids = ["m0", "m1", "m2"];
        for (k, id) in ids.iter().enumerate() {
            let mut m = Member::new(*id, *id, ZONES[zones[k]]);
            if k == 0 {
                m = m.with_break(personal.clone());
            }
            builder.member(m);
        }
        let mut group = Group::new("g", "G", Scale::Range { min: 3, max: 3 }).members(ids);
        if on_group {
            group = group.with_break(b.clone());
        } else {
            builder.community_break(b.clone());
        }
        builder.group(group);
        builder.rhythm(rhythm("big", "g", "FREQ=MONTHLY;BYMONTHDAY=10,24", at(hour, 30), "3h"));
        let policy = if shift { OnBreak::Shift } else { OnBreak::Cancel };
        let clash = if clash_shift { ClashPolicy::Shift } else { ClashPolicy::Skip };
        builder.rhythm(rhythm("r", "g", cadence, at(hour, 0), "1h").on_break(policy).on_clash(clash));
        let community = build(&builder);
        let plan = plan_days(&community, ZONES[anchor], date(2027, 10, 1), date(2028, 3, 31));
        let mut zones_of: Vec<Tz> = ids.iter().map(|id| community.member(id).unwrap().zone()).collect();
        zones_of.push(ZONES[anchor]);
        for o in plan.occurrences().iter().filter(|o| o.is_active()) {
            for zone in &zones_of {
                let local = zone.from_utc_datetime(&o.start.naive_utc()).date_naive();
                prop_assert!(!b.contains(local), "{} at {} is {local} in {zone}, in the break", o.rhythm, o.start);
            }
            let p1 = community.member("m0").unwrap().zone();
            let local = p1.from_utc_datetime(&o.start.naive_utc()).date_naive();
            if personal.contains(local) {
                prop_assert!(!o.attendees.iter().any(|a| &**a == "m0"));
                prop_assert!(o.facilitator() != Some("m0"));
            } else {
                prop_assert!(o.attendees.iter().any(|a| &**a == "m0"));
            }
        }
    }
}

#[cfg(feature = "toml")]
mod file {
    use super::*;

    const FILE: &str = r#"
[community]
id = "c"
name = "C"
zone = "Europe/Berlin"
start = "2027-01-04"
breaks = [{ name = "Winter break", dates = "2027-12-20..2028-01-03" }]
holidays = "holidays/de.ics"

[[members]]
id = "ana"
name = "Ana"
zone = "Pacific/Auckland"
breaks = [{ name = "Sabbatical", dates = "2027-06-01..2027-08-31" }, { name = "Wedding", dates = "2027-05-08" }]
holidays = ["holidays/nz.ics"]

[[groups]]
id = "pod"
name = "Pod"
scale = "1..3"
members = ["ana"]
breaks = [{ name = "Pod pause", dates = "2027-04-05..2027-04-11" }]

[[rhythms]]
id = "weekly"
name = "Weekly"
group = "pod"
category = "relational"
cadence = "weekly on tue"
at = "19:00"
length = "1h"
on_break = "shift"
"#;

    #[test]
    fn breaks_holidays_and_on_break_are_read_from_the_file() {
        let loaded = tempi_core::file::parse(FILE, "c.toml").unwrap();
        let c = &loaded.community;
        assert_eq!(c.breaks(), [winter()]);
        assert_eq!(c.holiday_files(), ["holidays/de.ics"]);
        let ana = c.member("ana").unwrap();
        assert_eq!(
            ana.breaks(),
            [
                Break::new("Sabbatical", date(2027, 6, 1), date(2027, 8, 31)),
                Break::day("Wedding", date(2027, 5, 8)),
            ]
        );
        assert_eq!(ana.holiday_files(), ["holidays/nz.ics"]);
        assert_eq!(
            c.groups()[0].breaks(),
            [Break::new("Pod pause", date(2027, 4, 5), date(2027, 4, 11))]
        );
        assert_eq!(c.rhythm("weekly").unwrap().break_policy(), OnBreak::Shift);
    }

    #[test]
    fn bad_breaks_are_located_errors() {
        let bad = FILE
            .replace("\"2027-04-05..2027-04-11\"", "\"2027-04-11..2027-04-05\"")
            .replace("on_break = \"shift\"", "on_break = \"postpone\"")
            .replace("holidays = \"holidays/de.ics\"", "holidays = 3");
        let errors = tempi_core::file::parse(&bad, "c.toml").unwrap_err();
        let text: Vec<String> = errors.diagnostics().iter().map(ToString::to_string).collect();
        assert_eq!(text.len(), 3, "{text:#?}");
        assert!(
            text[0].starts_with("c.toml:8:12: error: `holidays` is the path of an .ics calendar"),
            "{}",
            text[0]
        );
        assert!(
            text[1].starts_with(
                "c.toml:22:41: error: the break's dates `2027-04-11..2027-04-05` run backwards"
            ),
            "{}",
            text[1]
        );
        assert!(
            text[2].starts_with(
                "c.toml:32:12: error: `postpone` is not a break policy; use \"cancel\""
            ),
            "{}",
            text[2]
        );
        let unknown = FILE.replace("dates = \"2027-05-08\"", "date = \"2027-05-08\"");
        let errors = tempi_core::file::parse(&unknown, "c.toml").unwrap_err();
        assert!(
            errors.diagnostics()[0].message.contains("unknown field `date`"),
            "{}",
            errors.diagnostics()[0]
        );
    }
}
