//! FIRST EPSS daily scores, CSV (<https://www.first.org/epss/data_stats>).
//!
//! The daily file may start with a comment line
//! `#model_version:v2025.03.14,score_date:2025-09-03T12:55:00Z` (older files write the
//! offset as `+0000`), then the header `cve,epss,percentile`. Copies without the comment
//! line exist and are accepted; their date and model version are then unknown.

use std::io::BufRead;

use chrono::{DateTime, Utc};

use super::osv::RecordProblem;

/// Maximum number of bad rows listed one by one; later ones are only counted.
const MAX_LISTED_PROBLEMS: usize = 20;

/// A parsed EPSS file.
#[derive(Debug, Clone, Default)]
pub struct EpssFile {
    /// `model_version` from the comment line.
    pub model_version: Option<String>,
    /// `score_date` from the comment line.
    pub score_date: Option<DateTime<Utc>>,
    /// `(cve, epss, percentile)` rows that parsed.
    pub scores: Vec<(String, f64, f64)>,
    /// Rows that did not (at most [`MAX_LISTED_PROBLEMS`]).
    pub problems: Vec<RecordProblem>,
    /// Number of rows that did not parse, listed or not.
    pub problem_count: usize,
}

/// Returns whether text starts like an EPSS CSV: the comment line or the header.
pub fn looks_like_epss(start: &[u8]) -> bool {
    let start = start.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(start);
    start.starts_with(b"#model_version") || start.starts_with(b"cve,epss")
}

/// Parses an EPSS CSV; rows with a bad CVE id or a value outside 0..=1 are problems.
///
/// Returns `Err` when the text has no `cve,epss,percentile` header or cannot be read.
pub fn parse(mut reader: impl BufRead) -> Result<EpssFile, String> {
    let mut file = EpssFile::default();

    let mut first = String::new();
    reader
        .read_line(&mut first)
        .map_err(|error| error.to_string())?;
    let mut header = first.trim_start_matches('\u{feff}').trim_end().to_owned();
    if let Some(comment) = header.strip_prefix('#') {
        parse_comment(comment, &mut file);
        header.clear();
        reader
            .read_line(&mut header)
            .map_err(|error| error.to_string())?;
        header = header.trim_end().to_owned();
    }
    let columns: Vec<&str> = header.split(',').map(str::trim).collect();
    if columns.len() < 3 || columns[..3] != ["cve", "epss", "percentile"] {
        return Err(format!(
            "expected the header `cve,epss,percentile`, found `{header}`"
        ));
    }

    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(reader);
    let mut record = csv::StringRecord::new();
    // Line 1 or 2 was the header; data starts on the next line.
    let mut line = if file.model_version.is_some() || file.score_date.is_some() {
        3
    } else {
        2
    };
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => match parse_row(&record) {
                Ok(row) => file.scores.push(row),
                Err(message) => {
                    push_problem(&mut file, record.get(0), format!("line {line}: {message}"))
                }
            },
            Err(error) => push_problem(&mut file, None, format!("line {line}: {error}")),
        }
        line += 1;
    }
    Ok(file)
}

fn push_problem(file: &mut EpssFile, cve: Option<&str>, message: String) {
    file.problem_count += 1;
    if file.problems.len() < MAX_LISTED_PROBLEMS {
        file.problems.push(RecordProblem {
            id: cve.map(str::to_owned),
            message,
        });
    }
}

fn parse_comment(comment: &str, file: &mut EpssFile) {
    for field in comment.split(',') {
        let Some((key, value)) = field.split_once(':') else {
            continue;
        };
        match key.trim() {
            "model_version" => file.model_version = Some(value.trim().to_owned()),
            "score_date" => file.score_date = parse_score_date(value.trim()),
            _ => {}
        }
    }
}

fn parse_score_date(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .or_else(|_| DateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%z"))
        .ok()
        .map(|time| time.with_timezone(&Utc))
}

fn parse_row(record: &csv::StringRecord) -> Result<(String, f64, f64), String> {
    let (Some(cve), Some(score), Some(percentile)) = (record.get(0), record.get(1), record.get(2))
    else {
        return Err(format!("expected 3 columns, found {}", record.len()));
    };
    if !cve.starts_with("CVE-") {
        return Err(format!("invalid CVE id `{cve}`"));
    }
    let probability = |name: &str, text: &str| -> Result<f64, String> {
        let value: f64 = text
            .trim()
            .parse()
            .map_err(|_| format!("invalid {name} `{text}`"))?;
        if !(0.0..=1.0).contains(&value) {
            return Err(format!("{name} `{text}` is outside 0..=1"));
        }
        Ok(value)
    };
    Ok((
        cve.to_owned(),
        probability("epss", score)?,
        probability("percentile", percentile)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_with_comment_line() {
        let text = "#model_version:v2025.03.14,score_date:2025-09-03T12:55:00Z\ncve,epss,percentile\nCVE-1999-0001,0.03351,0.87650\n";
        assert!(looks_like_epss(text.as_bytes()));

        let file = parse(text.as_bytes()).unwrap();
        assert_eq!(file.model_version.as_deref(), Some("v2025.03.14"));
        assert_eq!(
            file.score_date.unwrap().to_rfc3339(),
            "2025-09-03T12:55:00+00:00"
        );
        assert_eq!(file.scores, [("CVE-1999-0001".to_owned(), 0.03351, 0.8765)]);
    }

    #[test]
    fn file_with_old_offset_format() {
        let text =
            "#model_version:v2023.03.01,score_date:2023-05-01T00:00:00+0000\ncve,epss,percentile\n";
        let file = parse(text.as_bytes()).unwrap();

        assert_eq!(
            file.score_date.unwrap().to_rfc3339(),
            "2023-05-01T00:00:00+00:00"
        );
    }

    #[test]
    fn file_without_comment_line() {
        let text = "cve,epss,percentile\nCVE-1999-0002,0.27858,0.97929\n";
        let file = parse(text.as_bytes()).unwrap();

        assert_eq!(file.model_version, None);
        assert_eq!(file.scores.len(), 1);
    }

    #[test]
    fn bad_rows_are_problems() {
        let text = "cve,epss,percentile\nCVE-1,0.5,0.5\nnot-a-cve,0.1,0.1\nCVE-2,1.5,0.1\nCVE-3,abc,0.1\nCVE-4,0.1\n";
        let file = parse(text.as_bytes()).unwrap();

        assert_eq!(file.scores.len(), 1);
        assert_eq!(file.problem_count, 4);
        assert!(
            file.problems[0].message.starts_with("line 3:"),
            "{:?}",
            file.problems[0]
        );
    }

    #[test]
    fn wrong_header_is_rejected() {
        assert!(parse("a,b,c\n1,2,3\n".as_bytes()).is_err());
        assert!(!looks_like_epss(b"a,b,c"));
    }
}
