//! The solver expands cadences exactly as `plan` does (issue 11.5): for random cadences
//! (WKST, INTERVAL, multi-day BYDAY lists, monthly and yearly rules, moon phases), windows and
//! zones, the dates a recurring query and an `at = "auto"` placement check are the dates the
//! plan then holds. The plan is the reference: it is what the community will actually meet on.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use proptest::prelude::*;
use tempi_core::{
    Cadence, Category, Community, Group, Member, Rhythm, Scale, WeeklyWindow, Window,
};
use tempi_solve::{Availability, PlaceOptions, SeriesEnd, SeriesQuery, place};

const ZONES: [Tz; 5] = [
    chrono_tz::Europe::Berlin,
    chrono_tz::America::New_York,
    chrono_tz::Australia::Sydney,
    chrono_tz::Asia::Kolkata,
    chrono_tz::America::Havana,
];
const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// Rules whose dates do not depend on the time of day (no BYHOUR, no UNTIL with a time).
fn cadence() -> impl Strategy<Value = Cadence> {
    let days = prop::collection::btree_set(0usize..7, 1..4)
        .prop_map(|set| set.into_iter().map(|d| DAYS[d]).collect::<Vec<_>>().join(","));
    let wkst = prop::option::of(0usize..7).prop_map(|w| match w {
        Some(w) => format!(";WKST={}", DAYS[w]),
        None => String::new(),
    });
    let weekly = (1u16..5, days, wkst)
        .prop_map(|(n, days, wkst)| format!("FREQ=WEEKLY;INTERVAL={n};BYDAY={days}{wkst}"));
    let daily = (1u16..10).prop_map(|n| format!("FREQ=DAILY;INTERVAL={n}"));
    let monthly = (1u16..4, 0usize..7, prop::sample::select(vec![1i8, 2, 3, 4, -1, -2]))
        .prop_map(|(n, d, nth)| format!("FREQ=MONTHLY;INTERVAL={n};BYDAY={nth}{}", DAYS[d]));
    let monthday = (1u16..4, prop::sample::select(vec![1i8, 15, 28, 29, 31, -1]))
        .prop_map(|(n, d)| format!("FREQ=MONTHLY;INTERVAL={n};BYMONTHDAY={d}"));
    let friendly = prop::sample::select(vec![
        "weekly",
        "fortnightly",
        "every 2 weeks on mon, sun",
        "every 3 weeks on sat, sun, mon",
        "first mon of every quarter",
        "last fri of every month",
        "monthly",
        "quarterly",
        "full moon",
        "new moon",
    ])
    .prop_map(str::to_string);
    prop_oneof![weekly, daily, monthly, monthday, friendly].prop_map(|text| text.parse().unwrap())
}

fn date(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + Duration::days(offset)
}

fn noon() -> NaiveTime {
    NaiveTime::from_hms_opt(12, 0, 0).unwrap()
}

/// The local dates the plan holds for one rhythm on `cadence` at noon from `start`, in
/// `[from, last]`.
fn planned(
    cadence: &Cadence,
    zone: Tz,
    start: NaiveDate,
    from: NaiveDate,
    last: NaiveDate,
) -> Vec<NaiveDate> {
    let mut b = Community::builder("c", "C", zone, start);
    b.group(Group::new("g", "G", Scale::Range { min: 0, max: 10 }));
    b.rhythm(
        Rhythm::builder("r", "g")
            .name("R")
            .category(Category::Relational)
            .timing(cadence.clone())
            .at_time(noon())
            .length("60m")
            .build()
            .unwrap()
            .roles(Vec::new())
            .zone(zone)
            .starting(start),
    );
    let (community, _) = b.build().unwrap();
    let window = Window::days(zone, from, last).unwrap();
    let plan = community.plan(window).unwrap();
    plan.occurrences().iter().map(|o| o.start.with_timezone(&zone).date_naive()).collect()
}

