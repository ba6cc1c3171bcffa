//! The plan as JSON, as `tempi plan --json` prints it (schema: docs/plan-json.md).

use std::io::{self, Write};

use serde::ser::{Error as _, Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Value, json};
use tempi_core::file::Diagnostic;
use tempi_core::{Community, Occurrence, Plan};

use crate::rhythm_name;

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
            let value = occurrence(self.community, o, uid).map_err(S::Error::custom)?;
            seq.serialize_element(&value)?;
        }
        seq.end()
    }
}

/// One occurrence: its own `Serialize` (tempi-core's derive), plus the keys that need the
/// community (`name`, `timezone`, `facilitator`) and the feeds (`uid`). A `Value` holds its keys
/// sorted, so the keys come out in alphabetical order.
fn occurrence(community: &Community, o: &Occurrence, uid: &str) -> serde_json::Result<Value> {
    let zone = community.zone();
    let timezone = community.rhythm(&o.rhythm).map_or(zone, |r| community.rhythm_zone(r));
    let mut value = serde_json::to_value(o)?;
    if let Value::Object(map) = &mut value {
        map.insert("name".into(), rhythm_name(community, &o.rhythm).into());
        map.insert("timezone".into(), timezone.name().into());
        map.insert("facilitator".into(), o.facilitator().into());
        map.insert("uid".into(), uid.into());
        map.insert("days".into(), o.days().map(|(_, days)| days).into());
    }
    Ok(value)
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (community, plan) = (self.community, self.plan);
        let zone = community.zone();
        let window = plan.window();
        let last_day = (window.end() - chrono::Duration::seconds(1)).with_timezone(&zone);
        // Sorted keys, as every object here (a `Value` keeps its keys sorted).
        let conflicts = serde_json::to_value(plan.conflicts()).map_err(S::Error::custom)?;
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
