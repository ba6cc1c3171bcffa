//! The terminal agenda: a plan's occurrences by month, then its conflicts and warnings.

use std::io::{self, Write};

use chrono::{Datelike, Timelike};
use chrono_tz::Tz;
use tempi_core::file::Diagnostic;
use tempi_core::{Community, Occurrence, Plan, Status};

use crate::{Safe, rhythm_name};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// What the agenda shows: every occurrence in the community's zone by default; one member's
/// occurrences, and the times in another zone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AgendaOptions {
    /// Print the times in this zone (default: the member's zone with `member`, else the
    /// community's).
    pub zone: Option<Tz>,
    /// Only the occurrences this member attends (an id the community has; unknown ids print an
    /// empty agenda, so check them first, e.g. with `tempi::pipeline::member`).
    pub member: Option<String>,
}

impl AgendaOptions {
    /// Every occurrence, in the community's zone.
    #[must_use]
    pub fn new() -> AgendaOptions {
        AgendaOptions::default()
    }

    /// Times in `zone`.
    #[must_use]
    pub fn zone(mut self, zone: Tz) -> AgendaOptions {
        self.zone = Some(zone);
        self
    }

    /// Only `member`'s occurrences (in their zone unless [`AgendaOptions::zone`] is set).
    #[must_use]
    pub fn member(mut self, id: impl Into<String>) -> AgendaOptions {
        self.member = Some(id.into());
        self
    }
}

/// Writes the agenda `tempi plan` prints: occurrences grouped by month in the community's zone
/// (one line each, with its status, cycle and facilitator), then conflicts, `warnings` (those
/// the community file produced) with the plan's own, and a count.
///
/// # Errors
/// When `out` fails.
pub fn write_agenda(
    out: &mut dyn Write,
    community: &Community,
    plan: &Plan,
    warnings: &[Diagnostic],
) -> io::Result<()> {
    write_agenda_with(out, community, plan, warnings, &AgendaOptions::new())
}

/// [`write_agenda`] with options: the times in another zone, or one member's occurrences (and
/// the conflicts between rhythms they attend), headed with their name.
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub mod view { pub use tempi_view::*; } }
/// use tempi::view::agenda::{AgendaOptions, write_agenda_with};
/// use tempi::{Window, file};
///
/// let loaded = file::parse(include_str!("../../../examples/community.toml"), "community.toml")?;
/// let community = &loaded.community;
/// let plan = community.plan(Window::year(community.zone(), 2027)?)?;
/// let mut agenda = Vec::new();
/// write_agenda_with(&mut agenda, community, &plan, &[], &AgendaOptions::new().member("grace"))?;
/// let text = String::from_utf8(agenda)?;
/// assert!(text.contains("(times in America/New_York) for Grace Okafor (grace)"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// When `out` fails.
pub fn write_agenda_with(
    out: &mut dyn Write,
    community: &Community,
    plan: &Plan,
    warnings: &[Diagnostic],
    options: &AgendaOptions,
) -> io::Result<()> {
    let member = options.member.as_deref();
    let person = member.and_then(|id| community.member(id));
    let zone = options.zone.or(person.map(tempi_core::Member::zone)).unwrap_or(community.zone());
    let attends = |o: &Occurrence| member.is_none_or(|id| o.attendees.iter().any(|a| &**a == id));
    let window = plan.window();
    // The window's dates are the community's (that is how it was asked for); the times are in
    // `zone`.
    let home = community.zone();
    let last_day = (window.end() - chrono::Duration::seconds(1)).with_timezone(&home);
    write!(
        out,
        "{} — {} to {} (times in {})",
        Safe(community.name()),
        window.start().with_timezone(&home).format("%Y-%m-%d"),
        last_day.format("%Y-%m-%d"),
        zone.name()
    )?;
    match (member, person) {
        (Some(id), Some(p)) => writeln!(out, " for {} ({})", Safe(p.name()), Safe(id))?,
        (Some(id), None) => writeln!(out, " for {}", Safe(id))?,
        (None, _) => writeln!(out)?,
    }
    let mut month: Option<(i32, u32)> = None;
    let mut shown: Vec<&Occurrence> = Vec::new();
    for occ in plan.occurrences().iter().filter(|o| attends(o)) {
        let start = occ.start.with_timezone(&zone);
        // An all-day occurrence is filed under its own date, which no zone moves.
        let key = match occ.days() {
            Some((first, _)) => (first.year(), first.month()),
            None => (start.year(), start.month()),
        };
        if month != Some(key) {
            month = Some(key);
            let name = MONTHS.get(key.1.saturating_sub(1) as usize).copied().unwrap_or_default();
            writeln!(out, "\n{name} {}", key.0)?;
        }
        agenda_line(out, community, occ, zone)?;
        shown.push(occ);
        mixer_lines(out, occ)?;
    }
    let counts = Counts::of(shown.iter().copied());
    let conflicts: Vec<_> = plan
        .conflicts()
        .iter()
        .filter(|c| {
            member
                .is_none_or(|id| c.rhythms.iter().all(|r| community.attendees_of(r).contains(&id)))
        })
        .collect();
    if !conflicts.is_empty() {
        writeln!(out, "\nConflicts")?;
        for conflict in &conflicts {
            writeln!(out, "  ! {}", Safe(&conflict.message))?;
        }
    }
    if !warnings.is_empty() || !plan.warnings().is_empty() {
        writeln!(out, "\nWarnings")?;
        for w in warnings {
            writeln!(out, "  {}", Safe(w))?;
        }
        for w in plan.warnings() {
            writeln!(out, "  {}", Safe(w))?;
        }
    }
    writeln!(
        out,
        "\n{} occurrences: {} scheduled, {} shifted, {} cancelled; {} conflict{}",
        shown.len(),
        counts.scheduled,
        counts.shifted,
        counts.cancelled,
        conflicts.len(),
        if conflicts.len() == 1 { "" } else { "s" }
    )?;
    Ok(())
}

