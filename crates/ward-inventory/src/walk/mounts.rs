//! Mount points to prune, read from `/proc/self/mountinfo` (`proc(5)`).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// Filesystem types not walked by default: network filesystems (slow, and inventoried on
/// their own server), kernel pseudo filesystems, and memory-backed `tmpfs`, whose content
/// does not survive a reboot. `overlay` is absent on purpose: it is a container's root.
pub const DEFAULT_PRUNED_FILESYSTEM_TYPES: &[&str] = &[
    "autofs",
    "binfmt_misc",
    "bpf",
    "cgroup",
    "cgroup2",
    "cifs",
    "configfs",
    "debugfs",
    "devpts",
    "devtmpfs",
    "efivarfs",
    "fuse.sshfs",
    "fusectl",
    "hugetlbfs",
    "mqueue",
    "nfs",
    "nfs4",
    "nsfs",
    "proc",
    "pstore",
    "securityfs",
    "smb3",
    "smbfs",
    "sysfs",
    "tmpfs",
    "tracefs",
];

/// Mount points below a root, read from the current process's mount table.
#[derive(Debug, Default)]
pub struct MountsBelow {
    /// Mount points whose filesystem type is pruned, not to be entered.
    pub pruned: HashSet<PathBuf>,
    /// Every mount point below the root; `None` when the mount table could not be read.
    pub all: Option<HashSet<PathBuf>>,
}

/// Returns the mount points strictly below `root`, and those whose filesystem type is in
/// `pruned_types`.
///
/// The current process's mount table describes every path on this host, so this also works
/// when `root` is a mounted image rather than `/`. Without a readable mountinfo (another OS,
/// a restricted container) both sets are empty, `all` is `None`, and only the path and glob
/// rules apply.
pub fn mounts_below(root: &Path, pruned_types: &[String]) -> MountsBelow {
    let Ok(text) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return MountsBelow::default();
    };
    let mut mounts = MountsBelow {
        pruned: HashSet::new(),
        all: Some(HashSet::new()),
    };
    for (mount_point, fs_type) in parse_mountinfo(&text) {
        if !mount_point.starts_with(root) || mount_point == root {
            continue;
        }
        if pruned_types.contains(&fs_type) {
            mounts.pruned.insert(mount_point.clone());
        }
        if let Some(all) = &mut mounts.all {
            all.insert(mount_point);
        }
    }
    mounts
}

/// Parses mountinfo lines into (mount point, filesystem type); malformed lines are skipped.
///
/// Line layout: `id parent major:minor root mount-point options [optional…] - type source
/// super-options`, with spaces, tabs, newlines and backslashes in paths written as octal
/// escapes (`\040`).
fn parse_mountinfo(text: &str) -> Vec<(PathBuf, String)> {
    let mut mounts = Vec::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let Some(mount_point) = fields.get(4) else {
            continue;
        };
        let Some(separator) = fields.iter().position(|field| *field == "-") else {
            continue;
        };
        let Some(fs_type) = fields.get(separator + 1) else {
            continue;
        };
        mounts.push((
            PathBuf::from(unescape_octal(mount_point)),
            (*fs_type).to_owned(),
        ));
    }
    mounts
}

fn unescape_octal(field: &str) -> String {
    let bytes = field.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if let Some(&[b'\\', a, b, c]) = bytes.get(i..i + 4) {
            if [a, b, c].iter().all(|digit| (b'0'..=b'7').contains(digit)) {
                let value =
                    u16::from(a - b'0') * 64 + u16::from(b - b'0') * 8 + u16::from(c - b'0');
                if let Ok(value) = u8::try_from(value) {
                    out.push(value);
                    i += 4;
                    continue;
                }
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "\
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw
40 27 0:50 / /mnt/my\\040share rw,relatime shared:5 - cifs //server/share rw
41 27 0:51 / /var/lib/docker/overlay2/x/merged rw - overlay overlay rw
";

    #[test]
    fn mountinfo_types_and_escapes() {
        let mounts = parse_mountinfo(SAMPLE);
        assert_eq!(mounts.len(), 4);
        assert_eq!(mounts[0], (PathBuf::from("/proc"), "proc".to_owned()));
        assert_eq!(
            mounts[2],
            (PathBuf::from("/mnt/my share"), "cifs".to_owned())
        );
        assert_eq!(mounts[3].1, "overlay");
    }

    #[test]
    fn overlay_is_not_pruned_by_default() {
        assert!(!DEFAULT_PRUNED_FILESYSTEM_TYPES.contains(&"overlay"));
        assert!(DEFAULT_PRUNED_FILESYSTEM_TYPES.contains(&"nfs"));
    }
}
