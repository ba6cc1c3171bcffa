//! `tempi plan --out DIR`: writes the .ics feeds (docs/feeds.md).
//!
//! `DIR/<community>.ics`, `DIR/groups/<group>.ics`, `DIR/members/<member>.ics`. Every file is
//! written to a temporary file in its own directory, flushed to disk, and only renamed into place
//! once all of them were written, so a failed run leaves the earlier feeds as they were.
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
fn file_name(id: &str) -> Result<String, Failure> {
    let safe = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if safe {
        Ok(format!("{id}.ics"))
    } else {
        Err(Failure::Message(format!(
            "cannot name a feed file after the id `{}`; ids must be letters, digits, `.`, `_` or `-`",
            id.escape_debug()
        )))
    }
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
        targets.push((sub.join(name), feed));
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
    for (temp, path) in &written {
        std::fs::rename(temp, path).map_err(|e| {
            Failure::Message(format!("cannot move {} into place: {e}", path.display()))
        })?;
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

fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut file = File::create(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
