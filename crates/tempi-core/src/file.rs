//! Community files: TOML in, a validated [`Community`] out, every problem located `file:line:col`.
//!
//! The format is documented field by field in `docs/community-file.md`; the bundled sample is
//! `examples/community.toml`. Unknown fields are errors, so a typo never silently drops a setting.
//!
//! ```
//! # mod tempi { pub use tempi_core::*; }
//! let text = r#"
//! [community]
//! id = "tiny"
//! name = "Tiny"
//! zone = "Europe/Berln"
//! start = "2027-01-04"
//! "#;
//! let err = tempi::file::parse(text, "tiny.toml").unwrap_err();
//! let tempi::Error::File { errors, .. } = err else { panic!("{err}") };
//! assert_eq!(errors[0].to_string(),
//!     "tiny.toml:5:8: error: unknown time zone `Europe/Berln`; did you mean `Europe/Berlin`?");
//! ```

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use chrono::{NaiveDate, NaiveTime, Weekday};
use chrono_tz::Tz;
use serde::Deserialize;
use toml::{Spanned, Value};

use crate::cadence::Cadence;
use crate::error::Error;
use crate::model::{
    Attendance, Category, ClashPolicy, ClashScope, Commitment, Community, CommunityBuilder, Edge,
    Except, Group, Item, Member, Offset, Place, Presence, Problem, Renewal, Rhythm, Role, Scale,
    Timing, WeeklyWindow,
};
use crate::model::{Break, DateWindow, LocalHours, OnBreak};
use crate::time::{Length, parse_date, parse_time_of_day, parse_zone};

/// The largest community file tempi reads: 16 MiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// The longest line tempi reads in a community file: 64 KiB. No field needs more, and a longer
/// line is rejected before the TOML reader spends time on it.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// Values quoted in messages are cut to this many characters, so a huge value cannot flood them.
const MAX_QUOTED_CHARS: usize = 60;

/// A located error or warning in a community file.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnostic {
    /// The file's path, as given.
    pub path: String,
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters.
    pub col: usize,
    /// `error` or `warning`.
    pub severity: Severity,
    /// What is wrong and what would fix it.
    pub message: String,
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// The file cannot be used.
    Error,
    /// Worth a look; the file can be used.
    Warning,
}

impl Severity {
    /// `"error"` or `"warning"`, as messages and `tempi check --json` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = self.severity.as_str();
        write!(f, "{}:{}:{}: {severity}: {}", self.path, self.line, self.col, self.message)
    }
}

/// A community read from a file, with the file's warnings.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Loaded {
    /// The community.
    pub community: Community,
    /// Warnings, located in the file.
    pub warnings: Vec<Diagnostic>,
    /// Where each rhythm's `[[rhythms]]` table starts: rhythm id → (line, col). Lets errors
    /// found later (e.g. while planning) point into the file.
    pub rhythm_places: HashMap<String, (usize, usize)>,
}

