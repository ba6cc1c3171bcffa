//! The groups as a tree by `part_of`: rosters, subgroups, ancestors and the tree order, computed
//! once when a community is built ([`GroupTree`]) and read through [`Community::roster`],
//! [`Community::subgroups`], [`Community::ancestors`] and [`Community::groups_in_tree_order`].

use std::collections::{HashMap, HashSet};

use crate::model::{Community, Group, Member};

/// Everything about the group tree that feeds, the picture, the pipeline and the solver ask for,
/// by group index.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupTree {
    index: HashMap<String, usize>,
    /// Per group: its larger group.
    parent: Vec<Option<usize>>,
    /// Per group: the groups directly part of it, in sibling order.
    subgroups: Vec<Vec<usize>>,
    /// Per group: its directly listed members, sorted member indices.
    direct: Vec<Vec<usize>>,
    /// Per group: its members and its subgroups', transitively; sorted member indices.
    roster: Vec<Vec<usize>>,
    /// Depth first from the roots, siblings in sibling order: (group, depth).
    order: Vec<(usize, usize)>,
}

impl GroupTree {
    /// The tree of `groups` (each group's larger group in `parent`). Terminates on `part_of`
    /// loops too (validation reports them; every group still appears once in the order).
    pub(crate) fn new(
        groups: &[Group],
        parent: Vec<Option<usize>>,
        group_index: &HashMap<String, usize>,
        member_index: &HashMap<String, usize>,
    ) -> GroupTree {
        // Siblings: larger scale first, then in the order given.
        let sibling_key = |g: &usize| (groups.get(*g).map_or(u8::MAX, |g| g.scale.depth()), *g);
        let mut subgroups: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
        let mut roots = Vec::new();
        for (i, p) in parent.iter().enumerate() {
            match p.and_then(|p| subgroups.get_mut(p)) {
                Some(list) => list.push(i),
                None => roots.push(i),
            }
        }
        for list in &mut subgroups {
            list.sort_by_key(sibling_key);
        }
        roots.sort_by_key(sibling_key);
        let direct: Vec<Vec<usize>> = groups
            .iter()
            .map(|g| {
                let mut list: Vec<usize> =
                    g.members.iter().filter_map(|m| member_index.get(m).copied()).collect();
                list.sort_unstable();
                list.dedup();
                list
            })
            .collect();
        let roster: Vec<Vec<usize>> = (0..groups.len())
            .map(|g| {
                let mut out = Vec::new();
                let mut stack = vec![g];
                let mut visited = HashSet::new();
                while let Some(at) = stack.pop() {
                    if !visited.insert(at) {
                        continue;
                    }
                    out.extend(direct.get(at).into_iter().flatten().copied());
                    stack.extend(subgroups.get(at).into_iter().flatten().copied());
                }
                out.sort_unstable();
                out.dedup();
                out
            })
            .collect();
        let mut order = Vec::with_capacity(groups.len());
        let mut visited = vec![false; groups.len()];
        let mut stack: Vec<(usize, usize)> = roots.iter().rev().map(|g| (*g, 0)).collect();
        loop {
            let Some((g, depth)) = stack.pop() else {
                // Groups on a part_of loop have no root; start from the first one left.
                match visited.iter().position(|v| !v) {
                    Some(g) => stack.push((g, 0)),
                    None => break,
                }
                continue;
            };
            match visited.get_mut(g) {
                Some(seen) if !*seen => *seen = true,
                _ => continue,
            }
            order.push((g, depth));
            stack.extend(subgroups.get(g).into_iter().flatten().rev().map(|c| (*c, depth + 1)));
        }
        GroupTree { index: group_index.clone(), parent, subgroups, direct, roster, order }
    }

    /// A group's roster as sorted member indices (empty for an unknown index).
    pub(crate) fn roster(&self, group: usize) -> &[usize] {
        self.roster.get(group).map_or(&[], Vec::as_slice)
    }

