//! `tempi pods`: propose pods with a shared recurring time (solver issue).

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;
use tempi::pipeline::BusyFiles;
use tempi::search::{PodRequest, PodSearch};
use tempi::{Cadence, Length};

use crate::Failure;

/// Arguments of `tempi pods`.
#[derive(Debug, Args)]
pub(crate) struct PodsArgs {
    /// The community file (TOML); `-` reads stdin. Omit it to use the bundled sample.
    file: Option<PathBuf>,
    /// Split this group's roster.
    #[arg(long, conflicts_with = "members", required_unless_present = "members")]
    group: Option<String>,
    /// Split these members (comma-separated ids).
    #[arg(long, value_delimiter = ',')]
    members: Vec<String>,
    /// Pod sizes, MIN..MAX (default 4..6).
    #[arg(long, default_value = "4..6")]
    size: String,
    /// How long each pod meeting lasts (default 90m).
    #[arg(long, default_value = "90m")]
    duration: String,
    /// How often pods meet (default weekly; the solver picks the day).
    #[arg(long, default_value = "weekly")]
    cadence: String,
    /// For how many meetings the time must hold (default 6).
    #[arg(long, default_value_t = 6)]
    count: u32,
    /// First day (YYYY-MM-DD). Default: the community's start.
    #[arg(long)]
    from: Option<String>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `--size` as (MIN, MAX).
fn sizes(text: &str) -> Result<(usize, usize), Failure> {
    let parsed = text.split_once("..").and_then(|(a, b)| {
        match (a.trim().parse::<usize>(), b.trim().trim_start_matches('=').parse::<usize>()) {
            (Ok(a), Ok(b)) if a >= 1 && a <= b => Some((a, b)),
            _ => None,
        }
    });
    parsed.ok_or_else(|| {
        Failure::Message(format!("--size: `{text}` is not a size range; write MIN..MAX, e.g. 4..6"))
    })
}

/// Runs `tempi pods`.
pub(crate) fn run(
    args: &PodsArgs,
    progress: crate::progress::Progress,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let bad = |text: String| Failure::Message(text);
    let loaded = crate::load(args.file.as_deref(), input, err)?;
    let community = &loaded.community;
    let ids = crate::slots::members(community, args.group.as_deref(), &args.members)?;
    let (min, max) = sizes(&args.size)?;
    let length: Length = args.duration.parse().map_err(|e| bad(format!("--duration: {e}")))?;
    let cadence: Cadence = args.cadence.parse().map_err(|e| bad(format!("--cadence: {e}")))?;
    let mut request = PodRequest::new(ids, length, cadence).sizes(min, max).count(args.count);
    if let Some(text) = &args.from {
        request =
            request.from(tempi::time::parse_date(text).map_err(|e| bad(format!("--from: {e}")))?);
    }
    let busy = BusyFiles::beside(args.file.as_deref());
    let search =
        PodSearch::new(community, &busy, &request).map_err(Failure::flagged("--members"))?;
    crate::write_busy_warnings(err, search.warnings())?;
    let answer = progress.waiting("splitting", || search.solve()).map_err(|e| match e {
        tempi::Error::Solve(tempi::solve::Error::PodSizes { .. }) => bad(format!("{e} (--size)")),
        _ => Failure::from(e),
    })?;
    if args.json {
        answer.write_json(out)?
    } else {
        answer.write_text(out)?
    }
    if answer.fits() { Ok(()) } else { Err(Failure::NoFit) }
}