impl Loaded {
    /// `path:line:col` of a rhythm's table, when the file has that rhythm.
    pub fn locate_rhythm(&self, path: &str, rhythm: &str) -> Option<String> {
        self.rhythm_places.get(rhythm).map(|(line, col)| format!("{path}:{line}:{col}"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    community: Spanned<RawCommunity>,
    #[serde(default)]
    members: Vec<Spanned<RawMember>>,
    #[serde(default)]
    groups: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    rhythms: Vec<Spanned<RawRhythm>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommunity {
    id: Spanned<String>,
    name: Spanned<String>,
    zone: Spanned<String>,
    start: Spanned<Value>,
    #[serde(default)]
    breaks: Vec<Spanned<RawBreak>>,
    holidays: Option<Spanned<Value>>,
    break_markers: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBreak {
    name: Spanned<String>,
    dates: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    id: Spanned<String>,
    name: Spanned<String>,
    zone: Spanned<String>,
    email: Option<Spanned<String>>,
    #[serde(default)]
    availability: Vec<Spanned<String>>,
    #[serde(default)]
    away: Vec<Spanned<String>>,
    #[serde(default)]
    extra: Vec<Spanned<String>>,
    prefer: Option<Spanned<String>>,
    #[serde(default)]
    avoid: Vec<Spanned<String>>,
    #[serde(default)]
    busy: Vec<Spanned<String>>,
    #[serde(default)]
    breaks: Vec<Spanned<RawBreak>>,
    holidays: Option<Spanned<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    name: Spanned<String>,
    scale: Spanned<String>,
    #[serde(default)]
    members: Vec<Spanned<String>>,
    part_of: Option<Spanned<String>>,
    #[serde(default)]
    breaks: Vec<Spanned<RawBreak>>,
    holidays: Option<Spanned<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRhythm {
    id: Spanned<String>,
    name: Spanned<String>,
    group: Spanned<String>,
    category: Spanned<String>,
    cadence: Option<Spanned<String>>,
    offset: Option<Spanned<RawOffset>>,
    at: Option<Spanned<Value>>,
    length: Option<Spanned<String>>,
    zone: Option<Spanned<String>>,
    start: Option<Spanned<Value>>,
    end: Option<Spanned<Value>>,
    commitment: Option<Spanned<RawCommitment>>,
    roles: Option<Vec<Spanned<Value>>>,
    presence: Option<Spanned<Value>>,
    priority: Option<Spanned<i64>>,
    intention: Option<Spanned<String>>,
    attendance: Option<Spanned<String>>,
    within: Option<Spanned<String>>,
    #[serde(default)]
    except: Vec<Spanned<Value>>,
    after: Option<Spanned<RawAfter>>,
    on_clash: Option<Spanned<String>>,
    on_break: Option<Spanned<String>>,
    /// Explicit dates instead of a cadence (one-off events).
    dates: Option<Spanned<Vec<Spanned<Value>>>>,
    mix: Option<Spanned<RawMix>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOffset {
    rhythm: Spanned<String>,
    from: Option<Spanned<String>>,
    days: Option<Spanned<i64>>,
    weekday: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCommitment {
    meetings: Spanned<i64>,
    retrospective: Option<Spanned<String>>,
    renewals: Option<Spanned<i64>>,
    until: Option<Spanned<Value>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMix {
    size: Spanned<i64>,
    across: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAfter {
    rhythm: Spanned<String>,
    nth: Option<Spanned<i64>>,
}

/// Maps byte offsets to lines and columns.
struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Lines<'a> {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Lines { text, starts }
    }

    fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts.get(line - 1).copied().unwrap_or(0);
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, col)
    }
}

struct Reader<'a> {
    path: &'a str,
    lines: Lines<'a>,
    errors: Vec<Diagnostic>,
    /// Warnings found while reading (the builder's come later, located through `spans`).
    warnings: Vec<Diagnostic>,
    spans: HashMap<(Item, &'static str, Option<usize>), Range<usize>>,
}

impl Reader<'_> {
    fn diagnostic(&self, span: &Range<usize>, severity: Severity, message: String) -> Diagnostic {
        let (line, col) = self.lines.locate(span.start);
        let message = shorten_quoted(message);
        Diagnostic { path: self.path.to_string(), line, col, severity, message }
    }

    fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let d = self.diagnostic(&span, Severity::Error, message.into());
        self.errors.push(d);
    }

    fn note(&mut self, item: Item, field: &'static str, index: Option<usize>, span: Range<usize>) {
        self.spans.insert((item, field, index), span);
    }

    fn zone(&mut self, value: &Spanned<String>) -> Tz {
        match parse_zone(value.get_ref()) {
            Ok(zone) if zone.name() != value.get_ref() => {
                // Spaces or another case were forgiven: say so, so the file can be corrected.
                let d = self.diagnostic(
                    &value.span(),
                    Severity::Warning,
                    format!(
                        "`{}` is read as the time zone `{}`; write it exactly so",
                        value.get_ref().escape_debug(),
                        zone.name()
                    ),
                );
                self.warnings.push(d);
                zone
            }
            Ok(zone) => zone,
            Err(e) => {
                self.error(value.span(), e.to_string());
                Tz::UTC
            }
        }
    }

    fn date(&mut self, value: &Spanned<Value>) -> Option<NaiveDate> {
        let result = match value.get_ref() {
            Value::String(s) => parse_date(s).map_err(|e| e.to_string()),
            Value::Datetime(dt) => match (dt.date, dt.time) {
                (Some(d), None) => {
                    NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                        .ok_or_else(|| format!("`{dt}` is not a valid date"))
                }
                _ => Err(format!("`{dt}` is not a date; write YYYY-MM-DD, e.g. \"2027-01-04\"")),
            },
            other => {
                Err(format!("expected a date such as \"2027-01-04\", found {}", other.type_str()))
            }
        };
        match result {
            Ok(date) if (1900..=2099).contains(&chrono::Datelike::year(&date)) => Some(date),
            Ok(date) => {
                self.error(
                    value.span(),
                    format!("{date} is outside 1900-2099, the years tempi can plan; use a date in those years"),
                );
                None
            }
            Err(message) => {
                self.error(value.span(), message);
                None
            }
        }
    }

    fn time(&mut self, value: &Spanned<Value>) -> Option<NaiveTime> {
        let result = match value.get_ref() {
            Value::String(s) => parse_time_of_day(s).map_err(|e| e.to_string()),
            Value::Datetime(dt) => match (dt.date, dt.time) {
                (None, Some(t)) => {
                    NaiveTime::from_hms_opt(u32::from(t.hour), u32::from(t.minute), 0)
                        .ok_or_else(|| format!("`{dt}` is not a valid time"))
                }
                _ => {
                    Err(format!("`{dt}` is not a time of day; write 24-hour HH:MM, e.g. \"19:00\""))
                }
            },
            other => Err(format!("expected a time such as \"19:00\", found {}", other.type_str())),
        };
        match result {
            Ok(time) => Some(time),
            Err(message) => {
                self.error(value.span(), message);
                None
            }
        }
    }

    fn parse<T, E: fmt::Display>(
        &mut self,
        value: &Spanned<String>,
        f: impl Fn(&str) -> Result<T, E>,
    ) -> Option<T> {
        match f(value.get_ref()) {
            Ok(v) => Some(v),
            Err(e) => {
                self.error(value.span(), e.to_string());
                None
            }
        }
    }
}

/// Parses an away entry: `"2027-03-01"` or `"2027-03-01..2027-03-14"` (inclusive).
fn parse_away(text: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let (from, to) = match text.split_once("..") {
        Some((from, to)) => (
            parse_date(from).map_err(|e| e.to_string())?,
            parse_date(to.trim_start_matches('=')).map_err(|e| e.to_string())?,
        ),
        None => {
            let day = parse_date(text).map_err(|e| e.to_string())?;
            (day, day)
        }
    };
    if to < from {
        return Err(format!(
            "the away dates `{text}` run backwards; write FIRST..LAST, e.g. \"2027-03-01..2027-03-14\""
        ));
    }
    Ok((from, to))
}

fn weekday_of(text: &str) -> Result<Weekday, String> {
    text.parse::<Weekday>()
        .map_err(|_| format!("`{text}` is not a weekday; use mon, tue, wed, thu, fri, sat or sun"))
}

/// Reads and validates a community file. `path` is used only in messages.
///
/// # Errors
/// [`Error::File`] with every problem found, located `path:line:col`: TOML syntax, unknown fields, wrong types, unknown
/// zones (with suggestions), unknown ids (with the close ids), invalid cadences (naming the part),
/// composition cycles (naming the rhythms), impossible commitments and quorums.
pub fn parse(text: &str, path: &str) -> Result<Loaded, Error> {
    let lines = Lines::new(text);
    let mut reader =
        Reader { path, lines, errors: Vec::new(), warnings: Vec::new(), spans: HashMap::new() };
    let Some(raw) = check_shape(&mut reader, text).and_then(|()| read_toml(&mut reader, text))
    else {
        return Err(Error::File { errors: reader.errors, warnings: Vec::new() });
    };
    let mut builder = read_community(&mut reader, raw.community);
    for (i, member) in raw.members.into_iter().enumerate() {
        builder.member(read_member(&mut reader, Item::Member(i), member));
    }
    for (i, group) in raw.groups.into_iter().enumerate() {
        builder.group(read_group(&mut reader, Item::Group(i), group));
    }
    for (i, rhythm) in raw.rhythms.into_iter().enumerate() {
        let item = Item::Rhythm(i);
        let rhythm_span = rhythm.span();
        reader.note(item, "", None, rhythm_span.clone());
        let r = rhythm.into_inner();
        let (id, group) = (r.id.get_ref().clone(), r.group.get_ref().clone());
        match read_rhythm(&mut reader, item, r, rhythm_span) {
            Some(out) => builder.rhythm(out),
            // Keep the rhythm's place and id, so later errors point at the right rhythm and
            // references to it are not reported as unknown. The file fails anyway.
            None => builder.rhythm(placeholder(id, group)),
        };
    }
    build_located(reader, &builder)
}

/// The file as a whole, before TOML: its size, a byte-order mark anywhere, and overlong lines.
/// `None` (with the error) when the file cannot be read further.
fn check_shape(reader: &mut Reader<'_>, text: &str) -> Option<()> {
    if text.len() > MAX_FILE_BYTES {
        reader.error(0..0, format!(
            "the file is {} bytes, more than the {MAX_FILE_BYTES}-byte limit for community files; split it",
            text.len()
        ));
        return None;
    }
    if text.starts_with('\u{feff}') {
        reader.error(
            0..0,
            "the file starts with a byte-order mark (BOM); save it as UTF-8 without BOM",
        );
        return None;
    }
    if let Some(at) = text.find('\u{feff}') {
        reader.error(
            at..at,
            "an invisible byte-order mark (U+FEFF) is here, in the middle of the file (often pasted in); delete it",
        );
        return None;
    }
    if let Some((start, line)) = text
        .split_inclusive('\n')
        .scan(0, |offset, line| {
            let start = *offset;
            *offset += line.len();
            Some((start, line))
        })
        .find(|(_, line)| line.len() > MAX_LINE_BYTES)
    {
        reader.error(
            start..start,
            format!(
                "this line is {} bytes, more than the {MAX_LINE_BYTES}-byte limit for one line; shorten it (long text can span lines in a TOML multi-line string \"\"\"…\"\"\")",
                line.trim_end_matches(['\r', '\n']).len()
            ),
        );
        return None;
    }
    Some(())
}

/// TOML syntax, unknown fields and wrong types, from the TOML reader, with what would fix them.
fn read_toml(reader: &mut Reader<'_>, text: &str) -> Option<RawFile> {
    match toml::from_str(text) {
        Ok(raw) => Some(raw),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            // serde names Rust types; a person writing TOML knows "whole number".
            let message = e
                .message()
                .trim()
                .replace('\n', " ")
                .replace("expected i64", "expected a whole number");
            let hint = toml_hint(&message);
            reader.error(span, format!("{message}{hint}"));
            None
        }
    }
}

/// `[community]`: id, name, zone, start, and its breaks and holidays.
fn read_community(reader: &mut Reader<'_>, community: Spanned<RawCommunity>) -> CommunityBuilder {
    let community_span = community.span();
    let c = community.into_inner();
    reader.note(Item::Community, "", None, community_span);
    reader.note(Item::Community, "id", None, c.id.span());
    reader.note(Item::Community, "name", None, c.name.span());
    let zone = reader.zone(&c.zone);
    let start = reader.date(&c.start).unwrap_or(NaiveDate::MIN);
    let mut builder = Community::builder(c.id.into_inner(), c.name.into_inner(), zone, start);
    let (breaks, holidays) = read_breaks(reader, Item::Community, &c.breaks, &c.holidays);
    for b in breaks {
        builder.community_break(b);
    }
    for path in holidays {
        builder.holidays_file(path);
    }
    builder.break_markers(c.break_markers.unwrap_or(false));
    builder
}

/// One `[[members]]` table: who, their zone and email, when they can meet (availability, away,
/// extra, prefer, avoid, busy calendars) and their breaks.
fn read_member(reader: &mut Reader<'_>, item: Item, member: Spanned<RawMember>) -> Member {
    reader.note(item, "", None, member.span());
    let m = member.into_inner();
    reader.note(item, "id", None, m.id.span());
    reader.note(item, "name", None, m.name.span());
    let zone = reader.zone(&m.zone);
    let mut out = Member::new(m.id.into_inner(), m.name.into_inner(), zone);
    if let Some(email) = m.email {
        reader.note(item, "email", None, email.span());
        out = out.email(email.into_inner());
    }
    for window in &m.availability {
        if let Some(windows) = reader.parse(window, WeeklyWindow::parse_many) {
            for w in windows {
                out = out.window(w);
            }
        }
    }
    for (j, away) in m.away.iter().enumerate() {
        reader.note(item, "away", Some(j), away.span());
        if let Some((from, to)) = reader.parse(away, parse_away) {
            out = out.away(from, to);
        }
    }
    for extra in &m.extra {
        if let Some(window) = reader.parse(extra, DateWindow::parse) {
            out = out.extra_window(window);
        }
    }
    if let Some(prefer) = &m.prefer
        && let Some(hours) = reader.parse(prefer, LocalHours::parse)
    {
        out = out.prefer_hours(hours);
    }
    for avoid in &m.avoid {
        if let Some(day) = reader.parse(avoid, |t| weekday_of(t.trim())) {
            out = out.avoid_day(day);
        }
    }
    for busy in m.busy {
        if busy.get_ref().trim().is_empty() {
            reader.error(busy.span(), "a `busy` entry is the path of an .ics file, relative to the community file; it is empty");
            continue;
        }
        out = out.busy_file(busy.into_inner());
    }
    let (breaks, holidays) = read_breaks(reader, item, &m.breaks, &m.holidays);
    for b in breaks {
        out = out.with_break(b);
    }
    for path in holidays {
        out = out.holidays_file(path);
    }
    out
}

/// One `[[groups]]` table: id, name, scale, members, `part_of`, breaks.
fn read_group(reader: &mut Reader<'_>, item: Item, group: Spanned<RawGroup>) -> Group {
    reader.note(item, "", None, group.span());
    let g = group.into_inner();
    reader.note(item, "id", None, g.id.span());
    reader.note(item, "name", None, g.name.span());
    reader.note(item, "scale", None, g.scale.span());
    let scale = reader.parse(&g.scale, |t| t.parse::<Scale>()).unwrap_or(Scale::Network);
    let mut out = Group::new(g.id.into_inner(), g.name.into_inner(), scale);
    for (j, member) in g.members.into_iter().enumerate() {
        reader.note(item, "members", Some(j), member.span());
        out = out.members([member.into_inner()]);
    }
    if let Some(parent) = g.part_of {
        reader.note(item, "part_of", None, parent.span());
        out = out.part_of(parent.into_inner());
    }
    let (breaks, holidays) = read_breaks(reader, item, &g.breaks, &g.holidays);
    for b in breaks {
        out = out.with_break(b);
    }
    for path in holidays {
        out = out.holidays_file(path);
    }
    out
}

impl Reader<'_> {
    /// A problem the builder found, located at the field it names (or its table).
    fn locate(&self, problem: &Problem, severity: Severity) -> Diagnostic {
        let Place { item, field, index } = problem.place;
        let span = self
            .spans
            .get(&(item, field, index))
            .or_else(|| self.spans.get(&(item, field, None)))
            .or_else(|| self.spans.get(&(item, "", None)))
            .cloned()
            .unwrap_or(0..0);
        self.diagnostic(&span, severity, problem.message.clone())
    }

    /// The builder's warnings, located, with the reader's own, in file order.
    fn all_warnings(&self, problems: &[Problem]) -> Vec<Diagnostic> {
        let mut warnings: Vec<Diagnostic> =
            problems.iter().map(|w| self.locate(w, Severity::Warning)).collect();
        warnings.extend(self.warnings.iter().cloned());
        sort(&mut warnings);
        warnings
    }
}

/// Builds (validates) the community and locates every problem in the file: the reader's errors
/// and the builder's, in file order.
fn build_located(mut reader: Reader<'_>, builder: &CommunityBuilder) -> Result<Loaded, Error> {
    let syntax_errors = std::mem::take(&mut reader.errors);
    match builder.build() {
        Ok((community, warnings)) if syntax_errors.is_empty() => {
            let warnings = reader.all_warnings(&warnings);
            let rhythm_places = community
                .rhythms()
                .iter()
                .enumerate()
                .filter_map(|(i, r)| {
                    let span = reader.spans.get(&(Item::Rhythm(i), "", None))?;
                    Some((r.id().to_string(), reader.lines.locate(span.start)))
                })
                .collect();
            Ok(Loaded { community, warnings, rhythm_places })
        }
        Ok((_, warnings)) => {
            let warnings = reader.all_warnings(&warnings);
            let mut errors = syntax_errors;
            sort(&mut errors);
            Err(Error::File { errors, warnings })
        }
        Err(Error::Invalid { errors: problems, warnings: problem_warnings }) => {
            let mut errors = syntax_errors;
            // A field that failed to parse also shows up as a problem downstream; keep the first.
            for p in &problems {
                let d = reader.locate(p, Severity::Error);
                if !errors.iter().any(|e| e.line == d.line && e.col == d.col) {
                    errors.push(d);
                }
            }
            sort(&mut errors);
            let warnings = reader.all_warnings(&problem_warnings);
            Err(Error::File { errors, warnings })
        }
        Err(other) => Err(other),
    }
}

/// Cuts every `quoted` value in `message` longer than [`MAX_QUOTED_CHARS`] characters to its start
/// and its length, keeping the rest of the message (what is wrong, what would fix it) whole.
fn shorten_quoted(message: String) -> String {
    let too_long =
        message.split('`').skip(1).step_by(2).any(|q| q.chars().count() > MAX_QUOTED_CHARS);
    if !too_long {
        return message;
    }
    let mut out = String::with_capacity(message.len().min(1024));
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        let n = part.chars().count();
        if i % 2 == 1 && n > MAX_QUOTED_CHARS {
            out.extend(part.chars().take(MAX_QUOTED_CHARS));
            out.push_str(&format!("… ({n} characters)"));
        } else {
            out.push_str(part);
        }
    }
    out
}

/// What would fix an error from the TOML reader, which says what is wrong but not what to do.
fn toml_hint(message: &str) -> &'static str {
    if message.contains("unknown field") {
        "; see docs/community-file.md for the fields each table takes"
    } else if message.starts_with("missing field") {
        "; add it (docs/community-file.md lists the fields each table needs)"
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        "; docs/community-file.md gives the type of each field"
    } else if message.contains("duplicate key") {
        "; a key may appear once in each table: remove or rename one"
    } else if message.starts_with("expected")
        || message.contains("invalid")
        || message.contains("unclosed")
    {
        "; this is TOML syntax: text needs double quotes (at = \"19:00\") and every table header its closing brackets"
    } else {
        ""
    }
}

