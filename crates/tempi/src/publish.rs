//! All-or-nothing publishing of a feed directory: `DIR/<community>.ics`, `DIR/groups/<group>.ics`,
//! `DIR/members/<member>.ics` and `DIR/.tempi-manifest`, replaced as a whole by every run.
//!
//! The design is the one deploy tools use for releases: build the new set beside the live one,
//! then switch in one atomic step.
//!
//! 1. **Lock.** A run takes an exclusive lock on `.<DIR>.tempi-lock`, a sibling file that is never
//!    removed (removing lock files races). The kernel releases it when the process ends, however it
//!    ends, so a killed run never leaves a stale lock. A second run [waits](WhenBusy::Wait) for the
//!    first (the CLI says so on stderr) or [fails](WhenBusy::Fail) at once: runs are serialised, so
//!    the directory always holds the complete set of exactly one of them, and the last to start
//!    wins.
//! 2. **Check.** An existing `DIR` is replaced only if it is empty or is a feed set tempi wrote: it
//!    carries `.tempi-manifest` and holds nothing the manifest does not list. Anything else (a home
//!    directory, feeds copied in by hand, a file someone added to the set) is refused with the
//!    names of the files tempi would have lost, and left untouched.
//! 3. **Stage.** Feeds are streamed one at a time into `.<DIR>.tempi-new`, a sibling in the same
//!    directory (so on the same filesystem), each straight to its file through a buffer: memory
//!    does not grow with the number or size of the feeds. The manifest, written last, lists every
//!    file with its size and ends with a `complete` line.
//! 4. **Sync once.** On Linux one `syncfs` makes every staged file and directory durable; syncing
//!    20,000 files one by one costs a journal commit each. Elsewhere each file is synced as it is
//!    closed. Either way nothing is swapped in before it is on disk, so a power cut after the swap
//!    cannot expose empty or missing feeds.
//! 5. **Swap.** Linux `renameat2(RENAME_EXCHANGE)` (macOS `renamex_np(RENAME_SWAP)`) exchanges the
//!    staged and the live directory in one step: a reader sees the old set or the new set, never a
//!    mix and never nothing. Where exchange is not available (other systems, filesystems without
//!    it) the live set is renamed aside to `.<DIR>.tempi-old` and the new one renamed into place;
//!    a run killed between those two renames leaves `DIR` missing, and the next run renames the
//!    aside set back before it starts. The parent directory is then synced, so the swap itself is
//!    durable.
//! 6. **Clean.** The old set (now under the staging name) is removed. A run killed at any point
//!    leaves `DIR` whole, the old set or the new; the next run removes what it left beside it
//!    (`.<DIR>.tempi-new`, `.<DIR>.tempi-old`), and only if it is laid out as a set tempi writes.
//!
//! Feeds of members and groups that are gone simply are not in the new set. If `DIR` is a symbolic
//! link, the directory it points to is replaced and the link kept. `DIR` must not be a mount point
//! (the swap renames it): publish to a directory inside the mount.
//!
//! ```no_run
//! use std::io::Write;
//! use tempi::ical::export::Scope;
//! use tempi::publish::{Publisher, WhenBusy, feed_path};
//!
//! let mut set = Publisher::begin("feeds".as_ref(), WhenBusy::Wait)?;
//! let path = feed_path("riverbend", &Scope::Member("ana".into()))?;
//! set.add(&path, &mut |out: &mut dyn Write| out.write_all(b"BEGIN:VCALENDAR\r\n..."))?;
//! let published = set.commit()?;
//! println!("{} feeds, {} bytes", published.feeds, published.bytes);
//! # Ok::<(), tempi::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use tempi_ical::export::Scope;

use crate::Error;

/// The manifest's file name inside a feed set.
pub const MANIFEST: &str = ".tempi-manifest";
/// The manifest's first line: its format and version.
const HEADER: &str = "tempi-feed-set 1";
/// The subdirectories every set has, even when empty.
const SUBDIRECTORIES: [&str; 2] = ["groups", "members"];

/// What a run does when another run holds the feed directory's lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenBusy {
    /// Wait until the other run finishes, then publish (the last run to start wins).
    Wait,
    /// Fail at once with [`Error::Busy`].
    Fail,
}

fn io_error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> Error {
    let path = path.to_path_buf();
    move |source| Error::Io { action, path, source }
}

