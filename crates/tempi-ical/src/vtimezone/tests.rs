use super::*;

fn utc(y: i32, m: u32, d: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, m, d, 0, 0, 0).unwrap()
}

fn block(zone: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> String {
    let mut writer = Writer::new();
    write_vtimezone(&mut writer, zone, from, to);
    writer.finish()
}

#[test]
fn new_york_uses_the_rfc_onset_convention() {
    let text = block(chrono_tz::America::New_York, utc(2027, 1, 1), utc(2028, 1, 1));
    assert!(text.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400\r\nTZNAME:EDT\r\n"), "{text}");
    assert!(text.contains("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500\r\nTZNAME:EST\r\n"), "{text}");
}

#[test]
fn berlin_sydney_lord_howe_kolkata() {
    let berlin = block(chrono_tz::Europe::Berlin, utc(2027, 1, 1), utc(2028, 1, 1));
    assert!(berlin.contains("DTSTART:20260329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST"), "{berlin}");
    let sydney = block(chrono_tz::Australia::Sydney, utc(2027, 1, 1), utc(2028, 1, 1));
    assert!(
        sydney.contains(
            "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\r\nTZOFFSETFROM:+1000\r\nTZOFFSETTO:+1100"
        ),
        "{sydney}"
    );
    assert!(
        sydney.contains(
            "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU\r\nTZOFFSETFROM:+1100\r\nTZOFFSETTO:+1000"
        ),
        "{sydney}"
    );
    let lord_howe = block(chrono_tz::Australia::Lord_Howe, utc(2027, 1, 1), utc(2028, 1, 1));
    assert!(lord_howe.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU\r\nTZOFFSETFROM:+1030\r\nTZOFFSETTO:+1100\r\nTZNAME:+11\r\n"), "{lord_howe}");
    let kolkata = block(chrono_tz::Asia::Kolkata, utc(2027, 1, 1), utc(2028, 1, 1));
    assert_eq!(
        kolkata,
        "BEGIN:VTIMEZONE\r\nTZID:Asia/Kolkata\r\nBEGIN:STANDARD\r\nDTSTART:20250101T000000\r\nTZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nTZNAME:IST\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    );
}

#[test]
fn a_rule_change_inside_the_span_gets_until() {
    // The US moved DST from April/October to March/November in 2007.
    let text = block(chrono_tz::America::New_York, utc(2005, 6, 1), utc(2008, 6, 1));
    assert!(
        text.contains("RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU;UNTIL=20060402T070000Z"),
        "{text}"
    );
    assert!(text.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU\r\n"), "{text}");
}

#[test]
fn transitions_match_chrono_tz() {
    let zone = chrono_tz::America::New_York;
    let list = transitions(zone, utc(2027, 1, 1).naive_utc(), utc(2028, 1, 1).naive_utc());
    assert_eq!(list.len(), 2);
    assert_eq!(list[0].at.to_string(), "2027-03-14 07:00:00");
    assert_eq!(offset_at(zone, list[0].at), -4 * 3600);
}
