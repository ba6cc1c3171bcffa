//! Integration tests of tempi-core through its public API: communities are built with
//! `Community::builder`, planned over a `Window`, and the occurrences are checked against
//! RFC 5545, tz database facts and calendars worked out by hand (never against the engine's own
//! earlier output).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

/// Plan bounds: budgets and rules that never match.
mod bounds;
/// Breaks of the community, groups and members: cancel, shift, zones across the date line.
mod breaks;
/// Time-limited commitments: cycles, retrospectives, renewal.
mod commitment;
/// Composition: within, except (scopes and policies), offsets, nth-after, cycles.
mod compose;
/// Planning is a pure function: twice gives the same plan, and windows agree.
mod determinism;
/// Wall-clock rhythms across DST gaps and folds, in the plan.
mod dst;
/// Lunar cadences, on local dates.
mod lunar;
/// Honest messages: silent acceptances become located warnings; errors say what is wrong.
#[cfg(feature = "toml")]
mod messages;
/// Mixers: `mix = { size, across }` read, validated, and the pods it cuts across.
#[cfg(feature = "toml")]
mod mix;
/// One-off dates and all-day rhythms.
mod oneoff;
/// Precedence between rhythms sharing members: priority, tempo, conflicts.
mod precedence;
/// Property tests over random small communities.
mod props;
/// RFC 5545 §3.8.5.3 examples and other named recurrence cases.
mod rfc;
/// Rotation of hosting duties.
mod rotation;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use chrono_tz::Tz;
use tempi_core::{
    Cadence, Category, Community, CommunityBuilder, Group, Length, Member, Occurrence, Plan,
    Rhythm, Scale, Window,
};

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn at(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

pub(crate) fn wall(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> NaiveDateTime {
    date(y, mo, d).and_time(at(h, mi))
}

#[track_caller]
pub(crate) fn length(text: &str) -> Length {
    text.parse().unwrap_or_else(|e| panic!("length {text:?}: {e}"))
}

#[track_caller]
pub(crate) fn cadence(text: &str) -> Cadence {
    text.parse().unwrap_or_else(|e| panic!("cadence {text:?}: {e}"))
}

/// A relational rhythm of `group` on a cadence given as text.
#[track_caller]
pub(crate) fn rhythm(
    id: &str,
    group: &str,
    cadence_text: &str,
    time: NaiveTime,
    len: &str,
) -> Rhythm {
    Rhythm::builder(id, group)
        .category(Category::Relational)
        .timing(cadence(cadence_text))
        .at_time(time)
        .lasting(length(len))
        .build()
        .unwrap_or_else(|e| panic!("rhythm {id}: {e}"))
}

/// Adds members with these ids, all living in `zone`.
pub(crate) fn add_members(builder: &mut CommunityBuilder, zone: Tz, ids: &[&str]) {
    for id in ids {
        builder.member(Member::new(*id, id.to_uppercase(), zone));
    }
}

/// A congregation of two pods from 4 January 2027 in `zone`: `pod` of p1–p4 and `pod-q` of `q`;
/// the congregation's own members are `direct(everyone)`, its scale is everyone's count.
pub(crate) fn two_pods(
    zone: Tz,
    q: &[&str],
    direct: impl FnOnce(&[String]) -> Vec<String>,
) -> CommunityBuilder {
    let mut builder = Community::builder("c", "C", zone, date(2027, 1, 4));
    let everyone: Vec<String> =
        ["p1", "p2", "p3", "p4"].iter().chain(q).map(|id| id.to_string()).collect();
    let ids: Vec<&str> = everyone.iter().map(String::as_str).collect();
    add_members(&mut builder, zone, &ids);
    let n = u32::try_from(everyone.len()).unwrap();
    builder.group(
        Group::new("congregation", "Congregation", Scale::Range { min: n, max: n })
            .members(direct(&everyone)),
    );
    builder.group(
        Group::new("pod", "Pod", Scale::Pod)
            .members(["p1", "p2", "p3", "p4"])
            .part_of("congregation"),
    );
    builder.group(
        Group::new("pod-q", "Pod Q", Scale::Pod).members(q.to_vec()).part_of("congregation"),
    );
    builder
}

/// Builds the community, failing the test with every problem if it does not validate.
#[track_caller]
pub(crate) fn build(builder: &CommunityBuilder) -> Community {
    match builder.build() {
        Ok((community, _warnings)) => community,
        Err(problems) => panic!("community does not build: {problems}"),
    }
}

/// Plans the whole local days `from..=to` in `zone`.
#[track_caller]
pub(crate) fn plan_days(community: &Community, zone: Tz, from: NaiveDate, to: NaiveDate) -> Plan {
    let window = Window::days(zone, from, to).unwrap();
    community.plan(window).unwrap_or_else(|e| panic!("plan {from}..={to}: {e}"))
}

/// One rhythm's occurrences in a plan, whatever their status.
pub(crate) fn of<'a>(plan: &'a Plan, rhythm: &str) -> Vec<&'a Occurrence> {
    plan.occurrences().iter().filter(|o| &*o.rhythm == rhythm).collect()
}

/// One rhythm's starts as wall-clock times in the rhythm's zone, whatever their status.
pub(crate) fn walls(plan: &Plan, rhythm: &str) -> Vec<NaiveDateTime> {
    of(plan, rhythm).iter().map(|o| o.start.naive_local()).collect()
}

/// One rhythm's start dates, whatever their status.
pub(crate) fn dates(plan: &Plan, rhythm: &str) -> Vec<NaiveDate> {
    of(plan, rhythm).iter().map(|o| o.start.date_naive()).collect()
}
