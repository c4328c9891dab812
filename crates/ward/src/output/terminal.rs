//! Escaping feed text before it reaches a terminal.
//!
//! Advisory summaries, package names and URLs come from feeds and mirrors that ward does not
//! control. Printed raw, an escape sequence in them could recolour the output, set the
//! window title or move the cursor, and a carriage return or a bidirectional override could
//! make a line read as something else.

use std::borrow::Cow;

/// Returns `text` with every control character (C0, DEL, C1) and bidirectional formatting
/// character written as a visible `\u{…}` escape. Line feeds and tabs stay when
/// `keep_line_breaks` is set, for text whose lines ward laid out itself.
pub fn escape_controls(text: &str, keep_line_breaks: bool) -> Cow<'_, str> {
    let unsafe_char = |c: char| {
        let layout = c == '\n' || c == '\t';
        (c.is_control() && !(keep_line_breaks && layout)) || is_bidi_control(c)
    };
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if unsafe_char(c) {
            escaped.extend(c.escape_unicode());
        } else {
            escaped.push(c);
        }
    }
    Cow::Owned(escaped)
}

/// Returns whether `c` changes the direction of the text around it (Unicode's explicit
/// directional marks, embeddings, overrides and isolates).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            escape_controls("openssl 3.0.15-1~deb12u1 · é", false),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn controls_are_escaped() {
        let cases = [
            ("a\u{1b}[31mred", false, "a\\u{1b}[31mred"),
            ("title\u{7}", false, "title\\u{7}"),
            ("over\rwrite", false, "over\\u{d}write"),
            ("c1 \u{9b}2J", false, "c1 \\u{9b}2J"),
            ("evil\u{202e}txt.exe", false, "evil\\u{202e}txt.exe"),
            ("two\nlines\tand tab", false, "two\\u{a}lines\\u{9}and tab"),
            ("two\nlines\tand tab", true, "two\nlines\tand tab"),
        ];
        for (text, keep, expected) in cases {
            assert_eq!(escape_controls(text, keep), expected, "{text:?}");
        }
    }
}
