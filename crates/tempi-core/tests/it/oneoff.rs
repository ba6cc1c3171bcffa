//! One-off dates (`Cadence::Dates`) and all-day rhythms, in the engine: composition, precedence,
//! rotation, commitments, and whole days across DST changes.
//!
//! The calendar facts used: 2027-06-12 and 2027-09-18 are Saturdays; in Europe/Berlin summer time
//! starts on Sunday 28 March 2027 (a 23-hour day) and ends on Sunday 31 October 2027 (25 hours);
//! in America/Santiago the clocks go from 00:00 to 01:00 on Sunday 5 September 2027, so that
//! day's midnight does not exist.

use chrono::{Duration, NaiveDate, Timelike};
use chrono_tz::{America::Santiago, Europe::Berlin};
use tempi_core::{
    Cadence, Category, ClashPolicy, ClashScope, Commitment, Community, CommunityBuilder, Group,
    Rhythm, Role, Scale, Status, Window,
};

use crate::{add_members, at, build, date, length, of, rhythm};

fn base() -> CommunityBuilder {
    let mut builder = Community::builder("c", "C", Berlin, date(2027, 1, 4));
    add_members(&mut builder, Berlin, &["ana", "bo", "cy"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "cy"]));
    builder
}

fn dated(id: &str, dates: &[NaiveDate], time: chrono::NaiveTime, len: &str) -> Rhythm {
    let cadence = Cadence::dates(dates.iter().copied());
    Rhythm::builder(id, "pod")
        .category(Category::Relational)
        .timing(cadence)
        .at_time(time)
        .lasting(length(len))
        .build()
        .unwrap()
}

fn all_day(id: &str, cadence: Cadence, days: u32) -> Rhythm {
    Rhythm::builder(id, "pod")
        .category(Category::Relational)
        .timing(cadence)
        .at_time(at(0, 0))
        .length(&format!("{days}d"))
        .build()
        .unwrap()
        .all_day()
}

fn year(builder: &CommunityBuilder) -> tempi_core::Plan {
    build(builder).plan(Window::year(Berlin, 2027).unwrap()).unwrap()
}

#[test]
fn explicit_dates_meet_on_those_dates_only_in_any_order() {
    let mut builder = base();
    builder.rhythm(dated("fair", &[date(2027, 9, 18), date(2027, 6, 12)], at(10, 0), "3h"));
    let plan = year(&builder);
    let starts: Vec<_> = of(&plan, "fair").iter().map(|o| o.start.naive_local()).collect();
    assert_eq!(
        starts,
        [date(2027, 6, 12).and_time(at(10, 0)), date(2027, 9, 18).and_time(at(10, 0))]
    );
    assert!(of(&plan, "fair").iter().all(|o| !o.all_day && o.days().is_none()));
}

#[test]
fn dates_before_the_start_or_after_the_end_are_never_planned_and_warned() {
    let mut builder = base();
    builder.rhythm(
        dated("fair", &[date(2026, 12, 1), date(2027, 6, 12), date(2027, 12, 30)], at(10, 0), "1h")
            .ending(date(2027, 12, 1)),
    );
    let (community, warnings) = builder.build().unwrap();
    let texts: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("2026-12-01 is before"), "{texts:?}");
    assert!(texts[1].contains("2027-12-30 is after"), "{texts:?}");
    let plan = community.plan(Window::year(Berlin, 2027).unwrap()).unwrap();
    assert_eq!(crate::dates(&plan, "fair"), [date(2027, 6, 12)]);
}

