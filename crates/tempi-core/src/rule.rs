//! tempi's own model of an RFC 5545 recurrence rule (RRULE).
//!
//! The `rrule` crate expands BY-rules correctly and fast, but its `Display` corrupts rules
//! (`BYMONTHDAY=-1` is lost, `1MO` becomes every Monday) and its validation has gaps (as of
//! 2026-11, see `shared/notes/dependency-audit.md`). So tempi parses, validates and prints rules
//! itself, and hands `rrule` only a builder value to expand. [`RecurrenceRule`] is that model:
//! `FromStr` and `Display` round-trip, and `Display` prints one canonical form.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Month, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

/// How often a rule repeats (RFC 5545 §3.3.10 `FREQ`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Frequency {
    /// `SECONDLY`.
    Secondly,
    /// `MINUTELY`.
    Minutely,
    /// `HOURLY`.
    Hourly,
    /// `DAILY`.
    Daily,
    /// `WEEKLY`.
    Weekly,
    /// `MONTHLY`.
    Monthly,
    /// `YEARLY`.
    Yearly,
}

impl Frequency {
    /// The RFC 5545 name, e.g. `WEEKLY`.
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Secondly => "SECONDLY",
            Frequency::Minutely => "MINUTELY",
            Frequency::Hourly => "HOURLY",
            Frequency::Daily => "DAILY",
            Frequency::Weekly => "WEEKLY",
            Frequency::Monthly => "MONTHLY",
            Frequency::Yearly => "YEARLY",
        }
    }

    /// The nominal length of one period in seconds, used to rank tempos (slower wins).
    pub fn nominal_seconds(self) -> u64 {
        match self {
            Frequency::Secondly => 1,
            Frequency::Minutely => 60,
            Frequency::Hourly => 3_600,
            Frequency::Daily => 86_400,
            Frequency::Weekly => 7 * 86_400,
            Frequency::Monthly => 30 * 86_400 + 36_000,
            Frequency::Yearly => 365 * 86_400 + 20_736,
        }
    }
}

/// One `BYDAY` entry: a weekday, optionally with an ordinal (`-1FR` = the last Friday).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ByDay {
    /// The ordinal within the month or year (`1` first, `-1` last); `None` = every such weekday.
    pub nth: Option<i16>,
    /// The weekday.
    pub weekday: Weekday,
}

impl ByDay {
    /// Every such weekday in the period (`BYDAY=MO`).
    pub fn every(weekday: Weekday) -> ByDay {
        ByDay { nth: None, weekday }
    }

    /// The `nth` such weekday in the month or year, counting from the end when negative
    /// (`ByDay::nth(-1, Weekday::Fri)` is `BYDAY=-1FR`, the last Friday).
    pub fn nth(nth: i16, weekday: Weekday) -> ByDay {
        ByDay { nth: Some(nth), weekday }
    }
}

impl fmt::Display for ByDay {
    /// The RFC 5545 form, e.g. `MO` or `-1FR`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.nth {
            Some(n) => write!(f, "{n}{}", weekday_code(self.weekday)),
            None => f.write_str(weekday_code(self.weekday)),
        }
    }
}

/// Where a rule ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleEnd {
    /// No `COUNT` or `UNTIL`: the rule is open-ended (every expansion is still bounded by its window).
    Never,
    /// `COUNT=n`: the first `n` instances.
    Count(u32),
    /// `UNTIL=`: the last instant an instance may start, inclusive.
    Until(Until),
}

/// The value of `UNTIL`, in the form it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Until {
    /// `UNTIL=20271231`: instances on or before that date in the rule's zone.
    Date(NaiveDate),
    /// `UNTIL=20271231T170000`: a wall-clock time in the rule's zone.
    Local(NaiveDateTime),
    /// `UNTIL=20271231T170000Z`: an instant in UTC.
    Utc(NaiveDateTime),
}

/// A validated RFC 5545 recurrence rule.
///
/// Parse one with [`str::parse`]; print it with `Display`, which always writes the same canonical
/// form (parts in a fixed order, `INTERVAL=1` and defaults omitted) and round-trips.
///
/// ```
/// # mod tempi { pub use tempi_core::*; }
/// use tempi::RecurrenceRule;
///
/// let rule: RecurrenceRule = "freq=monthly;byday=-1fr".parse()?;
/// assert_eq!(rule.to_string(), "FREQ=MONTHLY;BYDAY=-1FR");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RecurrenceRule {
    pub(crate) freq: Frequency,
    pub(crate) interval: u16,
    pub(crate) end: RuleEnd,
    pub(crate) week_start: Option<Weekday>,
    pub(crate) by_month: Vec<u8>,
    pub(crate) by_week_no: Vec<i8>,
    pub(crate) by_year_day: Vec<i16>,
    pub(crate) by_month_day: Vec<i8>,
    pub(crate) by_day: Vec<ByDay>,
    pub(crate) by_hour: Vec<u8>,
    pub(crate) by_minute: Vec<u8>,
    pub(crate) by_second: Vec<u8>,
    pub(crate) by_set_pos: Vec<i32>,
}

/// Builds a [`RecurrenceRule`] part by part ([`RecurrenceRule::builder`]). Each setter replaces
/// that part; [`build`](RuleBuilder::build) checks the whole rule exactly as parsing does.
#[derive(Debug, Clone)]
#[must_use]
pub struct RuleBuilder {
    rule: RecurrenceRule,
}

impl RuleBuilder {
    /// `INTERVAL`: every `interval`-th period (at least 1).
    pub fn interval(mut self, interval: u16) -> RuleBuilder {
        self.rule.interval = interval;
        self
    }

    /// `COUNT`: the first `count` instances (replaces any `UNTIL`).
    pub fn count(mut self, count: u32) -> RuleBuilder {
        self.rule.end = RuleEnd::Count(count);
        self
    }

    /// `UNTIL`: no instance after this (replaces any `COUNT`).
    pub fn until(mut self, until: Until) -> RuleBuilder {
        self.rule.end = RuleEnd::Until(until);
        self
    }

    /// Where the rule ends (`COUNT`, `UNTIL` or neither).
    pub fn end(mut self, end: RuleEnd) -> RuleBuilder {
        self.rule.end = end;
        self
    }

