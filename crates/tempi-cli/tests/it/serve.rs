//! `tempi serve` as a process on a loopback port, spoken to over TCP with a tiny HTTP/1.1 client
//! (every read has a timeout and every wait loop a bound).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const BASE: &str = "http://example.test";
/// Ana, as examples/community.toml names her.
pub(super) const ANA: &str = "Ana Souza";

pub(super) fn sample() -> String {
    std::fs::read_to_string(
        [env!("CARGO_MANIFEST_DIR"), "..", "..", "examples", "community.toml"]
            .iter()
            .collect::<PathBuf>(),
    )
    .unwrap()
}

/// A fresh directory holding `c.toml` (the sample) and room for `state/`.
pub(super) fn scratch(name: &str) -> PathBuf {
    let dir = super::files::scratch(&format!("serve-it-{name}"));
    std::fs::write(dir.join("c.toml"), sample()).unwrap();
    dir
}

pub(super) struct Server {
    child: Child,
    pub(super) addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Server {
    fn start(dir: &Path, extra: &[&str]) -> Server {
        Server::start_with(dir, Some(BASE), extra)
    }

    /// The server on `dir/c.toml`, with `--base base` (without: links are made from `Host`).
    pub(super) fn start_with(dir: &Path, base: Option<&str>, extra: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tempi"))
            .arg("serve")
            .arg(dir.join("c.toml"))
            .arg("--state")
            .arg(dir.join("state"))
            .args(["--listen", "127.0.0.1:0"])
            .args(base.map(|b| ["--base", b]).into_iter().flatten())
            .args(extra)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut first = String::new();
        stderr.read_line(&mut first).unwrap();
        let addr = first
            .trim()
            .strip_prefix("listening on http://")
            .unwrap_or_else(|| panic!("first line: {first:?}"))
            .parse()
            .unwrap();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut line = String::new();
            while stderr.read_line(&mut line).is_ok_and(|n| n > 0) {
                sink.lock().unwrap().push_str(&line);
                line.clear();
            }
        });
        Server { child, addr, log }
    }

    pub(super) fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits (at most 10 s) until the log holds `needle`.
    pub(super) fn wait_for_log(&self, needle: &str) -> bool {
        wait(|| self.log().contains(needle))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Polls `condition` every 50 ms for at most 60 s (a hang guard: it returns as soon as the
/// condition holds, and a loaded machine may take seconds to re-plan).
pub(super) fn wait(mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if condition() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

/// `kind<TAB>id<TAB>feed<TAB>page` lines of `--print-links`, or `--rotate`'s one line.
fn tempi_serve(dir: &Path, extra: &[&str]) -> Vec<Vec<String>> {
    tempi_serve_at(dir, BASE, extra)
}

/// [`tempi_serve`] with `--base base`.
pub(super) fn tempi_serve_at(dir: &Path, base: &str, extra: &[&str]) -> Vec<Vec<String>> {
    let output = Command::new(env!("CARGO_BIN_EXE_tempi"))
        .arg("serve")
        .arg(dir.join("c.toml"))
        .arg("--state")
        .arg(dir.join("state"))
        .args(["--base", base])
        .args(extra)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| l.split('\t').map(String::from).collect())
        .collect()
}

/// The path (after BASE) of `kind` `id`'s feed and page.
fn paths(dir: &Path, kind: &str, id: &str) -> (String, String) {
    let links = tempi_serve(dir, &["--print-links"]);
    let line = links.iter().find(|l| l[0] == kind && l[1] == id).unwrap();
    (line[2].strip_prefix(BASE).unwrap().into(), line[3].strip_prefix(BASE).unwrap().into())
}

#[derive(Debug)]
pub(super) struct Reply {
    pub(super) status: u16,
    headers: Vec<(String, String)>,
    pub(super) body: Vec<u8>,
}

impl Reply {
    pub(super) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends `method path` with `headers`, `Connection: close`, and reads the whole answer.
pub(super) fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (name, value) in headers {
        text.push_str(&format!("{name}: {value}\r\n"));
    }
    text.push_str("\r\n");
    stream.write_all(text.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let split = raw.windows(4).position(|w| w == b"\r\n\r\n").expect("a header block");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines.next().unwrap().split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_ascii_lowercase(), v.trim().to_string())
        })
        .collect();
    Reply { status, headers, body: raw[split + 4..].to_vec() }
}

