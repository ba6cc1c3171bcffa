//! Community files for the end-to-end tests, written table by table in the shape of
//! docs/community-file.md, so that each test states only what it is about. One copy, included
//! with `#[path = …] mod community_toml;` by `tests/it` and `crates/tempi-cli/tests/it`.

#![allow(dead_code)]

use std::fmt::Write as _;

/// A community file being written: `[community]` first, then members, groups and rhythms in the
/// order they are added.
#[derive(Debug, Clone)]
pub(crate) struct CommunityToml(String);

/// `[community]` with its id, name, zone and start date.
pub(crate) fn community(id: &str, name: &str, zone: &str, start: &str) -> CommunityToml {
    CommunityToml(format!(
        "[community]\nid = \"{id}\"\nname = \"{name}\"\nzone = \"{zone}\"\nstart = \"{start}\"\n"
    ))
}

impl CommunityToml {
    /// A `[[members]]` table; `extra` are further `key = value` lines.
    pub(crate) fn member(mut self, id: &str, name: &str, zone: &str, extra: &[&str]) -> Self {
        let _ =
            write!(self.0, "\n[[members]]\nid = \"{id}\"\nname = \"{name}\"\nzone = \"{zone}\"\n");
        self.lines(extra)
    }

    /// A `[[groups]]` table of `members`.
    pub(crate) fn group(mut self, id: &str, name: &str, scale: &str, members: &[&str]) -> Self {
        let members: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
        let _ = write!(
            self.0,
            "\n[[groups]]\nid = \"{id}\"\nname = \"{name}\"\nscale = \"{scale}\"\nmembers = [{}]\n",
            members.join(", ")
        );
        self
    }

    /// A `[[rhythms]]` table; `timing` are its `key = value` lines (cadence or dates, at,
    /// length, …).
    pub(crate) fn rhythm(
        mut self,
        (id, name): (&str, &str),
        group: &str,
        category: &str,
        timing: &[&str],
    ) -> Self {
        let _ = write!(
            self.0,
            "\n[[rhythms]]\nid = \"{id}\"\nname = \"{name}\"\ngroup = \"{group}\"\ncategory = \"{category}\"\n"
        );
        self.lines(timing)
    }

    fn lines(mut self, lines: &[&str]) -> Self {
        for line in lines.iter().filter(|l| !l.is_empty()) {
            self.0.push_str(line);
            self.0.push('\n');
        }
        self
    }

    /// The file's text.
    pub(crate) fn text(self) -> String {
        self.0
    }
}
