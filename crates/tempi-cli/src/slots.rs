//! `tempi slots`: meeting times across members' availability (solver issue).

use std::io::Write;
use std::path::PathBuf;

use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use serde_json::{Value, json};
use tempi::model::LocalHours;
use tempi::pipeline::{self, BusyFiles};
use tempi::solve::{
    Availability, Candidate, Pattern, Patterns, Quorum, SeriesEnd, SeriesQuery, SlotQuery, Slots,
};
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
    /// The community file (TOML). Omit it to use the bundled sample.
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
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let args = &*args.options;
    let loaded = crate::load(args.file.as_deref(), err)?;
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
            let slots = query.solve().map_err(|e| message(e.to_string()))?;
            let what_ifs = if slots.candidates.first().is_none_or(|c| !c.missing.is_empty()) {
                query.what_ifs().map_err(|e| message(e.to_string()))?
            } else {
                Vec::new()
            };
            if args.json {
                let value = json!({
                    "kind": "one-off",
                    "length_minutes": common.length.minutes(),
                    "window": { "from": from.to_string(), "to": to.to_string(), "zone": community.zone().name() },
                    "candidates": slots.candidates.iter().map(candidate_json).collect::<Vec<_>>(),
                    "valid": slots.valid,
                    "no_fit": slots.no_fit.as_ref().map(|n| json!({
                        "reasons": n.reasons,
                        "near_misses": n.near_misses.iter().map(candidate_json).collect::<Vec<_>>(),
                    })),
                    "what_ifs": what_ifs.iter().map(what_if_json).collect::<Vec<_>>(),
                });
                write_json(out, &value)?;
            } else {
                write_slots(out, &slots, &common, from, to)?;
                write_what_ifs(out, &what_ifs)?;
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
            let patterns = query.solve().map_err(|e| message(e.to_string()))?;
            let what_ifs = if patterns.patterns.first().is_none_or(|p| p.score.attendance < 1000) {
                query.what_ifs().map_err(|e| message(e.to_string()))?
            } else {
                Vec::new()
            };
            if args.json {
                let value = json!({
                    "kind": "recurring",
                    "length_minutes": common.length.minutes(),
                    "cadence": cadence.to_string(),
                    "zone": zone.name(),
                    "from": from.to_string(),
                    "allowed_misses": args.misses,
                    "candidates": patterns.patterns.iter().map(pattern_json).collect::<Vec<_>>(),
                    "valid": patterns.valid,
                    "no_fit": (patterns.patterns.is_empty()).then(|| json!({
                        "reasons": patterns.reasons,
                        "near_misses": patterns.near_misses.iter().map(pattern_json).collect::<Vec<_>>(),
                    })),
                    "what_ifs": what_ifs.iter().map(what_if_json).collect::<Vec<_>>(),
                });
                write_json(out, &value)?;
            } else {
                write_patterns(out, &patterns, &common, &cadence)?;
                write_what_ifs(out, &what_ifs)?;
            }
        }
    }
    Ok(())
}

fn write_json(out: &mut dyn Write, value: &Value) -> Result<(), Failure> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(|e| match e.io_error_kind() {
        Some(std::io::ErrorKind::BrokenPipe) => Failure::Quiet,
        _ => message(format!("could not write JSON: {e}")),
    })?;
    writeln!(out)?;
    Ok(())
}

fn score_json(score: &tempi::solve::Score) -> Value {
    json!({
        "total": score.total,
        "attendance": score.attendance,
        "preferences": score.preferences,
        "fairness": score.fairness,
    })
}

fn missing_json(m: &tempi::solve::Missing) -> Value {
    json!({ "id": m.id, "required": m.required, "reason": m.reason.code(), "detail": m.reason.to_string() })
}

fn candidate_json(c: &Candidate) -> Value {
    json!({
        "start": c.start.to_rfc3339(),
        "end": c.end.to_rfc3339(),
        "attendees": c.attendees.iter().map(|a| json!({
            "id": a.id,
            "required": a.required,
            "local": a.local.to_rfc3339(),
            "zone": a.local.timezone().name(),
        })).collect::<Vec<_>>(),
        "missing": c.missing.iter().map(missing_json).collect::<Vec<_>>(),
        "score": score_json(&c.score),
    })
}

