//! `tempi serve FILE`: the arguments, handed to [`tempi_serve`].

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::Failure;

#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// The community file (TOML); watched, and planned again when it changes (so not `-`).
    file: PathBuf,
    /// The state directory: the secret key (created on first run, mode 0600) and URL rotations.
    #[arg(long, value_name = "DIR")]
    state: PathBuf,
    /// The address to listen on (port 0 picks a free port; the first line on stderr names it).
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// The public base URL, e.g. https://cal.example.org (links on pages, --print-links).
    #[arg(long, value_name = "URL")]
    base: Option<String>,
    /// Print `kind<TAB>id<TAB>feed_url<TAB>page_url` for the community, each group and each
    /// member, then exit.
    #[arg(long, requires = "base", conflicts_with = "rotate")]
    print_links: bool,
    /// Revoke the URL of ID (or KIND:ID, KIND one of community, group, member), print the new
    /// one, then exit. A running server picks it up within a second.
    #[arg(long, value_name = "ID")]
    rotate: Option<String>,
    /// Days before today the feeds cover.
    #[arg(long, value_name = "DAYS", default_value_t = 30)]
    past_days: u32,
    /// Months after today the feeds cover.
    #[arg(long, value_name = "MONTHS", default_value_t = 13)]
    ahead_months: u32,
    /// Seconds a client has to send a request's headers (slowloris) or start its next request.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    header_timeout: u64,
    /// Open connections allowed from one address.
    #[arg(long, value_name = "N", default_value_t = 64)]
    max_per_peer: usize,
}

/// Runs `tempi serve`; the server's log (and its first line, the address) goes to `err`.
pub(crate) fn run(
    args: &ServeArgs,
    quiet: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    if crate::is_stdin(&args.file) {
        return Err(Failure::Message(
            "serve plans FILE again whenever it changes, so it needs a file it can watch, not `-` (stdin)".into(),
        ));
    }
    let mut options = tempi_serve::Options::new(args.file.clone(), args.state.clone());
    options.listen = args.listen;
    options.base = args.base.clone();
    options.span = tempi_serve::Span { past_days: args.past_days, ahead_months: args.ahead_months };
    options.limits.header_timeout = Duration::from_secs(args.header_timeout.max(1));
    options.limits.max_per_peer = args.max_per_peer.max(1);
    options.quiet = quiet;
    let result = if args.print_links {
        tempi_serve::print_links(&options, out)
    } else if let Some(id) = &args.rotate {
        tempi_serve::rotate(&options, id, out)
    } else {
        tempi_serve::serve(&options, err)
    };
    result.map_err(|e| match e {
        tempi_serve::Error::Plan(text) => Failure::Located(text),
        other => Failure::Message(other.to_string()),
    })
}