    /// `WKST`: the day weeks start on (`None`: not written, Monday).
    pub fn week_start(mut self, week_start: Option<Weekday>) -> RuleBuilder {
        self.rule.week_start = week_start;
        self
    }

    /// `BYMONTH` (1–12).
    pub fn by_month(mut self, months: impl IntoIterator<Item = u8>) -> RuleBuilder {
        self.rule.by_month = months.into_iter().collect();
        self
    }

    /// `BYWEEKNO` (±1–53; `YEARLY` only).
    pub fn by_week_no(mut self, weeks: impl IntoIterator<Item = i8>) -> RuleBuilder {
        self.rule.by_week_no = weeks.into_iter().collect();
        self
    }

    /// `BYYEARDAY` (±1–366).
    pub fn by_year_day(mut self, days: impl IntoIterator<Item = i16>) -> RuleBuilder {
        self.rule.by_year_day = days.into_iter().collect();
        self
    }

    /// `BYMONTHDAY` (±1–31).
    pub fn by_month_day(mut self, days: impl IntoIterator<Item = i8>) -> RuleBuilder {
        self.rule.by_month_day = days.into_iter().collect();
        self
    }

    /// `BYDAY`, e.g. `[ByDay::every(Weekday::Tue)]` or `[ByDay::nth(-1, Weekday::Fri)]`.
    pub fn by_day(mut self, days: impl IntoIterator<Item = ByDay>) -> RuleBuilder {
        self.rule.by_day = days.into_iter().collect();
        self
    }

    /// `BYHOUR` (0–23).
    pub fn by_hour(mut self, hours: impl IntoIterator<Item = u8>) -> RuleBuilder {
        self.rule.by_hour = hours.into_iter().collect();
        self
    }

    /// `BYMINUTE` (0–59).
    pub fn by_minute(mut self, minutes: impl IntoIterator<Item = u8>) -> RuleBuilder {
        self.rule.by_minute = minutes.into_iter().collect();
        self
    }

    /// `BYSECOND` (0–59).
    pub fn by_second(mut self, seconds: impl IntoIterator<Item = u8>) -> RuleBuilder {
        self.rule.by_second = seconds.into_iter().collect();
        self
    }

    /// `BYSETPOS` (±1–366), picking from the instances the other BY-parts make in each period.
    pub fn by_set_pos(mut self, positions: impl IntoIterator<Item = i32>) -> RuleBuilder {
        self.rule.by_set_pos = positions.into_iter().collect();
        self
    }

    /// The rule, checked as [`str::parse`] checks one.
    ///
    /// # Errors
    /// [`crate::Error::Rule`] naming the part at fault, as parsing the rule's text would give.
    pub fn build(self) -> Result<RecurrenceRule, crate::Error> {
        if self.rule.by_month.len() > 366
            || self.rule.by_year_day.len() > 366
            || self.rule.by_month_day.len() > 366
            || self.rule.by_week_no.len() > 366
            || self.rule.by_hour.len() > 366
            || self.rule.by_minute.len() > 366
            || self.rule.by_second.len() > 366
            || self.rule.by_set_pos.len() > 366
        {
            return Err(RuleError::new("", "a BY-part lists more than 366 values").into());
        }
        self.rule.validate()?;
        Ok(self.rule)
    }
}

/// Why a recurrence rule was rejected: names the part and says what would fix it. Public
/// functions return it as [`crate::Error::Rule`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct RuleError {
    /// The rule part at fault (e.g. `BYSETPOS=0`), or empty when the rule as a whole is at fault.
    pub(crate) part: String,
    /// What is wrong and how to fix it.
    pub(crate) message: String,
}

impl From<RuleError> for crate::Error {
    fn from(e: RuleError) -> crate::Error {
        crate::Error::Rule { part: e.part, message: e.message }
    }
}

impl RuleError {
    fn new(part: impl Into<String>, message: impl Into<String>) -> RuleError {
        RuleError { part: part.into(), message: message.into() }
    }
}

impl RecurrenceRule {
    /// A rule with only `FREQ` set (and `INTERVAL=1`).
    pub fn new(freq: Frequency) -> RecurrenceRule {
        RecurrenceRule {
            freq,
            interval: 1,
            end: RuleEnd::Never,
            week_start: None,
            by_month: Vec::new(),
            by_week_no: Vec::new(),
            by_year_day: Vec::new(),
            by_month_day: Vec::new(),
            by_day: Vec::new(),
            by_hour: Vec::new(),
            by_minute: Vec::new(),
            by_second: Vec::new(),
            by_set_pos: Vec::new(),
        }
    }

    /// The frequency.
    pub fn freq(&self) -> Frequency {
        self.freq
    }

    /// The interval (at least 1).
    pub fn interval(&self) -> u16 {
        self.interval
    }

    /// Where the rule ends.
    pub fn end(&self) -> RuleEnd {
        self.end
    }

    /// `COUNT`, if the rule ends after a number of instances.
    pub fn count(&self) -> Option<u32> {
        match self.end {
            RuleEnd::Count(n) => Some(n),
            RuleEnd::Never | RuleEnd::Until(_) => None,
        }
    }

    /// `UNTIL`, if the rule ends at a date or time.
    pub fn until(&self) -> Option<Until> {
        match self.end {
            RuleEnd::Until(until) => Some(until),
            RuleEnd::Never | RuleEnd::Count(_) => None,
        }
    }

    /// `WKST` as written; `None` when the rule does not give one (RFC 5545's default is Monday).
    pub fn week_start(&self) -> Option<Weekday> {
        self.week_start
    }

    /// `BYMONTH` values (1–12), in the order written.
    pub fn by_month(&self) -> &[u8] {
        &self.by_month
    }

    /// `BYWEEKNO` values (±1–53; `YEARLY` rules only).
    pub fn by_week_no(&self) -> &[i8] {
        &self.by_week_no
    }

    /// `BYYEARDAY` values (±1–366).
    pub fn by_year_day(&self) -> &[i16] {
        &self.by_year_day
    }

