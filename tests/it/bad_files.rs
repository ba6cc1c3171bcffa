//! Bad community files: each fixture in `tests/data/bad/` is a small variant of
//! `tests/data/good/maple.toml` with one problem. Both `tempi check` and `tempi plan` must exit 1,
//! print nothing on stdout, locate the problem `path:line:col: error: …` on the right line and
//! column, say what would fix it, and never panic.
//!
//! The table gives each fixture's expected location and an `anchor`: the text that starts there in
//! the fixture, so the table cannot drift from the files. Add a fixture, add a row.

use std::ffi::{OsStr, OsString};

use crate::{Run, data, tempi};

#[path = "../support/watchdog.rs"]
mod watchdog;

/// Runs `tempi <args>` under the hang guard ([`watchdog::guarded`]): a bad file must fail, at a
/// cap if it asks for unbounded work, and a hang fails the test; how fast it fails is measured in
/// `benches/`, never here.
#[track_caller]
pub(crate) fn tempi_guarded<S: AsRef<OsStr>>(args: &[S]) -> Run {
    let args: Vec<OsString> = args.iter().map(|a| a.as_ref().to_os_string()).collect();
    let shown: Vec<String> = args.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    watchdog::guarded(&format!("tempi {}", shown.join(" ")), move || tempi(&args))
}

