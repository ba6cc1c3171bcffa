//! The forms every client reads alike (notes/calendar-clients.md, classes 11, 25–27), checked on
//! the text of the sample's feeds and of a community built to hit DST gaps, overlaps and a long
//! event across a change: an RDATE series also has an RRULE and never repeats DTSTART as an
//! RDATE; an event on its own never spans a DST change (it becomes a one-instance series with an
//! override carrying DTEND); no feed says X-WR-TIMEZONE.

use tempi_core::chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
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
