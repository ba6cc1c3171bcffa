//! Pods as `tempi pods` prints them: text and JSON.

use std::io::{self, Write};

use serde_json::json;
use tempi_solve::{PodBound, PodPlan};

use crate::slots::{write_local, write_value};

/// The bound's kind as the JSON names it, and its value.
fn bound(plan: &PodPlan) -> (&'static str, usize) {
    match plan.bound {
        PodBound::Optimal { optimum } => ("optimum", optimum),
        PodBound::Upper { bound } => ("upper-bound", bound),
    }
}

/// Writes the pods as JSON, with a newline.
///
/// # Errors
/// When `out` fails.
pub fn write_pods_json(out: &mut dyn Write, plan: &PodPlan) -> io::Result<()> {
    let (bound_kind, bound) = bound(plan);
    let value = json!({
        "objective": plan.objective,
        "bound": { "kind": bound_kind, "value": bound },
        "pods": plan.pods.iter().map(|p| json!({
            "members": p.members,
            "shared_quarter_hours": p.shared,
            "time": p.pattern.as_ref().map(|t| json!({
                "start": t.occurrences.first().map(|o| o.start.to_rfc3339()),
                "time": t.time.format("%H:%M").to_string(),
                "zone": t.zone.name(),
                "weekdays": t.weekdays.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
                "misses": t.misses,
                "attendees": t.members.iter().map(|m| json!({"id": m.id, "local": m.local.to_rfc3339()})).collect::<Vec<_>>(),
            })),
        })).collect::<Vec<_>>(),
    });
    write_value(out, &value)
}

/// Writes the pods as text: a heading with the shared time and its bound, then each pod with
/// its members and their shared recurring time in each member's zone. `members` is how many
/// were split.
///
/// # Errors
/// When `out` fails.
pub fn write_pods(out: &mut dyn Write, plan: &PodPlan, members: usize) -> io::Result<()> {
    let (bound_kind, bound) = bound(plan);
    writeln!(
        out,
        "{} pods from {members} members; shared time {} (the {} is {bound}; 100% = as good as it gets)",
        plan.pods.len(),
        plan.objective,
        if bound_kind == "optimum" { "optimum" } else { "upper bound" }
    )?;
    for (i, pod) in plan.pods.iter().enumerate() {
        writeln!(
            out,
            "{}. {} ({} weekly quarter-hours shared)",
            i + 1,
            pod.members.join(", "),
            pod.shared
        )?;
        match &pod.pattern {
            Some(p) => {
                let days: Vec<String> = p.weekdays.iter().map(|d| d.to_string()).collect();
                writeln!(
                    out,
                    "   {} {} {} from {}",
                    days.join(","),
                    p.time.format("%H:%M"),
                    p.zone.name(),
                    p.first
                )?;
                for m in &p.members {
                    write_local(out, &m.id, &m.local)?;
                }
            }
            None => writeln!(out, "   no recurring time holds for all of them")?,
        }
    }
    Ok(())
}
