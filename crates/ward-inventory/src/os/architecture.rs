//! CPU architecture of the device, in the OS's own spelling.

use crate::collectors::Context;
use crate::read::read_optional_text;
use crate::{OsRelease, Software};

/// Package types whose `architecture` is the machine's (or `all`/`noarch`/`any`).
const OS_PACKAGE_TYPES: &[&str] = &["deb", "rpm", "apk", "alpm", "opkg"];

/// Architecture values that say "any machine" rather than naming one.
const ANY_ARCHITECTURE: &[&str] = &["all", "noarch", "any"];

/// Detects the device architecture from what was collected.
///
/// In order: the architecture of the `dpkg` package (dpkg is always built for the native
/// architecture, so this is right on multi-arch hosts too), `etc/apk/arch`, the most common
/// architecture of the OS packages, and on a live host the architecture ward was built for,
/// in Debian's spelling on Debian-like systems.
pub fn detect_architecture(
    context: &Context<'_>,
    os: Option<&OsRelease>,
    software: &[Software],
) -> Option<String> {
    let dpkg = software
        .iter()
        .find(|row| row.package_type == "deb" && row.name == "dpkg");
    if let Some(architecture) = dpkg.and_then(|row| row.architecture.clone()) {
        return Some(architecture);
    }

    if let Ok(Some(text)) = read_optional_text(context, "etc/apk/arch") {
        if let Some(line) = text.lines().map(str::trim).find(|line| !line.is_empty()) {
            return Some(line.to_owned());
        }
    }

    if let Some(architecture) = most_common_package_architecture(software) {
        return Some(architecture);
    }

    if !context.options.is_live {
        return None;
    }
    let is_debian_like = os.is_some_and(|os| {
        os.id == "debian" || os.id == "ubuntu" || os.id_like.iter().any(|like| like == "debian")
    });
    let native = std::env::consts::ARCH;
    Some(
        if is_debian_like {
            debian_architecture(native)
        } else {
            native
        }
        .to_owned(),
    )
}

/// Returns the most common machine architecture among OS package rows.
fn most_common_package_architecture(software: &[Software]) -> Option<String> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    let architectures = software
        .iter()
        .filter(|row| OS_PACKAGE_TYPES.contains(&row.package_type.as_str()))
        .filter_map(|row| row.architecture.as_deref())
        .filter(|architecture| !ANY_ARCHITECTURE.contains(architecture));
    for architecture in architectures {
        match counts.iter_mut().find(|(name, _)| *name == architecture) {
            Some((_, count)) => *count += 1,
            None => counts.push((architecture, 1)),
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, count)| *count)
        .map(|(name, _)| name.to_owned())
}

/// Maps Rust's `std::env::consts::ARCH` to Debian's architecture name.
fn debian_architecture(rust_arch: &str) -> &str {
    match rust_arch {
        "x86_64" => "amd64",
        "x86" => "i386",
        "aarch64" => "arm64",
        "arm" => "armhf",
        "powerpc64" => "ppc64el",
        "loongarch64" => "loong64",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectOptions;

    fn row(name: &str, package_type: &str, architecture: &str) -> Software {
        Software {
            name: name.to_owned(),
            package_type: package_type.to_owned(),
            architecture: Some(architecture.to_owned()),
            ..Software::default()
        }
    }

    #[test]
    fn dpkg_package_gives_native_architecture() {
        let options = CollectOptions::new("/nonexistent-root");
        let context = Context {
            options: &options,
            os: None,
        };
        let software = [
            row("libc6", "deb", "i386"),
            row("zlib1g", "deb", "i386"),
            row("dpkg", "deb", "amd64"),
        ];
        assert_eq!(
            detect_architecture(&context, None, &software).as_deref(),
            Some("amd64")
        );
    }

    #[test]
    fn most_common_architecture_skips_noarch() {
        let options = CollectOptions::new("/nonexistent-root");
        let context = Context {
            options: &options,
            os: None,
        };
        let software = [
            row("a", "rpm", "noarch"),
            row("b", "rpm", "noarch"),
            row("c", "rpm", "x86_64"),
            row("left-pad", "npm", "x64"),
        ];
        assert_eq!(
            detect_architecture(&context, None, &software).as_deref(),
            Some("x86_64")
        );
    }

    #[test]
    fn image_without_packages_has_no_architecture() {
        let options = CollectOptions::new("/nonexistent-root");
        let context = Context {
            options: &options,
            os: None,
        };
        assert_eq!(detect_architecture(&context, None, &[]), None);
    }
}
