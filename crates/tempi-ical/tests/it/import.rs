//! Import: fixtures in `tests/data/ical/` shaped like real Google, Outlook, Apple and Thunderbird
//! exports; warnings with lines; errors; the export → import round trip.

use std::path::Path;

use tempi_core::chrono::{NaiveDate, Utc};
use tempi_core::chrono_tz::{Europe::Berlin, Tz};
use tempi_core::{Window, chrono_tz};
use tempi_ical::import::{self, Busy};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/ical").join(name))
        .unwrap()
}

fn window(zone: Tz, from: (i32, u32, u32), to: (i32, u32, u32)) -> Window {
    Window::days(
        zone,
        NaiveDate::from_ymd_opt(from.0, from.1, from.2).unwrap(),
        NaiveDate::from_ymd_opt(to.0, to.1, to.2).unwrap(),
    )
    .unwrap()
}

fn render(busy: &Busy) -> String {
    let mut out = String::new();
    for e in &busy.events {
        out.push_str(&format!(
            "{}\t{}\t{}\n",
            e.uid,
            e.start.format("%Y%m%dT%H%M%SZ"),
            (e.end - e.start).num_seconds()
        ));
    }
    for w in &busy.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}

#[track_caller]
fn check(name: &str, zone: Tz, window: Window, expected: &str) {
    let busy = import::busy(&fixture(name), zone, window).unwrap();
    let actual = render(&busy);
    assert_eq!(actual, expected, "\n{actual}");
    // Intervals are sorted, disjoint and inside the window.
    for pair in busy.intervals.windows(2) {
        assert!(pair[0].1 < pair[1].0);
    }
    assert!(busy.intervals.iter().all(|(s, e)| s < e && window.contains(*s) && *e <= window.end()));
}

#[test]
fn google() {
    check(
        "google.ics",
        Berlin,
        window(Berlin, (2027, 1, 1), (2027, 1, 31)),
        "standup-7f3a@google.com\t20270104T080000Z\t1800
offsite-2d@google.com\t20270105T230000Z\t172800
standup-7f3a@google.com\t20270118T090000Z\t1800
standup-7f3a@google.com\t20270125T080000Z\t1800
",
    );
}

#[test]
fn outlook_windows_zone_bom_and_bad_components() {
    check(
        "outlook.ics",
        Berlin,
        window(Berlin, (2027, 1, 1), (2027, 1, 31)),
        "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5\t20270105T100000Z\t3600
040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5\t20270106T100000Z\t3600
040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5\t20270108T100000Z\t3600
040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5\t20270109T100000Z\t3600
broken-1\t20270112T130000Z\t3600
warning: line 43: skipped a malformed line in VEVENT (line 37): \"THIS LINE HAS NO COLON\"
warning: line 46: skipped VEVENT \"bad-dtstart\" (line 45): DTSTART \"2027-01-13 14:00\" is not a date or date-time
",
    );
}

#[test]
fn apple_floating_times_and_a_fold_inside_a_character() {
    let zone: Tz = "America/Sao_Paulo".parse().unwrap();
    check(
        "apple.ics",
        zone,
        window(zone, (2027, 1, 1), (2027, 3, 31)),
        "5D2A1C6E-APPLE-0001\t20270108T213000Z\t5400
5D2A1C6E-APPLE-0001\t20270115T213000Z\t5400
5D2A1C6E-APPLE-0001\t20270122T213000Z\t5400
5D2A1C6E-APPLE-0002\t20270310T140000Z\t3600
",
    );
}

#[test]
fn thunderbird_exdate_date_cancelled_override_and_freebusy() {
    let zone = chrono_tz::America::New_York;
    check(
        "thunderbird.ics",
        zone,
        window(zone, (2027, 3, 1), (2027, 3, 31)),
        "fb-1\t20270302T150000Z\t3600
tb-0001\t20270304T000000Z\t3600
fb-1\t20270305T100000Z\t1800
tb-0001\t20270311T000000Z\t3600
tb-0001\t20270331T230000Z\t3600
warning: line 52: skipped VEVENT (line 52): it is never ended
",
    );
}

#[test]
fn unusable_input_is_an_error_with_its_line() {
    let err =
        import::busy(&fixture("not-ical.ics"), Berlin, window(Berlin, (2027, 1, 1), (2027, 1, 2)))
            .unwrap_err();
    assert_eq!(err.to_string(), "line 1: this is not an iCalendar file: expected BEGIN:VCALENDAR");
    let err = import::busy(b"", Berlin, window(Berlin, (2027, 1, 1), (2027, 1, 2))).unwrap_err();
    assert_eq!(err.to_string(), "line 1: the file is empty; expected BEGIN:VCALENDAR");
}

#[test]
fn garbage_never_panics() {
    let window = window(Berlin, (2027, 1, 1), (2027, 12, 31));
    let samples: Vec<Vec<u8>> = vec![
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2027\nRRULE:FREQ=SECONDLY\nEND:VEVENT".to_vec(),
        b"BEGIN:VEVENT\r\nDTSTART:20270101T000000Z\r\nRRULE:FREQ=DAILY;INTERVAL=0\r\nEND:VEVENT".to_vec(),
        b"BEGIN:VCALENDAR\n \n\t\nEND:VTODO\nEND:VCALENDAR".to_vec(),
        vec![0xff, 0xfe, b'B', b':'],
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;TZID=\"unterminated:20270101T000000\nEND:VEVENT\nEND:VCALENDAR".to_vec(),
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nDTSTART:20270101T000000Z\nRRULE:FREQ=MINUTELY\nEND:VEVENT\nEND:VCALENDAR".to_vec(),
    ];
    for sample in samples {
        let _ = import::busy(&sample, Berlin, window);
    }
}

#[test]
fn export_then_import_gives_back_the_plan() {
    let text = include_str!("../../../../examples/community.toml");
    let loaded = tempi_core::file::parse(text, "community.toml").unwrap();
    let community = loaded.community;
    let plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
    let options = tempi_ical::export::ExportOptions::new(plan.window().start());
    let feed =
        tempi_ical::export::feed(&community, &plan, tempi_ical::export::Scope::Community, &options)
            .unwrap();
    let busy = import::busy(feed.ics.as_bytes(), community.zone(), plan.window()).unwrap();
    assert!(busy.warnings.is_empty(), "{:?}", busy.warnings);
    let uids = tempi_ical::export::occurrence_uids(&community, &plan);
    let mut want: Vec<(String, String, i64)> = plan
        .occurrences()
        .iter()
        .zip(&uids)
        .filter(|(o, _)| o.is_active())
        .map(|(o, u)| {
            (u.clone(), o.start.with_timezone(&Utc).to_rfc3339(), (o.end - o.start).num_seconds())
        })
        .collect();
    let mut got: Vec<(String, String, i64)> = busy
        .events
        .iter()
        .filter(|e| plan.window().contains(e.start))
        .map(|e| (e.uid.clone(), e.start.to_rfc3339(), (e.end - e.start).num_seconds()))
        .collect();
    want.sort();
    got.sort();
    assert_eq!(got, want);
}
