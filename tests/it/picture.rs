//! The year at a glance (`tempi plan --html/--svg [--member ID]`, issue #6).
//!
//! Structural checks read the SVG: one mark per occurrence of `tempi plan --json`, colours per
//! category, hollow cancelled marks, escaping, determinism. Render checks run Debian's chromium
//! headless (installed by `scripts/ci-setup-browser.sh`) and assert what is drawn: the pixels of
//! each category colour, the legend, every mark's colour at its centre, and, measured by the
//! browser itself, that no label leaves the box (lane row, axis cell, legend item) it belongs to.
//! Without chromium the render tests fail and say how to install it; they never pass silently.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::tempi;

#[path = "../support/browser.rs"]
mod browser;
use browser::{Screenshot, file_url, run_chromium};

/// The palette the picture promises (Okabe–Ito), by category.
const PALETTE: [(&str, [u8; 3]); 4] = [
    ("relational", [0xE6, 0x9F, 0x00]),
    ("planning", [0x00, 0x72, 0xB2]),
    ("working", [0x00, 0x9E, 0x73]),
    ("learning", [0xCC, 0x79, 0xA7]),
];

fn hex(rgb: [u8; 3]) -> String {
    format!("#{:02X}{:02X}{:02X}", rgb[0], rgb[1], rgb[2])
}

fn colour_of(category: &str) -> [u8; 3] {
    PALETTE.iter().find(|(name, _)| *name == category).unwrap_or_else(|| panic!("{category}")).1
}

/// A fresh directory for one test's files.
fn scratch(name: &str) -> PathBuf {
    crate::files::scratch(&format!("picture-{name}"))
}

/// Runs `tempi plan <args>` and fails the test unless it succeeds.
#[track_caller]
fn plan(args: &[&str]) -> String {
    let mut argv = vec!["plan"];
    argv.extend_from_slice(args);
    let run = tempi(&argv);
    assert_eq!(run.code, 0, "tempi {argv:?}\nstderr:\n{}", run.stderr);
    run.stdout
}

/// Draws the picture with `args` into `dir`; returns the SVG and the paths of the SVG and page.
#[track_caller]
fn draw(dir: &Path, args: &[&str]) -> (String, PathBuf, PathBuf) {
    let svg = dir.join("year.svg");
    let html = dir.join("year.html");
    let mut all: Vec<&str> = args.to_vec();
    let (svg_arg, html_arg) = (svg.to_str().unwrap(), html.to_str().unwrap());
    all.extend(["--svg", svg_arg, "--html", html_arg]);
    plan(&all);
    (std::fs::read_to_string(&svg).unwrap(), svg, html)
}

/// The value of attribute `name` in one element's text, unescaped.
fn attr(element: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = element.find(&key)? + key.len();
    let end = element[start..].find('"')? + start;
    Some(
        element[start..end]
            .replace("&quot;", "\"")
            .replace("&apos;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"),
    )
}

fn numbers(text: &str) -> Vec<f64> {
    text.split_whitespace().map(|n| n.parse().unwrap()).collect()
}

/// One mark as the SVG describes it.
#[derive(Debug)]
struct Mark {
    rhythm: String,
    start: String,
    status: String,
    category: String,
    shape: String,
    fill: String,
    stroke: Option<String>,
    dashed: bool,
    /// x, y, width, height.
    bounds: [f64; 4],
}

fn marks(svg: &str) -> Vec<Mark> {
    svg.lines()
        .filter(|line| line.contains("class=\"mark\""))
        .map(|line| {
            let element = &line[..line.find('>').unwrap()];
            let b = numbers(&attr(element, "data-box").unwrap());
            Mark {
                rhythm: attr(element, "data-rhythm").unwrap(),
                start: attr(element, "data-start").unwrap(),
                status: attr(element, "data-status").unwrap(),
                category: attr(element, "data-category").unwrap(),
                shape: attr(element, "data-shape").unwrap(),
                fill: attr(element, "fill").unwrap(),
                stroke: attr(element, "stroke"),
                dashed: element.contains("stroke-dasharray"),
                bounds: [b[0], b[1], b[2], b[3]],
            }
        })
        .collect()
}

fn occurrences(args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let json: Value = serde_json::from_str(&plan(&all)).unwrap();
    json["occurrences"].as_array().unwrap().clone()
}

/// (rhythm, start, status, category) of every occurrence, sorted.
fn keys_of_json(list: &[Value]) -> Vec<(String, String, String, String)> {
    let mut keys: Vec<_> = list
        .iter()
        .map(|o| {
            let field = |k: &str| o[k].as_str().unwrap().to_string();
            (field("rhythm"), field("start"), field("status"), field("category"))
        })
        .collect();
    keys.sort();
    keys
}

