//! Cadences: how often a rhythm comes round.
//!
//! A [`Cadence`] is either an RFC 5545 recurrence rule or a lunar phase. Both have a text form,
//! and the friendly forms compile to a rule:
//!
//! | text | rule |
//! |---|---|
//! | `weekly on tue` | `FREQ=WEEKLY;BYDAY=TU` |
//! | `every 2 weeks on mon, thu` | `FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH` |
//! | `fortnightly` | `FREQ=WEEKLY;INTERVAL=2` |
//! | `monthly on day 15` | `FREQ=MONTHLY;BYMONTHDAY=15` |
//! | `last fri of every month` | `FREQ=MONTHLY;BYDAY=-1FR` |
//! | `first mon of every quarter` | `FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=1MO` |
//! | `last fri of every year` | `FREQ=YEARLY;BYMONTH=12;BYDAY=-1FR` |
//! | `2nd sat of september` | `FREQ=YEARLY;BYMONTH=9;BYDAY=2SA` |
//! | `last day of every month` | `FREQ=MONTHLY;BYMONTHDAY=-1` |
//! | `quarterly`, `every 3 months` | `FREQ=MONTHLY;INTERVAL=3` |
//! | `full moon`, `new moon` | the local date of each full or new moon in the rhythm's zone |
//! | `FREQ=…` or `RRULE:FREQ=…` | the rule as written |
//!
//! ```
//! # mod tempi { pub use tempi_core::*; }
//! use tempi::Cadence;
//! let cadence: Cadence = "first mon of every quarter".parse()?;
//! assert_eq!(cadence.to_string(), "FREQ=YEARLY;BYMONTH=1,4,7,10;BYDAY=1MO");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc, Weekday};
use chrono_tz::Tz;

use crate::moon::{MoonPhase, phases_between};
use crate::rule::{ByDay, Frequency, RecurrenceRule, RuleError};

/// How often a rhythm comes round: a recurrence rule or a phase of the moon.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[allow(clippy::large_enum_variant, reason = "one per rhythm, never stored in bulk")]
#[non_exhaustive]
pub enum Cadence {
    /// An RFC 5545 recurrence rule.
    Rule(RecurrenceRule),
    /// Each new moon or each full moon, on its local date in the rhythm's zone.
    Moon(MoonPhase),
    /// Explicit local dates (a one-off event, or a few dates with no rule): `dates = [...]` in a
    /// community file. Build it with [`Cadence::dates`], which sorts the dates and drops repeats.
    Dates(Vec<NaiveDate>),
}

impl Cadence {
    /// The nominal period in seconds, used to rank tempos (a slower tempo wins a clash).
    pub fn nominal_period_seconds(&self) -> u64 {
        match self {
            Cadence::Rule(rule) => rule.nominal_period_seconds(),
            // A synodic month: 29.53 days.
            Cadence::Moon(_) => 2_551_443,
            Cadence::Dates(dates) => dates_period_seconds(dates),
        }
    }

    /// The rule, when this cadence is one.
    pub fn as_rule(&self) -> Option<&RecurrenceRule> {
        match self {
            Cadence::Rule(rule) => Some(rule),
            Cadence::Moon(_) | Cadence::Dates(_) => None,
        }
    }

    /// Wall-clock start times from `dtstart` through `horizon` (inclusive), ascending and
    /// unique. Fails when more than `budget` are generated.
    pub(crate) fn local_starts(
        &self,
        zone: Tz,
        dtstart: NaiveDateTime,
        horizon: NaiveDateTime,
        budget: usize,
    ) -> Result<Vec<NaiveDateTime>, ExpandError> {
        if horizon < dtstart {
            return Ok(Vec::new());
        }
        match self {
            Cadence::Rule(rule) => rule.starts_through(Some(zone), dtstart, horizon, budget),
            Cadence::Moon(phase) => moon_starts(*phase, zone, dtstart, horizon, budget),
            Cadence::Dates(dates) => date_starts(dates, dtstart, horizon, budget),
        }
    }
}