#[track_caller]
fn assert_security_headers(reply: &Reply) {
    let csp = reply.header("content-security-policy").unwrap_or_default();
    assert!(csp.contains("default-src 'none'") && !csp.contains("script"), "{csp}");
    assert_eq!(reply.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(reply.header("referrer-policy"), Some("no-referrer"));
}

#[test]
fn serve_gives_feeds_pages_and_health_with_the_right_headers() {
    let dir = scratch("basics");
    let server = Server::start(&dir, &[]);
    let (feed, page) = paths(&dir, "member", "ana");
    // Tokens: 32 base32 characters, nothing of the id in them.
    let token = page.trim_start_matches('/');
    assert_eq!(token.len(), 32, "{token}");
    assert!(!token.contains("ana"));

    let reply = request(server.addr, "GET", &feed, &[]);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-type"), Some("text/calendar; charset=utf-8"));
    assert!(reply.header("cache-control").is_some());
    assert!(reply.body.starts_with(b"BEGIN:VCALENDAR\r\n"));
    assert_eq!(reply.header("content-length"), Some(reply.body.len().to_string().as_str()));
    assert_security_headers(&reply);

    let html = request(server.addr, "GET", &page, &[]);
    assert_eq!(html.status, 200);
    assert_eq!(html.header("content-type"), Some("text/html; charset=utf-8"));
    let text = String::from_utf8(html.body.clone()).unwrap();
    assert!(text.contains(&format!("<h1>{ANA}</h1>")), "{text}");
    assert!(!text.contains("<script"), "no script");
    // The subscribe links carry the feed's address, as webcal:// and as a download.
    assert!(text.contains(&format!("webcal://example.test{feed}")), "{text}");
    assert!(text.contains(&format!("href=\"{BASE}{feed}\" download")), "{text}");
    assert_security_headers(&html);

    let health = request(server.addr, "GET", "/healthz", &[]);
    assert_eq!((health.status, health.body.as_slice()), (200, b"ok\n".as_slice()));
    assert_security_headers(&health);

    // No token in the log, only its shape.
    assert!(server.wait_for_log("GET /<token>.ics 200"), "{}", server.log());
    assert!(!server.log().contains(token), "{}", server.log());
}

#[test]
fn a_wrong_token_and_an_unknown_path_get_the_same_404() {
    let dir = scratch("not-found");
    let server = Server::start(&dir, &[]);
    let (feed, page) = paths(&dir, "member", "ana");
    // One character changed: a near miss.
    let mut near = page.clone();
    let last = near.pop().unwrap();
    near.push(if last == 'a' { 'b' } else { 'a' });
    let probes = [
        format!("{near}.ics"),
        near.clone(),
        "/".to_string(),
        "/nope".to_string(),
        "/members/ana.ics".to_string(),
        "/../state/key".to_string(),
        format!("{page}/"),
        format!("{feed}x"),
    ];
    let mut answers = Vec::new();
    for probe in &probes {
        let reply = request(server.addr, "GET", probe, &[]);
        assert_eq!(reply.status, 404, "{probe}");
        assert_security_headers(&reply);
        let mut headers = reply.headers.clone();
        headers.retain(|(name, _)| name != "date");
        answers.push((headers, reply.body));
    }
    assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
}

#[test]
fn conditional_requests_head_and_gzip() {
    let dir = scratch("http");
    let server = Server::start(&dir, &[]);
    let (feed, _) = paths(&dir, "community", "riverbend");
    let full = request(server.addr, "GET", &feed, &[]);
    let etag = full.header("etag").unwrap().to_string();
    let modified = full.header("last-modified").unwrap().to_string();
    // Strong: quoted, no W/.
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");

    let not_modified = request(server.addr, "GET", &feed, &[("If-None-Match", &etag)]);
    assert_eq!(not_modified.status, 304);
    assert!(not_modified.body.is_empty());
    assert_eq!(not_modified.header("etag"), Some(etag.as_str()));
    let listed = format!("\"nope\", {etag}");
    assert_eq!(request(server.addr, "GET", &feed, &[("If-None-Match", &listed)]).status, 304);
    assert_eq!(request(server.addr, "GET", &feed, &[("If-None-Match", "\"other\"")]).status, 200);
    let since = request(server.addr, "GET", &feed, &[("If-Modified-Since", &modified)]);
    assert_eq!(since.status, 304);
    let old = "Mon, 01 Jan 1990 00:00:00 GMT";
    assert_eq!(request(server.addr, "GET", &feed, &[("If-Modified-Since", old)]).status, 200);

    let head = request(server.addr, "HEAD", &feed, &[]);
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
    assert_eq!(head.header("content-length"), Some(full.body.len().to_string().as_str()));
    assert_eq!(head.header("etag"), Some(etag.as_str()));

    let gz = request(server.addr, "GET", &feed, &[("Accept-Encoding", "gzip, br")]);
    assert_eq!(gz.header("content-encoding"), Some("gzip"));
    assert_eq!(gz.header("vary"), Some("Accept-Encoding"));
    assert!(gz.body.starts_with(&[0x1f, 0x8b]), "gzip magic");
    assert!(gz.body.len() < full.body.len() / 2, "a calendar compresses well");
    assert_ne!(gz.header("etag"), Some(etag.as_str()), "each encoding has its own validator");
    let gz_etag = gz.header("etag").unwrap().to_string();
    let revalidated = request(
        server.addr,
        "GET",
        &feed,
        &[("Accept-Encoding", "gzip"), ("If-None-Match", &gz_etag)],
    );
    assert_eq!(revalidated.status, 304);
    // The system's gzip reads it back to the plain feed.
    let mut gunzip = Command::new("gzip")
        .arg("-dc")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    gunzip.stdin.take().unwrap().write_all(&gz.body).unwrap();
    let plain = gunzip.wait_with_output().unwrap();
    assert_eq!(plain.stdout, full.body);
}

#[test]
fn methods_bodies_and_huge_headers_are_refused() {
    let dir = scratch("refuse");
    let server = Server::start(&dir, &[]);
    let (feed, _) = paths(&dir, "member", "ana");
    let post = request(server.addr, "POST", &feed, &[("Content-Length", "0")]);
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    assert_security_headers(&post);
    // A body on a GET: refused before it is read.
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    stream
        .write_all(
            format!("GET {feed} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello").as_bytes(),
        )
        .unwrap();
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    assert_eq!(parse(&raw).status, 413);
    // 64 KiB of headers, four times the 16 KiB limit.
    let big = "x".repeat(64 * 1024);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let _ =
        stream.write_all(format!("GET / HTTP/1.1\r\nHost: x\r\nX-Big: {big}\r\n\r\n").as_bytes());
    let mut raw = Vec::new();
    let _ = stream.read_to_end(&mut raw);
    assert!(
        raw.starts_with(b"HTTP/1.1 431"),
        "{}",
        String::from_utf8_lossy(&raw[..raw.len().min(200)])
    );
}

#[test]
fn an_edit_shows_up_and_a_bad_edit_keeps_the_last_good_plan() {
    let dir = scratch("edit");
    let server = Server::start(&dir, &[]);
    let (_, page) = paths(&dir, "member", "ana");
    let before = request(server.addr, "GET", &page, &[]);
    assert!(String::from_utf8_lossy(&before.body).contains(ANA));

    std::fs::write(dir.join("c.toml"), sample().replace(ANA, "Ana Lima")).unwrap();
    let page_says = |name: &str| {
        String::from_utf8_lossy(&request(server.addr, "GET", &page, &[]).body)
            .contains(&format!("<h1>{name}</h1>"))
    };
    assert!(wait(|| page_says("Ana Lima")), "the edit never showed: {}", server.log());

    // Line 3 becomes `zone = 7`: an error at c.toml:3.
    let mut lines: Vec<String> =
        sample().replace(ANA, "Ana Lima").lines().map(String::from).collect();
    let zone_line = lines.iter().position(|l| l.starts_with("zone =")).unwrap();
    lines[zone_line] = "zone = 7".into();
    std::fs::write(dir.join("c.toml"), lines.join("\n")).unwrap();
    let located = format!("c.toml:{}:", zone_line + 1);
    assert!(server.wait_for_log(&located), "no located error: {}", server.log());
    assert!(server.log().contains("keeping the last good plan"));
    assert!(page_says("Ana Lima"), "still the last good plan");
}

#[test]
fn rotation_revokes_one_url_and_prints_its_replacement() {
    let dir = scratch("rotate");
    let server = Server::start(&dir, &[]);
    let (old_feed, _) = paths(&dir, "member", "ana");
    let (bram_feed, _) = paths(&dir, "member", "bram");
    assert_eq!(request(server.addr, "GET", &old_feed, &[]).status, 200);
    let rotated = tempi_serve(&dir, &["--rotate", "ana"]);
    assert_eq!(rotated.len(), 1);
    assert_eq!(&rotated[0][..2], &["member".to_string(), "ana".to_string()]);
    let new_feed = rotated[0][2].strip_prefix(BASE).unwrap().to_string();
    assert_ne!(new_feed, old_feed);
    assert_eq!(paths(&dir, "member", "ana").0, new_feed, "--print-links agrees");
    // The running server picks the rotation up.
    assert!(wait(|| request(server.addr, "GET", &old_feed, &[]).status == 404));
    assert_eq!(request(server.addr, "GET", &new_feed, &[]).status, 200);
    assert_eq!(request(server.addr, "GET", &bram_feed, &[]).status, 200, "others keep theirs");
    // The key is private to its owner.
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("state").join("key")).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
}