fn keys_of_marks(list: &[Mark]) -> Vec<(String, String, String, String)> {
    let mut keys: Vec<_> = list
        .iter()
        .map(|m| (m.rhythm.clone(), m.start.clone(), m.status.clone(), m.category.clone()))
        .collect();
    keys.sort();
    keys
}

#[test]
fn one_mark_per_occurrence_of_the_plan() {
    let dir = scratch("one-mark");
    let (svg, _, html) = draw(&dir, &["--year", "2027"]);
    let json = occurrences(&["--year", "2027"]);
    let drawn = marks(&svg);
    assert_eq!(drawn.len(), json.len());
    assert_eq!(keys_of_marks(&drawn), keys_of_json(&json));
    // The page embeds the same picture.
    let page = std::fs::read_to_string(html).unwrap();
    assert_eq!(marks(&page).len(), json.len());
    // Retrospectives are diamonds; the retreat (2 days 6 hours) is a bar.
    let retrospectives = json.iter().filter(|o| o["cycle"]["retrospective"] == true).count();
    assert!(retrospectives > 0);
    assert_eq!(drawn.iter().filter(|m| m.shape == "diamond").count(), retrospectives);
    assert!(
        drawn.iter().filter(|m| m.rhythm == "annual-retreat").all(|m| m.shape == "bar"),
        "the retreat is drawn as a bar"
    );
    // One bracket per commitment cycle seen in the window.
    let mut cycles: Vec<(String, u64)> = json
        .iter()
        .filter(|o| o["cycle"].is_object())
        .map(|o| {
            (o["rhythm"].as_str().unwrap().to_string(), o["cycle"]["number"].as_u64().unwrap())
        })
        .collect();
    cycles.dedup();
    cycles.sort();
    cycles.dedup();
    assert_eq!(svg.matches("<g class=\"cycle\"").count(), cycles.len());
}

#[test]
fn marks_are_coloured_by_category_hollow_when_cancelled_and_marked_when_shifted() {
    let dir = scratch("colours");
    let (svg, _, _) = draw(&dir, &["--year", "2027"]);
    let drawn = marks(&svg);
    for category in ["relational", "planning", "working", "learning"] {
        assert!(drawn.iter().any(|m| m.category == category), "no {category} mark");
    }
    let mut by_status: BTreeMap<&str, usize> = BTreeMap::new();
    for mark in &drawn {
        let colour = hex(colour_of(&mark.category));
        *by_status.entry(mark.status.as_str()).or_default() += 1;
        match mark.status.as_str() {
            "scheduled" => {
                assert_eq!(mark.fill, colour, "{mark:?}");
                assert!(mark.stroke.is_none() && !mark.dashed, "{mark:?}");
            }
            "cancelled" => {
                assert_eq!(mark.fill, "#ffffff", "cancelled marks are hollow: {mark:?}");
                assert_eq!(mark.stroke.as_deref(), Some(colour.as_str()), "{mark:?}");
            }
            "shifted" => {
                assert_eq!(mark.fill, colour, "{mark:?}");
                assert!(mark.dashed, "shifted marks have a dashed outline: {mark:?}");
            }
            other => panic!("unknown status {other}"),
        }
    }
    // The sample has both, and every shift gets an arrow from where its cadence had put it.
    // 5 by clashes, 7 by the winter break.
    assert_eq!(by_status.get("cancelled"), Some(&12));
    assert_eq!(by_status.get("shifted"), Some(&1));
    assert_eq!(svg.matches("class=\"shift\"").count(), 1);
    // The legend names every category with its colour.
    for (category, rgb) in PALETTE {
        let swatch = format!("class=\"swatch\" data-category=\"{category}\"");
        let line = svg.lines().find(|l| l.contains(&swatch)).expect("a legend swatch");
        assert_eq!(attr(line, "fill").unwrap(), hex(rgb));
        assert!(svg.contains(&format!(">{category}</text>")), "legend label {category}");
    }
}

