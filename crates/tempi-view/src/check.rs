//! A community file's check as JSON, as `tempi check --json` prints it.

use std::io::{self, Write};

use serde_json::{Value, json};
use tempi_core::file::{Diagnostic, FileErrors, Loaded, Severity};

use crate::write_value;

fn diagnostic(d: &Diagnostic) -> Value {
    json!({
        "file": d.path,
        "line": d.line,
        "col": d.col,
        "severity": match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        },
        "message": d.message,
    })
}

/// Writes what reading a community file found, with a newline: `ok` (no errors), the
/// community's id, name and counts when it was read, and every error and warning with its
/// `file`, `line`, `col`, `severity` and `message`.
///
/// # Errors
/// When `out` fails.
pub fn write_check_json(out: &mut dyn Write, read: &Result<Loaded, FileErrors>) -> io::Result<()> {
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
            (community, &[][..], &loaded.warnings[..])
        }
        Err(e) => (Value::Null, &e.errors[..], &e.warnings[..]),
    };
    let value = json!({
        "ok": errors.is_empty(),
        "community": community,
        "errors": errors.iter().map(diagnostic).collect::<Vec<_>>(),
        "warnings": warnings.iter().map(diagnostic).collect::<Vec<_>>(),
    });
    write_value(out, &value)
}