#[test]
fn two_hundred_concurrent_conditional_requests_all_get_304() {
    let dir = scratch("concurrent");
    let server = Server::start(&dir, &["--max-per-peer", "256"]);
    let (feed, _) = paths(&dir, "community", "riverbend");
    let etag = request(server.addr, "GET", &feed, &[]).header("etag").unwrap().to_string();
    let addr = server.addr;
    let threads: Vec<_> = (0..200)
        .map(|_| {
            let (feed, etag) = (feed.clone(), etag.clone());
            std::thread::spawn(move || {
                request(addr, "GET", &feed, &[("If-None-Match", &etag)]).status
            })
        })
        .collect();
    let statuses: Vec<u16> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(statuses.iter().all(|s| *s == 304), "{statuses:?}");
}

#[test]
fn slow_clients_and_crowds_from_one_peer_are_cut_off() {
    let dir = scratch("limits");
    let server = Server::start(&dir, &["--header-timeout", "1", "--max-per-peer", "2"]);
    // Slowloris: half a request line, then nothing. Cut off after the 1 s header timeout.
    // The read timeout (far above the server's 1 s, so a loaded machine cannot fail it) is the
    // bound: a server that keeps the connection open makes `read_to_end` time out with an error.
    let mut slow = TcpStream::connect(server.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n").unwrap();
    let mut buffer = Vec::new();
    let closed = slow.read_to_end(&mut buffer);
    assert!(closed.is_ok(), "the slow client was not cut off: {closed:?}");
    // Idle: one request answered on a kept-alive connection, then silence: closed too.
    let mut idle = TcpStream::connect(server.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
    let mut first = [0u8; 12];
    idle.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"HTTP/1.1 200");
    let mut rest = Vec::new();
    assert!(idle.read_to_end(&mut rest).is_ok(), "closed, not timed out");
    drop(idle);
    // Two idle connections use up the peer's share; a third is closed unanswered.
    let _a = TcpStream::connect(server.addr).unwrap();
    let _b = TcpStream::connect(server.addr).unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let mut third = TcpStream::connect(server.addr).unwrap();
    third.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = third.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
    let mut raw = Vec::new();
    let _ = third.read_to_end(&mut raw);
    assert!(raw.is_empty(), "{}", String::from_utf8_lossy(&raw));
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let dir = scratch("term");
    let mut server = Server::start(&dir, &[]);
    assert_eq!(request(server.addr, "GET", "/healthz", &[]).status, 200);
    let status =
        Command::new("kill").args(["-TERM", &server.child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut code = None;
    assert!(wait(|| {
        code = server.child.try_wait().unwrap();
        code.is_some()
    }));
    assert_eq!(code.and_then(|c| c.code()), Some(0));
    assert!(server.wait_for_log("shutting down"), "{}", server.log());
}

#[test]
fn a_page_is_rendered_once_per_plan_and_revalidates_with_304() {
    let dir = scratch("page-cache");
    let server = Server::start(&dir, &["--max-per-peer", "64"]);
    let (_, page) = paths(&dir, "member", "ana");
    // Twenty browsers ask for the page at once: each gets it (none a 503), all the same bytes,
    // because one render is shared.
    let addr = server.addr;
    let threads: Vec<_> = (0..20)
        .map(|_| {
            let page = page.clone();
            std::thread::spawn(move || request(addr, "GET", &page, &[]))
        })
        .collect();
    let replies: Vec<Reply> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(replies.iter().all(|r| r.status == 200), "{:?}", replies.iter().map(|r| r.status));
    let etag = replies[0].header("etag").unwrap().to_string();
    assert!(
        replies
            .iter()
            .all(|r| r.header("etag") == Some(etag.as_str()) && r.body == replies[0].body)
    );
    let again = request(server.addr, "GET", &page, &[("If-None-Match", &etag)]);
    assert_eq!(again.status, 304);
    // One render served all twenty-one requests.
    assert!(server.wait_for_log("GET /<token> 304"), "{}", server.log());
    assert_eq!(server.log().matches("rendered a page in").count(), 1, "{}", server.log());
    assert_security_headers(&again);
    // An edit makes a new plan: the page is rendered again, with the edit.
    std::fs::write(dir.join("c.toml"), sample().replace(ANA, "Ana Lima")).unwrap();
    assert!(wait(|| request(server.addr, "GET", &page, &[("If-None-Match", &etag)]).status == 200));
    let fresh = request(server.addr, "GET", &page, &[]);
    assert!(String::from_utf8_lossy(&fresh.body).contains("<h1>Ana Lima</h1>"));
    assert_ne!(fresh.header("etag"), Some(etag.as_str()));
}

/// A pod of two whose weekly check-in the solver places (`at = "auto"`) inside their shared
/// mornings; Ana's busy calendar is `ana.ics` beside the file.
fn auto_pod(today: &str) -> String {
    let mornings = "availability = [\"mon-fri 09:00-12:00\"]";
    super::community_toml::community("harbour", "Harbour", "UTC", today)
        .member("ana", ANA, "UTC", &[mornings, "busy = [\"ana.ics\"]"])
        .member("bram", "Bram de Vries", "UTC", &[mornings])
        .group("pod", "Pod", "dyad", &["ana", "bram"])
        .rhythm(
            ("checkin", "Check-in"),
            "pod",
            "relational",
            &["cadence = \"weekly on tue\"", "at = \"auto\"", "length = \"1h\""],
        )
        .text()
}

/// A busy calendar: no events, or one weekly event of an hour from `start` (`YYYYMMDDTHHMMSSZ`).
fn busy_calendar(start: Option<&str>) -> String {
    let mut text = String::from("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//tempi tests//EN\r\n");
    if let Some(start) = start {
        text.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:blocked@tempi.test\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start}\r\nDURATION:PT1H\r\nRRULE:FREQ=WEEKLY;COUNT=80\r\nSUMMARY:choir\r\nEND:VEVENT\r\n"
        ));
    }
    text.push_str("END:VCALENDAR\r\n");
    text
}

