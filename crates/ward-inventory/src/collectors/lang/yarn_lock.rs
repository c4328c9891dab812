//! `yarn.lock`, classic v1 (its own format) and berry v2+ (YAML with a `__metadata` entry).
//!
//! Both are read line by line: an entry starts with an unindented header listing one or more
//! specifiers (`"a@^1", a@^1.2:`), and its indented `version` line gives the version. A
//! specifier is `name@range` with the name split at the first `@` after position 0, so a
//! scoped `@scope/x@^1` keeps its scope. Berry's `resolution: "name@npm:1.2.3"` names the
//! package actually installed, which resolves aliases (`alias@npm:real@^1`); classic v1
//! aliases are resolved from the `npm:` range. Workspace, link, portal, file and patch entries
//! are local code or duplicates of a registry entry and are skipped.

use std::collections::BTreeSet;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};
use crate::DiagnosticLevel;

#[derive(Default)]
struct Entry {
    header_line: u64,
    name: Option<String>,
    version: Option<String>,
    resolution: Option<String>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let mut parsed = Parsed::default();
    let mut found = BTreeSet::new();
    let mut current: Option<Entry> = None;

    for (index, line) in input.text.lines().enumerate() {
        let line_number = u64::try_from(index + 1).unwrap_or(u64::MAX);
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        if !line.starts_with(' ') {
            finish(current.take(), &mut found, &mut parsed);
            let Some(header) = line.strip_suffix(':') else {
                return Err(format!(
                    "line {line_number}: expected an entry header ending in `:`"
                ));
            };
            if header == "__metadata" {
                continue;
            }
            let first = header
                .split(", ")
                .next()
                .unwrap_or(header)
                .trim_matches('"');
            current = Some(Entry {
                header_line: line_number,
                name: name_from_specifier(first),
                ..Entry::default()
            });
            continue;
        }
        let Some(entry) = current.as_mut() else {
            continue;
        };
        // Fields of the entry itself are indented by exactly two spaces.
        let Some(field) = line
            .strip_prefix("  ")
            .filter(|rest| !rest.starts_with(' '))
        else {
            continue;
        };
        if let Some(value) = field.strip_prefix("version") {
            entry.version = Some(unquote(value.trim_start_matches(':')).to_owned());
        } else if let Some(value) = field.strip_prefix("resolution:") {
            entry.resolution = Some(unquote(value).to_owned());
        }
    }
    finish(current.take(), &mut found, &mut parsed);

    parsed.packages = found
        .into_iter()
        .map(|(name, version)| Package::new(Ecosystem::Npm, &name, &version))
        .collect();
    Ok(parsed)
}

fn finish(entry: Option<Entry>, found: &mut BTreeSet<(String, String)>, parsed: &mut Parsed) {
    let Some(entry) = entry else {
        return;
    };
    let name = match &entry.resolution {
        Some(resolution) => {
            let Some((name, protocol)) = split_specifier(resolution) else {
                return;
            };
            if !protocol.starts_with("npm:") {
                return;
            }
            Some(name.to_owned())
        }
        None => entry.name.clone(),
    };
    match (name, entry.version) {
        (Some(name), Some(version)) if !version.is_empty() && version != "0.0.0-use.local" => {
            found.insert((name, version));
        }
        (None, _) => {}
        _ => parsed.problems.push((
            DiagnosticLevel::Warning,
            Some(entry.header_line),
            "entry without a `version` skipped".to_owned(),
        )),
    }
}

/// Splits `name@range` at the first `@` after position 0.
fn split_specifier(specifier: &str) -> Option<(&str, &str)> {
    let at = specifier.get(1..)?.find('@')? + 1;
    Some((&specifier[..at], &specifier[at + 1..]))
}

/// Returns the real package name of a header specifier; `None` for local protocols.
fn name_from_specifier(specifier: &str) -> Option<String> {
    let (name, range) = split_specifier(specifier)?;
    if let Some(aliased) = range.strip_prefix("npm:") {
        // `alias@npm:real@^1` installs `real`; `name@npm:^1` (berry) installs `name`.
        if let Some((real, _)) = split_specifier(aliased) {
            return Some(real.to_owned());
        }
        return Some(name.to_owned());
    }
    let local = ["workspace:", "link:", "portal:", "file:", "patch:", "exec:"];
    if local.iter().any(|protocol| range.starts_with(protocol)) {
        return None;
    }
    Some(name.to_owned())
}

fn unquote(value: &str) -> &str {
    value.trim().trim_matches('"')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specifier_names() {
        let cases = [
            ("@babel/code-frame@^7.0.0", Some("@babel/code-frame")),
            ("lodash@^4.17.11", Some("lodash")),
            ("alias@npm:real-pkg@^1.0.0", Some("real-pkg")),
            ("abbrev@npm:1", Some("abbrev")),
            ("code@workspace:.", None),
        ];
        for (specifier, expected) in cases {
            assert_eq!(
                name_from_specifier(specifier).as_deref(),
                expected,
                "case {specifier}"
            );
        }
    }
}
