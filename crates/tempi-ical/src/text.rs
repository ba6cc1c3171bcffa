//! The RFC 5545 content-line writer: escaping (§3.3.11), parameter values (§3.2), folding at 75
//! octets on UTF-8 boundaries (§3.1) and CRLF line ends.
//!
//! Nothing a community file says can end a line early: TEXT values escape every line break,
//! parameter values lose DQUOTE and control characters, and other values (addresses, dates, rules)
//! are built by tempi itself from validated parts or rejected before they get here.

use std::fmt::Write as _;

/// The longest physical line, in octets, not counting CRLF (RFC 5545 §3.1).
pub(crate) const MAX_LINE_OCTETS: usize = 75;

/// An iCalendar document being written: content lines, folded, each ending in CRLF.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    out: String,
}

impl Writer {
    pub(crate) fn new() -> Writer {
        Writer { out: String::new() }
    }

    pub(crate) fn finish(self) -> String {
        self.out
    }

    /// Appends another writer's lines.
    pub(crate) fn append(&mut self, other: Writer) {
        self.out.push_str(&other.out);
    }

    /// Writes `NAME:value` where `value` is already in its RFC 5545 form (no escaping).
    pub(crate) fn raw(&mut self, name: &str, value: &str) {
        self.line(name, &[], value);
    }

    /// Writes `NAME:text` with TEXT escaping.
    pub(crate) fn text(&mut self, name: &str, text: &str) {
        self.line(name, &[], &escape_text(text));
    }

    /// Writes `NAME;P=v;…:value`; parameter values are sanitised and quoted as needed.
    pub(crate) fn line(&mut self, name: &str, params: &[(&str, &str)], value: &str) {
        let mut logical = String::with_capacity(name.len() + value.len() + 16);
        logical.push_str(name);
        for (param, param_value) in params {
            logical.push(';');
            logical.push_str(param);
            logical.push('=');
            push_param_value(&mut logical, param_value);
        }
        logical.push(':');
        // A value that reached here unescaped must still not break the line.
        if may_hold_control(value) {
            for ch in value.chars() {
                if ch.is_control() && ch != '\t' {
                    logical.push(' ');
                } else {
                    logical.push(ch);
                }
            }
        } else {
            logical.push_str(value);
        }
        fold_into(&mut self.out, &logical);
    }
}

/// Escapes a TEXT value (RFC 5545 §3.3.11): backslash, semicolon, comma, and every line break
/// (CRLF, LF or a bare CR) as `\n`. Other control characters, which TEXT does not allow, are
/// dropped.
pub(crate) fn escape_text(text: &str) -> String {
    if !may_hold_control(text) && !text.contains(['\\', ';', ',']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            '\n' => out.push_str("\\n"),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a parameter value: DQUOTE (which cannot appear in a parameter value, §3.2) becomes an
/// apostrophe, control characters become spaces, and the value is quoted when it contains `:`
/// `;` `,` or `\`, or starts or ends with a space. RFC 5545 has no escapes in parameter values,
/// but readers such as Python icalendar (7.3.2) take an unquoted `\;` as an escaped `;`, so a
/// name ending in a backslash would swallow the next parameter (`CN=a\;ROLE=CHAIR`), and they
/// trim unquoted values; inside quotes they keep both literal.
/// RFC 6868 `^'` escapes are not used: clients that do not know RFC 6868 would show them
/// literally.
fn push_param_value(out: &mut String, value: &str) {
    let clean: String = value
        .chars()
        .map(|c| match c {
            '"' => '\'',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    if clean.contains([':', ';', ',', '\\']) || clean.starts_with(' ') || clean.ends_with(' ') {
        out.push('"');
        out.push_str(&clean);
        out.push('"');
    } else {
        out.push_str(&clean);
    }
}

/// Whether `text` may hold a control character (C0, DEL or C1): a quick byte test, so that
/// most values skip the character-by-character paths. C1 controls are U+0080–U+009F, encoded
/// with a leading 0xC2, which some printable characters share (they take the slow path).
fn may_hold_control(text: &str) -> bool {
    text.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2)
}

/// Folds one logical line into physical lines of at most 75 octets, never inside a UTF-8
/// character, each ending in CRLF; continuation lines start with one space (counted).
fn fold_into(out: &mut String, logical: &str) {
    let mut rest = logical;
    let mut room = MAX_LINE_OCTETS;
    while rest.len() > room {
        // The longest prefix that fits and ends on a character boundary (a UTF-8 character is
        // at most 4 octets, so one exists for any room of 4 or more).
        let mut cut = room;
        while cut > 0 && !rest.is_char_boundary(cut) {
            cut -= 1;
        }
        let (line, tail) = rest.split_at(cut);
        out.push_str(line);
        out.push_str("\r\n ");
        rest = tail;
        room = MAX_LINE_OCTETS - 1;
    }
    out.push_str(rest);
    out.push_str("\r\n");
}

/// Formats a UTC offset as `+HHMM` (or `+HHMMSS` when it has seconds, as local mean times do).
pub(crate) fn format_offset(seconds: i32) -> String {
    let sign = if seconds < 0 { '-' } else { '+' };
    let total = seconds.unsigned_abs();
    let (hours, minutes, secs) = (total / 3600, (total / 60) % 60, total % 60);
    let mut text = String::new();
    let _ = write!(text, "{sign}{hours:02}{minutes:02}");
    if secs != 0 {
        let _ = write!(text, "{secs:02}");
    }
    text
}

#[cfg(test)]
mod tests;
