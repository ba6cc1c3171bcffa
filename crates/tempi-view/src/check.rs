//! A community file's check as `tempi check` prints it: JSON (`--json`), and the text of its
//! errors and availability problems.

use std::io::{self, Write};

use serde_json::{Value, json};
use tempi_core::Error;
use tempi_core::file::{Diagnostic, Loaded, Severity};
use tempi_solve::Unavailable;

use crate::write_value;

fn diagnostic(d: &Diagnostic) -> Value {
    json!({
        "file": d.path,
        "line": d.line,
        "col": d.col,
        "severity": d.severity.as_str(),
        "message": d.message,
    })
}

/// Writes what reading a community file found, with a newline: `ok` (no errors), the
/// community's id, name and counts when it was read, and every error and warning with its
/// `file`, `line`, `col`, `severity` and `message`.
///
/// # Errors
/// When `out` fails.
pub fn write_check_json(out: &mut dyn Write, read: &Result<Loaded, Error>) -> io::Result<()> {
    write_check_json_with(out, read, &[], false)
}

/// One availability problem as JSON: who, which rhythm, why, the dates and their summary, the
/// local times, and the suggested time (or `null`).
fn unavailable(u: &Unavailable, strict: bool) -> Value {
    let suggestion = u.suggestion.as_ref().map(|s| {
        json!({
            "weekdays": s.weekdays.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "time": s.time.format("%H:%M").to_string(),
            "zone": s.zone.name(),
            "first": s.first.to_string(),
            "text": s.to_string(),
        })
    });
    json!({
        "severity": if strict { "error" } else { "warning" },
        "member": u.member,
        "rhythm": u.rhythm,
        "reason": u.why.code(),
        "zone": u.zone.name(),
        "local": u.local.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "dates": u.dates.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "occurrences": u.occurrences,
        "summary": u.dates_summary(),
        "suggestion": suggestion,
        "message": u.to_string(),
    })
}

/// [`write_check_json`] with the availability check's findings (`availability`, each with
/// `severity`, `member`, `rhythm`, `reason`, `zone`, `local`, `dates`, `occurrences`,
/// `summary`, `suggestion` and `message`); with `strict` they are errors and make `ok` false.
///
/// # Errors
/// When `out` fails.
pub fn write_check_json_with(
    out: &mut dyn Write,
    read: &Result<Loaded, Error>,
    availability: &[Unavailable],
    strict: bool,
) -> io::Result<()> {
    let (community, errors, warnings) = match read {
        Ok(loaded) => {
            let c = &loaded.community;
            let community = json!({
                "id": c.id(),
                "name": c.name(),
                "members": c.members().len(),
                "groups": c.groups().len(),
                "rhythms": c.rhythms().len(),
            });
            (community, Vec::new(), &loaded.warnings[..])
        }
        Err(Error::File { errors, warnings }) => {
            (Value::Null, errors.iter().map(diagnostic).collect(), &warnings[..])
        }
        // `file::parse` fails only with located errors; anything else has no place to show.
        Err(other) => (Value::Null, vec![json!({"message": other.to_string()})], &[][..]),
    };
    let value = json!({
        "ok": errors.is_empty() && (!strict || availability.is_empty()),
        "community": community,
        "errors": errors,
        "warnings": warnings.iter().map(diagnostic).collect::<Vec<_>>(),
        "availability": availability.iter().map(|u| unavailable(u, strict)).collect::<Vec<_>>(),
    });
    write_value(out, &value)
}

/// The line `tempi check` prints for a valid community: its name and id, its counts, and how
/// many `warnings` there were, e.g. `ok: Riverbend (riverbend): 20 members, 5 groups, 12
/// rhythms; 1 warning`.
#[must_use]
pub fn summary(community: &tempi_core::Community, warnings: usize) -> String {
    let c = community;
    format!(
        "ok: {} ({}): {} members, {} groups, {} rhythms; {warnings} warning{}",
        c.name(),
        c.id(),
        c.members().len(),
        c.groups().len(),
        c.rhythms().len(),
        if warnings == 1 { "" } else { "s" }
    )
}

/// A community file's errors as text: each diagnostic (errors, then warnings) on its own line
/// with `file:line:col`, then `N error(s) in FILE`, `shown` naming the file.
#[must_use]
pub fn file_errors(errors: &[Diagnostic], warnings: &[Diagnostic], shown: &str) -> String {
    let mut text = String::new();
    for d in errors.iter().chain(warnings) {
        text.push_str(&format!("{d}\n"));
    }
    let n = errors.len();
    text.push_str(&format!("{n} error{} in {shown}", if n == 1 { "" } else { "s" }));
    text
}

/// The availability problems as lines of `place: severity: message`, each placed at its
/// rhythm in the file (`shown` naming it) when the file has it, else at the file; messages are
/// wrapped in [`Safe`](crate::Safe).
#[must_use]
pub fn availability_lines(
    loaded: &Loaded,
    shown: &str,
    problems: &[Unavailable],
    severity: Severity,
) -> String {
    let severity = severity.as_str();
    let mut text = String::new();
    for p in problems {
        let place = loaded.locate_rhythm(shown, &p.rhythm).unwrap_or_else(|| shown.to_string());
        text.push_str(&format!("{place}: {severity}: {}\n", crate::Safe(p)));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_and_makes_one_warning_singular() {
        let text = "[community]\nid = \"c\"\nname = \"C\"\nstart = \"2027-01-04\"\nzone = \"Europe/Berlin\"\n";
        let Ok(loaded) = tempi_core::file::parse(text, "c.toml") else { panic!("a valid file") };
        // No members, groups or rhythms in the file.
        let c = &loaded.community;
        assert_eq!(summary(c, 1), "ok: C (c): 0 members, 0 groups, 0 rhythms; 1 warning");
        assert_eq!(summary(c, 2), "ok: C (c): 0 members, 0 groups, 0 rhythms; 2 warnings");
    }

    #[test]
    fn file_errors_list_each_diagnostic_then_count_them() {
        // A zone that does not exist is one error, located at its value (line 5, column 8).
        let text = "[community]\nid = \"c\"\nname = \"C\"\nstart = \"2027-01-04\"\nzone = \"Europe/Berln\"\n";
        let Err(Error::File { errors, warnings }) = tempi_core::file::parse(text, "c.toml") else {
            panic!("an unknown zone is an error");
        };
        let shown = file_errors(&errors, &warnings, "c.toml");
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines.len(), errors.len() + warnings.len() + 1, "{shown}");
        assert!(lines.first().is_some_and(|l| l.starts_with("c.toml:5:8: error:")), "{shown}");
        // One error, so the count is singular.
        assert_eq!(errors.len(), 1, "{shown}");
        assert_eq!(lines.last(), Some(&"1 error in c.toml"));
    }
}
