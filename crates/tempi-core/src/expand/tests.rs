//! Engine tests for the rrule findings the UTC-carrier design exists to avoid
//! (shared/notes/dependency-audit.md §1.4), each written as the probe would be.

use chrono::{NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

use crate::{Cadence, Category, Community, Group, Member, Rhythm, Scale, Window};

fn one_rhythm(zone: Tz, cadence: &str, at: (u32, u32), start: (i32, u32, u32)) -> Community {
    let start = NaiveDate::from_ymd_opt(start.0, start.1, start.2).unwrap();
    let mut b = Community::builder("c", "C", zone, start);
    b.member(Member::new("ana", "Ana", zone)).member(Member::new("bo", "Bo", zone));
    b.group(Group::new("g", "G", Scale::Dyad).members(["ana", "bo"]));
    b.rhythm(
        Rhythm::builder("r", "g")
            .name("R")
            .category(Category::Working)
            .timing(cadence.parse::<Cadence>().unwrap())
            .at_time(NaiveTime::from_hms_opt(at.0, at.1, 0).unwrap())
            .length("15m")
            .build()
            .unwrap(),
    );
    b.build().unwrap().0
}

fn starts(c: &Community, zone: Tz, from: (i32, u32, u32), to: (i32, u32, u32)) -> Vec<String> {
    let from = NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap();
    let to = NaiveDate::from_ymd_opt(to.0, to.1, to.2).unwrap();
    let plan = c.plan(Window::days(zone, from, to).unwrap()).unwrap();
    plan.occurrences().iter().map(|o| o.start.to_rfc3339()).collect()
}

/// rrule issue #115: HOURLY across spring-forward gave 03:00 twice. In wall-clock time the 02:00
/// instance falls in the gap and moves to 03:00 (RFC 5545 §3.3.5), which is the 03:00 instance:
/// one occurrence, not two.
#[test]
fn hourly_across_spring_forward_is_sorted_and_unique() {
    let ny = chrono_tz::America::New_York;
    let c = one_rhythm(ny, "FREQ=HOURLY", (0, 0), (2027, 3, 14));
    let got = starts(&c, ny, (2027, 3, 14), (2027, 3, 14));
    assert_eq!(
        got.get(..4).unwrap(),
        [
            "2027-03-14T00:00:00-05:00",
            "2027-03-14T01:00:00-05:00",
            "2027-03-14T03:00:00-04:00",
            "2027-03-14T04:00:00-04:00",
        ]
    );
    // 24 wall-clock hours less the one that does not exist.
    assert_eq!(got.len(), 23);
}

/// MINUTELY;INTERVAL=30 across the gap came out of order in rrule. 02:00 and 02:30 move to 03:00
/// and 03:30, the same instants as the 03:00 and 03:30 instances.
#[test]
fn half_hourly_across_spring_forward_stays_in_order() {
    let ny = chrono_tz::America::New_York;
    let c = one_rhythm(ny, "FREQ=MINUTELY;INTERVAL=30", (1, 0), (2027, 3, 14));
    let got = starts(&c, ny, (2027, 3, 14), (2027, 3, 14));
    assert_eq!(
        got.get(..4).unwrap(),
        [
            "2027-03-14T01:00:00-05:00",
            "2027-03-14T01:30:00-05:00",
            "2027-03-14T03:00:00-04:00",
            "2027-03-14T03:30:00-04:00",
        ]
    );
}

/// The audit's new finding: in a zone that changes clocks at midnight (America/Santiago,
/// 2024-09-08 00:00 -> 01:00) rrule silently dropped the daily 00:30 occurrence of that day.
/// tempi keeps it, moved forward by the gap to 01:30 -03:00.
#[test]
fn daily_at_a_midnight_gap_is_not_dropped() {
    let santiago = chrono_tz::America::Santiago;
    let c = one_rhythm(santiago, "daily", (0, 30), (2024, 9, 6));
    let got = starts(&c, santiago, (2024, 9, 6), (2024, 9, 9));
    assert_eq!(
        got,
        [
            "2024-09-06T00:30:00-04:00",
            "2024-09-07T00:30:00-04:00",
            "2024-09-08T01:30:00-03:00",
            "2024-09-09T00:30:00-03:00",
        ]
    );
}

/// Floating times depended on the process's TZ in rrule. The engine never reads it: the same
/// plan under any TZ value is computed from the rhythm's zone alone (the carrier is UTC).
#[test]
fn results_do_not_depend_on_the_process_zone() {
    let berlin = chrono_tz::Europe::Berlin;
    let c = one_rhythm(berlin, "weekly on sun", (2, 30), (2027, 3, 21));
    let got = starts(&c, berlin, (2027, 3, 21), (2027, 4, 4));
    // 2027-03-28 02:30 does not exist in Berlin: it moves to 03:30 CEST.
    assert_eq!(
        got,
        ["2027-03-21T02:30:00+01:00", "2027-03-28T03:30:00+02:00", "2027-04-04T02:30:00+02:00"]
    );
}

/// rrule's `limited` flag and loop guard cannot be trusted (audit §1.5); a rule that never matches
/// must still end, with nothing, because the engine clips UNTIL to the window's horizon.
#[test]
fn a_rule_that_never_matches_ends_empty() {
    let utc = chrono_tz::UTC;
    let c = one_rhythm(utc, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", (9, 0), (2027, 1, 1));
    // A hang guard, not a timing test: the scan runs on its own thread, and only a scan still
    // running after ten minutes (an unbounded one) fails; how fast it is belongs in `benches/`.
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(starts(&c, utc, (2027, 1, 1), (2099, 12, 31)));
    });
    let got = rx.recv_timeout(std::time::Duration::from_secs(600));
    assert_eq!(got, Ok(Vec::new()), "the scan must end, with nothing");
}

