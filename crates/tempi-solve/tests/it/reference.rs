//! Property tests: the bitset solver against a brute-force reference that checks each
//! candidate minute by minute against the members' declared availability.

use chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike, Utc, Weekday,
};
use chrono_tz::Tz;
use proptest::prelude::*;
use tempi_core::{Cadence, Length, WeeklyWindow, Window};
use tempi_solve::{Availability, SeriesEnd, SeriesQuery, SlotQuery};

const ZONES: [Tz; 4] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::Berlin,
    chrono_tz::Australia::Sydney,
    chrono_tz::Asia::Kolkata,
];

#[derive(Debug, Clone)]
struct Person {
    zone: Tz,
    windows: Vec<(Weekday, u16, u16)>,
    busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

/// January 2027: no zone here changes offset, so "inside the window" has one meaning.
fn base() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, 1, 11, 0, 0, 0).unwrap()
}

fn person() -> impl Strategy<Value = Person> {
    let window = (0u8..7, 0u16..88, 1u16..40).prop_map(|(d, s, l)| {
        let start = s * 15;
        (Weekday::try_from(d).unwrap(), start, (start + l * 15).min(1440))
    });
    let busy = (0i64..(16 * 24 * 12), 1i64..36).prop_map(|(s, l)| {
        let start = base() + Duration::minutes(s * 5 - 3 * 1440);
        (start, start + Duration::minutes(l * 5))
    });
    (0usize..4, prop::collection::vec(window, 1..4), prop::collection::vec(busy, 0..6))
        .prop_map(|(z, windows, busy)| Person { zone: ZONES[z], windows, busy })
}

fn availability(id: usize, p: &Person) -> Availability {
    let windows = p.windows.iter().map(|(d, s, e)| {
        let end = if *e >= 1440 {
            None
        } else {
            Some(NaiveTime::from_hms_opt(u32::from(e / 60), u32::from(e % 60), 0).unwrap())
        };
        WeeklyWindow::new(
            *d,
            NaiveTime::from_hms_opt(u32::from(s / 60), u32::from(s % 60), 0).unwrap(),
            end,
        )
        .unwrap()
    });
    Availability::new(format!("m{id}"), p.zone).windows(windows).busy(p.busy.clone())
}