/// The path of a feed inside the set (`riverbend.ics`, `groups/<id>.ics`, `members/<id>.ics`).
///
/// Ids are validated when a community is read, but this is where a path is built, so check again:
/// letters, digits, `.`, `_`, `-`, starting with a letter or digit, at most 64 bytes, and no
/// Windows device name (`CON`, `nul.x`, `COM1`…, refused on every platform: on Windows `nul.ics`
/// is the null device, and feed directories are copied between systems).
///
/// # Errors
/// [`Error::BadName`] for an id that cannot be a file name.
pub fn feed_path(community: &str, scope: &Scope) -> Result<String, Error> {
    let (folder, id) = match scope {
        Scope::Community => ("", community),
        Scope::Group(id) => ("groups/", id.as_str()),
        Scope::Member(id) => ("members/", id.as_str()),
    };
    let safe = !id.is_empty()
        && id.len() <= 64
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric());
    if !safe {
        return Err(Error::BadName {
            id: id.escape_debug().to_string(),
            reason: "ids must be letters, digits, `.`, `_` or `-`".into(),
        });
    }
    if tempi_core::suggest::is_windows_device_name(id) {
        return Err(Error::BadName {
            id: id.to_string(),
            reason: format!("it is a reserved device name on Windows; rename it (e.g. `{id}-1`)"),
        });
    }
    Ok(format!("{folder}{id}.ics"))
}

/// Where a feed set lives and the siblings a run uses beside it.
#[derive(Debug, Clone)]
struct Place {
    /// The live directory (symbolic links resolved).
    dir: PathBuf,
    /// `.<name>.tempi-new`: the set being built, or the old set after an exchange.
    staging: PathBuf,
    /// `.<name>.tempi-old`: the old set moved aside (only where exchange is unavailable).
    aside: PathBuf,
    /// `.<name>.tempi-lock`.
    lock: PathBuf,
    /// The directory that holds all four.
    parent: PathBuf,
}

impl Place {
    fn resolve(dir: &Path) -> Result<Place, Error> {
        let real = match std::fs::symlink_metadata(dir) {
            Ok(_) => std::fs::canonicalize(dir).map_err(io_error("resolve", dir))?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let Some(name) = dir.file_name() else {
                    return Err(Error::NotAFeedSet {
                        dir: dir.to_path_buf(),
                        reason: "does not name a directory".into(),
                    });
                };
                let parent = match dir.parent() {
                    Some(p) if !p.as_os_str().is_empty() => p,
                    _ => Path::new("."),
                };
                std::fs::create_dir_all(parent)
                    .map_err(io_error("create the directory", parent))?;
                std::fs::canonicalize(parent).map_err(io_error("resolve", parent))?.join(name)
            }
            Err(e) => return Err(io_error("read", dir)(e)),
        };
        let (Some(parent), Some(name)) = (real.parent(), real.file_name()) else {
            return Err(Error::NotAFeedSet {
                dir: real.clone(),
                reason: "is the root of the filesystem".into(),
            });
        };
        let sibling = |suffix: &str| {
            let mut file = OsString::from(".");
            file.push(name);
            file.push(suffix);
            parent.join(file)
        };
        Ok(Place {
            staging: sibling(".tempi-new"),
            aside: sibling(".tempi-old"),
            lock: sibling(".tempi-lock"),
            parent: parent.to_path_buf(),
            dir: real,
        })
    }
}

/// A feed set being built. [`Publisher::commit`] swaps it in; dropping it without committing
/// removes what was staged and leaves the live set as it was.
#[derive(Debug)]
pub struct Publisher {
    place: Place,
    /// Held until the publisher is dropped; closing it releases the lock.
    _lock: File,
    /// Relative path → size in bytes.
    files: BTreeMap<String, u64>,
    /// Lower-cased relative path → the path as added (case-insensitive clashes).
    folded: BTreeMap<String, String>,
    committed: bool,
}

/// What a committed run did.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Published {
    /// The live directory (symbolic links resolved).
    pub dir: PathBuf,
    /// How many feeds the set holds.
    pub feeds: usize,
    /// Their total size in bytes.
    pub bytes: u64,
    /// The old set could not be removed (it is beside `dir`; the next run removes it).
    pub leftover: Option<String>,
}

impl Publisher {
    /// Locks `dir` (its sibling `.<name>.tempi-lock`), cleans what a killed run left, checks that
    /// `dir` may be replaced, and starts an empty set beside it. `dir` and its parents are created
    /// when missing.
    ///
    /// # Errors
    /// [`Error::Busy`] (with [`WhenBusy::Fail`]), [`Error::NotAFeedSet`] when `dir`
    /// holds anything tempi did not publish, [`Error::Io`] when the filesystem fails.
    pub fn begin(dir: &Path, when_busy: WhenBusy) -> Result<Publisher, Error> {
        let place = Place::resolve(dir)?;
        // Refuse a directory that is not a feed set before leaving a lock file beside it, and
        // again under the lock, where no other run can change it.
        check_replaceable(&place)?;
        let lock = lock(&place, when_busy)?;
        recover(&place)?;
        check_replaceable(&place)?;
        same_filesystem(&place)?;
        std::fs::create_dir(&place.staging)
            .map_err(io_error("create the directory", &place.staging))?;
        let publisher = Publisher {
            place,
            _lock: lock,
            files: BTreeMap::new(),
            folded: BTreeMap::new(),
            committed: false,
        };
        for sub in SUBDIRECTORIES {
            let path = publisher.place.staging.join(sub);
            std::fs::create_dir(&path).map_err(io_error("create the directory", &path))?;
        }
        Ok(publisher)
    }

