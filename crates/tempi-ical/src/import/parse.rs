//! The content-line parser: unfolds logical lines lazily and hands out one top-level component
//! (a child of `VCALENDAR`, or a bare component) at a time, so a reader holds one component in
//! memory, not the whole calendar.

use std::borrow::Cow;

use super::{Warning, elide};
use crate::Error;

/// The most components nested in one another that the parser reads.
const MAX_DEPTH: usize = 16;

/// One property: name (upper case), raw parameters, value, line.
#[derive(Debug, Clone)]
pub(super) struct Property<'a> {
    pub(super) name: Cow<'a, str>,
    /// The text between the name's `;` and the value's `:` (empty without parameters); read
    /// on demand by [`Property::param`], since most properties' parameters are never asked for.
    params: Cow<'a, str>,
    pub(super) value: Cow<'a, str>,
    pub(super) line: usize,
}

impl Property<'_> {
    /// The value of parameter `name` (any case), without its quotes.
    pub(super) fn param(&self, name: &str) -> Option<&str> {
        params(&self.params)
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim_matches('"'))
    }
}

/// The `NAME=value` pairs of a raw parameter text, split on `;` outside quotes.
fn params(raw: &str) -> impl Iterator<Item = (&str, &str)> {
    let mut rest = if raw.is_empty() { None } else { Some(raw) };
    std::iter::from_fn(move || {
        let text = rest?;
        let mut in_quotes = false;
        let mut end = text.len();
        for (i, b) in text.bytes().enumerate() {
            match b {
                b'"' => in_quotes = !in_quotes,
                b';' if !in_quotes => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        let param = text.get(..end).unwrap_or_default();
        rest = text.get(end + 1..);
        Some(param.split_once('=').unwrap_or((param, "")))
    })
}

#[derive(Debug, Default)]
pub(super) struct Component<'a> {
    pub(super) kind: String,
    pub(super) line: usize,
    pub(super) properties: Vec<Property<'a>>,
    pub(super) children: Vec<Component<'a>>,
}

impl<'a> Component<'a> {
    pub(super) fn get(&self, name: &str) -> Option<&Property<'a>> {
        self.properties.iter().find(|p| p.name == name)
    }

    pub(super) fn all<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Property<'a>> + 's {
        self.properties.iter().filter(move |p| p.name == name)
    }
}

