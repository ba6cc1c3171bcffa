//! Every occurrence keeps one identity (UID, RECURRENCE-ID) in every window: plans of 2027,
//! 2028, 2027–2029, a window that starts mid-cycle, and a plan after an unrelated rhythm was
//! edited. A client that loads one year's feed after the other shows each occurrence once.
//!
//! The expected identities are not taken from the exporter: the test asks only that the pair
//! for the same (rhythm, slot) is equal across plans, distinct within one, and that the UID
//! names the rhythm; the client simulation reads the feeds' own text.

use std::collections::{BTreeMap, BTreeSet};

use tempi_core::chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use tempi_core::chrono_tz::Tz;
use tempi_core::{
    Cadence, Category, Commitment, Community, Group, Member, Plan, Rhythm, Scale, Status, Window,
};
use tempi_ical::export::{self, ExportOptions, Identity, Scope};

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The windows the issue names: two years, the three years around them, and one that starts in
/// the middle of cycles (a Thursday in May) and ends in the next year.
fn windows(zone: Tz) -> Vec<(&'static str, Window)> {
    vec![
        ("2027", Window::year(zone, 2027).unwrap()),
        ("2028", Window::year(zone, 2028).unwrap()),
        ("2027-2029", Window::days(zone, date(2027, 1, 1), date(2029, 12, 31)).unwrap()),
        ("mid-cycle", Window::days(zone, date(2027, 5, 13), date(2028, 2, 10)).unwrap()),
    ]
}

fn slot(o: &tempi_core::Occurrence) -> DateTime<Utc> {
    match &o.status {
        Status::Shifted { from, .. } => from.with_timezone(&Utc),
        _ => o.start.with_timezone(&Utc),
    }
}

/// (rhythm, slot) → identity for one plan; asserts identities are unique within the plan and
/// that each UID names its rhythm and community.
fn identities(community: &Community, plan: &Plan) -> BTreeMap<(String, DateTime<Utc>), Identity> {
    let list = export::occurrence_identities(community, plan);
    assert_eq!(list.len(), plan.occurrences().len());
    let uids = export::occurrence_uids(community, plan);
    let mut seen = BTreeSet::new();
    let mut out = BTreeMap::new();
    for ((o, identity), uid) in plan.occurrences().iter().zip(list).zip(uids) {
        assert_eq!(identity.uid, uid);
        assert!(
            identity.uid.starts_with(&format!("{}@", o.rhythm))
                || identity.uid.starts_with(&format!("{}+", o.rhythm)),
            "{identity:?} for {}",
            o.rhythm
        );
        assert!(identity.uid.ends_with(&format!("@{}.tempi", community.id())), "{identity:?}");
        // The RECURRENCE-ID is the nominal slot, whatever the shift.
        assert_eq!(identity.recurrence_id, slot(o));
        assert!(seen.insert(identity.clone()), "two occurrences share {identity:?}");
        out.insert((o.rhythm.to_string(), slot(o)), identity);
    }
    out
}