#[test]
fn a_one_off_cancels_the_weekly_meeting_it_overlaps_by_its_slower_tempo() {
    // Saturday 12 June 2027, 09:00-17:00, over the Saturday 10:00 pod meeting.
    let mut builder = base();
    builder.rhythm(rhythm("weekly", "pod", "weekly on sat", at(10, 0), "90m"));
    builder.rhythm(dated("fair", &[date(2027, 6, 12)], at(9, 0), "8h"));
    let plan = year(&builder);
    let cancelled: Vec<_> = of(&plan, "weekly")
        .into_iter()
        .filter_map(|o| match &o.status {
            Status::Cancelled { reason } => Some((o.start.date_naive(), reason.to_string())),
            _ => None,
        })
        .collect();
    assert_eq!(cancelled.len(), 1, "{cancelled:?}");
    assert_eq!(cancelled[0].0, date(2027, 6, 12));
    assert!(cancelled[0].1.contains("`fair`") && cancelled[0].1.contains("slower tempo"));
    assert!(plan.conflicts().is_empty());
}

#[test]
fn one_off_dates_can_yield_with_except_and_rotate_roles() {
    // The dates rhythm yields to a retreat week; its two remaining dates take turns.
    let mut builder = base();
    builder.rhythm(dated("retreat", &[date(2027, 5, 3)], at(9, 0), "2h"));
    builder.rhythm(
        dated("call", &[date(2027, 4, 26), date(2027, 5, 5), date(2027, 5, 10)], at(19, 0), "1h")
            .roles(vec![Role::rotating("facilitator")])
            .except("retreat", ClashScope::Week),
    );
    let plan = year(&builder);
    let calls = of(&plan, "call");
    assert_eq!(calls.len(), 3);
    // Wednesday 5 May is in the ISO week of Monday 3 May.
    assert!(matches!(calls[1].status, Status::Cancelled { .. }));
    // Two occurrences go ahead: the first and second turn of the rotation (file order ana, bo).
    assert_eq!(calls[0].facilitator(), Some("ana"));
    assert_eq!(calls[2].facilitator(), Some("bo"));
}

#[test]
fn an_all_day_retreat_cancels_the_pod_meeting_that_day() {
    // A three-day retreat from Friday 11 June 2027 covers Saturday 12 June and its 10:00 meeting.
    let mut builder = base();
    builder.rhythm(rhythm("weekly", "pod", "weekly on sat", at(10, 0), "90m"));
    builder.rhythm(all_day("retreat", Cadence::dates([date(2027, 6, 11)]), 3));
    let plan = year(&builder);
    let retreat = of(&plan, "retreat");
    assert_eq!(retreat.len(), 1);
    assert!(retreat[0].all_day);
    assert_eq!(retreat[0].days(), Some((date(2027, 6, 11), 3)));
    assert_eq!(retreat[0].start.naive_local(), date(2027, 6, 11).and_time(at(0, 0)));
    assert_eq!(retreat[0].end.naive_local(), date(2027, 6, 14).and_time(at(0, 0)));
    let cancelled: Vec<_> = of(&plan, "weekly")
        .into_iter()
        .filter(|o| !o.is_active())
        .map(|o| o.start.date_naive())
        .collect();
    assert_eq!(cancelled, [date(2027, 6, 12)]);
}

#[test]
fn all_day_occurrences_keep_whole_days_across_dst() {
    // Daily all-day rhythm around both Berlin changes: each day runs midnight to midnight, so the
    // spring Sunday lasts 23 hours and the autumn Sunday 25.
    let mut builder = base();
    builder.rhythm(all_day("day", "daily".parse().unwrap(), 1));
    let plan = crate::plan_days(&build(&builder), Berlin, date(2027, 3, 27), date(2027, 11, 1));
    let occs = of(&plan, "day");
    for o in &occs {
        assert!(o.all_day);
        assert_eq!(o.start.time().hour(), 0, "{o:?}");
        assert_eq!(
            o.end.naive_local(),
            (o.start.date_naive() + Duration::days(1)).and_time(at(0, 0))
        );
        assert_eq!(o.days().map(|(_, n)| n), Some(1));
    }
    let hours = |d: NaiveDate| {
        let o = occs.iter().find(|o| o.start.date_naive() == d).unwrap();
        (o.end - o.start).num_hours()
    };
    assert_eq!(hours(date(2027, 3, 28)), 23);
    assert_eq!(hours(date(2027, 3, 29)), 24);
    assert_eq!(hours(date(2027, 10, 31)), 25);
}