fn every_day_at_noon() -> Vec<WeeklyWindow> {
    WeeklyWindow::parse_many("mon-sun 12:00-13:00").unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    /// A recurring query's occurrences fall on the plan's dates for the pattern it found.
    #[test]
    fn series_dates_are_the_plans(
        cadence in cadence(),
        z in 0usize..ZONES.len(),
        from in 0i64..1500,
        span in 20i64..400,
    ) {
        let zone = ZONES[z];
        let (from, last) = (date(from), date(from + span));
        let mut query = SeriesQuery::new(
            "60m".parse().unwrap(), cadence.clone(), zone, from, SeriesEnd::Until(last));
        query.required(Availability::new("a", zone).windows(every_day_at_noon()));
        let Ok(answer) = query.solve() else {
            // No occurrence in the window: the plan has none either.
            prop_assert!(planned(&cadence, zone, from, from, last).is_empty());
            return Ok(());
        };
        let best = &answer.patterns[0];
        prop_assert_eq!(best.time, noon());
        let dates: Vec<NaiveDate> =
            best.occurrences.iter().map(|o| o.start.with_timezone(&zone).date_naive()).collect();
        prop_assert_eq!(dates, planned(&cadence, zone, best.first, from, last));
    }

    /// An `at = "auto"` rhythm that started long before the window is checked on the plan's dates:
    /// its only member is away on every other day, so a placement checking any other day misses.
    #[test]
    fn placement_checks_the_plans_dates(
        cadence in cadence(),
        z in 0usize..ZONES.len(),
        start in 0i64..700,
        lead in 0i64..800,
        span in 20i64..200,
    ) {
        let day_free = cadence.as_rule().is_some_and(|r| {
            r.by_day().is_empty() && r.by_month_day().is_empty()
                && !matches!(r.freq(), tempi_core::Frequency::Daily)
        });
        prop_assume!(!day_free);
        let zone = ZONES[z];
        let (start, from) = (date(start), date(start + lead));
        let last = from + Duration::days(span);
        let dates = planned(&cadence, zone, start, from, last);
        prop_assume!(!dates.is_empty());
        let mut member = every_day_at_noon()
            .into_iter()
            .fold(Member::new("m", "M", zone), Member::window);
        let mut day = from;
        while day <= last {
            if dates.binary_search(&day).is_err() {
                member = member.away(day, day);
            }
            day = day.succ_opt().unwrap();
        }
        let mut b = Community::builder("c", "C", zone, start);
        b.member(member);
        b.group(Group::new("g", "G", Scale::Range { min: 0, max: 10 }).members(["m"]));
        b.rhythm(
            Rhythm::builder("r", "g")
                .name("R")
                .category(Category::Relational)
                .timing(cadence.clone())
                .at_time(NaiveTime::MIN)
                .length("60m")
                .build()
                .unwrap()
                .roles(Vec::new())
                .zone(zone)
                .starting(start)
                .auto(),
        );
        let (community, _) = b.build().unwrap();
        let window = Window::days(zone, from, last).unwrap();
        let report = place(&community, window, &PlaceOptions::new()).unwrap();
        let placement = &report.placements[0];
        prop_assert_eq!(placement.at, Some(noon()), "{:?}", placement);
        prop_assert_eq!(placement.misses, 0);
        prop_assert_eq!(placement.occurrences, dates.len());
        let plan = report.community.plan(window).unwrap();
        let held: Vec<NaiveDate> =
            plan.occurrences().iter().map(|o| o.start.with_timezone(&zone).date_naive()).collect();
        prop_assert_eq!(held, dates);
    }
}

/// The case from issue 11: every 2 weeks on Monday and Sunday. The Sunday is the one that ends
/// the Monday's week (WKST=MO, RFC 5545 §3.3.10), 6 days after it, not the one before it.
#[test]
fn every_two_weeks_on_mon_and_sun_keeps_the_rules_weeks() {
    let zone = chrono_tz::Europe::Berlin;
    let from = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(); // a Monday
    let last = NaiveDate::from_ymd_opt(2027, 4, 30).unwrap();
    let cadence: Cadence = "every 2 weeks on mon, sun".parse().unwrap();
    let mut query =
        SeriesQuery::new("60m".parse().unwrap(), cadence, zone, from, SeriesEnd::Until(last));
    query.required(Availability::new("a", zone).windows(every_day_at_noon()));
    let answer = query.solve().unwrap();
    let dates: Vec<NaiveDate> = answer.patterns[0]
        .occurrences
        .iter()
        .map(|o| o.start.with_timezone(&zone).date_naive())
        .collect();
    let expected: Vec<NaiveDate> = (0..5)
        .flat_map(|k| [from + Duration::days(14 * k), from + Duration::days(14 * k + 6)])
        .filter(|d| *d <= last)
        .collect();
    assert!(expected.iter().all(|d| matches!(d.weekday(), Weekday::Mon | Weekday::Sun)));
    assert_eq!(dates, expected);
}
