//! Time vocabulary: exact lengths, plan windows, zone lookup, and the DST policy.
//!
//! # DST policy (RFC 5545 §3.3.5)
//!
//! A rhythm's wall-clock time stays fixed in its anchor zone across DST. A local time that falls in
//! a gap (02:30 on a spring-forward night) is read with the offset in force before the gap, so it
//! moves forward by the gap's length (03:30 for a one-hour gap, 02:45 on Lord Howe's 30-minute gap).
//! An ambiguous local time (01:30 on a fall-back night) takes the earlier of its two instants.
//!
//! ```
//! # mod tempi { pub use tempi_core::*; }
//! use tempi::chrono::NaiveDate;
//! use tempi::chrono_tz::America::New_York;
//! use tempi::time::resolve_local;
//!
//! let gap = NaiveDate::from_ymd_opt(2027, 3, 14).unwrap().and_hms_opt(2, 30, 0).unwrap();
//! assert_eq!(resolve_local(New_York, gap).to_rfc3339(), "2027-03-14T03:30:00-04:00");
//! let fold = NaiveDate::from_ymd_opt(2027, 11, 7).unwrap().and_hms_opt(1, 30, 0).unwrap();
//! assert_eq!(resolve_local(New_York, fold).to_rfc3339(), "2027-11-07T01:30:00-04:00");
//! ```

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::ValueKind;

/// The last date tempi plans for. chrono-tz's tables stop applying DST after 2099 (as of
/// chrono-tz 0.10.4), so later instants would get wrong offsets; windows past it are refused.
pub const LAST_PLANNABLE_YEAR: i32 = 2099;
/// The first year tempi plans for.
pub const FIRST_PLANNABLE_YEAR: i32 = 1900;

/// Maps a wall-clock time in `zone` to an instant, per the DST policy in the module docs.
pub fn resolve_local(zone: Tz, local: NaiveDateTime) -> DateTime<Tz> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(t) => t,
        LocalResult::Ambiguous(a, b) => {
            if a <= b {
                a
            } else {
                b
            }
        }
        LocalResult::None => {
            // In a gap: read the wall time with the offset in force before the gap. A day and a half
            // earlier is before the transition and after any previous one for every zone in the tz
            // database (transitions are months apart; Pacific/Apia's skipped day is 24 hours).
            let probe = local - chrono::Duration::hours(36);
            let before = zone.offset_from_utc_datetime(&probe).fix();
            let instant = local - chrono::Duration::seconds(i64::from(before.local_minus_utc()));
            zone.from_utc_datetime(&instant)
        }
    }
}

/// An exact length of time in whole minutes ("90m", "1h30m", "2d6h"), such as a meeting's length.
///
/// This is elapsed time, not calendar time: a 24-hour retreat day across a DST change ends at a
/// different wall-clock hour (RFC 5545 gives `DTEND` the same exact meaning).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Length(u32);

/// The longest length tempi accepts: 60 days.
pub const MAX_LENGTH_MINUTES: u32 = 60 * 24 * 60;

impl Length {
    /// One minute, the shortest length.
    pub const MIN_LENGTH: Length = Length(1);

    /// A length of `minutes` minutes.
    ///
    /// # Errors
    /// When `minutes` is zero or longer than 60 days.
    pub fn try_minutes(minutes: u32) -> Result<Length, crate::Error> {
        if minutes == 0 {
            return Err(crate::Error::length(
                "a length must be positive; write e.g. \"90m\" or \"1h30m\"",
            ));
        }
        if minutes > MAX_LENGTH_MINUTES {
            return Err(crate::Error::length(format!(
                "{minutes} minutes is longer than the 60-day maximum; split it into several rhythms"
            )));
        }
        Ok(Length(minutes))
    }

    /// The length in minutes.
    pub fn minutes(self) -> u32 {
        self.0
    }

    /// The length as a chrono duration.
    pub fn to_duration(self) -> chrono::Duration {
        chrono::Duration::minutes(i64::from(self.0))
    }
}