    /// `BYMONTHDAY` values (±1–31).
    pub fn by_month_day(&self) -> &[i8] {
        &self.by_month_day
    }

    /// `BYDAY` values, with their ordinals (`-1FR`).
    pub fn by_day(&self) -> &[ByDay] {
        &self.by_day
    }

    /// `BYHOUR` values (0–23).
    pub fn by_hour(&self) -> &[u8] {
        &self.by_hour
    }

    /// `BYMINUTE` values (0–59).
    pub fn by_minute(&self) -> &[u8] {
        &self.by_minute
    }

    /// `BYSECOND` values (0–59).
    pub fn by_second(&self) -> &[u8] {
        &self.by_second
    }

    /// `BYSETPOS` values (±1–366).
    pub fn by_set_pos(&self) -> &[i32] {
        &self.by_set_pos
    }

    /// Whether every instance starts at the time of day of the rule's start: `DAILY` or coarser,
    /// with no `BYHOUR`, `BYMINUTE` or `BYSECOND`.
    pub fn keeps_time_of_day(&self) -> bool {
        matches!(
            self.freq,
            Frequency::Daily | Frequency::Weekly | Frequency::Monthly | Frequency::Yearly
        ) && self.by_hour.is_empty()
            && self.by_minute.is_empty()
            && self.by_second.is_empty()
    }

    /// The same rule without `COUNT` or `UNTIL` (open-ended).
    pub fn without_end(&self) -> RecurrenceRule {
        RecurrenceRule { end: RuleEnd::Never, ..self.clone() }
    }

