//! The plan as JSON, as `tempi plan --json` prints it (schema: docs/plan-json.md).

use std::io::{self, Write};

use chrono::DateTime;
use chrono_tz::Tz;
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};
use tempi_core::file::Diagnostic;
use tempi_core::{Community, Occurrence, Plan, Status};

use crate::rhythm_name;

fn rfc3339(t: &DateTime<Tz>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// The JSON document for `tempi plan --json` (schema: docs/plan-json.md), streamed: a large
/// plan is written one occurrence at a time instead of being built as one tree first (which took
/// gigabytes for a 20,000-member organisation). Keys are in alphabetical order, as documented.
/// `warnings` are those the community file produced; the plan's own follow them. No newline
/// follows the closing brace.
///
/// # Errors
/// When `out` fails; its error comes back as it was (a closed pipe stays `BrokenPipe`).
pub fn write_plan_json(
    out: &mut dyn Write,
    community: &Community,
    plan: &Plan,
    warnings: &[Diagnostic],
) -> io::Result<()> {
    let doc = Document { community, plan, warnings };
    serde_json::to_writer_pretty(out, &doc).map_err(io::Error::from)
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
        let uids = tempi_ical::export::occurrence_uids(self.community, self.plan);
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
        "mixers": o.mixers.iter().map(|g| g.iter().map(|m| &**m).collect::<Vec<_>>()).collect::<Vec<_>>(),
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
