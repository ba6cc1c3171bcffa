//! `tempi plan FILE --out DIR`: publishes the .ics feeds (docs/feeds.md) as one set through
//! [`tempi::publish`]: `DIR/<community>.ics`, `DIR/groups/<group>.ics`, `DIR/members/<member>.ics`
//! and `DIR/.tempi-manifest`, swapped in whole, so a failed, killed or concurrent run never leaves
//! a mix and feeds of removed members and groups disappear.
//! `DTSTAMP` is `SOURCE_DATE_EPOCH` when set, else the start of the planned window: two runs on
//! the same input give the same bytes.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use chrono::{DateTime, Utc};
use tempi::ical::export::{self, ExportOptions, Feed, Scope};
use tempi::publish::{self, FeedSource, PublishError, WhenBusy};
use tempi::{Community, Plan};

use crate::Failure;

/// The `DTSTAMP` of every component: `SOURCE_DATE_EPOCH` (seconds since 1970) when set, else the
/// start of the planned window. Never the clock: feeds are reproducible by default.
fn generated_at(plan: &Plan) -> Result<DateTime<Utc>, Failure> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .and_then(|seconds| DateTime::<Utc>::from_timestamp(seconds, 0))
            .ok_or_else(|| {
                Failure::Message(format!(
                    "SOURCE_DATE_EPOCH is `{text}`; set it to whole seconds since 1970, e.g. 1798761600"
                ))
            }),
        Err(_) => Ok(plan.window().start()),
    }
}

/// Today's feeds, rendered in memory by `export::feeds`, offered one at a time.
// TODO(issue 9 §5): when `tempi_ical::export::Publication` lands, this adapter goes: implement
// `FeedSource` for `Publication` in `tempi::publish` (its `scopes` and `write` have the same
// signatures) and replace the four lines from `export::feeds` to `let source = Rendered` below
// with `let source = export::Publication::new(community, plan, &options);`.
struct Rendered {
    feeds: Vec<Feed>,
    /// (kind, id) → index in `feeds`.
    index: BTreeMap<(u8, String), usize>,
}

fn key(scope: &Scope) -> (u8, String) {
    match scope {
        Scope::Community => (0, String::new()),
        Scope::Group(id) => (1, id.clone()),
        Scope::Member(id) => (2, id.clone()),
    }
}

impl FeedSource for Rendered {
    fn scopes(&self) -> Vec<Scope> {
        self.feeds.iter().map(|feed| feed.scope.clone()).collect()
    }
    fn write(&self, scope: &Scope, out: &mut dyn Write) -> std::io::Result<()> {
        let feed = self.index.get(&key(scope)).and_then(|n| self.feeds.get(*n));
        match feed {
            Some(feed) => out.write_all(feed.ics.as_bytes()),
            None => Err(std::io::Error::other("no such feed")),
        }
    }
}

/// Publishes the community's, each group's and each member's feed as the set in `dir`.
pub(crate) fn write_feeds(
    community: &Community,
    plan: &Plan,
    dir: &Path,
    err: &mut dyn Write,
) -> Result<(), Failure> {
    let options = ExportOptions::new(generated_at(plan)?);
    let feeds = export::feeds(community, plan, &options)
        .map_err(|e| Failure::Message(format!("cannot export feeds: {e}")))?;
    let index = feeds.iter().enumerate().map(|(n, feed)| (key(&feed.scope), n)).collect();
    let source = Rendered { feeds, index };
    let published = match publish::publish(dir, community.id(), &source, WhenBusy::Fail) {
        Err(PublishError::Busy { .. }) => {
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
