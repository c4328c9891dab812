//! `Gemfile.lock` (Bundler 1 and 2): the `specs:` lists of the `GEM`, `GIT` and `PATH`
//! sections, where a gem is a line indented by exactly four spaces, `name (version)`, and
//! its dependencies are indented by six.
//!
//! A platform suffix (`nokogiri (1.13.6-x86_64-linux)`) is dropped from the version, because
//! RubyGems advisories name the release. `PATH` gems are local code and are skipped.

use std::collections::BTreeSet;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};

const PLATFORMS: &[&str] = &[
    "-x86_64-linux",
    "-x86-linux",
    "-aarch64-linux",
    "-arm64-darwin",
    "-x86_64-darwin",
    "-x64-mingw32",
    "-x64-mingw-ucrt",
    "-x86-mingw32",
    "-java",
    "-universal-darwin",
    "-arm-linux",
    "-x86_64-linux-musl",
    "-aarch64-linux-musl",
    "-x86_64-linux-gnu",
    "-aarch64-linux-gnu",
];

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let mut found = BTreeSet::new();
    let mut section = "";
    let mut in_specs = false;
    for line in input.text.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() {
            section = line.trim();
            in_specs = false;
            continue;
        }
        if line.trim() == "specs:" {
            in_specs = true;
            continue;
        }
        if !in_specs || section == "PATH" {
            continue;
        }
        let Some(spec) = line
            .strip_prefix("    ")
            .filter(|rest| !rest.starts_with(' '))
        else {
            continue;
        };
        let Some((name, rest)) = spec.split_once(" (") else {
            continue;
        };
        let version = rest.trim_end_matches(')');
        let version = PLATFORMS
            .iter()
            .find_map(|platform| version.strip_suffix(platform))
            .unwrap_or(version);
        found.insert((name.to_owned(), version.to_owned()));
    }
    Ok(Parsed::with_packages(
        found
            .into_iter()
            .map(|(name, version)| Package::new(Ecosystem::RubyGems, &name, &version))
            .collect(),
    ))
}