#[test]
fn an_all_day_day_whose_midnight_is_a_dst_gap_starts_at_the_first_instant() {
    let mut builder = Community::builder("c", "C", Santiago, date(2027, 1, 4));
    add_members(&mut builder, Santiago, &["ana", "bo", "cy"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "cy"]));
    builder.rhythm(all_day("fiesta", Cadence::dates([date(2027, 9, 4), date(2027, 9, 5)]), 1));
    let community = build(&builder);
    let plan = community.plan(Window::year(Santiago, 2027).unwrap()).unwrap();
    let occs = of(&plan, "fiesta");
    assert_eq!(occs.len(), 2);
    // Saturday ends when Sunday begins, at 01:00 (00:00 does not exist): a 24-hour day.
    assert_eq!(occs[0].end, occs[1].start);
    assert_eq!(occs[1].start.naive_local(), date(2027, 9, 5).and_time(at(1, 0)));
    assert_eq!(occs[0].days(), Some((date(2027, 9, 4), 1)));
    assert_eq!(occs[1].days(), Some((date(2027, 9, 5), 1)));
}

#[test]
fn all_day_commitments_and_shifts_stay_whole_days() {
    // A weekly all-day fast on Sundays, in cycles of 2 plus a one-day retrospective; it yields to
    // a one-off all-day gathering on Sunday 28 March 2027 (the 23-hour day) and shifts to the
    // nearest free day of that ISO week, Saturday 27 March.
    let mut builder = base();
    builder.rhythm(all_day("gathering", Cadence::dates([date(2027, 3, 28)]), 1));
    builder.rhythm(
        all_day("fast", "weekly on sun".parse().unwrap(), 1)
            .commitment(Commitment::new(2).retrospective(length("1d")))
            .except("gathering", ClashScope::Day)
            .on_clash(ClashPolicy::Shift),
    );
    let plan = crate::plan_days(&build(&builder), Berlin, date(2027, 3, 1), date(2027, 4, 30));
    let shifted: Vec<_> = of(&plan, "fast")
        .into_iter()
        .filter(|o| matches!(o.status, Status::Shifted { .. }))
        .collect();
    assert_eq!(shifted.len(), 1);
    assert_eq!(shifted[0].days(), Some((date(2027, 3, 27), 1)));
    assert_eq!((shifted[0].end - shifted[0].start).num_hours(), 24);
    for o in of(&plan, "fast") {
        assert_eq!(o.days().map(|(_, n)| n), Some(1), "{o:?}");
        assert_eq!(o.start.time().hour(), 0);
    }
}

#[test]
fn an_all_day_rhythm_must_be_whole_days_without_a_time() {
    let mut builder = base();
    builder.rhythm(
        Rhythm::builder("r", "pod")
            .category(Category::Relational)
            .timing(Cadence::dates([date(2027, 6, 1)]))
            .at_time(at(0, 0))
            .length("36h")
            .build()
            .unwrap()
            .all_day(),
    );
    let message = builder.build().unwrap_err().to_string();
    assert!(message.contains("lasts whole days, not 1d12h"), "{message}");

    let mut builder = base();
    builder.rhythm(all_day("r", Cadence::dates([date(2027, 6, 1)]), 1).placed_at(at(9, 0)));
    let message = builder.build().unwrap_err().to_string();
    assert!(message.contains("has no `at`"), "{message}");
}

#[test]
fn an_empty_dates_list_is_an_error() {
    let mut builder = base();
    builder.rhythm(dated("r", &[], at(9, 0), "1h"));
    let message = builder.build().unwrap_err().to_string();
    assert!(message.contains("empty `dates` list"), "{message}");
}

