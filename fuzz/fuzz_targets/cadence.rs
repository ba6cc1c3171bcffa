//! Cadences and recurrence rules: text → `Cadence` / `RecurrenceRule` → `Display` must parse
//! back to an equal value → `wall_clock_starts` over a bounded horizon with a small budget
//! gives strictly increasing starts inside `[dtstart, horizon]`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tempi::chrono::{NaiveDate, NaiveDateTime};
use tempi::chrono_tz::Tz;
use tempi::{Cadence, RecurrenceRule};

/// Zones picked by the first input byte (the rest is the rule text).
const ZONES: [Option<Tz>; 5] = [
    None,
    Some(Tz::Europe__Berlin),
    Some(Tz::America__New_York),
    Some(Tz::Pacific__Apia),
    Some(Tz::Australia__Lord_Howe),
];

fn wall(y: i32, m: u32, d: u32, h: u32, mi: u32) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(y, m, d)?.and_hms_opt(h, mi, 0)
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if let Ok(cadence) = text.parse::<Cadence>() {
        let shown = cadence.to_string();
        let again: Cadence = shown
            .parse()
            .unwrap_or_else(|e| panic!("Display of {text:?} gave {shown:?}, which fails: {e}"));
        assert_eq!(cadence, again, "cadence {text:?} → {shown:?} does not round-trip");
    }
    let Ok(rule) = text.parse::<RecurrenceRule>() else {
        return;
    };
    let shown = rule.to_string();
    let again: RecurrenceRule = shown
        .parse()
        .unwrap_or_else(|e| panic!("Display of {text:?} gave {shown:?}, which fails: {e}"));
    assert_eq!(rule, again, "rule {text:?} → {shown:?} does not round-trip");

    let zone = ZONES[usize::from(selector) % ZONES.len()];
    // A start that varies with the selector, so DST days and month ends get hit.
    let day = u32::from(selector / 8) % 28 + 1;
    let month = u32::from(selector) % 12 + 1;
    let (Some(dtstart), Some(horizon)) = (wall(2027, month, day, 2, 30), wall(2029, 1, 1, 0, 0))
    else {
        return;
    };
    let Ok(starts) = rule.wall_clock_starts(zone, dtstart, horizon, 2_000) else {
        return;
    };
    assert!(starts.len() <= 2_000, "more starts than the budget");
    for start in &starts {
        assert!(*start >= dtstart && *start <= horizon, "{start} outside [{dtstart}, {horizon}]");
    }
    for pair in starts.windows(2) {
        assert!(pair[0] < pair[1], "starts not strictly increasing: {} then {}", pair[0], pair[1]);
    }
});
