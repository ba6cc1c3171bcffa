//! The attendee policy: an occurrence lists its attendees up to `ExportOptions::attendee_limit`
//! (default 50); above it, only the role holders, and the description names the group and its
//! size. So no feed carries thousands of ATTENDEE lines.

use tempi_core::chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use tempi_core::chrono_tz::Europe::Berlin;
use tempi_core::{Category, Community, Group, Member, Plan, Rhythm, Scale, Window};
use tempi_ical::export::{self, DEFAULT_ATTENDEE_LIMIT, ExportOptions, Publication, Scope};

/// A community whose one group of `size` members (all with addresses) meets weekly, with a
/// rotating facilitator, for four weeks.
fn gathering(size: usize) -> (Community, Plan) {
    let start = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
    let mut builder = Community::builder("town", "Town", Berlin, start);
    let ids: Vec<String> = (0..size).map(|i| format!("m{i:03}")).collect();
    for id in &ids {
        builder.member(
            Member::new(id, format!("Member {id}"), Berlin).email(format!("{id}@town.example")),
        );
    }
    builder
        .group(Group::new("everyone", "Everyone", Scale::Range { min: 1, max: 200 }).members(ids));
    builder.rhythm(
        Rhythm::builder("assembly", "everyone")
            .name("Assembly")
            .category(Category::Planning)
            .cadence("weekly on wed")
            .at_time(NaiveTime::from_hms_opt(18, 0, 0).unwrap())
            .length("2h")
            .build()
            .unwrap(),
    );
    let (community, _) = builder.build().unwrap();
    let window =
        Window::days(Berlin, start, NaiveDate::from_ymd_opt(2027, 3, 28).unwrap()).unwrap();
    let plan = community.plan(window).unwrap();
    (community, plan)
}

fn options() -> ExportOptions {
    ExportOptions::new(Utc.with_ymd_and_hms(2027, 2, 1, 0, 0, 0).unwrap())
}

fn unfolded(ics: &str) -> Vec<String> {
    ics.replace("\r\n ", "").split_terminator("\r\n").map(str::to_string).collect()
}

/// Per VEVENT: its ATTENDEE lines and its DESCRIPTION.
fn events(ics: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut current: Option<(Vec<String>, String)> = None;
    for line in unfolded(ics) {
        if line == "BEGIN:VEVENT" {
            current = Some((Vec::new(), String::new()));
        } else if line == "END:VEVENT" {
            out.extend(current.take());
        } else if let Some((attendees, description)) = current.as_mut() {
            if line.starts_with("ATTENDEE") {
                attendees.push(line);
            } else if let Some(text) = line.strip_prefix("DESCRIPTION:") {
                *description = text.to_string();
            }
        }
    }
    out
}

#[test]
fn the_default_limit_is_fifty() {
    assert_eq!(DEFAULT_ATTENDEE_LIMIT, 50);
    assert_eq!(options().listed_attendees(), 50);
}

#[test]
fn at_the_limit_everyone_is_listed() {
    let (community, plan) = gathering(50);
    let feed = export::feed(&community, &plan, Scope::Community, &options()).unwrap();
    let events = events(&feed.ics);
    // Four Wednesdays: a master and (the facilitator rotates) three overrides.
    assert_eq!(events.len(), 4);
    for (attendees, description) in &events {
        assert_eq!(attendees.len(), 50, "{attendees:#?}");
        assert_eq!(attendees.iter().filter(|a| a.contains("ROLE=CHAIR")).count(), 1);
        assert!(!description.contains("Attendees:"), "{description}");
    }
}

#[test]
fn above_the_limit_only_role_holders_are_listed() {
    let (community, plan) = gathering(51);
    for feed in export::feeds(&community, &plan, &options()).unwrap() {
        let events = events(&feed.ics);
        assert_eq!(events.len(), 4, "{}", feed.id);
        for (attendees, description) in &events {
            // The facilitator only, as CHAIR.
            assert_eq!(attendees.len(), 1, "{attendees:#?}");
            assert!(attendees[0].starts_with("ATTENDEE;CN=Member m0"), "{attendees:#?}");
            assert!(attendees[0].contains(";ROLE=CHAIR:mailto:m0"), "{attendees:#?}");
            assert!(
                description.contains(
                    "\\nAttendees: 51 members of Everyone (only role holders are listed)"
                ),
                "{description}"
            );
        }
    }
}

#[test]
fn the_limit_is_an_option() {
    let (community, plan) = gathering(51);
    let everyone = options().attendee_limit(usize::MAX);
    let feed = export::feed(&community, &plan, Scope::Community, &everyone).unwrap();
    assert!(events(&feed.ics).iter().all(|(a, _)| a.len() == 51));
    let (community, plan) = gathering(3);
    let tight = options().attendee_limit(2);
    let feed = export::feed(&community, &plan, Scope::Community, &tight).unwrap();
    assert!(
        events(&feed.ics).iter().all(|(a, d)| a.len() == 1 && d.contains("Attendees: 3 members"))
    );
}

#[test]
fn a_member_feed_does_not_grow_with_the_group() {
    let size = |n: usize| {
        let (community, plan) = gathering(n);
        let publication = Publication::new(&community, &plan, &options());
        let mut bytes = Vec::new();
        publication.write(&Scope::Member("m001".into()), &mut bytes).unwrap();
        bytes.len()
    };
    // 60 and 200 members: the same four events with one attendee each; only the count differs.
    assert_eq!(size(60), size(200) - 4 * ("200".len() - "60".len()));
}
