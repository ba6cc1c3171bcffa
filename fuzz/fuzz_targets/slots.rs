//! Slot queries on random availability: a few members (zones from a fixed list, weekly windows,
//! busy intervals, buffers, notice) → a one-off `SlotQuery` over up to two weeks and a small
//! `SeriesQuery`. Every answer must satisfy what the solver documents: inside the window, the
//! requested length, on the granularity, at most `max_results`, not overlapping each other,
//! every required member attending and free (no busy interval, widened by the buffers,
//! overlaps it; inside their weekly windows, or the default 08:00–21:00, where their zone's
//! offset does not change within a day of the slot).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use tempi::chrono::{
    DateTime, Datelike, Duration, NaiveDate, NaiveTime, Offset, Timelike, Utc, Weekday,
};
use tempi::chrono_tz::Tz;
use tempi::solve::{Availability, SeriesEnd, SeriesQuery, SlotQuery};
use tempi::{Cadence, Length, WeeklyWindow, Window};

const ZONES: [Tz; 8] = [
    Tz::UTC,
    Tz::Europe__Berlin,
    Tz::America__New_York,
    Tz::Asia__Kolkata,
    Tz::Asia__Kathmandu,
    Tz::Australia__Lord_Howe,
    Tz::Pacific__Apia,
    Tz::America__Sao_Paulo,
];

const CADENCES: [&str; 7] = [
    "weekly",
    "every 2 weeks",
    "weekly on tue",
    "monthly",
    "FREQ=WEEKLY;BYDAY=MO,TH",
    "last fri of every month",
    "FREQ=DAILY",
];

const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

#[derive(Debug, Arbitrary)]
struct Member {
    zone: u8,
    required: bool,
    /// (weekday, start minute, end minute) in local time.
    windows: Vec<(u8, u16, u16)>,
    /// (start, length) in minutes from the base instant.
    busy: Vec<(u16, u16)>,
}

#[derive(Debug, Arbitrary)]
struct Input {
    members: Vec<Member>,
    length: u16,
    granularity: u16,
    start_day: u8,
    days: u8,
    buffers: (u8, u8),
    notice: Option<(u16, u16)>,
    max_results: u8,
    cadence: u8,
    anchor: u8,
    count: u8,
    misses: u8,
}