    /// A group's directly listed members as sorted member indices.
    pub(crate) fn direct(&self, group: usize) -> &[usize] {
        self.direct.get(group).map_or(&[], Vec::as_slice)
    }

    /// A group's larger groups, nearest first (bounded, so a `part_of` loop ends).
    fn ancestors(&self, group: usize) -> impl Iterator<Item = usize> + '_ {
        let mut at = self.parent.get(group).copied().flatten();
        let mut left = self.parent.len();
        std::iter::from_fn(move || {
            let g = at?;
            left = left.checked_sub(1)?;
            at = self.parent.get(g).copied().flatten();
            Some(g)
        })
    }
}

/// A group's roster: its members and its subgroups' members, transitively, each once, in the
/// order the community lists its members. Borrowed from the community; cheap to copy.
#[derive(Debug, Clone, Copy)]
pub struct Roster<'a> {
    members: &'a [Member],
    indices: &'a [usize],
    member_index: &'a HashMap<String, usize>,
}

impl<'a> Roster<'a> {
    /// How many members.
    pub fn len(&self) -> usize {
        self.indices.len()
    }

    /// Whether the group and all its subgroups list no one.
    pub fn is_empty(&self) -> bool {
        self.indices.is_empty()
    }

    /// Whether the member with this id is on the roster.
    pub fn contains(&self, member_id: &str) -> bool {
        self.member_index
            .get(member_id)
            .is_some_and(|index| self.indices.binary_search(index).is_ok())
    }

    /// The members.
    pub fn iter(&self) -> impl Iterator<Item = &'a Member> + 'a {
        let members = self.members;
        self.indices.iter().filter_map(move |i| members.get(*i))
    }

    /// The members' ids.
    pub fn ids(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.iter().map(Member::id)
    }
}

impl Community {
    fn tree(&self) -> &GroupTree {
        &self.resolved.groups
    }