/// The reference: free at every minute of `[start, start + minutes)`.
fn free(p: &Person, start: DateTime<Utc>, minutes: i64) -> bool {
    (0..minutes).all(|m| {
        let t = start + Duration::minutes(m);
        let local = t.with_timezone(&p.zone);
        let minute = u16::try_from(local.hour() * 60 + local.minute()).unwrap();
        let inside =
            p.windows.iter().any(|(d, s, e)| *d == local.weekday() && *s <= minute && minute < *e);
        inside && !p.busy.iter().any(|(a, b)| *a <= t && t < *b)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(std::env::var("TEMPI_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)))]

    /// Every returned slot is inside every required member's windows and outside their busy
    /// time; the solver finds exactly the reference's valid starts; the top answers are the
    /// best of them.
    #[test]
    fn one_off_matches_brute_force(people in prop::collection::vec(person(), 1..4), len in 1u32..7, optional in 0usize..2) {
        let minutes = i64::from(len) * 15;
        let from = NaiveDate::from_ymd_opt(2027, 1, 11).unwrap();
        let to = NaiveDate::from_ymd_opt(2027, 1, 17).unwrap();
        let window = Window::days(chrono_tz::UTC, from, to).unwrap();
        let length = Length::try_minutes(u32::try_from(minutes).unwrap()).unwrap();
        let required = |i: usize| i >= optional.min(people.len().saturating_sub(1));
        let build = |max: usize, overlapping: bool| {
            let mut q = SlotQuery::new(length, window);
            for (i, p) in people.iter().enumerate() {
                if required(i) { q.required(availability(i, p)); } else { q.optional(availability(i, p)); }
            }
            q.max_results(max).overlapping(overlapping);
            q
        };
        let all = build(100_000, true).solve().unwrap();
        let mut expected = Vec::new();
        let mut t = window.start();
        while t + Duration::minutes(minutes) <= window.end() {
            if people.iter().enumerate().all(|(i, p)| !required(i) || free(p, t, minutes)) {
                expected.push(t);
            }
            t += Duration::minutes(15);
        }
        let mut got: Vec<DateTime<Utc>> = all.candidates.iter().map(|c| c.start).collect();
        got.sort();
        prop_assert_eq!(&got, &expected);
        prop_assert_eq!(all.valid, expected.len());
        for c in &all.candidates {
            // Attendance is recomputed from the reference.
            let here = people.iter().filter(|p| free(p, c.start, minutes)).count();
            prop_assert_eq!(c.attendees.len(), here);
            prop_assert_eq!(c.score.attendance, 1000 * i64::try_from(here).unwrap() / i64::try_from(people.len()).unwrap());
            for a in &c.attendees {
                let i: usize = a.id[1..].parse().unwrap();
                prop_assert!(free(&people[i], c.start, minutes));
            }
            for m in &c.missing {
                let i: usize = m.id[1..].parse().unwrap();
                prop_assert!(!free(&people[i], c.start, minutes));
            }
        }
        // Sorted best first; the top three of a small query are the top three overall.
        prop_assert!(all.candidates.windows(2).all(|w| (w[0].score.total, std::cmp::Reverse(w[0].start)) >= (w[1].score.total, std::cmp::Reverse(w[1].start))));
        let top = build(3, true).solve().unwrap();
        prop_assert_eq!(&top.candidates[..], &all.candidates[..all.candidates.len().min(3)]);
        prop_assert_eq!(top.no_fit.is_some(), expected.is_empty());
    }

    /// Recurring patterns hold at every occurrence, or miss no more than allowed, and the
    /// misses are listed truly; every valid pattern is counted.
    #[test]
    fn series_matches_brute_force(people in prop::collection::vec(person(), 1..4), len in 2u32..5, allowed in 0u32..2) {
        let minutes = i64::from(len) * 15;
        let length = Length::try_minutes(u32::try_from(minutes).unwrap()).unwrap();
        let anchor = chrono_tz::Europe::Berlin;
        let from = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let mut q = SeriesQuery::new(length, "weekly".parse::<Cadence>().unwrap(), anchor, from, SeriesEnd::Count(3));
        for (i, p) in people.iter().enumerate() { q.required(availability(i, p)); }
        q.allowed_misses(allowed).max_results(10_000).overlapping(true);
        let answer = q.solve().unwrap();
        let mut valid = 0;
        for day in 0..7i64 {
            for m in (0..1440).step_by(15) {
                let misses = (0..3).filter(|w| {
                    let date = from + Duration::days(day + 7 * w);
                    let start = anchor.from_local_datetime(&date.and_hms_opt(m / 60, m % 60, 0).unwrap()).unwrap().with_timezone(&Utc);
                    !people.iter().all(|p| free(p, start, minutes))
                }).count();
                if misses <= allowed as usize { valid += 1; }
            }
        }
        prop_assert_eq!(answer.valid, valid);
        prop_assert_eq!(answer.patterns.len(), valid);
        for pattern in &answer.patterns {
            let misses = pattern.occurrences.iter().filter(|o| !o.holds).count();
            prop_assert_eq!(misses, pattern.misses);
            prop_assert!(misses <= allowed as usize);
            for o in &pattern.occurrences {
                let absent: Vec<String> = people.iter().enumerate().filter(|(_, p)| !free(p, o.start, minutes)).map(|(i, _)| format!("m{i}")).collect();
                let listed: Vec<String> = o.missing.iter().map(|m| m.id.clone()).collect();
                prop_assert_eq!(&listed, &absent);
                prop_assert_eq!(o.holds, absent.is_empty());
            }
        }
    }
}
