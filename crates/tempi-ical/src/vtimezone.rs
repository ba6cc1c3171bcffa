//! VTIMEZONE generation by probing chrono-tz, the tz data the engine itself uses, so an exported
//! offset can never disagree with the instant tempi computed.
//!
//! The zone is sampled every 6 hours over the span (plus a year either side), each change is
//! bisected to the second, and runs of yearly transitions that follow one pattern ("2nd Sunday of
//! March at 02:00") become one observance with `RRULE:FREQ=YEARLY` (with `UNTIL` where the rule
//! stopped inside the span); one-off transitions get an observance of their own. Each onset is the
//! local time *before* the transition, in `TZOFFSETFROM` (RFC 5545 §3.6.5), not Python icalendar's
//! after-the-jump convention (notes/calendar-clients.md, class 7).

use chrono::{DateTime, Datelike, Duration, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::{OffsetComponents, OffsetName, Tz};
use tempi_core::{chrono, chrono_tz};

use crate::text::{Writer, format_offset};

/// One change of a zone's offset or name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Transition {
    /// The instant, in UTC.
    pub(crate) at: NaiveDateTime,
    /// The offset before, in seconds east of UTC.
    pub(crate) from: i32,
    /// The offset after.
    pub(crate) to: i32,
    /// The abbreviation after (synthesised as `+0530` when the data has a numeric one).
    pub(crate) name: String,
    /// Whether the time after is daylight-saving time.
    pub(crate) dst: bool,
}

impl Transition {
    /// The onset as a wall-clock time in the offset before the transition.
    fn onset(&self) -> NaiveDateTime {
        self.at + Duration::seconds(i64::from(self.from))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct State {
    offset: i32,
    name: String,
    dst: bool,
}

fn state(zone: Tz, utc: NaiveDateTime) -> State {
    let offset = zone.offset_from_utc_datetime(&utc);
    let seconds = offset.fix().local_minus_utc();
    let name = match offset.abbreviation() {
        Some(name) if name.starts_with(|c: char| c.is_ascii_alphabetic()) => name.to_string(),
        _ => synthesized_name(seconds),
    };
    State { offset: seconds, name, dst: !offset.dst_offset().is_zero() }
}

/// `+0530`, `-03`: the name RFC 9557-style tools print for zones without a letter abbreviation.
fn synthesized_name(seconds: i32) -> String {
    let text = format_offset(seconds);
    match text.strip_suffix("00") {
        Some(short) if text.len() == 5 => short.to_string(),
        _ => text,
    }
}

/// Every transition of `zone` in `[from, to)`.
pub(crate) fn transitions(zone: Tz, from: NaiveDateTime, to: NaiveDateTime) -> Vec<Transition> {
    let step = Duration::hours(6);
    let mut out = Vec::new();
    let mut previous_at = from;
    let mut previous = state(zone, from);
    let mut probe = from;
    while probe < to {
        probe += step;
        let current = state(zone, probe);
        if current != previous {
            // Bisect to the second: at `low` the old state holds, at `high` the new one.
            let (mut low, mut high) = (previous_at, probe);
            while high - low > Duration::seconds(1) {
                let mid = low + Duration::seconds((high - low).num_seconds() / 2);
                if state(zone, mid) == previous {
                    low = mid;
                } else {
                    high = mid;
                }
            }
            let after = state(zone, high);
            out.push(Transition {
                at: high,
                from: previous.offset,
                to: after.offset,
                name: after.name.clone(),
                dst: after.dst,
            });
            previous = current;
        }
        previous_at = probe;
    }
    out
}

/// How a run of yearly transitions picks its day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DayRule {
    /// The nth weekday of the month.
    Nth(i64),
    /// The last weekday of the month.
    Last,
    /// The weekday on or after day `k` (`BYMONTHDAY=k..k+6`), e.g. Santiago's "Sunday after the
    /// first Saturday".
    OnOrAfter(u32),
}

struct Run<'a> {
    items: Vec<&'a Transition>,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 { (year + 1, 1) } else { (year, month + 1) };
    chrono::NaiveDate::from_ymd_opt(next.0, next.1, 1)
        .and_then(|d| d.pred_opt())
        .map_or(28, |d| d.day())
}

impl Run<'_> {
    fn day_rule(&self) -> Option<DayRule> {
        let onsets: Vec<NaiveDateTime> = self.items.iter().map(|t| t.onset()).collect();
        let first = onsets.first()?;
        let nth = i64::from((first.day() - 1) / 7 + 1);
        if onsets.iter().all(|o| i64::from((o.day() - 1) / 7 + 1) == nth) {
            return Some(DayRule::Nth(nth));
        }
        if onsets.iter().all(|o| o.day() + 7 > days_in_month(o.year(), o.month())) {
            return Some(DayRule::Last);
        }
        let lowest = onsets.iter().map(|o| o.day()).min()?;
        let highest = onsets.iter().map(|o| o.day()).max()?;
        if highest - lowest <= 6 {
            let start = highest.saturating_sub(6).max(1);
            return Some(DayRule::OnOrAfter(start));
        }
        None
    }

    /// Whether `next` continues this run: the following year, same month, weekday, wall time.
    fn accepts(&self, next: &Transition) -> bool {
        let Some(last) = self.items.last() else { return true };
        let (a, b) = (last.onset(), next.onset());
        if b.year() != a.year() + 1
            || b.month() != a.month()
            || b.weekday() != a.weekday()
            || b.time() != a.time()
        {
            return false;
        }
        let mut extended = Run { items: self.items.clone() };
        extended.items.push(next);
        extended.day_rule().is_some()
    }
}

const WEEKDAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];

/// Writes a VTIMEZONE for `zone` that is right from a year before `span_start` to a year after
/// `span_end` (clamped to 1900–2099, where chrono-tz has rules).
pub(crate) fn write_vtimezone(
    writer: &mut Writer,
    zone: Tz,
    span_start: DateTime<Utc>,
    span_end: DateTime<Utc>,
) {
    let clamp = |t: NaiveDateTime| {
        let low =
            chrono::NaiveDate::from_ymd_opt(1900, 1, 1).map(|d| d.and_time(Default::default()));
        let high =
            chrono::NaiveDate::from_ymd_opt(2099, 12, 31).map(|d| d.and_time(Default::default()));
        match (low, high) {
            (Some(low), Some(high)) => t.clamp(low, high),
            _ => t,
        }
    };
    let from = clamp(span_start.naive_utc() - Duration::days(366));
    let to = clamp(span_end.naive_utc() + Duration::days(366));
    let list = transitions(zone, from, to.max(from));
    writer.raw("BEGIN", "VTIMEZONE");
    writer.text("TZID", zone.name());
    if list.is_empty() {
        let now = state(zone, from);
        let onset = format!("{:04}0101T000000", from.year());
        write_observance(writer, &now.name, now.dst, &onset, now.offset, now.offset, None);
        writer.raw("END", "VTIMEZONE");
        return;
    }
    // Group transitions into runs of one yearly pattern, per (kind, offsets, name).
    let mut runs: Vec<Run<'_>> = Vec::new();
    for transition in &list {
        let position = runs.iter().position(|run| {
            run.items.last().is_some_and(|last| {
                last.from == transition.from
                    && last.to == transition.to
                    && last.name == transition.name
                    && last.dst == transition.dst
            }) && run.accepts(transition)
        });
        match position.and_then(|i| runs.get_mut(i)) {
            Some(run) => run.items.push(transition),
            None => runs.push(Run { items: vec![transition] }),
        }
    }
    let mut blocks: Vec<(NaiveDateTime, Writer)> = Vec::new();
    for run in &runs {
        let (Some(first), Some(last)) = (run.items.first(), run.items.last()) else { continue };
        let onset = first.onset();
        let rule = match (run.items.len(), run.day_rule()) {
            (2.., Some(day_rule)) => {
                let weekday = WEEKDAYS
                    .get(onset.weekday().num_days_from_monday() as usize)
                    .copied()
                    .unwrap_or("SU");
                let by_day = match day_rule {
                    DayRule::Nth(n) => format!("BYDAY={n}{weekday}"),
                    DayRule::Last => format!("BYDAY=-1{weekday}"),
                    DayRule::OnOrAfter(k) => format!(
                        "BYDAY={weekday};BYMONTHDAY={}",
                        (k..k + 7).map(|d| d.to_string()).collect::<Vec<_>>().join(",")
                    ),
                };
                // Open-ended when the run reaches the end of the probed range; otherwise the rule
                // stopped (a zone that dropped or changed DST) and UNTIL says when.
                let ended = last.at + Duration::days(366) <= to;
                let until = if ended {
                    format!(";UNTIL={}Z", last.at.format("%Y%m%dT%H%M%S"))
                } else {
                    String::new()
                };
                Some(format!("FREQ=YEARLY;BYMONTH={};{by_day}{until}", onset.month()))
            }
            _ => None,
        };
        let mut block = Writer::new();
        if rule.is_none() && run.items.len() > 1 {
            // No common pattern: one observance with RDATEs for the later onsets.
            let rdates: Vec<String> = run
                .items
                .iter()
                .skip(1)
                .map(|t| t.onset().format("%Y%m%dT%H%M%S").to_string())
                .collect();
            write_observance(
                &mut block,
                &first.name,
                first.dst,
                &onset.format("%Y%m%dT%H%M%S").to_string(),
                first.from,
                first.to,
                Some(Recurrence::Dates(&rdates)),
            );
        } else {
            write_observance(
                &mut block,
                &first.name,
                first.dst,
                &onset.format("%Y%m%dT%H%M%S").to_string(),
                first.from,
                first.to,
                rule.as_deref().map(Recurrence::Rule),
            );
        }
        blocks.push((onset, block));
    }
    blocks.sort_by_key(|block| block.0);
    for (_, block) in blocks {
        writer.append(block);
    }
    writer.raw("END", "VTIMEZONE");
}

enum Recurrence<'a> {
    Rule(&'a str),
    Dates(&'a [String]),
}

fn write_observance(
    writer: &mut Writer,
    name: &str,
    dst: bool,
    onset: &str,
    from: i32,
    to: i32,
    recurrence: Option<Recurrence<'_>>,
) {
    let kind = if dst { "DAYLIGHT" } else { "STANDARD" };
    writer.raw("BEGIN", kind);
    writer.raw("DTSTART", onset);
    match recurrence {
        Some(Recurrence::Rule(rule)) => writer.raw("RRULE", rule),
        Some(Recurrence::Dates(dates)) => {
            for date in dates {
                writer.raw("RDATE", date);
            }
        }
        None => {}
    }
    writer.raw("TZOFFSETFROM", &format_offset(from));
    writer.raw("TZOFFSETTO", &format_offset(to));
    writer.text("TZNAME", name);
    writer.raw("END", kind);
}

/// The offset of `zone` at `utc` in seconds, for tests and checks.
#[cfg(test)]
pub(crate) fn offset_at(zone: Tz, utc: NaiveDateTime) -> i32 {
    state(zone, utc).offset
}

#[cfg(test)]
mod tests;