    /// A builder for a rule of this frequency, to set its other parts without writing text;
    /// [`RuleBuilder::build`] validates it as parsing would.
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::chrono::Weekday;
    /// use tempi::rule::{ByDay, Frequency, RecurrenceRule};
    ///
    /// let rule = RecurrenceRule::builder(Frequency::Monthly)
    ///     .interval(2)
    ///     .by_day([ByDay::nth(-1, Weekday::Fri)])
    ///     .count(6)
    ///     .build()?;
    /// assert_eq!(rule.to_string(), "FREQ=MONTHLY;INTERVAL=2;COUNT=6;BYDAY=-1FR");
    /// assert_eq!(rule, "FREQ=MONTHLY;INTERVAL=2;BYDAY=-1FR;COUNT=6".parse()?);
    ///
    /// // Ordinal weekdays only make sense in months and years.
    /// let weekly = RecurrenceRule::builder(Frequency::Weekly).by_day([ByDay::nth(2, Weekday::Tue)]);
    /// assert!(weekly.build().is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(freq: Frequency) -> RuleBuilder {
        RuleBuilder { rule: RecurrenceRule::new(freq) }
    }

    /// A builder holding every part of this rule, to change some and build again.
    pub fn to_builder(&self) -> RuleBuilder {
        RuleBuilder { rule: self.clone() }
    }

    /// The nominal time between instances in seconds, used to rank tempos (a slower tempo wins a
    /// clash): the period `FREQ` × `INTERVAL`, divided by how many instances the BY-lists make in
    /// one period. So `FREQ=YEARLY;BYMONTH=1,4,7,10` is quarterly (a year / 4): faster than
    /// yearly, slower than monthly; `FREQ=WEEKLY;BYDAY=MO,TH` is every 3.5 days.
    ///
    /// BY-lists that expand (RFC 5545 §3.3.10's table) multiply the instances per period; those
    /// that only limit keep their share of it (`FREQ=DAILY;BYDAY=MO,TU` keeps 2 of 7 days); a
    /// plain weekday in a month stands for 4.35 instances, in a year 52.18; `BYSETPOS` keeps at
    /// most as many instances as it lists.
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::RecurrenceRule;
    /// let period = |rule: &str| rule.parse::<RecurrenceRule>().unwrap().nominal_period_seconds();
    /// let day = 86_400;
    /// assert_eq!(period("FREQ=WEEKLY;BYDAY=MO,TH"), 7 * day / 2);
    /// assert!(period("FREQ=MONTHLY") < period("FREQ=YEARLY;BYMONTH=1,4,7,10"));
    /// assert!(period("FREQ=YEARLY;BYMONTH=1,4,7,10") < period("FREQ=YEARLY"));
    /// ```
    pub fn nominal_period_seconds(&self) -> u64 {
        let period = self.freq.nominal_seconds() as f64 * f64::from(self.interval);
        let seconds = (period / self.instances_per_period()).round();
        // At least a second; finite because instances_per_period is at least a tiny positive.
        if seconds.is_finite() && seconds >= 1.0 { seconds as u64 } else { 1 }
    }

    /// `FREQ` × `INTERVAL` in nominal seconds: the longest an instance can wait for the next
    /// period (the BY-lists only add instances within it).
    pub(crate) fn frequency_period_seconds(&self) -> u64 {
        self.freq.nominal_seconds().saturating_mul(u64::from(self.interval))
    }

    /// How many instances the BY-lists make in one `FREQ` period, on average (see
    /// [`nominal_period_seconds`](Self::nominal_period_seconds)).
    fn instances_per_period(&self) -> f64 {
        use Frequency::*;
        const WEEKDAYS_PER_MONTH: f64 = 365.2425 / 12.0 / 7.0;
        const WEEKDAYS_PER_YEAR: f64 = 365.2425 / 7.0;
        // An expanding list: one instance per entry; absent, the one DTSTART gives.
        let each = |len: usize| len.max(1) as f64;
        // A limiting list: the share of `of` it keeps; absent, everything.
        let share = |len: usize, of: f64| if len == 0 { 1.0 } else { (len as f64 / of).min(1.0) };
        let ordinal = self.by_day.iter().filter(|d| d.nth.is_some()).count() as f64;
        let plain = self.by_day.iter().filter(|d| d.nth.is_none()).count();
        // Days a month: BYMONTHDAY expands (a plain BYDAY then limits it), else BYDAY expands.
        let month_days = if !self.by_month_day.is_empty() {
            self.by_month_day.len() as f64 * share(plain, 7.0)
        } else if !self.by_day.is_empty() {
            ordinal + plain as f64 * WEEKDAYS_PER_MONTH
        } else {
            1.0
        };
        let days = match self.freq {
            Yearly if !self.by_year_day.is_empty() => {
                self.by_year_day.len() as f64 * share(self.by_month.len(), 12.0)
            }
            Yearly if !self.by_week_no.is_empty() => {
                self.by_week_no.len() as f64 * each(self.by_day.len())
            }
            Yearly if !self.by_month.is_empty() => self.by_month.len() as f64 * month_days,
            Yearly if !self.by_month_day.is_empty() => month_days,
            Yearly if !self.by_day.is_empty() => ordinal + plain as f64 * WEEKDAYS_PER_YEAR,
            Yearly => 1.0,
            Monthly => month_days * share(self.by_month.len(), 12.0),
            Weekly => each(self.by_day.len()) * share(self.by_month.len(), 12.0),
            Daily | Hourly | Minutely | Secondly => {
                share(self.by_day.len(), 7.0)
                    * share(self.by_month.len(), 12.0)
                    * share(self.by_month_day.len(), 365.2425 / 12.0)
                    * share(self.by_year_day.len(), 365.2425)
            }
        };
        // Times of day: BYHOUR/BYMINUTE/BYSECOND expand coarser frequencies and limit finer ones.
        let times = match self.freq {
            Yearly | Monthly | Weekly | Daily => {
                each(self.by_hour.len()) * each(self.by_minute.len()) * each(self.by_second.len())
            }
            Hourly => {
                share(self.by_hour.len(), 24.0)
                    * each(self.by_minute.len())
                    * each(self.by_second.len())
            }
            Minutely => {
                share(self.by_hour.len(), 24.0)
                    * share(self.by_minute.len(), 60.0)
                    * each(self.by_second.len())
            }
            Secondly => {
                share(self.by_hour.len(), 24.0)
                    * share(self.by_minute.len(), 60.0)
                    * share(self.by_second.len(), 60.0)
            }
        };
        let mut count = days * times;
        if !self.by_set_pos.is_empty() {
            count = count.min(self.by_set_pos.len() as f64);
        }
        count.max(1e-9)
    }

    pub(crate) fn with_interval(mut self, interval: u16) -> RecurrenceRule {
        self.interval = interval;
        self
    }

    pub(crate) fn with_by_day(mut self, by_day: Vec<ByDay>) -> RecurrenceRule {
        self.by_day = by_day;
        self
    }

    pub(crate) fn with_by_month(mut self, by_month: Vec<u8>) -> RecurrenceRule {
        self.by_month = by_month;
        self
    }

    pub(crate) fn with_by_month_day(mut self, by_month_day: Vec<i8>) -> RecurrenceRule {
        self.by_month_day = by_month_day;
        self
    }

    /// Checks the rule against RFC 5545 §3.3.10, and against what the expansion engine can do.
    ///
    /// Beyond what `rrule` checks itself this rejects: `COUNT` with `UNTIL`, `INTERVAL=0`,
    /// `BYMONTHDAY=0`, ordinal `BYDAY` outside `MONTHLY`/`YEARLY`, `BYSETPOS` without another
    /// BY-rule, and out-of-range ordinals.
    pub(crate) fn validate(&self) -> Result<(), RuleError> {
        use Frequency::*;
        if self.interval == 0 {
            return Err(RuleError::new(
                "INTERVAL=0",
                "INTERVAL must be at least 1 (INTERVAL=0 would never repeat); remove it or use INTERVAL=1",
            ));
        }
        if let Some(bad) = self.by_month.iter().find(|m| !(1..=12).contains(*m)) {
            return Err(RuleError::new(
                format!("BYMONTH={bad}"),
                format!("BYMONTH={bad} is not a month; months are 1 to 12"),
            ));
        }
        if let Some(bad) = self.by_month_day.iter().find(|d| **d == 0 || !(-31..=31).contains(*d)) {
            return Err(RuleError::new(
                format!("BYMONTHDAY={bad}"),
                format!(
                    "BYMONTHDAY={bad} is not a day of the month; write 1 to 31, or -1 to -31 counting from the end (-1 is the last day)"
                ),
            ));
        }
        if let Some(bad) = self.by_year_day.iter().find(|d| **d == 0 || !(-366..=366).contains(*d))
        {
            return Err(RuleError::new(
                format!("BYYEARDAY={bad}"),
                format!(
                    "BYYEARDAY={bad} is not a day of the year; write 1 to 366, or -1 to -366 counting from the end"
                ),
            ));
        }
        if let Some(bad) = self.by_week_no.iter().find(|d| **d == 0 || !(-53..=53).contains(*d)) {
            return Err(RuleError::new(
                format!("BYWEEKNO={bad}"),
                format!(
                    "BYWEEKNO={bad} is not a week of the year; write 1 to 53, or -1 to -53 counting from the end"
                ),
            ));
        }
        if let Some(bad) = self.by_hour.iter().find(|h| **h > 23) {
            return Err(RuleError::new(
                format!("BYHOUR={bad}"),
                format!("BYHOUR={bad} is not an hour; hours are 0 to 23"),
            ));
        }
        if let Some(bad) = self.by_minute.iter().find(|h| **h > 59) {
            return Err(RuleError::new(
                format!("BYMINUTE={bad}"),
                format!("BYMINUTE={bad} is not a minute; minutes are 0 to 59"),
            ));
        }
        if let Some(bad) = self.by_second.iter().find(|h| **h > 59) {
            return Err(RuleError::new(
                format!("BYSECOND={bad}"),
                format!(
                    "BYSECOND={bad} is not a second; seconds are 0 to 59 (leap seconds are not supported)"
                ),
            ));
        }
        if let Some(bad) = self.by_set_pos.iter().find(|p| **p == 0 || !(-366..=366).contains(*p)) {
            return Err(RuleError::new(
                format!("BYSETPOS={bad}"),
                format!(
                    "BYSETPOS={bad} is not a position; write 1 to 366, or -1 to -366 counting from the end"
                ),
            ));
        }
        if !self.by_week_no.is_empty() && self.freq != Yearly {
            return Err(RuleError::new(
                "BYWEEKNO",
                format!(
                    "BYWEEKNO is only allowed with FREQ=YEARLY, not FREQ={}",
                    self.freq.as_str()
                ),
            ));
        }
        if !self.by_year_day.is_empty() && matches!(self.freq, Daily | Weekly | Monthly) {
            return Err(RuleError::new(
                "BYYEARDAY",
                format!("BYYEARDAY is not allowed with FREQ={}", self.freq.as_str()),
            ));
        }
        if !self.by_month_day.is_empty() && self.freq == Weekly {
            return Err(RuleError::new(
                "BYMONTHDAY",
                "BYMONTHDAY is not allowed with FREQ=WEEKLY; use FREQ=MONTHLY",
            ));
        }
        for day in &self.by_day {
            let Some(nth) = day.nth else { continue };
            let part = format!("BYDAY={}", format_by_day(*day));
            match self.freq {
                Monthly => {
                    if nth == 0 || !(-5..=5).contains(&nth) {
                        return Err(RuleError::new(
                            part.clone(),
                            format!(
                                "{part}: in a MONTHLY rule the ordinal must be 1 to 5, or -1 to -5 counting from the end"
                            ),
                        ));
                    }
                    if nth == -5 {
                        // rrule 0.14 rejects -5 in MONTHLY (a truncating range check; audit §1.2).
                        return Err(RuleError::new(
                            part.clone(),
                            format!(
                                "{part}: the fifth-from-last weekday is not supported yet; it is the first such weekday in months that have five, so write e.g. BYDAY=1{} with BYSETPOS or list the months",
                                weekday_code(day.weekday)
                            ),
                        ));
                    }
                }
                Yearly => {
                    if nth == 0 || !(-53..=53).contains(&nth) {
                        return Err(RuleError::new(
                            part.clone(),
                            format!(
                                "{part}: in a YEARLY rule the ordinal must be 1 to 53, or -1 to -53 counting from the end"
                            ),
                        ));
                    }
                    if !self.by_week_no.is_empty() {
                        return Err(RuleError::new(
                            part.clone(),
                            format!("{part}: an ordinal BYDAY cannot be combined with BYWEEKNO"),
                        ));
                    }
                }
                _ => {
                    return Err(RuleError::new(
                        part.clone(),
                        format!(
                            "{part}: an ordinal BYDAY is only allowed with FREQ=MONTHLY or FREQ=YEARLY; use BYDAY={} for every such weekday",
                            weekday_code(day.weekday)
                        ),
                    ));
                }
            }
        }
        if !self.by_set_pos.is_empty()
            && self.by_month.is_empty()
            && self.by_week_no.is_empty()
            && self.by_year_day.is_empty()
            && self.by_month_day.is_empty()
            && self.by_day.is_empty()
            && self.by_hour.is_empty()
            && self.by_minute.is_empty()
            && self.by_second.is_empty()
        {
            return Err(RuleError::new(
                "BYSETPOS",
                "BYSETPOS needs another BY-rule to select from (e.g. BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1)",
            ));
        }
        if let RuleEnd::Count(0) = self.end {
            return Err(RuleError::new("COUNT=0", "COUNT must be at least 1"));
        }
        Ok(())
    }
}