/// A window is a slice of the same plan: cycles and rotation count from the rhythm's start.
#[test]
fn a_sub_window_is_a_slice_of_the_year() {
    let zone = chrono_tz::Europe::Lisbon;
    let c = one_rhythm(zone, "weekly on tue", (19, 0), (2027, 1, 4));
    let year = c.plan(Window::year(zone, 2027).unwrap()).unwrap();
    let from = NaiveDate::from_ymd_opt(2027, 6, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2027, 6, 30).unwrap();
    let june = c.plan(Window::days(zone, from, to).unwrap()).unwrap();
    let start = zone.from_local_datetime(&from.and_hms_opt(0, 0, 0).unwrap()).unwrap();
    let end = zone.from_local_datetime(&to.and_hms_opt(23, 59, 59).unwrap()).unwrap();
    let slice: Vec<_> =
        year.occurrences().iter().filter(|o| o.start >= start && o.start <= end).cloned().collect();
    assert_eq!(june.occurrences(), slice.as_slice());
    assert_eq!(slice.len(), 5);
}

mod runs {
    use chrono::NaiveDate;
    use chrono_tz::Tz;
    use proptest::prelude::*;

    use crate::expand::history::{Reach, Resolver, Touch, WeekIndex, offset_at, offset_bounds};
    use crate::expand::{first_touching, local_days};
    use crate::time::resolve_local;

    const ZONES: [Tz; 6] = [
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::Australia::Sydney,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Asia::Kolkata,
        chrono_tz::America::Sao_Paulo,
    ];

