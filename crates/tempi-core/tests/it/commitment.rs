//! Time-limited commitments: "weekly for 6 weeks, then a retrospective", and how they renew.
//!
//! The rhythm meets on Tuesdays from 5 January 2027 (the first Tuesday of 2027), so its k-th
//! meeting (from 0) is on 5 January + 7k days; 2027 has 52 Tuesdays.

use chrono::{Duration, NaiveDate};
use chrono_tz::Europe::Berlin;
use tempi_core::{Commitment, Community, Cycle, Group, Plan, Renewal, Scale, Window};

use crate::{add_members, at, build, date, length, of, rhythm};

fn plan(commitment: Commitment, window: Window) -> Plan {
    let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 4));
    add_members(&mut builder, Berlin, &["ana", "bo", "chen"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
    builder
        .rhythm(rhythm("sprint", "pod", "weekly on tue", at(19, 0), "90m").commitment(commitment));
    build(&builder).plan(window).unwrap()
}

fn year() -> Window {
    Window::year(Berlin, 2027).unwrap()
}

fn tuesday(k: i64) -> NaiveDate {
    date(2027, 1, 5) + Duration::days(7 * k)
}

/// A cycle's parts: (number, meeting, meetings, retrospective).
type Parts = (u32, u32, u32, bool);

fn parts(cycle: Cycle) -> Parts {
    (cycle.number, cycle.meeting, cycle.meetings, cycle.retrospective)
}

/// The cycle of the k-th meeting (from 0) of a commitment of `meetings` meetings.
fn expected_cycle(k: u32, meetings: u32) -> Parts {
    let per_cycle = meetings + 1;
    (k / per_cycle + 1, k % per_cycle + 1, meetings, k % per_cycle == meetings)
}

#[test]
fn six_meetings_then_a_retrospective() {
    let commitment = Commitment::new(6).retrospective(length("2h"));
    let plan = plan(commitment, year());
    let list = of(&plan, "sprint");
    assert_eq!(list.len(), 52);
    for (k, occurrence) in list.iter().enumerate() {
        let k32 = u32::try_from(k).unwrap();
        assert_eq!(occurrence.start.date_naive(), tuesday(i64::from(k32)));
        let cycle = occurrence.cycle.unwrap();
        assert_eq!(parts(cycle), expected_cycle(k32, 6), "meeting {k}");
        let expected_length =
            if cycle.retrospective { Duration::hours(2) } else { Duration::minutes(90) };
        assert_eq!(occurrence.end - occurrence.start, expected_length, "meeting {k}");
    }
    // The first retrospective is the 7th meeting, 16 February; the second, 6 April.
    let retros: Vec<NaiveDate> = list
        .iter()
        .filter(|o| o.cycle.unwrap().retrospective)
        .map(|o| o.start.date_naive())
        .collect();
    assert_eq!(retros[..2], [date(2027, 2, 16), date(2027, 4, 6)]);
    assert_eq!(retros.len(), 7, "52 meetings make 7 full cycles of 7 and 3 meetings of an 8th");
    assert_eq!(parts(list[51].cycle.unwrap()), (8, 3, 6, false));
    assert_eq!(list[0].cycle.unwrap().to_string(), "cycle 1, meeting 1 of 6");
    assert_eq!(list[6].cycle.unwrap().to_string(), "cycle 1 retrospective");
}

#[test]
fn the_retrospective_keeps_the_rhythm_length_by_default() {
    let commitment = Commitment::new(3);
    let plan = plan(commitment, year());
    assert!(of(&plan, "sprint").iter().all(|o| o.end - o.start == Duration::minutes(90)));
    assert!(of(&plan, "sprint")[3].cycle.unwrap().retrospective);
}

#[test]
fn renewing_n_times_runs_n_plus_one_cycles() {
    for (times, expected) in [(0u32, 7usize), (1, 14), (2, 21)] {
        let commitment = Commitment::new(6).renewal(Renewal::Times(times));
        let plan = plan(commitment, year());
        let list = of(&plan, "sprint");
        assert_eq!(list.len(), expected, "renewed {times} times");
        let last = list.last().unwrap();
        assert!(
            last.cycle.unwrap().retrospective,
            "renewed {times} times: ends with a retrospective"
        );
        assert_eq!(last.cycle.unwrap().number, times + 1);
        assert_eq!(last.start.date_naive(), tuesday(i64::try_from(expected).unwrap() - 1));
    }
}

#[test]
fn renewing_until_a_date_starts_no_cycle_after_it() {
    // Cycle 2 starts on 23 February (meeting 7, from 0), cycle 3 on 13 April (meeting 14).
    assert_eq!(tuesday(7), date(2027, 2, 23));
    assert_eq!(tuesday(14), date(2027, 4, 13));
    for (until, expected) in [
        (date(2027, 2, 22), 7usize),
        (date(2027, 2, 23), 14),
        (date(2027, 3, 1), 14),
        (date(2027, 4, 12), 14),
        (date(2027, 4, 13), 21),
    ] {
        let commitment = Commitment::new(6).renewal(Renewal::Until(until));
        let plan = plan(commitment, year());
        let list = of(&plan, "sprint");
        assert_eq!(list.len(), expected, "until {until}");
        assert!(list.last().unwrap().cycle.unwrap().retrospective, "until {until}");
    }
}

#[test]
fn cycles_count_from_the_rhythm_start_not_the_window() {
    let commitment = Commitment::new(6);
    let march = Window::days(Berlin, date(2027, 3, 1), date(2027, 3, 31)).unwrap();
    let plan = plan(commitment, march);
    let got: Vec<(NaiveDate, Parts)> = of(&plan, "sprint")
        .iter()
        .map(|o| (o.start.date_naive(), parts(o.cycle.unwrap())))
        .collect();
    // March's Tuesdays are meetings 8 to 12 (from 0): cycle 2, meetings 2 to 6.
    let expected: Vec<(NaiveDate, Parts)> =
        (8..=12).map(|k| (tuesday(k.into()), expected_cycle(k, 6))).collect();
    assert_eq!(got, expected);
    assert_eq!(got[0].0, date(2027, 3, 2));
}

#[test]
fn impossible_commitments_are_build_errors() {
    for (commitment, mention) in [
        (Commitment::new(0), "not 0"),
        (Commitment::new(1001), "not 1001"),
        (
            Commitment::new(6).renewal(Renewal::Until(date(2026, 12, 31))),
            "before the rhythm starts",
        ),
    ] {
        let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 4));
        add_members(&mut builder, Berlin, &["ana", "bo", "chen"]);
        builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
        builder.rhythm(
            rhythm("sprint", "pod", "weekly on tue", at(19, 0), "90m").commitment(commitment),
        );
        let problems = builder.build().unwrap_err();
        assert!(problems.to_string().contains(mention), "{problems}");
        assert_eq!(problems.problems()[0].place.field, "commitment");
    }
}