/// Why a rule could not be expanded. Public functions return it as [`crate::Error::Budget`] or
/// [`crate::Error::RuleExpansion`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExpandError {
    /// More wall-clock starts than the budget allowed.
    Budget,
    /// The expansion engine rejected the rule (its reason is kept as text: rrule is not part of
    /// tempi's API).
    Rule(String),
}

impl ExpandError {
    /// The public error, with the budget that was passed.
    pub(crate) fn with_budget(self, budget: usize) -> crate::Error {
        match self {
            ExpandError::Budget => crate::Error::Budget { budget },
            ExpandError::Rule(reason) => crate::Error::RuleExpansion { reason },
        }
    }
}

impl RecurrenceRule {
    /// The rule's wall-clock starts from `dtstart` through `horizon` (inclusive), ascending and
    /// unique; an error once more than `budget` would be produced.
    ///
    /// The times are wall-clock times in the rule's zone, not instants: `rrule` runs as a
    /// generator in a UTC carrier so it never sees a DST transition (that avoids its DST bugs and
    /// its use of the process's zone; see `shared/notes/dependency-audit.md` §1.4). Map each time
    /// to an instant with [`crate::time::resolve_local`]. `zone` is only used to read a UTC
    /// `UNTIL` as wall-clock time (`None`: floating, read as is).
    ///
    /// ```
    /// # mod tempi { pub use tempi_core::*; }
    /// use tempi::chrono::NaiveDate;
    /// use tempi::RecurrenceRule;
    ///
    /// let rule: RecurrenceRule = "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=3".parse()?;
    /// let start = NaiveDate::from_ymd_opt(2027, 1, 1).unwrap().and_hms_opt(9, 0, 0).unwrap();
    /// let horizon = NaiveDate::from_ymd_opt(2028, 1, 1).unwrap().and_hms_opt(0, 0, 0).unwrap();
    /// let starts = rule.wall_clock_starts(None, start, horizon, 100)?;
    /// let days: Vec<String> = starts.iter().map(|t| t.date().to_string()).collect();
    /// assert_eq!(days, ["2027-01-31", "2027-02-28", "2027-03-31"]);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::Error::Budget`] past the budget; [`crate::Error::RuleExpansion`] when the engine
    /// rejects the rule for this start.
    pub fn wall_clock_starts(
        &self,
        zone: Option<Tz>,
        dtstart: NaiveDateTime,
        horizon: NaiveDateTime,
        budget: usize,
    ) -> Result<Vec<NaiveDateTime>, crate::Error> {
        self.starts_through(zone, dtstart, horizon, budget).map_err(|e| e.with_budget(budget))
    }

    /// [`RecurrenceRule::wall_clock_starts`], with the engine's own error.
    pub(crate) fn starts_through(
        &self,
        zone: Option<Tz>,
        dtstart: NaiveDateTime,
        horizon: NaiveDateTime,
        budget: usize,
    ) -> Result<Vec<NaiveDateTime>, ExpandError> {
        let until = self.until_within(zone, horizon);
        if until < dtstart {
            return Ok(Vec::new());
        }
        match self.day_steps(dtstart, until, budget) {
            Some(starts) => starts,
            None => self.rrule_starts(dtstart, until, budget),
        }
    }

