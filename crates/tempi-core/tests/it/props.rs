//! Property tests over random small communities: random cadences (friendly forms and RRULEs),
//! the five fixture zones, local times in DST gaps and folds, random lengths, `except`, `within`
//! and `after` relations, commitments and rotations.
//!
//! Each property is a promise the crate documents; none compares with a previous run. Regressions
//! are kept in `proptest-regressions/it/props.txt` (relative to the crate root).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use tempi_core::{
    Break, ClashPolicy, ClashScope, Commitment, Community, Group, Occurrence, OnBreak, Plan,
    Renewal, Rhythm, Role, Scale, Status, Window,
};

use crate::{add_members, at, date, length, rhythm};

const ZONES: [Tz; 5] = [
    chrono_tz::America::New_York,
    chrono_tz::Europe::Berlin,
    chrono_tz::Australia::Sydney,
    chrono_tz::Australia::Lord_Howe,
    chrono_tz::Asia::Kolkata,
];

/// Local times, including ones that fall in gaps (02:30, 02:15) and folds (01:30, 02:30).
const TIMES: [(u32, u32); 8] =
    [(2, 30), (1, 30), (9, 0), (19, 0), (0, 0), (23, 30), (2, 15), (12, 0)];

const LENGTHS: [&str; 5] = ["30m", "90m", "3h", "1d", "3d"];

/// Cadences, each with the longest of `LENGTHS` (by index) its occurrences leave room for.
const CADENCES: [(&str, usize); 16] = [
    ("weekly on tue", 4),
    ("every 2 weeks on mon, thu", 3),
    ("fortnightly", 4),
    ("monthly on day 15", 4),
    ("last fri of every month", 4),
    ("first mon of every quarter", 3),
    ("last day of every month", 4),
    ("daily", 3),
    ("every weekday", 3),
    ("full moon", 4),
    ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", 3),
    ("FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=14", 4),
    ("FREQ=WEEKLY;BYDAY=SU", 4),
    ("FREQ=MONTHLY;BYDAY=-1FR", 4),
    ("weekly on sat", 4),
    ("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=11", 4),
];

const COMMUNITY_START: (i32, u32, u32) = (2026, 10, 1);

#[derive(Debug, Clone, Copy)]
enum Relation {
    None,
    Except { target: usize, scope: ClashScope, shift: bool },
    Within { target: usize },
    After { target: usize, nth: u32 },
}

#[derive(Debug, Clone, Copy)]
enum RenewalSpec {
    Ongoing,
    Times(u32),
    /// Days after the rhythm's start.
    Until(i64),
}

#[derive(Debug, Clone, Copy)]
struct CommitmentSpec {
    meetings: u32,
    retrospective: Option<usize>,
    renewal: RenewalSpec,
}

#[derive(Debug, Clone, Copy)]
enum Roles {
    Facilitator,
    FacilitatorAndTimekeeper,
    FixedHostAndFacilitator,
}

#[derive(Debug, Clone)]
struct RhythmSpec {
    cadence: usize,
    time: usize,
    length: usize,
    group: usize,
    zone: Option<usize>,
    start_days: i64,
    relation: Relation,
    commitment: Option<CommitmentSpec>,
    roles: Roles,
    priority: i32,
    /// A rule to use instead of `CADENCES[cadence]`.
    rule: Option<String>,
}

impl RhythmSpec {
    fn zone(&self, community_zone: Tz) -> Tz {
        self.zone.map_or(community_zone, |z| ZONES[z])
    }

    fn at(&self) -> NaiveTime {
        let (h, m) = TIMES[self.time];
        at(h, m)
    }

    fn length_minutes(&self) -> i64 {
        i64::from(length(LENGTHS[self.length]).minutes())
    }

    fn start(&self) -> NaiveDate {
        let (y, m, d) = COMMUNITY_START;
        date(y, m, d) + Duration::days(self.start_days)
    }
}

#[derive(Debug, Clone)]
struct Spec {
    zone: usize,
    members: usize,
    a_size: usize,
    b_from: usize,
    rhythms: Vec<RhythmSpec>,
    sub_from: i64,
    sub_days: i64,
}

