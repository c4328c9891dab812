//! `ward debug compare` and `ward debug satisfies` run as processes with input on stdin.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ward_debug(arguments: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("debug")
        .args(arguments)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start ward");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("run ward")
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn compare_prints_signs() {
    let output = ward_debug(
        &["compare", "--scheme", "maven"],
        "1.0.Final\t1.0\n1.0-rc1\t1.0\n31.1-jre\t31.1-android\n",
    );
    assert_eq!(stdout_lines(&output), ["0", "-1", "1"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn compare_error_line_exits_2() {
    let output = ward_debug(
        &["compare", "--scheme", "cran"],
        "1.0\t1.0-1\nabc\t1.0\nno tab here\n\n0.9\t0.75\n",
    );
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 5, "{lines:?}");
    assert_eq!(lines[0], "-1");
    assert!(
        lines[1].starts_with("error: invalid cran version `abc`"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("error: line 3:"), "{}", lines[2]);
    assert_eq!(lines[3], "");
    assert_eq!(lines[4], "-1");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn satisfies_uses_scheme_language() {
    let input = "[1.0,2.0)\t1.5\n[1.0,2.0)\t2.0\n(,1.0]\t1.0.Final\n";
    let output = ward_debug(&["satisfies", "--scheme", "maven"], input);
    assert_eq!(stdout_lines(&output), ["true", "false", "true"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    let output = ward_debug(
        &["satisfies", "--scheme", "npm"],
        "^1.2.3\t1.9.0\n^1.2.3\t2.0.0\n",
    );
    assert_eq!(stdout_lines(&output), ["true", "false"]);

    let output = ward_debug(&["satisfies", "--scheme", "semver"], "1.2\t1.3.0\n");
    assert_eq!(stdout_lines(&output), ["true"]);
}

#[test]
fn satisfies_pep440_specifiers() {
    let input = "~=2.2\t2.9\n<2\t2.0rc1\n>=1.0, !=1.3.*\t1.3.4\n==1.0\t1.0+ubuntu.1\n\
                 >=1.0\t1.1a1\n===foobar\tFooBar\n";
    let output = ward_debug(&["satisfies", "--scheme", "pep440"], input);
    assert_eq!(
        stdout_lines(&output),
        ["true", "false", "false", "true", "true", "true"]
    );
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn satisfies_pep440_invalid_lines_exit_2() {
    let output = ward_debug(
        &["satisfies", "--scheme", "pep440"],
        ">=1.0+local\t1.0\n>=1.0\tnot a version\n>=1.0\t1.0\n",
    );
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert!(
        lines[0].starts_with("error: invalid pep440 constraint `>=1.0+local`"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("error: invalid pep440 version `not a version`"),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], "true");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn satisfies_language_override() {
    let input = "versionStartIncluding=1.0;versionEndExcluding=2.0\t1.9\nversion=-\t1.0\n";
    let output = ward_debug(
        &["satisfies", "--scheme", "generic", "--language", "cpe"],
        input,
    );
    assert_eq!(stdout_lines(&output), ["true", "false"]);

    let output = ward_debug(
        &["satisfies", "--scheme", "nuget"],
        ">=1.0, <2.0\t1.5.0.1\n",
    );
    assert_eq!(stdout_lines(&output), ["true"]);
}

#[test]
fn satisfies_invalid_constraint_exits_2() {
    let output = ward_debug(
        &["satisfies", "--scheme", "maven"],
        "[2.0,1.0]\t1.5\n[1.0]\t1.0\n",
    );
    let lines = stdout_lines(&output);
    assert!(
        lines[0].starts_with("error: invalid maven-range constraint `[2.0,1.0]`"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "true");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
}

#[test]
fn unknown_scheme_is_usage_error() {
    let output = ward_debug(&["compare", "--scheme", "nope"], "");
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown version scheme `nope`"), "{stderr}");
}
