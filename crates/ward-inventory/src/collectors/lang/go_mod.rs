//! `go.mod` (<https://go.dev/ref/mod#go-mod-file>): `require` directives, single or in a
//! block, with `replace` directives applied.
//!
//! A replacement by another module (`a => b v1.2.3`) reports `b` at its version, because that
//! is the code built; a replacement by a local directory (`a => ../a`) is local code and the
//! requirement is dropped. A `replace` with an old version only applies to that version.
//! Since Go 1.17 `go.mod` lists every module in the build list, indirect ones marked
//! `// indirect`, so `go.sum` is not needed. An older `go.mod` lists only direct
//! requirements, and the modules whose code the `go.sum` beside it hashes are added (see
//! [`super::go_sum`] for the rule).

use std::collections::BTreeSet;

use super::lockfile::{Input, Parsed};
use super::{go_sum, Ecosystem, Package};
use crate::DiagnosticLevel;

struct Replacement {
    old_path: String,
    old_version: Option<String>,
    /// `None` for a local directory.
    new: Option<(String, String)>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut requirements = Vec::new();
    let mut replacements = Vec::new();
    let mut block: Option<&str> = None;
    let mut go_directive = None;

    for (index, raw_line) in input.text.lines().enumerate() {
        let line_number = u64::try_from(index + 1).unwrap_or(u64::MAX);
        let line = raw_line.split("//").next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (directive, arguments) = match block {
            Some(_) if line == ")" => {
                block = None;
                continue;
            }
            Some(directive) => (directive, line),
            None => {
                let (directive, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
                let rest = rest.trim();
                if rest == "(" {
                    block = Some(directive);
                    continue;
                }
                (directive, rest)
            }
        };
        let fields: Vec<&str> = arguments
            .split_whitespace()
            .map(|f| f.trim_matches('"'))
            .collect();
        match directive {
            "require" => match fields.as_slice() {
                [path, version] => requirements.push((path.to_string(), version.to_string())),
                _ => parsed.problems.push((
                    DiagnosticLevel::Warning,
                    Some(line_number),
                    format!("invalid require directive `{arguments}`"),
                )),
            },
            "go" => go_directive = fields.first().copied(),
            "replace" => match parse_replacement(&fields) {
                Some(replacement) => replacements.push(replacement),
                None => parsed.problems.push((
                    DiagnosticLevel::Warning,
                    Some(line_number),
                    format!("invalid replace directive `{arguments}`"),
                )),
            },
            _ => {}
        }
    }

    let mut found = BTreeSet::new();
    for (path, version) in requirements {
        let replacement = replacements.iter().find(|replacement| {
            replacement.old_path == path
                && replacement
                    .old_version
                    .as_ref()
                    .is_none_or(|old| *old == version)
        });
        match replacement {
            Some(Replacement {
                new: Some((new_path, new_version)),
                ..
            }) => {
                found.insert((new_path.clone(), new_version.clone()));
            }
            Some(Replacement { new: None, .. }) => {}
            None => {
                found.insert((path, version));
            }
        }
    }
    if go_sum::lists_direct_requirements_only(go_directive) {
        add_go_sum_modules(input, &mut found, &mut parsed);
    }
    parsed.packages = found
        .into_iter()
        .map(|(path, version)| Package::new(Ecosystem::Go, &path, &version))
        .collect();
    Ok(parsed)
}

/// Adds the modules of the `go.sum` beside an old `go.mod` that `go.mod` does not list.
fn add_go_sum_modules(
    input: &Input<'_>,
    found: &mut BTreeSet<(String, String)>,
    parsed: &mut Parsed,
) {
    let sum_path = go_sum::beside(input.path);
    let exists = input
        .context
        .resolve(&sum_path)
        .is_ok_and(|resolved| resolved.is_file());
    if !exists {
        return;
    }
    let text = match input.read_other(&sum_path) {
        Ok(text) => text,
        Err(message) => {
            parsed.problems.push((
                DiagnosticLevel::Warning,
                None,
                format!("cannot read `{}`: {message}", sum_path.display()),
            ));
            return;
        }
    };

    // The diagnostic belongs to go.mod, so a go.sum line number goes into the message.
    let mut sum_parsed = Parsed::default();
    let listed: BTreeSet<String> = found.iter().map(|(path, _)| path.clone()).collect();
    for (path, version) in go_sum::built_modules(&text, &mut sum_parsed) {
        if !listed.contains(path) {
            found.insert((path.to_owned(), version.to_owned()));
        }
    }
    for (level, line, message) in sum_parsed.problems {
        let line = line.map_or_else(String::new, |line| format!(" line {line}"));
        parsed.problems.push((
            level,
            None,
            format!("`{}`{line}: {message}", sum_path.display()),
        ));
    }
}

/// Parses `old [old-version] => new [new-version]`.
fn parse_replacement(fields: &[&str]) -> Option<Replacement> {
    let arrow = fields.iter().position(|field| *field == "=>")?;
    let (old, new) = (&fields[..arrow], &fields[arrow + 1..]);
    let (old_path, old_version) = match old {
        [path] => (path.to_string(), None),
        [path, version] => (path.to_string(), Some(version.to_string())),
        _ => return None,
    };
    let new = match new {
        [path, version] => Some((path.to_string(), version.to_string())),
        [_local_directory] => None,
        _ => return None,
    };
    Some(Replacement {
        old_path,
        old_version,
        new,
    })
}
