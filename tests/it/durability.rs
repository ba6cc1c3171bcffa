//! Output that is never lost or corrupted (issues 5 §4 and 9 §6), in-process: a failed
//! `plan --out` leaves the earlier feed set byte for byte, a directory that is not a tempi feed set
//! is refused and left untouched, and ids that try to leave the feed directory or name a device are
//! refused with a located error before anything is written. Runs killed mid-write, concurrent runs
//! and `SOURCE_DATE_EPOCH` need a real process: see `crates/tempi-cli/tests/it/main.rs`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::feeds::{publish, sample};
use crate::files::tree;
use crate::{data, tempi};

fn scratch(name: &str) -> PathBuf {
    crate::files::scratch(&format!("durability-{name}"))
}

/// The sample's feeds for 2027 in `dir/feeds`, as they were written.
fn earlier_feeds(dir: &Path) -> (PathBuf, BTreeMap<PathBuf, Vec<u8>>) {
    let out = dir.join("feeds");
    publish(&sample(), "2027", &out);
    let before = tree(&out);
    // 26 feeds and the manifest.
    assert_eq!(before.len(), 27);
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

/// See: issue 9 §6. A feed set someone changed by hand is not tempi's to replace any more: a file
/// in the way of a subdirectory, a directory in a feed's place, or a file the manifest does not
/// list make the run fail with the names of what would be lost, and nothing changes.
#[test]
fn a_feed_set_changed_by_hand_is_refused_and_left_alone() {
    let sample = sample();
    let plan_2028 = ["plan", sample.to_str().unwrap(), "--year", "2028"];
    check_failed_run_keeps(
        "members-is-a-file",
        &plan_2028,
        "does not list (`members`), which the next run would delete",
        |out| {
            std::fs::remove_dir_all(out.join("members")).unwrap();
            std::fs::write(out.join("members"), "in the way").unwrap();
        },
    );
    check_failed_run_keeps(
        "feed-is-a-directory",
        &plan_2028,
        "does not list (`members/chiara.ics`)",
        |out| {
            std::fs::remove_file(out.join("members/chiara.ics")).unwrap();
            std::fs::create_dir_all(out.join("members/chiara.ics/inside")).unwrap();
        },
    );
    check_failed_run_keeps(
        "notes-added",
        &plan_2028,
        "holds 4 files that its .tempi-manifest does not list (`.htaccess`, `groups/notes.txt`, `index.html`, …)",
        |out| {
            for extra in [".htaccess", "groups/notes.txt", "index.html", "members/x.ics"] {
                std::fs::write(out.join(extra), "mine").unwrap();
            }
        },
    );
    check_failed_run_keeps(
        "manifest-removed",
        &plan_2028,
        "is not empty and has no .tempi-manifest, so it is not a feed set tempi published",
        |out| std::fs::remove_file(out.join(".tempi-manifest")).unwrap(),
    );
}

/// See: issue 9 §6. A directory with anything in it that tempi did not publish (a home directory,
/// feeds from elsewhere, a file where the directory should be) is never wiped: the run fails with
/// a message that says why, and the directory and its parent are exactly as they were (no lock
/// file, no staging directory beside it).
#[test]
fn a_directory_that_is_not_a_feed_set_is_refused_and_untouched() {
    let work = scratch("not-a-set");
    let sample = sample();
    let home = work.join("home");
    std::fs::create_dir_all(home.join(".config")).unwrap();
    std::fs::write(home.join("notes.txt"), "my notes").unwrap();
    std::fs::write(home.join(".config/app"), "settings").unwrap();
    let ics_only = work.join("calendars");
    std::fs::create_dir_all(ics_only.join("members")).unwrap();
    std::fs::write(ics_only.join("members/ana.ics"), "BEGIN:VCALENDAR\r\n").unwrap();
    let file = work.join("plain-file");
    std::fs::write(&file, "not a directory").unwrap();
    let before = tree(&work);
    for (dir, message) in [
        (&home, "is not empty and has no .tempi-manifest, so it is not a feed set tempi published"),
        (&ics_only, "is not empty and has no .tempi-manifest"),
        (&file, "is not a directory"),
    ] {
        let run = tempi(&["plan", sample.to_str().unwrap(), "--out", dir.to_str().unwrap()]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        let shown = std::fs::canonicalize(dir).unwrap();
        assert!(
            run.stderr.starts_with(&format!("error: {} {message}", shown.display())),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("choose another directory"), "{}", run.stderr);
        assert!(tree(&work) == before, "{}: something changed", dir.display());
        let beside: Vec<_> =
            std::fs::read_dir(&work).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(beside.len(), 3, "{beside:?}");
    }
    // An empty directory is fine, and becomes a feed set.
    let empty = work.join("empty");
    std::fs::create_dir(&empty).unwrap();
    let run = tempi(&["plan", sample.to_str().unwrap(), "--out", empty.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(empty.join(".tempi-manifest").is_file() && empty.join("members/ana.ics").is_file());
    let _ = std::fs::remove_dir_all(&work);
}

/// A symbolic link to a feed set: the set it points to is replaced and the link stays a link.
#[cfg(unix)]
#[test]
fn a_link_to_a_feed_set_keeps_pointing_at_the_new_set() {
    let work = scratch("link");
    let sample = sample();
    let real = work.join("real");
    let link = work.join("served");
    std::fs::create_dir(&real).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    for year in ["2027", "2028"] {
        let run = tempi(&[
            "plan",
            sample.to_str().unwrap(),
            "--year",
            year,
            "--out",
            link.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 0, "{}", run.stderr);
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        let feed = std::fs::read_to_string(link.join("members/ana.ics")).unwrap();
        let stamp =
            if year == "2027" { "DTSTAMP:20261231T230000Z" } else { "DTSTAMP:20271231T230000Z" };
        assert!(feed.contains(stamp), "{year}");
    }
    let _ = std::fs::remove_dir_all(&work);
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