impl FromStr for Length {
    type Err = crate::Error;

    fn from_str(text: &str) -> Result<Length, crate::Error> {
        let bad = || {
            crate::Error::length(format!(
                "`{text}` is not a length; write a number with a unit, e.g. \"45m\", \"1h30m\" or \"2d6h\""
            ))
        };
        let text_trim = text.trim();
        if text_trim.is_empty() {
            return Err(bad());
        }
        let mut total: u64 = 0;
        let mut number = String::new();
        for ch in text_trim.chars() {
            if ch.is_ascii_digit() {
                number.push(ch);
                continue;
            }
            if ch == ' ' {
                continue;
            }
            let factor = match ch {
                'd' | 'D' => 24 * 60,
                'h' | 'H' => 60,
                'm' | 'M' => 1,
                _ => return Err(bad()),
            };
            if number.is_empty() {
                return Err(bad());
            }
            if number.len() > 9 {
                // A well-formed length, only far too long: say so, not "not a length".
                return Err(crate::Error::length(format!(
                    "`{}` is longer than the 60-day maximum for one occurrence; split it into several rhythms",
                    text_trim
                )));
            }
            let value: u64 = number.parse().map_err(|_| bad())?;
            number.clear();
            total = total.saturating_add(value.saturating_mul(factor));
        }
        if !number.is_empty() {
            return Err(bad());
        }
        let minutes = u32::try_from(total).unwrap_or(u32::MAX);
        Length::try_minutes(minutes)
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0 / (24 * 60);
        let hours = (self.0 / 60) % 24;
        let minutes = self.0 % 60;
        if days > 0 {
            write!(f, "{days}d")?;
        }
        if hours > 0 {
            write!(f, "{hours}h")?;
        }
        if minutes > 0 {
            write!(f, "{minutes}m")?;
        }
        Ok(())
    }
}

/// Parses a wall-clock time `HH:MM` (24-hour).
///
/// # Errors
/// When the text is not a valid `HH:MM` time.
pub fn parse_time_of_day(text: &str) -> Result<NaiveTime, crate::Error> {
    let bad = |why: &str| {
        crate::Error::value(ValueKind::TimeOfDay, format!("`{text}` is not a time of day: {why}"))
    };
    match clock_time(text, false) {
        Ok(Some(time)) => Ok(time),
        Ok(None) => Err(bad("24:00 is the end of a day")),
        Err(why) => Err(bad(&why)),
    }
}

/// Reads a 24-hour `HH:MM`, saying which part is wrong ("25 is not an hour"). `24:00` (midnight at
/// the end of the day) is `Ok(None)` when `end_of_day` allows it, else an error.
pub(crate) fn clock_time(text: &str, end_of_day: bool) -> Result<Option<NaiveTime>, String> {
    const FORM: &str = "write 24-hour HH:MM, e.g. \"19:00\"";
    let text = text.trim();
    let Some((hour, minute)) = text.split_once(':') else {
        return Err(FORM.to_string());
    };
    let digits = |part: &str| {
        (!part.is_empty() && part.len() <= 2 && part.bytes().all(|b| b.is_ascii_digit()))
            .then(|| part.parse::<u32>().ok())
            .flatten()
    };
    let (Some(h), Some(m)) = (digits(hour), digits(minute)) else {
        return Err(FORM.to_string());
    };
    if minute.len() != 2 {
        return Err(FORM.to_string());
    }
    if m > 59 {
        return Err(format!("{m} is not a minute; minutes run from 00 to 59"));
    }
    if h == 24 && m == 0 {
        return if end_of_day {
            Ok(None)
        } else {
            Err("24:00 is the end of a day; something at midnight starts at 00:00".to_string())
        };
    }
    if h > 23 {
        let after = if end_of_day { "; 24:00 means midnight at the end of the day" } else { "" };
        return Err(format!("{h} is not an hour; hours run from 00 to 23{after}"));
    }
    NaiveTime::from_hms_opt(h, m, 0).map(Some).ok_or_else(|| FORM.to_string())
}

