//! `go.sum` (<https://go.dev/ref/mod#go-sum-files>): checksums of the modules the `go` command
//! downloaded, one `module version hash` line each.
//!
//! A line whose version ends in `/go.mod` hashes only that module's `go.mod`, which the `go`
//! command fetched to compute the module graph. The module's code was never downloaded, so
//! it is not part of any build and is not reported. A line without the suffix hashes the module's code. When a
//! module has several such lines, the last one is kept: the `go` command writes the file
//! sorted by module path and then by semantic version, so the last line is the newest.
//!
//! Rule for using `go.sum` at all, compared with Trivy (which reads it only as an addition to
//! a `go.mod` that has no `// indirect` comment):
//!
//! - Beside a `go.mod` whose `go` directive is 1.17 or later, `go.sum` is not read. Since Go
//!   1.17 `go.mod` lists every module that provides a package to the build, while `go.sum`
//!   keeps extra checksums (for the `go` 1.16 compatibility check and for tests of
//!   dependencies), so it would report modules that are not built.
//! - Beside an older `go.mod` (or one without a `go` directive, which Go reads as 1.16),
//!   `go.mod` lists only direct requirements, so the modules of `go.sum` that `go.mod` does
//!   not list are added by the `go.mod` parser.
//! - A `go.sum` without a `go.mod` beside it is read on its own.

use std::path::Path;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};
use crate::DiagnosticLevel;

/// Suffix of a version whose line hashes only the module's `go.mod`.
const GO_MOD_ONLY_SUFFIX: &str = "/go.mod";

/// Parses a `go.sum` found by the walk; empty when a `go.mod` sits beside it, because the
/// `go.mod` parser decides whether `go.sum` adds anything.
pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let go_mod = input.path.with_file_name("go.mod");
    if input
        .context
        .resolve(&go_mod)
        .is_ok_and(|resolved| resolved.is_file())
    {
        return Ok(Parsed::default());
    }
    let mut parsed = Parsed::default();
    for (path, version) in built_modules(input.text, &mut parsed) {
        parsed
            .packages
            .push(Package::new(Ecosystem::Go, path, version));
    }
    Ok(parsed)
}

/// Returns `(module path, version)` of every module whose code `go.sum` hashes, one version
/// per module (the last listed), sorted by module path.
///
/// A line that does not have three fields is reported in `parsed.problems` and skipped.
pub(crate) fn built_modules<'t>(text: &'t str, parsed: &mut Parsed) -> Vec<(&'t str, &'t str)> {
    let mut modules: Vec<(&str, &str)> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [path, version, _hash] = fields.as_slice() else {
            if !fields.is_empty() {
                parsed.problems.push((
                    DiagnosticLevel::Warning,
                    Some(u64::try_from(index + 1).unwrap_or(u64::MAX)),
                    format!(
                        "invalid go.sum line `{}`: expected `module version hash`",
                        line.trim()
                    ),
                ));
            }
            continue;
        };
        if !version.ends_with(GO_MOD_ONLY_SUFFIX) {
            modules.push((path, version));
        }
    }

    // A stable sort keeps the file order of one module's lines, and the last one is kept.
    modules.sort_by(|a, b| a.0.cmp(b.0));
    let mut unique: Vec<(&str, &str)> = Vec::with_capacity(modules.len());
    for (path, version) in modules {
        match unique.last_mut() {
            Some(last) if last.0 == path => last.1 = version,
            _ => unique.push((path, version)),
        }
    }
    unique
}

/// Returns whether a `go` directive value (`1.16`, `1.21.0`, `1.22rc1`) is older than Go
/// 1.17, the release from which `go.mod` lists every module of the build.
///
/// `None` (no directive) counts as Go 1.16, as the `go` command reads it.
pub(crate) fn lists_direct_requirements_only(go_directive: Option<&str>) -> bool {
    let Some(value) = go_directive else {
        return true;
    };
    let mut parts = value.split('.');
    let major = parts.next().and_then(|part| part.parse::<u64>().ok());
    let minor = parts.next().map(|part| {
        let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
        digits.parse::<u64>().ok()
    });
    match (major, minor) {
        (Some(major), Some(Some(minor))) => (major, minor) < (1, 17),
        (Some(major), None) => major < 1,
        // An unreadable directive: `go.mod` is taken as complete rather than guessed older.
        _ => false,
    }
}

