//! Pods as `tempi pods` prints them: text and JSON.

use std::io::{self, Write};

use serde_json::json;
use tempi_solve::{PodBound, PodPlan};

use crate::slots::write_local;
use crate::write_value;

/// The bound's kind as the JSON names it, and its value.
fn bound(plan: &PodPlan) -> (&'static str, usize) {
    match plan.bound {
        PodBound::Optimal { optimum } => ("optimum", optimum),
        _ => ("upper-bound", plan.bound.value()),
    }
}

/// The shared time as a share of the best split's: exact when the optimum is known, else a
/// floor (the objective over an upper bound of the optimum).
fn score(plan: &PodPlan) -> String {
    let percent = |best: usize| plan.objective.saturating_mul(100).checked_div(best).unwrap_or(100);
    match plan.bound {
        PodBound::Optimal { optimum } => format!(
            "shared time {}, {}% of the best split's ({optimum})",
            plan.objective,
            percent(optimum)
        ),
        _ => format!(
            "shared time {}, at least {}% of the best split's (at most {})",
            plan.objective,
            percent(plan.bound.value()),
            plan.bound.value()
        ),
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

/// Writes the pods as text: a heading with the shared time as a share of the best split's
/// (exact up to 10 members, a lower bound above), what shared time means, then each pod with its
/// members and their shared recurring time in each member's zone. `members` is how many were
/// split.
///
/// # Errors
/// When `out` fails.
pub fn write_pods(out: &mut dyn Write, plan: &PodPlan, members: usize) -> io::Result<()> {
    writeln!(out, "{} pods from {members} members; {}", plan.pods.len(), score(plan))?;
    writeln!(
        out,
        "(shared time: the weekly quarter-hours each member has in common with their whole pod, summed over members)"
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
                writeln!(out, "   {}", crate::slots::when(p, &days.join(",")))?;
                for m in &p.members {
                    write_local(out, &m.id, &m.local)?;
                }
            }
            None => writeln!(out, "   no recurring time holds for all of them")?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use tempi_solve::{PodBound, PodPlan};

    fn heading(objective: usize, bound: PodBound) -> String {
        let plan = PodPlan::new(Vec::new(), objective, bound);
        let mut out = Vec::new();
        super::write_pods(&mut out, &plan, 0).unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn the_heading_gives_a_percentage_and_says_what_it_means() {
        // 220 of an upper bound 729: the best split shares at most 729, so 220 is at least
        // 220/729 = 30.2% of it (floored).
        let text = heading(220, PodBound::Upper { bound: 729 });
        assert!(
            text.contains("shared time 220, at least 30% of the best split's (at most 729)"),
            "{text}"
        );
        assert!(text.contains("weekly quarter-hours each member has in common"), "{text}");
        // With the optimum known the share is exact: 45 of 60 is 75%.
        let text = heading(45, PodBound::Optimal { optimum: 60 });
        assert!(text.contains("shared time 45, 75% of the best split's (60)"), "{text}");
        // Nothing to share at all: the split is as good as any, not a division by zero.
        let text = heading(0, PodBound::Optimal { optimum: 0 });
        assert!(text.contains("shared time 0, 100% of the best split's (0)"), "{text}");
    }
}
