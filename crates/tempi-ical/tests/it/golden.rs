//! Exact bytes of small feeds (bless with `UPDATE_GOLDEN=1 cargo test -p tempi-ical`), and the
//! writer's guarantees on every line: CRLF, at most 75 octets, no injected property or component.

use std::path::Path;

use tempi_core::chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use tempi_core::chrono_tz::{America::New_York, Europe::Berlin};
use tempi_core::{Category, Community, Group, Member, Plan, Rhythm, Scale, Window};
use tempi_ical::export::{self, ExportOptions, Scope};

#[track_caller]
fn assert_golden(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{name} differs; bless with UPDATE_GOLDEN=1 cargo test -p tempi-ical\n--- actual:\n{actual}"
    );
}

/// Every physical line ends in CRLF and has at most 75 octets; no bare CR or LF.
#[track_caller]
fn assert_well_formed(ics: &str) {
    assert!(ics.ends_with("\r\n"));
    for line in ics.split_terminator("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
        assert!(!line.contains('\r') && !line.contains('\n'), "{line:?}");
    }
}

fn unfolded(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "").split_terminator("\r\n").map(str::to_string).collect()
}

const TRICKY: &str = "Zoë \"Z\", Leiterin; A\\B\r\nBEGIN:VEVENT\rX";

fn small() -> (Community, Plan) {
    let start = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let mut builder = Community::builder("hearth", "Hearth, the; \"circle\"", Berlin, start);
    builder.member(Member::new("ana", TRICKY, Berlin).email("ana@hearth.example"));
    builder.member(Member::new("bo", "Bo", Berlin).email("bo@hearth.example"));
    builder.member(Member::new("chen", "陈".repeat(30), New_York).email("chen@hearth.example"));
    builder.group(
        Group::new("circle", "Circle", Scale::Range { min: 2, max: 5 })
            .members(["ana", "bo", "chen"]),
    );
    builder.rhythm(
        Rhythm::builder("checkin", "circle")
            .name("Check-in")
            .category(Category::Relational)
            .cadence("weekly on sun")
            .at_time(NaiveTime::from_hms_opt(19, 0, 0).unwrap())
            .length("90m")
            .build()
            .unwrap()
            .intention(format!("{TRICKY}\n{}", "ü".repeat(60))),
    );
    builder.rhythm(
        Rhythm::builder("night-owls", "circle")
            .name("Night owls")
            .category(Category::Working)
            .cadence("daily")
            .at_time(NaiveTime::from_hms_opt(2, 30, 0).unwrap())
            .length("30m")
            .build()
            .unwrap()
            .zone(New_York)
            .starting(NaiveDate::from_ymd_opt(2027, 3, 12).unwrap())
            .ending(NaiveDate::from_ymd_opt(2027, 3, 16).unwrap()),
    );
    let (community, _) = builder.build().unwrap();
    let window = Window::days(Berlin, start, NaiveDate::from_ymd_opt(2027, 4, 4).unwrap()).unwrap();
    let plan = community.plan(window).unwrap();
    (community, plan)
}

fn options() -> ExportOptions {
    ExportOptions::new(Utc.with_ymd_and_hms(2027, 2, 1, 12, 0, 0).unwrap())
        .alarm("15m".parse().unwrap())
}

#[test]
fn small_community_feed() {
    let (community, plan) = small();
    let feed = export::feed(&community, &plan, Scope::Community, &options()).unwrap();
    assert_well_formed(&feed.ics);
    assert_golden("hearth.ics", &feed.ics);
}

#[test]
fn nothing_injects_a_property_or_a_component() {
    let (community, plan) = small();
    for feed in export::feeds(&community, &plan, &options()).unwrap() {
        assert_well_formed(&feed.ics);
        // Readers that follow Google apply X-WR-TIMEZONE to times in UTC (docs/feeds.md).
        assert!(!feed.ics.contains("X-WR-TIMEZONE"));
        let lines = unfolded(&feed.ics);
        let begins = lines.iter().filter(|l| *l == "BEGIN:VEVENT").count();
        let ends = lines.iter().filter(|l| *l == "END:VEVENT").count();
        assert_eq!(begins, ends);
        assert!(
            lines.iter().all(|l| !l.starts_with("X-INJECT") && !l.starts_with("X:")),
            "{lines:#?}"
        );
        // The tricky name survives escaped in TEXT and sanitised in CN.
        assert!(lines.iter().any(|l| *l == "DESCRIPTION:Facilitator: Zoë \"Z\"\\, Leiterin\\; A\\\\B\\nBEGIN:VEVENT\\nX\\nGroup: Circle\\nIntention: Zoë \"Z\"\\, Leiterin\\; A\\\\B\\nBEGIN:VEVENT\\nX\\n".to_string() + &"ü".repeat(60)), "{lines:#?}");
        if feed.scope == Scope::Community {
            assert!(lines.iter().any(|l| l.starts_with("ORGANIZER;CN=\"Zoë 'Z', Leiterin; A\\B  BEGIN:VEVENT X\":mailto:ana@hearth.example")), "{lines:#?}");
        }
    }
}

#[test]
fn output_is_deterministic_and_uids_are_stable() {
    let (community, plan) = small();
    let a = export::feeds(&community, &plan, &options()).unwrap();
    let b = export::feeds(&community, &plan, &options()).unwrap();
    assert_eq!(a, b);
    let uids = export::occurrence_uids(&community, &plan);
    assert!(uids.iter().any(|u| u == "checkin@hearth.tempi"));
    // The 02:30 New York rhythm meets the 2027-03-14 gap: its series is split there, and the
    // 03:30 occurrence stands alone with its own UID.
    assert!(uids.iter().any(|u| u == "night-owls+20270314T073000Z@hearth.tempi"), "{uids:?}");
    // The run before it is the rhythm's first (base UID); the run after it is keyed by its first
    // instance, 2027-03-15 02:30 EDT.
    assert!(uids.iter().any(|u| u == "night-owls@hearth.tempi"), "{uids:?}");
    assert!(uids.iter().any(|u| u == "night-owls+20270315T063000Z@hearth.tempi"), "{uids:?}");
}

#[test]
fn a_plan_of_another_window_keeps_the_uids() {
    let (community, _) = small();
    let later = Window::days(
        Berlin,
        NaiveDate::from_ymd_opt(2027, 3, 20).unwrap(),
        NaiveDate::from_ymd_opt(2027, 4, 4).unwrap(),
    )
    .unwrap();
    let plan = community.plan(later).unwrap();
    let feed = export::feed(&community, &plan, Scope::Community, &options()).unwrap();
    assert!(feed.ics.contains("UID:checkin@hearth.tempi\r\n"));
}
