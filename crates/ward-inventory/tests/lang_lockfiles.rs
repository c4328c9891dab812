//! Real-data tests: every lockfile and manifest under the shared fixtures, read by the
//! collector of its format. The fixtures come with no package lists, so each case states the
//! expected count and a few named packages, checked against the files by hand and with
//! Python's `json`/`tomllib`.

use std::path::{Path, PathBuf};

use ward_inventory::collectors::lang::file_collectors;
use ward_inventory::{CollectOptions, Collection, Context, DiagnosticLevel};

fn lockfiles_dir() -> PathBuf {
    let shared = std::env::var_os("WARD_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")));
    shared.join("fixtures/lockfiles")
}

fn parse(collector_name: &str, file: &str) -> Collection {
    let options = CollectOptions::new(lockfiles_dir());
    let context = Context {
        options: &options,
        os: None,
    };
    let collector = file_collectors()
        .into_iter()
        .find(|collector| collector.name() == collector_name)
        .unwrap_or_else(|| panic!("no collector `{collector_name}`"));
    collector.parse(&context, Path::new(file))
}

/// (collector, file, expected component count, packages that must be present as
/// (name, version, purl)).
type Case = (
    &'static str,
    &'static str,
    usize,
    &'static [(&'static str, &'static str, &'static str)],
);

