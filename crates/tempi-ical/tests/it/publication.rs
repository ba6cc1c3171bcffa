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

/// A feed's text with folded lines joined and TEXT escapes undone (RFC 5545 §3.1, §3.3.11).
fn unfolded(ics: &str) -> String {
    ics.replace("\r\n ", "").replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";")
}

/// Issue 10: a mixer meeting in a member's own feed names their own mixer, not everyone's
/// (docs/community-file.md, `mix`, "Where they show"); the community's and the groups' feeds list
/// every mixer. The mixers are set here by hand (not by the solver), so each expected line follows
/// from the two lists below and the members' names in `examples/mixers.toml`.
#[test]
fn a_members_feed_names_their_own_mixer_and_the_group_feeds_name_all() {
    use std::sync::Arc;
    let text = include_str!("../../../../examples/mixers.toml");
    let community = tempi_core::file::parse(text, "mixers.toml").unwrap().community;
    let mut plan = community.plan(Window::year(community.zone(), 2027).unwrap()).unwrap();
    let mixers = |groups: &[&[&str]]| -> Vec<Arc<[Arc<str>]>> {
        groups.iter().map(|g| g.iter().map(|id| Arc::from(*id)).collect()).collect()
    };
    // One from each pod in every mixer; in the second round Gia sits out.
    let first = mixers(&[
        &["ada", "eva", "ines", "max"],
        &["bo", "fin", "jon", "nia"],
        &["cleo", "hal", "kim", "oto"],
        &["dan", "gia", "lea", "pia"],
    ]);
    let second = mixers(&[
        &["ada", "fin", "kim", "pia"],
        &["bo", "hal", "ines", "oto"],
        &["cleo", "eva", "lea", "nia"],
        &["dan", "jon", "max"],
    ]);
    let meetings: Vec<usize> = plan
        .occurrences()
        .iter()
        .enumerate()
        .filter(|(_, o)| &*o.rhythm == "mixers" && o.is_active())
        .map(|(i, _)| i)
        .take(2)
        .collect();
    assert_eq!(meetings.len(), 2);
    assert!(plan.set_mixers(meetings[0], first));
    assert!(plan.set_mixers(meetings[1], second));
    let publication = Publication::new(&community, &plan, &options());
    let feed = |scope: Scope| {
        let built = export::feed(&community, &plan, scope.clone(), &options()).unwrap().ics;
        let mut streamed = Vec::new();
        publication.write(&scope, &mut streamed).unwrap();
        assert_eq!(String::from_utf8(streamed).unwrap(), built, "{scope:?}");
        unfolded(&built)
    };

    let ada = feed(Scope::Member("ada".into()));
    assert!(ada.contains("Your mixer (1 of 4): Ada Lindqvist, Eva Novak, Inês Lopes, Max Weber\n"));
    assert!(
        ada.contains("Your mixer (1 of 4): Ada Lindqvist, Fin O'Brien, Kim Peeters, Pia Virtanen")
    );
    // Nobody from another mixer (Bo may still facilitate), and no list of every mixer.
    assert!(!ada.lines().any(|l| l.contains("mixer") && l.contains("Bo Jensen")), "{ada}");
    assert!(!ada.contains("Mixer 1:"), "{ada}");
    let gia = feed(Scope::Member("gia".into()));
    assert!(gia.contains("Your mixer (4 of 4): Dan Fischer, Gia Romano, Lea Keller, Pia Virtanen"));
    assert!(gia.contains("Your mixer: none this time (4 mixers meet)"), "{gia}");
    let dan = feed(Scope::Member("dan".into()));
    assert!(dan.contains("Your mixer (4 of 4): Dan Fischer, Jon Berg, Max Weber\n"), "{dan}");

    for scope in
        [Scope::Community, Scope::Group("lindenhof".into()), Scope::Group("pod-east".into())]
    {
        let all = feed(scope.clone());
        assert!(!all.contains("Your mixer"), "{scope:?}");
        for line in [
            "Mixer 1: Ada Lindqvist, Eva Novak, Inês Lopes, Max Weber\n",
            "Mixer 2: Bo Jensen, Fin O'Brien, Jon Berg, Nia Kowalska\n",
            "Mixer 3: Cleo Martin, Hal Evans, Kim Peeters, Oto Horvat\n",
            "Mixer 4: Dan Fischer, Gia Romano, Lea Keller, Pia Virtanen\n",
            "Mixer 4: Dan Fischer, Jon Berg, Max Weber\n",
        ] {
            assert!(all.contains(line), "{scope:?} lacks {line:?}");
        }
    }
}
