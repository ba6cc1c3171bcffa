//! The state directory: the secret key and the rotation counters that make each URL token.
//!
//! A token is `HMAC-SHA256(key, kind NUL id NUL rotation)`, its first 20 bytes in lowercase
//! base32 (32 characters, 160 bits). Without the key nobody can derive or guess one; bumping an
//! id's rotation counter (`--rotate`) gives it a new token and the old one stops working.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;

/// Whose URL: the community's, a group's or a member's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The whole community.
    Community,
    /// A group.
    Group,
    /// A member.
    Member,
}

impl Kind {
    /// `community`, `group` or `member`: as `--print-links` prints it.
    pub fn label(self) -> &'static str {
        match self {
            Kind::Community => "community",
            Kind::Group => "group",
            Kind::Member => "member",
        }
    }

    fn parse(text: &str) -> Option<Kind> {
        match text {
            "community" => Some(Kind::Community),
            "group" => Some(Kind::Group),
            "member" => Some(Kind::Member),
            _ => None,
        }
    }
}

const KEY_FILE: &str = "key";
const ROTATIONS_FILE: &str = "rotations";

/// The key and the rotation counters, read from (and written to) the state directory.
#[derive(Clone)]
pub struct State {
    dir: PathBuf,
    key: [u8; 32],
    rotations: BTreeMap<(Kind, String), u64>,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("State").field("dir", &self.dir).finish_non_exhaustive()
    }
}

fn located(path: &Path, what: impl std::fmt::Display) -> Error {
    Error::State(format!("{}: {what}", path.display()))
}

impl State {
    /// Opens `dir`, creating it (mode 0700) and its key (mode 0600, 32 bytes from the OS) on
    /// first run. A key that others can read is refused.
    ///
    /// # Errors
    /// The directory or a file cannot be read or written, or holds something unexpected.
    pub fn open(dir: &Path) -> Result<State, Error> {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| located(dir, format!("cannot create the state directory: {e}")))?;
        let key_path = dir.join(KEY_FILE);
        let key = match fs::symlink_metadata(&key_path) {
            Ok(_) => read_key(&key_path)?,
            Err(e) if e.kind() == io::ErrorKind::NotFound => create_key(dir, &key_path)?,
            Err(e) => return Err(located(&key_path, format!("cannot read: {e}"))),
        };
        let rotations = read_rotations(&dir.join(ROTATIONS_FILE))?;
        Ok(State { dir: dir.to_path_buf(), key, rotations })
    }

    /// The rotation counters' file: the server watches it, so `--rotate` takes effect live.
    pub fn rotations_path(&self) -> PathBuf {
        self.dir.join(ROTATIONS_FILE)
    }

    /// The URL token of `kind` `id` at its current rotation.
    pub fn token(&self, kind: Kind, id: &str) -> String {
        let rotation = self.rotations.get(&(kind, id.to_string())).copied().unwrap_or(0);
        token(&self.key, kind, id, rotation)
    }

    /// Revokes the token of `kind` `id`: bumps its counter, written atomically. Returns the new
    /// token.
    ///
    /// # Errors
    /// The counters cannot be written.
    pub fn rotate(&mut self, kind: Kind, id: &str) -> Result<String, Error> {
        *self.rotations.entry((kind, id.to_string())).or_insert(0) += 1;
        let mut text = String::new();
        for ((kind, id), n) in &self.rotations {
            text.push_str(&format!("{}\t{id}\t{n}\n", kind.label()));
        }
        let path = self.rotations_path();
        tempi::publish::write_file(&path, text.as_bytes(), tempi::publish::Readers::Owner)
            .map_err(|e| located(&path, format!("cannot write: {e}")))?;
        Ok(self.token(kind, id))
    }
}

/// `HMAC-SHA256(key, kind NUL id NUL rotation)`, first 20 bytes, lowercase base32.
pub(crate) fn token(key: &[u8; 32], kind: Kind, id: &str, rotation: u64) -> String {
    // HMAC takes a key of any length: this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else { return String::new() };
    mac.update(kind.label().as_bytes());
    mac.update(b"\0");
    mac.update(id.as_bytes());
    mac.update(b"\0");
    mac.update(rotation.to_string().as_bytes());
    let digest = mac.finalize().into_bytes();
    base32(digest.get(..20).unwrap_or_default())
}

