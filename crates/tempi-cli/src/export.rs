//! `tempi plan --out DIR`: writes the .ics feeds (docs/feeds.md).
//!
//! `DIR/<community>.ics`, `DIR/groups/<group>.ics`, `DIR/members/<member>.ics`. Every file is
//! written to a temporary file in its own directory, flushed to disk, and only renamed into place
//! once all of them were written, so a failed run leaves the earlier feeds as they were.
//! A run that is killed leaves every feed whole (the earlier or the new version) and at most
//! hidden temporary files named `.<feed>.ics.tmp-<pid>`, never a `*.ics`; the next successful run
//! removes them.
//! `DTSTAMP` is `SOURCE_DATE_EPOCH` when set, else the start of the planned window: two runs on
//! the same input give the same bytes.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use tempi::ical::export::{self, ExportOptions, Feed, Scope};
use tempi::{Community, Plan};

use crate::Failure;

/// The `DTSTAMP` of every component: `SOURCE_DATE_EPOCH` (seconds since 1970) when set, else the
/// start of the planned window. Never the clock: feeds are reproducible by default.
fn generated_at(plan: &Plan) -> Result<DateTime<Utc>, Failure> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
            .ok_or_else(|| {
                Failure::Message(format!(
                    "SOURCE_DATE_EPOCH is `{text}`; set it to whole seconds since 1970, e.g. 1798761600"
                ))
            }),
        Err(_) => Ok(plan.window().start()),
    }
}

/// A file name for an id. Ids are validated (`[A-Za-z0-9._-]`, starting with a letter or digit),
/// but this is where a path is built, so check again: no separators, no `..`, no leading dot.
/// Windows device names (`CON`, `nul.x`, `COM1`…) are refused on every platform: on Windows
/// `nul.ics` is the null device, so that feed would be silently lost, and feed directories are
/// copied between systems.
fn file_name(id: &str) -> Result<String, Failure> {
    let safe = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if !safe {
        return Err(Failure::Message(format!(
            "cannot name a feed file after the id `{}`; ids must be letters, digits, `.`, `_` or `-`",
            id.escape_debug()
        )));
    }
    if is_device_name(id) {
        return Err(Failure::Message(format!(
            "cannot name a feed file after the id `{id}`: it is a reserved device name on Windows; rename it (e.g. `{id}-1`)"
        )));
    }
    Ok(format!("{id}.ics"))
}

/// Whether Windows treats a file named `<id>.ics` as a device: the part before the first dot is
/// CON, PRN, AUX, NUL, COM0–9 or LPT0–9, in any case.
fn is_device_name(id: &str) -> bool {
    let stem = id.split('.').next().unwrap_or(id).to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes().get(3).is_some_and(u8::is_ascii_digit))
}

/// Writes the community's, each group's and each member's feed into `dir`.
pub(crate) fn write_feeds(
    community: &Community,
    plan: &Plan,
    dir: &Path,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let options = ExportOptions::new(generated_at(plan)?);
    let feeds = export::feeds(community, plan, &options)
        .map_err(|e| Failure::Message(format!("cannot export feeds: {e}")))?;
    // Plan every path first; refuse two feeds that would share a file on a case-insensitive disk.
    let mut targets: Vec<(PathBuf, &Feed)> = Vec::new();
    let mut seen: BTreeMap<(PathBuf, String), String> = BTreeMap::new();
    for feed in &feeds {
        let sub = match feed.scope {
            Scope::Community => dir.to_path_buf(),
            Scope::Group(_) => dir.join("groups"),
            Scope::Member(_) => dir.join("members"),
        };
        let name = file_name(&feed.id)?;
        if let Some(other) = seen.insert((sub.clone(), name.to_ascii_lowercase()), feed.id.clone())
        {
            return Err(Failure::Message(format!(
                "the feeds of `{other}` and `{}` would share the file {} on a case-insensitive disk; rename one",
                feed.id,
                sub.join(&name).display()
            )));
        }
        let path = sub.join(name);
        // A directory in a feed's place would only fail at the rename, after other feeds were
        // replaced; refuse it before anything is written.
        if path.is_dir() {
            return Err(Failure::Message(format!(
                "{} is a directory, not a feed; move it away",
                path.display()
            )));
        }
        targets.push((path, feed));
    }
    for sub in [dir.to_path_buf(), dir.join("groups"), dir.join("members")] {
        std::fs::create_dir_all(&sub).map_err(|e| {
            Failure::Message(format!("cannot create the directory {}: {e}", sub.display()))
        })?;
    }
    // Write every temporary file; on any failure remove them and leave the old feeds alone.
    let mut written: Vec<(PathBuf, PathBuf)> = Vec::new();
    let result = (|| -> Result<(), Failure> {
        for (path, feed) in &targets {
            let temp = temp_path(path);
            written.push((temp.clone(), path.clone()));
            write_synced(&temp, feed.ics.as_bytes())
                .map_err(|e| Failure::Message(format!("cannot write {}: {e}", temp.display())))?;
        }
        Ok(())
    })();
    if let Err(failure) = result {
        for (temp, _) in &written {
            let _ = std::fs::remove_file(temp);
        }
        return Err(failure);
    }
    for (n, (temp, path)) in written.iter().enumerate() {
        if let Err(e) = std::fs::rename(temp, path) {
            for (left, _) in written.iter().skip(n) {
                let _ = std::fs::remove_file(left);
            }
            return Err(Failure::Message(format!(
                "cannot move {} into place: {e}; the feeds before it were replaced",
                path.display()
            )));
        }
    }
    // Temporary files of earlier runs that were killed (another process id) are of no use now.
    for sub in [dir.to_path_buf(), dir.join("groups"), dir.join("members")] {
        remove_stale_temporaries(&sub);
    }
    for sub in [dir.to_path_buf(), dir.join("groups"), dir.join("members")] {
        // Make the renames durable too (best effort: not every platform can open a directory).
        if let Ok(handle) = File::open(&sub) {
            let _ = handle.sync_all();
        }
    }
    writeln!(
        err,
        "wrote {} feeds to {} (DTSTAMP {})",
        targets.len(),
        dir.display(),
        options.generated_at().format("%Y-%m-%dT%H:%M:%SZ")
    )?;
    Ok(())
}

/// Removes `.<name>.ics.tmp-<pid>` files (what [`temp_path`] names) left in `dir` by killed runs.
/// Best effort: a file that cannot be removed is left alone.
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let stale = name.starts_with('.')
            && name.rsplit_once(".ics.tmp-").is_some_and(|(stem, pid)| {
                stem.len() > 1 && !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit())
            });
        if stale && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