fn sort(list: &mut [Diagnostic]) {
    list.sort_by(|a, b| (a.line, a.col, &a.message).cmp(&(b.line, b.col, &b.message)));
}

fn placeholder(id: String, group: String) -> Rhythm {
    Rhythm::new(
        id,
        String::new(),
        group,
        Category::Relational,
        Cadence::Rule(crate::rule::RecurrenceRule::new(crate::rule::Frequency::Daily)),
        NaiveTime::MIN,
        Length::MIN_LENGTH,
    )
    .roles(Vec::new())
}

/// One `[[rhythms]]` table. `None` when a part every rhythm needs could not be read (the errors
/// are in `reader`).
fn read_rhythm(
    reader: &mut Reader<'_>,
    item: Item,
    r: RawRhythm,
    rhythm_span: Range<usize>,
) -> Option<Rhythm> {
    let mut out = read_essentials(reader, item, &r, rhythm_span)?;
    if let Some(zone) = &r.zone {
        reader.note(item, "zone", None, zone.span());
        out = out.zone(reader.zone(zone));
    }
    if let Some(start) = &r.start {
        reader.note(item, "start", None, start.span());
        if let Some(date) = reader.date(start) {
            out = out.starting(date);
        }
    }
    if let Some(end) = &r.end {
        reader.note(item, "end", None, end.span());
        if let Some(date) = reader.date(end) {
            out = out.ending(date);
        }
    }
    if let Some(commitment) = &r.commitment {
        reader.note(item, "commitment", None, commitment.span());
        out = out.commitment(read_commitment(reader, commitment.get_ref()));
    }
    if let Some(roles) = &r.roles {
        out = out.roles(read_roles(reader, item, roles));
    }
    out = read_quorum_and_priority(reader, item, &r, out);
    if let Some(intention) = &r.intention {
        reader.note(item, "intention", None, intention.span());
        out = out.intention(intention.get_ref().clone());
    }
    out = read_composition(reader, item, &r, out);
    out = read_policies(reader, &r, out);
    if let Some(mix) = &r.mix {
        out = read_mix(reader, item, mix, out);
    }
    Some(out)
}

