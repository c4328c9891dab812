//! Maven `pom.xml` (<https://maven.apache.org/pom.html>): the declared dependencies with their
//! versions resolved as Maven would from what is on disk.
//!
//! Resolution: `${…}` is interpolated from `<properties>`, `project.*`/`pom.*` coordinates
//! and `project.parent.*`; a dependency without a version takes it from
//! `<dependencyManagement>`. Properties and managed versions are inherited from a parent POM
//! found at `<relativePath>` (default `../pom.xml`) whose coordinates match, up to
//! [`MAX_PARENT_DEPTH`] levels, the child winning. A parent that is not on disk (it would be
//! downloaded from a repository) is not fetched: a dependency whose version still cannot be
//! resolved is reported as an informational diagnostic. `test`-scoped dependencies are not
//! part of what ships and are skipped; the project's own artifact is not reported.
// NOTE: BOM imports (`<scope>import</scope>`) and profiles are not applied, so a version that
// only a BOM or an active profile provides stays unresolved.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::lockfile::{Input, Parsed};
use super::{Ecosystem, Package};
use crate::DiagnosticLevel;

const MAX_PARENT_DEPTH: usize = 8;

/// One element of the XML tree: name, text and child elements.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

impl Element {
    fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|child| child.name == name)
    }

    fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(|child| child.text.trim())
    }

    fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |child| child.name == name)
    }
}

/// Properties and managed versions contributed by a POM and its local parents.
#[derive(Default)]
struct Model {
    properties: HashMap<String, String>,
    /// `groupId:artifactId` → version, from `<dependencyManagement>`.
    managed: HashMap<String, String>,
}

pub(crate) fn parse(input: &Input<'_>) -> Result<Parsed, String> {
    let project = parse_xml(input.text)?;
    if project.name != "project" {
        return Err(format!(
            "root element is `{}`, expected `project`",
            project.name
        ));
    }
    let mut parsed = Parsed::default();
    let mut model = Model::default();
    add_parents(input, input.path, &project, 0, &mut model, &mut parsed);
    add_own(&project, &mut model);

    let Some(dependencies) = project.child("dependencies") else {
        return Ok(parsed);
    };
    for dependency in dependencies.children_named("dependency") {
        if dependency.child_text("scope") == Some("test") {
            continue;
        }
        let group = interpolate(
            dependency.child_text("groupId").unwrap_or(""),
            &model.properties,
        );
        let artifact = interpolate(
            dependency.child_text("artifactId").unwrap_or(""),
            &model.properties,
        );
        let name = format!("{group}:{artifact}");
        let version = dependency
            .child_text("version")
            .map(|version| interpolate(version, &model.properties))
            .or_else(|| model.managed.get(&name).cloned())
            .unwrap_or_default();
        if group.is_empty() || artifact.is_empty() || version.is_empty() || version.contains("${") {
            parsed.problems.push((
                DiagnosticLevel::Info,
                None,
                format!("dependency `{name}` has no resolvable version (`{version}`) and was not reported"),
            ));
            continue;
        }
        // A range (`[1.0,2.0)`) names no single release.
        if version.starts_with('[') || version.starts_with('(') {
            parsed.problems.push((
                DiagnosticLevel::Info,
                None,
                format!("dependency `{name}` has a version range `{version}` and was not reported"),
            ));
            continue;
        }
        parsed
            .packages
            .push(Package::new(Ecosystem::Maven, &name, &version));
    }
    Ok(parsed)
}

/// Adds the properties and managed versions of `project` itself, over its parents'.
fn add_own(project: &Element, model: &mut Model) {
    let parent = project.child("parent");
    let coordinate = |name: &str| {
        project
            .child_text(name)
            .or_else(|| parent.and_then(|parent| parent.child_text(name)))
            .unwrap_or("")
            .to_owned()
    };
    for key in ["groupId", "artifactId", "version"] {
        let value = coordinate(key);
        model
            .properties
            .insert(format!("project.{key}"), value.clone());
        model.properties.insert(format!("pom.{key}"), value);
        if let Some(parent_value) = parent.and_then(|parent| parent.child_text(key)) {
            model
                .properties
                .insert(format!("project.parent.{key}"), parent_value.to_owned());
            model
                .properties
                .insert(format!("parent.{key}"), parent_value.to_owned());
        }
    }
    if let Some(properties) = project.child("properties") {
        for property in &properties.children {
            model
                .properties
                .insert(property.name.clone(), property.text.trim().to_owned());
        }
    }
    let managed = project
        .child("dependencyManagement")
        .and_then(|management| management.child("dependencies"));
    if let Some(managed) = managed {
        for dependency in managed.children_named("dependency") {
            let group = interpolate(
                dependency.child_text("groupId").unwrap_or(""),
                &model.properties,
            );
            let artifact = interpolate(
                dependency.child_text("artifactId").unwrap_or(""),
                &model.properties,
            );
            if let Some(version) = dependency.child_text("version") {
                let version = interpolate(version, &model.properties);
                model.managed.insert(format!("{group}:{artifact}"), version);
            }
        }
    }
}

