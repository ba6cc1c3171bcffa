//! `tempi plan FILE --out DIR`: publishes the .ics feeds (docs/feeds.md) as one set through
//! [`tempi::publish`]: `DIR/<community>.ics`, `DIR/groups/<group>.ics`, `DIR/members/<member>.ics`
//! and `DIR/.tempi-manifest`, swapped in whole, so a failed, killed or concurrent run never leaves
//! a mix and feeds of removed members and groups disappear.
//! `DTSTAMP` is `SOURCE_DATE_EPOCH` when set, else the start of the planned window: two runs on
//! the same input give the same bytes.

use std::io::Write;
use std::path::Path;

use tempi::publish;
use tempi::{Community, Plan};

use crate::Failure;

/// Publishes the community's, each group's and each member's feed as the set in `dir`.
pub(crate) fn write_feeds(
    community: &Community,
    plan: &Plan,
    dir: &Path,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let generated_at = publish::generated_at(plan.window().start())?;
    let mut waiting = Ok(());
    let published = publish::publish_plan(community, plan, generated_at, dir, &mut || {
        waiting =
            writeln!(err, "waiting for another tempi run that is publishing to {}…", dir.display());
    })?;
    waiting?;
    if let Some(leftover) = &published.leftover {
        writeln!(err, "warning: {leftover}")?;
    }
    let stamp = generated_at.format("%Y-%m-%dT%H:%M:%SZ");
    writeln!(err, "wrote {} feeds to {} (DTSTAMP {stamp})", published.feeds, dir.display())?;
    Ok(())
}
