//! Bad community files: each fixture in `tests/data/bad/` is a small variant of
//! `tests/data/good/maple.toml` with one problem. Both `tempi check` and `tempi plan` must exit 1,
//! print nothing on stdout, locate the problem `path:line:col: error: …` on the right line and
//! column, say what would fix it, and never panic.
//!
//! The table gives each fixture's expected location and an `anchor`: the text that starts there in
//! the fixture, so the table cannot drift from the files. Add a fixture, add a row.

use std::ffi::OsStr;

use crate::{data, tempi};

/// One bad fixture and what the command must say about it.
struct BadFile {
    /// The file name under `tests/data/bad/`.
    file: &'static str,
    /// The expected line, from 1.
    line: usize,
    /// The expected column, from 1, in characters.
    col: usize,
    /// The text at `line:col` in the fixture (a BOM or an invalid byte reads as U+FEFF / U+FFFD).
    anchor: &'static str,
    /// How many errors the command reports, when it prints a count.
    errors: Option<usize>,
    /// Fragments of the located error message: what is wrong and what would fix it.
    says: &'static [&'static str],
}

#[track_caller]
fn check_bad(case: &BadFile) {
    let path = data(&format!("bad/{}", case.file));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = String::from_utf8_lossy(&bytes);
    let line_text = text
        .split_inclusive('\n')
        .nth(case.line - 1)
        .unwrap_or_else(|| panic!("{} has no line {}", case.file, case.line));
    assert!(
        case.col <= line_text.chars().count(),
        "{} has no {}:{}",
        case.file,
        case.line,
        case.col
    );
    let rest: String = text.split_inclusive('\n').skip(case.line - 1).collect();
    let at: String = rest.chars().skip(case.col - 1).take(case.anchor.chars().count()).collect();
    assert!(
        at.starts_with(case.anchor),
        "the table is out of date: {}:{}:{} reads {at:?}, not {:?}",
        case.file,
        case.line,
        case.col,
        case.anchor
    );

    let shown = path.display().to_string();
    let located = format!("{shown}:{}:{}: error: ", case.line, case.col);
    for command in ["check", "plan"] {
        let run = tempi(&[OsStr::new(command), path.as_os_str()]);
        assert_eq!(
            run.code, 1,
            "tempi {command} {}: exit code\nstderr:\n{}",
            case.file, run.stderr
        );
        assert!(run.stdout.is_empty(), "tempi {command} {}: stdout:\n{}", case.file, run.stdout);
        assert!(!run.stderr.contains("panicked"), "tempi {command} {}:\n{}", case.file, run.stderr);
        let Some(message) = run.stderr.lines().find(|l| l.starts_with(&located)) else {
            panic!(
                "tempi {command} {}: expected an error located `{}:{}`, got:\n{}",
                case.file, case.line, case.col, run.stderr
            );
        };
        for fragment in case.says {
            assert!(
                message.contains(fragment),
                "tempi {command} {}: the message should say {fragment:?}:\n{message}",
                case.file
            );
        }
        if let Some(n) = case.errors {
            let listed =
                run.stderr.lines().filter(|l| l.starts_with(&shown) && l.contains(": error: "));
            assert_eq!(listed.count(), n, "tempi {command} {}:\n{}", case.file, run.stderr);
            let summary = format!("{n} error{} in {shown}", if n == 1 { "" } else { "s" });
            assert!(
                run.stderr.lines().any(|l| l == summary),
                "tempi {command} {}: expected the summary {summary:?}:\n{}",
                case.file,
                run.stderr
            );
        }
    }
}

macro_rules! bad_files {
    ($(
        $test:ident: $file:literal at $line:literal:$col:literal on $anchor:literal,
        $errors:expr, [$($says:literal),+ $(,)?];
    )+) => {
        /// Every fixture the table covers.
        const FILES: &[&str] = &[$($file),+];
        $(
            #[test]
            fn $test() {
                check_bad(&BadFile {
                    file: $file,
                    line: $line,
                    col: $col,
                    anchor: $anchor,
                    errors: $errors,
                    says: &[$($says),+],
                });
            }
        )+
    };
}

