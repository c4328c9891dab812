//! Kernels: which installed kernel image packages exist, which one is running, and whether
//! a reboot is needed to run the newest.
//!
//! Debian and Ubuntu name kernel images `linux-image-<release>` where `<release>` is what
//! `uname -r` prints (`6.1.0-37-amd64`, `6.8.0-45-generic`): the upstream version, the ABI
//! number, then the flavour. Variants: `linux-image-<release>-unsigned` (Debian) and
//! `linux-image-unsigned-<release>` (Ubuntu) hold the same image without a signature, and
//! the signed images are built from a wrapper source (`linux-signed-amd64`,
//! `linux-signed-aws-6.14`) whose advisories are filed under the kernel source (`linux`,
//! `linux-aws-6.14`). Meta packages (`linux-image-amd64`, `linux-image-generic`) have no
//! release and a version from another scheme, so they are not kernels here.

use std::str::FromStr;

use crate::{Diagnostic, DiagnosticLevel, Kernel, KernelPackage, Software};

/// Debian architectures, which end the names of Debian's signed-kernel wrapper sources.
const DEBIAN_ARCHITECTURES: &[&str] = &[
    "amd64", "arm64", "armel", "armhf", "i386", "mips64el", "mipsel", "ppc64el", "riscv64",
    "s390x", "loong64",
];