#[test]
fn every_mark_has_a_tooltip_with_time_zones_facilitator_and_reason() {
    let dir = scratch("tooltips");
    let (svg, _, _) = draw(&dir, &["--year", "2027"]);
    // Each mark from its tag to the end of its tooltip (tooltips span lines).
    let lines: Vec<&str> = svg
        .match_indices("class=\"mark\"")
        .map(|(i, _)| {
            let rest = &svg[i..];
            &rest[..rest.find("</title>").expect("every mark has a <title>")]
        })
        .collect();
    assert_eq!(lines.len(), marks(&svg).len());
    // A pod anchored in New York, shown in its zone and in the community's.
    let cancelled_ceiba = lines
        .iter()
        .find(|l| l.contains("data-rhythm=\"ceiba-weekly\"") && l.contains("cancelled"))
        .unwrap();
    assert!(cancelled_ceiba.contains("Thu 9 Sep 2027, 19:00–20:30 America/New_York"));
    assert!(
        cancelled_ceiba.contains("Fri 10 Sep 2027, 01:00–02:30 Europe/Berlin (community time)")
    );
    assert!(cancelled_ceiba.contains("CANCELLED: falls in the week of `annual-retreat`"));
    let shifted = lines.iter().find(|l| l.contains("data-status=\"shifted\"")).unwrap();
    assert!(shifted.contains("SHIFTED from Fri 10 Sep 17:00"), "{shifted}");
    assert!(shifted.contains("Facilitator: Leilani Kahale"), "{shifted}");
}

#[test]
fn member_year_draws_their_groups_and_their_load() {
    let dir = scratch("member");
    let (svg, _, _) = draw(&dir, &["--year", "2027", "--member", "ana"]);
    let theirs: Vec<Value> = occurrences(&["--year", "2027"])
        .into_iter()
        .filter(|o| o["attendees"].as_array().unwrap().iter().any(|a| a == "ana"))
        .collect();
    assert_eq!(keys_of_marks(&marks(&svg)), keys_of_json(&theirs));
    let lanes: Vec<String> = svg
        .lines()
        .filter(|l| l.starts_with("<g class=\"lane\""))
        .map(|l| attr(l, "data-group").unwrap())
        .collect();
    assert_eq!(lanes, ["riverbend", "pod-lumen"]);
    assert!(svg.contains("Ana Souza&apos;s hours per week"));
    // Week bars add up to the hours of the meetings she attends that go ahead.
    let expected: f64 = theirs
        .iter()
        .filter(|o| o["status"] != "cancelled")
        .map(|o| {
            let parse = |k: &str| {
                tempi::chrono::DateTime::parse_from_rfc3339(o[k].as_str().unwrap()).unwrap()
            };
            (parse("end") - parse("start")).num_minutes() as f64 / 60.0
        })
        .sum();
    let drawn: f64 = svg
        .lines()
        .filter(|l| l.starts_with("<g class=\"week\""))
        .map(|l| attr(l, "data-hours").unwrap().parse::<f64>().unwrap())
        .sum();
    assert!((drawn - expected).abs() < 0.5, "{drawn} h drawn, {expected} h attended");
    // The retreat week stands out as overload.
    assert!(svg.contains("data-week=\"2027-W36\" data-hours=\"56.0\" data-busy=\"true\""), "{svg}");
}

