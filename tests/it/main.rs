//! End-to-end tests for the `tempi` command, driven in-process through [`tempi_cli::run`].
//!
//! Modules:
//! - `bad_files`: every fixture in `tests/data/bad/` fails `check` and `plan` with exit code 1 and
//!   one located error (`path:line:col: error: …`) that says what would fix it, and never panics;
//!   messages are insta snapshots (`snapshots/`); generated inputs (a 10 MB line, plans past the
//!   occurrence caps) are written to a temp dir.
//! - `bad_ics`: every fixture in `tests/data/bad-ics/` through `tempi busy`: unusable input exits 1
//!   with one located error (`path:line: error: …`), input it reads around exits 0 with located
//!   warnings; messages are insta snapshots; no panic, no hang.
//! - `sample`: the bundled sample community (`examples/community.toml`) through `check` and `plan`:
//!   the agenda, the JSON document against `docs/plan-json.md`, determinism, windows, usage errors.
//! - `availability`: `check`/`plan` availability warnings, `--strict`, and the agenda's
//!   `--zone`/`--member` (issue 11 §3, §7).
//! - `docs`: the examples in `docs/` are real (the minimal community file, the example plan).
//! - `dst`: the DST policy of `docs/community-file.md` as seen in `tempi plan --json`.
//! - `durability`: a failed `plan --out` leaves the earlier feeds byte for byte; ids that try
//!   path traversal or name a Windows device are refused before anything is written.
//! - `feeds`: `tempi plan --out DIR` and `tempi busy` (docs/feeds.md).
//! - `picture`: the year at a glance (`plan --html/--svg`): the SVG's structure, and what
//!   Debian's chromium draws and measures (run `scripts/ci-setup-browser.sh` first).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::ffi::OsString;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

mod allday;
#[path = "../support/community_toml.rs"]
mod community_toml;
#[path = "../support/files.rs"]
mod files;

mod availability;
mod bad_files;
mod bad_ics;
mod docs;
mod dst;
mod durability;
mod feeds;
mod picture;
mod safe_text;
mod sample;
mod solver;

/// What one run of the command produced.
#[derive(Debug)]
pub(crate) struct Run {
    /// The exit code.
    pub(crate) code: u8,
    /// Everything written to standard output.
    pub(crate) stdout: String,
    /// Everything written to standard error.
    pub(crate) stderr: String,
}

/// Runs `tempi <args>` in-process. Fails the test if the command panics.
#[track_caller]
pub(crate) fn tempi<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let argv: Vec<OsString> = std::iter::once(OsString::from("tempi"))
        .chain(args.iter().map(|a| a.as_ref().to_os_string()))
        .collect();
    let shown: Vec<String> = argv.iter().map(|a| a.to_string_lossy().into_owned()).collect();
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = tempi_cli::run(argv, &mut out, &mut err);
        (code, out, err)
    }));
    assert!(result.is_ok(), "`{}` panicked", shown.join(" "));
    let (code, out, err) = result.unwrap();
    Run {
        code,
        stdout: String::from_utf8(out).expect("stdout is UTF-8"),
        stderr: String::from_utf8(err).expect("stderr is UTF-8"),
    }
}

/// The path of a fixture under `tests/data/`.
pub(crate) fn data(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data").join(relative)
}
