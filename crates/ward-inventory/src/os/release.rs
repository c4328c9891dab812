//! Operating system identity: `os-release(5)` and the older per-distribution release files.
//!
//! Lookup order, below the collection root: `etc/os-release`, then `usr/lib/os-release` (the
//! order `os-release(5)` gives); when neither exists, `etc/alpine-release`,
//! `etc/redhat-release`, `etc/arch-release`, `etc/openwrt_release` and `etc/debian_version`.
//! On Debian, `etc/debian_version` also gives the point release (`12.11`) and, on testing,
//! the codename (`trixie/sid`).

use crate::collectors::Context;
use crate::read::read_optional_text;
use crate::{Diagnostic, DiagnosticLevel, OsRelease};

/// Collector name recorded in OS detection diagnostics.
pub(crate) const COLLECTOR: &str = "os";

/// A line of a key-value release file that could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong with the line.
    pub message: String,
}

/// Parses shell-style `KEY=value` lines as `os-release(5)` defines them.
///
/// Values may be unquoted, in double quotes (where `\"`, `\\`, `\$` and `` \` `` are escapes)
/// or in single quotes (taken literally). Blank lines and lines starting with `#` are
/// skipped. Lines that are not assignments are returned as errors and the rest is parsed.
pub fn parse_assignments(text: &str) -> (Vec<(String, String)>, Vec<LineError>) {
    let mut pairs = Vec::new();
    let mut errors = Vec::new();

    for (index, raw_line) in text.lines().enumerate() {
        let line_number = index as u64 + 1;
        let line = raw_line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }

        let Some((key, raw_value)) = line.split_once('=') else {
            errors.push(LineError {
                line: line_number,
                message: format!("expected `KEY=value`, found `{line}`"),
            });
            continue;
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            errors.push(LineError {
                line: line_number,
                message: format!("invalid variable name `{key}`"),
            });
            continue;
        }

        match unquote(raw_value.trim()) {
            Ok(value) => pairs.push((key.to_owned(), value)),
            Err(problem) => errors.push(LineError {
                line: line_number,
                message: format!("invalid value of `{key}`: {problem}"),
            }),
        }
    }

    (pairs, errors)
}

/// Removes shell quoting from one `os-release` value.
///
/// Hand-written because the rules are a small subset of shell quoting and the crates that
/// read `os-release` only read the live `/etc` file, not one below an image root.
fn unquote(raw: &str) -> Result<String, &'static str> {
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();

    match raw.chars().next() {
        Some('"') => {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("missing closing double quote"),
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(escaped @ ('"' | '\\' | '$' | '`')) => value.push(escaped),
                        // In double quotes a backslash before any other character is kept.
                        Some(other) => {
                            value.push('\\');
                            value.push(other);
                        }
                        None => return Err("missing closing double quote"),
                    },
                    Some(other) => value.push(other),
                }
            }
        }
        Some('\'') => {
            chars.next();
            loop {
                match chars.next() {
                    None => return Err("missing closing single quote"),
                    Some('\'') => break,
                    Some(other) => value.push(other),
                }
            }
        }
        _ => {
            while let Some(c) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some(escaped) => value.push(escaped),
                        None => return Err("trailing backslash"),
                    },
                    '"' | '\'' => return Err("quote inside an unquoted value"),
                    other => value.push(other),
                }
            }
            return Ok(value);
        }
    }

    if chars.as_str().trim().is_empty() {
        Ok(value)
    } else {
        Err("text after the closing quote (concatenated strings are not supported)")
    }
}

/// Builds an [`OsRelease`] from parsed `os-release` assignments; `None` without `ID`.
pub fn os_release_from_assignments(pairs: &[(String, String)]) -> Option<OsRelease> {
    let get = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.clone())
            .filter(|value| !value.is_empty())
    };

    let id = get("ID")?.to_ascii_lowercase();
    Some(OsRelease {
        id,
        id_like: get("ID_LIKE")
            .map(|like| {
                like.split_whitespace()
                    .map(str::to_ascii_lowercase)
                    .collect()
            })
            .unwrap_or_default(),
        name: get("NAME"),
        pretty_name: get("PRETTY_NAME"),
        version_id: get("VERSION_ID"),
        version_codename: get("VERSION_CODENAME").or_else(|| get("UBUNTU_CODENAME")),
        point_release: None,
    })
}

