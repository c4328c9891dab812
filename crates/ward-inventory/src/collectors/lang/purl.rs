//! Package URLs (<https://github.com/package-url/purl-spec>, PURL-SPECIFICATION.rst).
//!
//! `pkg:type/namespace/name@version`: each segment percent-encoded. The namespace is split off
//! the name per type: npm scope (`@types/node` → namespace `@types`, encoded `%40types`), Maven
//! `group:artifact`, Go module path segments, Composer `vendor/name`.

use super::Ecosystem;

/// Builds the purl of a component whose `name` is spelled as in the inventory.
pub(crate) fn purl(ecosystem: Ecosystem, name: &str, version: &str) -> String {
    let (namespace, short_name) = match ecosystem {
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => (Some(group), artifact),
            None => (None, name),
        },
        Ecosystem::Npm | Ecosystem::Go | Ecosystem::Packagist => match name.rsplit_once('/') {
            Some((namespace, short_name)) => (Some(namespace), short_name),
            None => (None, name),
        },
        _ => (None, name),
    };

    let mut out = format!("pkg:{}/", ecosystem.package_type());
    if let Some(namespace) = namespace {
        for segment in namespace.split('/') {
            encode_into(&mut out, segment);
            out.push('/');
        }
    }
    encode_into(&mut out, short_name);
    if !version.is_empty() {
        out.push('@');
        encode_into(&mut out, version);
    }
    out
}

/// Percent-encodes every byte outside the unreserved set of RFC 3986 (letters, digits,
/// `-._~`); purl readers decode the rest, so this is safe for every segment.
fn encode_into(out: &mut String, segment: &str) {
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purl_per_ecosystem() {
        let cases = [
            (
                Ecosystem::Npm,
                "@types/node",
                "20.1.0",
                "pkg:npm/%40types/node@20.1.0",
            ),
            (
                Ecosystem::Npm,
                "lodash",
                "4.17.21",
                "pkg:npm/lodash@4.17.21",
            ),
            (
                Ecosystem::Maven,
                "org.apache.commons:commons-lang3",
                "3.12.0",
                "pkg:maven/org.apache.commons/commons-lang3@3.12.0",
            ),
            (
                Ecosystem::Go,
                "github.com/pkg/errors",
                "v0.9.1",
                "pkg:golang/github.com/pkg/errors@v0.9.1",
            ),
            (
                Ecosystem::PyPI,
                "requests",
                "2.0+local",
                "pkg:pypi/requests@2.0%2Blocal",
            ),
            (
                Ecosystem::Packagist,
                "symfony/console",
                "v6.0.0",
                "pkg:composer/symfony/console@v6.0.0",
            ),
        ];
        for (ecosystem, name, version, expected) in cases {
            assert_eq!(purl(ecosystem, name, version), expected, "case {name}");
        }
    }
}