    /// The last wall-clock time a start may have: the rule's `UNTIL` (a UTC one read in `zone`)
    /// or `horizon`, whichever is earlier.
    pub(crate) fn until_within(&self, zone: Option<Tz>, horizon: NaiveDateTime) -> NaiveDateTime {
        let rule_until = match self.end {
            RuleEnd::Until(Until::Date(date)) => {
                Some(date.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN)))
            }
            RuleEnd::Until(Until::Local(local)) => Some(local),
            RuleEnd::Until(Until::Utc(utc)) => match zone {
                Some(zone) => Some(zone.from_utc_datetime(&utc).naive_local()),
                None => Some(utc),
            },
            _ => None,
        };
        match rule_until {
            Some(until) if until < horizon => until,
            _ => horizon,
        }
    }

    /// The starts as `rrule` expands them, from `dtstart` through `until` (inclusive).
    fn rrule_starts(
        &self,
        dtstart: NaiveDateTime,
        until: NaiveDateTime,
        budget: usize,
    ) -> Result<Vec<NaiveDateTime>, ExpandError> {
        let carrier = |t: NaiveDateTime| rrule::Tz::UTC.from_utc_datetime(&t);
        let mut builder = rrule::RRule::new(match self.freq {
            Frequency::Secondly => rrule::Frequency::Secondly,
            Frequency::Minutely => rrule::Frequency::Minutely,
            Frequency::Hourly => rrule::Frequency::Hourly,
            Frequency::Daily => rrule::Frequency::Daily,
            Frequency::Weekly => rrule::Frequency::Weekly,
            Frequency::Monthly => rrule::Frequency::Monthly,
            Frequency::Yearly => rrule::Frequency::Yearly,
        })
        .interval(self.interval)
        // rrule applies COUNT and UNTIL together, whichever ends first (audit §1.2): the horizon
        // bounds every expansion, and COUNT still counts from DTSTART.
        .until(carrier(until));
        if let RuleEnd::Count(count) = self.end {
            builder = builder.count(count);
        }
        if let Some(wkst) = self.week_start {
            builder = builder.week_start(wkst);
        }
        let months: Vec<Month> =
            self.by_month.iter().filter_map(|m| Month::try_from(*m).ok()).collect();
        builder = builder
            .by_month(&months)
            .by_week_no(self.by_week_no.clone())
            .by_year_day(self.by_year_day.clone())
            .by_month_day(self.by_month_day.clone())
            .by_weekday(
                self.by_day
                    .iter()
                    .map(|d| match d.nth {
                        Some(n) => rrule::NWeekday::Nth(n, d.weekday),
                        None => rrule::NWeekday::Every(d.weekday),
                    })
                    .collect(),
            )
            .by_hour(self.by_hour.clone())
            .by_minute(self.by_minute.clone())
            .by_second(self.by_second.clone())
            .by_set_pos(self.by_set_pos.clone());
        let set = builder.build(carrier(dtstart)).map_err(|e| ExpandError::Rule(e.to_string()))?;
        // `limit()` turns on rrule's guard against rules that never match (audit §1.5).
        let set = set.limit();
        let mut out: Vec<NaiveDateTime> = Vec::new();
        for instant in &set {
            let local = instant.naive_utc();
            if local > until {
                break;
            }
            if out.len() >= budget {
                return Err(ExpandError::Budget);
            }
            // rrule can yield duplicates; keep the sequence strictly increasing.
            if out.last().is_some_and(|last| *last >= local) {
                continue;
            }
            out.push(local);
        }
        Ok(out)
    }
}

impl RecurrenceRule {
    /// The weekdays (Monday first) on which a plain daily or weekly rule starts from `dtstart`:
    /// no BY-rule but BYDAY without ordinals, an INTERVAL of at least 1. `None` for any other
    /// rule. [`RecurrenceRule::day_steps`] generates these rules and `steps` counts them.
    fn plain_days(&self, dtstart: NaiveDateTime) -> Option<[bool; 7]> {
        let plain = matches!(self.freq, Frequency::Daily | Frequency::Weekly)
            && self.by_month.is_empty()
            && self.by_week_no.is_empty()
            && self.by_year_day.is_empty()
            && self.by_month_day.is_empty()
            && self.by_hour.is_empty()
            && self.by_minute.is_empty()
            && self.by_second.is_empty()
            && self.by_set_pos.is_empty()
            && self.by_day.iter().all(|d| d.nth.is_none())
            && self.interval >= 1;
        if !plain {
            return None;
        }
        let mark = |on: &mut [bool; 7], weekday: Weekday| {
            if let Some(slot) = on.get_mut(weekday.num_days_from_monday() as usize) {
                *slot = true;
            }
        };
        let mut on = [false; 7];
        if self.by_day.is_empty() {
            if self.freq == Frequency::Weekly {
                mark(&mut on, dtstart.weekday());
            } else {
                on = [true; 7];
            }
        }
        for d in &self.by_day {
            mark(&mut on, d.weekday);
        }
        Some(on)
    }

