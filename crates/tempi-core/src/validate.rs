//! Validation of a community: ids, references, composition cycles, commitments, quorums.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::breaks::{Break, BreakOwner, RhythmBreaks, member_spans};
use crate::cadence::Cadence;
use crate::groups::GroupTree;
use crate::model::{
    Attendance, Commitment, Community, CommunityBuilder, Group, Holder, Item,
    MAX_COMMITMENT_MEETINGS, MAX_TEXT_CHARS, Member, Presence, Problem, Renewal, Resolved, Rhythm,
    Timing, check_id, place, place_at, unknown,
};
use crate::rule::RuleEnd;

struct Report {
    errors: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Report {
    fn error(&mut self, place: crate::model::Place, message: impl Into<String>) {
        self.errors.push(Problem { place, message: message.into() });
    }

    fn warn(&mut self, place: crate::model::Place, message: impl Into<String>) {
        self.warnings.push(Problem { place, message: message.into() });
    }
}

fn check_text(report: &mut Report, place: crate::model::Place, what: &str, text: &str) {
    if text.chars().count() > MAX_TEXT_CHARS {
        report.error(
            place,
            format!("the {what} is longer than {MAX_TEXT_CHARS} characters; shorten it"),
        );
    }
}

// `build` lives here, not in model.rs, so that validation depends on the model and never the
// other way round.
impl CommunityBuilder {
    /// Validates everything and builds the community, with its warnings.
    ///
    /// # Errors
    /// [`crate::Error::Invalid`] with every problem found, each with its
    /// [`Place`](crate::Place): invalid or duplicate ids, unknown members, groups or rhythms
    /// (with the close ids), composition cycles (naming the rhythms), impossible commitments and
    /// quorums, lengths longer than their cadence.
    pub fn build(&self) -> Result<(Community, Vec<Problem>), crate::Error> {
        build(self.clone())
    }
}

fn build(builder: CommunityBuilder) -> Result<(Community, Vec<Problem>), crate::Error> {
    let (community_breaks, holidays, break_markers) = builder.break_parts();
    let (id, name, zone, start, members, groups, rhythms) = builder.into_parts();
    let mut report = Report { errors: Vec::new(), warnings: Vec::new() };

    if let Err(message) = check_id(&id) {
        report.error(place(Item::Community, "id"), message);
    }
    check_text(&mut report, place(Item::Community, "name"), "name", &name);
    let member_index = check_members(&mut report, &members);
    let member_ids: Vec<&str> = members.iter().map(|m| m.id.as_str()).collect();
    let group_index = check_groups(&mut report, &groups, &member_index, &member_ids);
    let group_ids: Vec<&str> = groups.iter().map(|g| g.id.as_str()).collect();
    let parent = resolve_part_of(&mut report, &groups, &group_index, &group_ids);
    check_part_of_loops(&mut report, &groups, &parent);
    let tree = GroupTree::new(&groups, parent.clone(), &group_index, &member_index);
    check_group_sizes(&mut report, &groups, &tree);
    let rhythm_index = index_rhythms(&mut report, &rhythms);
    let rhythm_ids: Vec<&str> = rhythms.iter().map(|r| r.id.as_str()).collect();
    let known = Known {
        zone,
        start,
        member_index: &member_index,
        member_ids: &member_ids,
        group_index: &group_index,
        group_ids: &group_ids,
        rhythm_index: &rhythm_index,
        rhythm_ids: &rhythm_ids,
        groups: &groups,
        tree: &tree,
    };
    let links = check_rhythms(&mut report, &known, &rhythms);
    let order = composition_order(&mut report, &links.depends_on, &rhythms);
    check_all_breaks(&mut report, &community_breaks, &members, &groups);

    if !report.errors.is_empty() {
        return Err(crate::Error::Invalid { errors: report.errors, warnings: report.warnings });
    }

    let period = tempos(&order, &rhythms, &rhythm_index);
    let within_chain = within_chains(&order, &rhythms, &rhythm_index);
    let (rhythm_breaks, member_breaks) = resolve_breaks(
        &community_breaks,
        &members,
        &groups,
        &parent,
        &links.rhythm_group,
        &links.zone,
        &links.attendees,
    );
    let resolved = Resolved {
        member_index,
        rhythm_index,
        rhythm_group: links.rhythm_group,
        attendees: links.attendees,
        depends_on: links.depends_on,
        zone: links.zone,
        start: links.start,
        period,
        within_chain,
        rhythm_breaks,
        member_breaks,
        groups: tree,
    };
    let community = Community {
        id,
        name,
        zone,
        start,
        members,
        groups,
        rhythms,
        resolved: Arc::new(resolved),
        breaks: community_breaks,
        holidays,
        break_markers,
    };
    Ok((community, report.warnings))
}

/// Members: ids (valid, unique ignoring case), names, away dates and email addresses. Returns
/// each member's index by id.
fn check_members(report: &mut Report, members: &[Member]) -> HashMap<String, usize> {
    let mut member_index: HashMap<String, usize> = HashMap::new();
    let mut lower_ids: HashMap<String, usize> = HashMap::new();
    for (i, member) in members.iter().enumerate() {
        let item = Item::Member(i);
        if let Err(message) = check_id(&member.id) {
            report.error(place(item, "id"), message);
        }
        check_text(report, place(item, "name"), "name", &member.name);
        if let Some(previous) = lower_ids.insert(member.id.to_ascii_lowercase(), i) {
            let other = members.get(previous).map(|m| m.id.as_str()).unwrap_or_default();
            report.error(
                place(item, "id"),
                format!(
                    "member id `{}` is already used by member {} (`{other}`); ids must be unique, ignoring case",
                    member.id,
                    previous + 1
                ),
            );
        }
        member_index.insert(member.id.clone(), i);
        for (j, (from, to)) in member.away.iter().enumerate() {
            if to < from {
                report.error(
                    place_at(item, "away", j),
                    format!("the away dates {from}..{to} run backwards; write FIRST..LAST"),
                );
            }
        }
        if let Some(email) = &member.email
            && !is_email(email)
        {
            report.error(
                place(item, "email"),
                format!(
                    "`{}` is not an email address; write it as name@example.org",
                    email.escape_debug()
                ),
            );
        }
    }
    member_index
}

/// Whether `email` looks like an address a calendar can invite: `local@domain.tld`, no spaces,
/// control characters or the characters that delimit addresses.
fn is_email(email: &str) -> bool {
    email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.starts_with('.')
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || "<>\",;:".contains(c))
}

