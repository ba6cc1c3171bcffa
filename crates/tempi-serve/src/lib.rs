//! `tempi serve`: a community's feeds and pages at secret URLs, fresh from the plan.
//!
//! - Every member, group and the community has an unguessable URL token (see [`state`]).
//! - The plan covers a rolling window (by default 30 days back to 13 months ahead) and is made
//!   again in the background when the day turns, the community file changes or a URL is rotated.
//! - Every feed is rendered once per plan (with `tempi::ical::export::Publication`), gzipped once
//!   and hashed once; requests share those bytes behind an `Arc`, so memory stays flat under any
//!   number of requests and no request plans or renders a feed.
//! - Pages are rendered on their first request, once per plan (concurrent requests wait for that
//!   one render, for a bounded time), and shared like the feeds.
//! - Busy calendars the file names are watched like the file: an edit plans again.
//!
//! See docs/serve.md.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tempi::chrono::Utc;

mod http;
mod page;
mod planner;
mod site;
pub mod state;

pub use planner::Span;
use state::{Kind, State};

/// What can stop the server or a command.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The state directory (the key, the rotations).
    #[error("{0}")]
    State(String),
    /// Reading or planning the community file: the located errors.
    #[error("{0}")]
    Plan(String),
    /// Binding or running the server.
    #[error("{0}")]
    Io(String),
    /// A `--rotate` id the community does not have, or has twice.
    #[error("{0}")]
    Usage(String),
}

/// The server's limits.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// The request line plus headers, in bytes (hyper's read buffer; at least 8192).
    pub max_header_bytes: usize,
    /// The most header fields in one request.
    pub max_headers: usize,
    /// The largest request body (GET and HEAD need none).
    pub max_body_bytes: u64,
    /// Time to send a request's headers, and to start the next one on a kept-alive connection:
    /// a client that trickles its headers (slowloris) or idles is cut off after it.
    pub header_timeout: Duration,
    /// Time to answer one request.
    pub request_timeout: Duration,
    /// The longest a connection stays open, however busy.
    pub connection_lifetime: Duration,
    /// Open connections from one peer address.
    pub max_per_peer: usize,
    /// Open connections in all.
    pub max_connections: usize,
    /// How long shutdown waits for requests in flight.
    pub shutdown_grace: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_header_bytes: 16 * 1024,
            max_headers: 64,
            max_body_bytes: 0,
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(10),
            connection_lifetime: Duration::from_secs(300),
            max_per_peer: 64,
            max_connections: 4096,
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

/// What `tempi serve` was asked to do.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Options {
    /// The community file.
    pub file: PathBuf,
    /// The state directory: the key and the rotation counters.
    pub state: PathBuf,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The public base URL (`https://cal.example.org`), for links on pages and `--print-links`.
    pub base: Option<String>,
    /// The rolling window.
    pub span: Span,
    /// The server's limits.
    pub limits: Limits,
    /// How often the planner looks at the file and the clock.
    pub poll: Duration,
    /// Log no requests.
    pub quiet: bool,
}

impl Options {
    /// Defaults for `file` and `state`: listen on 127.0.0.1:8080, 30 days back, 13 months ahead.
    pub fn new(file: PathBuf, state: PathBuf) -> Options {
        Options {
            file,
            state,
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base: None,
            span: Span { past_days: 30, ahead_months: 13 },
            limits: Limits::default(),
            poll: Duration::from_secs(1),
            quiet: false,
        }
    }
}

/// The server's log: lines go through a channel to the thread that owns stderr (the caller's
/// writer), never the thread that answers requests. Never a token or member data. A full
/// channel drops the line rather than slow a request down. `None` says the server stopped.
#[derive(Debug, Clone)]
pub(crate) struct Log(tokio::sync::mpsc::Sender<Option<String>>);

impl Log {
    pub(crate) fn line(&self, line: String) {
        let _ = self.0.try_send(Some(line));
    }
}

/// Tells the log's writer that the server stopped, also when it panicked.
struct Stopped(tokio::sync::mpsc::Sender<Option<String>>);

impl Drop for Stopped {
    fn drop(&mut self) {
        // Outside the runtime (after `block_on`): waits for room behind the last lines.
        let _ = self.0.blocking_send(None);
    }
}

fn base_of(options: &Options) -> Result<String, Error> {
    let base = options.base.as_deref().ok_or_else(|| {
        Error::Usage("--print-links needs --base URL, e.g. --base https://cal.example.org".into())
    })?;
    Ok(base.trim_end_matches('/').to_string())
}

/// `--print-links`: `kind<TAB>id<TAB>feed_url<TAB>page_url` for the community, each group and
/// each member, in the community's order.
///
/// # Errors
/// No `--base`, a bad state directory, or a community file with errors.
pub fn print_links(options: &Options, out: &mut dyn Write) -> Result<(), Error> {
    let base = base_of(options)?;
    let state = State::open(&options.state)?;
    let (site, _) = planner::build(&options.file, options.span, &state, None, Utc::now())?;
    for entry in &site.entries {
        writeln!(
            out,
            "{}\t{}\t{base}/{token}.ics\t{base}/{token}",
            entry.kind.label(),
            entry.id,
            token = entry.token
        )
        .map_err(|e| Error::Io(format!("cannot write the links: {e}")))?;
    }
    Ok(())
}

