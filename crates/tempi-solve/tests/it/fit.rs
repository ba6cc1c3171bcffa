//! The availability check ([`tempi_solve::check_plan`]) against a brute force written here: a
//! member can come to `[start, end)` when every minute of it is inside one of their weekly
//! windows (in their own zone; no windows at all means any hour), on none of their away dates,
//! and outside every busy interval.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use tempi_core::{Window, file};
use tempi_solve::fit::Why;
use tempi_solve::{Availability, check_plan};

const ZONES: [&str; 5] =
    ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "UTC"];
const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// One member of a generated community.
#[derive(Debug, Clone)]
struct Person {
    zone: usize,
    /// (weekday 0 = Monday, start hour, hours long)
    windows: Vec<(usize, u32, u32)>,
    /// An away range: (first day after 2027-01-04, days)
    away: Option<(i64, i64)>,
    /// Busy intervals: (hours after 2027-01-04 00:00 UTC, hours long)
    busy: Vec<(i64, i64)>,
}

fn person() -> impl Strategy<Value = Person> {
    (
        0..ZONES.len(),
        prop::collection::vec((0usize..7, 0u32..20, 1u32..5), 0..4),
        prop::option::of((0i64..50, 1i64..6)),
        prop::collection::vec((0i64..56 * 24, 1i64..30), 0..4),
    )
        .prop_map(|(zone, windows, away, busy)| Person { zone, windows, away, busy })
}

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, 1, 4).unwrap()
}

fn community_text(people: &[Person], day: usize, at: (u32, u32), minutes: u32) -> String {
    let mut text = String::from(
        "[community]\nid = \"c\"\nname = \"C\"\nzone = \"Europe/Berlin\"\nstart = \"2027-01-04\"\n",
    );
    for (i, p) in people.iter().enumerate() {
        text.push_str(&format!(
            "\n[[members]]\nid = \"m{i}\"\nname = \"M{i}\"\nzone = \"{}\"\n",
            ZONES[p.zone]
        ));
        let windows: Vec<String> = p
            .windows
            .iter()
            .map(|(d, h, n)| format!("\"{} {:02}:00-{:02}:00\"", DAYS[*d], h, (h + n).min(24)))
            .collect();
        text.push_str(&format!("availability = [{}]\n", windows.join(", ")));
        if let Some((from, days)) = p.away {
            let a = start() + Duration::days(from);
            let b = a + Duration::days(days - 1);
            text.push_str(&format!("away = [\"{a}..{b}\"]\n"));
        }
    }
    let ids: Vec<String> = (0..people.len()).map(|i| format!("\"m{i}\"")).collect();
    text.push_str(&format!(
        "\n[[groups]]\nid = \"g\"\nname = \"G\"\nscale = \"1..10\"\nmembers = [{}]\n",
        ids.join(", ")
    ));
    text.push_str(&format!(
        "\n[[rhythms]]\nid = \"r\"\nname = \"R\"\ngroup = \"g\"\ncategory = \"relational\"\ncadence = \"weekly on {}\"\nat = \"{:02}:{:02}\"\nlength = \"{minutes}m\"\n",
        DAYS[day], at.0, at.1
    ));
    text
}

fn busy_of(p: &Person) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    let origin = Utc.with_ymd_and_hms(2027, 1, 4, 0, 0, 0).unwrap();
    p.busy
        .iter()
        .map(|(h, n)| (origin + Duration::hours(*h), origin + Duration::hours(h + n)))
        .collect()
}

/// The brute force: why `p` cannot come to `[start, end)`, minute by minute, or `None`.
fn brute(p: &Person, start: DateTime<Utc>, end: DateTime<Utc>) -> Option<Why> {
    let zone: Tz = ZONES[p.zone].parse().unwrap();
    let mut t = start;
    let mut outside = false;
    let mut busy = false;
    while t < end {
        let local = t.with_timezone(&zone);
        let date = local.date_naive();
        if let Some((from, days)) = p.away {
            let a = self::start() + Duration::days(from);
            if a <= date && date < a + Duration::days(days) {
                return Some(Why::Away);
            }
        }
        if busy_of(p).iter().any(|(a, b)| *a <= t && t < *b) {
            busy = true;
        }
        let minute = local.hour() * 60 + local.minute();
        let weekday = local.weekday().num_days_from_monday() as usize;
        let inside = p.windows.is_empty()
            || p.windows.iter().any(|(d, h, n)| {
                *d == weekday && h * 60 <= minute && minute < (h + n).min(24) * 60
            });
        outside |= !inside;
        t += Duration::minutes(1);
    }
    if busy {
        Some(Why::Busy)
    } else if outside {
        Some(Why::OutsideWindows)
    } else {
        None
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Every reported date is one the brute force finds unavailable for that reason, and every
    /// occurrence the brute force finds unavailable is reported: so a rhythm with no warning
    /// has every occurrence inside every member's availability.
    #[test]
    fn reported_conflicts_are_exactly_the_real_ones(
        people in prop::collection::vec(person(), 1..4),
        day in 0usize..7,
        hour in 0u32..24,
        quarter in 0u32..4,
        minutes in prop::sample::select(vec![30u32, 60, 90, 150]),
    ) {
        let text = community_text(&people, day, (hour, quarter * 15), minutes);
        let loaded = file::parse(&text, "c.toml").map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        let community = loaded.community;
        let window = Window::days(community.zone(), start(), start() + Duration::days(118)).unwrap();
        let plan = community.plan(window).unwrap();
        let members: Vec<Availability> = community
            .members()
            .iter()
            .zip(&people)
            .map(|(m, p)| Availability::from_member(m).busy(busy_of(p)))
            .collect();
        let found = check_plan(&community, &plan, &members, &[]);
        for (i, p) in people.iter().enumerate() {
            let id = format!("m{i}");
            let zone: Tz = ZONES[p.zone].parse().unwrap();
            for why in [Why::OutsideWindows, Why::Away, Why::Busy] {
                // What the check's priority gives: away, then busy, then windows.
                let expected: Vec<NaiveDate> = plan
                    .occurrences()
                    .iter()
                    .filter(|o| o.is_active())
                    .filter(|o| brute(p, o.start.with_timezone(&Utc), o.end.with_timezone(&Utc)) == Some(why))
                    .map(|o| o.start.with_timezone(&zone).date_naive())
                    .collect();
                let reported: Vec<NaiveDate> = found
                    .iter()
                    .filter(|u| u.member == id && u.why == why)
                    .flat_map(|u| u.dates.clone())
                    .collect();
                prop_assert_eq!(&reported, &expected, "{} {:?}\n{}", id, why, text);
            }
        }
    }
}