    /// Streams one feed to `path` (from [`feed_path`]) in the staged set: `write` gets a buffered
    /// writer straight to the file.
    ///
    /// # Errors
    /// [`Error::Collision`] when another feed has the same path ignoring case,
    /// [`Error::Io`] when `write` or the filesystem fails.
    pub fn add(
        &mut self,
        path: &str,
        write: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<(), Error> {
        let relative = checked_relative(path)?;
        if let Some(first) = self.folded.get(&path.to_ascii_lowercase()) {
            return Err(Error::Collision { first: first.clone(), second: path.to_string() });
        }
        let target = self.place.staging.join(&relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(io_error("create the directory", parent))?;
        }
        let shown = self.place.dir.join(&relative);
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&target)
            .map_err(io_error("write", &shown))?;
        let mut counted = Counting { inner: BufWriter::with_capacity(1 << 16, file), bytes: 0 };
        write(&mut counted).map_err(io_error("write", &shown))?;
        let file =
            counted.inner.into_inner().map_err(|e| io_error("write", &shown)(e.into_error()))?;
        if !SYNCFS {
            file.sync_all().map_err(io_error("write", &shown))?;
        }
        self.files.insert(path.to_string(), counted.bytes);
        self.folded.insert(path.to_ascii_lowercase(), path.to_string());
        Ok(())
    }

    /// Writes the manifest, makes the staged set durable, swaps it in for the live one in one
    /// step, and removes the old set.
    ///
    /// # Errors
    /// [`Error::Io`] when the filesystem fails; the live set is then the old one, whole.
    pub fn commit(mut self) -> Result<Published, Error> {
        let manifest = self.place.staging.join(MANIFEST);
        std::fs::write(&manifest, self.manifest()).map_err(io_error("write", &manifest))?;
        // The new set keeps the live directory's permissions (a `chmod 750` stays).
        if let Ok(live) = std::fs::metadata(&self.place.dir) {
            let _ = std::fs::set_permissions(&self.place.staging, live.permissions());
        }
        sync_set(&self.place.staging)?;
        let place = self.place.clone();
        let old = swap(&place, true)?;
        // From here the new set is live: nothing may remove the staging name as ours.
        self.committed = true;
        sync_dir(&place.parent)?;
        let leftover = old.and_then(|old| {
            remove_ours(&old)
                .err()
                .map(|e| format!("cannot remove the old set {}: {e}", old.display()))
        });
        Ok(Published {
            dir: place.dir,
            feeds: self.files.len(),
            bytes: self.files.values().sum(),
            leftover,
        })
    }

    /// The manifest: header, directories, `file <size> <path>` sorted by path, and a `complete`
    /// line with the totals. Byte for byte the same for the same feeds.
    fn manifest(&self) -> String {
        use std::fmt::Write as _;
        let mut text = format!(
            "{HEADER}\n# Every file of this feed set with its size in bytes; a set is whole when each is there at that size.\n"
        );
        let mut directories: BTreeSet<&str> = SUBDIRECTORIES.into_iter().collect();
        for path in self.files.keys() {
            if let Some((folder, _)) = path.rsplit_once('/') {
                directories.insert(folder);
            }
        }
        for folder in directories {
            let _ = writeln!(text, "directory {folder}");
        }
        for (path, size) in &self.files {
            let _ = writeln!(text, "file {size} {path}");
        }
        let total: u64 = self.files.values().sum();
        let _ = writeln!(text, "complete {} files {total} bytes", self.files.len());
        text
    }
}

impl Drop for Publisher {
    fn drop(&mut self) {
        if !self.committed {
            let _ = remove_ours(&self.place.staging);
        }
    }
}

/// Counts the bytes written through it.
struct Counting<W> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// `path` as a relative path of plain components (what [`feed_path`] builds).
fn checked_relative(path: &str) -> Result<PathBuf, Error> {
    let parts: Vec<&str> = path.split('/').collect();
    let plain = parts.iter().all(|part| {
        !part.is_empty()
            && !part.starts_with('.')
            && part.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
    });
    if !plain || parts.len() > 2 || path == MANIFEST {
        return Err(Error::BadName {
            id: path.escape_debug().to_string(),
            reason: "a feed path is `<id>.ics` or `<folder>/<id>.ics`".into(),
        });
    }
    Ok(parts.iter().collect())
}

