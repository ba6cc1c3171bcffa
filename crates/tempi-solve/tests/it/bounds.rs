//! The solver's search space is bounded: too many members is an error that names the cap.

use chrono::NaiveDate;
use chrono_tz::Europe::Berlin;
use tempi_core::{Length, Window};
use tempi_solve::{Availability, Error, MAX_MEMBERS, SlotQuery};

#[test]
fn a_query_over_the_member_cap_is_refused_naming_the_cap() {
    let day = NaiveDate::from_ymd_opt(2027, 3, 16).unwrap();
    let window = Window::days(Berlin, day, day).unwrap();
    let mut query = SlotQuery::new("60m".parse::<Length>().unwrap(), window);
    for i in 0..=MAX_MEMBERS {
        query.required(Availability::new(format!("m{i}"), Berlin));
    }
    let err = query.solve().unwrap_err();
    assert!(
        matches!(err, Error::TooManyMembers { count, max } if count == MAX_MEMBERS + 1 && max == MAX_MEMBERS)
    );
    let message = err.to_string();
    assert!(message.contains("at most 2000 at once"), "{message}");
    assert!(message.contains("query a smaller group"), "{message}");
}

/// Issue 12: a cadence the solver cannot expand keeps tempi-core's error as its source, so a
/// caller can match it rather than read a string. A minutely cadence over a year is 525,600
/// starts, past the solver's expansion budget.
#[test]
fn a_cadence_error_keeps_the_core_error_as_its_source() {
    let from = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let until = NaiveDate::from_ymd_opt(2028, 2, 28).unwrap();
    let mut query = tempi_solve::SeriesQuery::new(
        "1m".parse::<Length>().unwrap(),
        "FREQ=MINUTELY".parse::<tempi_core::Cadence>().unwrap(),
        Berlin,
        from,
        tempi_solve::SeriesEnd::Until(until),
    );
    query.required(Availability::new("ana", Berlin));
    let err = query.solve().unwrap_err();
    assert!(matches!(err, Error::Cadence { .. }), "{err:?}");
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<tempi_core::Error>())
        .unwrap_or_else(|| panic!("no tempi-core source: {err:?}"));
    assert!(matches!(source, tempi_core::Error::Budget { .. }), "{source:?}");
    assert!(err.to_string().starts_with("the cadence could not be expanded: more than"), "{err}");
}
