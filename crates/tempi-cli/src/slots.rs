//! `tempi slots`: meeting times across members' availability (solver issue).

use std::io::{Read, Write};
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use tempi::model::LocalHours;
use tempi::pipeline::{self, BusyFiles};
use tempi::solve::{Availability, Quorum, SeriesEnd, SeriesQuery, SlotQuery};
use tempi::view::slots::{self, Search};
use tempi::{Cadence, Community, Length, Window};

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

/// A member's availability (with their busy calendars over `window`), writing the readers'
/// warnings; an unknown id is an error that names `flag`.
pub(crate) fn member(
    community: &Community,
    id: &str,
    flag: &str,
    busy: &BusyFiles,
    window: Window,
    err: &mut dyn Write,
) -> Result<Availability, Failure> {
    let (availability, warnings) =
        busy.availability(community, id, window).map_err(Failure::flagged(flag))?;
    crate::write_busy_warnings(err, &warnings)?;
    Ok(availability)
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

/// The settings both kinds of query share.
struct Common {
    required: Vec<Availability>,
    optional: Vec<Availability>,
    length: Length,
    granularity: u32,
    quorum: Option<Quorum>,
    buffer: u32,
    notice: Option<(DateTime<Utc>, u32)>,
    civil: Option<LocalHours>,
}

macro_rules! apply {
    ($query:expr, $common:expr) => {{
        for m in &$common.required {
            $query.required(m.clone());
        }
        for m in &$common.optional {
            $query.optional(m.clone());
        }
        $query.granularity($common.granularity).buffers($common.buffer, $common.buffer);
        if let Some(q) = $common.quorum {
            $query.quorum(q);
        }
        if let Some((now, minutes)) = $common.notice {
            $query.notice(now, minutes);
        }
        $query.civil_hours($common.civil);
    }};
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
    let community = &loaded.community;
    let ids: Vec<String> = match &args.group {
        Some(group) => pipeline::roster(community, group).map_err(Failure::flagged("--group"))?,
        None => args.members.clone(),
    };
    if ids.is_empty() {
        return Err(message(
            "no members to find a time for; give --members a,b,c or a --group with members",
        ));
    }
    // Busy calendars are read over the whole search: the window, or the series' reach.
    let search_from = match &args.from {
        Some(text) => date(text, "--from")?,
        None => community.start(),
    };
    let search_to = match (&args.until, &args.to) {
        (Some(until), _) => date(until, "--until")?,
        (None, Some(to)) => date(to, "--to")?,
        (None, None) if args.repeat.is_some() || args.rrule.is_some() => {
            search_from + chrono::Duration::days(400)
        }
        (None, None) => search_from + chrono::Duration::days(13),
    };
    let busy_window = Window::days(community.zone(), search_from, search_to.max(search_from))
        .map_err(|e| message(e.to_string()))?;
    let busy = BusyFiles::beside(args.file.as_deref());
    let mut required = Vec::new();
    for id in &ids {
        if !args.optional.contains(id) {
            required.push(member(community, id, "--members", &busy, busy_window, err)?);
        }
    }
    let mut optional = Vec::new();
    for id in &args.optional {
        optional.push(member(community, id, "--optional", &busy, busy_window, err)?);
    }
    let granularity = length(&args.granularity, "--granularity")?.minutes();
    let notice = match &args.notice {
        Some(text) => {
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
            Some((now, minutes))
        }
        None => None,
    };
    let common = Common {
        required,
        optional,
        length: length(&args.duration, "--duration")?,
        granularity,
        quorum: args.quorum.as_deref().map(quorum).transpose()?,
        buffer: args
            .buffer
            .as_deref()
            .map(|b| length(b, "--buffer"))
            .transpose()?
            .map_or(0, Length::minutes),
        notice,
        civil: args
            .civil
            .as_deref()
            .map(|c| LocalHours::parse(c).map_err(|e| message(format!("--civil: {e}"))))
            .transpose()?,
    };
    let from = match &args.from {
        Some(text) => date(text, "--from")?,
        None => community.start(),
    };
    let cadence = match (&args.repeat, &args.rrule) {
        (Some(text), _) | (None, Some(text)) => Some(text.parse::<Cadence>().map_err(|e| {
            message(format!("--{}: {e}", if args.repeat.is_some() { "repeat" } else { "rrule" }))
        })?),
        (None, None) => None,
    };
    match cadence {
        None => {
            if args.count.is_some() || args.until.is_some() {
                return Err(message(
                    "--count and --until describe a recurring time; add --repeat weekly (or --rrule)",
                ));
            }
            let to = match &args.to {
                Some(text) => date(text, "--to")?,
                None => from + chrono::Duration::days(13),
            };
            if to < from {
                return Err(message(format!(
                    "--to {to} is before --from {from}; give a window that runs forwards"
                )));
            }
            let window =
                Window::days(community.zone(), from, to).map_err(|e| message(e.to_string()))?;
            let mut query = SlotQuery::new(common.length, window);
            apply!(query, common);
            query.max_results(args.max);
            let slots = progress
                .waiting("searching", || query.solve())
                .map_err(|e| message(e.to_string()))?;
            let what_ifs = if slots.candidates.first().is_none_or(|c| !c.missing.is_empty()) {
                progress
                    .waiting("trying what-ifs", || query.what_ifs())
                    .map_err(|e| message(e.to_string()))?
            } else {
                Vec::new()
            };
            let search = Search::one_off(
                common.length,
                common.required.len() + common.optional.len(),
                community.zone(),
                from,
                to,
            );
            if args.json {
                slots::write_slots_json(out, &search, &slots, &what_ifs)?;
            } else {
                slots::write_slots(out, &search, &slots, &what_ifs)?;
            }
            if slots.no_fit.is_some() || slots.candidates.is_empty() {
                return Err(Failure::NoFit);
            }
        }
        Some(cadence) => {
            if args.to.is_some() {
                return Err(message(
                    "--to is for one-off searches; a recurring time ends with --count N or --until DATE",
                ));
            }
            let zone = match &args.zone {
                Some(z) => {
                    tempi::time::parse_zone(z).map_err(|e| message(format!("--zone: {e}")))?
                }
                None => community.zone(),
            };
            let end = match (&args.until, args.count) {
                (Some(until), _) => SeriesEnd::Until(date(until, "--until")?),
                (None, Some(n)) => SeriesEnd::Count(n),
                (None, None) => SeriesEnd::Count(6),
            };
            let mut query = SeriesQuery::new(common.length, cadence.clone(), zone, from, end);
            apply!(query, common);
            query.max_results(args.max).allowed_misses(args.misses);
            let patterns = progress
                .waiting("searching", || query.solve())
                .map_err(|e| message(e.to_string()))?;
            let what_ifs = if patterns.patterns.first().is_none_or(|p| p.score.attendance < 1000) {
                progress
                    .waiting("trying what-ifs", || query.what_ifs())
                    .map_err(|e| message(e.to_string()))?
            } else {
                Vec::new()
            };
            let search = Search::recurring(
                common.length,
                common.required.len() + common.optional.len(),
                cadence,
                zone,
                from,
                args.misses,
            );
            if args.json {
                slots::write_patterns_json(out, &search, &patterns, &what_ifs)?;
            } else {
                slots::write_patterns(out, &search, &patterns, &what_ifs)?;
            }
            if patterns.patterns.is_empty() {
                return Err(Failure::NoFit);
            }
        }
    }
    Ok(())
}
