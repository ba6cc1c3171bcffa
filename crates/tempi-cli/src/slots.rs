//! `tempi slots`: meeting times across members' availability (solver issue).

use std::io::{Read, Write};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use tempi::model::LocalHours;
use tempi::pipeline::{self, BusyFiles};
use tempi::search::{Repeat, SlotRequest, SlotSearch};
use tempi::solve::{Quorum, SeriesEnd};
use tempi::{Cadence, Length};

use crate::Failure;

/// Arguments of `tempi slots` (boxed: they are many, and `Command` keeps its variants small).
#[derive(Debug, Args)]
pub(crate) struct SlotsArgs {
    #[command(flatten)]
    options: Box<SlotsOptions>,
}

/// The options of `tempi slots`.
#[derive(Debug, Args)]
struct SlotsOptions {
    /// The community file (TOML); `-` reads stdin. Omit it to use the bundled sample.
    file: Option<PathBuf>,
    /// Everyone in this group (its roster, with subgroups) must come.
    #[arg(long, conflicts_with = "members", required_unless_present = "members")]
    group: Option<String>,
    /// These members (comma-separated ids) must come.
    #[arg(long, value_delimiter = ',')]
    members: Vec<String>,
    /// These members (comma-separated ids) may come: counted, not required.
    #[arg(long, value_delimiter = ',')]
    optional: Vec<String>,
    /// How long the meeting lasts, e.g. 90m or 1h30m.
    #[arg(long)]
    duration: String,
    /// First day searched (YYYY-MM-DD, community zone). Default: the community's start.
    #[arg(long)]
    from: Option<String>,
    /// Last day searched, inclusive. Default: 13 days after --from (two weeks).
    #[arg(long)]
    to: Option<String>,
    /// Find a recurring time: weekly, fortnightly, monthly, or any cadence ("weekly on tue").
    #[arg(long, conflicts_with = "rrule")]
    repeat: Option<String>,
    /// Find a recurring time for an RFC 5545 rule, e.g. "FREQ=MONTHLY;BYDAY=1MO".
    #[arg(long)]
    rrule: Option<String>,
    /// How many occurrences the recurring time must hold for (default 6).
    #[arg(long, conflicts_with = "until")]
    count: Option<u32>,
    /// Or: until this date (inclusive).
    #[arg(long)]
    until: Option<String>,
    /// Occurrences a recurring time may miss (default 0).
    #[arg(long, default_value_t = 0)]
    misses: u32,
    /// The zone a recurring time is anchored in (default: the community's zone).
    #[arg(long)]
    zone: Option<String>,
    /// The fewest attendees: a count (3) or a share ("60%").
    #[arg(long)]
    quorum: Option<String>,
    /// Start times fall on multiples of this (default 15m).
    #[arg(long, default_value = "15m")]
    granularity: String,
    /// Time kept free before and after busy time, e.g. 10m.
    #[arg(long)]
    buffer: Option<String>,
    /// Minimum notice from --now (or from the clock), e.g. 24h.
    #[arg(long)]
    notice: Option<String>,
    /// "Now" for --notice, RFC 3339 (default: the clock).
    #[arg(long)]
    now: Option<String>,
    /// Only these local hours in each member's own zone, e.g. 08:00-21:00.
    #[arg(long)]
    civil: Option<String>,
    /// The most answers (default 5).
    #[arg(long, default_value_t = 5)]
    max: usize,
    /// Print JSON (schema: docs/slots-json.md).
    #[arg(long)]
    json: bool,
}

fn message(text: impl Into<String>) -> Failure {
    Failure::Message(text.into())
}

fn length(text: &str, flag: &str) -> Result<Length, Failure> {
    text.parse::<Length>().map_err(|e| message(format!("{flag}: {e}")))
}

fn date(text: &str, flag: &str) -> Result<NaiveDate, Failure> {
    tempi::time::parse_date(text).map_err(|e| message(format!("{flag}: {e}")))
}

fn quorum(text: &str) -> Result<Quorum, Failure> {
    let bad = || {
        message(format!(
            "--quorum: `{text}` is not a quorum; write a count (3) or a share (\"60%\")"
        ))
    };
    match text.trim().strip_suffix('%') {
        Some(p) => p.trim().parse::<u8>().map(Quorum::Percent).map_err(|_| bad()),
        None => text.trim().parse::<u32>().map(Quorum::Count).map_err(|_| bad()),
    }
}