/// The first `DTSTART` of a feed, as UTC `YYYYMMDDTHHMMSSZ`.
fn first_start(feed: &[u8]) -> String {
    let text = String::from_utf8_lossy(feed);
    let event = &text[text.find("BEGIN:VEVENT").expect("an event")..];
    let line = event.lines().find(|l| l.starts_with("DTSTART")).expect("a start");
    let value = line.rsplit(':').next().unwrap().trim();
    // The community's zone is UTC: `TZID=UTC` local times are UTC times.
    let value = if line.contains("TZID=UTC:") { format!("{value}Z") } else { value.to_string() };
    assert!(value.ends_with('Z') && value.len() == 16, "a UTC time: {line}");
    value
}

#[test]
fn an_edit_of_a_busy_calendar_moves_an_auto_rhythm() {
    let dir = scratch("busy");
    let today = tempi::chrono::Utc::now().date_naive().to_string();
    std::fs::write(dir.join("c.toml"), auto_pod(&today)).unwrap();
    std::fs::write(dir.join("ana.ics"), busy_calendar(None)).unwrap();
    let server = Server::start(&dir, &[]);
    let (feed, page) = paths(&dir, "member", "ana");
    let before = request(server.addr, "GET", &feed, &[]);
    assert_eq!(before.status, 200);
    let etag = before.header("etag").unwrap().to_string();
    let placed = first_start(&before.body);
    // Ana now sings in a choir at exactly that hour every week: the check-in must move.
    std::fs::write(dir.join("ana.ics"), busy_calendar(Some(&placed))).unwrap();
    assert!(
        wait(|| request(server.addr, "GET", &feed, &[("If-None-Match", &etag)]).status == 200),
        "the feed never changed: {}",
        server.log()
    );
    let after = request(server.addr, "GET", &feed, &[]);
    assert_ne!(after.header("etag"), Some(etag.as_str()));
    let moved = first_start(&after.body);
    // Same day of the week, another hour that does not overlap the choir's (both last an hour).
    let hour = |t: &str| t[9..11].parse::<i32>().unwrap() * 60 + t[11..13].parse::<i32>().unwrap();
    assert!((hour(&moved) - hour(&placed)).abs() >= 60, "{placed} -> {moved}");
    // The page shows the new time (Ana's zone is UTC): HH:MM of the moved start.
    let html = String::from_utf8_lossy(&request(server.addr, "GET", &page, &[]).body).into_owned();
    let shown = format!("{}:{}", &moved[9..11], &moved[11..13]);
    let next = &html[html.find("<ol id=\"next\">").unwrap()..];
    let first = &next[..next.find("</li>").unwrap()];
    assert!(first.contains(&format!(", {shown} –")), "{shown}: {first}");
    assert!(server.log().contains("planned again"), "{}", server.log());
}

