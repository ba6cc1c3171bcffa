//! `tempi plan --html/--svg`: the year at a glance (see docs/year.md for how to read it).
//!
//! One lane per group, nested by `part_of` and scale; one row per rhythm; one mark per
//! occurrence, coloured by category; a weekly load chart underneath. `--member` narrows the
//! picture to one person's groups and their hours per week. The output depends only on the
//! community and the plan (no clock, no hash-map order), so two runs write the same bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempi::{Community, Member, Plan};

use crate::Failure;

mod draw;
mod text;

#[cfg(test)]
mod tests;

/// Writes the year as an HTML page and/or an SVG image; `member` draws one person's year.
pub(crate) fn write(
    community: &Community,
    plan: &Plan,
    html: Option<&Path>,
    svg: Option<&Path>,
    member: Option<&str>,
) -> Result<(), Failure> {
    let member = match member {
        None => None,
        Some(id) => Some(find_member(community, id)?),
    };
    let picture = draw::picture(community, plan, member);
    if let Some(path) = svg {
        let document = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n{}", picture.svg);
        write_atomic(path, document.as_bytes())?;
    }
    if let Some(path) = html {
        write_atomic(path, page(&picture).as_bytes())?;
    }
    Ok(())
}

/// The member with `id`, or an error naming the close ids, in the style of the file checks.
fn find_member<'a>(community: &'a Community, id: &str) -> Result<&'a Member, Failure> {
    if let Some(member) = community.member(id) {
        return Ok(member);
    }
    let known: Vec<&str> = community.members().iter().map(Member::id).collect();
    Err(Failure::Message(format!("--member: {}", unknown_member(id, &known))))
}

/// "unknown member `x`; did you mean `y`?", as tempi-core words unknown ids.
fn unknown_member(id: &str, known: &[&str]) -> String {
    let close = closest(id, known);
    match close.as_slice() {
        [] if known.is_empty() => format!("unknown member `{id}`: there are no members defined"),
        [] => {
            let mut list = known.iter().take(8).copied().collect::<Vec<_>>().join(", ");
            if known.len() > 8 {
                list.push_str(&format!(" and {} more", known.len() - 8));
            }
            format!("unknown member `{id}`; known members: {list}")
        }
        [one] => format!("unknown member `{id}`; did you mean `{one}`?"),
        many => format!("unknown member `{id}`; did you mean one of: {}?", many.join(", ")),
    }
}

/// Up to three ids closest to `given` (Jaro-Winkler, as tempi-core's suggestions), best first.
fn closest<'a>(given: &str, known: &[&'a str]) -> Vec<&'a str> {
    let given = given.to_ascii_lowercase();
    let mut scored: Vec<(f64, &str)> = known
        .iter()
        .map(|id| (strsim::jaro_winkler(&given, &id.to_ascii_lowercase()), *id))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    let best = scored.first().map_or(0.0, |(score, _)| *score);
    scored
        .into_iter()
        .filter(|(score, _)| *score >= best - 0.03)
        .take(3)
        .map(|(_, id)| id)
        .collect()
}

/// The self-contained page: the SVG inline, CSS for screens, phones and A4 landscape, no script.
fn page(picture: &draw::Picture) -> String {
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

/// Writes `bytes` to `path` through a temporary file in the same directory and a rename, so a
/// reader never sees half a page and a failed run leaves the old file in place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    let shown = path.display();
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let Some(name) = path.file_name() else {
        return Err(Failure::Message(format!("{shown}: give a file name to write the picture to")));
    };
    let mut temporary_name = std::ffi::OsString::from(".");
    temporary_name.push(name);
    temporary_name.push(format!(".{}.tmp", std::process::id()));
    let temporary = dir.join(temporary_name);
    let result = std::fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&temporary, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&temporary);
        return Err(Failure::Message(format!("{shown}: could not write the picture: {e}")));
    }
    Ok(())
}
