//! Text for the picture: XML escaping and a conservative estimate of how wide a label renders.

/// Escapes `text` for XML character data and attribute values, and drops the characters XML 1.0
/// does not allow at all (most C0 controls), so any name from a community file is safe to embed.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {}
            c => out.push(c),
        }
    }
    out
}

/// A generous width of one character, in ems. The metrics are DejaVu Sans's (the widest common
/// sans-serif, Debian's default) rounded up, so a label that fits by this estimate fits in
/// narrower faces such as Arial, Helvetica or Liberation Sans too.
fn char_width(c: char) -> f64 {
    match c {
        ' ' => 0.34,
        'i' | 'l' | 'j' | '!' | '|' | '.' | ',' | ':' | ';' | '\'' | '`' => 0.34,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' => 0.48,
        'm' | 'w' | 'M' | 'W' | '@' | '%' | '&' => 1.02,
        'A'..='Z' => 0.80,
        '0'..='9' => 0.66,
        'a'..='z' => 0.65,
        '…' | '—' => 1.02,
        c if c.is_ascii() => 0.72,
        // Accented Latin, Greek and Cyrillic letters are about as wide as their ASCII cousins.
        c if (c as u32) < 0x0530 => 0.82,
        // Everything else (CJK, emoji, symbols) may be full-width or wider.
        _ => 1.3,
    }
}

/// The estimated width of `text` in pixels at `size` pixels, never less than it renders.
pub(crate) fn width(text: &str, size: f64, bold: bool) -> f64 {
    let ems: f64 = text.chars().map(char_width).sum();
    ems * size * if bold { 1.1 } else { 1.0 }
}

/// `text` shortened with an ellipsis so its estimated width is at most `max` pixels.
pub(crate) fn fit(text: &str, size: f64, bold: bool, max: f64) -> String {
    if width(text, size, bold) <= max {
        return text.to_string();
    }
    let mut out = String::new();
    let budget = max - width("…", size, bold);
    let mut used = 0.0;
    for c in text.chars() {
        let w = width(c.encode_utf8(&mut [0; 4]), size, bold);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    let trimmed = out.trim_end();
    if trimmed.is_empty() && budget < 0.0 {
        return String::new();
    }
    format!("{trimmed}…")
}