/// docs/serve.md's nginx example passes `nginx -t`: the block as printed, inside a minimal
/// `nginx.conf`, with a fresh self-signed certificate in place of the Let's Encrypt paths.
#[test]
#[ignore = "needs nginx; run scripts/ci-setup-nginx.sh"]
fn the_nginx_example_in_the_docs_passes_nginx_t() {
    let docs = std::fs::read_to_string(
        [env!("CARGO_MANIFEST_DIR"), "..", "..", "docs", "serve.md"].iter().collect::<PathBuf>(),
    )
    .unwrap();
    let start = docs.find("```nginx\n").expect("an nginx example") + "```nginx\n".len();
    let block = &docs[start..start + docs[start..].find("```").unwrap()];
    let dir = scratch("nginx");
    let (cert, key) = (dir.join("fullchain.pem"), dir.join("privkey.pem"));
    let made = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj"])
        .arg("/CN=cal.example.org")
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let block = block
        .replace("/etc/letsencrypt/live/cal.example.org/fullchain.pem", &cert.display().to_string())
        .replace("/etc/letsencrypt/live/cal.example.org/privkey.pem", &key.display().to_string());
    assert!(!block.contains("/etc/letsencrypt"), "every certificate path replaced: {block}");
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            "pid {pid};\nerror_log {log};\nevents {{}}\nhttp {{\n{block}}}\n",
            pid = dir.join("nginx.pid").display(),
            log = dir.join("error.log").display()
        ),
    )
    .unwrap();
    let checked = Command::new("nginx")
        .arg("-t")
        .arg("-p")
        .arg(&dir)
        .arg("-c")
        .arg(&conf)
        .output()
        .expect("nginx is installed");
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "{said}");
    assert!(said.contains("syntax is ok") && said.contains("test is successful"), "{said}");
}