/// Groups: ids (valid, unique ignoring case), names, and members that exist and are listed once.
/// Returns each group's index by id.
fn check_groups(
    report: &mut Report,
    groups: &[Group],
    member_index: &HashMap<String, usize>,
    member_ids: &[&str],
) -> HashMap<String, usize> {
    let mut group_index: HashMap<String, usize> = HashMap::new();
    let mut lower_groups: HashMap<String, usize> = HashMap::new();
    for (i, group) in groups.iter().enumerate() {
        let item = Item::Group(i);
        if let Err(message) = check_id(&group.id) {
            report.error(place(item, "id"), message);
        }
        check_text(report, place(item, "name"), "name", &group.name);
        if lower_groups.insert(group.id.to_ascii_lowercase(), i).is_some() {
            report.error(
                place(item, "id"),
                format!("group id `{}` is used twice (ignoring case); rename one", group.id),
            );
        }
        group_index.insert(group.id.clone(), i);
        let mut seen = HashSet::new();
        for (j, member) in group.members.iter().enumerate() {
            if !member_index.contains_key(member) {
                report.error(place_at(item, "members", j), unknown("member", member, member_ids));
            } else if !seen.insert(member) {
                report.warn(
                    place_at(item, "members", j),
                    format!("member `{member}` is listed twice in group `{}`", group.id),
                );
            }
        }
    }
    group_index
}

/// Each group's `part_of`, which must name another group: the parent of each group, by index.
fn resolve_part_of(
    report: &mut Report,
    groups: &[Group],
    group_index: &HashMap<String, usize>,
    group_ids: &[&str],
) -> Vec<Option<usize>> {
    let mut parent: Vec<Option<usize>> = vec![None; groups.len()];
    for (i, group) in groups.iter().enumerate() {
        if let Some(part_of) = &group.part_of {
            match group_index.get(part_of) {
                Some(p) if *p == i => report.error(
                    place(Item::Group(i), "part_of"),
                    format!("group `{}` cannot be part of itself", group.id),
                ),
                Some(p) => {
                    if let Some(slot) = parent.get_mut(i) {
                        *slot = Some(*p);
                    }
                }
                None => report
                    .error(place(Item::Group(i), "part_of"), unknown("group", part_of, group_ids)),
            }
        }
    }
    parent
}

/// `part_of` must not loop: each loop is reported once, from its first group in file order.
fn check_part_of_loops(report: &mut Report, groups: &[Group], parent: &[Option<usize>]) {
    for start in 0..groups.len() {
        let mut seen = vec![start];
        let mut at = parent.get(start).copied().flatten();
        while let Some(g) = at {
            if g == start {
                if seen.iter().any(|i| *i < start) {
                    break;
                }
                let names: Vec<&str> =
                    seen.iter().filter_map(|i| groups.get(*i)).map(|g| g.id.as_str()).collect();
                report.error(
                    place(Item::Group(start), "part_of"),
                    format!(
                        "groups are part of each other in a loop: {} -> {}; a group's `part_of` must name a larger group",
                        names.join(" -> "),
                        names.first().copied().unwrap_or_default()
                    ),
                );
                break;
            }
            if seen.contains(&g) {
                break;
            }
            seen.push(g);
            at = parent.get(g).copied().flatten();
        }
    }
}

