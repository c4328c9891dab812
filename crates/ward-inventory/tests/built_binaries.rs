//! Executables built by the real toolchains, then collected from a temporary root: a Rust
//! program built with `cargo auditable` and a Go program with a vendored dependency.
//!
//! Both need a toolchain that the default test run does not have, so they are ignored and
//! run by the CI script, which installs `cargo-auditable` (crates.io) and `golang-go` (apt).

use std::path::Path;
use std::process::Command;

use ward_inventory::{collect, CollectOptions, Software};

fn write(root: &Path, relative: &str, content: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
    std::fs::write(path, content).expect("write file");
}

/// Runs `command` and panics with its output when it fails.
fn run(command: &mut Command) {
    let output = command.output().expect("start build tool");
    assert!(
        output.status.success(),
        "{command:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Collects `root` and returns the components the binary collectors found in `path`.
fn components_at(root: &Path, path: &str) -> Vec<Software> {
    let inventory = collect(&CollectOptions::new(root));
    inventory
        .software
        .into_iter()
        .filter(|software| software.path.as_deref() == Some(path))
        .collect()
}

#[test]
#[ignore = "needs cargo-auditable: run by .ci/run"]
fn cargo_auditable_binary_lists_crates() {
    let work = tempfile::tempdir().expect("temp dir");
    let project = work.path().join("hello");
    // `itoa` is also a dependency of this workspace, so the registry cache usually has it.
    write(
        &project,
        "Cargo.toml",
        "[package]\nname = \"hello\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
         [dependencies]\nitoa = \"=1.0.19\"\n\n[workspace]\n",
    );
    write(
        &project,
        "src/main.rs",
        "fn main() {\n    println!(\"{}\", itoa::Buffer::new().format(42));\n}\n",
    );
    let target = work.path().join("target");
    run(Command::new("cargo")
        .args(["auditable", "build", "--quiet"])
        .current_dir(&project)
        .env("CARGO_TARGET_DIR", &target));

    let root = work.path().join("root");
    std::fs::create_dir_all(root.join("usr/local/bin")).expect("create bin dir");
    std::fs::copy(target.join("debug/hello"), root.join("usr/local/bin/hello"))
        .expect("copy binary");

    let found = components_at(&root, "usr/local/bin/hello");
    let itoa = found
        .iter()
        .find(|software| software.name == "itoa")
        .unwrap_or_else(|| panic!("itoa not found in {found:?}"));
    assert_eq!(itoa.version, "1.0.19");
    assert_eq!(itoa.ecosystem.as_deref(), Some("crates.io"));
    assert_eq!(itoa.purl.as_deref(), Some("pkg:cargo/itoa@1.0.19"));
    // The program itself is workspace code (`source: local`), not a crates.io package.
    assert!(
        !found.iter().any(|software| software.name == "hello"),
        "{found:?}"
    );
}

#[test]
#[ignore = "needs golang-go: run by .ci/run"]
fn go_binary_lists_modules() {
    let work = tempfile::tempdir().expect("temp dir");
    let project = work.path().join("app");
    // A vendored dependency builds without the module proxy and is still recorded in the
    // build info with its required version.
    write(
        &project,
        "go.mod",
        "module example.com/app\n\ngo 1.19\n\nrequire example.com/greeting v1.2.3\n",
    );
    write(
        &project,
        "main.go",
        "package main\n\nimport \"example.com/greeting\"\n\nfunc main() { println(greeting.Hello()) }\n",
    );
    write(
        &project,
        "vendor/modules.txt",
        "# example.com/greeting v1.2.3\n## explicit\nexample.com/greeting\n",
    );
    write(
        &project,
        "vendor/example.com/greeting/greeting.go",
        "package greeting\n\nfunc Hello() string { return \"hello\" }\n",
    );
    let root = work.path().join("root");
    std::fs::create_dir_all(root.join("usr/local/bin")).expect("create bin dir");
    run(Command::new("go")
        .args(["build", "-mod=vendor", "-o"])
        .arg(root.join("usr/local/bin/app"))
        .arg(".")
        .current_dir(&project)
        .env("GOPROXY", "off")
        .env("GOFLAGS", "")
        .env("GOCACHE", work.path().join("go-cache"))
        .env("GOPATH", work.path().join("go-path")));

    let found = components_at(&root, "usr/local/bin/app");
    let greeting = found
        .iter()
        .find(|software| software.name == "example.com/greeting")
        .unwrap_or_else(|| panic!("dependency not found in {found:?}"));
    assert_eq!(greeting.version, "v1.2.3");
    assert_eq!(greeting.ecosystem.as_deref(), Some("Go"));
    let stdlib = found
        .iter()
        .find(|software| software.name == "stdlib")
        .unwrap_or_else(|| panic!("stdlib not found in {found:?}"));
    assert!(stdlib.version.starts_with("v1."), "{}", stdlib.version);
    // The main module was built from a work tree, so its version is `(devel)` and not listed.
    assert!(
        !found
            .iter()
            .any(|software| software.name == "example.com/app"),
        "{found:?}"
    );
}
