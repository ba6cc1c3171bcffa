//! The page at a member's (or the community's) secret URL: plain HTML, no script, readable on a
//! phone. Rendered per request from the shared plan (a page is small; feeds are the hot path).

use std::fmt::Write as _;

use tempi::Status;
use tempi::chrono::{DateTime, Utc};
use tempi::chrono_tz::Tz;

use crate::site::{Entry, Site};
use crate::state::Kind;

/// How many upcoming meetings a page lists.
const NEXT: usize = 12;

/// `&`, `<`, `>`, `"` and `'` escaped and XML-forbidden controls dropped: the view's one escaper.
pub(crate) fn escape(text: &str) -> String {
    tempi::view::escape_markup(text)
}

/// Percent-encodes everything but unreserved characters (RFC 3986), for a URL in a query.
fn encode_component(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A community with more groups than this gets a summary of its groups on its page instead of
/// the year picture: the picture draws a lane per group (4,441 lanes and 8 s for the
/// 20,000-member organisation), far past what anyone reads on a phone.
pub(crate) const PICTURE_GROUPS: usize = 40;

/// How many top-level groups a large community's page names.
const GROUPS_NAMED: usize = 20;

fn year(html: &mut String, site: &Site, member: Option<&tempi::Member>) {
    let picture = tempi::view::year::picture(&site.community, &site.plan, member);
    let _ = write!(html, "<h2>The year at a glance</h2>\n<figure>{}</figure>\n", picture.svg());
}

/// A large community's groups in a few lines: how many of each scale, and the first top-level
/// groups with their sizes.
fn groups_summary(html: &mut String, site: &Site) {
    let community = &site.community;
    let groups = community.groups();
    let mut scales: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for group in groups {
        *scales.entry(group.scale().to_string()).or_default() += 1;
    }
    let counts: Vec<String> = scales.iter().map(|(scale, n)| format!("{n} {scale}")).collect();
    let _ = write!(
        html,
        "<h2>Groups</h2>\n<p id=\"groups\">{} members in {} groups: {}.</p>\n<ul>\n",
        community.members().len(),
        groups.len(),
        escape(&counts.join(", "))
    );
    let top: Vec<&tempi::Group> = groups.iter().filter(|g| g.parent().is_none()).collect();
    for group in top.iter().take(GROUPS_NAMED) {
        let within = groups.iter().filter(|g| g.parent() == Some(group.id())).count();
        let _ = writeln!(
            html,
            "<li><strong>{}</strong> · {} members directly, {within} groups within</li>",
            escape(group.name()),
            group.direct_members().len()
        );
    }
    if top.len() > GROUPS_NAMED {
        let _ = writeln!(html, "<li>and {} more</li>", top.len() - GROUPS_NAMED);
    }
    html.push_str("</ul>\n");
}

/// The page of `entry` (a member or the community; a group shows its feed links only), and when
/// the first meeting it lists ends (from then on the page is out of date).
pub(crate) fn render(
    site: &Site,
    entry: &Entry,
    base: &str,
    now: DateTime<Utc>,
) -> (String, Option<DateTime<Utc>>) {
    let community = &site.community;
    let member = match entry.kind {
        Kind::Member => community.member(&entry.id),
        _ => None,
    };
    let (title, zone): (&str, Tz) = match (member, entry.kind) {
        (Some(m), _) => (m.name(), m.zone()),
        (None, Kind::Group) => (
            community
                .groups()
                .iter()
                .find(|g| g.id() == entry.id)
                .map_or(entry.id.as_str(), |g| g.name()),
            community.zone(),
        ),
        _ => (community.name(), community.zone()),
    };
    let feed_url = format!("{base}/{}.ics", entry.token);
    let webcal = feed_url.replacen("https://", "webcal://", 1).replacen("http://", "webcal://", 1);
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta name=\"referrer\" content=\"no-referrer\"><meta name=\"robots\" content=\"noindex\">\
<title>{title} · {cname}</title><style>\
body{{font-family:system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;line-height:1.45}}\
li{{margin:.3rem 0}}code{{word-break:break-all}}svg{{max-width:100%;height:auto}}\
.muted{{color:#555}}</style></head><body>\n<h1>{title}</h1>\n<p class=\"muted\">{cname} · times in {zone}</p>\n",
        title = escape(title),
        cname = escape(community.name()),
        zone = escape(zone.name()),
    );
    // A large community's page lists its own rhythms: twelve meetings of thousands of pods
    // would say nothing to anyone.
    let large = community.groups().len() > PICTURE_GROUPS;
    html.push_str("<h2>Next meetings</h2>\n<ol id=\"next\">\n");
    let upcoming = site.plan.occurrences().iter().filter(|o| {
        o.end.with_timezone(&Utc) > now
            && !matches!(o.status, Status::Cancelled { .. })
            && match entry.kind {
                Kind::Member => o.attendees.iter().any(|a| **a == *entry.id),
                Kind::Group => *o.group == *entry.id,
                Kind::Community => !large || *o.group == *community.id(),
            }
    });
    let mut until = None;
    for o in upcoming.take(NEXT) {
        let ends = o.end.with_timezone(&Utc);
        until = Some(until.map_or(ends, |u: DateTime<Utc>| u.min(ends)));
        let start = o.start.with_timezone(&zone);
        let end = o.end.with_timezone(&zone);
        let rhythm = community.rhythm(&o.rhythm).map_or(&*o.rhythm, |r| r.name());
        let _ = write!(
            html,
            "<li><time datetime=\"{}\">{} – {}</time> <strong>{}</strong>",
            start.to_rfc3339(),
            start.format("%a %-d %b %Y, %H:%M"),
            end.format("%H:%M"),
            escape(rhythm)
        );
        if let Some(f) = o.facilitator() {
            let name = community.member(f).map_or(f, |m| m.name());
            let _ = write!(html, " · facilitator: {}", escape(name));
        }
        if let Some(cycle) = &o.cycle {
            let _ = write!(html, " · {}", escape(&cycle.to_string()));
        }
        if let Status::Shifted { from, .. } = &o.status {
            let _ = write!(
                html,
                " · moved from {}",
                from.with_timezone(&zone).format("%a %-d %b %H:%M")
            );
        }
        html.push_str("</li>\n");
    }
    if until.is_none() {
        html.push_str("<li>Nothing planned in the coming months.</li>\n");
    }
    html.push_str("</ol>\n");
    let _ = write!(
        html,
        "<h2>Subscribe</h2>\n<ul id=\"subscribe\">\n\
<li><a id=\"webcal\" href=\"{webcal}\">Subscribe (Apple Calendar, Outlook desktop, Thunderbird)</a></li>\n\
<li><a id=\"google\" href=\"https://calendar.google.com/calendar/r?cid={webcal_encoded}\">Google Calendar</a> \
(or on a computer: <em>Other calendars</em> → <em>+</em> → <em>From URL</em>, paste <code>{feed}</code> \
and choose <em>Add calendar</em>; Google refreshes it every few hours)</li>\n\
<li><a id=\"outlook\" href=\"https://outlook.live.com/calendar/0/addfromweb?url={encoded}&amp;name={name}\">Outlook on the web</a> \
(or <em>Add calendar</em> → <em>Subscribe from web</em> and paste the address above)</li>\n\
<li><a id=\"download\" href=\"{feed}\" download=\"{file}.ics\">Download the .ics file</a> (a copy: it will not update)</li>\n\
</ul>\n<p class=\"muted\">This address is private to you: anyone who has it can read this calendar.</p>\n",
        webcal = escape(&webcal),
        webcal_encoded = escape(&encode_component(&webcal)),
        feed = escape(&feed_url),
        encoded = escape(&encode_component(&feed_url)),
        name = escape(&encode_component(title)),
        file = escape(&entry.id),
    );
    match entry.kind {
        Kind::Member => year(&mut html, site, member),
        Kind::Community if !large => year(&mut html, site, None),
        Kind::Community => groups_summary(&mut html, site),
        Kind::Group => {}
    }
    html.push_str("</body></html>\n");
    (html, until)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_the_five_html_specials_and_drops_controls() {
        // `&apos;` is an HTML5 named reference as well as XML's; ESC would clear a terminal that
        // cats the page and is not allowed in XML 1.0 at all.
        assert_eq!(
            escape("<a href=\"x\">'&'</a>\u{1b}[2J"),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;[2J"
        );
    }

    #[test]
    fn components_are_percent_encoded() {
        assert_eq!(encode_component("http://h:1/a b.ics"), "http%3A%2F%2Fh%3A1%2Fa%20b.ics");
    }
}