/// Splits a logical line into name, raw parameters and value (quotes respected).
pub(super) fn split_line(line: &str) -> Option<(&str, &str, &str)> {
    let bytes = line.as_bytes();
    let name_end = bytes.iter().position(|b| *b == b':' || *b == b';')?;
    let name = line.get(..name_end)?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return None;
    }
    if bytes.get(name_end) == Some(&b':') {
        return Some((name, "", line.get(name_end + 1..)?));
    }
    let mut in_quotes = false;
    let mut i = name_end + 1;
    while let Some(b) = bytes.get(i) {
        match b {
            b'"' => in_quotes = !in_quotes,
            b':' if !in_quotes => {
                return Some((name, line.get(name_end + 1..i)?, line.get(i + 1..)?));
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Refuses input that is not UTF-8 text at all: UTF-16 (with or without a byte-order mark),
/// which Windows tools write when "Unicode" is chosen, would otherwise read as "not iCalendar".
pub(super) fn check_encoding(input: &[u8]) -> Result<(), Error> {
    let utf16 = |order: &str| Error::Import {
        line: 1,
        message: format!(
            "the file is UTF-16 ({order}), not UTF-8 as iCalendar requires (RFC 5545 §3.1.4); save it as UTF-8, e.g. `iconv -f UTF-16 -t UTF-8`"
        ),
    };
    match input {
        [0xFF, 0xFE, ..] => Err(utf16("little-endian")),
        [0xFE, 0xFF, ..] => Err(utf16("big-endian")),
        // Without a mark: ASCII text in UTF-16 has a zero byte next to every letter.
        [a, 0, b, 0, ..] if *a != 0 && *b != 0 => Err(utf16("little-endian, no byte-order mark")),
        [0, a, 0, b, ..] if *a != 0 && *b != 0 => Err(utf16("big-endian, no byte-order mark")),
        _ => Ok(()),
    }
}

/// Logical lines, unfolded on demand: (first physical line number, bytes).
struct Lines<'a> {
    rest: Option<&'a [u8]>,
    /// The number of the next physical line.
    number: usize,
    /// A physical line read ahead (number, bytes).
    ahead: Option<(usize, &'a [u8])>,
}

impl<'a> Lines<'a> {
    fn physical(&mut self) -> Option<(usize, &'a [u8])> {
        if let Some(line) = self.ahead.take() {
            return Some(line);
        }
        let rest = self.rest?;
        let (raw, rest) = match rest.iter().position(|b| *b == b'\n') {
            Some(end) => (rest.get(..end).unwrap_or_default(), rest.get(end + 1..)),
            None => (rest, None),
        };
        self.rest = rest;
        self.number += 1;
        Some((self.number, raw.strip_suffix(b"\r").unwrap_or(raw)))
    }
}

impl<'a> Iterator for Lines<'a> {
    type Item = (usize, Cow<'a, [u8]>);

    fn next(&mut self) -> Option<(usize, Cow<'a, [u8]>)> {
        let (number, first) = loop {
            let (number, raw) = self.physical()?;
            match raw.first() {
                None => continue,
                // A continuation with nothing before it starts a line of its own.
                Some(b' ' | b'\t') => break (number, raw.get(1..).unwrap_or_default()),
                Some(_) => break (number, raw),
            }
        };
        let mut text = Cow::Borrowed(first);
        while let Some((next_number, raw)) = self.physical() {
            match raw.first() {
                None => {}
                Some(b' ' | b'\t') => {
                    text.to_mut().extend_from_slice(raw.get(1..).unwrap_or_default())
                }
                Some(_) => {
                    self.ahead = Some((next_number, raw));
                    break;
                }
            }
        }
        Some((number, text))
    }
}

/// Top-level components of a calendar, one at a time.
pub(super) struct Parser<'a> {
    lines: Lines<'a>,
    stack: Vec<Component<'a>>,
    saw_begin: bool,
    finished: bool,
}

impl<'a> Parser<'a> {
    /// A parser over `input`, after its UTF-8 byte-order mark.
    ///
    /// # Errors
    /// [`Error::Import`] when the input is UTF-16.
    pub(super) fn new(input: &'a [u8]) -> Result<Parser<'a>, Error> {
        check_encoding(input)?;
        let input = input.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(input);
        Ok(Parser {
            lines: Lines { rest: Some(input), number: 0, ahead: None },
            stack: Vec::new(),
            saw_begin: false,
            finished: false,
        })
    }

    /// The next top-level component, `None` at the end of a well-formed calendar.
    ///
    /// # Errors
    /// [`Error::Import`] when the input is not iCalendar, is nested too deep, or ends inside a
    /// component (it looks cut off).
    pub(super) fn next_component(
        &mut self,
        warnings: &mut Vec<Warning>,
    ) -> Result<Option<Component<'a>>, Error> {
        if self.finished {
            return Ok(None);
        }
        let mut warn = |line: usize, message: String| warnings.push(Warning { line, message });
        for (line, bytes) in self.lines.by_ref() {
            let text: Cow<'a, str> = match bytes {
                Cow::Borrowed(b) => match std::str::from_utf8(b) {
                    Ok(s) => Cow::Borrowed(s),
                    Err(_) => {
                        warn(line, "the line is not valid UTF-8; invalid bytes replaced".into());
                        Cow::Owned(String::from_utf8_lossy(b).into_owned())
                    }
                },
                Cow::Owned(b) => match String::from_utf8(b) {
                    Ok(s) => Cow::Owned(s),
                    Err(e) => {
                        warn(line, "the line is not valid UTF-8; invalid bytes replaced".into());
                        Cow::Owned(String::from_utf8_lossy(e.as_bytes()).into_owned())
                    }
                },
            };
            let Some((name, params, value)) = split_line(&text) else {
                if !self.saw_begin {
                    return Err(not_icalendar(line));
                }
                let shown: String = text.chars().take(40).collect();
                let inside = self.stack.last().map_or("the calendar".to_string(), |c| {
                    format!("{} (line {})", c.kind, c.line)
                });
                warn(line, format!("skipped a malformed line in {inside}: {shown:?}"));
                continue;
            };
            if name.eq_ignore_ascii_case("BEGIN") {
                self.saw_begin = true;
                if self.stack.len() > MAX_DEPTH {
                    return Err(Error::Import {
                        line,
                        message: format!(
                            "components are nested more than {MAX_DEPTH} deep, the most tempi reads; check for BEGIN lines without their END, or export the calendar again"
                        ),
                    });
                }
                self.stack.push(Component {
                    kind: value.trim().to_ascii_uppercase(),
                    line,
                    ..Component::default()
                });
                continue;
            }
            if name.eq_ignore_ascii_case("END") {
                let kind = value.trim().to_ascii_uppercase();
                let Some(position) = self.stack.iter().rposition(|c| c.kind == kind) else {
                    warn(line, format!("END:{} without a matching BEGIN; ignored", elide(&kind)));
                    continue;
                };
                // Components left open inside this one are malformed: drop them.
                while self.stack.len() > position + 1 {
                    if let Some(open) = self.stack.pop() {
                        warn(
                            open.line,
                            format!(
                                "skipped {} (line {}): it is never ended",
                                elide(&open.kind),
                                open.line
                            ),
                        );
                    }
                }
                let Some(done) = self.stack.pop() else { continue };
                // The calendar's children, and bare components (a VEVENT without VCALENDAR),
                // are handed out as soon as they end; a calendar itself is not.
                let depth = self.stack.len();
                match self.stack.last_mut() {
                    Some(parent) if depth == 1 && parent.kind == "VCALENDAR" => {
                        return Ok(Some(done));
                    }
                    Some(parent) => parent.children.push(done),
                    None if done.kind == "VCALENDAR" => {}
                    None => return Ok(Some(done)),
                }
                continue;
            }
            if !self.saw_begin {
                return Err(not_icalendar(line));
            }
            let Some(component) = self.stack.last_mut() else {
                warn(line, "a property outside any component; ignored".into());
                continue;
            };
            let name_upper = name.to_ascii_uppercase();
            let property = match &text {
                Cow::Borrowed(s) => {
                    let value_at = s.len() - value.len();
                    let params_at = name.len() + 1;
                    Property {
                        name: if name == name_upper {
                            Cow::Borrowed(s.get(..name.len()).unwrap_or_default())
                        } else {
                            Cow::Owned(name_upper)
                        },
                        params: Cow::Borrowed(
                            s.get(params_at..params_at + params.len()).unwrap_or_default(),
                        ),
                        value: Cow::Borrowed(s.get(value_at..).unwrap_or_default()),
                        line,
                    }
                }
                Cow::Owned(_) => Property {
                    name: Cow::Owned(name_upper),
                    params: Cow::Owned(params.to_string()),
                    value: Cow::Owned(value.to_string()),
                    line,
                },
            };
            component.properties.push(property);
        }
        self.finished = true;
        // A file that ends inside a component was cut off (an interrupted download or copy):
        // what it holds may be incomplete, so it is refused rather than half read.
        if let Some(open) = self.stack.last() {
            return Err(Error::Import {
                line: open.line,
                message: format!(
                    "the file ends inside {} begun at line {}: it looks cut off; export the calendar again",
                    elide(&open.kind),
                    open.line
                ),
            });
        }
        if !self.saw_begin {
            return Err(Error::Import {
                line: 1,
                message: "the file is empty; expected BEGIN:VCALENDAR".into(),
            });
        }
        Ok(None)
    }
}

fn not_icalendar(line: usize) -> Error {
    Error::Import {
        line,
        message: "this is not an iCalendar file: expected BEGIN:VCALENDAR".into(),
    }
}
