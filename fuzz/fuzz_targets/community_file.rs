//! Community files: bytes → UTF-8 → `file::parse` (TOML, validation) → a plan over one quarter
//! with small caps, so that every input answers fast with a plan or an error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tempi::chrono::NaiveDate;
use tempi::{ExpandOptions, Window};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(loaded) = tempi::file::parse(text, "fuzz.toml") else {
        return;
    };
    let community = &loaded.community;
    let (Some(from), Some(to)) =
        (NaiveDate::from_ymd_opt(2027, 1, 1), NaiveDate::from_ymd_opt(2027, 3, 31))
    else {
        return;
    };
    let Ok(window) = Window::days(community.zone(), from, to) else {
        return;
    };
    let options = ExpandOptions::new().max_per_rhythm(5_000).max_per_plan(50_000);
    let Ok(plan) = community.plan_with(window, options) else {
        return;
    };
    // Documented: every occurrence starts in the window, sorted by start, then rhythm id.
    let occurrences = plan.occurrences();
    for occurrence in occurrences {
        assert!(window.contains(occurrence.start.to_utc()), "occurrence outside the window");
        assert!(occurrence.end >= occurrence.start, "occurrence ends before it starts");
    }
    for pair in occurrences.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert!(
            (a.start, &a.rhythm) <= (b.start, &b.rhythm),
            "occurrences not sorted by start, then rhythm id"
        );
    }
});
