//! `tempi plan --html/--svg`: writes the year at a glance ([`tempi::view::year`]) to files.

use std::io::Write;
use std::path::{Path, PathBuf};

use tempi::{Community, Member, Plan};

use crate::Failure;

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
    let picture = tempi::view::year::picture(community, plan, member);
    if let Some(path) = svg {
        write_atomic(path, picture.svg_document().as_bytes())?;
    }
    if let Some(path) = html {
        write_atomic(path, picture.html_page().as_bytes())?;
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

#[cfg(test)]
mod tests {
    use super::{closest, unknown_member};

    #[test]
    fn unknown_member_suggests_close_ids() {
        let known = ["ana", "bram", "chiara", "dawit"];
        assert_eq!(closest("anna", &known), vec!["ana"]);
        assert_eq!(unknown_member("anna", &known), "unknown member `anna`; did you mean `ana`?");
        assert_eq!(
            unknown_member("zzz", &known),
            "unknown member `zzz`; known members: ana, bram, chiara, dawit"
        );
        assert_eq!(unknown_member("x", &[]), "unknown member `x`: there are no members defined");
    }
}
