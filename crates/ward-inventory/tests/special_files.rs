//! FIFOs and devices at the fixed paths collectors read are reported, never opened: opening
//! a FIFO blocks until a writer appears, and a device such as `/dev/zero` never ends.

#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use ward_inventory::{collect, CollectOptions};

fn fifo(root: &Path, relative: &str) {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("create dirs");
    let status = Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn fifo_at_fixed_paths_is_reported() {
    let root = tempfile::tempdir().expect("temp dir");
    fifo(root.path(), "etc/os-release");
    fifo(root.path(), "var/lib/dpkg/status");

    let (sender, receiver) = mpsc::channel();
    let root_path = root.path().to_owned();
    std::thread::spawn(move || {
        let _ = sender.send(collect(&CollectOptions::new(&root_path)));
    });
    let inventory = receiver
        .recv_timeout(Duration::from_secs(20))
        .expect("collection returned instead of blocking on a FIFO");

    let messages: Vec<&str> = inventory
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.message.as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|message| message.contains("status") && message.contains("not a regular file")),
        "{messages:#?}"
    );
    assert!(inventory.software.is_empty());
}
