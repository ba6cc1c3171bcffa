//! The command's conventions, driven in-process through [`run`](super::run).

use super::{EXIT_NO_FIT, run, run_with_input};

/// Runs `tempi ARGS` in-process: (exit code, stdout, stderr).
fn tempi(args: &[&str]) -> (u8, String, String) {
    let mut all = vec!["tempi".into()];
    all.extend(args.iter().map(std::ffi::OsString::from));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run(all, &mut out, &mut err);
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap_or_else(|e| panic!("{e}"));
    (code, text(out), text(err))
}

/// Runs `tempi ARGS` with `stdin` as its input.
fn tempi_with(args: &[&str], stdin: &str) -> (u8, String, String) {
    let mut all = vec!["tempi".into()];
    all.extend(args.iter().map(std::ffi::OsString::from));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with_input(all, &mut stdin.as_bytes(), &mut out, &mut err);
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap_or_else(|e| panic!("{e}"));
    (code, text(out), text(err))
}

#[test]
fn a_dash_reads_the_community_from_stdin() {
    // The bundled sample through stdin reads as the sample does without a FILE.
    let (code, out, err) = tempi_with(&["check", "-"], super::SAMPLE_COMMUNITY);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, tempi(&["check"]).1);
    let (code, out, err) = tempi_with(&["plan", "-", "--year", "2027"], super::SAMPLE_COMMUNITY);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, tempi(&["plan", "--year", "2027"]).1);
    // `slots` and `pods` read it the same way.
    for args in [
        &["slots", "--members", "ana,bram", "--duration", "1h"][..],
        &["pods", "--members", "ana,bram,chiara,dawit", "--size", "2..2"][..],
    ] {
        let mut dashed = vec![args[0], "-"];
        dashed.extend(&args[1..]);
        let (code, out, err) = tempi_with(&dashed, super::SAMPLE_COMMUNITY);
        assert_eq!(code, 0, "{err}");
        assert_eq!(out, tempi(args).1);
    }
    // Errors are located in `<stdin>`.
    let bad =
        super::SAMPLE_COMMUNITY.replacen("zone = \"Europe/Berlin\"", "zone = \"Europe/Berln\"", 1);
    let (code, _, err) = tempi_with(&["check", "-"], &bad);
    assert_eq!(code, 1);
    assert!(err.starts_with("<stdin>:8:8: error:"), "{err}");
    assert!(err.contains("Europe/Berlin"), "the suggestion: {err}");
}

#[test]
fn a_dash_reads_a_calendar_from_stdin() {
    let calendar = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20270101T000000Z\r\nDTSTART:20270105T100000Z\r\nDTEND:20270105T113000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let args = ["busy", "-", "--from", "2027-01-01", "--to", "2027-01-31"];
    let (code, out, err) = tempi_with(&args, calendar);
    assert_eq!(code, 0, "{err}");
    // One event: 10:00 to 11:30 UTC is 5,400 seconds.
    assert_eq!(out, "a\t20270105T100000Z\t5400\n");
    // `expand -` reads the same input (it once locked the process's stdin a second time and
    // hung): the one occurrence, 90 minutes long.
    let args = ["expand", "-", "--from", "2027-01-01", "--to", "2027-02-01"];
    let (code, out, err) = tempi_with(&args, calendar);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("a\t"), "{out}");
    // Errors are located in `<stdin>`.
    let (code, _, err) = tempi_with(&args, "not a calendar\n");
    assert_eq!(code, 1);
    assert!(err.starts_with("<stdin>:1: error:"), "{err}");
}

#[test]
fn serve_refuses_stdin_because_it_watches_its_file() {
    // Every command that reads a FILE once takes `-`; `serve` re-reads its file on every change,
    // which stdin cannot give, so it says so instead of failing to open a file named `-`.
    let (code, _, err) = tempi_with(&["serve", "-", "--state", "unused"], super::SAMPLE_COMMUNITY);
    assert_eq!(code, 1);
    assert!(err.contains("needs a file it can watch, not `-` (stdin)"), "{err}");
}

#[test]
fn help_lists_the_exit_codes() {
    let (code, out, _) = tempi(&["--help"]);
    assert_eq!(code, 0);
    for line in
        ["Exit codes:", "  0  success", "  1  bad input", "  2  usage error", "  3  nothing fits"]
    {
        assert!(out.contains(line), "--help lacks {line:?}:\n{out}");
    }
    // The commands whose answer can be "nothing fits" say what that exits with.
    for command in ["slots", "pods", "check", "plan", "busy", "expand"] {
        let (code, out, _) = tempi(&[command, "--help"]);
        assert_eq!(code, 0);
        assert!(out.contains("  3  nothing fits"), "{command} --help:\n{out}");
    }
}