const GROUPS: [&str; 3] = ["all", "a", "b"];

fn commitment_spec() -> impl Strategy<Value = CommitmentSpec> {
    let renewal = prop_oneof![
        Just(RenewalSpec::Ongoing),
        (0u32..=3).prop_map(RenewalSpec::Times),
        (0i64..=400).prop_map(RenewalSpec::Until),
    ];
    (1u32..=6, prop::option::of(0..LENGTHS.len()), renewal).prop_map(
        |(meetings, retrospective, renewal)| CommitmentSpec { meetings, retrospective, renewal },
    )
}

/// A rhythm spec; `index` is its position, so it can only refer to rhythms before it (no cycles).
fn rhythm_spec(index: usize) -> impl Strategy<Value = RhythmSpec> {
    let relation = (0u8..6, 0usize..8, 0usize..3, any::<bool>(), 1u32..=2).prop_map(
        move |(kind, target, scope, shift, nth)| {
            if index == 0 {
                return Relation::None;
            }
            let target = target % index;
            let scope = [ClashScope::Span, ClashScope::Day, ClashScope::Week][scope];
            match kind {
                0 | 1 => Relation::None,
                2 | 3 => Relation::Except { target, scope, shift },
                4 => Relation::Within { target },
                _ => Relation::After { target, nth },
            }
        },
    );
    (
        (
            0..CADENCES.len(),
            0..TIMES.len(),
            0..LENGTHS.len(),
            0usize..3,
            prop::option::of(0..ZONES.len()),
            0i64..=150,
        ),
        relation,
        prop::option::of(commitment_spec()),
        (0u8..3, 0i32..=1),
    )
        .prop_map(
            |(
                (cadence, time, length, group, zone, start_days),
                relation,
                commitment,
                (roles, priority),
            )| {
                let longest = CADENCES[cadence].1;
                let commitment = commitment.map(|c| CommitmentSpec {
                    retrospective: c.retrospective.map(|r| r.min(longest)),
                    ..c
                });
                RhythmSpec {
                    cadence,
                    time,
                    length: length.min(longest),
                    group,
                    zone,
                    start_days,
                    relation,
                    commitment,
                    roles: [
                        Roles::Facilitator,
                        Roles::FacilitatorAndTimekeeper,
                        Roles::FixedHostAndFacilitator,
                    ][usize::from(roles)],
                    priority,
                    rule: None,
                }
            },
        )
}

fn spec() -> impl Strategy<Value = Spec> {
    (0..ZONES.len(), 2usize..=6, 0usize..6, 0usize..6, 1usize..=4, 0i64..365, 1i64..=90)
        .prop_flat_map(|(zone, members, a, b, n_rhythms, sub_from, sub_days)| {
            let rhythms: Vec<BoxedStrategy<RhythmSpec>> =
                (0..n_rhythms).map(|i| rhythm_spec(i).boxed()).collect();
            (
                Just(zone),
                Just(members),
                Just(a % members + 1),
                Just(b % members),
                rhythms,
                Just(sub_from),
                Just(sub_days),
            )
        })
        .prop_map(|(zone, members, a_size, b_from, rhythms, sub_from, sub_days)| Spec {
            zone,
            members,
            a_size,
            b_from,
            rhythms,
            sub_from,
            sub_days,
        })
}

fn member_ids(spec: &Spec) -> Vec<String> {
    (0..spec.members).map(|i| format!("m{i}")).collect()
}

fn build(spec: &Spec) -> Result<Community, TestCaseError> {
    build_with(spec, &[], None)
}