/// The members a command names: `--group`'s roster, else `--members`.
pub(crate) fn members(
    community: &tempi::Community,
    group: Option<&str>,
    members: &[String],
) -> Result<Vec<String>, Failure> {
    match group {
        Some(group) => pipeline::roster(community, group).map_err(Failure::flagged("--group")),
        None => Ok(members.to_vec()),
    }
}

/// The flags as a request for the members `ids`; the combinations clap cannot check refused.
fn request(args: &SlotsOptions, ids: Vec<String>) -> Result<SlotRequest, Failure> {
    let mut request = SlotRequest::new(ids, length(&args.duration, "--duration")?)
        .optional(args.optional.clone())
        .granularity(length(&args.granularity, "--granularity")?.minutes())
        .max_results(args.max);
    if let Some(text) = &args.from {
        request = request.from(date(text, "--from")?);
    }
    if let Some(text) = &args.notice {
        let minutes = length(text, "--notice")?.minutes();
        let now = match &args.now {
            Some(now) => DateTime::parse_from_rfc3339(now)
                .map_err(|_| {
                    message(format!(
                        "--now: `{now}` is not an RFC 3339 time, e.g. 2027-03-01T09:00:00Z"
                    ))
                })?
                .with_timezone(&Utc),
            None => Utc::now(),
        };
        request = request.notice(now, minutes);
    }
    if let Some(text) = &args.quorum {
        request = request.quorum(quorum(text)?);
    }
    if let Some(text) = &args.buffer {
        request = request.buffer(length(text, "--buffer")?.minutes());
    }
    if let Some(text) = &args.civil {
        request =
            request.civil(LocalHours::parse(text).map_err(|e| message(format!("--civil: {e}")))?);
    }
    let flagged = match (&args.repeat, &args.rrule) {
        (Some(text), _) => Some(("repeat", text)),
        (None, rrule) => rrule.as_ref().map(|text| ("rrule", text)),
    };
    let cadence = flagged
        .map(|(flag, text)| text.parse::<Cadence>().map_err(|e| message(format!("--{flag}: {e}"))))
        .transpose()?;
    match cadence {
        None if args.count.is_some() || args.until.is_some() => Err(message(
            "--count and --until describe a recurring time; add --repeat weekly (or --rrule)",
        )),
        None => match &args.to {
            Some(text) => Ok(request.to(date(text, "--to")?)),
            None => Ok(request),
        },
        Some(_) if args.to.is_some() => Err(message(
            "--to is for one-off searches; a recurring time ends with --count N or --until DATE",
        )),
        Some(cadence) => {
            let end = match (&args.until, args.count) {
                (Some(until), _) => SeriesEnd::Until(date(until, "--until")?),
                (None, Some(n)) => SeriesEnd::Count(n),
                (None, None) => SeriesEnd::Count(6),
            };
            let mut repeat = Repeat::new(cadence, end).allowed_misses(args.misses);
            if let Some(z) = &args.zone {
                repeat = repeat
                    .zone(tempi::time::parse_zone(z).map_err(|e| message(format!("--zone: {e}")))?);
            }
            Ok(request.repeat(repeat))
        }
    }
}

/// A search error, with the flag that gave the value.
fn search_failure(args: &SlotsOptions) -> impl FnOnce(tempi::Error) -> Failure {
    move |error| match &error {
        tempi::Error::NoMembers => {
            message("no members to find a time for; give --members a,b,c or a --group with members")
        }
        tempi::Error::Backwards { from, to } => {
            message(format!("--to {to} is before --from {from}; give a window that runs forwards"))
        }
        tempi::Error::UnknownMember { id, .. } if args.optional.contains(id) => {
            Failure::flagged("--optional")(error)
        }
        _ => Failure::flagged("--members")(error),
    }
}

/// Runs `tempi slots`.
pub(crate) fn run(
    args: &SlotsArgs,
    progress: crate::progress::Progress,
    input: &mut dyn Read,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let args = &*args.options;
    let loaded = crate::load(args.file.as_deref(), input, err)?;
    let ids = members(&loaded.community, args.group.as_deref(), &args.members)?;
    let request = request(args, ids)?;
    let busy = BusyFiles::beside(args.file.as_deref());
    let search =
        SlotSearch::new(&loaded.community, &busy, &request).map_err(search_failure(args))?;
    crate::write_busy_warnings(err, search.warnings())?;
    let mut answer = progress.waiting("searching", || search.solve())?;
    if answer.wants_what_ifs() {
        progress.waiting("trying what-ifs", || search.add_what_ifs(&mut answer))?;
    }
    if args.json {
        answer.write_json(out)?
    } else {
        answer.write_text(out)?
    }
    if answer.fits() { Ok(()) } else { Err(Failure::NoFit) }
}
