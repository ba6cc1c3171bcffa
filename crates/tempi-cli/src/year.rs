//! `tempi plan --html/--svg`: writes the year at a glance ([`tempi::view::year`]) to files.

use std::path::Path;

use tempi::{Community, Plan};

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
        Some(id) => {
            Some(tempi::pipeline::member(community, id).map_err(Failure::flagged("--member"))?)
        }
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

/// Writes `bytes` to `path` atomically ([`tempi::publish::write_file`]): a reader never sees half
/// a page and a failed run leaves the old file in place.
fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if path.file_name().is_none() {
        let shown = path.display();
        return Err(Failure::Message(format!("{shown}: give a file name to write the picture to")));
    }
    tempi::publish::write_file(path, bytes, tempi::publish::Readers::Everyone).map_err(|e| {
        Failure::Message(format!("{}: could not write the picture: {e}", path.display()))
    })
}
