//! `tempi plan FILE --out DIR`: publishes the .ics feeds (docs/feeds.md) as one set through
//! [`tempi::publish`]: `DIR/<community>.ics`, `DIR/groups/<group>.ics`, `DIR/members/<member>.ics`
//! and `DIR/.tempi-manifest`, swapped in whole, so a failed, killed or concurrent run never leaves
//! a mix and feeds of removed members and groups disappear.
//! `DTSTAMP` is `SOURCE_DATE_EPOCH` when set, else the start of the planned window: two runs on
//! the same input give the same bytes.

use std::io::Write;
use std::path::Path;

use tempi::ical::export::{self, ExportOptions};
use tempi::publish::{self, WhenBusy};
use tempi::{Community, Plan};

use crate::Failure;

/// Publishes the community's, each group's and each member's feed as the set in `dir`.
pub(crate) fn write_feeds(
    community: &Community,
    plan: &Plan,
    dir: &Path,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let options = ExportOptions::new(
        publish::generated_at(plan.window().start())
            .map_err(|e| Failure::Message(e.to_string()))?,
    );
    // Every rhythm's series and every zone is rendered once; each feed is streamed to its file.
    let source = export::Publication::new(community, plan, &options);
    let published = match publish::publish(dir, community.id(), &source, WhenBusy::Fail) {
        Err(tempi::Error::Busy { .. }) => {
            writeln!(
                err,
                "waiting for another tempi run that is publishing to {}…",
                dir.display()
            )?;
            publish::publish(dir, community.id(), &source, WhenBusy::Wait)
        }
        other => other,
    }
    .map_err(|e| Failure::Message(e.to_string()))?;
    if let Some(leftover) = &published.leftover {
        writeln!(err, "warning: {leftover}")?;
    }
    writeln!(
        err,
        "wrote {} feeds to {} (DTSTAMP {})",
        published.feeds,
        dir.display(),
        options.generated_at().format("%Y-%m-%dT%H:%M:%SZ")
    )?;
    Ok(())
}
