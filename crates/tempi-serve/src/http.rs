//! The HTTP side: one hyper HTTP/1.1 connection per accepted socket, limits enforced around it,
//! and a handler that looks the path's token up in the current site and never touches the disk.

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tempi::chrono::{DateTime, Utc};
use tokio::net::TcpListener;

use crate::site::{Current, Feed, Page, Site};
use crate::{Limits, Log, page};

/// The one 404 body: an unknown token and an unknown path are indistinguishable.
const NOT_FOUND: &str = "not found\n";
const ROBOTS: header::HeaderName = header::HeaderName::from_static("x-robots-tag");
const CSP: &str = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub(crate) struct Server {
    pub(crate) current: Arc<Current>,
    pub(crate) limits: Limits,
    pub(crate) base: Option<String>,
    pub(crate) quiet: bool,
    pub(crate) log: Log,
    /// Pages being rendered now (see [`MAX_RENDERS`]).
    pub(crate) renders: std::sync::atomic::AtomicUsize,
    /// Feeds being inflated now for clients without gzip (see [`MAX_INFLATES`]).
    pub(crate) inflates: tokio::sync::Semaphore,
}

/// Feeds inflated at once for clients that do not take gzip, each on a blocking thread: the
/// 20,000-member organisation's community feed is 131 MB as text, which must neither hold up
/// the thread that answers every request nor be held many times over. Others wait their turn.
pub(crate) const MAX_INFLATES: usize = 2;

/// Pages rendered at once, each on a blocking thread. A member's page draws their year from the
/// whole plan (0.6 s for a member of the 20,000-member organisation): more at once would starve
/// the feeds of CPU. A request that would start one more gets `503` with `Retry-After`.
const MAX_RENDERS: usize = 2;

/// How long a request waits for its page's first render before `503` with `Retry-After` (the
/// render goes on; the retry finds the page ready).
const PAGE_WAIT: Duration = Duration::from_secs(5);

/// While a page renders: gives the render slot back, marks the render over and wakes the
/// requests waiting for it, also when the render panicked.
struct Rendering {
    server: Arc<Server>,
    site: Arc<Site>,
    index: usize,
}

impl Drop for Rendering {
    fn drop(&mut self) {
        self.server.renders.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
        if let Some(cell) = self.site.pages.get(self.index) {
            cell.lock().rendering = false;
            cell.ready.notify_waiters();
        }
    }
}

/// What the synchronous part of a request decided.
enum Answer {
    /// The response.
    Now(Response<Full<Bytes>>),
    /// A feed's text for a client without gzip: inflated off the serving thread.
    Inflate(Inflate),
    /// The page of this entry of this site (may need rendering).
    Page(Arc<Site>, usize),
}

/// Counts open connections per peer address; a guard gives its slot back when dropped.
#[derive(Default)]
struct Peers(Mutex<HashMap<IpAddr, usize>>);

struct Slot {
    peers: Arc<Peers>,
    ip: IpAddr,
}

impl Peers {
    fn take(self: &Arc<Peers>, ip: IpAddr, limit: usize) -> Option<Slot> {
        let mut map = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let count = map.entry(ip).or_insert(0);
        if *count >= limit {
            return None;
        }
        *count += 1;
        Some(Slot { peers: Arc::clone(self), ip })
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut map = self.peers.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(count) = map.get_mut(&self.ip) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                map.remove(&self.ip);
            }
        }
    }
}

