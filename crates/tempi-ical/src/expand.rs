//! Rule expansion the way tempi-core does it: `rrule` as a wall-clock generator in a UTC carrier,
//! so it never sees a DST transition; the caller maps each wall time to its zone.
//!
//! The expansion itself is tempi-core's [`RecurrenceRule::wall_clock_starts`], used here to
//! re-expand every exported series (to prove it reproduces the plan) and to expand imported ones.

use std::str::FromStr;

use chrono::{NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use tempi_core::rule::{RecurrenceRule, RuleEnd, Until};
use tempi_core::{chrono, chrono_tz};

/// A rule ready to expand: its canonical text without COUNT/UNTIL, and its end.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    /// Canonical parts without `COUNT` and `UNTIL`, e.g. `FREQ=WEEKLY;BYDAY=TU`.
    pub(crate) body: String,
    /// The validated rule, expanded by tempi-core.
    rule: RecurrenceRule,
}

impl Rule {
    /// Parses and validates with tempi-core's model (which closes rrule's validation gaps).
    pub(crate) fn parse(text: &str) -> Result<Rule, String> {
        let rule = RecurrenceRule::from_str(text).map_err(|e| e.to_string())?;
        Ok(Rule::from_rule(&rule))
    }

    pub(crate) fn from_rule(rule: &RecurrenceRule) -> Rule {
        Rule { body: rule.without_end().to_string(), rule: rule.clone() }
    }

    /// The validated rule.
    pub(crate) fn rule(&self) -> &RecurrenceRule {
        &self.rule
    }

    /// Wall-clock starts from `dtstart` through `horizon` (inclusive), ascending and unique, at
    /// most `budget` of them (`Err` past it). `zone` reads a UTC `UNTIL`.
    pub(crate) fn starts(
        &self,
        zone: Option<Tz>,
        dtstart: NaiveDateTime,
        horizon: NaiveDateTime,
        budget: usize,
    ) -> Result<Vec<NaiveDateTime>, String> {
        if let Some(fast) = self.fast_starts(zone, dtstart, horizon, budget) {
            return fast.map_err(|()| format!("more than {budget} instances"));
        }
        self.slow_starts(zone, dtstart, horizon, budget)
    }

    /// [`Rule::starts`] by the fast path, `None` when the rule is outside it.
    fn fast_starts(
        &self,
        zone: Option<Tz>,
        dtstart: NaiveDateTime,
        horizon: NaiveDateTime,
        budget: usize,
    ) -> Option<Result<Vec<NaiveDateTime>, ()>> {
        // The same end as `wall_clock_starts`: the rule's UNTIL in the zone, or the horizon.
        let rule_until = match self.rule.end() {
            RuleEnd::Until(Until::Date(date)) => {
                Some(date.and_time(NaiveTime::from_hms_opt(23, 59, 59)?))
            }
            RuleEnd::Until(Until::Local(local)) => Some(local),
            RuleEnd::Until(Until::Utc(utc)) => match zone {
                Some(zone) => Some(zone.from_utc_datetime(&utc).naive_local()),
                None => Some(utc),
            },
            RuleEnd::Never | RuleEnd::Count(_) => None,
        };
        let until = match rule_until {
            Some(until) if until < horizon => until,
            _ => horizon,
        };
        if until < dtstart {
            return Some(Ok(Vec::new()));
        }
        let bound = fast::Bound { until, count: fast::count(&self.rule), budget };
        fast::starts(&self.rule, dtstart, &bound)
    }

    /// [`Rule::starts`] by `rrule`, through tempi-core.
    fn slow_starts(
        &self,
        zone: Option<Tz>,
        dtstart: NaiveDateTime,
        horizon: NaiveDateTime,
        budget: usize,
    ) -> Result<Vec<NaiveDateTime>, String> {
        self.rule.wall_clock_starts(zone, dtstart, horizon, budget).map_err(|e| match e {
            tempi_core::Error::Budget { .. } => format!("more than {budget} instances"),
            other => other.to_string(),
        })
    }
}

/// The portable rules most calendars hold (DAILY, WEEKLY, MONTHLY, YEARLY by month and day)
/// expanded directly on dates, as RFC 5545 §3.3.10 defines them: each period's candidate days,
/// filtered, at DTSTART's time. `None` for any other rule, which `rrule` expands. The test
/// `fast_path_equals_rrule` checks every supported shape against `rrule` over thousands of cases.
mod fast {
    use chrono::{Datelike, Days, Months, NaiveDate, NaiveDateTime, Weekday};
    use tempi_core::chrono;
    use tempi_core::rule::{Frequency, RecurrenceRule, RuleEnd};