const CASES: &[Case] = &[
    (
        "cargo-lock",
        "rust/cargo_v3.lock",
        8,
        &[("aho-corasick", "0.7.20", "pkg:cargo/aho-corasick@0.7.20")],
    ),
    // The root package `normal` has no source and is not reported.
    (
        "cargo-lock",
        "rust/cargo_mixed.lock",
        7,
        &[
            ("url", "1.7.2", "pkg:cargo/url@1.7.2"),
            ("libc", "0.2.54", "pkg:cargo/libc@0.2.54"),
        ],
    ),
    (
        "cargo-lock",
        "rust/trivy-ci-test/Cargo.lock",
        73,
        &[("ammonia", "1.9.0", "pkg:cargo/ammonia@1.9.0")],
    ),
    (
        "npm-lock",
        "npm/package-lock_v1.json",
        31,
        &[
            (
                "@babel/helper-string-parser",
                "7.19.4",
                "pkg:npm/%40babel/helper-string-parser@7.19.4",
            ),
            ("asap", "2.0.6", "pkg:npm/asap@2.0.6"),
        ],
    ),
    (
        "npm-lock",
        "npm/package-lock_v2.json",
        31,
        &[
            (
                "@babel/helper-string-parser",
                "7.19.4",
                "pkg:npm/%40babel/helper-string-parser@7.19.4",
            ),
            ("asap", "2.0.6", "pkg:npm/asap@2.0.6"),
        ],
    ),
    (
        "npm-lock",
        "npm/package-lock_v3.json",
        31,
        &[
            (
                "@babel/helper-string-parser",
                "7.19.4",
                "pkg:npm/%40babel/helper-string-parser@7.19.4",
            ),
            ("asap", "2.0.6", "pkg:npm/asap@2.0.6"),
        ],
    ),
    // Workspace folders and links are local code; the workspace's own node_modules count.
    (
        "npm-lock",
        "npm/package-lock_v3_with_workspace.json",
        4,
        &[
            ("debug", "2.5.2", "pkg:npm/debug@2.5.2"),
            ("debug", "2.6.9", "pkg:npm/debug@2.6.9"),
            ("ms", "0.7.2", "pkg:npm/ms@0.7.2"),
        ],
    ),
    ("npm-lock", "npm/scalibr-commits.v2.json", 11, &[]),
    (
        "npm-lock",
        "npm/scalibr-nested-dependencies-dup.v1.json",
        39,
        &[],
    ),
    (
        "yarn-lock",
        "yarn/yarn_happy.lock",
        18,
        &[(
            "@babel/helper-regex",
            "7.4.4",
            "pkg:npm/%40babel/helper-regex@7.4.4",
        )],
    ),
    (
        "yarn-lock",
        "yarn/yarn_v2_happy.lock",
        16,
        &[
            (
                "@types/color-name",
                "1.1.1",
                "pkg:npm/%40types/color-name@1.1.1",
            ),
            ("ansi-styles", "4.2.1", "pkg:npm/ansi-styles@4.2.1"),
        ],
    ),
    // The workspace entry `eslint-plugin-jest@workspace:.` is skipped.
    (
        "yarn-lock",
        "yarn/scalibr-with-prerelease.v2.lock",
        2,
        &[("gensync", "1.0.0-beta.2", "pkg:npm/gensync@1.0.0-beta.2")],
    ),
    (
        "pnpm-lock",
        "pnpm/pnpm-lock_many.yaml",
        134,
        &[(
            "@babel/runtime",
            "7.18.3",
            "pkg:npm/%40babel/runtime@7.18.3",
        )],
    ),
    // Tarball entries take their `version` field; the directory dependency `package1` is skipped.
    (
        "pnpm-lock",
        "pnpm/pnpm-lock_v9.yaml",
        21,
        &[
            ("asynckit", "0.4.0", "pkg:npm/asynckit@0.4.0"),
            ("is-negative", "2.0.1", "pkg:npm/is-negative@2.0.1"),
            ("debug", "4.3.5", "pkg:npm/debug@4.3.5"),
        ],
    ),
    (
        "poetry-lock",
        "python/poetry_v2_flask.lock",
        15,
        &[("flask", "1.0.3", "pkg:pypi/flask@1.0.3")],
    ),
    ("poetry-lock", "python/poetry-with-groups.lock", 22, &[]),
    (
        "pipfile-lock",
        "python/trivy-ci-test/Pipfile.lock",
        85,
        &[
            ("amqp", "2.4.2", "pkg:pypi/amqp@2.4.2"),
            ("autopep8", "1.4.3", "pkg:pypi/autopep8@1.4.3"),
        ],
    ),
    // Only `==` pins name a release.
    (
        "requirements",
        "python/requirements_operator.txt",
        2,
        &[
            ("django", "2.3.4", "pkg:pypi/django@2.3.4"),
            ("someproject", "5.4", "pkg:pypi/someproject@5.4"),
        ],
    ),
    (
        "requirements",
        "python/requirements_hash.txt",
        2,
        &[
            ("fooproject", "1.2", "pkg:pypi/fooproject@1.2"),
            ("jinja2", "3.0.0", "pkg:pypi/jinja2@3.0.0"),
        ],
    ),
    ("requirements", "python/requirements_compatible.txt", 0, &[]),
    (
        "requirements",
        "python/requirements_utf16le.txt",
        1,
        &[("attrs", "20.3.0", "pkg:pypi/attrs@20.3.0")],
    ),
    (
        "go-mod",
        "go/trivy-gomod/go.mod",
        18,
        &[
            (
                "github.com/open-policy-agent/opa",
                "v0.35.0",
                "pkg:golang/github.com/open-policy-agent/opa@v0.35.0",
            ),
            (
                "github.com/docker/docker",
                "v20.10.11+incompatible",
                "pkg:golang/github.com/docker/docker@v20.10.11%2Bincompatible",
            ),
        ],
    ),
    (
        "go-mod",
        "go/replaced/go.mod",
        2,
        &[(
            "github.com/aquasecurity/go-dep-parser",
            "v0.0.0-20220406074731-71021a481237",
            "pkg:golang/github.com/aquasecurity/go-dep-parser@v0.0.0-20220406074731-71021a481237",
        )],
    ),
    // `go 1.17` and later: go.mod is complete, so the go.sum beside it adds nothing.
    ("go-sum", "go/trivy-gomod/go.sum", 0, &[]),
    ("go-sum", "go/replaced/go.sum", 0, &[]),
    (
        "gemfile-lock",
        "ruby/Gemfile_bundler2.lock",
        8,
        &[
            ("faker", "2.21.0", "pkg:gem/faker@2.21.0"),
            ("i18n", "1.10.0", "pkg:gem/i18n@1.10.0"),
        ],
    ),
    (
        "gemfile-lock",
        "ruby/scalibr-rails.lock",
        46,
        &[("actioncable", "7.0.2.2", "pkg:gem/actioncable@7.0.2.2")],
    ),
    (
        "composer-lock",
        "php/composer_happy.lock",
        10,
        &[(
            "guzzlehttp/guzzle",
            "6.5.8",
            "pkg:composer/guzzlehttp/guzzle@6.5.8",
        )],
    ),
    (
        "composer-lock",
        "php/scalibr-drupal-packages.json",
        4,
        &[(
            "drupal/tfa",
            "2.0.0-alpha4",
            "pkg:composer/drupal/tfa@2.0.0-alpha4",
        )],
    ),
    // `${api.version}` comes from <properties>; the test-free pom reports all three scopes.
    (
        "pom",
        "maven/trivy-pom-happy.xml",
        3,
        &[(
            "org.example:example-api",
            "1.7.30",
            "pkg:maven/org.example/example-api@1.7.30",
        )],
    ),
    // Versions from the local parent's properties and dependencyManagement; 6 test deps skipped.
    (
        "pom",
        "maven/zeppelin-server/pom.xml",
        31,
        &[
            (
                "org.apache.zeppelin:zeppelin-zengine",
                "0.11.1",
                "pkg:maven/org.apache.zeppelin/zeppelin-zengine@0.11.1",
            ),
            (
                "org.apache.httpcomponents:httpclient",
                "4.5.13",
                "pkg:maven/org.apache.httpcomponents/httpclient@4.5.13",
            ),
            (
                "org.eclipse.jetty:jetty-webapp",
                "9.4.52.v20230823",
                "pkg:maven/org.eclipse.jetty/jetty-webapp@9.4.52.v20230823",
            ),
        ],
    ),
    ("pom", "maven/zeppelin-server/parent/pom.xml", 0, &[]),
    (
        "nuget-lock",
        "dotnet/packages_lock_multi.json",
        40,
        &[
            (
                "Newtonsoft.Json",
                "12.0.3",
                "pkg:nuget/Newtonsoft.Json@12.0.3",
            ),
            ("AWSSDK.Core", "3.5.1.30", "pkg:nuget/AWSSDK.Core@3.5.1.30"),
        ],
    ),
];

