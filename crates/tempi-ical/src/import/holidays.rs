//! Public holidays: the all-day events of a calendar as named date ranges (the pipeline in the
//! facade turns them into breaks).

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use tempi_core::chrono;

use super::instances::{Length, Start, instances};
use super::parse::Parser;
use super::{Warning, uid_of};
use crate::Error;

/// One all-day event: a public holiday, or a run of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Holiday {
    /// Its `SUMMARY` ("Neujahr"), unescaped; `holiday` when it has none.
    pub name: String,
    /// Its first date.
    pub first: NaiveDate,
    /// Its last date (inclusive: `DTEND;VALUE=DATE` is the day after).
    pub last: NaiveDate,
}

/// The holidays of a calendar over a range of dates, with what was skipped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Holidays {
    /// Every all-day occurrence that starts in the range, sorted by date, then name.
    pub holidays: Vec<Holiday>,
    /// What was skipped (timed events, which are not holidays) or guessed, with its line.
    pub warnings: Vec<Warning>,
}

/// Reads the all-day events (`DTSTART;VALUE=DATE`, recurring ones expanded) of `input` whose
/// first date is in `[from, to)`, each named by its `SUMMARY`. Timed events are skipped with a
/// warning, once per event. Transparent events count: holiday calendars mark them so.
///
/// # Errors
/// [`Error::Import`] when the input is not a calendar tempi can read (see [`super::instances`]).
pub fn holidays(input: &[u8], from: NaiveDate, to: NaiveDate) -> Result<Holidays, Error> {
    // SUMMARY and first line by UID, from the masters (an override keeps its master's name).
    let mut names: HashMap<String, (String, usize)> = HashMap::new();
    let mut warnings = Vec::new();
    let mut parser = Parser::new(input)?;
    while let Some(component) = parser.next_component(&mut warnings)? {
        if component.kind != "VEVENT" || component.get("RECURRENCE-ID").is_some() {
            continue;
        }
        let name =
            component.get("SUMMARY").map_or_else(|| "holiday".into(), |p| unescape(&p.value));
        names.entry(uid_of(&component).to_string()).or_insert((name, component.line));
    }
    let mut out = Vec::new();
    let mut timed: Vec<String> = Vec::new();
    let mut stream = instances(input, from, to)?;
    for instance in stream.by_ref() {
        let instance = instance?;
        let (name, line) =
            names.get(&*instance.uid).cloned().unwrap_or_else(|| ("holiday".into(), 0));
        match (instance.start, instance.length) {
            (Start::Date(first), Length::Days(days)) if days >= 1 => {
                let span = u64::try_from(days - 1).unwrap_or(0);
                let last = first.checked_add_days(Days::new(span)).unwrap_or(first);
                out.push(Holiday { name, first, last });
            }
            _ => {
                if !timed.contains(&name) {
                    warnings.push(Warning {
                        line,
                        message: format!(
                            "`{}` is not an all-day event, so it is not read as a holiday",
                            name.escape_debug()
                        ),
                    });
                    timed.push(name);
                }
            }
        }
    }
    warnings.extend(stream.warnings().iter().cloned());
    warnings.sort_by_key(|w| w.line);
    warnings.dedup();
    out.sort_by(|a, b| (a.first, &a.name, a.last).cmp(&(b.first, &b.name, b.last)));
    out.dedup();
    Ok(Holidays { holidays: out, warnings })
}

/// TEXT unescaped (RFC 5545 §3.3.11): `\\`, `\;`, `\,`, `\n` and `\N`.
fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n' | 'N') => out.push(' '),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out.trim().to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn all_day_events_become_named_dates_and_timed_ones_a_warning() {
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n\
            BEGIN:VEVENT\r\nUID:a\r\nDTSTART;VALUE=DATE:20271225\r\nDTEND;VALUE=DATE:20271227\r\nSUMMARY:Christmas\\, two days\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:b\r\nDTSTART;VALUE=DATE:20270101\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:New Year\r\nTRANSP:TRANSPARENT\r\nEND:VEVENT\r\n\
            BEGIN:VEVENT\r\nUID:c\r\nDTSTART:20270301T090000Z\r\nDURATION:PT1H\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\n\
            END:VCALENDAR\r\n";
        let read = holidays(ics.as_bytes(), date(2027, 1, 1), date(2029, 1, 1)).unwrap();
        let got: Vec<(&str, NaiveDate, NaiveDate)> =
            read.holidays.iter().map(|h| (h.name.as_str(), h.first, h.last)).collect();
        assert_eq!(
            got,
            [
                ("New Year", date(2027, 1, 1), date(2027, 1, 1)),
                ("Christmas, two days", date(2027, 12, 25), date(2027, 12, 26)),
                ("New Year", date(2028, 1, 1), date(2028, 1, 1)),
            ]
        );
        assert_eq!(read.warnings.len(), 1);
        assert!(read.warnings[0].message.contains("`Dentist` is not an all-day event"));
        // The timed event's BEGIN:VEVENT is the 16th line.
        assert_eq!(read.warnings[0].line, 16);
    }
}