/// RFC 4648 base32, lowercase, no padding.
pub(crate) fn base32(bytes: &[u8]) -> String {
    let symbol = |v: u64| -> char {
        let v = (v & 31) as u8;
        char::from(if v < 26 { b'a' + v } else { b'2' + (v - 26) })
    };
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut buffer, mut bits) = (0u64, 0u32);
    for byte in bytes {
        buffer = (buffer << 8) | u64::from(*byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(symbol(buffer >> bits));
        }
    }
    if bits > 0 {
        out.push(symbol(buffer << (5 - bits)));
    }
    out
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Writes a new key to a private temporary file and links it into place: a concurrent first run
/// (`--print-links` while `serve` starts) sees no key or the whole key, never an empty file, and
/// the one whose link loses reads the winner's.
fn create_key(dir: &Path, path: &Path) -> Result<[u8; 32], Error> {
    let mut key = [0u8; 32];
    getrandom::fill(&mut key)
        .map_err(|e| located(path, format!("no randomness from the OS: {e}")))?;
    let temporary = dir.join(format!(".{KEY_FILE}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&temporary)?;
        file.write_all(format!("{}\n", hex(&key)).as_bytes())?;
        file.sync_all()?;
        fs::hard_link(&temporary, path)
    })();
    let _ = fs::remove_file(&temporary);
    match written {
        Ok(()) => {
            sync_dir(dir).map_err(|e| located(dir, format!("cannot sync: {e}")))?;
            Ok(key)
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => read_key(path),
        Err(e) => Err(located(path, format!("cannot create the key: {e}"))),
    }
}

fn read_key(path: &Path) -> Result<[u8; 32], Error> {
    let metadata = fs::metadata(path).map_err(|e| located(path, format!("cannot read: {e}")))?;
    let mode = metadata.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(located(
            path,
            format!("the secret key is readable by others (mode {mode:o}); run `chmod 600` on it"),
        ));
    }
    let text = fs::read_to_string(path).map_err(|e| located(path, format!("cannot read: {e}")))?;
    let text = text.trim();
    let mut key = [0u8; 32];
    let valid = text.len() == 64
        && key.iter_mut().enumerate().all(|(i, slot)| {
            match text.get(2 * i..2 * i + 2).and_then(|pair| u8::from_str_radix(pair, 16).ok()) {
                Some(byte) => {
                    *slot = byte;
                    true
                }
                None => false,
            }
        });
    if !valid {
        return Err(located(
            path,
            "1:1: not a tempi key (64 hex digits); restore it or delete the directory to start over (every URL changes)",
        ));
    }
    Ok(key)
}

fn read_rotations(path: &Path) -> Result<BTreeMap<(Kind, String), u64>, Error> {
    let text = match fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(located(path, format!("cannot read: {e}"))),
    };
    let mut rotations = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let mut fields = line.split('\t');
        let parsed = match (fields.next(), fields.next(), fields.next(), fields.next()) {
            (Some(kind), Some(id), Some(count), None) => {
                Kind::parse(kind).zip(count.parse::<u64>().ok()).map(|(k, c)| (k, id, c))
            }
            _ => None,
        };
        let Some((kind, id, count)) = parsed else {
            return Err(located(path, format!("{}:1: expected `kind<TAB>id<TAB>count`", n + 1)));
        };
        rotations.insert((kind, id.to_string()), count);
    }
    Ok(rotations)
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    fs::File::open(dir)?.sync_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 4648 §10 test vectors, lowercased, padding dropped.
    #[test]
    fn base32_matches_the_rfc_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "my"),
            ("fo", "mzxq"),
            ("foo", "mzxw6"),
            ("foob", "mzxw6yq"),
            ("fooba", "mzxw6ytb"),
            ("foobar", "mzxw6ytboi"),
        ] {
            assert_eq!(base32(input.as_bytes()), expected, "{input}");
        }
    }

    #[test]
    fn tokens_differ_by_kind_id_and_rotation_and_are_160_bits() {
        let key = [7u8; 32];
        let a = token(&key, Kind::Member, "ana", 0);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)));
        assert_eq!(a, token(&key, Kind::Member, "ana", 0), "deterministic");
        assert_ne!(a, token(&key, Kind::Group, "ana", 0));
        assert_ne!(a, token(&key, Kind::Member, "ana", 1));
        assert_ne!(a, token(&[8u8; 32], Kind::Member, "ana", 0));
        // The NUL separator: `ab`+`c` and `a`+`bc` cannot collide.
        assert_ne!(token(&key, Kind::Member, "a\0b", 0), token(&key, Kind::Member, "a", 0));
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("tempi-state-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn the_state_keeps_its_key_and_rotations_across_runs() {
        let dir = scratch("keep");
        let mut state = State::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        let mode = |p: &Path| fs::metadata(p).map(|m| m.permissions().mode() & 0o777).ok();
        assert_eq!(mode(&dir.join(KEY_FILE)), Some(0o600));
        assert_eq!(mode(&dir), Some(0o700));
        let (ana, bo) = (state.token(Kind::Member, "ana"), state.token(Kind::Member, "bo"));
        let rotated = state.rotate(Kind::Member, "ana").unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(rotated, ana);
        let again = State::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.token(Kind::Member, "ana"), rotated, "the rotation is kept");
        assert_eq!(again.token(Kind::Member, "bo"), bo, "others are untouched");
        assert_eq!(
            fs::read_to_string(dir.join(ROTATIONS_FILE)).ok().as_deref(),
            Some("member\tana\t1\n")
        );
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_readable_or_damaged_key_is_refused() {
        let dir = scratch("refuse");
        State::open(&dir).unwrap_or_else(|e| panic!("{e}"));
        let key = dir.join(KEY_FILE);
        let _ = fs::set_permissions(&key, fs::Permissions::from_mode(0o644));
        let error = State::open(&dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("readable by others (mode 644)"), "{error}");
        let _ = fs::set_permissions(&key, fs::Permissions::from_mode(0o600));
        let _ = fs::write(&key, "not hex\n");
        let error = State::open(&dir).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(error.contains("not a tempi key"), "{error}");
        let _ = fs::remove_dir_all(&dir);
    }
}
