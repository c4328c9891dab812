//! End-to-end: `collect` on a small tree finds installed Python and Node packages through the
//! walk and marks the ones a dpkg package installed.

use std::path::Path;

use ward_inventory::{collect, CollectOptions};

fn write(root: &Path, relative: &str, content: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
    std::fs::write(path, content).expect("write file");
}

#[test]
fn collect_finds_and_marks_language_packages() {
    let root = tempfile::tempdir().expect("temp dir");
    let root = root.path();
    write(
        root,
        "usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO",
        "Metadata-Version: 1.2\nName: requests\nVersion: 2.28.1\n",
    );
    write(
        root,
        "var/lib/dpkg/info/python3-requests.list",
        "/usr/lib/python3/dist-packages/requests-2.28.1.egg-info/PKG-INFO\n",
    );
    write(
        root,
        "srv/venv/lib/python3.11/site-packages/Flask_Login-0.6.3.dist-info/METADATA",
        "Metadata-Version: 2.1\nName: Flask-Login\nVersion: 0.6.3\n",
    );
    write(
        root,
        "srv/app/node_modules/lodash/package.json",
        r#"{"name": "lodash", "version": "4.17.21"}"#,
    );
    write(
        root,
        "srv/app/node_modules/lodash/fp/package.json",
        r#"{"main": "../fp.js"}"#,
    );
    write(
        root,
        "srv/app/node_modules/@types/node/package.json",
        r#"{"name": "@types/node", "version": "20.1.0"}"#,
    );

    let inventory = collect(&CollectOptions::new(root));
    let rows: Vec<(&str, &str, &str, Option<&str>)> = inventory
        .software
        .iter()
        .filter(|software| software.package_type != "deb")
        .map(|software| {
            (
                software.name.as_str(),
                software.version.as_str(),
                software.purl.as_deref().unwrap_or(""),
                software.owned_by.as_deref(),
            )
        })
        .collect();

    assert_eq!(rows.len(), 4, "{rows:?}");
    assert!(rows.contains(&("flask-login", "0.6.3", "pkg:pypi/flask-login@0.6.3", None)));
    assert!(rows.contains(&("lodash", "4.17.21", "pkg:npm/lodash@4.17.21", None)));
    assert!(rows.contains(&(
        "@types/node",
        "20.1.0",
        "pkg:npm/%40types/node@20.1.0",
        None
    )));
    assert!(rows.contains(&(
        "requests",
        "2.28.1",
        "pkg:pypi/requests@2.28.1",
        Some("deb:python3-requests")
    )));
    let walk_summary = inventory
        .diagnostics
        .iter()
        .find(|diagnostic| diagnostic.collector == "walk")
        .expect("walk summary diagnostic");
    assert!(
        walk_summary.message.contains("6 files"),
        "{}",
        walk_summary.message
    );
}
