//! Rule expansion the way tempi-core does it: `rrule` as a wall-clock generator in a UTC carrier,
//! so it never sees a DST transition; the caller maps each wall time to its zone.
//!
//! The expansion itself is tempi-core's [`RecurrenceRule::wall_clock_starts`], used here to
//! re-expand every exported series (to prove it reproduces the plan) and to expand imported ones.

use std::str::FromStr;

use chrono::NaiveDateTime;
use chrono_tz::Tz;
use tempi_core::rule::{ExpandError, RecurrenceRule};
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
        let body = rule
            .to_string()
            .split(';')
            .filter(|part| !part.starts_with("COUNT=") && !part.starts_with("UNTIL="))
            .collect::<Vec<_>>()
            .join(";");
        Rule { body, rule: rule.clone() }
    }

    /// The value of one part, e.g. `part("FREQ")`.
    pub(crate) fn part(&self, name: &str) -> Option<&str> {
        self.body.split(';').find_map(|p| p.strip_prefix(name).and_then(|v| v.strip_prefix('=')))
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
        self.rule.wall_clock_starts(zone, dtstart, horizon, budget).map_err(|e| match e {
            ExpandError::Budget => format!("more than {budget} instances"),
            other => other.to_string(),
        })
    }
}
