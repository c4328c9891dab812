//! pip requirements files (<https://pip.pypa.io/en/stable/reference/requirements-file-format/>).
//!
//! Only a requirement pinned with `==` (or `===`) to a version without a wildcard names an
//! installed release. Any other specifier (`>=`, `~=`, `==1.*`) is a range, so it is reported
//! as an informational diagnostic rather than guessed. Handled: line continuations, comments,
//! `--hash` options, environment markers after `;`, extras, and `-r`/`--requirement` and
//! `-c`/`--constraint` includes, resolved relative to the including file. Windows tools
//! often write these files as UTF-16 with a byte-order mark, which the lockfile reader
//! decodes.

use std::path::{Path, PathBuf};

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};
use crate::DiagnosticLevel;

/// Include depth beyond which `-r` is not followed, to stop include cycles.
const MAX_INCLUDE_DEPTH: usize = 8;

/// Returns whether a file name is a requirements file (`requirements.txt`,
/// `requirements-dev.txt`, `dev-requirements.txt`).
pub(crate) fn is_requirements_file(name: &str) -> bool {
    name.ends_with(".txt")
        && (name.starts_with("requirements") || name.ends_with("requirements.txt"))
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut visited = vec![input.path.to_path_buf()];
    parse_file(input, input.path, input.text, 0, &mut visited, &mut parsed);
    parsed
        .packages
        .sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));
    parsed.packages.dedup();
    Ok(parsed)
}

fn parse_file(
    input: &Input<'_>,
    path: &Path,
    text: &str,
    depth: usize,
    visited: &mut Vec<PathBuf>,
    parsed: &mut Parsed,
) {
    // Problems in an included file are reported on the top file, so name the included one.
    let location = |line: u64| -> (Option<u64>, String) {
        if path == input.path {
            (Some(line), String::new())
        } else {
            (None, format!(" (in `{}` line {line})", path.display()))
        }
    };

    for (line_number, logical_line) in logical_lines(text) {
        let uncommented = strip_comment(&logical_line);
        let requirement = uncommented.trim();
        if requirement.is_empty() {
            continue;
        }

        if let Some(target) = include_target(requirement) {
            let included = path.parent().unwrap_or(Path::new("")).join(target);
            if depth >= MAX_INCLUDE_DEPTH || visited.contains(&included) {
                continue;
            }
            visited.push(included.clone());
            match input.read_other(&included) {
                Ok(text) => parse_file(input, &included, &text, depth + 1, visited, parsed),
                Err(message) => {
                    let (line, suffix) = location(line_number);
                    parsed.problems.push((
                        DiagnosticLevel::Warning,
                        line,
                        format!(
                            "cannot read included `{}`: {message}{suffix}",
                            included.display()
                        ),
                    ));
                }
            }
            continue;
        }
        if requirement.starts_with('-') {
            continue;
        }

        match parse_requirement(requirement) {
            Requirement::Pinned(name, version) => {
                parsed
                    .packages
                    .push(Package::new(Ecosystem::PyPI, &name, &version));
            }
            Requirement::Unpinned(name) => {
                let (line, suffix) = location(line_number);
                parsed.problems.push((
                    DiagnosticLevel::Info,
                    line,
                    format!(
                        "requirement `{name}` has no exact `==` pin and was not reported{suffix}"
                    ),
                ));
            }
            Requirement::Invalid => {
                let (line, suffix) = location(line_number);
                parsed.problems.push((
                    DiagnosticLevel::Warning,
                    line,
                    format!("invalid requirement `{requirement}`{suffix}"),
                ));
            }
        }
    }
}

/// Joins lines ending in `\` and returns each logical line with the number of its first line.
fn logical_lines(text: &str) -> Vec<(u64, String)> {
    let mut lines = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (index, line) in text.lines().enumerate() {
        if current.is_empty() {
            start = u64::try_from(index + 1).unwrap_or(u64::MAX);
        }
        match line.strip_suffix('\\') {
            Some(head) => {
                current.push_str(head);
                current.push(' ');
            }
            None => {
                current.push_str(line);
                lines.push((start, std::mem::take(&mut current)));
            }
        }
    }
    if !current.is_empty() {
        lines.push((start, current));
    }
    lines
}

