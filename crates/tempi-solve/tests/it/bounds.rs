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