/// Accepts connections until SIGTERM or Ctrl-C, then stops accepting, lets in-flight requests
/// finish (up to `limits.shutdown_grace`) and returns.
pub(crate) async fn serve(listener: TcpListener, server: Arc<Server>) -> std::io::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let peers = Arc::new(Peers::default());
    let open = Arc::new(tokio::sync::Semaphore::new(server.limits.max_connections));
    let limits = server.limits;
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors and the like: back off instead of spinning.
                    server.log.line(format!("accept failed: {e}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = terminate.recv() => break,
            _ = tokio::signal::ctrl_c() => break,
        };
        let Some(slot) = peers.take(peer.ip(), limits.max_per_peer) else {
            drop(stream);
            continue;
        };
        let Ok(permit) = Arc::clone(&open).try_acquire_owned() else {
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(stream);
        let handler = Arc::clone(&server);
        let service = hyper::service::service_fn(move |request: Request<Incoming>| {
            let handler = Arc::clone(&handler);
            async move {
                let method = request.method().clone();
                let shown = shown_path(request.uri().path());
                // Feeds, 404s and the like are answered at once, without awaiting anything: only
                // a page (its render) or a feed's text (inflating it) can wait, so only those
                // need the timer.
                let response = match handler.respond(&request, peer) {
                    Answer::Now(response) => response,
                    Answer::Inflate(inflate) => {
                        let inflated = inflate.run(&handler);
                        match tokio::time::timeout(handler.limits.request_timeout, inflated).await {
                            Ok(response) => response,
                            Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE, "timed out\n"),
                        }
                    }
                    Answer::Page(site, index) => {
                        let head = request.method() == Method::HEAD;
                        let page = handler.page(request.headers(), site, index);
                        match tokio::time::timeout(handler.limits.request_timeout, page).await {
                            Ok(response) => strip_for_head(response, head),
                            Err(_) => plain(StatusCode::SERVICE_UNAVAILABLE, "timed out\n"),
                        }
                    }
                };
                if !handler.quiet {
                    handler.log.line(format!("{method} {shown} {}", response.status().as_u16()));
                }
                Ok::<_, Infallible>(response)
            }
        });
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .max_buf_size(limits.max_header_bytes.max(8192))
            .max_headers(limits.max_headers)
            .keep_alive(true);
        let connection = graceful.watch(builder.serve_connection(io, service));
        tokio::spawn(async move {
            // A connection lives at most this long, however busy: a slow reader of a large feed
            // or a client that trickles requests is cut off.
            let _ = tokio::time::timeout(limits.connection_lifetime, connection).await;
            drop(permit);
            drop(slot);
        });
    }
    drop(listener);
    server.log.line("shutting down: finishing requests in flight".into());
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(limits.shutdown_grace) => {
            server.log.line("shutdown grace over: closing the rest".into());
        }
    }
    Ok(())
}

/// The path as logs show it: never a token.
fn shown_path(path: &str) -> &'static str {
    match path {
        "/healthz" => "/healthz",
        p if p.ends_with(".ics") => "/<token>.ics",
        _ => "/<token>",
    }
}

fn with_security_headers(mut response: Response<Full<Bytes>>) -> Response<Full<Bytes>> {
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(ROBOTS, HeaderValue::from_static("noindex, nofollow"));
    response
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    with_security_headers(response)
}

/// `Sun, 06 Nov 1994 08:49:37 GMT`.
pub(crate) fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc2822(text.trim()).ok().map(|t| t.with_timezone(&Utc))
}

/// Whether the client takes gzip: `gzip` listed with a non-zero quality.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|v| v.to_str().ok()).any(|value| {
        value.split(',').any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let name = parts.next().unwrap_or_default();
            let zero = parts.any(|p| {
                p.strip_prefix("q=").and_then(|q| q.parse::<f32>().ok()).is_some_and(|q| q <= 0.0)
            });
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !zero
        })
    })
}

/// If-None-Match (weak comparison, RFC 9110 §13.1.2), else If-Modified-Since.
fn not_modified(headers: &HeaderMap, etag: &HeaderValue, last_modified: DateTime<Utc>) -> bool {
    let mut tags = headers.get_all(header::IF_NONE_MATCH).iter().peekable();
    if tags.peek().is_some() {
        let bare = etag.as_bytes().strip_prefix(b"W/").unwrap_or(etag.as_bytes());
        return tags.filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/").as_bytes() == bare
        });
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_http_date)
        .is_some_and(|since| last_modified <= since)
}

