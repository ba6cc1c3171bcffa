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
    let (shown, bytes) = crate::read_calendar(&args.file, input)?;
    let busy =
        import::busy(&bytes, zone, window).map_err(|e| crate::calendar_failure(&shown, e))?;
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