/// Rosters (direct members plus every subgroup's, transitively) against each group's scale:
/// empty groups and groups larger or smaller than their scale are warnings.
fn check_group_sizes(report: &mut Report, groups: &[Group], tree: &GroupTree) {
    for (i, group) in groups.iter().enumerate() {
        let size = tree.roster(i).len();
        let (min, max) = group.scale.expected_sizes();
        let size_u32 = u32::try_from(size).unwrap_or(u32::MAX);
        if size == 0 {
            report.warn(
                place(Item::Group(i), "members"),
                format!("group `{}` has no members; list them in `members`, or make groups `part_of` it", group.id),
            );
        } else if size_u32 < min || size_u32 > max {
            let expected = if max == u32::MAX {
                format!("{min} or more")
            } else if min == max {
                format!("{min}")
            } else {
                format!("{min} to {max}")
            };
            report.warn(
                place(Item::Group(i), "scale"),
                format!(
                    "group `{}` has {size} members but a {} usually has {expected}; split it, or give its scale as a size range (e.g. scale = \"{size}..{size}\")",
                    group.id, group.scale
                ),
            );
        }
    }
}

/// Rhythm ids: valid and unique ignoring case. Returns each rhythm's index by id.
fn index_rhythms(report: &mut Report, rhythms: &[Rhythm]) -> HashMap<String, usize> {
    let mut rhythm_index: HashMap<String, usize> = HashMap::new();
    let mut lower_rhythms: HashMap<String, usize> = HashMap::new();
    for (i, rhythm) in rhythms.iter().enumerate() {
        if let Err(message) = check_id(&rhythm.id) {
            report.error(place(Item::Rhythm(i), "id"), message);
        }
        if lower_rhythms.insert(rhythm.id.to_ascii_lowercase(), i).is_some() {
            report.error(
                place(Item::Rhythm(i), "id"),
                format!("rhythm id `{}` is used twice (ignoring case); rename one", rhythm.id),
            );
        }
        rhythm_index.insert(rhythm.id.clone(), i);
    }
    rhythm_index
}

/// What the rhythm checks look things up in: the community's defaults and its indexes by id.
struct Known<'a> {
    zone: Tz,
    start: NaiveDate,
    member_index: &'a HashMap<String, usize>,
    member_ids: &'a [&'a str],
    group_index: &'a HashMap<String, usize>,
    group_ids: &'a [&'a str],
    rhythm_index: &'a HashMap<String, usize>,
    rhythm_ids: &'a [&'a str],
    groups: &'a [Group],
    tree: &'a GroupTree,
}

/// Per rhythm, what validation resolves: its group, attendees, the rhythms it is composed with,
/// its zone and its first date.
struct Links {
    rhythm_group: Vec<usize>,
    attendees: Vec<Arc<[usize]>>,
    depends_on: Vec<Vec<usize>>,
    zone: Vec<Tz>,
    start: Vec<NaiveDate>,
}

/// Checks each rhythm: its texts and dates, group and attendees, references to other rhythms,
/// timing, commitment, roles, quorum and mix.
fn check_rhythms(report: &mut Report, known: &Known<'_>, rhythms: &[Rhythm]) -> Links {
    let mut links = Links {
        rhythm_group: vec![0usize; rhythms.len()],
        attendees: Vec::with_capacity(rhythms.len()),
        depends_on: Vec::with_capacity(rhythms.len()),
        zone: Vec::with_capacity(rhythms.len()),
        start: Vec::with_capacity(rhythms.len()),
    };
    for (i, rhythm) in rhythms.iter().enumerate() {
        let item = Item::Rhythm(i);
        check_text(report, place(item, "name"), "name", &rhythm.name);
        if let Some(text) = &rhythm.intention {
            check_text(report, place(item, "intention"), "intention", text);
        }
        links.zone.push(rhythm.zone.unwrap_or(known.zone));
        let rhythm_start = rhythm.start.unwrap_or(known.start);
        links.start.push(rhythm_start);
        check_span(report, item, rhythm, rhythm_start, known.zone);
        check_dates_and_all_day(report, item, rhythm, rhythm_start);
        let list: Vec<usize> = match known.group_index.get(&rhythm.group) {
            Some(g) => {
                if let Some(slot) = links.rhythm_group.get_mut(i) {
                    *slot = *g;
                }
                match rhythm.attendance {
                    Attendance::WithSubgroups => known.tree.roster(*g).to_vec(),
                    Attendance::Direct => known.tree.direct(*g).to_vec(),
                }
            }
            None => {
                report
                    .error(place(item, "group"), unknown("group", &rhythm.group, known.group_ids));
                Vec::new()
            }
        };
        let mut refs = References { i, rhythm, known, depends_on: Vec::new() };
        refs.check_composition(report);
        check_timing(report, &mut refs);
        links.depends_on.push(refs.depends_on);
        if let Some(commitment) = &rhythm.commitment {
            check_commitment(report, item, rhythm, commitment, rhythm_start);
        }
        check_roles(report, known, item, rhythm, &list);
        check_presence(report, item, rhythm, list.len());
        if let Some(mix) = rhythm.mix {
            check_mix(report, item, rhythm, mix, known.groups, list.len());
        }
        links.attendees.push(Arc::from(list));
    }
    links
}

