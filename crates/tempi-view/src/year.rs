//! The year at a glance (see docs/year.md for how to read it), as SVG or one HTML page.
//!
//! One lane per group, nested by `part_of` and scale; one row per rhythm; one mark per
//! occurrence, coloured by category; a weekly load chart underneath. Drawn for one member, the
//! picture narrows to their groups and their hours per week. The output depends only on the
//! community and the plan (no clock, no hash-map order), so two runs write the same bytes.
//!
//! ```
//! # mod tempi { pub use tempi_core::*; pub mod view { pub use tempi_view::*; } }
//! use tempi::{Window, file, view};
//!
//! let loaded = file::parse(include_str!("../../../examples/community.toml"), "community.toml")?;
//! let community = &loaded.community;
//! let plan = community.plan(Window::year(community.zone(), 2027)?)?;
//! let picture = view::year::picture(community, &plan, None);
//! assert!(picture.svg_document().starts_with("<?xml"));
//! assert!(picture.html_page().contains(picture.svg()));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use tempi_core::{Community, Member, Plan};

mod draw;
mod text;
pub(crate) use text::escape;

#[cfg(test)]
mod tests;

pub use draw::Picture;

/// Draws the year of `plan`; with `member`, that person's year: their groups and their load.
#[must_use]
pub fn picture(community: &Community, plan: &Plan, member: Option<&Member>) -> Picture {
    draw::picture(community, plan, member)
}

impl Picture {
    /// The `<svg>` element alone, to embed in a page of your own.
    #[must_use]
    pub fn svg(&self) -> &str {
        &self.svg
    }

    /// What the picture shows (the community, or the member), for a page's title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// The natural width in CSS pixels.
    #[must_use]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// A standalone SVG file: an XML declaration, then the `<svg>` element.
    #[must_use]
    pub fn svg_document(&self) -> String {
        format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", self.svg)
    }

    /// The self-contained page: the SVG inline, CSS for screens, phones and A4 landscape, no
    /// script.
    #[must_use]
    pub fn html_page(&self) -> String {
        page(self)
    }
}

fn page(picture: &Picture) -> String {
    let title = text::escape(&picture.title);
    format!(
        r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="tempi">
<title>{title}</title>
<style>
:root {{ color-scheme: light; }}
body {{ margin: 0; padding: 12px; background: #ffffff; color: #1f2328;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }}
.scroll {{ overflow-x: auto; -webkit-overflow-scrolling: touch; }}
.scroll > svg {{ display: block; width: 100%; max-width: {width}px; min-width: 960px; height: auto; }}
.mark:hover {{ stroke: #1f2328; stroke-width: 2; }}
.hint {{ font-size: 12px; color: #57606a; margin: 6px 0 0; }}
@media (min-width: 961px) {{ .hint {{ display: none; }} }}
@page {{ size: A4 landscape; margin: 8mm; }}
@media print {{
  body {{ padding: 0; }}
  .scroll {{ overflow: visible; }}
  .scroll > svg {{ min-width: 0; max-width: none; width: 100%; break-inside: avoid; }}
  .hint {{ display: none; }}
}}
</style>
</head>
<body>
<div class="scroll">
{svg}
</div>
<p class="hint">Scroll sideways to see the whole year. Tap or hover a mark for its details.</p>
</body>
</html>
"#,
        width = picture.width,
        svg = picture.svg,
    )
}
