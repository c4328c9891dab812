//! Device identity: host name, machine id and the running kernel.

use crate::collectors::Context;
use crate::os::release::COLLECTOR;
use crate::read::read_optional_text;
use crate::{Diagnostic, DiagnosticLevel, Kernel};

/// Facts that name the device, read below the root (and from the kernel on a live host).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Identity {
    /// Host name: the kernel's on a live host, else `etc/hostname`.
    pub hostname: Option<String>,
    /// `etc/machine-id`, else `var/lib/dbus/machine-id`.
    pub machine_id: Option<String>,
    /// Running kernel, on a live host only.
    pub kernel: Option<Kernel>,
}

/// Reads the device identity; what is missing or invalid becomes a diagnostic.
pub fn detect_identity(context: &Context<'_>) -> (Identity, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let uname = context.options.is_live.then(live_uname).flatten();

    let hostname = match &uname {
        Some(uname) if !uname.nodename.is_empty() => Some(uname.nodename.clone()),
        _ => read_hostname(context, &mut diagnostics),
    };
    let machine_id = read_machine_id(context, &mut diagnostics);
    let kernel = uname.map(|uname| Kernel {
        release: uname.release,
        version: Some(uname.version).filter(|version| !version.is_empty()),
    });

    (
        Identity {
            hostname,
            machine_id,
            kernel,
        },
        diagnostics,
    )
}

/// Reads `etc/hostname`: the first line that is not blank or a comment.
fn read_hostname(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    let path = "etc/hostname";
    match read_optional_text(context, path) {
        Ok(text) => text?
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'))
            .map(str::to_owned),
        Err(error) => {
            diagnostics.push(
                Diagnostic::new(COLLECTOR, DiagnosticLevel::Warning, error.to_string())
                    .with_path(path),
            );
            None
        }
    }
}

/// Reads the machine id: 32 lower-case hex digits (`machine-id(5)`).
///
/// An empty file or `uninitialized` (an image prepared for first boot) gives `None`.
fn read_machine_id(context: &Context<'_>, diagnostics: &mut Vec<Diagnostic>) -> Option<String> {
    for path in ["etc/machine-id", "var/lib/dbus/machine-id"] {
        let text = match read_optional_text(context, path) {
            Ok(Some(text)) => text,
            Ok(None) => continue,
            Err(error) => {
                diagnostics.push(
                    Diagnostic::new(COLLECTOR, DiagnosticLevel::Warning, error.to_string())
                        .with_path(path),
                );
                continue;
            }
        };

        let value = text.trim();
        if value.is_empty() || value == "uninitialized" {
            diagnostics.push(
                Diagnostic::new(
                    COLLECTOR,
                    DiagnosticLevel::Info,
                    "machine id not yet set (empty or `uninitialized`)",
                )
                .with_path(path),
            );
            continue;
        }
        if value.len() != 32 || !value.bytes().all(|b| b.is_ascii_hexdigit()) {
            diagnostics.push(
                Diagnostic::new(
                    COLLECTOR,
                    DiagnosticLevel::Warning,
                    format!("invalid machine id `{value}`: expected 32 hexadecimal digits"),
                )
                .with_path(path)
                .with_line(1),
            );
            continue;
        }
        return Some(value.to_ascii_lowercase());
    }
    None
}

/// What `uname(2)` returns for the running kernel.
struct Uname {
    nodename: String,
    release: String,
    version: String,
}

#[cfg(unix)]
fn live_uname() -> Option<Uname> {
    let uname = rustix::system::uname();
    let text = |value: &std::ffi::CStr| value.to_string_lossy().into_owned();
    Some(Uname {
        nodename: text(uname.nodename()),
        release: text(uname.release()),
        version: text(uname.version()),
    })
}

#[cfg(not(unix))]
fn live_uname() -> Option<Uname> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectOptions;

    fn context_for(options: &CollectOptions) -> Context<'_> {
        Context { options, os: None }
    }

    #[test]
    fn image_identity_comes_from_files() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("etc")).expect("mkdir");
        std::fs::write(
            root.path().join("etc/hostname"),
            "# set by installer\nweb-01\n",
        )
        .expect("write");
        std::fs::write(
            root.path().join("etc/machine-id"),
            "3D1219C7C4C5404AAA1F6D2A48ADFDA4\n",
        )
        .expect("write");

        let options = CollectOptions::new(root.path());
        let (identity, diagnostics) = detect_identity(&context_for(&options));
        assert_eq!(identity.hostname.as_deref(), Some("web-01"));
        assert_eq!(
            identity.machine_id.as_deref(),
            Some("3d1219c7c4c5404aaa1f6d2a48adfda4")
        );
        assert_eq!(identity.kernel, None, "no running kernel for an image");
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
    }

    #[test]
    fn machine_id_falls_back_to_dbus() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("etc")).expect("mkdir");
        std::fs::create_dir_all(root.path().join("var/lib/dbus")).expect("mkdir");
        std::fs::write(root.path().join("etc/machine-id"), "uninitialized\n").expect("write");
        std::fs::write(
            root.path().join("var/lib/dbus/machine-id"),
            "0123456789abcdef0123456789abcdef\n",
        )
        .expect("write");

        let options = CollectOptions::new(root.path());
        let (identity, diagnostics) = detect_identity(&context_for(&options));
        assert_eq!(
            identity.machine_id.as_deref(),
            Some("0123456789abcdef0123456789abcdef")
        );
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].level, DiagnosticLevel::Info);
    }

    #[test]
    fn invalid_machine_id_is_a_warning() {
        let root = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(root.path().join("etc")).expect("mkdir");
        std::fs::write(root.path().join("etc/machine-id"), "not-an-id\n").expect("write");

        let options = CollectOptions::new(root.path());
        let (identity, diagnostics) = detect_identity(&context_for(&options));
        assert_eq!(identity.machine_id, None);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].path.as_deref(), Some("etc/machine-id"));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn live_root_reads_running_kernel() {
        let options = CollectOptions::new("/");
        let (identity, _) = detect_identity(&context_for(&options));
        let kernel = identity.kernel.expect("running kernel on a live root");
        let expected = std::fs::read_to_string("/proc/sys/kernel/osrelease").expect("procfs");
        assert_eq!(kernel.release, expected.trim());
    }
}