    /// What limits the expansion: the last wall time and how many instances at most.
    pub(super) struct Bound {
        pub(super) until: NaiveDateTime,
        pub(super) count: Option<u32>,
        pub(super) budget: usize,
    }

    /// Whether the rule has a part the fast path does not read.
    fn unsupported(rule: &RecurrenceRule) -> bool {
        !rule.by_week_no().is_empty()
            || !rule.by_year_day().is_empty()
            || !rule.by_hour().is_empty()
            || !rule.by_minute().is_empty()
            || !rule.by_second().is_empty()
            || !rule.by_set_pos().is_empty()
    }

    fn month_length(year: i32, month: u32) -> u32 {
        let first = NaiveDate::from_ymd_opt(year, month, 1);
        let next = first.and_then(|d| d.checked_add_months(Months::new(1)));
        match (first, next) {
            (Some(a), Some(b)) => u32::try_from((b - a).num_days()).unwrap_or(0),
            _ => 0,
        }
    }

    /// A BYMONTHDAY value as a day of a month of `length` days, if it names one.
    fn month_day(value: i8, length: u32) -> Option<u32> {
        let value = i32::from(value);
        let length = i32::try_from(length).ok()?;
        let day = if value > 0 { value } else { length + 1 + value };
        (1..=length).contains(&day).then(|| day.unsigned_abs())
    }

    /// Candidate days of one period, ascending and unique, before the rule's filters.
    enum Period {
        Day(NaiveDate),
        Week(NaiveDate),
        Month(i32, u32),
        Year(i32),
    }

