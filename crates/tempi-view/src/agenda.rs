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
    let zone = community.zone();
    let window = plan.window();
    let last_day = (window.end() - chrono::Duration::seconds(1)).with_timezone(&zone);
    writeln!(
        out,
        "{} — {} to {} (times in {})",
        Safe(community.name()),
        window.start().with_timezone(&zone).format("%Y-%m-%d"),
        last_day.format("%Y-%m-%d"),
        zone.name()
    )?;
    let mut month: Option<(i32, u32)> = None;
    for occ in plan.occurrences() {
        let start = occ.start.with_timezone(&zone);
        let key = (start.year(), start.month());
        if month != Some(key) {
            month = Some(key);
            let name = MONTHS.get(start.month0() as usize).copied().unwrap_or_default();
            writeln!(out, "\n{name} {}", start.year())?;
        }
        agenda_line(out, community, occ, zone)?;
        mixer_lines(out, occ)?;
    }
    let counts = Counts::of(plan.occurrences());
    if !plan.conflicts().is_empty() {
        writeln!(out, "\nConflicts")?;
        for conflict in plan.conflicts() {
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
        plan.occurrences().len(),
        counts.scheduled,
        counts.shifted,
        counts.cancelled,
        plan.conflicts().len(),
        if plan.conflicts().len() == 1 { "" } else { "s" }
    )?;
    Ok(())
}

struct Counts {
    scheduled: usize,
    shifted: usize,
    cancelled: usize,
}

impl Counts {
    fn of(list: &[Occurrence]) -> Counts {
        let mut c = Counts { scheduled: 0, shifted: 0, cancelled: 0 };
        for o in list {
            match o.status {
                Status::Scheduled => c.scheduled += 1,
                Status::Shifted { .. } => c.shifted += 1,
                Status::Cancelled { .. } => c.cancelled += 1,
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
    };
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
    if let Some(cycle) = occ.cycle {
        write!(out, " ({})", Safe(cycle))?;
    }
    match &occ.status {
        Status::Scheduled => {}
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
    }
    if let Some(f) = occ.facilitator() {
        write!(out, "  · facilitator {}", Safe(f))?;
    }
    writeln!(out)
}
