//! Real-process tests of the `tempi` binary: exit codes, located errors on stderr, and a reader
//! that closes the pipe early (`tempi plan | head -1`). Everything else is tested in-process
//! through `tempi_cli::run` in the workspace's `tests/` package.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn tempi() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tempi"))
}

#[track_caller]
fn run(args: &[&str]) -> Output {
    tempi().args(args).stdin(Stdio::null()).output().expect("tempi runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// A bad fixture from the workspace's `tests/data/bad/`.
fn bad_fixture(name: &str) -> PathBuf {
    [env!("CARGO_MANIFEST_DIR"), "..", "..", "tests", "data", "bad", name].iter().collect()
}

#[test]
fn the_sample_plan_exits_0() {
    let output = run(&["plan", "--year", "2027"]);
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    assert_eq!(text(&output.stderr), "");
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("Riverbend Congregation — 2027-01-01 to 2027-12-31"), "{stdout}");
    assert!(stdout.contains("\nDecember 2027\n"), "{stdout}");
}

#[test]
fn the_sample_checks_ok() {
    let output = run(&["check"]);
    assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    assert!(text(&output.stdout).starts_with("ok: Riverbend Congregation (riverbend)"));
}

#[test]
fn a_bad_file_exits_1_with_a_located_error() {
    let path = bad_fixture("unknown-zone-community.toml");
    let shown = path.display().to_string();
    for command in ["check", "plan"] {
        let output = run(&[command, &shown]);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "tempi {command}: stderr:\n{stderr}");
        assert_eq!(text(&output.stdout), "", "tempi {command}");
        assert!(
            stderr.starts_with(&format!(
                "{shown}:5:8: error: unknown time zone `Europe/Berln`; did you mean `Europe/Berlin`?\n"
            )),
            "tempi {command}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "tempi {command}: {stderr}");
        assert!(!stderr.contains("RUST_BACKTRACE"), "tempi {command}: {stderr}");
    }
}

#[test]
fn invalid_utf8_exits_1_without_a_panic() {
    let path = bad_fixture("invalid-utf8-latin1.toml");
    let output = run(&["plan", &path.display().to_string()]);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains(":15:17:") && stderr.contains("not valid UTF-8"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `tempi plan | head -1`: the reader takes one line and closes the pipe. Both outputs are far
/// larger than a pipe's buffer (64 KiB on Linux), so tempi is still writing when the pipe closes.
#[test]
fn a_closed_stdout_is_not_an_error() {
    let cases: [&[&str]; 2] = [
        &["plan", "--from", "2027-01-01", "--to", "2036-12-31"],
        &["plan", "--year", "2027", "--json"],
    ];
    for args in cases {
        let mut child = tempi()
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("tempi starts");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout is piped"));
        let mut first = String::new();
        reader.read_line(&mut first).expect("one line");
        assert!(!first.is_empty(), "tempi {args:?}");
        drop(reader);
        let output = child.wait_with_output().expect("tempi exits");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "tempi {args:?}: stderr:\n{stderr}");
        assert_eq!(stderr, "", "tempi {args:?}");
    }
}
