//! Plan output: the terminal agenda and the JSON document (docs/plan-json.md).

use std::io::{self, Write};

use chrono::{DateTime, Datelike, Timelike};
use chrono_tz::Tz;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};
use tempi::file::Diagnostic;
use tempi::{Community, Occurrence, Plan, Status};

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

fn rhythm_name<'a>(community: &'a Community, id: &'a str) -> &'a str {
    community.rhythm(id).map_or(id, |r| r.name())
}

/// The agenda: occurrences grouped by month in the community's zone, then conflicts and warnings.
pub(crate) fn agenda(
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
        community.name(),
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
    }
    let counts = Counts::of(plan.occurrences());
    if !plan.conflicts().is_empty() {
        writeln!(out, "\nConflicts")?;
        for conflict in plan.conflicts() {
            writeln!(out, "  ! {}", conflict.message)?;
        }
    }
    if !warnings.is_empty() || !plan.warnings().is_empty() {
        writeln!(out, "\nWarnings")?;
        for w in warnings {
            writeln!(out, "  {w}")?;
        }
        for w in plan.warnings() {
            writeln!(out, "  {w}")?;
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
    write!(out, "{:02}:{:02}  {}", end.hour(), end.minute(), rhythm_name(community, &occ.rhythm))?;
    if let Some(cycle) = occ.cycle {
        write!(out, " ({cycle})")?;
    }
    match &occ.status {
        Status::Scheduled => {}
        Status::Shifted { from, reason } => {
            let from = from.with_timezone(&zone);
            write!(
                out,
                "  shifted from {} {:02} {:02}:{:02}: {reason}",
                from.weekday(),
                from.day(),
                from.hour(),
                from.minute()
            )?;
        }
        Status::Cancelled { reason } => write!(out, "  CANCELLED: {reason}")?,
    }
    if let Some(f) = occ.facilitator() {
        write!(out, "  · facilitator {f}")?;
    }
    writeln!(out)
}

fn rfc3339(t: &DateTime<Tz>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The JSON document for `tempi plan --json` (schema: docs/plan-json.md), streamed: a large
/// plan is written one occurrence at a time instead of being built as one tree first (which took
/// gigabytes for a 20,000-member organisation). Keys are in alphabetical order, as documented.
pub(crate) fn write_json(
    out: &mut dyn Write,
    community: &Community,
    plan: &Plan,
    warnings: &[Diagnostic],
) -> serde_json::Result<()> {
    let doc = Document { community, plan, warnings };
    serde_json::to_writer_pretty(out, &doc)
}

struct Document<'a> {
    community: &'a Community,
    plan: &'a Plan,
    warnings: &'a [Diagnostic],
}

struct Occurrences<'a> {
    community: &'a Community,
    plan: &'a Plan,
}

impl Serialize for Occurrences<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let uids = tempi::ical::export::occurrence_uids(self.community, self.plan);
        let mut seq = serializer.serialize_seq(Some(self.plan.occurrences().len()))?;
        for (o, uid) in self.plan.occurrences().iter().zip(&uids) {
            seq.serialize_element(&occurrence(self.community, o, uid))?;
        }
        seq.end()
    }
}

fn occurrence(community: &Community, o: &Occurrence, uid: &str) -> Value {
    let zone = community.zone();
    let timezone = community.rhythm(&o.rhythm).map_or(zone, |r| community.rhythm_zone(r));
    json!({
        "rhythm": &*o.rhythm,
        "uid": uid,
        "name": rhythm_name(community, &o.rhythm),
        "group": &*o.group,
        "category": o.category.as_str(),
        "start": rfc3339(&o.start),
        "end": rfc3339(&o.end),
        "timezone": timezone.name(),
        "status": o.status.as_str(),
        "reason": o.status.reason(),
        "shifted_from": match &o.status {
            Status::Shifted { from, .. } => Some(rfc3339(from)),
            _ => None,
        },
        "facilitator": o.facilitator(),
        "roles": o.roles.iter().map(|r| json!({"role": &*r.role, "member": &*r.member})).collect::<Vec<_>>(),
        "attendees": o.attendees.iter().map(|a| &**a).collect::<Vec<_>>(),
        "cycle": o.cycle.map(|c| json!({
            "number": c.number,
            "meeting": c.meeting,
            "meetings": c.meetings,
            "retrospective": c.retrospective,
        })),
    })
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (community, plan) = (self.community, self.plan);
        let zone = community.zone();
        let window = plan.window();
        let last_day = (window.end() - chrono::Duration::seconds(1)).with_timezone(&zone);
        let conflicts: Vec<Value> = plan
            .conflicts()
            .iter()
            .map(|c| {
                json!({
                    "rhythms": c.rhythms.iter().map(|r| &**r).collect::<Vec<_>>(),
                    "members": c.members.iter().map(|m| &**m).collect::<Vec<_>>(),
                    "first": rfc3339(&c.first),
                    "count": c.count,
                    "message": c.message,
                })
            })
            .collect();
        let mut warning_list: Vec<Value> = self
            .warnings
            .iter()
            .map(|w| json!({"file": w.path, "line": w.line, "col": w.col, "message": w.message}))
            .collect();
        warning_list.extend(plan.warnings().iter().map(|w| json!({"message": w})));
        let mut map = serializer.serialize_map(Some(5))?;
        map.serialize_entry(
            "community",
            &json!({"id": community.id(), "name": community.name(), "timezone": zone.name()}),
        )?;
        map.serialize_entry("conflicts", &conflicts)?;
        map.serialize_entry("occurrences", &Occurrences { community, plan })?;
        map.serialize_entry("warnings", &warning_list)?;
        map.serialize_entry(
            "window",
            &json!({
                "from": window.start().with_timezone(&zone).format("%Y-%m-%d").to_string(),
                "to": last_day.format("%Y-%m-%d").to_string(),
            }),
        )?;
        map.end()
    }
}
