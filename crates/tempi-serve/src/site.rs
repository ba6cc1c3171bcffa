//! What the server serves for one plan: every feed rendered once, gzipped once, hashed once,
//! shared behind an `Arc` until the next plan replaces the whole site.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hasher};
use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use hyper::header::HeaderValue;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tempi::chrono::{DateTime, Utc};
use tempi::ical::export::{ExportOptions, Publication, Scope};
use tempi::{Community, Plan};

use crate::state::{Kind, State, hex};

impl Feed {
    /// The feed as text, inflated from the gzip bytes.
    ///
    /// # Errors
    /// Not expected: the bytes were compressed by this process.
    pub(crate) fn plain(&self) -> std::io::Result<Bytes> {
        use std::io::Read;
        let capacity = usize::try_from(self.plain_len).unwrap_or(0);
        let mut text = Vec::with_capacity(capacity);
        flate2::read::GzDecoder::new(&self.gzip.bytes[..]).read_to_end(&mut text)?;
        Ok(Bytes::from(text))
    }
}

/// One representation of a feed.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// The bytes as sent.
    pub(crate) bytes: Bytes,
    /// A strong validator: the SHA-256 of the bytes (first 16 bytes, hex), quoted; made once as
    /// a header value, so that a `304` copies a reference, not the text.
    pub(crate) etag: HeaderValue,
}

/// A feed, held gzip-compressed only: calendars compress about twentyfold, and the 20,000-member
/// organisation's feeds take about 1.4 GB as text. A client that does not take gzip (rare, and
/// only on a `200`: pollers mostly get `304`) gets the text inflated for its request.
#[derive(Debug, Clone)]
pub(crate) struct Feed {
    /// The gzip-compressed feed (`Content-Encoding: gzip`), with its own validator.
    pub(crate) gzip: Body,
    /// The validator of the feed as text.
    pub(crate) plain_etag: HeaderValue,
    /// The length of the feed as text (for `HEAD`).
    pub(crate) plain_len: u64,
    /// When these bytes were first served (kept across plans that render the same bytes).
    pub(crate) last_modified: DateTime<Utc>,
    /// `last_modified` as an HTTP date, made once.
    pub(crate) last_modified_header: HeaderValue,
}

impl Feed {
    /// `bytes` (the text) compressed and hashed once, first served at `last_modified`.
    ///
    /// # Errors
    /// Not expected: compression is in memory.
    pub(crate) fn of(bytes: Vec<u8>, last_modified: DateTime<Utc>) -> std::io::Result<Feed> {
        let gzip = body(gzip(&bytes)?, "-gz");
        let plain_len = bytes.len() as u64;
        let plain_etag = body(bytes, "").etag;
        let last_modified_header = date_header(last_modified);
        Ok(Feed { gzip, plain_etag, plain_len, last_modified, last_modified_header })
    }

    /// Changes when these bytes were first served.
    fn set_last_modified(&mut self, time: DateTime<Utc>) {
        self.last_modified = time;
        self.last_modified_header = date_header(time);
    }
}

fn date_header(time: DateTime<Utc>) -> HeaderValue {
    HeaderValue::from_str(&crate::http::http_date(time))
        .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
}

/// A rendered page, shared by every request for it until it expires or the plan is replaced.
#[derive(Debug)]
pub(crate) struct Page {
    /// The HTML, held like a feed: gzip only, with both validators.
    pub(crate) body: Feed,
    /// When the first meeting it lists ends: from then on it is stale and rendered again.
    pub(crate) until: Option<DateTime<Utc>>,
    /// The base URL its links were made with.
    pub(crate) base: String,
}

/// The cache of one entry's page: rendered on its first request, once (concurrent requests
/// wait for that one render), and kept until the plan is replaced.
#[derive(Debug, Default)]
pub(crate) struct PageCell {
    /// The page, and whether a render is under way.
    pub(crate) state: std::sync::Mutex<PageState>,
    /// Woken when a render finishes (or fails).
    pub(crate) ready: tokio::sync::Notify,
}

/// See [`PageCell`].
#[derive(Debug, Default)]
pub(crate) struct PageState {
    /// The last page rendered.
    pub(crate) page: Option<Arc<Page>>,
    /// A render is under way.
    pub(crate) rendering: bool,
}

impl PageCell {
    /// The state, also after a panic elsewhere (the state is always consistent).
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, PageState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A community, group or member at its secret URL.
#[derive(Debug)]
pub(crate) struct Entry {
    /// Whose.
    pub(crate) kind: Kind,
    /// The id (empty never: the community's id for the community).
    pub(crate) id: String,
    /// The URL token.
    pub(crate) token: String,
    /// The feed.
    pub(crate) feed: Feed,
}

/// Everything one plan serves.
#[derive(Debug)]
pub(crate) struct Site {
    /// The community as planned (auto rhythms placed).
    pub(crate) community: Community,
    /// The plan.
    pub(crate) plan: Plan,
    /// Community, groups, members: `Publication::scopes` order.
    pub(crate) entries: Vec<Entry>,
    /// The busy calendars the community file names, watched for edits.
    pub(crate) watched: Vec<std::path::PathBuf>,
    /// Each entry's page, rendered on demand: same order as `entries`.
    pub(crate) pages: Vec<PageCell>,
    /// SHA-256 of a token → index in `entries`. Keyed by a hash so that the time a lookup takes
    /// says nothing about how close a guess is to a real token. A hash map bucketed by the
    /// digest's own first bytes (already uniform): one probe, where a B-tree of 24,000 keys took
    /// fifteen comparisons and was the server's busiest function under load.
    index: HashMap<[u8; 32], usize, DigestHash>,
}

/// Hashes a SHA-256 digest by its first eight bytes: they are uniformly distributed already.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DigestHash;

impl BuildHasher for DigestHash {
    type Hasher = DigestHasher;
    fn build_hasher(&self) -> DigestHasher {
        DigestHasher(0)
    }
}

/// See [`DigestHash`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DigestHasher(u64);

impl Hasher for DigestHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // A `[u8; 32]` key writes its 32 bytes in one call (after its length, a `usize`).
        if let Some(first) = bytes.first_chunk::<8>() {
            self.0 ^= u64::from_le_bytes(*first);
        }
    }

    fn write_usize(&mut self, _: usize) {}
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

