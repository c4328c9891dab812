//! The package-name key that advisories are stored and looked up under.

use std::borrow::Cow;

/// Returns the name under which `ecosystem` advisories for `name` are stored and looked up.
///
/// PyPI names compare case-insensitively with runs of `-`, `_` and `.` equal (PEP 503,
/// <https://peps.python.org/pep-0503/#normalized-names>), and feeds do not agree on one
/// spelling: osv.dev's PyPI export writes normalised names, while the PyPA advisory
/// database keeps some as published (`jw.util`). Both sides use the normalised form, so
/// that `Django`, `django` and `DJANGO` meet.
/// Every other ecosystem's names are kept verbatim: npm and Go names are case-sensitive,
/// and Maven `group:artifact`, Debian and rpm names are exact.
pub fn package_key<'a>(ecosystem: &str, name: &'a str) -> Cow<'a, str> {
    if ecosystem == "PyPI" {
        normalize_pypi_name(name)
    } else {
        Cow::Borrowed(name)
    }
}

/// Normalises a PyPI project name per PEP 503: lower case, runs of `-`, `_`, `.` become `-`.
pub fn normalize_pypi_name(name: &str) -> Cow<'_, str> {
    let is_normal = name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.contains("--");
    if is_normal {
        return Cow::Borrowed(name);
    }

    let mut normalized = String::with_capacity(name.len());
    let mut in_separator_run = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !in_separator_run {
                normalized.push('-');
            }
            in_separator_run = true;
        } else {
            normalized.extend(c.to_lowercase());
            in_separator_run = false;
        }
    }
    Cow::Owned(normalized)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_names_normalised() {
        let cases = [
            ("Django", "django"),
            ("zope.interface", "zope-interface"),
            ("Foo__Bar-.baz", "foo-bar-baz"),
            ("requests", "requests"),
            ("a--b", "a-b"),
            ("PyYAML", "pyyaml"),
        ];
        for (name, expected) in cases {
            assert_eq!(package_key("PyPI", name), expected, "{name}");
        }
    }

    #[test]
    fn other_ecosystems_verbatim() {
        let cases = [
            ("npm", "@Scope/Name_x"),
            ("Go", "github.com/BurntSushi/toml"),
            ("Maven", "org.apache.logging.log4j:log4j-core"),
            ("Debian:12", "python3.11"),
        ];
        for (ecosystem, name) in cases {
            assert_eq!(package_key(ecosystem, name), name, "{ecosystem}");
        }
    }
}