/// A rhythm's end before its start, and a rule whose `UNTIL` comes before the first meeting.
fn check_span(report: &mut Report, item: Item, rhythm: &Rhythm, rhythm_start: NaiveDate, zone: Tz) {
    if let Some(end) = rhythm.end
        && end < rhythm_start
    {
        report.error(
            place(item, "end"),
            format!("rhythm `{}` ends on {end}, before it starts on {rhythm_start}; move `end` after `start` or remove it", rhythm.id),
        );
    }
    if let Timing::Cadence(Cadence::Rule(rule)) = &rhythm.timing
        && let Some(until) =
            until_before_start(rule, rhythm_start, rhythm.at, rhythm.zone.unwrap_or(zone))
    {
        report.warn(
            place(item, "cadence"),
            format!(
                "the cadence ends (UNTIL {until}) before rhythm `{}` first meets on {rhythm_start} at {}, so it never meets; move UNTIL later or remove it",
                rhythm.id,
                rhythm.at.format("%H:%M")
            ),
        );
    }
}

/// A rhythm's references to other rhythms (`within`, `except`, `after`, `offset`), gathered as
/// they are checked.
struct References<'a> {
    i: usize,
    rhythm: &'a Rhythm,
    known: &'a Known<'a>,
    depends_on: Vec<usize>,
}

impl References<'_> {
    /// `target` must name another rhythm; the rhythm then depends on it.
    fn refer(
        &mut self,
        report: &mut Report,
        field: &'static str,
        index: Option<usize>,
        target: &str,
    ) {
        let item = Item::Rhythm(self.i);
        let at = match index {
            Some(j) => place_at(item, field, j),
            None => place(item, field),
        };
        match self.known.rhythm_index.get(target) {
            Some(t) if *t == self.i => report.error(
                at,
                format!("rhythm `{}` cannot be composed with itself in `{field}`; name another rhythm or remove `{field}`", self.rhythm.id),
            ),
            Some(t) => self.depends_on.push(*t),
            None => report.error(at, unknown("rhythm", target, self.known.rhythm_ids)),
        }
    }

    /// `within`, `except` and `after`: known rhythms, and an `nth` of 1 to 1000.
    fn check_composition(&mut self, report: &mut Report) {
        let rhythm = self.rhythm;
        if let Some(within) = &rhythm.within {
            self.refer(report, "within", None, within);
        }
        for (j, except) in rhythm.except.iter().enumerate() {
            self.refer(report, "except", Some(j), &except.rhythm);
        }
        if let Some(after) = &rhythm.after {
            self.refer(report, "after", None, &after.rhythm);
            if after.nth == 0 || after.nth > 1000 {
                report.error(
                    place(Item::Rhythm(self.i), "after"),
                    format!(
                        "`nth = {}` must be between 1 and 1000 (1 = the first occurrence after)",
                        after.nth
                    ),
                );
            }
        }
    }
}

/// An offset names a known rhythm, within a year, and is not `auto`; a cadence repeats no sooner
/// than the rhythm lasts, and counts at most 100000 occurrences.
fn check_timing(report: &mut Report, refs: &mut References<'_>) {
    let rhythm = refs.rhythm;
    let item = Item::Rhythm(refs.i);
    match &rhythm.timing {
        Timing::Offset(offset) => {
            if rhythm.auto {
                report.error(
                    place(item, "at"),
                    format!(
                        "rhythm `{}` has `at = \"auto\"` but is timed by an `offset` from another rhythm; the solver places only rhythms with a `cadence`, so give it a time",
                        rhythm.id
                    ),
                );
            }
            refs.refer(report, "offset", None, &offset.rhythm);
            if offset.days.abs() > 366 {
                report.error(
                    place(item, "offset"),
                    format!(
                        "an offset of {} days is more than a year; use at most 366",
                        offset.days
                    ),
                );
            }
        }
        Timing::Cadence(cadence) => {
            let period = cadence.nominal_period_seconds();
            let length = u64::from(rhythm.length.minutes()) * 60;
            // Only a lower bound on the gap between occurrences is known for rules with several
            // BY-values, so compare with the smallest gap the frequency allows.
            let min_gap = match cadence {
                Cadence::Rule(rule) => min_gap_seconds(rule, rule.frequency_period_seconds()),
                Cadence::Moon(_) => period,
                Cadence::Dates(dates) => {
                    crate::cadence::dates_min_gap_seconds(dates).unwrap_or(u64::MAX)
                }
            };
            if length > min_gap {
                report.error(
                    place(item, "length"),
                    format!(
                        "rhythm `{}` lasts {} but its cadence `{cadence}` can repeat sooner than that, so occurrences would overlap; shorten it or slow the cadence",
                        rhythm.id, rhythm.length
                    ),
                );
            }
            if let Cadence::Rule(rule) = cadence
                && let RuleEnd::Count(n) = rule.end()
                && n > 100_000
            {
                report.error(
                    place(item, "cadence"),
                    format!(
                        "COUNT={n} is more than 100000 occurrences; use UNTIL or a smaller COUNT"
                    ),
                );
            }
        }
    }
}