/// The parts every rhythm has: id, name, group, category, timing (cadence, offset or dates),
/// time of day (or all-day, or `auto`) and length.
fn read_essentials(
    reader: &mut Reader<'_>,
    item: Item,
    r: &RawRhythm,
    rhythm_span: Range<usize>,
) -> Option<Rhythm> {
    for (field, span) in [
        ("id", r.id.span()),
        ("name", r.name.span()),
        ("group", r.group.span()),
        ("category", r.category.span()),
    ] {
        reader.note(item, field, None, span);
    }
    let category = reader.parse(&r.category, |t| t.parse::<Category>());
    let timing = match (&r.cadence, &r.offset, &r.dates) {
        (_, _, Some(dates)) => read_dates(reader, item, r, dates),
        (cadence, offset, None) => {
            read_timing(reader, item, r, cadence, offset, rhythm_span.clone())
        }
    };
    let all_day = r.at.is_none();
    let auto = r.at.as_ref().is_some_and(
        |at| matches!(at.get_ref(), Value::String(s) if s.trim().eq_ignore_ascii_case("auto")),
    );
    if let Some(at) = &r.at {
        reader.note(item, "at", None, at.span());
    }
    let at = match &r.at {
        _ if auto => Some(NaiveTime::MIN),
        Some(at) => reader.time(at),
        None => Some(NaiveTime::MIN),
    };
    let length = read_length(reader, item, r, all_day, &rhythm_span);
    let (Some(category), Some(timing), Some(at), Some(length)) = (category, timing, at, length)
    else {
        return None;
    };
    let mut out = Rhythm::new(
        r.id.get_ref().clone(),
        r.name.get_ref().clone(),
        r.group.get_ref().clone(),
        category,
        timing,
        at,
        length,
    );
    if all_day {
        out = out.all_day();
    }
    if auto {
        out = out.auto();
    }
    Some(out)
}

