//! Chocolatey packages: `ProgramData/chocolatey/lib/<package>/<package>.nuspec`.
//!
//! A `.nuspec` is NuGet's package manifest (XML); the row takes `metadata/id` and
//! `metadata/version`, and `metadata/authors` as vendor.

use std::path::Path;

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{relative_display, resolve_file_below, row, sorted_entries, warning};
use crate::collectors::{Collection, Collector, Context};

/// Name recorded in rows and diagnostics of this collector.
pub const COLLECTOR: &str = "chocolatey";

/// Collector of Chocolatey packages.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChocolateyCollector;

impl Collector for ChocolateyCollector {
    fn name(&self) -> &'static str {
        COLLECTOR
    }

    fn collect(&self, context: &Context<'_>) -> Collection {
        let mut collection = Collection::default();
        let root = &context.options.root;
        let lib = root.join("ProgramData/chocolatey/lib");
        for package in sorted_entries(COLLECTOR, root, &lib, &mut collection.diagnostics) {
            let Some(name) = package.file_name() else {
                continue;
            };
            let mut nuspec_name = name.to_os_string();
            nuspec_name.push(".nuspec");
            let nuspec = package.join(nuspec_name);
            let Some(resolved) = resolve_file_below(root, &nuspec) else {
                continue;
            };
            let display = relative_display(root, &nuspec);
            collection.extend(parse_file(&resolved, &display));
        }
        collection
    }
}

/// Parses one `.nuspec` file; `display` names it in rows and diagnostics.
pub fn parse_file(path: &Path, display: &str) -> Collection {
    match crate::read::read_regular(path) {
        Ok(bytes) => parse(&bytes, display),
        Err(error) => {
            let mut collection = Collection::default();
            collection
                .diagnostics
                .push(warning(COLLECTOR, display, error.to_string()));
            collection
        }
    }
}

/// Parses `.nuspec` XML; `display` names the file in rows and diagnostics.
pub fn parse(bytes: &[u8], display: &str) -> Collection {
    let mut collection = Collection::default();
    let fields = match metadata_fields(bytes) {
        Ok(fields) => fields,
        Err(error) => {
            collection.diagnostics.push(warning(
                COLLECTOR,
                display,
                format!("invalid nuspec XML: {error}"),
            ));
            return collection;
        }
    };
    let (Some(id), Some(version)) = (fields.id, fields.version) else {
        collection.diagnostics.push(warning(
            COLLECTOR,
            display,
            "nuspec has no `metadata/id` or `metadata/version`",
        ));
        return collection;
    };

    let mut software = row(COLLECTOR, "chocolatey", &id, &version, display);
    software.vendor = fields.authors;
    software.purl = packageurl::PackageUrl::new("chocolatey", id.as_str())
        .ok()
        .and_then(|mut purl| {
            purl.with_version(version.as_str())
                .ok()
                .map(|purl| purl.to_string())
        });
    collection.software.push(software);
    collection
}

#[derive(Debug, Default)]
struct MetadataFields {
    id: Option<String>,
    version: Option<String>,
    authors: Option<String>,
}

/// Reads the text of `package/metadata/{id,version,authors}`, ignoring XML namespaces.
fn metadata_fields(bytes: &[u8]) -> Result<MetadataFields, quick_xml::Error> {
    let mut reader = Reader::from_reader(bytes);
    let mut fields = MetadataFields::default();
    let mut path: Vec<Vec<u8>> = Vec::new();
    let mut text = String::new();
    let mut buffer = Vec::new();
    loop {
        let in_field = path.len() == 3 && path[1] == b"metadata";
        match reader.read_event_into(&mut buffer)? {
            Event::Start(start) => {
                path.push(start.local_name().as_ref().to_vec());
                text.clear();
            }
            Event::End(_) => {
                if in_field {
                    let value = Some(text.trim().to_owned()).filter(|value| !value.is_empty());
                    match path[2].as_slice() {
                        b"id" => fields.id = value,
                        b"version" => fields.version = value,
                        b"authors" => fields.authors = value,
                        _ => {}
                    }
                }
                path.pop();
            }
            Event::Text(content) if in_field => {
                text.push_str(&content.decode().map_err(quick_xml::Error::from)?);
            }
            // quick-xml reports `&amp;` and `&#38;` as separate events inside the text.
            Event::GeneralRef(reference) if in_field => {
                if let Some(character) = reference.resolve_char_ref()? {
                    text.push(character);
                } else {
                    let name = reference.decode().map_err(quick_xml::Error::from)?;
                    if let Some(entity) = quick_xml::escape::resolve_predefined_entity(&name) {
                        text.push_str(entity);
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buffer.clear();
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::CollectOptions;

    #[test]
    fn nuspec_in_lib_is_collected() {
        let root = tempfile::tempdir().unwrap();
        let package = root.path().join("ProgramData/chocolatey/lib/git");
        std::fs::create_dir_all(&package).unwrap();
        std::fs::write(
            package.join("git.nuspec"),
            r#"<?xml version="1.0"?><package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
<metadata><id>git</id><version>2.45.1</version><authors>Git &amp; friends</authors></metadata></package>"#,
        )
        .unwrap();
        let broken = root.path().join("ProgramData/chocolatey/lib/bad");
        std::fs::create_dir_all(&broken).unwrap();
        std::fs::write(
            broken.join("bad.nuspec"),
            "<package><metadata><id>bad</id></metadata></package>",
        )
        .unwrap();

        let options = CollectOptions::new(root.path());
        let context = Context {
            options: &options,
            os: None,
        };
        let collection = ChocolateyCollector.collect(&context);
        assert_eq!(collection.software.len(), 1);
        let git = &collection.software[0];
        assert_eq!(git.name, "git");
        assert_eq!(git.version, "2.45.1");
        assert_eq!(git.vendor.as_deref(), Some("Git & friends"));
        assert_eq!(git.purl.as_deref(), Some("pkg:chocolatey/git@2.45.1"));
        assert_eq!(
            git.path.as_deref(),
            Some("ProgramData/chocolatey/lib/git/git.nuspec")
        );
        assert_eq!(collection.diagnostics.len(), 1);
        assert_eq!(
            collection.diagnostics[0].path.as_deref(),
            Some("ProgramData/chocolatey/lib/bad/bad.nuspec")
        );
    }
}
