//! `tempi plan --html/--svg`: writes the year at a glance ([`tempi::view::year`]) to files.

use std::io::Write;
use std::path::{Path, PathBuf};

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