    /// The starts, or `None` when the rule is outside the fast path.
    pub(super) fn starts(
        rule: &RecurrenceRule,
        dtstart: NaiveDateTime,
        bound: &Bound,
    ) -> Option<Result<Vec<NaiveDateTime>, ()>> {
        if unsupported(rule) || !(1900..=2200).contains(&dtstart.year()) {
            return None;
        }
        let by_day = rule.by_day();
        let ordinals = by_day.iter().any(|d| d.nth.is_some());
        let freq = rule.freq();
        match freq {
            Frequency::Daily | Frequency::Weekly if ordinals => return None,
            Frequency::Weekly if !rule.by_month_day().is_empty() => return None,
            Frequency::Monthly if ordinals && !rule.by_month_day().is_empty() => return None,
            Frequency::Yearly if !by_day.is_empty() => return None,
            Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly => {}
            _ => return None,
        }
        let wkst = rule.week_start().unwrap_or(Weekday::Mon);
        let interval = u32::from(rule.interval().max(1));
        let time = dtstart.time();
        let start = dtstart.date();
        let mut out: Vec<NaiveDateTime> = Vec::new();
        let mut days: Vec<NaiveDate> = Vec::with_capacity(31);
        let weekday_ok = |d: NaiveDate| {
            if by_day.is_empty() { true } else { by_day.iter().any(|b| b.weekday == d.weekday()) }
        };
        let month_ok = |d: NaiveDate| {
            rule.by_month().is_empty() || rule.by_month().iter().any(|m| u32::from(*m) == d.month())
        };
        let mut index: u32 = 0;
        loop {
            // The period `index` intervals after DTSTART's.
            let step = index.checked_mul(interval)?;
            let period = match freq {
                Frequency::Daily => {
                    Period::Day(start.checked_add_days(Days::new(u64::from(step)))?)
                }
                Frequency::Weekly => {
                    let back = (7 + start.weekday().num_days_from_monday()
                        - wkst.num_days_from_monday())
                        % 7;
                    let first = start.checked_sub_days(Days::new(u64::from(back)))?;
                    Period::Week(first.checked_add_days(Days::new(u64::from(step) * 7))?)
                }
                Frequency::Monthly => {
                    let first = start.with_day(1)?.checked_add_months(Months::new(step))?;
                    Period::Month(first.year(), first.month())
                }
                _ => Period::Year(start.year().checked_add(i32::try_from(step).ok()?)?),
            };
            let period_start = match period {
                Period::Day(d) | Period::Week(d) => d,
                Period::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1)?,
                Period::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1)?,
            };
            if period_start.and_time(time) > bound.until && period_start > bound.until.date() {
                return Some(Ok(out));
            }
            days.clear();
            match period {
                Period::Day(d) => {
                    let day_ok = rule.by_month_day().is_empty()
                        || rule.by_month_day().iter().any(|v| {
                            month_day(*v, month_length(d.year(), d.month())) == Some(d.day())
                        });
                    if weekday_ok(d) && month_ok(d) && day_ok {
                        days.push(d);
                    }
                }
                Period::Week(first) => {
                    for offset in 0..7 {
                        let d = first.checked_add_days(Days::new(offset))?;
                        let wanted = if by_day.is_empty() {
                            d.weekday() == start.weekday()
                        } else {
                            weekday_ok(d)
                        };
                        if wanted && month_ok(d) {
                            days.push(d);
                        }
                    }
                }
                Period::Month(year, month) => {
                    let length = month_length(year, month);
                    if !rule.by_month().is_empty()
                        && !rule.by_month().iter().any(|m| u32::from(*m) == month)
                    {
                        // Not one of the rule's months.
                    } else if !rule.by_month_day().is_empty() {
                        for value in rule.by_month_day() {
                            if let Some(day) = month_day(*value, length) {
                                let d = NaiveDate::from_ymd_opt(year, month, day)?;
                                if weekday_ok(d) {
                                    days.push(d);
                                }
                            }
                        }
                    } else if !by_day.is_empty() {
                        for b in by_day {
                            let all: Vec<NaiveDate> = (1..=length)
                                .filter_map(|day| NaiveDate::from_ymd_opt(year, month, day))
                                .filter(|d| d.weekday() == b.weekday)
                                .collect();
                            match b.nth {
                                None => days.extend(all),
                                Some(n) if n > 0 => {
                                    days.extend(all.get(usize::try_from(n - 1).ok()?).copied())
                                }
                                Some(n) => {
                                    let back = usize::try_from(-n).ok()?;
                                    if back <= all.len() {
                                        days.extend(all.get(all.len() - back).copied());
                                    }
                                }
                            }
                        }
                    } else if let Some(d) = NaiveDate::from_ymd_opt(year, month, start.day()) {
                        days.push(d);
                    }
                }
                Period::Year(year) => {
                    let months: Vec<u32> = if !rule.by_month().is_empty() {
                        rule.by_month().iter().map(|m| u32::from(*m)).collect()
                    } else if !rule.by_month_day().is_empty() {
                        (1..=12).collect()
                    } else {
                        vec![start.month()]
                    };
                    for month in months {
                        let length = month_length(year, month);
                        if rule.by_month_day().is_empty() {
                            days.extend(NaiveDate::from_ymd_opt(year, month, start.day()));
                        } else {
                            for value in rule.by_month_day() {
                                if let Some(day) = month_day(*value, length) {
                                    days.extend(NaiveDate::from_ymd_opt(year, month, day));
                                }
                            }
                        }
                    }
                }
            }
            days.sort_unstable();
            days.dedup();
            for d in &days {
                let at = d.and_time(time);
                if at < dtstart {
                    continue;
                }
                if at > bound.until {
                    return Some(Ok(out));
                }
                if out.len() >= bound.budget {
                    return Some(Err(()));
                }
                out.push(at);
                if bound.count.is_some_and(|c| out.len() >= c as usize) {
                    return Some(Ok(out));
                }
            }
            index = index.checked_add(1)?;
        }
    }

    /// The rule's COUNT, if it has one.
    pub(super) fn count(rule: &RecurrenceRule) -> Option<u32> {
        match rule.end() {
            RuleEnd::Count(n) => Some(n),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use tempi_core::chrono::{NaiveDate, NaiveDateTime};
    use tempi_core::chrono_tz::{Australia::Sydney, Europe::Berlin, Tz};

    use super::Rule;

    /// Every rule shape the fast path takes, over DTSTARTs on every weekday, at month ends and
    /// in leap Februaries, with COUNT, UNTIL (date, local, UTC) and small budgets: the fast path
    /// gives exactly what `rrule` (through tempi-core) gives, or declines.
    #[test]
    fn fast_path_equals_rrule() {
        let bodies = [
            "FREQ=DAILY",
            "FREQ=DAILY;INTERVAL=3",
            "FREQ=DAILY;BYDAY=MO,WE,FR",
            "FREQ=DAILY;BYMONTH=2,3",
            "FREQ=DAILY;BYMONTHDAY=1,-1",
            "FREQ=DAILY;INTERVAL=2;BYDAY=SA,SU;BYMONTH=12",
            "FREQ=WEEKLY",
            "FREQ=WEEKLY;BYDAY=TU",
            "FREQ=WEEKLY;BYDAY=MO,WE,FR",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,SA;WKST=SU",
            "FREQ=WEEKLY;INTERVAL=3;BYDAY=MO,SU;WKST=MO",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=WE",
            "FREQ=WEEKLY;BYMONTH=1,7;BYDAY=FR",
            "FREQ=MONTHLY",
            "FREQ=MONTHLY;INTERVAL=2",
            "FREQ=MONTHLY;BYDAY=2TU",
            "FREQ=MONTHLY;BYDAY=-1FR",
            "FREQ=MONTHLY;BYDAY=1MO,-1MO",
            "FREQ=MONTHLY;BYDAY=5WE",
            "FREQ=MONTHLY;BYDAY=TH",
            "FREQ=MONTHLY;BYMONTHDAY=15",
            "FREQ=MONTHLY;BYMONTHDAY=31",
            "FREQ=MONTHLY;BYMONTHDAY=-1,1",
            "FREQ=MONTHLY;BYMONTHDAY=13;BYDAY=FR",
            "FREQ=MONTHLY;INTERVAL=3;BYMONTHDAY=30,-3",
            "FREQ=MONTHLY;BYMONTH=2,8;BYDAY=-2SA",
            "FREQ=YEARLY",
            "FREQ=YEARLY;BYMONTH=3;BYMONTHDAY=1",
            "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
            "FREQ=YEARLY;BYMONTHDAY=31",
            "FREQ=YEARLY;INTERVAL=2;BYMONTH=1,6",
            "FREQ=YEARLY;BYMONTH=4,9;BYMONTHDAY=-1,10",
        ];
        let ends = [
            "",
            ";COUNT=1",
            ";COUNT=7",
            ";COUNT=40",
            ";UNTIL=20280315",
            ";UNTIL=20270601T090000",
            ";UNTIL=20271031T010000Z",
        ];
        let days = [
            NaiveDate::from_ymd_opt(2027, 1, 4).unwrap(),
            NaiveDate::from_ymd_opt(2027, 1, 31).unwrap(),
            NaiveDate::from_ymd_opt(2028, 2, 29).unwrap(),
            NaiveDate::from_ymd_opt(2027, 3, 27).unwrap(),
            NaiveDate::from_ymd_opt(2027, 5, 13).unwrap(),
            NaiveDate::from_ymd_opt(2027, 10, 30).unwrap(),
            NaiveDate::from_ymd_opt(2027, 12, 26).unwrap(),
        ];
        let zones: [Option<Tz>; 3] = [Some(Berlin), Some(Sydney), None];
        let horizon = NaiveDate::from_ymd_opt(2030, 1, 2).unwrap().and_hms_opt(0, 0, 0).unwrap();
        let mut fast_cases = 0;
        for body in bodies {
            for end in ends {
                let rule = Rule::parse(&format!("{body}{end}")).unwrap();
                for (i, day) in days.iter().enumerate() {
                    let dtstart: NaiveDateTime = day.and_hms_opt(9 + i as u32 % 3, 30, 0).unwrap();
                    for zone in zones {
                        for budget in [usize::MAX, 5, 200] {
                            let Some(fast) = rule.fast_starts(zone, dtstart, horizon, budget)
                            else {
                                continue;
                            };
                            fast_cases += 1;
                            let slow = rule.slow_starts(zone, dtstart, horizon, budget);
                            assert_eq!(
                                fast.is_ok(),
                                slow.is_ok(),
                                "{body}{end} from {dtstart} in {zone:?}, budget {budget}"
                            );
                            if let (Ok(fast), Ok(slow)) = (fast, slow) {
                                assert_eq!(fast, slow, "{body}{end} from {dtstart} in {zone:?}");
                            }
                        }
                    }
                }
            }
        }
        // Every shape listed is one the fast path takes.
        assert_eq!(fast_cases, bodies.len() * ends.len() * days.len() * zones.len() * 3);
    }
}