/// A commitment has 1 to [`MAX_COMMITMENT_MEETINGS`] meetings a cycle and renews until after the
/// rhythm starts.
fn check_commitment(
    report: &mut Report,
    item: Item,
    rhythm: &Rhythm,
    commitment: &Commitment,
    rhythm_start: NaiveDate,
) {
    if commitment.meetings == 0 || commitment.meetings > MAX_COMMITMENT_MEETINGS {
        report.error(
            place(item, "commitment"),
            format!(
                "a commitment needs 1 to {MAX_COMMITMENT_MEETINGS} meetings before its retrospective, not {}",
                commitment.meetings
            ),
        );
    }
    if let Renewal::Until(until) = commitment.renewal
        && until < rhythm_start
    {
        report.error(
            place(item, "commitment"),
            format!(
                "the commitment renews until {until}, before the rhythm starts on {rhythm_start}; move `until` later"
            ),
        );
    }
    if matches!(rhythm.timing, Timing::Offset(_)) || rhythm.after.is_some() {
        report.warn(
            place(item, "commitment"),
            "a commitment on a rhythm timed from another counts that rhythm's occurrences as its meetings",
        );
    }
}

/// Roles: named, listed once, fixed holders known (and attending), and enough attendees to
/// rotate over.
fn check_roles(
    report: &mut Report,
    known: &Known<'_>,
    item: Item,
    rhythm: &Rhythm,
    list: &[usize],
) {
    let mut role_names = HashSet::new();
    let mut rotating = 0usize;
    for (j, role) in rhythm.roles.iter().enumerate() {
        if role.name.trim().is_empty() || role.name.chars().count() > 64 {
            report.error(place_at(item, "roles", j), "a role needs a name of 1 to 64 characters");
        }
        if !role_names.insert(role.name.to_ascii_lowercase()) {
            report.error(
                place_at(item, "roles", j),
                format!("role `{}` is listed twice; list each duty once", role.name),
            );
        }
        match &role.holder {
            Holder::Rotating => rotating += 1,
            Holder::Fixed(member) => match known.member_index.get(member) {
                None => report
                    .error(place_at(item, "roles", j), unknown("member", member, known.member_ids)),
                Some(m) if !list.contains(m) => report.warn(
                    place_at(item, "roles", j),
                    format!(
                        "`{member}` holds the {} role but does not attend `{}`",
                        role.name, rhythm.id
                    ),
                ),
                Some(_) => {}
            },
        }
    }
    if rotating > 0 && list.is_empty() && known.group_index.contains_key(&rhythm.group) {
        report.error(
            place(item, "roles"),
            format!(
                "rhythm `{}` rotates its roles but its group `{}` has no members; add members or give each role a fixed holder",
                rhythm.id, rhythm.group
            ),
        );
    } else if rotating > list.len() && !list.is_empty() {
        report.warn(
            place(item, "roles"),
            format!(
                "rhythm `{}` has {rotating} rotating roles but only {} attendees, so someone will hold two roles at once",
                rhythm.id,
                list.len()
            ),
        );
    }
}

/// A quorum (`presence`) of 1 to the number of attendees, or 1% to 100%.
fn check_presence(report: &mut Report, item: Item, rhythm: &Rhythm, attendees: usize) {
    match rhythm.presence {
        Some(Presence::Count(n))
            if n == 0 || usize::try_from(n).unwrap_or(usize::MAX) > attendees =>
        {
            report.error(
                place(item, "presence"),
                format!(
                    "a quorum of {n} is impossible: `{}` has {attendees} attendees; use 1 to {} or a percentage",
                    rhythm.id,
                    attendees.max(1)
                ),
            )
        }
        Some(Presence::Percent(p)) if p == 0 || p > 100 => report.error(
            place(item, "presence"),
            format!("a quorum of {p}% is impossible; use 1% to 100%"),
        ),
        _ => {}
    }
}

/// Composition must be acyclic: the rhythms in an order where each comes after those it is
/// composed with, or (reporting the cycle) none.
fn composition_order(
    report: &mut Report,
    depends_on: &[Vec<usize>],
    rhythms: &[Rhythm],
) -> Vec<usize> {
    match topological_order(depends_on) {
        Ok(order) => order,
        Err(cycle) => {
            let names: Vec<&str> =
                cycle.iter().filter_map(|i| rhythms.get(*i)).map(|r| r.id.as_str()).collect();
            let first = cycle.first().copied().unwrap_or(0);
            report.error(
                place(Item::Rhythm(first), ""),
                format!(
                    "rhythms are composed in a cycle: {} -> {}; break it by removing one of these references (within, except, after, offset)",
                    names.join(" -> "),
                    names.first().copied().unwrap_or_default()
                ),
            );
            Vec::new()
        }
    }
}