    /// The runs of one offset probe a zone every `STRIDE` days and trust two probes that agree:
    /// that holds only while no zone changes its offset twice within a stride. Every zone of the
    /// tz database, probed daily from 1900 to 2200 (the probing itself assumes no zone changes
    /// and changes back within a day, as every zone's history bears out): the shortest offset
    /// lasts longer than a stride.
    #[test]
    fn no_zone_changes_offset_twice_within_a_stride() {
        use crate::expand::history::STRIDE;
        use chrono::{Offset, TimeZone};
        let from = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let days = (NaiveDate::from_ymd_opt(2200, 1, 1).unwrap() - from.date()).num_days();
        let mut shortest = (i64::MAX, "");
        for zone in chrono_tz::TZ_VARIANTS {
            let mut last_change: Option<i64> = None;
            let mut previous = None;
            for n in 0..days {
                let utc = from + chrono::Duration::days(n);
                let offset = zone.offset_from_utc_datetime(&utc).fix().local_minus_utc();
                if previous.is_some_and(|p| p != offset) {
                    if let Some(at) = last_change {
                        shortest = shortest.min((n - at, zone.name()));
                    }
                    last_change = Some(n);
                }
                previous = Some(offset);
            }
        }
        assert!(shortest.0 > STRIDE, "{} keeps an offset only {} days", shortest.1, shortest.0);
    }