impl Server {
    fn respond(&self, request: &Request<Incoming>, peer: SocketAddr) -> Answer {
        let _ = peer;
        let method = request.method();
        if method != Method::GET && method != Method::HEAD {
            let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "only GET and HEAD\n");
            response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return Answer::Now(response);
        }
        // GET and HEAD carry no body; one that comes with a body larger than the limit is refused.
        let length = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let chunked = request.headers().contains_key(header::TRANSFER_ENCODING);
        if chunked || length.is_some_and(|n| n > self.limits.max_body_bytes) {
            let mut response = plain(StatusCode::PAYLOAD_TOO_LARGE, "request body too large\n");
            response.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
            return Answer::Now(response);
        }
        let head = method == Method::HEAD;
        let path = request.uri().path();
        if path == "/healthz" {
            return Answer::Now(strip_for_head(plain(StatusCode::OK, "ok\n"), head));
        }
        let site = self.current.get();
        let trimmed = path.strip_prefix('/').unwrap_or(path);
        let (candidate, feed) = match trimmed.strip_suffix(".ics") {
            Some(token) => (token, true),
            None => (trimmed, false),
        };
        // Found or not, every path costs the same lookup (see `Site::lookup`).
        let found = site.lookup(candidate);
        let response = match found.and_then(|i| site.entries.get(i)) {
            Some(entry) if feed => match representation(
                request.headers(),
                &entry.feed,
                head,
                "text/calendar; charset=utf-8",
                "private, max-age=900",
            ) {
                Reply::Now(response) => response,
                Reply::Inflate(inflate) => return Answer::Inflate(inflate),
            },
            Some(_) => match found {
                Some(index) => return Answer::Page(site, index),
                None => plain(StatusCode::NOT_FOUND, NOT_FOUND),
            },
            None => plain(StatusCode::NOT_FOUND, NOT_FOUND),
        };
        Answer::Now(strip_for_head(response, head))
    }

    /// The base URL for a page's links: `--base`, else the request's `Host`.
    fn base_for(&self, headers: &HeaderMap) -> String {
        self.base.clone().unwrap_or_else(|| {
            let host = headers
                .get(header::HOST)
                .and_then(|v| v.to_str().ok())
                .filter(|h| h.bytes().all(|b| b.is_ascii_alphanumeric() || b".:-[]".contains(&b)))
                .unwrap_or("localhost");
            format!("http://{host}")
        })
    }

    /// The page of entry `index`: from the cache; else rendered once on a blocking thread while
    /// this request (and any other for the same page) waits up to [`PAGE_WAIT`]. A page past
    /// its `until` is served as it is while its next render runs.
    async fn page(
        self: &Arc<Self>,
        headers: &HeaderMap,
        site: Arc<Site>,
        index: usize,
    ) -> Response<Full<Bytes>> {
        let Some(cell) = site.pages.get(index) else {
            return plain(StatusCode::NOT_FOUND, NOT_FOUND);
        };
        let base = self.base_for(headers);
        let now = Utc::now();
        let ready = cell.ready.notified();
        tokio::pin!(ready);
        ready.as_mut().enable();
        // `Err`: a fresh page, answered once the lock is released.
        let decided = {
            let mut state = cell.lock();
            let same_base = state.page.as_ref().filter(|p| p.base == base).map(Arc::clone);
            match same_base {
                Some(page) if page.until.is_none_or(|until| until > now) => Err(page),
                stale => {
                    let start = !state.rendering
                        && self.renders.fetch_add(1, std::sync::atomic::Ordering::AcqRel)
                            < MAX_RENDERS;
                    if !state.rendering && !start {
                        self.renders.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
                    }
                    let waiting = state.rendering || start;
                    state.rendering |= start;
                    if !waiting && stale.is_none() {
                        // Two other pages are rendering and nobody renders this one: no wait
                        // would help.
                        drop(state);
                        return busy();
                    }
                    Ok((stale, start))
                }
            }
        };
        let (stale, start) = match decided {
            Ok(decided) => decided,
            Err(fresh) => return page_response(headers, &fresh).finish(self).await,
        };
        if start {
            let guard = Rendering { server: Arc::clone(self), site: Arc::clone(&site), index };
            let base = base.clone();
            drop(tokio::task::spawn_blocking(move || {
                let site = &guard.site;
                let started = std::time::Instant::now();
                let now = Utc::now();
                let rendered = site.entries.get(guard.index).and_then(|entry| {
                    let (html, until) = page::render(site, entry, &base, now);
                    Feed::of(html.into_bytes(), now).ok().map(|body| Page { body, until, base })
                });
                if let (Some(page), Some(cell)) = (rendered, site.pages.get(guard.index)) {
                    cell.lock().page = Some(Arc::new(page));
                }
                if !guard.server.quiet {
                    // Which page is not said: the log never names a member.
                    let ms = started.elapsed().as_millis();
                    guard.server.log.line(format!("rendered a page in {ms} ms"));
                }
                drop(guard);
            }));
        }
        if let Some(page) = stale {
            return page_response(headers, &page).finish(self).await;
        }
        let rendered = tokio::time::timeout(PAGE_WAIT, ready).await.is_ok();
        let page = cell.lock().page.as_ref().filter(|p| p.base == base).map(Arc::clone);
        match page {
            Some(page) if rendered || page.until.is_none_or(|until| until > now) => {
                page_response(headers, &page).finish(self).await
            }
            _ => busy(),
        }
    }
}