/// Detects the operating system below the root of `context`.
///
/// Returns `None` with a diagnostic when no release file exists or none names the OS.
pub fn detect_os(context: &Context<'_>) -> (Option<OsRelease>, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();

    let mut os = None;
    for candidate in ["etc/os-release", "usr/lib/os-release"] {
        let path = candidate;
        let Some(text) = read_release_file(context, path, &mut diagnostics) else {
            continue;
        };
        let (pairs, errors) = parse_assignments(&text);
        for error in errors {
            diagnostics.push(
                Diagnostic::new(COLLECTOR, DiagnosticLevel::Warning, error.message)
                    .with_path(candidate)
                    .with_line(error.line),
            );
        }
        os = os_release_from_assignments(&pairs);
        if os.is_none() {
            diagnostics.push(
                Diagnostic::new(COLLECTOR, DiagnosticLevel::Warning, "missing `ID` field")
                    .with_path(candidate),
            );
        }
        break;
    }

    if os.is_none() {
        os = detect_from_legacy_files(context, &mut diagnostics);
    }

    if let Some(os) = os.as_mut() {
        if os.id == "debian" {
            add_debian_version(context, os, &mut diagnostics);
        }
    }

    if os.is_none() {
        diagnostics.push(Diagnostic::new(
            COLLECTOR,
            DiagnosticLevel::Warning,
            "operating system not detected: no os-release or distribution release file below \
             the root",
        ));
    }
    (os, diagnostics)
}

/// Reads a release file; a missing file is `None`, an unreadable one a diagnostic.
fn read_release_file(
    context: &Context<'_>,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    match read_optional_text(context, path) {
        Ok(text) => text,
        Err(error) => {
            diagnostics.push(
                Diagnostic::new(COLLECTOR, DiagnosticLevel::Error, error.to_string())
                    .with_path(path),
            );
            None
        }
    }
}

/// Detects the OS from the files that predate `os-release` (old images, minimal roots).
fn detect_from_legacy_files(
    context: &Context<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<OsRelease> {
    let alpine = "etc/alpine-release";
    if let Some(text) = read_release_file(context, alpine, diagnostics) {
        let version = first_line(&text)?;
        return Some(OsRelease {
            id: "alpine".to_owned(),
            name: Some("Alpine Linux".to_owned()),
            version_id: Some(version.to_owned()),
            ..OsRelease::default()
        });
    }

    let redhat = "etc/redhat-release";
    if let Some(text) = read_release_file(context, redhat, diagnostics) {
        let line = first_line(&text)?;
        let parsed = parse_redhat_release(line);
        if parsed.is_none() {
            diagnostics.push(
                Diagnostic::new(
                    COLLECTOR,
                    DiagnosticLevel::Warning,
                    format!("unrecognised release line `{line}`"),
                )
                .with_path(redhat)
                .with_line(1),
            );
        }
        return parsed;
    }

    let arch = "etc/arch-release";
    if read_release_file(context, arch, diagnostics).is_some() {
        return Some(OsRelease {
            id: "arch".to_owned(),
            name: Some("Arch Linux".to_owned()),
            ..OsRelease::default()
        });
    }

    let openwrt = "etc/openwrt_release";
    if let Some(text) = read_release_file(context, openwrt, diagnostics) {
        let (pairs, _) = parse_assignments(&text);
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.clone())
        };
        return Some(OsRelease {
            id: "openwrt".to_owned(),
            name: Some("OpenWrt".to_owned()),
            pretty_name: get("DISTRIB_DESCRIPTION"),
            version_id: get("DISTRIB_RELEASE"),
            version_codename: get("DISTRIB_CODENAME"),
            ..OsRelease::default()
        });
    }

    let debian = "etc/debian_version";
    if read_release_file(context, debian, diagnostics).is_some() {
        // The version fields are filled from the same file by `add_debian_version`.
        return Some(OsRelease {
            id: "debian".to_owned(),
            name: Some("Debian GNU/Linux".to_owned()),
            ..OsRelease::default()
        });
    }

    None
}

/// Parses a `redhat-release` line such as `Rocky Linux release 9.3 (Blue Onyx)`.
pub fn parse_redhat_release(line: &str) -> Option<OsRelease> {
    let (name, rest) = line.split_once(" release ")?;
    let version = rest.split_whitespace().next()?;
    let lower = name.to_ascii_lowercase();
    let id = if lower.starts_with("red hat enterprise linux") {
        "rhel"
    } else if lower.starts_with("almalinux") {
        "almalinux"
    } else if lower.starts_with("rocky") {
        "rocky"
    } else if lower.starts_with("centos") {
        "centos"
    } else if lower.starts_with("fedora") {
        "fedora"
    } else if lower.starts_with("oracle") {
        "ol"
    } else {
        return None;
    };

    Some(OsRelease {
        id: id.to_owned(),
        id_like: vec!["rhel".to_owned()],
        name: Some(name.trim().to_owned()),
        pretty_name: Some(line.to_owned()),
        version_id: Some(version.to_owned()),
        ..OsRelease::default()
    })
}

