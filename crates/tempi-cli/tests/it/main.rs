//! Real-process tests of the `tempi` binary: exit codes, located errors on stderr, a reader
//! that closes the pipe early (`tempi plan | head -1`), and output that is never lost or
//! corrupted (issue 5 §4): a run killed while writing feeds, a run stopped mid-`write` by a file
//! size limit, and byte-identical output under `SOURCE_DATE_EPOCH` (which only a child process can
//! be given safely). Everything else is tested in-process through `tempi_cli::run` in the
//! workspace's `tests/` package.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// The synthetic organisation generator (`cargo run -p tempi --example synth`).
#[path = "../../../../examples/synth.rs"]
#[allow(dead_code, reason = "only `generate` is used; the rest is the example's command line")]
pub mod synth;

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

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tempi-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir`, by path relative to `dir`, with its bytes.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let path = entry.path();
            if entry.file_type().unwrap().is_dir() {
                walk(root, &path, files);
            } else if let Ok(bytes) = std::fs::read(&path) {
                // A temporary file may vanish between the listing and the read: the run removes
                // its own on failure. Anything that stays is checked by the caller.
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

fn copy_tree(from: &Path, to: &Path) {
    for (relative, bytes) in tree(from) {
        let path = to.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
}

/// What `export.rs` names its temporary files: `.<feed>.ics.tmp-<pid>`.
fn is_temporary(path: &Path) -> bool {
    let name = path.file_name().unwrap().to_str().unwrap();
    name.starts_with('.')
        && name.rsplit_once(".ics.tmp-").is_some_and(|(stem, pid)| {
            stem.len() > 1 && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
        })
}

/// How many temporary feed files sit in `dir` and its `groups/` and `members/` right now.
fn count_temporaries(dir: &Path) -> usize {
    [dir.to_path_buf(), dir.join("groups"), dir.join("members")]
        .iter()
        .filter_map(|sub| std::fs::read_dir(sub).ok())
        .flat_map(|entries| entries.flatten())
        .filter(|entry| is_temporary(&entry.path()))
        .count()
}

/// The earlier run's feeds (`old`) and a later run's (`new`) over the same ids, all different.
struct Runs {
    work: PathBuf,
    new_input: PathBuf,
    old_ref: PathBuf,
    old: BTreeMap<PathBuf, Vec<u8>>,
    new: BTreeMap<PathBuf, Vec<u8>>,
}

/// 120 generated members (150 feeds, ~18 MB): the new run is seed 1 planned for 2027, the earlier
/// run seed 2 planned for 2028, so every feed's bytes differ while the file names are the same.
fn two_runs(name: &str) -> Runs {
    let work = scratch(name);
    let new_input = work.join("new.toml");
    let old_input = work.join("old.toml");
    std::fs::write(&new_input, synth::generate(120, 1)).unwrap();
    std::fs::write(&old_input, synth::generate(120, 2)).unwrap();
    let old_ref = work.join("old");
    let new_ref = work.join("new");
    for (input, year, out) in [(&old_input, "2028", &old_ref), (&new_input, "2027", &new_ref)] {
        let output = run_plan_out(input, year, out);
        assert_eq!(output.status.code(), Some(0), "stderr:\n{}", text(&output.stderr));
    }
    let old = tree(&old_ref);
    let new = tree(&new_ref);
    assert_eq!(old.keys().collect::<Vec<_>>(), new.keys().collect::<Vec<_>>());
    assert!(old.len() > 100, "{}", old.len());
    assert!(old.iter().all(|(path, bytes)| new[path] != *bytes), "every feed differs");
    Runs { work, new_input, old_ref, old, new }
}

fn run_plan_out(input: &Path, year: &str, out: &Path) -> Output {
    tempi()
        .args(["plan", &input.display().to_string(), "--year", year, "--out"])
        .arg(out)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .output()
        .expect("tempi runs")
}

impl Runs {
    /// Every feed in `dir` is whole and is either the earlier or the new version; nothing else
    /// sits under a feed's name; anything left over is a hidden temporary file, never a `*.ics`.
    /// Returns (feeds already replaced, temporary files left).
    #[track_caller]
    fn check_whole(&self, dir: &Path, when: &str) -> (usize, usize) {
        let found = tree(dir);
        let (mut replaced, mut temporaries) = (0, 0);
        for (path, bytes) in &found {
            if is_temporary(path) {
                assert!(path.extension().is_none_or(|e| e != "ics"), "{when}: {}", path.display());
                temporaries += 1;
                continue;
            }
            let (Some(old), Some(new)) = (self.old.get(path), self.new.get(path)) else {
                panic!("{when}: unexpected file {}", path.display());
            };
            assert!(bytes.starts_with(b"BEGIN:VCALENDAR\r\n"), "{when}: {}", path.display());
            assert!(bytes.ends_with(b"END:VCALENDAR\r\n"), "{when}: {}", path.display());
            if bytes == new {
                replaced += 1;
            } else {
                assert!(
                    bytes == old,
                    "{when}: {} is neither the earlier nor the new feed ({} bytes)",
                    path.display(),
                    bytes.len()
                );
            }
        }
        for path in self.old.keys() {
            assert!(found.contains_key(path), "{when}: {} was lost", path.display());
        }
        (replaced, temporaries)
    }

    /// A complete run into `dir` afterwards gives exactly the new feeds and removes the
    /// temporary files a killed run left.
    #[track_caller]
    fn check_next_run_cleans(&self, dir: &Path, when: &str) {
        let output = run_plan_out(&self.new_input, "2027", dir);
        assert_eq!(output.status.code(), Some(0), "{when}: {}", text(&output.stderr));
        let found = tree(dir);
        let extra: Vec<_> = found.keys().filter(|p| !self.new.contains_key(*p)).collect();
        assert!(extra.is_empty(), "{when}: left after a complete run: {extra:?}");
        assert!(found == self.new, "{when}: a complete run did not write the new feeds");
    }
}

/// When to kill the run, counted while it writes into the directory.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// As soon as the first temporary file appears.
    FirstTemporary,
    /// Once this many temporary files exist.
    Temporaries(usize),
    /// This long after the first temporary file appeared.
    AfterFirstTemporary(Duration),
    /// When every temporary file is there, i.e. during or just before the renames.
    AllTemporaries,
}

/// See: issue 5 §4. The real binary is SIGKILLed (`Child::kill`) at several points while it
/// writes 150 feeds over an earlier run's: every feed stays whole, byte for byte the earlier or
/// the new version, no feed is lost, and what is left is only hidden `.…ics.tmp-<pid>` files,
/// which the next complete run removes.
#[test]
fn a_run_killed_while_writing_feeds_leaves_every_feed_whole() {
    let runs = two_runs("kill");
    let total = runs.new.len();
    let points = [
        KillAt::FirstTemporary,
        KillAt::Temporaries(total / 3),
        KillAt::AfterFirstTemporary(Duration::from_millis(37)),
        KillAt::AfterFirstTemporary(Duration::from_millis(450)),
        KillAt::AllTemporaries,
    ];
    let mut killed_mid_write = 0;
    for (n, point) in points.into_iter().enumerate() {
        let dir = runs.work.join(format!("run{n}"));
        copy_tree(&runs.old_ref, &dir);
        let mut child = tempi()
            .args(["plan", &runs.new_input.display().to_string(), "--year", "2027", "--out"])
            .arg(&dir)
            .env_remove("SOURCE_DATE_EPOCH")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("tempi starts");
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut first_temporary: Option<Instant> = None;
        let mut seen = 0;
        let finished = loop {
            if child.try_wait().unwrap().is_some() {
                break true;
            }
            assert!(Instant::now() < deadline, "{point:?}: tempi ran for 10 minutes");
            let temporaries = count_temporaries(&dir);
            seen = seen.max(temporaries);
            if temporaries > 0 && first_temporary.is_none() {
                first_temporary = Some(Instant::now());
            }
            let fire = match point {
                KillAt::FirstTemporary => temporaries > 0,
                KillAt::Temporaries(k) => temporaries >= k,
                KillAt::AfterFirstTemporary(delay) => {
                    first_temporary.is_some_and(|t| t.elapsed() >= delay)
                }
                KillAt::AllTemporaries => temporaries >= total,
            };
            if fire {
                child.kill().unwrap();
                break false;
            }
            std::thread::sleep(Duration::from_micros(200));
        };
        let status = child.wait().unwrap();
        let when = format!("killed at {point:?} (finished first: {finished}, {status})");
        let (replaced, left) = runs.check_whole(&dir, &when);
        if !finished && seen > 0 {
            killed_mid_write += 1;
            // Every temporary file is written and synced before the first rename: a feed that was
            // already replaced means every other one is replaced or waiting, whole, as a temporary.
            assert!(replaced == 0 || replaced + left == total, "{when}: {replaced} + {left}");
        }
        runs.check_next_run_cleans(&dir, &when);
    }
    assert!(killed_mid_write >= 3, "only {killed_mid_write} kills landed while feeds were written");
    let _ = std::fs::remove_dir_all(&runs.work);
}

/// A file size limit (`ulimit -f`) stops the run inside a `write` of its first feed: SIGXFSZ
/// kills it with a half-written temporary file on disk. The earlier feeds are untouched, the
/// half-written file is hidden and not a `*.ics`, and the next complete run removes it.
#[test]
fn a_run_stopped_mid_write_by_a_file_size_limit_leaves_the_earlier_feeds() {
    let runs = two_runs("fsize");
    let dir = runs.work.join("limited");
    copy_tree(&runs.old_ref, &dir);
    // 64 blocks (32 KiB with dash's 512-byte blocks, 64 KiB with bash's): far less than a feed.
    let output = Command::new("sh")
        .arg("-c")
        .arg("ulimit -f 64 && exec \"$@\"")
        .arg("sh")
        .arg(env!("CARGO_BIN_EXE_tempi"))
        .args(["plan", &runs.new_input.display().to_string(), "--year", "2027", "--out"])
        .arg(&dir)
        .env_remove("SOURCE_DATE_EPOCH")
        .stdin(Stdio::null())
        .output()
        .expect("sh runs");
    assert!(!output.status.success(), "{}", text(&output.stderr));
    let (replaced, left) = runs.check_whole(&dir, "stopped by the file size limit");
    assert_eq!(replaced, 0, "no feed may be replaced when one could not be written");
    assert!(left <= 1, "{left} temporary files left");
    // Only the temporary file being written when the limit struck may be partial.
    assert!(tree(&dir).iter().filter(|(p, _)| is_temporary(p)).all(|(_, b)| b.len() <= 65_536));
    runs.check_next_run_cleans(&dir, "after the file size limit");
    let _ = std::fs::remove_dir_all(&runs.work);
}

/// `tempi plan --out DIR --html F --svg F` with `SOURCE_DATE_EPOCH` in the child's environment.
fn reproducible_run(dir: &Path, epoch: Option<&str>) -> BTreeMap<PathBuf, Vec<u8>> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut command = tempi();
    command
        .args(["plan", "--year", "2027", "--out"])
        .arg(dir.join("feeds"))
        .arg("--html")
        .arg(dir.join("year.html"))
        .arg("--svg")
        .arg(dir.join("year.svg"))
        .stdin(Stdio::null());
    match epoch {
        Some(epoch) => command.env("SOURCE_DATE_EPOCH", epoch),
        None => command.env_remove("SOURCE_DATE_EPOCH"),
    };
    let output = command.output().expect("tempi runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let mut files = tree(dir);
    // stdout (the agenda) is output too.
    files.insert(PathBuf::from("<stdout>"), output.stdout);
    files
}

/// See: issue 5 §4. Three runs with the same input and `SOURCE_DATE_EPOCH` write the same bytes:
/// the community, every group and member feed, the HTML and SVG picture and the agenda.
#[test]
fn the_same_input_and_epoch_give_byte_identical_output() {
    let work = scratch("reproducible");
    let first = reproducible_run(&work.join("run0"), Some("1798761600"));
    assert!(first.contains_key(Path::new("feeds/riverbend.ics")));
    assert!(first.keys().any(|p| p.starts_with("feeds/groups")));
    assert!(first.keys().any(|p| p.starts_with("feeds/members")));
    assert!(
        first.contains_key(Path::new("year.html")) && first.contains_key(Path::new("year.svg"))
    );
    assert_eq!(first.len(), 26 + 3, "{:?}", first.keys().collect::<Vec<_>>());
    for n in 1..3 {
        let again = reproducible_run(&work.join(format!("run{n}")), Some("1798761600"));
        assert_eq!(again.keys().collect::<Vec<_>>(), first.keys().collect::<Vec<_>>());
        for (path, bytes) in &first {
            assert!(again[path] == *bytes, "run {n}: {} differs", path.display());
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// `SOURCE_DATE_EPOCH` changes the `DTSTAMP` lines and nothing else; without it the stamp is the
/// start of the planned window (docs/feeds.md).
#[test]
fn source_date_epoch_changes_dtstamp_only() {
    let work = scratch("epoch");
    let cases = [
        (Some("1798761600"), "DTSTAMP:20270101T000000Z"),
        (Some("1700000000"), "DTSTAMP:20231114T221320Z"),
        // Riverbend's zone is Europe/Berlin: 2027-01-01 00:00 there.
        (None, "DTSTAMP:20261231T230000Z"),
    ];
    let runs: Vec<_> = cases
        .iter()
        .enumerate()
        .map(|(n, (epoch, _))| reproducible_run(&work.join(format!("run{n}")), *epoch))
        .collect();
    for (path, bytes) in &runs[0] {
        let is_feed = path.extension().is_some_and(|e| e == "ics");
        for (run, (_, stamp)) in runs.iter().zip(&cases) {
            let other = &run[path];
            if !is_feed {
                assert!(other == bytes, "{} depends on SOURCE_DATE_EPOCH", path.display());
                continue;
            }
            let (ours, theirs) = (text(bytes), text(other));
            let (ours, theirs): (Vec<_>, Vec<_>) =
                (ours.split("\r\n").collect(), theirs.split("\r\n").collect());
            assert_eq!(ours.len(), theirs.len(), "{}", path.display());
            let mut stamps = 0;
            for (a, b) in ours.iter().zip(&theirs) {
                if a.starts_with("DTSTAMP:") {
                    assert_eq!(b, stamp, "{}", path.display());
                    stamps += 1;
                } else {
                    assert_eq!(a, b, "{}: only DTSTAMP may change", path.display());
                }
            }
            assert!(stamps > 0 || !ours.contains(&"BEGIN:VEVENT"), "{}", path.display());
        }
    }
    let _ = std::fs::remove_dir_all(&work);
}
