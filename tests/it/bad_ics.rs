//! Bad calendar exports through `tempi busy`: each fixture in `tests/data/bad-ics/` is a small
//! `.ics` file with one problem. The importer is lenient on purpose (docs/feeds.md; a member's
//! export with one broken event still gives the rest of their busy time), so there are two kinds:
//!
//! - input it cannot use at all: exit 1, one `path:line: error: …` that says what would fix it;
//! - input it can read around (a BOM, mixed CRLF and LF, invalid UTF-8, a truncated file, a bad
//!   event): exit 0, and every problem a located `path:line: warning: …`.
//!
//! None may panic or run past the hang guard. stderr (and stdout) are snapshotted, so a change in
//! wording is deliberate. Add a fixture, add a row.

use std::ffi::OsStr;
use std::path::Path;

use crate::bad_files::{scratch, tempi_guarded};
use crate::data;

/// What `tempi busy` must do with one fixture.
struct BadIcs {
    /// The test's name, which also names its snapshot.
    name: &'static str,
    /// The file name under `tests/data/bad-ics/`.
    file: &'static str,
    /// The exit code: 1 (unusable) or 0 (read around, with warnings).
    code: u8,
    /// The line of a located diagnostic, from 1; `None` when the file reads cleanly.
    line: Option<usize>,
    /// Fragments of that diagnostic.
    says: &'static [&'static str],
}

/// Runs `tempi busy` on `path` over 2027 under the hang guard; stdout and stderr with the path
/// replaced by the file name.
#[track_caller]
fn busy(path: &Path) -> (u8, String, String) {
    let run = tempi_guarded(&[
        OsStr::new("busy"),
        OsStr::new("--from"),
        OsStr::new("2027-01-01"),
        OsStr::new("--to"),
        OsStr::new("2027-12-31"),
        path.as_os_str(),
    ]);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    let shown = path.display().to_string();
    (run.code, run.stdout.replace(&shown, &name), run.stderr.replace(&shown, &name))
}

#[track_caller]
fn check_bad_ics(case: &BadIcs) {
    let path = data(&format!("bad-ics/{}", case.file));
    let (code, stdout, stderr) = busy(&path);
    assert_eq!(code, case.code, "tempi busy {}:\n{stderr}", case.file);
    let severity = if case.code == 1 { "error" } else { "warning" };
    match case.line {
        Some(line) => {
            let located = format!("{}:{line}: {severity}: ", case.file);
            let Some(message) = stderr.lines().find(|l| l.starts_with(&located)) else {
                panic!(
                    "tempi busy {}: expected a diagnostic located `{located}`, got:\n{stderr}",
                    case.file
                );
            };
            for fragment in case.says {
                assert!(
                    message.contains(fragment),
                    "{}: should say {fragment:?}:\n{message}",
                    case.file
                );
            }
        }
        None => {
            assert_eq!(stderr, "", "{}", case.file);
            for fragment in case.says {
                assert!(
                    stdout.contains(fragment),
                    "{}: stdout should have {fragment:?}:\n{stdout}",
                    case.file
                );
            }
        }
    }
    if case.code == 1 {
        assert!(stdout.is_empty(), "{}: stdout:\n{stdout}", case.file);
    }
    insta::assert_snapshot!(
        case.name,
        format!("exit {code}\n--- stdout\n{stdout}--- stderr\n{stderr}")
    );
}

macro_rules! bad_ics {
    ($(
        $test:ident: $file:literal exits $code:literal at $line:expr, [$($says:literal),+ $(,)?];
    )+) => {
        /// Every fixture the table covers.
        const FILES: &[&str] = &[$($file),+];
        $(
            #[test]
            fn $test() {
                check_bad_ics(&BadIcs {
                    name: concat!("ics_", stringify!($test)),
                    file: $file,
                    code: $code,
                    line: $line,
                    says: &[$($says),+],
                });
            }
        )+
    };
}

