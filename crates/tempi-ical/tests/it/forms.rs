//! The forms every client reads alike (notes/calendar-clients.md, classes 11, 25–27), checked on
//! the text of the sample's feeds and of a community built to hit DST gaps, overlaps and a long
//! event across a change: an RDATE series also has an RRULE and never repeats DTSTART as an
//! RDATE; an event on its own never spans a DST change (it becomes a one-instance series with an
//! override carrying DTEND); no feed says X-WR-TIMEZONE.

use tempi_core::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use tempi_core::chrono_tz::Tz;
use tempi_core::{Community, Window};
use tempi_ical::export::{self, ExportOptions};

use crate::identity::{dst_community, vevents};

type Event = Vec<(String, String)>;

fn get<'e>(event: &'e Event, name: &str) -> Vec<&'e (String, String)> {
    event.iter().filter(|(n, _)| n.split(';').next() == Some(name)).collect()
}

fn instant(name: &str, value: &str) -> DateTime<Utc> {
    let tzid = name.split(';').find_map(|p| p.strip_prefix("TZID=")).expect(name);
    let zone: Tz = tzid.parse().expect(tzid);
    let wall = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").expect(value);
    zone.from_local_datetime(&wall).single().expect(value).with_timezone(&Utc)
}

/// Whether the zone's offset differs anywhere in `[start, end]` (hourly steps suffice for
/// tempi's whole-minute events; the test needs no bisection).
fn crosses(zone: Tz, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
    let offset = |t: DateTime<Utc>| t.with_timezone(&zone).format("%z").to_string();
    let first = offset(start);
    let mut t = start;
    while t < end {
        t = (t + tempi_core::chrono::Duration::hours(1)).min(end);
        if offset(t) != first {
            return true;
        }
    }
    false
}

fn feeds_of(community: &Community, windows: &[Window]) -> Vec<String> {
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
    let mut out = Vec::new();
    for window in windows {
        let plan = community.plan(*window).unwrap();
        out.extend(export::feeds(community, &plan, &options).unwrap().into_iter().map(|f| f.ics));
    }
    out
}

fn cases() -> Vec<String> {
    let text = include_str!("../../../../examples/community.toml");
    let sample = tempi_core::file::parse(text, "community.toml").unwrap().community;
    let (dst, zone) = dst_community(false);
    let three = |zone| {
        Window::days(
            zone,
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(2029, 12, 31).unwrap(),
        )
        .unwrap()
    };
    let mut feeds = feeds_of(&sample, &[Window::year(sample.zone(), 2027).unwrap()]);
    feeds.extend(feeds_of(&dst, &[Window::year(zone, 2027).unwrap(), three(zone)]));
    feeds
}

#[test]
fn every_rdate_series_has_an_rrule_and_no_rdate_repeats_dtstart() {
    let mut rdate_series = 0;
    for ics in cases() {
        for event in vevents(&ics) {
            let rdates = get(&event, "RDATE");
            if rdates.is_empty() {
                continue;
            }
            rdate_series += 1;
            let rrule = get(&event, "RRULE");
            assert_eq!(rrule.len(), 1, "{event:#?}");
            assert_eq!(rrule[0].1, "FREQ=DAILY;COUNT=1");
            let start = get(&event, "DTSTART")[0];
            let start = instant(&start.0, &start.1);
            for (name, value) in rdates {
                assert_ne!(instant(name, value), start, "{event:#?}");
            }
        }
    }
    // The sample's moons and the generated moon rhythm.
    assert!(rdate_series >= 3, "{rdate_series}");
}

#[test]
fn no_event_on_its_own_spans_a_dst_change() {
    let mut one_instance = 0;
    for ics in cases() {
        assert!(!ics.contains("X-WR-TIMEZONE"));
        let events = vevents(&ics);
        for event in &events {
            let recurring = !get(event, "RRULE").is_empty() || !get(event, "RDATE").is_empty();
            if recurring || !get(event, "RECURRENCE-ID").is_empty() {
                continue;
            }
            let (start, end) = (get(event, "DTSTART")[0], get(event, "DTEND")[0]);
            let tzid = start.0.split(';').find_map(|p| p.strip_prefix("TZID=")).unwrap();
            let zone: Tz = tzid.parse().unwrap();
            assert!(
                !crosses(zone, instant(&start.0, &start.1), instant(&end.0, &end.1)),
                "{event:#?}"
            );
        }
        one_instance += events
            .iter()
            .filter(|e| get(e, "RRULE").first().is_some_and(|r| r.1 == "FREQ=DAILY;COUNT=1"))
            .filter(|e| get(e, "RDATE").is_empty())
            .count();
    }
    assert!(one_instance > 0, "the Sydney retreat is a one-instance series");
}