fn pattern_json(p: &Pattern) -> Value {
    let first = p.occurrences.first();
    json!({
        "start": first.map(|o| o.start.to_rfc3339()),
        "end": first.map(|o| o.end.to_rfc3339()),
        "time": p.time.format("%H:%M").to_string(),
        "zone": p.zone.name(),
        "weekdays": p.weekdays.iter().map(|d| weekday(*d)).collect::<Vec<_>>(),
        "misses": p.misses,
        "attendees": p.members.iter().filter(|m| m.attends > 0).map(|m| json!({
            "id": m.id,
            "required": m.required,
            "local": m.local.to_rfc3339(),
            "zone": m.local.timezone().name(),
            "attends": m.attends,
            "drift": m.drift.iter().map(|d| json!({
                "date": d.date.to_string(),
                "from": d.from.format("%H:%M").to_string(),
                "to": d.to.format("%H:%M").to_string(),
                "minutes": d.minutes,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "missing": p.members.iter().filter(|m| m.attends == 0).map(|m| json!({
            "id": m.id, "required": m.required, "reason": "never-free",
        })).collect::<Vec<_>>(),
        "occurrences": p.occurrences.iter().map(|o| json!({
            "start": o.start.to_rfc3339(),
            "end": o.end.to_rfc3339(),
            "holds": o.holds,
            "missing": o.missing.iter().map(missing_json).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "score": score_json(&p.score),
    })
}

fn what_if_json(w: &tempi::solve::WhatIf) -> Value {
    json!({ "change": w.change.to_string(), "valid": w.valid, "best_score": w.best_score, "unlocks": w.unlocks })
}

fn weekday(d: chrono::Weekday) -> &'static str {
    match d {
        chrono::Weekday::Mon => "mon",
        chrono::Weekday::Tue => "tue",
        chrono::Weekday::Wed => "wed",
        chrono::Weekday::Thu => "thu",
        chrono::Weekday::Fri => "fri",
        chrono::Weekday::Sat => "sat",
        chrono::Weekday::Sun => "sun",
    }
}

fn write_candidate(out: &mut dyn Write, n: usize, c: &Candidate) -> std::io::Result<()> {
    writeln!(
        out,
        "{n}. {} {}–{} UTC  score {} (attendance {}, preferences {}, fairness {})",
        c.start.format("%a %Y-%m-%d"),
        c.start.format("%H:%M"),
        c.end.format("%H:%M"),
        c.score.total,
        c.score.attendance,
        c.score.preferences,
        c.score.fairness
    )?;
    for a in &c.attendees {
        writeln!(
            out,
            "   {:<12} {}  {}",
            a.id,
            a.local.format("%a %H:%M"),
            a.local.timezone().name()
        )?;
    }
    for m in &c.missing {
        writeln!(
            out,
            "   missing {}{}: {}",
            m.id,
            if m.required { " (required)" } else { "" },
            m.reason
        )?;
    }
    Ok(())
}

fn write_slots(
    out: &mut dyn Write,
    slots: &Slots,
    common: &Common,
    from: NaiveDate,
    to: NaiveDate,
) -> std::io::Result<()> {
    let n = common.required.len() + common.optional.len();
    writeln!(
        out,
        "{} for {n} members, {from} to {to}; times in each member's zone",
        common.length
    )?;
    if let Some(no_fit) = &slots.no_fit {
        writeln!(out, "no time fits:")?;
        for reason in &no_fit.reasons {
            writeln!(out, "  - {reason}")?;
        }
        if !no_fit.near_misses.is_empty() {
            writeln!(out, "nearest:")?;
            for (i, c) in no_fit.near_misses.iter().enumerate() {
                write_candidate(out, i + 1, c)?;
            }
        }
        return Ok(());
    }
    writeln!(out, "{} start times fit; the best {}:", slots.valid, slots.candidates.len())?;
    for (i, c) in slots.candidates.iter().enumerate() {
        write_candidate(out, i + 1, c)?;
    }
    Ok(())
}

fn write_pattern(out: &mut dyn Write, n: usize, p: &Pattern) -> std::io::Result<()> {
    let days: Vec<&str> = p.weekdays.iter().map(|d| weekday(*d)).collect();
    let total = p.occurrences.len();
    writeln!(
        out,
        "{n}. {} {} {} from {}: {} of {total} hold  score {} (attendance {}, preferences {}, fairness {})",
        days.join(","),
        p.time.format("%H:%M"),
        p.zone.name(),
        p.first,
        total - p.misses,
        p.score.total,
        p.score.attendance,
        p.score.preferences,
        p.score.fairness
    )?;
    for m in &p.members {
        let mut line = format!(
            "   {:<12} {}  {}",
            m.id,
            m.local.format("%a %H:%M"),
            m.local.timezone().name()
        );
        if m.attends < total {
            line.push_str(&format!("  (attends {} of {total})", m.attends));
        }
        for d in &m.drift {
            line.push_str(&format!("; {} from {}", d.to.format("%H:%M"), d.date));
        }
        writeln!(out, "{line}")?;
    }
    for o in &p.occurrences {
        for m in &o.missing {
            writeln!(
                out,
                "   {} misses {}: {}",
                m.id,
                o.start.with_timezone(&p.zone).format("%Y-%m-%d"),
                m.reason
            )?;
        }
    }
    Ok(())
}

fn write_patterns(
    out: &mut dyn Write,
    patterns: &Patterns,
    common: &Common,
    cadence: &Cadence,
) -> std::io::Result<()> {
    let n = common.required.len() + common.optional.len();
    writeln!(out, "{} for {n} members, {cadence}; times in each member's zone", common.length)?;
    if patterns.patterns.is_empty() {
        writeln!(out, "no recurring time fits:")?;
        for reason in &patterns.reasons {
            writeln!(out, "  - {reason}")?;
        }
        if !patterns.near_misses.is_empty() {
            writeln!(out, "nearest:")?;
            for (i, p) in patterns.near_misses.iter().enumerate() {
                write_pattern(out, i + 1, p)?;
            }
        }
        return Ok(());
    }
    writeln!(out, "{} patterns fit; the best {}:", patterns.valid, patterns.patterns.len())?;
    for (i, p) in patterns.patterns.iter().enumerate() {
        write_pattern(out, i + 1, p)?;
    }
    Ok(())
}

fn write_what_ifs(out: &mut dyn Write, what_ifs: &[tempi::solve::WhatIf]) -> std::io::Result<()> {
    let useful: Vec<_> = what_ifs.iter().filter(|w| w.unlocks).collect();
    if useful.is_empty() {
        return Ok(());
    }
    writeln!(out, "what would help:")?;
    for w in useful {
        writeln!(
            out,
            "  - {}: {} times fit (best score {})",
            w.change,
            w.valid,
            w.best_score.unwrap_or(0)
        )?;
    }
    Ok(())
}
