//! Loading and planning the community over the rolling window, and re-planning in the
//! background when the day turns, the file changes or a URL is rotated.
//!
//! The file is polled (metadata once a second) rather than watched with inotify: an editor that
//! saves by writing a new file and renaming it over the old one, a bind mount, or a network
//! filesystem all show up in `stat`, where inotify misses some of them; one `stat` a second
//! costs nothing, and it needs no extra dependency.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tempi::chrono::{DateTime, Months, NaiveDate, TimeDelta, Utc};
use tempi::ical::export::ExportOptions;
use tempi::pipeline::{self, BusyFiles};
use tempi::{ExpandOptions, Window, file};

use crate::site::{Current, Site};
use crate::state::State;
use crate::{Error, Log};

/// Which days the plan covers, relative to today in the community's zone.
#[derive(Debug, Clone, Copy)]
pub struct Span {
    /// Days before today.
    pub past_days: u32,
    /// Months after today (the last day included).
    pub ahead_months: u32,
}

impl Span {
    /// The window around `today`.
    pub(crate) fn around(self, today: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let from = today.checked_sub_signed(TimeDelta::days(i64::from(self.past_days)))?;
        let to = today.checked_add_months(Months::new(self.ahead_months))?;
        Some((from, to))
    }
}

/// The file's identity and contents as `stat` sees them: any edit or replacement changes it.
fn stamp(path: &Path) -> Option<(i64, i64, u64, u64)> {
    std::fs::metadata(path).ok().map(|m| (m.mtime(), m.mtime_nsec(), m.len(), m.ino()))
}

/// Reads and plans the community file over `span` around today: a [`Site`], or the located
/// errors as text.
pub(crate) fn build(
    path: &Path,
    span: Span,
    state: &State,
    previous: Option<&Site>,
    now: DateTime<Utc>,
) -> Result<(Site, Vec<String>), Error> {
    let shown = path.display().to_string();
    let metadata = std::fs::metadata(path)
        .map_err(|e| Error::Plan(format!("{shown}: cannot read the community file: {e}")))?;
    if metadata.len() > file::MAX_FILE_BYTES as u64 {
        return Err(Error::Plan(format!(
            "{shown}:1:1: error: the file is {} bytes, more than the {}-byte limit for community files",
            metadata.len(),
            file::MAX_FILE_BYTES
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::Plan(format!("{shown}:1:1: error: cannot read the community file: {e}"))
    })?;
    // A file's errors show one located diagnostic a line.
    let loaded = file::parse(&text, &shown).map_err(|errors| Error::Plan(errors.to_string()))?;
    let mut notes: Vec<String> = loaded.warnings.iter().map(ToString::to_string).collect();
    let zone = loaded.community.zone();
    let today = now.with_timezone(&zone).date_naive();
    let (from, to) = span
        .around(today)
        .ok_or_else(|| Error::Plan(format!("the window around {today} is out of range")))?;
    let window = Window::days(zone, from, to)
        .map_err(|e| Error::Plan(format!("{shown}: cannot make the window {from}..{to}: {e}")))?;
    let busy = BusyFiles::beside(Some(path));
    // Every busy calendar the file names, to watch as the file itself is watched.
    let mut watched: Vec<PathBuf> = loaded
        .community
        .members()
        .iter()
        .flat_map(|m| m.busy_files().iter().map(|entry| busy.path(entry)))
        .collect();
    watched.sort();
    watched.dedup();
    let planned = pipeline::plan(loaded.community, window, ExpandOptions::new(), &busy)
        .map_err(|e| Error::Plan(format!("{shown}: {e}")))?;
    notes.extend(planned.warnings.iter().map(ToString::to_string));
    for unplaced in &planned.unplaced {
        notes.push(format!(
            "{shown}: rhythm `{}` could not be placed: {}",
            unplaced.rhythm, unplaced.reason
        ));
    }
    // SOURCE_DATE_EPOCH, else the window's start: a re-plan of an unchanged file on the same day
    // gives the same bytes and the same ETag.
    let options = ExportOptions::new(
        tempi::publish::generated_at(window.start()).map_err(|e| Error::Plan(e.to_string()))?,
    );
    let mut site = Site::build(planned.community, planned.plan, state, &options, previous, now)
        .map_err(|e| Error::Plan(format!("cannot render the feeds: {e}")))?;
    site.watched = watched;
    Ok((site, notes))
}

/// Starts the background planner: every `poll`, if the file, a busy calendar it names, the
/// rotations or the day changed,
/// plans again and swaps the site. A failure keeps the last good site and logs the errors.
pub(crate) fn spawn(
    path: PathBuf,
    state_dir: PathBuf,
    span: Span,
    poll: Duration,
    current: Arc<Current>,
    quiet: bool,
    log: Log,
) -> std::io::Result<()> {
    let rotations = state_dir.join("rotations");
    let day = |site: &Site| Utc::now().with_timezone(&site.community.zone()).date_naive();
    // The busy calendars of the site being served: a list that changes with an edit of the
    // file changes the stamps too, which costs one more plan.
    let busy = |site: &Site| site.watched.iter().map(|p| stamp(p)).collect::<Vec<_>>();
    let first = current.get();
    let mut seen = (stamp(&path), stamp(&rotations), day(&first), busy(&first));
    drop(first);
    std::thread::Builder::new().name("tempi-planner".into()).spawn(move || {
        loop {
            std::thread::sleep(poll);
            let old = current.get();
            let now = (stamp(&path), stamp(&rotations), day(&old), busy(&old));
            if now == seen {
                continue;
            }
            seen = now;
            let result = State::open(&state_dir)
                .and_then(|state| build(&path, span, &state, Some(&old), Utc::now()));
            drop(old);
            match result {
                Ok((site, notes)) => {
                    if !quiet {
                        for note in notes {
                            log.line(note);
                        }
                    }
                    let mut old = current.set(site);
                    log.line("planned again: serving the new plan".into());
                    // Freed here, once the requests (and page renders) holding it are done:
                    // they hold it for at most their time limits, so after 15 s whoever lets
                    // go last frees it, and the planner goes back to watching.
                    for _ in 0..300 {
                        match Arc::try_unwrap(old) {
                            Ok(site) => {
                                drop(site);
                                break;
                            }
                            Err(held) => old = held,
                        }
                        std::thread::sleep(Duration::from_millis(50));
                    }
                }
                Err(e) => log.line(format!("{e}\nkeeping the last good plan")),
            }
        }
    })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_span_is_thirty_days_back_to_thirteen_months_ahead() {
        let span = Span { past_days: 30, ahead_months: 13 };
        let today = NaiveDate::from_ymd_opt(2027, 3, 15).unwrap_or_default();
        // 30 days before 15 March 2027 (February has 28 days): 13 February.
        let expected = (
            NaiveDate::from_ymd_opt(2027, 2, 13).unwrap_or_default(),
            NaiveDate::from_ymd_opt(2028, 4, 15).unwrap_or_default(),
        );
        assert_eq!(span.around(today), Some(expected));
    }
}
