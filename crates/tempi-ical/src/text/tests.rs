use super::*;

#[test]
fn escapes_text_per_rfc_5545() {
    assert_eq!(escape_text("a\\b;c,d\r\ne\rf\ng"), "a\\\\b\\;c\\,d\\ne\\nf\\ng");
    assert_eq!(escape_text("bell\u{7}"), "bell");
}

#[test]
fn folds_at_75_octets_without_splitting_characters() {
    let mut writer = Writer::new();
    let value = "ä".repeat(100);
    writer.text("SUMMARY", &value);
    let out = writer.finish();
    for line in out.split_terminator("\r\n") {
        assert!(line.len() <= MAX_LINE_OCTETS, "{line:?}");
    }
    let unfolded = out.replace("\r\n ", "");
    assert_eq!(unfolded, format!("SUMMARY:{value}\r\n"));
}

#[test]
fn parameters_cannot_break_out() {
    let mut writer = Writer::new();
    writer.line("ATTENDEE", &[("CN", "Doe, \"Ally\"\r\nBEGIN:VEVENT")], "mailto:a@b.example");
    assert_eq!(writer.finish(), "ATTENDEE;CN=\"Doe, 'Ally'  BEGIN:VEVENT\":mailto:a@b.example\r\n");
}

#[test]
fn offsets() {
    assert_eq!(format_offset(19_800), "+0530");
    assert_eq!(format_offset(-18_000), "-0500");
    assert_eq!(format_offset(-17_762), "-045602");
}
