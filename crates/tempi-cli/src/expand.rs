//! `tempi expand`: every occurrence of every event in a calendar, one line each (docs/expand.md).

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;
use tempi::ical::import;

use crate::Failure;

/// Arguments of `tempi expand`.
#[derive(Debug, Args)]
pub(crate) struct ExpandArgs {
    /// The calendar (.ics) to read; `-` reads standard input.
    file: PathBuf,
    /// First day of the window (YYYY-MM-DD), included.
    #[arg(long)]
    from: String,
    /// The day after the window (YYYY-MM-DD), excluded: occurrences that start in [from, to).
    #[arg(long)]
    to: String,
    /// Busy occurrences only: leave out transparent, cancelled and zero-length ones.
    #[arg(long)]
    busy: bool,
}

/// How much output is gathered before it is written.
const CHUNK: usize = 64 * 1024;

/// Runs `tempi expand`: `UID<TAB>start<TAB>length` per occurrence, as generated (events in file
/// order, each event's occurrences by start); warnings on `err` at the end.
pub(crate) fn run(
    args: &ExpandArgs,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let (from, to) = crate::date_range(&args.from, &args.to)?;
    let (shown, bytes) = crate::read_calendar(&args.file, input)?;
    let located = |error| crate::calendar_failure(&shown, error);
    let mut instances = import::instances(&bytes, from, to).map_err(located)?.busy_only(args.busy);
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK + 1024);
    let mut failure = None;
    for instance in instances.by_ref() {
        match instance {
            Ok(instance) => instance.write_line(&mut buffer),
            Err(error) => {
                failure = Some(located(error));
                break;
            }
        }
        if buffer.len() >= CHUNK {
            out.write_all(&buffer)?;
            buffer.clear();
        }
    }
    out.write_all(&buffer)?;
    for warning in instances.warnings() {
        writeln!(err, "{shown}:{}: warning: {}", warning.line, warning.message)?;
    }
    failure.map_or(Ok(()), Err)
}