/// Tempo: each rhythm's nominal period in seconds; offset rhythms take the tempo of the rhythm
/// they hang from.
fn tempos(order: &[usize], rhythms: &[Rhythm], rhythm_index: &HashMap<String, usize>) -> Vec<u64> {
    let mut period = vec![0u64; rhythms.len()];
    for &i in order {
        let value = match rhythms.get(i).map(|r| &r.timing) {
            Some(Timing::Cadence(cadence)) => cadence.nominal_period_seconds(),
            Some(Timing::Offset(offset)) => {
                rhythm_index.get(&offset.rhythm).and_then(|t| period.get(*t).copied()).unwrap_or(0)
            }
            None => 0,
        };
        if let Some(slot) = period.get_mut(i) {
            *slot = value;
        }
    }
    period
}

/// Per rhythm, every rhythm it lies `within`, directly or through another.
fn within_chains(
    order: &[usize],
    rhythms: &[Rhythm],
    rhythm_index: &HashMap<String, usize>,
) -> Vec<HashSet<usize>> {
    let mut within_chain: Vec<HashSet<usize>> = vec![HashSet::new(); rhythms.len()];
    for &i in order {
        let mut chain = HashSet::new();
        if let Some(parent) =
            rhythms.get(i).and_then(|r| r.within.as_ref()).and_then(|w| rhythm_index.get(w))
        {
            chain.insert(*parent);
            chain.extend(within_chain.get(*parent).into_iter().flatten().copied());
        }
        if let Some(slot) = within_chain.get_mut(i) {
            *slot = chain;
        }
    }
    within_chain
}

/// The breaks of the community, of each member and of each group.
fn check_all_breaks(
    report: &mut Report,
    community: &[Break],
    members: &[Member],
    groups: &[Group],
) {
    check_breaks(report, Item::Community, community);
    for (i, member) in members.iter().enumerate() {
        check_breaks(report, Item::Member(i), &member.breaks);
    }
    for (i, group) in groups.iter().enumerate() {
        check_breaks(report, Item::Group(i), &group.breaks);
    }
}

/// Breaks run forwards and have a name.
fn check_breaks(report: &mut Report, item: Item, breaks: &[Break]) {
    for (j, b) in breaks.iter().enumerate() {
        let at = place_at(item, "breaks", j);
        if b.to < b.from {
            report.error(
                at,
                format!(
                    "the break `{}` runs backwards ({} to {}); write the first date, then the last",
                    b.name.escape_debug(),
                    b.from,
                    b.to
                ),
            );
        }
        if b.name.trim().is_empty() {
            report.error(at, "a break needs a name, e.g. name = \"Winter break\"");
        }
        check_text(report, at, "break's name", &b.name);
    }
}

/// Per rhythm, the breaks of the community and of its group and every larger group, read in the
/// rhythm's zone and each attendee's; per member, their own breaks in their zone.
fn resolve_breaks(
    community_breaks: &[Break],
    members: &[crate::model::Member],
    groups: &[crate::model::Group],
    parent: &[Option<usize>],
    rhythm_group: &[usize],
    zone_of: &[chrono_tz::Tz],
    attendees: &[Arc<[usize]>],
) -> (Vec<RhythmBreaks>, Vec<Vec<(i64, i64)>>) {
    let member_breaks = members.iter().map(|m| member_spans(&m.breaks, m.zone)).collect();
    let any_group_break = groups.iter().any(|g| !g.breaks.is_empty());
    let with_breaks = |i: usize| -> Vec<usize> {
        let list = attendees.get(i).map(|a| a.to_vec()).unwrap_or_default();
        list.into_iter().filter(|m| members.get(*m).is_some_and(|m| !m.breaks.is_empty())).collect()
    };
    if community_breaks.is_empty() && !any_group_break {
        let rhythm_breaks = (0..rhythm_group.len())
            .map(|i| RhythmBreaks::default().with_members(with_breaks(i)))
            .collect();
        return (rhythm_breaks, member_breaks);
    }
    let rhythm_breaks = rhythm_group
        .iter()
        .enumerate()
        .map(|(i, g)| {
            let mut list: Vec<(Break, BreakOwner)> =
                community_breaks.iter().map(|b| (b.clone(), BreakOwner::Community)).collect();
            let mut at = Some(*g);
            let mut seen = HashSet::new();
            while let Some(g) = at.filter(|g| seen.insert(*g)) {
                if let Some(group) = groups.get(g) {
                    let owner = BreakOwner::Group(Arc::from(group.id.as_str()));
                    list.extend(group.breaks.iter().map(|b| (b.clone(), owner.clone())));
                }
                at = parent.get(g).copied().flatten();
            }
            if list.is_empty() {
                return RhythmBreaks::default().with_members(with_breaks(i));
            }
            let mut zones: Vec<chrono_tz::Tz> = zone_of.get(i).copied().into_iter().collect();
            for m in attendees.get(i).into_iter().flat_map(|a| a.iter()) {
                if let Some(member) = members.get(*m) {
                    zones.push(member.zone);
                }
            }
            zones.sort_unstable_by_key(|z| z.name());
            zones.dedup();
            RhythmBreaks::new(list, &zones).with_members(with_breaks(i))
        })
        .collect();
    (rhythm_breaks, member_breaks)
}

