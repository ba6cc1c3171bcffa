//! A plan as people read it: the agenda, the plan JSON and the year at a glance.
//!
//! Everything the `tempi` command prints or draws, as library calls: [`agenda::write_agenda`]
//! (the terminal agenda), [`json::write_plan_json`] (the JSON of docs/plan-json.md),
//! [`year::picture`] (the year as SVG or one self-contained HTML page), and the answers of
//! `slots` ([`slots`]), `pods` ([`pods`]) and `busy` ([`busy`]) as text and JSON. Each writes to
//! the writer it is given or returns a `String`; none touches files, the clock or the
//! environment, so the same input gives the same bytes.
//!
//! Use it through the facade as `tempi::view`:
//!
//! ```
//! # mod tempi { pub use tempi_core::*; pub mod view { pub use tempi_view::*; } }
//! use tempi::{Window, file, view};
//!
//! let loaded = file::parse(include_str!("../../../examples/community.toml"), "community.toml")?;
//! let community = &loaded.community;
//! let plan = community.plan(Window::year(community.zone(), 2027)?)?;
//! let mut agenda = Vec::new();
//! view::agenda::write_agenda(&mut agenda, community, &plan, &loaded.warnings)?;
//! assert!(String::from_utf8(agenda)?.contains("January 2027"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::io::{self, Write};

use tempi_core::Community;

pub mod agenda;
pub mod busy;
pub mod check;
pub mod json;
pub mod pods;
pub mod slots;
pub mod year;

pub use agenda::write_agenda;
pub use json::write_plan_json;

/// Shows `T` with its control characters escaped (`\r`, `\n`, `\u{1b}`…). Names and texts from a
/// community file can hold anything; in a terminal a raw line break would forge a line of the
/// agenda and an ESC could rewrite the screen, so every text output wraps what it did not write.
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub mod view { pub use tempi_view::*; } }
/// use tempi::view::Safe;
/// assert_eq!(Safe("Pod\r\nx Mon 01 \u{1b}[2J").to_string(), "Pod\\r\\nx Mon 01 \\u{1b}[2J");
/// assert_eq!(Safe("Café Ōtautahi").to_string(), "Café Ōtautahi");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Safe<T>(pub T);

impl<T: std::fmt::Display> std::fmt::Display for Safe<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        struct Escaping<'a, 'b>(&'a mut std::fmt::Formatter<'b>);
        impl std::fmt::Write for Escaping<'_, '_> {
            fn write_str(&mut self, text: &str) -> std::fmt::Result {
                let mut rest = text;
                while let Some(at) = rest.find(char::is_control) {
                    let (clean, tail) = rest.split_at(at);
                    self.0.write_str(clean)?;
                    let mut chars = tail.chars();
                    if let Some(c) = chars.next() {
                        write!(self.0, "{}", c.escape_default())?;
                    }
                    rest = chars.as_str();
                }
                self.0.write_str(rest)
            }
        }
        std::fmt::write(&mut Escaping(f), format_args!("{}", self.0))
    }
}

/// Escapes text for HTML and XML (character data and quoted attribute values) and drops the
/// control characters XML 1.0 does not allow, so any name from a community file is safe to embed
/// in a page or a picture.
///
/// ```
/// # mod tempi { pub use tempi_core::*; pub mod view { pub use tempi_view::*; } }
/// assert_eq!(tempi::view::escape_markup("Ana & \"Bo\" <3\u{1b}"), "Ana &amp; &quot;Bo&quot; &lt;3");
/// ```
pub fn escape_markup(text: &str) -> String {
    year::escape(text)
}

/// A rhythm's name, or its id when the community does not know it.
pub(crate) fn rhythm_name<'a>(community: &'a Community, id: &'a str) -> &'a str {
    community.rhythm(id).map_or(id, |r| r.name())
}

/// Writes `value` as pretty JSON and a newline; an IO error comes back as it was.
pub(crate) fn write_value(out: &mut dyn Write, value: &serde_json::Value) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value).map_err(io::Error::from)?;
    writeln!(out)
}
