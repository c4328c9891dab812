//! `go.mod` (<https://go.dev/ref/mod#go-mod-file>): `require` directives, single or in a
//! block, with `replace` directives applied.
//!
//! A replacement by another module (`a => b v1.2.3`) reports `b` at its version, because that
//! is the code built; a replacement by a local directory (`a => ../a`) is local code and the
//! requirement is dropped. A `replace` with an old version only applies to that version.
//! Since Go 1.17 `go.mod` lists every module in the build list, indirect ones marked
//! `// indirect`, so `go.sum` is not needed.
// NOTE: a `go.mod` older than Go 1.17 lists only direct requirements; its indirect modules are
// missed unless the built binary is found (build info lists them all).

use std::collections::BTreeSet;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};
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
    parsed.packages = found
        .into_iter()
        .map(|(path, version)| Package::new(Ecosystem::Go, &path, &version))
        .collect();
    Ok(parsed)
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