impl Cadence {
    /// A cadence of explicit local dates, sorted, each once.
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::chrono::NaiveDate;
    /// use tempi::Cadence;
    /// let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
    /// let cadence = Cadence::dates([day(9, 18), day(6, 12), day(9, 18)]);
    /// assert_eq!(cadence, Cadence::Dates(vec![day(6, 12), day(9, 18)]));
    /// assert_eq!(cadence.to_string(), "dates 2027-06-12, 2027-09-18");
    /// ```
    pub fn dates(dates: impl IntoIterator<Item = NaiveDate>) -> Cadence {
        let mut list: Vec<NaiveDate> = dates.into_iter().collect();
        list.sort_unstable();
        list.dedup();
        Cadence::Dates(list)
    }

    /// The explicit dates, when this cadence is a list of them.
    pub fn as_dates(&self) -> Option<&[NaiveDate]> {
        match self {
            Cadence::Dates(dates) => Some(dates),
            Cadence::Rule(_) | Cadence::Moon(_) => None,
        }
    }
}

/// The tempo of explicit dates: the mean gap between them; a single date never repeats, so it
/// has the slowest tempo of all (a century), and wins a clash against any cadence of equal
/// priority.
fn dates_period_seconds(dates: &[NaiveDate]) -> u64 {
    const CENTURY: u64 = 100 * 365 * 86_400;
    match (dates.iter().min(), dates.iter().max()) {
        (Some(first), Some(last)) if dates.len() > 1 => {
            let days = u64::try_from((*last - *first).num_days()).unwrap_or(0);
            (days * 86_400 / (dates.len() as u64 - 1)).max(86_400)
        }
        _ => CENTURY,
    }
}

/// The smallest gap between two of the dates, in seconds (`None` for one date).
pub(crate) fn dates_min_gap_seconds(dates: &[NaiveDate]) -> Option<u64> {
    let mut sorted = dates.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    sorted
        .windows(2)
        .filter_map(|pair| match pair {
            [a, b] => u64::try_from((*b - *a).num_days()).ok(),
            _ => None,
        })
        .min()
        .map(|days| days * 86_400)
}

fn date_starts(
    dates: &[NaiveDate],
    dtstart: NaiveDateTime,
    horizon: NaiveDateTime,
    budget: usize,
) -> Result<Vec<NaiveDateTime>, ExpandError> {
    let mut out: Vec<NaiveDateTime> = dates
        .iter()
        .map(|d| d.and_time(dtstart.time()))
        .filter(|start| *start >= dtstart && *start <= horizon)
        .collect();
    out.sort_unstable();
    out.dedup();
    if out.len() > budget {
        return Err(ExpandError::Budget);
    }
    Ok(out)
}

pub(crate) use crate::rule::ExpandError;

impl Cadence {
    /// The local dates of a rhythm on this cadence that starts at `dtstart`, from `from` through
    /// `last` (inclusive), exactly as the plan expands it: the cadence runs from `dtstart` (so
    /// `INTERVAL` and `WKST` keep the rhythm's own phase however late `from` is), each wall-clock
    /// start becomes an instant by the DST policy ([`crate::time::resolve_local`]), and its date
    /// is read in `zone`. Ascending and unique. The solver takes its occurrence dates from here,
    /// so it can never check other days than the plan uses.
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::chrono::NaiveDate;
    /// use tempi::chrono_tz::Europe::Berlin;
    /// use tempi::Cadence;
    ///
    /// // Every 2 weeks on Monday and Sunday: the Sunday ends the Monday's week (WKST=MO).
    /// let cadence: Cadence = "every 2 weeks on mon, sun".parse()?;
    /// let day = |d| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();
    /// let dates = cadence.local_dates(Berlin, day(1).and_hms_opt(0, 0, 0).unwrap(), day(1), day(31), 100)?;
    /// assert_eq!(dates, [day(1), day(7), day(15), day(21), day(29)]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::Budget`] when more than `budget` starts are generated;
    /// [`crate::Error::RuleExpansion`] when the rule cannot be expanded from `dtstart`.
    pub fn local_dates(
        &self,
        zone: Tz,
        dtstart: NaiveDateTime,
        from: NaiveDate,
        last: NaiveDate,
        budget: usize,
    ) -> Result<Vec<NaiveDate>, crate::Error> {
        let Some(horizon) = last.and_hms_opt(23, 59, 59) else { return Ok(Vec::new()) };
        let locals =
            self.local_starts(zone, dtstart, horizon, budget).map_err(|e| e.with_budget(budget))?;
        let mut instants: Vec<DateTime<Tz>> =
            locals.into_iter().map(|local| crate::time::resolve_local(zone, local)).collect();
        instants.sort_unstable();
        instants.dedup();
        let mut out: Vec<NaiveDate> = instants
            .into_iter()
            .map(|t| t.date_naive())
            .filter(|d| *d >= from && *d <= last)
            .collect();
        out.dedup();
        Ok(out)
    }
}

