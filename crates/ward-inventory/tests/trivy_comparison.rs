//! Differential test against Trivy's inventory of the same root filesystem.
//!
//! Runs the shared `peers/trivy-sbom` script (Trivy 0.59.1 in `rootfs` mode, CycloneDX
//! output) and ward's collection on the same root, and checks that ward lists every
//! language component Trivy lists, except for the differences named in [`accepted_reason`].
//! The root is `/` unless `WARD_COMPARE_ROOT` is set; `WARD_COMPARE_EXCLUDES` (a
//! colon-separated list of absolute paths) is skipped by both tools.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;
use ward_inventory::{collect, CollectOptions};

/// Package-URL types that both Trivy's rootfs scan and ward read.
const SHARED_TYPES: &[&str] = &[
    "pypi", "npm", "golang", "cargo", "gem", "maven", "nuget", "composer",
];

/// One language component: (purl type, name in ward's spelling, version).
type Key = (String, String, String);

fn shared_dir() -> PathBuf {
    std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")))
}

/// Returns why a component that Trivy lists and ward does not is acceptable, or `None`.
fn accepted_reason(key: &Key, trivy_path: &str, root: &Path) -> Option<&'static str> {
    let (package_type, name, version) = key;
    match package_type.as_str() {
        "cargo" if trivy_path.contains(".cargo/registry/") || trivy_path.contains(".cargo/git/") => {
            Some("a Cargo.lock inside cargo's download cache records how a dependency was developed, not what is installed")
        }
        "cargo" if is_local_cargo_package(&root.join(trivy_path), name, version) => {
            Some("a Cargo.lock package without a `source` is a workspace member or path dependency, which no crates.io advisory is about")
        }
        "golang" if !version.starts_with('v') => {
            Some("a Go main module without a module version in its build info: Trivy leaves it empty or takes `-ldflags -X main.version`; ward reports no version it cannot read")
        }
        _ => None,
    }
}

fn is_local_cargo_package(lockfile: &Path, name: &str, version: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(lockfile) else {
        return false;
    };
    let Ok(lock) = text.parse::<toml::Table>() else {
        return false;
    };
    let packages = lock
        .get("package")
        .and_then(|p| p.as_array())
        .cloned()
        .unwrap_or_default();
    packages.iter().any(|package| {
        package.get("name").and_then(|v| v.as_str()) == Some(name)
            && package.get("version").and_then(|v| v.as_str()) == Some(version)
            && package.get("source").is_none()
    })
}

/// Reads Trivy's CycloneDX components as (key → path), the path of a lockfile's packages
/// being that of the application component they hang from.
fn trivy_components(sbom: &Value) -> BTreeMap<Key, String> {
    let components = sbom["components"].as_array().cloned().unwrap_or_default();
    let by_ref: HashMap<&str, &Value> = components
        .iter()
        .filter_map(|c| Some((c["bom-ref"].as_str()?, c)))
        .collect();
    let dependencies: HashMap<&str, Vec<&str>> = sbom["dependencies"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|d| {
                    let children = d["dependsOn"]
                        .as_array()?
                        .iter()
                        .filter_map(Value::as_str)
                        .collect();
                    Some((d["ref"].as_str()?, children))
                })
                .collect()
        })
        .unwrap_or_default();
    let mut application_of: HashMap<&str, &str> = HashMap::new();
    for (reference, component) in &by_ref {
        if component["type"] != "application" {
            continue;
        }
        let Some(path) = component["name"].as_str() else {
            continue;
        };
        let mut stack: Vec<&str> = dependencies.get(reference).cloned().unwrap_or_default();
        while let Some(child) = stack.pop() {
            if application_of.insert(child, path).is_none() {
                stack.extend(dependencies.get(child).cloned().unwrap_or_default());
            }
        }
    }

    let mut found = BTreeMap::new();
    for component in &components {
        let Some(purl) = component["purl"].as_str() else {
            continue;
        };
        let package_type = purl
            .trim_start_matches("pkg:")
            .split('/')
            .next()
            .unwrap_or("");
        if !SHARED_TYPES.contains(&package_type) {
            continue;
        }
        let name = component["name"].as_str().unwrap_or("");
        let name = match (component["group"].as_str(), package_type) {
            (Some(group), "maven") => format!("{group}:{name}"),
            (Some(group), _) => format!("{group}/{name}"),
            (None, "pypi") => normalize_pypi(name),
            (None, _) => name.to_owned(),
        };
        let version = component["version"].as_str().unwrap_or("").to_owned();
        let property_path = component["properties"].as_array().and_then(|properties| {
            properties
                .iter()
                .find(|p| p["name"] == "aquasecurity:trivy:FilePath")
                .and_then(|p| p["value"].as_str())
        });
        let reference = component["bom-ref"].as_str().unwrap_or("");
        let path = property_path
            .or_else(|| application_of.get(reference).copied())
            .unwrap_or("")
            .to_owned();
        found.insert((package_type.to_owned(), name, version), path);
    }
    found
}

fn normalize_pypi(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.extend(c.to_lowercase());
        }
    }
    out
}

#[test]
#[ignore = "needs trivy: run by .ci/run"]
fn ward_lists_every_trivy_component() {
    let root = PathBuf::from(std::env::var("WARD_COMPARE_ROOT").unwrap_or_else(|_| "/".to_owned()));
    let excludes: Vec<String> = std::env::var("WARD_COMPARE_EXCLUDES")
        .map(|list| {
            list.split(':')
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();

    let output = tempfile::NamedTempFile::new().expect("temp file");
    let mut trivy = Command::new(shared_dir().join("peers/trivy-sbom"));
    trivy.arg(&root).arg(output.path());
    for exclude in &excludes {
        trivy.arg("--skip-dirs").arg(exclude);
    }
    let status = trivy.status().expect("run peers/trivy-sbom");
    assert!(status.success(), "trivy-sbom failed: {status}");
    let sbom: Value = serde_json::from_slice(&std::fs::read(output.path()).expect("read SBOM"))
        .expect("valid CycloneDX JSON");
    let trivy = trivy_components(&sbom);

    let mut options = CollectOptions::new(&root);
    options.walk.excludes = excludes
        .iter()
        .map(|path| {
            path.strip_prefix(root.to_str().unwrap_or("/"))
                .unwrap_or(path)
        })
        .map(|path| format!("/{}", path.trim_start_matches('/')))
        .collect();
    let inventory = collect(&options);
    let ward: HashSet<Key> = inventory
        .software
        .iter()
        .map(|s| (s.package_type.clone(), s.name.clone(), s.version.clone()))
        .collect();

    let mut accepted: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for (key, path) in &trivy {
        if ward.contains(key) {
            continue;
        }
        match accepted_reason(key, path, &root) {
            Some(reason) => *accepted.entry(reason).or_default() += 1,
            None => unexplained.push(format!("{key:?} at `{path}`")),
        }
    }
    let ward_only = ward
        .iter()
        .filter(|key| SHARED_TYPES.contains(&key.0.as_str()) && !trivy.contains_key(*key))
        .count();
    println!(
        "trivy: {} language components; ward: {} components; ward only: {ward_only}",
        trivy.len(),
        ward.len()
    );
    for (reason, count) in &accepted {
        println!("accepted ({count}): {reason}");
    }
    assert!(
        unexplained.is_empty(),
        "Trivy lists components ward misses:\n{}",
        unexplained.join("\n")
    );
}