/// Opens and locks `.<name>.tempi-lock` (empty: its contents would differ from run to run).
fn lock(place: &Place, when_busy: WhenBusy) -> Result<File, Error> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&place.lock)
        .map_err(io_error("open the lock file", &place.lock))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => match when_busy {
            WhenBusy::Fail => return Err(Error::Busy { dir: place.dir.clone() }),
            WhenBusy::Wait => file.lock().map_err(io_error("lock", &place.lock))?,
        },
        Err(std::fs::TryLockError::Error(e)) => return Err(io_error("lock", &place.lock)(e)),
    }
    Ok(file)
}

/// Undoes what a killed run left: puts a set moved aside back when `dir` is missing, and removes
/// leftover staging and aside directories that are tempi's.
fn recover(place: &Place) -> Result<(), Error> {
    if !exists(&place.dir) && is_ours(&place.aside) == Some(true) {
        std::fs::rename(&place.aside, &place.dir).map_err(io_error("restore", &place.dir))?;
        sync_dir(&place.parent)?;
    }
    for leftover in [&place.aside, &place.staging] {
        match is_ours(leftover) {
            None => {}
            Some(true) => {
                remove_ours(leftover).map_err(io_error("remove the leftover", leftover))?;
            }
            Some(false) => {
                return Err(Error::NotAFeedSet {
                    dir: leftover.clone(),
                    reason: "is in the way of the next feed set and was not written by tempi"
                        .into(),
                });
            }
        }
    }
    Ok(())
}

fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// `None` if nothing is at `path`; else whether it is a directory laid out as tempi writes a set:
/// only `.tempi-manifest` (in any state: a run may be killed while writing it), `*.ics` files, and
/// `groups/` and `members/` holding only `*.ics` files. Used for the siblings a killed run left,
/// whose names are tempi's; the live directory needs a manifest that lists everything in it.
fn is_ours(path: &Path) -> Option<bool> {
    let metadata = std::fs::symlink_metadata(path).ok()?;
    Some(metadata.is_dir() && laid_out_as_a_set(path, true).unwrap_or(false))
}

fn laid_out_as_a_set(dir: &Path, top: bool) -> io::Result<bool> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let name = entry.file_name();
        let feed = kind.is_file() && Path::new(&name).extension().is_some_and(|e| e == "ics");
        let fits = feed
            || (top && kind.is_file() && name == MANIFEST)
            || (top
                && kind.is_dir()
                && SUBDIRECTORIES.iter().any(|sub| name == *sub)
                && laid_out_as_a_set(&entry.path(), false)?);
        if !fits {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Removes a directory tempi wrote, checked again right before.
fn remove_ours(path: &Path) -> io::Result<()> {
    match is_ours(path) {
        None => Ok(()),
        Some(true) => std::fs::remove_dir_all(path),
        Some(false) => Err(io::Error::other("it is not a tempi feed set")),
    }
}

/// `dir` is missing, empty, or a feed set whose manifest lists everything in it.
fn check_replaceable(place: &Place) -> Result<(), Error> {
    let dir = &place.dir;
    let refuse = |reason: String| Error::NotAFeedSet { dir: dir.clone(), reason };
    let Ok(metadata) = std::fs::metadata(dir) else { return Ok(()) };
    if !metadata.is_dir() {
        return Err(refuse("is not a directory".into()));
    }
    let mut entries = std::fs::read_dir(dir).map_err(io_error("read", dir))?.peekable();
    if entries.peek().is_none() {
        return Ok(());
    }
    let manifest = dir.join(MANIFEST);
    let text = match std::fs::read_to_string(&manifest) {
        Ok(text) if text.lines().next() == Some(HEADER) => text,
        _ => {
            return Err(refuse(format!(
                "is not empty and has no {MANIFEST}, so it is not a feed set tempi published"
            )));
        }
    };
    // Path → whether the manifest lists it as a directory.
    let mut listed: BTreeMap<PathBuf, bool> = BTreeMap::new();
    listed.insert(PathBuf::from(MANIFEST), false);
    for line in text.lines() {
        if let Some(folder) = line.strip_prefix("directory ") {
            listed.insert(folder.split('/').collect(), true);
        } else if let Some((_, file)) = line.strip_prefix("file ").and_then(|r| r.split_once(' ')) {
            listed.insert(file.split('/').collect(), false);
        }
    }
    let mut unknown = Vec::new();
    unlisted(dir, Path::new(""), &listed, &mut unknown).map_err(io_error("read", dir))?;
    if unknown.is_empty() {
        return Ok(());
    }
    let count = unknown.len();
    let shown: Vec<String> = unknown.iter().take(3).map(|p| format!("`{}`", p.display())).collect();
    Err(refuse(format!(
        "holds {count} file{} that its {MANIFEST} does not list ({}{}), which the next run would delete",
        if count == 1 { "" } else { "s" },
        shown.join(", "),
        if count > 3 { ", …" } else { "" }
    )))
}

/// Collects, sorted by directory, what sits under `root/relative` that `listed` does not name as
/// what it is: a file where the manifest has a directory, the other way round, or a link (tempi
/// writes none) is not tempi's either.
fn unlisted(
    root: &Path,
    relative: &Path,
    listed: &BTreeMap<PathBuf, bool>,
    unknown: &mut Vec<PathBuf>,
) -> io::Result<()> {
    let mut found: Vec<(OsString, Option<bool>)> = Vec::new();
    for entry in std::fs::read_dir(root.join(relative))? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let is_dir = if kind.is_dir() {
            Some(true)
        } else if kind.is_file() {
            Some(false)
        } else {
            None
        };
        found.push((entry.file_name(), is_dir));
    }
    found.sort();
    for (name, is_dir) in found {
        let path = relative.join(&name);
        match (listed.get(&path), is_dir) {
            (Some(true), Some(true)) => unlisted(root, &path, listed, unknown)?,
            (Some(false), Some(false)) => {}
            _ => unknown.push(path),
        }
    }
    Ok(())
}