/// Parses a calendar date `YYYY-MM-DD`.
///
/// # Errors
/// When the text is not a valid date.
pub fn parse_date(text: &str) -> Result<NaiveDate, crate::Error> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").map_err(|_| {
        crate::Error::value(
            ValueKind::Date,
            format!("`{text}` is not a date; write YYYY-MM-DD, e.g. \"2027-01-04\""),
        )
    })
}

/// Looks up an IANA time zone by name, suggesting close names when it is unknown.
///
/// ```
/// # mod tempi { pub use tempi_core::*; }
/// use tempi::time::parse_zone;
/// let err = parse_zone("Europe/Berln").unwrap_err();
/// assert!(err.to_string().contains("Europe/Berlin"));
/// ```
///
/// # Errors
/// When the name is not in the tz database.
pub fn parse_zone(name: &str) -> Result<Tz, crate::Error> {
    if let Ok(zone) = name.parse::<Tz>() {
        return Ok(zone);
    }
    // Case-insensitive exact match first ("europe/berlin"), then the closest names.
    if let Some(zone) =
        chrono_tz::TZ_VARIANTS.iter().find(|z| z.name().eq_ignore_ascii_case(name.trim()))
    {
        return Ok(*zone);
    }
    let suggestions =
        crate::suggest::closest(name, chrono_tz::TZ_VARIANTS.iter().map(|z| z.name()));
    Err(crate::Error::Zone { name: name.to_string(), suggestions })
}

/// The span of time a plan covers: occurrences that start in `[start, end)`.
///
/// With the `serde` feature it serializes as `{"start": ..., "end": ...}`, RFC 3339 instants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Window {
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::plan::ser::rfc3339"))]
    start: DateTime<Utc>,
    #[cfg_attr(feature = "serde", serde(serialize_with = "crate::plan::ser::rfc3339"))]
    end: DateTime<Utc>,
}

impl Window {
    /// The window `[start, end)`.
    ///
    /// # Errors
    /// When `end <= start`, or when either end is outside 1900–2099 (chrono-tz has no DST after
    /// 2099, so later offsets would be wrong).
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Window, crate::Error> {
        if end <= start {
            return Err(crate::Error::EmptyWindow { start, end });
        }
        // A day of slack either side lets every zone plan 1900 and 2099 as local calendar years.
        let first = Utc.with_ymd_and_hms(FIRST_PLANNABLE_YEAR - 1, 12, 31, 0, 0, 0).single();
        let last = Utc.with_ymd_and_hms(LAST_PLANNABLE_YEAR + 1, 1, 2, 0, 0, 0).single();
        match (first, last) {
            (Some(first), Some(last)) if start >= first && end <= last => Ok(Window { start, end }),
            _ => Err(crate::Error::WindowOutOfRange { start, end }),
        }
    }

    /// The whole local calendar days `from..=to` in `zone`.
    ///
    /// # Errors
    /// As [`Window::new`].
    pub fn days(zone: Tz, from: NaiveDate, to: NaiveDate) -> Result<Window, crate::Error> {
        let start = resolve_local(zone, from.and_time(NaiveTime::MIN)).with_timezone(&Utc);
        let after = to.succ_opt().unwrap_or(to);
        let end = resolve_local(zone, after.and_time(NaiveTime::MIN)).with_timezone(&Utc);
        Window::new(start, end)
    }

    /// The calendar year `year` in `zone`.
    ///
    /// # Errors
    /// As [`Window::new`].
    pub fn year(zone: Tz, year: i32) -> Result<Window, crate::Error> {
        match (NaiveDate::from_ymd_opt(year, 1, 1), NaiveDate::from_ymd_opt(year, 12, 31)) {
            (Some(from), Some(to)) => Window::days(zone, from, to),
            _ => Err(crate::Error::YearOutOfRange { year }),
        }
    }

    /// The first instant in the window.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// The first instant after the window.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }

    /// Whether `instant` lies in `[start, end)`.
    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start <= instant && instant < self.end
    }
}

#[cfg(test)]
mod tests;
