//! `Publication`: every feed streamed from pieces rendered once is byte for byte the feed built
//! on its own, scopes come in publishing order, an unknown scope is an `InvalidInput` error, and
//! each group and member feed carries exactly the rhythms the rules in docs/feeds.md name
//! (recomputed here the slow, obvious way).

use std::collections::BTreeSet;

use tempi_core::chrono::{TimeZone, Utc};
use tempi_core::{Community, Window};
use tempi_ical::Error;
use tempi_ical::export::{self, ExportOptions, Publication, Scope};

#[path = "../../../../examples/synth.rs"]
#[allow(dead_code, unreachable_pub)]
mod synth;

fn options() -> ExportOptions {
    ExportOptions::new(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap())
}

fn sample() -> Community {
    let text = include_str!("../../../../examples/community.toml");
    tempi_core::file::parse(text, "community.toml").unwrap().community
}

fn small_org() -> Community {
    let text = synth::generate(120, 7);
    tempi_core::file::parse(&text, "org.toml").unwrap().community
}

/// The rhythms (by id) whose UIDs appear in a feed.
fn rhythms_in(ics: &str) -> BTreeSet<String> {
    ics.split("\r\n")
        .filter_map(|l| l.strip_prefix("UID:"))
        .map(|uid| uid.split(['@', '+']).next().unwrap().to_string())
        .collect()
}

/// The documented rule, computed directly: a group's feed has its own rhythms and those of the
/// groups it is part of (transitively) that a member of its roster (its members and its
/// subgroups', transitively) attends.
fn expected_group(community: &Community, id: &str) -> BTreeSet<String> {
    let groups = community.groups();
    let parent = |g: &str| groups.iter().find(|x| x.id() == g).and_then(|x| x.parent());
    let is_within = |g: &str, ancestor: &str| {
        let mut cursor = Some(g);
        for _ in 0..=groups.len() {
            match cursor {
                Some(c) if c == ancestor => return true,
                Some(c) => cursor = parent(c),
                None => return false,
            }
        }
        false
    };
    let roster: BTreeSet<&str> = groups
        .iter()
        .filter(|g| is_within(g.id(), id))
        .flat_map(|g| g.direct_members().iter().map(String::as_str))
        .collect();
    community
        .rhythms()
        .iter()
        .filter(|r| {
            r.group() == id
                || (is_within(id, r.group())
                    && community.attendees_of(r.id()).iter().any(|m| roster.contains(m)))
        })
        .filter(|r| !r.is_auto())
        .map(|r| r.id().to_string())
        .collect()
}

#[track_caller]
fn check(community: &Community) {
    let plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
    let publication = Publication::new(community, &plan, &options());
    let scopes = publication.scopes();
    assert_eq!(scopes.len(), 1 + community.groups().len() + community.members().len());
    assert_eq!(scopes[0], Scope::Community);
    let feeds = export::feeds(community, &plan, &options()).unwrap();
    assert_eq!(feeds.iter().map(|f| f.scope.clone()).collect::<Vec<_>>(), scopes);
    // Rhythms with occurrences in the window: the only ones a feed can name.
    let planned: BTreeSet<String> =
        plan.occurrences().iter().filter(|o| o.is_active()).map(|o| o.rhythm.to_string()).collect();
    for (scope, feed) in scopes.iter().zip(&feeds) {
        let mut bytes = Vec::new();
        publication.write(scope, &mut bytes).unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), feed.ics, "{scope:?}");
        assert_eq!(publication.feed(scope.clone()).unwrap(), *feed);
        let want: BTreeSet<String> = match scope {
            Scope::Community => planned.clone(),
            Scope::Group(id) => &expected_group(community, id) & &planned,
            Scope::Member(id) => community
                .rhythms()
                .iter()
                .filter(|r| community.attendees_of(r.id()).contains(&id.as_str()))
                .map(|r| r.id().to_string())
                .filter(|r| planned.contains(r))
                .collect(),
        };
        assert_eq!(rhythms_in(&feed.ics), want, "{scope:?}");
    }
}

#[test]
fn every_feed_of_the_sample_streams_as_built() {
    check(&sample());
}

#[test]
fn every_feed_of_a_small_synthetic_org_streams_as_built() {
    check(&small_org());
}

#[test]
fn an_unknown_scope_is_invalid_input() {
    let community = sample();
    let plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
    let publication = Publication::new(&community, &plan, &options());
    for scope in [Scope::Member("nobody".into()), Scope::Group("nowhere".into())] {
        let mut bytes = Vec::new();
        let error = publication.write(&scope, &mut bytes).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
        let inner = error.get_ref().and_then(|e| e.downcast_ref::<Error>()).unwrap();
        assert!(matches!(inner, Error::UnknownId { .. }), "{inner:?}");
        assert!(bytes.is_empty(), "nothing is written for an unknown scope");
        assert!(matches!(publication.feed(scope), Err(Error::UnknownId { .. })));
    }
}