/// [`build`], with `breaks` (first date, days) on the community, and every rhythm's `on_break`.
fn build_with(
    spec: &Spec,
    breaks: &[(NaiveDate, i64)],
    on_break: Option<OnBreak>,
) -> Result<Community, TestCaseError> {
    let zone = ZONES[spec.zone];
    let (y, m, d) = COMMUNITY_START;
    let mut builder = Community::builder("prop", "Prop", zone, date(y, m, d));
    for (k, (from, days)) in breaks.iter().enumerate() {
        builder.community_break(Break::new(
            format!("break {k}"),
            *from,
            *from + Duration::days(*days),
        ));
    }
    let ids = member_ids(spec);
    let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    add_members(&mut builder, zone, &id_refs);
    let range = Scale::Range { min: 1, max: 6 };
    builder.group(Group::new("all", "All", range).members(ids.clone()));
    builder.group(Group::new("a", "A", range).members(ids[..spec.a_size].to_vec()));
    builder.group(Group::new("b", "B", range).members(ids[spec.b_from..].to_vec()));
    for (i, r) in spec.rhythms.iter().enumerate() {
        let cadence_text = r.rule.as_deref().unwrap_or(CADENCES[r.cadence].0);
        let mut built: Rhythm =
            rhythm(&format!("r{i}"), GROUPS[r.group], cadence_text, r.at(), LENGTHS[r.length])
                .starting(r.start())
                .priority(r.priority);
        if let Some(z) = r.zone {
            built = built.zone(ZONES[z]);
        }
        built = match r.relation {
            Relation::None => built,
            Relation::Except { target, scope, shift } => built
                .except(format!("r{target}"), scope)
                .on_clash(if shift { ClashPolicy::Shift } else { ClashPolicy::Skip }),
            Relation::Within { target } => built.within(format!("r{target}")),
            Relation::After { target, nth } => built.nth_after(format!("r{target}"), nth),
        };
        if let Some(c) = r.commitment {
            let mut commitment = Commitment::new(c.meetings).renewal(match c.renewal {
                RenewalSpec::Ongoing => Renewal::Ongoing,
                RenewalSpec::Times(n) => Renewal::Times(n),
                RenewalSpec::Until(days) => Renewal::Until(r.start() + Duration::days(days)),
            });
            if let Some(l) = c.retrospective {
                commitment = commitment.retrospective(length(LENGTHS[l]));
            }
            built = built.commitment(commitment);
        }
        built = match r.roles {
            Roles::Facilitator => built,
            Roles::FacilitatorAndTimekeeper => {
                built.roles(vec![Role::rotating("facilitator"), Role::rotating("timekeeper")])
            }
            Roles::FixedHostAndFacilitator => {
                built.roles(vec![Role::fixed("host", "m0"), Role::rotating("facilitator")])
            }
        };
        if let Some(policy) = on_break {
            built = built.on_break(policy);
        }
        builder.rhythm(built);
    }
    builder.build().map(|(community, _warnings)| community).map_err(|problems| {
        TestCaseError::fail(format!("a valid community did not build: {problems}"))
    })
}

fn plan(community: &Community, window: Window) -> Result<Plan, TestCaseError> {
    community.plan(window).map_err(|e| TestCaseError::fail(format!("plan failed: {e}")))
}

fn of<'a>(plan: &'a Plan, id: &str) -> Vec<&'a Occurrence> {
    plan.occurrences().iter().filter(|o| &*o.rhythm == id).collect()
}

/// The local dates `[start, end)` touches in `zone`.
fn touched_dates(zone: Tz, o: &Occurrence) -> Vec<NaiveDate> {
    let first = o.start.with_timezone(&zone).date_naive();
    let last = (o.end - Duration::seconds(1)).max(o.start).with_timezone(&zone).date_naive();
    first.iter_days().take_while(|d| *d <= last).collect()
}

/// The wall-clock time `at` on the occurrence's local date, resolved per the documented DST
/// policy, using chrono's own reading of the zone: a single instant as is, a fold's earlier
/// instant, and a gap's time moved forward by the gap.
fn check_wall_clock(
    zone: Tz,
    at: NaiveTime,
    start: DateTime<Tz>,
    what: &str,
) -> Result<(), TestCaseError> {
    let local = start.with_timezone(&zone).naive_local();
    let intended = local.date().and_time(at);
    match zone.from_local_datetime(&intended) {
        LocalResult::Single(t) => prop_assert_eq!(start, t, "{}", what),
        LocalResult::Ambiguous(a, b) => prop_assert_eq!(start, a.min(b), "{} (fold)", what),
        LocalResult::None => {
            let gap = if zone == chrono_tz::Australia::Lord_Howe { 30 } else { 60 };
            prop_assert_eq!(local - intended, Duration::minutes(gap), "{} (gap)", what);
        }
    }
    Ok(())
}

