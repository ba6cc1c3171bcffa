use super::*;

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn block(zone: Tz, earliest: DateTime<Utc>) -> String {
    component(zone, earliest)
}

#[test]
fn new_york_uses_the_rfc_onset_convention() {
    // US law since 2007: second Sunday of March and first Sunday of November at 02:00 local.
    let text = block(chrono_tz::America::New_York, utc(2027, 1, 1));
    assert!(text.contains("BEGIN:DAYLIGHT\r\nDTSTART:20070311T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\n"), "{text}");
    assert!(text.contains("BEGIN:STANDARD\r\nDTSTART:20071104T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"), "{text}");
}

#[test]
fn the_component_does_not_depend_on_the_window() {
    for zone in [chrono_tz::America::New_York, chrono_tz::Europe::Dublin] {
        let a = block(zone, utc(2027, 1, 1));
        assert_eq!(a, block(zone, utc(1971, 1, 1)));
        assert_eq!(a, block(zone, utc(2099, 6, 1)));
        // A feed that starts earlier gets a component that reaches back to it.
        let early = block(zone, utc(1950, 6, 1));
        assert_ne!(a, early);
        assert!(early.contains("DTSTART:1949") || early.contains("DTSTART:195"), "{early}");
    }
}

#[test]
fn berlin_sydney_lord_howe_kolkata() {
    // EU rule since 1981: last Sunday of March at 01:00 UTC.
    let berlin = block(chrono_tz::Europe::Berlin, utc(2027, 1, 1));
    assert!(berlin.contains("DTSTART:19810329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"), "{berlin}");
    // New South Wales since 2008: first Sunday of October and of April.
    let sydney = block(chrono_tz::Australia::Sydney, utc(2027, 1, 1));
    assert!(
        sydney.contains(
            "DTSTART:20081005T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100"
        ),
        "{sydney}"
    );
    assert!(
        sydney.contains(
            "DTSTART:20080406T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000"
        ),
        "{sydney}"
    );
    let lord_howe = block(chrono_tz::Australia::Lord_Howe, utc(2027, 1, 1));
    assert!(lord_howe.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\r\nTZOFFSETFROM:+1030\r\nTZOFFSETTO:+1100\r\nTZNAME:+11\r\n"), "{lord_howe}");
    // India has kept +05:30 without DST since 1945.
    let kolkata = block(chrono_tz::Asia::Kolkata, utc(2027, 1, 1));
    assert_eq!(
        kolkata,
        "BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nTZNAME:IST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    );
}

#[test]
fn dublin_ends_summer_time_on_the_last_sunday_of_october() {
    // Irish law (and the EU rule since 1996): the last Sunday of October, 01:00 UTC. tz data
    // writes Irish winter time as negative DST; the component calls it STANDARD.
    let text = block(chrono_tz::Europe::Dublin, utc(2027, 1, 1));
    assert!(text.contains("BEGIN:STANDARD\r\nDTSTART:19961027T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0000\r\nTZNAME:GMT\r\n"), "{text}");
    assert!(!text.contains("5SU"), "{text}");
}

#[test]
fn a_rule_change_gets_until() {
    // The US moved DST from April/October to March/November in 2007.
    let text = block(chrono_tz::America::New_York, utc(2027, 1, 1));
    assert!(
        text.contains("RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z"),
        "{text}"
    );
}

#[test]
fn transitions_match_chrono_tz() {
    let zone = chrono_tz::America::New_York;
    let list = transitions(zone, utc(2027, 1, 1).naive_utc(), utc(2028, 1, 1).naive_utc());
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].at.to_string(), "2027-03-14 07:00:00");
    assert_eq!(offset_at(zone, list[0].at), -4 * 3600);
}

#[test]
fn chrono_tz_data_ends_in_the_last_data_year() {
    // New York's rule has a transition in LAST_DATA_YEAR and none after: the constant (and the
    // open-ended rules it allows) follow the data. A chrono-tz upgrade that moves the end fails
    // here.
    let zone = chrono_tz::America::New_York;
    let in_last = transitions(
        zone,
        utc(LAST_DATA_YEAR, 1, 1).naive_utc(),
        utc(LAST_DATA_YEAR + 1, 1, 1).naive_utc(),
    );
    assert_eq!(in_last.len(), 2);
    let after = transitions(
        zone,
        utc(LAST_DATA_YEAR + 1, 1, 1).naive_utc(),
        utc(LAST_DATA_YEAR + 30, 1, 1).naive_utc(),
    );
    assert!(after.is_empty(), "{after:?}");
}

/// Feeds carry one VTIMEZONE per zone they use: keep each small. Bounds from the sizes measured
/// when the generator was written (median 725 bytes, largest Asia/Hebron 5,287) with headroom.
#[test]
fn every_zone_component_stays_small() {
    let mut all: Vec<(usize, &str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|z| (component(*z, utc(2027, 1, 1)).len(), z.name()))
        .collect();
    all.sort();
    let median = all[all.len() / 2].0;
    let largest = all[all.len() - 1];
    assert!(median < 1_500, "median VTIMEZONE {median} bytes");
    assert!(largest.0 < 8_000, "largest VTIMEZONE {largest:?}");
}

#[test]
fn apia_crosses_the_date_line_as_standard() {
    // Samoa skipped 30 December 2011, going from UTC-10 (its summer time) to UTC+14. A jump of a
    // whole day is written STANDARD: dateutil derives DST's size from it and fails on 24 hours.
    let text = block(chrono_tz::Pacific::Apia, utc(2027, 1, 1));
    assert!(
        text.contains("BEGIN:STANDARD\r\nDTSTART:20111230T000000\r\nTZOFFSETFROM:-1000\r\nTZOFFSETTO:+1400\r\n"),
        "{text}"
    );
}