fn moon_starts(
    phase: MoonPhase,
    zone: Tz,
    dtstart: NaiveDateTime,
    horizon: NaiveDateTime,
    budget: usize,
) -> Result<Vec<NaiveDateTime>, ExpandError> {
    let at = dtstart.time();
    // Search a day either side, then keep the local dates in range.
    let from: DateTime<Utc> = Utc.from_utc_datetime(&(dtstart - chrono::Duration::days(2)));
    let to: DateTime<Utc> = Utc.from_utc_datetime(&(horizon + chrono::Duration::days(2)));
    let mut out: Vec<NaiveDateTime> = Vec::new();
    for instant in phases_between(phase, from, to) {
        let local_date = instant.with_timezone(&zone).date_naive();
        let start = local_date.and_time(at);
        if start < dtstart || start > horizon {
            continue;
        }
        if out.last().is_some_and(|last| *last >= start) {
            continue;
        }
        if out.len() >= budget {
            return Err(ExpandError::Budget);
        }
        out.push(start);
    }
    Ok(out)
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cadence::Rule(rule) => write!(f, "{rule}"),
            Cadence::Moon(MoonPhase::Full) => f.write_str("full moon"),
            Cadence::Moon(MoonPhase::New) => f.write_str("new moon"),
            Cadence::Moon(MoonPhase::FirstQuarter) => f.write_str("first quarter moon"),
            Cadence::Moon(MoonPhase::LastQuarter) => f.write_str("last quarter moon"),
            Cadence::Dates(dates) => {
                f.write_str("dates ")?;
                for (i, date) in dates.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{date}")?;
                }
                Ok(())
            }
        }
    }
}

impl From<RecurrenceRule> for Cadence {
    fn from(rule: RecurrenceRule) -> Cadence {
        Cadence::Rule(rule)
    }
}

impl FromStr for Cadence {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Cadence, crate::Error> {
        let trimmed = text.trim();
        let upper = trimmed.to_ascii_uppercase();
        if upper.starts_with("FREQ=") || upper.starts_with("RRULE:") || upper.contains('=') {
            return trimmed.parse().map(Cadence::Rule);
        }
        parse_friendly(trimmed).map_err(crate::Error::from)
    }
}

fn friendly_error(text: &str) -> RuleError {
    RuleError {
        part: text.to_string(),
        message: format!(
            "`{text}` is not a cadence; write e.g. \"weekly on tue\", \"every 2 weeks on thu\", \"last fri of every month\", \"first mon of every quarter\", \"full moon\", or an RFC 5545 rule such as \"FREQ=MONTHLY;BYDAY=-1FR\""
        ),
    }
}

fn weekday_word(word: &str) -> Option<Weekday> {
    Some(match word {
        "mon" | "monday" | "mondays" | "mo" => Weekday::Mon,
        "tue" | "tues" | "tuesday" | "tuesdays" | "tu" => Weekday::Tue,
        "wed" | "wednesday" | "wednesdays" | "we" => Weekday::Wed,
        "thu" | "thur" | "thurs" | "thursday" | "thursdays" | "th" => Weekday::Thu,
        "fri" | "friday" | "fridays" | "fr" => Weekday::Fri,
        "sat" | "saturday" | "saturdays" | "sa" => Weekday::Sat,
        "sun" | "sunday" | "sundays" | "su" => Weekday::Sun,
        _ => return None,
    })
}

