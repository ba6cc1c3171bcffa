use super::*;

#[test]
fn durations() {
    assert_eq!(parse_duration("PT1H30M"), Some(5400));
    assert_eq!(parse_duration("-PT15M"), Some(-900));
    assert_eq!(parse_duration("P1W"), Some(604_800));
    assert_eq!(parse_duration("P1DT1S"), Some(86_401));
    assert_eq!(parse_duration("PT"), None);
}

#[test]
fn zones_as_clients_write_them() {
    assert_eq!(lookup_zone("W. Europe Standard Time").map(|z| z.name()), Some("Europe/Berlin"));
    assert_eq!(
        lookup_zone("/mozilla.org/20050126_1/America/New_York").map(|z| z.name()),
        Some("America/New_York")
    );
    assert_eq!(lookup_zone("\"Europe/Lisbon\"").map(|z| z.name()), Some("Europe/Lisbon"));
}

#[test]
fn split_line_respects_quotes() {
    let (name, params, value) =
        parse::split_line("ATTENDEE;CN=\"Doe; A: B\";ROLE=CHAIR:mailto:a@b").unwrap();
    assert_eq!(name, "ATTENDEE");
    assert_eq!(params, "CN=\"Doe; A: B\";ROLE=CHAIR");
    assert_eq!(value, "mailto:a@b");
}