/// Removes a comment: `#` at the start of the line or after whitespace.
fn strip_comment(line: &str) -> String {
    let mut previous_is_space = true;
    for (index, c) in line.char_indices() {
        if c == '#' && previous_is_space {
            return line[..index].to_owned();
        }
        previous_is_space = c.is_whitespace();
    }
    line.to_owned()
}

fn include_target(line: &str) -> Option<&str> {
    for option in ["--requirement", "--constraint", "-r", "-c"] {
        if let Some(rest) = line.strip_prefix(option) {
            let rest = rest.trim_start_matches('=').trim();
            if !rest.is_empty() {
                return Some(rest);
            }
        }
    }
    None
}

enum Requirement {
    Pinned(String, String),
    Unpinned(String),
    Invalid,
}

fn parse_requirement(line: &str) -> Requirement {
    // Options such as `--hash=…` follow the requirement after whitespace.
    let requirement = line.split(" --").next().unwrap_or(line);
    let requirement = requirement.split(';').next().unwrap_or(requirement).trim();

    let name_end = requirement
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(requirement.len());
    let name = &requirement[..name_end];
    if name.is_empty() {
        return Requirement::Invalid;
    }
    let mut rest = requirement[name_end..].trim_start();
    if rest.starts_with('[') {
        let Some(close) = rest.find(']') else {
            return Requirement::Invalid;
        };
        rest = rest[close + 1..].trim_start();
    }
    if rest.starts_with('@') {
        return Requirement::Unpinned(name.to_owned());
    }

    let specifiers: Vec<&str> = rest
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    if let [only] = specifiers.as_slice() {
        let version = only
            .strip_prefix("===")
            .or_else(|| only.strip_prefix("=="))
            .map(str::trim);
        if let Some(version) = version.filter(|v| !v.is_empty() && !v.contains('*')) {
            return Requirement::Pinned(name.to_owned(), version.to_owned());
        }
    }
    Requirement::Unpinned(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirement_lines() {
        let cases = [
            ("Django == 2.3.4", Some(("Django", "2.3.4"))),
            (
                "SomeProject ==5.4 ; python_version < '3.8'",
                Some(("SomeProject", "5.4")),
            ),
            (
                "FooProject == 1.2 --hash=sha256:2cf2",
                Some(("FooProject", "1.2")),
            ),
            ("requests[security]==2.31.0", Some(("requests", "2.31.0"))),
            ("keyring >= 4.1.1", None),
            ("django==5.*.*", None),
            ("pyjwt==1.*,>=1.2", None),
            ("pkg @ https://example.org/pkg.whl", None),
        ];
        for (line, expected) in cases {
            let actual = match parse_requirement(line) {
                Requirement::Pinned(name, version) => Some((name, version)),
                _ => None,
            };
            let expected = expected.map(|(n, v)| (n.to_owned(), v.to_owned()));
            assert_eq!(actual, expected, "case {line}");
        }
    }

    #[test]
    fn includes_are_relative_to_the_file() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("app/reqs")).expect("mkdir");
        std::fs::write(
            root.path().join("app/requirements.txt"),
            "-r reqs/base.txt\nflask==3.0.0\n",
        )
        .expect("write");
        std::fs::write(
            root.path().join("app/reqs/base.txt"),
            "six==1.16.0\n-r ../requirements.txt\n",
        )
        .expect("write");
        let options = crate::CollectOptions::new(root.path());
        let context = crate::Context {
            options: &options,
            os: None,
        };
        let text = std::fs::read_to_string(root.path().join("app/requirements.txt")).expect("read");
        let input = Input {
            context: &context,
            path: Path::new("app/requirements.txt"),
            text: &text,
        };
        let parsed = parse(&input).expect("parse");
        let names: Vec<&str> = parsed.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["flask", "six"]);
    }

    #[test]
    fn continuation_lines_join() {
        let lines = logical_lines(
            "Jinja2 == 3.0.0 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\nx==1\n",
        );
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[1].0, 4);
    }
}