fn month_word(word: &str) -> Option<u8> {
    const NAMES: [&str; 12] =
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
    let short = word.get(..3)?;
    let index = NAMES.iter().position(|n| *n == short)?;
    let full = [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    ];
    let name = full.get(index)?;
    if word.len() == 3 || name.starts_with(word) || word == "sept" {
        u8::try_from(index + 1).ok()
    } else {
        None
    }
}

fn ordinal_word(word: &str) -> Option<i16> {
    Some(match word {
        "first" | "1st" => 1,
        "second" | "2nd" => 2,
        "third" | "3rd" => 3,
        "fourth" | "4th" => 4,
        "fifth" | "5th" => 5,
        "last" => -1,
        "second-last" | "penultimate" => -2,
        other => {
            let digits = other.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let n: i16 = digits.parse().ok()?;
            if n == 0 {
                return None;
            }
            n
        }
    })
}

fn parse_friendly(text: &str) -> Result<Cadence, RuleError> {
    let lower = text.to_ascii_lowercase().replace(',', " ");
    let words: Vec<&str> = lower.split_whitespace().collect();
    let err = || friendly_error(text);
    let rule = |freq| RecurrenceRule::new(freq);
    let cadence = match words.as_slice() {
        [] => return Err(err()),
        ["full", "moon"] | ["each" | "every", "full", "moon"] => Cadence::Moon(MoonPhase::Full),
        ["new", "moon"] | ["each" | "every", "new", "moon"] => Cadence::Moon(MoonPhase::New),
        ["first", "quarter", "moon"] | ["each" | "every", "first", "quarter", "moon"] => {
            Cadence::Moon(MoonPhase::FirstQuarter)
        }
        ["last", "quarter", "moon"] | ["each" | "every", "last", "quarter", "moon"] => {
            Cadence::Moon(MoonPhase::LastQuarter)
        }
        ["daily"] => Cadence::Rule(rule(Frequency::Daily)),
        ["weekly", rest @ ..] => weekly(1, rest).ok_or_else(err)?,
        ["fortnightly", rest @ ..] => weekly(2, rest).ok_or_else(err)?,
        ["monthly", rest @ ..] => monthly(1, rest).ok_or_else(err)?,
        ["quarterly", rest @ ..] => monthly(3, rest).ok_or_else(err)?,
        ["yearly" | "annually"] => Cadence::Rule(rule(Frequency::Yearly)),
        ["every", rest @ ..] => every(rest).ok_or_else(err)?,
        ["last", "day", "of", "each" | "every", unit] | ["last", "day", "of", "the", unit] => {
            match *unit {
                "month" => Cadence::Rule(rule(Frequency::Monthly).with_by_month_day(vec![-1])),
                "quarter" => Cadence::Rule(
                    rule(Frequency::Yearly)
                        .with_by_month(vec![3, 6, 9, 12])
                        .with_by_month_day(vec![-1]),
                ),
                "year" => Cadence::Rule(
                    rule(Frequency::Yearly).with_by_month(vec![12]).with_by_month_day(vec![31]),
                ),
                _ => return Err(err()),
            }
        }
        [ordinal, day, "of", rest @ ..] => {
            let nth = ordinal_word(ordinal).ok_or_else(err)?;
            let weekday = weekday_word(day).ok_or_else(err)?;
            nth_weekday(nth, weekday, rest).ok_or_else(err)?
        }
        _ => return Err(err()),
    };
    if let Cadence::Rule(rule) = &cadence {
        rule.validate()?;
    }
    Ok(cadence)
}

fn weekdays(words: &[&str]) -> Option<Vec<ByDay>> {
    match words {
        [] => Some(Vec::new()),
        ["on", days @ ..] if !days.is_empty() => days
            .iter()
            .filter(|w| **w != "and")
            .map(|w| weekday_word(w).map(|weekday| ByDay { nth: None, weekday }))
            .collect(),
        _ => None,
    }
}

fn weekly(interval: u16, rest: &[&str]) -> Option<Cadence> {
    let days = weekdays(rest)?;
    Some(Cadence::Rule(
        RecurrenceRule::new(Frequency::Weekly).with_interval(interval).with_by_day(days),
    ))
}

