//! `.ics` import: bytes → `import::busy` over one month; the merged intervals are sorted,
//! non-overlapping, non-empty and inside the window.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tempi::Window;
use tempi::chrono::NaiveDate;
use tempi::chrono_tz::Tz;

fuzz_target!(|data: &[u8]| {
    let (Some(from), Some(to)) =
        (NaiveDate::from_ymd_opt(2027, 3, 1), NaiveDate::from_ymd_opt(2027, 3, 31))
    else {
        return;
    };
    let zone = Tz::Europe__Berlin;
    let Ok(window) = Window::days(zone, from, to) else {
        return;
    };
    let Ok(busy) = tempi::ical::import::busy(data, zone, window) else {
        return;
    };
    for (start, end) in &busy.intervals {
        assert!(start < end, "empty interval {start}..{end}");
        assert!(*start >= window.start() && *end <= window.end(), "{start}..{end} outside window");
    }
    for pair in busy.intervals.windows(2) {
        assert!(pair[0].1 < pair[1].0, "intervals overlap, touch or are unsorted: {pair:?}");
    }
    for pair in busy.events.windows(2) {
        assert!(pair[0] <= pair[1], "events not sorted: {pair:?}");
    }
});