bad_files! {
    toml_syntax_error: "toml-syntax-unclosed-string.toml" at 4:31 on "\n",
        Some(1), ["invalid basic string", "expected `\"`"];
    wrong_type_time_as_integer: "wrong-type-at-integer.toml" at 35:6 on "1900",
        Some(1), ["expected a time such as \"19:00\", found integer"];
    wrong_type_members_as_string: "wrong-type-members-string.toml" at 27:11 on "\"ana, bram, chiara\"",
        Some(1), ["invalid type: string", "expected a sequence"];
    unknown_top_level_table: "unknown-field-top-level.toml" at 38:2 on "settings]",
        Some(1), ["unknown field `settings`", "expected one of `community`, `members`, `groups`, `rhythms`"];
    unknown_member_field: "unknown-field-member.toml" at 17:1 on "phone =",
        Some(1), ["unknown field `phone`", "expected one of `id`, `name`, `zone`, `email`, `availability`"];
    unknown_rhythm_field: "unknown-field-rhythm.toml" at 37:1 on "location =",
        Some(1), ["unknown field `location`", "`length`", "see docs/community-file.md"];
    missing_required_field: "missing-field-rhythm-at.toml" at 29:1 on "[[rhythms]]",
        Some(1), ["missing field `at`"];
    only_a_community_header: "only-community-header.toml" at 1:1 on "[community]",
        Some(1), ["missing field `id`"];
    unknown_zone_suggests_the_intended_one: "unknown-zone-community.toml" at 5:8 on "\"Europe/Berln\"",
        Some(1), ["unknown time zone `Europe/Berln`", "did you mean `Europe/Berlin`?"];
    unknown_member_in_a_group_lists_close_ids: "unknown-member-in-group.toml" at 27:27 on "\"chiarra\"",
        Some(1), ["unknown member `chiarra`", "did you mean `chiara`?"];
    unknown_group_in_a_rhythm: "unknown-group-in-rhythm.toml" at 32:9 on "\"pod-mapel\"",
        Some(1), ["unknown group `pod-mapel`", "did you mean `pod-maple`?"];
    unknown_rhythm_in_within: "unknown-rhythm-within.toml" at 55:10 on "\"maple-retreet\"",
        Some(1), ["unknown rhythm `maple-retreet`", "did you mean `maple-retreat`?"];
    // Located at the `except` entry itself, not the rhythm's `[[rhythms]]` line.
    unknown_rhythm_in_except: "unknown-rhythm-except.toml" at 37:11 on "{ rhythm = \"maple-retreet\"",
        Some(1), ["unknown rhythm `maple-retreet`", "did you mean `maple-retreat`?"];
    unknown_rhythm_in_after: "unknown-rhythm-after.toml" at 55:9 on "{ rhythm = \"maple-retreet\"",
        Some(1), ["unknown rhythm `maple-retreet`", "did you mean `maple-retreat`?"];
    unknown_rhythm_in_offset: "unknown-rhythm-offset.toml" at 43:10 on "{ rhythm = \"maple-weekley\"",
        Some(1), ["unknown rhythm `maple-weekley`", "did you mean `maple-weekly`?"];
    composition_cycle_names_both_rhythms: "composition-cycle.toml" at 38:1 on "[[rhythms]]\nid = \"sabbath-walk\"",
        Some(1), ["sabbath-walk -> garden-day -> sabbath-walk", "break it by removing one of these references"];
    part_of_loop: "part-of-loop.toml" at 28:11 on "\"maple-street\"",
        // One loop, one error (reported from its first group in file order).
        Some(1), ["pod-maple -> maple-street -> pod-maple", "must name a larger group"];
    duplicate_member_id: "duplicate-member-id.toml" at 24:6 on "\"ana\"",
        Some(1), ["member id `ana` is already used by member 1", "ids must be unique"];
    duplicate_rhythm_id_differing_in_case: "duplicate-rhythm-id-case.toml" at 39:6 on "\"Maple-Weekly\"",
        Some(1), ["rhythm id `Maple-Weekly` is used twice (ignoring case)", "rename one"];
    rrule_bysetpos_zero_names_the_part: "rrule-bysetpos-zero.toml" at 34:11 on "\"FREQ=MONTHLY;",
        Some(1), ["BYSETPOS=0", "outside 1..=366 and -366..=-1"];
    rrule_count_with_until: "rrule-count-with-until.toml" at 34:11 on "\"FREQ=WEEKLY;",
        Some(1), ["COUNT and UNTIL must not both be given", "keep one"];
    rrule_ordinal_byday_in_weekly: "rrule-ordinal-byday-weekly.toml" at 34:11 on "\"FREQ=WEEKLY;BYDAY=1TU\"",
        Some(1), ["BYDAY=1TU", "only allowed with FREQ=MONTHLY or FREQ=YEARLY", "use BYDAY=TU"];
    bad_cadence_text: "cadence-bad-text.toml" at 34:11 on "\"every other tuesday\"",
        Some(1), ["`every other tuesday` is not a cadence", "\"every 2 weeks on thu\""];
    length_zero: "length-zero.toml" at 36:10 on "\"0m\"",
        Some(1), ["a length must be positive", "\"90m\""];
    length_negative: "length-negative.toml" at 36:10 on "\"-30m\"",
        Some(1), ["`-30m` is not a length", "e.g. \"45m\""];
    length_longer_than_its_cadence: "length-longer-than-cadence.toml" at 36:10 on "\"1d2h\"",
        Some(1), ["lasts 1d2h", "occurrences would overlap", "shorten it or slow the cadence"];
    impossible_quorum: "presence-impossible-quorum.toml" at 37:12 on "5",
        Some(1), ["a quorum of 5 is impossible", "3 attendees", "use 1 to 3 or a percentage"];
    commitment_with_no_meetings: "commitment-zero-meetings.toml" at 37:14 on "{ meetings = 0",
        Some(1), ["a commitment needs 1 to 1000 meetings", "not 0"];
    time_25_00: "time-25-00.toml" at 35:6 on "\"25:00\"",
        Some(1), ["`25:00` is not a time of day", "24-hour HH:MM"];
    date_february_30: "date-february-30.toml" at 6:9 on "\"2027-02-30\"",
        Some(1), ["`2027-02-30` is not a date", "write YYYY-MM-DD"];
    id_with_a_slash: "id-with-slash.toml" at 24:6 on "\"pods/maple\"",
        Some(1), ["`pods/maple` is not a valid id", "ASCII letters, digits, `-`, `_` or `.`"];
    id_dot_dot: "id-dot-dot.toml" at 3:6 on "\"..\"",
        Some(1), ["`..` is not a valid id", "starting with a letter or digit"];
    byte_order_mark: "bom.toml" at 1:1 on "\u{feff}# Maple Street",
        Some(1), ["byte-order mark", "save it as UTF-8 without BOM"];
    // In the same `<path>:line:col: error: …` form as every other diagnostic.
    invalid_utf8: "invalid-utf8-latin1.toml" at 15:17 on "\u{fffd}nez\"",
        None, ["not valid UTF-8", "save it as UTF-8"];
}