    fn group_at(&self, index: usize) -> Option<&Group> {
        self.groups.get(index)
    }

    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.tree().index.get(id).and_then(|i| self.group_at(*i))
    }

    /// A group's roster: its members and its subgroups' members, transitively, each once, in
    /// the order the community lists members. `None` when there is no such group. Computed once
    /// when the community is built; the same list a rhythm of the group with subgroups attends.
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::chrono::NaiveDate;
    /// use tempi::chrono_tz::Europe::Berlin;
    /// use tempi::{Community, Group, Member, Scale};
    ///
    /// let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
    /// let (community, _warnings) = Community::builder("org", "Org", Berlin, start)
    ///     .member(Member::new("ana", "Ana", Berlin))
    ///     .member(Member::new("ben", "Ben", Berlin))
    ///     .member(Member::new("cai", "Cai", Berlin))
    ///     .group(Group::new("circle", "Circle", Scale::Circle).members(["cai"]))
    ///     .group(Group::new("pod", "Pod", Scale::Pod).members(["ben", "ana"]).part_of("circle"))
    ///     .build()?;
    /// let roster = community.roster("circle").unwrap();
    /// assert_eq!(roster.ids().collect::<Vec<_>>(), ["ana", "ben", "cai"]);
    /// assert!(roster.contains("ana"));
    /// assert!(!community.roster("pod").unwrap().contains("cai"));
    /// assert!(community.roster("nope").is_none());
    ///
    /// let parents: Vec<&str> = community.ancestors("pod").unwrap().map(|g| g.id()).collect();
    /// assert_eq!(parents, ["circle"]);
    /// let children: Vec<&str> = community.subgroups("circle").unwrap().map(|g| g.id()).collect();
    /// assert_eq!(children, ["pod"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn roster(&self, group: &str) -> Option<Roster<'_>> {
        let index = *self.tree().index.get(group)?;
        Some(Roster {
            members: &self.members,
            indices: self.tree().roster(index),
            member_index: &self.resolved.member_index,
        })
    }

    /// The groups directly part of a group (`part_of` it), larger scale first, then in the
    /// order given; `None` when there is no such group.
    pub fn subgroups(&self, group: &str) -> Option<impl Iterator<Item = &Group> + '_> {
        let index = *self.tree().index.get(group)?;
        let list = self.tree().subgroups.get(index).map_or(&[][..], Vec::as_slice);
        Some(list.iter().filter_map(|g| self.group_at(*g)))
    }

    /// The groups a group is part of, nearest first (its `part_of`, that group's, and so on);
    /// `None` when there is no such group.
    pub fn ancestors(&self, group: &str) -> Option<impl Iterator<Item = &Group> + '_> {
        let index = *self.tree().index.get(group)?;
        Some(self.tree().ancestors(index).filter_map(|g| self.group_at(g)))
    }

    /// Every group once, as a tree by `part_of`: depth first from the groups that are part of
    /// none, each with its depth (0 for those). Siblings come larger scale first (a congregation
    /// before a pod), then in the order given. This is the order the year picture draws lanes in.
    pub fn groups_in_tree_order(&self) -> impl Iterator<Item = (&Group, usize)> + '_ {
        self.tree()
            .order
            .iter()
            .filter_map(|(g, depth)| self.group_at(*g).map(|group| (group, *depth)))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::NaiveDate;
    use chrono_tz::Europe::Berlin;

    use crate::{Community, Group, Member, Scale};

    /// A network with two congregations (the second listed first in the file, but smaller in
    /// scale it still comes after), pods in one, and a member listed in two places.
    fn community() -> Community {
        let start = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        let mut builder = Community::builder("org", "Org", Berlin, start);
        for id in ["a", "b", "c", "d", "e", "f"] {
            builder.member(Member::new(id, id.to_uppercase(), Berlin));
        }
        builder
            .group(Group::new("net", "Net", Scale::Network).members(["f"]))
            .group(Group::new("pod-2", "Pod 2", Scale::Pod).members(["d", "a"]).part_of("east"))
            .group(Group::new("west", "West", Scale::Circle).members(["e"]).part_of("net"))
            .group(Group::new("east", "East", Scale::Congregation).members(["c"]).part_of("net"))
            .group(Group::new("pod-1", "Pod 1", Scale::Pod).members(["a", "b"]).part_of("east"));
        builder.build().unwrap().0
    }

    #[test]
    fn a_roster_holds_every_subgroup_member_once_in_member_order() {
        let c = community();
        let ids = |g: &str| c.roster(g).unwrap().ids().collect::<Vec<_>>();
        // `a` is in both pods; the network holds everyone.
        assert_eq!(ids("east"), ["a", "b", "c", "d"]);
        assert_eq!(ids("net"), ["a", "b", "c", "d", "e", "f"]);
        assert_eq!(ids("pod-2"), ["a", "d"]);
        assert_eq!(c.roster("east").unwrap().len(), 4);
        assert!(!c.roster("west").unwrap().contains("a"));
        assert!(!c.roster("west").unwrap().contains("nobody"));
    }

    #[test]
    fn subgroups_ancestors_and_tree_order() {
        let c = community();
        let ids = |it: Option<Vec<&Group>>| {
            it.unwrap().into_iter().map(|g| g.id().to_string()).collect::<Vec<_>>()
        };
        assert_eq!(ids(c.ancestors("pod-1").map(Iterator::collect)), ["east", "net"]);
        assert!(c.ancestors("net").unwrap().next().is_none());
        // The congregation before the circle though listed after it; pods in file order.
        assert_eq!(ids(c.subgroups("net").map(Iterator::collect)), ["east", "west"]);
        assert_eq!(ids(c.subgroups("east").map(Iterator::collect)), ["pod-2", "pod-1"]);
        assert!(c.subgroups("nope").is_none() && c.ancestors("nope").is_none());
        let order: Vec<(&str, usize)> =
            c.groups_in_tree_order().map(|(g, depth)| (g.id(), depth)).collect();
        assert_eq!(order, [("net", 0), ("east", 1), ("pod-2", 2), ("pod-1", 2), ("west", 1)]);
        assert_eq!(c.group("west").map(Group::name), Some("West"));
    }
}
