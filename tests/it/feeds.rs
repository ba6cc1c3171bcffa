//! `tempi plan --out DIR` and `tempi busy` (docs/feeds.md): the feed files, their names,
//! reproducibility, `"uid"` in `plan --json`, and busy intervals read back from calendar exports.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::{data, tempi};

fn out_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tempi-feeds-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// The bundled sample community's file (`--out` needs a FILE).
pub(crate) fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/community.toml")
}

/// Every file under `dir` (relative path with `/` → bytes).
pub(crate) fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let tree = crate::files::tree(dir);
    tree.into_iter()
        .map(|(path, bytes)| (path.to_string_lossy().replace('\\', "/"), bytes))
        .collect()
}

/// `tempi plan FILE --year YEAR --out DIR`, which must succeed.
#[track_caller]
pub(crate) fn publish(file: &Path, year: &str, dir: &Path) {
    let run =
        tempi(&["plan", file.to_str().unwrap(), "--year", year, "--out", dir.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn plan_out_writes_every_feed_reproducibly() {
    let dir = out_dir("sample");
    let run = tempi(&[
        "plan",
        sample().to_str().unwrap(),
        "--year",
        "2027",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    // 1 community + 5 groups + 20 members (examples/community.toml).
    assert!(run.stderr.contains("wrote 26 feeds"), "{}", run.stderr);
    let community = std::fs::read(dir.join("riverbend.ics")).unwrap();
    let group = std::fs::read(dir.join("groups/pod-ceiba.ics")).unwrap();
    let member = std::fs::read(dir.join("members/ana.ics")).unwrap();
    for bytes in [&community, &group, &member] {
        let text = std::str::from_utf8(bytes).unwrap();
        assert!(text.starts_with("BEGIN:VCALENDAR\r\nPRODID:-//tempi//tempi feeds//EN\r\n"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("X-PUBLISHED-TTL:PT12H\r\n"));
    }
    // Only the manifest is hidden in the set; beside it only the lock file stays.
    let first = files(&dir);
    let hidden: Vec<_> =
        first.keys().filter(|p| p.split('/').any(|c| c.starts_with('.'))).collect();
    assert_eq!(hidden, [".tempi-manifest"]);
    let name = dir.file_name().unwrap().to_str().unwrap();
    let beside: Vec<String> = std::fs::read_dir(dir.parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&format!(".{name}.")))
        .collect();
    assert_eq!(beside, [format!(".{name}.tempi-lock")]);
    // A second run gives the same bytes, manifest included.
    publish(&sample(), "2027", &dir);
    assert!(files(&dir) == first, "a second run changed the set");
    let _ = std::fs::remove_dir_all(&dir);
}

/// The manifest lists every file of the set with its size on disk, nothing else, and says it is
/// complete; the counts are the sample's (1 community, 5 groups, 20 members).
#[test]
fn the_manifest_lists_every_feed_with_its_size() {
    let dir = out_dir("manifest");
    publish(&sample(), "2027", &dir);
    let set = files(&dir);
    let manifest = String::from_utf8(set[".tempi-manifest"].clone()).unwrap();
    let mut lines = manifest.lines();
    assert_eq!(lines.next(), Some("tempi-feed-set 1"));
    let mut listed = BTreeMap::new();
    let mut directories = Vec::new();
    let mut complete = None;
    for line in lines {
        if let Some(folder) = line.strip_prefix("directory ") {
            directories.push(folder);
        } else if let Some(rest) = line.strip_prefix("file ") {
            let (size, path) = rest.split_once(' ').unwrap();
            listed.insert(path.to_string(), size.parse::<usize>().unwrap());
        } else if let Some(rest) = line.strip_prefix("complete ") {
            complete = Some(rest.to_string());
        } else {
            assert!(line.starts_with('#'), "{line}");
        }
    }
    assert_eq!(directories, ["groups", "members"]);
    let on_disk: BTreeMap<String, usize> = set
        .iter()
        .filter(|(p, _)| *p != ".tempi-manifest")
        .map(|(p, b)| (p.clone(), b.len()))
        .collect();
    assert_eq!(listed, on_disk);
    assert_eq!(listed.keys().filter(|p| p.starts_with("groups/")).count(), 5);
    assert_eq!(listed.keys().filter(|p| p.starts_with("members/")).count(), 20);
    let total: usize = on_disk.values().sum();
    assert_eq!(complete, Some(format!("26 files {total} bytes")));
    assert!(manifest.ends_with('\n'));
    let _ = std::fs::remove_dir_all(&dir);
}

/// See: issue 9 §6. A member removed from the community file loses their feed at the next run;
/// a renamed group's old feed goes too. Nothing of the earlier set lingers.
#[test]
fn feeds_of_removed_members_and_groups_disappear() {
    let work = out_dir("removed");
    std::fs::create_dir_all(&work).unwrap();
    let dir = work.join("feeds");
    publish(&sample(), "2027", &dir);
    assert!(dir.join("members/leilani.ics").is_file());
    let text = std::fs::read_to_string(sample()).unwrap();
    let block = "[[members]]\nid = \"leilani\"\nname = \"Leilani Kahale\"\nzone = \"America/Los_Angeles\"\nemail = \"leilani@riverbend.example\"\navailability = [\"mon-fri 08:00-18:00\"]\n\n";
    assert!(text.contains(block));
    let without = text
        .replace(block, "")
        .replace(", \"leilani\"]", "]")
        .replace("\"pod-ceiba\"", "\"pod-kapok\"");
    assert!(!without.contains("leilani") && !without.contains("pod-ceiba"));
    let smaller = work.join("smaller.toml");
    std::fs::write(&smaller, without).unwrap();
    publish(&smaller, "2027", &dir);
    let set = files(&dir);
    assert!(!set.contains_key("members/leilani.ics"));
    assert!(!set.contains_key("groups/pod-ceiba.ics"));
    assert!(set.contains_key("groups/pod-kapok.ics"));
    assert_eq!(set.keys().filter(|p| p.starts_with("members/")).count(), 19);
    assert_eq!(set.keys().filter(|p| p.starts_with("groups/")).count(), 5);
    let manifest = String::from_utf8(set[".tempi-manifest"].clone()).unwrap();
    assert!(!manifest.contains("leilani") && !manifest.contains("pod-ceiba"));
    let _ = std::fs::remove_dir_all(&work);
}

/// See: issue 9 §6. `--out` without FILE would publish the bundled sample to real subscribers:
/// refused before anything is written. Without `--out` the sample still plans.
#[test]
fn out_without_a_file_is_refused() {
    let dir = out_dir("no-file");
    let run = tempi(&["plan", "--year", "2027", "--out", dir.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert_eq!(
        run.stderr,
        format!(
            "error: --out publishes feeds for subscribers, so it needs the community FILE: `tempi plan FILE --out {}` (the bundled sample is examples/community.toml in tempi's repository)\n",
            dir.display()
        )
    );
    assert_eq!(run.stdout, "");
    assert!(!dir.exists());
    let plain = tempi(&["plan", "--year", "2027"]);
    assert_eq!(plain.code, 0, "{}", plain.stderr);
}

#[test]
fn plan_json_names_the_uid_of_each_occurrence() {
    let run = tempi(&["plan", "--from", "2027-09-06", "--to", "2027-09-12", "--json"]);
    assert_eq!(run.code, 0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    for occ in value["occurrences"].as_array().unwrap() {
        let uid = occ["uid"].as_str().unwrap();
        let rhythm = occ["rhythm"].as_str().unwrap();
        assert!(uid.starts_with(rhythm) && uid.ends_with("@riverbend.tempi"), "{uid}");
    }
}

#[test]
fn busy_prints_what_the_solver_will_see() {
    let file = data("ical/google.ics");
    let run = tempi(&[
        "busy",
        file.to_str().unwrap(),
        "--member-zone",
        "Europe/Berlin",
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-31",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "offsite-2d@google.com\t20270105T230000Z\t172800\n\
         standup-7f3a@google.com\t20270104T080000Z\t1800\n\
         standup-7f3a@google.com\t20270118T090000Z\t1800\n\
         standup-7f3a@google.com\t20270125T080000Z\t1800\n"
    );
    assert_eq!(run.stderr, "");
}

#[test]
fn busy_reports_skipped_components_and_unusable_files() {
    let file = data("ical/outlook.ics");
    let run =
        tempi(&["busy", file.to_str().unwrap(), "--from", "2027-01-01", "--to", "2027-01-31"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr.contains("outlook.ics:46: warning: skipped VEVENT \"bad-dtstart\""),
        "{}",
        run.stderr
    );
    let bad = data("ical/not-ical.ics");
    let run = tempi(&["busy", bad.to_str().unwrap(), "--from", "2027-01-01", "--to", "2027-01-31"]);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.ends_with(
            "not-ical.ics:1: error: this is not an iCalendar file: expected BEGIN:VCALENDAR\n"
        ),
        "{}",
        run.stderr
    );
    let run = tempi(&[
        "busy",
        file.to_str().unwrap(),
        "--from",
        "2027-01-01",
        "--to",
        "2027-01-31",
        "--json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(value["intervals"].as_array().unwrap().len(), 5);
}
