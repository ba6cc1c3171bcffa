//! `tempi serve`'s pages in a real browser (issue 10): the real binary serves the bundled sample
//! on a loopback port, Debian's Chromium (installed by scripts/ci-setup-browser.sh, as for the
//! picture tests) loads a member's page and the community's page headless, takes screenshots at
//! a phone's and a desktop's width and dumps the DOM. The test checks what a person checks: the
//! name, the next meeting at its local time, and that every subscribe link leads to the feed.

use std::path::Path;

use tempi::chrono::{DateTime, Months, TimeDelta, Utc};
use tempi::pipeline::{self, BusyFiles};
use tempi::{ExpandOptions, Status, Window};

use super::serve::{ANA, Server, request, sample, scratch, tempi_serve_at};

#[path = "../../../../tests/support/browser.rs"]
mod browser;
use browser::{Screenshot, run_chromium};

/// A screenshot of `url` at `width`×`height`: it exists, has that size, and is not blank (a
/// page of text, links and a picture has many colours and much ink on its background).
#[track_caller]
fn assert_screenshot(dir: &Path, url: &str, width: u32, height: u32) {
    let shot = Screenshot::take(dir, &format!("shot-{width}x{height}.png"), url, width, height);
    // A blank 390×844 PNG compresses to well under a kilobyte.
    assert!(shot.bytes > 4096, "{width}x{height}: {} bytes", shot.bytes);
    assert_eq!((shot.width, shot.height), (width as usize, height as usize));
    let pixels: Vec<&[u8]> = shot.rgba.chunks(4).map(|p| &p[..3]).collect();
    let background = pixels[0];
    let ink = pixels.iter().filter(|p| **p != background).count();
    let colours: std::collections::BTreeSet<&[u8]> = pixels.iter().copied().collect();
    assert!(
        ink * 100 > pixels.len(),
        "{width}x{height}: only {ink} pixels differ from the background"
    );
    assert!(colours.len() > 16, "{width}x{height}: {} colours", colours.len());
}

/// The `href` of the element with `id` in `dom`, HTML entities resolved.
fn href(dom: &str, id: &str) -> String {
    let at = dom.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no #{id} in the page"));
    let tag_start = dom[..at].rfind('<').unwrap();
    let tag = &dom[tag_start..tag_start + dom[tag_start..].find('>').unwrap()];
    let value = tag.split("href=\"").nth(1).unwrap().split('"').next().unwrap();
    value.replace("&amp;", "&")
}

/// `%XX` decoded.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The value of `name` in `url`'s query.
fn query(url: &str, name: &str) -> String {
    let (_, query) = url.split_once('?').unwrap_or_else(|| panic!("no query in {url}"));
    let value = query
        .split('&')
        .find_map(|pair| pair.strip_prefix(&format!("{name}=")))
        .unwrap_or_else(|| panic!("no {name}= in {url}"));
    percent_decode(value)
}

/// Every subscribe link of the page leads to `feed`, which the server answers `200` with a
/// calendar: the webcal:// link (its http twin), Google's `cid=`, Outlook's `url=`, the download.
#[track_caller]
fn assert_links_lead_to(server: &Server, dom: &str, feed: &str) {
    let base = format!("http://{}", server.addr);
    let webcal = href(dom, "webcal");
    assert!(webcal.starts_with("webcal://"), "{webcal}");
    let twin = webcal.replacen("webcal://", "http://", 1);
    let google = href(dom, "google");
    assert!(google.starts_with("https://calendar.google.com/calendar/"), "{google}");
    let google_feed = query(&google, "cid").replacen("webcal://", "http://", 1);
    let outlook = href(dom, "outlook");
    assert!(outlook.starts_with("https://outlook.live.com/calendar/"), "{outlook}");
    let outlook_feed = query(&outlook, "url");
    let download = href(dom, "download");
    for (what, url) in [
        ("webcal", twin),
        ("google", google_feed),
        ("outlook", outlook_feed),
        ("download", download),
    ] {
        assert_eq!(url, feed, "{what}");
        let path = url.strip_prefix(&base).unwrap_or_else(|| panic!("{what}: {url}"));
        let reply = request(server.addr, "GET", path, &[]);
        assert_eq!(reply.status, 200, "{what}: {url}");
        assert_eq!(reply.header("content-type"), Some("text/calendar; charset=utf-8"), "{what}");
        assert!(reply.body.starts_with(b"BEGIN:VCALENDAR\r\n"), "{what}");
    }
}

