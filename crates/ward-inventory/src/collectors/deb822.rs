//! Paragraphs of the control-file format that dpkg and opkg status databases use
//! (`deb822(5)`): `Name: value` fields, continuation lines that start with a space or tab,
//! and blank lines between paragraphs.
//!
//! Values are borrowed from the input and only the first line of each field is kept,
//! because the status fields the collectors read (`Package`, `Version`, `Status`, `Source`,
//! `Architecture`) are single-line; continuation lines are checked for placement only.

/// One field: its name, the value on the field's own line, and that line's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field<'a> {
    /// Field name as written (names compare case-insensitively).
    pub name: &'a str,
    /// Value on the field's first line, trimmed.
    pub value: &'a str,
    /// 1-based line number of the field.
    pub line: u64,
}

/// One paragraph (a stanza of a status file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph<'a> {
    /// 1-based line number of the first field.
    pub start_line: u64,
    /// Fields in file order.
    pub fields: Vec<Field<'a>>,
}

impl<'a> Paragraph<'a> {
    /// Returns the value of the first field named `name` (ASCII case-insensitive).
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
            .map(|field| field.value)
    }

    /// Returns the first field named `name` (ASCII case-insensitive).
    pub fn field(&self, name: &str) -> Option<&Field<'a>> {
        self.fields
            .iter()
            .find(|field| field.name.eq_ignore_ascii_case(name))
    }
}

/// A paragraph that could not be parsed: where it starts and the first bad line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedParagraph {
    /// 1-based line number where the paragraph starts.
    pub start_line: u64,
    /// 1-based line number of the first bad line.
    pub line: u64,
    /// What is wrong with that line.
    pub message: String,
}

/// Iterates over the paragraphs of `text`.
///
/// A paragraph with a bad line (no `:`, an empty field name, a continuation line before any
/// field) is returned as a [`MalformedParagraph`] and parsing resumes after the next blank
/// line. Trailing `\r` (CRLF files) is ignored.
pub fn paragraphs(text: &str) -> Paragraphs<'_> {
    Paragraphs {
        lines: text.lines(),
        line_number: 0,
    }
}

/// Iterator returned by [`paragraphs`].
pub struct Paragraphs<'a> {
    lines: std::str::Lines<'a>,
    line_number: u64,
}

impl<'a> Iterator for Paragraphs<'a> {
    type Item = Result<Paragraph<'a>, MalformedParagraph>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut paragraph: Option<Paragraph<'a>> = None;
        let mut error: Option<MalformedParagraph> = None;

        for raw_line in self.lines.by_ref() {
            self.line_number += 1;
            let line_number = self.line_number;
            let line = raw_line.strip_suffix('\r').unwrap_or(raw_line);

            if line.trim().is_empty() {
                if paragraph.is_some() || error.is_some() {
                    break;
                }
                continue;
            }

            let start_line = paragraph
                .as_ref()
                .map_or(line_number, |paragraph| paragraph.start_line);
            let current = paragraph.get_or_insert_with(|| Paragraph {
                start_line,
                fields: Vec::with_capacity(16),
            });
            if error.is_some() {
                continue;
            }

            if line.starts_with([' ', '\t']) {
                if current.fields.is_empty() {
                    error = Some(MalformedParagraph {
                        start_line,
                        line: line_number,
                        message: "continuation line before any field".to_owned(),
                    });
                }
                continue;
            }

            match line.split_once(':') {
                Some((name, value)) if !name.is_empty() && !name.contains(char::is_whitespace) => {
                    current.fields.push(Field {
                        name,
                        value: value.trim(),
                        line: line_number,
                    });
                }
                _ => {
                    error = Some(MalformedParagraph {
                        start_line,
                        line: line_number,
                        message: format!("expected `Field: value`, found `{}`", shorten(line)),
                    });
                }
            }
        }

        match (paragraph, error) {
            (_, Some(error)) => Some(Err(error)),
            (Some(paragraph), None) => Some(Ok(paragraph)),
            (None, None) => None,
        }
    }
}

/// Shortens a line quoted in a message to at most 60 characters.
fn shorten(line: &str) -> String {
    const MAX_CHARS: usize = 60;
    if line.chars().count() <= MAX_CHARS {
        return line.to_owned();
    }
    let mut short: String = line.chars().take(MAX_CHARS).collect();
    short.push('…');
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines() {
        let text = "\n\nPackage: a\nVersion: 1\nDescription: x\n more\n .\n\n\n\nPackage: b\r\nVersion: 2\r\n";
        let parsed: Vec<_> = paragraphs(text).collect();
        assert_eq!(parsed.len(), 2);

        let first = parsed[0].as_ref().expect("first paragraph parses");
        assert_eq!(first.start_line, 3);
        assert_eq!(first.get("package"), Some("a"));
        assert_eq!(first.get("Description"), Some("x"));
        assert_eq!(first.fields.len(), 3);

        let second = parsed[1].as_ref().expect("second paragraph parses");
        assert_eq!(second.start_line, 11);
        assert_eq!(second.get("Version"), Some("2"), "CR is stripped");
    }

    #[test]
    fn malformed_paragraph_is_skipped_to_next_blank_line() {
        let text = "Package: a\nthis line has no colon\nVersion: 1\n\nPackage: b\nVersion: 2\n";
        let parsed: Vec<_> = paragraphs(text).collect();
        assert_eq!(parsed.len(), 2);

        let error = parsed[0]
            .as_ref()
            .expect_err("first paragraph is malformed");
        assert_eq!(error.start_line, 1);
        assert_eq!(error.line, 2);
        assert!(
            error.message.contains("this line has no colon"),
            "{}",
            error.message
        );

        let second = parsed[1].as_ref().expect("second paragraph parses");
        assert_eq!(second.get("Package"), Some("b"));
    }

    #[test]
    fn continuation_before_field_is_malformed() {
        let parsed: Vec<_> = paragraphs(" leading continuation\nPackage: a\n").collect();
        assert_eq!(parsed.len(), 1);
        let error = parsed[0].as_ref().expect_err("malformed");
        assert_eq!(error.line, 1);
    }

    #[test]
    fn empty_value_is_kept() {
        let parsed: Vec<_> = paragraphs("Package: a\nConffiles:\n /etc/x abc\n").collect();
        let paragraph = parsed[0].as_ref().expect("parses");
        assert_eq!(paragraph.get("Conffiles"), Some(""));
    }
}