/// One bad fixture and what the command must say about it.
struct BadFile {
    /// The test's name, which also names its snapshot (`snapshots/it__bad_files__<name>.snap`).
    name: &'static str,
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
        let run = tempi_guarded(&[OsStr::new(command), path.as_os_str()]);
        if command == "check" {
            // The whole of stderr, with the machine's path made portable: a change in wording
            // fails here until the new snapshot is reviewed (cargo insta review) and committed.
            let portable = run.stderr.replace(&shown, &format!("tests/data/bad/{}", case.file));
            insta::assert_snapshot!(case.name, portable);
        }
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
                    name: stringify!($test),
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
    // Without `at` a rhythm is all-day, so a 90-minute length is what is wrong (or the missing `at`).
    missing_required_field: "missing-field-rhythm-at.toml" at 35:10 on "\"90m\"",
        Some(1), ["is all-day (it has no `at`)", "give it a time with `at`"];
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
        Some(1), ["BYSETPOS=0", "write 1 to 366, or -1 to -366"];
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
        Some(1), ["`25:00` is not a time of day", "25 is not an hour; hours run from 00 to 23"];
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
    // Issue 11 (honest messages): say what is actually wrong, in plain words.
    window_hour_25: "window-hour-25.toml" at 12:17 on "\"sat 25:00-26:00\"",
        Some(1), ["`sat 25:00-26:00` is not an availability window: 25 is not an hour", "hours run from 00 to 23"];
    length_enormous: "length-enormous.toml" at 36:10 on "\"99999999999h\"",
        Some(1), ["`99999999999h` is longer than the 60-day maximum", "split it"];
    byte_order_mark_mid_file: "bom-middle.toml" at 16:1 on "\u{feff}zone_note",
        Some(1), ["byte-order mark (U+FEFF) is here, in the middle of the file", "delete it"];
    // Added for issue 5 (hardening): one problem each; their full messages are snapshotted.
    after_nth_enormous: "after-nth-enormous.toml" at 46:9 on "{ rhythm = \"ma",
        Some(1), ["`nth = 4000000000` must be between 1 and 1000 (1 ="];
    after_nth_zero: "after-nth-zero.toml" at 46:9 on "{ rhythm = \"ma",
        Some(1), ["`nth = 0` must be between 1 and 1000 (1 = the firs"];
    bom_crlf: "bom-crlf.toml" at 1:1 on "\u{feff}# Maple Stree",
        Some(1), ["the file starts with a byte-order mark (BOM)", "save it as UTF-8 without BOM"];
    commitment_negative_meetings: "commitment-negative-meetings.toml" at 37:27 on "-3 }",
        Some(1), ["`meetings = -3`: a commitment needs 1 or more meet"];
    commitment_renewals_and_until: "commitment-renewals-and-until.toml" at 37:52 on "\"2028-01-01\" }",
        Some(1), ["a commitment renews either a number of `renewals` ", "keep one"];
    commitment_too_many_meetings: "commitment-too-many-meetings.toml" at 37:14 on "{ meetings = 1",
        Some(1), ["a commitment needs 1 to 1000 meetings before its r"];
    composition_cycle_self: "composition-cycle-self.toml" at 37:10 on "\"maple-weekly\"",
        Some(1), ["rhythm `maple-weekly` cannot be composed with itse", "name another rhythm or remove `within`"];
    composition_cycle_three: "composition-cycle-three.toml" at 38:1 on "[[rhythms]]",
        Some(1), ["rhythms are composed in a cycle: a-rhythm -> b-rhy", "break it by removing one of these references (with"];
    composition_cycle_within_within: "composition-cycle-within-within.toml" at 38:1 on "[[rhythms]]",
        Some(1), ["rhythms are composed in a cycle: garden-day -> sab", "break it by removing one of these references (with"];
    crlf_lf_mixed: "crlf-lf-mixed.toml" at 21:8 on "\"Europe/Rom\"",
        Some(1), ["unknown time zone `Europe/Rom`", "did you mean `Europe/Rome`?"];
    crlf_only_unknown_field: "crlf-only-unknown-field.toml" at 37:1 on "location = \"th",
        Some(1), ["unknown field `location`, expected one of `id`, `n", "see docs/community-file.md for the fields each tab"];
    date_out_of_range: "date-out-of-range.toml" at 6:9 on "\"1850-01-04\"",
        Some(1), ["1850-01-04 is outside 1900-2099, the years tempi c", "use a date in those years"];
    no_community_table: "no-community-table.toml" at 1:1 on "#",
        Some(1), ["missing field `community`", "add it (docs/community-file.md lists the fields ea"];
    except_bad_scope: "except-bad-scope.toml" at 37:11 on "{ rhythm = \"re",
        Some(1), ["`scope` must be \"span\", \"day\" or \"week\"", "an `except` entry is a rhythm id (\"retreat\") or { "];
    invalid_utf8_truncated_char: "invalid-utf8-truncated-char.toml" at 20:22 on "\u{fffd}\"",
        None, ["the file is not valid UTF-8 (byte 339)", "save it as UTF-8"];
    length_longer_than_monthly_cadence: "length-longer-than-monthly-cadence.toml" at 36:10 on "\"2d\"",
        Some(1), ["rhythm `maple-weekly` lasts 2d but its cadence `FR", "shorten it or slow the cadence"];
    length_retrospective_zero: "length-retrospective-zero.toml" at 37:46 on "\"0m\" }",
        Some(1), ["a length must be positive", "write e.g. \"90m\" or \"1h30m\""];
    offset_days_enormous: "offset-days-enormous.toml" at 43:10 on "{ rhythm = \"ma",
        Some(1), ["an offset of 100000 days is more than a year", "use at most 366"];
    presence_over_100_percent: "presence-over-100-percent.toml" at 37:12 on "\"150%\"",
        Some(1), ["a quorum of 150% is impossible", "use 1% to 100%"];
    rhythm_ends_before_start: "rhythm-ends-before-start.toml" at 38:7 on "\"2027-02-01\"",
        Some(1), ["rhythm `maple-weekly` ends on 2027-02-01, before i", "move `end` after `start` or remove it"];
    rrule_bymonthday_zero: "rrule-bymonthday-zero.toml" at 34:11 on "\"FREQ=MONTHLY;",
        Some(1), ["BYMONTHDAY=0 is not a day of the month; write 1 to 31"];
    rrule_bysetpos_400: "rrule-bysetpos-400.toml" at 34:11 on "\"FREQ=MONTHLY;",
        Some(1), ["BYSETPOS=400 is not a position; write 1 to 366"];
    rrule_count_enormous: "rrule-count-enormous.toml" at 34:11 on "\"FREQ=DAILY;CO",
        Some(1), ["COUNT=4294967295 is more than 100000 occurrences", "use UNTIL or a smaller COUNT"];
    rrule_count_overflow: "rrule-count-overflow.toml" at 34:11 on "\"FREQ=DAILY;CO",
        Some(1), ["`COUNT=99999999999999999999`: `9999999999999999999"];
    rrule_freq_secondly: "rrule-freq-secondly.toml" at 36:10 on "\"90m\"",
        Some(1), ["rhythm `maple-weekly` lasts 1h30m but its cadence ", "shorten it or slow the cadence"];
    rrule_interval_enormous: "rrule-interval-enormous.toml" at 34:11 on "\"FREQ=WEEKLY;I",
        Some(1), ["`INTERVAL=4294967295`: `4294967295` is not valid here", "from 1 to 65535"];
    rrule_interval_zero: "rrule-interval-zero.toml" at 34:11 on "\"FREQ=WEEKLY;I",
        Some(1), ["INTERVAL must be at least 1 (INTERVAL=0 would neve", "remove it or use INTERVAL=1"];
    rrule_no_freq: "rrule-no-freq.toml" at 34:11 on "\"BYDAY=TU\"",
        Some(1), ["the rule has no FREQ", "start it with e.g. FREQ=WEEKLY"];
    rrule_unknown_part: "rrule-unknown-part.toml" at 34:11 on "\"FREQ=WEEKLY;B",
        Some(1), ["BYDAYS is not an RFC 5545 rule part (FREQ, INTERVA"];
    toml_syntax_bare_value: "toml-syntax-bare-value.toml" at 35:6 on "19:00 pm",
        Some(1), ["invalid datetime", "this is TOML syntax: text needs double quotes (at "];
    toml_syntax_duplicate_key: "toml-syntax-duplicate-key.toml" at 16:1 on "name = \"Bram\"",
        Some(1), ["duplicate key", "a key may appear once in each table: remove or ren"];
    toml_syntax_unclosed_table_header: "toml-syntax-unclosed-table-header.toml" at 23:10 on "\n",
        Some(1), ["unclosed array table, expected `]`", "this is TOML syntax: text needs double quotes (at "];
    unknown_field_commitment: "unknown-field-commitment.toml" at 37:30 on "retro = \"2h\" }",
        Some(1), ["unknown field `retro`, expected one of `meetings`,", "see docs/community-file.md for the fields each tab"];
    unknown_field_group: "unknown-field-group.toml" at 27:1 on "description = ",
        Some(1), ["unknown field `description`, expected one of `id`,", "see docs/community-file.md for the fields each tab"];
    unknown_group_part_of: "unknown-group-part-of.toml" at 27:11 on "\"maple-stret\"",
        Some(1), ["unknown group `maple-stret`", "known groups: pod-maple"];
    unknown_member_fixed_role: "unknown-member-fixed-role.toml" at 37:10 on "{ role = \"host",
        Some(1), ["unknown member `dora`", "known members: ana, bram, chiara"];
    unknown_zone_member: "unknown-zone-member.toml" at 21:8 on "\"Europe/Roma\"",
        Some(1), ["unknown time zone `Europe/Roma`", "did you mean `Europe/Rome`?"];
    unknown_zone_rhythm: "unknown-zone-rhythm.toml" at 37:8 on "\"America/New Y",
        Some(1), ["unknown time zone `America/New York`", "did you mean `America/New_York`?"];
    wrong_type_length_integer: "wrong-type-length-integer.toml" at 36:10 on "90",
        Some(1), ["invalid type: integer `90`, expected a string", "docs/community-file.md gives the type of each fiel"];
    wrong_type_priority_string: "wrong-type-priority-string.toml" at 37:12 on "\"high\"",
        Some(1), ["invalid type: string \"high\", expected a whole number", "docs/community-file.md gives the type of each fiel"];
    wrong_type_roles_table: "wrong-type-roles-table.toml" at 37:9 on "{ facilitator ",
        Some(1), ["invalid type: map, expected a sequence", "docs/community-file.md gives the type of each fiel"];
}