/// Returns the path of the `go.sum` beside a `go.mod`.
pub(crate) fn beside(go_mod: &Path) -> std::path::PathBuf {
    go_mod.with_file_name("go.sum")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUM: &str = "\
cloud.google.com/go v0.26.0/go.mod h1:aaa=
github.com/davecgh/go-spew v1.1.0/go.mod h1:bbb=
github.com/davecgh/go-spew v1.1.0 h1:ccc=
github.com/davecgh/go-spew v1.1.1 h1:ddd=
github.com/davecgh/go-spew v1.1.1/go.mod h1:eee=

golang.org/x/net v0.0.0-20211111083644-e5c967477495 h1:fff=
broken line
";

    #[test]
    fn go_sum_keeps_code_hashes_only() {
        let mut parsed = Parsed::default();
        let modules = built_modules(SUM, &mut parsed);
        assert_eq!(
            modules,
            [
                ("github.com/davecgh/go-spew", "v1.1.1"),
                ("golang.org/x/net", "v0.0.0-20211111083644-e5c967477495"),
            ]
        );
        assert_eq!(parsed.problems.len(), 1, "{:?}", parsed.problems);
        assert_eq!(parsed.problems[0].1, Some(8));
    }

    /// Runs the `go-mod` and `go-sum` collectors on `app/` of a root holding `files`.
    fn collect_project(files: &[(&str, &str)]) -> Vec<(String, String, String)> {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("app")).expect("create app");
        for (name, text) in files {
            std::fs::write(root.path().join("app").join(name), text).expect("write file");
        }
        let options = crate::CollectOptions::new(root.path());
        let context = crate::Context {
            options: &options,
            os: None,
        };
        let mut rows = Vec::new();
        for collector in super::super::file_collectors() {
            for (name, _) in files {
                let path = Path::new("app").join(name);
                if !collector.is_candidate_path(&path) {
                    continue;
                }
                for software in collector.parse(&context, &path).software {
                    rows.push((collector.name().to_owned(), software.name, software.version));
                }
            }
        }
        rows.sort();
        rows
    }

    fn row(collector: &str, name: &str, version: &str) -> (String, String, String) {
        (collector.to_owned(), name.to_owned(), version.to_owned())
    }

    #[test]
    fn go_sum_completes_old_go_mod() {
        let go_mod = "module example.com/app\n\ngo 1.16\n\nrequire golang.org/x/net v0.1.0\n";
        let rows = collect_project(&[("go.mod", go_mod), ("go.sum", SUM)]);
        assert_eq!(
            rows,
            [
                row("go-mod", "github.com/davecgh/go-spew", "v1.1.1"),
                row("go-mod", "golang.org/x/net", "v0.1.0"),
            ]
        );
    }

    #[test]
    fn go_sum_ignored_beside_new_go_mod() {
        let go_mod = "module example.com/app\n\ngo 1.17\n\nrequire golang.org/x/net v0.1.0\n";
        let rows = collect_project(&[("go.mod", go_mod), ("go.sum", SUM)]);
        assert_eq!(rows, [row("go-mod", "golang.org/x/net", "v0.1.0")]);
    }

    #[test]
    fn go_sum_alone_gives_modules() {
        let rows = collect_project(&[("go.sum", SUM)]);
        assert_eq!(
            rows,
            [
                row("go-sum", "github.com/davecgh/go-spew", "v1.1.1"),
                row(
                    "go-sum",
                    "golang.org/x/net",
                    "v0.0.0-20211111083644-e5c967477495"
                ),
            ]
        );
    }

    #[test]
    fn go_directive_before_1_17() {
        let cases = [
            (None, true),
            (Some("1.16"), true),
            (Some("1.11"), true),
            (Some("1.17"), false),
            (Some("1.21.0"), false),
            (Some("1.22rc1"), false),
            (Some("2"), false),
            (Some("junk"), false),
        ];
        for (directive, expected) in cases {
            assert_eq!(
                lists_direct_requirements_only(directive),
                expected,
                "case {directive:?}"
            );
        }
    }
}
