//! Scratch directories and file trees for the end-to-end tests. One copy, included with
//! `#[path = …] mod files;` by `tests/it` and `crates/tempi-cli/tests/it`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A fresh, empty directory `tempi-<name>-<pid>` under the system's temp dir (name it after the
/// module and the test, so that no two tests share one).
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tempi-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    dir
}

/// Every file under `dir`, by path relative to `dir`, with its bytes; empty when `dir` does not
/// exist. A file that vanishes between the listing and the read (a run removing its temporary
/// files) is left out: whatever stays is for the caller to check.
pub(crate) fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, files: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for entry in entries.flatten() {
            let path = entry.path();
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                walk(root, &path, files);
            } else if let (Ok(bytes), Ok(relative)) =
                (std::fs::read(&path), path.strip_prefix(root))
            {
                files.insert(relative.to_path_buf(), bytes);
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, dir, &mut files);
    files
}

/// The names of the files in `dir` (not below it), sorted.
pub(crate) fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
