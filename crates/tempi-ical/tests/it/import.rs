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

fn ics(events: &str) -> Vec<u8> {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
        .into_bytes()
}

fn seconds_of(busy: &Busy) -> Vec<i64> {
    busy.events.iter().map(|e| (e.end - e.start).num_seconds()).collect()
}

/// RFC 5545 §3.3.6: "The duration of a week or a day depends on its position in the calendar.
/// In the case of discontinuities in the time scale, such as the change from standard time to
/// daylight time and back, the computation of the exact duration requires the subtraction or
/// addition of the change of duration of the discontinuity." Berlin springs forward on
/// 2027-03-28 and falls back on 2027-10-31: a day from noon before each is 23 h, then 25 h; a
/// week over the spring change is 7 × 24 − 1 h. Hours are exact: PT24H stays 24 h.
#[test]
fn duration_days_are_nominal_over_dst() {
    let busy = import::busy(
        &ics("BEGIN:VEVENT\r\nUID:spring\r\nDTSTART;TZID=Europe/Berlin:20270327T120000\r\nDURATION:P1D\r\nEND:VEVENT\r\n\
              BEGIN:VEVENT\r\nUID:autumn\r\nDTSTART;TZID=Europe/Berlin:20271030T120000\r\nDURATION:P1D\r\nEND:VEVENT\r\n\
              BEGIN:VEVENT\r\nUID:week\r\nDTSTART;TZID=Europe/Berlin:20270325T120000\r\nDURATION:P1W\r\nEND:VEVENT\r\n\
              BEGIN:VEVENT\r\nUID:exact\r\nDTSTART;TZID=Europe/Berlin:20270327T120000\r\nDURATION:PT24H\r\nEND:VEVENT\r\n\
              BEGIN:VEVENT\r\nUID:mixed\r\nDTSTART;TZID=Europe/Berlin:20270327T120000\r\nDURATION:P1DT1H\r\nEND:VEVENT\r\n"),
        Berlin,
        window(Berlin, (2027, 1, 1), (2027, 12, 31)),
    )
    .unwrap();
    let by_uid = |uid: &str| {
        let e = busy.events.iter().find(|e| e.uid == uid).unwrap();
        (e.end - e.start).num_seconds()
    };
    assert_eq!(by_uid("spring"), 23 * 3600);
    assert_eq!(by_uid("autumn"), 25 * 3600);
    assert_eq!(by_uid("week"), 7 * 24 * 3600 - 3600);
    assert_eq!(by_uid("exact"), 24 * 3600);
    assert_eq!(by_uid("mixed"), 24 * 3600);
    assert!(busy.warnings.is_empty(), "{:?}", busy.warnings);
}

/// Each instance of a recurring event gets its own nominal day: the one over the change is
/// 23 h, the others 24 h.
#[test]
fn recurring_nominal_days() {
    let busy = import::busy(
        &ics("BEGIN:VEVENT\r\nUID:d\r\nDTSTART;TZID=Europe/Berlin:20270326T120000\r\nDURATION:P1D\r\n\
              RRULE:FREQ=DAILY;COUNT=3\r\nEND:VEVENT\r\n"),
        Berlin,
        window(Berlin, (2027, 3, 1), (2027, 4, 30)),
    )
    .unwrap();
    assert_eq!(seconds_of(&busy), [86_400, 82_800, 86_400]);
}

/// RFC 5545 §3.6.1: DTEND "MUST be later in time than the value of the DTSTART property".
/// docs/feeds.md: a component with a malformed DTEND is skipped with a warning naming its UID
/// and line. Equal ends stay (a zero-length timed event, a one-day all-day event).
#[test]
fn dtend_before_dtstart_is_skipped_with_a_warning() {
    let busy = import::busy(
        &ics("BEGIN:VEVENT\r\nUID:backwards\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T090000Z\r\nEND:VEVENT\r\n\
              BEGIN:VEVENT\r\nUID:backwards-day\r\nDTSTART;VALUE=DATE:20270110\r\nDTEND;VALUE=DATE:20270108\r\nEND:VEVENT\r\n\
              BEGIN:VEVENT\r\nUID:same-day\r\nDTSTART;VALUE=DATE:20270112\r\nDTEND;VALUE=DATE:20270112\r\nEND:VEVENT\r\n"),
        chrono_tz::UTC,
        window(chrono_tz::UTC, (2027, 1, 1), (2027, 1, 31)),
    )
    .unwrap();
    assert_eq!(
        render(&busy),
        "same-day\t20270112T000000Z\t86400
warning: line 4: skipped VEVENT \"backwards\" (line 4): its DTEND is before its DTSTART
warning: line 9: skipped VEVENT \"backwards-day\" (line 9): its DTEND is before its DTSTART
"
    );
}