#[test]
fn from_alone_plans_a_year_from_that_date() {
    let (code, out, err) = tempi(&["plan", "--from", "2027-03-01"]);
    assert_eq!(code, 0, "{err}");
    // A year from 1 March 2027 ends the day before 1 March 2028 (2028 is a leap year).
    assert!(out.starts_with("Riverbend Congregation — 2027-03-01 to 2028-02-29 "), "{out}");
    // --to still needs --from.
    let (code, _, _) = tempi(&["plan", "--to", "2027-03-01"]);
    assert_eq!(code, 2);
}

#[test]
fn slots_with_no_fit_print_why_and_exit_3() {
    // The sample's members have evening windows of a few hours: no one has 10 free hours.
    let (code, out, _) = tempi(&["slots", "--members", "ana,bram", "--duration", "10h"]);
    assert_eq!(code, EXIT_NO_FIT);
    assert_eq!(EXIT_NO_FIT, 3);
    assert!(out.contains("no time fits:"), "{out}");
    let args = ["slots", "--members", "ana,bram", "--duration", "10h", "--repeat", "weekly"];
    let (code, out, _) = tempi(&args);
    assert_eq!(code, EXIT_NO_FIT);
    assert!(out.contains("no recurring time fits:"), "{out}");
    // An hour does fit, and exits 0.
    let (code, _, err) = tempi(&["slots", "--members", "ana,bram", "--duration", "1h"]);
    assert_eq!(code, 0, "{err}");
}

#[test]
fn pods_without_a_shared_time_exit_3() {
    // Four members on three continents with evening windows share no weekly 90 minutes: Mei's
    // Tokyo evenings (10:00-14:00 UTC) and Saturday mornings never meet Ana's Lisbon evenings.
    let (code, out, _) = tempi(&["pods", "--members", "ana,bram,chiara,mei", "--size", "4..4"]);
    assert_eq!(code, EXIT_NO_FIT, "{out}");
    assert!(out.contains("no recurring time holds for all of them"), "{out}");
}

#[test]
fn check_json_reports_counts_or_located_errors() {
    let (code, out, err) = tempi(&["check", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.is_empty(), "{err}");
    // The bundled sample: 20 members, 5 groups, 13 rhythms (examples/community.toml).
    for part in ["\"ok\": true", "\"members\": 20", "\"groups\": 5", "\"rhythms\": 13"] {
        assert!(out.contains(part), "{part} missing:\n{out}");
    }
    let bad =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/bad/unknown-member-in-group.toml");
    let (code, out, err) = tempi(&["check", "--json", bad]);
    assert_eq!(code, 1);
    assert!(err.is_empty(), "the errors are in the JSON, not on stderr: {err}");
    for part in [
        "\"ok\": false",
        "\"community\": null",
        "\"line\": 27",
        "\"col\": 27",
        "did you mean `chiara`?",
    ] {
        assert!(out.contains(part), "{part} missing:\n{out}");
    }
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let (code, out, err) = tempi(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        // Every subcommand is offered.
        for command in ["check", "plan", "slots", "pods", "busy", "completions"] {
            assert!(out.contains(command), "{shell} completions lack {command}");
        }
    }
    let (code, _, err) = tempi(&["completions", "nosh"]);
    assert_eq!(code, 2, "{err}");
}

#[test]
fn quiet_drops_warnings_and_notes_but_not_errors() {
    // A file with an error and a warning: with --quiet the error, its warning and the count are
    // still printed, byte for byte as without it.
    let bad =
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/bad/unknown-member-in-group.toml");
    let (code, _, loud) = tempi(&["check", bad]);
    let (quiet_code, _, quiet) = tempi(&["check", "--quiet", bad]);
    assert_eq!((code, quiet_code), (1, 1));
    assert_eq!(quiet, loud);
    assert!(quiet.contains("error: unknown member `chiarra`"), "{quiet}");
    assert!(quiet.ends_with(&format!("1 error in {bad}\n")), "{quiet}");
    // The sample with its 19:00 rhythms on `auto`: the solver cannot place every one, and says
    // so on stderr; --quiet drops those warnings and leaves the agenda as it was.
    let auto = super::SAMPLE_COMMUNITY.replace("at = \"19:00\"", "at = \"auto\"");
    let args = ["plan", "-", "--from", "2027-01-04", "--to", "2027-02-28"];
    let (code, out, err) = tempi_with(&args, &auto);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("could not be placed"), "{err}");
    let mut quiet_args = vec!["-q"];
    quiet_args.extend(args);
    let (quiet_code, quiet_out, quiet_err) = tempi_with(&quiet_args, &auto);
    assert_eq!(quiet_code, 0);
    assert_eq!(quiet_out, out);
    assert_eq!(quiet_err, "", "--quiet printed: {quiet_err}");
}
