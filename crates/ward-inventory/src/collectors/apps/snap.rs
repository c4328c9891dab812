//! snap packages, from their mounted metadata and from `snap list` output.
//!
//! snapd mounts each installed revision at `snap/<name>/<revision>` and points
//! `snap/<name>/current` at the active one; `meta/snap.yaml` inside it contains `name` and
//! `version`. The collector reads the `current` revision of each snap. On an image that is
//! not running, the mounts are absent and only the `var/lib/snapd/snaps/<name>_<rev>.snap`
//! squashfs files exist.
//! TODO: read `meta/snap.yaml` from inside those squashfs files, so that images list snaps.
//!
//! `snap list` prints a header line (`Name Version Rev Tracking Publisher Notes`) and one
//! whitespace-separated line per snap; no column contains spaces.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

use super::{relative_display, resolve_file_below, row, sorted_entries, warning};
use crate::collectors::{Collection, Collector, Context};

/// Name recorded in rows and diagnostics of this collector.
pub const COLLECTOR: &str = "snap";

/// Collector of the snaps mounted below `snap/`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SnapCollector;

impl Collector for SnapCollector {
    fn name(&self) -> &'static str {
        COLLECTOR
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let mut collection = Collection::default();
        let root = &context.options.root;
        for snap in sorted_entries(
            COLLECTOR,
            root,
            &root.join("snap"),
            &mut collection.diagnostics,
        ) {
            let metadata = snap.join("current/meta/snap.yaml");
            let Some(resolved) = resolve_file_below(root, &metadata) else {
                continue;
            };
            let display = relative_display(root, &metadata);
            // `current` is a relative link to the revision directory (`current -> 1380`).
            let revision = crate::root::resolve_in_root(root, &snap)
                .and_then(|snap| fs_err::read_link(snap.join("current")))
                .ok()
                .map(|target| target.to_string_lossy().into_owned());
            collection.extend(parse_snap_yaml_file(&resolved, &display, revision));
        }
        collection
    }
}

/// Parses a `meta/snap.yaml`; `revision` is the `current` link's target when known.
pub fn parse_snap_yaml_file(path: &Path, display: &str, revision: Option<String>) -> Collection {
    let mut collection = Collection::default();
    let text = match crate::read::read_regular(path) {
        Ok(bytes) => crate::read::into_text(bytes),
        Err(error) => {
            collection
                .diagnostics
                .push(warning(COLLECTOR, display, error.to_string()));
            return collection;
        }
    };
    let documents = match YamlLoader::load_from_str(&text) {
        Ok(documents) => documents,
        Err(error) => {
            collection.diagnostics.push(warning(
                COLLECTOR,
                display,
                format!("invalid snap.yaml: {error}"),
            ));
            return collection;
        }
    };
    let document = documents.first().unwrap_or(&Yaml::BadValue);
    let scalar = |key: &str| match &document[key] {
        Yaml::String(text) => Some(text.clone()),
        Yaml::Integer(number) => Some(number.to_string()),
        Yaml::Real(text) => Some(text.clone()),
        _ => None,
    };
    let (Some(name), Some(version)) = (scalar("name"), scalar("version")) else {
        collection.diagnostics.push(warning(
            COLLECTOR,
            display,
            "snap.yaml has no `name` or `version`",
        ));
        return collection;
    };

    let mut software = row(COLLECTOR, "snap", &name, &version, display);
    software.architecture = match &document["architectures"] {
        Yaml::Array(list) => list.first().and_then(Yaml::as_str).map(str::to_owned),
        _ => None,
    };
    software.identifier = revision.map(|revision| format!("{name}/{revision}"));
    collection.software.push(software);
    collection
}

/// Parses `snap list` output; `display` names the file in rows and diagnostics.
pub fn parse_list_output(text: &str, display: &str) -> Collection {
    let mut collection = Collection::default();
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.find(|(_, line)| !line.trim().is_empty()) else {
        return collection;
    };
    if !header.starts_with("Name") || !header.contains("Version") {
        collection.diagnostics.push(warning(
            COLLECTOR,
            display,
            "not `snap list` output: the first line is not the `Name Version Rev …` header",
        ));
        return collection;
    }

    for (index, line) in lines {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let [name, version, revision, ..] = fields[..] else {
            collection.diagnostics.push(
                warning(
                    COLLECTOR,
                    display,
                    format!("expected at least 3 columns in `{line}`"),
                )
                .with_line(index as u64 + 1),
            );
            continue;
        };
        let mut software = row(COLLECTOR, "snap", name, version, display);
        software.identifier = Some(format!("{name}/{revision}"));
        // Publisher, with snapd's verified-account marks (`*`, `✓`, `**`) removed.
        software.vendor = fields
            .get(4)
            .map(|publisher| publisher.trim_end_matches(['*', '✓', '✪']).to_owned())
            .filter(|publisher| !publisher.is_empty() && publisher != "-");
        collection.software.push(software);
    }
    collection
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn mounted_snaps_are_collected() {
        let root = tempfile::tempdir().unwrap();
        let meta = root.path().join("snap/core22/1380/meta");
        std::fs::create_dir_all(&meta).unwrap();
        std::fs::write(
            meta.join("snap.yaml"),
            "name: core22\nversion: '20240408'\narchitectures:\n  - amd64\ntype: base\n",
        )
        .unwrap();
        std::os::unix::fs::symlink("1380", root.path().join("snap/core22/current")).unwrap();
        std::fs::create_dir_all(root.path().join("snap/bin")).unwrap();

        let options = crate::CollectOptions::new(root.path());
        let context = Context {
            options: &options,
            os: None,
        };
        let collection = SnapCollector.collect(&context);
        assert_eq!(collection.diagnostics, vec![]);
        assert_eq!(collection.software.len(), 1);
        let core = &collection.software[0];
        assert_eq!(core.name, "core22");
        assert_eq!(core.version, "20240408");
        assert_eq!(core.architecture.as_deref(), Some("amd64"));
        assert_eq!(core.identifier.as_deref(), Some("core22/1380"));
        assert_eq!(
            core.path.as_deref(),
            Some("snap/core22/current/meta/snap.yaml")
        );
    }

    #[test]
    fn list_output_is_parsed() {
        let text = "Name    Version   Rev   Tracking  Publisher   Notes\n\
                    core18  20191030  1265  stable    canonical*  base\n\
                    scrcpy  v1.10     174   stable    sisco311    -\n\
                    broken\n";
        let collection = parse_list_output(text, "snap.txt");
        assert_eq!(collection.software.len(), 2);
        assert_eq!(collection.software[0].vendor.as_deref(), Some("canonical"));
        assert_eq!(collection.software[1].version, "v1.10");
        assert_eq!(collection.diagnostics.len(), 1);
        assert_eq!(collection.diagnostics[0].line, Some(4));
    }
}
