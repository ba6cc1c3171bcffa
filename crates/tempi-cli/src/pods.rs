//! `tempi pods`: propose pods with a shared recurring time (solver issue).

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::Args;
use tempi::solve::PodQuery;
use tempi::view::pods;
use tempi::{Cadence, Length};

use crate::Failure;
use crate::slots::member;
use tempi::pipeline::{self, BusyFiles};

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
    let ids = match &args.group {
        Some(group) => pipeline::roster(community, group).map_err(Failure::flagged("--group"))?,
        None => args.members.clone(),
    };
    let (min, max) = match args.size.split_once("..") {
        Some((a, b)) => {
            match (a.trim().parse::<usize>(), b.trim().trim_start_matches('=').parse::<usize>()) {
                (Ok(a), Ok(b)) if a >= 1 && a <= b => (a, b),
                _ => {
                    return Err(bad(format!(
                        "--size: `{}` is not a size range; write MIN..MAX, e.g. 4..6",
                        args.size
                    )));
                }
            }
        }
        None => {
            return Err(bad(format!(
                "--size: `{}` is not a size range; write MIN..MAX, e.g. 4..6",
                args.size
            )));
        }
    };
    let length: Length = args.duration.parse().map_err(|e| bad(format!("--duration: {e}")))?;
    let cadence: Cadence = args.cadence.parse().map_err(|e| bad(format!("--cadence: {e}")))?;
    let from = match &args.from {
        Some(text) => tempi::time::parse_date(text).map_err(|e| bad(format!("--from: {e}")))?,
        None => community.start(),
    };
    let mut query = PodQuery::new(length, cadence, community.zone(), from, args.count);
    query.sizes(min, max);
    let until = from + chrono::Duration::days(7 * i64::from(args.count.max(1)) + 31);
    let window =
        tempi::Window::days(community.zone(), from, until).map_err(|e| bad(e.to_string()))?;
    let busy = BusyFiles::beside(args.file.as_deref());
    for id in &ids {
        query.member(member(community, id, "--members", &busy, window, err)?);
    }
    let plan = progress.waiting("splitting", || query.solve()).map_err(|e| match e {
        tempi::solve::Error::PodSizes { .. } => bad(format!("{e} (--size)")),
        _ => bad(e.to_string()),
    })?;
    if args.json {
        pods::write_pods_json(out, &plan)?;
    } else {
        pods::write_pods(out, &plan, ids.len())?;
    }
    if plan.pods.iter().any(|p| p.pattern.is_none()) {
        return Err(Failure::NoFit);
    }
    Ok(())
}