/// `commitment = { meetings, retrospective, renewals | until }`.
fn read_commitment(reader: &mut Reader<'_>, c: &RawCommitment) -> Commitment {
    let meetings = match u32::try_from(*c.meetings.get_ref()) {
        Ok(n) => n,
        Err(_) => {
            reader.error(
                c.meetings.span(),
                format!(
                    "`meetings = {}`: a commitment needs 1 or more meetings before its retrospective",
                    c.meetings.get_ref()
                ),
            );
            1
        }
    };
    let retrospective =
        c.retrospective.as_ref().and_then(|l| reader.parse(l, |t| t.parse::<Length>()));
    let renewal = match (&c.renewals, &c.until) {
        (Some(_), Some(until)) => {
            reader.error(until.span(), "a commitment renews either a number of `renewals` times or `until` a date, not both; keep one");
            Renewal::Ongoing
        }
        (Some(times), None) => match u32::try_from(*times.get_ref()) {
            Ok(times) => Renewal::Times(times),
            Err(_) => {
                reader.error(
                    times.span(),
                    format!("`renewals = {}` must be 0 or more", times.get_ref()),
                );
                Renewal::Ongoing
            }
        },
        (None, Some(until)) => reader.date(until).map_or(Renewal::Ongoing, Renewal::Until),
        (None, None) => Renewal::Ongoing,
    };
    Commitment { meetings, retrospective, renewal }
}

