//! Busy time as `tempi busy` prints it: what tempi read from a calendar export.

use std::io::{self, Write};

use chrono::{DateTime, Utc};
use serde_json::json;
use tempi_ical::import::Busy;

use crate::write_value;

fn stamp(t: DateTime<Utc>) -> String {
    t.format("%Y%m%dT%H%M%SZ").to_string()
}

/// Writes one line per busy instance, `UID<TAB>start (UTC)<TAB>seconds`, sorted by UID, then
/// start and end. The warnings are not written.
///
/// # Errors
/// When `out` fails.
pub fn write_busy(out: &mut dyn Write, busy: &Busy) -> io::Result<()> {
    let mut events: Vec<_> = busy.events.iter().collect();
    events.sort_by(|a, b| (&a.uid, a.start, a.end).cmp(&(&b.uid, b.start, b.end)));
    for event in events {
        writeln!(
            out,
            "{}\t{}\t{}",
            crate::Safe(&event.uid),
            stamp(event.start),
            (event.end - event.start).num_seconds()
        )?;
    }
    Ok(())
}

/// Writes one JSON object: the events, the merged intervals and the warnings, with a newline.
///
/// # Errors
/// When `out` fails.
pub fn write_busy_json(out: &mut dyn Write, busy: &Busy) -> io::Result<()> {
    let value = json!({
        "events": busy.events.iter().map(|e| json!({
            "uid": e.uid,
            "start": stamp(e.start),
            "end": stamp(e.end),
            "seconds": (e.end - e.start).num_seconds(),
        })).collect::<Vec<_>>(),
        "intervals": busy.intervals.iter().map(|(s, e)| json!([stamp(*s), stamp(*e)])).collect::<Vec<_>>(),
        "warnings": busy.warnings.iter().map(|w| json!({"line": w.line, "message": w.message})).collect::<Vec<_>>(),
    });
    write_value(out, &value)
}