/// `dir` (when it exists) is on its parent's filesystem: a mount point cannot be renamed.
#[cfg(unix)]
fn same_filesystem(place: &Place) -> Result<(), Error> {
    use std::os::unix::fs::MetadataExt;
    let (Ok(dir), Ok(parent)) = (std::fs::metadata(&place.dir), std::fs::metadata(&place.parent))
    else {
        return Ok(());
    };
    if dir.dev() != parent.dev() {
        return Err(Error::NotAFeedSet {
            dir: place.dir.clone(),
            reason: "is a mount point, and tempi swaps the directory as a whole; publish to a directory inside it".into(),
        });
    }
    Ok(())
}

#[cfg(not(unix))]
fn same_filesystem(_: &Place) -> Result<(), Error> {
    Ok(())
}

/// Whether one `syncfs` makes the staged set durable (else each file is synced as it closes).
const SYNCFS: bool = cfg!(any(target_os = "linux", target_os = "android"));

/// Makes the staged set durable: one `syncfs` on Linux; elsewhere the files are synced already
/// and only the directories remain.
fn sync_set(staging: &Path) -> Result<(), Error> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let handle = File::open(staging).map_err(io_error("open", staging))?;
        rustix::fs::syncfs(&handle).map_err(|e| io_error("sync", staging)(e.into()))?;
    }
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        for sub in SUBDIRECTORIES {
            sync_dir(&staging.join(sub))?;
        }
        sync_dir(staging)?;
    }
    Ok(())
}

/// Makes a directory's entries durable. Best effort where a directory cannot be opened (Windows).
fn sync_dir(dir: &Path) -> Result<(), Error> {
    match File::open(dir) {
        Ok(handle) if cfg!(unix) => handle.sync_all().map_err(io_error("sync", dir)),
        _ => Ok(()),
    }
}

/// Puts the staged set in `dir`'s place, by exchange when `try_exchange` and the system can;
/// returns where the old set now is, if there was one.
fn swap(place: &Place, try_exchange: bool) -> Result<Option<PathBuf>, Error> {
    if !exists(&place.dir) {
        std::fs::rename(&place.staging, &place.dir)
            .map_err(io_error("move the new feed set into", &place.dir))?;
        return Ok(None);
    }
    if try_exchange {
        match exchange(&place.staging, &place.dir) {
            Ok(()) => return Ok(Some(place.staging.clone())),
            Err(e) if exchange_unsupported(&e) => {}
            Err(e) => return Err(io_error("swap the new feed set into", &place.dir)(e)),
        }
    }
    std::fs::rename(&place.dir, &place.aside)
        .map_err(io_error("move the old feed set aside from", &place.dir))?;
    if let Err(e) = std::fs::rename(&place.staging, &place.dir) {
        // Put the old set back; if even that fails, the next run does it.
        let _ = std::fs::rename(&place.aside, &place.dir);
        return Err(io_error("move the new feed set into", &place.dir)(e));
    }
    Ok(Some(place.aside.clone()))
}

#[cfg(any(target_os = "linux", target_os = "android", target_os = "macos", target_os = "ios"))]
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
}