#[test]
#[ignore = "real data: run by .ci/run"]
fn every_fixture_lockfile() {
    for (collector, file, expected_count, expected_packages) in CASES {
        let found = parse(collector, file);
        let warnings: Vec<&str> = found
            .diagnostics
            .iter()
            .filter(|diagnostic| diagnostic.level >= DiagnosticLevel::Warning)
            .map(|diagnostic| diagnostic.message.as_str())
            .collect();
        assert!(
            warnings.is_empty(),
            "{file}: unexpected warnings {warnings:?}"
        );
        assert_eq!(
            found.software.len(),
            *expected_count,
            "{file}: component count"
        );
        for software in &found.software {
            assert_eq!(
                software.path.as_deref(),
                Some(*file),
                "{file}: path of {}",
                software.name
            );
            assert!(software.purl.is_some(), "{file}: purl of {}", software.name);
        }
        for (name, version, purl) in *expected_packages {
            let row = found
                .software
                .iter()
                .find(|software| software.name == *name && software.version == *version);
            let row = row.unwrap_or_else(|| panic!("{file}: missing {name} {version}"));
            assert_eq!(row.purl.as_deref(), Some(*purl), "{file}: purl of {name}");
        }
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn every_fixture_lockfile_has_a_case() {
    let mut files = Vec::new();
    let mut pending = vec![lockfiles_dir()];
    while let Some(directory) = pending.pop() {
        for entry in std::fs::read_dir(&directory).expect("read fixtures") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path.strip_prefix(lockfiles_dir()).expect("below fixtures");
                files.push(relative.display().to_string());
            }
        }
    }
    for file in files {
        assert!(
            CASES.iter().any(|(_, case, _, _)| *case == file),
            "no case for {file}"
        );
    }
}

/// Copies the trivy-gomod project into a temporary root, with the `go` directive replaced.
fn go_project(go_directive: Option<&str>, with_go_mod: bool) -> tempfile::TempDir {
    let source = lockfiles_dir().join("go/trivy-gomod");
    let root = tempfile::tempdir().expect("temp dir");
    let project = root.path().join("app");
    std::fs::create_dir_all(&project).expect("create project");
    std::fs::copy(source.join("go.sum"), project.join("go.sum")).expect("copy go.sum");
    if with_go_mod {
        let go_mod = std::fs::read_to_string(source.join("go.mod")).expect("read go.mod");
        let replacement = go_directive.map_or(String::new(), |version| format!("go {version}"));
        std::fs::write(
            project.join("go.mod"),
            go_mod.replace("go 1.17", &replacement),
        )
        .expect("write go.mod");
    }
    root
}

fn parse_in(root: &Path, collector_name: &str, file: &str) -> Collection {
    let options = CollectOptions::new(root);
    let context = Context {
        options: &options,
        os: None,
    };
    let collector = file_collectors()
        .into_iter()
        .find(|collector| collector.name() == collector_name)
        .unwrap_or_else(|| panic!("no collector `{collector_name}`"));
    collector.parse(&context, Path::new(file))
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn old_go_mod_adds_go_sum_modules() {
    // go.sum hashes the code of 110 modules; the 18 of go.mod are among them.
    for directive in [Some("1.16"), None] {
        let root = go_project(directive, true);
        let found = parse_in(root.path(), "go-mod", "app/go.mod");
        assert_eq!(found.diagnostics, vec![], "go {directive:?}");
        assert_eq!(
            found.software.len(),
            110,
            "go {directive:?}: component count"
        );
        let text = found
            .software
            .iter()
            .find(|row| row.name == "golang.org/x/text")
            .expect("module from go.mod");
        assert_eq!(text.version, "v0.3.6");
        let spew = found
            .software
            .iter()
            .find(|row| row.name == "github.com/davecgh/go-spew")
            .expect("module only in go.sum");
        assert_eq!(spew.version, "v1.1.1");
        assert!(
            !found
                .software
                .iter()
                .any(|row| row.name == "bazil.org/fuse"),
            "go {directive:?}: a go.mod-only hash was reported"
        );
    }
}

#[test]
#[ignore = "real data: run by .ci/run"]
fn go_sum_alone_is_read() {
    let root = go_project(None, false);
    let found = parse_in(root.path(), "go-sum", "app/go.sum");
    assert_eq!(found.diagnostics, vec![]);
    assert_eq!(found.software.len(), 110);
    assert!(found
        .software
        .iter()
        .all(|row| row.path.as_deref() == Some("app/go.sum")));
}