/// A community of more than 40 groups gets a summary of its groups on its page, not a year
/// picture with a lane per group (4,441 lanes took 8 s for the 20,000-member organisation).
#[test]
fn a_large_communitys_page_summarises_its_groups() {
    let dir = scratch("large");
    let members = 300;
    let text = super::synth::generate(members, 1);
    let groups = text.matches("[[groups]]").count();
    assert!(groups > 40, "{groups} groups: not a large community");
    std::fs::write(dir.join("c.toml"), &text).unwrap();
    let server = Server::start(&dir, &[]);
    let links = tempi_serve(&dir, &["--print-links"]);
    let community = links.iter().find(|l| l[0] == "community").unwrap();
    let page = community[3].strip_prefix(BASE).unwrap();
    let reply = request(server.addr, "GET", page, &[]);
    assert_eq!(reply.status, 200, "{}", server.log());
    let html = String::from_utf8(reply.body).unwrap();
    assert!(!html.contains("<svg"), "no picture of {groups} lanes");
    assert!(
        html.contains(&format!("<p id=\"groups\">{members} members in {groups} groups: ")),
        "{html}"
    );
    // Readable on a phone: a few kilobytes, not megabytes.
    assert!(html.len() < 20_000, "{} bytes", html.len());
    // A member's page still draws their year.
    let member = links.iter().find(|l| l[0] == "member").unwrap();
    let mine = request(server.addr, "GET", member[3].strip_prefix(BASE).unwrap(), &[]);
    assert!(String::from_utf8_lossy(&mine.body).contains("<svg"));
}