fn check_basics(spec: &Spec, plan: &Plan, window: Window) -> Result<(), TestCaseError> {
    let list = plan.occurrences();
    for pair in list.windows(2) {
        prop_assert!(
            pair[0].start <= pair[1].start,
            "sorted: {} then {}",
            pair[0].start,
            pair[1].start
        );
    }
    // Unique per (rhythm, start) among the occurrences that go ahead, and among the starts the
    // cadence gave (a shifted occurrence keeps its original start in `from`). A shifted one may
    // take the start of a cancelled one: that time is free again.
    let mut active = HashSet::new();
    let mut slots = HashSet::new();
    for o in list {
        if o.is_active() {
            prop_assert!(
                active.insert((o.rhythm.clone(), o.start.with_timezone(&Utc))),
                "duplicate {} at {}",
                o.rhythm,
                o.start
            );
        }
        let slot = match &o.status {
            Status::Shifted { from, .. } => from.with_timezone(&Utc),
            _ => o.start.with_timezone(&Utc),
        };
        prop_assert!(
            slots.insert((o.rhythm.clone(), slot)),
            "duplicate {} from {}",
            o.rhythm,
            slot
        );
        prop_assert!(
            window.contains(o.start.with_timezone(&Utc)),
            "{} at {} is outside the window",
            o.rhythm,
            o.start
        );
        prop_assert!(o.end > o.start);
    }
    let zone = ZONES[spec.zone];
    for (i, r) in spec.rhythms.iter().enumerate() {
        let id = format!("r{i}");
        let rzone = r.zone(zone);
        for o in of(plan, &id) {
            prop_assert_eq!(o.start.timezone(), rzone, "{} is given in its zone", id);
            check_wall_clock(rzone, r.at(), o.start, &format!("{id} at {}", o.start))?;
            if let Status::Shifted { from, .. } = &o.status {
                check_wall_clock(rzone, r.at(), *from, &format!("{id} shifted from {from}"))?;
            }
            let retrospective = o.cycle.is_some_and(|c| c.retrospective);
            let minutes = match (retrospective, r.commitment.and_then(|c| c.retrospective)) {
                (true, Some(l)) => i64::from(length(LENGTHS[l]).minutes()),
                _ => r.length_minutes(),
            };
            prop_assert_eq!(
                o.end - o.start,
                Duration::minutes(minutes),
                "length of {} at {}",
                id,
                o.start
            );
        }
    }
    Ok(())
}

fn overlaps(a: &Occurrence, b: &Occurrence) -> bool {
    a.start < b.end && b.start < a.end
}

fn check_except(spec: &Spec, plan: &Plan) -> Result<(), TestCaseError> {
    let zone = ZONES[spec.zone];
    for (i, r) in spec.rhythms.iter().enumerate() {
        let Relation::Except { target, scope, .. } = r.relation else { continue };
        let rzone = r.zone(zone);
        let others: Vec<&Occurrence> =
            of(plan, &format!("r{target}")).into_iter().filter(|o| o.is_active()).collect();
        let other_days: HashSet<NaiveDate> =
            others.iter().flat_map(|o| touched_dates(rzone, o)).collect();
        let other_weeks: HashSet<(i32, u32)> =
            other_days.iter().map(|d| (d.iso_week().year(), d.iso_week().week())).collect();
        for mine in of(plan, &format!("r{i}")).into_iter().filter(|o| o.is_active()) {
            for other in &others {
                prop_assert!(
                    !overlaps(mine, other),
                    "r{} at {} overlaps r{} at {} it yields to",
                    i,
                    mine.start,
                    target,
                    other.start
                );
            }
            let days = touched_dates(rzone, mine);
            match scope {
                ClashScope::Span => {}
                ClashScope::Day => {
                    prop_assert!(
                        days.iter().all(|d| !other_days.contains(d)),
                        "r{} at {} shares a day with r{}",
                        i,
                        mine.start,
                        target
                    );
                }
                ClashScope::Week => {
                    prop_assert!(
                        days.iter()
                            .all(|d| !other_weeks
                                .contains(&(d.iso_week().year(), d.iso_week().week()))),
                        "r{} at {} shares a week with r{}",
                        i,
                        mine.start,
                        target
                    );
                }
                other => unreachable!("the strategy draws span, day or week, not {other:?}"),
            }
        }
    }
    Ok(())
}

