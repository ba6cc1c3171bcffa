//! Meeting times as `tempi slots` prints them: text and JSON (schema: docs/slots-json.md).
//!
//! The solver's answers ([`tempi::solve::Slots`](Slots) for a one-off search, [`tempi::solve::Patterns`](Patterns)
//! for a recurring one) with what the search was ([`Search`]) and its what-ifs.

use std::io::{self, Write};

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;
use serde_json::{Value, json};
use tempi_core::{Cadence, Length};
use tempi_solve::{Candidate, Pattern, Patterns, Slots, WhatIf};

use crate::write_value;

/// What was searched for: shown in the heading and in the JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Search {
    /// How long the meeting lasts.
    pub length: Length,
    /// How many members were asked about (required and optional).
    pub members: usize,
    /// The zone the window's dates are in (one-off) or the time is anchored in (recurring).
    pub zone: Tz,
    /// The first day searched.
    pub from: NaiveDate,
    /// The last day searched, inclusive (one-off searches).
    pub to: Option<NaiveDate>,
    /// The cadence (recurring searches).
    pub cadence: Option<Cadence>,
    /// Occurrences a recurring time may miss.
    pub allowed_misses: u32,
}

impl Search {
    /// A one-off search for `length` among `members` members, `from` to `to` in `zone`.
    #[must_use]
    pub fn one_off(
        length: Length,
        members: usize,
        zone: Tz,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Search {
        Search { length, members, zone, from, to: Some(to), cadence: None, allowed_misses: 0 }
    }

    /// A recurring search: `cadence` anchored in `zone` from `from`, allowing `allowed_misses`.
    #[must_use]
    pub fn recurring(
        length: Length,
        members: usize,
        cadence: Cadence,
        zone: Tz,
        from: NaiveDate,
        allowed_misses: u32,
    ) -> Search {
        Search { length, members, zone, from, to: None, cadence: Some(cadence), allowed_misses }
    }
}

/// One attendee's line: their id, then the time in their own zone.
pub(crate) fn write_local(out: &mut dyn Write, id: &str, local: &DateTime<Tz>) -> io::Result<()> {
    writeln!(out, "   {id:<12} {}  {}", local.format("%a %H:%M"), local.timezone().name())
}

/// Writes a one-off search's answer as JSON (`"kind": "one-off"`), with a newline.
///
/// # Errors
/// When `out` fails.
pub fn write_slots_json(
    out: &mut dyn Write,
    search: &Search,
    slots: &Slots,
    what_ifs: &[WhatIf],
) -> io::Result<()> {
    let value = json!({
        "kind": "one-off",
        "length_minutes": search.length.minutes(),
        "window": {
            "from": search.from.to_string(),
            "to": search.to.unwrap_or(search.from).to_string(),
            "zone": search.zone.name(),
        },
        "candidates": slots.candidates.iter().map(candidate_json).collect::<Vec<_>>(),
        "valid": slots.valid,
        "no_fit": slots.no_fit.as_ref().map(|n| json!({
            "reasons": n.reasons,
            "near_misses": n.near_misses.iter().map(candidate_json).collect::<Vec<_>>(),
        })),
        "what_ifs": what_ifs.iter().map(what_if_json).collect::<Vec<_>>(),
    });
    write_value(out, &value)
}

/// Writes a recurring search's answer as JSON (`"kind": "recurring"`), with a newline.
///
/// # Errors
/// When `out` fails.
pub fn write_patterns_json(
    out: &mut dyn Write,
    search: &Search,
    patterns: &Patterns,
    what_ifs: &[WhatIf],
) -> io::Result<()> {
    let value = json!({
        "kind": "recurring",
        "length_minutes": search.length.minutes(),
        "cadence": search.cadence.as_ref().map(ToString::to_string),
        "zone": search.zone.name(),
        "from": search.from.to_string(),
        "allowed_misses": search.allowed_misses,
        "candidates": patterns.patterns.iter().map(pattern_json).collect::<Vec<_>>(),
        "valid": patterns.valid,
        "no_fit": (patterns.patterns.is_empty()).then(|| json!({
            "reasons": patterns.reasons,
            "near_misses": patterns.near_misses.iter().map(pattern_json).collect::<Vec<_>>(),
        })),
        "what_ifs": what_ifs.iter().map(what_if_json).collect::<Vec<_>>(),
    });
    write_value(out, &value)
}

fn score_json(score: &tempi_solve::Score) -> Value {
    json!({
        "total": score.total,
        "attendance": score.attendance,
        "preferences": score.preferences,
        "fairness": score.fairness,
    })
}

fn missing_json(m: &tempi_solve::Missing) -> Value {
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

fn what_if_json(w: &WhatIf) -> Value {
    json!({ "change": w.change.to_string(), "valid": w.valid, "best_score": w.best_score, "unlocks": w.unlocks })
}

pub(crate) fn weekday(d: chrono::Weekday) -> &'static str {
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

fn write_candidate(out: &mut dyn Write, n: usize, c: &Candidate) -> io::Result<()> {
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
        write_local(out, &a.id, &a.local)?;
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

/// Writes a one-off search's answer as text: the best times, or why none fits and the nearest,
/// then the what-ifs that would help.
///
/// # Errors
/// When `out` fails.
pub fn write_slots(
    out: &mut dyn Write,
    search: &Search,
    slots: &Slots,
    what_ifs: &[WhatIf],
) -> io::Result<()> {
    write_slot_list(out, search, slots)?;
    write_what_ifs(out, what_ifs)
}

fn write_slot_list(out: &mut dyn Write, search: &Search, slots: &Slots) -> io::Result<()> {
    let (n, from) = (search.members, search.from);
    let to = search.to.unwrap_or(from);
    writeln!(
        out,
        "{} for {n} members, {from} to {to}; times in each member's zone",
        search.length
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

/// When a pattern meets, as the text answers print it: `{days} 17:00 Europe/Berlin from 2027-03-02`.
pub(crate) fn when(p: &Pattern, days: &str) -> String {
    format!("{days} {} {} from {}", p.time.format("%H:%M"), p.zone.name(), p.first)
}

fn write_pattern(out: &mut dyn Write, n: usize, p: &Pattern) -> io::Result<()> {
    let days: Vec<&str> = p.weekdays.iter().map(|d| weekday(*d)).collect();
    let total = p.occurrences.len();
    writeln!(
        out,
        "{n}. {}: {} of {total} hold  score {} (attendance {}, preferences {}, fairness {})",
        when(p, &days.join(",")),
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

/// Writes a recurring search's answer as text: the best patterns, or why none fits and the
/// nearest, then the what-ifs that would help.
///
/// # Errors
/// When `out` fails.
pub fn write_patterns(
    out: &mut dyn Write,
    search: &Search,
    patterns: &Patterns,
    what_ifs: &[WhatIf],
) -> io::Result<()> {
    write_pattern_list(out, search, patterns)?;
    write_what_ifs(out, what_ifs)
}

fn write_pattern_list(out: &mut dyn Write, search: &Search, patterns: &Patterns) -> io::Result<()> {
    let n = search.members;
    let cadence = search.cadence.as_ref().map(ToString::to_string).unwrap_or_default();
    writeln!(out, "{} for {n} members, {cadence}; times in each member's zone", search.length)?;
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

fn write_what_ifs(out: &mut dyn Write, what_ifs: &[WhatIf]) -> io::Result<()> {
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