/// `roles = ["facilitator", { role = "host", member = "ana" }]`: rotating and fixed duties.
fn read_roles(reader: &mut Reader<'_>, item: Item, roles: &[Spanned<Value>]) -> Vec<Role> {
    let mut list = Vec::new();
    for (j, role) in roles.iter().enumerate() {
        reader.note(item, "roles", Some(j), role.span());
        match role.get_ref() {
            Value::String(name) => list.push(Role::rotating(name.clone())),
            Value::Table(table) => {
                let name = table.get("role").and_then(Value::as_str);
                let member = table.get("member").and_then(Value::as_str);
                let unknown = table.keys().find(|k| *k != "role" && *k != "member");
                match (name, member, unknown) {
                    (_, _, Some(key)) => reader.error(
                        role.span(),
                        format!("unknown field `{key}` in a role; a role is \"facilitator\" (rotating) or {{ role = \"host\", member = \"ana\" }}"),
                    ),
                    (Some(name), Some(member), None) => list.push(Role::fixed(name, member)),
                    (Some(name), None, None) => list.push(Role::rotating(name)),
                    _ => reader.error(
                        role.span(),
                        "a role is \"facilitator\" (rotating) or { role = \"host\", member = \"ana\" } (fixed)",
                    ),
                }
            }
            other => reader.error(
                role.span(),
                format!(
                    "expected a role name or {{ role = \"…\", member = \"…\" }}, found {}",
                    other.type_str()
                ),
            ),
        }
    }
    list
}

/// `presence` (the quorum: a count or a percentage) and `priority` (-1000 to 1000).
fn read_quorum_and_priority(
    reader: &mut Reader<'_>,
    item: Item,
    r: &RawRhythm,
    mut out: Rhythm,
) -> Rhythm {
    if let Some(presence) = &r.presence {
        reader.note(item, "presence", None, presence.span());
        let parsed = match presence.get_ref() {
            Value::Integer(n) => u32::try_from(*n).ok().map(Presence::Count),
            Value::String(s) => match s.trim().strip_suffix('%') {
                Some(p) => p.trim().parse::<u8>().ok().map(Presence::Percent),
                None => s.trim().parse::<u32>().ok().map(Presence::Count),
            },
            _ => None,
        };
        match parsed {
            Some(p) => out = out.presence(p),
            None => reader.error(
                presence.span(),
                "`presence` is a number of attendees (e.g. 3) or a share (e.g. \"60%\")",
            ),
        }
    }
    if let Some(priority) = &r.priority {
        reader.note(item, "priority", None, priority.span());
        match i32::try_from(*priority.get_ref()) {
            Ok(p) if (-1000..=1000).contains(&p) => out = out.priority(p),
            _ => reader.error(priority.span(), "`priority` must be between -1000 and 1000"),
        }
    }
    out
}