#[cfg(feature = "toml")]
mod file {
    use crate::date;

    const HEAD: &str = r#"[community]
id = "c"
name = "C"
zone = "Europe/Berlin"
start = "2027-01-04"

[[members]]
id = "ana"
name = "Ana"
zone = "Europe/Berlin"

[[groups]]
id = "pod"
name = "Pod"
scale = "1..3"
members = ["ana"]
"#;

    fn parse(rhythm: &str) -> Result<tempi_core::file::Loaded, tempi_core::Error> {
        tempi_core::file::parse(&format!("{HEAD}\n[[rhythms]]\n{rhythm}"), "c.toml")
    }

    #[test]
    fn a_rhythm_without_at_is_all_day_and_one_day_long_by_default() {
        let loaded =
            parse("id = \"fair\"\nname = \"Fair\"\ngroup = \"pod\"\ncategory = \"relational\"\ndates = [\"2027-06-12\"]\n").unwrap();
        let rhythm = loaded.community.rhythm("fair").unwrap();
        assert!(rhythm.is_all_day());
        assert_eq!(rhythm.all_day_days(), Some(1));
        assert_eq!(
            rhythm.timing(),
            &tempi_core::Timing::Cadence(tempi_core::Cadence::Dates(vec![date(2027, 6, 12)]))
        );
    }

    #[test]
    fn a_yearly_all_day_retreat_of_three_days() {
        let loaded = parse("id = \"retreat\"\nname = \"Retreat\"\ngroup = \"pod\"\ncategory = \"relational\"\ncadence = \"2nd sat of september\"\nlength = \"3d\"\n").unwrap();
        assert_eq!(loaded.community.rhythm("retreat").unwrap().all_day_days(), Some(3));
    }

    #[test]
    fn dates_with_a_cadence_is_a_located_error() {
        let err = parse("id = \"fair\"\nname = \"Fair\"\ngroup = \"pod\"\ncategory = \"relational\"\ncadence = \"weekly on tue\"\ndates = [\"2027-06-12\"]\nat = \"10:00\"\nlength = \"1h\"\n").unwrap_err();
        assert_eq!(err.diagnostics().len(), 1, "{err}");
        // Line 23 is the `cadence` line (16 lines of head, a blank, the header, then 4 fields).
        assert!(
            err.diagnostics()[0]
                .to_string()
                .starts_with("c.toml:23:11: error: a rhythm has either explicit `dates`"),
            "{err}"
        );
    }

    #[test]
    fn a_date_listed_twice_is_a_warning_at_the_second() {
        let loaded = parse("id = \"fair\"\nname = \"Fair\"\ngroup = \"pod\"\ncategory = \"relational\"\ndates = [\"2027-06-12\", \"2027-06-12\"]\nat = \"10:00\"\nlength = \"1h\"\n").unwrap();
        let warnings: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "c.toml:23:24: warning: 2027-06-12 is listed twice in `dates` (entries 1 and 2); it is planned once, remove one"
            ]
        );
    }

    #[test]
    fn an_empty_dates_list_in_a_file_is_a_located_error() {
        let err = parse("id = \"fair\"\nname = \"Fair\"\ngroup = \"pod\"\ncategory = \"relational\"\ndates = []\n").unwrap_err();
        assert_eq!(err.diagnostics().len(), 1, "{err}");
        assert!(
            err.diagnostics()[0]
                .to_string()
                .starts_with("c.toml:23:9: error: rhythm `fair` has an empty `dates` list"),
            "{err}"
        );
    }

    #[test]
    fn a_timed_rhythm_needs_a_length_and_an_all_day_one_whole_days() {
        let err = parse("id = \"fair\"\nname = \"Fair\"\ngroup = \"pod\"\ncategory = \"relational\"\ndates = [\"2027-06-12\"]\nat = \"10:00\"\n").unwrap_err();
        assert!(err.to_string().contains("has an `at` but no `length`"), "{err}");
        let err = parse("id = \"fair\"\nname = \"Fair\"\ngroup = \"pod\"\ncategory = \"relational\"\ndates = [\"2027-06-12\"]\nlength = \"90m\"\n").unwrap_err();
        assert!(err.to_string().starts_with("c.toml:24:10: error: rhythm `fair` is all-day (it has no `at`), so it lasts whole days, not 1h30m"), "{err}");
    }
}