struct Counts {
    scheduled: usize,
    shifted: usize,
    cancelled: usize,
}

impl Counts {
    fn of<'a>(list: impl IntoIterator<Item = &'a Occurrence>) -> Counts {
        let mut c = Counts { scheduled: 0, shifted: 0, cancelled: 0 };
        for o in list {
            match o.status {
                Status::Scheduled => c.scheduled += 1,
                Status::Shifted { .. } => c.shifted += 1,
                Status::Cancelled { .. } => c.cancelled += 1,
                _ => {}
            }
        }
        c
    }
}

/// The mixers of a `mix` rhythm's occurrence, one indented line each (member ids).
fn mixer_lines(out: &mut dyn Write, occ: &Occurrence) -> io::Result<()> {
    for (k, mixer) in occ.mixers.iter().enumerate() {
        write!(out, "      mixer {}:", k + 1)?;
        for (j, id) in mixer.iter().enumerate() {
            write!(out, "{}{}", if j == 0 { " " } else { ", " }, Safe(&**id))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// One agenda line. Written field by field: a year of a large organisation is 200,000 lines, and
/// chrono's `format` re-parses its pattern on every call.
fn agenda_line(
    out: &mut dyn Write,
    community: &Community,
    occ: &Occurrence,
    zone: Tz,
) -> io::Result<()> {
    let start = occ.start.with_timezone(&zone);
    let end = occ.end.with_timezone(&zone);
    let mark = match occ.status {
        Status::Scheduled => ' ',
        Status::Shifted { .. } => '>',
        Status::Cancelled { .. } => 'x',
        _ => '?',
    };
    if let Some((first, days)) = occ.days() {
        write!(out, "{mark} ")?;
        all_day_span(out, first, days)?;
        write!(out, "  {}", Safe(rhythm_name(community, &occ.rhythm)))?;
        return agenda_tail(out, occ, zone);
    }
    write!(
        out,
        "{mark} {} {:02} {:02}:{:02}-",
        start.weekday(),
        start.day(),
        start.hour(),
        start.minute()
    )?;
    if end.date_naive() != start.date_naive() {
        let month = MONTHS.get(end.month0() as usize).and_then(|m| m.get(..3)).unwrap_or_default();
        write!(out, "{} {:02} {month} ", end.weekday(), end.day())?;
    }
    write!(
        out,
        "{:02}:{:02}  {}",
        end.hour(),
        end.minute(),
        Safe(rhythm_name(community, &occ.rhythm))
    )?;
    agenda_tail(out, occ, zone)
}

/// An all-day occurrence's dates, as wide as a timed line's times: `Sat 12 all day` or
/// `Fri 11-Sun 13 Jun 3 days`.
fn all_day_span(out: &mut dyn Write, first: chrono::NaiveDate, days: u32) -> io::Result<()> {
    if days <= 1 {
        return write!(out, "{} {:02} all day    ", first.weekday(), first.day());
    }
    let last = first + chrono::Duration::days(i64::from(days) - 1);
    let month = MONTHS.get(last.month0() as usize).and_then(|m| m.get(..3)).unwrap_or_default();
    write!(
        out,
        "{} {:02}-{} {:02} {month} {days} days",
        first.weekday(),
        first.day(),
        last.weekday(),
        last.day()
    )
}

/// The end of an agenda line: cycle, status and facilitator.
fn agenda_tail(out: &mut dyn Write, occ: &Occurrence, zone: Tz) -> io::Result<()> {
    if let Some(cycle) = occ.cycle {
        write!(out, " ({})", Safe(cycle))?;
    }
    match &occ.status {
        Status::Scheduled => {}
        Status::Shifted { from, reason } if occ.all_day => {
            let from = from.date_naive();
            write!(out, "  shifted from {} {:02}: {}", from.weekday(), from.day(), Safe(reason))?;
        }
        Status::Shifted { from, reason } => {
            let from = from.with_timezone(&zone);
            write!(
                out,
                "  shifted from {} {:02} {:02}:{:02}: {}",
                from.weekday(),
                from.day(),
                from.hour(),
                from.minute(),
                Safe(reason)
            )?;
        }
        Status::Cancelled { reason } => write!(out, "  CANCELLED: {}", Safe(reason))?,
        _ => {}
    }
    if let Some(f) = occ.facilitator() {
        write!(out, "  · facilitator {}", Safe(f))?;
    }
    writeln!(out)
}
