//! All-day and one-off rhythms in feeds: the date forms (`VALUE=DATE`, exclusive `DTEND`, RRULE
//! with a date `UNTIL`, `RDATE;VALUE=DATE`), no VTIMEZONE for dates, and a property test: for
//! random all-day and one-off rhythms, the feed expanded by tempi's own reader
//! (`import::instances`, what `tempi expand` prints) is exactly the plan.

use proptest::prelude::*;
use tempi_core::chrono::{Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use tempi_core::chrono_tz::Tz;
use tempi_core::{
    Cadence, Category, ClashPolicy, ClashScope, Community, Group, Member, Plan, Rhythm, Scale,
    Window,
};
use tempi_ical::export::{self, ExportOptions, Scope};
use tempi_ical::import;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn options() -> ExportOptions {
    ExportOptions::new(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap())
}

fn community(zone: Tz, rhythms: Vec<Rhythm>) -> Community {
    let mut builder = Community::builder("c", "C", zone, date(2027, 1, 4));
    builder.member(Member::new("ana", "Ana", zone));
    builder.member(Member::new("bo", "Bo", zone));
    builder.group(Group::new("all", "All", Scale::Range { min: 1, max: 5 }).members(["ana", "bo"]));
    for rhythm in rhythms {
        builder.rhythm(rhythm);
    }
    builder.build().unwrap().0
}

fn all_day(id: &str, cadence: Cadence, days: u32) -> Rhythm {
    // No rotating facilitator: every instance has the same content, so the forms show bare.
    Rhythm::builder(id, "all")
        .category(Category::Relational)
        .timing(cadence)
        .at_time(NaiveTime::MIN)
        .length(&format!("{days}d"))
        .build()
        .unwrap()
        .all_day()
        .roles(Vec::new())
}

fn feed(community: &Community, plan: &Plan) -> String {
    export::feed(community, plan, Scope::Community, &options()).unwrap().ics
}

/// Lines of the feed's VEVENTs that are not content (SUMMARY, DESCRIPTION…).
fn times(ics: &str) -> Vec<&str> {
    let events = ics.rfind("END:VTIMEZONE").map_or(ics, |at| &ics[at..]);
    let zones = ics.contains("BEGIN:VTIMEZONE").then_some("BEGIN:VTIMEZONE");
    zones
        .into_iter()
        .chain(events.split("\r\n"))
        .filter(|l| {
            [
                "DTSTART",
                "DTEND",
                "RRULE",
                "RDATE",
                "EXDATE",
                "RECURRENCE-ID",
                "DURATION",
                "BEGIN:VTIMEZONE",
            ]
            .iter()
            .any(|p| l.starts_with(p))
        })
        .collect()
}

/// tempi's rows for a plan: `UID\tSTART\tLENGTH` as `tempi expand` prints them.
fn planned_rows(community: &Community, plan: &Plan) -> Vec<String> {
    let uids = export::occurrence_uids(community, plan);
    let mut rows: Vec<String> = plan
        .occurrences()
        .iter()
        .zip(uids)
        .filter(|(o, _)| o.is_active())
        .map(|(o, uid)| match o.days() {
            Some((first, days)) => format!("{uid}\t{}\tD{days}", first.format("%Y%m%d")),
            None => format!(
                "{uid}\t{}\t{}",
                o.start.with_timezone(&Utc).format("%Y%m%dT%H%M%SZ"),
                (o.end - o.start).num_seconds()
            ),
        })
        .collect();
    rows.sort();
    rows
}

fn read_rows(ics: &str, plan: &Plan) -> Vec<String> {
    let from = plan.window().start().date_naive() - Duration::days(1);
    let to = plan.window().end().date_naive() + Duration::days(1);
    let mut rows: Vec<String> = import::instances(ics.as_bytes(), from, to)
        .unwrap()
        .map(Result::unwrap)
        .map(|i| i.to_string())
        .collect();
    rows.sort();
    rows
}

#[test]
fn a_weekly_all_day_rhythm_is_a_date_rrule_with_exclusive_end_and_no_zone() {
    let berlin: Tz = "Europe/Berlin".parse().unwrap();
    let community = community(berlin, vec![all_day("fast", "weekly on sun".parse().unwrap(), 2)]);
    let plan =
        community.plan(Window::days(berlin, date(2027, 3, 1), date(2027, 4, 30)).unwrap()).unwrap();
    let ics = feed(&community, &plan);
    // Sundays 7 March to 25 April 2027; Sunday + 2 days ends (exclusive) on Tuesday.
    assert_eq!(
        times(&ics),
        [
            "DTSTART;VALUE=DATE:20270307",
            "DTEND;VALUE=DATE:20270309",
            "RRULE:FREQ=WEEKLY;BYDAY=SU;UNTIL=20270425"
        ]
    );
    assert_eq!(read_rows(&ics, &plan), planned_rows(&community, &plan));
}

#[test]
fn one_off_dates_are_rdates_and_a_single_date_a_plain_event() {
    let zone: Tz = "America/Santiago".parse().unwrap();
    let community = community(
        zone,
        vec![
            all_day("fiesta", Cadence::dates([date(2027, 9, 18), date(2027, 9, 5)]), 1),
            all_day("retreat", Cadence::dates([date(2027, 6, 11)]), 3),
            Rhythm::builder("fair", "all")
                .category(Category::Relational)
                .timing(Cadence::dates([date(2027, 6, 19), date(2027, 10, 2)]))
                .at_time(NaiveTime::from_hms_opt(10, 0, 0).unwrap())
                .length("3h")
                .build()
                .unwrap()
                .roles(Vec::new()),
        ],
    );
    let plan = community.plan(Window::year(zone, 2027).unwrap()).unwrap();
    let ics = feed(&community, &plan);
    assert_eq!(
        times(&ics),
        [
            "BEGIN:VTIMEZONE",
            // fiesta: 5 September's midnight is a DST gap; as a date it needs nothing.
            "DTSTART;VALUE=DATE:20270905",
            "DTEND;VALUE=DATE:20270906",
            "RRULE:FREQ=DAILY;COUNT=1",
            "RDATE;VALUE=DATE:20270918",
            // retreat: one date, three days.
            "DTSTART;VALUE=DATE:20270611",
            "DTEND;VALUE=DATE:20270614",
            // fair: timed, two dates: DTSTART, the RDATE-series RRULE, one RDATE.
            "DTSTART;TZID=America/Santiago:20270619T100000",
            "DTEND;TZID=America/Santiago:20270619T130000",
            "RRULE:FREQ=DAILY;COUNT=1",
            "RDATE;TZID=America/Santiago:20271002T100000",
        ]
    );
    assert_eq!(read_rows(&ics, &plan), planned_rows(&community, &plan));
}

#[test]
fn an_all_day_feed_alone_has_no_vtimezone() {
    let zone: Tz = "Europe/Berlin".parse().unwrap();
    let community =
        community(zone, vec![all_day("retreat", Cadence::dates([date(2027, 6, 11)]), 3)]);
    let plan = community.plan(Window::year(zone, 2027).unwrap()).unwrap();
    let ics = feed(&community, &plan);
    assert!(!ics.contains("BEGIN:VTIMEZONE") && !ics.contains("TZID"), "{ics}");
}

#[test]
fn exceptions_and_shifts_become_date_exdates_and_overrides() {
    // A weekly all-day rhythm on Saturdays yields to a one-off on Saturday 12 June 2027 and shifts
    // to Sunday 13 June (ISO weeks run Monday to Sunday: the nearest free day is Friday 11 or
    // Sunday 13; +1 is tried first).
    let zone: Tz = "Europe/London".parse().unwrap();
    let community = community(
        zone,
        vec![
            all_day("fair", Cadence::dates([date(2027, 6, 12)]), 1).priority(5),
            all_day("walk", "weekly on sat".parse().unwrap(), 1)
                .except("fair", ClashScope::Day)
                .on_clash(ClashPolicy::Shift),
        ],
    );
    let plan =
        community.plan(Window::days(zone, date(2027, 6, 1), date(2027, 6, 30)).unwrap()).unwrap();
    let ics = feed(&community, &plan);
    assert!(ics.contains("RECURRENCE-ID;VALUE=DATE:20270612\r\nDTSTART;VALUE=DATE:20270613\r\nDTEND;VALUE=DATE:20270614\r\n"), "{ics}");
    assert_eq!(read_rows(&ics, &plan), planned_rows(&community, &plan));
}

const ZONES: &[&str] = &[
    "Europe/Berlin",
    "America/Santiago",
    "Australia/Lord_Howe",
    "America/Havana",
    "Asia/Kolkata",
    "Pacific/Apia",
];
const CADENCES: &[&str] = &[
    "weekly on sat",
    "every 2 weeks on mon, thu",
    "monthly on day 31",
    "last fri of every month",
    "first mon of every quarter",
    "2nd sat of september",
    "every 10 days",
    "full moon",
    "FREQ=YEARLY;BYWEEKNO=2,20;BYDAY=TU",
];

fn random_rhythm(
    id: String,
    all_day_rhythm: bool,
    cadence: Option<usize>,
    dates: Vec<(u32, u32)>,
    days: u32,
) -> Rhythm {
    let cadence = match cadence {
        Some(index) => CADENCES[index].parse().unwrap(),
        None => Cadence::dates(dates.iter().map(|(m, d)| date(2027, *m, *d))),
    };
    if all_day_rhythm {
        all_day(&id, cadence, days)
    } else {
        let at = NaiveTime::from_hms_opt(19, 0, 0).unwrap();
        Rhythm::builder(id.as_str(), "all")
            .category(Category::Working)
            .timing(cadence)
            .at_time(at)
            .length("2h")
            .build()
            .unwrap()
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Export, then expand with tempi's own reader: every active occurrence and nothing else,
    /// all-day ones as dates with whole days.
    #[test]
    fn export_then_expand_equals_the_plan(
        zone in 0..ZONES.len(),
        specs in proptest::collection::vec(
            (any::<bool>(), proptest::option::of(0..CADENCES.len()),
             proptest::collection::vec((1u32..=12, 1u32..=28), 1..6), 1u32..=3, any::<bool>()),
            1..4),
    ) {
        let zone: Tz = ZONES[zone].parse().unwrap();
        let mut rhythms = Vec::new();
        for (k, (all_day_rhythm, cadence, dates, days, yields)) in specs.into_iter().enumerate() {
            let mut rhythm = random_rhythm(format!("r{k}"), all_day_rhythm, cadence, dates, days);
            if yields && k > 0 {
                rhythm = rhythm.except("r0", ClashScope::Day).on_clash(ClashPolicy::Shift);
            }
            rhythms.push(rhythm);
        }
        let mut builder = Community::builder("c", "C", zone, date(2027, 1, 4));
        builder.member(Member::new("ana", "Ana", zone));
        builder.group(Group::new("all", "All", Scale::Range { min: 1, max: 5 }).members(["ana"]));
        for rhythm in rhythms {
            builder.rhythm(rhythm);
        }
        // Lengths longer than their cadence are refused: nothing to compare.
        let Ok((community, _)) = builder.build() else { return Ok(()) };
        let plan = community.plan(Window::year(zone, 2027).unwrap()).unwrap();
        let ics = feed(&community, &plan);
        prop_assert_eq!(read_rows(&ics, &plan), planned_rows(&community, &plan));
    }
}
