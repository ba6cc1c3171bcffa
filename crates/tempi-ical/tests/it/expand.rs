//! `import::instances` (what `tempi expand` prints): every occurrence of every event, in
//! `[from, to)`, with all-day and floating starts kept as the file wrote them.

use std::path::Path;

use tempi_core::chrono::NaiveDate;
use tempi_core::chrono_tz::Europe::Berlin;
use tempi_core::{Window, chrono_tz};
use tempi_ical::import::{self, Instance, Length, Start};

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/ical").join(name))
        .unwrap()
}

fn expand(ics: &[u8], from: NaiveDate, to: NaiveDate, busy: bool) -> Vec<Instance> {
    import::instances(ics, from, to).unwrap().busy_only(busy).map(Result::unwrap).collect()
}

fn lines(instances: &[Instance]) -> String {
    instances.iter().map(|i| format!("{i}\n")).collect()
}

fn calendar(events: &str) -> Vec<u8> {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
        .into_bytes()
}

/// The Google fixture: the weekly standup (EXDATE on the 11th, the 18th moved to 10:00 Berlin),
/// an all-day offsite over two days, a transparent birthday, a cancelled call. The first three
/// are what `busy` reads (the `import::google` test); expand keeps the all-day dates as dates
/// and includes the transparent and the cancelled events.
#[test]
fn google_fixture_every_occurrence() {
    let all = expand(&fixture("google.ics"), day(2027, 1, 1), day(2027, 2, 1), false);
    assert_eq!(
        lines(&all),
        "standup-7f3a@google.com\t20270104T080000Z\t1800
standup-7f3a@google.com\t20270118T090000Z\t1800
standup-7f3a@google.com\t20270125T080000Z\t1800
offsite-2d@google.com\t20270106\tD2
birthday-1@google.com\t20270107\tD1
cancelled-1@google.com\t20270105T150000Z\t3600
"
    );
    let busy = expand(&fixture("google.ics"), day(2027, 1, 1), day(2027, 2, 1), true);
    assert_eq!(
        lines(&busy),
        "standup-7f3a@google.com\t20270104T080000Z\t1800
standup-7f3a@google.com\t20270118T090000Z\t1800
standup-7f3a@google.com\t20270125T080000Z\t1800
offsite-2d@google.com\t20270106\tD2
"
    );
}

/// The window is half-open on the start: an occurrence at `from` 00:00 is in, one at `to`
/// 00:00 is out, and one that starts before `from` but runs into it is out too.
#[test]
fn window_is_half_open_on_the_start() {
    let ics = calendar(
        "BEGIN:VEVENT\r\nUID:daily\r\nDTSTART:20270101T000000Z\r\nDURATION:PT2H\r\n\
         RRULE:FREQ=DAILY;COUNT=5\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:long\r\nDTSTART:20270101T230000Z\r\nDURATION:PT5H\r\nEND:VEVENT\r\n",
    );
    let all = expand(&ics, day(2027, 1, 2), day(2027, 1, 4), false);
    assert_eq!(lines(&all), "daily\t20270102T000000Z\t7200\ndaily\t20270103T000000Z\t7200\n");
}

/// Floating times keep their wall time (no `Z`); zero-length events are listed but not busy.
#[test]
fn floating_and_zero_length() {
    let ics = calendar(
        "BEGIN:VEVENT\r\nUID:floating\r\nDTSTART:20270105T090000\r\nDTEND:20270105T100000\r\n\
         RRULE:FREQ=WEEKLY;COUNT=2\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:reminder\r\nDTSTART:20270106T120000Z\r\nEND:VEVENT\r\n",
    );
    let all = expand(&ics, day(2027, 1, 1), day(2027, 2, 1), false);
    assert_eq!(
        lines(&all),
        "floating\t20270105T090000\t3600\nfloating\t20270112T090000\t3600\nreminder\t20270106T120000Z\t0\n"
    );
    assert!(!all[2].busy);
    assert_eq!(all[0].start, Start::Floating(day(2027, 1, 5).and_hms_opt(9, 0, 0).unwrap()));
    let busy = expand(&ics, day(2027, 1, 1), day(2027, 2, 1), true);
    assert_eq!(busy.len(), 2);
}