/// `within`: every occurrence lies inside an active occurrence of its parent, except a
/// retrospective too long to fit, which is cancelled saying so. The parent's spans come from
/// `wide`, a plan that also covers parents starting before `plan`'s window.
fn check_within(spec: &Spec, plan: &Plan, wide: &Plan) -> Result<(), TestCaseError> {
    for (i, r) in spec.rhythms.iter().enumerate() {
        let Relation::Within { target } = r.relation else { continue };
        let parents: Vec<&Occurrence> =
            of(wide, &format!("r{target}")).into_iter().filter(|o| o.is_active()).collect();
        for child in of(plan, &format!("r{i}")) {
            let outgrown = child.cycle.is_some_and(|c| c.retrospective)
                && child
                    .status
                    .reason()
                    .is_some_and(|r| r.to_string().contains("would run past the end"));
            prop_assert!(
                outgrown || parents.iter().any(|p| p.start <= child.start && child.end <= p.end),
                "r{} at {}..{} ({}) is not inside any r{}",
                i,
                child.start,
                child.end,
                child.status.as_str(),
                target
            );
        }
    }
    Ok(())
}

fn check_roles(spec: &Spec, community: &Community, plan: &Plan) -> Result<(), TestCaseError> {
    for (i, r) in spec.rhythms.iter().enumerate() {
        let id = format!("r{i}");
        let attendees = community.attendees_of(&id);
        let list = of(plan, &id);
        for o in &list {
            if !o.is_active() {
                prop_assert!(o.roles.is_empty(), "cancelled {} at {} has roles", id, o.start);
                continue;
            }
            let names: Vec<&str> = o.roles.iter().map(|h| &*h.role).collect();
            let holders: Vec<&str> = o.roles.iter().map(|h| &*h.member).collect();
            match r.roles {
                Roles::Facilitator => prop_assert_eq!(&names, &["facilitator"]),
                Roles::FacilitatorAndTimekeeper => {
                    prop_assert_eq!(&names, &["facilitator", "timekeeper"]);
                    if attendees.len() >= 2 {
                        prop_assert_ne!(
                            holders[0],
                            holders[1],
                            "{} at {}: one person, two duties",
                            id,
                            o.start
                        );
                    }
                }
                Roles::FixedHostAndFacilitator => {
                    prop_assert_eq!(&names, &["host", "facilitator"]);
                    prop_assert_eq!(holders[0], "m0");
                    if attendees.iter().any(|m| *m != "m0") {
                        prop_assert_ne!(
                            holders[1],
                            "m0",
                            "{} at {}: one person, two duties",
                            id,
                            o.start
                        );
                    }
                }
            }
            for (role, member) in names.iter().zip(&holders) {
                if *role != "host" {
                    prop_assert!(
                        attendees.contains(member),
                        "{} holds {} but does not attend",
                        member,
                        role
                    );
                }
            }
        }
        // Balance: over any n consecutive active occurrences, each of the n attendees holds each
        // rotating duty exactly once.
        // With a fixed host, the others take turns (so that no one holds two duties), unless the
        // host is the only one there.
        let (rotating, pool): (&[&str], Vec<&str>) = match r.roles {
            Roles::Facilitator => (&["facilitator"], attendees.clone()),
            Roles::FacilitatorAndTimekeeper => (&["facilitator", "timekeeper"], attendees.clone()),
            Roles::FixedHostAndFacilitator => {
                let others: Vec<&str> = attendees.iter().copied().filter(|m| *m != "m0").collect();
                (&["facilitator"], if others.is_empty() { attendees.clone() } else { others })
            }
        };
        let active: Vec<&&Occurrence> = list.iter().filter(|o| o.is_active()).collect();
        let n = pool.len();
        let everyone: HashSet<&str> = pool.iter().copied().collect();
        for role in rotating {
            for run in active.windows(n) {
                let got: HashSet<&str> = run.iter().filter_map(|o| o.holder(role)).collect();
                prop_assert_eq!(
                    &got,
                    &everyone,
                    "{} {} over {} occurrences from {}",
                    id,
                    role,
                    n,
                    run[0].start
                );
            }
        }
    }
    Ok(())
}