/// Adds what `etc/debian_version` says: the point release (`12.11`) on a stable release, the
/// codename on testing and unstable (`trixie/sid`), where `os-release` has no `VERSION_ID`.
fn add_debian_version(
    context: &Context<'_>,
    os: &mut OsRelease,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let path = "etc/debian_version";
    let Some(text) = read_release_file(context, path, diagnostics) else {
        return;
    };
    let Some(line) = first_line(&text) else {
        return;
    };

    if line.starts_with(|c: char| c.is_ascii_digit()) {
        os.point_release = Some(line.to_owned());
        if os.version_id.is_none() {
            let major = line.split('.').next().unwrap_or(line);
            os.version_id = Some(major.to_owned());
        }
    } else if os.version_codename.is_none() {
        // `trixie/sid`: the part before the slash is the release under development.
        let codename = line.split('/').next().unwrap_or(line);
        os.version_codename = Some(codename.to_owned());
    }
}

/// Returns the first non-empty line, trimmed.
fn first_line(text: &str) -> Option<&str> {
    text.lines().map(str::trim).find(|line| !line.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unquote_follows_os_release_rules() {
        let cases = [
            (
                r#""Debian GNU/Linux 12 (bookworm)""#,
                "Debian GNU/Linux 12 (bookworm)",
            ),
            (r#""say \"hi\" \$HOME \\ \`x\`""#, r#"say "hi" $HOME \ `x`"#),
            (r#""keep \n backslash""#, r"keep \n backslash"),
            ("'single \\ \"literal\"'", "single \\ \"literal\""),
            ("bookworm", "bookworm"),
            (r"with\ space", "with space"),
            ("", ""),
            (r#""trailing space"  "#, "trailing space"),
        ];
        for (raw, expected) in cases {
            assert_eq!(unquote(raw.trim()).as_deref(), Ok(expected), "case {raw:?}");
        }
    }

    #[test]
    fn unquote_rejects_broken_quoting() {
        for raw in [r#""open"#, "'open", r#""a""b""#, "a\"b", r"end\"] {
            assert!(unquote(raw).is_err(), "case {raw:?}");
        }
    }

    #[test]
    fn assignments_skip_comments_and_report_bad_lines() {
        let text = "# comment\n\nID=debian\nnot an assignment\nBAD KEY=1\nVERSION_ID=\"12\"\n";
        let (pairs, errors) = parse_assignments(text);
        assert_eq!(
            pairs,
            vec![
                ("ID".to_owned(), "debian".to_owned()),
                ("VERSION_ID".to_owned(), "12".to_owned())
            ]
        );
        let lines: Vec<u64> = errors.iter().map(|error| error.line).collect();
        assert_eq!(lines, vec![4, 5]);
    }

    #[test]
    fn os_release_reads_ubuntu_fields() {
        let text = "NAME=\"Ubuntu\"\nVERSION_ID=\"22.04\"\nID=ubuntu\nID_LIKE=debian\n\
                    PRETTY_NAME=\"Ubuntu 22.04.4 LTS\"\nUBUNTU_CODENAME=jammy\n";
        let (pairs, _) = parse_assignments(text);
        let os = os_release_from_assignments(&pairs).expect("ID is present");
        assert_eq!(os.id, "ubuntu");
        assert_eq!(os.id_like, vec!["debian"]);
        assert_eq!(os.version_id.as_deref(), Some("22.04"));
        assert_eq!(os.version_codename.as_deref(), Some("jammy"));
        assert_eq!(os.pretty_name.as_deref(), Some("Ubuntu 22.04.4 LTS"));
    }

    #[test]
    fn redhat_release_lines_parse() {
        let cases = [
            ("Rocky Linux release 9.3 (Blue Onyx)", "rocky", "9.3"),
            (
                "AlmaLinux release 8.10 (Cerulean Leopard)",
                "almalinux",
                "8.10",
            ),
            (
                "Red Hat Enterprise Linux Server release 7.9 (Maipo)",
                "rhel",
                "7.9",
            ),
            ("CentOS Linux release 7.9.2009 (Core)", "centos", "7.9.2009"),
        ];
        for (line, id, version) in cases {
            let os = parse_redhat_release(line).expect(line);
            assert_eq!(os.id, id, "case {line}");
            assert_eq!(os.version_id.as_deref(), Some(version), "case {line}");
        }
        assert!(parse_redhat_release("Some Other OS release 1").is_none());
    }
}