/// An event's occurrences come out sorted by start, RDATEs and overrides in their place, even
/// when the file lists them out of order; events keep file order.
#[test]
fn each_event_sorted_by_start() {
    let ics = calendar(
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20270110T100000Z\r\nDURATION:PT1H\r\n\
         RDATE:20270103T100000Z,20270120T100000Z\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20270101T100000Z\r\nDURATION:PT1H\r\nEND:VEVENT\r\n",
    );
    let all = expand(&ics, day(2027, 1, 1), day(2027, 2, 1), false);
    assert_eq!(
        lines(&all),
        "b\t20270103T100000Z\t3600\nb\t20270110T100000Z\t3600\nb\t20270120T100000Z\t3600\na\t20270101T100000Z\t3600\n"
    );
}

/// Over a year, the busy occurrences are exactly `busy`'s events that start in the window (for
/// the fixtures whose times are all zoned, so the member's zone plays no part).
#[test]
fn busy_only_equals_busy_on_zoned_fixtures() {
    let name = "outlook.ics";
    let bytes = fixture(name);
    let window = Window::days(chrono_tz::UTC, day(2026, 1, 1), day(2028, 12, 31)).unwrap();
    let busy = import::busy(&bytes, chrono_tz::UTC, window).unwrap();
    let mut expected: Vec<(String, i64, i64)> = busy
        .events
        .iter()
        .filter(|e| e.start >= window.start())
        .map(|e| (e.uid.clone(), e.start.timestamp(), (e.end - e.start).num_seconds()))
        .collect();
    let mut actual: Vec<(String, i64, i64)> =
        expand(&bytes, day(2026, 1, 1), day(2029, 1, 1), true)
            .iter()
            .map(|i| match (i.start, i.length) {
                (Start::Utc(at), Length::Seconds(s)) => (i.uid.to_string(), at.timestamp(), s),
                other => panic!("{name}: {other:?}"),
            })
            .collect();
    expected.sort();
    actual.sort();
    assert_eq!(actual, expected, "{name}");
}

/// A file that is cut off fails before the first occurrence, as `busy` does.
#[test]
fn a_cut_off_file_fails_up_front() {
    let ics = b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20270101T100000Z\r\n";
    let error = import::instances(ics, day(2027, 1, 1), day(2028, 1, 1)).unwrap_err();
    assert!(error.to_string().contains("looks cut off"), "{error}");
}

/// The member's zone plays no part in expand: the same file gives the same lines as long as
/// its times are zoned; busy with Berlin agrees on the instants.
#[test]
fn zoned_times_are_instants() {
    let ics = calendar(
        "BEGIN:VEVENT\r\nUID:berlin\r\nDTSTART;TZID=Europe/Berlin:20270328T013000\r\n\
         DURATION:PT1H\r\nRRULE:FREQ=DAILY;COUNT=2\r\nEND:VEVENT\r\n",
    );
    // 2027-03-28 is the spring change in Berlin: 01:30 CET is 00:30Z, the next day 01:30 CEST
    // is 23:30Z on the 28th.
    let all = expand(&ics, day(2027, 3, 1), day(2027, 4, 1), false);
    assert_eq!(lines(&all), "berlin\t20270328T003000Z\t3600\nberlin\t20270328T233000Z\t3600\n");
    let window = Window::days(Berlin, day(2027, 3, 1), day(2027, 3, 31)).unwrap();
    assert_eq!(import::busy(&ics, Berlin, window).unwrap().events.len(), 2);
}

/// A UID is free text: a raw ESC or tab in it is written escaped, so each occurrence stays one
/// line of three tab-separated fields and a terminal is never rewritten (issue 11, safe text).
#[test]
fn control_characters_in_a_uid_are_written_escaped() {
    let ics = calendar(
        "BEGIN:VEVENT\r\nUID:a\u{1b}[2J\tb@example.com\r\nDTSTAMP:20270101T000000Z\r\n\
         DTSTART:20270104T080000Z\r\nDTEND:20270104T090000Z\r\nEND:VEVENT\r\n",
    );
    let all = expand(&ics, day(2027, 1, 1), day(2027, 2, 1), false);
    assert_eq!(lines(&all), "a\\u{1b}[2J\\tb@example.com\t20270104T080000Z\t3600\n");
}