/// Commitments, checked on `plan`, whose window starts before every rhythm does: cycles count
/// from 1, and every cycle that the next one follows well inside the window (so that none of its
/// meetings can have been shifted past the window's end) is complete: `meetings + 1` occurrences,
/// whatever their status, numbered 1 to `meetings + 1`, the last one the retrospective.
fn check_commitments(spec: &Spec, plan: &Plan) -> Result<(), TestCaseError> {
    let cutoff = plan.window().end() - Duration::days(14);
    for (i, r) in spec.rhythms.iter().enumerate() {
        let id = format!("r{i}");
        let Some(c) = r.commitment else {
            prop_assert!(of(plan, &id).iter().all(|o| o.cycle.is_none()));
            continue;
        };
        let mut cycles: BTreeMap<u32, Vec<&Occurrence>> = BTreeMap::new();
        for o in of(plan, &id) {
            let cycle = o
                .cycle
                .ok_or_else(|| TestCaseError::fail(format!("{id} at {} has no cycle", o.start)))?;
            prop_assert_eq!(cycle.meetings, c.meetings);
            prop_assert!((1..=c.meetings + 1).contains(&cycle.meeting));
            prop_assert_eq!(
                cycle.retrospective,
                cycle.meeting == c.meetings + 1,
                "{} at {}",
                id,
                o.start
            );
            cycles.entry(cycle.number).or_default().push(o);
        }
        // The last cycle that has begun well before the window's end.
        let begun = cycles
            .iter()
            .filter(|(_, list)| list.iter().any(|o| o.start.with_timezone(&Utc) < cutoff))
            .map(|(number, _)| *number)
            .max();
        let Some(begun) = begun else { continue };
        for number in 1..begun {
            let list = cycles.get(&number).map(Vec::as_slice).unwrap_or_default();
            let mut meetings: Vec<u32> = list.iter().map(|o| o.cycle.unwrap().meeting).collect();
            meetings.sort_unstable();
            let expected: Vec<u32> = (1..=c.meetings + 1).collect();
            prop_assert_eq!(&meetings, &expected, "{} cycle {}", id, number);
        }
        for (number, list) in &cycles {
            match c.renewal {
                RenewalSpec::Ongoing => {}
                RenewalSpec::Times(times) => {
                    prop_assert!(*number <= times + 1, "{} cycle {}", id, number)
                }
                RenewalSpec::Until(days) => {
                    let until = r.start() + Duration::days(days);
                    for o in list.iter().filter(|o| o.cycle.unwrap().meeting == 1) {
                        let planned = match &o.status {
                            Status::Shifted { from, .. } => *from,
                            _ => o.start,
                        };
                        prop_assert!(
                            planned.date_naive() <= until,
                            "{} cycle {} starts after {}",
                            id,
                            number,
                            until
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

fn year_window(zone: Tz) -> Window {
    Window::year(zone, 2027).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("TEMPI_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(64),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/it/props.txt"))),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_communities_keep_their_promises(spec in spec()) {
        let community = build(&spec)?;
        let zone = ZONES[spec.zone];
        let window = year_window(zone);
        let year = plan(&community, window)?;
        check_basics(&spec, &year, window)?;
        check_except(&spec, &year)?;
        // A plan from before every rhythm starts, for what counts from their starts.
        let wide = plan(&community, Window::days(zone, date(2026, 9, 1), date(2027, 12, 31)).unwrap())?;
        check_within(&spec, &year, &wide)?;
        check_roles(&spec, &community, &year)?;
        check_commitments(&spec, &wide)?;
        check_basics(&spec, &wide, wide.window())?;
        check_except(&spec, &wide)?;
        check_roles(&spec, &community, &wide)?;

        // A sub-window is exactly the matching slice of the year.
        let from = date(2027, 1, 1) + Duration::days(spec.sub_from);
        let to = (from + Duration::days(spec.sub_days - 1)).min(date(2027, 12, 31));
        let sub_window = Window::days(zone, from, to).unwrap();
        let sub = plan(&community, sub_window)?;
        let slice: Vec<Occurrence> = year
            .occurrences()
            .iter()
            .filter(|o| sub_window.contains(o.start.with_timezone(&Utc)))
            .cloned()
            .collect();
        prop_assert_eq!(sub.occurrences(), slice.as_slice());
        check_basics(&spec, &sub, sub_window)?;

        // And planning again gives the same plan.
        let again = plan(&community, window)?;
        prop_assert_eq!(again.occurrences(), year.occurrences());
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("TEMPI_PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(24),
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct("proptest-regressions/it/props.txt"))),
        ..ProptestConfig::default()
    })]

    /// A window far from the rhythms' starts (up to 2099) is planned exactly as the same window
    /// inside one long plan from before every start: occurrence by occurrence, with statuses,
    /// cycles, meeting numbers and role holders (issue 13: the engine skips the history that
    /// nothing can touch, and nothing in the window may change for it).
    #[test]
    fn a_far_window_is_the_slice_of_a_long_plan(
        spec in spec(),
        year in 2027i32..=2099,
        month in 1u32..=12,
        days in 1i64..=45,
    ) {
        far_window_is_a_slice(&spec, year, month, days)?;
    }

    /// The same with clashes on purpose: every rhythm at one of two times, as long as its cadence
    /// allows, in groups that share members, many yielding with `except` (and shifting), with
    /// priorities, rotating roles and commitments: history that is cancelled, shifted and
    /// retrospective-lengthened, which the far window must count exactly.
    #[test]
    fn a_far_window_with_clashes_is_the_slice_of_a_long_plan(
        spec in spec(),
        crowd in prop::collection::vec((0usize..2, any::<bool>(), 0usize..3, 0usize..4), 4),
        year in 2027i32..=2099,
        month in 1u32..=12,
        days in 1i64..=45,
    ) {
        let mut spec = spec;
        for (i, (r, (time, shift, group, scope))) in spec.rhythms.iter_mut().zip(crowd).enumerate() {
            r.time = [2, 3][time];
            r.length = CADENCES[r.cadence].1.min(2);
            r.group = group;
            except_previous(r, i, scope, shift);
        }
        far_window_is_a_slice(&spec, year, month, days)?;
    }

    /// The same for plain daily and weekly rules, whose history the engine counts by arithmetic
    /// and never generates: random INTERVAL, BYDAY sets, WKST, COUNT and UNTIL, random starts
    /// (DTSTART) over two and a half years, times in DST gaps and folds of five zones, and
    /// clashes on purpose (two times, shared groups, `except` that skips or shifts, priorities)
    /// so that history is cancelled, shifted and counted.
    #[test]
    fn a_far_window_of_plain_rules_is_the_slice_of_a_long_plan(
        spec in spec(),
        rules in prop::collection::vec(plain_rule(), 4),
        crowd in prop::collection::vec((0usize..2, any::<bool>(), 0usize..3, 0usize..4, 0i64..=900), 4),
        year in 2027i32..=2099,
        month in 1u32..=12,
        days in 1i64..=45,
    ) {
        let mut spec = spec;
        for (i, ((r, rule), (time, shift, group, scope, start))) in
            spec.rhythms.iter_mut().zip(rules).zip(crowd).enumerate()
        {
            r.rule = Some(rule);
            r.start_days = start;
            r.time = [2, 3, r.time][time.min(2)];
            r.length = r.length.min(2);
            if let Some(c) = &mut r.commitment {
                c.retrospective = c.retrospective.map(|l| l.min(2));
            }
            r.group = group;
            except_previous(r, i, scope, shift);
        }
        far_window_is_a_slice(&spec, year, month, days)?;
    }

    /// The same with breaks in the history: each cancels (or shifts) occurrences long before
    /// the window, which changes every later rotation turn and cycle number, so the far window
    /// must find them (the engine reaches them like any other span that can touch history).
    #[test]
    fn a_far_window_after_breaks_is_the_slice_of_a_long_plan(
        spec in spec(),
        breaks in prop::collection::vec((0i64..2_000, 0i64..20), 1..4),
        shift in any::<bool>(),
        year in 2027i32..=2040,
        month in 1u32..=12,
        days in 1i64..=45,
    ) {
        let breaks: Vec<(NaiveDate, i64)> =
            breaks.into_iter().map(|(from, days)| (date(2026, 10, 1) + Duration::days(from), days)).collect();
        let policy = if shift { OnBreak::Shift } else { OnBreak::Cancel };
        far_window_with_breaks_is_a_slice(&spec, &breaks, Some(policy), year, month, days)?;
    }
}

/// A plain daily or weekly rule: INTERVAL, BYDAY without ordinals, WKST, COUNT or UNTIL.
fn plain_rule() -> impl Strategy<Value = String> {
    const DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
    let days = prop::collection::btree_set(0usize..7, 0..4)
        .prop_map(|set| set.into_iter().map(|d| DAYS[d]).collect::<Vec<_>>().join(","));
    let end = prop_oneof![
        4 => Just(String::new()),
        1 => (1u32..3000).prop_map(|n| format!(";COUNT={n}")),
        1 => (0i64..27_000, 0u32..24).prop_map(|(d, h)| {
            let until = date(2026, 10, 1) + Duration::days(d);
            format!(";UNTIL={}T{h:02}0000", until.format("%Y%m%d"))
        }),
    ];
    (any::<bool>(), 1u16..10, days, prop::option::of(0usize..7), end).prop_map(
        |(weekly, interval, days, wkst, end)| {
            let mut rule =
                format!("FREQ={};INTERVAL={interval}", if weekly { "WEEKLY" } else { "DAILY" });
            if !days.is_empty() {
                rule.push_str(&format!(";BYDAY={days}"));
            }
            if let Some(w) = wkst {
                rule.push_str(&format!(";WKST={}", DAYS[w]));
            }
            rule + &end
        },
    )
}

/// Makes rhythm `i` (> 0) give way to rhythm `i - 1` with `except` in `scope` (0 span, 1 day,
/// 2 week; 3 and above leave it as it is), unless it is timed from another rhythm.
fn except_previous(r: &mut RhythmSpec, i: usize, scope: usize, shift: bool) {
    if i > 0 && scope < 3 && !matches!(r.relation, Relation::Within { .. } | Relation::After { .. })
    {
        let scope = [ClashScope::Span, ClashScope::Day, ClashScope::Week][scope];
        r.relation = Relation::Except { target: i - 1, scope, shift };
    }
}

fn far_window_is_a_slice(
    spec: &Spec,
    year: i32,
    month: u32,
    days: i64,
) -> Result<(), TestCaseError> {
    far_window_with_breaks_is_a_slice(spec, &[], None, year, month, days)
}

fn far_window_with_breaks_is_a_slice(
    spec: &Spec,
    breaks: &[(NaiveDate, i64)],
    on_break: Option<OnBreak>,
    year: i32,
    month: u32,
    days: i64,
) -> Result<(), TestCaseError> {
    let community = build_with(spec, breaks, on_break)?;
    let zone = ZONES[spec.zone];
    let from = date(year, month, 1);
    let to = (from + Duration::days(days - 1)).min(date(2099, 12, 31));
    let window = Window::days(zone, from, to).unwrap();
    let far = plan(&community, window)?;
    let long_window = Window::days(zone, date(2026, 9, 1), to).unwrap();
    let long = community
        .plan_with(long_window, tempi_core::ExpandOptions::new().max_per_rhythm(1_000_000))
        .map_err(|e| TestCaseError::fail(format!("long plan failed: {e}")))?;
    let slice: Vec<Occurrence> = long
        .occurrences()
        .iter()
        .filter(|o| window.contains(o.start.with_timezone(&Utc)))
        .cloned()
        .collect();
    prop_assert_eq!(far.occurrences(), slice.as_slice());
    Ok(())
}