mod props {
    use chrono::{NaiveTime, TimeZone};
    use chrono_tz::Tz;
    use proptest::prelude::*;
    use tempi_core::{Cadence, Category, Community, Group, Member, Rhythm, Scale, Window};

    use crate::{date, length};

    const ZONES: &[&str] = &[
        "Europe/Berlin",
        "America/Santiago",
        "America/Havana",
        "Australia/Lord_Howe",
        "Asia/Beirut",
        "Pacific/Apia",
    ];
    const CADENCES: &[&str] = &[
        "weekly on sun",
        "every 4 days",
        "monthly on day 31",
        "last sat of every month",
        "full moon",
    ];

    /// Whether `wall` in `zone` is local midnight, or the first instant of a day whose midnight
    /// DST skipped.
    fn starts_a_day(zone: Tz, start: chrono::DateTime<Tz>) -> bool {
        let midnight = start.date_naive().and_time(NaiveTime::MIN);
        start.time() == NaiveTime::MIN || zone.from_local_datetime(&midnight).single().is_none()
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

        /// Every all-day occurrence covers exactly its whole local days (starts at a day's first
        /// instant, ends at the first instant after its last day), whatever DST does, and a
        /// plan of one month is the slice of the year's plan.
        #[test]
        fn all_day_occurrences_are_whole_local_days(
            zone in 0..ZONES.len(),
            cadence in proptest::option::of(0..CADENCES.len()),
            dates in proptest::collection::vec((1u32..=12, 1u32..=28), 1..8),
            days in 1u32..=3,
            month in 1u32..=12,
        ) {
            let zone: Tz = ZONES[zone].parse().unwrap();
            let cadence = match cadence {
                Some(i) => CADENCES[i].parse().unwrap(),
                None => Cadence::dates(dates.iter().map(|(m, d)| date(2027, *m, *d))),
            };
            let mut builder = Community::builder("c", "C", zone, date(2027, 1, 1));
            builder.member(Member::new("ana", "Ana", zone));
            builder.group(Group::new("g", "G", Scale::Range { min: 1, max: 3 }).members(["ana"]));
            builder.rhythm(
                Rhythm::builder("r", "g")
                    .category(Category::Relational)
                    .timing(cadence)
                    .at_time(NaiveTime::MIN)
                    .lasting(length(&format!("{days}d")))
                    .build()
                    .unwrap()
                    .all_day(),
            );
            // Dates closer together than the length are refused: nothing to check.
            let Ok((community, _)) = builder.build() else { return Ok(()) };
            let year = community.plan(Window::year(zone, 2027).unwrap()).unwrap();
            for o in year.occurrences() {
                prop_assert!(o.all_day);
                prop_assert!(starts_a_day(zone, o.start), "{o:?}");
                prop_assert!(starts_a_day(zone, o.end), "{o:?}");
                let (first, n) = o.days().unwrap();
                prop_assert_eq!(n, days);
                prop_assert_eq!(o.end.date_naive(), first + chrono::Duration::days(i64::from(days)));
            }
            let last = date(2027, month, 1) + chrono::Duration::days(27);
            let window = Window::days(zone, date(2027, month, 1), last).unwrap();
            let slice: Vec<_> = year
                .occurrences()
                .iter()
                .filter(|o| window.contains(o.start.with_timezone(&chrono::Utc)))
                .cloned()
                .collect();
            let month_plan = community.plan(window).unwrap();
            prop_assert_eq!(month_plan.occurrences(), &slice[..]);
        }
    }
}