    /// The starts of a plain daily or weekly rule (`INTERVAL`, `WKST`, weekdays without
    /// ordinals, `COUNT` or `UNTIL`; no other BY-part) by date arithmetic, in the order and with
    /// the bounds `rrule` gives them; `None` for any other rule. rrule spends about 3,000
    /// instructions an occurrence on these (a day set per period), and they are most of a large
    /// community's rhythms. A property test holds the two to the same answers.
    fn day_steps(
        &self,
        dtstart: NaiveDateTime,
        until: NaiveDateTime,
        budget: usize,
    ) -> Option<Result<Vec<NaiveDateTime>, ExpandError>> {
        let on = self.plain_days(dtstart)?;
        let count = match self.end {
            RuleEnd::Count(n) => usize::try_from(n).unwrap_or(usize::MAX),
            _ => usize::MAX,
        };
        let first = dtstart.date();
        let time = dtstart.time();
        let interval = i64::from(self.interval);
        // Each period: a day, or a week beginning on WKST (the first is the one holding DTSTART).
        let (mut period, period_days, step) = match self.freq {
            Frequency::Weekly => {
                let wkst = self.week_start.unwrap_or(Weekday::Mon);
                let back = (i64::from(first.weekday().num_days_from_monday())
                    - i64::from(wkst.num_days_from_monday()))
                .rem_euclid(7);
                (first - chrono::Duration::days(back), 7, 7 * interval)
            }
            _ => (first, 1, interval),
        };
        let mut out: Vec<NaiveDateTime> = Vec::new();
        while period <= until.date() {
            let weekday = i64::from(period.weekday().num_days_from_monday());
            for k in 0..period_days {
                let listed = usize::try_from((weekday + k) % 7)
                    .ok()
                    .and_then(|d| on.get(d).copied())
                    .unwrap_or(false);
                if !listed {
                    continue;
                }
                let Some(day) = period.checked_add_signed(chrono::Duration::days(k)) else {
                    return Some(Ok(out));
                };
                if day < first {
                    continue;
                }
                let start = day.and_time(time);
                if out.len() >= count || start > until {
                    return Some(Ok(out));
                }
                if out.len() >= budget {
                    return Some(Err(ExpandError::Budget));
                }
                out.push(start);
            }
            match period.checked_add_signed(chrono::Duration::days(step)) {
                Some(next) => period = next,
                None => break,
            }
        }
        Some(Ok(out))
    }
}

impl FromStr for RecurrenceRule {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<RecurrenceRule, crate::Error> {
        RecurrenceRule::parse_text(text).map_err(crate::Error::from)
    }
}

impl RecurrenceRule {
    /// [`RecurrenceRule::from_str`], with the parser's own error.
    pub(crate) fn parse_text(text: &str) -> Result<RecurrenceRule, RuleError> {
        let trimmed = text.trim();
        let body = match trimmed.get(..6) {
            Some(prefix) if prefix.eq_ignore_ascii_case("RRULE:") => trimmed.get(6..).unwrap_or(""),
            _ => trimmed,
        };
        if body.is_empty() {
            return Err(RuleError::new("", "the rule is empty; write e.g. FREQ=WEEKLY;BYDAY=TU"));
        }
        let mut freq = None;
        let mut rule = RecurrenceRule::new(Frequency::Daily);
        let mut count = None;
        let mut until = None;
        let mut seen: Vec<String> = Vec::new();
        for part in body.split(';') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let Some((name, value)) = part.split_once('=') else {
                return Err(RuleError::new(
                    part,
                    format!("`{part}` is not NAME=VALUE; rule parts are separated by `;`"),
                ));
            };
            let name = name.trim().to_ascii_uppercase();
            let value = value.trim();
            if seen.contains(&name) {
                return Err(RuleError::new(part, format!("{name} is given twice; keep one")));
            }
            seen.push(name.clone());
            if value.is_empty() {
                return Err(RuleError::new(part, format!("{name} has no value")));
            }
            match name.as_str() {
                "FREQ" => {
                    freq = Some(match value.to_ascii_uppercase().as_str() {
                        "SECONDLY" => Frequency::Secondly,
                        "MINUTELY" => Frequency::Minutely,
                        "HOURLY" => Frequency::Hourly,
                        "DAILY" => Frequency::Daily,
                        "WEEKLY" => Frequency::Weekly,
                        "MONTHLY" => Frequency::Monthly,
                        "YEARLY" => Frequency::Yearly,
                        _ => {
                            return Err(RuleError::new(
                                part,
                                format!(
                                    "FREQ={value} is not a frequency; use one of YEARLY, MONTHLY, WEEKLY, DAILY, HOURLY, MINUTELY, SECONDLY"
                                ),
                            ));
                        }
                    })
                }
                "INTERVAL" => rule.interval = parse_num(part, value)?,
                "COUNT" => count = Some(parse_num::<u32>(part, value)?),
                "UNTIL" => until = Some(parse_until(part, value)?),
                "WKST" => rule.week_start = Some(parse_weekday(part, value)?),
                "BYMONTH" => rule.by_month = parse_list(part, value)?,
                "BYWEEKNO" => rule.by_week_no = parse_list(part, value)?,
                "BYYEARDAY" => rule.by_year_day = parse_list(part, value)?,
                "BYMONTHDAY" => rule.by_month_day = parse_list(part, value)?,
                "BYHOUR" => rule.by_hour = parse_list(part, value)?,
                "BYMINUTE" => rule.by_minute = parse_list(part, value)?,
                "BYSECOND" => rule.by_second = parse_list(part, value)?,
                "BYSETPOS" => rule.by_set_pos = parse_list(part, value)?,
                "BYDAY" => {
                    rule.by_day = value
                        .split(',')
                        .map(|item| parse_by_day(part, item.trim()))
                        .collect::<Result<_, _>>()?
                }
                _ => {
                    return Err(RuleError::new(
                        part,
                        format!(
                            "{name} is not an RFC 5545 rule part (FREQ, INTERVAL, COUNT, UNTIL, WKST, BYMONTH, BYWEEKNO, BYYEARDAY, BYMONTHDAY, BYDAY, BYHOUR, BYMINUTE, BYSECOND, BYSETPOS)"
                        ),
                    ));
                }
            }
        }
        let Some(freq) = freq else {
            return Err(RuleError::new("", "the rule has no FREQ; start it with e.g. FREQ=WEEKLY"));
        };
        rule.freq = freq;
        rule.end = match (count, until) {
            (Some(_), Some(_)) => {
                return Err(RuleError::new(
                    "COUNT",
                    "COUNT and UNTIL must not both be given (RFC 5545 §3.3.10); keep one",
                ));
            }
            (Some(count), None) => RuleEnd::Count(count),
            (None, Some(until)) => RuleEnd::Until(until),
            (None, None) => RuleEnd::Never,
        };
        rule.validate()?;
        Ok(rule)
    }
}