#[test]
fn the_retreat_across_the_april_change_is_a_one_instance_series_with_its_end() {
    let (community, zone) = dst_community(false);
    let plan = community.plan(Window::year(zone, 2027).unwrap()).unwrap();
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
    let feed = export::feed(&community, &plan, export::Scope::Community, &options).unwrap();
    let retreat: Vec<Event> = vevents(&feed.ics)
        .into_iter()
        .filter(|e| get(e, "UID")[0].1 == "retreat@dst.tempi")
        .collect();
    assert_eq!(retreat.len(), 2, "{retreat:#?}");
    let (master, single) = (&retreat[0], &retreat[1]);
    assert_eq!(get(master, "RRULE")[0].1, "FREQ=DAILY;COUNT=1");
    // 54 hours, whatever the clocks do: a master with a wall-clock DTEND would give libical
    // another length than python and ical.js.
    assert_eq!(get(master, "DURATION")[0].1, "PT3240M");
    assert_eq!(
        get(single, "RECURRENCE-ID")[0],
        &("RECURRENCE-ID;TZID=Australia/Sydney".to_string(), "20270402T100000".to_string())
    );
    // Friday 2 April 10:00 AEDT plus 54 hours is Sunday 4 April 16:00 AEDT; clocks went back at
    // 03:00 that morning, so the wall clock says 15:00 (AEST).
    assert_eq!(get(single, "DTEND")[0].1, "20270404T150000");
}

/// A community of two in `zone` with one rhythm `r`, from `start`.
pub(crate) fn one_rhythm(
    zone: &str,
    start: NaiveDate,
    cadence: &str,
    at: &str,
    length: &str,
) -> Community {
    use tempi_core::{Cadence, Category, Group, Member, Rhythm, Scale};
    let zone: Tz = zone.parse().unwrap();
    let mut builder = Community::builder("c", "C", zone, start);
    for id in ["ana", "bo"] {
        builder.member(Member::new(id, id.to_uppercase(), zone));
    }
    builder
        .group(Group::new("all", "All", Scale::Range { min: 1, max: 10 }).members(["ana", "bo"]));
    builder.rhythm(
        Rhythm::builder("r", "all")
            .name("R")
            .category(Category::Relational)
            .timing(cadence.parse::<Cadence>().unwrap())
            .at_time(NaiveTime::parse_from_str(at, "%H:%M").unwrap())
            .length(length)
            .build()
            .unwrap(),
    );
    builder.build().unwrap().0
}

fn rhythm_events(community: &Community, window: Window) -> (usize, Vec<Event>) {
    let plan = community.plan(window).unwrap();
    let planned = plan.occurrences().iter().filter(|o| o.is_active()).count();
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
    let feed = export::feed(community, &plan, export::Scope::Community, &options).unwrap();
    (planned, vevents(&feed.ics))
}

pub(crate) fn window(zone: &str, from: (i32, u32, u32), to: (i32, u32, u32)) -> Window {
    let day = |(y, m, d)| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    Window::days(zone.parse().unwrap(), day(from), day(to)).unwrap()
}

