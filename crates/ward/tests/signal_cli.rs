//! SIGINT and SIGTERM during a feed download, from `ward db update` and from the first run
//! of `ward scan`, against a loopback server that accepts connections and never answers,
//! and during `ward db import` of a named pipe without a writer.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const OS_RELEASE: &str = "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n";

const STATUS: &str = "Package: bash\nStatus: install ok installed\nArchitecture: amd64\n\
Version: 5.2.15-2+b7\n";

/// Starts a server on 127.0.0.1 that accepts connections, keeps them open and never
/// answers; returns its base URL and a receiver that gets a message for each connection.
fn silent_server() -> (String, mpsc::Receiver<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let mut open = Vec::new();
        for stream in listener.incoming().flatten() {
            open.push(stream);
            if sender.send(()).is_err() {
                break;
            }
        }
    });
    (base, receiver)
}

fn spawn_ward(dir: &Path, base: &str, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--db")
        .arg(dir.join("intel.sqlite"))
        .args(args)
        .env_remove("WARD_DB")
        .env_remove("RUST_LOG")
        .env("WARD_FEED_BASE_URL", base)
        .env("XDG_DATA_HOME", dir.join("xdg"))
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Names of the files and directories in `dir` other than the ones the test made.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| !["root", "xdg", "intel.sqlite.lock"].contains(&name.as_str()))
        .collect();
    names.sort();
    names
}

/// Waits for the download to start, sends `signal` and returns the exit code and stderr.
fn interrupt(
    dir: &Path,
    child: Child,
    connected: &mpsc::Receiver<()>,
    signal: &str,
) -> (Option<i32>, String) {
    connected
        .recv_timeout(Duration::from_secs(30))
        .expect("ward never connected to the feed server");
    // The download directory exists before the first request, so it is there to remove.
    assert!(
        leftovers(dir)
            .iter()
            .any(|name| name.starts_with(".ward-download.")),
        "{:?}",
        leftovers(dir)
    );
    let kill = Command::new("kill")
        .args(["-s", signal, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn update_interrupted_leaves_no_files() {
    let cases = [("INT", 130), ("TERM", 143)];
    for (signal, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (base, connected) = silent_server();
        let child = spawn_ward(
            dir.path(),
            &base,
            &[
                "db",
                "update",
                "--ecosystem",
                "Debian",
                "--no-kev",
                "--no-epss",
            ],
        );

        let (code, stderr) = interrupt(dir.path(), child, &connected, signal);

        assert_eq!(code, Some(expected), "case SIG{signal}: {stderr}");
        assert!(stderr.contains("interrupted"), "case SIG{signal}: {stderr}");
        assert_eq!(
            leftovers(dir.path()),
            Vec::<String>::new(),
            "case SIG{signal}"
        );
    }
}

#[test]
fn first_scan_download_interrupted() {
    let cases = [("INT", 130), ("TERM", 143)];
    for (signal, expected) in cases {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("var/lib/dpkg")).unwrap();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("var/lib/dpkg/status"), STATUS).unwrap();
        std::fs::write(root.join("etc/os-release"), OS_RELEASE).unwrap();
        let (base, connected) = silent_server();
        let child = spawn_ward(
            dir.path(),
            &base,
            &["scan", "--root", root.to_str().unwrap()],
        );

        let (code, stderr) = interrupt(dir.path(), child, &connected, signal);

        assert_eq!(code, Some(expected), "case SIG{signal}: {stderr}");
        assert_eq!(
            leftovers(dir.path()),
            Vec::<String>::new(),
            "case SIG{signal}"
        );
    }
}

#[test]
fn import_interrupted_keeps_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("intel.sqlite");
    let kev = dir.path().join("kev.json");
    std::fs::write(
        &kev,
        r#"{"catalogVersion": "1", "vulnerabilities": [{"cveID": "CVE-2024-0001",
            "vendorProject": "V", "product": "P", "vulnerabilityName": "N",
            "dateAdded": "2025-01-01", "requiredAction": "Patch"}]}"#,
    )
    .unwrap();
    let first = Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--db")
        .arg(&db)
        .args(["db", "import"])
        .arg(&kev)
        .output()
        .unwrap();
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    std::fs::remove_file(&kev).unwrap();
    let before = std::fs::read(&db).unwrap();
    // Reading a FIFO blocks until a writer opens it, so the import waits with its working
    // copy open.
    let fifo = dir.path().join("feed.json");
    let mkfifo = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(mkfifo.success());

    let child = Command::new(env!("CARGO_BIN_EXE_ward"))
        .arg("--db")
        .arg(&db)
        .args(["db", "import"])
        .arg(&fifo)
        .env_remove("RUST_LOG")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while !leftovers(dir.path())
        .iter()
        .any(|name| name.ends_with(".tmp"))
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "no working copy appeared: {:?}",
            leftovers(dir.path())
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let kill = Command::new("kill")
        .args(["-s", "TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let output = child.wait_with_output().unwrap();

    assert_eq!(output.status.code(), Some(143), "{output:?}");
    assert_eq!(leftovers(dir.path()), ["feed.json", "intel.sqlite"]);
    assert_eq!(std::fs::read(&db).unwrap(), before);
}