/// `mix = { size, across }`: groups of 2 or more, across subgroups the rhythm's group has.
fn check_mix(
    report: &mut Report,
    item: Item,
    rhythm: &crate::model::Rhythm,
    mix: crate::model::Mix,
    groups: &[crate::model::Group],
    attendees: usize,
) {
    if mix.size < 2 {
        report.error(
            place(item, "mix"),
            format!(
                "`size = {}`: a mixer needs 2 or more people; use e.g. `mix = {{ size = 4, across = \"pods\" }}`",
                mix.size
            ),
        );
        return;
    }
    if !groups.iter().any(|g| g.id == rhythm.group) {
        return; // an unknown group is reported at `group`
    }
    if crate::model::subgroups_at(groups, &rhythm.group, mix.across).is_empty() {
        report.error(
            place(item, "mix"),
            format!(
                "rhythm `{}` mixes across {} scale groups, but group `{}` has none (groups at that scale with `part_of = \"{}\"`); add them, or mix across another scale, e.g. `across = \"circles\"`",
                rhythm.id, mix.across, rhythm.group, rhythm.group
            ),
        );
    } else if usize::try_from(mix.size).unwrap_or(usize::MAX) > attendees {
        report.warn(
            place(item, "mix"),
            format!(
                "rhythm `{}` asks for mixers of {} but has {attendees} attendees, so all of them meet as one group; use a smaller `size`",
                rhythm.id, mix.size
            ),
        );
    }
}

/// The shortest gap a rule's occurrences can have, in seconds (a lower bound).
/// The most dates one `dates = [...]` list may hold.
pub(crate) const MAX_DATES: usize = 10_000;

/// One-off dates and all-day rhythms: dates outside the rhythm's start and end (never planned),
/// too many dates, and all-day rhythms that are not whole days or have a time.
fn check_dates_and_all_day(
    report: &mut Report,
    item: crate::model::Item,
    rhythm: &crate::model::Rhythm,
    rhythm_start: chrono::NaiveDate,
) {
    if let Timing::Cadence(Cadence::Dates(dates)) = &rhythm.timing {
        if dates.is_empty() {
            report.error(
                place(item, "dates"),
                format!("rhythm `{}` has an empty `dates` list; list at least one date, e.g. dates = [\"2027-06-12\"]", rhythm.id),
            );
        }
        if dates.len() > MAX_DATES {
            report.error(
                place(item, "dates"),
                format!(
                    "rhythm `{}` lists {} dates, more than {MAX_DATES}; use a `cadence` for a regular rhythm",
                    rhythm.id,
                    dates.len()
                ),
            );
        }
        for (j, date) in dates.iter().enumerate() {
            let before = *date < rhythm_start;
            let after = rhythm.end.is_some_and(|end| *date > end);
            if before || after {
                let (edge, when) = if before {
                    ("starts", rhythm_start)
                } else {
                    ("ends", rhythm.end.unwrap_or(*date))
                };
                report.warn(
                    place_at(item, "dates", j),
                    format!(
                        "{date} is {} rhythm `{}` {edge} on {when}, so it is never planned; remove it or move the rhythm's `{}`",
                        if before { "before" } else { "after" },
                        rhythm.id,
                        if before { "start" } else { "end" }
                    ),
                );
            }
        }
    }
    if !rhythm.all_day {
        return;
    }
    let minutes = rhythm.length.minutes();
    if !minutes.is_multiple_of(24 * 60) {
        report.error(
            place(item, "length"),
            format!(
                "rhythm `{}` is all-day (it has no `at`), so it lasts whole days, not {}; write e.g. length = \"1d\" or \"3d\", or give it a time with `at`",
                rhythm.id, rhythm.length
            ),
        );
    }
    if rhythm.at != chrono::NaiveTime::MIN {
        report.error(
            place(item, "at"),
            format!(
                "rhythm `{}` is all-day, so it has no `at`; remove `at`, or make it a timed rhythm",
                rhythm.id
            ),
        );
    }
    if rhythm.auto {
        report.error(
            place(item, "at"),
            format!("rhythm `{}` is all-day, so the solver has no time to choose; remove `at = \"auto\"` or give it a length in hours", rhythm.id),
        );
    }
    if let Some(retro) = rhythm.commitment.as_ref().and_then(|c| c.retrospective)
        && !retro.minutes().is_multiple_of(24 * 60)
    {
        report.error(
            place(item, "commitment"),
            format!(
                "rhythm `{}` is all-day, so its retrospective lasts whole days too, not {retro}; write e.g. retrospective = \"1d\"",
                rhythm.id
            ),
        );
    }
}