bad_ics! {
    not_icalendar: "not-ical.ics" exits 1 at Some(1), ["not an iCalendar file", "expected BEGIN:VCALENDAR"];
    blank: "blank.ics" exits 1 at Some(1), ["the file is empty", "expected BEGIN:VCALENDAR"];
    nested_deep: "nested-deep.ics" exits 1 at Some(19), ["nested more than 16 deep", "BEGIN lines without their END"];
    truncated: "truncated.ics" exits 1 at Some(4), ["ends inside VEVENT begun at line 4", "looks cut off", "export the calendar again"];
    truncated_mid_line: "truncated-mid-line.ics" exits 1 at Some(3), ["ends inside VEVENT begun at line 3", "export the calendar again"];
    invalid_utf8: "invalid-utf8.ics" exits 0 at Some(8), ["not valid UTF-8", "invalid bytes replaced"];
    bom: "bom.ics" exits 0 at None, ["standup@example.com\t20270105T090000Z\t1800"];
    crlf_lf_mixed: "crlf-lf-mixed.ics" exits 0 at None, ["standup@example.com\t20270105T090000Z\t1800"];
    rrule_count_and_until: "rrule-bad.ics" exits 0 at Some(8), ["COUNT and UNTIL must not both be given", "keep one"];
    rrule_secondly: "rrule-secondly.ics" exits 0 at Some(8), ["cannot be expanded", "more than 200000 instances"];
    no_dtstart: "no-dtstart.ics" exits 0 at Some(4), ["it has no DTSTART"];
    utf16: "utf16.ics" exits 1 at Some(1), ["the file is UTF-16 (little-endian)", "save it as UTF-8"];
}

/// `tempi expand` reads the same fixtures as `busy`: the same exit code and the same first
/// located diagnostic (a file it cannot use fails before any line of output).
#[test]
fn expand_reports_what_busy_reports() {
    for file in FILES {
        let path = data(&format!("bad-ics/{file}"));
        let (busy_code, _, busy_err) = busy(&path);
        let run = tempi_guarded(&[
            OsStr::new("expand"),
            OsStr::new("--from"),
            OsStr::new("2027-01-01"),
            OsStr::new("--to"),
            OsStr::new("2028-01-01"),
            path.as_os_str(),
        ]);
        let shown = path.display().to_string();
        let stderr = run.stderr.replace(&shown, file);
        assert_eq!(run.code, busy_code, "{file}:\n{stderr}");
        assert_eq!(stderr.lines().next(), busy_err.lines().next(), "{file}");
        if run.code == 1 {
            assert_eq!(run.stdout, "", "{file}");
        }
    }
}

#[test]
fn every_bad_ics_fixture_is_in_the_table() {
    let on_disk = crate::files::names(&data("bad-ics"));
    let mut listed: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
}

/// A 10 MB line before anything else: refused at line 1 without echoing it.
#[test]
fn a_ten_megabyte_line() {
    let path = scratch("ics-ten-megabyte-line").join("ten-megabyte-line.ics");
    let mut text = "X".repeat(10 * 1024 * 1024);
    text.push_str("\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n");
    std::fs::write(&path, text).unwrap();
    let (code, stdout, stderr) = busy(&path);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(stdout, "");
    insta::assert_snapshot!("ics_ten_megabyte_line", stderr);
}

/// A 10 MB DESCRIPTION inside a good event is read (folded text has no line cap in RFC 5545),
/// and fast.
#[test]
fn a_ten_megabyte_description() {
    let path = scratch("ics-ten-megabyte-description").join("ten-megabyte-description.ics");
    let body = std::fs::read_to_string(data("bad-ics/bom.ics")).unwrap();
    let text = body.trim_start_matches('\u{feff}').replacen(
        "SUMMARY:",
        &format!("DESCRIPTION:{}\r\nSUMMARY:", "d".repeat(10 * 1024 * 1024)),
        1,
    );
    std::fs::write(&path, text).unwrap();
    let (code, stdout, stderr) = busy(&path);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, "standup@example.com\t20270105T090000Z\t1800\n");
}

/// Past the import size cap (a sparse file: nothing is written, only its length is set), the
/// error names the cap and what to do, before a byte is read.
#[test]
fn a_calendar_over_the_size_cap() {
    let path = scratch("ics-too-large").join("too-large.ics");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(tempi::ical::import::MAX_INPUT_BYTES as u64 + 1).unwrap();
    drop(file);
    let (code, _, stderr) = busy(&path);
    std::fs::remove_file(&path).unwrap();
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("ics_too_large", stderr);
}