fn body(bytes: Vec<u8>, suffix: &str) -> Body {
    let digest = sha256(&bytes);
    let etag = format!("\"{}{suffix}\"", hex(digest.get(..16).unwrap_or_default()));
    // Quotes, hex digits and `-gz`: always a valid header value.
    let etag = HeaderValue::from_str(&etag).unwrap_or_else(|_| HeaderValue::from_static("\"\""));
    Body { bytes: Bytes::from(bytes), etag }
}

fn gzip(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    // No file name and no time in the header: the same bytes give the same gzip.
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::default());
    encoder.write_all(bytes)?;
    encoder.finish()
}

impl Site {
    /// Renders every feed of `plan` once. A feed whose bytes equal those of the same entry in
    /// `previous` keeps its `Last-Modified`; a new one gets `now`.
    ///
    /// # Errors
    /// A feed cannot be rendered or compressed (not expected: all in memory).
    pub(crate) fn build(
        community: Community,
        plan: Plan,
        state: &State,
        options: &ExportOptions,
        previous: Option<&Site>,
        now: DateTime<Utc>,
    ) -> std::io::Result<Site> {
        let now = DateTime::<Utc>::from_timestamp(now.timestamp(), 0).unwrap_or(now);
        let mut entries = Vec::new();
        {
            let publication = Publication::new(&community, &plan, options);
            for scope in publication.scopes() {
                let (kind, id) = match &scope {
                    Scope::Community => (Kind::Community, community.id().to_string()),
                    Scope::Group(id) => (Kind::Group, id.clone()),
                    Scope::Member(id) => (Kind::Member, id.clone()),
                };
                let mut bytes = Vec::new();
                publication.write(&scope, &mut bytes)?;
                let mut feed = Feed::of(bytes, now)?;
                if let Some(old) = previous
                    .and_then(|site| site.find(kind, &id))
                    .filter(|old| old.feed.plain_etag == feed.plain_etag)
                {
                    feed.set_last_modified(old.feed.last_modified);
                }
                let token = state.token(kind, &id);
                entries.push(Entry { kind, id, token, feed });
            }
        }
        let index =
            entries.iter().enumerate().map(|(i, e)| (sha256(e.token.as_bytes()), i)).collect();
        let pages = entries.iter().map(|_| PageCell::default()).collect();
        Ok(Site { community, plan, entries, watched: Vec::new(), pages, index })
    }

    /// The entry of `kind` `id`.
    pub(crate) fn find(&self, kind: Kind, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.kind == kind && e.id == id)
    }

    /// The entry whose token is `candidate`, compared in constant time. Every candidate costs one
    /// hash, one map lookup and one comparison, found or not.
    pub(crate) fn lookup(&self, candidate: &str) -> Option<usize> {
        let index = self.index.get(&sha256(candidate.as_bytes())).copied();
        let entry = index.and_then(|i| self.entries.get(i));
        let equal =
            entry.is_some_and(|e| bool::from(e.token.as_bytes().ct_eq(candidate.as_bytes())));
        if equal { index } else { None }
    }
}

/// The current site, swapped whole when a new plan is ready. Requests clone the `Arc` (a
/// pointer copy under a lock held for nanoseconds) and never wait for planning.
#[derive(Debug)]
pub(crate) struct Current(std::sync::RwLock<Arc<Site>>);

impl Current {
    /// Starts with `site`.
    pub(crate) fn new(site: Site) -> Current {
        Current(std::sync::RwLock::new(Arc::new(site)))
    }

    /// The site to answer from.
    pub(crate) fn get(&self) -> Arc<Site> {
        match self.0.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Replaces the site; requests already answering keep the old one until they finish. The
    /// old one is returned, to be freed by the caller (the 20,000-member organisation's site is
    /// most of 0.6 GB, in many small allocations): not under the lock, where it would hold up
    /// every request, nor by whichever request lets go of it last.
    pub(crate) fn set(&self, site: Site) -> Arc<Site> {
        let site = Arc::new(site);
        match self.0.write() {
            Ok(mut guard) => std::mem::replace(&mut *guard, site),
            Err(poisoned) => std::mem::replace(&mut *poisoned.into_inner(), site),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digest_hashes_to_its_first_eight_bytes() {
        // If `[u8; 32]` were hashed byte by byte (or by length only), every key would land in one
        // bucket and a lookup would walk the whole map.
        let digest = sha256(b"token");
        let expected = u64::from_le_bytes(*digest.first_chunk::<8>().unwrap_or(&[0; 8]));
        assert_eq!(DigestHash.hash_one(digest), expected);
        assert_ne!(DigestHash.hash_one(sha256(b"other")), expected);
    }
}