#[cfg(not(any(
    target_os = "linux",
    target_os = "android",
    target_os = "macos",
    target_os = "ios"
)))]
fn exchange(_: &Path, _: &Path) -> io::Result<()> {
    Err(io::Error::from(io::ErrorKind::Unsupported))
}

/// The kernel or the filesystem cannot exchange (old kernels, NFS, some FUSE filesystems).
fn exchange_unsupported(e: &io::Error) -> bool {
    const EINVAL: i32 = 22;
    const ENOSYS: i32 = 38;
    const EOPNOTSUPP: i32 = 95;
    e.kind() == io::ErrorKind::Unsupported
        || (cfg!(any(target_os = "linux", target_os = "android"))
            && matches!(e.raw_os_error(), Some(EINVAL | ENOSYS | EOPNOTSUPP)))
        || (cfg!(any(target_os = "macos", target_os = "ios"))
            && matches!(e.raw_os_error(), Some(22 | 45 | 78)))
}

/// A source of feeds the publisher can stream: the scopes, then each one written on demand (the
/// shape of [`ical::export::Publication`](crate::ical::export::Publication)).
pub trait FeedSource {
    /// Every feed to publish, in order.
    fn scopes(&self) -> Vec<Scope>;
    /// Writes one feed.
    ///
    /// # Errors
    /// Whatever `out` returns.
    fn write(&self, scope: &Scope, out: &mut dyn Write) -> io::Result<()>;
}

/// The `DTSTAMP` of a published set: `SOURCE_DATE_EPOCH` (seconds since 1970) when the
/// environment sets it, else `otherwise` (callers pass the planned window's start). Never the
/// clock, so the same input gives the same bytes, and the same `ETag` when served.
///
/// # Errors
/// [`Error::SourceDateEpoch`] when the variable is set to something else.
pub fn generated_at(
    otherwise: tempi_core::chrono::DateTime<tempi_core::chrono::Utc>,
) -> Result<tempi_core::chrono::DateTime<tempi_core::chrono::Utc>, Error> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|seconds| {
                tempi_core::chrono::DateTime::<tempi_core::chrono::Utc>::from_timestamp(seconds, 0)
            })
            .ok_or(Error::SourceDateEpoch { value: text }),
        Err(_) => Ok(otherwise),
    }
}

/// The feeds of one plan, each rendered from series and zones rendered once.
impl FeedSource for tempi_ical::export::Publication<'_> {
    fn scopes(&self) -> Vec<Scope> {
        tempi_ical::export::Publication::scopes(self)
    }
    fn write(&self, scope: &Scope, out: &mut dyn Write) -> io::Result<()> {
        tempi_ical::export::Publication::write(self, scope, out)
    }
}

/// Publishes every feed of `source` into `dir` as one set: [`Publisher::begin`], one
/// [`Publisher::add`] per scope (at [`feed_path`], `community` naming the community's feed),
/// [`Publisher::commit`].
///
/// # Errors
/// See [`Publisher::begin`], [`Publisher::add`] and [`Publisher::commit`]; on any error the live
/// set is the earlier one, whole.
pub fn publish(
    dir: &Path,
    community: &str,
    source: &dyn FeedSource,
    when_busy: WhenBusy,
) -> Result<Published, Error> {
    let scopes = source.scopes();
    let paths =
        scopes.iter().map(|scope| feed_path(community, scope)).collect::<Result<Vec<_>, _>>()?;
    let mut set = Publisher::begin(dir, when_busy)?;
    for (scope, path) in scopes.iter().zip(&paths) {
        set.add(path, &mut |out: &mut dyn Write| source.write(scope, out))?;
    }
    set.commit()
}

