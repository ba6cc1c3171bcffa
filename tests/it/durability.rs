//! Output that is never lost or corrupted (issue 5 §4), in-process: a failed `plan --out` leaves
//! the earlier feeds byte for byte, and ids that try to leave the feed directory or name a device
//! are refused with a located error before anything is written. Runs killed mid-write and
//! `SOURCE_DATE_EPOCH` need a real process: see `crates/tempi-cli/tests/it/main.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{data, tempi};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tempi-durability-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir` (relative path → bytes).
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, files);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    if dir.exists() {
        walk(dir, dir, &mut files);
    }
    files
}

/// The sample's feeds for 2027 in `dir/feeds`, as they were written.
fn earlier_feeds(dir: &Path) -> (PathBuf, BTreeMap<PathBuf, Vec<u8>>) {
    let out = dir.join("feeds");
    let run = tempi(&["plan", "--year", "2027", "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let before = tree(&out);
    assert_eq!(before.len(), 26);
    (out, before)
}

/// A run that fails (`args`, with `--out DIR` appended) exits 1 saying `message` and leaves the
/// earlier feeds byte for byte, with no temporary file beside them.
#[track_caller]
fn check_failed_run_keeps(case: &str, args: &[&str], message: &str, prepare: impl Fn(&Path)) {
    let dir = scratch(case);
    let (out, before) = earlier_feeds(&dir);
    prepare(&out);
    let prepared = tree(&out);
    let mut argv: Vec<&str> = args.to_vec();
    argv.extend(["--out", out.to_str().unwrap()]);
    let run = tempi(&argv);
    assert_eq!(run.code, 1, "{case}: {}", run.stderr);
    assert!(run.stderr.contains(message), "{case}: {}", run.stderr);
    let after = tree(&out);
    assert!(after == prepared, "{case}: the feed directory changed");
    for (path, bytes) in &before {
        if let Some(now) = after.get(path) {
            assert!(now == bytes, "{case}: {} changed", path.display());
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_invalid_community_file_leaves_the_earlier_feeds() {
    let bad = data("bad/unknown-zone-community.toml");
    check_failed_run_keeps(
        "invalid",
        &["plan", bad.to_str().unwrap(), "--year", "2028"],
        "error: unknown time zone `Europe/Berln`",
        |_| {},
    );
}

#[test]
fn an_unwritable_feed_directory_leaves_the_earlier_feeds() {
    // Tests may run as root, which ignores permission bits: block the way with things instead.
    check_failed_run_keeps(
        "members-is-a-file",
        &["plan", "--year", "2028"],
        "cannot create the directory",
        |out| {
            std::fs::remove_dir_all(out.join("members")).unwrap();
            std::fs::write(out.join("members"), "in the way").unwrap();
        },
    );
    // A directory where one feed goes: refused before any feed is replaced (it used to fail at
    // that feed's rename, after the feeds before it had been replaced).
    check_failed_run_keeps(
        "feed-is-a-directory",
        &["plan", "--year", "2028"],
        "members/chiara.ics is a directory, not a feed; move it away",
        |out| {
            std::fs::remove_file(out.join("members/chiara.ics")).unwrap();
            std::fs::create_dir_all(out.join("members/chiara.ics/inside")).unwrap();
        },
    );
}

/// The id template with one id replaced; returns its path.
fn community_with(dir: &Path, placeholder: &str, id: &str) -> PathBuf {
    let template = std::fs::read_to_string(data("durability/ids.toml")).unwrap();
    let text = template
        .replace(placeholder, &id.replace('\\', "\\\\"))
        .replace("COMMUNITY", "maple")
        .replace("GROUP", "pod")
        .replace("MEMBER", "ana");
    let path = dir.join("community.toml");
    std::fs::write(&path, text).unwrap();
    path
}

/// See: issue 5 §4. Ids that try to leave the feed directory, hide a file or differ only in case
/// are rejected by validation with `file:line:col`, for the community, a group and a member, and
/// `plan --out` writes nothing at all.
#[test]
fn ids_that_try_path_traversal_are_rejected_with_a_located_error() {
    let dir = scratch("ids");
    let out = dir.join("out");
    let places = [("COMMUNITY", "3:6"), ("GROUP", "19:6"), ("MEMBER", "9:6")];
    for id in ["../x", "..", "/abs", "a/b", "a\\b", ".hidden", "x/../../y", "C:x", "é"] {
        for (placeholder, at) in places {
            let file = community_with(&dir, placeholder, id);
            let shown = file.to_str().unwrap();
            for command in ["check", "plan"] {
                let mut args = vec![command, shown];
                if command == "plan" {
                    args.extend(["--year", "2027", "--out", out.to_str().unwrap()]);
                }
                let run = tempi(&args);
                assert_eq!(run.code, 1, "{command} {placeholder}={id}: {}", run.stderr);
                let expected =
                    format!("{shown}:{at}: error: `{}` is not a valid id", id.escape_debug());
                assert!(run.stderr.starts_with(&expected), "{placeholder}={id}:\n{}", run.stderr);
                assert!(!out.exists(), "{placeholder}={id}: something was written");
            }
        }
    }
    // Names differing only in case would share a file on a case-insensitive disk.
    let file = community_with(&dir, "MEMBER", "Bram");
    let run = tempi(&["plan", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with(&format!(
            "{}:14:6: error: member id `bram` is already used by member 1 (`Bram`); ids must be unique, ignoring case",
            file.display()
        )),
        "{}",
        run.stderr
    );
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// Windows device names are refused at validation with a located error (and `plan --out` would
/// refuse them too): on Windows `nul.ics` is the null device and the feed would be silently lost.
#[test]
fn reserved_device_names_are_refused_before_any_feed_is_written() {
    let dir = scratch("devices");
    let out = dir.join("out");
    for id in ["CON", "nul", "Aux", "prn", "COM1", "lpt9", "nul.x", "con.d"] {
        for placeholder in ["COMMUNITY", "GROUP", "MEMBER"] {
            let file = community_with(&dir, placeholder, id);
            let check = tempi(&["check", file.to_str().unwrap()]);
            assert_eq!(check.code, 1, "{placeholder}={id}: {}", check.stderr);
            assert!(
                check.stderr.contains(": error: `")
                    && check.stderr.contains("reserved device name on Windows"),
                "{placeholder}={id}: {}",
                check.stderr
            );
            let run = tempi(&["plan", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
            assert_eq!(run.code, 1, "{placeholder}={id}: {}", run.stderr);
            assert!(
                run.stderr.contains(&format!("`{id}` is a reserved device name on Windows")),
                "{placeholder}={id}: {}",
                run.stderr
            );
            assert!(tree(&out).is_empty(), "{placeholder}={id}: something was written");
        }
    }
    // Names that merely start like a device are fine.
    for id in ["console", "com10", "nully", "auxiliary"] {
        let file = community_with(&dir, "MEMBER", id);
        let run = tempi(&["plan", file.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        assert_eq!(run.code, 0, "{id}: {}", run.stderr);
        assert!(out.join("members").join(format!("{id}.ics")).is_file());
    }
    // Every path written stays inside DIR.
    let out = std::fs::canonicalize(&out).unwrap();
    for path in tree(&out).keys() {
        assert!(std::fs::canonicalize(out.join(path)).unwrap().starts_with(&out));
    }
    let _ = std::fs::remove_dir_all(&dir);
}