/// RFC 5545 §3.3.14: a UTC offset's minutes are 00–59; no zone is more than 18 hours from UTC
/// (ISO 8601's and java.time's bound; tzdb's extremes are −12:00 and +14:00). `-2561` is not an
/// offset: the custom zone is skipped with a warning, and its events read in the member's zone
/// with the usual unknown-zone warning. Chatham's +1345 is a real offset and is read.
#[test]
fn tzoffset_out_of_range_is_an_error() {
    let zone = |tzid: &str, offset: &str| {
        format!(
            "BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n\
             TZOFFSETFROM:{offset}\r\nTZOFFSETTO:{offset}\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
        )
    };
    let event = |uid: &str, tzid: &str| {
        format!(
            "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART;TZID={tzid}:20270105T100000\r\nDURATION:PT1H\r\nEND:VEVENT\r\n"
        )
    };
    let text = format!(
        "{}{}{}{}{}{}",
        zone("Bad", "-2561"),
        zone("Minutes", "+0575"),
        zone("Chatham", "+1345"),
        event("bad", "Bad"),
        event("minutes", "Minutes"),
        event("chatham", "Chatham")
    );
    let busy = import::busy(
        &ics(&text),
        chrono_tz::UTC,
        window(chrono_tz::UTC, (2027, 1, 1), (2027, 1, 31)),
    )
    .unwrap();
    let rendered = render(&busy);
    assert!(rendered.contains("chatham\t20270104T201500Z\t3600"), "{rendered}");
    assert!(rendered.contains("bad\t20270105T100000Z\t3600"), "{rendered}");
    assert!(
        rendered.contains(
            "skipped VTIMEZONE \"Bad\" (line 4): TZOFFSETTO \"-2561\" is not a UTC offset"
        ),
        "{rendered}"
    );
    assert!(rendered.contains("TZOFFSETTO \"+0575\" is not a UTC offset"), "{rendered}");
    assert!(rendered.contains("unknown time zone \"Bad\""), "{rendered}");
    assert!(!rendered.contains("fixed offset -2"), "{rendered}");
}

/// Windows tools write "Unicode" text as UTF-16, with a byte-order mark or without; RFC 5545
/// §3.1.4 says iCalendar is UTF-8. The error names the encoding and the fix.
#[test]
fn utf16_is_named() {
    let text = "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    let le: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let be: Vec<u8> = text.encode_utf16().flat_map(u16::to_be_bytes).collect();
    let with_bom = |bom: &[u8], body: &[u8]| [bom, body].concat();
    let window = window(chrono_tz::UTC, (2027, 1, 1), (2027, 1, 31));
    for (input, says) in [
        (with_bom(&[0xFF, 0xFE], &le), "UTF-16 (little-endian)"),
        (with_bom(&[0xFE, 0xFF], &be), "UTF-16 (big-endian)"),
        (le.clone(), "UTF-16 (little-endian, no byte-order mark)"),
        (be.clone(), "UTF-16 (big-endian, no byte-order mark)"),
    ] {
        let error = import::busy(&input, chrono_tz::UTC, window).unwrap_err();
        let message = error.to_string();
        assert!(message.starts_with("line 1: the file is "), "{message}");
        assert!(message.contains(says) && message.contains("save it as UTF-8"), "{message}");
    }
}

/// A value of several megabytes is never repeated whole in a message: each quoted value is cut
/// to its start and its length.
#[test]
fn long_values_are_elided_in_messages() {
    let big = "9".repeat(3 << 20);
    let uid = "u".repeat(3 << 20);
    let text = format!(
        "BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{big}\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:x\r\nDTSTART;TZID={big}:20270105T100000\r\nRDATE:{big}\r\nEXDATE:{big}\r\nRRULE:FREQ={big}\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:y\r\nDTSTART:20270105T100000Z\r\nRECURRENCE-ID:{big}\r\nEND:VEVENT\r\n\
         BEGIN:{big}\r\nEND:{big}\r\nEND:{uid}\r\n"
    );
    let busy = import::busy(
        &ics(&text),
        chrono_tz::UTC,
        window(chrono_tz::UTC, (2027, 1, 1), (2027, 1, 31)),
    )
    .unwrap();
    assert!(busy.warnings.len() >= 4, "{:?}", busy.warnings);
    for warning in &busy.warnings {
        assert!(
            warning.message.len() < 500,
            "{} bytes: {:.300}",
            warning.message.len(),
            warning.message
        );
    }
    assert!(
        busy.warnings.iter().any(|w| w.message.contains("(3145728 bytes)")),
        "{:?}",
        busy.warnings
    );
}