#[test]
fn an_unknown_member_is_an_error_with_suggestions() {
    let dir = scratch("unknown-member");
    let html = dir.join("x.html");
    let run =
        tempi(&["plan", "--year", "2027", "--html", html.to_str().unwrap(), "--member", "anaa"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stderr, "error: --member: unknown member `anaa`; did you mean `ana`?\n");
    assert!(!html.exists());
    let run = tempi(&["plan", "--html", html.to_str().unwrap(), "--member", "zzzz"]);
    assert_eq!(
        run.stderr,
        "error: --member: unknown member `zzzz`; known members: ana, bram, chiara, dawit, elin, farid, grace, hugo and 12 more\n"
    );
}

#[test]
fn output_is_deterministic_self_contained_and_written_atomically() {
    let dir = scratch("deterministic");
    let (first, svg_path, html_path) = draw(&dir, &["--year", "2027"]);
    let first_page = std::fs::read(&html_path).unwrap();
    let (second, _, _) = draw(&dir, &["--year", "2027"]);
    assert_eq!(first, second);
    assert_eq!(first_page, std::fs::read(&html_path).unwrap());
    // Only the two outputs: no temporary file left behind.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["year.html", "year.svg"]);
    let page = String::from_utf8(first_page).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(!page.contains("<script"), "no script at all");
    assert!(!page.contains("@font-face") && !page.contains("@import"));
    let without_namespace = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    assert!(!without_namespace.contains("http:") && !without_namespace.contains("https:"));
    assert!(
        !without_namespace.contains("url(")
            || page.matches("url(").count() == page.matches("url(#tempi-arrow)").count()
    );
    assert!(page.contains("@page { size: A4 landscape;"));
    assert!(page.contains("overflow-x: auto") && page.contains("min-width: 960px"));
    assert!(std::fs::read_to_string(svg_path).unwrap().starts_with("<?xml version=\"1.0\""));
    // A directory that does not exist is an error, not a panic or a partial file.
    let missing = dir.join("no/such/dir/year.html");
    let run = tempi(&["plan", "--html", missing.to_str().unwrap()]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("could not write the picture"), "{}", run.stderr);
}

/// A community whose names try to break the markup and the layout.
const HOSTILE: &str = r#"
[community]
id = "hostile"
name = "<script>alert('x')</script> & \"Friends\" of the Extraordinarily Long-Named Fellowship of Wednesdays"
zone = "Europe/Berlin"
start = "2027-01-04"

[[members]]
id = "a"
name = "Ann <b>&amp;</b>"
zone = "Europe/Berlin"

[[members]]
id = "b"
name = "WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW"
zone = "Asia/Tokyo"

[[members]]
id = "c"
name = "Chen 陈"
zone = "Asia/Shanghai"

[[groups]]
id = "circle"
name = "Circle of \"quoted\" & <angled> people with a name that goes on and on and on and on and on and on and on"
scale = "pod"
members = ["a", "b", "c"]

[[rhythms]]
id = "w"
name = "MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM"
group = "circle"
category = "working"
cadence = "weekly on wed"
at = "19:00"
length = "1h"
roles = ["facilitator"]

[[rhythms]]
id = "x"
name = "日本語の名前がとても長いリズムの名前日本語の名前がとても長いリズムの名前"
group = "circle"
category = "learning"
cadence = "last fri of every month"
at = "12:00"
length = "3d"
"#;

fn hostile(dir: &Path) -> PathBuf {
    let path = dir.join("hostile.toml");
    std::fs::write(&path, HOSTILE).unwrap();
    path
}

#[test]
fn names_are_escaped_for_xml() {
    let dir = scratch("escaped");
    let file = hostile(&dir);
    let (svg, _, _) = draw(&dir, &[file.to_str().unwrap(), "--year", "2027", "--member", "a"]);
    assert!(!svg.contains("<script") && !svg.contains("<b>") && !svg.contains("<angled>"));
    assert!(
        svg.contains("&lt;script&gt;alert(&apos;x&apos;)&lt;/script&gt; &amp; &quot;Friends&quot;")
    );
    assert!(svg.contains("Ann &lt;b&gt;&amp;amp;&lt;/b&gt;"), "the facilitator's name in tooltips");
    // Every `&` starts an entity.
    for (i, _) in svg.match_indices('&') {
        let rest = &svg[i..];
        assert!(
            ["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].iter().any(|e| rest.starts_with(e)),
            "bare & at {}",
            &svg[i..(i + 20).min(svg.len())]
        );
    }
}

// ── Rendering in a real browser ─────────────────────────────────────────────────────────

fn svg_size(svg: &str) -> (u32, u32) {
    let root = &svg[svg.find("<svg").unwrap()..];
    let w: f64 = attr(root, "width").unwrap().parse().unwrap();
    let h: f64 = attr(root, "height").unwrap().parse().unwrap();
    (w.ceil() as u32, h.ceil() as u32)
}

fn overlaps(a: [f64; 4], b: [f64; 4]) -> bool {
    a[0] < b[0] + b[2] && b[0] < a[0] + a[2] && a[1] < b[1] + b[3] && b[1] < a[1] + a[3]
}

#[test]
#[ignore = "needs Chromium; run scripts/ci-setup-browser.sh (CI runs these with --ignored)"]
fn the_browser_draws_every_mark_in_its_colour_and_the_legend() {
    let dir = scratch("render");
    let (svg, svg_path, html_path) = draw(&dir, &["--year", "2027"]);
    let (width, height) = svg_size(&svg);
    // The SVG document at its natural size: one pixel per SVG unit, so boxes map to pixels.
    let shot = Screenshot::take(&dir, "shot.png", &file_url(&svg_path), width, height);
    for (category, rgb) in PALETTE {
        assert!(shot.count(rgb) > 100, "too few {category} pixels: {}", shot.count(rgb));
    }
    // The legend: each swatch is drawn in its colour.
    for (category, rgb) in PALETTE {
        let swatch = format!("class=\"swatch\" data-category=\"{category}\"");
        let line = svg.lines().find(|l| l.contains(&swatch)).unwrap();
        let (x, y) = (numbers(&attr(line, "x").unwrap())[0], numbers(&attr(line, "y").unwrap())[0]);
        assert_eq!(shot.pixel(x + 8.0, y + 7.0), rgb, "legend swatch {category}");
    }
    // Every mark that nothing else covers shows its colour at its centre: filled when it goes
    // ahead, white (hollow) when cancelled.
    let drawn = marks(&svg);
    let mut checked = 0;
    for (i, mark) in drawn.iter().enumerate() {
        let covered = drawn
            .iter()
            .enumerate()
            .any(|(j, other)| j != i && overlaps(mark.bounds, other.bounds));
        if covered {
            continue;
        }
        let [x, y, w, h] = mark.bounds;
        let got = shot.pixel(x + w / 2.0, y + h / 2.0);
        let want =
            if mark.status == "cancelled" { [255, 255, 255] } else { colour_of(&mark.category) };
        assert_eq!(got, want, "{mark:?}");
        checked += 1;
    }
    assert!(
        checked * 10 >= drawn.len() * 9,
        "only {checked} of {} marks were checked",
        drawn.len()
    );
    // The page too: rendered at a laptop width, every colour is on screen.
    let page = Screenshot::take(&dir, "shot.png", &file_url(&html_path), 1280, 900);
    for (category, rgb) in PALETTE {
        assert!(page.count(rgb) > 50, "the page shows too few {category} pixels");
    }
}

/// Loads the page with a measuring script added and returns, for every `<text>`, its box as the
/// browser lays it out (getBBox, in SVG units) and the `data-fit` box it must stay inside.
fn measure(dir: &Path, html: &Path) -> Vec<([f64; 4], [f64; 4], String)> {
    const SCRIPT: &str = r#"<script>
const rows = [];
for (const t of document.querySelectorAll("svg text")) {
  const b = t.getBBox();
  rows.push([t.getAttribute("data-fit") || "", b.x, b.y, b.width, b.height, t.textContent]);
}
const out = document.createElement("pre");
out.id = "measured";
out.textContent = btoa(unescape(encodeURIComponent(JSON.stringify(rows))));
document.body.appendChild(out);
</script>"#;
    let page =
        std::fs::read_to_string(html).unwrap().replace("</body>", &format!("{SCRIPT}</body>"));
    let probe = dir.join("measure.html");
    std::fs::write(&probe, page).unwrap();
    let dom = run_chromium(&dir.join("profile"), &["--dump-dom".to_string()], &file_url(&probe));
    let start = dom.find("<pre id=\"measured\">").expect("the measuring script ran") + 19;
    let end = dom[start..].find("</pre>").unwrap() + start;
    let json = base64_decode(&dom[start..end]);
    let rows: Vec<Value> = serde_json::from_slice(&json).unwrap();
    rows.iter()
        .map(|row| {
            let fit = numbers(row[0].as_str().unwrap());
            assert_eq!(fit.len(), 4, "every label says where it must fit: {row}");
            let f = |i: usize| row[i].as_f64().unwrap();
            (
                [fit[0], fit[1], fit[2], fit[3]],
                [f(1), f(2), f(1) + f(3), f(2) + f(4)],
                row[5].to_string(),
            )
        })
        .collect()
}

fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => panic!("not base64: {c}"),
    };
    let clean: Vec<u8> = text.bytes().filter(|c| !c.is_ascii_whitespace() && *c != b'=').collect();
    let mut out = Vec::new();
    for chunk in clean.chunks(4) {
        let mut acc = 0u32;
        for (i, c) in chunk.iter().enumerate() {
            acc |= u32::from(value(*c)) << (18 - 6 * i);
        }
        let bytes = acc.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[track_caller]
fn assert_labels_fit(dir: &Path, html: &Path) {
    let measured = measure(dir, html);
    assert!(measured.len() > 20, "too few labels: {}", measured.len());
    let tolerance = 0.5;
    for (fit, got, text) in &measured {
        assert!(
            got[0] >= fit[0] - tolerance
                && got[2] <= fit[2] + tolerance
                && got[1] >= fit[1] - tolerance
                && got[3] <= fit[3] + tolerance,
            "label {text} overflows: drawn at {got:?}, must fit {fit:?}"
        );
    }
}

#[test]
#[ignore = "needs Chromium; run scripts/ci-setup-browser.sh (CI runs these with --ignored)"]
fn no_label_overflows_its_lane_in_the_browser() {
    let dir = scratch("labels");
    let (_, _, html) = draw(&dir, &["--year", "2027"]);
    assert_labels_fit(&dir, &html);
    let member = scratch("labels-member");
    let (_, _, html) = draw(&member, &["--year", "2027", "--member", "grace"]);
    assert_labels_fit(&member, &html);
    let odd = scratch("labels-hostile");
    let file = hostile(&odd);
    let (_, _, html) = draw(&odd, &[file.to_str().unwrap(), "--year", "2027"]);
    assert_labels_fit(&odd, &html);
}