/// Publishes the feeds of `plan` (the community's, each group's and each member's) into `dir`
/// as one set with [`publish`], `generated_at` their `DTSTAMP` (see [`generated_at`]). When
/// another run holds the directory, `on_wait` is called once and the run then waits for it.
///
/// # Errors
/// As [`publish`].
pub fn publish_plan(
    community: &tempi_core::Community,
    plan: &tempi_core::Plan,
    generated_at: tempi_core::chrono::DateTime<tempi_core::chrono::Utc>,
    dir: &Path,
    on_wait: &mut dyn FnMut(),
) -> Result<Published, Error> {
    let options = tempi_ical::export::ExportOptions::new(generated_at);
    // Every rhythm's series and every zone is rendered once; each feed is streamed to its file.
    let source = tempi_ical::export::Publication::new(community, plan, &options);
    match publish(dir, community.id(), &source, WhenBusy::Fail) {
        Err(Error::Busy { .. }) => {
            on_wait();
            publish(dir, community.id(), &source, WhenBusy::Wait)
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn feed_paths_follow_the_layout_and_refuse_unsafe_ids() {
        assert_eq!(feed_path("riverbend", &Scope::Community).unwrap(), "riverbend.ics");
        assert_eq!(feed_path("r", &Scope::Group("pod-a".into())).unwrap(), "groups/pod-a.ics");
        assert_eq!(feed_path("r", &Scope::Member("ana".into())).unwrap(), "members/ana.ics");
        for bad in ["", "../x", ".hidden", "a/b", "é", "CON", "nul.x", "com1"] {
            assert!(feed_path("r", &Scope::Member(bad.into())).is_err(), "{bad}");
        }
        for fine in ["console", "com10", "a.b_c-d"] {
            assert!(feed_path("r", &Scope::Member(fine.into())).is_ok(), "{fine}");
        }
        assert!(checked_relative(MANIFEST).is_err());
        assert!(checked_relative("a/b/c.ics").is_err());
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tempi-publish-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn publish_one(dir: &Path, path: &str, text: &str) -> Published {
        let mut set = Publisher::begin(dir, WhenBusy::Fail).unwrap();
        set.add(path, &mut |out: &mut dyn Write| out.write_all(text.as_bytes())).unwrap();
        set.commit().unwrap()
    }

    #[cfg(feature = "toml")]
    #[test]
    fn a_plans_feeds_are_one_for_the_community_each_group_and_each_member() {
        let community = crate::pipeline::tests::sample();
        let window = tempi_core::Window::year(community.zone(), 2027).unwrap();
        let plan = community.plan(window).unwrap();
        let dir = scratch("plan").join("feeds");
        let mut waited = false;
        let published =
            publish_plan(&community, &plan, window.start(), &dir, &mut || waited = true).unwrap();
        // The sample has 20 members and 5 groups: 1 + 5 + 20 feeds; no other run held the lock.
        assert_eq!((community.members().len(), community.groups().len()), (20, 5));
        assert_eq!(published.feeds, 26);
        assert!(!waited);
        assert!(dir.join("riverbend.ics").is_file() && dir.join(MANIFEST).is_file());
        let _ = std::fs::remove_dir_all(dir.parent().unwrap());
    }

    #[test]
    fn a_set_replaces_the_last_and_a_dropped_one_changes_nothing() {
        let work = scratch("flow");
        let dir = work.join("feeds");
        let first = publish_one(&dir, "members/ana.ics", "first");
        assert_eq!((first.feeds, first.bytes, first.leftover), (1, 5, None));
        publish_one(&dir, "members/bram.ics", "second");
        assert!(!dir.join("members/ana.ics").exists());
        assert_eq!(std::fs::read_to_string(dir.join("members/bram.ics")).unwrap(), "second");
        // A set that is dropped, not committed, leaves the live one and nothing beside it.
        let mut set = Publisher::begin(&dir, WhenBusy::Fail).unwrap();
        set.add("x.ics", &mut |out: &mut dyn Write| out.write_all(b"never")).unwrap();
        let clash = set.add("X.ics", &mut |out: &mut dyn Write| out.write_all(b"clash"));
        assert!(matches!(clash, Err(Error::Collision { .. })), "{clash:?}");
        drop(set);
        assert_eq!(std::fs::read_to_string(dir.join("members/bram.ics")).unwrap(), "second");
        let mut names: Vec<_> =
            std::fs::read_dir(&work).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, [".feeds.tempi-lock", "feeds"]);
        let _ = std::fs::remove_dir_all(&work);
    }

    #[test]
    fn a_second_run_fails_or_waits_while_the_first_holds_the_lock() {
        let work = scratch("busy");
        let dir = work.join("feeds");
        let first = Publisher::begin(&dir, WhenBusy::Fail).unwrap();
        let second = Publisher::begin(&dir, WhenBusy::Fail);
        assert!(matches!(second, Err(Error::Busy { .. })), "{second:?}");
        let waiter = std::thread::spawn({
            let dir = dir.clone();
            move || {
                let mut set = Publisher::begin(&dir, WhenBusy::Wait).unwrap();
                set.add("late.ics", &mut |out: &mut dyn Write| out.write_all(b"late")).unwrap();
                set.commit().unwrap()
            }
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(!waiter.is_finished(), "the second run must wait for the lock");
        first.commit().unwrap();
        waiter.join().unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("late.ics")).unwrap(), "late");
        let _ = std::fs::remove_dir_all(&work);
    }

    /// Where exchange is unavailable: rename aside, rename in. A run killed between the two
    /// renames leaves no `dir`; the next run puts the aside set back before anything else.
    #[test]
    fn the_rename_aside_fallback_swaps_and_a_kill_between_is_undone() {
        let work = scratch("fallback");
        let dir = work.join("feeds");
        publish_one(&dir, "old.ics", "old");
        let place = Place::resolve(&dir).unwrap();
        std::fs::create_dir_all(place.staging.join("members")).unwrap();
        std::fs::write(place.staging.join("new.ics"), "new").unwrap();
        let old = swap(&place, false).unwrap();
        assert_eq!(old.as_ref(), Some(&place.aside));
        assert_eq!(std::fs::read_to_string(dir.join("new.ics")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(place.aside.join("old.ics")).unwrap(), "old");
        // Killed between the renames: the live set is aside, nothing in `dir`'s place.
        std::fs::remove_dir_all(&dir).unwrap();
        recover(&place).unwrap();
        assert_eq!(std::fs::read_to_string(dir.join("old.ics")).unwrap(), "old");
        assert!(!place.aside.exists() && !place.staging.exists());
        let _ = std::fs::remove_dir_all(&work);
    }

    /// A sibling with tempi's staging name that holds anything else is not removed.
    #[test]
    fn a_leftover_name_holding_other_files_is_refused_not_removed() {
        let work = scratch("foreign");
        let dir = work.join("feeds");
        let place = Place::resolve(&dir).unwrap();
        std::fs::create_dir_all(&place.staging).unwrap();
        std::fs::write(place.staging.join("diary.txt"), "mine").unwrap();
        let refused = Publisher::begin(&dir, WhenBusy::Fail);
        assert!(matches!(refused, Err(Error::NotAFeedSet { .. })), "{refused:?}");
        assert_eq!(std::fs::read_to_string(place.staging.join("diary.txt")).unwrap(), "mine");
        let _ = std::fs::remove_dir_all(&work);
    }
}

/// Who may read a file that [`write_file`] writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Readers {
    /// Everyone (mode 0644 on Unix, or the mode of the file being replaced): pictures, pages.
    Everyone,
    /// Only the owner (mode 0600 on Unix): secrets and state.
    Owner,
}

/// Replaces the file at `path` with `bytes` atomically: a reader sees the old file or the new one,
/// never a part, and a failed write leaves the old file in place.
///
/// The bytes go to a temporary file in the same directory (`tempfile`, so the name cannot clash
/// with another run and the file is removed if anything fails), are synced to disk, and the file is
/// renamed over `path`; the directory is then synced so the rename itself survives a power cut.
///
/// # Errors
/// [`Error::Io`] naming `path` when the directory cannot be written or the disk is full.
pub fn write_file(path: &Path, bytes: &[u8], readers: Readers) -> Result<(), Error> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".tempi-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match readers {
            Readers::Owner => 0o600,
            Readers::Everyone => std::fs::metadata(path)
                .map(|existing| existing.permissions().mode() & 0o7777)
                .unwrap_or(0o644),
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = readers;
    let mut file = builder.tempfile_in(dir).map_err(io_error("create a file in", dir))?;
    file.write_all(bytes).map_err(io_error("write", path))?;
    file.as_file().sync_all().map_err(io_error("write", path))?;
    file.persist(path).map_err(|e| Error::Io {
        action: "replace",
        path: path.to_path_buf(),
        source: e.error,
    })?;
    #[cfg(unix)]
    File::open(dir).and_then(|d| d.sync_all()).map_err(io_error("sync", dir))?;
    Ok(())
}

#[cfg(test)]
mod write_file_tests {
    use super::{Readers, write_file};

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_behind() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("year.html");
        std::fs::write(&path, b"old").unwrap();
        write_file(&path, b"new", Readers::Everyone).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, [std::ffi::OsString::from("year.html")]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        // The "directory" of the target is a file: nothing can be created there.
        let blocker = dir.path().join("blocker");
        std::fs::write(&blocker, b"x").unwrap();
        let err = write_file(&blocker.join("year.html"), b"new", Readers::Everyone).unwrap_err();
        assert!(err.to_string().contains("blocker"), "{err}");
        assert_eq!(std::fs::read(&blocker).unwrap(), b"x");
    }

    #[cfg(unix)]
    #[test]
    fn modes_follow_the_readers() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let secret = dir.path().join("key");
        write_file(&secret, b"k", Readers::Owner).unwrap();
        assert_eq!(std::fs::metadata(&secret).unwrap().permissions().mode() & 0o777, 0o600);
        let page = dir.path().join("page.html");
        write_file(&page, b"p", Readers::Everyone).unwrap();
        assert_eq!(std::fs::metadata(&page).unwrap().permissions().mode() & 0o777, 0o644);
        std::fs::set_permissions(&page, std::fs::Permissions::from_mode(0o640)).unwrap();
        write_file(&page, b"q", Readers::Everyone).unwrap();
        assert_eq!(std::fs::metadata(&page).unwrap().permissions().mode() & 0o777, 0o640);
    }
}
