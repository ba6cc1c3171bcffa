//! `tempi pods`: propose pods with a shared recurring time (solver issue).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use serde_json::json;
use tempi::solve::{PodBound, PodQuery};
use tempi::{Cadence, Length};

use crate::Failure;
use crate::slots::member;
use tempi::pipeline::{self, BusyFiles};

/// Arguments of `tempi pods`.
#[derive(Debug, Args)]
pub(crate) struct PodsArgs {
    /// The community file (TOML). Omit it to use the bundled sample.
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
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let bad = |text: String| Failure::Message(text);
    let loaded = crate::load(args.file.as_deref(), err)?;
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
    let plan = query.solve().map_err(|e| bad(e.to_string()))?;
    let (bound_kind, bound) = match plan.bound {
        PodBound::Optimal { optimum } => ("optimum", optimum),
        PodBound::Upper { bound } => ("upper-bound", bound),
    };
    if args.json {
        let value = json!({
            "objective": plan.objective,
            "bound": { "kind": bound_kind, "value": bound },
            "pods": plan.pods.iter().map(|p| json!({
                "members": p.members,
                "shared_quarter_hours": p.shared,
                "time": p.pattern.as_ref().map(|t| json!({
                    "start": t.occurrences.first().map(|o| o.start.to_rfc3339()),
                    "time": t.time.format("%H:%M").to_string(),
                    "zone": t.zone.name(),
                    "weekdays": t.weekdays.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                    "misses": t.misses,
                    "attendees": t.members.iter().map(|m| json!({"id": m.id, "local": m.local.to_rfc3339()})).collect::<Vec<_>>(),
                })),
            })).collect::<Vec<_>>(),
        });
        serde_json::to_writer_pretty(&mut *out, &value)
            .map_err(|e| bad(format!("could not write JSON: {e}")))?;
        writeln!(out)?;
        return Ok(());
    }
    writeln!(
        out,
        "{} pods from {} members; shared time {} (the {} is {bound}; 100% = as good as it gets)",
        plan.pods.len(),
        ids.len(),
        plan.objective,
        if bound_kind == "optimum" { "optimum" } else { "upper bound" }
    )?;
    for (i, pod) in plan.pods.iter().enumerate() {
        writeln!(
            out,
            "{}. {} ({} weekly quarter-hours shared)",
            i + 1,
            pod.members.join(", "),
            pod.shared
        )?;
        match &pod.pattern {
            Some(p) => {
                let days: Vec<String> = p.weekdays.iter().map(|d| d.to_string()).collect();
                writeln!(
                    out,
                    "   {} {} {} from {}",
                    days.join(","),
                    p.time.format("%H:%M"),
                    p.zone.name(),
                    p.first
                )?;
                for m in &p.members {
                    writeln!(
                        out,
                        "   {:<12} {}  {}",
                        m.id,
                        m.local.format("%a %H:%M"),
                        m.local.timezone().name()
                    )?;
                }
            }
            None => writeln!(out, "   no recurring time holds for all of them")?,
        }
    }
    Ok(())
}