/// docs/feeds.md, class 29: libical 3.0.16 expands `DTSTART;TZID=Europe/Berlin:20270129T023000`
/// with `RRULE:FREQ=MONTHLY;BYDAY=-1FR` to 03:30 on 26 March and 30 April 2027 (its iterator
/// visits 28 March, whose 02:30 is in the spring-forward gap, and keeps the shifted time), where
/// the RFC, python and ical.js say 02:30. Such a rule is written as RDATEs; the same rule at
/// 01:30, in no gap, keeps its RRULE.
#[test]
fn a_monthly_rule_at_a_wall_time_in_a_gap_of_its_zone_is_written_as_rdates() {
    let start = NaiveDate::from_ymd_opt(2027, 1, 29).unwrap();
    let whole_2027 = window("Europe/Berlin", (2027, 1, 1), (2027, 12, 31));
    for (at, rule_form) in [("02:30", false), ("01:30", true)] {
        let community = one_rhythm("Europe/Berlin", start, "last fri of every month", at, "3h");
        let (planned, events) = rhythm_events(&community, whole_2027);
        // January to December: the last Friday of each of 12 months.
        assert_eq!(planned, 12);
        let rules: Vec<&str> =
            events.iter().flat_map(|e| get(e, "RRULE")).map(|(_, v)| v.as_str()).collect();
        let monthly = rules.iter().filter(|r| r.starts_with("FREQ=MONTHLY")).count();
        assert_eq!(monthly > 0, rule_form, "{at}: {rules:?}");
        if !rule_form {
            // The RDATE form: every rule is the one-instance rule beside RDATEs.
            assert!(rules.iter().all(|r| *r == "FREQ=DAILY;COUNT=1"), "{rules:?}");
        }
    }
}

/// docs/feeds.md, class 30: a master whose own instance spans an offset change says `DURATION`,
/// which libical adds in wall-clock time and then applies, as an exact length, to every plain
/// instance. Lord Howe's clocks go from 02:00 to 02:30 on 4 October 2026, so a 5-hour event from
/// 01:00 that day ends at 06:30 and libical gives every other instance 4 h 30 min. Every instance
/// of such a series is an override carrying its own DTEND.
#[test]
fn a_series_whose_master_spans_a_change_gives_every_instance_its_own_end() {
    let start = NaiveDate::from_ymd_opt(2026, 10, 4).unwrap();
    let community = one_rhythm(
        "Australia/Lord_Howe",
        start,
        "FREQ=YEARLY;BYMONTH=3,10,11;BYDAY=1SU,-1SU",
        "01:00",
        "5h",
    );
    let (planned, events) =
        rhythm_events(&community, window("Australia/Lord_Howe", (2026, 10, 1), (2027, 3, 31)));
    // 4 and 25 Oct, 1 and 29 Nov 2026; 7 and 28 Mar 2027.
    assert_eq!(planned, 6);
    let masters: Vec<&Event> = events.iter().filter(|e| !get(e, "DURATION").is_empty()).collect();
    assert_eq!(masters.len(), 1, "{events:#?}");
    let overrides = events.iter().filter(|e| !get(e, "RECURRENCE-ID").is_empty());
    assert!(overrides.clone().all(|e| get(e, "DTEND").len() == 1));
    assert_eq!(overrides.count(), planned, "{events:#?}");
}

/// The smallest communities that showed each libical quirk tempi's forms avoid (classes 29, 30),
/// with their windows: expanded by all three clients in `interop::quirks_in_…`.
pub(crate) fn libical_quirks() -> Vec<(Community, Window)> {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    vec![
        // Class 29: a MONTHLY rule at 02:30, the hour Berlin skips on 28 March 2027.
        (
            one_rhythm("Europe/Berlin", day(2027, 1, 29), "last fri of every month", "02:30", "3h"),
            window("Europe/Berlin", (2027, 1, 1), (2027, 12, 31)),
        ),
        // Class 29 again: Lisbon skips 01:00–02:00 on 28 March 2027, past the instances of the
        // part that ends on 7 March, yet inside the month libical walks.
        (
            one_rhythm(
                "Europe/Lisbon",
                day(2026, 11, 1),
                "FREQ=MONTHLY;BYDAY=1SU,-1SU",
                "01:30",
                "5h",
            ),
            window("Europe/Lisbon", (2026, 11, 1), (2027, 12, 31)),
        ),
        // Class 30: the master spans Lord Howe's half-hour change of 4 October 2026.
        (
            one_rhythm(
                "Australia/Lord_Howe",
                day(2026, 10, 4),
                "FREQ=YEARLY;BYMONTH=3,10,11;BYDAY=1SU,-1SU",
                "01:00",
                "5h",
            ),
            window("Australia/Lord_Howe", (2026, 10, 1), (2027, 12, 31)),
        ),
    ]
}
