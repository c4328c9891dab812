//! flatpak applications and runtimes, from their deployments and from `flatpak list` output.
//!
//! A system installation lives in `var/lib/flatpak`, a user's in
//! `home/<user>/.local/share/flatpak`. Each deployment is
//! `{app,runtime}/<id>/<arch>/<branch>/active/`, where `active` links to the deployed commit.
//! The version is the first `<release version="…">` of the AppStream file
//! `files/share/metainfo/<id>.metainfo.xml` (or `.appdata.xml`), as `flatpak list` shows
//! it, else the branch.
//!
//! `flatpak list --columns=application,branch,installation,name` output (the form GLPI's
//! agent runs) is importable: tab-separated, one deployment per line, its version being the
//! branch.

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{relative_display, row, sorted_entries, warning};
use crate::collectors::{Collection, Collector, Context};
use crate::read::{is_dir_below, read_below};
use crate::Diagnostic;

/// Name recorded in rows and diagnostics of this collector.
pub const COLLECTOR: &str = "flatpak";

/// Collector of flatpak deployments, system-wide and per user.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlatpakCollector;

impl Collector for FlatpakCollector {
    fn name(&self) -> &'static str {
        COLLECTOR
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let mut collection = Collection::default();
        let root = &context.options.root;
        let mut installations = vec![root.join("var/lib/flatpak")];
        for home in sorted_entries(
            COLLECTOR,
            root,
            &root.join("home"),
            &mut collection.diagnostics,
        ) {
            installations.push(home.join(".local/share/flatpak"));
        }
        for installation in installations {
            collect_installation(root, &installation, &mut collection);
        }
        collection
    }
}

fn collect_installation(root: &Path, installation: &Path, collection: &mut Collection) {
    for kind in ["app", "runtime"] {
        let diagnostics = &mut collection.diagnostics;
        for id in sorted_entries(COLLECTOR, root, &installation.join(kind), diagnostics) {
            for arch in sorted_entries(COLLECTOR, root, &id, diagnostics) {
                for branch in sorted_entries(COLLECTOR, root, &arch, diagnostics) {
                    let active = branch.join("active");
                    if !is_dir_below(root, &active) {
                        continue;
                    }
                    let name = file_name(&id);
                    let branch_name = file_name(&branch);
                    let (version, metadata_path) =
                        appstream_version(root, &active, &name, diagnostics)
                            .unwrap_or_else(|| (branch_name.clone(), active.join("metadata")));

                    let display = relative_display(root, &metadata_path);
                    let mut software = row(COLLECTOR, "flatpak", &name, &version, &display);
                    software.architecture = Some(file_name(&arch));
                    software.identifier =
                        Some(format!("{kind}/{name}/{}/{branch_name}", file_name(&arch)));
                    collection.software.push(software);
                }
            }
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|name| name.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Returns the newest release version of the deployment's AppStream file and that file.
fn appstream_version(
    root: &Path,
    active: &Path,
    id: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(String, std::path::PathBuf)> {
    for directory in ["files/share/metainfo", "files/share/appdata"] {
        for suffix in ["metainfo.xml", "appdata.xml"] {
            let path = active.join(directory).join(format!("{id}.{suffix}"));
            let Ok(bytes) = read_below(root, &path) else {
                continue;
            };
            match first_release_version(&bytes) {
                Ok(Some(version)) => return Some((version, path)),
                Ok(None) => return None,
                Err(error) => {
                    diagnostics.push(warning(
                        COLLECTOR,
                        &relative_display(root, &path),
                        format!("invalid AppStream XML: {error}"),
                    ));
                    return None;
                }
            }
        }
    }
    None
}

/// Returns the `version` attribute of the first `<release>` element; AppStream lists
/// releases newest first.
fn first_release_version(bytes: &[u8]) -> Result<Option<String>, quick_xml::Error> {
    let mut reader = Reader::from_reader(bytes);
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer)? {
            Event::Start(element) | Event::Empty(element)
                if element.local_name().as_ref() == b"release" =>
            {
                for attribute in element.attributes() {
                    let attribute = attribute.map_err(quick_xml::Error::from)?;
                    if attribute.key.as_ref() == b"version" {
                        let value = attribute
                            .decode_and_unescape_value(reader.decoder())?
                            .into_owned();
                        return Ok(Some(value));
                    }
                }
            }
            Event::Eof => return Ok(None),
            _ => {}
        }
        buffer.clear();
    }
}

/// Parses `flatpak list` output with the columns application, branch, installation, name.
pub fn parse_list_output(text: &str, display: &str) -> Collection {
    let mut collection = Collection::default();
    for (index, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        let [application, branch, installation, ..] = fields[..] else {
            collection.diagnostics.push(
                warning(
                    COLLECTOR,
                    display,
                    format!(
                        "expected tab-separated application, branch and installation in `{line}`"
                    ),
                )
                .with_line(index as u64 + 1),
            );
            continue;
        };
        let mut software = row(COLLECTOR, "flatpak", application, branch, display);
        software.identifier = Some(format!("{installation}/{application}/{branch}"));
        software.status = Some(installation.to_owned());
        collection.software.push(software);
    }
    collection
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectOptions;

    #[test]
    fn deployments_are_collected() {
        let root = tempfile::tempdir().unwrap();
        let active = root
            .path()
            .join("var/lib/flatpak/app/org.gimp.GIMP/x86_64/stable/active");
        let metainfo = active.join("files/share/metainfo");
        std::fs::create_dir_all(&metainfo).unwrap();
        std::fs::write(
            metainfo.join("org.gimp.GIMP.metainfo.xml"),
            r#"<component><releases><release version="2.10.38" date="2024-05-02"/>
<release version="2.10.36"/></releases></component>"#,
        )
        .unwrap();
        let runtime = root
            .path()
            .join("home/alice/.local/share/flatpak/runtime/org.gnome.Platform/x86_64/46/active");
        std::fs::create_dir_all(&runtime).unwrap();

        let options = CollectOptions::new(root.path());
        let context = Context {
            options: &options,
            os: None,
        };
        let collection = FlatpakCollector.collect(&context);
        assert_eq!(collection.diagnostics, vec![]);
        let found: Vec<(&str, &str)> = collection
            .software
            .iter()
            .map(|row| (row.name.as_str(), row.version.as_str()))
            .collect();
        assert_eq!(
            found,
            [("org.gimp.GIMP", "2.10.38"), ("org.gnome.Platform", "46")]
        );
        assert_eq!(
            collection.software[1].identifier.as_deref(),
            Some("runtime/org.gnome.Platform/x86_64/46")
        );
    }

    #[test]
    fn list_output_is_parsed() {
        let text = "com.vscodium.codium\tstable\tsystem\tVSCodium\n\
                    org.gnome.Platform\t3.38\tuser\tGNOME Application Platform\n\
                    no-tabs-here\n";
        let collection = parse_list_output(text, "flatpak.txt");
        assert_eq!(collection.software.len(), 2);
        assert_eq!(collection.software[1].version, "3.38");
        assert_eq!(collection.software[1].status.as_deref(), Some("user"));
        assert_eq!(collection.diagnostics[0].line, Some(3));
    }
}
