//! Step 3b of the engine: the breaks of the community and of a rhythm's groups, and members'
//! own breaks at each occurrence (see [`crate::breaks`]).

use std::sync::Arc;

use chrono::Days;
use chrono_tz::Tz;

use super::{Engine, Loss, Occ, Why, apply};
use crate::breaks::{OnBreak, RhythmBreaks, covers};
use crate::model::Rhythm;
use crate::plan::{Reason, RoleHolder};
use crate::time::resolve_local;

/// How far past a break a shifted occurrence may look for a free day.
const MAX_SHIFT_DAYS: usize = 400;

impl Engine<'_> {
    /// The breaks rhythm `i` is subject to.
    pub(super) fn breaks_of(&self, i: usize) -> Option<&RhythmBreaks> {
        self.community.resolved.rhythm_breaks.get(i).filter(|b| !b.is_empty())
    }

    /// Whether an occurrence of `rhythm` starting at `start` falls in one of its breaks (a shift
    /// for a clash must not land in one).
    pub(super) fn in_break(&self, rhythm: &Rhythm, start: i64) -> bool {
        let Some(i) = self.community.resolved.rhythm_index.get(&rhythm.id) else { return false };
        self.breaks_of(*i).is_some_and(|b| b.hit(start).is_some())
    }

    /// Cancels or shifts, as the rhythm's `on_break` says, every active occurrence that starts in
    /// a break of the community or of one of its groups.
    pub(super) fn apply_breaks(&self, i: usize, rhythm: &Rhythm, zone: Tz, occs: &mut [Occ]) {
        let Some(breaks) = self.breaks_of(i) else { return };
        for index in 0..occs.len() {
            let Some(occ) = occs.get(index).filter(|o| o.active()) else { continue };
            let Some(k) = breaks.hit(occ.start) else { continue };
            let why = Why::Break { rhythm: i, index: k };
            let (loss, local) = match rhythm.on_break {
                OnBreak::Shift => shift_past(breaks, rhythm, zone, occs, index, why),
                _ => (Loss::Cancel { why, tried_shift: false }, None),
            };
            if let Some(occ) = occs.get_mut(index) {
                apply(occ, loss);
                if let Some(local) = local {
                    // Later steps (a clash's shift within the week) count from the new date.
                    occ.local = local;
                }
            }
        }
    }

    pub(super) fn describe_break(&self, rhythm: usize, index: usize) -> Reason {
        match self.breaks_of(rhythm).and_then(|b| b.list.get(index)) {
            Some((b, owner)) => Reason::Break {
                name: Arc::from(b.name.as_str()),
                owner: owner.clone(),
                from: b.from,
                to: b.to,
            },
            None => Reason::Break {
                name: Arc::from("break"),
                owner: crate::breaks::BreakOwner::Community,
                from: chrono::NaiveDate::MIN,
                to: chrono::NaiveDate::MIN,
            },
        }
    }

    /// The attendees of rhythm `i` on a personal break at `start`, in attendee order.
    pub(super) fn away_at(&self, i: usize, start: i64) -> Vec<usize> {
        let resolved = &self.community.resolved;
        let Some(list) = resolved.rhythm_breaks.get(i).map(|b| &b.members) else {
            return Vec::new();
        };
        list.iter()
            .copied()
            .filter(|m| resolved.member_breaks.get(*m).is_some_and(|spans| covers(spans, start)))
            .collect()
    }
}

/// The first day after the break (and any break that follows it) at the same local time, when
/// the rhythm has no other occurrence there and the make-up ends before its next meeting that
/// goes ahead; otherwise a cancellation.
fn shift_past(
    breaks: &RhythmBreaks,
    rhythm: &Rhythm,
    zone: Tz,
    occs: &[Occ],
    index: usize,
    why: Why,
) -> (Loss, Option<chrono::NaiveDateTime>) {
    let cancel = (Loss::Cancel { why, tried_shift: true }, None);
    let Some(occ) = occs.get(index) else { return cancel };
    let length = occ.end - occ.start;
    let next = occs
        .iter()
        .skip(index + 1)
        .filter(|o| o.active() && breaks.hit(o.start).is_none())
        .map(|o| o.start)
        .min();
    let time = occ.local.time();
    let mut day = occ.local.date();
    for _ in 0..MAX_SHIFT_DAYS {
        let Some(following) = day.checked_add_days(Days::new(1)) else { break };
        day = following;
        if rhythm.end.is_some_and(|end| day > end) {
            break;
        }
        let local = day.and_time(time);
        let start = resolve_local(zone, local).timestamp();
        let end = start + length;
        if next.is_some_and(|n| end > n) {
            break;
        }
        if breaks.hit(start).is_some() {
            continue;
        }
        // Meetings missed in one break make up one meeting: a second finds the day taken.
        let own = occs.iter().enumerate().any(|(k, o)| {
            k != index && (o.start == start || o.active() && o.start < end && start < o.end)
        });
        if own {
            break;
        }
        return (Loss::Shift { why, start, end }, Some(local));
    }
    cancel
}

/// Hands each rotating duty held by a member on a personal break to the next attendee in the
/// rotation who is neither away nor already holding a duty at this occurrence.
pub(super) fn cover_duties(
    holders: &mut [RoleHolder],
    rotating: &[Arc<str>],
    pool: &[Arc<str>],
    away: &[Arc<str>],
) {
    for k in 0..holders.len() {
        let Some(h) = holders.get(k) else { continue };
        if !rotating.contains(&h.role) || !away.contains(&h.member) {
            continue;
        }
        let from = pool.iter().position(|m| *m == h.member).unwrap_or(0);
        let taken: Vec<Arc<str>> = holders.iter().map(|h| h.member.clone()).collect();
        let stand_in = (1..pool.len())
            .filter_map(|step| pool.get((from + step) % pool.len()))
            .find(|m| !away.contains(m) && !taken.contains(m));
        if let (Some(m), Some(h)) = (stand_in, holders.get_mut(k)) {
            h.member = m.clone();
        }
    }
}