/// The first meeting Ana attends that has not ended, from the library's own plan of the sample
/// (not from the page), in Ana's zone as chrono-tz converts it.
fn anas_next_meeting(dir: &Path) -> (DateTime<tempi::chrono_tz::Tz>, String) {
    let path = dir.join("c.toml");
    let loaded = tempi::file::parse(&sample(), "c.toml").unwrap();
    let zone = loaded.community.zone();
    let ana_zone = loaded.community.member("ana").unwrap().zone();
    let today = Utc::now().with_timezone(&zone).date_naive();
    let window = Window::days(
        zone,
        today - TimeDelta::days(1),
        today.checked_add_months(Months::new(13)).unwrap(),
    )
    .unwrap();
    let planned = pipeline::plan(
        loaded.community,
        window,
        ExpandOptions::new(),
        &BusyFiles::beside(Some(&path)),
    )
    .unwrap();
    let now = Utc::now();
    let next = planned
        .plan
        .occurrences()
        .iter()
        .find(|o| {
            o.end.with_timezone(&Utc) > now
                && !matches!(o.status, Status::Cancelled { .. })
                && o.attendees.iter().any(|a| &**a == "ana")
        })
        .expect("Ana has a meeting in the coming 13 months");
    let name = planned.community.rhythm(&next.rhythm).unwrap().name().to_string();
    (next.start.with_timezone(&ana_zone), name)
}

#[test]
#[ignore = "needs Chromium; run scripts/ci-setup-browser.sh (CI runs these with --ignored)"]
fn a_member_page_and_the_community_page_read_right_in_a_browser() {
    let dir = scratch("browser");
    // No --base: the page makes its links from the Host the browser sends.
    let server = Server::start_with(&dir, None, &[]);
    let base = format!("http://{}", server.addr);
    let links = tempi_serve_at(&dir, &base, &["--print-links"]);
    let row = |kind: &str, id: &str| {
        links.iter().find(|l| l[0] == kind && l[1] == id).unwrap_or_else(|| panic!("{kind} {id}"))
    };
    let ana = row("member", "ana");
    let (feed, page) = (ana[2].clone(), ana[3].clone());

    assert_screenshot(&dir, &page, 390, 844);
    assert_screenshot(&dir, &page, 1280, 900);
    let dom = run_chromium(&dir.join("profile"), &["--dump-dom".to_string()], &page);
    assert!(dom.contains(&format!("<h1>{ANA}</h1>")), "{dom}");
    assert!(!dom.to_ascii_lowercase().contains("<script"), "no script");
    // The next meeting, at its local time in Lisbon (Ana's zone), first in the list.
    let (start, rhythm) = anas_next_meeting(&dir);
    let list = &dom[dom.find("<ol id=\"next\">").unwrap()..];
    let first = &list[list.find("<li>").unwrap()..list.find("</li>").unwrap()];
    let local = start.format("%a %-d %b %Y, %H:%M").to_string();
    assert!(first.contains(&local), "expected {local} ({rhythm}) first: {first}");
    assert!(first.contains(&rhythm), "{first}");
    assert!(first.contains(&format!("datetime=\"{}\"", start.to_rfc3339())), "{first}");
    assert!(dom.contains("times in Europe/Lisbon"), "the page names the zone");
    assert_links_lead_to(&server, &dom, &feed);
    assert!(dom.contains("<svg"), "the year picture");

    let community = row("community", "riverbend");
    let (feed, page) = (community[2].clone(), community[3].clone());
    assert_screenshot(&dir, &page, 390, 844);
    let dom = run_chromium(&dir.join("profile"), &["--dump-dom".to_string()], &page);
    assert!(dom.contains("<h1>Riverbend Congregation</h1>"), "{dom}");
    assert!(!dom.to_ascii_lowercase().contains("<script"), "no script");
    assert_links_lead_to(&server, &dom, &feed);
    assert!(dom.contains("<svg"), "a small community's page draws its year");
    if std::env::var_os("TEMPI_KEEP").is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