fn monthly(interval: u16, rest: &[&str]) -> Option<Cadence> {
    let base = RecurrenceRule::new(Frequency::Monthly).with_interval(interval);
    match rest {
        [] => Some(Cadence::Rule(base)),
        ["on", "day", day] => {
            let day: i8 = day.parse().ok()?;
            Some(Cadence::Rule(base.with_by_month_day(vec![day])))
        }
        ["on", "the", ordinal, day] => {
            let nth = ordinal_word(ordinal)?;
            let weekday = weekday_word(day)?;
            Some(Cadence::Rule(base.with_by_day(vec![ByDay { nth: Some(nth), weekday }])))
        }
        _ => None,
    }
}

fn every(rest: &[&str]) -> Option<Cadence> {
    let (interval, unit, tail): (u16, &str, &[&str]) = match rest {
        [n, unit, tail @ ..] if n.parse::<u16>().is_ok() => (n.parse().ok()?, unit, tail),
        [unit, tail @ ..] => (1, unit, tail),
        [] => return None,
    };
    let unit = unit.trim_end_matches('s');
    match unit {
        "day" if tail.is_empty() => {
            Some(Cadence::Rule(RecurrenceRule::new(Frequency::Daily).with_interval(interval)))
        }
        "weekday" if tail.is_empty() && interval == 1 => Some(Cadence::Rule(
            RecurrenceRule::new(Frequency::Weekly).with_by_day(
                [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]
                    .into_iter()
                    .map(|weekday| ByDay { nth: None, weekday })
                    .collect(),
            ),
        )),
        "week" => weekly(interval, tail),
        "fortnight" => weekly(interval.checked_mul(2)?, tail),
        "month" => monthly(interval, tail),
        "quarter" => monthly(interval.checked_mul(3)?, tail),
        "year" if tail.is_empty() => {
            Some(Cadence::Rule(RecurrenceRule::new(Frequency::Yearly).with_interval(interval)))
        }
        _ => {
            // "every mon", "every tue and thu"
            let mut days = Vec::new();
            for word in std::iter::once(&unit).chain(tail.iter().filter(|w| **w != "and")) {
                days.push(ByDay { nth: None, weekday: weekday_word(word)? });
            }
            if interval != 1 {
                return None;
            }
            Some(Cadence::Rule(RecurrenceRule::new(Frequency::Weekly).with_by_day(days)))
        }
    }
}

fn nth_weekday(nth: i16, weekday: Weekday, rest: &[&str]) -> Option<Cadence> {
    let by_day = vec![ByDay { nth: Some(nth), weekday }];
    let yearly = RecurrenceRule::new(Frequency::Yearly);
    match rest {
        ["each" | "every" | "the", "month"] => {
            Some(Cadence::Rule(RecurrenceRule::new(Frequency::Monthly).with_by_day(by_day)))
        }
        ["each" | "every" | "the", "quarter"] => {
            // The nth weekday of a quarter counts from its first month; the last, from its last.
            let months = if nth > 0 { vec![1, 4, 7, 10] } else { vec![3, 6, 9, 12] };
            if !(-5..=5).contains(&nth) {
                return None;
            }
            Some(Cadence::Rule(yearly.with_by_month(months).with_by_day(by_day)))
        }
        ["each" | "every" | "the", "year"] => {
            // Stay inside the subset every calendar client expands alike: an ordinal BYDAY in a
            // YEARLY rule gets a BYMONTH whenever it can (notes/calendar-clients.md, class 19).
            if (1..=5).contains(&nth) {
                Some(Cadence::Rule(yearly.with_by_month(vec![1]).with_by_day(by_day)))
            } else if (-5..=-1).contains(&nth) {
                Some(Cadence::Rule(yearly.with_by_month(vec![12]).with_by_day(by_day)))
            } else {
                Some(Cadence::Rule(yearly.with_by_day(by_day)))
            }
        }
        [month] | [month, "each" | "every", "year"] => {
            let month = month_word(month)?;
            if !(-5..=5).contains(&nth) {
                return None;
            }
            Some(Cadence::Rule(yearly.with_by_month(vec![month]).with_by_day(by_day)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests;
