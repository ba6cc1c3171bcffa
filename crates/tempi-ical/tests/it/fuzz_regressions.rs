//! Inputs the `ics_import` fuzz target (`fuzz/fuzz_targets/ics_import.rs`) found slow or
//! crashing, each kept as an ordinary test so `cargo test` covers it without nightly.

use tempi_core::Window;
use tempi_core::chrono::NaiveDate;
use tempi_core::chrono_tz::Europe::Berlin;
use tempi_ical::Error;
use tempi_ical::import::{self, MAX_EXPANDED, MAX_INSTANCES_PER_EVENT};

#[path = "../../../../tests/support/watchdog.rs"]
mod watchdog;

fn march_2027() -> Window {
    Window::days(
        Berlin,
        NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
        NaiveDate::from_ymd_opt(2027, 3, 31).unwrap(),
    )
    .unwrap()
}

/// A calendar of `n` events that each repeat every second, forever.
fn secondly_events(n: usize) -> Vec<u8> {
    let mut ics = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//fuzz//EN\r\n");
    for i in 0..n {
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTART:20270105T090000Z\r\nDTEND:20270105T093000Z\r\n\
             RRULE:FREQ=SECONDLY\r\nEND:VEVENT\r\n"
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics.into_bytes()
}

/// One runaway rule is skipped with a warning, as before.
#[test]
fn one_secondly_event_is_skipped_with_a_warning() {
    let busy = import::busy(&secondly_events(1), Berlin, march_2027()).unwrap();
    assert!(busy.intervals.is_empty());
    assert_eq!(busy.warnings.len(), 1);
    assert!(busy.warnings[0].message.contains("more than 200000 instances"), "{:?}", busy.warnings);
}

/// Found by `ics_import`: a timeout on a file with two `FREQ=SECONDLY` events. Every runaway
/// rule cost a full [`MAX_INSTANCES_PER_EVENT`] expansion and nothing bounded their sum, so
/// work grew with the file (50 such events, 5 KB, took 2 s in release; a 1 MB file minutes).
/// Now all expansions together stop at [`MAX_EXPANDED`], with an error naming that cap.
#[test]
fn many_secondly_events_stop_at_the_total_cap() {
    let n = MAX_EXPANDED / MAX_INSTANCES_PER_EVENT + 40;
    // The bound is the step budget, asserted by where the error stands: the total cap stops the
    // import at the event that crosses it (line 3, six lines an event, and 5 more to its RRULE),
    // not after all `n`. The watchdog only turns a hang into a failure; it times nothing.
    let err = watchdog::guarded("import", move || {
        import::busy(&secondly_events(n), Berlin, march_2027()).unwrap_err()
    });
    let Error::Import { line, message } = &err else { panic!("unexpected error {err:?}") };
    assert_eq!(*line, 3 + 6 * (MAX_EXPANDED / MAX_INSTANCES_PER_EVENT) + 5, "{message}");
    assert!(message.contains("more than 2000000 instances in all"), "{message}");
}