fn min_gap_seconds(rule: &crate::rule::RecurrenceRule, period: u64) -> u64 {
    use crate::rule::Frequency::{Monthly, Yearly};
    let many_times = rule.by_hour.len() > 1 || rule.by_minute.len() > 1 || rule.by_second.len() > 1;
    let many_days = rule.by_day().len() > 1
        || rule.by_month_day().len() > 1
        || rule.by_day().iter().any(|d| d.nth.is_none()) && matches!(rule.freq(), Monthly | Yearly)
        || !rule.by_year_day.is_empty()
        || !rule.by_week_no.is_empty();
    if many_times {
        // The finest listed unit bounds the gap: BYMINUTE=0,20,40 repeats every 20 minutes at
        // the soonest (and never sooner than FREQ x INTERVAL allows for sub-daily rules).
        // Gaps are cyclic: BYMINUTE=0,50 also repeats 10 minutes after the 50.
        let finest = |values: &[u8], unit: u64, modulus: u64| {
            let mut sorted: Vec<u64> = values.iter().map(|v| u64::from(*v)).collect();
            sorted.sort_unstable();
            sorted.dedup();
            let wrap = match (sorted.first(), sorted.last()) {
                (Some(first), Some(last)) => Some(first + modulus - last),
                _ => None,
            };
            sorted
                .windows(2)
                .filter_map(|w| match w {
                    [a, b] => Some(b - a),
                    _ => None,
                })
                .chain(wrap)
                .min()
                .map(|gap| gap * unit)
        };
        let gap = if rule.by_second.len() > 1 {
            finest(&rule.by_second, 1, 60)
        } else if rule.by_minute.len() > 1 {
            finest(&rule.by_minute, 60, 60)
        } else {
            finest(&rule.by_hour, 3_600, 24)
        };
        gap.unwrap_or(1).min(period).max(1)
    } else if many_days {
        period.min(86_400)
    } else if rule.by_month().len() > 1 {
        // Different months: at least 28 days apart.
        period.min(28 * 86_400)
    } else {
        period
    }
}

/// Orders nodes so each comes after its dependencies, or returns one cycle.
fn topological_order(depends_on: &[Vec<usize>]) -> Result<Vec<usize>, Vec<usize>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let n = depends_on.len();
    let mut mark = vec![Mark::New; n];
    let mut order = Vec::with_capacity(n);
    for root in 0..n {
        if mark.get(root) != Some(&Mark::New) {
            continue;
        }
        // Iterative DFS: (node, next dependency to visit).
        let mut stack: Vec<(usize, usize)> = vec![(root, 0)];
        if let Some(m) = mark.get_mut(root) {
            *m = Mark::Active;
        }
        while let Some((node, next)) = stack.last().copied() {
            let deps = depends_on.get(node).map(Vec::as_slice).unwrap_or_default();
            match deps.get(next) {
                Some(&dep) => {
                    if let Some(top) = stack.last_mut() {
                        top.1 += 1;
                    }
                    match mark.get(dep).copied() {
                        Some(Mark::New) => {
                            if let Some(m) = mark.get_mut(dep) {
                                *m = Mark::Active;
                            }
                            stack.push((dep, 0));
                        }
                        Some(Mark::Active) => {
                            let from = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                            let cycle: Vec<usize> = stack
                                .get(from..)
                                .unwrap_or_default()
                                .iter()
                                .map(|(n, _)| *n)
                                .collect();
                            return Err(cycle);
                        }
                        _ => {}
                    }
                }
                None => {
                    if let Some(m) = mark.get_mut(node) {
                        *m = Mark::Done;
                    }
                    order.push(node);
                    stack.pop();
                }
            }
        }
    }
    Ok(order)
}

/// The rule's `UNTIL`, written as it reads, when it falls before the rhythm's first possible
/// instance (`start` at `at` in `zone`): such a rule plans nothing.
fn until_before_start(
    rule: &crate::RecurrenceRule,
    start: chrono::NaiveDate,
    at: chrono::NaiveTime,
    zone: chrono_tz::Tz,
) -> Option<String> {
    use crate::rule::Until;
    let first = start.and_time(at);
    match rule.end() {
        RuleEnd::Until(Until::Date(date)) => (date < start).then(|| date.to_string()),
        RuleEnd::Until(Until::Local(local)) => {
            (local < first).then(|| local.format("%Y-%m-%d %H:%M").to_string())
        }
        RuleEnd::Until(Until::Utc(utc)) => {
            // The earliest instant the first local time can name (a gap moves it later).
            let earliest = crate::time::resolve_local(zone, first).naive_utc();
            (utc < earliest).then(|| format!("{} UTC", utc.format("%Y-%m-%d %H:%M")))
        }
        RuleEnd::Never | RuleEnd::Count(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::topological_order;

    #[test]
    fn orders_dependencies_first() {
        let order = topological_order(&[vec![1], vec![], vec![0, 1]]).unwrap();
        let pos = |n| order.iter().position(|x| *x == n).unwrap();
        assert!(pos(1) < pos(0) && pos(0) < pos(2));
    }

    #[test]
    fn finds_a_cycle() {
        let cycle = topological_order(&[vec![1], vec![2], vec![0]]).unwrap_err();
        assert_eq!(cycle.len(), 3);
    }
}
