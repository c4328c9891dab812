//! Ownership of language-package files by OS packages.
//!
//! Debian ships Python modules (`python3-requests` installs
//! `/usr/lib/python3/dist-packages/requests-2.28.1.egg-info`), Node modules, jars and Go
//! binaries. Such a copy carries the distro's backported fixes, so it must be judged by distro
//! data, not by upstream ranges. dpkg records every file a package installed in
//! `var/lib/dpkg/info/<package>[:<arch>].list`; a component whose file is listed there gets
//! `owned_by = "deb:<package>"`.
//!
//! The lists are streamed once after the walk and only the paths of found components are
//! kept in memory, so the cost in memory grows with components found, not with the size of
//! the lists.

use std::collections::HashMap;
use std::path::Path;

use crate::{Diagnostic, DiagnosticLevel, Software};

const NAME: &str = "os-ownership";

/// Marks each component in `software` whose file an OS package installed, reading the dpkg
/// file lists below `root`; returns a diagnostic per list that could not be read.
///
/// Components that already have an owner, or no path, are left alone. Without
/// `var/lib/dpkg/info` (not a Debian system, or a distroless image with only `status.d`)
/// nothing is marked.
// TODO: rpm-based systems record file ownership in the rpm database; read it through the rpm
// collector's header parser so that Python packages from `python3-*` rpms are marked too.
pub fn mark_os_owned(root: &Path, software: &mut [Software]) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut paths_to_mark: HashMap<String, Vec<usize>> = HashMap::new();
    for (index, component) in software.iter().enumerate() {
        if component.owned_by.is_some() {
            continue;
        }
        if let Some(path) = &component.path {
            paths_to_mark
                .entry(format!("/{}", path.trim_start_matches('/')))
                .or_default()
                .push(index);
        }
    }
    if paths_to_mark.is_empty() {
        return diagnostics;
    }

    let Ok(entries) = crate::read::read_dir_below(root, Path::new("var/lib/dpkg/info")) else {
        return diagnostics;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(list_name) = file_name
            .to_str()
            .and_then(|name| name.strip_suffix(".list"))
        else {
            continue;
        };
        let package = list_name.split(':').next().unwrap_or(list_name);
        let text = match crate::read::read_below(root, &entry.path()) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(error) => {
                diagnostics.push(Diagnostic {
                    collector: NAME.to_owned(),
                    level: DiagnosticLevel::Warning,
                    path: Some(format!("var/lib/dpkg/info/{list_name}.list")),
                    line: None,
                    message: format!("cannot read dpkg file list: {error}"),
                });
                continue;
            }
        };
        for line in text.lines() {
            mark_line(line, package, &paths_to_mark, software);
            // On merged-/usr systems dpkg may still list `/bin/x` or `/lib/x` while the
            // walk, which does not follow the `/bin -> usr/bin` symlink, finds `usr/bin/x`.
            if ["/bin/", "/sbin/", "/lib"]
                .iter()
                .any(|prefix| line.starts_with(prefix))
            {
                mark_line(&format!("/usr{line}"), package, &paths_to_mark, software);
            }
        }
    }
    diagnostics
}

fn mark_line(
    line: &str,
    package: &str,
    paths_to_mark: &HashMap<String, Vec<usize>>,
    software: &mut [Software],
) {
    let Some(indices) = paths_to_mark.get(line) else {
        return;
    };
    for &index in indices {
        if let Some(component) = software.get_mut(index) {
            component
                .owned_by
                .get_or_insert_with(|| format!("deb:{package}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dpkg_list_marks_owned_component() {
        let root = tempfile::tempdir().expect("temp dir");
        let info = root.path().join("var/lib/dpkg/info");
        std::fs::create_dir_all(&info).expect("create info dir");
        std::fs::write(
            info.join("python3-six.list"),
            "/.\n/usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO\n",
        )
        .expect("write list");
        std::fs::write(info.join("golang-bin:amd64.list"), "/bin/gobin\n").expect("write list");

        let mut software = vec![
            Software {
                name: "six".to_owned(),
                path: Some("usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO".to_owned()),
                ..Software::default()
            },
            Software {
                name: "gobin".to_owned(),
                path: Some("usr/bin/gobin".to_owned()),
                ..Software::default()
            },
            Software {
                name: "flask".to_owned(),
                path: Some(
                    "venv/lib/python3.11/site-packages/flask-3.0.dist-info/METADATA".to_owned(),
                ),
                ..Software::default()
            },
        ];
        let diagnostics = mark_os_owned(root.path(), &mut software);
        assert!(diagnostics.is_empty());
        assert_eq!(software[0].owned_by.as_deref(), Some("deb:python3-six"));
        assert_eq!(software[1].owned_by.as_deref(), Some("deb:golang-bin"));
        assert_eq!(software[2].owned_by, None);
    }
}
