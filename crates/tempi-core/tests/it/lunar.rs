//! Lunar cadences: a "full moon" rhythm meets on the local date of each full moon in its zone.
//!
//! The expected dates come from `moon::phases_between`, which is tested on its own against PyEphem;
//! what is checked here is the engine's mapping instant → local date → the rhythm's local time.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use tempi_core::moon::{MoonPhase, phases_between};
use tempi_core::{Community, Group, Scale, Window};

use crate::{add_members, at, build, date, of, rhythm};

/// The local dates in `year` (in `zone`) of each `phase`.
fn local_dates(phase: MoonPhase, zone: Tz, year: i32) -> Vec<NaiveDate> {
    let from = Utc.with_ymd_and_hms(year - 1, 12, 30, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(year + 1, 1, 3, 0, 0, 0).unwrap();
    phases_between(phase, from, to)
        .into_iter()
        .map(|t| t.with_timezone(&zone).date_naive())
        .filter(|d| d.year() == year)
        .collect()
}

/// Checks a `cadence_text` rhythm at 20:00 in `zone` over 2027 against the moon's local dates.
#[track_caller]
fn check(zone: Tz, cadence_text: &str, phase: MoonPhase) -> Vec<NaiveDate> {
    let mut builder = Community::builder("moon", "Moon", zone, date(2026, 12, 1));
    add_members(&mut builder, zone, &["ana", "bo", "chen"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
    builder.rhythm(rhythm("moon", "pod", cadence_text, at(20, 0), "2h"));
    let community = build(&builder);
    let plan = community.plan(Window::year(zone, 2027).unwrap()).unwrap();

    let expected_dates = local_dates(phase, zone, 2027);
    assert!((12..=13).contains(&expected_dates.len()), "{} in {zone}", expected_dates.len());
    let expected: Vec<DateTime<Tz>> = expected_dates
        .iter()
        .map(|d| zone.from_local_datetime(&d.and_time(at(20, 0))).single().unwrap())
        .collect();
    let got: Vec<DateTime<Tz>> = of(&plan, "moon").iter().map(|o| o.start).collect();
    assert_eq!(got, expected, "{cadence_text} in {zone}");
    for occurrence in of(&plan, "moon") {
        assert_eq!(occurrence.end - occurrence.start, Duration::hours(2));
    }
    expected_dates
}

/// How many phases in 2027 fall on a different date in `zone` than in UTC.
fn dates_differing_from_utc(phase: MoonPhase, zone: Tz) -> usize {
    let from = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
    let to = Utc.with_ymd_and_hms(2028, 1, 1, 0, 0, 0).unwrap();
    phases_between(phase, from, to)
        .into_iter()
        .filter(|t| t.date_naive() != t.with_timezone(&zone).date_naive())
        .count()
}

#[test]
fn full_moons_on_their_local_dates_east_of_greenwich() {
    let zone = chrono_tz::Pacific::Auckland;
    // Auckland is 12 or 13 hours ahead: a full moon in the UTC afternoon is the next day there.
    assert!(dates_differing_from_utc(MoonPhase::Full, zone) > 0);
    check(zone, "full moon", MoonPhase::Full);
}

#[test]
fn full_moons_on_their_local_dates_west_of_greenwich() {
    let zone = chrono_tz::Pacific::Honolulu;
    assert!(dates_differing_from_utc(MoonPhase::Full, zone) > 0);
    check(zone, "every full moon", MoonPhase::Full);
}

#[test]
fn full_and_new_moons_in_the_fixture_zones() {
    for zone in [
        chrono_tz::America::New_York,
        chrono_tz::Europe::Berlin,
        chrono_tz::Australia::Sydney,
        chrono_tz::Australia::Lord_Howe,
        chrono_tz::Asia::Kolkata,
    ] {
        check(zone, "full moon", MoonPhase::Full);
        let new = check(zone, "new moon", MoonPhase::New);
        // Full and new moons alternate, about two weeks apart.
        let full = local_dates(MoonPhase::Full, zone, 2027);
        for d in &new {
            assert!(full.iter().all(|f| (*f - *d).num_days().abs() >= 13), "{d} in {zone}");
        }
    }
}

#[test]
fn a_lunar_rhythm_starts_on_its_start_date() {
    // A rhythm starting mid-year has no earlier full moons.
    let zone = chrono_tz::Europe::Berlin;
    let mut builder = Community::builder("moon", "Moon", zone, date(2027, 7, 1));
    add_members(&mut builder, zone, &["ana", "bo", "chen"]);
    builder.group(Group::new("pod", "Pod", Scale::Pod).members(["ana", "bo", "chen"]));
    builder.rhythm(rhythm("moon", "pod", "full moon", at(20, 0), "2h"));
    let plan = build(&builder).plan(Window::year(zone, 2027).unwrap()).unwrap();
    let expected: Vec<NaiveDate> = local_dates(MoonPhase::Full, zone, 2027)
        .into_iter()
        .filter(|d| *d >= date(2027, 7, 1))
        .collect();
    assert_eq!(crate::dates(&plan, "moon"), expected);
}