/// Plans every window and asserts each occurrence has one identity in all of them.
#[track_caller]
fn assert_stable(community: &Community, zone: Tz) -> Vec<(&'static str, Plan)> {
    let plans: Vec<(&'static str, Plan)> =
        windows(zone).into_iter().map(|(name, w)| (name, community.plan(w).unwrap())).collect();
    let mut all: BTreeMap<(String, DateTime<Utc>), (&str, Identity)> = BTreeMap::new();
    let mut shared = 0;
    for (name, plan) in &plans {
        for (key, identity) in identities(community, plan) {
            match all.get(&key) {
                Some((first, earlier)) => {
                    assert_eq!(
                        earlier, &identity,
                        "{key:?}: {first} says {earlier:?}, {name} says {identity:?}"
                    );
                    shared += 1;
                }
                None => {
                    all.insert(key, (name, identity));
                }
            }
        }
    }
    // 2027 and 2028 are inside 2027–2029, and the mid-cycle window overlaps both.
    assert!(shared * 2 > all.len(), "{shared} shared of {}", all.len());
    plans
}

fn sample() -> Community {
    let text = include_str!("../../../../examples/community.toml");
    tempi_core::file::parse(text, "community.toml").unwrap().community
}

#[test]
fn the_sample_keeps_every_identity_in_every_window() {
    let community = sample();
    assert_stable(&community, community.zone());
}

/// Rhythms whose wall times fall in DST gaps and overlaps (so their series split), a lone event
/// across a DST change, a UTC rhythm, moons, a commitment with retrospectives, starting in 2026
/// so every window starts mid-cycle.
pub(crate) fn dst_community(edited: bool) -> (Community, Tz) {
    let new_york: Tz = "America/New_York".parse().unwrap();
    let start = date(2026, 6, 3);
    let mut builder = Community::builder("dst", "DST", new_york, start);
    for id in ["ana", "bo", "chen", "dee"] {
        builder.member(Member::new(id, id.to_uppercase(), new_york).email(format!("{id}@x.org")));
    }
    builder.group(
        Group::new("all", "All", Scale::Range { min: 1, max: 10 })
            .members(["ana", "bo", "chen", "dee"]),
    );
    let rhythm = |id: &str, cadence: &str, at: &str, length: &str, zone: &str| {
        Rhythm::builder(id, "all")
            .category(Category::Relational)
            .timing(cadence.parse::<Cadence>().unwrap())
            .at_time(NaiveTime::parse_from_str(at, "%H:%M").unwrap())
            .length(length)
            .build()
            .unwrap()
            .zone(zone.parse().unwrap())
    };
    // Spring-forward gap every second Sunday of March.
    builder.rhythm(rhythm("sun-0230", "weekly on sun", "02:30", "60m", "America/New_York"));
    builder.rhythm(rhythm("daily-0230", "daily", "02:30", "30m", "America/New_York"));
    // Fall-back overlap every first Sunday of November, 90 minutes across the change.
    builder.rhythm(rhythm("sun-0130", "weekly on sun", "01:30", "90m", "America/New_York"));
    builder.rhythm(rhythm("howe", "weekly on sun", "02:15", "45m", "Australia/Lord_Howe"));
    builder.rhythm(rhythm(
        "berlin-last-sun",
        "last sun of every month",
        "02:30",
        "2h",
        "Europe/Berlin",
    ));
    builder.rhythm(rhythm("moon", "full moon", "01:30", "60m", "America/New_York"));
    // A 54-hour Sydney retreat over the April change (in 2027: Fri 2 April to Sun 4 April).
    builder.rhythm(rhythm(
        "retreat",
        "FREQ=YEARLY;BYMONTH=4;BYDAY=1FR",
        "10:00",
        "54h",
        "Australia/Sydney",
    ));
    builder.rhythm(
        rhythm("circle", "weekly on sun", "01:30", "60m", "Europe/London")
            .commitment(Commitment::new(5).retrospective("2h".parse().unwrap())),
    );
    let utc_at = if edited { "10:00" } else { "09:00" };
    builder.rhythm(rhythm("utc-weekly", "weekly on tue", utc_at, "60m", "UTC"));
    builder.rhythm(rhythm("etc-utc", "every 2 weeks on fri", "23:30", "90m", "Etc/UTC"));
    if edited {
        builder.rhythm(rhythm("newcomer", "daily", "02:30", "15m", "America/New_York"));
    }
    let (community, _) = builder.build().unwrap();
    (community, new_york)
}

#[test]
fn split_series_keep_every_identity_in_every_window() {
    let (community, zone) = dst_community(false);
    let plans = assert_stable(&community, zone);
    // The series really split: the gap instances stand alone, under UIDs of their own.
    let (_, y2027) = &plans[0];
    let uids: BTreeSet<String> = export::occurrence_uids(&community, y2027).into_iter().collect();
    // 2027-03-14 02:30 New York is in the gap: 03:30 EDT (07:30Z) by the RFC's rule.
    assert!(uids.contains("sun-0230+20270314T073000Z@dst.tempi"), "{uids:#?}");
    // The part after it is keyed by its first instance, 2027-03-21 02:30 EDT.
    assert!(uids.contains("sun-0230+20270321T063000Z@dst.tempi"), "{uids:#?}");
    // The part before the 2027 gap is the rhythm's first run (it starts on 2026-06-03, after
    // the 2026 gap), so it keeps the base UID although the window starts in 2027.
    assert!(uids.contains("sun-0230@dst.tempi"), "{uids:#?}");
    // In 2028, the first part is the one that began on 2027-03-21.
    let (_, y2028) = &plans[1];
    let first_2028 = export::occurrence_identities(&community, y2028)
        .into_iter()
        .zip(y2028.occurrences())
        .find(|(_, o)| &*o.rhythm == "sun-0230")
        .map(|(identity, _)| identity.uid)
        .unwrap();
    assert_eq!(first_2028, "sun-0230+20270321T063000Z@dst.tempi");
}

#[test]
fn editing_another_rhythm_changes_no_identity() {
    let (before, zone) = dst_community(false);
    let (after, _) = dst_community(true);
    let window = Window::year(zone, 2027).unwrap();
    let old = identities(&before, &before.plan(window).unwrap());
    let new = identities(&after, &after.plan(window).unwrap());
    let mut compared = 0;
    for (key, identity) in &old {
        if key.0 == "utc-weekly" {
            continue;
        }
        assert_eq!(new.get(key), Some(identity), "{key:?}");
        compared += 1;
    }
    assert!(compared > 500, "{compared}");
    // The edited rhythm keeps its UID; its slots (RECURRENCE-IDs) moved with its time.
    assert!(new.iter().any(|((r, _), i)| r == "utc-weekly" && i.uid == "utc-weekly@dst.tempi"));
}

/// (UID or rhythm, instant).
type Key = (String, DateTime<Utc>);

// ---- A client that loads one feed after another ------------------------------------------

/// Unfolded content lines of every VEVENT, as (name with parameters, value) pairs.
pub(crate) fn vevents(ics: &str) -> Vec<Vec<(String, String)>> {
    let unfolded = ics.replace("\r\n ", "");
    let mut out = Vec::new();
    let mut current: Option<Vec<(String, String)>> = None;
    for line in unfolded.split("\r\n") {
        match line {
            "BEGIN:VEVENT" => current = Some(Vec::new()),
            "END:VEVENT" => out.extend(current.take()),
            _ => {
                if let (Some(props), Some((name, value))) = (current.as_mut(), line.split_once(':'))
                {
                    props.push((name.to_string(), value.to_string()));
                }
            }
        }
    }
    out
}

/// A `NAME;TZID=Zone:YYYYMMDDTHHMMSS` value as an instant (tempi writes no ambiguous one).
fn instant(name: &str, value: &str) -> DateTime<Utc> {
    let tzid = name.split(';').find_map(|p| p.strip_prefix("TZID=")).expect(name);
    let zone: Tz = tzid.parse().expect(tzid);
    let wall = NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").expect(value);
    zone.from_local_datetime(&wall).single().expect(value).with_timezone(&Utc)
}

/// The instances a client shows for one feed, keyed as clients key them: UID plus
/// RECURRENCE-ID for an override, UID plus the instance's start for any other instance. The value
/// is the instance's actual start. Instances come from tempi's importer (the feed read back).
fn client_view(
    ics: &str,
    window: Window,
    zone: Tz,
) -> BTreeMap<(String, DateTime<Utc>), DateTime<Utc>> {
    // Overrides: (UID, actual start) → RECURRENCE-ID.
    let mut overrides: BTreeMap<(String, DateTime<Utc>), DateTime<Utc>> = BTreeMap::new();
    for event in vevents(ics) {
        let get = |prefix: &str| event.iter().find(|(n, _)| n.split(';').next() == Some(prefix));
        let uid = get("UID").unwrap().1.clone();
        if let (Some(rid), Some(start)) = (get("RECURRENCE-ID"), get("DTSTART")) {
            overrides.insert((uid, instant(&start.0, &start.1)), instant(&rid.0, &rid.1));
        }
    }
    let busy = tempi_ical::import::busy(ics.as_bytes(), zone, window).unwrap();
    assert!(busy.warnings.is_empty(), "{:?}", busy.warnings);
    busy.events
        .into_iter()
        .filter(|e| e.start >= window.start() && e.start < window.end())
        .map(|e| {
            let key_instant = overrides.get(&(e.uid.clone(), e.start)).copied().unwrap_or(e.start);
            ((e.uid, key_instant), e.start)
        })
        .collect()
}

#[track_caller]
fn assert_no_duplicates_across_years(community: &Community, zone: Tz) {
    let options = ExportOptions::new(Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
    let mut calendar: BTreeMap<(String, DateTime<Utc>), DateTime<Utc>> = BTreeMap::new();
    let mut expected: BTreeSet<(String, DateTime<Utc>)> = BTreeSet::new();
    let mut loaded = 0;
    for (name, window) in windows(zone) {
        let plan = community.plan(window).unwrap();
        for o in plan.occurrences().iter().filter(|o| o.is_active()) {
            expected.insert((o.rhythm.to_string(), o.start.with_timezone(&Utc)));
        }
        let feed = export::feed(community, &plan, Scope::Community, &options).unwrap();
        let view = client_view(&feed.ics, window, zone);
        for (key, start) in view {
            // Loading a later feed replaces what an earlier one said under the same key.
            if let Some(before) = calendar.insert(key.clone(), start) {
                assert_eq!(before, start, "{name}: {key:?} moved");
            }
            loaded += 1;
        }
    }
    // One entry per occurrence: the same occurrence under two keys would be a duplicate.
    let mut shown: BTreeMap<Key, Vec<&Key>> = BTreeMap::new();
    for (key, start) in &calendar {
        let rhythm = key.0.split(['@', '+']).next().unwrap().to_string();
        shown.entry((rhythm, *start)).or_default().push(key);
    }
    let duplicates: Vec<_> = shown.iter().filter(|(_, keys)| keys.len() > 1).collect();
    assert!(duplicates.is_empty(), "shown twice: {duplicates:#?}");
    let shown: BTreeSet<(String, DateTime<Utc>)> = shown.into_keys().collect();
    assert_eq!(shown, expected);
    assert!(loaded > calendar.len(), "the windows overlap, so keys were loaded twice");
}

#[test]
fn a_client_loading_each_years_feed_shows_no_duplicate_sample() {
    let community = sample();
    assert_no_duplicates_across_years(&community, community.zone());
}

#[test]
fn a_client_loading_each_years_feed_shows_no_duplicate_dst() {
    let (community, zone) = dst_community(false);
    assert_no_duplicates_across_years(&community, zone);
}