fn parse_num<T: FromStr>(part: &str, value: &str) -> Result<T, RuleError> {
    value.parse().map_err(|_| {
        let name = part.split('=').next().unwrap_or(part).trim().to_ascii_uppercase();
        let allowed = match name.as_str() {
            "COUNT" => "a whole number from 1 to 100000, e.g. COUNT=10",
            "INTERVAL" => "a whole number from 1 to 65535, e.g. INTERVAL=2",
            "BYMONTH" => "months 1 to 12, e.g. BYMONTH=1,4,7,10",
            "BYMONTHDAY" => "days 1 to 31 or -31 to -1, e.g. BYMONTHDAY=-1",
            "BYYEARDAY" => "days 1 to 366 or -366 to -1",
            "BYWEEKNO" => "weeks 1 to 53 or -53 to -1",
            "BYHOUR" => "hours 0 to 23",
            "BYMINUTE" | "BYSECOND" => "0 to 59",
            "BYSETPOS" => "positions 1 to 366 or -366 to -1, e.g. BYSETPOS=-1",
            _ => "a whole number",
        };
        RuleError::new(
            part,
            format!("`{part}`: `{value}` is not valid here; {name} takes {allowed}"),
        )
    })
}

fn parse_list<T: FromStr>(part: &str, value: &str) -> Result<Vec<T>, RuleError> {
    let mut out = Vec::new();
    for item in value.split(',') {
        let item = item.trim().trim_start_matches('+');
        out.push(parse_num(part, item)?);
    }
    if out.len() > 366 {
        return Err(RuleError::new(part, format!("`{part}` lists more than 366 values")));
    }
    Ok(out)
}

fn parse_weekday(part: &str, code: &str) -> Result<Weekday, RuleError> {
    Ok(match code.to_ascii_uppercase().as_str() {
        "MO" => Weekday::Mon,
        "TU" => Weekday::Tue,
        "WE" => Weekday::Wed,
        "TH" => Weekday::Thu,
        "FR" => Weekday::Fri,
        "SA" => Weekday::Sat,
        "SU" => Weekday::Sun,
        _ => {
            return Err(RuleError::new(
                part,
                format!("`{code}` is not a weekday; use MO, TU, WE, TH, FR, SA or SU"),
            ));
        }
    })
}

fn parse_by_day(part: &str, item: &str) -> Result<ByDay, RuleError> {
    let split = item.len().saturating_sub(2);
    let (number, code) = match (item.get(..split), item.get(split..)) {
        (Some(number), Some(code)) => (number, code),
        _ => {
            return Err(RuleError::new(
                part,
                format!("`{item}` is not a BYDAY value such as MO or -1FR"),
            ));
        }
    };
    let weekday = parse_weekday(part, code)?;
    let nth = if number.is_empty() {
        None
    } else {
        let n: i16 = number.trim_start_matches('+').parse().map_err(|_| {
            RuleError::new(part, format!("`{item}` is not a BYDAY value such as MO, 2TU or -1FR"))
        })?;
        Some(n)
    };
    Ok(ByDay { nth, weekday })
}

fn parse_until(part: &str, value: &str) -> Result<Until, RuleError> {
    let bad = || {
        RuleError::new(
            part,
            format!(
                "UNTIL={value} is not a date (20271231) or date-time (20271231T170000 or 20271231T170000Z)"
            ),
        )
    };
    // ABNF literals are case-insensitive (RFC 5234): accept `t` and `z` as well.
    let upper = value.to_ascii_uppercase();
    let value = upper.as_str();
    if value.len() == 8 {
        return NaiveDate::parse_from_str(value, "%Y%m%d").map(Until::Date).map_err(|_| bad());
    }
    if let Some(utc) = value.strip_suffix('Z') {
        return NaiveDateTime::parse_from_str(utc, "%Y%m%dT%H%M%S")
            .map(Until::Utc)
            .map_err(|_| bad());
    }
    NaiveDateTime::parse_from_str(value, "%Y%m%dT%H%M%S").map(Until::Local).map_err(|_| bad())
}

pub(crate) fn weekday_code(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MO",
        Weekday::Tue => "TU",
        Weekday::Wed => "WE",
        Weekday::Thu => "TH",
        Weekday::Fri => "FR",
        Weekday::Sat => "SA",
        Weekday::Sun => "SU",
    }
}

fn format_by_day(day: ByDay) -> String {
    day.to_string()
}

fn write_list<T: fmt::Display>(
    f: &mut fmt::Formatter<'_>,
    name: &str,
    values: &[T],
) -> fmt::Result {
    if values.is_empty() {
        return Ok(());
    }
    write!(f, ";{name}=")?;
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        write!(f, "{value}")?;
    }
    Ok(())
}

impl fmt::Display for RecurrenceRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FREQ={}", self.freq.as_str())?;
        if self.interval != 1 {
            write!(f, ";INTERVAL={}", self.interval)?;
        }
        match self.end {
            RuleEnd::Never => {}
            RuleEnd::Count(n) => write!(f, ";COUNT={n}")?,
            RuleEnd::Until(Until::Date(d)) => write!(f, ";UNTIL={}", d.format("%Y%m%d"))?,
            RuleEnd::Until(Until::Local(t)) => write!(f, ";UNTIL={}", t.format("%Y%m%dT%H%M%S"))?,
            RuleEnd::Until(Until::Utc(t)) => write!(f, ";UNTIL={}", t.format("%Y%m%dT%H%M%SZ"))?,
        }
        write_list(f, "BYMONTH", &self.by_month)?;
        write_list(f, "BYWEEKNO", &self.by_week_no)?;
        write_list(f, "BYYEARDAY", &self.by_year_day)?;
        write_list(f, "BYMONTHDAY", &self.by_month_day)?;
        let days: Vec<String> = self.by_day.iter().map(|d| format_by_day(*d)).collect();
        write_list(f, "BYDAY", &days)?;
        write_list(f, "BYHOUR", &self.by_hour)?;
        write_list(f, "BYMINUTE", &self.by_minute)?;
        write_list(f, "BYSECOND", &self.by_second)?;
        write_list(f, "BYSETPOS", &self.by_set_pos)?;
        if let Some(wkst) = self.week_start {
            write!(f, ";WKST={}", weekday_code(wkst))?;
        }
        Ok(())
    }
}

mod steps;
pub(crate) use steps::{Steps, Walk};

#[cfg(test)]
mod tests;