/// Composition with other rhythms: `within`, `except` and `after`.
fn read_composition(reader: &mut Reader<'_>, item: Item, r: &RawRhythm, mut out: Rhythm) -> Rhythm {
    if let Some(within) = &r.within {
        reader.note(item, "within", None, within.span());
        out = out.within(within.get_ref().clone());
    }
    for (j, except) in r.except.iter().enumerate() {
        reader.note(item, "except", Some(j), except.span());
        match read_except(except.get_ref()) {
            Ok(e) => out = out.except(e.rhythm, e.scope),
            Err(message) => reader.error(except.span(), message),
        }
    }
    if let Some(after) = &r.after {
        reader.note(item, "after", None, after.span());
        let a = after.get_ref();
        let nth = match a.nth.as_ref().map(|n| (n, u32::try_from(*n.get_ref()))) {
            None => 1,
            Some((_, Ok(n))) => n,
            Some((n, Err(_))) => {
                reader.error(
                    n.span(),
                    format!(
                        "`nth = {}` must be between 1 and 1000 (1 = the first occurrence after)",
                        n.get_ref()
                    ),
                );
                1
            }
        };
        out = out.nth_after(a.rhythm.get_ref().clone(), nth);
    }
    out
}

/// Who attends (`attendance`) and what a clash or a break does (`on_clash`, `on_break`).
fn read_policies(reader: &mut Reader<'_>, r: &RawRhythm, mut out: Rhythm) -> Rhythm {
    if let Some(attendance) = &r.attendance {
        match attendance.get_ref().as_str() {
            "with-subgroups" => out = out.attendance(Attendance::WithSubgroups),
            "direct" => out = out.attendance(Attendance::Direct),
            other => reader.error(
                attendance.span(),
                format!("`{other}` is not an attendance; use \"with-subgroups\" (the default) or \"direct\""),
            ),
        }
    }
    if let Some(policy) = &r.on_clash {
        match policy.get_ref().as_str() {
            "skip" => out = out.on_clash(ClashPolicy::Skip),
            "shift" => out = out.on_clash(ClashPolicy::Shift),
            other => reader.error(
                policy.span(),
                format!("`{other}` is not a clash policy; use \"skip\" (the default) or \"shift\""),
            ),
        }
    }
    if let Some(policy) = &r.on_break {
        match policy.get_ref().as_str() {
            "cancel" => out = out.on_break(OnBreak::Cancel),
            "shift" => out = out.on_break(OnBreak::Shift),
            other => reader.error(
                policy.span(),
                format!(
                    "`{other}` is not a break policy; use \"cancel\" (the default) or \"shift\""
                ),
            ),
        }
    }
    out
}

/// Reads `breaks = [{ name = "…", dates = "FIRST..LAST" }]` and `holidays = "…"` (or a list).
fn read_breaks(
    reader: &mut Reader<'_>,
    item: Item,
    breaks: &[Spanned<RawBreak>],
    holidays: &Option<Spanned<Value>>,
) -> (Vec<Break>, Vec<String>) {
    let mut out = Vec::new();
    for (j, b) in breaks.iter().enumerate() {
        reader.note(item, "breaks", Some(j), b.span());
        let raw = b.get_ref();
        let dates = reader.parse(&raw.dates, |text| {
            parse_away(text).map_err(|e| {
                e.replace("the away dates", "the break's dates")
                    .replace("\"2027-03-01..2027-03-14\"", "\"2027-12-20..2028-01-03\"")
            })
        });
        if let Some((from, to)) = dates {
            out.push(Break::new(raw.name.get_ref().clone(), from, to));
        }
    }
    let mut paths = Vec::new();
    if let Some(value) = holidays {
        reader.note(item, "holidays", None, value.span());
        let usage = "`holidays` is the path of an .ics calendar of public holidays, relative to the community file (e.g. \"holidays/de.ics\"), or a list of them";
        let entries: Vec<&Value> = match value.get_ref() {
            Value::Array(list) => list.iter().collect(),
            one => vec![one],
        };
        for entry in entries {
            match entry.as_str() {
                Some(path) if !path.trim().is_empty() => paths.push(path.to_string()),
                _ => reader.error(value.span(), usage),
            }
        }
    }
    (out, paths)
}

/// A timed rhythm needs a `length`; an all-day one (no `at`) lasts one day unless it says more.
fn read_length(
    reader: &mut Reader<'_>,
    item: Item,
    r: &RawRhythm,
    all_day: bool,
    rhythm_span: &Range<usize>,
) -> Option<Length> {
    match &r.length {
        Some(length) => {
            reader.note(item, "length", None, length.span());
            reader.parse(length, |t| t.parse::<Length>())
        }
        None if all_day => Length::try_minutes(24 * 60).ok(),
        None => {
            reader.error(
                rhythm_span.clone(),
                format!(
                    "rhythm `{}` has an `at` but no `length`; add one, e.g. length = \"90m\" (an all-day rhythm has no `at`)",
                    r.id.get_ref()
                ),
            );
            None
        }
    }
}

