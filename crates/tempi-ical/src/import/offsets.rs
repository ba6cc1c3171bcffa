//! Wall time to instant in a named zone with one offset computation per transition, not per
//! occurrence: each zone's transitions over the expansion range are found once (the same scan
//! the exporter's VTIMEZONEs use), then a wall time is read with the offset of its span. Wall
//! times in a gap or an overlap (and outside the range) go to `resolve_local`, so the DST
//! policy is exactly tempi-core's.

use chrono::{DateTime, Duration, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use tempi_core::time::resolve_local;
use tempi_core::{chrono, chrono_tz};

/// One zone's spans over `[start, end)`. Wall times are seconds since 1970-01-01T00:00 read as
/// if in UTC.
struct Table {
    zone: Tz,
    start: i64,
    end: i64,
    /// The offset before the first transition.
    first: i32,
    /// Per transition: the wall time where the gap or overlap begins, where it ends, and the
    /// offset after it.
    spans: Vec<(i64, i64, i32)>,
}

/// Tables by zone (a file uses a handful), built on first use over one range.
pub(super) struct Offsets {
    start: NaiveDateTime,
    end: NaiveDateTime,
    tables: Vec<Table>,
}

impl Offsets {
    /// Tables over `[start, end)` in wall time (a day of margin is added on each side).
    pub(super) fn new(start: NaiveDateTime, end: NaiveDateTime) -> Offsets {
        Offsets {
            start: start - Duration::days(1),
            end: end + Duration::days(1),
            tables: Vec::new(),
        }
    }

    /// The instant `wall` in `zone` stands for: [`resolve_local`]'s answer.
    pub(super) fn instant(&mut self, zone: Tz, wall: NaiveDateTime) -> DateTime<Utc> {
        let position = match self.tables.iter().position(|t| t.zone == zone) {
            Some(position) => position,
            None => {
                self.tables.push(build(zone, self.start, self.end));
                self.tables.len() - 1
            }
        };
        let Some(table) = self.tables.get(position) else {
            return resolve_local(zone, wall).with_timezone(&Utc);
        };
        let seconds = wall.and_utc().timestamp();
        if seconds < table.start || seconds >= table.end {
            return resolve_local(zone, wall).with_timezone(&Utc);
        }
        // The first transition whose critical window starts after `wall`.
        let next = table.spans.partition_point(|(begin, _, _)| *begin <= seconds);
        let offset = match next.checked_sub(1).and_then(|i| table.spans.get(i)) {
            // In the gap or overlap of the previous transition: the DST policy decides.
            Some((_, critical_end, _)) if seconds < *critical_end => {
                return resolve_local(zone, wall).with_timezone(&Utc);
            }
            Some((_, _, after)) => *after,
            None => table.first,
        };
        let instant = seconds - i64::from(offset);
        DateTime::from_timestamp(instant, wall.and_utc().timestamp_subsec_nanos())
            .unwrap_or_else(|| resolve_local(zone, wall).with_timezone(&Utc))
    }
}

fn build(zone: Tz, start: NaiveDateTime, end: NaiveDateTime) -> Table {
    use chrono::Offset;
    // Wall times in [start, end) are instants within a day of [start, end) in UTC.
    let utc_start = start - Duration::days(1);
    let utc_end = end + Duration::days(1);
    let first = zone.offset_from_utc_datetime(&utc_start).fix().local_minus_utc();
    let spans = crate::vtimezone::transitions(zone, utc_start, utc_end)
        .into_iter()
        .map(|t| {
            let before = t.at + Duration::seconds(i64::from(t.from));
            let after = t.at + Duration::seconds(i64::from(t.to));
            let (begin, end) = (before.min(after), before.max(after));
            (begin.and_utc().timestamp(), end.and_utc().timestamp(), t.to)
        })
        .collect();
    Table { zone, start: start.and_utc().timestamp(), end: end.and_utc().timestamp(), first, spans }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use chrono::{Duration, NaiveDate};
    use tempi_core::chrono_tz::{America, Asia, Australia, Europe, Pacific, Tz};

    use super::*;

    /// Every quarter hour over several years in zones with half-hour DST (Lord Howe), 45-minute
    /// offsets (Chatham), a skipped day (Apia, 2011), Ramadan suspensions (Casablanca) and
    /// ordinary DST: the table gives exactly `resolve_local`'s instant.
    #[test]
    fn table_equals_resolve_local() {
        let zones: [Tz; 7] = [
            Australia::Lord_Howe,
            Pacific::Chatham,
            Pacific::Apia,
            tempi_core::chrono_tz::Africa::Casablanca,
            Europe::Berlin,
            America::Santiago,
            Asia::Kolkata,
        ];
        let start = NaiveDate::from_ymd_opt(2010, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let end = NaiveDate::from_ymd_opt(2013, 6, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let later = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
        for (from, to) in [(start, end), (later, later + Duration::days(800))] {
            let mut offsets = Offsets::new(from, to);
            for zone in zones {
                let mut wall = from - Duration::days(3);
                while wall < to + Duration::days(3) {
                    assert_eq!(
                        offsets.instant(zone, wall),
                        resolve_local(zone, wall).with_timezone(&Utc),
                        "{zone} {wall}"
                    );
                    wall += Duration::minutes(15);
                }
            }
        }
    }
}