/// Adds what the local parent chain of `project` (at `path`) contributes, farthest first.
fn add_parents(
    input: &Input<'_>,
    path: &Path,
    project: &Element,
    depth: usize,
    model: &mut Model,
    parsed: &mut Parsed,
) {
    let Some(parent) = project.child("parent") else {
        return;
    };
    if depth >= MAX_PARENT_DEPTH {
        return;
    }

    let relative = parent.child_text("relativePath").unwrap_or("../pom.xml");
    if relative.is_empty() {
        return;
    }
    let mut parent_path: PathBuf = path.parent().unwrap_or(Path::new("")).join(relative);
    if !relative.ends_with(".xml") {
        parent_path.push("pom.xml");
    }
    let Ok(text) = input.read_other(&parent_path) else {
        return;
    };

    let parent_project = match parse_xml(&text) {
        Ok(element) => element,
        Err(message) => {
            parsed.problems.push((
                DiagnosticLevel::Warning,
                None,
                format!("invalid parent POM `{}`: {message}", parent_path.display()),
            ));
            return;
        }
    };
    // The file at relativePath is only the parent when its coordinates are the declared ones.
    let declared = (
        parent.child_text("groupId"),
        parent.child_text("artifactId"),
    );
    let found_group = parent_project.child_text("groupId").or_else(|| {
        parent_project
            .child("parent")
            .and_then(|p| p.child_text("groupId"))
    });
    if declared != (found_group, parent_project.child_text("artifactId")) {
        return;
    }

    add_parents(
        input,
        &parent_path,
        &parent_project,
        depth + 1,
        model,
        parsed,
    );
    add_own(&parent_project, model);
}

/// Replaces `${name}` references, repeatedly so that properties may refer to properties.
fn interpolate(value: &str, properties: &HashMap<String, String>) -> String {
    let mut current = value.trim().to_owned();
    for _ in 0..10 {
        let Some(start) = current.find("${") else {
            break;
        };
        let Some(length) = current[start..].find('}') else {
            break;
        };
        let key = &current[start + 2..start + length];
        let Some(replacement) = properties.get(key) else {
            break;
        };
        current = format!(
            "{}{}{}",
            &current[..start],
            replacement,
            &current[start + length + 1..]
        );
    }
    current
}

/// Parses an XML document into its root element, dropping namespaces' prefixes.
fn parse_xml(text: &str) -> Result<Element, String> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|error| format!("at byte {}: {error}", reader.buffer_position()))?;
        match event {
            Event::Start(start) => stack.push(Element {
                name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
                ..Element::default()
            }),
            Event::Empty(start) => {
                let element = Element {
                    name: String::from_utf8_lossy(start.local_name().as_ref()).into_owned(),
                    ..Element::default()
                };
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(element);
                }
            }
            Event::Text(text) => {
                if let (Some(current), Ok(text)) = (stack.last_mut(), text.decode()) {
                    current.text.push_str(&text);
                }
            }
            Event::GeneralRef(reference) => {
                if let Some(current) = stack.last_mut() {
                    let name = String::from_utf8_lossy(reference.as_ref()).into_owned();
                    let expanded = match name.as_str() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    };
                    current.text.push_str(expanded);
                }
            }
            Event::CData(data) => {
                if let Some(current) = stack.last_mut() {
                    current.text.push_str(&String::from_utf8_lossy(&data));
                }
            }
            Event::End(_) => {
                let Some(element) = stack.pop() else {
                    return Err("unbalanced end tag".to_owned());
                };
                match stack.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => return Err("unbalanced end tag".to_owned()),
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut document = stack.pop().ok_or("empty document")?;
    if !stack.is_empty() {
        return Err("unexpected end of document".to_owned());
    }
    document
        .children
        .pop()
        .ok_or_else(|| "no root element".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_is_recursive() {
        let properties = HashMap::from([
            ("a".to_owned(), "${b}".to_owned()),
            ("b".to_owned(), "1.2".to_owned()),
        ]);
        assert_eq!(interpolate("${a}.3", &properties), "1.2.3");
        assert_eq!(interpolate("${missing}", &properties), "${missing}");
    }
}