#[test]
fn every_bad_fixture_is_in_the_table() {
    let on_disk = crate::files::names(&data("bad"));
    let mut listed: Vec<String> = FILES.iter().map(|f| f.to_string()).collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    assert!(listed.len() >= 50, "only {} bad fixtures", listed.len());
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

/// A scratch directory for generated inputs (too big, or plan-only, to commit).
pub(crate) fn scratch(test: &str) -> std::path::PathBuf {
    crate::files::scratch(&format!("it-{test}"))
}

/// The base fixture with `from` replaced by `to` (once; the fixture must contain `from`).
fn maple_with(from: &str, to: &str) -> String {
    let base = std::fs::read_to_string(data("good/maple.toml")).unwrap();
    assert!(base.contains(from), "good/maple.toml has no {from:?}");
    base.replacen(from, to, 1)
}

/// Runs `tempi <command> <file>` under the hang guard; stderr with the scratch path made portable.
#[track_caller]
fn run_generated(command: &str, path: &std::path::Path, extra: &[&str]) -> (u8, String) {
    let mut args = vec![OsStr::new(command), path.as_os_str()];
    args.extend(extra.iter().map(OsStr::new));
    let run = tempi_guarded(&args);
    assert!(run.stdout.is_empty() || run.code == 0, "stdout:\n{}", run.stdout);
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    (run.code, run.stderr.replace(&path.display().to_string(), &name))
}

/// A 10 MB line (here: a cadence with 3.5 million BYDAY entries) is refused before the TOML
/// reader or the rule parser spends time on it, at the line's start.
#[test]
fn a_ten_megabyte_line() {
    let dir = scratch("ten-megabyte-line");
    let path = dir.join("ten-megabyte-line.toml");
    let huge = format!("cadence = \"FREQ=WEEKLY;BYDAY={}TU\"", "TU,".repeat(10 * 1024 * 1024 / 3));
    std::fs::write(&path, maple_with("cadence = \"weekly on tue\"", &huge)).unwrap();
    for command in ["check", "plan"] {
        let (code, stderr) = run_generated(command, &path, &[]);
        assert_eq!(code, 1, "{stderr}");
        insta::assert_snapshot!("ten_megabyte_line", stderr);
    }
}

/// A long value under the line limit is reported with its start and its length, not echoed whole.
#[test]
fn a_long_value_is_cut_in_the_message() {
    let dir = scratch("long-value");
    let path = dir.join("long-value.toml");
    let long = format!("length = \"{}m\"", "1".repeat(60_000));
    std::fs::write(&path, maple_with("length = \"90m\"", &long)).unwrap();
    let (code, stderr) = run_generated("check", &path, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.len() < 600, "the message should not echo the whole value:\n{stderr}");
    insta::assert_snapshot!("long_value", stderr);
}

/// FREQ=SECONDLY over a decade: a valid file (every 60 seconds, 1 minute long, from 2017) whose
/// plan would need 5 million occurrences. `check` accepts it; `plan` stops at the per-rhythm cap
/// (50,000: a hundredth of the work) with an error naming the cap and the flag that raises it.
/// The error is located at the rhythm's `[[rhythms]]` table.
#[test]
fn secondly_over_a_decade_stops_at_the_per_rhythm_cap() {
    let dir = scratch("secondly-decade");
    let path = dir.join("secondly-decade.toml");
    let text = maple_with(
        "cadence = \"weekly on tue\"",
        "cadence = \"FREQ=SECONDLY;INTERVAL=60\"\nstart = \"2017-01-01\"",
    )
    .replacen("length = \"90m\"", "length = \"1m\"", 1);
    std::fs::write(&path, text).unwrap();
    let (code, stderr) = run_generated("check", &path, &[]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = run_generated("plan", &path, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("more than 50000 occurrences"), "{stderr}");
    assert!(stderr.contains("--max-per-rhythm"), "{stderr}");
    insta::assert_snapshot!("secondly_over_a_decade", stderr);
}

/// An enormous COUNT is refused by the rule's own cap (see `rrule-count-enormous.toml`); a COUNT
/// just inside it still meets the per-rhythm cap when planned.
#[test]
fn a_large_count_stops_at_the_per_rhythm_cap() {
    let dir = scratch("count-100000");
    let path = dir.join("count-100000.toml");
    let text =
        maple_with("cadence = \"weekly on tue\"", "cadence = \"FREQ=MINUTELY;COUNT=100000\"")
            .replacen("length = \"90m\"", "length = \"1m\"", 1);
    std::fs::write(&path, text).unwrap();
    let (code, stderr) = run_generated("plan", &path, &[]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("count_100000", stderr);
}

/// The caps are the CLI's flags: a lowered cap is the one the message names.
#[test]
fn the_caps_messages_name_the_flags_that_raise_them() {
    let path = data("good/maple.toml");
    let (code, stderr) = run_generated("plan", &path, &["--max-per-rhythm", "10"]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("max_per_rhythm_10", stderr);
    let (code, stderr) = run_generated("plan", &path, &["--max-occurrences", "10"]);
    assert_eq!(code, 1, "{stderr}");
    insta::assert_snapshot!("max_occurrences_10", stderr);
}