/// `503` with `Retry-After`: a page cannot be had in time.
fn busy() -> Response<Full<Bytes>> {
    let mut busy = plain(StatusCode::SERVICE_UNAVAILABLE, "busy: try again in a moment\n");
    busy.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    busy
}

/// A response, or one that waits for its body's text.
enum Reply {
    Now(Response<Full<Bytes>>),
    Inflate(Inflate),
}

impl Reply {
    async fn finish(self, server: &Server) -> Response<Full<Bytes>> {
        match self {
            Reply::Now(response) => response,
            Reply::Inflate(inflate) => inflate.run(server).await,
        }
    }
}

/// A `200` for a client without gzip: every header set, the body still to be inflated from the
/// gzip bytes, on a blocking thread (at most [`MAX_INFLATES`] at once).
struct Inflate {
    response: Response<Full<Bytes>>,
    feed: Feed,
}

impl Inflate {
    async fn run(self, server: &Server) -> Response<Full<Bytes>> {
        let Inflate { mut response, feed } = self;
        let Ok(_turn) = server.inflates.acquire().await else {
            return plain(StatusCode::SERVICE_UNAVAILABLE, "shutting down\n");
        };
        match tokio::task::spawn_blocking(move || feed.plain()).await {
            Ok(Ok(text)) => {
                *response.body_mut() = Full::new(text);
                response
            }
            _ => plain(StatusCode::INTERNAL_SERVER_ERROR, "cannot read the feed\n"),
        }
    }
}

/// A cached page with its validators (`304` for a browser that has it).
fn page_response(headers: &HeaderMap, page: &Page) -> Reply {
    representation(headers, &page.body, false, "text/html; charset=utf-8", "private, no-cache")
}

/// A feed or a page: `304` when the client holds it, else its bytes (gzip, or inflated for a
/// client without gzip), with `ETag`, `Last-Modified`, `Cache-Control` and `Vary`.
fn representation(
    headers: &HeaderMap,
    feed: &Feed,
    head: bool,
    content_type: &'static str,
    cache_control: &'static str,
) -> Reply {
    let gzip = accepts_gzip(headers);
    let (etag, other) = if gzip {
        (&feed.gzip.etag, &feed.plain_etag)
    } else {
        (&feed.plain_etag, &feed.gzip.etag)
    };
    let last_modified = feed.last_modified;
    // A client that cached the other encoding holds the same calendar.
    let fresh = not_modified(headers, etag, last_modified)
        || (headers.contains_key(header::IF_NONE_MATCH)
            && not_modified(headers, other, last_modified));
    // The text is inflated later, off the serving thread; the body stays empty until then.
    let inflate = !fresh && !gzip && !head;
    let mut response = if fresh {
        let mut r = Response::new(Full::new(Bytes::new()));
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let (bytes, length) = match (gzip, head) {
            (true, _) => (feed.gzip.bytes.clone(), feed.gzip.bytes.len() as u64),
            (false, _) => (Bytes::new(), feed.plain_len),
        };
        let mut r = Response::new(Full::new(bytes));
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        r.headers_mut().insert(header::CONTENT_LENGTH, HeaderValue::from(length));
        if gzip {
            r.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    };
    let h = response.headers_mut();
    h.reserve(12);
    h.insert(header::ETAG, etag.clone());
    h.insert(header::LAST_MODIFIED, feed.last_modified_header.clone());
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    let response = with_security_headers(response);
    if inflate {
        Reply::Inflate(Inflate { response, feed: feed.clone() })
    } else {
        Reply::Now(response)
    }
}

/// HEAD: every header GET would send (Content-Length included), no body.
fn strip_for_head(response: Response<Full<Bytes>>, head: bool) -> Response<Full<Bytes>> {
    if !head {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let length = http_body_util::BodyExt::boxed(body);
    let size = hyper::body::Body::size_hint(&length).exact().unwrap_or(0);
    if parts.status != StatusCode::NOT_MODIFIED
        && !parts.headers.contains_key(header::CONTENT_LENGTH)
    {
        parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    }
    Response::from_parts(parts, Full::new(Bytes::new()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_round_trip_in_the_imf_fixdate_form() {
        // RFC 9110 §5.6.7's example.
        let text = "Sun, 06 Nov 1994 08:49:37 GMT";
        let parsed = parse_http_date(text);
        assert_eq!(parsed.map(http_date).as_deref(), Some(text));
    }

    #[test]
    fn gzip_is_accepted_unless_its_quality_is_zero() {
        let with = |value: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, gzip;q=0.5"));
        assert!(!with("gzip;q=0"));
        assert!(!with("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
