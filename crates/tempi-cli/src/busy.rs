//! `tempi busy`: the busy intervals tempi reads from a calendar export (docs/feeds.md).

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;
use tempi::Window;
use tempi::ical::import;

use crate::Failure;

/// Arguments of `tempi busy`.
#[derive(Debug, Args)]
pub(crate) struct BusyArgs {
    /// The calendar export (.ics) to read; `-` reads stdin.
    file: PathBuf,
    /// The member's zone: floating times and all-day events are read in it (default: UTC).
    #[arg(long, value_name = "ZONE")]
    member_zone: Option<String>,
    /// First day of the window (YYYY-MM-DD, in the member's zone).
    #[arg(long)]
    from: String,
    /// Last day of the window, inclusive (YYYY-MM-DD).
    #[arg(long)]
    to: String,
    /// Print one JSON object: events, merged intervals and warnings.
    #[arg(long)]
    json: bool,
}

/// Runs `tempi busy`: one line per busy instance, `UID<TAB>start (UTC)<TAB>seconds`, sorted;
/// warnings on `err`.
pub(crate) fn run(
    args: &BusyArgs,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let zone = match &args.member_zone {
        Some(name) => tempi::time::parse_zone(name)
            .map_err(|e| Failure::Message(format!("--member-zone: {e}")))?,
        None => tempi::chrono_tz::UTC,
    };
    let (from, to) = crate::date_range(&args.from, &args.to)?;
    let window = Window::days(zone, from, to).map_err(|e| Failure::Message(e.to_string()))?;
    let cannot = |shown: &str, e: std::io::Error| {
        Failure::Message(format!("{shown}: cannot read the calendar: {e}"))
    };
    let too_large = |shown: &str, size: String| {
        Failure::Located(format!(
            "{shown}:1: error: the calendar is {size} bytes, more than the {}-byte limit; export a shorter date range",
            import::MAX_INPUT_BYTES
        ))
    };
    let (shown, bytes) = if crate::is_stdin(&args.file) {
        let shown = crate::STDIN_NAME.to_string();
        let bytes = crate::read_bounded(input, import::MAX_INPUT_BYTES)
            .map_err(|e| cannot(&shown, e))?
            .ok_or_else(|| too_large(&shown, format!("more than {}", import::MAX_INPUT_BYTES)))?;
        (shown, bytes)
    } else {
        let shown = args.file.display().to_string();
        let metadata = std::fs::metadata(&args.file).map_err(|e| cannot(&shown, e))?;
        if metadata.len() > import::MAX_INPUT_BYTES as u64 {
            return Err(too_large(&shown, metadata.len().to_string()));
        }
        let bytes = std::fs::read(&args.file).map_err(|e| cannot(&shown, e))?;
        (shown, bytes)
    };
    let busy = match import::busy(&bytes, zone, window) {
        Ok(busy) => busy,
        Err(tempi::ical::Error::Import { line, message }) => {
            return Err(Failure::Located(format!("{shown}:{line}: error: {message}")));
        }
        Err(e) => return Err(Failure::Message(format!("{shown}: {e}"))),
    };
    if args.json {
        tempi::view::busy::write_busy_json(out, &busy)?;
    } else {
        tempi::view::busy::write_busy(out, &busy)?;
    }
    for warning in &busy.warnings {
        writeln!(err, "{shown}:{}: warning: {}", warning.line, warning.message)?;
    }
    Ok(())
}