/// `--rotate ID` (or `KIND:ID`): revokes one URL and prints the replacement line, as
/// `--print-links` would print it (with `--base`) or the bare token.
///
/// # Errors
/// An id the community does not have, or has as more than one kind; a bad state directory.
pub fn rotate(options: &Options, id: &str, out: &mut dyn Write) -> Result<(), Error> {
    let mut state = State::open(&options.state)?;
    let (site, _) = planner::build(&options.file, options.span, &state, None, Utc::now())?;
    let (wanted_kind, wanted_id) = match id.split_once(':') {
        Some((kind, rest)) if ["community", "group", "member"].contains(&kind) => {
            (Some(kind), rest)
        }
        _ => (None, id),
    };
    let matches: Vec<Kind> = site
        .entries
        .iter()
        .filter(|e| e.id == wanted_id && wanted_kind.is_none_or(|k| k == e.kind.label()))
        .map(|e| e.kind)
        .collect();
    let kind = match matches.as_slice() {
        [kind] => *kind,
        [] => {
            return Err(Error::Usage(format!(
                "--rotate: no community, group or member has the id `{wanted_id}`"
            )));
        }
        _ => {
            return Err(Error::Usage(format!(
                "--rotate: `{wanted_id}` is the id of more than one of community, group and member; say which, e.g. `member:{wanted_id}`"
            )));
        }
    };
    let token = state.rotate(kind, wanted_id)?;
    let line = match options.base.as_deref() {
        Some(base) => {
            let base = base.trim_end_matches('/');
            format!("{}\t{wanted_id}\t{base}/{token}.ics\t{base}/{token}", kind.label())
        }
        None => format!("{}\t{wanted_id}\t{token}", kind.label()),
    };
    writeln!(out, "{line}").map_err(|e| Error::Io(format!("cannot write: {e}")))
}

/// Binds with a backlog of 4096 (the kernel caps it at `net.core.somaxconn`): with tokio's
/// default of 1024, a thousand subscribers connecting at once overflowed the accept queue and
/// some connections were reset on their first request.
fn listen(address: SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket = if address.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(4096)
}

/// Plans, binds, writes `listening on http://ADDR` as the first line on `err`, and serves until
/// SIGTERM or Ctrl-C; requests in flight then finish. The log goes to `err`.
///
/// One thread answers every request, on tokio's current-thread runtime: its run queue is one
/// FIFO, so a thousand subscribers are answered in turn. The multi-thread runtime's worker
/// queue holds 256 tasks and spills the rest to a global queue that it visits only every few
/// dozen tasks: under a thousand polling subscribers most answers took 7 ms and one in ten
/// over 100 ms (docs/serve.md, "Load"). Nothing slow runs on that thread: planning has its own
/// thread, pages and inflated feeds go to the blocking pool, and the log is written by the
/// caller's thread.
///
/// # Errors
/// The first plan fails (nothing good to serve yet), the address cannot be bound, or the state
/// directory is unusable.
pub fn serve(options: &Options, err: &mut dyn Write) -> Result<(), Error> {
    let state = State::open(&options.state)?;
    let (site, notes) = planner::build(&options.file, options.span, &state, None, Utc::now())?;
    let current = Arc::new(site::Current::new(site));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Error::Io(format!("cannot start the runtime: {e}")))?;
    let listener = {
        let _inside = runtime.enter();
        listen(options.listen)
            .map_err(|e| Error::Io(format!("cannot listen on {}: {e}", options.listen)))?
    };
    let bound = listener.local_addr().map_err(|e| Error::Io(e.to_string()))?;
    let write = |err: &mut dyn Write, line: &str| {
        let _ = writeln!(err, "{line}");
        let _ = err.flush();
    };
    write(err, &format!("listening on http://{bound}"));
    if !options.quiet {
        for note in notes {
            write(err, &note);
        }
    }
    let (sender, mut lines) = tokio::sync::mpsc::channel::<Option<String>>(4096);
    let log = Log(sender.clone());
    planner::spawn(
        options.file.clone(),
        options.state.clone(),
        options.span,
        options.poll,
        Arc::clone(&current),
        options.quiet,
        log.clone(),
    )
    .map_err(|e| Error::Io(format!("cannot start the planner: {e}")))?;
    let server = Arc::new(http::Server {
        current,
        limits: options.limits,
        base: options.base.as_ref().map(|b| b.trim_end_matches('/').to_string()),
        quiet: options.quiet,
        log,
        renders: std::sync::atomic::AtomicUsize::new(0),
        inflates: tokio::sync::Semaphore::new(http::MAX_INFLATES),
    });
    std::thread::scope(|scope| {
        let serving = std::thread::Builder::new()
            .name("tempi-http".into())
            .spawn_scoped(scope, move || {
                let stopped = Stopped(sender);
                let result = runtime.block_on(http::serve(listener, server));
                drop(runtime);
                drop(stopped);
                result
            })
            .map_err(|e| Error::Io(format!("cannot start the server's thread: {e}")))?;
        while let Some(Some(line)) = lines.blocking_recv() {
            write(err, &line);
        }
        match serving.join() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(Error::Io(e.to_string())),
            Err(_) => Err(Error::Io("the server stopped: its thread panicked".into())),
        }
    })
}