/// A member as the checks see it.
struct Spec {
    id: String,
    zone: Tz,
    required: bool,
    windows: Vec<(Weekday, u16, u16)>,
    busy: Vec<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Spec {
    /// Whether the zone's UTC offset changes within a day of `[start, end)`: the wall-clock
    /// check is skipped there, since a window across a DST transition is a policy choice.
    fn offset_changes_near(&self, start: DateTime<Utc>, end: DateTime<Utc>) -> bool {
        let offset = |t: DateTime<Utc>| t.with_timezone(&self.zone).offset().fix();
        let first = offset(start - Duration::hours(26));
        [start, end, end + Duration::hours(26)].into_iter().any(|t| offset(t) != first)
    }

    /// Checks a required member's slot `[start, end)`.
    fn check_free(&self, start: DateTime<Utc>, end: DateTime<Utc>, buffers: (u8, u8)) {
        for (a, b) in &self.busy {
            let a = *a - Duration::minutes(i64::from(buffers.0));
            let b = *b + Duration::minutes(i64::from(buffers.1));
            assert!(
                !(start < b && a < end),
                "{}: slot {start}..{end} overlaps busy {a}..{b}",
                self.id
            );
        }
        if self.offset_changes_near(start, end) {
            return;
        }
        let mut t = start;
        while t < end {
            let local = t.with_timezone(&self.zone);
            let minute = u16::try_from(local.hour() * 60 + local.minute()).unwrap_or(u16::MAX);
            let weekday = local.weekday();
            let inside = if self.windows.is_empty() {
                (8 * 60..21 * 60).contains(&minute)
            } else {
                self.windows.iter().any(|(d, s, e)| *d == weekday && (*s..*e).contains(&minute))
            };
            assert!(inside, "{}: slot {start}..{end} is outside their hours at {local}", self.id);
            t += Duration::minutes(1);
        }
    }
}

fuzz_target!(|input: Input| {
    if input.members.is_empty() || input.members.len() > 4 {
        return;
    }
    let Some(base_date) = NaiveDate::from_ymd_opt(2027, 1, 1)
        .and_then(|d| d.checked_add_signed(Duration::days(i64::from(input.start_day))))
    else {
        return;
    };
    let base = base_date.and_time(NaiveTime::MIN).and_utc();
    let mut specs = Vec::new();
    for (i, member) in input.members.iter().enumerate() {
        let zone = ZONES[usize::from(member.zone) % ZONES.len()];
        let mut windows = Vec::new();
        for (d, s, e) in member.windows.iter().take(6) {
            let (s, e) = (s % 1440, e % 1441);
            if e > s {
                windows.push((WEEKDAYS[usize::from(*d) % 7], s, e));
            }
        }
        let busy = member
            .busy
            .iter()
            .take(8)
            .map(|(s, l)| {
                let a = base + Duration::minutes(i64::from(*s) * 2);
                (a, a + Duration::minutes(i64::from(*l % 2880)))
            })
            .filter(|(a, b)| a < b)
            .collect();
        specs.push(Spec { id: format!("m{i}"), zone, required: member.required, windows, busy });
    }
    let availability = |spec: &Spec| {
        let windows = spec.windows.iter().filter_map(|(d, s, e)| {
            let start = NaiveTime::from_hms_opt(u32::from(*s) / 60, u32::from(*s) % 60, 0)?;
            let end = match *e {
                1440 => None,
                e => Some(NaiveTime::from_hms_opt(u32::from(e) / 60, u32::from(e) % 60, 0)?),
            };
            WeeklyWindow::new(*d, start, end).ok()
        });
        Availability::new(spec.id.clone(), spec.zone).windows(windows).busy(spec.busy.clone())
    };

    let Ok(length) = Length::try_minutes(u32::from(input.length % 600)) else {
        return;
    };
    let granularity = u32::from(input.granularity % 730);
    let to = base_date + Duration::days(i64::from(input.days % 14));
    let Ok(window) = Window::days(Tz::UTC, base_date, to) else {
        return;
    };

    // One-off.
    let mut query = SlotQuery::new(length, window);
    for spec in &specs {
        if spec.required {
            query.required(availability(spec));
        } else {
            query.optional(availability(spec));
        }
    }
    query.granularity(granularity);
    query.buffers(u32::from(input.buffers.0), u32::from(input.buffers.1));
    let not_before = input.notice.map(|(now, notice)| {
        let now = base + Duration::minutes(i64::from(now));
        query.notice(now, u32::from(notice));
        now + Duration::minutes(i64::from(notice))
    });
    let max_results = usize::from(input.max_results % 12);
    query.max_results(max_results);
    if let Ok(slots) = query.solve() {
        assert!(slots.candidates.len() <= max_results, "more candidates than max_results");
        for candidate in &slots.candidates {
            let (start, end) = (candidate.start, candidate.end);
            assert!(
                start >= window.start() && end <= window.end(),
                "{start}..{end} outside window"
            );
            assert_eq!(end - start, length.to_duration(), "candidate of the wrong length");
            assert_eq!(
                start.timestamp().rem_euclid(i64::from(granularity) * 60),
                0,
                "{start} not on the {granularity}-minute granularity"
            );
            if let Some(not_before) = not_before {
                assert!(start >= not_before, "{start} before the notice {not_before}");
            }
            for spec in specs.iter().filter(|s| s.required) {
                assert!(
                    candidate.attendees.iter().any(|a| a.id == spec.id),
                    "required {} not attending",
                    spec.id
                );
                spec.check_free(start, end, input.buffers);
            }
            assert_eq!(
                candidate.score.total,
                candidate.score.attendance + candidate.score.preferences + candidate.score.fairness
            );
        }
        for (i, a) in slots.candidates.iter().enumerate() {
            for b in slots.candidates.iter().skip(i + 1) {
                assert!(a.end <= b.start || b.end <= a.start, "candidates overlap: {a:?} {b:?}");
            }
        }
        for pair in slots.candidates.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            assert!(
                (a.score.total, std::cmp::Reverse(a.start))
                    >= (b.score.total, std::cmp::Reverse(b.start)),
                "candidates not best first"
            );
        }
    }

    // A small series.
    let Ok(cadence) = CADENCES[usize::from(input.cadence) % CADENCES.len()].parse::<Cadence>()
    else {
        return;
    };
    let anchor = ZONES[usize::from(input.anchor) % ZONES.len()];
    let end = SeriesEnd::Count(u32::from(input.count % 13));
    let mut series = SeriesQuery::new(length, cadence, anchor, base_date, end);
    for spec in &specs {
        if spec.required {
            series.required(availability(spec));
        } else {
            series.optional(availability(spec));
        }
    }
    series.granularity(granularity);
    series.buffers(u32::from(input.buffers.0), u32::from(input.buffers.1));
    series.max_results(max_results);
    let misses = u32::from(input.misses % 3);
    series.allowed_misses(misses);
    if let Ok(patterns) = series.solve() {
        assert!(patterns.patterns.len() <= max_results, "more patterns than max_results");
        for pattern in &patterns.patterns {
            assert!(pattern.misses <= misses as usize, "pattern with too many misses");
            let holding = pattern.occurrences.iter().filter(|o| !o.holds).count();
            assert_eq!(holding, pattern.misses, "misses disagree with the occurrences");
            for occurrence in pattern.occurrences.iter().filter(|o| o.holds) {
                assert_eq!(occurrence.end - occurrence.start, length.to_duration());
                for spec in specs.iter().filter(|s| s.required) {
                    spec.check_free(occurrence.start, occurrence.end, input.buffers);
                }
            }
        }
    }
});