#[test]
fn every_bad_fixture_is_in_the_table() {
    let mut on_disk: Vec<String> = std::fs::read_dir(data("bad"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 25, "only {} bad fixtures", listed.len());
}

#[test]
fn the_fixtures_base_file_is_valid() {
    let path = data("good/maple.toml");
    let run = tempi(&[OsStr::new("check"), path.as_os_str()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "ok: Maple Street Community (maple): 3 members, 1 groups, 1 rhythms; 0 warnings\n"
    );
    assert_eq!(run.stderr, "");
}

/// A rhythm that fails to read (here: an unknown category) must not shift the location of errors
/// found in the rhythms after it.
///
/// file.rs keeps a placeholder for a rhythm that fails to read, so the builder's numbering stays
/// the file's.
#[test]
fn errors_after_a_dropped_rhythm_point_at_their_own_rhythm() {
    let path = data("multi/dropped-rhythm.toml");
    let shown = path.display().to_string();
    let run = tempi(&[OsStr::new("check"), path.as_os_str()]);
    assert_eq!(run.code, 1);
    let expected = format!(
        "{shown}:33:12: error: `social` is not a category; use relational, planning, working or learning\n\
         {shown}:41:9: error: unknown group `pod-mapel`; did you mean `pod-maple`?\n\
         2 errors in {shown}\n"
    );
    assert_eq!(run.stderr, expected);
}