/// Marks each kernel image row with its [`KernelPackage`] facts, maps signed wrappers to
/// their kernel source, and returns whether a reboot is required.
///
/// Returns `None` when the running kernel is unknown or no kernel image is installed. It
/// also returns `None`, with an info diagnostic, when the running kernel comes from no
/// installed package (a custom kernel, or the host kernel of a container).
pub fn annotate_kernels(
    software: &mut [Software],
    running: Option<&Kernel>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<bool> {
    let mut kernel_rows = Vec::new();
    for (index, row) in software.iter_mut().enumerate() {
        if row.package_type != "deb" {
            continue;
        }
        let Some(release) = kernel_release(&row.name) else {
            continue;
        };

        if let Some(source) = row.source_name.as_deref().and_then(unsigned_source) {
            // The signed image's version is the kernel source's version, not the wrapper's.
            row.source_name = Some(source);
            row.source_version = None;
        }
        let source_name = row.source_name_or_name().to_owned();
        row.kernel = Some(KernelPackage {
            flavour: flavour(release),
            release: release.to_owned(),
            source_name,
            is_running: running.map(|kernel| kernel.release == release),
        });
        kernel_rows.push(index);
    }

    let running = running?;
    if kernel_rows.is_empty() {
        return None;
    }

    let running_row = kernel_rows
        .iter()
        .map(|index| &software[*index])
        .find(|row| {
            row.kernel
                .as_ref()
                .is_some_and(|kernel| kernel.release == running.release)
        });
    let Some(running_row) = running_row else {
        diagnostics.push(Diagnostic::new(
            "kernel",
            DiagnosticLevel::Info,
            format!(
                "running kernel `{}` is not from an installed kernel package, so whether a \
                 reboot is required is unknown",
                running.release
            ),
        ));
        return None;
    };

    let Ok(running_version) = ward_version::dpkg::Version::from_str(&running_row.version) else {
        return None;
    };
    let is_newer_installed = kernel_rows.iter().any(|index| {
        ward_version::dpkg::Version::from_str(&software[*index].version)
            .is_ok_and(|version| version > running_version)
    });
    Some(is_newer_installed)
}

/// Returns the kernel release of a kernel image package name, `None` for anything else.
fn kernel_release(name: &str) -> Option<&str> {
    let rest = name.strip_prefix("linux-image-")?;
    let rest = rest.strip_prefix("unsigned-").unwrap_or(rest);
    let rest = rest.strip_suffix("-unsigned").unwrap_or(rest);

    // Debug symbols (`-dbg`, `-dbgsym`) are not images; meta packages have no version.
    if rest.ends_with("-dbg") || rest.ends_with("-dbgsym") {
        return None;
    }
    rest.starts_with(|c: char| c.is_ascii_digit())
        .then_some(rest)
}

/// Returns the flavour of a release: what follows the upstream version and the ABI number
/// (`amd64` of `6.1.0-37-amd64`, `cloud-amd64`, `generic`, `aws`).
fn flavour(release: &str) -> Option<String> {
    let mut parts = release.split('-');
    parts.next()?;
    let rest: Vec<&str> = parts
        .skip_while(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        .collect();
    (!rest.is_empty()).then(|| rest.join("-"))
}

/// Maps a signed-kernel wrapper source to the kernel source it signs; `None` when `source`
/// is not a wrapper.
fn unsigned_source(source: &str) -> Option<String> {
    let rest = source.strip_prefix("linux-signed")?;
    if rest.is_empty() {
        return Some("linux".to_owned());
    }
    let rest = rest.strip_prefix('-')?;
    if DEBIAN_ARCHITECTURES.contains(&rest) {
        // Debian: `linux-signed-amd64` signs `linux`.
        return Some("linux".to_owned());
    }
    // Ubuntu: `linux-signed-aws-6.14` signs `linux-aws-6.14`.
    Some(format!("linux-{rest}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deb(name: &str, version: &str, source: Option<&str>) -> Software {
        Software {
            name: name.to_owned(),
            version: version.to_owned(),
            package_type: "deb".to_owned(),
            source_name: source.map(str::to_owned),
            ..Software::default()
        }
    }

    fn running(release: &str) -> Kernel {
        Kernel {
            release: release.to_owned(),
            version: None,
        }
    }

    #[test]
    fn kernel_release_from_package_names() {
        let cases = [
            ("linux-image-6.1.0-37-amd64", Some("6.1.0-37-amd64")),
            (
                "linux-image-6.1.0-37-amd64-unsigned",
                Some("6.1.0-37-amd64"),
            ),
            (
                "linux-image-unsigned-6.8.0-45-generic",
                Some("6.8.0-45-generic"),
            ),
            (
                "linux-image-6.1.0-37-cloud-amd64",
                Some("6.1.0-37-cloud-amd64"),
            ),
            ("linux-image-6.1.0-37-amd64-dbg", None),
            ("linux-image-amd64", None),
            ("linux-image-generic", None),
            ("linux-headers-6.1.0-37-amd64", None),
        ];
        for (name, expected) in cases {
            assert_eq!(kernel_release(name), expected, "case {name}");
        }
    }

    #[test]
    fn flavour_follows_abi() {
        let cases = [
            ("6.1.0-37-amd64", Some("amd64")),
            ("6.1.0-37-cloud-amd64", Some("cloud-amd64")),
            ("6.8.0-1029-aws", Some("aws")),
            ("5.15.0-105-generic", Some("generic")),
            ("6.12.9+bpo-amd64", Some("amd64")),
            ("6.1.0-37", None),
        ];
        for (release, expected) in cases {
            assert_eq!(flavour(release).as_deref(), expected, "case {release}");
        }
    }

    #[test]
    fn signed_wrappers_map_to_kernel_source() {
        let cases = [
            ("linux-signed-amd64", Some("linux")),
            ("linux-signed-arm64", Some("linux")),
            ("linux-signed-aws-6.14", Some("linux-aws-6.14")),
            ("linux-signed-hwe-6.8", Some("linux-hwe-6.8")),
            ("linux-signed", Some("linux")),
            ("linux", None),
            ("linux-signedx", None),
        ];
        for (source, expected) in cases {
            assert_eq!(
                unsigned_source(source).as_deref(),
                expected,
                "case {source}"
            );
        }
    }

    #[test]
    fn older_running_kernel_requires_reboot() {
        let mut software = vec![
            deb(
                "linux-image-6.1.0-35-amd64",
                "6.1.137-1",
                Some("linux-signed-amd64"),
            ),
            deb(
                "linux-image-6.1.0-37-amd64",
                "6.1.140-1",
                Some("linux-signed-amd64"),
            ),
            deb("linux-image-amd64", "6.1.140-1", Some("linux-signed-amd64")),
            deb("bash", "5.2.15-2+b7", None),
        ];
        software[0].source_version = Some("6.1.137+1".to_owned());
        let mut diagnostics = Vec::new();
        let reboot = annotate_kernels(
            &mut software,
            Some(&running("6.1.0-35-amd64")),
            &mut diagnostics,
        );

        assert_eq!(reboot, Some(true));
        assert!(diagnostics.is_empty());
        let old = software[0].kernel.as_ref().expect("kernel facts");
        assert_eq!(old.is_running, Some(true));
        assert_eq!(old.source_name, "linux");
        assert_eq!(old.flavour.as_deref(), Some("amd64"));
        assert_eq!(software[0].source_name.as_deref(), Some("linux"));
        assert_eq!(
            software[0].source_version, None,
            "binary version is the source's"
        );

        let new = software[1].kernel.as_ref().expect("kernel facts");
        assert_eq!(new.is_running, Some(false), "installed but not running");
        assert_eq!(software[2].kernel, None, "meta package");
        assert_eq!(software[3].kernel, None);
    }

    #[test]
    fn newest_running_kernel_needs_no_reboot() {
        let mut software = vec![
            deb(
                "linux-image-6.1.0-35-amd64",
                "6.1.137-1",
                Some("linux-signed-amd64"),
            ),
            deb(
                "linux-image-6.1.0-37-amd64",
                "6.1.140-1",
                Some("linux-signed-amd64"),
            ),
        ];
        let reboot = annotate_kernels(
            &mut software,
            Some(&running("6.1.0-37-amd64")),
            &mut Vec::new(),
        );
        assert_eq!(reboot, Some(false));
    }

    #[test]
    fn foreign_running_kernel_is_unknown() {
        let mut software = vec![deb("linux-image-6.1.0-37-amd64", "6.1.140-1", None)];
        let mut diagnostics = Vec::new();
        let reboot = annotate_kernels(
            &mut software,
            Some(&running("6.18.44-custom")),
            &mut diagnostics,
        );
        assert_eq!(reboot, None);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(
            software[0].kernel.as_ref().and_then(|k| k.is_running),
            Some(false)
        );
    }

    #[test]
    fn image_root_has_no_running_kernel() {
        let mut software = vec![deb(
            "linux-image-6.1.0-37-amd64",
            "6.1.140-1",
            Some("linux"),
        )];
        let reboot = annotate_kernels(&mut software, None, &mut Vec::new());
        assert_eq!(reboot, None);
        let kernel = software[0].kernel.as_ref().expect("kernel facts");
        assert_eq!(kernel.is_running, None);
        assert_eq!(kernel.source_name, "linux");
    }
}