    proptest! {
        /// Where the runs of one offset answer, they answer as the zone does (gaps and folds
        /// included), for wall clocks that grow by random steps over decades.
        #[test]
        fn the_runs_resolve_wall_clocks_as_the_zone_does(
            zone in 0..ZONES.len(),
            start in 0i64..20_000,
            steps in prop::collection::vec(1i64..40 * 86_400, 1..300),
        ) {
            let zone = ZONES[zone];
            let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let from = epoch.and_utc().timestamp() + start * 86_400;
            let to = from + steps.iter().sum::<i64>() + 86_400;
            let (_, runs) = offset_bounds(zone, from - 2 * 86_400, to + 2 * 86_400);
            let mut resolver = Resolver::new(&runs);
            let mut wall = from;
            let mut answered = 0;
            for step in steps {
                wall += step;
                let local = chrono::DateTime::from_timestamp(wall, 0).unwrap().naive_utc();
                if let Some(t) = resolver.start(wall) {
                    answered += 1;
                    prop_assert_eq!(t, resolve_local(zone, local).timestamp(), "{} {}", zone, local);
                }
            }
            // Most wall clocks are far from a change of offset: the runs answer them.
            prop_assert!(answered > 0 || runs.len() > 1);
        }

        /// The same for wall clocks in any order (a far window's checks go back in time from one
        /// reaching rhythm to the next), and the offset at any instant of a run is the zone's.
        #[test]
        fn the_runs_answer_in_any_order_as_the_zone_does(
            zone in 0..ZONES.len(),
            start in 0i64..20_000,
            probes in prop::collection::vec(0i64..30 * 365 * 86_400, 1..200),
        ) {
            use chrono::{Offset, TimeZone};
            let zone = ZONES[zone];
            let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let from = epoch.and_utc().timestamp() + start * 86_400;
            let to = from + 30 * 365 * 86_400;
            let (_, runs) = offset_bounds(zone, from - 2 * 86_400, to + 2 * 86_400);
            let mut resolver = Resolver::new(&runs);
            for probe in probes {
                let t = from + probe;
                let local = chrono::DateTime::from_timestamp(t, 0).unwrap().naive_utc();
                if let Some(at) = resolver.start(t) {
                    prop_assert_eq!(at, resolve_local(zone, local).timestamp(), "{} {}", zone, local);
                }
                let offset = zone.timestamp_opt(t, 0).single().unwrap().offset().fix();
                if let Some(read) = offset_at(&runs, t) {
                    prop_assert_eq!(read, i64::from(offset.local_minus_utc()), "{} at {}", zone, t);
                }
            }
        }

        /// The local dates a span touches, read from the runs, are the dates the zone shows
        /// from its first instant to its last (at most 400 of them); and the span that shares a
        /// date or an ISO week with an occurrence is the one found by listing every date of both
        /// and comparing them one by one (the engine's `except` in day and week scope).
        #[test]
        fn dates_and_weeks_shared_are_those_the_zone_shows(
            zone in 0..ZONES.len(),
            start in 0i64..20_000 * 86_400,
            length in 1i64..3 * 86_400,
            others in prop::collection::vec((-12i64 * 86_400..12 * 86_400, 1i64..4 * 86_400), 0..6),
            runs_known in any::<bool>(),
        ) {
            use chrono::{Datelike, TimeZone};
            let zone = ZONES[zone];
            let epoch = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
            let start = epoch.and_utc().timestamp() + start;
            let end = start + length;
            let (_, runs) = offset_bounds(zone, start - 20 * 86_400, end + 20 * 86_400);
            let runs = if runs_known { runs } else { Vec::new() };
            let mut spans: Vec<(i64, i64)> =
                others.into_iter().map(|(at, len)| (start + at, start + at + len)).collect();
            spans.sort_unstable();
            let dates = |s: i64, e: i64| {
                let first = zone.timestamp_opt(s, 0).unwrap().date_naive();
                let last = zone.timestamp_opt((e - 1).max(s), 0).unwrap().date_naive();
                first.iter_days().take_while(|d| *d <= last).take(400).collect::<Vec<NaiveDate>>()
            };
            let days_of = |s: i64, e: i64| {
                let listed = dates(s, e);
                let day = |d: &NaiveDate| (*d - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days();
                (day(listed.first().unwrap()), day(listed.last().unwrap()))
            };
            prop_assert_eq!(local_days(zone, &runs, start, end), Some(days_of(start, end)));
            let days: Vec<Option<(i64, i64)>> =
                spans.iter().map(|(s, e)| local_days(zone, &runs, *s, *e)).collect();
            for week in [false, true] {
                let same = |a: NaiveDate, b: NaiveDate| {
                    if week { a.iso_week() == b.iso_week() } else { a == b }
                };
                let listed = dates(start, end).into_iter().find_map(|d| {
                    spans.iter().find(|(s, e)| dates(*s, *e).into_iter().any(|o| same(o, d))).map(|(s, _)| *s)
                });
                let own = local_days(zone, &runs, start, end).unwrap();
                prop_assert_eq!(first_touching(&spans, &days, own, week), listed, "week {}", week);
            }
        }

        /// The spans a week index leaves out cannot hold a candidate at any of the rule's times
        /// of week within their overlap bounds: the far window's search loses no suspect.
        #[test]
        fn a_week_index_leaves_out_only_spans_no_candidate_can_meet(
            spans in prop::collection::vec((0i64..400 * 86_400, 60i64..3 * 86_400), 1..80),
            residues in prop::collection::btree_set(0i64..7 * 86_400, 1..8),
            low in -12i64 * 3_600..=14 * 3_600,
            drift in 0i64..=2 * 3_600,
            longest in 0i64..2 * 86_400,
        ) {
            let mut spans: Vec<(i64, i64)> = spans.into_iter().map(|(s, len)| (s, s + len)).collect();
            spans.sort_unstable();
            let residues: Vec<i64> = residues.into_iter().collect();
            let offsets = (low, low + drift);
            let index = WeekIndex::new(&spans);
            let Some(near) = index.near(&residues, offsets, longest) else { return Ok(()) };
            prop_assert!(near.windows(2).all(|w| w[0] < w[1]));
            let reach = Reach { spans: &spans, touch: Touch::Overlap, by_week: None, days: &[] };
            for (j, (s, e)) in spans.iter().enumerate() {
                if near.contains(&j) {
                    continue;
                }
                let (from, to) = reach.bounds(*s, *e, offsets, longest);
                for r in &residues {
                    // The first wall clock after `from` at time of week r.
                    let first = from + 1 + (r - (from + 1)).rem_euclid(7 * 86_400);
                    prop_assert!(first >= to, "span {} at {} holds {}", j, s, first);
                }
            }
        }
    }
}