/// `dates = ["2027-06-12", ...]`: explicit dates instead of a cadence. A date listed twice is a
/// warning; the order does not matter.
fn read_dates(
    reader: &mut Reader<'_>,
    item: Item,
    r: &RawRhythm,
    dates: &Spanned<Vec<Spanned<Value>>>,
) -> Option<Timing> {
    reader.note(item, "dates", None, dates.span());
    if let Some(other) =
        r.cadence.as_ref().map(Spanned::span).or(r.offset.as_ref().map(Spanned::span))
    {
        reader.error(
            other,
            "a rhythm has either explicit `dates`, a `cadence` or an `offset` from another rhythm, only one; remove the others",
        );
        return None;
    }
    let mut list = Vec::with_capacity(dates.get_ref().len());
    let mut seen: HashMap<NaiveDate, usize> = HashMap::new();
    let mut ok = true;
    for (j, value) in dates.get_ref().iter().enumerate() {
        reader.note(item, "dates", Some(j), value.span());
        let Some(date) = reader.date(value) else {
            ok = false;
            continue;
        };
        if let Some(first) = seen.insert(date, j) {
            let d = reader.diagnostic(
                &value.span(),
                Severity::Warning,
                format!("{date} is listed twice in `dates` (entries {} and {}); it is planned once, remove one", first + 1, j + 1),
            );
            reader.warnings.push(d);
        }
        list.push(date);
    }
    if ok && list.is_empty() {
        reader.error(
            dates.span(),
            format!(
                "rhythm `{}` has an empty `dates` list; list at least one date, e.g. dates = [\"2027-06-12\"]",
                r.id.get_ref()
            ),
        );
        return None;
    }
    ok.then(|| Timing::Cadence(Cadence::dates(list)))
}

fn read_timing(
    reader: &mut Reader<'_>,
    item: Item,
    r: &RawRhythm,
    cadence: &Option<Spanned<String>>,
    offset: &Option<Spanned<RawOffset>>,
    rhythm_span: Range<usize>,
) -> Option<Timing> {
    match (cadence, offset) {
        (Some(cadence), None) => {
            reader.note(item, "cadence", None, cadence.span());
            reader.parse(cadence, |t| t.parse::<Cadence>()).map(Timing::Cadence)
        }
        (None, Some(offset)) => {
            reader.note(item, "offset", None, offset.span());
            read_offset(reader, offset.get_ref()).map(Timing::Offset)
        }
        (Some(cadence), Some(_)) => {
            reader.error(
                cadence.span(),
                "a rhythm has either a `cadence` or an `offset` from another rhythm, not both; remove one",
            );
            None
        }
        (None, None) => {
            reader.error(
                rhythm_span,
                format!(
                    "rhythm `{}` has no `cadence` (e.g. cadence = \"weekly on tue\") and no `offset` from another rhythm; add one",
                    r.id.get_ref()
                ),
            );
            None
        }
    }
}

/// `mix = { size = 4, across = "pods" }`.
fn read_mix(reader: &mut Reader<'_>, item: Item, mix: &Spanned<RawMix>, out: Rhythm) -> Rhythm {
    reader.note(item, "mix", None, mix.span());
    let m = mix.get_ref();
    let size = match u32::try_from(*m.size.get_ref()) {
        Ok(size) if size >= 2 => size,
        _ => {
            reader.error(
                m.size.span(),
                format!(
                    "`size = {}`: a mixer needs 2 or more people; use e.g. `mix = {{ size = 4, across = \"pods\" }}`",
                    m.size.get_ref()
                ),
            );
            return out;
        }
    };
    let mut terms = crate::model::Mix::new(size);
    if let Some(across) = &m.across {
        match crate::model::Mix::parse_across(across.get_ref()) {
            Ok(scale) => terms = terms.across(scale),
            Err(e) => {
                reader.error(across.span(), e.to_string());
                return out;
            }
        }
    }
    out.mixers(terms)
}

fn read_offset(reader: &mut Reader<'_>, o: &RawOffset) -> Option<Offset> {
    let from = match o.from.as_ref().map(|f| (f, f.get_ref().as_str())) {
        None | Some((_, "start")) => Edge::Start,
        Some((_, "end")) => Edge::End,
        Some((f, other)) => {
            reader.error(f.span(), format!("`from = \"{other}\"`: use \"start\" or \"end\""));
            return None;
        }
    };
    let days = match &o.days {
        Some(days) => match i32::try_from(*days.get_ref()) {
            Ok(d) => d,
            Err(_) => {
                reader.error(days.span(), "`days` is out of range; use -366 to 366");
                return None;
            }
        },
        None => 0,
    };
    let weekday = match &o.weekday {
        Some(w) => Some(reader.parse(w, weekday_of)?),
        None => None,
    };
    Some(Offset { rhythm: o.rhythm.get_ref().clone(), from, days, weekday })
}

fn read_except(value: &Value) -> Result<Except, String> {
    let usage = "an `except` entry is a rhythm id (\"retreat\") or { rhythm = \"retreat\", scope = \"week\" } with scope span, day or week";
    match value {
        Value::String(rhythm) => Ok(Except { rhythm: rhythm.clone(), scope: ClashScope::Span }),
        Value::Table(table) => {
            if let Some(key) = table.keys().find(|k| *k != "rhythm" && *k != "scope") {
                return Err(format!("unknown field `{key}`; {usage}"));
            }
            let rhythm =
                table.get("rhythm").and_then(Value::as_str).ok_or_else(|| usage.to_string())?;
            let scope = match table.get("scope").map(|s| s.as_str()) {
                None | Some(Some("span")) => ClashScope::Span,
                Some(Some("day")) => ClashScope::Day,
                Some(Some("week")) => ClashScope::Week,
                _ => return Err(format!("`scope` must be \"span\", \"day\" or \"week\"; {usage}")),
            };
            Ok(Except { rhythm: rhythm.to_string(), scope })
        }
        _ => Err(usage.to_string()),
    }
}
