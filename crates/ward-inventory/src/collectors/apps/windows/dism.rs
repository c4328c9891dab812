//! Import of `DISM /online /get-packages` output: servicing packages and KB updates.
//!
//! The output has an `Image Version: 10.0.17763.3406` line (the OS build) and one block per
//! package of `Key : value` lines: `Package Identity`, `State`, `Release Type`,
//! `Install Time`. A package identity is `name~publickeytoken~arch~language~version`
//! (`Package_for_KB4470788~31bf3856ad364e35~amd64~~17763.164.1.1`).
//!
//! Only packages in state `Installed` become rows; superseded, staged and pending ones do not
//! protect the system. Keys are English whatever the system language.

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::collectors::Collection;
use crate::Software;

/// Name recorded in rows and diagnostics of this import.
pub const COLLECTOR: &str = "dism";

/// Contents of a `DISM /get-packages` output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DismPackages {
    /// OS build from the `Image Version` line (`10.0.17763.3406`).
    pub image_version: Option<String>,
    /// Installed packages, and problems met.
    pub collection: Collection,
}

/// Parses DISM's output; `display` names the file in rows and diagnostics.
pub fn parse(text: &str, display: &str) -> DismPackages {
    let mut out = DismPackages::default();
    let mut block: Vec<(u64, &str, &str)> = Vec::new();

    for (index, line) in text.lines().chain(std::iter::once("")).enumerate() {
        let line = line.trim();
        if line.is_empty() {
            if !block.is_empty() {
                add_package(&block, display, &mut out.collection);
                block.clear();
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let (key, value) = (key.trim(), value.trim());
        if key == "Image Version" {
            out.image_version = Some(value.to_owned());
        } else if key == "Package Identity" || !block.is_empty() {
            block.push((index as u64 + 1, key, value));
        }
    }
    out
}

fn add_package(block: &[(u64, &str, &str)], display: &str, collection: &mut Collection) {
    let field = |wanted: &str| {
        block
            .iter()
            .find(|(_, key, _)| *key == wanted)
            .map(|(_, _, value)| *value)
    };
    let (Some(identity), line) = (field("Package Identity"), block[0].0) else {
        return;
    };
    if field("State") != Some("Installed") {
        return;
    }

    let parts: Vec<&str> = identity.split('~').collect();
    let [name, _token, arch, _language, version] = parts[..] else {
        collection.diagnostics.push(
            super::super::warning(
                COLLECTOR,
                display,
                format!(
                    "invalid package identity `{identity}`: expected five `~`-separated fields"
                ),
            )
            .with_line(line),
        );
        return;
    };

    let mut software: Software =
        super::super::row(COLLECTOR, "windows-package", name, version, display);
    software.architecture = Some(arch.to_owned()).filter(|arch| !arch.is_empty());
    software.identifier = Some(identity.to_owned());
    software.status = field("Release Type").map(str::to_owned);
    // NOTE: DISM prints the install time in the system's locale. Only the US form
    // `9/15/2018 9:08 AM` is parsed, and others leave `installed_at` empty.
    software.installed_at = field("Install Time")
        .and_then(|time| NaiveDateTime::parse_from_str(time, "%m/%d/%Y %I:%M %p").ok())
        .map(|time| DateTime::<Utc>::from_naive_utc_and_offset(time, Utc));
    collection.software.push(software);
}

/// Returns the KB number of a package name (`Package_for_KB4470788` gives `KB4470788`).
pub fn kb_number(name: &str) -> Option<&str> {
    let start = name.find("KB")?;
    let digits = name[start + 2..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    (digits > 0).then(|| &name[start..start + 2 + digits])
}

#[cfg(test)]
mod tests {
    use super::*;

    const OUTPUT: &str =
        "Deployment Image Servicing and Management tool\nVersion: 10.0.20348.681\n\n\
Image Version: 10.0.17763.3406\n\n\
Package Identity : Package_for_KB4470788~31bf3856ad364e35~amd64~~17763.164.1.1\n\
State : Installed\nRelease Type : Security Update\nInstall Time : 3/12/2019 6:27 AM\n\n\
Package Identity : Package_for_RollupFix~31bf3856ad364e35~amd64~~17763.379.1.11\n\
State : Superseded\n\n\
Package Identity : broken-identity\nState : Installed\n\n\
The operation completed successfully.\n";

    #[test]
    fn installed_packages_are_listed() {
        let packages = parse(OUTPUT, "dism.txt");
        assert_eq!(packages.image_version.as_deref(), Some("10.0.17763.3406"));
        let collection = &packages.collection;
        assert_eq!(collection.software.len(), 1);
        let update = &collection.software[0];
        assert_eq!(update.name, "Package_for_KB4470788");
        assert_eq!(update.version, "17763.164.1.1");
        assert_eq!(update.architecture.as_deref(), Some("amd64"));
        assert_eq!(update.status.as_deref(), Some("Security Update"));
        assert_eq!(
            update.installed_at.map(|time| time.to_rfc3339()),
            Some("2019-03-12T06:27:00+00:00".to_owned())
        );
        assert_eq!(collection.diagnostics.len(), 1);
        assert_eq!(collection.diagnostics[0].line, Some(14));
    }

    #[test]
    fn kb_numbers_are_extracted() {
        assert_eq!(kb_number("Package_for_KB4470788"), Some("KB4470788"));
        assert_eq!(kb_number("Package_for_RollupFix"), None);
        assert_eq!(kb_number("KB"), None);
    }
}
